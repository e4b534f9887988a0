import assert from "node:assert/strict";
import { test } from "node:test";
import { diagnosticsReport, RecentLog, recording } from "../report";
import { statusView } from "../status";

test("RecentLog keeps the last lines, joining partial appends", () => {
  const log = new RecentLog(3);
  log.append("a");
  log.append("b\nc\n");
  log.appendLine("d");
  log.appendLine("e");
  log.append("tail");
  assert.equal(log.text(), "c\nd\ne\ntail");
  log.clear();
  assert.equal(log.text(), "");
});

test("recording() forwards every call to the channel and keeps a copy", () => {
  const written: string[] = [];
  const channel = {
    name: "dockerls",
    append: (v: string) => void written.push(`append:${v}`),
    appendLine: (v: string) => void written.push(`line:${v}`),
    replace: (v: string) => void written.push(`replace:${v}`),
    clear: () => void written.push("clear"),
    show: () => void written.push("show"),
  };
  const log = new RecentLog();
  const wrapped = recording(channel, log);
  wrapped.appendLine("[Info] started");
  wrapped.append("x");
  wrapped.show();
  assert.equal(wrapped.name, "dockerls");
  assert.deepEqual(written, ["line:[Info] started", "append:x", "show"]);
  assert.equal(log.text(), "[Info] started\nx");
  wrapped.replace("fresh");
  assert.equal(log.text(), "fresh");
});

test("the diagnostics report names versions, interpreter, command, settings and the log", () => {
  const text = diagnosticsReport({
    extensionVersion: "0.1.0",
    editor: "Visual Studio Code 1.95.0",
    platform: "linux",
    arch: "x64",
    state: "ready",
    serverVersion: "0.1.0",
    bundledVersion: "0.1.0",
    command: "/usr/bin/python3 -I -c ... serve --stdio",
    source: "bundled",
    python: { version: "3.12.1", executable: "/usr/bin/python3", origin: "PATH" },
    settings: { rules: { ignore: ["DL3008"] } },
    notes: ["a note"],
    log: "line 1\nline 2",
  });
  for (const part of [
    "- extension: 0.1.0",
    "- platform: linux-x64",
    "- server version: 0.1.0",
    "- server source: bundled",
    "- python: 3.12.1 /usr/bin/python3 (from PATH)",
    '"DL3008"',
    "- a note",
    "line 1\nline 2",
  ]) {
    assert.ok(text.includes(part), `missing ${JSON.stringify(part)} in:\n${text}`);
  }
  const bare = diagnosticsReport({ extensionVersion: "0.1.0", editor: "e", platform: "win32", arch: "x64", state: "stopped", settings: {}, notes: [], log: "" });
  assert.match(bare, /- server version: unknown/);
  assert.match(bare, /- bundled server: none/);
});

test("the status item says starting, ready with the version, or error", () => {
  assert.match(statusView({ kind: "starting" }).text, /sync~spin/);
  const ready = statusView({ kind: "ready", version: "0.1.0" }, "bundled");
  assert.equal(ready.text, "$(check) dockerls 0.1.0");
  assert.match(ready.tooltip, /ready \(bundled\)/);
  const error = statusView({ kind: "error", message: "no Python." });
  assert.equal(error.error, true);
  assert.match(error.tooltip, /no Python\./);
});
