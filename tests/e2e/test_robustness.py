"""Bad input over stdio: unknown URIs, out-of-range positions, binary junk,
a huge file, bad settings.  The server answers and stays up."""

from __future__ import annotations

import pytest
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInvalidParams
from pytest_lsp import LanguageClient

from tests.e2e.helpers import open_document
from tests.support import until


async def test_unknown_uri_gets_an_error_reply(client: LanguageClient) -> None:
    with pytest.raises(JsonRpcInvalidParams, match="not open"):
        await client.text_document_hover_async(
            lsp.HoverParams(
                lsp.TextDocumentIdentifier("file:///never/opened/Dockerfile"), lsp.Position(0, 0)
            )
        )


async def test_out_of_range_positions_are_clamped_and_junk_is_linted(
    client: LanguageClient,
) -> None:
    uri = "file:///tmp/robust/Dockerfile"
    junk = "FROM alpine:3\n\x00\x01\ufffd\ufffd binary junk\nRUN echo ok\n"
    open_document(client, uri, junk)
    await until(lambda: uri in client.diagnostics)
    # LSP: a character past the line end means the line end; we also clamp lines
    hover = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(9999, 9999))
    )
    assert hover is None or isinstance(hover, lsp.Hover)
    # the server is still up and the junk line didn't hide the other lines
    res = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(2, 1))
    )
    assert res is not None


async def test_huge_file(client: LanguageClient) -> None:
    uri = "file:///tmp/robust/huge.Dockerfile"
    text = "FROM alpine:3\n" + "RUN echo hello && echo world\n" * 20000
    open_document(client, uri, text)
    await until(lambda: uri in client.diagnostics, timeout=120)


async def test_bad_setting_gets_a_message_and_the_rest_applies(client: LanguageClient) -> None:
    client.set_configuration(
        {"dockerls": {"rules": {"ignore": ["DL3006"], "severity": {"DL3007": "loud"}}}}
    )
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
    await until(lambda: any("DL3007" in m.message for m in client.messages))
    uri = "file:///tmp/robust/settings/Dockerfile"
    open_document(client, uri, "FROM ubuntu\nFROM ubuntu:latest\n")
    await until(lambda: uri in client.diagnostics)
    codes = {d.code for d in client.diagnostics[uri]}
    assert "DL3006" not in codes  # the valid part of the settings applied
    assert "DL3007" in codes  # the bad severity fell back to the default
