import * as path from 'node:path';
import { composeDotenv, dotenvValues } from './interpolate';
import { Alias, parseAllDocuments, type Document, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { isAlias, isMap, isNode, isPair, isScalar, isSeq } from './yaml-guards';
import { includeEnvLevels, includeProjectDir } from './include';
import { LineIndex } from './text';
import { goYamlPlainKind } from './go-yaml';
import type { Range, RuleOptions, WorkspaceView } from './types';

/** Stands for a memoized `undefined` (one map read per hit instead of `has` and `get`). */
const MISSING: unique symbol = Symbol('missing');

/**
 * How deep chains of `<<` merges are followed (a mapping that merges one that merges another…). Compose
 * follows chains of any depth; each mapping's keys are gathered once whatever the paths that lead to it
 * (keyIndexOf), so depth costs only stack: a chain of 1,000 mappings is read in milliseconds. A merge
 * beyond it is not followed and is reported (mergesCutShort, DG004), never silently dropped (review
 * 41a, F4: at 8, a service reached through 9 levels lost every merged key, `privileged: true` included).
 */
export const MAX_MERGE_DEPTH = 1000;
/** How many aliases are followed in a row (an alias names an anchored node, never another alias). */
const MAX_ALIAS_HOPS = 8;

export interface Entry {
  key: string;
  pair: Pair;
  /** The value node after alias resolution (null for an empty value). */
  value: Node | null;
  /** The value was written in this map (not inherited through a `<<` merge key). */
  own: boolean;
  /** The value is an alias, or the entry came through a merge: editing it would edit shared text. */
  shared: boolean;
  /** Where a finding about this entry is reported: the pair as written, or the `<<` key it came through. */
  reportNode: Node;
}

export interface Service {
  name: string;
  nameNode: Scalar;
  map: YAMLMap;
  doc: Document.Parsed;
}

export interface EnvVar {
  name: string;
  /** The literal value, or null for `KEY` with no value / `KEY:` with an empty value. */
  value: string | null;
  form: 'map' | 'list';
  /** Range of the whole entry (`KEY: value` or `- KEY=value`). */
  range: Range;
  nameRange: Range;
  /** Range of the value text as written (inside quotes), or null. */
  valueRange: Range | null;
  /** Offsets of the value text as written, or null. */
  valueOffsets: [number, number] | null;
  /**
   * Offsets of the whole value's source when it is not written character for character (`valueOffsets`
   * null): a double-quoted value with escapes or continued with `\` at a line's end, a folded or block
   * scalar. Where output that prints the file masks a value (review 40a item 8); never edited.
   */
  valueSource?: [number, number];
  /** The value is written plainly enough for an exact edit (not an alias, not inside an anchor, no escapes). */
  editable: boolean;
}

/** The keys of a mapping: its own pairs, and the pairs it merges with `<<` (with the `<<` pair they come through). */
interface KeyIndex {
  own: Map<string, Pair>;
  /** Null when the mapping has no `<<` key (most mappings): no map is made for them. */
  merged: Map<string, { pair: Pair; via: Pair }> | null;
  /**
   * The entries `get` has read of the mapping, by key: the same Entry object for every ask. Only keys
   * the mapping has: a key it lacks (most of those asked) is two map reads in `own` and `merged`.
   */
  entries: Map<string, Entry> | undefined;
}

/**
 * What a parse learns from its own text alone (anchors, merge keys, key lookups): shared by every
 * context that reads the same parse (see `reading`), filled as rules ask.
 */
interface ParseIndex {
  /** Unset until the first walk for anchors (indexAnchors), which fills both. */
  sharedNodes: Set<Node> | undefined;
  anchors: Map<Document.Parsed, Map<string, { start: number; node: Node }[]>>;
  /** Per mapping, its key index (see keyIndexOf) and the entries read of it (`get`). */
  keyIndexes: Map<YAMLMap, KeyIndex>;
  /** The `<<` pairs whose merge was not followed: MAX_MERGE_DEPTH reached (mergesCutShort). */
  cutShort: Set<Pair>;
}

/** The variables `docker compose` interpolates a compose file with (ComposeContext.dotenv). */
export interface DotenvFile {
  /**
   * Each key's value as written in the env file Compose takes it from (quotes removed): what a fix
   * that edits the file compares with. For an included file, a key the including project defines has
   * that project's value (see `holders`).
   */
  vars: Map<string, string>;
  /** Each key's value as Compose uses it (`PG_PW=${PW}` expanded; null when it cannot be known): what the values are. */
  values: Map<string, string | null>;
  /** Each key's env file: the one whose value Compose uses (the including project's first, then the later file of a level). */
  holders: Map<string, string>;
  /**
   * The file's own env files (the `.env` beside it, or what the include that pulls it in reads): the
   * first that exists (`path`, `text`) and the keys they define, whether or not an including project's
   * environment overrides them. Null when none exists (an included file interpolated by its including
   * project's variables only).
   */
  own: { path: string; text: string; vars: ReadonlyMap<string, string>; fromInclude: boolean } | null;
}

/** ComposeContext.environment's reading of a service (memoised there). */
function serviceEnvironment(ctx: ComposeContext, service: Service): EnvVar[] {
  const entry = ctx.serviceGet(service, 'environment');
  if (!entry || !entry.value) return [];
  // The entries depend only on the node and whether it is shared: services that take the same
  // `environment:` from an anchor (`<<: *defaults`, thirty services in a large file) share one reading.
  return ctx.environmentEntries(service.doc, entry.value, entry.shared);
}

/** ComposeContext.memo's computation through memoWith: the closure the caller made, called. */
function runCompute<T>(_ctx: ComposeContext, compute: () => T): T {
  return compute();
}

/** A compose file parsed once, with exact source ranges. */
export class ComposeContext {
  readonly kind = 'compose' as const;
  readonly lines: LineIndex;
  readonly documents: Document.Parsed[];
  readonly services: Service[];
  private readonly index: ParseIndex;
  /** Answers that may depend on other files (`.env`, includes, builds): this context's own, never shared. */
  // Plain maps, not WeakMaps: they live and die with this analysis' context, and weak tables cost
  // the garbage collector extra work (ephemerons) on every collection.
  private memos = new Map<object, Map<string, unknown>>();
  /**
   * The memos whose owner is this context (the file's own answers: its default pair, its include: project…): about
   * half of all memo calls, asked dozens of times per service, found without the look-up by owner.
   */
  private readonly ownMemos = new Map<string, unknown>();
  private dotenvCache: DotenvFile | null | undefined;
  /** Set on a file read as the base of another file's `extends:`: the file whose `.env` interpolates it. */
  private readonly interpolationRoot: ComposeContext | undefined;

  constructor(
    readonly path: string,
    readonly text: string,
    readonly workspace: WorkspaceView,
    readonly options: RuleOptions,
    /** For `reading` and asExtendedFrom: the parse this reads again, and the file whose `.env` interpolates it. */
    from?: { parsed: ComposeContext; interpolation?: ComposeContext },
  ) {
    if (from) {
      this.lines = from.parsed.lines;
      this.documents = from.parsed.documents;
      this.services = from.parsed.services;
      this.index = from.parsed.index;
      this.interpolationRoot = from.interpolation;
      return;
    }
    this.index = { sharedNodes: undefined, anchors: new Map(), keyIndexes: new Map(), cutShort: new Set() };
    this.lines = new LineIndex(text);
    // No `keepSourceTokens`: nothing reads a node's CST token, and keeping them all costs memory and GC time.
    // No `lineCounter`: ranges come from `lines` (LineIndex), and with `prettyErrors: false` the parser
    // reads no line counter; feeding one cost a call and an array push per line.
    this.documents = parseAllDocuments(text, { merge: true, uniqueKeys: false, prettyErrors: false }) as Document.Parsed[];
    if (!Array.isArray(this.documents)) this.documents = [];
    this.services = [];
    for (const doc of this.documents) {
      const services = doc.contents && isMap(doc.contents) ? doc.contents.get('services', true) : undefined;
      const map = this.resolve(doc, services as Node | undefined);
      if (!map || !isMap(map)) continue;
      for (const item of map.items) {
        if (!isScalar(item.key)) continue;
        const value = this.resolve(doc, item.value as Node | null);
        if (!value || !isMap(value)) continue;
        this.services.push({ name: String(item.key.value), nameNode: item.key, map: value, doc });
      }
    }
  }

  private dirCache: string | undefined;

  /** The directory that holds the compose file (computed once: rules ask it often). */
  get dir(): string {
    return (this.dirCache ??= path.dirname(this.path));
  }

  /**
   * The project directory relative paths of the file (`build:`, `env_file:`, `extends: {file:}`, bind
   * mounts, `secrets:` files) resolve against: the file's directory, or the `project_directory:` of
   * the `include:` that pulls the file in. A file read as the base of an `extends:` resolves its paths
   * against its own directory (compose-go's getExtendsBaseFromFile), whoever includes it.
   */
  get projectDir(): string {
    if (this.interpolationRoot) return this.dir;
    return includeProjectDir(this) ?? this.dir;
  }

  rangeOf(node: { range?: [number, number, number] | null } | null | undefined): Range {
    const r = node?.range;
    if (!r) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    return this.lines.rangeOf(r[0], r[1]);
  }

  /** The range of a key/value pair: from the key to the end of the value. */
  rangeOfPair(pair: Pair): Range {
    const k = pair.key as Node | null;
    const v = pair.value as Node | null;
    const start = k?.range?.[0] ?? v?.range?.[0] ?? 0;
    const end = v?.range?.[1] ?? k?.range?.[1] ?? start;
    return this.lines.rangeOf(start, end);
  }

  /** Follows an alias (bounded). */
  resolve(doc: Document.Parsed, node: Node | null | undefined): Node | null {
    let n: Node | null | undefined = node;
    for (let i = 0; i < MAX_ALIAS_HOPS && n && isAlias(n); i++) n = this.anchorTarget(doc, n as Alias);
    return n && !isAlias(n) ? n : null;
  }

  /**
   * The node an alias refers to: the last node anchored with that name before the alias. (The yaml
   * library's `Alias.resolve` walks the whole document on every call; this index is built once.)
   */
  private anchorTarget(doc: Document.Parsed, alias: Alias): Node | undefined {
    if (!this.index.sharedNodes) this.indexAnchors();
    const index = this.index.anchors.get(doc);
    if (!index) return undefined;
    const list = index.get(alias.source);
    if (!list) return undefined;
    const at = alias.range?.[0] ?? Infinity;
    let target: Node | undefined;
    for (const entry of list) if (entry.start < at) target = entry.node;
    return target;
  }

  /**
   * A value computed once per analysis for an object of this file (a service, a node): several
   * rules ask the same questions of the same service (its ports, volumes, image…).
   */
  memo<T>(owner: object, key: string, compute: () => T): T {
    return this.memoWith(owner, key, compute, runCompute);
  }

  /**
   * `memo` for the hottest questions (the default merge of a service is asked dozens of times per service): `compute`
   * takes this context and `arg` instead of capturing them, so that an answer already known allocates no closure.
   */
  memoWith<A, T>(owner: object, key: string, arg: A, compute: (ctx: ComposeContext, arg: A) => T): T {
    let m = owner === this ? this.ownMemos : this.memos.get(owner);
    if (!m) {
      m = new Map();
      this.memos.set(owner, m);
    }
    const hit = m.get(key);
    if (hit !== undefined) return (hit === MISSING ? undefined : hit) as T;
    const value = compute(this, arg);
    m.set(key, value === undefined ? MISSING : value);
    return value;
  }

  /** A key of a mapping, following `<<` merge keys (own keys win, as in YAML 1.1 merges). */
  get(doc: Document.Parsed, map: YAMLMap, key: string, depth = 0): Entry | undefined {
    const index = this.keyIndexOf(doc, map, depth);
    if (depth > 0) return this.entryOf(doc, index, key);
    // A key the mapping lacks (most of those asked) is answered by the index, as one map read; a key it has, by the
    // entry made at the first ask.
    if (!index.own.has(key) && !index.merged?.has(key)) return undefined;
    const known = index.entries?.get(key);
    if (known) return known;
    const entry = this.entryOf(doc, index, key);
    if (entry) (index.entries ??= new Map()).set(key, entry);
    return entry;
  }

  private entryOf(doc: Document.Parsed, index: KeyIndex, key: string): Entry | undefined {
    const own = index.own.get(key);
    if (own) {
      const raw = own.value as Node | null;
      return { key, pair: own, value: this.resolve(doc, raw), own: true, shared: isAlias(raw) || this.isShared(raw), reportNode: (own.key as Node) ?? raw };
    }
    const merged = index.merged?.get(key);
    if (!merged) return undefined;
    return { key, pair: merged.pair, value: this.resolve(doc, merged.pair.value as Node | null), own: false, shared: true, reportNode: merged.via.key as Node };
  }

  /**
   * The keys of a mapping: its own (the first pair of each key) and those it merges with `<<` that it
   * does not set itself, each with the pair that sets it and the `<<` pair it comes through (an earlier
   * merge source wins over a later one, as in YAML 1.1 merges). Built once per mapping: a service is
   * asked for dozens of keys, most of which it does not have, and the anchored defaults it merges are
   * shared by many services. The memo also keeps merge keys that list the same anchor many times, level
   * after level (an alias bomb), from making the work exponential: each mapping is indexed once, however
   * many paths lead to it. A mapping that merges itself (through a cycle) sees the keys gathered so far.
   * `depth` is how many merges led here: at MAX_MERGE_DEPTH the merges are not followed, and their `<<`
   * pairs are noted (mergesCutShort).
   */
  private keyIndexOf(doc: Document.Parsed, map: YAMLMap, depth: number): KeyIndex {
    const known = this.index.keyIndexes.get(map);
    if (known) return known;
    const index: KeyIndex = { own: new Map(), merged: null, entries: undefined };
    this.index.keyIndexes.set(map, index);
    let merges: Pair[] | undefined;
    for (const pair of map.items) {
      const k = pair.key;
      if (!isScalar(k)) continue;
      if (isMergeKey(k)) (merges ??= []).push(pair);
      else if (typeof k.value !== 'symbol') {
        const name = String(k.value);
        if (!index.own.has(name)) index.own.set(name, pair);
      }
    }
    if (!merges) return index;
    if (depth >= MAX_MERGE_DEPTH) {
      for (const via of merges) this.index.cutShort.add(via);
      return index;
    }
    const merged = (index.merged = new Map());
    for (const via of merges) {
      const sources = isSeq(via.value) ? via.value.items : [via.value];
      for (const src of sources) {
        const target = this.resolve(doc, src as Node);
        if (!target || !isMap(target)) continue;
        const from = this.keyIndexOf(doc, target, depth + 1);
        for (const [name, pair] of from.own) if (!index.own.has(name) && !merged.has(name)) merged.set(name, { pair, via });
        if (from.merged) for (const [name, m] of from.merged) if (!index.own.has(name) && !merged.has(name)) merged.set(name, { pair: m.pair, via });
      }
    }
    return index;
  }

  /**
   * The `<<` pairs whose merges were not followed (a chain deeper than MAX_MERGE_DEPTH) once every
   * service's keys are gathered: what the rules read of those services lacks the keys they merge.
   */
  mergesCutShort(): Pair[] {
    for (const s of this.services) this.keyIndexOf(s.doc, s.map, 0);
    return [...this.index.cutShort];
  }

  /**
   * The services with a name, in the file's order (a file may repeat a key), from an index built once per
   * analysis: fixes and lookups ask for one service each, and a scan of the list per question is quadratic
   * in a file with thousands of services.
   */
  servicesNamed(name: string): readonly Service[] {
    const byName = this.memo(this, 'servicesNamed', () => {
      const m = new Map<string, Service[]>();
      for (const s of this.services) {
        const list = m.get(s.name);
        if (list) list.push(s);
        else m.set(s.name, [s]);
      }
      return m;
    });
    return byName.get(name) ?? [];
  }

  /** The first service whose mapping is `map` (an index built once per analysis, as servicesNamed). */
  serviceWithMap(map: YAMLMap): Service | undefined {
    const byMap = this.memo(this, 'serviceWithMap', () => {
      const m = new Map<YAMLMap, Service>();
      for (const s of this.services) if (!m.has(s.map)) m.set(s.map, s);
      return m;
    });
    return byMap.get(map);
  }

  /** Shorthand for a service's key. */
  serviceGet(service: Service, key: string): Entry | undefined {
    return this.get(service.doc, service.map, key);
  }

  /** Whether a node lies inside an anchored node (editing it would change every alias of it). */
  isShared(node: Node | null | undefined): boolean {
    if (!node) return false;
    if (!this.index.sharedNodes) this.indexAnchors();
    return this.index.sharedNodes!.has(node);
  }

  /**
   * One walk of the documents for both the anchor index (aliases) and the nodes inside anchored
   * nodes (`isShared`): a file with anchors asks both, and each was a walk of every node.
   */
  private indexAnchors(): void {
    const shared = new Set<Node>();
    // An anchor is written `&name`: without a `&` in the text no node is anchored.
    const any = this.text.includes('&');
    for (const doc of this.documents) {
      const found = new Map<string, { start: number; node: Node }[]>();
      if (any) {
        walkNodes(doc, (n, inAnchored) => {
          if (inAnchored) shared.add(n);
          const anchor = (n as { anchor?: string }).anchor;
          if (anchor && !isAlias(n)) {
            const list = found.get(anchor) ?? [];
            list.push({ start: n.range?.[0] ?? 0, node: n });
            found.set(anchor, list);
          }
        });
      }
      this.index.anchors.set(doc, found);
    }
    this.index.sharedNodes = shared;
  }

  /** The `environment:` of a service in both forms, with exact ranges. */
  environment(service: Service): EnvVar[] {
    // Once per mapping: several rules read it (secrets, env files, healthchecks, CORS). Callers do not change it.
    return this.memoWith(service.map, 'environment', service, serviceEnvironment);
  }

  /**
   * The entries of an `environment:` node (a mapping or a list), read once per node; `shared`: the node
   * is reached through an alias or a merge, or lies in an anchored node (no entry is editable then).
   */
  environmentEntries(doc: Document.Parsed, node: Node, shared: boolean): EnvVar[] {
    return this.memo(node, shared ? 'environmentEntries:shared' : 'environmentEntries', () => this.computeEnvironment(doc, node, shared));
  }

  /** One `KEY: value` pair of an `environment:` mapping; `editableBase`: the pair itself is not shared. */
  private mapEnvEntry(doc: Document.Parsed, pair: Pair, editableBase: boolean): EnvVar {
    const name = String((pair.key as Scalar).value);
    const v = pair.value as Node | null;
    const valueNode = this.resolve(doc, v);
    let value: string | null = null;
    let valueOffsets: [number, number] | null = null;
    let valueSource: [number, number] | undefined;
    let editable = editableBase && !isAlias(v) && !this.isShared(v);
    if (valueNode && isScalar(valueNode)) {
      value = valueNode.value === null ? null : String(valueNode.value);
      const span = scalarContentSpan(this.text, valueNode);
      valueOffsets = span;
      if (!span && value !== null) valueSource = scalarSourceSpan(this.text, valueNode) ?? undefined;
      // Only a string is read as written: a number or boolean (`0x1F2E`, `1_000`, `0123`) is what the
      // YAML library resolves it to, which is neither its text nor always what Compose passes — also
      // one that only go-yaml, which Compose parses with, resolves (`1_000`, `0b101`: review 42d, item 4).
      if (!span || !composeReadsAsWritten(valueNode)) editable = false;
    } else if (valueNode) {
      editable = false;
    }
    return {
      name,
      value,
      form: 'map',
      range: this.rangeOfPair(pair),
      nameRange: this.rangeOf(pair.key as Node),
      valueRange: valueOffsets ? this.lines.rangeOf(valueOffsets[0], valueOffsets[1]) : null,
      valueOffsets,
      ...(valueSource ? { valueSource } : {}),
      editable,
    };
  }

  private computeEnvironment(doc: Document.Parsed, envNode: Node, sharedBase: boolean): EnvVar[] {
    const out: EnvVar[] = [];
    if (isMap(envNode)) {
      let merges = false;
      for (const pair of envNode.items) {
        if (!isScalar(pair.key)) continue;
        if (isMergeKey(pair.key)) {
          merges = true;
          continue;
        }
        out.push(this.mapEnvEntry(doc, pair, !sharedBase && !this.isShared(pair.key as Node)));
      }
      // `environment: { <<: *common, KEY: value }`: Compose reads merge keys in every mapping (go-yaml, YAML 1.1
      // merges, https://yaml.org/type/merge.html): the keys written here win, then the merge sources in order
      // (an earlier map of `<<: [*a, *b]` wins over a later one), through chains of merges (keyIndexOf: each
      // mapping gathered once, cycles and alias bombs read in linear time, MAX_MERGE_DEPTH noted). A merged
      // entry is read where it is written, inside the anchored map: shared by whoever merges it, never editable.
      if (merges) for (const { pair } of this.keyIndexOf(doc, envNode, 0).merged?.values() ?? []) out.push(this.mapEnvEntry(doc, pair, false));
    } else if (isSeq(envNode)) {
      for (const item of envNode.items) {
        const node = this.resolve(doc, item as Node);
        if (!node || !isScalar(node) || typeof node.value !== 'string') continue;
        const s = node.value;
        const eq = s.indexOf('=');
        const name = eq === -1 ? s : s.slice(0, eq);
        const value = eq === -1 ? null : s.slice(eq + 1);
        const span = scalarContentSpan(this.text, node);
        let editable = !sharedBase && !isAlias(item as Node) && !this.isShared(node) && span !== null;
        let nameRange = this.rangeOf(node);
        let valueOffsets: [number, number] | null = null;
        let valueSource: [number, number] | undefined;
        if (span) {
          nameRange = this.lines.rangeOf(span[0], span[0] + name.length);
          if (eq !== -1) valueOffsets = [span[0] + eq + 1, span[1]];
        } else {
          editable = false;
          // `- "KEY=value\⏎ continued"`: the value's source after `KEY=` as written (a name has no escapes).
          const source = eq === -1 ? null : scalarSourceSpan(this.text, node);
          if (source && this.text.startsWith(`${name}=`, source[0])) valueSource = [source[0] + eq + 1, source[1]];
        }
        out.push({
          name,
          value,
          form: 'list',
          range: this.rangeOf(node),
          nameRange,
          valueRange: valueOffsets ? this.lines.rangeOf(valueOffsets[0], valueOffsets[1]) : null,
          valueOffsets,
          ...(valueSource ? { valueSource } : {}),
          editable,
        });
      }
    }
    return out;
  }

  /**
   * This file as the base of a service in `root` that extends one of its services (`extends: {file: …}`):
   * the same parsed documents, read with `root`'s workspace, and interpolated with the variables of
   * `root`'s project (its `.env`), not with a `.env` beside this file. Compose loads an extended file
   * with the options of the project that extends it, interpolation included; relative paths still
   * resolve against this file's folder. Each analysis gets its own (its memos depend on that `.env`).
   * https://docs.docker.com/reference/compose-file/services/#extends
   */
  asExtendedFrom(root: ComposeContext): ComposeContext {
    return new ComposeContext(this.path, this.text, root.workspace, root.options, { parsed: this, interpolation: root.interpolationRoot ?? root });
  }

  /**
   * This parse read in another analysis: the same documents and what they say about themselves
   * (anchors, merges, lookups), with that analysis' workspace and options, and none of the answers
   * that read other files (`.env`, the files that include it, what its services build), which may
   * have changed since.
   */
  reading(workspace: WorkspaceView, options: RuleOptions): ComposeContext {
    return new ComposeContext(this.path, this.text, workspace, options, { parsed: this });
  }

  /**
   * Variables `docker compose` reads to interpolate `${…}` in this file: the `.env` beside the compose
   * file; for a file another compose file `include:`s, the variables of the including project first —
   * the root's `.env`, then, for a nested include, the env files of each include above — and then, for
   * the names those do not define, the include's `env_file:` entries (later files win) or else the
   * `.env` of the include's project directory (include.ts includeEnvLevels; compose-go's ApplyInclude,
   * loader/include.go: `environment.Clone().Merge(envFromFile)`); the include's env files read the
   * including project's variables first in their own `${…}` (compose-go's
   * `dotenv.GetEnvFromFile(environment, …)`). For a file read as the base of another file's `extends:`
   * (asExtendedFrom), that file's variables. Null when no env file of any level exists.
   */
  dotenv(): DotenvFile | null {
    if (this.interpolationRoot) return this.interpolationRoot.dotenv();
    if (this.dotenvCache !== undefined) return this.dotenvCache;
    const levels = includeEnvLevels(this) ?? [{ paths: [path.join(this.dir, '.env')], explicit: false }];
    let env: Omit<DotenvFile, 'own'> | null = null;
    let own: DotenvFile['own'] = null;
    for (const [i, level] of levels.entries()) {
      const read = readEnvLevel(this.workspace, level.paths, env?.values);
      if (!read) continue;
      if (i === levels.length - 1) own = { path: read.first.path, text: read.first.text, vars: read.vars, fromInclude: level.explicit };
      if (!env) {
        env = { vars: new Map(read.vars), values: read.values, holders: read.holders };
        continue;
      }
      // Mapping.Merge: only the names the levels above do not define.
      for (const [k, v] of read.vars) {
        if (env.vars.has(k)) continue;
        env.vars.set(k, v);
        env.values.set(k, read.values.get(k) ?? null);
        env.holders.set(k, read.holders.get(k)!);
      }
    }
    this.dotenvCache = env ? { ...env, own } : null;
    return this.dotenvCache;
  }
}

/**
 * The variables of one level of env files (ComposeContext.dotenv): a later file wins over an earlier
 * one, and a `${…}` in them reads `outer` (the levels above) first. Undefined when none of the files exists.
 */
function readEnvLevel(
  ws: WorkspaceView,
  paths: readonly string[],
  outer: ReadonlyMap<string, string | null> | undefined,
): { vars: Map<string, string>; values: Map<string, string | null>; holders: Map<string, string>; first: { path: string; text: string } } | undefined {
  let out: ReturnType<typeof readEnvLevel>;
  for (const p of paths) {
    const text = ws.readText(p);
    if (text === undefined) continue;
    let vars: Map<string, string>;
    try {
      vars = composeDotenv(text);
    } catch {
      vars = new Map();
    }
    const values = dotenvValues(text, vars, out?.values, outer);
    if (!out) out = { vars, values, holders: new Map(), first: { path: p, text } };
    else {
      for (const [k, v] of vars) out.vars.set(k, v);
      out.values = values;
    }
    for (const k of vars.keys()) out.holders.set(k, p);
  }
  return out;
}

/**
 * Whether Compose reads a scalar value as the text the `yaml` library gives: a string for both this
 * library (YAML 1.2 core schema) and go-yaml v3, which compose-go parses with. A plain scalar without a
 * tag is resolved by go-yaml's own rules (goYamlPlainKind: `1_000`, `0b101`, `0x_1F`, `2024-01-02` are
 * numbers and timestamps there, which Compose prints in Go's form); a quoted or block scalar is a
 * string; a tagged one only with `!!str` or `!` (go-yaml decodes `!!binary`, resolves `!!int`…, and a
 * tag it does not know may be Compose's own, `!override`).
 */
export function composeReadsAsWritten(node: Scalar): boolean {
  if (typeof node.value !== 'string') return false;
  if (node.tag) return node.tag === 'tag:yaml.org,2002:str' || node.tag === '!';
  return node.type !== 'PLAIN' || goYamlPlainKind(node.value) === 'str';
}

/**
 * The offsets of a scalar's content as written: inside the quotes for quoted scalars. Null when the
 * written text is not the value character for character (escapes, folded or block scalars).
 */
export function scalarContentSpan(text: string, node: Scalar): [number, number] | null {
  const r = node.range;
  if (!r) return null;
  const raw = text.slice(r[0], r[1]);
  const value = node.value === null ? '' : String(node.value);
  switch (node.type) {
    case 'PLAIN':
      // A plain scalar is its own text unless it is folded over several lines.
      return raw.includes('\n') ? null : [r[0], r[1]];
    case 'QUOTE_DOUBLE':
    case 'QUOTE_SINGLE':
      return raw.slice(1, -1) === value ? [r[0] + 1, r[1] - 1] : null;
    default:
      return null;
  }
}

/**
 * The offsets of a scalar's source, its escapes, line breaks and folding included: inside the quotes of a
 * quoted scalar, from the line after the header (`|`, `>-`) to the end of a block scalar's last line of
 * content. Null for an empty block scalar. Where a value that scalarContentSpan cannot place is written.
 */
export function scalarSourceSpan(text: string, node: Scalar): [number, number] | null {
  const r = node.range;
  if (!r) return null;
  switch (node.type) {
    case 'QUOTE_DOUBLE':
    case 'QUOTE_SINGLE':
      return r[1] - r[0] >= 2 ? [r[0] + 1, r[1] - 1] : null;
    case 'BLOCK_LITERAL':
    case 'BLOCK_FOLDED': {
      const nl = text.indexOf('\n', r[0]);
      if (nl === -1 || nl >= r[1]) return null;
      let start = nl + 1;
      while (start < r[1] && /\s/.test(text[start])) start++;
      let end = r[1];
      while (end > start && /\s/.test(text[end - 1])) end--;
      return end > start ? [start, end] : null;
    }
    default:
      return [r[0], r[1]];
  }
}

/**
 * Every node of a document (scalars, mappings, sequences, aliases) in the order yaml's `visit`
 * reaches them, with whether it is anchored or lies inside an anchored node. (`visit` builds a frozen
 * path array at every level; this walk allocates nothing.)
 */
function walkNodes(doc: Document.Parsed, each: (node: Node, inAnchored: boolean) => void): void {
  const walk = (n: unknown, inAnchored: boolean): void => {
    if (isPair(n)) {
      walk(n.key, inAnchored);
      walk(n.value, inAnchored);
      return;
    }
    if (!isNode(n)) return;
    const anchored = inAnchored || !!(n as { anchor?: string }).anchor;
    each(n, anchored);
    if (isMap(n) || isSeq(n)) for (const item of n.items) walk(item, anchored);
  };
  walk(doc.contents, false);
}

/** A `<<` merge key (the parser gives it a symbol value when merges are enabled). */
export function isMergeKey(key: unknown): boolean {
  if (!isScalar(key)) return false;
  const v = key.value;
  return v === '<<' || (typeof v === 'symbol' && v.description === '<<');
}

/** The text of a scalar node, as a string (numbers and booleans as written), or null. */
export function scalarString(node: Node | null | undefined): string | null {
  if (!node || !isScalar(node)) return null;
  if (node.value === null || node.value === undefined) return null;
  return typeof node.source === 'string' && typeof node.value !== 'string' ? node.source : String(node.value);
}

/** Whether a node is the boolean true (`true`, and YAML 1.1's `yes`/`on` as Compose accepts them in strings). */
export function isTrue(node: Node | null | undefined): boolean {
  if (!node || !isScalar(node)) return false;
  if (node.value === true) return true;
  return typeof node.value === 'string' && /^(true|yes|on)$/i.test(node.value);
}

export { isMap, isSeq, isScalar, isPair, isAlias };
