/**
 * Prints, as JSON, the command the extension would run for the server of an unpacked .vsix:
 *   node out/tools/launchCli.js --extension-root <unpacked>/extension --interpreter /venv/bin/python
 * -> {"command", "args" (with the `--stdio` the language client appends), "source", "version"}
 * scripts/vsix.sh starts that command to check the bundle. Exits 1 when the extension would not
 * start the bundled server.
 */
import { planLaunch } from "../launch";
import { nodeLaunchDeps, readManifest } from "../launchNode";

async function main(argv: string[]): Promise<number> {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const extensionRoot = value("--extension-root");
  const interpreter = value("--interpreter");
  if (!extensionRoot || !interpreter) {
    process.stderr.write("usage: launchCli --extension-root DIR --interpreter PYTHON\n");
    return 2;
  }
  const plan = await planLaunch(
    { extensionRoot, importStrategy: "useBundled", configuredInterpreter: [interpreter], platform: process.platform },
    nodeLaunchDeps(),
  );
  if (!plan.ok) {
    process.stderr.write(`${plan.message}\n`);
    return 1;
  }
  if (plan.launch.source !== "bundled") {
    process.stderr.write(`the extension would not use its bundled server: ${plan.notes.join("; ")}\n`);
    return 1;
  }
  const launch = {
    command: plan.launch.command,
    args: [...plan.launch.args, "--stdio"],
    source: plan.launch.source,
    python: plan.launch.python,
    version: readManifest(extensionRoot)?.server,
  };
  process.stdout.write(`${JSON.stringify(launch, null, 2)}\n`);
  return 0;
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
