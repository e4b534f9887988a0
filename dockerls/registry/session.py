"""The network clients' HTTP session, made when the first request is sent.

``requests`` loads urllib3, TLS and every text codec charset_normalizer knows:
about 14 MB of a process's memory and 280 modules.  A client is built as soon
as a document names a base image, but with lookups off (the server's settings,
the command line without ``--vulnerabilities``) nothing is ever asked, so the
session and its library wait for the first request.  With lookups on, the
server's warm-up loads the library (``load_library``) right after the first
publish, when the lookups start.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import requests


class LazySession:
    """A ``requests.Session`` made by the first call (thread-safe), with
    ``trust_env`` and default ``headers`` set; or ``given`` (set up the same way)."""

    __slots__ = ("_headers", "_lock", "_made", "_trust_env")

    def __init__(
        self,
        *,
        trust_env: bool = True,
        headers: Mapping[str, str] | None = None,
        given: requests.Session | None = None,
    ) -> None:
        self._trust_env = trust_env
        self._headers = dict(headers or {})
        self._lock = threading.Lock()
        self._made: requests.Session | None = None
        if given is not None:
            self._made = self._set_up(given)

    def __call__(self) -> requests.Session:
        made = self._made
        if made is None:
            with self._lock:
                made = self._made
                if made is None:
                    import requests

                    made = self._made = self._set_up(requests.Session())
        return made

    def _set_up(self, session: requests.Session) -> requests.Session:
        session.trust_env = self._trust_env
        session.headers.update(self._headers)
        return session

    def close(self) -> None:
        """Close the session if one was made."""
        if self._made is not None:
            self._made.close()


def load_library() -> None:
    """Load ``requests`` now: the server's warm-up, when lookups are about to start
    (in a lookup's worker thread, the import would hold the interpreter while the
    user types)."""
    import requests  # noqa: F401
