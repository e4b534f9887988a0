"""Helpers for pure feature tests: a ``$0`` cursor marker and range helpers.

``cursor("FROM a\\nRU$0")`` returns the text without the marker and the LSP
position of the marker (UTF-16 by default).  ``range_from_str(text, "sub")``
is the LSP range of the first (or ``nth``) occurrence of ``sub``.
"""

from __future__ import annotations

from lsprotocol import types as lsp

from dockerls.analysis.model import Model, build_model
from dockerls.features.positions import UTF16, units
from dockerls.syntax.parser import Parse, parse

MARKER = "$0"


def position_at(text: str, offset: int, encoding: str = UTF16) -> lsp.Position:
    """Code-point ``offset`` in ``text`` -> LSP position."""
    before = text[:offset]
    line = before.count("\n")
    col_text = before[before.rfind("\n") + 1 :]
    return lsp.Position(line, units(col_text, encoding))


def cursor(src: str, encoding: str = UTF16) -> tuple[str, lsp.Position]:
    """Strip the single ``$0`` marker; return (text, position of the marker)."""
    assert src.count(MARKER) == 1, "exactly one $0 marker expected"
    off = src.index(MARKER)
    text = src[:off] + src[off + len(MARKER) :]
    return text, position_at(text, off, encoding)


def parsed(src: str, encoding: str = UTF16) -> tuple[Parse, Model, lsp.Position]:
    """Parse and model of ``src`` (with its ``$0`` marker removed) plus the position."""
    text, pos = cursor(src, encoding)
    p = parse(text)
    return p, build_model(p), pos


def range_from_str(text: str, sub: str, nth: int = 0, encoding: str = UTF16) -> lsp.Range:
    """The range of the ``nth`` occurrence of ``sub`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(sub, start + 1)
    return lsp.Range(
        position_at(text, start, encoding), position_at(text, start + len(sub), encoding)
    )
