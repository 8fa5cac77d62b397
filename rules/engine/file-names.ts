/**
 * The names of the files the extension and the CLI analyze: as regular expressions (fileKindOf, the
 * engine's answer) and as the globs the editor matches a name with (the client's document selector and
 * package.json's `workspaceContains` activation events, which cannot run a regular expression). Both
 * are here so that they describe the same names: test/file-kinds.test.ts checks them against each other
 * over a set of names, and package.json's activation events against NAME_GLOBS (`npm run docs` writes
 * them). This module imports nothing of the engine: the client bundles it.
 */
import * as path from 'node:path';
import type { FileKind } from './types';

/**
 * File names: `Dockerfile`, `Containerfile`, `Dockerfile.<variant>`, `Dockerfile-<variant>`, `<name>.Dockerfile`, and the
 * same with a prefix (`api-Dockerfile`, `repo__Dockerfile`), also before a variant (`api.Dockerfile.prod`,
 * `backend.Dockerfile.dev`: names projects give their Dockerfiles, which DF051 does not take for one when the file
 * holds no Dockerfile instruction, `x.Dockerfile.sources`); `compose.yaml`, `docker-compose.yml`,
 * `docker-compose.<env>.yml` (also `docker-compose_<x>.yml`), `<name>.compose.yaml`, `<name>-compose.yml`, and
 * Swarm stack files (STACK_NAME). Case is ignored. Variants that are other kinds of files
 * (`Dockerfile.md`, `Dockerfile.template`: NOT_A_DOCKERFILE) are not Dockerfiles.
 */
export const DOCKERFILE_NAME = /(?:^|[._-])(?:Dockerfile|Containerfile)(?:[.-][^/]*)?$|\.(?:dockerfile|containerfile)$/i;
export const NOT_A_DOCKERFILE = /\.(?:md|markdown|txt|rst|json|ya?ml|toml|sh|bash|ps1|py|js|ts|go|j2|jinja2?|tmpl|tpl|template|erb|orig|bak|swp|tmp|dockerignore|lock|patch|diff|html?)$/i;
export const COMPOSE_NAME = /(?:^|[._-])(?:docker-)?compose(?:[._-][^/]*)?\.ya?ml$/i;
/**
 * Swarm stack files, which `docker stack deploy --compose-file` reads, under the name of Docker's own
 * examples: `docker-stack.yml`, `docker-stack.prod.yml`, `<x>.docker-stack.yaml` (review 24, probe dc-06:
 * a walk skipped them). Not `<name>-stack.yaml`, a common name of Helm templates, CloudFormation templates and
 * Kubernetes manifests (review 25, probes 19 and 02), nor Haskell's `stack.yaml`; a walk names such a file
 * in its notice when it looks like a compose file.
 */
export const STACK_NAME = /(?:^|[._-])docker-stack(?:[._-][^/]*)?\.ya?ml$/i;

/** Recognizes the files the extension and the CLI analyze, by name. */
export function fileKindOf(filePath: string): FileKind | undefined {
  const base = path.basename(filePath);
  if (COMPOSE_NAME.test(base) || STACK_NAME.test(base)) return 'compose';
  if (DOCKERFILE_NAME.test(base) && !NOT_A_DOCKERFILE.test(base)) return 'dockerfile';
  return undefined;
}

/**
 * DOCKERFILE_NAME, COMPOSE_NAME and STACK_NAME as globs, written in lower case (NAME_GLOBS makes them
 * match any case, as the expressions do). A glob cannot leave out NOT_A_DOCKERFILE's names: the editor
 * sends `Dockerfile.md` to the server too, which analyzes only what fileKindOf recognizes (as it does for
 * the YAML files it is sent, which may be included compose files). `docker-compose` is `*-compose`.
 */
const NAME_GLOB_TEMPLATES = [
  '**/{dockerfile,containerfile}',
  '**/*[._-]{dockerfile,containerfile}',
  '**/{dockerfile,containerfile}[.-]*',
  '**/*[._-]{dockerfile,containerfile}[.-]*',
  '**/{compose,docker-stack}.{yml,yaml}',
  '**/*[._-]{compose,docker-stack}.{yml,yaml}',
  '**/{compose,docker-stack}[._-]*.{yml,yaml}',
  '**/*[._-]{compose,docker-stack}[._-]*.{yml,yaml}',
];

/**
 * A glob that matches its letters in any case: each letter outside a `[…]` class becomes a class of its
 * two cases (`ya` → `[Yy][Aa]`). VS Code matches a document selector's pattern, and searches for a
 * `workspaceContains` glob, case-sensitively on every platform.
 */
export function anyCase(glob: string): string {
  let out = '';
  let inClass = false;
  for (const ch of glob) {
    if (inClass) {
      out += ch;
      if (ch === ']') inClass = false;
    } else if (ch === '[') {
      out += ch;
      inClass = true;
    } else out += ch.toLowerCase() !== ch.toUpperCase() ? `[${ch.toUpperCase()}${ch.toLowerCase()}]` : ch;
  }
  return out;
}

/**
 * The names the editor sends to the server and activates the extension for (client/src/selector.ts,
 * package.json `workspaceContains:`). VS Code's glob syntax: `**`, `*`, `[…]`, `{a,b}` (not nested).
 */
export const NAME_GLOBS: readonly string[] = NAME_GLOB_TEMPLATES.map(anyCase);
