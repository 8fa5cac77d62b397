/**
 * Task append3 (review51 finding 1): a cleanup appended behind a terminator that ends the last and-or list never runs
 * (`… && exit 0 && rm …`). appendToRun (rules/engine/packages.ts: finalTerminator, insertBeforeFinalTerminator) puts it
 * before the terminator — `… && rm … && exit 0`, inside a `{ …; exit 0; }` group — and offers no fix when another
 * `exit`/`return`/`exec` may end the shell with success on some path (mayEndWithSuccess). A cleanup behind `&&` after
 * a terminator does not count as done (neverRunAfterAnd), and a RUN ending that way is not joined with the next.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { fixSummaries } from './helpers/fixtures';

const RM = 'rm -rf /var/lib/apt/lists/*';
const fixesOf = (code: string, name: string): string[] => fixSummaries(code, name, true);

describe('a cleanup never goes behind a terminator that ends the last list (task append3)', () => {
  it('DF030: before `&& exit 0`, `&& return`, `&& exec`, inside `&& { …; exit 0; }`, in a heredoc: safe', () => {
    assert.deepEqual(fixesOf('DF030', 'fires-append-after-and-exit.dockerfile'), [`6 safe ["6:73 ${RM} && "]`, `10 safe ["11:7 ${RM} && "]`]);
    assert.deepEqual(fixesOf('DF030', 'fires-append-after-and-return.dockerfile'), [`6 safe ["6:73 ${RM} && "]`]);
    assert.deepEqual(fixesOf('DF030', 'fires-append-after-and-group-exit.dockerfile'), [`6 safe ["6:86 ${RM}; "]`, `9 safe ["9:75 ${RM}; "]`, `12 safe ["12:86 ${RM} && "]`]);
    assert.deepEqual(fixesOf('DF030', 'fires-append-after-and-exec.dockerfile'), [`6 safe ["6:73 ${RM} && "]`]);
    assert.deepEqual(fixesOf('DF030', 'fires-append-after-and-exit-heredoc.dockerfile'), [`7 safe ["7:51 ${RM} && "]`]);
    assert.deepEqual(fixesOf('DF036', 'fires-append-after-and-exit.dockerfile'), ['5 safe ["5:27 dnf clean all && "]']);
  });

  it('DF030: no fix after a loop that returns, an `exit 0` in an `if` or behind `||`, a background `&`; `|| exit 1` takes the append', () => {
    assert.deepEqual(fixesOf('DF030', 'fires-loop-return-last-no-fix.dockerfile'), ['6 none']);
    assert.deepEqual(fixesOf('DF030', 'fires-append-terminator-checks.dockerfile'), [`7 safe ["7:79  && ${RM}"]`, '10 none', '13 none', `16 safe ["16:87  && ${RM}"]`, '19 none']);
  });

  it('DF030: a cleanup behind `&&` after exit, a group ending in exit, or exec is no cleanup; behind `|| exit 1 &&` it is', () => {
    // Task shell5: the fix puts the cleanup before the terminator and removes the one that never ran when it ends the script.
    assert.deepEqual(fixesOf('DF030', 'fires-cleanup-behind-and-exit.dockerfile'), [
      `7 safe ["7:73 ${RM} && ","7:79 "]`,
      `10 safe ["10:86 ${RM}; ","10:95 "]`,
      `13 safe ["13:71 ${RM} && ","13:85 "]`,
      `17 safe ["18:7 ${RM} && ","18:13 "]`,
      `22 safe ["22:73 ${RM} && "]`, // the cleanup that never ran is not the last command: left where it is
    ]);
  });

  it('DF039: no join after a RUN that ends with `&& exit 0` or may end with `|| exit 0`', () => {
    assert.deepEqual(fixesOf('DF039', 'fires-join-after-and-exit-no-fix.dockerfile'), ['7 none', '11 none']);
  });
});
