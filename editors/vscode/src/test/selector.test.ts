import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { BUILD_FILE_GLOBS, documentSelector } from "../selector";
import { EXTENSION_ROOT } from "../tools/genSettings";

/** VS Code's glob reading of the patterns used here: `**\/`, `*` within a name, `{a,b}`. */
function globRegExp(glob: string): RegExp {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (glob.startsWith("**/", i)) {
      out += "(?:.*/)?";
      i += 2;
    } else if (ch === "*") {
      out += "[^/]*";
    } else if (ch === "{") {
      const end = glob.indexOf("}", i);
      out += `(?:${glob.slice(i + 1, end).split(",").map(escape).join("|")})`;
      i = end;
    } else {
      out += escape(ch);
    }
  }
  return new RegExp(`^${out}$`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function sent(path: string, language: string): boolean {
  return documentSelector().some(
    (f) =>
      f.scheme === "file" &&
      (f.language === undefined || f.language === language) &&
      (f.pattern === undefined || globRegExp(f.pattern).test(path)),
  );
}

test("Dockerfiles, Compose and Bake files go to the server; other YAML and HCL do not", () => {
  assert.ok(sent("/w/Dockerfile", "dockerfile"));
  for (const path of [
    "/w/compose.yaml",
    "/w/app/docker-compose.yml",
    "/w/compose.override.yaml",
    "/w/docker-compose.prod.yml",
    "/w/docker-bake.hcl",
    "/w/ci/docker-bake.override.json",
  ]) {
    assert.ok(sent(path, "yaml"), path);
  }
  for (const path of ["/w/values.yaml", "/w/main.hcl", "/w/package.json", "/w/compose.txt"]) {
    assert.ok(!sent(path, "yaml"), path);
  }
  assert.ok(documentSelector().some((f) => f.scheme === "untitled" && f.language === "dockerfile"));
});

test("the extension activates in a workspace holding a Compose or Bake file", () => {
  const manifest = JSON.parse(readFileSync(join(EXTENSION_ROOT, "package.json"), "utf8"));
  const events: string[] = manifest.activationEvents;
  assert.ok(events.includes("onLanguage:dockerfile"));
  for (const glob of BUILD_FILE_GLOBS) {
    assert.ok(events.includes(`workspaceContains:${glob}`), glob);
  }
});
