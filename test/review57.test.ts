/**
 * Review 57: wrong safe fixes and false findings found by probing last session's code (probes under /tmp/s38/review57/).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, fixFinding, moreFixesFor } from '../rules';
import { viewOf } from './helpers/fixtures';

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
