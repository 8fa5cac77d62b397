/**
 * Unified diffs for `--fix-dry-run`. jsdiff's Myers diff costs time in proportion to the lines times the
 * edits, so a fix-all that changes thousands of lines (a Dockerfile of 20,000 consecutive RUNs, review
 * 37 probe p09) took minutes. Past MAX_EDIT_LENGTH edits the diff is one hunk instead: the lines both
 * texts share at the start and at the end are kept as they are, everything between is removed and
 * added. Either way the patch turns the old text into the new one; the cut-off is a count, not a time,
 * so the same input always gives the same diff.
 */
import { createTwoFilesPatch, formatPatch, type StructuredPatchHunk } from 'diff';

/** Edits (lines removed plus lines added) past which the diff is one hunk. */
export const MAX_EDIT_LENGTH = 2000;
const CONTEXT = 3;
const NO_NEWLINE = '\\ No newline at end of file';

export function unifiedDiff(oldName: string, newName: string, before: string, after: string): string {
  const patch = createTwoFilesPatch(oldName, newName, before, after, undefined, undefined, { maxEditLength: MAX_EDIT_LENGTH });
  if (patch !== undefined) return patch;
  return formatPatch({ oldFileName: oldName, newFileName: newName, oldHeader: undefined, newHeader: undefined, hunks: [oneHunk(before, after)] });
}

/** A text's lines, and whether the last one ends with a line break. */
function linesOf(text: string): { lines: string[]; eol: boolean } {
  if (text === '') return { lines: [], eol: true };
  const lines = text.split('\n');
  const eol = lines[lines.length - 1] === '';
  if (eol) lines.pop();
  return { lines, eol };
}

function oneHunk(before: string, after: string): StructuredPatchHunk {
  const a = linesOf(before);
  const b = linesOf(after);
  // A last line without a line break differs from the same line with one.
  const key = (side: { lines: string[]; eol: boolean }, i: number) => (i === side.lines.length - 1 && !side.eol ? `${side.lines[i]}\n\u0000` : side.lines[i]);
  const min = Math.min(a.lines.length, b.lines.length);
  let prefix = 0;
  while (prefix < min && key(a, prefix) === key(b, prefix)) prefix++;
  let suffix = 0;
  while (suffix < min - prefix && key(a, a.lines.length - 1 - suffix) === key(b, b.lines.length - 1 - suffix)) suffix++;
  const start = Math.max(0, prefix - CONTEXT);
  const oldEnd = Math.min(a.lines.length, a.lines.length - suffix + CONTEXT);
  const newEnd = Math.min(b.lines.length, b.lines.length - suffix + CONTEXT);
  const lines: string[] = [];
  const push = (mark: string, side: { lines: string[]; eol: boolean }, i: number) => {
    lines.push(mark + side.lines[i]);
    if (i === side.lines.length - 1 && !side.eol) lines.push(NO_NEWLINE);
  };
  for (let i = start; i < prefix; i++) push(' ', a, i);
  for (let i = prefix; i < a.lines.length - suffix; i++) push('-', a, i);
  for (let i = prefix; i < b.lines.length - suffix; i++) push('+', b, i);
  for (let i = a.lines.length - suffix; i < oldEnd; i++) push(' ', a, i);
  const oldLines = oldEnd - start;
  const newLines = newEnd - start;
  // 1-based starts: formatPatch writes the line before for an empty side (`@@ -0,0 +1,3 @@`).
  return { oldStart: start + 1, oldLines, newStart: start + 1, newLines, lines };
}
