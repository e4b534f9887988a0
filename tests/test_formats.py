"""Every output format of `dockerls check`, on the same two problems."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from dockerls.analysis.rules.base import Severity
from dockerls.formats import FORMATS, Problem, ProblemFix, RuleInfo, TextEdit, render

PROBLEMS = [
    Problem("a/Dockerfile", 1, 6, 1, 12, Severity.WARNING, "DL3006", "Image `ubuntu` has no tag"),
    Problem(
        "a/Dockerfile",
        3,
        28,
        3,
        31,
        Severity.INFO,
        "DLS108",
        '`chmod 777`: <too> & "open"',
        "world-writable-permissions",
        ProblemFix("Use mode `755`", (TextEdit(3, 28, 3, 31, "755"),), False),
    ),
]
RULES = {
    "DL3006": RuleInfo(
        "DL3006",
        "untagged-image",
        "Flags FROM without tag.",
        Severity.WARNING,
        None,
    ),
    "DLS108": RuleInfo(
        "DLS108",
        "world-writable-permissions",
        "Flags chmod 777.",
        Severity.WARNING,
        None,
    ),
}


def test_tty_plain_and_colour() -> None:
    plain = render("tty", PROBLEMS)
    assert plain.splitlines()[0] == "a/Dockerfile:1:6: warning DL3006 Image `ubuntu` has no tag"
    assert "\x1b[" not in plain
    assert "\x1b[33mwarning\x1b[0m" in render("tty", PROBLEMS, color=True)


def test_json_has_hadolint_keys_and_ranges() -> None:
    data = json.loads(render("json", PROBLEMS))
    assert data[0] == {
        "file": "a/Dockerfile",
        "line": 1,
        "column": 6,
        "endLine": 1,
        "endColumn": 12,
        "level": "warning",
        "code": "DL3006",
        "message": "Image `ubuntu` has no tag",
    }
    assert data[1]["level"] == "info"
    assert json.loads(render("json", [])) == []


def test_sarif_structure_rules_and_fixes() -> None:
    doc = json.loads(render("sarif", PROBLEMS, rules=RULES))
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert ids == ["DL3006", "DLS108"]
    # dockerls has no web home: no made-up links
    assert "helpUri" not in run["tool"]["driver"]["rules"][1]
    assert "informationUri" not in run["tool"]["driver"]
    res = run["results"]
    assert [r["ruleIndex"] for r in res] == [0, 1]
    assert res[1]["level"] == "note"
    region = res[0]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 1, "startColumn": 6, "endLine": 1, "endColumn": 12}
    rep = res[1]["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert rep["insertedContent"]["text"] == "755"
    assert "fixes" not in res[0]


def test_checkstyle_is_xml_and_lists_clean_files() -> None:
    root = ET.fromstring(render("checkstyle", PROBLEMS, files=["a/Dockerfile", "b/Dockerfile"]))
    files = root.findall("file")
    assert [f.get("name") for f in files] == ["a/Dockerfile", "b/Dockerfile"]
    errs = files[0].findall("error")
    assert errs[1].get("message") == '`chmod 777`: <too> & "open"'
    assert errs[1].get("source") == "DLS108" and errs[1].get("severity") == "info"
    assert files[1].findall("error") == []


def test_gnu_lines() -> None:
    lines = render("gnu", PROBLEMS).splitlines()
    assert lines[0] == "dockerls:a/Dockerfile:1.6-1.12: warning: DL3006 Image `ubuntu` has no tag"


def test_junit_counts_failures() -> None:
    root = ET.fromstring(render("junit", PROBLEMS, files=["a/Dockerfile", "ok/Dockerfile"]))
    assert root.tag == "testsuites" and root.get("failures") == "2"
    suites = root.findall("testsuite")
    assert suites[0].get("failures") == "2" and len(suites[0].findall("testcase/failure")) == 2
    assert suites[1].get("failures") == "0" and suites[1].findall("testcase/failure") == []


def test_codeclimate_nul_separated_and_gitlab_array() -> None:
    out = render("codeclimate", PROBLEMS)
    parts = out.split("\0")
    assert parts[-1] == "" and len(parts) == 3
    issue = json.loads(parts[0])
    assert issue["type"] == "issue" and issue["check_name"] == "DL3006"
    assert issue["location"]["positions"]["begin"] == {"line": 1, "column": 6}
    gl = json.loads(render("gitlab_codeclimate", PROBLEMS))
    assert [i["check_name"] for i in gl] == ["DL3006", "DLS108"]
    assert len({i["fingerprint"] for i in gl}) == 2
    assert gl[0]["severity"] == "major"


def test_github_workflow_commands_escape() -> None:
    p = Problem("x,y:z", 2, 1, 4, 3, Severity.ERROR, "DL3000", "50%\nnext")
    line = render("github", [p])
    assert line == (
        "::error file=x%2Cy%3Az,line=2,col=1,endLine=4,endColumn=3,title=DL3000::50%25%0Anext\n"
    )
    assert render("github", PROBLEMS).startswith("::warning file=a/Dockerfile,line=1,col=6,")
    assert "::notice " in render("github", PROBLEMS)


# The required core of SARIF 2.1.0 (sarifLog, run, tool, result, location,
# region, fix), written from the OASIS specification's required properties.
# The official schema is not shipped by any installed package (see report).
SARIF_CORE = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "runs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["tool"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {
                                    "rules": {
                                        "type": "array",
                                        "items": {"type": "object", "required": ["id"]},
                                    }
                                },
                            }
                        },
                    },
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["message"],
                            "properties": {
                                "level": {"enum": ["none", "note", "warning", "error"]},
                                "message": {"type": "object", "required": ["text"]},
                                "ruleIndex": {"type": "integer", "minimum": -1},
                                "locations": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "physicalLocation": {
                                                "type": "object",
                                                "properties": {
                                                    "region": {
                                                        "type": "object",
                                                        "properties": {
                                                            k: {"type": "integer", "minimum": 1}
                                                            for k in (
                                                                "startLine",
                                                                "startColumn",
                                                                "endLine",
                                                                "endColumn",
                                                            )
                                                        },
                                                    }
                                                },
                                            }
                                        },
                                    },
                                },
                                "fixes": {
                                    "type": "array",
                                    "items": {"type": "object", "required": ["artifactChanges"]},
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}


def test_sarif_validates_against_the_core_schema() -> None:
    doc = json.loads(render("sarif", PROBLEMS, rules=RULES))
    jsonschema.validate(doc, SARIF_CORE)
    bad = json.loads(json.dumps(doc))
    bad["runs"][0]["results"][0]["level"] = "info"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, SARIF_CORE)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_empty_and_full(fmt: str) -> None:
    full = render(fmt, PROBLEMS, files=["a/Dockerfile"], rules=RULES)
    assert "DL3006" in full and "DLS108" in full
    assert "DL3006" not in render(fmt, [], files=["a/Dockerfile"], rules=RULES)


OFFICIAL_SARIF_SCHEMA = (
    Path(__file__).parent
    / "npm"
    / "node_modules"
    / "@microsoft"
    / "jest-sarif"
    / "lib"
    / "schemas"
    / "sarif-2.1.0-rtm.5.json"
)


def test_sarif_validates_against_the_official_sarif_2_1_0_schema() -> None:
    """The OASIS SARIF 2.1.0 schema, as shipped by Microsoft's @microsoft/jest-sarif
    (installed by `npm ci --prefix tests/npm`, which CI runs)."""
    assert OFFICIAL_SARIF_SCHEMA.exists(), (
        "run `npm ci --prefix tests/npm` to install the SARIF schema"
    )
    schema = json.loads(OFFICIAL_SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema)
    doc = json.loads(render("sarif", PROBLEMS, rules=RULES))
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    # and the validator does catch a broken log
    broken = json.loads(json.dumps(doc))
    broken["runs"][0]["results"][0]["level"] = "loud"
    assert list(validator.iter_errors(broken))
