"""DL3045: COPY to a relative destination while no WORKDIR is set."""

from __future__ import annotations

import re
from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules._misc_common import operands, strip_quotes
from dockerls.analysis.rules.base import Finding, FixAvailability, Rule, Severity

_WINDOWS_ABS = re.compile(r"^[A-Za-z]:[\\/]")


def _has_workdir(
    stage: Stage, model: Model, before: int, seen: frozenset[int] = frozenset()
) -> bool:
    """Whether a WORKDIR is in force at item ``before`` of ``stage``,
    counting the stages it builds on."""
    for idx, _inst in stage.by_name("WORKDIR"):
        if idx < before:
            return True
    base = stage.base_stage
    if base is None or base in seen or base >= stage.index:
        return False
    st = model.stages[base]
    return _has_workdir(st, model, st.end, seen | {stage.index})


class CopyRelativeWithoutWorkdir(Rule):
    """What it does:
    Flags a `COPY` whose destination is a relative path while neither this
    stage nor a stage it builds on has set a `WORKDIR` yet.

    Why it matters:
    A relative destination is resolved against the working directory of the
    base image, which you do not control and which may change between
    versions of that image.

    Example:
    ```dockerfile
    FROM python:3.12
    COPY app.py app/
    ```

    Fix:
    Set the working directory first, or use an absolute destination:
    ```dockerfile
    FROM python:3.12
    WORKDIR /srv
    COPY app.py app/
    ```
    """

    code = "DL3045"
    name = "copy-relative-without-workdir"
    severity = Severity.WARNING
    group = "hadolint"
    fix = FixAvailability.NONE

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        for idx, inst in stage.by_name("COPY"):
            ops = operands(inst)
            if len(ops) < 2:
                continue
            raw, span = ops[-1]
            dest = strip_quotes(raw)
            if not dest or dest.startswith(("/", "$")) or _WINDOWS_ABS.match(dest):
                continue
            if _has_workdir(stage, model, idx):
                continue
            yield Finding(span, f"Relative destination `{dest}` but no `WORKDIR` is set", item=idx)


RULE = CopyRelativeWithoutWorkdir()
