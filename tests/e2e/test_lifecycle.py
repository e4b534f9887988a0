"""Open, change, diagnostics, close, over stdio."""

from __future__ import annotations

import json
import subprocess
import sys

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.e2e.helpers import open_document, publish_log
from tests.support import until

URI = "file:///tmp/e2e/Dockerfile"


async def test_open_change_close(client: LanguageClient) -> None:
    published = publish_log(client)

    open_document(client, URI, "FROM ubuntu\nENV x\n")
    await until(lambda: any(p.version == 1 for p in published))
    first = next(p for p in published if p.version == 1)
    codes = {d.code for d in first.diagnostics}
    assert {"DL3006", "MissingValue"} <= codes
    dl3006 = next(d for d in first.diagnostics if d.code == "DL3006")
    assert dl3006.range == lsp.Range(lsp.Position(0, 5), lsp.Position(0, 11))
    assert dl3006.source == "dockerls"
    assert dl3006.code_description is None  # no made-up home page for our own rules

    # a one-character edit: fix the ENV line
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(uri=URI, version=2),
            [
                lsp.TextDocumentContentChangePartial(
                    range=lsp.Range(lsp.Position(1, 5), lsp.Position(1, 5)), text="="
                )
            ],
        )
    )
    await until(lambda: any(p.version == 2 for p in published))
    second = next(p for p in published if p.version == 2)
    assert "MissingValue" not in {d.code for d in second.diagnostics}
    assert "DL3006" in {d.code for d in second.diagnostics}

    client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(URI)))
    await until(lambda: URI in client.diagnostics and len(client.diagnostics[URI]) == 0)


async def test_burst_of_edits_publishes_latest_version(client: LanguageClient) -> None:
    published = publish_log(client)

    open_document(client, URI, "FROM alpine:3\n")
    for v in range(2, 30):
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                lsp.VersionedTextDocumentIdentifier(uri=URI, version=v),
                [
                    lsp.TextDocumentContentChangePartial(
                        range=lsp.Range(lsp.Position(1, 0), lsp.Position(1, 0)), text="#"
                    )
                ],
            )
        )
    await until(lambda: any(p.version == 29 for p in published))
    versions = [p.version for p in published]
    assert versions == sorted(versions)  # never an older version after a newer one


def _frame(obj: object) -> bytes:
    body = json.dumps(obj).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def test_malformed_jsonrpc_keeps_the_server_up() -> None:
    """Garbage, invalid JSON and bad params get error replies; then a normal
    request is still answered."""
    msgs = [
        _frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}),
        b"Content-Length: 9\r\n\r\n{not json",
        _frame({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {"nope": 1}}),
        _frame({"jsonrpc": "2.0", "id": 3, "method": "no/such/method", "params": {}}),
        _frame(
            {
                "jsonrpc": "2.0",
                "method": "textDocument/didChange",
                "params": {
                    "textDocument": {"uri": "file:///nowhere", "version": 2},
                    "contentChanges": [{"text": "x"}],
                },
            }
        ),
        _frame({"jsonrpc": "2.0", "id": 4, "method": "shutdown"}),
        _frame({"jsonrpc": "2.0", "method": "exit"}),
    ]
    proc = subprocess.run(
        [sys.executable, "-m", "dockerls", "serve"],
        input=b"".join(msgs),
        capture_output=True,
        timeout=60,
    )
    out = proc.stdout.decode()
    replies = [json.loads(part) for part in _split_frames(out)]
    by_id = {r.get("id"): r for r in replies if "id" in r}
    assert "result" in by_id[1]
    assert by_id[None]["error"]["code"] == -32700  # the body that isn't JSON
    assert "error" in by_id[2]
    assert "error" in by_id[3] and by_id[3]["error"]["code"] == -32601
    assert "result" in by_id[4]  # still alive after the garbage


def _split_frames(out: str) -> list[str]:
    parts = []
    while "Content-Length:" in out:
        head, _, rest = out.partition("\r\n\r\n")
        n = int(head.split("Content-Length:")[1].split("\r\n")[0])
        parts.append(rest[:n])
        out = rest[n:]
    return parts
