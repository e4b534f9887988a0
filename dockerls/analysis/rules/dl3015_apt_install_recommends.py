"""DL3015: `apt-get install` without `--no-install-recommends`."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._pkg import FALSE_WORDS, apt_get_installs, apt_option
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


class AptInstallRecommends(Rule):
    """What it does:
    Flags `apt-get install` run without `--no-install-recommends`.

    Why it matters:
    By default apt also installs every "recommended" package, which often
    doubles the size of an install with tools the image never uses.

    Example:
    ```dockerfile
    RUN apt-get update && apt-get install -y curl
    ```

    Fix:
    ```dockerfile
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    ```
    `-o APT::Install-Recommends=false` is accepted too.  The quick fix adds
    the flag; it is unsafe because fewer packages get installed and
    something may have relied on a recommended one.
    """

    code = "DL3015"
    name = "apt-install-recommends"
    severity = Severity.INFO
    group = "hadolint"
    fix = FixAvailability.ALWAYS
    kinds = frozenset({"RUN"})
    commands = frozenset({"apt-get"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for inv in apt_get_installs(inst, ctx.shell):
            if inv.cmd.has_flag("--no-install-recommends"):
                continue
            v = apt_option(inv.cmd, "APT::Install-Recommends")
            if v is not None and v.lower() in FALSE_WORDS:
                continue
            yield Finding(
                inv.words_span(),
                f"`{inv.label}` without `--no-install-recommends` also pulls in recommended packages",
                Fix(
                    "Add `--no-install-recommends`",
                    (inv.after_sub(" --no-install-recommends"),),
                    Applicability.UNSAFE,
                ),
            )


RULE = AptInstallRecommends()
