import { type Node, type Pair, type YAMLMap } from 'yaml';
import { isAlias, isCollection, isMap, isPair, isScalar } from './yaml-guards';
import type { ComposeContext } from './compose';
import { LineIndex } from './text';
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
  if (!key?.range) return undefined;
  const keyPos = ctx.lines.positionAt(key.range[0]);
  const first = keyPos.line;
  const end = contentEndLine(ctx, pair);
  if (end === undefined) return undefined;
  // The value's comment lines indented deeper than the key go with it.
  const last = pastDeeperComments(ctx, Math.max(first, end), keyPos.character);
  // The entry must own its lines: nothing but whitespace before the key.
  if (ctx.lines.lineText(first).slice(0, keyPos.character).trim() !== '') return undefined;
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
 * The offset where a node's own content ends, from the parser's node ranges: a scalar's or an alias's
 * value end (before a trailing comment), a flow collection's closing bracket, a block collection's last
 * item's content end. A block collection's `range[1]` is not used: it also covers the comments and blank
 * lines after its last item and, when the last value is empty with a trailing comment
 * (`KEY:  # note`), the indentation of the line that follows, i.e. a place inside the next entry.
 */
export function contentEnd(node: unknown): number | undefined {
  if (isPair(node)) return contentEnd(node.value) ?? contentEnd(node.key);
  if (isScalar(node) || isAlias(node)) return node.range?.[1];
  if (isCollection(node)) {
    if (node.flow) return node.range?.[1];
    for (let i = node.items.length - 1; i >= 0; i--) {
      const end = contentEnd(node.items[i]);
      if (end !== undefined) return end;
    }
    return node.range?.[0];
  }
  return undefined;
}

/** The last line holding a node's own content (a block scalar's range ends at the start of the line after it). */
export function contentEndLine(ctx: ComposeContext, node: unknown): number | undefined {
  const end = contentEnd(node);
  if (end === undefined) return undefined;
  const pos = ctx.lines.positionAt(end);
  const start = (node as { range?: [number, number, number] } | null)?.range?.[0] ?? (isPair(node) ? (node.key as Node | null)?.range?.[0] : undefined);
  if (pos.character === 0 && end > 0 && (start === undefined || start < end)) return ctx.lines.positionAt(end - 1).line;
  return pos.line;
}

/** The last of the comment lines right after `line` that are indented deeper than `column` (`line` when there are none). */
export function pastDeeperComments(ctx: ComposeContext, line: number, column: number): number {
  while (line + 1 < ctx.lines.lineCount) {
    const next = ctx.lines.lineText(line + 1);
    const lead = /^ */.exec(next)![0].length;
    if (!next.trimStart().startsWith('#') || lead <= column) break;
    line++;
  }
  return line;
}

/**
 * Inserts `lines` (already without indentation) as new entries at the end of a block mapping,
 * indented like its existing entries: after the last entry's content line and after the comment lines
 * right below it that are indented deeper than the keys (they belong to that entry's value, e.g. a
 * commented-out item).
 */
export function appendToMapEdit(ctx: ComposeContext, map: YAMLMap, lines: string[]): TextEdit | undefined {
  if (map.flow || map.items.length === 0) return undefined;
  const indent = mapIndent(ctx, map);
  if (indent === undefined) return undefined;
  const end = contentEndLine(ctx, map.items[map.items.length - 1]);
  if (end === undefined) return undefined;
  const line = pastDeeperComments(ctx, end, indent.length);
  // A line ended by a lone "\r": the editor sees a line break there, the yaml parser does not (it
  // reads the "\r" as part of the value), so text inserted before it would end up followed by it.
  const lineEnd = ctx.lines.lineEndOffset(line);
  if (ctx.text.charCodeAt(lineEnd) === 13 && ctx.text.charCodeAt(lineEnd + 1) !== 10) return undefined;
  const eol = ctx.lines.eol;
  const at = { line, character: ctx.lines.lineText(line).length };
  return { range: { start: at, end: at }, newText: lines.map((l) => `${eol}${indent}${l}`).join('') };
}

/** Whether a node is a scalar whose written text can be replaced exactly. */
export function isPlainScalar(node: Node | null | undefined): boolean {
  return !!node && isScalar(node) && (node.type === 'PLAIN' || node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE');
}

export { isMap };

/**
 * An edit that appends a line (or lines joined with `\n`) to a file's text, adding a line break first when
 * the file lacks one. The lines end as the file's do unless `eol` is given: `\r\n` in a file that has one,
 * so a CRLF `.env`, `.gitignore` or `.env.example` does not get mixed line endings (review 43b, item 7).
 */
export function appendLineEdit(text: string, line: string, eol = text.includes('\r\n') ? '\r\n' : '\n'): TextEdit {
  if (eol !== '\n') line = line.replace(/\r?\n/g, eol);
  // Lines as the editor counts them (a lone "\r" ends one too), so the position is where it is applied.
  const lines = new LineIndex(text);
  const lastLine = lines.lineCount - 1;
  const lastText = lines.lineText(lastLine);
  const at = { line: lastLine, character: lastText.length };
  const needsBreak = lastText.length > 0;
  return { range: { start: at, end: at }, newText: `${needsBreak ? eol : ''}${line}${eol}` };
}
