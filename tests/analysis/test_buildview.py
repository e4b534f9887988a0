"""The Dockerfile as each build sees it: FROM values per build, the stages each runs, the
messages naming the builds, hover per build, and the engine's caches following the builds."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types as lsp

from dockerls.analysis.builds import Build
from dockerls.analysis.buildview import build_views, values_per_build
from dockerls.analysis.engine import Linter
from dockerls.analysis.facts import Facts
from dockerls.features.caps import ClientCaps
from dockerls.features.hover import hover
from dockerls.syntax.parser import parse
from dockerls.syntax.reparse import reparse

SHOP = Path(__file__).parents[1] / "builds" / "projects" / "shop" / "docker" / "Dockerfile"


def _build(name: str, target: str | None = None, **args: str) -> Build:
    return Build(name, None, None, args, target)


BUILDS = Facts(
    builds=(
        _build("compose:web", "dev", BASE="python:3.12-slim"),
        _build("compose:worker", "worker", BASE="python:latest"),
    )
)


def test_views_resolve_from_and_reach_per_build() -> None:
    linter = Linter()
    result = linter.lint(parse(SHOP.read_text()), None, BUILDS)
    views = build_views(result.model)
    assert [v.env["BASE"] for v in views] == ["python:3.12-slim", "python:latest"]
    assert [sorted(v.reached) for v in views] == [[0, 1], [0, 3]]
    found = {(v.code, v.message) for _i, v in result.all()}
    assert (
        "DL3007",
        "`${BASE}` is `python:latest` in compose:worker: the moving `latest` tag; name a version",
    ) in found
    assert (
        "DLS130",
        "Stage `prod` is not built by any known build (compose:web, compose:worker)",
    ) in found
    # no build known: the ARG default, no stage greyed out
    plain = Linter().lint(parse(SHOP.read_text()))
    assert not [v for _i, v in plain.all() if v.code in ("DL3007", "DLS130")]
    assert build_views(plain.model)[0].build is None


def test_hover_lists_the_value_per_build() -> None:
    linter = Linter()
    p = parse(SHOP.read_text())
    model = linter.lint(p, None, BUILDS).model
    assert values_per_build(model, "BASE", 1) == [
        ("compose:web", "python:3.12-slim"),
        ("compose:worker", "python:latest"),
    ]
    h = hover(p, model, lsp.Position(1, 8), ClientCaps())
    assert h is not None and isinstance(h.contents, lsp.MarkupContent)
    assert "- compose:web: `python:3.12-slim`" in h.contents.value
    assert "- compose:worker: `python:latest`" in h.contents.value


def test_an_edit_that_changes_what_a_build_runs_relints_every_stage() -> None:
    text = SHOP.read_text()
    linter = Linter()
    p = parse(text)
    first = linter.lint(p, None, BUILDS)
    greyed = sorted(v.message for _i, v in first.all() if v.code == "DLS130")
    assert greyed == ["Stage `prod` is not built by any known build (compose:web, compose:worker)"]
    # the worker stage's CMD becomes a copy from prod: prod is reached now (an edit inside
    # one stage keeping the items, the engine's keystroke path)
    start = text.index('CMD ["celery"')
    end = text.index("\n", start)
    p2 = reparse(p, start, end, "COPY --from=prod /app /app")
    second = linter.lint(p2, None, BUILDS)
    assert not [v for _i, v in second.all() if v.code == "DLS130"]
    assert second.all() == Linter().lint(p2, None, BUILDS).all()


def test_hover_on_a_stage_name_lists_the_builds_that_run_it() -> None:
    """The builds it is the target of, those that run it for a later stage, or none."""
    text = SHOP.read_text()
    p = parse(text)
    model = Linter().lint(p, None, BUILDS).model
    caps = ClientCaps()

    def on(stage: str) -> str:
        line = next(i for i, ln in enumerate(text.splitlines()) if ln.endswith(f"AS {stage}"))
        h = hover(p, model, lsp.Position(line, len(text.splitlines()[line]) - 1), caps)
        assert h is not None and isinstance(h.contents, lsp.MarkupContent)
        return h.contents.value

    assert on("dev").endswith("\n\nBuilt by compose:web")
    assert "Built by" not in on("base")
    assert on("base").endswith("\n\nRun for a later stage by compose:web, compose:worker")
    assert on("prod").endswith("\n\nNo known build runs it")  # DLS130's stage
    # a build naming no target builds the last stage
    untargeted = Facts(builds=(_build("bake:default"),))
    model = Linter().lint(p, None, untargeted).model
    assert on("worker").endswith("\n\nBuilt by bake:default")
    # no build known: the stage alone
    model = Linter().lint(p).model
    assert on("dev") == "**Build stage** `dev` (stage 1)"
