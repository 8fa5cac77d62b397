/**
 * A `wait` with operands waits for the jobs they name (POSIX wait: "wait for the specified processes"; a pid kept from
 * `$!`, a job id `%n`), and a background install is done only at the `wait` that waits for it: a cleanup before that
 * `wait` may run before the install writes (waitpid).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_CONFIG, fixFinding } from '../rules';
import { viewOf } from './helpers/fixtures';

function findings(text: string, code: string) {
  const a = analyze(allRules, 'dockerfile', '/w/Dockerfile', text, viewOf(new Map([['/w/Dockerfile', text]])), DEFAULT_CONFIG);
  return a.findings.filter((f) => f.code === code).map((f) => ({ finding: f, fix: fixFinding(allRules, a.context, f) }));
}

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
  ]) {
    it(`${run}: reported`, () => {
      assert.equal(findings(`FROM debian:12-slim\n${run}\n`, 'DF030').length, 1);
    });
  }
});
