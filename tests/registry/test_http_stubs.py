"""HttpRegistry against small in-process stub servers: auth flows, pagination, failures, security."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from dockerls.registry.base import (
    RegistryBadResponse,
    RegistryOffline,
    RegistryTimeout,
    RegistryUnauthorized,
    RegistryUnavailable,
)
from dockerls.registry.http import (
    MEDIA_DOCKER_MANIFEST,
    OFFLINE_MESSAGE,
    HttpRegistry,
    is_loopback_host,
)
from dockerls.registry.settings import RegistrySettings
from tests.registry.stubs import BlackHole, Reply, Seen, StubServer


def _settings(tmp_path: Path, **kw: object) -> RegistrySettings:
    base: dict[str, object] = {
        "timeout_ms": 2000,
        "cache_dir": tmp_path / "cache",
        "docker_config": tmp_path / "docker" / "config.json",
    }
    base.update(kw)
    return RegistrySettings(**base)  # type: ignore[arg-type]


def _config(tmp_path: Path, auths: dict[str, dict[str, str]]) -> Path:
    path = tmp_path / "docker" / "config.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"auths": auths}))
    return path


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def _tags(name: str, tags: list[str]) -> Reply:
    return Reply(body=json.dumps({"name": name, "tags": tags}).encode())


# -- bearer token flow ------------------------------------------------------------------


def test_bearer_token_flow_with_credentials(tmp_path: Path) -> None:
    def issue(_s: StubServer, seen: Seen) -> Reply:
        if seen.headers.get("Authorization") != _basic("bob", "pw"):
            return Reply(401)
        return Reply(body=json.dumps({"token": "tok-123", "expires_in": 300}).encode())

    with StubServer(issue, "127.0.0.1") as issuer:

        def registry(_s: StubServer, seen: Seen) -> Reply:
            if seen.headers.get("Authorization") != "Bearer tok-123":
                challenge = (
                    f'Bearer realm="{issuer.url}/token",service="stub-registry",'
                    'scope="repository:team/app:pull"'
                )
                return Reply(401, headers={"WWW-Authenticate": challenge})
            return _tags("team/app", ["1.0", "1.1"])

        with StubServer(registry, "127.0.0.2") as reg:
            cfg = _config(tmp_path, {reg.host: {"username": "bob", "password": "pw"}})
            client = HttpRegistry(_settings(tmp_path, docker_config=cfg, use_disk_cache=False))
            assert client.list_tags(f"{reg.host}/team/app") == ["1.1", "1.0"]
            client.cache.clear_memory()
            assert client.list_tags(f"{reg.host}/team/app") == ["1.1", "1.0"]

    assert len(issuer.seen) == 1, "the token is reused while valid"
    q = parse_qs(urlsplit(issuer.seen[0].path).query)
    assert q == {"service": ["stub-registry"], "scope": ["repository:team/app:pull"]}
    # the registry saw a Bearer token, never the basic credentials
    assert all(s.headers.get("Authorization") in (None, "Bearer tok-123") for s in reg.seen), (
        reg.seen
    )


def test_anonymous_bearer_token(tmp_path: Path) -> None:
    def issue(_s: StubServer, seen: Seen) -> Reply:
        return Reply(body=json.dumps({"access_token": "anon"}).encode())

    with StubServer(issue) as issuer:

        def registry(_s: StubServer, seen: Seen) -> Reply:
            if seen.headers.get("Authorization") != "Bearer anon":
                return Reply(
                    401,
                    headers={"WWW-Authenticate": f'Bearer realm="{issuer.url}/token",service="x"'},
                )
            return _tags("library/node", ["20"])

        with StubServer(registry) as reg:
            client = HttpRegistry(_settings(tmp_path))
            assert client.list_tags(f"{reg.host}/node") == ["20"]
    assert "Authorization" not in issuer.seen[0].headers
    assert parse_qs(urlsplit(issuer.seen[0].path).query)["scope"] == ["repository:node:pull"]


def test_token_refused_is_unauthorized(tmp_path: Path) -> None:
    with StubServer(lambda _s, _r: Reply(401)) as issuer:
        challenge = f'Bearer realm="{issuer.url}/token",service="x"'
        with (
            StubServer(lambda _s, _r: Reply(401, headers={"WWW-Authenticate": challenge})) as reg,
            pytest.raises(RegistryUnauthorized, match="token service"),
        ):
            HttpRegistry(_settings(tmp_path)).list_tags(f"{reg.host}/a/b")


# -- pagination -------------------------------------------------------------------------


def test_link_header_pagination(tmp_path: Path) -> None:
    pages = {
        None: (["c", "1.0"], '</v2/a/b/tags/list?last=1.0&n=2>; rel="next"'),
        "1.0": (["1.2", "b"], None),  # absolute link filled in below
        "b": (["0.9"], None),
    }

    def handler(s: StubServer, seen: Seen) -> Reply:
        last = parse_qs(urlsplit(seen.path).query).get("last", [None])[0]
        tags, link = pages[last]
        headers = {}
        if last == "1.0":
            link = f'<{s.url}/v2/a/b/tags/list?last=b&n=2>; rel="next"'
        if link:
            headers["Link"] = link
        return Reply(body=json.dumps({"name": "a/b", "tags": tags}).encode(), headers=headers)

    with StubServer(handler) as reg:
        assert HttpRegistry(_settings(tmp_path)).list_tags(f"{reg.host}/a/b") == [
            "1.2",
            "1.0",
            "0.9",
            "b",
            "c",
        ]
    assert len(reg.seen) == 3


def test_link_to_another_host_is_not_followed(tmp_path: Path) -> None:
    with StubServer(lambda _s, _r: _tags("x", ["other"])) as elsewhere:
        link = f'<{elsewhere.url}/v2/a/b/tags/list?last=1>; rel="next"'
        with StubServer(
            lambda _s, _r: Reply(body=b'{"tags":["1"]}', headers={"Link": link})
        ) as reg:
            assert HttpRegistry(_settings(tmp_path)).list_tags(f"{reg.host}/a/b") == ["1"]
    assert elsewhere.seen == []


# -- failures ---------------------------------------------------------------------------


def test_timeout_is_the_configured_one(tmp_path: Path) -> None:
    with BlackHole() as hole:
        client = HttpRegistry(_settings(tmp_path, timeout_ms=300))
        with pytest.raises(RegistryTimeout, match="300 ms"):
            client.list_tags(f"{hole.host}/a/b")
    assert hole.accepted, "the request reached the registry that never answers"


def test_server_error_is_unavailable(tmp_path: Path) -> None:
    body = json.dumps({"errors": [{"code": "UNKNOWN", "message": "disk on fire"}]}).encode()
    with (
        StubServer(lambda _s, _r: Reply(503, body)) as reg,
        pytest.raises(RegistryUnavailable, match=r"HTTP 503.*disk on fire"),
    ):
        HttpRegistry(_settings(tmp_path)).list_tags(f"{reg.host}/a/b")


def test_malformed_json_is_bad_response(tmp_path: Path) -> None:
    with (
        StubServer(lambda _s, _r: Reply(body=b'{"tags": [')) as reg,
        pytest.raises(RegistryBadResponse, match="malformed JSON"),
    ):
        HttpRegistry(_settings(tmp_path)).list_tags(f"{reg.host}/a/b")


def test_tag_list_without_tags_array_is_bad_response(tmp_path: Path) -> None:
    with (
        StubServer(lambda _s, _r: Reply(body=b'{"tags": "1.0"}')) as reg,
        pytest.raises(RegistryBadResponse, match="tags"),
    ):
        HttpRegistry(_settings(tmp_path)).list_tags(f"{reg.host}/a/b")


@pytest.mark.parametrize("send_length", [True, False])
def test_oversized_reply_is_aborted(tmp_path: Path, send_length: bool) -> None:
    big = json.dumps({"tags": [f"t{i}" for i in range(20000)]}).encode()
    with StubServer(lambda _s, _r: Reply(body=big, send_length=send_length)) as reg:
        client = HttpRegistry(_settings(tmp_path, max_response_bytes=10_000))
        with pytest.raises(RegistryBadResponse, match="10000 bytes"):
            client.list_tags(f"{reg.host}/a/b")


def test_offline_requests_nothing(tmp_path: Path) -> None:
    with StubServer(lambda _s, _r: _tags("a/b", ["1"])) as reg, BlackHole() as hole:
        client = HttpRegistry(_settings(tmp_path, enabled=False))
        for ref in (f"{reg.host}/a/b", f"{hole.host}/a/b"):
            with pytest.raises(RegistryOffline, match=OFFLINE_MESSAGE):
                client.list_tags(ref)
            with pytest.raises(RegistryOffline):
                client.resolve(ref + ":1")
            with pytest.raises(RegistryOffline):
                client.digest(ref + ":1")
    assert reg.seen == []
    assert hole.accepted == []


def test_refused_connection_is_unavailable(tmp_path: Path) -> None:
    from tests.registry.local_registry import free_port

    port = free_port()
    with pytest.raises(RegistryUnavailable, match="cannot reach"):
        HttpRegistry(_settings(tmp_path)).list_tags(f"127.0.0.1:{port}/a/b")


def test_manifest_digest_mismatch_is_rejected(tmp_path: Path) -> None:
    wrong = "sha256:" + "0" * 64
    with (
        StubServer(lambda _s, _r: Reply(body=b'{"schemaVersion":2,"config":{}}')) as reg,
        pytest.raises(RegistryBadResponse, match="not the requested"),
    ):
        HttpRegistry(_settings(tmp_path)).resolve(f"{reg.host}/a/b@{wrong}")


# -- credentials stay with their host --------------------------------------------------


def _manifest_and_config() -> tuple[bytes, bytes, str]:
    config = json.dumps({"os": "linux", "architecture": "amd64", "created": "2020-01-01T00:00:00Z"})
    cfg = config.encode()
    cfg_digest = "sha256:" + hashlib.sha256(cfg).hexdigest()
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": MEDIA_DOCKER_MANIFEST,
            "config": {"mediaType": "x", "size": len(cfg), "digest": cfg_digest},
            "layers": [],
        }
    ).encode()
    return manifest, cfg, cfg_digest


def test_authorization_dropped_on_redirect_to_other_host(tmp_path: Path) -> None:
    manifest, cfg, cfg_digest = _manifest_and_config()

    def storage(_s: StubServer, seen: Seen) -> Reply:
        return Reply(body=cfg if cfg_digest in seen.path else manifest)

    with StubServer(storage, "127.0.0.2") as blob_host:

        def registry(_s: StubServer, seen: Seen) -> Reply:
            if seen.headers.get("Authorization") != _basic("amy", "pw"):
                return Reply(401, headers={"WWW-Authenticate": 'Basic realm="a"'})
            # both the manifest and the config blob are served from "blob storage"
            return Reply(307, headers={"Location": f"{blob_host.url}/storage{seen.path}"})

        with StubServer(registry, "127.0.0.1") as reg:
            cfg_path = _config(tmp_path, {reg.host: {"username": "amy", "password": "pw"}})
            info = HttpRegistry(_settings(tmp_path, docker_config=cfg_path)).resolve(
                f"{reg.host}/a/b:1"
            )
    assert info.created == "2020-01-01T00:00:00Z"
    assert len(blob_host.seen) == 2
    assert all("Authorization" not in s.headers for s in blob_host.seen)
    assert any(s.headers.get("Authorization") == _basic("amy", "pw") for s in reg.seen)


def test_credentials_for_a_never_sent_to_b(tmp_path: Path) -> None:
    def challenging(_s: StubServer, seen: Seen) -> Reply:
        return Reply(401, headers={"WWW-Authenticate": 'Basic realm="b"'})

    with (
        StubServer(lambda _s, _r: _tags("a/b", ["1"]), "127.0.0.1") as a,
        StubServer(challenging, "127.0.0.2") as b,
    ):
        cfg = _config(tmp_path, {a.host: {"username": "amy", "password": "pw"}})
        client = HttpRegistry(_settings(tmp_path, docker_config=cfg))
        with pytest.raises(RegistryUnauthorized):
            client.list_tags(f"{b.host}/a/b")
        client.list_tags(f"{a.host}/a/b")
    assert b.seen and all("Authorization" not in s.headers for s in b.seen)


def test_redirect_to_plain_http_on_public_host_is_refused(tmp_path: Path) -> None:
    with (
        StubServer(
            lambda _s, _r: Reply(302, headers={"Location": "http://blobs.example.test/x"})
        ) as reg,
        pytest.raises(RegistryBadResponse, match="plain-HTTP"),
    ):
        HttpRegistry(_settings(tmp_path)).resolve(f"{reg.host}/a/b:1")


# -- TLS policy -------------------------------------------------------------------------


class _RecordingSession(requests.Session):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def request(self, method, url, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.urls.append(url)
        raise requests.exceptions.SSLError("handshake failed")


def test_public_hosts_never_downgrade_to_http(tmp_path: Path) -> None:
    session = _RecordingSession()
    client = HttpRegistry(_settings(tmp_path), session=session)
    with pytest.raises(RegistryUnavailable):
        client.list_tags("registry.example.test/a/b")
    assert session.urls and all(u.startswith("https://") for u in session.urls)


def test_insecure_registries_setting_allows_http(tmp_path: Path) -> None:
    session = _RecordingSession()
    client = HttpRegistry(
        _settings(tmp_path, insecure_registries=("registry.example.test",)), session=session
    )
    with pytest.raises(RegistryUnavailable):
        client.list_tags("registry.example.test/a/b")
    assert [u.split("://")[0] for u in session.urls] == ["https", "http"]


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("localhost", True),
        ("localhost:5000", True),
        ("127.0.0.1:5000", True),
        ("127.3.4.5", True),
        ("[::1]:5000", True),
        ("10.0.0.1:5000", False),
        ("registry.example.test", False),
        ("localhost.example.test", False),
    ],
)
def test_loopback_detection(host: str, expected: bool) -> None:
    assert is_loopback_host(host) is expected


# -- identity (refresh) tokens -----------------------------------------------------------


def test_identity_token_is_exchanged_by_oauth2_post(tmp_path: Path) -> None:
    def issue(_s: StubServer, seen: Seen) -> Reply:
        form = parse_qs(seen.body.decode())
        if seen.method != "POST" or form.get("refresh_token") != ["refresh-xyz"]:
            return Reply(401)
        return Reply(body=json.dumps({"access_token": "acc-1", "expires_in": 300}).encode())

    with StubServer(issue, "127.0.0.1") as issuer:

        def registry(_s: StubServer, seen: Seen) -> Reply:
            if seen.headers.get("Authorization") != "Bearer acc-1":
                challenge = f'Bearer realm="{issuer.url}/oauth2/token",service="acr.example"'
                return Reply(401, headers={"WWW-Authenticate": challenge})
            return _tags("team/app", ["2.0"])

        with StubServer(registry, "127.0.0.2") as reg:
            cfg = _config(tmp_path, {reg.host: {"identitytoken": "refresh-xyz"}})
            client = HttpRegistry(_settings(tmp_path, docker_config=cfg, use_disk_cache=False))
            assert client.list_tags(f"{reg.host}/team/app") == ["2.0"]

    assert [s.method for s in issuer.seen] == ["POST"]
    sent = issuer.seen[0]
    assert "Authorization" not in sent.headers
    assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded"
    form = parse_qs(sent.body.decode())
    assert form["grant_type"] == ["refresh_token"]
    assert form["service"] == ["acr.example"]
    assert form["scope"] == ["repository:team/app:pull"]
    assert urlsplit(sent.path).query == "", "the refresh token never goes into a URL"
    # the registry only ever saw the access token
    assert all("refresh-xyz" not in str(s.headers) + s.path for s in reg.seen)


def test_identity_token_post_is_not_redirected_to_another_host(tmp_path: Path) -> None:
    with StubServer(lambda _s, _r: Reply(body=b'{"access_token": "stolen"}')) as elsewhere:

        def issue(_s: StubServer, seen: Seen) -> Reply:
            return Reply(307, headers={"Location": f"{elsewhere.url}/grab"})

        with StubServer(issue, "127.0.0.1") as issuer:

            def registry(_s: StubServer, seen: Seen) -> Reply:
                challenge = f'Bearer realm="{issuer.url}/oauth2/token",service="x"'
                return Reply(401, headers={"WWW-Authenticate": challenge})

            with StubServer(registry, "127.0.0.2") as reg:
                cfg = _config(tmp_path, {reg.host: {"identitytoken": "refresh-xyz"}})
                client = HttpRegistry(_settings(tmp_path, docker_config=cfg, use_disk_cache=False))
                with pytest.raises(RegistryBadResponse, match="redirected a token request"):
                    client.list_tags(f"{reg.host}/team/app")
    assert elsewhere.seen == [], "the refresh token never left the token service"


# -- rate limits -------------------------------------------------------------------------


def test_rate_limited_host_is_left_alone_until_retry_after(tmp_path: Path) -> None:
    headers = {"Retry-After": "120", "RateLimit-Limit": "100;w=21600"}
    with StubServer(lambda _s, _r: Reply(429, b"", headers)) as reg:
        client = HttpRegistry(_settings(tmp_path, use_disk_cache=False))
        with pytest.raises(RegistryUnavailable) as first:
            client.list_tags(f"{reg.host}/a/b")
        msg = str(first.value)
        assert "HTTP 429" in msg
        assert "100 requests per 6 h" in msg
        assert "not asking it again for 2 min" in msg
        asked = len(reg.seen)
        # the next lookups fail at once with the same message, without a request
        with pytest.raises(RegistryUnavailable, match="rate-limiting"):
            client.list_tags(f"{reg.host}/a/c")
        assert len(reg.seen) == asked


def test_rate_limit_back_off_ends(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    state = {"limited": True}

    def handler(_s: StubServer, _r: Seen) -> Reply:
        if state["limited"]:
            return Reply(429, b"", {"Retry-After": "1"})
        return _tags("a/b", ["1.0"])

    with StubServer(handler) as reg:
        client = HttpRegistry(_settings(tmp_path, use_disk_cache=False))
        with pytest.raises(RegistryUnavailable, match="not asking it again for 1 s"):
            client.list_tags(f"{reg.host}/a/b")
        state["limited"] = False
        real = time.monotonic
        monkeypatch.setattr(time, "monotonic", lambda: real() + 2.0)
        assert client.list_tags(f"{reg.host}/a/b") == ["1.0"]
