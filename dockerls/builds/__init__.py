"""Readers of the files that say how a Dockerfile is built: Compose and Bake.

They return typed ``dockerls.analysis.builds.Build`` values and ``Problem``s; nothing here
runs a build or anything from the files.
"""

from pathlib import Path


def read_text(path: Path) -> str:
    """A build file's text from disk (the server passes open buffers' texts instead)."""
    return path.read_text(encoding="utf-8")
