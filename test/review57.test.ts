/**
 * Review 57: wrong safe fixes and false findings found by probing last session's code (probes under /tmp/s38/review57/).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, fixFinding, moreFixesFor } from '../rules';
import { viewOf } from './helpers/fixtures';

const analyzedDockerfile = (text: string, files: Record<string, string> = {}) =>
  analyze(allRules, 'dockerfile', '/ws/Dockerfile', text, viewOf(new Map([['/ws/Dockerfile', text], ...Object.entries(files).map(([p, t]) => [`/ws/${p}`, t] as [string, string])]), '/ws'));

describe('DG001: a comment with two unused codes, one of them meant for the finding below it (review57, F1)', () => {
  // Probe p01: `# docker-guardrails-ignore DF001,DF045 -- …`, a blank line, `FROM node:latest`. DF001's DG001 finding
  // offers the move (quick) and a quick removal; DF045's removed the whole comment, DF001 and its reason with it, as safe.
  const TEXT = '# docker-guardrails-ignore DF001,DF045 -- the tag is chosen by CI\n\nFROM node:latest\nUSER 1000\n';

  it('removing the whole comment is a quick fix for every code of it, and the other code\'s message says why', () => {
    const a = analyzedDockerfile(TEXT);
    const offered = a.findings
      .filter((f) => f.code === 'DG001')
      .flatMap((f) => [fixFinding(allRules, a.context, f), ...moreFixesFor(allRules, a.context, f)].filter((x) => x !== undefined).map((x) => `${(f.data as { code: string }).code}: ${x.title} (${x.safe ? 'safe' : 'quick'})`));
    assert.deepEqual(offered, ['DF001: Remove unused ignore comment (quick)', 'DF001: Move the ignore comment directly above line 3 (its DF001 finding) (quick)', 'DF045: Remove unused ignore comment (quick)']);
    const df045 = a.findings.find((f) => f.code === 'DG001' && (f.data as { code: string }).code === 'DF045');
    assert.match(df045?.message ?? '', /DF001 in the same comment may be meant for the DF001 finding on line 3/);
  });

  it('control: both codes unused with no finding below keep the safe removal', () => {
    const a = analyzedDockerfile('# docker-guardrails-ignore DF001,DF045\n\nFROM node:24.11.0-alpine\nUSER 1000\n');
    const safe = a.findings.filter((f) => f.code === 'DG001').map((f) => fixFinding(allRules, a.context, f)?.safe);
    assert.deepEqual(safe, [true, true]);
  });
});
