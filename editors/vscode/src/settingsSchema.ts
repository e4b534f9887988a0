/**
 * Turns the server's settings schema (schemas/settings.schema.json, a JSON Schema object tree)
 * into VS Code's `contributes.configuration`: one flattened, `dockerls.`-prefixed key per leaf.
 *
 * Pure (no `vscode`, no IO) so the generator script and the unit tests share it.
 */

export type JsonObject = { [key: string]: unknown };

export interface Configuration {
  title: string;
  properties: Record<string, JsonObject>;
}

/** Schema keywords VS Code understands on a configuration property; everything else is dropped. */
const KEPT_KEYWORDS = [
  "type",
  "default",
  "description",
  "markdownDescription",
  "enum",
  "enumDescriptions",
  "markdownEnumDescriptions",
  "items",
  "properties",
  "additionalProperties",
  "patternProperties",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minLength",
  "maxLength",
  "pattern",
  "patternErrorMessage",
  "format",
  "minItems",
  "maxItems",
  "uniqueItems",
  "oneOf",
  "anyOf",
  "deprecationMessage",
  "markdownDeprecationMessage",
] as const;

/**
 * Sections of the settings tree that only the editor client reads; never sent to the server.
 * (`dockerls.trace.server`, which vscode-languageclient reads, is part of the server schema.)
 */
export const CLIENT_ONLY_SECTIONS = ["server"] as const;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Resolve a local `#/...` JSON pointer against the schema root. */
function resolvePointer(root: JsonObject, ref: string): JsonObject {
  if (!ref.startsWith("#/")) {
    throw new Error(`only local $ref is supported, got ${ref}`);
  }
  let node: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (!isObject(node) || !(part in node)) {
      throw new Error(`unresolvable $ref ${ref}`);
    }
    node = node[part];
  }
  if (!isObject(node)) {
    throw new Error(`$ref ${ref} does not point at a schema object`);
  }
  return node;
}

/** Inline every local `$ref` (siblings of `$ref` override the target's keywords). */
export function inlineRefs(root: JsonObject, node: unknown, seen: string[] = []): unknown {
  if (Array.isArray(node)) {
    return node.map((item) => inlineRefs(root, item, seen));
  }
  if (!isObject(node)) {
    return node;
  }
  let base: JsonObject = node;
  let trail = seen;
  if (typeof node.$ref === "string") {
    if (seen.includes(node.$ref)) {
      throw new Error(`recursive $ref ${node.$ref} cannot be flattened into settings`);
    }
    const { $ref: _ignored, ...siblings } = node;
    trail = [...seen, node.$ref];
    base = { ...(inlineRefs(root, resolvePointer(root, node.$ref), trail) as JsonObject), ...siblings };
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(base)) {
    if (key === "$ref" || key === "$defs" || key === "definitions") {
      continue;
    }
    out[key] = inlineRefs(root, value, trail);
  }
  return out;
}

/**
 * A node becomes its own settings key unless it is a closed object with named properties,
 * in which case each property is flattened further (`rules.ignore`, `registry.timeoutMs`, ...).
 * Open maps (`additionalProperties` is a schema) stay one key, edited as JSON.
 */
function isGroup(node: JsonObject): boolean {
  const isObjectType =
    node.type === "object" || (node.type === undefined && isObject(node.properties));
  return (
    isObjectType &&
    isObject(node.properties) &&
    Object.keys(node.properties).length > 0 &&
    !isObject(node.additionalProperties) &&
    node.patternProperties === undefined
  );
}

function leafProperty(node: JsonObject, key: string, order: number): JsonObject {
  const out: JsonObject = {};
  for (const keyword of KEPT_KEYWORDS) {
    if (node[keyword] !== undefined) {
      out[keyword] = node[keyword];
    }
  }
  if (out.description === undefined && out.markdownDescription === undefined) {
    if (typeof node.title === "string") {
      out.description = node.title;
    } else {
      throw new Error(`settings schema: ${key} has no description`);
    }
  }
  out.scope = "resource";
  out.order = order;
  return out;
}

/**
 * Flatten the schema into `dockerls.`-prefixed settings. A root that holds a single `dockerls`
 * property (the settings.json shape) is unwrapped first, so both layouts are accepted.
 */
export function flattenSchema(schema: JsonObject, prefix = "dockerls"): Record<string, JsonObject> {
  let root = inlineRefs(schema, schema) as JsonObject;
  const rootProps = isObject(root.properties) ? root.properties : {};
  const names = Object.keys(rootProps);
  if (names.length === 1 && names[0] === prefix && isObject(rootProps[prefix])) {
    root = rootProps[prefix] as JsonObject;
  }
  if (!isGroup(root)) {
    throw new Error("settings schema: the root must be an object schema with properties");
  }
  const result: Record<string, JsonObject> = {};
  let order = 0;
  const walk = (node: JsonObject, path: string): void => {
    for (const [name, child] of Object.entries(node.properties as JsonObject)) {
      if (!isObject(child)) {
        throw new Error(`settings schema: ${path}.${name} is not a schema object`);
      }
      const key = `${path}.${name}`;
      if (isGroup(child)) {
        walk(child, key);
      } else {
        result[key] = leafProperty(child, key, order++);
      }
    }
  };
  walk(root, prefix);
  return result;
}

/** The whole `contributes.configuration`: generated server settings plus client-only ones. */
export function buildConfiguration(
  schema: JsonObject,
  clientProperties: Record<string, JsonObject>,
): Configuration {
  const generated = flattenSchema(schema);
  for (const key of Object.keys(clientProperties)) {
    if (key in generated) {
      throw new Error(`client-only setting ${key} collides with the server settings schema`);
    }
    const section = key.split(".")[1];
    if (!(CLIENT_ONLY_SECTIONS as readonly string[]).includes(section)) {
      throw new Error(`client-only setting ${key} must live under ${CLIENT_ONLY_SECTIONS.join("/")}`);
    }
  }
  for (const key of Object.keys(generated)) {
    const section = key.split(".")[1];
    if ((CLIENT_ONLY_SECTIONS as readonly string[]).includes(section)) {
      throw new Error(`server setting ${key} uses a section reserved for the client`);
    }
  }
  return { title: "dockerls", properties: { ...generated, ...clientProperties } };
}

/**
 * The settings tree the server receives (initializationOptions and workspace/configuration):
 * VS Code's `dockerls` section without the client-only keys.
 */
export function serverSettings(tree: unknown): JsonObject {
  if (!isObject(tree)) {
    return {};
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(tree)) {
    if (!(CLIENT_ONLY_SECTIONS as readonly string[]).includes(key) && typeof value !== "function") {
      out[key] = value;
    }
  }
  return out;
}
