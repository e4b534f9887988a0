"""A full lint on two CPUs (``Linter.split_at``): a forked child lints the later
stages while the process lints the earlier ones.  The findings, the rule errors
and what a keystroke derives from them are those of one process; a child that
fails or hangs costs time, never a finding."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from typing import Any

import pytest

from dockerls.analysis import forked
from dockerls.analysis.engine import Linter
from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules import RULES
from dockerls.analysis.rules.base import Finding, Rule, Severity
from dockerls.features.diagnostics import DiagnosticCache, diagnostics_json, renderer
from dockerls.features.positions import UTF16
from dockerls.syntax.parser import Parse, parse
from dockerls.syntax.reparse import reparse
from tests.analysis.conftest import Children
from tests.support import corpus_files, wait_for


def _corpus_text(files: int = 120) -> str:
    """Real Dockerfiles one after the other: one file of many stages (~2,000 items),
    with the corpus's pragmas, SHELL instructions, heredocs and stage references."""
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in corpus_files()[:files]]
    return "\n".join(texts)


@pytest.fixture(scope="module")
def text() -> str:
    return _corpus_text()


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """What each forked child sent back (None: nothing usable)."""
    got: list[Any] = []
    both = forked.both

    def recording(child: Any, here: Any) -> Any:
        mine, theirs = both(child, here)
        got.append(theirs)
        return mine, theirs

    monkeypatch.setattr(forked, "both", recording)
    return got


@pytest.fixture
def bounded() -> Iterator[None]:
    """Fail (not hang) when a lint waits on its child for more than 60 s."""

    def expired(signum: int, frame: Any) -> None:
        raise TimeoutError("the lint waited on its child for 60 s")

    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(60)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _findings(linter: Linter, p: Parse) -> list[tuple[int, Any]]:
    return linter.lint(p).all()


def _sent_segments(pieces: list[Any]) -> list[int]:
    """The segments (plan indexes) whose results a child sent, in its order."""
    return [linted.plan for piece in pieces if isinstance(piece, list) for linted in piece]


def _sent_errors(pieces: list[Any]) -> list[tuple[str, str]]:
    return [e for piece in pieces if not isinstance(piece, list) for e in piece.errors]


def test_a_split_lint_finds_what_one_process_finds(
    text: str, sent: list[Any], bounded: None
) -> None:
    p = parse(text)
    alone = _findings(Linter(), p)
    assert len(alone) > 500
    split = Linter(split_at=1)
    assert _findings(split, parse(text)) == alone
    assert len(sent) == 1 and sent[0] is not None  # the child's half was used
    results = _sent_segments(sent[0])
    assert results and _sent_errors(sent[0]) == []
    # the child linted the later segments (by plan index: one plan per segment with
    # items) from the last one back, and this process the others
    assert split._last is not None
    segments = len(split._last.segments)
    assert results == list(range(segments - 1, segments - 1 - len(results), -1))
    assert 0 < len(results) < segments


def test_the_split_is_only_for_big_lints(text: str, sent: list[Any]) -> None:
    Linter(split_at=10**6).lint(parse(text))
    Linter(split_at=1).lint(parse("FROM alpine\nRUN echo hi\n"))  # one segment to lint
    assert sent == []


def test_keystrokes_after_a_split_lint(text: str, sent: list[Any], bounded: None) -> None:
    """The stage results the child made serve the keystroke path, as one process's would."""
    split = Linter(split_at=1)
    p = parse(text)
    split.lint(p)
    assert sent and sent[0] is not None
    # an edit in the last RUN (a stage the child linted), then one in the first RUN
    for last in (True, False):
        at = (text.rindex if last else text.index)("RUN ") + len("RUN ")
        p = reparse(p, at, at, "true && ")
        text = p.text
        assert p.parent_id is not None
        assert _findings(split, p) == _findings(Linter(), parse(text))
    assert len(sent) == 1  # the keystrokes re-linted their stage here, with no child


def test_a_failing_child_costs_time_not_findings(
    text: str, sent: list[Any], monkeypatch: pytest.MonkeyPatch, bounded: None
) -> None:
    def broken(*args: Any) -> Any:
        raise RuntimeError("the child breaks")

    monkeypatch.setattr(Linter, "_lint_to_send", broken)
    assert _findings(Linter(split_at=1), parse(text)) == _findings(Linter(), parse(text))
    assert sent == [None]


def test_a_hung_child_is_killed_and_its_part_linted_here(
    text: str, sent: list[Any], monkeypatch: pytest.MonkeyPatch, bounded: None, children: Children
) -> None:
    def hangs(*args: Any) -> Any:
        time.sleep(3600)

    monkeypatch.setattr(Linter, "_lint_to_send", hangs)
    monkeypatch.setattr(forked, "GRACE", 0.5)
    monkeypatch.setattr(forked, "SLOWER", 0.0)
    assert _findings(Linter(split_at=1), parse(text)) == _findings(Linter(), parse(text))
    assert sent == [None]
    wait_for(children.all_reaped, what="the killed child reaped")


def test_every_child_is_reaped(
    text: str, sent: list[Any], bounded: None, children: Children
) -> None:
    for _ in range(3):
        Linter(split_at=1).lint(parse(text))
    assert len(sent) == 3 and None not in sent
    wait_for(children.all_reaped, what="the children reaped")


class _FailsLate(Rule):
    """Raises on the last stage only: in a split lint, in the child."""

    code = "DLS999"
    name = "fails-late"
    severity = Severity.WARNING
    group = "best-practice"

    def check_stage(self, stage: Stage, model: Model) -> Iterator[Finding]:
        if stage.index == len(model.stages) - 1:
            raise ValueError("the last stage")
        return iter(())


def test_a_rule_failing_in_the_child_is_reported(text: str, sent: list[Any], bounded: None) -> None:
    rules = [*RULES, _FailsLate()]
    split = Linter(rules, split_at=1)
    assert _findings(split, parse(text)) == _findings(Linter(rules), parse(text))
    assert sent and sent[0] is not None
    assert _sent_errors(sent[0]) == [("DLS999", "ValueError: the last stage")]
    assert split.rule_errors == [("DLS999", "ValueError: the last stage")]


def test_no_child_to_fork_lints_all_here(
    text: str, sent: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refused)
    assert _findings(Linter(split_at=1), parse(text)) == _findings(Linter(), parse(text))
    assert sent == [None]


def test_both_sides_render_the_diagnostics_of_their_items(text: str, sent: list[Any]) -> None:
    """With ``render``, the child sends its items' diagnostics as JSON too, and this
    process renders its own part's: the server's publish takes them as they are, and
    it is the publish one process makes."""
    p = parse(text)
    alone = Linter().lint(p)
    expected = diagnostics_json(p, alone.per_item, DiagnosticCache())
    q = parse(text)
    split = Linter(split_at=1, render=renderer(UTF16)).lint(q)
    assert sent and sent[0] is not None
    from_child = sum(
        len(piece.result.per_item)
        for batch in sent[0]
        if isinstance(batch, list)
        for piece in batch
    )
    assert 0 < from_child < len(split.rendered)  # this process rendered its part too
    # and each is of the very violations of the result
    assert all(split.per_item[i] is vs for i, (vs, _out) in split.rendered.items())
    assert diagnostics_json(q, split.per_item, DiagnosticCache(), split.rendered) == expected
