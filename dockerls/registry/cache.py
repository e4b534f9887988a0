"""A small TTL cache kept in memory and, optionally, as JSON files on disk.

Values must be JSON-serialisable.  Disk problems are logged and never fatal.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dockerls.atomic import write_atomic

__all__ = ["TTLCache"]

log = logging.getLogger(__name__)

_FORMAT = 1


class TTLCache:
    """``get``/``put`` by string key; entries expire ``ttl`` seconds after they were stored."""

    def __init__(
        self,
        ttl: float,
        directory: Path | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.ttl = ttl
        self.directory = directory
        self._clock = clock
        self._mem: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def _path(self, key: str) -> Path | None:
        if self.directory is None:
            return None
        name = hashlib.sha256(key.encode()).hexdigest()
        return self.directory / name[:2] / f"{name}.json"

    def get(self, key: str) -> Any | None:
        now = self._clock()
        with self._lock:
            hit = self._mem.get(key)
        if hit is not None:
            stored, value = hit
            if now - stored <= self.ttl:
                return value
            with self._lock:
                self._mem.pop(key, None)
        path = self._path(key)
        if path is None:
            return None
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("registry cache: unreadable entry %s: %s", path, exc)
            return None
        if not isinstance(raw, dict) or raw.get("format") != _FORMAT or raw.get("key") != key:
            return None
        when = raw.get("stored")
        if not isinstance(when, (int, float)) or now - when > self.ttl:
            return None
        value = raw.get("value")
        with self._lock:
            self._mem[key] = (float(when), value)
        return value

    def put(self, key: str, value: Any) -> None:
        now = self._clock()
        with self._lock:
            self._mem[key] = (now, value)
        path = self._path(key)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            data = json.dumps({"format": _FORMAT, "key": key, "stored": now, "value": value})
            write_atomic(path, data.encode("utf-8"))
        except OSError as exc:
            log.warning("registry cache: cannot write %s: %s", path, exc)

    def clear_memory(self) -> None:
        with self._lock:
            self._mem.clear()
