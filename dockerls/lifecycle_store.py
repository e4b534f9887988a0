"""Lifecycle data: the shipped snapshot, and newer copies of products from endoflife.date.

``shipped_snapshot()`` reads ``dockerls/data/lifecycle.json`` (made by
``scripts/gen_lifecycle.py``).  ``LifecycleStore`` overlays it with products fetched from the
endoflife.date API v1 and kept in the user cache, refreshed at most once a day with
``If-None-Match``/``If-Modified-Since``.  ``refresh()`` blocks: the server runs it in a worker
thread, the CLI's ``dockerls lifecycle refresh`` in the foreground.  Offline, or with lookups
turned off, the snapshot is what the rules read; ``LifecycleData.as_of`` says how old it is.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dockerls.analysis.imagetags import PUBLIC_EXTENDED
from dockerls.analysis.lifecycle import LifecycleData, Product, Release
from dockerls.atomic import write_atomic

if TYPE_CHECKING:  # the client comes with the network side, after the first publish
    from dockerls.registry.endoflife import EndOfLifeClient

__all__ = ["LifecycleStore", "product_from_api", "shipped_snapshot"]

log = logging.getLogger(__name__)

REFRESH_EVERY = 24 * 3600.0


@functools.cache
def today() -> dt.date:
    """The day lifecycles are judged on: ``DOCKERLS_TODAY`` (YYYY-MM-DD) or today."""
    value = os.environ.get("DOCKERLS_TODAY", "").strip()
    if value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            log.warning("DOCKERLS_TODAY=%r is not a YYYY-MM-DD date; using today", value)
    return dt.date.today()


def shipped_snapshot() -> LifecycleData:
    raw = resources.files("dockerls").joinpath("data/lifecycle.json").read_text("utf-8")
    return LifecycleData.from_json(json.loads(raw))


def _day(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _phase(entry: dict[str, Any], flag: str, date_key: str) -> dt.date | bool:
    day = _day(entry.get(date_key))
    if day is not None:
        return day
    return bool(entry.get(flag))


def product_from_api(slug: str, body: dict[str, Any], fetched: dt.date) -> Product:
    """A product from an API v1 ``/products/{product}`` reply."""
    result = body["result"]
    releases: list[Release] = []
    for entry in result.get("releases", ()):
        if not isinstance(entry, dict) or "name" not in entry:
            continue
        latest_raw = entry.get("latest")
        latest: dict[str, Any] = latest_raw if isinstance(latest_raw, dict) else {}
        extended: dt.date | bool | None = None
        if "isEoes" in entry or "eoesFrom" in entry:
            extended = _phase(entry, "isEoes", "eoesFrom")
        releases.append(
            Release(
                cycle=str(entry["name"]),
                codename=entry.get("codename"),
                released=_day(entry.get("releaseDate")),
                eol=_phase(entry, "isEol", "eolFrom"),
                extended=extended,
                lts=_phase(entry, "isLts", "ltsFrom"),
                latest=latest.get("name"),
                latest_date=_day(latest.get("date")),
            )
        )
    return Product(
        slug,
        str(result.get("label", slug)),
        tuple(releases),
        slug in PUBLIC_EXTENDED,
        fetched,
        "endoflife.date",
    )


class LifecycleStore:
    """The snapshot, overlaid with what was fetched; thread-safe."""

    def __init__(
        self,
        cache_dir: Path | None,
        client: EndOfLifeClient | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.cache_dir = cache_dir
        self.client = client
        self._clock = clock
        self._lock = threading.Lock()
        self._data = shipped_snapshot()
        self._load_cached()

    @property
    def data(self) -> LifecycleData:
        with self._lock:
            return self._data

    def _path(self, slug: str) -> Path | None:
        return None if self.cache_dir is None else self.cache_dir / f"{slug}.json"

    def _read(self, slug: str) -> dict[str, Any] | None:
        path = self._path(slug)
        if path is None:
            return None
        try:
            raw = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return raw if isinstance(raw, dict) else None

    def _load_cached(self) -> None:
        for slug in list(self._data.products):
            entry = self._read(slug)
            if entry is not None:
                self._apply(slug, entry)

    def _apply(self, slug: str, entry: dict[str, Any]) -> None:
        try:
            fetched = dt.date.fromtimestamp(float(entry.get("fetched", 0)))
            product = product_from_api(slug, entry["body"], fetched)
        except (KeyError, TypeError, ValueError, OverflowError, OSError) as exc:
            log.info("lifecycle cache for %s is unusable: %s", slug, exc)
            return
        with self._lock:
            self._data = self._data.with_product(product)

    def _write(self, slug: str, entry: dict[str, Any]) -> None:
        path = self._path(slug)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, json.dumps(entry).encode("utf-8"))
        except OSError as exc:
            log.info("lifecycle cache not written (%s)", exc)

    def refresh(self, slugs: Iterable[str] | None = None, *, force: bool = False) -> list[str]:
        """Fetch products older than a day (all with ``force``); returns those updated."""
        if self.client is None:
            return []
        from dockerls.registry.endoflife import EndOfLifeError  # loaded with the client

        updated: list[str] = []
        for slug in slugs if slugs is not None else list(self.data.products):
            cached = self._read(slug) or {}
            now = self._clock()
            if not force and now - float(cached.get("checked", 0)) < REFRESH_EVERY:
                continue
            try:
                reply = self.client.product(slug, cached.get("etag"), cached.get("last_modified"))
            except EndOfLifeError as exc:
                log.info("lifecycle refresh of %s failed: %s", slug, exc)
                continue
            if reply is None:  # not modified
                if cached:
                    self._write(slug, {**cached, "checked": now})
                continue
            entry = {
                "body": reply.body,
                "etag": reply.etag,
                "last_modified": reply.last_modified,
                "fetched": now,
                "checked": now,
            }
            self._write(slug, entry)
            self._apply(slug, entry)
            updated.append(slug)
        return updated
