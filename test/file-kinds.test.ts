/**
 * Which files are analyzed, by name (rules/engine/analyze.ts fileKindOf): the names README lists and
 * the client's file patterns send, and look-alikes that are other kinds of files.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { minimatch, Minimatch } from 'minimatch';
import { COMPANION_FILES_GLOB, DOCUMENT_SELECTOR } from '../client/src/selector';
import { fileKindOf } from '../rules/engine/analyze';
import { COMPOSE_NAME, DOCKERFILE_NAME, NAME_GLOBS, STACK_NAME } from '../rules/engine/file-names';

/** The project's root (the tests run from out/<dir>/). */
const ROOT = path.resolve(__dirname, '../..');

describe('file kinds by name', () => {
  it('recognizes compose files: compose*.yaml, docker-compose*.yml (any separator), *.compose.yaml, *-compose.yml', () => {
    for (const name of ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.prod.yml', 'docker-compose-dev.yaml', 'docker-compose_secrets.yml', 'compose_dev.yaml', 'app.compose.yaml', 'api-compose.yml', 'repo__docker-compose.yml']) {
      assert.equal(fileKindOf(`/w/${name}`), 'compose', name);
    }
    for (const name of ['composer.yaml', 'docker-compose.md', 'decompose.yml', 'compose.json', 'compose.yaml.bak']) assert.equal(fileKindOf(`/w/${name}`), undefined, name);
  });

  it('recognizes Swarm stack files named docker-stack*.yml, not <name>-stack.yaml (Helm, CloudFormation) nor Haskell\'s stack.yaml (reviews 24-25)', () => {
    for (const name of ['docker-stack.yml', 'docker-stack.yaml', 'docker-stack.prod.yml', 'app.docker-stack.yaml', 'repo__docker-stack.yml']) {
      assert.equal(fileKindOf(`/w/${name}`), 'compose', name);
    }
    for (const name of ['stack.yaml', 'stack.yml', 'traefik-stack.yml', 'redis-stack.yaml', 'loki-stack-split.yml', 'tech-stack.yml', 'stackoverflow.yml', 'docker-stack.md', 'docker-stacks.yml']) assert.equal(fileKindOf(`/w/${name}`), undefined, name);
  });

  it('recognizes Dockerfiles and Containerfiles, not files named after them', () => {
    for (const name of ['Dockerfile', 'Dockerfile.dev', 'api.Dockerfile', 'web.dockerfile', 'Containerfile', 'api-Dockerfile', 'repo__Dockerfile', 'api.Dockerfile.prod', 'backend.Dockerfile.dev']) assert.equal(fileKindOf(`/w/${name}`), 'dockerfile', name);
    for (const name of ['Dockerfile.md', 'Dockerfile.template', 'dockerfile-ast.js', 'Dockerfile.yml']) assert.equal(fileKindOf(`/w/${name}`), undefined, name);
  });

  it('the editor\'s names are the engine\'s: NAME_GLOBS match exactly what DOCKERFILE_NAME, COMPOSE_NAME and STACK_NAME accept, in any case (review 42c, items 1-2)', () => {
    const globs = NAME_GLOBS.map((g) => new Minimatch(g, { dot: true }));
    const byGlobs = (name: string) => globs.some((g) => g.match(`/w/${name}`));
    const byRegexes = (name: string) => DOCKERFILE_NAME.test(name) || COMPOSE_NAME.test(name) || STACK_NAME.test(name);
    const prefixes = ['', 'api', 'api.', 'api-', 'api_', 'repo__', '.', '-', 'my-app.', 'x.y-'];
    const words = ['Dockerfile', 'dockerfile', 'DOCKERFILE', 'DockerFile', 'Containerfile', 'containerfile', 'CONTAINERFILE', 'compose', 'Compose', 'COMPOSE', 'docker-compose', 'Docker-Compose', 'docker_compose', 'docker-stack', 'Docker-Stack', 'docker_stack', 'stack', 'composer', 'decompose', 'dockerfiles', 'xDockerfile', 'Dockerfilex', 'containerfile2', 'docker'];
    const suffixes = ['', '.dev', '-dev', '_dev', 'dev', '.', '-', '.yml', '.yaml', '.YML', '.Yaml', '.yml.bak', '.prod.yml', '-prod.yaml', '_x.yml', '.x_y-z.yaml', '..yml', '-.yml', '.md', '.json', '.tar.gz', '.dockerfile', '.containerfile', 's', 's.yml', '/x'];
    let accepted = 0;
    for (const p of prefixes) {
      for (const w of words) {
        for (const s of suffixes) {
          const name = p + w + s;
          if (name.includes('/')) continue;
          assert.equal(byGlobs(name), byRegexes(name), name);
          if (byRegexes(name)) accepted++;
        }
      }
    }
    assert.ok(accepted > 1000, `${accepted} names accepted: the sample covers both sides`);
    // Every name the engine analyzes is one the editor sends and activates for (NOT_A_DOCKERFILE only takes names away).
    for (const name of ['Dockerfile-dev', 'Dockerfile-prod', 'Containerfile-dev', 'Containerfile.dev', 'api-Dockerfile', 'api.containerfile', 'web.dockerfile', 'dockerfile', 'app.compose.yaml', 'my-compose.yml', 'prod.docker-stack.yaml', 'docker-compose.PROD.YML', 'Docker-Compose.yml']) {
      assert.ok(fileKindOf(`/w/${name}`), `${name} is analyzed`);
      assert.ok(byGlobs(name), `${name} is matched by NAME_GLOBS`);
    }
    // VS Code's glob syntax: no `?`, no negated class, no nested braces (ripgrep, which searches for workspaceContains, refuses them).
    for (const g of NAME_GLOBS) {
      assert.ok(!/[?]|\[!|\[\^/.test(g), g);
      assert.ok(!/\{[^}]*\{/.test(g), `${g}: nested braces`);
    }
  });

  it('package.json\'s workspaceContains activation events and the client\'s document selector are NAME_GLOBS (npm run docs writes package.json\'s)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { activationEvents: string[] };
    assert.deepEqual(pkg.activationEvents.filter((e) => e.startsWith('workspaceContains:')).map((e) => e.slice('workspaceContains:'.length)), [...NAME_GLOBS]);
    const patterns = DOCUMENT_SELECTOR.filter((f): f is { pattern: string; scheme?: string } => 'pattern' in f && !f.pattern.includes('docker-guardrails') && f.pattern !== COMPANION_FILES_GLOB);
    assert.deepEqual(patterns.map((f) => f.pattern), [...NAME_GLOBS]);
    // Any scheme: a compose file of a virtual workspace (vscode-vfs://…) reaches the server (review 42c, item 3).
    assert.deepEqual(patterns.filter((f) => f.scheme !== undefined), []);
  });

  it('the client syncs the files the fixes edit beside a compose file or Dockerfile, so that a fix edits an open .env as the editor holds it (review 43b, item 5)', () => {
    assert.ok(DOCUMENT_SELECTOR.some((f) => 'pattern' in f && f.pattern === COMPANION_FILES_GLOB && f.scheme === 'file'));
    for (const name of ['.env', 'db.env', '.env.example', 'db.env.example', '.env.local', '.gitignore', '.dockerignore', 'api.Dockerfile.dockerignore']) {
      assert.ok(minimatch(`/w/sub/${name}`, COMPANION_FILES_GLOB, { dot: true }), name);
    }
    for (const name of ['env', 'README.md', 'compose.yaml', 'environment.ts']) assert.ok(!minimatch(`/w/sub/${name}`, COMPANION_FILES_GLOB, { dot: true }), name);
  });
});
