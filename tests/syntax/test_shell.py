"""Tests for the RUN shell view (dockerls.syntax.shell)."""

from __future__ import annotations

import dataclasses
import pickle
import re
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dockerls.syntax.nodes import Span
from dockerls.syntax.shell import (
    Command,
    ShellScript,
    ShWord,
    _build,
    _command,
    _span,
    _unquote,
    _unquote_value,
    _word,
    parse_shell,
    shell_dialect,
)
from tests.support import REPO, corpus_files


def text(script: str, span: Span) -> str:
    return script[span.start : span.end]


def one(script: str, name: str) -> Command:
    found = parse_shell(script).find(name)
    assert len(found) == 1, [c.name for c in parse_shell(script).commands]
    return found[0]


def names(script: str) -> list[str]:
    return [c.name for c in parse_shell(script).commands]


def assert_consistent(sh: ShellScript) -> None:
    """Invariants every parse must satisfy, whatever the input."""
    n = len(sh.script)
    for sp in sh.errors:
        assert 0 <= sp.start <= sp.end <= n
    starts = [c.span.start for c in sh.commands]
    assert starts == sorted(starts)
    for c in sh.commands:
        assert 0 <= c.span.start <= c.span.end <= n
        words = [c.name_word, *c.args]
        words += [a.value for a in c.assignments]
        words += [r.target for r in c.redirects if r.target is not None]
        for w in words:
            assert 0 <= w.span.start <= w.span.end <= n
            assert text(sh.script, w.span) == w.raw
        for r in c.redirects:
            assert 0 <= r.span.start <= r.span.end <= n
        for a in c.assignments:
            assert 0 <= a.span.start <= a.span.end <= n


# -- basic structure ------------------------------------------------------------


def test_simple_command_positions() -> None:
    s = "apt-get install -y curl"
    (c,) = parse_shell(s).commands
    assert c.name == "apt-get"
    assert c.path == "apt-get"
    assert text(s, c.name_span) == "apt-get"
    assert text(s, c.span) == s
    assert [a.value for a in c.args] == ["install", "-y", "curl"]
    assert [text(s, a.span) for a in c.args] == ["install", "-y", "curl"]
    assert c.connector_before is None
    assert not c.in_pipeline
    assert c.wrapped_by is None and c.via_shell is None


def test_joined_continuation_text() -> None:
    s = "apt-get update &&   apt-get install -y x"
    a, b = parse_shell(s).commands
    assert text(s, a.span) == "apt-get update"
    assert text(s, b.span) == "apt-get install -y x"
    assert b.connector_before == "&&"
    assert b.subcommand() == "install"
    assert a.subcommand() == "update"


def test_full_path_name() -> None:
    s = "/usr/bin/apt-get update"
    (c,) = parse_shell(s).commands
    assert c.name == "apt-get"
    assert c.path == "/usr/bin/apt-get"
    assert text(s, c.name_span) == "/usr/bin/apt-get"
    sh = parse_shell(s)
    assert sh.uses("apt-get") and sh.uses("/usr/bin/apt-get")
    assert not sh.uses("/bin/apt-get")


def test_quoted_words() -> None:
    s = """echo "a b" 'c d' e\\ f "x$HOME" $'t\\tu' --opt="v w" """
    (c,) = parse_shell(s).commands
    vals = [(a.value, a.is_static) for a in c.args]
    assert vals == [
        ("a b", True),
        ("c d", True),
        ("e f", True),
        ("x$HOME", False),
        ("t\tu", True),
        ("--opt=v w", True),
    ]
    assert [text(s, a.span) for a in c.args] == [a.raw for a in c.args]
    assert c.args[0].raw == '"a b"'


def test_quoted_command_name() -> None:
    s = '"apt-get" install x'
    (c,) = parse_shell(s).commands
    assert c.name == "apt-get"
    assert text(s, c.name_span) == '"apt-get"'


def test_dynamic_command_name() -> None:
    s = "$CMD run"
    (c,) = parse_shell(s).commands
    assert not c.name_word.is_static
    assert c.name == "$CMD"


def test_assignments_and_redirects() -> None:
    s = "DEBIAN_FRONTEND=noninteractive A+=1 apt-get install x >/dev/null 2>&1"
    (c,) = parse_shell(s).commands
    assert c.name == "apt-get"
    assert [(a.name, a.value.value, a.append) for a in c.assignments] == [
        ("DEBIAN_FRONTEND", "noninteractive", False),
        ("A", "1", True),
    ]
    assert text(s, c.assignments[0].span) == "DEBIAN_FRONTEND=noninteractive"
    assert text(s, c.assignments[0].value.span) == "noninteractive"
    assert [(r.op, r.fd, r.target.value if r.target else None) for r in c.redirects] == [
        (">", None, "/dev/null"),
        (">&", "2", "1"),
    ]
    assert [text(s, r.span) for r in c.redirects] == [">/dev/null", "2>&1"]
    assert text(s, c.span) == s
    assert [a.value for a in c.args] == ["install", "x"]


def test_words_after_redirect_are_arguments() -> None:
    # tree-sitter-bash folds `arg` into the redirect; the shell sees an argument.
    s = "cmd 2>/dev/null arg"
    (c,) = parse_shell(s).commands
    assert [a.value for a in c.args] == ["arg"]
    assert text(s, c.args[0].span) == "arg"
    assert text(s, c.redirects[0].span) == "2>/dev/null"
    assert text(s, c.span) == s


def test_prefix_redirect_and_herestring() -> None:
    s = ">out cmd arg <<< 'in'"
    (c,) = parse_shell(s).commands
    assert [a.value for a in c.args] == ["arg"]
    assert [(r.op, r.target.value if r.target else None) for r in c.redirects] == [
        (">", "out"),
        ("<<<", "in"),
    ]


def test_redirect_after_list_belongs_to_last_command() -> None:
    s = "a && b > x && c"
    sh = parse_shell(s)
    a, b, c = sh.commands
    assert a.redirects == () and c.redirects == ()
    assert [text(s, r.span) for r in b.redirects] == ["> x"]
    assert text(s, b.span) == "b > x"


def test_empty_and_whitespace() -> None:
    for s in ("", "   ", "\n\n", "# just a comment"):
        sh = parse_shell(s)
        assert sh.commands == ()
        assert not sh.has_pipe
        assert sh.supported


# -- connectors and pipelines -----------------------------------------------------


def test_connectors() -> None:
    s = "a; b && c || d & e\nf"
    conns = [(c.name, c.connector_before) for c in parse_shell(s).commands]
    assert conns == [
        ("a", None),
        ("b", ";"),
        ("c", "&&"),
        ("d", "||"),
        ("e", "&"),
        ("f", ";"),
    ]


def test_pipeline() -> None:
    s = "curl -fsSL https://x | tar -xz -C /opt && echo done"
    sh = parse_shell(s)
    assert sh.has_pipe
    curl, tar, echo = sh.commands
    assert (curl.pipeline_index, tar.pipeline_index, echo.pipeline_index) == (0, 1, None)
    assert curl.in_pipeline and tar.in_pipeline and not echo.in_pipeline
    assert tar.connector_before == "|"
    assert echo.connector_before == "&&"


def test_pipe_and_ampersand() -> None:
    sh = parse_shell("make |& tee log")
    assert sh.has_pipe
    assert sh.commands[1].connector_before == "|&"


def test_no_pipe_for_or() -> None:
    assert not parse_shell("a || b").has_pipe
    assert not parse_shell("echo 'a | b'").has_pipe


def test_pipeline_after_redirected_list() -> None:
    # `a && b >x | c` is `a && (b >x | c)` in the shell.
    s = "a && b > x | c"
    a, b, c = parse_shell(s).commands
    assert a.pipeline_index is None
    assert (b.pipeline_index, c.pipeline_index) == (0, 1)


def test_pipe_in_substitution_counts() -> None:
    sh = parse_shell('V="$(ls | head -1)"')
    assert sh.has_pipe
    assert names('V="$(ls | head -1)"') == ["ls", "head"]


# -- nesting -------------------------------------------------------------------------


def test_nested_constructs_in_source_order() -> None:
    s = (
        "if [ -f x ]; then cd /a; else cd /b; fi; "
        "for i in $(seq 3); do echo $i; done; "
        "while read l; do printf x; done < f; "
        "f() { mkdir -p /c; }; "
        "(cd /d && make); { true; }; "
        "case $x in a) apk add y;; esac; "
        "! grep q f; "
        "diff <(sort a) <(sort b)"
    )
    assert names(s) == [
        "[",
        "cd",
        "cd",
        "seq",
        "echo",
        "read",
        "printf",
        "mkdir",
        "cd",
        "make",
        "true",
        "apk",
        "grep",
        "diff",
        "sort",
        "sort",
    ]
    sh = parse_shell(s)
    assert text(s, sh.find("seq")[0].span) == "seq 3"
    assert text(s, sh.find("apk")[0].span) == "apk add y"
    assert [text(s, c.span) for c in sh.find("sort")] == ["sort a", "sort b"]
    make = sh.find("make")[0]
    assert make.connector_before == "&&"


def test_command_substitution_in_string_and_backticks() -> None:
    s = 'echo "v=$(uname -m)" `id -u`'
    sh = parse_shell(s)
    assert names(s) == ["echo", "uname", "id"]
    assert text(s, sh.find("uname")[0].span) == "uname -m"
    assert text(s, sh.find("id")[0].span) == "id -u"
    assert not sh.find("echo")[0].args[0].is_static


def test_substitution_in_assignment_and_redirect() -> None:
    s = "ARCH=$(dpkg --print-architecture) && cat > $(mktemp) < /dev/null"
    assert names(s) == ["dpkg", "cat", "mktemp"]


def test_declaration_and_test_commands() -> None:
    s = 'export PATH=/x:$PATH Y; [[ -n "$A" ]] && unset B'
    sh = parse_shell(s)
    export = sh.find("export")[0]
    assert [a.value for a in export.args] == ["PATH=/x:$PATH", "Y"]
    assert text(s, export.span) == "export PATH=/x:$PATH Y"
    test = sh.find("[[")[0]
    assert [a.value for a in test.args] == ["-n", "$A"]
    assert sh.find("unset")[0].connector_before == "&&"


def test_heredoc_body_script() -> None:
    s = "set -eux\napt-get update\n# comment\napt-get install -y \\\n  curl\nrm -rf /var/lib/apt/lists/*\n"
    sh = parse_shell(s)
    assert names(s) == ["set", "apt-get", "apt-get", "rm"]
    inst = sh.find("apt-get")[1]
    assert text(s, inst.span) == "apt-get install -y \\\n  curl"
    assert [a.value for a in inst.args] == ["install", "-y", "curl"]
    assert inst.connector_before == ";"


def test_heredoc_redirect_inside_script() -> None:
    s = "cat <<EOF > /etc/x && chmod 644 /etc/x\nline $(whoami)\nEOF\nls"
    sh = parse_shell(s)
    assert names(s) == ["cat", "chmod", "whoami", "ls"]
    cat = sh.find("cat")[0]
    assert [(r.op, r.target.value if r.target else None) for r in cat.redirects] == [
        ("<<", "EOF"),
        (">", "/etc/x"),
    ]
    assert sh.find("chmod")[0].connector_before == "&&"


def test_heredoc_piped() -> None:
    s = "cat <<'EOF' | sh\necho hi\nEOF"
    sh = parse_shell(s)
    assert sh.has_pipe
    cat, shc = sh.commands
    assert (cat.pipeline_index, shc.pipeline_index) == (0, 1)
    assert cat.redirects[0].target is not None
    assert cat.redirects[0].target.value == "EOF"


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("cat <<EOF > /etc/x", [("cat", "cat <<EOF > /etc/x", None)]),
        ("cat <<-'EOT' | sh -x", [("cat", "cat <<-'EOT'", 0), ("sh", "sh -x", 1)]),
        (
            'python3 <<"PY" && echo done',
            [("python3", 'python3 <<"PY"', None), ("echo", "echo done", None)],
        ),
    ],
)
def test_run_line_with_heredoc_bodies_cut_off(
    script: str, expected: list[tuple[str, str, int | None]]
) -> None:
    # The Dockerfile parser hands over `RUN cat <<EOF | sh` without the body.
    sh = parse_shell(script)
    assert sh.errors == ()
    assert sh.script == script
    got = [(c.name, text(script, c.span), c.pipeline_index) for c in sh.commands]
    assert got == expected
    assert sh.has_pipe == any(p is not None for _, _, p in expected)
    first = sh.commands[0]
    assert first.redirects[0].op.startswith("<<")
    assert first.redirects[0].target is not None
    assert text(script, first.redirects[0].span) == script.split(" ")[1]
    assert_consistent(sh)


# -- wrappers ----------------------------------------------------------------------------


def test_sudo_env_chain() -> None:
    s = "sudo -u root env DEBIAN_FRONTEND=noninteractive apt-get install -y x"
    sh = parse_shell(s)
    assert names(s) == ["sudo", "env", "apt-get"]
    sudo, env, apt = sh.commands
    assert sudo.wrapped_by is None
    assert env.wrapped_by == "sudo"
    assert apt.wrapped_by == "env"
    assert text(s, env.span) == "env DEBIAN_FRONTEND=noninteractive apt-get install -y x"
    assert text(s, apt.span) == "apt-get install -y x"
    assert text(s, apt.name_span) == "apt-get"
    assert [(a.name, a.value.value) for a in apt.assignments] == [
        ("DEBIAN_FRONTEND", "noninteractive")
    ]
    assert text(s, apt.assignments[0].value.span) == "noninteractive"
    assert apt.has_flag("-y")


@pytest.mark.parametrize(
    ("script", "wrapper", "wrapped", "wrapped_text"),
    [
        ("xargs -n 1 -I {} rm -f {}", "xargs", "rm", "rm -f {}"),
        ("nohup ./server --port 1 &", "nohup", "server", "./server --port 1"),
        ("time make -j4", "time", "make", "make -j4"),
        ("exec gosu app node index.js", "exec", "gosu", "gosu app node index.js"),
        ("gosu app node index.js", "gosu", "node", "node index.js"),
        ("timeout 10 curl x", "timeout", "curl", "curl x"),
        ("nice -n 5 tar cf x y", "nice", "tar", "tar cf x y"),
        ("command pip install x", "command", "pip", "pip install x"),
        ("env -- A=1 pip install", "env", "A=1", "A=1 pip install"),
    ],
)
def test_wrappers(script: str, wrapper: str, wrapped: str, wrapped_text: str) -> None:
    sh = parse_shell(script)
    (inner,) = [c for c in sh.commands if c.wrapped_by == wrapper]
    assert inner.name == wrapped
    assert text(script, inner.span) == wrapped_text


@pytest.mark.parametrize(
    "script", ["sudo -l", "env", "command -v curl", "xargs", "exec", "sudo -e /etc/x"]
)
def test_wrapper_without_command(script: str) -> None:
    sh = parse_shell(script)
    assert len(sh.commands) == 1
    assert all(c.wrapped_by is None for c in sh.commands)


def test_wrapped_inherits_pipeline_and_connector() -> None:
    s = "true && find . -name '*.o' | xargs rm -f"
    rm = one(s, "rm")
    assert rm.wrapped_by == "xargs"
    assert rm.pipeline_index == 1
    assert rm.connector_before == "|"


# -- bash -c -------------------------------------------------------------------------------


def test_bash_c_double_quoted() -> None:
    s = 'bash -c "apt-get update && apt-get install -y \\"x y\\""'
    sh = parse_shell(s)
    assert names(s) == ["bash", "apt-get", "apt-get"]
    upd, inst = sh.find("apt-get")
    assert upd.via_shell == "bash" and inst.via_shell == "bash"
    assert text(s, upd.span) == "apt-get update"
    assert inst.connector_before == "&&"
    assert [a.value for a in inst.args] == ["install", "-y", "x y"]
    assert text(s, inst.args[2].span) == '\\"x y\\"'
    assert text(s, inst.span) == 'apt-get install -y \\"x y\\"'


def test_sh_c_single_quoted_with_flags() -> None:
    s = "sh -o pipefail -ec 'curl -fsSL x | sh -s -- -y'"
    sh = parse_shell(s)
    curl = one(s, "curl")
    assert curl.via_shell == "sh"
    assert text(s, curl.span) == "curl -fsSL x"
    assert curl.pipeline_index == 0
    inner_sh = [c for c in sh.find("sh") if c.via_shell == "sh"]
    assert len(inner_sh) == 1
    assert text(s, inner_sh[0].span) == "sh -s -- -y"
    # a pipe inside the -c string runs in another shell: not this script's pipe
    assert not sh.has_pipe


def test_nested_shell_strings() -> None:
    s = """su app -c "bash -c 'pip install --user x'" """
    pip = one(s, "pip")
    assert pip.via_shell == "bash"
    assert text(s, pip.span) == "pip install --user x"


def test_sudo_bash_c() -> None:
    s = "sudo bash -lc 'npm ci'"
    npm = one(s, "npm")
    assert npm.via_shell == "bash"
    assert text(s, npm.span) == "npm ci"


def test_bash_without_c_is_not_unpacked() -> None:
    assert names("bash script.sh -c 'x y'") == ["bash"]


# -- unicode ------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["😀", "中文", "é", "\u200b", "𝔘𝔫𝔦"])
def test_unicode_positions(prefix: str) -> None:
    s = f"echo {prefix} && apt-get install -y '{prefix}x' | tee \"{prefix}\""
    sh = parse_shell(s)
    echo, apt, tee = sh.commands
    assert text(s, echo.span) == f"echo {prefix}"
    assert echo.args[0].value == prefix
    assert text(s, apt.span) == f"apt-get install -y '{prefix}x'"
    assert apt.args[-1].value == f"{prefix}x"
    assert text(s, tee.args[0].span) == f'"{prefix}"'
    assert_consistent(sh)


def test_astral_characters_after_brace_do_not_crash() -> None:
    # tree-sitter-bash#337: `{` then a 4-byte UTF-8 character can segfault the
    # parser.  Run in a child process so a regression fails instead of killing
    # the test run.
    code = (
        "from dockerls.syntax.shell import _build\n"
        "for s in ['{\\U0010ffff\\u00cf', '{\\U00031860', 'echo {\\U000affff} x',"
        " '{\\U000e0000a', 'a={\\ud800}']:\n"
        "    for _ in range(40):\n"
        "        sh = _build(s, 0)\n"
        "        assert sh.script == s\n"
        "print('survived')\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "survived"


def test_astral_positions_after_brace() -> None:
    s = "echo {😀,x} && ls 😀"
    sh = parse_shell(s)
    echo, ls = sh.commands
    assert text(s, echo.args[0].span) == "{😀,x}"
    assert echo.args[0].value == "{😀,x}"
    assert text(s, ls.span) == "ls 😀"
    assert_consistent(sh)


def test_unicode_in_bash_c() -> None:
    s = "echo 😀; sh -c 'echo 中文 && ls 😀'"
    ls = one(s, "ls")
    assert text(s, ls.span) == "ls 😀"
    assert ls.args[0].value == "😀"


def test_unicode_errors_spans() -> None:
    s = "😀 echo (("
    sh = parse_shell(s)
    assert sh.errors
    assert_consistent(sh)


# -- flag helpers ---------------------------------------------------------------------------


def test_has_flag() -> None:
    c = parse_shell("apt-get -yq --no-install-recommends install x -- -z").commands[0]
    assert c.has_flag("-y")
    assert c.has_flag("-q")
    assert c.has_flag("--yes", "-y")
    assert c.has_flag("--no-install-recommends")
    assert not c.has_flag("--yes")
    assert not c.has_flag("-z")  # after --
    assert not c.has_flag("-n")


def test_has_flag_long_with_value() -> None:
    c = parse_shell("pip install --no-cache-dir=1 --index-url https://x y").commands[0]
    assert c.has_flag("--no-cache-dir")
    assert c.has_flag("--index-url")
    assert not c.has_flag("--no-cache")
    assert not c.has_flag("-n")  # long flags are not clusters


def test_flag_value_and_values() -> None:
    c = parse_shell(
        "apt-get -o Dpkg::Options::=--force-confold -oAcquire::Retries=3 "
        "-t bookworm-backports --target-release=x install y"
    ).commands[0]
    assert c.flag_value("-o") == "Dpkg::Options::=--force-confold"
    assert c.flag_values("-o") == ("Dpkg::Options::=--force-confold", "Acquire::Retries=3")
    assert c.flag_value("--target-release") == "x"
    assert c.flag_value("-t", "--target-release") == "bookworm-backports"
    assert c.flag_value("--missing") is None


def test_flag_value_in_cluster() -> None:
    c = parse_shell("curl -fsSLo /tmp/x.tgz https://e.org/x.tgz").commands[0]
    assert c.flag_value("-o", "--output") == "/tmp/x.tgz"
    t = parse_shell("tar -xzf a.tgz -C /opt").commands[0]
    assert t.flag_value("-f") == "a.tgz"
    assert t.flag_value("-C") == "/opt"
    # a short flag followed by more letters reads them as its attached value
    assert t.flag_value("-x") == "zf"


def test_flag_value_at_end() -> None:
    c = parse_shell("curl -o").commands[0]
    assert c.flag_value("-o") is None


def test_args_without_flags() -> None:
    s = "apt-get -o Dpkg::Options::=--force-confnew -t bookworm install -y curl=7.* -- -weird"
    c = parse_shell(s).commands[0]
    pos = c.args_without_flags(flags_with_values=("-o", "-t"))
    assert [w.value for w in pos] == ["install", "curl=7.*", "-weird"]
    assert text(s, pos[1].span) == "curl=7.*"
    # without knowing -o/-t take values, their values look positional
    assert [w.value for w in c.args_without_flags()][:2] == [
        "Dpkg::Options::=--force-confnew",
        "bookworm",
    ]


def test_subcommand() -> None:
    c = parse_shell("apt-get -q -o A=b install x").commands[0]
    assert c.subcommand(flags_with_values=("-o",)) == "install"
    assert c.subcommand() == "A=b"
    assert parse_shell("ls -la").commands[0].subcommand() is None


def test_has_args() -> None:
    c = parse_shell("apk add --no-cache curl").commands[0]
    assert c.has_args("add")
    assert c.has_args("del", "add")
    assert not c.has_args("del")
    assert not c.has_args("apk")  # the name is not an argument


def test_word_at() -> None:
    s = "pip install requests"
    c = parse_shell(s).commands[0]
    w0, w1, w2 = c.word_at(0), c.word_at(1), c.word_at(2)
    assert w0 is not None and w0.value == "pip"
    assert w1 is not None and w1.value == "install"
    assert w2 is not None and w2.value == "requests"
    assert c.word_at(3) is None
    assert c.word_at(-1) is None
    w = c.word_at_offset(s.index("requests") + 2)
    assert w is not None and w.value == "requests"
    assert c.word_at_offset(100) is None


def test_script_helpers() -> None:
    s = "apt-get update && apt-get install -y x && echo $(apt-cache policy x)"
    sh = parse_shell(s)
    assert [text(s, c.span) for c in sh.find("apt-get")] == [
        "apt-get update",
        "apt-get install -y x",
    ]
    assert sh.uses("apt-cache")
    assert not sh.uses("yum")
    assert sh.find("yum") == []
    inner = sh.command_at(s.index("policy"))
    assert inner is not None and inner.name == "apt-cache"
    outer = sh.command_at(s.index("echo"))
    assert outer is not None and outer.name == "echo"
    assert sh.command_at(s.index("&&") + 1) is None


# -- dialects, errors, caching ------------------------------------------------------------


@pytest.mark.parametrize("dialect", ["powershell", "pwsh", "cmd", "PowerShell", "python"])
def test_unsupported_dialect(dialect: str) -> None:
    sh = parse_shell("Invoke-WebRequest -Uri x | Out-Null", dialect)
    assert not sh.supported
    assert sh.commands == ()
    assert not sh.has_pipe


@pytest.mark.parametrize("dialect", ["posix", "bash", "sh", "ash"])
def test_posix_dialect(dialect: str) -> None:
    sh = parse_shell("a | b", dialect)
    assert sh.supported and sh.has_pipe


@pytest.mark.parametrize(
    ("shell", "dialect"),
    [
        (["/bin/sh", "-c"], "posix"),
        (["/bin/bash", "-o", "pipefail", "-c"], "posix"),
        (["powershell", "-Command"], "powershell"),
        (["C:\\Program Files\\PowerShell\\pwsh.exe", "-c"], "powershell"),
        (["cmd", "/S", "/C"], "cmd"),
        (["cmd.exe", "/C"], "cmd"),
        ("pwsh", "powershell"),
        ([], "posix"),
        (None, "posix"),
        (["/usr/bin/env", "bash"], "posix"),
        (["/usr/bin/env", "-S", "python3", "-u"], "python"),
        (["/usr/bin/python3.11"], "python"),
        (["/usr/bin/env", "node"], "node"),
        (["/usr/bin/perl", "-w"], "perl"),
        (["/usr/bin/env"], "posix"),
        (["/usr/local/bin/mysh", "-c"], "posix"),
        (["/bin/sh-python"], "posix"),
    ],
)
def test_shell_dialect(shell: list[str] | str | None, dialect: str) -> None:
    assert shell_dialect(shell) == dialect


def test_errors_reported_but_commands_kept() -> None:
    s = "apt-get update && ( echo x"
    sh = parse_shell(s)
    assert sh.errors
    assert sh.uses("apt-get")
    assert_consistent(sh)
    assert parse_shell("echo ok").errors == ()


def test_unbalanced_quote() -> None:
    s = 'echo "unterminated && ls'
    sh = parse_shell(s)
    assert sh.errors
    assert_consistent(sh)


def test_nul_bytes() -> None:
    s = "ls\x00 foo && echo\x00"
    sh = parse_shell(s)
    assert_consistent(sh)
    assert len(sh.commands) == 2


def test_cached() -> None:
    s = "echo cache-me"
    assert parse_shell(s) is parse_shell(s)


def test_deep_nesting_does_not_crash() -> None:
    s = "(" * 3000 + "echo x" + ")" * 3000
    sh = _build(s, 0)
    assert_consistent(sh)
    s2 = "echo " + "$(" * 500 + "x" + ")" * 500
    assert_consistent(_build(s2, 0))


def test_fast_constructors_equal_regular_ones() -> None:
    assert _span(3, 7) == Span(3, 7)
    assert _word("'a'", "a", _span(1, 4), True) == ShWord("'a'", "a", Span(1, 4), True)
    assert hash(_span(1, 2)) == hash(Span(1, 2))
    w = ShWord("a", "a", Span(0, 1), True)
    args = (ShWord("b", "b", Span(2, 3), True),)
    regular = Command("a", "/x/a", w, args, Span(0, 3), (), (), 1, "&&", "sudo", "sh")
    fast = _command("a", "/x/a", w, args, Span(0, 3), (), (), 1, "&&", "sudo", "sh")
    assert fast == regular


def test_words_unquote_when_read() -> None:
    """A word with quotes or expansions works out its value when first read,
    and is then equal to one built with its value."""
    sh = parse_shell("""apt-get install -y 'a b' "$X" && echo "c\\$d" """)
    apt, echo = sh.commands
    quoted = apt.args[2]
    assert quoted._value is None and quoted._is_static is None  # not read yet
    assert echo.args[0]._value is None
    assert quoted.value == "a b" and quoted.is_static
    assert quoted == ShWord("'a b'", "a b", Span(19, 24), True)
    assert (apt.args[3].value, apt.args[3].is_static) == ("$X", False)
    assert echo.args[0] == ShWord('"c\\$d"', "c$d", echo.args[0].span, True)
    lazy = _word("'a'", None, _span(1, 4), None)
    assert lazy == ShWord("'a'", "a", Span(1, 4), True)
    assert hash(_word("'a'", None, _span(1, 4), None)) == hash(ShWord("'a'", "a", Span(1, 4), True))
    with pytest.raises(dataclasses.FrozenInstanceError):
        quoted.raw = "x"  # type: ignore[misc]
    fresh = parse_shell("true '1'").commands[0].args[0]
    assert pickle.loads(pickle.dumps(fresh)) == fresh


def test_arguments_made_when_read() -> None:
    """A command makes its argument words when ``args`` is first read, and is
    then equal to (same hash, repr, pickle as) one built with them."""
    sh = parse_shell("apt-get install -y 'a b' >/dev/null c && ls")
    apt, ls = sh.commands
    assert apt._args is None and apt._arg_spans is not None  # not read yet
    assert ls._args == ()  # nothing to make
    assert [w.raw for w in apt.args] == ["install", "-y", "'a b'", "c"]
    assert apt._args is apt.args and apt._arg_spans is None
    assert apt.args[2] == ShWord("'a b'", "a b", Span(19, 24), True)
    fresh = parse_shell("apt-get install -y 'a b' >/dev/null c && ls --all").commands[0]
    eager = Command(
        fresh.name,
        fresh.path,
        fresh.name_word,
        apt.args,
        fresh.span,
        fresh.assignments,
        fresh.redirects,
        fresh.pipeline_index,
        fresh.connector_before,
    )
    assert fresh._args is None
    assert hash(fresh) == hash(eager) and repr(fresh) == repr(eager)
    assert fresh == eager and fresh._args is not None
    assert pickle.loads(pickle.dumps(eager)) == eager
    with pytest.raises(dataclasses.FrozenInstanceError):
        eager.name = "x"  # type: ignore[misc]


def test_name_word_made_when_read() -> None:
    """An unquoted command name's word is made when ``name_word`` is first
    read (a quoted one at once: its value is the name), and the command is
    then equal to (same hash, repr, pickle as) one built with it."""
    sh = parse_shell("X=1 /usr/bin/apt-get install x && 'ls' -l")
    apt, ls = sh.commands
    assert apt._name_word is None and ls._name_word is not None
    fresh = parse_shell("X=1 /usr/bin/apt-get install x && 'ls' -la").commands[0]
    assert pickle.loads(pickle.dumps(fresh))._name_word is None  # not made by pickling
    assert apt.name_word == ShWord("/usr/bin/apt-get", "/usr/bin/apt-get", Span(4, 20), True)
    assert apt._name_word is apt.name_word and apt.name_span == Span(4, 20)
    assert (ls.name, ls.name_word.raw, ls.name_span) == ("ls", "'ls'", Span(34, 38))
    eager = Command(fresh.name, fresh.path, apt.name_word, apt.args, fresh.span, fresh.assignments)
    assert fresh._name_word is None
    assert hash(fresh) == hash(eager) and repr(fresh) == repr(eager)
    assert fresh == eager and fresh._name_word is not None


@pytest.mark.parametrize(
    ("raw", "value", "static"),
    [
        ("plain", "plain", True),
        ("'single $x'", "single $x", True),
        ('"dq \\" \\$ \\\\ \\n"', 'dq " $ \\ \\n', True),
        ('"a${B:-c}d"', "a${B:-c}d", False),
        ("a\\ b", "a b", True),
        ("$(echo ')')x", "$(echo ')')x", False),
        ('$"loc"', "loc", True),
        ("'unterminated", "unterminated", True),
        ("trailing\\", "trailing\\", True),
        ("$", "$", True),
    ],
)
def test_unquote(raw: str, value: str, static: bool) -> None:
    v, s, starts, ends = _unquote(raw)
    assert (v, s) == (value, static)
    assert len(starts) == len(v) + 1
    assert len(ends) == len(v)
    assert all(0 <= p <= len(raw) for p in starts + ends)
    assert all(st < en for st, en in zip(starts[:-1], ends, strict=True))


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.text(max_size=30),
        st.lists(st.sampled_from([*list("ab '\"\\\n$`(){}"), "$'"])).map("".join),
    )
)
@example("a\\\nb")
@example('"x\\\ny"')
def test_unquote_fast_path_agrees(raw: str) -> None:
    full_value, full_static, _, _ = _unquote(raw)
    assert _unquote_value(raw) == (full_value, full_static)


# -- properties ------------------------------------------------------------------------------

_SHELLISH = st.lists(
    st.sampled_from(
        [
            *"abc -=$()`'\"\\|&;<>{}[]\n\t#*~!",
            "&&",
            "||",
            "$(",
            "<<EOF\n",
            "EOF",
            "😀",
            "中",
            "\x00",
            "sh -c ",
            "sudo ",
            "env A=1 ",
            "xargs ",
            " 2>&1 ",
            "if ",
            "then ",
            "fi",
            "case ",
        ]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.one_of(st.text(max_size=80), _SHELLISH))
@example('bash -c "')
@example("sh -c '$(")
@example("sudo")
@example("cat <<EOF | ")
@example("a && b >x | c <<EOF\n😀")
@example("\udc80 echo \ud800")
def test_never_raises_and_spans_in_bounds(script: str) -> None:
    sh = _build(script, 0)  # the unguarded builder: any exception fails the test
    assert_consistent(sh)
    assert sh.script == script


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(["apt-get", "😀", "中文", "'q x'", "/bin/ls"]),
    st.lists(
        st.sampled_from(
            ["apt-get", "install", "-y", "'q x'", '"d $V"', "a\\ b", "😀", "中文", "--f=v"]
        ),
        max_size=6,
    ),
    st.sampled_from([" && ", " | ", "; ", "\n", " || "]),
)
def test_generated_commands_roundtrip(name: str, args: list[str], sep: str) -> None:
    words = [name, *args]
    cmd = " ".join(words)
    s = f"{cmd}{sep}{cmd}"
    sh = _build(s, 0)
    assert_consistent(sh)
    tops = [c for c in sh.commands if c.wrapped_by is None and c.via_shell is None]
    assert len(tops) == 2
    for c in tops:
        assert text(s, c.span) == cmd
        assert [a.raw for a in c.args] == words[1:]


# -- corpus ------------------------------------------------------------------------------------


def corpus_run_lines() -> list[str]:
    out: list[str] = []
    for path in corpus_files():
        try:
            content = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        content = re.sub(r"\\[ \t]*\r?\n", " ", content)
        for line in content.splitlines():
            m = re.match(r"\s*(?:ONBUILD\s+)?RUN\s+(.*)", line, re.IGNORECASE)
            if m:
                body = re.sub(r"^(--\S+\s+)*", "", m.group(1))
                if not body.startswith("["):
                    out.append(body)
    return out


@pytest.mark.corpus
def test_corpus_run_lines() -> None:
    lines = corpus_run_lines()
    assert len(lines) > 1000
    total = 0
    for s in lines:
        sh = _build(s, 0)
        assert_consistent(sh)
        total += len(sh.commands)
    assert total > len(lines)


def _benchmark(repeat: int = 5) -> None:
    """``python tests/syntax/test_shell.py``: time parse_shell's work per corpus RUN line
    (best of ``repeat`` runs per line, cache bypassed)."""
    import statistics
    import time

    lines = corpus_run_lines()
    best = [float("inf")] * len(lines)
    for _ in range(repeat):
        for i, s in enumerate(lines):
            t0 = time.perf_counter()
            _build(s, 0)
            best[i] = min(best[i], (time.perf_counter() - t0) * 1e6)
    best.sort()
    print(
        f"{len(lines)} RUN lines: median {statistics.median(best):.1f} us, "
        f"p90 {best[int(len(best) * 0.9)]:.1f} us, p99 {best[int(len(best) * 0.99)]:.1f} us"
    )


if __name__ == "__main__":
    _benchmark()
