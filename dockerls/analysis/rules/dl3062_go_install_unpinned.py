"""DL3062: `go install`/`go get` of a module without a version."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules._pkg import invocations
from dockerls.analysis.rules.base import (
    Finding,
    FixAvailability,
    InstructionContext,
    Rule,
    Severity,
)
from dockerls.syntax.nodes import Instruction

_TAKES_VALUE = frozenset(
    [
        "-ldflags",
        "-gcflags",
        "-asmflags",
        "-gccgoflags",
        "-tags",
        "-o",
        "-mod",
        "-modfile",
        "-p",
        "-buildmode",
        "-compiler",
        "-installsuffix",
        "-pkgdir",
        "-toolexec",
        "-overlay",
        "-pgo",
        "-C",
    ]
)


def _pinned(value: str) -> bool:
    if value.startswith((".", "/")) or value in ("std", "cmd", "all", "tool"):
        return True  # a local package or a package pattern
    at = value.rfind("@")
    return at > 0 and value[at + 1 :] not in ("", "latest")


class GoInstallUnpinned(Rule):
    """What it does:
    Flags each module path given to `go install` or `go get` without an
    `@version`, or with `@latest`.

    Why it matters:
    Without a version Go fetches the newest release at build time, so the
    tool in the image changes whenever upstream tags a release.

    Example:
    ```dockerfile
    RUN go install golang.org/x/tools/gopls@latest
    ```

    Fix:
    ```dockerfile
    RUN go install golang.org/x/tools/gopls@v0.16.1
    ```
    Local packages (`./...`) are not flagged.
    """

    code = "DL3062"
    name = "go-install-unpinned"
    severity = Severity.WARNING
    group = "hadolint"
    fix = FixAvailability.NONE
    kinds = frozenset({"RUN"})
    commands = frozenset({"go"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for inv in invocations(inst, ctx.shell, ("go",), ("install", "get"), _TAKES_VALUE):
            for w in inv.packages:
                if not _pinned(w.value):
                    base = w.value.split("@", 1)[0]
                    yield Finding(
                        inv.span_of(w),
                        f"Module `{w.raw}` has no fixed version: use `{base}@<version>`",
                    )


RULE = GoInstallUnpinned()
