"""InstructionCasing: a lowercase instruction keyword."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules.base import Edit, Finding, Fix, FixAvailability, Rule, Severity
from dockerls.syntax import spec


class InstructionCasing(Rule):
    """What it does:
    A style hint on instruction keywords written in lowercase, in files where
    lowercase is the majority. (Where uppercase is the majority, or a keyword
    mixes cases, ConsistentInstructionCasing already reports it.)

    Why it matters:
    Uppercase keywords are the convention nearly every Dockerfile follows;
    they separate instructions from their arguments at a glance.

    Example:
    ```dockerfile
    from alpine:3.20
    run echo hi
    ```

    Fix:
    Write keywords in uppercase: `FROM`, `RUN`.
    """

    code = "InstructionCasing"
    name = "lowercase-instruction"
    # opt-in: BuildKit's ConsistentInstructionCasing (on by default) asks for
    # the file's majority case, and the two must not fight over one keyword
    severity = Severity.OFF
    group = "syntax"
    fix = FixAvailability.ALWAYS

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        if not model.lower_majority:
            return
        for i, inst in stage.instructions:
            kw = inst.keyword
            if kw.islower() and spec.instruction(kw) is not None:
                want = kw.upper()
                yield Finding(
                    inst.keyword_span,
                    f"Instruction `{kw}` is usually written `{want}`",
                    Fix(f"Write `{want}`", (Edit(inst.keyword_span, want),)),
                    item=i,
                )


RULE = InstructionCasing()
