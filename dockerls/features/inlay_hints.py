"""``textDocument/inlayHint``: the resolved value after ``$VAR`` references
(``FROM node:${NODE_VERSION}`` shows ``= 20``)."""

from __future__ import annotations

from lsprotocol import types as lsp

from dockerls.analysis.model import Model, expand, var_refs
from dockerls.features.caps import ClientCaps
from dockerls.features.positions import item_position
from dockerls.syntax.nodes import Instruction
from dockerls.syntax.parser import Parse

MAX_LABEL = 40


def _label(value: str) -> str:
    value = value.replace("\n", "⏎")
    if len(value) > MAX_LABEL:
        value = value[: MAX_LABEL - 1] + "…"
    return f"= {value}"


def inlay_hints(p: Parse, model: Model, rng: lsp.Range, caps: ClientCaps) -> list[lsp.InlayHint]:
    out: list[lsp.InlayHint] = []
    if not p.items:
        return out
    first = p.item_at_line(rng.start.line)
    last = p.item_at_line(rng.end.line)
    genv: dict[str, str | None] | None = None
    for i in range(first, last + 1):
        inst = p.items[i]
        if not isinstance(inst, Instruction) or "$" not in inst.logical:
            continue
        refs = var_refs(inst.logical, p.escape)
        if not refs:
            continue
        st = model.stage_of(i)
        if st is None or i == st.first:
            if genv is None:
                genv = model.global_env()
            env = genv
        else:
            env = model.env_at(st, i)
        for r in refs:
            unset = r.name not in env or env[r.name] is None
            if unset and r.modifier not in (":-", "-"):
                continue
            value = expand(inst.logical[r.start : r.end], env, p.escape)
            if value == "" and env.get(r.name) is None:
                continue
            sp = inst.source_span(r.start, r.end)
            pos = item_position(p, i, sp.end, caps.encoding)
            if not (
                (rng.start.line, rng.start.character)
                <= (pos.line, pos.character)
                <= (rng.end.line, rng.end.character)
            ):
                continue
            out.append(
                lsp.InlayHint(
                    position=pos,
                    label=_label(value),
                    kind=lsp.InlayHintKind.Type,
                    padding_left=True,
                    tooltip=f"{r.name} resolves to {value!r} here (declared default)",
                )
            )
    return out
