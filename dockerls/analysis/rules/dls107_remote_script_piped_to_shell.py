"""DLS107: a downloaded script piped straight into a shell."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.rules.base import Finding, InstructionContext, Rule, Severity
from dockerls.analysis.shellview import run_scripts
from dockerls.syntax.nodes import Instruction, Span

_DOWNLOADERS = frozenset({"curl", "wget", "fetch"})
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "busybox"})


class RemoteScriptPipedToShell(Rule):
    """What it does:
    Flags a pipeline that downloads a script with `curl` or `wget` and
    pipes it into a shell (`curl -fsSL https://... | sh`, also through
    `sudo`).

    Why it matters:
    The shell runs whatever the server sends that day, unchecked: a
    compromised or changed script runs as root in the build, and the
    build is not reproducible.  A cut-off download may even run half a
    script.

    Example:
    ```dockerfile
    RUN curl -fsSL https://example.com/install.sh | sh
    ```

    Fix:
    Download a pinned version, verify its checksum, then run it:
    ```dockerfile
    ADD --checksum=sha256:<digest> https://example.com/v1.2.3/install.sh /tmp/install.sh
    RUN sh /tmp/install.sh && rm /tmp/install.sh
    ```
    """

    code = "DLS107"
    name = "remote-script-piped-to-shell"
    severity = Severity.WARNING
    group = "best-practice"
    kinds = frozenset({"RUN"})
    commands = _DOWNLOADERS

    def check_instruction(self, inst: Instruction, ctx: InstructionContext) -> Iterable[Finding]:
        for rs in run_scripts(inst, ctx.shell):
            if not rs.script.supported or not rs.script.has_pipe:
                continue
            cmds = [c for c in rs.script.commands if c.via_shell is None]
            for k, c in enumerate(cmds):
                if c.name not in _DOWNLOADERS or c.pipeline_index is None:
                    continue
                # the later stages of the same pipeline
                for d in cmds[k + 1 :]:
                    if d.pipeline_index is None or d.pipeline_index <= c.pipeline_index:
                        break
                    if d.name in _SHELLS and not (d.name == "busybox" and not d.has_args("sh")):
                        if d.has_flag("-c"):
                            continue  # `| sh -c '...'`: the download is data, not the script
                        yield Finding(
                            rs.span(Span(c.span.start, d.name_span.end)),
                            f"A script downloaded with `{c.name}` is piped into `{d.name}`:"
                            " download, verify, then run it",
                        )
                        break


RULE = RemoteScriptPipedToShell()
