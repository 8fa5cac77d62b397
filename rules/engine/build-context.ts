/**
 * The folders a Dockerfile's build context may be, for rules that look at the files COPY and ADD take
 * from it (DF015 reads whether a source is a tar archive, DF021 whether a copied `.npmrc` holds a
 * credential): the contexts of the compose services that build it, or guesses at the one context.
 */
import * as path from 'node:path';
import type { DockerfileContext } from './dockerfile';
import { composeFilesAround, servicesBuilding, servicesWithUnknownBuild } from './relations';
import { isMap, scalarString } from './compose';

/** contextCandidates' answer, a fact of the analysis' context (ctx.fact): the compose files and folders are its workspace's. */
const CANDIDATES = Symbol('contextCandidates');

/**
 * The folders a Dockerfile's build context may be: the contexts of the compose services that build it,
 * or, when none does, its own folder and the folders above it up to the repository root
 * (`docker build -f sub/Dockerfile .`). Found once per analysis (DF010, DF015 and DF021 each ask, DF010 once per glob
 * source and entrypoint script) and shared: callers do not change it.
 */
export function contextCandidates(ctx: DockerfileContext): Contexts {
  return ctx.fact(CANDIDATES, readContextCandidates);
}

function readContextCandidates(ctx: DockerfileContext): Contexts {
  // A compose service names the context: only there (a folder of the same name elsewhere says nothing: review 14, probe 05).
  const named = servicesBuilding(ctx.workspace, ctx.path, ctx.options).map((b) => b.build.context);
  const unknown = buildsWithUnknownContext(ctx);
  if (named.length > 0 || unknown) return { dirs: [...new Set(named)], every: true, unknown };
  const out: string[] = [];
  let dir = path.dirname(ctx.path);
  for (let up = 0; up <= MAX_CONTEXT_UP; up++) {
    out.push(dir);
    if (ctx.workspace.exists(path.join(dir, '.git')) || path.dirname(dir) === dir) break;
    dir = path.dirname(dir);
  }
  return { dirs: [...new Set(out)], every: false, unknown: false };
}

/**
 * Whether a compose service around the Dockerfile may build it from a context that cannot be known: its
 * `build:` does not resolve (an interpolated context or Dockerfile, `${TWO_CONTEXT:-./b}`: review 16,
 * probe 07) and the Dockerfile it names has this file's name.
 */
function buildsWithUnknownContext(ctx: DockerfileContext): boolean {
  for (const compose of composeFilesAround(ctx.workspace, [path.dirname(ctx.path)], ctx.options)) {
    for (const service of servicesWithUnknownBuild(compose)) {
      const entry = compose.serviceGet(service, 'build');
      if (!entry || !entry.value) continue;
      const named = isMap(entry.value) ? scalarString(compose.get(service.doc, entry.value, 'dockerfile')?.value) : null;
      if (named === null || named.includes('$') || path.posix.basename(named) === path.basename(ctx.path)) return true;
    }
  }
  return false;
}

/**
 * Where sources are looked up: the contexts compose services name, each a real build of the Dockerfile
 * (`every`: the source is judged in each of them; review 15, probe 08: two services, two contexts), or
 * guesses at the one context (the first folder that has the source is taken).
 */
export interface Contexts {
  readonly dirs: readonly string[];
  readonly every: boolean;
  /** A service may build it from a context that cannot be known: a source there is judged by its name alone. */
  readonly unknown: boolean;
}

const MAX_CONTEXT_UP = 4;

/** The context of an ONBUILD trigger: a child image's build context, which nothing here shows (review 39c, item 1.4). */
export const CHILD_CONTEXT: Contexts = { dirs: [], every: false, unknown: true };

/**
 * A COPY/ADD source as a path inside the build context, cleaned as BuildKit cleans it: `..` cannot leave the
 * context root (`COPY ../bin/file.go` copies `<context>/bin/file.go`: docker/docs#19500; the Dockerfile reference,
 * COPY: "The path must be inside the build context; you can't use COPY ../something"), a leading `/` or `./` is the
 * root. '' for the context root itself; backslashes read as slashes. So nothing outside the context is ever read.
 */
export function contextRelative(source: string): string {
  const trailing = /[\\/]$/.test(source) ? '/' : '';
  const clean = path.posix.normalize(`/${source.replace(/\\/g, '/')}`).slice(1).replace(/\/+$/, '');
  return clean === '' ? '' : clean + trailing;
}
