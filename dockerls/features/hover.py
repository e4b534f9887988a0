"""textDocument/hover.

:func:`hover` explains what is under the cursor: instruction keywords, flags,
``RUN --mount`` types and keys, parser directives (and the rule names inside
``# check=``), variables (value and where they are defined), stage references
(the FROM line they point to), base images (name, tag and digest; registry
details through the ``image_info`` hook) and rule codes in pragmas.

Text comes from :mod:`dockerls.docs` (Markdown, or plain text derived from it
for clients without Markdown) and from the rules' own docs.  Pure.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

from lsprotocol import types as lsp

from dockerls import docs
from dockerls.analysis import rules
from dockerls.analysis.buildcheck import target_stage
from dockerls.analysis.buildview import (
    contexts_for,
    names,
    values_per_build,
    views_reaching,
)
from dockerls.analysis.model import Definition, Model, Stage, var_refs
from dockerls.features.caps import ClientCaps
from dockerls.features.context import Cursor, Kind, classify
from dockerls.features.positions import item_range, offset_of
from dockerls.syntax import spec
from dockerls.syntax.imageref import parse_image_ref
from dockerls.syntax.lines import line_start
from dockerls.syntax.nodes import Instruction
from dockerls.syntax.parser import Parse
from dockerls.syntax.text import breaks_before

ImageInfo = Callable[[str], "str | None"]


# ---------------------------------------------------------------- shared helpers


def doc_markdown(key: str) -> str | None:
    """Markdown for a doc key; ``rule:CODE`` keys come from the rule's docs."""
    if key.startswith("rule:"):
        rule = rules.BY_CODE.get(key[5:])
        if rule is None:
            return None
        body = inspect.cleandoc(rule.doc) if rule.doc else ""
        head = f"**{rule.code}** `{rule.name}`"
        if not body:
            return head + "\n"
        link = f"\n\n[Rule documentation]({rule.href})" if rule.href else ""
        return f"{head}\n\n{body}{link}\n"
    return docs.markdown(key)


def doc_content(key: str, markdown: bool) -> lsp.MarkupContent | None:
    """The doc page for ``key`` as Markdown or plain text."""
    if markdown:
        md = doc_markdown(key)
        return None if md is None else lsp.MarkupContent(lsp.MarkupKind.Markdown, md)
    if key.startswith("rule:"):
        md = doc_markdown(key)
        return (
            None
            if md is None
            else lsp.MarkupContent(lsp.MarkupKind.PlainText, docs.to_plain_text(md))
        )
    text = docs.plain_text(key)
    return None if text is None else lsp.MarkupContent(lsp.MarkupKind.PlainText, text)


def scope_of(model: Model, item: int) -> tuple[dict[str, str | None], dict[str, Definition], bool]:
    """(variables visible at ``item`` with their values, their definitions,
    whether ``item`` is in the global scope: a FROM line or before any FROM)."""
    stage = model.stage_of(item) if item >= 0 else None
    if stage is None or item == stage.first:
        env: dict[str, str | None] = {}
        genv = model.global_env()
        defs: dict[str, Definition] = {}
        for d in model.global_args:
            if d.item < item or item < 0:
                defs[d.name] = d
                env[d.name] = genv.get(d.name)
        return env, defs, True
    env = model.env_at(stage, item)
    defs = {}
    for d in stage.definitions():
        if d.item >= item:
            break
        defs[d.name] = d
    return env, defs, False


def stage_for_ref(model: Model, ref: str, item: int) -> Stage | None:
    """The stage a ``--from``/``from=``/FROM reference names (by name or index),
    only if it comes before ``item``."""
    st = model.stage_named(ref)
    if st is None and ref.isdigit():
        n = int(ref)
        st = model.stages[n] if n < len(model.stages) else None
    if st is None or st.first >= item:
        return None
    return st


# ---------------------------------------------------------------- hover


class Markup:
    """Hover text as Markdown, or as plain text for clients without it."""

    def __init__(self, markdown: bool) -> None:
        self.markdown = markdown

    def code(self, s: str) -> str:
        return f"`{s}`" if self.markdown else s

    def bold(self, s: str) -> str:
        return f"**{s}**" if self.markdown else s

    def block(self, s: str) -> str:
        return (
            f"```dockerfile\n{s}\n```"
            if self.markdown
            else "\n".join("    " + ln for ln in s.splitlines())
        )

    def link(self, text: str, uri: str | None, line: int) -> str:
        if uri and self.markdown:
            return f"[{text}]({uri}#L{line + 1})"
        return text


def hover(
    p: Parse,
    model: Model,
    pos: lsp.Position,
    caps: ClientCaps,
    *,
    uri: str | None = None,
    image_info: ImageInfo | None = None,
) -> lsp.Hover | None:
    """Hover at ``pos``; ``None`` when there is nothing to explain."""
    if not p.items or line_start(p, pos.line) is None:
        return None
    offset = offset_of(p, pos, caps.encoding)
    c = classify(p, offset)
    if c.item < 0:
        return None
    t = Markup(caps.markdown)
    item = p.items[c.item]
    if isinstance(item, Instruction) and c.kind not in (Kind.KEYWORD, Kind.COMMENT):
        v = _variable_hover(p, model, c, item, t, uri, caps)
        if v is not None:
            return _with_image_details(v, model, c, t, image_info)
    result = _hover_text(p, model, c, t, uri, image_info)
    if result is None:
        return None
    text, start, end = result
    kind = lsp.MarkupKind.Markdown if caps.markdown else lsp.MarkupKind.PlainText
    rng = item_range(p, c.item, start, end, caps.encoding) if end > start else None
    return lsp.Hover(lsp.MarkupContent(kind, text), rng)


def _with_image_details(
    v: lsp.Hover, model: Model, c: Cursor, t: Markup, image_info: ImageInfo | None
) -> lsp.Hover:
    """A variable in a FROM's image (``FROM ${BASE}``): its hover, then the details of the
    image it makes."""
    if image_info is None:
        return v
    st = next((s for s in model.stages if s.first == c.item), None)
    span = st.image_span if st is not None else None
    if st is None or span is None or not span.start <= c.rel <= span.end:
        return v
    extra = image_info(st.image)
    if not extra or not isinstance(v.contents, lsp.MarkupContent):
        return v
    sep = "\n\n" if t.markdown else "\n"
    contents = lsp.MarkupContent(v.contents.kind, v.contents.value + sep + extra)
    return lsp.Hover(contents, v.range)


def _doc(key: str | None, t: Markup) -> str | None:
    if key is None:
        return None
    md = doc_markdown(key)
    if md is None:
        return None
    return md if t.markdown else docs.to_plain_text(md)


def _hover_text(
    p: Parse, model: Model, c: Cursor, t: Markup, uri: str | None, image_info: ImageInfo | None
) -> tuple[str, int, int] | None:
    k = c.kind
    key: str | None = None
    start, end = c.start, c.end
    if k is Kind.KEYWORD:
        s = spec.instruction(c.text)
        key = s.doc_key if s is not None and c.text else None
    elif k is Kind.FLAG_NAME:
        f = spec.flag(c.instruction, c.flag)
        key = f.doc_key if f is not None else None
        start = c.start
    elif k is Kind.FLAG_VALUE:
        f = spec.flag(c.instruction, c.flag)
        if f is not None and f.kind is spec.ValueKind.STAGE:
            found = _source_text(p, model, c, t, uri)
            if found is not None:
                return found, start, end
        key = f.doc_key if f is not None else None
    elif k is Kind.MOUNT_KEY:
        mt = spec.mount_type(c.mount_type)
        if c.key == "type":
            key = mt.doc_key if mt is not None else "flag:RUN:mount"
        elif mt is not None:
            key = mt.key_doc_key(c.key)
    elif k is Kind.MOUNT_VALUE:
        mt = spec.mount_type(c.mount_type)
        if c.key == "type":
            vt = spec.mount_type(c.text)
            key = vt.doc_key if vt is not None else None
        elif c.key == "from":
            found = _source_text(p, model, c, t, uri)
            if found is not None:
                return found, start, end
            key = mt.key_doc_key(c.key) if mt is not None else None
        elif mt is not None:
            key = mt.key_doc_key(c.key)
    elif k in (Kind.IMAGE, Kind.IMAGE_TAG):
        return _image_text(p, model, c, t, uri, image_info)
    elif k is Kind.STAGE_NAME:
        st = model.stage_of(c.item)
        if st is not None and st.name:
            title = f"{t.bold('Build stage')} {t.code(st.name)} (stage {st.index})"
            return title + _builds_of(model, st, t), start, end
    elif k is Kind.AS_KEYWORD:
        key = "instruction:FROM"
    elif k is Kind.HEALTHCHECK_SUB:
        key = "instruction:HEALTHCHECK"
    elif k is Kind.SIGNAL:
        key = "instruction:STOPSIGNAL"
    elif k in (Kind.DIRECTIVE_NAME, Kind.DIRECTIVE_VALUE, Kind.CHECK_KEY):
        d = spec.directive(c.key or c.text)
        if k is Kind.DIRECTIVE_NAME:
            d = spec.directive(c.text)
        elif k is Kind.CHECK_KEY:
            d = spec.directive("check")
        key = d.doc_key if d is not None else None
    elif k is Kind.CHECK_VALUE:
        chk = spec.build_check(c.text)
        key = chk.doc_key if chk is not None else "directive:check"
    elif k is Kind.PRAGMA_CODE and c.text in rules.BY_CODE:
        key = f"rule:{c.text}"
    text = _doc(key, t)
    if text is None:
        return None
    return text, start, end


def _builds_of(model: Model, st: Stage, t: Markup) -> str:
    """The known builds that run stage ``st``: those it is the target of (the last stage:
    those naming none), those that run it for a later stage; nothing without builds."""
    if not model.facts.builds:
        return ""
    reaching = views_reaching(model, st)
    last = st is model.stages[-1]
    targets = [
        v
        for v in reaching
        if v.build is not None
        and (target_stage(v.build, model) is st or (last and not v.build.target))
    ]
    others = [v for v in reaching if v not in targets]
    lines = []
    if targets:
        lines.append(f"Built by {names(targets)}")
    if others:
        lines.append(f"Run for a later stage by {names(others)}")
    if not reaching:
        lines.append("No known build runs it")
    sep = "\n\n" if t.markdown else "\n"
    return "".join(sep + line for line in lines)


def _line_of(p: Parse, item: int) -> int:
    return p.lines[item]


def stage_text(p: Parse, st: Stage, t: Markup, uri: str | None) -> str:
    """A stage's hover: its name and index, a link to its line, its FROM line."""
    line = _line_of(p, st.first)
    first = st.from_inst.text[: st.from_inst.first_line_end].rstrip()
    name = t.code(st.name) if st.name else f"#{st.index}"
    where = t.link(f"line {line + 1}", uri, line)
    return f"{t.bold('Build stage')} {name} (stage {st.index}), {where}\n\n{t.block(first)}"


def _source_text(p: Parse, model: Model, c: Cursor, t: Markup, uri: str | None) -> str | None:
    """What a ``--from`` (or mount ``from=``) value reads: the named build context of that
    name in each known build running the stage that has one (it overwrites a stage of the
    name there), and the stage of that name."""
    here = model.stage_of(c.item)
    st = stage_for_ref(model, c.text, c.item)
    contexts = contexts_for(model, here, c.text) if here is not None else []
    if not contexts:
        return None if st is None else stage_text(p, st, t, uri)
    lines = [f"{t.bold('Named build context')} {t.code(c.text)}"]
    lines += [f"In {b.name}: {t.code(b.contexts[key])}" for b, key in contexts]
    sep = "\n\n" if t.markdown else "\n"
    if st is not None:
        lines.append(f"Builds without it read the stage:{sep}{stage_text(p, st, t, uri)}")
    return sep.join(lines)


def _image_text(
    p: Parse, model: Model, c: Cursor, t: Markup, uri: str | None, image_info: ImageInfo | None
) -> tuple[str, int, int] | None:
    # the whole image word
    tok = next((x for x in c.tokens if x.start <= c.rel <= x.end), None)
    if tok is None or not tok.text:
        return None
    word = tok.text
    st = stage_for_ref(model, word, c.item) if ":" not in word and "@" not in word else None
    if st is not None:
        return stage_text(p, st, t, uri), tok.start, tok.end
    ref = parse_image_ref(word)
    if ref.is_scratch:
        return f"{t.code('scratch')}: the empty base image (no files at all)", tok.start, tok.end
    lines = [f"{t.bold('Base image')} {t.code(ref.name)}"]
    if not ref.has_variables:
        lines.append(f"Repository: {t.code(ref.canonical_name)} on {t.code(ref.domain)}")
    if ref.tag is not None:
        lines.append(f"Tag: {t.code(ref.tag)} (a movable label chosen by the publisher)")
    elif ref.digest is None:
        lines.append(f"Tag: none given, so {t.code('latest')} is used")
    if ref.digest is not None:
        lines.append(
            f"Digest: {t.code(ref.digest)} (pins the exact image content; the tag is then ignored)"
        )
    if ref.has_variables:
        lines.append("The reference uses build arguments; it is resolved at build time.")
    stage = model.stage_of(c.item)
    for b, key in contexts_for(model, stage) if stage is not None else ():
        lines.append(f"In {b.name}, the named context {t.code(b.contexts[key])} stands in for it")
    if image_info is not None:
        extra = image_info(word)
        if extra:
            lines.append(extra)
    sep = "\n\n" if t.markdown else "\n"
    return sep.join(lines), tok.start, tok.end


def _variable_hover(
    p: Parse,
    model: Model,
    c: Cursor,
    inst: Instruction,
    t: Markup,
    uri: str | None,
    caps: ClientCaps,
) -> lsp.Hover | None:
    rel = c.rel
    text = inst.text
    # scan only the line holding the cursor (cheap), then find the reference
    ls = text.rfind("\n", 0, rel) + 1
    le = text.find("\n", rel)
    le = len(text) if le < 0 else le
    for r in var_refs(text[ls:le], p.escape):
        if ls + r.start <= rel < ls + r.end or (rel == ls + r.end and r.end > r.start):
            name = r.name
            env, defs, _glob = scope_of(model, c.item)
            d = defs.get(name)
            lines = [f"{t.bold(d.kind if d else 'Variable')} {t.code(name)}"]
            if name in env:
                v = env[name]
                lines.append(
                    f"Value: {t.code(v)}" if v is not None else "Declared without a default value"
                )
            per_build = values_per_build(model, name, c.item)
            if per_build:
                lines.append(
                    "In the builds:"
                    + "".join(
                        f"\n- {b}: " + (t.code(v) if v is not None else "not set")
                        for b, v in per_build
                    )
                )
            if d is not None:
                ln = p.lines[d.item] + text_line_offset(p, d)
                lines.append("Defined on " + t.link(f"line {ln + 1}", uri, ln))
            elif name not in env:
                pre = spec.predefined_arg(name)
                if pre is not None:
                    doc = _doc(pre.doc_key, t)
                    if doc:
                        lines.append(doc)
                else:
                    lines.append("Not defined at this point (expands to an empty string)")
            sep = "\n\n" if t.markdown else "\n"
            kind = lsp.MarkupKind.Markdown if t.markdown else lsp.MarkupKind.PlainText
            rng = item_range(p, c.item, ls + r.start, ls + r.end, caps.encoding)
            return lsp.Hover(lsp.MarkupContent(kind, sep.join(lines)), rng)
    return None


def text_line_offset(p: Parse, d: Definition) -> int:
    """Line of a definition's name inside its (possibly continued) item."""
    it = p.items[d.item]
    return breaks_before(it.text, d.name_span.start)


__all__ = [
    "Markup",
    "doc_content",
    "doc_markdown",
    "hover",
    "scope_of",
    "stage_for_ref",
    "stage_text",
    "text_line_offset",
]
