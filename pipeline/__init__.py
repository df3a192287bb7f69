"""Organization-function extraction pipeline."""

__version__ = "0.1.0"
