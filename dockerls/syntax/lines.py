"""Offsets <-> (line, code-point column), using the parse's item table.

Items start at column 0, so a position is found by locating the item (binary
search on ``Parse.starts``) and counting lines inside that item only: no
document-wide line table has to be rebuilt after an edit.  Lines end at
``\\n``, ``\\r\\n`` or a lone ``\\r`` (the LSP's rule, see :mod:`.text`).
"""

from __future__ import annotations

from bisect import bisect_right

from dockerls.syntax.parser import Parse
from dockerls.syntax.text import break_count, breaks_before, line_start_of, next_break


def in_item(text: str, rel: int) -> tuple[int, int]:
    """Offset in an item's text -> (lines below the item's first line,
    code-point column)."""
    return breaks_before(text, rel), rel - line_start_of(text, rel)


def position(p: Parse, offset: int) -> tuple[int, int]:
    """Absolute code-point offset -> (0-based line, code-point column)."""
    offset = max(0, min(offset, p.length))
    if not p.items:
        return 0, offset
    i = bisect_right(p.starts, offset) - 1
    if i < 0:
        i = 0
    line, col = in_item(p.items[i].text, offset - p.starts[i])
    return p.lines[i] + line, col


def relative_position(p: Parse, item: int, rel: int) -> tuple[int, int]:
    """Item-relative offset -> (line, column).  An offset past the item (a finding
    spanning several items, such as a whole stage) is read in the file, as
    ``features.positions.item_range`` reads it."""
    text = p.items[item].text
    if rel > len(text):
        return position(p, p.starts[item] + rel)
    line, col = in_item(text, max(0, rel))
    return p.lines[item] + line, col


def line_start(p: Parse, line: int) -> int | None:
    """Offset of the first character of ``line``; None past the end."""
    if line < 0:
        return None
    if not p.items:
        return 0 if line == 0 else None
    i = bisect_right(p.lines, line) - 1
    if i < 0:
        i = 0
    text = p.items[i].text
    pos = 0
    for _ in range(line - p.lines[i]):
        _bs, be = next_break(text, pos)
        if be <= pos:
            return None
        pos = be
    if pos > len(text):
        return None
    if pos == len(text) and i == len(p.items) - 1 and line - p.lines[i] > break_count(text):
        return None
    return p.starts[i] + pos


def offset(p: Parse, line: int, column: int) -> int:
    """(line, code-point column) -> absolute offset, clamped to the text."""
    start = line_start(p, line)
    if start is None:
        return p.length
    return min(start + max(0, column), p.line_end(start))
