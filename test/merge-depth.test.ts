/**
 * Chains of `<<` merge keys (review 41a, F4): Compose follows them at any depth; the engine followed 8,
 * so a service reached through 9 levels lost every merged key (`privileged: true` included) and the
 * file came out clean. Each mapping's keys are now gathered once, so depth is cheap; a chain deeper than
 * MAX_MERGE_DEPTH is reported by DG004 on the `<<` key where reading stopped, never silently dropped.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { allRules, analyze, DEFAULT_CONFIG } from '../rules';
import { MAX_MERGE_DEPTH } from '../rules/engine/compose';
import { viewOf } from './helpers/fixtures';

/** x-base (privileged) ← x-b1 ← … ← x-b(n-1) ← services.web: a chain of n anchors. */
function chain(n: number): string {
  let s = 'x-base: &b0\n  image: nginx:1.30\n  privileged: true\n';
  for (let i = 1; i < n; i++) s += `x-b${i}: &b${i}\n  <<: *b${i - 1}\n  labels: {l${i}: "v"}\n`;
  return `${s}services:\n  web:\n    <<: *b${n - 1}\n`;
}

function run(text: string) {
  const started = Date.now();
  const a = analyze(allRules, 'compose', '/w/compose.yaml', text, viewOf(new Map([['/w/compose.yaml', text]]), '/w'), DEFAULT_CONFIG);
  assert.deepEqual(a.failures, []);
  return { ...a, ms: Date.now() - started, codes: (code: string) => a.findings.filter((f) => f.code === code) };
}

describe('<< merge chains (review 41a, F4)', () => {
  for (const n of [9, 200, MAX_MERGE_DEPTH]) {
    it(`a chain of ${n} anchors is read: the service is privileged, and nothing is reported as cut short`, () => {
      const a = run(chain(n));
      assert.equal(a.codes('DC010').length, 1);
      assert.ok(a.codes('DC020').length === 1, 'the per-service rules see the service');
      assert.deepEqual(a.codes('DG004'), []);
      assert.ok(a.ms < 2000, `took ${a.ms} ms`);
    });
  }

  it('a chain deeper than the bound is reported on the << key where reading stopped, never silent', () => {
    const text = chain(MAX_MERGE_DEPTH + 1);
    const a = run(text);
    const dg = a.codes('DG004');
    assert.equal(dg.length, 1);
    assert.match(dg[0].message, /MERGE_TOO_DEEP/);
    // The `<<` of x-b1, the last mapping reached (x-b1 merges x-base).
    assert.equal(text.split('\n')[dg[0].range.start.line].trim(), '<<: *b0');
    assert.equal(a.codes('DC010').length, 0);
  });

  it('an alias bomb of merges (each level merges the one below ten times, 40 levels) stays cheap', () => {
    let s = 'x-l0: &l0\n  image: nginx:1.30\n  privileged: true\n';
    for (let i = 1; i < 40; i++) s += `x-l${i}: &l${i}\n  <<: [${Array(10).fill(`*l${i - 1}`).join(', ')}]\n  k${i}: v\n`;
    s += `services:\n${Array.from({ length: 50 }, (_, j) => `  s${j}:\n    <<: *l39\n`).join('')}`;
    const a = run(s);
    assert.equal(a.codes('DC010').length, 50);
    assert.ok(a.ms < 2000, `took ${a.ms} ms`);
  });
});
