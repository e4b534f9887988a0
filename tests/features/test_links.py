"""Document links: registry pages for base images, local COPY/ADD sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockerls.features.caps import ClientCaps
from dockerls.features.links import document_links, image_url
from dockerls.syntax.imageref import parse_image_ref
from tests.features.helpers import parsed


@pytest.mark.parametrize(
    ("image", "url"),
    [
        ("node:20", "https://hub.docker.com/_/node"),
        ("docker.io/library/node", "https://hub.docker.com/_/node"),
        ("bitnami/redis:7", "https://hub.docker.com/r/bitnami/redis"),
        ("ghcr.io/owner/tool:1", "https://ghcr.io/owner/tool"),
        ("quay.io/prometheus/node-exporter", "https://quay.io/repository/prometheus/node-exporter"),
        ("mcr.microsoft.com/dotnet/sdk:8.0", "https://mcr.microsoft.com/artifact/mar/dotnet/sdk"),
        ("gcr.io/distroless/static", "https://gcr.io/distroless/static"),
        ("registry.example.com/x", None),
        ("node:${V}", "https://hub.docker.com/_/node"),
        ("${IMG}", None),
        ("scratch", None),
    ],
)
def test_image_url(image: str, url: str | None) -> None:
    assert image_url(parse_image_ref(image)) == url


def test_links_in_document() -> None:
    src = 'FROM node:20 AS a\nFROM a\nCOPY app.py missing.py /srv/\nCOPY --from=a /x /y\nADD ["req.txt", "/r"]\n$0'
    p, m, _ = parsed(src)
    existing = {Path("/w/app.py"), Path("/w/req.txt"), Path("/w/x")}
    links = document_links(p, m, ClientCaps(), Path("/w"), lambda q: q in existing)
    got = [
        (lk.range.start.line, lk.range.start.character, lk.range.end.character, lk.target)
        for lk in links
    ]
    assert got == [
        (0, 5, 9, "https://hub.docker.com/_/node"),
        (2, 5, 11, "file:///w/app.py"),
        (4, 6, 13, "file:///w/req.txt"),
    ]


def test_no_file_links_without_a_folder() -> None:
    p, m, _ = parsed("FROM alpine\nCOPY a b\nADD https://example.com/x.tgz /x\n$0")
    links = document_links(p, m, ClientCaps(), None, lambda q: True)
    assert [lk.target for lk in links] == [
        "https://hub.docker.com/_/alpine",
        "https://example.com/x.tgz",
    ]


def test_a_source_no_file_can_have_gets_no_link_and_the_others_keep_theirs(
    tmp_path: Path,
) -> None:
    (tmp_path / "loop").symlink_to("loop")
    (tmp_path / "app.py").write_text("x")
    p, m, _ = parsed("FROM scratch\nCOPY a\0b loop app.py /srv/\n$0")
    links = document_links(p, m, ClientCaps(), tmp_path, Path.exists)
    assert [lk.target for lk in links] == [(tmp_path / "app.py").as_uri()]
