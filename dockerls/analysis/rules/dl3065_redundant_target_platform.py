"""DL3065: FROM --platform=$TARGETPLATFORM, which is the default anyway."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._misc_common import get_flag, strip_quotes, trailing_blank_end
from dockerls.analysis.rules.base import (
    Applicability,
    Edit,
    Finding,
    Fix,
    FixAvailability,
    InstructionContext,
    Needs,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction, Span


class RedundantTargetPlatform(Rule):
    """What it does:
    Flags `FROM --platform=$TARGETPLATFORM` (or `${TARGETPLATFORM}`).

    Why it matters:
    A stage is built for the target platform unless told otherwise, so the
    flag adds nothing but noise.

    Example:
    ```dockerfile
    FROM --platform=$TARGETPLATFORM alpine:3.20
    ```

    Fix:
    Remove the flag:
    ```dockerfile
    FROM alpine:3.20
    ```
    """

    code = "DL3065"
    name = "redundant-platform-flag"
    severity = Severity.WARNING
    group = "hadolint"
    needs = Needs.FLAGS
    fix = FixAvailability.ALWAYS
    kinds = frozenset({"FROM"})
    onbuild = False
    same_as = ("RedundantTargetPlatform",)

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        f = get_flag(inst, "platform")
        if f is None or f.value is None:
            return
        if strip_quotes(f.value) not in ("$TARGETPLATFORM", "${TARGETPLATFORM}"):
            return
        end = trailing_blank_end(inst.text, f.span.end)
        fix = Fix(
            "Remove the redundant `--platform` flag",
            (Edit(Span(f.span.start, end), ""),),
            Applicability.SAFE,
        )
        yield Finding(f.span, "`--platform=$TARGETPLATFORM` is the default and can be removed", fix)


RULE = RedundantTargetPlatform()
