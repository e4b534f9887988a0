"""The engine's instruction results are kept per node while the document lives, and the
keystroke path lets go of the nodes an edit replaced: typing in one instruction doesn't
pile up the instructions each keystroke made (the cache holds its nodes, not weakly)."""

from __future__ import annotations

import gc
import weakref

from dockerls.analysis.engine import Linter
from dockerls.syntax.nodes import Instruction
from dockerls.syntax.parser import Parse, parse
from dockerls.syntax.reparse import reparse

TEXT = """\
FROM debian:12 AS build
RUN apt-get update && apt-get install -y curl
COPY . /src

FROM build
RUN make
"""


def _run(p: Parse) -> Instruction:
    it = p.items[1]
    assert isinstance(it, Instruction) and it.name == "RUN"
    return it


def test_keystrokes_let_go_of_the_instructions_they_replaced() -> None:
    linter = Linter()
    p = parse(TEXT)
    linter.lint(p)
    typed: list[weakref.ref[Instruction]] = []
    at = TEXT.index("curl") + len("curl")
    for ch in " wget":  # one instruction edited five times in a row, on the fast path
        p = reparse(p, at, at, ch)
        at += 1
        assert p.parent_id is not None
        linter.lint(p)
        typed.append(weakref.ref(_run(p)))
    # the last keystroke's findings are its RUN's: the package typed last is unpinned
    assert [v.message for _i, v in linter.lint(p).all() if v.code == "DL3008"][-1].startswith(
        "Package `wget`"
    )
    gc.collect()
    # every keystroke's RUN but the last one is gone; the document's current one stays
    assert [r() is None for r in typed] == [True] * (len(typed) - 1) + [False]
