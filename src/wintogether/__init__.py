"""wintogether: a local-first relationship tracker for sellers."""

__version__ = "0.1.0"
