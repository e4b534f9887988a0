"""Suppression pragmas in comments and BuildKit's ``# check=`` directive. Pure, no IO.

Pragmas (``body`` is the comment text after ``#``)::

    hadolint ignore=DL3006,SC2046        next instruction
    hadolint global ignore=DL3006        whole file (from any line)
    hadolint stage ignore=DL3006         the stage whose FROM follows the comment
    hadolint shell=powershell            shell used to check RUN (ShellCheck)
    dockerls ignore=... / dockerls global ignore=... / dockerls stage ignore=...

Accepted like hadolint: leading spaces/tabs before the tool word (``#hadolint ignore=X`` works),
spaces or tabs around ``=`` and around each ``,``, and a trailing ``# remark``. The tool word and
the keywords are case-sensitive, as in hadolint.

Deliberate differences from hadolint:

* hadolint only accepts codes made of the characters ``D L S C 0-9``; we accept any
  ``[A-Za-z0-9_-]+`` word so BuildKit names (``StageNameCasing``) and kebab-case rule names work.
* hadolint silently drops a pragma it cannot parse completely (``ignore=DL3008 foo``,
  ``ignore=DL3008,``). We keep the codes we could read and attach a :class:`Problem`, so the
  editor can show why the pragma may not work with the hadolint CLI.

All offsets are code-point indexes into the string passed in; add the offset of that string
in the document to get document offsets.
"""

from __future__ import annotations

import enum
import re
from typing import Literal, NamedTuple


class PragmaKind(enum.Enum):
    IGNORE = "ignore"  # next instruction
    GLOBAL_IGNORE = "global"  # whole file
    STAGE_IGNORE = "stage"  # the stage whose FROM follows
    SHELL = "shell"


class Problem(NamedTuple):
    message: str
    start: int
    end: int


class CodeRef(NamedTuple):
    code: str
    start: int
    end: int


class Pragma(NamedTuple):
    kind: PragmaKind
    tool: Literal["hadolint", "dockerls"]
    codes: tuple[CodeRef, ...] = ()
    shell: str | None = None
    shell_start: int = -1
    shell_end: int = -1
    problems: tuple[Problem, ...] = ()

    @property
    def code_set(self) -> frozenset[str]:
        return frozenset(ref.code for ref in self.codes)


_SPACES = " \t"
_CODE = re.compile(r"[A-Za-z0-9_-]+")
_TOOL = re.compile(r"[ \t]*(hadolint|dockerls)[ \t]+")
_WORD = re.compile(r"(global|stage|ignore|shell)\b")
_SHELL = re.compile(r"[^ \t\r\n#]+")


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i] in _SPACES:
        i += 1
    return i


def parse_pragma(body: str) -> Pragma | None:
    """Parse one comment body; ``None`` when it is not a hadolint/dockerls pragma."""
    m = _TOOL.match(body)
    if m is None:
        return None
    tool: Literal["hadolint", "dockerls"] = "hadolint" if m.group(1) == "hadolint" else "dockerls"
    i = m.end()
    w = _WORD.match(body, i)
    if w is None:
        return None
    word = w.group(1)
    problems: list[Problem] = []
    kind = PragmaKind.IGNORE
    if word in ("global", "stage"):
        kind = PragmaKind.GLOBAL_IGNORE if word == "global" else PragmaKind.STAGE_IGNORE
        j = _skip(body, w.end())
        w2 = re.compile(r"ignore\b").match(body, j)
        if j == w.end() or w2 is None:
            end = _word_end(body, j)
            problems.append(Problem(f"expected 'ignore=' after '{word}'", j, max(end, j)))
            return Pragma(kind, tool, problems=tuple(problems))
        i = w2.end()
    elif word == "shell":
        kind = PragmaKind.SHELL
        i = w.end()
    else:
        i = w.end()

    j = _skip(body, i)
    if j >= len(body) or body[j] != "=":
        problems.append(Problem("expected '='", j, min(j + 1, len(body))))
        return Pragma(kind, tool, problems=tuple(problems))
    i = _skip(body, j + 1)

    if kind is PragmaKind.SHELL:
        s = _SHELL.match(body, i)
        if s is None:
            problems.append(Problem("expected a shell name", i, i))
            return Pragma(kind, tool, problems=tuple(problems))
        _check_trailing(body, s.end(), problems)
        return Pragma(
            kind,
            tool,
            shell=s.group(0),
            shell_start=s.start(),
            shell_end=s.end(),
            problems=tuple(problems),
        )

    codes: list[CodeRef] = []
    while True:
        c = _CODE.match(body, i)
        if c is None:
            what = "expected a rule code" if not codes else "expected a rule code after ','"
            problems.append(Problem(what, i, _word_end(body, i)))
            break
        codes.append(CodeRef(c.group(0), c.start(), c.end()))
        k = _skip(body, c.end())
        if k < len(body) and body[k] == ",":
            i = _skip(body, k + 1)
            continue
        _check_trailing(body, c.end(), problems)
        break
    return Pragma(kind, tool, codes=tuple(codes), problems=tuple(problems))


def _word_end(text: str, i: int) -> int:
    while i < len(text) and text[i] not in " \t,#":
        i += 1
    return i


def _check_trailing(body: str, i: int, problems: list[Problem]) -> None:
    k = _skip(body, i)
    if k < len(body) and body[k] != "#" and body[k:].strip():
        end = len(body.rstrip())
        problems.append(Problem("unexpected text after the pragma", k, end))


# --------------------------------------------------------------------------- # check=


class CheckDirective(NamedTuple):
    """BuildKit's ``# check=skip=A,B;error=true;experimental=all``.

    ``skip``/``experimental`` are ``"all"`` or a set of case-sensitive rule names; the
    ``*_refs`` carry each name's offsets for hover, completion and unknown-name diagnostics.
    """

    skip: frozenset[str] | Literal["all"]
    error: bool
    experimental: frozenset[str] | Literal["all"]
    problems: tuple[Problem, ...]
    skip_refs: tuple[CodeRef, ...] = ()
    experimental_refs: tuple[CodeRef, ...] = ()


_TRUE = frozenset({"1", "t", "T", "TRUE", "true", "True"})
_FALSE = frozenset({"0", "f", "F", "FALSE", "false", "False"})
_KEYS = ("skip", "error", "experimental")


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def parse_check_directive(value: str) -> CheckDirective:
    """Parse the value of a ``check`` parser directive (offsets index into ``value``).

    Follows BuildKit: at most three ``;``-separated parts, keys ``skip``, ``error`` and
    ``experimental`` only, rule names case-sensitive, ``error`` parsed like Go's
    ``strconv.ParseBool``. BuildKit rejects the whole directive on the first problem; we
    report every problem and keep what is valid.
    """
    skip: frozenset[str] | Literal["all"] = frozenset()
    experimental: frozenset[str] | Literal["all"] = frozenset()
    error = False
    problems: list[Problem] = []
    skip_refs: list[CodeRef] = []
    exp_refs: list[CodeRef] = []
    start, end = _strip_span(value, 0, len(value))
    if start == end:
        return CheckDirective(skip, error, experimental, ())

    parts: list[tuple[int, int]] = []
    pos = start
    while True:
        semi = value.find(";", pos, end)
        if semi < 0:
            parts.append((pos, end))
            break
        parts.append((pos, semi))
        pos = semi + 1
    if len(parts) > 3:
        problems.append(
            Problem("at most three ';'-separated options are allowed", parts[3][0] - 1, end)
        )
        parts = parts[:3]

    seen: set[str] = set()
    for p_start, p_end in parts:
        eq = value.find("=", p_start, p_end)
        if eq < 0:
            s, e = _strip_span(value, p_start, p_end)
            problems.append(Problem("expected 'key=value'", s, max(e, s)))
            continue
        k_start, k_end = _strip_span(value, p_start, eq)
        key = value[k_start:k_end]
        v_start, v_end = _strip_span(value, eq + 1, p_end)
        v = value[v_start:v_end]
        if key not in _KEYS:
            problems.append(
                Problem(
                    f"unknown check option {key!r} (expected skip, error or experimental)",
                    k_start,
                    k_end,
                )
            )
            continue
        if key in seen:
            problems.append(Problem(f"option {key!r} given more than once", k_start, k_end))
        seen.add(key)
        if key == "error":
            if v in _TRUE:
                error = True
            elif v in _FALSE:
                error = False
            else:
                problems.append(Problem(f"{v!r} is not a boolean", v_start, v_end))
            continue
        if v == "all":
            if key == "skip":
                skip = "all"
            else:
                experimental = "all"
            continue
        refs = _split_names(value, v_start, v_end, problems)
        names = frozenset(r.code for r in refs)
        if key == "skip":
            skip_refs.extend(refs)
            skip = names if skip != "all" else skip
        else:
            exp_refs.extend(refs)
            experimental = names if experimental != "all" else experimental
    return CheckDirective(
        skip, error, experimental, tuple(problems), tuple(skip_refs), tuple(exp_refs)
    )


def _split_names(text: str, start: int, end: int, problems: list[Problem]) -> list[CodeRef]:
    refs: list[CodeRef] = []
    pos = start
    while pos <= end:
        comma = text.find(",", pos, end)
        stop = end if comma < 0 else comma
        s, e = _strip_span(text, pos, stop)
        if s == e:
            problems.append(Problem("empty rule name", s, e))
        else:
            refs.append(CodeRef(text[s:e], s, e))
        if comma < 0:
            break
        pos = comma + 1
    return refs
