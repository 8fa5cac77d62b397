/**
 * fixInRounds (the CLI's --fix and the server's fix-all): a fix whose finding is still there after it
 * was applied — the same rule, at the same place, saying the same — did not fix it. Its round is taken
 * back and done again without it, and the fix is reported as not applied: no fix can grow a file
 * round after round (review 41a, F5: DF030 added 20 lines per --fix run, and again on the next run).
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { allRules, analyze, DEFAULT_CONFIG, fixInRounds, MAX_FIX_ROUNDS, type Rule } from '../rules';
import { viewOf } from './helpers/fixtures';

const PATH = '/w/Dockerfile';

/**
 * A Dockerfile rule that reports each line holding `marker`, at that line, with a safe fix that
 * inserts `insert` (a new line after the last line when `insertAt` is 'end', before the marker else).
 */
function fakeRule(code: string, marker: string, insert: string, insertAt: 'end' | 'replace'): Rule {
  return {
    code,
    name: `fake-${code.toLowerCase()}`,
    kind: 'dockerfile',
    severity: 'warning',
    fixable: 'always',
    docs: { summary: '', what: '', why: '', bad: '', good: '', fix: '', guideline: '', equivalents: [], references: [] },
    check: (ctx: { text: string }) =>
      ctx.text
        .split('\n')
        .map((l, line) => ({ l, line }))
        .filter((x) => x.l.includes(marker))
        .map((x) => ({ range: { start: { line: x.line, character: 0 }, end: { line: x.line, character: x.l.length } }, data: { line: x.line, length: x.l.length } })),
    message: () => `${code} finding`,
    fix: (ctx: { path: string; text: string }, d: { data: { line: number; length: number } }) => {
      const end = ctx.text.split('\n').length - 1;
      const range = insertAt === 'end' ? { start: { line: end, character: 0 }, end: { line: end, character: 0 } } : { start: { line: d.data.line, character: 0 }, end: { line: d.data.line, character: d.data.length } };
      return { title: `Fix ${code}`, safe: true, changes: [{ kind: 'edit', path: ctx.path, edits: [{ range, newText: insert }] }] };
    },
  } as unknown as Rule;
}

function rounds(rules: readonly Rule[], text: string) {
  const files = new Map([[PATH, text]]);
  const changed = new Map<string, string | undefined>();
  const run = (t: string) => analyze(rules, 'dockerfile', PATH, t, viewOf(new Map([[PATH, t]]), '/w'), DEFAULT_CONFIG);
  const r = fixInRounds({ rules, path: PATH, analysis: run(text), read: (p) => changed.get(p) ?? files.get(p), changed, reanalyze: run, choose: (fix) => fix.safe });
  return { ...r, text: changed.get(PATH) ?? text };
}

describe('fix rounds: a fix that leaves its finding is not applied (review 41a, F5)', () => {
  it('a fix that never removes its finding changes nothing and is reported, instead of being applied every round', () => {
    // Appends a line and leaves the marked line as it is: before, 20 lines per run.
    const r = rounds([fakeRule('DF901', 'BAD', 'LABEL again=1\n', 'end')], 'FROM alpine:3.22\nLABEL BAD=1\n');
    assert.equal(r.text, 'FROM alpine:3.22\nLABEL BAD=1\n');
    assert.deepEqual(r.applied, []);
    assert.deepEqual(r.notApplied.map((n) => n.finding.code), ['DF901']);
    assert.ok(MAX_FIX_ROUNDS > 1);
  });

  it('the other fixes of the round are applied', () => {
    const stuck = fakeRule('DF901', 'BAD', 'LABEL again=1\n', 'end');
    const good = fakeRule('DF902', 'OLD', 'LABEL NEW=1', 'replace');
    const r = rounds([stuck, good], 'FROM alpine:3.22\nLABEL BAD=1\nLABEL OLD=1\n');
    assert.equal(r.text, 'FROM alpine:3.22\nLABEL BAD=1\nLABEL NEW=1\n');
    assert.deepEqual(r.applied.map((f) => f.title), ['Fix DF902']);
    assert.deepEqual(r.notApplied.map((n) => n.finding.code), ['DF901']);
  });

  it('a fix that removes its finding is applied as before', () => {
    const r = rounds([fakeRule('DF902', 'OLD', 'LABEL NEW=1', 'replace')], 'FROM alpine:3.22\nLABEL OLD=1\nLABEL OLD=2\n');
    assert.equal(r.text, 'FROM alpine:3.22\nLABEL NEW=1\nLABEL NEW=1\n');
    assert.equal(r.applied.length, 2);
    assert.deepEqual(r.notApplied, []);
  });
});

describe('fix rounds: the fixes of one round are judged on the text the round starts from (review 42a, item 1)', () => {
  it('"Remove sudo" leaves `sudo cd`/`sudo umask` alone, so the RUN merge of the same round keeps what each RUN did', () => {
    // Before: `sudo cd /tmp` became the shell's cd (make ran in /tmp, touch under umask 0077), and DF039's merge,
    // judged safe on the text with sudo, then carried that state into the second RUN's commands.
    const text = 'FROM fedora:42\nWORKDIR /app\nRUN sudo cd /tmp && sudo make install\nRUN sudo umask 0077 && touch secret.txt\nUSER 1000\nHEALTHCHECK NONE\nCMD ["/app/run"]\n';
    const r = rounds(allRules, text);
    assert.equal(r.text, 'FROM fedora:42\nWORKDIR /app\nRUN sudo cd /tmp && make install \\\n    && sudo umask 0077 && touch secret.txt\nUSER 1000\nHEALTHCHECK NONE\nCMD ["/app/run"]\n');
  });
});
