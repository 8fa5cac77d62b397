/**
 * rootBase, buildsWindows, buildsOn and imageStages walk a stage's chain one stage at a time instead of making
 * stageChain's array (perf, no behaviour change): they must read the very stages stageChain gives, in its order, and
 * stop where it stops (64 stages), for long chains and for the copies chainVariants makes of a chain rooted at a
 * variable FROM.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { DEFAULT_CONFIG } from '../rules';
import { DockerfileContext, type Stage } from '../rules/engine/dockerfile';
import { buildsOn, buildsWindows, chainVariants, imageStages, rootBase, stageChain } from '../rules/engine/stage-scope';
import { viewOf } from './helpers/fixtures';

const contextOf = (text: string) => new DockerfileContext('/w/Dockerfile', text, viewOf(new Map(), '/w'), DEFAULT_CONFIG.options);

/** The answers as stageChain's array gives them. */
const byChain = {
  rootBase: (s: Stage) => stageChain(s)[stageChain(s).length - 1].base,
  buildsOn: (s: Stage, ancestor: Stage) => stageChain(s).includes(ancestor),
  imageStages: (ctx: DockerfileContext, s: Stage) => [...new Set(chainVariants(ctx, s).flatMap((v) => stageChain(v).map((x) => x.variantOf ?? x)))],
};

describe('stage chain walks read what stageChain reads', () => {
  it('a chain longer than 64 stages: the same root, ancestors and Windows answer at every stage', () => {
    const lines = ['FROM --platform=windows/amd64 mcr.microsoft.com/windows/servercore:ltsc2022 AS s0'];
    for (let k = 1; k < 70; k++) lines.push(`FROM s${k - 1} AS s${k}`, `RUN echo ${k}`);
    const ctx = contextOf(lines.join('\n') + '\n');
    assert.equal(ctx.stages.length, 70);
    // The 64-stage bound is reached: the last stages' chains stop short of s0.
    assert.equal(stageChain(ctx.stages[69]).length, 64);
    assert.equal(rootBase(ctx.stages[69]).kind, 'stage');
    assert.equal(buildsWindows(ctx.stages[63]), true);
    assert.equal(buildsWindows(ctx.stages[64]), false);
    for (const s of ctx.stages) {
      assert.deepEqual(rootBase(s), byChain.rootBase(s), `rootBase of ${s.name}`);
      // Windows where the chain reaches s0 (its FROM asks for a Windows platform).
      assert.equal(buildsWindows(s), stageChain(s)[stageChain(s).length - 1] === ctx.stages[0], `buildsWindows of ${s.name}`);
      assert.deepEqual([...imageStages(ctx, s)], byChain.imageStages(ctx, s), `imageStages of ${s.name}`);
      for (const t of ctx.stages) assert.equal(buildsOn(s, t), byChain.buildsOn(s, t), `buildsOn(${s.name}, ${t.name})`);
    }
  });

  it('a chain rooted at a variable FROM: imageStages holds each copy chain, originals only, in stageChain order', () => {
    const ctx = contextOf('FROM alpine:3.22 AS runtime-amd64\nFROM debian:trixie-slim AS runtime-arm64\nFROM runtime-$TARGETARCH AS app\nFROM app AS final\nUSER 1000\n');
    const final = ctx.stages[3];
    assert.equal(chainVariants(ctx, final).length, 2);
    assert.deepEqual([...imageStages(ctx, final)].map((s) => s.name), ['final', 'app', 'runtime-amd64', 'runtime-arm64']);
    assert.deepEqual([...imageStages(ctx, final)], byChain.imageStages(ctx, final));
    for (const v of chainVariants(ctx, final)) {
      assert.deepEqual(rootBase(v), byChain.rootBase(v));
      assert.equal(buildsWindows(v), false);
      for (const s of stageChain(v)) assert.equal(buildsOn(v, s), true);
    }
  });
});
