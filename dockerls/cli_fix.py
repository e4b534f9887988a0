"""``dockerls fix``: apply the rules' fixes to files in place.

Safe fixes only, unless ``--unsafe-fixes``; ``--diff`` prints a unified diff
and writes nothing.  After fixing, the problems that are left are reported
like ``dockerls check`` does, and the exit code follows the failure
threshold on those (with ``--diff``, 1 when a file would change).  ``-``
reads stdin and writes the fixed text to stdout (or the diff with
``--diff``).  ``dockerls check --fix`` fixes in place first, then checks.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from dockerls.analysis.engine import LintConfig
from dockerls.atomic import write_atomic
from dockerls.fixes import FixReport, fix_text


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from dockerls.cli_check import THRESHOLDS

    fp = sub.add_parser(
        "fix", help="apply fixes to Dockerfiles in place (files, directories, or - for stdin)"
    )
    fp.add_argument("paths", nargs="+")
    fp.add_argument(
        "--unsafe-fixes", action="store_true", help="also apply fixes that may change behaviour"
    )
    fp.add_argument(
        "--diff", action="store_true", help="print a unified diff instead of writing the files"
    )
    fp.add_argument("--failure-threshold", "-t", choices=THRESHOLDS, default="info")
    fp.add_argument("--no-fail", action="store_true")
    fp.add_argument("--ignore", action="append", default=[], metavar="CODE")
    fp.add_argument("--quiet", "-q", action="store_true", help="do not list the problems left")
    fp.set_defaults(func=run_fix)


def read_bytes(path: Path | None) -> str:
    """The file's text, undecodable bytes kept for writing back; a byte order
    mark stays in the text (the parser reads past it)."""
    data = sys.stdin.buffer.read() if path is None else path.read_bytes()
    return data.decode("utf-8", errors="surrogateescape")


def write_text(path: Path, text: str) -> None:
    """The fixed text replaces the file at once (``dockerls.atomic``): never half written."""
    write_atomic(path, text.encode("utf-8", errors="surrogateescape"))


def diff_of(report: FixReport, display: str) -> str:
    return "".join(
        difflib.unified_diff(
            report.original.splitlines(keepends=True),
            report.text.splitlines(keepends=True),
            fromfile=display,
            tofile=display,
        )
    )


def not_a_dockerfile(path: Path | None, text: str) -> str | None:
    """Why a file named on the command line must not be fixed as a Dockerfile, if it
    mustn't: its name is no Dockerfile's and its first line that could hold an instruction
    holds none (a README's "from here on" would become ``FROM here on``)."""
    from dockerls.cli import is_dockerfile
    from dockerls.syntax import spec
    from dockerls.syntax.nodes import Instruction
    from dockerls.syntax.parser import parse

    if path is None or is_dockerfile(path):
        return None
    first = next((it for it in parse(text).items if isinstance(it, Instruction)), None)
    if first is None or spec.instruction(first.keyword) is not None:
        return None
    line = first.keyword[:40]
    return f"{path} does not look like a Dockerfile (`{line}` is no instruction): left as it is"


def fix_file(
    path: Path | None, config: LintConfig, *, unsafe: bool, diff: bool, out: list[str]
) -> tuple[FixReport | None, str] | None:
    """Fix one file (or stdin); returns the report (None: not a Dockerfile, left as it is,
    and said so) and the display name, or None when it can't be read (the error is
    printed)."""
    display = "-" if path is None else str(path)
    try:
        text = read_bytes(path)
    except OSError as exc:
        print(f"dockerls: cannot read {display}: {exc.strerror}", file=sys.stderr)
        return None
    why = not_a_dockerfile(path, text)
    if why is not None:
        print(f"dockerls: {why}", file=sys.stderr)
        return None, display
    report = fix_text(text, config, unsafe=unsafe)
    if diff:
        if report.changed:
            out.append(diff_of(report, display))
    elif path is None:
        out.append(report.text)
    elif report.changed:
        try:
            write_text(path, report.text)
        except OSError as exc:
            print(f"dockerls: cannot write {display}: {exc.strerror}", file=sys.stderr)
            return None
    return report, display


def apply_in_place(args: argparse.Namespace, config: LintConfig) -> bool:
    """For ``check --fix``: fix the named files in place (stdin is left to
    the check).  Returns False when a file could not be read or written."""
    from dockerls.cli import find_dockerfiles

    ok = True
    unsafe = bool(getattr(args, "unsafe_fixes", False))
    fixed = files = 0
    for path in find_dockerfiles(args.paths):
        if path is None:
            continue
        res = fix_file(path, config, unsafe=unsafe, diff=False, out=[])
        if res is None:
            ok = False
            continue
        report = res[0]
        if report is not None and report.changed:
            files += 1
            fixed += len(report.applied)
    if fixed:
        print(f"dockerls: fixed {fixed} problem(s) in {files} file(s)", file=sys.stderr)
    return ok


def run_fix(args: argparse.Namespace) -> int:
    from dockerls.cli import find_dockerfiles, named_other_files
    from dockerls.cli_check import Problem, exit_code, lint_text

    config = LintConfig(ignore=frozenset(args.ignore))
    out: list[str] = []
    left: list[Problem] = []
    failed = False
    would_change = False
    fixed = files = 0
    for path in find_dockerfiles(args.paths):
        res = fix_file(path, config, unsafe=args.unsafe_fixes, diff=args.diff, out=out)
        if res is None:
            failed = True
            continue
        report, display = res
        if report is None:
            continue
        if report.changed:
            would_change = True
            files += 1
            fixed += len(report.applied)
        left.extend(lint_text(report.text, display, config))
    for path in named_other_files(args.paths):
        # a Compose, Bake or ignore file read as a Dockerfile would be rewritten as one
        print(f"dockerls: {path} is no Dockerfile: left as it is", file=sys.stderr)
    for chunk in out:
        sys.stdout.write(chunk)
    if not args.quiet:
        for pr in left:
            print(
                f"{pr.path}:{pr.line}:{pr.column}: {pr.severity.label} {pr.code} {pr.message}",
                file=sys.stderr,
            )
    verb = "would fix" if args.diff else "fixed"
    print(
        f"dockerls: {verb} {fixed} problem(s) in {files} file(s), {len(left)} left", file=sys.stderr
    )
    if args.diff and would_change and not args.no_fail:
        return 1
    return exit_code(left, args.failure_threshold, args.no_fail, failed)
