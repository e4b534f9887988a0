"""Tag understanding: real references from the corpus's FROM lines -> product, cycle, variant, OS."""

from __future__ import annotations

import datetime as dt

import pytest

from dockerls.analysis.imagetags import classify
from dockerls.analysis.lifecycle import Support, support_state
from dockerls.lifecycle_store import shipped_snapshot
from dockerls.syntax.imageref import parse_image_ref
from dockerls.syntax.nodes import Instruction
from dockerls.syntax.parser import parse
from tests.support import corpus_files

DATA = shipped_snapshot()

# reference (as written in a corpus FROM line) -> (product, cycle, variant, (os product, os cycle))
TABLE: list[tuple[str, tuple[str, str | None, str, tuple[str, str | None] | None]]] = [
    ("eclipse-temurin:17-jre-jammy", ("eclipse-temurin", "17", "jre", ("ubuntu", "22.04"))),
    ("eclipse-temurin:11-jre-jammy", ("eclipse-temurin", "11", "jre", ("ubuntu", "22.04"))),
    ("eclipse-temurin:25-jdk-noble", ("eclipse-temurin", "25", "jdk", ("ubuntu", "24.04"))),
    ("eclipse-temurin:11-jre-focal", ("eclipse-temurin", "11", "jre", ("ubuntu", "20.04"))),
    ("eclipse-temurin:17-jdk-alpine", ("eclipse-temurin", "17", "jdk", ("alpine-linux", None))),
    (
        "eclipse-temurin:17-jdk-ubi9-minimal",
        ("eclipse-temurin", "17", "jdk-minimal", ("rhel", "9")),
    ),
    (
        "mcr.microsoft.com/dotnet/sdk:10.0.100-noble@sha256:" + "c" * 64,
        ("dotnet", "10", "", ("ubuntu", "24.04")),
    ),
    (
        "mcr.microsoft.com/dotnet/runtime-deps:10.0.0-noble-chiseled",
        ("dotnet", "10", "chiseled", ("ubuntu", "24.04")),
    ),
    ("mcr.microsoft.com/dotnet/aspnet:6.0", ("dotnet", "6", "", None)),
    ("mcr.microsoft.com/dotnet/sdk:5.0", ("dotnet", "5", "", None)),
    ("mcr.microsoft.com/dotnet/core/sdk:2.1", ("dotnet", "2.1", "", None)),
    (
        "mcr.microsoft.com/dotnet/runtime-deps:10.0.11-alpine3.23",
        ("dotnet", "10", "", ("alpine-linux", "3.23")),
    ),
    ("golang:1.26.5-alpine@sha256:" + "0" * 64, ("go", "1.26", "", ("alpine-linux", None))),
    ("golang:1.26-alpine3.23", ("go", "1.26", "", ("alpine-linux", "3.23"))),
    ("golang:1.16-buster", ("go", "1.16", "", ("debian", "10"))),
    ("golang:1.22", ("go", "1.22", "", None)),
    ("golang:1.26-windowsservercore-ltsc2022", ("go", "1.26", "windowsservercore-ltsc2022", None)),
    ("docker.io/library/golang:1.26.6-bookworm", ("go", "1.26", "", ("debian", "12"))),
    ("node:20.20.2-alpine", ("nodejs", "20", "", ("alpine-linux", None))),
    ("node:22-bookworm-slim", ("nodejs", "22", "slim", ("debian", "12"))),
    ("node:17.0.1-bullseye-slim", ("nodejs", "17", "slim", ("debian", "11"))),
    ("node:14.17.3-alpine3.14", ("nodejs", "14", "", ("alpine-linux", "3.14"))),
    ("node:8.9-slim", ("nodejs", "8", "slim", None)),
    ("docker.io/node:24-trixie-slim", ("nodejs", "24", "slim", ("debian", "13"))),
    ("python:3.14.6-alpine", ("python", "3.14", "", ("alpine-linux", None))),
    ("python:3.13-slim-trixie", ("python", "3.13", "slim", ("debian", "13"))),
    ("python:3.6-slim-buster", ("python", "3.6", "slim", ("debian", "10"))),
    ("python:3.5-stretch", ("python", "3.5", "", ("debian", "9"))),
    ("python:3.8-slim-bullseye", ("python", "3.8", "slim", ("debian", "11"))),
    ("python:3.14-alpine3.23", ("python", "3.14", "", ("alpine-linux", "3.23"))),
    ("docker.io/library/python:3.14.7-slim-bookworm", ("python", "3.14", "slim", ("debian", "12"))),
    ("python:3.11-slim", ("python", "3.11", "slim", None)),
    ("debian:bookworm-slim", ("debian", "12", "slim", None)),
    ("docker.io/debian:bullseye-slim", ("debian", "11", "slim", None)),
    ("debian:10.13", ("debian", "10", "", None)),
    ("debian:12", ("debian", "12", "", None)),
    ("debian:bookworm-20250520-slim", ("debian", "12", "slim", None)),
    ("debian:buster-slim@sha256:" + "b" * 64, ("debian", "10", "slim", None)),
    ("debian:jessie", ("debian", "8", "", None)),
    ("debian:forky", ("debian", "14", "", None)),
    ("ubuntu:18.04", ("ubuntu", "18.04", "", None)),
    ("ubuntu:focal", ("ubuntu", "20.04", "", None)),
    ("ubuntu:noble-20260610", ("ubuntu", "24.04", "", None)),
    ("ubuntu:trusty", ("ubuntu", "14.04", "", None)),
    ("docker.io/library/ubuntu:26.04", ("ubuntu", "26.04", "", None)),
    ("alpine:3.8", ("alpine-linux", "3.8", "", None)),
    ("alpine:3.23.3", ("alpine-linux", "3.23", "", None)),
    ("docker.io/library/alpine:3.24.1", ("alpine-linux", "3.24", "", None)),
    ("registry.access.redhat.com/ubi8/ubi:8.2", ("rhel", "8", "", None)),
    ("registry.access.redhat.com/ubi9-minimal", ("rhel", "9", "", None)),
    ("redhat/ubi10-minimal", ("rhel", "10", "", None)),
    ("openjdk:8-alpine", ("eclipse-temurin", "8", "", ("alpine-linux", None))),
    ("php:8.3-fpm-alpine3.23", ("php", "8.3", "fpm", ("alpine-linux", "3.23"))),
    ("php:8.3-apache-bookworm", ("php", "8.3", "apache", ("debian", "12"))),
    ("php:5.6-apache", ("php", "5.6", "apache", None)),
    ("docker.io/library/php:8.5.9-cli-alpine3.24", ("php", "8.5", "cli", ("alpine-linux", "3.24"))),
    ("rabbitmq:4.2-alpine", ("rabbitmq", "4.2", "", ("alpine-linux", None))),
    ("nginx:1.27.4-alpine-slim", ("nginx", "1.27", "slim", ("alpine-linux", None))),
    ("nginx:1.21.6", ("nginx", "1.21", "", None)),
    ("maven:3.8.5-eclipse-temurin-17", ("apache-maven", "3.8", "eclipse-temurin-17", None)),
    ("amazoncorretto:11-al2023", ("amazon-corretto", "11", "", ("amazon-linux", "2023"))),
    ("amazoncorretto:21-al2023-jdk", ("amazon-corretto", "21", "jdk", ("amazon-linux", "2023"))),
    ("amazonlinux:2", ("amazon-linux", "2", "", None)),
    ("mysql:5.7", ("mysql", "5.7", "", None)),
    ("tomcat:7-jre8", ("tomcat", "7", "jre8", None)),
    ("erlang:18", ("erlang", "18", "", None)),
    ("rust:1.89-slim-trixie", ("rust", "1.89", "slim", ("debian", "13"))),
    ("docker.io/library/ruby:4.0.5-alpine3.22", ("ruby", "4.0", "", ("alpine-linux", "3.22"))),
    ("docker.io/library/gradle:9.7.0-jdk17", ("gradle", "9", "jdk17", None)),
    ("denoland/deno:2.9.1", ("deno", "2.9", "", None)),
    ("perl:5.38", ("perl", "5.38", "", None)),
    ("centos:7", ("centos", "7", "", None)),
    ("public.ecr.aws/docker/library/centos:7", ("centos", "7", "", None)),
    ("rockylinux:8", ("rocky-linux", "8", "", None)),
    ("almalinux:8", ("almalinux", "8", "", None)),
    ("fedora:39", ("fedora", "39", "", None)),
    ("docker.io/library/redis:8.10.1", ("redis", "8.10", "", None)),
]


@pytest.mark.parametrize(("text", "expected"), TABLE, ids=[t for t, _ in TABLE])
def test_corpus_tags_map_to_product_cycle_variant_and_os(
    text: str, expected: tuple[str, str | None, str, tuple[str, str | None] | None]
) -> None:
    found = classify(parse_image_ref(text), DATA)
    assert found is not None
    os = (found.os.product, found.os.cycle) if found.os else None
    assert (found.product, found.cycle, "-".join(found.variant), os) == expected


def test_at_least_60_entries_are_corpus_from_lines() -> None:
    """The table's references are real: at least 60 stand as written in a corpus FROM line
    (the rest are the same shapes with a digest or a newer version)."""
    written: set[str] = set()
    for path in corpus_files():
        for item in parse(path.read_text(encoding="utf-8", errors="replace")).items:
            if isinstance(item, Instruction) and item.name == "FROM":
                written.update(word.value for word in item.words if not word.value.startswith("-"))
    assert sum(1 for text, _ in TABLE if text in written) >= 60


@pytest.mark.parametrize(
    "text",
    [
        "python",
        "python:latest",
        "node:lts",
        "alpine:edge",
        "debian:sid-slim",
        "scratch",
        "myorg/python:3.7",
        "golang:${GO_VERSION}",
        "ubuntu:rolling",
        "busybox:1.36",
    ],
)
def test_moving_unknown_and_untagged_references_give_nothing(text: str) -> None:
    assert classify(parse_image_ref(text), DATA) is None


def test_spans_cover_the_version_and_the_os_suffix() -> None:
    text = "python:3.7-slim-buster"
    found = classify(parse_image_ref(text), DATA)
    assert found is not None and found.version_span and found.os
    assert text[slice(*found.version_span)] == "3.7"
    assert text[slice(*found.os.span)] == "buster"


def _state(product: str, cycle: str, today: str):  # type: ignore[no-untyped-def]
    prod = DATA.product(product)
    assert prod is not None
    release = prod.release(tuple(cycle.split(".")))
    assert release is not None and release.cycle == cycle
    return support_state(prod, release, dt.date.fromisoformat(today), 90)


def test_debian_in_lts_is_extended_not_ended() -> None:
    state = _state("debian", "12", "2026-12-05")
    assert state.support is Support.EXTENDED
    assert str(state.ends) == "2028-06-30" and str(state.regular_end) == "2026-07-11"
    assert _state("debian", "10", "2026-12-05").support is Support.ENDED


def test_ubuntu_esm_does_not_count_for_images() -> None:
    assert _state("ubuntu", "18.04", "2026-12-05").support is Support.ENDED


def test_ending_within_the_window_and_supported_beyond_it() -> None:
    assert _state("python", "3.10", "2026-09-01").support is Support.ENDING
    assert _state("python", "3.10", "2026-06-01").support is Support.SUPPORTED
    assert _state("python", "3.10", "2026-12-05").support is Support.ENDED


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("python:3.7", "python:3.14"),
        ("python:3.7-slim-buster", "python:3.14-slim-trixie"),
        ("python:3.12-slim-buster", "python:3.14-slim-trixie"),
        ("node:16-alpine", "node:26-alpine"),
        ("node:14.17.3-alpine3.14", "node:26-alpine3.24"),
        ("debian:buster", "debian:trixie"),
        ("debian:buster-slim", "debian:trixie-slim"),
        ("debian:10", "debian:13"),
        ("ubuntu:18.04", "ubuntu:26.04"),
        ("ubuntu:bionic", "ubuntu:resolute"),
        ("eclipse-temurin:11-jre-focal", "eclipse-temurin:25-jre-resolute"),
        ("openjdk:8-alpine", "eclipse-temurin:25-alpine"),
        ("mcr.microsoft.com/dotnet/aspnet:6.0", "mcr.microsoft.com/dotnet/aspnet:10.0"),
        ("golang:1.16-buster", "golang:1.27-trixie"),
        ("alpine:3.15", "alpine:3.24"),
    ],
)
def test_upgrade_keeps_variant_and_moves_line_and_os(text: str, expected: str) -> None:
    from dockerls.analysis.upgrade import suggest_upgrade

    found = classify(parse_image_ref(text), DATA)
    assert found is not None
    upgrade = suggest_upgrade(found, DATA, dt.date(2026, 12, 5))
    assert upgrade is not None and upgrade.reference == expected
