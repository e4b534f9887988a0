"""Registry lookups for the server: tag completion, image hover, pinning
actions and the optional registry diagnostics.

Lookups run on :class:`~dockerls.registry.service.RegistryService`'s worker
pool; these functions only read caches, start fetches, or await them with a
timeout from ``async`` handlers (so ``$/cancelRequest`` works and the event
loop never blocks on the network).  The pure parts live in
``dockerls.features.images``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time as _time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path as _Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types as lsp

from dockerls.analysis.facts import ImageFacts
from dockerls.features import images as f_images
from dockerls.registry.base import ImageInfo, RegistryError
from dockerls.registry.fake import FakeRegistry
from dockerls.registry.http import HttpRegistry  # imports requests: once, at startup
from dockerls.registry.service import OFFLINE_STATUS, RegistryService
from dockerls.registry.settings import RegistrySettings as _RegSettings
from dockerls.syntax.imageref import ImageRef, parse_image_ref

if TYPE_CHECKING:
    from dockerls.documents import Snapshot


@dataclass(frozen=True)
class ImageLookups:
    """The hooks the server's handlers call."""

    tags_for: Callable[..., tuple[list[str], bool] | None]
    tag_status: Callable[[str], str | None]
    image_info: Callable[[str], str | None]
    prepare_image_hover: Callable[..., Any]
    image_code_actions: Callable[..., Any]
    image_facts: Callable[..., dict[str, ImageFacts]]
    shutdown: Callable[[], None]


def offered_platforms(info: ImageInfo) -> tuple[str, ...]:
    """``ImageFacts.platforms`` from a registry's answer: the platforms its
    manifest list offers (``os/arch[/variant]``)."""
    return tuple(pm.name for pm in info.platforms)


def build_image_lookups(server: Any) -> ImageLookups:
    """Hooks bound to ``server`` (its settings, caps and documents)."""

    class _Registry:
        """The registry service built from the current settings, plus small memos."""

        RETRY_AFTER = 30.0  # seconds before a failed lookup is tried again

        def __init__(self) -> None:
            self.key: object = None
            self.service: RegistryService | None = None
            self.errors: dict[tuple[str, str], tuple[str, float]] = {}
            self.digests: dict[str, tuple[str, float]] = {}  # canonical ref -> (digest, when)
            self.waiting: dict[tuple[str, str], set[str]] = {}  # lookup -> uris to re-publish

        def get(self) -> RegistryService:
            rs = server.settings.registry
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
                if fake:
                    self.service = RegistryService(FakeRegistry(), enabled=rs.enabled)
                else:
                    reg = HttpRegistry(
                        _RegSettings(
                            enabled=rs.enabled,
                            timeout_ms=rs.timeout_ms,
                            insecure_registries=tuple(rs.insecure_registries),
                            cache_ttl_seconds=float(rs.cache_ttl_seconds),
                            use_disk_cache=rs.cache_ttl_seconds > 0,
                            docker_config=_Path(rs.docker_config) if rs.docker_config else None,
                        )
                    )
                    self.service = RegistryService(reg, enabled=rs.enabled)
                self.key = key
                self.errors.clear()
                self.digests.clear()
                self.waiting.clear()
            return self.service

        def failed(self, kind: str, key: str) -> str | None:
            hit = self.errors.get((kind, key))
            if hit is None or _time.monotonic() - hit[1] > self.RETRY_AFTER:
                return None
            return hit[0]

        def watch(self, kind: str, key: str, fut: Any, uri: str | None = None) -> Any:
            """Remember failures of ``fut``; re-publish ``uri`` once it settles."""
            if uri is not None:
                uris = self.waiting.setdefault((kind, key), set())
                if uri in uris:
                    return fut
                uris.add(uri)
            loop = asyncio.get_running_loop()

            def done(f: Any) -> None:
                if f.cancelled():
                    return
                exc = f.exception()
                if exc is not None:
                    msg = str(exc) if isinstance(exc, RegistryError) else f"lookup failed: {exc}"
                    self.errors[(kind, key)] = (msg, _time.monotonic())
                elif kind == "digest":
                    self.digests[key] = (f.result(), _time.monotonic())
                for u in self.waiting.pop((kind, key), set()):
                    with contextlib.suppress(RuntimeError):  # the loop closed (exit)
                        loop.call_soon_threadsafe(_republish, u)

            fut.add_done_callback(done)
            return fut

        def tags(
            self, ref: ImageRef, uri: str | None = None
        ) -> tuple[list[str] | None, str | None]:
            """Cached tags (or None, starting a lookup) and a status text."""
            svc = self.get()
            cached = svc.cached_tags(ref)
            if not svc.enabled:
                return cached, OFFLINE_STATUS
            if cached is not None:
                return cached, None
            err = self.failed("tags", ref.canonical_name)
            if err is not None:
                return None, err
            self.watch("tags", ref.canonical_name, svc.fetch_tags(ref), uri)
            return None, "looking up tags…"

        def cached_digest(self, ref: ImageRef) -> str | None:
            hit = self.digests.get(ref.canonical)
            ttl = max(30.0, float(server.settings.registry.cache_ttl_seconds))
            if hit is None or _time.monotonic() - hit[1] > ttl:
                return None
            return hit[0]

        def digest(self, ref: ImageRef, uri: str | None = None) -> str | None:
            """The digest the tag points at now, if known; else start a lookup."""
            svc = self.get()
            key = ref.canonical
            hit = self.cached_digest(ref)
            if hit is not None or not svc.enabled or self.failed("digest", key):
                return hit
            self.watch("digest", key, svc.fetch_digest(ref), uri)
            return None

        async def await_digest(self, ref: ImageRef, timeout: float) -> str | None:
            hit = self.cached_digest(ref)
            if hit is not None or self.failed("digest", ref.canonical):
                return hit
            fut = self.watch("digest", ref.canonical, self.get().fetch_digest(ref))
            return await _await(fut, timeout)  # type: ignore[no-any-return]

        def shutdown(self) -> None:
            if self.service is not None:
                self.service.shutdown()
                self.service = None

    reg_state = _Registry()

    def _lookup_ref(text: str) -> ImageRef | None:
        ref = parse_image_ref(text)
        if ref.has_variables or ref.errors or ref.is_scratch:
            return None
        return ref

    def tags_for(image: str, platform: str | None = None) -> tuple[list[str], bool] | None:
        """Completion hook: cached tags at once; while a lookup runs, ``([], True)``."""
        ref = _lookup_ref(image)
        if ref is None:
            return None
        tags, status = reg_state.tags(ref)
        if tags is None:
            return ([], True) if status == "looking up tags…" else None
        svc = reg_state.get()

        def info_for(tag: str) -> Any:
            return svc.cached_info(f"{image}:{tag}", None)

        return f_images.completion_tags(tags[:500], platform=platform, info_for=info_for), False

    def tag_status(image: str) -> str | None:
        """Why tags of ``image`` are missing or stale (lookups off, still running, the
        registry's error), for completion item details; ``None`` when all is well."""
        ref = _lookup_ref(image)
        return None if ref is None else reg_state.tags(ref)[1]

    def image_info(word: str) -> str | None:
        """Hover hook: registry details from the cache; starts a lookup when missing."""
        ref = _lookup_ref(word)
        if ref is None:
            return None
        svc = reg_state.get()
        info = svc.cached_info(ref)
        status: str | None = None
        if not svc.enabled:
            status = OFFLINE_STATUS
        elif info is None:
            status = reg_state.failed("info", ref.canonical)
            if status is None:
                reg_state.watch("info", ref.canonical, svc.fetch_info(ref))
                status = "looking up registry details…"
        return f_images.hover_text(ref, info, markdown=server.caps.markdown, status=status)

    def _hover_timeout() -> float:
        return min(1.5, float(server.settings.registry.timeout_ms) / 1000)

    async def prepare_image_hover(snap: Snapshot, position: lsp.Position) -> None:
        """Await (briefly) the registry details of the FROM image under ``position``."""
        from dockerls.features.positions import offset_of

        off = offset_of(snap.parse, position, server.caps.encoding)
        item = snap.parse.item_at(off)
        st = next((s for s in snap.model.stages if s.first == item), None)
        if st is None or st.image_span is None or f_images.lookup_ref(st) is None:
            return
        rel = off - snap.parse.starts[item]
        if not st.image_span.start <= rel <= st.image_span.end:
            return
        svc = reg_state.get()
        ref = f_images.lookup_ref(st)
        assert ref is not None
        if not svc.enabled or svc.cached_info(ref) is not None:
            return
        fut = reg_state.watch("info", ref.canonical, svc.fetch_info(ref))
        with contextlib.suppress(asyncio.TimeoutError, RegistryError):
            await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(fut)), _hover_timeout())

    async def _await(fut: Any, timeout: float) -> Any:
        try:
            return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(fut)), timeout)
        except (asyncio.TimeoutError, RegistryError):
            return None

    async def _facts_for(st: Any, timeout: float) -> f_images.ImageFacts:
        ref = f_images.lookup_ref(st)
        assert ref is not None
        svc = reg_state.get()
        digest = await reg_state.await_digest(ref, timeout)
        version_tag = None
        if digest and (ref.tag is None or ref.tag == "latest"):
            tags = svc.cached_tags(ref)
            if tags is None:
                tags = await _await(
                    reg_state.watch("tags", ref.canonical_name, svc.fetch_tags(ref)), timeout
                )
            cands = f_images.version_candidates(tags or [])
            refs = [parse_image_ref(f"{ref.name}:{t}") for t in cands]
            found = await asyncio.gather(*(reg_state.await_digest(r, timeout) for r in refs))
            version_tag = f_images.most_specific_tag(
                t for t, d in zip(cands, found, strict=True) if d == digest
            )
        return f_images.ImageFacts(digest=digest, version_tag=version_tag)

    async def image_code_actions(
        snap: Snapshot, params: lsp.CodeActionParams
    ) -> list[lsp.CodeAction | lsp.Command]:
        """Pin to digest / to a version / update digest for the FROMs in the range
        (honours ``context.only``; commands for clients without action literals)."""
        from dockerls.features.code_actions import as_command, wanted

        only = params.context.only
        kinds = [
            k
            for k in (lsp.CodeActionKind.QuickFix, lsp.CodeActionKind.RefactorRewrite)
            if wanted(k, only)
        ]
        stages = f_images.stages_in_range(snap.model, params.range, server.caps)
        if not kinds or not stages or not reg_state.get().enabled:
            return []
        timeout = server.settings.registry.timeout_ms / 1000 + 0.5
        facts = await asyncio.gather(*(_facts_for(st, timeout) for st in stages))
        by_stage = {st.index: f for st, f in zip(stages, facts, strict=True)}
        diags = list(params.context.diagnostics)
        found = f_images.image_code_actions(
            snap.model, snap.uri, stages, by_stage, server.caps, diags
        )
        found = [a for a in found if a.kind in kinds]
        if not server.caps.code_action_literals:
            return [as_command(a) for a in found]
        return list(found)

    def image_facts(snap: Snapshot) -> dict[str, ImageFacts]:
        """What the registry caches know about the document's base images, as
        lint facts (``Facts.images``): platforms for FROMs with a literal
        ``--platform`` (InvalidBaseImagePlatform), tag lists and current
        digests when the registry diagnostics are on (DLS201, DLS202).
        Missing lookups start in the background and re-publish the document
        when they settle."""
        rs = server.settings.registry
        if not rs.enabled:
            return {}
        groups = server.settings.rules.groups
        want_platforms = groups.buildkit
        want_tags = rs.diagnostics.unknown_tag and groups.registry
        want_digest = rs.diagnostics.outdated_digest and groups.registry
        out: dict[str, ImageFacts] = {}
        for st in f_images.lookup_stages(snap.model):
            ref = f_images.lookup_ref(st)
            assert ref is not None
            platforms = None
            if want_platforms and st.platform and "$" not in st.platform:
                platforms = _platforms(ref, snap.uri)
            tags = reg_state.tags(ref, snap.uri)[0] if want_tags and ref.tag else None
            digest = (
                reg_state.digest(ref, snap.uri) if want_digest and ref.digest and ref.tag else None
            )
            if platforms is None and tags is None and digest is None:
                continue
            out[st.image] = ImageFacts(
                tags=tuple(tags) if tags is not None else None, digest=digest, platforms=platforms
            )
        return out

    def _platforms(ref: ImageRef, uri: str) -> tuple[str, ...] | None:
        """The platforms the image offers, from the cache (else a lookup starts)."""
        svc = reg_state.get()
        info = svc.cached_info(ref)
        if info is None:
            if not reg_state.failed("info", ref.canonical):
                reg_state.watch("info", ref.canonical, svc.fetch_info(ref), uri)
            return None
        return offered_platforms(info)

    def _republish(uri: str) -> None:
        if server.store.get(uri) is not None:
            server.schedule(uri)

    return ImageLookups(
        tags_for=tags_for,
        tag_status=tag_status,
        image_info=image_info,
        prepare_image_hover=prepare_image_hover,
        image_code_actions=image_code_actions,
        image_facts=image_facts,
        shutdown=reg_state.shutdown,
    )
