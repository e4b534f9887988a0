"""Shared helpers for the hadolint RUN rules: the commands a RUN runs directly.

"Directly" means as written in the script: not the command a wrapper such as
``sudo`` or ``xargs`` runs, and not the commands inside a ``bash -c "..."``
string.  That is the view hadolint's RUN rules take.
"""

from __future__ import annotations

from collections.abc import Iterator

from dockerls.analysis.command_index import may_call
from dockerls.analysis.shellview import RunScript, run_scripts
from dockerls.syntax.nodes import Instruction
from dockerls.syntax.shell import Command


def direct_commands(
    inst: Instruction, shell: tuple[str, ...]
) -> Iterator[tuple[RunScript, Command]]:
    """(script, command) for every command the RUN runs directly."""
    for rs in run_scripts(inst, shell):
        if not rs.script.supported:
            continue
        for cmd in rs.script.commands:
            if cmd.wrapped_by is None and cmd.via_shell is None:
                yield rs, cmd


def commands_named(
    inst: Instruction, shell: tuple[str, ...], *names: str
) -> Iterator[tuple[RunScript, Command]]:
    if not may_call(inst, names):
        return  # none of them is called: no shell view needed
    wanted = frozenset(names)
    for rs, cmd in direct_commands(inst, shell):
        if cmd.name in wanted:
            yield rs, cmd
