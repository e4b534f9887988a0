"""hadolint configuration: ``.hadolint.yaml`` discovery and parsing, and ``HADOLINT_*`` variables.

Discovery (:func:`discovery_candidates`), first existing file wins:

1. ``.hadolint.yaml`` then ``.hadolint.yml`` in the Dockerfile's folder, then in each parent
   folder up to and including the workspace root (up to the filesystem root when there is no
   workspace root or the file lies outside it). **Deliberate difference:** hadolint looks only in
   its current working directory; an editor has no meaningful CWD, and users expect the file
   next to their Dockerfile or at the repository root to apply.
2. ``$XDG_CONFIG_HOME/hadolint.yaml`` / ``.yml`` (``~/.config`` when the variable is unset).
3. ``~/.hadolint/hadolint.yaml``, ``.yml``, ``~/.hadolint/config.yaml``, ``.yml``.
4. ``~/.hadolint.yaml`` / ``.yml``.

Steps 2-4 follow the order in hadolint's ``Hadolint.Config.Configfile``.

:func:`to_settings_overrides` maps a :class:`HadolintConfig` onto the dockerls settings tree
(one layer of :func:`dockerls.settings.load_layers`). :func:`config_from_environment` reads the
``HADOLINT_*`` variables for the CLI; :func:`combine` layers file < environment like hadolint.
Problems carry 0-based ``line``/``column`` (``None`` when unknown).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from dockerls import probe

LEVELS = ("error", "warning", "info", "style")
THRESHOLDS = ("error", "warning", "info", "style", "ignore", "none")
LABEL_TYPES = ("text", "url", "semver", "hash", "rfc3339", "spdx", "email")
FORMATS = (
    "tty",
    "json",
    "checkstyle",
    "codeclimate",
    "gitlab_codeclimate",
    "gnu",
    "codacy",
    "sonarqube",
    "sarif",
    "junit",
)
HIDDEN_NAMES = (".hadolint.yaml", ".hadolint.yml")


def _empty() -> Mapping[str, str]:
    return MappingProxyType({})


@dataclass(frozen=True)
class HadolintConfig:
    """One hadolint configuration. ``None`` means "not set" (so layers can be combined)."""

    path: str | None = None
    ignored: tuple[str, ...] = ()
    override_error: tuple[str, ...] = ()
    override_warning: tuple[str, ...] = ()
    override_info: tuple[str, ...] = ()
    override_style: tuple[str, ...] = ()
    trusted_registries: tuple[str, ...] = ()
    label_schema: Mapping[str, str] = field(default_factory=_empty)
    strict_labels: bool | None = None
    failure_threshold: str | None = None
    disable_ignore_pragma: bool | None = None
    no_fail: bool | None = None
    no_color: bool | None = None
    formats: tuple[str, ...] = ()
    verbose: bool | None = None


@dataclass(frozen=True)
class ConfigProblem:
    """A problem in a ``.hadolint.yaml``, where it is (when known)."""

    message: str
    line: int | None = None
    column: int | None = None
    severity: Literal["error", "warning"] = "error"
    path: str | None = None

    def __str__(self) -> str:
        where = self.path or "<config>"
        if self.line is not None:
            where += f":{self.line + 1}:{(self.column or 0) + 1}"
        return f"{where}: {self.message}"


# --------------------------------------------------------------------------- discovery


def _home(env: Mapping[str, str], home: Path | None) -> Path | None:
    if home is not None:
        return home
    return probe.home(env.get("HOME"))


def discovery_candidates(
    dockerfile: str | os.PathLike[str],
    workspace_root: str | os.PathLike[str] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    home: Path | None = None,
) -> list[Path]:
    """Every path looked at, in order (see the module docstring)."""
    env = os.environ if env is None else env
    start = Path(os.path.abspath(dockerfile)).parent
    root = Path(os.path.abspath(workspace_root)) if workspace_root is not None else None
    dirs: list[Path] = []
    inside = root is not None and (start == root or root in start.parents)
    d = start
    while True:
        dirs.append(d)
        if (inside and d == root) or d.parent == d:
            break
        d = d.parent
    out = [folder / name for folder in dirs for name in HIDDEN_NAMES]
    h = _home(env, home)
    xdg = env.get("XDG_CONFIG_HOME") or (str(h / ".config") if h is not None else None)
    if xdg:
        out += [Path(xdg) / "hadolint.yaml", Path(xdg) / "hadolint.yml"]
    if h is not None:
        out += [
            h / ".hadolint" / n
            for n in ("hadolint.yaml", "hadolint.yml", "config.yaml", "config.yml")
        ]
        out += [h / n for n in HIDDEN_NAMES]
    return out


def discover(
    dockerfile: str | os.PathLike[str],
    workspace_root: str | os.PathLike[str] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    home: Path | None = None,
) -> Path | None:
    """The hadolint configuration file that applies to ``dockerfile``, if any.
    A place that cannot be looked at (no permission, a broken home) counts
    as holding none."""
    for candidate in discovery_candidates(dockerfile, workspace_root, env=env, home=home):
        if probe.is_file(candidate):
            return candidate
    return None


# --------------------------------------------------------------------------- parsing


def parse_config(
    text: str,
    *,
    path: str | None = None,
    known_code: Callable[[str], bool] | None = None,
) -> tuple[HadolintConfig, list[ConfigProblem]]:
    """Parse the text of a ``.hadolint.yaml``; every problem is reported, valid keys still apply."""
    from dockerls import config_yaml  # PyYAML: loaded with the first configuration file

    return config_yaml.parse_config(text, path=path, known_code=known_code)


def load_config(
    path: str | os.PathLike[str], *, known_code: Callable[[str], bool] | None = None
) -> tuple[HadolintConfig, list[ConfigProblem]]:
    """Read and parse one configuration file (unreadable files become a problem)."""
    p = str(path)
    try:
        text = Path(p).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return HadolintConfig(path=p), [ConfigProblem(f"cannot read: {exc}", path=p)]
    return parse_config(text, path=p, known_code=known_code)


def find_and_load(
    dockerfile: str | os.PathLike[str],
    workspace_root: str | os.PathLike[str] | None = None,
    *,
    explicit: str | os.PathLike[str] | None = None,
    known_code: Callable[[str], bool] | None = None,
    env: Mapping[str, str] | None = None,
    home: Path | None = None,
) -> tuple[HadolintConfig, list[ConfigProblem]]:
    """``explicit`` (``hadolint.configFile``) or the discovered file; empty config if none."""
    path = (
        Path(explicit)
        if explicit is not None
        else discover(dockerfile, workspace_root, env=env, home=home)
    )
    if path is None:
        return HadolintConfig(), []
    return load_config(path, known_code=known_code)


# --------------------------------------------------------------------------- environment

_TRUTHY = frozenset({"1", "y", "on", "true", "yes"})


def _codes_env(value: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in value.split(",") if c.strip())


def config_from_environment(
    env: Mapping[str, str] | None = None,
    *,
    known_code: Callable[[str], bool] | None = None,
) -> tuple[HadolintConfig, list[ConfigProblem]]:
    """The ``HADOLINT_*`` variables (and ``NO_COLOR``) hadolint's CLI honours.

    HADOLINT_IGNORE, HADOLINT_OVERRIDE_{ERROR,WARNING,INFO,STYLE}, HADOLINT_TRUSTED_REGISTRIES
    (comma-separated); HADOLINT_REQUIRE_LABELS (``name:type,...``); HADOLINT_NOFAIL,
    HADOLINT_VERBOSE, HADOLINT_STRICT_LABELS, HADOLINT_DISABLE_IGNORE_PRAGMA (truthy: 1, y, on,
    true, yes); HADOLINT_FAILURE_THRESHOLD; HADOLINT_FORMAT; NO_COLOR (set = true).
    """
    env = os.environ if env is None else env
    problems: list[ConfigProblem] = []
    fields: dict[str, Any] = {}

    def codes(var: str) -> tuple[str, ...]:
        out = _codes_env(env.get(var, ""))
        for code in out:
            if known_code is not None and not known_code(code):
                problems.append(
                    ConfigProblem(f"unknown rule code {code!r}", severity="warning", path=var)
                )
        return out

    fields["ignored"] = codes("HADOLINT_IGNORE")
    for level in LEVELS:
        fields[f"override_{level}"] = codes(f"HADOLINT_OVERRIDE_{level.upper()}")
    fields["trusted_registries"] = _codes_env(env.get("HADOLINT_TRUSTED_REGISTRIES", ""))
    labels: dict[str, str] = {}
    for item in _codes_env(env.get("HADOLINT_REQUIRE_LABELS", "")):
        name, _, kind = item.partition(":")
        if kind in LABEL_TYPES and name:
            labels[name] = kind
        else:
            problems.append(
                ConfigProblem(f"invalid label schema item {item!r}", path="HADOLINT_REQUIRE_LABELS")
            )
    fields["label_schema"] = MappingProxyType(labels)
    for var, name in (
        ("HADOLINT_NOFAIL", "no_fail"),
        ("HADOLINT_VERBOSE", "verbose"),
        ("HADOLINT_STRICT_LABELS", "strict_labels"),
        ("HADOLINT_DISABLE_IGNORE_PRAGMA", "disable_ignore_pragma"),
    ):
        if var in env:
            fields[name] = env[var].strip().lower() in _TRUTHY
    if "NO_COLOR" in env:
        fields["no_color"] = True
    threshold = env.get("HADOLINT_FAILURE_THRESHOLD")
    if threshold is not None:
        if threshold in THRESHOLDS:
            fields["failure_threshold"] = threshold
        else:
            problems.append(
                ConfigProblem(
                    f"invalid failure threshold {threshold!r}", path="HADOLINT_FAILURE_THRESHOLD"
                )
            )
    fmt = env.get("HADOLINT_FORMAT")
    if fmt is not None:
        if fmt in FORMATS:
            fields["formats"] = (fmt,)
        else:
            problems.append(ConfigProblem(f"invalid output format {fmt!r}", path="HADOLINT_FORMAT"))
    return HadolintConfig(**fields), problems


def combine(base: HadolintConfig, override: HadolintConfig) -> HadolintConfig:
    """Layer two configs like hadolint: code lists concatenate, set scalars win, formats replace."""

    def cat(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a + b))

    def pick(a: Any, b: Any) -> Any:
        return b if b is not None else a

    return HadolintConfig(
        path=pick(base.path, override.path),
        ignored=cat(base.ignored, override.ignored),
        override_error=cat(base.override_error, override.override_error),
        override_warning=cat(base.override_warning, override.override_warning),
        override_info=cat(base.override_info, override.override_info),
        override_style=cat(base.override_style, override.override_style),
        trusted_registries=cat(base.trusted_registries, override.trusted_registries),
        label_schema=MappingProxyType({**base.label_schema, **override.label_schema}),
        strict_labels=pick(base.strict_labels, override.strict_labels),
        failure_threshold=pick(base.failure_threshold, override.failure_threshold),
        disable_ignore_pragma=pick(base.disable_ignore_pragma, override.disable_ignore_pragma),
        no_fail=pick(base.no_fail, override.no_fail),
        no_color=pick(base.no_color, override.no_color),
        formats=override.formats or base.formats,
        verbose=pick(base.verbose, override.verbose),
    )


def to_settings_overrides(cfg: HadolintConfig) -> dict[str, Any]:
    """The part of the dockerls settings tree a hadolint config sets (only keys it sets).

    ``override`` lists become ``rules.severity``; a code in several lists takes the most severe
    level. CLI-only keys (failure-threshold, no-fail, no-color, format(s), verbose) are not
    settings and are read from the :class:`HadolintConfig` by the CLI directly.
    """
    rules: dict[str, Any] = {}
    if cfg.ignored:
        rules["ignore"] = list(cfg.ignored)
    severity: dict[str, str] = {}
    for level in reversed(LEVELS):  # style first, error last: the most severe wins
        for code in getattr(cfg, f"override_{level}"):
            severity[code] = level
    if severity:
        rules["severity"] = severity
    if cfg.trusted_registries:
        rules["trustedRegistries"] = list(cfg.trusted_registries)
    if cfg.label_schema:
        rules["labelSchema"] = dict(cfg.label_schema)
    if cfg.strict_labels is not None:
        rules["strictLabels"] = cfg.strict_labels
    if cfg.disable_ignore_pragma is not None:
        rules["disableIgnorePragma"] = cfg.disable_ignore_pragma
    return {"rules": rules} if rules else {}
