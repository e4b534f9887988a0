"""Settings: validation against ``schemas/settings.schema.json`` and immutable records.

The records are named tuples: a frozen dataclass compiles its methods at import, about
10 ms for these twenty, on the way to the first publish.

The same tree arrives as LSP ``initializationOptions``, as the ``dockerls`` section of
``workspace/configuration`` (VS Code settings ``dockerls.*``), and from a ``.hadolint.yaml``
(mapped by :func:`dockerls.config.to_settings_overrides`).

Layer order, lowest first (see :func:`load_layers`)::

    schema defaults < .hadolint.yaml < initializationOptions < workspace/configuration

Each layer is validated on its own. A bad value is reported with its JSON path and dropped, so
the value of the layer below (finally the schema default) applies to that one field while every
other field of the layer still applies. Unknown keys are reported and ignored. Layers merge key
by key for objects; any other value (lists included) replaces the value below it.
"""

from __future__ import annotations

import copy
import functools
import json
import re
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

if TYPE_CHECKING:
    import jsonschema

    from dockerls.analysis.engine import LintConfig
    from dockerls.registry import settings as registry_settings

Severity = Literal["error", "warning", "info", "hint", "style", "off"]
LabelType = Literal["text", "url", "semver", "hash", "rfc3339", "spdx", "email"]

SECTION = "dockerls"
"""The ``workspace/configuration`` section name and the optional wrapper key."""


_EMPTY_MAP: Mapping[str, Any] = types.MappingProxyType({})


class RuleGroups(NamedTuple):
    """``rules.groups``: which rule groups run."""

    hadolint: bool = True
    buildkit: bool = True
    syntax: bool = True
    best_practice: bool = True
    shellcheck: bool = True
    registry: bool = True


class RulesSettings(NamedTuple):
    """``rules``: what is reported, how loudly, and what some rules accept."""

    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = _EMPTY_MAP
    groups: RuleGroups = RuleGroups()
    trusted_registries: tuple[str, ...] = ()
    label_schema: Mapping[str, LabelType] = _EMPTY_MAP
    strict_labels: bool = False
    disable_ignore_pragma: bool = False
    duplicate_preference: Literal["hadolint", "buildkit"] = "hadolint"
    check_directive: bool = True


class HadolintSettings(NamedTuple):
    """``hadolint``: whether and where a ``.hadolint.yaml`` is read."""

    config_file: str | None = None
    use_config: bool = True


class ShellcheckSettings(NamedTuple):
    """``shellcheck``: the ShellCheck binary, its arguments and its time limit."""

    enabled: bool | Literal["auto"] = "auto"
    path: str | None = None
    extra_args: tuple[str, ...] = ()
    timeout_ms: int = 30000


class ContextSettings(NamedTuple):
    """``context``: the build context the copy rules judge."""

    path: str | None = None


class BuildScanSettings(NamedTuple):
    """``build.scan``: the bounds of the workspace's Compose/Bake scan."""

    enabled: bool = True
    max_depth: int = 4
    max_files: int = 20000
    time_limit_ms: int = 2000


class BuildSettings(NamedTuple):
    """``build``: the build given directly (args, target, platform, context, named contexts)
    and the scan."""

    args: Mapping[str, str] = _EMPTY_MAP
    target: str | None = None
    platform: str | None = None
    context: str | None = None
    contexts: Mapping[str, str] = _EMPTY_MAP  # named build contexts
    compose_files: tuple[str, ...] = ()
    scan: BuildScanSettings = BuildScanSettings()


class RegistryDiagnostics(NamedTuple):
    """``registry.diagnostics``: the registry checks that report."""

    unknown_tag: bool = False
    outdated_digest: bool = False


class RegistrySettings(NamedTuple):
    """``registry``: lookups, their time limit, cache and credentials."""

    enabled: bool = True
    timeout_ms: int = 3000
    insecure_registries: tuple[str, ...] = ()
    cache_ttl_seconds: int = 300
    docker_config: str | None = None
    diagnostics: RegistryDiagnostics = RegistryDiagnostics()


class LifecycleSettings(NamedTuple):
    """``images.lifecycle``: the warning window and the release data's source."""

    warn_days: int = 90
    data_url: str = "https://endoflife.date/api/v1"


class VulnerabilitySettings(NamedTuple):
    """``images.vulnerabilities``: the scans and what they report."""

    enabled: bool = True
    min_severity: Literal["low", "medium", "high", "critical"] = "high"
    osv_url: str = "https://api.osv.dev"
    timeout_ms: int = 10000


class ImagesSettings(NamedTuple):
    """``images``: base-image lifecycle, vulnerabilities and target platform."""

    lifecycle: LifecycleSettings = LifecycleSettings()
    vulnerabilities: VulnerabilitySettings = VulnerabilitySettings()
    platform: str | None = None


class FormatSettings(NamedTuple):
    """``format``: the formatter."""

    enabled: bool = True
    uppercase_keywords: bool = True
    keep_nested_indentation: bool = True
    continuation_indent: int | Literal["tab"] | None = None
    normalize_json: bool = False


class CompletionSettings(NamedTuple):
    """``completion``."""

    snippets: bool = True


class HoverSettings(NamedTuple):
    """``hover``."""

    enabled: bool = True


class InlayHintSettings(NamedTuple):
    """``inlayHints``."""

    enabled: bool = True
    variable_values: bool = True


class SemanticTokenSettings(NamedTuple):
    """``semanticTokens``."""

    enabled: bool = True


class TraceSettings(NamedTuple):
    """``trace``."""

    server: Literal["off", "messages", "verbose"] = "off"


class Settings(NamedTuple):
    """The whole settings tree, every default filled in. Compare with ``==``."""

    rules: RulesSettings = RulesSettings()
    hadolint: HadolintSettings = HadolintSettings()
    shellcheck: ShellcheckSettings = ShellcheckSettings()
    context: ContextSettings = ContextSettings()
    build: BuildSettings = BuildSettings()
    registry: RegistrySettings = RegistrySettings()
    images: ImagesSettings = ImagesSettings()
    format: FormatSettings = FormatSettings()
    completion: CompletionSettings = CompletionSettings()
    hover: HoverSettings = HoverSettings()
    inlay_hints: InlayHintSettings = InlayHintSettings()
    semantic_tokens: SemanticTokenSettings = SemanticTokenSettings()
    trace: TraceSettings = TraceSettings()
    log_level: Literal["error", "warning", "info", "debug"] = "info"


class SettingError(NamedTuple):
    """One problem in a settings layer.

    ``path`` is the JSON path (``rules.severity.DL3006``, ``rules.ignore[2]``, ``""`` for the
    root); ``kind`` is ``"invalid"`` (value dropped, lower layer/default used), ``"unknown"``
    (key ignored) or ``"unknown-code"`` (value kept, code not known to the rule registry).
    ``source`` names the layer when :func:`load_layers` was used.
    """

    path: str
    message: str
    kind: Literal["invalid", "unknown", "unknown-code"] = "invalid"
    source: str = ""

    def __str__(self) -> str:
        where = f"{self.source}: " if self.source else ""
        return f"{where}{self.path or '<root>'}: {self.message}"


# --------------------------------------------------------------------------- schema


@functools.cache
def schema() -> Mapping[str, Any]:
    """The packaged JSON schema (identical to ``schemas/settings.schema.json``)."""
    text = resources.files("dockerls").joinpath("schemas/settings.schema.json").read_text("utf-8")
    result: dict[str, Any] = json.loads(text)
    return result


@functools.cache
def _validator() -> jsonschema.Draft7Validator:
    """The schema's validator, built on first use: jsonschema is a large import
    the server leaves until settings arrive (after its initialize reply)."""
    import jsonschema

    return jsonschema.Draft7Validator(schema())


# --------------------------------------------------------------------------- raw trees

PathT = tuple[str | int, ...]


def format_path(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def _unwrap(raw: object) -> tuple[object, list[SettingError]]:
    """Accept the tree at the top level, under a ``dockerls`` key, or with dotted keys."""
    if not isinstance(raw, Mapping):
        return raw, []
    errors: list[SettingError] = []
    tree: dict[str, Any] = {}
    nested: object = None
    for key, value in raw.items():
        if key == SECTION:
            nested = value
            continue
        if isinstance(key, str) and key.startswith(SECTION + "."):
            key = key[len(SECTION) + 1 :]
        if isinstance(key, str) and "." in key:
            # "rules.ignore": [...] as written in VS Code's settings.json
            parts = key.split(".")
            sub: dict[str, Any] = {parts[-1]: value}
            for part in reversed(parts[:-1]):
                sub = {part: sub}
            tree = merge(tree, sub)
        else:
            tree = merge(tree, {key: value})
    if nested is not None:
        if isinstance(nested, Mapping):
            inner, errs = _unwrap(nested)
            errors.extend(errs)
            tree = merge(tree, inner)
        else:
            errors.append(SettingError(SECTION, f"{nested!r} is not of type 'object'", "invalid"))
    return tree, errors


def merge(base_raw: object, override_raw: object) -> dict[str, Any]:
    """Deep-merge two raw settings trees: objects merge key by key, anything else replaces.

    Non-object inputs count as empty. Neither input is modified.
    """
    base = dict(base_raw) if isinstance(base_raw, Mapping) else {}
    if not isinstance(override_raw, Mapping):
        return copy.deepcopy(base)
    out = copy.deepcopy(base)
    for key, value in override_raw.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _get(tree: Any, path: PathT) -> Any:
    for part in path:
        tree = tree[part]
    return tree


def _delete(tree: dict[str, Any], path: PathT, deleted: list[PathT]) -> None:
    if not path:
        tree.clear()
        return
    try:
        parent = _get(tree, path[:-1])
        del parent[path[-1]]
    except (KeyError, IndexError, TypeError):
        return
    deleted.append(path)


def _known_keys(subschema: Mapping[str, Any]) -> tuple[set[str], list[re.Pattern[str]]]:
    props = set(subschema.get("properties", {}))
    patterns = [re.compile(p) for p in subschema.get("patternProperties", {})]
    return props, patterns


@functools.cache
def _default_tree() -> dict[str, Any]:
    return to_raw(DEFAULTS)


def _within(value: object, default: object) -> bool:
    """Whether ``value`` spells (part of) ``default``: the same keys, types and values."""
    if isinstance(default, dict):
        return isinstance(value, dict) and all(
            k in default and _within(v, default[k]) for k, v in value.items()
        )
    if isinstance(default, list):
        return (
            isinstance(value, list)
            and len(value) == len(default)
            and all(map(_within, value, default))
        )
    return type(value) is type(default) and value == default


def clean(raw: object) -> tuple[dict[str, Any], list[SettingError]]:
    """Validate one layer; return it with every bad value and unknown key removed."""
    unwrapped, errors = _unwrap(raw)
    if unwrapped is None:
        return {}, errors
    if not isinstance(unwrapped, Mapping):
        errors.append(SettingError("", f"{unwrapped!r} is not of type 'object'", "invalid"))
        return {}, errors
    tree: dict[str, Any] = copy.deepcopy(dict(unwrapped))
    if not tree or _within(tree, _default_tree()):
        # nothing to check: no value, or only default values (valid by construction), so
        # jsonschema, a large import, isn't loaded before the first publish
        return tree, errors
    validator = _validator()
    for _ in range(32):  # every round removes at least one value; bounded for safety
        found = sorted(validator.iter_errors(tree), key=lambda e: len(e.absolute_path))
        if not found:
            break
        removals: list[tuple[PathT, SettingError]] = []
        for err in found:
            path: PathT = tuple(err.absolute_path)
            if err.validator == "additionalProperties" and isinstance(err.instance, Mapping):
                props, patterns = _known_keys(err.schema)
                for key in err.instance:
                    if key in props or any(p.search(key) for p in patterns):
                        continue
                    kpath = (*path, key)
                    removals.append(
                        (kpath, SettingError(format_path(kpath), "unknown setting", "unknown"))
                    )
            elif "propertyNames" in err.absolute_schema_path and isinstance(err.instance, str):
                kpath = (*path, err.instance)
                removals.append(
                    (kpath, SettingError(format_path(kpath), f"invalid key: {err.message}"))
                )
            else:
                removals.append((path, SettingError(format_path(path), _message(err))))
        deleted: list[PathT] = []
        reported: list[PathT] = []
        for path, error in removals:
            # an error inside something already reported this round is noise
            if any(path[: len(r)] == r for r in reported):
                continue
            reported.append(path)
            errors.append(error)
        if () in reported:
            tree.clear()
            break
        # delete from the end so list indexes stay valid
        for path in sorted(reported, reverse=True):
            _delete(tree, path, deleted)
        if not deleted:
            break
    return tree, errors


def _message(err: jsonschema.ValidationError) -> str:
    if err.validator == "oneOf" and isinstance(err.schema, Mapping):
        options: list[str] = []
        for sub in err.schema.get("oneOf", []):
            if "enum" in sub:
                options.extend(repr(v) for v in sub["enum"])
            elif "type" in sub:
                options.append(str(sub["type"]))
        return f"{err.instance!r} is not valid; expected one of: {', '.join(options)}"
    if err.validator == "pattern":
        return f"{err.instance!r} is not a valid rule code"
    return str(err.message)


# --------------------------------------------------------------------------- structuring


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _is_section(hint: object) -> bool:
    """Whether ``hint`` is one of the settings records (a named tuple)."""
    return isinstance(hint, type) and issubclass(hint, tuple) and hasattr(hint, "_fields")


def _build(cls: type[Any], raw: Mapping[str, Any]) -> Any:
    kwargs: dict[str, Any] = {}
    hints = _hints(cls)
    for name in cls._fields:
        key = _camel(name)
        if key not in raw:
            continue
        value = raw[key]
        hint = hints[name]
        if _is_section(hint):
            kwargs[name] = _build(hint, value if isinstance(value, Mapping) else {})
        elif isinstance(value, list):
            kwargs[name] = tuple(value)
        elif isinstance(value, Mapping):
            kwargs[name] = types.MappingProxyType(dict(value))
        else:
            kwargs[name] = value
    return cls(**kwargs)


def _code_fields(tree: Mapping[str, Any]) -> Iterable[tuple[PathT, str]]:
    rules = tree.get("rules")
    if not isinstance(rules, Mapping):
        return
    for i, code in enumerate(rules.get("ignore", ()) or ()):
        yield ("rules", "ignore", i), code
    for code in rules.get("severity", {}) or {}:
        yield ("rules", "severity", code), code


def load(
    raw: object, *, known_code: Callable[[str], bool] | None = None
) -> tuple[Settings, list[SettingError]]:
    """Validate one raw tree and structure it; bad fields fall back to their defaults.

    With ``known_code``, codes in ``rules.ignore`` and ``rules.severity`` that the rule
    registry does not know are reported as ``unknown-code`` (and kept).
    """
    tree, errors = clean(raw)
    if known_code is not None:
        errors.extend(
            SettingError(format_path(path), f"unknown rule code {code!r}", "unknown-code")
            for path, code in _code_fields(tree)
            if not known_code(code)
        )
    return _build(Settings, tree), errors


def load_layers(
    layers: Sequence[tuple[str, object]], *, known_code: Callable[[str], bool] | None = None
) -> tuple[Settings, list[SettingError]]:
    """Clean each ``(source_name, raw)`` layer, merge them lowest first, and structure.

    Typical call::

        load_layers([("hadolint", to_settings_overrides(cfg)),
                     ("initializationOptions", init), ("workspace/configuration", conf)])
    """
    merged: dict[str, Any] = {}
    errors: list[SettingError] = []
    for source, raw in layers:
        tree, errs = clean(raw)
        errors.extend(e._replace(source=source) for e in errs)
        merged = merge(merged, tree)
    if known_code is not None:
        errors.extend(
            SettingError(format_path(path), f"unknown rule code {code!r}", "unknown-code")
            for path, code in _code_fields(merged)
            if not known_code(code)
        )
    return _build(Settings, merged), errors


def to_raw(settings: Settings) -> dict[str, Any]:
    """The camelCase JSON tree of a :class:`Settings` (inverse of :func:`load`)."""
    raw: dict[str, Any] = _to_raw(settings)
    return raw


def _to_raw(obj: Any) -> Any:
    if _is_section(type(obj)):
        return {_camel(name): _to_raw(value) for name, value in obj._asdict().items()}
    if isinstance(obj, tuple):
        return [_to_raw(v) for v in obj]
    if isinstance(obj, Mapping):
        return {k: _to_raw(v) for k, v in obj.items()}
    return obj


DEFAULTS = Settings()


def unusable(s: Settings) -> list[str]:
    """Settings the schema accepts that can't work: a ``hadolint.configFile``
    or ``context.path`` that isn't there (ShellCheck's settings:
    :func:`dockerls.shellcheck.setting_problems`)."""
    from dockerls import probe

    out: list[str] = []
    if s.hadolint.config_file and not probe.is_file(s.hadolint.config_file):
        out.append(f"hadolint.configFile: {s.hadolint.config_file} is not a file")
    if s.context.path and not probe.is_dir(s.context.path):
        out.append(f"context.path: {s.context.path} is not a folder")
    return out


def to_registry_settings(
    rs: RegistrySettings, cache_dir: Path | None = None, *, enabled: bool = True
) -> registry_settings.RegistrySettings:
    """The ``registry`` settings as the registry client takes them (every user of the
    network: registry lookups, base-image lookups); ``enabled=False`` forces lookups off."""
    from dockerls.registry import settings as registry_settings

    return registry_settings.RegistrySettings(
        enabled=rs.enabled and enabled,
        timeout_ms=rs.timeout_ms,
        insecure_registries=tuple(rs.insecure_registries),
        cache_ttl_seconds=float(rs.cache_ttl_seconds),
        use_disk_cache=rs.cache_ttl_seconds > 0,
        docker_config=Path(rs.docker_config) if rs.docker_config else None,
        cache_dir=cache_dir,
    )


def to_lint_config(s: Settings) -> LintConfig:
    """The settings mapped onto what the lint engine needs (server and CLI alike)."""
    from dockerls.analysis.engine import LintConfig
    from dockerls.analysis.options import RuleOptions
    from dockerls.analysis.rules.base import Severity as RuleSeverity

    r = s.rules
    groups = r.groups
    disabled = {
        name
        for name, on in (
            ("hadolint", groups.hadolint),
            ("buildkit", groups.buildkit),
            ("syntax", groups.syntax),
            ("best-practice", groups.best_practice),
            ("shellcheck", groups.shellcheck),
            ("registry", groups.registry),
        )
        if not on
    }
    severity = {}
    for code, level in r.severity.items():
        try:
            severity[code] = RuleSeverity.parse(level)
        except KeyError:
            continue
    options = RuleOptions(
        trusted_registries=tuple(r.trusted_registries),
        label_schema={k: str(v).lower() for k, v in r.label_schema.items()},
        strict_labels=bool(r.strict_labels),
        lifecycle_warn_days=s.images.lifecycle.warn_days,
        vulnerabilities_min_severity=s.images.vulnerabilities.min_severity,
    )
    return LintConfig(
        ignore=frozenset(r.ignore),
        severity=severity,
        disabled_groups=frozenset(disabled),
        disable_ignore_pragma=r.disable_ignore_pragma,
        duplicate_preference=r.duplicate_preference,
        check_directive=r.check_directive,
        options=options,
    )
