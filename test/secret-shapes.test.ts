/**
 * Review 42e, items 1 and 7, and review 42f, item 2: DC040 reads a value of a known credential format under any
 * name, a password in a connection string on a command line and a credential-named variable set there, and names
 * where an anchored value is written and who uses it (DC041 too). The fixtures check what is found and what the
 * fixes write; this checks the fixes' titles and safety, the messages, and that no output shows the values.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allRules, analyze, applyFix, DEFAULT_CONFIG, fixFinding, ruleByCode } from '../rules';
import type { ComposeContext } from '../rules/engine/compose';
import { analyzeCase, loadCases, viewOf } from './helpers/fixtures';
import { tempFiles } from './helpers/temp';
import { isolatedEnv } from './helpers/user-env';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

/** The fixes DC040 offers on one of its fixture cases, by the line of the finding (1-based). */
function fixesOfCase(name: string): Record<number, { title: string; safe: boolean } | null> {
  const c = loadCases('DC040').find((x) => x.name === name)!;
  const analysis = analyzeCase(c);
  const out: Record<number, { title: string; safe: boolean } | null> = {};
  for (const f of analysis.findings.filter((x) => x.code === 'DC040')) {
    const fix = fixFinding(allRules, analysis.context, f);
    out[f.range.start.line + 1] = fix ? { title: fix.title, safe: fix.safe } : null;
  }
  return out;
}

/** The messages of one rule's findings on a compose text. */
function messagesOf(code: string, text: string): string[] {
  const file = '/m/compose.yaml';
  return analyze(allRules, 'compose', file, text, viewOf(new Map([[file, text]])), DEFAULT_CONFIG)
    .findings.filter((f) => f.code === code)
    .map((f) => f.message);
}

describe('DC040: a token of a known format under any name is moved as a credential-named value is', () => {
  it('same titles and the same conditions for fix-all; a token beside a reference has no fix', () => {
    assert.deepEqual(fixesOfCase('tokens-any-name'), {
      8: { title: 'Move GIT_AUTH to .env', safe: true },
      10: { title: 'Move STRIPE to .env', safe: true },
      // A default says the file runs without an env file: a quick fix only, as for `${API_TOKEN:-…}`.
      12: { title: 'Move the default of SLACK_BOT to .env', safe: false },
      20: { title: 'Move REGISTRY_AUTH to .env', safe: true },
      // AWS_* is read from the caller's shell first (isShellExportedCredential): moved under a name of its own, as AWS_SECRET_ACCESS_KEY is (review51a, finding 9).
      23: { title: 'Move AWS_KEY_ID to .env as WORKER_AWS_KEY_ID', safe: true },
      26: null,
    });
  });

  it('a copy of the token left in the file keeps the move a quick fix, as for a credential-named value', () => {
    const text = 'services:\n  app:\n    image: ghcr.io/acme/app:1.0.0\n    environment:\n      GIT_AUTH: ghp_Ab3dE6gH9jK2mN5pQ8rS1tU4vW7xY0zA1b2C\n    labels:\n      auth: ghp_Ab3dE6gH9jK2mN5pQ8rS1tU4vW7xY0zA1b2C\n';
    const file = '/m/compose.yaml';
    const a = analyze(allRules, 'compose', file, text, viewOf(new Map([[file, text]])), DEFAULT_CONFIG);
    const f = a.findings.find((x) => x.code === 'DC040')!;
    assert.equal(fixFinding(allRules, a.context, f)?.safe, false);
  });

  it('the message names the kind of token and the variable, never the value', () => {
    const [m] = messagesOf('DC040', 'services:\n  app:\n    image: ghcr.io/acme/app:1.0.0\n    environment:\n      GIT_AUTH: ghp_Ab3dE6gH9jK2mN5pQ8rS1tU4vW7xY0zA1b2C\n');
    assert.equal(m, "'GIT_AUTH' of service 'app' holds a literal GitHub token written into the compose file; move it to a git-ignored .env.");
  });
});

describe('DC040: a password in a connection string on a command line', () => {
  it('is moved from a word of the service\'s own command written plainly, under the name of the same secret when there is one; not from sh -c, a healthcheck or an anchor', () => {
    assert.deepEqual(fixesOfCase('command-url-passwords'), {
      7: null, // in x-runner: the edit would change every service that uses it
      13: { title: 'Move POSTGRES_PASSWORD and its copy to .env', safe: true },
      16: null, // a healthcheck
      21: { title: 'Move the --db-url password and its copy to .env', safe: true },
      25: { title: 'Move the -database password to .env', safe: true },
      29: { title: 'Move the --broker password to .env', safe: true },
      33: { title: 'Move the redis:// URL password to .env', safe: false }, // a default
      37: null, // inside sh -c
    });
  });

  it('the messages say what gives it and where, never the value', () => {
    const text = [
      'x-job: &job',
      '  image: migrate/migrate:v4.17.0',
      '  command: -path /m -database postgres://app:Mg7tK3pZ9wQx@db/app up',
      'services:',
      '  app:',
      '    image: ghcr.io/acme/app:1.0.0',
      '    command: ["serve", "amqp://jobs:Br0kerPw-71xQ@mq:5672//"]',
      '    healthcheck:',
      '      test: ["CMD-SHELL", "PGPASSWORD=Hc4vW8nQ2tLp pg_isready -U app"]',
      '  up:',
      '    <<: *job',
      '  down:',
      '    <<: *job',
      '',
    ].join('\n');
    assert.deepEqual(messagesOf('DC040', text), [
      "The command in x-job (used by services 'up' and 'down') gives -database a postgres:// URL with a password written into it; move it to a git-ignored .env.",
      "The command of service 'app' passes an amqp:// URL with a password written into it; move it to a git-ignored .env.",
      "The healthcheck of service 'app' sets PGPASSWORD to a credential written into the compose file; read it from the container's environment or from a git-ignored .env (${…}) instead.",
    ]);
  });
});

describe('DC040: "Move all inline secrets" takes the new findings as the single fixes do', () => {
  for (const name of ['tokens-any-name', 'command-url-passwords']) {
    it(name, () => {
      const c = loadCases('DC040').find((x) => x.name === name)!;
      const analysis = analyzeCase(c);
      const rule = ruleByCode('DC040')!;
      const fixes = analysis.findings.filter((f) => f.code === 'DC040').flatMap((f) => rule.moreFixes!(analysis.context as ComposeContext, f));
      assert.ok(fixes.length > 0);
      const files = applyFix(c.files, fixes[0]);
      for (const [p, want] of c.expected!) assert.equal(files.get(p), want, `${p} differs`);
    });
  }
});

describe('DC040 and DC041 name where an anchored value is written and the services that use it (review 42f, item 2)', () => {
  it('an extension merged into several services: its key, the first service and how many more', () => {
    const text = 'x-common: &common\n  image: apache/airflow:2.10.5\n  environment:\n    SQL_ALCHEMY_CONN: postgresql+psycopg2://airflow:s3cretPassw0rd@postgres/airflow\nservices:\n  webserver:\n    <<: *common\n    command: webserver\n  scheduler:\n    <<: *common\n    command: scheduler\n  worker:\n    <<: *common\n    command: celery worker\n';
    assert.deepEqual(messagesOf('DC040', text), ["'SQL_ALCHEMY_CONN' in x-common (used by 'webserver' and 2 more services) has a password written into its connection string; move it to a git-ignored .env."]);
  });

  it('an extension one service uses, a service that overrides the entry is no user, a value one service writes and another aliases', () => {
    const text = [
      'x-env: &env',
      '  API_SECRET: n0t-in-git-Please-1',
      '  JWT_SECRET: 46ae96b5c068058a3dbe3235966f157f',
      'services:',
      '  app:',
      '    image: ghcr.io/acme/app:1.0',
      '    environment:',
      '      <<: *env',
      '  worker:',
      '    image: ghcr.io/acme/worker:1.0',
      '    environment:',
      '      <<: *env',
      '      JWT_SECRET: ${JWT_SECRET}',
      '  web:',
      '    image: ghcr.io/acme/web:1.0',
      '    environment: &web-env',
      '      SESSION_SECRET: s3ssion-Secret-Value',
      '  web2:',
      '    image: ghcr.io/acme/web:1.0',
      '    environment: *web-env',
      '',
    ].join('\n');
    assert.deepEqual(messagesOf('DC040', text), [
      "'API_SECRET' in x-env (used by services 'app' and 'worker') is a secret written into the compose file; move it to a git-ignored .env.",
      "'JWT_SECRET' in x-env (used by service 'app') is a secret written into the compose file; move it to a git-ignored .env.",
      "'SESSION_SECRET' of service 'web' (also used by 'web2') is a secret written into the compose file; move it to a git-ignored .env.",
    ]);
  });

  it('DC041 keeps the data store first among the services', () => {
    const text = 'x-env: &env\n  POSTGRES_PASSWORD: postgres\n  POSTGRES_USER: app\nservices:\n  web:\n    image: ghcr.io/acme/web:1.0\n    environment:\n      <<: *env\n  db:\n    image: postgres:17\n    environment:\n      <<: *env\n';
    assert.deepEqual(messagesOf('DC041', text), ["PostgreSQL password POSTGRES_PASSWORD in x-env (used by services 'db' and 'web') is a well-known default password; use a long random password."]);
  });

  it('a value written in a service and used by it alone keeps its message', () => {
    assert.deepEqual(messagesOf('DC040', 'services:\n  app:\n    image: ghcr.io/acme/app:1.0\n    environment:\n      API_SECRET: n0t-in-git-Please-1\n'), ["'API_SECRET' of service 'app' is a secret written into the compose file; move it to a git-ignored .env."]);
  });
});

describe('the values of the new findings are in no CLI output', () => {
  const planted = ['ghp_Qx7LeakTokenValue0123456789abcdefghij', 'AKIAQ3EGRQPK4XJ7NM2W', 'Qx7LeakCmdUrlPw61', 'Qx7LeakShellUrlPw62', 'Qx7LeakHealthVar63', 'Qx7LeakScriptVar64', 'Qx7LeakAnchorUrl65'];
  const files = {
    'compose.yaml': [
      'x-common: &common',
      '  image: ghcr.io/acme/common:1.0.0',
      `  command: ["run", "--db", "postgres://c:${planted[6]}@db/app"]`,
      'services:',
      '  app:',
      '    image: ghcr.io/acme/app:1.0.0',
      '    environment:',
      `      GIT_AUTH: ${planted[0]}`,
      `      AWS_KEY_ID: ${planted[1]}`,
      `    command: ["serve", "--db-url", "postgres://app:${planted[2]}@db/app"]`,
      '    healthcheck:',
      `      test: ["CMD-SHELL", "PGPASSWORD=${planted[4]} pg_isready"]`,
      '  shell:',
      '    image: ghcr.io/acme/app:1.0.0',
      `    command: sh -c "DB_PASSWORD=${planted[5]} exec app --db-url postgres://app:${planted[3]}@db/app"`,
      '  a:',
      '    <<: *common',
      '  b:',
      '    <<: *common',
      '',
    ].join('\n'),
  };
  const run = (args: string[], cwd: string) => spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 256 << 20, env: isolatedEnv() });

  for (const args of [['--format', 'text'], ['--format', 'json'], ['--format', 'sarif'], ['--format', 'github'], ['--fix-dry-run'], ['--fix', '--format', 'json']]) {
    it(args.join(' '), () => {
      assert.ok(fs.existsSync(CLI), 'dist/cli.js is missing: run the build first');
      const dir = tempFiles('dg-shapes-', files);
      fs.mkdirSync(path.join(dir, '.git'), { recursive: true });
      const r = run(['check', ...args, '--fail-on', 'info', '.'], dir);
      assert.match(r.stdout + r.stderr, /DC040|applied|\+\+\+/);
      for (const v of planted) {
        assert.ok(!r.stdout.includes(v), `stdout shows ${v}`);
        assert.ok(!r.stderr.includes(v), `stderr shows ${v}`);
      }
    });
  }
});
