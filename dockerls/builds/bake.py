"""Bake files: each target as a ``Build``.

Reads ``docker-bake.hcl``/``docker-bake.json`` and then ``docker-bake.override.hcl``/``.json``
(a later file's attributes override the earlier file's, per target), with python-hcl2 for HCL.
Targets take ``context``, ``dockerfile``, ``args``, ``target`` and ``platforms``; ``inherits``
is followed (parents first, the target's own attributes last); ``variable`` blocks give
defaults that the environment overrides, and ``${VAR}`` in strings is replaced.  Groups name
targets; the builds are every target a group or nobody else inherits from.  What can't be
evaluated statically (functions, expressions) is said in ``Build.unresolved``.

HCL positions are not kept by the parser: origins are found in the file text by the block's
header and the attribute's name.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import hcl2
from hcl2.utils import SerializationOptions

from dockerls.analysis.builds import Build, Origin, Problem

__all__ = ["BAKE_FILES", "read_bake"]

log = logging.getLogger(__name__)

BAKE_FILES = ("docker-bake.json", "docker-bake.hcl")
OVERRIDES = ("docker-bake.override.json", "docker-bake.override.hcl")
_VAR = re.compile(r"\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}")
_EXPR = re.compile(r"\$\{")


def _load(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        data = json.loads(text)
        # JSON form: {"target": {"name": {...}}, "variable": {...}, "group": {...}}
        return {k: [v] if isinstance(v, dict) else v for k, v in data.items()}
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


def _origin(path: Path, text: str, block: str, attr: str | None = None) -> Origin | None:
    header = re.search(rf'target\s+"?{re.escape(block)}"?\s*\{{', text)
    if path.suffix == ".json":
        header = re.search(rf'"{re.escape(block)}"\s*:\s*\{{', text)
    if header is None:
        return None
    start = header.start()
    if attr is not None:
        found = re.compile(rf'(?m)^\s*"?({re.escape(attr)})"?\s*[=:]').search(text, header.end())
        if found is None:
            return None
        start = found.start(1)
        end = found.end(1)
    else:
        end = header.end()
    line = text.count("\n", 0, start)
    col = start - (text.rfind("\n", 0, start) + 1)
    end_line = text.count("\n", 0, end)
    end_col = end - (text.rfind("\n", 0, end) + 1)
    return Origin(str(path), line, col, end_line, end_col)


def read_bake(
    project: Path, env: Mapping[str, str] | None = None
) -> tuple[list[Build], list[Problem]]:
    env = os.environ if env is None else env
    problems: list[Problem] = []
    targets: dict[str, dict[str, Any]] = {}
    variables: dict[str, Any] = {}
    groups: dict[str, dict[str, Any]] = {}
    sources: dict[str, tuple[Path, str]] = {}
    base = next((project / n for n in BAKE_FILES if (project / n).is_file()), None)
    files = ([base] if base else []) + [project / n for n in OVERRIDES if (project / n).is_file()]
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
            data = _load(path)
        except Exception as exc:  # hcl2 raises lark errors of several kinds
            problems.append(Problem(f"{path.name}: cannot be read ({exc.__class__.__name__})"))
            continue
        for name, body in _blocks(data, "target").items():
            targets.setdefault(name, {}).update(body)
            sources.setdefault(name, (path, text))
        for name, body in _blocks(data, "variable").items():
            variables[name] = body.get("default")
        groups.update(_blocks(data, "group"))
    values = {
        k: str(env[k]) if k in env else ("" if v is None else str(v)) for k, v in variables.items()
    }
    builds: list[Build] = []
    inherited = {p for body in targets.values() for p in body.get("inherits") or ()}
    grouped = {t for g in groups.values() for t in g.get("targets") or ()}
    for name in targets:
        if name in inherited and name not in grouped:
            continue
        build = _build(project, name, targets, values, sources, problems)
        if build is not None:
            builds.append(build)
    return builds, problems


def _merged(
    name: str, targets: Mapping[str, dict[str, Any]], seen: tuple[str, ...] = ()
) -> dict[str, Any]:
    if name in seen or name not in targets:
        return {}
    out: dict[str, Any] = {}
    for parent in targets[name].get("inherits") or ():
        parent_body = _merged(str(parent), targets, (*seen, name))
        for key, value in parent_body.items():
            if key == "args" and isinstance(value, dict):
                out.setdefault("args", {}).update(value)
            else:
                out[key] = value
    for key, value in targets[name].items():
        if key == "args" and isinstance(value, dict):
            out.setdefault("args", {}).update(value)
        elif key != "inherits":
            out[key] = value
    return out


def _build(
    project: Path,
    name: str,
    targets: Mapping[str, dict[str, Any]],
    variables: Mapping[str, str],
    sources: Mapping[str, tuple[Path, str]],
    problems: list[Problem],
) -> Build | None:
    body = _merged(name, targets)
    ev = _Eval(variables)
    path, text = sources[name]
    context = ev.text(body.get("context", "."), "context") or "."
    if "://" in context:
        problems.append(
            Problem(f"target {name}: a remote context is not linted", severity="information")
        )
        return None
    ctx = (project / context).resolve()
    dockerfile = ev.text(body.get("dockerfile", "Dockerfile"), "dockerfile") or "Dockerfile"
    args: dict[str, str] = {}
    for key, value in (body.get("args") or {}).items():
        evaluated = ev.text(value, f"args.{key}")
        if evaluated is not None:
            args[str(key)] = evaluated
    target = ev.text(body["target"], "target") if "target" in body else None
    platforms = tuple(
        p for p in (ev.text(v, "platforms") for v in body.get("platforms") or ()) if p
    )
    arg_origins = {
        key: origin for key in args if (origin := _origin(path, text, name, key)) is not None
    }
    return Build(
        name=f"bake:{name}",
        dockerfile=str((ctx / dockerfile).resolve()),
        context=str(ctx),
        args=args,
        target=target,
        platforms=platforms,
        origin=_origin(path, text, name),
        target_origin=_origin(path, text, name, "target") if "target" in targets[name] else None,
        arg_origins=arg_origins,
        dockerfile_origin=_origin(path, text, name, "dockerfile"),
        unresolved=tuple(ev.unresolved),
    )
