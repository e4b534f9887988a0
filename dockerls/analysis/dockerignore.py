"""`.dockerignore` patterns and the build-context snapshot rules read. Pure, no IO.

Matching follows moby/patternmatcher as BuildKit uses it:

* lines starting with ``#`` are comments; surrounding whitespace is trimmed;
  a leading ``!`` makes an exception (re-include); each pattern is cleaned
  like Go's ``filepath.Clean`` and a leading ``/`` is dropped;
* ``*`` matches within one path segment, ``?`` one character of a segment,
  ``[...]`` a character class, ``\\`` escapes the next character, ``**``
  any number of segments (``**/`` may match none);
* patterns are tried in order and the last one that applies wins; a path is
  also excluded when one of its parent directories is
  (``MatchesOrParentMatches``).

:class:`ContextInfo` is the immutable snapshot of a build context
(ignore patterns plus an optional file listing) that the IO layer
(``dockerls/context.py``) builds and puts in ``Model.options["context"]``.
Rules only read it.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from dockerls.analysis.rules.base import Severity

if TYPE_CHECKING:
    from dockerls.analysis.engine import LintConfig

# the code of an ignore file's problem (a pattern BuildKit would reject)
IGNORE_PATTERN_CODE = "InvalidIgnorePattern"


def problem_level(config: LintConfig) -> Severity | None:
    """The level ``config`` shows an ignore file's problems at (None: not at all); BuildKit
    rejects such a pattern, so an error unless the configuration says otherwise."""
    return config.level(IGNORE_PATTERN_CODE, Severity.ERROR)


class IgnoreProblem(NamedTuple):
    """A pattern BuildKit would reject; ``line`` 0-based, columns in code points."""

    message: str
    line: int
    start: int
    end: int


class IgnorePattern(NamedTuple):
    """One pattern line of a `.dockerignore`."""

    pattern: str  # cleaned, without the leading '!'
    exclusion: bool  # a '!' exception (re-includes what it matches)
    raw: str  # the line as written, trimmed
    line: int  # 0-based line in the file
    start: int  # column of the trimmed text
    end: int

    def matches(self, path: str) -> bool:
        rx = compile_pattern(self.pattern)
        return rx is not None and rx.fullmatch(path) is not None

    def __str__(self) -> str:
        return ("!" if self.exclusion else "") + self.pattern


def clean_path(p: str) -> str:
    """Go ``filepath.Clean`` on a slash path (``""`` -> ``"."``)."""
    if not p:
        return "."
    rooted = p.startswith("/")
    out = posixpath.normpath(p)
    if rooted:
        out = "/" + out.lstrip("/")
    return out


_REGEX_SPECIAL = set(".+()|{}$^")


@lru_cache(maxsize=4096)
def compile_pattern(pattern: str) -> re.Pattern[str] | None:
    """The regular expression for a cleaned pattern, None when it is invalid."""
    out: list[str] = []
    i = 0
    n = len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "*":
            if i + 1 < n and pattern[i + 1] == "*":
                i += 2
                if i < n and pattern[i] == "/":
                    i += 1
                if i >= n:
                    out.append(".*")
                else:
                    out.append("(?:.*/)?")
                continue
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "\\":
            if i + 1 < n:
                i += 1
                out.append(re.escape(pattern[i]))
            else:
                return None
        elif ch == "[":
            close = _class_end(pattern, i)
            cls = _class_regex(pattern[i + 1 : close]) if close >= 0 else None
            if cls is None:
                return None
            out.append(cls)
            i = close
        elif ch in _REGEX_SPECIAL:
            out.append("\\" + ch)
        else:
            out.append(re.escape(ch) if not ch.isalnum() and ch not in "/_-" else ch)
        i += 1
    try:
        return re.compile("".join(out))
    except re.error:
        return None


def _class_regex(body: str) -> str | None:
    """A Go ``filepath.Match`` character class (``[a-z]``, ``[!0-9]``,
    ``[\\]]``) as a regular expression class; None when it is empty.  Every
    character but a range's ``-`` is escaped, so ``[`` inside the class is
    just ``[`` (Python would read ``[[`` as the start of a nested set)."""
    negate = body[:1] in ("!", "^")
    if negate:
        body = body[1:]
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            i += 1
            ch = body[i]
        elif ch == "-" and out and i + 1 < len(body):
            out.append("-")
            i += 1
            continue
        out.append(re.escape(ch) if ch not in "^-" else "\\" + ch)
        i += 1
    if not out:
        return None
    return "[" + ("^" if negate else "") + "".join(out) + "]"


def _class_end(pattern: str, i: int) -> int:
    j = i + 1
    if j < len(pattern) and pattern[j] in "^!":
        j += 1
    if j < len(pattern) and pattern[j] == "]":
        j += 1
    while j < len(pattern):
        if pattern[j] == "\\":
            j += 2
            continue
        if pattern[j] == "]":
            return j
        j += 1
    return -1


def parse_dockerignore(text: str) -> tuple[tuple[IgnorePattern, ...], tuple[IgnoreProblem, ...]]:
    """Patterns of a `.dockerignore`, in order, with the problems found."""
    patterns: list[IgnorePattern] = []
    problems: list[IgnoreProblem] = []
    if text.startswith("\ufeff"):
        text = text[1:]
    for ln, line in enumerate(text.splitlines()):
        if line.startswith("#"):
            continue
        stripped = line.strip()
        if not stripped:
            continue
        start = line.index(stripped[0])
        end = start + len(stripped)
        body = stripped
        exclusion = body.startswith("!")
        if exclusion:
            body = body[1:].strip()
            if not body:
                problems.append(IgnoreProblem("`!` needs a pattern after it", ln, start, end))
                continue
        cleaned = clean_path(body)
        if len(cleaned) > 1 and cleaned.startswith("/"):
            cleaned = cleaned[1:]
        if compile_pattern(cleaned) is None:
            problems.append(IgnoreProblem(f"invalid pattern `{stripped}`", ln, start, end))
            continue
        patterns.append(IgnorePattern(cleaned, exclusion, stripped, ln, start, end))
    return tuple(patterns), tuple(problems)


def normalize_source(path: str) -> str:
    """A COPY source or listing path as patterns see it: cleaned, relative."""
    p = clean_path(path)
    while p.startswith("/"):
        p = p[1:]
    return p or "."


@dataclass(frozen=True)
class IgnoreMatcher:
    """The ordered patterns of one `.dockerignore`."""

    patterns: tuple[IgnorePattern, ...]

    @classmethod
    def from_text(cls, text: str) -> IgnoreMatcher:
        return cls(parse_dockerignore(text)[0])

    @property
    def exclusions(self) -> bool:
        """Whether any pattern is a `!` exception."""
        return any(p.exclusion for p in self.patterns)

    def matches(self, path: str) -> bool:
        """Whether ``path`` (or one of its parent directories) is ignored."""
        path = normalize_source(path)
        parent = posixpath.dirname(path)
        parents = parent.split("/") if parent else []
        matched = False
        for pat in self.patterns:
            if pat.exclusion != matched:
                continue
            hit = pat.matches(path)
            if not hit and parents:
                for k in range(len(parents)):
                    if pat.matches("/".join(parents[: k + 1])):
                        hit = True
                        break
            if hit:
                matched = not pat.exclusion
        return matched

    def root_ignored(self) -> bool:
        """Whether a pattern excludes every entry of the context root."""
        return any(not p.exclusion and p.pattern in ("*", "**", "**/*") for p in self.patterns)


_GLOB = re.compile(r"[*?\[]")


def has_glob(path: str) -> bool:
    return _GLOB.search(path) is not None


@lru_cache(maxsize=1024)
def _glob_regex(pattern: str) -> re.Pattern[str] | None:
    """COPY source globs (Go ``filepath.Match`` per segment: ``*`` never crosses ``/``)."""
    out: list[str] = []
    i = 0
    n = len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            close = _class_end(pattern, i)
            cls = _class_regex(pattern[i + 1 : close]) if close >= 0 else None
            if cls is None:
                return None
            out.append(cls)
            i = close
        elif ch == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(ch))
        i += 1
    try:
        return re.compile("".join(out))
    except re.error:
        return None


@dataclass(frozen=True)
class ContextInfo:
    """What rules may know about the build context.

    ``ignore`` is None without a `.dockerignore`.  ``entries`` holds the
    relative slash paths of files *and* directories found (None when the
    context was not listed); ``complete`` is False when the listing stopped at
    its size cap, in which case "matches nothing" cannot be concluded.
    ``assumed`` is True when nobody said which folder the build sends: the
    Dockerfile's folder stands in for it (the CLI, or the editor without the
    ``context.path`` setting), and a build such as ``docker build -f
    docker/Dockerfile .`` sends another one, so findings that rest on the
    context are only hints then (see ``bk_copy_common.context_caveat``).
    """

    root: str = ""
    ignore: IgnoreMatcher | None = None
    ignore_file: str | None = None
    entries: frozenset[str] | None = None
    complete: bool = True
    problems: tuple[IgnoreProblem, ...] = field(default=())
    assumed: bool = False

    @classmethod
    def from_mapping(cls, m: Mapping[str, Any]) -> ContextInfo:
        """Build from plain data: ``{"dockerignore": text, "files": [paths]}``
        (also ``root``, ``ignore_file``, ``complete`` and ``assumed``)."""
        text = m.get("dockerignore")
        ignore = None
        problems: tuple[IgnoreProblem, ...] = ()
        if isinstance(text, str):
            pats, problems = parse_dockerignore(text)
            ignore = IgnoreMatcher(pats)
        files = m.get("files")
        entries = None
        if files is not None:
            entries = entries_with_parents(str(f) for f in files)
        return cls(
            str(m.get("root", "")),
            ignore,
            m.get("ignore_file"),
            entries,
            bool(m.get("complete", True)),
            problems,
            bool(m.get("assumed", False)),
        )

    @classmethod
    def coerce(cls, value: object) -> ContextInfo | None:
        """Accept a ContextInfo or the plain-data form; anything else -> None."""
        if isinstance(value, ContextInfo):
            return value
        if isinstance(value, Mapping):
            return cls.from_mapping(value)
        return None

    def is_ignored(self, source: str) -> bool:
        return self.ignore is not None and self.ignore.matches(source)

    def source_matches(self, source: str) -> list[str] | None:
        """Entries a COPY source names (itself, or glob matches), None when
        unknown (no complete listing)."""
        if self.entries is None or not self.complete:
            return None
        src = normalize_source(source)
        if src == ".":
            return ["."]
        if not has_glob(src):
            return [src] if src in self.entries else []
        rx = _glob_regex(src)
        if rx is None:
            return None
        return sorted(e for e in self.entries if rx.fullmatch(e))


def entries_with_parents(paths: Iterable[str]) -> frozenset[str]:
    """Relative paths plus every parent directory of them."""
    out: set[str] = set()
    for p in paths:
        p = normalize_source(p)
        while p and p != "." and p not in out:
            out.add(p)
            p = posixpath.dirname(p)
    return frozenset(out)


__all__ = [
    "IGNORE_PATTERN_CODE",
    "ContextInfo",
    "IgnoreMatcher",
    "IgnorePattern",
    "IgnoreProblem",
    "clean_path",
    "compile_pattern",
    "entries_with_parents",
    "has_glob",
    "normalize_source",
    "parse_dockerignore",
    "problem_level",
]
