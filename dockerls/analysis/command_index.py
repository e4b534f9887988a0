"""The words a RUN's scripts could call, read lexically (no shell parse).

The engine's dispatch index: a rule that declares ``Rule.commands`` runs
only on RUNs whose words include one of them, so most rules skip most RUNs
without the shell view (tree-sitter) ever being built for them.  The words
are a superset of the command names the shell view finds
(:attr:`~dockerls.syntax.shell.Command.name`: unquoted, lower-cased, reduced
to a basename, ``.exe`` dropped), and ``|`` when the text has a pipe
character (rules about pipelines declare it): quotes and backslashes are read both as
removed and as separators, names are cut at every character a command name
of interest can't hold, and versioned names (``pip3.12``, ``python3``) also
give their bare name.  Where that reading could miss a name (JSON ``\\u``
escapes, ``$'...'`` strings) there is no index: every rule runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from dockerls.syntax.identity_cache import per_node
from dockerls.syntax.nodes import Instruction

_WORD = re.compile(r"[\w.+-]+")
_WORD_OR_ESCAPE = re.compile(r"[\w.+\\-]+")
_DIGITS = "0123456789."


def _separators(keep: str) -> bytes:
    """A ``bytes.translate`` table turning every ASCII character but the ``keep``
    ones into a space."""
    return bytes(b if chr(b) in keep else 0x20 for b in range(256))


# what ``_WORD``/``_WORD_OR_ESCAPE`` match in ASCII text (``\w``: letters, digits, ``_``)
_ASCII_WORD = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.+-"
_NOT_WORD = _separators(_ASCII_WORD)
_NOT_WORD_OR_ESCAPE = _separators(_ASCII_WORD + "\\")


def _find_words(text: str, pattern: re.Pattern[str], separators: bytes) -> list[str]:
    """``pattern.findall(text)``; ASCII text (the usual) is cut at the
    characters ``separators`` turns into spaces, in C."""
    if text.isascii():
        return text.encode("ascii").translate(separators).decode("ascii").split()
    return pattern.findall(text)


def command_words(inst: Instruction) -> frozenset[str] | None:
    """The words of a RUN (``inst.sub`` for ONBUILD RUN): its command line
    and heredoc bodies, lower-cased; None when they can't be read lexically."""
    text = inst.args
    if inst.heredocs:
        text = "\n".join((text, *(h.content for h in inst.heredocs)))
    if "\\u" in text or "$'" in text:
        return None
    text = text.lower().replace("'", "").replace('"', "")
    if "\\" in text:
        # `ap\t-get` is `apt-get` to the shell, `'C:\bin\apt-get'` names `apt-get`:
        # a backslash is read both as a separator and as removed
        text = text.replace("\\\n", "")
        words = set(_find_words(text.replace("\\", " "), _WORD, _NOT_WORD))
        for w in _find_words(text, _WORD_OR_ESCAPE, _NOT_WORD_OR_ESCAPE):
            if "\\" in w and w.strip("\\"):
                words.add(w.replace("\\", ""))
    else:
        words = set(_find_words(text, _WORD, _NOT_WORD))
    if "|" in text:
        words.add("|")
    extra: list[str] = []
    for w in words:
        if w[-1] in _DIGITS:
            extra.append(w.rstrip(_DIGITS))
        if "." in w:
            if w.endswith(".exe"):
                extra.append(w[:-4])
            extra.extend(w.split("."))
    words.update(extra)
    return frozenset(words)


@per_node(16384)
def _run_words(inst: Instruction) -> tuple[frozenset[str] | None]:
    return (command_words(inst),)


def run_words(inst: Instruction) -> frozenset[str] | None:
    """:func:`command_words`, kept per node."""
    return _run_words(inst)[0]


def may_call(inst: Instruction, names: Iterable[str]) -> bool:
    """False when the RUN (``inst.sub`` for ONBUILD RUN) calls none of
    ``names`` (lower-case command names) for sure: its words hold none of
    them, so the shell view need not be built to look for them; True when
    it might."""
    words = run_words(inst)
    return words is None or not words.isdisjoint(names)


__all__ = ["command_words", "may_call", "run_words"]
