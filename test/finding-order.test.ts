/**
 * The order of an analysis' findings: by position, then by code, a rule's own ties in the order it
 * reported them. runRules sorts packed numeric keys (sortByPosition); these tests hold it to the
 * comparator it replaces, for few findings and many, rules given in any order, positions beyond the
 * packed bounds, and DG001's findings, which come after every rule's.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_CONFIG, EMPTY_WORKSPACE, type Rule } from '../rules';

interface Spot {
  id: number;
  line: number;
  character: number;
}

/** A compose rule that reports the given spots, in the given order. */
function fakeRule(code: string, spots: Spot[]): Rule {
  return {
    code,
    name: `fake-${code}`,
    kind: 'compose',
    severity: 'warning',
    fixable: 'never',
    docs: { summary: '', what: '', why: '', bad: '', good: '', fix: '', guideline: '', equivalents: [], references: [] },
    check: () => spots.map((s) => ({ range: { start: { line: s.line, character: s.character }, end: { line: s.line, character: s.character + 1 } }, data: { id: s.id } })),
    message: (d: { id: number }) => `finding ${d.id}`,
  } as unknown as Rule;
}

/** The order the engine promises: every rule's findings (rules by code), stably sorted by position then code. */
function expectedOrder(rules: { code: string; spots: Spot[] }[]): number[] {
  const all = [...rules].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)).flatMap((r) => r.spots.map((s) => ({ ...s, code: r.code })));
  all.sort((a, b) => a.line - b.line || a.character - b.character || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return all.map((s) => s.id);
}

/** Deterministic spots, with many ties: lines and characters drawn from small ranges. */
function spots(seed: number, n: number, firstId: number, wide = false): Spot[] {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  return Array.from({ length: n }, (_, i) => ({ id: firstId + i, line: Math.floor(next() * 6), character: wide && i % 3 === 0 ? 65536 + Math.floor(next() * 3) : Math.floor(next() * 4) }));
}

function order(rules: { code: string; spots: Spot[] }[], given = rules): number[] {
  const result = analyze(
    given.map((r) => fakeRule(r.code, r.spots)),
    'compose',
    '/w/compose.yaml',
    'services: {}\n',
    EMPTY_WORKSPACE,
    DEFAULT_CONFIG,
  );
  assert.deepEqual(result.failures, []);
  return result.findings.map((f) => (f.data as { id: number }).id);
}

describe('finding order', () => {
  it('few findings (the insertion sort), rules given out of code order', () => {
    const rules = [
      { code: 'DZ902', spots: spots(1, 6, 0) },
      { code: 'DZ901', spots: spots(2, 7, 100) },
      { code: 'DZ903', spots: spots(3, 5, 200) },
    ];
    assert.deepEqual(order(rules), expectedOrder(rules));
    assert.deepEqual(order(rules, [...rules].reverse()), expectedOrder(rules));
  });

  it('many findings (the typed-array sort), with ties across codes and within a rule', () => {
    const rules = [
      { code: 'DZ905', spots: spots(4, 90, 0) },
      { code: 'DZ904', spots: spots(5, 120, 1000) },
    ];
    const got = order(rules);
    assert.equal(got.length, 210);
    assert.deepEqual(got, expectedOrder(rules));
  });

  it('characters beyond the packed bound fall back to the comparator with the same order', () => {
    const rules = [
      { code: 'DZ907', spots: spots(6, 20, 0, true) },
      { code: 'DZ906', spots: spots(7, 50, 500, true) },
    ];
    assert.deepEqual(order(rules), expectedOrder(rules));
  });

  it("DG001's findings, appended after every rule's, still sort by code at the same position", () => {
    const dg001 = allRules.find((r) => r.code === 'DG001')!;
    // The ignore comment names a code no rule has: DG001 reports it where the code is written (line 0, character 32).
    const text = '# docker-guardrails-ignore-file DZ999 -- gone\nservices: {}\n';
    const late = fakeRule('DZ908', [{ id: 1, line: 0, character: 32 }]);
    const result = analyze([late, dg001], 'compose', '/w/compose.yaml', text, EMPTY_WORKSPACE, DEFAULT_CONFIG);
    assert.deepEqual(
      result.findings.map((f) => f.code),
      ['DG001', 'DZ908'],
    );
    assert.deepEqual(result.findings[0].range.start, { line: 0, character: 32 });
  });
});
