"""A big document opened over stdio is linted on two CPUs (a forked child lints
its later stages): the server publishes what the CLI's one-process lint finds,
before and after an edit in a stage the child linted, and the child writes
nothing to the client (the next requests are answered as usual)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from dockerls.analysis.engine import SPLIT_AT
from dockerls.cli_check import context_facts
from dockerls.syntax.parser import parse
from tests.e2e.helpers import (
    SERVER,
    cli_keys,
    diagnostic_key,
    initialize_with,
    open_document,
    wait_publish,
)
from tests.support import corpus_files

SETTINGS: dict[str, Any] = {"shellcheck": {"enabled": True}, "registry": {"enabled": False}}


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    await initialize_with(lsp_client, SETTINGS)
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_a_big_document_split_over_two_processes(
    client: LanguageClient, tmp_path: Path
) -> None:
    # the server splits where it has two CPUs (Linux): elsewhere this compares its
    # one-process lint with the CLI's (test_split_lint.py forks on any Linux)
    text = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in corpus_files()[:120])
    assert len(parse(text).items) > 2 * SPLIT_AT  # the server splits this lint
    path = tmp_path / "Dockerfile"
    path.write_text(text, encoding="utf-8")
    (tmp_path / ".dockerignore").write_text(".git\n", encoding="utf-8")
    uri = path.as_uri()
    expected = cli_keys(text, SETTINGS, context_facts(path))
    assert len(expected) > 500

    open_document(client, uri, text)
    # ShellCheck's and the lifecycle's findings join later publishes: wait for the last
    await wait_publish(
        client,
        lambda p: p.uri == uri and sorted(map(diagnostic_key, p.diagnostics)) == expected,
        timeout=60,
    )

    # an edit in the last RUN: a stage the child linted, re-linted here
    at = text.rindex("RUN ") + len("RUN ")
    line = text.count("\n", 0, at)
    col = at - (text.rindex("\n", 0, at) + 1)
    edited = text[:at] + "cd /tmp; " + text[at:]
    pos = lsp.Position(line, col)
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(version=2, uri=uri),
            [lsp.TextDocumentContentChangePartial(range=lsp.Range(pos, pos), text="cd /tmp; ")],
        )
    )
    after = cli_keys(edited, SETTINGS, context_facts(path))
    assert after != expected  # the edit brings a finding (DL3003: cd in a RUN)
    await wait_publish(
        client,
        lambda p: (
            p.uri == uri and p.version == 2 and sorted(map(diagnostic_key, p.diagnostics)) == after
        ),
        timeout=60,
    )

    # the stream is intact: a request after the split lint is answered
    hover = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(0, 1))
    )
    assert hover is not None and "FROM" in str(hover.contents)
