"""The lint engine: one pass over a parse, every rule isolated, results cached.

Work is organised per *stage* (the items from one FROM to the next; the
items before the first FROM form a preamble).  A stage's result is cached on
the identity of its items, the identity of the stage it builds on, and the
file-level facts any stage may read (stage names, global ARGs, the majority
keyword case, the ``# check=`` directive).  An edit therefore re-lints one
stage; inside it, instruction-rule results are cached per node and shell, so
only the edited instruction re-runs its instruction rules.

* A rule that raises is logged and skipped; the others still report.
* Rules that can't report under the configuration (ignored, off, disabled
  group, experimental and not enabled) are not run at all.
* Suppression (settings, pragmas, ``# check=``) is applied after the rules
  ran, never inside them, and it is the only suppression: every finding,
  ShellCheck's and the registry checks' included, comes from a rule here.
  A code ignored by configuration or a pragma is ignored under either of its
  names (a hadolint code and its BuildKit twin, ``Rule.same_as``).
* Outside facts (build context, registry, ShellCheck) come in as one
  :class:`~dockerls.analysis.facts.Facts` value; rules read ``model.facts``.
  Stage results are cached while :meth:`Facts.stage_inputs` stays equal; file
  rules run on every lint (ShellCheck's results change without the text).
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from dockerls.analysis import forked
from dockerls.analysis.buildview import build_views
from dockerls.analysis.command_index import run_words
from dockerls.analysis.facts import NO_FACTS, Facts, ImageFacts
from dockerls.analysis.model import (
    Model,
    Stage,
    build_model,
    default_shell,
    may_reference,
    reparsed_model,
    shell_walk,
)
from dockerls.analysis.options import NO_OPTIONS, RuleOptions
from dockerls.analysis.pragmas import PragmaKind, parse_check_directive, parse_pragma
from dockerls.analysis.rules.base import (
    UNKNOWN_KIND,
    Finding,
    InstructionContext,
    Needs,
    Rule,
    Severity,
    Tag,
    Violation,
    violation,
)
from dockerls.syntax.identity_cache import IdentityCache
from dockerls.syntax.nodes import Comment, Instruction, Item, Span
from dockerls.syntax.parser import Parse
from dockerls.syntax.spec import INSTRUCTION_NAMES

log = logging.getLogger(__name__)

SYNTAX_GROUP = "syntax"
# items to lint from which a second process pays (Linter.split_at): forking,
# pickling and unpickling cost ~10 ms; ~800 items take ~30 ms to lint
SPLIT_AT = 800
_BATCH = 8  # segments a forked child pickles and sends at a time


def split_threshold() -> int:
    """``Linter.split_at`` for this machine: ``SPLIT_AT`` where a second CPU can be
    used (``forked.available``), else 0 (never split)."""
    return SPLIT_AT if forked.available() else 0


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
    options: RuleOptions = NO_OPTIONS

    def level(self, code: str, default: Severity) -> Severity | None:
        """The level a problem no rule reports (a Compose, Bake or ignore file's) is shown
        at: the ``severity`` override of ``code``, else ``default``; None when ``ignore``
        names the code or its level is off."""
        if code in self.ignore:
            return None
        sev = self.severity.get(code, default)
        return None if sev is Severity.OFF else sev


@dataclass
class LintResult:
    model: Model
    # item index -> violations (spans relative to the item), in span order
    per_item: dict[int, tuple[Violation, ...]]
    rule_errors: list[tuple[str, str]] = field(default_factory=list)
    # codes of `global ignore` pragmas in force (empty when pragmas are off)
    global_ignores: frozenset[str] = frozenset()
    # what a forked child rendered of the items it linted (``Linter.render``): item
    # index -> (the violations it rendered, the rendering), good while ``per_item``
    # holds those very violations for the item
    rendered: dict[int, tuple[tuple[Violation, ...], Any]] = field(default_factory=dict)

    def all(self) -> list[tuple[int, Violation]]:
        return [(i, v) for i in sorted(self.per_item) for v in self.per_item[i]]


# the engine's own records are named tuples: making a dataclass costs ~0.3-0.7 ms at import,
# a named tuple ~0.1 ms (and each is built faster)
class _Directive(NamedTuple):
    skip: frozenset[str] | str = frozenset()
    error: bool = False
    experimental: frozenset[str] | str = frozenset()


class _Pinned(NamedTuple):
    """A stage result with the objects whose ids make up its cache key: while
    the entry lives they live, so their ids can't be reused by new objects.
    (Not generic: a generic named tuple needs Python 3.11.)"""

    pins: object
    value: _StageResult


class _Last(NamedTuple):
    """What the previous lint left behind, for the incremental fast path.

    It holds the previous parse, so ``Parse.parent_id`` of the next one can
    be compared with ``id(parse)`` safely."""

    parse: Parse
    model: Model
    segments: list[_Segment]
    base_per_item: dict[int, tuple[Violation, ...]]  # before file rules and global pragmas
    global_ignores: frozenset[str]
    stage_inputs: tuple[Any, ...]  # the outside facts the stage results read


class _StageResult:
    """One segment's findings and what they depend on (a plain class: see _Directive)."""

    __slots__ = (
        "global_ignores",
        "image_reads",
        "images_walked",
        "next_ignore",
        "per_item",
        "shell_out",
        "stage_ignore",
    )

    def __init__(
        self,
        per_item: dict[int, tuple[Violation, ...]],
        global_ignores: frozenset[str],
        shell_out: tuple[str, ...],
        next_ignore: dict[int, frozenset[str]],
        stage_ignore: frozenset[str],
    ) -> None:
        # relative item index -> raw violations (before global suppression)
        self.per_item = per_item
        self.global_ignores = global_ignores
        self.shell_out = shell_out  # shell in force at the end of the stage
        # the pragmas in force, for findings of file rules made later:
        # relative item index -> codes of `ignore` pragmas above it, and the
        # codes of `stage ignore` pragmas above the segment's FROM
        self.next_ignore = next_ignore
        self.stage_ignore = stage_ignore
        # the image facts the stage's rules looked up (reference -> what was there, None:
        # nothing), or the whole mapping when a rule walked it: the result holds while
        # these are unchanged, so a FROM edit elsewhere doesn't re-lint this stage
        self.image_reads: tuple[tuple[str, ImageFacts | None], ...] = ()
        self.images_walked: Mapping[str, ImageFacts] | None = None

    def images_hold(self, images: Mapping[str, ImageFacts]) -> bool:
        """Whether ``images`` answers every lookup this result made as before."""
        if self.images_walked is not None:
            return self.images_walked is images or self.images_walked == images
        for key, seen in self.image_reads:
            now = images.get(key)
            if now is not seen and now != seen:
                return False
        return True


class _ImageReads(Mapping[str, ImageFacts]):
    """``facts.images`` as one stage's rules see it, every lookup recorded
    (the stage result's dependency on the registry's facts)."""

    __slots__ = ("images", "reads", "walked")

    def __init__(self, images: Mapping[str, ImageFacts]) -> None:
        self.images = images
        self.reads: dict[str, ImageFacts | None] = {}
        self.walked = False

    def __getitem__(self, key: str) -> ImageFacts:
        found = self.reads[key] = self.images.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        found = self.reads[key] = self.images.get(key)
        return found is not None

    def get(self, key: str, default: Any = None) -> Any:
        found = self.reads[key] = self.images.get(key)
        return default if found is None else found

    def __iter__(self) -> Iterator[str]:
        self.walked = True
        return iter(self.images)

    def __len__(self) -> int:
        self.walked = True
        return len(self.images)


class _Segment(NamedTuple):
    """One linted segment: a stage, or the preamble (``stage`` None)."""

    first: int
    end: int
    stage: Stage | None
    result: _StageResult
    shell_in: tuple[str, ...]  # the shell in force at its start
    # the index of the stage it builds on (``Model.parent_stage``): part of
    # the file-level facts, so the fast path reuses it as it is
    parent: int | None = None


class _Plan(NamedTuple):
    """A segment to assemble: its cache entry, or what linting it needs."""

    first: int
    end: int
    stage: Stage | None
    shell_in: tuple[str, ...]
    parent: int | None  # the index of the stage it builds on
    items: Sequence[Item]  # its items, with the comments right above it
    key: tuple[Any, ...] | None  # its stage-cache key, once the result it builds on is known
    hit: _Pinned | None  # the cached result, None: to lint
    # when to lint: its shell steps and the shell in force after it (shell_walk)
    walked: tuple[list[tuple[int, Instruction, Any]], tuple[str, ...]] | None


class _Masks:
    """Bit masks over the words some rules need (command names, instruction names): a
    rule's mask holds the bits of the words it needs (0: it needs none), a RUN's or a
    stage's the bits of the words it has; a rule may report where the two share a bit.
    ALL stands for words that could not be read (every rule runs)."""

    ALL = -1

    def __init__(self, needs: Sequence[frozenset[str] | None]) -> None:
        self.bits: dict[str, int] = {}
        for words in needs:
            for w in sorted(words or ()):
                self.bits.setdefault(w, 1 << len(self.bits))
        self.words = frozenset(self.bits)
        self.never = 1 << len(self.bits)  # an empty need: no word has it

    def need(self, words: frozenset[str] | None) -> int:
        if words is None:
            return 0
        mask = 0 if words else self.never
        for w in words:
            mask |= self.bits[w]
        return mask

    def have(self, words: frozenset[str] | None) -> int:
        if words is None:
            return self.ALL
        mask = 0
        for w in self.words.intersection(words):
            mask |= self.bits[w]
        return mask


_FLAGS = int(Needs.FLAGS)
_EMPTY_LINES = int(Needs.EMPTY_LINES)
_REFERENCES = int(Needs.REFERENCES)


# an instruction name's rules (and an ONBUILD trigger's): those that read no command, with
# what they need of ``Needs``, and those that do, with the mask of the commands too
_Candidates = tuple[tuple[tuple[Rule, int], ...], tuple[tuple[Rule, int, int], ...]]


class _Linted(NamedTuple):
    """A segment a forked child linted, as it sends it (see ``Linter._lint_to_send``)."""

    plan: int
    result: _StageResult
    walked: bool  # its result walked the facts' image mapping
    rendered: tuple[tuple[int, Any], ...]  # per item (relative) of it: Linter.render's


class _Errors(NamedTuple):
    """The rule errors of a forked child's lint (see ``Linter._lint_missing``)."""

    errors: tuple[tuple[str, str], ...]


def _sort_key(v: Violation) -> tuple[int, int, str]:
    return (v.span.start, v.span.end, v.code)


class Linter:
    """Runs rules over parses, keeping caches between versions of one
    document.  Use one Linter per document."""

    def __init__(
        self,
        rules: Sequence[Rule] | None = None,
        config: LintConfig | None = None,
        split_at: int = 0,
        render: Callable[[Parse, int, tuple[Violation, ...]], Any] | None = None,
    ):
        if rules is None:
            from dockerls.analysis.rules import RULES

            rules = RULES
        self.rules = list(rules)
        self.config = config or LintConfig()
        # lint on two CPUs when a full lint has this many items to lint (0: never);
        # callers pass it where forked.available()
        self.split_at = split_at
        # with a split lint, the child renders the findings of the items it linted
        # with this (the diagnostics' JSON): the rendering runs on the second CPU too
        self.render = render
        self._by_code = {r.code: r for r in self.rules}
        self._dupe_codes = frozenset(r.code for r in self.rules if r.same_as)
        # every name of a finding: its code and its twins' (DL3025 and
        # JSONArgsRecommended are one problem); ignoring either ignores both
        self._names: dict[str, tuple[str, ...]] = {}
        for r in self.rules:
            for twin in r.same_as:
                self._names[r.code] = (*self._names.get(r.code, (r.code,)), twin)
                self._names[twin] = (*self._names.get(twin, (twin,)), r.code)
        self._experimental_codes = frozenset(r.code for r in self.rules if r.experimental)
        # per instruction node (by id), its findings under the shell in force: each entry
        # holds its node, so no id in a live key can belong to a new object (entries of
        # nodes an edit replaced are dropped by the keystroke path, the rest when the cache
        # outgrows the document)
        self._instr_cache: dict[
            int, tuple[Instruction, tuple[str, ...], tuple[Violation, ...]]
        ] = {}
        # per item node: its findings once file rules' joined them (see _finish)
        self._file_cache: IdentityCache[tuple[Violation, ...]] = IdentityCache(1 << 30)
        # keyed by the ids of a segment's items (and of the result it builds
        # on); each entry holds those objects (``_Pinned``), so no id in a
        # live key can belong to a new object
        self._stage_cache: dict[tuple[Any, ...], _Pinned] = {}
        self._casing_totals = (0, 0)  # (lowercase, uppercase) keywords in the last parse
        self._active_for: _Directive | None = None
        self._last: _Last | None = None
        self._file_facts: object = None
        self._file_facts_token = 0
        self.rule_errors: list[tuple[str, str]] = []
        self._contexts: dict[
            tuple[tuple[str, ...], str], tuple[InstructionContext, InstructionContext]
        ] = {}
        # ``facts`` with ``images`` recording the lookups of one stage's rules (see _tracked)
        self._tracking: tuple[Facts, Facts, _ImageReads] | None = None
        self._select(_Directive())

    # ------------------------------------------------------------------
    def rule(self, code: str) -> Rule | None:
        return self._by_code.get(code)

    def _ignored(self, code: str, codes: frozenset[str] | set[str]) -> bool:
        """Whether ``codes`` (an ignore list) names ``code`` or one of its twins."""
        return any(c in codes for c in self._names.get(code, (code,)))

    def _can_report(self, r: Rule, directive: _Directive) -> bool:
        cfg = self.config
        if self._ignored(r.code, cfg.ignore) or r.group in cfg.disabled_groups:
            return False
        sev = cfg.severity.get(r.code, r.severity)
        if sev is Severity.OFF:
            return False
        if r.experimental:
            exp = directive.experimental
            if not (exp == "all" or (isinstance(exp, frozenset) and r.code in exp)):
                return False
        if r.group == "buildkit":
            skip = directive.skip
            if skip == "all" or (isinstance(skip, frozenset) and r.code in skip):
                return False
        return True

    def _select(self, directive: _Directive) -> None:
        """Pick the rules that can report, and index them by scope and kind."""
        if self._active_for == directive:
            return
        self._active_for = directive
        by_kind: dict[str, list[Rule]] = {}
        every: list[Rule] = []
        self._stage_rules: list[Rule] = []
        self._file_rules: list[Rule] = []
        for r in self.rules:
            if not self._can_report(r, directive):
                continue
            scope = r.scope
            if scope == "instruction":
                if r.kinds is None:
                    every.append(r)
                else:
                    for k in r.kinds:
                        by_kind.setdefault(k, []).append(r)
            elif scope == "stage":
                self._stage_rules.append(r)
            else:
                self._file_rules.append(r)
        # (instruction name, an ONBUILD trigger?) -> the rules to run on it, its kind's then
        # all kinds' (name None: no Dockerfile instruction's, UNKNOWN_KIND's rules): those that
        # read no command, each with what it needs (``Rule.needs``), and those that do, each
        # with the mask of the commands it needs in a RUN too
        instr = {r for rs in by_kind.values() for r in rs} | set(every)
        self._commands = commands = _Masks([r.commands for r in instr])
        table: dict[tuple[str | None, bool], _Candidates] = {}
        names = {*INSTRUCTION_NAMES, *by_kind} - {UNKNOWN_KIND}
        kinds = [(k, (*by_kind.get(k, ()), *every)) for k in sorted(names)]
        for name, rs in [*kinds, (None, (*by_kind.get(UNKNOWN_KIND, ()), *every))]:
            for onbuild in (False, True):
                here = [r for r in rs if r.onbuild or not onbuild]
                table[name, onbuild] = (
                    tuple((r, int(r.needs)) for r in here if r.commands is None),
                    tuple(
                        (r, int(r.needs), commands.need(r.commands))
                        for r in here
                        if r.commands is not None
                    ),
                )
        self._instr_rules = table
        # the rules that may report on an instruction, each with its check, made when first
        # met: (name, trigger?, what it has of ``Needs``) -> those that read no command, and
        # with the RUN's command bits too -> all of them (a file holds a few hundred kinds
        # of RUN).  The order of the rules is not the registry's: an instruction's findings
        # are sorted, and only one rule reports each code.
        self._instr_base: dict[tuple[Any, ...], tuple[tuple[Rule, Any], ...]] = {}
        self._instr_picks: dict[tuple[Any, ...], tuple[tuple[Rule, Any], ...]] = {}
        # the stage rules: those that need neither commands nor instructions run on every stage;
        # the others with the masks of the commands and the instructions they need, picked per
        # stage by the masks of what it has (those needing instructions only, per
        # instruction mask), in the same way
        stage_rules = self._stage_rules
        self._stage_commands = _Masks([r.commands for r in stage_rules])
        self._stage_kinds = _Masks([r.kinds for r in stage_rules])
        self._stage_always = tuple(
            (r, r.check_stage) for r in stage_rules if r.commands is None and r.kinds is None
        )
        self._stage_by_kinds = tuple(
            (r, self._stage_kinds.need(r.kinds))
            for r in stage_rules
            if r.kinds is not None and r.commands is None
        )
        self._stage_by_commands = tuple(
            (r, self._stage_commands.need(r.commands), self._stage_kinds.need(r.kinds))
            for r in stage_rules
            if r.commands is not None
        )
        self._stage_kind_picks: dict[int, tuple[tuple[Rule, Any], ...]] = {}
        self._stage_picks: dict[tuple[int, int], tuple[tuple[Rule, Any], ...]] = {}
        self._instr_cache.clear()
        self._file_cache.clear()
        self._stage_cache = {}

    def _violation(self, rule: Rule, f: Finding) -> Violation:
        """The one place a rule's finding gets its severity: a settings
        override, else the finding's own level, else the rule's default."""
        overrides = self.config.severity
        return violation(rule, f, overrides.get(f.code or rule.code) if overrides else None)

    def _run(self, rule: Rule, fn: Any, *args: Any) -> list[Finding]:
        try:
            return list(fn(*args))
        except Exception as exc:  # a failing rule never hides the others
            self._failed(rule, exc)
            return []

    def _failed(self, rule: Rule, exc: Exception) -> None:
        log.exception("rule %s failed", rule.code)
        self.rule_errors.append((rule.code, f"{type(exc).__name__}: {exc}"))

    def _instruction_violations(
        self, inst: Instruction, shell: tuple[str, ...], escape: str
    ) -> tuple[Violation, ...]:
        hit = self._instr_cache.get(id(inst))
        if hit is not None and hit[0] is inst and hit[1] == shell:
            return hit[2]
        out: list[Violation] = []
        # the contexts of a shell and escape (as a trigger of ONBUILD or not): a file has few
        contexts = self._contexts.get((shell, escape))
        if contexts is None:
            contexts = self._contexts[shell, escape] = (
                InstructionContext(shell, escape, False),
                InstructionContext(shell, escape, True),
            )
        self._check_target(inst, contexts[0], out)
        sub = inst.sub
        if sub is not None:
            self._check_target(sub, contexts[1], out)
        if inst.issues:
            for x in inst.issues:
                out.append(_parser_violation(x.code, x.message, x.span, x.severity, self.config))
        found = tuple(out)  # in rule order: _keep sorts each item's findings once joined
        self._instr_cache[id(inst)] = (inst, shell, found)
        return found

    def _check_target(
        self, target: Instruction, ctx: InstructionContext, out: list[Violation]
    ) -> None:
        """The instruction rules of ``target`` (an instruction, or an ONBUILD's trigger)."""
        name = target.name
        has = _FLAGS if target.flags else 0
        if target.empty_continuation_lines:
            has |= _EMPTY_LINES
        if may_reference(target):
            has |= _REFERENCES
        # the dispatch index: rules that read commands run only on RUNs
        # that mention one of theirs
        have = self._commands.have(run_words(target)) if name == "RUN" else _Masks.ALL
        key = (name, ctx.onbuild, has, have)
        picked = self._instr_picks.get(key)
        if picked is None:
            picked = self._instr_picks[key] = self._instr_pick(name, ctx.onbuild, has, have)
        for r, check in picked:
            start = len(out)
            try:
                for f in check(target, ctx):
                    if f.fix is not None and _exec_run(target):
                        f = replace(f, fix=None)  # see _exec_run
                    out.append(self._violation(r, f))
            except Exception as exc:  # a failing rule never hides the others
                del out[start:]  # nor does it report half its findings
                self._failed(r, exc)

    def _instr_pick(
        self, name: str, onbuild: bool, has: int, have: int
    ) -> tuple[tuple[Rule, Any], ...]:
        """The instruction rules that may report on an instruction called ``name`` (an ONBUILD
        trigger or not) that has ``has`` of :class:`Needs` and, a RUN, the command bits
        ``have``."""
        rules = self._instr_rules.get((name, onbuild))
        if rules is None:
            rules = self._instr_rules[None, onbuild]
        plain, commanded = rules
        base = self._instr_base.get((name, onbuild, has))
        if base is None:
            base = self._instr_base[name, onbuild, has] = tuple(
                (r, r.check_instruction) for r, needs in plain if needs & has == needs
            )
        return base + tuple(
            (r, r.check_instruction)
            for r, needs, need in commanded
            if need & have and needs & has == needs
        )

    def _stage_command_mask(self, steps: Sequence[tuple[int, Instruction, Any]]) -> int:
        """The stage rules' command bits the RUNs of a stage (ONBUILD RUN included) have,
        for the dispatch index; every bit when one of them can't be read lexically."""
        masks = self._stage_commands
        mask = 0
        for _i, it, _shell in steps:
            target = it.sub if it.name == "ONBUILD" and it.sub is not None else it
            if target.name == "RUN":
                found = run_words(target)  # kept per node: the rule helpers read the same
                if found is None:
                    return _Masks.ALL
                mask |= masks.have(found)
        return mask

    def _prune_instruction_cache(self, items: tuple[Item, ...]) -> None:
        """Drop entries of vanished nodes once the cache outgrows the document."""
        if len(self._instr_cache) > 2 * len(items) + 256:
            alive = set(map(id, items))
            self._instr_cache = {k: e for k, e in self._instr_cache.items() if k in alive}
        if len(self._file_cache) > 2 * len(items) + 256:
            self._file_cache.retain(items)

    # ------------------------------------------------------------------
    @property
    def has_linted(self) -> bool:
        """Whether a lint ran (the next may derive from it)."""
        return self._last is not None

    def lint(self, p: Parse, model: Model | None = None, facts: Facts = NO_FACTS) -> LintResult:
        """Lint ``p`` (its ``model`` when already built) with the outside ``facts``."""
        self.rule_errors = []
        directive = self._directive(p)
        stage_inputs = facts.stage_inputs()
        fast = self._lint_incremental(p, directive, facts, stage_inputs)
        if fast is not None:
            return fast
        self._select(directive)
        if model is None:
            model = build_model(p)
        model.options = self.config.options
        model.facts = facts
        items = p.items
        model.lower_majority = self._casing_majority(model)
        # the file-level facts, as one small token: hashing them into every
        # stage key would cost O(stages) per stage
        file_facts = (_global_key(model), directive, model.lower_majority, stage_inputs)
        if file_facts != self._file_facts:
            self._file_facts = file_facts
            self._file_facts_token += 1
        global_key = self._file_facts_token
        shell0 = default_shell(model)
        per_item: dict[int, tuple[Violation, ...]] = {}

        # header (directives) issues
        for idx, issue in p.header_issues:
            per_item[idx] = (
                *per_item.get(idx, ()),
                _parser_violation(
                    issue.code, issue.message, issue.span, issue.severity, self.config
                ),
            )

        # the segments: the preamble (its items before the first FROM), then one per stage
        segments: list[tuple[int, int, Stage | None]] = []
        first_from = model.stages[0].first if model.stages else len(items)
        segments.append((p.header, first_from, None))
        for stage in model.stages:
            segments.append((stage.first, stage.end, stage))
        # which segments the cache answers; the others get their shell steps (cheap) here,
        # so that they can be linted in any order, or on two CPUs (see _lint_missing)
        plans: list[_Plan] = []
        stage_results: list[_StageResult | None] = []  # per stage; None: to lint
        shells_out: list[tuple[str, ...]] = []
        for first, end, st in segments:
            if first >= end:
                continue
            shell_in = shell0
            parent = model.parent_stage(st) if st is not None else None
            pk = None if parent is None else parent.index
            known = True  # the result built on is known (a parent to lint makes a new one)
            base: _StageResult | None = None
            if pk is not None:
                base = stage_results[pk]
                known = base is not None
                shell_in = shells_out[pk]
            above = first - 1
            while above >= 0 and isinstance(items[above], Comment):
                above -= 1
            seg_items = items[above + 1 : end]
            hit = key = None
            if known:
                key = self._stage_key(seg_items, base, global_key, st, shell_in)
                hit = self._stage_cache.get(key)
                if hit is not None and not hit.value.images_hold(facts.images):
                    hit = None
            walked = None
            if hit is None:
                walked = shell_walk(items, first, end, shell_in)
                shell_out = walked[1]
            else:
                shell_out = hit.value.shell_out
            plans.append(_Plan(first, end, st, shell_in, pk, seg_items, key, hit, walked))
            if st is not None:
                stage_results.append(None if hit is None else hit.value)
                shells_out.append(shell_out)
        linted, rendered = self._lint_missing(p, model, plans)

        new_stage_cache: dict[tuple[Any, ...], _Pinned] = {}
        recorded: list[_Segment] = []
        global_ignores: set[str] = set()
        for k, plan in enumerate(plans):
            first, st = plan.first, plan.stage
            hit = plan.hit
            if hit is None:
                res = linted[k]
                if st is not None:
                    stage_results[st.index] = res
                base = None if plan.parent is None else stage_results[plan.parent]
                hit = _Pinned((plan.items, base), res)
            res = hit.value
            key = plan.key
            if key is None:  # built on a stage linted now
                assert plan.parent is not None
                base = stage_results[plan.parent]
                key = self._stage_key(plan.items, base, global_key, st, plan.shell_in)
            new_stage_cache[key] = hit
            recorded.append(_Segment(first, plan.end, st, res, plan.shell_in, plan.parent))
            global_ignores |= res.global_ignores
            for rel, vs in res.per_item.items():
                idx = first + rel
                per_item[idx] = per_item[idx] + vs if idx in per_item else vs
        self._stage_cache = new_stage_cache
        self._prune_instruction_cache(items)

        glob = frozenset(global_ignores)
        self._last = _Last(p, model, recorded, per_item, glob, stage_inputs)
        result = self._finish(model, per_item, glob, recorded)
        result.rendered = rendered
        return result

    def _finish(
        self,
        model: Model,
        base_per_item: dict[int, tuple[Violation, ...]],
        global_ignores: frozenset[str],
        segments: list[_Segment],
    ) -> LintResult:
        """File rules (cheap by contract: ShellCheck's is one), through the
        same suppression as the others, and `global ignore` pragmas.

        An item's merged findings are cached on its node while its file-rule
        findings (the same objects: ShellCheck's mapping reuses them for
        scripts an edit didn't touch), its pragmas and its other findings
        stay the same, so a keystroke runs the suppression only for the items
        it changed, and hands the serialiser the very tuples it saw before."""
        per_item = base_per_item
        found = self._file_findings(model)
        if found:
            per_item = dict(base_per_item)
            items = model.parse.items
            firsts = [seg.first for seg in segments]
            cache = self._file_cache
            no_codes: frozenset[str] = frozenset()
            for idx, raw in found.items():
                k = bisect_right(firsts, idx) - 1
                if k >= 0 and idx < segments[k].end:
                    res = segments[k].result
                    local = res.next_ignore.get(idx - segments[k].first, no_codes)
                    stage_ignore = res.stage_ignore
                else:  # before the first segment: the header's directives
                    local = stage_ignore = no_codes
                base = per_item.get(idx, ())
                key = (raw, local, stage_ignore, base)
                merged = cache.get(items[idx], key)
                if merged is None:
                    violations = [self._violation(r, f) for r, f in raw]
                    kept = self._keep(violations, local, stage_ignore)
                    merged = tuple(sorted((*base, *kept), key=_sort_key)) if kept else base
                    cache.put(items[idx], key, merged)
                if merged:
                    per_item[idx] = merged
        if self.config.disable_ignore_pragma:
            global_ignores = frozenset()
        if global_ignores:
            out: dict[int, tuple[Violation, ...]] = {}
            for idx, vs in per_item.items():
                kept = [v for v in vs if not self._ignored(v.code, global_ignores)]
                if kept:
                    out[idx] = vs if len(kept) == len(vs) else tuple(kept)
            per_item = out
        return LintResult(model, per_item, list(self.rule_errors), global_ignores)

    def _file_findings(self, model: Model) -> dict[int, tuple[tuple[Rule, Finding], ...]]:
        """The file rules' findings per item, before suppression."""
        n = len(model.parse.items)
        found: dict[int, list[tuple[Rule, Finding]]] = {}
        for r in self._file_rules:
            for f in self._run(r, r.check_file, model):
                if 0 <= f.item < n:
                    found.setdefault(f.item, []).append((r, f))
        return {i: tuple(fs) for i, fs in found.items()}

    def _lint_incremental(
        self, p: Parse, directive: _Directive, facts: Facts, stage_inputs: tuple[Any, ...]
    ) -> LintResult | None:
        """The keystroke fast path.

        When the parse was derived from the last one linted, the edit kept the
        number of items, stayed inside one stage, and touched no FROM, no
        pragma comment and no keyword's case class, every file-level fact is
        unchanged: only that stage (and stages built on it) are re-linted, and
        every other result is reused as is.
        """
        last = self._last
        if last is None or directive != self._active_for or stage_inputs != last.stage_inputs:
            return None
        images = facts.images
        # stages whose image lookups answer differently now (a registry reply, an edited FROM)
        stale: set[int] = set()
        if images is not last.model.facts.images:
            for seg in last.segments:
                if not seg.result.images_hold(images):
                    if seg.stage is None:
                        return None
                    stale.add(seg.stage.index)
        if p is last.parse and not stale:  # the same text, new facts only file rules read
            last.model.facts = facts
            return self._finish(last.model, last.base_per_item, last.global_ignores, last.segments)
        if p is last.parse:
            return None  # new registry facts for some stages: the full path keeps the rest
        if p.parent_id != id(last.parse):
            return None
        old_model = last.model
        st = old_model.edited_stage(p.changed)
        if st is None:
            return None  # the preamble holds the global ARGs, or the edit left the stage
        assert p.changed is not None
        first_changed, _old_end, new_end = p.changed
        old_items = last.parse.items
        new_items = p.items
        from_changed = False
        lower, upper = self._casing_totals
        for x in range(first_changed, new_end):
            for it, sign in ((old_items[x], -1), (new_items[x], 1)):
                if isinstance(it, Instruction):
                    if it.name == "FROM":
                        from_changed = True
                    if it.keyword.islower():
                        lower += sign
                    elif it.keyword.isupper():
                        upper += sign
                elif isinstance(it, Comment) and _pragma_like(it.body):
                    return None  # pragmas may reach beyond the stage
        if (lower > upper) != last.model.lower_majority:
            return None  # the file's majority keyword case flipped
        segs = last.segments
        # the segments: the preamble's (when it holds items), then one per stage
        k = len(segs) - len(old_model.stages) + st.index
        if from_changed:
            # a FROM was edited: fine as long as the file-level facts held
            model = build_model(p)
            model.facts = facts
            if len(model.stages) != len(old_model.stages) or _global_key(model) != _global_key(
                old_model
            ):
                return None
            stages = model.stages
            new_stage = stages[st.index]
            if (new_stage.first, new_stage.end) != (st.first, st.end):
                return None
        else:
            derived = reparsed_model(old_model, p)  # the edited stage's items replaced
            if derived is None:
                return None
            model, stages = derived, derived.stages
            new_stage = stages[st.index]
        model.facts = facts
        if facts.builds and _reach_key(model) != _reach_key(old_model):
            return None  # the edit changed which stages a build runs: every stage may change
        new_segs = list(segs)
        per_item = dict(last.base_per_item)
        # re-lint the edited stage and the stale ones, then any stage built on a re-linted one
        redo = {st.index} | stale
        shells: dict[int, tuple[str, ...]] = {}
        start = min(
            [k, *(kk for kk, seg in enumerate(segs) if seg.stage and seg.stage.index in stale)]
        )
        for kk in range(start, len(segs)):
            seg = segs[kk]
            sfirst, send, sst, sshell = seg.first, seg.end, seg.stage, seg.shell_in
            if sst is None:
                continue
            if sst.index not in redo:
                if seg.parent is None or seg.parent not in redo:
                    continue
                redo.add(sst.index)
            sst = new_stage if sst.index == st.index else stages[sst.index]
            if seg.parent is not None:
                sshell = shells.get(seg.parent, sshell)
            res = self._lint_segment(p, model, sfirst, send, sst, sshell)
            shells[sst.index] = res.shell_out
            new_segs[kk] = _Segment(sfirst, send, sst, res, sshell, seg.parent)
            for idx in range(sfirst, send):
                per_item.pop(idx, None)
            for rel, vs in res.per_item.items():
                per_item[sfirst + rel] = vs
        cache = self._instr_cache
        for gone in old_items[first_changed:_old_end]:  # the nodes the edit replaced
            entry = cache.get(id(gone))
            if entry is not None and entry[0] is gone:
                del cache[id(gone)]
        self._prune_instruction_cache(new_items)
        self._casing_totals = (lower, upper)
        model.lower_majority = old_model.lower_majority
        model.options = self.config.options
        model.facts = facts
        self._last = _Last(p, model, new_segs, per_item, last.global_ignores, stage_inputs)
        return self._finish(model, per_item, last.global_ignores, new_segs)

    @staticmethod
    def _stage_key(
        seg_items: Sequence[Item],
        base: _StageResult | None,
        global_key: int,
        st: Stage | None,
        shell_in: tuple[str, ...],
    ) -> tuple[Any, ...]:
        """A segment's stage-cache key: the identity of its items and of the result
        it builds on, the file-level facts, its place, the shell it starts with."""
        return (
            tuple(map(id, seg_items)),
            id(base),
            global_key,
            None if st is None else (st.index, st.is_last),
            shell_in,
        )

    def _lint_missing(
        self, p: Parse, model: Model, plans: list[_Plan]
    ) -> tuple[dict[int, _StageResult], dict[int, tuple[tuple[Violation, ...], Any]]]:
        """The results of the planned segments the cache didn't answer, by plan index,
        and what a child rendered of its items (``LintResult.rendered``).

        With ``split_at`` items or more to lint and a second CPU, a forked child
        lints segments from the last one back while this process lints from the
        first one on, until they meet.  Each segment's result depends only on the
        parse, the model and its shell in, never on another segment's linting, so
        the split changes no finding."""
        todo = [k for k, plan in enumerate(plans) if plan.hit is None]
        size = sum(plans[k].end - plans[k].first for k in todo)
        rendered: dict[int, tuple[tuple[Violation, ...], Any]] = {}
        if not self.split_at or size < self.split_at or len(todo) < 2:
            return dict(self._lint_plans(p, model, plans, todo)), rendered
        shares = forked.Shares(len(plans))
        try:
            mine, sent = forked.both(
                lambda: self._lint_to_send(
                    self._lint_rendered(p, model, plans, todo[::-1], shares)
                ),
                # this process renders its part too: both sides meet where the work,
                # rendering included, balances (the publish only joins the pieces)
                lambda: list(self._lint_rendered(p, model, plans, todo, shares)),
            )
        finally:
            shares.close()
        if sent is None:
            log.info("the second lint process gave no result: linting its part here")
        done: dict[int, _StageResult] = {}
        pieces: list[list[_Linted] | _Errors] = [mine, *(sent or ())]
        for piece in pieces:
            if isinstance(piece, _Errors):
                for code, message in piece.errors:
                    log.error("rule %s failed: %s", code, message)
                self.rule_errors.extend(piece.errors)
                continue
            for k, res, walked, made in piece:
                if walked:
                    res.images_walked = model.facts.images
                if done.setdefault(k, res) is res:  # one both took: ours
                    first = plans[k].first
                    for rel, out in made:
                        rendered[first + rel] = (res.per_item[rel], out)
        left = [k for k in todo if k not in done]
        if left:
            done.update(self._lint_plans(p, model, plans, left))
        return done, rendered

    def _lint_plans(
        self,
        p: Parse,
        model: Model,
        plans: list[_Plan],
        todo: Sequence[int],
        shares: forked.Shares | None = None,
    ) -> Iterator[tuple[int, _StageResult]]:
        """The plans ``todo`` linted, by plan index, in this order (with ``shares``:
        until one the other process took)."""
        for k in todo:
            if shares is not None and not shares.take(k):
                return
            plan = plans[k]
            yield (
                k,
                self._lint_segment(
                    p, model, plan.first, plan.end, plan.stage, plan.shell_in, plan.walked
                ),
            )

    def _lint_to_send(self, results: Iterator[_Linted]) -> Iterator[list[_Linted] | _Errors]:
        """The child's :meth:`_lint_rendered` ``results``, in pieces as they are sent:
        a few at a time (the facts' image mapping, which a copy can't stand for, sent
        as None), then the rule errors."""
        known_errors = len(self.rule_errors)  # the parent's, before the fork
        batch: list[_Linted] = []
        for linted in results:
            if linted.walked:
                linted.result.images_walked = None
            batch.append(linted)
            if len(batch) == _BATCH:
                yield batch
                batch = []
        yield batch
        yield _Errors(tuple(self.rule_errors[known_errors:]))

    def _lint_rendered(
        self,
        p: Parse,
        model: Model,
        plans: list[_Plan],
        todo: Sequence[int],
        shares: forked.Shares,
    ) -> Iterator[_Linted]:
        """:meth:`_lint_plans` (one side of a split lint), each result with its
        items' findings rendered (``Linter.render``), and whether it walked the
        facts' image mapping."""
        images = model.facts.images
        render = self.render
        for k, res in self._lint_plans(p, model, plans, todo, shares):
            rendered: tuple[tuple[int, Any], ...] = ()
            if render is not None:
                first = plans[k].first
                rendered = tuple(
                    (rel, render(p, first + rel, vs)) for rel, vs in res.per_item.items()
                )
            yield _Linted(k, res, res.images_walked is images, rendered)

    # ------------------------------------------------------------------
    def _directive(self, p: Parse) -> _Directive:
        if not self.config.check_directive:
            return _Directive()
        d = p.directive("check")
        if d is None:
            return _Directive()
        cd = parse_check_directive(d.value)
        skip = cd.skip if isinstance(cd.skip, str) else frozenset(cd.skip)
        exp = cd.experimental if isinstance(cd.experimental, str) else frozenset(cd.experimental)
        return _Directive(skip, cd.error, exp)

    def _casing_majority(self, model: Model) -> bool:
        """Whether lowercase keywords are the majority (counted in C: a cache keyed by
        each stage's items cost as much to key as the count)."""
        p = model.parse
        kws = [it.keyword for it in p.items[p.header :] if isinstance(it, Instruction)]
        lower = sum(map(str.islower, kws))
        upper = sum(map(str.isupper, kws))
        self._casing_totals = (lower, upper)
        return lower > upper

    def _lint_segment(
        self,
        p: Parse,
        model: Model,
        first: int,
        end: int,
        st: Stage | None,
        shell_in: tuple[str, ...],
        walked: tuple[list[tuple[int, Instruction, Any]], tuple[str, ...]] | None = None,
    ) -> _StageResult:
        items = p.items
        escape = p.escape
        raw: dict[int, list[Violation]] = {}
        steps, shell_out = walked or shell_walk(items, first, end, shell_in)
        for i, it, shell in steps:
            vs = self._instruction_violations(it, shell, escape)
            if vs:
                raw[i - first] = list(vs)
        reads: _ImageReads | None = None
        if st is not None:
            model.keep_shell_steps(st, shell_in, steps)
            facts = model.facts
            model.facts, reads = self._tracked(facts)
            try:
                self._stage_violations(p, model, first, end, st, steps, raw)
            finally:
                model.facts = facts
        res = self._pragmas(p, first, end, raw, shell_out)
        if reads is not None:
            res.image_reads = tuple(reads.reads.items())
            res.images_walked = reads.images if reads.walked else None
        for rel, found in raw.items():
            kept = self._keep(found, res.next_ignore.get(rel, frozenset()), res.stage_ignore)
            if kept:
                res.per_item[rel] = tuple(kept)
        return res

    def _tracked(self, facts: Facts) -> tuple[Facts, _ImageReads]:
        """``facts`` with its images behind a fresh record of lookups, for one stage's
        rules (the ``Facts`` copy is made once per ``facts``, the record per stage)."""
        kept = self._tracking
        if kept is None or kept[0] is not facts:
            reads = _ImageReads(facts.images)
            kept = self._tracking = (facts, replace(facts, images=reads), reads)
        reads = kept[2]
        reads.reads = {}
        reads.walked = False
        return kept[1], reads

    def _stage_violations(
        self,
        p: Parse,
        model: Model,
        first: int,
        end: int,
        st: Stage,
        steps: Sequence[tuple[int, Instruction, Any]],
        raw: dict[int, list[Violation]],
    ) -> None:
        # the dispatch index: stage rules that read commands run only on stages whose RUNs
        # mention one of theirs, those that report on some instructions only where one is
        commands = self._stage_command_mask(steps)
        kinds = self._stage_kinds.have(st.names)
        picked = self._stage_picks.get((commands, kinds))
        if picked is None:
            by_kinds = self._stage_kind_picks.get(kinds)
            if by_kinds is None:
                by_kinds = self._stage_kind_picks[kinds] = self._stage_always + tuple(
                    (r, r.check_stage) for r, need in self._stage_by_kinds if need & kinds
                )
            picked = self._stage_picks[commands, kinds] = by_kinds + tuple(
                (r, r.check_stage)
                for r, need_commands, need_kinds in self._stage_by_commands
                if need_commands & commands and (not need_kinds or need_kinds & kinds)
            )
        for r, check in picked:
            try:
                found = [*check(st, model)]
            except Exception as exc:  # a failing rule never hides the others
                self._failed(r, exc)
                continue
            for f in found:
                if first <= f.item < end:
                    if f.fix is not None and _exec_run(p.items[f.item]):
                        f = replace(f, fix=None)
                    raw.setdefault(f.item - first, []).append(self._violation(r, f))

    def _pragmas(
        self,
        p: Parse,
        first: int,
        end: int,
        raw: dict[int, list[Violation]],
        shell_out: tuple[str, ...],
    ) -> _StageResult:
        """The pragmas in force in one segment (an empty result to fill); a
        warning joins ``raw`` for each code a pragma names that no rule has."""
        items = p.items
        next_ignore: dict[int, frozenset[str]] = {}
        stage_ignore: set[str] = set()
        global_ignores: set[str] = set()
        pending: set[str] = set()
        if not self.config.disable_ignore_pragma:
            for i in range(first, end):
                it = items[i]
                if isinstance(it, Comment):
                    body = it.body
                    if "ignore" not in body:
                        continue
                    pr = parse_pragma(body)
                    if pr is None:
                        continue
                    codes = {c.code for c in pr.codes}
                    unknown = _unknown_codes(it, pr.codes)
                    if unknown:
                        raw.setdefault(i - first, []).extend(unknown)
                    if pr.kind is PragmaKind.GLOBAL_IGNORE:
                        global_ignores |= codes
                    elif pr.kind is PragmaKind.IGNORE:
                        pending |= codes
                elif isinstance(it, Instruction) and pending:
                    next_ignore[i - first] = frozenset(pending)
                    pending = set()
            # `stage ignore` pragmas directly above this segment's FROM
            k = first - 1
            while k >= 0 and isinstance(items[k], Comment):
                above = items[k]
                assert isinstance(above, Comment)
                if "ignore" in above.body:
                    pr = parse_pragma(above.body)
                    if pr is not None and pr.kind is PragmaKind.STAGE_IGNORE:
                        stage_ignore |= {x.code for x in pr.codes}
                    elif pr is not None and pr.kind is PragmaKind.IGNORE:
                        # an instruction pragma right above this segment's FROM
                        next_ignore[0] = next_ignore.get(0, frozenset()) | pr.code_set
                k -= 1
        return _StageResult(
            {}, frozenset(global_ignores), shell_out, next_ignore, frozenset(stage_ignore)
        )

    def _keep(
        self, vs: Sequence[Violation], local: frozenset[str], stage_ignore: frozenset[str]
    ) -> list[Violation]:
        """The suppression, for one item's findings: settings (ignore,
        severity off, disabled groups), the item's and its stage's pragmas,
        duplicates of the same problem, and the `# check=error=true` severity.
        Sorted.  (`global ignore` pragmas apply last, in :meth:`_finish`.)"""
        cfg = self.config
        directive = self._active_for or _Directive()
        prefer_bk = cfg.duplicate_preference == "buildkit"
        codes_here = {v.code for v in vs}
        ignored = cfg.ignore or local or stage_ignore
        disabled = cfg.disabled_groups
        kept: list[Violation] = []
        for v in vs:
            c = v.code
            if ignored:
                names = self._names.get(c, (c,))
                if not (
                    cfg.ignore.isdisjoint(names)
                    and local.isdisjoint(names)
                    and stage_ignore.isdisjoint(names)
                ):
                    continue  # ignored under one of its names
            if disabled and v.source_group in disabled:
                continue
            if c in self._dupe_codes:
                rule = self._by_code.get(c)
                # the same finding from the other tool: keep the preferred one
                if (
                    rule is not None
                    and any(x in codes_here for x in rule.same_as)
                    and (rule.group == "buildkit") != prefer_bk
                ):
                    continue
            if v.severity is Severity.OFF:
                continue
            if (
                v.source_group == "buildkit"
                and directive.error
                and v.severity is not Severity.ERROR
            ):
                v = replace(v, severity=Severity.ERROR)
            kept.append(v)
        kept.sort(key=_sort_key)
        return kept


def _unknown_codes(comment: Comment, refs: Sequence[Any]) -> list[Violation]:
    """A warning for each code in a pragma that names no rule (a typo would
    otherwise silently suppress nothing)."""
    from dockerls.analysis.rules import known_code

    base = comment.body_span.start
    return [
        _syntax_violation(
            UNKNOWN_CODE,
            f"`{ref.code}` is not a rule code this linter knows; the pragma ignores nothing for it",
            Span(base + ref.start, base + ref.end),
            Severity.WARNING,
        )
        for ref in refs
        if not known_code(ref.code)
    ]


UNKNOWN_CODE = "UnknownRuleCode"


def _exec_run(it: object) -> bool:
    """An exec-form RUN (or ONBUILD RUN): rules read its JSON elements as a
    command line, but a fix written for a command line (inserting a flag,
    appending a clean-up) would break the JSON, so findings there carry none."""
    if not isinstance(it, Instruction):
        return False
    target = it.sub if it.name == "ONBUILD" and it.sub is not None else it
    return target.name == "RUN" and target.json


def _pragma_like(body: str) -> bool:
    return "hadolint" in body or "dockerls" in body


def _syntax_violation(code: str, message: str, span: Span, severity: Severity) -> Violation:
    """A finding of the parser's (no rule module): the code is its own name."""
    return Violation(code, code, message, severity, span, source_group=SYNTAX_GROUP)


def _parser_violation(
    code: str, message: str, span: Span, level: str, cfg: LintConfig
) -> Violation:
    sev = Severity.parse(level) if level in ("error", "warning", "info") else Severity.STYLE
    return _syntax_violation(code, message, span, cfg.severity.get(code, sev))


def _global_key(model: Model) -> tuple[Any, ...]:
    """The file-level facts a stage's results may depend on: stage names and
    which stage builds on which (named literally or through the global ARGs'
    defaults), the global ARGs, and the default shell (from
    the first image).  Other stages' image tags are not among them, so editing
    one FROM's tag re-lints only that stage.  With builds known, which stages each
    runs is one too."""
    parents = [model.parent_stage(st) for st in model.stages]
    return (
        tuple(
            (st.name, st.base_stage, None if par is None else par.index)
            for st, par in zip(model.stages, parents, strict=True)
        ),
        tuple((d.name, d.value) for d in model.global_args),
        tuple(model.preamble),
        default_shell(model),
        _reach_key(model),
    )


def _reach_key(model: Model) -> tuple[Any, ...]:
    """Which stages each known build runs (stage rules judge per build)."""
    if not model.facts.builds:
        return ()
    return tuple((v.reached, v.target_found) for v in build_views(model))


__all__ = ["LintConfig", "LintResult", "Linter", "Tag"]
