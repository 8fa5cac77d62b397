/**
 * Task shell4 (review 51a, finding 5): the package rules read a RUN that defines a function or runs `eval` in the order
 * its shell runs it (runOrder in rules/engine/function-calls.ts): a function's body runs where the function is called,
 * not where it is defined, and not at all when it is never called; the readable text of an `eval` runs where the `eval`
 * stands, and an `eval` of text with an expansion may do anything (never "without an install", never a cleanup).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { fixSummaries } from './helpers/fixtures';

describe('installs and cleanups run through functions and eval (task shell4)', () => {
  it('DF030: fixes after a call, none when a called function may end the shell', () => {
    assert.deepEqual(fixSummaries('DF030', 'fires-install-through-function-or-eval.dockerfile', true), [
      '5 safe ["5:119  && rm -rf /var/lib/apt/lists/*"]', // apt-get update && install_pkgs: after the call, which installs
      '10 safe ["10:110  && rm -rf /var/lib/apt/lists/*"]', // bash's `function install_pkgs { …; }`
      '14 safe ["14:113  && rm -rf /var/lib/apt/lists/*"]', // cleanup() { rm …; } never called: after the definition (status 0)
      '18 safe ["18:130  && rm -rf /var/lib/apt/lists/*"]', // rm … before the call that installs: after the call
      '22 safe ["22:126  && rm -rf /var/lib/apt/lists/*"]', // the rm in step() follows its return 0
      '26 quick ["26:93  && rm -rf /var/lib/apt/lists/*"]', // eval "rm -rf $LISTS" cleans nothing known (eval last: quick)
      '30 quick ["30:76  && rm -rf /var/lib/apt/lists/*"]', // eval "apt-get install …" installs (eval last: quick)
      '34 none', // done_ok() ends the shell with exit 0: an append after its call would never run
    ]);
  });
  it('DF030: a later RUN is read in the order its shell runs it', () => {
    assert.deepEqual(fixSummaries('DF030', 'fires-later-run-through-function.dockerfile', true), [
      '5 none', // the next RUN installs jq first (refresh() is never called): removing the lists breaks it
      '10 safe ["10:69  && rm -rf /var/lib/apt/lists/*"]', // the next RUN updates before add_jq installs
    ]);
  });
  it('DF034: a cleanup never called does not count (fixes as for any RUN)', () => {
    assert.deepEqual(fixSummaries('DF034', 'fires-cleanup-never-called.dockerfile', true), ['5 safe ["5:11  --no-cache"]', '7 safe ["7:11  --no-cache"]']);
  });
  it('DF035: a cleanup never called does not count (fixes as for any RUN)', () => {
    assert.deepEqual(fixSummaries('DF035', 'fires-cleanup-never-called.dockerfile', true), ['4 safe ["4:15  --no-cache-dir"]']);
  });
  it('DF036: a cleanup never called does not count (fixes as for any RUN)', () => {
    assert.deepEqual(fixSummaries('DF036', 'fires-cleanup-never-called.dockerfile', true), ['4 safe ["4:50  && dnf clean all"]']);
  });
});
