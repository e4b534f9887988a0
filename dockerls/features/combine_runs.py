"""Combine consecutive RUN instructions into one (the ``refactor.rewrite``
code action, and the logic behind DL3059's quick fix).

``combine(p, model, items)`` returns absolute edits that join the given RUNs
with ``&&`` and continuation lines, or ``None`` when the merged RUN would not
mean the same as the separate ones:

* every RUN is a plain (not ONBUILD) shell-form RUN without heredocs, with the
  same flags (``--mount``, ``--network``...), in one stage, separated only by
  comments and blank lines; the shell in force must be a POSIX one;
* no RUN but the last changes the shell's own state (``cd``, ``export``,
  ``set``, bare assignments...), since the later commands would inherit it;
* every RUN after the first is one ``&&``/pipe chain (a ``;``, ``||`` or
  ``&`` at its top level would let it run after an earlier step failed);
* no RUN but the last ends in ``;``/``&``/``|`` or holds a ``#`` comment, which
  ``&&`` cannot follow.

Comments between the RUNs are kept as comment lines inside the continuation;
blank lines between them are dropped (an empty continuation line is an
error in newer BuildKit).  Continuation lines use the file's escape
character, line ending and the indentation its other continuation lines use
(four spaces when it has none).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from dockerls.analysis.model import Model
from dockerls.analysis.rules.dl3059_consecutive_runs import _STATEFUL
from dockerls.analysis.shellview import run_scripts
from dockerls.fixes import TextEdit
from dockerls.syntax.nodes import Blank, Comment, Instruction
from dockerls.syntax.parser import Parse
from dockerls.syntax.shell import parse_shell, shell_dialect

TITLE = "Combine consecutive RUN instructions"
DEFAULT_INDENT = "    "
_CHAIN = frozenset({None, "&&", "|", "|&"})
_PROBE = "dockerls_probe_"


def continuation_indent(p: Parse) -> str:
    """The most common indentation of continuation lines in the file."""
    cached = _INDENT_CACHE.get(id(p))
    if cached is not None and cached[0] is p:
        return cached[1]
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
    if len(_INDENT_CACHE) > 32:
        _INDENT_CACHE.clear()
    _INDENT_CACHE[id(p)] = (p, indent)
    return indent


_INDENT_CACHE: dict[int, tuple[Parse, str]] = {}


def newline_of(p: Parse) -> str:
    nl = p.text.find("\n")
    return "\r\n" if nl > 0 and p.text[nl - 1] == "\r" else "\n"


def shell_at(model: Model, item: int) -> tuple[str, ...]:
    """The shell a RUN at ``item`` runs with (SHELL instructions, inherited
    through ``FROM <stage>``)."""
    st = model.stage_of(item)
    limit = item
    seen = 0
    while st is not None and seen < 64:
        found = [sh for i, sh in st.shells() if i < limit]
        if found:
            return found[-1]
        if st.base_stage is None or st.base_stage >= st.index:
            break
        st = model.stages[st.base_stage]
        limit = st.end
        seen += 1
    return ("/bin/sh", "-c")


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


def _mergeable(
    inst: Instruction, shell: tuple[str, ...], first: bool, last: bool, escape: str
) -> bool:
    if (
        inst.name != "RUN"
        or inst.json
        or inst.heredocs
        or inst.args_span is None
        or not inst.args.strip()
    ):
        return False
    scripts = run_scripts(inst, shell)
    if len(scripts) != 1:
        return False
    sc = scripts[0].script
    if not sc.supported or sc.errors or not sc.commands:
        return False
    # after the first, a RUN must be one chain that stops at the first failure
    # (nested lists, e.g. inside `$(...)`, are held to it too: simpler)
    if not first and any(
        c.connector_before not in _CHAIN for c in sc.commands if c.via_shell is None
    ):
        return False
    if not last:
        if any(c.name in _STATEFUL or (not c.name and c.assignments) for c in sc.commands):
            return False
        if inst.text.rstrip().endswith(escape) or any(
            c.connector_before == "&" for c in sc.commands
        ):
            return False
        # `&&` must be able to follow: no trailing `;`/`&`/`|`, no comment
        probe = parse_shell(inst.args + " && " + _PROBE, sc.dialect)
        last_cmd = probe.commands[-1] if probe.commands else None
        if (
            probe.errors
            or last_cmd is None
            or last_cmd.name != _PROBE
            or last_cmd.connector_before != "&&"
        ):
            return False
    return True


def combine(p: Parse, model: Model, runs: Sequence[int]) -> list[TextEdit] | None:
    """Edits merging the RUNs at item indexes ``runs`` (ascending, two or
    more, consecutive), or None when that is not safe."""
    if len(runs) < 2:
        return None
    items = p.items
    insts: list[Instruction] = []
    for k, i in enumerate(runs):
        it = items[i]
        if not isinstance(it, Instruction):
            return None
        if k and any(not isinstance(items[j], (Comment, Blank)) for j in range(runs[k - 1] + 1, i)):
            return None
        insts.append(it)
    st = model.stage_of(runs[0])
    if st is None or model.stage_of(runs[-1]) is not st:
        return None
    flags = tuple(f.raw for f in insts[0].flags)
    if any(tuple(f.raw for f in x.flags) != flags for x in insts[1:]):
        return None
    shell = shell_at(model, runs[0])
    if shell_dialect(shell) not in ("posix", "bash", "sh", "dash", "ash", "zsh", "ksh"):
        return None
    # a SHELL between the RUNs would change the later ones' shell: impossible
    # here since only comments/blank lines separate them
    escape = p.escape
    last_k = len(insts) - 1
    for k, inst in enumerate(insts):
        if not _mergeable(inst, shell, k == 0, k == last_k, escape):
            return None
    nl = newline_of(p)
    indent = continuation_indent(p)
    edits: list[TextEdit] = []
    for k in range(1, len(runs)):
        ia, ib = runs[k - 1], runs[k]
        ra, rb = insts[k - 1], insts[k]
        assert rb.args_span is not None
        kept = []
        for j in range(ia + 1, ib):
            c = items[j]
            if isinstance(c, Comment):
                kept.append(c.text.rstrip("\r\n") + nl)
        a_end = p.starts[ia] + len(ra.text.rstrip("\r\n").rstrip())
        b_args = p.starts[ib] + rb.args_span.start
        edits.append(TextEdit(a_end, b_args, f" && {escape}{nl}" + "".join(kept) + indent))
    return edits


def combined_text(p: Parse, model: Model, runs: Sequence[int]) -> str | None:
    """The document text after combining (tests, previews)."""
    from dockerls.fixes import apply_edits

    edits = combine(p, model, runs)
    return None if edits is None else apply_edits(p.text, edits)
