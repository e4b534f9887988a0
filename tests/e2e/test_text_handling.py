"""A byte order mark and every kind of line ending, over stdio: the server
publishes the findings ``dockerls check`` prints, at the same positions, and
an edit after a lone ``\\r`` lands where the client means it."""

from __future__ import annotations

import pytest
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from dockerls.analysis.engine import LintConfig
from dockerls.cli_check import lint_text
from dockerls.features.positions import units
from tests.e2e.helpers import open_document, wait_publish
from tests.features.test_text_parity import BREAK, DOCUMENTS

CLI_CONFIG = LintConfig(disabled_groups=frozenset({"shellcheck"}))  # off in these e2e tests


def cli(text: str, encoding: str) -> list[tuple[str, int, int, int, int]]:
    """``dockerls check``'s findings, its code-point columns in the client's units."""
    lines = BREAK.split(text)

    def col(line: int, column: int) -> int:
        return units(lines[line - 1][: column - 1], encoding)

    return sorted(
        (p.code, p.line - 1, col(p.line, p.column), p.end_line - 1, col(p.end_line, p.end_column))
        for p in lint_text(text, "Dockerfile", CLI_CONFIG)
    )


def encoding_of(client: LanguageClient) -> str:
    """The position encoding the server picks: the client's first choice."""
    caps = client.capabilities
    offered = caps.general.position_encodings if caps and caps.general else None
    return str(offered[0]) if offered else "utf-16"


def published(params: lsp.PublishDiagnosticsParams) -> list[tuple[str, int, int, int, int]]:
    return sorted(
        (
            str(d.code),
            d.range.start.line,
            d.range.start.character,
            d.range.end.line,
            d.range.end.character,
        )
        for d in params.diagnostics
    )


@pytest.mark.parametrize("name", ["bom", "lone-cr", "mixed"])
async def test_server_publishes_what_the_cli_prints(client: LanguageClient, name: str) -> None:
    uri = f"untitled:text-{name}"
    text = DOCUMENTS[name]
    open_document(client, uri, text)
    first = await wait_publish(client, lambda p: p.uri == uri and p.version == 1)
    got = published(first)
    assert got == cli(text, encoding_of(client))
    assert "UnknownInstruction" not in {c for c, *_ in got}

    # replace "curl" (after the lone \r in "lone-cr")
    lines = BREAK.split(text)
    line = next(n for n, s in enumerate(lines) if "curl" in s)
    col = lines[line].index("curl")
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
            [
                lsp.TextDocumentContentChangePartial(
                    range=lsp.Range(lsp.Position(line, col), lsp.Position(line, col + 4)),
                    text="jq",
                )
            ],
        )
    )
    second = await wait_publish(client, lambda p: p.uri == uri and p.version == 2)
    assert published(second) == cli(text.replace("curl", "jq"), encoding_of(client))
