"""Reading a ``.hadolint.yaml`` (see :mod:`dockerls.config`): its YAML nodes, so that every
problem carries a line and column.  Kept apart so that PyYAML loads with the first
configuration file, not with the server.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import MappingProxyType
from typing import Any, Literal

import yaml

from dockerls.config import FORMATS, LABEL_TYPES, LEVELS, THRESHOLDS, ConfigProblem, HadolintConfig


class _Reader:
    def __init__(self, path: str | None, known_code: Callable[[str], bool] | None) -> None:
        self.path = path
        self.known_code = known_code
        self.problems: list[ConfigProblem] = []
        self._constructor = yaml.SafeLoader("")

    def problem(self, node: yaml.Node | None, message: str, severity: str = "error") -> None:
        line = node.start_mark.line if node is not None else None
        col = node.start_mark.column if node is not None else None
        sev: Literal["error", "warning"] = "warning" if severity == "warning" else "error"
        self.problems.append(ConfigProblem(message, line, col, sev, self.path))

    def value(self, node: yaml.Node) -> Any:
        return self._constructor.construct_object(node, deep=True)

    def boolean(self, key: str, node: yaml.Node) -> bool | None:
        v = self.value(node)
        if isinstance(v, bool):
            return v
        self.problem(node, f"'{key}' must be true or false, not {v!r}")
        return None

    def choice(self, key: str, node: yaml.Node, choices: Sequence[str]) -> str | None:
        v = self.value(node)
        if isinstance(v, str) and v in choices:
            return v
        self.problem(node, f"'{key}' must be one of {', '.join(choices)}; got {v!r}")
        return None

    def strings(
        self, key: str, node: yaml.Node, *, allow_scalar: bool = False
    ) -> list[tuple[str, yaml.Node]]:
        if allow_scalar and isinstance(node, yaml.ScalarNode):
            v = self.value(node)
            if isinstance(v, str):
                return [(v, node)]
        if not isinstance(node, yaml.SequenceNode):
            if isinstance(node, yaml.ScalarNode) and self.value(node) is None:
                return []
            self.problem(node, f"'{key}' must be a list of strings")
            return []
        out: list[tuple[str, yaml.Node]] = []
        for item in node.value:
            v = self.value(item) if isinstance(item, yaml.ScalarNode) else None
            if isinstance(v, str):
                out.append((v, item))
            else:
                shown = v if v is not None else "a non-string item"
                self.problem(item, f"'{key}' items must be strings, not {shown!r}")
        return out

    def codes(self, key: str, node: yaml.Node) -> tuple[str, ...]:
        out: list[str] = []
        for code, item in self.strings(key, node):
            if self.known_code is not None and not self.known_code(code):
                self.problem(item, f"unknown rule code {code!r} in '{key}'", "warning")
            out.append(code)
        return tuple(out)


def parse_config(
    text: str,
    *,
    path: str | None = None,
    known_code: Callable[[str], bool] | None = None,
) -> tuple[HadolintConfig, list[ConfigProblem]]:
    """Parse the text of a ``.hadolint.yaml``; every problem is reported, valid keys still apply."""
    r = _Reader(path, known_code)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or str(exc)
        r.problems.append(
            ConfigProblem(
                f"YAML syntax error: {reason}",
                mark.line if mark is not None else None,
                mark.column if mark is not None else None,
                "error",
                path,
            )
        )
        return HadolintConfig(path=path), r.problems
    if root is None or (isinstance(root, yaml.ScalarNode) and r.value(root) is None):
        return HadolintConfig(path=path), r.problems
    if not isinstance(root, yaml.MappingNode):
        r.problem(root, "the configuration must be a mapping of keys to values")
        return HadolintConfig(path=path), r.problems

    fields: dict[str, Any] = {"path": path}
    formats: list[str] = []
    for key_node, val in root.value:
        key = r.value(key_node)
        if key == "ignored":
            fields["ignored"] = r.codes("ignored", val)
        elif key == "override":
            if not isinstance(val, yaml.MappingNode):
                if not (isinstance(val, yaml.ScalarNode) and r.value(val) is None):
                    r.problem(val, "'override' must map error/warning/info/style to lists of codes")
                continue
            for lk, lv in val.value:
                level = r.value(lk)
                if level in LEVELS:
                    fields[f"override_{level}"] = r.codes(f"override.{level}", lv)
                else:
                    r.problem(
                        lk,
                        f"unknown key 'override.{level}' (expected error, warning, info or style)",
                    )
        elif key in ("trustedRegistries", "trusted-registries"):
            fields["trusted_registries"] = tuple(
                v for v, _ in r.strings(str(key), val, allow_scalar=True)
            )
        elif key == "label-schema":
            if not isinstance(val, yaml.MappingNode):
                r.problem(val, "'label-schema' must map label names to types")
                continue
            schema: dict[str, str] = {}
            for lk, lv in val.value:
                name = r.value(lk)
                kind = r.value(lv)
                if not isinstance(name, str) or kind not in LABEL_TYPES:
                    r.problem(
                        lv,
                        f"label type of {name!r} must be one of {', '.join(LABEL_TYPES)}; got {kind!r}",
                    )
                    continue
                schema[name] = kind
            fields["label_schema"] = MappingProxyType(schema)
        elif key in ("strict-labels", "disable-ignore-pragma", "no-fail", "no-color", "verbose"):
            fields[str(key).replace("-", "_")] = r.boolean(str(key), val)
        elif key == "failure-threshold":
            fields["failure_threshold"] = r.choice("failure-threshold", val, THRESHOLDS)
        elif key in ("format", "output-format"):
            fmt = r.choice(str(key), val, FORMATS)
            if fmt is not None:
                formats.append(fmt)
        elif key == "formats":
            for fmt, item in r.strings("formats", val, allow_scalar=True):
                if fmt in FORMATS:
                    formats.append(fmt)
                else:
                    r.problem(
                        item, f"'formats' items must be one of {', '.join(FORMATS)}; got {fmt!r}"
                    )
        else:
            r.problem(key_node, f"unknown key {key!r}", "warning")
    fields["formats"] = tuple(dict.fromkeys(formats))
    return HadolintConfig(**fields), r.problems
