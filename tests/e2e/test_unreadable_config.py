"""The server with an unreadable ``~/.config`` (or ``$XDG_CONFIG_HOME``):
didOpen still publishes the document's diagnostics."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, client_capabilities

from tests.e2e.helpers import wait_publish
from tests.unreadable import DOCKERFILE, locked_config, unprivileged


@pytest.mark.parametrize("where", ["home", "xdg"])
async def test_did_open_publishes_with_an_unreadable_config_folder(
    tmp_path: Path, where: str
) -> None:
    with locked_config(tmp_path, where) as (env, _folder, dockerfile):
        config = ClientServerConfig(
            server_command=[*unprivileged(), sys.executable, "-m", "dockerls", "serve"],
            server_env=env,
        )
        client = await config.start()
        try:
            await client.initialize_session(
                lsp.InitializeParams(
                    capabilities=client_capabilities("visual_studio_code"),
                    initialization_options={"shellcheck": {"enabled": False}},
                    root_uri=tmp_path.as_uri(),
                )
            )
            uri = dockerfile.as_uri()
            client.text_document_did_open(
                lsp.DidOpenTextDocumentParams(
                    lsp.TextDocumentItem(uri, "dockerfile", 1, DOCKERFILE)
                )
            )
            got = await wait_publish(client, lambda p: p.uri == uri and bool(p.diagnostics))
            codes = {str(d.code) for d in got.diagnostics}
            assert {"DL3006", "DL3003"} <= codes
            # the server still answers
            hover = await client.text_document_hover_async(
                lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(0, 1))
            )
            assert hover is not None
        finally:
            await client.shutdown_session()
            await client.stop()
