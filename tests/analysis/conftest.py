"""Fixtures of the analysis tests: the children ``forked`` makes, by pid."""

from __future__ import annotations

import os
from typing import Any

import pytest

from dockerls.analysis import forked


class Children:
    """The pids of the children ``forked`` forked during a test."""

    def __init__(self) -> None:
        self.pids: list[int] = []

    def all_reaped(self) -> bool:
        """Whether each of them has exited and been reaped (by ``forked``'s reaper):
        asked by pid, so other tests' children are neither seen nor reaped here."""
        for pid in self.pids:
            try:
                os.kill(pid, 0)  # raises once no process (not even a zombie) has the pid
            except ProcessLookupError:
                continue
            return False
        return True


@pytest.fixture
def children(monkeypatch: pytest.MonkeyPatch) -> Children:
    found = Children()
    spawn = forked._spawn

    def recording(*args: Any) -> Any:
        made = spawn(*args)
        if made is not None and made[0] != 0:
            found.pids.append(made[0])
        return made

    monkeypatch.setattr(forked, "_spawn", recording)
    return found
