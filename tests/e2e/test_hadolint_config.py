"""`.hadolint.yaml` next to a Dockerfile is honoured by the server (ignored
codes, severity overrides), an unknown code in it is reported on the file,
and saving it applies the change."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient


async def _until(pred, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not pred():
        if loop.time() > end:
            raise AssertionError("timed out")
        await asyncio.sleep(0.02)


async def test_hadolint_yaml_is_honoured(client: LanguageClient, tmp_path: Path) -> None:
    cfg = tmp_path / ".hadolint.yaml"
    cfg.write_text("ignored:\n  - DL3006\n  - DL9999\noverride:\n  error:\n    - DL3003\n")
    dockerfile = tmp_path / "Dockerfile"
    text = "FROM ubuntu\nRUN cd /x && make\n"
    dockerfile.write_text(text)
    uri = dockerfile.as_uri()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "dockerfile", 1, text))
    )
    await _until(lambda: uri in client.diagnostics)
    by_code = {str(d.code): d for d in client.diagnostics[uri]}
    assert "DL3006" not in by_code  # ignored by the file
    assert by_code["DL3003"].severity == lsp.DiagnosticSeverity.Error  # overridden
    # the unknown code is reported on the config file itself
    await _until(lambda: bool(client.diagnostics.get(cfg.as_uri())))
    problem = client.diagnostics[cfg.as_uri()][0]
    assert "DL9999" in problem.message

    # the user edits and saves the config: the Dockerfile is re-checked
    cfg.write_text("ignored: []\n")
    client.text_document_did_save(
        lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(cfg.as_uri()))
    )
    await _until(lambda: "DL3006" in {str(d.code) for d in client.diagnostics.get(uri, ())})
