"""Readers of the files that say how a Dockerfile is built: Compose and Bake.

They return typed ``dockerls.analysis.builds.Build`` values and ``Problem``s; nothing here
runs a build or anything from the files.
"""

from pathlib import Path

# The file names each reader looks for in a project folder (here, so the workspace scan can
# find them without loading the readers and their parsers: PyYAML, python-hcl2).
COMPOSE_FILES = (
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
)
COMPOSE_OVERRIDES = (
    "compose.override.yaml",
    "compose.override.yml",
    "docker-compose.override.yaml",
    "docker-compose.override.yml",
)
BAKE_FILES = ("docker-bake.json", "docker-bake.hcl")
BAKE_OVERRIDES = ("docker-bake.override.json", "docker-bake.override.hcl")


def read_text(path: Path) -> str:
    """A build file's text from disk (the server passes open buffers' texts instead)."""
    return path.read_text(encoding="utf-8")
