"""sort_tags, the TTL cache, RegistryService and FakeRegistry (no network)."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from pathlib import Path

import pytest

from dockerls.registry.base import (
    ImageInfo,
    ImageRegistry,
    RefLike,
    RegistryError,
    RegistryNotFound,
    RegistryOffline,
    RegistryUnavailable,
)
from dockerls.registry.cache import TTLCache
from dockerls.registry.fake import FakeImage, FakeRegistry
from dockerls.registry.service import OFFLINE_STATUS, RegistryService
from dockerls.registry.tags import sort_tags


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (["1.9", "1.10", "1.2"], ["1.10", "1.9", "1.2"]),
        (["20-alpine", "20", "20-slim", "18"], ["20", "20-alpine", "20-slim", "18"]),
        (["3.13.0rc1", "3.13.0", "3.12.4"], ["3.13.0", "3.13.0rc1", "3.12.4"]),
        (["v2.0.0", "1.0.0", "latest", "edge"], ["v2.0.0", "1.0.0", "edge", "latest"]),
        (["2.0-beta", "2.0", "1.0-bookworm"], ["2.0", "2.0-beta", "1.0-bookworm"]),
        (["b", "a", "a"], ["a", "b"]),
        ([], []),
    ],
)
def test_sort_tags(tags: list[str], expected: list[str]) -> None:
    assert sort_tags(tags) == expected


def test_ttl_cache_memory_and_disk(tmp_path: Path) -> None:
    now = [1000.0]
    cache = TTLCache(10, tmp_path, clock=lambda: now[0])
    cache.put("k", ["a"])
    assert cache.get("k") == ["a"]
    fresh = TTLCache(10, tmp_path, clock=lambda: now[0])
    assert fresh.get("k") == ["a"]
    now[0] += 11
    assert cache.get("k") is None
    assert fresh.get("k") is None


def test_ttl_cache_survives_unwritable_dir(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cache = TTLCache(10, blocker / "sub")
    cache.put("k", 1)
    assert cache.get("k") == 1
    assert "cannot write" in caplog.text


# -- fake -------------------------------------------------------------------------------


def test_fake_is_deterministic() -> None:
    a, b = FakeRegistry(), FakeRegistry()
    assert a.resolve("node:20") == b.resolve("node:20")
    assert a.digest("node:latest") == a.digest("node:22")  # same key -> same digest
    assert a.digest("node:20") != a.digest("node:22")
    assert a.list_tags("node")[:3] == ["22", "22-alpine", "20.11.1"]
    assert isinstance(a, ImageRegistry)


def test_fake_resolve_platforms_and_digest_lookup() -> None:
    reg = FakeRegistry({"ghcr.io/x/y": {"1": FakeImage(("linux/amd64", "linux/arm64"))}})
    info = reg.resolve("ghcr.io/x/y:1", platform="linux/arm64")
    assert info.platform == "linux/arm64" and len(info.platforms) == 2
    assert reg.resolve(f"ghcr.io/x/y@{info.digest}").digest == info.digest
    with pytest.raises(RegistryNotFound):
        reg.resolve("ghcr.io/x/y:2")
    with pytest.raises(RegistryNotFound):
        reg.list_tags("ghcr.io/x/z")
    assert reg.calls[0] == ("resolve", "ghcr.io/x/y:1")


def test_fake_errors_and_offline() -> None:
    reg = FakeRegistry({"a": ["1"]}, errors={"a": RegistryUnavailable("boom")})
    with pytest.raises(RegistryUnavailable):
        reg.list_tags("a")
    with pytest.raises(RegistryOffline):
        FakeRegistry(offline=True).list_tags("node")


def test_refs_with_variables_are_refused() -> None:
    with pytest.raises(RegistryError, match="variables"):
        FakeRegistry().list_tags("node:${TAG}")


# -- service ----------------------------------------------------------------------------


def test_service_fetch_then_cached() -> None:
    svc = RegistryService(FakeRegistry())
    try:
        assert svc.cached_tags("node") is None
        tags = svc.fetch_tags("node").result(timeout=5)
        assert svc.cached_tags("docker.io/library/node") == tags
        assert svc.cached_info("node:20") is None
        info = svc.fetch_info("node:20").result(timeout=5)
        assert svc.cached_info("node:20") == info
        assert svc.fetch_digest("node:20").result(timeout=5) == info.digest
        assert svc.status is None
    finally:
        svc.shutdown()


def test_service_disabled() -> None:
    fake = FakeRegistry()
    svc = RegistryService(fake, enabled=False)
    try:
        assert svc.status == OFFLINE_STATUS == "registry lookups are turned off"
        fut = svc.fetch_tags("node")
        assert isinstance(fut.exception(timeout=1), RegistryOffline)
        assert fake.calls == []
    finally:
        svc.shutdown()


def test_service_errors_surface_in_future() -> None:
    svc = RegistryService(FakeRegistry({"a": ["1"]}, errors={"a": RegistryUnavailable("down")}))
    try:
        assert isinstance(svc.fetch_tags("a").exception(timeout=5), RegistryUnavailable)
        assert svc.cached_tags("a") is None
        assert isinstance(svc.fetch_tags("a:${X}").exception(timeout=1), RegistryError)
    finally:
        svc.shutdown()


class _Blocking:
    """A registry whose calls wait on an event."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.started = threading.Event()
        self.calls = 0

    def list_tags(self, ref: RefLike) -> list[str]:
        self.calls += 1
        self.started.set()
        self.gate.wait(5)
        return ["1"]

    def resolve(self, ref: RefLike, platform: str | None = None) -> ImageInfo:
        raise NotImplementedError

    def digest(self, ref: RefLike) -> str:
        raise NotImplementedError


def test_service_dedupes_and_cancels() -> None:
    blocking = _Blocking()
    svc = RegistryService(blocking, max_workers=1)
    try:
        first = svc.fetch_tags("a")
        assert blocking.started.wait(5)
        assert svc.fetch_tags("a") is first  # same in-flight lookup is shared
        queued: Future[list[str]] = svc.fetch_tags("b")  # waits for the only worker
        assert svc.cancel_pending() == 1
        assert queued.cancelled()
        blocking.gate.set()
        assert first.result(timeout=5) == ["1"]
        assert blocking.calls == 1
    finally:
        blocking.gate.set()
        svc.shutdown()


def test_missing_registry_binary_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tests.registry import local_registry as lr

    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(lr, "FALLBACK_PATHS", ())
    with pytest.raises(lr.RegistryBinaryMissing, match="apt-get install docker-registry"):
        lr.start_registry(tmp_path / "r")
