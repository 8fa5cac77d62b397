/**
 * DC011 over a service that builds a Dockerfile on an image whose entrypoint steps down (redis): when the Dockerfile alone
 * keeps the step-down and the service's own `command:` or `entrypoint:` is what bypasses it, the message names that key, as
 * for a pulled image, not "the Dockerfile it builds" (review51, finding 7); the fix still sets the base image's user.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_CONFIG } from '../rules';
import { viewOf } from './helpers/fixtures';

const KEEPS_ENTRYPOINT = 'FROM redis:7.4\nENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["redis-server"]\n';
const INHERITS = 'FROM redis:7.4\nCMD ["redis-server"]\n';
const OTHER_CMD = 'FROM redis:7.4\nCMD ["sh", "-c", "redis-server"]\n';

function dc011(compose: string, dockerfiles: Record<string, string>) {
  const files = new Map([['/w/compose.yaml', compose], ...Object.entries(dockerfiles).map(([dir, text]) => [`/w/${dir}/Dockerfile`, text] as [string, string])]);
  return analyze(allRules, 'compose', '/w/compose.yaml', compose, viewOf(files), DEFAULT_CONFIG).findings.filter((f) => f.code === 'DC011');
}

describe('DC011 names the service\'s own command or entrypoint that bypasses a built base image\'s step-down', () => {
  it('says the service\'s own command, over a Dockerfile that keeps the entrypoint or inherits it', () => {
    const found = dc011('services:\n  kept:\n    build: ./kept\n    command: ["sh", "-c", "redis-server --appendonly yes"]\n  inherited:\n    build: ./inherited\n    command: sh -c "redis-server"\n', { kept: KEEPS_ENTRYPOINT, inherited: INHERITS });
    assert.deepEqual(found.map((f) => f.message), [
      "Service 'kept' has no user: and its own command bypasses the entrypoint with which the base image of the Dockerfile it builds steps down to its own user redis, so it runs as root; set user: redis here or give it a command that runs the server.",
      "Service 'inherited' has no user: and its own command bypasses the entrypoint with which the base image of the Dockerfile it builds steps down to its own user redis, so it runs as root; set user: redis here or give it a command that runs the server.",
    ]);
  });
  it('says the service\'s own entrypoint', () => {
    const found = dc011('services:\n  cache:\n    build: ./kept\n    entrypoint: ["sh", "-c", "redis-server"]\n', { kept: KEEPS_ENTRYPOINT });
    assert.deepEqual(found.map((f) => f.message), [
      "Service 'cache' has no user: and its own entrypoint bypasses the entrypoint with which the base image of the Dockerfile it builds steps down to its own user redis, so it runs as root; set user: redis here or keep the image's entrypoint.",
    ]);
  });
  it('blames the Dockerfile when its own CMD or ENTRYPOINT bypasses it, and the command that replaces that CMD', () => {
    const found = dc011('services:\n  own:\n    build: ./other\n  both:\n    build: ./other\n    command: ["sh", "-c", "redis-server"]\n  own-entrypoint:\n    build: ./wrapper\n    command: ["redis-server"]\n', { other: OTHER_CMD, wrapper: 'FROM redis:7.4\nENTRYPOINT ["sh", "-c", "redis-server"]\n' });
    assert.deepEqual(found.map((f) => f.message), [
      "Service 'own' has no user: and the Dockerfile it builds bypasses the entrypoint with which its base image steps down to its own user redis, so it runs as root; set USER redis there or user: redis here.",
      "Service 'both' has no user: and its own command bypasses the entrypoint with which the base image of the Dockerfile it builds steps down to its own user redis, so it runs as root; set user: redis here or give it a command that runs the server.",
      "Service 'own-entrypoint' has no user: and the Dockerfile it builds bypasses the entrypoint with which its base image steps down to its own user redis, so it runs as root; set USER redis there or user: redis here.",
    ]);
  });
});
