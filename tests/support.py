"""What every test directory shares: where the repository and the shared
corpus are, and the one way to wait for a condition.

The corpus lives beside the repository (``../shared/corpus`` from its root),
never at an absolute path.  Waits are bounded and fail on timeout; a test never
sleeps and then asserts, and never asserts how long something took.
"""

from __future__ import annotations

import asyncio
import importlib.util
import inspect
import json
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
CORPUS_FILES = CORPUS / "files"
CORPUS_MIN_FILES = 1400
BENCH = REPO / "bench"


def modules_after(statement: str) -> set[str]:
    """The names in ``sys.modules`` after a fresh interpreter, in the repository, ran
    ``statement`` (structural start-up tests: what an import or a step loads)."""
    code = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    return set(json.loads(out.stdout.splitlines()[-1]))


def bench_module(name: str) -> ModuleType:
    """A script of ``bench/`` as a module (``lsp_client``, ``bench_soak``):
    bench/ is scripts, not a package, so it is loaded by path; the scripts'
    own imports of each other resolve through ``bench/`` on ``sys.path``."""
    key = f"dockerls_bench_{name}"
    if key in sys.modules:
        return sys.modules[key]
    if str(BENCH) not in sys.path:
        sys.path.append(str(BENCH))
    spec = importlib.util.spec_from_file_location(key, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module
    spec.loader.exec_module(module)
    return module


def corpus_files() -> list[Path]:
    """Every corpus Dockerfile, sorted; fails the test when the corpus is missing."""
    files = sorted(p for p in CORPUS_FILES.rglob("*") if p.is_file())
    if len(files) < CORPUS_MIN_FILES:
        pytest.fail(f"the corpus is missing: ../shared/corpus must sit beside {REPO}")
    return files


def wait_for(pred: Callable[[], object], timeout: float = 15.0, what: str = "") -> None:
    """Block until ``pred()`` is true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what or 'a condition'}")
        time.sleep(0.01)


async def until(
    pred: Callable[[], object | Awaitable[object]],
    timeout: float = 15.0,
    what: str = "",
    interval: float = 0.01,
) -> None:
    """Like ``wait_for`` without blocking the event loop (LSP clients, servers);
    ``pred`` may be a coroutine function (a request asked again until it says yes)."""
    deadline = time.monotonic() + timeout
    while not await _value(pred()):
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what or 'a condition'}")
        await asyncio.sleep(interval)


async def _value(result: object | Awaitable[object]) -> object:
    return await result if inspect.isawaitable(result) else result
