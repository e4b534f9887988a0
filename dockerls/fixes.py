"""Applying rule fixes to text: shared by ``dockerls fix`` and ``source.fixAll``.

Pure (no IO, no LSP).  A round lints the text, collects the fixes allowed by
the applicability threshold, keeps a set whose edits do not overlap (in
document order, first come first served), and applies them at once.  Rounds
repeat until no applicable fix is left, the text stops changing, or
``max_rounds`` is reached, so fixes that touched the same place get their
turn in a later round.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from dockerls.analysis.engine import LintConfig, Linter
from dockerls.analysis.rules.base import Applicability, Fix, Violation
from dockerls.syntax.parser import Parse, parse

MAX_ROUNDS = 10


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace ``text[start:end]`` (absolute code-point offsets) by ``new``."""

    start: int
    end: int
    new: str


def fix_edits(p: Parse, item: int, fix: Fix) -> tuple[TextEdit, ...]:
    """The fix's item-relative edits as absolute edits, sorted."""
    base = p.starts[item]
    n = p.length
    out = []
    for e in fix.edits:
        s = max(0, min(n, base + e.span.start))
        t = max(s, min(n, base + e.span.end))
        out.append(TextEdit(s, t, e.text))
    return tuple(sorted(out, key=lambda e: (e.start, e.end)))


def overlaps(a: TextEdit, b: TextEdit) -> bool:
    """Edits that touch count as overlapping: the order of two insertions at
    one offset, or of an insertion at the edge of a replacement, is
    ambiguous."""
    return a.start <= b.end and b.start <= a.end


def apply_edits(text: str, edits: Iterable[TextEdit]) -> str:
    """Apply non-overlapping edits (any order).  Raises ``ValueError`` when
    two edits overlap (touching insertions at distinct offsets are fine)."""
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    for a, b in pairwise(ordered):
        if b.start < a.end or (a.start == b.start and a.end == b.end == a.start):
            raise ValueError(f"overlapping edits at {a.start}-{a.end} and {b.start}-{b.end}")
    parts: list[str] = []
    pos = 0
    for e in ordered:
        parts.append(text[pos : e.start])
        parts.append(e.new)
        pos = e.end
    parts.append(text[pos:])
    return "".join(parts)


def allowed(fix: Fix, unsafe: bool) -> bool:
    if fix.applicability is Applicability.SAFE:
        return True
    return unsafe and fix.applicability is Applicability.UNSAFE


@dataclass(frozen=True, slots=True)
class Candidate:
    item: int
    code: str
    fix: Fix
    edits: tuple[TextEdit, ...]


def candidates(
    p: Parse,
    violations: Iterable[tuple[int, Violation]],
    unsafe: bool = False,
    codes: frozenset[str] | None = None,
) -> list[Candidate]:
    out = []
    for item, v in violations:
        if v.fix is None or not v.fix.edits or not allowed(v.fix, unsafe):
            continue
        if codes is not None and v.code not in codes:
            continue
        out.append(Candidate(item, v.code, v.fix, fix_edits(p, item, v.fix)))
    return out


# fixes that merge instructions go first: the fixes of the merged instruction
# (e.g. DL3009's clean-up at the end of a RUN) then apply to the whole of it
FIRST = ("DL3059",)


def pick(cands: Sequence[Candidate]) -> list[Candidate]:
    """Greedy: keep each candidate whose edits overlap none kept so far
    (merging fixes first, then document order)."""
    kept: list[Candidate] = []
    taken: list[TextEdit] = []
    for c in sorted(cands, key=lambda c: c.code not in FIRST):
        if any(overlaps(a, b) for a in c.edits for b in taken):
            continue
        # a fix whose own edits overlap each other is broken: skip it
        es = c.edits
        if any(b.start < a.end for a, b in pairwise(es)):
            continue
        kept.append(c)
        taken.extend(c.edits)
    return kept


@dataclass
class FixReport:
    original: str
    text: str
    applied: list[tuple[str, str]] = field(default_factory=list)  # (code, title)
    rounds: int = 0

    @property
    def changed(self) -> bool:
        return self.text != self.original


def fix_text(
    text: str,
    config: LintConfig | None = None,
    *,
    unsafe: bool = False,
    codes: frozenset[str] | None = None,
    max_rounds: int = MAX_ROUNDS,
    linter: Linter | None = None,
) -> FixReport:
    """Apply fixes until none is left (or ``max_rounds``)."""
    lt = linter or Linter(config=config)
    report = FixReport(text, text)
    seen = {text}
    cur = text
    for _ in range(max_rounds):
        p = parse(cur)
        result = lt.lint(p)
        chosen = pick(candidates(p, result.all(), unsafe, codes))
        if not chosen:
            break
        new = apply_edits(cur, [e for c in chosen for e in c.edits])
        report.rounds += 1
        if new == cur or new in seen:
            # a fix that changes nothing, or fixes that undo each other
            break
        report.applied.extend((c.code, c.fix.title) for c in chosen)
        seen.add(new)
        cur = new
    report.text = cur
    return report


def minimal_edit(old: str, new: str) -> TextEdit | None:
    """One edit turning ``old`` into ``new`` (common prefix/suffix kept)."""
    if old == new:
        return None
    n = min(len(old), len(new))
    a = 0
    while a < n and old[a] == new[a]:
        a += 1
    b = 0
    while b < n - a and old[len(old) - 1 - b] == new[len(new) - 1 - b]:
        b += 1
    # never split a CRLF pair (an LSP position between them is not a column)
    while a > 0 and old[a - 1] == "\r":
        a -= 1
    while (
        b > 0 and old[len(old) - b] == "\n" and len(old) - b > a and old[len(old) - b - 1] == "\r"
    ):
        b -= 1
    return TextEdit(a, len(old) - b, new[a : len(new) - b])
