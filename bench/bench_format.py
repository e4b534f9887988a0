"""Formatting benchmark: time against an instruction's line count.

Builds one RUN with ``--lines`` continuation lines (default 2,000 and
20,000), each indented differently from what the formatter wants so that
every line gets an edit (the worst case), and times, median of ``--runs``
runs (default 5):

* ``format_document_json`` on the parsed file: the work behind one
  ``textDocument/formatting`` request, answer serialised (the parse and
  model are the open document's, built once, untimed);
* ``format_document``: the same edits as lsprotocol objects (the pure
  function's result; building 20,000 objects costs the garbage collector
  more than ten times 2,000, which is why the server sends JSON);
* ``format_range_json`` of one line in the middle of the RUN and
  ``format_on_type`` after a newline there (only those lines change, but the
  instruction is read whole);
* ``format_text``: parse, model and formatting of the text, as the
  corpus test and a command line would do it;
* a linear reference on the same text, in the same run: one Python pass
  re-indenting every line.  Its ratio shows how this machine's time grows
  with the size of the work alone (caches, allocator).  (BuildKit's own
  parser is no reference here: the PyPI ``dockerfile`` build joins
  continuation lines quadratically, ~80x CPU for 10x the lines.)

It prints the medians and the ratio of the largest size to the smallest;
formatting is linear when that ratio stays near the ratio of the sizes
(10x for 2,000 -> 20,000 lines).  The script exits 1 when the ratio for
``format_document_json`` (CPU time) exceeds ``--max-ratio``.  The default is
what linear work grows by on this machine in this run: the larger of the
sizes' ratio and the linear reference's CPU ratio (which itself often comes
out above 10x: caches, allocator), plus 20% for timing noise.  Quadratic
work would grow by another factor of the sizes' ratio.

Usage: ``python bench/bench_format.py [--lines 2000 20000] [--runs 7] [--json PATH]``
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import environment, fmt_ms, fmt_ratio, load_note, ratio, summarize, table, write_json
from lsprotocol import types as lsp

from dockerls.analysis.model import build_model
from dockerls.features.caps import ClientCaps
from dockerls.features.formatting import (
    format_document,
    format_document_json,
    format_on_type,
    format_range_json,
    format_text,
    options,
)
from dockerls.settings import FormatSettings
from dockerls.syntax.parser import parse

FO = lsp.FormattingOptions(tab_size=4, insert_spaces=True)


def big_run(lines: int) -> str:
    """A Dockerfile whose RUN has ``lines`` continuation lines, indented by two."""
    body = "".join(
        f'  && apt-get install -y --no-install-recommends pkg{i} "quoted  arg {i}" \\\n'
        for i in range(lines)
    )
    return "FROM debian:bookworm\nRUN set -eux \\\n" + body + "  && true\n"


def timed(fn: Callable[[], object], runs: int) -> dict[str, Any]:
    """Elapsed and CPU time of ``runs`` calls (CPU time is what the code costs
    when other work shares the machine)."""
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(runs):
        t0 = time.perf_counter_ns()
        c0 = time.process_time_ns()
        fn()
        cpu.append((time.process_time_ns() - c0) / 1e6)
        wall.append((time.perf_counter_ns() - t0) / 1e6)
    return {**summarize(wall), "cpu": summarize(cpu)}


def measure(lines: int, runs: int) -> dict[str, Any]:
    text = big_run(lines)
    p = parse(text)
    model = build_model(p)
    settings = FormatSettings()
    caps = ClientCaps()
    mid = 2 + lines // 2
    rng = lsp.Range(lsp.Position(mid, 0), lsp.Position(mid, 5))
    edits = format_document(p, model, FO, settings, caps)
    assert len(edits) == lines + 1, "every continuation line should get an edit"
    return {
        "lines": lines,
        "chars": len(text),
        "format_document_json": timed(
            lambda: format_document_json(p, model, FO, settings, caps), runs
        ),
        "format_document": timed(lambda: format_document(p, model, FO, settings, caps), runs),
        "format_range_json_one_line": timed(
            lambda: format_range_json(p, model, rng, FO, settings, caps), runs
        ),
        "format_on_type": timed(
            lambda: format_on_type(p, model, lsp.Position(mid, 0), "\n", FO, settings, caps),
            runs,
        ),
        "format_text": timed(lambda: format_text(text, options(settings, FO)), runs),
        # linear by construction: how this machine's time grows with the size
        # of the work (caches, allocator) when nothing is quadratic
        "reference: re-indent every line": timed(lambda: _reindent_lines(text), runs),
    }


def _reindent_lines(text: str) -> str:
    """One Python pass over the lines, as simple as a re-indenter can be."""
    return "\n".join("    " + line.lstrip(" \t") for line in text.split("\n"))


KINDS = (
    "format_document_json",
    "format_document",
    "format_range_json_one_line",
    "format_on_type",
    "format_text",
    "reference: re-indent every line",
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="dockerls formatting benchmark")
    ap.add_argument("--lines", type=int, nargs="+", default=[2000, 20000])
    ap.add_argument("--runs", type=int, default=7, help="runs per size; the median is reported")
    ap.add_argument("--max-ratio", type=float, default=None)
    ap.add_argument("--json", help="write results here (default bench/results/format-*.json)")
    args = ap.parse_args(argv)
    sizes = sorted(args.lines)
    results = [measure(n, args.runs) for n in sizes]
    rows = []
    for kind in KINDS:
        for label, meds in (
            ("", [r[kind]["median"] for r in results]),
            (" (CPU)", [r[kind]["cpu"]["median"] for r in results]),
        ):
            rows.append(
                [kind + label, *(fmt_ms(m) for m in meds), fmt_ratio(ratio(meds[-1], meds[0]))]
            )
    header = ["median", *(f"{n:,} lines" for n in sizes), f"{sizes[-1]:,} / {sizes[0]:,}"]
    print(f"One RUN, every continuation line re-indented; median of {args.runs} runs.")
    print(table(header, rows))
    note = load_note()
    if note:
        print(note)
    # the check reads CPU time: elapsed time on a shared machine measures the neighbours
    doc_ratio = ratio(
        results[-1]["format_document_json"]["cpu"]["median"],
        results[0]["format_document_json"]["cpu"]["median"],
    )
    reference = ratio(
        results[-1]["reference: re-indent every line"]["cpu"]["median"],
        results[0]["reference: re-indent every line"]["cpu"]["median"],
    )
    linear = max(sizes[-1] / sizes[0], reference or 0.0)
    limit = args.max_ratio if args.max_ratio is not None else 1.2 * linear
    out = write_json(
        {"environment": environment(), "runs": args.runs, "results": results, "limit": limit},
        args.json,
        "format",
    )
    print(f"results: {out}")
    if doc_ratio is not None:
        print(f"format_document_json CPU grows {doc_ratio:.2f}x; the limit is {limit:.2f}x")
    if doc_ratio is not None and doc_ratio > limit:
        print(
            f"!! formatting grows faster than linear work: {doc_ratio:.1f}x > {limit:.1f}x"
            f" (linear here: {linear:.1f}x)"
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
