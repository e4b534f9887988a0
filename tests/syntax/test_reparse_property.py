"""Property: after any sequence of edits, the incremental tree equals a full
parse of the same text (STYLE.md recommendation 3)."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dockerls.syntax.parser import parse
from dockerls.syntax.reparse import apply_edit, reparse

FRAGMENTS = [
    "FROM alpine:3.20 AS build\n",
    "# escape=`\n",
    "# syntax=docker/dockerfile:1\n",
    "# check=skip=all\n",
    "RUN apt-get update && \\\n    apt-get install -y curl\n",
    "RUN echo a `\n  b\n",
    "RUN <<EOF\necho hi\nEOF\n",
    "RUN <<-'EOT' bash\n\techo x\n\tEOT\n",
    "COPY <<A <<B /dst/\na\nA\nb\nB\n",
    "# a comment\n",
    "\n",
    "   \n",
    'ENV A=1 B="two words"\n',
    "LABEL x y\n",
    "ONBUILD RUN make\n",
    'CMD ["a", "b"]\n',
    "RUN a \\\n# inner comment\n\n  b\n",
    "HEALTHCHECK --interval=5s CMD curl -f http://x/ || exit 1\n",
    "ARG V=1\r\n",
    "RUN echo 😀 中文 \\\n  done\n",
    "WORKDIR /app",
    "\\\n",
    "RUN x \\",
    "<<EOF\n",
    "EOF\n",
    "\ufeffFROM a\r",
    "RUN a\rb \\\r\n\n",
]

EDIT_TEXT = st.sampled_from(
    [
        "",
        "a",
        "\\",
        "`",
        "\n",
        "\r\n",
        "#",
        " ",
        "<<EOF",
        "EOF",
        "\\\n",
        "😀",
        "=",
        '"',
        "RUN ",
        "\t",
        "\r",
        "\ufeff",
        "<<'1",
    ]
)


@st.composite
def documents(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.sampled_from(FRAGMENTS), min_size=0, max_size=8))
    return "".join(parts)


@st.composite
def edits(draw: st.DrawFn, text_len: int) -> tuple[float, float, str]:
    a = draw(st.floats(0, 1))
    length = draw(st.integers(0, 6))
    return a, length, draw(EDIT_TEXT | st.text(max_size=4))


@settings(
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(doc=documents(), data=st.data())
@example(doc="FROM a\nRUN x\n", data=None)
def test_incremental_equals_full(doc: str, data: st.DataObject | None) -> None:
    current = parse(doc)
    steps = 1 if data is None else data.draw(st.integers(1, 6))
    for _ in range(steps):
        if data is None:
            start, end, repl = 7, 7, "\\"
        else:
            n = len(current.text)
            start = data.draw(st.integers(0, n))
            end = data.draw(st.integers(start, min(n, start + 8)))
            repl = data.draw(EDIT_TEXT | st.text(max_size=4))
        new_text = apply_edit(current.text, start, end, repl)
        incremental = reparse(current, start, end, repl)
        full = parse(new_text)
        assert incremental.text == new_text
        assert incremental.equivalent(full), (current.text, start, end, repl)
        current = incremental


def test_reparse_reuses_untouched_items() -> None:
    text = "FROM a\n" + "".join(f"RUN echo {i}\n" for i in range(100))
    p = parse(text)
    at = p.starts[50] + 5
    q = reparse(p, at, at, "x")
    assert q.equivalent(parse(q.text))
    reused = sum(1 for a, b in zip(p.items, q.items, strict=False) if a is b)
    assert reused >= 99
    assert q.items[50] is not p.items[50]
    assert q.items[49] is p.items[49] and q.items[51] is p.items[51]
