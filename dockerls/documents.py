"""Open documents: uri -> immutable snapshots, updated incrementally.

Each version of a document is a :class:`Snapshot` (text, parse, the outside
facts of its last lint, and the lint result computed on demand).  ``DocumentStore.change`` converts each LSP
content change to code-point offsets with the previous snapshot and splices
it into the parse with :func:`~dockerls.syntax.reparse.reparse`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp

from dockerls.analysis.engine import LintConfig, Linter, LintResult, split_threshold
from dockerls.analysis.facts import NO_FACTS, Facts
from dockerls.analysis.model import Model, build_model, reparsed_model
from dockerls.analysis.rules.base import Violation
from dockerls.builds.workspace import WorkspaceBuilds
from dockerls.context import ContextLoader
from dockerls.features.positions import UTF16, offset_of
from dockerls.syntax.parser import Parse, parse
from dockerls.syntax.reparse import reparse
from dockerls.uris import uri_to_path

log = logging.getLogger(__name__)

MAX_DOCUMENT_CHARS = 20_000_000


def clean_text(text: str) -> str:
    """NUL bytes and lone surrogates are kept (the parser copes); nothing else
    to do, but huge documents are cut to keep the server responsive."""
    if len(text) > MAX_DOCUMENT_CHARS:
        log.warning(
            "document is larger than %d characters; only the start is analysed", MAX_DOCUMENT_CHARS
        )
        return text[:MAX_DOCUMENT_CHARS]
    return text


@dataclass
class Snapshot:
    """One version of an open Dockerfile: its parse, linter, outside facts and lint."""

    uri: str
    version: int | None
    parse: Parse
    linter: Linter
    path: Path | None
    # the outside facts of the last lint (the build context from the start;
    # the server adds registry and ShellCheck facts when it publishes)
    facts: Facts = NO_FACTS
    _lint: LintResult | None = None

    @property
    def text(self) -> str:
        return self.parse.text

    _model: Model | None = None
    # the previous version's model, if it had one: a keystroke derives this one from it
    _previous: Model | None = None

    @property
    def model(self) -> Model:
        """The semantic model (shared with the lint result when there is one)."""
        if self._lint is not None:
            return self._lint.model
        if self._model is None:
            prev, self._previous = self._previous, None
            model = reparsed_model(prev, self.parse) if prev is not None else None
            self._model = model if model is not None else build_model(self.parse)
            self._model.facts = self.facts  # builds known before the first lint (hover)
        return self._model

    def lint_with(self, facts_of: Callable[[Model], Facts]) -> LintResult:
        """The lint result with the outside facts ``facts_of`` gives for the model.

        A linter's first lint (a document just opened) builds the model first and
        lints once, with its facts.  Later ones lint with the facts the document
        had (the edit's model derives from the last one) and again only when the
        facts changed: then just what reads them runs again."""
        if self._lint is None and not self.linter.has_linted:
            return self.lint(facts_of(self.model))
        result = self.lint()
        facts = facts_of(result.model)
        return result if facts is self.facts else self.lint(facts)

    def known_model(self) -> Model | None:
        """The model, if it was built already."""
        return self._lint.model if self._lint is not None else self._model

    def lint(self, facts: Facts | None = None) -> LintResult:
        """The lint result with ``facts`` (default: the last lint's facts)."""
        if facts is None:
            facts = self.facts
        if self._lint is None or facts is not self.facts:
            model = self._lint.model if self._lint is not None else self._model
            self.facts = facts
            self._lint = self.linter.lint(self.parse, model, facts)
        return self._lint


def is_dockerignore(uri: str) -> bool:
    return uri.endswith(".dockerignore")


class DocumentStore:
    """Open Dockerfiles.  Build-context facts (``.dockerignore``, the file
    listing) are read when a document opens or is saved, never per keystroke,
    and handed to the rules as ``Facts.context``."""

    def __init__(
        self,
        split: bool = False,
        render: Callable[[Parse, int, tuple[Violation, ...]], Any] | None = None,
    ) -> None:
        self._docs: dict[str, Snapshot] = {}
        self.config = LintConfig()
        self.context_loader = ContextLoader()
        self.context_dir: str | None = None  # setting: None = the Dockerfile's folder
        # per-document configuration (the server layers a `.hadolint.yaml`
        # found next to the Dockerfile under the editor's settings)
        self.config_for: Callable[[Path | None], LintConfig] | None = None
        # the workspace's builds (Compose, Bake, the `settings` build): Facts.builds
        self.builds = WorkspaceBuilds([])
        # the linters' Linter.split_at: with ``split``, big files lint on two CPUs
        self.split_at = split_threshold() if split else 0
        # with a split lint, each side renders its items' diagnostics with this
        # (``Linter.render``: the server's, for the client's encoding)
        self.render = render

    def _linter_for(self, path: Path | None) -> Linter:
        config = self.config_for(path) if self.config_for is not None else self.config
        return Linter(config=config, split_at=self.split_at, render=self.render)

    def _facts_for(self, path: Path | None) -> Facts:
        """The facts known when a document opens: its builds and build context."""
        if path is None:
            return NO_FACTS
        builds = self.builds.builds_for(path)
        contexts = self.context_loader.for_builds(builds, path)
        root = self.context_dir or str(path.parent)
        try:
            # without the context.path setting the Dockerfile's folder is a guess
            assumed = self.context_dir is None
            context = self.context_loader.get(root, path, assumed=assumed)
            return Facts(context=context, builds=builds, contexts=contexts)
        except OSError as exc:
            log.info("build context %s unreadable: %s", root, exc)
            return Facts(builds=builds, contexts=contexts)

    def refresh_builds(self, dockerfiles: Iterable[Path] | None = None) -> list[str]:
        """Take the builds again (after ``self.builds.reload``/``forget``, or a new
        ``self.builds``) for the open documents at ``dockerfiles`` (None: all); returns
        their uris, to publish again."""
        wanted = None if dockerfiles is None else {str(p) for p in dockerfiles}
        done = []
        for u, snap in list(self._docs.items()):
            if snap.path is None:
                continue
            if wanted is not None and str(snap.path.resolve()) not in wanted:
                continue
            builds = self.builds.builds_for(snap.path)
            if builds != snap.facts.builds:
                contexts = self.context_loader.for_builds(builds, snap.path)
                facts = replace(snap.facts, builds=builds, contexts=contexts)
                self._docs[u] = replace(snap, facts=facts, _lint=None)
                done.append(u)
        return done

    def refresh_context(self, uri: str | None = None) -> list[str]:
        """Re-read build contexts (all documents, or one); returns the uris."""
        self.context_loader.invalidate()
        done = []
        for u, snap in list(self._docs.items()):
            if uri is not None and u != uri:
                continue
            linter = self._linter_for(snap.path)
            self._docs[u] = Snapshot(
                u, snap.version, snap.parse, linter, snap.path, self._facts_for(snap.path)
            )
            done.append(u)
        return done

    def __contains__(self, uri: str) -> bool:
        return uri in self._docs

    def get(self, uri: str) -> Snapshot | None:
        return self._docs.get(uri)

    def uris(self) -> list[str]:
        return list(self._docs)

    def open(self, uri: str, text: str, version: int | None) -> Snapshot:
        path = uri_to_path(uri)
        p = parse(clean_text(text))
        snap = Snapshot(uri, version, p, self._linter_for(path), path, self._facts_for(path))
        self._docs[uri] = snap
        return snap

    def close(self, uri: str) -> None:
        self._docs.pop(uri, None)

    def change(
        self,
        uri: str,
        version: int | None,
        changes: Sequence[lsp.TextDocumentContentChangeEvent],
        encoding: str = UTF16,
    ) -> Snapshot | None:
        snap = self._docs.get(uri)
        if snap is None:
            return None
        p = snap.parse
        for ch in changes:
            if isinstance(ch, lsp.TextDocumentContentChangePartial):
                start = offset_of(p, ch.range.start, encoding)
                end = offset_of(p, ch.range.end, encoding)
                if end < start:
                    start, end = end, start
                p = reparse(p, start, end, ch.text)
            else:
                p = parse(clean_text(ch.text))
        new = Snapshot(uri, version, p, snap.linter, snap.path, snap.facts)
        new._previous = snap.known_model()
        self._docs[uri] = new
        return new

    def set_config(self, config: LintConfig, context_dir: str | None = None) -> None:
        self.config = config
        self.context_dir = context_dir
        self.refresh_context()
