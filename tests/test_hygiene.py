"""The tests keep the project's own rules about tests:

* no test names an absolute path outside the repository (the corpus is found
  as ``../shared`` from the repository root, through ``tests.support``);
* no test asserts on elapsed time (speed lives in ``bench/``);
* no test sleeps and then asserts (wait on a condition with ``tests.support``).
"""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Iterator
from pathlib import Path

from tests.support import REPO

TESTS = REPO / "tests"
CLOCKS = {"monotonic", "monotonic_ns", "perf_counter", "perf_counter_ns", "time", "time_ns"}
# machine-specific places; "/tmp/..." inside file:// URIs and in-document paths are fine
MACHINE_PATH = re.compile(r"^/(work|home|Users|root|mnt|srv|opt)/\S*$|(?<!\.)/shared/corpus")


def _sources() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(TESTS.rglob("*.py")):
        if path.name == "test_hygiene.py":
            continue
        yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def _reads_clock(node: ast.AST) -> bool:
    """A call like ``time.monotonic()`` or ``loop.time()`` somewhere in ``node``."""
    for sub in ast.walk(node):
        if (
            isinstance(sub, ast.Call)
            and isinstance(sub.func, ast.Attribute)
            and sub.func.attr in CLOCKS
            and not sub.args
        ):
            return True
    return False


def _names(target: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}


def _timed_assertions(tree: ast.Module) -> list[int]:
    """Lines of ``assert``s that read a clock, directly or through a name bound
    to a clock reading (``took = time.monotonic() - t0``), in the same function."""
    bad: list[int] = []
    scopes = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    for fn in scopes:
        timed: set[str] = set()
        for node in ast.walk(fn):
            if isinstance(node, ast.Assign) and (
                _reads_clock(node.value) or _names(node.value) & timed
            ):
                for t in node.targets:
                    timed |= _names(t)
        for node in ast.walk(fn):
            if isinstance(node, ast.Assert) and (
                _reads_clock(node.test) or _names(node.test) & timed
            ):
                bad.append(node.lineno)
    return bad


def _is_sleep(stmt: ast.stmt) -> bool:
    call = stmt.value if isinstance(stmt, ast.Expr) else None
    if isinstance(call, ast.Await):
        call = call.value
    return (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "sleep"
    )


def _sleep_then_assert(tree: ast.Module) -> list[int]:
    bad: list[int] = []
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if not isinstance(body, list):
            continue
        for a, b in itertools.pairwise(body):
            if _is_sleep(a) and isinstance(b, ast.Assert):
                bad.append(a.lineno)
    return bad


def test_no_absolute_paths_outside_the_repository() -> None:
    found = [
        f"{path.relative_to(REPO)}:{node.lineno}: {node.value!r}"
        for path, tree in _sources()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and MACHINE_PATH.search(node.value)
        and not node.value.startswith("file://")
    ]
    assert not found, "use tests.support (REPO, CORPUS, corpus_files):\n" + "\n".join(found)


def test_no_assertion_on_elapsed_time() -> None:
    found = [
        f"{path.relative_to(REPO)}:{line}"
        for path, tree in _sources()
        for line in _timed_assertions(tree)
    ]
    assert not found, "speed belongs in bench/, not in a test:\n" + "\n".join(found)


def test_no_sleep_then_assert() -> None:
    found = [
        f"{path.relative_to(REPO)}:{line}"
        for path, tree in _sources()
        for line in _sleep_then_assert(tree)
    ]
    assert not found, "wait on a condition (tests.support.until / wait_for):\n" + "\n".join(found)


def test_the_checks_see_what_they_forbid() -> None:
    """The scanners above catch the forms they are meant to catch."""
    timed = ast.parse(
        "def t():\n"
        "    t0 = time.monotonic()\n"
        "    work()\n"
        "    took = time.monotonic() - t0\n"
        "    assert took < 1.5\n"
        "async def u():\n"
        "    assert loop.time() < deadline\n"
    )
    assert _timed_assertions(timed) == [5, 7]
    slept = ast.parse("async def t():\n    await asyncio.sleep(0.05)\n    assert seen\n")
    assert _sleep_then_assert(slept) == [2]
    assert MACHINE_PATH.search("/work/shared/corpus/files")
    assert MACHINE_PATH.search("/home/dev/corpus")
    assert not MACHINE_PATH.search("/tmp/x.tgz")
    assert not MACHINE_PATH.search("COPY app.js /srv/\n")
    assert not MACHINE_PATH.search("../shared/corpus must sit beside the repository")
