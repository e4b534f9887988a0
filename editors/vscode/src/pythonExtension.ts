/**
 * Asks the Python extension (ms-python.python) which interpreter is selected, when it is installed.
 * Uses the `environments` API when present and the older `settings.getExecutionDetails` otherwise;
 * both are duck-typed so the extension does not depend on @vscode/python-extension.
 */
import * as vscode from "vscode";

interface EnvironmentsApi {
  getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined;
  resolveEnvironment(
    env: { path: string } | string,
  ): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
}

interface PythonApi {
  environments?: EnvironmentsApi;
  settings?: {
    getExecutionDetails?(resource?: vscode.Uri): { execCommand?: string[] | undefined };
  };
}

export const PYTHON_EXTENSION_ID = "ms-python.python";

export async function pythonInterpreter(resource?: vscode.Uri): Promise<string[] | undefined> {
  const ext = vscode.extensions.getExtension<PythonApi>(PYTHON_EXTENSION_ID);
  if (!ext) {
    return undefined;
  }
  try {
    const api = ext.isActive ? ext.exports : await ext.activate();
    if (api?.environments) {
      const active = api.environments.getActiveEnvironmentPath(resource);
      if (active) {
        const resolved = await api.environments.resolveEnvironment(active);
        const exe = resolved?.executable?.uri?.fsPath;
        if (exe) {
          return [exe];
        }
      }
    }
    const details = api?.settings?.getExecutionDetails?.(resource);
    if (details?.execCommand && details.execCommand.length > 0) {
      return details.execCommand;
    }
  } catch {
    // A broken or still-loading Python extension must not keep dockerls from starting.
  }
  return undefined;
}
