"""Findings about a package-manager command name the command as it was
written (issue 16 item 17): `apt update` is not `apt-get update`, and
microdnf cleans with `microdnf clean all`, not `dnf clean all`."""

from __future__ import annotations

import pytest

from .harness import run

CASES = [
    ("DL3009", "RUN apt update && apt install -y curl", "`apt update`", "apt-get"),
    ("DL3009", "RUN apt-get update && apt-get install -y curl", "`apt-get update`", "`apt "),
    (
        "DL3040",
        "RUN microdnf install -y tar-1.34",
        "`microdnf install` without a later `microdnf clean all` leaves microdnf's",
        "`dnf clean all`",
    ),
    ("DL3040", "RUN dnf5 install -y tar-1.34", "`dnf5 clean all`", "`dnf clean all`"),
    ("DL3040", "RUN /usr/bin/dnf install -y tar-1.34", "`dnf install`", "microdnf"),
    (
        "DL3032",
        "RUN yum install -y tar-1.34",
        "`yum install` without a later `yum clean all`",
        "dnf",
    ),
    ("DL3036", "RUN zypper -n in curl=8", "`zypper in` without a later `zypper clean`", "install"),
    ("DL3034", "RUN zypper in curl=8 && zypper clean", "`zypper in` without `-n`", "install"),
    ("DL3038", "RUN dnf5 install tar-1.34 && dnf5 clean all", "`dnf5 install`", "microdnf"),
    ("DL3042", "RUN pip3 install flask==3.0", "`pip3 install`", "`pip install`"),
    (
        "DL3042",
        "RUN python3 -m pip install flask==3.0",
        "`python3 -m pip install`",
        "`pip install`",
    ),
    ("DL3060", "RUN yarn --frozen-lockfile install", "`yarn install`", "apt"),
]


@pytest.mark.parametrize(("code", "run_line", "said", "not_said"), CASES)
def test_message_names_the_command_used(code: str, run_line: str, said: str, not_said: str) -> None:
    _p, found = run(f"FROM fedora:40\n{run_line}\n", code)
    assert len(found) == 1, [v.message for _i, v in found]
    message = found[0][1].message
    assert said in message
    assert not_said not in message
