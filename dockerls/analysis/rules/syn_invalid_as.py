"""InvalidAs: FROM whose second word is not AS."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import (
    Finding,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction


class InvalidAs(Rule):
    """What it does:
    Flags a `FROM` with more than one word whose second word is not `AS`,
    such as `FROM node:20 build`.

    Why it matters:
    BuildKit only understands `FROM image [AS name]` and rejects the line.

    Example:
    ```dockerfile
    FROM node:20 build
    ```

    Fix:
    Add the keyword: `FROM node:20 AS build`.
    """

    code = "InvalidAs"
    name = "invalid-as"
    severity = Severity.ERROR
    group = "syntax"
    kinds = frozenset({"FROM"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        words = inst.words
        if len(words) >= 2 and words[1].value.lower() != "as":
            yield Finding(
                words[1].span, f"Expected `AS <name>` after the image, found `{words[1].value}`"
            )


RULE = InvalidAs()
