"""One pipeline: every finding (ShellCheck's and the registry checks'
included) is a rule's, and goes through the engine's one suppression and
severity mapping."""

from __future__ import annotations

import pytest

from dockerls import settings as settings_mod
from dockerls.analysis.engine import LintConfig, Linter
from dockerls.analysis.facts import NO_FACTS, Facts, ImageFacts
from dockerls.analysis.rules.base import Severity
from dockerls.syntax.parser import parse

PLATFORMS = Facts(images={"alpine:3.20": ImageFacts(platforms=("linux/amd64",))})


def _found(text: str, config: LintConfig | None = None, facts: Facts = NO_FACTS):  # type: ignore[no-untyped-def]
    result = Linter(config=config or LintConfig()).lint(parse(text), facts=facts)
    return [(v.code, v.severity) for _i, v in result.all()]


def test_check_error_true_makes_the_registry_platform_check_an_error() -> None:
    text = "FROM --platform=linux/s390x alpine:3.20\n"
    cfg = LintConfig(ignore=frozenset({"DL3029", "FromPlatformFlagConstDisallowed"}))
    assert _found(text, cfg, PLATFORMS) == [("InvalidBaseImagePlatform", Severity.WARNING)]
    assert _found("# check=error=true\n" + text, cfg, PLATFORMS) == [
        ("InvalidBaseImagePlatform", Severity.ERROR)
    ]
    assert _found("# check=skip=InvalidBaseImagePlatform\n" + text, cfg, PLATFORMS) == []
    pragma = "# hadolint ignore=InvalidBaseImagePlatform\n" + text
    assert _found(pragma, cfg, PLATFORMS) == []
    assert _found(text, cfg) == []  # no facts, nothing to say


TWINS = [
    ("FROM alpine:3.20\nCMD echo hi\n", "DL3025", "JSONArgsRecommended"),
    ("FROM alpine:3.20\nWORKDIR app\n", "DL3000", "WorkdirRelativePath"),
    ("FROM alpine:3.20\nMAINTAINER me\n", "DL4000", "MaintainerDeprecated"),
]


@pytest.mark.parametrize(("text", "hadolint", "buildkit"), TWINS)
def test_settings_ignore_either_name(text: str, hadolint: str, buildkit: str) -> None:
    """The editor's `rules.ignore` setting (as the server and the CLI map it)."""
    assert [c for c, _s in _found(text)] == [hadolint]
    pref = LintConfig(duplicate_preference="buildkit")
    assert [c for c, _s in _found(text, pref)] == [buildkit]
    for name in (hadolint, buildkit):
        s, errors = settings_mod.load_layers([("test", {"rules": {"ignore": [name]}})])
        assert not errors
        cfg = settings_mod.to_lint_config(s)
        assert _found(text, cfg) == [], name
        for prefer in ("hadolint", "buildkit"):
            both = LintConfig(ignore=frozenset({name}), duplicate_preference=prefer)
            assert _found(text, both) == [], (name, prefer)
        # the pragmas, through the same suppression
        pragma = text.replace("\n", f"\n# hadolint ignore={name}\n", 1)
        assert _found(pragma) == [], name
        assert _found(f"# hadolint global ignore={name}\n" + text) == [], name


def test_new_facts_on_the_same_text_equal_a_fresh_lint() -> None:
    """ShellCheck's results arrive after the text was linted: linting the
    same parse again with them gives what a fresh linter gives."""
    from dockerls.analysis.model import build_model
    from dockerls.analysis.shellcheck_map import ScFinding, jobs_for

    p = parse("FROM debian:12\nARG X\nRUN echo $x\n# hadolint ignore=SC2086\nRUN echo $x\n")
    jobs = jobs_for(p, build_model(p))
    results = {j.key: [ScFinding(2086, "info", "quote it", 2, 6, 2, 8)] for j in jobs}
    linter = Linter()
    before = linter.lint(p)
    assert not [v for _i, v in before.all() if v.code == "SC2086"]
    again = linter.lint(p, facts=Facts(shellcheck=results))
    fresh = Linter().lint(p, facts=Facts(shellcheck=results))
    assert again.all() == fresh.all()
    assert [(i, v.code) for i, v in again.all() if v.code.startswith("SC")] == [(2, "SC2086")]
