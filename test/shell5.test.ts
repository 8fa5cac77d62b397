/**
 * Task shell5 (leftovers of the shell reading for the package rules):
 * - DF031, DF032 and DF037 read a RUN in the order its shell runs it (runOrder), as DF030 and DF033–DF036 do: an
 *   install in a function's body where it is called (one edit of the body), none in a function never called, and the
 *   text of an `eval` (also `command eval`, `builtin eval`), edited where it is written when it maps one to one.
 * - A cleanup after an `exit` that may end the shell with success is not done (DF030): reported, no fix.
 * - A cleanup written behind `&&` after a terminator is moved before it.
 * - An ERR trap set in an `eval`'s text makes the `&&` append a quick fix.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { fixSummaries } from './helpers/fixtures';

const RM = 'rm -rf /var/lib/apt/lists/*';

describe('shell reading leftovers for the package rules (task shell5)', () => {
  it('DF032: -y in an eval text that ends the RUN is safe, in a function body a quick fix, none where the text has no place', () => {
    assert.deepEqual(fixSummaries('DF032', 'fires-through-function-or-eval.dockerfile', true), [
      '8 quick ["8:36  -y"]', // install_pkgs() { apt-get install …; }, called twice: one edit of the body
      '10 safe ["10:43  -y"]', // eval '…' && rm: the eval's status is apt's
      '12 safe ["12:51  -y"]', // command eval "…"
      '14 safe ["14:50  -y"]', // builtin eval apt-get install … (unquoted words)
      '16 none', // eval apt-get\ install …: an escape, no place in the document
    ]);
  });

  it('DF030: a cleanup after a success exit is not done (no fix)', () => {
    assert.deepEqual(fixSummaries('DF030', 'fires-cleanup-after-success-exit.dockerfile'), ['7 none', '9 none', '11 none', '13 none', '15 none', '17 none']);
    // The move of a cleanup written behind `&&` after the exit: append3.test.ts (fires-cleanup-behind-and-exit).
  });

  it('DF030: an ERR trap in an eval text, or an eval of unknown text, makes the && append a quick fix; SHELL -E alone does not', () => {
    assert.deepEqual(fixSummaries('DF030', 'fires-append-err-trap-in-eval.dockerfile'), [
      `8 quick [" && ${RM}"]`,
      `11 quick [" && ${RM}"]`,
      `15 quick [" && ${RM}"]`,
      `19 safe [" && ${RM}"]`,
    ]);
  });
});
