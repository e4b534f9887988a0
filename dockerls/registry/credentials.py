"""Registry credentials from Docker's ``config.json``.

Sources, in Docker's order: ``credHelpers[host]``, then an ``auths`` entry that holds
credentials (``auth`` = base64 ``user:pass``, or ``username``/``password``), then
``credsStore``.  Helpers run as ``docker-credential-<name> get`` with an argument
list (never a shell) and the server URL on stdin.

Credentials are looked up per registry host; callers must only ever send them to
that host (and to the token realm that host names).
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Credentials", "DockerConfig", "normalise_host"]

log = logging.getLogger(__name__)

_HUB_HOSTS = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})
HUB_SERVER_URL = "https://index.docker.io/v1/"


@dataclass(frozen=True, slots=True)
class Credentials:
    username: str
    password: str

    def __repr__(self) -> str:  # never print secrets
        return f"Credentials(username={self.username!r}, password=***)"

    @property
    def is_identity_token(self) -> bool:
        return self.username == "<token>"


def normalise_host(key: str) -> str:
    """``https://index.docker.io/v1/`` -> ``docker.io``; ``http://localhost:5000`` -> ``localhost:5000``."""
    host = key.strip()
    if "://" in host:
        host = host.split("://", 1)[1]
    host = host.split("/", 1)[0].lower()
    return "docker.io" if host in _HUB_HOSTS else host


def _server_url(host: str) -> str:
    return HUB_SERVER_URL if normalise_host(host) == "docker.io" else host


class DockerConfig:
    """Reads ``config.json`` once (lazily) and answers ``credentials(host)``."""

    def __init__(self, path: Path, helper_timeout: float = 10.0) -> None:
        self.path = path
        self.helper_timeout = helper_timeout
        self._data: dict[str, Any] | None = None

    def _load(self) -> dict[str, Any]:
        if self._data is None:
            try:
                raw = json.loads(self.path.read_text(encoding="utf-8"))
                self._data = raw if isinstance(raw, dict) else {}
                if not isinstance(raw, dict):
                    log.warning("docker config %s: top level is not an object", self.path)
            except FileNotFoundError:
                self._data = {}
            except (OSError, ValueError) as exc:
                log.warning("docker config %s is unreadable: %s", self.path, exc)
                self._data = {}
        return self._data

    def credentials(self, host: str) -> Credentials | None:
        """Credentials for registry ``host`` (``host[:port]``), or ``None``."""
        data = self._load()
        want = normalise_host(host)
        helpers = data.get("credHelpers")
        if isinstance(helpers, dict):
            for key, helper in helpers.items():
                if normalise_host(key) == want and isinstance(helper, str) and helper:
                    return self._from_helper(helper, key)
        auths = data.get("auths")
        if isinstance(auths, dict):
            for key, entry in auths.items():
                if normalise_host(key) == want and isinstance(entry, dict):
                    creds = self._from_entry(key, entry)
                    if creds is not None:
                        return creds
        store = data.get("credsStore")
        if isinstance(store, str) and store:
            return self._from_helper(store, _server_url(host))
        return None

    def _from_entry(self, key: str, entry: dict[str, Any]) -> Credentials | None:
        auth = entry.get("auth")
        if isinstance(auth, str) and auth:
            try:
                decoded = base64.b64decode(auth, validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                log.warning("docker config: the 'auth' entry for %s is not valid base64", key)
                return None
            user, sep, password = decoded.partition(":")
            if not sep:
                log.warning("docker config: the 'auth' entry for %s has no ':'", key)
                return None
            return Credentials(user, password)
        name = entry.get("username")
        secret = entry.get("password")
        if isinstance(name, str) and isinstance(secret, str) and name:
            return Credentials(name, secret)
        token = entry.get("identitytoken")
        if isinstance(token, str) and token:
            return Credentials("<token>", token)
        return None

    def _from_helper(self, helper: str, server_url: str) -> Credentials | None:
        if not all(c.isalnum() or c in "-_." for c in helper):
            log.warning("docker config: refusing credential helper name %r", helper)
            return None
        program = shutil.which(f"docker-credential-{helper}")
        if program is None:
            log.warning("credential helper docker-credential-%s is not on PATH", helper)
            return None
        try:
            proc = subprocess.run(
                [program, "get"],
                input=server_url.encode(),
                capture_output=True,
                timeout=self.helper_timeout,
                check=False,
                shell=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            log.warning("credential helper %s failed: %s", helper, exc)
            return None
        if proc.returncode != 0:
            msg = (
                proc.stdout.decode(errors="replace").strip()
                or proc.stderr.decode(errors="replace").strip()
            )
            if "credentials not found" not in msg.lower():
                log.warning("credential helper %s exited %d: %s", helper, proc.returncode, msg)
            return None
        try:
            out = json.loads(proc.stdout)
        except ValueError:
            log.warning("credential helper %s printed something that is not JSON", helper)
            return None
        user = out.get("Username") if isinstance(out, dict) else None
        secret = out.get("Secret") if isinstance(out, dict) else None
        if isinstance(user, str) and isinstance(secret, str) and secret:
            return Credentials(user, secret)
        return None
