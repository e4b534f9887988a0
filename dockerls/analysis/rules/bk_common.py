"""Helpers shared by the BuildKit build checks (no rule here)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from dockerls.analysis.model import Model, Stage, VarRef, var_refs
from dockerls.syntax.nodes import Instruction, Span, Word

# modifiers whose expansion does not need the variable to be set
DEFAULTING_MODIFIERS = frozenset({"-", ":-", "+", ":+"})

# default values BuildKit gives its automatic platform ARGs (the target is
# assumed to be the build platform here)
PLATFORM_DEFAULTS: dict[str, str] = {
    "TARGETPLATFORM": "linux/amd64",
    "TARGETOS": "linux",
    "TARGETARCH": "amd64",
    "TARGETVARIANT": "",
    "BUILDPLATFORM": "linux/amd64",
    "BUILDOS": "linux",
    "BUILDARCH": "amd64",
    "BUILDVARIANT": "",
}

# never reported: BuildKit consumes these itself
NON_ENV_ARGS = frozenset({"BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"})


def word_refs(word: Word, escape: str) -> Iterator[tuple[VarRef, Span]]:
    """Variable references in a word, each with its item-relative span."""
    refs = var_refs(word.value, escape)
    exact = len(word.span) == len(word.value)
    for r in refs:
        if exact:
            yield r, Span(word.span.start + r.start, word.span.start + r.end)
        else:
            yield r, word.span


def text_refs(text: str, span: Span | None, escape: str) -> Iterator[tuple[VarRef, Span]]:
    if span is None:
        return
    yield from word_refs(Word(text, span), escape)


def _distance(a: str, b: str, limit: int) -> int:
    """The edit distance of ``a`` and ``b`` when it is at most ``limit``, else ``limit + 1``.

    Only the cells within ``limit`` of the diagonal are computed (any other is further than
    ``limit`` from the start), and the scan stops once a row's smallest entry passes it (no
    later row gets smaller)."""
    over = limit + 1
    la, lb = len(a), len(b)
    if abs(la - lb) > limit:
        return over
    prev = [j if j <= limit else over for j in range(lb + 1)]
    for i in range(1, la + 1):
        ca = a[i - 1]
        cur = [over] * (lb + 1)
        best = cur[0] = i if i <= limit else over
        for j in range(max(1, i - limit), min(lb, i + limit) + 1):
            v = prev[j - 1] if ca == b[j - 1] else prev[j - 1] + 1
            if prev[j] + 1 < v:
                v = prev[j] + 1
            if cur[j - 1] + 1 < v:
                v = cur[j - 1] + 1
            if v > over:
                v = over
            cur[j] = v
            if v < best:
                best = v
        if best > limit:
            return over
        prev = cur
    return prev[lb]


def suggest(name: str, options: Iterable[str]) -> str | None:
    """The closest known name, if one is close enough to be a likely typo."""
    best: str | None = None
    low = name.lower()
    size = len(name)
    limit = max(1, min(3, size // 3))
    best_d = limit + 1
    # options whose lengths differ by more than the limit are that many edits apart at
    # least: never close enough (nor equal but for case)
    near = sorted({opt for opt in options if abs(len(opt) - size) <= limit})
    chars = set(name)
    for opt in near:
        if opt == name:
            continue
        if opt.lower() == low:
            return opt
        # each character one name has and the other lacks takes an edit of its own
        if len(chars.difference(opt)) > limit or len(set(opt).difference(chars)) > limit:
            continue
        d = _distance(name, opt, limit)
        if d < best_d:
            best, best_d = opt, d
    return best


def stage_refs(stage: Stage, model: Model) -> bool:
    """Whether a later FROM, ``COPY --from`` or ``--mount from=`` names this stage."""
    if stage.name is None:
        return False
    low = stage.name.lower()
    for st in model.stages:
        if st.index != stage.index and st.image.lower() == low:
            return True
        for _i, inst in st.instructions:
            target = inst.sub if inst.name == "ONBUILD" and inst.sub is not None else inst
            for f in target.flags:
                if f.value is None:
                    continue
                if f.name == "from" and f.value.lower() == low:
                    return True
                if f.name == "mount":
                    for part in f.value.split(","):
                        k, _, v = part.partition("=")
                        if k.strip().lower() == "from" and v.strip().lower() == low:
                            return True
    return False


def chain(model: Model, stage: Stage) -> list[Stage]:
    """The stage and the earlier stages it builds on, nearest first."""
    out = [stage]
    seen = {stage.index}
    cur = stage
    while cur.base_stage is not None and cur.base_stage not in seen:
        cur = model.stages[cur.base_stage]
        seen.add(cur.index)
        out.append(cur)
    return out


def is_plain(inst: Instruction) -> bool:
    """Single-line instruction (fixes that rewrite text stay simple)."""
    return inst.line_count <= 1 and not inst.heredocs
