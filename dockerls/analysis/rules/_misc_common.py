"""Small helpers shared by the miscellaneous hadolint-style rules."""

from __future__ import annotations

import re
from collections.abc import Sequence

from dockerls.syntax.nodes import Flag, Instruction, Span, Word
from dockerls.syntax.parser import unquote
from dockerls.syntax.shell import shell_dialect

_DRIVE = re.compile(r"^[A-Za-z]:")


def get_flag(inst: Instruction, name: str) -> Flag | None:
    """The last ``--name`` flag of ``inst`` (BuildKit keeps the last one)."""
    found: Flag | None = None
    for f in inst.flags:
        if f.name == name:
            found = f
    return found


def strip_quotes(value: str) -> str:
    """Drop one pair of surrounding quotes, if any."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in ("'", '"'):
        return value[1:-1]
    return value


def operands(inst: Instruction) -> list[tuple[str, Span]]:
    """The (value, span) of each ADD/COPY operand, sources first and the
    destination last, in shell or exec form.  Exec-form values are decoded
    while their spans include the quotes; shell-form values keep their
    quotes as written."""
    if inst.json:
        return [(w.value, w.span) for w in inst.json_items]
    return [(w.value, w.span) for w in inst.words]


def operand_value(inst: Instruction, raw: str, escape: str) -> str:
    """An ADD/COPY operand as BuildKit reads it before expanding variables:
    quotes and escapes removed in shell form (exec-form values are decoded
    already)."""
    return raw if inst.json else unquote(raw, escape)


def windows_path(path: str, shell: Sequence[str]) -> bool:
    """Whether ``path`` is a Windows path: it starts with a drive letter, or
    the instruction runs under a Windows shell (cmd, PowerShell), where
    BuildKit reads both ``/`` and ``\\`` as separators."""
    return bool(_DRIVE.match(path)) or shell_dialect(shell) in ("cmd", "powershell")


def names_directory(path: str, windows: bool) -> bool:
    """Whether a destination ends in a path separator, the builder's sign
    of a directory (``\\`` counts only for a Windows path)."""
    return path.endswith("/") or (windows and path.endswith("\\"))


def word_at(inst: Instruction, value_index: int) -> Word | None:
    words = inst.words
    return words[value_index] if 0 <= value_index < len(words) else None


def trailing_blank_end(text: str, pos: int) -> int:
    """Offset after the spaces and tabs that follow ``pos`` on the same line."""
    n = len(text)
    while pos < n and text[pos] in " \t":
        pos += 1
    return pos
