"""DL3012: more than one HEALTHCHECK in a stage."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules._multiple import overridden
from dockerls.analysis.rules.base import Finding, FixAvailability, Rule, Severity


class MultipleHealthchecks(Rule):
    """What it does:
    Flags every `HEALTHCHECK` of a stage except the last one. `ONBUILD HEALTHCHECK`
    is not counted.

    Why it matters:
    The container is probed by the last `HEALTHCHECK` only; earlier ones are dead code that misleads readers.

    Example:
    ```dockerfile
    HEALTHCHECK CMD curl -f http://localhost/ || exit 1
    HEALTHCHECK CMD wget -qO- http://localhost/health
    ```

    Fix:
    Keep a single `HEALTHCHECK` per stage:
    ```dockerfile
    HEALTHCHECK CMD wget -qO- http://localhost/health
    ```
    """

    code = "DL3012"
    name = "multiple-healthchecks"
    severity = Severity.ERROR
    group = "hadolint"
    kinds = frozenset({"HEALTHCHECK"})
    fix = FixAvailability.NONE
    same_as = ("MultipleInstructionsDisallowed",)

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        return overridden(stage, "HEALTHCHECK")


RULE = MultipleHealthchecks()
