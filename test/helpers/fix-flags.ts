import * as assert from 'node:assert/strict';
import { allRules, fixFinding } from '../../rules';
import { analyzeCase, loadCases } from './fixtures';

/**
 * The safety flag of the fix each finding of `code` offers on one of that rule's fixture cases, by the findings' lines
 * (1-based): `line:true` (safe), `line:false` (quick fix), `line:none` (no fix). The fixture tests apply every fix
 * whatever its flag; suites that pin which fixes are safe assert these.
 */
export function fixFlagsOf(code: string, name: string): string[] {
  const c = loadCases(code).find((x) => x.name === name);
  assert.ok(c, `no fixture ${code}/${name}`);
  const analysis = analyzeCase(c);
  const out: string[] = [];
  for (const f of analysis.findings.filter((x) => x.code === code).sort((a, b) => a.range.start.line - b.range.start.line)) {
    const fix = fixFinding(allRules, analysis.context, f);
    out.push(`${f.range.start.line + 1}:${fix ? fix.safe : 'none'}`);
  }
  return out;
}
