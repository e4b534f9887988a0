"""What is at the cursor: a shared classifier for completion, hover and
signature help (and anyone else who needs it).

:func:`classify` looks at one item only (the one holding the cursor), splits
its text into whitespace-separated tokens (quotes and line continuations
understood), and says what the cursor is on: an instruction keyword, a flag
name or value, a ``--mount`` key or value, a parser directive, a variable
after ``$``/``${``, a stage reference, an image or tag, a pragma code...
It works on half-typed text (no reliance on the parser having understood the
instruction) and is O(length of the item).  Pure; no LSP types.

All offsets in :class:`Cursor` are **item-relative** code-point offsets;
``Cursor.base`` is the item's absolute start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from dockerls.syntax.nodes import Comment, Directive, Instruction
from dockerls.syntax.parser import Parse


class Kind(Enum):
    NONE = "none"
    KEYWORD = "keyword"  # instruction keyword (or an empty line)
    FLAG_NAME = "flag-name"  # ``--na|``
    FLAG_VALUE = "flag-value"  # ``--network=ho|``
    MOUNT_KEY = "mount-key"  # ``--mount=type=cache,ta|``
    MOUNT_VALUE = "mount-value"  # ``--mount=type=cache,sharing=lo|``
    VARIABLE = "variable"  # ``$NA|`` / ``${NA|``
    IMAGE = "image"  # FROM's image word (name part)
    IMAGE_TAG = "image-tag"  # FROM image:ta|
    AS_KEYWORD = "as"  # FROM image A|
    STAGE_NAME = "stage-name"  # FROM image AS na|  (a definition)
    PATH = "path"  # COPY/ADD source or destination
    HEALTHCHECK_SUB = "healthcheck-sub"
    SIGNAL = "signal"
    EXPOSE_PORT = "expose-port"
    EXPOSE_PROTO = "expose-proto"
    ARGUMENT = "argument"  # any other argument word
    HEREDOC = "heredoc"  # inside a heredoc body
    DIRECTIVE_NAME = "directive-name"
    DIRECTIVE_VALUE = "directive-value"
    CHECK_KEY = "check-key"  # ``# check=sk|``
    CHECK_VALUE = "check-value"  # ``# check=skip=Rule,Ru|``
    PRAGMA_CODE = "pragma-code"  # ``# hadolint ignore=DL30|``
    COMMENT = "comment"


@dataclass(frozen=True, slots=True)
class Token:
    start: int  # item-relative
    end: int
    text: str  # source text of the token (continuations removed)


@dataclass
class Cursor:
    """The classification of one cursor position."""

    kind: Kind
    item: int = -1  # index in Parse.items (-1: empty document)
    base: int = 0  # absolute offset of the item
    rel: int = 0  # cursor, item-relative
    start: int = 0  # start of the part being typed (item-relative)
    end: int = 0  # end of the whole part under the cursor (item-relative)
    prefix: str = ""  # text from ``start`` to the cursor
    text: str = ""  # the whole part (``start``..``end``)
    instruction: str = ""  # upper-cased instruction name ("" when none)
    onbuild: bool = False  # inside an ONBUILD trigger
    flag: str = ""  # FLAG_VALUE / MOUNT_*: the flag name
    mount_type: str = ""  # MOUNT_*: the mount's type (explicit or default)
    key: str = ""  # MOUNT_VALUE / DIRECTIVE_VALUE / CHECK_VALUE: the key
    arg_index: int = -1  # index among non-flag arguments (0-based)
    token_index: int = -1  # index among all tokens after the keyword
    braces: bool = False  # VARIABLE written as ``${``
    tokens: list[Token] = field(default_factory=list)  # tokens after the keyword
    in_flags: bool = False  # the cursor token is in the leading flag region
    has_from_flag: bool = False  # COPY/ADD with --from=
    json: bool = False  # the arguments are (or start) a JSON array
    heredoc: bool = False  # the arguments contain a heredoc marker


_DIRECTIVE_LINE = re.compile(r"^(\s*#\s*)([A-Za-z]*)(\s*=\s*)?(.*)$")
_PRAGMA = re.compile(
    r"^(\s*#\s*(?:hadolint|dockerls)[ \t]+(?:(?:global|stage)[ \t]+)?ignore[ \t]*=[ \t]*)"
)
_VAR_TAIL = re.compile(r"\$(\{?)([A-Za-z0-9_]*)$")
_NAME_CHARS = re.compile(r"[A-Za-z0-9_]*")


def tokens_of(
    text: str,
    start: int,
    end: int,
    escape: str,
    skip: tuple[tuple[int, int], ...] = (),
    until: int | None = None,
) -> list[Token]:
    """Whitespace-separated words of ``text[start:end]``.  Quotes group words;
    ``escape`` + newline (a continuation) separates; spans in ``skip``
    (comment lines inside continuations) are ignored.  With ``until``, the
    scan stops at the first token boundary after that offset."""
    out: list[Token] = []
    i = start
    cur_start = -1
    buf: list[str] = []
    quote = ""
    skip_iter = sorted(skip)

    def flush(at: int) -> None:
        nonlocal cur_start, buf
        if cur_start >= 0:
            out.append(Token(cur_start, at, "".join(buf)))
        cur_start = -1
        buf = []

    while i < end:
        if until is not None and i > until and cur_start < 0 and not quote:
            break
        for s0, s1 in skip_iter:
            if s0 <= i < s1:
                flush(i)
                i = s1
                break
        if i >= end:
            break
        ch = text[i]
        if ch == escape and not quote:
            # continuation: escape, optional blanks, newline
            j = i + 1
            while j < end and text[j] in " \t\r":
                j += 1
            if j >= end or text[j] == "\n":
                flush(i)
                i = j + 1
                continue
            if cur_start < 0:
                cur_start = i
            buf.append(text[i : i + 2])
            i += 2
            continue
        if quote:
            if ch == quote:
                quote = ""
            elif ch == "\n":
                quote = ""
                flush(i)
                i += 1
                continue
            buf.append(ch)
            i += 1
            continue
        if ch in " \t\r\n":
            flush(i)
            i += 1
            continue
        if ch in "'\"":
            quote = ch
        if cur_start < 0:
            cur_start = i
        buf.append(ch)
        i += 1
    flush(min(i, end))
    return out


def _at_token(tokens: list[Token], rel: int) -> int:
    """Index of the token under ``rel`` (touching its end counts), or -1."""
    for k, t in enumerate(tokens):
        if t.start <= rel <= t.end:
            return k
        if t.start > rel:
            break
    return -1


def _count_before(tokens: list[Token], rel: int) -> int:
    return sum(1 for t in tokens if t.end < rel)


def classify(p: Parse, offset: int) -> Cursor:
    """Classify the cursor at absolute code-point ``offset``."""
    if not p.items:
        return Cursor(Kind.KEYWORD, item=-1)
    i = p.item_at(offset)
    it = p.items[i]
    base = p.starts[i]
    rel = offset - base
    text = it.text
    # the cursor on a fresh line after the item's final newline
    if rel >= len(text) and text.endswith("\n") and rel > 0:
        return Cursor(Kind.KEYWORD, item=i, base=base, rel=rel, start=rel, end=rel)
    if isinstance(it, Directive) or (isinstance(it, Comment) and i <= p.header):
        c = _directive(p, i, base, rel, text)
        if c is not None:
            return c
    if isinstance(it, Comment):
        return _comment(i, base, rel, text)
    if isinstance(it, Instruction):
        return _instruction(p, i, base, rel, it)
    # blank line: a keyword may be typed here
    line_start = text.rfind("\n", 0, rel) + 1
    return Cursor(
        Kind.KEYWORD,
        item=i,
        base=base,
        rel=rel,
        start=line_start,
        end=rel,
        prefix=text[line_start:rel].strip(),
    )


def _directive(p: Parse, i: int, base: int, rel: int, text: str) -> Cursor | None:
    first_nl = text.find("\n")
    line = text if first_nl < 0 else text[:first_nl]
    if rel > len(line):
        return None
    m = _DIRECTIVE_LINE.match(line)
    if m is None:
        return None
    name_start = m.end(1)
    name_end = m.end(2)
    name = m.group(2)
    if rel < name_start:
        return None
    if m.group(3) is None:
        if rel > name_end or line[name_end:].strip():
            return None
        return Cursor(
            Kind.DIRECTIVE_NAME, i, base, rel, name_start, name_end, line[name_start:rel], name
        )
    if rel <= name_end:
        return Cursor(
            Kind.DIRECTIVE_NAME, i, base, rel, name_start, name_end, line[name_start:rel], name
        )
    v_start = m.end(3)
    if rel < v_start:
        return None
    low = name.lower()
    value_end = len(line.rstrip())
    if low == "check":
        # ``skip=A,B;error=true``: find the ``key=value`` part under the cursor
        seg_start = line.rfind(";", v_start, rel) + 1 or v_start
        seg_start = max(seg_start, v_start)
        while seg_start < rel and line[seg_start] in " \t":
            seg_start += 1
        seg_end = line.find(";", rel)
        seg_end = value_end if seg_end < 0 else seg_end
        eq = line.find("=", seg_start, rel)
        if eq < 0:
            return Cursor(
                Kind.CHECK_KEY,
                i,
                base,
                rel,
                seg_start,
                _word_end(line, seg_start, "=;"),
                line[seg_start:rel],
                line[seg_start : _word_end(line, seg_start, "=;")],
                key="",
            )
        key = line[seg_start:eq].strip().lower()
        vs = line.rfind(",", eq, rel) + 1 or eq + 1
        vs = max(vs, eq + 1)
        while vs < rel and line[vs] in " \t":
            vs += 1
        ve = _word_end(line, vs, ",;")
        return Cursor(
            Kind.CHECK_VALUE,
            i,
            base,
            rel,
            vs,
            min(ve, seg_end),
            line[vs:rel],
            line[vs:ve].strip(),
            key=key,
        )
    return Cursor(
        Kind.DIRECTIVE_VALUE,
        i,
        base,
        rel,
        v_start,
        max(value_end, rel),
        line[v_start:rel],
        line[v_start:value_end],
        key=low,
    )


def _word_end(s: str, i: int, stops: str) -> int:
    while i < len(s) and s[i] not in stops and s[i] not in " \t\r\n":
        i += 1
    return i


def _comment(i: int, base: int, rel: int, text: str) -> Cursor:
    nl = text.find("\n")
    line = text if nl < 0 else text[:nl]
    m = _PRAGMA.match(line)
    if m is not None and rel >= m.end(1) and rel <= len(line):
        hash_pos = line.find("#", m.end(1))
        stop = len(line) if hash_pos < 0 else hash_pos
        if rel <= stop:
            s = rel
            while s > m.end(1) and (line[s - 1].isalnum() or line[s - 1] in "_-"):
                s -= 1
            e = rel
            while e < stop and (line[e].isalnum() or line[e] in "_-"):
                e += 1
            return Cursor(Kind.PRAGMA_CODE, i, base, rel, s, e, line[s:rel], line[s:e])
    return Cursor(Kind.COMMENT, i, base, rel, rel, rel)


def _instruction(p: Parse, i: int, base: int, rel: int, inst: Instruction) -> Cursor:
    text = inst.text
    for h in inst.heredocs:
        if h.body_span.start <= rel <= h.body_span.end and rel > h.marker_span.end:
            c = Cursor(Kind.HEREDOC, i, base, rel, rel, rel, instruction=inst.name)
            return _maybe_variable(c, text, h.body_span.start, rel) or c
    for s in inst.inner_comments:
        if s.start <= rel < s.end:
            return Cursor(Kind.COMMENT, i, base, rel, rel, rel)
    end = len(text)
    if inst.heredocs:
        end = min(end, inst.heredocs[0].body_span.start)
    # the trailing newline of the instruction belongs to no token
    skip = tuple((s.start, s.end) for s in inst.inner_comments)
    toks = tokens_of(text, 0, end, p.escape, skip, until=rel)
    if rel > end:
        return Cursor(Kind.NONE, i, base, rel, rel, rel)
    k = _at_token(toks, rel)
    if not toks or k == 0:
        t = toks[0] if toks else Token(rel, rel, "")
        return Cursor(Kind.KEYWORD, i, base, rel, t.start, t.end, text[t.start : rel], t.text)
    name = toks[0].text.upper()
    rest = toks[1:]
    onbuild = False
    if name == "ONBUILD":
        onbuild = True
        kk = _at_token(rest, rel)
        if not rest or kk == 0 or (kk < 0 and _count_before(rest, rel) == 0):
            t = rest[0] if rest and kk == 0 else Token(rel, rel, "")
            return Cursor(
                Kind.KEYWORD,
                i,
                base,
                rel,
                t.start,
                t.end,
                text[t.start : rel],
                t.text,
                instruction="ONBUILD",
                onbuild=True,
            )
        name = rest[0].text.upper()
        rest = rest[1:]
    kk = _at_token(rest, rel)
    if kk >= 0:
        tok = rest[kk]
    else:
        tok = Token(rel, rel, "")
        kk = _count_before(rest, rel)
    # leading flags
    n_flags = 0
    for t in rest:
        if t.text.startswith("-") and t.start != tok.start:
            n_flags += 1
        else:
            break
    has_from = any(t.text.startswith("--from=") for t in rest[:n_flags])
    in_flags = kk <= n_flags
    args_before = kk - n_flags if not in_flags else 0
    first_arg = (
        rest[n_flags].text if len(rest) > n_flags and rest[n_flags].start != tok.start else tok.text
    )
    c = Cursor(
        Kind.ARGUMENT,
        i,
        base,
        rel,
        tok.start,
        tok.end,
        text[tok.start : rel],
        tok.text,
        instruction=name,
        onbuild=onbuild,
        arg_index=args_before,
        token_index=kk,
        tokens=rest,
        in_flags=in_flags,
        has_from_flag=has_from,
        json=first_arg.lstrip().startswith("["),
        heredoc=bool(inst.heredocs) or "<<" in tok.text,
    )
    if in_flags and tok.text.startswith("-"):
        return _flag(c, text, tok)
    v = _maybe_variable(c, text, tok.start, rel)
    if v is not None:
        return v
    return _argument(c, text, tok)


def _maybe_variable(c: Cursor, text: str, start: int, rel: int) -> Cursor | None:
    m = _VAR_TAIL.search(text, start, rel)
    if m is None or m.end() != rel:
        return None
    if m.start() > 0 and text[m.start() - 1] == "\\":
        return None
    braces = bool(m.group(1))
    if not braces and m.group(2)[:1].isdigit():
        return None
    name_start = m.start(2)
    tail = _NAME_CHARS.match(text, rel)
    name_end = tail.end() if tail else rel
    c.kind = Kind.VARIABLE
    c.start = name_start
    c.end = name_end
    c.prefix = text[name_start:rel]
    c.text = text[name_start:name_end]
    c.braces = braces
    return c


def _flag(c: Cursor, text: str, tok: Token) -> Cursor:
    rel = c.rel
    eq = text.find("=", tok.start, tok.end)
    if eq < 0 or rel <= eq:
        name_end = eq if eq >= 0 else tok.end
        c.kind = Kind.FLAG_NAME
        c.end = name_end
        c.text = text[tok.start : name_end]
        c.flag = c.text.lstrip("-")
        return c
    c.flag = text[tok.start : eq].lstrip("-")
    v = _maybe_variable(c, text, eq + 1, rel)
    if v is not None:
        return v
    if c.flag == "mount" and c.instruction == "RUN":
        return _mount(c, text, eq + 1, tok.end)
    c.kind = Kind.FLAG_VALUE
    c.start = eq + 1
    c.end = tok.end
    c.prefix = text[eq + 1 : rel]
    c.text = text[eq + 1 : tok.end]
    return c


def _mount(c: Cursor, text: str, vstart: int, vend: int) -> Cursor:
    rel = c.rel
    value = text[vstart:vend]
    mtype = "bind"
    for seg in value.split(","):
        k, _, v = seg.partition("=")
        if k.strip().lower() == "type" and v:
            mtype = v.strip().strip("'\"").lower()
    c.mount_type = mtype
    seg_start = text.rfind(",", vstart, rel)
    seg_start = vstart if seg_start < 0 else seg_start + 1
    seg_end = text.find(",", rel, vend)
    seg_end = vend if seg_end < 0 else seg_end
    eq = text.find("=", seg_start, rel)
    if eq < 0:
        key_end = text.find("=", seg_start, seg_end)
        key_end = seg_end if key_end < 0 else key_end
        c.kind = Kind.MOUNT_KEY
        c.start, c.end = seg_start, key_end
        c.prefix = text[seg_start:rel]
        c.text = text[seg_start:key_end]
        c.key = c.text.lower()
        return c
    c.kind = Kind.MOUNT_VALUE
    c.key = text[seg_start:eq].strip().lower()
    c.start, c.end = eq + 1, seg_end
    c.prefix = text[eq + 1 : rel]
    c.text = text[eq + 1 : seg_end]
    return c


def _argument(c: Cursor, text: str, tok: Token) -> Cursor:
    name = c.instruction
    a = c.arg_index
    if name == "FROM":
        if a == 0:
            word = tok.text
            slash = word.rfind("/")
            colon = word.find(":", slash + 1)
            at = word.find("@")
            cut = rel_in = c.rel - tok.start
            if colon >= 0 and rel_in > colon and (at < 0 or rel_in <= at):
                c.kind = Kind.IMAGE_TAG
                c.key = word[:colon]
                c.start = tok.start + colon + 1
                end = at if at >= 0 else len(word)
                c.end = tok.start + end
                c.prefix = word[colon + 1 : cut]
                c.text = word[colon + 1 : end]
            else:
                c.kind = Kind.IMAGE
        elif a == 1:
            c.kind = Kind.AS_KEYWORD
        elif a == 2:
            c.kind = Kind.STAGE_NAME
        return c
    if name in ("COPY", "ADD"):
        c.kind = Kind.PATH
    elif name == "HEALTHCHECK" and a == 0:
        c.kind = Kind.HEALTHCHECK_SUB
    elif name == "STOPSIGNAL" and a == 0:
        c.kind = Kind.SIGNAL
    elif name == "EXPOSE":
        slash = text.find("/", tok.start, c.rel)
        if slash >= 0:
            c.kind = Kind.EXPOSE_PROTO
            c.key = text[tok.start : slash]
            c.start = slash + 1
            c.prefix = text[slash + 1 : c.rel]
            c.text = text[slash + 1 : tok.end]
        else:
            c.kind = Kind.EXPOSE_PORT
    return c
