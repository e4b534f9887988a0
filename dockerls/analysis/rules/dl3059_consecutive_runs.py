"""DL3059: consecutive RUN instructions that could be one."""

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
from dockerls.analysis.run_join import join_edits, join_plan
from dockerls.analysis.shellview import run_scripts
from dockerls.syntax.nodes import Instruction, Span

# test and arithmetic brackets are conditions, not commands of their own:
# `[ -d /x ] && echo found` is one step
_CONDITIONS = frozenset({"[", "[[", "(("})
# what a command line needs to hold a second command (see one_command_at_most)
_MULTI = re.compile(r"[;&|\n`()]")


def one_command_at_most(inst: Instruction) -> bool:
    """Whether a shell-form RUN without heredocs surely runs at most one command
    outside wrappers and ``sh -c``: a second one needs a separator (``;``, ``&``,
    ``|``, a line break), a group or subshell (``(``), or a substitution (``$(``,
    a backquote), and its command line has none of those characters."""
    return not inst.json and not inst.heredocs and _MULTI.search(inst.args) is None


def _simple(inst: Instruction) -> bool:
    """At most one command: longer RUNs are usually split on purpose.

    Every RUN is read as POSIX shell, whatever the shell in force, as hadolint
    reads it: PowerShell's ``a; b`` is two commands there too.  A script that
    doesn't parse as POSIX shell can't be counted, so it counts as simple, as
    it does for hadolint.  A command line without
    any of the characters a second command needs is simple without the shell
    view (:func:`one_command_at_most`).
    """
    if one_command_at_most(inst):
        return True
    n = 0
    for rs in run_scripts(inst):
        if rs.script.errors:
            continue
        n += sum(
            1
            for c in rs.script.commands
            if c.wrapped_by is None and c.via_shell is None and c.name not in _CONDITIONS
        )
    return n <= 1


def _flags(inst: Instruction) -> tuple[str, ...]:
    return tuple(f.raw for f in inst.flags)


class ConsecutiveRuns(Rule):
    """What it does:
    Flags a `RUN` that directly follows another `RUN` with the same flags
    (only comments and blank lines between them) when each runs a single
    command, a `[ ... ]` test not counting as one; longer steps are usually
    kept apart on purpose.  Commands are counted as a POSIX shell reads
    them, whatever the shell (as hadolint counts them); a script that doesn't
    read as POSIX shell (some PowerShell or cmd) can't be counted and is
    treated as a single step.

    Why it matters:
    Each `RUN` makes a layer.  Merging steps that belong together gives fewer
    layers and lets clean-up commands actually shrink the image, because
    files deleted in a later layer still take space in the earlier one.

    Example:
    ```dockerfile
    RUN apt-get update
    RUN apt-get install -y curl
    ```

    Fix:
    ```dockerfile
    RUN apt-get update && \\
        apt-get install -y curl
    ```
    The quick fix joins two shell-form `RUN`s without heredocs with `&&`,
    keeping comments in between, and it is safe: it is offered only when the
    joined `RUN` does what the two did, with the same exit status.  So it
    groups a second `RUN` holding `||` or `;` (`make && { [ -f app ] || echo
    none; }`), and it is not offered when the first changes the shell's
    state (`cd`, `export`, `set`, `umask`, `trap`, functions, variables...),
    when either starts a background job (`&`), when the shell in force is not
    a POSIX shell (PowerShell, cmd: Windows images, `SHELL`, the
    `# hadolint shell=` pragma), or when `&&` can't follow the first command.
    The "Combine RUN" refactoring makes the same decision.
    """

    code = "DL3059"
    name = "consecutive-runs"
    severity = Severity.INFO
    group = "hadolint"
    kinds = frozenset({"RUN"})
    fix = FixAvailability.SOMETIMES

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        prev: tuple[int, Instruction] | None = None
        prev_simple: bool | None = None  # _simple(prev), once asked
        shells: dict[int, tuple[str, ...]] | None = None  # the shell at each, once needed
        # consecutive instructions: only comments and blank lines between them
        for idx, it in stage.instructions:
            if it.name != "RUN":
                prev = None
                continue
            simple: bool | None = None
            # this RUN first: the next pair asks about it too, so in a run of RUNs that
            # aren't simple every other one is read
            if prev is not None and prev_simple is not False and _flags(prev[1]) == _flags(it):
                simple = _simple(it)
                if simple and prev_simple is None:
                    prev_simple = _simple(prev[1])
            if simple and prev_simple:
                assert prev is not None
                if shells is None:
                    shells = {i: sh for i, _, sh in model.shell_steps(stage)}
                fix = _merge_fix(model, prev, (idx, it), (shells[prev[0]], shells[idx]))
                yield Finding(
                    it.keyword_span,
                    "Consecutive `RUN` instructions: consider merging them into one layer",
                    fix,
                    item=idx,
                )
            prev, prev_simple = (idx, it), simple


def _merge_fix(
    model: Model,
    a: tuple[int, Instruction],
    b: tuple[int, Instruction],
    shells: tuple[tuple[str, ...], tuple[str, ...]],
) -> Fix | None:
    (ia, ra), (ib, rb) = a, b
    groups = join_plan((ra, rb), shells, model.escape)
    if groups is None:
        return None
    p = model.parse
    # the first RUN's own line ending and continuation indent
    nl = "\r\n" if ra.text.endswith("\r\n") else "\n"
    indent = "    "
    for line in ra.text.splitlines()[1:]:
        stripped = line.lstrip(" \t")
        if stripped:
            indent = line[: len(line) - len(stripped)] or indent
            break
    # offsets relative to b's item: the edit reaches back into a
    base = p.starts[ib]
    edits = tuple(
        Edit(Span(s - base, e - base), new)
        for s, e, new in join_edits(p, (ia, ib), groups, indent, nl)
    )
    return Fix("Merge into the previous `RUN`", edits, Applicability.SAFE)


RULE = ConsecutiveRuns()
