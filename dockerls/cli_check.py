"""``dockerls check``: lint files and report, for CI and pre-commit."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from dockerls.analysis.engine import LintConfig, Linter
from dockerls.analysis.rules.base import Severity
from dockerls.syntax.lines import relative_position
from dockerls.syntax.parser import parse

THRESHOLDS = ("error", "warning", "info", "style", "none")


@dataclass(frozen=True)
class Problem:
    path: str
    line: int  # 1-based
    column: int  # 1-based
    end_line: int
    end_column: int
    severity: Severity
    code: str
    message: str


def read_text(path: Path | None) -> str:
    data = sys.stdin.buffer.read() if path is None else path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8", errors="replace")


def lint_text(text: str, display: str, config: LintConfig) -> list[Problem]:
    p = parse(text)
    result = Linter(config=config).lint(p)
    out: list[Problem] = []
    for item, v in result.all():
        sl, sc = relative_position(p, item, v.span.start)
        el, ec = relative_position(p, item, v.span.end)
        out.append(Problem(display, sl + 1, sc + 1, el + 1, ec + 1, v.severity, v.code, v.message))
    return out


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cp = sub.add_parser("check", help="lint Dockerfiles (files, directories, or - for stdin)")
    cp.add_argument("paths", nargs="+")
    cp.add_argument("--failure-threshold", "-t", choices=THRESHOLDS, default="info")
    cp.add_argument("--no-fail", action="store_true")
    cp.add_argument("--ignore", action="append", default=[], metavar="CODE")
    cp.add_argument("--no-shellcheck", action="store_true", help="do not run ShellCheck")
    cp.add_argument(
        "--fix", action="store_true", help="apply safe fixes in place first (see `dockerls fix`)"
    )
    cp.add_argument(
        "--unsafe-fixes", action="store_true", help="with --fix: also apply unsafe fixes"
    )
    cp.set_defaults(func=run_check)


def run_check(args: argparse.Namespace) -> int:
    from dockerls.cli import find_dockerfiles

    config = LintConfig(ignore=frozenset(args.ignore))
    problems: list[Problem] = []
    failed_read = False
    if args.fix:
        from dockerls.cli_fix import apply_in_place

        failed_read = not apply_in_place(args, config)
    for path in find_dockerfiles(args.paths):
        display = "-" if path is None else str(path)
        try:
            text = read_text(path)
        except OSError as exc:
            print(f"dockerls: cannot read {display}: {exc.strerror}", file=sys.stderr)
            failed_read = True
            continue
        problems.extend(lint_text(text, display, config))
    for pr in problems:
        print(f"{pr.path}:{pr.line}:{pr.column}: {pr.severity.label} {pr.code} {pr.message}")
    return exit_code(problems, args.failure_threshold, args.no_fail, failed_read)


def exit_code(problems: Sequence[Problem], threshold: str, no_fail: bool, failed_read: bool) -> int:
    if failed_read:
        return 1
    if no_fail or threshold == "none":
        return 0
    limit = Severity.parse(threshold)
    return 1 if any(p.severity <= limit for p in problems) else 0
