/**
 * Task shell3: a top-level `return` under a known /bin/sh ends the script (returnEndsScript in rules/engine/packages.ts),
 * DF030's later-step reading skips what never runs, DF034's "Remove apk update" reads only the apk commands that run.
 * - Docker's default shell-form shell is `["/bin/sh", "-c"]` (Dockerfile reference, SHELL); dash, BusyBox ash and bash
 *   as `sh` end the script at a top-level `return`, so an install after it never runs there; bash goes on.
 * - DF030's mayNeedLists and provenNeed skip commands after an unconditional `exit` (mayRun, runsInEveryShell).
 * - DF034's "Remove apk update" does not count an apk command after an `exit` (or, under /bin/sh, a `return`).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { fixSummaries } from './helpers/fixtures';

describe('return under /bin/sh, later steps after exit (task shell3)', () => {
  it('DF030: an install after a return under /bin/sh never runs, the fix goes before a return that is not last; a later RUN ending at exit needs no lists', () => {
    assert.deepEqual(fixSummaries('DF030', 'fires-return-under-sh.dockerfile', true), [
      // line 6: …; return 0; apt-get install -y unzip under the default /bin/sh: silent
      '10 safe ["10:47 rm -rf /var/lib/apt/lists/*; "]', // …; return 0; echo never
      // line 13: ["/bin/sh", "-c", "…; return 0; apt-get install -y wget"]: silent
      '17 none', // ["/bin/bash", "-c", …]: bash runs the second install (exec form: no fix)
      '21 safe ["21:43  && rm -rf /var/lib/apt/lists/*"]', // the next RUN is `exit 0; apt-get install -y gawk`
    ]);
  });
  it('DF034: "Remove apk update" is safe when the only plain apk add comes after an exit, or a return under /bin/sh', () => {
    assert.deepEqual(fixSummaries('DF034', 'fires-update-before-exit.dockerfile'), [
      '6 safe [""]', // apk update && apk add --no-cache curl; exit 0; apk add jq (never runs: not flagged)
      '9 safe [""]', // …; return 0; apk add git
      '12 safe [" --no-cache"]', // apk add --update zip; return 0; apk add unzip: the index is needed by nothing that runs
    ]);
  });
  it('bash (SHELL ["/bin/bash", "-c"]) still goes on after a return (shell2 cases, now under a bash SHELL)', () => {
    assert.deepEqual(fixSummaries('DF030', 'fires-return-or-group-exit.dockerfile', true)[0], '9 none');
    assert.deepEqual(fixSummaries('DF034', 'fires-index-after-exit.dockerfile').slice(1), ['10 quick [" --no-cache"]', '10 safe [" --no-cache"]']);
  });
});
