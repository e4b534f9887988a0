"""A document is published again when new outside facts may change its
diagnostics (the registry client starting after the first publish, a lookup
settling); when they change nothing, nothing is sent: a large publish repeated
for nothing delays every request behind it."""

from __future__ import annotations

import pytest
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.e2e.helpers import open_document, publish_log, wait_publish

TEXT = "FROM scratch AS app\nCOPY app /app\n"


@pytest.mark.asyncio
async def test_an_unchanged_publish_is_not_sent_again(client: LanguageClient) -> None:
    uri = "file:///tmp/publish-once/Dockerfile"
    log = publish_log(client)
    doc = open_document(client, uri, TEXT)
    await wait_publish(client, lambda p: p.uri == uri and p.version == 1)
    # the lookups the first publish went without start now and publish the document again
    await client.text_document_hover_async(
        lsp.HoverParams(doc, lsp.Position(1, 1))
    )  # a round trip: what the server queued after the publish has run
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(version=2, uri=uri),
            [lsp.TextDocumentContentChangeWholeDocument(TEXT + "USER app\n")],
        )
    )
    await wait_publish(client, lambda p: p.uri == uri and p.version == 2)
    first = [p for p in log if p.uri == uri and p.version == 1]
    assert len(first) == 1, [sorted(str(d.code) for d in p.diagnostics) for p in first]
