"""The "Upgrade to ..." fix of DLS301-DLS303 against what the registry said about the suggested
reference: verified, missing, re-pinned; and which images the server looks the upgrade up for."""

from __future__ import annotations

import datetime as dt

import pytest

from dockerls.analysis.engine import Linter
from dockerls.analysis.facts import Facts, ImageFacts
from dockerls.analysis.imagetags import classify
from dockerls.analysis.lifecycle import LifecycleFacts
from dockerls.analysis.upgrade import upgrade_due
from dockerls.lifecycle_store import shipped_snapshot
from dockerls.syntax.imageref import parse_image_ref
from dockerls.syntax.parser import parse

DAY = dt.date(2026, 12, 5)
OLD = "sha256:" + "1" * 64
NEW = "sha256:" + "2" * 64


def _fixes(text: str, images: dict[str, ImageFacts] | None = None) -> list[tuple[str, str]]:
    facts = Facts(images=images or {}, lifecycle=LifecycleFacts(shipped_snapshot(), DAY))
    result = Linter().lint(parse(text), facts=facts)
    return [
        (v.fix.title, v.fix.edits[0].text)
        for _i, v in result.all()
        if v.code in ("DLS301", "DLS302", "DLS303") and v.fix is not None
    ]


def test_offline_the_title_says_unverified_and_a_digest_is_dropped() -> None:
    assert _fixes(f"FROM python:3.7@{OLD}\n") == [
        ("Upgrade to `python:3.14` (tag not verified) (digest dropped)", "python:3.14")
    ]


def test_a_listed_tag_is_verified_and_the_digest_re_pinned() -> None:
    images = {"python:3.14": ImageFacts(tags=("3.13", "3.14"), digest=NEW)}
    assert _fixes(f"FROM python:3.7@{OLD}\n", images) == [
        ("Upgrade to `python:3.14` (digest re-pinned)", f"python:3.14@{NEW}")
    ]
    assert _fixes("FROM python:3.7\n", images) == [("Upgrade to `python:3.14`", "python:3.14")]


def test_a_tag_the_registry_lacks_is_not_offered() -> None:
    images = {"python:3.14": ImageFacts(tags=("3.12", "3.13"))}
    assert _fixes("FROM python:3.7\n", images) == []


@pytest.mark.parametrize(
    ("image", "due"),
    [
        ("python:3.7", True),  # ended
        ("python:3.12-slim-buster", True),  # the OS ended
        ("openjdk:17", True),  # deprecated image
        ("debian:bookworm", True),  # extended support (DLS302)
        ("python:3.14-slim-trixie", False),  # maintained
    ],
)
def test_upgrade_due_follows_the_rules(image: str, due: bool) -> None:
    data = shipped_snapshot()
    found = classify(parse_image_ref(image), data)
    assert found is not None
    assert upgrade_due(found, data, DAY, 90) is due
