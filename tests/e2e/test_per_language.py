"""Formatting is offered for Dockerfiles only, where the client can be told so.

A client sends dockerls the Compose and Bake files that build its Dockerfiles too.  With
formatting advertised in the initialize reply, the client counts dockerls as a formatter
of those YAML and HCL files (VS Code then asks which YAML formatter to use).  A client
that takes dynamic registrations gets formatting registered for the language of the
Dockerfiles it opens instead; one that doesn't keeps it in the reply."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient, client_capabilities

from tests.e2e.helpers import open_document, registered
from tests.support import until

FORMATTING = {
    lsp.TEXT_DOCUMENT_FORMATTING,
    lsp.TEXT_DOCUMENT_RANGE_FORMATTING,
    lsp.TEXT_DOCUMENT_ON_TYPE_FORMATTING,
}
UNFORMATTED = "from alpine\nrun echo hi\n"


def _formatting_registrations(client: LanguageClient) -> list[lsp.Registration]:
    return registered(client, *FORMATTING)


async def _format(client: LanguageClient, uri: str) -> list[lsp.TextEdit] | None:
    return await client.text_document_formatting_async(
        lsp.DocumentFormattingParams(
            lsp.TextDocumentIdentifier(uri), lsp.FormattingOptions(tab_size=4, insert_spaces=True)
        )
    )


async def test_registered_for_the_dockerfile_language_only(
    bare: LanguageClient, tmp_path: Path
) -> None:
    result = await bare.initialize_session(
        lsp.InitializeParams(capabilities=client_capabilities("visual_studio_code"))
    )
    assert result.capabilities.document_formatting_provider is None
    assert result.capabilities.document_range_formatting_provider is None
    assert result.capabilities.document_on_type_formatting_provider is None
    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  app:\n    build: .\n")
    open_document(bare, compose.as_uri(), compose.read_text(), language_id="dockercompose")
    dockerfile = tmp_path / "Dockerfile"
    open_document(bare, dockerfile.as_uri(), UNFORMATTED)
    await until(lambda: len(_formatting_registrations(bare)) == 3, what="the registrations")
    selector = [{"language": "dockerfile"}]  # not the compose file's language
    for registration in _formatting_registrations(bare):
        # as the client reads it (register_options is sent as JSON, not as a type)
        options = registration.register_options
        expected: dict[str, object] = {"documentSelector": selector}
        if registration.method == lsp.TEXT_DOCUMENT_ON_TYPE_FORMATTING:
            expected["firstTriggerCharacter"] = "\n"
        assert options == expected, registration
    # a second Dockerfile of the same language: nothing more to register
    other = tmp_path / "build.Dockerfile"
    open_document(bare, other.as_uri(), UNFORMATTED)
    assert await _format(bare, other.as_uri())  # the server has seen it: it answers
    assert len(_formatting_registrations(bare)) == 3
    edits = await _format(bare, dockerfile.as_uri())
    assert edits and any("FROM" in e.new_text or "RUN" in e.new_text for e in edits)


async def test_a_client_without_dynamic_registration_keeps_it_in_the_reply(
    bare: LanguageClient, tmp_path: Path
) -> None:
    result = await bare.initialize_session(
        lsp.InitializeParams(capabilities=client_capabilities("emacs"))
    )
    assert result.capabilities.document_formatting_provider
    assert result.capabilities.document_range_formatting_provider
    assert result.capabilities.document_on_type_formatting_provider
    dockerfile = tmp_path / "Dockerfile"
    open_document(bare, dockerfile.as_uri(), UNFORMATTED)
    assert await _format(bare, dockerfile.as_uri())
    assert _formatting_registrations(bare) == []
