"""``dockerls check``: lint files and report, for CI and pre-commit.

Configuration, lowest layer first: the ``.hadolint.yaml`` found next to each
Dockerfile (or up its parents, see :mod:`dockerls.config`) or the one given
with ``--config``, then the ``HADOLINT_*`` environment variables, then the
command-line options.  Exit codes follow hadolint: 1 when a finding is at or
above the failure threshold (default ``info``) or a file could not be read,
0 otherwise or with ``--no-fail``.

More than :data:`PARALLEL_MIN` files are linted in a process pool; the output
order is always the order of the files given (directories sorted).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dockerls import config as hl_config
from dockerls.analysis.builds import Build
from dockerls.analysis.engine import LintConfig, Linter, LintResult, split_threshold
from dockerls.analysis.facts import NO_FACTS, Facts, ShellCheckResults
from dockerls.analysis.lifecycle import LifecycleFacts
from dockerls.analysis.model import Model, build_model
from dockerls.analysis.rules.base import Severity
from dockerls.analysis.rules.sc_shellcheck import RULE as SHELLCHECK_RULE
from dockerls.analysis.shellcheck_map import GROUP as SHELLCHECK
from dockerls.builds.workspace import WorkspaceBuilds, direct_build
from dockerls.context import ContextLoader
from dockerls.formats import FORMATS, Problem, ProblemFix, RuleInfo, TextEdit, render
from dockerls.shellcheck import ShellChecker
from dockerls.syntax.lines import position, relative_position
from dockerls.syntax.parser import Parse, parse

if TYPE_CHECKING:
    from dockerls.build_files import BuildFiles
    from dockerls.image_intel import ImageIntel

SHELLCHECK_CODE = SHELLCHECK_RULE.code

THRESHOLDS = ("error", "warning", "info", "style", "ignore", "none")
PARALLEL_MIN = 8

__all__ = ["THRESHOLDS", "Problem", "exit_code", "lint_text", "run_check"]


def read_text(path: Path | None) -> str:
    """The file's text; a byte order mark is kept, as an editor sends it (the
    parser reads past it and positions count it, as the editor does)."""
    data = sys.stdin.buffer.read() if path is None else path.read_bytes()
    return data.decode("utf-8", errors="replace")


_CHECKER: ShellChecker | None = None  # one per process, cached per script


def shellcheck_facts(p: Parse, model: Model, config: LintConfig) -> ShellCheckResults | None:
    """ShellCheck's results for one file (the ``Facts.shellcheck`` input),
    unless the shellcheck group is off or no binary is installed."""
    global _CHECKER
    if SHELLCHECK in config.disabled_groups or SHELLCHECK_CODE in config.ignore:
        return None
    if _CHECKER is None:
        _CHECKER = ShellChecker()
    if not _CHECKER.available:
        return None
    return _CHECKER.results_for(p, model)


def lint_text(
    text: str,
    display: str,
    config: LintConfig,
    facts: Facts = NO_FACTS,
    intel: ImageIntel | None = None,
    split_at: int = 0,
) -> list[Problem]:
    """Lint one file: its facts (``facts``, ShellCheck's results, with ``intel`` the
    vulnerabilities of its images), then the engine (``Linter.split_at``), then the
    problems in file order."""
    p = parse(text)
    model = build_model(p)
    facts = replace(facts, shellcheck=shellcheck_facts(p, model, config))
    if intel is not None:
        model.facts = facts  # its builds: the image each one resolves FROM to is scanned
        facts = replace(facts, images=intel.image_facts(model))
    result = Linter(config=config, split_at=split_at).lint(p, model, facts)
    return problems(p, result, display)


def problems(p: Parse, result: LintResult, display: str) -> list[Problem]:
    """The engine's findings as the CLI's problems (1-based positions)."""
    out: list[Problem] = []
    for item, v in result.all():
        sl, sc = relative_position(p, item, v.span.start)
        el, ec = relative_position(p, item, v.span.end)
        fix = None
        if v.fix is not None:
            edits = []
            base = p.starts[item]
            for e in v.fix.edits:
                # fix edits may reach into neighbouring items: absolute offsets
                a, b = position(p, base + e.span.start)
                c, d = position(p, base + e.span.end)
                edits.append(TextEdit(a + 1, b + 1, c + 1, d + 1, e.text))
            fix = ProblemFix(v.fix.title, tuple(edits), v.fix.applicability.value == "safe")
        out.append(
            Problem(
                display,
                sl + 1,
                sc + 1,
                el + 1,
                ec + 1,
                v.severity,
                v.code,
                v.message,
                v.rule_name,
                fix,
            )
        )
    return out


# ---------------------------------------------------------------------------- configuration


def lint_config_from_settings(s: Any) -> LintConfig:
    """A :class:`dockerls.settings.Settings` mapped onto the engine's config."""
    from dockerls.settings import to_lint_config

    return to_lint_config(s)


@dataclass(frozen=True)
class Resolved:
    lint: LintConfig
    hadolint: hl_config.HadolintConfig


def _known_code(code: str) -> bool:
    from dockerls.analysis.rules import known_code

    return known_code(code)


class ConfigResolver:
    """The configuration of each file (cached per folder)."""

    def __init__(self, args: argparse.Namespace, env: dict[str, str] | None = None) -> None:
        self.args = args
        self.env_cfg, problems = hl_config.config_from_environment(env, known_code=_known_code)
        self.explicit = getattr(args, "config", None)
        self._cache: dict[str, Resolved] = {}
        for pr in problems:
            print(f"dockerls: {pr}", file=sys.stderr)

    def for_path(self, path: Path | None) -> Resolved:
        folder = Path.cwd() if path is None else path.parent
        key = os.fspath(folder)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        anchor = (folder / "Dockerfile") if path is None else path
        file_cfg, problems = hl_config.find_and_load(
            anchor, None, explicit=self.explicit, known_code=_known_code
        )
        for pr in problems:
            print(f"dockerls: {pr}", file=sys.stderr)
        cfg = hl_config.combine(file_cfg, self.env_cfg)
        args = self.args
        cli = hl_config.HadolintConfig(
            ignored=tuple(args.ignore or ()),
            trusted_registries=tuple(getattr(args, "trusted_registry", None) or ()),
            failure_threshold=args.failure_threshold,
            no_fail=True if args.no_fail else None,
            no_color=True if getattr(args, "no_color", False) else None,
            formats=(args.format,) if getattr(args, "format", None) else (),
        )
        cfg = hl_config.combine(cfg, cli)
        from dockerls import settings as settings_mod

        st, _errors = settings_mod.load_layers([("hadolint", hl_config.to_settings_overrides(cfg))])
        res = Resolved(lint_config_from_settings(st), cfg)
        self._cache[key] = res
        return res


# ---------------------------------------------------------------------------- linting

_LOADER = ContextLoader()


def context_facts(path: Path | None) -> Facts:
    """What the CLI knows of one Dockerfile without the network: its build context (its
    folder, assumed) and the release lifecycles (the shipped data, or a refreshed copy in the cache)."""
    lifecycle = _lifecycle()
    if path is None:
        return Facts(lifecycle=lifecycle)
    with contextlib.suppress(OSError):
        # no option names the build context yet: its folder is only a guess
        context = _LOADER.get(path.parent, path, assumed=True)
        return Facts(context=context, lifecycle=lifecycle)
    return Facts(lifecycle=lifecycle)


@functools.cache
def _lifecycle() -> LifecycleFacts:
    from dockerls.image_intel import lifecycle_facts
    from dockerls.registry.settings import default_cache_dir

    return lifecycle_facts(default_cache_dir() / "lifecycle")


Job = tuple[Path | None, str, str | None, LintConfig, tuple[Build, ...]]
"""One file to lint: path, display name, text (stdin's), configuration, its builds."""


def lint_job(
    job: Job, intel: ImageIntel | None = None, split: bool = False
) -> tuple[list[Problem], str | None]:
    """Lint one file (a pool worker; ``split``: a big file on two CPUs, as the server
    does, for files linted one after the other here): (problems, read error)."""
    path, display, text, config, builds = job
    if text is None:
        try:
            text = read_text(path)
        except OSError as exc:
            return [], f"cannot read {display}: {exc.strerror or exc}"
    facts = replace(context_facts(path), builds=builds)
    if path is not None:
        facts = replace(facts, contexts=_LOADER.for_builds(builds, path))
    split_at = split_threshold() if split else 0
    return lint_text(text, display, config, facts, intel, split_at), None


def cli_builds(args: argparse.Namespace) -> WorkspaceBuilds:
    """The builds of this run: the ``cli`` build when ``--build-arg``, ``--target``,
    ``--platform``, ``--context`` or ``--build-context`` is given (it alone: the build asked
    for), else the Compose and Bake files under the current folder."""
    build_args: dict[str, str] = {}
    for item in getattr(args, "build_arg", None) or ():
        key, sep, value = item.partition("=")
        if sep:
            build_args[key] = value
        elif key in os.environ:  # `--build-arg NAME` takes the value from the environment
            build_args[key] = os.environ[key]
    contexts = dict(
        item.partition("=")[::2]
        for item in getattr(args, "build_context", None) or ()
        if "=" in item
    )
    cli = direct_build(
        "cli",
        build_args,
        getattr(args, "target", None),
        getattr(args, "platform", None),
        getattr(args, "context", None),
        contexts=contexts,
    )
    if cli is not None:
        return WorkspaceBuilds([], direct=(cli,))
    return WorkspaceBuilds([Path.cwd()])


def lint_many(
    jobs: Sequence[Job], intel: ImageIntel | None = None
) -> list[tuple[list[Problem], str | None]]:
    """Lint the files: in worker processes when there are many, else here (always here
    with ``intel``, whose client and caches the lints share)."""
    n = os.cpu_count() or 1
    if len(jobs) <= PARALLEL_MIN or n <= 1 or intel is not None:
        return [lint_job(j, intel, split=True) for j in jobs]
    with ProcessPoolExecutor(max_workers=n) as pool:
        return list(pool.map(lint_job, jobs, chunksize=max(1, len(jobs) // (4 * n))))


def rule_infos() -> dict[str, RuleInfo]:
    from dockerls.analysis.rules import RULES

    out = {}
    for r in RULES:
        out[r.code] = RuleInfo(r.code, r.name, r.summary, r.severity, r.href)
    return out


# ---------------------------------------------------------------------------- command


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cp = sub.add_parser("check", help="lint Dockerfiles (files, directories, or - for stdin)")
    cp.add_argument("paths", nargs="+")
    cp.add_argument("--format", "-f", choices=FORMATS, default=None, help="output format (tty)")
    cp.add_argument(
        "--failure-threshold",
        "-t",
        choices=THRESHOLDS,
        default=None,
        help="lowest level that makes the exit code 1 (info)",
    )
    cp.add_argument("--no-fail", action="store_true", help="always exit 0 when files were read")
    cp.add_argument("--config", "-c", default=None, help="a .hadolint.yaml to use")
    cp.add_argument("--ignore", action="append", default=[], metavar="CODE")
    cp.add_argument(
        "--trusted-registry",
        action="append",
        default=[],
        metavar="REGISTRY",
        help="allowed registry for DL3026 (repeatable, globs allowed)",
    )
    cp.add_argument("--no-color", action="store_true", help="never colour the tty output")
    cp.add_argument("--no-shellcheck", action="store_true", help="do not run ShellCheck")
    cp.add_argument(
        "--vulnerabilities",
        action="store_true",
        help="look base images' SBOMs up in their registries and OSV (DLS310; needs the network)",
    )
    cp.add_argument("--osv-url", default=None, help="OSV API base URL (https://api.osv.dev)")
    cp.add_argument(
        "--build-arg",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="lint as built with this build argument (repeatable); any build option replaces "
        "the builds read from Compose and Bake files under the current folder",
    )
    cp.add_argument("--target", default=None, metavar="STAGE", help="lint as built for STAGE")
    cp.add_argument("--platform", default=None, metavar="OS/ARCH", help="the target platform")
    cp.add_argument("--context", default=None, metavar="DIR", help="the build context folder")
    cp.add_argument(
        "--build-context",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a named build context (repeatable): `FROM NAME` and `--from=NAME` take it in "
        "place of the image or stage of that name",
    )
    cp.add_argument(
        "--fix", action="store_true", help="apply safe fixes in place first (see `dockerls fix`)"
    )
    cp.add_argument(
        "--unsafe-fixes", action="store_true", help="with --fix: also apply unsafe fixes"
    )
    cp.set_defaults(func=run_check)


def other_files_problems(
    paths: Sequence[Path], config_for: Callable[[Path], LintConfig]
) -> list[tuple[list[Problem], str | None]]:
    """Each Compose, Bake or ``.dockerignore`` file's problems, as the editor shows them
    under the file's configuration (``config_for``: ``--ignore``, ``.hadolint.yaml``):
    (problems, read error).  The build files share one reader: a project, and a Dockerfile
    two of them use, are read once."""
    from dockerls.build_files import BuildFiles
    from dockerls.documents import DocumentStore, is_dockerignore

    files: BuildFiles | None = None
    out = []
    for path in paths:
        if is_dockerignore(path.name):
            out.append(ignore_file_problems(path, config_for(path)))
            continue
        files = files or BuildFiles(DocumentStore())
        out.append(build_file_problems(path, files, config_for(path)))
    return out


def ignore_file_problems(path: Path, config: LintConfig) -> tuple[list[Problem], str | None]:
    """A ``.dockerignore``'s patterns BuildKit would reject: (problems, read error)."""
    from dockerls.analysis.dockerignore import (
        IGNORE_PATTERN_CODE,
        parse_dockerignore,
        problem_level,
    )

    display = str(path)
    try:
        text = read_text(path)
    except OSError as exc:
        return [], f"cannot read {display}: {exc.strerror or exc}"
    level = problem_level(config)
    if level is None:
        return [], None
    return [
        Problem(
            display,
            pr.line + 1,
            pr.start + 1,
            pr.line + 1,
            pr.end + 1,
            level,
            IGNORE_PATTERN_CODE,
            pr.message,
        )
        for pr in parse_dockerignore(text)[1]
    ], None


def build_file_problems(
    path: Path, files: BuildFiles, config: LintConfig
) -> tuple[list[Problem], str | None]:
    """A Compose or Bake file's problems (its builds against the Dockerfiles they use, read
    from disk by ``files``): (problems, read error)."""
    from dockerls.features.buildfiles import problems as build_problems

    display = str(path)
    doc = files.doc(path.resolve().as_uri())
    if doc is None:
        return [], f"cannot read {display}"
    out = []
    for pr in build_problems(doc, config):
        o = pr.origin
        line, col, end_line, end_col = (o.line, o.col, o.end_line, o.end_col) if o else (0, 0, 0, 0)
        severity = _BUILD_SEVERITY.get(pr.severity, Severity.WARNING)
        out.append(
            Problem(
                display, line + 1, col + 1, end_line + 1, end_col + 1, severity, pr.code, pr.message
            )
        )
    return out, None


_BUILD_SEVERITY = {
    "error": Severity.ERROR,
    "warning": Severity.WARNING,
    "information": Severity.INFO,
    "hint": Severity.STYLE,
}


def run_check(args: argparse.Namespace) -> int:
    from dockerls.cli import checked_files

    resolver = ConfigResolver(args)
    failed_read = False
    if getattr(args, "fix", False):
        from dockerls.cli_fix import apply_in_place

        failed_read = not apply_in_place(args, resolver.for_path(None).lint)
    jobs: list[Job] = []
    first: Resolved | None = None
    builds = cli_builds(args)
    dockerfiles, others = checked_files(args.paths)
    for path in dockerfiles:
        display = "-" if path is None else str(path)
        res = resolver.for_path(path)
        first = first or res
        text = None
        if path is None:
            try:
                text = read_text(None)
            except OSError as exc:
                print(f"dockerls: cannot read stdin: {exc}", file=sys.stderr)
                failed_read = True
                continue
        lint = res.lint
        if getattr(args, "no_shellcheck", False):
            lint = replace(lint, disabled_groups=lint.disabled_groups | {"shellcheck"})
        jobs.append((path, display, text, lint, builds.builds_for(path or Path("Dockerfile"))))
    problems: list[Problem] = []
    intel: ImageIntel | None = None
    if getattr(args, "vulnerabilities", False):
        from dockerls.image_intel import ImageIntel, IntelSettings
        from dockerls.registry.osv import DEFAULT_URL
        from dockerls.registry.settings import RegistrySettings

        intel_settings = IntelSettings(osv_url=args.osv_url or DEFAULT_URL)
        intel = ImageIntel(RegistrySettings(), intel_settings)
    try:
        results = lint_many(jobs, intel)
    finally:
        if intel is not None:
            intel.close()
    results += other_files_problems(others, lambda path: resolver.for_path(path).lint)
    for found, error in results:
        if error is not None:
            print(f"dockerls: {error}", file=sys.stderr)
            failed_read = True
        problems.extend(found)
    hl = (first or resolver.for_path(None)).hadolint
    fmt = hl.formats[0] if hl.formats else "tty"
    if fmt not in FORMATS:
        print(f"dockerls: output format {fmt!r} is not supported, using tty", file=sys.stderr)
        fmt = "tty"
    color = (
        fmt == "tty" and not hl.no_color and "NO_COLOR" not in os.environ and sys.stdout.isatty()
    )
    sys.stdout.write(
        render(
            fmt,
            problems,
            files=[j[1] for j in jobs] + [str(p) for p in others],
            color=color,
            rules=rule_infos() if fmt == "sarif" else None,
        )
    )
    sys.stdout.flush()
    return exit_code(problems, hl.failure_threshold or "info", bool(hl.no_fail), failed_read)


def exit_code(problems: Sequence[Problem], threshold: str, no_fail: bool, failed_read: bool) -> int:
    if failed_read:
        return 1
    if no_fail or threshold in ("none", "ignore"):
        return 0
    limit = Severity.parse(threshold)
    return 1 if any(p.severity <= limit for p in problems) else 0
