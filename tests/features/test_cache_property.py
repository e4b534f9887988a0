"""Property: the per-item caches behind the whole-document answers (semantic
tokens, document symbols, ShellCheck jobs) give after any edits what a cold
computation gives."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dockerls.analysis.shellcheck_map as scm
import dockerls.features.semantic_tokens as tok
import dockerls.features.symbols as sym
from dockerls.analysis.model import build_model
from dockerls.features.caps import ClientCaps
from dockerls.syntax.identity_cache import clear_node_caches
from dockerls.syntax.parser import Parse, parse
from dockerls.syntax.reparse import reparse

STAGES = [
    "FROM alpine:3.20 AS build\n",
    "FROM build AS next\n",
    "FROM scratch\n",
    "FROM debian AS deps\n",
]
BODY = [
    "RUN apt-get install -y curl && echo $HOME\n",
    "ENV A=1 B=ü\n",
    "ARG V=2\n",
    "COPY --from=build /a /b\n",
    "COPY --from=0 /c /d\n",
    "RUN --mount=type=cache,from=deps,target=/x make\n",
    'RUN ["pip", "install", "flask"]\n',
    "# a comment\n",
    "# hadolint shell=bash\n",
    'SHELL ["/bin/bash", "-c"]\n',
    "\n",
    "RUN a \\\n  && b\n",
    "ONBUILD RUN make\n",
]
EDIT = st.sampled_from(
    ["", "a", "\n", "FROM x AS build\n", "build", "0", "$V", "ü", "\\\n", "RUN ", "#", "AS "]
)


@st.composite
def documents(draw: st.DrawFn) -> str:
    out = []
    for _ in range(draw(st.integers(1, 4))):
        out.append(draw(st.sampled_from(STAGES)))
        out.extend(draw(st.lists(st.sampled_from(BODY), max_size=6)))
        out.append("RUN true\n" * 8)  # room, so that edits leave items to reuse
    return "".join(out)


def _answers(p: Parse) -> tuple[object, ...]:
    m = build_model(p)
    caps = ClientCaps(encoding="utf-16")
    jobs = [(j.key, j.item, j.lines) for j in scm.jobs_for(p, m)]
    return (
        list(tok.semantic_tokens(p, m, caps).data),
        bytes(sym.document_symbols_json(p, m, caps)),
        jobs,
    )


def _cold(p: Parse) -> tuple[object, ...]:
    clear_node_caches()
    return _answers(p)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(doc=documents(), data=st.data())
def test_cached_answers_equal_cold_ones_after_edits(doc: str, data: st.DataObject) -> None:
    current = parse(doc)
    _answers(current)  # warm
    for _ in range(data.draw(st.integers(1, 4))):
        n = len(current.text)
        start = data.draw(st.integers(0, n))
        end = data.draw(st.integers(start, min(n, start + 12)))
        current = reparse(current, start, end, data.draw(EDIT))
        warm = _answers(current)
        assert warm == _cold(current), current.text
