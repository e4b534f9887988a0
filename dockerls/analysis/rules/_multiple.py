"""Shared logic of the rules that allow one instruction of a kind per stage."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Stage
from dockerls.analysis.rules.base import Finding, Tag


def overridden(stage: Stage, kind: str) -> Iterable[Finding]:
    """One finding on each ``kind`` instruction of the stage but the last,
    which is the only one that takes effect."""
    found = list(stage.by_name(kind))
    if len(found) < 2:
        return
    for idx, inst in found[:-1]:
        yield Finding(
            inst.keyword_span,
            f"Only the last `{kind}` of a stage takes effect; this one is overridden",
            item=idx,
            tags=(Tag.UNNECESSARY,),
        )
