"""DL3046: useradd with a large UID but without -l."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage, expand, var_refs
from dockerls.analysis.rules._hl_run_util import commands_named
from dockerls.analysis.rules._pkg import stage_runs
from dockerls.analysis.rules.base import Edit, Finding, Fix, FixAvailability, Rule, Severity
from dockerls.syntax.nodes import Span


class UseraddHighUid(Rule):
    """What it does:
    Flags `useradd -u <uid>` with a UID of more than five digits when
    `-l`/`--no-log-init` is missing.  A UID given by a variable is read
    through the `ARG` and `ENV` values in force (an `ARG`'s default): it is
    flagged when that value is long, or when no value is known.

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
    commands = frozenset({"useradd"})
    fix = FixAvailability.ALWAYS

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        for idx, inst, shell in stage_runs(stage, model):
            for rs, cmd in commands_named(inst, shell, "useradd"):
                if cmd.has_flag("-l", "--no-log-init"):
                    continue
                uid = cmd.flag_value("-u", "--uid")
                if uid is None:
                    continue
                value: str | None = uid
                if "$" in uid:
                    value = _resolve(uid, model.env_at(stage, idx))
                if value is not None and not (value.isdigit() and len(value) > 5):
                    continue
                shown = f"`{uid}`" if value in (None, uid) else f"`{uid}` (`{value}`)"
                at = rs.span(Span(cmd.name_span.end, cmd.name_span.end))
                yield Finding(
                    rs.span(cmd.name_span),
                    f"`useradd` with UID {shown} needs `-l` so lastlog/faillog stay small",
                    Fix("Add `-l` (`--no-log-init`)", (Edit(at, " -l"),)),
                    item=idx,
                )


def _resolve(uid: str, env: dict[str, str | None]) -> str | None:
    """The UID once the ARG/ENV values in force are substituted; None when a
    variable has no known value (the shell may set it, or a build argument)."""
    for r in var_refs(uid):
        if env.get(r.name) is None and r.modifier not in (":-", "-"):
            return None
    value = expand(uid, env)
    return None if "$" in value else value


RULE = UseraddHighUid()
