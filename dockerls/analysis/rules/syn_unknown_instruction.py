"""UnknownInstruction: a keyword that is not a Dockerfile instruction."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import (
    UNKNOWN_KIND,
    Applicability,
    Edit,
    Finding,
    Fix,
    FixAvailability,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax import spec
from dockerls.syntax.nodes import Instruction


class UnknownInstruction(Rule):
    """What it does:
    Flags an instruction keyword that is none of the 18 Dockerfile
    instructions, such as `FRMO` or `COPPY`.

    Why it matters:
    BuildKit refuses the file at the first unknown instruction.

    Example:
    ```dockerfile
    FORM alpine:3.20
    ```

    Fix:
    Spell the instruction correctly; the quick fix proposes the closest one.
    """

    code = "UnknownInstruction"
    name = "unknown-instruction"
    severity = Severity.ERROR
    group = "syntax"
    fix = FixAvailability.SOMETIMES
    kinds = frozenset({UNKNOWN_KIND})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        if spec.instruction(inst.name) is not None:
            return
        best = spec.closest(inst.name, spec.INSTRUCTION_NAMES)
        if best is None:
            yield Finding(inst.keyword_span, f"`{inst.keyword}` is not a Dockerfile instruction")
            return
        want = best.lower() if inst.keyword.islower() else best
        yield Finding(
            inst.keyword_span,
            f"`{inst.keyword}` is not a Dockerfile instruction: did you mean `{best}`?",
            Fix(f"Change to `{want}`", (Edit(inst.keyword_span, want),), Applicability.UNSAFE),
        )


RULE = UnknownInstruction()
