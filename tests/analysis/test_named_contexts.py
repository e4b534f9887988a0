"""Named build contexts (Compose's `additional_contexts`, Bake's `contexts`,
`--build-context`) as BuildKit reads them: a `docker-image://` context of a FROM image's name
is the image the build really uses, judged as such; other contexts give no image to judge."""

from __future__ import annotations

import datetime as dt

from dockerls.analysis.baseimage import base_images
from dockerls.analysis.buildcheck import check_build
from dockerls.analysis.builds import Build, Origin
from dockerls.analysis.buildview import context_key, context_readers
from dockerls.analysis.engine import Linter
from dockerls.analysis.facts import Facts
from dockerls.analysis.lifecycle import LifecycleFacts
from dockerls.features.images import stage_lookups
from dockerls.lifecycle_store import shipped_snapshot
from dockerls.syntax.parser import parse

DAY = dt.date(2026, 12, 5)


def _lint(text: str, *builds: Build) -> tuple[dict[str, list[str]], list[bool], Facts]:
    """The findings by code (their messages), whether each has a fix, and the facts."""
    facts = Facts(builds=builds, lifecycle=LifecycleFacts(shipped_snapshot(), DAY))
    result = Linter().lint(parse(text), None, facts)
    found: dict[str, list[str]] = {}
    fixes = []
    for _i, v in result.all():
        found.setdefault(v.code, []).append(v.message)
        fixes.append(v.fix is not None)
    return found, fixes, facts


def test_a_docker_image_context_is_the_image_judged_and_no_edit_of_from_is_offered() -> None:
    eol = Build("bake:app", None, None, contexts={"alpine": "docker-image://alpine:3.13"})
    found, fixes, _ = _lint("FROM alpine AS app\nRUN true\n", eol)
    assert "DL3006" not in found  # `alpine` as written is none of the build's images
    (eol_message,) = found["DLS301"]
    assert "`alpine` is `alpine:3.13` (named context `alpine`) in bake:app" in eol_message
    assert not any(fixes)  # the image comes from the Bake file: nothing to edit in FROM
    moving = Build("bake:app", None, None, contexts={"alpine": "docker-image://alpine"})
    found, _, _ = _lint("FROM alpine AS app\n", moving)
    assert found["DL3006"] == [
        "`alpine` is `alpine` (named context `alpine`) in bake:app: no tag; name a version"
    ]
    latest = Build("bake:app", None, None, contexts={"alpine": "docker-image://alpine:latest"})
    found, _, _ = _lint("FROM alpine AS app\n", latest)
    assert "named context `alpine`" in found["DL3007"][0] and "DL3006" not in found


def test_builds_without_the_context_judge_the_image_as_written() -> None:
    text = "FROM alpine AS app\n"
    plain = Build("compose:app", None, None)
    pinned = Build("bake:app", None, None, contexts={"alpine": "docker-image://alpine:3.13"})
    found, _, facts = _lint(text, plain, pinned)
    assert found["DL3006"] == ["Image `alpine` has no tag: name a version, e.g. `alpine:<version>`"]
    assert "bake:app" in found["DLS301"][0]
    model = Linter().lint(parse(text), None, facts).model
    stage = model.stages[0]
    images = sorted((loc.text, loc.context, loc.builds) for loc in base_images(stage, model))
    assert images == [("alpine", None, ("compose:app",)), ("alpine:3.13", "alpine", ("bake:app",))]
    # the registry is asked about both: the one written and the one the context gives
    assert [key for key, _ref in stage_lookups(model, stage)] == ["alpine", "alpine:3.13"]


def test_contexts_that_are_no_image_give_nothing_to_judge() -> None:
    for value in ("./rootfs", "target:base", "oci-layout://./layout", "docker-image://scratch"):
        build = Build("bake:app", None, None, contexts={"alpine": value})
        found, _, facts = _lint("FROM alpine AS app\n", build)
        assert "DL3006" not in found and "DLS301" not in found, value
        model = Linter().lint(parse("FROM alpine AS app\n"), None, facts).model
        assert base_images(model.stages[0], model) == []
        assert stage_lookups(model, model.stages[0]) == []


def test_a_named_context_nothing_reads_is_reported_with_the_name_it_likely_meant() -> None:
    origin = {k: Origin("/w/compose.yaml", i, 8, i, 8 + len(k)) for i, k in enumerate("abc")}
    text = "FROM base AS app\nCOPY --from=deps /x /x\nRUN --mount=from=tools,target=/t ls\n"
    model = Linter().lint(parse(text)).model
    contexts = {"dpes": "./deps", "base": "docker-image://alpine:3.20", "tools": "./t"}
    build = Build(
        "compose:app",
        "/w/Dockerfile",
        "/w",
        contexts=contexts,
        context_origins={"dpes": origin["a"], "base": origin["b"], "tools": origin["c"]},
    )
    (problem,) = check_build(build, model)
    assert (problem.code, problem.severity, problem.origin) == (
        "UnusedBuildContext",
        "information",
        origin["a"],
    )
    assert "named context 'dpes'" in problem.message and "did you mean 'deps'?" in problem.message
    assert problem.suggestion == "deps"  # the quick fix of the build file's diagnostic
    # a --from built from variables: what the file reads isn't known, so nothing is said
    unknown = Linter().lint(parse("ARG SRC=deps\nFROM alpine:3.20\nCOPY --from=${SRC} / /\n"))
    assert check_build(build, unknown.model) == []


def test_a_context_is_looked_up_by_the_familiar_name_without_latest_as_buildkit_does() -> None:
    """buildx and the Dockerfile frontend both take a reference's familiar form and drop
    `:latest`: `docker.io/library/alpine:latest`, `alpine:latest` and `alpine` are one name."""
    assert context_key("docker.io/library/alpine:latest") == "alpine"
    assert context_key("alpine:3.20") == "alpine:3.20" and context_key("deps") == "deps"
    assert context_key("Not A Reference") == "Not A Reference"
    for written, key in (
        ("docker.io/library/alpine:latest", "alpine"),
        ("alpine", "alpine:latest"),
    ):
        build = Build("bake:app", None, None, contexts={key: "docker-image://alpine:3.13"})
        found, _, _ = _lint(f"FROM {written} AS app\n", build)
        assert "DL3007" not in found and "DL3006" not in found, (written, key)
        assert "(named context" in found["DLS301"][0], (written, key)
    # the key as written is what the check, the readers and the definition match against
    origin = Origin("/w/compose.yaml", 0, 0, 0, 13)
    build = Build(
        "compose:app",
        "/w/Dockerfile",
        "/w",
        contexts={"alpine:latest": "docker-image://alpine:3.20"},
        context_origins={"alpine:latest": origin},
    )
    model = Linter().lint(parse("FROM docker.io/library/alpine AS app\n")).model
    assert check_build(build, model) == []  # read, under its familiar name
    assert context_readers(model, build, "alpine:latest") == [0]
