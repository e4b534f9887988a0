"""Memory stays flat while editing: a bounded soak over stdio.

``bench/bench_soak.py``'s session, shorter: corpus Dockerfiles plus one long
RUN (about 11 KB of shell), 400 random edits inside that RUN with ShellCheck
on, each waiting for its diagnostics.  Every edit makes a new version of the
long script (its instruction node, shell view, ShellCheck job and findings):
caches that keep old versions grow by hundreds of KB an edit.  The soaked
server must end within the benchmark's budget over a fresh server holding the
final text: 1.5 x its RSS + 30 MB.  RSS is compared, never time.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.support import REPO, bench_module, corpus_files

soak = bench_module("bench_soak")

MARKER = "RUN set -e; # soak\\\n    "
EDITS = 400
WORDS = (" x", " --flag", " $HOME", ' "${PATH}"', " && echo hi", " | tee /tmp/log", "; ls")


def _text() -> str:
    corpus_files()  # fails the test when ../shared/corpus is missing
    base = soak.soak_text(target=100)
    script = " && ".join(
        f'apt-get install -y --no-install-recommends "pkg{i}" $VAR{i} | tee /tmp/x{i}'
        for i in range(150)
    )
    return base + "\nFROM debian:12\n" + MARKER + script + "\n"


async def test_memory_after_editing_stays_near_a_fresh_server(tmp_path: Path) -> None:
    assert os.path.exists("/proc/self/status"), "RSS is read from /proc (Linux)"
    result = await soak.run_soak(
        _text(),
        EDITS,
        every=100,
        cwd=REPO,
        workspace=tmp_path,
        marker=MARKER,
        words=WORDS,
        timeout=180,
    )
    curve = [(n, round(rss / soak.MB)) for n, rss in result.curve]
    limit = soak.budget(result.fresh_rss)
    assert result.final_rss <= limit, (
        f"after {EDITS} edits {result.final_rss / soak.MB:.0f} MB; a fresh server "
        f"{result.fresh_rss / soak.MB:.0f} MB, budget {limit / soak.MB:.0f} MB; curve {curve}"
    )
