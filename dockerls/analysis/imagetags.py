"""What an image reference says about its base: product, release line, variant, OS release.

``python:3.7-slim-buster`` is Python 3.7, the ``slim`` variant, on Debian 10;
``eclipse-temurin:11-jre-jammy`` is Temurin 11, ``jre``, on Ubuntu 22.04;
``redhat/ubi9-minimal`` is RHEL 9.  The image -> product mapping and the OS codenames are
curated data below (``IMAGES``, ``OS_CODENAMES``); lifecycles come from ``LifecycleData``.

Unknown images, ``latest``, moving tags (``lts``, ``stable``, ``edge``) and untagged
references give ``None``: DL3006 and DL3007 speak about those.

Pure: no IO, no LSP types.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from dockerls.analysis.lifecycle import LifecycleData, Product, Release
from dockerls.syntax.imageref import ImageRef

__all__ = [
    "IMAGES",
    "OS_CODENAMES",
    "ImageFamily",
    "ImageRelease",
    "OsRelease",
    "classify",
    "image_key",
    "snapshot_products",
]

Span = tuple[int, int]


class ImageFamily(NamedTuple):
    """How an image's tags map to an endoflife.date product.

    ``is_os``: the image is the OS itself (debian, ubuntu, alpine...), so its tag names an
    OS release.  ``replaced_by``: the image is deprecated in favour of another (openjdk).
    ``cycle_from_name``: the release line is part of the repository name (``ubi9``).
    """

    product: str
    is_os: bool = False
    replaced_by: str | None = None
    deprecated_since: str | None = None
    cycle_from_name: bool = False


_LANG = {
    "python": "python",
    "node": "nodejs",
    "golang": "go",
    "ruby": "ruby",
    "php": "php",
    "perl": "perl",
    "eclipse-temurin": "eclipse-temurin",
    "amazoncorretto": "amazon-corretto",
    "nginx": "nginx",
    "httpd": "apache-http-server",
    "tomcat": "tomcat",
    "postgres": "postgresql",
    "mysql": "mysql",
    "mariadb": "mariadb",
    "redis": "redis",
    "mongo": "mongodb",
    "memcached": "memcached",
    "rabbitmq": "rabbitmq",
    "haproxy": "haproxy",
    "traefik": "traefik",
    "caddy": "caddy",
    "elasticsearch": "elasticsearch",
    "rust": "rust",
    "erlang": "erlang",
    "elixir": "elixir",
    "gradle": "gradle",
    "maven": "apache-maven",
}
_OS = {
    "debian": "debian",
    "ubuntu": "ubuntu",
    "alpine": "alpine-linux",
    "fedora": "fedora",
    "centos": "centos",
    "rockylinux": "rocky-linux",
    "rockylinux/rockylinux": "rocky-linux",
    "almalinux": "almalinux",
    "amazonlinux": "amazon-linux",
}

#: Repository (familiar name, Docker Hub's ``library/`` dropped) -> family.
IMAGES: dict[str, ImageFamily] = {
    **{name: ImageFamily(product) for name, product in _LANG.items()},
    **{name: ImageFamily(product, is_os=True) for name, product in _OS.items()},
    "openjdk": ImageFamily(
        "eclipse-temurin", replaced_by="eclipse-temurin", deprecated_since="2022-07-01"
    ),
    "oven/bun": ImageFamily("bun"),
    "denoland/deno": ImageFamily("deno"),
    "elastic/elasticsearch": ImageFamily("elasticsearch"),
    "docker.elastic.co/elasticsearch/elasticsearch": ImageFamily("elasticsearch"),
    "mcr.microsoft.com/dotnet/sdk": ImageFamily("dotnet"),
    "mcr.microsoft.com/dotnet/aspnet": ImageFamily("dotnet"),
    "mcr.microsoft.com/dotnet/runtime": ImageFamily("dotnet"),
    "mcr.microsoft.com/dotnet/runtime-deps": ImageFamily("dotnet"),
    "mcr.microsoft.com/dotnet/core/sdk": ImageFamily("dotnet"),
    "mcr.microsoft.com/dotnet/core/aspnet": ImageFamily("dotnet"),
    "mcr.microsoft.com/dotnet/core/runtime": ImageFamily("dotnet"),
    "mcr.microsoft.com/dotnet/core/runtime-deps": ImageFamily("dotnet"),
}

#: Registries that mirror Docker Hub's official images under the same names.
_MIRRORS = (
    "public.ecr.aws/docker/library/",
    "mirror.gcr.io/library/",
    "mirror.gcr.io/",
)

#: Red Hat's UBI images carry the RHEL release in their name.
_UBI = re.compile(
    r"^(?:registry\.access\.redhat\.com/|registry\.redhat\.io/|redhat/)?ubi(\d+)(?:[/-].*)?$"
)

#: Products whose extended support reaches the official images for everyone (Debian LTS).
PUBLIC_EXTENDED = frozenset({"debian"})

#: OS codenames and tag suffixes: token -> (product, cycle).
OS_CODENAMES: dict[str, tuple[str, str]] = {
    # Debian
    "forky": ("debian", "14"),
    "trixie": ("debian", "13"),
    "bookworm": ("debian", "12"),
    "bullseye": ("debian", "11"),
    "buster": ("debian", "10"),
    "stretch": ("debian", "9"),
    "jessie": ("debian", "8"),
    "wheezy": ("debian", "7"),
    # Ubuntu
    "resolute": ("ubuntu", "26.04"),
    "questing": ("ubuntu", "25.10"),
    "plucky": ("ubuntu", "25.04"),
    "oracular": ("ubuntu", "24.10"),
    "noble": ("ubuntu", "24.04"),
    "mantic": ("ubuntu", "23.10"),
    "lunar": ("ubuntu", "23.04"),
    "kinetic": ("ubuntu", "22.10"),
    "jammy": ("ubuntu", "22.04"),
    "impish": ("ubuntu", "21.10"),
    "hirsute": ("ubuntu", "21.04"),
    "groovy": ("ubuntu", "20.10"),
    "focal": ("ubuntu", "20.04"),
    "eoan": ("ubuntu", "19.10"),
    "disco": ("ubuntu", "19.04"),
    "cosmic": ("ubuntu", "18.10"),
    "bionic": ("ubuntu", "18.04"),
    "xenial": ("ubuntu", "16.04"),
    "trusty": ("ubuntu", "14.04"),
    # Red Hat UBI, Amazon Linux, CentOS
    "ubi8": ("rhel", "8"),
    "ubi9": ("rhel", "9"),
    "ubi10": ("rhel", "10"),
    "al2": ("amazon-linux", "2"),
    "al2023": ("amazon-linux", "2023"),
    "amazonlinux2": ("amazon-linux", "2"),
    "amazonlinux2023": ("amazon-linux", "2023"),
    "centos7": ("centos", "7"),
    "centos8": ("centos", "8"),
    "rockylinux8": ("rocky-linux", "8"),
    "rockylinux9": ("rocky-linux", "9"),
}
_ALPINE = re.compile(r"^alpine(\d+\.\d+)$")
_VERSION = re.compile(r"^v?(\d+(?:\.\d+)*)(?:[a-z]+\d*)?$")
#: Tags that move with time: they name no release line.
_MOVING = frozenset(
    {"latest", "lts", "current", "stable", "mainline", "edge", "rolling", "devel", "sid"}
    | {"testing", "unstable", "oldstable", "oldoldstable", "experimental", "rc", "beta"}
    | {"nightly", "canary", "alpha", "next"}
)
#: OS tokens without a release (the release is whatever the image was built on).
_BARE_OS = {"alpine": "alpine-linux", "debian": "debian", "ubuntu": "ubuntu"}


class OsRelease(NamedTuple):
    """The OS release a tag names: ``bookworm`` -> Debian 12.  ``span`` is within the tag."""

    product: str
    cycle: str | None
    token: str
    span: Span


class ImageRelease(NamedTuple):
    """What a reference's tag (or name) says.  Spans are within the reference text."""

    image: str  # the familiar repository name the family was found under
    name: str  # the name as written (``docker.io/library/python``), for suggestions
    family: ImageFamily
    version: str | None  # the version as written (``3.7.2``), None for an OS codename tag
    cycle: str | None  # the release line, when the data knows it
    variant: tuple[str, ...]
    os: OsRelease | None
    version_span: Span | None  # the version (or codename) within the reference

    @property
    def product(self) -> str:
        return self.family.product


def image_key(ref: ImageRef) -> str:
    """The curated-table key of a reference: Hub's familiar name, mirrors folded.

    A ``library/`` namespace on any registry is a mirror of Docker's official images
    (``public.ecr.aws/docker/library/python``, ``registry.local:5000/library/python``).
    """
    name = ref.familiar_name
    if name.startswith("docker.io/"):
        name = name[len("docker.io/") :]
    for mirror in _MIRRORS:
        if name.startswith(mirror):
            return name[len(mirror) :]
    head, sep, rest = name.rpartition("/library/")
    if sep and head and "/" not in rest:
        return rest
    return name


def snapshot_products() -> list[str]:
    """The endoflife.date products the shipped snapshot must cover."""
    products = {family.product for family in IMAGES.values()}
    products.update(product for product, _ in OS_CODENAMES.values())
    return sorted(products)


def _os_token(token: str, start: int) -> OsRelease | None:
    if token in OS_CODENAMES:
        product, cycle = OS_CODENAMES[token]
        return OsRelease(product, cycle, token, (start, start + len(token)))
    match = _ALPINE.match(token)
    if match:
        return OsRelease("alpine-linux", match.group(1), token, (start, start + len(token)))
    if token in _BARE_OS:
        return OsRelease(_BARE_OS[token], None, token, (start, start + len(token)))
    return None


def _tokens(tag: str, offset: int) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    pos = 0
    for token in tag.split("-"):
        out.append((token, offset + pos))
        pos += len(token) + 1
    return out


def _cycle(product: Product | None, version: str) -> Release | None:
    if product is None:
        return None
    return product.release(tuple(version.split(".")))


def classify(ref: ImageRef, data: LifecycleData | None = None) -> ImageRelease | None:
    """Map a reference to product, release line, variant and OS, or ``None``."""
    if ref.has_variables or not ref.is_valid or ref.is_scratch:
        return None
    key = image_key(ref)
    ubi = _UBI.match(key)
    if ubi:
        return _classify_ubi(ref, key, ubi.group(1))
    family = IMAGES.get(key)
    if family is None or ref.tag is None or ref.tag_span is None:
        return None
    tag = ref.tag.lower()
    if tag in _MOVING:
        return None
    product = data.product(family.product) if data else None
    tokens = _tokens(tag, ref.tag_span[0])
    if family.is_os:
        return _classify_os(key, ref.name, family, tokens, product)
    return _classify_app(key, ref.name, family, tokens, product)


def _classify_ubi(ref: ImageRef, key: str, cycle: str) -> ImageRelease:
    start = ref.name_span[0] + ref.name.lower().find(f"ubi{cycle}")
    span = (start, start + 3 + len(cycle))
    family = ImageFamily("rhel", is_os=True, cycle_from_name=True)
    return ImageRelease(key, ref.name, family, cycle, cycle, (), None, span)


def _classify_os(
    key: str, name: str, family: ImageFamily, tokens: list[tuple[str, int]], product: Product | None
) -> ImageRelease | None:
    first, start = tokens[0]
    rest = tuple(token for token, _ in tokens[1:] if not token.isdigit() or len(token) < 8)
    span = (start, start + len(first))
    codename = OS_CODENAMES.get(first)
    if codename is not None and codename[0] == family.product:
        return ImageRelease(key, name, family, None, codename[1], rest, None, span)
    match = _VERSION.match(first)
    if match is None:
        return None
    version = match.group(1)
    release = _cycle(product, version)
    cycle = release.cycle if release else None
    return ImageRelease(key, name, family, version, cycle, rest, None, span)


def _classify_app(
    key: str, name: str, family: ImageFamily, tokens: list[tuple[str, int]], product: Product | None
) -> ImageRelease | None:
    version: str | None = None
    version_span: Span | None = None
    os: OsRelease | None = None
    variant: list[str] = []
    for index, (token, start) in enumerate(tokens):
        if version is None and index <= 1:
            match = _VERSION.match(token)
            if match and (index == 0 or _os_token(tokens[0][0], 0) is not None):
                version = match.group(1)
                version_span = (start, start + len(token))
                continue
        found = _os_token(token, start)
        if found is not None and (os is None or os.cycle is None):
            os = found
            continue
        variant.append(token)
    if version is None:
        return None
    release = _cycle(product, version)
    cycle = release.cycle if release else None
    return ImageRelease(key, name, family, version, cycle, tuple(variant), os, version_span)
