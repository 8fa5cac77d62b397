/**
 * The fuzz suites shared by test/fuzz.test.ts (a bounded, seeded run in CI) and scripts/fuzz.ts
 * (`npm run fuzz`, ≥ 100,000 cases): each is an arbitrary of cases and the properties checked on them.
 */
import fc from 'fast-check';
import { checkCase, describeCase, formatViolations, type Case, type CheckOptions } from './fuzz-props';
import { composeCase, dockerfileCase, randomTextCase } from './fuzz-gen';
import { applyMutations, mutations } from './fuzz-mutate';
import { corpusCase, loadCorpus, type CorpusFile } from './fuzz-corpus';
import { splitKnown } from './fuzz-known';

export interface Suite {
  name: string;
  arbitrary: fc.Arbitrary<Case>;
  options: CheckOptions;
  /** Share of the runs (relative weight). */
  weight: number;
}

let corpusSample: CorpusFile[] | undefined;

/** Corpus files small enough to mutate many times (every 1st of `step`, by name); empty without a corpus. */
export function mutationCorpus(step = 1): CorpusFile[] {
  corpusSample ??= loadCorpus().filter((f) => !f.rel.startsWith('large/') && f.text.length < 20_000);
  return corpusSample.filter((_, i) => i % step === 0);
}

export function mutationArbitrary(files: CorpusFile[]): fc.Arbitrary<Case> {
  return fc.tuple(fc.constantFrom(...files), mutations).map(([f, ms]) => {
    const c = corpusCase(f, applyMutations(f.text, ms));
    // The mutation list is part of the printed counterexample; keep it on the case for describeCase.
    return Object.assign(c, { label: `${f.rel} after ${ms.map((m) => m.name).join(', ')}` });
  });
}

export function suites(corpusStep = 1): Suite[] {
  const out: Suite[] = [
    { name: 'random-text', arbitrary: randomTextCase, options: { timeBoundMs: 200 }, weight: 2 },
    { name: 'dockerfile', arbitrary: dockerfileCase, options: { timeBoundMs: 200, maxPerRule: 2, maxConvergenceRules: 3 }, weight: 3 },
    { name: 'compose', arbitrary: composeCase, options: { timeBoundMs: 200, maxPerRule: 1, maxConvergenceRules: 3 }, weight: 3 },
  ];
  const files = mutationCorpus(corpusStep);
  if (files.length > 0) out.push({ name: 'mutation', arbitrary: mutationArbitrary(files), options: { timeBoundMs: 200, maxPerRule: 2, maxConvergenceRules: 3 }, weight: 2 });
  return out;
}

/** The property of a suite: every checked property holds for the case (throws with a readable report). */
export function property(s: Suite): fc.IPropertyWithHooks<[Case]> {
  return fc.property(s.arbitrary, (c) => {
    const r = checkCase(c, s.options);
    const { fresh } = splitKnown(r.violations, c);
    if (fresh.length > 0) throw new Error(`${formatViolations(fresh)}\n${describeInput(c)}`);
  });
}

export function describeInput(c: Case): string {
  const label = (c as Case & { label?: string }).label;
  return (label ? `input: ${label}\n` : '') + describeCase(c);
}

export interface SuiteResult {
  suite: string;
  runs: number;
  failed: boolean;
  seed: number;
  path?: string;
  report?: string;
  ms: number;
}

/** Runs one suite with a seed; never throws. */
export function runSuite(s: Suite, numRuns: number, seed: number, replayPath?: string): SuiteResult {
  const t0 = Date.now();
  const details = fc.check(property(s), { numRuns, seed, path: replayPath, endOnFailure: false, maxSkipsPerRun: 0 });
  const report = details.failed ? `${String((details.errorInstance as Error | undefined)?.message ?? 'failed').slice(0, 6000)}` : undefined;
  return { suite: s.name, runs: details.numRuns, failed: details.failed, seed: details.seed, path: details.counterexamplePath ?? undefined, report, ms: Date.now() - t0 };
}

export interface Collected {
  /** How many cases showed this problem. */
  count: number;
  /** The smallest such case: its run index (the fast-check path that replays it) and report. */
  index: number;
  size: number;
  report: string;
}

export interface CollectResult {
  suite: string;
  runs: number;
  seed: number;
  ms: number;
  /** Problems by signature (property and rule, e.g. `fix-breaks-parse [DC040]`). */
  problems: Record<string, Collected>;
  /** Cases explained by a known bug (fuzz-known.ts), by bug id. */
  knownHits: Record<string, number>;
}

const signature = (v: { property: string; code?: string }) => `${v.property}${v.code ? ` [${v.code}]` : ''}`;

/**
 * Runs every case of a suite without stopping at the first failure (no shrinking) and groups what
 * broke by signature, keeping the smallest input of each. Run `i` of seed `s` is replayed (and then
 * shrunk) by `runSuite(s, …, seed, String(i))`.
 */
export function collectSuite(s: Suite, numRuns: number, seed: number): CollectResult {
  const t0 = Date.now();
  const problems: Record<string, Collected> = {};
  const knownHits: Record<string, number> = {};
  let index = 0;
  fc.check(
    fc.property(s.arbitrary, (c) => {
      const i = index++;
      const r = checkCase(c, s.options);
      if (r.violations.length === 0) return true;
      const { known, fresh } = splitKnown(r.violations, c);
      for (const k of new Set(known.map((x) => x.bug))) knownHits[k] = (knownHits[k] ?? 0) + 1;
      if (fresh.length === 0) return true;
      const size = [...c.files.values()].reduce((a, t) => a + (t?.length ?? 0), 0);
      for (const sig of new Set(fresh.map(signature))) {
        const prev = problems[sig];
        if (prev) prev.count++;
        if (!prev || size < prev.size) problems[sig] = { count: prev?.count ?? 1, index: i, size, report: `${formatViolations(fresh.filter((v) => signature(v) === sig))}\n${describeInput(c)}`.slice(0, 6000) };
      }
      return true;
    }),
    { numRuns, seed },
  );
  return { suite: s.name, runs: index, seed, ms: Date.now() - t0, problems, knownHits };
}
