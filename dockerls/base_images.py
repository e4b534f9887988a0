"""The server's base-image intelligence: lifecycle facts, vulnerability facts, hover and the
"switch to a leaner variant" action, with every lookup off the event loop.

``BaseImages`` owns an ``ImageIntel`` built from the settings and a small thread pool.  The
publish path asks only for what is cached (``lifecycle()``, ``image_facts()``); what is missing
is looked up in the pool and the document is published again when it arrives.  Hover waits for
a lookup at most ``HOVER_WAIT`` seconds; a service that never answers delays nothing past its
own timeout.  With ``registry.enabled: false`` nothing is requested: the lifecycle rules still
work from the shipped snapshot.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dockerls.analysis.baseimage import Located, base_image, base_images, inspected_platforms
from dockerls.analysis.facts import ImageFacts
from dockerls.analysis.lifecycle import LifecycleFacts
from dockerls.analysis.vulns import VulnReport
from dockerls.lazy import lazy_module, soon

if TYPE_CHECKING:  # the lookups (and requests) load when first needed, not at start-up
    from dockerls.analysis import variants as variants_mod
    from dockerls.analysis.model import Model, Stage
    from dockerls.features import baseimage as f_baseimage
    from dockerls.features.baseimage import BaseImageView, Variant, VariantInfo
    from dockerls.image_intel import ImageIntel
    from dockerls.lifecycle_store import LifecycleStore
    from dockerls.registry.http import HttpRegistry
    from dockerls.registry.settings import RegistrySettings
else:  # hover and variant actions: not a first publish's
    variants_mod = lazy_module("dockerls.analysis.variants")
    f_baseimage = lazy_module("dockerls.features.baseimage")

__all__ = ["BaseImages"]

log = logging.getLogger(__name__)

HOVER_WAIT = 2.0
MAX_SCANS = 16  # vulnerability scans one publish may start (a huge file doesn't flood the pool)
REFRESH_EVERY = 24 * 3600.0


class BaseImages:
    def __init__(
        self,
        republish: Callable[[str], None],
        registry: Callable[[], HttpRegistry | None] | None = None,
    ) -> None:
        """``registry`` gives the server's one registry client (``ImageLookups``'), which the
        lookups here share; without it (or when it gives None) they build their own."""
        self._republish = republish
        self._registry = registry
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="dockerls-images")
        self._lock = threading.Lock()
        self._key: object = None
        self.intel: ImageIntel | None = None
        self.vulns_on = False
        self.platform: str | None = None
        self._reports: dict[tuple[str, str | None], VulnReport] = {}
        self._variants: dict[tuple[str, str | None], tuple[int | None, list[VariantInfo]]] = {}
        self._pending: dict[tuple[Any, ...], Future[Any]] = {}
        self._waiting: dict[tuple[Any, ...], set[str]] = {}
        self._refreshed = 0.0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._settings: tuple[Any, Path | None] | None = None
        self.offline = False  # the registry is a test fake: no real lookups
        self._lifecycle: LifecycleFacts | None = None
        self._lifecycle_store: LifecycleStore | None = None
        self._starting = False  # _start is scheduled
        self._generation = 0  # bumped when a report arrives
        # uri -> (the images of its FROMs, generation, facts): the last answer per document
        self._memo: dict[str | None, tuple[Any, int, dict[str, ImageFacts]]] = {}

    # -- configuration --------------------------------------------------------------

    def configure(self, settings: Any, cache_dir: Path | None = None) -> None:
        """Take the server's ``Settings``; the lookups are (re)built when first needed."""
        rs, im = settings.registry, settings.images
        key = (rs, im)  # the registry and images settings (frozen values)
        if key == self._key:
            return
        self._key = key
        self._settings = (settings, cache_dir)
        if self.intel is not None:
            self.intel.close()
            self.intel = None
        self._lifecycle_store = None
        # DOCKERLS_REGISTRY=fake (tests): registry answers come from a fake; nothing real is asked
        fake = os.environ.get("DOCKERLS_REGISTRY") == "fake"
        self.vulns_on = rs.enabled and im.vulnerabilities.enabled and not fake
        self.offline = fake
        self.platform = im.platform
        with self._lock:
            self._reports.clear()
            self._variants.clear()
            self._memo.clear()
            self._generation += 1
            self._refreshed = 0.0

    def _shared_registry(self) -> HttpRegistry | None:
        return None if self._registry is None or self.offline else self._registry()

    def _registry_settings(self) -> RegistrySettings:
        from dockerls.settings import to_registry_settings

        assert self._settings is not None
        settings, cache_dir = self._settings
        return to_registry_settings(settings.registry, cache_dir, enabled=not self.offline)

    def _store(self) -> LifecycleStore | None:
        """The release data (the shipped snapshot overlaid with the user cache), read
        without the network clients: those load after the first publish (``_start``)."""
        if self._lifecycle_store is None and self._settings is not None:
            from dockerls.lifecycle_store import LifecycleStore

            reg = self._registry_settings()
            cache = reg.resolved_cache_dir() if reg.use_disk_cache else None
            self._lifecycle_store = LifecycleStore(cache / "lifecycle" if cache else None)
        return self._lifecycle_store

    def _start_later(self, uri: str | None) -> None:
        if not self._starting:
            self._starting = True
            soon(self._start, uri)

    def _start(self, uri: str | None) -> None:
        """The network clients, once the publish that needed them is written; then
        that document again, for the lookups (lifecycle refresh, vulnerabilities)."""
        self._starting = False
        intel = self._intel()
        if intel is not None and uri is not None and (intel.online or self.vulns_on):
            self._republish(uri)

    def _intel(self) -> ImageIntel | None:
        shared = self._shared_registry() if self._settings is not None else None
        if self.intel is not None and shared is not None and self.intel.registry is not shared:
            self.intel.close()  # the server's registry client was rebuilt: follow it
            self.intel = None
        if self.intel is None and self._settings is not None:
            from dockerls.image_intel import ImageIntel, IntelSettings

            settings, _ = self._settings
            im = settings.images
            reg = self._registry_settings()
            intel = IntelSettings(
                lifecycle_url=im.lifecycle.data_url,
                warn_days=im.lifecycle.warn_days,
                osv_url=im.vulnerabilities.osv_url,
                osv_timeout=im.vulnerabilities.timeout_ms / 1000,
            )
            self.intel = ImageIntel(reg, intel, registry=shared, lifecycle=self._store())
        return self.intel

    # -- background work ------------------------------------------------------------

    def _submit(
        self, key: tuple[Any, ...], work: Callable[[], Any], uri: str | None
    ) -> Future[Any]:
        if self._loop is None:
            try:
                self._loop = asyncio.get_running_loop()
            except RuntimeError:
                self._loop = None
        with self._lock:
            if uri is not None:
                self._waiting.setdefault(key, set()).add(uri)
            fut = self._pending.get(key)
            if fut is not None:
                return fut
            fut = self._pool.submit(work)
            self._pending[key] = fut
        fut.add_done_callback(lambda f: self._settled(key, f))
        return fut

    def _settled(self, key: tuple[Any, ...], fut: Future[Any]) -> None:
        with self._lock:
            self._pending.pop(key, None)
            uris = self._waiting.pop(key, set())
        if fut.exception() is not None:
            log.warning("base-image lookup %s failed: %s", key, fut.exception())
        loop = self._loop
        if loop is not None and not loop.is_closed():
            for uri in uris:
                loop.call_soon_threadsafe(self._republish, uri)

    # -- facts for the publish path (cached only) -------------------------------------

    def lifecycle(self, uri: str | None = None) -> LifecycleFacts | None:
        store = self._store()
        if store is None:
            return None
        intel = self.intel
        now = time.monotonic()
        if intel is None:
            self._start_later(uri)
        elif intel.online and (self._refreshed == 0.0 or now - self._refreshed > REFRESH_EVERY):
            self._refreshed = now
            self._submit(("refresh",), intel.refresh_lifecycle, uri)
        from dockerls.lifecycle_store import today

        data, day = store.data, today()
        held = self._lifecycle
        if held is None or held.data is not data or held.today != day:
            held = self._lifecycle = LifecycleFacts(data, day)  # one object while unchanged
        return held

    def _platforms(self, stage: Stage, model: Model, located: Located) -> tuple[str | None, ...]:
        """The platforms whose images are inspected, under the ``images.platform`` setting."""
        return inspected_platforms(stage, model, located, self.platform)

    def image_facts(self, model: Model, uri: str | None) -> dict[str, ImageFacts]:
        """Cached vulnerability reports of the model's base images; missing ones are looked up
        and ``uri`` is published again when they arrive."""
        if not self.vulns_on:
            return {}
        intel = self.intel
        if intel is None:  # the clients load once this publish is written
            self._start_later(uri)
            return {}
        # the keystroke path: the same images and reports give the same answer without a walk
        images = (
            tuple(stage.image for stage in model.stages),
            tuple(sorted(model.global_env().items(), key=lambda kv: kv[0])),
            model.facts.builds,
        )
        memo = self._memo.get(uri)
        if memo is not None and memo[0] == images and memo[1] == self._generation:
            return dict(memo[2])
        out: dict[str, ImageFacts] = {}
        asked: set[tuple[str, str | None]] = set()
        for stage in model.stages:
            for located in base_images(stage, model):  # each build's image
                platforms = self._platforms(stage, model, located)
                for key in self._unscanned(located.text, platforms):
                    if key not in asked and len(asked) < MAX_SCANS:
                        asked.add(key)
                        self._scan(key, uri)
                report = self._report(located.text, platforms)  # the others join later
                if report is not None:
                    out[located.text] = ImageFacts(vulnerabilities=report)
        self._memo[uri] = (images, self._generation, out)
        return dict(out)

    def _report(self, reference: str, platforms: tuple[str | None, ...]) -> VulnReport | None:
        """The report of ``reference``'s images on ``platforms``, of those scanned so far
        (one report of them all: ``VulnReport.combined``)."""
        with self._lock:
            found = [r for p in platforms if (r := self._reports.get((reference, p))) is not None]
        return VulnReport.combined(found) if found else None

    def _unscanned(
        self, reference: str, platforms: tuple[str | None, ...]
    ) -> list[tuple[str, str | None]]:
        with self._lock:
            return [(reference, p) for p in platforms if (reference, p) not in self._reports]

    def _scan(self, key: tuple[str, str | None], uri: str | None) -> Future[Any]:
        intel = self.intel
        assert intel is not None

        def work() -> None:
            report = intel.vulnerabilities(*key)
            if report is not None:
                with self._lock:
                    self._reports[key] = report
                    self._generation += 1

        return self._submit(("vulns", *key), work, uri)

    def _lookup_variants(self, key: tuple[str, str | None]) -> Future[Any]:
        intel = self.intel
        assert intel is not None

        def work() -> None:
            found = intel.classify(key[0])
            if found is None:
                return
            result = intel.variants(found, key[0], key[1], with_vulns=False)
            with self._lock:
                self._variants[key] = result

        return self._submit(("variants", *key), work, None)

    # -- hover and actions ------------------------------------------------------------

    async def prepare_hover(self, model: Model, stage: Stage) -> None:
        """Start the lookups a hover on ``stage``'s image shows (its report on each platform,
        its variants, then the suggested upgrade's reports) for the image of each build
        (``base_images``), and wait for them at most ``HOVER_WAIT`` seconds."""
        intel = self._intel()
        if intel is None or not intel.online:
            return
        deadline = time.monotonic() + HOVER_WAIT
        await asyncio.gather(
            *(
                self._prepare_one(
                    intel, located.text, self._platforms(stage, model, located), deadline
                )
                for located in base_images(stage, model)
            )
        )

    async def _prepare_one(
        self,
        intel: ImageIntel,
        reference: str,
        platforms: tuple[str | None, ...],
        deadline: float,
    ) -> None:
        key = (reference, platforms[0])  # the variants shown: the first platform's
        futures = []
        with self._lock:
            have_variants = key in self._variants
        if not have_variants and intel.classify(reference) is not None:
            futures.append(self._lookup_variants(key))
        if self.vulns_on:
            missing = [self._scan(k, None) for k in self._unscanned(reference, platforms)]
            if missing and not await _wait(missing, HOVER_WAIT):
                return
            view = self._view(intel, reference, platforms)
            wanted = intel.upgrade_to_scan(view) if view is not None else None
            if wanted is not None:
                futures.extend(self._scan(k, None) for k in self._unscanned(wanted, platforms))
        await _wait(futures, deadline - time.monotonic())

    def _view(
        self, intel: ImageIntel, reference: str, platforms: tuple[str | None, ...]
    ) -> BaseImageView | None:
        """What the hover shows of one image, from the cached lookups."""
        found = intel.classify(reference)
        if found is None:
            return None
        from dockerls.lifecycle_store import today

        report = self._report(reference, platforms)
        with self._lock:
            size, variants = self._variants.get((reference, platforms[0]), (None, []))
        view = f_baseimage.describe(
            found, intel.data, today(), intel.settings.warn_days, vulns=report, size=size,
            variants=tuple(variants),
        )  # fmt: skip
        wanted = intel.upgrade_to_scan(view)
        if wanted is not None:
            view = replace(view, upgrade_vulns=self._report(wanted, platforms))
        return view

    def hover_text(self, model: Model, stage: Stage, located: Located) -> str | None:
        """Lifecycle, vulnerabilities and leaner variants of ``stage``'s image as ``located``
        (one build's, see ``base_images``), as markdown."""
        intel = self._intel()
        if intel is None:
            return None
        platforms = self._platforms(stage, model, located)
        view = self._view(intel, located.text, platforms)
        if view is not None:
            return f_baseimage.markdown(view)
        report = self._report(located.text, platforms)
        return None if report is None else "\n".join(f_baseimage.report_lines(report))

    def variants_for(self, model: Model, stage: Stage) -> list[Variant]:
        """Cached leaner variants of ``stage``'s image, with what later RUNs use that they lack."""
        located = base_image(stage, model)
        if located is None:
            return []
        key = (located.text, self._platforms(stage, model, located)[0])  # the first's
        with self._lock:
            size, variants = self._variants.get(key, (None, []))
        used = variants_mod.stage_commands(model, stage)
        return [
            f_baseimage.Variant(
                v.candidate.reference,
                (v.size - size) if v.size is not None and size is not None else None,
                tuple(variants_mod.missing_tools(v.candidate, used)),
            )
            for v in variants
        ]

    def forget(self, uri: str) -> None:
        """The document closed: drop its memo."""
        self._memo.pop(uri, None)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        if self.intel is not None:
            self.intel.close()


async def _wait(futures: list[Future[Any]], timeout: float) -> bool:
    """Wait for ``futures`` at most ``timeout`` seconds; False when they did not all settle."""
    if not futures:
        return True
    if timeout <= 0:
        return False
    waits = [asyncio.wrap_future(f) for f in futures]
    try:
        await asyncio.wait_for(asyncio.shield(asyncio.gather(*waits)), timeout)
    except (asyncio.TimeoutError, Exception):
        return False
    return True
