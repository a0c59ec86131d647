"""The package version (read by pyproject.toml at build time and exported as ``pqms_physics.__version__``)."""

__version__ = "0.2.0"
