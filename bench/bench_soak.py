"""Memory soak: the server's RSS over a long editing session, against a fresh
server holding the final text.

Builds a ~300-instruction, ~110 KB Dockerfile from the corpus (``make_big``
with a density floor, so the RUN scripts are long), opens it in
``python -m dockerls serve`` with ShellCheck on (its default when installed),
and sends ``--edits`` (default 5,000) random edits from a seeded generator:
inserted words, shell fragments, variables and line continuations, and
deletions, at random places (most land in RUN scripts, so ShellCheck sees new
scripts all the time).  Each edit waits for its diagnostics, as typing does.
The server's RSS (``/proc/<pid>/status`` VmRSS; Linux) is sampled every
``--every`` edits.

At the end a fresh server opens the final text; once both servers publish the
same diagnostics for it (ShellCheck's included), both RSS are read.  The
script prints the curve, the fresh RSS and the budget, ``1.5 x fresh + 30 MB``,
and exits 1 when the soaked server ends above it.

Usage: ``python bench/bench_soak.py [--edits 5000] [--every 250] [--seed N]
[--no-shellcheck] [--cwd DIR] [--json PATH]``.  ``tests/e2e/test_soak.py`` runs the same
session, shorter, as a test of growth (never of time).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lsp_client import DOCKERLS_COMMAND, SERVER_ENV, LspClient, OpenDocument

MB = 1024 * 1024
# the registry is the in-process fake: the soak measures the server, not the network
ENV = {**SERVER_ENV, "DOCKERLS_REGISTRY": "fake"}
SOAK_TARGET = 300  # instructions
SOAK_DENSITY = 200  # bytes per instruction at least (the ~100 KB file of issue 16)
SOAK_SEED = 20240601
WORDS = (
    "x",
    " foo",
    " --bar",
    " $HOME",
    ' "${PATH}"',
    " && echo hi",
    " | tee /tmp/log",
    "; ls -la",
    " \\\n    && true",
    "'",
    '"',
    " `date`",
    " $(id -u)",
    " 2>&1",
    "\n",
)


def budget(fresh_rss: int) -> int:
    """The most a soaked server may hold: 1.5 x a fresh server's RSS + 30 MB."""
    return int(1.5 * fresh_rss) + 30 * MB


def rss_of(pid: int) -> int:
    """Resident set size of a process, in bytes (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def soak_text(corpus: Path | None = None, target: int = SOAK_TARGET) -> str:
    """The soak file: ``target`` instructions of dense corpus Dockerfiles."""
    from make_big import CORPUS, build_big

    text, _stats = build_big(
        target, SOAK_SEED, corpus or CORPUS, min_bytes_per_instruction=SOAK_DENSITY
    )
    return text


def random_edit(
    rng: random.Random,
    text: str,
    region: tuple[int, int] | None = None,
    words: tuple[str, ...] = WORDS,
) -> tuple[int, int, str]:
    """One edit (start, end, new text): mostly insertions, a third deletions,
    the file's size kept near its start; inside ``region`` when given."""
    lo, hi = region or (0, len(text))
    at = rng.randrange(lo, hi + 1)
    if rng.random() < 0.35 and at < hi:
        return at, min(hi, at + rng.randint(1, 12)), ""
    return at, at, rng.choice(words)


def line_of(text: str, marker: str) -> tuple[int, int]:
    """The region of the line holding ``marker`` (after the marker)."""
    start = text.index(marker) + len(marker)
    return start, text.index("\n", start)


def initialization_options(shellcheck: bool) -> dict[str, Any]:
    return {"shellcheck": {"enabled": shellcheck}}


@dataclass
class Soak:
    """One soak session's figures."""

    text: str = ""  # the final text
    curve: list[tuple[int, int]] = field(default_factory=list)  # (edits, RSS bytes)
    final_rss: int = 0
    fresh_rss: int = 0
    seconds: float = 0.0


async def settled(client: LspClient, doc: OpenDocument, expected: Any, timeout: float) -> None:
    """Wait until the server's latest publish of the document's current version
    equals ``expected`` (a sorted list of diagnostics, see :func:`_key`)."""
    deadline = time.monotonic() + timeout
    while True:
        pubs = [p for p in client.publishes(doc.uri) if p.version == doc.version]
        if pubs and _key(pubs[-1].diagnostics) == expected:
            return
        if time.monotonic() > deadline:
            got = _key(pubs[-1].diagnostics) if pubs else None
            raise TimeoutError(f"no settled publish in {timeout}s: {len(got or ())} diagnostics")
        await asyncio.sleep(0.05)


def _key(diagnostics: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps(d, sort_keys=True) for d in diagnostics)


async def fresh_publish(
    client: LspClient, doc: OpenDocument, shellcheck: bool, timeout: float
) -> list[str]:
    """A fresh server's diagnostics for the document, ShellCheck's included
    (its second publish, when the document has scripts ShellCheck flags)."""
    first = await client.wait_for_diagnostics(doc.uri, doc.version, timeout=timeout)
    if not shellcheck:
        return _key(first.diagnostics)
    deadline = time.monotonic() + timeout
    while True:
        pubs = client.publishes(doc.uri)
        last = pubs[-1].diagnostics
        if any(str(d.get("code", "")).startswith("SC") for d in last):
            return _key(last)
        if time.monotonic() > deadline:
            raise TimeoutError(f"no ShellCheck findings from a fresh server in {timeout}s")
        await asyncio.sleep(0.05)


async def run_soak(
    text: str,
    edits: int,
    *,
    every: int = 250,
    seed: int = SOAK_SEED,
    shellcheck: bool = True,
    cwd: Path | None = None,
    workspace: Path | None = None,
    command: list[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    timeout: float = 120.0,
    marker: str | None = None,
    words: tuple[str, ...] = WORDS,
) -> Soak:
    """Edit ``text`` ``edits`` times in one server, then compare its RSS with a
    fresh server's on the final text.  The servers run in ``cwd`` (``python -m
    dockerls`` imports the code there); the document sits in ``workspace``.  With ``marker``, every edit lands in
    the line holding it (one long RUN, say), drawn from ``words``."""
    cmd = command or DOCKERLS_COMMAND
    folder = workspace or cwd or Path.cwd()
    uri = (folder / "Dockerfile.soak").as_uri()
    out = Soak()
    rng = random.Random(seed)
    t0 = time.monotonic()
    async with LspClient(cmd, cwd=cwd or folder, env=ENV, name="dockerls") as soaked:
        await soaked.initialize(folder, initialization_options=initialization_options(shellcheck))
        assert soaked.proc is not None
        doc = soaked.did_open(uri, text)
        await fresh_publish(soaked, doc, shellcheck, timeout)
        out.curve.append((0, rss_of(soaked.proc.pid)))
        for n in range(1, edits + 1):
            region = line_of(doc.text, marker) if marker else None
            edit = random_edit(rng, doc.text, region, words)
            await doc.edit_and_wait(*edit, timeout=timeout)
            if n % every == 0 or n == edits:
                out.curve.append((n, rss_of(soaked.proc.pid)))
                if progress is not None:
                    progress(n, out.curve[-1][1])
        out.text = doc.text
        out.seconds = time.monotonic() - t0
        async with LspClient(cmd, cwd=cwd or folder, env=ENV, name="fresh") as fresh:
            await fresh.initialize(
                folder, initialization_options=initialization_options(shellcheck)
            )
            assert fresh.proc is not None
            fresh_doc = fresh.did_open(uri, doc.text)
            expected = await fresh_publish(fresh, fresh_doc, shellcheck, timeout)
            await settled(soaked, doc, expected, timeout)
            out.fresh_rss = rss_of(fresh.proc.pid)
        out.final_rss = rss_of(soaked.proc.pid)
    return out


def main(argv: list[str] | None = None) -> int:
    from common import environment, write_json

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--edits", type=int, default=5000)
    ap.add_argument("--every", type=int, default=250, help="sample RSS every N edits")
    ap.add_argument("--seed", type=int, default=SOAK_SEED)
    ap.add_argument("--no-shellcheck", action="store_true")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument(
        "--cwd", type=Path, default=None, help="the servers' folder (python -m dockerls there)"
    )
    args = ap.parse_args(argv)
    text = soak_text()
    print(
        f"soak file: {text.count(chr(10))} lines, {len(text.encode()):,} bytes; "
        f"{args.edits} edits, ShellCheck {'off' if args.no_shellcheck else 'on'}",
        flush=True,
    )

    def progress(n: int, rss: int) -> None:
        print(f"  {n:>6} edits  {rss / MB:7.1f} MB", flush=True)

    result = asyncio.run(
        run_soak(
            text,
            args.edits,
            every=args.every,
            seed=args.seed,
            shellcheck=not args.no_shellcheck,
            cwd=args.cwd,
            progress=progress,
        )
    )
    limit = budget(result.fresh_rss)
    curve = ", ".join(f"{n}: {rss / MB:.0f}" for n, rss in result.curve)
    print(f"RSS curve (edits: MB): {curve}")
    print(
        f"after {args.edits} edits, settled: {result.final_rss / MB:.1f} MB; "
        f"fresh server, same text: {result.fresh_rss / MB:.1f} MB; "
        f"budget 1.5x fresh + 30 MB = {limit / MB:.1f} MB; {result.seconds:.0f} s"
    )
    write_json(
        {
            "environment": environment(),
            "edits": args.edits,
            "shellcheck": not args.no_shellcheck,
            "curve_mb": [(n, round(rss / MB, 1)) for n, rss in result.curve],
            "final_mb": round(result.final_rss / MB, 1),
            "fresh_mb": round(result.fresh_rss / MB, 1),
            "budget_mb": round(limit / MB, 1),
        },
        args.json,
        "soak",
    )
    return 0 if result.final_rss <= limit else 1


if __name__ == "__main__":
    sys.exit(main())
