"""``FakeRegistry``: a deterministic, in-memory ``ImageRegistry`` for feature and e2e tests.

Digests are derived from the repository and tag (or an explicit ``key``), so they are
stable across runs.  Every call is recorded in ``calls``; ``errors`` makes chosen
repositories fail with a given ``RegistryError``.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from dockerls.registry.base import (
    ImageInfo,
    PlatformManifest,
    RefLike,
    RegistryError,
    RegistryNotFound,
    RegistryOffline,
    as_ref,
)
from dockerls.registry.http import MEDIA_OCI_INDEX, MEDIA_OCI_MANIFEST, OFFLINE_MESSAGE
from dockerls.registry.tags import sort_tags
from dockerls.syntax.imageref import parse_image_ref

__all__ = ["FakeImage", "FakeRegistry", "fake_digest"]


def fake_digest(*parts: str) -> str:
    return "sha256:" + hashlib.sha256("\0".join(parts).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class FakeImage:
    """One tag's image. Several platforms make it an OCI index. Same ``key`` = same digest."""

    platforms: tuple[str, ...] = ("linux/amd64",)
    created: str = "2024-01-01T00:00:00Z"
    size: int = 1_000_000
    key: str | None = None


_DEFAULT: dict[str, dict[str, FakeImage]] = {
    "node": {
        "latest": FakeImage(("linux/amd64", "linux/arm64"), "2024-05-01T00:00:00Z", key="22"),
        "22": FakeImage(("linux/amd64", "linux/arm64"), "2024-05-01T00:00:00Z", key="22"),
        "22-alpine": FakeImage(("linux/amd64", "linux/arm64"), "2024-05-02T00:00:00Z"),
        "20": FakeImage(("linux/amd64", "linux/arm64"), "2024-04-01T00:00:00Z"),
        "20-alpine": FakeImage(("linux/amd64", "linux/arm64"), "2024-04-02T00:00:00Z"),
        "20.11.1": FakeImage(("linux/amd64",), "2024-02-01T00:00:00Z"),
        "18": FakeImage(("linux/amd64",), "2023-10-01T00:00:00Z"),
    },
    "python": {
        "latest": FakeImage(key="3.12"),
        "3.12": FakeImage(key="3.12"),
        "3.12-slim": FakeImage(),
        "3.11": FakeImage(),
        "3.11-slim": FakeImage(),
        "3.13.0rc1": FakeImage(),
    },
    "alpine": {"latest": FakeImage(key="3.20"), "3.20": FakeImage(key="3.20"), "3.19": FakeImage()},
    "ubuntu": {
        "latest": FakeImage(key="24.04"),
        "24.04": FakeImage(key="24.04"),
        "22.04": FakeImage(),
    },
    "ghcr.io/example/app": {"1.0.0": FakeImage(), "1.1.0": FakeImage(), "main": FakeImage()},
}


class FakeRegistry:
    def __init__(
        self,
        repos: Mapping[str, Mapping[str, FakeImage] | Iterable[str]] | None = None,
        *,
        errors: Mapping[str, RegistryError] | None = None,
        offline: bool = False,
    ) -> None:
        src = _DEFAULT if repos is None else repos
        self._repos: dict[str, dict[str, FakeImage]] = {}
        for name, tags in src.items():
            canon = parse_image_ref(name).canonical_name
            if isinstance(tags, Mapping):
                self._repos[canon] = dict(tags)
            else:
                self._repos[canon] = {t: FakeImage() for t in tags}
        self._errors = {parse_image_ref(k).canonical_name: v for k, v in (errors or {}).items()}
        self.offline = offline
        self.calls: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    @classmethod
    def default(cls) -> FakeRegistry:
        return cls()

    def _enter(self, op: str, ref: RefLike) -> tuple[str, dict[str, FakeImage]]:
        r = as_ref(ref)
        with self._lock:
            self.calls.append((op, r.canonical))
        if self.offline:
            raise RegistryOffline(OFFLINE_MESSAGE)
        err = self._errors.get(r.canonical_name)
        if err is not None:
            raise err
        tags = self._repos.get(r.canonical_name)
        if tags is None:
            raise RegistryNotFound(f"{r.api_host} has no {r.repository} (HTTP 404)")
        return r.canonical_name, tags

    def _find(self, name: str, tags: dict[str, FakeImage], reference: str) -> tuple[str, FakeImage]:
        if reference in tags:
            return reference, tags[reference]
        for tag, img in tags.items():
            if self._index_digest(name, tag, img) == reference:
                return tag, img
        raise RegistryNotFound(f"{name} has no tag or digest {reference} (HTTP 404)")

    @staticmethod
    def _index_digest(name: str, tag: str, img: FakeImage) -> str:
        return fake_digest(name, img.key or tag)

    def list_tags(self, ref: RefLike) -> list[str]:
        _, tags = self._enter("list_tags", ref)
        return sort_tags(tags)

    def digest(self, ref: RefLike) -> str:
        name, tags = self._enter("digest", ref)
        r = as_ref(ref)
        tag, img = self._find(name, tags, r.tag or r.digest or "latest")
        return self._index_digest(name, tag, img)

    def resolve(self, ref: RefLike, platform: str | None = None) -> ImageInfo:
        name, tags = self._enter("resolve", ref)
        r = as_ref(ref)
        tag, img = self._find(name, tags, r.reference)
        key = img.key or tag
        top = self._index_digest(name, tag, img)
        multi = len(img.platforms) > 1
        plats = tuple(
            PlatformManifest(
                os=p.split("/")[0],
                architecture=p.split("/")[1],
                variant=p.split("/")[2] if p.count("/") >= 2 else None,
                digest=fake_digest(name, key, p),
                media_type=MEDIA_OCI_MANIFEST,
                size=500,
            )
            for p in img.platforms
        )
        chosen = plats[0]
        if platform is not None:
            match = next(
                (p for p in plats if p.name == platform or p.name.startswith(platform + "/")), None
            )
            if match is None:
                raise RegistryNotFound(f"{r.canonical} has no {platform} image")
            chosen = match
        elif any(p.name == "linux/amd64" for p in plats):
            chosen = next(p for p in plats if p.name == "linux/amd64")
        return ImageInfo(
            reference=r.canonical,
            digest=top if multi else chosen.digest,
            media_type=MEDIA_OCI_INDEX if multi else MEDIA_OCI_MANIFEST,
            platforms=plats if multi else (),
            platform=chosen.name,
            manifest_digest=chosen.digest,
            created=img.created,
            size=img.size,
        )
