/**
 * `--fix-dry-run`'s diffs (cli/src/diff.ts): past MAX_EDIT_LENGTH edits one hunk replaces the changed
 * middle; either way the patch turns the old text into the new one.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyPatch, createTwoFilesPatch } from 'diff';
import { MAX_EDIT_LENGTH, unifiedDiff } from '../cli/src/diff';

describe('dry-run diffs', () => {
  it('are jsdiff\'s own below the edit limit', () => {
    const before = 'FROM alpine:3.22\nRUN echo a\nRUN echo b\nUSER 1000\n';
    const after = 'FROM alpine:3.22\nRUN echo a \\\n    && echo b\nUSER 1000\n';
    assert.equal(unifiedDiff('a/Dockerfile', 'b/Dockerfile', before, after), createTwoFilesPatch('a/Dockerfile', 'b/Dockerfile', before, after));
  });

  it('past the limit are one hunk that still applies, whatever the line breaks at the end (review 37, probe p09)', () => {
    const n = MAX_EDIT_LENGTH + 500;
    const runs = Array.from({ length: n }, (_, i) => `RUN echo ${i}`);
    const head = ['# syntax=docker/dockerfile:1', 'FROM alpine:3.22', 'WORKDIR /app', 'COPY . .'];
    const tail = ['USER 1000', 'HEALTHCHECK NONE', 'CMD ["sh"]'];
    const before = [...head, ...runs, ...tail].join('\n');
    const merged = [`RUN echo 0 \\`, ...runs.slice(1).map((r) => `    && ${r.slice(4)}${r === runs[n - 1] ? '' : ' \\'}`)];
    for (const [b, a] of [
      [before + '\n', [...head, ...merged, ...tail].join('\n') + '\n'],
      [before, [...head, ...merged, ...tail].join('\n') + '\n'],
      [before + '\n', [...head, ...merged, ...tail].join('\n')],
      [before + '\n', [...merged, ...tail].join('\n') + '\n'],
      [before + '\n', [...head, ...merged].join('\n') + '\n'],
    ]) {
      const patch = unifiedDiff('a/Dockerfile', 'b/Dockerfile', b, a);
      assert.equal((patch.match(/^@@ /gm) ?? []).length, 1, 'one hunk');
      assert.equal(applyPatch(b, patch), a);
    }
    assert.equal(applyPatch('', unifiedDiff('/dev/null', 'b/x', '', before)), before, 'a created file');
  });
});
