"""StageNameCasing: a stage name with uppercase letters."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules.base import (
    Applicability,
    Edit,
    Finding,
    Fix,
    FixAvailability,
    Rule,
    Severity,
)
from dockerls.analysis.rules.bk_common import stage_refs


class StageNameCasing(Rule):
    """What it does:
    Flags a stage name given after `AS` that contains uppercase letters.

    Why it matters:
    BuildKit lowercases stage names when it reads them, so `AS Builder` and
    `--from=builder` name the same stage. Writing them in lowercase keeps the
    file honest about that and avoids confusion between names that differ only
    in case.

    Example:
    ```dockerfile
    FROM golang:1.22 AS Builder
    ```

    Fix:
    Write the name in lowercase: `FROM golang:1.22 AS builder`. The fix is
    marked unsafe when other instructions refer to the stage, since only the
    name itself is rewritten.
    """

    code = "StageNameCasing"
    name = "stage-name-not-lowercase"
    severity = Severity.WARNING
    group = "buildkit"
    fix = FixAvailability.ALWAYS

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        name = stage.name
        if name is None or stage.name_span is None or name == name.lower() or "$" in name:
            return
        applicability = Applicability.UNSAFE if stage_refs(stage, model) else Applicability.SAFE
        yield Finding(
            stage.name_span,
            f"Stage name `{name}` should be lowercase",
            Fix(
                f"Rename to `{name.lower()}`", (Edit(stage.name_span, name.lower()),), applicability
            ),
            item=stage.first,
        )


RULE = StageNameCasing()
