/**
 * Compose `include:` (Compose Specification, https://docs.docker.com/reference/compose-file/include/,
 * Docker Compose 2.20+): a compose file pulls other compose applications into its project.
 * - Short syntax: `include: [db/compose.yaml]`. Long syntax: `- path: a.yaml` (or a list of paths,
 *   merged like `-f a -f b`), `project_directory:` (default: the included file's own directory) and
 *   `env_file:` (string or list; default: the `.env` of that project directory), all relative to the
 *   including file's directory.
 * - Each included file is loaded as its own application (its own project directory), then its
 *   resources are copied into the including project: its services join the same default network.
 *   `include` applies recursively. Its `${…}` are interpolated with the including project's variables
 *   first (the root's `.env`), then its own env files for the names those lack (includeEnvLevels).
 *
 * Forward relations (what a file includes) come from the file itself. The reverse relation (which
 * compose files include me) is looked up cheaply and bounded, like `servicesBuilding`: the compose
 * files with a default name (or `[docker-]compose.prod[uction].y[a]ml`) in the file's directory and up
 * to three directories above, and what they include recursively (at most MAX_DEPTH levels, cycles
 * cut); memoized by the text of every file read. When several roots include a file, the first found
 * wins (nearest directory first, then `compose.yaml`, `compose.yml`, `docker-compose.yaml`,
 * `docker-compose.yml`, the production names, then include order): its `.env`, and the project
 * directories and env files of the includes down to the file, interpolate the file. Paths with `${…}`
 * are not followed.
 *
 * `extends: {file: …}` (https://docs.docker.com/reference/compose-file/services/#extends) names a YAML
 * file that holds services in compose syntax (`common-services.yml` in the Docker docs): such a base file,
 * referenced from a root (or a file it includes, or a base, up to MAX_EXTENDS_HOPS files deep), is
 * analyzed as a compose file too, so a value written only there is reported where it is written. It is
 * not an included application: no project directory or env files come from the reference.
 *
 * Relative paths in an included file (`extends: {file: …}` among them; also `build:`, `env_file:`, bind
 * mounts and `secrets:`/`configs:` files, see ComposeContext.projectDir) resolve against its project
 * directory, as docker compose loads it (compose-go `ApplyInclude` gives the included file a resource
 * loader rooted there); those of an `extends` base file against the base's own folder
 * (`getExtendsBaseFromFile`). So do the `path:`, `project_directory:` and `env_file:` of an `include:`
 * written in an included file: compose-go loads them through the resource loader rooted at the
 * included file's project directory (`ApplyInclude`: `localResourceLoader{WorkingDir: r.ProjectDirectory}`).
 */
import * as path from 'node:path';
import { type Node, type Scalar } from 'yaml';
import { isMap, isScalar, isSeq } from './yaml-guards';
import { scalarString, type ComposeContext } from './compose';
import { DEFAULT_COMPOSE_NAMES, defaultComposeFiles, defaultComposePair, isAnalysisWorkspace, noRootCandidates, parsedCompose } from './relations';
import { DEFAULT_OPTIONS, type RuleOptions, type WorkspaceView } from './types';

/** How many `include` levels are followed from a root. */
const MAX_DEPTH = 4;
/** How many directories above a file are searched for a root that includes it. */
const MAX_PARENTS = 3;
/** How many files one include tree may hold (a bound on hostile input; the CLI names the files past it). */
export const MAX_INCLUDED_FILES = 256;
const MAX_FILES = MAX_INCLUDED_FILES;

/**
 * What the CLI (standard error, `not checked: …`) and the server (its log, `not analyzed: …`) say of the files an
 * include tree names past MAX_INCLUDED_FILES (`cut` of includedFiles), given as they show paths: the first five, then
 * how many more.
 */
export function includeLimitNotice(root: string, cut: readonly string[]): string {
  const shown = cut.slice(0, 5);
  const more = cut.length > shown.length ? ` and ${cut.length - shown.length} more` : '';
  return `${cut.length} file${cut.length === 1 ? '' : 's'} that ${root} includes past the limit of ${MAX_INCLUDED_FILES} files in one include tree: ${shown.join(', ')}${more}`;
}
/** How many `extends: {file: …}` hops are followed from a root's files (as compose-lookup's MAX_EXTENDS). */
const MAX_EXTENDS_HOPS = 16;

export interface IncludeEntry {
  /** Absolute paths of the included files (several: merged like `-f a -f b`). */
  files: string[];
  /** Absolute project directory of the included application. */
  projectDir: string;
  /** Absolute paths of the `env_file:` entries (empty: the `.env` of `projectDir` is used). */
  envFiles: string[];
  /** The `env_file:` scalars, in the order of `envFiles`. */
  envFileNodes: Scalar[];
  /** The include item as written (where a finding about it is reported). */
  node: Node;
}

/** By parse (a context's `documents`), then by the directory the paths resolve against. */
const entriesMemo = new WeakMap<object, Map<string, IncludeEntry[]>>();

function pathOf(node: Node | null | undefined): string | null {
  const s = scalarString(node);
  if (s === null || s.trim() === '' || s.includes('$')) return null;
  return s;
}

/**
 * The entries of a compose file's top-level `include:` (every document), paths made absolute against
 * `dir`: the file's project directory (its own folder, or the `project_directory:` of the include that
 * pulls it in). Callers that walk an include tree pass the directory they know; the others pass
 * `ctx.projectDir`.
 */
export function includesOf(ctx: ComposeContext, dir: string): IncludeEntry[] {
  let byDir = entriesMemo.get(ctx.documents);
  const cached = byDir?.get(dir);
  if (cached) return cached;
  const out: IncludeEntry[] = [];
  for (const doc of ctx.documents) {
    const root = doc.contents;
    if (!root || !isMap(root)) continue;
    const inc = ctx.get(doc, root, 'include');
    if (!inc || !inc.value || !isSeq(inc.value)) continue;
    for (const raw of inc.value.items) {
      const item = ctx.resolve(doc, raw as Node);
      if (!item) continue;
      if (isScalar(item)) {
        const p = pathOf(item);
        if (p === null) continue;
        const file = path.resolve(dir, p);
        out.push({ files: [file], projectDir: path.dirname(file), envFiles: [], envFileNodes: [], node: item });
        continue;
      }
      if (!isMap(item)) continue;
      const pathEntry = ctx.get(doc, item, 'path');
      const pathNodes = pathEntry?.value && isSeq(pathEntry.value) ? pathEntry.value.items.map((n) => ctx.resolve(doc, n as Node)) : [pathEntry?.value ?? null];
      const files = pathNodes.map(pathOf);
      if (files.length === 0 || files.some((f) => f === null)) continue;
      const abs = files.map((f) => path.resolve(dir, f!));
      const projectRaw = ctx.get(doc, item, 'project_directory');
      let projectDir = path.dirname(abs[0]);
      if (projectRaw) {
        const p = pathOf(projectRaw.value);
        if (p === null) continue;
        projectDir = path.resolve(dir, p);
      }
      const envEntry = ctx.get(doc, item, 'env_file');
      const envNodes = envEntry?.value ? (isSeq(envEntry.value) ? envEntry.value.items.map((n) => ctx.resolve(doc, n as Node)) : [envEntry.value]) : [];
      const envFiles: string[] = [];
      const envFileNodes: Scalar[] = [];
      let envUnknown = false;
      for (const n of envNodes) {
        const p = pathOf(n);
        if (p === null || !n || !isScalar(n)) {
          envUnknown = true;
          continue;
        }
        envFiles.push(path.resolve(dir, p));
        envFileNodes.push(n);
      }
      if (envUnknown && envFiles.length === 0) continue;
      out.push({ files: abs, projectDir, envFiles, envFileNodes, node: item });
    }
  }
  if (!byDir) entriesMemo.set(ctx.documents, (byDir = new Map()));
  byDir.set(dir, out);
  return out;
}

export interface Inclusion {
  /** The compose file whose `include:` names the file. */
  parent: ComposeContext;
  /** The directory `parent`'s include entries resolve against (its project directory). */
  parentDir: string;
  entry: IncludeEntry;
  /** The root the search started from (a default compose file; `parent` itself for a direct include). */
  root: ComposeContext;
}

/**
 * Every file of the include tree below a compose file (not the file itself), each once, in
 * breadth-first order, with the inclusion that brings it in. Files are read through `ws` (by default
 * the root's). The root's includes resolve against its folder (a file named on the command line, or
 * opened, is loaded as a project of its own), an included file's against its project directory.
 */
export function includeTree(root: ComposeContext, ws: WorkspaceView = root.workspace, cut?: string[]): readonly IncludedFile[] {
  // Once per root and analysis: the files of an analysis are read as they are while it runs, and every file of an
  // include project asks for its root's tree (DC032 counts the project's services, each asking whether its file is
  // included: review 45c, item 5).
  if (cut || ws !== root.workspace || !isAnalysisWorkspace(ws)) return computeIncludeTree(root, ws, cut);
  let tree = treeMemo.get(root);
  if (!tree) treeMemo.set(root, (tree = computeIncludeTree(root, ws)));
  return tree;
}

export interface IncludedFile {
  ctx: ComposeContext;
  via: Inclusion;
}

/** By root context, for roots read in an analysis (their contexts live as long as it does). */
const treeMemo = new WeakMap<ComposeContext, readonly IncludedFile[]>();

/** `cut` collects the files named by includes past the MAX_FILES bound (not in the tree), each once. */
function computeIncludeTree(root: ComposeContext, ws: WorkspaceView, cut?: string[]): IncludedFile[] {
  const out: IncludedFile[] = [];
  const seen = new Set<string>([root.path]);
  let level: { ctx: ComposeContext; dir: string }[] = [{ ctx: root, dir: root.dir }];
  for (let depth = 0; depth < MAX_DEPTH && level.length > 0; depth++) {
    const next: { ctx: ComposeContext; dir: string }[] = [];
    for (const { ctx: parent, dir: parentDir } of level) {
      for (const entry of includesOf(parent, parentDir)) {
        for (const file of entry.files) {
          if (seen.has(file)) continue;
          if (seen.size > MAX_FILES) {
            if (cut && !cut.includes(file)) cut.push(file);
            continue;
          }
          seen.add(file);
          const ctx = parsedCompose(ws, file, root.options);
          if (!ctx) continue;
          out.push({ ctx, via: { parent, parentDir, entry, root } });
          next.push({ ctx, dir: entry.projectDir });
        }
      }
    }
    level = next;
  }
  return out;
}

/** By parse, like entriesMemo, then by the directory the paths resolve against. */
const extendsFilesMemo = new WeakMap<object, Map<string, string[]>>();

/**
 * The YAML files a compose file's services name in `extends: {file: …}` (absolute, each once; `${…}`
 * paths are not followed), resolved against `dir`: the project directory (see extendsFile).
 */
export function extendsFilesOf(ctx: ComposeContext, dir: string): string[] {
  let byDir = extendsFilesMemo.get(ctx.documents);
  const cached = byDir?.get(dir);
  if (cached) return cached;
  const out: string[] = [];
  if (mayExtend(ctx.text)) {
    for (const service of ctx.services) {
      const ext = ctx.serviceGet(service, 'extends');
      if (!ext || !ext.value || !isMap(ext.value)) continue;
      const p = pathOf(ctx.get(service.doc, ext.value, 'file')?.value);
      if (p === null || !/\.ya?ml$/i.test(p)) continue;
      const file = path.resolve(dir, p);
      if (file !== ctx.path && !out.includes(file)) out.push(file);
    }
  }
  if (!byDir) extendsFilesMemo.set(ctx.documents, (byDir = new Map()));
  byDir.set(dir, out);
  return out;
}

/**
 * A root and the files of its include tree, each with its project directory: the root's own folder, an
 * included file's from the include that brings it in.
 */
function projectOf(root: ComposeContext, tree: readonly IncludedFile[]): { ctx: ComposeContext; dir: string }[] {
  return [{ ctx: root, dir: root.dir }, ...tree.map(({ ctx, via }) => ({ ctx, dir: via.entry.projectDir }))];
}

/**
 * The base files that the services of `from` (a root and the files it includes, with their project
 * directories) extend, directly or through other bases (up to MAX_EXTENDS_HOPS files deep), each once,
 * not counting the files of `from`. A base's own `extends:` resolve against its folder. `deps` collects
 * every file read.
 */
function extendedBases(from: { ctx: ComposeContext; dir: string }[], ws: WorkspaceView, options: RuleOptions, deps?: [string, string | undefined][]): ComposeContext[] {
  const out: ComposeContext[] = [];
  const seen = new Set<string>(from.map((c) => c.ctx.path));
  let level = from;
  for (let hop = 0; hop < MAX_EXTENDS_HOPS && level.length > 0; hop++) {
    const next: { ctx: ComposeContext; dir: string }[] = [];
    for (const c of level) {
      for (const file of extendsFilesOf(c.ctx, c.dir)) {
        if (seen.has(file) || seen.size > MAX_FILES) continue;
        seen.add(file);
        const ctx = parsedCompose(ws, file, options);
        deps?.push([file, ctx?.text]);
        if (!ctx) continue;
        out.push(ctx);
        next.push({ ctx, dir: ctx.dir });
      }
    }
    level = next;
  }
  return out;
}

interface MemoEntry {
  /** Every file read to find the answer, with the text it had (undefined: absent). */
  deps: [string, string | undefined][];
  /** The answer by file: the contexts of another analysis are not handed out (see AnalysisWorkspace). */
  result: { parent: string; parentDir: string; entry: number; root: string }[];
}
const includersMemo = new Map<string, MemoEntry>();
const MAX_MEMO = 256;

/**
 * Production files are usually not default-named (`docker-compose.prod.yml`): these names are tried
 * after the default ones so an included file knows that a production root includes it (DC033).
 */
const PRODUCTION_COMPOSE_NAMES = ['compose', 'docker-compose'].flatMap((b) => ['prod', 'production'].flatMap((s) => [`${b}.${s}.yaml`, `${b}.${s}.yml`]));

/** Roots searched for a file: default (then production) compose names in its directory and up to three parents. */
export function rootCandidates(filePath: string): string[] {
  return candidatesOfDir(path.dirname(filePath)).filter((p) => p !== filePath);
}

function candidatesOfDir(dir: string): string[] {
  let all = candidatesByDir.get(dir);
  if (!all) {
    all = candidatesIn(dir);
    if (candidatesByDir.size >= 1024) candidatesByDir.clear();
    candidatesByDir.set(dir, all);
  }
  return all;
}

/**
 * The candidate roots of the files of one folder (every compose file of the corpus asks for its folder's). Up to
 * 1,024 folders: laradock's include: project has 110, which with 64 were computed again for every analysis.
 */
const candidatesByDir = new Map<string, string[]>();

function candidatesIn(fileDir: string): string[] {
  const out: string[] = [];
  let dir = fileDir;
  for (let depth = 0; depth <= MAX_PARENTS; depth++) {
    for (const name of [...DEFAULT_COMPOSE_NAMES, ...PRODUCTION_COMPOSE_NAMES]) {
      out.push(path.join(dir, name));
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return out;
}

/**
 * The compose files that include a file (directly or through included files), first found first.
 * Memoized by the text of every file the search read.
 */
export function includersOf(ws: WorkspaceView, filePath: string, options: RuleOptions = DEFAULT_OPTIONS): Inclusion[] {
  // Most files have no root candidate that can include anything (most candidates do not exist): the
  // answer is then known from the reads that checking a memo would make, without building one.
  if (noRootCandidates.read(ws, filePath)) return [];
  let anyRoot = false;
  let anyFile = false;
  for (const candidate of candidatesOfDir(path.dirname(filePath))) {
    if (candidate === filePath) continue;
    const text = ws.readText(candidate);
    if (text === undefined) continue;
    anyFile = true;
    if (mayInclude(text)) {
      anyRoot = true;
      break;
    }
  }
  if (!anyFile) noRootCandidates.note(ws, filePath, rootCandidates);
  if (!anyRoot) return [];
  if (isAnalysisWorkspace(ws)) return includersInAnalysis(ws, filePath, options);
  const hit = includersMemo.get(filePath);
  if (hit && hit.deps.every(([p, text]) => ws.readText(p) === text)) {
    const again = hit.result.map((r) => {
      const parent = parsedCompose(ws, r.parent, options);
      const root = parsedCompose(ws, r.root, options);
      const entry = parent && includesOf(parent, r.parentDir)[r.entry];
      return parent && root && entry ? { parent, parentDir: r.parentDir, entry, root } : undefined;
    });
    // The files read are as they were, so every context is there again; a miss would search afresh.
    if (again.every((r) => r !== undefined)) return again;
  }
  const deps: [string, string | undefined][] = [];
  const result: Inclusion[] = [];
  for (const candidate of rootCandidates(filePath)) {
    const text = ws.readText(candidate);
    deps.push([candidate, text]);
    if (!mayInclude(text)) continue;
    const root = parsedCompose(ws, candidate, options);
    if (!root || includesOf(root, root.dir).length === 0) continue;
    const direct = includesOf(root, root.dir).filter((e) => e.files.includes(filePath));
    for (const entry of direct) result.push({ parent: root, parentDir: root.dir, entry, root });
    for (const { ctx, via } of includeTree(root, ws)) {
      deps.push([ctx.path, ctx.text]);
      if (ctx.path === filePath) continue;
      const dir = via.entry.projectDir;
      for (const entry of includesOf(ctx, dir)) if (entry.files.includes(filePath)) result.push({ parent: ctx, parentDir: dir, entry, root: via.root });
    }
  }
  includersMemo.delete(filePath);
  includersMemo.set(filePath, { deps, result: result.map((r) => ({ parent: r.parent.path, parentDir: r.parentDir, entry: includesOf(r.parent, r.parentDir).indexOf(r.entry), root: r.root.path })) });
  if (includersMemo.size > MAX_MEMO) includersMemo.delete(includersMemo.keys().next().value as string);
  return result;
}

/**
 * includersOf in an analysis: the trees of the candidate roots are read once per analysis (includeTree), each with an
 * index of the files it includes, so that asking for every file of an include project (DC032 counts the project's
 * services, each asking whether its file is included) costs a look-up per root candidate, where revalidating the
 * memo of each file re-read the whole tree (review 45c, item 5). The same files are read: the candidates and the
 * trees of those that include anything.
 */
function includersInAnalysis(ws: WorkspaceView, filePath: string, options: RuleOptions): Inclusion[] {
  const result: Inclusion[] = [];
  for (const root of rootsIn(ws, path.dirname(filePath), options)) {
    if (root.path === filePath) continue;
    const found = includersIndex(root).get(filePath);
    if (found) result.push(...found);
  }
  return result;
}

/** By analysis, then folder: the root candidates of a folder's files that include anything (the files of a folder share them). */
const rootsMemo = new WeakMap<WorkspaceView, Map<string, { options: RuleOptions; roots: ComposeContext[] }>>();

function rootsIn(ws: WorkspaceView, dir: string, options: RuleOptions): ComposeContext[] {
  let byDir = rootsMemo.get(ws);
  if (!byDir) rootsMemo.set(ws, (byDir = new Map()));
  const hit = byDir.get(dir);
  if (hit && hit.options === options) return hit.roots;
  const roots: ComposeContext[] = [];
  for (const candidate of candidatesOfDir(dir)) {
    if (!mayInclude(ws.readText(candidate))) continue;
    const root = parsedCompose(ws, candidate, options);
    if (root && includesOf(root, root.dir).length > 0) roots.push(root);
  }
  byDir.set(dir, { options, roots });
  return roots;
}

/** By root context (of an analysis): the inclusions of every file its tree includes, in includersOf's order. */
const includersIndexes = new WeakMap<ComposeContext, Map<string, Inclusion[]>>();

function includersIndex(root: ComposeContext): Map<string, Inclusion[]> {
  let index = includersIndexes.get(root);
  if (index) return index;
  const made = new Map<string, Inclusion[]>();
  const add = (file: string, inclusion: Inclusion) => {
    const list = made.get(file);
    if (list) list.push(inclusion);
    else made.set(file, [inclusion]);
  };
  for (const entry of includesOf(root, root.dir)) for (const file of new Set(entry.files)) add(file, { parent: root, parentDir: root.dir, entry, root });
  for (const { ctx, via } of includeTree(root, root.workspace)) {
    const dir = via.entry.projectDir;
    // A file's own include of itself does not make it included.
    for (const entry of includesOf(ctx, dir)) for (const file of new Set(entry.files)) if (file !== ctx.path) add(file, { parent: ctx, parentDir: dir, entry, root: via.root });
  }
  includersIndexes.set(root, (index = made));
  return index;
}

/**
 * includersOf for the file being analyzed, once per analysis (several rules ask; each search reads
 * every root candidate again to check its memo). Null when the search threw.
 */
export function includersOfContext(ctx: ComposeContext): Inclusion[] | null {
  // In the context's own memo (as its other per-analysis answers), not a module-level WeakMap: one entry per analysis made
  // an ephemeron the garbage collector walks, and the look-up cost more than the context's map.
  return ctx.memoWith(ctx, 'includersOf', ctx, computeIncludersOfContext);
}

function computeIncludersOfContext(_ctx: ComposeContext, ctx: ComposeContext): Inclusion[] | null {
  try {
    return includersOf(ctx.workspace, ctx.path, ctx.options);
  } catch {
    return null;
  }
}

/**
 * Whether a file of `root`'s include tree is sure to be found included (isIncluded) by the analysis that reads that
 * tree: `root` is one of the root candidates of the file's folder, which includersOf searches, and every file of a
 * root's tree is in that root's index of what it includes (includersIndex), so includersOf finds root's inclusion of
 * it. A root further up than includersOf looks may be the only one that includes it: then not sure (ask isIncluded).
 */
export function surelyIncludedBy(root: ComposeContext, file: string): boolean {
  return file !== root.path && candidatesOfDir(path.dirname(file)).includes(root.path);
}

/** How a compose file is included: the first inclusion found, or undefined when no root includes it. */
export function inclusionOf(ctx: ComposeContext): Inclusion | undefined {
  return includersOfContext(ctx)?.[0];
}

/** The project directory of an included file (the include's `project_directory:`, default its own folder). */
export function includeProjectDir(ctx: ComposeContext): string | undefined {
  return inclusionOf(ctx)?.entry.projectDir;
}

/** Whether a compose file is included by another compose file of the workspace. */
export function isIncluded(ctx: ComposeContext): boolean {
  return inclusionOf(ctx) !== undefined;
}

/** The env files an include reads for the file it pulls in: its `env_file:` entries, else the `.env` of its project directory. */
export interface EnvLevel {
  paths: string[];
  /** Named by the include's `env_file:` (not the `.env` of its project directory). */
  explicit: boolean;
}

function levelOf(entry: IncludeEntry): EnvLevel {
  if (entry.envFiles.length > 0) return { paths: entry.envFiles, explicit: true };
  return { paths: [path.join(entry.projectDir, '.env')], explicit: false };
}

/**
 * The env files `docker compose` reads to interpolate an included file: the include's `env_file:`
 * entries, else the `.env` of its project directory (the file's own level of includeEnvLevels).
 * Undefined when the file is not included.
 */
export function includeEnvFiles(ctx: ComposeContext): EnvLevel | undefined {
  const inc = inclusionOf(ctx);
  return inc ? levelOf(inc.entry) : undefined;
}

/**
 * The env files whose variables interpolate an included file, level by level from the root: the
 * root's `.env` (the project's environment), then the env files of each include on the way down, the
 * file's own include last (includeEnvFiles). An earlier level wins: compose-go's ApplyInclude
 * (loader/include.go) loads an included file with `environment.Clone().Merge(envFromFile)`, where
 * `environment` is the including project's (shell and `.env`; for a nested include, that project's
 * merged one) and Mapping.Merge (types/mapping.go) "adds all values from second mapping which are not
 * already defined" — compose-go PR #449, docker/compose#10913. Within a level a later file wins.
 * Undefined when the file is not included.
 */
export function includeEnvLevels(ctx: ComposeContext): EnvLevel[] | undefined {
  const inc = inclusionOf(ctx);
  if (!inc) return undefined;
  const levels = [levelOf(inc.entry)];
  if (inc.parent.path !== inc.root.path) {
    // The includes from the root down to the parent: the first way includeTree reaches each file (the
    // way includersOf found the parent), each file once, so the walk up ends at the root.
    const via = new Map(includeTree(inc.root, ctx.workspace).map((t) => [t.ctx.path, t.via]));
    for (let at = via.get(inc.parent.path); at; at = at.parent.path === inc.root.path ? undefined : via.get(at.parent.path)) {
      levels.unshift(levelOf(at.entry));
      if (levels.length > MAX_DEPTH + 1) break;
    }
  }
  levels.unshift({ paths: [path.join(inc.root.dir, '.env')], explicit: false });
  return levels;
}

const extendedMemo = new Map<string, { deps: [string, string | undefined][]; result: string | null }>();

/**
 * Whether a file is an `extends: {file: …}` base of a root searched as for includersOf (default and
 * production compose names in its folder and up to three above), of a file such a root includes, or of
 * another such base. Memoized by the text of every file the search read.
 */
export function isExtendedBase(ws: WorkspaceView, filePath: string, options: RuleOptions = DEFAULT_OPTIONS): boolean {
  return extendingRoot(ws, filePath, options) !== null;
}

/**
 * The first root (as isExtendedBase searches them: its own folder first, then the folders above) whose
 * project extends a service of the file, or null. Compose interpolates the extended services with that
 * project's `.env`, not with one beside the file.
 */
export function extendingRoot(ws: WorkspaceView, filePath: string, options: RuleOptions = DEFAULT_OPTIONS): string | null {
  // No root candidate holds a file: none extends it (the same reads as the search below would make).
  if (noRootCandidates.read(ws, filePath)) return null;
  const hit = extendedMemo.get(filePath);
  if (hit && hit.deps.every(([p, text]) => ws.readText(p) === text)) return hit.result;
  const deps: [string, string | undefined][] = [];
  let result: string | null = null;
  for (const candidate of rootCandidates(filePath)) {
    const text = ws.readText(candidate);
    deps.push([candidate, text]);
    if (!mayExtend(text) && !mayInclude(text)) continue;
    const root = parsedCompose(ws, candidate, options);
    if (!root) continue;
    const tree = mayInclude(text) ? includeTree(root, ws) : [];
    for (const { ctx } of tree) deps.push([ctx.path, ctx.text]);
    if (extendedBases(projectOf(root, tree), ws, options, deps).some((b) => b.path === filePath)) {
      result = candidate;
      break;
    }
  }
  extendedMemo.delete(filePath);
  extendedMemo.set(filePath, { deps, result });
  if (extendedMemo.size > MAX_MEMO) extendedMemo.delete(extendedMemo.keys().next().value as string);
  return result;
}

/**
 * A YAML file that a compose file of the workspace includes, or whose services a root's services
 * extend (isExtendedBase), is a compose file whatever its name.
 */
export function isIncludedComposePath(ws: WorkspaceView, filePath: string, options: RuleOptions = DEFAULT_OPTIONS): boolean {
  if (!/\.ya?ml$/i.test(filePath)) return false;
  try {
    return includersOf(ws, filePath, options).length > 0 || isExtendedBase(ws, filePath, options);
  } catch {
    return false;
  }
}

/**
 * Whether a compose text can have an `include:` key: the word is written (not as part of a longer one,
 * such as "included" in a comment), or spelled with escapes of a double-quoted key (`"\x69nclude"`, a
 * word split by an escaped line break). Most files have neither and are not parsed to find out (the
 * CLI asks this of every compose file it walks, in its main thread: parsing large files there cost a
 * seventh of its peak memory).
 */
function mayInclude(text: string | undefined): boolean {
  if (text === undefined) return false;
  if (INCLUDE_WORD.test(text)) return true;
  if (!text.includes('\\')) return false;
  const u = unescaped(text);
  return u !== text && INCLUDE_WORD.test(u);
}

const INCLUDE_WORD = /include(?![\w-])/;

/**
 * Whether a compose text can have an `extends:` key whose value names a file (a mapping, as mayInclude).
 * `extends: web`, a plain word alone on its line and followed by a line indented no deeper than the key,
 * names a service of the same file: many files have only those and are not parsed to find out.
 */
function mayExtend(text: string | undefined): boolean {
  if (text === undefined) return false;
  if (mayExtendIn(text)) return true;
  if (!text.includes('\\')) return false;
  const u = unescaped(text);
  return u !== text && mayExtendIn(u);
}

/** `extends: name` alone on its line (after the indentation and a sequence dash), an optional comment after it. */
const EXTENDS_SCALAR_LINE = /^( *)(- +)?(["']?)extends\3 *: +[\w./-]+(?: +#.*)? *$/;

function mayExtendIn(text: string): boolean {
  for (let i = text.indexOf('extends'); i !== -1; i = text.indexOf('extends', i + 7)) {
    if (/[\w-]/.test(text.charAt(i + 7))) continue;
    if (!extendsNamesService(text, i)) return true;
  }
  return false;
}

/** Whether the `extends` at `at` is a key whose value is a plain word only (a service of the same file). */
function extendsNamesService(text: string, at: number): boolean {
  const start = Math.max(text.lastIndexOf('\n', at), text.lastIndexOf('\r', at)) + 1;
  let end = text.length;
  for (const c of ['\n', '\r']) {
    const k = text.indexOf(c, at);
    if (k !== -1 && k < end) end = k;
  }
  const m = EXTENDS_SCALAR_LINE.exec(text.slice(start, end));
  if (!m || start + m[1].length + (m[2]?.length ?? 0) + m[3].length !== at) return false;
  const column = m[1].length + (m[2]?.length ?? 0);
  // The next line with content must not be indented deeper: a broken file's deeper line can turn the
  // value into a mapping.
  let p = end;
  while (p < text.length) {
    while (p < text.length && (text[p] === '\n' || text[p] === '\r')) p++;
    let indent = 0;
    while (text[p + indent] === ' ') indent++;
    const c = text.charAt(p + indent);
    if (c === '\t') return false;
    if (c !== '' && c !== '\n' && c !== '\r' && c !== '#') return indent <= column;
    while (p < text.length && text[p] !== '\n' && text[p] !== '\r') p++;
  }
  return true;
}

let lastEscaped: string | undefined;
let lastUnescaped = '';

/**
 * A text in which every word a double-quoted YAML scalar can spell with escapes is written out: an
 * escaped line break and the white space after it are dropped, and `\xXX`, `\uXXXX` and
 * `\UXXXXXXXX` are decoded (no other escape yields a letter). It may hold words YAML would not read
 * (an escaped backslash before `x41`), never lacks one it would: a pre-filter, not a parser.
 */
function unescaped(text: string): string {
  if (text === lastEscaped) return lastUnescaped;
  const out = text
    .replace(/\\(?:\r\n|\r|\n)[\s]*/g, '')
    .replace(/\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))/g, (m, x?: string, u?: string, U?: string) => {
      const code = parseInt(x ?? u ?? U ?? '', 16);
      return code <= 0x10ffff ? String.fromCodePoint(code) : m;
    });
  lastEscaped = text;
  lastUnescaped = out;
  return out;
}

/**
 * The files a compose file includes (recursively) that exist in the workspace, then the base files its
 * project's services extend when they are analyzed as compose files (isExtendedBase: the same answer as
 * fileKindIn, so the CLI and the server analyze exactly the bases the rules count as analyzed).
 */
export function includedFiles(ws: WorkspaceView, composePath: string, options: RuleOptions = DEFAULT_OPTIONS, cut?: string[]): string[] {
  const text = ws.readText(composePath);
  if (!mayInclude(text) && !mayExtend(text)) return [];
  const root = parsedCompose(ws, composePath, options);
  if (!root) return [];
  const tree = mayInclude(text) ? includeTree(root, ws, cut) : [];
  const out = tree.map((x) => x.ctx.path);
  for (const base of extendedBases(projectOf(root, tree), ws, options)) {
    if (!out.includes(base.path) && isIncludedComposePath(ws, base.path, options)) out.push(base.path);
  }
  return out;
}

/**
 * Every compose file of the project a file belongs to through `include:` (the first root that
 * includes it, or the file itself, and everything that root includes), the file itself excluded.
 */
export function projectFiles(ctx: ComposeContext): ComposeContext[] {
  const inc = inclusionOf(ctx);
  const root = inc ? inc.root : ctx;
  const out: ComposeContext[] = [];
  if (root.path !== ctx.path) out.push(root);
  for (const { ctx: other } of includeTree(root, ctx.workspace)) if (other.path !== ctx.path) out.push(other);
  return out;
}

/**
 * The compose files of a file's project, the file itself first: the default compose files beside it (the base and override
 * Compose merges, or the base of a `-f` override) and the files of its `include:` project (projectFiles). Once per analysis.
 */
export function projectComposeFiles(ctx: ComposeContext): ComposeContext[] {
  return ctx.memo(ctx, 'project-compose-files', () => {
    const files: ComposeContext[] = [ctx];
    const others = new Set<string>([...defaultComposeFiles.in(ctx.dir)]);
    const { main, override } = defaultComposePair(ctx.workspace, ctx.dir);
    for (const p of [main, override]) if (p) others.add(p);
    others.delete(ctx.path);
    for (const p of others) {
      const other = parsedCompose(ctx.workspace, p, ctx.options);
      if (other) files.push(other);
    }
    files.push(...projectFiles(ctx));
    return files;
  });
}
