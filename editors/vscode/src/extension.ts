/**
 * VS Code entry point: starts the dockerls language server over stdio and keeps it running.
 * Everything that can be decided without VS Code lives in launch.ts, serverCommand.ts,
 * settingsSchema.ts, status.ts and report.ts.
 */
import { homedir } from "node:os";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  State,
  TransportKind,
} from "vscode-languageclient/node";
import { type ImportStrategy, type Launch, type LaunchPlan, planLaunch } from "./launch";
import { nodeLaunchDeps } from "./launchNode";
import { pythonInterpreter } from "./pythonExtension";
import { diagnosticsReport, RecentLog, recording } from "./report";
import { describe } from "./serverCommand";
import { documentSelector } from "./selector";
import { serverSettings } from "./settingsSchema";
import { type ServerState, stateName, statusView } from "./status";

const SECTION = "dockerls";
const OPEN_SETTINGS = "Open settings";
const SHOW_OUTPUT = "Show output";

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let status: vscode.StatusBarItem;
let extensionRoot = "";
let extensionVersion = "";
const recentLog = new RecentLog();
let lastPlan: LaunchPlan | undefined;
let state: ServerState = { kind: "stopped" };

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionRoot = context.extensionPath;
  extensionVersion = String(context.extension.packageJSON.version ?? "");
  output = recording(vscode.window.createOutputChannel("dockerls"), recentLog);
  status = vscode.window.createStatusBarItem("dockerls.status", vscode.StatusBarAlignment.Right, 100);
  status.name = "dockerls";
  status.command = "dockerls.showOutput";
  context.subscriptions.push(
    output,
    status,
    vscode.commands.registerCommand("dockerls.restartServer", () => restart()),
    vscode.commands.registerCommand("dockerls.showOutput", () => output.show(true)),
    vscode.commands.registerCommand("dockerls.copyDiagnosticsReport", () => copyReport()),
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

function setState(next: ServerState): void {
  state = next;
  const view = statusView(next, lastPlan?.ok ? lastPlan.launch.source : undefined);
  status.text = view.text;
  status.tooltip = view.tooltip;
  status.backgroundColor = view.error ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
  status.show();
}

function firstWorkspaceFolder(): vscode.WorkspaceFolder | undefined {
  return vscode.workspace.workspaceFolders?.[0];
}

async function plan(): Promise<LaunchPlan> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const folder = firstWorkspaceFolder();
  const importStrategy = config.get<ImportStrategy>("server.importStrategy", "useBundled");
  const configuredPath = config.get<string>("server.path", "");
  const needsPython = configuredPath.trim() === "";
  return planLaunch(
    {
      extensionRoot,
      importStrategy,
      configuredPath,
      configuredArgs: config.get<string[]>("server.args"),
      configuredInterpreter: config.get<string[]>("server.interpreter", []),
      pythonExtension: needsPython ? await pythonInterpreter(folder?.uri) : undefined,
      platform: process.platform,
      homeDir: homedir(),
      workspaceFolder: folder?.uri.fsPath,
    },
    nodeLaunchDeps(folder?.uri.fsPath),
  );
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
    documentSelector: documentSelector(),
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
  setState({ kind: "starting" });
  lastPlan = await plan();
  for (const note of lastPlan.notes) {
    output.appendLine(`[info] ${note}`);
  }
  if (!lastPlan.ok) {
    setState({ kind: "error", message: lastPlan.message });
    void showStartError(lastPlan.message);
    return;
  }
  const launch: Launch = lastPlan.launch;
  const python = launch.python ? ` on Python ${launch.python.version} (${launch.python.executable})` : "";
  output.appendLine(`Starting dockerls (${launch.source})${python}: ${describe(launch)} --stdio`);
  const folder = firstWorkspaceFolder();
  const serverOptions: ServerOptions = {
    command: launch.command,
    args: launch.args,
    // TransportKind.stdio makes the client append `--stdio`, which `dockerls serve` accepts.
    transport: TransportKind.stdio,
    options: { cwd: folder?.uri.fsPath, env: { ...process.env } },
  };
  const next = new LanguageClient("dockerls", "dockerls", serverOptions, clientOptions());
  client = next;
  next.onDidChangeState((event) => {
    if (client !== next) {
      return;
    }
    if (event.newState === State.Running) {
      setState({ kind: "ready", version: next.initializeResult?.serverInfo?.version });
    } else if (event.newState === State.Stopped && state.kind === "ready") {
      setState({ kind: "error", message: "the server stopped." });
    }
  });
  try {
    await next.start();
    setState({ kind: "ready", version: next.initializeResult?.serverInfo?.version });
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    client = undefined;
    const message = `The dockerls server failed to start: ${detail} (command: ${describe(launch)}).`;
    setState({ kind: "error", message });
    await showStartError(message);
  }
}

async function copyReport(): Promise<void> {
  const launch = lastPlan?.ok ? lastPlan.launch : undefined;
  const text = diagnosticsReport({
    extensionVersion,
    editor: `${vscode.env.appName} ${vscode.version}`,
    platform: process.platform,
    arch: process.arch,
    state: stateName(state),
    serverVersion: client?.initializeResult?.serverInfo?.version,
    bundledVersion: launch?.bundledVersion,
    command: launch ? `${describe(launch)} --stdio` : undefined,
    source: launch?.source,
    python: launch?.python,
    settings: JSON.parse(JSON.stringify(vscode.workspace.getConfiguration(SECTION))),
    notes: lastPlan ? [...lastPlan.notes, ...(lastPlan.ok ? [] : [lastPlan.message])] : [],
    log: recentLog.text(),
  });
  await vscode.env.clipboard.writeText(text);
  void vscode.window.showInformationMessage("dockerls: diagnostics report copied to the clipboard.");
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  setState({ kind: "stopped" });
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
