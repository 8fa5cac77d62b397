/**
 * Where a compose file gets environment values from, with exact source positions:
 * - `env_file:` entries (short string, list of strings, and the long `{ path, required }` form);
 * - the `.env` beside the compose file, which Compose reads for `${…}` interpolation;
 * - a service's effective environment (`env_file:` files first, then `environment:` on top), with
 *   values interpolated from that `.env`.
 * Files are read through the WorkspaceView only. A value that cannot be known (an unreadable
 * env_file, `KEY` passed through from the shell, an unset variable) is reported as unknown.
 * https://docs.docker.com/reference/compose-file/services/#env_file
 * https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/
 */
import * as path from 'node:path';
import { visit, type Node, type Scalar } from 'yaml';
import { isMap, isScalar, isSeq } from './yaml-guards';
import { scalarContentSpan, scalarString, type ComposeContext, type EnvVar, type Service } from './compose';
import { includesOf } from './include';
import { composeDotenv, interpolate } from './interpolate';
import { repositoryRoot } from './repo';
import type { Range } from './types';

export interface EnvFileRef {
  service: Service;
  /** The path as written (before interpolation). */
  raw: string;
  /** Absolute path after interpolation, or null when it cannot be resolved. */
  path: string | null;
  /** The scalar that names the file (where a finding about it is reported). */
  node: Scalar;
  /** `required: false` in the long syntax. */
  required: boolean;
}

/** The `env_file:` entries of a service, in order. */
export function envFileRefs(ctx: ComposeContext, service: Service): EnvFileRef[] {
  const entry = ctx.serviceGet(service, 'env_file');
  if (!entry || !entry.value) return [];
  const out: EnvFileRef[] = [];
  const dotenv = ctx.dotenv()?.values;
  const add = (node: Node | null, required: boolean) => {
    if (!node || !isScalar(node)) return;
    const raw = scalarString(node);
    if (raw === null || raw.trim() === '') return;
    const value = interpolate(raw, (n) => dotenv?.get(n)).value;
    out.push({ service, raw, path: value === null || value === '' ? null : path.resolve(ctx.projectDir, value), node, required });
  };
  const items = isSeq(entry.value) ? entry.value.items : [entry.value];
  for (const item of items) {
    const node = ctx.resolve(service.doc, item as Node);
    if (!node) continue;
    if (isMap(node)) {
      const p = ctx.get(service.doc, node, 'path');
      const req = ctx.get(service.doc, node, 'required');
      const reqValue = req?.value && isScalar(req.value) ? req.value.value : true;
      add(p?.value ?? null, !(reqValue === false || reqValue === 'false'));
    } else add(node, true);
  }
  return out;
}

/** Parses an env file's text as Compose reads it (dotenv syntax). */
export function parseEnvFile(text: string): Map<string, string> {
  try {
    return composeDotenv(text);
  } catch {
    return new Map();
  }
}

export type EnvLookup =
  /** Set to a known value (after interpolation). `merged`: where a value read in a service this one extends is reported (its name). */
  | { state: 'set'; value: string; env: EnvVar | null; file: EnvFileRef | null; merged?: Range }
  /** Set, but its value cannot be known (interpolation with an unknown variable, shell pass-through). */
  | { state: 'unknown-value'; env: EnvVar | null; file: EnvFileRef | null; merged?: Range }
  /** Certainly not set by the compose file or its env files. */
  | { state: 'unset' }
  /** Might be set by a file that cannot be read. */
  | { state: 'unknown' };

/** A service's effective environment: `environment:` wins over `env_file:` files, later files over earlier ones. */
export class ServiceEnv {
  private readonly envVars: Map<string, EnvVar>;
  private readonly fileVars = new Map<string, { value: string; file: EnvFileRef }>();
  /** Some env_file could not be read: any name not found might still be set. */
  readonly incomplete: boolean;
  readonly files: EnvFileRef[];

  constructor(
    private readonly ctx: ComposeContext,
    readonly service: Service,
  ) {
    this.envVars = new Map();
    for (const v of ctx.environment(service)) this.envVars.set(v.name, v);
    this.files = envFileRefs(ctx, service);
    let incomplete = false;
    for (const ref of this.files) {
      const text = ref.path ? ctx.workspace.readText(ref.path) : undefined;
      if (text === undefined) {
        // A missing optional file sets nothing; a missing required one stops `docker compose up`,
        // but its content is unknown to us either way when the path is unresolved.
        if (ref.required || !ref.path) incomplete = true;
        continue;
      }
      for (const [k, v] of parseEnvFile(text)) this.fileVars.set(k, { value: v, file: ref });
    }
    // `environment:` inherited from an unreadable alias target is still read by ctx.environment.
    this.incomplete = incomplete;
  }

  /** The EnvVar written in `environment:` for a name, if any. */
  written(name: string): EnvVar | undefined {
    return this.envVars.get(name);
  }

  /**
   * A name's value as the container gets it: `environment:` first, then the `env_file:` files (the
   * later file wins). https://docs.docker.com/compose/how-tos/environment-variables/envvars-precedence/
   */
  get(name: string): EnvLookup {
    const fromEnvironment = this.fromEnvironment(name);
    return fromEnvironment.state !== 'unset' ? fromEnvironment : this.fromFiles(name);
  }

  /** A name as `environment:` sets it (its own entries and those merged with `<<`); 'unset' when it does not. */
  fromEnvironment(name: string): EnvLookup {
    const v = this.envVars.get(name);
    if (v) {
      if (v.value === null) {
        // `KEY` (list) passes the shell's value through; `KEY:` (map) with no value does the same.
        return { state: 'unknown-value', env: v, file: null };
      }
      const dotenv = this.ctx.dotenv()?.values;
      const r = interpolate(v.value, (n) => dotenv?.get(n));
      if (r.value === null) return { state: 'unknown-value', env: v, file: null };
      return { state: 'set', value: r.value, env: v, file: null };
    }
    return { state: 'unset' };
  }

  /** A name as the `env_file:` files set it; 'unknown' when it is not in them but one could not be read. */
  fromFiles(name: string): EnvLookup {
    const f = this.fileVars.get(name);
    if (f) {
      if (f.value.includes('$')) return { state: 'unknown-value', env: null, file: f.file };
      return { state: 'set', value: f.value, env: null, file: f.file };
    }
    return this.incomplete ? { state: 'unknown' } : { state: 'unset' };
  }
}

export interface InterpolationSite {
  /** The variable name. */
  name: string;
  /** Where the `$` of the reference is (exact when the scalar is written plainly, else the scalar's start). */
  range: Range;
}

/**
 * Every `$VAR` / `${VAR…}` reference in the values of a compose file, in document order, with
 * positions taken from the scalar nodes' source ranges. `$$` escapes are skipped. Keys are not
 * interpolated by Compose, so only values are read.
 */
export function interpolationSites(ctx: ComposeContext): InterpolationSite[] {
  const out: InterpolationSite[] = [];
  for (const doc of ctx.documents) {
    visit(doc, {
      Pair(_k, pair) {
        // Skip keys: visit them not as values.
        const v = pair.value as Node | null;
        if (v && isScalar(v)) collect(v);
      },
      Seq(_k, seq) {
        for (const item of seq.items) if (isScalar(item)) collect(item);
      },
    });
    if (doc.contents && isScalar(doc.contents)) collect(doc.contents);
  }
  return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);

  function collect(node: Scalar): void {
    if (typeof node.value !== 'string' || !node.value.includes('$') || !node.range) return;
    const text = node.value;
    const span = scalarContentSpan(ctx.text, node);
    for (const { name, index } of variableReferences(text)) {
      const start = span ? span[0] + index : node.range[0];
      const end = span ? Math.min(span[1], start + name.length + 1) : node.range[1];
      out.push({ name, range: ctx.lines.rangeOf(start, end) });
    }
  }
}

/** `$NAME` and `${NAME…}` references in a string (nested defaults included), skipping `$$`. */
export function variableReferences(text: string): { name: string; index: number }[] {
  const out: { name: string; index: number }[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '$') continue;
    if (text[i + 1] === '$') {
      i++;
      continue;
    }
    const m = /^\{?([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(i + 1));
    if (m) out.push({ name: m[1], index: i });
  }
  return out;
}

/** The words that name a template of an env file (`.env.example`, `.env.dist`, iris-web's `.env.model`). */
const TEMPLATE_WORDS = ['example', 'sample', 'template', 'tmpl', 'tpl', 'dist', 'default', 'defaults', 'model'];
const TEMPLATE_NAME = new RegExp(`(?:^|[._-])(?:${TEMPLATE_WORDS.join('|')})(?:[._-]|$)`, 'i');

/** A `.env`-like file name meant to be committed (a template), e.g. `.env.example`, `defaults.env`. */
export function isTemplateEnvName(fileName: string): boolean {
  return TEMPLATE_NAME.test(fileName);
}

export interface EnvFileUse {
  /** Absolute path of the env file. */
  path: string;
  /** `env_file`: named by an `env_file:` entry; `interpolation`: the `.env` beside the compose file feeding a `${…}`. */
  via: 'env_file' | 'interpolation';
  /** Where a finding about the file is reported: the `env_file:` entry, else the first `${…}` the file feeds. */
  range: Range;
  /** The file's text, or undefined when it does not exist in the workspace. */
  text: string | undefined;
}

/**
 * The env files a compose file uses, each once: every `env_file:` entry of a service or of a top-level
 * `include:` item (reported at its first entry), then the file's own `.env` (beside it, or the project
 * directory's for an included file: ComposeContext.dotenv's `own`, not the including project's `.env`)
 * when it exists and defines a variable that a `${…}` of the file reads
 * (reported at the first such reference). Entries whose path cannot be resolved are skipped.
 */
export function envFileUses(ctx: ComposeContext): EnvFileUse[] {
  const refs: { ref: Pick<EnvFileRef, 'path' | 'node'>; offset: number }[] = [];
  for (const service of ctx.services) for (const ref of envFileRefs(ctx, service)) if (ref.path) refs.push({ ref, offset: ref.node.range?.[0] ?? 0 });
  // `include: [{ path, env_file }]`: the env file interpolates the included file, named here.
  for (const entry of includesOf(ctx, ctx.projectDir)) entry.envFileNodes.forEach((node, i) => refs.push({ ref: { path: entry.envFiles[i], node }, offset: node.range?.[0] ?? 0 }));
  refs.sort((a, b) => a.offset - b.offset);
  const out: EnvFileUse[] = [];
  const seen = new Set<string>();
  for (const { ref } of refs) {
    if (seen.has(ref.path!)) continue;
    seen.add(ref.path!);
    out.push({ path: ref.path!, via: 'env_file', range: ctx.rangeOf(ref.node), text: ctx.workspace.readText(ref.path!) });
  }
  const own = ctx.dotenv()?.own;
  // An include's `env_file:` is reported in the including file, where it is named. Compose reads the
  // file whether or not the including project's variables override the names it defines.
  if (own && !own.fromInclude && !seen.has(own.path) && own.vars.size > 0) {
    const site = interpolationSites(ctx).find((s) => own.vars.has(s.name));
    if (site) out.push({ path: own.path, via: 'interpolation', range: site.range, text: own.text });
  }
  return out;
}

/** The repository root of the analyzed file, looked up once per analysis and only when a rule needs it. */
export function repositoryRootOf(ctx: ComposeContext): string | null {
  return ctx.memo(ctx, 'repositoryRoot', () => repositoryRoot(ctx.workspace, ctx.dir));
}

/** Whether an env file is conventionally the local secrets file: `.env` or `.env.<stage>` (templates excluded). */
export function isDotenvName(fileName: string): boolean {
  return /^\.env(?:\..+)?$/i.test(fileName) && !isTemplateEnvName(fileName);
}

/** Names a committed template of `fileName` may have (`.env.example`, `example.env`, `db.env.sample`, …). */
export function exampleCandidates(fileName: string): string[] {
  const out = TEMPLATE_WORDS.flatMap((s) => [`${fileName}.${s}`, `${fileName}-${s}`, `${fileName}_${s}`]);
  out.push(`${fileName}.local.example`);
  if (fileName.startsWith('.')) {
    const bare = fileName.slice(1);
    out.push(`${bare}.example`, `${bare}.sample`, `${bare}-example`, `example${fileName}`, `sample${fileName}`, `example.${bare}`, `.example${fileName}`);
  }
  const m = /^(.+)\.env$/i.exec(fileName);
  if (m) out.push(`${m[1]}.example.env`, `${m[1]}.sample.env`, `${m[1]}-example.env`, `${m[1]}.env.example`);
  return [...new Set(out)];
}
