"""DL3027: `apt` used in a RUN instead of `apt-get`/`apt-cache`."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._pkg import pm_commands, positional
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
from dockerls.syntax.nodes import Instruction

# subcommands apt-get runs the same way; `upgrade` differs (apt may install
# new dependencies, apt-get does not), so that replacement is unsafe
_SAME = frozenset(
    {
        "install",
        "update",
        "remove",
        "purge",
        "autoremove",
        "clean",
        "autoclean",
        "source",
        "build-dep",
        "download",
        "changelog",
        "satisfy",
    }
)
_DIFFERENT = {"upgrade": "upgrade", "full-upgrade": "dist-upgrade", "dist-upgrade": "dist-upgrade"}


class AptInScripts(Rule):
    """What it does:
    Flags the `apt` command in a `RUN` instruction.

    Why it matters:
    `apt` is meant for people at a terminal: its output and behaviour may
    change between releases, and it warns that it has no stable command-line
    interface.  Scripts should call `apt-get` and `apt-cache`.

    Example:
    ```dockerfile
    RUN apt update && apt install -y curl
    ```

    Fix:
    ```dockerfile
    RUN apt-get update && apt-get install -y curl
    ```
    The quick fix renames `apt` to `apt-get` where `apt-get` has the same
    subcommand (`upgrade` is marked unsafe: apt-get's never adds packages).
    """

    code = "DL3027"
    name = "apt-in-scripts"
    severity = Severity.WARNING
    group = "hadolint"
    fix = FixAvailability.SOMETIMES
    kinds = frozenset({"RUN"})
    commands = frozenset({"apt"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for rs, cmd in pm_commands(inst, ctx.shell, "apt"):
            fix = None
            pos = positional(cmd, frozenset({"-o", "-t", "-c", "-a"}))
            sub = pos[0].value if pos and pos[0].is_static else None
            if cmd.name_word.is_static and cmd.name_word.raw == cmd.path:
                name_at = rs.span(cmd.name_span)
                new = cmd.path[: -len("apt")] + "apt-get"
                if sub in _SAME:
                    fix = Fix("Use `apt-get`", (Edit(name_at, new),), Applicability.SAFE)
                elif sub in _DIFFERENT and pos:
                    edits = (Edit(name_at, new), Edit(rs.span(pos[0].span), _DIFFERENT[sub]))
                    fix = Fix("Use `apt-get`", edits, Applicability.UNSAFE)
            yield Finding(
                rs.span(cmd.name_span),
                "Use `apt-get` or `apt-cache` in scripts: `apt` has no stable command-line interface",
                fix,
            )


RULE = AptInScripts()
