/**
 * A service's mounts (`volumes:`) and host devices (`devices:`), in both syntaxes of the Compose
 * Specification, with exact source ranges and values resolved from the `.env` beside the compose file.
 *
 * Short volume syntax: `[SOURCE:]TARGET[:MODE]`, MODE a comma list (`ro`, `rw`, `z`, `Z`, `cached`,
 * `delegated`, `consistent`, `nocopy`, …). Compose interpolates before it parses; here the text is split
 * on `:` outside `${…}` first (so each part keeps its exact offsets) and each part is interpolated on its
 * own, which gives the same result. A Windows drive letter (`C:\data`) is not a separator. The source is
 * a host path when it starts with `.`, `/` or `~` (or is a Windows path), else it names a volume, as
 * compose-go decides (`isFilePath`).
 * Long volume syntax: `{ type, source, target, read_only, bind, volume, tmpfs, image, consistency }`;
 * without `type`, a path-like source is a bind mount.
 * A named volume whose top-level definition uses the local driver with `driver_opts: { o: bind, device: … }`
 * mounts that host directory, and is reported as such.
 * Devices: `HOST_PATH[:CONTAINER_PATH[:CGROUP_PERMISSIONS]]`, the long form `{ source, target, permissions }`,
 * and CDI names (`vendor.com/class=name`), which are not host paths.
 * https://docs.docker.com/reference/compose-file/services/#volumes
 * https://docs.docker.com/reference/compose-file/volumes/
 * https://docs.docker.com/reference/compose-file/services/#devices
 */
import * as path from 'node:path';
import { type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { isAlias, isMap, isScalar } from './yaml-guards';
import { scalarContentSpan, scalarString, type ComposeContext, type Entry, type Service } from './compose';
import { interpolateWithDotenv, reportRangeFor, seqItems } from './compose-values';
import { splitOutsideInterpolation } from './interpolate';
import { topLevelLayers, topLevelValue } from './override-top-level';
import type { Range } from './types';

export type MountType = 'bind' | 'volume' | 'tmpfs' | 'npipe' | 'image' | 'cluster' | 'unknown';

/** One part of a mount or device entry (source, target, mode). */
export interface MountPart {
  /** The text as written (with any `${…}`). */
  raw: string;
  /** The value after interpolation with `.env` (a default counts as written), or null when unknown. */
  value: string | null;
  /** Offsets of the written text in the file, or null when it cannot be located exactly. */
  offsets: [number, number] | null;
}

export interface VolumeMount {
  service: Service;
  syntax: 'short' | 'long';
  /** The item as written (may be an alias) and after alias resolution. */
  written: Node;
  node: Node;
  /** The `volumes:` entry of the service. */
  entry: Entry;
  /** Where a finding about this mount is reported: the item (long syntax: its `source:`), or the alias / `<<` key it comes through. */
  reportRange: Range;
  /** The item is written in the service itself (not inherited, not an alias, not inside an anchor). */
  editable: boolean;
  /** `bind` for a host path, `volume` for a named or anonymous volume; `unknown` when the source is not known. */
  type: MountType;
  source: MountPart | null;
  target: MountPart | null;
  /** Short syntax: the access mode part (`ro`, `rw,z`, …). */
  mode: MountPart | null;
  /** Mounted read-only; null when it depends on an unknown value. */
  readOnly: boolean | null;
  /** The absolute, normalized host path that is mounted (bind mounts and bind-backed named volumes), or null. */
  hostPath: string | null;
  /** A bind mount of a relative (project) or home-relative path: its host location is not absolute here. */
  relativeBind: boolean;
  /** The named volume whose top-level definition binds `hostPath`, or null. */
  namedVolume: string | null;
}

export interface DeviceMapping {
  service: Service;
  written: Node;
  node: Node;
  entry: Entry;
  reportRange: Range;
  editable: boolean;
  source: MountPart | null;
  target: MountPart | null;
  /** The absolute, normalized host device path, or null (CDI name, unknown). */
  hostPath: string | null;
  /** A CDI device name (`nvidia.com/gpu=all`). */
  cdi: boolean;
}

/** Splits a short-syntax entry on `:` outside `${…}`, keeping a Windows drive letter with its path. */
export function splitShortSyntax(text: string): { text: string; start: number }[] {
  // `C:\path` or `C:/path` at the start of a part is a Windows drive, not a separator.
  const drive = (i: number, start: number) => i - start === 1 && /[A-Za-z]/.test(text[start]) && /[\\/]/.test(text[i + 1] ?? '');
  return splitOutsideInterpolation(text, ':', drive).map(([start, end]) => ({ text: text.slice(start, end), start }));
}

/** Whether a mount source is a path (bind mount) rather than a volume name, as compose-go decides. */
export function isPathSource(source: string): boolean {
  if (source === '') return false;
  if (source[0] === '.' || source[0] === '/' || source[0] === '~') return true;
  if (source.startsWith('\\\\')) return true;
  return /^[A-Za-z]:[\\/]/.test(source);
}

/** A host path in canonical form (`//var/run/x/` → `/var/run/x`), or null when it is not an absolute POSIX path. */
export function normalizeHostPath(p: string): string | null {
  if (!p.startsWith('/')) return null;
  let n = path.posix.normalize(p);
  if (n.startsWith('//')) n = n.replace(/^\/+/, '/');
  if (n.length > 1 && n.endsWith('/')) n = n.slice(0, -1);
  return n;
}

/** Whether `p` is `dir` or lies under it (both normalized). */
export function isUnder(p: string, dir: string): boolean {
  if (dir === '/') return true;
  return p === dir || p.startsWith(dir + '/');
}

function part(ctx: ComposeContext, raw: string, offsets: [number, number] | null): MountPart {
  return { raw, value: interpolateWithDotenv(ctx, raw).value, offsets };
}

/** A scalar node's part: its written text, interpolated value and offsets. */
function scalarPart(ctx: ComposeContext, doc: Document.Parsed, node: Node | null | undefined): MountPart | null {
  const n = ctx.resolve(doc, node);
  if (!n || !isScalar(n)) return null;
  const raw = scalarString(n);
  if (raw === null) return null;
  return part(ctx, raw, isAlias(node as Node) ? null : scalarContentSpan(ctx.text, n));
}

/**
 * One option of a named volume's `driver_opts:` (`type`, `o`, `device`) when its top-level definition uses the
 * local driver (written, or the default), else null: what it mounts (a bind of a host directory, a tmpfs…). The
 * definition is the merged project's (topLevelLayers): with the default override, either file of the pair may
 * define the volume, and the override's definition is merged over the default file's, option by option.
 */
export function localDriverOpt(ctx: ComposeContext, doc: Document.Parsed, name: string, key: string): { ctx: ComposeContext; doc: Document.Parsed; node: Node | null } | null {
  const layers = topLevelLayers(ctx, doc, 'volumes', name);
  if (layers.length === 0) return null;
  const driver = topLevelValue(layers, ['driver']);
  const written = driver ? scalarPart(driver.layer.ctx, driver.layer.doc, driver.node) : null;
  if (written && written.value !== 'local') return null;
  const opt = topLevelValue(layers, ['driver_opts', key]);
  return opt ? { ctx: opt.layer.ctx, doc: opt.layer.doc, node: opt.node } : null;
}

/** The top-level `volumes:` definition of a named volume that binds a host directory: its device path (offsets only when written in this file). */
function boundDevice(ctx: ComposeContext, doc: Document.Parsed, name: string): MountPart | null {
  const opt = localDriverOpt(ctx, doc, name, 'o');
  const o = opt && scalarPart(opt.ctx, opt.doc, opt.node);
  if (!o || o.value === null || !o.value.split(',').some((w) => w.trim() === 'bind' || w.trim() === 'rbind')) return null;
  const device = localDriverOpt(ctx, doc, name, 'device');
  const part = device && scalarPart(device.ctx, device.doc, device.node);
  return part && device.ctx !== ctx ? { ...part, offsets: null } : part;
}

function resolveSourcePath(ctx: ComposeContext, doc: Document.Parsed, source: MountPart | null, type: MountType): Pick<VolumeMount, 'hostPath' | 'relativeBind' | 'namedVolume' | 'type'> {
  const out: Pick<VolumeMount, 'hostPath' | 'relativeBind' | 'namedVolume' | 'type'> = { hostPath: null, relativeBind: false, namedVolume: null, type };
  if (!source) return out;
  if (source.value === null) return out; // the source is unknown: so is whether it is a path
  const value = source.value.trim();
  if (out.type === 'unknown') out.type = isPathSource(value) ? 'bind' : 'volume';
  if (out.type === 'bind') {
    out.hostPath = normalizeHostPath(value);
    out.relativeBind = out.hostPath === null;
  } else if (out.type === 'volume' && value !== '') {
    const device = boundDevice(ctx, doc, value);
    if (device?.value) {
      out.hostPath = normalizeHostPath(device.value.trim());
      out.namedVolume = value;
    }
  }
  return out;
}

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
}

/** Every mount of a service (both syntaxes). Entries whose shape is unknown (e.g. `- ${VOL}`) come with type `unknown`. */
/** Memoized per service for the analysis (several rules ask it). */
export function serviceVolumes(ctx: ComposeContext, service: Service):VolumeMount[] {
  return ctx.memoWith(service.map, 'volumes', service, computeServiceVolumes);
}

function computeServiceVolumes(ctx: ComposeContext, service: Service): VolumeMount[] {
  const entry = ctx.serviceGet(service, 'volumes');
  const list = seqItems(ctx, service.doc, entry);
  if (!entry || !list) return [];
  const doc = service.doc;
  const out: VolumeMount[] = [];
  for (const item of list.items) {
    const base = { service, written: item.written, node: item.node, entry, editable: !item.shared };
    if (isScalar(item.node)) {
      const raw = scalarString(item.node);
      if (raw === null) continue;
      const span = item.written === item.node ? scalarContentSpan(ctx.text, item.node) : null;
      const parts = splitShortSyntax(raw).map((p) => part(ctx, p.text, span ? [span[0] + p.start, span[0] + p.start + p.text.length] : null));
      let source: MountPart | null = null;
      let target: MountPart | null = null;
      let mode: MountPart | null = null;
      if (parts.length === 1) target = parts[0];
      else if (parts.length === 2) [source, target] = parts;
      else if (parts.length === 3) [source, target, mode] = parts;
      else continue; // not a valid mount
      const readOnly = mode === null ? false : mode.value === null ? null : mode.value.split(',').some((m) => m.trim() === 'ro');
      const resolved = source ? resolveSourcePath(ctx, doc, source, 'unknown') : { hostPath: null, relativeBind: false, namedVolume: null, type: 'volume' as MountType };
      out.push(Object.assign(base, { syntax: 'short' as const, reportRange: reportRangeFor(ctx, entry, item.written), source, target, mode, readOnly }, resolved));
    } else if (isMap(item.node)) {
      const map = item.node;
      const typePart = scalarPart(ctx, doc, ctx.get(doc, map, 'type')?.value);
      const source = scalarPart(ctx, doc, ctx.get(doc, map, 'source')?.value);
      const target = scalarPart(ctx, doc, ctx.get(doc, map, 'target')?.value);
      const ro = scalarPart(ctx, doc, ctx.get(doc, map, 'read_only')?.value);
      const readOnly = ro === null ? false : ro.value === null ? null : /^(true|yes|on)$/i.test(ro.value.trim());
      let type: MountType = 'unknown';
      if (typePart) {
        const t = typePart.value?.trim();
        type = t === 'bind' || t === 'volume' || t === 'tmpfs' || t === 'npipe' || t === 'image' || t === 'cluster' ? t : 'unknown';
        if (typePart.value === null) type = 'unknown';
      }
      const explicitType = typePart !== null;
      const resolved = explicitType && type === 'unknown' ? { hostPath: null, relativeBind: false, namedVolume: null, type } : resolveSourcePath(ctx, doc, source, type);
      const sourcePair = item.written === item.node ? pairOf(map, 'source') : undefined;
      const reportRange = sourcePair && entry.own && !isAlias(entry.pair.value as Node) ? ctx.rangeOfPair(sourcePair) : reportRangeFor(ctx, entry, item.written);
      out.push(Object.assign(base, { syntax: 'long' as const, reportRange, source, target, mode: null, readOnly }, resolved));
    } else {
      continue;
    }
  }
  return out;
}

/** Every device mapping of a service (short and long form, CDI names). */
/** Memoized per service for the analysis (several rules ask it). */
export function serviceDevices(ctx: ComposeContext, service: Service):DeviceMapping[] {
  return ctx.memoWith(service.map, 'devices', service, computeServiceDevices);
}

function computeServiceDevices(ctx: ComposeContext, service: Service): DeviceMapping[] {
  const entry = ctx.serviceGet(service, 'devices');
  const list = seqItems(ctx, service.doc, entry);
  if (!entry || !list) return [];
  const doc = service.doc;
  const out: DeviceMapping[] = [];
  for (const item of list.items) {
    const base = { service, written: item.written, node: item.node, entry, editable: !item.shared, reportRange: reportRangeFor(ctx, entry, item.written) };
    let source: MountPart | null = null;
    let target: MountPart | null = null;
    if (isScalar(item.node)) {
      const raw = scalarString(item.node);
      if (raw === null) continue;
      const span = item.written === item.node ? scalarContentSpan(ctx.text, item.node) : null;
      const parts = splitShortSyntax(raw).map((p) => part(ctx, p.text, span ? [span[0] + p.start, span[0] + p.start + p.text.length] : null));
      if (parts.length > 3) continue;
      source = parts[0];
      target = parts[1] ?? null;
    } else if (isMap(item.node)) {
      source = scalarPart(ctx, doc, ctx.get(doc, item.node, 'source')?.value);
      target = scalarPart(ctx, doc, ctx.get(doc, item.node, 'target')?.value);
    } else continue;
    const value = source?.value?.trim() ?? null;
    const cdi = value !== null && !value.startsWith('/') && /^[\w.-]+\/[\w.-]+=/.test(value);
    out.push(Object.assign(base, { source, target, hostPath: value === null || cdi ? null : normalizeHostPath(value), cdi }));
  }
  return out;
}
