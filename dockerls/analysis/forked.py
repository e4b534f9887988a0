"""One piece of work on the second core: a forked child computes one part
while the caller computes the other.

The child is a copy of the process made by ``fork``: it shares the caller's
parse, model and caches without copying them, computes its part, sends the
pickled result through a pipe and exits at once (``os._exit``: no buffers of
the parent's flushed twice, no ``atexit`` handler run).  Logging is off in the
child: the language server forwards log records to its client, over stdout.

Only where ``fork`` is the safe, cheap default (Linux) and a second CPU is
there.  Anything going wrong in the child (an error, a crash, a child still
busy long after the caller's part is done) returns ``None``: the caller then
computes that part itself, so the result never depends on the child.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import io
import itertools
import logging
import mmap
import os
import pickle
import select
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")

# how long the child may take beyond the caller's own part, at least (seconds),
# and as a multiple of the caller's own time (the child may share one CPU with it)
GRACE = 1.0
SLOWER = 3.0
PIPE_SIZE = 1 << 20  # Linux's default limit for an unprivileged process
_END = "end"  # the child's last piece: what came before it is whole


@functools.cache
def available() -> bool:
    """Whether :func:`both` can use a second CPU here."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    try:
        return len(os.sched_getaffinity(0)) >= 2
    except (AttributeError, OSError):
        return (os.cpu_count() or 1) >= 2


class Shares:
    """``n`` pieces of work the caller and its child take from the two ends: the caller
    from the first up, the child from the last down, until they meet.  The marks are a
    shared anonymous page, so each sees what the other took; should both take the same
    piece at the same moment, both do it, and the caller keeps its own result."""

    def __init__(self, n: int) -> None:
        self._marks = mmap.mmap(-1, max(n, 1))  # shared with a child forked later

    def take(self, k: int) -> bool:
        """Take piece ``k`` unless the other side took it already."""
        if self._marks[k]:
            return False
        self._marks[k] = 1
        return True

    def close(self) -> None:
        self._marks.close()


def both(child: Callable[[], Iterable[Any]], here: Callable[[], T]) -> tuple[T, list[Any] | None]:
    """``here()``'s result, and the pieces ``child()`` yields as a forked child
    computes them, or None when the child failed or took too long.

    Each piece is pickled and written as soon as it is made, into a pipe large
    enough to hold them all: the child's pickling overlaps the caller's work."""
    try:
        read_end, write_end = os.pipe()
    except OSError:  # out of file descriptors: all here
        return here(), None
    with contextlib.suppress(OSError):  # a bigger pipe: the child never waits for a read
        fcntl.fcntl(write_end, getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_SIZE)
    try:
        with warnings.catch_warnings():
            # Python 3.12 warns about forking a process with threads: the child
            # runs only our code, which takes no lock another thread may hold
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except OSError:  # no memory or processes left for a child: all here
        os.close(read_end)
        os.close(write_end)
        return here(), None
    if pid == 0:  # the child
        try:
            os.close(read_end)
            logging.disable(logging.CRITICAL)
            for piece in itertools.chain(child(), (_END,)):  # each one as it comes
                view = memoryview(pickle.dumps(piece, protocol=pickle.HIGHEST_PROTOCOL))
                while view:
                    view = view[os.write(write_end, view) :]
            # the end of the stream now, not once the process is gone: a process's
            # memory is let go before its files are closed
            os.close(write_end)
        finally:
            os._exit(0)
    os.close(write_end)
    got: bytes | None = None
    try:
        start = time.monotonic()
        mine = here()
        own = time.monotonic() - start
        got = _read_all(read_end, time.monotonic() + GRACE + SLOWER * own)
    finally:
        os.close(read_end)
        _reap(pid, kill=got is None)
    pieces = []
    if got is not None:
        stream = io.BytesIO(got)
        with contextlib.suppress(Exception):  # a truncated piece: the child died mid-write
            while stream.tell() < len(got):
                pieces.append(pickle.load(stream))
    if not pieces or pieces.pop() != _END:  # not all of it: the child failed
        return mine, None
    return mine, pieces


def _read_all(fd: int, deadline: float) -> bytes | None:
    """Everything the child writes, or None when it wrote nothing whole by the deadline."""
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            return None
        chunk = os.read(fd, 1 << 20)
        if not chunk:  # end of file: the child is done (or died)
            return b"".join(chunks) if chunks else None
        chunks.append(chunk)


def _reap(pid: int, *, kill: bool) -> None:
    """Collect the child's exit status (killed first when ``kill``) without waiting
    for it: a thread waits while the child's memory is let go."""
    if kill:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return
    threading.Thread(target=_wait, args=(pid,), name="forked-reap", daemon=True).start()


def _wait(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
