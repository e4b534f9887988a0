"""ShellCheck: its findings on the scripts of RUN instructions, as a rule's."""

from __future__ import annotations

from collections.abc import Iterable

from dockerls.analysis.model import Model
from dockerls.analysis.rules.base import Finding, Rule, Severity


class ShellCheck(Rule):
    """What it does:
    Reports what ShellCheck finds in the shell scripts a Dockerfile runs:
    shell-form `RUN` and `ONBUILD RUN` command lines with their heredocs, and
    heredoc bodies that are scripts themselves, checked with the shell in
    force (`SHELL`, a `# hadolint shell=` pragma, a shebang).  Each finding
    keeps ShellCheck's code (`SC2086`) and level.  ARG and ENV names in scope
    count as set.  It needs the `shellcheck` binary; without it the rule stays
    quiet.

    Why it matters:
    A RUN line is a shell script, with a shell script's pitfalls: unquoted
    variables that split, `cd` that fails silently, commands that don't exist.
    ShellCheck finds them before a build runs them.

    Example:
    ```dockerfile
    FROM debian:12
    ARG FILES
    RUN rm $FILES
    ```

    Fix:
    Follow ShellCheck's advice (its wiki page is linked from each finding),
    here by quoting: `RUN rm "$FILES"`.  Ignore one code like any rule's,
    with `# hadolint ignore=SC2086` or the `ignore` settings.
    """

    code = "ShellCheck"
    name = "shellcheck"
    severity = Severity.INFO  # each finding carries ShellCheck's own level
    group = "shellcheck"  # shellcheck_map.GROUP

    def check_file(self, model: Model) -> Iterable[Finding]:
        results = model.facts.shellcheck
        if not results:
            return ()
        # loaded once ShellCheck has results: a first lint (ShellCheck's pass comes after
        # the first publish) needs none of it
        from dockerls.analysis import shellcheck_map

        return shellcheck_map.file_findings(model.parse, model, results)


RULE = ShellCheck()
