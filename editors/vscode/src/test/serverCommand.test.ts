import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { describe as describeCmd, expandPath, findOnPath, resolveServerCommand } from "../serverCommand";

const nothingOnPath = () => undefined;

test("configured path wins over everything and keeps the configured args", () => {
  const cmd = resolveServerCommand({
    configuredPath: "/opt/dockerls/bin/dockerls",
    configuredArgs: ["serve", "--log-level", "debug"],
    findOnPath: () => "/usr/bin/dockerls",
    pythonCommand: ["/venv/bin/python"],
    platform: "linux",
  });
  assert.deepEqual(cmd, {
    command: "/opt/dockerls/bin/dockerls",
    args: ["serve", "--log-level", "debug"],
    source: "setting",
  });
});

test("configured path expands ~ and ${workspaceFolder}", () => {
  const base = { findOnPath: nothingOnPath, platform: "linux" as const, homeDir: "/home/u", workspaceFolder: "/ws" };
  assert.equal(resolveServerCommand({ ...base, configuredPath: "~/bin/dockerls" }).command, "/home/u/bin/dockerls");
  assert.equal(
    resolveServerCommand({ ...base, configuredPath: "${workspaceFolder}/.venv/bin/dockerls" }).command,
    "/ws/.venv/bin/dockerls",
  );
  assert.equal(expandPath("  ~  ", "/home/u"), "/home/u");
  assert.equal(expandPath("a~b", "/home/u"), "a~b");
});

test("blank configured path falls through to PATH lookup with default args", () => {
  const looked: string[] = [];
  const cmd = resolveServerCommand({
    configuredPath: "   ",
    findOnPath: (name) => {
      looked.push(name);
      return "/usr/local/bin/dockerls";
    },
    pythonCommand: ["/venv/bin/python"],
    platform: "linux",
  });
  assert.deepEqual(looked, ["dockerls"]);
  assert.deepEqual(cmd, { command: "/usr/local/bin/dockerls", args: ["serve"], source: "path" });
});

test("without dockerls on PATH the Python extension's interpreter runs the module", () => {
  const cmd = resolveServerCommand({
    findOnPath: nothingOnPath,
    pythonCommand: ["conda", "run", "-n", "tools", "python"],
    configuredArgs: ["serve", "--verbose"],
    platform: "linux",
  });
  assert.deepEqual(cmd, {
    command: "conda",
    args: ["run", "-n", "tools", "python", "-m", "dockerls", "serve", "--verbose"],
    source: "python-extension",
  });
});

test("last resort is python3 (python on Windows)", () => {
  const linux = resolveServerCommand({ findOnPath: nothingOnPath, pythonCommand: [], platform: "linux" });
  assert.deepEqual(linux, { command: "python3", args: ["-m", "dockerls", "serve"], source: "python-fallback" });
  const win = resolveServerCommand({ findOnPath: nothingOnPath, platform: "win32" });
  assert.equal(win.command, "python");
  assert.equal(win.source, "python-fallback");
});

test("the configured args array is copied, not aliased", () => {
  const args = ["serve"];
  const cmd = resolveServerCommand({ findOnPath: () => "/bin/dockerls", configuredArgs: args, platform: "linux" });
  cmd.args.push("--stdio");
  assert.deepEqual(args, ["serve"]);
});

test("findOnPath finds executables, skips non-executable files and relative dirs", () => {
  const root = mkdtempSync(join(tmpdir(), "dockerls-which-"));
  try {
    const a = join(root, "a");
    const b = join(root, "b");
    mkdirSync(a);
    mkdirSync(b);
    writeFileSync(join(a, "dockerls"), "not executable");
    chmodSync(join(a, "dockerls"), 0o644);
    writeFileSync(join(b, "dockerls"), "#!/bin/sh\n");
    chmodSync(join(b, "dockerls"), 0o755);
    const env = { PATH: ["relative/dir", a, b].join(":") };
    assert.equal(findOnPath("dockerls", env, "linux"), join(b, "dockerls"));
    assert.equal(findOnPath("missing", env, "linux"), undefined);
    assert.equal(findOnPath("dockerls", { PATH: "" }, "linux"), undefined);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("findOnPath honours PATHEXT on Windows", () => {
  const root = mkdtempSync(join(tmpdir(), "dockerls-which-"));
  try {
    writeFileSync(join(root, "dockerls.EXE"), "");
    const env = { PATH: root, PATHEXT: ".COM;.EXE" };
    assert.equal(findOnPath("dockerls", env, "win32"), join(root, "dockerls.EXE"));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("describe quotes arguments with spaces", () => {
  assert.equal(
    describeCmd({ command: "/My Tools/python", args: ["-m", "dockerls", "serve"] }),
    '"/My Tools/python" -m dockerls serve',
  );
});
