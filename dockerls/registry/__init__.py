"""Registry access: the only package that touches the network (``http.py`` alone opens sockets).

Import the pieces you need from their modules; this package re-exports the interface,
each name loaded when first read (the server reads ``settings`` for its caches' folder on
its first publish, without the client's types).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dockerls.registry.base import (
        ImageInfo,
        ImageRegistry,
        PlatformManifest,
        RegistryBadResponse,
        RegistryError,
        RegistryNotFound,
        RegistryOffline,
        RegistryTimeout,
        RegistryUnauthorized,
        RegistryUnavailable,
    )
    from dockerls.registry.settings import RegistrySettings
    from dockerls.registry.tags import sort_tags

__all__ = [
    "ImageInfo",
    "ImageRegistry",
    "PlatformManifest",
    "RegistryBadResponse",
    "RegistryError",
    "RegistryNotFound",
    "RegistryOffline",
    "RegistrySettings",
    "RegistryTimeout",
    "RegistryUnauthorized",
    "RegistryUnavailable",
    "sort_tags",
]

# the module each re-exported name lives in
_HOME = {name: "base" for name in __all__} | {"RegistrySettings": "settings", "sort_tags": "tags"}


def __getattr__(name: str) -> object:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
