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
