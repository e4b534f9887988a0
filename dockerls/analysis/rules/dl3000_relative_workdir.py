"""DL3000: WORKDIR with a relative path."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules.base import Edit, Finding, Fix, FixAvailability, Rule, Severity
from dockerls.syntax.nodes import Instruction


def _is_absolute(path: str) -> bool:
    p = path.strip("\"'")
    return p.startswith(("/", "$")) or (len(p) >= 2 and p[1] == ":")


class RelativeWorkdir(Rule):
    """What it does:
    Flags a `WORKDIR` whose path is relative.

    Why it matters:
    A relative `WORKDIR` is resolved against whatever directory is current,
    which may come from the base image and change when it is updated.  An
    absolute path says exactly where the following steps run.

    Example:
    ```dockerfile
    WORKDIR /app
    WORKDIR src
    ```

    Fix:
    ```dockerfile
    WORKDIR /app
    WORKDIR /app/src
    ```
    The quick fix writes the absolute path when an earlier absolute
    `WORKDIR` of the same stage determines it.
    """

    code = "DL3000"
    name = "workdir-not-absolute"
    severity = Severity.ERROR
    group = "hadolint"
    kinds = frozenset({"WORKDIR"})
    fix = FixAvailability.SOMETIMES
    same_as = ("WorkdirRelativePath",)

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        cwd: str | None = None
        for idx, inst in stage.instructions:
            target: Instruction | None = inst
            if inst.name == "ONBUILD":
                target = inst.sub
                if target is None or target.name != "WORKDIR":
                    continue
            elif inst.name != "WORKDIR":
                continue
            assert target is not None
            if not target.words:
                continue
            word = target.words[-1] if len(target.words) == 1 else None
            path = target.args
            if _is_absolute(path):
                if inst is target:
                    cwd = _absolute(path)
                continue
            fix = None
            if word is not None and cwd is not None and _plain(path) and inst is target:
                new = posixpath.normpath(posixpath.join(cwd, path))
                fix = Fix(f"Use the absolute path `{new}`", (Edit(word.span, new),))
            span = word.span if word is not None else (target.args_span or target.keyword_span)
            yield Finding(
                span, f"`WORKDIR {path}` is relative: use an absolute path", fix, item=idx
            )
            if inst is target:
                cwd = (
                    posixpath.normpath(posixpath.join(cwd, path))
                    if cwd is not None and _plain(path)
                    else None
                )


def _plain(path: str) -> bool:
    return not any(c in path for c in "$\"'\\ ~")


def _absolute(path: str) -> str | None:
    p = path.strip("\"'")
    if p.startswith("/") and _plain(p):
        return posixpath.normpath(p)
    return None


RULE = RelativeWorkdir()
