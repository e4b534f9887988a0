"""The Dockerfile as each build sees it, over stdio: the server reads the workspace's Compose
and Bake files (the `kiosk` project: a Compose file with two services and a Bake file with two
targets passing different BASE args and targets), and `dockerls check --build-arg ...
--target ...` reports what the server reports for the same build."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from dockerls.cli import main
from dockerls.registry.fake import FakeRegistry
from tests.e2e.helpers import SERVER, open_document, wait_publish
from tests.support import until

KIOSK = Path(__file__).parents[1] / "builds" / "projects" / "kiosk"
ENV = {**os.environ, "DOCKERLS_REGISTRY": "fake"}


@pytest.fixture
def kiosk(tmp_path: Path) -> Path:
    shutil.copytree(KIOSK, tmp_path / "kiosk")
    return (tmp_path / "kiosk").resolve()


@pytest.fixture
def bare(tmp_path: Path) -> Path:
    """The kiosk Dockerfile alone: no Compose or Bake file."""
    folder = tmp_path / "bare"
    folder.mkdir()
    shutil.copy(KIOSK / "Dockerfile", folder / "Dockerfile")
    return folder.resolve()


async def _start(client: LanguageClient, root: Path, options: dict[str, Any]) -> None:
    params = lsp.InitializeParams(
        capabilities=client_capabilities("visual_studio_code"),
        root_uri=root.as_uri(),
        workspace_folders=[lsp.WorkspaceFolder(root.as_uri(), root.name)],
        initialization_options={"shellcheck": {"enabled": False}, **options},
    )
    await client.initialize_session(params)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=ENV))
async def client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    yield
    await lsp_client.shutdown_session()


def _codes(p: lsp.PublishDiagnosticsParams) -> list[str]:
    return sorted(str(d.code) for d in p.diagnostics)


async def test_compose_and_bake_builds_judge_the_dockerfile(
    client: LanguageClient, kiosk: Path
) -> None:
    await _start(client, kiosk, {})
    text = (kiosk / "Dockerfile").read_text()
    doc = open_document(client, (kiosk / "Dockerfile").as_uri(), text)
    published = await wait_publish(client, lambda p: p.uri == doc.uri and "DL3007" in _codes(p))

    # DL3007 for the one build passing python:latest, on the variable, naming the build
    latest = [d for d in published.diagnostics if d.code == "DL3007"]
    assert len(latest) == 1
    assert latest[0].range == lsp.Range(lsp.Position(1, 5), lsp.Position(1, 12))
    assert latest[0].message.startswith("`${BASE}` is `python:latest` in compose:worker")

    # the debug stage no build runs is greyed out (information, Unnecessary), as a whole
    greyed = [d for d in published.diagnostics if d.code == "DLS130"]
    assert len(greyed) == 1
    assert greyed[0].severity == lsp.DiagnosticSeverity.Information
    assert list(greyed[0].tags or ()) == [lsp.DiagnosticTag.Unnecessary]
    assert greyed[0].range == lsp.Range(lsp.Position(11, 0), lsp.Position(12, 31))
    assert "`debug`" in greyed[0].message

    # hover on ${BASE} lists its value in each build
    hover = await client.text_document_hover_async(lsp.HoverParams(doc, lsp.Position(1, 8)))
    assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
    value = hover.contents.value
    for line in (
        "- compose:web: `python:3.12-slim`",
        "- compose:worker: `python:latest`",
        "- bake:app: `python:3.12-slim`",
        "- bake:nightly: `python:3.13-slim`",
    ):
        assert line in value


async def _hover_until(
    client: LanguageClient, doc: lsp.TextDocumentIdentifier, pos: lsp.Position, *parts: str
) -> str:
    texts: list[str] = []

    async def shown() -> bool:
        res = await client.text_document_hover_async(lsp.HoverParams(doc, pos))
        assert res is not None and isinstance(res.contents, lsp.MarkupContent)
        texts.append(res.contents.value)
        return all(p in texts[-1] for p in parts)

    await until(shown, what=f"a hover showing {parts}", interval=0.05)
    return texts[-1]


async def test_image_hover_shows_the_image_of_each_build(
    client: LanguageClient, kiosk: Path
) -> None:
    await _start(client, kiosk, {})
    doc = open_document(client, (kiosk / "Dockerfile").as_uri(), (kiosk / "Dockerfile").read_text())
    fake = FakeRegistry.default()
    slim, latest = (fake.resolve(r).digest for r in ("python:3.12-slim", "python:latest"))
    # hover on FROM ${BASE}: the registry's details of the image each build resolves it to
    value = await _hover_until(client, doc, lsp.Position(1, 6), slim, latest)
    sections = value.split("`${BASE}` is ")[1:]
    assert sorted(s.split(":\n\n", 1)[0] for s in sections) == [
        "`python:3.12-slim` in compose:web, bake:app",
        "`python:3.13-slim` in bake:nightly",
        "`python:latest` in compose:worker",
    ]
    by_image = {s.split("`")[1]: s for s in sections}
    assert slim in by_image["python:3.12-slim"] and latest in by_image["python:latest"]
    assert "Resolved digest" not in by_image["python:3.13-slim"]  # the registry has no such tag
    assert "**Python 3.12**" in by_image["python:3.12-slim"]  # its lifecycle


async def test_image_hover_with_no_build_uses_the_arg_default(
    client: LanguageClient, bare: Path
) -> None:
    await _start(client, bare, {})
    text = "ARG VER=3.11\nFROM python:${VER}-slim\n"
    doc = open_document(client, (bare / "Dockerfile").as_uri(), text)
    digest = FakeRegistry.default().resolve("python:3.11-slim").digest
    # on the literal part of the word and on the variable alike
    for pos in (lsp.Position(1, 7), lsp.Position(1, 15)):
        value = await _hover_until(client, doc, pos, digest)
        assert "`python:${VER}-slim` is `python:3.11-slim`:" in value


async def test_tag_completion_in_the_arg_default_a_from_uses(
    client: LanguageClient, bare: Path
) -> None:
    await _start(client, bare, {})
    text = "ARG VER=3.1\nFROM python:${VER}-slim\n"
    doc = open_document(client, (bare / "Dockerfile").as_uri(), text)
    got: list[lsp.CompletionList] = []

    async def complete() -> bool:
        params = lsp.CompletionParams(doc, lsp.Position(0, 11))
        res = await client.text_document_completion_async(params)
        assert isinstance(res, lsp.CompletionList)
        got.append(res)
        return not res.is_incomplete and bool(res.items)

    await until(complete, what="the tags of python", interval=0.05)
    items = got[-1].items
    assert sorted(i.label for i in items) == ["3.11", "3.12"]  # the -slim tags, suffix left out
    edit = items[0].text_edit
    assert isinstance(edit, lsp.TextEdit)
    assert edit.range == lsp.Range(lsp.Position(0, 8), lsp.Position(0, 11))


async def test_pinning_a_from_built_from_an_arg_edits_its_default(
    client: LanguageClient, bare: Path
) -> None:
    await _start(client, bare, {})
    text = "ARG BASE=python:latest\nFROM ${BASE}\n"
    doc = open_document(client, (bare / "Dockerfile").as_uri(), text)
    res = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            doc,
            lsp.Range(lsp.Position(1, 0), lsp.Position(1, 0)),
            lsp.CodeActionContext(diagnostics=[]),
        )
    )
    edits = {
        a.title: list(a.edit.changes[doc.uri])
        for a in res or []
        if isinstance(a, lsp.CodeAction) and a.edit is not None and a.edit.changes is not None
    }
    digest = FakeRegistry.default().digest("python:latest")
    version = edits["Pin to a specific version (python:3.12) in ARG BASE"]
    assert version == [lsp.TextEdit(lsp.Range(lsp.Position(0, 16), lsp.Position(0, 22)), "3.12")]
    [pin] = [e for t, e in edits.items() if t.startswith("Pin to digest")]
    assert pin == [
        lsp.TextEdit(lsp.Range(lsp.Position(0, 9), lsp.Position(0, 22)), f"python:latest@{digest}")
    ]


async def test_cli_build_reports_what_the_server_reports_for_that_build(
    client: LanguageClient,
    bare: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the server's build: the editor's build.* settings
    await _start(client, bare, {"build": {"args": {"BASE": "python:latest"}, "target": "prod"}})
    text = (bare / "Dockerfile").read_text()
    doc = open_document(client, (bare / "Dockerfile").as_uri(), text)
    published = await wait_publish(client, lambda p: p.uri == doc.uri and "DL3007" in _codes(p))
    server = sorted(
        (
            str(d.code),
            d.range.start.line,
            d.range.start.character,
            d.range.end.line,
            d.range.end.character,
            d.message.replace("settings", "cli"),
        )
        for d in published.diagnostics
    )

    monkeypatch.chdir(bare)
    rc = main(
        [
            "check",
            "--format",
            "json",
            "--no-fail",
            "--no-shellcheck",
            "--build-arg",
            "BASE=python:latest",
            "--target",
            "prod",
            "Dockerfile",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert rc == 0
    cli = sorted(
        (
            p["code"],
            p["line"] - 1,
            p["column"] - 1,
            p["endLine"] - 1,
            p["endColumn"] - 1,
            p["message"],
        )
        for p in out
    )
    assert cli == server
    assert {c[0] for c in cli} == {"DL3007", "DLS130"}  # worker and debug not built


async def test_named_contexts_of_the_settings_and_of_compose_stand_in_for_images_and_stages(
    client: LanguageClient, tmp_path: Path
) -> None:
    """`build.contexts` (the editor's build) and a Compose service's `additional_contexts`:
    `FROM base` and `COPY --from=deps` read them, so neither is an untagged image nor an
    unknown stage; a build without them still gets both findings."""
    root = tmp_path / "named"
    root.mkdir()
    text = "FROM base AS app\nCOPY --from=deps /x /x\n"
    (root / "Dockerfile").write_text(text)
    contexts = {"deps": "./deps", "base": "docker-image://alpine:3.20"}
    await _start(client, root, {"build": {"contexts": contexts}})
    doc = open_document(client, (root / "Dockerfile").as_uri(), text)
    found = await wait_publish(client, lambda p: p.uri == doc.uri)
    assert "DL3006" not in _codes(found) and "DL3022" not in _codes(found)
    # a Compose service with the same contexts, and one without them: the findings return
    compose = root / "compose.yaml"
    compose.write_text(
        "services:\n  app:\n    build:\n      context: .\n      additional_contexts:\n"
        "        deps: ./deps\n        base: docker-image://alpine:3.20\n"
        "  plain:\n    build: .\n"
    )
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(
            [lsp.FileEvent(compose.as_uri(), lsp.FileChangeType.Created)]
        )
    )
    found = await wait_publish(
        client, lambda p: p.uri == doc.uri and {"DL3006", "DL3022"} <= set(_codes(p))
    )
    # only the build without the contexts is named
    messages = [d.message for d in found.diagnostics if d.code in ("DL3006", "DL3022")]
    assert messages and not any("compose:app" in m for m in messages)
    # definition of `deps` in --from=deps: its key in the Compose file
    where = await client.text_document_definition_async(
        lsp.DefinitionParams(doc, lsp.Position(1, 13))
    )
    assert isinstance(where, list) and [loc.uri for loc in where] == [compose.as_uri()]
    line = compose.read_text().splitlines()[where[0].range.start.line]
    assert line[where[0].range.start.character : where[0].range.end.character] == "deps"


async def test_a_settings_context_no_folder_can_have_costs_no_feature(
    client: LanguageClient, tmp_path: Path
) -> None:
    """`build.context` with a NUL character names no folder: the Dockerfile still gets its
    diagnostics, and COPY source completion answers (from the Dockerfile's folder)."""
    root = tmp_path / "nul"
    root.mkdir()
    (root / "app.py").write_text("x")
    text = "FROM alpine:3.20\nCOPY  /srv/\n"
    (root / "Dockerfile").write_text(text)
    await _start(client, root, {"build": {"context": "a\u0000b", "args": {"A": "1"}}})
    doc = open_document(client, (root / "Dockerfile").as_uri(), text)
    await wait_publish(client, lambda p: p.uri == doc.uri)
    got = await client.text_document_completion_async(lsp.CompletionParams(doc, lsp.Position(1, 5)))
    items = got.items if isinstance(got, lsp.CompletionList) else got or []
    assert "app.py" in [i.label for i in items]
