"""Document URIs to file paths (no IO, nothing heavy: the server's start reads one
before the analysis modules load)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

__all__ = ["uri_to_path"]


def uri_to_path(uri: str) -> Path | None:
    """The file a ``file:`` URI names; None for other schemes."""
    u = urlparse(uri)
    if u.scheme != "file":
        return None
    return Path(unquote(u.path))
