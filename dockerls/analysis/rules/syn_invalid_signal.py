"""InvalidSignal: STOPSIGNAL that names no signal."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import (
    Finding,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction


class InvalidSignal(Rule):
    """What it does:
    Flags a `STOPSIGNAL` value that is neither a signal name (`SIGTERM`,
    `TERM`, `SIGRTMIN+3`) nor a positive number. Variables are not checked.

    Why it matters:
    BuildKit converts the signal when it writes the image config and fails on
    an unknown name.

    Example:
    ```dockerfile
    STOPSIGNAL SIGTERMINATE
    ```

    Fix:
    Use a real signal: `STOPSIGNAL SIGTERM`.
    """

    code = "InvalidSignal"
    name = "invalid-signal"
    severity = Severity.ERROR
    group = "syntax"
    kinds = frozenset({"STOPSIGNAL"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        from dockerls.analysis.rules.syn_common import valid_signal

        if not inst.words:
            return
        w = inst.words[0]
        if "$" not in w.value and not valid_signal(w.value):
            yield Finding(w.span, f"`{w.value}` is not a signal name or number")


RULE = InvalidSignal()
