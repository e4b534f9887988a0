"""Selection ranges: word -> flag value -> flag -> instruction -> stage -> document."""

from __future__ import annotations

from lsprotocol import types as lsp

from dockerls.features.caps import ClientCaps
from dockerls.features.selection_range import selection_ranges
from tests.features.helpers import parsed


def chain(src: str) -> list[str]:
    p, m, pos = parsed(src)
    (sel,) = selection_ranges(p, m, [pos], ClientCaps())
    out: list[str] = []
    node: lsp.SelectionRange | None = sel
    lines = p.text.split("\n")
    while node is not None:
        r = node.range
        if r.start.line == r.end.line:
            out.append(lines[r.start.line][r.start.character : r.end.character])
        else:
            out.append(f"{r.start.line}-{r.end.line}")
        node = node.parent
    return out


def test_flag_chain() -> None:
    src = "FROM a\nRUN --mount=type=cache,tar$0get=/root echo hi\n"
    assert chain(src) == [
        "target",
        "type=cache,target=/root",
        "--mount=type=cache,target=/root",
        "RUN --mount=type=cache,target=/root echo hi",
        "0-1",  # the stage
        "0-2",  # the document
    ]


def test_argument_chain() -> None:
    src = "FROM a\nCOPY src/ma$0in.go /app/\n"
    got = chain(src)
    assert got[:3] == ["main", "src/main.go", "COPY src/main.go /app/"]


def test_several_positions() -> None:
    p, m, _ = parsed("FROM a\nRUN x$0\n")
    got = selection_ranges(
        p, m, [lsp.Position(0, 1), lsp.Position(1, 4), lsp.Position(50, 0)], ClientCaps()
    )
    assert len(got) == 3
    assert got[0].range == lsp.Range(lsp.Position(0, 0), lsp.Position(0, 4))
