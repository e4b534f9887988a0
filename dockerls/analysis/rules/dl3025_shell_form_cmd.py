"""DL3025: CMD or ENTRYPOINT in shell form."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

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
from dockerls.syntax.nodes import Instruction, Span

# words made only of these characters mean the same with or without a shell
_PLAIN_WORD = re.compile(r"[A-Za-z0-9_@%+=:,./-]+")


def exec_form(inst: Instruction, command: str) -> str | None:
    """The JSON form of the shell-form ``command``, when splitting on blanks
    gives exactly what the shell would pass; else None."""
    if inst.inner_comments or inst.empty_continuation_lines:
        return None
    words = command.split()
    if not words or not all(_PLAIN_WORD.fullmatch(w) for w in words):
        return None
    return "[" + ", ".join(json.dumps(w) for w in words) + "]"


class ShellFormCmd(Rule):
    """What it does:
    Flags `CMD` and `ENTRYPOINT` written in shell form (`CMD node app.js`)
    instead of exec form (`CMD ["node", "app.js"]`), and likewise the
    command of `HEALTHCHECK CMD`.

    Why it matters:
    In shell form the process runs under `/bin/sh -c`, so the shell is PID 1
    and `docker stop` signals never reach the program: it is killed after the
    timeout instead of shutting down cleanly. A shell-form `ENTRYPOINT` also
    ignores `CMD` and `docker run` arguments. A shell-form health check
    needs a shell in the image, which minimal images lack.

    Example:
    ```dockerfile
    CMD node server.js
    ```

    Fix:
    Write the command as a JSON array:
    ```dockerfile
    CMD ["node", "server.js"]
    ```
    The quick fix is offered when the command holds no quotes, variables or
    shell operators. It is marked unsafe because the command then no longer
    runs through a shell.
    """

    code = "DL3025"
    name = "cmd-entrypoint-shell-form"
    severity = Severity.WARNING
    group = "hadolint"
    fix = FixAvailability.SOMETIMES
    kinds = frozenset({"CMD", "ENTRYPOINT", "HEALTHCHECK"})
    onbuild = False
    same_as = ("JSONArgsRecommended",)

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        if inst.args_span is None or not inst.args:
            return
        what = inst.name
        command = inst.args
        span = inst.args_span
        if inst.name == "HEALTHCHECK":
            # HEALTHCHECK [flags] CMD <command>: the command is the second value
            if inst.json or len(inst.values) != 2 or len(inst.words) < 2:
                return
            if inst.values[0].upper() != "CMD":
                return
            what = "HEALTHCHECK CMD"
            command = inst.values[1]
            span = Span(inst.words[1].span.start, inst.args_span.end)
        elif inst.json:
            return
        fix: Fix | None = None
        new = exec_form(inst, command)
        if new is not None:
            fix = Fix("Convert to exec (JSON) form", (Edit(span, new),), Applicability.UNSAFE)
        yield Finding(span, f"Use the exec (JSON) form for `{what}`", fix)


RULE = ShellFormCmd()
