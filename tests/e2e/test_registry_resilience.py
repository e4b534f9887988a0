"""The server stays responsive when a registry hangs, and asks nothing when
lookups are off.

- A "black hole" registry accepts connections and never answers: hover on an
  instruction and diagnostics for an edit still come back at once while
  registry calls are stuck.
- ``registry.enabled = false``: a stub registry that counts requests sees none,
  and the hover says that lookups are off.  A control run with lookups on shows
  the same stub is reachable (so the zero count means something).
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.e2e.helpers import SERVER, open_document, publish_log, wait_publish
from tests.registry.stubs import BlackHole, Reply, Seen, StubServer
from tests.support import until

pytestmark = pytest.mark.registry

_HOME = tempfile.TemporaryDirectory(prefix="dockerls-e2e-resilience-")
ENV = {
    **os.environ,
    "XDG_CACHE_HOME": os.path.join(_HOME.name, "cache"),
    "DOCKER_CONFIG": os.path.join(_HOME.name, "docker"),
}
ENV.pop("DOCKERLS_REGISTRY", None)
URI = "file:///tmp/registry-resilience/Dockerfile"
# the registry timeout of the hanging test: the code action it starts stays pending this
# long, so answers that arrive while it is pending did not wait for the registry
STUCK_MS = 8000


def _stub(_server: StubServer, seen: Seen) -> Reply:
    if seen.path.rstrip("/") == "/v2":
        return Reply(200, b"{}", {"Content-Type": "application/json"})
    if seen.path.startswith("/v2/team/app/tags/list"):
        body = json.dumps({"name": "team/app", "tags": ["1.0", "2.0"]}).encode()
        return Reply(200, body, {"Content-Type": "application/json"})
    return Reply(404, b'{"errors":[{"code":"NAME_UNKNOWN","message":"unknown"}]}')


@pytest.fixture(scope="module")
def stub() -> Iterator[StubServer]:
    with StubServer(_stub) as s:
        yield s


@pytest.fixture(scope="module")
def black_hole() -> Iterator[BlackHole]:
    with BlackHole() as bh:
        yield bh


async def _start(client: LanguageClient, editor: str, registry: dict[str, Any]) -> None:
    params = lsp.InitializeParams(
        capabilities=client_capabilities(editor),
        initialization_options={"registry": {"cacheTtlSeconds": 0, **registry}},
    )
    await client.initialize_session(params)


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=SERVER, server_env=ENV),
    params=["visual_studio_code", "neovim"],
)
async def offline_client(
    request: pytest.FixtureRequest, lsp_client: LanguageClient, stub: StubServer
):  # type: ignore[no-untyped-def]
    before = len(stub.seen)
    await _start(lsp_client, request.param, {"enabled": False})
    yield
    await lsp_client.shutdown_session()
    # the server has exited: nothing it started in the background can reach the stub
    # any more, so this count is final
    assert len(stub.seen) == before, "an offline server asked the registry"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=ENV))
async def online_client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    await _start(lsp_client, "visual_studio_code", {"timeoutMs": 3000})
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=ENV))
async def stuck_client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    await _start(
        lsp_client,
        "visual_studio_code",
        {"timeoutMs": STUCK_MS, "diagnostics": {"unknownTag": True, "outdatedDigest": True}},
    )
    yield
    await lsp_client.shutdown_session()


def hover_params(line: int, col: int) -> lsp.HoverParams:
    return lsp.HoverParams(lsp.TextDocumentIdentifier(URI), lsp.Position(line, col))


def completion_params(line: int, col: int) -> lsp.CompletionParams:
    return lsp.CompletionParams(lsp.TextDocumentIdentifier(URI), lsp.Position(line, col))


@pytest.mark.asyncio
async def test_offline_requests_nothing_and_says_so(
    offline_client: LanguageClient, stub: StubServer
) -> None:
    client = offline_client
    text = f"FROM {stub.host}/team/app:\nFROM {stub.host}/team/app:1.0\nRUN true\n"
    open_document(client, URI, text)
    await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)

    res = await client.text_document_completion_async(
        completion_params(0, len(text.split("\n")[0]))
    )
    assert isinstance(res, lsp.CompletionList)
    assert not res.is_incomplete
    assert not [i for i in res.items if i.label in ("1.0", "2.0")]

    hover = await client.text_document_hover_async(hover_params(1, 8))
    assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
    assert "registry lookups are turned off" in hover.contents.value

    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            lsp.TextDocumentIdentifier(URI),
            lsp.Range(lsp.Position(1, 0), lsp.Position(1, 0)),
            lsp.CodeActionContext(diagnostics=[]),
        )
    )
    titles = [a.title for a in actions or []]
    assert not any(t.startswith(("Pin to", "Update pinned")) for t in titles)
    # the fixture checks, once the server has exited, that the stub saw no request


@pytest.mark.asyncio
async def test_control_lookups_on_reach_the_same_stub(
    online_client: LanguageClient, stub: StubServer
) -> None:
    client = online_client
    text = f"FROM {stub.host}/team/app:\n"
    open_document(client, URI, text)
    pos = completion_params(0, len(text.split("\n")[0]))
    labels: list[str] = []

    async def complete() -> bool:
        res = await client.text_document_completion_async(pos)
        assert isinstance(res, lsp.CompletionList)
        labels[:] = [i.label for i in res.items]
        return not res.is_incomplete

    await until(complete, what="a complete tag list", interval=0.05)
    assert labels == ["2.0", "1.0"]
    assert any(s.path.startswith("/v2/team/app/tags/list") for s in stub.seen)


@pytest.mark.asyncio
async def test_hanging_registry_does_not_block_hover_or_diagnostics(
    stuck_client: LanguageClient, black_hole: BlackHole
) -> None:
    client = stuck_client
    text = f"FROM {black_hole.host}/team/app:1.0@sha256:{'a' * 64}\nRUN echo hi\n"
    open_document(client, URI, text)
    await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)

    # start registry calls that will hang: tags (completion), image details (hover),
    # pinning facts (code action, awaited in the background)
    res = await client.text_document_completion_async(
        completion_params(0, 5 + len(black_hole.host) + 13)
    )
    assert isinstance(res, lsp.CompletionList)
    assert res.is_incomplete  # answered before the lookup ended: the client should ask again
    image_hover = asyncio.ensure_future(client.text_document_hover_async(hover_params(0, 8)))
    action = asyncio.ensure_future(
        client.text_document_code_action_async(
            lsp.CodeActionParams(
                lsp.TextDocumentIdentifier(URI),
                lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)),
                lsp.CodeActionContext(diagnostics=[]),
            )
        )
    )
    await until(lambda: black_hole.accepted, what="the server to connect to the black hole")

    hover = await client.text_document_hover_async(hover_params(1, 1))
    assert not action.done(), "the hover waited for the stuck registry"
    assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
    assert "RUN" in hover.contents.value

    publish_log(client)
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(version=2, uri=URI),
            [
                lsp.TextDocumentContentChangePartial(
                    range=lsp.Range(lsp.Position(1, 0), lsp.Position(1, 3)), text="run"
                )
            ],
        )
    )
    await wait_publish(client, lambda p: p.version == 2)
    assert not action.done(), "the publish waited for the stuck registry"
    assert any(d.code for d in client.diagnostics[URI])  # lowercase `run` is reported

    # the image hover and the code action finish too (bounded by the timeouts)
    h = await asyncio.wait_for(image_hover, timeout=6)
    assert h is not None and isinstance(h.contents, lsp.MarkupContent)
    assert "Resolved digest" not in h.contents.value
    acts = await asyncio.wait_for(action, timeout=STUCK_MS / 1000 + 10)
    assert not any(a.title.startswith(("Pin to", "Update pinned")) for a in acts or [])
