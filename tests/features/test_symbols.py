"""Document and workspace symbols."""

from __future__ import annotations

from lsprotocol import types as lsp

from dockerls.features.caps import ClientCaps
from dockerls.features.symbols import document_symbols, workspace_symbols
from tests.features.helpers import parsed

URI = "file:///w/Dockerfile"
SRC = "ARG V=1\nFROM node:$V AS build\nENV A=1 B=2\nRUN make \\\n  all\n\nFROM scratch\nCOPY --from=build /a /b\n$0"


def test_hierarchical() -> None:
    p, m, _ = parsed(SRC)
    syms = document_symbols(p, m, ClientCaps(hierarchical_symbols=True), URI)
    assert all(isinstance(s, lsp.DocumentSymbol) for s in syms)
    names = [s.name for s in syms]
    assert names == ["ARG", "build", "stage 1 (scratch)"]
    build = syms[1]
    assert isinstance(build, lsp.DocumentSymbol)
    assert build.kind == lsp.SymbolKind.Class
    assert build.range == lsp.Range(lsp.Position(1, 0), lsp.Position(4, 5))
    assert build.selection_range == lsp.Range(lsp.Position(1, 16), lsp.Position(1, 21))
    assert build.children is not None
    assert [c.name for c in build.children] == ["ENV", "RUN"]
    env = build.children[0]
    assert env.children is not None and [c.name for c in env.children] == ["A", "B"]


def test_flat_when_client_is_not_hierarchical() -> None:
    p, m, _ = parsed(SRC)
    syms = document_symbols(p, m, ClientCaps(hierarchical_symbols=False), URI)
    assert all(isinstance(s, lsp.SymbolInformation) for s in syms)
    flat = [(s.name, s.container_name) for s in syms if isinstance(s, lsp.SymbolInformation)]
    assert ("build", None) in flat
    assert ("RUN", "build") in flat
    assert ("A", "ENV") in flat
    assert ("COPY", "stage 1 (scratch)") in flat


def test_workspace_symbols_of_open_documents() -> None:
    p1, m1, _ = parsed(SRC)
    p2, m2, _ = parsed("FROM a AS builder\nFROM b AS runtime\n$0")
    docs = [(URI, p1, m1), ("file:///w/other/Dockerfile", p2, m2)]
    got = workspace_symbols("bld", docs, ClientCaps())
    assert [(s.name, s.location.uri) for s in got if isinstance(s.location, lsp.Location)] == [
        ("build", URI),
        ("builder", "file:///w/other/Dockerfile"),
    ]
    assert len(workspace_symbols("", docs, ClientCaps())) == 4
    assert workspace_symbols("zzz", docs, ClientCaps()) == []


def test_symbols_json_stays_valid_with_a_lone_surrogate() -> None:
    import json

    from dockerls.features.symbols import document_symbols_json

    p, m, _ = parsed("FROM a AS b\nENV \ud800=1 ü=2\n$0")
    data = json.loads(document_symbols_json(p, m, ClientCaps()))
    env = data[0]["children"][0]
    assert [c["name"] for c in env["children"]] == ["\ud800", "ü"]
