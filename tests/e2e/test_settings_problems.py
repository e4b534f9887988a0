"""Settings problems over stdio, as a user sees them (window/showMessage):

* each bad value is shown once, though the client sends the same settings as
  initializationOptions and again from workspace/configuration, and again
  after a didChangeConfiguration;
* settings that pass the schema but can't work get one warning each: a
  ``shellcheck.path`` that isn't ShellCheck, ``extraArgs`` that would change
  its output format, a missing ``hadolint.configFile`` or ``context.path``;
* ``didChangeConfiguration`` with ``{}`` or with ``null`` settings (a client
  without workspace/configuration) goes back to the defaults.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient, client_capabilities

from tests.e2e.helpers import open_document, publish_log
from tests.support import until


async def _start(
    client: LanguageClient, options: dict[str, Any], configuration: bool = True
) -> None:
    caps = client_capabilities("visual_studio_code")
    if not configuration:
        assert caps.workspace is not None
        caps.workspace.configuration = False
    await client.initialize_session(
        lsp.InitializeParams(capabilities=caps, initialization_options=options)
    )


def _shown(client: LanguageClient, needle: str) -> list[str]:
    return [m.message for m in client.messages if needle in m.message]


async def _next_publish(
    client: LanguageClient, pred: Callable[[lsp.PublishDiagnosticsParams], bool], start: int
) -> None:
    """Wait for a publish, after the ``start`` first ones, that satisfies ``pred``."""
    log = publish_log(client)
    await until(lambda: any(pred(p) for p in log[start:]), 60, "a publish with the new settings")


def _has(code: str) -> Callable[[lsp.PublishDiagnosticsParams], bool]:
    return lambda p: any(d.code == code for d in p.diagnostics)


def _lacks(code: str) -> Callable[[lsp.PublishDiagnosticsParams], bool]:
    return lambda p: bool(p.diagnostics) and all(d.code != code for d in p.diagnostics)


async def test_each_settings_error_is_shown_once(bare: LanguageClient, tmp_path: Path) -> None:
    client = bare
    bad = {"rules": {"severity": {"DL3007": "loud"}}}
    client.set_configuration({"dockerls": bad})
    await _start(client, {**bad, "shellcheck": {"enabled": False}})
    uri = (tmp_path / "Dockerfile").as_uri()
    publish_log(client)
    open_document(client, uri, "FROM ubuntu\nFROM ubuntu:latest\n")
    await _next_publish(client, _has("DL3006"), 0)
    # a new configuration that also ignores DL3006: once it applies, the pull
    # after initialized and this one have both been handled
    start = len(publish_log(client))
    client.set_configuration(
        {"dockerls": {"rules": {"severity": {"DL3007": "loud"}, "ignore": ["DL3006"]}}}
    )
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
    await _next_publish(client, _lacks("DL3006"), start)
    assert len(_shown(client, "DL3007")) == 1, _shown(client, "DL3007")


def _not_shellcheck(folder: Path) -> Path:
    fake = folder / "not-shellcheck"
    fake.write_text(f"#!{sys.executable}\nprint('hello')\n")
    fake.chmod(0o755)
    return fake


async def test_settings_that_cannot_work_get_one_warning_each(
    bare: LanguageClient, tmp_path: Path
) -> None:
    client = bare
    options = {
        "shellcheck": {"path": str(_not_shellcheck(tmp_path)), "extraArgs": ["-x", "--format=gcc"]},
        "hadolint": {"configFile": str(tmp_path / "missing.yaml")},
        "context": {"path": str(tmp_path / "no-such-folder")},
    }
    client.set_configuration({"dockerls": options})
    await _start(client, options)
    needles = ("shellcheck.path", "--format=gcc", "missing.yaml", "no-such-folder")
    await until(lambda: all(_shown(client, n) for n in needles), 60, "a warning for each")
    uri = (tmp_path / "Dockerfile").as_uri()
    open_document(client, uri, "FROM ubuntu\nMAINTAINER me\n")
    await _next_publish(client, _has("DL3006"), 0)
    # the same settings pulled again twice (ignoring DL3006, then not): nothing new to say
    for extra, seen in (({"ignore": ["DL3006"]}, _lacks("DL3006")), ({}, _has("DL3006"))):
        start = len(publish_log(client))
        client.set_configuration({"dockerls": {**options, "rules": extra}})
        client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
        await _next_publish(client, seen, start)
    for needle in needles:
        assert len(_shown(client, needle)) == 1, (needle, [m.message for m in client.messages])


async def test_empty_or_null_settings_go_back_to_the_defaults(
    bare: LanguageClient, tmp_path: Path
) -> None:
    client = bare
    await _start(client, {"shellcheck": {"enabled": False}}, configuration=False)
    uri = (tmp_path / "Dockerfile").as_uri()
    open_document(client, uri, "FROM ubuntu\nMAINTAINER me\n")
    await _next_publish(client, _has("DL3006"), 0)
    for reset in ({}, None):
        ignore = {"rules": {"ignore": ["DL3006"]}, "shellcheck": {"enabled": False}}
        start = len(publish_log(client))
        client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=ignore))
        await _next_publish(client, _lacks("DL3006"), start)
        mark, start = len(client.messages), len(publish_log(client))
        client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=reset))
        await _next_publish(client, _has("DL3006"), start)
        assert len(client.messages) == mark  # nothing wrong with no settings
