/**
 * DockerfileContext.fact keeps an answer per analysis (perf, no behaviour change: it replaced WeakMaps keyed by the
 * context): asked again in one analysis, the same answer; a reading() of the same parse in another analysis, with
 * another workspace, its own. pulledImages reads the build contexts compose gives the Dockerfile from the workspace.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { DEFAULT_CONFIG } from '../rules';
import { DockerfileContext } from '../rules/engine/dockerfile';
import { copySourceOnlyStages, pulledImages } from '../rules/engine/df-instructions';
import { viewOf } from './helpers/fixtures';

const DOCKERFILE = 'FROM node AS build\nRUN npm ci\nFROM alpine:3.22\nCOPY --from=build /app /app\n';
const COMPOSE = 'services:\n  app:\n    build:\n      context: .\n      additional_contexts:\n        node: docker-image://node:20\n';

describe('DockerfileContext.fact', () => {
  it('one answer per analysis; a reading in another workspace has its own', () => {
    const withCompose = viewOf(new Map([['/w/Dockerfile', DOCKERFILE], ['/w/compose.yaml', COMPOSE]]), '/w');
    const alone = viewOf(new Map([['/w/Dockerfile', DOCKERFILE]]), '/w');
    const ctx = new DockerfileContext('/w/Dockerfile', DOCKERFILE, withCompose, DEFAULT_CONFIG.options);
    const first = pulledImages(ctx);
    assert.equal(pulledImages(ctx), first);
    assert.deepEqual(first.map((p) => [p.ref.text, p.context]), [['node:20', 'docker-image://node:20'], ['alpine:3.22', undefined]]);
    const other = ctx.reading(alone, DEFAULT_CONFIG.options);
    assert.deepEqual(pulledImages(other).map((p) => [p.ref.text, p.context]), [['node', undefined], ['alpine:3.22', undefined]]);
    // The first analysis keeps its answer.
    assert.equal(pulledImages(ctx), first);
    // Two keys, two answers: copySourceOnlyStages with and without stage candidates are kept apart.
    assert.equal(copySourceOnlyStages(ctx), copySourceOnlyStages(ctx));
    assert.equal(copySourceOnlyStages(ctx, { stageCandidates: true }), copySourceOnlyStages(ctx, { stageCandidates: true }));
    assert.notEqual(copySourceOnlyStages(ctx), copySourceOnlyStages(ctx, { stageCandidates: true }));
    assert.deepEqual([...copySourceOnlyStages(ctx)].map((s) => s.name), ['build']);
  });
});
