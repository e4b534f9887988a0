"""Navigation, symbols, folding, selection, links, semantic tokens, inlay
hints and formatting over stdio, under VS Code's and Neovim's recorded
capabilities."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.e2e.helpers import SERVER, open_document

TEXT = """ARG V=1
from node:${V} as build
ARG V
RUN echo $V > /out
FROM build AS final
COPY --from=build app.txt /app/
RUN cat <<EOF
hello
EOF
COPY app.txt /x/
"""


@pytest_lsp.fixture(  # type: ignore[untyped-decorator]
    config=ClientServerConfig(server_command=SERVER), params=["visual_studio_code", "neovim"]
)
async def editor(request: pytest.FixtureRequest, lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    caps = client_capabilities(request.param)
    result = await lsp_client.initialize_session(lsp.InitializeParams(capabilities=caps))
    lsp_client.init_result = result  # type: ignore[attr-defined]
    lsp_client.client_caps = caps  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def uri(tmp_path: Path) -> str:
    (tmp_path / "app.txt").write_text("x")
    return (tmp_path / "Dockerfile").as_uri()


def _apply(text: str, edits: Sequence[lsp.TextEdit]) -> str:
    lines = text.split("\n")
    for e in sorted(
        edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
    ):
        assert e.range.start.line == e.range.end.line
        ln = lines[e.range.start.line]
        lines[e.range.start.line] = (
            ln[: e.range.start.character] + e.new_text + ln[e.range.end.character :]
        )
    return "\n".join(lines)


async def test_capabilities_are_advertised(editor: LanguageClient) -> None:
    caps: lsp.ServerCapabilities = editor.init_result.capabilities  # type: ignore[attr-defined]
    assert caps.definition_provider
    assert caps.references_provider
    assert caps.document_highlight_provider
    assert (
        isinstance(caps.rename_provider, lsp.RenameOptions)
        and caps.rename_provider.prepare_provider
    )
    assert caps.document_symbol_provider
    assert caps.workspace_symbol_provider
    assert caps.folding_range_provider
    assert caps.selection_range_provider
    assert caps.document_link_provider is not None
    sem = caps.semantic_tokens_provider
    assert isinstance(sem, lsp.SemanticTokensOptions)
    assert sem.range and isinstance(sem.full, lsp.SemanticTokensFullDelta) and sem.full.delta
    assert "namespace" in sem.legend.token_types and "declaration" in sem.legend.token_modifiers
    assert caps.inlay_hint_provider is not None
    # formatting: registered for the Dockerfiles' language once one opens, where the client
    # takes that (tests/e2e/test_per_language.py); both recorded clients take the whole
    # formatting, and Neovim on-type formatting only in the reply
    assert caps.document_formatting_provider is None
    assert caps.document_range_formatting_provider is None
    on_type = caps.document_on_type_formatting_provider
    client_caps: lsp.ClientCapabilities = editor.client_caps  # type: ignore[attr-defined]
    td = client_caps.text_document
    if td and td.on_type_formatting and td.on_type_formatting.dynamic_registration:
        assert on_type is None
    else:
        assert on_type is not None and on_type.first_trigger_character == "\n"


async def test_definition_references_highlight_rename(editor: LanguageClient, uri: str) -> None:
    doc = open_document(editor, uri, TEXT)
    at_use = lsp.Position(3, 10)  # the V of "echo $V"
    defs = await editor.text_document_definition_async(lsp.DefinitionParams(doc, at_use))
    assert isinstance(defs, list)
    assert [(d.range.start.line, d.range.start.character) for d in defs] == [(2, 4), (0, 4)]

    refs = await editor.text_document_references_async(
        lsp.ReferenceParams(lsp.ReferenceContext(include_declaration=True), doc, lsp.Position(0, 4))
    )
    assert refs is not None
    assert [(r.range.start.line, r.range.start.character) for r in refs] == [
        (0, 4),
        (1, 12),
        (2, 4),
        (3, 10),
    ]

    hl = await editor.text_document_document_highlight_async(
        lsp.DocumentHighlightParams(doc, lsp.Position(5, 14))
    )
    assert hl is not None
    assert sorted(h.range.start.line for h in hl) == [1, 4, 5]

    prep = await editor.text_document_prepare_rename_async(
        lsp.PrepareRenameParams(doc, lsp.Position(1, 20))
    )
    assert isinstance(prep, lsp.PrepareRenamePlaceholder) and prep.placeholder == "build"
    edit = await editor.text_document_rename_async(
        lsp.RenameParams(doc, lsp.Position(1, 20), "compile")
    )
    assert edit is not None and edit.changes is not None
    out = _apply(TEXT, edit.changes[uri])
    assert "as compile" in out and "FROM compile AS final" in out and "--from=compile" in out

    with pytest.raises(Exception, match="not a valid stage name"):
        await editor.text_document_rename_async(
            lsp.RenameParams(doc, lsp.Position(1, 20), "no way")
        )

    # the heredoc delimiter
    edit = await editor.text_document_rename_async(
        lsp.RenameParams(doc, lsp.Position(6, 11), "END")
    )
    assert edit is not None and edit.changes is not None
    assert "RUN cat <<END\nhello\nEND\n" in _apply(TEXT, edit.changes[uri])


async def test_symbols(editor: LanguageClient, uri: str) -> None:
    doc = open_document(editor, uri, TEXT)
    syms = await editor.text_document_document_symbol_async(lsp.DocumentSymbolParams(doc))
    assert syms is not None
    names = [s.name for s in syms]
    assert "build" in names and "final" in names
    ws = await editor.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="fin"))
    assert ws is not None and [s.name for s in ws] == ["final"]


async def test_symbols_after_edits_match_a_fresh_computation(
    editor: LanguageClient, uri: str
) -> None:
    """The server assembles symbols from per-instruction JSON it caches; after
    edits that move lines and bring in non-ASCII text, the answer must equal
    what a fresh parse of the same text gives (which also checks the
    hand-written JSON and its byte length)."""
    from dockerls.analysis.model import build_model
    from dockerls.features.caps import ClientCaps
    from dockerls.features.symbols import document_symbols
    from dockerls.syntax.parser import parse

    caps: lsp.ServerCapabilities = editor.init_result.capabilities  # type: ignore[attr-defined]
    encoding = str(caps.position_encoding or "utf-16")
    text = TEXT + "RUN true\n" * 12 + "ENV Ü=1 B=ä\nLABEL x=y\n"
    doc = open_document(editor, uri, text)
    await editor.text_document_document_symbol_async(lsp.DocumentSymbolParams(doc))
    edits = [
        (lsp.Position(10, 0), lsp.Position(10, 0), "FROM büsybox AS tiny\nRUN ünïcode\n"),
        (lsp.Position(3, 0), lsp.Position(4, 0), ""),
        (lsp.Position(0, 0), lsp.Position(0, 0), "# a comment\n\n"),
    ]
    for version, (start, end, new) in enumerate(edits, start=2):
        editor.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                [lsp.TextDocumentContentChangePartial(range=lsp.Range(start, end), text=new)],
            )
        )
        text = _splice(text, start, end, new)
        got = await editor.text_document_document_symbol_async(lsp.DocumentSymbolParams(doc))
        p = parse(text)
        want = document_symbols(p, build_model(p), ClientCaps(encoding=encoding), uri)
        assert got is not None
        assert [_sym(s) for s in got] == [_sym(s) for s in want]
    names = [s.name for s in got]
    assert "tiny" in names


def _splice(text: str, start: lsp.Position, end: lsp.Position, new: str) -> str:
    lines = text.split("\n")
    a = sum(len(x) + 1 for x in lines[: start.line]) + start.character
    b = sum(len(x) + 1 for x in lines[: end.line]) + end.character
    return text[:a] + new + text[b:]


def _sym(s: lsp.DocumentSymbol | lsp.SymbolInformation) -> object:
    assert isinstance(s, lsp.DocumentSymbol)
    kids = [_sym(c) for c in s.children or ()]
    return (s.name, s.detail, s.kind, s.range, s.selection_range, kids)


async def test_folding_selection_links(editor: LanguageClient, uri: str) -> None:
    doc = open_document(editor, uri, TEXT)
    folds = await editor.text_document_folding_range_async(lsp.FoldingRangeParams(doc))
    assert folds is not None
    assert (6, 8) in {(f.start_line, f.end_line) for f in folds}
    sel = await editor.text_document_selection_range_async(
        lsp.SelectionRangeParams(doc, [lsp.Position(5, 14)])
    )
    assert sel is not None and sel[0].parent is not None
    links = await editor.text_document_document_link_async(lsp.DocumentLinkParams(doc))
    assert links is not None
    targets = {lk.target for lk in links}
    assert "https://hub.docker.com/_/node" in targets
    assert Path(uri[len("file://") :]).with_name("app.txt").as_uri() in targets


async def test_semantic_tokens_full_delta_range(editor: LanguageClient, uri: str) -> None:
    doc = open_document(editor, uri, TEXT)
    full = await editor.text_document_semantic_tokens_full_async(lsp.SemanticTokensParams(doc))
    assert full is not None and full.result_id and len(full.data) % 5 == 0 and full.data
    editor.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
            [
                lsp.TextDocumentContentChangePartial(
                    range=lsp.Range(lsp.Position(9, 0), lsp.Position(9, 0)), text="USER me\n"
                )
            ],
        )
    )
    delta = await editor.text_document_semantic_tokens_full_delta_async(
        lsp.SemanticTokensDeltaParams(doc, full.result_id)
    )
    assert isinstance(delta, lsp.SemanticTokensDelta)
    data = list(full.data)
    for e in delta.edits:
        data[e.start : e.start + e.delete_count] = list(e.data or [])
    again = await editor.text_document_semantic_tokens_full_async(lsp.SemanticTokensParams(doc))
    assert again is not None and data == list(again.data)
    rng = await editor.text_document_semantic_tokens_range_async(
        lsp.SemanticTokensRangeParams(doc, lsp.Range(lsp.Position(0, 0), lsp.Position(1, 0)))
    )
    assert rng is not None and 0 < len(rng.data) < len(again.data)


async def test_inlay_hints(editor: LanguageClient, uri: str) -> None:
    doc = open_document(editor, uri, TEXT)
    hints = await editor.text_document_inlay_hint_async(
        lsp.InlayHintParams(doc, lsp.Range(lsp.Position(0, 0), lsp.Position(4, 0)))
    )
    assert hints is not None
    assert [(h.position.line, h.label) for h in hints] == [(1, "= 1"), (3, "= 1")]


async def test_formatting(editor: LanguageClient, uri: str) -> None:
    doc = open_document(editor, uri, "from a\nrun   x \\\n  y\n")
    fo = lsp.FormattingOptions(tab_size=2, insert_spaces=True)
    edits = await editor.text_document_formatting_async(lsp.DocumentFormattingParams(doc, fo))
    assert edits is not None
    assert _apply("from a\nrun   x \\\n  y\n", edits) == "FROM a\nRUN x \\\n  y\n"
    edits = await editor.text_document_range_formatting_async(
        lsp.DocumentRangeFormattingParams(
            doc, lsp.Range(lsp.Position(0, 0), lsp.Position(0, 6)), fo
        )
    )
    assert (
        edits is not None
        and _apply("from a\nrun   x \\\n  y\n", edits) == "FROM a\nrun   x \\\n  y\n"
    )
    edits = await editor.text_document_on_type_formatting_async(
        lsp.DocumentOnTypeFormattingParams(doc, lsp.Position(2, 0), "\n", fo)
    )
    assert edits is not None


async def test_formatting_changes_only_requested_lines_and_no_value(
    editor: LanguageClient, uri: str
) -> None:
    text = "FROM a\nrun   a \\\n  b \\\n\n  c\nENV MSG hello \\\n      world\n"
    doc = open_document(editor, uri, text)
    fo = lsp.FormattingOptions(tab_size=4, insert_spaces=True)
    edits = await editor.text_document_formatting_async(lsp.DocumentFormattingParams(doc, fo))
    assert edits is not None
    # the ENV value keeps its blanks; the blank continuation line stays as it is
    assert _apply(text, edits) == (
        "FROM a\nRUN a \\\n    b \\\n\n    c\nENV MSG hello \\\n      world\n"
    )
    rng = lsp.Range(lsp.Position(2, 0), lsp.Position(3, 0))
    edits = await editor.text_document_range_formatting_async(
        lsp.DocumentRangeFormattingParams(doc, rng, fo)
    )
    assert edits is not None and {e.range.start.line for e in edits} == {2}
    # Enter at the end of line 2 opened the blank line 3
    edits = await editor.text_document_on_type_formatting_async(
        lsp.DocumentOnTypeFormattingParams(doc, lsp.Position(3, 0), "\n", fo)
    )
    assert edits is not None and {e.range.start.line for e in edits} == {2, 3}
    assert _apply(text, edits).split("\n")[1:5] == ["run   a \\", "    b \\", "    ", "  c"]
