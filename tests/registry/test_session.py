"""The network clients make their HTTP session, and load ``requests``, at the first request."""

from __future__ import annotations

import json
from pathlib import Path

import requests

from dockerls.registry.endoflife import EndOfLifeClient
from dockerls.registry.http import HttpRegistry
from dockerls.registry.osv import OsvClient
from dockerls.registry.session import LazySession
from dockerls.registry.settings import RegistrySettings
from tests.registry.stubs import Reply, StubServer
from tests.support import modules_after

_BUILD_CLIENTS = """
from pathlib import Path
from dockerls.registry.endoflife import EndOfLifeClient
from dockerls.registry.http import HttpRegistry
from dockerls.registry.osv import OsvClient
from dockerls.registry.settings import RegistrySettings
tmp = Path({tmp!r})
clients = [
    HttpRegistry(RegistrySettings(cache_dir=tmp / "cache", docker_config=tmp / "config.json")),
    OsvClient(cache_dir=tmp / "osv"),
    EndOfLifeClient(),
]
for c in clients:
    c.close()
"""


def test_clients_leave_requests_unloaded_until_a_request(tmp_path: Path) -> None:
    assert "requests" not in modules_after(_BUILD_CLIENTS.format(tmp=str(tmp_path)))


def test_first_call_makes_one_session_set_up_as_asked() -> None:
    lazy = LazySession(trust_env=False, headers={"User-Agent": "dockerls"})
    first = lazy()
    assert isinstance(first, requests.Session)
    assert lazy() is first
    assert first.trust_env is False
    assert first.headers["User-Agent"] == "dockerls"
    lazy.close()


def test_a_given_session_is_set_up_the_same_way() -> None:
    given = requests.Session()
    lazy = LazySession(trust_env=False, given=given)
    assert lazy() is given
    assert given.trust_env is False


def test_endoflife_client_fetches_through_its_session() -> None:
    body = {"result": {"name": "debian", "releases": []}}
    with StubServer(lambda _stub, _seen: Reply(200, json.dumps(body).encode())) as stub:
        client = EndOfLifeClient(base_url=stub.url, timeout=5)
        reply = client.product("debian")
        client.close()
    assert reply is not None and reply.body == body
    assert stub.seen[0].headers["User-Agent"] == "dockerls"


def test_registry_and_osv_clients_fetch_through_their_sessions(tmp_path: Path) -> None:
    settings = RegistrySettings(
        cache_dir=tmp_path / "cache", docker_config=tmp_path / "config.json", timeout_ms=5000
    )
    tags = {"name": "a/b", "tags": ["1.0", "2.0"]}
    with StubServer(lambda _stub, _seen: Reply(200, json.dumps(tags).encode())) as stub:
        registry = HttpRegistry(settings)
        assert registry.list_tags(f"{stub.host}/a/b") == ["2.0", "1.0"]
        registry.close()
    record = {"id": "OSV-1", "modified": "2026-01-01T00:00:00Z"}
    with StubServer(lambda _stub, _seen: Reply(200, json.dumps(record).encode())) as stub:
        osv = OsvClient(base_url=stub.url, cache_dir=None)
        assert osv.record("OSV-1", record["modified"]) == record
        osv.close()
    assert stub.seen[0].path == "/v1/vulns/OSV-1"
