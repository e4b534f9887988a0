"""DL4006: a pipe in RUN while the shell lacks ``-o pipefail``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from dockerls.analysis.rules._hl_run_util import direct_commands
from dockerls.analysis.rules.base import Finding, InstructionContext, Rule, Severity
from dockerls.syntax.nodes import Instruction, Span
from dockerls.syntax.shell import Command, shell_dialect


class PipeWithoutPipefail(Rule):
    """What it does:
    Flags the first pipe `|` of a `RUN` when neither the `SHELL` in force
    (`-o pipefail`) nor an earlier `set -o pipefail` in the same `RUN` makes
    the pipeline fail when one of its commands fails.

    Why it matters:
    A pipeline's status is the status of its last command.  In
    `RUN curl -fsSL https://x | tar -xz`, a failed download still ends in a
    "successful" step and a broken image.

    Example:
    ```dockerfile
    RUN wget -O - https://example.com/x.tar.gz | tar -xz
    ```

    Fix:
    Set the option for every later `RUN` (the shell must support it, e.g.
    bash or ash):
    ```dockerfile
    SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    RUN wget -O - https://example.com/x.tar.gz | tar -xz
    ```
    or start the `RUN` with `set -o pipefail &&`.
    """

    code = "DL4006"
    name = "pipe-without-pipefail"
    severity = Severity.WARNING
    group = "hadolint"
    kinds = frozenset({"RUN"})
    commands = frozenset({"|"})  # a pipeline needs a pipe character

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        if shell_dialect(ctx.shell) != "posix" or _sets_pipefail(ctx.shell[1:]):
            return
        current = None
        pipefail_at = -1
        for rs, cmd in direct_commands(inst, ctx.shell):
            if rs is not current:
                current, pipefail_at = rs, -1
            if (
                cmd.name == "set"
                and pipefail_at < 0
                and _sets_pipefail([w.value for w in cmd.args])
            ):
                pipefail_at = cmd.span.start
                continue
            if cmd.pipeline_index is None or cmd.pipeline_index == 0:
                continue
            if pipefail_at >= 0:
                continue
            yield Finding(
                rs.span(_pipe_span(rs.text, cmd)),
                'Pipeline failures are ignored: use `SHELL [..., "-o", "pipefail", ...]` or `set -o pipefail`',
            )
            return


def _sets_pipefail(args: Sequence[str]) -> bool:
    """True when ``args`` contain ``-o pipefail`` (``-eo pipefail`` too)."""
    for k in range(len(args) - 1):
        a = args[k]
        if (
            args[k + 1] == "pipefail"
            and a.startswith("-")
            and not a.startswith("--")
            and a.endswith("o")
        ):
            return True
    return any(a == "-opipefail" for a in args)


def _pipe_span(text: str, cmd: Command) -> Span:
    k = text.rfind("|", 0, cmd.span.start)
    if k < 0:
        return cmd.name_span
    if k > 0 and text[k - 1] == "|":
        return cmd.name_span
    end = k + 2 if text[k + 1 : k + 2] == "&" else k + 1
    return Span(k, end)


RULE = PipeWithoutPipefail()
