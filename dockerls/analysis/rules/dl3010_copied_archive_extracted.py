"""DL3010: an archive COPY'd into the image and unpacked by a later RUN."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules._hl_run_util import direct_commands
from dockerls.analysis.rules.base import Finding, Rule, Severity
from dockerls.syntax.nodes import Instruction, Span
from dockerls.syntax.shell import Command

# what ADD unpacks by itself: tar, optionally compressed
_ARCHIVE_EXT = (
    ".tar",
    ".gz",
    ".bz2",
    ".xz",
    ".lz",
    ".lzma",
    ".Z",
    ".tgz",
    ".tb2",
    ".tbz",
    ".tbz2",
    ".tlz",
    ".txz",
    ".tZ",
)
_DECOMPRESSORS = frozenset({"gunzip", "unxz", "bunzip2", "unlzma", "uncompress", "zcat", "unzip"})


def _is_archive(name: str) -> bool:
    return name.endswith(_ARCHIVE_EXT)


def _copied_archives(inst: Instruction) -> list[tuple[str, Span]]:
    """(basename in the image, source span) of each archive a COPY brings in."""
    if any(f.name == "from" for f in inst.flags):
        return []
    words = inst.json_items if inst.json else inst.words
    if len(words) < 2:
        return []
    *sources, dest = words
    dest_base = posixpath.basename(dest.value.rstrip("/"))
    if len(sources) == 1 and not dest.value.endswith("/") and _is_archive(dest_base):
        return [(dest_base, sources[0].span)]
    out = []
    for w in sources:
        base = posixpath.basename(w.value)
        if _is_archive(base):
            out.append((base, w.span))
    return out


def _extracted(cmd: Command) -> set[str]:
    """Basenames of the files ``cmd`` unpacks."""
    if cmd.name == "tar":
        first = cmd.args[0].value if cmd.args else ""
        old_style = bool(first) and not first.startswith("-") and "x" in first
        if not (old_style or cmd.has_flag("-x", "--extract", "--get")):
            return set()
        names = {posixpath.basename(v) for v in cmd.flag_values("-f", "--file")}
        if old_style and "f" in first:
            names.update(posixpath.basename(w.value) for w in cmd.args[1:2])
        names.update(
            posixpath.basename(w.value)
            for w in cmd.args_without_flags(("-C", "--directory", "-f", "--file"))
        )
        return names
    if cmd.name in _DECOMPRESSORS or (
        cmd.name in ("gzip", "xz", "bzip2") and cmd.has_flag("-d", "--decompress")
    ):
        return {posixpath.basename(w.value) for w in cmd.args_without_flags()}
    return set()


class CopiedArchiveExtracted(Rule):
    """What it does:
    Flags a `COPY` of a tar archive (`.tar`, `.tar.gz`, `.tgz`, `.tar.xz`...)
    when a later `RUN` of the same stage unpacks a file of that name.

    Why it matters:
    The archive stays in the `COPY` layer even if the `RUN` deletes it, so
    the image carries it twice.  `ADD` unpacks local tar archives itself, in
    one layer.

    Example:
    ```dockerfile
    COPY app.tar.gz /tmp/
    RUN tar -xzf /tmp/app.tar.gz -C /opt
    ```

    Fix:
    ```dockerfile
    ADD app.tar.gz /opt/
    ```
    (or bind-mount the archive for the `RUN` with `RUN --mount=type=bind`).
    """

    code = "DL3010"
    name = "copied-archive-extracted"
    severity = Severity.INFO
    group = "hadolint"
    commands = frozenset({"tar", "gzip", "xz", "bzip2"}) | _DECOMPRESSORS

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        pending: dict[str, list[tuple[int, Span]]] = {}
        reported: set[tuple[int, int]] = set()
        for idx, inst, shell in model.shell_steps(stage):
            if inst.name == "COPY":
                for base, span in _copied_archives(inst):
                    pending.setdefault(base, []).append((idx, span))
            elif inst.name == "RUN" and pending:
                for _rs, cmd in direct_commands(inst, shell):
                    for base in _extracted(cmd):
                        for at in pending.get(base, ()):
                            if (at[0], at[1].start) not in reported:
                                reported.add((at[0], at[1].start))
                                yield Finding(
                                    at[1],
                                    f"`{base}` is unpacked by a later `RUN`: `ADD` it instead to unpack it in one layer",
                                    item=at[0],
                                )


RULE = CopiedArchiveExtracted()
