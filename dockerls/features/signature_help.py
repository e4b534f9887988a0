"""textDocument/signatureHelp.

Every instruction's usage lines in :mod:`dockerls.syntax.spec` become
signatures (one per form: shell, exec, heredoc; HEALTHCHECK's ``CMD`` and
``NONE``).  Parameters are cut from the usage text (each ``[--flag=<v>]``
group, each ``<placeholder>``, each JSON element), and the active one follows
the cursor: the flag being typed, the n-th argument, or the n-th element of
an exec-form array.  Pure.
"""

from __future__ import annotations

from functools import lru_cache

from lsprotocol import types as lsp

from dockerls import docs
from dockerls.analysis.model import Model
from dockerls.features.caps import ClientCaps
from dockerls.features.context import Cursor, Kind, classify
from dockerls.features.positions import offset_of
from dockerls.syntax import spec
from dockerls.syntax.lines import line_start
from dockerls.syntax.nodes import Instruction
from dockerls.syntax.parser import Parse

Param = tuple[int, int]


def _top_tokens(usage: str) -> list[Param]:
    """Top-level words of a usage line (``[...]``/``<...>`` groups kept whole)."""
    out: list[Param] = []
    depth = 0
    quote = False
    start = -1
    for i, ch in enumerate(usage):
        if ch == '"':
            quote = not quote
        elif (
            not quote and ch == "<" and "<" in (usage[i + 1 : i + 2], usage[i - 1 : i] if i else "")
        ):
            pass
        elif not quote and ch in "[<":
            depth += 1
        elif not quote and ch in "]>":
            depth = max(0, depth - 1)
        if ch == " " and depth == 0 and not quote:
            if start >= 0:
                out.append((start, i))
                start = -1
        elif start < 0:
            start = i
    if start >= 0:
        out.append((start, len(usage)))
    return out


@lru_cache(maxsize=128)
def _params(usage: str) -> tuple[tuple[Param, ...], int, int]:
    """(parameters, index of the first exec-array element or -1, count of
    leading ``[--flag]`` parameters)."""
    params: list[Param] = []
    exec_start = -1
    for s, e in _top_tokens(usage)[1:]:  # skip the keyword
        word = usage[s:e]
        if word.startswith('["') or word.startswith('["'):
            exec_start = len(params)
            i = s + 1
            while i < e - 1:
                if usage[i] == '"':
                    j = usage.index('"', i + 1)
                    params.append((i, j + 1))
                    i = j + 1
                elif usage.startswith("...", i):
                    params.append((i, i + 3))
                    i += 3
                else:
                    i += 1
        else:
            params.append((s, e))
    n_flags = 0
    for s, _e in params:
        if usage.startswith("[--", s):
            n_flags += 1
        else:
            break
    return tuple(params), exec_start, n_flags


def _flag_of(usage: str, param: Param) -> str | None:
    s, e = param
    word = usage[s:e]
    if not word.startswith("[--"):
        return None
    name = word[3:].split("=", 1)[0].rstrip("]")
    return name


def _choose(s: spec.InstructionSpec, c: Cursor) -> int:
    usages = s.usage
    first_arg = next((t.text for t in c.tokens if not t.text.startswith("-")), "")
    if s.name == "HEALTHCHECK":
        return 1 if first_arg.upper() == "NONE" and len(usages) > 1 else 0
    if s.name == "ENV" and len(usages) > 1 and first_arg and "=" not in first_arg:
        return 1
    for n, u in enumerate(usages):
        if c.heredoc and "<<" in u:
            return n
        if c.json and '["' in u and not c.heredoc:
            return n
    for n, u in enumerate(usages):
        if "<<" not in u and '["' not in u:
            return n
    return 0


def signature_help(
    p: Parse, model: Model, pos: lsp.Position, caps: ClientCaps
) -> lsp.SignatureHelp | None:
    """Signatures of the instruction at ``pos``; ``None`` outside instructions."""
    if not p.items:
        return None
    if line_start(p, pos.line) is None:
        return None
    offset = offset_of(p, pos, caps.encoding)
    c = classify(p, offset)
    if c.item < 0 or not isinstance(p.items[c.item], Instruction):
        return None
    if c.kind in (Kind.COMMENT, Kind.HEREDOC, Kind.NONE):
        return None
    name = c.instruction
    if c.kind is Kind.KEYWORD:
        if not c.onbuild:
            return None
        name = "ONBUILD"
    s = spec.instruction(name)
    if s is None or not s.usage:
        return None
    active_sig = _choose(s, c) if c.kind is not Kind.KEYWORD else 0
    sigs: list[lsp.SignatureInformation] = []
    active_param = 0
    summary = docs.summary(s.doc_key)
    for n, usage in enumerate(s.usage):
        params, exec_start, n_flags = _params(usage)
        infos = []
        for prm in params:
            flag = _flag_of(usage, prm)
            doc = None
            if flag is not None:
                f = spec.flag(s.name, flag)
                doc = docs.summary(f.doc_key) if f is not None else None
            infos.append(lsp.ParameterInformation(label=prm, documentation=doc))
        ap = _active(usage, params, exec_start, n_flags, c, p) if n == active_sig else 0
        if n == active_sig:
            active_param = ap
        sigs.append(
            lsp.SignatureInformation(
                label=usage,
                documentation=summary,
                parameters=infos,
                active_parameter=ap if params else None,
            )
        )
    return lsp.SignatureHelp(
        signatures=sigs, active_signature=active_sig, active_parameter=active_param
    )


def _active(
    usage: str, params: tuple[Param, ...], exec_start: int, n_flags: int, c: Cursor, p: Parse
) -> int:
    if not params:
        return 0
    last = len(params) - 1
    if c.kind is Kind.KEYWORD:
        return 0
    if c.in_flags and (
        c.kind in (Kind.FLAG_NAME, Kind.FLAG_VALUE, Kind.MOUNT_KEY, Kind.MOUNT_VALUE)
        or (c.kind is Kind.VARIABLE and c.flag)
    ):
        names = [_flag_of(usage, params[k]) or "" for k in range(n_flags)]
        if c.flag in names:
            return names.index(c.flag)
        for k, name in enumerate(names):
            if c.flag and name.startswith(c.flag):
                return k
        return 0 if n_flags else min(n_flags, last)
    if exec_start >= 0 and c.json:
        text = p.items[c.item].text
        args = [t for t in c.tokens if not t.text.startswith("-")]
        if not args:
            return exec_start
        commas = _commas(text, args[0].start, c.rel)
        return min(exec_start + commas, last)
    positional = [k for k in range(len(params)) if k >= n_flags]
    if not positional:
        return last
    idx = max(c.arg_index, 0)
    return positional[min(idx, len(positional) - 1)]


def _commas(text: str, start: int, end: int) -> int:
    n = 0
    quote = False
    i = start
    while i < end and i < len(text):
        ch = text[i]
        if ch == "\\" and quote:
            i += 2
            continue
        if ch == '"':
            quote = not quote
        elif ch == "," and not quote:
            n += 1
        i += 1
    return n


__all__ = ["signature_help"]
