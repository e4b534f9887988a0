"""Parser unit tests: golden tree dumps for tricky inputs, losslessness, and
fuzzing (Hypothesis text and bytes never make the parser raise)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dockerls.syntax.nodes import Blank, Comment, Directive, Instruction
from dockerls.syntax.parser import Parse, parse

GOLDEN = Path(__file__).parent / "golden"


def dump(p: Parse) -> str:
    """A readable tree: every item with its line, and every token with the
    exact source text its span covers (so positions are checked too)."""
    out: list[str] = []
    for i, it in enumerate(p.items):
        base = p.starts[i]
        line = p.lines[i] + 1

        def src(span: object, base: int = base) -> str:
            s = span  # type: ignore[assignment]
            return repr(p.text[base + s.start : base + s.end])  # type: ignore[attr-defined]

        if isinstance(it, Directive):
            out.append(
                f"{line}: directive {it.name}={it.value!r} name@{src(it.name_span)} value@{src(it.value_span)}"
            )
        elif isinstance(it, Comment):
            out.append(f"{line}: comment {it.body!r}")
        elif isinstance(it, Blank):
            out.append(f"{line}: blank")
        else:
            assert isinstance(it, Instruction)
            out.append(
                f"{line}: {it.name} keyword@{src(it.keyword_span)} json={it.json} lines={it.line_count}"
            )
            for f in it.flags:
                vs = src(f.value_span) if f.value_span else None
                out.append(
                    f"    flag {f.name}={f.value!r} @{src(f.span)} name@{src(f.name_span)} value@{vs}"
                )
            for w in it.words:
                out.append(f"    word {w.value!r} @{src(w.span)}")
            for w in it.json_items:
                out.append(f"    json {w.value!r} @{src(w.span)}")
            out.append(f"    values {list(it.values)!r}")
            for h in it.heredocs:
                term = src(h.terminator_span) if h.terminator_span else None
                out.append(
                    f"    heredoc {h.name!r} chomp={h.chomp} expand={h.expand} marker@{src(h.marker_span)} "
                    f"body@{src(h.body_span)} end@{term}"
                )
            for s in it.empty_continuation_lines:
                out.append(f"    empty-continuation @{src(s)}")
            for s in it.inner_comments:
                out.append(f"    inner-comment @{src(s)}")
            if it.sub is not None:
                out.append(
                    f"    trigger {it.sub.name} keyword@{src(it.sub.keyword_span)} values {list(it.sub.values)!r}"
                )
            for x in it.issues:
                out.append(f"    issue {x.code} @{src(x.span)}")
    for _span, issue in p.issues():
        if issue.code == "NoInstructions":
            out.append("issue NoInstructions")
    return "\n".join(out) + "\n"


CASES = sorted(GOLDEN.glob("*.Dockerfile"))


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_golden_tree(path: Path) -> None:
    text = path.read_bytes().decode("utf-8", errors="surrogateescape")
    p = parse(text)
    assert "".join(it.text for it in p.items) == text
    got = dump(p)
    expected_path = path.with_suffix(".tree")
    if os.environ.get("UPDATE_EXPECT") or not expected_path.exists():
        expected_path.write_text(got, encoding="utf-8", errors="backslashreplace")
    assert got.encode("utf-8", "backslashreplace").decode() == expected_path.read_text(
        encoding="utf-8"
    )


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_parses_losslessly(text: str) -> None:
    p = parse(text)
    assert "".join(it.text for it in p.items) == text
    for i, it in enumerate(p.items):
        assert p.starts[i] + len(it.text) <= len(text)
    p.issues()


@settings(max_examples=300, deadline=None)
@given(st.binary())
def test_any_bytes_parse(data: bytes) -> None:
    text = data.decode("utf-8", errors="surrogateescape")
    p = parse(text)
    assert "".join(it.text for it in p.items) == text


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "FROM a",
                "RUN x \\",
                "<<EOF",
                "EOF",
                "# escape=`",
                "`",
                "ONBUILD",
                "[",
                '"',
                "'",
                "\t",
                "\r",
                "--mount=",
                "=",
                " ",
            ]
        ),
        max_size=30,
    )
)
def test_dockerfile_like_fragments_never_raise(parts: list[str]) -> None:
    text = "\n".join(parts)
    p = parse(text)
    assert "".join(it.text for it in p.items) == text
    # every span of every instruction stays inside its item
    for it in p.items:
        if isinstance(it, Instruction):
            n = len(it.text)
            for w in it.words:
                assert 0 <= w.span.start <= w.span.end <= n
            for f in it.flags:
                assert 0 <= f.span.start <= f.span.end <= n


def test_huge_file_parses() -> None:
    text = "FROM a\n" + "RUN echo hello world && make\n" * 50_000
    p = parse(text)
    assert len(p.items) == 50_001


def test_unknown_instruction_then_more() -> None:
    p = parse("FROM a\nFOO bar\nRUN ok\n")
    names = [it.name for _i, it in p.instructions()]
    assert names == ["FROM", "FOO", "RUN"]


def test_words_are_read_when_first_asked_for() -> None:
    """A RUN's words (the lint seldom asks for them, and RUNs are the longest
    instructions) are read on first use, once, with the parse's escape character;
    ENV/LABEL/ARG's are read while parsing (their values come from them).  Read or
    not, two parses of a text are the same in value."""
    text = "# escape=`\nFROM a\nRUN ec`\nho 'a b' `\n  c\nENV k=v\n"
    p = parse(text)
    run, env = p.items[2], p.items[3]
    assert isinstance(run, Instruction) and isinstance(env, Instruction)
    assert run.words_or_escape == "`" and isinstance(env.words_or_escape, tuple)
    assert run.same_as(parse(text).items[2])  # neither read yet
    words = run.words
    base = p.starts[2]
    assert [(w.value, text[base + w.span.start : base + w.span.end]) for w in words] == [
        ("echo", "ec`\nho"),
        ("'a b'", "'a b'"),
        ("c", "c"),
    ]
    assert run.words is words and run.words_or_escape is words
    assert run.same_as(parse(text).items[2]) and parse(text).equivalent(p)
