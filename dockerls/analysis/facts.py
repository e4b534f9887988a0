"""Outside facts: what the engine is told about the world, as typed values.

Rules compute from the parse and the model; a few also need facts the
analysis layer can't find out itself, because finding them takes IO: the
build context on disk, what a registry says about a base image, what
ShellCheck said about a RUN's script.  The caller (the server, the CLI, a
test) gathers them and passes one :class:`Facts` value to
:meth:`dockerls.analysis.engine.Linter.lint`; rules read it as
``model.facts``.  Every field has a neutral default, and a rule whose fact is
missing stays silent (offline, no ShellCheck, no context).

Who fills what:

* ``context``: :class:`dockerls.context.ContextLoader` (server: when a document
  opens or is saved; CLI: per file).
* ``images``: :class:`dockerls.image_lookups.ImageLookups.image_facts` from the
  registry caches (the server only; the CLI stays offline).  Rule fixtures give
  the same values (``facts: {images: ...}`` in ``tests/rules/cases``).
* ``shellcheck``: :meth:`dockerls.shellcheck.ShellChecker.results_for` (CLI: it
  waits; server: what is cached now, the rest joins a later publish).
* ``builds``: :meth:`dockerls.builds.workspace.WorkspaceBuilds.builds_for` (server: the
  document store, when a document opens or its build files change; CLI: per file), and
  ``contexts``, their build contexts: :meth:`dockerls.context.ContextLoader.for_builds`.

Adding a fact (the next ones: base-image lifecycle and vulnerability data,
issue 11):

1. add a frozen value type here and a field on :class:`Facts` (or on
   :class:`ImageFacts` when it is per image: ``ImageFacts.lifecycle``,
   ``ImageFacts.vulnerabilities``) with a neutral default;
2. fill it where the IO happens (server and CLI alike), never in a rule;
3. rules read ``model.facts.<field>``.  Stage results are cached on
   :meth:`Facts.stage_inputs` (every field except those only file-scope rules
   read, see :data:`FILE_RULE_ONLY`, and ``images``, see :data:`TRACKED_PER_STAGE`),
   so a new field is part of that key by default, which is always correct.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

from dockerls.analysis.builds import Build
from dockerls.analysis.dockerignore import ContextInfo
from dockerls.analysis.lifecycle import LifecycleFacts
from dockerls.analysis.vulns import VulnReport

if TYPE_CHECKING:
    from dockerls.analysis.model import Stage
    from dockerls.analysis.shellcheck_map import ScFinding


@dataclass(frozen=True, slots=True)
class ImageFacts:
    """What a registry said about one image as written in a FROM.

    ``None`` means "not known" (not looked up, lookup failed, or not wanted).
    """

    tags: tuple[str, ...] | None = None  # the repository's tags (DLS201)
    digest: str | None = None  # the digest the tag points at now (DLS202)
    version_tag: str | None = None  # the most specific version tag with that digest
    platforms: tuple[str, ...] | None = None  # os/arch[/variant] offered (InvalidBaseImagePlatform)
    # the image's known vulnerabilities from its SBOM attestation and OSV (DLS310)
    vulnerabilities: VulnReport | None = None

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> ImageFacts:
        """From plain data (YAML fixtures): lists become tuples."""
        kw: dict[str, Any] = {}
        for f in fields(cls):
            v = data.get(f.name)
            kw[f.name] = tuple(v) if isinstance(v, list) else v
        if isinstance(kw.get("vulnerabilities"), Mapping):
            kw["vulnerabilities"] = VulnReport.from_data(kw["vulnerabilities"])
        return cls(**kw)


UNKNOWN_IMAGE = ImageFacts()

ShellCheckResults = Mapping[tuple[str, str], Sequence["ScFinding"]]
"""ShellCheck's findings per script, keyed by ``ScriptJob.key``."""


@dataclass(frozen=True)
class Facts:
    """Every outside fact one lint may read."""

    context: ContextInfo | None = None  # the build context (ignore file, listing)
    # the image as written in FROM -> what the registry said about it
    images: Mapping[str, ImageFacts] = field(default_factory=dict)
    # ShellCheck's findings per script; None: ShellCheck did not run
    shellcheck: ShellCheckResults | None = None
    # release lifecycles and the day to judge them on (DLS301-DLS303); None: not known
    lifecycle: LifecycleFacts | None = None
    # the builds that use this Dockerfile (Compose services, Bake targets, the editor's
    # `settings` build, the CLI's `cli` build); empty: none known, ARG defaults apply
    builds: tuple[Build, ...] = ()
    # the build context of each of those builds that names one, by build name (``context``
    # serves the others: the context.path setting, else the Dockerfile's folder)
    contexts: Mapping[str, ContextInfo] = field(default_factory=dict)

    def image(self, stage: Stage) -> ImageFacts:
        """The facts about ``stage``'s base image (all unknown when absent)."""
        return self.images.get(stage.image) or UNKNOWN_IMAGE

    def stage_inputs(self) -> tuple[Any, ...]:
        """The facts stage rules may read, but ``images`` (tracked per stage): the
        engine keeps stage results while these stay equal (identical objects compare
        at once)."""
        return tuple(getattr(self, f.name) for f in fields(self) if f.name not in _NOT_KEYED)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Facts:
        """From plain data (YAML fixtures): ``context`` as
        :meth:`ContextInfo.from_mapping` reads it, ``images`` as
        :meth:`ImageFacts.from_data` reads each entry."""
        images = {k: ImageFacts.from_data(v or {}) for k, v in (data.get("images") or {}).items()}
        builds = tuple(_build_from_data(b) for b in data.get("builds") or ())
        contexts = {
            k: c for k, v in (data.get("contexts") or {}).items() if (c := ContextInfo.coerce(v))
        }
        return cls(
            context=ContextInfo.coerce(data.get("context")),
            images=images,
            builds=builds,
            contexts=contexts,
        )

    def with_lifecycle(self, lifecycle: LifecycleFacts | None) -> Facts:
        return replace(self, lifecycle=lifecycle)


def _build_from_data(data: Mapping[str, Any]) -> Build:
    """A ``Build`` from plain data (YAML fixtures): ``name``, ``args``, ``target``, ..."""
    return Build(
        name=str(data.get("name", "settings")),
        dockerfile=data.get("dockerfile"),
        context=data.get("context"),
        args={str(k): str(v) for k, v in (data.get("args") or {}).items()},
        target=data.get("target"),
        platforms=tuple(data.get("platforms") or ()),
        contexts={str(k): str(v) for k, v in (data.get("contexts") or {}).items()},
    )


# facts only file-scope rules read (the ShellCheck rule): they change without
# the text changing, and must not invalidate every stage's cached results
FILE_RULE_ONLY = frozenset({"shellcheck"})
# Fields the engine tracks per stage instead of keying every stage on them: it records
# which images a stage's rules looked up and keeps the stage's result while those
# lookups answer the same (editing one FROM's tag changes ``images`` for one stage only).
TRACKED_PER_STAGE = frozenset({"images"})
_NOT_KEYED = FILE_RULE_ONLY | TRACKED_PER_STAGE

NO_FACTS = Facts()

__all__ = [
    "FILE_RULE_ONLY",
    "NO_FACTS",
    "TRACKED_PER_STAGE",
    "Facts",
    "ImageFacts",
    "ShellCheckResults",
]
