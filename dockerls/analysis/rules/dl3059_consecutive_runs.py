"""DL3059: consecutive RUN instructions that could be one."""

from __future__ import annotations

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
from dockerls.analysis.shellview import run_scripts
from dockerls.syntax.nodes import Blank, Comment, Instruction, Span

# commands whose effect on the shell itself (directory, variables, options)
# would carry over into the merged commands
_STATEFUL = frozenset(
    {
        "cd",
        "pushd",
        "popd",
        "export",
        "set",
        "unset",
        "source",
        ".",
        "alias",
        "shopt",
        "umask",
        "ulimit",
        "exec",
        "exit",
        "trap",
        "eval",
        "readonly",
        "declare",
        "typeset",
        "local",
        "shift",
        "return",
    }
)


# test and arithmetic brackets are conditions, not commands of their own:
# `[ -d /x ] && echo found` is one step
_CONDITIONS = frozenset({"[", "[[", "(("})


def _simple(inst: Instruction) -> bool:
    """At most one command: longer RUNs are usually split on purpose.

    Text that is not POSIX shell (a PowerShell or cmd RUN) can't be counted,
    so it counts as simple, as it does for hadolint.
    """
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
    kept apart on purpose.  A script that isn't POSIX shell (PowerShell,
    cmd) can't be counted and is treated as a single step.

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
    keeping comments in between.  It is unsafe when the first one changes
    the shell's state (`cd`, `export`, `set`...), which the merged commands
    would then share, and it is not offered when the first command ends in
    a way `&&` cannot follow.
    """

    code = "DL3059"
    name = "consecutive-runs"
    severity = Severity.INFO
    group = "hadolint"
    fix = FixAvailability.SOMETIMES

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        prev: tuple[int, Instruction] | None = None
        starts = model.parse.starts
        items = model.parse.items
        for k, it in enumerate(stage.items):
            idx = stage.first + k
            if isinstance(it, (Comment, Blank)):
                continue
            if not isinstance(it, Instruction) or it.name != "RUN":
                prev = None
                continue
            if (
                prev is not None
                and _flags(prev[1]) == _flags(it)
                and _simple(prev[1])
                and _simple(it)
            ):
                fix = _merge_fix(prev, (idx, it), starts, items, model.escape)
                yield Finding(
                    it.keyword_span,
                    "Consecutive `RUN` instructions: consider merging them into one layer",
                    fix,
                    item=idx,
                )
            prev = (idx, it)


def _merge_fix(
    a: tuple[int, Instruction],
    b: tuple[int, Instruction],
    starts: tuple[int, ...],
    items: tuple[object, ...],
    escape: str,
) -> Fix | None:
    (ia, ra), (ib, rb) = a, b
    if ra.json or rb.json or ra.heredocs or rb.heredocs or rb.args_span is None:
        return None
    scripts = run_scripts(ra)
    if len(scripts) != 1 or not scripts[0].script.supported or scripts[0].script.errors:
        return None
    tail = ra.args.rstrip()
    if not tail or tail.endswith((";", "&", "|", escape)) or "#" in ra.args:
        return None
    if rb.args.lstrip().startswith(("&", ";", "|")):
        return None
    # the comments between the two RUNs are kept inside the continuation;
    # blank lines are dropped (an empty continuation line is an error to come)
    kept = []
    for j in range(ia + 1, ib):
        it = items[j]
        if isinstance(it, Comment):
            kept.append(it.text if it.text.endswith("\n") else it.text + "\n")
    a_text_end = len(ra.text.rstrip("\r\n").rstrip())
    # offsets relative to b's item: the edit reaches back into a
    start = starts[ia] + a_text_end - starts[ib]
    end = rb.args_span.start
    # the file's own line ending and continuation indent
    nl = "\r\n" if ra.text.endswith("\r\n") else "\n"
    indent = "    "
    for line in ra.text.splitlines()[1:]:
        stripped = line.lstrip(" \t")
        if stripped:
            indent = line[: len(line) - len(stripped)] or indent
            break
    kept = [k if k.endswith(nl) else k.rstrip("\r\n") + nl for k in kept]
    new = f" && {escape}{nl}" + "".join(kept) + indent
    stateful = any(
        c.name in _STATEFUL or (c.assignments and not c.args and c.name == "")
        for c in scripts[0].script.commands
    )
    stateful = stateful or any(not c.name and c.assignments for c in scripts[0].script.commands)
    return Fix(
        "Merge into the previous `RUN`",
        (Edit(Span(start, end), new),),
        Applicability.UNSAFE if stateful else Applicability.SAFE,
    )


RULE = ConsecutiveRuns()
