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

  it('keeps the raw arguments whole after getArguments takes the flags off, and getArguments after getExpandedArguments (the library changes the arrays those hand it)', () => {
    // ModifiableInstruction.getArguments (COPY, ADD, RUN, FROM, HEALTHCHECK…) calls getRawArguments and
    // `shift()`s one argument off that array per flag: a frozen getRawArguments that handed out its one
    // array lost the flags to the first getArguments.
    const text = 'FROM --platform=linux/amd64 alpine AS build\nRUN --mount=type=cache,target=/c --network=none make\nCOPY --chown=1000 --chmod=644 a b\nADD --link x /y\nHEALTHCHECK --interval=5s CMD true\nONBUILD COPY --chown=1 c d\nENV A=1\n';
    const ctx = new DockerfileContext('/w/Dockerfile', text, workspace, DEFAULT_OPTIONS);
    const fresh = DockerfileParser.parse(text).getInstructions();
    const ours = ctx.ast.getInstructions();
    assert.equal(ours.length, fresh.length);
    const values = (args: { getValue(): string }[]) => args.map((a) => a.getValue());
    // Private in the library's types, public in its code (getRawArgumentsContent and getVariables read it).
    const raw = (ins: unknown) => values((ins as { getRawArguments(): { getValue(): string }[] }).getRawArguments());
    ours.forEach((ins, k) => {
      const lib = fresh[k];
      const name = ins.getKeyword();
      assert.deepEqual(values(ins.getArguments()), values(lib.getArguments()), `${name} getArguments`);
      assert.deepEqual(raw(ins), raw(lib), `${name} getRawArguments after getArguments`);
      assert.equal(ins.getRawArgumentsContent(), lib.getRawArgumentsContent(), `${name} getRawArgumentsContent`);
      assert.deepEqual(values(ins.getArguments()), values(lib.getArguments()), `${name} getArguments again`);
    });
    // getExpandedArguments writes the expanded arguments into getArguments' array.
    const expanding = 'ARG V=1.2\nFROM --platform=$P alpine:$V\nCOPY --chown=$U a$V b\nRUN echo $V\n';
    const mine = new DockerfileContext('/w/Dockerfile', expanding, workspace, DEFAULT_OPTIONS).ast.getInstructions();
    const theirs = DockerfileParser.parse(expanding).getInstructions();
    mine.forEach((ins, k) => {
      const name = ins.getKeyword();
      assert.deepEqual(values(ins.getExpandedArguments()), values(theirs[k].getExpandedArguments()), `${name} getExpandedArguments`);
      assert.deepEqual(values(ins.getArguments()), values(theirs[k].getArguments()), `${name} getArguments after getExpandedArguments`);
      assert.deepEqual(raw(ins), raw(theirs[k]), `${name} getRawArguments after getExpandedArguments`);
    });
    // The library's getFlags reads getArguments while it builds the flags (which then reads as none):
    // getFlags asked first must not leave getArguments with the flags in it.
    const flagsFirst = 'FROM alpine\nHEALTHCHECK --interval=5s --retries=3 CMD true\nCOPY --chown=1 a b\n';
    const first = new DockerfileContext('/w/Dockerfile', flagsFirst, workspace, DEFAULT_OPTIONS).ast.getInstructions();
    const plain = DockerfileParser.parse(flagsFirst).getInstructions();
    first.forEach((ins, k) => {
      const name = ins.getKeyword();
      const flags = (i: unknown) => (i as { getFlags(): { getName(): string }[] }).getFlags().map((f) => f.getName());
      assert.deepEqual(flags(ins), flags(plain[k]), `${name} getFlags first`);
      assert.deepEqual(values(ins.getArguments()), values(plain[k].getArguments()), `${name} getArguments after getFlags`);
      assert.deepEqual(raw(ins), raw(plain[k]), `${name} getRawArguments after getFlags`);
    });
    const onbuild = ours[5] as unknown as { getTriggerInstruction(): { getArguments(): { getValue(): string }[]; getRawArguments(): { getValue(): string }[] } | null };
    const trigger = onbuild.getTriggerInstruction();
    assert.ok(trigger);
    assert.deepEqual(values(trigger.getArguments()), ['c', 'd']);
    assert.deepEqual(raw(trigger), ['--chown=1', 'c', 'd']);
  });
});
