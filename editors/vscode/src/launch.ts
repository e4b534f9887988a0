/**
 * Plans how to start the server: the bundled copy (the .vsix's `bundled/libs`, run by a Python
 * interpreter found on this machine), or the one the user installed. Free of `vscode` imports:
 * the extension and `tools/launchCli.ts` (which CI uses to start an unpacked .vsix's server
 * exactly as the extension would) both call `planLaunch`, and the unit tests run it under node.
 *
 * Order:
 *  1. `dockerls.server.path` set: that executable (with `dockerls.server.args`).
 *  2. `dockerls.server.importStrategy` = `useBundled` (the default) and the extension has a
 *     bundle: `<python> -I -c <bootstrap> <bundled/libs> serve`, with the first interpreter that
 *     runs and whose version the bundle has compiled wheels for, among `dockerls.server.interpreter`,
 *     the Python extension's interpreter, then `python3`/`python` (`py -3`/`python` on Windows).
 *     No such interpreter: a plain message saying what to install.
 *  3. `fromEnvironment` (or a build without a bundle): `dockerls` on PATH, else `python -m dockerls`
 *     with an interpreter that can import it.
 */
import { join } from "node:path";
import { DEFAULT_ARGS, expandPath, MODULE, resolveServerCommand, type ServerCommand } from "./serverCommand";

export type ImportStrategy = "useBundled" | "fromEnvironment";

/** `bundled/manifest.json`, written by scripts/bundle.py next to `bundled/libs`. */
export interface BundleManifest {
  /** Version of the bundled dockerls. */
  server: string;
  /** The `vsce package --target` the libraries were fetched for. */
  target: string;
  /** `major.minor` versions the bundle has compiled dependencies for. */
  pythons: string[];
}

/** What a probe learns about an interpreter. */
export interface PythonInfo {
  /** `major.minor.micro` */
  version: string;
  executable: string;
  /** Whether `import dockerls` would work in its own environment. */
  hasDockerls: boolean;
}

export interface LaunchInput {
  extensionRoot: string;
  importStrategy?: ImportStrategy;
  /** `dockerls.server.path`, `dockerls.server.args`, `dockerls.server.interpreter`. */
  configuredPath?: string;
  configuredArgs?: readonly string[];
  configuredInterpreter?: readonly string[];
  /** The interpreter command the Python extension reports, if it is installed. */
  pythonExtension?: readonly string[];
  platform: NodeJS.Platform;
  homeDir?: string;
  workspaceFolder?: string;
}

export interface LaunchDeps {
  findOnPath(name: string): string | undefined;
  /** Runs PROBE_SCRIPT with the interpreter command; undefined if it does not run. */
  probe(interpreter: readonly string[]): Promise<PythonInfo | undefined>;
  readManifest(extensionRoot: string): BundleManifest | undefined;
}

export type LaunchSource = ServerCommand["source"] | "bundled";

export interface Launch {
  command: string;
  args: string[];
  source: LaunchSource;
  /** The interpreter that runs the server, when it is a Python one we probed. */
  python?: PythonInfo & { command: string[]; origin: string };
  /** The bundled server's version, from the manifest. */
  bundledVersion?: string;
}

export type LaunchPlan =
  | { ok: true; launch: Launch; notes: string[] }
  | { ok: false; message: string; notes: string[] };

/** One line of JSON about the interpreter, read by `parseProbe`. */
export const PROBE_SCRIPT =
  "import importlib.util, json, sys; print(json.dumps({'version': '%d.%d.%d' % sys.version_info[:3], " +
  `'executable': sys.executable, 'dockerls': importlib.util.find_spec('${MODULE}') is not None}))`;

/**
 * Run by `python -I -c BOOTSTRAP <libs> serve ...`: isolated mode ignores PYTHON* variables, the
 * user site and the working directory, so only the bundle and the standard library are imported.
 */
export const BOOTSTRAP =
  `import sys; sys.path.insert(0, sys.argv.pop(1)); from ${MODULE}.cli import main; sys.exit(main())`;

export const MIN_PYTHON = "3.10";

export function bundledLibs(extensionRoot: string): string {
  return join(extensionRoot, "bundled", "libs");
}

export function parseProbe(stdout: string): PythonInfo | undefined {
  const line = stdout.trim().split(/\r?\n/).pop() ?? "";
  try {
    const data = JSON.parse(line) as { version?: unknown; executable?: unknown; dockerls?: unknown };
    if (typeof data.version !== "string" || !/^\d+\.\d+\.\d+$/.test(data.version)) {
      return undefined;
    }
    return {
      version: data.version,
      executable: typeof data.executable === "string" ? data.executable : "",
      hasDockerls: data.dockerls === true,
    };
  } catch {
    return undefined;
  }
}

export function majorMinor(version: string): string {
  return version.split(".").slice(0, 2).join(".");
}

/** The interpreters to try, in order, each with where it came from. */
export function interpreterCandidates(input: LaunchInput): { command: string[]; origin: string }[] {
  const out: { command: string[]; origin: string }[] = [];
  const add = (command: readonly string[] | undefined, origin: string) => {
    const parts = (command ?? []).filter((p) => p.trim() !== "");
    if (parts.length > 0) {
      const [first, ...rest] = parts;
      out.push({ command: [expandPath(first, input.homeDir, input.workspaceFolder), ...rest], origin });
    }
  };
  add(input.configuredInterpreter, "dockerls.server.interpreter");
  add(input.pythonExtension, "the Python extension");
  if (input.platform === "win32") {
    add(["py", "-3"], "PATH");
    add(["python"], "PATH");
  } else {
    add(["python3"], "PATH");
    add(["python"], "PATH");
  }
  return out;
}

/** The plain message shown when no interpreter can run the bundled server. */
export function noPythonMessage(platform: NodeJS.Platform, supported: readonly string[], tried: string[]): string {
  const range = supported.length > 0 ? `${supported[0]} to ${supported[supported.length - 1]}` : `${MIN_PYTHON}+`;
  const how =
    platform === "win32"
      ? "Install Python from https://www.python.org/downloads/ (tick \"Add python.exe to PATH\") or from the Microsoft Store"
      : platform === "darwin"
        ? "Install Python from https://www.python.org/downloads/ or with Homebrew (`brew install python3`)"
        : "Install Python 3 with your package manager (e.g. `sudo apt install python3`)";
  const found = tried.length > 0 ? ` Tried: ${tried.join("; ")}.` : "";
  return (
    `dockerls needs Python ${range} to run its bundled server, and none was found.${found} ` +
    `${how}, then run "dockerls: Restart Language Server". Or select an interpreter in the Python ` +
    "extension, or set dockerls.server.interpreter."
  );
}

function describeCommand(command: readonly string[]): string {
  return command.join(" ");
}

/**
 * The first candidate interpreter that runs and that `reject` has nothing against, and why each
 * one before it was passed over.
 */
async function firstInterpreter(
  input: LaunchInput,
  deps: LaunchDeps,
  reject: (info: PythonInfo) => string | undefined,
): Promise<{ found?: NonNullable<Launch["python"]>; tried: string[] }> {
  const tried: string[] = [];
  for (const candidate of interpreterCandidates(input)) {
    const info = await deps.probe(candidate.command);
    const why = info ? reject(info) : "does not run";
    if (info && why === undefined) {
      return { found: { ...info, ...candidate }, tried };
    }
    tried.push(`${describeCommand(candidate.command)} (from ${candidate.origin}) ${why}`);
  }
  return { tried };
}

async function environmentLaunch(input: LaunchInput, deps: LaunchDeps, notes: string[]): Promise<LaunchPlan> {
  const onPath = deps.findOnPath("dockerls");
  const configured = resolveServerCommand({
    configuredArgs: input.configuredArgs,
    findOnPath: () => onPath,
    platform: input.platform,
  });
  if (configured.source === "path") {
    return { ok: true, launch: { ...configured }, notes };
  }
  const { found, tried } = await firstInterpreter(input, deps, (info) =>
    info.hasDockerls ? undefined : `is Python ${info.version} and cannot import ${MODULE}`,
  );
  if (found) {
    const [command, ...prefix] = found.command;
    return {
      ok: true,
      launch: {
        command,
        args: [...prefix, "-m", MODULE, ...(input.configuredArgs ?? DEFAULT_ARGS)],
        source: found.origin === "the Python extension" ? "python-extension" : "python-fallback",
        python: found,
      },
      notes,
    };
  }
  return {
    ok: false,
    message:
      "dockerls.server.importStrategy is fromEnvironment, but `dockerls` is not on PATH and no " +
      `Python here can import ${MODULE} (${tried.join("; ")}). Install it (pipx install ` +
      "dockerfile_language_server-<version>-py3-none-any.whl), set dockerls.server.path, or set " +
      "dockerls.server.importStrategy to useBundled.",
    notes,
  };
}

export async function planLaunch(input: LaunchInput, deps: LaunchDeps): Promise<LaunchPlan> {
  const notes: string[] = [];
  const path = expandPath(input.configuredPath ?? "", input.homeDir, input.workspaceFolder);
  if (path !== "") {
    const launch = resolveServerCommand({
      configuredPath: path,
      configuredArgs: input.configuredArgs,
      findOnPath: deps.findOnPath,
      platform: input.platform,
    });
    return { ok: true, launch, notes };
  }
  if (input.importStrategy === "fromEnvironment") {
    return environmentLaunch(input, deps, notes);
  }
  const manifest = deps.readManifest(input.extensionRoot);
  if (!manifest) {
    notes.push("this build of the extension has no bundled server; using the one installed in the environment");
    return environmentLaunch(input, deps, notes);
  }
  const { found, tried } = await firstInterpreter(input, deps, (info) =>
    manifest.pythons.includes(majorMinor(info.version)) ? undefined : `is Python ${info.version}`,
  );
  if (found) {
    const [command, ...prefix] = found.command;
    const libs = bundledLibs(input.extensionRoot);
    return {
      ok: true,
      launch: {
        command,
        args: [...prefix, "-I", "-c", BOOTSTRAP, libs, ...(input.configuredArgs ?? DEFAULT_ARGS)],
        source: "bundled",
        python: found,
        bundledVersion: manifest.server,
      },
      notes,
    };
  }
  return { ok: false, message: noPythonMessage(input.platform, manifest.pythons, tried), notes };
}
