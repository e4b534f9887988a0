"""A stub OSV service on loopback: ``POST /v1/querybatch`` and ``GET /v1/vulns/{id}``.

``VULNS`` maps (ecosystem, source package) to the records that affect it; every request is kept
in ``StubServer.seen`` so tests can check the request bodies.
"""

from __future__ import annotations

import json
from typing import Any

from .stubs import Reply, Seen, StubServer

__all__ = ["RECORDS", "VULNS", "osv_handler"]


def _record(
    vuln_id: str,
    ecosystem: str,
    name: str,
    fixed: str,
    severity: list[dict[str, str]],
    summary: str,
) -> dict[str, Any]:
    return {
        "id": vuln_id,
        "modified": "2026-11-01T00:00:00Z",
        "summary": summary,
        "severity": severity,
        "affected": [
            {
                "package": {"ecosystem": ecosystem, "name": name},
                "ranges": [
                    {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}
                ],
            }
        ],
    }


CRIT = [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]
HIGH = [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}]
LOW = [{"type": "Ubuntu", "score": "low"}]

RECORDS: dict[str, dict[str, Any]] = {
    r["id"]: r
    for r in [
        _record(
            "DEBIAN-CVE-2026-0001",
            "Debian:12",
            "openssl",
            "3.0.15-1~deb12u1",
            CRIT,
            "openssl: remote code execution",
        ),
        _record(
            "DEBIAN-CVE-2026-0002",
            "Debian:12",
            "glibc",
            "2.36-9+deb12u9",
            HIGH,
            "glibc: buffer overflow",
        ),
        _record(
            "DEBIAN-CVE-2026-0003",
            "Debian:12",
            "glibc",
            "2.36-9+deb12u10",
            LOW,
            "glibc: minor leak",
        ),
        _record(
            "ALPINE-CVE-2026-0004",
            "Alpine:v3.21",
            "busybox",
            "1.37.0-r9",
            HIGH,
            "busybox: wget TLS bypass",
        ),
    ]
}
VULNS: dict[tuple[str, str], list[str]] = {
    ("Debian:12", "openssl"): ["DEBIAN-CVE-2026-0001"],
    ("Debian:12", "glibc"): ["DEBIAN-CVE-2026-0002", "DEBIAN-CVE-2026-0003"],
    ("Alpine:v3.21", "busybox"): ["ALPINE-CVE-2026-0004"],
}


def osv_handler(server: StubServer, seen: Seen) -> Reply:
    if seen.method == "POST" and seen.path == "/v1/querybatch":
        queries = json.loads(seen.body)["queries"]
        results = []
        for q in queries:
            key = (q["package"]["ecosystem"], q["package"]["name"])
            ids = VULNS.get(key, [])
            results.append(
                {"vulns": [{"id": i, "modified": RECORDS[i]["modified"]} for i in ids]}
                if ids
                else {}
            )
        return Reply(
            200, json.dumps({"results": results}).encode(), {"Content-Type": "application/json"}
        )
    if seen.method == "GET" and seen.path.startswith("/v1/vulns/"):
        record = RECORDS.get(seen.path.rsplit("/", 1)[1])
        if record is None:
            return Reply(404, b"{}")
        return Reply(200, json.dumps(record).encode(), {"Content-Type": "application/json"})
    return Reply(404, b"{}")
