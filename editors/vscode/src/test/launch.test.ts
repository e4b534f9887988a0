import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import {
  BOOTSTRAP,
  type BundleManifest,
  bundledLibs,
  interpreterCandidates,
  type LaunchDeps,
  type LaunchInput,
  parseProbe,
  planLaunch,
  type PythonInfo,
} from "../launch";
import { readManifest } from "../launchNode";

const MANIFEST: BundleManifest = { server: "0.1.0", target: "linux-x64", pythons: ["3.10", "3.11", "3.12", "3.13"] };

/** Fake machine: which interpreters run (by their joined command) and what they report. */
function deps(
  pythons: Record<string, Partial<PythonInfo>>,
  opts: { onPath?: string; manifest?: BundleManifest | undefined } = {},
): LaunchDeps & { probed: string[] } {
  const probed: string[] = [];
  return {
    probed,
    findOnPath: (name) => (name === "dockerls" ? opts.onPath : undefined),
    probe: async (cmd) => {
      const key = cmd.join(" ");
      probed.push(key);
      const info = pythons[key];
      return info ? { version: "3.11.2", executable: `/abs/${key}`, hasDockerls: false, ...info } : undefined;
    },
    readManifest: () => ("manifest" in opts ? opts.manifest : MANIFEST),
  };
}

const base: LaunchInput = { extensionRoot: "/ext", platform: "linux", homeDir: "/home/u", workspaceFolder: "/ws" };

test("bundled by default: the Python extension's interpreter runs the bundled libs in isolated mode", async () => {
  const d = deps({ "/venv/bin/python": { version: "3.12.1" } });
  const plan = await planLaunch({ ...base, pythonExtension: ["/venv/bin/python"] }, d);
  assert.ok(plan.ok);
  assert.deepEqual(plan.launch.command, "/venv/bin/python");
  assert.deepEqual(plan.launch.args, ["-I", "-c", BOOTSTRAP, bundledLibs("/ext"), "serve"]);
  assert.equal(plan.launch.source, "bundled");
  assert.equal(plan.launch.bundledVersion, "0.1.0");
  assert.equal(plan.launch.python?.origin, "the Python extension");
  assert.equal(plan.launch.python?.version, "3.12.1");
  assert.deepEqual(d.probed, ["/venv/bin/python"]);
});

test("an interpreter the bundle has no wheels for is skipped for the next one on PATH", async () => {
  const d = deps({ "/old/python": { version: "3.8.10" }, python3: { version: "3.13.0" } });
  const plan = await planLaunch({ ...base, pythonExtension: ["/old/python"], configuredArgs: ["serve", "--log-level", "debug"] }, d);
  assert.ok(plan.ok);
  assert.equal(plan.launch.command, "python3");
  assert.deepEqual(plan.launch.args.slice(-3), ["serve", "--log-level", "debug"]);
  assert.equal(plan.launch.python?.origin, "PATH");
  assert.deepEqual(d.probed, ["/old/python", "python3"]);
});

test("interpreter prefixes (conda run ...) stay before the isolated-mode flags", async () => {
  const d = deps({ "conda run -n tools python": { version: "3.11.9" } });
  const plan = await planLaunch({ ...base, pythonExtension: ["conda", "run", "-n", "tools", "python"] }, d);
  assert.ok(plan.ok);
  assert.equal(plan.launch.command, "conda");
  assert.deepEqual(plan.launch.args.slice(0, 6), ["run", "-n", "tools", "python", "-I", "-c"]);
});

test("dockerls.server.interpreter comes first and expands ~", async () => {
  const d = deps({ "/home/u/py/bin/python": { version: "3.10.13" }, "/venv/bin/python": { version: "3.12.1" } });
  const plan = await planLaunch(
    { ...base, configuredInterpreter: ["~/py/bin/python"], pythonExtension: ["/venv/bin/python"] },
    d,
  );
  assert.ok(plan.ok);
  assert.equal(plan.launch.command, "/home/u/py/bin/python");
  assert.equal(plan.launch.python?.origin, "dockerls.server.interpreter");
});

test("candidates: python3 then python on Linux and macOS, py -3 then python on Windows", () => {
  assert.deepEqual(
    interpreterCandidates(base).map((c) => c.command),
    [["python3"], ["python"]],
  );
  assert.deepEqual(
    interpreterCandidates({ ...base, platform: "win32", pythonExtension: ["C:\\Py\\python.exe"] }).map((c) => c.command),
    [["C:\\Py\\python.exe"], ["py", "-3"], ["python"]],
  );
});

test("no usable Python: a plain message saying what to install, per platform", async () => {
  const linux = await planLaunch(base, deps({ python: { version: "2.7.18" } }));
  assert.equal(linux.ok, false);
  assert.ok(!linux.ok);
  assert.match(linux.message, /needs Python 3\.10 to 3\.13/);
  assert.match(linux.message, /apt install python3/);
  assert.match(linux.message, /python3 \(from PATH\) does not run; python \(from PATH\) is Python 2\.7\.18/);
  assert.match(linux.message, /dockerls\.server\.interpreter/);
  const win = await planLaunch({ ...base, platform: "win32" }, deps({}));
  assert.ok(!win.ok);
  assert.match(win.message, /python\.org\/downloads/);
  assert.match(win.message, /py -3 \(from PATH\) does not run/);
  const mac = await planLaunch({ ...base, platform: "darwin" }, deps({}));
  assert.ok(!mac.ok);
  assert.match(mac.message, /brew install python3/);
});

test("dockerls.server.path wins over the bundle and probes nothing", async () => {
  const d = deps({ python3: { version: "3.11.0" } });
  const plan = await planLaunch({ ...base, configuredPath: "${workspaceFolder}/.venv/bin/dockerls" }, d);
  assert.ok(plan.ok);
  assert.deepEqual(
    { command: plan.launch.command, args: plan.launch.args, source: plan.launch.source },
    { command: "/ws/.venv/bin/dockerls", args: ["serve"], source: "setting" },
  );
  assert.deepEqual(d.probed, []);
});

test("fromEnvironment: dockerls on PATH, else an interpreter that can import it, else a message", async () => {
  const onPath = await planLaunch({ ...base, importStrategy: "fromEnvironment" }, deps({}, { onPath: "/usr/local/bin/dockerls" }));
  assert.ok(onPath.ok);
  assert.deepEqual([onPath.launch.command, onPath.launch.source], ["/usr/local/bin/dockerls", "path"]);

  const d = deps({ "/venv/bin/python": { hasDockerls: false }, python3: { hasDockerls: true } });
  const viaPython = await planLaunch({ ...base, importStrategy: "fromEnvironment", pythonExtension: ["/venv/bin/python"] }, d);
  assert.ok(viaPython.ok);
  assert.deepEqual([viaPython.launch.command, ...viaPython.launch.args], ["python3", "-m", "dockerls", "serve"]);
  assert.equal(viaPython.launch.source, "python-fallback");

  const none = await planLaunch({ ...base, importStrategy: "fromEnvironment" }, deps({ python3: {} }));
  assert.ok(!none.ok);
  assert.match(none.message, /cannot import dockerls/);
  assert.match(none.message, /pipx install/);
});

test("a build without a bundle falls back to the environment and says so", async () => {
  const plan = await planLaunch(base, deps({}, { onPath: "/usr/bin/dockerls", manifest: undefined }));
  assert.ok(plan.ok);
  assert.equal(plan.launch.source, "path");
  assert.match(plan.notes.join("\n"), /no bundled server/);
});

test("parseProbe reads the probe's JSON line and rejects anything else", () => {
  assert.deepEqual(parseProbe('noise\n{"version": "3.12.1", "executable": "/p", "dockerls": true}\n'), {
    version: "3.12.1",
    executable: "/p",
    hasDockerls: true,
  });
  assert.equal(parseProbe(""), undefined);
  assert.equal(parseProbe('{"version": 3}'), undefined);
  assert.equal(parseProbe("Python 3.12.1"), undefined);
});

test("readManifest reads bundled/manifest.json and ignores a missing or malformed one", () => {
  const root = mkdtempSync(join(tmpdir(), "dockerls-manifest-"));
  try {
    assert.equal(readManifest(root), undefined);
    mkdirSync(join(root, "bundled"));
    writeFileSync(join(root, "bundled", "manifest.json"), "{not json");
    assert.equal(readManifest(root), undefined);
    writeFileSync(join(root, "bundled", "manifest.json"), JSON.stringify(MANIFEST));
    assert.deepEqual(readManifest(root), MANIFEST);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("the bootstrap imports dockerls from the bundle only, ignoring PYTHONPATH and the cwd", () => {
  const root = mkdtempSync(join(tmpdir(), "dockerls-bootstrap-"));
  try {
    const fake = (dir: string, marker: string) => {
      mkdirSync(join(dir, "dockerls"), { recursive: true });
      writeFileSync(join(dir, "dockerls", "__init__.py"), "");
      writeFileSync(
        join(dir, "dockerls", "cli.py"),
        `import sys\ndef main():\n    print(${JSON.stringify(marker)}, sys.argv[1:])\n    return 3\n`,
      );
    };
    const libs = join(root, "bundled", "libs");
    fake(libs, "bundle");
    fake(join(root, "elsewhere"), "PYTHONPATH");
    fake(join(root, "cwd"), "cwd");
    const run = spawnSync("python3", ["-I", "-c", BOOTSTRAP, libs, "serve", "--stdio"], {
      cwd: join(root, "cwd"),
      env: { ...process.env, PYTHONPATH: join(root, "elsewhere") },
      encoding: "utf8",
    });
    assert.equal(run.stderr, "");
    assert.equal(run.stdout.trim(), "bundle ['serve', '--stdio']");
    assert.equal(run.status, 3);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
