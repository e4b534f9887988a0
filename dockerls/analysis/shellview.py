"""The shell view of RUN instructions for rules: every script an instruction
runs (the shell-form command line and heredoc bodies), parsed once and cached,
with a mapping back to item-relative source spans."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from dockerls.syntax.nodes import Instruction, Span
from dockerls.syntax.shell import ShellScript, parse_shell, shell_dialect


@dataclass(frozen=True, slots=True)
class RunScript:
    """One script of a RUN: ``script`` with positions relative to ``text``."""

    inst: Instruction
    text: str
    script: ShellScript
    heredoc: bool  # a heredoc body, not the command line
    _base: int  # logical index (command line) or source offset (heredoc)

    def span(self, s: Span) -> Span:
        """Map a span of ``text`` back to an item-relative source span."""
        if self.heredoc:
            return Span(self._base + s.start, self._base + s.end)
        a = self._base + s.start
        b = self._base + s.end
        return self.inst.source_span(a, b)


def run_scripts(
    inst: Instruction, shell: tuple[str, ...] = ("/bin/sh", "-c")
) -> tuple[RunScript, ...]:
    """Scripts of a RUN instruction (pass ``inst.sub`` for ONBUILD RUN).

    Exec-form RUN runs no shell and yields nothing; non-POSIX shells yield
    scripts with ``script.supported == False``.
    """
    return _run_scripts(inst, shell)


@lru_cache(maxsize=16384)
def _run_scripts(inst: Instruction, shell: tuple[str, ...]) -> tuple[RunScript, ...]:
    if inst.name != "RUN" or inst.json:
        return ()
    dialect = shell_dialect(shell)
    out: list[RunScript] = []
    cmd = inst.args
    heredoc_only = bool(inst.heredocs) and all(
        w.value.lstrip("0123456789").startswith("<<") for w in inst.words
    )
    if cmd and not heredoc_only:
        out.append(RunScript(inst, cmd, parse_shell(cmd, dialect), False, inst.args_start))
    for h in inst.heredocs:
        body = h.content
        d = dialect
        first = body.split("\n", 1)[0]
        if first.startswith("#!"):
            d = shell_dialect(first[2:].strip().split())
        out.append(RunScript(inst, body, parse_shell(body, d), True, h.body_span.start))
    return tuple(out)
