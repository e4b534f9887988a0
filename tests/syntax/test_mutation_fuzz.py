"""The parser mutation fuzzer (mutation_fuzz.py), bounded for CI, and the
cases it found, replayed: each agrees with BuildKit's parser, and reparsing
it incrementally gives the full parse."""

from __future__ import annotations

import pytest

from tests.support import corpus_files

from .mutation_fuzz import load_cases, minimise, problems, run
from .test_buildkit_conformance import read

SEED = 20261205
MUTANTS = 300
PREFIX = "FROM x\nRUN y \\\n  z\n"


@pytest.mark.corpus
def test_bounded_mutation_fuzz() -> None:
    failures = run(corpus_files(), SEED, MUTANTS, read)
    if failures:
        mutant, found = failures[0]
        small = minimise(mutant, lambda t: bool(problems(t)))
        pytest.fail(
            f"{len(failures)} of {MUTANTS} mutants differ; first, minimised: "
            f"{small!r}: {problems(small) or found}"
        )


CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[c["note"] for c in CASES])
def test_found_case(case: dict[str, str]) -> None:
    text = case["input"]
    assert problems(text) == []
    # the same text typed after other instructions: the reparse window
    n = len(PREFIX)
    assert problems(PREFIX + text, [(n, n, text)], PREFIX) == []
    # and deleted again
    assert problems(PREFIX, [(n, n + len(text), "")], PREFIX + text) == []


def test_cases_are_small_and_distinct() -> None:
    inputs = [c["input"] for c in CASES]
    assert len(set(inputs)) == len(inputs) >= 20
    assert all(len(t) <= 80 for t in inputs)
