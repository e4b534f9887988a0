"""``RegistryService``: the non-blocking facade the server uses.

Lookups run on a small ``concurrent.futures`` pool, so the asyncio event loop never
blocks: ``cached_*`` answer instantly from memory (or the registry's own cache),
``fetch_*`` return a ``Future`` (wrap it with ``asyncio.wrap_future``).  Concurrent
fetches of the same thing share one future.  ``cancel_pending()`` cancels futures
that have not started.  When lookups are off, ``status`` says so and ``fetch_*``
return futures that already hold ``RegistryOffline``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from dockerls.registry.base import (
    ImageInfo,
    ImageRegistry,
    RefLike,
    RegistryError,
    RegistryOffline,
    as_ref,
)

__all__ = ["OFFLINE_STATUS", "RegistryService"]

log = logging.getLogger(__name__)

OFFLINE_STATUS = "registry lookups are turned off"

T = TypeVar("T")


class RegistryService:
    def __init__(
        self, registry: ImageRegistry, *, enabled: bool | None = None, max_workers: int = 4
    ) -> None:
        """``enabled=None`` follows ``registry.settings.enabled`` when the registry has settings."""
        self.registry = registry
        if enabled is None:
            reg_settings = getattr(registry, "settings", None)
            enabled = bool(getattr(reg_settings, "enabled", True))
        self.enabled = enabled
        self._pool = ThreadPoolExecutor(
            max_workers=max_workers, thread_name_prefix="dockerls-registry"
        )
        self._lock = threading.Lock()
        self._tags: dict[str, list[str]] = {}
        self._infos: dict[tuple[str, str | None], ImageInfo] = {}
        self._pending: dict[tuple[Any, ...], Future[Any]] = {}

    @property
    def status(self) -> str | None:
        """``None`` when lookups are on; a short user-facing reason when they are off."""
        return None if self.enabled else OFFLINE_STATUS

    # -- tags -------------------------------------------------------------------------

    def cached_tags(self, ref: RefLike) -> list[str] | None:
        try:
            key = as_ref(ref).canonical_name
        except RegistryError:
            return None
        with self._lock:
            hit = self._tags.get(key)
        if hit is not None:
            return list(hit)
        peek = getattr(self.registry, "peek_tags", None)
        if callable(peek):
            try:
                found = peek(ref)
            except RegistryError:
                return None
            if found is not None:
                with self._lock:
                    self._tags[key] = list(found)
                return list(found)
        return None

    def fetch_tags(self, ref: RefLike) -> Future[list[str]]:
        try:
            r = as_ref(ref)
        except RegistryError as exc:
            return _failed(exc)
        key = r.canonical_name

        def work() -> list[str]:
            tags = self.registry.list_tags(r)
            with self._lock:
                self._tags[key] = list(tags)
            return tags

        return self._submit(("tags", key), work)

    # -- image info -------------------------------------------------------------------

    def cached_info(self, ref: RefLike, platform: str | None = None) -> ImageInfo | None:
        try:
            key = (as_ref(ref).canonical, platform)
        except RegistryError:
            return None
        with self._lock:
            hit = self._infos.get(key)
        if hit is not None:
            return hit
        peek = getattr(self.registry, "peek_info", None)
        if callable(peek):
            try:
                found = peek(ref, platform)
            except RegistryError:
                return None
            if isinstance(found, ImageInfo):
                with self._lock:
                    self._infos[key] = found
                return found
        return None

    def fetch_info(self, ref: RefLike, platform: str | None = None) -> Future[ImageInfo]:
        try:
            r = as_ref(ref)
        except RegistryError as exc:
            return _failed(exc)
        key = (r.canonical, platform)

        def work() -> ImageInfo:
            info = self.registry.resolve(r, platform)
            with self._lock:
                self._infos[key] = info
            return info

        return self._submit(("info", *key), work)

    def fetch_digest(self, ref: RefLike) -> Future[str]:
        try:
            r = as_ref(ref)
        except RegistryError as exc:
            return _failed(exc)
        return self._submit(("digest", r.canonical), lambda: self.registry.digest(r))

    # -- lifecycle --------------------------------------------------------------------

    def _submit(self, key: tuple[Any, ...], work: Callable[[], T]) -> Future[T]:
        if not self.enabled:
            return _failed(RegistryOffline(OFFLINE_STATUS))
        with self._lock:
            existing = self._pending.get(key)
            if existing is not None and not existing.done():
                return existing
            fut: Future[T] = self._pool.submit(work)
            self._pending[key] = fut

        def done(f: Future[T]) -> None:
            with self._lock:
                if self._pending.get(key) is f:
                    del self._pending[key]
            if not f.cancelled() and f.exception() is not None:
                exc = f.exception()
                if not isinstance(exc, RegistryError):
                    log.error("registry lookup %s crashed", key, exc_info=exc)

        fut.add_done_callback(done)
        return fut

    def cancel_pending(self) -> int:
        """Cancel every lookup that has not started yet; returns how many were cancelled."""
        with self._lock:
            futures = list(self._pending.values())
        return sum(1 for f in futures if f.cancel())

    def clear(self) -> None:
        """Forget the in-memory results (e.g. after a settings change)."""
        with self._lock:
            self._tags.clear()
            self._infos.clear()

    def shutdown(self, wait: bool = False) -> None:
        self.cancel_pending()
        self._pool.shutdown(wait=wait, cancel_futures=True)


def _failed(exc: BaseException) -> Future[Any]:
    fut: Future[Any] = Future()
    fut.set_exception(exc)
    return fut
