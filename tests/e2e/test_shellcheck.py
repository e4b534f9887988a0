"""ShellCheck findings over stdio: the normal diagnostics of a version arrive,
and the SC findings for the same version arrive too (computed off the event
loop), with exact ranges; an edit elsewhere keeps them (cached)."""

from __future__ import annotations

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.e2e.helpers import open_document
from tests.support import until

URI = "file:///tmp/e2e-shellcheck/Dockerfile"
TEXT = "FROM debian:12\nRUN apt-get update \\\n    && cd /x; echo $foo\n"


def _codes(client: LanguageClient) -> dict[str, lsp.Diagnostic]:
    return {str(d.code): d for d in client.diagnostics.get(URI, [])}


async def test_shellcheck_findings_arrive_with_exact_ranges(client: LanguageClient) -> None:
    open_document(client, URI, TEXT)
    await until(lambda: "DL3003" in _codes(client))
    await until(lambda: "SC2164" in _codes(client))
    found = _codes(client)
    sc2164 = found["SC2164"]
    assert sc2164.range == lsp.Range(lsp.Position(2, 7), lsp.Position(2, 12))
    assert found["SC2154"].range == lsp.Range(lsp.Position(2, 19), lsp.Position(2, 23))
    assert "DL3003" in found  # the normal diagnostics are still there

    # an edit elsewhere: both kinds are published for the new version
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(uri=URI, version=2),
            [
                lsp.TextDocumentContentChangePartial(
                    lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)), "# a comment\n"
                )
            ],
        )
    )
    await until(
        lambda: (
            _codes(client).get("SC2164") is not None
            and _codes(client)["SC2164"].range.start.line == 3
        )
    )
    found = _codes(client)
    assert "DL3003" in found
    assert found["SC2164"].range == lsp.Range(lsp.Position(3, 7), lsp.Position(3, 12))
