"""The package's version, in a module of its own so that any part can read it without
importing the package's front door."""

__version__ = "0.3.0"
