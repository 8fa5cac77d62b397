/**
 * Fix-all in rounds: apply every chosen fix of a file that does not overlap an earlier one, analyze the
 * result again, and repeat — a fix can make another one possible (two inline secrets each create the
 * same `.env`, so only one is taken per round; merging RUNs shows a cache left in the merged RUN).
 * The CLI's `--fix` and the server's `source.fixAll` both run it, so they leave the same files.
 */
import { countBefore } from './sorted';
import { fixFinding, type Analysis } from './analyze';
import { applyFix, type FileSet } from './edits';
import { comparePositions, rangesOverlap } from './text';
import type { Rule } from './rule';
import type { Finding, Fix, Range } from './types';

/** At most this many rounds: each applies at least one fix, and a file rarely needs more than three. */
export const MAX_FIX_ROUNDS = 20;

/**
 * Every chosen fix of an analysis that does not overlap an earlier one (in the findings' order), as
 * fixesConflict decides — with the edits taken so far kept sorted per file, so a file of thousands of
 * fixes is not compared pair by pair (review 37, probe p09: 20,000 RUNs spent seconds there).
 */
export function chooseFixes(rules: readonly Rule[], analysis: Analysis, choose: (fix: Fix, finding: Finding) => boolean): Fix[] {
  return chooseFixed(rules, analysis, choose).map((c) => c.fix);
}

/** chooseFixes, each fix with the finding it fixes. */
function chooseFixed(rules: readonly Rule[], analysis: Analysis, choose: (fix: Fix, finding: Finding) => boolean): { fix: Fix; finding: Finding }[] {
  const chosen: { fix: Fix; finding: Finding }[] = [];
  const taken = new TakenEdits();
  for (const finding of analysis.findings) {
    const fix = fixFinding(rules, analysis.context, finding);
    if (!fix || !choose(fix, finding) || taken.conflicts(fix)) continue;
    taken.add(fix);
    chosen.push({ fix, finding });
  }
  return chosen;
}

/**
 * A finding as the rounds tell it from another: its rule, where it starts and what it says. A fix
 * whose finding is still there after it was applied, the same by this key, did not fix it.
 */
function findingKey(f: Finding): string {
  return `${f.code}\u0000${f.path}\u0000${f.range.start.line}:${f.range.start.character}\u0000${f.message}`;
}

/**
 * The edits of the fixes chosen so far, per file. Chosen edits neither overlap nor start at the same
 * place (fixesConflict), so sorted by start they are sorted by end too: only the last edit that starts
 * before a range ends can overlap it. A file whose own fix brings edits that break this (none should)
 * is compared edit by edit, as fixesConflict does.
 */
class TakenEdits {
  private readonly files = new Map<string, { create: boolean; sorted: Range[]; linear: boolean }>();

  conflicts(fix: Fix): boolean {
    for (const change of fix.changes) {
      const taken = this.files.get(change.path);
      if (!taken) continue;
      if (change.kind === 'create' || taken.create) return true;
      for (const edit of change.edits) if (taken.linear ? taken.sorted.some((r) => clash(r, edit.range)) : sortedClash(taken.sorted, edit.range)) return true;
    }
    return false;
  }

  add(fix: Fix): void {
    for (const change of fix.changes) {
      let taken = this.files.get(change.path);
      if (!taken) this.files.set(change.path, (taken = { create: false, sorted: [], linear: false }));
      if (change.kind === 'create') {
        taken.create = true;
        continue;
      }
      for (const edit of change.edits) {
        const r = edit.range;
        if (!taken.linear && sortedClash(taken.sorted, r)) taken.linear = true;
        taken.sorted.splice(countBefore(taken.sorted, (x) => comparePositions(x.start, r.start) < 0 || (comparePositions(x.start, r.start) === 0 && comparePositions(x.end, r.end) <= 0)), 0, r);
      }
    }
  }
}

/** fixesConflict's test of two edits: they overlap, or both start at the same place (two inserts would interleave). */
function clash(a: Range, b: Range): boolean {
  return rangesOverlap(a, b) || comparePositions(a.start, b.start) === 0;
}

/** clash against any range of a sorted list of ranges that pairwise do not clash. */
function sortedClash(sorted: readonly Range[], r: Range): boolean {
  const before = countBefore(sorted, (x) => comparePositions(x.start, r.end) < 0);
  if (before > 0 && rangesOverlap(sorted[before - 1], r)) return true;
  const at = countBefore(sorted, (x) => comparePositions(x.start, r.start) < 0);
  return at < sorted.length && comparePositions(sorted[at].start, r.start) === 0;
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
  /** The file analyzed again with its new text (and every file of `changed`); `previous`, the analysis of the round before (analyzeAgain). */
  reanalyze: (text: string, previous: Analysis) => Analysis;
  choose: (fix: Fix, finding: Finding) => boolean;
}

/**
 * Runs the rounds; returns the fixes applied (one entry per fix, in order), the fixes not applied
 * because they did not fix their finding, and the last analysis. A round whose fixes cannot be applied
 * together (a create of a file that exists), or whose result the engine fails to read, ends the rounds
 * with nothing of it applied. A fix whose finding is still there, at the same place and saying the
 * same, once the round is analyzed again did not fix it: the round is taken back and done again without
 * it, and the fix is reported in `notApplied` (review 41a, F5: a safe fix that inserted into what the
 * parser reads as a heredoc body was applied again in every round, 20 lines per `--fix`, and `--fix`
 * was not idempotent). No fix can make the rounds grow a file without bound.
 */
export function fixInRounds(o: FixRounds): { applied: Fix[]; notApplied: { fix: Fix; finding: Finding }[]; analysis: Analysis } {
  let analysis = o.analysis;
  const applied: Fix[] = [];
  const notApplied: { fix: Fix; finding: Finding }[] = [];
  // The findings whose fix did not fix them: not offered again.
  const refused = new Set<string>();
  for (let round = 0; round < MAX_FIX_ROUNDS; round++) {
    const picked = chooseFixed(o.rules, analysis, (fix, finding) => !refused.has(findingKey(finding)) && o.choose(fix, finding));
    if (picked.length === 0) break;
    const chosen = picked.map((c) => c.fix);
    const changes = chosen.flatMap((c) => c.changes);
    let next: FileSet = new Map();
    for (const change of changes) if (!next.has(change.path)) next.set(change.path, o.read(change.path));
    if (!next.has(o.path)) next.set(o.path, o.read(o.path));
    try {
      next = applyFix(next, { title: 'fix', safe: true, changes });
    } catch {
      break;
    }
    // What `changed` held before this round, to take the round back.
    const before = new Map<string, { had: boolean; text: string | undefined }>();
    for (const [p, t] of next) {
      if (t === undefined || t === o.read(p)) continue;
      before.set(p, { had: o.changed.has(p), text: o.changed.get(p) });
      o.changed.set(p, t);
    }
    const text = o.read(o.path);
    if (text === undefined) {
      applied.push(...chosen);
      break;
    }
    const takeBack = () => {
      for (const [p, b] of before) {
        if (b.had) o.changed.set(p, b.text);
        else o.changed.delete(p);
      }
    };
    let reanalyzed: Analysis;
    try {
      reanalyzed = o.reanalyze(text, analysis);
    } catch {
      // The engine failed to read the fixed text (review 41a, F7): the round is not applied.
      takeBack();
      break;
    }
    const remaining = new Set(reanalyzed.findings.map(findingKey));
    const stuck = picked.filter((c) => remaining.has(findingKey(c.finding)));
    if (stuck.length > 0) {
      takeBack();
      for (const c of stuck) {
        refused.add(findingKey(c.finding));
        notApplied.push(c);
      }
      continue;
    }
    analysis = reanalyzed;
    applied.push(...chosen);
  }
  return { applied, notApplied, analysis };
}
