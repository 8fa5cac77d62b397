/**
 * Fix-all in rounds: apply every chosen fix of a file that does not overlap an earlier one, analyze the
 * result again, and repeat — a fix can make another one possible (two inline secrets each create the
 * same `.env`, so only one is taken per round; merging RUNs shows a cache left in the merged RUN).
 * The CLI's `--fix` and the server's `source.fixAll` both run it, so they leave the same files.
 */
import { fixFinding, type Analysis } from './analyze';
import { applyFix, fixesConflict, type FileSet } from './edits';
import type { Rule } from './rule';
import type { Finding, Fix } from './types';

/** At most this many rounds: each applies at least one fix, and a file rarely needs more than three. */
export const MAX_FIX_ROUNDS = 20;

/** Every chosen fix of an analysis that does not overlap an earlier one (in the findings' order). */
export function chooseFixes(rules: readonly Rule[], analysis: Analysis, choose: (fix: Fix, finding: Finding) => boolean): Fix[] {
  const chosen: Fix[] = [];
  for (const finding of analysis.findings) {
    const fix = fixFinding(rules, analysis.context, finding);
    if (!fix || !choose(fix, finding) || chosen.some((c) => fixesConflict(c, fix))) continue;
    chosen.push(fix);
  }
  return chosen;
}

export interface FixRounds {
  rules: readonly Rule[];
  /** The file's path and its analysis as it is now. */
  path: string;
  analysis: Analysis;
  /** A file's current text (with the changes made so far: `changed` first), undefined when it does not exist. */
  read: (path: string) => string | undefined;
  /** Files changed so far (path → new text); the rounds add theirs. `read` and `reanalyze` must see them. */
  changed: FileSet;
  /** The file analyzed again with its new text (and every file of `changed`). */
  reanalyze: (text: string) => Analysis;
  choose: (fix: Fix, finding: Finding) => boolean;
}

/**
 * Runs the rounds; returns the fixes applied (one entry per fix, in order) and the last analysis. A
 * round whose fixes cannot be applied together (a create of a file that exists) ends the rounds with
 * nothing of it applied.
 */
export function fixInRounds(o: FixRounds): { applied: Fix[]; analysis: Analysis } {
  let analysis = o.analysis;
  const applied: Fix[] = [];
  for (let round = 0; round < MAX_FIX_ROUNDS; round++) {
    const chosen = chooseFixes(o.rules, analysis, o.choose);
    if (chosen.length === 0) break;
    const changes = chosen.flatMap((c) => c.changes);
    let next: FileSet = new Map();
    for (const change of changes) if (!next.has(change.path)) next.set(change.path, o.read(change.path));
    if (!next.has(o.path)) next.set(o.path, o.read(o.path));
    try {
      next = applyFix(next, { title: 'fix', safe: true, changes });
    } catch {
      break;
    }
    for (const [p, t] of next) if (t !== undefined && t !== o.read(p)) o.changed.set(p, t);
    applied.push(...chosen);
    const text = o.read(o.path);
    if (text === undefined) break;
    analysis = o.reanalyze(text);
  }
  return { applied, analysis };
}
