/**
 * Variable substitution is bounded (review 41a, F7): a value that would be longer than
 * MAX_EXPANDED_LENGTH is unknown, never built — in global ARG defaults, stage ARG/ENV, the values a
 * rule resolves at a line, Compose interpolation and `.env` values. A chain of values that double in
 * length (`A1=${A0}${A0}`…) crashed the whole CLI run ("Invalid string length" while the file's context
 * was made) or made rules throw. A file the engine still fails to read is reported as not analyzed,
 * and the run goes on.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allRules, analyze, DEFAULT_CONFIG, fixInRounds, type Analysis, type Rule } from '../rules';
import { DockerfileContext } from '../rules/engine/dockerfile';
import { MAX_EXPANDED_LENGTH } from '../rules/engine/expansion';
import { composeDotenv, dotenvValues, interpolate } from '../rules/engine/interpolate';
import { run } from '../cli/src/cli';
import { viewOf } from './helpers/fixtures';
import { tempFiles } from './helpers/temp';

/** `KW A0=xxxxxxxx`, then `KW Ai=${Ai-1}${Ai-1}` up to A(n-1): A(i) is 8·2^i characters. */
const doubling = (kw: string, n: number) => `${kw} A0=xxxxxxxx\n${Array.from({ length: n - 1 }, (_, i) => `${kw} A${i + 1}=\${A${i}}\${A${i}}\n`).join('')}`;

function analyzeFiles(kind: 'dockerfile' | 'compose', target: string, files: Record<string, string>): Analysis {
  const map = new Map(Object.entries(files));
  return analyze(allRules, kind, target, map.get(target)!, viewOf(map, '/w'), DEFAULT_CONFIG);
}

describe('variable substitution is bounded (review 41a, F7)', () => {
  it('global ARG defaults: values up to the bound are known, longer ones unknown; the file is read at once', () => {
    const started = Date.now();
    const ctx = new DockerfileContext('/w/Dockerfile', `${doubling('ARG', 27)}FROM alpine:\${A26}\nUSER 1000\n`, viewOf(new Map(), '/w'), DEFAULT_CONFIG.options);
    assert.ok(Date.now() - started < 2000);
    // 8·2^13 = 65,536 characters is the bound itself.
    assert.equal(ctx.globalArgs.get('A13')?.length, MAX_EXPANDED_LENGTH);
    assert.equal(ctx.globalArgs.get('A14'), null);
    assert.equal(ctx.globalArgs.get('A26'), null);
    assert.equal(ctx.stages[0].base.kind, 'unknown');
  });

  it('a long value written as it is stays known; a substitution that makes it longer is unknown', () => {
    const long = 'y'.repeat(MAX_EXPANDED_LENGTH + 10);
    const ctx = new DockerfileContext('/w/Dockerfile', `ARG L=${long}\nARG E=\${L}\nARG M=\${L}z\nFROM alpine:3.22\n`, viewOf(new Map(), '/w'), DEFAULT_CONFIG.options);
    assert.equal(ctx.globalArgs.get('L'), long);
    assert.equal(ctx.globalArgs.get('E'), null, 'a substitution that builds a value over the bound');
    assert.equal(ctx.resolveGlobal('${L:+x}'), 'x');
  });

  it('stage ENV and ARG chains: no rule fails, no finding lost', () => {
    const started = Date.now();
    const a = analyzeFiles('dockerfile', '/w/Dockerfile', { '/w/Dockerfile': `FROM alpine:3.22\n${doubling('ENV', 30)}ENV NODE_TLS_REJECT_UNAUTHORIZED=0\nWORKDIR app\nUSER 1000\n` });
    assert.deepEqual(a.failures, []);
    assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
    // DF013 (the ENV after the chain) and DF043 (the relative WORKDIR) still report.
    assert.deepEqual(a.findings.filter((f) => f.code === 'DF013' || f.code === 'DF043').map((f) => f.code), ['DF013', 'DF043']);
  });

  it('a value resolved at a line (EXPOSE, modes, …) that references a long value many times', () => {
    const a = analyzeFiles('dockerfile', '/w/Dockerfile', { '/w/Dockerfile': `FROM alpine:3.22\nARG A=${'x'.repeat(100_000)}\nARG B=${'$A'.repeat(6000)}\nEXPOSE $B\nUSER 1000\n` });
    assert.deepEqual(a.failures, []);
  });

  it('Compose: .env values that double in length, and interpolation of many long values', () => {
    const dotenv = doubling('', 27).replace(/^ /gm, '');
    const a = analyzeFiles('compose', '/w/compose.yaml', { '/w/compose.yaml': 'services:\n  web:\n    image: nginx:${A26}\n    privileged: true\n', '/w/.env': dotenv });
    assert.deepEqual(a.failures, []);
    assert.ok(a.findings.some((f) => f.code === 'DC010'));
    const values = dotenvValues(dotenv, composeDotenv(dotenv));
    assert.equal(values.get('A13')?.length, MAX_EXPANDED_LENGTH);
    assert.equal(values.get('A14'), null);
    const long = 'x'.repeat(60_000);
    const r = interpolate('${L}${L}$L', (n) => (n === 'L' ? long : undefined));
    assert.equal(r.value, null);
    assert.deepEqual(r.variables, ['L', 'L', 'L'], 'the variables are all read');
    assert.equal(interpolate('${L}', (n) => (n === 'L' ? long : undefined)).value, long);
  });
});

describe('a file the engine fails to read is not analyzed, and the run goes on (review 41a, F7)', () => {
  it('CLI: named on stderr, in the text report and in SARIF; the other files keep their findings', async () => {
    const dir = tempFiles('dg-expansion-', { 'a/Dockerfile': 'ARG B=$X\nFROM alpine:3.22\nUSER 1000\n', 'b/compose.yaml': 'services:\n  web:\n    image: nginx:1.30\n    privileged: true\n' });
    const original = DockerfileContext.prototype.resolveGlobal;
    DockerfileContext.prototype.resolveGlobal = () => {
      throw new RangeError('Invalid string length');
    };
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      for (const format of ['text', 'sarif']) {
        let out = '';
        let err = '';
        const code = await run(['check', '.', '--format', format], { write: (s) => (out += s), writeErr: (s) => (err += s) });
        assert.equal(code, 1, err);
        assert.match(err, /^docker-guardrails: not checked: a\/Dockerfile \(internal error while reading the file\)$/m);
        if (format === 'text') {
          assert.match(out, /b\/compose\.yaml:4:5: error DC010 /);
          assert.match(out, /a\/Dockerfile: skipped \(internal error while reading the file\)/);
        } else {
          const sarif = JSON.parse(out);
          assert.ok(sarif.runs[0].results.some((x: { ruleId: string }) => x.ruleId === 'DC010'));
          assert.deepEqual(sarif.runs[0].invocations[0].toolExecutionNotifications.map((n: { message: { text: string } }) => n.message.text), ['Not analyzed: internal error while reading the file.']);
        }
      }
      // --fix goes on with the other files too.
      let err = '';
      const code = await run(['check', '.', '--fix'], { write: () => undefined, writeErr: (s) => (err += s) });
      assert.equal(code, 1, err);
      assert.match(err, /not checked: a\/Dockerfile \(internal error while reading the file\)/);
      assert.ok(fs.existsSync(path.join(dir, 'b/compose.yaml')));
    } finally {
      process.chdir(cwd);
      DockerfileContext.prototype.resolveGlobal = original;
    }
  });
});

describe('fix-all: a fixed text the engine fails to read is not kept (review 41a, F7)', () => {
  it('the round is taken back and the rounds end', () => {
    const text = 'FROM alpine:3.22\nUSER 1000\n';
    const rule = {
      code: 'DF999',
      name: 'fake-append',
      kind: 'dockerfile',
      severity: 'warning',
      fixable: 'always',
      docs: { summary: '', what: '', why: '', bad: '', good: '', fix: '', guideline: '', equivalents: [], references: [] },
      check: () => [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } }, data: {} }],
      message: () => 'fake',
      fix: (ctx: { path: string }) => ({ title: 'Append', safe: true, changes: [{ kind: 'edit', path: ctx.path, edits: [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, newText: 'LABEL x=1\n' }] }] }),
    } as unknown as Rule;
    const files = new Map([['/w/Dockerfile', text]]);
    const analysis = analyze([rule], 'dockerfile', '/w/Dockerfile', text, viewOf(files, '/w'), DEFAULT_CONFIG);
    const changed = new Map<string, string | undefined>();
    const rounds = fixInRounds({
      rules: [rule],
      path: '/w/Dockerfile',
      analysis,
      read: (p) => changed.get(p) ?? files.get(p),
      changed,
      reanalyze: () => {
        throw new RangeError('Invalid string length');
      },
      choose: (fix) => fix.safe,
    });
    assert.deepEqual(rounds.applied, []);
    assert.equal(changed.size, 0, 'nothing of the round is kept');
  });
});
