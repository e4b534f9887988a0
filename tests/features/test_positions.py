"""Columns are code points inside; UTF-16, UTF-8 and UTF-32 at the edge."""

from __future__ import annotations

import pytest
from lsprotocol import types as lsp

from dockerls.features.positions import UTF8, UTF16, UTF32, item_range_units, offset_of, position_of
from dockerls.syntax.parser import parse

# "😀" is 1 code point, 2 UTF-16 units, 4 UTF-8 bytes; "中" is 1, 1, 3
TEXT = "FROM alpine\nRUN echo 😀中 && echo x\n"
X = TEXT.index("x\n")  # the final x, after the emoji and the CJK character


@pytest.mark.parametrize(
    ("encoding", "column"),
    [(UTF32, 20), (UTF16, 21), (UTF8, 25)],
)
def test_position_after_emoji_and_cjk(encoding: str, column: int) -> None:
    p = parse(TEXT)
    pos = position_of(p, X, encoding)
    assert pos == lsp.Position(1, column)
    assert offset_of(p, pos, encoding) == X


@pytest.mark.parametrize("encoding", [UTF8, UTF16, UTF32])
def test_round_trip_every_offset(encoding: str) -> None:
    p = parse(TEXT)
    for off in range(len(TEXT)):
        if TEXT[off] == "\n":
            continue
        assert offset_of(p, position_of(p, off, encoding), encoding) == off


def test_inside_a_surrogate_pair_snaps_to_the_character_start() -> None:
    p = parse(TEXT)
    emoji = TEXT.index("😀")
    # UTF-16 column 10 is the second half of the emoji
    assert offset_of(p, lsp.Position(1, 10), UTF16) == emoji


def test_out_of_range_positions_are_clamped() -> None:
    p = parse(TEXT)
    assert offset_of(p, lsp.Position(99, 0), UTF16) == len(TEXT)
    assert offset_of(p, lsp.Position(0, 999), UTF16) == TEXT.index("\n")


def test_item_range_units_matches_position_of() -> None:
    p = parse(TEXT)
    i = p.item_at(X)
    rel = X - p.starts[i]
    for enc in (UTF8, UTF16, UTF32):
        line, character, _end_line, _end_character = item_range_units(p, i, rel, rel + 1, enc)
        pos = position_of(p, X, enc)
        assert (line, character) == (pos.line, pos.character)


def _lines_walked(text: str, at: int) -> tuple[int, str]:
    """(breaks before ``at``, the text from the last one to ``at``), one character at a
    time: ``\n``, ``\r\n`` and a lone ``\r`` each end a line; an offset between the
    ``\r`` and the ``\n`` of a ``\r\n`` is still on the line that break ends."""
    line = start = i = 0
    while i < at:
        c = text[i]
        if c == "\r" and text[i + 1 : i + 2] == "\n":
            if i + 1 == at:
                break  # inside the \r\n
            line, start, i = line + 1, i + 2, i + 2
            continue
        if c in "\r\n":
            line, start = line + 1, i + 1
        i += 1
    return line, text[start:at]


def test_offset_in_lines_on_every_offset_of_mixed_breaks() -> None:
    """(line, column) of each offset, the first line's short cut and ``in_lines``'s
    character counting included, against the lines walked one character at a time."""
    import random

    from dockerls.features.positions import in_lines, offset_in_lines, units

    rng = random.Random(7)
    pieces = ["a", "é", "😀", " ", "\n", "\r\n", "\r", "\\"]
    for n in range(600):
        some = pieces if n % 2 else ["a", " ", "\n", "\\"]  # half ASCII, \n only
        text = "".join(rng.choice(some) for _ in range(rng.randrange(0, 12)))
        finders = {enc: in_lines(text, enc) for enc in (UTF16, UTF8, UTF32)}
        for rel in range(-1, len(text) + 2):
            line, seg = _lines_walked(text, max(0, min(rel, len(text))))
            for enc, find in finders.items():
                want = (line, len(seg) if enc == UTF32 else units(seg, enc))
                assert offset_in_lines(text, rel, enc) == want, (text, rel, enc)
                assert find(rel) == want, (text, rel, enc)  # in_lines: the same, offset by offset
