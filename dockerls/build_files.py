"""The server's Compose and Bake files: the open ones (their buffers' texts), the builds
they define, and the Dockerfiles those builds use.

A Compose or Bake file is read with its project (the other Compose or Bake files of its
folder, and ``.env``), open buffers' texts in place of the files on disk.  A Dockerfile a
build uses is the open document when there is one, else the file on disk (parsed again only
when it changes).  ``features.buildfiles`` answers the requests from these values.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from dockerls.analysis.builds import Build, Problem, is_bake_file, is_build_file
from dockerls.analysis.model import build_model
from dockerls.builds import read_text
from dockerls.documents import DocumentStore
from dockerls.lazy import lazy_module
from dockerls.syntax.parser import parse
from dockerls.uris import uri_to_path

if TYPE_CHECKING:
    from dockerls.features import buildfiles as f_buildfiles
    from dockerls.features.buildfiles import BuildDoc, Dockerfile
else:  # read when a Compose or Bake file is: not on a Dockerfile's first publish
    f_buildfiles = lazy_module("dockerls.features.buildfiles")

__all__ = ["BuildFiles", "is_build_file"]

log = logging.getLogger(__name__)

_MAX_DOCKERFILE_BYTES = 5_000_000


class BuildFiles:
    """Open Compose/Bake documents and what is read for them."""

    def __init__(self, store: DocumentStore) -> None:
        self.store = store
        self.texts: dict[str, tuple[str, int | None]] = {}  # uri -> (text, version)
        self.paths: dict[Path, str] = {}  # path -> uri, for open build files
        self.read_cache: dict[str, tuple[tuple[Build, ...], tuple[Problem, ...]]] = {}
        self.disk: dict[Path, tuple[tuple[int, int], Dockerfile | None]] = {}
        self.recent: dict[Path, tuple[Build, ...]] = {}  # last builds read, per open file

    # -- open documents ---------------------------------------------------
    def update(self, uri: str, text: str, version: int | None) -> None:
        self.texts[uri] = (text, version)
        path = uri_to_path(uri)
        if path is not None:
            self.paths[path] = uri
        self.read_cache.clear()  # a project may read several open files

    def close(self, uri: str) -> None:
        self.texts.pop(uri, None)
        self.paths = {p: u for p, u in self.paths.items() if u != uri}
        self.recent = {p: b for p, b in self.recent.items() if p in self.paths}
        self.read_cache.clear()

    def is_open(self, uri: str) -> bool:
        return uri in self.texts

    def uris(self) -> list[str]:
        return list(self.texts)

    def version(self, uri: str) -> int | None:
        return self.texts[uri][1] if uri in self.texts else None

    def changed_on_disk(self) -> None:
        """Compose, Bake or ``.env`` files changed: read them again when next asked."""
        self.read_cache.clear()

    # -- reading ----------------------------------------------------------
    def read(self, path: Path) -> str:
        """A build file's text: its open buffer's, else the file's."""
        uri = self.paths.get(path)
        if uri is not None and uri in self.texts:
            return self.texts[uri][0]
        return read_text(path)

    def text_of(self, path: str) -> str | None:
        try:
            return self.read(Path(path))
        except (OSError, UnicodeDecodeError):
            return None

    def project(self, path: Path) -> tuple[tuple[Build, ...], tuple[Problem, ...]]:
        """The builds and problems of the project of the Compose or Bake file ``path``."""
        key = str(path)
        hit = self.read_cache.get(key)
        if hit is not None:
            return hit
        # the readers (and PyYAML, python-hcl2) load with the first build file
        from dockerls.builds.bake import read_bake
        from dockerls.builds.compose import read_compose

        try:
            if is_bake_file(path.name):
                builds, problems = read_bake(path.parent, extra=[key], read=self.read)
            else:
                builds, problems = read_compose(path.parent, extra=[key], read=self.read)
        except Exception:  # a reader must never take the server down
            log.exception("reading %s failed", path)
            builds, problems = [], []
        found = self.read_cache[key] = (tuple(builds), tuple(problems))
        return found

    def doc(self, uri: str) -> BuildDoc | None:
        """A Compose or Bake file: the open document, else the file (None: neither)."""
        path = uri_to_path(uri)
        text = self.texts[uri][0] if uri in self.texts else None
        if path is None or (text is None and (text := self.text_of(str(path))) is None):
            return None
        builds, problems = self.project(path)
        if builds:
            self.recent[path] = builds
        recent = self.recent.get(path, ())
        wanted = {b.dockerfile for b in builds + recent if b.dockerfile}
        dockerfiles = {d: self.dockerfile(d) for d in wanted}
        return f_buildfiles.BuildDoc(str(path), text, builds, problems, dockerfiles, recent)

    def dockerfile(self, path_text: str) -> Dockerfile | None:
        """The Dockerfile at ``path_text``: the open document, else the file (None: it
        can't be read)."""
        path = Path(path_text)
        for uri in self.store.uris():
            snap = self.store.get(uri)
            if snap is not None and snap.path is not None and _same(snap.path, path):
                return f_buildfiles.Dockerfile(uri, snap.parse, snap.model, path_text)
        try:
            st = path.stat()
            key = (st.st_mtime_ns, st.st_size)
            hit = self.disk.get(path)
            if hit is not None and hit[0] == key:
                return hit[1]
            if st.st_size > _MAX_DOCKERFILE_BYTES or not path.is_file():
                return None
            p = parse(path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            return None
        found = f_buildfiles.Dockerfile(path.as_uri(), p, build_model(p), path_text)
        self.disk[path] = (key, found)
        return found

    def builds_for(self, dockerfile: Path) -> list[Build]:
        """The builds that use ``dockerfile``: the open Compose/Bake files' (their buffers'
        texts), then the workspace's from the other projects."""
        out: list[Build] = []
        read: set[tuple[str, str]] = set()  # (folder, build name) read from open buffers
        for path in list(self.paths):
            builds, _ = self.project(path)
            read |= {(str(path.parent), b.name) for b in builds}
            out += [b for b in builds if b.dockerfile == str(dockerfile) and b not in out]
        for build in self.store.builds.builds_for(dockerfile):
            where = build.origin
            if where is not None and (str(Path(where.path).parent), build.name) not in read:
                out.append(build)
        return out

    def open_using(self, dockerfiles: Iterable[Path]) -> list[str]:
        """The open Compose/Bake documents whose builds use one of ``dockerfiles``."""
        wanted = {str(p) for p in dockerfiles}
        return [
            uri
            for path, uri in self.paths.items()
            if any(b.dockerfile in wanted for b in self.project(path)[0])
        ]


def _same(path: Path, resolved: Path) -> bool:
    """``path`` (as the editor names it) is the file at ``resolved``."""
    if path == resolved:
        return True
    try:
        return path.resolve() == resolved
    except (OSError, RuntimeError):
        return False
