"""DL3016: `npm install` of a package without a version."""

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
    {
        "--loglevel",
        "--registry",
        "--prefix",
        "--cache",
        "--tag",
        "--userconfig",
        "--globalconfig",
        "--only",
        "--omit",
        "--include",
        "--workspace",
        "-w",
        "--location",
        "--install-strategy",
        "--before",
    }
)
_GIT = ("git:", "git+", "github:", "gitlab:", "bitbucket:", "gist:")
_ARCHIVES = (".tgz", ".tar.gz", ".tar")


def _pinned(value: str) -> bool:
    if value.startswith((".", "/", "~")) or value.endswith(_ARCHIVES):
        return True  # a folder or a tarball
    if value.startswith(("http://", "https://", "file:")):
        return True
    if value.startswith(_GIT) or "://" in value:
        return "#" in value  # a git URL is pinned by a `#<ref>`
    if value.rfind("@") > 0:
        return True  # name@version, @scope/name@version
    # GitHub shorthand `user/repo`
    return "/" in value and not value.startswith("@") and "#" in value


class NpmUnpinnedPackage(Rule):
    """What it does:
    Flags each package given to `npm install` without a version
    (`npm install express` rather than `express@4.19.2`).

    Why it matters:
    npm resolves an unversioned package to the newest release at build
    time, so a rebuild may install code nobody has tested.

    Example:
    ```dockerfile
    RUN npm install -g typescript
    ```

    Fix:
    ```dockerfile
    RUN npm install -g typescript@5.4.5
    ```
    A tag (`@next`), a range, a tarball, a folder or a git URL with
    `#<ref>` all count as a version.  `npm install` with no package reads
    `package.json` and is not flagged.
    """

    code = "DL3016"
    name = "npm-unpinned-package"
    severity = Severity.WARNING
    group = "hadolint"
    fix = FixAvailability.NONE
    kinds = frozenset({"RUN"})
    commands = frozenset({"npm"})

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for inv in invocations(inst, ctx.shell, ("npm",), ("install",), _TAKES_VALUE):
            for w in inv.packages:
                if not _pinned(w.value):
                    yield Finding(
                        inv.span_of(w),
                        f"Package `{w.raw}` has no version: pin it, e.g. `{w.value}@<version>`",
                    )


RULE = NpmUnpinnedPackage()
