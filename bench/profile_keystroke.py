"""Where a keystroke's publish spends its time, in-process: the server's own handlers.

Drives the one ``DockerLanguageServer`` of ``dockerls.server`` without a client:
initialize (ShellCheck on unless ``--no-shellcheck``), open a big file of
``make_big.py``, let ShellCheck's first run land, then make the one-character
edits of ``sites.py`` (insert, then delete) through the ``didChange`` handler
and run the publish each schedules; optionally the whole-document requests
after each edit (``--doc-requests``: document symbols, semantic tokens).  The
publish is written to a sink, not a pipe.  Prints the median CPU time per
publish and per request; ``--profile`` prints cProfile's top entries of the
timed part instead.

Usage: ``python bench/profile_keystroke.py [--kind synthetic|corpus] [--edits N]
[--no-shellcheck] [--doc-requests] [--profile --top N --sort KEY]``
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lsp_client import client_capabilities
from lsprotocol import converters
from lsprotocol import types as lsp
from make_big import DEFAULT_OUT, DEFAULT_TARGET, KINDS, SYNTHETIC_OUT, ensure_big
from sites import EDIT_SITES, FRACTIONS

from dockerls import server as srv
from dockerls.features.positions import position_of


class _Sink:
    """Stands in for the client's end of stdout."""

    def __init__(self) -> None:
        self.bytes = 0

    def write(self, data: bytes) -> None:
        self.bytes += len(data)


async def _settle(server: srv.DockerLanguageServer) -> None:
    """Run what the loop has scheduled (publishes) and wait for ShellCheck's runs."""
    for _ in range(100_000):
        await asyncio.sleep(0.01 if server.sc_running else 0)
        if not server.sc_running and not server.scheduled:
            await asyncio.sleep(0)
            if not server.sc_running and not server.scheduled:
                return


def _change(uri: str, version: int, p: Any, start: int, end: int, text: str) -> Any:
    rng = lsp.Range(position_of(p, start), position_of(p, end))
    return lsp.DidChangeTextDocumentParams(
        lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
        [lsp.TextDocumentContentChangePartial(range=rng, text=text)],
    )


async def session(args: argparse.Namespace) -> dict[str, list[float]]:
    big = Path(args.big) if args.big else SYNTHETIC_OUT if args.kind == "synthetic" else DEFAULT_OUT
    text, stats = ensure_big(big, args.target, kind=args.kind)
    print(f"== {args.kind}: {stats.instructions} instructions, {stats.stages} stages")
    server = srv.SERVER
    server.protocol.set_writer(_Sink())  # type: ignore[arg-type]
    server.loop = asyncio.get_running_loop()
    options = {"shellcheck": {"enabled": args.shellcheck}}
    # the benchmark client's capabilities (hierarchical symbols, semantic tokens...)
    caps = converters.get_converter().structure(client_capabilities(), lsp.ClientCapabilities)
    params = lsp.InitializeParams(caps, initialization_options=options)
    for _step in server.protocol.lsp_initialize(params):  # pygls's part: the workspace
        pass
    server.start(params)
    uri = big.resolve().as_uri()
    srv.did_open(
        server, lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "dockerfile", 1, text))
    )
    await _settle(server)
    times: dict[str, list[float]] = {"publish": [], "symbols": [], "tokens": []}
    prof = cProfile.Profile() if args.profile else None
    clock = time.process_time
    version = 1
    for j in range(args.warmup + args.edits):
        site = EDIT_SITES[j % len(EDIT_SITES)]
        fraction = FRACTIONS[(j // len(EDIT_SITES)) % len(FRACTIONS)]
        snap = server.store.get(uri)
        assert snap is not None
        offset = site.locate(snap.text, fraction)
        for start, end, new in ((offset, offset, site.char), (offset, offset + 1, "")):
            timed = j >= args.warmup
            p = server.store.get(uri).parse  # type: ignore[union-attr]
            version += 1
            params = _change(uri, version, p, start, end, new)
            if prof is not None and timed:
                prof.enable()
            t0 = clock()
            srv.did_change(server, params)
            server.publish(uri)
            t1 = clock()
            if args.doc_requests:
                ident = lsp.TextDocumentIdentifier(uri)
                srv.document_symbol(server, lsp.DocumentSymbolParams(ident))
                t2 = clock()
                srv.semantic_tokens_full(server, lsp.SemanticTokensParams(ident))
                t3 = clock()
            if prof is not None and timed:
                prof.disable()
            if timed:
                times["publish"].append((t1 - t0) * 1e3)
                if args.doc_requests:
                    times["symbols"].append((t2 - t1) * 1e3)
                    times["tokens"].append((t3 - t2) * 1e3)
            await _settle(server)  # ShellCheck's run for an edited script, its publish
    if prof is not None:
        pstats.Stats(prof).sort_stats(args.sort).print_stats(args.top)
    return times


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kind", choices=KINDS, default="synthetic")
    ap.add_argument("--target", type=int, default=DEFAULT_TARGET)
    ap.add_argument("--big", help="the session file's path (its folder is the build context)")
    ap.add_argument("--edits", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--shellcheck", action=argparse.BooleanOptionalAction, default=True)
    ap.add_argument("--doc-requests", action="store_true", help="symbols and tokens per edit")
    ap.add_argument("--profile", action="store_true", help="print cProfile's top entries")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--sort", default="tottime", help="cProfile sort key (tottime)")
    args = ap.parse_args(argv)
    logging.getLogger("dockerls").setLevel(logging.ERROR)  # the registry is out of reach here
    times = asyncio.run(session(args))
    for name, values in times.items():
        if values:
            print(
                f"  {name:8} median {statistics.median(values):7.2f} ms CPU, "
                f"max {max(values):7.2f} ms ({len(values)} runs)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
