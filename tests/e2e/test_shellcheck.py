"""ShellCheck findings over stdio: the normal diagnostics of a version arrive,
and the SC findings for the same version arrive too (computed off the event
loop), with exact ranges; an edit elsewhere keeps them (cached)."""

from __future__ import annotations

import asyncio

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

URI = "file:///tmp/e2e-shellcheck/Dockerfile"
TEXT = "FROM debian:12\nRUN apt-get update \\\n    && cd /x; echo $foo\n"


async def _until(pred, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not pred():
        if loop.time() > end:
            raise AssertionError("timed out waiting for diagnostics")
        await asyncio.sleep(0.02)


def _codes(client: LanguageClient) -> dict[str, lsp.Diagnostic]:
    return {str(d.code): d for d in client.diagnostics.get(URI, [])}


async def test_shellcheck_findings_arrive_with_exact_ranges(client: LanguageClient) -> None:
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(URI, "dockerfile", 1, TEXT))
    )
    await _until(lambda: "DL3003" in _codes(client))
    await _until(lambda: "SC2164" in _codes(client))
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
    await _until(
        lambda: (
            _codes(client).get("SC2164") is not None
            and _codes(client)["SC2164"].range.start.line == 3
        )
    )
    found = _codes(client)
    assert "DL3003" in found
    assert found["SC2164"].range == lsp.Range(lsp.Position(3, 7), lsp.Position(3, 12))
