/**
 * Merge leftovers (mrg6b): fixes and titles that follow what Compose merges from the default override pair
 * (compose.yaml with compose.override.yaml; Compose Specification, Merge: https://docs.docker.com/reference/compose-file/merge/).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, fixFinding } from '../rules';
import { analyzeCase, loadCases } from './helpers/fixtures';

function fixesOf(code: string, name: string) {
  const c = loadCases(code).find((x) => x.name === name);
  assert.ok(c, `no fixture ${code}/${name}`);
  const analysis = analyzeCase(c);
  return analysis.findings.filter((f) => f.code === code).map((f) => fixFinding(allRules, analysis.context, f));
}

describe('DC018 "Make the root filesystem read-only" where the merge drops the tmpfs: list (mrg6b, item 1)', () => {
  it('adds no /tmp to a list the override resets, says why, and puts it in the list the override replaces', () => {
    const fixes = fixesOf('DC018', 'default-override-tmpfs-dropped');
    assert.deepEqual(fixes.map((f) => f?.title), [
      'Make the root filesystem read-only (no tmpfs added for /tmp: compose.override.yaml resets tmpfs with !reset)',
      'Make the root filesystem read-only (no tmpfs added for /tmp: compose.override.yaml resets tmpfs with !reset)',
      'Make the root filesystem read-only (tmpfs for /tmp in compose.override.yaml)',
      'Make the root filesystem read-only (tmpfs for /tmp in compose.override.yaml)',
    ]);
    assert.deepEqual(fixes.map((f) => f?.changes.map((ch) => ch.path.split('/').pop())), [['compose.yaml'], ['compose.yaml'], ['compose.yaml', 'compose.override.yaml'], ['compose.yaml', 'compose.override.yaml']]);
  });

  it('in the override, appends nothing to its own tmpfs: !reset list', () => {
    assert.deepEqual(fixesOf('DC018', 'default-override-tmpfs-reset-here').map((f) => f?.title), [
      'Make the root filesystem read-only (no tmpfs added for /tmp: this file resets tmpfs with !reset)',
      'Make the root filesystem read-only (tmpfs for /tmp)',
    ]);
  });
});
