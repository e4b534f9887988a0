"""DL3020: ADD used for local files or folders, where COPY does the job."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._misc_common import operands, strip_quotes
from dockerls.analysis.rules.base import (
    Applicability,
    Edit,
    Finding,
    Fix,
    FixAvailability,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction

# names ADD unpacks (or that hadolint treats as such): ADD keeps its meaning there
_ARCHIVE_SUFFIXES = (
    ".tar",
    ".gz",
    ".tgz",
    ".bz2",
    ".tbz",
    ".tbz2",
    ".tb2",
    ".tZ",
    ".lz",
    ".tlz",
    ".lzma",
    ".txz",
    ".Z",
    ".xz",
)
# further names that may be archives ADD would unpack: the fix is not safe there
_MAYBE_ARCHIVE = (".zst", ".tzst", ".lz4", ".tlz4", ".tz", ".taz", ".tz2", ".bz", ".lzo")
# flags only ADD understands: no COPY equivalent
_ADD_ONLY_FLAGS = frozenset({"checksum", "keep-git-dir", "unpack"})


def _is_url(src: str) -> bool:
    return src.startswith(("http://", "https://"))


def _is_archive(src: str) -> bool:
    return src.endswith(_ARCHIVE_SUFFIXES)


def _remote_like(src: str) -> bool:
    return "://" in src or src.startswith("git@") or src.endswith(".git")


class AddLocalFile(Rule):
    """What it does:
    Flags an `ADD` whose sources are local files or folders rather than an
    HTTP(S) URL or a local tar archive.

    Why it matters:
    `ADD` has extra behaviour (downloads, unpacking archives, git checkouts)
    that surprises readers. For plain files `COPY` says exactly what happens.

    Example:
    ```dockerfile
    ADD requirements.txt /app/
    ```

    Fix:
    Use `COPY`:
    ```dockerfile
    COPY requirements.txt /app/
    ```
    The quick fix is safe when no source is an archive or a variable; it is
    not offered for URLs, git references or ADD-only flags such as
    `--checksum`.
    """

    code = "DL3020"
    name = "add-local-file"
    severity = Severity.ERROR
    group = "hadolint"
    fix = FixAvailability.SOMETIMES
    kinds = frozenset({"ADD"})
    onbuild = False

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        ops = operands(inst)
        if len(ops) < 2 or inst.heredocs:
            return
        sources = [strip_quotes(v) for v, _s in ops[:-1]]
        if all(_is_url(s) or _is_archive(s) for s in sources):
            return
        fix: Fix | None = None
        remote = any(_remote_like(s) for s in sources)
        if not remote and not any(f.name in _ADD_ONLY_FLAGS for f in inst.flags):
            risky = any(_is_archive(s) or s.endswith(_MAYBE_ARCHIVE) or "$" in s for s in sources)
            fix = Fix(
                "Replace `ADD` with `COPY`",
                (Edit(inst.keyword_span, "COPY"),),
                Applicability.UNSAFE if risky else Applicability.SAFE,
            )
        yield Finding(
            inst.keyword_span, "Use `COPY` instead of `ADD` for local files and folders", fix
        )


RULE = AddLocalFile()
