import * as path from 'node:path';
import { composeDotenv } from '../engine/interpolate';
import type { Node, Scalar, YAMLMap } from 'yaml';
import { isAlias, isMap, isScalar, isSeq } from '../engine/yaml-guards';
import { composeReadsAsWritten, scalarContentSpan, scalarSourceSpan, type ComposeContext, type EnvVar, type Service } from '../engine/compose';
import { extendsChain, isSwarmStack, type ExtendsLevel } from '../engine/compose-lookup';
import { defineRule } from '../engine/rule';
import { envFileRefs, isDotenvName, isTemplateEnvName, parseEnvFile, type EnvFileRef } from '../engine/env-files';
import { defaultMerge, mergedServiceGone, overrideAt } from '../engine/override-merge';
import { extendingRoot, includeEnvFiles, includesOf, isIncluded, projectFiles } from '../engine/include';
import { buildOf, defaultComposePair, parsedCompose, parsedDockerfile, servicesWithUnknownBuild } from '../engine/relations';
import { dockerignoreFor, isExcluded, parseDockerignore } from '../engine/dockerignore';
import { wholeContextCopy } from '../dockerfile/DR003-dockerignore-missing-secrets';
import { gitTracking, isGitIgnored, isIgnoredByGitignore } from '../engine/repo';
import { authSwitch, HEADER_CREDENTIAL, isAccessKeyIdOfPair, isCredentialName, isCredentialNameFor, isValueJudgedName, looksLikeIssuedCredential, isCredentialOption, isPathLike, isPathOrNextOption, isPlaceholderValue, isShellExportedCredential, isTemplatePlaceholder, urlCredentials, urlPasswords } from '../engine/secrets';
import { replaceInScalarEdit, scalarAt } from '../engine/compose-insert';
import { ownPasswordArgs, redisFacts, serverArgsPasswordWord } from '../engine/redis-config';
import { appendLineEdit } from '../engine/yaml-edit';
import { listingFact } from '../engine/listing';
import { rangesOverlap } from '../engine/text';
import type { Detection, FileChange, Fix, Range, TextEdit, WorkspaceView } from '../engine/types';
import { applyTextEdits } from '../engine/edits';
import { gitignorePattern } from './DR001-env-not-gitignored';
import { escapedSpans, spellingsOf } from '../engine/secret-spellings';
import { commandValue } from '../engine/service-command';
import { baseName, parseShell } from '../engine/shell';
import { curlShortOption, invocation, MYSQL_CLIENTS, type Invocation } from '../engine/run-commands';
import { knownTokenIn, tokenKind } from '../engine/secret-tokens';
import { carriedConfigCredential, carriedCredentials, connectionPasswords, embeddedCredential, isPlaceholderPassword, mergeCarried, rubySettings, SETTING_NAME, type CarriedCredentials, type ConnectionPassword } from '../engine/embedded-secrets';
import { ofService, placeOf, type Place } from '../engine/written-in';
import { countBefore } from '../engine/sorted';
import { isSuppressedAt } from '../engine/suppress';

/** Where a value is written: a service's `environment:`, its `build.args`, or a server's command line in its `command:`/`entrypoint:`. */
export type ValueSource = 'environment' | 'build.args' | 'command' | 'healthcheck' | 'configs' | 'volumes';

export type InlineKind =
  /** A credential-named variable with a literal value. */
  | 'literal'
  /** A credential shipped as the default of an interpolation (`${DB_PASSWORD:-hunter2}`). */
  | 'default'
  /** A password inside a connection string (`postgres://app:hunter2@db/app`), whatever the variable's name. */
  | 'url'
  /** A password given to a server option (`--requirepass hunter2`) on a command line or in a variable of server options (`REDIS_ARGS`). */
  | 'option'
  /** A credential in a configuration that a variable carries whole (`KESTRA_CONFIGURATION: |` … `password: k3str4`); `dotenvName` is its key there. */
  | 'embedded'
  /** A credential given to any program as a command-line flag (`--stripe-key sk_live_…`): reported, not moved. */
  | 'flag'
  /** A credential-named variable set in a command line (`PGPASSWORD=… pg_isready` in a healthcheck, `sh -c "DB_PASSWORD=… exec app"`): reported, not moved. */
  | 'assignment';

export interface InlineSecret {
  service: string;
  source: ValueSource;
  /** The variable (or build argument, or command-line option: `--requirepass`) as written. */
  name: string;
  kind: InlineKind;
  /** The `.env` variable that holds the secret after the fix. */
  dotenvName: string;
  /** The secret as Compose reads it (`$$` unescaped). Kept for the fix; never in a message. */
  value: string;
  /** The exact edit in the compose file that leaves `${dotenvName}`, or null when not exact. */
  edit: { offsets: [number, number]; newText: string } | null;
  /** The secret's range as written in the file, when known exactly (masked wherever output prints the file: Rule.secretRanges). */
  valueRange?: Range;
  /** More credentials of the same carried configuration (`embedded`): never in a message; masked where output shows the file. */
  others?: string[];
  /** The file is a Swarm stack (isSwarmStack): `docker stack deploy` reads no `.env`. */
  stack?: boolean;
  /** The kind of known credential format the value holds (`GitHub token`), when that is why it is reported (any name: review 42e, item 1). */
  token?: string;
  /**
   * A template's placeholder (isTemplatePlaceholder: `your-secret-here`, `long-and-random-alphanumeric-string`) written as the value or as its default:
   * not reported by DC040 (DC041 reports it as used as written) nor moved, but kept with the others so that the fixes
   * that move or replace a value with copies (DC041's generated password) still find it as a copy (review 47b, finding 3).
   */
  placeholder?: true;
  /**
   * For kind `url`, a credential of a URL other than its password: the query parameter's name (`license_key`, `access_token`),
   * or `user` for a token written as the URL's user (`https://<token>@github.com/…`). A name, shown in the message.
   */
  credential?: string;
  /** For a connection string on a command line (kind `url`, source `command` or `healthcheck`): its scheme (`postgres`). */
  scheme?: string;
  /** Where the value is written and who uses it, when not only the service named (an anchor in `x-common`: review 42f, item 2). */
  sharing?: Place;
  /** Other services that load the env file the fixes write whole as `env_file:` (loadedByOthers): the message names them. */
  loadedBy?: LoadedBy;
}

/**
 * Services that load the env file a moved secret goes to (`env`, as the titles name it) whole: `exact` those whose `env_file:`
 * is that file, `unresolved` those whose path cannot be resolved here (with the path as written), at most three each, and how
 * many more of each there are.
 */
export interface LoadedBy {
  env: string;
  exact: string[];
  moreExact: number;
  unresolved: { label: string; raw: string }[];
  moreUnresolved: number;
}

/** A literal value: no interpolation left once `$$` escapes are removed. */
export function literalValue(raw: string): string | null {
  // Most values hold no `$` (nor a NUL, which the unescaping below turns into `$`): they are their own literal, read
  // without the two replacements (DC040 asks it of every variable of every service; DC041 and DC042 ask it too).
  if (!raw.includes('$') && !raw.includes('\u0000')) return raw;
  const unescaped = raw.replace(/\$\$/g, '\u0000');
  if (unescaped.includes('$')) return null;
  return unescaped.replace(/\u0000/g, '$');
}

/**
 * How the value is written in `.env` so that Compose reads it back unchanged: bare when it has only
 * safe characters, else single-quoted (Compose does not interpolate or unescape single-quoted .env
 * values). Null when no exact spelling exists (a value with both a single quote and a special character,
 * or one that ends with a backslash).
 */
export function dotenvSpelling(value: string): string | null {
  if (/^[A-Za-z0-9_./:@+,=%^-]*$/.test(value)) return value;
  // A backslash before the closing quote escapes it for Compose's parser (compose-go dotenv: an escaped
  // quote does not end the value), so a value that ends with one has no single-quoted spelling.
  if (value.includes("'") || /[\r\n]/.test(value) || value.endsWith('\\')) return null;
  return `'${value}'`;
}

/**
 * The env file a fix writes a new variable to: the one Compose reads for this file — the `.env` beside
 * it; for a file another compose file `include:`s, the include's `env_file:` (the last when it names
 * several: a later file wins, so the new value is the one used), or else the `.env` of the include's
 * project directory (include.ts includeEnvFiles). The including project's `.env` is read before it
 * (ComposeContext.dotenv): a name that one defines keeps its value there, which is why the fixes compare
 * with `dotenv().vars` (its value for such a name) before writing. Null when the target is unclear: an
 * include's `env_file:` that does not exist (Compose would not load the project), or a file whose
 * services a compose file in another folder `extends:` (Compose interpolates them with that project's
 * `.env`, not with one beside this file: mattermost's build/docker-compose.common.yml).
 */
export function dotenvTarget(ctx: ComposeContext): { path: string; text: string | undefined } | null {
  // Where, once per analysis: every secret's fix asks, and finding the extending root reads the folder's compose files.
  const where = ctx.memo(ctx, 'dc040DotenvTarget', () => dotenvTargetPath(ctx));
  if (!where) return null;
  // Its text as the workspace holds it now, not when the analysis was made: the server keeps an analysis while its
  // findings stand, and an open `.env` may have changed since (an edit computed on the old text, sent with the buffer's
  // new version, lands mid-line).
  const text = ctx.workspace.readText(where.path);
  if (where.explicit && text === undefined) return null;
  return { path: where.path, text };
}

function dotenvTargetPath(ctx: ComposeContext): { path: string; explicit: boolean } | null {
  const root = extendingRoot(ctx.workspace, ctx.path, ctx.options);
  if (root !== null && path.dirname(root) !== ctx.dir) return null;
  const { paths, explicit } = includeEnvFiles(ctx) ?? { paths: [path.join(ctx.dir, '.env')], explicit: false };
  return { path: paths[paths.length - 1], explicit };
}

/**
 * The env file whose value of a variable Compose uses for this file: for an included file, the
 * including project's `.env` when it defines the name (its value wins), else the last of the include's
 * own env files that sets it (ComposeContext.dotenv's `holders`).
 */
export function dotenvHolder(ctx: ComposeContext, name: string): { path: string; text: string } | undefined {
  const holder = ctx.dotenv()?.holders.get(name);
  const text = holder === undefined ? undefined : ctx.workspace.readText(holder);
  return holder !== undefined && text !== undefined ? { path: holder, text } : undefined;
}

/**
 * Whether Compose takes a variable for this (included) file from the including project's environment —
 * the root's `.env`, or the env files of an include above — rather than from the file's own env files:
 * that value wins (ComposeContext.dotenv), so a value written to the file's own env file would not be
 * used, and the title of a fix that writes there would name a file that does not hold the value.
 */
export function fromIncludingProject(ctx: ComposeContext, name: string): boolean {
  const holder = ctx.dotenv()?.holders.get(name);
  const own = holder === undefined ? undefined : includeEnvFiles(ctx);
  return own !== undefined && !own.paths.includes(holder!);
}

/** How many YAML files of a folder are read to look for other readers of a variable (a bound on hostile input). */
const MAX_SIBLINGS = 64;

/**
 * Where a text reads each variable through interpolation, by name, in one pass: the `$` of every
 * `${NAME` followed by `}`, `:`, `?`, `+` or `-`, and of every `$NAME` (NAME the longest run of
 * letters, digits and `_` there, not starting with a digit) — the places `${NAME}`, `${NAME:-…}` and `$NAME`
 * read a name (a name starts with a letter or `_`), for all names at once: a file with thousands
 * of secrets asks it for each of them.
 */
function variableReads(text: string): ReadonlyMap<string, readonly number[]> {
  const out = new Map<string, number[]>();
  const isNameChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  const startsName = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  for (let at = text.indexOf('$'); at !== -1; at = text.indexOf('$', at + 1)) {
    const braced = text.charCodeAt(at + 1) === 123; // `{`
    const from = braced ? at + 2 : at + 1;
    if (!startsName(text.charCodeAt(from))) continue;
    let end = from + 1;
    while (end < text.length && isNameChar(text.charCodeAt(end))) end++;
    if (braced && !'}:?+-'.includes(text[end] ?? '\u0000')) continue;
    const name = text.slice(from, end);
    const list = out.get(name);
    if (list) list.push(at);
    else out.set(name, [at]);
  }
  return out;
}

/** variableReads of the compose file's own text, once per analysis. */
function ownVariableReads(ctx: ComposeContext): ReadonlyMap<string, readonly number[]> {
  return ctx.memo(ctx, 'dc040VariableReads', () => variableReads(ctx.text));
}

/** variableReads of another file's text (a file the services extend, an env file, a compose file beside the `.env`), once per analysis and file. */
function fileVariableReads(ctx: ComposeContext, file: string, text: string): ReadonlyMap<string, readonly number[]> {
  return ctx.memo(ctx, `dc040VariableReads\u0000${file}`, () => variableReads(text));
}

/** Offset ranges of a text ([start, end)); a caller may give a function that makes them, called only when they are read. */
type Spans = readonly (readonly [number, number])[];

/**
 * Whether the compose file reads a variable outside the `skip` offset ranges (variableReads of its own
 * text), from its reads listed once per analysis (ownVariableReads): each secret's fix asks it with its
 * moved spans, thousands of them in a file with thousands of copies of one secret.
 */
function readsOutside(ctx: ComposeContext, name: string, spans: Spans | (() => Spans)): boolean {
  const reads = ownVariableReads(ctx).get(name);
  if (!reads || reads.length === 0) return false;
  const skip = typeof spans === 'function' ? spans() : spans;
  if (skip.length === 0) return true;
  const inside = spanUnion(skip);
  return reads.some((at) => !inside(at));
}

/**
 * Whether an offset lies in one of `spans` (s <= at < e; any order, overlapping or not): the spans sorted
 * by start once, and for an offset the largest end among those starting at or before it, by binary search.
 */
function spanUnion(spans: readonly (readonly [number, number])[]): (at: number) => boolean {
  const sorted = [...spans].sort((x, y) => x[0] - y[0]);
  const maxEnd: number[] = [];
  for (let i = 0; i < sorted.length; i++) maxEnd.push(Math.max(sorted[i][1], i > 0 ? maxEnd[i - 1] : -Infinity));
  return (at) => {
    const found = countBefore(sorted, (s) => s[0] <= at) - 1;
    return found >= 0 && maxEnd[found] > at;
  };
}

/**
 * The files, besides the fix's own edits, whose interpolation a fix would change by writing `names` to
 * the env file Compose reads for this file: the compose file itself outside `ownEdits`, and, when the
 * target is a `.env`, the other YAML files of its folder — Compose reads the `.env` of the project
 * directory (the folder of the first `-f` file), so every compose file there sees the new variable,
 * and `${NAME:-default}` takes it over its default. A name the env files already define with the same
 * value changes nothing and is not looked for, unless `rewritten`: the fix gives a name the env file
 * defines a new value (DC041's client copies), which its readers get too. Labels relative to the compose
 * file; null when the folder cannot be listed or holds too many YAML files to read (unknown).
 * What does not depend on `ownEdits` is found once per analysis and set of names (readersBesides): every
 * copy of a secret asks with the same name (a file with thousands of copies of one password).
 */
export function dotenvReadersElsewhere(ctx: ComposeContext, names: readonly string[], ownEdits: Spans | (() => Spans), rewritten = false): string[] | null {
  const target = dotenvTarget(ctx);
  if (!target) return null;
  const known = ctx.dotenv()?.vars;
  const seen = new Set<string>();
  const fresh = names.filter((n) => {
    if (seen.has(n)) return false;
    seen.add(n);
    return (rewritten || known?.get(n) === undefined) && /^[A-Za-z_][A-Za-z0-9_]*$/.test(n);
  });
  if (fresh.length === 0) return [];
  // Across `include:` the including project's environment is merged over the included file's .env
  // (compose-go ApplyInclude): which value a service gets depends on files this check does not weigh.
  if (isIncluded(ctx) || includesOf(ctx, ctx.projectDir).length > 0) return null;
  const elsewhere = ctx.memo(ctx, `dc040ReadersBesides\u0000${fresh.join('\u0000')}`, () => readersBesides(ctx, target, fresh));
  if (elsewhere === null) return null;
  const self = path.basename(ctx.path);
  if (!fresh.some((n) => readsOutside(ctx, n, ownEdits)) && !fromEnvironmentByName(ctx, fresh)) return [...elsewhere];
  return [self, ...elsewhere.filter((l) => l !== self)];
}

/**
 * dotenvReadersElsewhere without the compose file's own `${…}` and top-level secrets and configs (which
 * come first when they read a name): in order, the files the project's services extend, a bare
 * `environment:` entry (`- POSTGRES_PASSWORD`) of a service or of a service it extends, an env_file of
 * one, and the other YAML files beside the `.env`. Null when unknown.
 */
function readersBesides(ctx: ComposeContext, target: { path: string }, fresh: readonly string[]): string[] | null {
  const project = projectReaders(ctx, target.path);
  if (project === null) return null;
  const out: string[] = [];
  const has = new Set<string>();
  const push = (label: string) => {
    if (has.has(label)) return;
    has.add(label);
    out.push(label);
  };
  // The services of the project and the services they extend (review 39b F2): a base file in another
  // folder (`extends: {file: common/base.yml}`) is interpolated with this project's .env, so its
  // `${API_TOKEN:-none}` would take the moved value. An `extends:` that cannot be read may read it too.
  for (const { label, ctx: file } of project.bases) if (fresh.some((n) => fileVariableReads(ctx, file.path, file.text).has(n))) push(label);
  // The project environment (which the .env joins) also fills a bare `environment:` entry (`- POSTGRES_PASSWORD`)
  // and the `${…}` and bare names of a service's env_file (compose-go resolves both with it): in the order of
  // the services and their env files, each label where it first reads a name.
  const hits: { at: number; label: string }[] = [];
  for (const n of fresh) for (const hit of project.bare.get(n) ?? []) hits.push(hit);
  for (const f of project.envFiles) {
    const reads = fileVariableReads(ctx, f.path, f.text);
    if (fresh.some((n) => reads.has(n) || new RegExp(`^\\s*(?:export\\s+)?${n}\\s*$`, 'm').test(f.text))) hits.push({ at: f.at, label: f.label });
  }
  hits.sort((a, b) => a.at - b.at);
  for (const { label } of hits) push(label);
  if (path.basename(target.path) !== '.env') return out;
  const siblings = project.siblings;
  if (siblings === null) return null;
  for (const s of siblings) {
    if (fresh.some((n) => fileVariableReads(ctx, s.file, s.text).has(n))) {
      out.push(s.label);
      continue;
    }
    // Names without `$` (review 39, gaps left from items F2/F3): a service of that file that passes the
    // name through (`- API_TOKEN`), loads the .env as its env_file, or a secret or config made from it.
    const other = s.read();
    if (!other) continue;
    if (other.loads || fromEnvironmentByName(other.ctx, fresh) || fresh.some((n) => other.bare.has(n))) out.push(s.label);
  }
  return out;
}

/** What dotenvReadersElsewhere reads of the project, whatever the names: once per analysis (projectReaders). */
interface ProjectReaders {
  /** The other files whose services the project's services extend, each once, in the order of the services. */
  bases: { label: string; ctx: ComposeContext }[];
  /** By name: where a bare `environment:` entry of a service (or of one it extends) passes it through, each label first where it first does. */
  bare: Map<string, { at: number; label: string }[]>;
  /** The services' env files (not the `.env` written), each once, where first loaded. */
  envFiles: { at: number; label: string; path: string; text: string }[];
  /** The other YAML files beside the `.env`, sorted; null when the folder cannot be listed or holds too many. */
  siblings: { file: string; label: string; text: string; read: () => SiblingReads | undefined }[] | null;
}

/** What a compose file beside the `.env` reads of the project environment without `$`: parsed when first asked (a file that reads a name with `$` need not be). */
interface SiblingReads {
  ctx: ComposeContext;
  /** A service loads the `.env` as its env_file (or one whose path cannot be resolved). */
  loads: boolean;
  /** The names its services pass through (`- API_TOKEN`). */
  bare: Set<string>;
}

/** ProjectReaders for the env file the fixes write (`target`), once per analysis; null when an `extends:` cannot be read. */
function projectReaders(ctx: ComposeContext, target: string): ProjectReaders | null {
  return ctx.memo(ctx, `dc040ProjectReaders\u0000${target}`, () => {
    const services = projectServices(ctx);
    if (services.some((s) => s.unknown)) return null;
    const levels = uniqueLevels(services);
    const bases: ProjectReaders['bases'] = [];
    const baseLabels = new Set<string>();
    for (const level of levels) {
      if (level.ctx.path === ctx.path) continue;
      const label = dotenvLabel(ctx, level.ctx.path);
      if (baseLabels.has(label)) continue;
      baseLabels.add(label);
      bases.push({ label, ctx: level.ctx });
    }
    const bare = new Map<string, { at: number; label: string }[]>();
    const envFiles: ProjectReaders['envFiles'] = [];
    const envSeen = new Set<string>();
    let at = 0;
    for (const level of levels) {
      const label = level.ctx.path === ctx.path ? path.basename(ctx.path) : dotenvLabel(ctx, level.ctx.path);
      const here = at++;
      for (const e of level.ctx.environment(level.service)) {
        if (e.value !== null) continue;
        const list = bare.get(e.name);
        if (!list) bare.set(e.name, [{ at: here, label }]);
        else if (!list.some((h) => h.label === label)) list.push({ at: here, label });
      }
      for (const ref of envFileRefs(level.ctx, level.service)) {
        const where = at++;
        const text = ref.path ? ctx.workspace.readText(ref.path) : undefined;
        if (text === undefined || !ref.path || ref.path === target || envSeen.has(ref.path)) continue;
        envSeen.add(ref.path);
        envFiles.push({ at: where, label: dotenvLabel(ctx, ref.path), path: ref.path, text });
      }
    }
    return { bases, bare, envFiles, siblings: path.basename(target) === '.env' ? siblingsOf(ctx, target) : null };
  });
}

/** The other YAML files in the folder of the `.env` (ProjectReaders.siblings). */
function siblingsOf(ctx: ComposeContext, target: string): ProjectReaders['siblings'] {
  const dir = path.dirname(target);
  const entries = ctx.workspace.listDir?.(dir);
  if (!entries) return null;
  const yamls = listingFact(entries, sortedYamlNames);
  // The compose file itself, when it is in that folder: a name of the listing joins `dir` into its path only there.
  const self = path.join(dir, path.basename(ctx.path)) === ctx.path ? path.basename(ctx.path) : undefined;
  if (yamls.length - (self !== undefined && yamls.includes(self) ? 1 : 0) > MAX_SIBLINGS) return null;
  const out: NonNullable<ProjectReaders['siblings']> = [];
  for (const e of yamls) {
    if (e === self) continue;
    const file = path.join(dir, e);
    const text = ctx.workspace.readText(file);
    if (text === undefined) continue;
    let read: SiblingReads | undefined | null = null;
    const details = (): SiblingReads | undefined => {
      if (read !== null) return read;
      const other = /\benv_file\b|\benvironment\b/.test(text) ? parsedCompose(ctx.workspace, file, ctx.options) : undefined;
      if (!other) return (read = undefined);
      const loads = other.services.some((svc) => envFileRefs(other, svc).some((r) => r.path === null || r.path === target));
      const bare = new Set<string>();
      for (const svc of other.services) for (const env of other.environment(svc)) if (env.value === null) bare.add(env.name);
      return (read = { ctx: other, loads, bare });
    };
    out.push({ file, label: dotenvLabel(ctx, file), text, read: details });
  }
  return out;
}

/** The YAML files of a folder's listing, sorted (siblingsOf): once per listing (listingFact), not per compose file of the folder. */
function sortedYamlNames(names: readonly string[]): string[] {
  return names.filter((e) => /\.ya?ml$/i.test(e)).sort();
}

/**
 * Whether a top-level secret or config of a compose file is made from one of the variables
 * (`secrets: {token: {environment: API_TOKEN}}`): Compose reads it from the project environment,
 * which the .env joins, so the moved value would become its content.
 */
function fromEnvironmentByName(ctx: ComposeContext, names: readonly string[]): boolean {
  const used = environmentsByName(ctx);
  return used.size > 0 && names.some((n) => used.has(n));
}

/** The variables the top-level secrets and configs of a compose file are made from (fromEnvironmentByName), once per analysis. */
function environmentsByName(ctx: ComposeContext): ReadonlySet<string> {
  return ctx.memo(ctx, 'dc040EnvironmentsByName', () => {
    const out = new Set<string>();
    if (!/\benvironment\b/.test(ctx.text)) return out;
    for (const doc of ctx.documents) {
      const root = doc.contents;
      if (!root || !isMap(root)) continue;
      for (const key of ['secrets', 'configs']) {
        const top = ctx.get(doc, root, key)?.value;
        if (!top || !isMap(top)) continue;
        for (const pair of top.items) {
          const item = ctx.resolve(doc, pair.value as Node | null);
          if (!item || !isMap(item)) continue;
          const env = ctx.get(doc, item, 'environment')?.value;
          if (env && isScalar(env)) out.add(String(env.value));
        }
      }
    }
    return out;
  });
}

/** A service of the project and its `extends:` chain (the service first); `unknown`: a hop could not be read. */
interface ProjectService {
  chain: readonly ExtendsLevel[];
  unknown: boolean;
}

/**
 * The services Compose interpolates with the same `.env` as this file, each with the services it
 * extends: this file's, and, when the file is the `extends:` base of a compose file in its own folder
 * (extendingRoot), that file's. Bases in other files (`extends: {file: common/base.yml}`, resolved as
 * compose-go does: against the project directory, then a base's own folder) are interpolated with the
 * project's `.env` too, and pass on their `environment:` and `env_file:` (an extended file's relative
 * `env_file: ../.env` is read from that file's folder).
 */
function projectServices(ctx: ComposeContext): ProjectService[] {
  return ctx.memo(ctx, 'dc040ProjectServices', () => {
    const files = [ctx];
    const root = extendingRoot(ctx.workspace, ctx.path, ctx.options);
    const rootCtx = root !== null && root !== ctx.path && path.dirname(root) === ctx.dir ? parsedCompose(ctx.workspace, root, ctx.options) : undefined;
    if (rootCtx) files.push(rootCtx);
    return files.flatMap((file) => file.services.map((service) => extendsChain(file, service)));
  });
}

/** The levels of the chains, each service once (by file and name). */
function uniqueLevels(services: readonly ProjectService[]): ExtendsLevel[] {
  const seen = new Set<string>();
  const out: ExtendsLevel[] = [];
  for (const { chain } of services) {
    for (const level of chain) {
      const key = `${level.ctx.path}\u0000${level.service.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(level);
    }
  }
  return out;
}

/** How a fix title names an env file: relative to the compose file (`.env`, `../db/secrets.env`). */
export function dotenvLabel(ctx: ComposeContext, envPath: string): string {
  return path.relative(ctx.dir, envPath).split(path.sep).join('/');
}

/**
 * The changes that ignore an env file in git (a `.gitignore` beside it) and list the names in its
 * template (`<file>.example` beside it: `.env.example` for `.env`), unless a service of the file loads
 * that template as its env_file. `envPath`: the env file, by default the one the fixes write
 * (dotenvTarget), else the `.env` beside the compose file. Null when no `.gitignore` line makes git
 * ignore the file (the fixes that would put a secret there are not offered).
 */
export function dotenvCompanions(ctx: ComposeContext, names: string[], envPath = dotenvTarget(ctx)?.path ?? path.join(ctx.dir, '.env')): FileChange[] | null {
  // What does not depend on the names, once per analysis and env file: every secret's fix asks.
  // Keyed by the `.gitignore` beside it as the workspace holds it now (an open buffer may have changed since the analysis).
  const gitignoreNow = ctx.workspace.readText(path.join(path.dirname(envPath), '.gitignore')) ?? '\u0001';
  const { ignore, examplePath } = ctx.memo(ctx, `dc040Companions\u0000${envPath}\u0000${gitignoreNow}`, () => ({
    // The committed `.gitignore` files only: a `.env` only this clone's info/exclude or the user's own ignore file hides
    // is committed by a teammate's `git add .`, so the line is still written (isIgnoredByGitignore).
    ignore: isIgnoredByGitignore(ctx.workspace, envPath, ctx.dir) ? null : (gitignoreChange(ctx, envPath) ?? undefined),
    examplePath: `${envPath}.example`,
  }));
  const changes: FileChange[] = [];
  if (ignore !== null) {
    if (!ignore) return null;
    changes.push(ignore.kind === 'edit' ? { ...ignore, edits: [...ignore.edits] } : { ...ignore });
  }
  // A template a service loads as its own env_file (`env_file: .env.example`, a quick start's
  // defaults) is not only documentation: `NAME=` there would give that service an empty NAME.
  if (envFilePaths(ctx).has(examplePath)) return changes;
  const exampleNow = ctx.workspace.readText(examplePath);
  const example = ctx.memo(ctx, `dc040Example\u0000${examplePath}\u0000${exampleNow ?? '\u0001'}`, () => ({ text: exampleNow, listed: exampleNow === undefined ? undefined : composeDotenv(exampleNow) }));
  const listed = example.listed;
  const seen = new Set<string>();
  const missing = names.filter((name) => {
    if (seen.has(name)) return false;
    seen.add(name);
    return !listed?.has(name);
  });
  if (missing.length > 0) {
    const lines = missing.map((n) => `${n}=`);
    if (example.text === undefined) changes.push({ kind: 'create', path: examplePath, content: lines.map((l) => `${l}\n`).join('') });
    else changes.push({ kind: 'edit', path: examplePath, edits: [appendLineEdit(example.text, lines.join('\n'))] });
  }
  return changes;
}

/** The env files the file's services load (envFileRefs), once per analysis. */
function envFilePaths(ctx: ComposeContext): ReadonlySet<string | null> {
  return ctx.memo(ctx, 'dc040EnvFilePaths', () => new Set(ctx.services.flatMap((s) => envFileRefs(ctx, s).map((r) => r.path))));
}

/**
 * The `.gitignore` change (beside the env file: appended, or created) that makes git ignore it: its name
 * written as DR001's fix writes it (gitignorePattern: `#`, `!`, `[`, `*`, `?`, `\\` and a trailing space
 * escaped, so that `#prod.env` is no comment: review 42d, item 3), and checked with git's rules
 * afterwards, as DR001's fix checks it (a deeper negation, or a name no line can match, such as one with
 * a line break). Undefined when it would not be ignored, or the `.gitignore` is there but cannot be read.
 */
function gitignoreChange(ctx: ComposeContext, envPath: string): FileChange | undefined {
  const gitignorePath = path.join(path.dirname(envPath), '.gitignore');
  const line = gitignorePattern(path.basename(envPath));
  const gitignore = ctx.workspace.readText(gitignorePath);
  if (gitignore === undefined && ctx.workspace.exists(gitignorePath)) return undefined;
  const edit = gitignore === undefined ? undefined : appendLineEdit(gitignore, line);
  const next = edit ? applyTextEdits(gitignore!, [edit]) : `${line}\n`;
  const view: WorkspaceView = {
    readText: (p) => (p === gitignorePath ? next : ctx.workspace.readText(p)),
    exists: (p) => p === gitignorePath || ctx.workspace.exists(p),
  };
  if (!isIgnoredByGitignore(view, envPath, ctx.dir)) return undefined;
  return edit ? { kind: 'edit', path: gitignorePath, edits: [edit] } : { kind: 'create', path: gitignorePath, content: next };
}

/**
 * Whether an env file may be given a secret: not a template meant to be committed (`.env.example`,
 * `.env.sample`, `.env.template`, `.env.dist`, `defaults.env`…: isTemplateEnvName), which an include's
 * `env_file:` may name (review 39a #8), and not a file git tracks (isGitTracked, as dotenvMayBeCommitted
 * asks): ignoring it does not untrack it, so the secret would go from one committed file to another.
 */
export function mayHoldSecrets(ctx: ComposeContext, envPath: string): boolean {
  if (isTemplateEnvName(path.basename(envPath))) return false;
  const tracking = gitTracking(ctx.workspace, envPath);
  // An existing file whose tracking cannot be told (a linked worktree's index outside the editor's folders, a split
  // or sparse index) may be tracked: a secret is not added to it (review 40a, items 1, 2). A new file is not tracked.
  return tracking !== 'tracked' && !(tracking === 'unknown' && ctx.workspace.exists(envPath));
}

/**
 * The changes that put several `NAME=value` lines into `.env` (one edit or create), ignore `.env` in
 * git and list the names in `.env.example`. A name `.env` already holds with the same value is kept;
 * null when `.env` holds a name with another value, when an included file takes the name from its
 * including project (fromIncludingProject), when a value has no exact spelling, or when no `.gitignore`
 * line would make git ignore the env file (dotenvCompanions).
 */
export function moveManyToDotenvChanges(ctx: ComposeContext, entries: { name: string; value: string }[]): FileChange[] | null {
  const target = dotenvTarget(ctx);
  if (!target || !mayHoldSecrets(ctx, target.path)) return null;
  const dotenv = ctx.dotenv();
  const lines: string[] = [];
  const written = new Map<string, string>();
  for (const { name, value } of entries) {
    const spelled = dotenvSpelling(value);
    if (spelled === null || fromIncludingProject(ctx, name)) return null;
    const existing = written.get(name) ?? dotenv?.vars.get(name);
    if (existing !== undefined) {
      if (existing !== value) return null; // another value under the same name: do not guess
      continue;
    }
    written.set(name, value);
    lines.push(`${name}=${spelled}`);
  }
  const changes: FileChange[] = [];
  if (lines.length > 0) {
    if (target.text !== undefined) changes.push({ kind: 'edit', path: target.path, edits: [appendLineEdit(target.text, lines.join('\n'))] });
    else changes.push({ kind: 'create', path: target.path, content: lines.map((l) => `${l}\n`).join('') });
  }
  const companions = dotenvCompanions(ctx, entries.map((e) => e.name), target.path);
  return companions && [...changes, ...companions];
}

/**
 * Whether the env file the fixes write already exists and git does not ignore it, or tracks it: it may be committed
 * (projects commit a `.env` of defaults: Temporal's, paperless-ngx's, Superset's), and ignoring it now
 * does not untrack it (gitignore: "Files already tracked by Git are not affected"), so a secret moved
 * there would go from one committed file to another.
 */
export function dotenvMayBeCommitted(ctx: ComposeContext): boolean {
  const target = dotenvTarget(ctx);
  if (!target || target.text === undefined) return false;
  const tracking = gitTracking(ctx.workspace, target.path);
  return !isGitIgnored(ctx.workspace, target.path, ctx.dir) || tracking === 'tracked' || tracking === 'unknown';
}

/**
 * Whether a service other than `owners` loads the env file the fix writes as its own `env_file:`
 * (`env_file: .env`): a secret moved there reaches that service's containers as an environment
 * variable too, not only the service it was written in.
 */
export function dotenvLoadedByOtherServices(ctx: ComposeContext, owners: readonly string[] | (() => readonly string[])): boolean {
  const target = dotenvTarget(ctx);
  if (!target) return false;
  // A service that extends an owner has the secret already; any other that loads the file, itself or
  // through a service it extends (an extended file's `env_file: ../.env`, read from that file's folder),
  // would get it too, and so may one whose env_file path cannot be resolved exactly (`${PWD}/.env`):
  // review 39b F3.
  // The services that load it, once per analysis (every secret's fix asks, with as many owners as copies).
  const loaders = ctx.memo(ctx, 'dc040DotenvLoaders', () => projectServices(ctx).filter(({ chain }) => chain.some((l) => envFileRefs(l.ctx, l.service).some((r) => r.path === null || r.path === target.path))));
  if (loaders.length === 0) return false;
  const own = new Set(typeof owners === 'function' ? owners() : owners);
  const isOwner = (l: ExtendsLevel) => l.ctx.path === ctx.path && own.has(l.service.name);
  return loaders.some(({ chain }) => !chain.some(isOwner));
}

/**
 * The services other than `owners` that load the env file the fixes write as their `env_file:` (as
 * dotenvLoadedByOtherServices finds them, and those of the other file of the default override pair): "Move all"
 * names them in its title, since every secret it moves reaches their containers (review 45e, item 2). `exact`: the
 * services whose `env_file:` resolves to that file (`.env`, `./.env`, a path from `.env`'s own variables); `unresolved`:
 * those whose path cannot be resolved here (`${PWD}/.env`: Compose interpolates an env_file path with the shell's
 * variables and the project's `.env`, https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/),
 * each with its path as written (mrg6b, item 3): it may be that file or another.
 */
function dotenvLoaderNames(ctx: ComposeContext, owners: readonly string[]): { exact: string[]; unresolved: { label: string; raw: string }[] } {
  const own = new Set(owners);
  const exact: string[] = [];
  const unresolved: { label: string; raw: string }[] = [];
  for (const l of dotenvLoaderList(ctx)) {
    if (l.through.some((n) => own.has(n))) continue;
    if (l.raw === undefined) exact.push(l.label);
    else unresolved.push({ label: l.label, raw: l.raw });
  }
  const seen = new Set<string>();
  return { exact: [...new Set(exact)], unresolved: unresolved.filter((u) => !exact.includes(u.label) && !seen.has(u.label) && !!seen.add(u.label)) };
}

/**
 * A service that loads the env file the fixes write as its `env_file:` (dotenvLoaderList): how messages and titles name it, its
 * path as written when that path is not known here (`${PWD}/.env`), and the names of this file's services its `extends:` chain
 * runs through (an owner of the secret among them has it already).
 */
interface DotenvLoader {
  label: string;
  raw?: string;
  through: readonly string[];
}

/** The services that load the env file the fixes write (whoever owns a secret), once per analysis: dotenvLoaderNames filters them. */
function dotenvLoaderList(ctx: ComposeContext): readonly DotenvLoader[] {
  return ctx.memo(ctx, 'dc040DotenvLoaderList', () => {
    const target = dotenvTarget(ctx);
    const out: DotenvLoader[] = [];
    if (!target) return out;
    /** The service loads the file (true), or one whose path is not known (its raw path), or neither. */
    const loads = (c: ComposeContext, sv: Service): true | string | undefined => {
      const refs = mergedRefs(c, sv);
      if (refs.some((r) => r.path === target.path)) return true;
      return refs.find((r) => r.path === null)?.raw;
    };
    const add = (label: string, how: true | string | undefined, through: readonly string[]) => {
      if (how !== undefined) out.push({ label, ...(how === true ? {} : { raw: how }), through });
    };
    for (const { chain } of projectServices(ctx)) {
      const first = chain[0];
      if (!first) continue;
      const hows = chain.map((l) => loads(l.ctx, l.service));
      const how = hows.includes(true) ? true : hows.find((h) => h !== undefined);
      if (how === undefined) continue;
      add(first.ctx.path === ctx.path ? `'${first.service.name}'` : `'${first.service.name}' of ${dotenvLabel(ctx, first.ctx.path)}`, how, chain.filter((l) => l.ctx.path === ctx.path).map((l) => l.service.name));
    }
    const other = pairPartner(ctx);
    if (other) for (const sv of other.services) add(`'${sv.name}' of ${path.basename(other.path)}`, loads(other, sv), []);
    // The other files of its `include:` project (the root that includes it, and what that root includes): Compose loads each
    // with its own project directory, so `env_file: .env` there (or `../.env` from a sub-folder) is this project's file and
    // a value moved into it reaches that service's containers too (review54b, F2).
    const read = new Set<string>([ctx.path, ...(other ? [other.path] : []), ...projectServices(ctx).map((s) => s.chain[0]?.ctx.path ?? '')]);
    for (const file of projectFiles(ctx)) {
      if (read.has(file.path)) continue;
      read.add(file.path);
      for (const sv of file.services) add(`'${sv.name}' of ${dotenvLabel(ctx, file.path)}`, loads(file, sv), []);
    }
    return out;
  });
}

/**
 * A service's own `env_file:` list as `docker compose up` merges the default pair (defaultMerge): a service of compose.yaml
 * loses it when compose.override.yaml drops it (`env_file: !reset`/`!override`, or the whole service), the override's own list
 * is kept unless it is a `!reset` (Compose Specification, Merge › Reset value / Replace value; mergedEnvFileRefs reads the
 * same tags) (review55b, F6). As written when the service pairs with none.
 */
function mergedRefs(c: ComposeContext, sv: Service): EnvFileRef[] {
  const m = defaultMerge(c, sv);
  if (!m) return envFileRefs(c, sv);
  if (mergedServiceGone(m) || (!m.inOverride && m.whole)) return [];
  const drops = overrideAt(m, ['env_file'])?.drops;
  return (m.inOverride ? drops?.tag === 'reset' : drops) ? [] : envFileRefs(c, sv);
}

/**
 * For a finding's message: the services other than its own that load the env file the fixes write whole as their `env_file:`
 * (dotenvLoaderList, read once per analysis and only when DC040 reports something; at most three of each kind named, the
 * others counted), so a value moved there reaches their containers too (entry3, item 3). Undefined when none does.
 */
function loadedByOthers(ctx: ComposeContext, loaders: readonly DotenvLoader[], service: string): LoadedBy | undefined {
  const exact: string[] = [];
  const unresolved: { label: string; raw: string }[] = [];
  let moreExact = 0;
  let moreUnresolved = 0;
  const seen = new Set<string>();
  for (const l of loaders) {
    if (l.through.includes(service) || seen.has(l.label)) continue;
    seen.add(l.label);
    if (l.raw === undefined) {
      if (exact.length < 3) exact.push(l.label);
      else moreExact++;
    } else if (unresolved.length < 3) unresolved.push({ label: l.label, raw: l.raw });
    else moreUnresolved++;
  }
  if (exact.length === 0 && unresolved.length === 0) return undefined;
  const target = dotenvTarget(ctx);
  return { env: dotenvLabel(ctx, target?.path ?? path.join(ctx.dir, '.env')), exact, moreExact, unresolved, moreUnresolved };
}

/** Whether any service loads the env file the fixes write as its `env_file:` (dotenvLoaderNames with no owners), once per analysis. */
function anyDotenvLoader(ctx: ComposeContext): boolean {
  return dotenvLoaderList(ctx).length > 0;
}

/**
 * Why the env file the fixes write would go into an image, or undefined: it lies in the build context of a service of
 * the file whose Dockerfile copies the whole context (`COPY . .`, as DR003 reads it: wholeContextCopy) while the ignore
 * file that applies (`<Dockerfile>.dockerignore`, else the context's `.dockerignore`, read as DR003 reads it) does not
 * exclude it, so the next build copies the secret into a layer (review 47a, F1). A service whose build context cannot be
 * resolved, or whose Dockerfile is there but cannot be read, with the file possibly in its context, counts too. Once per analysis.
 */
export function envFileIntoImage(ctx: ComposeContext, envPath: string): string | undefined {
  return ctx.memo(ctx, `dc040EnvIntoImage\u0000${envPath}`, () => {
    const name = path.basename(envPath);
    for (const sv of ctx.services) {
      const build = buildOf(ctx, sv);
      if (!build) continue;
      const rel = path.relative(build.context, envPath).split(path.sep).join('/');
      if (rel === '' || rel.startsWith('../') || rel === '..' || path.isAbsolute(rel)) continue;
      const dockerfile = parsedDockerfile(ctx.workspace, build.dockerfile, ctx.options);
      // No Dockerfile there: the build fails, and copies nothing (one that is there but cannot be read may copy it).
      if (!dockerfile) {
        if (!ctx.workspace.exists(build.dockerfile)) continue;
        return `service '${sv.name}' builds from a folder that holds ${name} with a Dockerfile that cannot be read`;
      }
      if (!wholeContextCopy(dockerfile)) continue;
      const ignore = dockerignoreFor(ctx.workspace, build.dockerfile, build.context);
      if (ignore.text !== undefined && isExcluded(parseDockerignore(ignore.text), rel)) continue;
      return `service '${sv.name}' copies its whole build context into its image and ${path.basename(ignore.path)} does not exclude ${name}`;
    }
    const unknown = servicesWithUnknownBuild(ctx)[0];
    return unknown ? `service '${unknown.name}' builds from a folder that cannot be resolved` : undefined;
  });
}

/** The title note of a fix that writes the env file at `envPath` when envFileIntoImage finds a reason (empty otherwise). */
export function envFileIntoImageNote(ctx: ComposeContext, envPath: string): string {
  const why = envFileIntoImage(ctx, envPath);
  return why === undefined ? '' : ` (${why}: the next build may put the password in the image)`;
}

/** What the title of a move to the env file at `envPath` says of envFileIntoImage and envFileChosenAtStartup. */
function envFileCaveats(ctx: ComposeContext, envPath: string): string[] {
  const out: string[] = [];
  const image = envFileIntoImage(ctx, envPath);
  if (image !== undefined) out.push(`${image}: the next build may put the secret in the image`);
  const startup = envFileChosenAtStartup(ctx);
  if (startup !== undefined && path.basename(envPath) === '.env') out.push(`${startup}: a project started with --env-file does not read .env`);
  return out;
}

/** How many script files beside the compose file envFileChosenAtStartup reads at most, and how much of each. */
const MAX_START_SCRIPTS = 16;
const MAX_START_SCRIPT_CHARS = 256 * 1024;
/** The files that start a project, read for `--env-file`: a Makefile, a justfile, a shell script. */
const START_SCRIPT = /^(?:[Mm]akefile|GNUmakefile|[Jj]ustfile|.+\.(?:sh|bash|mk))$/;

/** The start scripts of a folder's listing (START_SCRIPT), sorted: once per listing (listingFact), not per compose file of the folder. */
function startScriptNames(names: readonly string[]): string[] {
  return names.filter((n) => START_SCRIPT.test(n)).sort();
}

/** The env files of a folder's listing other than `.env` (`.env.prod`, `prod.env`; not templates), sorted: once per listing (listingFact). */
function stageEnvFileNames(names: readonly string[]): string[] {
  return names.filter((n) => n !== '.env' && (isDotenvName(n) || (/^[^.].*\.env$/i.test(n) && !isTemplateEnvName(n)))).sort();
}

/**
 * Why the project may be started with another env file than `.env`, or undefined: Compose reads `.env` only when no
 * `--env-file` is given (https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/#substitute-with---env-file),
 * so `${NAME}` written by the move would be empty there (review 47a, F5). Signs read, without running anything, in the
 * compose file's folder: (1) a Makefile, justfile or shell script (`*.sh`, `*.bash`, `*.mk`; at most 16, each read up to
 * 256 KiB) with a line that runs compose with `--env-file`, or that names `COMPOSE_ENV_FILES`; (2) an env file named for a
 * stage (`.env.production`, `prod.env`; not a template such as `.env.example`, nor one a service loads as its
 * `env_file:`) and no `.env`, or (3) such a file that defines a variable the compose file reads without a default
 * (`${API_TAG}`) that `.env` does not define. Undefined also when the folder cannot be listed (no sign found).
 */
export function envFileChosenAtStartup(ctx: ComposeContext): string | undefined {
  return ctx.memo(ctx, 'dc040EnvFileAtStartup', () => {
    const names = ctx.workspace.listDir?.(ctx.dir);
    if (!names) return undefined;
    let read = 0;
    for (const n of listingFact(names, startScriptNames)) {
      if (read >= MAX_START_SCRIPTS) break;
      const text = ctx.workspace.readText(path.join(ctx.dir, n));
      if (text === undefined) continue;
      read++;
      for (const line of text.slice(0, MAX_START_SCRIPT_CHARS).split(/\r?\n/)) {
        if (/\bCOMPOSE_(?:ENV_FILES|DISABLE_ENV_FILE)\b/.test(line) || (/--env-file\b/.test(line) && /\bcompose\b/.test(line))) return `${n} starts it with another env file`;
      }
    }
    const loaded = new Set<string>();
    for (const sv of ctx.services) for (const r of envFileRefs(ctx, sv)) if (r.path) loaded.add(r.path);
    const stages = listingFact(names, stageEnvFileNames).filter((n) => !loaded.has(path.join(ctx.dir, n)));
    if (stages.length === 0) return undefined;
    const dotenvText = ctx.workspace.readText(path.join(ctx.dir, '.env'));
    if (dotenvText === undefined) return `${stages[0]} is here and .env is not`;
    const defined = parseEnvFile(dotenvText);
    const required = requiredVariables(ctx.text).filter((v) => !defined.has(v));
    if (required.length === 0) return undefined;
    for (const n of stages) {
      const text = ctx.workspace.readText(path.join(ctx.dir, n));
      if (text === undefined) continue;
      const vars = parseEnvFile(text);
      const hit = required.find((v) => vars.has(v));
      if (hit !== undefined) return `${n} defines \${${hit}}, which .env does not`;
    }
    return undefined;
  });
}

/** The variables a text reads without a default (`${NAME}`, `$NAME`, `${NAME:?…}`, `${NAME?…}`), skipping `$$`. */
function requiredVariables(text: string): string[] {
  const out = new Set<string>();
  const re = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?\?)[^}]*)?\}|([A-Za-z_][A-Za-z0-9_]*))|\$\$/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0] === '$$') continue;
    const name = m[1] ?? m[3];
    if (name !== undefined) out.add(name);
  }
  return [...out];
}

/** The changes that put `NAME=value` into `.env`, ignore `.env` in git and list NAME in `.env.example`. */
export function moveToDotenvChanges(ctx: ComposeContext, name: string, value: string): FileChange[] | null {
  return moveManyToDotenvChanges(ctx, [{ name, value }]);
}

/** The key/value entries of a service's `build.args` (map or list form), shaped like `environment()`. */
export function buildArgs(ctx: ComposeContext, service: Service): EnvVar[] {
  const build = ctx.serviceGet(service, 'build');
  if (!build || !build.value || !isMap(build.value)) return [];
  const entry = ctx.get(service.doc, build.value, 'args');
  if (!entry || !entry.value) return [];
  const sharedBase = build.shared || entry.shared;
  const out: EnvVar[] = [];
  if (isMap(entry.value)) {
    for (const pair of entry.value.items) {
      if (!isScalar(pair.key)) continue;
      const v = pair.value as Node | null;
      const node = ctx.resolve(service.doc, v);
      let value: string | null = null;
      let valueOffsets: [number, number] | null = null;
      let valueSource: [number, number] | undefined;
      let editable = !sharedBase && !isAlias(v) && !ctx.isShared(v) && !ctx.isShared(pair.key as Node);
      if (node && isScalar(node)) {
        value = node.value === null ? null : typeof node.value === 'string' ? node.value : (node.source ?? String(node.value));
        valueOffsets = scalarContentSpan(ctx.text, node);
        // A number, boolean or timestamp (to the YAML library or to go-yaml, which Compose parses with: `0x1F2E`, `1_000`) is
        // passed as Go prints it, not as written (review 42d, item 4), as in `environment:`.
        if (!valueOffsets || !composeReadsAsWritten(node)) editable = false;
        if (!valueOffsets && value !== null) valueSource = scalarSourceSpan(ctx.text, node) ?? undefined;
      } else if (node) editable = false;
      out.push({
        name: String(pair.key.value),
        value,
        form: 'map',
        range: ctx.rangeOfPair(pair),
        nameRange: ctx.rangeOf(pair.key as Node),
        valueRange: valueOffsets ? ctx.lines.rangeOf(valueOffsets[0], valueOffsets[1]) : null,
        valueOffsets,
        ...(valueSource ? { valueSource } : {}),
        editable,
      });
    }
  } else if (isSeq(entry.value)) {
    for (const item of entry.value.items) {
      const node = ctx.resolve(service.doc, item as Node);
      if (!node || !isScalar(node) || typeof node.value !== 'string') continue;
      const s = node.value;
      const eq = s.indexOf('=');
      const span = scalarContentSpan(ctx.text, node);
      const valueOffsets: [number, number] | null = span && eq !== -1 ? [span[0] + eq + 1, span[1]] : null;
      out.push({
        name: eq === -1 ? s : s.slice(0, eq),
        value: eq === -1 ? null : s.slice(eq + 1),
        form: 'list',
        range: ctx.rangeOf(node),
        nameRange: span ? ctx.lines.rangeOf(span[0], span[0] + (eq === -1 ? s.length : eq)) : ctx.rangeOf(node),
        valueRange: valueOffsets ? ctx.lines.rangeOf(valueOffsets[0], valueOffsets[1]) : null,
        valueOffsets,
        editable: !sharedBase && !isAlias(item as Node) && !ctx.isShared(node) && span !== null,
      });
    }
  }
  return out;
}

/** A `${NAME:-default}` / `${NAME-default}` whose default is a literal, with offsets in `raw`. */
export interface DefaultExpr {
  name: string;
  value: string;
  start: number;
  end: number;
}

export function literalDefaults(raw: string): DefaultExpr[] {
  const out: DefaultExpr[] = [];
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '$' && raw[i + 1] === '$') {
      i++;
      continue;
    }
    if (raw[i] !== '$' || raw[i + 1] !== '{') continue;
    let depth = 0;
    let close = -1;
    for (let j = i + 1; j < raw.length; j++) {
      if (raw[j] === '{') depth++;
      else if (raw[j] === '}' && --depth === 0) {
        close = j;
        break;
      }
    }
    if (close === -1) break;
    const m = /^([A-Za-z_][A-Za-z0-9_]*):?-([\s\S]*)$/.exec(raw.slice(i + 2, close));
    if (m) {
      const lit = literalValue(m[2]);
      if (lit !== null && lit !== '') out.push({ name: m[1], value: lit, start: i, end: close + 1 });
    }
    i = close;
  }
  return out;
}

/**
 * A credential in a config's inline content: a `key: value` / `key=value` line whose key names one
 * (embeddedCredential), or an HTTP credential header written as a setting (`authorization: "Bearer …"`,
 * `X-Api-Key: …`, as an OpenTelemetry Collector exporter's `headers:` holds it): the value after the
 * scheme, when it is literal (no `${…}`, not a placeholder).
 */
function contentCredential(text: string): CarriedCredentials | null {
  const settings = mergeCarried(embeddedCredential(text), carriedCredentials(rubySettings(text)));
  if (settings) return settings;
  let found: CarriedCredentials | null = null;
  // A token of a known format anywhere in it (`set $stripe_key "sk_live_…"`: review 20, probe 07).
  const token = knownTokenIn(text);
  // Not a placeholder shaped like one (`sk_live_xxxx…`: review 21, probe 10).
  if (token && isLiteralCredential(text.slice(token.start, token.end))) found = { key: token.kind, value: text.slice(token.start, token.end), others: [] };
  for (const re of [HEADER_SETTING, NGINX_HEADER, NGINX_SET]) {
    for (const m of text.matchAll(re)) {
      const value = m[2];
      // An nginx variable (`$http_authorization`) is no credential; `${…}` is excluded by isLiteralCredential.
      if (!isLiteralCredential(value) || value.startsWith('$')) continue;
      if (found) found.others.push(value);
      else found = { key: m[1].replace(/^\$\$/, '$'), value, others: [] };
    }
  }
  return found;
}

/**
 * An HTTP credential header that an nginx configuration sets (`proxy_set_header Authorization "Basic
 * …";`, `add_header`, `grpc_set_header`): directive, header name and value are separated by blanks
 * (https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header; left from review 16, probe 06).
 */
/**
 * An nginx variable set to a credential with its scheme (`set $upstream_auth "Basic …";`), which a
 * header then carries (`proxy_set_header Authorization $upstream_auth;`: review 19, probe 13).
 */
const NGINX_SET = /(?:^|[\s;{])set[ \t]+(\$\$?[A-Za-z_][A-Za-z0-9_]*)[ \t]+["']?(?:bearer|basic|token|apikey)[ \t]+([^\s"';]{8,})/gim;

const NGINX_HEADER = /(?:^|[\s;{])(?:proxy_set_header|grpc_set_header|add_header|more_set_input_headers)[ \t]+["']?((?:proxy-)?authorization|private-token|x-(?![a-z-]*-(?:version|user|username|userid|user-id|id|name|type|url|uri|host|mode|method|redirect|email|groups?|preferred-username|status|gateway|consumer|consumer-id|realm)(?=["'\s]))[a-z-]*(?:token|key|api|secret|auth|password)[a-z-]*)["']?[ \t]+["']?(?:(?:bearer|basic|token)[ \t]+)?([^\s"';]{8,})/gim;

/** An HTTP credential header written as a YAML or JSON setting, with its credential (after Bearer/Basic/token when written). */
// Anywhere a key starts (a line, or after `{`, `,` or a blank: one-line JSON, review 14 probe 13).
// The value on the key's own line (Prometheus's `authorization:` block with `credentials_file:` below is no value: review 15, probe 04).
// TOML and INI write `=` (review 16, probe 06); X- headers about a credential that hold none (`X-Auth-Request-Redirect`, `-Email`, `-User`) are not one.
const HEADER_SETTING = /(?:^|[\s{,])(?:-[ \t]+)?["']?((?:proxy-)?authorization|private-token|x-(?![a-z-]*-(?:version|user|username|userid|user-id|id|name|type|url|uri|host|mode|method|redirect|email|groups?|preferred-username|status|gateway|consumer|consumer-id|realm)["']?[ \t]*[:=])[a-z-]*(?:token|key|api|secret|auth|password)[a-z-]*)["']?[ \t]*[:=][ \t]*["']?(?:(?:bearer|basic|token)[ \t]+)?(?![a-z][a-z0-9+.-]*:\/\/)([^\s"',}]{8,})/gim;

/**
 * What a URL credential other than a password is (InlineSecret.credential): the name of a query parameter that is not a
 * password's (`license_key`, `access_token`; `?password=` and nocodb's `p` are a connection string's password), or
 * `user` for a token written as the URL's user.
 */
function urlCredentialPart(p: ConnectionPassword): string | undefined {
  if (p.form === 'user') return 'user';
  if (p.form !== 'query' || p.parameter === undefined || /^(?:password|passwd|pwd|pass|p)$/i.test(p.parameter)) return undefined;
  return p.parameter;
}

/** The `.env` name a URL's credential goes under: `GEOIP_URL` and `license_key` → `GEOIP_LICENSE_KEY`, a token as its user → `MIRROR_TOKEN`. */
function credentialNameFor(name: string, credential: string): string {
  const base = passwordNameFor(name).replace(/_PASSWORD$/, '');
  return `${base}_${credential === 'user' ? 'TOKEN' : credential.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`.replace(/_+/g, '_');
}

/** The `.env` name a connection string's password goes under: `DATABASE_URL` → `DATABASE_PASSWORD`. */
function passwordNameFor(name: string): string {
  const base = name.replace(/_(?:URL|URI|DSN|CONNECTION_STRING|CONNECTION|CONN_STR|CONN|ADDR|ADDRESS|ENDPOINT|HOST)$/i, '');
  return `${base.toUpperCase()}_PASSWORD`.replace(/[^A-Z0-9_]/g, '_');
}

/**
 * The passwords written as literals on a Redis-family server's command line (`--requirepass`,
 * `--masterauth`) in the service's own `command:` or `entrypoint:` (one it inherits through `extends:`
 * is reported where it is written). `exact`: the argument can be replaced exactly (written plainly,
 * not inside a `sh -c` script).
 */
function commandPasswords(ctx: ComposeContext, service: Service): CommandPassword[] {
  const facts = redisFacts(ctx, service);
  if (!facts) return [];
  const out: CommandPassword[] = [];
  for (const { option, arg, exact } of ownPasswordArgs(ctx, service, facts)) {
    let value = literalValue(arg.raw);
    let variable: string | null = null;
    if (value === null) {
      // The whole word is `${NAME:-literal}`: the default ships with the file.
      const d = literalDefaults(arg.raw);
      if (d.length !== 1 || d[0].start !== 0 || d[0].end !== arg.raw.length) continue;
      value = d[0].value;
      variable = d[0].name;
    }
    if (value === '' || isPlaceholderPassword(value)) continue;
    out.push({ option, value, variable, server: facts.server, range: ctx.lines.rangeOf(arg.start, arg.end), offsets: [arg.start, arg.end], exact });
  }
  return out;
}

interface CommandPassword {
  option: string;
  value: string;
  /** The variable whose literal default the value is (`--requirepass ${REDIS_PASSWORD:-hunter2}`), or null for a literal. */
  variable: string | null;
  server: string;
  range: Detection['range'];
  offsets: [number, number];
  exact: boolean;
}

/** A name Compose interpolates (`${NAME}`) and `.env` can hold. */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A literal credential of the file: its value's name and the service that writes it. */
interface LiteralCredential {
  name: string;
  service: string;
}

/** Whether a variable name mentions one of these words as a whole `_`-separated part (`REDIS` in `APP_REDIS_PASSWORD`). */
function nameMentions(name: string, words: readonly string[]): boolean {
  const parts = name.toUpperCase().split(/[^A-Z0-9]+/);
  return words.some((w) => parts.includes(w));
}

/**
 * The name of another credential with the same value that is the same secret, not a coincidence:
 * one the `accept` test ties to the same store (two settings that share a default such as
 * `difyai123456` are still two passwords: naming Redis's password `${POSTGRES_PASSWORD}` would change
 * it with Postgres's). The file's credentials first, then `.env`'s.
 */
function sameSecretName(value: string, literalByValue: ReadonlyMap<string, readonly LiteralCredential[]>, dotenv: ReadonlyMap<string, string> | undefined, accept: (c: LiteralCredential | { name: string; service: null }) => boolean): string | undefined {
  const own = literalByValue.get(value)?.find(accept);
  if (own) return own.name;
  if (dotenv) for (const [k, v] of dotenv) if (v === value && isCredentialName(k) && accept({ name: k, service: null })) return k;
  return undefined;
}

/**
 * The `.env` name a server option's password goes under (`--requirepass`, `--masterauth`, and in `REDIS_ARGS`): the name
 * of a credential with the same value that belongs to the same server (written in this service, or named after its
 * family: `REDIS_…`, `VALKEY_…`), else `REDIS_PASSWORD` (`VALKEY_…`, `KEYDB_…` after the server). When another value
 * holds that name (`.env`, another service's `--requirepass`, a `REDIS_PASSWORD:` of the file), moveName gives this one
 * a name of its own (`<SERVICE>_REDIS_PASSWORD`), once per analysis: chosen here from what `.env` holds now, the name of
 * a second `--requirepass` changed once the first was moved, and its copies and fix-all's rounds lost it (review51a,
 * finding 2). `literalByValue` and `dotenv` only find the same secret's name. Null for a family that makes no name.
 */
function commandPasswordName(value: string, server: string, service: string, literalByValue: ReadonlyMap<string, readonly LiteralCredential[]>, dotenv: ReadonlyMap<string, string> | undefined): string | null {
  const family = server.replace(/-(?:stack-)?server$/, '').toUpperCase();
  const serviceWord = service.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  const same = sameSecretName(value, literalByValue, dotenv, (c) => c.service === service || nameMentions(c.name, [family, 'REDIS', serviceWord]));
  if (same) return same;
  const name = `${family}_PASSWORD`;
  return /^[A-Z_][A-Z0-9_]*$/.test(name) ? name : null;
}

/** Name words of the credentials of a store, by connection-string scheme. */
const SCHEME_WORDS: readonly [RegExp, readonly string[]][] = [
  [/^(?:postgres(?:ql)?|pg|postgis|timescaledb)$/, ['POSTGRES', 'POSTGRESQL', 'PG', 'PGPASSWORD']],
  [/^(?:mysql|mysqlx|mariadb)$/, ['MYSQL', 'MARIADB']],
  [/^(?:rediss?|valkey)$/, ['REDIS', 'VALKEY']],
  [/^mongodb(?:\+srv)?$/, ['MONGO', 'MONGODB']],
  [/^amqps?$/, ['RABBITMQ', 'RABBIT', 'AMQP']],
];

/**
 * Whether a credential is the one a connection string's password belongs to: written by the service
 * the string connects to (`@db:5432` and `POSTGRES_PASSWORD` of `db`), named after the store its
 * scheme names (`postgres://` and `PG_PASSWORD`), or after the string's own variable
 * (`DATABASE_URL` and `DATABASE_PASSWORD`).
 */
function connectionCredential(varName: string, value: string, passwordEnd: number): (c: LiteralCredential | { name: string; service: null }) => boolean {
  const rest = value.slice(passwordEnd);
  const host = /^@(?:tcp\(|unix\()?\[?([A-Za-z0-9_.-]+)/.exec(rest)?.[1] ?? /(?:^|\s)host=([A-Za-z0-9_.-]+)/.exec(value)?.[1] ?? /:\/\/([A-Za-z0-9_.-]+)/.exec(value)?.[1] ?? null;
  const scheme = /^(?:jdbc:)?([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1].toLowerCase() ?? null;
  const words = scheme ? (SCHEME_WORDS.find(([re]) => re.test(scheme))?.[1] ?? []) : [];
  const base = passwordNameFor(varName).replace(/_PASSWORD$/, '');
  return (c) => (c.service !== null && c.service === host) || nameMentions(c.name, words) || c.name.toUpperCase().startsWith(`${base}_`);
}

/**
 * A literal password in a variable of a Redis-family service's server options (`REDIS_ARGS:
 * "--requirepass hunter2 --save 60 1"`), with its offsets in the value: only a word without quotes or
 * escapes, which the image splits off as it is written.
 */
function serverArgsPassword(ctx: ComposeContext, service: Service, env: EnvVar): { value: string; server: string; start: number; end: number } | null {
  if (env.value === null) return null;
  const w = serverArgsPasswordWord(env.name, env.value);
  if (!w) return null;
  const value = literalValue(w.word);
  if (value === null || value === '' || isPlaceholderPassword(value)) return null;
  const facts = redisFacts(ctx, service);
  if (!facts) return null;
  return { value, server: facts.server, start: w.start, end: w.end };
}

/**
 * Every inline secret of the file, in document order. Once per analysis: the check reads it, and so
 * does every fix (the copies of a secret, the move-all fix). Callers do not change it.
 */
export function findInlineSecrets(ctx: ComposeContext): readonly { range: Detection['range']; data: InlineSecret }[] {
  return ctx.memo(ctx, 'inlineSecrets', () => computeInlineSecrets(ctx));
}

/** The file's literal credentials by value (each name and service once per value), for computeInlineSecrets' names. */
function literalCredentials(ctx: ComposeContext): Map<string, LiteralCredential[]> {
  const literalByValue = new Map<string, LiteralCredential[]>();
  // Each (name, service) once per value: a list search per copy was quadratic in the services sharing a value (review 43a: 100,000-line files).
  const listed = new Set<string>();
  for (const s of ctx.services) {
    const envs = ctx.environment(s);
    // The service's names, gathered only when a credential-named entry asks (most services have none).
    let names: Set<string> | undefined;
    const hasName = (n: string) => (names ??= new Set(envs.map((e) => e.name))).has(n);
    for (const e of envs) {
      if (e.value === null) continue;
      const v = literalValue(e.value);
      if (!isCredentialNameFor(e.name, v) || isAccessKeyIdOfPair(e.name, hasName) || v === null) continue;
      const key = `${v}\u0000${e.name}\u0000${s.name}`;
      if (listed.has(key)) continue;
      listed.add(key);
      const known = literalByValue.get(v);
      if (!known) literalByValue.set(v, [{ name: e.name, service: s.name }]);
      else known.push({ name: e.name, service: s.name });
    }
  }
  return literalByValue;
}

function computeInlineSecrets(ctx: ComposeContext): { range: Detection['range']; data: InlineSecret }[] {
  const out: { range: Detection['range']; data: InlineSecret }[] = [];
  const seen = new Set<string>();
  // The services that use each reported value, by its key: an anchored entry is met once per service that merges or aliases it.
  const users = new Map<string, Set<string>>();
  const usedBy = (key: string, service: string) => {
    const set = users.get(key);
    if (!set) users.set(key, new Set([service]));
    else set.add(service);
  };
  const dotenv = ctx.dotenv()?.vars;
  // Literal credentials of the file, to reuse their names for the same secret written elsewhere: only a
  // password given as an option or in a URL asks (most files have none), so read when first asked.
  let literals: Map<string, LiteralCredential[]> | undefined;
  const literalByValue = () => (literals ??= literalCredentials(ctx));
  // Reports an entry: its key is its place (an anchored entry is met once per service that merges or aliases it).
  const push = (service: Service, source: ValueSource, env: EnvVar, kind: InlineKind, dotenvName: string, value: string, rel: [number, number] | null, others: string[] = [], extra: Pick<InlineSecret, 'token' | 'placeholder' | 'credential'> = {}) => {
    const key = `${env.range.start.line}:${env.range.start.character}`;
    seen.add(key);
    usedBy(key, service.name);
    // `${NAME}` and a `.env` line need a variable name Compose reads (a key broken over lines is not one).
    const edit = env.editable && env.valueOffsets && rel && VARIABLE_NAME.test(dotenvName) ? { offsets: [env.valueOffsets[0] + rel[0], env.valueOffsets[0] + rel[1]] as [number, number], newText: `\${${dotenvName}}` } : null;
    // Where it is written: the part of the value (offsets in the value are offsets in the text only when it is written plainly), or the whole value (also folded over lines, or with escapes).
    const whole = rel !== null && rel[0] === 0 && rel[1] === env.value!.length;
    // A whole value not written character for character (escapes, `\` at a line's end in double quotes, folding) is masked over its whole source (review 40a item 8).
    const at = env.valueOffsets && rel && (env.editable || whole) ? (env.editable ? [env.valueOffsets[0] + rel[0], env.valueOffsets[0] + rel[1]] : env.valueOffsets) : whole && env.valueSource ? env.valueSource : null;
    const valueRange = at ? ctx.lines.rangeOf(at[0], at[1]) : undefined;
    out.push({ range: env.range, data: { service: service.name, source, name: env.name, kind, dotenvName, value, edit, ...(valueRange ? { valueRange } : {}), ...(others.length > 0 ? { others } : {}), ...extra } });
  };
  // One entry of a service's environment or build args; `hasName`: whether its list names a variable. A function of
  // its own, not a loop body: computeInlineSecrets is long, and V8 optimizes it (and, after a deoptimization, compiles
  // it again) as one; this part, which runs for every entry, is optimized apart.
  const readEntry = (service: Service, source: ValueSource, env: EnvVar, hasName: (n: string) => boolean): void => {
    if (env.value === null) return;
    // Aliased entries (a service that is an alias of another) are reported once. Only an entry whose place
    // was reported can be met again so: while nothing is (most files), no key is made.
    if (seen.size > 0) {
      const key = `${env.range.start.line}:${env.range.start.character}`;
      if (seen.has(key)) {
        usedBy(key, service.name);
        return;
      }
    }
    // The id half of a key pair (`AWS_ACCESS_KEY` beside `AWS_SECRET_KEY`) names the user, not the secret (review 43c, item 3).
    // A generic `*_KEY`/`*_AUTH` name (`OPENAI_KEY`, `SMTP_AUTH`) counts when its value looks like an issued credential (review 45b, item 1).
    const byName = isCredentialName(env.name);
    if ((byName || isValueJudgedName(env.name)) && !SETTING_NAME.test(env.name) && !isAccessKeyIdOfPair(env.name, hasName)) {
      // A value of a known token format is clause (8)'s, whose message names the kind of token.
      const byValue = (v: string) => byName || (looksLikeIssuedCredential(v) && tokenKind(v) === undefined);
      const lit = literalValue(env.value);
      if (lit !== null && byValue(lit)) {
        // A file path names where the secret is, not the secret (`…_ROOTCERTBUNDLE=/certs/registry.crt`).
        // A base64 key may start with `/` (an Azure Storage account key: review 43c, leftovers; review 44b, F5): isPathLike.
        const isPath = isPathLike(lit);
        // `REDIS_AUTH: "yes"` is a switch, not Redis's password (review 43c, item 4).
        // A template's placeholder (`your-secret-here`, `long-and-random-alphanumeric-string`) is no secret: DC041 reports it as used as written (review 47b, finding 3).
        if (!isPlaceholderPassword(lit) && !isPath && !authSwitch(env.name, lit)) push(service, source, env, 'literal', env.name, lit, [0, env.value.length], [], isTemplatePlaceholder(lit) ? { placeholder: true } : {});
        return;
      }
      const defaults = lit !== null ? [] : literalDefaults(env.value).filter((d) => byValue(d.value) && !isPlaceholderPassword(d.value) && !authSwitch(env.name, d.value));
      if (defaults.length > 0) {
        const d = defaults[0];
        push(service, source, env, 'default', d.name, d.value, defaults.length === 1 ? [d.start, d.end] : null, [], isTemplatePlaceholder(d.value) ? { placeholder: true } : {});
        return;
      }
    }
    const option = source === 'environment' ? serverArgsPassword(ctx, service, env) : null;
    if (option) {
      push(service, source, env, 'option', commandPasswordName(option.value, option.server, service.name, literalByValue(), dotenv) ?? '', option.value, [option.start, option.end]);
      return;
    }
    const connections = connectionPasswords(env.name, env.value);
    const neo4j = connections.length > 0 && connections.some((p) => p.form === 'neo4j');
    // The connection strings report at most one password; one reported ends this entry.
    const reported = out.length;
    for (const p of connections) {
      const pw = env.value.slice(p.start, p.end);
      const lit = literalValue(pw);
      // A credential as a URL's query parameter other than a password's (`&license_key=`), or a token as a URL's user (review 56c, L1).
      const credential = urlCredentialPart(p);
      if (lit !== null) {
        if (lit === '' || isPlaceholderPassword(lit)) continue;
        // Not a template's stand-in (`?api_key=your-api-key`); a value of a known format is clause (8)'s, whose message names its kind.
        if (credential && (isTemplatePlaceholder(lit) || tokenKind(lit) !== undefined)) continue;
        if (neo4j) {
          push(service, source, env, 'option', sameSecretName(lit, literalByValue(), dotenv, (c) => c.service === null || c.service === service.name) ?? 'NEO4J_PASSWORD', lit, [p.start, p.end]);
          break;
        }
        const name = sameSecretName(lit, literalByValue(), dotenv, connectionCredential(env.name, env.value, p.end));
        push(service, source, env, 'url', name ?? (credential ? credentialNameFor(env.name, credential) : passwordNameFor(env.name)), lit, [p.start, p.end], [], credential ? { credential } : {});
        break;
      }
      const d = literalDefaults(pw);
      if (d.length === 1 && d[0].start === 0 && d[0].end === pw.length && !isPlaceholderPassword(d[0].value)) {
        push(service, source, env, 'default', d[0].name, d[0].value, [p.start, p.end]);
        break;
      }
    }
    if (out.length > reported) return;
    // A value of a known credential format under any name (`GIT_AUTH: ghp_…`), as DF020 reads an ENV (review 42e, item 1).
    const token = valueToken(env.value);
    // A configuration carried whole in the variable: reported, not moved (the line is in a block of another format).
    // GitLab's `GITLAB_OMNIBUS_CONFIG` carries Ruby settings, on lines or joined with `;` (review 43c, item 7).
    const embedded = carriedConfigCredential(env.value);
    if (embedded) {
      if (token && token.value !== embedded.value && !embedded.others.includes(token.value)) embedded.others.push(token.value);
      push(service, source, env, 'embedded', embedded.key, embedded.value, null, embedded.others);
    } else if (token) {
      // Moved as a credential-named value is: the whole literal, or the default that is the whole value; a token beside a reference is reported where it is.
      push(service, source, env, token.variable === undefined ? 'literal' : 'default', token.variable ?? env.name, token.value, token.rel, [], { token: token.kind });
    }
  };
  const readEntries = (service: Service, source: ValueSource, vars: readonly EnvVar[]): void => {
    let names: Set<string> | undefined;
    const hasName = (n: string) => (names ??= new Set(vars.map((v) => v.name))).has(n);
    for (const env of vars) readEntry(service, source, env, hasName);
  };
  for (const service of ctx.services) {
    const environment = ctx.environment(service);
    const args = buildArgs(ctx, service);
    readEntries(service, 'environment', environment);
    readEntries(service, 'build.args', args);
  }
  for (const service of ctx.services) {
    for (const c of commandPasswords(ctx, service)) {
      const key = `${c.range.start.line}:${c.range.start.character}`;
      usedBy(key, service.name);
      if (seen.has(key)) continue;
      seen.add(key);
      const dotenvName = c.variable ?? commandPasswordName(c.value, c.server, service.name, literalByValue(), dotenv);
      const edit = c.exact && dotenvName && VARIABLE_NAME.test(dotenvName) ? { offsets: c.offsets, newText: `\${${dotenvName}}` } : null;
      out.push({ range: c.range, data: { service: service.name, source: 'command', name: `--${c.option}`, kind: c.variable ? 'default' : 'option', dotenvName: dotenvName ?? '', value: c.value, edit, ...(c.exact ? { valueRange: ctx.lines.rangeOf(c.offsets[0], c.offsets[1]) } : {}) } });
    }
  }
  // A credential given to any program as a flag (`serve --stripe-key sk_live_…`, `--api-token=…`), or to
  // curl as `-u user:password`, in the command or the healthcheck: reported, not moved (review 9, probe
  // dc-03; review 13, probe dc-04). Also a credential-named variable set there (`PGPASSWORD=… pg_isready`),
  // and a password in a connection string given to any program (review 42e, items 1 and 7), which is
  // moved when it is a word of the service's own command written plainly (not inside a `sh -c` script).
  for (const service of ctx.services) {
    const runs: { source: ValueSource; words: FlagWord[]; script: boolean }[] = [];
    // The words as written (before interpolation: `-u admin:${PW}` is a reference, review 16 probe 14), and
    // the commands of a `sh -c "…"` script among them (review 15, probes 01-02; review 16, probe 03).
    const written: FlagWord[] = [];
    for (const which of ['entrypoint', 'command'] as const) {
      const cv = commandValue(ctx, service, which);
      if (!cv) continue;
      // A string's words have their offsets as written when the string is (no escapes or folding), a list's items always.
      const placed = cv.form !== 'string' || scalarContentSpan(ctx.text, cv.node as Scalar) !== null;
      for (const a of cv.args) {
        const word = placedWord(ctx, a.raw, () => ctx.lines.rangeOf(a.start, a.end), placed ? [a.start, a.end] : undefined);
        // Its own command's word, written plainly: an exact edit there changes this service only (the word is this loop's own object).
        if (cv.editable && a.exact && word.at !== undefined) word.editable = true;
        written.push(word);
      }
    }
    unwrapShell(ctx, written).forEach((words, k) => runs.push({ source: 'command', words, script: k > 0 }));
    for (const words of healthcheckRuns(ctx, service)) runs.push({ source: 'healthcheck', words, script: true });
    for (const run of runs) {
      for (const f of commandLineCredentials(run.words)) {
        const range = f.word.range();
        const key = `${range.start.line}:${range.start.character}`;
        // Reported once: a server's password inside `sh -c` is already an option finding (commandPasswords).
        if (seen.has(key)) {
          usedBy(key, service.name);
          continue;
        }
        if (out.some((o) => o.data.service === service.name && o.data.value === f.value)) continue;
        seen.add(key);
        usedBy(key, service.name);
        if (f.url) {
          const { rel, scheme, variable, option } = f.url;
          const at = f.word.at;
          const dotenvName = variable ?? sameSecretName(f.value, literalByValue(), dotenv, connectionCredential(urlVariableWord(option, scheme), f.word.raw, rel[1])) ?? commandUrlPasswordName(ctx, f.value, option, scheme, service.name, literalByValue(), dotenv);
          // `${NAME}` in the word's place: Compose interpolates the command, so the program gets the same text.
          const edit = !run.script && f.word.editable && at !== undefined && dotenvName !== null && VARIABLE_NAME.test(dotenvName) ? { offsets: [at + rel[0], at + rel[1]] as [number, number], newText: `\${${dotenvName}}` } : null;
          const valueRange = at !== undefined ? ctx.lines.rangeOf(at + rel[0], at + rel[1]) : flagValueRange(ctx, f.word, f.value);
          out.push({ range, data: { service: service.name, source: run.source, name: f.name, kind: variable === undefined ? 'url' : 'default', dotenvName: dotenvName ?? '', value: f.value, edit, scheme, ...(valueRange ? { valueRange } : {}) } });
          continue;
        }
        // Where the value is written: masked wherever output prints the file, whatever the value (`-ppassword`: review 40a item 5).
        const valueRange = flagValueRange(ctx, f.word, f.value);
        out.push({ range, data: { service: service.name, source: run.source, name: f.name, kind: f.assignment ? 'assignment' : 'flag', dotenvName: '', value: f.value, edit: null, ...(valueRange ? { valueRange } : {}) } });
      }
    }
  }
  // A credential in the content of a top-level config written inline (`configs: {x: {content: |…}}`):
  // committed with the file like an inline variable (review 13, probe dc-03). Reported on `content`, not moved.
  for (const { doc, name, map: config } of topLevelEntries(ctx, 'configs')) {
    const content = ctx.get(doc, config, 'content');
    if (!content || !content.value || !isScalar(content.value) || typeof content.value.value !== 'string') continue;
    const found = contentCredential(content.value.value);
    if (!found) continue;
    const range = ctx.rangeOf(content.reportNode);
    const key = `${range.start.line}:${range.start.character}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ range, data: { service: name, source: 'configs', name, kind: 'embedded', dotenvName: found.key, value: found.value, edit: null, ...(found.others.length > 0 ? { others: found.others } : {}) } });
  }
  volumeCredentials(ctx, out, seen);
  // A value written in an anchor (`x-common: &common`, merged with `<<: *common`) or used by several services: the
  // message names where it is written and who uses it (review 42f, item 2).
  for (const o of out) {
    if (o.data.source === 'configs' || o.data.source === 'volumes') continue;
    const place = placeOf(ctx, o.range, o.data.service, users.get(`${o.range.start.line}:${o.range.start.character}`) ?? new Set());
    if (place.users) o.data.sharing = place;
  }
  // In document order, as the findings are shown (and as the single fixes apply one after the other).
  return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

/** The entries of a top-level mapping (`configs:`, `volumes:`) of every document whose value is a mapping, by name (aliases resolved). */
function* topLevelEntries(ctx: ComposeContext, key: string): Generator<{ doc: ComposeContext['documents'][number]; name: string; map: YAMLMap }> {
  for (const doc of ctx.documents) {
    const root = doc.contents;
    if (!root || !isMap(root)) continue;
    const top = ctx.get(doc, root, key)?.value;
    if (!top || !isMap(top)) continue;
    for (const pair of top.items) {
      const map = ctx.resolve(doc, pair.value as Node | null);
      if (isScalar(pair.key) && map && isMap(map)) yield { doc, name: String(pair.key.value), map };
    }
  }
}

/**
 * The mount options of mount.cifs(8) that hold the password: `password=`/`pass=` (and `password2=`, the next password
 * while it is rotated), and the password part of `username=user%password`. `credentials=<file>` names a file: fine.
 */
const MOUNT_PASSWORD_OPTION = /^(?:password|pass|password2)$/i;

/**
 * A credential in the driver options of a top-level volume, written into the compose file like an inline variable
 * (review 41a, F3): the password in the mount options of a CIFS/SMB share (`driver_opts: {type: cifs, o:
 * "username=svc,password=…"}`, Compose's `local` driver passes `o` to mount(8)), and a driver option named for a
 * credential (a volume plugin's `password:`, vieux/sshfs). Reported on the option, not moved (write `${…}` there).
 */
function volumeCredentials(ctx: ComposeContext, out: { range: Detection['range']; data: InlineSecret }[], seen: Set<string>): void {
  for (const { doc, name, map: volume } of topLevelEntries(ctx, 'volumes')) {
    const opts = ctx.get(doc, volume, 'driver_opts')?.value;
    if (!opts || !isMap(opts)) continue;
    for (const opt of opts.items) {
      const value = ctx.resolve(doc, opt.value as Node | null);
      if (!isScalar(opt.key) || !value || !isScalar(value) || typeof value.value !== 'string') continue;
      const key = String(opt.key.value);
      const found: { option: string; value: string; rel: [number, number] }[] = [];
      if (key === 'o') {
        let at = 0;
        for (const part of value.value.split(',')) {
          const eq = part.indexOf('=');
          const option = eq === -1 ? '' : part.slice(0, eq).trim();
          if (MOUNT_PASSWORD_OPTION.test(option)) found.push({ option, value: part.slice(eq + 1), rel: [at + eq + 1, at + part.length] });
          else if (/^(?:username|user)$/i.test(option) && part.includes('%', eq)) {
            const pct = part.indexOf('%', eq);
            found.push({ option: `${option} (user%password)`, value: part.slice(pct + 1), rel: [at + pct + 1, at + part.length] });
          }
          at += part.length + 1;
        }
      } else if (isCredentialName(key)) found.push({ option: key, value: value.value, rel: [0, value.value.length] });
      for (const f of found) {
        const literal = literalValue(f.value);
        if (literal === null || !isLiteralCredential(literal) || isTemplatePlaceholder(literal)) continue;
        const range = ctx.rangeOf(opt.key as Node);
        const seenKey = `${range.start.line}:${range.start.character}:${f.option}`;
        if (seen.has(seenKey)) continue;
        seen.add(seenKey);
        // Where it is written: the value inside the option string when the scalar is written character for character, else the whole scalar.
        const exact = scalarContentSpan(ctx.text, value);
        const span = exact ? ([exact[0] + f.rel[0], exact[0] + f.rel[1]] as const) : scalarSourceSpan(ctx.text, value);
        const valueRange = span ? ctx.lines.rangeOf(span[0], span[1]) : undefined;
        out.push({ range, data: { service: name, source: 'volumes', name, kind: 'embedded', dotenvName: f.option, value: literal, edit: null, ...(valueRange ? { valueRange } : {}) } });
      }
    }
  }
}

/**
 * The credentials a command line carries, reader by reader; the connection strings last: curl's and wget's URLs are
 * read as theirs. The program is read once (invocationOfWords) for the readers that depend on it, and only when one of
 * them could find something: a word sets a variable (assignmentCredentials) or names a program they read (its base
 * name is what the invocation's name is made of). Most command lines do neither; the option and URL readers need no program.
 */
function commandLineCredentials(words: readonly FlagWord[]): CommandCredential[] {
  const found = flagCredentials(words) as CommandCredential[];
  if (words.some((w) => ASSIGNMENT_WORD.test(w.raw) || PROGRAMS_READ.has(baseName(w.raw)))) {
    const inv = invocationOfWords(words);
    found.push(...httpClientCredentials(words, inv), ...positionalCredentials(words, inv), ...mysqlClientCredentials(words, inv), ...mongoClientCredentials(words, inv), ...assignmentCredentials(words, inv));
  }
  return found.concat(commandUrlPasswords(words));
}

/** An option with its value after `=` or as the next argument (`--stripe-key`, `-api-token=`); whether it names a credential is isCredentialOption's. */
const CREDENTIAL_FLAG = /^--?([A-Za-z][A-Za-z0-9_-]*)(?:=(.*))?$/;

/** A credential written as it is (not a `${…}`/`$VAR` reference, a placeholder, or empty). */
function isLiteralCredential(value: string): boolean {
  return value !== '' && !value.includes('$') && !isPlaceholderPassword(value) && !isTemplatePlaceholder(value) && !isPlaceholderValue(value);
}

/** A word of a command line, as written, with its range in the file (computed when reported). */
interface FlagWord {
  raw: string;
  range: () => Detection['range'];
  /** The offset in the file where `raw` is written character for character, when it is. */
  at?: number;
  /** Otherwise the offsets of the word as written (with its quotes or escapes), when known. */
  span?: [number, number];
  /** A word of the service's own `command:`/`entrypoint:` (not an anchor's, an alias's or a merged one), written plainly at `at`. */
  editable?: true;
}

/** A credential a command line carries, in the word that holds it. */
interface CommandCredential {
  word: FlagWord;
  /** What gives it (`--user`, `mysqladmin -p`, a variable's name, the option a connection string is given to). */
  name: string;
  value: string;
  /** A credential-named variable set on the command line (assignmentCredentials). */
  assignment?: true;
  /** A password in a connection string (commandUrlPasswords): its offsets in the word as written, and how it is given. */
  url?: { rel: [number, number]; scheme: string; option: string | undefined; variable: string | undefined };
}

/** A `NAME=value` word: a variable set for the command, as the shell reads one. */
const ASSIGNMENT_WORD = /^[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * Credential-named variables set on a command line with a literal value (`PGPASSWORD=… pg_isready` in a
 * healthcheck, `sh -c "DB_PASSWORD=… exec app"`, `env API_TOKEN=… app`, `export API_TOKEN=…`), as DF022
 * reads RUN and HEALTHCHECK commands (review 42e, item 7): the variables before the program (and those
 * `env` sets), or every word when only variables are set. Not a reference (`PGPASSWORD=$$POSTGRES_PASSWORD`,
 * `${…}`), a placeholder or a path, nor a setting about a credential (`*_FILE`, `*_TTL`…).
 */
function assignmentCredentials(words: readonly FlagWord[], inv: Invocation | null): CommandCredential[] {
  const set = words.slice(0, inv ? inv.index : words.length).filter((w) => ASSIGNMENT_WORD.test(w.raw));
  if (inv && ['export', 'declare', 'typeset', 'readonly', 'local'].includes(inv.name)) set.push(...words.slice(inv.index + 1).filter((w) => ASSIGNMENT_WORD.test(w.raw)));
  const out: CommandCredential[] = [];
  for (const w of set) {
    const eq = w.raw.indexOf('=');
    const name = w.raw.slice(0, eq);
    const value = literalValue(w.raw.slice(eq + 1));
    if (!isCredentialName(name) || SETTING_NAME.test(name) || value === null || !isLiteralCredential(value) || isPathLike(value)) continue;
    out.push({ word: w, name, value, assignment: true });
  }
  return out;
}

/**
 * A password in a connection string given to any program on a command line (`--db-url
 * postgres://app:…@db/app`, `-database postgres://…`, a URL as an argument of its own), as DF022 reads
 * CMD (review 42e, item 1): the literal password, or a default that is the whole password
 * (`${DB_PASSWORD:-…}`), with its offsets in the word as written and the option it is given to (the
 * word's own `--opt=`, else an option just before it). Not the anonymous user's (a mail address by
 * convention), not Rails' `nulldb://` (urlPasswords). A word that ends with `@` and a port number is
 * mitmproxy's `--mode reverse:URL@port` (the port it listens on): the URL ends before that `@`, so
 * `reverse:https://example.com:443@8443` has no password and `reverse:https://user:pw@host:443@8443`
 * the password `pw` (a URL alone would read `pw@host:443`, its authority's last `@` ending the userinfo).
 */
function commandUrlPasswords(words: readonly FlagWord[]): CommandCredential[] {
  const out: CommandCredential[] = [];
  words.forEach((word, i) => {
    const raw = word.raw;
    // A word with blanks is a script (`sh -c "…"`, whose commands are read on their own) or a line of settings, not an argument that is a URL.
    if (!raw.includes('://') || !raw.includes('@') || /\s/.test(raw)) return;
    // mitmproxy's `--mode reverse:https://example.com:443@8443` listens on 8443: the URL is what comes before.
    const listen = /@\d+\/?$/.exec(raw);
    for (const p of urlCredentials(listen ? raw.slice(0, listen.index) : raw)) {
      if (p.scheme.toLowerCase() === 'nulldb' || p.user.toLowerCase() === 'anonymous') continue;
      const pw = raw.slice(p.start, p.end);
      const lit = literalValue(pw);
      const d = lit === null ? literalDefaults(pw) : [];
      const whole = d.length === 1 && d[0].start === 0 && d[0].end === pw.length ? d[0] : undefined;
      const value = lit ?? whole?.value;
      if (value === undefined || !isLiteralCredential(value)) continue;
      const own = /^(--?[A-Za-z][A-Za-z0-9_-]*)=/.exec(raw)?.[1];
      const prev = words[i - 1]?.raw;
      const option = own ?? (prev !== undefined && /^--?[A-Za-z][A-Za-z0-9_-]*$/.test(prev) ? prev : undefined);
      const scheme = p.scheme.toLowerCase();
      out.push({ word, name: option ?? `${scheme}:// URL`, value, url: { rel: [p.start, p.end], scheme, option, variable: whole?.name } });
      return;
    }
  });
  return out;
}

/** The variable-like word a command line's connection string is named by: its option (`--db-url` → `DB_URL`), else its scheme (`POSTGRES`). */
function urlVariableWord(option: string | undefined, scheme: string): string {
  return (option ?? scheme).replace(/^-+/, '').toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

/**
 * The `.env` name for a command line's connection-string password that no credential of the file or
 * `.env` with the same value names (sameSecretName): after its option (`--db-url` → `DB_PASSWORD`), else
 * after the store its scheme names (`postgres://` → `POSTGRES_PASSWORD`), else `<SERVICE>_PASSWORD`. When
 * another value holds that name, or the compose file reads it already while `.env` does not define it
 * (`${POSTGRES_PASSWORD}` of the database would take the value), moveName gives this one a name of its own
 * (`<SERVICE>_DB_PASSWORD`), once per analysis: chosen here from what `.env` holds and the file reads now, the
 * name changed once another value was moved under it, and fix-all's rounds lost the copies (review51a, finding 2).
 * Null when none is a variable name.
 */
function commandUrlPasswordName(_ctx: ComposeContext, _value: string, option: string | undefined, scheme: string, service: string, _literalByValue: ReadonlyMap<string, readonly LiteralCredential[]>, _dotenv: ReadonlyMap<string, string> | undefined): string | null {
  const store = SCHEME_WORDS.find(([re]) => re.test(scheme))?.[1][0];
  const candidates = [...(option ? [passwordNameFor(urlVariableWord(option, scheme))] : []), ...(store ? [`${store}_PASSWORD`] : []), `${service.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_PASSWORD`];
  return candidates.find((n) => VARIABLE_NAME.test(n)) ?? null;
}

/**
 * A value of a known credential format (knownTokenIn: `ghp_…`, `AKIA…`, `sk_live_…`) in an `environment:`
 * or `build.args` value, whatever the variable's name: the whole value when it is literal (moved as a
 * credential-named one is), the default when it is the whole value (`${GIT_AUTH:-ghp_…}`), else the token
 * itself where it stands beside a reference (no exact edit: `rel` null). Not a placeholder shaped like one
 * (`sk_live_xxxx…`: review 21, probe 10).
 */
function valueToken(raw: string): { kind: string; value: string; rel: [number, number] | null; variable?: string } | null {
  const lit = literalValue(raw);
  const d = lit === null ? literalDefaults(raw) : [];
  const whole = d.length === 1 && d[0].start === 0 && d[0].end === raw.length ? d[0] : undefined;
  const text = lit ?? whole?.value ?? raw;
  const t = knownTokenIn(text);
  if (!t || !isLiteralCredential(text.slice(t.start, t.end))) return null;
  if (lit !== null) return { kind: t.kind, value: lit, rel: [0, raw.length] };
  if (whole) return { kind: t.kind, value: whole.value, rel: [0, raw.length], variable: whole.name };
  return { kind: t.kind, value: text.slice(t.start, t.end), rel: null };
}

/** A word with where it is written: `at` when the file's text there is `raw` itself (or `raw` in quotes), else `span`. */
function placedWord(ctx: ComposeContext, raw: string, range: FlagWord['range'], span: [number, number] | undefined): FlagWord {
  if (!span) return { raw, range };
  const text = ctx.text.slice(span[0], span[1]);
  if (text === raw) return { raw, range, at: span[0] };
  if (text.length === raw.length + 2 && /^(["']).*\1$/s.test(text) && text.slice(1, -1) === raw) return { raw, range, at: span[0] + 1 };
  return { raw, range, span };
}

/**
 * Where a flag's credential is written in the file: the value inside its word (`-p<value>`, the
 * password of `-u user:<value>`, `$$` as Compose's escape), else the whole word as written; undefined
 * when the word's place is not known (a script in a value with escapes).
 */
function flagValueRange(ctx: ComposeContext, word: FlagWord, value: string): Range | undefined {
  if (word.at !== undefined) {
    for (const spelled of new Set([value.replace(/\$/g, '$$$$'), value])) {
      const i = word.raw.lastIndexOf(spelled);
      if (i !== -1) return ctx.lines.rangeOf(word.at + i, word.at + i + spelled.length);
    }
    return ctx.lines.rangeOf(word.at, word.at + word.raw.length);
  }
  return word.span ? ctx.lines.rangeOf(word.span[0], word.span[1]) : undefined;
}

/**
 * The credentials a command line passes as options: a flag named for a credential (isCredentialOption)
 * with a literal value, and curl's `-u`/`--user user:password` (also in grouped short options, `-fsu`,
 * or attached, `-uuser:pw`; curl manual, `-u, --user <user:password>`): the password part.
 */
function flagCredentials(words: readonly FlagWord[]): { word: FlagWord; name: string; value: string }[] {
  const out: { word: FlagWord; name: string; value: string }[] = [];
  for (let i = 0; i < words.length; i++) {
    const m = CREDENTIAL_FLAG.exec(words[i].raw);
    if (!m || !isCredentialOption(m[1])) continue;
    const word = m[2] !== undefined ? words[i] : words[i + 1];
    const text = m[2] ?? words[i + 1]?.raw;
    const value = text === undefined ? null : literalValue(text);
    if (!word || value === null || !looksLikeFlagCredential(value)) continue;
    out.push({ word, name: `--${m[1]}`, value });
  }
  return out;
}

/**
 * A secret a CLI takes as a positional argument: the MinIO client's `mc alias set ALIAS URL ACCESSKEY
 * SECRETKEY` and its older `mc config host add ALIAS URL ACCESSKEY SECRETKEY`
 * (https://min.io/docs/minio/linux/reference/minio-mc/mc-alias-set.html; review 24, probe dc-07).
 * Options (`--api S3v4`, `--path on`) may come anywhere; a word that is not literal is no finding.
 */
function positionalCredentials(words: readonly FlagWord[], inv: Invocation | null): { word: FlagWord; name: string; value: string }[] {
  if (!inv || inv.name !== 'mc') return [];
  const args = words.slice(inv.index + 1);
  // Positional words, skipping `--flag value` pairs of the options that take one and `--flag=value`.
  const positional: FlagWord[] = [];
  for (let k = 0; k < args.length; k++) {
    const v = args[k].raw;
    if (v.startsWith('-')) {
      if (!v.includes('=') && MC_VALUE_OPTIONS.has(v)) k++;
      continue;
    }
    positional.push(args[k]);
  }
  const sub = positional.slice(0, 3).map((w) => w.raw);
  const at = sub[0] === 'alias' && sub[1] === 'set' ? 2 : sub[0] === 'config' && sub[1] === 'host' && sub[2] === 'add' ? 3 : -1;
  const secret = at === -1 ? undefined : positional[at + 3];
  const value = secret === undefined ? null : literalValue(secret.raw);
  return secret && value !== null && looksLikeFlagCredential(value) ? [{ word: secret, name: at === 2 ? 'mc alias set (secret key)' : 'mc config host add (secret key)', value }] : [];
}

/**
 * The password a MySQL or MariaDB client takes attached to `-p` (`mysqladmin -uroot -psecret ping` in a
 * healthcheck; `--password=` is flagCredentials'): review 29, probe dc-02.
 */
function mysqlClientCredentials(words: readonly FlagWord[], inv: Invocation | null): { word: FlagWord; name: string; value: string }[] {
  if (!inv || !MYSQL_CLIENTS.has(inv.name)) return [];
  const out: { word: FlagWord; name: string; value: string }[] = [];
  for (const w of words.slice(inv.index + 1)) {
    if (!/^-p./.test(w.raw)) continue;
    const value = literalValue(w.raw.slice(2));
    // Whatever its length (`-psecret`, `-proot`: review 31, probe 06): `-p` attached names nothing but the password.
    if (value !== null && isLiteralCredential(value)) out.push({ word: w, name: `${inv.name} -p`, value });
  }
  return out;
}

/** MongoDB's shells and database tools, whose `-p` is `--password` (mongosh, the legacy mongo shell, mongodump and the other Go tools). */
const MONGO_CLIENTS: ReadonlySet<string> = new Set(['mongosh', 'mongo', 'mongodump', 'mongorestore', 'mongoexport', 'mongoimport', 'mongostat', 'mongotop', 'mongofiles']);

/**
 * The password a MongoDB client takes after `-p`, attached (`mongosh -u root -pS3cret`) or as the next
 * word (`-p S3cret`; a `-p` followed by an option or nothing prompts for it); `--password` is
 * flagCredentials'. Review 39a #6: the copy a mongo healthcheck kept after the move went unreported,
 * while mysqladmin's `-p` was (mysqlClientCredentials).
 */
function mongoClientCredentials(words: readonly FlagWord[], inv: Invocation | null): { word: FlagWord; name: string; value: string }[] {
  if (!inv || !MONGO_CLIENTS.has(inv.name)) return [];
  const out: { word: FlagWord; name: string; value: string }[] = [];
  const args = words.slice(inv.index + 1);
  for (let k = 0; k < args.length; k++) {
    const raw = args[k].raw;
    if (raw === '--') break;
    if (!raw.startsWith('-p')) continue;
    const attached = raw.length > 2;
    const word = attached ? args[k] : args[k + 1];
    if (!word || (!attached && word.raw.startsWith('-'))) continue;
    const value = literalValue(attached ? raw.slice(2) : word.raw);
    if (value !== null && isLiteralCredential(value)) out.push({ word, name: `${inv.name} -p`, value });
    if (!attached) k++;
  }
  return out;
}

/** The programs whose command lines a reader reads by name: curl and wget (httpClientCredentials), mc (positionalCredentials), the MySQL and MongoDB clients. */
const PROGRAMS_READ: ReadonlySet<string> = new Set(['curl', 'wget', 'wget2', 'mc', ...MYSQL_CLIENTS, ...MONGO_CLIENTS]);

/** mc's options that take a value (mc alias set --api S3v4 --path auto; global --config-dir, --resolve…). */
const MC_VALUE_OPTIONS = new Set(['--api', '--path', '--config-dir', '-C', '--resolve', '--custom-header', '-H', '--limit-upload', '--limit-download']);

/**
 * The program a run of words starts, through the wrappers that only start it (invocation, as RUN commands are read),
 * after the variables set for it (`PGPASSWORD=… pg_isready`).
 */
function invocationOfWords(words: readonly FlagWord[]): Invocation | null {
  return invocation({ words: words.map((w) => ({ value: w.raw, raw: w.raw, start: 0, end: 0 })), programIndex: words.findIndex((w) => !ASSIGNMENT_WORD.test(w.raw)), next: null, prev: null, start: 0, end: 0 });
}

/** curl's long options read for credentials: each takes an argument. */
const CURL_LONG_READ = new Set(['user', 'proxy-user', 'header', 'proxy-header', 'oauth2-bearer', 'proxy', 'preproxy']);

/**
 * The credentials a curl or wget command line carries (wget: wgetCredentials). curl (curl(1)): `-u`/`--user` and `-U`/`--proxy-user`
 * `user:password` (the password), `-H`/`--header` and `--proxy-header` with a credential header
 * (`Authorization: Bearer …`, `X-Api-Key: …`), `--oauth2-bearer <token>`, and a password in the
 * `-x`/`--proxy` URL. Short options are read as curl reads them: switches may be grouped before the
 * one that takes an argument, which is the rest of the word or the next word (`-fsu admin:pw`,
 * `-HAuthorization: …`; review 15, probe 03). `words` are the command's words without quotes.
 */
function httpClientCredentials(words: readonly FlagWord[], inv: Invocation | null): { word: FlagWord; name: string; value: string }[] {
  const out: { word: FlagWord; name: string; value: string }[] = [];
  // `inv` is read through the wrappers that only start it (`exec`, `env VAR=…`, `timeout 5`, `nice`…: review 16, probe 02), as RUN commands are read.
  if (!inv) return out;
  if (inv.name === 'wget' || inv.name === 'wget2') return wgetCredentials(words.slice(inv.index + 1));
  if (inv.name !== 'curl') return out;
  const start = inv.index;
  for (let i = start + 1; i < words.length; i++) {
    const raw = words[i].raw;
    if (raw === '--') break;
    let option: string | undefined;
    let attached: string | undefined;
    const long = /^--([a-z0-9-]+)(?:=(.*))?$/s.exec(raw);
    if (long) {
      // Only the options read here are known to take the next word (`--fail -H …`: review 16, probe 01).
      if (!CURL_LONG_READ.has(long[1])) continue;
      option = long[1];
      attached = long[2];
    } else {
      const short = curlShortOption(raw);
      option = short?.option;
      attached = short?.attached;
    }
    if (option === undefined) {
      // A URL curl fetches, with its password (`https://user:pw@host/…`; review 16, probe 15).
      if (!raw.startsWith('-')) {
        const value = literalValue(raw);
        if (value !== null) for (const p of urlPasswords(value)) if (isLiteralCredential(value.slice(p.start, p.end))) out.push({ word: words[i], name: 'URL', value: value.slice(p.start, p.end) });
      }
      continue;
    }
    const word = attached !== undefined ? words[i] : words[i + 1];
    const text = attached ?? words[i + 1]?.raw;
    if (attached === undefined) i++; // the argument is the next word
    const value = text === undefined ? null : literalValue(text);
    if (!word || value === null) continue;
    const found = (name: string, secret: string) => {
      if (isLiteralCredential(secret)) out.push({ word, name, value: secret });
    };
    if (option === 'u' || option === 'user' || option === 'U' || option === 'proxy-user') {
      const colon = value.indexOf(':');
      const name = option === 'U' || option === 'proxy-user' ? '--proxy-user' : '--user';
      if (colon >= 0) found(name, value.slice(colon + 1));
      // An API key as the user and no password (Stripe's `-u sk_live_…:`; review 16, probe 05).
      const user = colon >= 0 ? value.slice(0, colon) : value;
      if ((colon < 0 || colon === value.length - 1) && tokenKind(user)) found(name, user);
    } else if (option === 'H' || option === 'header' || option === 'proxy-header') {
      const m = HEADER_CREDENTIAL.exec(value);
      if (m) found(m[1].replace(/:.*$/s, '').trim(), m[2]);
    } else if (option === 'oauth2-bearer') found('--oauth2-bearer', value);
    else if (option === 'x' || option === 'proxy' || option === 'preproxy') for (const p of urlPasswords(value)) found(`--${option === 'x' ? 'proxy' : option}`, value.slice(p.start, p.end));
  }
  return out;
}

/** wget's options that carry a password (wget(1)): `--password`, `--http-password`, `--ftp-password`, `--proxy-password`. */
const WGET_PASSWORD = /^--(?:(?:http|ftp|proxy)-)?password(?:=(.*))?$/s;

/**
 * The credentials a wget command line carries (wget(1)): a password option, a `--header` with a
 * credential header, and a password in a URL it fetches (`http://user:pw@host/…`; left from review 16,
 * probe 15). `words` are the words after `wget`.
 */
function wgetCredentials(words: readonly FlagWord[]): { word: FlagWord; name: string; value: string }[] {
  const out: { word: FlagWord; name: string; value: string }[] = [];
  for (let i = 0; i < words.length; i++) {
    const raw = words[i].raw;
    if (raw === '--') break;
    const password = WGET_PASSWORD.exec(raw);
    const header = /^--header(?:=(.*))?$/s.exec(raw);
    if (password || header) {
      const attached = (password ?? header)![1];
      const word = attached !== undefined ? words[i] : words[i + 1];
      const text = attached ?? words[i + 1]?.raw;
      if (attached === undefined) i++;
      const value = text === undefined ? null : literalValue(text);
      if (!word || value === null) continue;
      const m = header ? HEADER_CREDENTIAL.exec(value) : null;
      const secret = password ? value : m?.[2];
      if (secret !== undefined && isLiteralCredential(secret)) out.push({ word, name: password ? raw.replace(/=.*$/s, '') : m![1].replace(/:.*$/s, '').trim(), value: secret });
      continue;
    }
    if (raw.startsWith('-')) continue;
    const value = literalValue(raw);
    if (value !== null) for (const p of urlPasswords(value)) if (isLiteralCredential(value.slice(p.start, p.end))) out.push({ word: words[i], name: 'URL', value: value.slice(p.start, p.end) });
  }
  return out;
}

/**
 * The command lines of a service's own healthcheck `test:`: the items after `CMD` (each with its
 * range), or the commands of a `CMD-SHELL` script or a string test, read with the shell reader (each
 * word with the script's range).
 */
function healthcheckRuns(ctx: ComposeContext, service: Service): FlagWord[][] {
  const hc = ctx.serviceGet(service, 'healthcheck');
  if (!hc || !hc.value || !isMap(hc.value)) return [];
  const test = ctx.get(service.doc, hc.value, 'test')?.value;
  if (!test) return [];
  // The runs depend only on the node: services that take the same healthcheck from an anchor share them.
  return ctx.memo(test, 'healthcheckRuns', () => testRuns(ctx, service.doc, test));
}

function testRuns(ctx: ComposeContext, doc: Service['doc'], test: Node): FlagWord[][] {
  if (isScalar(test)) return typeof test.value === 'string' ? scriptRuns(ctx, placedWord(ctx, test.value, () => ctx.rangeOf(test), scalarContentSpan(ctx.text, test) ?? undefined)) : [];
  if (!isSeq(test)) return [];
  const items = test.items.map((n) => ctx.resolve(doc, n as Node));
  if (items.some((n) => !n || !isScalar(n))) return [];
  const words = items.map((n) => placedWord(ctx, String((n as Scalar).value), () => ctx.rangeOf(n), scalarContentSpan(ctx.text, n as Scalar) ?? undefined));
  if (words[0]?.raw === 'CMD') return unwrapShell(ctx, words.slice(1));
  if (words[0]?.raw === 'CMD-SHELL' && words[1]) return scriptRuns(ctx, words[1]);
  return [];
}

/**
 * The commands of a shell script (words without quotes, each with the script's range), from the word
 * that holds it; when that word is written as it is, each word's place in the file too.
 */
function scriptRuns(ctx: ComposeContext, script: FlagWord): FlagWord[][] {
  const text = script.raw;
  const base = script.at;
  const offsets = new Int32Array(text.length + 1).map((_, k) => (base ?? 0) + k);
  return parseShell({ text, offsets }).map((cmd) => {
    // From the variables set for the program (`PGPASSWORD=… pg_isready`: review 42e, item 7), after keywords (`if`, `then`).
    let from = Math.max(0, cmd.programIndex);
    while (from > 0 && ASSIGNMENT_WORD.test(cmd.words[from - 1].raw)) from--;
    return cmd.words.slice(from).map((w) => placedWord(ctx, w.value, script.range, base === undefined ? undefined : [w.start, w.end]));
  });
}

/**
 * A command line as its runs: the words themselves, and when they start a shell with a script (`sh -c
 * "…"`, `bash -o pipefail -c "…"`, `busybox sh -c "…"`), the script's commands as well.
 */
function unwrapShell(ctx: ComposeContext, words: FlagWord[]): FlagWord[][] {
  let k = words.length > 0 && path.posix.basename(words[0].raw) === 'busybox' ? 1 : 0;
  if (!SHELL_PROGRAM.test(path.posix.basename(words[k]?.raw ?? ''))) return [words];
  for (k++; k < words.length && words[k].raw.startsWith('-'); k++) {
    if (/^-[A-Za-z]*c[A-Za-z]*$/.test(words[k].raw) && words[k + 1]) return [words, ...scriptRuns(ctx, words[k + 1])];
    if (words[k].raw === '-o' || words[k].raw === '+o') k++; // an option's name
  }
  return [words];
}

const SHELL_PROGRAM = /^(?:sh|bash|ash|dash|zsh|ksh)$/;

/** A value that reads as the credential itself: not a path, a file name, a placeholder, a reference (`$$VAR`), a switch or a short word. */
function looksLikeFlagCredential(value: string): boolean {
  // A file name (`--key nightly.tar.gz`: an S3 object key, review 11 probe 07) is not a credential either.
  if (value.length < 8 || isPathOrNextOption(value) || /\.(?:pem|key|crt|json|ya?ml|txt|p12|gz|tgz|zip|tar|xz|bz2|zst|bin|iso|img|log|csv|sql|conf|cfg|ini|env)$/i.test(value) || value.includes('$')) return false;
  return !isPlaceholderPassword(value) && !isTemplatePlaceholder(value) && !isPlaceholderValue(value);
}

/**
 * How long a value must be for any occurrence of it in the file's text to count as a copy, even inside
 * a longer word (`-pMongoPw_R6c_long` given to mongosh, `X-Tok:tok_live_abc/`, `label=tok_live_abc`): a
 * secret of this length does not turn up by chance. A shorter value (`postgres`, `hunter2`) counts only
 * as a word of its own or attached to a one-letter option (`-psecret`): inside other words it is as
 * likely a name (`postgresql://`, `image: postgres:17`).
 */
export const MIN_COPY_LENGTH = 10;

/**
 * Whether one of the values still stays in the file after the moves: another inline secret of the
 * file with the same value that is not moved (a connection string that another name would hold, a
 * copy that cannot be edited exactly), or the value anywhere else in the file's text (MIN_COPY_LENGTH:
 * as a substring, or for a short value as a word of its own), outside the moved spans and image
 * references: `redis-cli -a <password>` or `mongosh -p<password>` in a healthcheck, the password in an
 * app's configuration block (Kestra's `KESTRA_CONFIGURATION: |`), a label, an `x-` field, a comment —
 * also in the other ways a file may spell it (spellingsOf, the spellings `--fix-dry-run` masks: `$$`
 * for each `$`, which Compose reads as one, `\$`, YAML's quoting, and YAML's escapes in a double-quoted
 * string: review 42d, item 1), each judged by its own length.
 * Moving one copy of a secret and leaving another keeps the stack working only until the moved value
 * is changed in `.env`: then the copies disagree (and the one left is still committed).
 */
function leavesCopies(ctx: ComposeContext, all: readonly InlineSecret[], values: readonly string[], moved: readonly (readonly [number, number])[]): boolean {
  return copiesLeft(ctx, all, values, moved, 1).length > 0;
}

/** A copy of a secret that stays in the file: another inline secret of the file, or the value at an offset of its text. */
export type CopyLeft = { kind: 'secret'; secret: InlineSecret } | { kind: 'text'; offset: number };

/**
 * The copies of the values that stay in the file after the moves (leavesCopies), at most `max`: first
 * the inline secrets (in document order), then the places in the text (one written by an inline secret
 * left is among them too). Never the values.
 */
export function copiesLeft(ctx: ComposeContext, all: readonly InlineSecret[], values: readonly string[], moved: readonly (readonly [number, number])[], max = Infinity): CopyLeft[] {
  const out: CopyLeft[] = [];
  // Inside a moved span: the spans sorted by start, the last one starting at or before `a` (they do not overlap),
  // by binary search — a file with hundreds of secrets asks this for every occurrence of every value.
  const spans = [...moved].sort((x, y) => x[0] - y[0]);
  const isMoved = (a: number, b: number) => within(spans, a, b);
  const wanted = new Set(values);
  for (const d of secretsWithValues(ctx, all, wanted)) {
    if (d.edit && isMoved(d.edit.offsets[0], d.edit.offsets[1])) continue;
    out.push({ kind: 'secret', secret: d });
    if (out.length >= max) return out;
  }
  const seen = new Set<number>();
  for (const value of wanted) {
    if (value === '') continue;
    for (const [at, end] of textCopies(ctx, value)) {
      if (seen.has(at) || isMoved(at, end)) continue;
      seen.add(at);
      out.push({ kind: 'text', offset: at });
      if (out.length >= max) return out;
    }
  }
  return out;
}

/**
 * The inline secrets of the file's list (inlineSecretData) with one of the values, in document order: by
 * value, once per analysis (every copy of a secret asks, and a file may hold thousands of copies of
 * one). Another list is read through.
 */
function secretsWithValues(ctx: ComposeContext, all: readonly InlineSecret[], values: ReadonlySet<string>): readonly InlineSecret[] {
  if (all !== inlineSecretData(ctx)) return all.filter((d) => values.has(d.value));
  const byValue = ctx.memo(all, 'dc040SecretsByValue', () => {
    const m = new Map<string, { at: number; secret: InlineSecret }[]>();
    all.forEach((secret, at) => {
      const list = m.get(secret.value);
      if (list) list.push({ at, secret });
      else m.set(secret.value, [{ at, secret }]);
    });
    return m;
  });
  const lists = [...values].map((v) => byValue.get(v)).filter((l) => l !== undefined);
  if (lists.length === 0) return [];
  if (lists.length === 1) return lists[0].map((e) => e.secret);
  return lists
    .flat()
    .sort((x, y) => x.at - y.at)
    .map((e) => e.secret);
}

/**
 * The inline secrets whose finding an ignore comment silences (`# docker-guardrails-ignore DC040` above its
 * line, or file-wide): no fix moves them but their own quick fix (none: a silenced finding offers no action),
 * neither the move-all fix nor a move that takes copies along (review 43, cli44 item 1).
 */
function silencedSecrets(ctx: ComposeContext): ReadonlySet<InlineSecret> {
  return ctx.memo(ctx, 'dc040Silenced', () => new Set(findInlineSecrets(ctx).filter((f) => isSuppressedAt(ctx, 'DC040', f.range.start.line)).map((f) => f.data)));
}

/** The data of the file's inline secrets (findInlineSecrets), one list per analysis. */
export function inlineSecretData(ctx: ComposeContext): readonly InlineSecret[] {
  return ctx.memo(ctx, 'dc040InlineSecretData', () => findInlineSecrets(ctx).map((f) => f.data));
}

/**
 * Where a value stands in the file's text as a copy (copiesLeft), outside image references (`POSTGRES_PASSWORD:
 * postgres` beside `image: postgres:17`), as [start, end) spans in the order copiesLeft reads them — each
 * spelling's places, then those in double-quoted strings with escapes — once per analysis and value.
 */
function textCopies(ctx: ComposeContext, value: string): readonly (readonly [number, number])[] {
  return ctx.memo(ctx, `dc040TextCopies\u0000${value}`, () => {
    const images = imageSpans(ctx);
    const out: [number, number][] = [];
    const add = (at: number, end: number) => {
      if (!within(images, at, end)) out.push([at, end]);
    };
    // The value as Compose reads it and the ways the file may write it (review 42d, item 1): `$$` for each `$`
    // (`pa$$w0rd` is a copy of `pa$w0rd`), `\$`, YAML's quoting and, for a value with spaces, its words.
    for (const w of spellingsOf(value)) for (const at of copiesIn(ctx.text, w)) add(at, at + w.length);
    // Written with YAML's escapes in a double-quoted string (`"pa\x24w0rd"`): found in the decoded string.
    for (const [start, line] of escapedLines(ctx)) {
      for (const [a, b] of escapedSpans(line, (decoded) => copiesIn(decoded, value).map((at) => [at, at + value.length]))) add(start + a, start + b);
    }
    return out;
  });
}

/**
 * The image references of the file's services, sorted by start, once per analysis: an image reference is a
 * name, not a copy (`POSTGRES_PASSWORD: postgres` beside `image: postgres:17`).
 */
function imageSpans(ctx: ComposeContext): readonly (readonly [number, number])[] {
  return ctx.memo(ctx, 'dc040ImageSpans', () => {
    const images: [number, number][] = [];
    for (const service of ctx.services) {
      const r = ctx.serviceGet(service, 'image')?.value?.range;
      if (r) images.push([r[0], r[1]]);
    }
    return images.sort((x, y) => x[0] - y[0]);
  });
}

const isWordChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9]/.test(c);

/** Where a spelling stands in a text as a copy: anywhere when long, else as a word of its own (see MIN_COPY_LENGTH). */
function copiesIn(t: string, w: string): number[] {
  const found: number[] = [];
  const long = w.length >= MIN_COPY_LENGTH;
  for (let at = t.indexOf(w); at !== -1; at = t.indexOf(w, at + 1)) {
    const end = at + w.length;
    if (!long) {
      // An escape of a double-quoted scalar (`"rotated\nhunter2"`) ends the word before it, as its character would;
      // so does a one-letter option the value is attached to (`-psecret`).
      const escaped = t[at - 2] === '\\' && /[nrt0abefv]/.test(t[at - 1] ?? '');
      const option = t[at - 2] === '-' && /[A-Za-z]/.test(t[at - 1] ?? '') && !isWordChar(t[at - 3]);
      if ((isWordChar(t[at - 1]) && !escaped && !option) || isWordChar(t[end])) continue;
    }
    found.push(at);
  }
  return found;
}

/**
 * Whether [a, b) lies inside one of `spans` (sorted by start, not overlapping): the last span starting at
 * or before `a`, by binary search.
 */
function within(spans: readonly (readonly [number, number])[], a: number, b: number): boolean {
  const found = countBefore(spans, (s) => s[0] <= a) - 1;
  return found >= 0 && b <= spans[found][1];
}

/** The lines of a file that may hold a double-quoted string with escapes (a `\\` and a `"`), with their offsets. */
function escapedLines(ctx: ComposeContext): readonly [number, string][] {
  return ctx.memo(ctx, 'dc040EscapedLines', () => {
    const out: [number, string][] = [];
    if (!ctx.text.includes('\\')) return out;
    let start = 0;
    for (const line of ctx.text.split('\n')) {
      if (line.includes('\\') && line.includes('"')) out.push([start, line]);
      start += line.length + 1;
    }
    return out;
  });
}

/** A candidate copy of a secret (copyCandidates): the secret, its span, its edit and the scalar that holds it. */
interface CopyCandidate {
  copy: InlineSecret;
  span: [number, number];
  edit: TextEdit;
  scalar: Scalar;
}

/**
 * The copies of a secret (one value under one `.env` name), once per analysis: the candidates (copyCandidates)
 * and which of them a fix with no edit of its own would take (`taken`: a copy whose edit would overlap one taken
 * before it in the same scalar stays) — a fix's own edit changes that only in the scalars it touches.
 */
interface CopyGroup {
  value: string;
  list: readonly CopyCandidate[];
  /** The copies taken, in order: their candidates' indexes, edits, spans and secrets; `defaults[i]`: how many of the first i are the default of an interpolation. */
  index: readonly number[];
  defaults: readonly number[];
  edits: readonly TextEdit[];
  moved: readonly [number, number][];
  copies: readonly InlineSecret[];
  /** The spans of the copies taken, sorted by start. */
  spans: readonly (readonly [number, number])[];
  /** The scalars that hold candidates, sorted by their start (then end), with the candidates each holds; `unplaced`: any without a range. */
  scalars: readonly { start: number; end: number; scalar: Scalar; members: number[] }[];
  unplaced: boolean;
  /** What stays of the value in the file when only the copies taken move (copiesLeft), and the places copiesLeft looks at (lazily). */
  left?: GroupLeft;
}

function copyGroup(ctx: ComposeContext, value: string, dotenvName: string, as: string): CopyGroup {
  const groups = ctx.memo(ctx, 'dc040CopyGroups', () => new Map<string, CopyGroup>());
  const key = `${dotenvName}\u0000${value}\u0000${as}`;
  let group = groups.get(key);
  if (group) return group;
  const list = copyCandidates(ctx, value, dotenvName, as);
  const index = [...chooseCopies(list, list.map((_, k) => k), [], [])].sort((x, y) => x - y);
  const byScalar = new Map<Scalar, { start: number; end: number; scalar: Scalar; members: number[] }>();
  let unplaced = false;
  list.forEach((c, k) => {
    const known = byScalar.get(c.scalar);
    if (known) return void known.members.push(k);
    const r = c.scalar.range;
    if (!r) unplaced = true;
    byScalar.set(c.scalar, { start: r ? r[0] : 0, end: r ? r[1] : 0, scalar: c.scalar, members: [k] });
  });
  group = {
    value,
    list,
    index,
    defaults: index.reduce((acc, k) => (acc.push(acc[acc.length - 1] + (list[k].copy.kind === 'default' ? 1 : 0)), acc), [0]),
    edits: index.map((k) => list[k].edit),
    moved: index.map((k) => list[k].copy.edit!.offsets),
    copies: index.map((k) => list[k].copy),
    spans: index.map((k) => list[k].copy.edit!.offsets).sort((x, y) => x[0] - y[0]),
    scalars: [...byScalar.values()].sort((x, y) => x.start - y.start || x.end - y.end),
    unplaced,
  };
  groups.set(key, group);
  return group;
}

/**
 * Which of the candidates at `among` (indexes, ascending) a fix takes (by index): not one whose span overlaps
 * one of the fix's `moved` spans or whose edit overlaps one of its `edits`, nor one whose edit would overlap a
 * copy taken before it in the same scalar (the one place two of them can overlap).
 */
function chooseCopies(list: readonly CopyCandidate[], among: readonly number[], edits: readonly TextEdit[], moved: readonly (readonly [number, number])[]): Set<number> {
  const taken = new Map<Scalar, { span: readonly [number, number]; range: Range }[]>();
  const out = new Set<number>();
  for (const k of among) {
    const c = list[k];
    const [s, e] = c.span;
    let overlaps = false;
    for (let i = 0; i < moved.length && !overlaps; i++) overlaps = s < moved[i][1] && e > moved[i][0]; // the fix's own, or one in the same span
    for (let i = 0; i < edits.length && !overlaps; i++) overlaps = rangesOverlap(edits[i].range, c.edit.range);
    const group = taken.get(c.scalar);
    if (group) for (const t of group) overlaps ||= (s < t.span[1] && e > t.span[0]) || rangesOverlap(t.range, c.edit.range);
    // Two edits of one scalar would overlap: the copy stays (and the fix is not safe).
    if (overlaps) continue;
    if (group) group.push({ span: c.span, range: c.edit.range });
    else taken.set(c.scalar, [{ span: c.span, range: c.edit.range }]);
    out.add(k);
  }
  return out;
}

/** A fix's copies of a secret (moveCopies). */
export interface MovedCopies {
  /** The fix's own edits, then the copies' (made when first read). */
  readonly edits: TextEdit[];
  /** How many copies are rewritten, and whether one is the default of an interpolation. */
  count: number;
  movesDefault: boolean;
  /** The fix's own spans, then the copies' (made when first asked). */
  moved: () => [number, number][];
  /** The copies rewritten, in order. */
  copies: () => InlineSecret[];
  /** copiesLeft of the value after the fix, at most `max`. */
  left: (max?: number) => CopyLeft[];
}

/**
 * The other inline copies of a secret that a fix rewrites with it: the inline secrets of the file with
 * the same value under the same `.env` name (the password in an app's `DATABASE_URL` to the database
 * whose `POSTGRES_PASSWORD` moves), each rewritten to `${name}`. `ownEdits` and `ownMoved` hold the fix's
 * own; a copy whose edit would overlap one of them or one taken before it (two in one scalar), or that
 * cannot be edited exactly, stays. Returns the fix's edits and spans followed by the copies' (new arrays),
 * the copies rewritten, and what copiesLeft would say of the value after the fix (`left`, asked lazily: with
 * `max`, the first ones only). A fix's own edits and spans can change the group's choice (CopyGroup.index) only in the
 * scalars they touch, and what stays of the value only there and in its own spans: the rest is the group's,
 * found once per analysis — a file with thousands of copies of one password asks for each of them (review of
 * a 100,000-line file: quadratic before, each fix weighed every copy against its own edit).
 */
export function moveCopies(ctx: ComposeContext, value: string, dotenvName: string, ownEdits: readonly TextEdit[], ownMoved: readonly [number, number][], as = dotenvName): MovedCopies {
  const group = copyGroup(ctx, value, dotenvName, as);
  const { list } = group;
  // The scalars the fix's own changes meet (a candidate's span and edit lie inside its scalar: replaceInScalarEdit).
  const regions: [number, number][] = ownMoved.map(([a, b]) => [a, b]);
  for (const e of ownEdits) regions.push([ctx.lines.offsetAt(e.range.start), ctx.lines.offsetAt(e.range.end)]);
  const touched: CopyGroup['scalars'][number][] = [];
  if (regions.length > 0) {
    const { scalars } = group;
    if (group.unplaced) touched.push(...scalars);
    else {
      const seen = new Set<Scalar>();
      for (const [a, b] of regions) {
        // The last scalar starting at or before b; those before it end in order (scalars do not overlap).
        const lo = countBefore(scalars, (s) => s.start <= b);
        for (let i = lo - 1; i >= 0 && scalars[i].end >= a; i--) {
          if (seen.has(scalars[i].scalar)) continue;
          seen.add(scalars[i].scalar);
          touched.push(scalars[i]);
        }
      }
    }
  }
  // The group's choice, but in the touched scalars the fix's own: the runs of the group's copies between them taken whole.
  const among = touched.flatMap((t) => t.members).sort((x, y) => x - y);
  const local = touched.length === 0 ? undefined : chooseCopies(list, among, ownEdits, ownMoved);
  const runs: ([number, number] | number)[] = [];
  let from = 0;
  let count = 0;
  let defaults = 0;
  const { index } = group;
  for (const k of among) {
    // The copies the group takes before candidate k, then k itself when the fix takes it.
    let at = from;
    let hi = index.length;
    while (at < hi) {
      const mid = (at + hi) >> 1;
      if (index[mid] < k) at = mid + 1;
      else hi = mid;
    }
    runs.push([from, at]);
    count += at - from;
    defaults += group.defaults[at] - group.defaults[from];
    if (local!.has(k)) {
      runs.push(k);
      count++;
      if (list[k].copy.kind === 'default') defaults++;
    }
    from = at < index.length && index[at] === k ? at + 1 : at;
  }
  runs.push([from, index.length]);
  count += index.length - from;
  defaults += group.defaults[index.length] - group.defaults[from];
  /** The fix's own items followed by the copies' (`whole`: the group's, by copy taken; `one`: a candidate's). */
  const build = <T>(own: readonly T[], whole: readonly T[], one: (k: number) => T): T[] => {
    if (runs.length === 1) return own.concat(whole);
    const parts: (readonly T[])[] = [own];
    for (const r of runs) parts.push(typeof r === 'number' ? [one(r)] : whole.slice(r[0], r[1]));
    return ([] as T[]).concat(...parts);
  };
  let moved: [number, number][] | undefined;
  const movedOf = () => (moved ??= build(ownMoved, group.moved, (k) => list[k].copy.edit!.offsets));
  const left = (max = Infinity): CopyLeft[] => {
    // Exactly copiesLeft's answer, from the group's when the fix changes nothing of it.
    const base = groupLeft(ctx, group);
    const spans: (readonly [number, number])[] = [...ownMoved];
    if (local) for (const k of among) if (local.has(k)) spans.push(list[k].copy.edit!.offsets);
    spans.sort((x, y) => x[0] - y[0]);
    const overlapping = spans.some((sp, i) => i > 0 && sp[0] < spans[i - 1][1]);
    const areas: (readonly [number, number])[] = [...ownMoved, ...touched.map((t) => [t.start, t.end] as const)];
    if (!overlapping && !group.unplaced && !base.changedIn(areas, (a, b) => within(spans, a, b))) return base.left.slice(0, max);
    return copiesLeft(ctx, inlineSecretData(ctx), [value], movedOf(), max);
  };
  let edits: TextEdit[] | undefined;
  return {
    // Made when first read: a fix's title and safety need the count only, and the menu of one finding counts the fixes
    // of every finding of the code (a file with one password in thousands of services: each edit list is every copy).
    get edits() {
      return (edits ??= build(ownEdits, group.edits, (k) => list[k].edit));
    },
    count,
    movesDefault: defaults > 0,
    moved: movedOf,
    copies: () => build([], group.copies, (k) => list[k].copy),
    left,
  };
}

/** What stays of a group's value when only its copies taken move (copiesLeft with max Infinity), and whether a fix changes it. */
interface GroupLeft {
  left: readonly CopyLeft[];
  /**
   * Whether a place copiesLeft looks at that meets one of the areas (the scalars a fix touches, its own spans)
   * is moved or not otherwise under `isMoved` (the fix's spans there) than with the group's spans.
   */
  changedIn(areas: readonly (readonly [number, number])[], isMoved: (a: number, b: number) => boolean): boolean;
}

function groupLeft(ctx: ComposeContext, group: CopyGroup): GroupLeft {
  if (group.left) return group.left;
  const all = inlineSecretData(ctx);
  const left = copiesLeft(ctx, all, [group.value], group.spans);
  // The places copiesLeft weighs (the secrets with the value that have an edit, the value's places in the text), sorted by start.
  const places: { a: number; b: number; moved: boolean }[] = [];
  for (const d of secretsWithValues(ctx, all, new Set([group.value]))) if (d.edit) places.push({ a: d.edit.offsets[0], b: d.edit.offsets[1], moved: within(group.spans, d.edit.offsets[0], d.edit.offsets[1]) });
  if (group.value !== '') for (const [a, b] of textCopies(ctx, group.value)) places.push({ a, b, moved: within(group.spans, a, b) });
  places.sort((x, y) => x.a - y.a);
  const longest = places.reduce((m, p) => Math.max(m, p.b - p.a), 0);
  const changedIn = (areas: readonly (readonly [number, number])[], isMoved: (a: number, b: number) => boolean): boolean => {
    for (const [from, to] of areas) {
      // The first place that may reach into the area: none starting more than `longest` before it does.
      const lo = countBefore(places, (p) => p.a < from - longest);
      for (let i = lo; i < places.length && places[i].a <= to; i++) {
        const p = places[i];
        if (p.b < from) continue;
        if (isMoved(p.a, p.b) !== p.moved) return true;
      }
    }
    return false;
  };
  return (group.left = { left, changedIn });
}

/**
 * The inline secrets with this value under this `.env` name that can be rewritten to `${as}` (`as`: the name the
 * value is moved under, moveName; each copy's own edit writes `${dotenvName}`), with
 * their edits and the scalar that holds them, in document order: the secrets grouped by value and name
 * once per analysis, each group's edits made when first asked (every copy's fix asks for the same list).
 */
function copyCandidates(ctx: ComposeContext, value: string, dotenvName: string, as: string): readonly CopyCandidate[] {
  const byName = ctx.memo(ctx, 'dc040CopyCandidates', () => {
    const m = new Map<string, InlineSecret[]>();
    for (const copy of inlineSecretData(ctx)) {
      if (!copy.edit) continue;
      const key = `${copy.dotenvName}\u0000${copy.value}`;
      const list = m.get(key);
      if (list) list.push(copy);
      else m.set(key, [copy]);
    }
    return { secrets: m, candidates: new Map<string, CopyCandidate[]>() };
  });
  const key = `${dotenvName}\u0000${value}`;
  let list = byName.candidates.get(`${key}\u0000${as}`);
  if (list) return list;
  list = [];
  const silenced = silencedSecrets(ctx);
  for (const copy of byName.secrets.get(key) ?? []) {
    // A silenced copy stays (and, staying, keeps the move from being safe: copiesLeft).
    if (silenced.has(copy)) continue;
    const [s, e] = copy.edit!.offsets;
    const edit = replaceInScalarEdit(ctx, s, e, as === dotenvName ? copy.edit!.newText : `\${${as}}`);
    const scalar = edit && scalarAt(ctx, s, e);
    if (edit && scalar) list.push({ copy, span: [s, e], edit, scalar });
  }
  byName.candidates.set(`${key}\u0000${as}`, list);
  return list;
}

/** How many numbered names (`NAME_2` … `NAME_<n>`) moveNames tries for a value after the service's. */
const MAX_NAME_SUFFIX = 99;

/**
 * The name a secret's value is moved under in `.env`: its own (`dotenvName`), unless `.env` or another secret of the
 * file holds that name with another value — two services each with `POSTGRES_PASSWORD: <its own literal>` — when the
 * value goes under a name of its own, the same for every copy of it (moveNames). The container's variable keeps its
 * name (`POSTGRES_PASSWORD: ${DB2_POSTGRES_PASSWORD}`): only the reference and the `.env` line are named otherwise. So does
 * every value of a name a developer's shell often exports (`PGPASSWORD: ${DB_PGPASSWORD}`), and of the name a command
 * line's connection string was given when the file reads it elsewhere while `.env` does not define it.
 */
export function moveName(ctx: ComposeContext, data: InlineSecret): string {
  return moveNames(ctx).get(`${data.dotenvName}\u0000${data.value}`) ?? data.dotenvName;
}

/**
 * The names of moveName, once per analysis, by `.env` name and value: the value `.env` holds under a name keeps it, or,
 * when `.env` does not define it, the value of the first secret under it that a fix may move (a default first,
 * `${NAME:-…}`, whose reference is the user's, then in document order; not a placeholder, a silenced secret or a value
 * `.env` cannot spell, which no fix moves). Each other value of the name goes under `<SERVICE>_<NAME>` (the first service
 * it is written in, in capitals, other characters as `_`; not when the name starts with it already), else `<NAME>_2`,
 * `<NAME>_3`…: the first that no secret of the file is named, that `.env` does not define and that nothing in the file or
 * its default override pair reads (readerInFile). Not for a value some default writes (its `${NAME:-…}` must keep its
 * name), nor when no name is free: it keeps its name, and its fix is offered only while nothing holds that name (as
 * before: fix-all then leaves it, and says so). No value keeps a shell-exported name (isShellExportedCredential, not a
 * default's), nor a command line's connection-string name the file reads elsewhere while `.env` does not define it: each
 * goes under a name of its own, which is never a shell-exported one either. The same names in every round of fix-all:
 * once the first value is in `.env`, `.env` holds the name with it (the names of server options and command-line
 * connection strings, commandPasswordName and commandUrlPasswordName, do not depend on what `.env` holds or the file
 * reads: review51a, finding 2).
 */
function moveNames(ctx: ComposeContext): ReadonlyMap<string, string> {
  return ctx.memo(ctx, 'dc040MoveNames', () => {
    const out = new Map<string, string>();
    const secrets = inlineSecretData(ctx);
    const silenced = silencedSecrets(ctx);
    const movable = secrets.filter((d) => d.edit && !d.placeholder && !silenced.has(d) && dotenvSpelling(d.value) !== null);
    const dotenv = ctx.dotenv()?.vars;
    // Names no value keeps. One a developer's shell often exports (`PGPASSWORD`, `MYSQL_PWD`, `REDISCLI_AUTH`:
    // isShellExportedCredential): Compose's interpolation takes the shell's value over `.env`'s, so `${PGPASSWORD}`
    // may not read back the value moved (review51a, finding 9); a default's `${NAME:-…}` reads the user's variable and
    // keeps it. And the name a command line's connection string was given (commandUrlPasswordName) when the compose file
    // reads it elsewhere while `.env` does not define it: the reader would get the value (that `.env` defines it once
    // the first value is moved keeps the names the same in every round).
    let spans: Spans | undefined;
    const ownName = (d: InlineSecret) =>
      (d.kind !== 'default' && isShellExportedCredential(d.dotenvName)) ||
      ((d.source === 'command' || d.source === 'healthcheck') && d.kind === 'url' && dotenv?.get(d.dotenvName) === undefined && readerInFile(ctx, d.dotenvName, () => (spans ??= secrets.filter((x) => x.edit).map((x) => x.edit!.offsets))) !== undefined);
    const renamed = new Set(movable.filter(ownName).map((d) => d.dotenvName));
    // Most files write each name with one value: nothing to name.
    const values = new Map<string, Set<string>>();
    for (const d of movable) (values.get(d.dotenvName) ?? values.set(d.dotenvName, new Set()).get(d.dotenvName)!).add(d.value);
    const clash = ([name, vs]: [string, Set<string>]) => {
      const held = dotenv?.get(name);
      return vs.size > 1 || (held !== undefined && !vs.has(held));
    };
    if (renamed.size === 0 && ![...values].some(clash)) return out;
    const holder = new Map<string, string>();
    for (const [name] of values) {
      const held = dotenv?.get(name);
      if (held !== undefined) holder.set(name, held);
    }
    const ordered = [...movable.filter((d) => d.kind === 'default'), ...movable.filter((d) => d.kind !== 'default')];
    for (const d of ordered) if (!holder.has(d.dotenvName)) holder.set(d.dotenvName, d.value);
    // A value some default writes keeps its name (`${NAME:-value}` reads NAME).
    const defaults = new Set(movable.filter((d) => d.kind === 'default').map((d) => `${d.dotenvName}\u0000${d.value}`));
    const used = new Set(secrets.map((d) => d.dotenvName));
    const free = (n: string) => VARIABLE_NAME.test(n) && !used.has(n) && !isShellExportedCredential(n) && dotenv?.get(n) === undefined && readerInFile(ctx, n, []) === undefined;
    for (const d of movable) {
      const key = `${d.dotenvName}\u0000${d.value}`;
      if ((holder.get(d.dotenvName) === d.value && !renamed.has(d.dotenvName)) || out.has(key) || defaults.has(key)) continue;
      const service = d.service.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
      const candidates = d.dotenvName.toUpperCase().startsWith(`${service}_`) ? [] : [`${service}_${d.dotenvName}`];
      let name = candidates.find(free);
      for (let n = 2; name === undefined && n <= MAX_NAME_SUFFIX; n++) if (free(`${d.dotenvName}_${n}`)) name = `${d.dotenvName}_${n}`;
      if (name === undefined) continue;
      used.add(name);
      out.set(key, name);
    }
    return out;
  });
}

/**
 * The fix for one inline secret: the compose edit plus the `.env` changes. The other inline copies of
 * the same secret (the same value under the same `.env` name: `POSTGRES_PASSWORD` of the database and
 * the password in the app's `DATABASE_URL` to it) move in the same edit, so they keep agreeing.
 */
function moveFix(ctx: ComposeContext, data: InlineSecret): Fix | undefined {
  if (!data.edit) return undefined;
  // The name it goes under: its own, or one of its own when another value holds that (moveName).
  const name = moveName(ctx, data);
  // The same for every copy of a secret (once per analysis: each copy's fix asks).
  const changes = ctx.memo(ctx, `dc040MoveToDotenv\u0000${name}\u0000${data.value}`, () => moveToDotenvChanges(ctx, name, data.value));
  if (!changes) return undefined;
  const edit = replaceInScalarEdit(ctx, data.edit.offsets[0], data.edit.offsets[1], name === data.dotenvName ? data.edit.newText : `\${${name}}`);
  if (!edit) return undefined;
  const copies = moveCopies(ctx, data.value, data.dotenvName, [edit], [data.edit.offsets], name);
  const movesDefault = data.kind === 'default' || copies.movesDefault;
  // The services whose values move, asked only when another service loads the `.env` (dotenvLoadedByOtherServices).
  const owners = () => [data.service, ...copies.copies().map((twin) => twin.service)];
  const base = data.source === 'command' ? `the ${data.name} password` : data.kind === 'option' ? `the password in ${data.name}` : data.kind === 'url' ? `the ${data.credential === 'user' ? 'token' : (data.credential ?? 'password')} of ${data.name}` : data.kind === 'default' ? `the default of ${data.dotenvName}` : data.name;
  const what = copies.count === 0 ? base : `${base} and its ${copies.count === 1 ? 'copy' : `${copies.count} copies`}`;
  // Safe when nothing else reads the variable (another compose file that shares the .env would change)
  // and no copy of the value stays in the file.
  const readers = dotenvReadersElsewhere(ctx, [name], copies.moved);
  const envPath = dotenvTarget(ctx)?.path ?? path.join(ctx.dir, '.env');
  const safe =
    !movesDefault &&
    !isShellExportedCredential(name) &&
    !isSwarmStack(ctx) &&
    // A template's stand-in (`REPLACE_MASTER_KEY`) is where install steps write the real value (`sed -i 's/REPLACE_MASTER_KEY/…/'`).
    !isTemplatePlaceholder(data.value) &&
    readers !== null &&
    readers.length === 0 &&
    copies.left(1).length === 0 &&
    !dotenvMayBeCommitted(ctx) &&
    !dotenvLoadedByOtherServices(ctx, owners) &&
    // The env file lands where a build copies it into the image (review 47a, F1), or the project may start with another one (F5).
    envFileCaveats(ctx, envPath).length === 0;
  // What else reads the variable would get the value: named as "Move all" names it when it leaves the secret out (mrg6b,
  // item 2). Not when `.env` holds the name already (with this value: the fix is not offered for another), which its readers have.
  const reader = ctx.dotenv()?.vars.get(name) === undefined ? readerInFile(ctx, name, copies.moved) : undefined;
  // A shell-exported name no name of its own replaced (moveNames: none was free) is said: the shell's value would win (review51a, finding 9).
  // Not a default's: `${NAME:-…}` reads the shell's variable before the move as after it.
  const exported = data.kind !== 'default' && isShellExportedCredential(name) ? `${name} exported in the shell would win over ${dotenvLabel(ctx, envPath)}` : undefined;
  // A service that loads the .env whole gets the moved secret too: said as "Move all" says it (review53b, finding 4). The
  // copies (owners) are listed only when some service loads it (menu-work: a menu makes no list of every copy's edits).
  const { exact: loaders, unresolved } = anyDotenvLoader(ctx) ? dotenvLoaderNames(ctx, owners()) : { exact: [], unresolved: [] };
  const loading = [...(loaders.length > 0 ? [`service${loaders.length > 1 ? 's' : ''} ${loaders.join(', ')} load${loaders.length > 1 ? '' : 's'} ${dotenvLabel(ctx, envPath)} as env_file and would get it`] : []), ...unresolved.map((u) => `service ${u.label} loads ${u.raw} as env_file and may get it`)];
  const notes = [reader === undefined ? undefined : `${reader} and would get it`, exported, ...loading, ...envFileCaveats(ctx, envPath)].filter((n) => n !== undefined);
  const note = notes.length === 0 ? '' : ` (${notes.join('; ')})`;
  // Under a name of its own: said, the variable the compose file then reads (moveName).
  const as = name === data.dotenvName ? '' : ` as ${name}`;
  return { title: `Move ${what} to ${dotenvLabel(ctx, envPath)}${as}${note}`, safe, changes: [lazyEdits(ctx.path, () => copies.edits), ...changes] };
}


/**
 * A change of `path` whose edits are made when first read (then kept): what a fix's title, safety and the files it
 * touches say is known without them. Every copy of a secret has a fix rewriting every copy, and "Fix all DC040 in this
 * file" / "Move all N inline secrets" count the fixes of all of them (fixableCount in the server, computeMoveAll here):
 * built eagerly, one request for one finding's menu copied N edits N times (0.2-2.2 s of server CPU for N = 500 to 8,000
 * services). Reading `edits` (JSON, a spread, applying the fix) gives the same array each time.
 */
function lazyEdits(filePath: string, make: () => TextEdit[]): FileChange {
  let edits: TextEdit[] | undefined;
  return {
    kind: 'edit',
    path: filePath,
    get edits() {
      return (edits ??= make());
    },
  };
}
/**
 * What in the compose file reads `${name}` outside `spans` (where the secrets are written): `service 'b'`, the line
 * otherwise, or a top-level secret or config made from the variable; undefined when nothing does. Moving the value to
 * `.env` would hand it to that reader (review 45a, item 3).
 */
function readerInFile(ctx: ComposeContext, name: string, spans: Spans | (() => Spans)): string | undefined {
  const reads = ownVariableReads(ctx).get(name);
  const inside = reads && reads.length > 0 ? spanUnion(typeof spans === 'function' ? spans() : spans) : undefined;
  const at = inside && reads!.find((r) => !inside(r));
  const ref = `\${${name}}`;
  if (at !== undefined) {
    const service = ctx.services.find((sv) => sv.map.range && sv.map.range[0] <= at && at < sv.map.range[2]);
    return `${service ? `service '${service.name}'` : `line ${ctx.lines.positionAt(at).line + 1}`} reads ${ref}`;
  }
  // A bare entry (`- API_TOKEN`, `API_TOKEN:`) takes the variable from the shell or the env files as `${API_TOKEN}` does
  // (https://docs.docker.com/compose/how-tos/environment-variables/set-environment-variables/): review 47a, F4.
  const bare = passesThrough(ctx, name);
  if (bare !== undefined) return `service '${bare}' passes ${name} through`;
  if (fromEnvironmentByName(ctx, [name])) return `a top-level secret or config reads ${ref}`;
  // The other file of the default override pair, which `docker compose up` reads with the same `.env` (review 45e, item 2).
  const other = pairPartner(ctx);
  if (other && (fileVariableReads(ctx, other.path, other.text).has(name) || fromEnvironmentByName(other, [name]) || passesThrough(other, name) !== undefined)) return `${path.basename(other.path)} reads ${ref}`;
  return undefined;
}

/** The first service of the file with a bare `environment:` entry for `name` (`- NAME`, `NAME:`), which Compose fills from the project environment. */
function passesThrough(ctx: ComposeContext, name: string): string | undefined {
  const byName = ctx.memo(ctx, 'dc040PassedThrough', () => {
    const m = new Map<string, string>();
    for (const sv of ctx.services) for (const e of ctx.environment(sv)) if (e.value === null && !m.has(e.name)) m.set(e.name, sv.name);
    return m;
  });
  return byName.get(name);
}

/**
 * The other file of the default override pair (`compose.override.yaml` beside `compose.yaml`, or the main file for
 * the override), parsed; undefined when this file is not one of a pair. Once per analysis. Read even when it has
 * syntax errors (unlike defaultPairFile, which the merge reads): here it only adds readers, so a broken partner leaves
 * more secrets out of "Move all", never fewer.
 */
function pairPartner(ctx: ComposeContext): ComposeContext | undefined {
  return ctx.memo(ctx, 'dc040PairPartner', () => {
    const { main, override } = defaultComposePair(ctx.workspace, ctx.dir);
    if (!main || !override) return undefined;
    const other = ctx.path === main ? override : ctx.path === override ? main : undefined;
    return other ? parsedCompose(ctx.workspace, other, ctx.options) : undefined;
  });
}

/**
 * One fix that moves every inline secret of the file that can be moved exactly to `.env` (one
 * workspace edit: the compose edits, one `.env` change, `.gitignore`, `.env.example`), each under its
 * moveName (a second value of a name under one of its own). Secrets whose name `.env` (or an earlier
 * secret) still holds with another value (no name of its own was free), or an included file's including project
 * defines (fromIncludingProject), are left alone, and so are secrets whose variable the file reads elsewhere
 * (readerInFile: the reader would get the value; the title names them). Undefined when fewer than two can be moved.
 */
export function moveAllInlineSecretsFix(ctx: ComposeContext): Fix | undefined {
  // Once per analysis: every finding of the file offers it.
  return ctx.memo(ctx, 'dc040MoveAll', () => computeMoveAll(ctx));
}

function computeMoveAll(ctx: ComposeContext): Fix | undefined {
  const movable: InlineSecret[] = [];
  const taken = new Map<string, string>();
  const dotenv = ctx.dotenv()?.vars;
  const edits: TextEdit[] = [];
  const secrets = inlineSecretData(ctx);
  const silenced = silencedSecrets(ctx);
  // Where the secrets are written (a `${NAME:-literal}` reads NAME there): a read elsewhere would get the moved value.
  const spans = secrets.filter((d) => d.edit).map((d) => d.edit!.offsets);
  // Secrets left for their own move: what reads their variable would get the value (review 45a, item 3).
  const leftOut = new Map<string, string>();
  // Secrets left because an earlier one takes their name with another value: fix-all leaves them too (.env then holds the name).
  const clashed = new Set<InlineSecret>();
  // The name each secret moved goes under (moveName: a second value of a name goes under one of its own).
  const names = new Map<InlineSecret, string>();
  for (const data of secrets) {
    if (!data.edit || data.placeholder || silenced.has(data) || dotenvSpelling(data.value) === null) continue;
    const name = moveName(ctx, data);
    const edit = replaceInScalarEdit(ctx, data.edit.offsets[0], data.edit.offsets[1], name === data.dotenvName ? data.edit.newText : `\${${name}}`);
    if (!edit) continue;
    const earlier = taken.get(name);
    const existing = earlier ?? dotenv?.get(name);
    if (existing !== undefined && existing !== data.value) {
      if (earlier !== undefined) clashed.add(data);
      continue;
    }
    if (fromIncludingProject(ctx, name)) continue;
    // A name `.env` already holds with this value: its readers have it already (as dotenvReadersElsewhere reads it).
    const reader = existing !== undefined ? undefined : (leftOut.get(name) ?? readerInFile(ctx, name, spans));
    if (reader !== undefined) {
      leftOut.set(name, reader);
      continue;
    }
    taken.set(name, data.value);
    names.set(data, name);
    movable.push(data);
    edits.push(edit);
  }
  if (movable.length < 2) return undefined;
  const changes = moveManyToDotenvChanges(ctx, movable.map((d) => ({ name: names.get(d)!, value: d.value })));
  if (!changes) return undefined;
  const envPath = dotenvTarget(ctx)?.path ?? path.join(ctx.dir, '.env');
  const readers = dotenvReadersElsewhere(
    ctx,
    movable.map((d) => names.get(d)!),
    movable.map((d) => d.edit!.offsets),
  );
  const safe =
    !movable.some((d) => d.kind === 'default' || isShellExportedCredential(names.get(d)!) || isTemplatePlaceholder(d.value)) &&
    !isSwarmStack(ctx) &&
    readers !== null &&
    readers.length === 0 &&
    !leavesCopies(ctx, secrets, movable.map((d) => d.value), movable.map((d) => d.edit!.offsets)) &&
    !dotenvMayBeCommitted(ctx) &&
    !dotenvLoadedByOtherServices(ctx, movable.map((d) => d.service)) &&
    envFileCaveats(ctx, envPath).length === 0;
  // Every secret with a fix of its own is moved, or left as the rounds of "Fix all DC040 in this file" leave it (its name
  // taken by an earlier one with another value), and only those: the edit is the fix-all's (review 43b, item 9; 45a, item 3).
  const own = new Set(secrets.filter((d) => !d.placeholder && !silenced.has(d) && moveFix(ctx, d) !== undefined));
  const moved = new Set(movable);
  const everyFix = movable.every((d) => own.has(d)) && [...own].every((d) => moved.has(d) || clashed.has(d));
  const left = [...leftOut].map(([name, reader]) => `${name} left out: ${reader} and would get it`);
  const envLabel = dotenvLabel(ctx, envPath);
  // A service that loads the .env whole gets every moved secret: said, as the single move's safety conditions say it (review 45e, item 2).
  const { exact: loaders, unresolved } = dotenvLoaderNames(ctx, movable.map((d) => d.service));
  if (loaders.length > 0) left.push(`service${loaders.length > 1 ? 's' : ''} ${loaders.join(', ')} load${loaders.length > 1 ? '' : 's'} ${envLabel} as env_file and would get them all`);
  // An env_file whose path is not known here is named as written, never as the .env it may or may not be (mrg6b, item 3).
  for (const u of unresolved) left.push(`service ${u.label} loads ${u.raw} as env_file and may get them all`);
  // Shell-exported names no name of its own replaced (moveNames): the shell's value would win, as the single move says.
  for (const n of new Set(movable.filter((d) => d.kind !== 'default').map((d) => names.get(d)!))) if (isShellExportedCredential(n)) left.push(`${n} exported in the shell would win over ${envLabel}`);
  left.push(...envFileCaveats(ctx, envPath));
  // "all" only when it moves every finding of the rule in the file; else how many of them (moveall: with two values of
  // one name it moves one value's, and the others stay).
  const reported = secrets.filter((d) => !d.placeholder && !silenced.has(d)).length;
  const count = movable.length === reported ? `all ${movable.length}` : `${movable.length} of the ${reported}`;
  // What it moves, by where each is written (the data of a finding in a Swarm stack is a copy: check adds `stack`).
  const at = new Set(movable.map((d) => `${d.edit!.offsets[0]}:${d.edit!.offsets[1]}`));
  return {
    title: `Move ${count} inline secrets of this file to ${envLabel}${left.length > 0 ? ` (${left.join('; ')})` : ''}`,
    safe,
    changes: [{ kind: 'edit', path: ctx.path, edits }, ...changes],
    ...(everyFix ? { fixesAllOf: own.size } : {}),
    resolves: (data) => {
      const edit = (data as InlineSecret | undefined)?.edit;
      return !!edit && at.has(`${edit.offsets[0]}:${edit.offsets[1]}`);
    },
  };
}

/** DC040's message for a finding (the rule's message adds the Swarm case). */
function baseMessage(d: InlineSecret): string {
  if (d.source === 'volumes') return `Volume '${d.name}' has a password written into its driver options (${d.dotenvName}); write \${…} there (Compose interpolates it) and move the value to a git-ignored .env.`;
  if (d.source === 'configs') return `Config '${d.name}' carries a credential (its ${d.dotenvName}) written into its content; write \${…} there (Compose interpolates it) and move the value to a git-ignored .env.`;
  // The service, or where an anchored value is written and the services that use it (review 42f, item 2).
  const of = ofService(d.service, d.sharing);
  const line = d.source === 'healthcheck' ? 'healthcheck' : 'command';
  // `The command of service 'web'`, or `The command in x-common (used by …)` when it is written in an anchor.
  const lineOf = `The ${line} ${of}`;
  if (d.scheme !== undefined) return `${lineOf} ${d.name.startsWith('-') ? `gives ${d.name}` : 'passes'} ${/^[aeiou]/.test(d.scheme) ? 'an' : 'a'} ${d.scheme}:// URL with a password written into it${d.kind === 'default' ? ` as the default of \${${d.dotenvName}}` : ''}; move it to a git-ignored .env.`;
  if (d.kind === 'assignment') return `${lineOf} sets ${d.name} to a credential written into the compose file; read it from the container's environment or from a git-ignored .env (\${…}) instead.`;
  if (d.source === 'command' && d.kind === 'default') return `The ${d.name} password ${of} is the default of \${${d.dotenvName}} written into its command; move it to a git-ignored .env.`;
  if (d.kind === 'flag') return `The ${d.name} value ${of} is a credential written into its ${line}; pass it through a variable from a git-ignored .env (\${…}) instead.`;
  if (d.source === 'command') return `The ${d.name} password ${of} is written into its command; move it to a git-ignored .env.`;
  const where = d.source === 'build.args' ? `build argument '${d.name}'` : `'${d.name}'`;
  if (d.kind === 'option') return `${where} ${of} has a server password written into it; move it to a git-ignored .env.`;
  if (d.kind === 'url' && d.credential === 'user') return `${where} ${of} has a token written into its URL as the user; move it to a git-ignored .env.`;
  if (d.kind === 'url' && d.credential !== undefined) return `${where} ${of} has a credential (${d.credential}) written into its URL; move it to a git-ignored .env.`;
  if (d.kind === 'url') return `${where} ${of} has a password written into its connection string; move it to a git-ignored .env.`;
  if (d.kind === 'embedded') return `${where} ${of} carries a configuration with its ${d.dotenvName} written into it; write \${…} there and move the value to a git-ignored .env.`;
  if (d.token !== undefined && d.kind === 'default') return `${where} ${of} ships a literal ${d.token} as the default of \${${d.dotenvName}}; move it to a git-ignored .env.`;
  if (d.kind === 'default') return `${where} ${of} ships a secret as the default of \${${d.dotenvName}}; move it to a git-ignored .env.`;
  if (d.token !== undefined) return `${where} ${of} holds a literal ${d.token} written into the compose file; move it to a git-ignored .env.`;
  return `${where} ${of} is a secret written into the compose file; move it to a git-ignored .env.`;
}

/** The message's note on the services that load the .env whole (LoadedBy), from the data only. */
function loadedByText(l: LoadedBy): string {
  const names = (labels: string[], extra: number): string => (extra > 0 ? `${labels.join(', ')} and ${extra} more` : labels.join(', '));
  const notes: string[] = [];
  if (l.exact.length > 0) {
    const many = l.exact.length + l.moreExact > 1;
    notes.push(`${many ? 'Services' : 'Service'} ${names(l.exact, l.moreExact)} ${many ? 'load' : 'loads'} ${l.env} whole as env_file, so a value moved there reaches ${many ? 'their' : 'its'} containers too.`);
  }
  if (l.unresolved.length > 0) {
    const many = l.unresolved.length + l.moreUnresolved > 1;
    const list = l.unresolved.map((u) => `${u.label} (env_file: ${u.raw})`);
    notes.push(`${many ? 'Services' : 'Service'} ${names(list, l.moreUnresolved)} ${many ? 'load an env file' : 'loads an env file'} that may be ${l.env}, so a value moved there may reach ${many ? 'their' : 'its'} containers too.`);
  }
  return notes.join(' ');
}

export default defineRule<'compose', InlineSecret>({
  code: 'DC040',
  name: 'secret-inline',
  kind: 'compose',
  severity: 'warning',
  fixable: 'sometimes',
  docs: {
    summary: 'A secret is written in the compose file: a credential variable\'s value or default, or a connection string\'s password.',
    what: 'Flags a secret written into the compose file: (1) a credential-shaped variable (`*PASSWORD*`, `*SECRET*`, `*TOKEN*`, `*API_KEY*`, `*PRIVATE_KEY*`, `*ACCESS_KEY*`, `*MASTER_KEY*`, `*ENCRYPTION_KEY*`, `*SIGNING_KEY*`, `*LICENSE_KEY*`, `*SERVICE_ROLE_KEY*`, `APP_KEY`, `SESSION_KEY`, `COOKIE_KEY`, `*CREDENTIALS*`, Azure Storage\'s `*ACCOUNT_KEY*` and `AZURE_STORAGE_KEY`, a Redis password under `REDIS_AUTH`, `REDISCLI_AUTH` or `MASTERAUTH` (not another `*_AUTH` by its name alone, which names a switch or a method, `BASIC_AUTH=false`, `SMTP_AUTH=login`, nor a switch under these: `REDIS_AUTH=yes`), a personal access token `PAT`, `GH_PAT`, `GITLAB_PAT`, …, and a generic `*_KEY` or `*_AUTH` name, `OPENAI_KEY`, `BASIC_AUTH`, when its literal value or default looks like an issued credential, as DF020 judges it: a known token format, or a random string of 16 characters or more of a key\'s alphabet that mixes upper case, lower case and digits — not hex (a GPG fingerprint, a checksum), not words (`SORT_KEY: name`), not names of data or public material such as `PRIMARY_KEY`, `CACHE_KEY`, `*_PUBLIC_KEY`, `GPG_KEY`, `VAPID_KEY`, `SITE_KEY`, `PUBLISHABLE_KEY`, `ANON_KEY`; BuildKit\'s SecretsUsedInArgOrEnv reports every such name in a Dockerfile, whatever the value) in a service\'s `environment:` or `build.args` (map or list form) with a literal value (not a file\'s path, `/run/secrets/db_password`: path characters only, with a folder or a file extension, as DF020 and DF022 judge it: a base64 key, whose alphabet holds `/`, `+` and the `=` padding, is the key even when it starts with `/` — the 44 characters of `openssl rand -base64 32`, an Azure Storage account key); (2) the same with a literal default, `${DB_PASSWORD:-hunter2}` or `${DB_PASSWORD-hunter2}` — the default ships with the file and is what everyone who clones it runs with; (3) a password or key inside a connection string in any `environment:` or `build.args` value, whatever the variable\'s name (`DATABASE_URL: postgres://app:hunter2@db/app` — the URL is read as a URL parser reads its authority (WHATWG URL Standard, RFC 3986 §3.2): it ends at the first `/`, `?` or `#`, its last `@` ends the userinfo, and the userinfo\'s first `:` ends the user, so the user may be a mail address (`smtps://alerts@example.com:<password>@smtp.example.com`), the password may hold `@` or `:` (`app:p@ss@db` is the password `p@ss`; `svc:pw@host:443@8443` is `pw@host:443`, on host 8443), and a bracketed IPv6 host (`@[::1]:6379`) changes nothing; an empty password (`redis://:@cache`) is none; a password with an unencoded `?` or `#` (`postgres://app:pa#ss@db/app`) runs to the first `@` after it, as libpq reads a URL\'s userinfo (up to the first `@` or `/`: fe-connect.c, conninfo_uri_parse_options; a WHATWG parser would cut the URL there, but the password is written in the file either way), not when the `?` or `#` follows a port (`http://localhost:8080?email=ops@example.com`) —, the DSN of Go\'s MySQL driver, `app:hunter2@tcp(db:3306)/app`, libpq\'s keyword/value form, `host=db user=app password=hunter2` (spaces around `=` allowed, and a single-quoted value, `password=\'a b c\'`, whose text between the quotes moves), or a URL\'s query parameter, `?user=app&password=hunter2`, nocodb\'s `?u=app&p=hunter2`, or one named for a credential, read as DF022 reads a RUN\'s URLs (MaxMind\'s `&license_key=…`, GitLab\'s `?private_token=…`, OAuth 2.0\'s `?access_token=…` (RFC 6750, section 2.3), `?api_key=…`; a generic `key` only when its value looks like an issued key; not a `${…}` reference or a template\'s stand-in such as `<your-key>`), or a random token written as a URL\'s user with no password (`https://<token>@github.com/acme/app.git`, a common way to pass a GitHub or GitLab token to git: one that looks issued — 16 characters or more mixing upper case, lower case and digits — or 40 hexadecimal digits; not a name such as `git@` or `deploy@`; a token of a known format, `https://ghp_…@github.com/`, is reported by its kind, clause (8))), and Neo4j\'s initial password after the slash of `NEO4J_AUTH=neo4j/hunter2` (written there or as a variable\'s default, `${NEO4J_PASSWORD-hunter2}`; `NEO4J_AUTH=none` holds none), and a credential in a configuration that a variable carries whole, one `key: value` or `key=value` per line (Kestra\'s `KESTRA_CONFIGURATION: |` with `password: hunter2`, `spring.datasource.password=hunter2`) or on one line (a Kafka JAAS config, `… username="admin" password="hunter2";`, a Java system property, `-Dspring.datasource.password=hunter2`, a JSON object, a single dotted `key=value`, an Azure Storage connection string\'s `AccountKey=` or a Service Bus one\'s `SharedAccessKey=`; values with `${…}`, placeholders and paths are not; an `AccountKey=` that starts with `/` is a base64 key, not a path), and GitLab\'s Ruby settings in `GITLAB_OMNIBUS_CONFIG`, `gitlab_rails[\'initial_root_password\'] = \'hunter2\'` (one per line or joined with `;`, a quoted Ruby string; not code such as `ENV[\'ROOT_PASSWORD\']`, nor a double-quoted string that interpolates, `"#{…}"`); (4) a literal password on a Redis, Valkey or KeyDB server\'s command line, `--requirepass hunter2` or `--masterauth hunter2` (or `--requirepass ${REDIS_PASSWORD:-hunter2}`), in the service\'s own `command:` or `entrypoint:` (string or list form, also inside `sh -c "…"`), or in the variables through which the images take extra server options (Redis Stack\'s `REDIS_ARGS`, Bitnami\'s `REDIS_EXTRA_FLAGS`/`VALKEY_EXTRA_FLAGS`). Interpolated values (`${DB_PASSWORD}`, `${DB_PASSWORD:?set it}`, `postgres://app:${DB_PASSWORD}@db/app`) are fine, and so are names that describe a setting about a secret (`*_FILE`, `*_TTL`, `*_METHOD`, `*_EXPIRES_IN`, `*_URL`, `*_LIMIT`, …, and counts of tokens such as `MAX_INPUT_TOKENS`), MinIO\'s `MINIO_ACCESS_KEY` (its root user name; `MINIO_SECRET_KEY` is the password), the identifier half of a key pair — `*_ACCESS_KEY_ID` (AWS\'s access key id identifies the user, the secret access key authenticates), `*_KEY_ID` (a KMS or signing key\'s id), Tencent Cloud\'s `*_SECRET_ID` (not HashiCorp Vault\'s AppRole `VAULT_SECRET_ID`, which is the credential), and a `*_ACCESS_KEY` beside its `*_SECRET_KEY` (`*_SECRET_ACCESS_KEY`, `*_ACCESS_SECRET`) in the same `environment:` or `build.args`, as Sentry\'s `AWS_ACCESS_KEY`/`AWS_SECRET_KEY` or dify\'s Alibaba Cloud `ALIYUN_OSS_ACCESS_KEY`/`ALIYUN_OSS_SECRET_KEY` (an AccessKey ID and its secret); a real AWS key id (`AKIA…`) is still reported by its format, clause (8) —, keys and tokens under a prefix that front-end build tools compile into browser code (`VITE_`, `NEXT_PUBLIC_`, `REACT_APP_`, `NUXT_PUBLIC_`, `EXPO_PUBLIC_`, `GATSBY_`, `PUBLIC_`: public by design; a `*SECRET*` or `*PASSWORD*` there is still reported), empty values, booleans and obvious placeholders (`<password>`, `***`, mostly x\'s, one character repeated: `YYYYYYYY`, the all-zero UUID), and a template\'s placeholder written as the value or as its default (`your-secret-here`, `change-me`, `REPLACE_MASTER_KEY`, `__POSTGRES_PASSWORD__`, or text that describes the value wanted: words only, all in one case, one of them `random`, `long`, `secure`, `strong`, `unique` or `alphanumeric` (`strong` and the like only with a third word: `strong_password` is a common password) and the last `string`, `key`, `secret`, `token`, `password`, `value`, `characters`…, as sameersbn/docker-gitlab\'s documented `long-and-random-alphanumeric-string` or `random-string` — a mixed-case or digit-bearing value such as `kX7-random-string` is judged as a value): it is no secret, and moving it to `.env` would hide that the application takes it as written, which DC041 reports for a password or a secret the deployment chooses (one placeholder detector for both rules). The message names the variable, never its value. (5) A credential given to any program as a flag in the service\'s own `command:`, `entrypoint:` or healthcheck `test:` (its `CMD` items, or a `CMD-SHELL` or string script read with the shell reader), and what curl is given there, also inside `sh -c "…"` (its short options read as curl reads them: `-fsu admin:pw`, `-HAuthorization: …`): `-u`/`--user` and `-U`/`--proxy-user user:password`, `-H`/`--header` and `--proxy-header` with a credential header (`Authorization: Bearer …`, `X-Api-Key: …`), `--oauth2-bearer`, a password in the `-x`/`--proxy` URL; wget\'s `--password`/`--http-password`/`--ftp-password`/`--proxy-password`, a `--header` with a credential header and a password in the URL it fetches — a flag named for a password, token, secret or key (`--stripe-key sk_live_…`, `--api-token=…`, mcpo\'s `--api-key`, keytool\'s `-storepass`), the password a MySQL or MariaDB client takes attached to `-p` (`mysqladmin -uroot -psecret ping`) or a MongoDB client after `-p` (`mongosh -u root -p secret`, `-psecret`; mongodump and the other tools too), and the secret key the MinIO client takes as an argument (`mc alias set ALIAS URL ACCESSKEY SECRETKEY`, the older `mc config host add`), with a literal value that is not a path, a file name, a placeholder or a switch — reported without a fix (the program\'s own way to read it from the environment or a file differs); (6) a credential in the inline `content:` of a top-level config — a `key: value`/`key=value` line whose key names one (`spring.datasource.password=…`) or an HTTP credential header written as a setting (`authorization: "Bearer …"`, `X-Api-Key: …`, as in an OpenTelemetry Collector exporter\'s `headers:`, also in one-line JSON, or set by an nginx directive such as `proxy_set_header Authorization "Basic …";` or `set $auth "Basic …";` (also Bearer, Token, ApiKey), or a token of a known format anywhere in the content (`sk_live_…`), not an nginx `$variable`, nor X- headers about a credential that hold none such as `X-Auth-Status` or `X-Api-Gateway`), with a literal value — reported on `content` without a fix (Compose interpolates the content: write `${…}` there); not `--*-file` flags, not etcd\'s `--initial-cluster-token` (it authenticates no one), not a public key nor the keys that name data (`--routing-key`, `--sort-key`, `--partition-key`…), and not a value that is a path (starting with `/`, `./`, `~/`, path characters only, with a folder or a file extension, as DF020 and DF022 judge it: a base64 key, whose alphabet holds `/`, `+` and the `=` padding, is the key even when it starts with `/` — the 44 characters of `openssl rand -base64 32`, an Azure Storage account key) or a `$$VAR` reference. (7) A password in the driver options of a top-level volume: in the mount options `o:` of a CIFS/SMB share (`driver_opts: {type: cifs, device: //nas/share, o: "username=svc,password=…"}`: mount.cifs(8)\'s `password=`, `pass=`, `password2=` and `username=user%password`; `credentials=<file>` names a file and is fine, and NFS takes no password), or a driver option named for a credential (a volume plugin\'s `password:`), with a literal value — reported on the option without a fix (write `password=${CIFS_PASSWORD}` there: Compose interpolates it). (8) A value of a known credential format in an `environment:` or `build.args` value, whatever the variable\'s name (`GIT_AUTH: ghp_…`, `AWS_KEY_ID: AKIA…`: GitHub, GitLab, Slack, npm and Stripe live keys, SendGrid `SG.…`, Mailchimp `…-us12` and Mailgun `key-…` API keys (`key-` and 32 hex digits, Mailgun\'s legacy private key format), AWS access key ids, a private key\'s header — the formats DF020 reads in ENV and ARG): written whole, or as the default that is the whole value (`${GIT_AUTH:-ghp_…}`), it gets the same fix as a credential-named value, under the variable\'s own name (or the default\'s), with the same conditions for fix-all; a token written beside a reference (`token ghp_… ${SUFFIX}`) is reported without a fix; a placeholder shaped like one (`sk_live_xxxx…`) is not reported. (9) A password in a connection string given to any program in the service\'s `command:` or `entrypoint:` (an item of the list, or a word of the string: `["app", "--db-url", "postgres://app:…@db/app"]`, `-database postgres://…`), inside a `sh -c` script there, or in its healthcheck `test:`, as DF022 reads CMD and HEALTHCHECK — a literal password or a default that is the whole password (`${DB_PASSWORD:-…}`; a `${…}` reference is fine, and so is the `anonymous` user; a word that ends with `@` and a port number is mitmproxy\'s `--mode reverse:URL@port`, whose URL ends before that `@`: `reverse:https://example.com:443@8443` holds no password, `reverse:https://proxy:<password>@host:443@8443` does). Curl\'s and wget\'s URLs stay clause (5)\'s. For a word of the service\'s own command written plainly, the fix replaces only the password with `${NAME}` — Compose interpolates `command:` and `entrypoint:`, so the program gets the same text — and moves it to `.env` like the others: NAME is a credential of the file or `.env` with the same value that is the same secret (as for a connection string in `environment:`: `@db` and `POSTGRES_PASSWORD` of `db`), else named after the option it is given to (`--db-url` → `DB_PASSWORD`), else after the store its scheme names (`POSTGRES_PASSWORD`), else after the service (`<SERVICE>_PASSWORD`); when another value holds that name, or the file reads it already and `.env` does not define it, the value goes under a name of its own (`<SERVICE>_DB_PASSWORD`, as a second value of any name does: see Fix); inside a `sh -c` script (as for `--requirepass` there), in a healthcheck, in a command taken from an anchor or a merge, or in a word written with quotes or escapes it is reported without a fix. (10) A credential-named variable set with a literal value on a command line of the service\'s `command:`, `entrypoint:` (also in a `sh -c` script) or healthcheck `test:` (a `CMD` list, a `CMD-SHELL` or string script): before the program (`PGPASSWORD=… pg_isready`, `sh -c "DB_PASSWORD=… exec app"`), through `env NAME=…`, or by `export NAME=…`, as DF022 reads RUN and HEALTHCHECK — reported without a fix (read it from the container\'s environment, `PGPASSWORD=$$POSTGRES_PASSWORD`, or write `${…}` there); not a reference (`$$POSTGRES_PASSWORD`, `${…}`), a placeholder, a path, or a setting about a credential (`*_FILE`). A value written in an anchor that several services use (`x-common: &common` merged with `<<: *common`, or `environment: *env`) is reported once, where it is written, and the message names where and who uses it: `\'SQL_ALCHEMY_CONN\' in x-common (used by \'webserver\' and 2 more services)`; a value one service writes and others alias adds `(also used by \'worker\')`.',
    why: 'A compose file is committed: a literal password in it is in the repository\'s history forever, readable by everyone with access to the code, its forks and its CI logs — and `docker compose config` and `docker inspect` print it. Build arguments are worse: they are recorded in the image history (`docker history`). SECURITY-GUIDELINES.md §5 Secrets Management: "DO NOT commit secrets to version control" — keep them in a git-ignored `.env` and commit a `.env.example`.',
    bad: 'services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD: hunter2hunter2\n  app:\n    image: ghcr.io/acme/app:1.0.0\n    environment:\n      DATABASE_URL: postgres://app:hunter2hunter2@db/app\n      API_TOKEN: ${API_TOKEN:-tok_live_abcdef}\n  cache:\n    image: redis:8.0-alpine\n    command: redis-server --requirepass hunter2hunter2',
    good: 'services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n  app:\n    image: ghcr.io/acme/app:1.0.0\n    environment:\n      DATABASE_URL: postgres://app:${POSTGRES_PASSWORD}@db/app\n      API_TOKEN: ${API_TOKEN}\n  cache:\n    image: redis:8.0-alpine\n    command: redis-server --requirepass ${REDIS_PASSWORD}\n# .env (git-ignored): POSTGRES_PASSWORD=…  API_TOKEN=…  REDIS_PASSWORD=…   .env.example: the names only',
    fix: '"Move POSTGRES_PASSWORD to .env" replaces the secret with `${POSTGRES_PASSWORD}` (for a default, `${VAR:-literal}` becomes `${VAR}` and the literal moves; for a connection string only the password is replaced, by the name of another credential of the file or `.env` with the same value that is the same secret — written by the service the string connects to (`@db:5432` and `POSTGRES_PASSWORD` of `db`), or named after the store its scheme names (`postgres://` and `PG_PASSWORD`) or after the string\'s variable — else `<NAME>_PASSWORD` (`DATABASE_URL` → `${DATABASE_PASSWORD}`), for another query credential `<NAME>_<PARAMETER>` (`GEOIP_URL` and `license_key` → `${GEOIP_LICENSE_KEY}`) and for a token as the URL\'s user `<NAME>_TOKEN` (`MIRROR` → `https://${MIRROR_TOKEN}@…`); for a server\'s `--requirepass`, the value becomes `${REDIS_PASSWORD}` — or the name of a credential with the same value written in that service or named after the server (`REDIS_…`, `VALKEY_…`); when `REDIS_PASSWORD` holds another one (another service\'s `--requirepass`, `.env`), it goes under a name of its own as a second value does (below: `QUEUE_REDIS_PASSWORD`). Two stores that happen to share a value keep two names: Dify\'s Redis and Postgres both default to `difyai123456`, and naming Redis\'s password `${POSTGRES_PASSWORD}` would change it with Postgres\'s; not offered inside a `sh -c` script or for a word written with quotes or escapes), adds `NAME=<value>` to the `.env` beside the compose file (creating it; single-quoted when the value has special characters), makes sure `.gitignore` ignores `.env` (appending or creating; the line anchored and a name with special characters escaped as DR001\'s fix writes it, `/#prod.env` in `db/.gitignore` for an include\'s `env_file: db/#prod.env` (the leading `/` makes it match that file only; only `.env` itself is written unanchored, ignoring every `.env` below), and checked with git\'s rules afterwards: not offered when no line would ignore the file, a name with a line break; whether `.env` is already ignored, and whether the line ignores it, is read from the committed `.gitignore` files only: a `.env` that only the clone\'s `.git/info/exclude` or the user\'s own ignore file (git\'s `core.excludesFile`, `~/.config/git/ignore`) ignores still gets the line, since those are per-clone or per-user and a teammate\'s `git add .` would commit it (gitignore(5): patterns every developer wants ignored go into `.gitignore`; SECURITY-GUIDELINES.md §5, `echo ".env" >> .gitignore`); also when the compose file is in no git repository, where DR001 and DR004 report nothing: the line is inert there, and a later `git init` and `git add .` would otherwise commit the secret it just moved; there, whether `.env` is already ignored is read from the `.gitignore` files from the compose file\'s folder down to the env file\'s (only the env file\'s own folder for one outside it), not from those of the folders above: nothing says the repository will start there, and a stray `.gitignore` in the home folder no longer decides that the line is not needed) and adds `NAME=` to `.env.example` (not when a service loads `.env.example` as its `env_file:`: the empty line would reach its containers) — one workspace edit. For a file another compose file `include:`s, the env file is the include\'s own one: the last `env_file:` of the include (later files win; the `.gitignore` and `<file>.example` beside it), else the `.env` of its `project_directory`; not offered when that `env_file:` does not exist. Compose interpolates an included file with the including project\'s variables first — the root project\'s `.env` (and the shell), and for an include inside an included file the env files of each include above — and takes from the include\'s env files only the names those do not define (compose-go `loader/include.go`, `ApplyInclude`: `environment.Clone().Merge(envFromFile)`, where `Mapping.Merge` adds only names not already defined; compose-go PR #449, docker/compose#10913). So a value is never written under a name the including project already defines: with another value, the value written to the include\'s env file would be shadowed and the service would get the root\'s value instead of the secret — it goes under a name of its own instead (see below: `DB_POSTGRES_PASSWORD`); with the same value, nothing would be written where the title says, and the fix is not offered (move it by hand, or leave it in the root\'s `.env`, which already holds it). A fix in an included file, or in a file that includes others, is a quick fix only, never applied by fix-all: what a service gets then depends on the env files of the whole include tree (a name written to the root\'s `.env` reaches every included file, over their own env files). When a file has several inline secrets, each finding also offers "Move all inline secrets of this file to .env", which does all of them in one edit (the count in its title is the number it moves; it says "all" only when that is every finding of the rule in the file, else "Move 2 of the 3 inline secrets of this file to .env", and it is offered on, and carries the diagnostics of, only the findings it moves). It leaves out a secret whose variable the compose file reads elsewhere — `OTHER: ${API_KEY}` in another service, or a bare entry there (`- API_KEY`, `API_KEY:`), which Compose fills from the shell or the env files exactly as it interpolates `${API_KEY}` (title: "service \'b\' passes API_KEY through and would get it"), which would get the value, or a top-level secret or config made from it — or the other file of the default override pair reads (`compose.override.yaml` beside `compose.yaml`, which `docker compose up` reads with the same `.env`), and its title says so: "Move 2 of the 3 inline secrets of this file to .env (API_KEY left out: service \'b\' reads ${API_KEY} and would get it)"; that secret\'s own move stays, a quick fix (see below) whose title names the reader as well ("Move API_KEY to .env (service \'b\' reads ${API_KEY} and would get it)"), and so does "Fix all DC040 in this file", which applies it too. A service that loads the `.env` whole as its `env_file:` (in this file, in the other file of the pair, or in another file of its `include:` project, which Compose loads with its own project directory, so `env_file: ../.env` from a sub-folder is the same file; the pair read as `docker compose up` merges it, so a service of `compose.yaml` whose `env_file:` (or whole service) `compose.override.yaml` drops with `!reset` or replaces with `!override` is not named: Compose Specification, Merge, "Reset value" and "Replace value"; review55b, F6) would get every moved secret: as each single move then stays a quick fix, "Move all" is still offered, never applied by fix-all, and its title names that service: "(service \'app\' loads .env as env_file and would get them all)", and so does the single move\'s title ("Move POSTGRES_PASSWORD to .env (service \'app\' loads .env as env_file and would get it)"); one whose `env_file:` path cannot be resolved here (`${PWD}/.env`: the shell that runs Compose decides) is named with the path as written, not as `.env`: "(service \'app\' loads ${PWD}/.env as env_file and may get them all)", "… and may get it" in the single move\'s title. The message says it too, for every secret it reports (its own service, and one that extends it, left out): "Service \'app\' loads .env whole as env_file, so a value moved there reaches its containers too." (three named, the others counted: "Services \'a\', \'b\', \'c\' and 2 more load …"; a path not known here: "Service \'app\' (env_file: ${PWD}/.env) loads an env file that may be .env, so a value moved there may reach its containers too."); the services that load it are read once per analysis, and only when DC040 reports something (entry3, item 3). `.env` holds one value per name, so a second value of a name — two services each with `POSTGRES_PASSWORD: <its own literal>`, or a value other than the one `.env` (for an included file, the including project) holds under that name — is moved under a name of its own: `<SERVICE>_<NAME>` (the first service it is written in, in capitals, other characters as `_`: `DB2_POSTGRES_PASSWORD`; not when the name starts with it already), else `<NAME>_2`, `<NAME>_3`, … up to `<NAME>_99`, the first that no inline secret of the file is named, that `.env` does not define, that nothing in the file or in the other file of its default override pair reads (its reader would get the value) and that is not a name tools read from the shell (below). A credential under such a name — `PGPASSWORD` (libpq reads it: PostgreSQL\'s "Environment Variables"), `MYSQL_PWD` (the mysql client), `REDISCLI_AUTH` (redis-cli), `AWS_SECRET_ACCESS_KEY`, `GITHUB_TOKEN`, `OPENAI_API_KEY` … — goes under a name of its own too, whatever value `.env` holds (`PGPASSWORD: ${DB_PGPASSWORD}`, "Move PGPASSWORD to .env as DB_PGPASSWORD"): Compose gives a variable exported in the shell precedence over `.env` (docs.docker.com, "Syntax for environment files": values from an environment file have lower precedence than those from any other method), so `${PGPASSWORD}` would read the developer\'s own password where one is exported; not a default (`${PGPASSWORD:-…}` reads the shell\'s variable before the move as after it), and when none is free the titles say it ("(PGPASSWORD exported in the shell would win over .env)"). So does the name a command line\'s connection string is given (`--db-url` → `DB_PASSWORD`) when the file reads it elsewhere and `.env` does not define it. The container\'s variable keeps its name (`POSTGRES_PASSWORD: ${DB2_POSTGRES_PASSWORD}`), the value\'s copies follow it (the password in an app\'s `DATABASE_URL` to that database), and the title says the name: "Move POSTGRES_PASSWORD to .env as DB2_POSTGRES_PASSWORD". The value `.env` holds keeps the name, else the file\'s first one (a default\'s first: `${NAME:-…}` reads the user\'s variable and is never renamed, so a second value written as a default keeps its name, and its move is offered only while nothing else holds it). The names are the same whichever move is applied first (also for server options and command-line connection strings, whose names do not depend on what `.env` holds: a second `--requirepass` stays `QUEUE_REDIS_PASSWORD` with its copy in an app\'s `REDIS_URL` once `.env` holds the first), so the single moves, "Move all" and the rounds of "Fix all DC040 in this file", fix-all and `check --fix` (which take one `.env` change per round and find the first value in `.env` in the next) all move every value: 70 services with one `POSTGRES_PASSWORD` and 70 with another get "Move all 140 …", the second 70 as `SVC70_POSTGRES_PASSWORD`. When no name is free the value keeps its own and is left out by "Move all" and by the rounds alike (`.env` then holds the name), and "Fix all DC040 in this file" is not offered beside "Move all" for it. A secret whose finding an ignore comment silences is not moved: not by "Move all", fix-all or `check --fix`, nor as the copy of another secret (that move then leaves a copy, so fix-all does not apply it). The other inline copies of the same secret (the same value under the same name, such as the password in an app\'s `DATABASE_URL` to that database) move in the same edit ("Move POSTGRES_PASSWORD and its copy to .env"), so they keep agreeing. Compose reads the same values back (a variable exported in the shell that runs Compose wins over `.env`, as it would over any `.env` value), so the services are unchanged: applied by fix-all and `check --fix` only when the secret is not the default of an interpolation (`${VAR:-literal}` says the file runs without an env file or with one chosen at start-up: a project started with `docker compose --env-file prod.env`, such as DefectDojo, does not read `.env`, and `${VAR}` would be empty), when no copy of the value stays in the file (another inline secret with that value that is not moved, or the value anywhere else in the file\'s text — a value of 10 characters or more wherever it stands, also inside a longer word (`mongosh -pS3cretValue1`, a label, an `x-` field), a shorter one as a word of its own or attached to a one-letter option (`-psecret`): `redis-cli -a <password> ping` in a healthcheck, the password in an app\'s configuration block such as Kestra\'s `KESTRA_CONFIGURATION: |`, a comment; also written the other ways a file may spell it, as `--fix-dry-run` masks them: `$$` for each `$` (Compose reads `pa$$w0rd` as `pa$w0rd`), `\\$`, YAML\'s quoting and its escapes in double quotes (`\\x24`); changing `.env` later would make them disagree), when the `.env` it writes is new or git-ignored (a `.env` that exists and is not ignored may be committed), when no other service loads that `.env` as its `env_file:`, itself or through a service it `extends:` (an extended file\'s `env_file: ../.env` is read from that file\'s folder), and none loads an env file whose path cannot be resolved exactly (`${PWD}/.env`) (the secret would reach that service\'s containers as an environment variable too), when the name it is moved under is not a credential that tools and CI jobs read from the shell (`AWS_SECRET_ACCESS_KEY`, `GITHUB_TOKEN`, `PGPASSWORD`, `OPENAI_API_KEY` …: Compose gives a variable set in the shell precedence over `.env`, so where one is exported `${GITHUB_TOKEN}` would read the caller\'s token instead; such a name is replaced by one of its own, see above, so this holds for a default or when no name is free), when the file is not a Swarm stack (named `docker-stack.yml`/`*stack*.yml`, an overlay network, a service deployed in `global` mode or with settings only Swarm acts on — `placement`, `update_config`, `rollback_config`, `endpoint_mode`, `deploy.labels`: `docker stack deploy` does not read `.env`, so the moved value would deploy empty), when the value is not a template\'s placeholder (a password in a connection string or a command written as one, `postgres://app:REPLACE_ME@db/app`; such a value under a credential\'s own name is not reported, see above: install steps such as netmaker\'s `sed -i \'s/REPLACE_MASTER_KEY/…/\' docker-compose.yml` write the real value where the placeholder stands, and would no longer find it), when the `.env` it writes does not go into an image: not inside the build context of a service of the file whose Dockerfile copies the whole context (`COPY . .`, as DR003 reads it) while the ignore file that applies (`<Dockerfile>.dockerignore`, else the context\'s `.dockerignore`) does not exclude `.env` — the next build would copy the secret into a layer even when `.dockerignore` leaves out the compose file that held it (https://docs.docker.com/build/concepts/context/#dockerignore-files); a service whose context cannot be resolved or whose Dockerfile is there but cannot be read counts too (one with no Dockerfile builds nothing), and the title says which service ("… (service \'api\' copies its whole build context into its image and .dockerignore does not exclude .env: the next build may put the secret in the image)"); the fix does not add `.env` to that ignore file, which is DR003\'s fix and can take out of the image a `.env` the app reads, so exclude it there first —, when nothing shows that the project is started with another env file, since Compose reads `.env` only when no `--env-file` (or `COMPOSE_ENV_FILES`) is given (https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/#substitute-with---env-file, https://docs.docker.com/compose/how-tos/environment-variables/envvars/): in the compose file\'s folder, nothing is run, and only these are read — a Makefile, justfile or shell script (`*.sh`, `*.bash`, `*.mk`; at most 16, each up to 256 KiB) with a line that runs compose with `--env-file` or names `COMPOSE_ENV_FILES` or `COMPOSE_DISABLE_ENV_FILE` (`docker run --env-file` sets a container\'s environment and is not a sign), an env file named for a stage (`.env.production`, `prod.env`; not a template such as `.env.example`, nor one a service loads as its `env_file:`) when there is no `.env`, or such a file that defines a variable the compose file reads without a default (`image: myorg/api:${API_TAG}`) that `.env` does not — the title says which ("… (Makefile starts it with another env file: a project started with --env-file does not read .env)"); a README or CI workflow that shows `--env-file` is not read —, and when nothing else reads the variable — not the compose file outside the moved value (`${POSTGRES_PASSWORD}` in another service would now get the value instead of being unset or taking its default, and so would a bare `- POSTGRES_PASSWORD` there, whose service now gets the secret: https://docs.docker.com/compose/how-tos/environment-variables/set-environment-variables/) not a top-level secret or config made from it (`secrets: {token: {environment: API_TOKEN}}`: Compose reads it from the project environment), not another compose file in the `.env`\'s folder (Compose reads the `.env` of the project directory for every compose file there, e.g. a `docker-compose.s3.yml` beside `docker-compose.yml`: its `${…}`, a service that passes the name through or loads that `.env` as its `env_file:`), and not a file whose services the project `extends:`, in whatever folder (Compose interpolates `common/base.yml` with this project\'s `.env`: its `${API_TOKEN:-none}` would take the value); otherwise, or when the folder cannot be listed or an `extends:` cannot be read, it stays a quick fix. Not offered for a credential in a carried configuration (write `${…}` in it by hand), when the env file it would write is a template meant to be committed (an include\'s `env_file: db/.env.example`; `.env.sample`, `.env.template`, `.env.dist`, `defaults.env`…) or a file git tracks (ignoring it would not untrack it: the secret would go from one committed file to another; an existing file whose tracking cannot be told — the index of a linked worktree or submodule outside the editor\'s folders, a split or sparse index — counts as tracked; the index of a repository whose root is above the workspace folder is read, as DR001 says), when the file is the `extends:` base of a compose file in another folder (Compose interpolates the extended services with that project\'s `.env`, not with one beside the base), when `.env` already defines the name with another value and no name of its own is free (see above), when the value sits in an anchor or alias (the edit would change every service that uses it: fix it at the anchor), when it is written with escapes or folded over lines, when Compose does not pass it as written — a number, boolean or date to the YAML library or to go-yaml, which Compose parses with (`0x1F2E`, `0123`, `1_000`, `0b101`, `0x_1F2E`, `2024-01-02`: Compose passes Go\'s form, `1000`, but `.env` would give the text; quote it, `"1_000"`, to have it moved) —, when a value has several defaults, or when it cannot be written to `.env` exactly. After the fix the secret is still in the repository\'s history: rotate it.',
    guideline: '§5 Secrets Management — "DO NOT commit secrets to version control"; checklist "Secrets not in version control"',
    equivalents: ['compose-lint CL-0020/CL-0021', 'KICS "Passwords And Secrets - Generic Password"', 'Checkov CKV_SECRET_6 (Base64 High Entropy String: long random-looking values only, not a low-entropy literal password such as `hunter2hunter2` in this page\'s example)'],
    references: [
      'https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/',
      'https://git-scm.com/docs/gitignore',
      'https://docs.docker.com/reference/compose-file/interpolation/',
      'https://docs.docker.com/compose/how-tos/environment-variables/set-environment-variables/',
      'https://docs.docker.com/compose/how-tos/environment-variables/envvars/',
      'https://docs.docker.com/build/concepts/context/#dockerignore-files',
      'https://docs.docker.com/reference/compose-file/services/#environment',
      'https://docs.docker.com/reference/compose-file/volumes/#driver_opts',
      'https://manpages.ubuntu.com/manpages/bionic/man8/mount.cifs.8.html',
      'https://docs.docker.com/reference/compose-file/build/#args',
      'https://www.rfc-editor.org/rfc/rfc6750#section-2.3',
      'https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/#env-file-syntax',
      'https://pypi.org/project/compose-lint/',
      'https://redis.io/docs/latest/operate/oss_and_stack/management/config/',
      'https://github.com/go-sql-driver/mysql#dsn-data-source-name',
      'https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-KEYWORD-VALUE',
      'https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS',
      'https://www.postgresql.org/docs/current/libpq-envars.html',
      'https://dev.mysql.com/doc/refman/8.4/en/environment-variables.html',
      'https://redis.io/docs/latest/develop/tools/cli/',
      'https://docs.docker.com/compose/how-tos/environment-variables/envvars-precedence/',
      'https://docs.docker.com/compose/env-file/',
    ],
  },
  check(ctx) {
    // A template's placeholder is DC041's finding (used as written), not a secret to move (review 47b, finding 3).
    const found = findInlineSecrets(ctx).filter((f) => !f.data.placeholder);
    if (found.length === 0) return [];
    if (isSwarmStack(ctx)) return found.map((f) => ({ ...f, data: { ...f.data, stack: true } }));
    // The services that load the .env whole, read once per analysis and only when something is reported (entry3, item 3).
    const loaders = dotenvLoaderList(ctx);
    if (loaders.length === 0) return [...found];
    return found.map((f) => {
      const loadedBy = loadedByOthers(ctx, loaders, f.data.service);
      return loadedBy ? { ...f, data: { ...f.data, loadedBy } } : f;
    });
  },
  secrets(d) {
    return [d.value, ...(d.others ?? [])];
  },
  secretRanges(d) {
    return d.valueRange ? [d.valueRange] : [];
  },
  message(d) {
    const text = baseMessage(d);
    if (!d.stack) return d.loadedBy ? `${text} ${loadedByText(d.loadedBy)}` : text;
    // A Swarm stack reads no .env (review 10, probe 05).
    return text.replace(/(?:move it|(?:write \$\{\u2026\} there and )?move the value) to a git-ignored \.env\.$|pass it through a variable from a git-ignored \.env \(\$\{\u2026\}\) instead\.$/, "this is a Swarm stack, whose deploy reads no .env: pass it as a Docker secret (secrets:) or from the deploying shell's environment.");
  },
  fix(ctx, { data }) {
    return moveFix(ctx, data);
  },
  moreFixes(ctx) {
    const all = moveAllInlineSecretsFix(ctx);
    return all ? [all] : [];
  },
});
