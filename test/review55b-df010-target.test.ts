/**
 * review55b (entry5): DF010's note on a compose service whose build.target is another stage (F3, F7): read from the files
 * `docker compose up` loads, merged as it merges them; not given for a stage that already runs as a non-root user.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_CONFIG } from '../rules';
import { viewOf } from './helpers/fixtures';

const DOCKERFILE = 'FROM node:22 AS dev\nWORKDIR /app\nCMD ["node", "server.js"]\n\nFROM node:22 AS test\nWORKDIR /app\n\nFROM node:22 AS prod\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n';
const target = (t: string) => `services:\n  api:\n    build:\n      context: .\n      target: ${t}\n`;

function df010(files: Record<string, string>, dockerfile = DOCKERFILE): string[] {
  const all = new Map(Object.entries({ Dockerfile: dockerfile, ...files }).map(([k, v]) => [`/w/${k}`, v]));
  const analysis = analyze(allRules, 'dockerfile', '/w/Dockerfile', dockerfile, viewOf(all), DEFAULT_CONFIG);
  return analysis.findings.filter((f) => f.code === 'DF010').map((f) => f.message);
}

const NOTE = 'as its build.target, not this final stage';

describe('DF010: the build.target note reads the files Compose loads, merged (F3)', () => {
  it('names the target of compose.yaml alone (control)', () => {
    const [m] = df010({ 'compose.yaml': target('dev') });
    assert.ok(m.includes("Compose service 'api' (compose.yaml) builds stage 'dev' (line 1) " + NOTE), m);
  });

  it('gives no note when compose.override.yaml retargets the service to the final stage', () => {
    const [m] = df010({ 'compose.yaml': target('dev'), 'compose.override.yaml': 'services:\n  api:\n    build:\n      target: prod\n' });
    assert.ok(!m.includes(NOTE), m);
  });

  it("names the override's stage, in the override, when it retargets to another stage that is not the final one", () => {
    const [m] = df010({ 'compose.yaml': target('test'), 'compose.override.yaml': 'services:\n  api:\n    build:\n      target: dev\n' });
    assert.ok(m.includes("Compose service 'api' (compose.override.yaml) builds stage 'dev' (line 1) " + NOTE), m);
    assert.ok(!m.includes("'test'"), m);
  });

  it('gives no note when the override drops the target, the build or the service', () => {
    for (const over of [
      'services:\n  api:\n    build:\n      target: !reset null\n',
      'services:\n  api:\n    build: !override\n      context: .\n',
      'services:\n  api: !reset {}\n',
    ]) {
      const [m] = df010({ 'compose.yaml': target('dev'), 'compose.override.yaml': over });
      assert.ok(!m.includes(NOTE), `${over}: ${m}`);
    }
  });

  it('does not read a leftover docker-compose.yml beside compose.yaml', () => {
    const [m] = df010({ 'compose.yaml': 'services:\n  api:\n    build: .\n', 'docker-compose.yml': target('dev') });
    assert.ok(!m.includes(NOTE), m);
    // Alone, docker-compose.yml is the file Compose loads.
    const [alone] = df010({ 'docker-compose.yml': target('dev') });
    assert.ok(alone.includes("'api' (docker-compose.yml) builds stage 'dev'"), alone);
  });
});

describe('DF010: no build.target note for a stage that already runs as a non-root user (F7)', () => {
  it('is given for a root target stage, not for one with USER node (or built on one that has it)', () => {
    const withUser = DOCKERFILE.replace('FROM node:22 AS dev\n', 'FROM node:22 AS dev\nUSER node\n');
    const [m] = df010({ 'compose.yaml': target('dev') }, withUser);
    assert.ok(!m.includes(NOTE), m);
    const inherited = withUser.replace('FROM node:22 AS test\n', 'FROM dev AS test\n');
    const [n] = df010({ 'compose.yaml': target('test') }, inherited);
    assert.ok(!n.includes(NOTE), n);
    const root = DOCKERFILE.replace('FROM node:22 AS dev\n', 'FROM node:22 AS dev\nUSER root\n');
    const [r] = df010({ 'compose.yaml': target('dev') }, root);
    assert.ok(r.includes(NOTE), r);
  });
});
