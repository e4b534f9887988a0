"""What a rule is, and what it reports.

A rule is a module with one ``Rule`` subclass instance named ``RULE``.  It
declares its code, a kebab-case ``name`` for the bad pattern, a default
severity, its group, whether a fix exists, and a docstring with the sections
*What it does*, *Why it matters*, *Example* and *Fix*.

Rules come in three scopes, chosen by which method they override:

* ``check_instruction(inst, ctx)``: one instruction at a time, with only the
  small :class:`InstructionContext` (shell in force, escape).  Results are
  cached per instruction node, so a keystroke re-runs only the instruction it
  touched.  Spans are relative to the instruction's item.
* ``check_stage(stage, model)``: one build stage at a time (plus the read-only
  file model).  Cached per stage: re-run only when the stage's items changed
  or the file-level facts it may read changed.
* ``check_file(model)``: the whole file; must be cheap (it reads stage
  summaries, not every instruction).

Stage and file rules report :class:`Finding` objects that name the item they
belong to by its index in ``Parse.items``.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum, IntEnum, IntFlag
from functools import lru_cache
from typing import TYPE_CHECKING, ClassVar, Literal, NamedTuple, get_args

from dockerls.syntax.nodes import Instruction, Span
from dockerls.syntax.spec import kebab

if TYPE_CHECKING:
    from dataclasses import dataclass as node  # what nodes.node makes

    from dockerls.analysis.model import Model, Stage
else:
    from dockerls.syntax.nodes import node


class Severity(IntEnum):
    """hadolint's levels; lower is more severe."""

    ERROR = 1
    WARNING = 2
    INFO = 3
    STYLE = 4
    OFF = 9

    @classmethod
    def parse(cls, s: str) -> Severity:
        s = s.lower()
        return {
            "error": cls.ERROR,
            "warning": cls.WARNING,
            "info": cls.INFO,
            "style": cls.STYLE,
            "hint": cls.STYLE,
            "ignore": cls.OFF,
            "off": cls.OFF,
            "none": cls.OFF,
        }[s]

    @property
    def label(self) -> str:
        return self.name.lower()


class Applicability(Enum):
    """How safe a fix is (ruff's grading)."""

    SAFE = "safe"  # keeps meaning; applied by fix-all and `dockerls fix`
    UNSAFE = "unsafe"  # may change behaviour; needs --unsafe-fixes


class FixAvailability(Enum):
    NONE = "none"
    SOMETIMES = "sometimes"
    ALWAYS = "always"


class Tag(Enum):
    UNNECESSARY = "unnecessary"
    DEPRECATED = "deprecated"


@node(frozen=True, slots=True)
class Edit:
    """Replace ``span`` (relative to the finding's item) by ``text``."""

    span: Span
    text: str


@node(frozen=True, slots=True)
class Fix:
    """A change that makes a finding go away: ``edits`` under a title."""

    title: str
    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE


@node(frozen=True, slots=True)
class Finding:
    """What a rule reports.

    ``item`` is the index in ``Parse.items`` for stage and file rules; an
    instruction rule leaves it at -1 (the engine knows the instruction).
    ``span`` and the fix's edits are relative to that item.  A fix whose
    edits must touch other items uses ``Fix`` edits with ``abs_edits``.
    """

    span: Span
    message: str
    fix: Fix | None = None
    item: int = -1
    tags: tuple[Tag, ...] = ()
    code: str | None = None  # for rules that report several codes
    # for rules whose findings come with their own level (ShellCheck's);
    # None: the rule's default severity.  Settings override either.
    severity: Severity | None = None


class InstructionContext(NamedTuple):
    """What an instruction rule may know besides the instruction itself (a named tuple:
    the engine makes a few per file, and a node class costs ~1 ms to make at import)."""

    shell: tuple[str, ...] = ("/bin/sh", "-c")
    escape: str = "\\"
    onbuild: bool = False  # the instruction is an ONBUILD trigger


class Needs(IntFlag):
    """What an instruction must have for an instruction rule to report on it, as the
    parser already knows it (``Rule.needs``): the engine runs the rule only on
    instructions with all of them (an ONBUILD trigger: the trigger's)."""

    NOTHING = 0
    FLAGS = 1  # flags (``--mount``, ``--platform``...)
    EMPTY_LINES = 2  # a continuation across an empty line (``empty_continuation_lines``)
    # a ``$`` or a JSON escape that could spell one (``model.may_reference``)
    REFERENCES = 4


# the kind of an instruction whose name is no Dockerfile instruction's: an instruction
# rule naming it in ``kinds`` runs on those (no keyword is spelled in lower case)
UNKNOWN_KIND = "unknown"

RuleGroup = Literal["syntax", "buildkit", "hadolint", "best-practice", "registry", "shellcheck"]
"""The groups a rule belongs to (settings switch whole groups off); mypy
checks every rule's ``group`` against it."""
RULE_GROUPS: tuple[RuleGroup, ...] = get_args(RuleGroup)


class Scope(str, Enum):
    """What a rule checks at a time: one instruction, one stage, the file."""

    INSTRUCTION = "instruction"
    STAGE = "stage"
    FILE = "file"


class Rule:
    """Base class.  Subclasses set the class attributes and override one of
    the ``check_*`` methods."""

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    group: ClassVar[RuleGroup]
    fix: ClassVar[FixAvailability] = FixAvailability.NONE
    # instruction names this rule looks at (None: all; ``UNKNOWN_KIND``: names no
    # Dockerfile instruction has); ONBUILD triggers are
    # unwrapped by the engine, so a RUN rule also sees ``ONBUILD RUN``.  A stage
    # rule that can report only in a stage holding one of them (an ONBUILD
    # trigger counts as its instruction) names them too: the engine skips other stages.
    kinds: ClassVar[frozenset[str] | None] = None
    # an instruction rule that can report only on instructions with flags, with an empty
    # continuation line or with a variable reference names them (:class:`Needs`): the
    # engine runs it on those only
    needs: ClassVar[Needs] = Needs.NOTHING
    onbuild: ClassVar[bool] = True  # also run on ONBUILD triggers
    # for rules that read the commands of RUNs: the command names (or words,
    # ``pip`` for ``python -m pip``) without which the rule can't report, as
    # :func:`~dockerls.analysis.shellview.command_words` spells them; the
    # engine runs the rule only on RUNs (a stage rule: stages) whose text has
    # one of them.  None: every RUN (rules that read no command, or all).
    commands: ClassVar[frozenset[str] | None] = None
    experimental: ClassVar[bool] = False
    # duplicates: the BuildKit check or DL rule that finds the same thing
    same_as: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        group = cls.__dict__.get("group")
        if group is not None and group not in RULE_GROUPS:
            raise TypeError(f"{cls.__name__}: unknown rule group {group!r}")

    @property
    def scope(self) -> Scope:
        cls = type(self)
        if cls.check_instruction is not Rule.check_instruction:
            return Scope.INSTRUCTION
        if cls.check_stage is not Rule.check_stage:
            return Scope.STAGE
        return Scope.FILE

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        return ()

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        return ()

    def check_file(self, model: Model) -> Iterable[Finding]:
        return ()

    @property
    def doc(self) -> str:
        return (type(self).__doc__ or "").strip()

    @property
    def href(self) -> str | None:
        """Where the finding is documented on the web, when it is (see :func:`doc_url`)."""
        return doc_url(self.code, self.group)

    @property
    def summary(self) -> str:
        """The first sentence of the docstring's *What it does* section."""
        text = self.doc.split("What it does:", 1)[-1].split("Why it matters:", 1)[0]
        flat = " ".join(text.split())
        end = flat.find(". ")
        return flat if end < 0 else flat[: end + 1]


BUILDKIT_DOCS = "https://docs.docker.com/go/dockerfile/rule/{slug}/"
SHELLCHECK_DOCS = "https://www.shellcheck.net/wiki/{code}"


@lru_cache(maxsize=4096)  # a few hundred codes; asked once per finding serialised
def doc_url(code: str, group: str) -> str | None:
    """The web page documenting a finding: Docker's page for a BuildKit check,
    ShellCheck's wiki for an SC code.  dockerls has no web home yet, so its
    own rules have none (their documentation is the hover, ``dockerls rule
    CODE`` and docs/rules/)."""
    if group == "buildkit":
        return BUILDKIT_DOCS.format(slug=kebab(code))
    if group == "shellcheck" and code.startswith("SC") and code[2:].isdigit():
        return SHELLCHECK_DOCS.format(code=code)
    return None


@node(frozen=True, slots=True)
class Violation:
    """A finding after the engine: code and severity resolved.

    The engine groups violations by item (``LintResult.per_item``); ``span``
    and the fix edits are relative to that item, so cached violations stay
    valid when an edit elsewhere shifts the item.
    """

    code: str
    rule_name: str
    message: str
    severity: Severity
    span: Span
    fix: Fix | None = None
    tags: tuple[Tag, ...] = ()
    source_group: str = "hadolint"


def violation(rule: Rule, f: Finding, severity: Severity | None = None) -> Violation:
    """``f`` as a :class:`Violation` of ``rule``, at ``severity`` if given,
    else at the finding's own level, else at the rule's default."""
    if severity is None:
        severity = rule.severity if f.severity is None else f.severity
    return Violation(
        f.code or rule.code, rule.name, f.message, severity, f.span, f.fix, f.tags, rule.group
    )
