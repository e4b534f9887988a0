"""The builds a workspace knows: its Compose and Bake files, the editor's and the CLI's inputs.

``WorkspaceBuilds`` scans workspace folders for Compose and Bake files (bounded: folder depth,
folder entries looked at, time), reads each project with :func:`read_compose` and
:func:`read_bake`, and answers which builds use a Dockerfile (``builds_for``).  A build given
directly (``settings`` from the editor's ``build.*`` settings, ``cli`` from ``dockerls check
--build-arg ... --target ...``) applies to every Dockerfile.  The scan happens on first use;
``reload``/``forget`` re-read one project when one of its files changed and say which
Dockerfiles that touched, so the caller can check them again.

This is the IO side of ``Facts.builds``: the server's document store and ``cli_check`` ask it,
rules only ever see the ``Build`` values.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dockerls.analysis import forked
from dockerls.analysis.builds import Build, Problem
from dockerls.builds import (
    BAKE_FILES,
    BAKE_OVERRIDES,
    COMPOSE_FILES,
    COMPOSE_OVERRIDES,
    resolved,
)

if TYPE_CHECKING:
    from dockerls.settings import BuildSettings

__all__ = [
    "BUILD_FILE_NAMES",
    "ScanLimits",
    "WorkspaceBuilds",
    "affects_builds",
    "direct_build",
]

log = logging.getLogger(__name__)

BUILD_FILE_NAMES = frozenset((*COMPOSE_FILES, *COMPOSE_OVERRIDES, *BAKE_FILES, *BAKE_OVERRIDES))
"""Names of the files that make a folder a Compose or Bake project."""

# seconds a prefetched scan may take beyond the search's own time limit (reading the files)
PREFETCH_GRACE = 3.0
# folders never searched: version control, dependencies, caches
_SKIP = frozenset({"node_modules", "__pycache__", "venv", "site-packages", "target", "dist"})


@dataclass(frozen=True, slots=True)
class ScanLimits:
    """Bounds of the workspace scan (settings ``build.scan.*``)."""

    enabled: bool = True
    max_depth: int = 4
    max_files: int = 20000
    time_limit_ms: int = 2000


def affects_builds(path: Path, extra: Iterable[Path] = ()) -> bool:
    """Whether a change to ``path`` can change a build: a Compose or Bake file, an extra
    Compose file named in the settings, or a project's ``.env``."""
    return path.name in BUILD_FILE_NAMES or path.name == ".env" or path in set(extra)


def direct_build(
    name: str,
    args: Mapping[str, str],
    target: str | None,
    platform: str | None,
    context: str | None,
    base: Path | None = None,
    contexts: Mapping[str, str] | None = None,
) -> Build | None:
    """The build given by the editor's settings or the CLI's flags (None when they give none).
    It names no Dockerfile: it applies to every Dockerfile checked.  A relative ``context``
    is taken from ``base`` (the workspace folder; the current folder by default);
    ``contexts`` are its named build contexts (``--build-context``)."""
    if not args and target is None and platform is None and context is None and not contexts:
        return None
    folder = resolved(base or Path.cwd(), context) if context else None
    if context and folder is None:  # a NUL character or a symlink loop: no folder at all
        log.warning("the build context %r can't be a folder: left out", context)
    return Build(
        name=name,
        dockerfile=None,
        context=str(folder) if folder else None,
        args=dict(args),
        target=target or None,
        platforms=(platform,) if platform else (),
        contexts=dict(contexts or {}),
    )


@dataclass
class _Project:
    builds: list[Build]
    problems: list[Problem]


class WorkspaceBuilds:
    """Builds found under ``roots`` plus ``direct`` builds that apply to every Dockerfile."""

    def __init__(
        self,
        roots: Sequence[Path],
        *,
        direct: Sequence[Build] = (),
        compose_files: Sequence[str] = (),
        limits: ScanLimits = ScanLimits(),
    ) -> None:
        self.roots = [Path(r) for r in roots]
        self.direct = tuple(direct)
        self.limits = limits
        first = self.roots[0] if self.roots else Path.cwd()
        self.extra = [p if p.is_absolute() else first / p for p in map(Path, compose_files)]
        self._projects: dict[Path, _Project] | None = None
        # the project folders found by prefetch, and their reading on the second CPU
        self._pending: tuple[list[Path], forked.Pending | None] | None = None
        self.truncated = False  # the last scan stopped at a limit

    @classmethod
    def from_settings(cls, s: BuildSettings, roots: Sequence[Path]) -> WorkspaceBuilds:
        """The server's builds: the workspace folders' files (``build.scan``,
        ``build.composeFiles``) and the ``settings`` build (``build.args``, ``.target``, ...)."""
        first = roots[0] if roots else None
        direct = direct_build(
            "settings", s.args, s.target, s.platform, s.context, first, contexts=s.contexts
        )
        sc = s.scan
        return cls(
            roots,
            direct=() if direct is None else (direct,),
            compose_files=s.compose_files,
            limits=ScanLimits(sc.enabled, sc.max_depth, sc.max_files, sc.time_limit_ms),
        )

    # -- the scan -----------------------------------------------------------
    def prefetch(self) -> None:
        """Find the projects now, and read them on the second CPU (where there is one)
        while the caller goes on: the first answer takes the result.  Reading Compose
        and Bake files loads PyYAML and python-hcl2 (a tenth of a second): the server
        starts this right after the initialize reply, so that the first Dockerfile,
        opened, parsed and linted meanwhile, doesn't wait for it, and the readers load
        in this process only once a Compose or Bake file is opened or changes.  A
        workspace without build files forks nothing (a fork costs the caller some
        milliseconds: every page it shared, it copies or takes back when it writes)."""
        if self._projects is not None or self._pending is not None or not forked.available():
            return
        folders = self._folders()
        if not folders:
            self._projects = {}
            return
        limit = self.limits.time_limit_ms / 1000 + PREFETCH_GRACE
        self._pending = (folders, forked.start(lambda: self._read_all(folders), limit))

    def _scan(self) -> dict[Path, _Project]:
        if self._projects is not None:
            return self._projects
        if self._pending is not None:  # prefetched: the child's reading, else read here
            (folders, pending), self._pending = self._pending, None
            got = pending.result() if pending is not None else None
            self._projects = got if got is not None else self._read_all(folders)
        else:
            self._projects = self._read_all(self._folders())
        return self._projects

    def _folders(self) -> list[Path]:
        """The project folders: those the search finds (``truncated`` says whether it
        stopped at a limit), then those of the extra Compose files."""
        self.truncated = False
        found = self._project_folders() if self.limits.enabled else []
        return [*found, *sorted({p.parent for p in self.extra} - set(found))]

    def _read_all(self, folders: Sequence[Path]) -> dict[Path, _Project]:
        return {folder: self._read(folder) for folder in folders}

    def _project_folders(self) -> list[Path]:
        """Folders holding a Compose or Bake file, breadth first, within the limits."""
        deadline = time.monotonic() + self.limits.time_limit_ms / 1000
        seen = 0
        found: list[Path] = []
        queue: list[tuple[Path, int]] = [(r, 0) for r in self.roots]
        while queue:
            folder, depth = queue.pop(0)
            try:
                entries = list(os.scandir(folder))
            except OSError as exc:
                log.info("build scan: %s unreadable: %s", folder, exc)
                continue
            seen += len(entries)
            if seen > self.limits.max_files or time.monotonic() > deadline:
                self.truncated = True
                log.info("build scan stopped at %s (limits in build.scan.*)", folder)
                break
            if any(e.name in BUILD_FILE_NAMES for e in entries):
                found.append(folder)
            if depth < self.limits.max_depth:
                queue.extend(
                    (Path(e.path), depth + 1)
                    for e in entries
                    if not e.name.startswith(".") and e.name not in _SKIP and _is_dir(e)
                )
        return found

    def _read(self, folder: Path) -> _Project:
        # the readers (and PyYAML) load with the first project that has build files
        from dockerls.builds.bake import read_bake
        from dockerls.builds.compose import read_compose

        extra = [str(p) for p in self.extra if p.parent == folder]
        try:
            compose, problems = read_compose(folder, extra)
            bake, bake_problems = read_bake(folder)
        except Exception:  # a reader must never take the server down
            log.exception("reading the build files of %s failed", folder)
            return _Project([], [Problem(f"{folder}: the build files could not be read")])
        return _Project([*compose, *bake], [*problems, *bake_problems])

    # -- answers ------------------------------------------------------------
    def builds_for(self, dockerfile: Path) -> tuple[Build, ...]:
        """The builds whose Dockerfile is ``dockerfile``, then the direct builds."""
        try:
            key = str(dockerfile.resolve())
        except (OSError, RuntimeError):
            key = str(dockerfile)
        found = [b for p in self._scan().values() for b in p.builds if b.dockerfile == key]
        return (*found, *self.direct)

    def all_builds(self) -> list[Build]:
        """Every build read from the workspace's files."""
        return [b for p in self._scan().values() for b in p.builds]

    def build_files(self) -> list[Path]:
        """The Compose and Bake files (and extra Compose files) of the known projects."""
        out: list[Path] = []
        for folder in self._scan():
            try:
                out += sorted(p for p in folder.iterdir() if p.name in BUILD_FILE_NAMES)
            except OSError:
                continue
        out += [p for p in self.extra if p.is_file() and p not in out]
        return out

    @property
    def problems(self) -> dict[Path, list[Problem]]:
        """What could not be read or evaluated, per project folder."""
        return {folder: p.problems for folder, p in self._scan().items() if p.problems}

    def reload(self, path: Path) -> list[Path]:
        """``path`` (a Compose, Bake or ``.env`` file) changed or appeared: read its project
        again.  Returns the Dockerfiles whose builds may have changed."""
        projects = self._scan()
        folder = path.parent
        before = projects.get(folder)
        after = self._read(folder)
        if self._holds_build_file(folder):
            projects[folder] = after
        else:
            projects.pop(folder, None)
        return _affected(before, after)

    def forget(self, path: Path) -> list[Path]:
        """``path`` was deleted: read its project again without it (or drop the project)."""
        return self.reload(path)

    def _holds_build_file(self, folder: Path) -> bool:
        try:
            return any(p.name in BUILD_FILE_NAMES for p in folder.iterdir()) or any(
                p.parent == folder for p in self.extra
            )
        except OSError:
            return False


def _affected(before: _Project | None, after: _Project) -> list[Path]:
    paths = {b.dockerfile for b in (before.builds if before else [])}
    paths |= {b.dockerfile for b in after.builds}
    return sorted(Path(p) for p in paths if p)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False
