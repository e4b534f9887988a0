"""Editor-latency benchmark: dockerls vs rcjsuen's dockerfile-language-server-nodejs.

For each server, in the same run and one after the other (never concurrently):

0. cold opens: for each of the files ``OPEN_FILES`` names (1,000 corpus-built
   instructions, 5,000 corpus-built, 5,000 synthetic), ``--open-runs`` fresh
   processes: initialize, open it, and time the first diagnostics, to their
   first byte and to the parsed message;
1. start it over stdio, ``initialize`` (timed), open the session file
   (``--kind``: the 5,000-instruction synthetic file by default; ShellCheck
   on for dockerls unless ``--no-shellcheck``, its first run awaited) and wait
   for its first diagnostics (timed);
2. a few warm-up edits and requests (not recorded);
3. ``--edits`` one-character edits (insert a character, then delete it again)
   at varied places: inside a RUN argument, in a comment, in a FROM tag, in an
   ENV value, in a COPY path, on an empty line; early, middle and late in the
   file. Each is timed from just before the incremental ``didChange`` is written
   to the first byte of the ``publishDiagnostics`` for that version, and to
   the moment it has been read and parsed;
4. ``--requests`` completion requests (start of an empty line, after ``$``,
   after ``RUN --``) and as many hover requests (on an instruction keyword, on
   a variable), timed from request written to response read.

Reports medians and p90 per server and the ratio dockerls/peer (below 1 means
dockerls is faster), prints a table and writes JSON to ``bench/results/``.

``--build-files`` writes a Compose file and a Bake file beside the session file, building it
(two services, two targets), so the budgets hold with the builds known (``build_files.py``).

Usage: ``python bench/bench_server.py [--only dockerls|peer] [--edits N] [--open-runs N]
[--kind synthetic|corpus] [--no-shellcheck] [--build-files] [--json PATH]``
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import build_files
from common import (
    REPO_DIR,
    environment,
    fmt_ms,
    fmt_ratio,
    load_note,
    ratio,
    summarize,
    table,
    write_json,
)
from lsp_client import (
    DEFAULT_POSITION_ENCODINGS,
    DOCKERLS_COMMAND,
    PEER_COMMAND,
    LspClient,
    OpenDocument,
    ServerExited,
)
from make_big import DEFAULT_OUT, DEFAULT_TARGET, KINDS, SYNTHETIC_OUT, ensure_big, format_stats
from sites import COMPLETION_SITES, EDIT_SITES, FRACTIONS, HOVER_SITES, EditSite, RequestSite

SERVERS: dict[str, list[str]] = {"dockerls": DOCKERLS_COMMAND, "peer": PEER_COMMAND}
# --------------------------------------------------------------------------- runs


def _result_size(result: Any) -> int:
    if result is None:
        return 0
    if isinstance(result, dict) and "items" in result:
        return len(result["items"])
    if isinstance(result, list):
        return len(result)
    return 1


async def _edit_pair(
    doc: OpenDocument, site: EditSite, fraction: float
) -> list[tuple[float, float]]:
    """Insert a character at the site, then delete it; returns both
    latencies (ms) as (to the parsed publish, to its first byte)."""
    offset = site.locate(doc.text, fraction)
    out = []
    for start, end, text in ((offset, offset, site.char), (offset, offset + 1, "")):
        pub, ns = await doc.edit_and_wait(start, end, text, timeout=300)
        first_byte = ns - (pub.received_ns - pub.first_byte_ns)
        out.append((ns / 1e6, first_byte / 1e6))
    return out


# the cold-open rows: (label, kind, instructions)
OPEN_FILES = (
    ("1,000 instructions (corpus-built)", "corpus", 1000),
    ("5,000 instructions (corpus-built)", "corpus", DEFAULT_TARGET),
    ("5,000 instructions (synthetic)", "synthetic", DEFAULT_TARGET),
)


async def bench_open(
    name: str, cmd: list[str], path: Path, text: str, encodings: tuple[str, ...], init_options: Any
) -> tuple[float, float, int]:
    """A fresh process opens ``path``: (ms to the first diagnostics parsed,
    ms to their first byte, how many)."""
    client = LspClient(cmd, cwd=REPO_DIR, name=name)
    await client.start()
    try:
        await client.initialize(
            path.parent, position_encodings=encodings, initialization_options=init_options
        )
        doc_uri = path.as_uri()
        marker = client.publish_count(doc_uri)
        sent = client.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": doc_uri,
                    "languageId": "dockerfile",
                    "version": 1,
                    "text": text,
                }
            },
        )
        first = await client.wait_for_diagnostics(doc_uri, 1, after=marker, timeout=600)
        return (
            (first.received_ns - sent) / 1e6,
            (first.first_byte_ns - sent) / 1e6,
            len(first.diagnostics),
        )
    finally:
        await client.stop()


async def bench_opens(
    name: str,
    cmd: list[str],
    files: list[tuple[str, Path, str]],
    runs: int,
    encodings: tuple[str, ...],
    init_options: Any,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for label, path, text in files:
        parsed: list[float] = []
        first_byte: list[float] = []
        count = 0
        for _ in range(runs):
            ms, fb, count = await bench_open(name, cmd, path, text, encodings, init_options)
            parsed.append(ms)
            first_byte.append(fb)
        out[label] = {
            "parsed": summarize(parsed),
            "first_byte": summarize(first_byte),
            "diagnostics": count,
        }
    return out


async def _request(
    client: LspClient, doc: OpenDocument, site: RequestSite, fraction: float
) -> tuple[float, int]:
    offset = site.locate(doc.text, fraction)
    params = {"textDocument": {"uri": doc.uri}, "position": doc.position(offset)}
    if site.method == "textDocument/completion":
        params["context"] = {"triggerKind": 1}
    result, ns = await client.timed_request(site.method, params, timeout=120)
    return ns / 1e6, _result_size(result)


# (method, the capability that advertises it); semantic tokens last, since
# the peer may not answer them at all on the big file
DOCUMENT_REQUESTS = (
    ("textDocument/documentSymbol", "documentSymbolProvider"),
    ("textDocument/foldingRange", "foldingRangeProvider"),
    ("textDocument/documentLink", "documentLinkProvider"),
    ("textDocument/semanticTokens/full", "semanticTokensProvider"),
)


def _doc_label(method: str) -> str:
    return "semanticTokens" if "semanticTokens" in method else method.rsplit("/", 1)[-1]


async def bench_one(
    name: str,
    cmd: list[str],
    big: Path,
    text: str,
    edits: int,
    requests: int,
    warmup: int,
    encodings: tuple[str, ...],
    init_options: Any = None,
    doc_requests: int = 10,
    doc_timeout: float = 60.0,
    await_shellcheck: bool = False,
) -> dict[str, Any]:
    client = LspClient(cmd, cwd=REPO_DIR, name=name)
    await client.start()
    try:
        await client.initialize(
            big.parent,
            position_encodings=encodings,
            initialization_options=init_options,
            timeout=120,
        )
        init_ns = client.initialize_ns
        caps = client.server_capabilities
        marker = client.publish_count(big.as_uri())
        sent = client.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": big.as_uri(),
                    "languageId": "dockerfile",
                    "version": 1,
                    "text": text,
                }
            },
        )
        doc = OpenDocument(client, big.as_uri(), text, 1)
        first = await client.wait_for_diagnostics(doc.uri, 1, after=marker, timeout=600)
        open_ms = (first.received_ns - sent) / 1e6
        if await_shellcheck:
            # ShellCheck's first run over the file joins a second publish:
            # let it land before anything is timed
            try:
                await client.wait_for_diagnostics(doc.uri, 1, after=first.seq + 1, timeout=600)
            except TimeoutError:
                print(f"   {name}: no publish with ShellCheck's findings", file=sys.stderr)

        # a feature the server does not advertise is reported as unsupported, not timed
        supported = {
            "completion": "completionProvider" in caps,
            "hover": "hoverProvider" in caps,
        }
        req_sites = {"completion": COMPLETION_SITES, "hover": HOVER_SITES}
        for i in range(warmup):
            await _edit_pair(doc, EDIT_SITES[i % len(EDIT_SITES)], 0.3)
            for label, sites in req_sites.items():
                if supported[label]:
                    for rsite in sites:
                        await _request(client, doc, rsite, 0.3)

        keystrokes: list[float] = []
        first_bytes: list[float] = []
        by_site: dict[str, list[float]] = {}
        diag_counts: list[int] = []
        j = 0
        while len(keystrokes) < edits:
            site = EDIT_SITES[j % len(EDIT_SITES)]
            fraction = FRACTIONS[(j // len(EDIT_SITES)) % len(FRACTIONS)]
            pair = await _edit_pair(doc, site, fraction)
            pair = pair[: edits - len(keystrokes)]
            keystrokes.extend(ms for ms, _fb in pair)
            first_bytes.extend(fb for _ms, fb in pair)
            by_site.setdefault(site.name, []).extend(ms for ms, _fb in pair)
            diag_counts.append(len(client.publishes(doc.uri)[-1].diagnostics))
            j += 1
        assert doc.text == text, "every timed insert is followed by its delete"
        out: dict[str, Any] = {
            "command": cmd,
            "server_info": client.server_info,
            "position_encoding": client.position_encoding,
            "initialize_ms": init_ns / 1e6,
            "open_to_diagnostics_ms": open_ms,
            "first_diagnostics": len(first.diagnostics),
            "publishes_with_version": first.version is not None,
            "diagnostics_after_edits": diag_counts,
            "keystroke": summarize(keystrokes),
            "keystroke_first_byte": summarize(first_bytes),
            "keystroke_by_site": {k: summarize(v) for k, v in by_site.items()},
        }
        for label, sites in req_sites.items():
            samples: list[float] = []
            per: dict[str, list[float]] = {}
            sizes: dict[str, list[int]] = {}
            out[f"{label}_supported"] = supported[label]
            for k in range(requests if supported[label] else 0):
                rsite = sites[k % len(sites)]
                fraction = FRACTIONS[(k // len(sites)) % len(FRACTIONS)]
                ms, size = await _request(client, doc, rsite, fraction)
                samples.append(ms)
                per.setdefault(rsite.name, []).append(ms)
                sizes.setdefault(rsite.name, []).append(size)
            out[label] = summarize(samples)
            out[f"{label}_by_site"] = {
                k: {**summarize(v), "result_sizes": sizes[k]} for k, v in per.items()
            }
        # whole-document requests an editor sends after edits (outline,
        # folding, links, highlighting); each is timed after a fresh edit, so
        # nothing a server kept from its previous answer is still valid.  A
        # request with no answer in `doc_timeout` seconds ends this phase: the
        # server is still busy with it, and would delay everything after it.
        out["doc_timeouts"] = []
        for method, provider in DOCUMENT_REQUESTS:
            label = _doc_label(method)
            out[f"doc_{label}_supported"] = provider in caps
            samples = []
            first_bytes_doc: list[float] = []
            for k in range(doc_requests if provider in caps else 0):
                site = EDIT_SITES[k % len(EDIT_SITES)]
                await _edit_pair(doc, site, FRACTIONS[k % len(FRACTIONS)])
                params = {"textDocument": {"uri": doc.uri}}
                t0 = time.perf_counter_ns()
                try:
                    _result, ns = await client.timed_request(method, params, timeout=doc_timeout)
                except TimeoutError:
                    out["doc_timeouts"].append(label)
                    break
                samples.append(ns / 1e6)
                # the answer's first byte: a big answer's JSON parse in this client
                # is not the server's time
                first_bytes_doc.append((client.last_first_byte_ns - t0) / 1e6)
            out[f"doc_{label}"] = summarize(samples)
            out[f"doc_{label}_first_byte"] = summarize(first_bytes_doc)
            if out["doc_timeouts"]:
                break
        out["rss_mb"] = _rss_mb(client)
        out["server_requests"] = sorted(set(client.server_requests))
        out["capabilities"] = sorted(caps)
        return out
    finally:
        await client.stop()


def _rss_mb(client: LspClient) -> float | None:
    if client.proc is None:
        return None
    try:
        status = Path(f"/proc/{client.proc.pid}/status").read_text()
    except OSError:
        return None
    m = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(m.group(1)) / 1024 if m else None


# --------------------------------------------------------------------------- report


Getter = Callable[[dict[str, Any]], Any]


def _key(key: str) -> Getter:
    return lambda r: r[key]


def _single(key: str) -> Getter:
    return lambda r: {"median": r[key], "p90": None}


def _doc(key: str) -> Getter:
    return lambda r: r.get(key)


def _open(label: str, which: str) -> Getter:
    return lambda r: (r.get("opens") or {}).get(label, {}).get(which)


def _by_site(key: str, site: str) -> Getter:
    return lambda r: r[key].get(site)


def _rows(results: dict[str, dict[str, Any]]) -> list[tuple[str, Getter]]:
    rows: list[tuple[str, Getter]] = [("initialize (incl. start-up)", _single("initialize_ms"))]
    for label, _kind, _n in OPEN_FILES:
        rows.append((f"open -> diagnostics, {label}: first byte", _open(label, "first_byte")))
        rows.append((f"open -> diagnostics, {label}: parsed", _open(label, "parsed")))
    rows += [
        ("open -> first diagnostics (session file)", _single("open_to_diagnostics_ms")),
        ("keystroke -> publish, first byte", _key("keystroke_first_byte")),
        ("keystroke -> publish, parsed", _key("keystroke")),
    ]
    rows += [(f"  edit: {s.name}", _by_site("keystroke_by_site", s.name)) for s in EDIT_SITES]
    for label, sites in (("completion", COMPLETION_SITES), ("hover", HOVER_SITES)):
        rows.append((label, _key(label)))
        rows += [(f"  {label}: {s.name}", _by_site(f"{label}_by_site", s.name)) for s in sites]
    for method, _provider in DOCUMENT_REQUESTS:
        label = _doc_label(method)
        rows.append(
            (f"{label} (whole file, after an edit): first byte", _doc(f"doc_{label}_first_byte"))
        )
        rows.append((f"{label} (whole file, after an edit): parsed", _doc(f"doc_{label}")))
    return rows


def report(results: dict[str, dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    names = [n for n in ("dockerls", "peer") if n in results]
    header = ["metric"]
    for n in names:
        header += [f"{n} median", f"{n} p90"]
    both = len(names) == 2
    if both:
        header.append("dockerls/peer")
    rows_out: list[list[str]] = []
    ratios: dict[str, float | None] = {}
    for label, get in _rows(results):
        row = [label]
        meds: dict[str, float | None] = {}
        for n in names:
            stat = get(results[n]) or {}
            meds[n] = stat.get("median")
            row += [fmt_ms(stat.get("median")), fmt_ms(stat.get("p90"))]
        if both:
            r = ratio(meds["dockerls"], meds["peer"])
            ratios[label.strip()] = r
            row.append(fmt_ratio(r))
        rows_out.append(row)
    lines = [table(header, rows_out)]
    for n in names:
        rss = results[n].get("rss_mb")
        lines.append(
            f"{n}: encoding {results[n]['position_encoding']}, "
            f"{results[n]['first_diagnostics']} diagnostics on open, publishes "
            + ("with" if results[n].get("publishes_with_version") else "WITHOUT")
            + " version"
            + (f", RSS {rss:.0f} MB" if rss else "")
            + "".join(
                f"; {feat} NOT SUPPORTED (not advertised, not timed)"
                for feat in ("completion", "hover")
                if not results[n].get(f"{feat}_supported", True)
            )
            + "".join(
                f"; {label}: NO ANSWER within the timeout (later document requests not timed)"
                for label in results[n].get("doc_timeouts", [])
            )
        )
    return "\n".join(lines), ratios


def _open_files(args: argparse.Namespace) -> list[tuple[str, Path, str]]:
    """The cold-open files, written beside the session file."""
    out: list[tuple[str, Path, str]] = []
    if args.open_runs <= 0:
        return out
    for label, kind, n in OPEN_FILES:
        base = DEFAULT_OUT if kind == "corpus" else SYNTHETIC_OUT
        path = base.with_name(f"{base.stem}-{n}.Dockerfile")
        text, _stats = ensure_big(path, n, kind=kind)
        out.append((label, path, text))
    return out


async def main_async(args: argparse.Namespace) -> int:
    text, stats = ensure_big(args.big, args.target, kind=args.kind)
    print(format_stats(stats))
    big = Path(stats.path)
    placed = build_files.place(big, text) if args.build_files else []
    try:
        return await _run(args, text, stats, big, placed)
    finally:
        build_files.remove(placed)


async def _run(
    args: argparse.Namespace, text: str, stats: Any, big: Path, placed: list[Path]
) -> int:
    open_files = _open_files(args)
    encodings = tuple(args.position_encodings.split(","))
    names = [args.only] if args.only else ["dockerls", "peer"]
    results: dict[str, dict[str, Any]] = {}
    errors: dict[str, str] = {}
    for name in names:
        cmd = SERVERS[name]
        if name == "peer" and not Path(PEER_COMMAND[1]).exists():
            errors[name] = "peer not installed: run `npm ci --prefix bench` (or npm install)"
            print(f"\n!! {name}: {errors[name]}", file=sys.stderr)
            continue
        print(f"\n== {name}: {' '.join(cmd)}", flush=True)
        sc_on = name == "dockerls" and bool(args.shellcheck)
        # ShellCheck on is the default setting ("auto": on when installed, as here), so
        # dockerls gets what an editor with default settings sends; off is a setting
        enabled: str | bool = "auto" if sc_on else False
        init_options = {"shellcheck": {"enabled": enabled}} if name == "dockerls" else None
        try:
            opens = await bench_opens(
                name, cmd, open_files, args.open_runs, encodings, init_options
            )
            results[name] = await bench_one(
                name,
                cmd,
                big,
                text,
                args.edits,
                args.requests,
                args.warmup,
                encodings,
                init_options,
                args.doc_requests,
                args.doc_timeout,
                await_shellcheck=sc_on,
            )
            results[name]["opens"] = opens
            r = results[name]
            print(
                f"   keystroke median {fmt_ms(r['keystroke']['median'])} "
                f"(first byte {fmt_ms(r['keystroke_first_byte']['median'])}), "
                f"completion {fmt_ms(r['completion']['median'])}, "
                f"hover {fmt_ms(r['hover']['median'])}",
                flush=True,
            )
        except (ServerExited, TimeoutError, OSError, Exception) as exc:
            errors[name] = f"{type(exc).__name__}: {exc}"
            print(f"!! {name} failed: {errors[name]}", file=sys.stderr)
            if args.verbose:
                traceback.print_exc()
    summary, ratios = report(results) if results else ("", {})
    if summary:
        print("\n" + summary)
    data = {
        "benchmark": "server",
        "environment": environment(),
        "big_file": {k: v for k, v in vars(stats).items() if k != "sources"},
        "settings": {
            "edits": args.edits,
            "requests": args.requests,
            "warmup": args.warmup,
            "position_encodings": args.position_encodings,
            "kind": args.kind,
            "shellcheck": bool(args.shellcheck),
            "open_runs": args.open_runs,
            "build_files": [p.name for p in placed],
        },
        "results": results,
        "ratios_dockerls_over_peer": ratios,
        "errors": errors,
    }
    out = write_json(data, args.json, "server")
    if note := load_note():
        print(note)
    print(f"\nJSON: {out}")
    return 1 if errors else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="dockerls vs peer editor latency")
    ap.add_argument("--only", choices=sorted(SERVERS), help="benchmark one server only")
    ap.add_argument("--edits", type=int, default=30, help="timed one-character edits (30)")
    ap.add_argument(
        "--requests", type=int, default=None, help="completion and hover requests each (= --edits)"
    )
    ap.add_argument("--warmup", type=int, default=2, help="untimed warm-up rounds (2)")
    ap.add_argument(
        "--doc-requests",
        type=int,
        default=10,
        help="timed whole-document requests of each kind (symbols, folding...), 10",
    )
    ap.add_argument(
        "--doc-timeout",
        type=float,
        default=60.0,
        help="seconds to wait for a whole-document answer before giving up (60)",
    )
    ap.add_argument("--json", help="write results here (default bench/results/server-*.json)")
    ap.add_argument("--big", type=Path, default=None, help="where to write the session file")
    ap.add_argument(
        "--kind",
        choices=KINDS,
        default="synthetic",
        help="the session file: make_big.py's synthetic file (default) or the corpus-built one",
    )
    ap.add_argument(
        "--open-runs",
        type=int,
        default=3,
        help="fresh processes per cold-open file (1,000 / 5,000 corpus-built, 5,000 synthetic), 3",
    )
    ap.add_argument(
        "--target", type=int, default=DEFAULT_TARGET, help="instructions in the big file"
    )
    ap.add_argument(
        "--position-encodings",
        default=",".join(DEFAULT_POSITION_ENCODINGS),
        help="client's general.positionEncodings, comma-separated (utf-16)",
    )
    ap.add_argument(
        "--shellcheck",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="run dockerls with ShellCheck on (the default; --no-shellcheck: off)",
    )
    ap.add_argument(
        "--build-files",
        action="store_true",
        help="place a Compose and a Bake file building the session file beside it",
    )
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    if args.requests is None:
        args.requests = args.edits
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    raise SystemExit(main())
