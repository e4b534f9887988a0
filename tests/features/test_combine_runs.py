"""Combining consecutive RUNs: the text before and after, and when it is refused."""

from __future__ import annotations

import pytest

from dockerls.analysis.model import build_model
from dockerls.features.combine_runs import combined_text, continuation_indent, group_at
from dockerls.syntax.nodes import Instruction
from dockerls.syntax.parser import parse
from tests.support import corpus_files


def combine(src: str, at: int = 1) -> str | None:
    p = parse(src)
    return combined_text(p, build_model(p), group_at(p, at))


def test_two_runs() -> None:
    assert combine("FROM a\nRUN apt-get update\nRUN apt-get install -y curl\n") == (
        "FROM a\nRUN apt-get update && \\\n    apt-get install -y curl\n"
    )


def test_three_runs_keep_comments_drop_blank_lines_and_follow_indentation() -> None:
    src = (
        "FROM a\n"
        "RUN make && \\\n"
        "  make install\n"
        "# then clean\n"
        "\n"
        "RUN rm -rf /src\n"
        "RUN echo done | tee /log\n"
        "CMD x\n"
    )
    assert combine(src) == (
        "FROM a\n"
        "RUN make && \\\n"
        "  make install && \\\n"
        "# then clean\n"
        "  rm -rf /src && \\\n"
        "  echo done | tee /log\n"
        "CMD x\n"
    )


def test_escape_directive_and_crlf() -> None:
    src = "# escape=`\r\nFROM a\r\nRUN a\r\nRUN b\r\n"
    p = parse(src)
    assert (
        combined_text(p, build_model(p), group_at(p, 2))
        == "# escape=`\r\nFROM a\r\nRUN a && `\r\n    b\r\n"
    )


def test_equal_flags_are_kept_once() -> None:
    src = "FROM a\nRUN --mount=type=cache,target=/c a\nRUN --mount=type=cache,target=/c b\n"
    assert combine(src) == "FROM a\nRUN --mount=type=cache,target=/c a && \\\n    b\n"


@pytest.mark.parametrize(
    "src",
    [
        "FROM a\nRUN --mount=type=cache,target=/c a\nRUN b\n",  # different flags
        'FROM a\nRUN ["a"]\nRUN b\n',  # exec form
        "FROM a\nRUN <<EOF\na\nEOF\nRUN b\n",  # heredoc
        "FROM a\nRUN cd /src\nRUN make\n",  # cd carries over
        "FROM a\nRUN export X=1\nRUN make\n",
        "FROM a\nRUN X=1\nRUN make\n",
        "FROM a\nRUN a\nRUN b &\n",  # background job
        "FROM mcr.microsoft.com/windows/servercore\nRUN a\nRUN b\n",  # cmd
        "FROM a\nRUN a &\nRUN b\n",
        "FROM a\nRUN a # note\nRUN b\n",
        'FROM a\nSHELL ["powershell", "-Command"]\nRUN a\nRUN b\n',
        "FROM a\nRUN a\n",  # one RUN
    ],
)
def test_refused(src: str) -> None:
    p = parse(src)
    runs = [i for i, it in p.instructions() if it.name == "RUN"]
    assert combined_text(p, build_model(p), group_at(p, runs[0])) is None


def test_later_runs_with_semicolon_or_or_are_grouped() -> None:
    # ungrouped, c would run after a failed, and `a && b || c` exits 0
    assert combine("FROM a\nRUN a\nRUN b; c\n") == "FROM a\nRUN a && \\\n    { b; c; }\n"
    assert combine("FROM a\nRUN a\nRUN b || c;\n") == "FROM a\nRUN a && \\\n    { b || c; }\n"


def test_later_run_with_semicolon_can_still_come_first() -> None:
    assert combine("FROM a\nRUN a; b\nRUN c\n") == "FROM a\nRUN a; b && \\\n    c\n"


def test_hash_inside_quotes_and_command_substitution_are_fine() -> None:
    src = "FROM a\nRUN sed -i 's,#x,y,' f\nRUN test \"$(stat -c %a d)\" = 777\n"
    assert combine(src) == (
        "FROM a\nRUN sed -i 's,#x,y,' f && \\\n    test \"$(stat -c %a d)\" = 777\n"
    )


def test_group_stops_at_other_instructions() -> None:
    p = parse("FROM a\nRUN a\nENV X=1\nRUN b\nRUN c\n")
    assert group_at(p, 1) == [1]
    assert group_at(p, 4) == [3, 4]


def test_indent_detection() -> None:
    assert continuation_indent(parse("FROM a\nRUN a && \\\n\tb\n")) == "\t"
    assert continuation_indent(parse("FROM a\nRUN a\n")) == "    "


@pytest.mark.corpus
def test_combining_every_run_block_of_the_corpus_keeps_the_file_valid() -> None:
    """Every block of consecutive RUNs in the corpus that we offer to combine
    becomes one RUN that our parser, our shell parser and BuildKit accept."""
    import dockerfile

    from dockerls.analysis.shellview import run_scripts
    from dockerls.features.combine_runs import combine
    from dockerls.fixes import apply_edits

    files = corpus_files()
    offered = refused = 0
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="surrogateescape")
        p = parse(text)
        model = build_model(p)
        seen: set[int] = set()
        for i, it in p.instructions():
            if it.name != "RUN" or i in seen:
                continue
            group = group_at(p, i)
            seen.update(group)
            if len(group) < 2:
                continue
            edits = combine(p, model, group)
            if edits is None:
                refused += 1
                continue
            offered += 1
            new = apply_edits(text, edits)
            q = parse(new)
            merged = q.items[group[0]]
            assert isinstance(merged, Instruction) and merged.name == "RUN", path
            assert not merged.issues, (path, merged.issues)
            scripts = run_scripts(merged)
            assert len(scripts) == 1 and not scripts[0].script.errors, (path, merged.text)
            assert len(q.instructions()) == len(p.instructions()) - len(group) + 1, path
            try:
                dockerfile.parse_string(text)
            except dockerfile.GoParseError:
                continue
            dockerfile.parse_string(new)  # raises if BuildKit rejects the result
    print(f"RUN blocks combined: {offered}, refused: {refused}")
    assert offered > 100
