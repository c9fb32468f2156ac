"""Issues: the issue file (``file``), editing it (``edit``) and composing it (``compose``)."""
