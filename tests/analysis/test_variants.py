from __future__ import annotations

from dockerls.analysis.imagetags import classify
from dockerls.analysis.variants import leaner_candidates, missing_tools
from dockerls.lifecycle_store import shipped_snapshot
from dockerls.syntax.imageref import parse_image_ref

TAGS = [
    "3.12",
    "3.12-slim",
    "3.12-slim-bookworm",
    "3.12-bookworm",
    "3.12-alpine",
    "3.12-alpine3.20",
    "3.13-slim",
]


def _found(text: str):  # type: ignore[no-untyped-def]
    found = classify(parse_image_ref(text), shipped_snapshot())
    assert found is not None
    return found


def test_full_image_gets_slim_alpine_and_distroless() -> None:
    refs = [(c.reference, c.kind) for c in leaner_candidates(_found("python:3.12"), TAGS)]
    assert refs == [
        ("python:3.12-slim", "slim"),
        ("python:3.12-alpine", "alpine"),
        ("gcr.io/distroless/python3-debian12:nonroot", "distroless"),
    ]


def test_os_suffix_is_kept_for_slim() -> None:
    refs = [c.reference for c in leaner_candidates(_found("python:3.12-bookworm"), TAGS)]
    assert refs[0] == "python:3.12-slim-bookworm"


def test_slim_gets_no_slim_and_alpine_gets_neither() -> None:
    assert [c.kind for c in leaner_candidates(_found("python:3.12-slim"), TAGS)] == [
        "alpine",
        "distroless",
    ]
    assert [c.kind for c in leaner_candidates(_found("python:3.12-alpine"), TAGS)] == ["distroless"]


def test_missing_package_managers() -> None:
    alpine, distroless = leaner_candidates(_found("python:3.12-slim"), TAGS)
    assert missing_tools(alpine, ["apt-get", "pip"]) == ["apt-get"]
    assert missing_tools(distroless, ["apk"]) == ["apk"]
    slim = leaner_candidates(_found("python:3.12"), TAGS)[0]
    assert missing_tools(slim, ["apt-get"]) == []


def test_distroless_is_offered_beside_hub_images_only() -> None:
    kinds = [c.kind for c in leaner_candidates(_found("docker.io/library/python:3.12"), TAGS)]
    assert "distroless" in kinds
    mirror = _found("registry.example:5000/library/python:3.12")
    assert [c.kind for c in leaner_candidates(mirror, TAGS)] == ["slim", "alpine"]
