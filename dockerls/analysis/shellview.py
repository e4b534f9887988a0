"""The shell view of RUN instructions for rules: every script an instruction
runs (the shell-form command line and heredoc bodies), parsed once and cached,
with a mapping back to item-relative source spans."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from dockerls.analysis.model import var_refs
from dockerls.syntax.identity_cache import per_node
from dockerls.syntax.nodes import Instruction, SourceMap, Span
from dockerls.syntax.shell import ShellScript, parse_shell, shell_dialect
from dockerls.syntax.shellvars import ENV, UNSURE, env_reads


@dataclass(frozen=True, slots=True)
class RunScript:
    """One script of a RUN: ``script`` with positions relative to ``text``."""

    source: SourceMap  # the RUN's logical -> source mapping (not the node: caches hold this)
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
        return self.source.span(a, b)

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


@per_node(16384)
def _run_scripts(inst: Instruction, shell: tuple[str, ...]) -> tuple[RunScript, ...]:
    if inst.name != "RUN":
        return ()
    if inst.json:
        return _exec_script(inst)
    dialect = shell_dialect(tuple(shell))
    out: list[RunScript] = []
    cmd = inst.args
    heredoc_only = bool(inst.heredocs) and all(
        w.value.lstrip("0123456789").startswith("<<") for w in inst.words
    )
    if cmd and not heredoc_only:
        out.append(
            RunScript(inst.source_map, cmd, parse_shell(cmd, dialect), False, inst.args_start)
        )
    for h in inst.heredocs:
        body = h.content
        d = dialect
        first = body.split("\n", 1)[0]
        if first.startswith("#!"):
            d = shell_dialect(first[2:].strip().split())
        out.append(RunScript(inst.source_map, body, parse_shell(body, d), True, h.body_span.start))
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
    return (RunScript(inst.source_map, text, parse_shell(text, "sh"), False, 0, tuple(where)),)


# the environment reads of scripts that are not POSIX shell
# (patterns compiled by the first such script, in ``re``'s cache: POSIX scripts need none)
_PS_ENV = r"\$(?:\{env:([A-Za-z_][A-Za-z0-9_]*)\}|env:([A-Za-z_][A-Za-z0-9_]*))"
_CMD_ENV = r"%([A-Za-z_][A-Za-z0-9_]*)%"
_PS_SET = r"\$\{?env:%s\}?\s*[-+*/]?=(?!=)"
_CMD_SET = r"(?i:\bset\s+(?:/[ap]\s+)?\"?)%s="


def _dollar_names(text: str) -> list[tuple[str, int, int]]:
    """(name, start, end) of every ``$NAME``/``${NAME...}`` outside single quotes."""
    return [(r.name, r.name_start, r.name_start + len(r.name)) for r in var_refs(text)]


def _shell_reads(script: str) -> list[tuple[str, int, int, str]]:
    """(name, start, end, kind) of the reads of a POSIX script; a ``$NAME``
    the shell parse missed (tree-sitter could not read that part) is unsure."""
    out = [(r.name, r.span.start, r.span.end, r.kind) for r in env_reads(script)]
    found = {(s, e) for _n, s, e, _k in out}
    out += [(name, s, e, UNSURE) for name, s, e in _dollar_names(script) if (s, e) not in found]
    return out


def _foreign_reads(text: str, dialect: str) -> list[tuple[str, int, int, str]]:
    """(name, start, end, kind) of environment reads in a PowerShell or cmd
    script; any other language's mentions of a name are unsure."""
    out: list[tuple[str, int, int, str]] = []
    if dialect == "powershell":
        for m in re.finditer(_PS_ENV, text, re.I):
            g = 1 if m.group(1) else 2
            name = m.group(g)
            set_ = re.search(_PS_SET % re.escape(name), text, re.I)
            kind = UNSURE if set_ else ENV
            out.append((name, m.start(g), m.end(g), kind))
    elif dialect == "cmd":
        for m in re.finditer(_CMD_ENV, text):
            name = m.group(1)
            set_ = re.search(_CMD_SET % re.escape(name), text)
            out.append((name, m.start(1), m.end(1), UNSURE if set_ else ENV))
    else:
        for m in re.finditer(r"[A-Za-z_][A-Za-z0-9_]*", text):
            out.append((m.group(), m.start(), m.end(), UNSURE))
    return out


def env_var_reads(
    inst: Instruction, shell: tuple[str, ...] = ("/bin/sh", "-c")
) -> tuple[tuple[str, Span, str], ...]:
    """The variable reads of a RUN's scripts (pass ``inst.sub`` for ONBUILD
    RUN) as (name, item-relative span of the name, kind): ``ENV`` when the
    read sees the value the script started with (the build's ARG/ENV),
    ``SHELL`` when the script set it first, ``UNSURE`` when it may be either
    or the name cannot be edited in place (see :mod:`dockerls.syntax.shellvars`).
    BuildKit itself expands nothing here: the shell does."""
    return _env_var_reads(inst, shell)


@per_node(4096)
def _env_var_reads(inst: Instruction, shell: tuple[str, ...]) -> tuple[tuple[str, Span, str], ...]:
    scripts = run_scripts(inst, shell)
    out: list[tuple[str, Span, str]] = []
    item_text = inst.text

    def add(name: str, sp: Span, kind: str) -> None:
        if item_text[sp.start : sp.end] != name:
            kind = UNSURE  # split by a line continuation, or written with escapes
        out.append((name, sp, kind))

    cmdline = next((s for s in scripts if not s.heredoc), None)
    bodies = [s for s in scripts if s.heredoc]
    if cmdline is not None and not cmdline.script.supported:
        for name, s0, s1, kind in _foreign_reads(cmdline.text, cmdline.script.dialect):
            add(name, cmdline.span(Span(s0, s1)), kind)
        return tuple(out)
    if cmdline is not None:
        # the shell runs the command line with the heredoc bodies after it; a
        # body whose delimiter is unquoted is expanded by that shell
        combined = cmdline.text
        pieces: list[tuple[int, int, int]] = []  # (start in combined, end, source start)
        for h in inst.heredocs:
            body = item_text[h.body_span.start : h.body_span.end]
            if not h.expand:
                # data for the command, or a script it runs later: either way
                # a `$NAME` there may or may not read the build's variable
                for name, s, e in _dollar_names(body):
                    out.append((name, Span(h.body_span.start + s, h.body_span.start + e), UNSURE))
                body = "\n" * body.count("\n")
            if body and not body.endswith("\n"):
                body += "\n"
            combined += "\n"
            pieces.append((len(combined), len(combined) + len(body), h.body_span.start))
            combined += body + h.name + "\n"
        n = len(cmdline.text)
        for name, r0, r1, kind in _shell_reads(combined):
            if r1 <= n:
                add(name, cmdline.span(Span(r0, r1)), kind)
                continue
            for s0, s1, src in pieces:
                if s0 <= r0 and r1 <= s1:
                    add(name, Span(src + r0 - s0, src + r1 - s0), kind)
        return tuple(out)
    for hd in bodies:  # heredoc-only RUN: each body is the script
        base = hd.span(Span(0, 0)).start
        if hd.script.supported:
            reads = _shell_reads(hd.text)
        else:
            reads = _foreign_reads(hd.text, hd.script.dialect)
        for name, s, e, kind in reads:
            add(name, Span(base + s, base + e), kind)
    return tuple(out)
