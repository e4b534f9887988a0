"""Compare our parse with BuildKit's own parser (the PyPI ``dockerfile`` package)."""

from __future__ import annotations

from dataclasses import dataclass

import dockerfile

from dockerls.syntax.nodes import Instruction
from dockerls.syntax.parser import Parse, parse


@dataclass(frozen=True)
class Shape:
    cmd: str
    sub_cmd: str | None
    json: bool
    flags: tuple[str, ...]
    values: tuple[str, ...]
    heredocs: tuple[tuple[str, str], ...]
    start_line: int
    end_line: int


def ours(p: Parse) -> list[Shape]:
    out = []
    text = p.text
    # BuildKit's lines end at \n only (``p.lines`` follow the LSP, where a
    # lone \r ends a line too)
    line = 1
    at = 0
    for i, it in p.instructions():
        assert isinstance(it, Instruction)
        line += text.count("\n", at, p.starts[i])
        at = p.starts[i]
        start = line
        # BuildKit's end line counts the lines the instruction consumed
        end = start + it.line_count - 1
        sub = it.sub
        out.append(
            Shape(
                it.keyword,
                sub.keyword if sub is not None else None,
                it.json,
                tuple(f.raw for f in it.flags),
                it.values,
                # the package reads heredocs from ONBUILD's trigger node, but
                # BuildKit attaches them to the ONBUILD node: it never sees them
                tuple((h.name, h.content) for h in it.heredocs) if sub is None else (),
                start,
                end,
            )
        )
    return out


def theirs(text: str) -> list[Shape]:
    cmds = dockerfile.parse_string(text)
    return [
        Shape(
            c.cmd or "",  # the bridge gives None for an empty keyword
            c.sub_cmd,
            c.json,
            tuple(c.flags),
            # the oracle's C bridge cuts strings at NUL; BuildKit itself does not
            tuple(v for v in c.value),
            tuple((h.name, h.content) for h in c.heredocs),
            c.start_line,
            c.end_line,
        )
        for c in cmds
    ]


def compare(
    text: str, parsed: Parse | None = None
) -> tuple[int, list[tuple[Shape | None, Shape | None]]]:
    """Return (instructions compared, mismatches). Raises GoParseError when
    BuildKit rejects the file.  ``parsed``: our parse of ``text``, if at hand."""
    a = ours(parsed if parsed is not None else parse(text))
    b = theirs(text)
    bad = []
    for i in range(max(len(a), len(b))):
        x = a[i] if i < len(a) else None
        y = b[i] if i < len(b) else None
        if x is not None and y is not None and x != y:
            # the oracle's C bridge cuts strings at NUL; BuildKit itself doesn't
            cut = tuple(v.split("\x00")[0] for v in x.values)
            if cut == y.values and x.values != y.values:
                x = Shape(**{**x.__dict__, "values": cut})
        if x != y:
            bad.append((x, y))
    return max(len(a), len(b)), bad
