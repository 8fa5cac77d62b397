/**
 * Review 49a, F2/F4: under a SHELL with -e, errexit credit (failureEndsRun) is withdrawn by anything before the
 * command that may turn errexit off or changes the shell's options in a way that is not read (mayTurnErrexitOff in
 * rules/engine/packages.ts): `eval`, `shopt -u -o errexit`, `source`/`.`, `builtin`/`command` over `set +e`, a call of
 * a function whose body may `set +e`, a `set` or command name from an expansion, a DEBUG trap. DF032's "Add -y" then
 * stays a quick fix and DF015 keeps the later checksum check from lowering a download to info.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, fixFinding } from '../rules';
import { analyzeCase, loadCases } from './helpers/fixtures';

const ENDS = "' without -y waits for a confirmation a build cannot give and aborts; add -y.";
const TOLERATED = "' without -y waits for a confirmation a build cannot give and aborts without changing any package, and the RUN may go on past the failure; add -y if the change is wanted.";

describe('errexit credit is withdrawn by what may turn it off unseen (review 49a)', () => {
  it('DF032: "Add -y" is a quick fix after eval, shopt -o, source, builtin/command set, function calls; safe after what is read', () => {
    const c = loadCases('DF032').find((x) => x.name === 'fires-errexit-turned-off-unseen.dockerfile')!;
    const analysis = analyzeCase(c);
    const got = analysis.findings
      .filter((f) => f.code === 'DF032')
      .map((f) => {
        const fix = fixFinding(allRules, analysis.context, f)!;
        assert.ok(f.message.endsWith(fix.safe ? ENDS : TOLERATED), `line ${f.range.start.line + 1}: ${f.message}`);
        return `${f.range.start.line + 1} ${fix.safe ? 'safe' : 'quick'}`;
      });
    assert.deepEqual(got, [
      '7 quick', // eval "set +e"
      '9 quick', // shopt -u -o errexit
      '11 quick', // shopt -uo errexit
      '13 quick', // eval set +o errexit
      '15 quick', // source ./errexit.sh
      '17 quick', // . ./errexit.sh
      '19 quick', // a function whose body runs set +e, called after a set -e
      '21 quick', // a function calling one defined after it, whose body evals
      '23 quick', // builtin set +e
      '25 quick', // command set +e
      '27 quick', // set $SHELL_FLAGS
      '29 quick', // $SET +e
      '31 quick', // trap 'set +e' DEBUG
      '33 quick', // eval later in the loop body: the next round may run without errexit
      '36 safe', // exec 2>&1; bash -c 'set +e': a redirection and another shell
      '38 safe', // command -v set; shopt -s extglob; shopt -u -o nounset
      '40 safe', // an EXIT trap and a reset
      '42 safe', // a function that leaves the options alone; a program run by path
    ]);
  });

  it('DF015: a later check counts only while nothing before it may have turned errexit off', () => {
    const c = loadCases('DF015').find((x) => x.name === 'fires-url-check-errexit-turned-off.dockerfile')!;
    const severities = analyzeCase(c)
      .findings.filter((f) => f.code === 'DF015')
      .map((f) => `${f.range.start.line + 1} ${f.severity}`);
    assert.deepEqual(severities, [
      '6 warning', // eval "set +e"
      '8 warning', // shopt -u -o errexit
      '10 warning', // . ./versions.sh
      '12 warning', // a function that runs set +o errexit, called after a set -e
      '14 warning', // builtin set +e
      '16 warning', // command set +e
      '18 info', // exec 2>&1 only redirects: the check's failure ends the RUN
    ]);
  });
});
