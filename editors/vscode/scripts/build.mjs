// Bundles the extension (and, with --tests, the unit tests) with esbuild.
//   node scripts/build.mjs               -> dist/extension.js (with source maps)
//   node scripts/build.mjs --production  -> dist/extension.js (minified, no source maps)
//   node scripts/build.mjs --tests       -> out/test/*.test.js (run with `node --test out/test/`)
//   node scripts/build.mjs --tools       -> out/tools/genSettingsCli.js (the settings generator),
//                                           out/tools/launchCli.js (the extension's server command)
//   node scripts/build.mjs --watch       -> rebuild dist/extension.js on change
import { build, context } from "esbuild";
import { readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const argv = new Set(process.argv.slice(2));
const production = argv.has("--production");

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: "node",
  target: "node18",
  format: "cjs",
  // `vscode` is provided by the editor at runtime and must never be bundled.
  external: ["vscode"],
  logLevel: "info",
};

if (argv.has("--tests")) {
  rmSync(join(root, "out"), { recursive: true, force: true });
  const tests = readdirSync(join(root, "src", "test"))
    .filter((f) => f.endsWith(".test.ts"))
    .map((f) => join("src", "test", f));
  await build({ ...common, entryPoints: tests, outdir: "out/test", sourcemap: "inline" });
} else if (argv.has("--tools")) {
  await build({
    ...common,
    entryPoints: ["src/tools/genSettingsCli.ts", "src/tools/launchCli.ts"],
    outdir: "out/tools",
    logLevel: "warning",
  });
} else {
  const options = {
    ...common,
    entryPoints: ["src/extension.ts"],
    outfile: "dist/extension.js",
    minify: production,
    sourcemap: !production,
  };
  if (argv.has("--watch")) {
    const ctx = await context(options);
    await ctx.watch();
  } else {
    await build(options);
  }
}
