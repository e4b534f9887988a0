"""Combine consecutive RUN instructions into one (the ``refactor.rewrite``
code action).

``combine(p, model, items)`` returns absolute edits that join the given RUNs,
or ``None`` when the merged RUN could do something the separate ones would
not.  What may be joined, and how, is decided by
:mod:`dockerls.analysis.run_join`, which DL3059's quick fix uses too: every
RUN a plain shell-form RUN in one stage with the same flags, only comments and
blank lines between them, a POSIX shell in force, no shell state crossing a
join, later RUNs grouped in ``{ ...; }`` when they hold ``||`` or ``;``.

Continuation lines use the file's escape character, line ending and the
indentation its other continuation lines use (four spaces when it has none).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from dockerls.analysis import run_join
from dockerls.analysis.model import Model, shell_at
from dockerls.fixes import TextEdit
from dockerls.syntax.identity_cache import IdentityCache, node_cache
from dockerls.syntax.nodes import Blank, Comment, Instruction
from dockerls.syntax.parser import Parse

TITLE = "Combine consecutive RUN instructions"
DEFAULT_INDENT = "    "


def continuation_indent(p: Parse) -> str:
    """The most common indentation of continuation lines in the file."""
    cached = _INDENT_CACHE.get(p)
    if cached is not None:
        return cached
    counts: Counter[str] = Counter()
    for it in p.items:
        if isinstance(it, Instruction) and it.line_count > 1 and not it.heredocs:
            for line in it.text.split("\n")[1:]:
                body = line.rstrip("\r")
                stripped = body.lstrip(" \t")
                if stripped and not stripped.startswith("#"):
                    ind = body[: len(body) - len(stripped)]
                    if ind:
                        counts[ind] += 1
    indent = counts.most_common(1)[0][0] if counts else DEFAULT_INDENT
    return _INDENT_CACHE.put(p, None, indent)


_INDENT_CACHE: IdentityCache[str] = node_cache(32)  # per parse (weakly)


def newline_of(p: Parse) -> str:
    nl = p.text.find("\n")
    return "\r\n" if nl > 0 and p.text[nl - 1] == "\r" else "\n"


def group_at(p: Parse, item: int) -> list[int]:
    """The maximal block of consecutive RUNs (comments and blank lines
    between them allowed) around the RUN at ``item``."""
    items = p.items

    def is_run(i: int) -> bool:
        it = items[i]
        return isinstance(it, Instruction) and it.name == "RUN"

    if not (0 <= item < len(items)) or not is_run(item):
        return []
    out = [item]
    i = item - 1
    while i >= 0 and (isinstance(items[i], (Comment, Blank)) or is_run(i)):
        if is_run(i):
            out.insert(0, i)
        i -= 1
    i = item + 1
    while i < len(items) and (isinstance(items[i], (Comment, Blank)) or is_run(i)):
        if is_run(i):
            out.append(i)
        i += 1
    return out


def combine(p: Parse, model: Model, runs: Sequence[int]) -> list[TextEdit] | None:
    """Edits merging the RUNs at item indexes ``runs`` (ascending, two or
    more, consecutive), or None when that is not safe."""
    if len(runs) < 2 or not run_join.between_runs_only_comments(p, runs):
        return None
    insts = [p.items[i] for i in runs]
    if not all(isinstance(x, Instruction) for x in insts):
        return None
    st = model.stage_of(runs[0])
    shells = [shell_at(model, i) for i in runs]
    if st is None or model.stage_of(runs[-1]) is not st or None in shells:
        return None
    groups = run_join.join_plan(
        [x for x in insts if isinstance(x, Instruction)],
        [sh for sh in shells if sh is not None],
        p.escape,
    )
    if groups is None:
        return None
    edits = run_join.join_edits(p, runs, groups, continuation_indent(p), newline_of(p))
    return [TextEdit(s, e, new) for s, e, new in edits]


def combined_text(p: Parse, model: Model, runs: Sequence[int]) -> str | None:
    """The document text after combining (tests, previews)."""
    from dockerls.fixes import apply_edits

    edits = combine(p, model, runs)
    return None if edits is None else apply_edits(p.text, edits)
