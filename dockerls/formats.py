"""Output formats of ``dockerls check``: one function per format.

Every formatter takes the problems (already in a stable order) and returns
the full text to print.  Positions are 1-based; ``end_column`` is the column
just after the last character (SARIF's convention), so a one-character
finding at column 5 has ``end_column`` 6.

Formats follow hadolint's names: ``tty`` (default), ``json`` (hadolint's
keys plus ``endLine``/``endColumn``), ``sarif`` (2.1.0), ``checkstyle``,
``gnu``, ``junit``, ``codeclimate`` (Code Climate engine issues, each
followed by a NUL byte), ``gitlab_codeclimate`` (a JSON array with
fingerprints) and ``github`` (workflow commands that annotate the diff).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import quote
from xml.sax.saxutils import quoteattr

from dockerls import __version__
from dockerls.analysis.rules.base import Severity, doc_url

TOOL = "dockerls"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


@dataclass(frozen=True)
class TextEdit:
    """Replace ``line:column-end_line:end_column`` (1-based, end exclusive) by ``text``."""

    line: int
    column: int
    end_line: int
    end_column: int
    text: str


@dataclass(frozen=True)
class ProblemFix:
    title: str
    edits: tuple[TextEdit, ...]
    safe: bool = True


@dataclass(frozen=True)
class Problem:
    path: str
    line: int  # 1-based
    column: int  # 1-based
    end_line: int
    end_column: int  # 1-based, exclusive
    severity: Severity
    code: str
    message: str
    rule_name: str = ""
    fix: ProblemFix | None = field(default=None, compare=False)


@dataclass(frozen=True)
class RuleInfo:
    """What the SARIF driver lists about a rule."""

    code: str
    name: str
    summary: str
    severity: Severity
    help_uri: str | None


def _level(sev: Severity) -> str:
    return sev.label if sev is not Severity.OFF else "ignore"


# ---------------------------------------------------------------------------- tty

_COLOURS = {
    Severity.ERROR: "\x1b[31m",
    Severity.WARNING: "\x1b[33m",
    Severity.INFO: "\x1b[32m",
    Severity.STYLE: "\x1b[36m",
}


def format_tty(problems: Sequence[Problem], *, color: bool = False) -> str:
    out = []
    for p in problems:
        level = _level(p.severity)
        if color:
            c = _COLOURS.get(p.severity, "")
            level = f"{c}{level}\x1b[0m"
            code = f"\x1b[1m{p.code}\x1b[0m"
        else:
            code = p.code
        out.append(f"{p.path}:{p.line}:{p.column}: {level} {code} {p.message}\n")
    return "".join(out)


# ---------------------------------------------------------------------------- json


def json_objects(problems: Sequence[Problem]) -> list[dict[str, object]]:
    return [
        {
            "file": p.path,
            "line": p.line,
            "column": p.column,
            "endLine": p.end_line,
            "endColumn": p.end_column,
            "level": _level(p.severity),
            "code": p.code,
            "message": p.message,
        }
        for p in problems
    ]


def format_json(problems: Sequence[Problem]) -> str:
    return json.dumps(json_objects(problems)) + "\n"


# ---------------------------------------------------------------------------- sarif

_SARIF_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
    Severity.STYLE: "note",
    Severity.OFF: "none",
}


def _uri(path: str) -> str:
    """A SARIF artifact URI: a relative reference for a relative path, a
    ``file:`` URI for an absolute one, percent-encoded either way (bytes the
    CLI read with ``surrogateescape`` are encoded as the bytes they were)."""
    if path == "-":
        return "stdin"
    if os.path.isabs(path):
        return Path(path).as_uri()
    return quote(os.fsencode(path.replace("\\", "/")), safe="/")


def _region(line: int, column: int, end_line: int, end_column: int) -> dict[str, int]:
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


def format_sarif(problems: Sequence[Problem], rules: Mapping[str, RuleInfo] | None = None) -> str:
    rules = rules or {}
    used = sorted({p.code for p in problems})
    index = {code: k for k, code in enumerate(used)}
    descriptors = []
    for code in used:
        info = rules.get(code)
        d: dict[str, object] = {"id": code}
        if info is not None:
            d["name"] = info.name
            d["shortDescription"] = {"text": info.summary or info.name}
            if info.help_uri:
                d["helpUri"] = info.help_uri
            d["defaultConfiguration"] = {"level": _SARIF_LEVEL[info.severity]}
        elif (href := doc_url(code, "shellcheck")) is not None:
            d["helpUri"] = href
        descriptors.append(d)
    results = []
    for p in problems:
        r: dict[str, object] = {
            "ruleId": p.code,
            "ruleIndex": index[p.code],
            "level": _SARIF_LEVEL[p.severity],
            "message": {"text": p.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(p.path)},
                        "region": _region(p.line, p.column, p.end_line, p.end_column),
                    }
                }
            ],
        }
        if p.fix is not None and p.fix.edits:
            r["fixes"] = [
                {
                    "description": {"text": p.fix.title},
                    "artifactChanges": [
                        {
                            "artifactLocation": {"uri": _uri(p.path)},
                            "replacements": [
                                {
                                    "deletedRegion": _region(
                                        e.line, e.column, e.end_line, e.end_column
                                    ),
                                    "insertedContent": {"text": e.text},
                                }
                                for e in p.fix.edits
                            ],
                        }
                    ],
                }
            ]
        results.append(r)
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL,
                        "version": __version__,
                        "rules": descriptors,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(doc, indent=2) + "\n"


# ---------------------------------------------------------------------------- checkstyle


def _by_file(problems: Sequence[Problem]) -> list[tuple[str, list[Problem]]]:
    files: dict[str, list[Problem]] = {}
    for p in problems:
        files.setdefault(p.path, []).append(p)
    return list(files.items())


_CHECKSTYLE_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "info",
    Severity.STYLE: "info",
    Severity.OFF: "ignore",
}


def format_checkstyle(problems: Sequence[Problem], files: Sequence[str] = ()) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<checkstyle version="4.3">\n']
    grouped = dict(_by_file(problems))
    for name in dict.fromkeys([*files, *grouped]):
        out.append(f"  <file name={quoteattr(name)}>\n")
        for p in grouped.get(name, []):
            out.append(
                f'    <error line="{p.line}" column="{p.column}"'
                f" severity={quoteattr(_CHECKSTYLE_LEVEL[p.severity])}"
                f" message={quoteattr(p.message)} source={quoteattr(p.code)}/>\n"
            )
        out.append("  </file>\n")
    out.append("</checkstyle>\n")
    return "".join(out)


# ---------------------------------------------------------------------------- gnu


def format_gnu(problems: Sequence[Problem]) -> str:
    return "".join(
        f"{TOOL}:{p.path}:{p.line}.{p.column}-{p.end_line}.{p.end_column}:"
        f" {_level(p.severity)}: {p.code} {p.message}\n"
        for p in problems
    )


# ---------------------------------------------------------------------------- junit


def format_junit(problems: Sequence[Problem], files: Sequence[str] = ()) -> str:
    grouped = dict(_by_file(problems))
    names = list(dict.fromkeys([*files, *grouped]))
    total = len(problems)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<testsuites name="{TOOL}" tests="{max(total, len(names))}" failures="{total}">\n',
    ]
    for name in names:
        ps = grouped.get(name, [])
        out.append(
            f'  <testsuite name={quoteattr(name)} tests="{max(len(ps), 1)}"'
            f' failures="{len(ps)}" errors="0">\n'
        )
        if not ps:
            out.append(f'    <testcase name="{TOOL}" classname={quoteattr(name)}/>\n')
        for p in ps:
            where = f"{p.path}:{p.line}:{p.column}"
            out.append(
                f"    <testcase name={quoteattr(f'{p.code} {where}')} classname={quoteattr(name)}>\n"
                f"      <failure message={quoteattr(p.message)} type={quoteattr(_level(p.severity))}>"
                f"{_xml_text(f'{where}: {p.code} {p.message}')}</failure>\n"
                "    </testcase>\n"
            )
        out.append("  </testsuite>\n")
    out.append("</testsuites>\n")
    return "".join(out)


def _xml_text(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---------------------------------------------------------------------------- code climate

_CC_SEVERITY = {
    Severity.ERROR: "blocker",
    Severity.WARNING: "major",
    Severity.INFO: "info",
    Severity.STYLE: "minor",
    Severity.OFF: "info",
}


def _fingerprint(p: Problem) -> str:
    key = f"{p.path}\0{p.code}\0{p.line}\0{p.column}\0{p.message}"
    return hashlib.md5(key.encode("utf-8"), usedforsecurity=False).hexdigest()


def _cc_issue(p: Problem) -> dict[str, object]:
    return {
        "type": "issue",
        "check_name": p.code,
        "description": p.message,
        "categories": ["Style" if p.severity is Severity.STYLE else "Bug Risk"],
        "location": {
            "path": p.path,
            "positions": {
                "begin": {"line": p.line, "column": p.column},
                "end": {"line": p.end_line, "column": p.end_column},
            },
        },
        "severity": _CC_SEVERITY[p.severity],
        "fingerprint": _fingerprint(p),
    }


def format_codeclimate(problems: Sequence[Problem]) -> str:
    """Code Climate engine output: each issue as JSON followed by a NUL."""
    return "".join(json.dumps(_cc_issue(p)) + "\0" for p in problems)


def format_gitlab_codeclimate(problems: Sequence[Problem]) -> str:
    """GitLab's Code Quality report: one JSON array."""
    return json.dumps([_cc_issue(p) for p in problems], indent=2) + "\n"


# ---------------------------------------------------------------------------- github

_GITHUB_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
    Severity.STYLE: "notice",
    Severity.OFF: "notice",
}


def _gh_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(s: str) -> str:
    return _gh_data(s).replace(":", "%3A").replace(",", "%2C")


def format_github(problems: Sequence[Problem]) -> str:
    return "".join(
        f"::{_GITHUB_LEVEL[p.severity]} file={_gh_prop(p.path)},line={p.line},col={p.column},"
        f"endLine={p.end_line},endColumn={p.end_column},title={_gh_prop(p.code)}::{_gh_data(p.message)}\n"
        for p in problems
    )


# ---------------------------------------------------------------------------- dispatch

# formats whose text reaches a terminal or an XML parser as it is; the JSON
# formats escape control characters themselves
# (with the line breaks a format encodes itself: GitHub's %0A)
_TEXT_FORMATS = {"tty": "", "gnu": "", "checkstyle": "", "junit": "", "github": "\r\n"}
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def _escape_char(m: re.Match[str], keep: str = "") -> str:
    if m.group() in keep:
        return m.group()
    n = ord(m.group())
    if 0xDC80 <= n <= 0xDCFF:  # a byte that wasn't UTF-8 (read with surrogateescape)
        n -= 0xDC00
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}"


def printable(s: str, keep: str = "") -> str:
    """``s`` with control characters (ESC, BEL, NUL, CR, newline...) and
    undecodable bytes shown as ``\\xNN`` escapes: text from a Dockerfile can't
    drive the terminal, fake an output line or break an XML report; the
    characters in ``keep`` stay."""
    return _UNPRINTABLE.sub(lambda m: _escape_char(m, keep), s)


def _printable_problem(p: Problem, keep: str) -> Problem:
    return replace(
        p,
        path=printable(p.path, keep),
        code=printable(p.code, keep),
        message=printable(p.message, keep),
        rule_name=printable(p.rule_name, keep),
    )


FORMATS = (
    "tty",
    "json",
    "sarif",
    "checkstyle",
    "gnu",
    "junit",
    "codeclimate",
    "gitlab_codeclimate",
    "github",
)


def render(
    fmt: str,
    problems: Sequence[Problem],
    *,
    files: Sequence[str] = (),
    color: bool = False,
    rules: Mapping[str, RuleInfo] | None = None,
) -> str:
    """The whole output of ``dockerls check --format fmt``."""
    if fmt in _TEXT_FORMATS:
        keep = _TEXT_FORMATS[fmt]
        problems = [_printable_problem(p, keep) for p in problems]
        files = [printable(f, keep) for f in files]
    table: dict[str, Callable[[], str]] = {
        "tty": lambda: format_tty(problems, color=color),
        "json": lambda: format_json(problems),
        "sarif": lambda: format_sarif(problems, rules),
        "checkstyle": lambda: format_checkstyle(problems, files),
        "gnu": lambda: format_gnu(problems),
        "junit": lambda: format_junit(problems, files),
        "codeclimate": lambda: format_codeclimate(problems),
        "gitlab_codeclimate": lambda: format_gitlab_codeclimate(problems),
        "github": lambda: format_github(problems),
    }
    return table[fmt]()
