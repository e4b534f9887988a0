"""ExtraArguments: more arguments than the instruction takes."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import (
    Applicability,
    Edit,
    Finding,
    Fix,
    FixAvailability,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction, Span

_ONE = frozenset({"STOPSIGNAL", "USER"})


class ExtraArguments(Rule):
    """What it does:
    Flags words beyond what the instruction takes: more than one word after
    `STOPSIGNAL` or `USER`, or anything after `FROM image AS name`.

    Why it matters:
    BuildKit either rejects the instruction or reads the extra words as part
    of the value (`USER app extra` looks for a user named `app extra`).

    Example:
    ```dockerfile
    FROM golang:1.22 AS build stage2
    ```

    Fix:
    Remove the extra words (the quick fix does, but check what was meant).
    """

    code = "ExtraArguments"
    name = "extra-arguments"
    severity = Severity.ERROR
    group = "syntax"
    fix = FixAvailability.ALWAYS
    kinds = frozenset({"FROM", *_ONE})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        words = inst.words
        keep = 3 if inst.name == "FROM" else 1
        if inst.name == "FROM" and len(words) > 1 and words[1].value.lower() != "as":
            return  # InvalidAs reports it
        if len(words) <= keep:
            return
        span = Span(words[keep].span.start, words[-1].span.end)
        n = len(words) - keep
        what = "argument" if n == 1 else "arguments"
        yield Finding(
            span,
            f"`{inst.name}` takes {keep} argument{'s' if keep > 1 else ''}; remove the {n} extra {what}",
            Fix(
                f"Remove the extra {what}",
                (Edit(Span(words[keep - 1].span.end, span.end), ""),),
                Applicability.UNSAFE,
            ),
        )


RULE = ExtraArguments()
