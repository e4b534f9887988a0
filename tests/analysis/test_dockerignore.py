"""`.dockerignore` parsing and matching (moby/patternmatcher semantics)."""

from __future__ import annotations

import pytest

from dockerls.analysis.dockerignore import (
    ContextInfo,
    IgnoreMatcher,
    clean_path,
    compile_pattern,
    entries_with_parents,
    parse_dockerignore,
)


def test_parse_positions_comments_and_cleaning() -> None:
    text = "# comment\n  node_modules  \n\n!/keep/../keep.txt\n/build/\n ./a//b/\n"
    pats, problems = parse_dockerignore(text)
    assert problems == ()
    assert [str(p) for p in pats] == ["node_modules", "!keep.txt", "build", "a/b"]
    assert (pats[0].line, pats[0].start, pats[0].end) == (1, 2, 14)
    assert pats[1].exclusion and pats[1].line == 3


def test_invalid_patterns_are_reported() -> None:
    pats, problems = parse_dockerignore("ok\n!\n[abc\nx\\\n")
    assert [str(p) for p in pats] == ["ok"]
    assert [p.line for p in problems] == [1, 2, 3]


def test_clean_path_like_go() -> None:
    assert clean_path("") == "."
    assert clean_path("a/./b/../c/") == "a/c"
    assert clean_path("//x") == "/x"


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("*.log", "a.log", True),
        ("*.log", "dir/a.log", False),
        ("**/*.log", "dir/sub/a.log", True),
        ("**/*.log", "a.log", True),
        ("a/**/b", "a/b", True),
        ("a/**/b", "a/x/y/b", True),
        ("docs/**", "docs/x/y", True),
        ("docs/**", "docs", False),
        ("fil?.txt", "file.txt", True),
        ("fil?.txt", "fil/.txt", False),
        ("[a-c].txt", "b.txt", True),
        ("[!a-c].txt", "d.txt", True),
        ("[!a-c].txt", "a.txt", False),
        ("a\\*b", "a*b", True),
        ("a\\*b", "axb", False),
        ("a.b", "axb", False),
        ("**", "anything/at/all", True),
    ],
)
def test_pattern_regex(pattern: str, path: str, expected: bool) -> None:
    rx = compile_pattern(pattern)
    assert rx is not None
    assert (rx.fullmatch(path) is not None) is expected


def test_last_match_wins_and_parents_match() -> None:
    m = IgnoreMatcher.from_text("node_modules\n*.md\n!README.md\nbuild/\n")
    assert m.matches("node_modules/x/y.js")  # through its parent directory
    assert m.matches("CHANGES.md")
    assert not m.matches("README.md")
    assert m.matches("build/out/a.o")
    assert m.matches("./build")
    assert m.matches("/build")
    assert not m.matches("src/build.c")
    assert m.exclusions


def test_exception_then_reexclude() -> None:
    m = IgnoreMatcher.from_text("*\n!src\nsrc/*.tmp\n")
    assert m.matches("Dockerfile")
    assert not m.matches("src/a.c")
    assert m.matches("src/a.tmp")
    assert m.root_ignored()


def test_context_info_source_matches() -> None:
    info = ContextInfo.from_mapping(
        {"dockerignore": "*.md\n", "files": ["src/a.py", "README.md", "x.txt"]}
    )
    assert info.entries == entries_with_parents(["src/a.py", "README.md", "x.txt"])
    assert "src" in (info.entries or ())
    assert info.source_matches("./src/") == ["src"]
    assert info.source_matches("src/*.py") == ["src/a.py"]
    assert info.source_matches("*.md") == ["README.md"]
    assert info.source_matches("missing") == []
    assert info.is_ignored("README.md")
    assert not info.is_ignored("x.txt")


def test_context_info_incomplete_listing_is_unknown() -> None:
    info = ContextInfo.from_mapping({"files": ["a"], "complete": False})
    assert info.source_matches("a") is None
    assert ContextInfo.coerce(None) is None
    assert ContextInfo.coerce(info) is info


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("arr[[]0].txt", "arr[0].txt", True),  # `[` inside a class is just `[`
        ("arr[[]0].txt", "arr0].txt", False),
        ("a[]-]b", "a]b", True),
        ("a[]-]b", "a-b", True),
        ("[!a-c]x", "dx", True),
        ("[!a-c]x", "bx", False),
        ("x[&&]y", "x&y", True),
        ("x[~~]y", "x~y", True),
    ],
)
def test_classes_with_regex_set_characters(pattern: str, path: str, expected: bool) -> None:
    """Go's character classes hold `[`, `&&`, `~~` as plain characters; Python
    must neither warn about a nested set (a FutureWarning leaked to users) nor
    read them as set operations, in .dockerignore and COPY sources alike."""
    import warnings

    from dockerls.analysis.dockerignore import ContextInfo

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rx = compile_pattern(pattern)
        assert rx is not None
        assert bool(rx.fullmatch(path)) is expected
        ctx = ContextInfo.coerce({"dockerignore": "", "files": [path]})
        assert ctx is not None
        assert (ctx.source_matches(pattern) == [path]) is expected
