"""NoEmptyContinuation: a blank line inside a continued instruction."""

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
)
from dockerls.syntax.nodes import Instruction, Span


class NoEmptyContinuation(Rule):
    """What it does:
    Flags an instruction continued with a trailing backslash across an empty
    line.

    Why it matters:
    Docker currently skips the empty line, but has announced that a future
    version will treat it as the end of the instruction, which would cut the
    command in two. A blank line there is also easy to misread as the end.

    Example:
    ```dockerfile
    RUN apt-get update && \\

        apt-get install -y curl
    ```

    Fix:
    Delete the empty lines (or put a `#` comment there if you want a gap).
    """

    code = "NoEmptyContinuation"
    name = "empty-continuation-line"
    severity = Severity.WARNING
    group = "buildkit"
    fix = FixAvailability.ALWAYS
    onbuild = False
    needs = Needs.EMPTY_LINES

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        empties = inst.empty_continuation_lines
        if not empties:
            return
        text = inst.text
        edits = []
        for sp in empties:
            start = text.rfind("\n", 0, sp.start) + 1
            nl = text.find("\n", sp.start)
            end = len(text) if nl < 0 else nl + 1
            edits.append(Edit(Span(start, end), ""))
        n = len(empties)
        what = "an empty line" if n == 1 else f"{n} empty lines"
        yield Finding(
            empties[0],
            f"`{inst.keyword}` continues across {what}; a future Docker release will end the instruction there",
            Fix("Remove the empty continuation lines", tuple(edits)),
        )


RULE = NoEmptyContinuation()
