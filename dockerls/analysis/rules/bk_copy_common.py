"""Local COPY/ADD sources of a stage, for the context-aware checks (no rule here)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from dockerls.analysis.dockerignore import ContextInfo
from dockerls.analysis.model import Model, Stage, expand, var_refs
from dockerls.analysis.rules.base import Severity
from dockerls.syntax.nodes import Span


@dataclass(frozen=True, slots=True)
class Source:
    item: int
    keyword: str  # COPY | ADD as written
    text: str  # as written
    path: str  # after variable expansion
    span: Span


def context_of(model: Model) -> ContextInfo | None:
    return model.facts.context


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
