"""Completion (+resolve), hover and signature help over stdio, under VS Code's
and Neovim's recorded capabilities, and under Neovim's with snippets and
Markdown switched off (a plain-text client)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInvalidParams
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from dockerls import docs
from tests.e2e.helpers import SERVER, open_document

URI = "file:///tmp/e2e-completion/Dockerfile"


def _plain(name: str) -> lsp.ClientCapabilities:
    caps = copy.deepcopy(client_capabilities(name))
    td = caps.text_document
    assert (
        td is not None and td.completion is not None and td.completion.completion_item is not None
    )
    td.completion.completion_item.snippet_support = False
    td.completion.completion_item.documentation_format = [lsp.MarkupKind.PlainText]
    td.completion.completion_item.resolve_support = None
    assert td.hover is not None
    td.hover.content_format = [lsp.MarkupKind.PlainText]
    return caps


VARIANTS: dict[str, Any] = {
    "visual_studio_code": lambda: client_capabilities("visual_studio_code"),
    "neovim": lambda: client_capabilities("neovim"),
    "neovim-plain": lambda: _plain("neovim"),
}


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER), params=list(VARIANTS))
async def editor(request: pytest.FixtureRequest, lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    caps = VARIANTS[request.param]()
    result = await lsp_client.initialize_session(lsp.InitializeParams(capabilities=caps))
    lsp_client.init_result = result  # type: ignore[attr-defined]
    lsp_client.variant = request.param  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


def _doc_id() -> lsp.TextDocumentIdentifier:
    return lsp.TextDocumentIdentifier(URI)


def _plain_client(client: LanguageClient) -> bool:
    return str(getattr(client, "variant", "")).endswith("plain")


async def test_capabilities_advertised(editor: LanguageClient) -> None:
    caps = editor.init_result.capabilities  # type: ignore[attr-defined]
    assert caps.completion_provider is not None
    assert set(caps.completion_provider.trigger_characters or []) >= {
        " ",
        "-",
        "=",
        "$",
        "{",
        ":",
        ",",
        "/",
    }
    assert caps.completion_provider.resolve_provider is True
    assert caps.hover_provider
    assert caps.signature_help_provider is not None
    assert set(caps.signature_help_provider.trigger_characters or []) >= {" ", "[", ",", "=", "-"}


async def test_completion_keywords_and_mounts(editor: LanguageClient) -> None:
    open_document(
        editor,
        URI,
        "FROM alpine AS build\nRU\nRUN --mount=type=cache,\nFROM alpine\nCOPY --from=\n",
    )
    res = await editor.text_document_completion_async(
        lsp.CompletionParams(_doc_id(), lsp.Position(1, 2))
    )
    assert isinstance(res, lsp.CompletionList)
    run = next(i for i in res.items if i.label == "RUN")
    assert isinstance(run.text_edit, lsp.TextEdit)
    assert run.text_edit.range == lsp.Range(lsp.Position(1, 0), lsp.Position(1, 2))
    if _plain_client(editor):
        assert run.insert_text_format is None and run.text_edit.new_text == "RUN "
    else:
        assert run.insert_text_format == lsp.InsertTextFormat.Snippet
        assert run.text_edit.new_text.startswith("RUN ${1")

    # lazy documentation when the client resolves it, inline otherwise
    if run.documentation is None:
        assert run.data == {"doc": "instruction:RUN"}
        run = await editor.completion_item_resolve_async(run)
    assert isinstance(run.documentation, lsp.MarkupContent)
    if _plain_client(editor):
        assert run.documentation.kind == lsp.MarkupKind.PlainText
        assert run.documentation.value == docs.plain_text("instruction:RUN")
    else:
        assert run.documentation.kind == lsp.MarkupKind.Markdown
        assert run.documentation.value == docs.markdown("instruction:RUN")

    keys = await editor.text_document_completion_async(
        lsp.CompletionParams(
            _doc_id(),
            lsp.Position(2, 23),
            lsp.CompletionContext(lsp.CompletionTriggerKind.TriggerCharacter, ","),
        )
    )
    assert isinstance(keys, lsp.CompletionList)
    assert {"target", "sharing", "id"} <= {i.label for i in keys.items}

    stages = await editor.text_document_completion_async(
        lsp.CompletionParams(_doc_id(), lsp.Position(4, 12))
    )
    assert isinstance(stages, lsp.CompletionList)
    assert [i.label for i in stages.items] == ["build"]


async def test_hover_markdown_or_plain(editor: LanguageClient) -> None:
    open_document(editor, URI, "FROM alpine\nARG V=1\nRUN --network=none echo $V\n")
    h = await editor.text_document_hover_async(lsp.HoverParams(_doc_id(), lsp.Position(2, 1)))
    assert h is not None and isinstance(h.contents, lsp.MarkupContent)
    if _plain_client(editor):
        assert h.contents.kind == lsp.MarkupKind.PlainText
        assert h.contents.value == docs.plain_text("instruction:RUN")
    else:
        assert h.contents.kind == lsp.MarkupKind.Markdown
        assert h.contents.value == docs.markdown("instruction:RUN")
    assert h.range == lsp.Range(lsp.Position(2, 0), lsp.Position(2, 3))

    flag = await editor.text_document_hover_async(lsp.HoverParams(_doc_id(), lsp.Position(2, 7)))
    assert flag is not None and isinstance(flag.contents, lsp.MarkupContent)
    assert "network" in flag.contents.value.lower()

    var = await editor.text_document_hover_async(lsp.HoverParams(_doc_id(), lsp.Position(2, 25)))
    assert var is not None and isinstance(var.contents, lsp.MarkupContent)
    assert "line 2" in var.contents.value and "1" in var.contents.value

    # a document that was never opened gets an error reply, not a crash
    with pytest.raises(JsonRpcInvalidParams, match="not open"):
        await editor.text_document_hover_async(
            lsp.HoverParams(
                lsp.TextDocumentIdentifier("file:///nope/Dockerfile"), lsp.Position(0, 0)
            )
        )


async def test_signature_help_tracks_cursor(editor: LanguageClient) -> None:
    open_document(editor, URI, 'FROM alpine\nHEALTHCHECK --timeout=3s CMD true\nCMD ["a", "b"]\n')
    sh = await editor.text_document_signature_help_async(
        lsp.SignatureHelpParams(_doc_id(), lsp.Position(1, 16))
    )
    assert sh is not None and sh.active_signature is not None and sh.active_parameter is not None
    sig = sh.signatures[sh.active_signature]
    assert sig.parameters is not None
    label = sig.parameters[sh.active_parameter].label
    assert isinstance(label, tuple)
    assert sig.label[label[0] : label[1]] == "[--timeout=<d>]"

    sh2 = await editor.text_document_signature_help_async(
        lsp.SignatureHelpParams(_doc_id(), lsp.Position(2, 11))
    )
    assert sh2 is not None and sh2.active_signature is not None and sh2.active_parameter is not None
    sig2 = sh2.signatures[sh2.active_signature]
    assert sig2.label.startswith('CMD ["')
    assert sig2.parameters is not None
    label2 = sig2.parameters[sh2.active_parameter].label
    assert isinstance(label2, tuple)
    assert sig2.label[label2[0] : label2[1]] == '"<param>"'


async def test_copy_sources_from_build_context(editor: LanguageClient, tmp_path: Any) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.py").write_text("")
    (tmp_path / "secret.env").write_text("")
    (tmp_path / "app.py").write_text("")
    (tmp_path / ".dockerignore").write_text("secret.env\n")
    dockerfile = tmp_path / "Dockerfile"
    text = "FROM python\nCOPY  /app/\nCOPY src/ /app/src\n"
    dockerfile.write_text(text)
    uri = dockerfile.as_uri()
    doc = open_document(editor, uri, text)
    top = await editor.text_document_completion_async(lsp.CompletionParams(doc, lsp.Position(1, 5)))
    assert isinstance(top, lsp.CompletionList)
    names = [i.label for i in top.items if not i.label.startswith("--")]
    assert "src/" in names and "app.py" in names and "Dockerfile" in names
    assert "secret.env" not in names
    sub = await editor.text_document_completion_async(lsp.CompletionParams(doc, lsp.Position(2, 9)))
    assert isinstance(sub, lsp.CompletionList)
    assert [i.label for i in sub.items] == ["main.py"]
