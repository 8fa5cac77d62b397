/**
 * DF012 on an image whose product is SSH itself (review 48b, finding 5: gitea's `EXPOSE 22 3000` for git over
 * SSH): info with no fix, and a message that names the service; an SSH server for shell access stays a warning
 * with its quick fix.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, fixFinding } from '../rules';
import { analyzeCase, loadCases } from './helpers/fixtures';

/** `severity fix|no-fix message-start` for each DF012 finding of a fixture. */
function df012(name: string): string[] {
  const c = loadCases('DF012').find((x) => x.name === name);
  assert.ok(c, name);
  const analysis = analyzeCase(c);
  return analysis.findings
    .filter((f) => f.code === 'DF012')
    .map((f) => `${f.severity} ${fixFinding(allRules, analysis.context, f) ? 'fix' : 'no-fix'} ${f.message.slice(0, f.message.indexOf(':'))}`);
}

describe('DF012 tells an SSH service from a shell login', () => {
  it('reports the port of an SSH service as info, without "Remove EXPOSE 22"', () => {
    assert.deepEqual(df012('fires-info-git-over-ssh.dockerfile'), ['info no-fix EXPOSE 22 is the port of the SSH service this image provides (git over SSH']);
    assert.deepEqual(df012('fires-info-git-shell.dockerfile'), ['info no-fix EXPOSE 22 is the port of the SSH service this image provides (git over SSH']);
    assert.deepEqual(df012('fires-info-sftp-only.dockerfile'), ['info no-fix EXPOSE 22 is the port of the SSH service this image provides (SFTP']);
    assert.deepEqual(df012('fires-info-forge-base.dockerfile'), ['info no-fix EXPOSE 22 is the port of the SSH service this image provides (the SSH service of gitea/gitea), not a shell login']);
    assert.deepEqual(df012('fires-info-sftp-base.dockerfile'), ['info no-fix EXPOSE 22 is the port of the SSH service this image provides (the SSH service of atmoz/sftp), not a shell login']);
  });

  it('keeps the warning and its quick fix for sshd beside an app or on its own', () => {
    assert.deepEqual(df012('fires-sshd-beside-app.dockerfile'), ["warning fix EXPOSE 22 advertises SSH (port 22)"]);
    assert.deepEqual(df012('fires-sshd-alone.dockerfile'), ["warning fix EXPOSE 22 advertises SSH (port 22)"]);
  });
});
