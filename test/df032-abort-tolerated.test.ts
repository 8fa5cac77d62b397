/**
 * DF032 "Add -y" is safe only where apt's abort failed the build; where the script went on after it (`|| true`,
 * `;` without `set -e`, `if !`, a loop), -y is a new decision to remove, upgrade or install packages, so the fix
 * is a quick fix whose title says what apt will now do (review 47a, F2).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, fixFinding } from '../rules';
import { analyzeCase, loadCases } from './helpers/fixtures';

describe('DF032 "Add -y" where apt\'s abort was tolerated (review 47a, F2)', () => {
  const c = loadCases('DF032').find((x) => x.name === 'fires-abort-tolerated.dockerfile')!;

  it('is safe where the abort ended the RUN, a quick fix naming what apt will do elsewhere', () => {
    const analysis = analyzeCase(c);
    const fixes = analysis.findings
      .filter((f) => f.code === 'DF032')
      .map((f) => {
        const fix = fixFinding(allRules, analysis.context, f);
        return `${f.range.start.line + 1} ${fix?.safe ? 'safe' : 'quick'} ${fix?.title}`;
      });
    const note = '(its abort may have let the RUN go on)';
    const removes = `Add -y: apt will now remove the packages ${note}`;
    const installs = `Add -y: apt will now install or remove the other packages it asked about ${note}`;
    assert.deepEqual(fixes, [
      '4 safe Add -y',
      '6 safe Add -y',
      '8 safe Add -y',
      '10 safe Add -y',
      '12 safe Add -y',
      '14 safe Add -y',
      '18 safe Add -y',
      '22 safe Add -y', // the last list of the `then` branch: the `if`'s status
      '22 safe Add -y', // … and of the `else` branch
      '25 safe Add -y', // `fi && rm …`: the `if` ends the RUN
      `29 quick ${removes}`, // || true
      `31 quick ${removes}`, // ; without set -e
      `33 quick ${removes}`, // set -e, but before &&
      `35 quick ${removes}`, // set +e
      `37 quick ${removes}`, // if !
      `39 quick ${removes}`, // && echo || true
      `41 quick Add -y: apt will now upgrade the packages ${note}`,
      `43 quick Add -y: apt will now upgrade the packages, and may remove some ${note}`,
      `45 quick ${installs}`, // bash -c '…' || true
      `47 quick ${removes}`, // a loop
      `49 quick ${installs}`, // | tee
      `52 quick ${installs}`, // bash <<EOF || true
      `55 quick ${installs}`, // fi || true
      `57 quick ${removes}`, // a command after it in the branch
      `59 quick ${removes}`, // { …; } || echo
    ]);
  });
});
