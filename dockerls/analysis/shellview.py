"""The shell view of RUN instructions for rules: every script an instruction
runs (the shell-form command line and heredoc bodies), parsed once and cached,
with a mapping back to item-relative source spans."""

from __future__ import annotations

import shlex
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
    # exec form: per JSON element, (start, end) in ``text`` and its source span
    # inside the quotes (the whole string when escapes make offsets differ)
    _exec: tuple[tuple[int, int, int, int, bool], ...] | None = None

    def span(self, s: Span) -> Span:
        """Map a span of ``text`` back to an item-relative source span."""
        if self._exec is not None:
            return Span(self._exec_offset(s.start, False), self._exec_offset(s.end, True))
        if self.heredoc:
            return Span(self._base + s.start, self._base + s.end)
        a = self._base + s.start
        b = self._base + s.end
        return self.inst.source_span(a, b)

    def _exec_offset(self, off: int, end: bool) -> int:
        els = self._exec
        assert els
        for t0, t1, s0, s1, exact in els:
            if t0 <= off <= t1:
                if exact:
                    return s0 + (off - t0)
                return s1 if end else s0
        # between elements (a space, or a quote shlex added): an end moves back
        # to the element before, a start on to the element after
        if end:
            before = [e for e in els if e[1] <= off]
            return (before[-1] if before else els[0])[3]
        after = [e for e in els if e[0] >= off]
        return (after[0] if after else els[-1])[2]


def run_scripts(
    inst: Instruction, shell: tuple[str, ...] = ("/bin/sh", "-c")
) -> tuple[RunScript, ...]:
    """Scripts of a RUN instruction (pass ``inst.sub`` for ONBUILD RUN).

    Exec-form RUN runs no shell; as hadolint does, its elements are read as
    one command line (each quoted for the shell, so ``["sh", "-c", "a | b"]``
    stays one script for ``sh -c``), and spans map back into the JSON
    strings.  Non-POSIX shells yield scripts with ``script.supported == False``.
    """
    return _run_scripts(inst, shell)


@lru_cache(maxsize=16384)
def _run_scripts(inst: Instruction, shell: tuple[str, ...]) -> tuple[RunScript, ...]:
    if inst.name != "RUN":
        return ()
    if inst.json:
        return _exec_script(inst)
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


def _exec_script(inst: Instruction) -> tuple[RunScript, ...]:
    items = inst.json_items
    if not items or len(items) != len(inst.values):
        return ()
    parts: list[str] = []
    where: list[tuple[int, int, int, int, bool]] = []
    pos = 0
    for w in items:
        quoted = shlex.quote(w.value)
        if parts:
            parts.append(" ")
            pos += 1
        lead = 1 if quoted != w.value else 0  # the opening quote shlex added
        t0 = pos + lead
        t1 = t0 + len(w.value)
        inner = Span(w.span.start + 1, w.span.end - 1)
        # offsets line up when the value is written without escapes and
        # shlex added nothing inside it
        exact = len(inner) == len(w.value) and quoted in (w.value, f"'{w.value}'")
        where.append((t0, t1, inner.start, inner.end, exact))
        parts.append(quoted)
        pos += len(quoted)
    text = "".join(parts)
    return (RunScript(inst, text, parse_shell(text, "sh"), False, 0, tuple(where)),)
