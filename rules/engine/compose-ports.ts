/**
 * A service's published ports (`ports:`), in both syntaxes of the Compose Specification, with exact
 * source ranges and values resolved from the `.env` beside the compose file.
 *
 * Short syntax: `[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`, where ports may be ranges
 * (`8000-8010:8000-8010`) and an IPv6 host IP may be bracketed (`"[::1]:80:80"`). Compose interpolates
 * before it parses, and splits like Docker's `nat.ParsePortSpec`: the last `:` part is the container
 * port, the one before it the host port, and everything before that the host IP.
 * Long syntax: `{ target, published, host_ip, protocol, mode, name, app_protocol }`.
 * A mapping without a host IP (or with `0.0.0.0` / `::`) listens on every host interface; a mapping
 * without a host port still publishes, on an ephemeral host port.
 * https://docs.docker.com/reference/compose-file/services/#ports
 */
import { type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { isAlias, isMap, isScalar, isSeq } from './yaml-guards';
import { scalarContentSpan, scalarString, type ComposeContext, type Entry, type Service } from './compose';
import { interpolate, splitOutsideInterpolation } from './interpolate';
import { deletePairEdit } from './yaml-edit';
import type { Range, TextEdit } from './types';

/** One part of a mapping (host IP, host port, container port, protocol). */
export interface PortPart {
  /** The text as written (with any `${…}`), or for long syntax the scalar's text. */
  raw: string;
  /** The value after interpolation with `.env` (a default counts as written), or null when unknown. */
  value: string | null;
  /** Whether the written text uses interpolation. */
  interpolated: boolean;
  /** Offsets of the written text in the file, or null when it cannot be located exactly. */
  offsets: [number, number] | null;
}

export type HostIpState =
  /** No host IP written: every interface. */
  | 'absent'
  /** Written (see `hostIp`); its value may still be unknown. */
  | 'written'
  /** The host IP may come from a variable whose value is unknown (e.g. `${BIND}:80`). */
  | 'unknown';

export interface PortMapping {
  service: Service;
  syntax: 'short' | 'long';
  /** The item as written: a scalar (short syntax) or a mapping (long syntax). */
  node: Node;
  /** The `ports:` entry of the service and its sequence. */
  entry: Entry;
  seq: YAMLSeq;
  /** Where a finding about this mapping is reported: the item, or the alias / `<<` key it comes through. */
  reportRange: Range;
  /** The item is written in the service itself (not inherited, not an alias, not inside an anchor): edits are exact. */
  editable: boolean;
  /** Nothing is known of the mapping (e.g. `- ${PORTS}`). */
  unknown: boolean;
  hostIpState: HostIpState;
  hostIp: PortPart | null;
  /** Host port or range; null when not written (an ephemeral port is published). */
  published: PortPart | null;
  target: PortPart | null;
  protocol: PortPart | null;
  /** Long syntax: `mode:` (`host` publishes on the node that runs the task, `ingress` through Swarm's routing mesh). */
  mode?: PortPart | null;
  /** Long syntax: the pairs as written, for edits. */
  pairs: Partial<Record<'host_ip' | 'published' | 'target' | 'protocol' | 'mode', Pair>>;
}

export interface ServicePorts {
  entry: Entry;
  seq: YAMLSeq;
  mappings: PortMapping[];
}

/** The `.env` lookup compose uses for interpolation. */
function lookupOf(ctx: ComposeContext): (name: string) => string | null | undefined {
  const vars = ctx.dotenv()?.values;
  return (n) => vars?.get(n);
}

interface ShortParts {
  ip: [number, number] | null;
  host: [number, number] | null;
  container: [number, number];
  protocol: [number, number] | null;
}

/** Docker's split of a short-syntax spec, as offsets into `text`. */
function splitShort(text: string): ShortParts {
  const parts = splitOutsideInterpolation(text, ':');
  const n = parts.length;
  let container = parts[n - 1];
  let protocol: [number, number] | null = null;
  const slash = splitOutsideInterpolation(text.slice(container[0], container[1]), '/');
  if (slash.length > 1) {
    protocol = [container[0] + slash[1][0], container[1]];
    container = [container[0], container[0] + slash[0][1]];
  }
  if (n === 1) return { ip: null, host: null, container, protocol };
  if (n === 2) return { ip: null, host: parts[0], container, protocol };
  return { ip: [parts[0][0], parts[n - 3][1]], host: parts[n - 2], container, protocol };
}

function hasVariable(raw: string): boolean {
  return interpolate(raw).hasVariables;
}

/** A variable that names a port (`${WEB_PORT}`, `$HTTP_PORT`) holds a port number, not an address. */
function isPortVariable(raw: string): boolean {
  const vars = interpolate(raw).variables;
  return vars.length > 0 && vars.every((v) => /(?:^|_)PORT(?:_NUMBER|_NR|_NO)?$/i.test(v));
}

function parseShort(ctx: ComposeContext, node: Scalar, lookup: (n: string) => string | null | undefined) {
  // Compose parses the scalar's value; offsets are exact only where the written text is that value.
  const text = scalarString(node) ?? '';
  const span = scalarContentSpan(ctx.text, node);
  const base = span && ctx.text.slice(span[0], span[1]) === text ? span[0] : null;
  const written = splitShort(text);
  // Without a `$` (most mappings: `8080:80`) nothing is interpolated: each part is its own value and holds no
  // variable (what interpolate says of a text without `$`), so no part is interpolated, twice, to learn it.
  const plain = !text.includes('$');
  const whole = plain ? null : interpolate(text, lookup);
  const part = (p: [number, number] | null, resolved: string | null | undefined): PortPart | null => {
    if (!p) return null;
    const r = text.slice(p[0], p[1]);
    if (plain) return { raw: r, value: r, interpolated: false, offsets: base === null ? null : [base + p[0], base + p[1]] };
    const value = resolved !== undefined ? resolved : interpolate(r, lookup).value;
    return { raw: r, value, interpolated: hasVariable(r), offsets: base === null ? null : [base + p[0], base + p[1]] };
  };
  // When the whole text resolves, parse the resolved text: a variable may hold several parts.
  if (whole && whole.hasVariables && whole.value !== null) {
    const resolved = splitShort(whole.value);
    const sameShape = !!resolved.ip === !!written.ip && !!resolved.host === !!written.host && !!resolved.protocol === !!written.protocol;
    const rv = (p: [number, number] | null) => (p ? whole.value!.slice(p[0], p[1]) : null);
    if (sameShape) {
      return {
        unknown: false,
        hostIpState: (written.ip ? 'written' : 'absent') as HostIpState,
        hostIp: part(written.ip, rv(resolved.ip)),
        published: part(written.host, rv(resolved.host)),
        target: part(written.container, rv(resolved.container)),
        protocol: part(written.protocol, rv(resolved.protocol)),
        exact: true,
      };
    }
    // The structure comes from a variable: values are known, but not where they are written.
    const value = (p: [number, number] | null): PortPart | null => (p ? { raw: whole.value!.slice(p[0], p[1]), value: whole.value!.slice(p[0], p[1]), interpolated: true, offsets: null } : null);
    return { unknown: false, hostIpState: (resolved.ip ? 'written' : 'absent') as HostIpState, hostIp: value(resolved.ip), published: value(resolved.host), target: value(resolved.container), protocol: value(resolved.protocol), exact: false };
  }
  const hostIp = part(written.ip, undefined);
  const published = part(written.host, undefined);
  const target = part(written.container, undefined);
  const protocol = part(written.protocol, undefined);
  let hostIpState: HostIpState = hostIp ? 'written' : 'absent';
  let unknown = false;
  // An unresolved variable could hold an address and a port (`${BIND}:80` with BIND=127.0.0.1:8080):
  // only a variable named like a port is taken to hold just a port.
  if (!hostIp) {
    const first = published ?? target;
    if (first && first.value === null && !isPortVariable(first.raw)) {
      hostIpState = 'unknown';
      if (!published) unknown = true;
    }
  }
  return { unknown, hostIpState, hostIp, published, target, protocol, exact: true };
}

function longPart(ctx: ComposeContext, service: Service, map: YAMLMap, key: string, lookup: (n: string) => string | null | undefined): { part: PortPart | null; pair: Pair | undefined } {
  const found = ctx.get(service.doc, map, key);
  if (!found) return { part: null, pair: undefined };
  const raw = scalarString(found.value);
  if (raw === null) return { part: null, pair: found.pair };
  const span = found.own && !found.shared && found.value && isScalar(found.value) ? scalarContentSpan(ctx.text, found.value) : null;
  const exact = span && ctx.text.slice(span[0], span[1]) === raw ? span : null;
  // Without a `$` the text is its own value and holds no variable (as in parseShort).
  const plain = !raw.includes('$');
  return { part: { raw, value: plain ? raw : interpolate(raw, lookup).value, interpolated: plain ? false : hasVariable(raw), offsets: exact }, pair: found.own ? found.pair : undefined };
}

/** The published ports of a service, or undefined when it has none written as a sequence. */
/** Memoized per service for the analysis (several rules ask it). */
export function portsOf(ctx: ComposeContext, service: Service):ServicePorts | undefined {
  return ctx.memo(service.map, 'ports', () => computePortsOf(ctx, service));
}

function computePortsOf(ctx: ComposeContext, service: Service): ServicePorts | undefined {
  const entry = ctx.serviceGet(service, 'ports');
  if (!entry || !entry.value || !isSeq(entry.value)) return undefined;
  const seq = entry.value as YAMLSeq;
  const lookup = lookupOf(ctx);
  const rawValue = entry.pair.value as Node | null;
  const viaAlias = entry.own && isAlias(rawValue);
  const mappings: PortMapping[] = [];
  for (const item of seq.items as (Node | null)[]) {
    const node = ctx.resolve(service.doc, item);
    if (!node) continue;
    const itemAlias = isAlias(item);
    // No edits in a document the parser had to repair.
    const editable = service.doc.errors.length === 0 && entry.own && !entry.shared && !viaAlias && !itemAlias && !ctx.isShared(node);
    const reportRange = !entry.own ? ctx.rangeOf(entry.reportNode) : viaAlias ? ctx.rangeOf(rawValue) : itemAlias ? ctx.rangeOf(item) : ctx.rangeOf(node);
    // Completed with Object.assign (a `{ ...base, more }` literal is slow to build in V8).
    const base = { service, node, entry, seq, reportRange, pairs: {} as PortMapping['pairs'] };
    if (isScalar(node)) {
      if (node.value === null || node.value === undefined || typeof node.value === 'boolean') continue;
      const p = parseShort(ctx, node, lookup);
      // A container port that is known but not a port (or range) is not a mapping this code understands.
      const t = p.target?.value;
      if (t !== null && t !== undefined && !/^\d+(?:-\d+)?$/.test(t.trim())) p.unknown = true;
      mappings.push(Object.assign(base, { syntax: 'short' as const, editable: editable && p.exact && scalarContentSpan(ctx.text, node) !== null, unknown: p.unknown, hostIpState: p.hostIpState, hostIp: p.hostIp, published: p.published, target: p.target, protocol: p.protocol }));
    } else if (isMap(node)) {
      const pairs: PortMapping['pairs'] = {};
      const get = (k: 'host_ip' | 'published' | 'target' | 'protocol' | 'mode') => {
        const r = longPart(ctx, service, node, k, lookup);
        if (r.pair) pairs[k] = r.pair;
        return r.part;
      };
      const hostIp = get('host_ip');
      const published = get('published');
      const target = get('target');
      const protocol = get('protocol');
      const mode = get('mode');
      mappings.push(Object.assign(base, { pairs, syntax: 'long' as const, editable, unknown: false, hostIpState: hostIp ? ('written' as const) : ('absent' as const), hostIp, published, target, protocol, mode }));
    }
  }
  return { entry, seq, mappings };
}

export type HostIpKind = 'all' | 'loopback' | 'specific' | 'unknown';

/** What a mapping's host IP means: every interface, loopback only, one address, or unknown. */
export function hostIpKind(m: PortMapping): HostIpKind {
  if (m.unknown || m.hostIpState === 'unknown') return 'unknown';
  if (m.hostIpState === 'absent') return 'all';
  const v = m.hostIp?.value;
  if (v === null || v === undefined) return 'unknown';
  const ip = v.trim().replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (ip === '' || ip === '0.0.0.0' || ip === '::' || ip === '0:0:0:0:0:0:0:0') return 'all';
  if (/^127\.\d+\.\d+\.\d+$/.test(ip) || ip === '::1' || ip === 'localhost' || ip === '::ffff:127.0.0.1') return 'loopback';
  return 'specific';
}

/** Whether a host IP (as written) is an IPv6 address. */
export function isIpv6(m: PortMapping): boolean {
  const v = m.hostIp?.value ?? '';
  return v.includes(':') || v.startsWith('[');
}

/** The host port range a mapping publishes on: null for an ephemeral port, 'unknown' when not resolvable. */
export function hostPorts(m: PortMapping): { start: number; end: number } | null | 'unknown' {
  if (m.unknown) return 'unknown';
  if (!m.published) return null;
  const v = m.published.value;
  if (v === null) return 'unknown';
  const s = v.trim();
  if (s === '') return null;
  const r = /^(\d+)(?:-(\d+))?$/.exec(s);
  if (!r) return 'unknown';
  const start = Number(r[1]);
  const end = r[2] === undefined ? start : Number(r[2]);
  return { start, end };
}

/** A short text for messages: the mapping as the user wrote it (ports are not secrets). */
export function describeMapping(m: PortMapping): string {
  if (m.syntax === 'short' && isScalar(m.node)) return String(scalarString(m.node));
  const parts: string[] = [];
  if (m.hostIp) parts.push(m.hostIp.raw);
  parts.push(m.published?.raw ?? '');
  parts.push(`${m.target?.raw ?? '?'}${m.protocol ? `/${m.protocol.raw}` : ''}`);
  return parts.join(':').replace(/^:/, '');
}

/**
 * An edit that binds a mapping to the loopback interface: prefixes the short syntax with `127.0.0.1:`
 * (`127.0.0.1::` before a lone container port), replaces a written wildcard (`0.0.0.0`, `::`), or adds
 * `host_ip:` to a long-syntax block mapping. Undefined when not exact (inherited, alias, anchor, flow
 * mapping, a host IP from a variable).
 */
export function bindToLoopbackEdit(ctx: ComposeContext, m: PortMapping): { edit: TextEdit; address: string } | undefined {
  if (!m.editable || m.unknown) return undefined;
  if (m.syntax === 'short') {
    const node = m.node as Scalar;
    const span = scalarContentSpan(ctx.text, node);
    if (!span) return undefined;
    if (m.hostIpState === 'absent') {
      // `"$SENTRY_BIND:80"` resolves to a port here, but a variable not named like a port may hold
      // `IP:PORT` elsewhere (Sentry documents both): a prefix would then make `127.0.0.1:IP:PORT:80`.
      if (m.published?.interpolated && !isPortVariable(m.published.raw)) return undefined;
      const prefix = m.published ? '127.0.0.1:' : '127.0.0.1::';
      if (typeof node.value !== 'string') {
        // A number (`- 80`): write a quoted string.
        return { edit: { range: ctx.rangeOf(node), newText: `"${prefix}${ctx.text.slice(span[0], span[1])}"` }, address: '127.0.0.1' };
      }
      const at = ctx.lines.positionAt(span[0]);
      return { edit: { range: { start: at, end: at }, newText: prefix }, address: '127.0.0.1' };
    }
    const ip = m.hostIp;
    if (!ip || !ip.offsets || ip.interpolated) return undefined;
    const bracketed = /^\[.*\]$/.test(ip.raw.trim());
    const address = isIpv6(m) ? (bracketed ? '[::1]' : '::1') : '127.0.0.1';
    return { edit: { range: ctx.lines.rangeOf(ip.offsets[0], ip.offsets[1]), newText: address }, address: address.replace(/^\[(.*)\]$/, '$1') };
  }
  const map = m.node as YAMLMap;
  if (map.flow) return undefined;
  if (m.hostIpState === 'written') {
    const ip = m.hostIp;
    if (!ip || !ip.offsets || ip.interpolated || !m.pairs.host_ip) return undefined;
    const address = isIpv6(m) ? '::1' : '127.0.0.1';
    return { edit: { range: ctx.lines.rangeOf(ip.offsets[0], ip.offsets[1]), newText: address }, address };
  }
  const edit = appendToItemMapEdit(ctx, map, 'host_ip: 127.0.0.1');
  return edit ? { edit, address: '127.0.0.1' } : undefined;
}

/** Appends `key: value` to a block mapping that may start on a `- ` line, indented like its keys. */
function appendToItemMapEdit(ctx: ComposeContext, map: YAMLMap, line: string): TextEdit | undefined {
  if (map.flow || map.items.length === 0) return undefined;
  const first = map.items[0].key as Node | null;
  if (!first?.range) return undefined;
  const col = ctx.lines.positionAt(first.range[0]).character;
  for (const pair of map.items) {
    const k = pair.key as Node | null;
    if (!k?.range) return undefined;
    const pos = ctx.lines.positionAt(k.range[0]);
    if (pos.character !== col) return undefined;
  }
  const lastPair = map.items[map.items.length - 1];
  const end = (lastPair.value as Node | null)?.range?.[1] ?? (lastPair.key as Node | null)?.range?.[1];
  if (end === undefined) return undefined;
  let lineNo = ctx.lines.positionAt(end).line;
  if (ctx.lines.positionAt(end).character === 0 && end > 0) lineNo = ctx.lines.positionAt(end - 1).line;
  const lineText = ctx.lines.lineText(lineNo);
  if (/\t/.test(lineText.slice(0, col))) return undefined;
  const at = { line: lineNo, character: lineText.length };
  return { range: { start: at, end: at }, newText: `${ctx.lines.eol}${' '.repeat(col)}${line}` };
}

/**
 * Deletes one item of a block sequence (whole lines, from its `- ` to its end, including a comment at
 * the end of its last line). Undefined for flow sequences or an item that shares its lines.
 */
export function deleteSeqItemEdit(ctx: ComposeContext, seq: YAMLSeq, item: Node): TextEdit | undefined {
  if (seq.flow || !item.range) return undefined;
  const start = ctx.lines.positionAt(item.range[0]);
  const before = ctx.lines.lineText(start.line).slice(0, start.character);
  if (!/^[ ]*-[ ]+$/.test(before)) return undefined;
  const endOffset = item.range[1];
  let last = ctx.lines.positionAt(Math.max(item.range[0], endOffset - 1)).line;
  if (ctx.lines.positionAt(endOffset).character === 0 && endOffset > item.range[0]) last = ctx.lines.positionAt(endOffset - 1).line;
  // Another item (or anything else) must not start on the item's lines.
  const idx = seq.items.indexOf(item as never);
  const next = seq.items[idx + 1] as Node | undefined;
  if (next?.range && ctx.lines.positionAt(next.range[0]).line <= last) return undefined;
  return { range: ctx.lines.wholeLines(start.line, last), newText: '' };
}

/**
 * Removes a mapping: its item, or the whole `ports:` key when it is the service's only mapping.
 * Undefined when the edit would not be exact.
 */
export function removeMappingEdit(ctx: ComposeContext, m: PortMapping): TextEdit | undefined {
  if (!m.editable) return undefined;
  if (m.seq.items.length === 1) return deletePairEdit(ctx, m.service.map, m.entry.pair);
  return deleteSeqItemEdit(ctx, m.seq, m.node);
}

/**
 * A filter that keeps the first report of a mapping at a place: a service that is an alias of another
 * (`b: *a`) sees the same nodes, and its findings would repeat the first one's.
 */
export function firstReport(): (m: PortMapping, range: Range) => boolean {
  const seen = new Map<Node, Set<string>>();
  return (m, range) => {
    const key = `${range.start.line}:${range.start.character}:${range.end.line}:${range.end.character}`;
    let set = seen.get(m.node);
    if (!set) seen.set(m.node, (set = new Set()));
    if (set.has(key)) return false;
    set.add(key);
    return true;
  };
}
