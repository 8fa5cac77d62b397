/**
 * A `wait` with operands waits for the jobs they name (POSIX wait: "wait for the specified processes"; a pid kept from
 * `$!`, a job id `%n`), and a background install is done only at the `wait` that waits for it: a cleanup before that
 * `wait` may run before the install writes (waitpid).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { dockerfileFindingsWithFixes } from './helpers/fixtures';

const findings = dockerfileFindingsWithFixes;

const INSTALL = 'apt-get update && apt-get install -y --no-install-recommends curl';

describe('DF030: a `wait` naming the cleanup job waits for it', () => {
  for (const run of [
    `RUN ${INSTALL}; rm -rf /var/lib/apt/lists/* & pid=$!; wait "$pid"`,
    `RUN ${INSTALL}; rm -rf /var/lib/apt/lists/* & pid=$!; wait $pid`,
    `RUN ${INSTALL}; rm -rf /var/lib/apt/lists/* & pid=$!; wait \${pid}`,
    `RUN ${INSTALL}; rm -rf /var/lib/apt/lists/* & pid=$!\nwait "\${pid}"`.replace('\n', '; '),
    `RUN ${INSTALL}; rm -rf /var/lib/apt/lists/* & wait %1`,
    `RUN ${INSTALL}; rm -rf /var/lib/apt/lists/* & wait %%`,
    `RUN ${INSTALL}; rm -rf /var/lib/apt/lists/* & pid=$!; wait "$pid" "$other"`,
    `RUN ${INSTALL}; { rm -rf /var/lib/apt/lists/* & } && wait`,
  ]) {
    it(`${run}: silent`, () => {
      assert.equal(findings(`FROM debian:12-slim\n${run}\n`, 'DF030').length, 0);
    });
  }
  for (const run of [
    // dash (Debian's /bin/sh) rejects `wait -n` ("Illegal option -n") and waits for nothing.
    `RUN ${INSTALL}; rm -rf /var/lib/apt/lists/* & wait -n`,
    `RUN ${INSTALL}; rm -rf /var/lib/apt/lists/* & pid=$!; wait "$other"`,
    // The first operand is waited for whatever the others name; a later one may not be (4.4BSD's wait gave up on a pid it did not know).
    `RUN ${INSTALL}; rm -rf /var/lib/apt/lists/* & pid=$!; wait "$other" "$pid"`,
    `RUN ${INSTALL}; rm -rf /var/lib/apt/lists/* & sleep 9 & wait %%`,
    `RUN ${INSTALL}; other=$!; rm -rf /var/lib/apt/lists/* & wait "$other"`,
    `RUN ${INSTALL}; rm -rf /var/lib/apt/lists/* & sleep 9 & pid=$!; wait "$pid"`,
    `RUN ${INSTALL}; rm -rf /var/lib/apt/lists/* & pid=$!; pid=1; wait "$pid"`,
    `RUN ${INSTALL}; sleep 9 & rm -rf /var/lib/apt/lists/* & wait %1`,
    `RUN ${INSTALL}; sleep 9 & rm -rf /var/lib/apt/lists/* & wait -n`,
    `RUN ${INSTALL}; rm -rf /var/lib/apt/lists/* & sleep 9 & wait -n`,
    `RUN ${INSTALL}; { rm -rf /var/lib/apt/lists/* & } || wait`,
    // A call of a function, an `eval` or a `.` between may start another job or write the variable.
    `RUN f() { pid=1; }; ${INSTALL}; rm -rf /var/lib/apt/lists/* & pid=$!; f; wait "$pid"`,
    `RUN f() { sleep 9 & }; ${INSTALL}; rm -rf /var/lib/apt/lists/* & f; wait $!`,
    `RUN f() { sleep 9 & }; ${INSTALL}; rm -rf /var/lib/apt/lists/* & f; wait %%`,
    `RUN f() { sleep 9 & }; f; ${INSTALL}; rm -rf /var/lib/apt/lists/* & wait %1`,
    `RUN ${INSTALL}; rm -rf /var/lib/apt/lists/* & pid=$!; eval 'pid=1'; wait "$pid"`,
    `RUN ${INSTALL}; rm -rf /var/lib/apt/lists/* & pid=$!; . /x.sh; wait "$pid"`,
    `RUN ${INSTALL}; rm -rf /var/lib/apt/lists/* & pid=$!; command eval 'sleep 9 &'; wait $!`,
  ]) {
    it(`${run}: reported`, () => {
      assert.equal(findings(`FROM debian:12-slim\n${run}\n`, 'DF030').length, 1);
    });
  }
});

describe('a background install is done only at the `wait` that waits for it', () => {
  for (const [code, image, run] of [
    ['DF035', 'python:3.12-slim', 'RUN pip install flask & pip cache purge; wait'],
    ['DF035', 'python:3.12-slim', 'RUN pip install flask & pid=$!; rm -rf /root/.cache/pip; wait "$pid"'],
    ['DF034', 'alpine:3.20', 'RUN apk add curl & rm -rf /var/cache/apk/*; wait'],
    ['DF036', 'fedora:40', 'RUN dnf install -y curl & dnf clean all; wait'],
    ['DF035', 'python:3.12-slim', 'RUN f() { :; }; pip install flask & pip cache purge; wait'],
    ['DF035', 'python:3.12-slim', "RUN sh -c 'pip install flask & pip cache purge; wait'"],
    ['DF030', 'debian:12-slim', 'RUN apt-get update & apt-get install -y curl; rm -rf /var/lib/apt/lists/*'],
    ['DF030', 'debian:12-slim', 'RUN apt-get update & apt-get install -y curl; rm -rf /var/lib/apt/lists/*; wait'],
    ['DF030', 'debian:12-slim', 'RUN apt-get update && apt-get install -y curl & rm -rf /var/lib/apt/lists/*'],
    ['DF030', 'debian:12-slim', 'RUN apt-get update && apt-get install -y curl & rm -rf /var/lib/apt/lists/*; wait'],
    ['DF030', 'debian:12-slim', 'RUN f() { :; }; apt-get update && apt-get install -y curl & rm -rf /var/lib/apt/lists/*; wait'],
  ]) {
    it(`${code} ${run}: reported`, () => {
      assert.equal(findings(`FROM ${image}\n${run}\n`, code).length, 1);
    });
  }
  for (const [code, image, run] of [
    ['DF035', 'python:3.12-slim', 'RUN pip install flask & wait; pip cache purge'],
    ['DF035', 'python:3.12-slim', 'RUN pip install flask & pid=$!; wait "$pid"; rm -rf /root/.cache/pip'],
    ['DF034', 'alpine:3.20', 'RUN apk add curl & wait; rm -rf /var/cache/apk/*'],
    ['DF036', 'fedora:40', 'RUN dnf install -y curl & wait; dnf clean all'],
    ['DF035', 'python:3.12-slim', 'RUN f() { :; }; pip install flask & wait; pip cache purge'],
    ['DF035', 'python:3.12-slim', "RUN sh -c 'pip install flask & wait; pip cache purge'"],
    ['DF030', 'debian:12-slim', 'RUN apt-get update & wait; apt-get install -y curl; rm -rf /var/lib/apt/lists/*'],
    ['DF030', 'debian:12-slim', 'RUN apt-get update && apt-get install -y curl & wait; rm -rf /var/lib/apt/lists/*'],
    ['DF030', 'debian:12-slim', 'RUN f() { :; }; apt-get update && apt-get install -y curl & wait; rm -rf /var/lib/apt/lists/*'],
  ]) {
    it(`${code} ${run}: silent`, () => {
      assert.equal(findings(`FROM ${image}\n${run}\n`, code).length, 0);
    });
  }
  it('DF030: no fix for an `apt-get update` in a background job not waited for (it may write the lists after any cleanup appended)', () => {
    const [f] = findings('FROM debian:12-slim\nRUN apt-get update & apt-get install -y curl; rm -rf /var/lib/apt/lists/*\n', 'DF030');
    assert.ok(f);
    assert.equal(f.fix, undefined);
  });
  it('DF035: the clean appended after the `wait` that waits for the install removes the finding', () => {
    const text = 'FROM python:3.12-slim\nRUN pip install flask & pip cache purge; wait\n';
    const [f] = findings(text, 'DF035');
    assert.ok(f?.fix);
    const edits = f.fix.changes.flatMap((c) => ('edits' in c ? c.edits : []));
    assert.equal(edits.length, 1);
    const lines = text.split('\n');
    const e = edits[0];
    assert.equal(e.range.start.line, 1);
    lines[1] = lines[1].slice(0, e.range.start.character) + e.newText + lines[1].slice(e.range.end.character);
    assert.equal(findings(lines.join('\n'), 'DF035').length, 0, lines[1]);
  });
  it('DF030: the fix after a `wait` that waits for the install is safe (the appended cleanup runs after it)', () => {
    const [f] = findings('FROM debian:12-slim\nRUN apt-get update && apt-get install -y curl & rm -rf /var/lib/apt/lists/*; wait\n', 'DF030');
    assert.ok(f?.fix);
    assert.equal(f.fix.safe, true);
  });
});
