"""Looking at the user's file system for optional files (configuration,
``.dockerignore``, tools): a folder the process may not enter, a broken home
directory or any other OS error means "not there", logged once per folder,
never a crash."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger("dockerls")

_logged: set[str] = set()


def _note(path: Path, exc: BaseException) -> None:
    where = str(path.parent)
    if where in _logged:
        return
    _logged.add(where)
    log.warning("cannot look in %s (%s); taken as absent", where, exc)


def _quietly(path: str | os.PathLike[str], test: Callable[[Path], bool]) -> bool:
    p = Path(path)
    try:
        return test(p)
    except OSError as exc:
        _note(p, exc)
        return False


def is_file(path: str | os.PathLike[str]) -> bool:
    """``Path.is_file``, False on any OS error (``PermissionError`` included)."""
    return _quietly(path, Path.is_file)


def is_dir(path: str | os.PathLike[str]) -> bool:
    """``Path.is_dir``, False on any OS error."""
    return _quietly(path, Path.is_dir)


def exists(path: str | os.PathLike[str]) -> bool:
    """``Path.exists``, False on any OS error."""
    return _quietly(path, Path.exists)


def home(env_home: str | None) -> Path | None:
    """The home folder (``$HOME``, else the password database), None when
    there is none."""
    if env_home:
        return Path(env_home)
    try:
        return Path.home()
    except (OSError, RuntimeError, KeyError) as exc:
        log.warning("no home folder (%s); its configuration is not looked for", exc)
        return None
