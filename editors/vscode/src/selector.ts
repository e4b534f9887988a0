/**
 * Which documents the extension sends to dockerls: Dockerfiles, and the Compose and Bake files
 * that build them (the server answers only the build-file features there: target and args
 * diagnostics, definition, references, completion and the link to the Dockerfile).
 */

/** Compose and Bake files, as VS Code globs (also the `workspaceContains:` activation events). */
export const BUILD_FILE_GLOBS = [
  "**/{compose,docker-compose}*.{yaml,yml}",
  "**/docker-bake*.{hcl,json}",
] as const;

/** One entry of a language client's document selector. */
export interface DocumentFilter {
  scheme: string;
  language?: string;
  pattern?: string;
}

export function documentSelector(): DocumentFilter[] {
  return [
    { scheme: "file", language: "dockerfile" },
    { scheme: "untitled", language: "dockerfile" },
    ...BUILD_FILE_GLOBS.map((pattern) => ({ scheme: "file", pattern })),
  ];
}
