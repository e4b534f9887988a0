"""One pipeline: the same document through the CLI's path and through the
server (over stdio), with ShellCheck's findings and registry facts present,
under `# check=error=true`, pragmas and settings, gives the same diagnostics
(codes, ranges, severities)."""

from __future__ import annotations

import os
import tempfile
from dataclasses import replace
from typing import Any

import pytest
import pytest_lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from dockerls.analysis.facts import ImageFacts
from dockerls.cli_check import context_facts
from dockerls.image_lookups import offered_platforms
from dockerls.registry.fake import FakeRegistry
from tests.e2e.helpers import (
    SERVER,
    Key,
    cli_keys,
    diagnostic_key,
    initialize_with,
    open_document,
    wait_publish,
)

_HOME = tempfile.TemporaryDirectory(prefix="dockerls-e2e-pipeline-")
ENV = {
    **os.environ,
    "XDG_CACHE_HOME": os.path.join(_HOME.name, "cache"),
    "DOCKER_CONFIG": os.path.join(_HOME.name, "docker"),
    "DOCKERLS_REGISTRY": "fake",
}
SETTINGS: dict[str, Any] = {
    "shellcheck": {"enabled": True},
    "registry": {"cacheTtlSeconds": 0, "diagnostics": {"unknownTag": True}},
    "rules": {"ignore": ["DL3059", "JSONArgsRecommended"], "severity": {"SC2154": "error"}},
}
# the FakeRegistry's node images offer linux/amd64 and linux/arm64
TEXT = """\
# check=error=true
FROM --platform=linux/s390x node:20 AS build
ARG FILES
# hadolint ignore=SC2086
RUN rm $FILES $other
RUN echo $FILES && cd /src
CMD node app.js
FROM node:99
WORKDIR app
"""
URI = "file:///tmp/dockerls-e2e-pipeline/Dockerfile"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=ENV))
async def client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    await initialize_with(lsp_client, SETTINGS)
    yield
    await lsp_client.shutdown_session()


def cli_path() -> list[Key]:
    """The CLI's lint (ShellCheck run and waited for) with the facts the
    server's registry lookups give for the same images."""
    fake = FakeRegistry()
    facts = replace(
        context_facts(None),  # what the CLI knows offline: the release lifecycles
        images={
            "node:20": ImageFacts(platforms=offered_platforms(fake.resolve("node:20"))),
            "node:99": ImageFacts(tags=tuple(fake.list_tags("node"))),
        },
    )
    return cli_keys(TEXT, SETTINGS, facts)


@pytest.mark.asyncio
async def test_cli_and_server_report_the_same(client: LanguageClient) -> None:
    expected = cli_path()
    codes = {k[0] for k in expected}
    # what the document is about: every kind of finding is there
    assert {"InvalidBaseImagePlatform", "DLS201", "SC2154", "DL3003", "DL3000"} <= codes
    assert "DLS301" in codes  # node 20's end of life, from the lifecycle facts on both paths
    assert "SC2086" in codes  # on the second RUN, not the first (pragma)
    assert not codes & {"DL3059", "JSONArgsRecommended", "DL3025", "WorkdirRelativePath"}
    by_code = {k[0]: k[5] for k in expected}
    assert by_code["InvalidBaseImagePlatform"] == 1  # # check=error=true
    assert by_code["SC2154"] == 1  # the settings' severity

    open_document(client, URI, TEXT)
    # registry and ShellCheck results join later publishes: wait for the last
    final = await wait_publish(
        client,
        lambda p: p.uri == URI and sorted(map(diagnostic_key, p.diagnostics)) == expected,
        timeout=30,
    )
    assert sorted(map(diagnostic_key, final.diagnostics)) == expected
