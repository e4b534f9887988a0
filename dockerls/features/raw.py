"""A request result that is already JSON.

Large results (document symbols of a big file) are assembled from cached
per-instruction fragments; the server writes them out as they are instead of
building lsprotocol objects and having pygls convert them back."""

from __future__ import annotations


class RawJSON(bytes):
    """A UTF-8 JSON value, sent as a response's ``result`` unchanged."""
