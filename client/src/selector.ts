/**
 * Which documents the client sends to the server. No `vscode` import, so that the tests can read it
 * (test/file-kinds.test.ts: the patterns are the engine's names, NAME_GLOBS).
 */
import { NAME_GLOBS } from '../../rules/engine/file-names';

/**
 * The files the fixes edit beside a compose file or Dockerfile (`.env` and other env files, their `.example`
 * templates, `.gitignore`, `.dockerignore`), synchronized so that the server reads them as the editor holds them: a
 * fix then edits an open, unsaved `.env` at the editor's version, from the editor's text. Computed from the disk's
 * text, its position fell mid-line in the buffer VS Code applied it to (review 43b, item 5). The server analyzes none
 * of them itself; the analyses that read one are done again as it changes.
 */
export const COMPANION_FILES_GLOB = '**/{.env,*.env,.env.*,*.env.*,.gitignore,.dockerignore,*.dockerignore}';

/**
 * The built-in language ids, then the engine's file names (any scheme: a compose file or a
 * `Dockerfile-dev` of a virtual workspace — Remote Repositories, vscode.dev — is analyzed too; the
 * server gives a document that is not a file no folder and no fix that writes beside it, and leaves
 * read-only copies such as a diff's `git:` side alone), then the config file and any YAML file on disk.
 */
export const DOCUMENT_SELECTOR: ({ language: string; scheme?: string } | { pattern: string; scheme?: string })[] = [
  { language: 'dockerfile' },
  { language: 'dockercompose' },
  ...NAME_GLOBS.map((pattern) => ({ pattern })),
  { scheme: 'file', pattern: '**/.docker-guardrails.{yaml,yml}' },
  // Any YAML file may be a compose file that another one pulls in with `include:`: the server decides.
  // Only on disk: the server finds what includes a file by reading the files beside it.
  { scheme: 'file', language: 'yaml' },
  // The files beside them that findings read and fixes edit (COMPANION_FILES_GLOB).
  { scheme: 'file', pattern: COMPANION_FILES_GLOB },
];
