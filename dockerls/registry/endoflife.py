"""The endoflife.date API v1 client: ``GET {base}/products/{product}`` with conditional requests.

Blocking; callers run it in a worker thread.  Every request has a timeout.  A product's reply is
returned as the JSON the API sent, with the validators (``ETag``, ``Last-Modified``) to send next
time; a ``304 Not Modified`` returns ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dockerls.registry.session import LazySession

__all__ = ["DEFAULT_URL", "EndOfLifeClient", "EndOfLifeError", "ProductReply"]

DEFAULT_URL = "https://endoflife.date/api/v1"


class EndOfLifeError(Exception):
    """The service could not be reached or answered something unusable."""


@dataclass(frozen=True, slots=True)
class ProductReply:
    body: dict[str, Any]
    etag: str | None
    last_modified: str | None


class EndOfLifeClient:
    def __init__(self, base_url: str = DEFAULT_URL, timeout: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._session = LazySession(headers={"User-Agent": "dockerls"})

    def product(
        self, slug: str, etag: str | None = None, last_modified: str | None = None
    ) -> ProductReply | None:
        headers = {"Accept": "application/json"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        url = f"{self.base_url}/products/{slug}"
        session = self._session()
        import requests  # loaded by the session

        try:
            reply = session.get(url, headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            raise EndOfLifeError(f"{url}: {exc.__class__.__name__}") from exc
        if reply.status_code == 304:
            return None
        if reply.status_code != 200:
            raise EndOfLifeError(f"{url}: HTTP {reply.status_code}")
        try:
            body = reply.json()
        except ValueError as exc:
            raise EndOfLifeError(f"{url}: not JSON") from exc
        if not isinstance(body, dict) or not isinstance(body.get("result"), dict):
            raise EndOfLifeError(f"{url}: no result")
        return ProductReply(body, reply.headers.get("ETag"), reply.headers.get("Last-Modified"))

    def close(self) -> None:
        self._session.close()
