"""Document highlight: every occurrence, reads vs writes."""

from __future__ import annotations

from lsprotocol import types as lsp

from dockerls.features.caps import ClientCaps
from dockerls.features.highlight import highlight
from tests.features.helpers import parsed

R = lsp.DocumentHighlightKind.Read
W = lsp.DocumentHighlightKind.Write


def check(src: str) -> list[tuple[int, int, lsp.DocumentHighlightKind]] | None:
    p, m, pos = parsed(src)
    out = highlight(p, m, pos, ClientCaps())
    if out is None:
        return None
    return [
        (h.range.start.line, h.range.start.character, h.kind) for h in out if h.kind is not None
    ]


def test_variable_reads_and_writes() -> None:
    assert check("FROM a\nENV X=1\nRUN echo $$0X\nENV X=2\n") == [(1, 4, W), (2, 10, R), (3, 4, W)]


def test_stage_declaration_and_uses() -> None:
    assert check("FROM a AS b$0\nFROM b\n") == [(0, 10, W), (1, 5, R)]


def test_heredoc() -> None:
    assert check("FROM a\nCOPY <<-EO$0F /x\n\thello\n\tEOF\n") == [(1, 8, W), (3, 1, R)]


def test_none_on_keyword() -> None:
    assert check("FR$0OM a\n") is None
