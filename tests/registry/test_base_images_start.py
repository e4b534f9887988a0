"""The first publish needs no network client: the base-image lookups answer the
release data from the snapshot at once, and build their clients (requests,
endoflife.date, OSV) only after that publish, on the event loop, then publish
the document again for the lookups it went without."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from dockerls.analysis.lifecycle import LifecycleFacts
from dockerls.base_images import BaseImages
from dockerls.image_intel import ImageIntel
from dockerls.settings import Settings


def test_lifecycle_answers_before_the_clients_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DOCKERLS_REGISTRY", raising=False)  # the real clients (they ask nothing)
    republished: list[str] = []
    images = BaseImages(republished.append)
    images.configure(Settings(), tmp_path)

    async def first_publish() -> tuple[LifecycleFacts | None, ImageIntel | None]:
        facts = images.lifecycle("file:///a/Dockerfile")  # what the publish reads
        built_during_publish = images.intel
        await asyncio.sleep(0)  # the publish is written; the loop runs what was put off
        return facts, built_during_publish

    facts, during = asyncio.run(first_publish())
    assert facts is not None and facts.data.products  # the shipped release data
    assert during is None  # no client was built while the publish waited
    assert images.intel is not None  # ... but right after it
    assert images.intel.data is facts.data  # one store: the refresh updates what rules read
    assert republished == ["file:///a/Dockerfile"]  # the lookups get their publish
    images.intel.close()
