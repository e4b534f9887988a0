"""Fixtures for the real-editor end-to-end tests (Neovim, Emacs/eglot)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import COMPOSE, DOCKERFILE


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throwaway project: a git-less folder whose root marker is the Dockerfile itself, and
    a Compose file that builds it."""
    root = tmp_path_factory.mktemp("project")
    (root / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
    (root / "compose.yaml").write_text(COMPOSE, encoding="utf-8")
    return root
