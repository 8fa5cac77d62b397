/**
 * review56b: fix-safety and build-context readings of the last session (entry5, fixes55c) that were still wrong.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allRules, analyze, DEFAULT_CONFIG, fixFinding } from '../rules';
import { viewOf } from './helpers/fixtures';
import { runCli } from './helpers/cli';
import { tempRepository } from './helpers/temp';

/** A folder with these files and a `.git` folder (a repository root). */
function project(files: Record<string, string>): string {
  return tempRepository('dg-review56b-', files);
}

const read = (dir: string, name: string) => fs.readFileSync(path.join(dir, name), 'utf8');

interface JsonFinding {
  code: string;
  message: string;
  file: string;
  range: { start: { line: number } };
  fix?: { title: string; safe: boolean };
}
const findings = (dir: string): JsonFinding[] => JSON.parse(runCli(['check', '.', '--format', 'json'], dir).stdout) as JsonFinding[];

const SECRET_DOCKERFILE = 'FROM node:22-alpine\nWORKDIR /app\nCOPY --chown=node:node package.json server.js ./\nENV SESSION_SECRET=Kq7zP2mX9vLw4Rt8\nUSER node\nCMD ["node", "server.js"]\n';

describe('DF020: the registry image docker compose push publishes is read through compose.override.yaml (review56b, F1)', () => {
  const cases: [string, Record<string, string>][] = [
    ['the override gives the building service a registry image', { 'compose.yaml': 'services:\n  api:\n    build: .\n    image: api:dev\n', 'compose.override.yaml': 'services:\n  api:\n    image: ghcr.io/acme/api:${TAG:-latest}\n' }],
    ['the override builds a service whose compose.yaml image is a registry one', { 'compose.yaml': 'services:\n  api:\n    image: ghcr.io/acme/api:1.4\n', 'compose.override.yaml': 'services:\n  api:\n    build: .\n' }],
  ];
  for (const [name, files] of cases) {
    it(`${name}: not safe, the title names the merged image, check --fix moves nothing`, () => {
      const dir = project({ Dockerfile: SECRET_DOCKERFILE, '.gitignore': '.env\n', ...files });
      const fix = findings(dir).find((f) => f.code === 'DF020')?.fix;
      assert.equal(fix?.safe, false, JSON.stringify(fix));
      assert.match(fix.title, /service api names the registry image ghcr\.io\/acme\/api:.*, which docker compose push publishes without SESSION_SECRET\)$/);
      runCli(['check', '.', '--fix'], dir);
      assert.equal(read(dir, 'Dockerfile'), SECRET_DOCKERFILE);
      assert.ok(!fs.existsSync(path.join(dir, '.env')));
    });
  }

  it('compose.yaml names a registry image the override replaces by a local one: still not safe (`docker compose -f compose.yaml push` publishes it)', () => {
    const dir = project({ Dockerfile: SECRET_DOCKERFILE, '.gitignore': '.env\n', 'compose.yaml': 'services:\n  api:\n    build: .\n    image: ghcr.io/acme/api:1.4\n', 'compose.override.yaml': 'services:\n  api:\n    image: api:dev\n' });
    const fix = findings(dir).find((f) => f.code === 'DF020')?.fix;
    assert.equal(fix?.safe, false, JSON.stringify(fix));
    assert.match(fix.title, /names the registry image ghcr\.io\/acme\/api:1\.4, which/);
  });

  it('control: an override that names no image keeps the safe move of a local image', () => {
    const dir = project({ Dockerfile: SECRET_DOCKERFILE, '.gitignore': '.env\n', 'compose.yaml': 'services:\n  api:\n    build: .\n    image: api:dev\n', 'compose.override.yaml': 'services:\n  api:\n    ports: ["127.0.0.1:3000:3000"]\n' });
    const fix = findings(dir).find((f) => f.code === 'DF020')?.fix;
    assert.deepEqual([fix?.title, fix?.safe], ['Move SESSION_SECRET to .env (service api)', true]);
    runCli(['check', '.', '--fix'], dir);
    assert.doesNotMatch(read(dir, 'Dockerfile'), /SESSION_SECRET/);
  });
});

describe('DG001: an unused DR003 ignore is not removed as safe: its finding depends on the secret files of each checkout (review56b, F2)', () => {
  const DOCKERFILE = 'FROM node:22-alpine\nWORKDIR /app\n# docker-guardrails-ignore DR003 -- .env.local is for local builds\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n';
  const files = { Dockerfile: DOCKERFILE, '.dockerignore': '.git\n.env\n*.pem\n*.key\nid_rsa*\n', '.gitignore': '.env*\n' };

  it('with the git-ignored .env.local the ignore is used; in a clone without it DG001 says why and check --fix keeps it', () => {
    const dev = project({ ...files, '.env.local': 'API_KEY=1\n' });
    assert.deepEqual(findings(dev).filter((f) => f.code === 'DG001' || f.code === 'DR003'), []);
    const clone = project(files);
    const dg001 = findings(clone).find((f) => f.code === 'DG001');
    assert.equal(dg001?.fix?.safe, false, JSON.stringify(dg001));
    assert.match(dg001.message, /DR003 depends on what git ignores and which env files exist in each checkout: check before removing it/);
    runCli(['check', '.', '--fix'], clone);
    assert.equal(read(clone, 'Dockerfile'), DOCKERFILE);
  });
});

describe('DF011: "Remove sudo" is not safe when a umask or export written after sudo runs before it: a function called later, a loop (review56b, F3)', () => {
  const sudoFix = (run: string) => {
    const text = `FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends sudo && rm -rf /var/lib/apt/lists/*\n${run}\nCMD ["bash"]\n`;
    const a = analyze(allRules, 'dockerfile', '/w/Dockerfile', text, viewOf(new Map([['/w/Dockerfile', text]])), DEFAULT_CONFIG);
    const f = a.findings.find((x) => x.code === 'DF011' && x.range.start.line === 2);
    return f && fixFinding(allRules, a.context, f);
  };

  for (const run of [
    'RUN mk() { sudo mkdir -p "$1"; }; umask 0002; mk /srv/shared',
    'RUN for d in /srv/a /srv/b; do sudo mkdir -p "$d"; umask 0002; done',
    'RUN mk() { sudo make install; }; export PREFIX=/opt/app; mk',
    'RUN while read -r d; do sudo mkdir -p "$d"; export MAKEFLAGS=-j4; done < /etc/dirs',
  ]) {
    it(`${run}: offered, not safe`, () => {
      assert.deepEqual(((f) => [f?.title, f?.safe])(sudoFix(run)), ['Remove sudo', false]);
    });
  }

  it('controls: a function or loop with nothing that changes the environment, and a umask after a plain sudo, keep the safe fix', () => {
    for (const run of ['RUN mk() { sudo mkdir -p "$1"; }; mk /srv/shared', 'RUN for d in /srv/a /srv/b; do sudo mkdir -p "$d"; done', 'RUN sudo mkdir -p /srv/shared && umask 0002']) {
      assert.deepEqual(((f) => [f?.title, f?.safe])(sudoFix(run)), ['Remove sudo', true], run);
    }
  });
});

describe('DF010: the build.target note reads a docker-compose.yml that the .env names in COMPOSE_FILE (review56b, F4)', () => {
  const DOCKERFILE = 'FROM node:22-alpine AS dev\nWORKDIR /app\nCMD ["node", "dev.js"]\n\nFROM node:22-alpine AS prod\nWORKDIR /app\nCMD ["node", "server.js"]\n';
  const files = { Dockerfile: DOCKERFILE, 'compose.yaml': 'services:\n  api:\n    build: .\n', 'docker-compose.yml': 'services:\n  api:\n    build:\n      context: .\n      target: dev\n' };
  const note = (dir: string) => findings(dir).find((f) => f.code === 'DF010')?.message ?? '';

  it("COMPOSE_FILE=docker-compose.yml in .env: docker compose up loads it, and the note names its service", () => {
    assert.match(note(project({ ...files, '.env': 'COMPOSE_FILE=docker-compose.yml\n' })), /Compose service 'api' \(docker-compose\.yml\) builds stage 'dev' \(line 1\)/);
    assert.match(note(project({ ...files, '.env': 'COMPOSE_PATH_SEPARATOR=;\nCOMPOSE_FILE=compose.yaml;./docker-compose.yml\n' })), /'api' \(docker-compose\.yml\) builds stage 'dev'/);
  });

  it('control: without COMPOSE_FILE (or naming another file) the leftover docker-compose.yml is still not named', () => {
    assert.doesNotMatch(note(project(files)), /Compose service/);
    assert.doesNotMatch(note(project({ ...files, '.env': 'COMPOSE_FILE=compose.yaml\n' })), /Compose service/);
  });
});
