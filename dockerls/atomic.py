"""Replacing a file all at once: the one way dockerls writes files (``dockerls fix``, the
lifecycle and registry caches).

The new content goes to a temporary file beside the old one, is flushed to disk and gets the
old file's permissions, then is renamed over it: a reader sees the old file or the new one,
never a part, and a failure (a full disk, a killed process) leaves the old file as it was and
no temporary file behind.  A symbolic link stays a link: its target is replaced.  A file
the user may not write stays as it is, as if written in place.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

__all__ = ["write_atomic"]


def write_atomic(path: Path, data: bytes) -> None:
    """Replace the file at ``path`` (or create it) with ``data``; raises ``OSError``."""
    target = Path(os.path.realpath(path))
    try:
        mode: int | None = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = None  # a new file: private to the user (mkstemp's 0600)
    if mode is not None and not os.access(target, os.W_OK):  # a rename would get past it
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
