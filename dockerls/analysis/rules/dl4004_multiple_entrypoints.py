"""DL4004: more than one ENTRYPOINT in a stage."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules._multiple import overridden
from dockerls.analysis.rules.base import Finding, FixAvailability, Rule, Severity


class MultipleEntrypoints(Rule):
    """What it does:
    Flags every `ENTRYPOINT` of a stage except the last one. `ONBUILD ENTRYPOINT`
    is not counted.

    Why it matters:
    Only the last `ENTRYPOINT` is kept; earlier ones are dead code that misleads readers.

    Example:
    ```dockerfile
    ENTRYPOINT ["python"]
    ENTRYPOINT ["python", "app.py"]
    ```

    Fix:
    Keep a single `ENTRYPOINT` per stage:
    ```dockerfile
    ENTRYPOINT ["python", "app.py"]
    ```
    """

    code = "DL4004"
    name = "multiple-entrypoints"
    severity = Severity.ERROR
    group = "hadolint"
    kinds = frozenset({"ENTRYPOINT"})
    fix = FixAvailability.NONE
    same_as = ("MultipleInstructionsDisallowed",)

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        return overridden(stage, "ENTRYPOINT")


RULE = MultipleEntrypoints()
