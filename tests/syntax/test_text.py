"""Line breaks and the byte order mark (syntax/text.py) against an independent
reading of the LSP's rule: ``\\n``, ``\\r\\n`` and a lone ``\\r`` end a line."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from dockerls.syntax.lines import line_start, offset, position
from dockerls.syntax.parser import parse
from dockerls.syntax.reparse import reparse
from dockerls.syntax.text import break_count, breaks_before, line_start_of, next_break

BREAK = re.compile(r"\r\n|\r|\n")


def lsp_lines(text: str) -> list[tuple[int, int]]:
    """(start, end-before-break) of every LSP line."""
    out = []
    pos = 0
    for m in BREAK.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return out


def expected_position(text: str, off: int) -> tuple[int, int]:
    for n, (s, e) in enumerate(lsp_lines(text)):
        if s <= off <= e or (off > e and n == len(lsp_lines(text)) - 1):
            return n, off - s
        if off == e + 1 and text[e : e + 2] == "\r\n":
            return n, off - s  # between the \r and the \n of a \r\n
    raise AssertionError(off)


TEXTS = st.lists(
    st.sampled_from(["a", "RUN x", "\n", "\r", "\r\n", " ", "\\", "\ufeff", "😀", "<<E", "E"]),
    max_size=14,
).map("".join)


@settings(deadline=None)
@given(TEXTS)
def test_helpers_follow_the_lsp_line_rule(text: str) -> None:
    lines = lsp_lines(text)
    assert break_count(text) == len(lines) - 1
    for off in range(len(text) + 1):
        line, col = expected_position(text, off)
        assert breaks_before(text, off) == line
        assert line_start_of(text, off) == off - col
    for s, e in lines:
        assert next_break(text, s)[0] == e


@settings(deadline=None)
@given(TEXTS)
def test_parse_positions_follow_the_lsp_line_rule(text: str) -> None:
    p = parse(text)
    lines = lsp_lines(text)
    assert p.line_count == len(lines)
    for off in range(len(text) + 1):
        assert position(p, off) == expected_position(text, off)
    for n, (s, e) in enumerate(lines):
        assert line_start(p, n) == s
        assert p.line_end(s) == e
        assert offset(p, n, 10**6) == e
    assert line_start(p, len(lines)) is None


def test_lone_cr_is_a_line_for_positions_but_not_for_buildkit() -> None:
    # BuildKit splits at \n only: the \r is a blank inside the RUN's line
    text = "FROM a\nRUN echo x\r  && cd /y\nRUN z\n"
    p = parse(text)
    assert [type(it).__name__ for it in p.items] == ["Instruction"] * 3
    assert p.lines == (0, 1, 3)
    assert position(p, text.index("cd")) == (2, 5)
    # an edit after the \r lands where the client means it
    q = reparse(p, offset(p, 2, 5), offset(p, 2, 7), "ls")
    assert q.text == text.replace("cd", "ls")
    assert q.equivalent(parse(q.text))


def test_bom_is_read_past_and_kept() -> None:
    for text in ("\ufeffFROM a\nRUN b\n", "\ufeff  # c\nFROM a\n", "\ufeff\nFROM a\n"):
        p = parse(text)
        assert "".join(it.text for it in p.items) == text
        assert [it.name for _i, it in p.instructions()][:1] == ["FROM"]
        assert not [i.code for _s, i in p.issues()]
    p = parse("\ufeffFROM a\n")
    inst = p.items[0]
    assert inst.keyword_span.start == 1 and inst.values == ("a",)  # type: ignore[union-attr]
    # only at the start of the document: elsewhere it is an ordinary character
    p = parse("FROM a\n\ufeffRUN b\n")
    assert p.items[1].name == "\ufeffRUN"  # type: ignore[union-attr]
