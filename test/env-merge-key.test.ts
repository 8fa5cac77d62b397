/**
 * `<<` merge keys inside `environment:` (envmerge): Compose reads merge keys in every mapping (go-yaml; YAML merge
 * key type, https://yaml.org/type/merge.html: the mapping's own keys win, then the merged maps in order, an earlier
 * one over a later one; https://docs.docker.com/reference/compose-file/fragments/). The engine's one reading of a
 * service's environment (ComposeContext.environment / environmentEntries) listed the merge key as a variable named
 * `Symbol(<<)` and lost the merged variables; the rules that read it missed them (DC054) or reported them on the
 * `<<` line with no word of where they are written (DC050).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_CONFIG, fixFinding } from '../rules';
import { ComposeContext } from '../rules/engine/compose';
import { DEFAULT_OPTIONS } from '../rules/engine/types';
import { viewOf } from './helpers/fixtures';

function contextOf(text: string): ComposeContext {
  return new ComposeContext('/w/compose.yaml', text, viewOf(new Map([['/w/compose.yaml', text]])), DEFAULT_OPTIONS);
}

function analysisOf(text: string) {
  return analyze(allRules, 'compose', '/w/compose.yaml', text, viewOf(new Map([['/w/compose.yaml', text]])), DEFAULT_CONFIG);
}

function findings(code: string, text: string) {
  return analysisOf(text).findings.filter((f) => f.code === code);
}

describe('environment: with << merge keys', () => {
  it('reads the merged variables where they are written, own keys first and winning, earlier sources over later ones', () => {
    const text = [
      'x-c: &c',
      '  C: "3"',
      'x-a: &a',
      '  A: "1"',
      '  SHARED: from-a',
      'x-b: &b',
      '  <<: *c',
      '  B: "2"',
      '  SHARED: from-b',
      'services:',
      '  web:',
      '    image: nginx:1.30',
      '    environment:',
      '      <<: [*a, *b]',
      '      OWN: "4"',
      '      A: own',
      '',
    ].join('\n');
    const ctx = contextOf(text);
    const env = ctx.environment(ctx.services[0]);
    assert.deepEqual(
      env.map((e) => [e.name, e.value]),
      [['OWN', '4'], ['A', 'own'], ['SHARED', 'from-a'], ['B', '2'], ['C', '3']],
    );
    assert.ok(!env.some((e) => e.name.includes('<<')), 'no variable named after the merge key');
    const shared = env.find((e) => e.name === 'SHARED')!;
    assert.equal(shared.range.start.line, 4, 'the entry is where x-a writes it');
    assert.equal(shared.editable, false, 'an anchor is shared: never editable');
    assert.equal(env.find((e) => e.name === 'OWN')!.editable, true);
  });

  it('follows chains of merges and reads an alias bomb of merges in linear time', () => {
    const levels = 30;
    let text = 'x-l0: &l0\n  BOMB: "1"\n';
    for (let i = 1; i < levels; i++) text += `x-l${i}: &l${i}\n  <<: [${Array.from({ length: 8 }, () => `*l${i - 1}`).join(', ')}]\n  L${i}: "x"\n`;
    text += `services:\n  web:\n    image: nginx:1.30\n    environment:\n      <<: *l${levels - 1}\n`;
    const ctx = contextOf(text);
    const env = ctx.environment(ctx.services[0]);
    assert.equal(env.length, levels);
    assert.equal(env.find((e) => e.name === 'BOMB')?.value, '1');
  });

  it('a cycle of merges ends', () => {
    const text = 'services:\n  web:\n    image: nginx:1.30\n    environment: &e\n      A: "1"\n      <<: *e\n';
    const ctx = contextOf(text);
    assert.deepEqual(ctx.environment(ctx.services[0]).map((e) => e.name), ['A']);
  });

  it('DC054 reports a merged wildcard once, in the anchor, naming the services that use it', () => {
    const text = [
      'x-env: &env',
      '  CORS_ALLOWED_ORIGINS: "*"',
      'services:',
      '  api:',
      '    image: ghcr.io/acme/api:1.0.0',
      '    environment:',
      '      <<: *env',
      '      FOO: bar',
      '  worker:',
      '    image: ghcr.io/acme/worker:1.0.0',
      '    environment:',
      '      <<: *env',
      '',
    ].join('\n');
    const found = findings('DC054', text);
    assert.equal(found.length, 1);
    assert.equal(found[0].range.start.line, 1);
    assert.match(found[0].message, /^CORS_ALLOWED_ORIGINS in x-env \(used by services 'api' and 'worker'\) allows every origin/);
  });

  it('DC050 reports a merged POSTGRES_HOST_AUTH_METHOD once, in the anchor, naming its users, with no fix', () => {
    const text = [
      'x-pg: &pg',
      '  POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}',
      '  POSTGRES_HOST_AUTH_METHOD: md5',
      'services:',
      '  db:',
      '    image: postgres:16.4',
      '    environment:',
      '      <<: *pg',
      '  replica:',
      '    image: postgres:16.4',
      '    environment:',
      '      <<: *pg',
      '',
    ].join('\n');
    const analysis = analysisOf(text);
    const found = analysis.findings.filter((f) => f.code === 'DC050');
    assert.equal(found.length, 1);
    assert.equal(found[0].range.start.line, 2);
    assert.match(found[0].message, /^POSTGRES_HOST_AUTH_METHOD=md5 in x-pg \(used by services 'db' and 'replica'\)/);
    assert.equal(fixFinding(allRules, analysis.context, found[0]), undefined, 'the anchor is shared: not edited');
  });
  it('DC052 and DC053 report a merged Bitnami switch once, in the anchor, naming its users', () => {
    const text = [
      'x-redis: &redis',
      '  ALLOW_EMPTY_PASSWORD: "yes"',
      '  REDIS_AOF_ENABLED: "no"',
      'services:',
      '  cache:',
      '    image: bitnami/redis:7.2',
      '    environment:',
      '      <<: *redis',
      '  sessions:',
      '    image: bitnami/redis:7.2',
      '    environment:',
      '      <<: *redis',
      '',
    ].join('\n');
    const dc052 = findings('DC052', text);
    assert.deepEqual(dc052.map((f) => f.range.start.line), [1]);
    assert.match(dc052[0].message, /^ALLOW_EMPTY_PASSWORD=yes in x-redis \(used by services 'cache' and 'sessions'\)/);
    const dc053 = findings('DC053', text);
    assert.deepEqual(dc053.map((f) => f.range.start.line), [2]);
    assert.match(dc053[0].message, /^REDIS_AOF_ENABLED in x-redis \(used by services 'cache' and 'sessions'\) turns AOF persistence off/);
  });
});
