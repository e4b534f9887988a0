/**
 * Library half of `npm run gen-settings` (the CLI entry is genSettingsCli.ts):: regenerate package.json's `contributes.configuration` from
 * ../../schemas/settings.schema.json plus settings.client.json.
 * `npm run check-settings` (`--check`): exit 1 if package.json is stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { buildConfiguration, type JsonObject } from "../settingsSchema";

export const EXTENSION_ROOT = resolve(__dirname, "..", "..");
export const SCHEMA_PATH = resolve(EXTENSION_ROOT, "..", "..", "schemas", "settings.schema.json");

export function expectedConfiguration(root = EXTENSION_ROOT, schemaPath = SCHEMA_PATH) {
  const schema = JSON.parse(readFileSync(schemaPath, "utf8")) as JsonObject;
  const client = JSON.parse(readFileSync(join(root, "settings.client.json"), "utf8")) as {
    properties: Record<string, JsonObject>;
  };
  return buildConfiguration(schema, client.properties);
}

export function main(): void {
  const pkgPath = join(EXTENSION_ROOT, "package.json");
  const pkg = JSON.parse(readFileSync(pkgPath, "utf8"));
  const expected = expectedConfiguration();
  const current = JSON.stringify(pkg.contributes?.configuration ?? null);
  if (process.argv.includes("--check")) {
    if (current !== JSON.stringify(expected)) {
      console.error("package.json contributes.configuration is stale: run `npm run gen-settings`");
      process.exit(1);
    }
    console.log("package.json contributes.configuration is up to date");
    return;
  }
  pkg.contributes = { ...pkg.contributes, configuration: expected };
  writeFileSync(pkgPath, JSON.stringify(pkg, null, 2) + "\n");
  console.log(`wrote ${Object.keys(expected.properties).length} settings to package.json`);
}
