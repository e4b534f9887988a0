"""Compose and Bake files over stdio: diagnostics, definition, completion, references and
links between them and the Dockerfile they build (the `kiosk` project: a Dockerfile, a
Compose file with two services, a Bake file with two targets)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInvalidParams
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.e2e.helpers import SERVER, open_document, publish_log, registered, wait_publish
from tests.support import until

KIOSK = Path(__file__).parents[1] / "builds" / "projects" / "kiosk"


@pytest_lsp.fixture(  # type: ignore[untyped-decorator]
    config=ClientServerConfig(
        server_command=SERVER, server_env={**os.environ, "DOCKERLS_REGISTRY": "fake"}
    ),
    params=["visual_studio_code", "neovim"],
)
async def client(request: pytest.FixtureRequest, lsp_client: LanguageClient, kiosk: Path):  # type: ignore[no-untyped-def]
    params = lsp.InitializeParams(
        capabilities=client_capabilities(request.param),
        root_uri=kiosk.as_uri(),
        initialization_options={"shellcheck": {"enabled": False}},
    )
    watched = (
        params.capabilities.workspace and params.capabilities.workspace.did_change_watched_files
    )
    lsp_client.dynamic_watch = bool(watched and watched.dynamic_registration)  # type: ignore[attr-defined]
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def kiosk(tmp_path: Path) -> Path:
    shutil.copytree(KIOSK, tmp_path / "kiosk")
    return (tmp_path / "kiosk").resolve()


def _codes(p: lsp.PublishDiagnosticsParams) -> list[str]:
    return sorted(str(d.code) for d in p.diagnostics)


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines()) if needle in line)


async def test_compose_target_typo_definition_completion_references(
    client: LanguageClient, kiosk: Path
) -> None:
    dockerfile = open_document(
        client, (kiosk / "Dockerfile").as_uri(), (kiosk / "Dockerfile").read_text()
    )
    compose_text = (kiosk / "compose.yaml").read_text().replace("target: worker", "target: wroker")
    compose = open_document(
        client, (kiosk / "compose.yaml").as_uri(), compose_text, language_id="dockercompose"
    )
    bake_text = (kiosk / "docker-bake.hcl").read_text()  # not open: the workspace scan finds it

    published = await wait_publish(
        client, lambda p: p.uri == compose.uri and "UnknownBuildTarget" in _codes(p)
    )
    typo = next(d for d in published.diagnostics if d.code == "UnknownBuildTarget")
    line = _line_of(compose_text, "target: wroker")
    assert typo.range.start == lsp.Position(line, 14) and "worker" in typo.message
    assert "UnusedBuildArg" in _codes(published)  # LEGACY_FLAG

    # completion at the typo offers the stages; definition from the other service's target
    got = await client.text_document_completion_async(
        lsp.CompletionParams(compose, lsp.Position(line, 16))
    )
    labels = [i.label for i in (got.items if isinstance(got, lsp.CompletionList) else got or [])]
    assert labels == ["base", "prod", "worker", "debug"]
    prod_line = _line_of(compose_text, "target: prod")
    found = await client.text_document_definition_async(
        lsp.DefinitionParams(compose, lsp.Position(prod_line, 15))
    )
    assert isinstance(found, list) and found[0].uri == dockerfile.uri
    assert found[0].range.start == lsp.Position(5, 13)  # FROM base AS |prod

    # references of the stage include the Compose and Bake sites
    refs = await client.text_document_references_async(
        lsp.ReferenceParams(
            text_document=dockerfile,
            position=lsp.Position(5, 15),
            context=lsp.ReferenceContext(include_declaration=True),
        )
    )
    sites = sorted((Path(r.uri).name, r.range.start.line) for r in refs or [])
    assert ("compose.yaml", prod_line) in sites
    assert ("docker-bake.hcl", _line_of(bake_text, 'target = "prod"')) in sites
    assert ("Dockerfile", 5) in sites

    # the link from `dockerfile:` to the file
    links = await client.text_document_document_link_async(lsp.DocumentLinkParams(compose))
    assert [link.target for link in links or []] == [dockerfile.uri]

    # closed, the file on disk speaks again: no typo there
    mark = len(publish_log(client))
    client.text_document_did_close(lsp.DidCloseTextDocumentParams(compose))
    await wait_publish(
        client,
        lambda p: (
            p.uri == compose.uri
            and _codes(p) == ["UnusedBuildArg"]
            and any(q is p for q in publish_log(client)[mark:])
        ),
    )


async def test_fixing_the_dockerfile_rechecks_the_open_compose_file(
    client: LanguageClient, kiosk: Path
) -> None:
    text = (kiosk / "Dockerfile").read_text().replace("AS worker", "AS workers")
    dockerfile = open_document(client, (kiosk / "Dockerfile").as_uri(), text)
    compose = open_document(
        client,
        (kiosk / "compose.yaml").as_uri(),
        (kiosk / "compose.yaml").read_text(),
        language_id="dockercompose",
    )
    await wait_publish(client, lambda p: p.uri == compose.uri and "UnknownBuildTarget" in _codes(p))
    line = _line_of(text, "AS workers")
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(version=2, uri=dockerfile.uri),
            [
                lsp.TextDocumentContentChangePartial(
                    range=lsp.Range(lsp.Position(line, 19), lsp.Position(line, 20)), text=""
                )
            ],
        )
    )
    await wait_publish(
        client, lambda p: p.uri == compose.uri and "UnknownBuildTarget" not in _codes(p)
    )
    # Dockerfile features answer nothing in a Compose file
    hover = await client.text_document_hover_async(lsp.HoverParams(compose, lsp.Position(3, 6)))
    assert hover is None


def _latest_in_worker(p: lsp.PublishDiagnosticsParams) -> bool:
    return any(d.code == "DL3007" and "compose:worker" in d.message for d in p.diagnostics)


async def test_build_files_on_disk_are_checked_and_watched(
    client: LanguageClient, kiosk: Path
) -> None:
    dockerfile = open_document(
        client, (kiosk / "Dockerfile").as_uri(), (kiosk / "Dockerfile").read_text()
    )
    compose_uri = (kiosk / "compose.yaml").as_uri()
    # read from disk, never opened: its diagnostics are published all the same
    await wait_publish(client, lambda p: p.uri == compose_uri and _codes(p) == ["UnusedBuildArg"])
    # the worker service builds from python:latest: DL3007 names it
    await wait_publish(client, lambda p: p.uri == dockerfile.uri and _latest_in_worker(p))

    def watches() -> list[lsp.Registration]:  # (formatting is registered too)
        return registered(client, lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)

    if client.dynamic_watch:  # type: ignore[attr-defined]
        # the server asked to watch Compose, Bake and .env files (else didSave is what it has)
        await until(lambda: bool(watches()), 15)
        (reg,) = watches()
        globs = [w["globPattern"] for w in reg.register_options["watchers"]]
        assert "**/.env" in globs and any("docker-bake" in str(g) for g in globs)
    else:
        assert not watches()
    compose = kiosk / "compose.yaml"
    text = compose.read_text().replace("target: worker", "target: wroker")
    compose.write_text(text.replace("BASE=python:latest", "BASE=python:3.12-slim"))
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(
            [lsp.FileEvent(uri=compose_uri, type=lsp.FileChangeType.Changed)]
        )
    )
    await wait_publish(client, lambda p: p.uri == compose_uri and "UnknownBuildTarget" in _codes(p))
    # the Dockerfile it builds is checked again with the new builds: no python:latest left
    await wait_publish(client, lambda p: p.uri == dockerfile.uri and not _latest_in_worker(p))
    compose.unlink()
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(
            [lsp.FileEvent(uri=compose_uri, type=lsp.FileChangeType.Deleted)]
        )
    )
    await wait_publish(client, lambda p: p.uri == compose_uri and not p.diagnostics)


async def test_saving_an_open_compose_file_rechecks_the_dockerfile(
    client: LanguageClient, kiosk: Path
) -> None:
    dockerfile = open_document(
        client, (kiosk / "Dockerfile").as_uri(), (kiosk / "Dockerfile").read_text()
    )
    compose = kiosk / "compose.yaml"
    doc = open_document(client, compose.as_uri(), compose.read_text(), language_id="dockercompose")
    await wait_publish(client, lambda p: p.uri == dockerfile.uri and _latest_in_worker(p))
    compose.write_text(compose.read_text().replace("BASE=python:latest", "BASE=python:3.12-slim"))
    client.text_document_did_save(lsp.DidSaveTextDocumentParams(doc))
    await wait_publish(client, lambda p: p.uri == dockerfile.uri and not _latest_in_worker(p))


async def test_renaming_a_stage_renames_it_in_the_compose_and_bake_files(
    client: LanguageClient, kiosk: Path
) -> None:
    dockerfile = open_document(
        client, (kiosk / "Dockerfile").as_uri(), (kiosk / "Dockerfile").read_text()
    )
    await wait_publish(client, lambda p: p.uri == dockerfile.uri)
    edit = await client.text_document_rename_async(
        lsp.RenameParams(dockerfile, lsp.Position(8, 16), "jobs")  # FROM base AS wor|ker
    )
    assert edit is not None and edit.changes is not None
    sites = sorted(
        (Path(uri).name, e.range.start.line, e.new_text)
        for uri, edits in edit.changes.items()
        for e in edits
    )
    compose_line = _line_of((kiosk / "compose.yaml").read_text(), "target: worker")
    bake_line = _line_of((kiosk / "docker-bake.hcl").read_text(), 'target = "worker"')
    assert sites == [
        ("Dockerfile", 8, "jobs"),
        ("compose.yaml", compose_line, "jobs"),
        ("docker-bake.hcl", bake_line, "jobs"),
    ]

    # the same rename, asked from the Compose file's `target: worker`
    compose_text = (kiosk / "compose.yaml").read_text()
    compose = open_document(
        client, (kiosk / "compose.yaml").as_uri(), compose_text, language_id="dockercompose"
    )
    at = lsp.Position(compose_line, compose_text.splitlines()[compose_line].index("worker") + 2)
    prep = await client.text_document_prepare_rename_async(lsp.PrepareRenameParams(compose, at))
    assert isinstance(prep, lsp.PrepareRenamePlaceholder) and prep.placeholder == "worker"
    again = await client.text_document_rename_async(lsp.RenameParams(compose, at, "jobs"))
    assert again == edit

    # a target given by interpolation can't follow: the rename is refused, naming it
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(version=2, uri=compose.uri),
            [
                lsp.TextDocumentContentChangeWholeDocument(
                    compose_text.replace("target: worker", "target: ${STAGE:-worker}")
                )
            ],
        )
    )
    with pytest.raises(JsonRpcInvalidParams, match=r"compose.yaml:\d+ gives it as"):
        await client.text_document_rename_async(
            lsp.RenameParams(dockerfile, lsp.Position(8, 16), "jobs")
        )


async def test_dockerfile_features_answer_null_in_compose_and_bake_files(
    client: LanguageClient, kiosk: Path
) -> None:
    """An empty answer is still an answer: VS Code, given an empty list of folding ranges
    for a Compose file, folds nothing there instead of folding it by its indentation.
    The features dockerls has for Dockerfiles only answer null in Compose and Bake files
    (those it has for them too, such as links, hover and quick fixes, answer), and answer in
    the Dockerfile next to them."""
    dockerfile = open_document(
        client, (kiosk / "Dockerfile").as_uri(), (kiosk / "Dockerfile").read_text()
    )
    compose = open_document(
        client,
        (kiosk / "compose.yaml").as_uri(),
        (kiosk / "compose.yaml").read_text(),
        language_id="dockercompose",
    )
    bake = open_document(
        client,
        (kiosk / "docker-bake.hcl").as_uri(),
        (kiosk / "docker-bake.hcl").read_text(),
        language_id="hcl",
    )
    at = lsp.Position(1, 2)
    whole = lsp.Range(lsp.Position(0, 0), lsp.Position(5, 0))

    async def answers(doc: lsp.TextDocumentIdentifier) -> dict[str, object]:
        return {
            "folding": await client.text_document_folding_range_async(lsp.FoldingRangeParams(doc)),
            "symbols": await client.text_document_document_symbol_async(
                lsp.DocumentSymbolParams(doc)
            ),
            "tokens": await client.text_document_semantic_tokens_full_async(
                lsp.SemanticTokensParams(doc)
            ),
            "token range": await client.text_document_semantic_tokens_range_async(
                lsp.SemanticTokensRangeParams(doc, whole)
            ),
            "selection": await client.text_document_selection_range_async(
                lsp.SelectionRangeParams(doc, [at])
            ),
            "highlight": await client.text_document_document_highlight_async(
                lsp.DocumentHighlightParams(doc, at)
            ),
            "signature": await client.text_document_signature_help_async(
                lsp.SignatureHelpParams(doc, at)
            ),
            "formatting": await client.text_document_formatting_async(
                lsp.DocumentFormattingParams(doc, lsp.FormattingOptions(4, True))
            ),
        }

    for build_file in (compose, bake):
        got = await answers(build_file)
        assert got == dict.fromkeys(got), (build_file.uri, got)
        links = await client.text_document_document_link_async(lsp.DocumentLinkParams(build_file))
        assert links, build_file.uri  # its own feature: the Dockerfile it builds
    mine = await answers(dockerfile)
    for feature in ("folding", "symbols", "tokens", "token range", "selection"):
        assert mine[feature], feature


async def test_hover_on_a_target_value_and_an_args_key(client: LanguageClient, kiosk: Path) -> None:
    """A ``target`` value shows the stage it builds, an ``args`` key the value the build
    gives it and the ARGs that take it; in the Compose file and in the Bake file."""
    dockerfile = kiosk / "Dockerfile"
    open_document(client, dockerfile.as_uri(), dockerfile.read_text())
    compose_text = (kiosk / "compose.yaml").read_text()
    compose = open_document(
        client, (kiosk / "compose.yaml").as_uri(), compose_text, language_id="dockercompose"
    )
    bake_text = (kiosk / "docker-bake.hcl").read_text()
    bake = open_document(client, (kiosk / "docker-bake.hcl").as_uri(), bake_text)

    async def hover_at(doc: lsp.TextDocumentIdentifier, text: str, needle: str) -> lsp.Hover | None:
        line = _line_of(text, needle)
        col = text.splitlines()[line].index(needle) + 1
        return await client.text_document_hover_async(lsp.HoverParams(doc, lsp.Position(line, col)))

    def value(h: lsp.Hover | None) -> str:
        assert h is not None and isinstance(h.contents, lsp.MarkupContent)
        return h.contents.value

    target = await hover_at(compose, compose_text, "prod")
    assert "Build stage" in value(target) and "prod" in value(target)
    assert "FROM base AS prod" in value(target)
    assert target is not None and target.range is not None
    line = _line_of(compose_text, "target: prod")
    assert target.range.start.line == line == target.range.end.line
    covered = compose_text.splitlines()[line][
        target.range.start.character : target.range.end.character
    ]
    assert covered == "prod"
    arg = value(await hover_at(compose, compose_text, "APP_VERSION"))
    assert "`1.4`" in arg and "compose:web" in arg and "default `dev`" in arg, arg
    assert "line 3" in arg
    unused = value(await hover_at(compose, compose_text, "LEGACY_FLAG"))
    assert "No ARG of the Dockerfile takes it" in unused and "`1`" in unused
    nightly = value(await hover_at(bake, bake_text, '"worker"'))
    assert "FROM base AS worker" in nightly
    base = value(await hover_at(bake, bake_text, 'BASE = "python:3.13-slim"'))
    assert "`python:3.13-slim`" in base and "bake:nightly" in base, base
    assert "default `python:3.12-slim`" in base and "line 1" in base
    # a dockerfile value: the file's stages and what the build builds
    line = _line_of(compose_text, "dockerfile: Dockerfile")
    col = compose_text.splitlines()[line].rindex("Dockerfile") + 1
    named = value(
        await client.text_document_hover_async(lsp.HoverParams(compose, lsp.Position(line, col)))
    )
    assert "`worker`" in named and "compose:worker builds `worker`" in named
    # elsewhere in the file: nothing
    assert await hover_at(compose, compose_text, "services") is None


async def test_the_did_you_mean_of_a_compose_target_is_a_quick_fix(
    client: LanguageClient, kiosk: Path
) -> None:
    """The UnknownBuildTarget diagnostic carries its fix; asked for code actions with it, the
    server offers "Change to `worker`", whose edit makes the Compose file build the stage."""
    good = (kiosk / "compose.yaml").read_text()
    text = good.replace("target: worker", "target: wroker")
    compose = open_document(
        client, (kiosk / "compose.yaml").as_uri(), text, language_id="dockercompose"
    )
    published = await wait_publish(
        client, lambda p: p.uri == compose.uri and "UnknownBuildTarget" in _codes(p)
    )
    (typo,) = [d for d in published.diagnostics if d.code == "UnknownBuildTarget"]
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(compose, typo.range, lsp.CodeActionContext(diagnostics=[typo]))
    )
    assert actions is not None
    (action,) = actions
    assert isinstance(action, lsp.CodeAction)
    assert action.title == "Change to `worker` (unsafe)"
    assert action.kind == lsp.CodeActionKind.QuickFix and list(action.diagnostics or ()) == [typo]
    assert action.edit is not None and action.edit.changes is not None
    (edit,) = action.edit.changes[compose.uri]
    lines = text.splitlines(keepends=True)
    line = lines[edit.range.start.line]
    start, end = edit.range.start.character, edit.range.end.character
    lines[edit.range.start.line] = line[:start] + edit.new_text + line[end:]
    assert "".join(lines) == good
    # only quick fixes: a request for refactorings gets none
    refactor = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            compose,
            typo.range,
            lsp.CodeActionContext(diagnostics=[typo], only=[lsp.CodeActionKind.Refactor]),
        )
    )
    assert not refactor


async def test_completion_of_a_dockerfile_value_over_stdio(
    client: LanguageClient, kiosk: Path
) -> None:
    """The context's Dockerfiles and folders, as the server lists them from disk: a
    Dockerfile the ignore file names is offered all the same (the build reads it)."""
    (kiosk / "docker").mkdir()
    (kiosk / "docker" / "prod.Dockerfile").write_text("FROM alpine:3.20\n")
    (kiosk / ".dockerignore").write_text("Dockerfile\ndocker/\n")
    text = (kiosk / "compose.yaml").read_text().replace("dockerfile: Dockerfile", "dockerfile: ")
    compose = open_document(
        client, (kiosk / "compose.yaml").as_uri(), text, language_id="dockercompose"
    )
    line = _line_of(text, "dockerfile: ")
    got = await client.text_document_completion_async(
        lsp.CompletionParams(compose, lsp.Position(line, len(text.splitlines()[line])))
    )
    assert isinstance(got, lsp.CompletionList)
    assert sorted(i.label for i in got.items) == ["Dockerfile", "docker/"]
    folder = text.replace("dockerfile: ", "dockerfile: docker/")
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(version=2, uri=compose.uri),
            [lsp.TextDocumentContentChangeWholeDocument(text=folder)],
        )
    )
    got = await client.text_document_completion_async(
        lsp.CompletionParams(compose, lsp.Position(line, len(folder.splitlines()[line])))
    )
    assert isinstance(got, lsp.CompletionList)
    assert [i.label for i in got.items] == ["prod.Dockerfile"]


async def test_the_configuration_applies_to_compose_and_ignore_file_problems(
    client: LanguageClient, kiosk: Path
) -> None:
    """A `.hadolint.yaml` beside them sets the level of a Compose file's problems and leaves
    out an ignore file's, as it does a Dockerfile's findings; their codes are known to it."""
    config = "ignored: [InvalidIgnorePattern]\noverride:\n  error: [UnusedBuildArg]\n"
    (kiosk / ".hadolint.yaml").write_text(config)
    ignore_text = "node_modules\n[z-a]\n"
    (kiosk / ".dockerignore").write_text(ignore_text)
    dockerfile = open_document(
        client, (kiosk / "Dockerfile").as_uri(), (kiosk / "Dockerfile").read_text()
    )
    ignore = open_document(client, (kiosk / ".dockerignore").as_uri(), ignore_text, 1, "ignore")
    compose_uri = (kiosk / "compose.yaml").as_uri()
    found = await wait_publish(
        client, lambda p: p.uri == compose_uri and _codes(p) == ["UnusedBuildArg"]
    )
    assert found.diagnostics[0].severity == lsp.DiagnosticSeverity.Error
    await wait_publish(client, lambda p: p.uri == ignore.uri and not p.diagnostics)
    await wait_publish(client, lambda p: p.uri == dockerfile.uri)
    # read before the Dockerfile's lint: no unknown code in it
    config_uri = (kiosk / ".hadolint.yaml").as_uri()
    assert not [p for p in publish_log(client) if p.uri == config_uri and p.diagnostics]
