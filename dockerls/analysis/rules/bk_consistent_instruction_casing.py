"""ConsistentInstructionCasing: instruction keywords in mixed case."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules.base import Edit, Finding, Fix, FixAvailability, Rule, Severity


class ConsistentInstructionCasing(Rule):
    """What it does:
    Counts how many instruction keywords are all-uppercase and how many are
    all-lowercase, and flags every keyword that does not follow the majority
    (uppercase wins a tie). Keywords like `From` are always flagged.

    Why it matters:
    Keywords are case-insensitive, but a file that mixes `RUN` and `run` is
    harder to read and to search.

    Example:
    ```dockerfile
    FROM alpine:3.20
    run echo hi
    ```

    Fix:
    Rewrite the keyword in the file's majority case: `RUN echo hi`.
    """

    code = "ConsistentInstructionCasing"
    name = "inconsistent-instruction-casing"
    severity = Severity.WARNING
    group = "buildkit"
    fix = FixAvailability.ALWAYS

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        # the file-wide majority is counted by the engine (cached per stage)
        majority_lower = model.lower_majority
        for i, inst in stage.instructions:
            kw = inst.keyword
            want = kw.lower() if majority_lower else kw.upper()
            if kw == want:
                continue
            case = "lowercase" if majority_lower else "uppercase"
            yield Finding(
                inst.keyword_span,
                f"`{kw}` should be {case} like most instructions in this file",
                Fix(f"Write `{want}`", (Edit(inst.keyword_span, want),)),
                item=i,
            )


RULE = ConsistentInstructionCasing()
