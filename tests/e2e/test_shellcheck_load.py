"""ShellCheck under load, with a stub ``shellcheck`` (a script in a temporary
folder) that can be made slow:

* a run that times out keeps the document's other findings and is retried
  without an edit, so the findings come back once ShellCheck answers again;
* after ``exit`` the server kills running ShellCheck processes and ends at
  once, with no traceback from writing to a closed stdout.

Raw JSON-RPC over stdio (the benchmark harness's client); every wait is bounded.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tests.e2e.helpers import SERVER
from tests.support import REPO, bench_module, until

_client = bench_module("lsp_client")
LspClient = _client.LspClient
ENV = {**os.environ, "DOCKERLS_REGISTRY": "fake"}  # no registry on the network

STUB = """#!{python}
import json, os, sys, time
here = os.path.dirname(os.path.abspath(__file__))
if "--version" in sys.argv:
    print("ShellCheck - shell script analysis tool")
    print("version: 0.10.0")
    sys.exit(0)
text = sys.stdin.read()
with open(os.path.join(here, "calls"), "a") as log:
    log.write(f"{{os.getpid()}}\\n")
if os.path.exists(os.path.join(here, "slow")):
    time.sleep(300)
line = next(i for i, s in enumerate(text.split("\\n"), 1) if not s.startswith("read -r"))
script = text.split("\\n")[line - 1]
comment = {{"file": "-", "line": line, "endLine": line, "column": 1,
           "endColumn": len(script) + 1, "level": "warning", "code": 2034,
           "message": "stub: " + script, "fix": None}}
print(json.dumps({{"comments": [comment]}}))
sys.exit(1)
"""

TEXT = "FROM debian:12\nRUN echo one\nRUN echo two\n"


def _stub(folder: Path) -> Path:
    stub = folder / "shellcheck"
    stub.write_text(STUB.format(python=sys.executable))
    stub.chmod(0o755)
    return stub


def _options(stub: Path, timeout_ms: int) -> dict[str, object]:
    return {"shellcheck": {"enabled": True, "path": str(stub), "timeoutMs": timeout_ms}}


def _stub_messages(diagnostics: list[dict[str, object]]) -> set[str]:
    return {str(d["message"]) for d in diagnostics if str(d["message"]).startswith("stub: ")}


def _pids(folder: Path) -> list[int]:
    calls = folder / "calls"
    return [int(x) for x in calls.read_text().split()] if calls.exists() else []


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in status  # a zombie has ended


async def test_timed_out_run_keeps_findings_and_is_retried(tmp_path: Path) -> None:
    stub = _stub(tmp_path)
    uri = (tmp_path / "Dockerfile").as_uri()
    async with LspClient(SERVER, cwd=REPO, env=ENV, name="dockerls") as client:
        # the timeout stays well above the stub's own start (a Python process: seconds on a
        # loaded machine, where a short one timed every run out and the retries gave up)
        await client.initialize(tmp_path, initialization_options=_options(stub, 5_000))
        doc = client.did_open(uri, TEXT)

        def messages(version: int) -> list[set[str]]:
            pubs = client.publishes(uri)
            return [_stub_messages(p.diagnostics) for p in pubs if p.version == version]

        both = {"stub: echo one", "stub: echo two"}
        await until(lambda: both in messages(1), 60, "the stub's findings")

        (tmp_path / "slow").touch()  # ShellCheck now times out
        calls = len(_pids(tmp_path))
        two = doc.find("two")
        doc.edit(two, two + 3, "2wo")
        await until(lambda: len(_pids(tmp_path)) > calls, 60, "a run of the edited script")
        await until(lambda: messages(2), 60, "a publish of the edit")
        (tmp_path / "slow").unlink()  # ShellCheck answers again: a retry, no edit
        await until(
            lambda: {"stub: echo one", "stub: echo 2wo"} in messages(2), 60, "the retry's findings"
        )
        # the unchanged script's finding was never dropped meanwhile
        assert all("stub: echo one" in found for found in messages(2)), messages(2)


async def test_exit_kills_shellcheck_runs_and_ends_at_once(tmp_path: Path) -> None:
    stub = _stub(tmp_path)
    (tmp_path / "slow").touch()
    uri = (tmp_path / "Dockerfile").as_uri()
    client = LspClient(SERVER, cwd=REPO, env=ENV, name="dockerls")
    await client.start()
    try:
        await client.initialize(tmp_path, initialization_options=_options(stub, 600_000))
        client.did_open(uri, TEXT)
        await until(lambda: len(_pids(tmp_path)) >= 2, 60, "both ShellCheck runs to start")
        assert await client.request("shutdown", None, timeout=60) is None
        client.notify("exit", None)
        proc = client.proc
        assert proc is not None
        # ShellCheck runs may take 10 minutes here: an exit that waited for
        # them (or for ShellCheck's default 30 s timeout) misses this bound
        await until(lambda: proc.returncode is not None, 20, "the server to exit")
        assert proc.returncode == 0
        await until(lambda: not any(map(_alive, _pids(tmp_path))), 60, "the stubs to be killed")
        await until(lambda: client.exited, 60, "its output to end")
        assert not [line for line in client.stderr_tail if "Traceback" in line]
    finally:
        await client.stop()
