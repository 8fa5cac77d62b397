/**
 * review53b (entry2): DC011's messages for a service's `entrypoint:`/`command:` that runs the image's own entrypoint script
 * again. It is never said to "bypass" the entrypoint it runs: with no arguments (an `entrypoint:` and no `command:`, so Compose
 * drops the image's CMD) the message says no server starts and the fix adds the image's default command; with a command that is
 * not the server, that the entrypoint runs it as root (findings 2 and 5).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_CONFIG, fixFinding } from '../rules';
import { viewOf } from './helpers/fixtures';

function findingsOf(code: string, files: Map<string, string>, target: string) {
  const analysis = analyze(allRules, target.endsWith('Dockerfile') ? 'dockerfile' : 'compose', target, files.get(target)!, viewOf(files), DEFAULT_CONFIG);
  return analysis.findings.filter((f) => f.code === code).map((f) => ({ message: f.message, fix: fixFinding(allRules, analysis.context, f) }));
}

describe('DC011 on an entrypoint:/command: that runs the image\'s own entrypoint', () => {
  it('says the image\'s CMD is dropped when entrypoint: names it without command:, and offers the default command only when known', () => {
    const text = 'services:\n  db:\n    image: postgres:16\n    entrypoint: ["docker-entrypoint.sh"]\n  cache:\n    image: redis:3.2\n    entrypoint: ["/bin/sh", "-c", "exec docker-entrypoint.sh \\"$$@\\"", "--"]\n';
    const found = findingsOf('DC011', new Map([['/w/compose.yaml', text]]), '/w/compose.yaml');
    assert.deepEqual(found.map((f) => f.message), [
      `Service 'db' has no user: and its entrypoint: runs the entrypoint of image 'postgres:16' while the service writes no command:, so Compose drops the image's default command ("If entrypoint is non-null, Compose ignores any default command from the image"): that script gets no arguments and starts no server; add command: ["postgres"] (the image's default command) or remove the entrypoint: (a user: would not start it).`,
      `Service 'cache' has no user: and its entrypoint: runs the entrypoint of image 'redis:3.2' while the service writes no command:, so Compose drops the image's default command ("If entrypoint is non-null, Compose ignores any default command from the image"): that script gets no arguments and starts no server; add a command: that runs the server or remove the entrypoint: (a user: would not start it).`,
    ]);
    assert.deepEqual(found.map((f) => f.fix?.title), ['Add command: ["postgres"], the image\'s default command', undefined]);
  });

  it('says a command that runs it again with another program is run as root, not that it bypasses it', () => {
    const text = 'services:\n  db:\n    image: postgres:16\n    command: ["sh", "-c", "chmod 600 /k && exec docker-entrypoint.sh bash"]\n  plain:\n    image: postgres:16\n    command: ["bash"]\n';
    const messages = findingsOf('DC011', new Map([['/w/compose.yaml', text]]), '/w/compose.yaml').map((f) => f.message);
    assert.deepEqual(messages, [
      "Service 'db' has no user: and its command: runs the entrypoint of image 'postgres:16' again, but with a command that is not its server, which that entrypoint runs as root (it steps down only for the server); set user: postgres (the image's own user, which owns its data directory) or give it the server.",
      "Service 'plain' has no user: and its own command bypasses the entrypoint with which image 'postgres:16' steps down to a non-root user, so it runs as root; set user: postgres (the image's own user, which owns its data directory) or keep the image's entrypoint.",
    ]);
  });
});

describe('DC011 over a build.target stage', () => {
  it('names the stage it judged and its line, not only the Dockerfile, whose final stage DF010 reports', () => {
    const files = new Map([
      ['/w/compose.yaml', 'services:\n  web:\n    build:\n      context: app\n      target: builder\n  final:\n    build: app\n'],
      ['/w/app/Dockerfile', 'FROM python:3.12 AS builder\nCOPY . /app\nCMD ["python", "/app/manage.py", "runserver"]\n\nFROM builder AS dev-envs\nRUN useradd -m dev\nUSER dev\n'],
    ]);
    assert.deepEqual(findingsOf('DC011', files, '/w/compose.yaml').map((f) => f.message), [
      "Service 'web' has no user: and stage 'builder' (line 1), the build.target of the Dockerfile it builds, leaves the user as root; set a non-root USER there or user: \"1000:1000\" here.",
    ]);
  });
});
