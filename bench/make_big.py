"""Build a realistic ~5,000-instruction Dockerfile from the real-world corpus.

The file is made by concatenating corpus Dockerfiles in a fixed pseudo-random
order (seeded, so every run and every machine gets the same bytes):

* files with an ``# escape=`` directive are skipped (a different escape character
  changes how every later line lexes, so they cannot be concatenated);
* files that BuildKit's parser (PyPI ``dockerfile``) rejects, that end inside a
  line continuation, or that have no instruction are skipped;
* parser directives (``# syntax=``, ``# check=``) are kept for the first file
  and stripped from every later one (they are only directives at the very top);
* multi-stage structure is kept; stage names get a per-file suffix
  (``AS builder`` -> ``AS builder_f7``, and ``--from=builder`` / ``FROM builder``
  follow) so the result stays a valid multi-stage Dockerfile;
* concatenation stops once the instruction count, as counted by
  ``dockerfile.parse_string``, reaches the target (5,000 by default).

A second kind, ``--kind synthetic``, is made of stages that all repeat the
same 11 instructions (only the stage name differs) until the target count;
it has none of the corpus's variety, so every stage costs the same.

Usage: ``python bench/make_big.py [--kind corpus|synthetic] [--out PATH] [--target N] [--seed S]``.
Other scripts call :func:`build_big` / :func:`build_synthetic` / :func:`ensure_big`.
"""

from __future__ import annotations

import argparse
import collections
import random
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "files"
DEFAULT_TARGET = 5000
DEFAULT_SEED = 20240601
DEFAULT_OUT = Path(tempfile.gettempdir()) / "dockerls-bench" / "big.Dockerfile"
SYNTHETIC_OUT = DEFAULT_OUT.with_name("synthetic.Dockerfile")
KINDS = ("corpus", "synthetic")

# one stage of the synthetic file: 11 instructions, the kinds a typical
# Dockerfile holds (package installs, a pipe, a mount, variables, an
# exec-form CMD), a comment and a blank line (the benchmark edits both)
SYNTHETIC_STAGE = """\
FROM debian:12 AS stage{n}
ARG VERSION=1.2.3
ENV APP_NAME=app APP_HOME=/opt/app PATH=/opt/app/bin:$PATH
WORKDIR $APP_HOME
RUN apt-get update && apt-get install -y curl ca-certificates git
COPY requirements.txt ./
# the tool, then the application
RUN --mount=type=cache,target=/root/.cache pip install -r requirements.txt && curl -fsSL https://example.com/tool-$VERSION.tgz | tar -xz
COPY . .
RUN cd src && make install
EXPOSE 8080
CMD ["app", "--port", "8080"]

"""
SYNTHETIC_STAGE_SIZE = 11

_DIRECTIVE = re.compile(r"^[ \t]*#[ \t]*([A-Za-z][A-Za-z0-9_-]*)[ \t]*=[ \t]*(.*?)[ \t]*$")
_KNOWN_DIRECTIVES = {"syntax", "escape", "check"}


def _import_dockerfile() -> Any:
    try:
        import dockerfile
    except ImportError:
        sys.exit("make_big.py needs the PyPI package 'dockerfile' (pip install dockerfile)")
    return dockerfile


def corpus_files(corpus: Path = CORPUS) -> list[Path]:
    if not corpus.is_dir():
        sys.exit(f"corpus not found: {corpus}")
    return sorted(p for p in corpus.rglob("*") if p.is_file())


def split_directives(text: str) -> tuple[dict[str, str], str]:
    """Return (directives, rest) for the parser-directive header of ``text``."""
    directives: dict[str, str] = {}
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines):
        m = _DIRECTIVE.match(lines[i].rstrip("\r\n"))
        if not m or m.group(1).lower() not in _KNOWN_DIRECTIVES:
            break
        directives[m.group(1).lower()] = m.group(2)
        i += 1
    return directives, "".join(lines[i:])


def _has_escape_directive(text: str) -> bool:
    directives, _ = split_directives(text)
    if "escape" in directives:
        return True
    # be conservative: an escape directive anywhere near the top (e.g. after a BOM)
    head = text.lstrip("\ufeff").splitlines()[:5]
    return any(re.match(r"^\s*#\s*escape\s*=", line, re.I) for line in head)


def _rename_stages(text: str, aliases: list[str], suffix: str) -> str:
    """Make stage names unique per file: ``AS x`` / ``--from=x`` / ``FROM x``."""
    if not aliases:
        return text
    names = "|".join(re.escape(a) for a in sorted(set(aliases), key=len, reverse=True))
    as_re = re.compile(rf"(?im)(^[ \t]*FROM[ \t].*?[ \t]AS[ \t]+)({names})(?=[ \t]*$)")
    from_flag = re.compile(rf"(?i)(--from=)({names})(?=[\s/]|$)")
    from_base = re.compile(rf"(?im)(^[ \t]*FROM[ \t]+(?:--\S+[ \t]+)*)({names})(?=[ \t]|$)")
    lower = {a.lower() for a in aliases}

    def sub(m: re.Match[str]) -> str:
        name = m.group(2)
        return m.group(1) + (name + suffix if name.lower() in lower else name)

    text = as_re.sub(sub, text)
    text = from_flag.sub(sub, text)
    return from_base.sub(sub, text)


@dataclass
class BigStats:
    path: str = ""
    files_used: int = 0
    files_skipped: dict[str, int] = field(default_factory=dict)
    instructions: int = 0
    stages: int = 0
    lines: int = 0
    bytes: int = 0
    code_points: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)


def build_big(
    target: int = DEFAULT_TARGET,
    seed: int = DEFAULT_SEED,
    corpus: Path = CORPUS,
    min_bytes_per_instruction: int = 0,
) -> tuple[str, BigStats]:
    """Return (text, stats) of the concatenated Dockerfile.  Files averaging
    fewer than ``min_bytes_per_instruction`` bytes per instruction are skipped
    (a denser file: longer RUN scripts for the same instruction count)."""
    dockerfile = _import_dockerfile()
    files = corpus_files(corpus)
    random.Random(seed).shuffle(files)
    parts: list[str] = []
    stats = BigStats()
    skipped: collections.Counter[str] = collections.Counter()
    total = 0
    for path in files:
        if total >= target:
            break
        try:
            raw = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            skipped["not utf-8"] += 1
            continue
        raw = raw.lstrip("\ufeff").replace("\r\n", "\n")
        if _has_escape_directive(raw):
            skipped["escape directive"] += 1
            continue
        _, body = split_directives(raw)
        text = raw if not parts else body
        stripped = [
            ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")
        ]
        if stripped and stripped[-1].rstrip().endswith("\\"):
            skipped["ends in a continuation"] += 1
            continue
        try:
            cmds = dockerfile.parse_string(text)
        except Exception:
            skipped["rejected by BuildKit parser"] += 1
            continue
        if not cmds:
            skipped["no instruction"] += 1
            continue
        if len(text.encode("utf-8")) < min_bytes_per_instruction * len(cmds):
            skipped["too sparse"] += 1
            continue
        aliases = [
            c.value[2]
            for c in cmds
            if c.cmd.upper() == "FROM" and len(c.value) >= 3 and c.value[1].upper() == "AS"
        ]
        text = _rename_stages(text, aliases, f"_f{stats.files_used}")
        if not text.endswith("\n"):
            text += "\n"
        parts.append(text if not parts else "\n" + text)
        stats.sources.append(str(path.relative_to(corpus)))
        stats.files_used += 1
        total += len(cmds)
    big = "".join(parts)
    cmds = dockerfile.parse_string(big)
    stats.instructions = len(cmds)
    stats.kinds = dict(collections.Counter(c.cmd.upper() for c in cmds).most_common())
    stats.stages = stats.kinds.get("FROM", 0)
    stats.lines = big.count("\n")
    stats.bytes = len(big.encode("utf-8"))
    stats.code_points = len(big)
    stats.files_skipped = dict(skipped)
    if stats.instructions != total:
        sys.exit(
            f"make_big: instruction count drifted when concatenating ({total} per file, "
            f"{stats.instructions} in the whole): a file must end inside a construct"
        )
    return big, stats


def build_synthetic(target: int = DEFAULT_TARGET) -> tuple[str, BigStats]:
    """Return (text, stats) of the synthetic file: ``target`` instructions,
    stages of the same 11 instructions (the last one cut short if need be)."""
    stages = -(-target // SYNTHETIC_STAGE_SIZE)
    lines: list[str] = []
    count = 0
    kinds: collections.Counter[str] = collections.Counter()
    for n in range(stages):
        for ln in SYNTHETIC_STAGE.format(n=n).splitlines(keepends=True):
            instruction = ln.strip() and not ln.startswith("#")
            if instruction and count == target:
                break
            lines.append(ln)
            if instruction:
                count += 1
                kinds[ln.split(None, 1)[0]] += 1
    text = "".join(lines)
    stats = BigStats(
        files_used=0,
        instructions=target,
        stages=kinds["FROM"],
        lines=text.count("\n"),
        bytes=len(text.encode("utf-8")),
        code_points=len(text),
        kinds=dict(kinds.most_common()),
    )
    return text, stats


def ensure_big(
    out: Path | None = None,
    target: int = DEFAULT_TARGET,
    seed: int = DEFAULT_SEED,
    kind: str = "corpus",
) -> tuple[str, BigStats]:
    """Build the big file of ``kind`` and write it to ``out`` (default: per
    kind, in the temporary folder; always rebuilt, it is deterministic)."""
    if kind == "synthetic":
        text, stats = build_synthetic(target)
        out = out or SYNTHETIC_OUT
    else:
        text, stats = build_big(target, seed)
        out = out or DEFAULT_OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8", newline="\n")
    stats.path = str(out)
    return text, stats


def format_stats(stats: BigStats) -> str:
    kinds = ", ".join(f"{k} {v}" for k, v in list(stats.kinds.items())[:10])
    skipped = ", ".join(f"{k}: {v}" for k, v in stats.files_skipped.items()) or "none"
    origin = (
        f"from {stats.files_used} corpus files (skipped: {skipped})"
        if stats.files_used
        else f"synthetic: stages of the same {SYNTHETIC_STAGE_SIZE} instructions"
    )
    return (
        f"big Dockerfile: {stats.path}\n"
        f"  {stats.instructions} instructions, {stats.stages} stages (FROM), "
        f"{stats.lines} lines, {stats.bytes:,} bytes\n"
        f"  {origin}\n"
        f"  instruction kinds: {kinds}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kind", choices=KINDS, default="corpus")
    ap.add_argument("--out", type=Path, default=None, help="default: per kind, in $TMPDIR")
    ap.add_argument("--target", type=int, default=DEFAULT_TARGET)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = ap.parse_args(argv)
    _, stats = ensure_big(args.out, args.target, args.seed, args.kind)
    print(format_stats(stats))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
