"""Where a cold open of a big file spends its time: parse, first lint, diagnostics JSON.

Runs what the server runs for ``didOpen`` up to the publish (``parse``, a
fresh ``Linter`` with the default configuration, ``lint`` without outside
facts, ``diagnostics_json``; the garbage collector paused, as the server
pauses it) on the big files of ``make_big.py``, and prints
the median CPU time of each step; ``--profile`` prints cProfile's top entries of
one more run instead.

``--split`` lints on two CPUs as the server does (the lint's CPU is then this
process's part only: compare its elapsed time).

Usage: ``python bench/profile_open.py [--kind corpus|synthetic|both] [--target N]
[--runs N] [--split] [--profile] [--top N]``
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from make_big import DEFAULT_TARGET, KINDS, ensure_big

from dockerls.analysis.engine import SPLIT_AT, Linter
from dockerls.features.diagnostics import DiagnosticCache, diagnostics_json, renderer
from dockerls.features.positions import UTF16
from dockerls.server import gc_paused
from dockerls.syntax.identity_cache import clear_node_caches
from dockerls.syntax.parser import parse


def _cold() -> None:
    """Empty the module-level caches (node caches, ``lru_cache``: shell parses by text...),
    so that every run is a first open, as in a server just started."""
    clear_node_caches()  # results kept per node (shell scripts of a RUN...)
    for name, module in list(sys.modules.items()):
        if name.startswith("dockerls"):
            for value in list(vars(module).values()):
                clear = getattr(value, "cache_clear", None)
                if callable(clear):
                    clear()


def open_once(text: str, split_at: int = 0) -> dict[str, Any]:
    """One cold open: the CPU time of each step (ms; on a shared machine
    elapsed time mostly measures the neighbours), the lint's elapsed time (with
    ``split_at``, a forked child lints part of it: its CPU is not this process's)
    and the number of findings."""
    _cold()
    clock = time.process_time
    with gc_paused():  # as the server runs them
        t0 = clock()
        p = parse(text)
        t1 = clock()
        w1 = time.perf_counter()
        render = renderer(UTF16) if split_at else None  # as the server's documents
        result = Linter(split_at=split_at, render=render).lint(p)
        w2 = time.perf_counter()
        t2 = clock()
        body = diagnostics_json(p, result.per_item, DiagnosticCache(), result.rendered)
        t3 = clock()
    return {
        "parse": (t1 - t0) * 1e3,
        "lint": (t2 - t1) * 1e3,
        "lint elapsed": (w2 - w1) * 1e3,
        "diagnostics_json": (t3 - t2) * 1e3,
        "total": (t3 - t0) * 1e3,
        "findings": sum(len(v) for v in result.per_item.values()),
        "bytes": len(body),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kind", choices=(*KINDS, "both"), default="both")
    ap.add_argument("--target", type=int, default=DEFAULT_TARGET)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--profile", action="store_true", help="print cProfile's top entries")
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--sort", default="tottime", help="cProfile sort key (tottime)")
    ap.add_argument(
        "--split",
        action="store_true",
        help="lint on two CPUs as the server does (Linter.split_at = SPLIT_AT)",
    )
    args = ap.parse_args(argv)
    split_at = SPLIT_AT if args.split else 0
    kinds = KINDS if args.kind == "both" else (args.kind,)
    open_once("FROM alpine\nRUN apk add curl\n")  # imports and first-use set-up
    for kind in kinds:
        text, stats = ensure_big(None, args.target, kind=kind)
        print(f"== {kind}: {stats.instructions} instructions, {stats.stages} stages")
        if args.profile:
            prof = cProfile.Profile()
            prof.enable()
            open_once(text, split_at)
            prof.disable()
            pstats.Stats(prof).sort_stats(args.sort).print_stats(args.top)
            continue
        runs = [open_once(text, split_at) for _ in range(args.runs)]
        for step in ("parse", "lint", "lint elapsed", "diagnostics_json", "total"):
            unit = "ms" if step == "lint elapsed" else "ms CPU"
            print(f"  {step:17} {statistics.median(r[step] for r in runs):8.1f} {unit}")
        print(f"  findings {runs[0]['findings']}, {runs[0]['bytes']:,} bytes of JSON")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
