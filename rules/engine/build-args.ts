/**
 * The build arguments (`build.args`) a compose service passes to the Dockerfile it builds, and the image
 * a FROM of that Dockerfile names with them (review 43d, item 6). `docker compose build` passes each arg
 * as `--build-arg`, which overrides the default of the Dockerfile's global `ARG` of that name (one
 * declared before the first FROM: only those are visible to a FROM). So `ARG NODE_VERSION=22` /
 * `FROM node:${NODE_VERSION}-alpine` built with `args: { NODE_VERSION: "16" }` pulls node:16-alpine.
 * https://docs.docker.com/reference/compose-file/build/#args,
 * https://docs.docker.com/reference/dockerfile/#understand-how-arg-and-from-interact
 */
import * as path from 'node:path';
import { isMap, isSeq } from './yaml-guards';
import { type ComposeContext, type EnvVar, type Service } from './compose';
import { builtDockerfileOf, extendsChain, lookupKey, type ExtendsLevel } from './compose-lookup';
import { interpolateWithDotenv } from './compose-values';
import type { DockerfileContext } from './dockerfile';
import { MAX_EXPANDED_LENGTH } from './expansion';
import { includeTree } from './include';
import { defaultMerge, mergedServiceGone, overrideAt } from './override-merge';
import { composeFilesAround, parsedCompose, type BuildInfo } from './relations';
import { repositoryRoot } from './repo';

export interface PassedArg {
  name: string;
  /**
   * Compose passes the arg: written with a value (`NAME=…`, `NAME: …`; interpolated, an unset variable without a
   * default is an empty string), or written without one (`- NAME`, `NAME:`, `NAME: null`) and the `.env` of the
   * project sets NAME: Compose resolves such an arg from the project's environment, which holds the `.env`
   * (docker/compose pkg/compose/build.go, toBuildOptions: `flatten(service.Build.Args.Resolve(envResolver(
   * project.Environment)))`). Not given: written without a value and not in the `.env`: Compose passes the value
   * of its own environment, or nothing when that has none (the Dockerfile's default is used then) — which of
   * the two is not known here (as a `${NAME}` that the `.env` does not set is not known).
   */
  given: boolean;
  /** The value Compose passes, interpolated with the `.env` of the compose file; null when not given or a variable in it is unknown. */
  value: string | null;
  /** The value is written literally (no interpolation, not taken from the `.env`). */
  literal: boolean;
  /** The file and service it is written in (an `extends:` base, or the default override merged over the service). */
  ctx: ComposeContext;
  service: Service;
  entry: EnvVar;
}

export interface ServiceBuildArgs {
  /** By name, as Compose merges them: the nearest `extends:` level wins, the default override wins over the default file. */
  args: Map<string, PassedArg>;
  /** Something may pass more: an `args:` that is neither a mapping nor a list, a base that cannot be read, an override tag (`!reset`). */
  unknown: boolean;
}

/** The `build.args` one service writes itself: undefined when none, 'unknown' when they cannot be read. */
function writtenArgs(ctx: ComposeContext, service: Service): EnvVar[] | 'unknown' | undefined {
  const build = ctx.serviceGet(service, 'build');
  if (!build || !build.value || !isMap(build.value)) return undefined;
  const args = ctx.get(service.doc, build.value, 'args');
  if (!args || !args.value) return undefined;
  if (!isMap(args.value) && !isSeq(args.value)) return 'unknown';
  // A `<<` merge key's entries included (`args: { <<: *common, B: 2 }`): the shared reading of a mapping of variables.
  return ctx.environmentEntries(service.doc, args.value, build.shared || args.shared);
}

/** An arg as Compose passes it: its written value interpolated, or the `.env`'s value of its name when written without one. */
function passedArg(ctx: ComposeContext, service: Service, entry: EnvVar): PassedArg {
  if (entry.value !== null) {
    const read = interpolateWithDotenv(ctx, entry.value);
    return { name: entry.name, given: true, value: read.value, literal: read.literal, ctx, service, entry };
  }
  const env = ctx.dotenv()?.values;
  const given = env?.has(entry.name) ?? false;
  return { name: entry.name, given, value: given ? (env!.get(entry.name) ?? null) : null, literal: false, ctx, service, entry };
}

function addLevels(out: ServiceBuildArgs, levels: readonly ExtendsLevel[]): void {
  // The farthest base first: a nearer level's value wins (Compose merges `build` key by key, `args` by name).
  for (let i = levels.length - 1; i >= 0; i--) {
    const { ctx, service } = levels[i];
    const vars = writtenArgs(ctx, service);
    if (vars === 'unknown') out.unknown = true;
    if (!vars || vars === 'unknown') continue;
    for (const entry of vars) out.args.set(entry.name, passedArg(ctx, service, entry));
  }
}

/**
 * The build args a service passes as Compose merges it: through `extends:` and with the default
 * override file (`compose.override.yaml`) beside the default file. Once per service and analysis.
 */
export function buildArgsOf(ctx: ComposeContext, service: Service): ServiceBuildArgs {
  return ctx.memo(service.map, 'build-args', () => {
    const out: ServiceBuildArgs = { args: new Map(), unknown: false };
    const m = defaultMerge(ctx, service);
    const own = extendsChain(ctx, service);
    if (m?.inOverride) {
      const base = extendsChain(m.base.ctx, m.base.service);
      out.unknown ||= base.unknown;
      addLevels(out, base.chain);
    }
    out.unknown ||= own.unknown;
    addLevels(out, own.chain);
    if (m && !m.inOverride) {
      if (mergedServiceGone(m)) out.unknown = true;
      else addLevels(out, [m.over]);
    }
    // A `!reset`/`!override` on build or args drops what the default file passes.
    if (m && (m.whole || overrideAt(m, ['build'])?.drops || overrideAt(m, ['build', 'args'])?.drops)) out.unknown = true;
    return out;
  });
}

/**
 * The Dockerfile a service builds as Compose merges it: a service of the default override that writes
 * `build:` without a context or Dockerfile (only `args:`, a `target:`) builds what the default file's
 * service names.
 */
export function mergedBuiltDockerfile(ctx: ComposeContext, service: Service): { build: BuildInfo; dockerfile: DockerfileContext } | undefined {
  const m = defaultMerge(ctx, service);
  if (m?.inOverride) {
    const value = ctx.serviceGet(service, 'build')?.value;
    const where = value && isMap(value) ? ['context', 'dockerfile', 'dockerfile_inline'].some((k) => ctx.get(service.doc, value, k)) : value !== undefined;
    if (!where) return builtDockerfileOf(m.base.ctx, m.base.service);
  }
  return builtDockerfileOf(ctx, service);
}

// ---- a FROM with the args -----------------------------------------------------------------------

/** The raw defaults of the Dockerfile's global ARGs (declared before the first FROM), by name; null for an ARG without a default. */
const globalDefaults = new WeakMap<object, Map<string, string | null>>();

function rawGlobalArgs(dockerfile: DockerfileContext): Map<string, string | null> {
  let hit = globalDefaults.get(dockerfile.ast);
  if (!hit) {
    hit = new Map();
    for (const arg of dockerfile.ast.getInitialARGs()) {
      const prop = arg.getProperty();
      if (prop) hit.set(prop.getName(), prop.getValue());
    }
    globalDefaults.set(dockerfile.ast, hit);
  }
  return hit;
}

const VARIABLE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

export interface FromWithArgs {
  /** The image text the FROM names for this build; null when a value it needs is not known (never with `unknownAs`). */
  text: string | null;
  /** The args passed (given) that the FROM reads, directly or through the default of another global ARG, in order. */
  used: PassedArg[];
}

export interface FromReading {
  /** The build may pass args that `args` does not hold (ServiceBuildArgs.unknown): a global ARG not in it is not known. */
  more?: boolean;
  /** Text that stands for a variable whose value is not known (image-uses' wildcard), instead of the whole text being unknown. */
  unknownAs?: string;
}

/**
 * The image text a FROM names when a build passes `args`: each global ARG it reads takes the value
 * passed, else its default (which may read other global ARGs, passed or not). A passed value, even an
 * empty one, replaces the default (BuildKit's dockerfile2llb sets a meta-arg to the build arg's value
 * whenever the build passes one). A variable that is no global ARG, or one without a value, is unknown (as
 * `resolveGlobal`); so is a value passed but not known, and an arg written without a value that the `.env`
 * does not set (Compose's environment may pass one: PassedArg.given).
 */
export function fromWithArgs(dockerfile: DockerfileContext, raw: string, args: ReadonlyMap<string, PassedArg>, opts: FromReading = {}): FromWithArgs {
  const globals = rawGlobalArgs(dockerfile);
  const wild = opts.unknownAs;
  const used: PassedArg[] = [];
  let unknown = false;
  let length = raw.length;
  const resolve = (text: string, depth: number): string => {
    if (!text.includes('$')) return text;
    return text.replace(VARIABLE, (m: string, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
      if (unknown) return '';
      const name = (braced ?? bare)!;
      /** undefined: unset; null: not known. */
      let v: string | null | undefined;
      if (globals.has(name)) {
        const passed = args.get(name);
        if (passed?.given) {
          if (!used.includes(passed)) used.push(passed);
          v = passed.value;
        } else if (passed || opts.more) {
          v = null;
        } else {
          const d = globals.get(name);
          v = d === null || d === undefined ? undefined : depth < 4 ? resolve(d, depth + 1) : d.includes('$') ? null : d;
        }
      }
      let r: string;
      if (v === null || (v === undefined && !op)) {
        // Not known, or a variable the FROM cannot see (no global ARG, or one without a default): unknown.
        if (wild === undefined) {
          unknown = true;
          return '';
        }
        r = wild;
      } else {
        const set = v !== undefined;
        const empty = !set || v === '';
        if (op === ':-' || op === '-') r = (op === ':-' ? empty : !set) ? resolve(word ?? '', depth + 1) : v!;
        else if (op === ':+' || op === '+') r = (op === ':+' ? !empty : set) ? resolve(word ?? '', depth + 1) : '';
        else r = v!;
      }
      length += r.length - m.length;
      if (length > MAX_EXPANDED_LENGTH) unknown = true;
      return r;
    });
  };
  const text = resolve(raw, 0);
  return { text: unknown ? (wild ?? null) : text, used };
}

/** The names of the global ARGs a FROM reads, directly or through their defaults. */
export function globalArgsRead(dockerfile: DockerfileContext, raw: string): Set<string> {
  const globals = rawGlobalArgs(dockerfile);
  const out = new Set<string>();
  const walk = (text: string, depth: number) => {
    for (const m of text.matchAll(VARIABLE)) {
      const name = (m[1] ?? m[4])!;
      if (m[3]) walk(m[3], depth + 1);
      if (!globals.has(name) || out.has(name)) continue;
      out.add(name);
      const d = globals.get(name);
      if (d && depth < 4) walk(d, depth + 1);
    }
  };
  walk(raw, 0);
  return out;
}

// ---- who builds a Dockerfile --------------------------------------------------------------------

/** Other compose files of a folder that are run with `-f` (`compose.prod.yaml`, `docker-compose.ci.yml`). */
const OTHER_COMPOSE_FILE = /^(?:docker-)?compose[.-][^/]*\.ya?ml$/i;

export interface ComposeBuilder {
  compose: ComposeContext;
  service: Service;
  args: ServiceBuildArgs;
}

/**
 * The compose services that build a Dockerfile, as Compose merges them (extends, the default override),
 * in the compose files around it (composeFilesAround) and the other compose files of their folders
 * (`compose.prod.yaml`, run with `-f`), with the args each passes. 'unknown' when a service's build
 * cannot be read (an `extends:` that cannot be followed) or such a folder cannot be listed.
 */
export function composeBuilders(dockerfile: DockerfileContext): ComposeBuilder[] | 'unknown' {
  const files = [...composeFilesAround(dockerfile.workspace, [path.dirname(dockerfile.path)], dockerfile.options)];
  const seen = new Set(files.map((f) => f.path));
  const out: ComposeBuilder[] = [];
  const dirs = new Set<string>();
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    for (const service of f.services) {
      const build = lookupKey(f, service, 'build');
      if (build === 'unknown') return 'unknown';
      if (!build) continue;
      if (mergedBuiltDockerfile(f, service)?.dockerfile.path !== dockerfile.path) continue;
      out.push({ compose: f, service, args: buildArgsOf(f, service) });
      if (!dirs.has(f.dir)) {
        dirs.add(f.dir);
        const names = dockerfile.workspace.listDir?.(f.dir);
        if (!names) return 'unknown';
        for (const name of names.filter((n) => OTHER_COMPOSE_FILE.test(n)).sort()) {
          const p = path.join(f.dir, name);
          if (seen.has(p)) continue;
          const other = parsedCompose(dockerfile.workspace, p, dockerfile.options);
          if (!other) continue;
          for (const c of [other, ...includeTree(other, dockerfile.workspace).map((t) => t.ctx)]) {
            if (seen.has(c.path)) continue;
            seen.add(c.path);
            files.push(c);
          }
        }
      }
    }
  }
  return out;
}

// ---- builds outside compose ---------------------------------------------------------------------

/** Files that build images outside compose: CI configurations, Makefiles, bake files. */
const BUILD_FILES = ['Makefile', 'makefile', 'GNUmakefile', 'Jenkinsfile', '.gitlab-ci.yml', '.travis.yml', '.drone.yml', 'bitbucket-pipelines.yml', 'azure-pipelines.yml', 'cloudbuild.yaml', 'cloudbuild.yml', '.circleci/config.yml', 'docker-bake.hcl', 'docker-bake.json', 'docker-bake.override.hcl', 'skaffold.yaml'];
/** What in such a file builds an image (a bake or skaffold file does by being there). */
const BUILDS_AN_IMAGE = /\b(?:docker|podman|nerdctl)\s+(?:image\s+)?build\b|\bbuildx\b|build-push-action|\bbake\b|\bkaniko\b|\bbuildah\b|docker-bake/i;

/**
 * A file near a Dockerfile that may build it without compose (and so without the args compose passes):
 * a CI configuration or Makefile that runs `docker build`/`buildx`/bake, a bake or skaffold file, in the
 * Dockerfile's folder and each folder above it up to the repository's root (three above without one).
 * Its path relative to the Dockerfile's folder, or undefined when none is seen.
 */
export function buildOutsideCompose(dockerfile: DockerfileContext): string | undefined {
  const ws = dockerfile.workspace;
  const start = path.dirname(dockerfile.path);
  const root = repositoryRoot(ws, start);
  let dir = start;
  for (let depth = 0; depth < 16; depth++) {
    const candidates = BUILD_FILES.map((n) => path.join(dir, n));
    const workflows = path.join(dir, '.github', 'workflows');
    for (const n of ws.listDir?.(workflows) ?? []) if (/\.ya?ml$/i.test(n)) candidates.push(path.join(workflows, n));
    for (const p of candidates) {
      const text = ws.readText(p);
      if (text !== undefined && (/docker-bake|skaffold/.test(path.basename(p)) || BUILDS_AN_IMAGE.test(text))) return path.relative(start, p).split(path.sep).join('/');
    }
    const parent = path.dirname(dir);
    if (dir === root || parent === dir || (root === null && depth >= 3)) break;
    dir = parent;
  }
  return undefined;
}
