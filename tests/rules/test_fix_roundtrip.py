"""Every rule fix, applied alone on every corpus file where it is offered:

* our parser finds no syntax issue the original did not have;
* BuildKit's parser (PyPI ``dockerfile``) still accepts the file if it
  accepted the original;
* the finding the fix addressed is gone from the item now at that place
  (the same code elsewhere is fine);
* fixing the whole file (``fix_text``, safe and unsafe) reaches a fixed point.

The corpus pass lints with the fixable rules only, and re-lints a fixed file
with the one rule whose fix was applied (its speed is bench/'s business).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import dockerfile
import pytest

from dockerls.analysis.engine import Linter
from dockerls.analysis.rules import RULES
from dockerls.analysis.rules.base import (
    Edit,
    Finding,
    Fix,
    FixAvailability,
    InstructionContext,
    Rule,
    Severity,
    Violation,
)
from dockerls.fixes import TextEdit, apply_edits, fix_edits, fix_text
from dockerls.syntax.nodes import Instruction, Span
from dockerls.syntax.parser import Parse, parse
from dockerls.syntax.reparse import reparse
from tests.support import CORPUS_FILES, corpus_files

FIXABLE: list[Rule] = [r for r in RULES if r.fix is not FixAvailability.NONE]


def buildkit_ok(text: str) -> bool:
    try:
        dockerfile.parse_string(text)
    except dockerfile.GoParseError:
        return False
    return True


def issue_counts(p: Parse) -> Counter[str]:
    return Counter(i.code for _, i in p.issues() if i.severity == "error")


def map_offset(x: int, edits: tuple[TextEdit, ...]) -> int:
    """Where offset ``x`` of the old text lands in the new text."""
    delta = 0
    for e in edits:
        if e.end <= x and not (e.start == e.end == x):
            delta += len(e.new) - (e.end - e.start)
        elif e.start <= x < e.end:
            return e.start + delta
    return x + delta


def _overlap(base: int, w: Violation, ms: int, me: int) -> bool:
    ws, we = base + w.span.start, base + w.span.end
    return ws == ms or (ws < me and ms < we)


def roundtrip(text: str, linter: Linter) -> Iterator[tuple[str, str | None]]:
    """(code, problem or None) for every fix offered in ``text``."""
    p = parse(text)
    base_issues = issue_counts(p)
    bk = buildkit_ok(text)
    for item, v in linter.lint(p).all():
        if v.fix is None or not v.fix.edits:
            continue
        edits = fix_edits(p, item, v.fix)
        try:
            new = apply_edits(text, edits)
        except ValueError as exc:
            yield v.code, f"edits overlap: {exc}"
            continue
        if new == text:
            yield v.code, "the fix changes nothing"
            continue
        # splice the edits in (reverse order keeps offsets valid): unchanged
        # items keep their nodes, so the re-lint hits the shell-view cache
        q = p
        for e in reversed(edits):
            q = reparse(q, e.start, e.end, e.new)
        assert q.text == new
        added = issue_counts(q) - base_issues
        if added:
            yield v.code, f"new syntax issues {dict(added)}"
            continue
        if bk and not buildkit_ok(new):
            yield v.code, "BuildKit rejects the fixed file"
            continue
        base = p.starts[item]
        ms = map_offset(base + v.span.start, edits)
        me = max(ms, map_offset(base + v.span.end, edits))
        at = q.item_at(ms)
        rule = linter.rule(v.code)
        assert rule is not None
        again = Linter(rules=[rule], config=linter.config).lint(q)
        if any(
            w.code == v.code and _overlap(q.starts[at], w, ms, me)
            for w in again.per_item.get(at, ())
        ):
            yield v.code, "still reported at the same place"
            continue
        yield v.code, None


def test_roundtrip_on_examples() -> None:
    """The checks themselves catch a broken fix."""
    lt = Linter(rules=FIXABLE)
    results = list(roundtrip("FROM debian\nRUN apt-get update\nRUN apt-get install -y x=1\n", lt))
    assert ("DL3059", None) in results
    assert all(problem is None for _, problem in results)
    assert map_offset(10, (TextEdit(2, 4, "abcd"),)) == 12
    assert map_offset(3, (TextEdit(2, 4, ""),)) == 2


def _check_file(path: Path) -> list[tuple[str, str | None]]:
    logging.disable(logging.CRITICAL)
    text = path.read_bytes().decode("utf-8", errors="surrogateescape")
    return list(roundtrip(text, Linter(rules=FIXABLE)))


class _BrokenFix(Rule):
    """Test double: a FROM rule whose fixes don't fix anything."""

    code = "XX0001"
    name = "broken-fix"
    severity = Severity.INFO
    group = "best-practice"
    fix = FixAvailability.ALWAYS
    kinds = frozenset({"FROM"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        end = len(inst.text.rstrip("\n"))
        yield Finding(
            inst.keyword_span,
            "keeps reporting",
            Fix("Append a comment", (Edit(Span(end, end), " x"),)),
        )
        yield Finding(
            inst.keyword_span,
            "breaks the file",
            Fix("Open a heredoc", (Edit(Span(0, 0), "RUN <<EOF\n"),)),
        )


def test_roundtrip_catches_broken_fixes() -> None:
    results = list(roundtrip("FROM debian:12\nRUN true\n", Linter(rules=[_BrokenFix()])))
    assert results == [
        ("XX0001", "still reported at the same place"),
        ("XX0001", "new syntax issues {'UnterminatedHeredoc': 1}"),
    ]


@pytest.mark.corpus
def test_every_fix_roundtrips_on_the_corpus() -> None:
    logging.disable(logging.CRITICAL)
    try:
        offered: Counter[str] = Counter()
        failures: dict[str, list[str]] = {}
        workers = max(1, min(4, os.cpu_count() or 1))
        # spawn, not fork: the Go runtime behind `dockerfile` hangs in a forked child
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            files = corpus_files()
            results_per_file = pool.map(_check_file, files, chunksize=8)
            for path, results in zip(files, results_per_file, strict=True):
                for code, problem in results:
                    offered[code] += 1
                    if problem is not None:
                        failures.setdefault(code, []).append(
                            f"{path.relative_to(CORPUS_FILES)}: {problem}"
                        )
    finally:
        logging.disable(logging.NOTSET)
    print(f"fix round-trip: {sum(offered.values())} fixes, {len(offered)} codes")
    print(dict(sorted(offered.items())))
    assert sum(offered.values()) > 1000
    report = "\n".join(
        f"{c}: {len(fs)} failures, e.g. {fs[0]}" for c, fs in sorted(failures.items())
    )
    assert not failures, report


def test_fix_all_reaches_a_fixed_point_on_a_corpus_sample() -> None:
    logging.disable(logging.CRITICAL)
    try:
        files = corpus_files()[::40]
        for path in files:
            text = path.read_bytes().decode("utf-8", errors="surrogateescape")
            for unsafe in (False, True):
                lt = Linter(rules=FIXABLE)
                once = fix_text(text, unsafe=unsafe, linter=lt)
                twice = fix_text(once.text, unsafe=unsafe, linter=lt)
                assert twice.text == once.text, f"{path}: fix-all is not idempotent"
                if buildkit_ok(text):
                    assert buildkit_ok(once.text), f"{path}: BuildKit rejects the fixed file"
    finally:
        logging.disable(logging.NOTSET)
