"""The ONLY place where code-point positions meet LSP positions.

Internally every column counts code points.  The client negotiates UTF-16
(the default), UTF-8 or UTF-32 at initialize; these helpers convert at the
edge, and clamp out-of-range positions instead of failing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from lsprotocol import types as lsp

from dockerls.syntax.lines import line_start
from dockerls.syntax.parser import Parse
from dockerls.syntax.text import breaks_before, line_start_of

UTF16 = "utf-16"
UTF8 = "utf-8"
UTF32 = "utf-32"


def units(s: str, encoding: str) -> int:
    """Length of ``s`` in the encoding's code units."""
    if encoding == UTF32 or s.isascii():
        return len(s)
    if encoding == UTF16:
        return len(s) + sum(1 for ch in s if ord(ch) > 0xFFFF)
    return len(s.encode("utf-8", "surrogatepass"))


def column_to_units(line: str, col: int, encoding: str) -> int:
    return units(line[:col], encoding)


def units_to_column(line: str, u: int, encoding: str) -> int:
    """Client units -> code points, clamped to the line."""
    if u <= 0:
        return 0
    if encoding == UTF32 or line.isascii():
        return min(u, len(line))
    acc = 0
    for i, ch in enumerate(line):
        if encoding == UTF16:
            w = 2 if ord(ch) > 0xFFFF else 1
        else:
            w = len(ch.encode("utf-8", "surrogatepass"))
        if acc + w > u:
            return i
        acc += w
        if acc == u:
            return i + 1
    return len(line)


def _line_at(p: Parse, start: int) -> str:
    """The line starting at ``start`` without its line break (a line always
    lies inside one item, so no document-wide text is needed)."""
    if not p.items:
        return ""
    i = p.item_at(start)
    base = p.starts[i]
    return p.items[i].text[start - base : p.line_end(start) - base]


def offset_of(p: Parse, pos: lsp.Position, encoding: str = UTF16) -> int:
    """LSP position -> absolute code-point offset (clamped to the document)."""
    start = line_start(p, pos.line)
    if start is None:
        return p.length
    line = _line_at(p, start)
    return start + units_to_column(line, pos.character, encoding)


def position_of(p: Parse, offset: int, encoding: str = UTF16) -> lsp.Position:
    """Absolute offset -> LSP position."""
    item = p.item_at(offset)
    if item < 0:
        return lsp.Position(0, 0)
    return item_position(p, item, offset - p.starts[item], encoding)


def item_position(p: Parse, item: int, rel: int, encoding: str = UTF16) -> lsp.Position:
    """Item-relative offset -> LSP position."""
    line, col = offset_in_lines(p.items[item].text, rel, encoding)
    return lsp.Position(p.lines[item] + line, col)


def item_range(p: Parse, item: int, start: int, end: int, encoding: str = UTF16) -> lsp.Range:
    if start < 0 or end > len(p.items[item].text):
        base = p.starts[item]
        return range_of(p, base + start, base + end, encoding)
    return lsp.Range(item_position(p, item, start, encoding), item_position(p, item, end, encoding))


def range_of(p: Parse, start: int, end: int, encoding: str = UTF16) -> lsp.Range:
    return lsp.Range(position_of(p, start, encoding), position_of(p, end, encoding))


def item_range_units(
    p: Parse, item: int, start: int, end: int, encoding: str
) -> tuple[int, int, int, int]:
    """The same as :func:`item_range`, as (start line, start character, end line, end
    character): the diagnostics fast path."""
    text = p.items[item].text
    if start < 0 or end > len(text):
        # an edit reaching into other items (e.g. merging RUNs): absolute path
        base = p.starts[item]
        at = position_of(p, base + start, encoding)
        to = position_of(p, base + end, encoding)
        return at.line, at.character, to.line, to.character
    base_line = p.lines[item]
    find = in_lines(text, encoding)
    l0, c0 = find(start)
    l1, c1 = find(end)
    return base_line + l0, c0, base_line + l1, c1


def in_lines(text: str, encoding: str = UTF16) -> Callable[[int], tuple[int, int]]:
    """:func:`offset_in_lines` of ``text`` as a function of the offset, for several
    offsets of one text: whether its columns count characters is decided once."""
    if "\r" in text or not (encoding == UTF32 or text.isascii()):
        return functools.partial(offset_in_lines, text, encoding=encoding)
    n = len(text)

    def at(rel: int) -> tuple[int, int]:
        # lines end at \n only, and a column is a count of characters
        rel = 0 if rel < 0 else n if rel > n else rel
        start = text.rfind("\n", 0, rel) + 1
        return (text.count("\n", 0, start) if start else 0), rel - start

    return at


def offset_in_lines(text: str, rel: int, encoding: str = UTF16) -> tuple[int, int]:
    """Offset in an item's text -> (lines below the item's first line, column
    in the encoding's units); the caller adds the item's line."""
    rel = max(0, min(rel, len(text)))
    if text.find("\n", 0, rel) < 0 and text.find("\r", 0, rel) < 0:
        line = ls = 0  # on the first line: most offsets, in most items
    else:
        ls = line_start_of(text, rel)
        line = breaks_before(text, rel)
    seg = text[ls:rel]
    return line, (len(seg) if encoding == UTF32 or seg.isascii() else units(seg, encoding))


def lines_range(
    lines: list[str], line: int, col: int, end_line: int, end_col: int, encoding: str = UTF16
) -> lsp.Range:
    """A range of code-point columns in a text split into ``lines`` (a file that is not a
    Dockerfile: Compose, Bake), in the encoding's units."""

    def pos(n: int, c: int) -> lsp.Position:
        text = lines[n] if 0 <= n < len(lines) else ""
        return lsp.Position(n, column_to_units(text, min(c, len(text)), encoding))

    return lsp.Range(pos(line, col), pos(end_line, end_col))


def lines_column(lines: list[str], pos: lsp.Position, encoding: str = UTF16) -> int:
    """The code-point column of an LSP position in a text split into ``lines``."""
    text = lines[pos.line] if 0 <= pos.line < len(lines) else ""
    return units_to_column(text, pos.character, encoding)
