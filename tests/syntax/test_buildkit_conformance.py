"""Differential tests against BuildKit's own parser.

* every instruction of every corpus file must agree with the PyPI
  ``dockerfile`` package (BuildKit's Go parser) on keyword, ONBUILD trigger,
  JSON form, flags, values, heredocs and start/end lines;
* BuildKit's parser conformance cases (``result`` files) must dump the same.
"""

from __future__ import annotations

import json
from pathlib import Path

import dockerfile
import pytest

from dockerls.syntax.nodes import Instruction
from dockerls.syntax.parser import parse
from tests.support import CORPUS, corpus_files

from .buildkit_oracle import compare

TESTFILES = CORPUS / "parser-testfiles"


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="surrogateescape")


@pytest.mark.corpus
def test_corpus_agrees_with_buildkit() -> None:
    total = 0
    mismatches: list[str] = []
    rejected: list[str] = []
    for path in corpus_files():
        text = read(path)
        try:
            n, bad = compare(text)
        except dockerfile.GoParseError:
            rejected.append(str(path))
            continue
        total += n
        mismatches.extend(f"{path}: ours={a} theirs={b}" for a, b in bad)
    assert total > 19000
    agreement = 1 - len(mismatches) / total
    print(
        f"instructions compared: {total}, mismatches: {len(mismatches)}, rejected: {len(rejected)}"
    )
    assert agreement >= 0.999, "\n".join(mismatches[:20])
    assert not mismatches, "\n".join(mismatches[:20])


def go_quote(s: str) -> str:
    """Go's strconv.Quote."""
    out = ['"']
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\a":
            out.append("\\a")
        elif ch == "\b":
            out.append("\\b")
        elif ch == "\f":
            out.append("\\f")
        elif ch == "\v":
            out.append("\\v")
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)


def dump(inst: Instruction) -> str:
    """BuildKit's ``Node.Dump`` for one instruction."""
    s = inst.keyword.lower()
    if inst.flags:
        s += " [" + " ".join(go_quote(f.raw) for f in inst.flags) + "]"
    if inst.sub is not None:
        return f"{s} ({dump(inst.sub)})"
    values = list(inst.values)
    if inst.name in ("ENV", "LABEL") and values:
        first = inst.words[0].value if inst.words else ""
        sep = "=" if "=" in first else ""
        values = [x for i in range(0, len(values), 2) for x in (*values[i : i + 2], sep)]
    for v in values:
        s += " " + go_quote(v)
    return s.strip()


def conformance_cases() -> list[Path]:
    cases = sorted(p.parent for p in (TESTFILES / "moby__buildkit").rglob("result"))
    assert cases, f"no BuildKit parser cases under {TESTFILES}"
    return cases


def fork_cases() -> list[Path]:
    """openshift/imagebuilder's copies of the older Docker parser cases: their
    ``result`` files record that older parser (escape processing, no ENV
    separator), which BuildKit no longer matches either, so these files are
    checked against BuildKit's parser itself."""
    return sorted(p.parent for p in (TESTFILES / "openshift__imagebuilder").rglob("result"))


@pytest.mark.parametrize("case", fork_cases(), ids=lambda p: p.name)
def test_fork_case_agrees_with_buildkit(case: Path) -> None:
    text = read(case / "Dockerfile")
    try:
        _n, bad = compare(text)
    except dockerfile.GoParseError:
        assert any(i.severity == "error" for _s, i in parse(text).issues())
        return
    assert not bad


@pytest.mark.parametrize("case", conformance_cases(), ids=lambda p: f"{p.parts[-4]}/{p.name}")
def test_buildkit_parser_case(case: Path) -> None:
    text = read(case / "Dockerfile")
    expected = read(case / "result").strip()
    p = parse(text)
    got = "\n".join(f"({dump(it)})" for _i, it in p.instructions())
    assert got == expected


def negative_cases() -> list[Path]:
    return sorted(p.parent for p in TESTFILES.rglob("testfiles-negative/*/Dockerfile"))


@pytest.mark.parametrize("case", negative_cases(), ids=lambda p: f"{p.parts[-4]}/{p.name}")
def test_buildkit_negative_case_reports_an_error(case: Path) -> None:
    text = read(case / "Dockerfile")
    with pytest.raises(dockerfile.GoParseError):
        dockerfile.parse_string(text)
    issues = parse(text).issues()
    assert any(issue.severity == "error" for _span, issue in issues), json.dumps(text)
