"""InvalidStageName: a stage name BuildKit does not accept."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import (
    Finding,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.analysis.rules.syn_common import STAGE_NAME_RE
from dockerls.syntax.nodes import Instruction


class InvalidStageName(Rule):
    """What it does:
    Flags a name after `FROM ... AS` that does not start with a letter or
    that holds characters other than letters, digits, `-`, `_` and `.`.

    Why it matters:
    BuildKit rejects such names, so the file does not build.

    Example:
    ```dockerfile
    FROM alpine:3.20 AS 1st-stage
    ```

    Fix:
    Start the name with a letter: `AS first-stage`.
    """

    code = "InvalidStageName"
    name = "invalid-stage-name"
    severity = Severity.ERROR
    group = "syntax"
    kinds = frozenset({"FROM"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        words = inst.words
        if len(words) >= 3 and words[1].value.lower() == "as":
            name = words[2].value
            if not STAGE_NAME_RE.match(name):
                yield Finding(
                    words[2].span,
                    f"Stage name `{name}` must start with a letter and use only letters, digits, -, _ or .",
                )


RULE = InvalidStageName()
