/**
 * VS Code entry point: starts the dockerls language server over stdio and keeps it running.
 * Everything that can be decided without VS Code lives in serverCommand.ts / settingsSchema.ts.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute } from "node:path";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";
import { pythonInterpreter } from "./pythonExtension";
import {
  describe,
  findOnPath,
  MODULE,
  resolveServerCommand,
  type ServerCommand,
} from "./serverCommand";
import { serverSettings } from "./settingsSchema";

const SECTION = "dockerls";
const OPEN_SETTINGS = "Open settings";
const SHOW_OUTPUT = "Show output";

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("dockerls");
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand("dockerls.restartServer", () => restart()),
    vscode.commands.registerCommand("dockerls.showOutput", () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${SECTION}.server`)) {
        output.appendLine("dockerls.server.* changed; restarting the server");
        void restart();
      }
    }),
    { dispose: () => void stop() },
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await stop();
}

function firstWorkspaceFolder(): vscode.WorkspaceFolder | undefined {
  return vscode.workspace.workspaceFolders?.[0];
}

async function resolveCommand(): Promise<ServerCommand> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const folder = firstWorkspaceFolder();
  const configuredPath = config.get<string>("server.path", "");
  const configuredArgs = config.get<string[]>("server.args");
  const needsPython = configuredPath.trim() === "" && findOnPath("dockerls") === undefined;
  return resolveServerCommand({
    configuredPath,
    configuredArgs,
    findOnPath: (name) => findOnPath(name),
    pythonCommand: needsPython ? await pythonInterpreter(folder?.uri) : undefined,
    platform: process.platform,
    homeDir: homedir(),
    workspaceFolder: folder?.uri.fsPath,
  });
}

/** Returns an explanation when the command clearly cannot start the server, else undefined. */
function checkCommand(cmd: ServerCommand): string | undefined {
  if (cmd.source === "setting") {
    if (isAbsolute(cmd.command) && !existsSync(cmd.command)) {
      return `dockerls.server.path points at ${cmd.command}, which does not exist.`;
    }
    return undefined;
  }
  if (cmd.source === "path") {
    return undefined;
  }
  // `python -m dockerls`: make sure the interpreter exists and has the package.
  const prefix = cmd.args.slice(0, cmd.args.indexOf("-m"));
  const probe = spawnSync(cmd.command, [...prefix, "-c", `import ${MODULE}`], {
    encoding: "utf8",
    timeout: 20_000,
  });
  if (probe.error || probe.status !== 0) {
    const why = probe.error ? probe.error.message : (probe.stderr || "").trim().split("\n").pop();
    return (
      `The dockerls language server was not found: \`dockerls\` is not on PATH and ` +
      `${cmd.command} cannot import ${MODULE} (${why}). Install it with ` +
      "`pip install dockerfile-language-server` or set dockerls.server.path."
    );
  }
  return undefined;
}

async function showStartError(message: string): Promise<void> {
  output.appendLine(`[error] ${message}`);
  const choice = await vscode.window.showErrorMessage(message, OPEN_SETTINGS, SHOW_OUTPUT);
  if (choice === OPEN_SETTINGS) {
    await vscode.commands.executeCommand("workbench.action.openSettings", "dockerls.server");
  } else if (choice === SHOW_OUTPUT) {
    output.show(true);
  }
}

/** The `dockerls` settings tree as the server should see it (client-only keys removed). */
function currentServerSettings(): Record<string, unknown> {
  return serverSettings(JSON.parse(JSON.stringify(vscode.workspace.getConfiguration(SECTION))));
}

function clientOptions(): LanguageClientOptions {
  return {
    documentSelector: [
      { scheme: "file", language: "dockerfile" },
      { scheme: "untitled", language: "dockerfile" },
    ],
    outputChannel: output,
    initializationOptions: currentServerSettings(),
    synchronize: { configurationSection: SECTION },
    middleware: {
      workspace: {
        // Push the same filtered tree (`{"dockerls": {...}}`) instead of the raw section, so the
        // server never sees `dockerls.server.*` as unknown keys.
        didChangeConfiguration: async () => {
          await client?.sendNotification(DidChangeConfigurationNotification.type, {
            settings: { [SECTION]: currentServerSettings() },
          });
        },
        // The server asks for the `dockerls` section; hide the client-only keys from it.
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) {
            return result;
          }
          return result.map((value, i) =>
            params.items[i]?.section === SECTION ? serverSettings(value) : value,
          );
        },
      },
    },
  };
}

async function start(): Promise<void> {
  const cmd = await resolveCommand();
  output.appendLine(`Starting dockerls (${cmd.source}): ${describe(cmd)} --stdio`);
  const problem = checkCommand(cmd);
  if (problem) {
    void showStartError(problem);
    return;
  }
  const folder = firstWorkspaceFolder();
  const serverOptions: ServerOptions = {
    command: cmd.command,
    args: cmd.args,
    // TransportKind.stdio makes the client append `--stdio`, which `dockerls serve` accepts.
    transport: TransportKind.stdio,
    options: { cwd: folder?.uri.fsPath, env: { ...process.env } },
  };
  client = new LanguageClient("dockerls", "dockerls", serverOptions, clientOptions());
  try {
    await client.start();
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    client = undefined;
    await showStartError(`The dockerls server failed to start: ${detail} (command: ${describe(cmd)}).`);
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) {
    try {
      await running.stop();
    } catch (err) {
      output.appendLine(`[warn] stopping dockerls: ${String(err)}`);
    }
  }
}

async function restart(): Promise<void> {
  await stop();
  await start();
}
