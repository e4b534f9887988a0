/**
 * The real `LaunchDeps`: PATH lookup, interpreter probes (child processes, no shell) and the
 * bundle manifest. Shared by the extension and tools/launchCli.ts.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { BundleManifest, LaunchDeps, PythonInfo } from "./launch";
import { parseProbe, PROBE_SCRIPT } from "./launch";
import { findOnPath } from "./serverCommand";

export const PROBE_TIMEOUT_MS = 20_000;

export function probePython(interpreter: readonly string[], cwd?: string): Promise<PythonInfo | undefined> {
  const [command, ...prefix] = interpreter;
  return new Promise((resolve) => {
    execFile(
      command,
      [...prefix, "-c", PROBE_SCRIPT],
      { cwd, timeout: PROBE_TIMEOUT_MS, windowsHide: true, encoding: "utf8" },
      (error, stdout) => resolve(error ? undefined : parseProbe(stdout)),
    );
  });
}

export function readManifest(extensionRoot: string): BundleManifest | undefined {
  try {
    const data = JSON.parse(readFileSync(join(extensionRoot, "bundled", "manifest.json"), "utf8"));
    if (typeof data.server === "string" && Array.isArray(data.pythons)) {
      return data as BundleManifest;
    }
  } catch {
    // no bundle (a development build): fall through
  }
  return undefined;
}

export function nodeLaunchDeps(cwd?: string): LaunchDeps {
  return {
    findOnPath: (name) => findOnPath(name),
    probe: (interpreter) => probePython(interpreter, cwd),
    readManifest,
  };
}
