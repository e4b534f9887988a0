"""ShellCheck inside RUN: which scripts to check, and where its findings land.

Pure: no IO.  :func:`jobs_for` builds one :class:`ScriptJob` per shell script
a Dockerfile runs (shell-form ``RUN`` and ``ONBUILD RUN`` command lines, with
their heredocs inlined as the shell would see them, and heredoc bodies that
are themselves scripts).  Each job's text starts with a one-line prelude that
declares the ARG/ENV names in scope, so they don't count as unassigned
(SC2154).  :func:`findings_for` maps ShellCheck's script positions
(1-based lines and code-point columns, tabs counted as one column, end column
exclusive: the ``json1`` format) back to item-relative spans, as the findings
of the ShellCheck rule (``rules/sc_shellcheck.py``), which the engine then
suppresses and serialises like any other rule's.

The IO side (finding and running the binary, caching) is
:mod:`dockerls.shellcheck`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Final, NamedTuple

from dockerls.analysis.facts import ShellCheckResults
from dockerls.analysis.model import PROXY_ARGS, Model, Stage, default_shell, shell_walk
from dockerls.analysis.rules.base import Finding, Severity
from dockerls.syntax.identity_cache import IdentityCache, node_cache, per_node
from dockerls.syntax.nodes import Heredoc, Instruction, Item, SourceMap, Span, WeakReferable
from dockerls.syntax.parser import Parse

GROUP: Final = "shellcheck"
# codes hadolint never reports: sourced files it can't follow, and a check
# that misfires on Dockerfile scripts
EXCLUDED = frozenset({"SC1090", "SC1091", "SC2187"})

_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_KSH = frozenset({"ksh", "mksh", "pdksh", "ksh93", "oksh", "loksh"})
_DIRECT = frozenset({"sh", "bash", "dash", "ash", "busybox"})
_LEVELS = {
    "error": Severity.ERROR,
    "warning": Severity.WARNING,
    "info": Severity.INFO,
    "style": Severity.STYLE,
}

# line kinds of a job: prelude/terminator (no source), logical (index into the
# instruction's logical line), source (item-relative source offset)
_NONE, _LOGICAL, _SOURCE = 0, 1, 2


def shellcheck_dialect(shell: Sequence[str] | None) -> str | None:
    """The ``--shell`` value for a SHELL argv, a pragma's shell or a shebang's
    words; ``None`` for shells ShellCheck can't check (PowerShell, cmd, zsh,
    fish, interpreters such as python)."""
    if not shell:
        return "sh"
    words = list(shell)
    base = _base(words[0])
    if base == "env":
        rest = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
        if not rest:
            return "sh"
        base = _base(rest[0])
    if base in _DIRECT:
        return base
    if base in _KSH:
        return "ksh"
    if base.startswith("bash") and base[4:].replace(".", "").isdigit():
        return "bash"
    return None


def _base(word: str) -> str:
    return word.replace("\\", "/").rsplit("/", 1)[-1].lower().removesuffix(".exe")


@dataclass(frozen=True, slots=True)
class ScriptJob(WeakReferable):
    """One script to check.  ``key`` is what results are cached and returned
    by; the rest says where the script came from."""

    text: str  # the script as given to ShellCheck (prelude included)
    dialect: str  # ShellCheck's --shell value
    item: int  # index in Parse.items
    # the RUN's (``sub`` of ONBUILD) logical -> source mapping: not the node, which caches of
    # jobs must not keep alive
    source: SourceMap = field(compare=False, repr=False)
    # per script line: (kind, base, length)
    lines: tuple[tuple[int, int, int], ...] = field(compare=False, repr=False, default=())

    @property
    def key(self) -> tuple[str, str]:
        return (self.text, self.dialect)


class ScReplacement(NamedTuple):
    """One edit of a ShellCheck fix, in script coordinates (1-based)."""

    line: int
    column: int
    end_line: int
    end_column: int
    text: str


class ScFinding(NamedTuple):
    """One ShellCheck comment, in script coordinates (1-based, end exclusive)."""

    code: int
    level: str
    message: str
    line: int
    column: int
    end_line: int
    end_column: int
    fix: tuple[ScReplacement, ...] = ()

    @property
    def sc_code(self) -> str:
        return f"SC{self.code}"


# ----------------------------------------------------------------------
# building jobs


class _Builder:
    def __init__(self, inst: Instruction, item: int, dialect: str, names: Iterable[str]):
        self.inst = inst
        self.item = item
        self.dialect = dialect
        self.parts: list[str] = []
        self.lines: list[tuple[int, int, int]] = []
        self.prelude = _prelude(names)

    def add_prelude(self) -> None:
        if self.prelude:
            self._line(self.prelude, _NONE, 0)

    def _line(self, text: str, kind: int, base: int) -> None:
        self.parts.append(text)
        self.lines.append((kind, base, len(text)))

    def add_logical(self, text: str, start: int) -> None:
        pos = 0
        for ln in text.split("\n"):
            self._line(ln, _LOGICAL, start + pos)
            pos += len(ln) + 1

    def add_body(self, h: Heredoc, skip_lines: int = 0) -> None:
        """Add the body's lines (after ``skip_lines``), mapped to the source."""
        src = self.inst.text[h.body_span.start : h.body_span.end]
        src_lines = src.split("\n")
        body = h.content[:-1] if h.content.endswith("\n") else h.content
        content_lines = body.split("\n") if body else []
        pos = 0
        offs: list[tuple[int, str]] = []
        for sl in src_lines:
            offs.append((h.body_span.start + pos, sl))
            pos += len(sl) + 1
        for k, cl in enumerate(content_lines):
            if k < skip_lines:
                continue
            if k < len(offs):
                off, sl = offs[k]
                sl = sl.removesuffix("\r")
                shift = len(sl) - len(cl) if sl.endswith(cl) else 0
                self._line(cl, _SOURCE, off + max(shift, 0))
            else:
                self._line(cl, _NONE, 0)

    def add_plain(self, text: str) -> None:
        self._line(text, _NONE, 0)

    def job(self) -> ScriptJob | None:
        if not any(k != _NONE and n for k, _, n in self.lines):
            return None
        return ScriptJob(
            "\n".join(self.parts) + "\n",
            self.dialect,
            self.item,
            self.inst.source_map,
            tuple(self.lines),
        )


def _prelude(names: Iterable[str]) -> str:
    good = sorted({n for n in names if _NAME_RE.match(n)})
    if not good:
        return ""
    # `read` assigns values ShellCheck can't know, so quoting advice (SC2086)
    # still applies to them, as it should for build arguments
    return "read -r " + " ".join(good)


_SHELLS = frozenset({"sh", "bash", "dash", "ash", "ksh", "mksh", "busybox"})


def _stdin_shell(cmd: str) -> str | None:
    """The dialect when the command line only starts a shell reading its
    script from a heredoc (``bash -e <<EOF``)."""
    words = cmd.split()
    if not words:
        return None
    base = _base(words[0])
    if base not in _SHELLS:
        return None
    for w in words[1:]:
        if w.startswith("-") or w.lstrip("0123456789").startswith("<<"):
            continue
        return None
    return shellcheck_dialect([words[0]])


@per_node(16384)
def _jobs_for_run(
    inst: Instruction, item: int, shell: tuple[str, ...], names: frozenset[str]
) -> tuple[ScriptJob, ...]:
    """Cached: an instruction hashes by identity, so an edit elsewhere finds
    the jobs of every other RUN ready."""
    return tuple(_build_jobs_for_run(inst, item, shell, names))


def _build_jobs_for_run(
    inst: Instruction, item: int, shell: tuple[str, ...], names: frozenset[str]
) -> list[ScriptJob]:
    if inst.name != "RUN" or inst.json:
        return []
    dialect = shellcheck_dialect(shell)
    out: list[ScriptJob] = []
    cmd = inst.args
    heredoc_only = bool(inst.heredocs) and all(
        w.value.lstrip("0123456789").startswith("<<") for w in inst.words
    )
    # only the names the scripts mention: the prelude (and so the cache key)
    # then ignores declarations the RUN doesn't use
    mentioned = inst.text
    names = frozenset(n for n in names if n in mentioned)
    if cmd and not heredoc_only and dialect is not None:
        b = _Builder(inst, item, dialect, names)
        b.add_prelude()
        b.add_logical(cmd, inst.args_start)
        for h in inst.heredocs:
            b.add_body(h)
            b.add_plain(h.name)
        job = b.job()
        if job is not None:
            out.append(job)
    body_dialect = dialect if heredoc_only else (_stdin_shell(cmd) if dialect is not None else None)
    if heredoc_only or body_dialect is not None:
        for h in inst.heredocs:
            first = h.content.split("\n", 1)[0]
            d = body_dialect
            shebang = first.startswith("#!")
            if shebang:
                d = shellcheck_dialect(first[2:].strip().split())
            if d is None:
                continue
            b = _Builder(inst, item, d, names)
            if shebang:
                b.add_body(_first_line_only(h))
                b.add_prelude()
                b.add_body(h, skip_lines=1)
            else:
                b.add_prelude()
                b.add_body(h)
            job = b.job()
            if job is not None:
                out.append(job)
    return out


def _first_line_only(h: Heredoc) -> Heredoc:
    first = h.content.split("\n", 1)[0]
    return Heredoc(
        h.name,
        h.marker_span,
        h.name_span,
        h.body_span,
        h.terminator_span,
        first + "\n",
        h.chomp,
        h.expand,
        h.fd,
    )


def _names_before(model: Model, stage: Stage) -> set[str]:
    """ENV names inherited from the stages this one builds on."""
    names: set[str] = set()
    seen: set[int] = set()
    base = stage.base_stage
    while base is not None and base < stage.index and base not in seen:
        seen.add(base)
        st = model.stages[base]
        names |= {d.name for d in st.definitions() if d.kind == "ENV"}
        base = st.base_stage if st.base_stage is not None and st.base_stage < base else None
    return names


# per stage, keyed by its FROM node (weakly) and (the ids of its other items, the shell it
# starts with, the names it inherits) -> (those items, its first item then, its jobs, the
# shell it ends with).  The entry holds the other items, so their ids stay theirs, and goes
# with the FROM.  An edit re-walks only the stage it touched; the others' jobs are reused as
# they are, or moved when lines were added or removed above them.
_StageJobs = tuple[tuple[Item, ...], int, tuple[ScriptJob, ...], tuple[str, ...]]
_STAGE_JOBS: IdentityCache[_StageJobs] = node_cache(4096)


class _FileJobs(NamedTuple):
    """A parse's jobs, per stage and in file order, and what a later edit
    inside one stage needs to reuse them (they hold no node)."""

    firsts: tuple[int, ...]  # each stage's FROM
    offsets: tuple[int, ...]  # where each stage's jobs start in ``jobs``, then their end
    shells_out: tuple[tuple[str, ...], ...]  # the shell each stage ends with
    # the stages (their ENV names, which the stages built on them inherit, read on demand)
    stages: tuple[Stage, ...]
    links: tuple[tuple[int | None, int | None], ...]  # each stage's parent and base stage
    default: tuple[str, ...]  # the shell before any SHELL
    jobs: list[ScriptJob]
    # the jobs this parse's edit replaced and those it brought (None: not derived)
    replaced: tuple[tuple[ScriptJob, ...], tuple[ScriptJob, ...]] | None = None
    edited: int = -1  # the stage whose jobs those are


# per parse (weakly): its jobs.  A reparse's jobs are derived from its parent's
# (``Parse.parent_id``) when the edit stayed inside one stage: only that stage
# is walked again, unless its shell or ENV names, which later stages see, changed.
_FILE_JOBS: IdentityCache[_FileJobs] = node_cache(64)


def jobs_for(parse: Parse, model: Model) -> list[ScriptJob]:
    """Every script of the file to check with ShellCheck, in file order (the
    same list for the same parse: don't change it)."""
    return _file_jobs(parse, model).jobs


def job_changes(
    parse: Parse,
) -> tuple[tuple[ScriptJob, ...], tuple[ScriptJob, ...]] | None:
    """The jobs the edit that made ``parse`` took away and those it brought,
    relative to the jobs of the parse it came from, once :func:`jobs_for` has
    derived them (None: unknown, compare the whole lists)."""
    hit = _FILE_JOBS.get(parse)
    return None if hit is None else hit.replaced


def _file_jobs(parse: Parse, model: Model) -> _FileJobs:
    hit = _FILE_JOBS.get(parse)
    if hit is None:
        prev = _FILE_JOBS.get_by_id(parse.parent_id) if parse.changed is not None else None
        hit = _derived_jobs(prev, parse, model) if prev is not None else None
        hit = _FILE_JOBS.put(parse, None, hit or _all_jobs(parse, model))
    return hit


def _all_jobs(parse: Parse, model: Model) -> _FileJobs:
    items = parse.items
    default = default_shell(model)
    shells_out: list[tuple[str, ...]] = []
    offsets = [0]
    out: list[ScriptJob] = []
    for st in model.stages:
        parent = model.parent_stage(st)
        shell = default if parent is None else shells_out[parent.index]
        jobs, shell_out = _cached_stage_jobs(items, model, st, shell)
        out.extend(jobs)
        offsets.append(len(out))
        shells_out.append(shell_out)
    stages = tuple(model.stages)
    firsts = tuple(st.first for st in stages)
    return _FileJobs(firsts, tuple(offsets), tuple(shells_out), stages, _links(model), default, out)


def _links(model: Model) -> tuple[tuple[int | None, int | None], ...]:
    """Each stage's parent stage and base stage (indices)."""
    parents = [model.parent_stage(st) for st in model.stages]
    return tuple(
        (None if p is None else p.index, st.base_stage)
        for p, st in zip(parents, model.stages, strict=True)
    )


def _derived_jobs(prev: _FileJobs, parse: Parse, model: Model) -> _FileJobs | None:
    """``prev`` (the parent parse's jobs) with the edited stage's walked again,
    when the edit kept the stages where they were, which stage each builds on
    and the edited stage's shell and ENV names (what later stages see)."""
    stages = model.stages
    st = model.edited_stage(parse.changed)
    if st is None or tuple(s.first for s in stages) != prev.firsts:
        return None  # before the first FROM (the global ARGs), across stages, or moved them
    assert parse.changed is not None
    first = parse.changed[0]
    k = st.index
    default = default_shell(model)
    # a FROM edited: the default shell and which stage each builds on may change
    if first == prev.firsts[k] and (default != prev.default or _links(model) != prev.links):
        return None
    parent = model.parent_stage(st)
    shell = default if parent is None else prev.shells_out[parent.index]
    jobs, shell_out = _cached_stage_jobs(parse.items, model, st, shell)
    if shell_out != prev.shells_out[k] or _env_names(st) != _env_names(prev.stages[k]):
        return None  # the stages built on this one may see another shell or other names
    a, b = prev.offsets[k], prev.offsets[k + 1]
    old = tuple(prev.jobs[a:b])
    delta = len(jobs) - len(old)
    offsets = prev.offsets
    if delta:
        offsets = (*offsets[: k + 1], *(o + delta for o in offsets[k + 1 :]))
    out = [*prev.jobs[:a], *jobs, *prev.jobs[b:]]
    kept = (*prev.stages[:k], st, *prev.stages[k + 1 :])
    return _FileJobs(
        prev.firsts, offsets, prev.shells_out, kept, prev.links, default, out, (old, jobs), k
    )


def _env_names(st: Stage) -> frozenset[str]:
    return frozenset(d.name for d in st.definitions() if d.kind == "ENV")


def _cached_stage_jobs(
    items: tuple[Item, ...], model: Model, st: Stage, shell: tuple[str, ...]
) -> tuple[tuple[ScriptJob, ...], tuple[str, ...]]:
    """One stage's jobs and the shell it ends with, from ``_STAGE_JOBS`` while
    its items, the shell it starts with and the names it inherits hold."""
    inherited = frozenset(_names_before(model, st))
    rest = items[st.first + 1 : st.end]
    key = (tuple(map(id, rest)), shell, inherited)
    hit = _STAGE_JOBS.get(items[st.first], key)
    if hit is None:
        jobs, shell_out = _stage_jobs(items, model, st, shell, inherited)
        _STAGE_JOBS.put(items[st.first], key, (rest, st.first, jobs, shell_out))
        return jobs, shell_out
    _kept, first, jobs, shell_out = hit
    if first != st.first:
        delta = st.first - first
        jobs = tuple(replace(j, item=j.item + delta) for j in jobs)
        _STAGE_JOBS.put(items[st.first], key, (rest, st.first, jobs, shell_out))
    return jobs, shell_out


def _stage_jobs(
    items: Sequence[Item],
    model: Model,
    st: Stage,
    shell: tuple[str, ...],
    inherited: frozenset[str],
) -> tuple[tuple[ScriptJob, ...], tuple[str, ...]]:
    names = set(inherited) | PROXY_ARGS
    defs = st.definitions()
    d = 0
    out: list[ScriptJob] = []
    steps, shell_out = shell_walk(items, st.first, st.end, shell)
    for i, it, shell_now in steps:
        while d < len(defs) and defs[d].item < i:
            names.add(defs[d].name)
            d += 1
        target = it.sub if it.name == "ONBUILD" else it
        if target is not None and target.name == "RUN":
            out.extend(_jobs_for_run(target, i, shell_now, frozenset(names)))
    return tuple(out), shell_out


# ----------------------------------------------------------------------
# mapping results back


def _offset(job: ScriptJob, line: int, column: int, end: bool) -> int | None:
    """Item-relative source offset of a script position (1-based)."""
    lines = job.lines
    k = line - 1
    if k >= len(lines):
        k = len(lines) - 1
        column = lines[k][2] + 1
    if k < 0:
        return None
    kind, base, length = lines[k]
    c = min(max(column - 1, 0), length)
    if kind == _SOURCE:
        return base + c
    if kind == _LOGICAL:
        if end and c > 0:
            return job.source.offset(base + c - 1) + 1
        return job.source.offset(base + c)
    return None


_TOKEN = re.compile(r"\\.|&&|\|\||;;|<<|>>|[()|&;<>]|[^\s()|&;<>\"'`\\$]+")


def _token_length(text: str, line: int, column: int) -> int:
    """The length of the shell token at a 1-based script position: an escape
    (``\\b``), an operator, or a word (0 at a blank or past the line)."""
    lines = text.split("\n")
    if not 0 < line <= len(lines):
        return 0
    m = _TOKEN.match(lines[line - 1], max(column - 1, 0))
    return len(m.group()) if m else 0


def _span(job: ScriptJob, line: int, column: int, end_line: int, end_column: int) -> Span | None:
    # findings on a prelude or terminator line belong to nothing we can show
    start = _offset(job, line, column, False)
    if start is None:
        return None
    stop = _offset(job, end_line, end_column, True)
    if stop is None or stop < start:
        stop = start
    return Span(start, stop)


# per job: (the job, its findings) -> its findings as rule findings.  Jobs
# and ShellCheck's findings are reused objects for scripts an edit didn't
# touch, so mapping positions back is only redone for new ones.
_JOB_FINDINGS: IdentityCache[tuple[Finding, ...]] = node_cache(65536)


def _job_findings(job: ScriptJob, found: Sequence[ScFinding]) -> tuple[Finding, ...]:
    # the findings are the checker's own cached tuple: compared by identity first
    key = tuple(found)
    hit = _JOB_FINDINGS.get(job, key)
    if hit is not None:
        return hit
    out: list[Finding] = []
    for f in found:
        code = f.sc_code
        if code in EXCLUDED:
            continue
        end_line, end_column = f.end_line, f.end_column
        if (end_line, end_column) <= (f.line, f.column):
            # a finding at a point (SC1001 `\\b`, SC1036 `(`...): cover its token
            end_line, end_column = f.line, f.column + _token_length(job.text, f.line, f.column)
        span = _span(job, f.line, f.column, end_line, end_column)
        if span is None:
            continue
        level = _LEVELS.get(f.level, Severity.INFO)
        out.append(Finding(span, f.message, item=job.item, code=code, severity=level))
    return _JOB_FINDINGS.put(job, key, tuple(out))


# per parse (weakly): the results its findings were mapped from, and those findings.
# A reparse's are derived from its parent's for the same results: only the edited
# stage's jobs are mapped again.
_FILE_FINDINGS: IdentityCache[tuple[ShellCheckResults, list[Finding]]] = node_cache(64)


def file_findings(parse: Parse, model: Model, results: ShellCheckResults) -> list[Finding]:
    """:func:`findings_for` every job of the file (the same list for the same
    parse and results: don't change it)."""
    hit = _FILE_FINDINGS.get(parse)
    if hit is not None and hit[0] is results:
        return hit[1]
    fj = _file_jobs(parse, model)
    prev = _FILE_FINDINGS.get_by_id(parse.parent_id) if fj.replaced is not None else None
    if prev is not None and prev[0] is results:
        k = fj.edited
        lo = fj.firsts[k]
        hi = fj.firsts[k + 1] if k + 1 < len(fj.firsts) else len(parse.items)
        old = prev[1]
        a = bisect_left(old, lo, key=_item_of)
        b = bisect_left(old, hi, lo=a, key=_item_of)
        stage = findings_for(fj.jobs[fj.offsets[k] : fj.offsets[k + 1]], results)
        found = [*old[:a], *stage, *old[b:]]
    else:
        found = findings_for(fj.jobs, results)
    _FILE_FINDINGS.put(parse, None, (results, found))
    return found


def _item_of(f: Finding) -> int:
    return f.item


def findings_for(jobs: Sequence[ScriptJob], results: ShellCheckResults) -> list[Finding]:
    """ShellCheck's findings for ``jobs`` as rule findings (item index, span
    relative to the item, the SC code and ShellCheck's own level), in item
    order, without hadolint's excluded codes and without repeats (one item
    may have several scripts: its heredocs)."""
    per: dict[int, list[tuple[Finding, ...]]] = {}
    for job in jobs:
        found = results.get(job.key)
        if found:
            fs = _job_findings(job, found)
            if fs:
                per.setdefault(job.item, []).append(fs)
    out: list[Finding] = []
    for i in sorted(per):
        groups = per[i]
        if len(groups) == 1:
            out.extend(groups[0])
            continue
        unique: dict[tuple[str | None, int, int, str], Finding] = {}
        for fs in groups:
            for f in fs:
                unique[(f.code, f.span.start, f.span.end, f.message)] = f
        out.extend(unique.values())
    return out


__all__ = [
    "EXCLUDED",
    "GROUP",
    "ScFinding",
    "ScReplacement",
    "ScriptJob",
    "file_findings",
    "findings_for",
    "job_changes",
    "jobs_for",
    "shellcheck_dialect",
]
