"""Base-image intelligence, gathered: lifecycle data, vulnerability reports, leaner variants.

``ImageIntel`` owns the IO behind issue 11's features: the lifecycle store (shipped snapshot,
refreshed from endoflife.date at most daily), the vulnerability scanner (registry SBOM
attestations + OSV) and the registry lookups for variants.  Every method blocks: the server
calls them from worker threads and hands the results to the engine as ``Facts``; the CLI
calls them directly.  With lookups off (``registry.enabled: false``) nothing is requested and
the lifecycle rules still work from the snapshot.

``today()`` is the date every lifecycle judgement uses: ``DOCKERLS_TODAY=YYYY-MM-DD`` when set
(tests, reproducible CI runs), else the local date.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from dockerls.analysis.baseimage import base_images, inspected_platforms
from dockerls.analysis.facts import ImageFacts
from dockerls.analysis.imagetags import ImageRelease, classify
from dockerls.analysis.lifecycle import LifecycleData, LifecycleFacts
from dockerls.analysis.model import Model
from dockerls.analysis.variants import leaner_candidates
from dockerls.analysis.vulns import VulnReport
from dockerls.features.baseimage import BaseImageView, VariantInfo, describe
from dockerls.lifecycle_store import LifecycleStore, today
from dockerls.registry.base import RegistryError
from dockerls.registry.endoflife import DEFAULT_URL as ENDOFLIFE_URL
from dockerls.registry.endoflife import EndOfLifeClient
from dockerls.registry.http import HttpRegistry
from dockerls.registry.osv import DEFAULT_URL as OSV_URL
from dockerls.registry.osv import OsvClient
from dockerls.registry.settings import RegistrySettings
from dockerls.registry.vulnscan import VulnScanner
from dockerls.syntax.imageref import parse_image_ref
from dockerls.syntax.platforms import DEFAULT_PLATFORM

__all__ = ["ImageIntel", "IntelSettings", "lifecycle_facts", "today"]

log = logging.getLogger(__name__)


def lifecycle_facts(cache_dir: Path | None) -> LifecycleFacts:
    """What the lifecycle rules read without asking anyone: the snapshot, overlaid with the
    copies a refresh left in the user cache, judged on ``today()``."""
    return LifecycleFacts(LifecycleStore(cache_dir, None).data, today())


@dataclass(frozen=True, slots=True)
class IntelSettings:
    lifecycle_url: str = ENDOFLIFE_URL
    warn_days: int = 90
    osv_url: str = OSV_URL
    osv_timeout: float = 10.0
    lifecycle_timeout: float = 5.0


class ImageIntel:
    def __init__(
        self,
        registry_settings: RegistrySettings,
        settings: IntelSettings | None = None,
        registry: HttpRegistry | None = None,
        lifecycle: LifecycleStore | None = None,
    ) -> None:
        """``lifecycle``: a store already holding the release data (the server reads it
        before the network clients load); it gets this intel's endoflife.date client."""
        self.settings = settings or IntelSettings()
        self.online = registry_settings.enabled
        cache = registry_settings.resolved_cache_dir() if registry_settings.use_disk_cache else None
        client = (
            EndOfLifeClient(self.settings.lifecycle_url, self.settings.lifecycle_timeout)
            if self.online
            else None
        )
        if lifecycle is None:
            lifecycle = LifecycleStore(cache / "lifecycle" if cache else None)
        lifecycle.client = client
        self.lifecycle = lifecycle
        # a registry client given by the caller (the server's one) is the caller's to close
        self._owns_registry = registry is None
        self.registry = registry or HttpRegistry(registry_settings)
        self.osv = OsvClient(
            self.settings.osv_url, self.settings.osv_timeout, cache / "osv" if cache else None
        )
        self.scanner = VulnScanner(self.registry, self.osv, cache)

    @property
    def data(self) -> LifecycleData:
        return self.lifecycle.data

    def refresh_lifecycle(
        self, products: Iterable[str] | None = None, force: bool = False
    ) -> list[str]:
        if not self.online:
            return []
        return self.lifecycle.refresh(products, force=force)

    def classify(self, reference: str) -> ImageRelease | None:
        return classify(parse_image_ref(reference), self.data)

    def vulnerabilities(self, reference: str, platform: str | None) -> VulnReport | None:
        if not self.online:
            return None
        return self.scanner.scan(parse_image_ref(reference), platform)

    def variants(
        self, found: ImageRelease, reference: str, platform: str | None, with_vulns: bool
    ) -> tuple[int | None, list[VariantInfo]]:
        """The current image's size and its leaner variants (that exist) with theirs."""
        if not self.online:
            return None, []
        ref = parse_image_ref(reference)
        try:
            tags = self.registry.list_tags(ref)
            size = self.registry.resolve(ref, platform or DEFAULT_PLATFORM).size
        except RegistryError:
            return None, []
        out: list[VariantInfo] = []
        for candidate in leaner_candidates(found, tags):
            try:
                info = self.registry.resolve(candidate.reference, platform or DEFAULT_PLATFORM)
            except RegistryError:
                continue
            vulns = self.vulnerabilities(candidate.reference, platform) if with_vulns else None
            out.append(VariantInfo(candidate, info.size, vulns))
        return size, out

    def view(
        self, reference: str, platform: str | None = None, *, lookups: bool = True
    ) -> BaseImageView | None:
        """Everything known about one image (blocking)."""
        found = self.classify(reference)
        if found is None:
            return None
        vulns = None
        size: int | None = None
        variants: list[VariantInfo] = []
        if lookups and self.online:
            self.refresh_lifecycle([found.product] + ([found.os.product] if found.os else []))
            found = self.classify(reference) or found
            vulns = self.vulnerabilities(reference, platform)
            size, variants = self.variants(found, reference, platform, with_vulns=True)
        view = describe(
            found,
            self.data,
            today(),
            self.settings.warn_days,
            vulns=vulns,
            size=size,
            variants=tuple(variants),
        )
        wanted = self.upgrade_to_scan(view)
        if wanted is not None:
            view = replace(view, upgrade_vulns=self.vulnerabilities(wanted, platform))
        return view

    @staticmethod
    def upgrade_to_scan(view: BaseImageView) -> str | None:
        """The suggested upgrade whose report tells how many of the image's vulnerabilities
        it fixes: asked only when the image's own report is known (hover and CLI alike)."""
        if view.upgrade is None or view.vulns is None or view.vulns.status != "ok":
            return None
        return view.upgrade.reference

    def image_facts(self, model: Model, platform: str | None = None) -> dict[str, ImageFacts]:
        """Vulnerability reports of a file's base images, as lint facts (blocking): each
        image on the platforms the server inspects (``inspected_platforms``; ``platform``
        stands for the ``images.platform`` setting), one report of them all."""
        out: dict[str, ImageFacts] = {}
        for stage in model.stages:
            for located in base_images(stage, model):  # the image of each build
                if located.text in out:
                    continue
                reports = [
                    report
                    for p in inspected_platforms(stage, model, located, platform)
                    if (report := self.vulnerabilities(located.text, p)) is not None
                ]
                if reports:
                    out[located.text] = ImageFacts(vulnerabilities=VulnReport.combined(reports))
        return out

    def close(self) -> None:
        if self._owns_registry:
            self.registry.close()
        self.osv.close()
