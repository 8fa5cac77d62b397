/**
 * Reading a service's effective settings for the "missing setting" rules: a key written in the
 * service, inherited through `<<` merges (ComposeContext.get) or through `extends:` (same file or
 * another compose file of the workspace), nested keys such as `deploy.resources.limits.memory`,
 * scalar values after interpolation, and the `security_opt` entries as Docker splits them.
 */
import * as path from 'node:path';
import { isAlias, isMap, isScalar, isSeq, type Document, type Node, type Scalar, type YAMLMap } from 'yaml';
import { scalarString, type ComposeContext, type Entry, type Service } from './compose';
import { isIncluded } from './include';
import { interpolate } from './interpolate';
import { DEFAULT_COMPOSE_NAMES, parsedCompose } from './relations';

/** How many `extends:` hops are followed before the answer is "unknown". */
const MAX_EXTENDS = 4;

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
  const env = ctx.dotenv()?.vars;
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
    const other = parsedCompose(ctx.workspace, path.resolve(ctx.dir, file), ctx.options);
    if (!other) return 'unknown';
    target = other;
  }
  const base = target.services.find((s) => s.name === name);
  if (!base || (target === ctx && base === service)) return 'unknown';
  return { ctx: target, service: base };
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

/** Service names defined by the default compose file(s) beside a non-default one (null when none is in the workspace). */
const baseNamesCache = new WeakMap<ComposeContext, Set<string> | null>();

function baseServiceNames(ctx: ComposeContext): Set<string> | null {
  const cached = baseNamesCache.get(ctx);
  if (cached !== undefined) return cached;
  let names: Set<string> | null = null;
  for (const name of DEFAULT_COMPOSE_NAMES) {
    const p = path.join(ctx.dir, name);
    if (p === ctx.path) continue;
    const base = parsedCompose(ctx.workspace, p, ctx.options);
    if (!base) continue;
    names ??= new Set();
    for (const s of base.services) names.add(s.name);
  }
  baseNamesCache.set(ctx, names);
  return names;
}

/**
 * A service that only overrides settings of a service defined elsewhere, so its missing settings are
 * not findings (the complete definition is judged where it is written):
 * - it has no `image:`, no `build:` and no `extends:` (a fragment);
 * - or the file is not one of the default compose file names and the default compose file beside it
 *   (`compose.yaml`, `docker-compose.yml`, …) defines a service of the same name (`docker-compose.prod.yml`,
 *   `docker-compose.override.yml` are merged over it with `-f`);
 * - or, with no default file in the workspace, the file is named `*.override.yml` and the service has no
 *   `image:` (a build-only override).
 */
export function isPartialService(ctx: ComposeContext, service: Service): boolean {
  if (!ctx.serviceGet(service, 'image') && !ctx.serviceGet(service, 'build') && !ctx.serviceGet(service, 'extends')) return true;
  // A file that another compose file `include:`s is an application of its own, not an override.
  if (isIncluded(ctx)) return false;
  const file = path.basename(ctx.path);
  if (DEFAULT_COMPOSE_NAMES.includes(file)) return false;
  const base = baseServiceNames(ctx);
  if (base) return base.has(service.name);
  return /(?:^|[._-])override\.ya?ml$/i.test(file) && !ctx.serviceGet(service, 'image');
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
export function securityOpts(ctx: ComposeContext, doc: Document.Parsed, value: Node | null): { items: SecurityOpt[]; unknown: boolean } {
  const items: SecurityOpt[] = [];
  let unknown = false;
  if (!value) return { items, unknown };
  if (!isSeq(value)) return { items, unknown: true };
  value.items.forEach((raw, index) => {
    const node = ctx.resolve(doc, raw as Node);
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
  return { items, unknown };
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
