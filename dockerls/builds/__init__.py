"""Readers of the files that say how a Dockerfile is built: Compose and Bake.

They return typed ``dockerls.analysis.builds.Build`` values and ``Problem``s; nothing here
runs a build or anything from the files.
"""

from pathlib import Path

# The file names each reader looks for in a project folder (pure facts about builds, so the
# workspace scan finds them without loading the readers and their parsers: PyYAML, python-hcl2)
from dockerls.analysis.builds import BAKE_FILES, BAKE_OVERRIDES, COMPOSE_FILES, COMPOSE_OVERRIDES

__all__ = ["BAKE_FILES", "BAKE_OVERRIDES", "COMPOSE_FILES", "COMPOSE_OVERRIDES", "read_text"]


def read_text(path: Path) -> str:
    """A build file's text from disk (the server passes open buffers' texts instead)."""
    return path.read_text(encoding="utf-8")
