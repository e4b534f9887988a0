"""DL3046: useradd with a large UID but without -l."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._hl_run_util import commands_named
from dockerls.analysis.rules.base import (
    Edit,
    Finding,
    Fix,
    FixAvailability,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction, Span


class UseraddHighUid(Rule):
    """What it does:
    Flags `useradd -u <uid>` with a UID of more than five digits when
    `-l`/`--no-log-init` is missing.

    Why it matters:
    `useradd` records the new user in `/var/log/lastlog` and `faillog`, sparse
    files indexed by UID.  With a large UID the layer stores a file of
    gigabytes of zeros, which bloats the image and slows the build.

    Example:
    ```dockerfile
    RUN useradd -u 123456 app
    ```

    Fix:
    Add `-l` (`--no-log-init`):
    ```dockerfile
    RUN useradd -l -u 123456 app
    ```
    """

    code = "DL3046"
    name = "useradd-high-uid"
    severity = Severity.WARNING
    group = "hadolint"
    fix = FixAvailability.ALWAYS
    kinds = frozenset({"RUN"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for rs, cmd in commands_named(inst, ctx.shell, "useradd"):
            if cmd.has_flag("-l", "--no-log-init"):
                continue
            uid = cmd.flag_value("-u", "--uid")
            if uid is None or not _long_uid(uid):
                continue
            at = rs.span(Span(cmd.name_span.end, cmd.name_span.end))
            yield Finding(
                rs.span(cmd.name_span),
                f"`useradd` with UID `{uid}` needs `-l` so lastlog/faillog stay small",
                Fix("Add `-l` (`--no-log-init`)", (Edit(at, " -l"),)),
            )


def _long_uid(uid: str) -> bool:
    if uid.isdigit():
        return len(uid) > 5
    # a variable: the value is unknown, so ask for -l as a precaution
    return "$" in uid


RULE = UseraddHighUid()
