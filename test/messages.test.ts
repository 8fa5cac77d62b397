/**
 * Messages that name the right cause and the right service or stage: DC011 when a data store runs as
 * root only because the service's `entrypoint:` or `command:` bypasses its step-down; DC041 for a
 * password an anchor shares between the database and its clients; DC060 on what loses the data; DC022
 * on what it read; DF010 for a root user inherited from another stage.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_CONFIG } from '../rules';
import { viewOf } from './helpers/fixtures';

describe('messages name the cause', () => {
  it('say when the service bypasses the step-down of a known image, and only then', () => {
    const text = [
      'services:',
      '  shell:',
      '    image: valkey/valkey:8.0-alpine',
      '    command: [sh, -c, "valkey-server --save 60 1"]',
      '  script:',
      '    image: redis:7.4-alpine',
      '    entrypoint: ["/bin/sh", "/redis-conf.sh"]',
      '  app:',
      '    image: ghcr.io/acme/app:1.0',
      '',
    ].join('\n');
    const files = new Map([['/m/compose.yaml', text]]);
    const a = analyze(allRules, 'compose', '/m/compose.yaml', text, viewOf(files), DEFAULT_CONFIG);
    const messages = Object.fromEntries(a.findings.filter((f) => f.code === 'DC011').map((f) => [String((f.data as { service: string }).service), f.message]));
    assert.match(messages.shell, /its own command bypasses the entrypoint with which image 'valkey\/valkey:8.0-alpine' steps down/);
    assert.match(messages.script, /its own entrypoint bypasses the entrypoint with which image 'redis:7.4-alpine' steps down/);
    assert.match(messages.app, /is not known to switch to a non-root user/);
  });

  it('DC041 names the data store when an anchor gives the same password to it and to its clients', () => {
    const text = 'x-env: &env\n  POSTGRES_PASSWORD: postgres\n  POSTGRES_USER: app\nservices:\n  web:\n    image: ghcr.io/acme/web:1.0\n    environment:\n      <<: *env\n  db:\n    image: postgres:17\n    environment:\n      <<: *env\n';
    const files = new Map([['/m/compose.yaml', text]]);
    const a = analyze(allRules, 'compose', '/m/compose.yaml', text, viewOf(files), DEFAULT_CONFIG);
    const dc041 = a.findings.filter((f) => f.code === 'DC041');
    assert.equal(dc041.length, 1);
    assert.match(dc041[0].message, /of service 'db'/);
  });

  it('DC060 says what loses the data: down then up (re-creating by up keeps anonymous volumes), a restart for a tmpfs', () => {
    const text = 'services:\n  db:\n    image: postgres:17\n  cache:\n    image: redis:7.4\n    tmpfs:\n      - /data\n  app:\n    image: ghcr.io/acme/app:1.0\n';
    const files = new Map([['/m/compose.yaml', text]]);
    const a = analyze(allRules, 'compose', '/m/compose.yaml', text, viewOf(files), DEFAULT_CONFIG);
    const byService = Object.fromEntries(a.findings.filter((f) => f.code === 'DC060').map((f) => [String((f.data as { service: string }).service), f.message]));
    assert.match(byService.db, /'docker compose down' then 'up' starts it empty/);
    assert.doesNotMatch(byService.db, /re-creating/);
    assert.match(byService.cache, /every restart of the container loses it/);
  });

  it('DC022 says whether it read the Dockerfile or only knows the image by name', () => {
    const files = new Map([
      ['/h/compose.yaml', 'services:\n  web:\n    image: ghcr.io/acme/web:1.0\n  api:\n    build: ./api\n'],
      ['/h/api/Dockerfile', 'FROM node:24-alpine\nCMD ["node", "server.js"]\n'],
    ]);
    const a = analyze(allRules, 'compose', '/h/compose.yaml', files.get('/h/compose.yaml')!, viewOf(files), DEFAULT_CONFIG);
    const byService = Object.fromEntries(a.findings.filter((f) => f.code === 'DC022').map((f) => [String((f.data as { service: { name: string } }).service.name), f.message]));
    assert.match(byService.web, /no healthcheck \(and image 'ghcr\.io\/acme\/web:1\.0' is not known to declare one\)/);
    assert.match(byService.api, /no healthcheck \(and the Dockerfile it builds declares no HEALTHCHECK\)/);
  });

  it('DF010 says the final stage inherits USER root, not that it has no USER', () => {
    const text = 'FROM debian:trixie-slim AS base\nUSER root\nRUN apt-get update\n\nFROM base\nCOPY app /app\nCMD ["/app/run"]\n';
    const files = new Map([['/d/Dockerfile', text]]);
    const a = analyze(allRules, 'dockerfile', '/d/Dockerfile', text, viewOf(files), DEFAULT_CONFIG);
    const df010 = a.findings.filter((f) => f.code === 'DF010');
    assert.equal(df010.length, 1);
    assert.match(df010[0].message, /has no USER of its own and inherits USER root from the stage it builds on/);
  });
});

