"""Work on the second CPU: a forked child computes one part while the caller
computes the other (:func:`both`), or goes on with something else (:func:`start`).

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
import weakref
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
    forked = _spawn(child)
    if forked is None:  # no child to be had: all here
        return here(), None
    pid, fd = forked
    try:
        start = time.monotonic()
        mine = here()
        own = time.monotonic() - start
    except BaseException:
        _collect(pid, fd, 0.0)
        raise
    return mine, _collect(pid, fd, time.monotonic() + GRACE + SLOWER * own)


class Pending:
    """What a forked child computes while the caller goes on (:func:`start`)."""

    def __init__(self, pid: int, fd: int, limit: float) -> None:
        self._forked: tuple[int, int] | None = (pid, fd)
        self._deadline = time.monotonic() + limit
        self._value: Any = None
        # a result never asked for: the child is ended and reaped all the same
        self._finalizer = weakref.finalize(self, _collect, pid, fd, 0.0)

    def result(self) -> Any:
        """The child's result, waited for until the deadline; None when it failed or
        is late (the caller then computes it itself)."""
        if self._forked is not None:
            self._finalizer.detach()
            pid, fd = self._forked
            self._forked = None
            pieces = _collect(pid, fd, self._deadline)
            self._value = pieces[0] if pieces else None
        return self._value


def start(work: Callable[[], Any], limit: float) -> Pending | None:
    """``work()`` computed by a forked child while the caller goes on, to be taken from
    :meth:`Pending.result` within ``limit`` seconds (None: no child could be forked)."""
    forked = _spawn(lambda: (work(),))
    return None if forked is None else Pending(*forked, limit)


def _spawn(child: Callable[[], Iterable[Any]]) -> tuple[int, int] | None:
    """Fork a child that writes the pieces ``child()`` yields, each pickled as it comes,
    then an end marker; (its pid, the read end of its pipe), or None."""
    if not hasattr(os, "fork"):  # Windows
        return None
    import fcntl  # POSIX only

    try:
        read_end, write_end = os.pipe()
    except OSError:  # out of file descriptors
        return None
    with contextlib.suppress(OSError):  # a bigger pipe: the child never waits for a read
        fcntl.fcntl(write_end, getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_SIZE)
    try:
        with warnings.catch_warnings():
            # Python 3.12 warns about forking a process with threads: the child
            # runs only our code, which takes no lock another thread may hold
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except OSError:  # no memory or processes left for a child
        os.close(read_end)
        os.close(write_end)
        return None
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
    return pid, read_end


def _collect(pid: int, fd: int, deadline: float) -> list[Any] | None:
    """The pieces the child wrote, read until ``deadline``, or None when they are not
    all there (the child failed, or is late: it is killed); the child is reaped."""
    got: bytes | None = None
    try:
        got = _read_all(fd, deadline)
    finally:
        os.close(fd)
        _reap(pid, kill=got is None)
    pieces = []
    if got is not None:
        stream = io.BytesIO(got)
        with contextlib.suppress(Exception):  # a truncated piece: the child died mid-write
            while stream.tell() < len(got):
                pieces.append(pickle.load(stream))
    if not pieces or pieces.pop() != _END:  # not all of it: the child failed
        return None
    return pieces


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
    """Collect the child's exit status.  A child that sent everything is exiting on its
    own: a thread waits while its memory is let go.  Else it is killed and waited for
    here (no thread: this may run at the interpreter's exit, for a forgotten result)."""
    if kill:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        _wait(pid)
        return
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return
    threading.Thread(target=_wait, args=(pid,), name="forked-reap", daemon=True).start()


def _wait(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
