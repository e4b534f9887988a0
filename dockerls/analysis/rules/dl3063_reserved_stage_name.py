"""DL3063: a stage alias that is a reserved word."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import (
    Finding,
    FixAvailability,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction

RESERVED = frozenset({"scratch", "context"})


class ReservedStageName(Rule):
    """What it does:
    Flags `FROM ... AS scratch` and `FROM ... AS context`.

    Why it matters:
    Both words already mean something to the builder (the empty image, and
    the build context in `--from`), so a stage with that name is ambiguous
    and is rejected or silently shadowed.

    Example:
    ```dockerfile
    FROM alpine:3.20 AS scratch
    ```

    Fix:
    Choose another alias:
    ```dockerfile
    FROM alpine:3.20 AS base
    ```
    """

    code = "DL3063"
    name = "reserved-stage-alias"
    severity = Severity.WARNING
    group = "hadolint"
    fix = FixAvailability.NONE
    kinds = frozenset({"FROM"})
    onbuild = False
    same_as = ("ReservedStageName",)

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        words = inst.words
        if len(words) >= 3 and words[1].value.lower() == "as":
            alias = words[2]
            if alias.value.lower() in RESERVED:
                yield Finding(
                    alias.span, f"`{alias.value}` is a reserved word and cannot name a stage"
                )


RULE = ReservedStageName()
