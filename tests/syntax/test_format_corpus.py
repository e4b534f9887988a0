"""Formatting the real-world corpus: idempotent, and BuildKit reads the
formatted file the same way (up to whitespace runs inside arguments, and
keyword case)."""

from __future__ import annotations

import re
from pathlib import Path

import dockerfile
import pytest

from dockerls.features.formatting import FormatOptions, format_text
from tests.support import corpus_files

# (options, every n-th file): the second set runs on a sixth of the corpus to keep the test fast
OPTION_SETS = {
    "spaces2-nested": (
        FormatOptions(unit="  ", uppercase=True, keep_nested=True, normalize_json=True),
        1,
    ),
    "tab-flat": (
        FormatOptions(unit="\t", uppercase=True, keep_nested=False, normalize_json=False),
        6,
    ),
}
_WS = re.compile(r"\s+")


def _shape(text: str) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    for c in dockerfile.parse_string(text):
        values = c.value
        if c.cmd.upper() == "FROM" and len(values) >= 3 and values[1].lower() == "as":
            values = (values[0], "AS", *values[2:])
        out.append(
            (
                c.cmd.upper(),
                c.sub_cmd.upper() if c.sub_cmd else None,
                c.json,
                tuple(_WS.sub(" ", f).strip() for f in c.flags),
                tuple(_WS.sub(" ", v).strip() for v in values),
                tuple((h.name, h.content) for h in c.heredocs),
                c.start_line,
                c.end_line,
            )
        )
    return out


_ORIGINAL: dict[Path, list[tuple[object, ...]] | None] = {}


def _read(path: Path) -> str | None:
    try:
        return path.read_text("utf-8")
    except (UnicodeDecodeError, OSError):
        return None


def _original_shape(path: Path, text: str) -> list[tuple[object, ...]] | None:
    """BuildKit's reading of the original file (None when it rejects it), once per run."""
    if path not in _ORIGINAL:
        try:
            _ORIGINAL[path] = _shape(text)
        except Exception:
            _ORIGINAL[path] = None
    return _ORIGINAL[path]


@pytest.mark.parametrize("name", list(OPTION_SETS))
def test_corpus_formatting(name: str) -> None:
    opts, every = OPTION_SETS[name]
    checked = rejected = changed = 0
    failures: list[str] = []
    files = corpus_files()[::every]
    for path in files:
        text = _read(path)
        if text is None:
            continue
        formatted = format_text(text, opts)
        if format_text(formatted, opts) != formatted:
            failures.append(f"not idempotent: {path}")
            continue
        before = _original_shape(path, text)
        if before is None:
            rejected += 1
            continue
        if formatted == text:
            checked += 1
            continue
        try:
            after = _shape(formatted)
        except Exception as exc:
            failures.append(f"BuildKit rejects the formatted file: {path}: {exc}")
            continue
        if before != after:
            diff = (
                next((a, b) for a, b in zip(before, after, strict=True) if a != b)
                if len(before) == len(after)
                else "count"
            )
            failures.append(f"meaning changed: {path}: {diff}")
            continue
        checked += 1
        changed += formatted != text
    assert not failures, "\n".join(failures[:20])
    assert checked + rejected >= len(files) - 5  # only undecodable files are left out
    assert checked > len(files) * 0.9, (
        f"only {checked} files checked ({rejected} rejected by BuildKit)"
    )
    assert changed > 0  # formatting did something on the corpus
    print(
        f"{name}: {checked} files checked, {changed} changed, {rejected} skipped (BuildKit rejects them)"
    )
