/**
 * Layer 1: every rule against its fixture files. A case must produce exactly the findings marked
 * `# expect: CODE` in it; each fix is applied through the shared edit code and the result is
 * re-analyzed (the fixed finding is gone, the file still parses, fixing again changes nothing).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { allRules, fixFinding, type FileSet } from '../rules';
import { analyzeCase, applyAllFixes, expectedMarkers, findingKeys, FIXTURES, loadCases, type FixtureCase } from './helpers/fixtures';

function assertStillParses(c: FixtureCase, files: FileSet): void {
  const text = files.get(c.target) ?? '';
  if (c.kind === 'compose') {
    const errors = parseAllDocuments(text).flatMap((d) => ('errors' in d ? d.errors : []));
    assert.deepEqual(errors.map((e) => e.message), [], `${c.code}/${c.name}: fixed compose file no longer parses`);
  } else {
    assert.ok(!/\u0000/.test(text));
  }
}

// DG_RULES=regex limits the run to matching rule codes (for quick iteration on one rule).
const only = process.env.DG_RULES ? new RegExp(process.env.DG_RULES) : undefined;

for (const rule of allRules.filter((r) => !only || only.test(r.code))) {
  describe(`${rule.code} ${rule.name}`, () => {
    const cases = loadCases(rule.code);

    // DG002 reports problems of the config file, not of Dockerfiles or compose files: its tests are
    // the config-file tests in lsp.test.ts and cli.test.ts.
    it('has fixtures that fire and fixtures that must not', { skip: rule.code === 'DG002' ? 'tested by the config-file tests' : false }, () => {
      assert.ok(cases.length > 0, `no fixtures in test/fixtures/${rule.code}`);
      const firing = cases.filter((c) => expectedMarkers(c.files.get(c.target) ?? '').some((m) => m.startsWith(rule.code + '@')));
      assert.ok(firing.length > 0, 'no fixture marks a finding of this rule');
      assert.ok(firing.length < cases.length, 'no fixture where this rule must stay silent');
      if (rule.fix) assert.ok(cases.some((c) => c.expected), 'the rule has a fix but no fixture checks its result');
    });

    for (const c of cases) {
      it(`fixture ${c.name}`, () => {
        const text = c.files.get(c.target) ?? '';
        const expected = expectedMarkers(text);
        const codes = new Set([rule.code, ...expected.map((e) => e.split('@')[0])]);
        const analysis = analyzeCase(c);
        assert.deepEqual(analysis.failures, [], 'a rule threw');
        assert.deepEqual(findingKeys(analysis.findings, codes), expected);
        for (const f of analysis.findings) {
          assert.ok(f.range.start.line >= 0 && f.range.end.line >= f.range.start.line, 'range inside the document');
          assert.ok(f.message.length > 0);
        }

        const fixable = analysis.findings.filter((f) => f.code === rule.code && fixFinding(allRules, analysis.context, f));
        if (!c.expected) {
          assert.equal(fixable.length, 0, `fixes are offered here: add the expected result (${c.name.replace(/(\.[^.]+)$/, '.fixed$1')} or expected/)`);
          return;
        }
        const before = analysis.findings.filter((f) => f.code === rule.code).length;
        const { files, applied } = applyAllFixes(c, rule.code);
        assert.ok(applied > 0, 'an expected result is given but no fix was offered');
        for (const [p, want] of c.expected) assert.equal(files.get(p), want, `fixed ${path.basename(p)} differs from the expected file`);
        assertStillParses(c, files);
        const after = analyzeCase(c, files);
        assert.deepEqual(after.failures, []);
        const remaining = after.findings.filter((f) => f.code === rule.code);
        assert.ok(remaining.length <= before - applied, 'each applied fix removes its finding');
        assert.ok(remaining.every((f) => !fixFinding(allRules, after.context, f)), 'fixing again would change the file (not idempotent)');
      });
    }
  });
}

describe('registry', () => {
  it('has unique, well-formed codes and complete docs', () => {
    const seen = new Set<string>();
    for (const rule of allRules) {
      assert.match(rule.code, /^(DF|DC|DR|DG)\d{3}$/);
      assert.ok(!seen.has(rule.code), `duplicate code ${rule.code}`);
      seen.add(rule.code);
      assert.match(rule.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      for (const k of ['what', 'why', 'bad', 'good', 'fix', 'guideline'] as const) assert.ok(rule.docs[k].trim().length > 0, `${rule.code} docs.${k} empty`);
      assert.ok(rule.docs.equivalents.length > 0, `${rule.code}: name the equivalent check of another tool`);
      assert.ok(rule.docs.references.length > 0, `${rule.code}: name a source`);
    }
  });

  it('every fixture file is committable (fixtures carry .gitignore files that could hide their own .env)', () => {
    const root = path.resolve(FIXTURES, '../..');
    const r = spawnSync('git', ['ls-files', '--others', '--ignored', '--exclude-standard', 'test/fixtures'], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) return; // not a git checkout (e.g. an unpacked release): nothing to check
    assert.deepEqual(r.stdout.split('\n').filter(Boolean), [], 'git ignores these fixture files: add them with `git add -f`');
  });

  it('every fixture folder belongs to a rule', () => {
    for (const dir of fs.readdirSync(FIXTURES)) assert.ok(allRules.some((r) => r.code === dir), `test/fixtures/${dir} has no rule`);
  });
});
