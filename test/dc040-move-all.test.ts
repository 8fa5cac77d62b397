/**
 * DC040's second fix, "Move all inline secrets of this file to .env": one workspace edit that must
 * leave the files exactly as applying every single fix one after the other does (the case's expected/).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, applyFix, DEFAULT_CONFIG, moreFixesFor, ruleByCode } from '../rules';
import type { ComposeContext } from '../rules/engine/compose';
import { analyzeCase, loadCases, viewOf } from './helpers/fixtures';

describe('DC040 move all inline secrets', () => {
  const rule = ruleByCode('DC040')!;

  it('is offered on every finding of a file with several, and equals the single fixes applied in turn', () => {
    const c = loadCases('DC040').find((x) => x.name === 'move-all-in-one-edit')!;
    assert.ok(c?.expected);
    const analysis = analyzeCase(c);
    const findings = analysis.findings.filter((f) => f.code === 'DC040');
    assert.ok(findings.length > 2);
    const fixes = findings.map((f) => rule.moreFixes!(analysis.context as ComposeContext, f));
    for (const list of fixes) assert.equal(list.length, 1);
    const fix = fixes[0][0];
    assert.match(fix.title, /^Move all \d+ inline secrets of this file to \.env$/);
    assert.equal(new Set(fix.changes.map((ch) => ch.path)).size, fix.changes.length, 'one change per file');
    const files = applyFix(c.files, fix);
    for (const [p, want] of c.expected!) assert.equal(files.get(p), want, `${p} differs`);
    const after = analyzeCase(c, files).findings.filter((f) => f.code === 'DC040');
    assert.equal(after.length, 0);
  });

  it('is not offered for a single inline secret', () => {
    const c = loadCases('DC040').find((x) => x.name === 'move-appends-existing')!;
    const analysis = analyzeCase(c);
    for (const f of analysis.findings.filter((x) => x.code === 'DC040')) assert.deepEqual(rule.moreFixes!(analysis.context as ComposeContext, f), []);
  });
});

describe('DC040 "Move all" leaves a secret whose variable the file reads elsewhere, and says so (review 45a, item 3)', () => {
  const rule = ruleByCode('DC040')!;
  const moveAll = (text: string) => {
    const files = new Map([['/m/compose.yaml', text]]);
    const analysis = analyze(allRules, 'compose', '/m/compose.yaml', text, viewOf(files), DEFAULT_CONFIG);
    const f = analysis.findings.find((x) => x.code === 'DC040')!;
    return { fix: rule.moreFixes!(analysis.context as ComposeContext, f)[0], files };
  };

  it('moves the others, names the secret it leaves and its reader, and leaves that reader unset', () => {
    const text = 'services:\n  a:\n    image: nginx:1.28-alpine\n    environment:\n      DB_PASSWORD: Aq8vLm2Zx9Rt4Kp7Wn3e\n      API_KEY: k9Jm2Lp8Qr4Tv6Xz1Bn5\n      JWT_SECRET: Hh3Jj4Kk5Ll6Mm7Nn8P\n  b:\n    image: nginx:1.28-alpine\n    environment:\n      - OTHER=${API_KEY}\n';
    const { fix, files } = moveAll(text);
    assert.equal(fix.title, "Move 2 of the 3 inline secrets of this file to .env (API_KEY left out: service 'b' reads ${API_KEY} and would get it)");
    const after = applyFix(files, fix);
    assert.match(after.get('/m/compose.yaml')!, /API_KEY: k9Jm2Lp8Qr4Tv6Xz1Bn5/);
    assert.doesNotMatch(after.get('/m/.env')!, /API_KEY/);
    assert.equal(fix.fixesAllOf, undefined, 'API_KEY\'s own move is left to do: "Fix all DC040 in this file" does more');
  });

  it('moves a second value of a name under a name of its own, <SERVICE>_<NAME>, and stands for every fix of the code (dc040x, item 1)', () => {
    const text = 'services:\n  a:\n    image: nginx:1.28-alpine\n    environment:\n      DB_PASSWORD: Aq8vLm2Zx9Rt4Kp7Wn3e\n      API_KEY: k9Jm2Lp8Qr4Tv6Xz1Bn5\n  b:\n    image: nginx:1.28-alpine\n    environment:\n      - DB_PASSWORD=Zz1Yy2Xx3Ww4Vv5Uu6Tt\n';
    const { fix, files } = moveAll(text);
    // Before, the second DB_PASSWORD stayed (.env holds one value per name): "Move 2 of the 3" (moveall).
    assert.equal(fix.title, 'Move all 3 inline secrets of this file to .env');
    assert.equal(fix.fixesAllOf, 3);
    const after = applyFix(files, fix);
    assert.equal(after.get('/m/compose.yaml'), text.replace('DB_PASSWORD: Aq8vLm2Zx9Rt4Kp7Wn3e', 'DB_PASSWORD: ${DB_PASSWORD}').replace('API_KEY: k9Jm2Lp8Qr4Tv6Xz1Bn5', 'API_KEY: ${API_KEY}').replace('DB_PASSWORD=Zz1Yy2Xx3Ww4Vv5Uu6Tt', 'DB_PASSWORD=${B_DB_PASSWORD}'));
    assert.equal(after.get('/m/.env'), 'DB_PASSWORD=Aq8vLm2Zx9Rt4Kp7Wn3e\nAPI_KEY=k9Jm2Lp8Qr4Tv6Xz1Bn5\nB_DB_PASSWORD=Zz1Yy2Xx3Ww4Vv5Uu6Tt\n');
    const analysis = analyze(allRules, 'compose', '/p/compose.yaml', text, viewOf(new Map([['/p/compose.yaml', text]])), DEFAULT_CONFIG);
    const offered = analysis.findings.filter((f) => f.code === 'DC040').map((f) => [f.range.start.line, moreFixesFor(allRules, analysis.context, f).map((m) => m.title), rule.fix!(analysis.context as ComposeContext, f)?.title]);
    assert.deepEqual(offered, [
      [4, ['Move all 3 inline secrets of this file to .env'], 'Move DB_PASSWORD to .env'],
      [5, ['Move all 3 inline secrets of this file to .env'], 'Move API_KEY to .env'],
      [9, ['Move all 3 inline secrets of this file to .env'], 'Move DB_PASSWORD to .env as B_DB_PASSWORD'],
    ]);
  });

  it('names a second value <NAME>_2 when <SERVICE>_<NAME> is taken, and moves it under the same name once the first is in .env (the rounds of fix-all)', () => {
    const text = 'services:\n  a:\n    image: nginx:1.28-alpine\n    environment:\n      DB_PASSWORD: Aq8vLm2Zx9Rt4Kp7Wn3e\n  b:\n    image: nginx:1.28-alpine\n    environment:\n      DB_PASSWORD: Zz1Yy2Xx3Ww4Vv5Uu6Tt\n      OTHER: ${B_DB_PASSWORD:-none}\n';
    const titles = (files: Map<string, string>) => {
      const analysis = analyze(allRules, 'compose', '/p/compose.yaml', text, viewOf(files), DEFAULT_CONFIG);
      return analysis.findings.filter((f) => f.code === 'DC040').map((f) => rule.fix!(analysis.context as ComposeContext, f)?.title);
    };
    // B_DB_PASSWORD is read in the file: its reader would get the value.
    assert.deepEqual(titles(new Map([['/p/compose.yaml', text]])), ['Move DB_PASSWORD to .env', 'Move DB_PASSWORD to .env as DB_PASSWORD_2']);
    assert.deepEqual(titles(new Map([['/p/compose.yaml', text], ['/p/.env', 'DB_PASSWORD=Aq8vLm2Zx9Rt4Kp7Wn3e\n']])), ['Move DB_PASSWORD to .env', 'Move DB_PASSWORD to .env as DB_PASSWORD_2']);
  });
});

describe('DC040 "Move all": readers in the default override and services loading .env whole (review 45e, item 2)', () => {
  const rule = ruleByCode('DC040')!;
  const BASE = 'services:\n  db:\n    image: postgres:16\n    environment:\n      API_TOKEN: "tok_9f8e7d6c5b4a3"\n      OTHER_SECRET: "zQ8vN3mK7pL2xR9w"\n      DB_PASSWORD: "Aq8vLm2Zx9Rt4Kp7Wn3e"\n  app:\n    image: ghcr.io/acme/app:1.0\n';
  const moveAll = (entries: [string, string][]) => {
    const files = new Map(entries);
    const text = files.get('/m/compose.yaml')!;
    const analysis = analyze(allRules, 'compose', '/m/compose.yaml', text, viewOf(files), DEFAULT_CONFIG);
    const f = analysis.findings.find((x) => x.code === 'DC040')!;
    return { fix: rule.moreFixes!(analysis.context as ComposeContext, f)[0], files };
  };

  it('leaves out a secret compose.override.yaml reads as ${VAR} and names it', () => {
    const { fix, files } = moveAll([['/m/compose.yaml', BASE], ['/m/compose.override.yaml', 'services:\n  app:\n    environment:\n      X: ${OTHER_SECRET}\n']]);
    assert.equal(fix.title, 'Move 2 of the 3 inline secrets of this file to .env (OTHER_SECRET left out: compose.override.yaml reads ${OTHER_SECRET} and would get it)');
    const after = applyFix(files, fix);
    assert.match(after.get('/m/compose.yaml')!, /OTHER_SECRET: "zQ8vN3mK7pL2xR9w"/);
    assert.doesNotMatch(after.get('/m/.env')!, /OTHER_SECRET/);
  });

  it('says that a service loading .env as its env_file gets every moved secret (the fix stays unsafe)', () => {
    const text = BASE + '    env_file: .env\n';
    const { fix } = moveAll([['/m/compose.yaml', text], ['/m/.env', '']]);
    assert.equal(fix.title, "Move all 3 inline secrets of this file to .env (service 'app' loads .env as env_file and would get them all)");
    assert.equal(fix.safe, false);
    const viaOverride = moveAll([['/m/compose.yaml', BASE], ['/m/.env', ''], ['/m/compose.override.yaml', 'services:\n  app:\n    env_file: .env\n']]).fix;
    assert.equal(viaOverride.title, "Move all 3 inline secrets of this file to .env (service 'app' of compose.override.yaml loads .env as env_file and would get them all)");
    assert.equal(viaOverride.safe, false);
  });
});
