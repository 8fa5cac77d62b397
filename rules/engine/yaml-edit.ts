import { isMap, isScalar, type Node, type Pair, type YAMLMap } from 'yaml';
import type { ComposeContext } from './compose';
import type { TextEdit } from './types';

/**
 * Minimal, layout-keeping edits on compose YAML. Every function works from node source ranges
 * (kept by the parser), never by searching the text, and returns undefined where an exact edit is
 * not possible (flow collections, shared anchors) so the caller offers no fix.
 */

/** Deletes a `key: value` entry of a block mapping, whole lines, including a trailing comment on its last line. */
export function deletePairEdit(ctx: ComposeContext, map: YAMLMap, pair: Pair): TextEdit | undefined {
  if (map.flow) return undefined;
  if (map.items.length < 2) return undefined; // an empty mapping would change the type of its parent value
  const key = pair.key as Node | null;
  const value = pair.value as Node | null;
  if (!key?.range) return undefined;
  const first = ctx.lines.positionAt(key.range[0]).line;
  const endOffset = value?.range ? value.range[1] : key.range[1];
  let last = ctx.lines.positionAt(Math.max(key.range[0], endOffset - 1)).line;
  // A block value's range can end at the start of the next line: do not take that line.
  if (value?.range && ctx.lines.positionAt(endOffset).character === 0 && endOffset > key.range[0]) {
    last = ctx.lines.positionAt(endOffset - 1).line;
  }
  // The entry must own its lines: nothing but whitespace before the key.
  if (ctx.lines.lineText(first).slice(0, ctx.lines.positionAt(key.range[0]).character).trim() !== '') return undefined;
  return { range: ctx.lines.wholeLines(first, last), newText: '' };
}

/** The indentation used for the entries of a block mapping (taken from its first key). */
export function mapIndent(ctx: ComposeContext, map: YAMLMap): string | undefined {
  const first = map.items[0]?.key as Node | undefined;
  if (!first?.range) return undefined;
  const pos = ctx.lines.positionAt(first.range[0]);
  const before = ctx.lines.lineText(pos.line).slice(0, pos.character);
  return /^[ ]*$/.test(before) ? before : undefined;
}

/**
 * Inserts `lines` (already without indentation) as new entries at the end of a block mapping,
 * indented like its existing entries.
 */
export function appendToMapEdit(ctx: ComposeContext, map: YAMLMap, lines: string[]): TextEdit | undefined {
  if (map.flow || map.items.length === 0) return undefined;
  const indent = mapIndent(ctx, map);
  if (indent === undefined) return undefined;
  const lastPair = map.items[map.items.length - 1];
  const end = (lastPair.value as Node | null)?.range?.[1] ?? (lastPair.key as Node | null)?.range?.[1];
  if (end === undefined) return undefined;
  let line = ctx.lines.positionAt(end).line;
  if (ctx.lines.positionAt(end).character === 0 && end > 0) line = ctx.lines.positionAt(end - 1).line;
  const eol = ctx.lines.eol;
  const at = { line, character: ctx.lines.lineText(line).length };
  return { range: { start: at, end: at }, newText: lines.map((l) => `${eol}${indent}${l}`).join('') };
}

/** Whether a node is a scalar whose written text can be replaced exactly. */
export function isPlainScalar(node: Node | null | undefined): boolean {
  return !!node && isScalar(node) && (node.type === 'PLAIN' || node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE');
}

export { isMap };

/** An edit that appends a line to a file's text, adding a line break first when the file lacks one. */
export function appendLineEdit(text: string, line: string, eol = '\n'): TextEdit {
  const lines = text.split('\n');
  const lastLine = lines.length - 1;
  const lastText = lines[lastLine].replace(/\r$/, '');
  const at = { line: lastLine, character: lines[lastLine].length };
  const needsBreak = lastText.length > 0;
  return { range: { start: at, end: at }, newText: `${needsBreak ? eol : ''}${line}${eol}` };
}
