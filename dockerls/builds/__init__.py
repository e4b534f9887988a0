"""Readers of the files that say how a Dockerfile is built: Compose and Bake.

They return typed ``dockerls.analysis.builds.Build`` values and ``Problem``s; nothing here
runs a build or anything from the files.
"""

from pathlib import Path

# The file names each reader looks for in a project folder (pure facts about builds, so the
# workspace scan finds them without loading the readers and their parsers: PyYAML, python-hcl2)
from dockerls.analysis.builds import BAKE_FILES, BAKE_OVERRIDES, COMPOSE_FILES, COMPOSE_OVERRIDES

__all__ = [
    "BAKE_FILES",
    "BAKE_OVERRIDES",
    "COMPOSE_FILES",
    "COMPOSE_OVERRIDES",
    "read_text",
    "resolved",
]


def read_text(path: Path) -> str:
    """A build file's text from disk (the server passes open buffers' texts instead)."""
    return path.read_text(encoding="utf-8")


def resolved(base: Path, rel: str) -> Path | None:
    """``base / rel`` made absolute, symlinks followed (the folder or file a build would
    use), or None when no file can have that path: a NUL character in it, or a symlink loop
    (``Path.resolve`` raises ``ValueError`` and ``RuntimeError`` for those)."""
    try:
        return (base / rel).resolve()
    except (ValueError, RuntimeError, OSError):
        return None


def unusable(what: str, value: str) -> str:
    """Why a ``what`` (a context, a Dockerfile) whose ``value`` ``resolved`` can't make a
    path of fails the build (and isn't linted)."""
    why = "holds a NUL character" if "\0" in value else "goes round a symlink loop"
    return f"the {what} {value!r} {why}: the build would fail (not linted)"
