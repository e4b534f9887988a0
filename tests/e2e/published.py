"""Every publishDiagnostics a test client receives, in order, without races.

``client.wait_for_notification`` only sees a notification if a waiter is
already registered when it arrives; two publishes read in one go (lint results,
then registry or ShellCheck results a moment later) lose the second one. This
log hooks the client's own publishDiagnostics handler instead, so nothing is
missed, and tests wait on the log with a predicate."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient


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
    deadline = time.monotonic() + timeout
    seen = 0
    while True:
        for params in log[seen:]:
            if pred(params):
                return params
        seen = len(log)
        if time.monotonic() > deadline:
            got = [(p.version, sorted({str(d.code) for d in p.diagnostics})) for p in log]
            raise AssertionError(f"no matching publish within {timeout}s; got {got}")
        await asyncio.sleep(0.01)
