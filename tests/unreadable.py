"""A folder the process under test may not enter.

Tests usually run as root, which reads any folder (CAP_DAC_OVERRIDE,
CAP_DAC_READ_SEARCH); :func:`unprivileged` is the command prefix that drops
those capabilities (``setpriv``, util-linux) so a mode-000 folder is really
unreadable.  As another user no prefix is needed."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_CAPS = "-dac_override,-dac_read_search"


def unprivileged() -> list[str]:
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    assert setpriv, "setpriv (util-linux) is needed to drop root's file-access capabilities"
    return [setpriv, f"--inh-caps={_CAPS}", f"--bounding-set={_CAPS}", "--"]


@contextmanager
def locked_config(tmp_path: Path, where: str) -> Iterator[tuple[dict[str, str], Path, Path]]:
    """(environment, locked folder, Dockerfile): a home whose ``.config``
    (``where="home"``) or a ``$XDG_CONFIG_HOME`` (``where="xdg"``) holds a
    hadolint.yaml ignoring DL3006 but has mode 000 for the duration (restored
    after, so the temporary files can be removed), and a Dockerfile with
    DL3006 and DL3003 findings."""
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "HADOLINT_"))}
    env["HOME"] = str(home)
    folder = home / ".config" if where == "home" else tmp_path / "xdg"
    if where == "xdg":
        env["XDG_CONFIG_HOME"] = str(folder)
    dockerfile = tmp_path / "project" / "Dockerfile"
    dockerfile.parent.mkdir()
    dockerfile.write_text(DOCKERFILE)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "hadolint.yaml").write_text("ignored: [DL3006]\n")
    folder.chmod(0)
    try:
        yield env, folder, dockerfile
    finally:
        folder.chmod(0o700)


DOCKERFILE = "FROM ubuntu\nRUN cd /x && make\n"
