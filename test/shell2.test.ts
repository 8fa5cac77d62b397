/**
 * Task shell2: what ends a RUN's script and what a function definition is (scriptEnds, runsInEveryShell,
 * functionDefinitions, setsErrTrap in rules/engine/packages.ts; `function name {` in rules/engine/shell.ts).
 * - A top-level `return`: POSIX leaves it unspecified outside a function or dot script; dash, BusyBox ash and bash as
 *   `sh` end the script, bash otherwise fails it (status 2) and goes on. An install after it counts, a cleanup after
 *   it does not, and the appended cleanup goes before it only when it is the last command.
 * - A top-level `{ …; exit 0; }` ends the shell; `( …; exit 0 )`, a group behind `||`, in a pipe or an `if` do not.
 * - `function name { …; }` is a definition in bash and ash (dash rejects it), like `name() { …; }`; a function whose
 *   body is a subshell is a function too for `&&` appends.
 * - An ERR trap runs for a failing last command of a list, not before `&&`: an append with `&&` is a quick fix then.
 * - DF034's later-step reading and DF038's fetcher skip commands after an unconditional `exit` (mayRun).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { fixSummaries } from './helpers/fixtures';

const RM = 'rm -rf /var/lib/apt/lists/*';

describe('script ends, function definitions and ERR traps (task shell2)', () => {
  it('DF030: install after a return counts, the fix goes before a last return only; a group ending in exit ends the script', () => {
    assert.deepEqual(fixSummaries('DF030', 'fires-return-or-group-exit.dockerfile', true), [
      '9 none', // …; return 0; apt-get install -y unzip: bash runs the install after the cleanup
      `12 safe ["12:47 ${RM}; "]`, // …; return 0 (last)
      `15 safe ["15:44  && ${RM}"]`, // …; return (bare: its status is the list's)
      `20 safe ["20:65 ${RM}; "]`, // { echo installed; exit 0; }: inside the group, before the exit
      `23 safe ["23:45 ${RM}; "]`, // { { exit 0; }; }
    ]);
  });

  it('DF030: an ERR trap or a call of a subshell-bodied function before `&&` makes the append a quick fix', () => {
    assert.deepEqual(fixSummaries('DF030', 'fires-append-err-trap-or-subshell-function.dockerfile'), [
      `8 quick [" && ${RM}"]`, // trap 'exit 0' ERR
      `11 quick [" && ${RM}"]`, // set -e; f() ( false; true ); …; f
      `15 safe [" && ${RM}"]`, // EXIT trap, ERR reset
    ]);
  });

  it('DF032: a call of `function name { … }` is read through its body', () => {
    assert.deepEqual(fixSummaries('DF032', 'fires-keyword-function.dockerfile'), ['7 safe [" -y"]', '9 quick [" -y"]']);
  });

  it('DF034: an apk add after an exit needs no index; one after a return may', () => {
    assert.deepEqual(fixSummaries('DF034', 'fires-index-after-exit.dockerfile'), ['5 safe [" --no-cache"]', '10 quick [" --no-cache"]', '10 safe [" --no-cache"]']);
  });

  it('DF038: a fetcher after an exit does not withhold "Use npm ci"; one after a return does', () => {
    assert.deepEqual(fixSummaries('DF038', 'fires-fetcher-never-runs.dockerfile'), ['10 quick ["ci"]', '17 none']);
  });
});
