/**
 * Relations between files that rules need: the Dockerfile a compose service builds, and the compose
 * services that build a Dockerfile. Both are read through the WorkspaceView (open editors first);
 * parses are shared by text, contexts are per analysis (see AnalysisWorkspace).
 */
import * as path from 'node:path';
import { isMap, isScalar, isSeq } from './yaml-guards';
import type { Node } from 'yaml';
import { ComposeContext, scalarString, type Service } from './compose';
import { interpolateWithDotenv } from './compose-values';
import { interpolate } from './interpolate';
import { extendedService } from './compose-lookup';
import { DockerfileContext } from './dockerfile';
import { includeTree } from './include';
import { fileKindOf } from './file-names';
import { DEFAULT_OPTIONS, EMPTY_WORKSPACE, type RuleOptions, type WorkspaceView } from './types';

/**
 * Compose file names `docker compose` looks for, in its order of preference: compose-go's
 * DefaultFileNames (cli/options.go) — `docker-compose.yml` before `docker-compose.yaml`.
 */
export const DEFAULT_COMPOSE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];

/**
 * Override file names `docker compose` looks for beside the default file, in its order of preference:
 * compose-go's DefaultOverrideFileNames, `.yml` before `.yaml` (review 35, probe o08).
 */
const DEFAULT_OVERRIDE_NAMES = ['compose.override.yml', 'compose.override.yaml', 'docker-compose.override.yml', 'docker-compose.override.yaml'];

/**
 * The compose files `docker compose up` and `build` read without `-f`: the default file and the
 * override beside it, merged over it (https://docs.docker.com/compose/how-tos/multiple-compose-files/merge/).
 */
export const COMPOSE_NAMES_READ_BY_DEFAULT = [...DEFAULT_COMPOSE_NAMES, ...DEFAULT_OVERRIDE_NAMES];

/**
 * The paths of a list of file names in a folder, remembered per folder: every analysis asks for the
 * same few folders, and joining paths again (path.join normalizes) was a few per cent of a Dockerfile's analysis.
 */
export class NamesInFolder {
  private readonly byDir = new Map<string, readonly string[]>();
  constructor(readonly names: readonly string[]) {}
  in(dir: string): readonly string[] {
    let hit = this.byDir.get(dir);
    if (!hit) {
      if (this.byDir.size >= 512) this.byDir.clear();
      hit = this.names.map((n) => path.join(dir, n));
      this.byDir.set(dir, hit);
    }
    return hit;
  }
}

export const defaultComposeFiles = new NamesInFolder(DEFAULT_COMPOSE_NAMES);
const defaultOverrideFiles = new NamesInFolder(DEFAULT_OVERRIDE_NAMES);
const composeFilesReadByDefault = new NamesInFolder(COMPOSE_NAMES_READ_BY_DEFAULT);

/**
 * The two files `docker compose up` merges in a folder without `-f`: the first default file that
 * exists and the first override file that exists (either may be missing).
 */
export function defaultComposePair(ws: WorkspaceView, dir: string): { main?: string; override?: string } {
  const first = (files: NamesInFolder) => files.in(dir).find((p) => ws.exists(p));
  return { main: first(defaultComposeFiles), override: first(defaultOverrideFiles) };
}

/**
 * The names of a folder's listing that are compose files `docker compose` reads only with `-f` (`docker-compose.test.yml`,
 * `compose.prod.yaml`: fileKindOf's names, which the CLI and the editor analyze), in the listing's order. Read once per
 * listing (listingFact: module-level, it is the key), not once per Dockerfile of the folder.
 */
export function otherComposeNames(names: readonly string[]): string[] {
  return names.filter((name) => !COMPOSE_NAMES_READ_BY_DEFAULT.includes(name) && fileKindOf(name) === 'compose');
}

/** How many folders above a file's own are searched for the compose files that may build or include it. */
const FOLDERS_ABOVE = 3;

/**
 * The compose files that `docker compose` reads by default (COMPOSE_NAMES_READ_BY_DEFAULT) in each of
 * `starts` and up to three folders above it, and the files they `include:` (whatever their name),
 * each once: the files whose services may build a Dockerfile of those folders.
 */
export function composeFilesAround(ws: WorkspaceView, starts: readonly string[], options: RuleOptions = DEFAULT_OPTIONS): ComposeContext[] {
  // Several rules of one analysis ask for the same folders (servicesBuilding, build contexts, DF015, DR003):
  // found once per analysis (its view lives as long as the analysis; another view is not remembered).
  if (!(ws instanceof AnalysisWorkspace)) return computeComposeFilesAround(ws, starts, options);
  const key = starts.length === 1 ? starts[0] : starts.join('\u0000');
  const byStarts = (ws.around ??= new Map());
  const hit = byStarts.get(key);
  if (hit && hit.options === options) return hit.files;
  const files = computeComposeFilesAround(ws, starts, options);
  byStarts.set(key, { options, files });
  return files;
}

function computeComposeFilesAround(ws: WorkspaceView, starts: readonly string[], options: RuleOptions): ComposeContext[] {
  const out: ComposeContext[] = [];
  const seen = new Set<string>();
  const add = (c: ComposeContext) => {
    if (seen.has(c.path)) return;
    seen.add(c.path);
    out.push(c);
  };
  for (const start of new Set(starts)) {
    // Most Dockerfiles have no compose file around: known from an earlier analysis, the same paths are recorded as read.
    if (noComposeAround.read(ws, start)) continue;
    let found = false;
    let dir = start;
    for (let depth = 0; depth <= FOLDERS_ABOVE; depth++) {
      for (const file of composeFilesReadByDefault.in(dir)) {
        const compose = parsedCompose(ws, file, options);
        if (!compose) continue;
        found = true;
        add(compose);
        for (const { ctx } of includeTree(compose, ws)) add(ctx);
      }
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    if (!found) noComposeAround.note(ws, start, pathsAround);
  }
  return out;
}

/** The paths computeComposeFilesAround reads for one start folder, in its order. */
function pathsAround(start: string): string[] {
  const paths: string[] = [];
  let dir = start;
  for (let depth = 0; depth <= FOLDERS_ABOVE; depth++) {
    for (const file of composeFilesReadByDefault.in(dir)) paths.push(file);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return paths;
}

/**
 * A workspace view that can say that a path it found no file at still has none, without reading it again (DiskWorkspace):
 * `readStamp()` changes whenever what it remembers of the disk may be forgotten (a file watcher's event, other workspace
 * folders), and `overlaid(p)` tells whether an open editor gives the path's text, which no stamp covers (an editor opens a
 * document that is not on the disk with no event of the file watcher).
 */
export interface StampedWorkspace extends WorkspaceView {
  readStamp(): number;
  overlaid(p: string): boolean;
}

function isStamped(ws: WorkspaceView): ws is StampedWorkspace {
  return typeof (ws as Partial<StampedWorkspace>).readStamp === 'function';
}

/**
 * Paths remembered, per base view and under its current stamp, as holding no file, in named lists: a list is noted once
 * readText found no file at any of its paths (note), and a later analysis under the same stamp records the same paths as
 * read without reading them again (readNone), as long as no open editor gives one of them. Each user keeps its own table
 * (the lists of two users are keyed by different things: folders, files).
 */
export class KnownMissing {
  private readonly perBase = new WeakMap<WorkspaceView, { stamp: number; lists: Map<string, readonly string[]> }>();
  constructor(private readonly max: number) {}

  private lists(ws: WorkspaceView): Map<string, readonly string[]> | undefined {
    if (!(ws instanceof AnalysisWorkspace) || !isStamped(ws.base)) return undefined;
    const stamp = ws.base.readStamp();
    let known = this.perBase.get(ws.base);
    if (!known || known.stamp !== stamp) this.perBase.set(ws.base, (known = { stamp, lists: new Map() }));
    return known.lists;
  }

  /**
   * True when `key`'s list is known to hold no file for an analysis' view `ws` (its paths are then recorded as read):
   * readText would answer undefined for each. False otherwise: read them (and note the list when none holds a file).
   */
  read(ws: WorkspaceView, key: string): boolean {
    const paths = this.lists(ws)?.get(key);
    return paths !== undefined && (ws as AnalysisWorkspace).readNone(paths);
  }

  /** Notes that readText, in the analysis `ws`, found no file at any of `key`'s paths (`paths(key)`: made only when kept). */
  note(ws: WorkspaceView, key: string, paths: (key: string) => readonly string[]): void {
    const lists = this.lists(ws);
    if (!lists) return;
    if (lists.size >= this.max) lists.clear();
    lists.set(key, paths(key));
  }
}

/**
 * The start folders around which no compose file was found, each with the paths that were read to tell (every default
 * compose name in it and in the folders above it). Most Dockerfiles have none around them, and each analysis read the
 * same 32 missing paths again.
 */
const noComposeAround = new KnownMissing(512);

/**
 * The files whose root candidates (include.ts rootCandidates) all hold no file, noted by includersOf's first reads (per
 * stamped workspace view, while no editor gives one of them): the answer of includersOf and of extendingRoot is
 * then none, known without reading the 60-odd missing paths again in every analysis. Keyed by the file (its own path
 * is no candidate of itself); as many files as candidatesByDir holds folders.
 * Made here, not in include.ts: the two modules import each other, and a bundle may run include.ts first.
 */
export const noRootCandidates = new KnownMissing(4096);

/**
 * Parses of other files, shared by analyses: a parse depends on the path and the text alone, so a
 * keystroke does not re-parse the neighbours. Rules never see these; they get a context that reads
 * the parse in their analysis (below). Kept for the most recently used files, up to MAX_MEMO files and
 * MAX_MEMO_CHARS characters of text (as many small files as an include tree holds; a few large ones):
 * with 64 files, each analysis of a file of laradock's include: project (110 files, walked in the same
 * order every time) found none of the tree's parses left and parsed the whole tree again (review 41b, item 2).
 */
const MAX_MEMO = 1024;
const MAX_MEMO_CHARS = 16 * 1024 * 1024;
const composeParses = new Map<string, ComposeContext>();
const dockerfileParses = new Map<string, DockerfileContext>();
const memoChars = new Map<Map<string, { text: string }>, number>();

function memo<T extends { text: string }>(cache: Map<string, T>, key: string, make: () => T): T {
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const value = make();
  cache.set(key, value);
  let chars = (memoChars.get(cache) ?? 0) + value.text.length;
  while (cache.size > 1 && (cache.size > MAX_MEMO || chars > MAX_MEMO_CHARS)) {
    const [oldest, dropped] = cache.entries().next().value as [string, T];
    cache.delete(oldest);
    chars -= dropped.text.length;
  }
  memoChars.set(cache, chars);
  return value;
}

/**
 * The workspace as one analysis reads it. What a context learns beyond its own text (the `.env` that
 * interpolates it, the files that include it, what its services build) reads other files, which may
 * change between analyses (the `.env` of the compose file that builds an open Dockerfile): so the
 * contexts of other files live as long as the analysis that asked for them, one per file, and the
 * next analysis reads those files afresh.
 */
class AnalysisWorkspace implements WorkspaceView {
  readonly contexts = new Map<string, ComposeContext | DockerfileContext>();
  /** composeFilesAround's answers in this analysis, by start folders. */
  around?: Map<string, { options: RuleOptions; files: ComposeContext[] }>;
  /** Every path the analysis read or looked for (found or not, repeats included): a change to any of them may change its findings. */
  private readonly reads: (string | readonly string[])[] = [];
  private readSet: Set<string> | undefined;
  /**
   * The base's index reader, recording the read; absent when the base reads no indexes (an in-memory view), so that
   * gitTracking tells "cannot read indexes" (undefined) from "this index cannot be read whole" ('unknown').
   */
  readonly gitIndex?: (repoRoot: string) => Uint8Array | null | undefined;
  /** The base's user ignore file (the CLI's view has one, the server's none: WorkspaceView.gitExcludesFile). */
  readonly gitExcludesFile?: (repoRoot: string) => string | undefined;
  constructor(readonly base: WorkspaceView) {
    if (base.gitExcludesFile) this.gitExcludesFile = base.gitExcludesFile.bind(base);
    const read = base.gitIndex?.bind(base);
    if (read)
      this.gitIndex = (repoRoot) => {
        this.reads.push(path.join(repoRoot, '.git', 'index'));
        return read(repoRoot);
      };
  }
  readText(p: string): string | undefined {
    this.reads.push(p);
    return this.base.readText(p);
  }
  /**
   * Records `paths` as read when they are known to hold no file (KnownMissing: the base's stamp has not changed since)
   * and no open editor gives one of them: readText would have answered undefined for each. False otherwise.
   */
  readNone(paths: readonly string[]): boolean {
    const base = this.base as StampedWorkspace;
    for (let i = 0; i < paths.length; i++) if (base.overlaid(paths[i])) return false;
    // The list itself (KnownMissing keeps it unchanged): `read` takes its paths apart when asked.
    this.reads.push(paths);
    return true;
  }
  exists(p: string): boolean {
    this.reads.push(p);
    return this.base.exists(p);
  }
  listDir(dir: string): string[] | undefined {
    this.reads.push(dir);
    return this.base.listDir?.(dir);
  }
  readHead(p: string, max: number): Uint8Array | undefined {
    this.reads.push(p);
    return this.base.readHead?.(p, max);
  }
  isSymbolicLink(p: string): boolean {
    this.reads.push(p);
    return this.base.isSymbolicLink?.(p) ?? false;
  }
  /** The paths read so far, as a set (made when asked: an analysis records far more often than anyone asks). */
  get read(): ReadonlySet<string> {
    const set = (this.readSet ??= new Set());
    for (const p of this.reads) {
      if (typeof p === 'string') set.add(p);
      else for (const q of p) set.add(q);
    }
    this.reads.length = 0;
    return set;
  }
}

/**
 * The other files an analysis has read or looked for so far (its own file included when a rule read
 * it through the workspace): the editor re-analyzes the file when one of them changes.
 */
export function filesRead(ctx: { workspace: WorkspaceView }): ReadonlySet<string> {
  return ctx.workspace instanceof AnalysisWorkspace ? ctx.workspace.read : new Set();
}

/** Whether `ws` is one analysis' view (analysisWorkspace): what it reads stays as it is while the analysis runs. */
export function isAnalysisWorkspace(ws: WorkspaceView): boolean {
  return ws instanceof AnalysisWorkspace;
}

/** A view of `ws` for one analysis: the contexts of other files made while it runs are its own. */
export function analysisWorkspace(ws: WorkspaceView): WorkspaceView {
  return new AnalysisWorkspace(ws instanceof AnalysisWorkspace ? ws.base : ws);
}

/** Registers the analyzed file's own context, so a rule that reads that file through the workspace gets it. */
export function registerAnalyzed(ws: WorkspaceView, ctx: ComposeContext | DockerfileContext): void {
  if (ws instanceof AnalysisWorkspace) ws.contexts.set(`${ctx.kind}\u0000${ctx.path}`, ctx);
}

/** The context of another file in the analysis `ws` belongs to (made afresh outside an analysis). */
function contextFor<T extends ComposeContext | DockerfileContext>(ws: WorkspaceView, kind: T['kind'], p: string, text: string, make: () => T): T {
  if (!(ws instanceof AnalysisWorkspace)) return make();
  // Keyed by path, checked against the text (not keyed by it: hashing a whole file costs more than an analysis of a small one).
  const key = `${kind}\u0000${p}`;
  const known = ws.contexts.get(key) as T | undefined;
  if (known && known.text === text) return known;
  const made = make();
  ws.contexts.set(key, made);
  return made;
}

// parsedCompose and parsedDockerfile make their closures in a function of their own: most paths asked (the compose
// names of every folder around a Dockerfile) hold no file, and a closure's scope is made on entry to the function that holds it.
export function parsedCompose(ws: WorkspaceView, p: string, options: RuleOptions = DEFAULT_OPTIONS): ComposeContext | undefined {
  const text = ws.readText(p);
  return text === undefined ? undefined : composeReading(ws, p, text, options);
}

function composeReading(ws: WorkspaceView, p: string, text: string, options: RuleOptions): ComposeContext {
  return contextFor(ws, 'compose', p, text, () => memo(composeParses, `${p}\u0000${text}`, () => new ComposeContext(p, text, EMPTY_WORKSPACE, DEFAULT_OPTIONS)).reading(ws, options));
}

export function parsedDockerfile(ws: WorkspaceView, p: string, options: RuleOptions = DEFAULT_OPTIONS): DockerfileContext | undefined {
  const text = ws.readText(p);
  return text === undefined ? undefined : dockerfileReading(ws, p, text, options);
}

function dockerfileReading(ws: WorkspaceView, p: string, text: string, options: RuleOptions): DockerfileContext {
  return contextFor(ws, 'dockerfile', p, text, () => memo(dockerfileParses, `${p}\u0000${text}`, () => new DockerfileContext(p, text, EMPTY_WORKSPACE, DEFAULT_OPTIONS)).reading(ws, options));
}

export interface BuildInfo {
  /** Absolute path of the build context directory. */
  context: string;
  /** Absolute path of the Dockerfile (default `<context>/Dockerfile`). */
  dockerfile: string;
  /** The final target stage when `build.target` is set. */
  target: string | null;
}

/** What a service builds: `build: ./dir` or `build: { context, dockerfile, target }`. Undefined for images, remote contexts and `dockerfile_inline`. */
export function buildOf(ctx: ComposeContext, service: Service): BuildInfo | undefined {
  // Once per service mapping and analysis (image, user, healthcheck and data-store rules all ask).
  return ctx.memo(service.map, 'buildOf', () => computeBuildOf(ctx, service));
}

function computeBuildOf(ctx: ComposeContext, service: Service): BuildInfo | undefined {
  const written = writtenBuildPaths(ctx, service);
  if (!written) return undefined;
  const paths = buildPaths(ctx.projectDir, interpolatedPath(ctx, written.context), interpolatedPath(ctx, written.dockerfile));
  return paths && { ...paths, target: written.target };
}

/**
 * A service's `build:` context and Dockerfile as written, before interpolation (the context `.` when a
 * `build:` mapping has none); undefined without a build or with `dockerfile_inline`. What the file says of
 * itself: it depends on the parse alone.
 */
function writtenBuildPaths(ctx: ComposeContext, service: Service): { context: string | null; dockerfile: string | null; target: string | null } | undefined {
  const entry = ctx.serviceGet(service, 'build');
  if (!entry || !entry.value) return undefined;
  if (isScalar(entry.value)) return { context: scalarString(entry.value), dockerfile: null, target: null };
  if (!isMap(entry.value)) return { context: null, dockerfile: null, target: null };
  const map = entry.value;
  if (ctx.get(service.doc, map, 'dockerfile_inline')) return undefined;
  const context = scalarString(ctx.get(service.doc, map, 'context')?.value);
  return {
    // `context:` unwritten is the project folder.
    context: context === null ? '.' : context,
    dockerfile: scalarString(ctx.get(service.doc, map, 'dockerfile')?.value),
    target: scalarString(ctx.get(service.doc, map, 'target')?.value),
  };
}

/**
 * Which services of a parse build which Dockerfile and from which context folder, for one project folder:
 * the services whose `build:` paths read no variable, indexed once per parse and project folder (they
 * depend on nothing else), and the others (`context: ${APP_DIR}`), whose paths the `.env` of each
 * analysis decides. Before this index, every Dockerfile's analysis computed every service's build
 * paths: a monorepo of N services each building its own Dockerfile cost N² (review 45c, item 1).
 */
interface BuildIndex {
  byDockerfile: Map<string, number[]>;
  byContext: Map<string, number[]>;
  /** Indexes of the services whose build paths read a variable: indexed by interpolatedIndexOf, for the variables' values. */
  interpolated: number[];
  /** Indexes of the services with a `build:` that gives no paths whatever the variables (dockerfile_inline, a URL context). */
  unresolved: number[];
  /** The paths of the `interpolated` services for the variables' values they were last read with. */
  byValues?: InterpolatedBuildIndex;
}

/**
 * The build paths of the services whose `build:` reads a variable (`context: ${APP_DIR}/api`), indexed for the values
 * their interpolation read: every variable looked up (in the order asked, each once) with the value the env gave
 * (unset, unknown or a string). Interpolation is a function of the text and those answers, so the index holds for a
 * context whose env (its `.env`, the include's env files: ComposeContext.dotenv) gives each of them the same value
 * again; a change of the `.env` that one of them reads makes it anew. Before, each Dockerfile's analysis interpolated
 * every such service of the compose files around it: N² for a monorepo of N services building `${ROOT}/svcI`
 * (review 45c leftovers, item 4).
 */
interface InterpolatedBuildIndex {
  reads: [string, string | null | undefined][];
  byDockerfile: Map<string, number[]>;
  byContext: Map<string, number[]>;
  /** Those whose paths are not known for these values (a variable without a value, a URL it gives…). */
  unresolved: number[];
}

function interpolatedIndexOf(ctx: ComposeContext, index: BuildIndex): InterpolatedBuildIndex {
  const env = ctx.dotenv()?.values;
  const hit = index.byValues;
  if (hit && hit.reads.every(([name, value]) => env?.get(name) === value)) return hit;
  const reads = new Map<string, string | null | undefined>();
  const lookup = (name: string) => {
    const value = env?.get(name);
    if (!reads.has(name)) reads.set(name, value);
    return value;
  };
  // interpolatedPath with the lookups recorded: the same value computeBuildOf gives.
  const interpolated = (raw: string | null) => (raw !== null && raw.includes('$') ? (interpolate(raw, lookup).value ?? raw) : raw);
  const made: InterpolatedBuildIndex = { reads: [], byDockerfile: new Map(), byContext: new Map(), unresolved: [] };
  for (const i of index.interpolated) {
    const written = writtenBuildPaths(ctx, ctx.services[i]);
    const paths = written && buildPaths(ctx.projectDir, interpolated(written.context), interpolated(written.dockerfile));
    if (!paths) {
      made.unresolved.push(i);
      continue;
    }
    addTo(made.byDockerfile, paths.dockerfile, i);
    addTo(made.byContext, paths.context, i);
  }
  made.reads = [...reads];
  index.byValues = made;
  return made;
}

function addTo(m: Map<string, number[]>, key: string, i: number): void {
  const list = m.get(key);
  if (list) list.push(i);
  else m.set(key, [i]);
}

const buildIndexes = new WeakMap<readonly Service[], Map<string, BuildIndex>>();
const MAX_PROJECT_DIRS = 16;

function buildIndexOf(ctx: ComposeContext): BuildIndex {
  // Keyed by the parse's services list, which every context reading that parse shares (ComposeContext.reading).
  let byDir = buildIndexes.get(ctx.services);
  if (!byDir) buildIndexes.set(ctx.services, (byDir = new Map()));
  const projectDir = ctx.projectDir;
  let index = byDir.get(projectDir);
  if (index) return index;
  index = { byDockerfile: new Map(), byContext: new Map(), interpolated: [], unresolved: [] };
  const add = addTo;
  ctx.services.forEach((service, i) => {
    const entry = ctx.serviceGet(service, 'build');
    if (!entry || !entry.value) return;
    const written = writtenBuildPaths(ctx, service);
    if (written && (written.context?.includes('$') || written.dockerfile?.includes('$'))) {
      index.interpolated.push(i);
      return;
    }
    const paths = written && buildPaths(projectDir, written.context, written.dockerfile);
    if (!paths) {
      index.unresolved.push(i);
      return;
    }
    add(index.byDockerfile, paths.dockerfile, i);
    add(index.byContext, paths.context, i);
  });
  if (byDir.size >= MAX_PROJECT_DIRS) byDir.clear();
  byDir.set(projectDir, index);
  return index;
}

/** The services of a compose file with a `build:` whose paths are not known (buildOf gives none), in no particular order. */
export function servicesWithUnknownBuild(ctx: ComposeContext): Service[] {
  const index = buildIndexOf(ctx);
  const out = index.unresolved.map((i) => ctx.services[i]);
  if (index.interpolated.length > 0) for (const i of interpolatedIndexOf(ctx, index).unresolved) out.push(ctx.services[i]);
  return out;
}

/**
 * The services of a compose file whose build (buildOf) reads the Dockerfile `dockerfile` or, with `by:
 * 'context'`, the context folder `dockerfile`: in the file's order, each with its build.
 */
export function servicesBuildingIn(ctx: ComposeContext, by: 'dockerfile' | 'context', p: string): { service: Service; build: BuildInfo }[] {
  const index = buildIndexOf(ctx);
  const fixed = (by === 'dockerfile' ? index.byDockerfile : index.byContext).get(p) ?? [];
  let candidates = fixed;
  if (index.interpolated.length > 0) {
    const byValues = interpolatedIndexOf(ctx, index);
    const found = (by === 'dockerfile' ? byValues.byDockerfile : byValues.byContext).get(p);
    if (found) candidates = [...fixed, ...found].sort((a, b) => a - b);
  }
  const out: { service: Service; build: BuildInfo }[] = [];
  for (const i of candidates) {
    const service = ctx.services[i];
    const build = buildOf(ctx, service);
    if (build && (by === 'dockerfile' ? build.dockerfile : build.context) === p) out.push({ service, build });
  }
  return out;
}

/**
 * A path of `build:` as Compose reads it: interpolated with the `.env` of the project (`context:
 * ${APP_DIR:-.}`); as written when a variable in it is unknown (then it is no folder: isFolderContext).
 */
function interpolatedPath(ctx: ComposeContext, raw: string | null): string | null {
  return raw !== null && raw.includes('$') ? (interpolateWithDotenv(ctx, raw).value ?? raw) : raw;
}

/** A build context written as a folder path (not a variable, a URL or a git remote). */
function isFolderContext(context: string): boolean {
  return !context.includes('$') && !/^[a-z][a-z0-9+.-]*:\/\//i.test(context) && !context.startsWith('git@');
}

/**
 * The build context folder and Dockerfile of a build as written: undefined when the context is not a
 * folder of the workspace (unwritten, a variable, a URL, a git remote) or the Dockerfile's name holds a variable.
 */
function buildPaths(projectDir: string, contextRel: string | null, dockerfileRel: string | null | undefined): { context: string; dockerfile: string } | undefined {
  if (contextRel === null || !isFolderContext(contextRel)) return undefined;
  const context = path.resolve(projectDir, contextRel);
  if (dockerfileRel != null && dockerfileRel.includes('$')) return undefined;
  return { context, dockerfile: dockerfileRel == null ? path.join(context, 'Dockerfile') : path.resolve(context, dockerfileRel) };
}

/** The parsed Dockerfile a service builds, when it is in the workspace. */
export function builtDockerfile(ctx: ComposeContext, service: Service): { build: BuildInfo; dockerfile: DockerfileContext } | undefined {
  const build = buildOf(ctx, service);
  if (!build) return undefined;
  const dockerfile = parsedDockerfile(ctx.workspace, build.dockerfile, ctx.options);
  return dockerfile ? { build, dockerfile } : undefined;
}

export interface BuildingService {
  compose: ComposeContext;
  service: Service;
  build: BuildInfo;
}

/**
 * The stage name a building service's `build.target` gives, as Compose reads it (`${TARGET:-dev}` with the .env of
 * the compose file), lower-cased: undefined without a target, null when its value is not known.
 */
export function buildTargetName(b: BuildingService): string | null | undefined {
  const t = b.build.target;
  if (t === null) return undefined;
  const name = t.includes('$') ? interpolateWithDotenv(b.compose, t).value : t;
  return name === null ? null : name.toLowerCase();
}

/**
 * The compose services that build a Dockerfile, in the compose files around it (composeFilesAround:
 * the default files and their overrides in its folder and up to three above, and what they include).
 */
export function servicesBuilding(ws: WorkspaceView, dockerfilePath: string, options: RuleOptions = DEFAULT_OPTIONS): BuildingService[] {
  const out: BuildingService[] = [];
  for (const compose of composeFilesAround(ws, [path.dirname(dockerfilePath)], options)) {
    for (const { service, build } of servicesBuildingIn(compose, 'dockerfile', dockerfilePath)) out.push({ compose, service, build });
  }
  return out;
}

/**
 * A name as BuildKit looks a named context up: normalized as an image name (`docker.io/library/php` →
 * `php`), without a `:latest` tag, lowercased (moby/buildkit frontend/dockerui `NamedContext`).
 */
export function namedContextKey(name: string): string {
  let n = name.trim().toLowerCase();
  n = n.replace(/^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '').replace(/^library\//, '');
  return n.endsWith(':latest') ? n.slice(0, -7) : n;
}

/** The `build:` keys of one file's service, as written (a key the file does not write is absent). */
interface WrittenBuild {
  context?: string | null;
  dockerfile?: string | null;
  inline?: boolean;
  contexts: Map<string, string>;
}

function writtenBuild(compose: ComposeContext, service: Service, depth = 0): WrittenBuild | undefined {
  const own = ownWrittenBuild(compose, service);
  // `extends:` merges the base's build into the service's, key by key (review 21, probe 07).
  const ext = depth < 8 ? extendedService(compose, service) : undefined;
  const base = ext && ext !== 'unknown' ? writtenBuild(ext.ctx, ext.service, depth + 1) : undefined;
  // A base in another file has its relative paths resolved against that file's folder before the
  // merge (compose-go's getExtendsBaseFromFile): its context is a folder there, not here.
  if (base && ext && ext !== 'unknown' && ext.ctx.path !== compose.path && typeof base.context === 'string' && isFolderContext(base.context)) {
    base.context = path.resolve(ext.ctx.projectDir, base.context);
  }
  if (!base) return own;
  if (!own) return base;
  return {
    context: own.context !== undefined ? own.context : base.context,
    dockerfile: own.dockerfile !== undefined ? own.dockerfile : base.dockerfile,
    inline: own.inline || base.inline,
    contexts: new Map([...base.contexts, ...own.contexts]),
  };
}

function ownWrittenBuild(compose: ComposeContext, service: Service): WrittenBuild | undefined {
  const build = compose.serviceGet(service, 'build')?.value;
  if (!build) return undefined;
  if (isScalar(build)) return { context: interpolatedPath(compose, scalarString(build)), contexts: new Map() };
  if (!isMap(build)) return undefined;
  const out: WrittenBuild = { contexts: new Map() };
  const context = compose.get(service.doc, build, 'context');
  if (context) out.context = interpolatedPath(compose, scalarString(context.value));
  const dockerfile = compose.get(service.doc, build, 'dockerfile');
  if (dockerfile) out.dockerfile = interpolatedPath(compose, scalarString(dockerfile.value));
  if (compose.get(service.doc, build, 'dockerfile_inline')) out.inline = true;
  const contexts = compose.get(service.doc, build, 'additional_contexts')?.value;
  // Values as Compose reads them, interpolated (`docker-image://python:${PY_TAG:-3.7-slim}`: review 21, probe 06);
  // one that stays unknown is kept as written (not an image: not judged).
  const value = (raw: string) => interpolatedPath(compose, raw) ?? raw;
  if (isMap(contexts)) {
    for (const pair of contexts.items) if (isScalar(pair.key)) out.contexts.set(namedContextKey(String(pair.key.value)), value(scalarString(pair.value as Node) ?? ''));
  } else if (isSeq(contexts)) {
    for (const item of contexts.items) {
      const entry = isScalar(item) ? scalarString(item) : null;
      const eq = entry?.indexOf('=') ?? -1;
      if (entry && eq > 0) out.contexts.set(namedContextKey(entry.slice(0, eq)), value(entry.slice(eq + 1).trim()));
    }
  }
  return out;
}

/**
 * The build contexts one service gives its build (`build.additional_contexts`, also through `extends:`),
 * by namedContextKey, with their values as Compose reads them (`service:base`, `docker-image://…`, a folder).
 */
export function additionalContextsOf(compose: ComposeContext, service: Service): Map<string, string> {
  return writtenBuild(compose, service)?.contexts ?? new Map();
}

/** Per parse (its services list): whether its text writes `additional_contexts` or `extends` (searched once, not per Dockerfile analyzed). */
const givesBuildContexts = new WeakMap<readonly Service[], boolean>();

function mayGiveBuildContexts(c: ComposeContext): boolean {
  let hit = givesBuildContexts.get(c.services);
  if (hit === undefined) givesBuildContexts.set(c.services, (hit = c.text.includes('additional_contexts') || c.text.includes('extends')));
  return hit;
}

/**
 * The build contexts (`build.additional_contexts`, map or `name=value` list) that every compose service
 * building a Dockerfile gives it, by namedContextKey, with the values they give (`docker-image://…`, a
 * folder, a URL). BuildKit resolves `FROM <name>`, `COPY --from=<name>` and `RUN --mount=…,from=<name>`
 * to such a context before it would pull an image of that name
 * (https://docs.docker.com/reference/compose-file/build/#additional_contexts). A name that a service
 * building the Dockerfile does not give is an image for that build (review 18, probe 04): not a context.
 * A service is taken as Compose runs it: the default file of a folder and its override merge key by key
 * (`build.dockerfile` from the override, contexts from the base: review 19, probe 02; review 20, probe 02);
 * any other compose file (a `docker-compose.yml` beside a `compose.yaml`, which Compose does not read
 * then) is a project of its own (review 20, probe 03).
 */
export function namedBuildContexts(ws: WorkspaceView, dockerfilePath: string, options: RuleOptions = DEFAULT_OPTIONS): Map<string, string[]> {
  const files = composeFilesAround(ws, [path.dirname(dockerfilePath)], options);
  // Most projects give no build contexts: nothing to merge. A service also gets those of the service
  // it extends, which another file can give (`extends: {file: ../common/base.yml}`: review 22).
  if (!files.some(mayGiveBuildContexts)) return new Map();
  const groups = new Map<string, { projectDir: string; build: WrittenBuild }>();
  const pairs = new Map<string, { main?: string; override?: string }>();
  for (const compose of files) {
    const dir = path.dirname(compose.path);
    let pair = pairs.get(dir);
    if (!pair) pairs.set(dir, (pair = defaultComposePair(ws, dir)));
    const merged = compose.path === pair.main || compose.path === pair.override;
    for (const service of compose.services) {
      const written = writtenBuild(compose, service);
      if (!written) continue;
      const key = `${merged ? dir : compose.path}\u0000${service.name}`;
      const group = groups.get(key);
      if (!group) {
        groups.set(key, { projectDir: compose.projectDir, build: written });
        continue;
      }
      // Compose merges the override into the base: the keys it writes win, the contexts merge by name.
      const b = group.build;
      if (written.context !== undefined) b.context = written.context;
      if (written.dockerfile !== undefined) b.dockerfile = written.dockerfile;
      if (written.inline) b.inline = true;
      for (const [k, v] of written.contexts) b.contexts.set(k, v);
    }
  }
  let all: Map<string, string[]> | undefined;
  for (const { projectDir, build } of groups.values()) {
    if (build.inline || build.dockerfile === null) continue;
    if (buildPaths(projectDir, build.context === undefined ? '.' : build.context, build.dockerfile)?.dockerfile !== dockerfilePath) continue;
    if (!all) all = new Map([...build.contexts].map(([k, v]) => [k, [v]]));
    else for (const [k, values] of all) {
      const v = build.contexts.get(k);
      if (v === undefined) all.delete(k);
      else values.push(v);
    }
  }
  return all ?? new Map();
}
