"""Compose and Bake readers on realistic projects: every `build` form, interpolation, inherits,
variables, groups and overrides."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dockerls.analysis.builds import Build, Problem
from dockerls.builds.bake import read_bake
from dockerls.builds.compose import read_compose
from dockerls.builds.interpolate import InterpolationError, interpolate, parse_env_file

PROJECTS = Path(__file__).parent / "projects"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${A}", "a"),
        ("$A-x", "a-x"),
        ("${MISSING}", ""),
        ("${MISSING:-dflt}", "dflt"),
        ("${EMPTY:-dflt}", "dflt"),
        ("${EMPTY-dflt}", ""),
        ("${MISSING-dflt}", "dflt"),
        ("${A:+alt}", "alt"),
        ("${EMPTY:+alt}", ""),
        ("${EMPTY+alt}", "alt"),
        ("$$A", "$A"),
        ("${MISSING:-${A}}", "a"),
    ],
)
def test_interpolation(text: str, expected: str) -> None:
    assert interpolate(text, {"A": "a", "EMPTY": ""}) == expected


def test_required_variable_fails_with_its_message() -> None:
    with pytest.raises(InterpolationError, match="set TOKEN"):
        interpolate("${TOKEN:?set TOKEN}", {})
    with pytest.raises(InterpolationError):
        interpolate("${UNCLOSED", {})


def test_env_file() -> None:
    env = parse_env_file((PROJECTS / "shop" / ".env").read_text())
    assert env == {
        "PY_VERSION": "3.12",
        "SENTRY_DSN": "https://key@sentry.example/1",
        "EMPTY": "",
    }


def test_compose_services_with_every_build_form() -> None:
    project = PROJECTS / "shop"
    builds, problems = read_compose(project, env=parse_env_file((project / ".env").read_text()))
    assert problems == []
    by = {b.name: b for b in builds}
    assert set(by) == {"compose:web", "compose:worker", "compose:cache"}
    web = by["compose:web"]
    assert web.dockerfile == str((project / "docker" / "Dockerfile").resolve())
    assert web.context == str(project.resolve())
    assert web.args == {"BASE": "python:3.12-slim", "APP_ENV": "production"}
    assert web.target == "dev"  # compose.override.yaml wins over ${WEB_TARGET:-prod}
    assert web.platforms == ("linux/amd64", "linux/arm64")  # merged, not replaced
    assert web.target_origin is not None and web.target_origin.line == 5
    assert web.target_origin.path.endswith("compose.override.yaml")
    worker = by["compose:worker"]
    assert worker.args == {"BASE": "python:latest", "SENTRY_DSN": "https://key@sentry.example/1"}
    assert worker.target == "worker"
    assert worker.arg_origins["BASE"].line == 21
    cache = by["compose:cache"]
    assert cache.context == str((project / "cache").resolve()) and cache.target is None


def test_compose_without_override_keeps_the_default_target(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text((PROJECTS / "shop" / "compose.yaml").read_text())
    builds, _ = read_compose(tmp_path, env={"PY_VERSION": "3.11"})
    web = next(b for b in builds if b.name == "compose:web")
    assert web.target == "prod" and web.args["BASE"] == "python:3.11-slim"
    assert web.platforms == ("linux/amd64", "linux/arm64")


def test_compose_problems_are_reported_not_raised(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  a:\n    build:\n      context: .\n      target: ${T:?target needed}\n"
    )
    builds, problems = read_compose(tmp_path, env={})
    assert [p.message for p in problems] == ["target needed"]
    assert builds[0].target is None
    (tmp_path / "compose.yaml").write_text("services: [unclosed\n")
    assert read_compose(tmp_path, env={})[1]


def test_bake_inherits_variables_groups_and_overrides() -> None:
    project = PROJECTS / "bakery"
    builds, problems = read_bake(project, env={})
    assert problems == []
    by = {b.name: b for b in builds}
    assert set(by) == {"bake:app", "bake:release", "bake:computed"}  # _common only inherited
    app = by["bake:app"]
    assert app.args == {"BASE": "python:3.12-slim", "BUILD_TAG": "1.0"}
    assert app.target == "debug"  # docker-bake.override.json
    assert app.dockerfile == str((project / "Dockerfile").resolve())
    release = by["bake:release"]
    assert release.args == {"BASE": "python:latest", "BUILD_TAG": "1.0"}
    assert release.target == "prod" and release.platforms == ("linux/amd64", "linux/arm64")
    lines = (project / "docker-bake.hcl").read_text().splitlines()
    origin = release.target_origin
    assert origin is not None and lines[origin.line][origin.col : origin.end_col] == "prod"
    assert lines[origin.line].strip() == 'target = "prod"'
    computed = by["bake:computed"]
    assert "STAMP" not in computed.args and any("STAMP" in u for u in computed.unresolved)


def test_bake_variables_are_overridden_by_the_environment() -> None:
    builds, _ = read_bake(PROJECTS / "bakery", env={"PYTHON": "3.13", "TAG": "2"})
    app = next(b for b in builds if b.name == "bake:app")
    assert app.args == {"BASE": "python:3.13-slim", "BUILD_TAG": "2"}


def test_bake_json_form(tmp_path: Path) -> None:
    (tmp_path / "docker-bake.json").write_text(
        '{"variable": {"V": {"default": "3"}},'
        ' "target": {"one": {"args": {"BASE": "node:${V}"}, "target": "t"}}}'
    )
    builds, problems = read_bake(tmp_path, env={})
    assert problems == [] and builds[0].args == {"BASE": "node:3"} and builds[0].target == "t"


def test_broken_bake_file_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "docker-bake.hcl").write_text('target "x" {\n  args = {\n')
    builds, problems = read_bake(tmp_path, env={})
    assert builds == [] and "cannot be read" in problems[0].message


def test_bake_origins_point_where_each_value_was_set() -> None:
    """An inherited arg points into the parent's block, an override into the override file."""
    project = PROJECTS / "bakery"
    builds, _ = read_bake(project, env={})
    app = next(b for b in builds if b.name == "bake:app")
    hcl = (project / "docker-bake.hcl").read_text().splitlines()
    base = app.arg_origins["BASE"]
    assert base.path.endswith("docker-bake.hcl") and hcl[base.line].strip().startswith("BASE =")
    blocks_above = [line for line in hcl[: base.line] if line.startswith("target ")]
    assert blocks_above[-1] == 'target "_common" {'  # where app inherited it from
    target = app.target_origin
    assert target is not None and target.path.endswith("docker-bake.override.json")
    json_lines = (project / "docker-bake.override.json").read_text().splitlines()
    assert json_lines[target.line][target.col : target.end_col] == "debug"
    release = next(b for b in builds if b.name == "bake:release")
    own = release.arg_origins["BASE"]
    assert hcl[own.line].strip() == 'BASE = "python:latest"'  # the target's own, not _common's


def test_hcl_positions_survive_half_typed_text() -> None:
    from dockerls.syntax.hclpos import keys_at, locate

    text = 'target "x" {\n  target = "pr\n  args = {\n    A = 1\n'
    located = locate(text)
    (arg,) = located.find("target", "x", "args", "A")
    assert located.position(arg.key_start) == (3, 4)
    (target,) = located.find("target", "x", "target")
    assert text[target.value_start : target.value_end] == "pr"
    assert keys_at(located, text.index("A =")) == ["target", "x", "args"]
    json_text = '{"target": {"app": {"args": {"BASE": "x"}}}}'
    (base,) = locate(json_text).find("target", "app", "args", "BASE")
    assert json_text[base.value_start : base.value_end] == "x"


def _loop(folder: Path, name: str) -> None:
    """``name`` in ``folder``: a symlink to itself, by way of ``name``-2."""
    (folder / name).symlink_to(f"{name}-2")
    (folder / f"{name}-2").symlink_to(name)


def _shown(problems: list[Problem], path: Path) -> list[tuple[str, str, str]]:
    """Each problem's subject (before its first colon), severity and the text it is shown on."""
    lines = path.read_text().splitlines()
    out = []
    for p in problems:
        o = p.origin
        assert o is not None and o.line == o.end_line
        out.append((p.message.split(":")[0], p.severity, lines[o.line][o.col : o.end_col]))
    return out


_UNUSABLE_COMPOSE = (
    "services:\n"
    '  nul:\n    build:\n      context: "a\\0b"\n'
    '  nuldf:\n    build:\n      dockerfile: "D\\0f"\n'
    "  looped:\n    build: loop\n"
    "  ok:\n    build: .\n"
)
_UNUSABLE_BAKE = (
    'target "nul" {\n  context = "a\\u0000b"\n}\n'
    'target "looped" {\n  dockerfile = "loop"\n}\n'
    'target "remote" {\n  context = "https://example.com/r.git"\n}\n'
    'target "ok" {}\n'
)


@pytest.mark.parametrize(
    ("name", "text", "read", "built", "shown"),
    [
        (
            "compose.yaml",
            _UNUSABLE_COMPOSE,
            read_compose,
            "compose:ok",
            [
                ("service nul", "error", "a\\0b"),  # the value, inside its quotes
                ("service nuldf", "error", "D\\0f"),
                ("service looped", "error", "loop"),
            ],
        ),
        (
            "docker-bake.hcl",
            _UNUSABLE_BAKE,
            read_bake,
            "bake:ok",
            [
                ("target nul", "error", "a\\u0000b"),
                ("target looped", "error", "loop"),
                ("target remote", "information", "https://example.com/r.git"),
            ],
        ),
    ],
)
def test_paths_no_build_can_use_are_errors_and_the_other_builds_stay(
    tmp_path: Path,
    name: str,
    text: str,
    read: Callable[..., tuple[list[Build], list[Problem]]],
    built: str,
    shown: list[tuple[str, str, str]],
) -> None:
    """A context or Dockerfile with a NUL character, or going round a symlink loop."""
    _loop(tmp_path, "loop")
    (tmp_path / name).write_text(text)
    builds, problems = read(tmp_path, env={})
    assert [b.name for b in builds] == [built]
    assert _shown(problems, tmp_path / name) == shown
    failing = [p.message for p in problems if p.severity == "error"]
    assert all("the build would fail" in m for m in failing)
    assert "NUL character" in failing[0] and "symlink loop" in failing[-1]


def test_named_build_contexts_in_both_compose_forms_merged_by_overrides_and_in_bake(
    tmp_path: Path,
) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  app:\n    build:\n      context: .\n"
        "      additional_contexts:\n        deps: ./deps\n        base: ${BASE}\n"
        "  tool:\n    build:\n      context: .\n"
        '      additional_contexts: ["tools=./tools"]\n'
    )
    (tmp_path / "compose.override.yaml").write_text(
        "services:\n  app:\n    build:\n      additional_contexts:\n        extra: ./extra\n"
    )
    builds, problems = read_compose(tmp_path, env={"BASE": "docker-image://alpine:3.20"})
    assert problems == []
    by_build = {b.name: b for b in builds}
    by = {b.name: b.contexts for b in builds}
    assert by == {
        "compose:app": {
            "deps": "./deps",
            "base": "docker-image://alpine:3.20",
            "extra": "./extra",
        },
        "compose:tool": {"tools": "./tools"},
    }
    (tmp_path / "docker-bake.hcl").write_text(
        'variable "V" {\n  default = "3.20"\n}\n'
        'target "app" {\n  contexts = {\n    base = "docker-image://alpine:${V}"\n'
        '    deps = "./deps"\n  }\n}\n'
    )
    (bake,), problems = read_bake(tmp_path, env={})
    assert problems == []
    assert bake.contexts == {"base": "docker-image://alpine:3.20", "deps": "./deps"}
    # each key's place (in the file that sets it), for the diagnostics on it
    for build in (bake, by_build["compose:app"]):
        shown = {
            k: Path(o.path).read_text().splitlines()[o.line][o.col : o.end_col]
            for k, o in build.context_origins.items()
        }
        assert shown == {k: k for k in build.contexts}, build.name
    assert Path(by_build["compose:app"].context_origins["extra"].path).name == (
        "compose.override.yaml"
    )
