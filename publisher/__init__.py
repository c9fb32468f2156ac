"""publisher: newsletter and publishing automation for news content."""

__version__ = "0.1.0"
