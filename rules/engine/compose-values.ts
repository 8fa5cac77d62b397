/**
 * Scalar values of compose services as Compose reads them: written text, value after interpolation
 * with the `.env` beside the compose file (a `${VAR:-default}` default counts as the shipped literal),
 * and the exact offsets of the written text for edits. Also the items of list-valued keys
 * (`cap_add`, `devices`, …) with aliases resolved.
 * https://docs.docker.com/reference/compose-file/interpolation/
 */
import { type Document, type Node, type Scalar, type YAMLSeq } from 'yaml';
import { isAlias, isScalar, isSeq } from './yaml-guards';
import { scalarContentSpan, scalarString, type ComposeContext, type Entry, type Service } from './compose';
import { parseImageRef, type ImageRef } from './image';
import { interpolate } from './interpolate';
import { identityOffsets, parseShell } from './shell';
import type { Range } from './types';

export interface ResolvedScalar {
  /** The scalar node (after alias resolution). */
  node: Scalar;
  /** The text as written (numbers and booleans as written), with any `${…}`. */
  raw: string;
  /** The value after interpolation, or null when a variable it needs is unknown. */
  value: string | null;
  /** The written text has no interpolation (beyond `$$`): it is the literal value. */
  literal: boolean;
  /** Offsets of the written text (inside quotes), or null when the text is not the value character for character. */
  span: [number, number] | null;
}

/** Interpolates a text with the variables of the compose file's `.env` (null when a variable is unknown). */
export function interpolateWithDotenv(ctx: ComposeContext, raw: string): { value: string | null; literal: boolean } {
  const env = ctx.dotenv()?.values;
  // Most values have no `$`: the text is its own value (no lookup closure, no interpolation record to build).
  if (!raw.includes('$')) return { value: raw, literal: true };
  const r = interpolate(raw, (n) => env?.get(n));
  return { value: r.value, literal: !r.hasVariables };
}

/** A scalar node's written text and interpolated value (null for non-scalars and empty values). */
export function resolveScalar(ctx: ComposeContext, doc: Document.Parsed, node: Node | null | undefined): ResolvedScalar | null {
  const n = ctx.resolve(doc, node);
  if (!n || !isScalar(n)) return null;
  const raw = scalarString(n);
  if (raw === null) return null;
  const { value, literal } = interpolateWithDotenv(ctx, raw);
  return { node: n, raw, value, literal, span: scalarContentSpan(ctx.text, n) };
}

/** A service key with a scalar value: the entry and its resolved value. */
export function serviceScalar(ctx: ComposeContext, service: Service, key: string): { entry: Entry; value: ResolvedScalar } | undefined {
  const entry = ctx.serviceGet(service, key);
  if (!entry) return undefined;
  const value = resolveScalar(ctx, service.doc, entry.value);
  return value ? { entry, value } : undefined;
}

export interface SeqItem {
  /** The item as written (may be an alias). */
  written: Node;
  /** The item after alias resolution. */
  node: Node;
  /** The item is an alias or lies inside an anchored node (or the whole list is inherited/shared). */
  shared: boolean;
}

/** The items of a sequence value, aliases resolved (empty for anything but a sequence). */
export function seqItems(ctx: ComposeContext, doc: Document.Parsed, entry: Entry | undefined): { seq: YAMLSeq; items: SeqItem[] } | undefined {
  if (!entry || !entry.value || !isSeq(entry.value)) return undefined;
  const seq = entry.value;
  const items: SeqItem[] = [];
  for (const item of seq.items) {
    const written = item as Node;
    const node = ctx.resolve(doc, written);
    if (!node) continue;
    items.push({ written, node, shared: entry.shared || isAlias(written) || ctx.isShared(node) });
  }
  return { seq, items };
}

/**
 * Where a finding about a part of a service key is reported: the text the user wrote. The node itself
 * when the key is written in the service; the `<<` key it was merged through otherwise.
 */
export function reportRangeFor(ctx: ComposeContext, entry: Entry, written: Node | null): Range {
  if (!entry.own) return ctx.rangeOf(entry.reportNode);
  // The whole value is an alias (`cap_add: *caps`): the alias is what is written here.
  if (isAlias(entry.pair.value as Node | null)) return ctx.rangeOf(entry.pair.value as Node);
  return written ? ctx.rangeOf(written) : ctx.rangeOfPair(entry.pair);
}

/**
 * Words of a `command:`/`entrypoint:` value: a sequence of scalars, or a string split shell-like, its quotes removed
 * (Compose splits the string form with shell quoting, no shell runs: `"redis-server" --appendonly yes` is
 * redis-server, --appendonly, yes — the same reading as service-command.ts). Null when unknown.
 */
export function commandWords(ctx: ComposeContext, doc: Document.Parsed, entry: Entry | undefined): string[] | null {
  if (!entry || !entry.value) return [];
  if (isScalar(entry.value)) {
    const r = resolveScalar(ctx, doc, entry.value);
    if (!r) return [];
    if (r.value === null) return null;
    const out: string[] = [];
    for (const cmd of parseShell({ text: r.value, offsets: identityOffsets(r.value.length) })) for (const w of cmd.words) out.push(w.value);
    return out;
  }
  const items = seqItems(ctx, doc, entry);
  if (!items) return null;
  const out: string[] = [];
  for (const item of items.items) {
    const r = resolveScalar(ctx, doc, item.node);
    if (!r || r.value === null) return null;
    out.push(r.value);
  }
  return out;
}

export interface ServiceImage {
  entry: Entry;
  value: ResolvedScalar;
  /** The reference after interpolation, or null when unknown or invalid. */
  ref: ImageRef | null;
  /** Where a finding about the image is reported: the value as written, or the alias / `<<` key it comes through. */
  reportRange: Range;
  /**
   * Offset in the file where the reference text starts, when it is written literally (no interpolation)
   * in the service itself (not inherited, not an alias, not inside an anchor), so that offsets inside
   * the reference (tag, repository end) are exact file offsets. Null otherwise: no edit.
   */
  refOffset: number | null;
  /** The service also has `build:` (the image names what is built). */
  built: boolean;
}

/** A service's `image:` with its interpolated reference and, when written literally, its exact place in the file. */
/** Memoized per service for the analysis (several rules ask it). */
export function serviceImageOf(ctx: ComposeContext, service: Service):ServiceImage | undefined {
  return ctx.memo(service.map, 'image', () => computeServiceImageOf(ctx, service));
}

function computeServiceImageOf(ctx: ComposeContext, service: Service): ServiceImage | undefined {
  const found = serviceScalar(ctx, service, 'image');
  if (!found) return undefined;
  const { entry, value } = found;
  const ref = value.value === null ? null : parseImageRef(value.value);
  const editable = entry.own && !entry.shared && value.literal && value.value === value.raw && value.span !== null;
  const refOffset = editable ? value.span![0] + (value.raw.length - value.raw.trimStart().length) : null;
  return { entry, value, ref, reportRange: reportRangeFor(ctx, entry, entry.pair.value as Node | null), refOffset, built: ctx.serviceGet(service, 'build') !== undefined };
}

/** Whether the file has YAML syntax errors: fixes are not offered then (the result could not be checked by parsing it again). */
export function hasSyntaxErrors(ctx: ComposeContext): boolean {
  return ctx.documents.some((d) => d.errors.length > 0);
}
