"""Parser benchmark: corpus throughput, and full parse vs incremental reparse.

1. Throughput of ``dockerls.syntax.parser.parse`` over every file of the corpus
   (files/s and MB/s of UTF-8 input; median of ``--runs`` runs, default 5), with
   BuildKit's Go parser (PyPI ``dockerfile``, ``dockerfile.parse_string``) on
   the same files in the same run as a reference line. BuildKit rejects a few
   files; its time includes those attempts.
2. On the ~5,000-instruction file from ``make_big.py``: a full ``parse`` of the
   edited text vs ``dockerls.syntax.reparse.reparse(old, start, end, text)``
   for one-character edits at the same sites ``bench_server.py`` uses
   (insert, then delete), medians over all edits, and the speed-up ratio.
   Every reparse result is also checked against the full parse (untimed).

Usage: ``python bench/bench_parse.py [--runs 5] [--edits 30] [--json PATH]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import environment, fmt_ms, fmt_ratio, load_note, ratio, summarize, table, write_json
from make_big import CORPUS, DEFAULT_OUT, DEFAULT_TARGET, corpus_files, ensure_big, format_stats
from sites import EDIT_SITES, FRACTIONS


def _load_dockerls() -> tuple[Any, Any]:
    try:
        from dockerls.syntax.parser import parse
    except ImportError as exc:
        sys.exit(
            "bench_parse: `from dockerls.syntax.parser import parse` failed "
            f"({exc}); the parser is not available yet"
        )
    try:
        from dockerls.syntax.reparse import reparse
    except ImportError as exc:
        sys.exit(
            "bench_parse: `from dockerls.syntax.reparse import reparse` failed "
            f"({exc}); incremental reparse is not available yet"
        )
    return parse, reparse


def load_corpus() -> list[str]:
    texts = []
    for path in corpus_files(CORPUS):
        try:
            texts.append(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            texts.append(path.read_bytes().decode("utf-8", "replace"))
    return texts


def throughput(fn: Any, texts: list[str], runs: int) -> dict[str, Any]:
    """Time ``fn`` over all texts ``runs`` times; exceptions are counted, not raised."""
    total_mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    times: list[float] = []
    failures = 0
    for _ in range(runs):
        failures = 0
        t0 = time.perf_counter_ns()
        for t in texts:
            try:
                fn(t)
            except Exception:
                failures += 1
        times.append((time.perf_counter_ns() - t0) / 1e9)
    med = statistics.median(times)
    return {
        "runs_s": times,
        "median_s": med,
        "files": len(texts),
        "mb": total_mb,
        "files_per_s": len(texts) / med,
        "mb_per_s": total_mb / med,
        "failures": failures,
    }


def _timed(fn: Any, *args: Any) -> tuple[Any, float]:
    t0 = time.perf_counter_ns()
    out = fn(*args)
    return out, (time.perf_counter_ns() - t0) / 1e6


def incremental(parse: Any, reparse: Any, text: str, edits: int) -> dict[str, Any]:
    base = parse(text)
    full_ms: list[float] = []
    inc_ms: list[float] = []
    by_site: dict[str, dict[str, list[float]]] = {}
    mismatches: list[str] = []
    j = 0
    while len(inc_ms) < edits:
        site = EDIT_SITES[j % len(EDIT_SITES)]
        fraction = FRACTIONS[(j // len(EDIT_SITES)) % len(FRACTIONS)]
        j += 1
        off = site.locate(text, fraction)
        inserted_text = text[:off] + site.char + text[off:]
        # insert: base -> inserted; delete: inserted -> base text
        inserted, ms_inc_1 = _timed(reparse, base, off, off, site.char)
        full_inserted, ms_full_1 = _timed(parse, inserted_text)
        deleted, ms_inc_2 = _timed(reparse, inserted, off, off + 1, "")
        full_deleted, ms_full_2 = _timed(parse, text)
        for got, want, what in (
            (inserted, full_inserted, "insert"),
            (deleted, full_deleted, "delete"),
        ):
            same = got.equivalent(want) if hasattr(got, "equivalent") else got == want
            if not same:
                mismatches.append(f"{what} at {site.name} @{fraction}")
        pair_inc = [ms_inc_1, ms_inc_2][: edits - len(inc_ms)]
        pair_full = [ms_full_1, ms_full_2][: len(pair_inc)]
        inc_ms.extend(pair_inc)
        full_ms.extend(pair_full)
        entry = by_site.setdefault(site.name, {"full": [], "incremental": []})
        entry["full"].extend(pair_full)
        entry["incremental"].extend(pair_inc)
    full = summarize(full_ms)
    inc = summarize(inc_ms)
    return {
        "full_parse": full,
        "incremental_reparse": inc,
        "speedup": ratio(full["median"], inc["median"]),
        "by_site": {
            k: {
                "full_median": statistics.median(v["full"]),
                "incremental_median": statistics.median(v["incremental"]),
            }
            for k, v in by_site.items()
        },
        "mismatches": mismatches,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="dockerls parser benchmark")
    ap.add_argument("--runs", type=int, default=5, help="corpus passes; the median is reported")
    ap.add_argument("--edits", type=int, default=30, help="one-character edits on the big file")
    ap.add_argument("--json", help="write results here (default bench/results/parse-*.json)")
    ap.add_argument("--big", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--target", type=int, default=DEFAULT_TARGET)
    ap.add_argument("--no-buildkit", action="store_true", help="skip the BuildKit reference line")
    args = ap.parse_args(argv)

    parse, reparse = _load_dockerls()
    texts = load_corpus()
    print(f"corpus: {len(texts)} files, {sum(len(t.encode()) for t in texts) / 1e6:.2f} MB")

    results: dict[str, Any] = {}
    for t in texts[:50]:  # warm caches and regex compilation
        parse(t)
    results["dockerls_parse"] = throughput(parse, texts, args.runs)
    if not args.no_buildkit:
        try:
            import dockerfile
        except ImportError:
            print("(BuildKit reference skipped: PyPI package 'dockerfile' not installed)")
        else:
            results["buildkit_parse_string"] = throughput(dockerfile.parse_string, texts, args.runs)

    rows = []
    for key, label in (
        ("dockerls_parse", "dockerls parse()"),
        ("buildkit_parse_string", "BuildKit dockerfile.parse_string (reference)"),
    ):
        r = results.get(key)
        if r:
            rows.append(
                [
                    label,
                    f"{r['files_per_s']:,.0f}",
                    f"{r['mb_per_s']:.2f}",
                    f"{r['median_s'] * 1000:.0f} ms",
                    str(r["failures"]),
                ]
            )
    print(
        f"\ncorpus throughput (median of {args.runs} runs)\n"
        + table(["parser", "files/s", "MB/s", "time", "errors raised"], rows)
    )
    if "buildkit_parse_string" in results:
        results["ratio_dockerls_over_buildkit_time"] = ratio(
            results["dockerls_parse"]["median_s"], results["buildkit_parse_string"]["median_s"]
        )

    text, stats = ensure_big(args.big, args.target)
    print("\n" + format_stats(stats))
    inc = incremental(parse, reparse, text, args.edits)
    results["big_file"] = inc
    print(
        f"\none-character edit on the big file ({inc['full_parse']['n']} edits)\n"
        + table(
            ["", "median", "p90"],
            [
                [
                    "full parse(new_text)",
                    fmt_ms(inc["full_parse"]["median"]),
                    fmt_ms(inc["full_parse"]["p90"]),
                ],
                [
                    "reparse(old, start, end, ch)",
                    fmt_ms(inc["incremental_reparse"]["median"]),
                    fmt_ms(inc["incremental_reparse"]["p90"]),
                ],
            ],
        )
        + f"\nspeed-up (full / incremental): {fmt_ratio(inc['speedup'])}"
    )
    if inc["mismatches"]:
        print(f"!! reparse differs from a full parse for: {', '.join(inc['mismatches'])}")

    out = write_json(
        {
            "benchmark": "parse",
            "environment": environment(),
            "settings": {"runs": args.runs, "edits": args.edits},
            "big_file": {k: v for k, v in vars(stats).items() if k != "sources"},
            "results": results,
        },
        args.json,
        "parse",
    )
    if note := load_note():
        print(note)
    print(f"\nJSON: {out}")
    return 1 if inc["mismatches"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
