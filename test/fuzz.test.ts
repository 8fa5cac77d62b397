/**
 * Robustness, by numbers: property-based and mutation fuzzing of the rule engine with fast-check,
 * bounded and seeded for CI (reproducible; `DG_FUZZ_SEED=N` picks another seed, `DG_FUZZ_SCALE=4`
 * runs four times the cases). `npm run fuzz` runs ≥ 100,000 cases of the same suites.
 *
 * Properties (test/helpers/fuzz-props.ts): analysis never throws, no rule fails, it stays under a
 * time bound; every finding's range lies inside the document; every offered fix applies cleanly, keeps
 * the file parsing and its structure, removes its finding, and a rule's fixes converge.
 * Bugs already reported in other people's code are listed in test/helpers/fuzz-known.ts: their
 * reproductions run as `todo` tests, and the fuzzers do not fail on what they explain.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { defineRule, type Rule } from '../rules/engine/rule';
import { checkCase, describeCase, formatViolations, type Case, type CheckOptions, type Property } from './helpers/fuzz-props';
import { property, suites, mutationCorpus } from './helpers/fuzz-suites';
import { KNOWN_BUGS, splitKnown } from './helpers/fuzz-known';
import { deepDockerfile, deepYaml, extendsChainCompose, hugeCompose, hugeDockerfile, yamlAliasBomb, yamlMergeBomb } from './helpers/fuzz-mutate';
import { corpusCase } from './helpers/fuzz-corpus';

const SEED = Number(process.env.DG_FUZZ_SEED ?? 20261128);
const SCALE = Number(process.env.DG_FUZZ_SCALE ?? 1);

/**
 * Ceiling for a 100,000-line file: a guard against blow-ups (quadratic work, hangs), not a benchmark —
 * the linear-time check below compares 10,000 and 100,000 lines. Measured alone: 3.4 s Dockerfile,
 * 4.3 s compose (the 2 s goal is not met; bench/ measures speed). 8 s failed at 8.6–8.7 s on a shared,
 * busy 2-core machine, so the bound is generous: tests must not depend on the machine's load.
 */
const HUGE_BOUND_MS = 30000;

const RUNS: Record<string, number> = { 'random-text': 2000, dockerfile: 700, compose: 450, mutation: 700 };

function caseOf(kind: 'dockerfile' | 'compose', text: string, rules?: readonly Rule[]): Case {
  const target = kind === 'compose' ? '/h/compose.yaml' : '/h/Dockerfile';
  return { kind, target, files: new Map([[target, text]]), rules };
}

/** Asserts a case breaks no property (apart from what a known bug explains). */
function assertSound(c: Case, opts: CheckOptions): void {
  const r = checkCase(c, opts);
  const { fresh } = splitKnown(r.violations, c);
  assert.equal(fresh.length, 0, `${formatViolations(fresh)}\n${describeCase(c, 600)}`);
}

describe('fuzz: the property checker catches broken rules', () => {
  // Deliberately broken rules: each must be reported as the property it breaks, or the fuzzers prove nothing.
  const at = (line: number, character: number, endLine = line, endChar = character) => ({ start: { line, character }, end: { line: endLine, character: endChar } });
  const rule = (code: string, overrides: Partial<Rule<'dockerfile', null>>): Rule =>
    defineRule<'dockerfile', null>({
      code,
      name: 'broken',
      kind: 'dockerfile',
      severity: 'warning',
      fixable: 'always',
      docs: { summary: '', what: '', why: '', bad: '', good: '', fix: '', guideline: '', equivalents: [], references: [] },
      check: (ctx) => (ctx.text.includes('FROM') ? [{ range: at(0, 0, 0, 4), data: null }] : []),
      message: () => 'broken',
      ...overrides,
    }) as Rule;
  const composeRule = (code: string, fix: Rule<'compose', null>['fix']): Rule =>
    defineRule<'compose', null>({
      code,
      name: 'broken',
      kind: 'compose',
      severity: 'warning',
      fixable: 'always',
      docs: { summary: '', what: '', why: '', bad: '', good: '', fix: '', guideline: '', equivalents: [], references: [] },
      check: (ctx) => (ctx.services.length > 0 ? [{ range: at(0, 0, 0, 8), data: null }] : []),
      message: () => 'broken',
      fix,
    }) as Rule;
  const TEXT = 'FROM node:24\nRUN true\n';
  const expect = (rules: Rule[], property: Property, kind: 'dockerfile' | 'compose' = 'dockerfile', text = TEXT) => {
    const r = checkCase(caseOf(kind, text, rules), { timeBoundMs: 200 });
    assert.ok(
      r.violations.some((v) => v.property === property),
      `expected ${property}, got: ${formatViolations(r.violations) || 'nothing'}`,
    );
  };

  it('a rule that throws: rule-failed', () => expect([rule('XX001', { check: () => { throw new Error('boom'); } })], 'rule-failed'));
  it('a range past the last line, or past the end of a line: range-outside', () => {
    expect([rule('XX002', { check: () => [{ range: at(7, 0), data: null }] })], 'range-outside');
    expect([rule('XX003', { check: () => [{ range: at(0, 0, 0, 99), data: null }] })], 'range-outside');
  });
  it('a slow rule: too-slow', () =>
    expect(
      [
        rule('XX004', {
          check: () => {
            const end = Date.now() + 250;
            while (Date.now() < end);
            return [];
          },
        }),
      ],
      'too-slow',
    ));
  it('a fix whose edits overlap: fix-overlap', () => expect([rule('XX005', { fix: () => ({ title: 't', safe: true, changes: [{ kind: 'edit', path: '/h/Dockerfile', edits: [{ range: at(0, 0, 0, 4), newText: 'a' }, { range: at(0, 2, 0, 6), newText: 'b' }] }] }) })], 'fix-overlap'));
  it('a fix that edits past the end: fix-edit-outside', () => expect([rule('XX006', { fix: () => ({ title: 't', safe: true, changes: [{ kind: 'edit', path: '/h/Dockerfile', edits: [{ range: at(9, 0), newText: 'USER 1000\n' }] }] }) })], 'fix-edit-outside'));
  it('a fix that leaves its finding: fix-not-gone and fix-not-converging', () => {
    const stays = rule('XX007', { fix: (ctx) => ({ title: 't', safe: true, changes: [{ kind: 'edit', path: ctx.path, edits: [{ range: at(1, 0), newText: '# more\n' }] }] }) });
    expect([stays], 'fix-not-gone');
    expect([stays], 'fix-not-converging');
  });
  it('a fix that changes nothing: fix-noop', () => expect([rule('XX008', { fix: () => ({ title: 't', safe: true, changes: [] }) })], 'fix-noop'));
  it('a fix that joins two instructions: fix-breaks-parse', () => expect([rule('XX009', { fix: (ctx) => ({ title: 't', safe: true, changes: [{ kind: 'edit', path: ctx.path, edits: [{ range: at(0, 12, 1, 0), newText: ' \\\n' }, { range: at(1, 8), newText: '\nxyzzy' }] }] }) })], 'fix-breaks-parse'));
  it('a fix that throws: fix-throws', () => expect([rule('XX010', { fix: () => { throw new Error('boom'); } })], 'fix-throws'));
  it('a compose fix that breaks YAML: fix-breaks-parse', () =>
    expect([composeRule('XX011', (ctx) => ({ title: 't', safe: true, changes: [{ kind: 'edit', path: ctx.path, edits: [{ range: at(2, 4), newText: 'x: [unclosed\n' }] }] }))], 'fix-breaks-parse', 'compose', 'services:\n  a:\n    image: x\n'));
  it('a compose fix that drops a service: fix-breaks-structure', () =>
    expect([composeRule('XX012', (ctx) => ({ title: 't', safe: true, changes: [{ kind: 'edit', path: ctx.path, edits: [{ range: at(1, 0, 3, 0), newText: '' }] }] }))], 'fix-breaks-structure', 'compose', 'services:\n  a:\n    image: x\n  b:\n    image: y\n'));
  it('a fix that writes a broken .env: fix-breaks-env', () =>
    expect([composeRule('XX013', () => ({ title: 't', safe: true, changes: [{ kind: 'create', path: '/h/.env', content: 'not a variable\n' }] }))], 'fix-breaks-env', 'compose', 'services:\n  a:\n    image: x\n'));
  it('a fix that creates an existing file: fix-create-existing', () => {
    const c = caseOf('compose', 'services:\n  a:\n    image: x\n', [composeRule('XX014', () => ({ title: 't', safe: true, changes: [{ kind: 'create', path: '/h/.env', content: 'A=1\n' }] }))]);
    c.files.set('/h/.env', 'B=2\n');
    const r = checkCase(c, {});
    assert.ok(r.violations.some((v) => v.property === 'fix-create-existing'), formatViolations(r.violations));
  });
  it('the sound rules of the real registry pass on a plain file (no false alarms)', () => assertSound(caseOf('dockerfile', 'FROM node:24-alpine\nUSER 1000\nCMD ["node", "x.js"]\n'), { timeBoundMs: 200 }));
});

describe('fuzz: seeded property runs', () => {
  for (const s of suites(4)) {
    const numRuns = Math.round((RUNS[s.name] ?? 300) * SCALE);
    it(`${s.name}: ${numRuns} cases (seed ${SEED})`, { timeout: 120_000 }, () => {
      fc.assert(property(s), { numRuns, seed: SEED, endOnFailure: true });
    });
  }
});

describe('fuzz: corpus files truncated at every line', () => {
  // A sample of real files (every 60th by name: Dockerfiles and compose files), cut after each line.
  const files = mutationCorpus(60);
  it(`${files.length} files, every prefix`, { timeout: 120_000, skip: files.length === 0 ? 'no corpus' : false }, () => {
    let checked = 0;
    for (const f of files) {
      const lines = f.text.split('\n');
      for (let n = 0; n <= lines.length; n++) {
        assertSound(corpusCase(f, lines.slice(0, n).join('\n')), { timeBoundMs: 200, maxPerRule: 1, convergence: false });
        checked++;
      }
    }
    assert.ok(checked > 100);
  });
});

describe('fuzz: hostile inputs', () => {
  it('YAML alias bomb ("billion laughs", 9 levels of 9 aliases) stays under 200 ms', () => assertSound(caseOf('compose', yamlAliasBomb(9, 9)), { timeBoundMs: 200, maxPerRule: 2 }));
  it('merge-key bomb (12 levels of 3 merges, 20 services) stays under 200 ms', () => assertSound(caseOf('compose', yamlMergeBomb(12)), { timeBoundMs: 200, maxPerRule: 2, maxConvergenceFindings: 3 }));
  it('deep nesting: YAML 1,000 flow levels and 100 block levels; shell 1,000 levels', () => {
    assertSound(caseOf('compose', deepYaml(1000, 100)), { timeBoundMs: 500 });
    assertSound(caseOf('dockerfile', deepDockerfile(1000)), { timeBoundMs: 200 });
  });
  it('NUL bytes, a BOM, lone surrogates, U+2028 and invalid UTF-8 decoded as text', () => {
    const odd = ['\u0000', '\uFEFF', '\uD800', '\uDFFF', '\u2028', '\u0085', Buffer.from([0xc3, 0x28, 0xff, 0xfe]).toString('utf8')];
    for (const ch of odd) {
      assertSound(caseOf('dockerfile', `${ch}FROM node${ch}:24\nRUN ${ch} apt-get install -y curl${ch}\nUSER ${ch}root\n`), { timeBoundMs: 200 });
      assertSound(caseOf('compose', `${ch}services:\n  a${ch}:\n    image: "redis${ch}"\n    privileged: true${ch}\n    environment:\n      PASSWORD: ${ch}hunter2\n`), { timeBoundMs: 200 });
    }
  });
  // 100,000-line files under the default 2 MB size cap: analysis grows linearly (10x the lines in at
  // most 50x the time: a quadratic pass gives ~100x; the margin is for a busy shared machine, this is a
  // guard, not a benchmark — `npm run bench` measures) and stays under a ceiling. The fixes of large files are checked by fix-safety.
  for (const [kind, make] of [
    ['dockerfile', hugeDockerfile],
    ['compose', hugeCompose],
  ] as const) {
    it(`a 100,000-line ${kind} is analyzed in linear time and under ${HUGE_BOUND_MS / 1000} s`, { timeout: 120_000 }, () => {
      const small = caseOf(kind, make(10_000));
      const big = caseOf(kind, make(100_000));
      assert.ok((big.files.get(big.target) ?? '').length < 2 * 1024 * 1024, 'under the default maxFileSize');
      const r = checkCase(big, { fixes: false, timeBoundMs: HUGE_BOUND_MS });
      const { fresh } = splitKnown(r.violations, big);
      assert.deepEqual(fresh, [], formatViolations(fresh));
      const t10k = Math.min(...[0, 1].map(() => checkCase(small, { fixes: false, timeBoundMs: 60_000 }).analyzeMs));
      const ratio = r.analyzeMs / Math.max(t10k, 1);
      assert.ok(ratio < 50, `10x the lines took ${ratio.toFixed(1)}x the time (${t10k.toFixed(0)} -> ${r.analyzeMs.toFixed(0)} ms): not linear`);
    });
  }
});

// A chain of `extends:` looked each hop's base up in the whole list of services: quadratic (4,000 services
// took 15 s, 20,000 did not finish in 11 minutes; review 43a, item 3). 10x the services in at most 50x the time
// (quadratic: ~100x; 10,000 took ~100 s before).
describe('fuzz: a chain of extends: is analyzed in linear time', () => {
  it(`10,000 services that extend each other in a chain, under ${HUGE_BOUND_MS / 1000} s`, { timeout: 120_000 }, () => {
    const small = caseOf('compose', extendsChainCompose(1_000));
    const big = caseOf('compose', extendsChainCompose(10_000));
    const r = checkCase(big, { fixes: false, timeBoundMs: HUGE_BOUND_MS });
    const { fresh } = splitKnown(r.violations, big);
    assert.deepEqual(fresh, [], formatViolations(fresh));
    const t1k = Math.min(...[0, 1].map(() => checkCase(small, { fixes: false, timeBoundMs: 60_000 }).analyzeMs));
    const ratio = r.analyzeMs / Math.max(t1k, 1);
    assert.ok(ratio < 50, `10x the services took ${ratio.toFixed(1)}x the time (${t1k.toFixed(0)} -> ${r.analyzeMs.toFixed(0)} ms): not linear`);
  });
});

describe('fuzz: known bugs in other code (reproductions; todo until fixed)', () => {
  for (const bug of KNOWN_BUGS) {
    it(bug.id, { todo: bug.description }, () => {
      // Fails (as a todo) while the bug is there; passes once it is fixed: then remove the entry.
      const r = checkCase(bug.repro, { timeBoundMs: 1000 });
      assert.equal(r.violations.length, 0, `${formatViolations(r.violations)}\n${describeCase(bug.repro)}`);
    });
  }
});
