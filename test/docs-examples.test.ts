/**
 * Every rule page's examples do what the page says: the "Example" (docs.bad) is reported by its rule and the
 * "Use instead" (docs.good) is not — a reader who copies the recommended form must not get the finding it
 * was meant to remove (review 41c, item 2: DC013's and DC015's recommended forms were still reported).
 * Each example is analyzed alone, as `Dockerfile` or `compose.yaml` in an otherwise empty folder, with its
 * rule on (opt-in rules included), as written: a Dockerfile example is a whole Dockerfile, with its FROM
 * (review 46b, finding 1: 16 pages showed fragments, which a reader who pasted them got no finding on). The
 * project-level rules, whose examples describe several files, are checked on those files.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_OPTIONS, exampleLang, type EngineConfig } from '../rules';
import { viewOf } from './helpers/fixtures';

/** Rules whose examples describe more than one file, or a setting: checked by the cases below. */
const NOT_ALONE = new Set(['DF004', 'DC033', 'DR001', 'DR002', 'DR003', 'DR004']);

const ROOT = '/docs-example';

function findingsOf(code: string, kind: 'dockerfile' | 'compose', text: string, name = kind === 'dockerfile' ? 'Dockerfile' : 'compose.yaml', options = DEFAULT_OPTIONS, others: Record<string, string> = {}) {
  const file = `${ROOT}/${name}`;
  const config: EngineConfig = { rules: { [code]: 'warning' }, options };
  const files = new Map([[file, text], ...Object.entries(others).map(([rel, t]): [string, string] => [`${ROOT}/${rel}`, t])]);
  const analysis = analyze(allRules, kind, file, text, viewOf(files, ROOT), config);
  assert.deepEqual(analysis.failures, [], `${code}: a rule threw`);
  return analysis.findings.filter((f) => f.code === code);
}

describe('rule docs: the example is reported, the recommended form is not', () => {
  for (const rule of allRules) {
    // A rule of every file kind (DG001) whose example is a Dockerfile is checked on one (review 44c, item 9).
    const kind = rule.kind === 'any' && exampleLang(rule) === 'dockerfile' ? 'dockerfile' : rule.kind;
    if (kind !== 'dockerfile' && kind !== 'compose') continue;
    if (NOT_ALONE.has(rule.code)) continue;
    it(`${rule.code}`, () => {
      assert.ok(findingsOf(rule.code, kind, rule.docs.bad).length > 0, `${rule.code}: its "Example" is not reported`);
      assert.deepEqual(findingsOf(rule.code, kind, rule.docs.good).map((f) => f.message), [], `${rule.code}: its "Use instead" is reported`);
      if (kind !== 'dockerfile') return;
      // A whole Dockerfile, not a fragment that Docker refuses (DF051's own "Example" is one on purpose).
      if (rule.code !== 'DF051') assert.deepEqual(findingsOf('DF051', kind, rule.docs.bad).map((f) => f.message), [], `${rule.code}: its "Example" has no FROM`);
      assert.deepEqual(findingsOf('DF051', kind, rule.docs.good).map((f) => f.message), [], `${rule.code}: its "Use instead" has no FROM`);
    });
  }

  const docsOf = (code: string) => allRules.find((r) => r.code === code)!.docs;
  const body = (text: string) => text.replace(/^#.*\n/, '');

  it('DF004, with trustedRegistries set', () => {
    const options = { ...DEFAULT_OPTIONS, trustedRegistries: ['docker.io', 'registry.example.com'] };
    assert.ok(findingsOf('DF004', 'dockerfile', docsOf('DF004').bad, 'Dockerfile', options).length > 0);
    assert.deepEqual(findingsOf('DF004', 'dockerfile', docsOf('DF004').good, 'Dockerfile', options), []);
  });

  it('DC033, in a production compose file', () => {
    assert.ok(findingsOf('DC033', 'compose', docsOf('DC033').bad, 'compose.prod.yaml').length > 0);
    assert.deepEqual(findingsOf('DC033', 'compose', docsOf('DC033').good, 'compose.prod.yaml'), []);
  });

  it('DR001, with the .env and the .gitignore its examples name', () => {
    const env = { '.env': 'POSTGRES_PASSWORD=Zq8-not-real\n' };
    assert.ok(findingsOf('DR001', 'compose', body(docsOf('DR001').bad), 'compose.yaml', DEFAULT_OPTIONS, { ...env, '.gitignore': 'node_modules/\n' }).length > 0);
    assert.deepEqual(findingsOf('DR001', 'compose', body(docsOf('DR001').good), 'compose.yaml', DEFAULT_OPTIONS, { ...env, '.gitignore': 'node_modules/\n.env\n' }), []);
  });

  it('DR002, with the files its examples list', () => {
    const compose = 'services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n';
    const env = { '.env': 'POSTGRES_PASSWORD=Zq8-not-real\n', '.gitignore': '.env\n' };
    assert.ok(findingsOf('DR002', 'compose', compose, 'compose.yaml', DEFAULT_OPTIONS, env).length > 0);
    assert.deepEqual(findingsOf('DR002', 'compose', compose, 'compose.yaml', DEFAULT_OPTIONS, { ...env, '.env.example': 'POSTGRES_PASSWORD=\n' }), []);
  });

  it('DR004, with the secret file and the .gitignore its examples name', () => {
    const secret = { 'secrets/db_password.txt': 'Zq8-not-real\n' };
    assert.ok(findingsOf('DR004', 'compose', body(docsOf('DR004').bad), 'compose.yaml', DEFAULT_OPTIONS, { ...secret, '.gitignore': 'node_modules/\n' }).length > 0);
    assert.deepEqual(findingsOf('DR004', 'compose', body(docsOf('DR004').good), 'compose.yaml', DEFAULT_OPTIONS, { ...secret, '.gitignore': 'node_modules/\nsecrets/\n' }), []);
  });

  it('DR003, with the secret file and the .dockerignore its examples name', () => {
    const secrets = { '.env': 'API_TOKEN=Zq8-not-real\n' };
    assert.ok(findingsOf('DR003', 'dockerfile', body(docsOf('DR003').bad), 'Dockerfile', DEFAULT_OPTIONS, secrets).length > 0);
    const dockerignore = '.git\n**/.env\n**/*.pem\n**/*.key\n**/id_rsa*\n';
    assert.deepEqual(findingsOf('DR003', 'dockerfile', body(docsOf('DR003').good), 'Dockerfile', DEFAULT_OPTIONS, { ...secrets, '.dockerignore': dockerignore }), []);
  });
});
