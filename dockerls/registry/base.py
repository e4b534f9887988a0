"""The registry interface: ``ImageRegistry`` plus its result and error types.

Features and the server depend on this Protocol only; ``http.HttpRegistry`` is the
network implementation and ``fake.FakeRegistry`` the deterministic in-memory one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from dockerls.syntax.imageref import ImageRef, parse_image_ref

__all__ = [
    "ImageInfo",
    "ImageRegistry",
    "PlatformManifest",
    "RefLike",
    "RegistryBadResponse",
    "RegistryError",
    "RegistryNotFound",
    "RegistryOffline",
    "RegistryTimeout",
    "RegistryUnauthorized",
    "RegistryUnavailable",
    "as_ref",
]

RefLike = ImageRef | str


def as_ref(ref: RefLike) -> ImageRef:
    """Accept an ``ImageRef`` or reference text; refuse references the registry can't look up."""
    parsed = parse_image_ref(ref) if isinstance(ref, str) else ref
    if parsed.has_variables:
        raise RegistryError(f"cannot look up {parsed.text!r}: it contains variables")
    if parsed.errors:
        raise RegistryError(f"invalid image reference {parsed.text!r}: {parsed.errors[0][0]}")
    return parsed


# -- errors -------------------------------------------------------------------------


class RegistryError(Exception):
    """Base class for every registry failure. ``str(err)`` is a message fit for users."""


class RegistryUnauthorized(RegistryError):
    """The registry refused the request (401/403), or the token exchange failed."""


class RegistryNotFound(RegistryError):
    """Unknown repository, tag or digest (404)."""


class RegistryTimeout(RegistryError):
    """Connecting or reading took longer than the configured timeout."""


class RegistryOffline(RegistryError):
    """Registry lookups are turned off; nothing was requested."""


class RegistryUnavailable(RegistryError):
    """The registry could not be reached (connection refused, DNS, TLS, 5xx)."""


class RegistryBadResponse(RegistryError):
    """The reply was malformed, of an unexpected type, or larger than allowed."""


# -- results ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlatformManifest:
    """One entry of a manifest list / OCI index."""

    os: str
    architecture: str
    variant: str | None
    digest: str
    media_type: str
    size: int | None = None
    os_version: str | None = None

    @property
    def name(self) -> str:
        """``linux/arm64/v8``-style platform string."""
        parts = [self.os, self.architecture]
        if self.variant:
            parts.append(self.variant)
        return "/".join(parts)


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """What ``resolve`` learns about a reference.

    ``digest``/``media_type`` are those of the manifest the reference points at (a
    list/index for multi-platform images: pin to this digest).  ``platforms`` lists
    the index entries (empty for a single-platform manifest).  ``platform``,
    ``manifest_digest``, ``created`` (RFC 3339 text) and ``size`` (config + layers,
    bytes) describe the one image that was inspected: the requested platform, else
    linux/amd64, else the first real entry.
    """

    reference: str
    digest: str
    media_type: str
    platforms: tuple[PlatformManifest, ...] = ()
    platform: str | None = None
    manifest_digest: str | None = None
    created: str | None = None
    size: int | None = None

    @property
    def is_multi_platform(self) -> bool:
        return bool(self.platforms)


# -- the interface ------------------------------------------------------------------


@runtime_checkable
class ImageRegistry(Protocol):
    """Blocking registry lookups. Every method raises a ``RegistryError`` subclass on failure."""

    def list_tags(self, ref: RefLike) -> list[str]:
        """All tags of the repository of ``ref``, highest versions first (see ``sort_tags``)."""
        ...

    def resolve(self, ref: RefLike, platform: str | None = None) -> ImageInfo:
        """Digest, media type, platforms, created date and size of ``ref``."""
        ...

    def digest(self, ref: RefLike) -> str:
        """The content digest ``ref`` currently points at (a HEAD request)."""
        ...
