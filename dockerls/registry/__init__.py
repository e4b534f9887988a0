"""Registry access: the only package that touches the network (``http.py`` alone opens sockets).

Import the pieces you need from their modules; this package re-exports the interface.
"""

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
