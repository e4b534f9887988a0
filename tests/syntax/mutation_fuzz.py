"""A mutation fuzzer for the parser, differential against BuildKit's parser.

Corpus files are mutated by byte- and line-level edits aimed at what a
Dockerfile parser finds hard (escapes and continuations, heredoc markers,
quotes, comments, line endings, directives, JSON brackets, keyword case).  For
every mutant:

* ``parse()`` does not raise and is lossless;
* the incremental ``reparse()`` of the same edits equals ``parse()``;
* our parse agrees with BuildKit's (the PyPI ``dockerfile`` package), and
  where BuildKit rejects the file we report an error.

``python -m tests.syntax.mutation_fuzz --seed 1 --count 5000`` runs it at
scale and prints each failure minimised, ready for ``fuzz_cases.json``; the
test suite runs it bounded and replays the checked-in cases.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Callable, Sequence
from pathlib import Path

import dockerfile

from dockerls.syntax.parser import parse
from dockerls.syntax.reparse import apply_edit, reparse

from .buildkit_oracle import compare

CASES = Path(__file__).with_name("fuzz_cases.json")

Edit = tuple[int, int, str]

TOKENS = [
    "\\",
    "`",
    "\\\n",
    "`\n",
    " \\ \n",
    "<<",
    "<<-",
    "<<EOF",
    "<<-EOF",
    "<<'EOF'",
    '<<"EOF"',
    "<<'1",
    "2<<",
    "<<E\\OF",
    "EOF",
    "\nEOF\n",
    "\n\tEOF\n",
    "'",
    '"',
    "#",
    "# ",
    "\n",
    "\r",
    "\r\n",
    "\n\n",
    "\t",
    " ",
    "\f",
    "\v",
    "[",
    "]",
    '["',
    '"]',
    '", "',
    ",",
    "{",
    "=",
    "--",
    "--mount=type=cache,target=/x ",
    "$",
    "${",
    "}",
    "\ufeff",
    "# escape=`\n",
    "# escape=\\\n",
    "#escape=x\n",
    "# syntax=docker/dockerfile:1\n",
    "# check=skip=all\n",
    "ONBUILD ",
    "RUN ",
    "COPY ",
    "FROM ",
    "AS ",
    "1",
    "0",
    "-",
    "é",
    # blanks where Go and Python disagree, or that only Go's IsSpace knows
    "\x1c",
    "\x85",
    "\xa0",
    "\u2028",
    "\u3000",
]

# whole lines, inserted at a line start
LINES = [
    "RUN <<EOF\n",
    "EOF\n",
    "\tEOF\n",
    "ONBUILD RUN <<-X cat\n",
    "COPY <<A <<B /x/\n",
    'RUN ["a", "b"] <<EOF\n',
    "RUN x \\\n",
    "  \\\n",
    "\\\n",
    'HEALTHCHECK --interval=5s CMD ["a"]\n',
    "ENV a\n",
    "ENV a b c\n",
    "ARG a=b c\n",
    'LABEL "a b"=c d\n',
    "RUN --mount=type=secret,id=x <<EOF sh\n",
    "FROM --platform=$BUILDPLATFORM a AS b\n",
    'SHELL ["pwsh", "-c"]\n',
    'CMD ["a" "b"]\n',
    'CMD ["a"] x\n',
    "RUN 3<<'E' 4<<\"F\"\n",
    "# escape=`\n",
    "#\n",
    "\n",
    " \t \n",
]


def _line_bounds(text: str, rng: random.Random) -> tuple[int, int]:
    """(start, end after the newline) of a random line."""
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n" and i + 1 < len(text)]
    s = rng.choice(starts)
    nl = text.find("\n", s)
    return s, len(text) if nl < 0 else nl + 1


def _word_at_line_start(text: str, rng: random.Random) -> Edit:
    s, e = _line_bounds(text, rng)
    line = text[s:e]
    lead = len(line) - len(line.lstrip(" \t"))
    w = 0
    while lead + w < len(line) and line[lead + w].isalpha():
        w += 1
    word = line[lead : lead + w]
    new = rng.choice([word.lower(), word.upper(), word.capitalize(), word.swapcase()])
    return s + lead, s + lead + w, new


def mutation(text: str, rng: random.Random) -> Edit:
    """One random edit of ``text``: (start, end, replacement)."""
    n = len(text)
    pos = rng.randint(0, n)
    op = rng.randrange(10)
    if n == 0 or op <= 2:  # insert a token
        return pos, pos, rng.choice(TOKENS)
    if op == 3:  # insert a token at a line start or end, or a whole line
        s, e = _line_bounds(text, rng)
        if rng.random() < 0.5:
            return s, s, rng.choice(LINES)
        at = rng.choice([s, max(s, e - 1)])
        return at, at, rng.choice(TOKENS)
    if op == 4:  # delete a few characters
        return pos, min(n, pos + rng.randint(1, 4)), ""
    if op == 5:  # duplicate a line
        s, e = _line_bounds(text, rng)
        line = text[s:e] if text[s:e].endswith("\n") else text[s:e] + "\n"
        return s, s, line
    if op == 6:  # delete a line
        s, e = _line_bounds(text, rng)
        return s, e, ""
    if op == 7:  # keyword case
        return _word_at_line_start(text, rng)
    if op == 8:  # replace one character by a token
        return pos, min(n, pos + 1), rng.choice(TOKENS)
    # truncate
    return pos, n, ""


def mutate(text: str, rng: random.Random, count: int) -> tuple[str, list[Edit]]:
    edits: list[Edit] = []
    for _ in range(count):
        e = mutation(text, rng)
        edits.append(e)
        text = apply_edit(text, *e)
    return text, edits


def problems(text: str, edits: Sequence[Edit] = (), base: str | None = None) -> list[str]:
    """What is wrong with our parse of ``text`` (empty: nothing).  With
    ``base``/``edits``, the reparse of those edits must equal the parse."""
    out: list[str] = []
    try:
        p = parse(text)
    except Exception as exc:  # the invariant under test: parse never raises
        return [f"parse raised {exc!r}"]
    if "".join(it.text for it in p.items) != text:
        out.append("not lossless")
    if base is not None:
        try:
            q = parse(base)
            for e in edits:
                q = reparse(q, *e)
            if not q.equivalent(p):
                out.append("reparse differs from parse")
        except Exception as exc:
            out.append(f"reparse raised {exc!r}")
    try:
        _n, bad = compare(text, p)
    except dockerfile.GoParseError as exc:
        # (an empty file's NoInstructions: its severity is the rule's business)
        if not any(i.severity == "error" or i.code == "NoInstructions" for _s, i in p.issues()):
            out.append(f"BuildKit rejects ({exc}) and we report no error")
        return out
    out.extend(f"ours={a} theirs={b}" for a, b in bad)
    return out


def _kind(found: list[str]) -> str:
    return found[0].split("=")[0].split("(")[0] if found else ""


def minimise(text: str, still_fails: Callable[[str], bool]) -> str:
    """Greedy delta debugging: drop lines, then characters, while it fails."""
    changed = True
    while changed:
        changed = False
        lines = text.splitlines(keepends=True)
        i = 0
        while i < len(lines):
            cand = "".join(lines[:i] + lines[i + 1 :])
            if still_fails(cand):
                lines = lines[:i] + lines[i + 1 :]
                text = cand
                changed = True
            else:
                i += 1
        i = 0
        while i < len(text):
            cand = text[:i] + text[i + 1 :]
            if still_fails(cand):
                text = cand
                changed = True
            else:
                i += 1
    return text


def run(
    files: Sequence[Path], seed: int, count: int, read: Callable[[Path], str]
) -> list[tuple[str, list[str]]]:
    """Mutate ``count`` times; returns (mutant, problems) for each failure."""
    rng = random.Random(seed)
    failures = []
    for _ in range(count):
        base = read(rng.choice(files))
        mutant, edits = mutate(base, rng, rng.randint(1, 5))
        found = problems(mutant, edits, base)
        if found:
            failures.append((mutant, found))
    return failures


def load_cases() -> list[dict[str, str]]:
    data: list[dict[str, str]] = json.loads(CASES.read_text(encoding="utf-8"))
    return data


def main(argv: Sequence[str] | None = None) -> None:
    from tests.support import corpus_files

    from .test_buildkit_conformance import read

    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--limit", type=int, default=40, help="failures to minimise and print")
    args = ap.parse_args(argv)
    failures = run(corpus_files(), args.seed, args.count, read)
    print(f"{len(failures)} failing mutants of {args.count}")
    seen: set[str] = set()
    for mutant, found in failures[: args.limit]:
        kind = _kind(found)
        small = minimise(mutant, lambda t, k=kind: _kind(problems(t)) == k)  # type: ignore[misc]
        if small in seen:
            continue
        seen.add(small)
        print(json.dumps({"input": small, "problem": problems(small)[:1]}))


if __name__ == "__main__":
    main()
