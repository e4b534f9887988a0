"""InvalidMountValue: a RUN --mount option with a value BuildKit rejects."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import Finding, InstructionContext, Needs, Rule, Severity
from dockerls.analysis.rules.syn_common import OCTAL_RE, go_bool, has_var, mounts, valid_size
from dockerls.syntax import spec
from dockerls.syntax.nodes import Instruction

_V = spec.ValueKind


class InvalidMountValue(Rule):
    """What it does:
    Checks the values of `RUN --mount` options: `readonly`/`ro`, `rw` and
    `required` take a boolean, `sharing` one of `shared`, `private`,
    `locked`, `mode` an octal mode, `uid`/`gid` a number, tmpfs `size` a
    byte size, `from` a stage or image, and options like `target` need a
    value at all. Values with variables are not checked.

    Why it matters:
    BuildKit parses each option and stops the build on a bad one.

    Example:
    ```dockerfile
    RUN --mount=type=cache,target=/var/cache/apt,sharing=exclusive apt-get update
    ```

    Fix:
    Use a valid value, e.g. `sharing=locked`.
    """

    code = "InvalidMountValue"
    name = "invalid-mount-value"
    severity = Severity.ERROR
    group = "syntax"
    needs = Needs.FLAGS
    kinds = frozenset({"RUN"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for m in mounts(inst):
            mt = m.type
            if mt is None:
                continue
            for f in m.fields:
                key = mt.key(f.key)
                if key is None or key.name == "type" or not key.buildkit:
                    continue
                v = f.value
                if v is None:
                    if key.value_required:
                        yield Finding(
                            f.span, f"Mount option `{f.key}` needs a value: `{f.key}=...`"
                        )
                    continue
                if has_var(v) or f.value_span is None:
                    continue
                why = _problem(key, v)
                if why is not None:
                    yield Finding(f.value_span, f"Mount option `{f.key}={v}` {why}")


def _problem(key: spec.MountKey, v: str) -> str | None:
    if key.kind is _V.BOOLEAN:
        return None if go_bool(v) else "expects `true` or `false`"
    if key.kind is _V.ENUM:
        if v.lower() in key.values:
            return None
        return "expects one of " + ", ".join(f"`{x}`" for x in key.values)
    if key.name == "mode":
        return None if OCTAL_RE.match(v) else "expects an octal mode such as `0400`"
    if key.kind is _V.INT:
        return None if v.isdigit() else "expects a non-negative number"
    if key.name == "size":
        return None if valid_size(v) else "expects a size such as `64m` or `1g`"
    if key.kind is _V.STAGE:
        return None if v[:1].isalnum() else "must name a stage or an image"
    if key.value_required and v == "" and key.name in ("target", "source", "id"):
        return "is empty"
    return None


RULE = InvalidMountValue()
