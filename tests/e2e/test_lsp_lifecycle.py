"""The LSP lifecycle as the specification states it, over raw JSON-RPC on stdio
(the benchmark harness's client: no LSP framework deciding for the server):

* a request before ``initialize`` gets ServerNotInitialized (-32002), and
  notifications then are dropped;
* a second ``initialize`` is refused (InvalidRequest);
* a request after ``shutdown`` gets InvalidRequest (-32600), not silence;
* ``exit`` after ``shutdown`` ends the process with 0, ``exit`` without it with 1.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from tests.e2e.helpers import SERVER
from tests.support import REPO, bench_module

_client = bench_module("lsp_client")
LspClient = _client.LspClient
ENV = {**os.environ, "DOCKERLS_REGISTRY": "fake"}  # no registry on the network
LspError = _client.LspError

SERVER_NOT_INITIALIZED = -32002
INVALID_REQUEST = -32600
TEXT = "FROM alpine:3.19\nRUN echo hi\n"
OPTIONS = {"shellcheck": {"enabled": False}}


def _hover(uri: str) -> dict[str, object]:
    return {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 1}}


async def _exit_code(client: object, timeout: float = 60.0) -> int:
    proc = client.proc  # type: ignore[attr-defined]
    return int(await asyncio.wait_for(proc.wait(), timeout))


async def test_requests_before_initialize_get_server_not_initialized(tmp_path: Path) -> None:
    uri = (tmp_path / "Dockerfile").as_uri()
    async with LspClient(SERVER, cwd=REPO, env=ENV, name="dockerls") as client:
        with pytest.raises(LspError) as err:
            await client.request("textDocument/hover", _hover(uri), timeout=60)
        assert err.value.code == SERVER_NOT_INITIALIZED
        with pytest.raises(LspError) as err:
            await client.request("shutdown", None, timeout=60)
        assert err.value.code == SERVER_NOT_INITIALIZED
        client.did_open(uri, TEXT)  # a notification before initialize is dropped
        await client.initialize(tmp_path, initialization_options=OPTIONS)
        with pytest.raises(LspError) as err:  # the document was never opened
            await client.request("textDocument/hover", _hover(uri), timeout=60)
        assert err.value.code != SERVER_NOT_INITIALIZED
        client.did_open(uri, TEXT)
        await client.wait_for_diagnostics(uri, 1, timeout=60)
        assert await client.request("textDocument/hover", _hover(uri), timeout=60) is not None


async def test_second_initialize_is_refused(tmp_path: Path) -> None:
    async with LspClient(SERVER, cwd=REPO, env=ENV, name="dockerls") as client:
        first = await client.initialize(tmp_path, initialization_options=OPTIONS)
        assert "capabilities" in first
        with pytest.raises(LspError) as err:
            await client.initialize(tmp_path, initialization_options=OPTIONS, timeout=60)
        assert err.value.code == INVALID_REQUEST
        uri = (tmp_path / "Dockerfile").as_uri()
        client.did_open(uri, TEXT)  # the first session goes on
        await client.wait_for_diagnostics(uri, 1, timeout=60)


async def test_requests_after_shutdown_get_invalid_request_then_exit_0(tmp_path: Path) -> None:
    uri = (tmp_path / "Dockerfile").as_uri()
    client = LspClient(SERVER, cwd=REPO, env=ENV, name="dockerls")
    await client.start()
    try:
        await client.initialize(tmp_path, initialization_options=OPTIONS)
        client.did_open(uri, TEXT)
        await client.wait_for_diagnostics(uri, 1, timeout=60)
        assert await client.request("shutdown", None, timeout=60) is None
        for method, params in (("textDocument/hover", _hover(uri)), ("shutdown", None)):
            with pytest.raises(LspError) as err:
                await client.request(method, params, timeout=60)
            assert err.value.code == INVALID_REQUEST
        client.notify("exit", None)
        assert await _exit_code(client) == 0
    finally:
        await client.stop()


@pytest.mark.parametrize("initialized", [True, False])
async def test_exit_without_shutdown_exits_1(tmp_path: Path, initialized: bool) -> None:
    client = LspClient(SERVER, cwd=REPO, env=ENV, name="dockerls")
    await client.start()
    try:
        if initialized:
            await client.initialize(tmp_path, initialization_options=OPTIONS)
        client.notify("exit", None)
        assert await _exit_code(client) == 1
        assert not any("Traceback" in line for line in client.stderr_tail)
    finally:
        await client.stop()
