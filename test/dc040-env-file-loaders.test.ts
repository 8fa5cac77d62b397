/**
 * DC040 where another service loads `.env` whole (`env_file: .env`): moving a secret there gives it that service's
 * containers too. "Move all" said so in its title; the single move ("Move POSTGRES_PASSWORD to .env") did not
 * (review53b, finding 4). No title says the secret's value.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_CONFIG, fixFinding, moreFixesFor } from '../rules';
import { viewOf } from './helpers/fixtures';

const PASSWORD = 'Vq8rT2mZp4kL9sXw';
const KEY = 'k9Jm2Lp8Qr4Tv6Xz1Bn5';

function dc040(compose: string) {
  const files = new Map([
    ['/p/compose.yaml', compose],
    ['/p/.env', 'NODE_ENV=production\nPORT=3000\n'],
    ['/p/.gitignore', '.env\n'],
  ]);
  const analysis = analyze(allRules, 'compose', '/p/compose.yaml', compose, viewOf(files, '/p'), DEFAULT_CONFIG);
  return analysis.findings
    .filter((f) => f.code === 'DC040')
    .map((f) => ({ message: f.message, fix: fixFinding(allRules, analysis.context, f), more: moreFixesFor(allRules, analysis.context, f).map((m) => m.title) }));
}

const DB = `  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${PASSWORD}\n`;

describe('DC040 says that a service loading .env whole would get a moved secret', () => {
  it("the single move's title names the service, as \"Move all\" does", () => {
    const [f] = dc040(`services:\n  web:\n    image: node:22-alpine\n    env_file: .env\n${DB}`);
    assert.equal(f.fix?.title, "Move POSTGRES_PASSWORD to .env (service 'web' loads .env as env_file and would get it)");
    assert.equal(f.fix?.safe, false);
  });

  it('two secrets: each single move and "Move all" say it; no title or message holds a value', () => {
    const found = dc040(`services:\n  web:\n    image: node:22-alpine\n    env_file: [.env]\n  worker:\n    image: node:22-alpine\n    env_file: ./.env\n${DB}      API_KEY: ${KEY}\n`);
    assert.equal(found.length, 2);
    for (const f of found) {
      assert.match(f.fix!.title, /\(services 'web', 'worker' load \.env as env_file and would get it\)$/);
      assert.deepEqual(f.more, ["Move all 2 inline secrets of this file to .env (services 'web', 'worker' load .env as env_file and would get them all)"]);
      for (const text of [f.message, f.fix!.title, ...f.more]) {
        assert.equal(text.includes(PASSWORD), false);
        assert.equal(text.includes(KEY), false);
      }
    }
  });

  it('an env_file whose path is not known here is named as written in the title', () => {
    const [f] = dc040(`services:\n  web:\n    image: node:22-alpine\n    env_file: \${PWD}/.env\n${DB}`);
    assert.equal(f.fix?.title, "Move POSTGRES_PASSWORD to .env (service 'web' loads ${PWD}/.env as env_file and may get it)");
  });

  it('says nothing when no other service loads .env, nor for the service that owns the secret', () => {
    const [alone] = dc040(`services:\n  web:\n    image: node:22-alpine\n    env_file: web.env\n${DB}`);
    assert.equal(alone.fix?.title, 'Move POSTGRES_PASSWORD to .env');
    const [own] = dc040(`services:\n${DB}    env_file: .env\n`);
    assert.equal(own.fix?.title, 'Move POSTGRES_PASSWORD to .env');
  });
});

describe('DC040: a service of an include:d file that loads .env whole (review54b, F2)', () => {
  function withInclude(extra: [string, string][], compose: string) {
    const files = new Map<string, string>([
      ['/p/compose.yaml', compose],
      ['/p/.env', 'NODE_ENV=production\n'],
      ['/p/.gitignore', '.env\n'],
      ...extra,
    ]);
    const analysis = analyze(allRules, 'compose', '/p/compose.yaml', compose, viewOf(files, '/p'), DEFAULT_CONFIG);
    return analysis.findings.filter((f) => f.code === 'DC040').map((f) => ({ message: f.message, fix: fixFinding(allRules, analysis.context, f) }));
  }

  it('names it, whether the file is beside it (env_file: .env) or in a sub-folder (env_file: ../.env)', () => {
    const [beside] = withInclude([['/p/web.yaml', 'services:\n  web:\n    image: nginx:1.27\n    env_file: .env\n']], `include:\n  - web.yaml\nservices:\n${DB}`);
    assert.equal(beside.fix?.title, "Move POSTGRES_PASSWORD to .env (service 'web' of web.yaml loads .env as env_file and would get it)");
    const [below] = withInclude([['/p/web/compose.yaml', 'services:\n  web:\n    image: nginx:1.27\n    env_file: ../.env\n']], `include:\n  - web/compose.yaml\nservices:\n${DB}`);
    assert.equal(below.fix?.title, "Move POSTGRES_PASSWORD to .env (service 'web' of web/compose.yaml loads .env as env_file and would get it)");
    for (const f of [beside, below]) assert.equal(`${f.message} ${f.fix?.title}`.includes(PASSWORD), false);
  });

  it("says nothing for an included service that loads its own folder's .env", () => {
    const [f] = withInclude([['/p/web/compose.yaml', 'services:\n  web:\n    image: nginx:1.27\n    env_file: .env\n'], ['/p/web/.env', 'A=1\n']], `include:\n  - web/compose.yaml\nservices:\n${DB}`);
    assert.equal(f.fix?.title, 'Move POSTGRES_PASSWORD to .env');
  });
});

describe('DC040: a service whose env_file compose.override.yaml drops is not named (review55b, F6)', () => {
  const withOverride = (override: string) => {
    const compose = `services:\n${DB}  web:\n    image: nginx:1.27\n    env_file: .env\n`;
    const files = new Map([
      ['/p/compose.yaml', compose],
      ['/p/compose.override.yaml', override],
      ['/p/.env', 'NODE_ENV=production\n'],
      ['/p/.env.web', 'PORT=3000\n'],
      ['/p/.gitignore', '.env\n'],
    ]);
    const analysis = analyze(allRules, 'compose', '/p/compose.yaml', compose, viewOf(files, '/p'), DEFAULT_CONFIG);
    return analysis.findings.filter((f) => f.code === 'DC040').map((f) => ({ message: f.message, title: fixFinding(allRules, analysis.context, f)?.title }));
  };

  it('!reset and !override on env_file, or on the service, leave web without .env', () => {
    for (const over of ['services:\n  web:\n    env_file: !reset []\n', 'services:\n  web:\n    env_file: !override [.env.web]\n', 'services:\n  web: !override\n    image: nginx:1.27\n']) {
      const [f] = withOverride(over);
      assert.equal(f.title, 'Move POSTGRES_PASSWORD to .env', over);
      assert.ok(!f.message.includes("'web'"), `${over}: ${f.message}`);
    }
  });

  it('an override that appends another env_file keeps .env (a sequence is appended), and one that names .env is named', () => {
    const [kept] = withOverride('services:\n  web:\n    env_file: [.env.web]\n');
    assert.equal(kept.title, "Move POSTGRES_PASSWORD to .env (service 'web' loads .env as env_file and would get it)");
    const [again] = withOverride('services:\n  web:\n    env_file: !override [.env]\n');
    assert.ok(again.title?.includes("'web' of compose.override.yaml"), again.title);
    for (const f of [kept, again]) assert.ok(!f.message.includes(PASSWORD) && !f.title?.includes(PASSWORD));
  });
});
