"""The one OCI platform normalisation and matcher, and its three users (the
registry client picking an index entry, tag completion dropping tags without
the platform, and InvalidBaseImagePlatform) agreeing on it."""

from __future__ import annotations

import pytest

from dockerls.analysis.rules.bk_invalid_base_image_platform import _offers
from dockerls.registry.base import PlatformManifest
from dockerls.registry.http import _pick_platform
from dockerls.syntax.platforms import Platform, normalize_platform, platform_matches


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("linux/amd64", "linux/amd64"),
        ("Linux/AMD64", "linux/amd64"),
        ("linux/x86_64", "linux/amd64"),
        ("linux/amd64/v1", "linux/amd64"),
        ("linux/amd64/v3", "linux/amd64/v3"),
        ("linux/arm64", "linux/arm64/v8"),
        ("linux/aarch64", "linux/arm64/v8"),
        ("linux/arm64/8", "linux/arm64/v8"),
        ("linux/arm", "linux/arm/v7"),
        ("linux/armhf", "linux/arm/v7"),
        ("linux/armel", "linux/arm/v6"),
        ("linux/arm/6", "linux/arm/v6"),
        ("linux/i386", "linux/386"),
        ("windows/amd64", "windows/amd64"),
    ],
)
def test_normalisation(written: str, canonical: str) -> None:
    assert str(normalize_platform(written)) == canonical


def test_normalised_parts() -> None:
    assert normalize_platform("linux/arm64") == Platform("linux", "arm64", "v8")


@pytest.mark.parametrize(
    ("have", "want", "expected"),
    [
        ("linux/arm64/v8", "linux/arm64", True),
        ("linux/arm64", "linux/arm64/v8", True),  # one platform, two spellings
        ("linux/aarch64", "linux/arm64", True),
        ("linux/amd64", "linux/arm64", False),
        ("linux/amd64", "windows/amd64", False),
        ("linux/arm/v6", "linux/arm", False),  # linux/arm means v7
        ("linux/arm/v7", "linux/arm", True),
        ("linux/amd64/v2", "linux/amd64", True),  # no variant asked for
        ("linux/amd64", "linux/amd64/v2", False),
        ("linux/s390x", "LINUX/S390X", True),
    ],
)
def test_matches(have: str, want: str, expected: bool) -> None:
    assert platform_matches(have, want) is expected


def _manifest(name: str) -> PlatformManifest:
    os_, arch, *variant = name.split("/")
    return PlatformManifest(
        os=os_,
        architecture=arch,
        variant=variant[0] if variant else None,
        digest="sha256:x",
        media_type="application/vnd.oci.image.manifest.v1+json",
    )


@pytest.mark.parametrize("want", ["linux/arm64/v8", "linux/arm64", "linux/aarch64"])
def test_every_user_agrees(want: str) -> None:
    """An index listing `linux/arm64` (no variant, as many images do) serves
    every spelling of arm64, for the registry client and the check alike."""
    entries = (_manifest("linux/amd64"), _manifest("linux/arm64"))
    picked = _pick_platform(entries, want)
    assert picked is not None and picked.architecture == "arm64"
    assert _offers(["linux/amd64", "linux/arm64"], want)
    assert not _offers(["linux/amd64"], want)
