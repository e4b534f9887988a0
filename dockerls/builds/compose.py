"""Compose files: each service's ``build`` as a ``Build``.

Reads ``compose.yaml``/``compose.yml``/``docker-compose.yaml``/``docker-compose.yml`` (and their
``.override`` twins, plus any extra files the settings name, later files overriding earlier ones
per service key) with PyYAML's node API, so every value keeps its position.  ``build`` is a
string (the context) or a mapping with ``context``, ``dockerfile``, ``args`` (a list of
``K=V``/``K`` or a map), ``target``, ``platforms`` and ``additional_contexts`` (as ``args``).
Values get Compose's interpolation from the project's ``.env`` (the process environment wins,
as in Compose).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import yaml

from dockerls.analysis.builds import Build, Origin, Problem
from dockerls.builds import COMPOSE_FILES, read_text, resolved, unusable
from dockerls.builds import COMPOSE_OVERRIDES as _OVERRIDES
from dockerls.builds.interpolate import InterpolationError, interpolate, parse_env_file

__all__ = ["COMPOSE_FILES", "read_compose"]

log = logging.getLogger(__name__)


def _origin(path: Path, node: yaml.Node) -> Origin:
    """Where a node is; a quoted scalar on one line without its quotes."""
    start, end = node.start_mark, node.end_mark
    quoted = isinstance(node, yaml.ScalarNode) and node.style in ("'", '"')
    if quoted and start.line == end.line and end.column - start.column >= 2:
        return Origin(str(path), start.line, start.column + 1, end.line, end.column - 1)
    return Origin(str(path), start.line, start.column, end.line, end.column)


def _key_origin(path: Path, node: yaml.Node, key: str) -> Origin:
    """The key of a ``KEY=value`` list item (the whole item when it isn't written plainly)."""
    whole = _origin(path, node)
    if isinstance(node, yaml.ScalarNode) and node.style is None and node.value.startswith(key):
        return Origin(whole.path, whole.line, whole.col, whole.line, whole.col + len(key))
    return whole


def _mapping(node: yaml.Node) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode):
            out[str(key.value)] = (key, value)
    return out


class _Reader:
    def __init__(self, project: Path, env: Mapping[str, str]) -> None:
        self.project = project
        self.env = env
        self.problems: list[Problem] = []

    def text(self, path: Path, node: yaml.Node) -> str | None:
        if not isinstance(node, yaml.ScalarNode):
            self.problems.append(Problem("expected a string", _origin(path, node)))
            return None
        if node.tag == "tag:yaml.org,2002:null":
            return None
        try:
            return interpolate(str(node.value), self.env)
        except InterpolationError as exc:
            self.problems.append(Problem(str(exc), _origin(path, node)))
            return None

    def unusable(self, service: str, what: str, value: str, where: tuple[Path, yaml.Node]) -> None:
        """A service whose ``what`` (``value``, set ``where``) can't be a path: an error, and
        no build."""
        message = f"service {service}: {unusable(what, value)}"
        self.problems.append(Problem(message, _origin(*where), "error"))

    def args(self, path: Path, node: yaml.Node) -> tuple[dict[str, str], dict[str, Origin]]:
        values: dict[str, str] = {}
        origins: dict[str, Origin] = {}
        if isinstance(node, yaml.SequenceNode):
            for item in node.value:
                entry = self.text(path, item)
                if entry is None:
                    continue
                key, sep, value = entry.partition("=")
                key = key.strip()
                if sep:
                    values[key] = value
                elif key in self.env:  # "- KEY" takes the value from the environment
                    values[key] = self.env[key]
                origins[key] = _key_origin(path, item, key)
        else:
            for key, (knode, vnode) in _mapping(node).items():
                text = self.text(path, vnode)
                if text is not None:
                    values[key] = text
                elif key in self.env:
                    values[key] = self.env[key]
                origins[key] = _origin(path, knode)
        return values, origins

    def build(
        self,
        path: Path,
        service: str,
        snode: yaml.Node,
        fields: dict[str, tuple[Path, yaml.Node]],
    ) -> Build | None:
        """One service's build from its merged ``build`` fields (each with its file)."""
        base = path.parent
        context = self.text(*fields["context"]) if "context" in fields else "."
        if context is None:
            return None
        if "://" in context or context.startswith("git@"):
            self.problems.append(
                Problem(
                    f"service {service}: a remote build context is not linted",
                    _origin(*fields["context"]),
                    "information",
                )
            )
            return None
        ctx = resolved(base, context)
        if ctx is None:
            set_at = fields.get("context", (path, snode))
            self.unusable(service, "build context", context, set_at)
            return None
        dockerfile = "Dockerfile"
        dockerfile_origin = target = target_origin = None
        if "dockerfile" in fields:
            dockerfile = self.text(*fields["dockerfile"]) or dockerfile
            dockerfile_origin = _origin(*fields["dockerfile"])
        dockerfile_path = resolved(ctx, dockerfile)
        if dockerfile_path is None:
            set_at = fields.get("dockerfile", (path, snode))
            self.unusable(service, "Dockerfile", dockerfile, set_at)
            return None
        if "target" in fields:
            target = self.text(*fields["target"])
            target_origin = _origin(*fields["target"])
        args: dict[str, str] = {}
        arg_origins: dict[str, Origin] = {}
        contexts: dict[str, str] = {}
        context_origins: dict[str, Origin] = {}
        for key, (where, node) in fields.items():
            if key == "args" or key.startswith("args:"):
                values, origins = self.args(where, node)
                args.update(values)
                arg_origins.update(origins)
            elif key.partition(":")[0] == "additional_contexts":  # the same two forms as args
                values, origins = self.args(where, node)
                contexts.update(values)
                context_origins.update(origins)
        platforms: tuple[str, ...] = ()
        if "platforms" in fields and isinstance(fields["platforms"][1], yaml.SequenceNode):
            where, node = fields["platforms"]
            platforms = tuple(p for p in (self.text(where, n) for n in node.value) if p)
        return Build(
            name=f"compose:{service}",
            dockerfile=str(dockerfile_path),
            context=str(ctx),
            args=args,
            target=target,
            platforms=platforms,
            contexts=contexts,
            context_origins=context_origins,
            origin=_origin(path, snode),
            target_origin=target_origin,
            arg_origins=arg_origins,
            dockerfile_origin=dockerfile_origin,
        )


def _env(project: Path, read: Callable[[Path], str]) -> dict[str, str]:
    env: dict[str, str] = {}
    try:
        env.update(parse_env_file(read(project / ".env")))
    except (OSError, UnicodeDecodeError):
        pass
    except InterpolationError as exc:
        log.info(".env in %s: %s", project, exc)
    env.update(os.environ)
    return env


# ``build`` keys whose entries an override file adds to, key by key
_MERGED = frozenset({"args", "additional_contexts"})


def compose_files(project: Path, extra: Sequence[str] = ()) -> list[Path]:
    base = next((project / n for n in COMPOSE_FILES if (project / n).is_file()), None)
    files = [base] if base else []
    files += [project / n for n in _OVERRIDES if (project / n).is_file()][:1]
    for path in (p if p.is_absolute() else project / p for p in map(Path, extra)):
        if path not in files:
            files.append(path)
    return [f for f in files if f.is_file()]


def read_compose(
    project: Path,
    extra: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    read: Callable[[Path], str] = read_text,
) -> tuple[list[Build], list[Problem]]:
    """The builds of a Compose project (one per service with a ``build``), and problems;
    ``read`` gives a file's text (an open editor buffer's, in the server)."""
    reader = _Reader(project, _env(project, read) if env is None else env)
    services: dict[str, tuple[Path, yaml.Node, dict[str, tuple[Path, yaml.Node]]]] = {}
    for path in compose_files(project, extra):
        try:
            root = yaml.compose(read(path))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            reader.problems.append(Problem(f"{path.name}: {exc}"))
            continue
        if root is None:
            continue
        entry = _mapping(root).get("services")
        if entry is None:
            continue
        for name, (knode, snode) in _mapping(entry[1]).items():
            build = _mapping(snode).get("build")
            if build is None:
                continue
            _, fields = services.setdefault(name, (path, knode, {}))[1:]
            bnode = build[1]
            if isinstance(bnode, yaml.ScalarNode):  # `build: ./dir` is `build: {context: ./dir}`
                fields["context"] = (path, bnode)
            for key, (_, value) in _mapping(bnode).items():
                if key in _MERGED and key in fields:  # these merge key by key
                    fields[f"{key}:{len(fields)}"] = (path, value)
                else:
                    fields[key] = (path, value)
    builds = []
    for name, (path, knode, fields) in services.items():
        built = reader.build(path, name, knode, fields)
        if built is not None:
            builds.append(built)
    return builds, reader.problems
