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

  it('DF044: the project directory an included compose file gets from the file that includes it, after that changed', () => {
    const files: FileSet = new Map([
      ['/n2/compose.yaml', 'include:\n  - path: svc/compose.yaml\n    project_directory: .\n'],
      ['/n2/svc/compose.yaml', 'services:\n  app:\n    build: app\n    healthcheck:\n      test: ["CMD", "/app/healthcheck"]\n'],
      ['/n2/app/Dockerfile', 'FROM node:22-alpine\nEXPOSE 3000\nUSER node\nCMD ["node", "server.js"]\n'],
    ]);
    const df044 = () => analyze(allRules, 'dockerfile', '/n2/app/Dockerfile', files.get('/n2/app/Dockerfile')!, viewOf(files), DEFAULT_CONFIG).findings.some((f) => f.code === 'DF044');
    // `build: app` resolves against the project directory /n2: the service builds this Dockerfile and has a healthcheck.
    assert.equal(df044(), false);
    // Without project_directory, it resolves against /n2/svc: no service with a healthcheck builds this Dockerfile.
    files.set('/n2/compose.yaml', 'include:\n  - path: svc/compose.yaml\n');
    assert.equal(df044(), true);
  });

  it('DC030: the override Compose merges by default, after its `!reset` was removed', () => {
    const files: FileSet = new Map([
      ['/n3/compose.yaml', 'services:\n  web:\n    image: example/web:1.4.2\n    ports:\n      - "8081:80"\n'],
      ['/n3/compose.override.yaml', 'services:\n  web:\n    ports: !reset []\n'],
    ]);
    const dc030 = () => analyze(allRules, 'compose', '/n3/compose.yaml', files.get('/n3/compose.yaml')!, viewOf(files), DEFAULT_CONFIG).findings.filter((f) => f.code === 'DC030').length;
    // The override resets the port: the merged service publishes none (review 41c, item 1).
    assert.equal(dc030(), 0);
    // Without the tag the override's ports are appended to the base's: the base's port is published again.
    files.set('/n3/compose.override.yaml', 'services:\n  web:\n    ports:\n      - "127.0.0.1:8443:443"\n');
    assert.equal(dc030(), 1);
  });
});
