"""The lint engine: one pass over a parse, every rule isolated, results cached.

* Instruction rules run per instruction (ONBUILD triggers unwrapped) and
  their combined results are cached per instruction node and shell, so a
  keystroke re-runs only the instruction it touched.
* Stage rules run per stage and are cached on the identity of the stage's
  items plus the file-level facts a stage may read (stage names, global ARGs).
* File rules run every time; they must be cheap.
* A rule that raises is logged and skipped; the others still report.
* Suppression (settings, ``.hadolint.yaml``, pragmas, ``# check=``) is applied
  after the rules ran, never inside them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dockerls.analysis.model import DEFAULT_SHELL, WINDOWS_SHELL, Model, Stage, build_model
from dockerls.analysis.pragmas import PragmaKind, parse_check_directive, parse_pragma
from dockerls.analysis.rules.base import (
    Finding,
    InstructionContext,
    Rule,
    Severity,
    Tag,
    Violation,
)
from dockerls.syntax.nodes import Comment, Instruction, Span
from dockerls.syntax.parser import Parse

log = logging.getLogger(__name__)

SYNTAX_GROUP = "syntax"


@dataclass(frozen=True)
class LintConfig:
    """Everything that decides which findings are shown, and how."""

    ignore: frozenset[str] = frozenset()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    disabled_groups: frozenset[str] = frozenset()
    disable_ignore_pragma: bool = False
    duplicate_preference: str = "hadolint"  # or "buildkit"
    check_directive: bool = True
    # options rules may read through ``Model.options``
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class LintResult:
    model: Model
    # item index -> violations (spans relative to the item), in span order
    per_item: dict[int, tuple[Violation, ...]]
    rule_errors: list[tuple[str, str]] = field(default_factory=list)

    def all(self) -> list[tuple[int, Violation]]:
        return [(i, v) for i in sorted(self.per_item) for v in self.per_item[i]]


_FixMeta = dict[str, str]


class Linter:
    """Runs rules over parses, keeping caches between versions of one
    document.  Use one Linter per document."""

    def __init__(self, rules: Sequence[Rule] | None = None, config: LintConfig | None = None):
        if rules is None:
            from dockerls.analysis.rules import RULES

            rules = RULES
        self.rules = list(rules)
        self.config = config or LintConfig()
        self._by_code = {r.code: r for r in self.rules}
        self._dupe_codes = frozenset(r.code for r in self.rules if r.same_as)
        self._experimental_codes = frozenset(r.code for r in self.rules if r.experimental)
        self._instr_rules: dict[str, list[Rule]] = {}
        self._instr_rules_all: list[Rule] = []
        self._stage_rules: list[Rule] = []
        self._file_rules: list[Rule] = []
        for r in self.rules:
            scope = r.scope
            if scope == "instruction":
                if r.kinds is None:
                    self._instr_rules_all.append(r)
                else:
                    for k in r.kinds:
                        self._instr_rules.setdefault(k, []).append(r)
            elif scope == "stage":
                self._stage_rules.append(r)
            else:
                self._file_rules.append(r)
        self._instr_cache: dict[int, tuple[Instruction, tuple[str, ...], tuple[Violation, ...]]] = {}
        self._stage_cache: dict[tuple[Any, ...], list[tuple[int, Violation]]] = {}
        self.rule_errors: list[tuple[str, str]] = []

    # ------------------------------------------------------------------
    def rule(self, code: str) -> Rule | None:
        return self._by_code.get(code)

    def _violation(self, rule: Rule, f: Finding) -> Violation:
        code = f.code or rule.code
        return Violation(
            code=code,
            rule_name=rule.name,
            message=f.message,
            severity=rule.severity,
            span=f.span,
            fix=f.fix,
            tags=f.tags,
            source_group=rule.group,
        )

    def _run(self, rule: Rule, fn: Any, *args: Any) -> Iterable[Finding]:
        try:
            return list(fn(*args))
        except Exception as exc:  # a failing rule never hides the others
            log.exception("rule %s failed", rule.code)
            self.rule_errors.append((rule.code, f"{type(exc).__name__}: {exc}"))
            return []

    def _instruction_violations(
        self, inst: Instruction, shell: tuple[str, ...], escape: str
    ) -> tuple[Violation, ...]:
        entry = self._instr_cache.get(id(inst))
        if entry is not None and entry[0] is inst and entry[1] == shell:
            self._live[id(inst)] = entry
            return entry[2]
        out: list[Violation] = []
        targets: list[tuple[Instruction, bool]] = [(inst, False)]
        if inst.sub is not None:
            targets.append((inst.sub, True))
        for target, onbuild in targets:
            ctx = InstructionContext(shell, escape, onbuild)
            rules = self._instr_rules.get(target.name, [])
            for r in (*rules, *self._instr_rules_all):
                if onbuild and not r.onbuild:
                    continue
                for f in self._run(r, r.check_instruction, target, ctx):
                    out.append(self._violation(r, f))
        out.sort(key=lambda v: (v.span.start, v.span.end, v.code))
        result = tuple(out)
        self._live[id(inst)] = (inst, shell, result)
        return result

    def lint(self, p: Parse, model: Model | None = None) -> LintResult:
        self.rule_errors = []
        self._live: dict[int, tuple[Instruction, tuple[str, ...], tuple[Violation, ...]]] = {}
        if model is None:
            model = build_model(p)
        model.options = self.config.options
        items = p.items
        escape = p.escape
        per_item: dict[int, list[Violation]] = {}

        # 1. syntax issues found by the parser
        for idx, issue in p.header_issues:
            per_item.setdefault(idx, []).append(_syntax_violation(issue.code, issue.message, issue.span, issue.severity))
        # 2. instruction rules, with the shell in force
        default_shell = _default_shell(model)
        shell_pragmas = self._shell_pragmas(p)
        instr_results: dict[int, tuple[Violation, ...]] = {}
        shell = default_shell
        stage_bounds = {st.first: st for st in model.stages}
        for i in range(p.header, len(items)):
            it = items[i]
            if not isinstance(it, Instruction):
                continue
            if i in stage_bounds:
                st = stage_bounds[i]
                if st.base_stage is not None:
                    shell = self._stage_shell(model, model.stages[st.base_stage], default_shell)
                else:
                    shell = default_shell
            if it.name == "SHELL" and it.json and it.values:
                shell = tuple(it.values)
            elif i in shell_pragmas:
                shell = shell_pragmas[i]
            vs = self._instruction_violations(it, shell, escape)
            if it.issues:
                vs = tuple(
                    sorted(
                        (*vs, *(_syntax_violation(x.code, x.message, x.span, x.severity) for x in it.issues)),
                        key=lambda v: (v.span.start, v.code),
                    )
                )
            if vs:
                instr_results[i] = vs
        self._instr_cache = self._live
        # 3. stage rules, cached per stage
        global_key = _global_key(model)
        new_stage_cache: dict[tuple[Any, ...], list[tuple[int, Violation]]] = {}
        extra: list[tuple[int, Violation]] = []
        for st in model.stages:
            key = (tuple(map(id, st.items)), global_key, st.index, st.is_last)
            cached = self._stage_cache.get(key)
            if cached is None:
                cached = []
                for r in self._stage_rules:
                    for f in self._run(r, r.check_stage, st, model):
                        if f.item < 0:
                            continue
                        cached.append((f.item - st.first, self._violation(r, f)))
            new_stage_cache[key] = cached
            extra.extend((st.first + rel, v) for rel, v in cached)
        self._stage_cache = new_stage_cache
        # 4. file rules
        for r in self._file_rules:
            for f in self._run(r, r.check_file, model):
                if 0 <= f.item < len(items):
                    extra.append((f.item, self._violation(r, f)))
        # 5. combine, then filter
        result: dict[int, tuple[Violation, ...]] = dict(instr_results)
        for idx, lst in per_item.items():
            result[idx] = tuple(lst) + result.get(idx, ())
        if extra:
            grouped: dict[int, list[Violation]] = {}
            for idx, v in extra:
                grouped.setdefault(idx, []).append(v)
            for idx, lst in grouped.items():
                merged = list(result.get(idx, ())) + lst
                merged.sort(key=lambda v: (v.span.start, v.span.end, v.code))
                result[idx] = tuple(merged)
        filtered = self._filter(p, model, result)
        return LintResult(model, filtered, list(self.rule_errors))

    # ------------------------------------------------------------------
    def _shell_pragmas(self, p: Parse) -> dict[int, tuple[str, ...]]:
        """``# hadolint shell=pwsh`` applies from the next instruction on."""
        out: dict[int, tuple[str, ...]] = {}
        pending: tuple[str, ...] | None = None
        for i in range(p.header, len(p.items)):
            it = p.items[i]
            if isinstance(it, Comment):
                if "shell" in it.body:
                    pr = parse_pragma(it.body)
                    if pr is not None and pr.kind is PragmaKind.SHELL and pr.shell:
                        pending = (pr.shell, "-c")
            elif isinstance(it, Instruction) and pending is not None:
                out[i] = pending
                pending = None
        return out

    def _stage_shell(self, model: Model, st: Stage, default: tuple[str, ...]) -> tuple[str, ...]:
        shell = default
        if st.base_stage is not None and st.base_stage != st.index:
            shell = self._stage_shell(model, model.stages[st.base_stage], default)
        for _i, values in st.shells():
            shell = values
        return shell

    def _filter(
        self, p: Parse, model: Model, result: dict[int, tuple[Violation, ...]]
    ) -> dict[int, tuple[Violation, ...]]:
        cfg = self.config
        ignore = set(cfg.ignore)
        severity = cfg.severity
        disabled = cfg.disabled_groups
        # pragmas
        next_ignore: dict[int, set[str]] = {}
        global_ignore: set[str] = set()
        stage_ignore: dict[int, set[str]] = {}  # stage first item -> codes
        pending: set[str] = set()
        pending_stage: set[str] = set()
        if not cfg.disable_ignore_pragma:
            for i in range(p.header, len(p.items)):
                it = p.items[i]
                if isinstance(it, Comment):
                    body = it.body
                    if "ignore" not in body:
                        continue
                    pr = parse_pragma(body)
                    if pr is None:
                        continue
                    codes = {c.code for c in pr.codes}
                    if pr.kind is PragmaKind.GLOBAL_IGNORE:
                        global_ignore |= codes
                    elif pr.kind is PragmaKind.STAGE_IGNORE:
                        pending_stage |= codes
                    elif pr.kind is PragmaKind.IGNORE:
                        pending |= codes
                elif isinstance(it, Instruction):
                    if pending:
                        next_ignore[i] = pending
                        pending = set()
                    if pending_stage:
                        if it.name == "FROM":
                            stage_ignore[i] = pending_stage
                        pending_stage = set()
        # `# check=` directive
        check_skip: set[str] | str = set()
        check_error = False
        experimental: set[str] | str = set()
        if cfg.check_directive:
            d = p.directive("check")
            if d is not None:
                cd = parse_check_directive(d.value)
                check_skip = cd.skip if isinstance(cd.skip, str) else set(cd.skip)
                check_error = cd.error
                experimental = cd.experimental if isinstance(cd.experimental, str) else set(cd.experimental)
        # experimental checks report only when `# check=experimental=` asks for them
        off_experimental = {
            code
            for code in self._experimental_codes
            if not (experimental == "all" or (isinstance(experimental, set) and code in experimental))
        }
        stage_of: dict[int, int] = {}
        if stage_ignore:
            for st in model.stages:
                if st.first in stage_ignore:
                    for k in range(st.first, st.end):
                        stage_of[k] = st.first
        prefer_bk = cfg.duplicate_preference == "buildkit"
        out: dict[int, tuple[Violation, ...]] = {}
        quiet = (
            not ignore
            and not severity
            and not disabled
            and not next_ignore
            and not global_ignore
            and not stage_of
            and not check_skip
            and not check_error
            and not off_experimental
        )
        for idx, vs in result.items():
            if quiet and not any(v.code in self._dupe_codes or v.severity is Severity.OFF for v in vs):
                out[idx] = vs
                continue
            kept: list[Violation] = []
            local = next_ignore.get(idx, ())
            st_codes = stage_ignore.get(stage_of[idx], ()) if idx in stage_of else ()
            codes_here = {v.code for v in vs}
            for v in vs:
                c = v.code
                if c in ignore or c in global_ignore or c in local or c in st_codes:
                    continue
                if c in off_experimental:
                    continue
                if v.source_group in disabled:
                    continue
                if v.source_group == "buildkit" and (check_skip == "all" or (isinstance(check_skip, set) and c in check_skip)):
                    continue
                rule = self._by_code.get(c)
                if rule is not None and rule.same_as:
                    other = [x for x in rule.same_as if x in codes_here]
                    if other:
                        mine_bk = rule.group == "buildkit"
                        if mine_bk != prefer_bk:
                            continue
                sev = severity.get(c, v.severity)
                if v.source_group == "buildkit" and check_error:
                    sev = Severity.ERROR
                if sev is Severity.OFF:
                    continue
                if sev is not v.severity:
                    v = Violation(v.code, v.rule_name, v.message, sev, v.span, v.fix, v.tags, v.source_group)
                kept.append(v)
            if kept:
                out[idx] = tuple(kept)
        return out


def _syntax_violation(code: str, message: str, span: Span, severity: str) -> Violation:
    sev = Severity.parse(severity) if severity in ("error", "warning", "info") else Severity.STYLE
    return Violation(code, code, message, sev, span, None, (), SYNTAX_GROUP)


def _default_shell(model: Model) -> tuple[str, ...]:
    if model.stages:
        ref = model.stages[0].image.lower()
        if "windows" in ref or "nanoserver" in ref or "servercore" in ref:
            return WINDOWS_SHELL
    return DEFAULT_SHELL


def _global_key(model: Model) -> tuple[Any, ...]:
    return (
        tuple((st.name, st.image, st.base_stage) for st in model.stages),
        tuple((d.name, d.value) for d in model.global_args),
        len(model.stages),
    )


__all__ = ["LintConfig", "LintResult", "Linter", "Tag"]
