/**
 * Layout-keeping insertions and removals in compose YAML, computed from node source ranges (never by
 * searching the text): adding a key with a block value to a mapping, adding an item to a block or flow
 * sequence, creating nested mappings (`deploy: resources: limits:`) under the parts that already
 * exist, replacing a scalar, removing one sequence item. Every function returns undefined when an
 * exact edit is not possible; callers then offer no fix. Callers check `ctx.isShared` / `entry.shared`
 * first: these functions edit the node they are given, wherever it is.
 */
import { visit, type Document, type Node, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { isCollection, isMap, isScalar, isSeq } from './yaml-guards';
import type { ComposeContext, Service } from './compose';
import type { TextEdit } from './types';
import { appendToMapEdit, contentEndLine, mapIndent, pastDeeperComments } from './yaml-edit';
import { countBefore } from './sorted';

/**
 * The file's indentation step, measured at a service: the column of its keys minus the column of
 * its name. Two spaces when it cannot be measured.
 */
export function indentUnit(ctx: ComposeContext, service: Service): string {
  const keys = mapIndent(ctx, service.map);
  const nameStart = service.nameNode.range?.[0];
  if (keys === undefined || nameStart === undefined) return '  ';
  const step = keys.length - ctx.lines.positionAt(nameStart).character;
  return step > 0 && step <= 8 ? ' '.repeat(step) : '  ';
}

/**
 * Re-indents lines written with two spaces per level to the file's indentation step. `indentless`: a block
 * sequence under a key is written with its dashes at the key's column (`ports:` / `- "80:80"`), the style of a
 * file whose every block sequence is written so (indentlessSequences); its items' deeper lines move with them.
 */
export function reindent(lines: readonly string[], unit: string, indentless = false): string[] {
  // The leads of the keys whose sequence is being written (indentless only).
  const open: number[] = [];
  let prev: { lead: number; key: boolean } | undefined;
  return lines.map((l) => {
    let lead = /^ */.exec(l)![0].length;
    if (indentless) {
      while (open.length > 0 && open[open.length - 1] >= lead) open.pop();
      if (l.startsWith('- ', lead) && prev?.key && prev.lead === lead - 2) open.push(prev.lead);
      prev = { lead, key: /:\s*$/.test(l) && !l.startsWith('- ', lead) };
      lead -= 2 * open.length;
      l = l.slice(2 * open.length);
    }
    return unit.repeat(Math.floor(lead / 2)) + ' '.repeat(lead % 2) + l.slice(lead);
  });
}

/**
 * Whether the file writes its block sequences indentless: every block sequence that is a mapping's value starts with
 * its dash at the key's column (`ports:` / `- "80:80"`), and there is at least one (review 45a, item 4). Once per analysis.
 */
export function indentlessSequences(ctx: ComposeContext): boolean {
  return ctx.memo(ctx, 'indentlessSequences', () => {
    let seen = 0;
    let indented = false;
    for (const doc of ctx.documents) {
      visit(doc, {
        Pair(_, pair) {
          const v = pair.value as Node | null;
          const k = pair.key as Node | null;
          if (!isSeq(v) || v.flow || !v.range || !k || !k.range || v.items.length === 0) return undefined;
          const keyCol = ctx.lines.positionAt(k.range[0]).character;
          const keyLine = ctx.lines.positionAt(k.range[0]).line;
          const dash = ctx.lines.positionAt(v.range[0]);
          if (dash.line === keyLine) return undefined;
          seen++;
          if (dash.character !== keyCol) {
            indented = true;
            return visit.BREAK;
          }
          return undefined;
        },
      });
      if (indented) break;
    }
    return seen > 0 && !indented;
  });
}

/**
 * Adds entries (lines written with two spaces per level, e.g. `['security_opt:', '  - no-new-privileges:true']`)
 * at the end of a block mapping, with the mapping's own indentation, the file's indentation step and its
 * sequence style (indentless when every block sequence of the file is).
 */
export function addToMapEdit(ctx: ComposeContext, map: YAMLMap, lines: readonly string[], unit: string): TextEdit | undefined {
  return appendToMapEdit(ctx, map, reindent(lines, unit, indentlessSequences(ctx)));
}

/** The text in front of a node on its line, when it is only indentation and a `- ` sequence marker. */
function dashPrefix(ctx: ComposeContext, offset: number): string | undefined {
  const pos = ctx.lines.positionAt(offset);
  const before = ctx.lines.lineText(pos.line).slice(0, pos.character);
  return /^ *- +$/.test(before) ? before : undefined;
}

/**
 * Adds an item (its text as it must appear, quoted if needed) at the end of a sequence: a new
 * `- item` line in a block sequence (same indentation as the existing items), or `, item` in a
 * flow sequence (`[item]` when empty).
 */
export function appendToSeqEdit(ctx: ComposeContext, seq: YAMLSeq, itemText: string): TextEdit | undefined {
  if (!seq.range) return undefined;
  if (seq.flow) {
    const last = seq.items[seq.items.length - 1] as Node | undefined;
    if (last) {
      const end = last.range?.[1];
      if (end === undefined) return undefined;
      const at = ctx.lines.positionAt(end);
      return { range: { start: at, end: at }, newText: `, ${itemText}` };
    }
    if (ctx.text[seq.range[0]] !== '[') return undefined;
    const at = ctx.lines.positionAt(seq.range[0] + 1);
    return { range: { start: at, end: at }, newText: itemText };
  }
  const first = seq.items[0] as Node | undefined;
  const last = seq.items[seq.items.length - 1] as Node | undefined;
  if (!first?.range || !last?.range) return undefined;
  const prefix = dashPrefix(ctx, first.range[0]);
  if (prefix === undefined) return undefined;
  const end = contentEndLine(ctx, last);
  if (end === undefined) return undefined;
  const line = pastDeeperComments(ctx, end, prefix.indexOf('-'));
  const at = { line, character: ctx.lines.lineText(line).length };
  return { range: { start: at, end: at }, newText: `${ctx.lines.eol}${prefix}${itemText}` };
}

/**
 * Removes one item of a sequence with two or more items: the item's whole lines in a block sequence
 * (its trailing comment included), or the item and one separating comma in a flow sequence.
 */
export function deleteSeqItemEdit(ctx: ComposeContext, seq: YAMLSeq, index: number): TextEdit | undefined {
  if (seq.items.length < 2 || index < 0 || index >= seq.items.length) return undefined;
  const item = seq.items[index] as Node | null;
  if (!item?.range) return undefined;
  if (seq.flow) {
    if (index < seq.items.length - 1) {
      const next = (seq.items[index + 1] as Node | null)?.range;
      if (!next) return undefined;
      return { range: ctx.lines.rangeOf(item.range[0], next[0]), newText: '' };
    }
    const prev = (seq.items[index - 1] as Node | null)?.range;
    if (!prev) return undefined;
    return { range: ctx.lines.rangeOf(prev[1], item.range[1]), newText: '' };
  }
  const prefix = dashPrefix(ctx, item.range[0]);
  if (prefix === undefined) return undefined;
  const first = ctx.lines.positionAt(item.range[0]).line;
  const end = contentEndLine(ctx, item);
  if (end === undefined) return undefined;
  const last = pastDeeperComments(ctx, Math.max(first, end), prefix.indexOf('-'));
  // The next item must start on a later line (it always does in a block sequence).
  return { range: ctx.lines.wholeLines(first, last), newText: '' };
}

/** Replaces the written text of a scalar (quotes included) with `text`. */
export function replaceScalarEdit(ctx: ComposeContext, node: Scalar, text: string): TextEdit | undefined {
  const r = node.range;
  if (!r || !(node.type === 'PLAIN' || node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE')) return undefined;
  if (ctx.text.slice(r[0], r[1]).includes('\n')) return undefined;
  return { range: ctx.lines.rangeOf(r[0], r[1]), newText: text };
}

/** A scalar of the file, where it is written, and whether it sits inside a flow collection. */
interface PlacedScalar {
  start: number;
  end: number;
  node: Scalar;
  inFlow: boolean;
}

/**
 * Every scalar of the file with a range, sorted by where it starts (in walk order for equal starts), once
 * per analysis: fixes ask scalarHolding for each copy of each secret, and a walk per question made a
 * fix over a file with thousands of copies cubic (a 4,000-line compose file took a minute to report in
 * JSON; a 100,000-line one did not finish).
 */
function placedScalars(ctx: ComposeContext): readonly PlacedScalar[] {
  return ctx.memo(ctx, 'placedScalars', () => {
    const out: PlacedScalar[] = [];
    for (const doc of ctx.documents) {
      visit(doc, {
        Scalar(_key, node, path) {
          const nr = node.range;
          if (nr) out.push({ start: nr[0], end: nr[1], node, inFlow: path.some((p) => isCollection(p) && !!p.flow) });
        },
      });
    }
    // A stable sort: scalars that start at the same offset (empty ones) keep the walk's order.
    return out.sort((a, b) => a.start - b.start);
  });
}

/** The scalar whose written text holds [start, end), and whether it sits inside a flow collection. */
function scalarHolding(ctx: ComposeContext, start: number, end: number): { node: Scalar; inFlow: boolean } | undefined {
  const all = placedScalars(ctx);
  // The first scalar starting after `start`; the ones before it that start at the same offset as the last of them
  // are the candidates (scalars do not overlap, but empty ones may share an offset with the next).
  const lo = countBefore(all, (s) => s.start <= start);
  if (lo === 0) return undefined;
  const at = all[lo - 1].start;
  let first = lo - 1;
  while (first > 0 && all[first - 1].start === at) first--;
  for (let i = first; i < lo; i++) {
    const s = all[i];
    if (end <= s.end) return { node: s.node, inFlow: s.inFlow };
  }
  return undefined;
}

/** The scalar whose written text holds [start, end) (two spans can only overlap inside one scalar). */
export function scalarAt(ctx: ComposeContext, start: number, end: number): Scalar | undefined {
  return scalarHolding(ctx, start, end)?.node;
}

/** A single-quoted YAML scalar holding `text` exactly (YAML escapes nothing in single quotes but the quote itself). */
export function singleQuoted(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * Replaces the characters [start, end) of a scalar's written text with `text`, keeping the YAML what it
 * was: inside quotes the text goes in as is; a plain scalar inside a flow collection
 * (`environment: { KEY: value }`, `[KEY=value]`) cannot hold the flow indicators `{ } [ ] ,`, and no
 * plain scalar can hold `: ` or ` #` or start with an indicator: then the whole scalar is written again
 * single-quoted. Undefined when the range is not inside one scalar written on one line.
 */
export function replaceInScalarEdit(ctx: ComposeContext, start: number, end: number, text: string): TextEdit | undefined {
  const held = scalarHolding(ctx, start, end);
  if (!held) return undefined;
  const { node, inFlow } = held;
  const r = node.range!;
  const written = ctx.text.slice(r[0], r[1]);
  if (written.includes('\n')) return undefined;
  if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') {
    // Only between the quotes; a double-quoted scalar needs `\` and `"` escaped, a single-quoted one `'` doubled.
    if (start <= r[0] || end >= r[1]) return undefined;
    const inner = node.type === 'QUOTE_DOUBLE' ? text.replace(/[\\"]/g, (c) => `\\${c}`) : text.replace(/'/g, "''");
    return { range: ctx.lines.rangeOf(start, end), newText: inner };
  }
  if (node.type !== 'PLAIN') return undefined;
  const result = written.slice(0, start - r[0]) + text + written.slice(end - r[0]);
  const indicatorFirst = result[0] !== written[0] && /^[-?:,[\]{}#&*!|>'"%@`]/.test(result);
  if ((inFlow && /[{}[\],]/.test(result)) || /:\s|:$|\s#/.test(result) || indicatorFirst) return { range: ctx.lines.rangeOf(r[0], r[1]), newText: singleQuoted(result) };
  return { range: ctx.lines.rangeOf(start, end), newText: text };
}

/** Adds `key: value` pairs at the end of a flow mapping (`{a: 1}` → `{a: 1, b: 2}`). */
function appendToFlowMapEdit(ctx: ComposeContext, map: YAMLMap, pairs: readonly [string, string][]): TextEdit | undefined {
  if (!map.range) return undefined;
  const text = pairs.map(([k, v]) => `${k}: ${v}`).join(', ');
  const last = map.items[map.items.length - 1];
  if (last) {
    const end = (last.value as Node | null)?.range?.[1] ?? (last.key as Node | null)?.range?.[1];
    if (end === undefined) return undefined;
    const at = ctx.lines.positionAt(end);
    return { range: { start: at, end: at }, newText: `, ${text}` };
  }
  if (ctx.text[map.range[0]] !== '{') return undefined;
  const at = ctx.lines.positionAt(map.range[0] + 1);
  return { range: { start: at, end: at }, newText: text };
}

/**
 * Makes sure the nested mappings `path` exist under `map` and adds `leaves` (key and value text)
 * to the innermost one, creating only the missing levels: with `deploy:` written and no `resources:`,
 * `resources: limits: …` is added inside `deploy:`. Undefined when a level exists but cannot be
 * edited exactly: inherited through `<<` (an own key would replace the whole merged mapping), an
 * alias or anchored text, a scalar or empty value. A flow mapping at the innermost level gets the
 * leaves in flow style; a flow mapping above it gives no edit.
 */
export function ensureMapPathEdit(
  ctx: ComposeContext,
  doc: Document.Parsed,
  map: YAMLMap,
  path: readonly string[],
  leaves: readonly [string, string][],
  unit: string,
): TextEdit | undefined {
  if (leaves.length === 0) return undefined;
  let cur = map;
  for (let i = 0; i < path.length; i++) {
    const entry = ctx.get(doc, cur, path[i]);
    if (!entry) {
      const lines: string[] = [];
      for (let j = i; j < path.length; j++) lines.push(`${'  '.repeat(j - i)}${path[j]}:`);
      for (const [k, v] of leaves) lines.push(`${'  '.repeat(path.length - i)}${k}: ${v}`);
      if (cur.flow) return undefined;
      return addToMapEdit(ctx, cur, lines, unit);
    }
    if (!entry.own || entry.shared || !entry.value || !isMap(entry.value) || ctx.isShared(entry.value)) return undefined;
    cur = entry.value;
  }
  if (cur.flow) return appendToFlowMapEdit(ctx, cur, leaves);
  if (cur.items.length === 0) return undefined;
  return addToMapEdit(ctx, cur, leaves.map(([k, v]) => `${k}: ${v}`), unit);
}

/** A scalar node that a fix may replace: written in place (not an alias, not inside an anchor). */
export function isEditableScalar(ctx: ComposeContext, node: Node | null | undefined): node is Scalar {
  return !!node && isScalar(node) && !ctx.isShared(node);
}

export { isSeq, isMap };

/** Whether keys can be added to a service's mapping: a block mapping written in place (not an anchor that other services use). */
export function canAddToService(ctx: ComposeContext, service: Service): boolean {
  return parsedCleanly(service) && !service.map.flow && service.map.items.length > 0 && !ctx.isShared(service.map);
}

/** Whether a fix may edit a service: its YAML document parsed without errors (edits on broken YAML could land anywhere). */
export function parsedCleanly(service: Service): boolean {
  return service.doc.errors.length === 0;
}
