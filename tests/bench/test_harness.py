"""Smoke test of the benchmark harness (bench/lsp_client.py) against the peer server.

Drives rcjsuen's dockerfile-language-server-nodejs (installed by
``npm ci --prefix bench``) through a tiny Dockerfile: open, incremental edits,
diagnostics matched to the edit, completion and hover. No timing assertions:
speed goals live in bench/, never in tests.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from dockerls.analysis import forked
from tests.support import BENCH as BENCH_DIR
from tests.support import bench_module

_client = bench_module("lsp_client")
PEER_COMMAND = _client.PEER_COMMAND
LspClient = _client.LspClient
OpenDocument = _client.OpenDocument

TINY = "FROM alpine:3.19 AS base\nARG GREETING=hello\nRUN echo $GREETING\n"


@pytest.fixture
def peer_installed() -> None:
    if shutil.which("node") is None or not Path(PEER_COMMAND[1]).exists():
        pytest.fail(
            "peer server missing: install node and run `npm ci --prefix bench` "
            "(bench/package-lock.json pins dockerfile-language-server-nodejs)"
        )


def _messages(diagnostics: list[dict[str, Any]]) -> list[str]:
    return [d["message"] for d in diagnostics]


async def test_open_edit_diagnostics_completion_hover(peer_installed: None, tmp_path: Path) -> None:
    uri = (tmp_path / "Dockerfile").as_uri()
    async with LspClient(PEER_COMMAND, cwd=tmp_path, name="peer") as client:
        result = await client.initialize(tmp_path)
        assert "completionProvider" in result["capabilities"]
        assert client.position_encoding == "utf-16"

        doc = client.did_open(uri, TINY)
        first = await client.wait_for_diagnostics(uri, 1, timeout=60)
        assert first.version is None  # this peer publishes without a version
        assert first.diagnostics == []

        # Make the keyword lower-case: the peer warns about instruction casing.
        run = doc.find("RUN")
        marker = client.publish_count(uri)
        pub, elapsed_ns = await doc.edit_and_wait(run, run + 3, "run", timeout=60)
        assert doc.version == 2
        assert pub.seq == marker  # the first publish after the change
        assert elapsed_ns > 0
        assert 0 < pub.first_byte_ns <= pub.received_ns
        assert any("uppercase" in m for m in _messages(pub.diagnostics)), pub.diagnostics
        (casing,) = pub.diagnostics
        assert casing["range"]["start"] == {"line": 2, "character": 0}

        # Undo it: the next publish (for version 3) is clean again.
        pub3, _ = await doc.edit_and_wait(run, run + 3, "RUN", timeout=60)
        assert doc.version == 3 and pub3.seq == marker + 1
        assert pub3.diagnostics == []
        assert doc.text == TINY

        # The server asked for configuration; the client answered and it did not stall.
        assert "workspace/configuration" in client.server_requests

        # Completion right after `$` proposes the ARG declared above.
        dollar = doc.find("$GREETING") + 1
        items, ns = await client.timed_request(
            "textDocument/completion",
            {"textDocument": {"uri": uri}, "position": doc.position(dollar)},
        )
        items = items["items"] if isinstance(items, dict) else items
        assert ns > 0
        assert any("GREETING" in item["label"] for item in items), [i["label"] for i in items]

        # Hover on the RUN keyword documents the instruction.
        hover, _ = await client.timed_request(
            "textDocument/hover",
            {"textDocument": {"uri": uri}, "position": doc.position(run + 1)},
        )
        assert hover is not None
        contents = hover["contents"]
        text = contents["value"] if isinstance(contents, dict) else str(contents)
        assert "command" in text.lower()


async def test_versioned_matching_skips_stale_publishes(
    peer_installed: None, tmp_path: Path
) -> None:
    """Two edits sent back to back: each wait returns the publish for its own change."""
    uri = (tmp_path / "Dockerfile").as_uri()
    async with LspClient(PEER_COMMAND, cwd=tmp_path, name="peer") as client:
        await client.initialize(tmp_path)
        doc = client.did_open(uri, TINY)
        await client.wait_for_diagnostics(uri, 1, timeout=60)
        before = client.publish_count(uri)
        run = doc.find("RUN")
        doc.edit(run, run + 3, "run")  # version 2: casing warning
        doc.edit(run, run + 3, "RUN")  # version 3: clean
        pub2 = await client.wait_for_diagnostics(uri, 2, after=before, timeout=60)
        pub3 = await client.wait_for_diagnostics(uri, 3, after=before + 1, timeout=60)
        assert len(pub2.diagnostics) == 1
        assert pub3.diagnostics == []
        assert pub3.received_ns >= pub2.received_ns


def test_position_conversion_handles_non_bmp_and_utf8() -> None:
    client = LspClient(["true"])
    doc = OpenDocument(client, "file:///x", "FROM a\nRUN echo 🐳é $X\n", 1)
    x = doc.find("$X")
    client.position_encoding = "utf-16"
    assert doc.position(x) == {"line": 1, "character": 9 + 2 + 1 + 1}
    assert doc.offset(1, 13) == x
    client.position_encoding = "utf-8"
    assert doc.position(x) == {"line": 1, "character": 9 + 4 + 2 + 1}
    client.position_encoding = "utf-32"
    assert doc.position(x) == {"line": 1, "character": 12}


async def test_first_byte_is_stamped_when_the_header_arrives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A publish whose body comes later than its header: its first byte is
    stamped before the body was there, its parsed time after (on a counter
    standing in for the clock: the order of events, not their speed)."""
    ticks = itertools.count(1)
    monkeypatch.setattr(
        _client, "time", SimpleNamespace(perf_counter_ns=ticks.__next__, monotonic=time.monotonic)
    )
    reader = asyncio.StreamReader()
    client = LspClient(["true"], name="stub")
    client.proc = SimpleNamespace(stdout=reader)  # the read loop only reads stdout
    task = asyncio.create_task(client._read_loop())
    body = json.dumps(
        {
            "jsonrpc": "2.0",
            "method": "textDocument/publishDiagnostics",
            "params": {"uri": "file:///x", "version": 3, "diagnostics": []},
        }
    ).encode()
    reader.feed_data(b"Content-Length: %d\r\n\r\n" % len(body))
    for _ in range(10):  # let the read loop take the header
        await asyncio.sleep(0)
    between = next(ticks)
    reader.feed_data(body)
    pub = await client.wait_for_diagnostics("file:///x", 3, timeout=60)
    assert pub.first_byte_ns < between < pub.received_ns
    task.cancel()


def test_every_bench_script_loads() -> None:
    # a bench that imports a name the package no longer has fails only when someone
    # runs it; each script is loaded (its imports, not its main) in a fresh process,
    # so what a script sets up at import (sys.path, loggers) stays out of this one
    scripts = sorted(p.stem for p in BENCH_DIR.glob("*.py"))
    assert "bench_server" in scripts and "profile_open" in scripts
    code = (
        "import importlib.util, sys, traceback\n"
        f"sys.path.insert(0, {str(BENCH_DIR)!r})\n"
        "bad = []\n"
        "for name in sys.argv[1:]:\n"
        f"    spec = importlib.util.spec_from_file_location(name, {str(BENCH_DIR)!r} + '/' + name + '.py')\n"
        "    module = sys.modules[name] = importlib.util.module_from_spec(spec)\n"
        "    try:\n"
        "        spec.loader.exec_module(module)\n"
        "    except Exception:\n"
        "        bad.append(name + ': ' + traceback.format_exc(limit=-1))\n"
        "print('\\n'.join(bad))\n"
        "sys.exit(1 if bad else 0)\n"
    )
    _python("-c", code, *scripts, timeout=120)


def test_bench_servers_keep_the_bytecode_cache_on() -> None:
    # the timed servers run as an installed package does, with compiled bytecode,
    # even when the bench's own shell turned the cache off
    assert "PYTHONDONTWRITEBYTECODE" not in _client.SERVER_ENV
    assert LspClient(["true"]).env is _client.SERVER_ENV
    assert LspClient(["true"], env={"A": "1"}).env == {"A": "1"}


def test_the_server_open_profile_times_each_step() -> None:
    # the profile wraps the server's own steps: a rename in the server would leave a
    # step untimed (or the marks unwritten) without a test that runs it
    done = _python(str(BENCH_DIR / "profile_server_open.py"), "--runs", "1", timeout=300)
    assert "1 of 1 opens" in done.stdout
    steps = ["start() after the reply", "open (parse", "facts", "first byte"]
    if forked.available():  # the big file is linted on two CPUs
        steps += ["this process's part", "its CPU time", "the child's part", "JSON and write"]
    for step in steps:
        assert step in done.stdout, done.stdout


def _python(*args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    """``python args`` from the repository's root, which must succeed within ``timeout``."""
    done = subprocess.run(
        [sys.executable, *args],
        cwd=BENCH_DIR.parent,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done
