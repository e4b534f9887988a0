"""DLS108: files made writable by everyone (chmod 777)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from dockerls.analysis.rules._misc_common import get_flag
from dockerls.analysis.rules.base import (
    Applicability,
    Edit,
    Finding,
    Fix,
    FixAvailability,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.analysis.shellview import run_scripts
from dockerls.syntax.nodes import Instruction, Span

_CLAUSE = re.compile(r"^([ugoa]*)([-+=])([rwxXst]*)$")


def world_writable(mode: str) -> bool:
    """True if an octal or symbolic chmod mode grants write to others."""
    if mode.isdigit():
        if len(mode) > 4 or not set(mode) <= set("01234567"):
            return False
        # the sticky bit (1777) marks a shared scratch folder like /tmp: intended
        return int(mode[-1]) & 2 == 2 and not (len(mode) == 4 and int(mode[0]) & 1)
    if "+t" in mode or "=t" in mode:
        return False
    for clause in mode.split(","):
        m = _CLAUSE.match(clause)
        if m is None:
            continue
        who, op, perms = m.groups()
        # a bare `+w` honours the umask, so it is not world-writable
        if op in "+=" and "w" in perms and ("a" in who or "o" in who):
            return True
    return False


def _safer(mode: str) -> str | None:
    if mode.lstrip("0") == "777":
        return mode[: len(mode) - 3] + "755"
    if mode.lstrip("0") == "666":
        return mode[: len(mode) - 3] + "644"
    return None


class WorldWritablePermissions(Rule):
    """What it does:
    Flags `chmod` with a mode that lets every user write (`777`, `666`,
    `o+w`, `a+rwx`...) in `RUN`, and `COPY`/`ADD --chmod=` with such a mode.
    Modes with the sticky bit (`1777`, `o+t`), the usual shape of a shared
    scratch folder like `/tmp`, are left alone.

    Why it matters:
    Any process in the container, whatever its user, can then replace the
    files: a compromised unprivileged process can rewrite programs that
    root runs.  It usually papers over a wrong owner.

    Example:
    ```dockerfile
    RUN chmod -R 777 /app
    ```

    Fix:
    Give the files to the user that needs them and keep the mode tight:
    ```dockerfile
    RUN chown -R app:app /app && chmod -R 755 /app
    ```
    The quick fix replaces `777` by `755` (and `666` by `644`); it is marked
    unsafe, since a process that really needs to write loses that right.
    """

    code = "DLS108"
    name = "world-writable-permissions"
    severity = Severity.WARNING
    group = "best-practice"
    fix = FixAvailability.SOMETIMES
    kinds = frozenset({"RUN", "COPY", "ADD"})
    commands = frozenset({"chmod"})  # RUNs only: COPY and ADD always run

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        if inst.name in ("COPY", "ADD"):
            f = get_flag(inst, "chmod")
            if f is not None and f.value and f.value_span is not None and world_writable(f.value):
                yield self._finding(f.value, f.value_span, f"`--chmod={f.value}`")
            return
        for rs in run_scripts(inst, ctx.shell):
            if not rs.script.supported:
                continue
            for cmd in rs.script.commands:
                if cmd.name != "chmod" or cmd.via_shell is not None:
                    continue
                for w in cmd.args:
                    if w.value.startswith("-"):
                        continue  # options (a `-w` mode removes rights anyway)
                    if not w.is_static:
                        break
                    if world_writable(w.value):
                        yield self._finding(w.value, rs.span(w.span), f"`chmod {w.value}`")
                    break  # only the mode word

    def _finding(self, mode: str, span: Span, what: str) -> Finding:
        safer = _safer(mode)
        fix = None
        if safer is not None:
            fix = Fix(f"Use mode `{safer}`", (Edit(span, safer),), Applicability.UNSAFE)
        return Finding(
            span, f"{what} lets every user write these files: grant only what is needed", fix
        )


RULE = WorldWritablePermissions()
