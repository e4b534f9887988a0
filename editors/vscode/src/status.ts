/** What the status bar item shows in each server state. Free of `vscode` imports. */

export type ServerState =
  | { kind: "starting" }
  | { kind: "ready"; version?: string }
  | { kind: "error"; message: string }
  | { kind: "stopped" };

export interface StatusView {
  text: string;
  tooltip: string;
  error: boolean;
}

export function statusView(state: ServerState, source?: string): StatusView {
  const from = source ? ` (${source})` : "";
  switch (state.kind) {
    case "starting":
      return { text: "$(sync~spin) dockerls", tooltip: `dockerls: starting${from}`, error: false };
    case "ready": {
      const version = state.version ? ` ${state.version}` : "";
      return {
        text: `$(check) dockerls${version}`,
        tooltip: `dockerls${version}: ready${from}. Click for the output.`,
        error: false,
      };
    }
    case "error":
      return { text: "$(error) dockerls", tooltip: `dockerls: ${state.message} Click for the output.`, error: true };
    case "stopped":
      return { text: "$(circle-slash) dockerls", tooltip: "dockerls: stopped", error: false };
  }
}

export function stateName(state: ServerState): string {
  return state.kind === "error" ? `error: ${state.message}` : state.kind;
}
