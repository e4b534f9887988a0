"""Small helpers shared by the miscellaneous hadolint-style rules."""

from __future__ import annotations

from dockerls.syntax.nodes import Flag, Instruction, Span, Word


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


def word_at(inst: Instruction, value_index: int) -> Word | None:
    words = inst.words
    return words[value_index] if 0 <= value_index < len(words) else None


def trailing_blank_end(text: str, pos: int) -> int:
    """Offset after the spaces and tabs that follow ``pos`` on the same line."""
    n = len(text)
    while pos < n and text[pos] in " \t":
        pos += 1
    return pos
