"""dockerls: a language server and linter for Dockerfiles."""

__version__ = "0.1.0"
