"""A RUN under a non-POSIX shell is opaque to every rule that reads the shell
view (hadolint does the same): with ``# hadolint shell=pwsh`` above it, with
``SHELL ["pwsh", "-c"]`` before it, or on a Windows image (whose default shell
is cmd), no apt/apk/yum/dnf/zypper/pip/npm/gem/go/... rule fires.

The rules under test are found, not listed: every hadolint or dockerls rule
whose documented example has a RUN.  The example is flagged under ``/bin/sh``;
under each non-POSIX shell it must be quiet, but for the rules listed with the
reason they don't read the script."""

from __future__ import annotations

import re

import pytest

from dockerls.analysis.rules import RULES
from dockerls.analysis.rules.base import Rule
from tests.rules.harness import run
from tests.rules.test_documented_examples import blocks, with_from

FROM_LINE = re.compile(r"^(\s*FROM\s[^\n]*\n)", re.I | re.M)
RUN_LINE = re.compile(r"^(\s*(?:ONBUILD\s+)?RUN\s)", re.I | re.M)
# rules flagging a RUN for something else than the commands it runs under its
# shell: why each one still applies under PowerShell
NOT_SILENCED = {
    "DL3059": "counts consecutive RUN layers, whatever they run",
    "DL1001": "flags the ignore pragma above the RUN, not the RUN",
    "DL3002": "flags the last USER, which a RUN of any shell runs as",
    "DL3064": "flags the ARG/ENV holding a secret, not the RUN using it",
    "DLS106": "flags the COPY of a secret file, not the RUN using it",
    "DLS109": "flags EXPOSE 22, not the RUN installing the server",
    "DLS130": "greys out a stage no known build runs, whatever its RUNs run (needs builds)",
    "DLS131": "flags the ARG a build leaves unset, not the RUN reading it (needs builds)",
}


def _findings(text: str, rule: Rule) -> list[str]:
    """The rule's findings on ``text``, under its code or a twin's."""
    return [v.code for code in (rule.code, *rule.same_as) for _i, v in run(text, code)[1]]


def reads_runs(rule: Rule) -> bool:
    """A rule about what RUNs do (hadolint's and ours; the syntax and BuildKit
    checks read the instruction, not the script) whose documented example has
    a RUN."""
    return rule.group in ("hadolint", "best-practice") and bool(RUN_LINE.search(blocks(rule)[0]))


RUN_RULES = [r for r in RULES if reads_runs(r)]
SHELL_RULES = [r for r in RUN_RULES if r.code not in NOT_SILENCED]


def pragma(text: str) -> str:
    return RUN_LINE.sub(lambda m: "# hadolint shell=pwsh\n" + m.group(1), text)


def shell_instruction(text: str) -> str:
    return FROM_LINE.sub(lambda m: m.group(1) + 'SHELL ["pwsh", "-c"]\n', text)


def windows_image(text: str) -> str:
    return FROM_LINE.sub("FROM mcr.microsoft.com/windows/servercore:ltsc2022\n", text, count=1)


def test_the_shell_reading_rules_are_found() -> None:
    found = {r.code for r in SHELL_RULES}
    # every package-manager family hadolint checks is among them
    assert {"DL3008", "DL3009", "DL3014", "DL3015", "DL3018", "DL3019", "DL3013"} <= found
    assert {"DL3016", "DL3028", "DL3030", "DL3033", "DL3034", "DL3038", "DL3062"} <= found
    assert {"DL3042", "DL3060", "DLS110", "DL4001", "DL4006", "DL3003"} <= found
    assert set(NOT_SILENCED) <= {r.code for r in RUN_RULES}


@pytest.mark.parametrize("variant", [pragma, shell_instruction, windows_image])
@pytest.mark.parametrize("rule", SHELL_RULES, ids=[r.code for r in SHELL_RULES])
def test_a_non_posix_shell_silences_the_rule(rule: Rule, variant: object) -> None:
    example, _fixed = blocks(rule)
    posix = with_from(example)
    opaque = variant(posix)  # type: ignore[operator]
    assert opaque != posix
    assert _findings(posix, rule), f"{rule.code}: its example is not flagged under /bin/sh"
    assert not _findings(opaque, rule), f"{rule.code} fires under a non-POSIX shell:\n{opaque}"


def test_the_issue_example() -> None:
    """`# hadolint shell=pwsh` directly above one RUN: DL3008/3009/3014/3015 all quiet."""
    text = "FROM debian:12\n# hadolint shell=pwsh\nRUN apt-get update && apt-get install curl\n"
    found = {
        v.code for code in ("DL3008", "DL3009", "DL3014", "DL3015") for _i, v in run(text, code)[1]
    }
    assert not found
    posix = text.replace("# hadolint shell=pwsh\n", "")
    assert {v.code for code in ("DL3008", "DL3009") for _i, v in run(posix, code)[1]} == {
        "DL3008",
        "DL3009",
    }


RUN_A = "RUN Write-Host a; Write-Host b\n"
RUN_B = "RUN Write-Host c; Write-Host d\n"
RUN_C = "RUN if (Test-Path C:\\x) { Remove-Item C:\\x }\n"  # no POSIX reading


@pytest.mark.parametrize(
    "template",
    ['FROM debian:12\nSHELL ["pwsh", "-Command"]\n{0}{1}', "FROM debian:12\n{2}{0}{2}{1}"],
    ids=["SHELL", "pragma"],
)
def test_consecutive_runs_under_powershell_are_counted_as_posix_reads_them(template: str) -> None:
    # as hadolint does, DL3059 counts a PowerShell RUN's commands as POSIX shell reads
    # them (`a; b` is two: no finding); one that doesn't read as POSIX shell counts as
    # a single step; the merge fix is never offered under a non-POSIX shell
    pragma = "# hadolint shell=pwsh\n"
    _, two_each = run(template.format(RUN_A, RUN_B, pragma), "DL3059")
    assert two_each == []
    p, found = run(template.format(RUN_C, RUN_C, pragma), "DL3059")
    assert [(i, v.code) for i, v in found] == [(len(p.items) - 1, "DL3059")]
    assert all(v.fix is None for _, v in found)
