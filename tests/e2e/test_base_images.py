"""Base-image intelligence end to end over stdio, with DOCKERLS_TODAY fixed (tests/conftest.py):
lifecycle diagnostics, hover and the upgrade fix offline; vulnerabilities (SBOM attestation in
Debian's real docker-registry on loopback + a stub OSV), leaner variants and their sizes; no
request at all with registry lookups off; a silent OSV delays nothing past its timeout."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from dockerls.features.images import human_size
from tests.e2e.helpers import SERVER, open_document, wait_publish
from tests.registry.local_registry import (
    LocalRegistry,
    RegistryBinaryMissing,
    push_attested_index,
    start_registry,
)
from tests.registry.osv_stub import osv_handler
from tests.registry.stubs import BlackHole, Reply, StubServer
from tests.registry.test_vulnscan import PURLS
from tests.support import until

_HOME = tempfile.TemporaryDirectory(prefix="dockerls-e2e-images-")
ENV = {
    **os.environ,
    "XDG_CACHE_HOME": os.path.join(_HOME.name, "cache"),
    "DOCKER_CONFIG": os.path.join(_HOME.name, "docker"),
}
ENV.pop("DOCKERLS_REGISTRY", None)

LIFECYCLE = """\
FROM python:3.7
FROM node:16-alpine
FROM debian:buster
FROM ubuntu:18.04
FROM python:3.12-slim-buster
FROM python:3.14-slim-trixie
"""
URI = "file:///tmp/base-images-e2e/Dockerfile"


def _codes(p: lsp.PublishDiagnosticsParams) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for d in p.diagnostics:
        out.setdefault(d.range.start.line, set()).add(str(d.code))
    return out


async def _session(lsp_client: LanguageClient, init: dict[str, Any]) -> None:
    params = lsp.InitializeParams(
        capabilities=client_capabilities("visual_studio_code"), initialization_options=init
    )
    await lsp_client.initialize_session(params)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=ENV))
async def offline(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    await _session(lsp_client, {"registry": {"enabled": False}})
    yield
    await lsp_client.shutdown_session()


async def test_lifecycle_diagnostics_hover_and_upgrade_fix(offline: LanguageClient) -> None:
    doc = open_document(offline, URI, LIFECYCLE)
    pub = await wait_publish(
        offline, lambda p: p.uri == URI and any(str(d.code) == "DLS301" for d in p.diagnostics)
    )
    codes = _codes(pub)
    assert "DLS301" in codes[0] and "DLS301" in codes[1] and "DLS301" in codes[2]
    assert "DLS301" in codes[3]
    assert "DLS303" in codes[4] and "DLS301" not in codes.get(4, set())
    assert not {"DLS301", "DLS302", "DLS303"} & codes.get(5, set())  # maintained
    d = next(d for d in pub.diagnostics if d.range.start.line == 0 and str(d.code) == "DLS301")
    assert (d.range.start.character, d.range.end.character) == (12, 15)
    assert "2023-06-27" in d.message

    hover = await offline.text_document_hover_async(lsp.HoverParams(doc, lsp.Position(0, 13)))
    assert hover is not None
    text = (
        hover.contents.value
        if isinstance(hover.contents, lsp.MarkupContent)
        else str(hover.contents)
    )
    assert "Python 3.7" in text and "end of life" in text and "python:3.14" in text
    assert "data from shipped snapshot" in text

    expected = {
        0: "python:3.14",
        1: "node:26-alpine",
        2: "debian:trixie",
        3: "ubuntu:26.04",
        4: "python:3.14-slim-trixie",
    }
    labels = {0: "Python 3.7", 1: "Node.js 16", 2: "Debian 10", 3: "Ubuntu 18.04", 4: "Debian 10"}
    for line, target in expected.items():
        diags = [
            x
            for x in pub.diagnostics
            if x.range.start.line == line and str(x.code) in ("DLS301", "DLS303")
        ]
        actions = await offline.text_document_code_action_async(
            lsp.CodeActionParams(doc, diags[0].range, lsp.CodeActionContext(diagnostics=diags))
        )
        titles = [a.title for a in actions or [] if isinstance(a, lsp.CodeAction)]
        assert f"Upgrade to `{target}` (tag not verified) (unsafe)" in titles, titles
        # hover on each: the line (or OS) that ended, and the same suggestion as the fix
        text = await _hover_text(offline, doc, lsp.Position(line, 6))
        assert labels[line] in text and "**end of life**" in text, text
        assert f"Suggested: `{target}`" in text, text
    maintained = await _hover_text(offline, doc, lsp.Position(5, 6))
    assert "Python 3.14" in maintained and "supported until" in maintained
    assert "end of life" not in maintained and "Suggested" not in maintained


# ------------------------------------------------------------ with the registry and OSV


SIZES: dict[str, int] = {}  # tag -> compressed size of its linux/amd64 image, as pushed


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRegistry]:
    try:
        reg = start_registry(tmp_path_factory.mktemp("e2e-images"))
    except RegistryBinaryMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        full = push_attested_index(reg.url, "library/python", ["3.12"], PURLS, layer_bytes=900_000)
        slim = push_attested_index(
            reg.url, "library/python", ["3.12-slim"], PURLS[:1], layer_bytes=200_000
        )
        alpine = push_attested_index(
            reg.url, "library/python", ["3.12-alpine"], None, layer_bytes=50_000
        )
        SIZES.update(
            {"3.12": full["size"], "3.12-slim": slim["size"], "3.12-alpine": alpine["size"]}
        )
        push_attested_index(reg.url, "team/plain", ["1.0"], None)
        # linux/amd64 with nothing OSV knows; linux/arm64 with the vulnerable packages
        push_attested_index(reg.url, "team/multi", ["1.0"], PURLS[2:3], more={"arm64": PURLS})
        yield reg
    finally:
        reg.stop()


@pytest.fixture(scope="module")
def osv() -> Iterator[StubServer]:
    with StubServer(osv_handler) as stub:
        yield stub


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=ENV))
async def online(lsp_client: LanguageClient, osv: StubServer):  # type: ignore[no-untyped-def]
    await _session(lsp_client, _online_init(osv))
    yield
    await lsp_client.shutdown_session()


def _online_init(osv: StubServer, build: dict[str, Any] | None = None) -> dict[str, Any]:
    """Lookups on (no cache), OSV answered by the stub, and the editor's ``build`` settings."""
    init: dict[str, Any] = {
        "registry": {"cacheTtlSeconds": 0, "timeoutMs": 3000},
        "images": {"vulnerabilities": {"osvUrl": osv.url, "timeoutMs": 3000}},
    }
    if build is not None:
        init["build"] = build
    return init


async def _hover_text(
    client: LanguageClient, doc: lsp.TextDocumentIdentifier, pos: lsp.Position
) -> str:
    hover = await asyncio.wait_for(client.text_document_hover_async(lsp.HoverParams(doc, pos)), 20)
    assert hover is not None
    return (
        hover.contents.value
        if isinstance(hover.contents, lsp.MarkupContent)
        else str(hover.contents)
    )


async def _vulnerabilities(client: LanguageClient, uri: str, text: str) -> list[lsp.Diagnostic]:
    """Open ``text`` at ``uri``; the DLS310 findings of the first publish that has some."""
    open_document(client, uri, text)
    pub = await wait_publish(
        client,
        lambda p: p.uri == uri and any(str(d.code) == "DLS310" for d in p.diagnostics),
        timeout=30,
    )
    return [d for d in pub.diagnostics if str(d.code) == "DLS310"]


async def test_vulnerabilities_and_variants(
    online: LanguageClient, registry: LocalRegistry, osv: StubServer
) -> None:
    text = f"FROM {registry.host}/library/python:3.12\nRUN apt-get update\nFROM {registry.host}/team/plain:1.0\n"
    uri = "file:///tmp/base-images-e2e/vulns/Dockerfile"
    found = await _vulnerabilities(online, uri, text)
    doc = lsp.TextDocumentIdentifier(uri)
    d = found[0]
    assert d.range.start.line == 0 and "1 critical, 2 high" in d.message
    assert all(d.range.start.line != 2 for d in found)
    # OSV was asked by ecosystem and source package
    batch = next(s for s in osv.seen if s.path == "/v1/querybatch")
    assert b'"Debian:12"' in batch.body and b'"openssl"' in batch.body
    assert b'"glibc"' in batch.body and b'"libssl3"' not in batch.body  # source names
    assert b'"Alpine:v3.21"' in batch.body and b'"busybox"' in batch.body

    # hover: counts, top vulnerabilities, variants with sizes from the local registry
    async def complete_hover() -> str:
        return await _hover_text(online, doc, lsp.Position(0, len("FROM ") + 3))

    hover = await complete_hover()
    for _ in range(20):
        if "Leaner variants" in hover:
            break
        hover = await complete_hover()
    assert "1 critical" in hover and "DEBIAN-CVE-2026-0001" in hover
    assert "openssl 3.0.11-1~deb12u2 → 3.0.15-1~deb12u1" in hover
    # the sizes are the sums of the pushed manifests' layers and config
    for tag in ("3.12-slim", "3.12-alpine"):
        assert f"`{registry.host}/library/python:{tag}` {human_size(SIZES[tag])}" in hover, hover
    plain = await _hover_text(online, doc, lsp.Position(2, len("FROM ") + 3))
    assert "no SBOM published for this image" in plain

    # the switch action warns that alpine has no apt-get
    actions = await online.text_document_code_action_async(
        lsp.CodeActionParams(
            doc,
            lsp.Range(lsp.Position(0, 6), lsp.Position(0, 6)),
            lsp.CodeActionContext(diagnostics=[]),
        )
    )
    titles = [a.title for a in actions or [] if isinstance(a, lsp.CodeAction)]
    slim = next(
        t for t in titles if t.startswith(f"Switch to `{registry.host}/library/python:3.12-slim`")
    )
    delta = (SIZES["3.12-slim"] - SIZES["3.12"]) / 1e6
    assert f"(−{abs(delta):.0f} MB)" in slim, slim
    alpine = next(t for t in titles if "3.12-alpine" in t)
    assert "apt-get" in alpine


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=ENV))
async def built(lsp_client: LanguageClient, osv: StubServer, registry: LocalRegistry):  # type: ignore[no-untyped-def]
    """The editor's build passes BASE: the registry's python:3.12."""
    await _session(
        lsp_client, _online_init(osv, {"args": {"BASE": f"{registry.host}/library/python:3.12"}})
    )
    yield
    await lsp_client.shutdown_session()


async def test_vulnerabilities_of_the_image_the_build_passes(
    built: LanguageClient, registry: LocalRegistry
) -> None:
    # the default has no SBOM; the build's image has vulnerabilities: reported, naming it
    text = f"ARG BASE={registry.host}/team/plain:1.0\nFROM ${{BASE}}\n"
    uri = "file:///tmp/base-images-e2e/built/Dockerfile"
    [d] = await _vulnerabilities(built, uri, text)
    assert d.range == lsp.Range(lsp.Position(1, 5), lsp.Position(1, 12))
    assert d.message.startswith(
        f"`${{BASE}}` is `{registry.host}/library/python:3.12` in settings has 3 known"
    ), d.message


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=ENV))
async def arm_build(lsp_client: LanguageClient, osv: StubServer, registry: LocalRegistry):  # type: ignore[no-untyped-def]
    """The editor's build targets linux/arm64 (``build.platform``); ``images.platform`` unset."""
    await _session(lsp_client, _online_init(osv, {"platform": "linux/arm64"}))
    yield
    await lsp_client.shutdown_session()


async def test_vulnerabilities_of_the_platform_the_build_targets(
    arm_build: LanguageClient, registry: LocalRegistry
) -> None:
    # the amd64 image's SBOM has nothing OSV knows; the arm64 image's is the one inspected
    text = f"FROM {registry.host}/team/multi:1.0\nRUN true\n"
    uri = "file:///tmp/base-images-e2e/arm/Dockerfile"
    [d] = await _vulnerabilities(arm_build, uri, text)
    assert d.range.start.line == 0 and "1 critical, 2 high" in d.message, d.message


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=ENV))
async def two_platforms(  # type: ignore[no-untyped-def]
    lsp_client: LanguageClient, osv: StubServer, registry: LocalRegistry, tmp_path: Path
):
    """A Compose file builds the Dockerfile for linux/amd64 and linux/arm64."""
    compose = tmp_path / "compose.yaml"
    compose.write_text(
        "services:\n  app:\n    build:\n      context: .\n"
        "      platforms: [linux/amd64, linux/arm64]\n"
    )
    await _session(lsp_client, _online_init(osv, {"composeFiles": [str(compose)]}))
    yield
    await lsp_client.shutdown_session()


async def test_vulnerabilities_of_each_platform_the_build_targets(
    two_platforms: LanguageClient, registry: LocalRegistry, tmp_path: Path
) -> None:
    # only the arm64 image has vulnerabilities OSV knows: a build for both platforms has
    # both images inspected, and the finding says it covers both
    text = f"FROM {registry.host}/team/multi:1.0\nRUN true\n"
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(text)
    uri = dockerfile.as_uri()
    open_document(two_platforms, uri, text)
    pub = await wait_publish(
        two_platforms,
        lambda p: (
            p.uri == uri
            and any("across linux/amd64, linux/arm64" in d.message for d in p.diagnostics)
        ),
        timeout=30,
    )
    [d] = [d for d in pub.diagnostics if str(d.code) == "DLS310"]
    assert d.range.start.line == 0 and "1 critical, 2 high" in d.message, d.message
    # the hover reads the same report
    hover = await _hover_text(
        two_platforms, lsp.TextDocumentIdentifier(uri), lsp.Position(0, len("FROM ") + 3)
    )
    assert "Vulnerabilities across linux/amd64, linux/arm64" in hover, hover
    assert "1 critical" in hover


async def test_upgrade_verified_re_pinned_and_its_fixes_counted(
    online: LanguageClient, registry: LocalRegistry
) -> None:
    """With lookups on, the upgrade fix checks the suggested tag against the registry's tag list
    (no "tag not verified"), re-pins a digest to the new tag's, and the hover says how many of
    the image's vulnerabilities the upgrade fixes (one count: ``fixed_by_upgrade``)."""
    old = push_attested_index(registry.url, "library/python", ["3.7"], PURLS, layer_bytes=3000)
    new = push_attested_index(registry.url, "library/python", ["3.14"], PURLS[:1], layer_bytes=1400)
    image = f"{registry.host}/library/python"
    uri = "file:///tmp/base-images-e2e/upgrade/Dockerfile"
    doc = open_document(online, uri, f"FROM {image}:3.7@{old['digest']} AS app\n")
    wanted = f"Upgrade to `{image}:3.14` (digest re-pinned)"

    def verified(p: lsp.PublishDiagnosticsParams) -> bool:
        return p.uri == uri and any(
            str(d.code) == "DLS301" and wanted in str(d.data) for d in p.diagnostics
        )

    pub = await wait_publish(online, verified, timeout=20)  # once the lookups have landed
    diags = [d for d in pub.diagnostics if str(d.code) == "DLS301"]
    actions = await online.text_document_code_action_async(
        lsp.CodeActionParams(doc, diags[0].range, lsp.CodeActionContext(diagnostics=diags))
    )
    found = [a for a in actions or [] if isinstance(a, lsp.CodeAction)]
    wanted += " (unsafe)"
    action = next(a for a in found if a.title == wanted)
    assert action.edit is not None and action.edit.changes is not None
    (edit,) = action.edit.changes[uri]
    assert edit.new_text == f"{image}:3.14@{new['digest']}"
    assert (edit.range.start.character, edit.range.end.character) == (
        5,
        5 + len(f"{image}:3.7@{old['digest']}"),
    )

    hovered: list[str] = []

    async def counted() -> bool:
        hovered[:] = [await _hover_text(online, doc, lsp.Position(0, 8))]
        return f"`{image}:3.14` fixes 3 of these" in hovered[0]

    await until(counted, timeout=20, what="the upgrade's fixes in the hover")


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=ENV))
async def disabled(lsp_client: LanguageClient, osv: StubServer):  # type: ignore[no-untyped-def]
    await _session(
        lsp_client,
        {"registry": {"enabled": False}, "images": {"vulnerabilities": {"osvUrl": osv.url}}},
    )
    yield
    await lsp_client.shutdown_session()


async def test_lookups_off_requests_nothing(disabled: LanguageClient, osv: StubServer) -> None:
    with StubServer(lambda s, seen: Reply(404)) as fake_registry:
        before = len(osv.seen)
        uri = "file:///tmp/base-images-e2e/off/Dockerfile"
        doc = open_document(disabled, uri, f"FROM {fake_registry.host}/library/python:3.7\n")
        pub = await wait_publish(disabled, lambda p: p.uri == uri)
        hover = await _hover_text(disabled, doc, lsp.Position(0, 8))
        assert "Python 3.7" in hover
        assert any(str(d.code) == "DLS301" for d in pub.diagnostics)
        assert fake_registry.seen == [] and len(osv.seen) == before


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=ENV))
async def silent_osv(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    hole = BlackHole()
    hole.__enter__()
    await _session(
        lsp_client,
        {
            "registry": {"cacheTtlSeconds": 0},
            "images": {"vulnerabilities": {"osvUrl": f"http://{hole.host}", "timeoutMs": 500}},
        },
    )
    yield
    await lsp_client.shutdown_session()
    hole.__exit__()


async def test_a_silent_osv_delays_neither_hover_nor_diagnostics(
    silent_osv: LanguageClient, registry: LocalRegistry
) -> None:
    uri = "file:///tmp/base-images-e2e/silent/Dockerfile"
    doc = open_document(silent_osv, uri, f"FROM {registry.host}/library/python:3.12\n")
    await wait_publish(silent_osv, lambda p: p.uri == uri, timeout=10)
    hover = await _hover_text(silent_osv, doc, lsp.Position(0, 8))
    assert "Python 3.12" in hover
