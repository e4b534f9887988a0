"""Registry features end to end: the real server over stdio talks to Debian's
``docker-registry`` on loopback (tag completion, image hover, pinning actions).

If ``docker-registry`` is missing these tests fail (CI installs it)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from dockerls.registry.tags import sort_tags
from tests.e2e.helpers import SERVER, open_document, publish_log, wait_publish
from tests.registry.local_registry import (
    LocalRegistry,
    RegistryBinaryMissing,
    push_image,
    push_index,
    start_registry,
)
from tests.support import until

pytestmark = pytest.mark.registry

_HOME = tempfile.TemporaryDirectory(prefix="dockerls-e2e-registry-")
ENV = {
    **os.environ,
    "XDG_CACHE_HOME": os.path.join(_HOME.name, "cache"),
    "DOCKER_CONFIG": os.path.join(_HOME.name, "docker"),
}
ENV.pop("DOCKERLS_REGISTRY", None)
INIT = {"registry": {"cacheTtlSeconds": 0, "timeoutMs": 3000}}

APP_TAGS = [
    "1.0.0",
    "1.2.0",
    "1.10.0",
    "1.10.0-alpine",
    "2.0.0-rc1",
    "2.0.0",
    "2",
    "latest",
    "edge",
]
WEB_NEW = ["1.27.3-bookworm", "1.27.3", "1.27", "1", "latest", "mainline"]
WEB_OLD = ["1.26.2", "1.26"]
URI = "file:///tmp/registry-e2e/Dockerfile"


def start(tmp: Any) -> LocalRegistry:
    try:
        return start_registry(tmp)
    except RegistryBinaryMissing as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRegistry]:
    reg = start(tmp_path_factory.mktemp("e2e-registry"))
    try:
        reg.seeded["app"] = push_image(reg.url, "team/app", APP_TAGS)
        reg.seeded["multi"] = push_index(reg.url, "team/multi", ["1.0"])
        reg.seeded["web-old"] = push_image(
            reg.url, "team/web", WEB_OLD, created="2024-01-01T00:00:00Z"
        )
        reg.seeded["web"] = push_image(reg.url, "team/web", WEB_NEW, created="2024-06-01T00:00:00Z")
        yield reg
    finally:
        reg.stop()


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=SERVER, server_env=ENV),
    params=["visual_studio_code", "neovim"],
)
async def client(request: pytest.FixtureRequest, lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    params = lsp.InitializeParams(
        capabilities=client_capabilities(request.param), initialization_options=INIT
    )
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


def end_of_line(text: str, line: int) -> lsp.Position:
    return lsp.Position(line, len(text.split("\n")[line]))


async def complete_until_done(client: LanguageClient, pos: lsp.Position) -> lsp.CompletionList:
    """Ask again while the server says the list is incomplete (as editors do)."""
    got: list[lsp.CompletionList] = []

    async def complete() -> bool:
        res = await client.text_document_completion_async(
            lsp.CompletionParams(lsp.TextDocumentIdentifier(URI), pos)
        )
        assert isinstance(res, lsp.CompletionList)
        got.append(res)
        return not res.is_incomplete

    await until(complete, what="a complete tag list", interval=0.05)
    return got[-1]


async def hover_until_resolved(client: LanguageClient, pos: lsp.Position) -> str:
    texts: list[str] = []

    async def resolved() -> bool:
        res = await client.text_document_hover_async(
            lsp.HoverParams(lsp.TextDocumentIdentifier(URI), pos)
        )
        assert res is not None and isinstance(res.contents, lsp.MarkupContent)
        texts.append(res.contents.value)
        return "Resolved digest" in texts[-1]

    await until(resolved, what="a hover with the resolved digest", interval=0.05)
    return texts[-1]


async def code_actions(
    client: LanguageClient, line: int, diagnostics: list[lsp.Diagnostic] | None = None
) -> list[lsp.CodeAction]:
    res = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            lsp.TextDocumentIdentifier(URI),
            lsp.Range(lsp.Position(line, 0), lsp.Position(line, 0)),
            lsp.CodeActionContext(diagnostics=diagnostics or []),
        )
    )
    return [a for a in res or [] if isinstance(a, lsp.CodeAction)]


def apply(text: str, action: lsp.CodeAction) -> str:
    assert action.edit is not None and action.edit.changes is not None
    lines = text.split("\n")
    for e in sorted(
        action.edit.changes[URI],
        key=lambda e: (e.range.start.line, e.range.start.character),
        reverse=True,
    ):
        assert e.range.start.line == e.range.end.line
        ln = lines[e.range.start.line]
        lines[e.range.start.line] = (
            ln[: e.range.start.character] + e.new_text + ln[e.range.end.character :]
        )
    return "\n".join(lines)


@pytest.mark.asyncio
async def test_tag_completion_newest_first(client: LanguageClient, registry: LocalRegistry) -> None:
    text = f"FROM {registry.host}/team/app:\n"
    open_document(client, URI, text)
    res = await complete_until_done(client, end_of_line(text, 0))
    assert not res.is_incomplete
    labels = [i.label for i in sorted(res.items, key=lambda i: i.sort_text or "")]
    assert labels == sort_tags(APP_TAGS)
    assert labels[:4] == ["2.0.0", "2.0.0-rc1", "2", "1.10.0"]


@pytest.mark.asyncio
async def test_image_hover_shows_registry_details(
    client: LanguageClient, registry: LocalRegistry
) -> None:
    text = f"FROM {registry.host}/team/multi:1.0 AS base\nRUN true\n"
    open_document(client, URI, text)
    hover = await hover_until_resolved(client, lsp.Position(0, 8))
    assert registry.seeded["multi"]["digest"] in hover
    assert "linux/amd64" in hover and "linux/arm64/v8" in hover
    assert "2024-03-01T00:00:00Z" in hover  # created date of the linux/amd64 image


@pytest.mark.asyncio
async def test_pin_to_digest_keeps_the_tag(client: LanguageClient, registry: LocalRegistry) -> None:
    text = f"FROM {registry.host}/team/app:1.2.0\nRUN true\n"
    open_document(client, URI, text)
    actions = await code_actions(client, 0)
    pin = [a for a in actions if a.title.startswith("Pin to digest")]
    assert len(pin) == 1, [a.title for a in actions]
    digest = registry.seeded["app"]["digest"]
    assert apply(text, pin[0]).split("\n")[0] == f"FROM {registry.host}/team/app:1.2.0@{digest}"


@pytest.mark.asyncio
async def test_pin_latest_to_most_specific_version(
    client: LanguageClient, registry: LocalRegistry
) -> None:
    text = f"FROM {registry.host}/team/web:latest\nRUN true\n"
    open_document(client, URI, text)
    await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    dl3007 = [d for d in client.diagnostics[URI] if d.code == "DL3007"]
    assert len(dl3007) == 1
    actions = await code_actions(client, 0, dl3007)
    version = [a for a in actions if a.title.startswith("Pin to a specific version")]
    assert len(version) == 1, [a.title for a in actions]
    assert (
        apply(text, version[0]).split("\n")[0] == f"FROM {registry.host}/team/web:1.27.3-bookworm"
    )
    assert version[0].kind == lsp.CodeActionKind.QuickFix
    assert version[0].diagnostics and version[0].diagnostics[0].code == "DL3007"


@pytest.mark.asyncio
async def test_untagged_image_gets_version_tag(
    client: LanguageClient, registry: LocalRegistry
) -> None:
    text = f"FROM {registry.host}/team/web\n"
    open_document(client, URI, text)
    actions = await code_actions(client, 0)
    version = [a for a in actions if a.title.startswith("Pin to a specific version")]
    assert len(version) == 1
    assert apply(text, version[0]) == f"FROM {registry.host}/team/web:1.27.3-bookworm\n"


@pytest.mark.asyncio
async def test_update_pinned_digest_when_tag_moved(
    client: LanguageClient, registry: LocalRegistry
) -> None:
    old = registry.seeded["web-old"]["digest"]
    new = registry.seeded["web"]["digest"]
    assert old != new
    text = f"FROM {registry.host}/team/web:1.27@{old}\n"
    open_document(client, URI, text)
    actions = await code_actions(client, 0)
    titles = [a.title for a in actions]
    update = [a for a in actions if a.title.startswith("Update pinned digest")]
    assert len(update) == 1, titles
    assert apply(text, update[0]) == f"FROM {registry.host}/team/web:1.27@{new}\n"
    assert not any(t.startswith("Pin to") for t in titles)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=ENV))
async def diag_client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    opts = {
        "registry": {
            **INIT["registry"],
            "diagnostics": {"unknownTag": True, "outdatedDigest": True},
        }
    }
    params = lsp.InitializeParams(
        capabilities=client_capabilities("visual_studio_code"), initialization_options=opts
    )
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_registry_diagnostics_merge_into_a_later_publish(
    diag_client: LanguageClient, registry: LocalRegistry
) -> None:
    client = diag_client
    old = registry.seeded["web-old"]["digest"]
    text = f"FROM {registry.host}/team/app:9.9.9\nFROM {registry.host}/team/web:1.27@{old}\n"
    log = publish_log(client)
    open_document(client, URI, text)
    # the first publish is not delayed by the registry: lint results only
    first = await wait_publish(client, lambda p: True)
    assert log[0] is first
    assert not any(d.code in ("DLS201", "DLS202") for d in first.diagnostics)

    def registry_codes(p: lsp.PublishDiagnosticsParams) -> bool:
        return {"DLS201", "DLS202"} <= {d.code for d in p.diagnostics}

    later = await wait_publish(client, registry_codes)
    assert later.version == first.version
    assert {d.code for d in first.diagnostics} <= {d.code for d in later.diagnostics}
    codes = {d.code: d for d in later.diagnostics if d.code in ("DLS201", "DLS202")}
    assert set(codes) == {"DLS201", "DLS202"}
    assert codes["DLS201"].range.start == lsp.Position(0, len(f"FROM {registry.host}/team/app:"))
    assert codes["DLS202"].range.start.line == 1


@pytest.mark.asyncio
async def test_registry_diagnostics_honour_ignore_pragmas(
    diag_client: LanguageClient, registry: LocalRegistry
) -> None:
    client = diag_client
    old = registry.seeded["web-old"]["digest"]
    text = f"FROM {registry.host}/team/app:9.9.9\nFROM {registry.host}/team/web:1.27@{old}\n"
    publish_log(client)
    open_document(client, URI, text)

    def both(p: lsp.PublishDiagnosticsParams) -> bool:
        return {"DLS201", "DLS202"} <= {d.code for d in p.diagnostics}

    await wait_publish(client, both)
    # the same pragma that silences a rule silences a registry check
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(version=2, uri=URI),
            [
                lsp.TextDocumentContentChangePartial(
                    range=lsp.Range(lsp.Position(1, 0), lsp.Position(1, 0)),
                    text="# hadolint ignore=DLS202\n",
                )
            ],
        )
    )
    # the lookups are cached now: one publish of version 2 carries both checks' results
    got = await wait_publish(
        client, lambda p: p.version == 2 and "DLS201" in {d.code for d in p.diagnostics}
    )
    assert "DLS202" not in {d.code for d in got.diagnostics}


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=SERVER, server_env={**ENV, "DOCKERLS_REGISTRY": "fake"}
    )
)
async def fake_client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    params = lsp.InitializeParams(capabilities=client_capabilities("neovim"))
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_fake_registry_selected_by_environment(fake_client: LanguageClient) -> None:
    text = "FROM python:\n"
    open_document(fake_client, URI, text)
    res = await complete_until_done(fake_client, end_of_line(text, 0))
    labels = [i.label for i in sorted(res.items, key=lambda i: i.sort_text or "")]
    assert labels == ["3.13.0rc1", "3.12", "3.12-slim", "3.11", "3.11-slim", "latest"]


async def test_base_image_platform_checked_against_the_registry(
    client: LanguageClient, registry: LocalRegistry
) -> None:
    """BuildKit's InvalidBaseImagePlatform: the image's index offers
    linux/amd64 and linux/arm64, so linux/s390x is flagged, arm64 is not."""
    image = f"{registry.host}/team/multi:1.0"
    text = f"FROM --platform=linux/s390x {image} AS a\nFROM --platform=linux/arm64 {image} AS b\n"
    uri = "file:///tmp/registry-e2e/platform/Dockerfile"
    open_document(client, uri, text)

    def found() -> list[lsp.Diagnostic]:
        return [d for d in client.diagnostics.get(uri, ()) if d.code == "InvalidBaseImagePlatform"]

    await until(found, what="InvalidBaseImagePlatform")
    hits = found()
    assert [d.range for d in hits] == [lsp.Range(lsp.Position(0, 16), lsp.Position(0, 27))]
    assert "linux/amd64" in hits[0].message and "linux/arm64" in hits[0].message


async def test_base_image_platform_respects_pragmas_and_check_skip(
    client: LanguageClient, registry: LocalRegistry
) -> None:
    image = f"{registry.host}/team/multi:1.0"

    def codes(u: str) -> set[str]:
        return {str(d.code) for d in client.diagnostics.get(u, ())}

    # a control document fills the registry cache first
    control = "file:///tmp/registry-e2e/platform-control/Dockerfile"
    open_document(client, control, f"FROM --platform=linux/s390x {image} AS a\n")
    await until(lambda: "InvalidBaseImagePlatform" in codes(control), what="the control finding")

    # now the platforms are cached: the first publish would carry the finding
    skipped = "file:///tmp/registry-e2e/platform-skip/Dockerfile"
    open_document(
        client,
        skipped,
        f"# check=skip=InvalidBaseImagePlatform\nFROM --platform=linux/s390x {image} AS a\n",
    )
    pragma = "file:///tmp/registry-e2e/platform-pragma/Dockerfile"
    open_document(
        client,
        pragma,
        f"# hadolint ignore=InvalidBaseImagePlatform\nFROM --platform=linux/s390x {image} AS a\n",
    )
    await until(lambda: skipped in client.diagnostics and pragma in client.diagnostics)
    assert "InvalidBaseImagePlatform" not in codes(skipped)
    assert "InvalidBaseImagePlatform" not in codes(pragma)
    assert "FromPlatformFlagConstDisallowed" in codes(pragma)  # linted, just not this code
