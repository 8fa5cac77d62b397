/**
 * Past runOrder's cap of steps (MAX_STEPS: 4,000; review55a F5), the rest of a RUN is not followed in order but is still
 * read: what it writes may run (`uncertain`), as for a call nested too deep (listBodies). An install written after the
 * cut is reported by DF030, DF034 and DF035 as by DF031 and DF032; a cleanup written there does not count.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyze, ruleByCode, type Rule } from '../rules';
import { viewOf } from './helpers/fixtures';

const CODES = ['DF030', 'DF031', 'DF034', 'DF035'];

function codes(text: string): string[] {
  const rules: Rule[] = CODES.map((c) => ruleByCode(c)!);
  const target = '/h/Dockerfile';
  return analyze(rules, 'dockerfile', target, text, viewOf(new Map([[target, text]]))).findings.map((f) => f.code).sort();
}

/** A heredoc RUN: a one-line helper called `n` times (two steps a call), then `tail`. */
function pastCalls(n: number, tail: string): string {
  let body = 'log() { echo "== $*"; }\n';
  for (let i = 0; i < n; i++) body += `log step ${i}\n`;
  return `FROM python:3.13-alpine\nRUN <<EOF\n${body}${tail}EOF\n`;
}

const INSTALLS = 'apk add curl\npip install flask\napt-get update\napt-get install -y curl\n';

describe('installs past the cap of steps', () => {
  it('are reported as before the cap (10 calls, then 2,000)', () => {
    const expected = ['DF030', 'DF031', 'DF034', 'DF035'];
    assert.deepEqual(codes(pastCalls(10, INSTALLS)), expected);
    assert.deepEqual(codes(pastCalls(2000, INSTALLS)), expected);
  });

  it('the rest of a body cut in the middle counts too', () => {
    // 20 calls of a helper whose body calls another 20 times: the cut falls inside a body.
    let body = 'step() { echo a; echo b; echo c; echo d; echo e; }\nstage() {\n';
    for (let i = 0; i < 20; i++) body += '  step\n';
    body += '  apk add git\n}\n';
    for (let i = 0; i < 20; i++) body += 'stage\n';
    const text = `FROM alpine:3.22\nRUN <<EOF\n${body}apk add curl\nEOF\n`;
    // One finding for the body's `apk add` (however many calls), one for the script's.
    assert.deepEqual(codes(text), ['DF034', 'DF034']);
  });

  it('a cleanup written after the cut does not count (its order is not known)', () => {
    assert.deepEqual(codes(pastCalls(2000, 'apk add curl && rm -rf /var/cache/apk/*\n')), ['DF034']);
    // Before the cap, in order, it counts.
    assert.deepEqual(codes(pastCalls(10, 'apk add curl && rm -rf /var/cache/apk/*\n')), []);
  });

  it('an `apk add` in each of 3,000 `eval`s counts, each once', () => {
    let body = '';
    for (let i = 0; i < 3000; i++) body += `eval 'apk add p${i}'\n`;
    const found = codes(`FROM alpine:3.22\nRUN <<EOF\n${body}EOF\n`);
    assert.equal(found.filter((c) => c === 'DF034').length, 3000);
  });
});
