"""Folding ranges."""

from __future__ import annotations

from lsprotocol import types as lsp

from dockerls.features.caps import ClientCaps
from dockerls.features.folding import folding_ranges
from tests.features.helpers import parsed

C = lsp.FoldingRangeKind.Comment
R = lsp.FoldingRangeKind.Region


def check(src: str) -> list[tuple[int, int, str | None]]:
    p, m, _ = parsed(src + "$0")
    return [(r.start_line, r.end_line, r.kind) for r in folding_ranges(p, m, ClientCaps())]


def test_stages_instructions_heredocs_comments() -> None:
    src = (
        "# one\n"  # 0
        "# two\n"  # 1
        "FROM a\n"  # 2
        "RUN a \\\n"  # 3
        "  b\n"  # 4
        "# single\n"  # 5
        "RUN <<EOF\n"  # 6
        "x\n"  # 7
        "EOF\n"  # 8
        "\n"  # 9
        "FROM b\n"  # 10
    )
    assert check(src) == [(0, 1, C), (2, 8, R), (3, 4, None), (6, 8, None)]


def test_single_line_file_has_no_folds() -> None:
    assert check("FROM a\n") == []
    assert check("") == []
