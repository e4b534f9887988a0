"""WorkdirRelativePath: a relative WORKDIR before any absolute one."""

from __future__ import annotations

import re
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
from dockerls.analysis.rules.bk_common import chain

_WIN_ABS = re.compile(r"^[A-Za-z]:[\\/]")


def is_absolute(path: str) -> bool:
    p = path.strip("\"'")
    return p.startswith("/") or p.startswith("\\") or _WIN_ABS.match(p) is not None


class WorkdirRelativePath(Rule):
    """What it does:
    Flags a `WORKDIR` with a relative path when no earlier `WORKDIR` of the
    stage (or of the stage it builds on) set an absolute one. Paths starting
    with a variable are not judged.

    Why it matters:
    A relative `WORKDIR` is resolved against the base image's working
    directory, which you do not control and which may change when the base
    image is updated.

    Example:
    ```dockerfile
    FROM node:22
    WORKDIR app
    ```

    Fix:
    Use an absolute path: `WORKDIR /app`. The quick fix assumes the current
    directory is `/`, so it is marked unsafe.
    """

    code = "WorkdirRelativePath"
    name = "relative-workdir"
    severity = Severity.WARNING
    group = "buildkit"
    kinds = frozenset({"WORKDIR"})
    fix = FixAvailability.SOMETIMES
    same_as = ("DL3000",)

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        absolute = any(
            is_absolute(inst.words[0].value)
            for st in chain(model, stage)[1:]
            for _i, inst in st.by_name("WORKDIR")
            if inst.words
        )
        for idx, inst in stage.by_name("WORKDIR"):
            if not inst.words:
                continue
            w = inst.words[0]
            if is_absolute(w.value):
                absolute = True
                continue
            if absolute or w.value.strip("\"'").startswith("$"):
                continue
            fix = None
            if not any(c in w.value for c in "\"'$\\"):
                new = "/" + w.value.removeprefix("./")
                fix = Fix(f"Use `{new}`", (Edit(w.span, new),), Applicability.UNSAFE)
            yield Finding(
                w.span,
                f"`WORKDIR {w.value}` is relative to the base image's working directory; use an absolute path",
                fix,
                item=idx,
            )


RULE = WorkdirRelativePath()
