"""OCI platforms (``os/arch[/variant]``): the one normalisation and the one
matcher that the registry client, the image features and the
InvalidBaseImagePlatform check share.

Normalisation follows the OCI image spec and containerd's rules: names are
lower-cased, architecture aliases become their Go names (``x86_64`` ->
``amd64``, ``aarch64`` -> ``arm64``, ``i386`` -> ``386``, ``armhf`` ->
``arm/v7``, ``armel`` -> ``arm/v6``), ``arm64`` means ``arm64/v8`` and ``arm``
means ``arm/v7`` when no variant is given, a bare number variant gains its
``v`` (``arm/7`` -> ``arm/v7``), and ``amd64`` has no variant (``amd64/v1`` is
plain ``amd64``).
"""

from __future__ import annotations

from typing import NamedTuple

DEFAULT_PLATFORM = "linux/amd64"  # the image inspected (and pulled) when none is asked for

_ARCH_ALIASES: dict[str, tuple[str, str]] = {
    "x86_64": ("amd64", ""),
    "x86-64": ("amd64", ""),
    "aarch64": ("arm64", ""),
    "i386": ("386", ""),
    "i686": ("386", ""),
    "armhf": ("arm", "v7"),
    "armel": ("arm", "v6"),
}
_DEFAULT_VARIANT = {"arm64": "v8", "arm": "v7"}


class Platform(NamedTuple):
    os: str
    arch: str
    variant: str  # "" when the architecture has none

    def __str__(self) -> str:
        return "/".join(p for p in self if p)


def normalize_platform(platform: str) -> Platform:
    """``platform`` in its canonical form (see the module docstring)."""
    os_, _, rest = platform.strip().lower().partition("/")
    arch, _, variant = rest.partition("/")
    if arch in _ARCH_ALIASES:
        arch, implied = _ARCH_ALIASES[arch]
        variant = variant or implied
    if variant.isdigit():
        variant = "v" + variant
    if arch == "amd64" and variant == "v1":
        variant = ""
    variant = variant or _DEFAULT_VARIANT.get(arch, "")
    return Platform(os_, arch, variant)


def platform_matches(have: str, want: str) -> bool:
    """Whether an image published for ``have`` is the one ``want`` asks for:
    the same OS and architecture and, when ``want`` names one (explicitly or
    by its architecture's default), the same variant.  ``linux/arm64`` and
    ``linux/arm64/v8`` match each other; ``linux/arm`` does not match
    ``linux/arm/v6``; a ``want`` with just an OS matches every architecture."""
    h = normalize_platform(have)
    w = normalize_platform(want)
    if h.os != w.os:
        return False
    if not w.arch:
        return True
    return h.arch == w.arch and (not w.variant or h.variant == w.variant)


__all__ = ["Platform", "normalize_platform", "platform_matches"]
