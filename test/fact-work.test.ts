/**
 * Questions a rule asks of every command of a RUN when only some commands need the answer (the p99 end of the bench's
 * "Dockerfile analysis per file": the official images' long RUNs of 50-100 commands). Counted rather than timed (like
 * rule-work.test.ts): the calls of the named function, as V8's precise coverage counts them, during one rule's analysis.
 * - DF030 asked whether every command of a RUN that installs from apt runs in an unwaited background job
 *   (runsInBackground); only a command that removes the lists needs the answer.
 * - The utility a command runs (shellUtility, builtinWords) was read again, two or three arrays each time, by every
 *   reader of what ends a shell (scriptEnds, neverRunAfterAnd, the traps): it is read once per command.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Session } from 'node:inspector/promises';
import { analyze, ruleByCode, type Rule } from '../rules';
import { viewOf } from './helpers/fixtures';
import { builtinWords, shellUtility } from '../rules/engine/script-structure';
import { parseShell, identityOffsets } from '../rules/engine/shell';

/** The findings of one rule on `text`, and how many times each function named in `names` was called (any esbuild suffix). */
async function callsDuring(code: string, text: string, names: readonly string[]): Promise<{ findings: number; calls: Map<string, number> }> {
  const rules: Rule[] = [ruleByCode(code)!];
  const target = '/h/Dockerfile';
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
    await session.post('Profiler.takePreciseCoverage'); // resets the counters
    const analysis = analyze(rules, 'dockerfile', target, text, viewOf(new Map([[target, text]])));
    const { result } = await session.post('Profiler.takePreciseCoverage');
    await session.post('Profiler.stopPreciseCoverage');
    const calls = new Map(names.map((n) => [n, 0]));
    for (const script of result) {
      if (!script.url.includes(__filename.split(/[\\/]/).pop()!)) continue;
      for (const fn of script.functions) {
        const name = fn.functionName.replace(/\d+$/, '');
        if (calls.has(name)) calls.set(name, calls.get(name)! + fn.ranges[0].count);
      }
    }
    return { findings: analysis.findings.filter((f) => f.code === code).length, calls };
  } finally {
    session.disconnect();
  }
}

/** One RUN: an apt update and install, n other commands, then the lists' cleanup (`&` after it: in the background). */
function aptRun(n: number, background: boolean): string {
  let body = 'apt-get update && apt-get install -y --no-install-recommends curl';
  for (let i = 0; i < n; i++) body += ` \\\n  && echo step${i}`;
  return `FROM debian:bookworm-slim\nRUN ${body} \\\n  && rm -rf /var/lib/apt/lists/*${background ? ' &' : ''}\nUSER 1000\n`;
}

describe('facts asked of the commands that need them', () => {
  for (const background of [false, true]) {
    it(`DF030 asks runsInBackground of the cleanup only, not of every command (cleanup ${background ? 'in the background' : 'waited for'})`, async (t) => {
      const { findings, calls } = await callsDuring('DF030', aptRun(60, background), ['runsInBackground']);
      t.diagnostic(`runsInBackground calls: ${calls.get('runsInBackground')}`);
      // A cleanup in a background job the shell does not wait for may be cut short: the lists stay (reported).
      assert.equal(findings, background ? 1 : 0);
      assert.ok(calls.get('runsInBackground')! <= 2, `runsInBackground was asked ${calls.get('runsInBackground')} times for one cleanup`);
    });
  }
});

describe('the utility a command runs, read once per command', () => {
  it('builtinWords and shellUtility give the same reading each time they are asked; a copy of a command is read afresh', () => {
    const text = 'command -p -- exit 3 2>/dev/null; builtin return 1; echo hi >/tmp/x there; X=1 command -v ls; $CMD a';
    const commands = parseShell({ text, offsets: identityOffsets(text.length) });
    assert.equal(commands.length, 5);
    for (const c of commands) {
      assert.equal(builtinWords(c), builtinWords(c));
      assert.equal(shellUtility(c), shellUtility(c));
    }
    const show = (c: (typeof commands)[number]) => ({ words: builtinWords(c).words.map((w) => w.value), describes: builtinWords(c).describes, utility: shellUtility(c) && { ...shellUtility(c)!, args: shellUtility(c)!.args.map((w) => w.value) } });
    assert.deepEqual(commands.map(show), [
      { words: ['exit', '3'], describes: false, utility: { name: 'exit', args: ['3'], viaBuiltin: false } },
      { words: ['return', '1'], describes: false, utility: { name: 'return', args: ['1'], viaBuiltin: true } },
      { words: ['echo', 'hi', 'there'], describes: false, utility: { name: 'echo', args: ['hi', 'there'], viaBuiltin: false } },
      { words: ['command', '-v', 'ls'], describes: true, utility: { name: 'command', args: ['-v', 'ls'], viaBuiltin: false } },
      { words: ['$CMD', 'a'], describes: false, utility: undefined },
    ]);
    // A copy read as another program (`{ ...cmd, programIndex }`, as readers of wrappers make) is not the command's reading.
    const echo = commands[2];
    const copy = { ...echo, programIndex: 1 };
    assert.notEqual(builtinWords(copy), builtinWords(echo));
    assert.deepEqual(builtinWords(copy).words.map((w) => w.value), ['hi', 'there']);
    assert.equal(shellUtility(copy)?.name, 'hi');
    assert.equal(shellUtility(echo)?.name, 'echo');
  });
});
