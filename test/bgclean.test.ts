/**
 * A cleanup started in the background (`&`) counts only when a later `wait` waits for it, in every reading of a RUN
 * (review 56a, h7–h11); and DF030's fix is not safe when the install itself runs in the background.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { dockerfileFindingsWithFixes } from './helpers/fixtures';

const findings = dockerfileFindingsWithFixes;

const INSTALL = 'apt-get update && apt-get install -y --no-install-recommends curl';

describe('DF030: a cleanup in a background job does not count unless waited for', () => {
  for (const run of [
    `RUN ${INSTALL}; rm -rf /var/lib/apt/lists/* &`,
    `RUN ${INSTALL}; sh -c 'rm -rf /var/lib/apt/lists/*' &`,
    `RUN ${INSTALL}; x=$(rm -rf /var/lib/apt/lists/*) &`,
    `RUN ${INSTALL}; { rm -rf /var/lib/apt/lists/*; } & echo started`,
    `RUN ${INSTALL}; if true; then rm -rf /var/lib/apt/lists/*; fi & echo started`,
    `RUN ${INSTALL}; (rm -rf /var/lib/apt/lists/* &); wait`,
    `RUN ${INSTALL}; rm -rf /var/lib/apt/lists/* & sleep 1 & wait $!`,
    `RUN ${INSTALL}; rm -rf /var/lib/apt/lists/* & true || wait`,
    `RUN ${INSTALL}; rm -rf /var/lib/apt/lists/* & wait | cat`,
    `RUN f() { :; }; ${INSTALL}; sh -c 'rm -rf /var/lib/apt/lists/*' &`,
    `RUN <<EOF\nset -e\n${INSTALL}\nsh <<'EOS' &\nrm -rf /var/lib/apt/lists/*\nEOS\nEOF`,
  ]) {
    it(`${run.replace(/\n/g, '⏎')}: reported`, () => {
      assert.equal(findings(`FROM debian:12-slim\n${run}\n`, 'DF030').length, 1);
    });
  }
  for (const run of [
    `RUN ${INSTALL}; rm -rf /var/lib/apt/lists/* & wait`,
    `RUN ${INSTALL}; sh -c 'rm -rf /var/lib/apt/lists/*' & wait "$!"`,
    `RUN ${INSTALL}; { rm -rf /var/lib/apt/lists/*; } & wait; echo done`,
    `RUN f() { :; }; ${INSTALL}; sh -c 'rm -rf /var/lib/apt/lists/*' & wait`,
    `RUN f() { :; }; ${INSTALL}; rm -rf /var/lib/apt/lists/* & wait`,
    `RUN <<EOF\nset -e\n${INSTALL}\nsh <<'EOS' &\nrm -rf /var/lib/apt/lists/*\nEOS\nwait\nEOF`,
    `RUN sleep 1 & ${INSTALL} && rm -rf /var/lib/apt/lists/*`,
  ]) {
    it(`${run.replace(/\n/g, '⏎')}: silent`, () => {
      assert.equal(findings(`FROM debian:12-slim\n${run}\n`, 'DF030').length, 0);
    });
  }
  it('an install in a background job not waited for gets no fix (the job may write the lists after any cleanup appended: waitpid)', () => {
    const [f] = findings(`FROM debian:12-slim\nRUN ${INSTALL} && rm -rf /var/lib/apt/lists/* & echo started\n`, 'DF030');
    assert.ok(f);
    assert.equal(f.fix, undefined);
  });
  it('control: a background job that is no install keeps the fix safe', () => {
    const [f] = findings(`FROM debian:12-slim\nRUN ${INSTALL}; { rm -rf /var/lib/apt/lists/*; } & echo started\n`, 'DF030');
    assert.ok(f?.fix);
    assert.equal(f.fix.safe, true);
  });
  it('a RUN that ends with `&` gets no fix (`… & && rm` would not parse)', () => {
    const [f] = findings(`FROM debian:12-slim\nRUN ${INSTALL}; rm -rf /var/lib/apt/lists/* &\n`, 'DF030');
    assert.ok(f);
    assert.equal(f.fix, undefined);
  });
});

describe('DF035: `unset PIP_NO_CACHE_DIR` is read in order', () => {
  for (const run of [
    'RUN export PIP_NO_CACHE_DIR=1; unset PIP_NO_CACHE_DIR; pip install flask',
    'RUN export PIP_NO_CACHE_DIR=1; unset -v PIP_NO_CACHE_DIR; pip install flask',
    'RUN export PIP_NO_CACHE_DIR=1; unset -- PIP_NO_CACHE_DIR; pip install flask',
    "RUN export PIP_NO_CACHE_DIR=1; unset PIP_NO_CACHE_DIR; sh -c 'pip install flask'",
    'RUN export PIP_NO_CACHE_DIR=1; f() { pip install flask; }; unset PIP_NO_CACHE_DIR; f',
  ]) {
    it(`${run}: reported`, () => {
      assert.equal(findings(`FROM python:3.12-slim\n${run}\n`, 'DF035').length, 1);
    });
  }
  for (const run of [
    'RUN export PIP_NO_CACHE_DIR=1; unset -f PIP_NO_CACHE_DIR; pip install flask',
    'RUN export PIP_NO_CACHE_DIR=1; unset PIP_NO_CACHE_DIR; export PIP_NO_CACHE_DIR=1; pip install flask',
    'RUN export PIP_NO_CACHE_DIR=1; pip install flask; unset PIP_NO_CACHE_DIR',
  ]) {
    it(`${run}: silent`, () => {
      assert.equal(findings(`FROM python:3.12-slim\n${run}\n`, 'DF035').length, 0);
    });
  }
});
