/**
 * Questions a rule asks of every command of a RUN when only some commands need the answer (the p99 end of the bench's
 * "Dockerfile analysis per file": the official images' long RUNs of 50-100 commands). Counted rather than timed (like
 * rule-work.test.ts): the calls of the named function, as V8's precise coverage counts them, during one rule's analysis.
 * - DF030 asked whether every command of a RUN that installs from apt runs in an unwaited background job
 *   (runsInBackground); only a command that removes the lists needs the answer.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Session } from 'node:inspector/promises';
import { analyze, ruleByCode, type Rule } from '../rules';
import { viewOf } from './helpers/fixtures';

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
