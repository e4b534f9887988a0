/**
 * The text of "dockerls: Copy Diagnostics Report" and the recent-log buffer it quotes. Free of
 * `vscode` imports so it is unit-tested under plain node.
 */

/** Keeps the last `limit` lines written to the output channel. */
export class RecentLog {
  private readonly lines: string[] = [];
  private partial = "";

  constructor(private readonly limit = 200) {}

  append(text: string): void {
    const parts = (this.partial + text).split(/\r?\n/);
    this.partial = parts.pop() ?? "";
    for (const line of parts) {
      this.lines.push(line);
    }
    if (this.lines.length > this.limit) {
      this.lines.splice(0, this.lines.length - this.limit);
    }
  }

  appendLine(text: string): void {
    this.append(`${text}\n`);
  }

  clear(): void {
    this.lines.length = 0;
    this.partial = "";
  }

  text(): string {
    return [...this.lines, ...(this.partial ? [this.partial] : [])].join("\n");
  }
}

/** The part of an output channel the language client writes to. */
export interface Channel {
  append(value: string): void;
  appendLine(value: string): void;
  replace(value: string): void;
  clear(): void;
}

/** Wraps a channel so everything written to it is also kept in `log`. */
export function recording<T extends Channel>(channel: T, log: RecentLog): T {
  return new Proxy(channel, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop === "append" || prop === "appendLine" || prop === "replace" || prop === "clear") {
        return (text: string) => {
          if (prop === "append") log.append(text);
          else if (prop === "appendLine") log.appendLine(text);
          else {
            log.clear();
            if (prop === "replace") log.append(text);
          }
          return (value as (t: string) => void).call(target, text);
        };
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

export interface ReportInput {
  extensionVersion: string;
  editor: string;
  platform: string;
  arch: string;
  state: string;
  serverVersion?: string;
  bundledVersion?: string;
  command?: string;
  source?: string;
  python?: { version: string; executable: string; origin: string };
  settings: unknown;
  notes: string[];
  log: string;
}

/** A Markdown report to paste into a bug report. */
export function diagnosticsReport(r: ReportInput): string {
  const rows: [string, string | undefined][] = [
    ["extension", r.extensionVersion],
    ["editor", r.editor],
    ["platform", `${r.platform}-${r.arch}`],
    ["server state", r.state],
    ["server version", r.serverVersion],
    ["bundled server", r.bundledVersion ?? "none"],
    ["server source", r.source],
    ["command", r.command],
    ["python", r.python ? `${r.python.version} ${r.python.executable} (from ${r.python.origin})` : undefined],
  ];
  const fence = "```";
  return [
    "## dockerls diagnostics report",
    "",
    ...rows.map(([k, v]) => `- ${k}: ${v ?? "unknown"}`),
    ...(r.notes.length > 0 ? ["", "Notes:", ...r.notes.map((n) => `- ${n}`)] : []),
    "",
    "Settings (`dockerls.*`):",
    "",
    `${fence}json`,
    JSON.stringify(r.settings, null, 2),
    fence,
    "",
    "Recent log:",
    "",
    fence,
    r.log,
    fence,
    "",
  ].join("\n");
}
