"""The build context on disk: CopyIgnoredFile through the server, and the
.dockerignore document itself."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.e2e.helpers import open_document
from tests.support import until


async def test_copy_of_ignored_file_and_dockerignore_save(
    client: LanguageClient, tmp_path: Path
) -> None:
    (tmp_path / "app.js").write_text("x")
    (tmp_path / "notes.txt").write_text("x")
    ignore = tmp_path / ".dockerignore"
    ignore.write_text("*.txt\n")
    dockerfile = tmp_path / "Dockerfile"
    text = "FROM alpine:3.20\nCOPY notes.txt app.js /srv/\n"
    dockerfile.write_text(text)
    uri = dockerfile.as_uri()
    open_document(client, uri, text)

    def codes() -> set[str]:
        return {str(d.code) for d in client.diagnostics.get(uri, ())}

    await until(lambda: "CopyIgnoredFile" in codes())
    d = next(d for d in client.diagnostics[uri] if d.code == "CopyIgnoredFile")
    assert d.range == lsp.Range(lsp.Position(1, 5), lsp.Position(1, 14))

    # the user stops ignoring *.txt and saves .dockerignore: re-checked
    ignore.write_text("*.log\n")
    client.text_document_did_save(
        lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(ignore.as_uri()))
    )
    await until(lambda: uri in client.diagnostics and "CopyIgnoredFile" not in codes())


async def test_invalid_dockerignore_pattern(client: LanguageClient, tmp_path: Path) -> None:
    ignore = tmp_path / ".dockerignore"
    uri = ignore.as_uri()
    open_document(client, uri, "ok\n[z-a\n", language_id="ignore")
    await until(lambda: bool(client.diagnostics.get(uri)))
    d = client.diagnostics[uri][0]
    assert d.range.start.line == 1
    assert d.code == "InvalidIgnorePattern"
