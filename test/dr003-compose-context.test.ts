/**
 * DR003 takes a Dockerfile's build context from the compose files that `docker compose` reads only with `-f`
 * (`docker-compose.test.yml`) when no default-named one builds it (review53b, finding 3). example-voting-app's
 * `result/docker-compose.test.yml` builds `./tests/`: `check --fix` planned `result/tests/.dockerignore`, but the
 * `result/.dockerignore` it wrote first made the tests image's context "not known" (a folder above has an ignore
 * file), so the second file was never written and the finding disappeared, though Docker reads only the ignore file
 * at the root of the context.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from './helpers/cli';
import { tempFiles } from './helpers/temp';

const APP = 'FROM node:22-slim\nCOPY . /app\nCMD ["node", "/app/main.js"]\n';
const TESTS = 'FROM node:22-slim\nCOPY . /app\nCMD ["/app/tests.sh"]\n';

function project(composeName: string): string {
  return tempFiles('dg-dr003-ctx-', {
    [`app/${composeName}`]: 'services:\n  sut:\n    build: ./tests/\n  app:\n    build: .\n',
    'app/Dockerfile': APP,
    'app/tests/Dockerfile': TESTS,
  });
}

/** The files DR003 reports on, relative to the project. */
function dr003Files(dir: string): string[] {
  const r = runCli(['check', '.', '--format', 'json'], dir);
  const findings = JSON.parse(r.stdout) as { code: string; file: string }[];
  return findings.filter((f) => f.code === 'DR003').map((f) => f.file).sort();
}

describe('DR003 reads the build context a docker-compose.test.yml gives', () => {
  it('reports the tests Dockerfile whose context (./tests/) has no ignore file, though the folder above has one', () => {
    const dir = project('docker-compose.test.yml');
    fs.writeFileSync(path.join(dir, 'app/.dockerignore'), '**/.env\n**/*.pem\n**/*.key\n**/id_rsa*\n');
    assert.deepEqual(dr003Files(dir), ['app/tests/Dockerfile']);
  });

  it('`check --fix` writes the ignore file of both contexts, and nothing is left to report', () => {
    for (const name of ['docker-compose.test.yml', 'compose.yaml']) {
      const dir = project(name);
      runCli(['check', '.', '--fix'], dir);
      assert.equal(fs.existsSync(path.join(dir, 'app/.dockerignore')), true, name);
      assert.equal(fs.readFileSync(path.join(dir, 'app/tests/.dockerignore'), 'utf8'), '**/.env\n**/*.pem\n**/*.key\n**/id_rsa*\n', name);
      assert.deepEqual(dr003Files(dir), [], name);
    }
  });
});
