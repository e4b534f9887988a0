"""End-to-end fixtures: the real server over stdio, driven by pytest-lsp,
once per recorded editor capability set (VS Code and Neovim)."""

from __future__ import annotations

import os

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.e2e.helpers import SERVER


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=SERVER),
    params=["visual_studio_code", "neovim"],
)
async def client(request: pytest.FixtureRequest, lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    # ShellCheck findings arrive in a second publish; tests that wait for "the"
    # publish of a change run without it, the ShellCheck tests with it.
    shellcheck = request.module.__name__.endswith("test_shellcheck")
    params = lsp.InitializeParams(
        capabilities=client_capabilities(request.param),
        initialization_options={"shellcheck": {"enabled": shellcheck}},
    )
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=SERVER, server_env={**os.environ, "DOCKERLS_REGISTRY": "fake"}
    )
)
async def bare(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    """A client the test initialises itself (the registry a fake)."""
    yield
    await lsp_client.shutdown_session()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
