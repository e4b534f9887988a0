"""RedundantTargetPlatform: `FROM --platform=$TARGETPLATFORM`."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import (
    Edit,
    Finding,
    Fix,
    FixAvailability,
    InstructionContext,
    Needs,
    Rule,
    Severity,
    Tag,
)
from dockerls.syntax.nodes import Instruction, Span


class RedundantTargetPlatform(Rule):
    """What it does:
    Flags `FROM --platform=$TARGETPLATFORM` (or `${TARGETPLATFORM}`).

    Why it matters:
    Base images are already pulled for the target platform, so the flag
    changes nothing and only adds noise.

    Example:
    ```dockerfile
    FROM --platform=$TARGETPLATFORM alpine:3.20
    ```

    Fix:
    Remove the flag: `FROM alpine:3.20`.
    """

    code = "RedundantTargetPlatform"
    name = "redundant-target-platform"
    severity = Severity.WARNING
    group = "buildkit"
    needs = Needs.FLAGS
    fix = FixAvailability.ALWAYS
    kinds = frozenset({"FROM"})
    onbuild = False
    same_as = ("DL3065",)

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for f in inst.flags:
            if f.name != "platform" or f.value not in ("$TARGETPLATFORM", "${TARGETPLATFORM}"):
                continue
            end = f.span.end
            text = inst.text
            while end < len(text) and text[end] in " \t":
                end += 1
            yield Finding(
                f.span,
                f"`--platform={f.value}` is the default and can be removed",
                Fix("Remove the redundant `--platform` flag", (Edit(Span(f.span.start, end), ""),)),
                tags=(Tag.UNNECESSARY,),
            )


RULE = RedundantTargetPlatform()
