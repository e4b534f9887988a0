"""What the end-to-end tests share: the server command, the one way to open a
document, and every publishDiagnostics a client receives, in order.

``client.wait_for_notification`` only sees a notification if a waiter is
already registered when it arrives; two publishes read in one go (lint results,
then registry or ShellCheck results a moment later) lose the second one. The
publish log hooks the client's own publishDiagnostics handler instead, so
nothing is missed, and tests wait on the log with a predicate."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import pytest
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import default_feature

from dockerls import settings as settings_mod
from dockerls.analysis.facts import Facts
from dockerls.cli_check import lint_text
from dockerls.formats import Problem
from tests.support import until

SERVER = [sys.executable, "-m", "dockerls", "serve"]
Key = tuple[str, int, int, int, int, int]
"""A finding as both paths can give it: code, 0-based range, LSP severity."""


def problem_key(p: Problem) -> Key:
    """The key of one of the CLI's problems (1-based positions)."""
    return (p.code, p.line - 1, p.column - 1, p.end_line - 1, p.end_column - 1, int(p.severity))


def cli_keys(text: str, settings: dict[str, Any], facts: Facts) -> list[Key]:
    """The keys of the CLI's lint of ``text`` (its path ``Dockerfile``) under ``settings``
    (as a client's initialization options) with ``facts``, sorted."""
    s, errors = settings_mod.load_layers([("initializationOptions", settings)])
    assert not errors
    found = lint_text(text, "Dockerfile", settings_mod.to_lint_config(s), facts)
    return sorted(map(problem_key, found))


def diagnostic_key(d: lsp.Diagnostic) -> Key:
    """The key of one of the server's diagnostics."""
    r = d.range
    sev = int(d.severity or 0)
    return (str(d.code), r.start.line, r.start.character, r.end.line, r.end.character, sev)


@default_feature(lsp.CLIENT_REGISTER_CAPABILITY)
def register_capability(client: LanguageClient, params: lsp.RegistrationParams) -> None:
    """Every test client accepts dynamic registrations (the server registers file watchers
    where the capabilities allow), and keeps them in ``registrations(client)``."""
    registrations(client).append(params)


def registrations(client: LanguageClient) -> list[lsp.RegistrationParams]:
    found: list[lsp.RegistrationParams] | None = getattr(client, "_dockerls_registrations", None)
    if found is None:
        found = []
        client._dockerls_registrations = found  # type: ignore[attr-defined]
    return found


def registered(client: LanguageClient, *methods: str) -> list[lsp.Registration]:
    """The dynamic registrations of ``methods`` the client received, in order."""
    return [r for p in registrations(client) for r in p.registrations if r.method in methods]


async def initialize_with(client: LanguageClient, settings: dict[str, Any]) -> None:
    """Start a session as VS Code does, with ``settings`` as initialization options."""
    params = lsp.InitializeParams(
        capabilities=client_capabilities("visual_studio_code"), initialization_options=settings
    )
    await client.initialize_session(params)


def open_document(
    client: LanguageClient,
    uri: str,
    text: str,
    version: int = 1,
    language_id: str = "dockerfile",
) -> lsp.TextDocumentIdentifier:
    """Send didOpen for ``text`` at ``uri``; the identifier for later requests."""
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, language_id, version, text))
    )
    return lsp.TextDocumentIdentifier(uri)


def publish_log(client: LanguageClient) -> list[lsp.PublishDiagnosticsParams]:
    """The list of publishes this client has received since the first call."""
    log: list[lsp.PublishDiagnosticsParams] | None = getattr(client, "_dockerls_publishes", None)
    if log is not None:
        return log
    log = []
    features = client.protocol.fm.features
    original = features[lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def recording(params: lsp.PublishDiagnosticsParams, *args: Any) -> Any:
        log.append(params)
        return original(params, *args)

    features[lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = recording
    client._dockerls_publishes = log  # type: ignore[attr-defined]
    return log


async def wait_publish(
    client: LanguageClient,
    pred: Callable[[lsp.PublishDiagnosticsParams], bool],
    timeout: float = 15.0,
) -> lsp.PublishDiagnosticsParams:
    """The first publish (already received or still to come) that satisfies ``pred``."""
    log = publish_log(client)
    found: list[lsp.PublishDiagnosticsParams] = []
    scanned = 0

    def matched() -> bool:
        nonlocal scanned
        while not found and scanned < len(log):
            if pred(log[scanned]):
                found.append(log[scanned])
            scanned += 1
        return bool(found)

    try:
        await until(matched, timeout)
    except pytest.fail.Exception:
        got = [(p.version, sorted({str(d.code) for d in p.diagnostics})) for p in log]
        pytest.fail(f"no matching publish within {timeout}s; got {got}")
    return found[0]
