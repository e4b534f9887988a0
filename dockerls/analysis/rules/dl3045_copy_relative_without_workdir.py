"""DL3045: COPY to a relative destination while no WORKDIR is set."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model, Stage, expand, var_refs
from dockerls.analysis.rules._misc_common import operand_value, operands, windows_path
from dockerls.analysis.rules.base import Finding, FixAvailability, Rule, Severity
from dockerls.syntax.nodes import Instruction


def _has_workdir(stage: Stage, model: Model, before: int) -> bool:
    """Whether the working directory is known at item ``before`` of
    ``stage``: a WORKDIR is in force, counting the stages it builds on
    (through the global ARGs' defaults), or the chain starts from `scratch`,
    whose working directory is `/`."""
    seen: set[int] = set()
    cur: Stage | None = stage
    while cur is not None and cur.index not in seen:
        seen.add(cur.index)
        if any(idx < before for idx, _inst in cur.by_name("WORKDIR")):
            return True
        parent = model.parent_stage(cur)
        if parent is None:
            return cur.image_ref is not None and cur.image_ref.is_scratch
        cur, before = parent, parent.end
    return False


def _destination(inst: Instruction, raw: str, stage: Stage, idx: int, model: Model) -> str | None:
    """The destination as the build sees it: quotes removed and the ARG/ENV
    values in force substituted.  None when it starts with a variable
    without a known value (``$HOME``, set by the base image): it may well be
    absolute."""
    refs = var_refs(raw, model.escape)
    if refs:
        env = model.env_at(stage, idx)
        lead = len(raw) - len(raw.lstrip("\"'"))
        first = refs[0]
        unknown = env.get(first.name) is None and first.modifier not in (":-", "-")
        if first.start == lead and unknown:
            return None
        raw = expand(raw, env, model.escape)
    return operand_value(inst, raw, model.escape)


def _absolute(dest: str) -> bool:
    """``/x``; on Windows also ``C:\\x``, ``C:/x`` and ``\\x`` (a leading
    backslash means nothing else)."""
    return dest.startswith(("/", "\\")) or windows_path(dest, ())


class CopyRelativeWithoutWorkdir(Rule):
    """What it does:
    Flags a `COPY` whose destination is a relative path while neither this
    stage nor a stage it builds on has set a `WORKDIR` yet.  The destination
    is read as the build reads it: quotes removed and `ARG`/`ENV` values
    substituted, so `"${HOME}"/app` or `$APP_DIR` set to an absolute path is
    absolute, and a destination starting with a variable whose value is
    unknown (set by the base image) is left alone.  `FROM <stage>` inherits
    that stage's `WORKDIR`, also when the stage is named through a global
    `ARG` (`FROM build-${VARIANT}`, read with the `ARG`'s default), and a
    stage built from `scratch` works in `/`.

    Why it matters:
    A relative destination is resolved against the working directory of the
    base image, which you do not control and which may change between
    versions of that image.

    Example:
    ```dockerfile
    FROM python:3.12
    COPY app.py app/
    ```

    Fix:
    Set the working directory first, or use an absolute destination:
    ```dockerfile
    FROM python:3.12
    WORKDIR /srv
    COPY app.py app/
    ```
    """

    code = "DL3045"
    name = "copy-relative-without-workdir"
    severity = Severity.WARNING
    group = "hadolint"
    kinds = frozenset({"COPY"})
    fix = FixAvailability.NONE

    def check_stage(self, stage: Stage, model: Model) -> Iterable[Finding]:
        workdirs = stage.by_name("WORKDIR")
        first_workdir = workdirs[0][0] if workdirs else None
        for idx, inst in stage.by_name("COPY"):
            if first_workdir is not None and first_workdir < idx:
                continue  # a WORKDIR of the stage is in force (what _has_workdir finds first)
            ops = operands(inst)
            if len(ops) < 2:
                continue
            raw, span = ops[-1]
            dest = _destination(inst, raw, stage, idx, model)
            if not dest or _absolute(dest):
                continue
            if _has_workdir(stage, model, idx):
                continue
            yield Finding(span, f"Relative destination `{dest}` but no `WORKDIR` is set", item=idx)


RULE = CopyRelativeWithoutWorkdir()
