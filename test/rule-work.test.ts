/**
 * Rules that stay linear in the file (review 45c: "no rule may be quadratic in file length"), counted rather than
 * timed so that a busy machine cannot fail it (like fix-work.test.ts): the JavaScript executed, as V8's precise
 * coverage counts it (every function call and block of this bundle), for a file of n and of 2n lines. Twice the lines
 * must cost about twice the work, not four times.
 * - DF014 on one heredoc RUN of n downloads (`curl … -o /tmp/i`), one of them run at the end (review 45c, item 2):
 *   each download looked at every later command of the script (O(downloads × commands), ×4.0 per doubling); now the
 *   commands that run a file are indexed once per script.
 * - DF020's fixes on n secret ENVs (review 45c, item 3): each finding's fix compiled a regular expression for every
 *   later instruction (×4.0); now the names each instruction mentions are read once per analysis.
 * - DF030 on one heredoc RUN of n functions, each defined and then called once, before an install (review54a, F7):
 *   whether a call ends the shell (a body that surely exits) was read again for every call, from the script's start
 *   (O(functions × commands), ×4 per doubling); now each function's body is read once per script.
 * And the rounds of `check --fix` (and of fix-all, fixInRounds) on a compose file whose fixes change only another file
 * (review 45c, item 7: each DR001 fix adds a line to the same `.gitignore`, one per round): the file is parsed once,
 * not again in every round (analyzeAgain reads its parse again when its text did not change).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, fixFinding, ruleByCode, type Rule } from '../rules';
import { run } from '../cli/src/cli';
import { viewOf } from './helpers/fixtures';
import { tempFiles } from './helpers/temp';
import { counted } from './helpers/coverage';

interface Work {
  js: number;
  findings: number;
  fixes: number;
}

function heredocDownloads(n: number): string {
  let body = '';
  for (let i = 0; i < n; i++) body += `echo line ${i} && curl -fsSL https://example.com/f${i} -o /tmp/f${i}\n`;
  return `# syntax=docker/dockerfile:1\nFROM alpine:3.19\nRUN <<EOF\n${body}sh /tmp/f0\nEOF\nUSER 1000\n`;
}

function secretEnvs(n: number): string {
  let t = 'FROM alpine:3.19\n';
  for (let i = 0; i < n; i++) t += `ENV DB_PASSWORD_${i}=s3cr3tValue${i}xyzQ\n`;
  return `${t}RUN echo "$DB_PASSWORD_1"\nUSER 1000\n`;
}

function calledFunctions(n: number): string {
  let defs = '';
  let calls = '';
  for (let i = 0; i < n; i++) {
    defs += `f${i}() { echo ${i}; }\n`;
    calls += `f${i}\n`;
  }
  return `# syntax=docker/dockerfile:1\nFROM debian:bookworm-slim\nRUN <<EOF\n${defs}${calls}apt-get update && apt-get install -y --no-install-recommends curl\nEOF\nUSER 1000\n`;
}

/** A RUN <<EOF script of n shells and n command substitutions (task shell8: read where they run, runOrder and document order). */
function shellsAndSubstitutions(withFunction: boolean) {
  return (n: number): string => {
    let body = withFunction ? 'log() { echo "$*"; }\nlog start\n' : '';
    for (let i = 0; i < n; i++) body += `sh -c 'echo ${i}'\nv${i}=$(echo ${i})\n`;
    return `# syntax=docker/dockerfile:1\nFROM debian:bookworm-slim\nRUN <<EOF\napt-get update\n${body}apt-get install -y --no-install-recommends curl\nEOF\nUSER 1000\n`;
  };
}

/**
 * One heredoc RUN past runOrder's cap of steps (2,100 calls of a one-line helper), then n `eval`s of an `apk add`
 * (review55a F5): past the cap the rest of the script is listed once (listBodies), each `apk add` still counts.
 */
function evalsPastTheCap(n: number): string {
  let body = 'log() { echo "== $*"; }\n';
  for (let i = 0; i < 2100; i++) body += `log step ${i}\n`;
  for (let i = 0; i < n; i++) body += `eval 'apk add p${i}'\n`;
  return `# syntax=docker/dockerfile:1\nFROM alpine:3.22\nRUN <<EOF\n${body}EOF\nUSER 1000\n`;
}

/** The work of analyzing `text` with one rule and, when `fixes`, of computing every finding's fix. */
async function workOf(code: string, text: string, fixes: boolean): Promise<Work> {
  const rules: Rule[] = [ruleByCode(code)!];
  const target = '/h/Dockerfile';
  const { value, js } = await counted(__filename, () => {
    const analysis = analyze(rules, 'dockerfile', target, text, viewOf(new Map([[target, text]])));
    let fixed = 0;
    if (fixes) for (const f of analysis.findings) if (fixFinding(rules, analysis.context, f)) fixed++;
    return { findings: analysis.findings.filter((f) => f.code === code).length, fixes: fixed };
  });
  return { js, ...value };
}

async function growth(make: (n: number) => string, code: string, fixes: boolean, n: number): Promise<{ small: Work; large: Work; ratio: number }> {
  await workOf(code, make(n / 2), fixes); // compiles what the runs use
  const small = await workOf(code, make(n), fixes);
  const large = await workOf(code, make(2 * n), fixes);
  return { small, large, ratio: large.js / small.js };
}

describe('rule work on large files', () => {
  it('DF014: a script of n saved downloads costs O(n), not O(n²)', async (t) => {
    const { small, large, ratio } = await growth(heredocDownloads, 'DF014', false, 1000);
    assert.equal(small.findings, 1);
    assert.equal(large.findings, 1);
    const report = `JavaScript ${small.js} → ${large.js} (×${ratio.toFixed(2)})`;
    t.diagnostic(report);
    assert.ok(ratio < 2.5, `quadratic work in DF014: ${report}`);
  });

  it("DF020: the fixes of n secret ENVs cost O(n), not O(n²)", async (t) => {
    const { small, large, ratio } = await growth(secretEnvs, 'DF020', true, 1000);
    assert.equal(small.findings, 1000);
    assert.equal(large.findings, 2000);
    // DB_PASSWORD_1 is read by the RUN (no fix); every other ENV has its "Remove … from the image" fix.
    assert.equal(small.fixes, 999);
    assert.equal(large.fixes, 1999);
    const report = `JavaScript ${small.js} → ${large.js} (×${ratio.toFixed(2)})`;
    t.diagnostic(report);
    assert.ok(ratio < 2.5, `quadratic work in DF020's fixes: ${report}`);
  });
});

describe('shell reading on large scripts', () => {
  it('DF030: a script of n functions, each called, costs O(n), not O(n²)', async (t) => {
    const { small, large, ratio } = await growth(calledFunctions, 'DF030', false, 500);
    // The install leaves the apt lists: reported once, whatever the number of functions.
    assert.equal(small.findings, 1);
    assert.equal(large.findings, 1);
    const report = `JavaScript ${small.js} → ${large.js} (×${ratio.toFixed(2)})`;
    t.diagnostic(report);
    assert.ok(ratio < 2.5, `quadratic work in the reading of function calls: ${report}`);
  });

  for (const withFunction of [false, true]) {
    it(`DF030: a script of n shells and n command substitutions${withFunction ? ', with a function' : ''} costs O(n), not O(n²)`, async (t) => {
      // With a function, each shell and substitution adds two steps to runOrder's list, which stops at 4000 (MAX_STEPS).
      const { small, large, ratio } = await growth(shellsAndSubstitutions(withFunction), 'DF030', false, withFunction ? 250 : 500);
      assert.equal(small.findings, 1);
      assert.equal(large.findings, 1);
      const report = `JavaScript ${small.js} → ${large.js} (×${ratio.toFixed(2)})`;
      t.diagnostic(report);
      assert.ok(ratio < 2.5, `quadratic work in the reading of shells and substitutions: ${report}`);
    });
  }
  it('DF034: n `eval`s past the cap of steps cost O(n), not O(n²), and each counts', async (t) => {
    // 2,000 and 4,000 evals: next to the cap's 4,000 steps, 1,000 were too few for a walk of every step per install to
    // show (cleanedAfter without stepIndex's memo was ×2.38 at 1,000, ×2.75 at 2,000).
    const { small, large, ratio } = await growth(evalsPastTheCap, 'DF034', false, 2000);
    assert.equal(small.findings, 2000);
    assert.equal(large.findings, 4000);
    const report = `JavaScript ${small.js} → ${large.js} (×${ratio.toFixed(2)})`;
    t.diagnostic(report);
    assert.ok(ratio < 2.5, `quadratic work past the cap of steps: ${report}`);
  });
});

describe('fix rounds', () => {
  it('check --fix: rounds that change only the .gitignore parse the compose file once', async (t) => {
    const envs = ['a.env', 'b.env', 'c.env', 'd.env'];
    let compose = 'services:\n';
    for (const [k, e] of envs.entries()) compose += `  s${k}:\n    image: nginx:1.27.3\n    env_file: ${e}\n`;
    const files: Record<string, string> = { 'compose.yaml': compose };
    for (const e of envs) files[e] = 'TOKEN=Lk99_same_pw_Qw7rTy2u\n';
    const dir = tempFiles('rule-work-rounds-', files);
    // A repository: in none, DR001 reports nothing and writes no .gitignore (review 48a, finding 2).
    fs.mkdirSync(path.join(dir, '.git'));
    let err = '';
    const { calls: parses } = await counted(
      __filename,
      () => run(['check', dir, '--fix', '--format', 'json'], { write: () => undefined, writeErr: (s) => (err += s) }),
      (name) => /^parseAllDocuments\d*$/.test(name),
    );
    t.diagnostic(`compose parses: ${parses}; stderr: ${err}`);
    // One round per .gitignore line (each fix creates or appends to the same file), then one that finds nothing.
    assert.deepEqual(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8').split('\n').filter(Boolean).sort(), envs.map((e) => `/${e}`));
    assert.ok(parses >= 1 && parses < envs.length, `the compose file was parsed ${parses} times for ${envs.length} rounds`);
  });
});
