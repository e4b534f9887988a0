"""Fixtures for registry tests.

``local_registry`` (session): Debian's ``docker-registry`` on 127.0.0.1:<free port>,
seeded with images; ``auth_registry`` (session): the same behind htpasswd basic auth.
If the binary is missing, tests using them FAIL (CI installs it).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dockerls.registry.settings import RegistrySettings
from tests.registry.local_registry import (
    LocalRegistry,
    RegistryBinaryMissing,
    push_image,
    push_index,
    start_registry,
)

SEEDED_TAGS = [
    "1.0.0",
    "1.2.0",
    "1.10.0",
    "1.10.0-alpine",
    "2.0.0-rc1",
    "2.0.0",
    "2",
    "latest",
    "edge",
    "v0.9",
]
AUTH = ("alice", "s3cret-pass")


def _start(tmp: Path, **kw: object) -> LocalRegistry:
    try:
        return start_registry(tmp, **kw)  # type: ignore[arg-type]
    except RegistryBinaryMissing as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def local_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRegistry]:
    reg = _start(tmp_path_factory.mktemp("registry"))
    try:
        reg.seeded["app"] = push_image(
            reg.url, "team/app", SEEDED_TAGS, created="2024-01-02T03:04:05Z"
        )
        reg.seeded["multi"] = push_index(reg.url, "team/multi", ["1.0", "latest"])
        yield reg
    finally:
        reg.stop()


@pytest.fixture(scope="session")
def auth_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRegistry]:
    reg = _start(tmp_path_factory.mktemp("auth-registry"), auth=AUTH)
    try:
        reg.seeded["private"] = push_image(reg.url, "private/app", ["1.0", "2.0"], auth=AUTH)
        yield reg
    finally:
        reg.stop()


@pytest.fixture
def settings(tmp_path: Path) -> RegistrySettings:
    """Fast settings with a private cache dir and an empty docker config."""
    return RegistrySettings(
        timeout_ms=2000,
        cache_dir=tmp_path / "cache",
        docker_config=tmp_path / "docker" / "config.json",
    )
