"""Image intelligence from the registry: tags, hover details, pinning.

Pure functions over what the server already fetched (an ``ImageInfo``, a tag list,
a current digest): no network, no futures, no server state.  The server
(``server.py``, "registry features") does the lookups on the ``RegistryService``
and hands the results in:

- :func:`completion_tags` orders a repository's tags for completion (newest
  first) and drops tags known not to exist for the FROM's ``--platform``;
  :func:`tag_items` builds completion items that say where the tags came from.
- :func:`hover_text` describes a resolved base image (digest, platforms,
  created, size, web page), or says why nothing is known.
- :func:`lookup_stages`, :func:`version_candidates`, :func:`most_specific_tag`
  and :func:`image_code_actions` make the "Pin to digest", "Pin to a specific
  version" and "Update pinned digest" code actions (quick fixes of DL3006 and
  DL3007 when those diagnostics are in the request's context); :func:`pin_target` says
  where they edit: the FROM's word, or the ARG default a ``FROM ${BASE}`` takes its image
  from when every build uses that default.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from lsprotocol import types as lsp

from dockerls.analysis.baseimage import Located, base_image, base_images, plain_word
from dockerls.analysis.buildview import context_everywhere
from dockerls.analysis.facts import ImageFacts
from dockerls.analysis.model import Model, Stage, var_refs
from dockerls.analysis.rules._registry import UPDATE_DIGEST, registry_ref
from dockerls.features.caps import ClientCaps
from dockerls.features.links import image_url
from dockerls.features.positions import item_range, offset_of
from dockerls.registry.base import ImageInfo
from dockerls.registry.tags import sort_tags, tag_version
from dockerls.syntax.imageref import ImageRef
from dockerls.syntax.nodes import Span
from dockerls.syntax.platforms import platform_matches
from dockerls.syntax.text import break_count

__all__ = [
    "PIN_DIGEST",
    "PIN_VERSION",
    "UPDATE_DIGEST",
    "ArgTagSite",
    "ImageFacts",
    "arg_tag_site",
    "completion_tags",
    "hover_text",
    "human_size",
    "image_code_actions",
    "image_details",
    "lookup_images",
    "lookup_ref",
    "lookup_stages",
    "most_specific_tag",
    "pin_stages_in_range",
    "pin_target",
    "stage_lookups",
    "stages_in_range",
    "tag_items",
    "version_candidates",
]

PIN_DIGEST = "Pin to digest"
PIN_VERSION = "Pin to a specific version"

QUICK_FIX_CODES = frozenset({"DL3006", "DL3007"})


# ---------------------------------------------------------------- shared helpers


def _platforms_of(info: ImageInfo) -> list[str]:
    if info.platforms:
        return [p.name for p in info.platforms if p.os != "unknown"]
    return [info.platform] if info.platform else []


lookup_ref = registry_ref  # the stage's image reference if a registry can be asked about it


def _stage_platform(stage: Stage) -> str | None:
    plat = stage.platform
    if not plat or "$" in plat:
        return None
    return plat


# ---------------------------------------------------------------- completion


def completion_tags(
    tags: Iterable[str],
    *,
    platform: str | None = None,
    info_for: Callable[[str], ImageInfo | None] | None = None,
) -> list[str]:
    """Tags newest first (semver-aware, see ``sort_tags``).

    With a ``platform`` (the FROM's ``--platform``) and ``info_for(tag)`` giving the
    cached resolution of a tag, tags whose image is known to lack that platform are
    dropped; tags not resolved yet are kept.
    """
    ordered = sort_tags(tags)
    if platform is None or "$" in platform or info_for is None:
        return ordered
    out = []
    for t in ordered:
        info = info_for(t)
        if info is not None:
            plats = _platforms_of(info)
            if plats and not any(platform_matches(h, platform) for h in plats):
                continue
        out.append(t)
    return out


def tag_items(
    image: str,
    tags: Sequence[str],
    *,
    status: str | None = None,
    prefix: str = "",
) -> list[lsp.CompletionItem]:
    """Completion items for ``tags`` of ``image`` in the given order.

    ``status`` (e.g. "registry lookups are turned off", "looking up tags…") is put in
    every item's detail; with no tags it becomes one item that inserts nothing new
    (it re-inserts ``prefix``), so the user sees why the list is empty.
    """
    if not tags:
        if status is None:
            return []
        return [
            lsp.CompletionItem(
                label=prefix or image,
                kind=lsp.CompletionItemKind.Text,
                detail=f"No tags for {image}: {status}",
                insert_text=prefix,
                filter_text=prefix,
                sort_text="~",
            )
        ]
    suffix = f" ({status})" if status else ""
    return [
        lsp.CompletionItem(
            label=t,
            kind=lsp.CompletionItemKind.Value,
            detail=f"{image}:{t}{suffix}",
            sort_text=f"{n:06d}",
            insert_text=t,
        )
        for n, t in enumerate(tags)
    ]


@dataclass(frozen=True, slots=True)
class ArgTagSite:
    """A cursor in a global ARG's default that a FROM's image tag is built from: tags of
    ``image`` that start with ``pre`` and end with ``post`` (the FROM's literal text around
    the variable) fit; each inserts its middle over ``start``..cursor (offsets in the item)."""

    image: str
    pre: str
    post: str
    start: int

    def fitting(self, tags: Iterable[str]) -> list[tuple[str, str]]:
        """(tag, text to insert) of the tags that fit, in the given order."""
        lo, hi = len(self.pre), len(self.post)
        return [
            (t, t[lo : len(t) - hi])
            for t in tags
            if len(t) > lo + hi and t.startswith(self.pre) and t.endswith(self.post)
        ]


def arg_tag_site(model: Model, item: int, rel: int) -> ArgTagSite | None:
    """Tag completion inside a global ARG's default (offset ``rel`` in ``item``) when a FROM
    uses that ARG: ``ARG BASE=python:3.1`` with ``FROM ${BASE}`` (after the value's tag
    colon), or ``ARG VER=3.1`` with ``FROM python:${VER}-slim``."""
    d = next((d for d in model.global_args if d.item == item), None)
    span = d.value_span if d is not None else None
    if d is None or d.value is None or span is None or not span.start <= rel <= span.end:
        return None
    typed = d.value[: rel - span.start]
    if typed[:1] in ("'", '"') or "$" in typed:
        return None
    for st in model.stages:
        written = st.image
        refs = [r for r in var_refs(written, model.escape) if r.name == d.name]
        if st.base_stage is not None or not refs:
            continue
        ref = refs[0]
        if ref.start == 0 and ref.end == len(written):  # FROM ${BASE}: the value is the image
            colon = typed.rfind(":")
            if colon > typed.rfind("/") and "@" not in typed:
                return ArgTagSite(typed[:colon], "", "", span.start + colon + 1)
            continue
        colon = written.rfind(":", 0, ref.start)
        name, pre = written[:colon], written[colon + 1 : ref.start]
        post = written[ref.end :].split("@", 1)[0]
        if colon > written.rfind("/", 0, ref.start) and "$" not in name + pre + post:
            return ArgTagSite(name, pre, post, span.start)
    return None


# ---------------------------------------------------------------- hover


def human_size(n: int) -> str:
    """``1234567`` -> ``1.2 MB`` (decimal units, as registries' web pages show)."""
    size = float(n)
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{int(size)} B" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{n} B"  # pragma: no cover


def hover_text(
    ref: ImageRef,
    info: ImageInfo | None,
    *,
    markdown: bool,
    status: str | None = None,
) -> str:
    """Registry details for a base image, to append to the hover.

    ``info`` is the resolution of ``ref`` (``None`` when unknown); ``status`` says
    why it is unknown: lookups off, lookup still running, or the registry's error.
    """

    def code(s: str) -> str:
        return f"`{s}`" if markdown else s

    sep = "\n\n" if markdown else "\n"
    lines: list[str] = []
    if info is None:
        lines.append(f"Registry: {status or 'nothing known yet'}")
    else:
        lines.append(f"Resolved digest: {code(info.digest)}")
        plats = _platforms_of(info)
        if info.is_multi_platform and plats:
            lines.append("Platforms: " + ", ".join(code(p) for p in plats))
        elif plats:
            lines.append(f"Platform: {code(plats[0])}")
        described = f" ({info.platform})" if info.is_multi_platform and info.platform else ""
        if info.created:
            lines.append(f"Created{described}: {info.created}")
        if info.size is not None:
            lines.append(f"Size{described}: {human_size(info.size)}")
        if status:
            lines.append(status)
    url = image_url(ref)
    if url:
        name = ref.familiar_name
        lines.append(f"[{name} on {ref.domain}]({url})" if markdown else f"Web page: {url}")
    return sep.join(lines)


# ---------------------------------------------------------------- code actions


def image_stage_at(model: Model, position: lsp.Position, caps: ClientCaps) -> Stage | None:
    """The stage whose FROM image word holds ``position`` (hover on a base image)."""
    p = model.parse
    off = offset_of(p, position, caps.encoding)
    item = p.item_at(off)
    st = next((s for s in model.stages if s.first == item), None)
    if st is None or st.image_span is None:
        return None
    rel = off - p.starts[item]
    return st if st.image_span.start <= rel <= st.image_span.end else None


def lookup_stages(model: Model, stages: Iterable[Stage] | None = None) -> list[Stage]:
    """Stages whose image can be looked up (all stages by default)."""
    src = model.stages if stages is None else stages
    return [st for st in src if lookup_ref(st) is not None]


def lookup_images(model: Model) -> list[tuple[Stage, str, ImageRef]]:
    """(stage, key in ``Facts.images``, reference) of every base image a registry can be
    asked about: a literal FROM as written, and a FROM built from ARGs as each known build
    makes it (the ARG defaults when no build is known), under the resolved reference."""
    return [(st, key, ref) for st in model.stages for key, ref in stage_lookups(model, st)]


def stage_lookups(model: Model, stage: Stage) -> list[tuple[str, ImageRef]]:
    """(key in ``Facts.images``, reference) of the images of ``stage`` a registry can be
    asked about (see ``lookup_images``)."""
    ref = lookup_ref(stage)
    written = [] if ref is None or context_everywhere(model, stage) else [(stage.image, ref)]
    # built from ARGs, or given by named contexts (``docker-image://``) in its place
    return written + [(loc.text, loc.ref) for loc in base_images(stage, model) if loc.from_arg]


def image_details(
    model: Model,
    stage: Stage,
    word: str,
    details: Callable[[str, Located | None], str | None],
    *,
    markdown: bool,
) -> str | None:
    """The hover's image details of ``stage`` (its FROM image ``word``): ``details(reference,
    located)`` of the image as written, or, for an image built from ARGs, of the image each
    build resolves it to (the ARG defaults when no build is known), each under a heading
    naming the value and its builds; and of the image each ``docker-image://`` named
    context gives in its place, under such a heading too."""
    sep = "\n\n" if markdown else "\n"
    parts = []
    if "$" not in stage.image:
        written = (
            None if context_everywhere(model, stage) else details(word, base_image(stage, model))
        )
        parts = [written] if written else []
    for loc in base_images(stage, model):
        if not loc.from_arg:
            continue  # as written: above
        found = details(loc.text, loc)
        heading = loc.described if markdown else loc.described.replace("`", "")
        parts.append(heading + (":" + sep + found if found else ""))
    return sep.join(parts) or None


def stages_in_range(model: Model, rng: lsp.Range, caps: ClientCaps) -> list[Stage]:
    """Look-up-able stages whose FROM instruction intersects ``rng``."""
    return [st for st in _from_in_range(model, rng, caps) if lookup_ref(st) is not None]


def _from_in_range(model: Model, rng: lsp.Range, caps: ClientCaps) -> list[Stage]:
    p = model.parse
    if not p.items:
        return []
    start = offset_of(p, rng.start, caps.encoding)
    end = offset_of(p, rng.end, caps.encoding)
    out = []
    for st in model.stages:
        first = p.starts[st.first]
        if start <= first + len(st.from_inst.text) and end >= first:
            out.append(st)
    return out


@dataclass(frozen=True, slots=True)
class PinTarget:
    """Where pinning edits a stage's image: the FROM's word for a literal image, or the
    default of the global ARG a ``FROM ${BASE}`` takes its whole image from."""

    ref: ImageRef
    item: int  # the item holding the reference as written
    start: int  # the reference's offset in that item
    arg: str | None = None  # the ARG whose default holds it


def pin_target(model: Model, stage: Stage) -> PinTarget | None:
    """The stage's ``PinTarget``: a literal image written as one plain word, or ``FROM
    ${BASE}`` when every known build uses the ARG's default (one image, as written there)."""
    ref = lookup_ref(stage)
    if ref is not None:
        span = stage.image_span
        ok = span is not None and plain_word(stage)
        return PinTarget(ref, stage.first, span.start) if ok and span is not None else None
    refs = var_refs(stage.image, model.escape) if "$" in stage.image else []
    if len(refs) != 1 or (refs[0].start, refs[0].end) != (0, len(stage.image)):
        return None
    found = base_images(stage, model)
    if len(found) != 1 or not found[0].from_arg:
        return None
    name = refs[0].name
    d = next((d for d in reversed(model.global_args) if d.name == name), None)
    if d is None or d.value_span is None or d.value != found[0].text:
        return None  # a build passes another value, or the default is quoted or built
    return PinTarget(found[0].ref, d.item, d.value_span.start, name)


def pin_stages_in_range(model: Model, rng: lsp.Range, caps: ClientCaps) -> list[Stage]:
    """Stages whose FROM intersects ``rng`` and whose image pinning can edit."""
    return [st for st in _from_in_range(model, rng, caps) if pin_target(model, st) is not None]


def version_candidates(tags: Iterable[str], limit: int = 40) -> list[str]:
    """Release version tags worth checking for "Pin to a specific version", newest first."""
    out = []
    for t in sort_tags(tags):
        v = tag_version(t)
        if v is None:
            continue
        if any(x in v[1].lower() for x in ("rc", "alpha", "beta", "pre", "dev")):
            continue
        out.append(t)
        if len(out) >= limit:
            break
    return out


def most_specific_tag(tags: Iterable[str]) -> str | None:
    """Among tags naming the same image, the one that says the most:
    most version components, then a variant suffix (``-bookworm``), then the
    longest.  ``["1", "1.27", "1.27.3", "1.27.3-bookworm", "mainline"]`` ->
    ``1.27.3-bookworm``."""
    best: tuple[int, int, int, str] | None = None
    for t in tags:
        v = tag_version(t)
        if v is None:
            continue
        nums, suffix = v
        key = (len(nums), 1 if suffix else 0, len(t), t)
        if best is None or key[:3] > best[:3]:
            best = key
    return best[3] if best else None


def _action(
    model: Model,
    uri: str,
    title: str,
    target: PinTarget,
    span: Span,
    text: str,
    caps: ClientCaps,
    diags: list[lsp.Diagnostic],
    preferred: bool,
) -> lsp.CodeAction:
    base = target.start
    rng = item_range(model.parse, target.item, base + span.start, base + span.end, caps.encoding)
    if target.arg is not None:
        title = f"{title} in ARG {target.arg}"
    edit = lsp.TextEdit(rng, text)
    return lsp.CodeAction(
        title=title,
        kind=lsp.CodeActionKind.QuickFix if diags else lsp.CodeActionKind.RefactorRewrite,
        diagnostics=diags or None,
        is_preferred=preferred or None,
        edit=lsp.WorkspaceEdit(changes={uri: [edit]}),
    )


def _diags_for(
    stage: Stage, model: Model, diagnostics: Sequence[lsp.Diagnostic]
) -> list[lsp.Diagnostic]:
    first = model.parse.lines[stage.first]
    last = first + break_count(stage.from_inst.text)
    return [
        d for d in diagnostics if d.code in QUICK_FIX_CODES and first <= d.range.start.line <= last
    ]


def image_code_actions(
    model: Model,
    uri: str,
    stages: Iterable[Stage],
    facts: Mapping[int, ImageFacts],
    caps: ClientCaps,
    diagnostics: Sequence[lsp.Diagnostic] = (),
) -> list[lsp.CodeAction]:
    """Pinning actions for ``stages`` given what the registry said (``facts`` by stage index).

    - "Pin to digest": no digest yet -> ``name[:tag]@digest`` (the tag is kept).
    - "Pin to a specific version": no tag or ``latest`` -> the most specific version
      tag with the same digest.
    - "Update pinned digest": ``name:tag@old`` where the tag now points elsewhere.
    Actions touching a FROM that has a DL3006/DL3007 diagnostic in ``diagnostics``
    are quick fixes of it.
    """
    out: list[lsp.CodeAction] = []
    for st in stages:
        target = pin_target(model, st)
        f = facts.get(st.index)
        if target is None or f is None:
            continue
        ref = target.ref
        diags = _diags_for(st, model, diagnostics)
        untagged = ref.tag is None or ref.tag == "latest"
        if ref.digest is None and f.digest:
            whole = Span(0, len(ref.text))
            out.append(
                _action(
                    model,
                    uri,
                    f"{PIN_DIGEST} ({_short(f.digest)})",
                    target,
                    whole,
                    ref.with_digest(f.digest),
                    caps,
                    diags if untagged else [],
                    preferred=False,
                )
            )
        if untagged and f.version_tag and f.version_tag != "latest":
            if ref.tag_span is not None:
                span = Span(*ref.tag_span)
                new = f.version_tag
            else:
                span = Span(ref.name_span[1], ref.name_span[1])
                new = ":" + f.version_tag
            out.append(
                _action(
                    model,
                    uri,
                    f"{PIN_VERSION} ({ref.name}:{f.version_tag})",
                    target,
                    span,
                    new,
                    caps,
                    diags,
                    preferred=bool(diags),
                )
            )
        if (
            ref.digest is not None
            and ref.tag is not None
            and ref.digest_span is not None
            and f.digest
            and f.digest != ref.digest
        ):
            out.append(
                _action(
                    model,
                    uri,
                    f"{UPDATE_DIGEST} ({ref.name}:{ref.tag} moved)",
                    target,
                    Span(*ref.digest_span),
                    f.digest,
                    caps,
                    [],
                    preferred=False,
                )
            )
    return out


def _short(digest: str) -> str:
    algo, _, hexpart = digest.partition(":")
    return f"{algo}:{hexpart[:12]}…" if hexpart else digest
