/**
 * Decides how to launch the dockerls server. Pure apart from `findOnPath`'s file-system checks,
 * and free of `vscode` imports so it is unit-tested under plain node.
 *
 * Order: `dockerls.server.path` setting > `dockerls` on PATH > `python -m dockerls` with the
 * Python extension's interpreter > `python3 -m dockerls` (`python` on Windows).
 */
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";

export type CommandSource = "setting" | "path" | "python-extension" | "python-fallback";

export interface ServerCommand {
  command: string;
  args: string[];
  source: CommandSource;
}

export interface ResolveInput {
  /** `dockerls.server.path`; empty or undefined means "auto-detect". */
  configuredPath?: string;
  /** `dockerls.server.args`; defaults to `["serve"]`. */
  configuredArgs?: readonly string[];
  /** Finds an executable on PATH, returning its absolute path. */
  findOnPath: (name: string) => string | undefined;
  /** The interpreter command the Python extension reports (e.g. `["/venv/bin/python"]`). */
  pythonCommand?: readonly string[];
  platform: NodeJS.Platform;
  homeDir?: string;
  workspaceFolder?: string;
}

export const DEFAULT_ARGS: readonly string[] = ["serve"];
export const EXECUTABLE = "dockerls";
export const MODULE = "dockerls";

/** Expand a leading `~` and `${workspaceFolder}` / `${userHome}` in a configured path. */
export function expandPath(value: string, homeDir?: string, workspaceFolder?: string): string {
  let out = value.trim();
  if (homeDir && (out === "~" || out.startsWith("~/") || out.startsWith("~\\"))) {
    out = homeDir + out.slice(1);
  }
  if (homeDir) {
    out = out.split("${userHome}").join(homeDir);
  }
  if (workspaceFolder) {
    out = out.split("${workspaceFolder}").join(workspaceFolder);
  }
  return out;
}

export function resolveServerCommand(input: ResolveInput): ServerCommand {
  const args = [...(input.configuredArgs ?? DEFAULT_ARGS)];
  const configured = expandPath(input.configuredPath ?? "", input.homeDir, input.workspaceFolder);
  if (configured !== "") {
    return { command: configured, args, source: "setting" };
  }
  const onPath = input.findOnPath(EXECUTABLE);
  if (onPath) {
    return { command: onPath, args, source: "path" };
  }
  const python = (input.pythonCommand ?? []).filter((part) => part !== "");
  if (python.length > 0) {
    return {
      command: python[0],
      args: [...python.slice(1), "-m", MODULE, ...args],
      source: "python-extension",
    };
  }
  return {
    command: input.platform === "win32" ? "python" : "python3",
    args: ["-m", MODULE, ...args],
    source: "python-fallback",
  };
}

function isExecutableFile(path: string, platform: NodeJS.Platform): boolean {
  try {
    if (!statSync(path).isFile()) {
      return false;
    }
    if (platform !== "win32") {
      accessSync(path, constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

/** A small `which`: search `env.PATH` (and `PATHEXT` on Windows) for an executable. */
export function findOnPath(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  const pathVar = env.PATH ?? env.Path ?? "";
  const extensions =
    platform === "win32"
      ? ["", ...(env.PATHEXT ?? ".COM;.EXE;.BAT;.CMD").split(";").filter((e) => e !== "")]
      : [""];
  const sep = platform === "win32" ? ";" : delimiter;
  for (const dir of pathVar.split(sep)) {
    if (dir === "" || !isAbsolute(dir)) {
      continue;
    }
    for (const ext of extensions) {
      const candidate = join(dir, name + ext);
      if (isExecutableFile(candidate, platform)) {
        return candidate;
      }
    }
  }
  return undefined;
}

/** Human-readable one-liner for the output channel and error messages. */
export function describe(cmd: { command: string; args: readonly string[] }): string {
  const quote = (s: string) => (/[\s"']/.test(s) ? JSON.stringify(s) : s);
  return [cmd.command, ...cmd.args].map(quote).join(" ");
}
