/**
 * Review 47a (F1, F4, F5) and 47b (finding 3) on DC040's move to `.env`: a move that puts the secret where a build copies
 * it into the image, or where a project started with `--env-file` does not read it, is a quick fix only and says why;
 * a bare `- NAME` of another service counts as a reader; a template's descriptive placeholder is DC041's, not DC040's.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_CONFIG, fixFinding, ruleByCode, type FileSet } from '../rules';
import type { ComposeContext } from '../rules/engine/compose';
import { isTemplatePlaceholder } from '../rules/engine/secrets';
import { viewOf } from './helpers/fixtures';

const dc040 = ruleByCode('DC040')!;

function analysisOf(files: Record<string, string>) {
  const set: FileSet = new Map(Object.entries(files));
  return analyze(allRules, 'compose', '/p/compose.yaml', set.get('/p/compose.yaml')!, viewOf(set), DEFAULT_CONFIG);
}

/** [title, safe] of the fixes of `code` on /p/compose.yaml (single fixes, then DC040's move-all). */
function fixes(files: Record<string, string>, code = 'DC040'): [string, boolean][] {
  const analysis = analysisOf(files);
  const findings = analysis.findings.filter((f) => f.code === code);
  const out = findings.map((f) => fixFinding(allRules, analysis.context, f)).filter((f) => f !== undefined);
  const all = code === 'DC040' && findings.length > 0 ? dc040.moreFixes!(analysis.context as ComposeContext, findings[0])[0] : undefined;
  return [...out, ...(all ? [all] : [])].map((f) => [f.title, f.safe]);
}

const api = 'services:\n  api:\n    build: .\n    user: "1000:1000"\n    environment:\n      API_SECRET_KEY: "Zk8p2QvN7rT4wX9yLm3s"\n';
const dockerfile = 'FROM node:22-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nUSER node\nCMD ["node", "index.js"]\n';
const gitignore = '.env\n';

describe('DC040: the move is not safe where a build copies .env into the image (review 47a, F1)', () => {
  it('a service builds the folder, copies it whole, and .dockerignore does not exclude .env: quick fix, and the title says why', () => {
    const got = fixes({ '/p/compose.yaml': api, '/p/Dockerfile': dockerfile, '/p/.dockerignore': 'compose.yaml\nnode_modules\n', '/p/.gitignore': gitignore });
    assert.deepEqual(got, [["Move API_SECRET_KEY to .env (service 'api' copies its whole build context into its image and .dockerignore does not exclude .env: the next build may put the secret in the image)", false]]);
    // No .dockerignore at all: the same.
    assert.equal(fixes({ '/p/compose.yaml': api, '/p/Dockerfile': dockerfile, '/p/.gitignore': gitignore })[0][1], false);
    // A build context that cannot be resolved: unknown, not safe.
    const unresolved = api.replace('build: .', 'build: ${CONTEXT}');
    assert.deepEqual(fixes({ '/p/compose.yaml': unresolved, '/p/Dockerfile': dockerfile, '/p/.gitignore': gitignore }), [["Move API_SECRET_KEY to .env (service 'api' builds from a folder that cannot be resolved: the next build may put the secret in the image)", false]]);
  });

  it('safe when the ignore file excludes .env, when the Dockerfile copies only named files, or when the context is another folder', () => {
    for (const ignore of ['.env\n', '**/.env\n', '.env*\n', '*\n!src\n']) {
      assert.deepEqual(fixes({ '/p/compose.yaml': api, '/p/Dockerfile': dockerfile, '/p/.dockerignore': ignore, '/p/.gitignore': gitignore }), [['Move API_SECRET_KEY to .env', true]], ignore);
    }
    assert.deepEqual(fixes({ '/p/compose.yaml': api, '/p/Dockerfile': 'FROM node:22-alpine\nCOPY package.json index.js ./\nUSER node\n', '/p/.gitignore': gitignore }), [['Move API_SECRET_KEY to .env', true]]);
    // No Dockerfile at all: the build fails and copies nothing.
    assert.deepEqual(fixes({ '/p/compose.yaml': api, '/p/.gitignore': gitignore }), [['Move API_SECRET_KEY to .env', true]]);
    const sub = api.replace('build: .', 'build: ./app');
    assert.deepEqual(fixes({ '/p/compose.yaml': sub, '/p/app/Dockerfile': dockerfile, '/p/.gitignore': gitignore }), [['Move API_SECRET_KEY to .env', true]]);
    // A `<Dockerfile>.dockerignore` that excludes it is the one that applies.
    assert.deepEqual(fixes({ '/p/compose.yaml': api, '/p/Dockerfile': dockerfile, '/p/Dockerfile.dockerignore': '.env\n', '/p/.dockerignore': 'node_modules\n', '/p/.gitignore': gitignore }), [['Move API_SECRET_KEY to .env', true]]);
  });

  it('DC041 and DC052 quick fixes that write a generated password to the same .env say so in their titles', () => {
    const db = 'services:\n  app:\n    build: .\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD: postgres\n  cache:\n    image: redis:7.4-alpine\n';
    const files = { '/p/compose.yaml': db, '/p/Dockerfile': dockerfile, '/p/.gitignore': gitignore };
    const leak = "(service 'app' copies its whole build context into its image and .dockerignore does not exclude .env: the next build may put the password in the image)";
    assert.deepEqual(fixes(files, 'DC041'), [[`Replace POSTGRES_PASSWORD with a generated password in .env ${leak}`, false]]);
    assert.deepEqual(fixes(files, 'DC052'), [[`Require a password (REDIS_PASSWORD in .env) ${leak}`, false]]);
    const safe = { ...files, '/p/.dockerignore': '.env\n' };
    assert.deepEqual(fixes(safe, 'DC041'), [['Replace POSTGRES_PASSWORD with a generated password in .env', false]]);
    assert.deepEqual(fixes(safe, 'DC052'), [['Require a password (REDIS_PASSWORD in .env)', false]]);
  });
});

describe('DC040: the move is not safe when the project picks its env file at start-up (review 47a, F5)', () => {
  const tagged = 'services:\n  api:\n    image: myorg/api:${API_TAG}\n    user: "1000:1000"\n    environment:\n      API_SECRET_KEY: "Zk8p2QvN7rT4wX9yLm3s"\n';
  it('a Makefile or script beside the compose file runs compose with --env-file or COMPOSE_ENV_FILES', () => {
    assert.deepEqual(fixes({ '/p/compose.yaml': tagged, '/p/Makefile': 'up:\n\tdocker compose --env-file config/prod.env up -d\n', '/p/.gitignore': gitignore }), [
      ['Move API_SECRET_KEY to .env (Makefile starts it with another env file: a project started with --env-file does not read .env)', false],
    ]);
    assert.equal(fixes({ '/p/compose.yaml': tagged, '/p/deploy.sh': '#!/bin/sh\nexport COMPOSE_ENV_FILES=prod.env\ndocker compose up -d\n', '/p/.gitignore': gitignore })[0][1], false);
    // `docker run --env-file` sets a container's environment, not the project's: no sign.
    assert.deepEqual(fixes({ '/p/compose.yaml': tagged, '/p/run.sh': 'docker run --env-file app.env myorg/tool\n', '/p/.gitignore': gitignore }), [['Move API_SECRET_KEY to .env', true]]);
  });

  it('an env file named for a stage and no .env, or one that defines a variable the file needs and .env lacks', () => {
    assert.deepEqual(fixes({ '/p/compose.yaml': tagged, '/p/.env.production': 'API_TAG=1.4.2\n', '/p/.gitignore': gitignore }), [
      ['Move API_SECRET_KEY to .env (.env.production is here and .env is not: a project started with --env-file does not read .env)', false],
    ]);
    assert.equal(fixes({ '/p/compose.yaml': tagged, '/p/prod.env': 'API_TAG=1.4.2\n', '/p/.gitignore': gitignore })[0][1], false);
    assert.deepEqual(fixes({ '/p/compose.yaml': tagged, '/p/.env': 'OTHER=1\n', '/p/.env.production': 'API_TAG=1.4.2\n', '/p/.gitignore': gitignore }), [
      ['Move API_SECRET_KEY to .env (.env.production defines ${API_TAG}, which .env does not: a project started with --env-file does not read .env)', false],
    ]);
  });

  it('no sign: a template (.env.example), an env_file a service loads, a stage file beside a .env that defines what the file needs', () => {
    assert.deepEqual(fixes({ '/p/compose.yaml': tagged, '/p/.env.example': 'API_TAG=\nAPI_SECRET_KEY=\n', '/p/.gitignore': gitignore }), [['Move API_SECRET_KEY to .env', true]]);
    const loads = tagged.replace('    user:', '    env_file: db.env\n    user:');
    assert.deepEqual(fixes({ '/p/compose.yaml': loads, '/p/db.env': 'DB_HOST=db\n', '/p/.gitignore': gitignore }), [['Move API_SECRET_KEY to .env', true]]);
    assert.deepEqual(fixes({ '/p/compose.yaml': tagged, '/p/.env': 'API_TAG=1.4.2\n', '/p/.env.production': 'API_TAG=1.4.2\n', '/p/.gitignore': gitignore }), [['Move API_SECRET_KEY to .env', true]]);
  });
});

describe('DC040: a bare `- NAME` of another service reads the variable like ${NAME} (review 47a, F4)', () => {
  const two = 'services:\n  api:\n    image: myorg/api:1.2\n    user: "1000:1000"\n    environment:\n      API_SECRET_KEY: "Zk8p2QvN7rT4wX9yLm3s"\n      SESSION_SECRET: "Qw7rT4wX9yLm3sZk8p2N"\n      TOKEN_SECRET: "Lm3sZk8p2NQw7rT4wX9y"\n  debug:\n    image: myorg/debug:1.0\n    user: "1000:1000"\n    environment:\n      BARE\n';
  it('named in the single move\'s title and left out of "Move all", list and map forms', () => {
    for (const bare of ['- API_SECRET_KEY', 'API_SECRET_KEY:']) {
      const text = two.replace('BARE', bare);
      const got = fixes({ '/p/compose.yaml': text, '/p/.gitignore': gitignore });
      assert.deepEqual(got, [
        ["Move API_SECRET_KEY to .env (service 'debug' passes API_SECRET_KEY through and would get it)", false],
        ['Move SESSION_SECRET to .env', true],
        ['Move TOKEN_SECRET to .env', true],
        ["Move 2 of the 3 inline secrets of this file to .env (API_SECRET_KEY left out: service 'debug' passes API_SECRET_KEY through and would get it)", true],
      ], bare);
    }
  });
});

describe('one placeholder detector: a template\'s descriptive text is DC041\'s finding, not DC040\'s (review 47b, finding 3)', () => {
  it('isTemplatePlaceholder reads descriptive text, and not random-looking values', () => {
    for (const v of ['long-and-random-alphanumeric-string', 'random-string', 'some_random_secret_key', 'A-LONG-RANDOM-STRING', 'your-secret-here', 'change-me', '<root-password>', '{{ db_password }}']) assert.equal(isTemplatePlaceholder(v), true, v);
    for (const v of ['Zk8p2QvN7rT4wX9yLm3s', 'kX7-random-string', 'Random-String-9x', 'long-and-random-alphanumeric-string-7', 'strong_password', 'secure-key', 'correct-horse-battery-staple', 'random', 'generated-postgres-password-secret']) assert.equal(isTemplatePlaceholder(v), false, v);
  });

  it('sameersbn/docker-gitlab: DC041 reports the placeholders, DC040 only the real random value', () => {
    const text = 'services:\n  gitlab:\n    image: sameersbn/gitlab:18.5.1\n    environment:\n      - GITLAB_SECRETS_DB_KEY_BASE=long-and-random-alphanumeric-string\n      - GITLAB_SECRETS_OTP_KEY_BASE=long-and-random-alphanumeric-string\n      - GITLAB_SECRETS_SECRET_KEY_BASE=Zk8p2QvN7rT4wX9yLm3sQw7rT4wX9yLm\n      - API_TOKEN=${API_TOKEN:-random-string}\n      - GITLAB_SECRETS_ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT=long-and-random-alphanumeric-string\n';
    const findings = analysisOf({ '/p/compose.yaml': text }).findings;
    const at = (code: string) => findings.filter((f) => f.code === code).map((f) => f.range.start.line + 1);
    assert.deepEqual(at('DC040'), [7]);
    assert.deepEqual(at('DC041'), [5, 6, 9]);
    assert.match(findings.find((f) => f.code === 'DC041')!.message, /a template's placeholder, which the application takes as written/);
  });

  it("DC041's generated password still reaches the placeholder's copies, which DC040 no longer reports", () => {
    const text = 'services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD: your-db-password-here\n  app:\n    image: ghcr.io/acme/app:1.0.0\n    environment:\n      POSTGRES_PASSWORD: your-db-password-here\n';
    assert.deepEqual(fixes({ '/p/compose.yaml': text }), []);
    assert.deepEqual(fixes({ '/p/compose.yaml': text }, 'DC041'), [['Replace POSTGRES_PASSWORD and its copy with a generated password in .env', false]]);
  });
});
