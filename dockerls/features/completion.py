"""textDocument/completion and completionItem/resolve.

One pure function, :func:`completion`, classifies the cursor with
:func:`dockerls.features.context.classify` and proposes what fits there:
instruction keywords (only those valid in context), flags and their values,
``RUN --mount`` types/keys/values, parser directives, variables in scope,
stage names, image tags (through the ``tags_for`` hook), HEALTHCHECK
subcommands, STOPSIGNAL signals, EXPOSE protocols, rule codes in pragmas, and
COPY/ADD source paths (through the ``list_dir`` hook).

Documentation comes from :mod:`dockerls.docs`; when the client can resolve
``documentation`` lazily, items carry ``data = {"doc": key}`` and
:func:`resolve` fills it in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from lsprotocol import types as lsp

from dockerls import docs
from dockerls.analysis import rules
from dockerls.analysis.model import PLATFORM_ARGS, Definition, Model
from dockerls.features.caps import ClientCaps
from dockerls.features.context import Cursor, Kind, classify
from dockerls.features.hover import doc_content, scope_of
from dockerls.features.images import arg_tag_site
from dockerls.features.positions import item_range, offset_of
from dockerls.syntax import spec
from dockerls.syntax.lines import line_start
from dockerls.syntax.parser import Parse

ListDir = Callable[[str], list[tuple[str, bool]]]
TagsFor = Callable[[str], "tuple[list[str], bool] | None"]

MAX_STAGE_ITEMS = 100

_CHMOD_VALUES = ("0644", "0755", "0600", "0700", "0444", "0555")
_DURATIONS = ("5s", "10s", "30s", "1m", "5m")
_CACHE_TARGETS = (
    "/var/cache/apt",
    "/var/lib/apt",
    "/root/.cache/pip",
    "/root/.npm",
    "/usr/local/share/.cache/yarn",
    "/go/pkg/mod",
    "/root/.cache/go-build",
    "/root/.cargo/registry",
    "/root/.m2",
    "/root/.gradle",
)


class _Out:
    """Collects items for one request."""

    def __init__(self, p: Parse, c: Cursor, caps: ClientCaps) -> None:
        self.p = p
        self.c = c
        self.caps = caps
        self.items: list[lsp.CompletionItem] = []
        self.incomplete = False
        if c.item >= 0:
            self.range: lsp.Range | None = item_range(p, c.item, c.start, c.rel, caps.encoding)
        else:
            self.range = None

    def add(
        self,
        label: str,
        kind: lsp.CompletionItemKind,
        insert: str,
        *,
        snippet: str | None = None,
        detail: str | None = None,
        doc_key: str | None = None,
        doc: str | None = None,
        sort: str | None = None,
        deprecated: bool = False,
    ) -> None:
        caps = self.caps
        fmt: lsp.InsertTextFormat | None = None
        text = insert
        if snippet is not None and caps.snippets and snippet != insert:
            text = snippet
            fmt = lsp.InsertTextFormat.Snippet
        elif caps.snippets:
            text = _escape_snippet(insert) if _needs_escape(insert) else insert
            if text != insert:
                fmt = lsp.InsertTextFormat.Snippet
        documentation: lsp.MarkupContent | None = None
        data: Any = None
        if doc is not None:
            documentation = _markup(doc, caps.completion_markdown)
        elif doc_key is not None:
            if detail is None:
                detail = _summary(doc_key)
            if caps.resolve_documentation:
                data = {"doc": doc_key}
            else:
                documentation = doc_content(doc_key, caps.completion_markdown)
        item = lsp.CompletionItem(
            label=label,
            kind=kind,
            detail=detail,
            documentation=documentation,
            sort_text=sort,
            filter_text=None,
            insert_text_format=fmt,
            text_edit=lsp.TextEdit(self.range, text) if self.range is not None else None,
            insert_text=text if self.range is None else None,
            tags=[lsp.CompletionItemTag.Deprecated] if deprecated else None,
            data=data,
        )
        self.items.append(item)


def _needs_escape(s: str) -> bool:
    return "$" in s or "\\" in s


def _escape_snippet(s: str) -> str:
    return s.replace("\\", "\\\\").replace("$", "\\$")


def _markup(text: str, markdown: bool) -> lsp.MarkupContent:
    if markdown:
        return lsp.MarkupContent(lsp.MarkupKind.Markdown, text)
    return lsp.MarkupContent(lsp.MarkupKind.PlainText, docs.to_plain_text(text))


def _summary(key: str) -> str | None:
    if key.startswith("rule:"):
        rule = rules.BY_CODE.get(key[5:])
        return None if rule is None else rule.summary
    return docs.summary(key)


def completion(
    p: Parse,
    model: Model,
    pos: lsp.Position,
    caps: ClientCaps,
    *,
    list_dir: ListDir | None = None,
    tags_for: TagsFor | None = None,
) -> lsp.CompletionList:
    """Completion items at ``pos``.  ``list_dir(relative_dir)`` lists the
    build context for COPY/ADD sources (``[(name, is_dir)]``), ``tags_for(image)``
    returns ``(tags, incomplete)`` from a registry, or ``None`` when unknown."""
    if p.items and line_start(p, pos.line) is None:
        return lsp.CompletionList(is_incomplete=False, items=[])
    offset = offset_of(p, pos, caps.encoding)
    c = classify(p, offset)
    out = _Out(p, c, caps)
    try:
        _dispatch(out, p, model, c, list_dir, tags_for)
    except Exception:  # a half-typed document must never break completion
        import logging

        logging.getLogger(__name__).exception("completion failed")
    return lsp.CompletionList(is_incomplete=out.incomplete, items=out.items)


def resolve(item: lsp.CompletionItem, caps: ClientCaps) -> lsp.CompletionItem:
    """Fill in ``documentation`` of an item whose ``data`` names a doc key."""
    data = item.data
    if isinstance(data, dict) and isinstance(data.get("doc"), str) and item.documentation is None:
        item.documentation = doc_content(data["doc"], caps.completion_markdown)
    return item


def _dispatch(
    out: _Out,
    p: Parse,
    model: Model,
    c: Cursor,
    list_dir: ListDir | None,
    tags_for: TagsFor | None,
) -> None:
    k = c.kind
    if k is Kind.KEYWORD:
        _keywords(out, model, c)
    elif k is Kind.FLAG_NAME:
        _flags(out, c)
    elif k is Kind.FLAG_VALUE:
        _flag_values(out, model, c)
    elif k is Kind.MOUNT_KEY:
        _mount_keys(out, p, c)
    elif k is Kind.MOUNT_VALUE:
        _mount_values(out, model, c)
    elif k is Kind.VARIABLE:
        _variables(out, p, model, c)
    elif k is Kind.IMAGE:
        _flags_if_empty(out, c)
        _stage_names(out, model, c, include_scratch=True)
    elif k is Kind.IMAGE_TAG:
        if tags_for is not None:
            res = tags_for(c.key)
            if res is not None:
                tags, incomplete = res
                out.incomplete = incomplete
                for n, t in enumerate(tags):
                    out.add(
                        t, lsp.CompletionItemKind.Value, t, detail=f"{c.key}:{t}", sort=f"{n:06d}"
                    )
    elif k is Kind.AS_KEYWORD:
        out.add("AS", lsp.CompletionItemKind.Keyword, "AS ", detail="Name this build stage")
    elif k is Kind.PATH:
        _flags_if_empty(out, c)
        if list_dir is not None and not c.has_from_flag:
            _paths(out, c, list_dir)
    elif k is Kind.HEALTHCHECK_SUB:
        _flags_if_empty(out, c)
        out.add(
            "CMD",
            lsp.CompletionItemKind.Keyword,
            "CMD ",
            detail="Run this command to check health",
            doc_key="instruction:HEALTHCHECK",
        )
        out.add(
            "NONE",
            lsp.CompletionItemKind.Keyword,
            "NONE",
            detail="Disable an inherited health check",
            doc_key="instruction:HEALTHCHECK",
        )
    elif k is Kind.SIGNAL:
        for n, s in enumerate(spec.STOP_SIGNALS):
            out.add(
                s,
                lsp.CompletionItemKind.EnumMember,
                s,
                sort=f"{n:03d}",
                doc_key="instruction:STOPSIGNAL",
            )
    elif k is Kind.EXPOSE_PROTO:
        for n, proto in enumerate(spec.EXPOSE_PROTOCOLS):
            out.add(
                proto,
                lsp.CompletionItemKind.EnumMember,
                proto,
                sort=f"{n}",
                detail=f"{c.key}/{proto}",
            )
    elif k is Kind.DIRECTIVE_NAME:
        _directive_names(out)
    elif k is Kind.DIRECTIVE_VALUE:
        d = spec.directive(c.key)
        if d is not None:
            for n, v in enumerate(d.values):
                out.add(v, lsp.CompletionItemKind.Value, v, sort=f"{n}", doc_key=d.doc_key)
    elif k is Kind.CHECK_KEY:
        for n, key in enumerate(spec.CHECK_KEYS):
            out.add(
                key,
                lsp.CompletionItemKind.Property,
                key + "=",
                sort=f"{n}",
                doc_key="directive:check",
            )
    elif k is Kind.CHECK_VALUE:
        _check_values(out, c)
    elif k is Kind.PRAGMA_CODE:
        for r in rules.RULES:
            out.add(
                r.code,
                lsp.CompletionItemKind.Value,
                r.code,
                detail=r.name,
                doc_key=f"rule:{r.code}",
            )
    elif k is Kind.ARGUMENT:
        _flags_if_empty(out, c)
        if tags_for is not None:
            _arg_tags(out, p, model, c, tags_for)


def _arg_tags(out: _Out, p: Parse, model: Model, c: Cursor, tags_for: TagsFor) -> None:
    """Tags in an ARG default a FROM's image is built from (``ARG BASE=python:3.1``)."""
    site = arg_tag_site(model, c.item, c.rel)
    res = tags_for(site.image) if site is not None else None
    if site is None or res is None:
        return
    tags, out.incomplete = res
    out.range = item_range(p, c.item, site.start, c.rel, out.caps.encoding)
    for n, (tag, text) in enumerate(site.fitting(tags)):
        out.add(
            text, lsp.CompletionItemKind.Value, text, detail=f"{site.image}:{tag}", sort=f"{n:06d}"
        )


# ---------------------------------------------------------------- keywords


def _keywords(out: _Out, model: Model, c: Cursor) -> None:
    if c.onbuild:
        allowed: Iterable[spec.InstructionSpec] = (
            s for s in spec.INSTRUCTIONS if s.onbuild_allowed
        )
    elif not model.stages or c.item < 0 or model.stages[0].first >= c.item:
        allowed = (s for s in spec.INSTRUCTIONS if s.name in ("FROM", "ARG"))
    else:
        allowed = spec.INSTRUCTIONS
    for s in allowed:
        for n, snip in enumerate(s.snippets):
            out.add(
                snip.label,
                lsp.CompletionItemKind.Keyword,
                snip.plain,
                snippet=snip.body,
                doc_key=s.doc_key,
                sort=("0" if s.name == "FROM" else "1") + s.name + str(n),
                deprecated=s.deprecated,
            )


# ---------------------------------------------------------------- flags


def _flags_if_empty(out: _Out, c: Cursor) -> None:
    if c.in_flags and c.prefix == "" and c.arg_index == 0:
        _flags(out, c)


def _flags(out: _Out, c: Cursor) -> None:
    used = {
        t.text.split("=", 1)[0].lstrip("-")
        for t in c.tokens[: max(c.token_index, 0)]
        if t.text.startswith("-")
    }
    for n, f in enumerate(spec.flags_for(c.instruction)):
        if f.name in used and not f.repeatable:
            continue
        plain = (
            f.label if (f.kind is spec.ValueKind.NONE or not f.value_required) else f.label + "="
        )
        out.add(
            f.label,
            lsp.CompletionItemKind.Property,
            plain,
            snippet=f.snippet,
            doc_key=f.doc_key,
            sort=f"{n:02d}",
        )


def _flag_values(out: _Out, model: Model, c: Cursor) -> None:
    f = spec.flag(c.instruction, c.flag)
    if f is None:
        return
    kind = lsp.CompletionItemKind.Value
    if f.kind is spec.ValueKind.STAGE:
        _stage_names(out, model, c, include_scratch=False)
        return
    values: tuple[str, ...] = f.allowed_values
    if f.kind is spec.ValueKind.PLATFORM:
        for n, v in enumerate(values):
            out.add(v, kind, v, sort=f"1{n:02d}", doc_key=f.doc_key)
        for n, a in enumerate(("BUILDPLATFORM", "TARGETPLATFORM")):
            out.add(
                "$" + a, lsp.CompletionItemKind.Variable, "$" + a, sort=f"0{n}", doc_key=f"arg:{a}"
            )
        return
    if f.name == "chmod":
        values = _CHMOD_VALUES
    elif f.name == "checksum":
        values = ("sha256:", "sha384:", "sha512:")
    elif f.kind is spec.ValueKind.DURATION:
        values = _DURATIONS
    elif f.kind is spec.ValueKind.INT and f.name == "retries":
        values = ("3",)
    for n, v in enumerate(values):
        out.add(v, kind, v, sort=f"{n:02d}", doc_key=f.doc_key)


# ---------------------------------------------------------------- mounts


def _mount_parts(p: Parse, c: Cursor) -> list[str]:
    """Keys already written in the ``--mount`` value under the cursor."""
    tok = next((t for t in c.tokens if t.start <= c.rel <= t.end), None)
    if tok is None:
        return []
    value = tok.text.split("=", 1)[1] if "=" in tok.text else ""
    return [seg.split("=", 1)[0].strip().lower() for seg in value.split(",")]


def _mount_keys(out: _Out, p: Parse, c: Cursor) -> None:
    present = _mount_parts(p, c)
    explicit_type = "type" in [k for k in present if k != c.key]
    if not explicit_type:
        for n, m in enumerate(spec.MOUNT_TYPES):
            out.add(
                f"type={m.name}",
                lsp.CompletionItemKind.EnumMember,
                f"type={m.name},",
                snippet=f"type={m.name},$0",
                doc_key=m.doc_key,
                sort=f"0{n}",
            )
    mt = spec.mount_type(c.mount_type) or spec.mount_type(spec.DEFAULT_MOUNT_TYPE)
    if mt is None:
        return
    for n, key in enumerate(mt.keys):
        if key.name == "type" or not key.buildkit:
            continue
        if any(name in present and name != c.key for name in key.names):
            continue
        if key.kind is spec.ValueKind.NONE or not key.value_required:
            plain = key.name
            snippet = None
        elif key.kind is spec.ValueKind.ENUM and key.values:
            plain = key.name + "="
            snippet = f"{key.name}=${{1|{','.join(key.values)}|}}"
        else:
            plain = key.name + "="
            snippet = None
        out.add(
            key.name,
            lsp.CompletionItemKind.Property,
            plain,
            snippet=snippet,
            doc_key=f"mountkey:{mt.name}:{key.name}",
            detail=("required" if key.required else None),
            sort=f"1{n:02d}",
        )


def _mount_values(out: _Out, model: Model, c: Cursor) -> None:
    if c.key == "type":
        for n, m in enumerate(spec.MOUNT_TYPES):
            out.add(
                m.name, lsp.CompletionItemKind.EnumMember, m.name, doc_key=m.doc_key, sort=f"{n}"
            )
        return
    mt = spec.mount_type(c.mount_type)
    if mt is None:
        return
    key = mt.key(c.key)
    if key is None:
        return
    doc_key = f"mountkey:{mt.name}:{key.name}"
    if key.kind is spec.ValueKind.STAGE:
        _stage_names(out, model, c, include_scratch=False)
        return
    values: tuple[str, ...] = key.values
    if key.kind is spec.ValueKind.BOOLEAN:
        values = spec.BOOLEAN_VALUES
    elif key.name == "target" and mt.name == "cache":
        values = _CACHE_TARGETS
    elif key.name == "mode":
        values = ("0400", "0444", "0600", "0644", "0755")
    for n, v in enumerate(values):
        out.add(v, lsp.CompletionItemKind.Value, v, doc_key=doc_key, sort=f"{n:02d}")


# ---------------------------------------------------------------- variables


def _variables(out: _Out, p: Parse, model: Model, c: Cursor) -> None:
    env, defs, in_from = scope_of(model, c.item)
    after = p.text[c.base + c.end : c.base + c.end + 1]
    close = "}" if c.braces and after != "}" else ""
    seen: set[str] = set()
    for n, (name, value) in enumerate(env.items()):
        seen.add(name)
        d = defs.get(name)
        detail = f"{name}={value}" if value is not None else f"{name} (no default value)"
        where = _where(p, d)
        out.add(
            name,
            lsp.CompletionItemKind.Variable,
            name + close,
            detail=detail,
            doc=f"`{d.kind if d else 'ARG'} {name}`{where}"
            + (f"\n\nValue: `{value}`" if value is not None else ""),
            sort=f"0{n:04d}",
        )
    for a in spec.PREDEFINED_ARGS:
        if a.name in seen:
            continue
        if in_from and a.name not in PLATFORM_ARGS and a.category != "proxy":
            continue
        out.add(
            a.name,
            lsp.CompletionItemKind.Variable,
            a.name + close,
            detail=f"predefined ({a.category})",
            doc_key=a.doc_key,
            sort=f"1{a.name}",
        )


def _where(p: Parse, d: Definition | None) -> str:
    if d is None:
        return ""
    return f", defined on line {p.lines[d.item] + 1}"


# ---------------------------------------------------------------- stages


def _stage_names(out: _Out, model: Model, c: Cursor, *, include_scratch: bool) -> None:
    current = model.stage_of(c.item) if c.item >= 0 else None
    limit = current.index if current is not None else len(model.stages)
    named = [st for st in model.stages[:limit] if st.name is not None]
    if len(named) > MAX_STAGE_ITEMS:
        # huge files: the nearest stages matching what was typed; ask again later
        low = c.prefix.lower()
        named = [st for st in named if st.name is not None and st.name.lower().startswith(low)]
        if len(named) > MAX_STAGE_ITEMS:
            named = named[-MAX_STAGE_ITEMS:]
            out.incomplete = True
    for st in named:
        assert st.name is not None
        out.add(
            st.name,
            lsp.CompletionItemKind.Reference,
            st.name,
            detail=f"stage {st.index}: FROM {st.image}",
            sort=f"0{st.index:04d}",
        )
    if include_scratch:
        out.add(
            "scratch",
            lsp.CompletionItemKind.Module,
            "scratch",
            detail="the empty image",
            sort="1scratch",
        )


# ---------------------------------------------------------------- paths


def _paths(out: _Out, c: Cursor, list_dir: ListDir) -> None:
    prefix = c.prefix
    if prefix.startswith(("/", "$", "[", '"', "<")) or "://" in prefix:
        return
    slash = prefix.rfind("/")
    directory = prefix[: slash + 1] if slash >= 0 else ""
    if slash >= 0:
        # replace only the last path segment
        out.range = item_range(out.p, c.item, c.start + slash + 1, c.rel, out.caps.encoding)
    try:
        entries = list_dir(directory.rstrip("/"))
    except OSError:
        return
    for name, is_dir in sorted(entries, key=lambda e: (not e[1], e[0])):
        if is_dir:
            out.add(name + "/", lsp.CompletionItemKind.Folder, name + "/")
        else:
            out.add(name, lsp.CompletionItemKind.File, name)


# ---------------------------------------------------------------- directives


def _directive_names(out: _Out) -> None:
    for n, d in enumerate(spec.DIRECTIVES):
        first = d.values[0] if d.values else ""
        snippet = f"{d.name}=${{1:{first}}}"
        out.add(
            d.name,
            lsp.CompletionItemKind.Keyword,
            f"{d.name}={first}" if d.name == "syntax" else f"{d.name}=",
            snippet=snippet,
            doc_key=d.doc_key,
            sort=f"{n}",
        )


def _check_values(out: _Out, c: Cursor) -> None:
    if c.key == "error":
        for v in spec.BOOLEAN_VALUES:
            out.add(v, lsp.CompletionItemKind.Value, v, doc_key="directive:check")
        return
    if c.key not in ("skip", "experimental"):
        return
    out.add("all", lsp.CompletionItemKind.Value, "all", sort="0", doc_key="directive:check")
    for chk in spec.BUILD_CHECKS:
        if c.key == "experimental" and not chk.experimental:
            continue
        out.add(
            chk.name,
            lsp.CompletionItemKind.Value,
            chk.name,
            detail=chk.description,
            doc_key=chk.doc_key,
            sort=f"1{chk.name}",
        )


__all__ = ["completion", "resolve"]
