/**
 * `check --fix --registry-lookups` (and `--fix-dry-run`): after the offline safe fixes, one more pass
 * applies the safe fixes that need a registry — today "Pin to digest" of DF002/DC002 when those rules
 * are enabled. Lookups time out and fail soft: without an answer the file keeps its finding, and a
 * registry that cannot be reached is reported once on stderr.
 */
import { allRules, applyFix, asyncFixesFor, fixesConflict, hasAsyncFixes, type Analysis, type FileSet, type Finding, type Fix } from '../../rules';
import { RegistryClient } from '../../rules/engine/registry-client';
import type { FileResult } from './format';

export interface RegistryPassJob {
  path: string;
  display: string;
}

export interface RegistryPassInput<J extends RegistryPassJob> {
  jobs: J[];
  results: FileResult[];
  /** Files changed so far (path → text); updated in place. */
  changed: FileSet;
  fixedCount: Map<string, number>;
  /** Whether a fix may write the files it changes (not one that is not UTF-8: review 43a, item 1). */
  mayWrite: (fix: Fix) => boolean;
  readText: (job: J) => string | undefined;
  /** The file analyzed with this text; undefined when the engine failed to read it (left as it is). */
  analyzeText: (job: J, text: string) => Analysis | undefined;
  toResult: (job: J, analysis: Analysis) => FileResult;
  writeErr: (s: string) => void;
  /** Whether the run reports a finding (--min-severity): only the fixes of those are applied (review 45d, item 10). */
  reports?: (finding: Finding) => boolean;
  /** Tests: a client with its own cache and timeouts. */
  client?: RegistryClient;
}

export async function registryFixPass<J extends RegistryPassJob>(input: RegistryPassInput<J>): Promise<void> {
  const registry = input.client ?? new RegistryClient({ onNotice: (m) => input.writeErr(`${m}\n`) });
  for (const job of input.jobs) {
    const text = input.changed.get(job.path) ?? input.readText(job);
    if (text === undefined) continue;
    const analysis = input.analyzeText(job, text);
    if (!analysis) continue;
    const chosen: Fix[] = [];
    for (const finding of analysis.findings) {
      if (!hasAsyncFixes(allRules, finding) || (input.reports && !input.reports(finding))) continue;
      for (const fix of await asyncFixesFor(allRules, analysis.context, finding, { registry })) {
        if (!fix.safe || chosen.some((c) => fixesConflict(c, fix)) || !input.mayWrite(fix)) continue;
        chosen.push(fix);
        break;
      }
    }
    if (chosen.length === 0) continue;
    let files: FileSet = new Map([[job.path, text]]);
    try {
      files = applyFix(files, { title: 'registry fixes', safe: true, changes: chosen.flatMap((c) => c.changes) });
    } catch {
      continue;
    }
    const after = files.get(job.path);
    if (after === undefined || after === text) continue;
    const reanalyzed = input.analyzeText(job, after);
    if (!reanalyzed) continue;
    input.changed.set(job.path, after);
    for (const c of chosen) input.fixedCount.set(c.title, (input.fixedCount.get(c.title) ?? 0) + 1);
    const i = input.results.findIndex((r) => r.path === job.path);
    const result = input.toResult(job, reanalyzed);
    if (i >= 0) input.results[i] = result;
  }
}
