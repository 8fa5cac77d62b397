/**
 * One reading of "does a failing command end the RUN" (failureEndsRun in rules/engine/packages.ts) for DF032's
 * "Add -y" and DF015's later checksum check: the stage's SHELL with -e (`SHELL ["/bin/bash", "-eo", "pipefail", "-c"]`)
 * for the scripts it runs, `set -e` in the body of an `if`, loop, `case` or `{ … }`, compounds where errexit is
 * ignored, and DF032's message where apt's abort may be tolerated.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, applyFix, fixFinding, DEFAULT_CONFIG, type FileSet, type Finding } from '../rules';
import { analyzeCase, loadCases, viewOf } from './helpers/fixtures';

const ENDS = "' without -y waits for a confirmation a build cannot give and aborts; add -y.";
const TOLERATED = "' without -y waits for a confirmation a build cannot give and aborts without changing any package, and the RUN may go on past the failure; add -y if the change is wanted.";

/** `line safe|quick` for each DF032 finding of a fixture, and whether its message is the one for its case. */
function df032Fixes(name: string): string[] {
  const c = loadCases('DF032').find((x) => x.name === name)!;
  const analysis = analyzeCase(c);
  return analysis.findings
    .filter((f) => f.code === 'DF032')
    .map((f) => {
      const fix = fixFinding(allRules, analysis.context, f)!;
      const message = fix.safe ? ENDS : TOLERATED;
      assert.ok(f.message.endsWith(message), `line ${f.range.start.line + 1}: ${f.message}`);
      return `${f.range.start.line + 1} ${fix.safe ? 'safe' : 'quick'}`;
    });
}

describe('failureEndsRun reads the SHELL and errexit in compound bodies', () => {
  it('DF032: "Add -y" is safe under a SHELL with -e for the scripts the SHELL runs, and still not without it', () => {
    assert.deepEqual(df032Fixes('fires-shell-errexit.dockerfile'), [
      '6 safe', // SHELL ["/bin/bash", "-eo", "pipefail", "-c"]: `apt-get install curl; echo installed`
      '8 safe', // in an `if` body
      '10 safe', // in a loop body
      '13 safe', // a heredoc that is the whole command, without a shebang: the SHELL runs it
      '18 quick', // || true
      '20 quick', // before && (errexit ignored)
      '22 quick', // set +e
      '24 quick', // exec form: no SHELL
      '26 quick', // bash -c '…': its own shell
      '30 quick', // a heredoc with a shebang runs as a file
      '34 quick', // ONBUILD: the child image's build
      '36 quick', // a group in a pipe
      '41 safe', // inherited from the stage it builds on
      '46 safe', // ["/bin/sh", "-exc"]
      '49 safe', // ["/bin/bash", "-o", "errexit", "-c"]
      '52 quick', // ["/bin/bash", "-e", "+e", "-c"]: the last one wins
      '55 quick', // ["/bin/bash", "-c"]
    ]);
  });

  it('DF032: a set -e that surely ran, and errexit in the bodies of if, loops, case and { }', () => {
    assert.deepEqual(df032Fixes('fires-errexit-in-bodies.dockerfile'), [
      '6 safe', // set -e in the `then` body before apt
      '8 safe', // set -e; for …; do apt-get remove; …; done
      '10 safe', // a case arm
      '12 safe', // { set -e; }: the group surely ran
      '14 safe', // while … done < file
      '16 safe', // || exit 1 in a loop body exits the shell
      '19 quick', // set -e in an `if` that may not have run
      '21 quick', // [ … ] && set -e
      '23 quick', // set +e later in the loop body: the next round runs without errexit
      '25 quick', // fi || echo: errexit ignored in the whole `if`
      '27 quick', // { …; } | tee: a subshell, whose status the pipe drops
      '29 quick', // ( … ): a subshell
      '31 quick', // a function body runs only when called
      '33 quick', // set -- -e sets $1
      '35 quick', // ! negates the whole pipeline
      '37 quick', // exit in a piped group ends only that subshell
    ]);
  });

  it('DF032: fix-all applies -y where the SHELL has -e and leaves the prompt alone without it', () => {
    const text = 'FROM debian:12-slim\nSHELL ["/bin/bash", "-eo", "pipefail", "-c"]\nRUN apt-get install curl; echo installed\nSHELL ["/bin/bash", "-c"]\nRUN apt-get install wget; echo installed\nUSER 1000\n';
    const run = (t: string) => analyze(allRules, 'dockerfile', '/m/Dockerfile', t, viewOf(new Map([['/m/Dockerfile', t]])), DEFAULT_CONFIG);
    const first = run(text);
    let files: FileSet = new Map([['/m/Dockerfile', text]]);
    for (const f of first.findings.filter((x: Finding) => x.code === 'DF032')) {
      const fix = fixFinding(allRules, first.context, f);
      if (fix?.safe) files = applyFix(files, fix);
    }
    const fixed = files.get('/m/Dockerfile')!;
    assert.equal(fixed, text.replace('apt-get install curl', 'apt-get install -y curl'));
    const again = run(fixed).findings.filter((x: Finding) => x.code === 'DF032');
    assert.deepEqual(again.map((f) => [f.range.start.line + 1, f.message]), [[5, `'apt-get install${TOLERATED}`]]);
  });

  it('DF015: a later check counts only when its failure ends the RUN, as DF032 reads it', () => {
    const c = loadCases('DF015').find((x) => x.name === 'fires-url-check-tolerated-or-errexit.dockerfile')!;
    const severities = analyzeCase(c)
      .findings.filter((f) => f.code === 'DF015')
      .map((f) => `${f.range.start.line + 1} ${f.severity}`);
    assert.deepEqual(severities, [
      '6 warning', // `sha256sum -c - && echo verified || true`: the failure is tolerated
      '8 warning', // set -e, but the check is before `&&`: errexit is ignored there
      '10 info', // SHELL ["/bin/ash", "-eo", "pipefail", "-c"]: `sha256sum -c -; tar …` stops at the check
      '12 warning', // `|| return 1` outside a function: bash goes on
    ]);
  });
});
