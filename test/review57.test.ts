/**
 * Review 57: wrong safe fixes and false findings found by probing last session's code (probes under /tmp/s38/review57/).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allRules, analyze, fixFinding, moreFixesFor } from '../rules';
import { viewOf } from './helpers/fixtures';
import { runCli } from './helpers/cli';
import { tempRepository } from './helpers/temp';
import { gitLayoutFolder } from '../rules/node/files';

const analyzedDockerfile = (text: string, files: Record<string, string> = {}) =>
  analyze(allRules, 'dockerfile', '/ws/Dockerfile', text, viewOf(new Map([['/ws/Dockerfile', text], ...Object.entries(files).map(([p, t]) => [`/ws/${p}`, t] as [string, string])]), '/ws'));

describe('DG001: a comment with two unused codes, one of them meant for the finding below it (review57, F1)', () => {
  // Probe p01: `# docker-guardrails-ignore DF001,DF045 -- …`, a blank line, `FROM node:latest`. DF001's DG001 finding
  // offers the move (quick) and a quick removal; DF045's removed the whole comment, DF001 and its reason with it, as safe.
  const TEXT = '# docker-guardrails-ignore DF001,DF045 -- the tag is chosen by CI\n\nFROM node:latest\nUSER 1000\n';

  it('removing the whole comment is a quick fix for every code of it, and the other code\'s message says why', () => {
    const a = analyzedDockerfile(TEXT);
    const offered = a.findings
      .filter((f) => f.code === 'DG001')
      .flatMap((f) => [fixFinding(allRules, a.context, f), ...moreFixesFor(allRules, a.context, f)].filter((x) => x !== undefined).map((x) => `${(f.data as { code: string }).code}: ${x.title} (${x.safe ? 'safe' : 'quick'})`));
    assert.deepEqual(offered, ['DF001: Remove unused ignore comment (quick)', 'DF001: Move the ignore comment directly above line 3 (its DF001 finding) (quick)', 'DF045: Remove unused ignore comment (quick)']);
    const df045 = a.findings.find((f) => f.code === 'DG001' && (f.data as { code: string }).code === 'DF045');
    assert.match(df045?.message ?? '', /DF001 in the same comment may be meant for the DF001 finding on line 3/);
  });

  it('control: both codes unused with no finding below keep the safe removal', () => {
    const a = analyzedDockerfile('# docker-guardrails-ignore DF001,DF045\n\nFROM node:24.11.0-alpine\nUSER 1000\n');
    const safe = a.findings.filter((f) => f.code === 'DG001').map((f) => fixFinding(allRules, a.context, f)?.safe);
    assert.deepEqual(safe, [true, true]);
  });
});

describe('DF035: `$HOME` in an ENV value is expanded by the builder, not by the RUN\'s shell (review57, F2)', () => {
  // BuildKit expands `$HOME` in `ENV PIP_CACHE_DIR=$HOME/.pipc` from the Dockerfile's own variables when it builds (moby/moby#36112,
  // #28971): python:3.12-slim sets no HOME, so the cache is /.pipc, not /root/.pipc. Probes p11 and p12.
  const df035 = (text: string) => {
    const a = analyzedDockerfile(text);
    return a.findings.filter((f) => f.code === 'DF035').map((f) => ({ message: f.message, safe: fixFinding(allRules, a.context, f)?.safe }));
  };

  it('a cache mount at /.pipc: the fix may turn that cache off, a quick fix only, and the message names no /root folder', () => {
    const found = df035('FROM python:3.12-slim\nENV PIP_CACHE_DIR=$HOME/.pipc\nRUN --mount=type=cache,target=/.pipc pip install flask\n');
    assert.equal(found.length, 1);
    assert.equal(found[0].safe, false);
    assert.doesNotMatch(found[0].message, /\/root\/\.pipc/);
  });

  it('a cache mount at /root/.pipc does not hold that cache: reported', () => {
    assert.equal(df035('FROM python:3.12-slim\nENV PIP_CACHE_DIR=$HOME/.pipc\nRUN --mount=type=cache,target=/root/.pipc pip install flask\n').length, 1);
  });

  it('controls: an ENV HOME before it, a `~` (pip expands it) and a prefix the shell expands are read as before', () => {
    assert.deepEqual(df035('FROM python:3.12-slim\nENV HOME=/home/app\nENV PIP_CACHE_DIR=$HOME/.pipc\nRUN --mount=type=cache,target=/home/app/.pipc pip install flask\n'), []);
    assert.deepEqual(df035('FROM python:3.12-slim\nENV PIP_CACHE_DIR=~/.pipc\nRUN --mount=type=cache,target=/root/.pipc pip install flask\n'), []);
    assert.deepEqual(df035('FROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.pipc PIP_CACHE_DIR=$HOME/.pipc pip install flask\n'), []);
    assert.deepEqual(df035('FROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.pipc export PIP_CACHE_DIR="$HOME/.pipc" && pip install flask\n'), []);
  });
});

describe('DF020: the move to .env is not safe when docker compose may load a compose file not read here (review57, F3)', () => {
  const SECRET_DOCKERFILE = 'FROM node:22-alpine\nWORKDIR /app\nCOPY --chown=node:node package.json server.js ./\nENV SESSION_SECRET=Kq7zP2mX9vLw4Rt8\nUSER node\nCMD ["node", "server.js"]\n';
  const BASE = { Dockerfile: SECRET_DOCKERFILE, '.gitignore': '.env\n', 'compose.yaml': 'services:\n  api:\n    build: .\n    image: api:dev\n' };
  interface JsonFinding {
    code: string;
    fix?: { title: string; safe: boolean };
  }
  const df020 = (dir: string) => (JSON.parse(runCli(['check', '.', '--format', 'json'], dir).stdout) as JsonFinding[]).find((f) => f.code === 'DF020')?.fix;

  const cases: [string, Record<string, string>, RegExp][] = [
    // Probe p63: `docker compose push` in the folder merges compose.prod.yaml, which names the registry image.
    ['COMPOSE_FILE in the .env names compose.prod.yaml', { '.env': 'COMPOSE_FILE=compose.yaml:compose.prod.yaml\n', 'compose.prod.yaml': 'services:\n  api:\n    image: ghcr.io/acme/api:1.4\n' }, /compose\.prod\.yaml/],
    // Probe p66: `docker compose -f compose.prod.yaml up` runs the image without the variable.
    ['compose.prod.yaml beside it builds the same Dockerfile', { 'compose.prod.yaml': 'services:\n  web:\n    build: .\n    image: ghcr.io/acme/api:1.4\n' }, /compose\.prod\.yaml/],
    // `-f compose.yaml -f compose.prod.yaml` merges the service of the same name.
    ['compose.prod.yaml beside it names the service', { 'compose.prod.yaml': 'services:\n  api:\n    image: ghcr.io/acme/api:1.4\n' }, /compose\.prod\.yaml/],
    // Probe p68: compose-go resolves the override's extends before it merges it over compose.yaml.
    ['the default override extends a service that names a registry image', { 'compose.override.yaml': 'services:\n  api:\n    extends:\n      file: common.yaml\n      service: base\n', 'common.yaml': 'services:\n  base:\n    image: ghcr.io/acme/api:1.4\n' }, /ghcr\.io\/acme\/api:1\.4/],
  ];
  for (const [name, files, title] of cases) {
    it(`${name}: a quick fix whose title says why, and check --fix moves nothing`, () => {
      const dir = tempRepository('dg-review57-', { ...BASE, ...files });
      const fix = df020(dir);
      assert.equal(fix?.safe, false, JSON.stringify(fix));
      assert.match(fix.title, title);
      runCli(['check', '.', '--fix'], dir);
      assert.equal(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), SECRET_DOCKERFILE);
    });
  }

  it('controls: a compose.prod.yaml with other services only, and a COMPOSE_FILE naming the default file, keep the safe move', () => {
    for (const files of [{ 'compose.prod.yaml': 'services:\n  db:\n    image: postgres:16\n' }, { '.env': 'COMPOSE_FILE=compose.yaml\n' }] as Record<string, string>[]) {
      const fix = df020(tempRepository('dg-review57-', { ...BASE, ...files }));
      assert.deepEqual([fix?.title, fix?.safe], ['Move SESSION_SECRET to .env (service api)', true], JSON.stringify(files));
    }
  });
});

// Review57, left alone by the review, done after it: gitLayoutFolder took any folder with a `modules` component above it
// for a submodule's git folder, so a workspace `.git` file (`gitdir: /lib/modules/6.1/build`) let the server read
// `commondir`, `config` and `info/exclude` there, outside the workspace. Git lays a submodule's git folder out as
// `<superproject's git folder>/modules/<name>` (gitrepository-layout(5), "modules/").
describe('review57: a submodule git folder is <git folder>/modules/<name>, not any folder below a `modules`', () => {
  it('takes git\'s layouts and nothing else', () => {
    const p = (...parts: string[]) => path.join(path.sep, ...parts);
    for (const yes of [p('r', '.git', 'modules', 'sub'), p('r', '.git', 'modules', 'libs', 'foo'), p('r', '.git', 'modules', 'a', 'modules', 'b'), p('srv', 'app.git', 'modules', 'x'), p('r', '.git', 'worktrees', 'wt')]) {
      assert.equal(gitLayoutFolder(yes), true, yes);
    }
    for (const no of [p('lib', 'modules', '6.1', 'build'), p('home', 'u', 'private', 'modules', 'plain'), p('r', '.git', 'modules'), p('r', 'git', 'modules', 'x'), p('r', '.git', 'x', 'modules', 'y'), p('r', '.git')]) {
      assert.equal(gitLayoutFolder(no), false, no);
    }
  });
});
