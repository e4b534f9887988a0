"""UnknownMountKey: a RUN --mount option the mount type does not have."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import (
    Finding,
    FixAvailability,
    InstructionContext,
    Needs,
    Rule,
    Severity,
)
from dockerls.analysis.rules.syn_common import mounts, rename_fix, unambiguous
from dockerls.syntax.nodes import Instruction


class UnknownMountKey(Rule):
    """What it does:
    Flags a `key=value` option of `RUN --mount` that the mount's type does not
    define, such as `targt=` or `sharing=` on a bind mount. Keys understood by
    Buildah/Podman (`z`, `U`, `relabel`) are left alone.

    Why it matters:
    BuildKit stops the build on an unexpected mount key.

    Example:
    ```dockerfile
    RUN --mount=type=cache,targt=/root/.cache go build ./...
    ```

    Fix:
    Spell the key correctly; the quick fix renames it to the closest key of
    that mount type.
    """

    code = "UnknownMountKey"
    name = "unknown-mount-key"
    severity = Severity.ERROR
    group = "syntax"
    needs = Needs.FLAGS
    fix = FixAvailability.SOMETIMES
    kinds = frozenset({"RUN"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        from dockerls.syntax import spec

        for m in mounts(inst):
            mt = m.type
            if mt is None:
                continue
            names: list[str] | None = None  # the keys to suggest, listed at the first unknown
            for f in m.fields:
                if mt.key(f.key) is not None:
                    continue
                if names is None:
                    names = [n for k in mt.keys if k.buildkit for n in k.names]
                best = spec.closest(f.key, names)
                if best is None:
                    yield Finding(
                        f.key_span, f"`{f.key}` is not an option of `type={mt.name}` mounts"
                    )
                    continue
                yield Finding(
                    f.key_span,
                    f"`{f.key}` is not an option of `type={mt.name}` mounts: did you mean `{best}`?",
                    rename_fix(f.key_span, best, "the key", unambiguous(f.key, best, names)),
                )


RULE = UnknownMountKey()
