"""The language server: :class:`DockerLanguageServer` and its handlers.

The server's state lives in named attributes of one object; every handler is
a module-level function of a few lines: find the snapshot, call a pure
function from ``dockerls.features``, return lsprotocol types.  Fakes for tests
are chosen through the environment (``DOCKERLS_REGISTRY=fake``), since the
server runs as a subprocess over stdio in every end-to-end test.

Concurrency: requests run synchronously over immutable snapshots.  After a
change, diagnostics are scheduled with ``call_soon``: a burst of changes that
arrive together is coalesced because a publish whose version is no longer the
latest is dropped, so a lone keystroke gets its diagnostics at once, with no
fixed delay.  ShellCheck runs in a thread pool and registry lookups in the
registry service's; their results are outside facts of a later publish.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
import os
import sys
import weakref
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types as lsp
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcServerNotInitialized,
)
from pygls.lsp.server import LanguageServer
from pygls.protocol import JsonRPCNotification, LanguageServerProtocol, default_converter
from pygls.protocol.language_server import lsp_method

from dockerls import __version__, lazy, probe
from dockerls.analysis.builds import is_build_file
from dockerls.analysis.rules import known_code, registry
from dockerls.features import capabilities
from dockerls.features.raw import RawJSON
from dockerls.handlers import dockerfile_only
from dockerls.lazy import lazy_module
from dockerls.uris import uri_to_path

if TYPE_CHECKING:
    from dockerls import base_images as base_images_mod
    from dockerls import build_files as build_files_mod
    from dockerls import config as hadolint_config
    from dockerls import context, documents, image_lookups, shellcheck
    from dockerls import settings as settings_mod
    from dockerls.analysis import dockerignore, shellcheck_map
    from dockerls.analysis.baseimage import Located
    from dockerls.analysis.engine import LintConfig
    from dockerls.analysis.facts import Facts, ShellCheckResults
    from dockerls.analysis.model import Model, Stage
    from dockerls.analysis.shellcheck_map import ScriptJob
    from dockerls.base_images import BaseImages
    from dockerls.build_files import BuildFiles
    from dockerls.builds import workspace as workspace_builds
    from dockerls.documents import DocumentStore, Snapshot
    from dockerls.features import baseimage as f_baseimage
    from dockerls.features import buildfiles as f_buildfiles
    from dockerls.features import caps as f_caps
    from dockerls.features import code_actions as f_actions
    from dockerls.features import completion as f_completion
    from dockerls.features import definition as f_definition
    from dockerls.features import diagnostics as f_diagnostics
    from dockerls.features import folding as f_folding
    from dockerls.features import formatting as f_formatting
    from dockerls.features import highlight as f_highlight
    from dockerls.features import hover as f_hover
    from dockerls.features import images as f_images
    from dockerls.features import inlay_hints as f_inlay
    from dockerls.features import links as f_links
    from dockerls.features import references as f_references
    from dockerls.features import rename as f_rename
    from dockerls.features import selection_range as f_selection
    from dockerls.features import semantic_tokens as f_tokens
    from dockerls.features import signature_help as f_sig
    from dockerls.features import symbols as f_symbols
    from dockerls.image_lookups import ImageLookups
    from dockerls.registry import session as registry_session
    from dockerls.shellcheck import ShellChecker
    from dockerls.syntax.parser import Parse
else:  # bound now, loaded on first use: after the initialize reply
    base_images_mod = lazy_module("dockerls.base_images")
    build_files_mod = lazy_module("dockerls.build_files")
    hadolint_config = lazy_module("dockerls.config")
    context = lazy_module("dockerls.context")
    documents = lazy_module("dockerls.documents")
    image_lookups = lazy_module("dockerls.image_lookups")
    registry_session = lazy_module("dockerls.registry.session")
    shellcheck = lazy_module("dockerls.shellcheck")
    settings_mod = lazy_module("dockerls.settings")
    dockerignore = lazy_module("dockerls.analysis.dockerignore")
    shellcheck_map = lazy_module("dockerls.analysis.shellcheck_map")
    workspace_builds = lazy_module("dockerls.builds.workspace")
    f_baseimage = lazy_module("dockerls.features.baseimage")
    f_buildfiles = lazy_module("dockerls.features.buildfiles")
    f_caps = lazy_module("dockerls.features.caps")
    f_actions = lazy_module("dockerls.features.code_actions")
    f_completion = lazy_module("dockerls.features.completion")
    f_definition = lazy_module("dockerls.features.definition")
    f_diagnostics = lazy_module("dockerls.features.diagnostics")
    f_folding = lazy_module("dockerls.features.folding")
    f_formatting = lazy_module("dockerls.features.formatting")
    f_highlight = lazy_module("dockerls.features.highlight")
    f_hover = lazy_module("dockerls.features.hover")
    f_images = lazy_module("dockerls.features.images")
    f_inlay = lazy_module("dockerls.features.inlay_hints")
    f_links = lazy_module("dockerls.features.links")
    f_references = lazy_module("dockerls.features.references")
    f_rename = lazy_module("dockerls.features.rename")
    f_selection = lazy_module("dockerls.features.selection_range")
    f_tokens = lazy_module("dockerls.features.semantic_tokens")
    f_sig = lazy_module("dockerls.features.signature_help")
    f_symbols = lazy_module("dockerls.features.symbols")

log = logging.getLogger("dockerls")

HADOLINT_FILES = (".hadolint.yaml", ".hadolint.yml")
WARM_UP_DELAY = 0.5  # seconds of no document after start before warm_up runs
# the files whose changes the server follows (a dynamic registration, where the client can)
WATCHED = (
    "**/{compose,docker-compose}*.{yaml,yml}",
    "**/docker-bake*.{hcl,json}",
    "**/.env",
    "**/{.hadolint.yaml,.hadolint.yml}",
    "**/*.dockerignore",
    "**/.dockerignore",
)


def in_pygls_workspace(uri: str) -> bool:
    """Documents whose text pygls keeps: ``.dockerignore``, Compose and Bake files."""
    return documents.is_dockerignore(uri) or is_build_file(uri)


class DockerProtocol(LanguageServerProtocol):
    """pygls's protocol with three changes:

    * requests whose params can't be read get an error reply (pygls would only
      log them, leaving the client waiting);
    * the LSP lifecycle is kept (:meth:`handle_message`: pygls answers
      requests before ``initialize`` and a second ``initialize``, and leaves
      requests after ``shutdown`` unanswered);
    * Dockerfiles are kept by our DocumentStore alone: pygls's own copy would
      re-split the whole text into lines on every keystroke, and nothing reads
      it (``.dockerignore``, Compose and Bake files still go to pygls's workspace).
    """

    @lsp_method(lsp.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: lsp.DidOpenTextDocumentParams) -> Any:
        if in_pygls_workspace(params.text_document.uri):
            self.workspace.put_text_document(params.text_document)
        if (handler := self.fm.features.get(lsp.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: lsp.DidChangeTextDocumentParams) -> Any:
        if in_pygls_workspace(params.text_document.uri):
            for change in params.content_changes:
                self.workspace.update_text_document(params.text_document, change)
        if (handler := self.fm.features.get(lsp.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: lsp.DidCloseTextDocumentParams) -> Any:
        if in_pygls_workspace(params.text_document.uri):
            self.workspace.remove_text_document(params.text_document.uri)
        if (handler := self.fm.features.get(lsp.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None

    @lsp_method(lsp.INITIALIZE)
    def lsp_initialize(self, params: lsp.InitializeParams) -> Any:
        """pygls's reply, without the ``capabilities.PER_LANGUAGE`` features for a client
        that takes them per language: the server registers them for the language of
        the Dockerfiles it opens (``DockerLanguageServer.offer_per_language``)."""
        result = yield from super().lsp_initialize(params)
        self.per_language = capabilities.per_language(params.capabilities)
        for method in self.per_language:
            setattr(result.capabilities, capabilities.PER_LANGUAGE[method], None)
        return result

    per_language: tuple[str, ...] = ()  # the PER_LANGUAGE features registered per language
    initialize_seen = False  # an ``initialize`` request has arrived
    shutdown_seen = False  # a ``shutdown`` request has been answered
    exiting = False  # ``exit`` arrived: nothing more is written

    def handle_message(self, message: Any) -> None:
        """Requests before ``initialize`` get ServerNotInitialized, a second
        ``initialize`` and requests after ``shutdown`` get InvalidRequest;
        notifications then are dropped (``exit`` always goes through)."""
        method = getattr(message, "method", None)
        if method is None or method == lsp.EXIT:  # responses, and exit
            super().handle_message(message)
            return
        refusal: JsonRpcException | None = None
        if self._shutdown:
            refusal = JsonRpcInvalidRequest("dockerls: the server is shut down")
        elif method == lsp.INITIALIZE and self.initialize_seen:
            refusal = JsonRpcInvalidRequest("dockerls: the server is already initialized")
        elif method != lsp.INITIALIZE and not self.initialize_seen:
            refusal = JsonRpcServerNotInitialized("dockerls: initialize first")
        if refusal is None:
            self.initialize_seen = True
            super().handle_message(message)
        elif getattr(message, "id", None) is not None:
            self._send_response(message.id, None, refusal.to_response_error())

    def _send_response(self, msg_id: Any, result: Any = None, error: Any = None) -> None:
        """A result that is already JSON (:class:`RawJSON`) is written as it is
        (pygls has no public hook for a pre-serialised result)."""
        if error is None and isinstance(result, RawJSON):
            self._result_types.pop(msg_id, None)
            head = b'{"jsonrpc":"2.0","id":%s,"result":' % json.dumps(msg_id).encode()
            write_pieces(self, (head, result, b"}"))
            return
        super()._send_response(msg_id, result, error)

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except Exception:
            if isinstance(data, dict) and "id" in data and "method" in data:
                method = str(data.get("method"))
                error = {"code": -32602, "message": f"Invalid params for {method}"}
                write_json(self, {"jsonrpc": "2.0", "id": data["id"], "error": error})
                return JsonRPCNotification(method="$/dockerls/invalid", params=None, jsonrpc="2.0")
            raise


def quick_converter() -> Any:  # a cattrs Converter (pygls's dependency, not ours)
    """pygls's converter without cattrs's detailed validation: the code it generates to
    read a message type compiles faster (the initialize request's capabilities span dozens
    of classes, read before the reply) and runs faster.  A message that doesn't fit is
    refused as before (Invalid params for a request); only the error's detail is shorter."""
    converter = default_converter()  # type: ignore[no-untyped-call]
    converter.detailed_validation = False
    return converter


_PENDING: set[asyncio.Future[Any]] = set()


def _keep(fut: asyncio.Future[Any]) -> None:
    """Hold a reference to a write (or a task) in flight until it is done."""
    _PENDING.add(fut)
    fut.add_done_callback(_PENDING.discard)


def write_json(protocol: LanguageServerProtocol, obj: object) -> None:
    write_pieces(protocol, (json.dumps(obj).encode("utf-8"),))


def write_pieces(protocol: LanguageServerProtocol, pieces: tuple[bytes, ...]) -> None:
    """One JSON-RPC message whose body is ``pieces`` joined, written without
    copying the (possibly large) pieces into one buffer."""
    writer = protocol.writer
    if writer is None or (isinstance(protocol, DockerProtocol) and protocol.exiting):
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
    """The server's state, in named attributes, and what handlers share.

    The initialize reply needs none of dockerls's analysis: the document store,
    settings, client capabilities and lookups are built by :meth:`start`, right
    after the reply, and the modules the handlers call load on first use."""

    store: DocumentStore
    caps: f_caps.ClientCaps
    settings: settings_mod.Settings
    images: ImageLookups
    # base-image lifecycle, vulnerabilities and variants (its own pool, the one registry client)
    base_images: BaseImages
    build_files: BuildFiles  # open Compose and Bake files

    def __init__(self) -> None:
        super().__init__(
            "dockerls",
            __version__,
            text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
            protocol_cls=DockerProtocol,
            converter_factory=quick_converter,
        )
        self.started = False  # start() ran
        self.warmed = False  # warm_up() ran
        self.init_options: object = None  # initializationOptions, the lowest settings layer
        self.root: Path | None = None  # the workspace folder
        self.layers: list[tuple[str, object]] = []  # the settings layers in force
        self.settings_shown: set[str] = set()  # the settings problems shown
        self.builds_key: object = None  # the settings and root the workspace builds are for
        # folder -> its lint configuration (`.hadolint.yaml` under the settings)
        self.folder_configs: dict[str, LintConfig] = {}
        # uri -> serialised diagnostics
        self.diag_caches: dict[str, f_diagnostics.DiagnosticCache] = {}
        self.scheduled: dict[str, int | None] = {}  # uri -> version awaiting its publish
        self.checker: ShellChecker | None = None
        self.checker_key: object = None  # the settings the checker was built for
        self.sc_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="shellcheck")
        self.sc_running: set[str] = set()  # uris with a ShellCheck run in flight
        self.sc_retries: dict[str, int] = {}  # uri -> failed ShellCheck runs in a row
        self.sc_listed: set[str] = set()  # uris whose scripts were listed for ShellCheck
        # uri -> (checker, parse) of the last listing that found every script's results cached
        self.sc_complete: dict[str, tuple[ShellChecker, weakref.ref[Parse]]] = {}
        self.sc_results: ShellCheckResults | None = None  # the checker's cached results
        # uri -> (version, diagnostics JSON) last published: an identical publish is skipped
        self.sent: dict[str, tuple[int | None, bytes]] = {}
        # uri -> (result id, data) of the last semantic tokens, for deltas
        self.tokens: dict[str, tuple[str, list[int]]] = {}
        self.tokens_counter = 0
        self.loop: asyncio.AbstractEventLoop | None = None  # the event loop, once running
        # the languages the PER_LANGUAGE features were registered for
        self.per_language_done: set[str] = set()

    def start(self, params: lsp.InitializeParams) -> None:
        """Everything the initialize reply didn't need, run right after it
        (before the next message is read); the rest loads with ``warm_up``."""
        self.init_options = params.initialization_options
        folders = params.workspace_folders
        root = params.root_uri or (folders[0].uri if folders else None)
        self.root = uri_to_path(root) if root else None
        layers: list[tuple[str, object]] = [("initializationOptions", self.init_options or {})]
        loaded = settings_mod.load_layers(layers, known_code=known_code)
        # first the workspace's build files: read on the second CPU from now on, while
        # the analysis modules load and the first document opens (it takes the result)
        builds = self.workspace_builds(loaded[0])
        enc: Any = self.workspace.position_encoding
        encoding = str(getattr(enc, "value", enc) or "utf-16")
        self.caps = f_caps.ClientCaps.from_initialize(params.capabilities, encoding)
        # a split lint renders the diagnostics of the items each side linted
        render = f_diagnostics.renderer(self.caps.encoding)
        self.store = documents.DocumentStore(split=True, render=render)
        self.store.config_for = self.config_for
        self.settings = settings_mod.Settings()
        self.images = image_lookups.ImageLookups(self)
        self.base_images = base_images_mod.BaseImages(self.schedule, self.images.http_registry)
        self.build_files = build_files_mod.BuildFiles(self.store)
        self.base_images.configure(self.settings)
        self.started = True
        self.apply_settings(layers, loaded, builds)
        if self.loop is not None:
            self.loop.call_later(WARM_UP_DELAY, self.warm_up, True)

    def warm_up(self, idle: bool = False) -> None:
        """Load the rule registry and the modules no handler has used yet (hover,
        completion, ...): after the first publish, or sooner when no document was
        opened in the first moments (``idle``), so the first one finds them ready.
        Then the cyclic collector runs again (``dockerls serve`` starts it off)."""
        if self.warmed or (idle and self.store.uris()):
            return  # a document is on its way: its publish calls this
        self.warmed = True
        registry()
        lazy.load_all()
        if self.settings.registry.enabled and not self.base_images.offline:
            registry_session.load_library()  # the lookups follow the first publish
        # off since start-up (`dockerls serve`): the first publish is written.  One full
        # collection now takes start-up's garbage (the classes attrs rebuilt with slots...)
        # and moves what lives on (start-up's objects, the open document's tree, hundreds
        # of thousands after a big file) to the oldest generation at once; left to the
        # automatic collections, the next requests (an outline, tokens) would pay for
        # walking them in the young generations first, and again in the middle one
        gc.collect()
        gc.enable()

    # -- settings -------------------------------------------------------
    def apply_settings(
        self,
        layers: list[tuple[str, object]],
        loaded: tuple[settings_mod.Settings, list[settings_mod.SettingError]] | None = None,
        builds: workspace_builds.WorkspaceBuilds | None = None,
    ) -> None:
        """Take the settings ``layers`` (``loaded``: already read from them, and
        ``builds``: the workspace builds ``workspace_builds`` made for them)."""
        self.layers = layers
        self.folder_configs.clear()
        s, errors = loaded or settings_mod.load_layers(layers, known_code=known_code)
        self.settings_problems(s, errors)
        changed = s != self.settings
        self.settings = s
        self.base_images.configure(s)
        builds = builds or self.workspace_builds(s)
        if builds is not None:
            self.store.builds = builds
            changed = True
        if changed:
            self.store.set_config(settings_mod.to_lint_config(s), s.context.path)
            for uri in self.store.uris():
                self.schedule(uri)

    def workspace_builds(self, s: settings_mod.Settings) -> workspace_builds.WorkspaceBuilds | None:
        """New workspace builds when the build settings or the root changed (None: they
        hold); their files are read on the second CPU from now on (``prefetch``), and
        scanned when a Dockerfile asks."""
        key = (s.build, self.root)
        if key == self.builds_key:
            return None
        self.builds_key = key
        roots = [self.root] if self.root is not None else []
        builds = workspace_builds.WorkspaceBuilds.from_settings(s.build, roots)
        builds.prefetch()
        return builds

    def settings_problems(
        self, s: settings_mod.Settings, errors: list[settings_mod.SettingError]
    ) -> None:
        """One warning per problem: a bad value (the same mistake in two layers
        is one problem) or a setting that can't work; a problem already shown
        by the last settings is not shown again."""
        notes = {f"{e.path}: {e.message}": f"dockerls setting {e}" for e in errors}
        sc = s.shellcheck
        for problem in settings_mod.unusable(s) + shellcheck.setting_problems(
            sc.path, sc.extra_args
        ):
            notes.setdefault(problem, f"dockerls setting {problem}")
        for key, msg in notes.items():
            if key not in self.settings_shown:
                log.warning(msg)
                self.window_show_message(lsp.ShowMessageParams(lsp.MessageType.Warning, msg))
        self.settings_shown = set(notes)

    async def pull_configuration(self) -> None:
        """Ask the client for our settings (``workspace/configuration``)."""
        if not self.caps.configuration:
            return
        item = lsp.ConfigurationItem(section=settings_mod.SECTION)
        try:
            result = await asyncio.wait_for(
                self.workspace_configuration_async(lsp.ConfigurationParams(items=[item])),
                timeout=5,
            )
        except Exception as exc:  # a client that can't answer keeps the defaults
            log.info("workspace/configuration failed: %s", exc)
            return
        value = result[0] if result else None
        self.apply_settings(
            [
                ("initializationOptions", self.init_options or {}),
                ("workspace/configuration", value or {}),
            ]
        )

    def config_for(self, path: Path | None) -> LintConfig:
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
        hit = self.folder_configs.get(key)
        if hit is not None:
            return hit
        cfg, problems = hadolint_config.find_and_load(
            path, self.root, explicit=hs.config_file, known_code=known_code
        )
        result = base
        if cfg.path is not None:
            overrides = hadolint_config.to_settings_overrides(cfg)
            s, _errors = settings_mod.load_layers(
                [("hadolint", overrides), *self.layers], known_code=known_code
            )
            result = settings_mod.to_lint_config(s)
            self.publish_raw(Path(cfg.path).as_uri(), None, f_diagnostics.problems_json(problems))
        self.folder_configs[key] = result
        return result

    def configuration_files_changed(self) -> None:
        """A `.hadolint.yaml` or `.dockerignore` changed: read them again."""
        self.folder_configs.clear()
        for uri in self.store.refresh_context():
            self.schedule(uri)

    # -- diagnostics ----------------------------------------------------
    def schedule(self, uri: str) -> None:
        snap = self.store.get(uri)
        if snap is None:
            return
        pending = uri in self.scheduled
        self.scheduled[uri] = snap.version
        if not pending:
            asyncio.get_running_loop().call_soon(self.publish, uri)

    def republish(self, uri: str) -> None:
        """Publish an open document again (new outside facts arrived)."""
        if self.store.get(uri) is not None:
            self.schedule(uri)

    def publish(self, uri: str) -> None:
        self.scheduled.pop(uri, None)
        snap = self.store.get(uri)
        if snap is None:
            return
        body: bytes | None = None
        with gc_paused():  # the collection comes once the publish is written
            try:
                result = snap.lint_with(partial(self.facts_for, snap))
                cache = self.diag_caches.get(uri)
                if cache is None or cache.encoding != self.caps.encoding:
                    cache = self.diag_caches[uri] = f_diagnostics.DiagnosticCache(
                        self.caps.encoding
                    )
                body = f_diagnostics.diagnostics_json(
                    snap.parse, result.per_item, cache, result.rendered
                )
            except Exception:
                log.exception("linting %s failed", uri)
            if body is not None and self.sent.get(uri) != (snap.version, body):
                self.sent[uri] = (snap.version, body)  # new lookups may change nothing
                self.publish_raw(uri, snap.version, body)
        if not self.warmed and self.loop is not None:
            self.loop.call_soon(self.warm_up)  # after what the lint queued (ShellCheck, lookups)
        if body is not None and self.build_files.uris() and snap.path is not None:
            # the Compose/Bake files building this Dockerfile are checked against it again
            for other in self.build_files.open_using([snap.path.resolve()]):
                self.publish_build_file(other)

    # -- Compose and Bake files ------------------------------------------
    def build_file_changed(self, uri: str, version: int | None) -> None:
        """An open Compose or Bake file's text changed: check it again."""
        text = self.workspace.get_text_document(uri).source
        self.build_files.update(uri, text, version)
        self.publish_build_file(uri)

    def builds_changed(self, paths: list[Path]) -> None:
        """Compose, Bake or ``.env`` files changed on disk: their projects are read again,
        the Dockerfiles they build checked again, and the build files too."""
        affected: list[Path] = []
        for path in paths:
            affected += self.store.builds.reload(path)
        self.build_files.changed_on_disk()
        for uri in self.store.refresh_builds(affected):
            self.schedule(uri)
        files = [p for p in paths if is_build_file(p.name)]
        uris = {p.as_uri() for p in files} | set(self.build_files.uris())
        for uri in sorted(uris):
            self.publish_build_file(uri)

    def publish_workspace_build_files(self) -> None:
        """Diagnostics for the Compose and Bake files the workspace scan found."""
        for path in self.store.builds.build_files():
            self.publish_build_file(path.as_uri())

    async def watch_build_files(self) -> None:
        """Ask the client to report changes to the files the server follows (a client
        that refuses keeps didSave)."""
        if not self.caps.watch_files:
            return
        watchers = [lsp.FileSystemWatcher(glob_pattern=g) for g in WATCHED]
        options = lsp.DidChangeWatchedFilesRegistrationOptions(watchers=watchers)
        method = lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES
        registration = lsp.Registration(
            id="dockerls-watch", method=method, register_options=options
        )
        await self.register(lsp.RegistrationParams([registration]))

    async def register(self, params: lsp.RegistrationParams) -> None:
        """Ask the client for ``params``' dynamic registrations (a refusal, or no answer
        within 5 s, is logged: the client keeps what it has)."""
        try:
            await asyncio.wait_for(self.client_register_capability_async(params), 5)
        except Exception as exc:
            log.info("registering %s failed: %s", [r.method for r in params.registrations], exc)

    def offer_per_language(self, language: str) -> None:
        """Register the ``capabilities.PER_LANGUAGE`` features (formatting) for the
        documents of ``language``, the language id of a Dockerfile the client opened,
        where the client takes them per language: once per language."""
        methods = self.protocol.per_language if isinstance(self.protocol, DockerProtocol) else ()
        if not methods or language in self.per_language_done:
            return
        self.per_language_done.add(language)
        params = lsp.RegistrationParams(capabilities.per_language_registrations(language, methods))
        if self.loop is not None:
            _keep(self.loop.create_task(self.register(params)))

    def publish_build_file(self, uri: str) -> None:
        doc = self.build_files.doc(uri)
        if doc is None:
            if not self.build_files.is_open(uri):
                self.publish_raw(uri, None, b"[]")  # deleted: its diagnostics go
            return
        config = self.config_for(uri_to_path(uri))
        try:
            body = f_diagnostics.build_file_json(
                doc.text, f_buildfiles.problems(doc, config), self.caps.encoding
            )
        except Exception:
            log.exception("checking %s failed", uri)
            return
        self.publish_raw(uri, self.build_files.version(uri), body)

    def build_doc(self, uri: str) -> f_buildfiles.BuildDoc:
        """An open Compose or Bake document, or an InvalidParams error reply."""
        doc = self.build_files.doc(uri)
        if doc is None:
            raise JsonRpcInvalidParams(f"dockerls: the document {uri} is not open")
        return doc

    def facts_for(self, snap: Snapshot, model: Model) -> Facts:
        """The outside facts of a publish: the document's build context, what
        the registry caches know about its images, ShellCheck's cached results
        (the same facts object when nothing changed)."""
        lifecycle = self.base_images.lifecycle(snap.uri)
        images = self.images.image_facts(snap.uri, model, lifecycle)
        for image, found in self.base_images.image_facts(model, snap.uri).items():
            images[image] = replace(images.get(image, found), vulnerabilities=found.vulnerabilities)
        facts = replace(
            snap.facts,
            images=images,
            shellcheck=self.shellcheck_results(snap, model),
            lifecycle=lifecycle,
        )
        return snap.facts if facts == snap.facts else facts

    def publish_raw(self, uri: str, version: int | None, diagnostics_array_json: bytes) -> None:
        """Send publishDiagnostics with a pre-serialised diagnostics array
        (UTF-8 JSON), written in pieces so the large array is never copied."""
        ver = "" if version is None else f',"version":{int(version)}'
        head = (
            '{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":'
            f'{json.dumps(uri)}{ver},"diagnostics":'
        ).encode()
        write_pieces(self.protocol, (head, diagnostics_array_json, b"}}"))

    def check_dockerignore(self, uri: str, version: int | None) -> None:
        """Diagnostics for the patterns of an open ``.dockerignore``; its
        unsaved text also re-checks the open Dockerfiles that use it."""
        source = self.workspace.get_text_document(uri).source
        _patterns, problems = dockerignore.parse_dockerignore(source)
        level = dockerignore.problem_level(self.config_for(uri_to_path(uri)))
        body = f_diagnostics.ignore_file_json(source, problems, self.caps.encoding, level)
        self.publish_raw(uri, version, body)

    def clear(self, uri: str) -> None:
        self.diag_caches.pop(uri, None)
        self.scheduled.pop(uri, None)
        self.tokens.pop(uri, None)
        self.sent.pop(uri, None)
        self.sc_retries.pop(uri, None)
        self.sc_listed.discard(uri)
        self.sc_complete.pop(uri, None)
        if self.checker is not None:
            self.checker.forget(uri)
        self.images.forget(uri)
        self.base_images.forget(uri)
        self.publish_raw(uri, None, b"[]")

    # -- ShellCheck -----------------------------------------------------
    def shellchecker(self) -> ShellChecker | None:
        """The ShellCheck runner for the current settings (None when off)."""
        sc = self.settings.shellcheck
        off = "shellcheck" in self.store.config.disabled_groups
        key = (sc.enabled, sc.path, sc.extra_args, sc.timeout_ms, off)
        if key != self.checker_key:
            self.checker_key = key
            if self.checker is not None:
                self.checker.close()
            self.checker = None
            if sc.enabled is not False and not off:
                checker = shellcheck.ShellChecker(
                    sc.path, sc.extra_args, timeout=sc.timeout_ms / 1000, background=True
                )
                if checker.available:
                    self.checker = checker
                    self.sc_results = checker.cached_results()
                elif sc.enabled is True:
                    msg = "dockerls: shellcheck.enabled is on but no ShellCheck binary was found"
                    log.warning(msg)
                    self.window_show_message(lsp.ShowMessageParams(lsp.MessageType.Warning, msg))
        return self.checker

    def shellcheck_results(self, snap: Snapshot, model: Model) -> ShellCheckResults | None:
        """ShellCheck's cached results (a view that stays the same object until
        new results arrive); uncached scripts are checked in a worker thread
        and the document is published again when they're done."""
        checker = self.shellchecker()
        if checker is None:
            return None
        if snap.uri not in self.sc_listed and self.loop is not None:
            # a document's first publish doesn't wait for its scripts to be listed
            # (a big file's first publish would): the next one lists them
            self.sc_listed.add(snap.uri)
            self.loop.call_soon(self.republish, snap.uri)
            return self.sc_results
        missing = self.missing_scripts(snap, model, checker)
        if missing and snap.uri not in self.sc_running and not self.exiting:
            self.sc_running.add(snap.uri)
            # started once this publish is written: ShellCheck's processes
            # don't compete with it for the CPU
            asyncio.get_running_loop().call_soon(self.start_shellcheck, snap.uri, checker, missing)
        return self.sc_results

    def missing_scripts(
        self, snap: Snapshot, model: Model, checker: ShellChecker
    ) -> list[ScriptJob]:
        """The document's scripts whose results ShellCheck's cache lacks (the
        document owns its scripts' results).  After a listing that lacked none,
        a keystroke's looks only at the scripts its edit changed: the others'
        results stay cached while the document has them."""
        jobs = shellcheck_map.jobs_for(snap.parse, model)
        last = self.sc_complete.get(snap.uri)
        prev = last[1]() if last is not None and last[0] is checker else None
        missing: list[ScriptJob] | None = None
        if prev is snap.parse:
            missing = []
        elif prev is not None and id(prev) == snap.parse.parent_id:
            changes = shellcheck_map.job_changes(snap.parse)
            if changes is not None:
                missing = checker.peek_changes(snap.uri, *changes)
        if missing is None:
            missing = checker.peek(jobs, snap.uri)[1]
        if missing:
            self.sc_complete.pop(snap.uri, None)
        else:
            self.sc_complete[snap.uri] = (checker, weakref.ref(snap.parse))
        return missing

    def start_shellcheck(self, uri: str, checker: ShellChecker, missing: list[ScriptJob]) -> None:
        """Check the scripts ShellCheck's cache lacks in a worker thread; the
        document is published again when they're done."""
        try:
            fut = asyncio.get_running_loop().run_in_executor(
                self.sc_pool, checker.check_scripts, missing
            )
        except RuntimeError:  # shut down meanwhile (the workers stopped)
            self.sc_running.discard(uri)
            return
        fut.add_done_callback(partial(self.shellcheck_done, uri, checker, missing))

    def shellcheck_done(
        self, uri: str, checker: ShellChecker, scripts: list[ScriptJob], _run: object
    ) -> None:
        """A ShellCheck run ended: publish the document's current version
        again, now with the findings.  Scripts whose run failed (a timeout)
        keep the document's other findings and are tried again after a pause
        that grows with each failure, without waiting for an edit."""
        self.sc_running.discard(uri)
        if checker is not self.checker or self.exiting:
            return
        failed = checker.peek(scripts)[1]
        if len(failed) < len(scripts):  # new results: a new view, so documents lint again
            self.sc_results = checker.cached_results()
            self.republish(uri)
        attempt = self.sc_retries.pop(uri, 0)
        delay = shellcheck.retry_delay(attempt) if failed else None
        if delay is not None and self.loop is not None:
            self.sc_retries[uri] = attempt + 1
            self.loop.call_later(delay, self.republish, uri)

    # -- requests -------------------------------------------------------
    def snapshot(self, uri: str) -> Snapshot | None:
        """The open Dockerfile; None for an open Compose or Bake file, where the Dockerfile
        features answer null (an empty answer would still be this server's: VS Code would
        fold nothing in a Compose file instead of folding it by its indentation); an
        InvalidParams error reply for a URI that was never opened."""
        snap = self.store.get(uri)
        if snap is None and not self.build_files.is_open(uri):
            raise JsonRpcInvalidParams(f"dockerls: the document {uri} is not open")
        return snap

    def list_dir(self, snap: Snapshot) -> f_completion.ListDir | None:
        """``list_dir`` for COPY/ADD source completion: the build contexts of the known
        builds (else the ``context.path`` setting, else the Dockerfile's folder) minus what
        their ignore files exclude."""
        if snap.path is None:
            return None
        # the contexts of the builds that name one, else the context.path setting or the folder
        roots = [b.context for b in snap.facts.builds if b.context]
        return context.contexts_lister(
            roots or [self.store.context_dir or snap.path.parent], snap.path
        )

    def new_tokens_id(self) -> str:
        """A result id for semantic tokens."""
        self.tokens_counter += 1
        return str(self.tokens_counter)

    def remember_tokens(self, uri: str, rid: str, data: list[int]) -> None:
        """Keep a document's tokens, answered under ``rid``, for a later delta."""
        self.tokens[uri] = (rid, data)

    def report_server_error(self, error: Exception, source: Any) -> None:
        """A message that isn't JSON gets a JSON-RPC parse error (id null)."""
        if isinstance(error, JsonRpcException):
            return  # already answered as an error reply to the request
        if isinstance(error, json.JSONDecodeError):
            parse_error = {"code": -32700, "message": f"Parse error: {error}"}
            write_json(self.protocol, {"jsonrpc": "2.0", "id": None, "error": parse_error})
            return
        log.error("server error: %s", error)

    def stop_workers(self) -> None:
        """On ``shutdown`` and ``exit``: registry lookups and ShellCheck runs
        stop (running ShellCheck processes are killed)."""
        if self.started:
            self.images.shutdown()
            self.base_images.shutdown()
        self.sc_pool.shutdown(wait=False, cancel_futures=True)
        if self.checker is not None:
            self.checker.close()

    def exit_now(self) -> None:
        """On ``exit``: stop writing, kill running ShellCheck processes and end
        the process at once with the LSP's status (worker threads and handlers
        still in flight are not waited for: they'd only write to a client
        that is gone)."""
        if isinstance(self.protocol, DockerProtocol):
            self.protocol.exiting = True
        self.stop_workers()
        logging.shutdown()
        for stream in (sys.stderr, sys.stdout):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(self.exit_status())

    @property
    def exiting(self) -> bool:
        """``exit`` arrived: no more runs start and nothing more is written."""
        return isinstance(self.protocol, DockerProtocol) and self.protocol.exiting

    def exit_status(self) -> int:
        """The process's exit status per the LSP: 0 after ``shutdown``, else 1
        (also when the client went away without ``exit``)."""
        shut_down = isinstance(self.protocol, DockerProtocol) and self.protocol.shutdown_seen
        return 0 if shut_down else 1

    # -- base images ----------------------------------------------------
    def image_hover_text(self, snap: Snapshot, stage: Stage | None, word: str) -> str | None:
        """The hover's image details: the registry's, then the lifecycle, vulnerabilities
        and leaner variants of the stage's base image."""
        if stage is None:
            return self.images.image_info(word)
        details = partial(self._image_details, snap.model, stage)
        return f_images.image_details(snap.model, stage, word, details, markdown=self.caps.markdown)

    def _image_details(
        self, model: Model, stage: Stage, reference: str, located: Located | None
    ) -> str | None:
        """One image's details: the registry's, then its lifecycle, vulnerabilities, variants."""
        parts = [self.images.image_info(reference)]
        if located is not None:
            parts.append(self.base_images.hover_text(model, stage, located))
        return "\n\n".join(p for p in parts if p) or None


@contextlib.contextmanager
def gc_paused(resume_on: asyncio.AbstractEventLoop | None = None) -> Iterator[None]:
    """No cyclic garbage collection inside: parsing and linting a large file
    allocate hundreds of thousands of objects, none of them garbage yet, and
    the collector would walk them again and again (a quarter of a cold
    open).  The collection comes after, once the result is on its way; with
    ``resume_on``, after the callbacks already queued on that loop (a
    didOpen's publish)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled and resume_on is not None:
            resume_on.call_soon(gc.enable)
        elif was_enabled:
            gc.enable()


SERVER = DockerLanguageServer()


# -- lifecycle and settings ---------------------------------------------------
@SERVER.feature(lsp.INITIALIZE)
def initialize(server: DockerLanguageServer, params: lsp.InitializeParams) -> None:
    """The reply goes out first (it depends on the registered features only);
    ``start`` runs right after it, before the next message is handled."""
    try:
        server.loop = asyncio.get_running_loop()
    except RuntimeError:  # no event loop: start at once
        server.start(params)
        return
    server.loop.call_soon(server.start, params)


@SERVER.feature(lsp.INITIALIZED)
async def initialized(server: DockerLanguageServer, params: lsp.InitializedParams) -> None:
    await server.pull_configuration()
    await server.watch_build_files()
    server.publish_workspace_build_files()


@SERVER.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(
    server: DockerLanguageServer, params: lsp.DidChangeConfigurationParams
) -> None:
    if server.caps.configuration:
        await server.pull_configuration()
    else:  # the client's settings now, whole: {} or null is every default
        server.apply_settings([("didChangeConfiguration", params.settings or {})])


@SERVER.feature(lsp.SHUTDOWN)
def shutdown(server: DockerLanguageServer, params: None) -> None:
    server.stop_workers()
    if isinstance(server.protocol, DockerProtocol):
        server.protocol.shutdown_seen = True


@SERVER.feature(lsp.EXIT)
def exit_(server: DockerLanguageServer, params: None) -> None:
    server.exit_now()


# -- documents ------------------------------------------------------------------
@SERVER.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
def did_open(server: DockerLanguageServer, params: lsp.DidOpenTextDocumentParams) -> None:
    d = params.text_document
    if documents.is_dockerignore(d.uri):
        server.check_dockerignore(d.uri, d.version)
        return
    if is_build_file(d.uri):
        server.build_file_changed(d.uri, d.version)
        return
    with gc_paused(resume_on=server.loop):  # no collection before its publish is written
        server.store.open(d.uri, d.text, d.version)
        server.schedule(d.uri)
    server.offer_per_language(d.language_id)


@SERVER.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def did_change(server: DockerLanguageServer, params: lsp.DidChangeTextDocumentParams) -> None:
    d = params.text_document
    if documents.is_dockerignore(d.uri):
        server.check_dockerignore(d.uri, d.version)
        return
    if is_build_file(d.uri):
        server.build_file_changed(d.uri, d.version)
        return
    snap = server.store.change(d.uri, d.version, params.content_changes, server.caps.encoding)
    if snap is None:
        log.warning("change for a document that is not open: %s", d.uri)
        return
    server.schedule(d.uri)


@SERVER.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
def did_save(server: DockerLanguageServer, params: lsp.DidSaveTextDocumentParams) -> None:
    uri = params.text_document.uri
    if documents.is_dockerignore(uri) or uri.endswith(HADOLINT_FILES):
        # a saved .dockerignore or .hadolint.yaml re-checks the open Dockerfiles
        server.configuration_files_changed()
        return
    if server.build_files.is_open(uri):  # a Compose or Bake file: what it builds changed
        server.builds_changed([path] if (path := uri_to_path(uri)) is not None else [])
        return
    server.folder_configs.clear()
    server.store.refresh_context(uri)
    server.schedule(uri)


@SERVER.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched(
    server: DockerLanguageServer, params: lsp.DidChangeWatchedFilesParams
) -> None:
    if any(
        documents.is_dockerignore(c.uri) or c.uri.endswith(HADOLINT_FILES) for c in params.changes
    ):
        server.configuration_files_changed()
    paths = [p for c in params.changes if (p := uri_to_path(c.uri)) is not None]
    extra = server.store.builds.extra
    builds = [
        p for p in paths if workspace_builds.affects_builds(p, extra) or is_build_file(p.name)
    ]
    if builds:
        server.builds_changed(builds)


@SERVER.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
def did_close(server: DockerLanguageServer, params: lsp.DidCloseTextDocumentParams) -> None:
    if server.build_files.is_open(params.text_document.uri):
        server.build_files.close(params.text_document.uri)
        # what the file on disk says (nothing, once it is gone)
        server.publish_build_file(params.text_document.uri)
        return
    server.store.close(params.text_document.uri)
    server.clear(params.text_document.uri)


# -- completion, hover, signature help ---------------------------------------------
@SERVER.feature(
    lsp.TEXT_DOCUMENT_COMPLETION,
    lsp.CompletionOptions(
        trigger_characters=capabilities.COMPLETION_TRIGGER_CHARACTERS, resolve_provider=True
    ),
)
def completion(
    server: DockerLanguageServer, params: lsp.CompletionParams
) -> lsp.CompletionList | None:
    if server.build_files.is_open(params.text_document.uri):
        doc = server.build_doc(params.text_document.uri)
        # the Dockerfile is read whatever the ignore file says: all of the context
        lister = partial(context.context_lister, ignore=False)
        return f_buildfiles.completion(doc, params.position, server.caps, lister)
    snap = server.snapshot(params.text_document.uri)
    if snap is None:
        return None
    return f_completion.completion(
        snap.parse, snap.model, params.position, server.caps,
        list_dir=server.list_dir(snap), tags_for=server.images.tags_for,
    )  # fmt: skip


@SERVER.feature(lsp.COMPLETION_ITEM_RESOLVE)
def completion_resolve(
    server: DockerLanguageServer, item: lsp.CompletionItem
) -> lsp.CompletionItem:
    return f_completion.resolve(item, server.caps)


@SERVER.feature(lsp.TEXT_DOCUMENT_HOVER)
async def hover(server: DockerLanguageServer, params: lsp.HoverParams) -> lsp.Hover | None:
    if server.build_files.is_open(params.text_document.uri):
        doc = server.build_doc(params.text_document.uri)
        return f_buildfiles.hover(doc, params.position, server.caps)
    snap = server.snapshot(params.text_document.uri)
    if snap is None:
        return None
    # a FROM image: wait briefly for the registry and the base-image lookups
    await server.images.prepare_image_hover(snap, params.position)
    stage = f_images.image_stage_at(snap.model, params.position, server.caps)
    if stage is not None:
        await server.base_images.prepare_hover(snap.model, stage)
    return f_hover.hover(
        snap.parse, snap.model, params.position, server.caps,
        uri=snap.uri, image_info=partial(server.image_hover_text, snap, stage),
    )  # fmt: skip


@SERVER.feature(
    lsp.TEXT_DOCUMENT_SIGNATURE_HELP,
    lsp.SignatureHelpOptions(
        trigger_characters=capabilities.SIGNATURE_TRIGGER_CHARACTERS,
        retrigger_characters=capabilities.SIGNATURE_RETRIGGER_CHARACTERS,
    ),
)
@dockerfile_only
def signature_help(
    server: DockerLanguageServer, params: lsp.SignatureHelpParams, snap: Snapshot
) -> lsp.SignatureHelp | None:
    return f_sig.signature_help(snap.parse, snap.model, params.position, server.caps)


# -- navigation, symbols, folding, links -------------------------------------------
@SERVER.feature(lsp.TEXT_DOCUMENT_DEFINITION)
def definition(
    server: DockerLanguageServer, params: lsp.DefinitionParams
) -> list[lsp.Location] | None:
    if server.build_files.is_open(params.text_document.uri):
        doc = server.build_doc(params.text_document.uri)
        return f_buildfiles.definition(doc, params.position, server.caps)
    snap = server.snapshot(params.text_document.uri)
    if snap is None:
        return None
    found = f_definition.definition(snap.parse, snap.model, params.position, server.caps, snap.uri)
    if found is not None:
        return found
    # a FROM image or --from value a build's named context stands in for: where it is set
    return f_buildfiles.context_definition(
        snap.parse, snap.model, params.position, server.caps, server.build_files.text_of
    )


@SERVER.feature(lsp.TEXT_DOCUMENT_REFERENCES)
def references(
    server: DockerLanguageServer, params: lsp.ReferenceParams
) -> list[lsp.Location] | None:
    incl = params.context.include_declaration
    text_of = server.build_files.text_of
    if server.build_files.is_open(params.text_document.uri):
        doc = server.build_doc(params.text_document.uri)
        return f_buildfiles.references(doc, params.position, incl, text_of, server.caps)
    snap = server.snapshot(params.text_document.uri)
    if snap is None:
        return None
    found = f_references.references(
        snap.parse, snap.model, params.position, incl, server.caps, snap.uri
    )
    if found is None or snap.path is None:
        return found
    df, path = _built_dockerfile(snap)
    builds = server.build_files.builds_for(path)
    return found + f_buildfiles.dockerfile_references(
        df, params.position, builds, text_of, server.caps
    )


def _built_dockerfile(snap: Snapshot) -> tuple[f_buildfiles.Dockerfile, Path]:
    """An open Dockerfile (a file: it has a path) as builds name it, and that resolved path."""
    assert snap.path is not None
    path = snap.path.resolve()
    return f_buildfiles.Dockerfile(snap.uri, snap.parse, snap.model, str(path)), path


@SERVER.feature(lsp.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
@dockerfile_only
def document_highlight(
    server: DockerLanguageServer, params: lsp.DocumentHighlightParams, snap: Snapshot
) -> list[lsp.DocumentHighlight] | None:
    return f_highlight.highlight(snap.parse, snap.model, params.position, server.caps)


@SERVER.feature(lsp.TEXT_DOCUMENT_PREPARE_RENAME)
def prepare_rename(
    server: DockerLanguageServer, params: lsp.PrepareRenameParams
) -> lsp.PrepareRenamePlaceholder | None:
    try:
        if server.build_files.is_open(params.text_document.uri):
            doc = server.build_doc(params.text_document.uri)
            return f_buildfiles.prepare_rename(doc, params.position, server.caps)
        snap = server.snapshot(params.text_document.uri)
        if snap is None:
            return None
        return f_rename.prepare_rename(snap.parse, snap.model, params.position, server.caps)
    except f_rename.RenameError as exc:
        raise JsonRpcInvalidParams(str(exc)) from exc


@SERVER.feature(lsp.TEXT_DOCUMENT_RENAME)
def rename(server: DockerLanguageServer, params: lsp.RenameParams) -> lsp.WorkspaceEdit | None:
    """The rename in the Dockerfile, and in the Compose and Bake files that build it
    (``target`` values, ``args`` keys): the builds keep finding their stage and arguments."""
    if server.build_files.is_open(params.text_document.uri):
        doc = server.build_doc(params.text_document.uri)
        try:
            return f_buildfiles.rename(
                doc,
                params.position,
                params.new_name,
                lambda dockerfile: server.build_files.builds_for(Path(dockerfile)),
                server.build_files.text_of,
                server.caps,
            )
        except f_rename.RenameError as exc:
            raise JsonRpcInvalidParams(str(exc)) from exc
    snap = server.snapshot(params.text_document.uri)
    if snap is None:
        return None
    try:
        edit = f_rename.rename(
            snap.parse, snap.model, params.position, params.new_name, server.caps, snap.uri
        )
        if edit is None or edit.changes is None or snap.path is None:
            return edit
        df, path = _built_dockerfile(snap)
        outside = f_buildfiles.dockerfile_rename(
            df,
            params.position,
            params.new_name,
            server.build_files.builds_for(path),
            server.build_files.text_of,
            server.caps,
        )
    except f_rename.RenameError as exc:
        raise JsonRpcInvalidParams(str(exc)) from exc
    return lsp.WorkspaceEdit(changes={**edit.changes, **outside})


@SERVER.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
@dockerfile_only
def document_symbol(
    server: DockerLanguageServer, params: lsp.DocumentSymbolParams, snap: Snapshot
) -> RawJSON | list[lsp.SymbolInformation] | None:
    if server.caps.hierarchical_symbols:  # the big answer, assembled from cached JSON
        return f_symbols.document_symbols_json(snap.parse, snap.model, server.caps)
    flat = f_symbols.document_symbols(snap.parse, snap.model, server.caps, snap.uri)
    return [s for s in flat if isinstance(s, lsp.SymbolInformation)]


@SERVER.feature(lsp.WORKSPACE_SYMBOL)
def workspace_symbol(
    server: DockerLanguageServer, params: lsp.WorkspaceSymbolParams
) -> list[lsp.WorkspaceSymbol]:
    snaps = [s for s in map(server.store.get, server.store.uris()) if s is not None]
    docs = [(s.uri, s.parse, s.model) for s in snaps if s.parse.items]
    return f_symbols.workspace_symbols(params.query, docs, server.caps)


@SERVER.feature(lsp.TEXT_DOCUMENT_FOLDING_RANGE)
@dockerfile_only
def folding_range(
    server: DockerLanguageServer, params: lsp.FoldingRangeParams, snap: Snapshot
) -> list[lsp.FoldingRange] | None:
    return f_folding.folding_ranges(snap.parse, snap.model, server.caps)


@SERVER.feature(lsp.TEXT_DOCUMENT_SELECTION_RANGE)
@dockerfile_only
def selection_range(
    server: DockerLanguageServer, params: lsp.SelectionRangeParams, snap: Snapshot
) -> list[lsp.SelectionRange] | None:
    positions = list(params.positions)
    return f_selection.selection_ranges(snap.parse, snap.model, positions, server.caps)


@SERVER.feature(lsp.TEXT_DOCUMENT_DOCUMENT_LINK)
def document_link(
    server: DockerLanguageServer, params: lsp.DocumentLinkParams
) -> list[lsp.DocumentLink] | None:
    if server.build_files.is_open(params.text_document.uri):
        doc = server.build_doc(params.text_document.uri)
        return f_buildfiles.document_links(doc, server.caps, probe.exists)
    snap = server.snapshot(params.text_document.uri)
    if snap is None:
        return None
    folder = snap.path.parent if snap.path is not None else None
    return f_links.document_links(snap.parse, snap.model, server.caps, folder, probe.exists)


# -- semantic tokens, inlay hints --------------------------------------------------
@SERVER.feature(lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, capabilities.LEGEND)
@dockerfile_only
def semantic_tokens_full(
    server: DockerLanguageServer, params: lsp.SemanticTokensParams, snap: Snapshot
) -> RawJSON | None:
    if not server.settings.semantic_tokens.enabled:
        return None
    rid = server.new_tokens_id()
    # raw JSON: a big file has tens of thousands of integers
    body, data = f_tokens.semantic_tokens_json(snap.parse, snap.model, server.caps, rid)
    server.remember_tokens(snap.uri, rid, data)
    return body


@SERVER.feature(lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL_DELTA, capabilities.LEGEND)
@dockerfile_only
def semantic_tokens_delta(
    server: DockerLanguageServer, params: lsp.SemanticTokensDeltaParams, snap: Snapshot
) -> RawJSON | lsp.SemanticTokensDelta | None:
    if not server.settings.semantic_tokens.enabled:
        return None
    prev = server.tokens.get(snap.uri)
    tokens = f_tokens.semantic_tokens(snap.parse, snap.model, server.caps)
    rid = server.new_tokens_id()
    data = list(tokens.data)
    server.remember_tokens(snap.uri, rid, data)
    if prev is None or prev[0] != params.previous_result_id:
        return f_tokens.tokens_json(rid, data)
    edits = f_tokens.delta_edits(prev[1], data)
    return lsp.SemanticTokensDelta(edits, result_id=rid)


@SERVER.feature(lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE, capabilities.LEGEND)
@dockerfile_only
def semantic_tokens_range(
    server: DockerLanguageServer, params: lsp.SemanticTokensRangeParams, snap: Snapshot
) -> lsp.SemanticTokens | None:
    if not server.settings.semantic_tokens.enabled:
        return None
    return f_tokens.semantic_tokens(snap.parse, snap.model, server.caps, params.range)


@SERVER.feature(lsp.TEXT_DOCUMENT_INLAY_HINT)
@dockerfile_only
def inlay_hint(
    server: DockerLanguageServer, params: lsp.InlayHintParams, snap: Snapshot
) -> list[lsp.InlayHint] | None:
    hs = server.settings.inlay_hints
    if not (hs.enabled and hs.variable_values):
        return None
    return f_inlay.inlay_hints(snap.parse, snap.model, params.range, server.caps)


# -- formatting --------------------------------------------------------------------
# Formatting is linear, but a huge instruction still takes a while: it runs in
# a worker thread over the immutable snapshot, so the event loop keeps serving.
@SERVER.feature(lsp.TEXT_DOCUMENT_FORMATTING)
@dockerfile_only
async def formatting(
    server: DockerLanguageServer, params: lsp.DocumentFormattingParams, snap: Snapshot
) -> RawJSON | None:
    fs = server.settings.format
    if not fs.enabled:
        return None
    return await asyncio.to_thread(
        f_formatting.format_document_json, snap.parse, snap.model, params.options, fs, server.caps
    )


@SERVER.feature(lsp.TEXT_DOCUMENT_RANGE_FORMATTING)
@dockerfile_only
async def range_formatting(
    server: DockerLanguageServer, params: lsp.DocumentRangeFormattingParams, snap: Snapshot
) -> RawJSON | None:
    fs = server.settings.format
    if not fs.enabled:
        return None
    return await asyncio.to_thread(
        f_formatting.format_range_json,
        snap.parse,
        snap.model,
        params.range,
        params.options,
        fs,
        server.caps,
    )


@SERVER.feature(
    lsp.TEXT_DOCUMENT_ON_TYPE_FORMATTING,
    lsp.DocumentOnTypeFormattingOptions(first_trigger_character=capabilities.ON_TYPE_TRIGGER),
)
@dockerfile_only
async def on_type_formatting(
    server: DockerLanguageServer, params: lsp.DocumentOnTypeFormattingParams, snap: Snapshot
) -> list[lsp.TextEdit] | None:
    fs = server.settings.format
    if not fs.enabled:
        return None
    return await asyncio.to_thread(
        f_formatting.format_on_type,
        snap.parse,
        snap.model,
        params.position,
        params.ch,
        params.options,
        fs,
        server.caps,
    )


# -- code actions and commands -------------------------------------------------------
@SERVER.feature(
    lsp.TEXT_DOCUMENT_CODE_ACTION,
    lsp.CodeActionOptions(
        code_action_kinds=list(capabilities.CODE_ACTION_KINDS), resolve_provider=False
    ),
)
async def code_action(
    server: DockerLanguageServer, params: lsp.CodeActionParams
) -> list[lsp.CodeAction | lsp.Command] | None:
    if server.build_files.is_open(params.text_document.uri):
        return f_actions.build_file_actions(params, server.caps)
    snap = server.snapshot(params.text_document.uri)
    if snap is None:
        return None
    config = snap.linter.config
    out = f_actions.code_actions(snap.parse, snap.model, params, server.caps, config)
    for stage in f_images.stages_in_range(snap.model, params.range, server.caps):
        variants = server.base_images.variants_for(snap.model, stage)
        out = (out or []) + f_baseimage.variant_actions(
            snap.model, snap.uri, stage, variants, server.caps
        )
    # pinning actions: the registry (network work never runs on the event loop)
    more = await server.images.image_code_actions(snap, params)
    return (out or []) + more


@SERVER.command(capabilities.APPLY_EDIT_COMMAND)
async def apply_edit_command(server: DockerLanguageServer, edit: lsp.WorkspaceEdit) -> None:
    await server.workspace_apply_edit_async(lsp.ApplyWorkspaceEditParams(edit=edit))


class LspLogHandler(logging.Handler):
    """Forwards dockerls warnings and errors to window/logMessage.

    Only the event loop writes to the client: a record logged in a worker thread (registry,
    ShellCheck and base-image lookups) is handed to the loop, never written from the thread,
    where it could land in the middle of another message."""

    def __init__(self, server: DockerLanguageServer) -> None:
        super().__init__(logging.WARNING)
        self.server = server

    def emit(self, record: logging.LogRecord) -> None:
        error = record.levelno >= logging.ERROR
        kind = lsp.MessageType.Error if error else lsp.MessageType.Warning
        params = lsp.LogMessageParams(kind, self.format(record))
        if self.server.exiting:  # the client is gone
            return
        with contextlib.suppress(Exception):  # logging never fails the server
            try:
                asyncio.get_running_loop()
            except RuntimeError:  # a worker thread
                loop = self.server.loop
                if loop is not None and not loop.is_closed():
                    loop.call_soon_threadsafe(self.server.window_log_message, params)
                return
            self.server.window_log_message(params)


def build_server() -> DockerLanguageServer:
    """The server, with every handler registered (one per process)."""
    return SERVER


def serve(
    tcp: bool = False, host: str = "127.0.0.1", port: int = 2087, log_level: str = "warning"
) -> int:
    """Serve until ``exit`` (or the end of the input); returns the exit status."""
    logging.basicConfig(
        stream=sys.stderr, level=getattr(logging, log_level.upper(), logging.WARNING)
    )
    logging.getLogger("pygls").setLevel(logging.WARNING)
    server = build_server()
    log.addHandler(LspLogHandler(server))
    if tcp:
        server.start_tcp(host, port)
    else:
        server.start_io()
    server.stop_workers()  # the input ended without `exit`
    return server.exit_status()
