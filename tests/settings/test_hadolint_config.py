"""hadolint configuration files: discovery order, parsing with positions, env vars, mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockerls import config as hc
from dockerls.settings import load_layers

KNOWN = {"DL3000", "DL3006", "DL3008", "DL3009", "DL3026", "SC2046"}.__contains__


@pytest.fixture
def fs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    home = tmp_path / "home"
    ws = tmp_path / "ws"
    sub = ws / "services" / "api"
    for d in (home, sub):
        d.mkdir(parents=True)
    (sub / "Dockerfile").write_text("FROM alpine\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    return {"home": home, "ws": ws, "sub": sub, "dockerfile": sub / "Dockerfile", "tmp": tmp_path}


def test_candidates_order(fs: dict[str, Path]) -> None:
    home = fs["home"]
    c = hc.discovery_candidates(fs["dockerfile"], fs["ws"])
    assert c == [
        fs["sub"] / ".hadolint.yaml",
        fs["sub"] / ".hadolint.yml",
        fs["sub"].parent / ".hadolint.yaml",
        fs["sub"].parent / ".hadolint.yml",
        fs["ws"] / ".hadolint.yaml",
        fs["ws"] / ".hadolint.yml",
        home / ".config" / "hadolint.yaml",
        home / ".config" / "hadolint.yml",
        home / ".hadolint" / "hadolint.yaml",
        home / ".hadolint" / "hadolint.yml",
        home / ".hadolint" / "config.yaml",
        home / ".hadolint" / "config.yml",
        home / ".hadolint.yaml",
        home / ".hadolint.yml",
    ]


def test_discovery_walks_up_and_prefers_nearest(fs: dict[str, Path]) -> None:
    assert hc.discover(fs["dockerfile"], fs["ws"]) is None
    (fs["home"] / ".hadolint.yaml").write_text("ignored: [DL3000]\n")
    assert hc.discover(fs["dockerfile"], fs["ws"]) == fs["home"] / ".hadolint.yaml"
    (fs["home"] / ".hadolint").mkdir()
    (fs["home"] / ".hadolint" / "config.yml").write_text("{}\n")
    assert hc.discover(fs["dockerfile"], fs["ws"]) == fs["home"] / ".hadolint" / "config.yml"
    (fs["home"] / ".config").mkdir()
    (fs["home"] / ".config" / "hadolint.yml").write_text("{}\n")
    assert hc.discover(fs["dockerfile"], fs["ws"]) == fs["home"] / ".config" / "hadolint.yml"
    (fs["ws"] / ".hadolint.yml").write_text("{}\n")
    assert hc.discover(fs["dockerfile"], fs["ws"]) == fs["ws"] / ".hadolint.yml"
    (fs["ws"] / ".hadolint.yaml").write_text("{}\n")
    assert hc.discover(fs["dockerfile"], fs["ws"]) == fs["ws"] / ".hadolint.yaml"
    (fs["sub"] / ".hadolint.yml").write_text("{}\n")
    assert hc.discover(fs["dockerfile"], fs["ws"]) == fs["sub"] / ".hadolint.yml"


def test_discovery_stops_at_workspace_root(fs: dict[str, Path]) -> None:
    (fs["tmp"] / ".hadolint.yaml").write_text("{}\n")  # above the workspace root
    assert hc.discover(fs["dockerfile"], fs["ws"]) is None
    # without a workspace root the walk goes up to the filesystem root
    assert hc.discover(fs["dockerfile"], None) == fs["tmp"] / ".hadolint.yaml"


def test_xdg_config_home_is_honoured(fs: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    xdg = fs["tmp"] / "xdg"
    xdg.mkdir()
    (xdg / "hadolint.yaml").write_text("{}\n")
    (fs["home"] / ".hadolint.yaml").write_text("{}\n")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(xdg))
    assert hc.discover(fs["dockerfile"], fs["ws"]) == xdg / "hadolint.yaml"


def test_find_and_load_explicit_path_wins(fs: dict[str, Path]) -> None:
    (fs["ws"] / ".hadolint.yaml").write_text("ignored: [DL3000]\n")
    explicit = fs["tmp"] / "custom.yaml"
    explicit.write_text("ignored: [DL3006]\n")
    cfg, problems = hc.find_and_load(fs["dockerfile"], fs["ws"], explicit=explicit)
    assert cfg.ignored == ("DL3006",) and cfg.path == str(explicit) and problems == []
    cfg, _ = hc.find_and_load(fs["dockerfile"], fs["ws"])
    assert cfg.ignored == ("DL3000",)
    missing, problems = hc.find_and_load(
        fs["dockerfile"], fs["ws"], explicit=fs["tmp"] / "nope.yaml"
    )
    assert missing.ignored == () and len(problems) == 1 and "cannot read" in problems[0].message


FULL = """\
ignored:
  - DL3000
  - SC2046
override:
  error:
    - DL3008
  warning: [DL3009]
  info: [DL3006]
  style: [DL3026]
trustedRegistries:
  - docker.io
  - "*.example.com"
label-schema:
  author: text
  version: semver
strict-labels: true
failure-threshold: warning
disable-ignore-pragma: true
no-fail: false
no-color: true
format: json
formats: [sarif, json]
verbose: false
"""


def test_parse_all_keys() -> None:
    cfg, problems = hc.parse_config(FULL, known_code=KNOWN)
    assert problems == []
    assert cfg.ignored == ("DL3000", "SC2046")
    assert cfg.override_error == ("DL3008",) and cfg.override_warning == ("DL3009",)
    assert cfg.override_info == ("DL3006",) and cfg.override_style == ("DL3026",)
    assert cfg.trusted_registries == ("docker.io", "*.example.com")
    assert dict(cfg.label_schema) == {"author": "text", "version": "semver"}
    assert cfg.strict_labels is True and cfg.disable_ignore_pragma is True
    assert cfg.failure_threshold == "warning"
    assert cfg.no_fail is False and cfg.no_color is True and cfg.verbose is False
    assert cfg.formats == ("json", "sarif")


def test_trusted_registries_as_single_string() -> None:
    cfg, problems = hc.parse_config("trustedRegistries: my.registry.io\n")
    assert cfg.trusted_registries == ("my.registry.io",) and problems == []


def test_problems_have_line_numbers_and_valid_keys_still_apply() -> None:
    text = (
        "ignored:\n"  # 0
        "  - DL3000\n"  # 1
        "  - DL9999\n"  # 2
        "  - 42\n"  # 3
        "override:\n"  # 4
        "  fatal: [DL3008]\n"  # 5
        "  error: [DL3006]\n"  # 6
        "strict-labels: maybe\n"  # 7
        "label-schema:\n"  # 8
        "  version: number\n"  # 9
        "colour: true\n"  # 10
        "failure-threshold: loud\n"  # 11
    )
    cfg, problems = hc.parse_config(text, path="h.yaml", known_code=KNOWN)
    by_line = {p.line: p for p in problems}
    assert set(by_line) == {2, 3, 5, 7, 9, 10, 11}
    assert "unknown rule code 'DL9999'" in by_line[2].message and by_line[2].severity == "warning"
    assert by_line[2].column == 4
    assert "must be strings" in by_line[3].message
    assert "override.fatal" in by_line[5].message
    assert "strict-labels" in by_line[7].message
    assert "number" in by_line[9].message
    assert by_line[10].message == "unknown key 'colour'" and by_line[10].severity == "warning"
    assert "failure-threshold" in by_line[11].message
    assert str(by_line[10]) == "h.yaml:11:1: unknown key 'colour'"
    # valid keys apply
    assert cfg.ignored == ("DL3000", "DL9999")
    assert cfg.override_error == ("DL3006",)
    assert cfg.strict_labels is None and cfg.failure_threshold is None


def test_yaml_syntax_error_has_position() -> None:
    cfg, problems = hc.parse_config("ignored: [DL3000,\n  oops: x\n")
    assert cfg == hc.HadolintConfig()
    assert len(problems) == 1
    assert problems[0].message.startswith("YAML syntax error")
    assert problems[0].line is not None


@pytest.mark.parametrize("text", ["", "# only a comment\n", "~\n"])
def test_empty_documents(text: str) -> None:
    assert hc.parse_config(text) == (hc.HadolintConfig(), [])


def test_non_mapping_document() -> None:
    _, problems = hc.parse_config("- DL3000\n")
    assert len(problems) == 1 and problems[0].line == 0


def test_environment_variables() -> None:
    env = {
        "HADOLINT_IGNORE": "DL3000, DL9999",
        "HADOLINT_OVERRIDE_ERROR": "DL3008",
        "HADOLINT_OVERRIDE_STYLE": "DL3006",
        "HADOLINT_TRUSTED_REGISTRIES": "docker.io,ghcr.io",
        "HADOLINT_REQUIRE_LABELS": "maintainer:text,version:semver,bad",
        "HADOLINT_NOFAIL": "yes",
        "HADOLINT_STRICT_LABELS": "0",
        "HADOLINT_DISABLE_IGNORE_PRAGMA": "ON",
        "HADOLINT_FAILURE_THRESHOLD": "error",
        "HADOLINT_FORMAT": "sarif",
        "NO_COLOR": "",
    }
    cfg, problems = hc.config_from_environment(env, known_code=KNOWN)
    assert cfg.ignored == ("DL3000", "DL9999")
    assert cfg.override_error == ("DL3008",) and cfg.override_style == ("DL3006",)
    assert cfg.trusted_registries == ("docker.io", "ghcr.io")
    assert dict(cfg.label_schema) == {"maintainer": "text", "version": "semver"}
    assert cfg.no_fail is True and cfg.strict_labels is False and cfg.disable_ignore_pragma is True
    assert cfg.failure_threshold == "error" and cfg.formats == ("sarif",) and cfg.no_color is True
    assert cfg.verbose is None
    assert sorted(p.path or "" for p in problems) == ["HADOLINT_IGNORE", "HADOLINT_REQUIRE_LABELS"]


def test_environment_empty_and_invalid() -> None:
    assert hc.config_from_environment({}) == (hc.HadolintConfig(), [])
    cfg, problems = hc.config_from_environment(
        {"HADOLINT_FAILURE_THRESHOLD": "loud", "HADOLINT_FORMAT": "xml"}
    )
    assert cfg.failure_threshold is None and cfg.formats == ()
    assert len(problems) == 2


def test_combine_file_then_environment() -> None:
    file_cfg, _ = hc.parse_config("ignored: [DL3000]\nfailure-threshold: info\nformat: json\n")
    env_cfg, _ = hc.config_from_environment(
        {"HADOLINT_IGNORE": "DL3006", "HADOLINT_FAILURE_THRESHOLD": "error"}
    )
    both = hc.combine(file_cfg, env_cfg)
    assert both.ignored == ("DL3000", "DL3006")
    assert both.failure_threshold == "error" and both.formats == ("json",)


def test_to_settings_overrides_drives_settings() -> None:
    text = (
        "ignored: [DL3000]\n"
        "override:\n  warning: [DL3008]\n  error: [DL3008, DL3006]\n  style: [DL3026]\n"
        "trustedRegistries: [docker.io]\n"
        "label-schema: {author: email}\n"
        "strict-labels: true\n"
        "disable-ignore-pragma: false\n"
        "no-fail: true\n"
    )
    cfg, problems = hc.parse_config(text)
    assert problems == []
    raw = hc.to_settings_overrides(cfg)
    assert raw == {
        "rules": {
            "ignore": ["DL3000"],
            "severity": {"DL3008": "error", "DL3006": "error", "DL3026": "style"},
            "trustedRegistries": ["docker.io"],
            "labelSchema": {"author": "email"},
            "strictLabels": True,
            "disableIgnorePragma": False,
        }
    }
    settings, errors = load_layers(
        [("hadolint", raw), ("workspace/configuration", {"rules": {"severity": {"DL3026": "off"}}})]
    )
    assert errors == []
    assert dict(settings.rules.severity) == {"DL3008": "error", "DL3006": "error", "DL3026": "off"}
    assert settings.rules.ignore == ("DL3000",) and settings.rules.strict_labels is True
    assert hc.to_settings_overrides(hc.HadolintConfig()) == {}
