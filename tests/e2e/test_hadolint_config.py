"""`.hadolint.yaml` next to a Dockerfile is honoured by the server (ignored
codes, severity overrides), an unknown code in it is reported on the file,
and saving it applies the change."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.e2e.helpers import open_document
from tests.support import until


async def test_hadolint_yaml_is_honoured(client: LanguageClient, tmp_path: Path) -> None:
    cfg = tmp_path / ".hadolint.yaml"
    cfg.write_text("ignored:\n  - DL3006\n  - DL9999\noverride:\n  error:\n    - DL3003\n")
    dockerfile = tmp_path / "Dockerfile"
    text = "FROM ubuntu\nRUN cd /x && make\n"
    dockerfile.write_text(text)
    uri = dockerfile.as_uri()
    open_document(client, uri, text)
    await until(lambda: uri in client.diagnostics)
    by_code = {str(d.code): d for d in client.diagnostics[uri]}
    assert "DL3006" not in by_code  # ignored by the file
    assert by_code["DL3003"].severity == lsp.DiagnosticSeverity.Error  # overridden
    # the unknown code is reported on the config file itself
    await until(lambda: bool(client.diagnostics.get(cfg.as_uri())))
    problem = client.diagnostics[cfg.as_uri()][0]
    assert "DL9999" in problem.message

    # the user edits and saves the config: the Dockerfile is re-checked
    cfg.write_text("ignored: []\n")
    client.text_document_did_save(
        lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(cfg.as_uri()))
    )
    await until(lambda: "DL3006" in {str(d.code) for d in client.diagnostics.get(uri, ())})
