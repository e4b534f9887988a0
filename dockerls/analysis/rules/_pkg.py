"""Shared helpers for the package-manager rules (DL3008 ... DL3062).

Finding the package-manager commands of a ``RUN``, their subcommand, their
package arguments, the ``--mount`` caches of the instruction, and the spans
and edits the rules report.  Pure: reads nodes and the shell view only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

from dockerls.analysis.command_index import may_call
from dockerls.analysis.model import Model, Stage
from dockerls.analysis.rules.base import Applicability, Edit, Finding, Fix
from dockerls.analysis.shellview import RunScript, run_scripts
from dockerls.syntax.identity_cache import IdentityCache, node_cache
from dockerls.syntax.nodes import Instruction, Span
from dockerls.syntax.shell import Command, ShWord

# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------


def pm_commands(
    inst: Instruction, shell: tuple[str, ...], *names: str
) -> Iterator[tuple[RunScript, Command]]:
    """(script, command) for each command called one of ``names``.

    Commands run by a wrapper (``sudo apt-get ...``, ``env X=1 pip ...``) are
    included; commands inside ``bash -c "..."`` strings are not (their
    positions are only best-effort, and the fixes would edit a quoted string).
    """
    if not may_call(inst, names):
        return  # none of them is called: no shell view needed
    wanted = frozenset(names)
    for rs in run_scripts(inst, shell):
        if not rs.script.supported:
            continue
        for cmd in rs.script.commands:
            if cmd.via_shell is None and cmd.wrapped_by != "xargs" and cmd.name in wanted:
                yield rs, cmd


def script_commands(rs: RunScript) -> tuple[Command, ...]:
    """Every command of a script that is not inside a ``bash -c`` string."""
    return tuple(c for c in rs.script.commands if c.via_shell is None)


def positional(cmd: Command, takes_value: frozenset[str]) -> list[ShWord]:
    """The positional words of ``cmd``: flags dropped, and the word after a
    flag listed in ``takes_value`` (given without ``=``) dropped too; quoted
    dashes are arguments, and words glued to the one before are skipped."""
    return list(cmd.args_without_flags(takes_value, strict=True))


class Invocation(NamedTuple):
    """``<tool> [opts] <sub> [opts] <packages...>``."""

    rs: RunScript
    cmd: Command
    sub: ShWord  # the subcommand word (``install``)
    packages: tuple[ShWord, ...]  # positional words after the subcommand
    tool: str = ""  # how the tool was called when not by its name (``python3 -m pip``)

    @property
    def label(self) -> str:
        """The command as the user wrote it, for messages: ``apt update``,
        ``microdnf install``, ``zypper in``, ``python3 -m pip install``."""
        return f"{self.tool or self.cmd.name} {self.sub.value}"

    def words_span(self) -> Span:
        """Item-relative span from the tool name to the subcommand word."""
        return self.rs.span(Span(self.cmd.name_span.start, self.sub.span.end))

    def after_sub(self, text: str) -> Edit:
        """An edit inserting ``text`` right after the subcommand word."""
        at = self.rs.span(Span(self.sub.span.end, self.sub.span.end))
        return Edit(at, text)

    def span_of(self, w: ShWord) -> Span:
        return self.rs.span(w.span)


# per RUN node: (what was asked, shell) -> the invocations found there, so the rules that
# read the same commands (DL3008, DL3014 and DL3015 each read `apt-get install`) find
# them once per lint, not once per rule
_FOUND: IdentityCache[dict[tuple[Any, ...], tuple[Invocation, ...]]] = node_cache(1 << 16)


def _found(
    inst: Instruction, key: tuple[Any, ...], find: Callable[[], Iterable[Invocation]]
) -> tuple[Invocation, ...]:
    """What ``find`` finds in ``inst``, worked out once per (node, ``key``)."""
    memo = _FOUND.get(inst)
    if memo is None:
        memo = _FOUND.put(inst, None, {})
    found = memo.get(key)
    if found is None:
        found = memo[key] = tuple(find())
    return found


def invocations(
    inst: Instruction,
    shell: tuple[str, ...],
    names: tuple[str, ...],
    subcommands: tuple[str, ...] | frozenset[str],
    takes_value: frozenset[str] = frozenset(),
    first_only: bool = True,
) -> tuple[Invocation, ...]:
    """Invocations of one of ``names`` whose subcommand is one of
    ``subcommands`` (the first positional word, or any positional word when
    ``first_only`` is False)."""
    if not may_call(inst, names):
        return ()  # none of them is called: no shell view needed
    return _found(
        inst,
        (names, subcommands, takes_value, first_only, shell),
        lambda: _invocations(inst, shell, names, frozenset(subcommands), takes_value, first_only),
    )


def _invocations(
    inst: Instruction,
    shell: tuple[str, ...],
    names: tuple[str, ...],
    subs: frozenset[str],
    takes_value: frozenset[str],
    first_only: bool,
) -> Iterator[Invocation]:
    for rs, cmd in pm_commands(inst, shell, *names):
        pos = positional(cmd, takes_value)
        if not pos:
            continue
        cands = pos[:1] if first_only else pos
        for k, w in enumerate(cands):
            if w.is_static and w.value in subs:
                yield Invocation(rs, cmd, w, tuple(pos[k + 1 :]))
                break


def occurs_after(inv: Invocation, pred: Callable[[Command], bool]) -> bool:
    """True if a command matching ``pred`` runs after ``inv`` in its script."""
    start = inv.cmd.span.end
    return any(c.span.start >= start and pred(c) for c in inv.rs.script.commands)


def occurs_anywhere(
    inst: Instruction, shell: tuple[str, ...], pred: Callable[[Command], bool]
) -> bool:
    for rs in run_scripts(inst, shell):
        if rs.script.supported and any(pred(c) for c in rs.script.commands):
            return True
    return False


def end_of_script_edit(inv: Invocation, text: str) -> Edit | None:
    """An edit appending ``text`` at the end of the command line of the RUN
    holding ``inv`` (None for heredoc scripts or when the line ends in a
    comment, where appending is not well defined)."""
    rs = inv.rs
    if rs.heredoc:
        return None
    script = rs.text
    stripped = script.rstrip()
    if not stripped or stripped.endswith(("&", "|", ";", "\\")):
        return None
    if "#" in script and _ends_in_comment(rs, len(stripped)):
        return None
    at = rs.span(Span(len(stripped), len(stripped)))
    return Edit(at, text)


def _ends_in_comment(rs: RunScript, end: int) -> bool:
    # a trailing comment belongs to no command: the last command ends earlier
    last = max((c.span.end for c in rs.script.commands), default=0)
    tail = rs.text[last:end]
    return "#" in tail


# ---------------------------------------------------------------------------
# rm -rf
# ---------------------------------------------------------------------------


def is_recursive_rm(cmd: Command) -> bool:
    return cmd.name == "rm" and cmd.has_flag("-r", "-R", "--recursive")


def removes(cmd: Command, path: str) -> bool:
    """True if ``cmd`` is an ``rm`` deleting ``path`` or its contents (or a
    parent directory), or an ``rm`` whose target cannot be known statically."""
    if cmd.name != "rm":
        return False
    path = path.rstrip("/")
    recursive = is_recursive_rm(cmd)
    for w in positional(cmd, frozenset()):
        for v in _braces(w.value):
            if _removes_one(v, w.is_static, path, recursive):
                return True
    return False


def _braces(v: str) -> list[str]:
    """Expand one level of ``{a,b}`` brace expansion (enough for paths)."""
    i = v.find("{")
    j = v.find("}", i + 1)
    if i < 0 or j < 0 or "," not in v[i:j]:
        return [v]
    return [v[:i] + part + v[j + 1 :] for part in v[i + 1 : j].split(",")]


def _removes_one(v: str, static: bool, path: str, recursive: bool) -> bool:
    if not static and "$" in v:
        return recursive  # an unknown target: give the benefit of the doubt
    t = v.rstrip("/")
    if t.endswith("/*"):
        base = t[:-2]
        return base == path or (recursive and path.startswith(base + "/"))
    if "*" in t:
        # /var/lib/apt/lists*, /var/cache/apk/*.tar.gz ...
        near = t.startswith(path) or path.startswith(t.split("*", 1)[0].rstrip("/") + "/")
        return near and (recursive or t.startswith(path + "/"))
    return recursive and (t == path or path.startswith(t + "/"))


# ---------------------------------------------------------------------------
# --mount caches
# ---------------------------------------------------------------------------


class Mount(NamedTuple):
    type: str
    target: str


def mounts(inst: Instruction) -> list[Mount]:
    """The ``--mount`` flags of a RUN, with their type and target."""
    out: list[Mount] = []
    for f in inst.flags:
        if f.name.lower() != "mount" or f.value is None:
            continue
        kind = "bind"
        target = ""
        for part in f.value.split(","):
            key, eq, val = part.partition("=")
            key = key.strip().lower()
            val = val.strip().strip("\"'")
            if not eq:
                continue
            if key == "type":
                kind = val.lower()
            elif key in ("target", "dst", "destination"):
                target = val
        out.append(Mount(kind, target))
    return out


def cache_targets(inst: Instruction) -> list[str]:
    """Normalised targets of the cache and tmpfs mounts of a RUN."""
    out = []
    for m in mounts(inst):
        if m.type in ("cache", "tmpfs") and m.target:
            t = m.target.rstrip("/") or "/"
            out.append(t)
    return out


def covers(target: str, path: str) -> bool:
    """True if a mount on ``target`` covers ``path`` (same or a parent)."""
    return target == path or target == "/" or path.startswith(target + "/")


# ---------------------------------------------------------------------------
# Flags
# ---------------------------------------------------------------------------


def short_flag_count(cmd: Command, letter: str, long: str) -> int:
    """How many times a short flag letter (in clusters) or its long form is
    given; ``-q=2``/``--quiet=2`` count as their number."""
    n = 0
    for w in cmd.args:
        v = w.value
        if v == "--":
            break
        if v.startswith("--"):
            name, eq, val = v.partition("=")
            if name == long:
                n += int(val) if eq and val.isdigit() else 1
            continue
        if len(v) > 1 and v[0] == "-":
            head, eq, val = v.partition("=")
            if eq and head == "-" + letter and val.isdigit():
                n += int(val)
                continue
            for c in head[1:]:
                if not c.isalpha():
                    break
                if c == letter:
                    n += 1
    return n


# ---------------------------------------------------------------------------
# Package managers
# ---------------------------------------------------------------------------

APT_TAKES_VALUE = frozenset(
    {
        "-o",
        "--option",
        "-t",
        "--target-release",
        "--default-release",
        "-c",
        "--config-file",
        "-a",
        "--host-architecture",
    }
)

RPM_TAKES_VALUE = frozenset(
    {
        "-c",
        "--config",
        "--installroot",
        "--releasever",
        "-d",
        "--debuglevel",
        "-e",
        "--errorlevel",
        "--setopt",
        "-x",
        "--exclude",
        "--enablerepo",
        "--disablerepo",
        "--repo",
        "--repoid",
        "--nogpgcheck-file",
        "--forcearch",
        "--downloaddir",
        "--destdir",
        "--best-effort",
    }
)

YUM_INSTALL = frozenset({"install", "groupinstall", "localinstall"})
DNF_NAMES = ("dnf", "microdnf", "dnf5")
ZYPPER_INSTALL = frozenset({"install", "in"})
ZYPPER_TAKES_VALUE = frozenset(
    {
        "-t",
        "--type",
        "-r",
        "--repo",
        "--from",
        "-R",
        "--root",
        "-D",
        "--reposd-dir",
        "-C",
        "--cache-dir",
        "--installroot",
    }
)


def apt_get_installs(inst: Instruction, shell: tuple[str, ...]) -> tuple[Invocation, ...]:
    return invocations(inst, shell, ("apt-get",), ("install",), APT_TAKES_VALUE)


def apt_option(cmd: Command, key: str) -> str | None:
    """The value of ``-o Key=value`` for ``key`` (case-insensitive)."""
    low = key.lower()
    for v in cmd.flag_values("-o", "--option"):
        k, eq, val = v.partition("=")
        if eq and k.strip().lower() == low:
            return val.strip()
    return None


def rpm_pinned(value: str) -> bool:
    """``name-version[-release]`` (a ``-`` followed by a digit) or an rpm file."""
    if value.endswith(".rpm"):
        return True
    for i in range(len(value) - 1):
        if value[i] == "-" and (value[i + 1].isdigit() or value[i + 1] == "$"):
            return True
    return False


TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})

PIP_TAKES_VALUE = frozenset(
    {
        "-r",
        "--requirement",
        "-c",
        "--constraint",
        "-e",
        "--editable",
        "-t",
        "--target",
        "--prefix",
        "--root",
        "-i",
        "--index-url",
        "--extra-index-url",
        "-f",
        "--find-links",
        "--platform",
        "--python-version",
        "--implementation",
        "--abi",
        "--src",
        "--upgrade-strategy",
        "--trusted-host",
        "--cache-dir",
        "--progress-bar",
        "--log",
        "--proxy",
        "--retries",
        "--timeout",
        "--exists-action",
        "--cert",
        "--client-cert",
        "--global-option",
        "--install-option",
        "--config-settings",
        "-C",
        "--no-binary",
        "--only-binary",
        "--root-user-action",
        "--report",
        "--python",
        "--keyring-provider",
    }
)


def _is_pip(name: str) -> bool:
    # pip, pip3, pip3.12, pipx
    if name == "pipx":
        return True
    if not name.startswith("pip"):
        return False
    rest = name[3:]
    return all(c.isdigit() or c == "." for c in rest)


def _is_python(name: str) -> bool:
    if not name.startswith("python"):
        return False
    rest = name[6:]
    return all(c.isdigit() or c == "." for c in rest)


def pip_installs(
    inst: Instruction, shell: tuple[str, ...], pipx: bool = True
) -> tuple[Invocation, ...]:
    """``pip install ...`` and ``python -m pip install ...`` invocations."""
    if not may_call(inst, ("pip", "pipx")):  # `pip3.12` and `-m pip` give the word `pip`
        return ()
    return _found(inst, ("pip install", pipx, shell), lambda: _pip_installs(inst, shell, pipx))


def _pip_installs(inst: Instruction, shell: tuple[str, ...], pipx: bool) -> Iterator[Invocation]:
    for rs in run_scripts(inst, shell):
        if not rs.script.supported:
            continue
        for cmd in script_commands(rs):
            name = cmd.name
            args: tuple[ShWord, ...]
            tool = ""
            if _is_pip(name):
                if name == "pipx" and not pipx:
                    continue
                args = cmd.args
            elif _is_python(name):
                args = cmd.args
                k = 0
                while k < len(args) and args[k].value.startswith("-") and args[k].value != "-m":
                    k += 1
                if k + 1 >= len(args) or args[k].value != "-m" or args[k + 1].value != "pip":
                    continue
                args = args[k + 2 :]
                tool = f"{name} -m pip"
            else:
                continue
            sub = Command(cmd.name, cmd.path, cmd.name_word, args, cmd.span)
            pos = positional(sub, PIP_TAKES_VALUE)
            if pos and pos[0].is_static and pos[0].value == "install":
                yield Invocation(rs, cmd, pos[0], tuple(pos[1:]), tool)


def stage_runs(stage: Stage, model: Model) -> Iterator[tuple[int, Instruction, tuple[str, ...]]]:
    """(item index, RUN to check, shell in force) for every RUN of a stage,
    ``ONBUILD RUN`` triggers unwrapped; the shell is the model's
    (:meth:`Model.shell_steps`)."""
    for idx, inst, shell in model.shell_steps(stage):
        target = inst.sub if inst.name == "ONBUILD" else inst
        if target is not None and target.name == "RUN":
            yield idx, target, shell


APK_TAKES_VALUE = frozenset(
    {
        "-t",
        "--virtual",
        "-X",
        "--repository",
        "--repositories-file",
        "-p",
        "--root",
        "--arch",
        "--cache-dir",
        "--keys-dir",
        "--cache-max-age",
        "--wait",
    }
)


def rpm_cleans(tool_names: Iterable[str], cache_dirs: Iterable[str]) -> Callable[[Command], bool]:
    """A predicate: the command cleans the package cache of one of ``tool_names``
    (``yum clean ...``) or recursively removes one of ``cache_dirs``."""
    names = frozenset(tool_names)
    dirs = tuple(cache_dirs)

    def pred(c: Command) -> bool:
        if c.name in names:
            pos = positional(c, RPM_TAKES_VALUE)
            return bool(pos) and pos[0].value in ("clean", "cc")
        return c.name == "rm" and any(removes(c, d) for d in dirs)

    return pred


def image_layers_kept(stage: Stage, model: Model) -> bool:
    """True if the layers of ``stage`` live on: it is the last stage, or
    another stage is built ``FROM`` it.  (A stage only copied from with
    ``COPY --from`` leaves its layers behind.)"""
    if stage.is_last or not model.stages or stage.index == model.stages[-1].index:
        return True
    return stage.index in model.built_upon


def rpm_clean_missing(
    inst: Instruction,
    shell: tuple[str, ...],
    names: tuple[str, ...],
    cache_dir: str,
    cleans: Any,
) -> Iterator[Finding]:
    """The yum/dnf "install without a clean-up in the same RUN" check
    (DL3032, DL3040): at most one finding, on the first such install."""
    if any(covers(t, cache_dir) for t in cache_targets(inst)):
        return
    for inv in invocations(inst, shell, names, ("install",), RPM_TAKES_VALUE):
        if occurs_after(inv, cleans):
            continue
        tool = inv.cmd.name
        edit = end_of_script_edit(inv, f" && {tool} clean all")
        fix = Fix(f"Append `{tool} clean all`", (edit,), Applicability.SAFE) if edit else None
        yield Finding(
            inv.words_span(),
            f"`{inv.label}` without a later `{tool} clean all` leaves {tool}'s cache in the image",
            fix,
        )
        return


def rpm_without_yes(
    inst: Instruction, shell: tuple[str, ...], names: tuple[str, ...], subcommands: Any
) -> Iterator[Finding]:
    """The yum/dnf "install without -y" check (DL3030, DL3038)."""
    for inv in invocations(inst, shell, names, subcommands, RPM_TAKES_VALUE):
        if inv.cmd.has_flag("-y", "--assumeyes"):
            continue
        yield Finding(
            inv.words_span(),
            f"`{inv.label}` without `-y` stops at the confirmation prompt",
            Fix("Add `-y`", (inv.after_sub(" -y"),), Applicability.SAFE),
        )


def rpm_unpinned(
    inst: Instruction, shell: tuple[str, ...], names: tuple[str, ...]
) -> Iterator[Finding]:
    """The yum/dnf "package without a version" check (DL3033, DL3041)."""
    for inv in invocations(inst, shell, names, ("install",), RPM_TAKES_VALUE):
        for w in inv.packages:
            if not rpm_pinned(w.value):
                yield Finding(
                    inv.span_of(w),
                    f"Package `{w.raw}` has no version: pin it, e.g. `{w.value}-<version>`",
                )
