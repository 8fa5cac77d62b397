/**
 * The hot paths rewritten for speed (issue #6) read what they read before: logicalText by character
 * code, and the accessor cache of a finished parse kept in slots (dockerfile-memo.ts).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { DockerfileParser } from 'dockerfile-ast';
import { logicalText } from '../rules/engine/shell';
import { DockerfileContext } from '../rules/engine/dockerfile';
import { DEFAULT_OPTIONS, type WorkspaceView } from '../rules/engine/types';

const workspace = { readText: () => undefined, exists: () => false, listDir: () => [] } as unknown as WorkspaceView;

/** logicalText as it was written before (one-character strings), the reference for the rewrite. */
function reference(doc: string, start: number, end: number, escapeChar: string): { text: string; offsets: number[] } {
  let text = '';
  const offsets: number[] = [];
  let i = start;
  let atLineStart = false;
  while (i < end) {
    const c = doc[i];
    if (atLineStart) {
      let j = i;
      while (j < end && (doc[j] === ' ' || doc[j] === '\t')) j++;
      if (doc[j] === '#') {
        while (j < end && doc[j] !== '\n') j++;
        i = j + 1;
        continue;
      }
      if (doc[j] === '\n' || (doc[j] === '\r' && doc[j + 1] === '\n')) {
        i = doc[j] === '\r' ? j + 2 : j + 1;
        continue;
      }
      atLineStart = false;
    }
    if (c === escapeChar) {
      let j = i + 1;
      while (j < end && (doc[j] === ' ' || doc[j] === '\t')) j++;
      if (doc[j] === '\r' && doc[j + 1] === '\n') j++;
      if (doc[j] === '\n' || j >= end) {
        i = j + 1;
        atLineStart = true;
        continue;
      }
      if (escapeChar !== '\\') {
        text += doc[i + 1] ?? '';
        offsets.push(i + 1);
        i += 2;
        continue;
      }
    }
    text += c;
    offsets.push(i);
    i++;
  }
  offsets.push(end);
  return { text, offsets };
}

describe('logicalText', () => {
  const cases: [string, string][] = [
    ['apt-get update && \\\n    apt-get install -y curl', '\\'],
    ['a \\\r\n  # a comment\r\n\r\n  b \\  \n c', '\\'],
    ['echo `date` \\\n  \\\n', '\\'],
    ['Write-Host `\n  # note\n  hi `$x ``', '`'],
    ['x `', '`'],
    ['one\ntwo \\\n\t\t#c\n\tthree', '\\'],
    ['plain line, no escape', '\\'],
  ];
  for (const [doc, esc] of cases) {
    it(`reads ${JSON.stringify(doc)} as before`, () => {
      for (const start of [0, 2]) {
        const got = logicalText(doc, start, doc.length, esc);
        const want = reference(doc, start, doc.length, esc);
        assert.equal(got.text, want.text);
        assert.deepEqual(Array.from(got.offsets), want.offsets);
      }
    });
  }
});

describe('accessor cache of a finished parse', () => {
  it('gives the library’s answers, null and empty ones included, computed once', () => {
    const text = 'FROM alpine AS build\nARG A\nENV B=1 C=2\nRUN echo hi\nONBUILD RUN make\nUSER app\nFROM scratch\nCOPY --from=build /a /b\n';
    const ctx = new DockerfileContext('/w/Dockerfile', text, workspace, DEFAULT_OPTIONS);
    const fresh = DockerfileParser.parse(text).getInstructions();
    const ours = ctx.ast.getInstructions();
    assert.equal(ours.length, fresh.length);
    ours.forEach((ins, k) => {
      const lib = fresh[k] as unknown as Record<string, () => unknown>;
      const mine = ins as unknown as Record<string, () => unknown>;
      for (const name of ['getKeyword', 'getArguments', 'getArgumentsRange', 'getArgumentsContent', 'getRawArgumentsContent', 'getVariables', 'getExpandedArguments']) {
        if (typeof mine[name] !== 'function') continue;
        const first = mine[name]();
        assert.deepEqual(first, lib[name](), `${ins.getKeyword()} ${name}`);
        // Computed once: the second call gives the same object.
        assert.equal(mine[name](), first, `${ins.getKeyword()} ${name} again`);
      }
    });
    // ARG A has no value (null) and USER's stage name none: a cached null is returned as null.
    const arg = ours[1] as unknown as { getProperty(): { getValue(): string | null } };
    assert.equal(arg.getProperty().getValue(), null);
    const from = ours[6] as unknown as { getBuildStage(): string | null };
    assert.equal(from.getBuildStage(), null);
    assert.equal(from.getBuildStage(), null);
  });
});
