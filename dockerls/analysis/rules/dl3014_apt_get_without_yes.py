"""DL3014: `apt-get install` without `-y`."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._pkg import TRUE_WORDS, apt_get_installs, apt_option, short_flag_count
from dockerls.analysis.rules.base import (
    Applicability,
    Finding,
    Fix,
    FixAvailability,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction
from dockerls.syntax.shell import Command


def assumes_yes(cmd: Command) -> bool:
    if cmd.has_flag("-y", "--yes", "--assume-yes"):
        return True
    if short_flag_count(cmd, "q", "--quiet") >= 2:  # -qq implies -y
        return True
    v = apt_option(cmd, "APT::Get::Assume-Yes")
    return v is not None and v.lower() in TRUE_WORDS


class AptGetWithoutYes(Rule):
    """What it does:
    Flags `apt-get install` run without `-y` (`--yes`, `--assume-yes`).

    Why it matters:
    A build has no one to answer apt's "Do you want to continue?" prompt;
    without `-y` the install aborts as soon as apt wants to ask.

    Example:
    ```dockerfile
    RUN apt-get update && apt-get install curl
    ```

    Fix:
    ```dockerfile
    RUN apt-get update && apt-get install -y curl
    ```
    The quick fix adds `-y` after `install`.
    """

    code = "DL3014"
    name = "apt-get-without-yes"
    severity = Severity.WARNING
    group = "hadolint"
    fix = FixAvailability.ALWAYS
    kinds = frozenset({"RUN"})
    commands = frozenset({"apt-get"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for inv in apt_get_installs(inst, ctx.shell):
            if assumes_yes(inv.cmd):
                continue
            yield Finding(
                inv.words_span(),
                f"`{inv.label}` without `-y` stops at the confirmation prompt",
                Fix("Add `-y`", (inv.after_sub(" -y"),), Applicability.SAFE),
            )


RULE = AptGetWithoutYes()
