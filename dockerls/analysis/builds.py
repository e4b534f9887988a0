"""Build inputs: how a Dockerfile is really built (build args, target, platforms, context).

A ``Build`` is one named set of inputs: ``compose:web`` (a Compose service's ``build``),
``bake:prod`` (a Bake target), ``cli`` (``dockerls check --build-arg ... --target ...``) or
``settings`` (the editor's ``build.*`` settings).  Builds are outside facts: the readers in
``dockerls.builds`` find them in the workspace, and the engine gets them as typed values.

``Origin`` says where a build was defined, so that diagnostics, definition and references
can point into the Compose or Bake file.  Positions are 0-based lines and code-point columns.

Pure: no IO, no LSP types.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from dockerls.analysis.rules.base import Severity

__all__ = [
    "BAKE_FILES",
    "BAKE_OVERRIDES",
    "BUILD_FILE_CODES",
    "COMPOSE_FILES",
    "COMPOSE_OVERRIDES",
    "Build",
    "Origin",
    "Problem",
    "is_bake_file",
    "is_build_file",
    "is_compose_file",
    "is_dockerfile_name",
]

# The files a project reads when none is named, in the order Compose and Bake look for them
# (the workspace scan finds projects by them).
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

# Any Compose or Bake file, named or found: the names above and their variants
_COMPOSE = re.compile(r"(docker-)?compose([.-][^/]*)?\.ya?ml")
_BAKE = re.compile(r"docker-bake([.-][^/]*)?\.(hcl|json)")


def is_compose_file(name: str) -> bool:
    """``compose.yaml``, ``docker-compose.override.yml``, ``compose.prod.yaml``... (a path,
    a URI or a bare name)."""
    return _COMPOSE.fullmatch(name.rsplit("/", 1)[-1]) is not None


def is_bake_file(name: str) -> bool:
    """``docker-bake.hcl``, ``docker-bake.override.json``, ``docker-bake.ci.hcl``..."""
    return _BAKE.fullmatch(name.rsplit("/", 1)[-1]) is not None


def is_dockerfile_name(name: str) -> bool:
    """Dockerfile, Containerfile, *.dockerfile, Dockerfile.*, and any other name
    that contains "dockerfile"/"containerfile" (prod-Dockerfile, Dockerfile2)."""
    name = name.rsplit("/", 1)[-1].lower()
    if name.endswith((".dockerignore", ".md", ".txt", ".json", ".yaml", ".yml", ".sh", ".py")):
        return False
    return "dockerfile" in name or "containerfile" in name


def is_build_file(name: str) -> bool:
    return is_compose_file(name) or is_bake_file(name)


@dataclass(frozen=True, slots=True)
class Origin:
    """A place in a build file: ``path`` and a range."""

    path: str
    line: int
    col: int
    end_line: int
    end_col: int


# The codes of a Compose or Bake file's problems: what the reader couldn't use or evaluate,
# and ``buildcheck``'s checks of a build against its Dockerfile.  Settings and
# ``.hadolint.yaml`` take them as they take rule codes (``Problem.shown``).
READER_PROBLEM = "BuildFile"
MISSING_DOCKERFILE = "MissingDockerfile"
UNKNOWN_TARGET = "UnknownBuildTarget"
UNUSED_ARG = "UnusedBuildArg"
UNUSED_CONTEXT = "UnusedBuildContext"
BUILD_FILE_CODES = frozenset(
    {READER_PROBLEM, MISSING_DOCKERFILE, UNKNOWN_TARGET, UNUSED_ARG, UNUSED_CONTEXT}
)

# a problem's level, as hadolint's levels (``Severity``) name it, and back
_LEVELS = {"error": "error", "warning": "warning", "information": "info", "hint": "style"}
_NAMES = {level: name for name, level in _LEVELS.items()}


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in a build file that could not be used or evaluated statically."""

    message: str
    origin: Origin | None = None
    severity: str = "warning"  # "error" | "warning" | "information" | "hint"
    code: str = READER_PROBLEM  # the diagnostic's code
    # what the text at ``origin`` was likely meant to be (a stage or ARG name): the
    # "did you mean" of the message, and its quick fix
    suggestion: str | None = None

    def shown(self, level: Callable[[str, Severity], Severity | None]) -> Problem | None:
        """This problem at the level the configuration sets for its code (``level``:
        ``LintConfig.level``), or None when the configuration leaves it out."""
        sev = level(self.code, Severity.parse(_LEVELS.get(self.severity, "warning")))
        if sev is None:
            return None
        name = _NAMES[sev.label]
        return self if name == self.severity else replace(self, severity=name)


@dataclass(frozen=True, slots=True)
class Build:
    name: str  # "compose:web", "bake:prod", "cli", "settings"
    dockerfile: str | None  # absolute path when known
    context: str | None  # absolute path of the build context when known
    args: Mapping[str, str] = field(default_factory=dict)
    target: str | None = None
    platforms: tuple[str, ...] = ()
    origin: Origin | None = None  # the service / target definition
    target_origin: Origin | None = None  # the ``target:`` value
    arg_origins: Mapping[str, Origin] = field(default_factory=dict)  # each args key
    dockerfile_origin: Origin | None = None  # the ``dockerfile:`` value
    unresolved: tuple[str, ...] = ()  # what could not be evaluated statically
    # the named build contexts (Compose's ``additional_contexts``, Bake's ``contexts``,
    # ``--build-context``): name -> value; BuildKit takes one for ``FROM name`` and
    # ``--from=name`` in place of the image or stage of that name
    contexts: Mapping[str, str] = field(default_factory=dict)
    context_origins: Mapping[str, Origin] = field(default_factory=dict)  # each contexts key
