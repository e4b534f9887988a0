"""Compose's variable interpolation: ``${VAR}``, ``${VAR:-default}``, ``${VAR-default}``,
``${VAR:?error}``, ``${VAR?error}``, ``${VAR:+alt}``, ``${VAR+alt}``, ``$VAR`` and ``$$``;
and ``.env`` files (``KEY=VALUE``, ``export``, quotes, comments)."""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["InterpolationError", "interpolate", "parse_env_file"]

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_TOKEN = re.compile(
    rf"\$(?:(\$)|({_NAME})|\{{({_NAME})(?:(:?[-?+])((?:[^{{}}]|\{{[^{{}}]*\}})*))?\}})"
)


class InterpolationError(ValueError):
    """``${VAR?message}`` with VAR unset, or a malformed ``${``."""


def interpolate(text: str, env: Mapping[str, str]) -> str:
    def sub(match: re.Match[str]) -> str:
        if match.group(1):
            return "$"
        name = match.group(2) or match.group(3)
        op, arg = match.group(4), match.group(5) or ""
        value = env.get(name)
        if op is None:
            return value or ""
        empty_counts = op.startswith(":")
        unset = value is None or (empty_counts and value == "")
        kind = op[-1]
        if kind == "-":
            return interpolate(arg, env) if unset else str(value)
        if kind == "?":
            if unset:
                raise InterpolationError(arg or f"{name} is required")
            return str(value)
        return "" if unset else interpolate(arg, env)  # "+"

    if "${" in text and _TOKEN.sub("", text).count("${"):
        raise InterpolationError(f"unterminated or invalid ${{ in {text!r}")
    return _TOKEN.sub(sub, text)


def parse_env_file(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not re.fullmatch(_NAME, key):
            continue
        value = value.strip()
        quote = value[:1]
        if quote in ("'", '"') and quote in value[1:]:
            value = value[1 : value.index(quote, 1)]
            out[key] = value if quote == "'" else interpolate(value, out)
            continue
        value = re.sub(r"\s+#.*$", "", value)
        out[key] = interpolate(value, out)
    return out
