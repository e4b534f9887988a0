"""``textDocument/documentLink``: base images to their registry's web page,
COPY/ADD sources to local files that exist."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from lsprotocol import types as lsp

from dockerls.analysis.model import Model
from dockerls.features.caps import ClientCaps
from dockerls.features.positions import item_range
from dockerls.syntax.imageref import ImageRef
from dockerls.syntax.nodes import Instruction
from dockerls.syntax.parser import Parse


def image_url(ref: ImageRef) -> str | None:
    """The web page of an image, for the registries that have one."""
    if "$" in ref.name or not ref.path or ref.is_scratch or not ref.is_valid:
        return None
    domain = ref.domain.lower()
    path = ref.path
    if ref.is_docker_hub:
        repo = ref.repository
        if repo.startswith("library/") and repo.count("/") == 1:
            return f"https://hub.docker.com/_/{repo[len('library/') :]}"
        return f"https://hub.docker.com/r/{repo}"
    if domain == "ghcr.io":
        return f"https://ghcr.io/{path}"  # redirects to the GitHub package page
    if domain == "quay.io":
        return f"https://quay.io/repository/{path}"
    if domain == "mcr.microsoft.com":
        return f"https://mcr.microsoft.com/artifact/mar/{path}"
    if domain == "gcr.io" or domain.endswith(".gcr.io"):
        return f"https://{domain}/{path}"
    return None


def _skip_source(src: str) -> bool:
    return (
        not src
        or "$" in src
        or any(ch in src for ch in "*?[")
        or "://" in src
        or src.startswith("<<")
        or src.startswith("git@")
    )


def document_links(
    p: Parse,
    model: Model,
    caps: ClientCaps,
    folder: Path | None,
    exists: Callable[[Path], bool],
) -> list[lsp.DocumentLink]:
    out: list[lsp.DocumentLink] = []
    for st in model.stages:
        ref = st.image_ref
        if ref is None or st.image_span is None or st.base_stage is not None:
            continue
        url = image_url(ref)
        if url is None:
            continue
        s = st.image_span.start + ref.name_span[0]
        e = st.image_span.start + ref.name_span[1]
        if e - s != len(ref.name):
            continue
        out.append(lsp.DocumentLink(item_range(p, st.first, s, e, caps.encoding), target=url))
    for i, it in enumerate(p.items):
        if not isinstance(it, Instruction) or it.name not in ("COPY", "ADD"):
            continue
        if any(f.name == "from" for f in it.flags):
            continue
        words = it.json_items if it.json else it.words
        for w in words[:-1]:
            src = w.value
            if it.name == "ADD" and src.startswith(("https://", "http://")) and "$" not in src:
                if not it.json and len(w.span) == len(src):
                    rng = item_range(p, i, w.span.start, w.span.end, caps.encoding)
                    out.append(lsp.DocumentLink(rng, target=src))
                continue
            if folder is None:
                continue
            if not it.json and (src.startswith(("'", '"')) or "\\" in src):
                continue
            if _skip_source(src):
                continue
            rel = src.lstrip("/") if src.startswith("/") else src
            try:
                path = (folder / rel).resolve() if rel not in ("", ".") else folder
                if not exists(path):
                    continue
            except (OSError, ValueError, RuntimeError):  # a NUL character, a symlink loop
                continue
            sp = w.span
            if it.json:
                sp = type(sp)(sp.start + 1, sp.end - 1)
            out.append(
                lsp.DocumentLink(
                    item_range(p, i, sp.start, sp.end, caps.encoding), target=path.as_uri()
                )
            )
    return out
