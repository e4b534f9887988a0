"""A small LSP client over stdio, standard library only.

The smoke checks run it in environments that hold nothing but an installed dockerls (a fresh
venv with the wheel, or a bare interpreter with the VS Code extension's bundled libraries), so it
must not need pytest, pygls or lsprotocol itself.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

TIMEOUT = 60.0  # seconds for one answer; generous for a cold start on a busy machine


class LspError(AssertionError):
    pass


class StdioClient:
    """Speaks JSON-RPC with Content-Length framing to a child process."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        cwd: str | Path | None = None,
    ) -> None:
        self.command = list(command)
        self.proc = subprocess.Popen(
            self.command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(env) if env is not None else None,
            cwd=cwd,
        )
        self._next_id = 0
        self._inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._stderr: list[bytes] = []
        self.notifications: list[dict[str, Any]] = []
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    # ------------------------------------------------------------------ wire
    def _read_stdout(self) -> None:
        out = self.proc.stdout
        assert out is not None
        try:
            while True:
                length = None
                while True:
                    line = out.readline()
                    if not line:
                        return
                    line = line.strip()
                    if not line:
                        break
                    name, _, value = line.decode("ascii").partition(":")
                    if name.lower() == "content-length":
                        length = int(value)
                if length is None:
                    raise LspError("a message without Content-Length")
                self._inbox.put(json.loads(out.read(length)))
        finally:
            self._inbox.put(None)

    def _read_stderr(self) -> None:
        err = self.proc.stderr
        assert err is not None
        for line in err:
            self._stderr.append(line)

    def stderr(self) -> str:
        return b"".join(self._stderr[-60:]).decode("utf-8", "replace")

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        stdin = self.proc.stdin
        assert stdin is not None
        stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        stdin.flush()

    def _next(self, timeout: float) -> dict[str, Any]:
        try:
            message = self._inbox.get(timeout=timeout)
        except queue.Empty:
            raise LspError(
                f"no message within {timeout}s; server stderr:\n{self.stderr()}"
            ) from None
        if message is None:
            self.proc.wait(timeout=10)
            raise LspError(
                f"the server closed stdout (exit {self.proc.returncode}); stderr:\n{self.stderr()}"
            )
        if "method" in message and "id" in message:  # a request from the server
            self._send({"id": message["id"], "result": self._answer(message)})
        elif "method" in message:
            self.notifications.append(message)
        return message

    @staticmethod
    def _answer(request: dict[str, Any]) -> Any:
        if request["method"] == "workspace/configuration":
            return [None for _ in request["params"]["items"]]
        return None

    # ------------------------------------------------------------------ API
    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: Any, timeout: float = TIMEOUT) -> Any:
        self._next_id += 1
        rid = self._next_id
        self._send({"id": rid, "method": method, "params": params})
        while True:
            message = self._next(timeout)
            if message.get("id") == rid and "method" not in message:
                if "error" in message:
                    raise LspError(f"{method} failed: {message['error']}")
                return message.get("result")

    def wait_for(
        self, method: str, match: Callable[[Any], bool], timeout: float = TIMEOUT
    ) -> dict[str, Any]:
        """The first notification (already received or coming) of `method` whose params match."""
        seen = 0
        while True:
            for note in self.notifications[seen:]:
                if note["method"] == method and match(note.get("params")):
                    return note
            seen = len(self.notifications)
            self._next(timeout)

    def close(self) -> int:
        """shutdown + exit; returns the server's exit code."""
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            return self.proc.wait(timeout=30)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()


CAPABILITIES: dict[str, Any] = {
    "general": {"positionEncodings": ["utf-16"]},
    "textDocument": {
        "synchronization": {"dynamicRegistration": False},
        "publishDiagnostics": {"relatedInformation": True, "codeDescriptionSupport": True},
        "completion": {"completionItem": {"snippetSupport": True}},
        "hover": {"contentFormat": ["markdown", "plaintext"]},
        "codeAction": {
            "codeActionLiteralSupport": {
                "codeActionKind": {"valueSet": ["quickfix", "refactor", "source"]}
            },
            "isPreferredSupport": True,
        },
    },
    "workspace": {"configuration": True},
}


def lsp_session(
    command: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: str | Path | None = None,
    root: Path,
    text: str,
    version: str,
) -> list[str]:
    """initialize, open, diagnostics, completion, hover, code action, shutdown.

    `text` must contain `FROM` on its first instruction line, a `MAINTAINER` instruction and end
    with an empty line.  Returns one line per check passed (for the log); raises LspError."""
    done: list[str] = []
    client = StdioClient(command, env=env, cwd=cwd)
    try:
        init = client.request(
            "initialize",
            {
                "processId": None,
                "rootUri": root.as_uri(),
                "capabilities": CAPABILITIES,
                "initializationOptions": {"registry": {"enabled": False}},
                "clientInfo": {"name": "dockerls-smoke"},
            },
        )
        info = init.get("serverInfo") or {}
        if info.get("version") != version:
            raise LspError(f"serverInfo {info}, expected version {version}")
        caps = init["capabilities"]
        for cap in ("completionProvider", "hoverProvider", "codeActionProvider"):
            if not caps.get(cap):
                raise LspError(f"the server does not announce {cap}: {caps}")
        client.notify("initialized", {})
        done.append(f"initialize: {info.get('name')} {info.get('version')}")

        uri = (root / "Dockerfile").as_uri()
        client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "dockerfile", "version": 1, "text": text}},
        )
        note = client.wait_for(
            "textDocument/publishDiagnostics", lambda p: p["uri"] == uri and p["diagnostics"]
        )
        diagnostics = note["params"]["diagnostics"]
        codes = {str(d.get("code")) for d in diagnostics}
        if "DL4000" not in codes:
            raise LspError(f"no DL4000 (MAINTAINER) among the diagnostics: {sorted(codes)}")
        done.append(f"diagnostics: {len(diagnostics)} ({', '.join(sorted(codes))})")

        lines = text.split("\n")
        last = len(lines) - 1
        assert lines[last] == "", "the text must end with an empty line"
        completion = client.request(
            "textDocument/completion",
            {"textDocument": {"uri": uri}, "position": {"line": last, "character": 0}},
        )
        items = completion["items"] if isinstance(completion, dict) else completion
        labels = {item["label"] for item in items or []}
        if not {"RUN", "COPY"} <= labels:
            raise LspError(
                f"completion at a new line offers no instructions: {sorted(labels)[:20]}"
            )
        done.append(f"completion: {len(labels)} items")

        from_line = next(i for i, line in enumerate(lines) if line.startswith("FROM"))
        hover = client.request(
            "textDocument/hover",
            {"textDocument": {"uri": uri}, "position": {"line": from_line, "character": 1}},
        )
        contents = (hover or {}).get("contents")
        value = contents.get("value", "") if isinstance(contents, dict) else str(contents)
        if "FROM" not in value:
            raise LspError(f"hover over FROM says nothing about it: {hover}")
        done.append(f"hover: {len(value)} characters")

        maintainer = [d for d in diagnostics if str(d.get("code")) == "DL4000"]
        actions = client.request(
            "textDocument/codeAction",
            {
                "textDocument": {"uri": uri},
                "range": maintainer[0]["range"],
                "context": {"diagnostics": maintainer, "only": ["quickfix"]},
            },
        )
        fixes = [a for a in actions or [] if a.get("edit") or a.get("command")]
        if not fixes:
            raise LspError(f"no quick fix for DL4000: {actions}")
        done.append(f"code action: {fixes[0]['title']}")

        code = client.close()
        if code != 0:
            raise LspError(f"exit code {code} after shutdown/exit; stderr:\n{client.stderr()}")
        done.append("shutdown: exit 0")
        return done
    except BaseException:
        if client.proc.poll() is None:
            client.proc.kill()
            client.proc.wait()
        raise
