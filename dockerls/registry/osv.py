"""The OSV client: ``POST /v1/querybatch`` and ``GET /v1/vulns/{id}``, with timeouts and caches.

Blocking; callers run it in a worker thread.  Query results are cached for a day per
(ecosystem, package, version); vulnerability records are cached by id and ``modified``, so a
record is fetched again only when OSV says it changed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from dockerls.registry.cache import TTLCache
from dockerls.registry.session import LazySession

__all__ = ["DEFAULT_URL", "OsvClient", "OsvError", "OsvQuery"]

log = logging.getLogger(__name__)

DEFAULT_URL = "https://api.osv.dev"
_BATCH = 1000
_DAY = 24 * 3600.0


class OsvError(Exception):
    """OSV could not be reached or answered something unusable."""


@dataclass(frozen=True, slots=True)
class OsvQuery:
    ecosystem: str
    name: str
    version: str

    def body(self) -> dict[str, Any]:
        return {
            "package": {"ecosystem": self.ecosystem, "name": self.name},
            "version": self.version,
        }


class OsvClient:
    def __init__(
        self,
        base_url: str = DEFAULT_URL,
        timeout: float = 10.0,
        cache_dir: Path | None = None,
        max_records: int = 400,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_records = max_records
        self._session = LazySession(trust_env=False, headers={"User-Agent": "dockerls"})
        self._queries = TTLCache(_DAY, cache_dir / "queries" if cache_dir else None)
        self._records = TTLCache(30 * _DAY, cache_dir / "vulns" if cache_dir else None)

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        url = f"{self.base_url}{path}"
        session = self._session()
        import requests  # loaded by the session

        try:
            reply = session.request(method, url, json=body, timeout=self.timeout)
        except requests.RequestException as exc:
            raise OsvError(f"{url}: {exc.__class__.__name__}") from exc
        if reply.status_code != 200:
            raise OsvError(f"{url}: HTTP {reply.status_code}")
        try:
            return reply.json()
        except ValueError as exc:
            raise OsvError(f"{url}: not JSON") from exc

    def query(self, queries: Sequence[OsvQuery]) -> dict[OsvQuery, list[tuple[str, str]]]:
        """The ``(id, modified)`` pairs of the vulnerabilities affecting each package."""
        out: dict[OsvQuery, list[tuple[str, str]]] = {}
        todo: list[OsvQuery] = []
        for q in dict.fromkeys(queries):
            cached = self._queries.get(f"q|{q.ecosystem}|{q.name}|{q.version}")
            if isinstance(cached, list):
                out[q] = [(str(i), str(m)) for i, m in cached]
            else:
                todo.append(q)
        for start in range(0, len(todo), _BATCH):
            chunk = todo[start : start + _BATCH]
            data = self._call("POST", "/v1/querybatch", {"queries": [q.body() for q in chunk]})
            results = data.get("results") if isinstance(data, dict) else None
            if not isinstance(results, list) or len(results) != len(chunk):
                raise OsvError("querybatch: the results do not match the queries")
            for q, result in zip(chunk, results, strict=True):
                vulns = result.get("vulns", []) if isinstance(result, dict) else []
                pairs = [
                    (str(v["id"]), str(v.get("modified", "")))
                    for v in vulns
                    if isinstance(v, dict) and "id" in v
                ]
                out[q] = pairs
                self._queries.put(f"q|{q.ecosystem}|{q.name}|{q.version}", pairs)
        return out

    def record(self, vuln_id: str, modified: str) -> dict[str, Any]:
        key = f"v|{vuln_id}|{modified}"
        cached = self._records.get(key)
        if isinstance(cached, dict):
            return cached
        data = self._call("GET", f"/v1/vulns/{quote(vuln_id, safe='')}")
        if not isinstance(data, dict) or data.get("id") != vuln_id:
            raise OsvError(f"vulns/{vuln_id}: unexpected reply")
        self._records.put(key, data)
        return data

    def close(self) -> None:
        self._session.close()
