"""The engine's dispatch index (``Rule.commands`` + ``command_words``) and the
rule helpers' use of it (``may_call``) only skip work: over the corpus, every
rule run on every RUN, every helper building the shell view, finds the same.
So do the other skips: stage rules' ``kinds``, instruction rules' ``needs`` (flags, an
empty continuation line, a variable reference)."""

from __future__ import annotations

from typing import Any

import pytest

from dockerls.analysis import command_index
from dockerls.analysis.command_index import command_words
from dockerls.analysis.engine import Linter
from dockerls.analysis.rules import RULES
from dockerls.analysis.rules.base import Needs
from dockerls.syntax.nodes import Instruction
from dockerls.syntax.parser import parse
from tests.support import corpus_files


def _findings(text: str) -> list[tuple[int, str, int, int, str]]:
    result = Linter().lint(parse(text))
    return [(i, v.code, v.span.start, v.span.end, v.message) for i, v in result.all()]


def _differences(a: list[list[Any]], b: list[list[Any]]) -> list[tuple[str, list[Any]]]:
    """(file number, a few findings only one side has) for each file the sides differ on."""
    return [
        (str(i), sorted(set(x) ^ set(y))[:3])
        for i, (x, y) in enumerate(zip(a, b, strict=True))
        if x != y
    ]


def test_index_finds_what_running_every_rule_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in corpus_files()[::2]]
    indexed = [_findings(t) for t in texts]
    # no index: every rule runs, every helper builds the shell view
    monkeypatch.setattr(command_index, "command_words", lambda inst: None)
    everything = [_findings(t) for t in texts]
    differ = _differences(indexed, everything)
    assert not differ, differ
    # the index did skip rules on this sample (else the comparison shows nothing)
    assert any(r.commands for r in RULES)


def test_forgotten_command_changes_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison can fail: DL3008 declaring only `apt` loses its finding."""
    text = "FROM debian:12\nRUN apt-get install -y curl\n"
    assert any(code == "DL3008" for _i, code, *_ in _findings(text))
    dl3008 = next(r for r in RULES if r.code == "DL3008")
    monkeypatch.setattr(type(dl3008), "commands", frozenset({"apt"}))
    assert not any(code == "DL3008" for _i, code, *_ in _findings(text))


def test_kinds_and_needs_skips_find_what_running_every_rule_finds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in corpus_files()[1::2]]
    skipping = [_findings(t) for t in texts]
    stage_rules = [r for r in RULES if r.scope == "stage" and r.kinds is not None]
    needing = [r for r in RULES if r.needs]
    # else the comparison shows nothing
    assert stage_rules and {n for r in needing for n in Needs if n & r.needs} == set(Needs) - {
        Needs.NOTHING
    }
    for r in stage_rules:
        monkeypatch.setattr(type(r), "kinds", None)
    for r in needing:
        monkeypatch.setattr(type(r), "needs", Needs.NOTHING)
    everything = [_findings(t) for t in texts]
    differ = _differences(skipping, everything)
    assert not differ, differ


@pytest.mark.parametrize(
    ("code", "attr", "value", "text", "kept"),
    [
        ("DL3000", "kinds", frozenset({"COPY"}), "FROM a\nWORKDIR app\n", False),
        ("DL3000", "kinds", frozenset({"WORKDIR"}), "FROM a\nONBUILD WORKDIR app\n", True),
        ("DL3029", "needs", Needs.FLAGS, "FROM --platform=linux/arm64 a\n", True),
        ("UnknownInstruction", "needs", Needs.FLAGS, "FROM a\nFOO x\n", False),
        ("NoEmptyContinuation", "needs", Needs.EMPTY_LINES, "FROM a\nRUN a \\\n\n  b\n", True),
        ("NoEmptyContinuation", "needs", Needs.REFERENCES, "FROM a\nRUN a \\\n\n  b\n", False),
        ("UnsupportedModifier", "needs", Needs.REFERENCES, "FROM a\nENV A=${B:0:1}\n", True),
        ("UnsupportedModifier", "needs", Needs.FLAGS, "FROM a\nENV A=${B:0:1}\n", False),
    ],
)
def test_skips_follow_the_declarations(
    monkeypatch: pytest.MonkeyPatch, code: str, attr: str, value: object, text: str, kept: bool
) -> None:
    """The comparison can fail: a stage rule naming kinds its stage lacks is skipped (an
    ONBUILD trigger counts as its instruction), and so is a rule needing flags, an empty
    continuation line or a reference on an instruction without one."""
    rule = next(r for r in RULES if r.code == code)
    assert any(c == code for _i, c, *_ in _findings(text))
    monkeypatch.setattr(type(rule), attr, value)
    assert any(c == code for _i, c, *_ in _findings(text)) == kept


def _run(text: str) -> Instruction:
    it = parse(text).items[-1]
    assert isinstance(it, Instruction)
    return it


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("RUN /usr/bin/apt-get install x", "apt-get"),
        ('RUN "apt"-get install x', "apt-get"),
        ("RUN a'p't-get install x", "apt-get"),
        ("RUN ap\\t-get install x", "apt-get"),
        ("RUN 'C:\\tools\\apt-get' install x", "apt-get"),
        ("RUN APT-GET install x", "apt-get"),
        ("RUN pip3.12 install x", "pip"),
        ("RUN python3 -m pip install x", "pip"),
        ("RUN apt-get.exe install x", "apt-get"),
        ('RUN ["apt-get", "install", "x"]', "apt-get"),
        ("RUN <<EOF\nset -e\nyum install x\nEOF\n", "yum"),
        ("RUN <<EOF\napt-\\\nget install x\nEOF\n", "apt-get"),
        ("RUN sudo -u me sh -c 'apk add x'", "apk"),
    ],
)
def test_command_words_read_spellings_of_a_name(text: str, word: str) -> None:
    words = command_words(_run(text))
    assert words is not None and word in words


@pytest.mark.parametrize("text", ['RUN ["\\u0061pt-get", "install"]', "RUN $'apt-get' install"])
def test_command_words_give_up_where_lexing_could_miss(text: str) -> None:
    assert command_words(_run(text)) is None
