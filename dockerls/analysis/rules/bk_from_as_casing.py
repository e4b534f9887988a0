"""FromAsCasing: `AS` cased differently from its `FROM`."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import (
    Edit,
    Finding,
    Fix,
    FixAvailability,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction


class FromAsCasing(Rule):
    """What it does:
    Flags a `FROM ... AS name` whose `AS` keyword does not follow the casing
    of the `FROM` keyword (`FROM x as y`, `from x AS y`).

    Why it matters:
    Both spellings work, but mixing them makes the file look inconsistent and
    harder to scan.

    Example:
    ```dockerfile
    FROM alpine:3.20 as build
    ```

    Fix:
    Match the keyword's case: `FROM alpine:3.20 AS build`.
    """

    code = "FromAsCasing"
    name = "from-as-casing-mismatch"
    severity = Severity.WARNING
    group = "buildkit"
    fix = FixAvailability.ALWAYS
    kinds = frozenset({"FROM"})
    onbuild = False

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        words = inst.words
        if len(words) < 3 or words[1].value.lower() != "as":
            return
        kw = inst.keyword
        as_word = words[1]
        if kw == kw.upper() and as_word.value != as_word.value.upper():
            want = "AS"
        elif kw == kw.lower() and as_word.value != as_word.value.lower():
            want = "as"
        else:
            return
        yield Finding(
            as_word.span,
            f"`{as_word.value}` should be written `{want}` to match `{kw}`",
            Fix(f"Write `{want}`", (Edit(as_word.span, want),)),
        )


RULE = FromAsCasing()
