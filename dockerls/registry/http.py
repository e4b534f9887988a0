"""``HttpRegistry``: the Docker Registry HTTP API v2 / OCI distribution client.

This is the only module in dockerls that opens sockets.

- Auth: anonymous; bearer tokens through the ``WWW-Authenticate`` challenge
  (realm/service/scope, as Docker Hub and GHCR do), the token fetched with basic
  credentials or, for an identity token (``az acr login``), by an OAuth2
  refresh-token POST; basic auth.  Credentials come from
  Docker's ``config.json`` (see ``credentials.py``) and only ever go to the registry
  host they belong to, and to the token realm for the token request.  Redirects are
  followed by hand: the ``Authorization`` header is dropped as soon as a redirect
  leaves the registry host (blob storage, CDNs).
- Transport: TLS verification is always on.  Plain HTTP is used only for loopback
  hosts (``localhost``, 127.0.0.0/8, ::1) and ``insecure_registries``; for those,
  HTTPS is tried first and HTTP is the fallback, as the Docker daemon does.
- Limits: connect/read timeouts, a deadline for each reply, a cap on reply size (the
  body is streamed and the transfer aborted past the cap).
- A TTL cache (memory + disk) for tag lists and resolved images; an offline switch
  under which nothing is requested and ``RegistryOffline`` is raised.
- Every failure is a ``RegistryError`` subclass and is logged; nothing is swallowed.
"""

from __future__ import annotations

import base64
import dataclasses
import email.utils
import hashlib
import ipaddress
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlencode, urljoin, urlsplit

from dockerls.registry.base import (
    ImageInfo,
    PlatformManifest,
    RefLike,
    RegistryBadResponse,
    RegistryError,
    RegistryNotFound,
    RegistryOffline,
    RegistryTimeout,
    RegistryUnauthorized,
    RegistryUnavailable,
    as_ref,
)
from dockerls.registry.cache import TTLCache
from dockerls.registry.credentials import Credentials, DockerConfig
from dockerls.registry.session import LazySession
from dockerls.registry.settings import RegistrySettings
from dockerls.registry.tags import sort_tags
from dockerls.syntax.imageref import ImageRef
from dockerls.syntax.platforms import DEFAULT_PLATFORM, platform_matches

if TYPE_CHECKING:
    import requests

__all__ = [
    "MEDIA_DOCKER_LIST",
    "MEDIA_DOCKER_MANIFEST",
    "MEDIA_OCI_INDEX",
    "MEDIA_OCI_MANIFEST",
    "OFFLINE_MESSAGE",
    "HttpRegistry",
    "is_loopback_host",
    "sort_tags",
]

log = logging.getLogger(__name__)
T = TypeVar("T")

OFFLINE_MESSAGE = "registry lookups are turned off"

MEDIA_DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
MEDIA_DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
MEDIA_OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MEDIA_OCI_INDEX = "application/vnd.oci.image.index.v1+json"
_INDEX_TYPES = frozenset({MEDIA_DOCKER_LIST, MEDIA_OCI_INDEX})
_MANIFEST_TYPES = frozenset({MEDIA_DOCKER_MANIFEST, MEDIA_OCI_MANIFEST})
MANIFEST_ACCEPT = ", ".join(
    [MEDIA_OCI_INDEX, MEDIA_DOCKER_LIST, MEDIA_OCI_MANIFEST, MEDIA_DOCKER_MANIFEST]
)
_MAX_REDIRECTS = 5
_TAG_PAGE_SIZE = 1000
_USER_AGENT = "dockerls-registry-client"


def _split_host_port(host: str) -> tuple[str, str | None]:
    if host.startswith("["):
        end = host.find("]")
        name = host[1:end]
        rest = host[end + 1 :]
        return name, rest[1:] if rest.startswith(":") else None
    if host.count(":") == 1:
        name, port = host.split(":")
        return name, port
    return host, None


def is_loopback_host(host: str) -> bool:
    """``localhost``, 127.0.0.0/8 and ::1, with or without a port."""
    name, _ = _split_host_port(host)
    if name.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _netloc(url: str) -> str:
    return urlsplit(url).netloc.lower()


@dataclass(frozen=True, slots=True)
class _Reply:
    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str

    def json(self, what: str) -> Any:
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise RegistryBadResponse(
                f"{_netloc(self.url)} sent malformed JSON for {what}: {exc}"
            ) from None


@dataclass(frozen=True, slots=True)
class _Challenge:
    scheme: str  # "bearer" | "basic"
    params: dict[str, str]


def _parse_challenge(header: str) -> _Challenge | None:
    """Parse ``Bearer realm="…",service="…",scope="…"`` (or ``Basic realm=…``)."""
    header = header.strip()
    if not header:
        return None
    scheme, _, rest = header.partition(" ")
    params: dict[str, str] = {}
    i, n = 0, len(rest)
    while i < n:
        while i < n and rest[i] in " ,":
            i += 1
        eq = rest.find("=", i)
        if eq == -1:
            break
        key = rest[i:eq].strip().lower()
        i = eq + 1
        if i < n and rest[i] == '"':
            i += 1
            buf: list[str] = []
            while i < n and rest[i] != '"':
                if rest[i] == "\\" and i + 1 < n:
                    i += 1
                buf.append(rest[i])
                i += 1
            i += 1
            params[key] = "".join(buf)
        else:
            end = rest.find(",", i)
            end = n if end == -1 else end
            params[key] = rest[i:end].strip()
            i = end
    return _Challenge(scheme.lower(), params)


def _registry_error_detail(body: bytes) -> str:
    try:
        data = json.loads(body)
        errs = data.get("errors") if isinstance(data, dict) else None
        if isinstance(errs, list) and errs and isinstance(errs[0], dict):
            code = errs[0].get("code", "")
            msg = errs[0].get("message", "")
            return f"{code}: {msg}".strip(": ")
    except ValueError:
        pass
    return ""


class HttpRegistry:
    """Blocking ``ImageRegistry`` over HTTP. Thread-safe enough for a small worker pool."""

    def __init__(
        self,
        settings: RegistrySettings | None = None,
        *,
        session: requests.Session | None = None,
        docker_config: DockerConfig | None = None,
    ) -> None:
        self.settings = settings or RegistrySettings()
        # no .netrc credentials, no env proxies surprises
        self._session = LazySession(trust_env=False, given=session)
        self._config = docker_config or DockerConfig(
            self.settings.resolved_docker_config(), self.settings.credential_helper_timeout_s
        )
        cache_dir = self.settings.resolved_cache_dir() if self.settings.use_disk_cache else None
        self.cache = TTLCache(self.settings.cache_ttl_seconds, cache_dir)
        self._lock = threading.Lock()
        self._schemes: dict[str, str] = {}
        self._tokens: dict[tuple[str, str], tuple[str, float]] = {}
        self._basic_hosts: set[str] = set()
        self._creds: dict[str, Credentials | None] = {}
        self._insecure = {h.lower() for h in self.settings.insecure_registries}
        # host -> (monotonic time until which it is not asked again, why)
        self._backoff: dict[str, tuple[float, str]] = {}

    # -- public API -------------------------------------------------------------------

    def list_tags(self, ref: RefLike) -> list[str]:
        r = as_ref(ref)
        key = f"tags|{r.api_host}|{r.repository}"
        cached = self.cache.get(key)
        if isinstance(cached, list):
            return list(cached)
        tags = self._logged(f"listing tags of {r.canonical_name}", self._list_tags, r)
        self.cache.put(key, tags)
        return list(tags)

    def resolve(self, ref: RefLike, platform: str | None = None) -> ImageInfo:
        r = as_ref(ref)
        key = f"info|{r.api_host}|{r.repository}|{r.reference}|{platform or ''}"
        cached = self.cache.get(key)
        if isinstance(cached, dict):
            try:
                return _info_from_json(cached)
            except (TypeError, KeyError, ValueError):
                log.warning("registry cache: dropping a malformed entry for %s", r.canonical)
        info = self._logged(f"resolving {r.canonical}", self._resolve, r, platform)
        self.cache.put(key, dataclasses.asdict(info))
        return info

    def digest(self, ref: RefLike) -> str:
        """Current digest of the tag (``latest`` if none); of the digest for digest-only refs."""
        r = as_ref(ref)
        return self._logged(f"fetching the digest of {r.canonical}", self._digest, r)

    def peek_tags(self, ref: RefLike) -> list[str] | None:
        """Cached tags, or ``None``; never touches the network."""
        r = as_ref(ref)
        cached = self.cache.get(f"tags|{r.api_host}|{r.repository}")
        return list(cached) if isinstance(cached, list) else None

    def peek_info(self, ref: RefLike, platform: str | None = None) -> ImageInfo | None:
        """Cached ``resolve`` result, or ``None``; never touches the network."""
        r = as_ref(ref)
        cached = self.cache.get(f"info|{r.api_host}|{r.repository}|{r.reference}|{platform or ''}")
        if isinstance(cached, dict):
            try:
                return _info_from_json(cached)
            except (TypeError, KeyError, ValueError):
                return None
        return None

    def manifest(self, ref: RefLike, reference: str) -> tuple[str, str, dict[str, Any]]:
        """``(digest, media type, body)`` of a manifest or index; digests are verified."""
        r = as_ref(ref)
        return self._logged(
            f"fetching manifest {reference} of {r.canonical_name}", self._get_manifest, r, reference
        )

    def blob(self, ref: RefLike, digest: str) -> bytes:
        """A blob's bytes (size-capped, digest verified)."""
        r = as_ref(ref)
        reply = self._logged(
            f"fetching blob {digest} of {r.canonical_name}", self._get_blob, r, digest
        )
        return reply.body

    def close(self) -> None:
        self._session.close()

    # -- operations -------------------------------------------------------------------

    def _logged(self, what: str, fn: Callable[..., T], *args: Any) -> T:
        try:
            return fn(*args)
        except RegistryOffline:
            log.debug("%s: %s", what, OFFLINE_MESSAGE)
            raise
        except RegistryError as exc:
            log.warning("%s failed: %s", what, exc)
            raise

    def _list_tags(self, r: ImageRef) -> list[str]:
        host, repo = r.api_host, r.repository
        path = f"/v2/{repo}/tags/list?{urlencode({'n': _TAG_PAGE_SIZE})}"
        tags: list[str] = []
        url: str | None = None
        for page in range(self.settings.max_tag_pages):
            try:
                reply = self._get(host, repo, url or path, accept="application/json")
            except RegistryBadResponse as exc:
                if page == 0 and url is None and "HTTP 400" in str(exc):
                    # some registries reject large ?n=: fall back to their default page size
                    path = f"/v2/{repo}/tags/list"
                    reply = self._get(host, repo, path, accept="application/json")
                else:
                    raise
            data = reply.json(f"the tag list of {r.canonical_name}")
            page_tags = data.get("tags") if isinstance(data, dict) else None
            if page_tags is None and isinstance(data, dict) and "tags" in data:
                page_tags = []
            if not isinstance(page_tags, list) or not all(isinstance(t, str) for t in page_tags):
                raise RegistryBadResponse(
                    f"{host} sent a tag list for {r.canonical_name} without a 'tags' array"
                )
            tags.extend(page_tags)
            url = self._next_link(reply)
            if url is None:
                break
        else:
            log.warning(
                "tag list of %s truncated after %d pages",
                r.canonical_name,
                self.settings.max_tag_pages,
            )
        return sort_tags(tags)

    def _next_link(self, reply: _Reply) -> str | None:
        link = reply.headers.get("Link")
        if not link:
            return None
        import requests.utils  # loaded with the session that fetched the reply

        for entry in requests.utils.parse_header_links(link):
            if entry.get("rel") == "next" and entry.get("url"):
                nxt = urljoin(reply.url, entry["url"])
                if _netloc(nxt) != _netloc(reply.url):
                    log.warning("ignoring a tag-list Link to another host: %s", _netloc(nxt))
                    return None
                return nxt
        return None

    def _get_manifest(self, r: ImageRef, reference: str) -> tuple[str, str, dict[str, Any]]:
        host, repo = r.api_host, r.repository
        reply = self._get(host, repo, f"/v2/{repo}/manifests/{reference}", accept=MANIFEST_ACCEPT)
        body_digest = "sha256:" + hashlib.sha256(reply.body).hexdigest()
        if reference.startswith("sha256:") and reference != body_digest:
            raise RegistryBadResponse(
                f"{host} sent a manifest whose digest {body_digest} is not the requested {reference}"
            )
        data = reply.json(f"the manifest of {r.canonical_name}@{reference}")
        if not isinstance(data, dict):
            raise RegistryBadResponse(f"{host} sent a manifest that is not a JSON object")
        ctype = reply.headers.get("Content-Type", "").split(";")[0].strip()
        media_type = data.get("mediaType") if isinstance(data.get("mediaType"), str) else None
        if media_type is None:
            media_type = ctype or (MEDIA_OCI_INDEX if "manifests" in data else MEDIA_OCI_MANIFEST)
        return body_digest, media_type, data

    def _resolve(self, r: ImageRef, platform: str | None) -> ImageInfo:
        digest, media_type, data = self._get_manifest(r, r.reference)
        platforms: tuple[PlatformManifest, ...] = ()
        image_digest, image_data = digest, data
        chosen: str | None = None
        if media_type in _INDEX_TYPES or "manifests" in data:
            platforms = _parse_platforms(data, r)
            if not platforms:
                raise RegistryBadResponse(f"{r.canonical} is an index without platform images")
            entry = _pick_platform(platforms, platform)
            if entry is None:
                raise RegistryNotFound(
                    f"{r.canonical} has no {platform} image (it has: "
                    + ", ".join(p.name for p in platforms)
                    + ")"
                )
            chosen = entry.name
            image_digest, _child_type, image_data = self._get_manifest(r, entry.digest)
        elif media_type not in _MANIFEST_TYPES and "config" not in data:
            raise RegistryBadResponse(
                f"{r.canonical} has an unsupported manifest type {media_type}"
            )

        config = image_data.get("config")
        layers = image_data.get("layers")
        size: int | None = None
        created: str | None = None
        if isinstance(config, dict) and isinstance(config.get("digest"), str):
            sizes = [config.get("size")]
            if isinstance(layers, list):
                sizes += [layer.get("size") for layer in layers if isinstance(layer, dict)]
            if all(isinstance(s, int) for s in sizes):
                size = sum(s for s in sizes if isinstance(s, int))
            blob = self._get_blob(r, config["digest"])
            cfg = blob.json(f"the image config of {r.canonical}")
            if isinstance(cfg, dict):
                c = cfg.get("created")
                created = c if isinstance(c, str) else None
                if chosen is None and isinstance(cfg.get("os"), str):
                    parts = [cfg["os"], cfg.get("architecture")]
                    if isinstance(cfg.get("variant"), str):
                        parts.append(cfg["variant"])
                    chosen = "/".join(p for p in parts if isinstance(p, str))
        if (
            platform is not None
            and not platforms
            and chosen is not None
            and not platform_matches(chosen, platform)
        ):
            raise RegistryNotFound(f"{r.canonical} is a single-platform image for {chosen}")
        return ImageInfo(
            reference=r.canonical,
            digest=digest,
            media_type=media_type,
            platforms=platforms,
            platform=chosen,
            manifest_digest=image_digest,
            created=created,
            size=size,
        )

    def _get_blob(self, r: ImageRef, digest: str) -> _Reply:
        reply = self._get(
            r.api_host, r.repository, f"/v2/{r.repository}/blobs/{digest}", accept="*/*"
        )
        if digest.startswith("sha256:"):
            got = "sha256:" + hashlib.sha256(reply.body).hexdigest()
            if got != digest:
                raise RegistryBadResponse(f"blob {digest} of {r.canonical_name} has digest {got}")
        return reply

    def _digest(self, r: ImageRef) -> str:
        reference = r.tag or r.digest or "latest"
        host, repo = r.api_host, r.repository
        reply = self._request(
            "HEAD", host, repo, f"/v2/{repo}/manifests/{reference}", accept=MANIFEST_ACCEPT
        )
        value = reply.headers.get("Docker-Content-Digest", "").strip()
        if value:
            return value
        log.info("%s sent no Docker-Content-Digest; hashing the manifest instead", host)
        digest, _, _ = self._get_manifest(r, reference)
        return digest

    # -- HTTP machinery ---------------------------------------------------------------

    def _plain_http_allowed(self, host: str) -> bool:
        return is_loopback_host(host) or host.lower() in self._insecure

    def _credentials(self, host: str) -> Credentials | None:
        with self._lock:
            if host in self._creds:
                return self._creds[host]
        creds = self._config.credentials(host)
        if host == "registry-1.docker.io" and creds is None:
            creds = self._config.credentials("docker.io")
        with self._lock:
            self._creds[host] = creds
        return creds

    def _get(self, host: str, repo: str, path: str, *, accept: str) -> _Reply:
        return self._request("GET", host, repo, path, accept=accept)

    def _request(self, method: str, host: str, repo: str, path: str, *, accept: str) -> _Reply:
        if not self.settings.enabled:
            raise RegistryOffline(OFFLINE_MESSAGE)
        with self._lock:
            held = self._backoff.get(host)
        if held is not None:
            if held[0] > time.monotonic():
                raise RegistryUnavailable(held[1])
            with self._lock:
                self._backoff.pop(host, None)
        scope = f"repository:{repo}:pull"
        headers = {"Accept": accept, "User-Agent": _USER_AGENT}
        reply = self._send_to_registry(method, host, path, headers, self._auth_header(host, scope))
        if reply.status == 401:
            challenge = _parse_challenge(reply.headers.get("WWW-Authenticate", ""))
            auth = self._answer_challenge(host, scope, challenge)
            if auth is not None:
                reply = self._send_to_registry(method, host, path, headers, auth)
        return self._check(reply, host, repo, method)

    def _check(self, reply: _Reply, host: str, repo: str, method: str) -> _Reply:
        status = reply.status
        if 200 <= status < 300:
            return reply
        detail = _registry_error_detail(reply.body)
        suffix = f" ({detail})" if detail else ""
        if status in (401, 403):
            raise RegistryUnauthorized(
                f"{host} refused access to {repo} (HTTP {status}){suffix}; "
                "check the credentials in your Docker config"
            )
        if status == 404:
            raise RegistryNotFound(f"{host} has no {repo} or no such tag/digest (HTTP 404){suffix}")
        if status == 429:
            wait = _retry_after(reply.headers)
            limit = _rate_limit(reply.headers)
            msg = f"{host} is rate-limiting requests (HTTP 429){suffix}"
            if limit:
                msg += f"; its limit is {limit}"
            msg += f"; not asking it again for {_duration(wait)}"
            with self._lock:
                self._backoff[host] = (time.monotonic() + wait, msg)
            raise RegistryUnavailable(msg)
        if status >= 500:
            raise RegistryUnavailable(f"{host} failed with HTTP {status}{suffix}")
        raise RegistryBadResponse(f"{host} answered {method} with HTTP {status}{suffix}")

    def _auth_header(self, host: str, scope: str) -> str | None:
        with self._lock:
            token = self._tokens.get((host, scope))
            basic = host in self._basic_hosts
        if token is not None and token[1] > time.monotonic():
            return f"Bearer {token[0]}"
        if basic:
            creds = self._credentials(host)
            if creds is not None:
                return _basic(creds)
        return None

    def _answer_challenge(self, host: str, scope: str, challenge: _Challenge | None) -> str | None:
        if challenge is None:
            return None
        if challenge.scheme == "basic":
            creds = self._credentials(host)
            if creds is None:
                raise RegistryUnauthorized(
                    f"{host} needs a login and no credentials for it were found in the Docker config"
                )
            with self._lock:
                self._basic_hosts.add(host)
            return _basic(creds)
        if challenge.scheme == "bearer":
            token = self._fetch_token(host, scope, challenge.params)
            return f"Bearer {token}"
        log.warning("%s asked for unsupported auth scheme %r", host, challenge.scheme)
        return None

    def _fetch_token(self, host: str, scope: str, params: dict[str, str]) -> str:
        realm = params.get("realm")
        if not realm:
            raise RegistryBadResponse(f"{host} sent a bearer challenge without a realm")
        parts = urlsplit(realm)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            raise RegistryBadResponse(f"{host} sent an unusable token realm {realm!r}")
        if parts.scheme == "http" and not self._plain_http_allowed(parts.netloc):
            raise RegistryBadResponse(
                f"{host} wants tokens from {parts.netloc} over plain HTTP; refusing"
            )
        query: list[tuple[str, str]] = []
        if params.get("service"):
            query.append(("service", params["service"]))
        query.append(("scope", params.get("scope") or scope))
        creds = self._credentials(host)
        headers = {"Accept": "application/json", "User-Agent": _USER_AGENT}
        if creds is not None and creds.is_identity_token:
            # an identity (refresh) token, as `az acr login` and Docker Desktop
            # store them: exchanged for an access token by an OAuth2 POST
            url = realm
            form = [
                ("grant_type", "refresh_token"),
                ("refresh_token", creds.password),
                ("client_id", "dockerls"),
                ("access_type", "offline"),
                *query,
            ]
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            reply = self._send(
                url, "POST", headers, auth_netloc=_netloc(url), data=urlencode(form).encode()
            )
        else:
            url = realm + ("&" if parts.query else "?") + urlencode(query)
            if creds is not None:
                headers["Authorization"] = _basic(creds)
            reply = self._send(url, "GET", headers, auth_netloc=_netloc(url))
        if reply.status in (401, 403):
            raise RegistryUnauthorized(
                f"the token service of {host} refused the credentials (HTTP {reply.status})"
            )
        if not 200 <= reply.status < 300:
            raise RegistryUnavailable(
                f"the token service of {host} failed with HTTP {reply.status}"
            )
        data = reply.json(f"the token from {parts.netloc}")
        token = None
        if isinstance(data, dict):
            token = data.get("token") or data.get("access_token")
        if not isinstance(token, str) or not token:
            raise RegistryBadResponse(f"the token service of {host} sent no token")
        expires = data.get("expires_in") if isinstance(data, dict) else None
        lifetime = float(expires) if isinstance(expires, (int, float)) and expires > 0 else 60.0
        with self._lock:
            self._tokens[(host, scope)] = (token, time.monotonic() + max(lifetime - 10.0, 5.0))
        return token

    def _send_to_registry(
        self, method: str, host: str, path: str, headers: dict[str, str], auth: str | None
    ) -> _Reply:
        """Send to ``host``, choosing https (or http for loopback/insecure hosts)."""
        if path.startswith(("http://", "https://")):
            url = path
        else:
            with self._lock:
                scheme = self._schemes.get(host, "https")
            url = f"{scheme}://{host}{path}"
        hdrs = dict(headers)
        if auth is not None:
            hdrs["Authorization"] = auth
        try:
            reply = self._send(url, method, hdrs, auth_netloc=host.lower())
        except RegistryUnavailable as exc:
            import requests  # loaded by _send

            if (
                url.startswith("https://")
                and self._plain_http_allowed(host)
                and self._schemes.get(host) != "https"
                and isinstance(exc.__cause__, requests.ConnectionError)
            ):
                log.info("%s does not speak TLS; using plain HTTP (loopback/insecure host)", host)
                with self._lock:
                    self._schemes[host] = "http"
                return self._send(
                    "http" + url[len("https") :], method, hdrs, auth_netloc=host.lower()
                )
            raise
        if url.startswith("https://") and host not in self._schemes:
            with self._lock:
                self._schemes[host] = "https"  # TLS works: never downgrade this host later
        return reply

    def _send(
        self,
        url: str,
        method: str,
        headers: dict[str, str],
        *,
        auth_netloc: str,
        data: bytes | None = None,
    ) -> _Reply:
        """One request with manual redirects; ``Authorization`` only goes to
        ``auth_netloc``.  A body (it carries a secret: a refresh token) is
        never sent anywhere else: a redirect away from ``auth_netloc`` fails."""
        timeout_s = self.settings.timeout_ms / 1000.0
        hdrs = dict(headers)
        session = self._session()
        import requests  # loaded by the session

        for _ in range(_MAX_REDIRECTS + 1):
            netloc = _netloc(url)
            if netloc != auth_netloc:
                hdrs.pop("Authorization", None)
                if data is not None:
                    raise RegistryBadResponse(
                        f"{auth_netloc} redirected a token request to {netloc}; refusing"
                    )
            try:
                resp = session.request(
                    method,
                    url,
                    headers=hdrs,
                    data=data,
                    timeout=(timeout_s, timeout_s),
                    allow_redirects=False,
                    stream=True,
                    verify=True,
                )
            except requests.Timeout as exc:
                raise RegistryTimeout(
                    f"{netloc} did not answer within {self.settings.timeout_ms} ms"
                ) from exc
            except requests.ConnectionError as exc:
                if "timed out" in str(exc):
                    raise RegistryTimeout(
                        f"{netloc} did not answer within {self.settings.timeout_ms} ms"
                    ) from exc
                raise RegistryUnavailable(f"cannot reach {netloc}: {_short(exc)}") from exc
            except requests.RequestException as exc:
                raise RegistryUnavailable(f"request to {netloc} failed: {_short(exc)}") from exc
            try:
                if resp.status_code in (301, 302, 303, 307, 308) and "Location" in resp.headers:
                    target = urljoin(url, resp.headers["Location"])
                    tparts = urlsplit(target)
                    if tparts.scheme == "http" and not self._plain_http_allowed(tparts.netloc):
                        raise RegistryBadResponse(
                            f"{netloc} redirected to plain-HTTP {tparts.netloc}; refusing"
                        )
                    if tparts.scheme not in ("http", "https"):
                        raise RegistryBadResponse(f"{netloc} redirected to {tparts.scheme}:")
                    if resp.status_code == 303:
                        method = "GET" if method != "HEAD" else "HEAD"
                        data = None
                        hdrs.pop("Content-Type", None)
                    url = target
                    continue
                body = b"" if method == "HEAD" else self._read_body(resp, netloc, timeout_s)
                return _Reply(resp.status_code, resp.headers, body, url)
            finally:
                resp.close()
        raise RegistryBadResponse(f"too many redirects from {_netloc(url)}")

    def _read_body(self, resp: requests.Response, netloc: str, timeout_s: float) -> bytes:
        cap = self.settings.max_response_bytes
        length = resp.headers.get("Content-Length")
        if length is not None and length.isdigit() and int(length) > cap:
            raise RegistryBadResponse(
                f"{netloc} sent a reply of {int(length)} bytes; the limit is {cap} bytes"
            )
        import requests  # loaded by the session that sent the request

        deadline = time.monotonic() + max(timeout_s * 4, timeout_s + 1.0)
        chunks: list[bytes] = []
        total = 0
        try:
            for chunk in resp.iter_content(64 * 1024):
                total += len(chunk)
                if total > cap:
                    raise RegistryBadResponse(
                        f"{netloc} sent more than {cap} bytes; the transfer was aborted"
                    )
                if time.monotonic() > deadline:
                    raise RegistryTimeout(f"{netloc} is sending its reply too slowly")
                chunks.append(chunk)
        except requests.Timeout as exc:
            raise RegistryTimeout(
                f"{netloc} stopped sending within {self.settings.timeout_ms} ms"
            ) from exc
        except requests.RequestException as exc:
            raise RegistryUnavailable(f"reading from {netloc} failed: {_short(exc)}") from exc
        return b"".join(chunks)


_DEFAULT_BACKOFF_S = 60.0
_MAX_BACKOFF_S = 6 * 3600.0


def _retry_after(headers: Mapping[str, str]) -> float:
    """Seconds to wait after a 429: ``Retry-After`` (seconds or an HTTP
    date), else a minute; capped at six hours."""
    raw = (headers.get("Retry-After") or "").strip()
    wait = _DEFAULT_BACKOFF_S
    if raw.isdigit():
        wait = float(raw)
    elif raw:
        try:
            when = email.utils.parsedate_to_datetime(raw)
            wait = when.timestamp() - time.time()
        except (TypeError, ValueError, IndexError, OverflowError):
            pass
    return min(max(wait, 1.0), _MAX_BACKOFF_S)


def _rate_limit(headers: Mapping[str, str]) -> str | None:
    """Docker Hub's ``RateLimit-Limit: 100;w=21600`` as "100 requests per 6 h"."""
    raw = headers.get("RateLimit-Limit") or headers.get("ratelimit-limit")
    if not raw:
        return None
    count, _, window = raw.partition(";")
    if not count.strip().isdigit():
        return None
    out = f"{int(count)} requests"
    w = window.strip()
    if w.startswith("w=") and w[2:].isdigit():
        out += f" per {_duration(float(w[2:]))}"
    return out


def _duration(seconds: float) -> str:
    s = round(seconds)
    if s >= 3600 and s % 3600 == 0:
        return f"{s // 3600} h"
    if s >= 60:
        return f"{(s + 59) // 60} min"
    return f"{s} s"


def _basic(creds: Credentials) -> str:
    raw = f"{creds.username}:{creds.password}".encode()
    return "Basic " + base64.b64encode(raw).decode("ascii")


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 200 else text[:200] + "…"


def _parse_platforms(data: dict[str, Any], r: ImageRef) -> tuple[PlatformManifest, ...]:
    entries = data.get("manifests")
    if not isinstance(entries, list):
        raise RegistryBadResponse(f"the index of {r.canonical} has no 'manifests' array")
    out: list[PlatformManifest] = []
    for e in entries:
        if not isinstance(e, dict) or not isinstance(e.get("digest"), str):
            continue
        plat = e.get("platform")
        if not isinstance(plat, dict):
            continue
        os_, arch = plat.get("os"), plat.get("architecture")
        if not isinstance(os_, str) or not isinstance(arch, str) or os_ == "unknown":
            continue  # attestation manifests are "unknown/unknown"
        variant = plat.get("variant")
        os_version = plat.get("os.version")
        size = e.get("size")
        out.append(
            PlatformManifest(
                os=os_,
                architecture=arch,
                variant=variant if isinstance(variant, str) else None,
                digest=e["digest"],
                media_type=str(e.get("mediaType") or ""),
                size=size if isinstance(size, int) else None,
                os_version=os_version if isinstance(os_version, str) else None,
            )
        )
    return tuple(out)


def _pick_platform(
    platforms: tuple[PlatformManifest, ...], want: str | None
) -> PlatformManifest | None:
    if want is not None:
        return next((p for p in platforms if platform_matches(p.name, want)), None)
    return next((p for p in platforms if p.name == DEFAULT_PLATFORM), platforms[0])


def _info_from_json(data: dict[str, Any]) -> ImageInfo:
    plats = tuple(PlatformManifest(**p) for p in data.get("platforms", ()))
    fields = {k: v for k, v in data.items() if k != "platforms"}
    return ImageInfo(platforms=plats, **fields)
