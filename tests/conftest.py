"""Suite-wide environment: every lint judges release lifecycles on one fixed day, and no test
reads or writes the user's cache.

``DOCKERLS_TODAY`` pins the date the base-image lifecycle rules (DLS301-DLS303) use, so results
don't change as releases age; ``DOCKERLS_REGISTRY=fake`` gives every server and CLI a test
start the fake registry and no network clients (tests that run the real clients against the
loopback registry and stubs drop it from their servers' environment); ``XDG_CACHE_HOME`` points the registry, lifecycle and OSV caches
(and so servers and CLIs the tests start, which inherit the environment) at a fresh folder.
"""

from __future__ import annotations

import os
import tempfile

import pytest

TODAY = "2026-12-05"


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("DOCKERLS_TODAY", TODAY)
    os.environ.setdefault("DOCKERLS_REGISTRY", "fake")
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="dockerls-test-cache-")
