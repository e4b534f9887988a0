"""Settings of the registry client (the server maps LSP settings onto this)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["RegistrySettings", "default_cache_dir"]


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/dockerls``, ``~/Library/Caches/dockerls``, ``%LOCALAPPDATA%\\dockerls\\cache``."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        if base:
            return Path(base) / "dockerls" / "cache"
    elif sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "dockerls"
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "dockerls"
    return Path.home() / ".cache" / "dockerls"


@dataclass(frozen=True, slots=True)
class RegistrySettings:
    """Network switch, limits, cache and credential locations.

    ``cache_dir=None`` means the platform cache dir; ``use_disk_cache=False`` keeps the
    cache in memory only.  ``docker_config`` is the path of ``config.json`` (``None``:
    ``$DOCKER_CONFIG/config.json``, else ``~/.docker/config.json``).
    ``insecure_registries`` are ``host[:port]`` entries that may be spoken to over
    plain HTTP (loopback hosts always may).
    """

    enabled: bool = True
    timeout_ms: int = 5000
    insecure_registries: tuple[str, ...] = ()
    cache_dir: Path | None = None
    use_disk_cache: bool = True
    cache_ttl_seconds: float = 3600.0
    docker_config: Path | None = None
    max_response_bytes: int = 8 * 1024 * 1024
    max_tag_pages: int = 50
    credential_helper_timeout_s: float = 10.0

    def resolved_cache_dir(self) -> Path:
        return self.cache_dir if self.cache_dir is not None else default_cache_dir()

    def resolved_docker_config(self) -> Path:
        if self.docker_config is not None:
            return self.docker_config
        env = os.environ.get("DOCKER_CONFIG")
        if env:
            return Path(env) / "config.json"
        return Path.home() / ".docker" / "config.json"
