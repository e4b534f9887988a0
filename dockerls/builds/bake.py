"""Bake files: each target as a ``Build``.

Reads ``docker-bake.hcl``/``docker-bake.json``, then ``docker-bake.override.hcl``/``.json`` and
any other file named (a later file's attributes override the earlier file's, per target and per
``args`` key), with python-hcl2 for HCL.  Targets take ``context``, ``dockerfile``, ``args``,
``target``, ``platforms`` and ``contexts`` (named build contexts); ``inherits`` is followed
(parents first, the target's own attributes last); ``variable`` blocks give defaults that the
environment overrides, and ``${VAR}`` in strings is replaced.  Groups name targets; the builds
are every target a group or nobody else inherits from.  What can't be evaluated statically (functions, expressions) is said
in ``Build.unresolved``.

HCL positions are not kept by the parser: ``locate`` reads the text once more for them, and
each origin points into the file (and the target block) an attribute came from.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dockerls.analysis.builds import Build, Origin, Problem
from dockerls.builds import BAKE_FILES, read_text, resolved, unusable
from dockerls.builds import BAKE_OVERRIDES as OVERRIDES
from dockerls.syntax.hclpos import Located, locate

__all__ = ["BAKE_FILES", "OVERRIDES", "read_bake"]

log = logging.getLogger(__name__)

_VAR = re.compile(r"\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}")
_EXPR = re.compile(r"\$\{")


def _load(path: Path, text: str) -> dict[str, Any]:
    if path.suffix == ".json":
        data = json.loads(text)
        # JSON form: {"target": {"name": {...}}, "variable": {...}, "group": {...}}
        return {k: [v] if isinstance(v, dict) else v for k, v in data.items()}
    import hcl2  # python-hcl2 (a lark grammar): loaded with the first HCL Bake file
    from hcl2.utils import SerializationOptions

    opts = SerializationOptions(strip_string_quotes=True, with_comments=False)
    return hcl2.loads(text, serialization_options=opts)


def _blocks(data: Mapping[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for entry in data.get(kind) or ():
        if isinstance(entry, dict):
            for name, body in entry.items():
                if isinstance(body, dict):
                    out[str(name).strip('"')] = {
                        k: v for k, v in body.items() if not k.startswith("__")
                    }
    return out


class _Eval:
    def __init__(self, variables: Mapping[str, str]) -> None:
        self.variables = variables
        self.unresolved: list[str] = []

    def text(self, value: Any, what: str) -> str | None:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return str(value)
        if not isinstance(value, str):
            self.unresolved.append(what)
            return None
        out = _VAR.sub(lambda m: self.variables.get(m.group(1), m.group(0)), value)
        if _EXPR.search(out):
            self.unresolved.append(f"{what} = {value}")
            return None
        if value.startswith("${") is False and re.fullmatch(r"[A-Za-z_][\w.]*\(.*\)", value):
            self.unresolved.append(f"{what} = {value}")
            return None
        return out


@dataclass(frozen=True, slots=True)
class _Set:
    """An attribute's (or an args key's) value, and the file and target block that set it."""

    value: Any
    path: Path
    owner: str


class _Files:
    """The Bake files read, each with its located text."""

    def __init__(self) -> None:
        self.located: dict[Path, Located] = {}

    def origin(self, where: _Set, *keys: str, value: bool = False) -> Origin | None:
        located = self.located.get(where.path)
        if located is None:
            return None
        found = located.find("target", where.owner, *keys)
        if not found:
            return None
        entry = found[-1]
        start, end = (
            (entry.value_start, entry.value_end) if value else (entry.key_start, entry.key_end)
        )
        line, col = located.position(start)
        end_line, end_col = located.position(end)
        return Origin(str(where.path), line, col, end_line, end_col)

    def block(self, path: Path, name: str) -> Origin | None:
        """The name of a target's first block (``"app"`` in ``target "app" {``)."""
        located = self.located.get(path)
        found = located.find("target", name) if located is not None else []
        if located is None or not found:
            return None
        line, col = located.position(found[0].key_start)
        end_line, end_col = located.position(found[0].key_end)
        return Origin(str(path), line, col, end_line, end_col)


def bake_files(project: Path, extra: Sequence[str] = ()) -> list[Path]:
    base = next((project / n for n in BAKE_FILES if (project / n).is_file()), None)
    files = ([base] if base else []) + [project / n for n in OVERRIDES if (project / n).is_file()]
    for name in extra:
        path = Path(name) if Path(name).is_absolute() else project / name
        if path not in files and path.is_file():
            files.append(path)
    return files


def read_bake(
    project: Path,
    env: Mapping[str, str] | None = None,
    extra: Sequence[str] = (),
    read: Callable[[Path], str] = read_text,
) -> tuple[list[Build], list[Problem]]:
    """The builds of the Bake files in ``project``; ``read`` gives a file's text (an open
    editor buffer's, in the server)."""
    env = os.environ if env is None else env
    problems: list[Problem] = []
    targets: dict[str, dict[str, _Set]] = {}
    args: dict[str, dict[str, _Set]] = {}
    variables: dict[str, Any] = {}
    groups: dict[str, dict[str, Any]] = {}
    blocks: dict[str, Path] = {}
    files = _Files()
    for path in bake_files(project, extra):
        try:
            text = read(path)
            data = _load(path, text)
        except Exception as exc:  # hcl2 raises lark errors of several kinds
            problems.append(Problem(f"{path.name}: cannot be read ({exc.__class__.__name__})"))
            continue
        files.located[path] = locate(text)
        for name, body in _blocks(data, "target").items():
            blocks.setdefault(name, path)
            for key, value in body.items():
                if key == "args" and isinstance(value, dict):
                    for k, v in value.items():
                        args.setdefault(name, {})[str(k)] = _Set(v, path, name)
                else:
                    targets.setdefault(name, {})[key] = _Set(value, path, name)
            targets.setdefault(name, {})
        for name, body in _blocks(data, "variable").items():
            variables[name] = body.get("default")
        groups.update(_blocks(data, "group"))
    values = {
        k: str(env[k]) if k in env else ("" if v is None else str(v)) for k, v in variables.items()
    }
    builds: list[Build] = []
    inherited = {p for attrs in targets.values() for p in _inherits(attrs)}
    grouped = {t for g in groups.values() for t in g.get("targets") or ()}
    for name in targets:
        if name in inherited and name not in grouped:
            continue
        merged = _merged(name, targets, args)
        build = _build(project, name, merged, values, files, blocks)
        if isinstance(build, Build):
            builds.append(build)
            continue
        key, message, severity = build
        where = merged[0].get(key)
        origin = files.origin(where, key, value=True) if where else files.block(blocks[name], name)
        problems.append(Problem(f"target {name}: {message}", origin, severity))
    return builds, problems


def _inherits(attrs: Mapping[str, _Set]) -> list[str]:
    found = attrs.get("inherits")
    value = found.value if found is not None else None
    return [str(p) for p in value] if isinstance(value, list) else []


def _merged(
    name: str,
    targets: Mapping[str, dict[str, _Set]],
    args: Mapping[str, dict[str, _Set]],
    seen: tuple[str, ...] = (),
) -> tuple[dict[str, _Set], dict[str, _Set]]:
    """A target's attributes and args after ``inherits`` (parents first)."""
    if name in seen or name not in targets:
        return {}, {}
    attrs: dict[str, _Set] = {}
    merged_args: dict[str, _Set] = {}
    for parent in _inherits(targets[name]):
        parent_attrs, parent_args = _merged(parent, targets, args, (*seen, name))
        attrs.update(parent_attrs)
        merged_args.update(parent_args)
    attrs.update((k, v) for k, v in targets[name].items() if k != "inherits")
    merged_args.update(args.get(name, {}))
    return attrs, merged_args


def _build(
    project: Path,
    name: str,
    merged: tuple[dict[str, _Set], dict[str, _Set]],
    variables: Mapping[str, str],
    files: _Files,
    blocks: Mapping[str, Path],
) -> Build | tuple[str, str, str]:
    """A target's build, or why it has none: (the attribute to show it on, the message,
    its severity)."""
    attrs, arg_sets = merged
    ev = _Eval(variables)
    raw_context = attrs["context"].value if "context" in attrs else "."
    context = ev.text(raw_context, "context") or "."
    if "://" in context:
        return "context", "a remote context is not linted", "information"
    ctx = resolved(project, context)
    if ctx is None:
        return "context", unusable("context", context), "error"
    raw_dockerfile = attrs["dockerfile"].value if "dockerfile" in attrs else "Dockerfile"
    dockerfile = ev.text(raw_dockerfile, "dockerfile") or "Dockerfile"
    dockerfile_path = resolved(ctx, dockerfile)
    if dockerfile_path is None:
        return "dockerfile", unusable("Dockerfile", dockerfile), "error"
    values: dict[str, str] = {}
    arg_origins: dict[str, Origin] = {}
    for key, where in arg_sets.items():
        evaluated = ev.text(where.value, f"args.{key}")
        if evaluated is not None:
            values[key] = evaluated
        origin = files.origin(where, "args", key)
        if origin is not None:
            arg_origins[key] = origin
    target = ev.text(attrs["target"].value, "target") if "target" in attrs else None
    platforms_set = attrs.get("platforms")
    raw_platforms = platforms_set.value if platforms_set is not None else ()
    platforms = tuple(p for p in (ev.text(v, "platforms") for v in raw_platforms or ()) if p)
    contexts_set = attrs.get("contexts")
    contexts = {}
    context_origins: dict[str, Origin] = {}
    if contexts_set is not None and isinstance(contexts_set.value, dict):
        for key, raw in contexts_set.value.items():
            named = str(key).strip('"')
            value = ev.text(raw, f"contexts.{named}")
            if value is not None:
                contexts[named] = value
            origin = files.origin(contexts_set, "contexts", named)
            if origin is not None:
                context_origins[named] = origin
    return Build(
        name=f"bake:{name}",
        dockerfile=str(dockerfile_path),
        context=str(ctx),
        args=values,
        target=target,
        platforms=platforms,
        contexts=contexts,
        context_origins=context_origins,
        origin=files.block(blocks[name], name),
        target_origin=files.origin(attrs["target"], "target", value=True)
        if "target" in attrs
        else None,
        arg_origins=arg_origins,
        dockerfile_origin=files.origin(attrs["dockerfile"], "dockerfile", value=True)
        if "dockerfile" in attrs
        else None,
        unresolved=tuple(ev.unresolved),
    )
