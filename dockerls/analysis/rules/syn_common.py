"""Helpers shared by the syntax-group rules (no rule here).

Value grammars follow the BuildKit Dockerfile frontend: Go durations,
``RUN --mount`` specs, ``--chmod`` modes, ``--checksum`` digests, platform
specifiers and signal names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from dockerls.analysis.rules.base import Applicability, Edit, Fix
from dockerls.syntax import spec
from dockerls.syntax.identity_cache import per_node
from dockerls.syntax.nodes import Flag, Instruction, Span

# --------------------------------------------------------------------------
# flags
# --------------------------------------------------------------------------


def known_flag(inst: Instruction, flag: Flag) -> spec.FlagSpec | None:
    """The spec of a flag when both the instruction and the flag are known."""
    name = flag.name
    for fs in spec.flags_for(inst.name):  # none for an unknown instruction
        if fs.name == name:
            return fs
    return None


def valued_flags(
    inst: Instruction, kind: spec.ValueKind
) -> Iterator[tuple[Flag, spec.FlagSpec, str, Span]]:
    """The flags of ``inst`` whose spec takes a ``kind`` value and that have
    one: (flag, spec, value, value span)."""
    for fl in inst.flags:
        fs = known_flag(inst, fl)
        if fs is None or fs.kind is not kind or not fl.value or fl.value_span is None:
            continue
        yield fl, fs, fl.value, fl.value_span


def has_var(value: str) -> bool:
    return "$" in value


def value_parts(inst: Instruction, flag: Flag, sep: str) -> Iterator[tuple[str, Span]]:
    """Split a flag value on ``sep``, each part with its item-relative span.

    When the source of the value differs from the value (quotes, a
    continuation), every part gets the whole value span.
    """
    value = flag.value or ""
    vspan = flag.value_span or flag.span
    exact = len(vspan) == len(value) and inst.text[vspan.start : vspan.end] == value
    pos = 0
    for part in value.split(sep):
        if exact:
            yield part, Span(vspan.start + pos, vspan.start + pos + len(part))
        else:
            yield part, vspan
        pos += len(part) + len(sep)


# --------------------------------------------------------------------------
# durations (Go's time.ParseDuration)
# --------------------------------------------------------------------------

_UNITS: dict[str, float] = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "μs": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
}
_DUR_PART = re.compile(r"(\d*\.?\d*)([^\d.]*)")


def parse_duration(text: str) -> tuple[float | None, str]:
    """Seconds, or ``None`` and the reason the text is not a Go duration."""
    s = text
    neg = False
    if s[:1] in "+-" and s:
        neg = s[0] == "-"
        s = s[1:]
    if s == "0":
        return 0.0, ""
    if not s:
        return None, "is empty"
    total = 0.0
    pos = 0
    while pos < len(s):
        m = _DUR_PART.match(s, pos)
        if m is None or m.end() == pos:
            return None, "is not a duration"
        num, unit = m.group(1), m.group(2)
        if not num or num == ".":
            return None, "is not a duration"
        if not unit:
            return None, "has no unit (use e.g. `s`, `m` or `h`)"
        if unit not in _UNITS:
            return None, f"has an unknown unit `{unit}` (use ns, us, ms, s, m or h)"
        total += float(num) * _UNITS[unit]
        pos = m.end()
    return (-total if neg else total), ""


# --------------------------------------------------------------------------
# small grammars
# --------------------------------------------------------------------------

OCTAL_RE = re.compile(r"^[0-7]+$")
_SYMBOLIC_CLAUSE = re.compile(r"^[ugoa]*(?:[-+=](?:[rwxXst]*|[ugo]))+$")


def valid_chmod(value: str) -> bool:
    if OCTAL_RE.match(value):
        return int(value, 8) <= 0o7777
    return all(_SYMBOLIC_CLAUSE.match(c) for c in value.split(","))


_HEX_LEN = {"sha256": 64, "sha384": 96, "sha512": 128}


def checksum_problem(value: str) -> str | None:
    algo, sep, hexpart = value.partition(":")
    if not sep:
        return "needs the form `sha256:<hex>`"
    if algo not in _HEX_LEN:
        return f"uses the unsupported algorithm `{algo}` (use sha256, sha384 or sha512)"
    want = _HEX_LEN[algo]
    if not re.fullmatch(r"[0-9a-f]+", hexpart or "-"):
        return "must be lowercase hexadecimal after the `:`"
    if len(hexpart) != want:
        return f"has {len(hexpart)} hex digits where {algo} needs {want}"
    return None


_OSES = frozenset(
    [
        "linux",
        "windows",
        "darwin",
        "freebsd",
        "netbsd",
        "openbsd",
        "solaris",
        "illumos",
        "aix",
        "android",
        "ios",
        "js",
        "plan9",
        "dragonfly",
        "wasip1",
        "zos",
    ]
)
_ARCHES = frozenset(
    [
        "amd64",
        "arm64",
        "arm",
        "386",
        "ppc64le",
        "ppc64",
        "s390x",
        "riscv64",
        "mips",
        "mipsle",
        "mips64",
        "mips64le",
        "loong64",
        "wasm",
        "x86_64",
        "x86-64",
        "aarch64",
        "armhf",
        "armel",
        "i386",
    ]
)
_PLATFORM_PART = re.compile(r"^[A-Za-z0-9_.-]+$")
_OS_PART = re.compile(r"^[A-Za-z0-9_.-]+(?:\([A-Za-z0-9_.-]*\))?$")


def platform_problem(value: str) -> str | None:
    parts = value.split("/")
    if len(parts) > 3:
        return "has too many `/`-separated parts (use os/arch[/variant])"
    if not _OS_PART.match(parts[0]) or not all(_PLATFORM_PART.match(p) for p in parts[1:]):
        return "is not of the form os/arch[/variant]"
    if len(parts) == 1 and parts[0].lower() not in _OSES | _ARCHES:
        return "is neither a known operating system nor a known architecture"
    return None


_SIGNALS = frozenset(
    [
        "ABRT",
        "ALRM",
        "BUS",
        "CHLD",
        "CLD",
        "CONT",
        "FPE",
        "HUP",
        "ILL",
        "INT",
        "IO",
        "IOT",
        "KILL",
        "PIPE",
        "POLL",
        "PROF",
        "PWR",
        "QUIT",
        "SEGV",
        "STKFLT",
        "STOP",
        "SYS",
        "TERM",
        "TRAP",
        "TSTP",
        "TTIN",
        "TTOU",
        "UNUSED",
        "URG",
        "USR1",
        "USR2",
        "VTALRM",
        "WINCH",
        "XCPU",
        "XFSZ",
        "RTMIN",
        "RTMAX",
    ]
)
_RT_RE = re.compile(r"^RTM(?:IN\+|AX-)(\d+)$")


def valid_signal(value: str) -> bool:
    if value.isdigit():
        return int(value) > 0
    name = value.upper()
    if name.startswith("SIG"):
        name = name[3:]
    if name in _SIGNALS:
        return True
    m = _RT_RE.match(name)
    return m is not None and 1 <= int(m.group(1)) <= 30


STAGE_NAME_RE = re.compile(r"^[a-z][a-z0-9\-_.]*$", re.IGNORECASE)

_SIZE_RE = re.compile(r"^\d+(?:\.\d+)?\s*(?:[kKmMgGtTpP][iI]?)?[bB]?$")


def valid_size(value: str) -> bool:
    return bool(_SIZE_RE.match(value))


_GO_TRUE = ("1", "t", "T", "TRUE", "true", "True")
_GO_FALSE = ("0", "f", "F", "FALSE", "false", "False")


def go_bool(value: str) -> bool:
    return value in _GO_TRUE or value in _GO_FALSE


# --------------------------------------------------------------------------
# RUN --mount
# --------------------------------------------------------------------------


class MountField(NamedTuple):
    key: str  # as written
    value: str | None
    key_span: Span
    value_span: Span | None
    span: Span


class MountSpec(NamedTuple):
    flag: Flag
    fields: tuple[MountField, ...]
    type_name: str
    type_field: MountField | None

    @property
    def type(self) -> spec.MountType | None:
        return spec.mount_type(self.type_name)

    def get(self, name: str) -> MountField | None:
        mt = self.type
        for f in self.fields:
            k = f.key.lower()
            if k == name or (mt is not None and (mk := mt.key(k)) is not None and mk.name == name):
                return f
        return None


def mounts(inst: Instruction) -> tuple[MountSpec, ...]:
    """The ``--mount`` flags of a RUN, split into fields (once per node: several rules read
    them)."""
    if inst.name != "RUN" or not inst.flags:
        return ()
    return _mounts(inst)


@per_node(8192)
def _mounts(inst: Instruction) -> tuple[MountSpec, ...]:
    return tuple(_split_mounts(inst))


def _split_mounts(inst: Instruction) -> Iterator[MountSpec]:
    for fl in inst.flags:
        if fl.name != "mount" or not fl.value:
            continue
        fields: list[MountField] = []
        type_name = spec.DEFAULT_MOUNT_TYPE
        type_field: MountField | None = None
        for part, span in value_parts(inst, fl, ","):
            if not part:
                continue
            key, eq, val = part.partition("=")
            exact = len(span) == len(part)
            kspan = Span(span.start, span.start + len(key)) if exact else span
            vspan = (Span(kspan.end + 1, span.end) if exact else span) if eq else None
            f = MountField(key, val if eq else None, kspan, vspan, span)
            fields.append(f)
            if key.lower() == "type" and eq:
                type_name = val
                type_field = f
        yield MountSpec(fl, tuple(fields), type_name, type_field)


# --------------------------------------------------------------------------
# fixes
# --------------------------------------------------------------------------


def rename_fix(span: Span, new: str, what: str, safe: bool) -> Fix:
    return Fix(
        f"Change {what} to `{new}`",
        (Edit(span, new),),
        Applicability.SAFE if safe else Applicability.UNSAFE,
    )


def unambiguous(name: str, best: str, candidates: list[str]) -> bool:
    """Whether ``best`` is clearly the only likely intended candidate."""
    import difflib

    low = name.lower().lstrip("-")
    if best.lower() == low:
        return True
    scores = sorted(
        (difflib.SequenceMatcher(None, low, c.lower()).ratio() for c in set(candidates)),
        reverse=True,
    )
    return len(scores) < 2 or scores[0] - scores[1] >= 0.15


# --------------------------------------------------------------------------
# shell words (BuildKit processes quotes and escapes in expanded words)
# --------------------------------------------------------------------------


def unclosed_quote(word: str, escape: str) -> tuple[str, int] | None:
    """(the quote, its index) of a quote ``word`` never closes, else None."""
    if "'" not in word and '"' not in word:
        return None
    if escape not in word:  # from quote to quote (most words: no character by character)
        i = 0
        while True:
            single = word.find("'", i)
            double = word.find('"', i)
            if single < 0 and double < 0:
                return None
            at = single if double < 0 or 0 <= single < double else double
            close = word.find(word[at], at + 1)
            if close < 0:
                return word[at], at
            i = close + 1
    quote = ""
    at = -1
    i = 0
    n = len(word)
    while i < n:
        c = word[i]
        if c == escape and quote != "'":
            i += 2
            continue
        if quote:
            if c == quote:
                quote = ""
        elif c in "'\"":
            quote, at = c, i
        i += 1
    return (quote, at) if quote else None
