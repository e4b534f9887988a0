"""What the client can do, computed once at initialize."""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types as lsp

from dockerls.features.positions import UTF8, UTF16, UTF32


@dataclass(frozen=True)
class ClientCaps:
    snippets: bool = True
    markdown: bool = True
    completion_markdown: bool = True
    hierarchical_symbols: bool = True
    code_action_literals: bool = True
    encoding: str = UTF16
    label_details: bool = False
    resolve_documentation: bool = False
    work_done: bool = False
    apply_edit: bool = True
    configuration: bool = False
    # the client takes a dynamic registration of workspace/didChangeWatchedFiles
    watch_files: bool = False

    @classmethod
    def from_initialize(
        cls, caps: lsp.ClientCapabilities | None, encoding: str | None
    ) -> ClientCaps:
        if caps is None:
            return cls(encoding=_enc(encoding))
        td = caps.text_document
        comp = td.completion if td else None
        item = comp.completion_item if comp else None
        snippets = bool(item and item.snippet_support)
        comp_md = bool(
            item
            and item.documentation_format
            and lsp.MarkupKind.Markdown in item.documentation_format
        )
        hover = td.hover if td else None
        md = bool(
            hover and hover.content_format and lsp.MarkupKind.Markdown in hover.content_format
        )
        sym = td.document_symbol if td else None
        hier = bool(sym and sym.hierarchical_document_symbol_support)
        ca = td.code_action if td else None
        literals = bool(ca and ca.code_action_literal_support)
        resolve = bool(
            item
            and item.resolve_support
            and "documentation" in (item.resolve_support.properties or [])
        )
        ws = caps.workspace
        return cls(
            snippets=snippets,
            markdown=md,
            completion_markdown=comp_md,
            hierarchical_symbols=hier,
            code_action_literals=literals,
            encoding=_enc(encoding),
            label_details=bool(item and item.label_details_support),
            resolve_documentation=resolve,
            work_done=bool(caps.window and caps.window.work_done_progress),
            apply_edit=bool(ws and ws.apply_edit),
            configuration=bool(ws and ws.configuration),
            watch_files=bool(
                ws
                and ws.did_change_watched_files
                and ws.did_change_watched_files.dynamic_registration
            ),
        )


def _enc(encoding: str | None) -> str:
    if encoding in (UTF8, UTF16, UTF32):
        return encoding
    return UTF16
