"""Local COPY/ADD sources of a stage, for the context-aware checks (no rule here)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import NamedTuple

from dockerls.analysis.buildview import views_reaching
from dockerls.analysis.dockerignore import ContextInfo
from dockerls.analysis.model import Model, Stage, expand, var_refs
from dockerls.analysis.rules.base import Finding, Severity
from dockerls.syntax.nodes import Span


class Source(NamedTuple):
    item: int
    keyword: str  # COPY | ADD as written
    text: str  # as written
    path: str  # after variable expansion
    span: Span


def contexts_for(stage: Stage, model: Model) -> list[tuple[ContextInfo, tuple[str, ...]]]:
    """The build contexts ``stage`` is built with, each with the builds that send it: with
    builds known, those that run the stage (their own context, else ``Facts.context``), the
    builds named only for a context of their own; else ``Facts.context`` alone."""
    facts = model.facts
    if not facts.builds:
        return [] if facts.context is None else [(facts.context, ())]
    groups: dict[int, tuple[ContextInfo, list[str]]] = {}
    for view in views_reaching(model, stage):
        assert view.build is not None
        own = facts.contexts.get(view.build.name)
        ctx = own or facts.context
        if ctx is None:
            continue
        entry = groups.setdefault(id(ctx), (ctx, []))
        if own is not None:
            entry[1].append(view.build.name)
    return [(ctx, tuple(names)) for ctx, names in groups.values()]


def per_context(
    stage: Stage, model: Model, check: Callable[[ContextInfo], Iterable[Finding]]
) -> Iterator[Finding]:
    """``check`` run against each build context of ``stage``; a finding several contexts
    share comes once, naming the builds whose context it rests on."""
    found: dict[tuple[int, Span, str], tuple[Finding, list[str]]] = {}
    for ctx, builds in contexts_for(stage, model):
        for f in check(ctx):
            entry = found.setdefault((f.item, f.span, f.message), (f, []))
            entry[1].extend(builds)
    for f, names in found.values():
        yield replace(f, message=f"{f.message} (context of {', '.join(names)})") if names else f


def context_caveat(ctx: ContextInfo) -> tuple[Severity | None, str]:
    """(severity, message tail) for a finding that rests on the build context:
    when the context is only assumed (the Dockerfile's folder) the finding is
    a hint, which fails no CI at the default threshold, and says so."""
    if not ctx.assumed:
        return None, ""
    return Severity.STYLE, " (if the build context is the Dockerfile's folder, as assumed)"


def _remote(path: str) -> bool:
    low = path.lower()
    return "://" in low or low.startswith("git@")


def local_sources(stage: Stage, model: Model) -> Iterator[Source]:
    """Sources of COPY/ADD (no ``--from``) read from the build context."""
    env: dict[str, str | None] | None = None
    for idx, inst in stage.by_name("COPY", "ADD"):
        if any(f.name == "from" for f in inst.flags):
            continue
        words = inst.json_items if inst.json else inst.words
        if len(words) < 2:
            continue
        for w in words[:-1]:
            text = w.value
            if not text or text.startswith("<<") or _remote(text):
                continue
            path = text
            if "$" in text:
                refs = var_refs(text, model.escape)
                if refs:
                    if env is None:
                        env = model.env_at(stage, idx)
                    if any(env.get(r.name) is None and r.modifier not in (":-", "-") for r in refs):
                        continue
                    path = expand(text, env, model.escape)
            if not inst.json and ('"' in path or "'" in path):
                path = path.replace('"', "").replace("'", "")
            if not path:
                continue
            yield Source(idx, inst.keyword, text, path, w.span)
