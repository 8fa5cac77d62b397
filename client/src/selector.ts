/**
 * Which documents the client sends to the server. No `vscode` import, so that the tests can read it
 * (test/file-kinds.test.ts: the patterns are the engine's names, NAME_GLOBS).
 */
import { NAME_GLOBS } from '../../rules/engine/file-names';

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
];
