"""Joining RUNs never changes what the build does.

The main test runs the shell: for generated sequences of RUNs built from the
test's own harmless commands, it executes the steps one by one as a build
does (each with ``<shell> -c`` in a fresh process, stopping at the first that
fails), then the steps after DL3059's safe fixes (``dockerls fix``'s loop) and
after the "Combine RUN" refactoring, and compares exit status and output.
Only these generated commands run, in temporary directories; nothing from a
user's document is executed.
"""

from __future__ import annotations

import random
import shlex
import subprocess
from pathlib import Path

import pytest

from dockerls.analysis.engine import Linter
from dockerls.analysis.model import build_model, shell_at
from dockerls.analysis.rules import RULES
from dockerls.analysis.rules.base import Applicability
from dockerls.analysis.run_join import join_plan, posix_shell
from dockerls.features.combine_runs import combined_text, group_at
from dockerls.fixes import fix_text
from dockerls.syntax.nodes import Instruction
from dockerls.syntax.parser import Parse, parse
from dockerls.syntax.shell import shell_dialect

DL3059 = [r for r in RULES if r.code == "DL3059"]
FIX_CODES = frozenset({"DL3059"})

# ----------------------------------------------------------------------
# helpers


def runs_of(p: Parse) -> list[tuple[int, Instruction]]:
    return [(i, it) for i, it in p.instructions() if it.name == "RUN"]


def dl3059_fixed(text: str) -> str:
    """The text after `dockerls fix` (safe fixes), DL3059's only."""
    return fix_text(text, codes=FIX_CODES, linter=Linter(rules=DL3059)).text


def combined(text: str) -> str | None:
    p = parse(text)
    runs = runs_of(p)
    return combined_text(p, build_model(p), group_at(p, runs[0][0])) if runs else None


def dl3059_fixes(text: str) -> list[Applicability]:
    p = parse(text)
    res = Linter(rules=DL3059).lint(p)
    return [v.fix.applicability for vs in res.per_item.values() for v in vs if v.fix is not None]


# ----------------------------------------------------------------------
# the generated sequences

# commands that leave no trace in the shell
PLAIN = [
    "true",
    "false",
    "echo A",
    "printf 'B\\n'",
    "test -d d1",
    "[ -f f ]",
    "[ -f nope ]",
    'test -n "$V"',
    'echo "v=$V"',
    'basename "$PWD"',
    '(cd d1 && basename "$PWD")',
    "{ echo G; false; }",
    "echo P | cat",
    "if [ -d d1 ]; then echo Y; else echo N; fi",
    "touch m",
    "[ -f m ] && echo M",
    'echo "s=$?"',
    "(exit 5)",
    "sh -c 'exit 4'",
    'echo "i=$i n=$N"',
    "umask",
    'echo "[$_]"',
    'echo $(cd d2; basename "$PWD")',
    "cat f",
    "echo Z >/dev/null 2>&1",  # (`&>` is tested on its own: under sh it races as a job)
]
# commands that change the shell or its jobs
STATEFUL = [
    "cd d1",
    "cd d2",
    "cd nope",
    "export V=1",
    "V=2",
    "unset V",
    "set -e",
    "set -u",
    "exit 0",
    "exit 3",
    "umask 077",
    "trap 'echo T' EXIT",
    "f() { echo F; }",
    "alias e=echo",
    ": ${V:=d}",
    "echo $((N=1))",
    "for i in 1 2; do echo $i; done",
    "read R </dev/null",
    "exec echo E",
    "(echo bg) &",
]
OPS = ["&&", "&&", "||", ";", "|"]
# bash starts slower than dash: it gets fewer of the cases
SHELLS: list[tuple[str, ...]] = (
    [("/bin/sh", "-c")] * 5 + [("/bin/sh", "-e", "-c")] * 3 + [("/bin/bash", "-c")]
)


def atom(rng: random.Random) -> str:
    return rng.choice(STATEFUL) if rng.random() < 0.25 else rng.choice(PLAIN)


def negated(rng: random.Random) -> str:
    """An atom, sometimes negated (`!` may only start a pipeline)."""
    a = atom(rng)
    return f"! {a}" if rng.random() < 0.1 else a


def step(rng: random.Random, single: bool) -> str:
    if single:
        return negated(rng)
    out = negated(rng)
    for _ in range(rng.randrange(3)):
        op = rng.choice(OPS)
        out += f" {op} {atom(rng) if op == '|' else negated(rng)}"
    r = rng.random()
    if r < 0.1:
        out = f"( {out} )"
    elif r < 0.2:
        out = f"{{ {out}; }}"
    elif r < 0.25:
        out += rng.choice([" &", ";"])
    return out


def dockerfile(rng: random.Random) -> tuple[tuple[str, ...], str]:
    shell = rng.choice(SHELLS)
    single = rng.random() < 0.5  # DL3059 only flags RUNs of one command
    lines = ["FROM debian:12"]
    if shell != ("/bin/sh", "-c"):
        lines.append("SHELL " + "[" + ", ".join(f'"{w}"' for w in shell) + "]")
    for _ in range(rng.choice((2, 2, 3))):
        if rng.random() < 0.1:
            lines.append("# a comment")
        lines.append("RUN " + step(rng, single))
    return shell, "\n".join(lines) + "\n"


def steps_of(text: str) -> list[str]:
    return [it.args for _i, it in runs_of(parse(text))]


class Runner:
    """Runs many cases in one driver script: each case's steps in a fresh
    copy of a small working directory, each step in a fresh shell process,
    stopping at the first failing step."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.lines: list[str] = []
        self.n = 0

    def add(self, shell: tuple[str, ...], steps: list[str]) -> int:
        k = self.n
        self.n += 1
        work = self.root / str(k) / "w"
        (work / "d1").mkdir(parents=True)
        (work / "d2").mkdir()
        (work / "f").write_text("file\n")
        chain = " && ".join(shlex.join([*shell, s]) + " </dev/null" for s in steps)
        self.lines.append(f"echo '@@start {k}'; (cd {shlex.quote(str(work))} && {chain}) 2>&1")
        self.lines.append(f'echo "@@end {k} $?"')
        return k

    def run(self) -> dict[int, tuple[str, int]]:
        script = self.root / "driver.sh"
        script.write_text("\n".join(self.lines) + "\n")
        env = {"PATH": "/usr/bin:/bin", "HOME": str(self.root), "LC_ALL": "C"}
        out = subprocess.run(
            ["/bin/sh", str(script)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        ).stdout
        results: dict[int, tuple[str, int]] = {}
        cur: list[str] = []
        for line in out.splitlines():
            if line.startswith("@@start "):
                cur = []
            elif line.startswith("@@end "):
                _, k, status = line.split()
                results[int(k)] = ("\n".join(cur), int(status))
            else:
                cur.append(line)
        return results


def test_joined_runs_behave_like_the_separate_steps(tmp_path: Path) -> None:
    rng = random.Random(20261205)
    runner = Runner(tmp_path)
    pairs: list[tuple[str, str, str, int, int]] = []  # (how, before, after, k0, k1)
    by_fix = by_refactoring = triples = 0
    for _ in range(720):
        shell, text = dockerfile(rng)
        before = steps_of(text)
        for how, after_text in (("DL3059 fix", dl3059_fixed(text)), ("combine", combined(text))):
            if after_text is None or after_text == text:
                continue
            after = steps_of(after_text)
            assert len(after) < len(before), (how, text, after_text)
            by_fix += how == "DL3059 fix"
            by_refactoring += how == "combine"
            triples += len(before) == 3
            k0 = runner.add(shell, before)
            k1 = runner.add(shell, after)
            pairs.append((how, text, after_text, k0, k1))
    results = runner.run()
    assert len(results) == runner.n
    for how, text, after_text, k0, k1 in pairs:
        assert results[k1] == results[k0], (
            f"{how} changed the build:\n{text}--- became ---\n{after_text}"
            f"--- separate: {results[k0]!r}\n--- joined: {results[k1]!r}"
        )
    # enough merges were offered, of both kinds, over pairs and triples,
    # grouped and plain, to make the comparison mean something
    assert len(pairs) >= 500, len(pairs)
    assert by_fix >= 100 and by_refactoring >= 200 and triples >= 50, (by_fix, by_refactoring)
    assert sum("{ " in a for _h, _t, a, _k0, _k1 in pairs) >= 50


# ----------------------------------------------------------------------
# the reported cases

POWERSHELL = (
    "# escape=`\n"
    "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
    'SHELL ["powershell", "-Command", "$ErrorActionPreference = \'Stop\';"]\n'
    "RUN Write-Host a\n"
    "RUN Write-Host b\n"
)


@pytest.mark.parametrize(
    "src",
    [
        POWERSHELL,
        # the default shell of a Windows image is cmd
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN echo a\nRUN echo b\n",
        # inherited from the stage it builds on
        'FROM mcr.microsoft.com/windows/nanoserver AS base\nSHELL ["pwsh", "-c"]\n'
        "FROM base\nRUN Write-Host a\nRUN Write-Host b\n",
        "FROM debian\n# hadolint shell=powershell\nRUN Write-Host a\nRUN Write-Host b\n",
        # the pragma says only the second one is PowerShell
        "FROM debian\nRUN echo a\n# hadolint shell=pwsh\nRUN Write-Host b\n",
        'FROM debian\nSHELL ["/usr/bin/python3", "-c"]\nRUN print(1)\nRUN print(2)\n',
        'FROM debian\nSHELL ["/bin/fish", "-c"]\nRUN echo a\nRUN echo b\n',
    ],
)
def test_no_merge_for_shells_that_are_not_posix(src: str) -> None:
    assert dl3059_fixed(src) == src
    assert combined(src) is None


def test_windows_image_keeps_its_finding_without_a_fix() -> None:
    p = parse(POWERSHELL)
    res = Linter(rules=DL3059).lint(p)
    found = [v for vs in res.per_item.values() for v in vs]
    assert [v.code for v in found] == ["DL3059"]
    assert found[0].fix is None


def test_exit_status_of_a_later_run_with_or_is_kept() -> None:
    src = 'FROM debian\nRUN make\nRUN [ -f /out/app ] || echo "no app built"\n'
    want = 'FROM debian\nRUN make && \\\n    { [ -f /out/app ] || echo "no app built"; }\n'
    assert dl3059_fixed(src) == want
    assert combined(src) == want
    # run with a failing first step: the build stops with its status
    merged = steps_of(want)[0].replace("make", "false").replace("/out/app", "/nonexistent")
    assert subprocess.run(["/bin/sh", "-c", merged], capture_output=True).returncode == 1


@pytest.mark.parametrize(
    "second",
    ["sleep 1 &", "a; b &", "(a) &", "a & b", "a &>/dev/null"],
)
def test_background_jobs_are_never_joined(second: str) -> None:
    src = f"FROM debian\nRUN make\nRUN {second}\n"
    assert dl3059_fixed(src) == src
    assert combined(src) is None
    # `&>` is a redirection only to bash and zsh
    if "&>" in second:
        bash = f'FROM debian\nSHELL ["/bin/bash", "-c"]\nRUN make\nRUN {second}\n'
        assert combined(bash) is not None


def test_a_trailing_shell_backslash_is_not_joined() -> None:
    # with ` as the escape, `\` ends the script: joined, it would escape a space
    src = "# escape=`\nFROM debian\nRUN echo a\\\nRUN echo b\n"
    assert [it.args for _i, it in runs_of(parse(src))] == ["echo a\\", "echo b"]
    assert dl3059_fixed(src) == src
    assert combined(src) is None


@pytest.mark.parametrize(
    "first",
    [
        "cd /src",
        "pushd /src",
        "export A=1",
        "A=1",
        "A=1 B=2",
        "unset A",
        "set -eux",
        "shopt -s globstar",
        "umask 022",
        "ulimit -n 1024",
        "trap 'rm -f /x' EXIT",
        "f() { echo f; }",
        "function f { echo f; }",
        "alias ll='ls -l'",
        "exit 0",
        "exec 2>&1",
        "readonly A=1",
        "declare -x A=1",
        "source /etc/profile",
        ". /etc/profile",
        'eval "$(ssh-agent)"',
        "read -r A < /etc/hostname",
        "for i in 1 2; do echo $i; done",
        ": ${A:=1}",
        "echo $((n+=1))",
        "command cd /src",
        "builtin cd /src",
        "A=1 :",
        "$CMD /src",
        "printf -v A %s x",
        "[[ a =~ (a) ]]",
        "{ cd /src; }",
        "if true; then cd /src; fi",
        "make # build",
        "make;",
    ],
)
def test_state_that_crosses_the_join_is_refused(first: str) -> None:
    src = f"FROM debian\nRUN {first}\nRUN make install\n"
    assert dl3059_fixed(src) == src
    assert combined(src) is None
    assert Applicability.SAFE not in dl3059_fixes(src)


@pytest.mark.parametrize(
    "first",
    [
        "(cd /src && make)",
        "echo $(cd /src; pwd)",
        "bash -c 'cd /src && make'",
        "A=1 make",
        "sudo -u nobody make",
        "[ -d /src ] || mkdir /src",
        "command -v make",
    ],
)
def test_state_kept_in_a_child_process_is_fine(first: str) -> None:
    src = f"FROM debian\nRUN {first}\nRUN make install\n"
    assert combined(src) == f"FROM debian\nRUN {first} && \\\n    make install\n"


def test_state_in_the_last_run_is_fine_and_later_runs_are_grouped() -> None:
    src = "FROM debian\nRUN make\nRUN cd /x; make install\nRUN cd /y || exit 1\n"
    p = parse(src)
    assert combined(src) is None  # the middle one's `cd` would reach the last
    src = "FROM debian\nRUN make\nRUN make check || true\nRUN cd /x; make install\n"
    assert combined(src) == (
        "FROM debian\nRUN make && \\\n    { make check || true; } && \\\n"
        "    { cd /x; make install; }\n"
    )
    assert p.items  # the parse above is a real one


def test_errexit_shell_groups_only_the_last_run() -> None:
    head = 'FROM debian\nSHELL ["/bin/sh", "-e", "-c"]\n'
    assert combined(head + "RUN a\nRUN b; c\nRUN d\n") is None
    assert combined(head + "RUN a\nRUN b\nRUN c; d\n") == (
        head + "RUN a && \\\n    b && \\\n    { c; d; }\n"
    )


def test_posix_shells() -> None:
    assert posix_shell(("/bin/sh", "-c"))
    assert posix_shell(("/bin/bash", "-o", "pipefail", "-c"))
    assert posix_shell(("/usr/bin/env", "bash", "-c"))
    assert posix_shell(("busybox", "sh", "-c"))
    assert posix_shell(("bash", "-lc"))
    assert not posix_shell(("cmd", "/S", "/C"))
    assert not posix_shell(("powershell", "-Command"))
    assert not posix_shell(("pwsh", "-c"))
    assert not posix_shell(("/bin/sh",))  # no -c: the RUN would be a file name
    assert not posix_shell(("/usr/bin/python3", "-c"))


def test_shell_comes_from_the_model() -> None:
    src = (
        "FROM mcr.microsoft.com/windows/servercore AS a\n"
        "RUN x\n"
        'SHELL ["pwsh", "-c"]\n'
        "FROM a\n"
        "RUN y\n"
        "# hadolint shell=bash\n"
        "RUN z\n"
        "FROM debian\n"
        "RUN w\n"
    )
    m = build_model(parse(src))
    assert shell_at(m, 1) == ("cmd", "/S", "/C")
    assert shell_at(m, 4) == ("pwsh", "-c")
    assert shell_at(m, 6) == ("bash", "-c")
    # the default shell comes from the first image, as BuildKit's platform does
    assert shell_at(m, 8) == ("cmd", "/S", "/C")
    assert shell_at(m, 0) == ("cmd", "/S", "/C")


def test_plan_refuses_different_flags_and_exec_form() -> None:
    p = parse('FROM a\nRUN --network=none a\nRUN b\nRUN ["c"]\n')
    (_, r1), (_, r2), (_, r3) = runs_of(p)
    sh = ("/bin/sh", "-c")
    assert join_plan((r1, r2), (sh, sh), "\\") is None
    assert join_plan((r2, r3), (sh, sh), "\\") is None
    assert join_plan((r2, r2), (sh, sh), "\\") == (False, False)
    assert join_plan((r2, r2), (sh, ("/bin/bash", "-c")), "\\") is None


# ----------------------------------------------------------------------
# the corpus


@pytest.mark.corpus
def test_corpus_offers_no_safe_merge_outside_posix_shells() -> None:
    """No safe DL3059 fix and no Combine RUN under PowerShell or cmd across
    ../shared/corpus, while POSIX files still get their merges."""
    from tests.support import corpus_files

    lt = Linter(rules=DL3059)
    non_posix_files = 0
    posix_merges = 0
    for path in corpus_files():
        text = path.read_bytes().decode("utf-8", errors="surrogateescape")
        p = parse(text)
        res = lt.lint(p)
        model = res.model
        runs = runs_of(p)
        shells = {i: shell_at(model, i) for i, _ in runs}
        if any(
            sh is not None and shell_dialect(sh) in ("powershell", "cmd") for sh in shells.values()
        ):
            non_posix_files += 1
        for item, vs in res.per_item.items():
            for v in vs:
                if v.fix is None:
                    continue
                prev = max(i for i, _ in runs if i < item)
                sh = shells[prev]
                assert sh is not None and posix_shell(sh), (path, item)
                posix_merges += v.fix.applicability is Applicability.SAFE
        for i, _ in runs:
            sh = shells[i]
            if sh is not None and not posix_shell(sh):
                group = group_at(p, i)
                if len(group) >= 2 and group[0] == i:
                    assert combined_text(p, model, group) is None, path
    assert non_posix_files >= 100  # the corpus's Windows files were looked at
    assert posix_merges >= 250
