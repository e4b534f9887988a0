"""JSONArgsRecommended: CMD/ENTRYPOINT in shell form."""

from __future__ import annotations

import json
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
from dockerls.analysis.rules.bk_common import chain, is_plain
from dockerls.syntax.nodes import Instruction

_SIMPLE = re.compile(r"[A-Za-z0-9_./:@%+,=-]+")


def exec_form(inst: Instruction) -> str | None:
    """The JSON form of a simple shell-form command (plain words only)."""
    if not is_plain(inst) or inst.args_span is None:
        return None
    words = [w.value for w in inst.words]
    if words and words[0] == "exec":
        words = words[1:]
    if not words or not all(_SIMPLE.fullmatch(w) for w in words):
        return None
    if "=" in words[0]:  # an environment assignment needs the shell
        return None
    return json.dumps(words)


class JSONArgsRecommended(Rule):
    """What it does:
    Flags `CMD` and `ENTRYPOINT` written in shell form (`CMD nginx -g ...`)
    in a stage that did not choose its shell with `SHELL`.

    Why it matters:
    Shell form runs the command under `/bin/sh -c`, so the shell is PID 1
    and does not pass signals such as SIGTERM on to the program; containers
    then take the full timeout to stop and cannot shut down cleanly.

    Example:
    ```dockerfile
    CMD nginx -g "daemon off;"
    ```

    Fix:
    Use the exec (JSON) form: `CMD ["nginx", "-g", "daemon off;"]`. The quick
    fix rewrites commands made of plain words; it is marked unsafe because the
    shell (variable expansion, `&&`) no longer runs.
    """

    code = "JSONArgsRecommended"
    name = "shell-form-cmd"
    severity = Severity.WARNING
    group = "buildkit"
    kinds = frozenset({"CMD", "ENTRYPOINT"})
    fix = FixAvailability.SOMETIMES
    same_as = ("DL3025",)

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        if all(inst.json for name in ("CMD", "ENTRYPOINT") for _i, inst in stage.by_name(name)):
            return  # no shell form to report (the usual stage)
        shell_set = any(st.shells() for st in chain(model, stage)[1:])
        for idx, inst in stage.instructions:
            if inst.name == "SHELL":
                shell_set = True
                continue
            if inst.name not in ("CMD", "ENTRYPOINT") or inst.json or shell_set:
                continue
            if inst.args_span is None or not inst.words:
                continue
            new = exec_form(inst)
            fix = None
            if new is not None:
                fix = Fix(
                    "Use the exec (JSON) form", (Edit(inst.args_span, new),), Applicability.UNSAFE
                )
            yield Finding(
                inst.args_span,
                f"`{inst.keyword}` in shell form runs under `/bin/sh -c`, which does not forward signals; use the JSON form",
                fix,
                item=idx,
            )


RULE = JSONArgsRecommended()
