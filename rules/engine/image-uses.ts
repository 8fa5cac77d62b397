/**
 * Who else uses the image a Dockerfile builds, as the compose files around it tell (review 40b): a
 * service that runs the image without building it (`worker: { image: acme/api:dev }` beside
 * `api: { build: ./api, image: acme/api:dev }`, or a `compose.prod.yaml` that runs
 * `ghcr.io/acme/api:${TAG}`), and another Dockerfile built on it (`FROM acme/base:local` where a service
 * builds `image: acme/base:local`, or `FROM base` with `additional_contexts: { base: "service:base" }`).
 * A fix that changes what the image holds (an ENV moved out of it, the package index removed) changes
 * what they get too, and the rule that offers it reads only its own Dockerfile. The other way round,
 * `parentBuilds` gives the Dockerfile a FROM names through compose.
 *
 * Read by fixes only (never by `check`), once per analysis: the answer is kept with the analysis'
 * context of the Dockerfile (another analysis reads the other files afresh).
 */
import * as path from 'node:path';
import { scalarString, type ComposeContext, type Service } from './compose';
import type { DockerfileContext, Stage } from './dockerfile';
import { builtDockerfileOf, imageThrough, lookupKey, lookupPath, type Found } from './compose-lookup';
import { defaultMerge, mergedValue, type DefaultMerge } from './override-merge';
import { includeTree } from './include';
import { interpolate } from './interpolate';
import { additionalContextsOf, buildTargetName, composeFilesAround, defaultComposePair, namedBuildContexts, namedContextKey, otherComposeNames, parsedCompose, servicesBuilding, servicesBuildingIn, type BuildingService } from './relations';
import { listingFact } from './listing';
import { buildsOn, stageChain } from './stage-scope';
import { buildArgsOf, fromWithArgs, mergedBuiltDockerfile, type PassedArg } from './build-args';

/** A place in a name that stands for any text (a variable whose value is not known). */
const ANY = '\u0001';
/** A place that stands for any text without a `/` (the project part of Compose's default image name). */
const SEG = '\u0002';

const isWild = (c: string | undefined) => c === ANY || c === SEG;

/** Whether two names with wildcards can stand for the same text. */
function intersects(a: string, b: string): boolean {
  const seen = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    if (i === a.length && j === b.length) return true;
    const key = i * (b.length + 1) + j;
    const hit = seen.get(key);
    if (hit !== undefined) return hit;
    const ca = a[i];
    const cb = b[j];
    let r = false;
    if (i < a.length && isWild(ca)) r = go(i + 1, j) || (j < b.length && !isWild(cb) && (ca === ANY || cb !== '/') && go(i, j + 1));
    if (!r && j < b.length && isWild(cb)) r = go(i, j + 1) || (i < a.length && !isWild(ca) && (cb === ANY || ca !== '/') && go(i + 1, j));
    if (!r && i < a.length && j < b.length && !isWild(ca) && !isWild(cb)) r = ca === cb && go(i + 1, j + 1);
    seen.set(key, r);
    return r;
  };
  return go(0, 0);
}

/**
 * The repository an image name names, in the forms it is compared in: lowercased, without its tag and
 * digest (another tag of the same repository is taken for the same image: `acme/api:dev` is pushed and
 * run as `acme/api:1.4`), without a registry host (`ghcr.io/acme/api` is `acme/api` retagged for a
 * registry) and Docker Hub's `library/`. A first part that is a variable may be a registry: both forms.
 */
function repositoryForms(name: string): string[] {
  let n = name.trim().toLowerCase();
  const at = n.indexOf('@');
  if (at !== -1) n = n.slice(0, at);
  const colon = n.lastIndexOf(':');
  if (colon > n.lastIndexOf('/')) n = n.slice(0, colon);
  const parts = n.split('/');
  const forms: string[] = [];
  if (parts.length > 1 && (/[.:]/.test(parts[0]) || parts[0] === 'localhost')) forms.push(parts.slice(1).join('/'));
  else {
    forms.push(n);
    if (parts.length > 1 && [...parts[0]].some(isWild)) forms.push(parts.slice(1).join('/'));
  }
  return forms.map((f) => f.replace(/^library\//, ''));
}

function sameImage(names: readonly string[], other: string): boolean {
  const forms = repositoryForms(other);
  return names.some((n) => forms.some((o) => intersects(n, o)));
}

/**
 * A name written in a compose file, interpolated as Compose reads it with the file's `.env`; a variable
 * whose value is not known (no `.env` value and no default) stands for any text.
 */
function composeName(compose: ComposeContext, raw: string): string {
  if (!raw.includes('$')) return raw;
  const env = compose.dotenv()?.values;
  const exact = interpolate(raw, (n) => env?.get(n));
  if (exact.value !== null) return exact.value;
  const withDefault = new Set([...raw.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*):?-/g)].map((m) => m[1]));
  return interpolate(raw, (n) => env?.get(n) ?? (withDefault.has(n) ? undefined : ANY)).value ?? ANY;
}

/**
 * The image a building service names as what `docker compose push` publishes: its `image:` (through `extends:`) when
 * that names a registry host or a Docker Hub namespace (a `/` in the name as Compose reads it with the `.env`), or
 * when a variable that is not known may (`${IMAGE}`); undefined for a local name (`api:dev`, which push would send
 * to `docker.io/library/api`, where nobody may push) or none, 'unknown' when a base cannot be read
 * (https://docs.docker.com/reference/cli/docker/compose/push/: "Pushes images for services to their respective
 * registry/repository", with the `build: .` + `image: your-dockerid/yourimage` example; review 55c, F2).
 */
export function pushedImage(b: BuildingService): string | undefined | 'unknown' {
  // The image `docker compose push` reads with the default override merged (compose.override.yaml may name it, or build the
  // service compose.yaml names it for), then the file's own, which `docker compose -f compose.yaml push` reads (review56b, F1).
  const m = defaultMerge(b.compose, b.service);
  const images = m ? [mergedImage(m), imageThrough(b.compose, b.service)] : [imageThrough(b.compose, b.service), ...extendingOverrideImage(b)];
  for (const image of images) {
    if (image === 'unknown') return 'unknown';
    if (!image) continue;
    const name = composeName(image.found.ctx, image.raw);
    if (name.includes('/') || [...name].some(isWild)) return image.raw;
  }
  return undefined;
}

/**
 * The `image:` the default override gives a service of the default file when defaultMerge leaves the pair out because the
 * override's service `extends:` another: compose-go resolves `extends:` within each file before it merges the override
 * (loader.go, loadYamlFile: ApplyExtends, then override.Merge), so the image the override's service gets through it wins
 * (review57, F3). None when the file is not the default one, there is no override or it does not name the service.
 */
function extendingOverrideImage(b: BuildingService): ReturnType<typeof imageThrough>[] {
  const pair = defaultComposePair(b.compose.workspace, b.compose.dir);
  if (pair.main !== b.compose.path || !pair.override) return [];
  const over = parsedCompose(b.compose.workspace, pair.override, b.compose.options);
  const service = over?.services.find((s) => s.name === b.service.name);
  return over && service ? [imageThrough(over, service)] : [];
}

/**
 * The compose files the `.env` beside a compose file names in `COMPOSE_FILE` (split by `COMPOSE_PATH_SEPARATOR`, else `:`),
 * which `docker compose` loads instead of the default files (https://docs.docker.com/compose/how-tos/environment-variables/envvars/:
 * the pre-defined variables may be set in the `.env` file), as paths; undefined when it names none (review56b, F4).
 */
export function composeFileNames(compose: ComposeContext): string[] | undefined {
  const values = compose.dotenv()?.values;
  const listed = values?.get('COMPOSE_FILE');
  if (!listed) return undefined;
  return listed.split(values?.get('COMPOSE_PATH_SEPARATOR') || ':').filter((f) => f !== '').map((f) => path.resolve(compose.dir, f));
}

/**
 * A compose file that `docker compose` may merge with a building service's file, or use to build the same Dockerfile,
 * and that the rules do not read with it (composeFilesAround reads the default files and what they include): one that
 * the `.env` beside the file names in `COMPOSE_FILE` (split by `COMPOSE_PATH_SEPARATOR`, else `:`), other than the
 * file and its default override — Compose reads its pre-defined variables from that `.env`
 * (https://docs.docker.com/compose/how-tos/environment-variables/envvars/) —, or another file named as a compose file
 * in its folder (read only with `-f`: `compose.prod.yaml`) that builds the Dockerfile or defines a service of the same
 * name (`docker compose -f compose.yaml -f compose.prod.yaml` merges services by name: Compose Specification, Merge).
 * Its path; undefined when none (review57, F3).
 */
export function composeFileNotRead(b: BuildingService, dockerfilePath: string): string | undefined {
  const compose = b.compose;
  const named = composeFileNames(compose);
  if (named) {
    const pair = defaultComposePair(compose.workspace, compose.dir);
    const other = named.find((f) => f !== compose.path && f !== pair.main && f !== pair.override);
    if (other !== undefined) return other;
  }
  const names = compose.workspace.listDir?.(compose.dir);
  for (const name of names ? listingFact(names, otherComposeNames) : []) {
    const file = path.join(compose.dir, name);
    if (file === compose.path) continue;
    const other = parsedCompose(compose.workspace, file, compose.options);
    if (!other) continue;
    if (other.services.some((s) => s.name === b.service.name) || servicesBuildingIn(other, 'dockerfile', dockerfilePath).length > 0) return file;
  }
  return undefined;
}

/** The `image:` of a service as the default override pair merges it (mergedValue: the override's, else the base's through `extends:`). */
function mergedImage(m: DefaultMerge): { raw: string; found: Found } | undefined | 'unknown' {
  const { found } = mergedValue(m, ['image']);
  if (found === 'unknown' || !found) return found;
  const raw = scalarString(found.entry.value);
  return raw === null ? undefined : { raw, found };
}

/** The names of the image a building service makes: its `image:` (through `extends:`), else Compose's `<project>-<service>`; 'unknown' when a base cannot be read. */
function builtImageNames(b: BuildingService): string[] | 'unknown' {
  const image = imageThrough(b.compose, b.service);
  if (image === 'unknown') return 'unknown';
  if (image) return repositoryForms(composeName(image.found.ctx, image.raw));
  return repositoryForms(`${SEG}-${b.service.name}`);
}

/**
 * The build args a service passes, read as DC004 and the base image of a build read them (build-args.ts,
 * buildArgsOf: map and list forms, a name without a value taken from the `.env`, `<<` merges, `extends:` and the
 * default override), with a value that is not known standing for any text where it is written with variables
 * (`${REGISTRY}/base:local`); null when the build may pass others that are not read (all variables stand for any text).
 */
function passedArgs(compose: ComposeContext, service: Service): Map<string, PassedArg> | null {
  const passed = buildArgsOf(compose, service);
  if (passed.unknown) return null;
  const out = new Map<string, PassedArg>();
  for (const [name, a] of passed.args) out.set(name, a.given && a.value === null ? { ...a, value: a.entry.value === null ? ANY : composeName(a.ctx, a.entry.value) } : a);
  return out;
}

/**
 * The image a stage's FROM names, as written with its variables replaced: by the build arguments the
 * service gives (`args: { BASE: acme/base:local }`), else by the Dockerfile's global ARG defaults, as
 * fromWithArgs reads them; a variable with neither, a value not known (or `args` that cannot be read)
 * stands for any text.
 */
function fromName(dockerfile: DockerfileContext, stage: Stage, args: ReadonlyMap<string, PassedArg> | null): string | null {
  const raw = stage.from.getImage();
  if (!raw) return null;
  if (!raw.includes('$')) return raw;
  // A name longer than MAX_EXPANDED_LENGTH is not built: any text (review 41a, F7).
  return fromWithArgs(dockerfile, raw, args ?? new Map(), { more: args === null, unknownAs: ANY }).text;
}

/** The images the FROM lines of an inline Dockerfile (`dockerfile_inline:`) name, variables standing for any text. */
function inlineFromNames(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^[ \t]*from[ \t]+(?:--\S+[ \t]+)*(\S+)/gim)) out.push(m[1].replace(/\$(?:\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*)/g, ANY));
  return out;
}

export interface ServiceRef {
  compose: ComposeContext;
  service: Service;
}

export interface ImageUses {
  /** Services that run the image without building it. */
  runs: ServiceRef[];
  /** Services whose build is based on the image: a FROM of the Dockerfile they build, or `additional_contexts: { …: "service:<name>" }`. */
  builtOn: ServiceRef[];
  /**
   * Something that may be either could not be read: the folder of a compose file that cannot be listed,
   * an `extends:` that cannot be read, a build whose Dockerfile is not in the workspace (a remote context).
   */
  unknown: boolean;
}

interface ServiceUses extends ImageUses {
  building: BuildingService;
}

/** Other compose files of a folder that are run with `-f` (`compose.prod.yaml`, `docker-compose.ci.yml`, `docker-compose-dev.yml`). */
const OTHER_COMPOSE_FILE = /^(?:docker-)?compose[.-][^/]*\.ya?ml$/i;

/**
 * The compose files read for the uses: those the engine reads around the Dockerfile (composeFilesAround),
 * and the other compose files in the folder of each compose file that builds it, with what they include.
 * `unknown` when such a folder cannot be listed.
 */
function composeFilesToRead(ctx: DockerfileContext, building: readonly BuildingService[]): { files: ComposeContext[]; unknown: boolean } {
  const files = [...composeFilesAround(ctx.workspace, [path.dirname(ctx.path)], ctx.options)];
  const seen = new Set(files.map((f) => f.path));
  const add = (c: ComposeContext) => {
    if (seen.has(c.path)) return;
    seen.add(c.path);
    files.push(c);
  };
  let unknown = false;
  for (const dir of new Set(building.map((b) => b.compose.dir))) {
    const names = ctx.workspace.listDir?.(dir);
    if (!names) {
      unknown = true;
      continue;
    }
    for (const name of names.filter((n) => OTHER_COMPOSE_FILE.test(n)).sort()) {
      const other = parsedCompose(ctx.workspace, path.join(dir, name), ctx.options);
      if (!other) continue;
      add(other);
      for (const { ctx: included } of includeTree(other, ctx.workspace)) add(included);
    }
  }
  return { files, unknown };
}

/** Whether a service is the building service itself as Compose merges it: the same name in the default file and the override of its folder. */
function mergedWithBuilding(ctx: DockerfileContext, f: ComposeContext, s: Service, building: readonly BuildingService[]): boolean {
  return building.some((b) => {
    if (b.service.name !== s.name || b.compose.dir !== f.dir) return false;
    const pair = defaultComposePair(ctx.workspace, f.dir);
    const inPair = (p: string) => p === pair.main || p === pair.override;
    return inPair(f.path) && inPair(b.compose.path);
  });
}

/** Whether a service that builds is based on the image of `b`: true, false, or 'unknown' when what it builds cannot be read. */
function buildsOnImage(ctx: DockerfileContext, f: ComposeContext, s: Service, b: BuildingService, names: readonly string[] | 'unknown'): boolean | 'unknown' {
  const contexts = additionalContextsOf(f, s);
  for (const value of contexts.values()) {
    const v = value.trim();
    if (v.startsWith('service:') && v.slice('service:'.length).trim() === b.service.name) return true;
    if (v.startsWith('docker-image://') && names !== 'unknown' && sameImage(names, v.slice('docker-image://'.length))) return true;
  }
  if (names === 'unknown') return 'unknown';
  const built = mergedBuiltDockerfile(f, s);
  if (!built) {
    const inline = lookupPath(f, s, ['build', 'dockerfile_inline']);
    const text = inline && inline !== 'unknown' ? scalarString(inline.entry.value) : null;
    if (text === null) return 'unknown';
    return inlineFromNames(text).some((n) => sameImage(names, n));
  }
  if (built.dockerfile.path === ctx.path) return false;
  const args = passedArgs(f, s);
  for (const stage of built.dockerfile.stages) {
    if (stage.base.kind === 'stage' || stage.base.kind === 'scratch') continue;
    const written = fromName(built.dockerfile, stage, args);
    if (written === null) continue;
    // A name the build gives as a context is that context (judged above), not an image.
    if (contexts.has(namedContextKey(written))) continue;
    if (sameImage(names, written)) return true;
  }
  return false;
}

function usesOf(ctx: DockerfileContext, b: BuildingService, building: readonly BuildingService[], files: readonly ComposeContext[], unlisted: boolean): ServiceUses {
  const names = builtImageNames(b);
  const out: ServiceUses = { building: b, runs: [], builtOn: [], unknown: unlisted || names === 'unknown' };
  for (const f of files) {
    for (const s of f.services) {
      if (building.some((o) => o.compose.path === f.path && o.service.name === s.name)) continue;
      const build = lookupKey(f, s, 'build');
      if (build === 'unknown') {
        out.unknown = true;
        continue;
      }
      if (build) {
        const on = buildsOnImage(ctx, f, s, b, names);
        if (on === 'unknown') out.unknown = true;
        else if (on) out.builtOn.push({ compose: f, service: s });
        continue;
      }
      if (mergedWithBuilding(ctx, f, s, building)) continue;
      const image = imageThrough(f, s);
      if (image === 'unknown') out.unknown = true;
      else if (image && names !== 'unknown' && sameImage(names, composeName(image.found.ctx, image.raw))) out.runs.push({ compose: f, service: s });
    }
  }
  return out;
}

const usesMemo = new WeakMap<DockerfileContext, ServiceUses[]>();

/** Whether the image a service builds holds a stage: its target (the final stage without one) is the stage or is built on it; a target whose name is not known may. */
export function imageHolds(ctx: DockerfileContext, b: BuildingService, stage: Stage): boolean {
  const name = buildTargetName(b);
  if (name === null) return true;
  const target = name === undefined ? ctx.finalStage : ctx.stages.find((s) => s.name === name);
  return !!target && buildsOn(target, stage);
}

/**
 * The uses of the images that hold `stage`, of every compose service that builds the Dockerfile (with
 * its target) in the compose files around it. A Dockerfile no compose service builds has none that
 * compose shows (its image is named outside them).
 */
export function imageUses(ctx: DockerfileContext, stage: Stage): ImageUses {
  let all = usesMemo.get(ctx);
  if (!all) {
    const building = servicesBuilding(ctx.workspace, ctx.path, ctx.options);
    if (building.length === 0) all = [];
    else {
      const { files, unknown } = composeFilesToRead(ctx, building);
      all = building.map((b) => usesOf(ctx, b, building, files, unknown));
    }
    usesMemo.set(ctx, all);
  }
  const out: ImageUses = { runs: [], builtOn: [], unknown: false };
  for (const u of all) {
    if (!imageHolds(ctx, u.building, stage)) continue;
    out.runs.push(...u.runs);
    out.builtOn.push(...u.builtOn);
    out.unknown ||= u.unknown;
  }
  return out;
}

/**
 * The builds a stage's base image comes from through compose, followed through the stages it builds on
 * to its first FROM: a build context the services that build this Dockerfile give under the FROM's name
 * (`additional_contexts: { base: "service:base" }`), else a service of the compose files around it that
 * builds an image of the FROM's name (`FROM acme/base:local` and `image: acme/base:local`), each as the
 * Dockerfile it builds and the stage its image ends with. 'unknown' when such a Dockerfile cannot be read.
 */
export function parentBuilds(ctx: DockerfileContext, stage: Stage): { dockerfile: DockerfileContext; stage: Stage }[] | 'unknown' {
  const chain = stageChain(stage);
  const root = chain[chain.length - 1];
  if (root.base.kind === 'scratch' || root.base.kind === 'stage') return [];
  const written = root.base.kind === 'image' ? root.base.ref.text : fromName(ctx, root, null);
  if (written === null) return [];
  const files = composeFilesAround(ctx.workspace, [path.dirname(ctx.path)], ctx.options);
  const out: { dockerfile: DockerfileContext; stage: Stage }[] = [];
  let unknown = false;
  const take = (compose: ComposeContext, service: Service) => {
    const built = builtDockerfileOf(compose, service);
    if (!built) {
      unknown = true;
      return;
    }
    if (built.dockerfile.path === ctx.path) return;
    const name = buildTargetName({ compose, service, build: built.build });
    if (name === null) {
      unknown = true;
      return;
    }
    const end = name === undefined ? built.dockerfile.finalStage : built.dockerfile.stages.find((s) => s.name === name);
    if (end) out.push({ dockerfile: built.dockerfile, stage: end });
  };
  const contexts = namedBuildContexts(ctx.workspace, ctx.path, ctx.options).get(namedContextKey(written));
  if (contexts) {
    for (const v of contexts) {
      const m = /^service:(.+)$/.exec(v.trim());
      if (!m) continue;
      for (const f of files) for (const s of f.services) if (s.name === m[1].trim() && lookupKey(f, s, 'build')) take(f, s);
    }
    return unknown ? 'unknown' : out;
  }
  for (const f of files) {
    for (const s of f.services) {
      const build = lookupKey(f, s, 'build');
      if (!build || build === 'unknown') continue;
      const image = imageThrough(f, s);
      if (!image || image === 'unknown') continue;
      if (sameImage(repositoryForms(composeName(image.found.ctx, image.raw)), written)) take(f, s);
    }
  }
  return unknown ? 'unknown' : out;
}
