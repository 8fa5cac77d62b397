/**
 * Fix safety over reality, bounded for CI: every fix offered on a sample of the real-world corpus
 * (every 10th file by name) is applied in memory and checked (test/helpers/fuzz-props.ts): edits inside
 * the file and not overlapping, the file still parses with the same services / stages, a valid
 * `.env`, the finding gone, the rule's fixes converging; and fix-all (every safe fix at once, in
 * rounds) leaves a sound file. `npm run fix-safety` does the whole corpus and writes
 * bench/results/fix-safety.md. `DG_FIX_SAFETY_STEP=1` runs the whole corpus here.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { checkCase, describeCase, formatViolations, type Violation } from './helpers/fuzz-props';
import { corpusCase, fixAllSafety, loadCorpus } from './helpers/fuzz-corpus';
import { splitKnown } from './helpers/fuzz-known';

const STEP = Number(process.env.DG_FIX_SAFETY_STEP ?? 10);

describe('fix safety over the corpus (sample)', () => {
  const corpus = loadCorpus().filter((f) => !f.rel.startsWith('large/'));
  const sample = corpus.filter((_, i) => i % STEP === 0);

  it(`every fix on ${sample.length} corpus files is safe`, { timeout: 300_000, skip: sample.length === 0 ? 'no corpus at /work/shared/corpus (DG_CORPUS)' : false }, (t) => {
    const perRule = new Map<string, { applied: number; broken: number }>();
    const problems: string[] = [];
    let known = 0;
    for (const f of sample) {
      const c = corpusCase(f);
      const r = checkCase(c, {
        timeBoundMs: 500,
        onFix: (code, _title, broken) => {
          const e = perRule.get(code) ?? { applied: 0, broken: 0 };
          e.applied++;
          if (splitKnown(broken, c).fresh.length > 0) e.broken++;
          perRule.set(code, e);
        },
      });
      const all = fixAllSafety(c);
      const vs: Violation[] = [...r.violations, ...all.violations];
      const split = splitKnown(vs, c);
      known += split.known.length;
      if (split.fresh.length > 0) problems.push(`${f.rel}:\n${formatViolations(split.fresh)}\n${describeCase(c, 300)}`);
    }
    const applied = [...perRule.values()].reduce((a, x) => a + x.applied, 0);
    t.diagnostic(`${applied} fixes applied on ${sample.length} files; ${known} violations explained by known bugs`);
    t.diagnostic([...perRule].sort(([a], [b]) => a.localeCompare(b)).map(([code, x]) => `${code} ${x.applied}/${x.broken}`).join(', '));
    assert.ok(applied > 200, `only ${applied} fixes were applied: the sample does not exercise the fixes`);
    assert.deepEqual(problems.slice(0, 5), [], `${problems.length} corpus files with unsafe fixes`);
  });
});
