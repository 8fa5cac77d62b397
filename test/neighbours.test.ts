/**
 * Files read while analyzing another file (a compose file that builds the Dockerfile, a `.env`, an
 * override file) are read as they are now: what an earlier analysis read of them must not outlive it.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_CONFIG, fixFinding, type FileSet } from '../rules';
import { viewOf } from './helpers/fixtures';

describe('neighbouring files are read as they are now', () => {
  it('DF020: the .env of the compose file that builds the Dockerfile, after it changed', () => {
    const files: FileSet = new Map([
      ['/n1/compose.yaml', 'services:\n  app:\n    build: .\n'],
      ['/n1/Dockerfile', 'FROM alpine:3.20\nENV DB_PASSWORD=hunter2\nUSER 1000\nCMD ["app"]\n'],
      ['/n1/.env', 'DB_PASSWORD=hunter2\n'],
    ]);
    const fixTitle = () => {
      const a = analyze(allRules, 'dockerfile', '/n1/Dockerfile', files.get('/n1/Dockerfile')!, viewOf(files), DEFAULT_CONFIG);
      const finding = a.findings.find((f) => f.code === 'DF020');
      assert.ok(finding, 'DF020 fires');
      return fixFinding(allRules, a.context, finding)?.title;
    };
    // .env already holds the value: the fix moves the variable to the service and leaves .env as it is.
    assert.equal(fixTitle(), 'Move DB_PASSWORD to .env (service app)');
    // .env now gives the service another value: moving the ENV would change what the container gets.
    files.set('/n1/.env', 'DB_PASSWORD=something-else\n');
    assert.notEqual(fixTitle(), 'Move DB_PASSWORD to .env (service app)');
  });
});
