"""What ``server.py``'s Dockerfile-only handlers share: they answer about an open Dockerfile's
snapshot, and null in an open Compose or Bake file (``snapshot`` is None there; an unknown
document is an InvalidParams error reply, which ``snapshot`` raises).

``dockerfile_only`` wraps such a handler, written as ``handler(server, params, snap)``, into
the ``(ls, params)`` form pygls calls (async stays async).  It lives here because the
server module holds only plain module-level handlers (``tests/test_server_shape.py``).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

if TYPE_CHECKING:  # (the documents module loads with the first document, not at start-up)
    from lsprotocol import types as lsp

    from dockerls.documents import Snapshot

__all__ = ["dockerfile_only"]


class _Server(Protocol):
    def snapshot(self, uri: str) -> Snapshot | None: ...


class _OnDocument(Protocol):
    @property
    def text_document(self) -> lsp.TextDocumentIdentifier: ...


S = TypeVar("S", bound=_Server)
P = TypeVar("P", bound=_OnDocument)
R = TypeVar("R")


# what pygls reads of a handler: its name and doc, not its signature (the wrapper's first
# parameter is ``ls``, pygls's name for the server it passes first; the handler's own
# annotations, ``Snapshot`` among them, are left to it)
_SHOWN = ("__module__", "__name__", "__qualname__", "__doc__")


def dockerfile_only(
    handler: Callable[[S, P, Snapshot], R],
) -> Callable[[S, P], R | None]:
    """``handler`` called with the document's snapshot; None for a Compose or Bake file."""
    if inspect.iscoroutinefunction(handler):
        run_async = cast("Callable[[S, P, Snapshot], Awaitable[Any]]", handler)

        async def on_snapshot_async(ls: S, params: P) -> Any:
            snap = ls.snapshot(params.text_document.uri)
            return None if snap is None else await run_async(ls, params, snap)

        _show(on_snapshot_async, handler)
        return cast("Callable[[S, P], R | None]", on_snapshot_async)

    def on_snapshot(ls: S, params: P) -> R | None:
        snap = ls.snapshot(params.text_document.uri)
        return None if snap is None else handler(ls, params, snap)

    _show(on_snapshot, handler)
    return on_snapshot


def _show(wrapper: Callable[..., Any], handler: Callable[..., Any]) -> None:
    """Give ``wrapper`` the handler's name and doc (not ``functools.update_wrapper``: its
    ``__wrapped__`` would make pygls read the handler's signature)."""
    for name in _SHOWN:
        setattr(wrapper, name, getattr(handler, name))
