"""Settings: schema validation with per-field fallback, JSON paths, layering."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from dockerls import settings as st
from dockerls.settings import Settings, load, load_layers, merge

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = ROOT / "schemas" / "settings.schema.json"
PACKAGED_PATH = ROOT / "dockerls" / "schemas" / "settings.schema.json"


def messages(errors: list[st.SettingError]) -> list[str]:
    return [str(e) for e in errors]


def test_packaged_schema_is_identical_to_repo_schema() -> None:
    assert SCHEMA_PATH.read_bytes() == PACKAGED_PATH.read_bytes()


def test_schema_is_valid_draft7() -> None:
    jsonschema.Draft7Validator.check_schema(json.loads(SCHEMA_PATH.read_text()))


def _walk_objects(node: dict[str, Any], path: str = "") -> list[tuple[str, dict[str, Any]]]:
    out = [(path, node)]
    for key, sub in node.get("properties", {}).items():
        if sub.get("type") == "object":
            out.extend(_walk_objects(sub, f"{path}.{key}" if path else key))
    return out


def test_every_schema_object_forbids_unknown_keys_and_documents_fields() -> None:
    schema = json.loads(SCHEMA_PATH.read_text())
    for path, node in _walk_objects(schema):
        assert node.get("additionalProperties") is not None, path
        for key, sub in node.get("properties", {}).items():
            assert sub.get("description"), f"{path}.{key} has no description"
            assert "default" in sub, f"{path}.{key} has no default"


def _schema_defaults(node: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, sub in node.get("properties", {}).items():
        if sub.get("type") == "object" and "properties" in sub:
            out[key] = _schema_defaults(sub)
        else:
            out[key] = sub["default"]
    return out


def test_dataclass_defaults_equal_schema_defaults() -> None:
    schema = json.loads(SCHEMA_PATH.read_text())
    assert st.to_raw(Settings()) == _schema_defaults(schema)


def test_defaults_from_empty_and_none() -> None:
    for raw in ({}, None):
        settings, errors = load(raw)
        assert settings == Settings()
        assert errors == []


def test_valid_tree_applies_everything() -> None:
    raw = {
        "rules": {
            "ignore": ["DL3008", "SC2046", "DLS001", "StageNameCasing", "unknown-instruction"],
            "severity": {"DL3006": "error", "JSONArgsRecommended": "off"},
            "groups": {"shellcheck": False, "bestPractice": False},
            "trustedRegistries": ["docker.io", "*.example.com"],
            "labelSchema": {"org.opencontainers.image.version": "semver"},
            "strictLabels": True,
            "disableIgnorePragma": True,
            "duplicatePreference": "buildkit",
            "checkDirective": False,
        },
        "hadolint": {"configFile": "/tmp/h.yaml", "useConfig": False},
        "shellcheck": {"enabled": True, "path": "/usr/bin/shellcheck", "extraArgs": ["-x"]},
        "context": {"path": ".."},
        "registry": {
            "enabled": False,
            "timeoutMs": 500,
            "insecureRegistries": ["localhost:5000"],
            "cacheTtlSeconds": 0,
            "dockerConfig": "/x/config.json",
            "diagnostics": {"unknownTag": True, "outdatedDigest": True},
        },
        "format": {"continuationIndent": "tab", "uppercaseKeywords": False, "normalizeJson": True},
        "completion": {"snippets": False},
        "hover": {"enabled": False},
        "inlayHints": {"variableValues": False},
        "semanticTokens": {"enabled": False},
        "trace": {"server": "verbose"},
        "logLevel": "debug",
    }
    s, errors = load(raw)
    assert errors == []
    assert s.rules.ignore == (
        "DL3008",
        "SC2046",
        "DLS001",
        "StageNameCasing",
        "unknown-instruction",
    )
    assert dict(s.rules.severity) == {"DL3006": "error", "JSONArgsRecommended": "off"}
    assert s.rules.groups.shellcheck is False and s.rules.groups.best_practice is False
    assert s.rules.groups.hadolint is True
    assert s.rules.trusted_registries == ("docker.io", "*.example.com")
    assert dict(s.rules.label_schema) == {"org.opencontainers.image.version": "semver"}
    assert s.rules.strict_labels and s.rules.disable_ignore_pragma
    assert s.rules.duplicate_preference == "buildkit" and s.rules.check_directive is False
    assert s.hadolint == st.HadolintSettings(config_file="/tmp/h.yaml", use_config=False)
    assert s.shellcheck == st.ShellcheckSettings(True, "/usr/bin/shellcheck", ("-x",))
    assert s.context.path == ".."
    assert s.registry.timeout_ms == 500 and s.registry.insecure_registries == ("localhost:5000",)
    assert s.registry.diagnostics == st.RegistryDiagnostics(True, True)
    assert s.format.continuation_indent == "tab" and s.format.normalize_json
    assert s.format.enabled is True  # untouched sibling keeps its default
    assert not s.completion.snippets and not s.hover.enabled and not s.semantic_tokens.enabled
    assert s.inlay_hints == st.InlayHintSettings(enabled=True, variable_values=False)
    assert s.trace.server == "verbose" and s.log_level == "debug"
    # round trip
    assert load(st.to_raw(s)) == (s, [])


def test_per_field_fallback_with_json_paths() -> None:
    raw = {
        "rules": {
            "severity": {"DL3006": "loud", "DL3007": "error"},
            "ignore": ["DL3000", 5, "DL3001"],
            "strictLabels": "yes",
        },
        "registry": {"timeoutMs": "abc", "enabled": False},
        "format": {"continuationIndent": "tabs", "normalizeJson": True},
    }
    s, errors = load(raw)
    msgs = messages(errors)
    assert any(m.startswith("rules.severity.DL3006: 'loud' is not one of ['error'") for m in msgs)
    assert "rules.ignore[1]: 5 is not of type 'string'" in msgs
    assert "rules.strictLabels: 'yes' is not of type 'boolean'" in msgs
    assert "registry.timeoutMs: 'abc' is not of type 'integer'" in msgs
    assert any(m.startswith("format.continuationIndent: 'tabs'") for m in msgs)
    assert len(errors) == 5
    # bad fields fall back, good siblings apply
    assert dict(s.rules.severity) == {"DL3007": "error"}
    assert s.rules.ignore == ("DL3000", "DL3001")
    assert s.rules.strict_labels is False
    assert s.registry.timeout_ms == 3000 and s.registry.enabled is False
    assert s.format.continuation_indent is None and s.format.normalize_json is True


def test_several_bad_items_in_one_list() -> None:
    s, errors = load({"rules": {"ignore": [1, "DL3000", 2, "not a code", "DL3001"]}})
    assert s.rules.ignore == ("DL3000", "DL3001")
    assert [e.path for e in errors] == ["rules.ignore[0]", "rules.ignore[2]", "rules.ignore[3]"]
    assert "'not a code' is not a valid rule code" in errors[2].message


def test_unknown_keys_reported_and_ignored() -> None:
    s, errors = load({"zzz": 1, "rules": {"ignroe": ["DL3000"], "ignore": ["DL3001"]}})
    assert {(e.path, e.kind) for e in errors} == {("zzz", "unknown"), ("rules.ignroe", "unknown")}
    assert s.rules.ignore == ("DL3001",)


def test_bad_severity_key_is_dropped_alone() -> None:
    s, errors = load({"rules": {"severity": {"bad key": "error", "DL3008": "info"}}})
    assert [e.path for e in errors] == ["rules.severity.bad key"]
    assert dict(s.rules.severity) == {"DL3008": "info"}


def test_wrong_type_for_whole_section_falls_back_to_section_defaults() -> None:
    s, errors = load({"rules": 5, "hover": {"enabled": False}})
    assert messages(errors) == ["rules: 5 is not of type 'object'"]
    assert s.rules == st.RulesSettings() and s.hover.enabled is False


def test_non_object_root() -> None:
    s, errors = load(["x"])
    assert s == Settings()
    assert len(errors) == 1 and errors[0].path == ""


@pytest.mark.parametrize(
    "raw",
    [
        {"dockerls": {"hover": {"enabled": False}}},
        {"dockerls.hover.enabled": False},
        {"hover.enabled": False},
        {"dockerls": {"hover.enabled": False}},
    ],
)
def test_accepts_wrapped_and_dotted_forms(raw: dict[str, Any]) -> None:
    s, errors = load(raw)
    assert errors == []
    assert s.hover.enabled is False


def test_known_code_callback_reports_unknown_codes_but_keeps_them() -> None:
    known = {"DL3006", "DL3008"}.__contains__
    s, errors = load(
        {"rules": {"ignore": ["DL3006", "DL9999"], "severity": {"SC9999": "off"}}}, known_code=known
    )
    assert {(e.path, e.kind) for e in errors} == {
        ("rules.ignore[1]", "unknown-code"),
        ("rules.severity.SC9999", "unknown-code"),
    }
    assert s.rules.ignore == ("DL3006", "DL9999")


def test_merge_is_deep_for_objects_and_replaces_lists() -> None:
    base = {"rules": {"ignore": ["DL3000"], "severity": {"DL3006": "error"}}, "logLevel": "debug"}
    over = {"rules": {"ignore": ["DL3001"], "severity": {"DL3007": "info"}}}
    merged = merge(base, over)
    assert merged == {
        "rules": {"ignore": ["DL3001"], "severity": {"DL3006": "error", "DL3007": "info"}},
        "logLevel": "debug",
    }
    assert base["rules"]["ignore"] == ["DL3000"]  # inputs untouched
    assert merge(None, over) == over and merge(base, None) == base


def test_layers_bad_value_falls_back_to_lower_layer_not_default() -> None:
    s, errors = load_layers(
        [
            ("hadolint", {"rules": {"ignore": ["DL3000"], "trustedRegistries": ["a.io"]}}),
            ("initializationOptions", {"registry": {"timeoutMs": 5000}, "logLevel": "debug"}),
            ("workspace/configuration", {"registry": {"timeoutMs": "x"}, "logLevel": "error"}),
        ]
    )
    assert s.registry.timeout_ms == 5000
    assert s.log_level == "error"
    assert s.rules.ignore == ("DL3000",) and s.rules.trusted_registries == ("a.io",)
    assert [(e.source, e.path) for e in errors] == [
        ("workspace/configuration", "registry.timeoutMs")
    ]
    assert str(errors[0]).startswith("workspace/configuration: registry.timeoutMs:")


def test_settings_are_frozen() -> None:
    s = Settings()
    with pytest.raises(AttributeError):
        s.log_level = "debug"  # type: ignore[misc]
    with pytest.raises(TypeError):
        s.rules.severity["DL3006"] = "error"  # type: ignore[index]


def test_equality_detects_changes() -> None:
    a, _ = load({"rules": {"severity": {"DL3006": "error"}}})
    b, _ = load({"dockerls": {"rules": {"severity": {"DL3006": "error"}}}})
    c, _ = load({"rules": {"severity": {"DL3006": "info"}}})
    assert a == b and a != c


@pytest.mark.parametrize(
    "raw",
    [
        {"rules": {"groups": {"hadolint": 1}}},  # 1 == True, but not a boolean
        {"shellcheck": {"timeoutMs": 30000.0}},  # equal to the default, not an integer
        {"rules": {"ignore": ["DL3008"]}},  # more than the default's empty list
        {"rules": {"severity": {"DL3008": "nope"}}},  # a key the default map lacks
    ],
)
def test_only_values_spelling_the_defaults_skip_the_schema(
    raw: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Default values skip jsonschema (valid by construction); a value that merely
    compares equal to a default, or anything beyond the defaults, is checked as before."""
    assert st._within(st.to_raw(st.DEFAULTS), st._default_tree())
    assert not st._within(raw, st._default_tree())
    got = st.clean(raw)
    monkeypatch.setattr(st, "_within", lambda value, default: False)  # the schema, always
    assert got == st.clean(raw)
