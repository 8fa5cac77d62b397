/**
 * review54b (entry4): entrypoints and build contexts. An `entrypoint:` naming the image's own script with a `command:` that gives
 * no words is the no-command case (F5).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_CONFIG, fixFinding } from '../rules';
import { viewOf } from './helpers/fixtures';

function findingsOf(code: string, files: Map<string, string>, target: string) {
  const analysis = analyze(allRules, target.endsWith('Dockerfile') ? 'dockerfile' : 'compose', target, files.get(target)!, viewOf(files), DEFAULT_CONFIG);
  return analysis.findings.filter((f) => f.code === code).map((f) => ({ message: f.message, fix: fixFinding(allRules, analysis.context, f) }));
}

describe('DC011: entrypoint: naming the image\'s entrypoint with an empty or null command: (F5)', () => {
  it('says no server starts and sets the default command, never a user:', () => {
    const service = (name: string, command: string) => `  ${name}:\n    image: postgres:16\n    entrypoint: ["docker-entrypoint.sh"]\n    command: ${command}\n`;
    const text = `services:\n${service('a', '[]')}${service('b', "''")}${service('c', 'null')}${service('d', '')}`;
    const found = findingsOf('DC011', new Map([['/w/compose.yaml', text]]), '/w/compose.yaml');
    const start = "has no user: and its entrypoint: runs the entrypoint of image 'postgres:16' while the service";
    const end = ': that script gets no arguments and starts no server; set command: ["postgres"] (the image\'s default command) or remove the entrypoint: (a user: would not start it).';
    const empty = `writes an empty command:, which overrides the image's default command to be empty${end}`;
    const nulled = `'s command: is null, which leaves the image's default command, and Compose drops that ("If entrypoint is non-null, Compose ignores any default command from the image")${end}`;
    assert.deepEqual(found.map((f) => f.message), [`Service 'a' ${start} ${empty}`, `Service 'b' ${start} ${empty}`, `Service 'c' ${start}${nulled}`, `Service 'd' ${start}${nulled}`]);
    const set = 'Set command: ["postgres"], the image\'s default command';
    assert.deepEqual(found.map((f) => f.fix?.title), [set, set, set, undefined]);
  });
});
