"""The text rules every path shares: the byte order mark and line breaks.

*Byte order mark.*  BuildKit drops a UTF-8 BOM at the start of the first
line.  We keep it in the text (the parse is lossless, and an editor counts
it in its columns) and the parser reads past it, the same way for a file
read by the CLI and a document opened in the editor.

*Line breaks.*  BuildKit splits lines at ``\\n`` only: a ``\\r`` before it is
trimmed with it, and a lone ``\\r`` is an ordinary blank character inside a
line.  So items end at ``\\n``.  Positions, though, follow the LSP: ``\\n``,
``\\r\\n`` and a lone ``\\r`` each end a line.  Since a lone ``\\r`` never
ends an item, every item still starts at column 0; the helpers below count
lines inside one item's text.
"""

from __future__ import annotations

import re

BOM = "\ufeff"

# Go's ``unicode.IsSpace``, which BuildKit's parser trims and splits with
# (Python's ``str.isspace`` also takes \x1c-\x1f, which Go does not)
GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
GO_SPACE_SET = frozenset(GO_SPACE)
# a run of characters that are not Go blanks: a word, where nothing quotes or escapes
NONSPACE_RE = re.compile(rf"[^{re.escape(GO_SPACE)}]+")


def is_go_space(ch: str) -> bool:
    """Go's ``unicode.IsSpace`` for one character."""
    return ch in GO_SPACE_SET


def bom_length(text: str) -> int:
    """1 when ``text`` starts with a byte order mark, else 0."""
    return 1 if text.startswith(BOM) else 0


def breaks_before(text: str, rel: int) -> int:
    """How many line breaks end at or before ``rel`` (a position between the
    ``\\r`` and the ``\\n`` of a ``\\r\\n`` is still on the line it ends)."""
    n = text.count("\n", 0, rel)
    if text.find("\r", 0, rel) < 0:
        return n
    n += text.count("\r", 0, rel) - text.count("\r\n", 0, rel)
    if 0 < rel < len(text) and text[rel - 1] == "\r" and text[rel] == "\n":
        n -= 1
    return n


def break_count(text: str) -> int:
    """How many line breaks ``text`` holds."""
    return breaks_before(text, len(text))


def line_start_of(text: str, rel: int) -> int:
    """Offset of the start of the line containing ``rel``."""
    nl = text.rfind("\n", 0, rel)
    cr = text.rfind("\r", nl + 1, rel)
    if cr < 0:
        return nl + 1
    if cr + 1 == rel and rel < len(text) and text[rel] == "\n":
        # ``rel`` sits inside a ``\r\n``: the line began at the break before
        cr = text.rfind("\r", nl + 1, cr)
        if cr < 0:
            return nl + 1
    return cr + 1


def next_break(text: str, rel: int) -> tuple[int, int]:
    """(start, end) of the first line break at or after ``rel``;
    ``(len(text), len(text))`` when there is none."""
    n = len(text)
    nl = text.find("\n", rel)
    cr = text.find("\r", rel, nl if nl >= 0 else n)
    if cr < 0:
        return (nl, nl + 1) if nl >= 0 else (n, n)
    if cr + 1 == nl:
        return cr, nl + 1
    return cr, cr + 1
