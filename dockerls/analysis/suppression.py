"""Suppression for findings made outside the rule engine.

ShellCheck's findings and the registry-backed checks' are found after the
engine has run, so they go through the same suppression here: settings
(``ignore``, ``severity``, disabled groups), ``# check=skip=`` for BuildKit's
checks and, unless disabled, the ``ignore`` pragmas (next instruction, stage,
global).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dockerls.analysis.engine import LintConfig, LintResult
from dockerls.analysis.model import Model
from dockerls.analysis.pragmas import PragmaKind, parse_check_directive, parse_pragma
from dockerls.analysis.rules.base import Severity, Violation
from dockerls.syntax.nodes import Comment, Instruction
from dockerls.syntax.parser import Parse


def filter_violations(
    parse: Parse,
    result: LintResult,
    per_item: Mapping[int, Sequence[Violation]],
    config: LintConfig,
    group: str,
) -> dict[int, tuple[Violation, ...]]:
    """Apply the engine's suppression to violations found outside the engine
    (ShellCheck's, or the registry-backed checks' with ``group``): settings
    (``ignore``, ``severity``, ``disabled_groups``) and, unless disabled, the
    ``ignore`` pragmas (next instruction, stage, and the global ones the
    engine found in ``result``)."""
    if not per_item or group in config.disabled_groups:
        return {}
    skipped = _check_skips(parse, config) if group == "buildkit" else frozenset()
    if skipped == "all":
        return {}
    model = result.model
    global_ignore = result.global_ignores
    out: dict[int, tuple[Violation, ...]] = {}
    for idx, vs in per_item.items():
        local: set[str] = set()
        if not config.disable_ignore_pragma:
            local = _pragma_codes(parse, model, idx)
        kept: list[Violation] = []
        for v in vs:
            c = v.code
            if c in config.ignore or c in local or c in global_ignore or c in skipped:
                continue
            sev = config.severity.get(c, v.severity)
            if sev is Severity.OFF:
                continue
            if sev is not v.severity:
                v = Violation(
                    v.code, v.rule_name, v.message, sev, v.span, v.fix, v.tags, v.source_group
                )
            kept.append(v)
        if kept:
            out[idx] = tuple(kept)
    return out


def _check_skips(parse: Parse, config: LintConfig) -> frozenset[str] | str:
    """The BuildKit checks ``# check=skip=...`` turns off ("all" for all)."""
    directive = parse.directive("check")
    if directive is None or not config.check_directive:
        return frozenset()
    skip = parse_check_directive(directive.value).skip
    if isinstance(skip, str):
        return "all" if skip == "all" else frozenset()
    return frozenset(skip)


def _pragma_codes(parse: Parse, model: Model, idx: int) -> set[str]:
    """Codes ignored for item ``idx`` by the comments above it and by
    ``stage ignore`` pragmas above its stage's FROM."""
    items = parse.items
    codes: set[str] = set()
    k = idx - 1
    while k >= 0 and not isinstance(items[k], Instruction):
        c = items[k]
        if isinstance(c, Comment) and "ignore" in c.body:
            pr = parse_pragma(c.body)
            if pr is not None and pr.kind is PragmaKind.IGNORE:
                codes |= pr.code_set
        k -= 1
    st = model.stage_of(idx)
    if st is not None:
        k = st.first - 1
        while k >= 0 and isinstance(items[k], Comment):
            c = items[k]
            assert isinstance(c, Comment)
            if "stage" in c.body:
                pr = parse_pragma(c.body)
                if pr is not None and pr.kind is PragmaKind.STAGE_IGNORE:
                    codes |= pr.code_set
            k -= 1
    return codes
