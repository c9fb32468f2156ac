"""What a build leaves on disk: one issue's folder (``build``, ``manifest``), the site and feed."""
