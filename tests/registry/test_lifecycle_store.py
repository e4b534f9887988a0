"""Lifecycle data: the shipped snapshot is what the script makes, and refreshes from a stub
endoflife.date API on loopback are conditional, at most daily, and survive a dead service."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from dockerls.lifecycle_store import LifecycleStore, shipped_snapshot
from dockerls.registry.endoflife import EndOfLifeClient

from .stubs import BlackHole, Reply, Seen, StubServer

ROOT = Path(__file__).resolve().parents[2]

PYTHON_REPLY = {
    "schema_version": "1.2.0",
    "result": {
        "name": "python",
        "label": "Python",
        "releases": [
            {
                "name": "3.15",
                "releaseDate": "2026-10-01",
                "isLts": False,
                "isEol": False,
                "eolFrom": "2031-10-31",
                "latest": {"name": "3.15.0", "date": "2026-10-01"},
            },
            {
                "name": "3.7",
                "releaseDate": "2018-06-27",
                "isEol": True,
                "eolFrom": "2023-06-27",
                "latest": {"name": "3.7.17", "date": "2023-06-06"},
            },
        ],
    },
}


def test_shipped_snapshot_matches_the_generator() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_lifecycle.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_snapshot_keeps_the_endoflife_notice() -> None:
    notice = (ROOT / "dockerls" / "data" / "ENDOFLIFE-LICENSE").read_text()
    assert "MIT" in notice or "Permission is hereby granted" in notice
    assert shipped_snapshot().product("debian") is not None


def _handler(server: StubServer, seen: Seen) -> Reply:
    if seen.headers.get("If-None-Match") == '"v1"':
        return Reply(304)
    if seen.path == "/api/v1/products/python":
        body = json.dumps(PYTHON_REPLY).encode()
        return Reply(200, body, {"ETag": '"v1"', "Content-Type": "application/json"})
    return Reply(404)


def test_refresh_is_conditional_and_daily(tmp_path: Path) -> None:
    now = [1_800_000_000.0]
    with StubServer(_handler) as stub:
        client = EndOfLifeClient(f"{stub.url}/api/v1", timeout=2)
        store = LifecycleStore(tmp_path, client, clock=lambda: now[0])
        assert store.data.product("python").release(("3", "15")) is None  # type: ignore[union-attr]
        assert store.refresh(["python"]) == ["python"]
        product = store.data.product("python")
        assert product is not None and product.source == "endoflife.date"
        assert product.release(("3", "15", "0")) is not None
        assert store.refresh(["python"]) == []  # within the day: no request
        assert len(stub.seen) == 1
        now[0] += 25 * 3600
        assert store.refresh(["python"]) == []  # 304
        assert stub.seen[-1].headers["If-None-Match"] == '"v1"'
        assert len(stub.seen) == 2
        # a new process finds the fetched copy in the cache without asking
        again = LifecycleStore(tmp_path, None)
        assert again.data.product("python").release(("3", "15")) is not None  # type: ignore[union-attr]


def test_a_dead_service_leaves_the_snapshot(tmp_path: Path) -> None:
    with BlackHole() as hole:
        store = LifecycleStore(tmp_path, EndOfLifeClient(f"http://{hole.host}", timeout=0.3))
        assert store.refresh(["python"], force=True) == []
    assert store.data.product("python") == shipped_snapshot().product("python")


def test_without_a_client_nothing_is_requested(tmp_path: Path) -> None:
    assert LifecycleStore(tmp_path, None).refresh(force=True) == []
