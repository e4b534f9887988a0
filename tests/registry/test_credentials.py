"""Docker config credentials: auths, credHelpers/credsStore through a fake helper on PATH."""

from __future__ import annotations

import base64
import json
import os
import stat
import sys
from pathlib import Path

import pytest

from dockerls.registry.credentials import Credentials, DockerConfig, normalise_host
from dockerls.registry.settings import RegistrySettings

HELPER = """#!{python}
import json, sys
log = {log!r}
server = sys.stdin.read()
with open(log, "a") as fh:
    fh.write(json.dumps({{"argv": sys.argv[1:], "stdin": server}}) + "\\n")
if sys.argv[1:] != ["get"]:
    sys.exit(3)
if server == "unknown.example.test":
    print("credentials not found in native keychain")
    sys.exit(1)
print(json.dumps({{"ServerURL": server, "Username": "helper-user", "Secret": "secret-for-" + server}}))
"""


@pytest.fixture
def helper_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    log = tmp_path / "helper.log"
    script = bindir / "docker-credential-test"
    script.write_text(HELPER.format(python=sys.executable, log=str(log)))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
    return log


def _cfg(tmp_path: Path, data: dict[str, object]) -> DockerConfig:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(data))
    return DockerConfig(path)


def _calls(log: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_auths_base64(tmp_path: Path) -> None:
    auth = base64.b64encode(b"joe:pa:ss").decode()
    cfg = _cfg(tmp_path, {"auths": {"https://index.docker.io/v1/": {"auth": auth}}})
    assert cfg.credentials("registry-1.docker.io") == Credentials("joe", "pa:ss")
    assert cfg.credentials("docker.io") == Credentials("joe", "pa:ss")
    assert cfg.credentials("ghcr.io") is None


def test_auths_username_password_and_host_keys(tmp_path: Path) -> None:
    cfg = _cfg(
        tmp_path,
        {"auths": {"http://localhost:5000": {"username": "u", "password": "p"}, "ghcr.io": {}}},
    )
    assert cfg.credentials("localhost:5000") == Credentials("u", "p")
    assert cfg.credentials("localhost:5001") is None
    assert cfg.credentials("ghcr.io") is None


def test_bad_base64_is_ignored(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cfg = _cfg(tmp_path, {"auths": {"ghcr.io": {"auth": "!!!not base64"}}})
    assert cfg.credentials("ghcr.io") is None
    assert "not valid base64" in caplog.text


def test_cred_helper_gets_server_url_on_stdin(tmp_path: Path, helper_log: Path) -> None:
    cfg = _cfg(
        tmp_path,
        {
            "credHelpers": {"ghcr.io": "test"},
            "auths": {"ghcr.io": {"username": "file-user", "password": "x"}},
        },
    )
    assert cfg.credentials("ghcr.io") == Credentials("helper-user", "secret-for-ghcr.io")
    assert _calls(helper_log) == [{"argv": ["get"], "stdin": "ghcr.io"}]


def test_creds_store_used_for_hub_with_index_url(tmp_path: Path, helper_log: Path) -> None:
    cfg = _cfg(tmp_path, {"credsStore": "test", "auths": {"https://index.docker.io/v1/": {}}})
    creds = cfg.credentials("registry-1.docker.io")
    assert creds == Credentials("helper-user", "secret-for-https://index.docker.io/v1/")
    assert _calls(helper_log)[-1]["stdin"] == "https://index.docker.io/v1/"


def test_helper_without_credentials_returns_none(tmp_path: Path, helper_log: Path) -> None:
    cfg = _cfg(tmp_path, {"credsStore": "test"})
    assert cfg.credentials("unknown.example.test") is None
    assert len(_calls(helper_log)) == 1


def test_missing_helper_is_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cfg = _cfg(tmp_path, {"credHelpers": {"ghcr.io": "does-not-exist-xyz"}})
    assert cfg.credentials("ghcr.io") is None
    assert "docker-credential-does-not-exist-xyz" in caplog.text


def test_helper_name_with_shell_characters_is_refused(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cfg = _cfg(tmp_path, {"credHelpers": {"ghcr.io": "test; touch pwned"}})
    assert cfg.credentials("ghcr.io") is None
    assert "refusing" in caplog.text


def test_unreadable_config_is_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "config.json"
    path.write_text("{nope")
    assert DockerConfig(path).credentials("ghcr.io") is None
    assert "unreadable" in caplog.text


def test_missing_config_is_fine(tmp_path: Path) -> None:
    assert DockerConfig(tmp_path / "absent.json").credentials("ghcr.io") is None


def test_docker_config_env_is_respected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "dc"))
    assert RegistrySettings().resolved_docker_config() == tmp_path / "dc" / "config.json"
    explicit = tmp_path / "explicit.json"
    assert RegistrySettings(docker_config=explicit).resolved_docker_config() == explicit
    monkeypatch.delenv("DOCKER_CONFIG")
    assert RegistrySettings().resolved_docker_config() == Path.home() / ".docker" / "config.json"


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="XDG cache dirs are Linux-only")
def test_cache_dir_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert RegistrySettings().resolved_cache_dir() == tmp_path / "dockerls"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert RegistrySettings().resolved_cache_dir() == Path.home() / ".cache" / "dockerls"


@pytest.mark.parametrize(
    ("key", "host"),
    [
        ("https://index.docker.io/v1/", "docker.io"),
        ("registry-1.docker.io", "docker.io"),
        ("http://localhost:5000", "localhost:5000"),
        ("GHCR.io/", "ghcr.io"),
    ],
)
def test_normalise_host(key: str, host: str) -> None:
    assert normalise_host(key) == host


def test_credentials_repr_hides_secret() -> None:
    assert "hunter2" not in repr(Credentials("u", "hunter2"))
