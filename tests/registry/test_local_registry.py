"""HttpRegistry against Debian's docker-registry on loopback (fixtures in conftest.py)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from dockerls.registry.base import RegistryNotFound, RegistryOffline, RegistryUnauthorized
from dockerls.registry.http import MEDIA_DOCKER_MANIFEST, MEDIA_OCI_INDEX, HttpRegistry
from dockerls.registry.settings import RegistrySettings
from tests.registry.conftest import AUTH
from tests.registry.local_registry import LocalRegistry

pytestmark = pytest.mark.registry


def test_tags_are_listed_sorted(local_registry: LocalRegistry, settings: RegistrySettings) -> None:
    client = HttpRegistry(settings)
    tags = client.list_tags(f"{local_registry.host}/team/app")
    assert tags == [
        "2.0.0",
        "2.0.0-rc1",
        "2",
        "1.10.0",
        "1.10.0-alpine",
        "1.2.0",
        "1.0.0",
        "v0.9",
        "edge",
        "latest",
    ]


def test_unknown_repository_is_not_found(
    local_registry: LocalRegistry, settings: RegistrySettings
) -> None:
    client = HttpRegistry(settings)
    with pytest.raises(RegistryNotFound, match="404"):
        client.list_tags(f"{local_registry.host}/team/nope")


def test_unknown_tag_is_not_found(
    local_registry: LocalRegistry, settings: RegistrySettings
) -> None:
    with pytest.raises(RegistryNotFound):
        HttpRegistry(settings).resolve(f"{local_registry.host}/team/app:9.9.9")


def test_resolve_single_image(local_registry: LocalRegistry, settings: RegistrySettings) -> None:
    seeded = local_registry.seeded["app"]
    info = HttpRegistry(settings).resolve(f"{local_registry.host}/team/app:1.2.0")
    assert info.digest == seeded["digest"]
    assert info.media_type == MEDIA_DOCKER_MANIFEST
    assert info.platforms == ()
    assert info.platform == "linux/amd64"
    assert info.created == "2024-01-02T03:04:05Z"
    assert info.size == seeded["size"]


def test_resolve_index_platforms(local_registry: LocalRegistry, settings: RegistrySettings) -> None:
    seeded = local_registry.seeded["multi"]
    client = HttpRegistry(settings)
    ref = f"{local_registry.host}/team/multi:1.0"
    info = client.resolve(ref)
    assert info.digest == seeded["digest"]
    assert info.media_type == MEDIA_OCI_INDEX
    assert [p.name for p in info.platforms] == ["linux/amd64", "linux/arm64/v8"]
    assert info.platform == "linux/amd64"
    assert info.manifest_digest == seeded["children"]["linux/amd64"]
    assert info.created == "2024-03-01T00:00:00Z"

    arm = client.resolve(ref, platform="linux/arm64")
    assert arm.digest == seeded["digest"]
    assert arm.manifest_digest == seeded["children"]["linux/arm64"]
    assert arm.created == "2024-03-02T00:00:00Z"

    with pytest.raises(RegistryNotFound, match="s390x"):
        client.resolve(ref, platform="linux/s390x")


def test_resolve_by_digest(local_registry: LocalRegistry, settings: RegistrySettings) -> None:
    digest = local_registry.seeded["multi"]["digest"]
    info = HttpRegistry(settings).resolve(f"{local_registry.host}/team/multi@{digest}")
    assert info.digest == digest and len(info.platforms) == 2


def test_head_digest(local_registry: LocalRegistry, settings: RegistrySettings) -> None:
    client = HttpRegistry(settings)
    assert (
        client.digest(f"{local_registry.host}/team/multi:latest")
        == (local_registry.seeded["multi"]["digest"])
    )
    assert (
        client.digest(f"{local_registry.host}/team/app:edge")
        == (local_registry.seeded["app"]["digest"])
    )


def test_disk_cache_serves_later_clients_without_network(
    local_registry: LocalRegistry, tmp_path: Path
) -> None:
    online = RegistrySettings(cache_dir=tmp_path / "c", docker_config=tmp_path / "none.json")
    ref = f"{local_registry.host}/team/app"
    tags = HttpRegistry(online).list_tags(ref)
    info = HttpRegistry(online).resolve(ref + ":2")
    offline = RegistrySettings(
        enabled=False, cache_dir=tmp_path / "c", docker_config=tmp_path / "none.json"
    )
    later = HttpRegistry(offline)
    assert later.list_tags(ref) == tags
    assert later.peek_tags(ref) == tags
    assert later.resolve(ref + ":2") == info
    with pytest.raises(RegistryOffline):
        later.resolve(ref + ":1.0.0")  # not cached: would need a request


def test_expired_cache_is_not_used(local_registry: LocalRegistry, tmp_path: Path) -> None:
    s = RegistrySettings(
        cache_dir=tmp_path / "c", cache_ttl_seconds=-1, docker_config=tmp_path / "none.json"
    )
    HttpRegistry(s).list_tags(f"{local_registry.host}/team/app")
    assert HttpRegistry(s).peek_tags(f"{local_registry.host}/team/app") is None


def _write_config(path: Path, data: dict[str, object]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    return path


def test_basic_auth_with_docker_config(auth_registry: LocalRegistry, tmp_path: Path) -> None:
    user, password = AUTH
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    cfg = _write_config(
        tmp_path / "docker" / "config.json",
        {"auths": {f"http://{auth_registry.host}": {"auth": token}}},
    )
    client = HttpRegistry(RegistrySettings(cache_dir=tmp_path / "c", docker_config=cfg))
    assert client.list_tags(f"{auth_registry.host}/private/app") == ["2.0", "1.0"]
    info = client.resolve(f"{auth_registry.host}/private/app:1.0")
    assert info.digest == auth_registry.seeded["private"]["digest"]


def test_basic_auth_without_credentials_is_unauthorized(
    auth_registry: LocalRegistry, settings: RegistrySettings
) -> None:
    with pytest.raises(RegistryUnauthorized, match="no credentials"):
        HttpRegistry(settings).list_tags(f"{auth_registry.host}/private/app")


def test_basic_auth_with_wrong_password_is_unauthorized(
    auth_registry: LocalRegistry, tmp_path: Path
) -> None:
    cfg = _write_config(
        tmp_path / "config.json",
        {"auths": {auth_registry.host: {"username": AUTH[0], "password": "wrong"}}},
    )
    client = HttpRegistry(RegistrySettings(cache_dir=tmp_path / "c", docker_config=cfg))
    with pytest.raises(RegistryUnauthorized, match="401"):
        client.list_tags(f"{auth_registry.host}/private/app")


def test_single_platform_image_with_other_platform_requested(
    local_registry: LocalRegistry, settings: RegistrySettings
) -> None:
    with pytest.raises(RegistryNotFound, match="single-platform"):
        HttpRegistry(settings).resolve(f"{local_registry.host}/team/app:2", platform="linux/arm64")


async def test_service_over_http_does_not_block_the_loop(
    local_registry: LocalRegistry, settings: RegistrySettings
) -> None:
    import asyncio

    from dockerls.registry.service import RegistryService

    svc = RegistryService(HttpRegistry(settings))
    try:
        ref = f"{local_registry.host}/team/multi:1.0"
        assert svc.cached_tags(ref) is None
        tags = await asyncio.wait_for(asyncio.wrap_future(svc.fetch_tags(ref)), timeout=10)
        assert tags == ["1.0", "latest"]
        assert svc.cached_tags(ref) == tags
        # a fresh service over the same disk cache answers instantly, without a fetch
        later = RegistryService(
            HttpRegistry(RegistrySettings(enabled=False, cache_dir=settings.cache_dir))
        )
        assert later.cached_tags(ref) == tags
        assert later.status == "registry lookups are turned off"
        later.shutdown()
    finally:
        svc.shutdown()
