/**
 * Review append: appendToRun (DF030's "Remove the apt lists", DF036's "Append … clean all") adds a command after the
 * last line of a heredoc, or after `;` in a `;`-continued RUN. The RUN's status then becomes the added command's
 * whenever the shell reaches it, so the append is safe only where a failure of the last list surely ends the shell
 * first: errexit on at the end of the script, read as failureEndsRun reads it (a later `set +e`, an `eval` withdraw
 * it), and no `&&` or compound command in the last list (failureStopsBeforeEnd in rules/engine/packages.ts).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { fixSummaries } from './helpers/fixtures';

const fixesOf = (code: string, name: string): string[] => fixSummaries(code, name);

describe('an appended cleanup is safe only where the last failure surely ends the shell (review append)', () => {
  it('DF030: a new line only under errexit that ends the shell; else `&&` on the last line, a quick fix after eval or a compound; a `;` join falls back to `&&`', () => {
    assert.deepEqual(fixesOf('DF030', 'fires-append-errexit-withdrawn.dockerfile'), [
      '11 safe [" && rm -rf /var/lib/apt/lists/*"]', // set -e … set +e; false: appended to the last list (task exit0)
      '20 quick ["\\nrm -rf /var/lib/apt/lists/*"]', // eval "$EXTRA" last
      '27 safe [" && rm -rf /var/lib/apt/lists/*"]', // set -e; apt-get update && apt-get install last: appended with && (task exit0)
      '34 quick ["\\nrm -rf /var/lib/apt/lists/*"]', // ends with if … fi
      '42 safe ["\\nrm -rf /var/lib/apt/lists/*"]', // set -eux, a single last command
      '49 safe ["\\nrm -rf /var/lib/apt/lists/*"]', // set +e then set -o errexit; a || b last
      '55 safe [" && \\\\\\n    rm -rf /var/lib/apt/lists/*"]', // `;` style after set +e: joined with &&
      '61 safe ["; \\\\\\n    rm -rf /var/lib/apt/lists/*"]', // `;` style under set -e: joined with ;
      '71 safe ["\\nrm -rf /var/lib/apt/lists/*"]', // SHELL ["/bin/bash", "-e", "-c"] runs the heredoc
    ]);
  });

  it('DF036: the clean after set +e; false goes on the last line with &&, under set -e on a new line: both safe', () => {
    assert.deepEqual(fixesOf('DF036', 'fires-append-errexit-withdrawn.dockerfile'), ['8 safe [" && dnf clean all"]', '15 safe ["\\ndnf clean all"]']);
  });
});
