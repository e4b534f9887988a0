"""Registry facts are a per-stage dependency: a stage's result is kept while the
image lookups its rules made answer the same, so new facts about one image (a
registry reply, an edited FROM tag) re-lint only the stages that asked about it,
and the findings are those of a fresh lint (counted, never timed)."""

from __future__ import annotations

import pytest

from dockerls.analysis.engine import Linter
from dockerls.analysis.facts import Facts, ImageFacts
from dockerls.syntax.parser import Parse, parse
from dockerls.syntax.reparse import reparse

STAGE = """\
FROM {image} AS s{n}
RUN echo {n}
"""
IMAGES = ["alpine:3.20", "debian:12", "python:3.13", "node:22"]
TEXT = "".join(STAGE.format(image=img, n=n) for n, img in enumerate(IMAGES))


def known(*refs: str, missing: str = "") -> dict[str, ImageFacts]:
    """Registry facts: each ref's repository has its tag (but ``missing``'s)."""
    out = {}
    for ref in refs:
        tag = ref.rpartition(":")[2]
        tags = ("latest",) if ref == missing else (tag, "latest")
        out[ref] = ImageFacts(tags=tags, digest="sha256:" + "a" * 64)
    return out


def codes(result: object, _p: Parse) -> set[tuple[int, str]]:
    return {(i, v.code) for i, vs in result.per_item.items() for v in vs}  # type: ignore[attr-defined]


def fresh(p: Parse, facts: Facts) -> set[tuple[int, str]]:
    return codes(Linter().lint(p, None, facts), p)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The first item of every segment the engine lints."""
    seen: list[int] = []
    lint_segment = Linter._lint_segment

    def counting(self: Linter, p: Parse, model: object, first: int, *args: object) -> object:
        seen.append(first)
        return lint_segment(self, p, model, first, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Linter, "_lint_segment", counting)
    return seen


def test_new_facts_for_one_image_relint_only_its_stage(counted: list[int]) -> None:
    p = parse(TEXT)
    linter = Linter()
    facts = Facts(images=known(*IMAGES))
    first = linter.lint(p, None, facts)
    assert not {c for _, c in codes(first, p)} & {"DLS201"}
    counted.clear()

    # the registry now says debian has no tag 12: only that stage is linted again
    later = Facts(images=known(*IMAGES, missing="debian:12"))
    result = linter.lint(p, None, later)
    assert counted == [p.items.index(next(it for it in p.items if "debian" in str(it.text)))]
    assert codes(result, p) == fresh(p, later)
    assert (2, "DLS201") in codes(result, p)


def test_editing_one_from_tag_relints_that_stage_alone(counted: list[int]) -> None:
    p = parse(TEXT)
    linter = Linter()
    linter.lint(p, None, Facts(images=known(*IMAGES)))
    counted.clear()

    at = TEXT.index("node:22") + len("node:2")
    p2 = reparse(p, at, at + 1, "0")  # node:22 -> node:20, not known to the registry yet
    facts2 = Facts(images=known(*IMAGES[:3]))
    result = linter.lint(p2, None, facts2)
    assert len(counted) == 1
    assert codes(result, p2) == fresh(p2, facts2)

    # the registry's answer arrives: node has no tag 20
    counted.clear()
    facts3 = Facts(images={**known(*IMAGES[:3]), **known("node:20", missing="node:20")})
    result = linter.lint(p2, None, facts3)
    assert len(counted) == 1
    assert codes(result, p2) == fresh(p2, facts3)
    assert any(code == "DLS201" for _, code in codes(result, p2))


def test_unchanged_lookups_keep_every_stage(counted: list[int]) -> None:
    p = parse(TEXT)
    linter = Linter()
    linter.lint(p, None, Facts(images=known(*IMAGES)))
    counted.clear()
    # an image no FROM uses comes and goes: no stage asked about it
    result = linter.lint(p, None, Facts(images=known(*IMAGES, "redis:7")))
    assert counted == []
    assert codes(result, p) == fresh(p, Facts(images=known(*IMAGES, "redis:7")))
