/**
 * entry3: DC011's default command for more images (item 1), DF010's note about a compose service that builds another stage
 * (item 2), DC040's message naming the services that load the .env whole (item 3), and POSIX bracket classes in .dockerignore
 * (item 4).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_CONFIG, fixFinding } from '../rules';
import { viewOf } from './helpers/fixtures';

function findingsOf(code: string, files: Map<string, string>, target: string) {
  const analysis = analyze(allRules, target.endsWith('Dockerfile') ? 'dockerfile' : 'compose', target, files.get(target)!, viewOf(files), DEFAULT_CONFIG);
  return analysis.findings.filter((f) => f.code === code).map((f) => ({ message: f.message, line: f.range.start.line, fix: fixFinding(allRules, analysis.context, f) }));
}

describe('entry3 item 1: DC011 adds the default command of more official images', () => {
  it('through a sh -c wrapper of the image entrypoint too, with the tag deciding', () => {
    const text = 'services:\n  cache:\n    image: redis:7.4\n    entrypoint: ["/bin/sh", "-c", "exec docker-entrypoint.sh \\"$$@\\"", "--"]\n  old:\n    image: mariadb:10.4\n    entrypoint: ["docker-entrypoint.sh"]\n  win:\n    image: mongo:7.0-windowsservercore-ltsc2022\n    entrypoint: ["docker-entrypoint.sh"]\n';
    const found = findingsOf('DC011', new Map([['/w/compose.yaml', text]]), '/w/compose.yaml');
    assert.deepEqual(found.map((f) => f.fix?.title), ['Add command: ["redis-server"], the image\'s default command', 'Add command: ["mysqld"], the image\'s default command']);
  });
});
