"""Where the benchmarks edit and ask: places in the big Dockerfile, found by pattern.

Every site is located by a regular expression at a fraction of the file (early,
middle, late), so the same places are used for every server and every run.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

FRACTIONS = (0.15, 0.5, 0.85)  # where in the file to edit / ask: early, middle, late


def nth_match(text: str, pattern: str, fraction: float) -> re.Match[str]:
    """The first match of ``pattern`` starting at or after ``fraction`` of the text."""
    rx = re.compile(pattern, re.M)
    m = rx.search(text, int(len(text) * fraction))
    if m is None:
        m = rx.search(text)
    if m is None:
        raise ValueError(f"pattern {pattern!r} not found in the benchmark file")
    return m


# --------------------------------------------------------------------------- places


@dataclass(frozen=True)
class EditSite:
    name: str
    char: str
    locate: Callable[[str, float], int]  # (text, fraction) -> code-point offset


EDIT_SITES = (
    EditSite(
        "RUN argument", "x", lambda t, f: nth_match(t, r"^RUN [a-z][^\n\\]{8,}", f).start() + 7
    ),
    EditSite("comment", "x", lambda t, f: nth_match(t, r"^# [^\n]{5,}", f).start() + 3),
    EditSite(
        "FROM tag",
        "1",
        lambda t, f: nth_match(t, r"^FROM (?:--\S+ )*[\w./-]+:([\w.-]+)", f).start(1) + 1,
    ),
    EditSite("ENV value", "x", lambda t, f: nth_match(t, r"^ENV \w+[= ]\w", f).end() - 1),
    EditSite("COPY path", "x", lambda t, f: nth_match(t, r"^COPY [^\n-][^\n]{5,}", f).start() + 6),
    EditSite("empty line", "R", lambda t, f: nth_match(t, r"\n\n(?=FROM )", f).start() + 1),
)


@dataclass(frozen=True)
class RequestSite:
    method: str
    name: str
    locate: Callable[[str, float], int]


COMPLETION_SITES = (
    RequestSite(
        "textDocument/completion",
        "empty line",
        lambda t, f: nth_match(t, r"\n\n(?=FROM )", f).start() + 1,
    ),
    RequestSite(
        "textDocument/completion",
        "after $",
        lambda t, f: nth_match(t, r"^RUN [^\n]*?\$(?=\{?[A-Za-z_])", f).end(),
    ),
    RequestSite(
        "textDocument/completion", "after RUN --", lambda t, f: nth_match(t, r"^RUN --", f).end()
    ),
)
HOVER_SITES = (
    RequestSite(
        "textDocument/hover",
        "keyword",
        lambda t, f: nth_match(t, r"^(?:RUN|COPY|ENV) ", f).start() + 1,
    ),
    RequestSite(
        "textDocument/hover",
        "variable",
        lambda t, f: nth_match(t, r"^RUN [^\n]*?\$\{?([A-Za-z_]\w*)", f).start(1) + 1,
    ),
)
