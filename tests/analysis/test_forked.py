"""``forked.start``: work a forked child does while the caller goes on.  Its result
comes whole or not at all; a failing, late or forgotten child is ended and reaped."""

from __future__ import annotations

import gc
import os
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
