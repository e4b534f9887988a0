"""DL3023: COPY --from refers to the stage it is in."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules._misc_common import get_flag
from dockerls.analysis.rules.base import Finding, FixAvailability, Rule, Severity


class CopyFromOwnStage(Rule):
    """What it does:
    Flags `COPY --from=<x>` where `<x>` is the alias or the number of the
    stage the instruction belongs to.

    Why it matters:
    A stage cannot copy from itself: the build fails with a dependency
    cycle.

    Example:
    ```dockerfile
    FROM node:20 AS web
    COPY --from=web /src/dist /srv
    ```

    Fix:
    Copy from the stage that produced the files, or drop `--from` to copy
    from the build context.
    """

    code = "DL3023"
    name = "copy-from-own-stage"
    severity = Severity.ERROR
    group = "hadolint"
    kinds = frozenset({"COPY"})
    fix = FixAvailability.NONE

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        for idx, inst in stage.by_name("COPY"):
            f = get_flag(inst, "from")
            if f is None or not f.value or f.value_span is None:
                continue
            value = f.value
            own = (value.isdigit() and int(value) == stage.index) or (
                stage.name is not None and value.lower() == stage.name.lower()
            )
            if own:
                yield Finding(
                    f.value_span, f"`--from={value}` refers to the stage it is in", item=idx
                )


RULE = CopyFromOwnStage()
