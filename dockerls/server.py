"""The language server: the wiring table of pygls handlers.

Every handler is a few lines: find the snapshot, call a pure function from
``dockerls.features``, return lsprotocol types.  Fakes for tests are chosen
through the environment (``DOCKERLS_REGISTRY=fake``), since the server runs
as a subprocess over stdio in every end-to-end test.

Concurrency: requests run synchronously over immutable snapshots.  After a
change, diagnostics are scheduled with ``call_soon``: a burst of changes that
arrive together is coalesced because a publish whose version is no longer the
latest is dropped, so a lone keystroke gets its diagnostics at once, with no
fixed delay.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.protocol import JsonRPCNotification, LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from dockerls import __version__
from dockerls import config as hadolint_config
from dockerls import settings as settings_mod
from dockerls.analysis.dockerignore import parse_dockerignore
from dockerls.analysis.facts import Facts, ShellCheckResults
from dockerls.analysis.rules import known_code
from dockerls.analysis.shellcheck_map import jobs_for
from dockerls.documents import DocumentStore, Snapshot, is_dockerignore, uri_to_path
from dockerls.features.caps import ClientCaps
from dockerls.features.diagnostics import DiagnosticCache, diagnostics_json
from dockerls.features.positions import position_of
from dockerls.features.raw import RawJSON
from dockerls.shellcheck import ShellChecker
from dockerls.syntax.lines import offset
from dockerls.syntax.parser import parse

if TYPE_CHECKING:
    from dockerls.image_lookups import ImageLookups

log = logging.getLogger("dockerls")


class DockerProtocol(LanguageServerProtocol):
    """pygls's protocol with two changes:

    * requests whose params can't be read get an error reply (pygls would only
      log them, leaving the client waiting);
    * Dockerfiles are kept by our DocumentStore alone: pygls's own copy would
      re-split the whole text into lines on every keystroke, and nothing reads
      it (``.dockerignore`` files still go to pygls's workspace).
    """

    @lsp_method(lsp.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: lsp.DidOpenTextDocumentParams) -> Any:
        if is_dockerignore(params.text_document.uri):
            self.workspace.put_text_document(params.text_document)
        if (handler := self.fm.features.get(lsp.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: lsp.DidChangeTextDocumentParams) -> Any:
        if is_dockerignore(params.text_document.uri):
            for change in params.content_changes:
                self.workspace.update_text_document(params.text_document, change)
        if (handler := self.fm.features.get(lsp.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: lsp.DidCloseTextDocumentParams) -> Any:
        if is_dockerignore(params.text_document.uri):
            self.workspace.remove_text_document(params.text_document.uri)
        if (handler := self.fm.features.get(lsp.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None

    def _send_response(self, msg_id: Any, result: Any = None, error: Any = None) -> None:
        """A result that is already JSON (:class:`RawJSON`) is written as it is."""
        if error is None and isinstance(result, RawJSON):
            import json

            self._result_types.pop(msg_id, None)
            head = b'{"jsonrpc":"2.0","id":%s,"result":' % json.dumps(msg_id).encode()
            _write_pieces(self, (head, result, b"}"))
            return
        super()._send_response(msg_id, result, error)

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except Exception:
            if isinstance(data, dict) and "id" in data and "method" in data:
                method = str(data.get("method"))
                _write_json(
                    self,
                    {
                        "jsonrpc": "2.0",
                        "id": data["id"],
                        "error": {"code": -32602, "message": f"Invalid params for {method}"},
                    },
                )
                return JsonRPCNotification(method="$/dockerls/invalid", params=None, jsonrpc="2.0")
            raise


_PENDING: set[asyncio.Future[Any]] = set()


def _keep(fut: asyncio.Future[Any]) -> None:
    """Hold a reference to a write in flight until it is done."""
    _PENDING.add(fut)
    fut.add_done_callback(_PENDING.discard)


def _write_json(protocol: Any, obj: object) -> None:
    import json

    _write_pieces(protocol, (json.dumps(obj).encode("utf-8"),))


def _write_pieces(protocol: Any, pieces: tuple[bytes, ...]) -> None:
    """One JSON-RPC message whose body is ``pieces`` joined, written without
    copying the (possibly large) pieces into one buffer."""
    writer = protocol.writer
    if writer is None:
        return
    length = sum(len(piece) for piece in pieces)
    header = (
        b"Content-Length: %d\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n"
        % length
    )
    for piece in (header + pieces[0], *pieces[1:]):
        res = writer.write(piece)
        if asyncio.iscoroutine(res):
            _keep(asyncio.ensure_future(res))


class DockerLanguageServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "dockerls",
            __version__,
            text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
            protocol_cls=DockerProtocol,
        )
        self.store = DocumentStore()
        self.caps = ClientCaps()
        self.settings = settings_mod.Settings()
        self._init_options: object = None
        self._diag_caches: dict[str, DiagnosticCache] = {}
        self._scheduled: dict[str, int | None] = {}
        self._sc_running = set()
        self._layers: list[tuple[str, object]] = []
        self._hadolint_cache: dict[str, Any] = {}
        self.store.config_for = self.config_for
        self.images: ImageLookups | None = None
        self._root: Path | None = None
        self._sc_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="shellcheck")

    # -- settings -------------------------------------------------------
    def apply_settings(self, layers: list[tuple[str, object]]) -> None:
        self._layers = layers
        self._hadolint_cache.clear()
        s, errors = settings_mod.load_layers(layers, known_code=known_code)
        for e in errors:
            msg = f"dockerls setting {e}"
            log.warning(msg)
            self.window_show_message(lsp.ShowMessageParams(lsp.MessageType.Warning, msg))
        changed = s != self.settings
        self.settings = s
        if changed:
            self.store.set_config(settings_mod.to_lint_config(s), s.context.path)
            for uri in self.store.uris():
                self.schedule(uri)

    def config_for(self, path: Path | None) -> Any:
        """The lint configuration of one Dockerfile: a ``.hadolint.yaml`` found
        where hadolint looks (the file's folder and its parents, then the user's
        config folders) sits under the editor's settings.  Read when a document
        opens or is saved, never per keystroke; problems in the file (unknown
        codes, bad keys) are published as diagnostics on it."""
        base = self.store.config
        hs = self.settings.hadolint
        if path is None or not hs.use_config:
            return base
        key = str(path.parent)
        hit = self._hadolint_cache.get(key)
        if hit is not None:
            return hit
        cfg, problems = hadolint_config.find_and_load(
            path, self._root, explicit=hs.config_file, known_code=known_code
        )
        result = base
        if cfg.path is not None:
            overrides = hadolint_config.to_settings_overrides(cfg)
            s, _errors = settings_mod.load_layers(
                [("hadolint", overrides), *self._layers], known_code=known_code
            )
            result = settings_mod.to_lint_config(s)
            self._publish_config_problems(cfg.path, problems)
        self._hadolint_cache[key] = result
        return result

    def _publish_config_problems(self, cfg_path: Any, problems: list[Any]) -> None:
        import json

        diags = []
        for pr in problems:
            line = pr.line or 0
            col = pr.column or 0
            diags.append(
                {
                    "range": {
                        "start": {"line": line, "character": col},
                        "end": {"line": line, "character": col + 1},
                    },
                    "severity": 1 if pr.severity == "error" else 2,
                    "source": "dockerls",
                    "code": "HadolintConfig",
                    "message": pr.message,
                }
            )
        self.publish_raw(Path(cfg_path).as_uri(), None, json.dumps(diags).encode())

    # -- diagnostics ----------------------------------------------------
    def schedule(self, uri: str) -> None:
        snap = self.store.get(uri)
        if snap is None:
            return
        pending = uri in self._scheduled
        self._scheduled[uri] = snap.version
        if not pending:
            asyncio.get_running_loop().call_soon(self._publish, uri)

    def _publish(self, uri: str) -> None:
        self._scheduled.pop(uri, None)
        snap = self.store.get(uri)
        if snap is None:
            return
        try:
            result = snap.lint(self.facts_for(snap))
            cache = self._diag_caches.get(uri)
            if cache is None or cache.encoding != self.caps.encoding:
                cache = self._diag_caches[uri] = DiagnosticCache(self.caps.encoding)
            body = diagnostics_json(snap.parse, result.per_item, cache)
        except Exception:
            log.exception("linting %s failed", uri)
            return
        self.publish_raw(uri, snap.version, body)

    # -- ShellCheck -----------------------------------------------------
    _checker: ShellChecker | None = None
    _checker_key: object = None
    _sc_running: set[str]

    def shellchecker(self) -> ShellChecker | None:
        """The ShellCheck runner for the current settings (None when off)."""
        sc = self.settings.shellcheck
        key = (
            sc.enabled,
            sc.path,
            sc.extra_args,
            "shellcheck" in self.store.config.disabled_groups,
        )
        if key != self._checker_key:
            self._checker_key = key
            self._checker = None
            if sc.enabled is not False and not key[3]:
                checker = ShellChecker(sc.path, sc.extra_args, background=True)
                if checker.available:
                    self._checker = checker
                elif sc.enabled is True:
                    msg = "dockerls: shellcheck.enabled is on but no ShellCheck binary was found"
                    log.warning(msg)
                    self.window_show_message(lsp.ShowMessageParams(lsp.MessageType.Warning, msg))
        return self._checker

    def facts_for(self, snap: Snapshot) -> Facts:
        """The outside facts of a publish: the document's build context, what
        the registry caches know about its images, ShellCheck's cached results
        (the same facts object when nothing changed)."""
        images = self.images.image_facts(snap) if self.images is not None else {}
        facts = replace(snap.facts, images=images, shellcheck=self._shellcheck_results(snap))
        return snap.facts if facts == snap.facts else facts

    def _shellcheck_results(self, snap: Snapshot) -> ShellCheckResults | None:
        """Cached ShellCheck results now; uncached scripts are checked in a
        worker thread and the document is published again when they're done."""
        checker = self.shellchecker()
        if checker is None:
            return None
        found, missing = checker.peek(jobs_for(snap.parse, snap.model))
        if missing and snap.uri not in self._sc_running:
            self._sc_running.add(snap.uri)
            loop = asyncio.get_running_loop()
            fut = loop.run_in_executor(self._sc_pool, checker.check_scripts, missing)
            uri = snap.uri

            def done(_f: Any) -> None:
                self._sc_running.discard(uri)
                # publish the document's current version again, now with the
                # findings; failed runs aren't cached and aren't retried here
                if self.store.get(uri) is not None and not checker.peek(missing)[1]:
                    self.schedule(uri)

            fut.add_done_callback(done)
        return found

    def publish_raw(self, uri: str, version: int | None, diagnostics_array_json: bytes) -> None:
        """Send publishDiagnostics with a pre-serialised diagnostics array
        (UTF-8 JSON), written in pieces so the large array is never copied."""
        import json

        ver = "" if version is None else f',"version":{int(version)}'
        head = (
            '{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":'
            f'{json.dumps(uri)}{ver},"diagnostics":'
        ).encode()
        _write_pieces(self.protocol, (head, diagnostics_array_json, b"}}"))

    def report_server_error(self, error: Exception, source: Any) -> None:
        """A message that isn't JSON gets a JSON-RPC parse error (id null)."""
        import json

        from pygls.exceptions import JsonRpcException

        if isinstance(error, JsonRpcException):
            return  # already answered as an error reply to the request
        if isinstance(error, json.JSONDecodeError):
            _write_json(
                self.protocol,
                {
                    "jsonrpc": "2.0",
                    "id": None,
                    "error": {"code": -32700, "message": f"Parse error: {error}"},
                },
            )
            return
        log.error("server error: %s", error)

    def check_dockerignore(self, uri: str, version: int | None) -> None:
        """Diagnostics for the patterns of an open ``.dockerignore``; its
        unsaved text also re-checks the open Dockerfiles that use it."""
        doc = self.workspace.get_text_document(uri)
        _patterns, problems = parse_dockerignore(doc.source)
        p = parse(doc.source)
        diags = []
        for pr in problems:
            start = offset(p, pr.line, pr.start)
            end = offset(p, pr.line, pr.end)
            diags.append(
                {
                    "range": {
                        "start": position_json(p, start, self.caps.encoding),
                        "end": position_json(p, end, self.caps.encoding),
                    },
                    "severity": 1,
                    "code": "InvalidIgnorePattern",
                    "source": "dockerls",
                    "message": pr.message,
                }
            )
        import json

        self.publish_raw(uri, version, json.dumps(diags).encode("utf-8"))

    def clear(self, uri: str) -> None:
        self._diag_caches.pop(uri, None)
        self._scheduled.pop(uri, None)
        self.publish_raw(uri, None, b"[]")

    def snapshot(self, uri: str) -> Snapshot | None:
        """The open document, or an InvalidParams error reply for a URI that
        was never opened (requests about it can't be answered meaningfully)."""
        snap = self.store.get(uri)
        if snap is None:
            raise JsonRpcInvalidParams(f"dockerls: the document {uri} is not open")
        return snap


def build_server() -> DockerLanguageServer:
    server = DockerLanguageServer()
    ls_ref = server

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: DockerLanguageServer, params: lsp.InitializeParams) -> None:
        enc: Any = ls.workspace.position_encoding
        ls.caps = ClientCaps.from_initialize(
            params.capabilities, str(getattr(enc, "value", enc) or "utf-16")
        )
        ls._init_options = params.initialization_options
        root = params.root_uri or (
            params.workspace_folders[0].uri if params.workspace_folders else None
        )
        ls._root = uri_to_path(root) if root else None
        ls.apply_settings([("initializationOptions", params.initialization_options or {})])

    @server.feature(lsp.INITIALIZED)
    async def initialized(ls: DockerLanguageServer, params: lsp.InitializedParams) -> None:
        await pull_configuration(ls)

    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(
        ls: DockerLanguageServer, params: lsp.DidChangeConfigurationParams
    ) -> None:
        if ls.caps.configuration:
            await pull_configuration(ls)
        elif params.settings:
            ls.apply_settings(
                [
                    ("initializationOptions", ls._init_options or {}),
                    ("didChangeConfiguration", params.settings),
                ]
            )

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: DockerLanguageServer, params: lsp.DidOpenTextDocumentParams) -> None:
        d = params.text_document
        if is_dockerignore(d.uri):
            ls.check_dockerignore(d.uri, d.version)
            return
        ls.store.open(d.uri, d.text, d.version)
        ls.schedule(d.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: DockerLanguageServer, params: lsp.DidChangeTextDocumentParams) -> None:
        d = params.text_document
        if is_dockerignore(d.uri):
            ls.check_dockerignore(d.uri, d.version)
            return
        snap = ls.store.change(d.uri, d.version, params.content_changes, ls.caps.encoding)
        if snap is None:
            log.warning("change for a document that is not open: %s", d.uri)
            return
        ls.schedule(d.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: DockerLanguageServer, params: lsp.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls._hadolint_cache.clear()  # a saved .hadolint.yaml applies at once
        if is_dockerignore(uri) or uri.endswith((".hadolint.yaml", ".hadolint.yml")):
            # a saved .dockerignore re-checks the open Dockerfiles that use it
            for u in ls.store.refresh_context():
                ls.schedule(u)
            return
        ls.store.refresh_context(uri)
        ls.schedule(uri)

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched(
        ls: DockerLanguageServer, params: lsp.DidChangeWatchedFilesParams
    ) -> None:
        if any(
            is_dockerignore(c.uri) or c.uri.endswith((".hadolint.yaml", ".hadolint.yml"))
            for c in params.changes
        ):
            ls._hadolint_cache.clear()
            for u in ls.store.refresh_context():
                ls.schedule(u)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: DockerLanguageServer, params: lsp.DidCloseTextDocumentParams) -> None:
        ls.store.close(params.text_document.uri)
        ls.clear(params.text_document.uri)

    # --- wiring: completion, hover, signature help (begin) ---
    from dockerls.context import context_lister
    from dockerls.features import completion as f_completion
    from dockerls.features import hover as f_hover
    from dockerls.features import signature_help as f_sig

    def _context_lister(snap: Snapshot) -> f_completion.ListDir | None:
        """``list_dir`` for COPY/ADD source completion: the build context (the
        ``context.path`` setting, else the Dockerfile's folder) minus what its
        ``.dockerignore`` excludes."""
        if snap.path is None:
            return None
        return context_lister(ls_ref.store.context_dir or snap.path.parent, snap.path)

    @server.feature(
        lsp.TEXT_DOCUMENT_COMPLETION,
        lsp.CompletionOptions(
            trigger_characters=f_completion.TRIGGER_CHARACTERS, resolve_provider=True
        ),
    )
    def completion(
        ls: DockerLanguageServer, params: lsp.CompletionParams
    ) -> lsp.CompletionList | None:
        snap = ls.snapshot(params.text_document.uri)
        if snap is None:
            return None
        return f_completion.completion(
            snap.parse, snap.model, params.position, ls.caps,
            list_dir=_context_lister(snap), tags_for=ls.images.tags_for if ls.images else None,
        )  # fmt: skip

    @server.feature(lsp.COMPLETION_ITEM_RESOLVE)
    def completion_resolve(
        ls: DockerLanguageServer, item: lsp.CompletionItem
    ) -> lsp.CompletionItem:
        return f_completion.resolve(item, ls.caps)

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    async def hover(ls: DockerLanguageServer, params: lsp.HoverParams) -> lsp.Hover | None:
        snap = ls.snapshot(params.text_document.uri)
        if snap is None:
            return None
        if ls.images is not None:  # a FROM image: wait briefly for the registry
            await ls.images.prepare_image_hover(snap, params.position)
        return f_hover.hover(
            snap.parse, snap.model, params.position, ls.caps,
            uri=snap.uri, image_info=ls.images.image_info if ls.images else None,
        )  # fmt: skip

    @server.feature(
        lsp.TEXT_DOCUMENT_SIGNATURE_HELP,
        lsp.SignatureHelpOptions(
            trigger_characters=f_sig.TRIGGER_CHARACTERS, retrigger_characters=[" ", ","]
        ),
    )
    def signature_help(
        ls: DockerLanguageServer, params: lsp.SignatureHelpParams
    ) -> lsp.SignatureHelp | None:
        snap = ls.snapshot(params.text_document.uri)
        if snap is None:
            return None
        return f_sig.signature_help(snap.parse, snap.model, params.position, ls.caps)

    # --- wiring: completion, hover, signature help (end) ---

    # --- wiring: navigation, symbols, folding, tokens, links, hints, formatting (begin) ---
    from pygls.exceptions import JsonRpcInvalidParams

    from dockerls.features import definition as f_definition
    from dockerls.features import folding as f_folding
    from dockerls.features import formatting as f_formatting
    from dockerls.features import highlight as f_highlight
    from dockerls.features import inlay_hints as f_inlay
    from dockerls.features import links as f_links
    from dockerls.features import references as f_references
    from dockerls.features import rename as f_rename
    from dockerls.features import selection_range as f_selection
    from dockerls.features import semantic_tokens as f_tokens
    from dockerls.features import symbols as f_symbols

    @server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    def definition(
        ls: DockerLanguageServer, params: lsp.DefinitionParams
    ) -> list[lsp.Location] | None:
        snap = ls.snapshot(params.text_document.uri)
        if snap is None:
            return None
        return f_definition.definition(snap.parse, snap.model, params.position, ls.caps, snap.uri)

    @server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
    def references(
        ls: DockerLanguageServer, params: lsp.ReferenceParams
    ) -> list[lsp.Location] | None:
        snap = ls.snapshot(params.text_document.uri)
        if snap is None:
            return None
        incl = params.context.include_declaration
        return f_references.references(
            snap.parse, snap.model, params.position, incl, ls.caps, snap.uri
        )

    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
    def document_highlight(
        ls: DockerLanguageServer, params: lsp.DocumentHighlightParams
    ) -> list[lsp.DocumentHighlight] | None:
        snap = ls.snapshot(params.text_document.uri)
        if snap is None:
            return None
        return f_highlight.highlight(snap.parse, snap.model, params.position, ls.caps)

    @server.feature(lsp.TEXT_DOCUMENT_PREPARE_RENAME)
    def prepare_rename(
        ls: DockerLanguageServer, params: lsp.PrepareRenameParams
    ) -> lsp.PrepareRenamePlaceholder | None:
        snap = ls.snapshot(params.text_document.uri)
        if snap is None:
            return None
        return f_rename.prepare_rename(snap.parse, snap.model, params.position, ls.caps)

    @server.feature(lsp.TEXT_DOCUMENT_RENAME)
    def rename(ls: DockerLanguageServer, params: lsp.RenameParams) -> lsp.WorkspaceEdit | None:
        snap = ls.snapshot(params.text_document.uri)
        if snap is None:
            return None
        try:
            return f_rename.rename(
                snap.parse, snap.model, params.position, params.new_name, ls.caps, snap.uri
            )
        except f_rename.RenameError as exc:
            raise JsonRpcInvalidParams(str(exc)) from exc

    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbol(
        ls: DockerLanguageServer, params: lsp.DocumentSymbolParams
    ) -> RawJSON | list[lsp.SymbolInformation] | None:
        snap = ls.snapshot(params.text_document.uri)
        if snap is None:
            return None
        if ls.caps.hierarchical_symbols:  # the big answer, assembled from cached JSON
            return f_symbols.document_symbols_json(snap.parse, snap.model, ls.caps)
        flat = f_symbols.document_symbols(snap.parse, snap.model, ls.caps, snap.uri)
        return [s for s in flat if isinstance(s, lsp.SymbolInformation)]

    @server.feature(lsp.WORKSPACE_SYMBOL)
    def workspace_symbol(
        ls: DockerLanguageServer, params: lsp.WorkspaceSymbolParams
    ) -> list[lsp.WorkspaceSymbol]:
        snaps = [
            s for s in (ls.store.get(u) for u in ls.store.uris()) if s is not None and s.parse.items
        ]
        docs = [(s.uri, s.parse, s.model) for s in snaps if not s.uri.endswith(".dockerignore")]
        return f_symbols.workspace_symbols(params.query, docs, ls.caps)

    @server.feature(lsp.TEXT_DOCUMENT_FOLDING_RANGE)
    def folding_range(
        ls: DockerLanguageServer, params: lsp.FoldingRangeParams
    ) -> list[lsp.FoldingRange] | None:
        snap = ls.snapshot(params.text_document.uri)
        if snap is None:
            return None
        return f_folding.folding_ranges(snap.parse, snap.model, ls.caps)

    @server.feature(lsp.TEXT_DOCUMENT_SELECTION_RANGE)
    def selection_range(
        ls: DockerLanguageServer, params: lsp.SelectionRangeParams
    ) -> list[lsp.SelectionRange] | None:
        snap = ls.snapshot(params.text_document.uri)
        if snap is None:
            return None
        return f_selection.selection_ranges(snap.parse, snap.model, list(params.positions), ls.caps)

    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_LINK)
    def document_link(
        ls: DockerLanguageServer, params: lsp.DocumentLinkParams
    ) -> list[lsp.DocumentLink] | None:
        snap = ls.snapshot(params.text_document.uri)
        if snap is None:
            return None
        folder = snap.path.parent if snap.path is not None else None
        return f_links.document_links(snap.parse, snap.model, ls.caps, folder, lambda p: p.exists())

    token_results: dict[str, tuple[str, list[int]]] = {}  # uri -> (result id, data) for deltas
    token_counter = [0]

    def remember_tokens(uri: str, tokens: lsp.SemanticTokens) -> str:
        """Keep the tokens for a later delta; returns their result id."""
        token_counter[0] += 1
        rid = str(token_counter[0])
        if len(token_results) > 64:
            token_results.clear()
        token_results[uri] = (rid, list(tokens.data))
        return rid

    @server.feature(lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, f_tokens.LEGEND)
    def semantic_tokens_full(
        ls: DockerLanguageServer, params: lsp.SemanticTokensParams
    ) -> RawJSON | None:
        snap = ls.snapshot(params.text_document.uri)
        if snap is None or not ls.settings.semantic_tokens.enabled:
            return None
        tokens = f_tokens.semantic_tokens(snap.parse, snap.model, ls.caps)
        # raw JSON: a big file has tens of thousands of integers
        return f_tokens.tokens_json(remember_tokens(snap.uri, tokens), tokens.data)

    @server.feature(lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL_DELTA, f_tokens.LEGEND)
    def semantic_tokens_delta(
        ls: DockerLanguageServer, params: lsp.SemanticTokensDeltaParams
    ) -> RawJSON | lsp.SemanticTokensDelta | None:
        snap = ls.snapshot(params.text_document.uri)
        if snap is None or not ls.settings.semantic_tokens.enabled:
            return None
        prev = token_results.get(snap.uri)
        tokens = f_tokens.semantic_tokens(snap.parse, snap.model, ls.caps)
        rid = remember_tokens(snap.uri, tokens)
        if prev is None or prev[0] != params.previous_result_id:
            return f_tokens.tokens_json(rid, tokens.data)
        return lsp.SemanticTokensDelta(
            f_tokens.delta_edits(prev[1], token_results[snap.uri][1]), result_id=rid
        )

    @server.feature(lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE, f_tokens.LEGEND)
    def semantic_tokens_range(
        ls: DockerLanguageServer, params: lsp.SemanticTokensRangeParams
    ) -> lsp.SemanticTokens | None:
        snap = ls.snapshot(params.text_document.uri)
        if snap is None or not ls.settings.semantic_tokens.enabled:
            return None
        return f_tokens.semantic_tokens(snap.parse, snap.model, ls.caps, params.range)

    @server.feature(lsp.TEXT_DOCUMENT_INLAY_HINT)
    def inlay_hint(
        ls: DockerLanguageServer, params: lsp.InlayHintParams
    ) -> list[lsp.InlayHint] | None:
        snap = ls.snapshot(params.text_document.uri)
        hs = ls.settings.inlay_hints
        if snap is None or not (hs.enabled and hs.variable_values):
            return None
        return f_inlay.inlay_hints(snap.parse, snap.model, params.range, ls.caps)

    @server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
    def formatting(
        ls: DockerLanguageServer, params: lsp.DocumentFormattingParams
    ) -> list[lsp.TextEdit] | None:
        snap = ls.snapshot(params.text_document.uri)
        if snap is None or not ls.settings.format.enabled:
            return None
        return f_formatting.format_document(
            snap.parse, snap.model, params.options, ls.settings.format, ls.caps
        )

    @server.feature(lsp.TEXT_DOCUMENT_RANGE_FORMATTING)
    def range_formatting(
        ls: DockerLanguageServer, params: lsp.DocumentRangeFormattingParams
    ) -> list[lsp.TextEdit] | None:
        snap = ls.snapshot(params.text_document.uri)
        if snap is None or not ls.settings.format.enabled:
            return None
        fs = ls.settings.format
        return f_formatting.format_range(
            snap.parse, snap.model, params.range, params.options, fs, ls.caps
        )

    @server.feature(
        lsp.TEXT_DOCUMENT_ON_TYPE_FORMATTING,
        lsp.DocumentOnTypeFormattingOptions(first_trigger_character="\n"),
    )
    def on_type_formatting(
        ls: DockerLanguageServer, params: lsp.DocumentOnTypeFormattingParams
    ) -> list[lsp.TextEdit] | None:
        snap = ls.snapshot(params.text_document.uri)
        if snap is None or not ls.settings.format.enabled:
            return None
        fs = ls.settings.format
        return f_formatting.format_on_type(
            snap.parse, snap.model, params.position, params.ch, params.options, fs, ls.caps
        )

    # --- wiring: navigation, symbols, folding, tokens, links, hints, formatting (end) ---

    # --- wiring: code actions and commands (begin) ---
    from dockerls.features import code_actions as f_actions

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(code_action_kinds=list(f_actions.KINDS), resolve_provider=False),
    )
    async def code_action(
        ls: DockerLanguageServer, params: lsp.CodeActionParams
    ) -> list[lsp.CodeAction | lsp.Command] | None:
        snap = ls.snapshot(params.text_document.uri)
        if snap is None:
            return None
        out = f_actions.code_actions(snap.parse, snap.model, params, ls.caps, snap.linter.config)
        if ls.images is None:
            return out
        more: list[lsp.CodeAction | lsp.Command] = await ls.images.image_code_actions(snap, params)
        return (out or []) + more

    @server.command(f_actions.APPLY_EDIT_COMMAND)
    async def apply_edit_command(ls: DockerLanguageServer, edit: lsp.WorkspaceEdit) -> None:
        await ls.workspace_apply_edit_async(lsp.ApplyWorkspaceEditParams(edit=edit))

    # --- wiring: code actions and commands (end) ---

    # --- wiring: registry features (begin) ---
    # tag completion, image hover, pinning actions and registry diagnostics:
    # dockerls/image_lookups.py (network work never runs on the event loop)
    from dockerls.image_lookups import build_image_lookups

    server.images = build_image_lookups(server)

    @server.feature(lsp.SHUTDOWN)
    def shutdown(ls: DockerLanguageServer, params: None) -> None:
        if ls.images is not None:
            ls.images.shutdown()
        ls._sc_pool.shutdown(wait=False, cancel_futures=True)

    # --- wiring: registry features (end) ---

    return server


async def pull_configuration(ls: DockerLanguageServer) -> None:
    if not ls.caps.configuration:
        return
    try:
        result = await asyncio.wait_for(
            ls.workspace_configuration_async(
                lsp.ConfigurationParams(items=[lsp.ConfigurationItem(section=settings_mod.SECTION)])
            ),
            timeout=5,
        )
    except Exception as exc:  # a client that can't answer keeps the defaults
        log.info("workspace/configuration failed: %s", exc)
        return
    value = result[0] if result else None
    ls.apply_settings(
        [
            ("initializationOptions", ls._init_options or {}),
            ("workspace/configuration", value or {}),
        ]
    )


def position_json(p: Any, off: int, encoding: str) -> dict[str, int]:
    pos = position_of(p, off, encoding)
    return {"line": pos.line, "character": pos.character}


class _LspLogHandler(logging.Handler):
    """Forwards dockerls warnings and errors to window/logMessage."""

    def __init__(self, server: DockerLanguageServer) -> None:
        super().__init__(logging.WARNING)
        self.server = server

    def emit(self, record: logging.LogRecord) -> None:
        try:
            kind = (
                lsp.MessageType.Error
                if record.levelno >= logging.ERROR
                else lsp.MessageType.Warning
            )
            self.server.window_log_message(lsp.LogMessageParams(kind, self.format(record)))
        except Exception:
            pass


def serve(
    tcp: bool = False, host: str = "127.0.0.1", port: int = 2087, log_level: str = "warning"
) -> None:
    logging.basicConfig(
        stream=sys.stderr, level=getattr(logging, log_level.upper(), logging.WARNING)
    )
    logging.getLogger("pygls").setLevel(logging.WARNING)
    server = build_server()
    log.addHandler(_LspLogHandler(server))
    if tcp:
        server.start_tcp(host, port)
    else:
        server.start_io()
