"""Image references as written after ``FROM`` (and in ``COPY --from``, ``--mount=from=``).

``parse_image_ref(text)`` splits a reference such as ``node``, ``node:20-alpine``,
``ghcr.io/a/b:1@sha256:…``, ``localhost:5000/x`` or ``$REG/x:${TAG}`` into its parts.
It never raises: problems are collected as ``(message, span)`` pairs.

Spans are half-open ``(start, end)`` code-point offsets **within the given string**,
so a caller that knows where the string starts in the document shifts them.

Normalisation follows the rules of the Docker CLI: a first path component is a
registry host when it contains ``.`` or ``:``, is ``localhost``, or has upper-case
letters; otherwise the image lives on Docker Hub (``docker.io``), and a one-component
path gets the ``library/`` prefix.  The Hub's API host is ``registry-1.docker.io``.

Pure: no IO, no LSP types.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = [
    "DOCKER_HUB",
    "DOCKER_HUB_API_HOST",
    "ImageRef",
    "parse_image_ref",
]

DOCKER_HUB = "docker.io"
DOCKER_HUB_API_HOST = "registry-1.docker.io"
_HUB_ALIASES = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})

Span = tuple[int, int]

_PATH_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
_DIGEST = re.compile(r"[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[A-Za-z0-9=_-]+")
_DOMAIN = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
    r"|\[[0-9A-Fa-f:.]+\])"
    r"(?::[0-9]+)?"
)
_IDENTIFIER = re.compile(r"[a-f0-9]{64}")
_HEX_LEN = {"sha256": 64, "sha384": 96, "sha512": 128}


class ImageRef(NamedTuple):
    """A parsed image reference.

    ``registry`` is the host as written (``None`` when implicit); ``path`` is the
    repository path as written.  ``name_span`` covers ``[registry/]path``,
    ``tag_span`` the tag without its ``:``, ``digest_span`` the digest without its ``@``.
    """

    text: str
    registry: str | None
    path: str
    tag: str | None
    digest: str | None
    name_span: Span
    tag_span: Span | None
    digest_span: Span | None
    has_variables: bool
    errors: tuple[tuple[str, Span], ...]

    # -- normalised views ---------------------------------------------------------

    @property
    def name(self) -> str:
        """The name as written: ``[registry/]path``."""
        return self.text[self.name_span[0] : self.name_span[1]]

    @property
    def domain(self) -> str:
        """Normalised registry host (``docker.io`` for Docker Hub)."""
        if self.registry is None or self.registry.lower() in _HUB_ALIASES:
            return DOCKER_HUB
        return self.registry

    @property
    def is_docker_hub(self) -> bool:
        return self.domain == DOCKER_HUB

    @property
    def api_host(self) -> str:
        """The host that serves the registry HTTP API (``registry-1.docker.io`` for the Hub)."""
        return DOCKER_HUB_API_HOST if self.is_docker_hub else self.domain

    @property
    def repository(self) -> str:
        """Normalised repository path (``node`` -> ``library/node`` on Docker Hub)."""
        if self.is_docker_hub and "/" not in self.path:
            return f"library/{self.path}"
        return self.path

    @property
    def canonical_name(self) -> str:
        """``docker.io/library/node``, ``ghcr.io/a/b``."""
        return f"{self.domain}/{self.repository}"

    @property
    def canonical(self) -> str:
        """Fully qualified reference; an untagged, undigested reference gets no tag."""
        out = self.canonical_name
        if self.tag is not None:
            out += f":{self.tag}"
        if self.digest is not None:
            out += f"@{self.digest}"
        return out

    @property
    def familiar_name(self) -> str:
        """The short form Docker prints: ``node``, ``bitnami/redis``, ``ghcr.io/a/b``."""
        if self.is_docker_hub:
            repo = self.repository
            return repo[len("library/") :] if repo.startswith("library/") else repo
        return self.canonical_name

    @property
    def reference(self) -> str:
        """What to ask the registry for: the digest if present, else the tag, else ``latest``."""
        return self.digest or self.tag or "latest"

    @property
    def is_scratch(self) -> bool:
        return self.text == "scratch"

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def with_tag(self, tag: str) -> str:
        """The reference text with ``tag`` set (digest kept)."""
        out = f"{self.name}:{tag}"
        return out + (f"@{self.digest}" if self.digest else "")

    def with_digest(self, digest: str, *, keep_tag: bool = True) -> str:
        """The reference text pinned to ``digest`` (tag kept by default)."""
        out = self.name
        if keep_tag and self.tag is not None:
            out += f":{self.tag}"
        return f"{out}@{digest}"


def _scan_separators(text: str) -> tuple[list[int], list[int], list[int], bool]:
    """Positions of ``/``, ``:`` and ``@`` outside ``${...}``; and whether ``$`` occurs."""
    slashes: list[int] = []
    colons: list[int] = []
    ats: list[int] = []
    has_vars = False
    depth = 0
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n:
            i += 2
            continue
        if c == "$":
            has_vars = True
            if i + 1 < n and text[i + 1] == "{":
                depth += 1
                i += 2
                continue
        elif c == "}" and depth:
            depth -= 1
        elif depth == 0:
            if c == "/":
                slashes.append(i)
            elif c == ":":
                colons.append(i)
            elif c == "@":
                ats.append(i)
        i += 1
    return slashes, colons, ats, has_vars


def _has_var(s: str) -> bool:
    return "$" in s


def parse_image_ref(text: str) -> ImageRef:
    """Parse ``text`` (one image reference, no surrounding whitespace). Never raises."""
    errors: list[tuple[str, Span]] = []
    n = len(text)
    slashes, colons, ats, has_vars = _scan_separators(text)

    if n == 0:
        return ImageRef(
            text,
            None,
            "",
            None,
            None,
            (0, 0),
            None,
            None,
            False,
            (("empty image reference", (0, 0)),),
        )

    digest: str | None = None
    digest_span: Span | None = None
    end = n
    if ats:
        at = ats[-1]
        digest_span = (at + 1, n)
        digest = text[at + 1 :]
        end = at
        for extra in ats[:-1]:
            errors.append(("unexpected '@' in image name", (extra, extra + 1)))

    tag: str | None = None
    tag_span: Span | None = None
    last_slash = max((s for s in slashes if s < end), default=-1)
    tag_colons = [c for c in colons if last_slash < c < end]
    name_end = end
    if tag_colons:
        colon = tag_colons[-1]
        tag_span = (colon + 1, end)
        tag = text[colon + 1 : end]
        name_end = colon

    name = text[:name_end]
    name_span: Span = (0, name_end)
    registry: str | None = None
    path = name
    path_start = 0
    first_slash = next((s for s in slashes if s < name_end), -1)
    if first_slash != -1:
        first = name[:first_slash]
        if (
            _has_var(first)
            or "." in first
            or ":" in first
            or first == "localhost"
            or first.lower() != first
        ):
            registry = first
            path = name[first_slash + 1 :]
            path_start = first_slash + 1

    # -- validation (skipped for parts containing variables) ---------------------
    if registry is not None and not _has_var(registry) and not _DOMAIN.fullmatch(registry):
        errors.append((f"invalid registry host {registry!r}", (0, len(registry))))

    if not path:
        errors.append(("missing repository name", (path_start, name_end)))
    elif registry is None and _IDENTIFIER.fullmatch(path):
        errors.append(("a 64-character hex string is an image ID, not a name", name_span))
    elif not _has_var(path):
        offset = path_start
        for comp in path.split("/"):
            span = (offset, offset + len(comp))
            if not comp:
                errors.append(("empty path component in repository name", span))
            elif comp.lower() != comp and _PATH_COMPONENT.fullmatch(comp.lower()):
                errors.append(("repository name must be lowercase", span))
            elif not _PATH_COMPONENT.fullmatch(comp):
                errors.append(
                    (f"invalid repository name component {comp!r}", span),
                )
            offset += len(comp) + 1
        if len(path) + (len(registry) + 1 if registry else 0) > 255:
            errors.append(("repository name is longer than 255 characters", name_span))

    if tag is not None and tag_span is not None and not _has_var(tag):
        if not tag:
            errors.append(("empty tag after ':'", (tag_span[0] - 1, tag_span[0])))
        elif not _TAG.fullmatch(tag):
            errors.append((f"invalid tag {tag!r}", tag_span))

    if digest is not None and digest_span is not None and not _has_var(digest):
        if not digest:
            errors.append(("empty digest after '@'", (digest_span[0] - 1, digest_span[0])))
        elif not _DIGEST.fullmatch(digest):
            errors.append((f"invalid digest {digest!r} (expected algorithm:hex)", digest_span))
        else:
            algo, _, hexpart = digest.partition(":")
            want = _HEX_LEN.get(algo)
            if want is None:
                errors.append((f"unsupported digest algorithm {algo!r}", digest_span))
            elif len(hexpart) != want:
                errors.append(
                    (
                        f"{algo} digest must have {want} hex characters, not {len(hexpart)}",
                        digest_span,
                    )
                )
            elif not re.fullmatch(r"[0-9a-f]+", hexpart):
                errors.append(("digest must be lowercase hex", digest_span))

    return ImageRef(
        text=text,
        registry=registry,
        path=path,
        tag=tag,
        digest=digest,
        name_span=name_span,
        tag_span=tag_span,
        digest_span=digest_span,
        has_variables=has_vars,
        errors=tuple(errors),
    )
