"""The server parses and lints with the cyclic collector paused, and always
hands it back as it found it."""

from __future__ import annotations

import gc

import pytest

from dockerls.server import gc_paused


def test_paused_inside_and_restored_after() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_restored_when_the_work_raises() -> None:
    with pytest.raises(ValueError), gc_paused():
        raise ValueError("a failing lint")
    assert gc.isenabled()


def test_left_off_when_it_was_off() -> None:
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_resumed_after_the_callbacks_queued_inside() -> None:
    """didOpen: the publish it queues runs with the collector still paused."""
    import asyncio

    seen: list[bool] = []
    loop = asyncio.new_event_loop()
    try:
        with gc_paused(resume_on=loop):
            loop.call_soon(lambda: seen.append(gc.isenabled()))
        assert not gc.isenabled()
        loop.run_until_complete(asyncio.sleep(0))
        assert seen == [False] and gc.isenabled()
    finally:
        gc.enable()
        loop.close()
