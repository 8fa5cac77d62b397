/**
 * Task exit0: a cleanup after an unconditional top-level `exit`/`exec`/`return` never runs (terminatorIndex, mayRun in
 * rules/engine/packages.ts), so DF030/DF036 read none there and their appended cleanup goes before the terminator;
 * a joined RUN (DF033, DF039) never goes after one, nor after a compound that errexit would stop reading.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { fixSummaries } from './helpers/fixtures';

const fixesOf = (code: string, name: string): string[] => fixSummaries(code, name, true);

const RM = 'rm -rf /var/lib/apt/lists/*';

describe('after an unconditional exit (task exit0)', () => {
  it('DF030: the cleanup goes before the terminator, safe', () => {
    assert.deepEqual(fixesOf('DF030', 'fires-cleanup-after-exit.dockerfile'), [
      `7 safe ["7:47 ${RM}; "]`, // ; exit 0
      `10 safe ["10:47 ${RM}; "]`, // exit 0; rm (never runs)
      `13 safe ["13:44  && ${RM}"]`, // bare exit: appended to the list before it
      `16 safe ["16:48 ${RM}; "]`, // exec nginx
      `20 safe ["20:28  && ${RM}"]`, // ; exit $?
      `26 safe ["27:0 ${RM}; "]`, // heredoc: exit 0
      '35 none', // return 3; rm under SHELL bash: bash goes on past the return (task shell2)
    ]);
  });

  it('DF030: a heredoc whose last list has `&&` under set -e gets `&& rm` on that line, safe; after a compound a quick fix', () => {
    assert.deepEqual(fixesOf('DF030', 'fires-append-errexit-withdrawn.dockerfile').slice(0, 4), [
      `11 safe ["13:5  && ${RM}"]`,
      `20 quick ["21:13 \\n${RM}"]`,
      `27 safe ["27:40  && ${RM}"]`,
      `34 quick ["35:47 \\n${RM}"]`,
    ]);
  });

  it('DF033, DF039: no join after an exit or a compound under SHELL -e', () => {
    assert.deepEqual(fixesOf('DF039', 'fires-join-would-change-first-no-fix.dockerfile'), ['8 none', '13 none']);
    assert.deepEqual(fixesOf('DF033', 'fires-join-would-change-first-no-fix.dockerfile'), ['6 none', '12 none']);
  });
});
