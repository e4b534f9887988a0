"""Offsets <-> (line, code-point column), using the parse's item table.

Items start at column 0, so a position is found by locating the item (binary
search on ``Parse.starts``) and counting lines inside that item only: no
document-wide line table has to be rebuilt after an edit.
"""

from __future__ import annotations

from bisect import bisect_right

from dockerls.syntax.parser import Parse


def position(p: Parse, offset: int) -> tuple[int, int]:
    """Absolute code-point offset -> (0-based line, code-point column)."""
    offset = max(0, min(offset, p.length))
    if not p.items:
        return 0, offset
    i = bisect_right(p.starts, offset) - 1
    if i < 0:
        i = 0
    base = p.starts[i]
    text = p.items[i].text
    rel = offset - base
    nl_count = text.count("\n", 0, rel)
    if nl_count == 0:
        return p.lines[i], rel
    last_nl = text.rfind("\n", 0, rel)
    return p.lines[i] + nl_count, rel - last_nl - 1


def relative_position(p: Parse, item: int, rel: int) -> tuple[int, int]:
    """Item-relative offset -> (line, column)."""
    text = p.items[item].text
    rel = max(0, min(rel, len(text)))
    nl_count = text.count("\n", 0, rel)
    if nl_count == 0:
        return p.lines[item], rel
    return p.lines[item] + nl_count, rel - text.rfind("\n", 0, rel) - 1


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
        nl = text.find("\n", pos)
        if nl < 0:
            return None
        pos = nl + 1
    if pos > len(text):
        return None
    if pos == len(text) and i == len(p.items) - 1 and line - p.lines[i] > text.count("\n"):
        return None
    return p.starts[i] + pos


def offset(p: Parse, line: int, column: int) -> int:
    """(line, code-point column) -> absolute offset, clamped to the text."""
    start = line_start(p, line)
    if start is None:
        return p.length
    return min(start + max(0, column), p.line_end(start))
