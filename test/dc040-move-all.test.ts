/**
 * DC040's second fix, "Move all inline secrets of this file to .env": one workspace edit that must
 * leave the files exactly as applying every single fix one after the other does (the case's expected/).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, ruleByCode } from '../rules';
import type { ComposeContext } from '../rules/engine/compose';
import { analyzeCase, loadCases } from './helpers/fixtures';

describe('DC040 move all inline secrets', () => {
  const rule = ruleByCode('DC040')!;

  it('is offered on every finding of a file with several, and equals the single fixes applied in turn', () => {
    const c = loadCases('DC040').find((x) => x.name === 'move-all-in-one-edit')!;
    assert.ok(c?.expected);
    const analysis = analyzeCase(c);
    const findings = analysis.findings.filter((f) => f.code === 'DC040');
    assert.ok(findings.length > 2);
    const fixes = findings.map((f) => rule.moreFixes!(analysis.context as ComposeContext, f));
    for (const list of fixes) assert.equal(list.length, 1);
    const fix = fixes[0][0];
    assert.match(fix.title, /^Move all \d+ inline secrets of this file to \.env$/);
    assert.equal(new Set(fix.changes.map((ch) => ch.path)).size, fix.changes.length, 'one change per file');
    const files = applyFix(c.files, fix);
    for (const [p, want] of c.expected!) assert.equal(files.get(p), want, `${p} differs`);
    const after = analyzeCase(c, files).findings.filter((f) => f.code === 'DC040');
    assert.equal(after.length, 0);
  });

  it('is not offered for a single inline secret', () => {
    const c = loadCases('DC040').find((x) => x.name === 'move-appends-existing')!;
    const analysis = analyzeCase(c);
    for (const f of analysis.findings.filter((x) => x.code === 'DC040')) assert.deepEqual(rule.moreFixes!(analysis.context as ComposeContext, f), []);
  });
});
