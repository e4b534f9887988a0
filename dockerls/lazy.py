"""Modules that load on first use.

The language server names the modules its handlers call when it is imported,
but handlers run only after the ``initialize`` reply: loading those modules
then keeps the reply as quick as pygls itself allows.  :func:`lazy_module`
returns the module object at once (registered in ``sys.modules``) and runs its
code on the first attribute access (importlib's ``LazyLoader``);
:func:`load_all` runs every one not loaded yet.  :func:`soon` runs a callback
after the current one: the network clients (requests) load that way, once the
first publish is written.  Load them from one thread
only (the server's event loop): on Python 3.11 a second thread could see a
module half-loaded.
"""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from collections.abc import Callable
from types import ModuleType

_LAZY: list[ModuleType] = []  # lazy modules not loaded yet (some may have loaded since)


def lazy_module(name: str) -> ModuleType:
    """``name``, loaded when one of its attributes is first read."""
    found = sys.modules.get(name)
    if found is not None:
        return found
    spec = importlib.util.find_spec(name)  # imports the parent package: it may import `name`
    found = sys.modules.get(name)
    if found is not None:
        return found
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    _LAZY.append(module)
    return module


def load_all() -> None:
    """Run the code of every lazy module now (those that already ran stay as they are)."""
    while _LAZY:
        getattr(_LAZY.pop(0), "__name__")  # noqa: B009 - any attribute read runs it


def soon(callback: Callable[..., object], *args: object) -> None:
    """Run ``callback(*args)`` on the running event loop once the current callback
    is done (the publish being written goes out first); at once without a loop."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        callback(*args)
        return
    loop.call_soon(callback, *args)
