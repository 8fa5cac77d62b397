import { LineIndex, comparePositions, rangesOverlap } from './text';
import type { Fix, TextEdit } from './types';

/**
 * Applies text edits to a text. Edits must not overlap (LSP semantics); inserts at the same
 * position are applied in the order given. Throws on overlap: callers decide what to skip.
 */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  if (edits.length === 0) return text;
  const index = new LineIndex(text);
  const sorted = edits
    .map((e, i) => ({ e, i, start: index.offsetAt(e.range.start), end: index.offsetAt(e.range.end) }))
    .sort((a, b) => a.start - b.start || a.end - b.end || a.i - b.i);
  for (let k = 1; k < sorted.length; k++) {
    if (sorted[k].start < sorted[k - 1].end) throw new Error('overlapping edits');
  }
  let out = '';
  let last = 0;
  for (const s of sorted) {
    out += text.slice(last, s.start) + s.e.newText;
    last = s.end;
  }
  return out + text.slice(last);
}

/** A set of file texts (absolute path → text); `undefined` marks a file that does not exist. */
export type FileSet = Map<string, string | undefined>;

/**
 * Applies a fix to a set of files and returns the new set (the input is not modified).
 * A `create` of an existing file fails, as the LSP CreateFile without overwrite does.
 */
export function applyFix(files: FileSet, fix: Fix): FileSet {
  const out: FileSet = new Map(files);
  // Every edit of one file refers to the same text (as in one LSP TextDocumentEdit), so all of a
  // file's edits are applied together, never one change after another.
  const editsByPath = new Map<string, TextEdit[]>();
  for (const change of fix.changes) {
    if (change.kind === 'create') {
      if (out.get(change.path) !== undefined) throw new Error(`create of existing file ${change.path}`);
      out.set(change.path, change.content);
    } else {
      const list = editsByPath.get(change.path) ?? [];
      list.push(...change.edits);
      editsByPath.set(change.path, list);
    }
  }
  for (const [p, edits] of editsByPath) {
    const text = files.get(p);
    if (text === undefined) throw new Error(`edit of missing file ${p}`);
    out.set(p, applyTextEdits(text, edits));
  }
  return out;
}

/** Whether two fixes touch overlapping text of the same file (fix-all applies the first only). */
export function fixesConflict(a: Fix, b: Fix): boolean {
  for (const ca of a.changes) {
    for (const cb of b.changes) {
      if (ca.path !== cb.path) continue;
      if (ca.kind === 'create' || cb.kind === 'create') return true;
      for (const ea of ca.edits) {
        for (const eb of cb.edits) {
          if (rangesOverlap(ea.range, eb.range)) return true;
          // Two inserts at the same point would interleave unpredictably.
          if (comparePositions(ea.range.start, eb.range.start) === 0) return true;
        }
      }
    }
  }
  return false;
}

/**
 * Whether a change writes a file that holds secret values (`.env`, `.env.local`…, an env file named
 * `*.env` such as an `env_file:` or an include's `env_file:`, `db/db.env`; files under a `secrets/`
 * folder). Such changes are applied by the editor and `--fix`, but their content is never printed: not
 * in a diff, not in JSON or SARIF, not in a log.
 */
export function isSensitivePath(p: string): boolean {
  const parts = p.split(/[\\/]/);
  const base = parts[parts.length - 1];
  if (/^\.env(?:\..+)?$/.test(base) && !/^\.env\.(?:example|sample|template|dist)$/.test(base)) return true;
  // `db.env`, `secrets.env` (review 27, probe 01: DC040/DC041 move values into the env file an include names).
  if (/^[^.].*\.env$/i.test(base) && !/(?:^|[._-])(?:example|sample|template|dist|defaults?)\.env$/i.test(base)) return true;
  return parts.slice(0, -1).includes('secrets');
}

export function fixIsSensitive(fix: Fix): boolean {
  return fix.changes.some((c) => isSensitivePath(c.path));
}
