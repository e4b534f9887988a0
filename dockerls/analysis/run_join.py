"""Whether consecutive RUNs can become one without changing what the build
does, and the text that joins them.  DL3059's quick fix and the "Combine RUN"
refactoring both decide here.

A build runs each RUN as ``<shell> <script>`` in a fresh process and stops at
the first one that fails.  The joined RUN runs ``A && B && C`` in one shell, so
it keeps the build's behaviour only when:

* the shell is a known POSIX shell (never PowerShell, cmd or an unknown
  program: ``&&`` and ``{ ...; }`` mean nothing there);
* no RUN but the last leaves shell state behind for the later ones to see:
  directory (``cd``, ``pushd``), variables (assignments, ``export``,
  ``read``, ``for`` loop variables, ``${x:=v}``, ``$((x=1))``), options
  (``set``, ``shopt``, ``umask``, ``ulimit``), ``trap``, functions, aliases,
  or a way out of the shell (``exit``, ``exec``, ``return``), and no command
  whose name is only known when the shell runs;
* no RUN starts a background job (``&``): the later steps, or the shell's
  exit, would no longer wait for the chain;
* every RUN after the first runs only when the earlier ones succeeded and
  ends with its own exit status: a RUN with ``||``, ``;`` at its top level is
  grouped (``A && { b || c; }``);
* with ``-e`` among the shell's options, which is ignored inside anything
  left of ``&&``, a RUN that isn't the last holds no ``;``, group, subshell,
  compound command or command substitution (where ``-e`` would have stopped
  it), and only the last may be grouped;
* ``&&`` can follow every RUN but the last (no trailing ``;``, ``\\`` or
  comment),
  and no later RUN reads ``$_`` (the previous command's last argument).

Everything here reads the text; nothing is executed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

from dockerls.syntax.nodes import Blank, Comment, Instruction
from dockerls.syntax.parser import Parse
from dockerls.syntax.shell import parse_shell, shell_dialect, syntax_tree

if TYPE_CHECKING:
    import tree_sitter

Shell = tuple[str, ...]

# shells whose `a && { b; }` is the POSIX one
_POSIX_SHELLS = frozenset(
    {"sh", "bash", "dash", "ash", "ksh", "ksh93", "mksh", "pdksh", "zsh", "yash", "posh"}
)

# builtins that change the shell itself, or leave it
_STATEFUL = frozenset(
    {
        ".",
        "alias",
        "autoload",
        "bind",
        "break",
        "cd",
        "continue",
        "coproc",
        "declare",
        "dirs",
        "disown",
        "emulate",
        "enable",
        "eval",
        "exec",
        "exit",
        "export",
        "float",
        "getopts",
        "hash",
        "integer",
        "let",
        "local",
        "logout",
        "mapfile",
        "popd",
        "pushd",
        "read",
        "readarray",
        "readonly",
        "return",
        "set",
        "setopt",
        "shift",
        "shopt",
        "source",
        "trap",
        "typeset",
        "ulimit",
        "umask",
        "unalias",
        "unset",
        "unsetopt",
        "zmodload",
    }
)
# POSIX special builtins: assignments written before them stay set
_SPECIAL = frozenset({":", ".", "eval", "exec", "exit", "export", "readonly", "set", "times"})
# words that run the next word as the command, in this shell
_WRAPPERS = frozenset({"builtin", "command", "time"})
# operators that assign inside ${...} and arithmetic
_ASSIGN_OPS = frozenset(
    {"=", ":=", "+=", "-=", "*=", "/=", "%=", "<<=", ">>=", "&=", "^=", "|=", "++", "--"}
)
# nodes whose commands run in a child process: their state stays there
_CHILD = frozenset({"subshell", "command_substitution", "process_substitution"})
_STATE_NODES = frozenset(
    {
        "declaration_command",
        "unset_command",
        "function_definition",
        "for_statement",
        "c_style_for_statement",
    }
)
# where a command's failure stops the script under `-e` but not left of `&&`
_ERREXIT_SCOPES = (
    ";",
    "subshell",
    "compound_statement",
    "if_statement",
    "while_statement",
    "for_statement",
    "c_style_for_statement",
    "case_statement",
    "function_definition",
    "command_substitution",
    "process_substitution",
)
_LAST_ARG = re.compile(r"\$\{?_(?![A-Za-z0-9_])")


def posix_shell(shell: Shell) -> bool:
    """Whether RUNs under ``shell`` (a SHELL argv) are POSIX shell scripts run
    with ``-c``."""
    return _posix_shell_name(shell) is not None


def _posix_shell_name(shell: Shell) -> str | None:
    """The POSIX shell ``shell`` runs (``bash``, ``sh``...), or None."""
    if len(shell) < 2 or shell_dialect(shell) != "posix":
        return None
    k = 0
    if _base(shell[0]) == "env":
        k = 1
        while k < len(shell) and (shell[k].startswith("-") or "=" in shell[k]):
            k += 1
    if k < len(shell) and _base(shell[k]) == "busybox":
        k += 1
    if k >= len(shell) - 1 or _base(shell[k]) not in _POSIX_SHELLS:
        return None
    last = shell[-1]
    if not (last.startswith("-") and not last.startswith("--") and last.endswith("c")):
        return None
    return _base(shell[k])


def _base(exe: str) -> str:
    return exe.replace("\\", "/").rsplit("/", 1)[-1]


def _errexit(shell: Shell) -> bool:
    """Whether the shell's own options include ``-e`` (errexit)."""
    for k, w in enumerate(shell[1:], 1):
        if w == "-o" and k + 1 < len(shell) and shell[k + 1] == "errexit":
            return True
        if w.startswith("-") and not w.startswith("--") and "e" in w[1:]:
            return True
    return False


def join_plan(
    insts: Sequence[Instruction], shells: Sequence[Shell], escape: str
) -> tuple[bool, ...] | None:
    """For RUNs to be joined in this order (``shells``: the shell in force at
    each, from the model), per RUN whether its commands must be grouped in
    ``{ ...; }``; None when joining could change what the build does, or
    can't be written."""
    if len(insts) < 2 or len(shells) != len(insts) or any(sh != shells[0] for sh in shells):
        return None  # a `# hadolint shell=` pragma between them says they differ
    shell = shells[0]
    name = _posix_shell_name(shell)
    if name is None:
        return None
    # `a &>f` is `a >f 2>&1` to bash and zsh, but `a &` then `>f` to others
    background = ("&", "heredoc_redirect", "coproc") + (
        () if name in ("bash", "zsh") else ("&>", "&>>")
    )
    flags = tuple(f.raw for f in insts[0].flags)
    dialect = shell_dialect(shell)
    errexit = _errexit(shell)
    last = len(insts) - 1
    groups: list[bool] = []
    total = 0
    for k, inst in enumerate(insts):
        if (
            inst.name != "RUN"
            or inst.json
            or inst.heredocs
            or inst.args_span is None
            or tuple(f.raw for f in inst.flags) != flags
            or inst.text.rstrip().endswith(escape)
        ):
            return None
        script = inst.args
        view = parse_shell(script, dialect)
        if not script.strip() or view.errors or not view.commands:
            return None
        root = syntax_tree(script).root_node
        if root.has_error or (_may_background(script) and _anywhere(root, background)):
            return None
        group = k > 0 and _needs_group(root)
        # `-e` is ignored inside anything left of `&&`: a RUN that isn't last
        # must not hold commands whose failure `-e` would have stopped at
        if errexit and k != last and (group or _anywhere(root, _ERREXIT_SCOPES)):
            return None
        if k < last and (_changes_state(root) or not _and_can_follow(root)):
            return None
        if (k < last or group) and "#" in script and _anywhere(root, ("comment",)):
            return None
        if k > 0 and _LAST_ARG.search(script):
            return None
        if (k < last or group) and script.rstrip().endswith("\\"):
            return None  # `echo a\` would escape the space before `&&` or `;`
        groups.append(group)
        total += len(view.commands)
    # the joined script must read as the RUNs' commands, nothing more or less
    merged = parse_shell(joined_script(insts, groups), dialect)
    if merged.errors or len(merged.commands) != total:
        return None
    return tuple(groups)


def joined_script(insts: Sequence[Instruction], groups: Sequence[bool]) -> str:
    """The command line of the joined RUN (continuations removed)."""
    out = ""
    for k, inst in enumerate(insts):
        script = inst.args
        if k:
            out += " && "
        if groups[k]:
            script = "{ " + script + _closing(script)
        out += script
    return out


def _closing(script: str) -> str:
    return " }" if script.rstrip().endswith(";") else "; }"


def join_edits(
    p: Parse, runs: Sequence[int], groups: Sequence[bool], indent: str, nl: str
) -> list[tuple[int, int, str]]:
    """Absolute ``(start, end, new text)`` edits that join the RUNs at item
    indexes ``runs`` (consecutive, comments and blank lines between them)
    with ``&&`` and continuation lines, as planned by :func:`join_plan`.
    Comments between them become comment lines of the continuation; blank
    lines go (an empty continuation line is an error in newer BuildKit)."""
    items = p.items
    escape = p.escape
    out: list[tuple[int, int, str]] = []
    for k in range(1, len(runs)):
        ia, ib = runs[k - 1], runs[k]
        ra, rb = items[ia], items[ib]
        assert isinstance(ra, Instruction) and isinstance(rb, Instruction)
        assert rb.args_span is not None
        kept = "".join(
            c.text.rstrip("\r\n") + nl for c in items[ia + 1 : ib] if isinstance(c, Comment)
        )
        a_end = p.starts[ia] + len(ra.text.rstrip())
        close = _closing(ra.args) if groups[k - 1] else ""
        open_ = "{ " if groups[k] else ""
        new = f"{close} && {escape}{nl}{kept}{indent}{open_}"
        out.append((a_end, p.starts[ib] + rb.args_span.start, new))
    if groups[-1]:
        il = runs[-1]
        rl = items[il]
        assert isinstance(rl, Instruction)
        end = p.starts[il] + len(rl.text.rstrip())
        out.append((end, end, _closing(rl.args)))
    return out


def between_runs_only_comments(p: Parse, runs: Sequence[int]) -> bool:
    """Whether only comments and blank lines separate the RUNs at ``runs``."""
    items = p.items
    return all(
        isinstance(items[j], (Comment, Blank)) for a, b in pairwise(runs) for j in range(a + 1, b)
    )


# ----------------------------------------------------------------------
# reading the tree


def _may_background(script: str) -> bool:
    """Whether the text of ``script`` can hold what ``join_plan`` looks for as a background
    job or a heredoc (walking the tree only then): an ``&`` that is not part of ``&&``
    (``&``, ``&>``, ``&>>``), ``<<`` or ``coproc``."""
    return "<<" in script or "coproc" in script or "&" in script.replace("&&", "")


def _anywhere(node: tree_sitter.Node, kinds: Sequence[str]) -> bool:
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type in kinds:
            return True
        stack.extend(n.children)
    return False


def _needs_group(root: tree_sitter.Node) -> bool:
    """Whether ``X && <script>`` would not run the whole script only after X
    succeeded: more than one statement, or an ``||`` in its and-or list."""
    statements = [c for c in root.children if c.type != "comment"]
    if len(statements) != 1:
        return True
    node = statements[0]
    while node.type == "list":
        if any(c.type == "||" for c in node.children):
            return True
        node = node.children[0]
    return False


def _and_can_follow(root: tree_sitter.Node) -> bool:
    """Whether ``<script> && X`` joins X to the script's last statement."""
    kids = [c for c in root.children if c.type != "comment"]
    return bool(kids) and kids[-1].type not in (";", "&", ";;")


def _text(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def _word(node: tree_sitter.Node) -> str | None:
    """The static text of a word, or None when the shell computes it."""
    if node.type in ("word", "number"):
        return _text(node).replace("\\", "")
    if node.type == "raw_string":
        return _text(node)[1:-1]
    if node.type == "string" and all(c.type in ('"', "string_content") for c in node.children):
        return _text(node)[1:-1]
    if node.type == "concatenation":
        parts = [_word(c) for c in node.children]
        return None if any(x is None for x in parts) else "".join(x or "" for x in parts)
    return None


def _command_changes_state(cmd: tree_sitter.Node) -> bool:
    words: list[tree_sitter.Node] = []
    name_node = None
    assigns = False
    for c in cmd.children:
        if c.type == "command_name":
            name_node = c
        elif c.type == "variable_assignment":
            assigns = True
        elif name_node is not None and c.type not in ("file_redirect", "herestring_redirect"):
            words.append(c)
    if name_node is None:
        return assigns
    name = _word(name_node.children[0]) if name_node.children else None
    while name in _WRAPPERS:
        # `command cd`, `builtin cd`, `time cd` run cd in this shell
        rest = [w for w in (_word(x) for x in words) if w is None or not w.startswith("-")]
        if not rest:
            return False
        name = rest[0]
        words = words[1:]
    if name is None:
        return True  # `$CMD args`: any command at all
    name = name.rsplit("/", 1)[-1] or name
    if name in _STATEFUL or (assigns and name in _SPECIAL):
        return True
    return name == "printf" and any(_word(w) == "-v" for w in words)


def _changes_state(root: tree_sitter.Node) -> bool:
    """Whether running the script leaves state in the shell that runs it.
    Commands in a subshell or a command substitution run in a child process
    and leave none."""
    # (node, runs in this shell, inside arithmetic)
    stack: list[tuple[tree_sitter.Node, bool, bool]] = [(root, True, False)]
    while stack:
        node, current, arith = stack.pop()
        t = node.type
        if t in _CHILD:
            current = False
        elif current:
            if t in _STATE_NODES:
                return True
            parent = node.parent
            if t == "variable_assignment" and (parent is None or parent.type != "command"):
                return True
            if t == "command" and _command_changes_state(node):
                return True
            if t == "test_command" and _anywhere(node, ("=~",)):
                return True  # sets BASH_REMATCH
            if t == "arithmetic_expansion" or (
                t == "compound_statement" and node.child_count and node.children[0].type == "(("
            ):
                arith = True
            if (
                t in _ASSIGN_OPS
                and parent is not None
                and (parent.type == "expansion" or (arith and parent.type != "variable_assignment"))
            ):
                return True
        stack.extend((c, current, arith) for c in node.children)
    return False
