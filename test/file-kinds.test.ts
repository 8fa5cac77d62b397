/**
 * Which files are analyzed, by name (rules/engine/analyze.ts fileKindOf): the names README lists and
 * the client's file patterns send, and look-alikes that are other kinds of files.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { fileKindOf } from '../rules/engine/analyze';

describe('file kinds by name', () => {
  it('recognizes compose files: compose*.yaml, docker-compose*.yml (any separator), *.compose.yaml, *-compose.yml', () => {
    for (const name of ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.prod.yml', 'docker-compose-dev.yaml', 'docker-compose_secrets.yml', 'compose_dev.yaml', 'app.compose.yaml', 'api-compose.yml', 'repo__docker-compose.yml']) {
      assert.equal(fileKindOf(`/w/${name}`), 'compose', name);
    }
    for (const name of ['composer.yaml', 'docker-compose.md', 'decompose.yml', 'compose.json', 'compose.yaml.bak']) assert.equal(fileKindOf(`/w/${name}`), undefined, name);
  });

  it('recognizes Swarm stack files (docker-stack.yml, <name>-stack.yml), not Haskell\'s stack.yaml (review 24, probe dc-06)', () => {
    for (const name of ['docker-stack.yml', 'docker-stack.yaml', 'docker-stack.prod.yml', 'traefik-stack.yml', 'loki-stack-split.yml', 'app.stack.yaml', 'my_stack.yml']) {
      assert.equal(fileKindOf(`/w/${name}`), 'compose', name);
    }
    for (const name of ['stack.yaml', 'stack.yml', 'stackoverflow.yml', 'haystack.yml', 'docker-stack.md', 'stack.yaml.lock']) assert.equal(fileKindOf(`/w/${name}`), undefined, name);
  });

  it('recognizes Dockerfiles and Containerfiles, not files named after them', () => {
    for (const name of ['Dockerfile', 'Dockerfile.dev', 'api.Dockerfile', 'web.dockerfile', 'Containerfile', 'api-Dockerfile', 'repo__Dockerfile']) assert.equal(fileKindOf(`/w/${name}`), 'dockerfile', name);
    for (const name of ['Dockerfile.md', 'Dockerfile.template', 'dockerfile-ast.js', 'Dockerfile.yml']) assert.equal(fileKindOf(`/w/${name}`), undefined, name);
  });
});
