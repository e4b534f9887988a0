"""``forked.start``: work a forked child does while the caller goes on.  Its result
comes whole or not at all; a failing, late or forgotten child is ended and reaped."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import time

from dockerls.analysis import forked
from tests.analysis.conftest import Children
from tests.support import wait_for


def test_the_childs_result(children: Children) -> None:
    pending = forked.start(lambda: {"pid": os.getpid(), "big": "x" * (3 << 20)}, 30.0)
    assert pending is not None
    got = pending.result()
    assert got["pid"] != os.getpid() and len(got["big"]) == 3 << 20  # bigger than the pipe
    assert pending.result() is got  # asked again: the same answer
    wait_for(children.all_reaped, what="the child reaped")


def test_a_failing_child_gives_none(children: Children) -> None:
    pending = forked.start(lambda: 1 // 0, 30.0)
    assert pending is not None and pending.result() is None
    wait_for(children.all_reaped, what="the child reaped")


def test_a_late_child_is_killed(children: Children) -> None:
    pending = forked.start(lambda: time.sleep(3600), 0.3)
    assert pending is not None and pending.result() is None
    wait_for(children.all_reaped, what="the late child killed and reaped")


def test_a_forgotten_child_is_killed(children: Children) -> None:
    pending = forked.start(lambda: time.sleep(3600), 3600.0)
    assert pending is not None
    del pending
    gc.collect()
    wait_for(children.all_reaped, what="the forgotten child killed and reaped")


WITHOUT_FORK = """
import os, sys
sys.modules["fcntl"] = None  # as on Windows: no fcntl, no fork
del os.fork
from dockerls.analysis import forked
from dockerls.analysis.engine import Linter
from dockerls.syntax.parser import parse
assert not forked.available()
text = "FROM alpine AS a\\nRUN apk add curl\\nFROM a\\nRUN cd /tmp\\n"
split = Linter(split_at=1).lint(parse(text)).all()
assert split == Linter().lint(parse(text)).all() and split, split
assert forked.start(lambda: 1, 1.0) is None
print("ok")
"""


def test_without_fork_all_is_done_here() -> None:
    """Where there is no ``fork`` (Windows), the engine imports and a split lint, or a
    prefetch, runs in the process itself."""
    out = subprocess.run(
        [sys.executable, "-c", WITHOUT_FORK], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
