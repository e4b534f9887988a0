"""ReservedStageName: a stage named `scratch` or `context`."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules.base import Finding, Rule, Severity

RESERVED = frozenset({"scratch", "context"})


class ReservedStageName(Rule):
    """What it does:
    Flags a stage named `scratch` or `context`.

    Why it matters:
    Those words already mean something to BuildKit (the empty image, the
    build context), so a stage with that name cannot be referred to reliably.

    Example:
    ```dockerfile
    FROM alpine:3.20 AS scratch
    ```

    Fix:
    Pick another name, e.g. `AS base`.
    """

    code = "ReservedStageName"
    name = "reserved-stage-name"
    severity = Severity.WARNING
    group = "buildkit"
    same_as = ("DL3063",)

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        if stage.name is None or stage.name_span is None:
            return
        if stage.name.lower() in RESERVED:
            yield Finding(
                stage.name_span,
                f"`{stage.name}` is reserved and cannot name a stage",
                item=stage.first,
            )


RULE = ReservedStageName()
