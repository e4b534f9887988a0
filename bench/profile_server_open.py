"""Where a cold open of a big file spends its time inside the server, step by step.

Each run starts ``python -m dockerls serve`` wrapped by this script (``--serve``): the
server's own steps are timed with wall-clock marks (and this process's CPU time for its
part of a split lint), written to a file when the publish is written.  The client is the
benchmarks' (``bench_server.bench_open``: initialize, then the didOpen of a file of
``make_big.py``).  Prints the median of each step, from the moment the server reads the
didOpen, and the client's time to the publish's first byte:

- ``start() after the reply``: the rest of ``start()``, which the didOpen waits behind;
- ``open (parse, rule registry)``: ``DocumentStore.open``;
- ``facts``: the first publish's outside facts (the model, lifecycle data...);
- ``plan and fork``: the lint up to the split's fork;
- ``this process's part`` (and its CPU time): the parent's share of the split lint;
- ``the child's part, read``: waiting for and unpickling the child's results;
- ``JSON and write``: the rest, to the publish written.

The marks cost a few microseconds each.  The client's time holds more than the steps: the
didOpen's reading and decoding, and what runs between them.  Usage:
``python bench/profile_server_open.py [--kind synthetic|corpus] [--runs N]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

MARKS_ENV = "DOCKERLS_BENCH_MARKS"
STEPS = (
    ("start() after the reply", "start<", "start>"),
    ("open (parse, rule registry)", "open<", "open>"),
    ("facts", "facts<", "facts>"),
    ("plan and fork", "facts>", "fork>"),
    ("this process's part", "fork>", "here>"),
    ("the child's part, read", "here>", "collect>"),
    ("JSON and write", "collect>", "written"),
)


def serve_with_marks() -> int:
    """``dockerls serve`` with its steps timed (the ``--serve`` mode: run by the client)."""
    marks: list[tuple[str, float]] = []
    cpu: list[float] = []

    def mark(name: str) -> None:
        marks.append((name, time.perf_counter()))

    def timed(owner: Any, name: str, before: str, after: str) -> None:
        original = getattr(owner, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            mark(before)
            try:
                return original(*args, **kwargs)
            finally:
                mark(after)

        setattr(owner, name, wrapper)

    import gc

    gc.disable()  # as `dockerls serve` starts (cli._serve), before the server's modules load
    import dockerls.server as srv

    def after_start() -> None:
        """Wrap the engine's steps once ``start()`` has loaded it."""
        from dockerls import documents
        from dockerls.analysis import engine, forked

        timed(documents.DocumentStore, "open", "open<", "open>")
        timed(srv.DockerLanguageServer, "facts_for", "facts<", "facts>")

        def both(child: Any, here: Any) -> Any:
            spawned = forked._spawn(child)
            mark("fork>")
            if spawned is None:
                return here(), None
            pid, fd = spawned
            c0 = time.process_time()
            mine = here()
            mark("here>")
            cpu.append((time.process_time() - c0) * 1e3)
            got = forked._collect(pid, fd, time.monotonic() + forked.GRACE + 5)
            mark("collect>")
            return mine, got

        engine.forked.both = both  # type: ignore[attr-defined]
        original = srv.DockerLanguageServer.publish_raw

        def publish_raw(self: Any, *args: Any) -> None:
            original(self, *args)
            mark("written")
            opened = next((t for n, t in marks if n == "didOpen"), None)
            if opened is not None:
                out = {n: (t - opened) * 1e3 for n, t in marks}
                out["cpu"] = cpu[0] if cpu else float("nan")
                with open(os.environ[MARKS_ENV], "a", encoding="utf-8") as f:
                    f.write(json.dumps(out) + "\n")
            marks.clear()
            cpu.clear()

        srv.DockerLanguageServer.publish_raw = publish_raw  # type: ignore[method-assign]

    start = srv.DockerLanguageServer.start

    def start_marked(self: Any, params: Any) -> None:
        mark("start<")
        start(self, params)
        mark("start>")
        after_start()

    srv.DockerLanguageServer.start = start_marked  # type: ignore[method-assign]
    handle = srv.DockerProtocol.handle_message

    def handle_marked(self: Any, message: Any) -> Any:
        if getattr(message, "method", None) == "textDocument/didOpen":
            mark("didOpen")
        return handle(self, message)

    srv.DockerProtocol.handle_message = handle_marked  # type: ignore[method-assign]
    from dockerls.cli import main

    return main(["serve"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kind", choices=("synthetic", "corpus"), default="synthetic")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.serve:
        return serve_with_marks()
    folder = Path(tempfile.mkdtemp(prefix="dockerls-open-"))
    marks_file = folder / "marks.jsonl"
    # before lsp_client reads the environment the servers get
    os.environ[MARKS_ENV] = str(marks_file)
    from bench_server import bench_open
    from make_big import DEFAULT_TARGET, ensure_big

    text, stats = ensure_big(None, DEFAULT_TARGET, kind=args.kind)
    path = folder / "Dockerfile"
    path.write_text(text, encoding="utf-8")
    cmd = [sys.executable, str(Path(__file__).resolve()), "--serve"]

    async def runs() -> list[float]:
        return [
            (await bench_open("dockerls", cmd, path, text, ("utf-16",), None))[1]
            for _ in range(args.runs)
        ]

    first_bytes = asyncio.run(runs())
    rows = [json.loads(line) for line in marks_file.read_text(encoding="utf-8").splitlines()]
    print(f"== {args.kind}: {stats.instructions} instructions, {len(rows)} of {args.runs} opens")
    for label, a, b in STEPS:
        spans = [r[b] - r[a] for r in rows if a in r and b in r]
        if spans:
            print(f"  {label:30} {statistics.median(spans):7.1f} ms")
    cpus = [r["cpu"] for r in rows if r.get("cpu") == r.get("cpu")]
    if cpus:
        print(f"  {'  its CPU time':30} {statistics.median(cpus):7.1f} ms")
    print(f"  {'client: didOpen -> first byte':30} {statistics.median(first_bytes):7.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
