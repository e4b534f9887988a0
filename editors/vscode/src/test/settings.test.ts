import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { buildConfiguration, flattenSchema, serverSettings } from "../settingsSchema";
import { EXTENSION_ROOT, expectedConfiguration, SCHEMA_PATH } from "../tools/genSettings";

const sample = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  additionalProperties: false,
  $defs: {
    severity: { type: "string", enum: ["error", "warning", "info", "hint", "off"] },
  },
  properties: {
    rules: {
      type: "object",
      additionalProperties: false,
      description: "Rule selection",
      properties: {
        ignore: {
          type: "array",
          items: { type: "string" },
          default: [],
          description: "Codes to ignore.",
          examples: [["DL3006"]],
        },
        severity: {
          type: "object",
          additionalProperties: { $ref: "#/$defs/severity" },
          default: {},
          description: "Per-code severity.",
        },
      },
    },
    registry: {
      type: "object",
      properties: {
        enabled: { type: "boolean", default: true, description: "Query registries." },
        timeoutMs: { type: "integer", minimum: 100, default: 3000, title: "Timeout" },
      },
    },
    format: { type: "object", properties: { level: { $ref: "#/$defs/severity", description: "x" } } },
  },
};

test("nested closed objects flatten into dockerls.-prefixed keys, in schema order", () => {
  const flat = flattenSchema(sample);
  assert.deepEqual(Object.keys(flat), [
    "dockerls.rules.ignore",
    "dockerls.rules.severity",
    "dockerls.registry.enabled",
    "dockerls.registry.timeoutMs",
    "dockerls.format.level",
  ]);
  assert.deepEqual(flat["dockerls.rules.ignore"], {
    type: "array",
    default: [],
    description: "Codes to ignore.",
    items: { type: "string" },
    scope: "resource",
    order: 0,
  });
});

test("open maps stay one key and $refs are inlined", () => {
  const flat = flattenSchema(sample);
  assert.deepEqual(flat["dockerls.rules.severity"].additionalProperties, {
    type: "string",
    enum: ["error", "warning", "info", "hint", "off"],
  });
  assert.deepEqual(flat["dockerls.format.level"].enum, ["error", "warning", "info", "hint", "off"]);
  assert.equal(flat["dockerls.format.level"].description, "x");
  assert.equal(flat["dockerls.registry.timeoutMs"].description, "Timeout", "title is the fallback");
  assert.equal(flat["dockerls.registry.timeoutMs"].minimum, 100);
});

test("a root wrapped in a single `dockerls` property is unwrapped", () => {
  const wrapped = { type: "object", $defs: sample.$defs, properties: { dockerls: { ...sample, $defs: undefined } } };
  assert.deepEqual(Object.keys(flattenSchema(wrapped)), Object.keys(flattenSchema(sample)));
});

test("leaves without any description are rejected", () => {
  assert.throws(
    () => flattenSchema({ type: "object", properties: { a: { type: "string" } } }),
    /dockerls\.a has no description/,
  );
});

test("client-only settings may not collide with or hide among server settings", () => {
  const client = { "dockerls.server.path": { type: "string", default: "", description: "p" } };
  const config = buildConfiguration(sample, client);
  assert.equal(config.properties["dockerls.server.path"].description, "p");
  assert.throws(
    () => buildConfiguration(sample, { "dockerls.rules.ignore": { type: "string", description: "y" } }),
    /collides/,
  );
  assert.throws(() => buildConfiguration(sample, { "dockerls.other": { description: "z" } }), /must live under/);
  const reserved = { type: "object", properties: { server: { type: "object", properties: { path: { type: "string", description: "q" } } } } };
  assert.throws(() => buildConfiguration(reserved, {}), /reserved for the client/);
});

test("serverSettings drops client-only keys and functions", () => {
  const tree = { rules: { ignore: ["DL3006"] }, server: { path: "/x" }, trace: { server: "off" }, get: () => 1 };
  assert.deepEqual(serverSettings(tree), { rules: { ignore: ["DL3006"] }, trace: { server: "off" } });
  assert.deepEqual(serverSettings(null), {});
});

test("package.json contributes.configuration matches schemas/settings.schema.json (npm run gen-settings)", () => {
  assert.ok(existsSync(SCHEMA_PATH), `missing ${SCHEMA_PATH}`);
  const pkg = JSON.parse(readFileSync(join(EXTENSION_ROOT, "package.json"), "utf8"));
  assert.deepEqual(
    pkg.contributes.configuration,
    expectedConfiguration(),
    "package.json is stale: run `npm run gen-settings` in editors/vscode",
  );
});

test("package.json activates on, and contributes, the dockerfile language with every file pattern", () => {
  const pkg = JSON.parse(readFileSync(join(EXTENSION_ROOT, "package.json"), "utf8"));
  // and in a workspace holding a Compose or Bake file (selector.test.ts)
  assert.equal(pkg.activationEvents[0], "onLanguage:dockerfile");
  const lang = pkg.contributes.languages.find((l: { id: string }) => l.id === "dockerfile");
  assert.deepEqual(lang.filenames, ["Dockerfile", "Containerfile"]);
  assert.deepEqual(lang.filenamePatterns, ["*.dockerfile", "*.containerfile", "Dockerfile.*", "Containerfile.*"]);
  assert.deepEqual(
    pkg.contributes.commands.map((c: { command: string }) => c.command).sort(),
    ["dockerls.copyDiagnosticsReport", "dockerls.restartServer", "dockerls.showOutput"],
  );
  assert.equal(pkg.main, "./dist/extension.js");
});
