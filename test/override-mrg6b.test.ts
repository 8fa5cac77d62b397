/**
 * Merge leftovers (mrg6b): fixes and titles that follow what Compose merges from the default override pair
 * (compose.yaml with compose.override.yaml; Compose Specification, Merge: https://docs.docker.com/reference/compose-file/merge/).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_CONFIG, fixFinding, ruleByCode } from '../rules';
import type { ComposeContext } from '../rules/engine/compose';
import { analyzeCase, loadCases, viewOf } from './helpers/fixtures';

function fixesOf(code: string, name: string) {
  const c = loadCases(code).find((x) => x.name === name);
  assert.ok(c, `no fixture ${code}/${name}`);
  const analysis = analyzeCase(c);
  return analysis.findings.filter((f) => f.code === code).map((f) => fixFinding(allRules, analysis.context, f));
}

describe('DC018 "Make the root filesystem read-only" where the merge drops the tmpfs: list (mrg6b, item 1)', () => {
  it('adds no /tmp to a list the override resets, says why, and puts it in the list the override replaces', () => {
    const fixes = fixesOf('DC018', 'default-override-tmpfs-dropped');
    assert.deepEqual(fixes.map((f) => f?.title), [
      'Make the root filesystem read-only (no tmpfs added for /tmp: compose.override.yaml resets tmpfs with !reset)',
      'Make the root filesystem read-only (no tmpfs added for /tmp: compose.override.yaml resets tmpfs with !reset)',
      'Make the root filesystem read-only (tmpfs for /tmp in compose.override.yaml)',
      'Make the root filesystem read-only (tmpfs for /tmp in compose.override.yaml)',
    ]);
    assert.deepEqual(fixes.map((f) => f?.changes.map((ch) => ch.path.split('/').pop())), [['compose.yaml'], ['compose.yaml'], ['compose.yaml', 'compose.override.yaml'], ['compose.yaml', 'compose.override.yaml']]);
  });

  it('in the override, appends nothing to its own tmpfs: !reset list', () => {
    assert.deepEqual(fixesOf('DC018', 'default-override-tmpfs-reset-here').map((f) => f?.title), [
      'Make the root filesystem read-only (no tmpfs added for /tmp: this file resets tmpfs with !reset)',
      'Make the root filesystem read-only (tmpfs for /tmp)',
    ]);
  });
});

describe('DC040 "Move … to .env" names what else reads the variable, as "Move all" does (mrg6b, item 2)', () => {
  const singleTitles = (entries: [string, string][]) => {
    const files = new Map(entries);
    const text = files.get('/m/compose.yaml')!;
    const analysis = analyze(allRules, 'compose', '/m/compose.yaml', text, viewOf(files), DEFAULT_CONFIG);
    return analysis.findings.filter((x) => x.code === 'DC040').map((f) => fixFinding(allRules, analysis.context, f)?.title);
  };

  it('names the other service that reads ${VAR}, or the other file of the default pair', () => {
    const text = 'services:\n  a:\n    image: nginx:1.28-alpine\n    environment:\n      DB_PASSWORD: Aq8vLm2Zx9Rt4Kp7Wn3e\n      API_KEY: k9Jm2Lp8Qr4Tv6Xz1Bn5\n  b:\n    image: nginx:1.28-alpine\n    environment:\n      - OTHER=${API_KEY}\n';
    assert.deepEqual(singleTitles([['/m/compose.yaml', text]]), ['Move DB_PASSWORD to .env', "Move API_KEY to .env (service 'b' reads ${API_KEY} and would get it)"]);
    const viaOverride = singleTitles([['/m/compose.yaml', 'services:\n  a:\n    image: nginx:1.28-alpine\n    environment:\n      API_KEY: k9Jm2Lp8Qr4Tv6Xz1Bn5\n'], ['/m/compose.override.yaml', 'services:\n  a:\n    environment:\n      X: ${API_KEY}\n']]);
    assert.deepEqual(viaOverride, ['Move API_KEY to .env (compose.override.yaml reads ${API_KEY} and would get it)']);
  });

  it('says nothing when .env already holds the name with that value', () => {
    const text = 'services:\n  a:\n    image: nginx:1.28-alpine\n    environment:\n      API_KEY: k9Jm2Lp8Qr4Tv6Xz1Bn5\n  b:\n    image: nginx:1.28-alpine\n    environment:\n      - OTHER=${API_KEY}\n';
    assert.deepEqual(singleTitles([['/m/compose.yaml', text], ['/m/.env', 'API_KEY=k9Jm2Lp8Qr4Tv6Xz1Bn5\n']]), ['Move API_KEY to .env']);
  });
});

describe('DC040 "Move all" names an env_file it cannot resolve as written, not as .env (mrg6b, item 3)', () => {
  const rule = ruleByCode('DC040')!;
  const BASE = 'services:\n  db:\n    image: postgres:16\n    environment:\n      API_TOKEN: "tok_9f8e7d6c5b4a3"\n      DB_PASSWORD: "Aq8vLm2Zx9Rt4Kp7Wn3e"\n  app:\n    image: ghcr.io/acme/app:1.0\n';
  const moveAll = (entries: [string, string][]) => {
    const files = new Map(entries);
    const text = files.get('/m/compose.yaml')!;
    const analysis = analyze(allRules, 'compose', '/m/compose.yaml', text, viewOf(files), DEFAULT_CONFIG);
    const f = analysis.findings.find((x) => x.code === 'DC040')!;
    return rule.moreFixes!(analysis.context as ComposeContext, f)[0];
  };

  it('says "loads .env" for a path that resolves to the .env beside the compose file', () => {
    for (const written of ['.env', './.env', '"./sub/../.env"', '${ENV_DIR}/.env']) {
      const fix = moveAll([['/m/compose.yaml', `${BASE}    env_file: ${written}\n`], ['/m/.env', 'ENV_DIR=.\n']]);
      assert.equal(fix.title, "Move all 2 inline secrets of this file to .env (service 'app' loads .env as env_file and would get them all)", written);
    }
  });

  it('names ${PWD}/.env as written (the shell decides what it is), in this file and in compose.override.yaml', () => {
    const fix = moveAll([['/m/compose.yaml', `${BASE}    env_file: \${PWD}/.env\n`], ['/m/.env', '']]);
    assert.equal(fix.title, "Move all 2 inline secrets of this file to .env (service 'app' loads ${PWD}/.env as env_file and may get them all)");
    assert.equal(fix.safe, false);
    const viaOverride = moveAll([['/m/compose.yaml', BASE], ['/m/.env', ''], ['/m/compose.override.yaml', 'services:\n  app:\n    env_file: ${COMPOSE_DIR}/.env\n']]);
    assert.equal(viaOverride.title, "Move all 2 inline secrets of this file to .env (service 'app' of compose.override.yaml loads ${COMPOSE_DIR}/.env as env_file and may get them all)");
  });
});

describe('DC012 "Remove network_mode: host" names the file of a port it leaves when that is not the edited file (mrg6b, item 4)', () => {
  it('groups the ports by file: this file\'s unnamed, then the extended base\'s and compose.override.yaml\'s', () => {
    assert.deepEqual(fixesOf('DC012', 'override-ports-mixed').map((f) => f?.title), [
      "Remove network_mode: host and bind port '8080:80' to 127.0.0.1 (port '${HOST_IP}:9000:9000', port '7000:7000' of common/base.yml and ports '3000:3000' and '4000:4000' of compose.override.yaml may be published on every interface)",
    ]);
  });
});
