"""Tests for dockerls.syntax.imageref."""

from __future__ import annotations

import pytest

from dockerls.syntax.imageref import parse_image_ref

D = "sha256:" + "ab" * 32


@pytest.mark.parametrize(
    ("text", "domain", "repository", "tag", "digest", "api_host"),
    [
        ("node", "docker.io", "library/node", None, None, "registry-1.docker.io"),
        ("node:20-alpine", "docker.io", "library/node", "20-alpine", None, "registry-1.docker.io"),
        ("bitnami/redis:7", "docker.io", "bitnami/redis", "7", None, "registry-1.docker.io"),
        ("docker.io/node", "docker.io", "library/node", None, None, "registry-1.docker.io"),
        (
            "index.docker.io/library/node",
            "docker.io",
            "library/node",
            None,
            None,
            "registry-1.docker.io",
        ),
        (f"ghcr.io/a/b:1@{D}", "ghcr.io", "a/b", "1", D, "ghcr.io"),
        ("localhost:5000/x", "localhost:5000", "x", None, None, "localhost:5000"),
        ("localhost/x:1", "localhost", "x", "1", None, "localhost"),
        ("127.0.0.1:5000/a/b/c:v1", "127.0.0.1:5000", "a/b/c", "v1", None, "127.0.0.1:5000"),
        (f"alpine@{D}", "docker.io", "library/alpine", None, D, "registry-1.docker.io"),
        ("[::1]:5000/img:2", "[::1]:5000", "img", "2", None, "[::1]:5000"),
    ],
)
def test_normalisation(
    text: str, domain: str, repository: str, tag: str | None, digest: str | None, api_host: str
) -> None:
    ref = parse_image_ref(text)
    assert ref.errors == ()
    assert ref.domain == domain
    assert ref.repository == repository
    assert ref.tag == tag
    assert ref.digest == digest
    assert ref.api_host == api_host
    assert not ref.has_variables


def test_spans_are_within_string() -> None:
    text = f"ghcr.io/a/b:1.2@{D}"
    ref = parse_image_ref(text)
    assert text[slice(*ref.name_span)] == "ghcr.io/a/b"
    assert ref.tag_span is not None and text[slice(*ref.tag_span)] == "1.2"
    assert ref.digest_span is not None and text[slice(*ref.digest_span)] == D
    assert ref.canonical == f"ghcr.io/a/b:1.2@{D}"


def test_spans_count_code_points() -> None:
    # a non-BMP character in an (invalid) tag must count as one code point
    text = "node:a\U0001f600b"
    ref = parse_image_ref(text)
    assert ref.tag_span == (5, 8)
    assert ref.errors and ref.errors[0][1] == (5, 8)


def test_untagged_has_no_tag_span() -> None:
    ref = parse_image_ref("node")
    assert ref.tag is None and ref.tag_span is None and ref.digest_span is None
    assert ref.name_span == (0, 4)
    assert ref.reference == "latest"
    assert ref.canonical == "docker.io/library/node"
    assert ref.familiar_name == "node"


def test_variables() -> None:
    text = "$REG/x:${TAG}"
    ref = parse_image_ref(text)
    assert ref.has_variables
    assert ref.registry == "$REG"
    assert ref.path == "x"
    assert ref.tag == "${TAG}"
    assert ref.errors == ()


def test_variable_with_default_containing_colon() -> None:
    ref = parse_image_ref("node:${NODE_VERSION:-20}")
    assert ref.has_variables
    assert ref.path == "node"
    assert ref.tag == "${NODE_VERSION:-20}"
    assert ref.errors == ()


def test_whole_variable() -> None:
    ref = parse_image_ref("${BASE_IMAGE}")
    assert ref.has_variables and ref.tag is None and ref.errors == ()


@pytest.mark.parametrize(
    ("text", "message_part", "span"),
    [
        ("Node:20", "lowercase", (0, 4)),
        ("foo/Bar:1", "lowercase", (4, 7)),
        ("node:-bad", "invalid tag", (5, 9)),
        ("node:", "empty tag", (4, 5)),
        ("node@sha256:abc", "64 hex", (5, 15)),
        ("node@md5", "invalid digest", (5, 8)),
        ("a//b", "empty path component", (2, 2)),
        ("ghcr.io/", "missing repository", (8, 8)),
        ("node:" + "a" * 129, "invalid tag", (5, 134)),
    ],
)
def test_errors(text: str, message_part: str, span: tuple[int, int]) -> None:
    ref = parse_image_ref(text)
    assert any(message_part in msg and sp == span for msg, sp in ref.errors), ref.errors


def test_uppercase_first_component_is_a_registry() -> None:
    ref = parse_image_ref("MyRegistry/app")
    assert ref.registry == "MyRegistry" and ref.repository == "app"


def test_with_tag_and_digest() -> None:
    ref = parse_image_ref("node:20")
    assert ref.with_tag("22") == "node:22"
    assert ref.with_digest(D) == f"node:20@{D}"
    assert ref.with_digest(D, keep_tag=False) == f"node@{D}"


def test_scratch() -> None:
    assert parse_image_ref("scratch").is_scratch


def test_empty_never_raises() -> None:
    assert parse_image_ref("").errors
