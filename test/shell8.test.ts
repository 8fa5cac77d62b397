/**
 * Task shell8: the package rules read the scripts of the shells a RUN starts and of its command substitutions where
 * they run. A command substitution's failure is its command's status only where that command is an assignment with no
 * other substitution (POSIX 2.9.1: "the exit status of the last command substitution performed"), so DF032's -y is safe
 * there and a quick fix behind `echo "$(…)"`, whose status is echo's.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, fixFinding } from '../rules';
import { analyzeCase, loadCases } from './helpers/fixtures';
import { runOrder } from '../rules/engine/function-calls';

describe('command substitutions (task shell8)', () => {
  it('DF032 "Add -y" inside $(…) is safe only where the substitution is the status of its command', () => {
    const c = loadCases('DF032').find((x) => x.name === 'fires-command-substitution.dockerfile')!;
    const analysis = analyzeCase(c);
    const fixes = analysis.findings
      .filter((f) => f.code === 'DF032')
      .map((f) => {
        const fix = fixFinding(allRules, analysis.context, f);
        return `${f.range.start.line + 1}:${f.range.start.character + 1} ${fix?.safe ? 'safe' : 'quick'}`;
      });
    assert.deepEqual(fixes, ['5:27 safe', '7:31 quick']);
  });

  it('runOrder lists the steps of a shell\'s script and of a substitution after their command, marked with their script', () => {
    const c = loadCases('DF030').find((x) => x.name === 'fires-command-substitution.dockerfile')!;
    const analysis = analyzeCase(c);
    const ctx = analysis.context as { runs(): Parameters<typeof runOrder>[0][] };
    // `RUN log() { :; }; log; apt-get update && x=$(apt-get install …)`
    const run = ctx.runs()[3];
    const order = runOrder(run);
    assert.ok(order.special);
    const shown = order.steps.map((s) => `${s.kind}${s.shell ? ' (sub)' : ''} ${s.cmd.words.map((w) => w.value).join(' ')}`);
    assert.deepEqual(shown, [
      'call log',
      'command { :', // the body of `log`, where it is called
      'command }',
      'command apt-get update',
      'command x=$(apt-get install -y --no-install-recommends curl)',
      'command (sub) apt-get install -y --no-install-recommends curl', // the substitution, after its command
    ]);
  });
});
