"""The build context on disk: `.dockerignore` and a capped file listing.

This is the IO side of the context-aware checks (CopyIgnoredFile, DLS120
CopySourceMissing).  It builds an immutable
:class:`~dockerls.analysis.dockerignore.ContextInfo` that the server and the
CLI pass to the engine as ``Facts.context``; rules only read that object and
stay silent when it is absent.

* The ignore file is ``<Dockerfile>.dockerignore`` next to the Dockerfile when
  it exists (BuildKit prefers it), else ``<context>/.dockerignore``.
* The listing is built lazily (only when asked), walks at most
  ``max_entries`` files and directories, and skips directories the ignore
  file excludes when it has no ``!`` exceptions.
* :class:`ContextLoader` caches one snapshot per (context, Dockerfile) and
  rebuilds it when the ignore file's or the context folder's mtime changes,
  or after ``ttl`` seconds (deep changes do not touch the folder's mtime).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from dockerls import probe
from dockerls.analysis.builds import Build
from dockerls.analysis.dockerignore import (
    ContextInfo,
    IgnoreMatcher,
    IgnoreProblem,
    entries_with_parents,
    parse_dockerignore,
)

log = logging.getLogger(__name__)

DEFAULT_MAX_ENTRIES = 20_000


def find_ignore_file(
    context_dir: str | os.PathLike[str], dockerfile: str | os.PathLike[str] | None = None
) -> Path | None:
    """The `.dockerignore` BuildKit would use for this build."""
    if dockerfile is not None:
        df = Path(dockerfile)
        specific = df.with_name(df.name + ".dockerignore")
        if probe.is_file(specific):
            return specific
    general = Path(context_dir) / ".dockerignore"
    return general if probe.is_file(general) else None


def read_ignore(path: Path | None) -> tuple[IgnoreMatcher | None, tuple[IgnoreProblem, ...]]:
    if path is None:
        return None, ()
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        log.warning("cannot read %s: %s", path, exc)
        return None, ()
    pats, problems = parse_dockerignore(text)
    return IgnoreMatcher(pats), problems


def list_context(
    root: str | os.PathLike[str],
    ignore: IgnoreMatcher | None = None,
    max_entries: int = DEFAULT_MAX_ENTRIES,
) -> tuple[frozenset[str], bool]:
    """Relative slash paths of files and directories under ``root``, and
    whether the walk finished under the cap.  Symlinks are listed, never
    followed."""
    prune = ignore is not None and not ignore.exclusions
    out: list[str] = []
    stack: list[tuple[str, str]] = [(os.fspath(root), "")]
    while stack:
        path, rel = stack.pop()
        try:
            with os.scandir(path) as it:
                entries = list(it)
        except (OSError, ValueError):  # ValueError: a NUL character in a context's path
            continue
        for e in entries:
            r = f"{rel}{e.name}"
            if prune and ignore is not None and ignore.matches(r):
                continue
            out.append(r)
            if len(out) >= max_entries:
                return entries_with_parents(out), False
            try:
                is_dir = e.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                stack.append((e.path, r + "/"))
    return entries_with_parents(out), True


def load_context(
    context_dir: str | os.PathLike[str],
    dockerfile: str | os.PathLike[str] | None = None,
    *,
    list_files: bool = True,
    max_entries: int = DEFAULT_MAX_ENTRIES,
    assumed: bool = False,
) -> ContextInfo:
    """Read the ignore file and (optionally) list the context, uncached.
    ``assumed``: the caller was not told the context and took the
    Dockerfile's folder (see :class:`ContextInfo`)."""
    ignore_path = find_ignore_file(context_dir, dockerfile)
    ignore, problems = read_ignore(ignore_path)
    entries: frozenset[str] | None = None
    complete = True
    if list_files and probe.is_dir(context_dir):
        entries, complete = list_context(context_dir, ignore, max_entries)
    return ContextInfo(
        root=os.fspath(context_dir),
        ignore=ignore,
        ignore_file=os.fspath(ignore_path) if ignore_path else None,
        entries=entries,
        complete=complete,
        problems=problems,
        assumed=assumed,
    )


def _mtime(p: Path | None) -> int:
    if p is None:
        return -1
    try:
        return p.stat().st_mtime_ns
    except (OSError, ValueError):  # ValueError: a NUL character in the path
        return -1


@dataclass
class _Entry:
    stamp: tuple[object, ...]
    made: float
    info: ContextInfo


def contexts_lister(
    context_dirs: Iterable[str | os.PathLike[str]],
    dockerfile: str | os.PathLike[str] | None = None,
) -> Callable[[str], list[tuple[str, bool]]]:
    """:func:`context_lister` over several build contexts (one per build): their entries
    together, each name once."""
    dirs = dict.fromkeys(os.fspath(d) for d in context_dirs)
    listers = [context_lister(d, dockerfile) for d in dirs]
    if len(listers) == 1:
        return listers[0]

    def list_dir(rel: str) -> list[tuple[str, bool]]:
        seen: dict[str, bool] = {}
        for lister in listers:
            for name, is_dir in lister(rel):
                seen[name] = seen.get(name, False) or is_dir
        return list(seen.items())

    return list_dir


def _nothing(rel: str) -> list[tuple[str, bool]]:
    """The listing of a context no folder can be."""
    return []


def context_lister(
    context_dir: str | os.PathLike[str],
    dockerfile: str | os.PathLike[str] | None = None,
    *,
    limit: int = 500,
    ignore: bool = True,
) -> Callable[[str], list[tuple[str, bool]]]:
    """``list_dir(relative_dir) -> [(name, is_dir)]`` inside the build context,
    leaving out anything outside the context and what the ignore file excludes (read
    on the first call; ``ignore=False``: all of it, as for the Dockerfile, which an
    ignore file often names but the build reads all the same)."""
    if "\0" in os.fspath(context_dir):  # no folder's path holds one: nothing to list
        return _nothing
    root = os.path.realpath(context_dir)
    matcher: list[IgnoreMatcher | None] = [] if ignore else [None]

    def list_dir(rel: str) -> list[tuple[str, bool]]:
        if not matcher:
            try:
                matcher.append(read_ignore(find_ignore_file(root, dockerfile))[0])
            except OSError:
                matcher.append(None)
        if "\0" in rel:  # no file's path holds one (realpath raises ValueError)
            return []
        base = os.path.realpath(os.path.join(root, rel))
        if os.path.commonpath([root, base]) != root:
            return []
        out: list[tuple[str, bool]] = []
        try:
            with os.scandir(base) as it:
                for e in it:
                    path = f"{rel.strip('/')}/{e.name}" if rel.strip("/") else e.name
                    m = matcher[0]
                    if m is not None and m.matches(path):
                        continue
                    out.append((e.name, e.is_dir()))
                    if len(out) >= limit:
                        break
        except OSError:
            return []
        return out

    return list_dir


class ContextLoader:
    """Cached :func:`load_context`; one instance per server/CLI run."""

    def __init__(self, *, max_entries: int = DEFAULT_MAX_ENTRIES, ttl: float = 5.0) -> None:
        self.max_entries = max_entries
        self.ttl = ttl
        self._cache: dict[tuple[str, str, bool], _Entry] = {}

    def get(
        self,
        context_dir: str | os.PathLike[str],
        dockerfile: str | os.PathLike[str] | None = None,
        *,
        assumed: bool = False,
    ) -> ContextInfo:
        key = (
            os.fspath(context_dir),
            os.fspath(dockerfile) if dockerfile is not None else "",
            assumed,
        )
        ignore_path = find_ignore_file(context_dir, dockerfile)
        stamp = (
            os.fspath(ignore_path) if ignore_path else None,
            _mtime(ignore_path),
            _mtime(Path(context_dir)),
        )
        now = time.monotonic()
        hit = self._cache.get(key)
        if hit is not None and hit.stamp == stamp and now - hit.made < self.ttl:
            return hit.info
        info = load_context(context_dir, dockerfile, max_entries=self.max_entries, assumed=assumed)
        self._cache[key] = _Entry(stamp, now, info)
        return info

    def for_builds(
        self, builds: Iterable[Build], dockerfile: str | os.PathLike[str]
    ) -> dict[str, ContextInfo]:
        """The build context of each build that names one (``Facts.contexts``), with the
        ignore file BuildKit picks for it (``<Dockerfile>.dockerignore`` first)."""
        out: dict[str, ContextInfo] = {}
        for b in builds:
            if b.context is None:
                continue
            try:
                out[b.name] = self.get(b.context, dockerfile)
            except OSError as exc:
                log.info("build context %s of %s unreadable: %s", b.context, b.name, exc)
        return out

    def invalidate(self) -> None:
        self._cache.clear()


__all__ = [
    "DEFAULT_MAX_ENTRIES",
    "ContextInfo",
    "ContextLoader",
    "context_lister",
    "contexts_lister",
    "find_ignore_file",
    "list_context",
    "load_context",
    "read_ignore",
]
