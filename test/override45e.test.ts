/**
 * DC011 with the default override pair (review 45e, item 4): the override's `image:` replaces the base's (a), and a
 * `user: !reset null` there is reported there, saying it drops the base's user, with no fix (b).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, fixFinding } from '../rules';
import { analyzeCase, loadCases } from './helpers/fixtures';

function dc011(name: string) {
  const c = loadCases('DC011').find((x) => x.name === name)!;
  const analysis = analyzeCase(c);
  return analysis.findings.filter((f) => f.code === 'DC011').map((f) => ({ line: f.range.start.line, message: f.message, fix: fixFinding(allRules, analysis.context, f)?.title }));
}

describe('DC011 with the default override pair (review 45e, item 4)', () => {
  it('judges the image the override runs, not the base\'s', () => {
    assert.deepEqual(
      dc011('default-override-replaces-image').map((f) => f.message),
      ["Service 'worker' has no user: and image 'nginx:1.27' is not known to switch to a non-root user, so it most likely runs as root; set user: \"1000:1000\"."],
    );
  });

  it('reports a user: !reset in the override on that line, naming the base\'s user it drops, without a fix', () => {
    assert.deepEqual(dc011('fires-user-reset-by-override'), [
      {
        line: 5,
        message: "Service 'web' has no user: once merged: this override resets user (!reset), dropping the user: that compose.yaml sets, and image 'ghcr.io/acme/app:1.0.0' is not known to switch to a non-root user, so it most likely runs as root.",
        fix: undefined,
      },
    ]);
  });
});
