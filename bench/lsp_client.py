"""A small, dependency-free asyncio LSP client over a subprocess's stdio.

Used by the benchmark suite (``bench_server.py``) and its smoke test
(``tests/bench/test_harness.py``) to drive both dockerls and the peer server
(rcjsuen's ``dockerfile-language-server-nodejs``) the same way an editor would:

* JSON-RPC 2.0 with ``Content-Length`` framing over the child's stdin/stdout;
* ``initialize`` with a realistic client capability set (including
  ``general.positionEncodings``), then ``initialized``;
* ``didOpen`` / incremental ``didChange`` through :class:`OpenDocument`, which
  keeps the client-side text and converts code-point offsets to positions in the
  negotiated encoding;
* waiting for ``textDocument/publishDiagnostics`` for a given URI *and version*
  (servers that publish without a version are matched to the first publish that
  arrives after the change was sent);
* requests timed with :func:`time.perf_counter_ns`; every message is
  stamped twice: when its first byte (the ``Content-Length`` header) arrived,
  and when its body had been read and parsed, so that the client's own
  parsing of a large publish doesn't hide the server's time;
* answers to server->client requests (``workspace/configuration``,
  ``client/registerCapability``, ``window/workDoneProgress/create``, ...) so that
  neither server stalls waiting on the client.

Only the standard library is used, so the harness measures the servers and not a
client framework.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_POSITION_ENCODINGS",
    "LspClient",
    "LspError",
    "OpenDocument",
    "Publish",
    "ServerExited",
    "client_capabilities",
]

JSON = Any
DEFAULT_POSITION_ENCODINGS: tuple[str, ...] = ("utf-16",)


class LspError(Exception):
    """The server answered a request with a JSON-RPC error."""

    def __init__(self, method: str, error: dict[str, Any]) -> None:
        self.method = method
        self.code = error.get("code")
        self.data = error.get("data")
        super().__init__(f"{method}: [{self.code}] {error.get('message')}")


class ServerExited(Exception):
    """The server process closed its stdout (crashed or exited)."""


@dataclass(frozen=True)
class Publish:
    """One ``textDocument/publishDiagnostics`` notification as received."""

    seq: int  # index in the per-URI list of publishes
    received_ns: int  # perf_counter_ns when the message had been read and parsed
    version: int | None
    diagnostics: list[dict[str, Any]]
    first_byte_ns: int = 0  # perf_counter_ns when its header's first line arrived


def client_capabilities(position_encodings: Sequence[str] = DEFAULT_POSITION_ENCODINGS) -> JSON:
    """A capability set close to what VS Code / Neovim send (push diagnostics only)."""
    markup = ["markdown", "plaintext"]
    return {
        "general": {
            "positionEncodings": list(position_encodings),
            "markdown": {"parser": "marked", "version": "1.1.0"},
            "regularExpressions": {"engine": "ECMAScript", "version": "ES2020"},
            "staleRequestSupport": {
                "cancel": True,
                "retryOnContentModified": ["textDocument/semanticTokens/full"],
            },
        },
        "window": {
            "workDoneProgress": True,
            "showMessage": {"messageActionItem": {"additionalPropertiesSupport": True}},
            "showDocument": {"support": True},
        },
        "workspace": {
            "applyEdit": True,
            "configuration": True,
            "workspaceFolders": True,
            "didChangeConfiguration": {"dynamicRegistration": True},
            "didChangeWatchedFiles": {"dynamicRegistration": True, "relativePatternSupport": True},
            "workspaceEdit": {
                "documentChanges": True,
                "resourceOperations": ["create", "rename", "delete"],
                "failureHandling": "textOnlyTransactional",
                "normalizesLineEndings": True,
            },
            "symbol": {"dynamicRegistration": False},
            "executeCommand": {"dynamicRegistration": False},
            "semanticTokens": {"refreshSupport": True},
        },
        "textDocument": {
            "synchronization": {
                "dynamicRegistration": False,
                "willSave": True,
                "willSaveWaitUntil": True,
                "didSave": True,
            },
            "completion": {
                "dynamicRegistration": False,
                "contextSupport": True,
                "insertTextMode": 2,
                "completionItem": {
                    "snippetSupport": True,
                    "commitCharactersSupport": True,
                    "documentationFormat": markup,
                    "deprecatedSupport": True,
                    "preselectSupport": True,
                    "tagSupport": {"valueSet": [1]},
                    "insertReplaceSupport": True,
                    "resolveSupport": {
                        "properties": ["documentation", "detail", "additionalTextEdits"]
                    },
                    "insertTextModeSupport": {"valueSet": [1, 2]},
                    "labelDetailsSupport": True,
                },
                "completionItemKind": {"valueSet": list(range(1, 26))},
                "completionList": {
                    "itemDefaults": ["commitCharacters", "editRange", "insertTextFormat", "data"]
                },
            },
            "hover": {"dynamicRegistration": False, "contentFormat": markup},
            "signatureHelp": {
                "dynamicRegistration": False,
                "signatureInformation": {
                    "documentationFormat": markup,
                    "parameterInformation": {"labelOffsetSupport": True},
                    "activeParameterSupport": True,
                },
                "contextSupport": True,
            },
            "definition": {"dynamicRegistration": False, "linkSupport": True},
            "references": {"dynamicRegistration": False},
            "documentHighlight": {"dynamicRegistration": False},
            "documentSymbol": {
                "dynamicRegistration": False,
                "hierarchicalDocumentSymbolSupport": True,
                "symbolKind": {"valueSet": list(range(1, 27))},
            },
            "codeAction": {
                "dynamicRegistration": False,
                "isPreferredSupport": True,
                "disabledSupport": True,
                "dataSupport": True,
                "resolveSupport": {"properties": ["edit"]},
                "codeActionLiteralSupport": {
                    "codeActionKind": {
                        "valueSet": [
                            "",
                            "quickfix",
                            "refactor",
                            "refactor.extract",
                            "refactor.inline",
                            "refactor.rewrite",
                            "source",
                            "source.organizeImports",
                            "source.fixAll",
                        ]
                    }
                },
            },
            "formatting": {"dynamicRegistration": False},
            "rangeFormatting": {"dynamicRegistration": False},
            "onTypeFormatting": {"dynamicRegistration": False},
            "rename": {"dynamicRegistration": False, "prepareSupport": True},
            "documentLink": {"dynamicRegistration": False, "tooltipSupport": True},
            "foldingRange": {
                "dynamicRegistration": False,
                "lineFoldingOnly": True,
                "foldingRangeKind": {"valueSet": ["comment", "imports", "region"]},
            },
            "semanticTokens": {
                "dynamicRegistration": False,
                "requests": {"range": True, "full": {"delta": True}},
                "tokenTypes": [
                    "namespace",
                    "type",
                    "class",
                    "enum",
                    "interface",
                    "struct",
                    "typeParameter",
                    "parameter",
                    "variable",
                    "property",
                    "enumMember",
                    "event",
                    "function",
                    "method",
                    "macro",
                    "keyword",
                    "modifier",
                    "comment",
                    "string",
                    "number",
                    "regexp",
                    "operator",
                    "decorator",
                ],
                "tokenModifiers": [
                    "declaration",
                    "definition",
                    "readonly",
                    "static",
                    "deprecated",
                    "abstract",
                    "async",
                    "modification",
                    "documentation",
                    "defaultLibrary",
                ],
                "formats": ["relative"],
                "overlappingTokenSupport": False,
                "multilineTokenSupport": False,
            },
            "publishDiagnostics": {
                "relatedInformation": True,
                "versionSupport": True,
                "tagSupport": {"valueSet": [1, 2]},
                "codeDescriptionSupport": True,
                "dataSupport": True,
            },
        },
    }


# --------------------------------------------------------------------------- text


def _units(ch: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(ch.encode("utf-8"))
    if encoding == "utf-16":
        return 2 if ord(ch) > 0xFFFF else 1
    return 1  # utf-32: code points


@dataclass
class OpenDocument:
    """Client-side copy of an open document; turns code-point edits into LSP changes."""

    client: LspClient
    uri: str
    text: str
    version: int
    language_id: str = "dockerfile"

    def position(self, offset: int) -> dict[str, int]:
        """LSP position (negotiated encoding) of a code-point offset into ``text``."""
        line_start = self.text.rfind("\n", 0, offset) + 1
        line = self.text.count("\n", 0, line_start)
        enc = self.client.position_encoding
        segment = self.text[line_start:offset]
        if enc == "utf-32" or segment.isascii():
            col = len(segment)
        else:
            col = sum(_units(c, enc) for c in segment)
        return {"line": line, "character": col}

    def offset(self, line: int, character: int) -> int:
        """Code-point offset of an LSP position (negotiated encoding)."""
        start = 0
        for _ in range(line):
            start = self.text.index("\n", start) + 1
        enc = self.client.position_encoding
        i, units = start, 0
        while units < character and i < len(self.text) and self.text[i] != "\n":
            units += _units(self.text[i], enc)
            i += 1
        return i

    def edit(self, start: int, end: int, new_text: str) -> int:
        """Send one incremental change replacing ``text[start:end]``.

        Returns the perf_counter_ns timestamp taken just before the notification
        was written; the document's ``version`` is incremented first.
        """
        change = {
            "range": {"start": self.position(start), "end": self.position(end)},
            "text": new_text,
        }
        self.text = self.text[:start] + new_text + self.text[end:]
        self.version += 1
        return self.client.did_change(self.uri, self.version, [change])

    async def edit_and_wait(
        self, start: int, end: int, new_text: str, timeout: float = 60.0
    ) -> tuple[Publish, int]:
        """Edit, then wait for diagnostics for the new version; returns
        (publish, ns to the parsed message); ``publish.first_byte_ns - sent``
        is the time to its first byte."""
        marker = self.client.publish_count(self.uri)
        sent = self.edit(start, end, new_text)
        pub = await self.client.wait_for_diagnostics(
            self.uri, self.version, after=marker, timeout=timeout
        )
        return pub, pub.received_ns - sent

    def find(self, needle: str, start: int = 0) -> int:
        i = self.text.find(needle, start)
        if i < 0:
            raise ValueError(f"{needle!r} not found in {self.uri}")
        return i


# --------------------------------------------------------------------------- client


@dataclass
class _UriState:
    publishes: list[Publish] = field(default_factory=list)


class LspClient:
    """Drives one language-server subprocess over stdio.

    Use as ``async with LspClient(cmd) as client: await client.initialize(...)``.
    """

    def __init__(
        self,
        cmd: Sequence[str],
        *,
        cwd: str | os.PathLike[str] | None = None,
        env: dict[str, str] | None = None,  # default: SERVER_ENV
        name: str | None = None,
        configuration: Callable[[dict[str, Any]], JSON] | None = None,
    ) -> None:
        self.cmd = list(cmd)
        self.cwd = cwd
        self.env = SERVER_ENV if env is None else env
        self.name = name or Path(self.cmd[0]).name
        # workspace/configuration answer per item; default: null (use your defaults)
        self.configuration = configuration or (lambda item: None)
        self.proc: asyncio.subprocess.Process | None = None
        self.position_encoding = "utf-16"
        self.server_capabilities: dict[str, Any] = {}
        self.server_info: dict[str, Any] = {}
        self.initialize_ns = 0  # time the initialize request took
        self.stderr_tail: deque[str] = deque(maxlen=200)
        self.log_messages: deque[str] = deque(maxlen=500)
        self.server_requests: list[str] = []  # methods of server->client requests seen
        self._next_id = 0
        self._pending: dict[int, tuple[str, asyncio.Future[tuple[JSON, int]]]] = {}
        self.last_first_byte_ns = 0  # first byte of the last response a timed request read
        # called with each message's first-byte stamp as it arrives (before the message is
        # read): a benchmark samples the server's CPU time there
        self.on_first_byte: Callable[[int], None] | None = None
        self._uris: dict[str, _UriState] = {}
        self._changed = asyncio.Event()
        self._closed: BaseException | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._write_lock = asyncio.Lock()

    # ----------------------------------------------------------------- lifecycle

    async def __aenter__(self) -> LspClient:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            *self.cmd,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=self.cwd,
            env=self.env,
            limit=1 << 20,
        )
        self._tasks.append(asyncio.create_task(self._read_loop()))
        self._tasks.append(asyncio.create_task(self._stderr_loop()))

    async def initialize(
        self,
        root: str | os.PathLike[str] | None = None,
        *,
        position_encodings: Sequence[str] = DEFAULT_POSITION_ENCODINGS,
        initialization_options: JSON = None,
        capabilities: JSON = None,
        timeout: float = 60.0,
    ) -> JSON:
        root_path = Path(root or os.getcwd()).resolve()
        params = {
            "processId": os.getpid(),
            "clientInfo": {"name": "dockerls-bench", "version": "1"},
            "locale": "en",
            "rootPath": str(root_path),
            "rootUri": root_path.as_uri(),
            "workspaceFolders": [{"uri": root_path.as_uri(), "name": root_path.name}],
            "capabilities": capabilities or client_capabilities(position_encodings),
            "initializationOptions": initialization_options,
            "trace": "off",
        }
        result, self.initialize_ns = await self.timed_request("initialize", params, timeout=timeout)
        self.server_capabilities = result.get("capabilities", {})
        self.server_info = result.get("serverInfo") or {}
        self.position_encoding = self.server_capabilities.get("positionEncoding", "utf-16")
        self.notify("initialized", {})
        return result

    async def shutdown(self, timeout: float = 10.0) -> None:
        if self.proc is None or self._closed is not None:
            return
        with contextlib.suppress(Exception):
            await self.request("shutdown", None, timeout=timeout)
            self.notify("exit", None)

    async def stop(self, timeout: float = 10.0) -> None:
        """Shut down politely, then make sure the child is gone."""
        if self.proc is None:
            return
        await self.shutdown(timeout)
        try:
            await asyncio.wait_for(self.proc.wait(), timeout)
        except asyncio.TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()
            await self.proc.wait()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()

    @property
    def exited(self) -> bool:
        """The server closed its output (it exited or crashed)."""
        return self._closed is not None

    # ----------------------------------------------------------------- transport

    def _write(self, message: dict[str, Any]) -> None:
        if self._closed is not None:
            raise ServerExited(f"{self.name} has exited") from self._closed
        assert self.proc is not None and self.proc.stdin is not None
        body = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    async def _read_loop(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        reader = self.proc.stdout
        try:
            while True:
                length = -1
                first_byte = 0
                while True:
                    line = await reader.readline()
                    if not first_byte:
                        first_byte = time.perf_counter_ns()
                        if self.on_first_byte is not None:
                            self.on_first_byte(first_byte)
                    if not line:
                        raise ServerExited(f"{self.name} closed stdout")
                    line = line.strip()
                    if not line:
                        break
                    key, _, value = line.partition(b":")
                    if key.strip().lower() == b"content-length":
                        length = int(value.strip())
                if length < 0:
                    continue
                body = await reader.readexactly(length)
                msg = json.loads(body)
                self._dispatch(msg, time.perf_counter_ns(), first_byte)
        except (ServerExited, asyncio.IncompleteReadError, ConnectionError) as exc:
            self._close(exc)
        except asyncio.CancelledError:
            self._close(ServerExited("client stopped"))
            raise
        except Exception as exc:  # a bug in dispatch: fail loudly, not hang
            self._close(exc)

    async def _stderr_loop(self) -> None:
        assert self.proc is not None and self.proc.stderr is not None
        while True:
            line = await self.proc.stderr.readline()
            if not line:
                return
            self.stderr_tail.append(line.decode("utf-8", "replace").rstrip())

    def _close(self, exc: BaseException) -> None:
        if self._closed is None:
            self._closed = exc
        tail = "\n".join(list(self.stderr_tail)[-20:])
        for method, fut in self._pending.values():
            if not fut.done():
                fut.set_exception(ServerExited(f"{self.name} exited during {method}\n{tail}"))
        self._pending.clear()
        self._changed.set()

    def _dispatch(self, msg: dict[str, Any], received: int, first_byte: int = 0) -> None:
        if "method" in msg:
            if "id" in msg:
                self._answer(msg)
            else:
                self._notification(msg["method"], msg.get("params"), received, first_byte)
            return
        entry = self._pending.pop(msg.get("id"), None)  # type: ignore[arg-type]
        if entry is None:
            return
        method, fut = entry
        if fut.done():
            return
        self.last_first_byte_ns = first_byte or received
        if "error" in msg:
            fut.set_exception(LspError(method, msg["error"]))
        else:
            fut.set_result((msg.get("result"), received))

    def _answer(self, msg: dict[str, Any]) -> None:
        method, params = msg["method"], msg.get("params") or {}
        self.server_requests.append(method)
        reply: dict[str, Any] = {"jsonrpc": "2.0", "id": msg["id"]}
        if method == "workspace/configuration":
            reply["result"] = [self.configuration(item) for item in params.get("items", [])]
        elif method == "workspace/applyEdit":
            reply["result"] = {"applied": False, "failureReason": "benchmark client"}
        elif method == "window/showDocument":
            reply["result"] = {"success": False}
        elif method in (
            "workspace/workspaceFolders",
            "client/registerCapability",
            "client/unregisterCapability",
            "window/workDoneProgress/create",
            "window/showMessageRequest",
        ) or method.endswith("/refresh"):
            reply["result"] = None
        else:
            reply["error"] = {"code": -32601, "message": f"unhandled by bench client: {method}"}
        with contextlib.suppress(ServerExited):
            self._write(reply)

    def _notification(self, method: str, params: Any, received: int, first_byte: int = 0) -> None:
        if method == "textDocument/publishDiagnostics":
            state = self._uris.setdefault(params["uri"], _UriState())
            state.publishes.append(
                Publish(
                    seq=len(state.publishes),
                    received_ns=received,
                    version=params.get("version"),
                    diagnostics=params.get("diagnostics", []),
                    first_byte_ns=first_byte or received,
                )
            )
            self._changed.set()
        elif method in ("window/logMessage", "window/showMessage"):
            self.log_messages.append(f"[{params.get('type')}] {params.get('message')}")

    # ----------------------------------------------------------------- messages

    def notify(self, method: str, params: JSON) -> int:
        """Send a notification; returns perf_counter_ns taken just before writing."""
        t = time.perf_counter_ns()
        self._write({"jsonrpc": "2.0", "method": method, "params": params})
        return t

    async def request(self, method: str, params: JSON, timeout: float = 60.0) -> JSON:
        result, _ = await self.timed_request(method, params, timeout=timeout)
        return result

    async def timed_request(
        self, method: str, params: JSON, timeout: float = 60.0
    ) -> tuple[JSON, int]:
        """Send a request and wait for its response; returns (result, elapsed ns).

        Elapsed time runs from just before the request is written to the moment
        the complete response has been read from the pipe and parsed
        (``last_first_byte_ns`` then holds when its first byte arrived).
        """
        self._next_id += 1
        rid = self._next_id
        fut: asyncio.Future[tuple[JSON, int]] = asyncio.get_running_loop().create_future()
        self._pending[rid] = (method, fut)
        t0 = time.perf_counter_ns()
        self._write({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        assert self.proc is not None and self.proc.stdin is not None
        await self.proc.stdin.drain()
        try:
            result, received = await asyncio.wait_for(asyncio.shield(fut), timeout)
        except asyncio.TimeoutError:
            self._pending.pop(rid, None)
            with contextlib.suppress(ServerExited):
                self.notify("$/cancelRequest", {"id": rid})
            raise TimeoutError(f"{self.name}: no answer to {method} in {timeout}s") from None
        return result, received - t0

    # ----------------------------------------------------------------- documents

    def did_open(
        self, uri: str, text: str, language_id: str = "dockerfile", version: int = 1
    ) -> OpenDocument:
        self.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": uri,
                    "languageId": language_id,
                    "version": version,
                    "text": text,
                }
            },
        )
        return OpenDocument(self, uri, text, version, language_id)

    def did_change(self, uri: str, version: int, changes: list[dict[str, Any]]) -> int:
        return self.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": changes},
        )

    def did_close(self, uri: str) -> None:
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    def publish_count(self, uri: str) -> int:
        state = self._uris.get(uri)
        return len(state.publishes) if state else 0

    def publishes(self, uri: str) -> list[Publish]:
        state = self._uris.get(uri)
        return list(state.publishes) if state else []

    async def wait_for_diagnostics(
        self, uri: str, version: int | None, *, after: int = 0, timeout: float = 60.0
    ) -> Publish:
        """Wait for a publishDiagnostics for ``uri`` matching ``version``.

        Only publishes with index >= ``after`` (see :meth:`publish_count`, taken
        before the change was sent) are considered. A publish carrying a version
        must equal ``version``; one without a version (e.g. rcjsuen's server)
        matches as the first publish after the change. ``version=None`` accepts
        the first publish after ``after``.
        """
        deadline = time.monotonic() + timeout
        seen = after
        while True:
            state = self._uris.get(uri)
            publishes = state.publishes if state else []
            for pub in publishes[seen:]:
                if pub.version is None or version is None or pub.version == version:
                    return pub
            seen = max(seen, len(publishes))
            if self._closed is not None:
                tail = "\n".join(list(self.stderr_tail)[-20:])
                raise ServerExited(f"{self.name} exited waiting for diagnostics\n{tail}")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(
                    f"{self.name}: no diagnostics for {uri} version {version} in {timeout}s"
                )
            self._changed.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    async def drain(self) -> None:
        if self.proc is not None and self.proc.stdin is not None:
            await self.proc.stdin.drain()


PEER_COMMAND = [
    "node",
    str(
        Path(__file__).resolve().parent
        / "node_modules"
        / "dockerfile-language-server-nodejs"
        / "bin"
        / "docker-langserver"
    ),
    "--stdio",
]
DOCKERLS_COMMAND = [sys.executable, "-m", "dockerls", "serve"]
# An installed package has its bytecode compiled (pip writes it at install time), so the
# servers a bench starts keep Python's bytecode cache on even when the shell that runs
# the bench turned it off: otherwise every module edited since the cache was last
# written is compiled from source again in each timed process
SERVER_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
