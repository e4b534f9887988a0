"""Pure tests of ``dockerls.features.images``: tag ordering/filtering, hover text,
pinning actions and the optional registry diagnostics."""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types as lsp

from dockerls.analysis.baseimage import Located
from dockerls.analysis.builds import Build
from dockerls.analysis.engine import Linter
from dockerls.analysis.facts import Facts, ImageFacts
from dockerls.analysis.model import Model, build_model
from dockerls.features import images
from dockerls.features.caps import ClientCaps
from dockerls.registry.base import ImageInfo, PlatformManifest
from dockerls.registry.fake import FakeRegistry
from dockerls.syntax.imageref import parse_image_ref
from dockerls.syntax.parser import parse
from tests.features.helpers import range_from_str

D1 = "sha256:" + "1" * 64
D2 = "sha256:" + "2" * 64
CAPS = ClientCaps()


def apply(text: str, edits: Sequence[lsp.TextEdit]) -> str:
    lines = text.split("\n")
    offs = [0]
    for line in lines:
        offs.append(offs[-1] + len(line) + 1)
    out = text
    for e in sorted(
        edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
    ):
        a = offs[e.range.start.line] + e.range.start.character
        b = offs[e.range.end.line] + e.range.end.character
        out = out[:a] + e.new_text + out[b:]
    return out


def actions(text: str, facts: dict[int, images.ImageFacts], diags=()):  # type: ignore[no-untyped-def]
    p = parse(text)
    m = build_model(p)
    rng = lsp.Range(lsp.Position(0, 0), lsp.Position(len(text.split("\n")), 0))
    stages = images.stages_in_range(m, rng, CAPS)
    return images.image_code_actions(m, "file:///Dockerfile", stages, facts, CAPS, diags)


def edited(text: str, action: lsp.CodeAction) -> str:
    assert action.edit is not None and action.edit.changes is not None
    return apply(text, action.edit.changes["file:///Dockerfile"])


# ---------------------------------------------------------------- completion


def test_completion_tags_newest_first_semver_aware() -> None:
    tags = ["1.9.0", "latest", "1.10.0", "1.10.0-alpine", "2.0.0-rc1", "2.0.0", "edge"]
    assert images.completion_tags(tags) == [
        "2.0.0",
        "2.0.0-rc1",
        "1.10.0",
        "1.10.0-alpine",
        "1.9.0",
        "edge",
        "latest",
    ]


def test_completion_tags_filtered_by_platform_when_resolution_is_cached() -> None:
    reg = FakeRegistry()
    known = {t: reg.resolve(f"node:{t}") for t in ("18", "20.11.1", "22")}
    got = images.completion_tags(reg.list_tags("node"), platform="linux/arm64", info_for=known.get)
    # 18 and 20.11.1 are amd64-only images; tags not resolved yet are kept
    assert "18" not in got and "20.11.1" not in got
    assert got[:2] == ["22", "22-alpine"]
    assert "latest" in got
    # no platform, or a variable one: no filtering
    assert "18" in images.completion_tags(reg.list_tags("node"), info_for=known.get)
    assert "18" in images.completion_tags(
        reg.list_tags("node"), platform="$BUILDPLATFORM", info_for=known.get
    )


def test_tag_items_carry_status_and_offline_placeholder() -> None:
    items = images.tag_items("node", ["22", "20"], status="cached; registry lookups are turned off")
    assert [i.label for i in items] == ["22", "20"]
    assert items[0].detail == "node:22 (cached; registry lookups are turned off)"
    assert items[0].sort_text < items[1].sort_text  # type: ignore[operator]
    empty = images.tag_items("node", [], status="registry lookups are turned off", prefix="2")
    assert len(empty) == 1
    assert "turned off" in (empty[0].detail or "")
    assert empty[0].insert_text == "2"
    assert images.tag_items("node", []) == []


# ---------------------------------------------------------------- hover


def test_hover_text_multi_platform_markdown() -> None:
    info = FakeRegistry().resolve("node:22")
    text = images.hover_text(parse_image_ref("node:22"), info, markdown=True)
    assert f"`{info.digest}`" in text
    assert "`linux/amd64`, `linux/arm64`" in text
    assert "Created (linux/amd64): 2024-05-01T00:00:00Z" in text
    assert "Size (linux/amd64): 1.0 MB" in text
    assert "(https://hub.docker.com/_/node)" in text


def test_hover_text_plain_single_platform_and_link() -> None:
    info = ImageInfo(
        reference="ghcr.io/a/b:1",
        digest=D1,
        media_type="application/vnd.oci.image.manifest.v1+json",
        platform="linux/amd64",
        created="2024-01-02T03:04:05Z",
        size=2_500,
    )
    text = images.hover_text(parse_image_ref("ghcr.io/a/b:1"), info, markdown=False)
    assert "`" not in text
    assert f"Resolved digest: {D1}" in text
    assert "Platform: linux/amd64" in text
    assert "Size: 2.5 kB" in text
    assert "Web page: https://ghcr.io/a/b" in text


def test_hover_text_states_why_nothing_is_known() -> None:
    text = images.hover_text(
        parse_image_ref("node:22"), None, markdown=True, status="registry lookups are turned off"
    )
    assert text.startswith("Registry: registry lookups are turned off")
    assert "Resolved digest" not in text


def test_human_size() -> None:
    assert images.human_size(999) == "999 B"
    assert images.human_size(1_234_567) == "1.2 MB"
    assert images.human_size(3_000_000_000) == "3.0 GB"


def test_hover_skips_unknown_platform_entries() -> None:
    info = ImageInfo(
        reference="x:1",
        digest=D1,
        media_type="application/vnd.oci.image.index.v1+json",
        platforms=(
            PlatformManifest("linux", "amd64", None, D2, "m"),
            PlatformManifest("unknown", "unknown", None, D2, "m"),
        ),
    )
    text = images.hover_text(parse_image_ref("x:1"), info, markdown=True)
    assert "unknown/unknown" not in text


# ---------------------------------------------------------------- pinning


def test_version_candidates_and_most_specific() -> None:
    tags = ["latest", "mainline", "1", "1.27", "1.27.3", "1.27.3-bookworm", "1.28.0-rc1", "edge"]
    assert images.version_candidates(tags) == ["1.27.3", "1.27.3-bookworm", "1.27", "1"]
    assert images.most_specific_tag(["1", "1.27", "1.27.3", "1.27.3-bookworm", "mainline"]) == (
        "1.27.3-bookworm"
    )
    assert images.most_specific_tag(["latest", "stable"]) is None


def test_pin_to_digest_keeps_tag() -> None:
    text = "FROM node:20 AS build\nRUN true\n"
    acts = actions(text, {0: ImageFacts(digest=D1)})
    pin = [a for a in acts if a.title.startswith(images.PIN_DIGEST)]
    assert len(pin) == 1
    assert edited(text, pin[0]) == f"FROM node:20@{D1} AS build\nRUN true\n"
    assert pin[0].kind == lsp.CodeActionKind.RefactorRewrite
    # tag 20 is a version already: no "pin to version"
    assert not any(a.title.startswith(images.PIN_VERSION) for a in acts)


def test_pin_to_version_for_latest_and_untagged_are_quick_fixes() -> None:
    text = "FROM --platform=linux/amd64 nginx:latest\nFROM nginx\n"
    diag = lsp.Diagnostic(range_from_str(text, "latest"), "latest", code="DL3007")
    facts = {
        0: ImageFacts(digest=D1, version_tag="1.27.3-bookworm"),
        1: ImageFacts(digest=D1, version_tag="1.27.3-bookworm"),
    }
    acts = actions(text, facts, [diag])
    version = [a for a in acts if a.title.startswith(images.PIN_VERSION)]
    assert len(version) == 2
    first, second = version
    assert edited(text, first).split("\n")[0] == "FROM --platform=linux/amd64 nginx:1.27.3-bookworm"
    assert first.kind == lsp.CodeActionKind.QuickFix
    assert first.diagnostics == [diag]
    assert first.is_preferred
    assert edited(text, second).split("\n")[1] == "FROM nginx:1.27.3-bookworm"
    assert second.diagnostics is None


def test_update_pinned_digest_only_when_moved() -> None:
    text = f"FROM node:20@{D1}\n"
    acts = actions(text, {0: ImageFacts(digest=D2)})
    assert [a.title.split(" (")[0] for a in acts] == [images.UPDATE_DIGEST]
    assert edited(text, acts[0]) == f"FROM node:20@{D2}\n"
    assert actions(text, {0: ImageFacts(digest=D1)}) == []


def test_no_actions_for_stage_refs_variables_scratch_or_unknown() -> None:
    text = "FROM node:20 AS a\nFROM a\nFROM $IMG\nFROM scratch\n"
    facts = {i: ImageFacts(digest=D1, version_tag="1.0") for i in range(4)}
    acts = actions(text, facts)
    assert len(acts) == 1  # only stage 0 can be looked up
    assert actions("FROM node:20\n", {}) == []


def test_actions_only_for_stages_in_range() -> None:
    text = "FROM node:20\nRUN x\nFROM python:3.12\n"
    p = parse(text)
    m = build_model(p)
    stages = images.stages_in_range(m, range_from_str(text, "python"), CAPS)
    assert [s.index for s in stages] == [1]


def test_pin_utf8_positions() -> None:
    text = "# é😀\nFROM node\n"
    caps = ClientCaps(encoding="utf-8")
    p = parse(text)
    m = build_model(p)
    stages = images.lookup_stages(m)
    acts = images.image_code_actions(m, "u", stages, {0: ImageFacts(digest=D1)}, caps)
    assert acts[0].edit and acts[0].edit.changes
    e = acts[0].edit.changes["u"][0]
    assert e.range == lsp.Range(lsp.Position(1, 5), lsp.Position(1, 9))
    assert e.new_text == f"node@{D1}"


# ---------------------------------------------------------------- diagnostics


def test_registry_facts_reach_the_rules_through_the_engine() -> None:
    """The facts the server fills from registry lookups (``Facts.images``)
    make the engine's DLS201/DLS202 report; without them, nothing."""
    text = f"FROM node:99\nFROM node:20@{D1}\nFROM node:20@{D2}\n"
    p = parse(text)
    tags = tuple(FakeRegistry().list_tags("node"))
    facts = Facts(
        images={
            "node:99": ImageFacts(tags=tags),
            f"node:20@{D1}": ImageFacts(digest=D2, tags=tags),
            f"node:20@{D2}": ImageFacts(digest=D2, tags=tags),
        }
    )
    codes = ("DLS201", "DLS202")
    found = [(i, v) for i, v in Linter().lint(p, facts=facts).all() if v.code in codes]
    assert [(i, v.code) for i, v in found] == [(0, "DLS201"), (1, "DLS202")]
    (i0, unknown), (i1, outdated) = found
    assert p.items[i0].text[unknown.span.start : unknown.span.end] == "99"
    assert p.items[i1].text[outdated.span.start : outdated.span.end] == D1
    assert outdated.fix is not None and outdated.fix.edits[0].text == D2
    assert not [v for _i, v in Linter().lint(p).all() if v.code in codes]


def _builds_model(text: str, **builds: dict[str, str]) -> Model:
    facts = Facts(builds=tuple(Build(n, None, None, a) for n, a in builds.items()))
    return Linter().lint(parse(text), None, facts).model


def test_image_details_follow_each_builds_image() -> None:
    text = "ARG BASE=python:3.11\nFROM ${BASE}\n"
    seen: list[str] = []

    def details(reference: str, located: Located | None) -> str:
        seen.append(reference)
        assert located is not None and located.text == reference
        return f"INFO {reference}"

    # no build known: the ARG default, as BuildKit uses it
    plain = build_model(parse(text))
    out = images.image_details(plain, plain.stages[0], "${BASE}", details, markdown=True)
    assert out == "`${BASE}` is `python:3.11`:\n\nINFO python:3.11"
    model = _builds_model(
        text, **{"compose:web": {"BASE": "python:3.12"}, "compose:api": {"BASE": "python:3.12"},
                 "bake:old": {"BASE": "python:3.8"}}
    )  # fmt: skip
    out = images.image_details(model, model.stages[0], "${BASE}", details, markdown=False)
    assert out == (
        "${BASE} is python:3.12 in compose:web, compose:api:\nINFO python:3.12\n"
        "${BASE} is python:3.8 in bake:old:\nINFO python:3.8"
    )
    # a literal image: its details as written, once
    lit = build_model(parse("FROM python:3.11\n"))
    assert images.image_details(lit, lit.stages[0], "python:3.11", details, markdown=True) == (
        "INFO python:3.11"
    )
    assert [k for k, _r in images.stage_lookups(model, model.stages[0])] == [
        "python:3.12",
        "python:3.8",
    ]


def _pin_actions(model: Model, facts: dict[int, ImageFacts]) -> list[lsp.CodeAction]:
    rng = lsp.Range(lsp.Position(0, 0), lsp.Position(len(model.parse.lines) + 1, 0))
    stages = images.pin_stages_in_range(model, rng, CAPS)
    return images.image_code_actions(model, "file:///Dockerfile", stages, facts, CAPS)


def test_pinning_a_from_built_from_an_arg_edits_the_arg_default() -> None:
    text = "ARG BASE=nginx:latest\nFROM ${BASE}\nRUN true\n"
    facts = {0: ImageFacts(digest=D1, version_tag="1.27.3")}
    acts = _pin_actions(build_model(parse(text)), facts)
    assert sorted(a.title for a in acts) == [
        f"{images.PIN_VERSION} (nginx:1.27.3) in ARG BASE",
        f"{images.PIN_DIGEST} (sha256:111111111111…) in ARG BASE",
    ]
    by_title = {a.title.split(" (")[0]: edited(text, a) for a in acts}
    assert by_title[images.PIN_DIGEST] == f"ARG BASE=nginx:latest@{D1}\nFROM ${{BASE}}\nRUN true\n"
    assert by_title[images.PIN_VERSION] == "ARG BASE=nginx:1.27.3\nFROM ${BASE}\nRUN true\n"
    # every build passing the default: still one image, still the ARG's default
    same = _builds_model(text, **{"compose:web": {}, "bake:app": {"BASE": "nginx:latest"}})
    assert len(_pin_actions(same, facts)) == 2
    # builds passing other images, a build's own value, an image built from more than the
    # ARG, a quoted default: nothing to pin in the file
    for model in (
        _builds_model(text, **{"compose:web": {"BASE": "nginx:1.25"}, "bake:app": {}}),
        _builds_model(text, **{"compose:web": {"BASE": "nginx:1.25"}}),
        build_model(parse("ARG V=latest\nFROM nginx:${V}\n")),
        build_model(parse('ARG BASE="nginx:latest"\nFROM ${BASE}\n')),
    ):
        assert _pin_actions(model, facts) == []


def test_image_details_add_the_image_a_named_context_gives() -> None:
    text = "FROM alpine AS app\n"
    seen: list[tuple[str, str | None]] = []

    def details(reference: str, located: Located | None) -> str:
        seen.append((reference, located.context if located else None))
        return f"INFO {reference}"

    contexts = {"alpine": "docker-image://alpine:3.20"}
    both = Facts(
        builds=(Build("compose:app", None, None), Build("bake:app", None, None, contexts=contexts))
    )
    model = Linter().lint(parse(text), None, both).model
    out = images.image_details(model, model.stages[0], "alpine", details, markdown=True)
    assert out == (
        "INFO alpine\n\n"
        "`alpine` is `alpine:3.20` (named context `alpine`) in bake:app:\n\nINFO alpine:3.20"
    )
    # every build takes the context: the image as written is none of theirs
    only = Facts(builds=(Build("bake:app", None, None, contexts=contexts),))
    model = Linter().lint(parse(text), None, only).model
    out = images.image_details(model, model.stages[0], "alpine", details, markdown=False)
    assert out == "alpine is alpine:3.20 (named context alpine) in bake:app:\nINFO alpine:3.20"
    assert seen == [("alpine", None), ("alpine:3.20", "alpine"), ("alpine:3.20", "alpine")]
