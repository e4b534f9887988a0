"""DL4003: more than one CMD in a stage."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules._multiple import overridden
from dockerls.analysis.rules.base import Finding, FixAvailability, Rule, Severity


class MultipleCmds(Rule):
    """What it does:
    Flags every `CMD` of a stage except the last one. `ONBUILD CMD`
    is not counted.

    Why it matters:
    Only the last `CMD` becomes the default command; earlier ones are dead code that misleads readers.

    Example:
    ```dockerfile
    CMD ["nginx"]
    CMD ["nginx", "-g", "daemon off;"]
    ```

    Fix:
    Keep a single `CMD` per stage:
    ```dockerfile
    CMD ["nginx", "-g", "daemon off;"]
    ```
    """

    code = "DL4003"
    name = "multiple-cmds"
    severity = Severity.WARNING
    group = "hadolint"
    kinds = frozenset({"CMD"})
    fix = FixAvailability.NONE
    same_as = ("MultipleInstructionsDisallowed",)

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        return overridden(stage, "CMD")


RULE = MultipleCmds()
