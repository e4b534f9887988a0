"""Registry lookups for the server: tag completion, image hover, pinning
actions, and the registry's part of the lint facts (``Facts.images``).

Lookups run on :class:`~dockerls.registry.service.RegistryService`'s worker
pool; :class:`ImageLookups` only reads caches, starts fetches, or awaits them
with a timeout from ``async`` handlers (so ``$/cancelRequest`` works and the
event loop never blocks on the network).  The pure parts live in
``dockerls.features.images``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from concurrent.futures import Future
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from lsprotocol import types as lsp

from dockerls.analysis.baseimage import upgrades
from dockerls.analysis.facts import ImageFacts
from dockerls.lazy import lazy_module, soon
from dockerls.settings import Settings, to_registry_settings
from dockerls.syntax.imageref import ImageRef, parse_image_ref

if TYPE_CHECKING:
    from dockerls.analysis.lifecycle import LifecycleFacts
    from dockerls.analysis.model import Model, Stage
    from dockerls.documents import Snapshot
    from dockerls.features import images as f_images
    from dockerls.features.caps import ClientCaps
    from dockerls.registry import base as registry_base
    from dockerls.registry import service as registry_service
    from dockerls.registry.base import ImageInfo
    from dockerls.registry.http import HttpRegistry
    from dockerls.registry.service import RegistryService
    from dockerls.registry.settings import RegistrySettings
else:  # a first publish reads no lookup: these load with the first one (or warm_up)
    f_images = lazy_module("dockerls.features.images")
    registry_base = lazy_module("dockerls.registry.base")
    registry_service = lazy_module("dockerls.registry.service")

T = TypeVar("T")

LOOKING_UP_TAGS = "looking up tags…"
LOOKING_UP_INFO = "looking up registry details…"


class LookupHost(Protocol):
    """What the lookups need from the server: its current settings and client
    capabilities, and a way to publish a document again when a lookup it
    waited for has settled."""

    @property
    def settings(self) -> Settings: ...

    @property
    def caps(self) -> ClientCaps: ...

    def republish(self, uri: str) -> None: ...


@dataclass(frozen=True)
class TagLookup:
    """Tags of a repository as far as known now."""

    tags: list[str] | None  # None: not known (yet)
    pending: bool = False  # a lookup is running
    note: str | None = None  # why they are missing (off, still running, the registry's error)


def offered_platforms(info: ImageInfo) -> tuple[str, ...]:
    """``ImageFacts.platforms`` from a registry's answer: the platforms its
    manifest list offers (``os/arch[/variant]``)."""
    return tuple(pm.name for pm in info.platforms)


def lookup_ref(text: str) -> ImageRef | None:
    """The reference a registry can be asked about (no variables, no errors, not scratch)."""
    ref = parse_image_ref(text)
    if ref.has_variables or ref.errors or ref.is_scratch:
        return None
    return ref


async def settled(fut: Future[T], timeout: float) -> T | None:
    """The result of a lookup, or None when it failed or took longer than ``timeout``."""
    try:
        return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(fut)), timeout)
    except (asyncio.TimeoutError, registry_base.RegistryError):
        return None


class ImageLookups:
    """The registry service built from the current settings, the memos of
    what failed and what is awaited, and the hooks the server's handlers call."""

    RETRY_AFTER = 30.0  # seconds before a failed lookup is tried again

    def __init__(self, host: LookupHost) -> None:
        self.host = host
        self.key: object = None
        self.service: RegistryService | None = None
        self.starting = False  # _start is scheduled
        self.errors: dict[tuple[str, str], tuple[str, float]] = {}
        self.digests: dict[str, tuple[str, float]] = {}  # canonical ref -> (digest, when)
        self.waiting: dict[tuple[str, str], set[str]] = {}  # lookup -> uris to re-publish
        # uri -> (what the upgrades depend on, the upgrades): the keystroke path reuses them
        self.upgrade_memo: dict[str, tuple[tuple[object, ...], dict[str, bool]]] = {}

    # -- the service and its memos ------------------------------------------------
    def get(self) -> RegistryService:
        """The service for the current settings (rebuilt when they change)."""
        rs = self.host.settings.registry
        fake = os.environ.get("DOCKERLS_REGISTRY") == "fake"
        key = (
            fake,
            rs.enabled,
            rs.timeout_ms,
            rs.insecure_registries,
            rs.cache_ttl_seconds,
            rs.docker_config,
        )
        if self.service is None or key != self.key:
            if self.service is not None:
                self.service.shutdown()
            # the clients load with the first lookup: HttpRegistry brings requests in
            from dockerls.registry.fake import FakeRegistry
            from dockerls.registry.http import HttpRegistry

            self.service = registry_service.RegistryService(
                FakeRegistry() if fake else HttpRegistry(self._http_settings()), enabled=rs.enabled
            )
            self.key = key
            self.errors.clear()
            self.digests.clear()
            self.waiting.clear()
        return self.service

    def _start(self, uri: str) -> None:
        """Build the service the first publish went without, then publish ``uri`` again
        for its lookups."""
        self.starting = False
        self.get()
        self.host.republish(uri)

    def http_registry(self) -> HttpRegistry | None:
        """The current service's registry client, which the base-image lookups share (None
        for the test fake)."""
        registry = self.get().registry
        from dockerls.registry.http import HttpRegistry  # loaded by get()

        return registry if isinstance(registry, HttpRegistry) else None

    def _http_settings(self) -> RegistrySettings:
        return to_registry_settings(self.host.settings.registry)

    def failed(self, kind: str, key: str) -> str | None:
        """The error of a recent failed lookup (retried after RETRY_AFTER)."""
        hit = self.errors.get((kind, key))
        if hit is None or time.monotonic() - hit[1] > self.RETRY_AFTER:
            return None
        return hit[0]

    def watch(self, kind: str, key: str, fut: Future[T], uri: str | None = None) -> Future[T]:
        """Remember failures of ``fut``; re-publish ``uri`` once it settles."""
        if uri is not None:
            uris = self.waiting.setdefault((kind, key), set())
            if uri in uris:
                return fut
            uris.add(uri)
        fut.add_done_callback(partial(self._settled, kind, key, asyncio.get_running_loop()))
        return fut

    def _settled(
        self, kind: str, key: str, loop: asyncio.AbstractEventLoop, fut: Future[Any]
    ) -> None:
        """A watched lookup ended (in a worker thread)."""
        if fut.cancelled():
            return
        exc = fut.exception()
        if exc is not None:
            msg = (
                str(exc)
                if isinstance(exc, registry_base.RegistryError)
                else f"lookup failed: {exc}"
            )
            self.errors[(kind, key)] = (msg, time.monotonic())
        elif kind == "digest":
            self.digests[key] = (fut.result(), time.monotonic())
        for uri in self.waiting.pop((kind, key), set()):
            with contextlib.suppress(RuntimeError):  # the loop closed (exit)
                loop.call_soon_threadsafe(self.host.republish, uri)

    def tags(self, ref: ImageRef, uri: str | None = None) -> TagLookup:
        """Cached tags; when missing, a lookup starts (``pending``)."""
        svc = self.get()
        cached = svc.cached_tags(ref)
        if not svc.enabled:
            return TagLookup(cached, note=registry_service.OFFLINE_STATUS)
        if cached is not None:
            return TagLookup(cached)
        err = self.failed("tags", ref.canonical_name)
        if err is not None:
            return TagLookup(None, note=err)
        self.watch("tags", ref.canonical_name, svc.fetch_tags(ref), uri)
        return TagLookup(None, pending=True, note=LOOKING_UP_TAGS)

    def cached_digest(self, ref: ImageRef) -> str | None:
        hit = self.digests.get(ref.canonical)
        ttl = max(30.0, float(self.host.settings.registry.cache_ttl_seconds))
        if hit is None or time.monotonic() - hit[1] > ttl:
            return None
        return hit[0]

    def digest(self, ref: ImageRef, uri: str | None = None) -> str | None:
        """The digest the tag points at now, if known; else start a lookup."""
        svc = self.get()
        hit = self.cached_digest(ref)
        if hit is not None or not svc.enabled or self.failed("digest", ref.canonical):
            return hit
        self.watch("digest", ref.canonical, svc.fetch_digest(ref), uri)
        return None

    async def await_digest(self, ref: ImageRef, timeout: float) -> str | None:
        hit = self.cached_digest(ref)
        if hit is not None or self.failed("digest", ref.canonical):
            return hit
        return await settled(
            self.watch("digest", ref.canonical, self.get().fetch_digest(ref)), timeout
        )

    def forget(self, uri: str) -> None:
        """The document closed: drop what was kept for it."""
        self.upgrade_memo.pop(uri, None)

    def shutdown(self) -> None:
        if self.service is not None:
            self.service.shutdown()
            self.service = None

    # -- completion and hover -------------------------------------------------------
    def tags_for(self, image: str, platform: str | None = None) -> tuple[list[str], bool] | None:
        """Completion hook: cached tags at once; while a lookup runs, ``([], True)``."""
        ref = lookup_ref(image)
        if ref is None:
            return None
        found = self.tags(ref)
        if found.tags is None:
            return ([], True) if found.pending else None
        svc = self.get()
        tags = f_images.completion_tags(
            found.tags[:500],
            platform=platform,
            info_for=lambda tag: svc.cached_info(f"{image}:{tag}", None),
        )
        return tags, False

    def tag_status(self, image: str) -> str | None:
        """Why tags of ``image`` are missing or stale (lookups off, still running, the
        registry's error), for completion item details; ``None`` when all is well."""
        ref = lookup_ref(image)
        return None if ref is None else self.tags(ref).note

    def image_info(self, word: str) -> str | None:
        """Hover hook: registry details from the cache; starts a lookup when missing."""
        ref = lookup_ref(word)
        if ref is None:
            return None
        svc = self.get()
        info = svc.cached_info(ref)
        status: str | None = None
        if not svc.enabled:
            status = registry_service.OFFLINE_STATUS
        elif info is None:
            status = self.failed("info", ref.canonical)
            if status is None:
                self.watch("info", ref.canonical, svc.fetch_info(ref))
                status = LOOKING_UP_INFO
        return f_images.hover_text(ref, info, markdown=self.host.caps.markdown, status=status)

    async def prepare_image_hover(self, snap: Snapshot, position: lsp.Position) -> None:
        """Await (briefly) the registry details of the FROM image under ``position`` (of
        each build's image when it is built from ARGs)."""
        st = f_images.image_stage_at(snap.model, position, self.host.caps)
        svc = self.get()
        if st is None or not svc.enabled:
            return
        refs = [ref for _key, ref in f_images.stage_lookups(snap.model, st)]
        futs = [
            self.watch("info", ref.canonical, svc.fetch_info(ref))
            for ref in refs
            if svc.cached_info(ref) is None
        ]
        deadline = time.monotonic() + min(1.5, float(self.host.settings.registry.timeout_ms) / 1000)
        for fut in futs:  # they run together: one wait bounds them all
            await settled(fut, max(0.0, deadline - time.monotonic()))

    # -- code actions ---------------------------------------------------------------
    async def _pinning_facts(self, model: Model, st: Stage, timeout: float) -> ImageFacts:
        """The digest of the stage's image (as its pinning edits it: ``pin_target``) and the
        most specific version tag pointing at it (for an untagged or ``latest`` image)."""
        target = f_images.pin_target(model, st)
        assert target is not None
        ref = target.ref
        svc = self.get()
        digest = await self.await_digest(ref, timeout)
        version_tag = None
        if digest and (ref.tag is None or ref.tag == "latest"):
            tags = svc.cached_tags(ref)
            if tags is None:
                fut = self.watch("tags", ref.canonical_name, svc.fetch_tags(ref))
                tags = await settled(fut, timeout)
            cands = f_images.version_candidates(tags or [])
            refs = [parse_image_ref(f"{ref.name}:{t}") for t in cands]
            found = await asyncio.gather(*(self.await_digest(r, timeout) for r in refs))
            version_tag = f_images.most_specific_tag(
                t for t, d in zip(cands, found, strict=True) if d == digest
            )
        return ImageFacts(digest=digest, version_tag=version_tag)

    async def image_code_actions(
        self, snap: Snapshot, params: lsp.CodeActionParams
    ) -> list[lsp.CodeAction | lsp.Command]:
        """Pin to digest / to a version / update digest for the FROMs in the range
        (honours ``context.only``; commands for clients without action literals)."""
        # loaded with the first code action, not on the first publish (it brings tree-sitter)
        from dockerls.features.code_actions import as_command, wanted

        caps = self.host.caps
        only = params.context.only
        kinds = [
            k
            for k in (lsp.CodeActionKind.QuickFix, lsp.CodeActionKind.RefactorRewrite)
            if wanted(k, only)
        ]
        stages = f_images.pin_stages_in_range(snap.model, params.range, caps)
        if not kinds or not stages or not self.get().enabled:
            return []
        timeout = self.host.settings.registry.timeout_ms / 1000 + 0.5
        facts = await asyncio.gather(
            *(self._pinning_facts(snap.model, st, timeout) for st in stages)
        )
        by_stage = {st.index: f for st, f in zip(stages, facts, strict=True)}
        diags = list(params.context.diagnostics)
        found = f_images.image_code_actions(snap.model, snap.uri, stages, by_stage, caps, diags)
        found = [a for a in found if a.kind in kinds]
        if not caps.code_action_literals:
            return [as_command(a) for a in found]
        return list(found)

    # -- lint facts -----------------------------------------------------------------
    def image_facts(
        self, uri: str, model: Model, lifecycle: LifecycleFacts | None = None
    ) -> dict[str, ImageFacts]:
        """What the registry caches know about the document's base images, as
        lint facts (``Facts.images``): platforms for FROMs with a literal
        ``--platform`` (InvalidBaseImagePlatform), tag lists and current
        digests when the registry diagnostics are on (DLS201, DLS202), and
        the tags and digest of the upgrades the lifecycle rules suggest (their
        fix verifies the tag and re-pins a digest).  Missing lookups start in
        the background and re-publish the document when they settle."""
        settings = self.host.settings
        rs = settings.registry
        if not rs.enabled:
            return {}
        if self.service is None:  # the client (requests) loads once this publish is written
            if not self.starting:
                self.starting = True
                soon(self._start, uri)
            return {}
        groups = settings.rules.groups
        want_tags = rs.diagnostics.unknown_tag and groups.registry
        want_digest = rs.diagnostics.outdated_digest and groups.registry
        out: dict[str, ImageFacts] = {}
        build_platforms = any(b.platforms for b in model.facts.builds)
        for st, key, ref in f_images.lookup_images(model):
            platforms = None
            # a literal --platform, or none with builds targeting platforms
            wanted = (st.platform and "$" not in st.platform) or (
                not st.platform and build_platforms
            )
            if groups.buildkit and wanted:
                platforms = self._platforms(ref, uri)
            tags = self.tags(ref, uri).tags if want_tags and ref.tag else None
            digest = self.digest(ref, uri) if want_digest and ref.digest and ref.tag else None
            if platforms is not None or tags is not None or digest is not None:
                out[key] = ImageFacts(
                    tags=None if tags is None else tuple(tags), digest=digest, platforms=platforms
                )
        if lifecycle is not None:
            warn_days = settings.images.lifecycle.warn_days
            for reference, pinned in self._upgrades(uri, model, lifecycle, warn_days).items():
                found = self._upgrade_facts(uri, reference, pinned)
                have = out.get(reference)
                if found is not None:
                    out[reference] = (
                        found
                        if have is None
                        else replace(have, tags=found.tags, digest=found.digest)
                    )
        return out

    def _upgrades(
        self, uri: str, model: Model, lifecycle: LifecycleFacts, warn_days: int
    ) -> dict[str, bool]:
        """``baseimage.upgrades``, again only when the FROM images, the global ARGs, the
        lifecycle facts or the warning window changed."""
        key = (
            tuple(st.image for st in model.stages),
            tuple(sorted(model.global_env().items(), key=lambda kv: kv[0])),
            lifecycle,
            warn_days,
        )
        memo = self.upgrade_memo.get(uri)
        if memo is not None and memo[0] == key:
            return memo[1]
        found = upgrades(model, lifecycle, warn_days)
        self.upgrade_memo[uri] = (key, found)
        return found

    def _upgrade_facts(self, uri: str, reference: str, pinned: bool) -> ImageFacts | None:
        """The suggested reference's tag list, and its digest when the FROM was pinned."""
        ref = lookup_ref(reference)
        if ref is None:
            return None
        tags = self.tags(ref, uri).tags
        digest = self.digest(ref, uri) if pinned else None
        if tags is None and digest is None:
            return None
        return ImageFacts(tags=None if tags is None else tuple(tags), digest=digest)

    def _platforms(self, ref: ImageRef, uri: str) -> tuple[str, ...] | None:
        """The platforms the image offers, from the cache (else a lookup starts)."""
        svc = self.get()
        info = svc.cached_info(ref)
        if info is None:
            if not self.failed("info", ref.canonical):
                self.watch("info", ref.canonical, svc.fetch_info(ref), uri)
            return None
        return offered_platforms(info)


__all__ = ["ImageLookups", "LookupHost", "TagLookup", "lookup_ref", "offered_platforms"]
