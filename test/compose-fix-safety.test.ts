/**
 * Fix safety of compose rules whose fixes take away something a service may need: `safe: false` keeps
 * them out of fix-all and `check --fix` (they stay quick fixes). The fixture tests apply every fix
 * whatever its flag, so the flag is asserted here, on the rules' own fixtures.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, fixFinding } from '../rules';
import { analyzeCase, loadCases } from './helpers/fixtures';

/** Every fix a rule offers on its fixtures: [case, title, safe]. */
function offeredFixes(code: string): { name: string; title: string; safe: boolean }[] {
  const out: { name: string; title: string; safe: boolean }[] = [];
  for (const c of loadCases(code)) {
    const analysis = analyzeCase(c);
    for (const f of analysis.findings.filter((x) => x.code === code)) {
      const fix = fixFinding(allRules, analysis.context, f);
      if (fix) out.push({ name: c.name, title: fix.title, safe: fix.safe });
    }
  }
  return out;
}

describe('compose fixes that take something away are not safe', () => {
  it('DC010: "Remove privileged: true" and "Set privileged: false" are quick fixes only (docker:dind, iptables, VPN and NFS containers need privileged)', () => {
    const fixes = offeredFixes('DC010');
    assert.ok(fixes.some((f) => f.title === 'Remove privileged: true'), 'the removal is still offered');
    assert.ok(fixes.some((f) => f.title.startsWith('Set privileged: false')), 'the override is still offered');
    assert.deepEqual(fixes.filter((f) => f.safe), [], 'a DC010 fix is marked safe');
  });

  it('DC017: removing a security profile (seccomp, apparmor, label) is a quick fix only', () => {
    const fixes = offeredFixes('DC017');
    for (const text of ['seccomp:unconfined', 'apparmor:unconfined', 'label:disable']) assert.ok(fixes.some((f) => f.title === `Remove ${text}`), `"Remove ${text}" is still offered`);
    assert.deepEqual(fixes.filter((f) => f.safe), [], 'a DC017 fix is marked safe');
  });

  it('DC031: removing a published port of a data store is a quick fix only', () => {
    const fixes = offeredFixes('DC031');
    assert.ok(fixes.length > 0);
    assert.deepEqual(fixes.filter((f) => f.safe), [], 'a DC031 fix is marked safe');
  });

  it('DC053: enabling AOF is a quick fix only, whose title says to convert a live server first (a restart with AOF on loads only the empty AOF)', () => {
    const fixes = offeredFixes('DC053');
    assert.ok(fixes.length >= 3, 'the fix is still offered');
    assert.ok(fixes.every((f) => /CONFIG SET appendonly yes/.test(f.title)), 'the title tells how to keep the data');
    assert.deepEqual(fixes.filter((f) => f.safe), [], 'a DC053 fix is marked safe');
  });
});
