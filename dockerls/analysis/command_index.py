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

from dockerls.syntax.nodes import Instruction

_WORD = re.compile(r"[\w.+-]+")
_QUOTES = str.maketrans("", "", "'\"")
_DIGITS = "0123456789."


def command_words(inst: Instruction) -> frozenset[str] | None:
    """The words of a RUN (``inst.sub`` for ONBUILD RUN): its command line
    and heredoc bodies, lower-cased; None when they can't be read lexically."""
    text = inst.args
    if inst.heredocs:
        text = "\n".join((text, *(h.content for h in inst.heredocs)))
    if "\\u" in text or "$'" in text:
        return None
    text = text.lower().translate(_QUOTES)
    if "\\" in text:
        # `ap\t-get` is `apt-get` to the shell, `'C:\bin\apt-get'` names `apt-get`
        joined = text.replace("\\\n", "")
        text = f"{joined.replace(chr(92), '')}\n{joined.replace(chr(92), ' ')}"
    words = set(_WORD.findall(text))
    if "|" in text:
        words.add("|")
    for w in list(words):
        bare = w.rstrip(_DIGITS)
        if bare != w:
            words.add(bare)
        if w.endswith(".exe"):
            words.add(w[:-4])
        if "." in w:
            words.update(w.split("."))
    return frozenset(words)


__all__ = ["command_words"]
