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

  it('recognizes Swarm stack files named docker-stack*.yml, not <name>-stack.yaml (Helm, CloudFormation) nor Haskell\'s stack.yaml (reviews 24-25)', () => {
    for (const name of ['docker-stack.yml', 'docker-stack.yaml', 'docker-stack.prod.yml', 'app.docker-stack.yaml', 'repo__docker-stack.yml']) {
      assert.equal(fileKindOf(`/w/${name}`), 'compose', name);
    }
    for (const name of ['stack.yaml', 'stack.yml', 'traefik-stack.yml', 'redis-stack.yaml', 'loki-stack-split.yml', 'tech-stack.yml', 'stackoverflow.yml', 'docker-stack.md', 'docker-stacks.yml']) assert.equal(fileKindOf(`/w/${name}`), undefined, name);
  });

  it('recognizes Dockerfiles and Containerfiles, not files named after them', () => {
    for (const name of ['Dockerfile', 'Dockerfile.dev', 'api.Dockerfile', 'web.dockerfile', 'Containerfile', 'api-Dockerfile', 'repo__Dockerfile']) assert.equal(fileKindOf(`/w/${name}`), 'dockerfile', name);
    for (const name of ['Dockerfile.md', 'Dockerfile.template', 'dockerfile-ast.js', 'Dockerfile.yml']) assert.equal(fileKindOf(`/w/${name}`), undefined, name);
  });
});
