"""HealthcheckNoneArgs: arguments after HEALTHCHECK NONE."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import (
    Applicability,
    Edit,
    Finding,
    Fix,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction, Span


class HealthcheckNoneArgs(Rule):
    """What it does:
    Flags words after `HEALTHCHECK NONE`.

    Why it matters:
    NONE takes no arguments; BuildKit rejects the line.

    Example:
    ```dockerfile
    HEALTHCHECK NONE curl -f http://localhost/
    ```

    Fix:
    Remove the extra words, or use `HEALTHCHECK CMD ...` if a check was meant.
    """

    code = "HealthcheckNoneArgs"
    name = "healthcheck-none-args"
    severity = Severity.ERROR
    group = "syntax"
    kinds = frozenset({"HEALTHCHECK"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        words = inst.words
        if len(words) < 2 or words[0].value.upper() != "NONE":
            return
        span = Span(words[1].span.start, words[-1].span.end)
        yield Finding(
            span,
            "`HEALTHCHECK NONE` takes no arguments",
            Fix(
                "Remove the arguments",
                (Edit(Span(words[0].span.end, span.end), ""),),
                Applicability.UNSAFE,
            ),
        )


RULE = HealthcheckNoneArgs()
