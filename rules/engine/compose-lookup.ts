/**
 * Reading a service's effective settings for the "missing setting" rules: a key written in the
 * service, inherited through `<<` merges (ComposeContext.get) or through `extends:` (same file or
 * another compose file of the workspace), nested keys such as `deploy.resources.limits.memory`,
 * scalar values after interpolation, and the `security_opt` entries as Docker splits them.
 */
import * as path from 'node:path';
import { type Document, type Node, type Scalar, type YAMLMap } from 'yaml';
import { isAlias, isMap, isScalar, isSeq } from './yaml-guards';
import { scalarString, type ComposeContext, type Entry, type Service } from './compose';
import { fileKindIn, fileKindOf } from './analyze';
import { hostNetworkEntries } from './host-network';
import { resolveScalar, type ServiceImage } from './compose-values';
import type { DockerfileContext, Stage } from './dockerfile';
import { ServiceEnv, type EnvLookup } from './env-files';
import { parseImageRef, type ImageRef } from './image';
import { isExtendedBase, isIncluded } from './include';
import { interpolate } from './interpolate';
import { commandRuns, commandValue, type CommandValue, type EffectiveArgs } from './service-command';
import { buildOf, DEFAULT_COMPOSE_NAMES, defaultComposeFiles, parsedCompose, parsedDockerfile, type BuildInfo } from './relations';
import type { Range, RuleOptions, WorkspaceView } from './types';
import { defaultMerge, mergedCommands, mergedValue } from './override-merge';
import { defaultPairPartner } from './override-top-level';

/** How many `extends:` hops are followed before the answer is "unknown" (compose-go sets no bound; each hop is one memoized parse, and real chains are two or three files: review 41a, item 7). */
const MAX_EXTENDS = 16;

export interface Found {
  entry: Entry;
  /** The file the entry was found in (another compose file for `extends: {file: …}`). */
  ctx: ComposeContext;
  /** The service the entry was found in. */
  service: Service;
  /** The entry came from a service this one `extends:`. */
  inherited: boolean;
}

/** A lookup result: found, absent, or unknown (an `extends:` that cannot be read). */
export type Lookup = Found | undefined | 'unknown';

/** A scalar's text after interpolation with the compose file's `.env`: undefined when not a scalar, null when unknown. */
export function resolvedScalar(ctx: ComposeContext, node: Node | null | undefined): string | null | undefined {
  if (!node || !isScalar(node)) return undefined;
  const raw = scalarString(node);
  if (raw === null) return undefined;
  if (!raw.includes('$')) return raw;
  const env = ctx.dotenv()?.values;
  return interpolate(raw, (n) => env?.get(n)).value;
}

/** The service a service `extends:`, or 'unknown' when it cannot be read, or undefined when there is none. */
export function extendedService(ctx: ComposeContext, service: Service): { ctx: ComposeContext; service: Service } | undefined | 'unknown' {
  const ext = ctx.serviceGet(service, 'extends');
  if (!ext || !ext.value) return undefined;
  let name: string | null | undefined;
  let file: string | null | undefined = undefined;
  if (isScalar(ext.value)) name = resolvedScalar(ctx, ext.value);
  else if (isMap(ext.value)) {
    name = resolvedScalar(ctx, ctx.get(service.doc, ext.value, 'service')?.value);
    const f = ctx.get(service.doc, ext.value, 'file');
    if (f) file = resolvedScalar(ctx, f.value);
  } else return 'unknown';
  if (!name || file === null) return 'unknown';
  let target = ctx;
  if (file !== undefined) {
    const p = path.resolve(ctx.projectDir, file);
    const other = parsedCompose(ctx.workspace, p, ctx.options);
    if (!other) return 'unknown';
    // Interpolated with the extending project's `.env`; one per analysis, shared by the rules that ask.
    target = ctx.memo(ctx, `extends\u0000${p}`, () => other.asExtendedFrom(ctx));
  }
  const base = target.servicesNamed(name)[0];
  if (!base || (target === ctx && base === service)) return 'unknown';
  return { ctx: target, service: base };
}

/** A service in an `extends:` chain, with the compose file it is written in. */
export interface ExtendsLevel {
  ctx: ComposeContext;
  service: Service;
}

/**
 * Whether a service that `extends:` another is where its judged settings are written, so a finding on
 * them belongs here rather than on the base (which is reported itself): a base in a file not analyzed
 * itself, one of `keys` (what decides the finding: image, command…) written in the service, or one of
 * the variables `names` written in its own environment. True for a service without `extends:`.
 */
export function judgedWhereWritten(ctx: ComposeContext, service: Service, keys: readonly string[], names: readonly string[], env: { written(name: string): unknown }): boolean {
  if (!ctx.serviceGet(service, 'extends')) return true;
  // A base in a file that is not analyzed itself is judged here.
  if (extendsChain(ctx, service).chain.slice(1).some((l) => !isAnalyzedBase(ctx, l))) return true;
  if (keys.some((k) => ctx.serviceGet(service, k))) return true;
  return names.some((n) => env.written(n) !== undefined);
}

/** Where a server's finding stands when no setting of its own is at fault: its command, entrypoint, image or build (null: none written). */
export function serverEntryRange(ctx: ComposeContext, service: Service): Range | null {
  const entry = ctx.serviceGet(service, 'command') ?? ctx.serviceGet(service, 'entrypoint') ?? ctx.serviceGet(service, 'image') ?? ctx.serviceGet(service, 'build');
  return entry ? (entry.own ? ctx.rangeOfPair(entry.pair) : ctx.rangeOf(entry.reportNode)) : null;
}

/**
 * The service and the services it extends, nearest first (the service itself is the first). `unknown`
 * is set when a hop cannot be read (another file not in the workspace, a variable, a loop) or the chain
 * is longer than MAX_EXTENDS: then a setting not found in the chain may still be inherited.
 */
export function extendsChain(ctx: ComposeContext, service: Service): { chain: ExtendsLevel[]; unknown: boolean } {
  // Once per service and analysis (the capability, volume, build and Redis rules all ask; callers do
  // not change it). The chain reads other files, so it lives with this analysis' context, no longer.
  return ctx.memoWith(service.nameNode, 'extendsChain', service, computeExtendsChain);
}

function computeExtendsChain(ctx: ComposeContext, service: Service): { chain: ExtendsLevel[]; unknown: boolean } {
  const chain: ExtendsLevel[] = [{ ctx, service }];
  for (let hops = 0; ; hops++) {
    const cur = chain[chain.length - 1];
    const base = extendedService(cur.ctx, cur.service);
    if (base === undefined) return { chain, unknown: false };
    if (base === 'unknown' || hops >= MAX_EXTENDS || chain.some((l) => l.service === base.service)) return { chain, unknown: true };
    chain.push(base);
  }
}

/**
 * Whether a base service is checked where it is written: in the same file, or in a file the extension
 * and the CLI analyze (a compose file by name, a YAML file a compose file includes, or one a default
 * compose file's services extend: include.ts isExtendedBase). A base in a file they do not analyze
 * (`extends: {file: common-services.yml}` only from `compose.dev.yaml`) is checked nowhere else, so a
 * cause inherited from it is reported on the extending service.
 */
export function isAnalyzedBase(ctx: ComposeContext, level: ExtendsLevel): boolean {
  return level.ctx === ctx || level.ctx.path === ctx.path || fileKindIn(ctx.workspace, level.ctx.path, ctx.options) === 'compose';
}

/** The stage a build builds: its `target:` (stage names are lower case), else the Dockerfile's last stage; undefined when the target names none. */
export function builtStage(built: { build: BuildInfo; dockerfile: DockerfileContext }): Stage | undefined {
  const stages = built.dockerfile.stages;
  return built.build.target ? stages.find((st) => st.name === built.build.target!.toLowerCase()) : stages[stages.length - 1];
}

/**
 * The Dockerfile a service builds, also when `build:` (or part of it) is inherited through `extends:`.
 * `build` is a mapping, so Compose merges it key by key: the nearest `context`/`dockerfile` decide where
 * the Dockerfile is (relative to the file that writes them), the nearest `target` wins.
 * `level` is where the context was found; `args` is set when any level passes `build.args`.
 */
export function builtDockerfileOf(ctx: ComposeContext, service: Service): { build: BuildInfo; dockerfile: DockerfileContext; level: ExtendsLevel; args: boolean } | undefined {
  const { chain, unknown } = extendsChain(ctx, service);
  let target: string | null = null;
  let args = false;
  let first: ExtendsLevel | undefined;
  let chosen: ExtendsLevel | undefined;
  for (const level of chain) {
    const entry = level.ctx.serviceGet(level.service, 'build');
    if (!entry) continue;
    first ??= level;
    const v = entry.value;
    if (v && isMap(v)) {
      const get = (k: string) => level.ctx.get(level.service.doc, v, k);
      if (target === null) target = scalarString(get('target')?.value);
      if (!get('context') && !get('dockerfile') && !get('dockerfile_inline')) continue;
    }
    chosen = level;
    break;
  }
  // No level says where the context is: the default `.` of the nearest build, unless a base is unreadable.
  const at = chosen ?? (unknown ? undefined : first);
  for (const level of chain) {
    const v = level.ctx.serviceGet(level.service, 'build')?.value;
    if (v && isMap(v) && level.ctx.get(level.service.doc, v, 'args')) args = true;
  }
  if (!at) return undefined;
  const own = buildOf(at.ctx, at.service);
  if (!own) return undefined;
  const build = target !== null ? { ...own, target } : own;
  const dockerfile = parsedDockerfile(at.ctx.workspace, build.dockerfile, at.ctx.options);
  return dockerfile ? { build, dockerfile, level: at, args } : undefined;
}

/**
 * A service's environment as Compose merges it through `extends:`. The services are merged first:
 * `environment:` key by key with the local value winning, and the `env_file:` lists appended (the
 * base's files first, so the extending service's files win). Then, as for any service,
 * `environment:` beats `env_file:`. So a name is looked up in the service's `environment:`, then in
 * the `environment:` of each service it extends, then in the service's own `env_file:` files, then
 * in those of each base. A value found in a base is returned without `env`/`file` and with `merged`
 * set to the service's name: findings about it are reported there (or, better, where it is written,
 * when the base is analyzed) and no fix edits it from here.
 * https://docs.docker.com/reference/compose-file/services/#extends
 * https://docs.docker.com/reference/compose-file/merge/
 * https://docs.docker.com/compose/how-tos/environment-variables/envvars-precedence/
 */
export class ExtendedEnv extends ServiceEnv {
  private readonly levels: ExtendsLevel[];
  private readonly bases: ServiceEnv[];
  private readonly baseUnknown: boolean;
  private readonly here: Range;
  /** Whether the `env_file:` files (the service's and its bases') count: not when another file's merge drops them. */
  private readonly withFiles: boolean;

  /**
   * `files: false` reads the `environment:` entries only (the service's and those inherited through `extends:`),
   * for a merge that drops the merged `env_file:` list (the default override's `env_file: !reset`/`!override`:
   * MergedEnv in override-merge.ts).
   */
  constructor(ctx: ComposeContext, service: Service, opts: { files?: boolean } = {}) {
    super(ctx, service);
    this.withFiles = opts.files ?? true;
    const { chain, unknown } = extendsChain(ctx, service);
    this.levels = chain.slice(1);
    this.bases = this.levels.map((l) => new ServiceEnv(l.ctx, l.service));
    this.baseUnknown = unknown;
    this.here = ctx.rangeOf(service.nameNode);
  }

  /** Whether a name's value comes from a service this one extends. */
  inherited(name: string): boolean {
    return this.sourceOf(name) !== undefined;
  }

  /** The base service a name's value comes from (undefined when the service sets it itself or nothing does). */
  sourceOf(name: string): ExtendsLevel | undefined {
    return this.find(name).level;
  }

  override get(name: string): EnvLookup {
    return this.located(this.find(name));
  }

  /** A lookup found in a base, placed on the service's name (no `env`/`file`: not editable from here). */
  protected located({ lookup, level }: { lookup: EnvLookup; level?: ExtendsLevel }): EnvLookup {
    if (!level || lookup.state === 'unset' || lookup.state === 'unknown') return lookup;
    return { ...lookup, env: null, file: null, merged: this.here };
  }

  /** Where a name's value comes from, in Compose's order (see the class comment); `level` is set for a base. */
  private find(name: string): { lookup: EnvLookup; level?: ExtendsLevel } {
    const env = this.findInEnvironment(name);
    if (env.lookup.state !== 'unset' || !this.withFiles) return env;
    return this.findInFiles(name);
  }

  /**
   * The name in the `environment:` that `extends:` merges (the service's entry, then each base's): one mapping once
   * merged, which a default override's entries are merged into (MergedEnv). Unknown when a base cannot be read: it
   * may set the name there, which would beat any env_file.
   */
  protected findInEnvironment(name: string): { lookup: EnvLookup; level?: ExtendsLevel } {
    const own = this.fromEnvironment(name);
    if (own.state !== 'unset') return { lookup: own };
    for (let i = 0; i < this.bases.length; i++) {
      const r = this.bases[i].fromEnvironment(name);
      if (r.state !== 'unset') return { lookup: r, level: this.levels[i] };
    }
    return { lookup: this.baseUnknown ? { state: 'unknown' } : { state: 'unset' } };
  }

  /** The name in the `env_file:` list `extends:` merges (the service's files, appended after each base's, win). Unknown when a base cannot be read. */
  protected findInFiles(name: string): { lookup: EnvLookup; level?: ExtendsLevel } {
    const ownFile = this.fromFiles(name);
    if (ownFile.state !== 'unset') return { lookup: ownFile };
    for (let i = 0; i < this.bases.length; i++) {
      const r = this.bases[i].fromFiles(name);
      if (r.state !== 'unset') return { lookup: r, level: this.levels[i] };
    }
    return { lookup: this.baseUnknown ? { state: 'unknown' } : { state: 'unset' } };
  }
}

/**
 * `command:` or `entrypoint:` through `extends:` (each is a single value: the nearest one wins). An
 * inherited value keeps its words, but its positions are the service's name in this file and it is not
 * editable from here (the edit would change the base). 'unknown' when a base cannot be read.
 */
export function commandThrough(ctx: ComposeContext, service: Service, key: 'command' | 'entrypoint'): CommandValue | null | undefined | 'unknown' {
  const found = lookupKey(ctx, service, key);
  if (found === 'unknown') return 'unknown';
  if (!found) return undefined;
  const value = commandValue(found.ctx, found.service, key);
  if (!value || !found.inherited) return value;
  const r = service.nameNode.range ?? [0, 0, 0];
  return {
    ...value,
    entry: { ...value.entry, own: false, shared: true, reportNode: service.nameNode },
    editable: false,
    args: value.args.map((a) => ({ ...a, start: r[0], end: r[1], exact: false })),
  };
}

/** effectiveCommands through `extends:` (null when unknown, undefined when neither is set anywhere). */
export function effectiveCommandsThrough(ctx: ComposeContext, service: Service): { entrypoint: CommandValue | undefined; command: CommandValue | undefined; runs: EffectiveArgs[] } | null | undefined {
  // Several rules ask of the same service (data directory options, Redis and Postgres facts, one-shot jobs); callers do not change it.
  return ctx.memo(service.map, 'effective-commands', () => computeEffectiveCommandsThrough(ctx, service));
}

function computeEffectiveCommandsThrough(ctx: ComposeContext, service: Service): { entrypoint: CommandValue | undefined; command: CommandValue | undefined; runs: EffectiveArgs[] } | null | undefined {
  const entrypoint = commandThrough(ctx, service, 'entrypoint');
  const command = commandThrough(ctx, service, 'command');
  if (entrypoint === 'unknown' || command === 'unknown') return null;
  return commandRuns(entrypoint, command);
}

/**
 * The `image:` text of a service through `extends:` (a scalar, overridden by the nearest service that
 * writes one), interpolated with the variables of this file's project (a base in another file is read
 * through asExtendedFrom, so its `found.ctx` interpolates with them too). `raw` is the written text, `value`
 * null when a variable is unknown; `found` tells where it is written. Undefined when there is none,
 * 'unknown' when a base cannot be read.
 */
export function imageThrough(ctx: ComposeContext, service: Service): { raw: string; value: string | null; ref: ImageRef | null; found: Found } | undefined | 'unknown' {
  // Asked by the data store, root and auth rules of every service: interpolated and parsed once per analysis.
  return ctx.memoWith(service.map, 'imageThrough', service, computeImageThrough);
}

function computeImageThrough(ctx: ComposeContext, service: Service): { raw: string; value: string | null; ref: ImageRef | null; found: Found } | undefined | 'unknown' {
  const found = lookupKey(ctx, service, 'image');
  if (found === 'unknown' || !found) return found;
  const raw = scalarString(found.entry.value);
  if (raw === null) return undefined;
  const env = found.ctx.dotenv()?.values;
  const value = interpolate(raw, (n) => env?.get(n)).value;
  return { raw, value, ref: value === null ? null : parseImageRef(value), found };
}

/**
 * The `image:` a service without one of its own inherits through `extends:` from a base in a file that
 * is not analyzed itself (see isAnalyzedBase), shaped like serviceImageOf for the image rules: reported
 * on the service's name, never edited from here (`refOffset` null). Undefined otherwise: an own image is
 * serviceImageOf's, and one inherited from an analyzed base is reported where it is written.
 */
export function imageFromUnanalyzedBase(ctx: ComposeContext, service: Service): ServiceImage | undefined {
  if (ctx.serviceGet(service, 'image')) return undefined;
  const found = lookupKey(ctx, service, 'image');
  if (!found || found === 'unknown' || !found.inherited || isAnalyzedBase(ctx, found)) return undefined;
  const value = resolveScalar(found.ctx, found.service.doc, found.entry.value);
  if (!value) return undefined;
  const build = lookupKey(ctx, service, 'build');
  return { entry: found.entry, value, ref: value.value === null ? null : parseImageRef(value.value), reportRange: ctx.rangeOf(service.nameNode), refOffset: null, built: build !== undefined };
}

/**
 * The compose files among `candidates` with a service that extends (`extends: {file: …}`) a service of
 * `target`, directly or through other files (up to MAX_EXTENDS files deep): their findings depend on
 * `target`, so the editor re-analyzes them when it changes. A quick text test skips files that do not
 * name it.
 */
export function extendersOf(ws: WorkspaceView, target: string, candidates: readonly string[], options?: RuleOptions): string[] {
  const found = new Set<string>();
  let targets = [target];
  for (let depth = 0; depth < MAX_EXTENDS && targets.length > 0; depth++) {
    const next: string[] = [];
    for (const p of candidates) {
      if (p === target || found.has(p)) continue;
      const text = ws.readText(p);
      if (text === undefined || !text.includes('extends') || !targets.some((t) => text.includes(path.basename(t)))) continue;
      const ctx = parsedCompose(ws, p, options);
      if (!ctx) continue;
      const extendsTarget = ctx.services.some((s) => {
        const file = extendsFileOf(ctx, s);
        return file !== undefined && file !== null && targets.includes(file);
      });
      if (!extendsTarget) continue;
      found.add(p);
      next.push(p);
    }
    targets = next;
  }
  return [...found];
}

/** The absolute path of the file an `extends: {file: …}` names; undefined without one, null when unknown. */
function extendsFileOf(ctx: ComposeContext, service: Service): string | null | undefined {
  const ext = ctx.serviceGet(service, 'extends');
  if (!ext || !ext.value || !isMap(ext.value)) return undefined;
  const f = ctx.get(service.doc, ext.value, 'file');
  if (!f) return undefined;
  const file = resolvedScalar(ctx, f.value);
  return file ? path.resolve(ctx.projectDir, file) : null;
}

/** A key of a service: written in it, merged with `<<`, or inherited through `extends:`. */
export function lookupKey(ctx: ComposeContext, service: Service, key: string, depth = 0): Lookup {
  const entry = ctx.serviceGet(service, key);
  if (entry) return { entry, ctx, service, inherited: depth > 0 };
  if (depth >= MAX_EXTENDS) return ctx.serviceGet(service, 'extends') ? 'unknown' : undefined;
  const base = extendedService(ctx, service);
  if (base === undefined || base === 'unknown') return base;
  return lookupKey(base.ctx, base.service, key, depth + 1);
}

/**
 * Whether a service runs on the host's network (`network_mode: host`, written, merged with `<<` or
 * inherited through `extends:`, read after interpolation: `${NET_MODE:-host}`; or an entry of its
 * `networks:` that the file defines as Docker's `host` network, `hostnet: { external: true, name: host }`).
 * Docker ignores its `ports:` then: no port is published (the host network driver's documentation).
 * https://docs.docker.com/engine/network/drivers/host/
 */
export function onHostNetwork(ctx: ComposeContext, service: Service): boolean {
  const found = lookupKey(ctx, service, 'network_mode');
  if (found && found !== 'unknown') return resolvedScalar(found.ctx, found.ctx.resolve(found.service.doc, found.entry.value as Node | null))?.trim() === 'host';
  // `network_mode:` and `networks:` exclude each other (compose-go refuses both); with neither, the service is on the project's network.
  return found === undefined && hostNetworkEntries(ctx, service).length > 0;
}

/**
 * A nested key (`['deploy', 'resources', 'limits', 'memory']`). `extends:` merges mappings key by key,
 * so a path missing in the service is looked up again in the service it extends.
 */
export function lookupPath(ctx: ComposeContext, service: Service, keys: readonly string[], depth = 0): Lookup {
  const entry = getPath(ctx, service.doc, service.map, keys);
  if (entry) return { entry, ctx, service, inherited: depth > 0 };
  if (depth >= MAX_EXTENDS) return ctx.serviceGet(service, 'extends') ? 'unknown' : undefined;
  const base = extendedService(ctx, service);
  if (base === undefined || base === 'unknown') return base;
  return lookupPath(base.ctx, base.service, keys, depth + 1);
}

/** A nested key inside one mapping, following `<<` merges at every level. */
export function getPath(ctx: ComposeContext, doc: Document.Parsed, map: YAMLMap, keys: readonly string[]): Entry | undefined {
  let cur: YAMLMap = map;
  for (let i = 0; i < keys.length; i++) {
    const entry = ctx.get(doc, cur, keys[i]);
    if (!entry) return undefined;
    if (i === keys.length - 1) return entry;
    if (!entry.value || !isMap(entry.value)) return undefined;
    cur = entry.value;
  }
  return undefined;
}

/**
 * Service keys Compose checks against `deploy.resources` when it loads a service (compose-go's
 * checkConsistency: `cpus`, `mem_limit`, `pids_limit` against the limits, `mem_reservation` against the
 * reservations): a fix that writes limits must agree with all of them, in the file and in what merges into it.
 */
export const RESOURCE_CONSISTENCY_KEYS = ['deploy', 'cpus', 'mem_limit', 'pids_limit', 'mem_reservation'];

/**
 * Whether a compose file is analyzed only as an `extends:` base (`common-services.yml`: not named like a
 * compose file, not included, its services extended by a root's, see isExtendedBase). Its services run
 * only through the services that extend them: a setting they lack is judged there, once; what they
 * write is reported here, where it is written.
 */
export function isExtendsOnlyBase(ctx: ComposeContext): boolean {
  return ctx.memoWith(ctx, 'extendsOnlyBase', undefined, computeIsExtendsOnlyBase);
}

function computeIsExtendsOnlyBase(ctx: ComposeContext): boolean {
  return !fileKindOf(ctx.path) && !isIncluded(ctx) && isExtendedBase(ctx.workspace, ctx.path, ctx.options);
}

/** Service names defined by the default compose file(s) beside a non-default one (null when none is in the workspace). */
function baseServiceNames(ctx: ComposeContext): Set<string> | null {
  let names: Set<string> | null = null;
  for (const p of defaultComposeFiles.in(ctx.dir)) {
    if (p === ctx.path) continue;
    const base = parsedCompose(ctx.workspace, p, ctx.options);
    if (!base) continue;
    names ??= new Set();
    for (const s of base.services) names.add(s.name);
  }
  return names;
}

/**
 * A service that only overrides settings of a service defined elsewhere, so its missing settings are
 * not findings (the complete definition is judged where it is written):
 * - it has no `image:`, no `build:` and no `extends:` (a fragment);
 * - or the file is analyzed only as an `extends:` base (isExtendsOnlyBase);
 * - or the file is not one of the default compose file names and the default compose file beside it
 *   (`compose.yaml`, `docker-compose.yml`, …) defines a service of the same name (`docker-compose.prod.yml`,
 *   `docker-compose.override.yml` are merged over it with `-f`);
 * - or, with no default file in the workspace, the file is named `*.override.yml` and the service has no
 *   `image:` (a build-only override).
 */
export function isPartialService(ctx: ComposeContext, service: Service): boolean {
  // Asked by many rules of every service: answered once per service and analysis.
  return ctx.memoWith(service.map, 'partial', service, computeIsPartialService);
}

function computeIsPartialService(ctx: ComposeContext, service: Service): boolean {
  if (!ctx.serviceGet(service, 'image') && !ctx.serviceGet(service, 'build') && !ctx.serviceGet(service, 'extends')) return true;
  const byFile = ctx.memoWith(ctx, 'partialByFile', undefined, partialByFile);
  if (typeof byFile === 'boolean') return byFile;
  if (byFile === 'override') return !ctx.serviceGet(service, 'image');
  return byFile.has(service.name);
}

/**
 * isPartialService's answer for a service with an `image:`, a `build:` or an `extends:`, as far as it depends on the
 * file alone (once per analysis, not per service): a boolean; the service names of the default compose file(s) beside
 * the file (partial when one of them defines the service); 'override' (partial when the service has no `image:`).
 */
function partialByFile(ctx: ComposeContext): boolean | ReadonlySet<string> | 'override' {
  // A file that another compose file `include:`s is an application of its own, not an override.
  if (isIncluded(ctx)) return false;
  if (isExtendsOnlyBase(ctx)) return true;
  const file = path.basename(ctx.path);
  if (DEFAULT_COMPOSE_NAMES.includes(file)) return false;
  const base = baseServiceNames(ctx);
  if (base) return base;
  return /(?:^|[._-])override\.ya?ml$/i.test(file) ? 'override' : false;
}

/** Where a finding about a key is reported: the written pair, the `<<` key it came through, or (inherited) the service name. */
export function reportNodeOf(found: Found, service: Service): Node {
  if (found.inherited) return service.nameNode;
  return found.entry.own ? (found.entry.pair.key as Node) : found.entry.reportNode;
}

export interface SecurityOpt {
  /** The option name as Docker splits it (`no-new-privileges`, `seccomp`, `apparmor`, `label`, …). */
  name: string;
  /** The text after the first `=` (or, without `=`, after the first `:`), or null when there is none. */
  value: string | null;
  /** The item node as written in the sequence (an alias node for `- *x`). */
  node: Node;
  /** The resolved scalar. */
  scalar: Scalar;
  /** Index in the sequence. */
  index: number;
}

/**
 * The entries of a `security_opt:` value, split as the Docker daemon splits them (`name=value`, or
 * `name:value` when there is no `=`). `unknown` is set when an entry cannot be resolved
 * (interpolation without a value, a non-scalar); then the list may be incomplete.
 */
export function securityOpts(ctx: ComposeContext, doc: Document.Parsed, value: Node | null): { items: SecurityOpt[]; unknown: boolean; malformed: Node[] } {
  const items: SecurityOpt[] = [];
  const malformed: Node[] = [];
  let unknown = false;
  if (!value) return { items, unknown, malformed };
  if (!isSeq(value)) return { items, unknown: true, malformed };
  value.items.forEach((raw, index) => {
    const node = ctx.resolve(doc, raw as Node);
    // A mapping or sequence item (`- apparmor: false`, `- no-new-privileges: true` with a space): the Compose
    // schema types the items as strings, so `docker compose config` refuses the file (review 45b, item 8).
    if (node && (isMap(node) || isSeq(node))) {
      malformed.push(raw as Node);
      return;
    }
    const text = resolvedScalar(ctx, node);
    if (text === undefined || text === null || !node || !isScalar(node)) {
      unknown = true;
      return;
    }
    const opt = text.trim();
    let name = opt;
    let val: string | null = null;
    const eq = opt.indexOf('=');
    const colon = opt.indexOf(':');
    if (eq !== -1) {
      name = opt.slice(0, eq);
      val = opt.slice(eq + 1);
    } else if (colon !== -1) {
      name = opt.slice(0, colon);
      val = opt.slice(colon + 1);
    }
    items.push({ name: name.trim().toLowerCase(), value: val === null ? null : val.trim(), node: raw as Node, scalar: node, index });
  });
  return { items, unknown, malformed };
}

/** Go's strconv.ParseBool, which Docker uses for option values: true, false, or undefined when invalid. */
export function parseGoBool(text: string): boolean | undefined {
  if (/^(1|t|T|TRUE|true|True)$/.test(text)) return true;
  if (/^(0|f|F|FALSE|false|False)$/.test(text)) return false;
  return undefined;
}

/** Whether the value node of an entry was written in place (not an alias) in the service itself. */
export function isOwnEditable(ctx: ComposeContext, found: Found | undefined): boolean {
  if (!found || found.inherited) return false;
  const e = found.entry;
  return e.own && !e.shared && !isAlias(e.pair.value) && !ctx.isShared(e.pair.key as Node);
}

/**
 * Programs a setup script runs that start no server: shell keywords and built-ins, file and text
 * tools, downloaders, the data stores' clients and admin tools, MinIO's client (`mc mb …`) and
 * Ollama's client commands (`ollama pull …`: review 6, probe dc-08). The tools Elasticsearch and
 * OpenSearch ship (`bin/elasticsearch-certutil`, `elasticsearch-setup-passwords`) are matched by name.
 */
const SETUP_TOOLS = new Set(['if', 'then', 'else', 'elif', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac', '{', '}', '!', '[', '[[', 'test', 'true', 'false', ':', 'echo', 'printf', 'exit', 'set', 'export', 'cd', 'sleep', 'cat', 'cp', 'mv', 'rm', 'mkdir', 'chown', 'chmod', 'ln', 'touch', 'ls', 'find', 'grep', 'sed', 'awk', 'head', 'tail', 'tr', 'cut', 'wc', 'tee', 'xargs', 'unzip', 'tar', 'gzip', 'base64', 'openssl', 'curl', 'wget', 'jq', 'psql', 'pg_dump', 'pg_restore', 'pg_isready', 'createdb', 'createuser', 'mysql', 'mysqldump', 'mariadb', 'mariadb-dump', 'mysqladmin', 'mongosh', 'mongo', 'mongodump', 'mongorestore', 'mongoimport', 'redis-cli', 'rabbitmqctl', 'rabbitmqadmin', 'clickhouse-client', 'sqlcmd', 'mc']);

/** `ollama` subcommands that talk to a server and exit (`ollama pull llama3.2`), unlike `ollama serve`. */
const OLLAMA_CLIENT_COMMANDS = new Set(['pull', 'create', 'cp', 'rm', 'list', 'ls', 'show', 'push']);

/**
 * Whether the service's command is a shell script (`bash -c '…'`) whose every command is a setup
 * tool (SETUP_TOOLS): it prepares something with the image and exits, and never starts the image's
 * server (Elastic's `setup` service makes certificates with the Elasticsearch image). A script that
 * runs anything else (a server, an entrypoint, a script of its own, a word with a variable) is not.
 */
function runsOnlySetupTools(commands: ReturnType<typeof effectiveCommandsThrough>): boolean {
  if (!commands || commands.runs.length === 0) return false;
  return commands.runs.every((run) => {
    if (!run.viaShell) return false;
    const program = run.args[0]?.value;
    if (program === undefined || program === null) return false;
    const name = path.posix.basename(program);
    if (name === 'ollama') return OLLAMA_CLIENT_COMMANDS.has(run.args[1]?.value ?? '');
    // `mc mirror --watch` and `mc watch` run until stopped (review 7, probe 12).
    if (name === 'mc') return run.args[1]?.value !== 'watch' && !run.args.some((a) => a.value === '--watch' || a.value === '-w');
    return SETUP_TOOLS.has(name) || /^(?:elasticsearch|opensearch)-[a-z]+(?:-[a-z]+)*$/.test(name);
  });
}

/**
 * The names of the services another service of this file waits for with `depends_on: <name>: condition: <condition>`
 * (long syntax); with `requiredOnly`, not those of an optional dependency (`required:` other than true). Once per file
 * and analysis.
 */
function servicesWaitedFor(c: ComposeContext, condition: string, requiredOnly: boolean): Set<string> {
  return c.memo(c, `waited-for:${condition}:${requiredOnly}`, () => {
    const out = new Set<string>();
    for (const s of c.services) {
      const dep = c.serviceGet(s, 'depends_on');
      if (!dep || !dep.value || !isMap(dep.value)) continue;
      for (const pair of dep.value.items) {
        const cfg = c.resolve(s.doc, pair.value as Node | null);
        if (!isScalar(pair.key) || !cfg || !isMap(cfg)) continue;
        if (resolvedScalar(c, c.get(s.doc, cfg, 'condition')?.value) !== condition) continue;
        if (requiredOnly) {
          const required = c.get(s.doc, cfg, 'required')?.value;
          if (required !== undefined && resolvedScalar(c, required) !== 'true') continue;
        }
        out.add(String(pair.key.value));
      }
    }
    return out;
  });
}

/**
 * Whether another service of the project waits for this one with `depends_on: <name>: condition: service_healthy`
 * (and not `required: false`): Compose then refuses to start the dependent unless the container has a health check
 * ("container %s has no healthcheck configured", docker/compose pkg/compose/convergence.go isServiceHealthy, called
 * by waitDependencies with no fall-back to "running"; an optional dependency only logs a warning). The project is
 * this file and, with the default override, the other file of the pair (compose.yaml + compose.override.yaml).
 */
export function waitedForHealthy(ctx: ComposeContext, service: Service): boolean {
  // An optional dependency (`required: false`, Compose 2.20) is skipped with a warning when it is not healthy.
  const waitedIn = (c: ComposeContext) => servicesWaitedFor(c, 'service_healthy', true);
  if (waitedIn(ctx).has(service.name)) return true;
  const partner = defaultPairPartner(ctx);
  return !!partner && waitedIn(partner.other).has(service.name);
}

/**
 * A one-shot job: a service another service waits for with `condition: service_completed_successfully`
 * (SigNoz's `init-clickhouse`), one deployed never to be restarted (`deploy.restart_policy.condition:
 * none`: frappe's `configurator` and `create-site`), or one whose command is a shell script of setup
 * tools only (runsOnlySetupTools: Elastic's certificate `setup`). A plain `restart: "no"` is not one:
 * it is the default, and long-running services write it too. It runs to completion and exits: no
 * healthcheck to wait on, no data of its own to keep. With the default override (`compose.override.yaml`
 * beside `compose.yaml`), the merged service: a service of either file may wait for it, and its restart policy
 * and command are the merged ones (the override's `command:`/`entrypoint:` replace the base's whole).
 */
export function isOneShotJob(ctx: ComposeContext, service: Service): boolean {
  // DC022 and DC060 both ask, of many services: answered once per service and analysis.
  return ctx.memoWith(service.map, 'one-shot-job', service, computeIsOneShotJob);
}

function computeIsOneShotJob(ctx: ComposeContext, service: Service): boolean {
  const waitedIn = (c: ComposeContext) => servicesWaitedFor(c, 'service_completed_successfully', false);
  if (waitedIn(ctx).has(service.name)) return true;
  // With the default override, the merged project: a service of either file may wait for it, and the merged
  // service's restart policy and command are what run (defaultMerge, mergedCommands; review 44d, F3).
  const partner = defaultPairPartner(ctx);
  if (partner && waitedIn(partner.other).has(service.name)) return true;
  const merge = defaultMerge(ctx, service);
  if (merge && !merge.whole) {
    const found = mergedValue(merge, ['deploy', 'restart_policy', 'condition']).found;
    if (found && found !== 'unknown' && resolvedScalar(found.ctx, found.entry.value) === 'none') return true;
    return runsOnlySetupTools(mergedCommands(merge).value);
  }
  const found = lookupPath(ctx, service, ['deploy', 'restart_policy', 'condition']);
  if (found && found !== 'unknown' && resolvedScalar(found.ctx, found.entry.value) === 'none') return true;
  // Most services set no command: nothing to read.
  if (!ctx.serviceGet(service, 'command') && !ctx.serviceGet(service, 'entrypoint') && !ctx.serviceGet(service, 'extends')) return false;
  return runsOnlySetupTools(effectiveCommandsThrough(ctx, service));
}

/**
 * A file written for `docker stack deploy` (named `*stack*.yml`, an overlay network, a service with
 * settings only Swarm acts on — `placement`, `update_config`, `rollback_config`, `endpoint_mode`,
 * `deploy.labels` — or deployed in `global` mode): Swarm interpolates the file from the shell only and never reads `.env`
 * (moby/moby#29133, #30175), so a value moved there would deploy empty (review 9, probe dc-01).
 */
const SWARM_ONLY_DEPLOY_KEYS = ['placement', 'update_config', 'rollback_config', 'endpoint_mode', 'labels'];

export function isSwarmStack(ctx: ComposeContext): boolean {
  return ctx.memo(ctx, 'swarm-stack', () => {
    if (isSwarmOnlyFile(ctx)) return true;
    for (const doc of ctx.documents) {
      const root = doc.contents && isMap(doc.contents) ? doc.contents : null;
      const networks = root ? ctx.resolve(doc, root.get('networks', true) as Node | undefined) : null;
      if (networks && isMap(networks)) {
        for (const item of networks.items) {
          const net = ctx.resolve(doc, item.value as Node | null);
          if (net && isMap(net) && scalarString(ctx.get(doc, net, 'driver')?.value) === 'overlay') return true;
        }
      }
    }
    return ctx.services.some((service) => {
      const deploy = ctx.serviceGet(service, 'deploy')?.value;
      if (!deploy || !isMap(deploy)) return false;
      // Settings only Swarm acts on (Compose ignores them): rolling updates, Traefik's Swarm labels, placement, global mode.
      if (SWARM_ONLY_DEPLOY_KEYS.some((k) => ctx.get(service.doc, deploy, k) !== undefined)) return true;
      return /^(?:global|global-job|replicated-job)$/.test(scalarString(ctx.get(service.doc, deploy, 'mode')?.value) ?? '');
    });
  });
}

/**
 * A file only `docker stack deploy` can run: named for it (`docker-stack.yml`, `stack.yml`,
 * `prod.stack.yaml`; not `docker-compose.elk-stack.yml`: review 11, probe 18), or with an external
 * secret or config, which exists only in a swarm (`docker secret create`). Overlay networks and
 * Swarm-only `deploy:` settings do not make one: Compose runs such a file too, ignoring them (review 18, probe 15).
 */
export function isSwarmOnlyFile(ctx: ComposeContext): boolean {
  return ctx.memo(ctx, 'swarm-only', () => {
    const base = path.basename(ctx.path);
    if (/(?:^|[._-])stack(?:[._-][^/]*)?\.ya?ml$/i.test(base) && !/compose/i.test(base)) return true;
    for (const doc of ctx.documents) {
      const root = doc.contents && isMap(doc.contents) ? doc.contents : null;
      for (const key of ['secrets', 'configs']) {
        const top = root ? ctx.resolve(doc, root.get(key, true) as Node | undefined) : null;
        if (!top || !isMap(top)) continue;
        for (const item of top.items) {
          const def = ctx.resolve(doc, item.value as Node | null);
          if (def && isMap(def) && scalarString(ctx.get(doc, def, 'external')?.value) === 'true') return true;
        }
      }
    }
    return false;
  });
}
