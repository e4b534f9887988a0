"""Shared helpers for the benchmark scripts: summaries, environment facts, JSON output."""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"


def summarize(samples_ms: Sequence[float]) -> dict[str, Any]:
    """Median, p90, min, max and the raw samples (milliseconds)."""
    xs = sorted(samples_ms)
    if not xs:
        return {"n": 0, "median": None, "p90": None, "min": None, "max": None, "samples": []}
    p90 = statistics.quantiles(xs, n=10, method="inclusive")[8] if len(xs) > 1 else xs[0]
    return {
        "n": len(xs),
        "median": statistics.median(xs),
        "p90": p90,
        "min": xs[0],
        "max": xs[-1],
        "samples": [round(x, 4) for x in samples_ms],
    }


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return a / b


def fmt_ms(x: float | None) -> str:
    if x is None:
        return "-"
    if x >= 100:
        return f"{x:.0f} ms"
    if x >= 10:
        return f"{x:.1f} ms"
    return f"{x:.2f} ms"


def fmt_ratio(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:.2f}x" if x >= 0.1 else f"{x:.2g}x"


def _run(cmd: list[str]) -> str | None:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=20, cwd=REPO_DIR)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def peer_version() -> str | None:
    pkg = BENCH_DIR / "node_modules" / "dockerfile-language-server-nodejs" / "package.json"
    try:
        return str(json.loads(pkg.read_text())["version"])
    except (OSError, ValueError, KeyError):
        return None


def environment() -> dict[str, Any]:
    """Facts about the machine and the code under test, stored with every result."""
    return {
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "loadavg_1_5_15_at_end": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "node": _run(["node", "--version"]) if shutil.which("node") else None,
        "peer": peer_version(),
        "git_commit": _run(["git", "rev-parse", "--short", "HEAD"]),
    }


def load_note() -> str:
    """A warning when the machine was busy (load average above the CPU count)."""
    if not hasattr(os, "getloadavg"):
        return ""
    one, five, _ = os.getloadavg()
    cpus = os.cpu_count() or 1
    if max(one, five) <= cpus:
        return ""
    return (
        f"!! load average {one:.1f} / {five:.1f} (1 / 5 min) on {cpus} CPUs: other work was "
        "running, absolute times are inflated; compare ratios, or rerun on a quiet machine"
    )


def write_json(data: dict[str, Any], path: str | os.PathLike[str] | None, stem: str) -> Path:
    """Write ``data`` to ``path`` (or ``bench/results/<stem>-<timestamp>.json``)."""
    if path is None:
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        out = RESULTS_DIR / f"{stem}-{stamp}.json"
    else:
        out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return out


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain, aligned text table (first column left-aligned, others right-aligned)."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(r: Sequence[str]) -> str:
        cells = [
            str(c).ljust(widths[i]) if i == 0 else str(c).rjust(widths[i]) for i, c in enumerate(r)
        ]
        return "  ".join(cells).rstrip()

    sep = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), sep, *(line(r) for r in rows)])
