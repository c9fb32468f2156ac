"""The live preview: the issue rebuilt in one warm process and served to a browser."""
