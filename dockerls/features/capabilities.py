"""What the server advertises in its ``initialize`` reply besides the feature
names: trigger characters, the semantic token legend, code action kinds, the
command it runs.  The features use these values; they live here, apart, so
that the reply needs none of the feature modules (which load after it)."""

from __future__ import annotations

from lsprotocol import types as lsp

COMPLETION_TRIGGER_CHARACTERS = [" ", "-", "=", "$", "{", ":", ",", "/"]
SIGNATURE_TRIGGER_CHARACTERS = [" ", "[", ",", "=", "-"]
SIGNATURE_RETRIGGER_CHARACTERS = [" ", ","]

TOKEN_TYPES = [
    "keyword",
    "comment",
    "string",
    "variable",
    "parameter",
    "property",
    "number",
    "operator",
    "namespace",
    "type",
    "label",
    "macro",
]
TOKEN_MODIFIERS = ["declaration", "deprecated", "readonly"]
LEGEND = lsp.SemanticTokensLegend(token_types=TOKEN_TYPES, token_modifiers=TOKEN_MODIFIERS)

FIX_ALL_KIND = "source.fixAll.dockerls"
CODE_ACTION_KINDS = (lsp.CodeActionKind.QuickFix, lsp.CodeActionKind.RefactorRewrite, FIX_ALL_KIND)
APPLY_EDIT_COMMAND = "dockerls.applyEdit"

ON_TYPE_TRIGGER = "\n"  # on-type formatting: a new line formats the one before it

# Dockerfile-only features a client that takes their dynamic registration gets per
# language (the language of the Dockerfiles it opens), not for every document it sends:
# the Compose and Bake files it sends too are formatted by their own tools (VS Code would
# ask which YAML formatter to use).  Method -> the ServerCapabilities field of its offer.
PER_LANGUAGE = {
    lsp.TEXT_DOCUMENT_FORMATTING: "document_formatting_provider",
    lsp.TEXT_DOCUMENT_RANGE_FORMATTING: "document_range_formatting_provider",
    lsp.TEXT_DOCUMENT_ON_TYPE_FORMATTING: "document_on_type_formatting_provider",
}


def per_language(caps: lsp.ClientCapabilities | None) -> tuple[str, ...]:
    """The ``PER_LANGUAGE`` features the client takes dynamic registrations of."""
    td = caps.text_document if caps else None
    if td is None:
        return ()
    offered = {
        lsp.TEXT_DOCUMENT_FORMATTING: td.formatting,
        lsp.TEXT_DOCUMENT_RANGE_FORMATTING: td.range_formatting,
        lsp.TEXT_DOCUMENT_ON_TYPE_FORMATTING: td.on_type_formatting,
    }
    return tuple(m for m, c in offered.items() if c is not None and c.dynamic_registration)


def per_language_registrations(language: str, methods: tuple[str, ...]) -> list[lsp.Registration]:
    """The ``methods`` (``PER_LANGUAGE`` features) for the documents of ``language``
    (an empty language: the client's own document selector)."""
    selector = [lsp.TextDocumentFilterLanguage(language=language)] if language else None
    options: dict[str, object] = {
        lsp.TEXT_DOCUMENT_FORMATTING: lsp.DocumentFormattingRegistrationOptions(
            document_selector=selector
        ),
        lsp.TEXT_DOCUMENT_RANGE_FORMATTING: lsp.DocumentRangeFormattingRegistrationOptions(
            document_selector=selector
        ),
        lsp.TEXT_DOCUMENT_ON_TYPE_FORMATTING: lsp.DocumentOnTypeFormattingRegistrationOptions(
            document_selector=selector, first_trigger_character=ON_TYPE_TRIGGER
        ),
    }
    return [
        lsp.Registration(id=f"dockerls-{m}-{language}", method=m, register_options=options[m])
        for m in methods
    ]
