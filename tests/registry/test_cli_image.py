"""``dockerls image`` and ``dockerls lifecycle refresh`` end to end: offline from the snapshot;
online against the real registry on loopback and stub OSV / endoflife.date services."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .local_registry import LocalRegistry, push_attested_index
from .osv_stub import osv_handler
from .stubs import Reply, Seen, StubServer
from .test_vulnscan import PURLS


def _run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """``dockerls args`` run in ``tmp_path`` (the workspace ``check`` scans for builds)."""
    env = dict(os.environ, DOCKERLS_TODAY="2026-12-05", XDG_CACHE_HOME=str(tmp_path / "cache"))
    return subprocess.run(
        [sys.executable, "-m", "dockerls", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def _vulnerabilities(dockerfile: Path, tmp_path: Path) -> list[dict[str, Any]]:
    """The DLS310 problems of ``dockerls check --vulnerabilities`` on ``dockerfile`` (run in
    ``tmp_path``), OSV answered by the stub."""
    with StubServer(osv_handler) as osv:
        online = _run(
            [
                "check",
                "--no-shellcheck",
                "-f",
                "json",
                "--vulnerabilities",
                "--osv-url",
                osv.url,
                str(dockerfile),
            ],
            tmp_path,
        )
    return [p for p in json.loads(online.stdout) if p["code"] == "DLS310"]


def test_offline_report_names_the_end_and_the_upgrade(tmp_path: Path) -> None:
    proc = _run(["image", "python:3.7-slim-buster"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Python 3.7: end of life since 2023-06-27" in proc.stdout
    assert "Debian 10 (buster): end of life since 2024-06-30" in proc.stdout
    assert "Suggested: python:3.14-slim-trixie" in proc.stdout
    report = json.loads(_run(["image", "--json", "ubuntu:18.04"], tmp_path).stdout)
    assert report["lifecycle"]["support"] == "ended" and report["upgrade"] == "ubuntu:26.04"


def test_unknown_image_says_so(tmp_path: Path) -> None:
    proc = _run(["image", "myorg/thing:1.0"], tmp_path)
    assert proc.returncode == 1 and "not a base image dockerls knows" in proc.stdout


@pytest.fixture(scope="module")
def pythons(local_registry: LocalRegistry) -> LocalRegistry:
    push_attested_index(local_registry.url, "library/python", ["3.12"], PURLS, layer_bytes=900_000)
    push_attested_index(
        local_registry.url, "library/python", ["3.12-slim"], PURLS[:1], layer_bytes=200_000
    )
    push_attested_index(
        local_registry.url, "library/python", ["3.12-alpine"], None, layer_bytes=50_000
    )
    # an ended line and the one the upgrade suggests (fewer packages, distinct images)
    push_attested_index(local_registry.url, "library/python", ["3.7"], PURLS, layer_bytes=3000)
    push_attested_index(local_registry.url, "library/python", ["3.14"], PURLS[:1], layer_bytes=1400)
    return local_registry


def test_online_report_says_how_many_the_upgrade_fixes(
    pythons: LocalRegistry, tmp_path: Path
) -> None:
    """The CLI's count is the hover's (features.baseimage.fixed_by_upgrade), in JSON and text."""
    ref = f"{pythons.host}/library/python:3.7"
    args = ["image", "--online", "--osv-url", "", "--lifecycle-url", "http://127.0.0.1:9/none"]
    with StubServer(osv_handler) as osv:
        args[3] = osv.url
        as_json = _run([*args, "--json", ref], tmp_path)
        as_text = _run([*args, ref], tmp_path)
    assert as_json.returncode == 0, as_json.stderr
    report = json.loads(as_json.stdout)
    assert report["upgrade"] == f"{pythons.host}/library/python:3.14"
    assert report["vulnerabilities"]["fixed_by_upgrade"] == 3
    assert f"{pythons.host}/library/python:3.14 fixes 3 of these" in as_text.stdout


def test_online_report_has_vulnerabilities_and_variant_sizes(
    pythons: LocalRegistry, tmp_path: Path
) -> None:
    ref = f"{pythons.host}/library/python:3.12"
    with StubServer(osv_handler) as osv:
        proc = _run(
            [
                "image",
                "--online",
                "--json",
                "--osv-url",
                osv.url,
                "--lifecycle-url",
                "http://127.0.0.1:9/none",
                ref,
            ],
            tmp_path,
        )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["vulnerabilities"]["counts"]["critical"] == 1
    assert report["vulnerabilities"]["top"][0]["id"] == "DEBIAN-CVE-2026-0001"
    sizes = {v["reference"]: v["size"] for v in report["variants"]}
    slim = f"{pythons.host}/library/python:3.12-slim"
    alpine = f"{pythons.host}/library/python:3.12-alpine"
    assert sizes[slim] is not None and sizes[alpine] is not None
    assert sizes[alpine] < sizes[slim] < 900_000 + 10_000


def _eol(server: StubServer, seen: Seen) -> Reply:
    body = {"result": {"name": "x", "label": "X", "releases": []}}
    return Reply(200, json.dumps(body).encode(), {"ETag": '"e"'})


def test_lifecycle_refresh_fetches_every_product(tmp_path: Path) -> None:
    with StubServer(_eol) as stub:
        proc = _run(["lifecycle", "refresh", "--lifecycle-url", stub.url], tmp_path)
        paths = {s.path for s in stub.seen}
    assert proc.returncode == 0, proc.stderr
    assert "/products/python" in paths and "/products/debian" in paths
    assert (tmp_path / "cache" / "dockerls" / "lifecycle" / "python.json").exists()


def test_check_reports_lifecycle_offline_and_vulnerabilities_on_request(
    pythons: LocalRegistry, tmp_path: Path
) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(
        f"FROM python:3.12-slim-buster AS old\nFROM {pythons.host}/library/python:3.12\n"
    )
    offline = _run(["check", "--no-shellcheck", "-f", "json", str(dockerfile)], tmp_path)
    codes = [p["code"] for p in json.loads(offline.stdout)]
    assert "DLS303" in codes and "DLS310" not in codes
    found = _vulnerabilities(dockerfile, tmp_path)
    assert len(found) == 1 and found[0]["line"] == 2
    assert "1 critical, 2 high" in found[0]["message"]


def test_check_inspects_each_platform_of_a_build_as_the_server_does(
    local_registry: LocalRegistry, tmp_path: Path
) -> None:
    """`dockerls check --vulnerabilities` picks the images to scan as the editor does
    (``inspected_platforms``): a Compose file beside the Dockerfile builds it for two
    platforms, and only the arm64 image has vulnerabilities OSV knows."""
    push_attested_index(
        local_registry.url, "team/multi", ["2.0"], PURLS[2:3], more={"arm64": PURLS}
    )
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(f"FROM {local_registry.host}/team/multi:2.0\nRUN true\n")
    (tmp_path / "compose.yaml").write_text(
        "services:\n  app:\n    build:\n      context: .\n"
        "      platforms: [linux/amd64, linux/arm64]\n"
    )
    [found] = _vulnerabilities(dockerfile, tmp_path)
    assert "1 critical, 2 high" in found["message"]
    assert "across linux/amd64, linux/arm64" in found["message"]
