/**
 * Secret values never leak into output. Known values are planted across a workspace (compose
 * environment as a map and as a list, `${VAR:-secret}` defaults, build args, a connection string,
 * `.env`, Dockerfile ENV / ARG / RUN credentials), then every output path is read: the server's
 * diagnostics (all published, open and scanned files), hovers over every finding, code action titles,
 * window/logMessage and stderr; the CLI's text, json, sarif and github reports, stderr, and `--fix`.
 * No output may contain a planted value (raw, base64 or URL-encoded).
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { SERVER, TestClient } from './helpers/lsp-client';
import { redactSecretsInLine } from '../cli/src/redact';
import { masksAnywhere, SecretValues } from '../cli/src/secret-values';
import { templateEntries, templateValue } from '../rules/compose/DR002-env-example-missing';
import { allRules, analyze, DEFAULT_CONFIG, secretRangesOf } from '../rules';
import { maskSecretValues } from '../rules/engine/secrets';
import type { Finding } from '../rules/engine/types';
import { viewOf } from './helpers/fixtures';

function allFindings(kind: 'dockerfile' | 'compose', file: string, text: string): Finding[] {
  const a = analyze(allRules, kind, file, text, viewOf(new Map([[file, text]])), DEFAULT_CONFIG);
  return [...a.findings, ...a.suppressed.map((x) => x.finding)];
}
import { tempFiles } from './helpers/temp';
import { isolatedEnv } from './helpers/user-env';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

/** Planted values: letters and digits only (no escaping changes them), each unique and unlike real text. */
const SECRETS = {
  composeMap: 'Qx7LeakMapVal31',
  composeList: 'Qx7LeakListVal32',
  composeDefault: 'Qx7LeakDefaultVal33',
  buildArg: 'Qx7LeakBuildArg34',
  buildArgList: 'Qx7LeakBuildArgList35',
  connection: 'Qx7LeakConnPw36',
  mongoUrl: 'Qx7LeakMongoPw37',
  dotenv: 'Qx7LeakDotenvVal38',
  dotenvUsed: 'Qx7LeakDotenvUsed39',
  dockerEnv: 'Qx7LeakDockerEnv40',
  dockerEnvSpace: 'Qx7LeakDockerEnvSp41',
  dockerArg: 'Qx7LeakDockerArg42',
  runCurl: 'Qx7LeakCurlPw43',
  runUrl: 'Qx7LeakGitUrlPw44',
  runMysql: 'Qx7LeakMysqlPw45',
  runLogin: 'Qx7LeakLoginPw46',
  ghToken: 'ghp_Qx7LeakGithubTokenValue0123456789ab',
  weakWithSecretSuffix: 'Qx7LeakShortPw',
  yamlAnchor: 'Qx7LeakAnchorVal47',
  dockerOnbuild: 'Qx7LeakOnbuildVal48',
  healthcheck: 'Qx7LeakHealthPw49',
  redisCommand: 'Qx7LeakRedisCmd50',
  sudoersToken: 'Qx7LeakSudoersTok51',
  cmdToken: 'Qx7LeakCmdToken52',
  // Review 41a, F3: passwords DF022 and DC040 once missed, which the dry run printed.
  netrc: 'Qx7LeakNetrcPw53',
  keytool: 'Qx7LeakStorePw54',
  htpasswd: 'Qx7LeakHtpasswd55',
  smbclient: 'Qx7LeakSmbPw56',
  cifsVolume: 'Qx7LeakCifsPw57',
} as const;

const S = SECRETS;

export const FILES: Record<string, string> = {
  'compose.yaml': `x-common: &common
  SHARED_SECRET: ${S.yamlAnchor}
services:
  db:
    image: postgres:17-alpine
    environment:
      POSTGRES_PASSWORD: ${S.composeMap}
      POSTGRES_USER: app
    healthcheck:
      test: ["CMD", "pg_isready", "--password=${S.healthcheck}"]
  api:
    image: ghcr.io/acme/api:1.0.0
    build:
      context: ./api
      args:
        NPM_TOKEN: ${S.buildArg}
    environment:
      - API_TOKEN=${S.composeList}
      - DB_PASSWORD=\${DB_PASSWORD:-${S.composeDefault}}
      - DATABASE_URL=postgres://app:${S.connection}@db:5432/app?sslmode=disable
      - REDIS_PASSWORD=\${REDIS_PASSWORD}
    ports:
      - "\${API_PORT}:80"
  worker:
    image: ghcr.io/acme/worker:1.0.0
    privileged: true
    build:
      context: ./api
      args:
        - GITHUB_TOKEN=${S.buildArgList}
    environment:
      <<: *common
      MONGO_URL: mongodb://root:${S.mongoUrl}@mongo.example.com:27017/?tls=false
      MYSQL_ROOT_PASSWORD: ${S.weakWithSecretSuffix}
  cache:
    image: redis:8.0-alpine
    command: redis-server --requirepass ${S.redisCommand} --appendonly yes
volumes:
  share:
    driver_opts: {type: cifs, device: //fs/share, o: "username=svc,password=${S.cifsVolume}"}
`,
  '.env': `REDIS_PASSWORD=${S.dotenvUsed}\nUNUSED_SECRET=${S.dotenv}\nAPI_PORT=8080\n`,
  'api/Dockerfile': `FROM node:24
ARG DB_PASSWORD=${S.dockerArg}
ENV API_KEY=${S.dockerEnv}
ENV SECRET_KEY ${S.dockerEnvSpace}
ENV GITHUB_TOKEN=${S.ghToken}
RUN curl -u admin:${S.runCurl} https://example.com/install.sh | sh
RUN git clone https://deploy:${S.runUrl}@gitlab.example.com/acme/app.git
RUN mysql -uroot -p${S.runMysql} < schema.sql
RUN docker login -u me -p ${S.runLogin} registry.example.com
ONBUILD ENV TOKEN=${S.dockerOnbuild}
RUN apt-get update
RUN apt-get install -y curl
RUN echo 'ops ALL=(root) NOPASSWD: /usr/local/bin/rotate --token=${S.sudoersToken}' > /etc/sudoers.d/ops
RUN echo "machine github.com login bot password ${S.netrc}" > /root/.netrc
RUN keytool -genkeypair -alias app -storepass ${S.keytool} -keystore /app/k.jks
RUN htpasswd -b -c /etc/nginx/.htpasswd admin ${S.htpasswd}
RUN smbclient //srv/share -U user%${S.smbclient} -c 'get a'
CMD node server.js --token ${S.cmdToken}
`,
};

/** The planted values (and their base64 and URL-encoded forms) that occur in a text, by name. */
export function findLeaks(text: string, secrets: Record<string, string> = SECRETS): string[] {
  const found: string[] = [];
  for (const [name, value] of Object.entries(secrets)) {
    const forms = [value, Buffer.from(value).toString('base64').replace(/=+$/, ''), encodeURIComponent(value), JSON.stringify(value).slice(1, -1)];
    if (forms.some((f) => text.includes(f))) found.push(name);
  }
  return found;
}

function assertNoLeak(what: string, text: string): void {
  const leaks = findLeaks(text);
  assert.deepEqual(leaks, [], `${what} contains planted secret(s) ${leaks.join(', ')}: ${excerpt(text, leaks.map((l) => SECRETS[l as keyof typeof SECRETS]))}`);
}

function excerpt(text: string, values: string[]): string {
  return values
    .map((v) => {
      const i = text.indexOf(v);
      return i < 0 ? '(encoded)' : JSON.stringify(text.slice(Math.max(0, i - 120), i + v.length + 40));
    })
    .join(' | ');
}

function workspace(files: Record<string, string>): string {
  const dir = tempFiles('dg-leak-', files);
  // A repository root (its files may include .git/ entries already).
  fs.mkdirSync(path.join(dir, '.git'), { recursive: true });
  return dir;
}

describe('the leak detector itself', () => {
  it('finds a planted value raw, inside JSON, base64- and URL-encoded; nothing in clean text', () => {
    assert.deepEqual(findLeaks(`warning: x ${S.composeMap} y`), ['composeMap']);
    assert.deepEqual(findLeaks(JSON.stringify({ message: `pw=${S.runCurl}` })), ['runCurl']);
    assert.deepEqual(findLeaks(`Basic ${Buffer.from(S.dotenv).toString('base64')}`), ['dotenv']);
    assert.deepEqual(findLeaks(`https://x/?t=${encodeURIComponent(S.ghToken)}`), ['ghToken']);
    assert.deepEqual(findLeaks('compose.yaml:7:7: warning DC040 POSTGRES_PASSWORD is a secret written into the compose file'), []);
    assert.throws(() => assertNoLeak('a fake report', `::warning file=Dockerfile::ENV API_KEY=${S.dockerEnv}`), /dockerEnv/);
  });
  it('every planted value is in the fixture files (so a missing leak is not a missing plant)', () => {
    const all = Object.values(FILES).join('\n');
    for (const [name, value] of Object.entries(SECRETS)) assert.ok(all.includes(value), name);
  });
  it('the rules that name a connection\'s host report on the planted connection strings (so their messages are read)', () => {
    const found = allFindings('compose', '/leak/compose.yaml', FILES['compose.yaml']).filter((f) => f.code === 'DC055');
    assert.deepEqual(found.map((f) => [f.range.start.line, f.severity]), [[19, 'info'], [32, 'warning']]);
  });
});

describe('no secret in the language server output', () => {
  let client: TestClient;
  let dir: string;
  const seen: { what: string; text: string }[] = [];
  before(async () => {
    assert.ok(fs.existsSync(SERVER), 'dist/server.js is missing: run the build first');
    dir = workspace(FILES);
    client = new TestClient();
    await client.initialize([dir]);
  });
  after(() => client.shutdown());

  it('diagnostics (scanned and open files), hovers, code action titles, log messages and stderr', { timeout: 60_000 }, async () => {
    const composeUri = URI.file(path.join(dir, 'compose.yaml')).toString();
    const dockerUri = URI.file(path.join(dir, 'api/Dockerfile')).toString();
    // The workspace scan publishes findings of files that were never opened.
    await client.until('scan of both files', () => client.latest(composeUri) && client.latest(dockerUri));
    // Then open them (and an .env), as a user would.
    for (const [rel, lang] of [['compose.yaml', 'dockercompose'], ['api/Dockerfile', 'dockerfile'], ['.env', 'properties']] as const) client.open(path.join(dir, rel), FILES[rel], lang);
    const byUri: [string, Diagnostic[]][] = [];
    for (const uri of [composeUri, dockerUri]) byUri.push([uri, await client.diagnostics(uri, 1)]);
    const found = byUri.flatMap(([, d]) => d.map((x) => x.code)).sort();
    // The planted values must actually be found: DC040 (inline secrets), DF020 (ENV/ARG), DF022 (RUN credentials).
    for (const code of ['DC040', 'DF020', 'DF022']) assert.ok(found.includes(code), `${code} expected among ${found.join(',')}`);

    for (const [uri, diags] of byUri) {
      for (const d of diags) {
        for (const position of [d.range.start, d.range.end]) {
          const hover = await client.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position });
          seen.push({ what: `hover ${d.code} at ${position.line}:${position.character}`, text: JSON.stringify(hover) });
        }
        for (const only of [['quickfix'], undefined]) {
          const actions = (await client.codeActions(uri, [d], only)) as CodeAction[];
          for (const a of actions) seen.push({ what: `code action of ${d.code}`, text: JSON.stringify({ title: a.title, command: a.command, kind: a.kind, diagnostics: a.diagnostics }) });
        }
      }
      const fixAll = (await client.codeActions(uri, [], ['source.fixAll.docker-guardrails'])) as CodeAction[];
      for (const a of fixAll) seen.push({ what: 'fix-all title', text: a.title });
    }
    seen.push({ what: 'published diagnostics', text: JSON.stringify(client.published) });
    seen.push({ what: 'window/logMessage', text: client.logs.join('\n') });
    seen.push({ what: 'server stderr', text: client.stderr.join('') });
    assert.ok(seen.length > 20, `${seen.length} outputs read`);
    for (const s of seen) assertNoLeak(s.what, s.text);
  });
});

describe('no secret in the CLI output', () => {
  const run = (args: string[], cwd: string) => {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 256 << 20, env: isolatedEnv() });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  before(() => assert.ok(fs.existsSync(CLI), 'dist/cli.js is missing: run the build first'));

  for (const format of ['text', 'json', 'sarif', 'github']) {
    it(`--format ${format}: stdout and stderr`, () => {
      const dir = workspace(FILES);
      const r = run(['check', '--format', format, '--fail-on', 'info', '.'], dir);
      assert.equal(r.code, 1, r.stderr);
      assert.ok(r.stdout.length > 500, 'a report was written');
      assert.match(r.stdout, /DC040/);
      assertNoLeak(`${format} report`, r.stdout);
      assertNoLeak(`${format} stderr`, r.stderr);
    });
  }

  it('--output FILE writes the same without secrets', () => {
    const dir = workspace(FILES);
    const out = path.join(dir, 'report.sarif');
    run(['check', '--format', 'sarif', '--output', out, '.'], dir);
    assertNoLeak('sarif --output file', fs.readFileSync(out, 'utf8'));
  });

  it('--fix: its messages, and the report after fixing', () => {
    const dir = workspace(FILES);
    const r = run(['check', '--fix', '--format', 'json', '.'], dir);
    assertNoLeak('--fix stdout', r.stdout);
    assertNoLeak('--fix stderr', r.stderr);
    assert.match(r.stderr, /applied \d+ fix/);
  });

  // DC022's redis probe once copied the password written after --requirepass into the healthcheck,
  // and SARIF carries fixes' inserted text (fixed in d394928): keep it that way.
  it('SARIF fixes of a redis service with --requirepass', () => {
    const dir = workspace({ 'compose.yaml': `services:\n  cache:\n    image: redis:7\n    command: redis-server --requirepass ${S.composeMap}\n` });
    const r = run(['check', '--format', 'sarif', '.'], dir);
    assertNoLeak('sarif report', r.stdout);
  });

  // Review 27 (probes 01, 02, 05): JSON and SARIF carry fixes; a fix that writes a secret into an env file
  // of any name, or repeats one in the text it writes, is reported without its changes.
  it('JSON and SARIF withhold fixes that write or repeat a secret (an include\'s env file, an exec-form CMD, a healthcheck)', () => {
    const dir = workspace({
      'compose.yaml': 'include:\n  - path: db/compose.yaml\n    env_file: db/db.env\n',
      'db/compose.yaml': `services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD: postgres\n      API_TOKEN: ${S.composeList}\n`,
      'db/db.env': 'OTHER=1\n',
      'queue/compose.yaml': `services:\n  queue:\n    image: redis:8.0-alpine\n    command: ["redis-server", "--requirepass", "\${QUEUE_PASSWORD:-${S.composeDefault}}"]\n`,
      'cache/Dockerfile': `FROM redis:8.0-alpine\nUSER redis\nHEALTHCHECK NONE\nCMD redis-server --requirepass ${S.redisCommand}\n`,
      // Review 28: a three-character default copied into a healthcheck (probe 02); an image's well-known default
      // password is no reason to withhold a healthcheck that names the image's default user (probe 01).
      'short/compose.yaml': 'services:\n  cache:\n    image: redis:7.2-alpine\n    command: ["redis-server", "--requirepass", "${RP:-abc}"]\n',
      'pg/compose.yaml': 'services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD: postgres\n',
      '.gitignore': '.env\n*.env\n',
    });
    for (const format of ['json', 'sarif']) {
      const r = run(['check', '--format', format, '.'], dir);
      assertNoLeak(`${format} report`, r.stdout);
      // DC041's generated password never shows either: no `POSTGRES_PASSWORD=` with a value (SARIF: in its results, not the rules' help).
      const results = format === 'json' ? r.stdout : JSON.stringify((JSON.parse(r.stdout) as { runs: { results: unknown }[] }).runs[0].results);
      assert.doesNotMatch(results, /POSTGRES_PASSWORD=\S/, format);
    }
    type Item = { code: string; file: string; fix: { title: string; changes: unknown; withheld?: boolean } | null };
    const json = JSON.parse(run(['check', '--format', 'json', '.'], dir).stdout) as Item[];
    const df040 = json.find((f) => f.code === 'DF040');
    assert.deepEqual(df040?.fix && { ...df040.fix, safe: undefined }, { title: 'Use exec form: CMD ["redis-server", …]', safe: undefined, changes: null, withheld: true });
    assert.equal(json.find((f) => f.code === 'DC040' && f.file.includes('db'))?.fix?.withheld, true);
    assert.equal(json.find((f) => f.code === 'DC022' && f.file.includes('queue'))?.fix?.withheld, true);
    assert.equal(json.find((f) => f.code === 'DC022' && f.file.includes('short'))?.fix?.withheld, true);
    const pg = json.find((f) => f.code === 'DC022' && f.file.includes('pg'));
    assert.equal(pg?.fix?.title, 'Add a healthcheck (postgres)');
    assert.ok(Array.isArray(pg?.fix?.changes));
    // A fix that carries no secret keeps its changes.
    assert.ok(json.some((f) => f.code === 'DC021' && f.fix && Array.isArray(f.fix.changes)));
  });

  it('--fix-dry-run masks a moved value where it is a value, not the same letters inside other words', () => {
    const dir = workspace({
      // (Another copy of the value, such as `OTHER: "postgres"`, would make the move a quick fix only: DC040's leavesCopies.)
      'compose.yaml': 'services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_USER: app\n      POSTGRES_PASSWORD: postgres\n      URL: pg://app:postgres@db/x\n    volumes:\n      - data:/var/lib/postgresql/data\nvolumes:\n  data:\n',
    });
    const r = run(['check', '--fix-dry-run', '.'], dir);
    assert.match(r.stdout, /\+\+\+ b\/\.env/);
    assert.match(r.stdout, /^ {5}image: postgres:16$/m, 'other words keep their letters');
    assert.match(r.stdout, /\/var\/lib\/postgresql\/data/);
    assert.match(r.stdout, /^-\s+POSTGRES_PASSWORD: \*{8}$/m, 'the moved value is masked on the line it leaves');
    assert.match(r.stdout, /URL: pg:\/\/app:\*{8}@db\/x/);
    assert.doesNotMatch(r.stdout.replace(/postgres(?=[:q])/g, ''), /postgres/, 'the password is shown nowhere as a value');
  });

  it('the dry-run redaction masks credential values, URL passwords and password options, and nothing else', () => {
    const cases: [string, string][] = [
      ['    command: redis-server --requirepass x1y2z3w4', '    command: redis-server --requirepass ********'],
      ['    command: ["redis-server", "--requirepass", "x1y2z3w4"]', '    command: ["redis-server", "--requirepass", "********"]'],
      // A switch before the credential option (review 11, probe 06).
      ['    test: redis-cli --no-auth-warning --pass s3cr3tP4ss ping', '    test: redis-cli --no-auth-warning --pass ******** ping'],
      // A credential that starts with a dash (review 12, probe 09).
      ['    command: ["serve", "--db-password", "-Qx8vPz9Lm2"]', '    command: ["serve", "--db-password", "********"]'],
      ['      POSTGRES_PASSWORD: "s3cr3t Pa55"', '      POSTGRES_PASSWORD: "********"'],
      ['      - API_TOKEN=tok_live_abcdef', '      - API_TOKEN=********'],
      // A quoted list item keeps its closing quote (review 33, probe p02).
      ['      - "DB_PASSWORD=Zx9Cv8Bn7Mm6Ll5K"', '      - "DB_PASSWORD=********"'],
      ["      - 'DB_PASSWORD=Zx9Cv8Bn7Mm6Ll5K'", "      - 'DB_PASSWORD=********'"],
      ['    environment: { POSTGRES_PASSWORD: x1y2z3, POSTGRES_USER: app }', '    environment: { POSTGRES_PASSWORD: ********, POSTGRES_USER: app }'],
      ['      DATABASE_URL: postgres://app:hunter2@db/app', '      DATABASE_URL: postgres://app:********@db/app'],
      ['      PHOTOVIEW_MYSQL_URL: "photoview:hunter2@tcp(mysql:3306)/photoview"', '      PHOTOVIEW_MYSQL_URL: "photoview:********@tcp(mysql:3306)/photoview"'],
      ['      - DSN=app:hunter2@unix(/run/mysqld.sock)/app', '      - DSN=app:********@unix(/run/mysqld.sock)/app'],
      ['      JDBC_URL: jdbc:postgresql://db/app?user=app&password=hunter2&ssl=false', '      JDBC_URL: jdbc:postgresql://db/app?user=app&password=********&ssl=false'],
      ['      NC_DB: "pg://db:5432?u=app&p=hunter2&d=app"', '      NC_DB: "pg://db:5432?u=app&p=********&d=app"'],
      ['ENV A=1 JWT_SECRET="x y z" B=2', 'ENV A=1 JWT_SECRET="********" B=2'],
      ['ENV JWT_SECRET abc 123', 'ENV JWT_SECRET ********'],
      ['      - POSTGRES_PASSWORD=${DATABASE_PASSWORD:-baserow}', '      - POSTGRES_PASSWORD=${DATABASE_PASSWORD:-********}'],
      ['      DATABASE_URL: postgres://app:${DB_PASSWORD:-hunter2}@db/app', '      DATABASE_URL: postgres://app:${DB_PASSWORD:-********}@db/app'],
      ['      API_KEY: ${KEY-abc123def}', '      API_KEY: ${KEY-********}'],
      // `$$` is Compose's escape of a literal `$`: the value is a secret as written, not an interpolation.
      ['      POSTGRES_PASSWORD: Xq7$$vR2pL9kW', '      POSTGRES_PASSWORD: ********'],
      ['      - DB_PASSWORD=a$$b$$c123', '      - DB_PASSWORD=********'],
      ['      - NEO4J_AUTH=neo4j/Lk29vQxPz81mTe', '      - NEO4J_AUTH=neo4j/********'],
      ['      NEO4J_AUTH: "neo4j/Lk29vQxPz81mTe"', '      NEO4J_AUTH: "neo4j/********"'],
    ];
    for (const [line, want] of cases) assert.equal(redactSecretsInLine(line), want);
    for (const kept of ['      - API_TOKEN=${API_TOKEN}', '      - POSTGRES_USER=${DATABASE_USER:-baserow}', '    image: postgres:16', '      SESSION_TTL: 3600', '      POSTGRES_PASSWORD_FILE: /run/secrets/pw', '      - "--requirepass=${REDIS_PASSWORD}"', '# Set the redis password when startup', 'ARG NPM_TOKEN', '      TEMPLATE_DSN: app:${MYSQL_PASS}@tcp(db)/app', '      SOCKET_DSN: app@unix(/run/mysqld.sock)/app', '      PAGE_URL: https://example.com/?p=42&ref=home', '      - NEO4J_AUTH=none', '      - NEO4J_AUTH=neo4j/${NEO4J_PASSWORD}']) {
      assert.equal(redactSecretsInLine(kept), kept);
    }
  });

  it('--fix-dry-run masks a file\'s secret values in that file\'s diff, not in an unrelated file of the run (review 46a, item 7)', () => {
    const dir = workspace({
      // A weak password `root` in one project…
      'a/compose.yaml': 'services:\n  db:\n    image: mysql:8.4\n    environment:\n      MYSQL_ROOT_PASSWORD: root\n',
      // …is not a secret of an unrelated Dockerfile that says `USER root`.
      'b/Dockerfile': 'FROM python:3.13-slim\nUSER root\nRUN apt-get update && apt-get install -y curl\nCMD ["python", "-m", "http.server"]\n',
      // A value of the .env a compose file reads (and its fix writes into) stays masked in that compose file's diff.
      'c/.env': 'API_KEY_FILE=/run/k\nLEGACY=Zx9Cv8Bn7Mm6Ll5K\n',
      'c/.gitignore': '.env\n',
      'c/compose.yaml': 'services:\n  app:\n    image: ghcr.io/acme/app:1.0.0\n    env_file: .env\n    command: ["serve", "--token-file", "Zx9Cv8Bn7Mm6Ll5K"]\n    environment:\n      JWT_SECRET: jwt-s3cr3t-0123456789\n',
    });
    const r = run(['check', '--fix-dry-run', 'a', 'b', 'c'], dir);
    assert.match(r.stdout, /^-\s+MYSQL_ROOT_PASSWORD: \*{8}$/m, 'the password is masked in its own file');
    assert.match(r.stdout, /^ USER root$/m, `not masked in another file: ${r.stdout}`);
    assert.match(r.stdout, /^ {5}command: \["serve", "--token-file", "\*{8}"\]$/m, 'the .env value is masked in the compose file that reads it');
    assert.match(r.stdout, /^-\s+JWT_SECRET: \*{8}$/m);
    for (const v of ['Zx9Cv8Bn7Mm6Ll5K', 'jwt-s3cr3t-0123456789', 'ROOT_PASSWORD: root']) assert.ok(!r.stdout.includes(v), v);
    // The same Dockerfile alone: the same diff.
    const alone = run(['check', '--fix-dry-run', 'b'], dir);
    assert.match(alone.stdout, /^ USER root$/m);
  });

  it('--fix-dry-run masks a moved value that the compose file writes with $$ (review probe pj-01)', () => {
    const dir = workspace({ 'compose.yaml': 'services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD: Xq7$$vR2pL9kW\n' });
    const r = run(['check', '--fix-dry-run', '.'], dir);
    assert.match(r.stdout, /^-\s+POSTGRES_PASSWORD: \*{8}$/m);
    assert.ok(!r.stdout.includes('vR2pL9kW'), r.stdout);
    // A copy written with $$ keeps that move out of --fix (review 42d, item 1); shown beside another move, both are masked.
    const copy = workspace({ 'compose.yaml': 'services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD: Xq7$$vR2pL9kW\n      NOTE: "Xq7$$vR2pL9kW"\n      JWT_SECRET: jwt-s3cr3t-0123456789\n' });
    const c = run(['check', '--fix-dry-run', '.'], copy);
    assert.match(c.stdout, /^-\s+JWT_SECRET: \*{8}$/m);
    assert.match(c.stdout, /^ \s+POSTGRES_PASSWORD: \*{8}$/m, 'not moved: its copy stays');
    assert.match(c.stdout, /^ \s+NOTE: "\*{8}"$/m);
    assert.ok(!c.stdout.includes('vR2pL9kW'), c.stdout);
  });

  it('--fix-dry-run masks the value of a credential-named flag on a command line it shows (review 9, probe dc-03)', () => {
    const key = 'sk_live_51HqLyjWDarjtT1zdp7dcXYZ';
    // Base64 secrets contain `/`: not a path (review 10, probe 01).
    const b64 = 'Qw3/Er5tYu7+Io9pAs1Df3Gh==';
    const dir = workspace({
      'compose.yaml': `services:\n  app:\n    image: ghcr.io/acme/app:1.2.3\n    command: ["serve", "--stripe-key", "${key}", "--password", "${b64}"]\n    environment:\n      API_TOKEN: tok_9f8e7d6c5b4a3928171605\n`,
    });
    const r = run(['check', '--fix-dry-run', '.'], dir);
    assert.match(r.stdout, /API_TOKEN: \$\{API_TOKEN\}/, 'the move is shown');
    assert.ok(!r.stdout.includes(key) && !r.stdout.includes(b64), r.stdout);
    for (const format of ['text', 'json', 'sarif', 'github']) assert.ok(!run(['check', '--format', format, '.'], dir).stdout.includes(key), format);
  });

  it('--fix-dry-run masks tokens of documented formats and header credentials on the lines it shows (review 9, adversarial probe 12)', () => {
    const ghp = 'ghp_1a2B3c4D5e6F7a8B9c0D1e2F3a4B5c6D7e8F9a0B';
    const other = 'Zq81-Lm4x-Tt90-Vb37';
    // Review 10 (probe 06): JFrog's API-key header, and another Authorization scheme.
    const jfrog = 'AKCp8jQ3ZmN5pR2sT7vW9xY1zB4cD6eF8gH0';
    const apiKey = 'VnVhQ2ZHY0JDZGJrUXdlN0tGRzM6dWkybHAy==';
    const dir = workspace({
      Dockerfile: `FROM debian:bookworm-slim\nRUN curl -fsSL -H "X-JFrog-Art-Api: ${jfrog}" -o /tmp/j.tgz https://art.example.com/j.tgz\nRUN curl -fsSL -H "Authorization: ApiKey ${apiKey}" -o /tmp/i.json https://es.example.com/_cat\nRUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl\nRUN curl -fsSL -H "Authorization: Bearer ${ghp}" -o /tmp/a.tgz https://api.github.com/repos/acme/a/tarball\nRUN curl -fsSL -H "X-API-Key: ${other}" -o /tmp/b.tgz https://api.example.com/b\nUSER 1000\nCMD ["bash"]\n`,
    });
    const r = run(['check', '--fix-dry-run', '.'], dir);
    assert.match(r.stdout, /rm -rf \/var\/lib\/apt\/lists/, 'a fix is shown');
    for (const secret of [ghp, other, jfrog, apiKey]) assert.ok(!r.stdout.includes(secret), r.stdout);
    assert.match(r.stdout, /Authorization: ApiKey \*{8}/, 'the credential is masked, not the header name');
    for (const format of ['text', 'json', 'sarif', 'github']) {
      const out = run(['check', '--format', format, '.'], dir);
      for (const secret of [ghp, other, jfrog, apiKey]) assert.ok(!out.stdout.includes(secret), format);
    }
  });

  it('--fix-dry-run shows switches and public values as written (review 10, probe 11)', () => {
    const dir = workspace({
      Dockerfile: 'FROM debian:bookworm-slim\nRUN adduser --disabled-password --gecos "" app\nRUN gpg --batch --recv-key 7FCC7D46ACCC4CF8\nRUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl\nUSER 1000\nCMD ["bash"]\n',
    });
    const r = run(['check', '--fix-dry-run', '.'], dir);
    assert.match(r.stdout, /rm -rf \/var\/lib\/apt\/lists/, 'a fix is shown');
    assert.match(r.stdout, /adduser --disabled-password --gecos "" app/);
    assert.match(r.stdout, /gpg --batch --recv-key 7FCC7D46ACCC4CF8/);
    assert.doesNotMatch(r.stderr, /previews the fixes/, 'nothing was masked');
  });

  it('--fix-dry-run masks inline secrets that no fix moves on the lines it shows around a change', () => {
    const redisPassword = 'R3d1s-Pa55-7f3a9c';
    const pgPassword = 'Pg-Pa55-91b2c4d8';
    const dir = workspace({
      // Moving POSTGRES_PASSWORD is a quick fix only here (the s3 file reads it), and the password in a
      // `sh -c` script is not moved at all, so both stay inline; moving SESSION_SECRET (a safe fix) prints the lines around them.
      'compose.yaml': `services:\n  web:\n    image: nginx:1.30\n    environment:\n      POSTGRES_PASSWORD: ${pgPassword}\n      SESSION_SECRET: Sess-7c1e-40aa-b3f2\n  cache:\n    image: redis:7\n    command: sh -c "redis-server --requirepass ${redisPassword}"\n`,
      'docker-compose.s3.yml': 'services:\n  storage:\n    image: ghcr.io/acme/storage:1.0.0\n    environment:\n      DATABASE_URL: postgres://storage:${POSTGRES_PASSWORD}@db/postgres\n',
    });
    const r = run(['check', '--fix-dry-run', '.'], dir);
    assert.match(r.stdout, /^\+ {6}SESSION_SECRET: \$\{SESSION_SECRET\}$/m, 'the move is shown');
    assert.match(r.stdout, /^ {5}command: sh -c "redis-server --requirepass \*{8}"$/m);
    assert.match(r.stdout, /^ {7}POSTGRES_PASSWORD: \*{8}$/m);
    assert.ok(!r.stdout.includes(redisPassword) && !r.stdout.includes(pgPassword), r.stdout);
  });

  it('--fix-dry-run masks the secrets the rules report wherever the diff shows them: shaped tokens, a mysql -p password, a chpasswd line (review 6, probe df-04)', () => {
    const secrets = ['AKIAIOSFODNN7EXAMPLE', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'MyS3cretPw', 'Chp4sswd', 'CurlPw99'];
    const dir = workspace({
      // The RUNs are merged by DF039 (a safe fix), so each credential is printed twice, on − and + lines; the ENVs are context.
      Dockerfile: `FROM ubuntu:22.04\nENV AWS_KEY_ID=${secrets[0]}\nENV GH=${secrets[1]}\nRUN mysql -uroot -p${secrets[2]} -e 'select 1'\nRUN echo "root:${secrets[3]}" | chpasswd\nRUN curl -u admin:${secrets[4]} https://example.com/x\nUSER 1000\n`,
    });
    const r = run(['check', '--fix-dry-run', '.'], dir);
    assert.match(r.stdout, /^\+RUN mysql -uroot \*{8} -e 'select 1' \\$/m, 'the merge is shown');
    assert.match(r.stdout, /^ ENV AWS_KEY_ID=\*{8}$/m);
    const leaked = secrets.filter((v) => r.stdout.includes(v) || r.stderr.includes(v));
    assert.deepEqual(leaked, [], r.stdout);
  });

  it('--fix-dry-run masks secrets written with YAML escapes or folded over lines, and every credential of a carried configuration (review 7, probes 04 and 05)', () => {
    const secrets = ["''s-a-Secret-42!", 'continuedSecret4455', 'K3yst0rePw', 'Tru5tPw2xyz', 'FlatJs0nPw', 'Ma1lPwXyz', 'NestedJsonPw88q'];
    const dir = workspace({
      'compose.yaml': [
        'services:',
        '  app:',
        '    image: ghcr.io/acme/app:1.0.0',
        '    environment:',
        '      A_PASSWORD: Fixable111111',
        "      SESSION_SECRET: 'it''s-a-Secret-42!'",
        '      B_PASSWORD: Fixable222222',
        '      AUTH_TOKEN: plain',
        '        continuedSecret4455',
        '      C_PASSWORD: Fixable333333',
        '      JAVA_TOOL_OPTIONS: "-Djavax.net.ssl.keyStorePassword=K3yst0rePw -Djavax.net.ssl.trustStorePassword=Tru5tPw2xyz"',
        '      D_PASSWORD: Fixable444444',
        `      SPRING_APPLICATION_JSON: '{"spring.datasource.password":"FlatJs0nPw","spring.mail.password":"Ma1lPwXyz"}'`,
        '      E_PASSWORD: Fixable555555',
        `      APP_CONFIG: '{"db":{"password":"NestedJsonPw88q"}}'`,
        '      F_PASSWORD: Fixable666666',
        '',
      ].join('\n'),
    });
    const r = run(['check', '--fix-dry-run', '.'], dir);
    assert.match(r.stdout, /^\+ {6}A_PASSWORD: \$\{A_PASSWORD\}$/m, 'the moves are shown');
    const leaked = secrets.filter((v) => r.stdout.includes(v) || r.stderr.includes(v));
    assert.deepEqual(leaked, [], r.stdout);
  });

  it('--fix-dry-run: values the fixes move to .env are masked in the diff', () => {
    const dir = workspace(FILES);
    const r = run(['check', '--fix-dry-run', '.'], dir);
    assert.match(r.stdout, /\+\+\+ b\/\.env/);
    // The diff shows the files' own lines; what it promises is that a value moved into .env is never shown.
    const moved = { composeMap: S.composeMap, composeList: S.composeList, composeDefault: S.composeDefault, buildArg: S.buildArg, connection: S.connection, redisCommand: S.redisCommand };
    const leaks = findLeaks(r.stdout + r.stderr, moved);
    assert.deepEqual(leaks, [], excerpt(r.stdout, leaks.map((l) => moved[l as keyof typeof moved])));
  });
});

// Review 41a, F3: the dry run printed, as changed or context lines of unrelated fixes (DF039 merging RUNs, DC040
// moving another value), passwords that no rule reported and that redact.ts did not recognize.
describe('review 41a F3: keytool, htpasswd, Samba and netrc passwords and a CIFS volume\'s mount options never reach the output', () => {
  const run = (args: string[], cwd: string) => spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 256 << 20, env: isolatedEnv() });
  const VALUES = ['Zq41netrc', 'Zq41storepass', 'Zq41keypass', 'Zq41htpasswdX', 'Zq41smbPW', 'Zq41smbPW2', 'Zq41cifsPW', 'Zq41dbPWabc', 'Zq41netrcPf', 'Zq41heredoc'];
  const REVIEW_FILES = {
    Dockerfile: [
      'FROM alpine:3.22',
      'RUN echo "machine github.com login bot password Zq41netrc" > /root/.netrc',
      'RUN keytool -genkeypair -alias app -storepass Zq41storepass -keypass Zq41keypass -keystore /app/k.jks',
      'RUN htpasswd -b -c /etc/nginx/.htpasswd admin Zq41htpasswdX',
      "RUN smbclient //srv/share -U user%Zq41smbPW -c 'get a'",
      "RUN smbclient //srv/share --user=DOM/user%Zq41smbPW2 -c 'get b'",
      "RUN printf 'machine gitlab.example.com\\nlogin ci\\npassword Zq41netrcPf\\n' > ~/.netrc",
      'RUN cat <<EOF > /root/.netrc',
      'machine example.com',
      '  password Zq41heredoc',
      'EOF',
      'USER 1000',
      '',
    ].join('\n'),
    'cifs/compose.yaml': 'services:\n  app:\n    image: nginx:1.30-alpine\n    volumes: [share:/data]\n    environment:\n      DB_PASSWORD: Zq41dbPWabc\nvolumes:\n  share:\n    driver_opts: {type: cifs, device: //fs/share, o: "username=svc,password=Zq41cifsPW"}\n',
  };
  const leaked = (text: string) => VALUES.filter((v) => text.includes(v));

  it('the dry-run redaction masks them by their form, and leaves references and other words alone', () => {
    const cases: [string, string][] = [
      ['RUN echo "machine github.com login bot password Zq41netrc" > /root/.netrc', 'RUN echo "machine github.com login bot password ********" > /root/.netrc'],
      ["RUN printf 'machine a\\nlogin b\\npassword Zq41pf\\n' >> ~/.netrc", "RUN printf 'machine a\\nlogin b\\npassword ********\\n' >> ~/.netrc"],
      ['  password Zq41netrc2', '  password ********'],
      ['  login bot password Zq41netrc3', '  login bot password ********'],
      ['RUN keytool -genkeypair -storepass Zq41storepass -keypass "Zq41 kp" -keystore /k.jks', 'RUN keytool -genkeypair -storepass ******** -keypass "********" -keystore /k.jks'],
      ['RUN keytool -importkeystore -srcstorepass Zq41src -deststorepass Zq41dst', 'RUN keytool -importkeystore -srcstorepass ******** -deststorepass ********'],
      ['    command: ["keytool", "-list", "-storepass", "Zq41item"]', '    command: ["keytool", "-list", "-storepass", "********"]'],
      ['RUN htpasswd -b -c /etc/nginx/.htpasswd admin Zq41htpasswdX', 'RUN htpasswd -b -c /etc/nginx/.htpasswd admin ********'],
      ['RUN htpasswd -nbB -C 10 admin "Zq41 ht" > /etc/nginx/.htpasswd && nginx -t', 'RUN htpasswd -nbB -C 10 admin "********" > /etc/nginx/.htpasswd && nginx -t'],
      ['ENTRYPOINT ["htpasswd", "-Bbn", "admin", "Zq41ep"]', 'ENTRYPOINT ["htpasswd", "-Bbn", "admin", "********"]'],
      ["RUN smbclient //srv/share -U user%Zq41smbPW -c 'get a'", "RUN smbclient //srv/share -U user%******** -c 'get a'"],
      ['RUN smbclient //srv/share -UDOM/user%Zq41a --user=bob%Zq41b', 'RUN smbclient //srv/share -UDOM/user%******** --user=bob%********'],
      ['CMD ["smbclient", "//srv/share", "-U", "user%Zq41c", "-c", "ls"]', 'CMD ["smbclient", "//srv/share", "-U", "user%********", "-c", "ls"]'],
      ['    driver_opts: {type: cifs, device: //fs/share, o: "username=svc,password=Zq41cifsPW"}', '    driver_opts: {type: cifs, device: //fs/share, o: "username=svc,password=********"}'],
      ["      o: 'addr=fs,username=svc,pass=Zq41nas,vers=3.0'", "      o: 'addr=fs,username=svc,pass=********,vers=3.0'"],
    ];
    for (const [line, want] of cases) assert.equal(redactSecretsInLine(line), want);
    for (const kept of [
      'RUN keytool -importcert -cacerts -storepass:env STOREPASS -keypass:file /run/secrets/kp -file a.crt',
      'RUN keytool -importcert -storepass "$STOREPASS" -keypass ${KP} -file a.crt',
      'RUN htpasswd -c -b /etc/nginx/.htpasswd admin "$HTPW"',
      'RUN htpasswd -ci /etc/nginx/.htpasswd admin < /run/secrets/pw',
      'RUN htpasswd -D /etc/nginx/.htpasswd admin',
      '      - REGISTRY_AUTH=htpasswd',
      'ENTRYPOINT ["htpasswd"]',
      'ENTRYPOINT ["htpasswd", "-Bn", "admin"]',
      "RUN smbclient //srv/share -U user%$SMB_PW -c 'get a'",
      'RUN smbclient //srv/share -U guest -N',
      'RUN psql -U postgres -c "select 1"',
      '      o: "username=svc,password=${CIFS_PW}"',
      '      o: size=100m,uid=1000',
      'RUN echo "machine github.com login bot password ${GH_TOKEN}" > ~/.netrc',
      'echo "the password is hashed"',
      '    - password reset flow',
    ]) assert.equal(redactSecretsInLine(kept), kept);
  });

  it('--fix-dry-run masks them with DF022 and DC040 off (by their form), and on (as reported values)', () => {
    for (const config of ['rules:\n  DF022: off\n  DC040: off\n', '']) {
      const dir = workspace({ ...REVIEW_FILES, ...(config ? { '.docker-guardrails.yaml': config } : {}) });
      const r = run(['check', '--fix-dry-run', '.'], dir);
      assert.match(r.stdout, /^\+ {4}&& keytool -genkeypair -alias app -storepass \*{8} -keypass \*{8} -keystore \/app\/k\.jks \\$/m, 'the DF039 merge is shown');
      assert.deepEqual(leaked(r.stdout + r.stderr), [], r.stdout);
      assert.match(r.stderr, /secret values are shown as \*{8}/, 'the diff says it masks');
    }
    // The compose file's diff: DC040 moves DB_PASSWORD, the volume's options are context.
    const dir = workspace(REVIEW_FILES);
    const r = run(['check', '--fix-dry-run', 'cifs'], dir);
    assert.match(r.stdout, /^ {5}driver_opts: \{type: cifs, device: \/\/fs\/share, o: "username=svc,password=\*{8}"\}$/m);
    assert.deepEqual(leaked(r.stdout + r.stderr), [], r.stdout);
  });

  it('DF022 and DC040 report them; no report format and no --fix output holds them', () => {
    const dir = workspace(REVIEW_FILES);
    const json = JSON.parse(run(['check', '--format', 'json', '.'], dir).stdout) as { code: string; file: string; range: { start: { line: number } } }[];
    assert.deepEqual(json.filter((f) => f.code === 'DF022').map((f) => f.range.start.line + 1), [2, 3, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(json.filter((f) => f.code === 'DC040').map((f) => f.range.start.line + 1), [6, 9]);
    for (const format of ['text', 'json', 'sarif', 'github']) {
      const r = run(['check', '--format', format, '.'], dir);
      assert.deepEqual(leaked(r.stdout + r.stderr), [], format);
    }
    const fixed = run(['check', '--fix', '--format', 'json', '.'], dir);
    assert.deepEqual(leaked(fixed.stdout + fixed.stderr), [], '--fix');
  });
});

// Review 39: the dry run masked a reported value only where a separator stood before and after it, and
// printed the second line of a continued value; JSON and SARIF missed a fix that writes `-p<value>`.
describe('review 39: reported secrets are masked inside other text, on every line of their value, and in fixes', () => {
  const run = (args: string[], cwd: string) => {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 256 << 20, env: isolatedEnv() });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const leaked = (values: string[], ...texts: string[]) => values.filter((v) => texts.some((t) => t.includes(v)));

  it('--fix-dry-run masks a reported value wherever a printed line holds it, no separator needed (item 1)', () => {
    const secrets = ['RmqPw_R6b_long', 'MongoPw_R6c_long', 'RootPwMy_Q1x9', 'CurlPipe_D3h', 'Esc$apedKey_R4q', 'Esc\\$apedKey_R4q', 'RmqTok_Aa11Bb22Cc33', 'MongoTok_Dd44Ee55Ff66', 'MysqlTok_Gg77Hh88Ii99'];
    const dir = workspace({
      'compose.yaml': [
        'services:',
        // Each password has a copy in its healthcheck, so it is not moved (DC040); the token after it is, and the
        // diff shows the healthcheck and the password as context lines.
        '  rmq:',
        '    image: rabbitmq:4.1-management-alpine',
        '    healthcheck:',
        '      test: rabbitmqctl authenticate_user admin RmqPw_R6b_long&&echo ok',
        '    environment:',
        '      RABBITMQ_DEFAULT_PASS: RmqPw_R6b_long',
        '      RMQ_API_TOKEN: RmqTok_Aa11Bb22Cc33',
        '  mongo:',
        '    image: mongo:8.0',
        '    healthcheck:',
        `      test: mongosh -u root -pMongoPw_R6c_long --eval 'db.runCommand("ping")'`,
        '    environment:',
        '      MONGO_INITDB_ROOT_PASSWORD: MongoPw_R6c_long',
        '      MONGO_API_TOKEN: MongoTok_Dd44Ee55Ff66',
        '  mysql:',
        '    image: mysql:8.4',
        '    healthcheck:',
        '      test: ["CMD", "mysqladmin", "ping", "-h", "localhost", "-uroot", "-pRootPwMy_Q1x9"]',
        '    environment:',
        '      MYSQL_ROOT_PASSWORD: RootPwMy_Q1x9',
        '      MYSQL_API_TOKEN: MysqlTok_Gg77Hh88Ii99',
        '',
      ].join('\n'),
      // DF039 merges the RUNs (a safe fix): the curl line is printed on − and + lines, the ENV as context.
      Dockerfile: 'FROM alpine:3.21\nENV API_KEY=Esc\\$apedKey_R4q\nRUN curl -u bob:CurlPipe_D3h|sh\nRUN mysql -uroot -pMysqlPw33x -e "select 1"\nUSER 1000\n',
      '.gitignore': '.env\n',
    });
    const r = run(['check', '--fix-dry-run', '.'], dir);
    assert.match(r.stdout, /^-\s+MONGO_API_TOKEN: \*{8}$/m, 'the move is shown');
    assert.match(r.stdout, /^ {7}MONGO_INITDB_ROOT_PASSWORD: \*{8}$/m, 'the password with a copy stays, shown as context');
    assert.match(r.stdout, /^ {7}test: rabbitmqctl authenticate_user admin \*{8}&&echo ok$/m);
    assert.match(r.stdout, /^ {7}test: mongosh -u root -p\*{8} --eval/m);
    assert.match(r.stdout, /"-uroot", "-p\*{8}"\]$/m, 'a short value (root) is not masked inside other words');
    assert.match(r.stdout, /^-RUN curl -u \*{8}\|sh$/m);
    assert.match(r.stdout, /^ ENV API_KEY=\*{8}$/m, 'the value as written, `\\$` escape and all');
    assert.deepEqual(leaked(secrets, r.stdout, r.stderr), [], r.stdout);
  });

  it('a value is masked inside other text when it is six characters or more and does not read as a word (item 1)', () => {
    for (const v of ['CurlPipe_D3h', 'RootPwMy_Q1x9', 'hunter2', 'Xk9vQm', 'correcthorsebattery']) assert.equal(masksAnywhere(v), true, v);
    // Short values, images' defaults, common passwords of letters and short lower case words name other things (`image: postgres:16`, `data/snipeit/snipeit.env`).
    for (const v of ['root', 'abc12', 'postgres', 'secret', 'password', 'Password', 'docker', 'snipeit', 'nextcloud', '123456', 'ABCDEFG', '********']) assert.equal(masksAnywhere(v), false, v);
    const values = new SecretValues(['CurlPipe_D3h', 'snipeit', 'Esc$aped_99'], 4);
    assert.equal(values.mask('curl -u bob:CurlPipe_D3h|sh'), 'curl -u bob:********|sh');
    assert.equal(values.mask('env_file: data/snipeit/snipeit.env'), 'env_file: data/snipeit/snipeit.env');
    assert.equal(values.mask('MYSQL_PASSWORD: snipeit'), 'MYSQL_PASSWORD: ********');
    assert.equal(values.mask('ENV K=Esc\\$aped_99 P=Esc$$aped_99'), 'ENV K=******** P=********');
  });

  it('--fix-dry-run masks every line of a value continued over lines, moved or shown as context (item 2)', () => {
    const dir = workspace({
      'compose.yaml': 'services:\n  app:\n    build: .\n    read_only: true\n',
      // The ARG stays (its fix is not safe); its value's last line is four characters, too short to be masked as text anywhere: masked where it is written.
      Dockerfile: 'FROM node:24-alpine\nENV SIGNING_KEY=KeyPartOne_R4\\\nKeyPartTwo_R4xyz\nARG DB_PASSWORD=Abcdefgh12Zz\\\nxy9Q\nUSER node\nCMD ["node","server.js"]\n',
      '.gitignore': '.env\n',
    });
    const r = run(['check', '--fix-dry-run', '.'], dir);
    assert.match(r.stdout, /^\+ {6}SIGNING_KEY: \$\{SIGNING_KEY\}$/m, 'the value is moved');
    assert.match(r.stdout, /^-\*{8}$/m, 'the moved value\'s second line is masked');
    assert.match(r.stdout, /^ \*{8}$/m, 'the continued line of a value left in place is masked');
    assert.deepEqual(leaked(['KeyPartOne_R4', 'KeyPartTwo_R4xyz', 'Abcdefgh12Zz', 'xy9Q'], r.stdout, r.stderr), [], r.stdout);
  });

  it('JSON and SARIF withhold a fix whose title or text repeats a reported value inside a word (`-p<value>`, item 3)', () => {
    const dir = workspace({ Dockerfile: 'FROM mysql:8.4\nENV MYSQL_ROOT_PASSWORD=MyRootPw_R2x\nUSER mysql\nCMD mysqld -pMyRootPw_R2x\n' });
    for (const format of ['json', 'sarif']) {
      const r = run(['check', '--format', format, '.'], dir);
      assert.match(r.stdout, /DF040/, format);
      assert.deepEqual(leaked(['MyRootPw_R2x'], r.stdout, r.stderr), [], `${format}: ${r.stdout.slice(0, 4000)}`);
    }
    type Item = { code: string; fix: { title: string; changes: unknown; withheld?: boolean } | null };
    const df040 = (JSON.parse(run(['check', '--format', 'json', '.'], dir).stdout) as Item[]).find((f) => f.code === 'DF040');
    assert.deepEqual(df040?.fix && { title: df040.fix.title, changes: df040.fix.changes, withheld: df040.fix.withheld }, { title: 'Use exec form: CMD ["mysqld", …]', changes: null, withheld: true });
  });
});

describe('review 40a: every value a rule reports is masked where it found it, and inside other text unless it reads as a word', () => {
  const run = (args: string[], cwd: string) => spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 256 << 20, env: isolatedEnv() });
  const leaked = (values: string[], ...texts: string[]) => values.filter((v) => texts.some((t) => t.includes(v)));

  it('masks as a substring a value of 8+ characters of digits or upper case only, and a common password with a digit or symbol (item 5b)', () => {
    for (const v of ['8472916350', 'XKQZJVWPMT', 'Welcome2024!', 'Password123', 'password123', '12345678']) assert.equal(masksAnywhere(v), true, v);
    const values = new SecretValues(['XKQZJVWPMT', '8472916350', 'Welcome2024!', 'postgres'], 4);
    assert.equal(values.mask('curl https://hooks.example.com/XKQZJVWPMT/8472916350'), 'curl https://hooks.example.com/********/********');
    assert.equal(values.mask('mysql -pWelcome2024!&&echo'), 'mysql -p********&&echo');
    assert.equal(values.mask('image: postgres:16 -U postgres'), 'image: postgres:16 -U ********');
  });

  it('--fix-dry-run masks a command-line password where DC040 found it, even a word (`-psnipeit`), and reported values inside a URL (item 5)', () => {
    const dir = workspace({
      'compose.yaml': [
        'services:',
        '  db:',
        '    image: mysql:8.4',
        '    environment:',
        '      MYSQL_ROOT_PASSWORD: Welcome2024!',
        '    volumes: [my:/var/lib/mysql]',
        '  app:',
        '    image: ghcr.io/acme/app:1.0.0',
        '    command: ["sh", "-c", "mysql -h db -uroot -pWelcome2024! && curl https://hooks.example.com/XKQZJVWPMT/8472916350"]',
        '    healthcheck:',
        '      test: ["CMD-SHELL", "mysqladmin -uroot -psnipeit&&echo ok"]',
        '    environment:',
        '      MOVABLE_TOKEN: Lk40_movable_tok9',
        '      API_TOKEN: XKQZJVWPMT',
        '      APP_SECRET: 8472916350',
        'volumes: {my: {}}',
        '',
      ].join('\n'),
      '.gitignore': '.env\n',
    });
    const r = run(['check', '--fix-dry-run', '.'], dir);
    assert.match(r.stdout, /^\+ {6}MOVABLE_TOKEN: \$\{MOVABLE_TOKEN\}$/m, 'the token is moved, the lines around it shown');
    assert.match(r.stdout, /^ {5}command: \["sh", "-c", "mysql -h db -uroot -p\*{8} && curl https:\/\/hooks\.example\.com\/\*{8}\/\*{8}"\]$/m, r.stdout);
    assert.match(r.stdout, /^ {7}test: \["CMD-SHELL", "mysqladmin -uroot -p\*{8}&&echo ok"\]$/m, 'a word where DC040 found it');
    assert.deepEqual(leaked(['Welcome2024!', 'XKQZJVWPMT', '8472916350', 'snipeit', 'Lk40_movable_tok9'], r.stdout, r.stderr), [], r.stdout);
  });

  it('DF022, DC041 and DC040 say where a command line holds the credential they report (item 5a)', () => {
    const ranges = (kind: 'dockerfile' | 'compose', file: string, text: string, code: string) =>
      allFindings(kind, file, text)
        .filter((f) => f.code === code)
        .flatMap((f) => secretRangesOf(allRules, f))
        .map((r) => text.split('\n')[r.start.line].slice(r.start.character, r.end.character));
    assert.deepEqual(ranges('dockerfile', '/m/Dockerfile', 'FROM alpine:3.21\nRUN mysql -uroot -ppw1&&echo ok\nRUN curl -H "Authorization: Bearer tok_Abc123456" https://x\n', 'DF022'), ['-ppw1', 'tok_Abc123456']);
    const compose = 'services:\n  cache:\n    image: redis:8.0\n    command: redis-server --requirepass secret\n  db:\n    image: postgres:17\n    environment:\n      POSTGRES_PASSWORD: postgres\n';
    assert.deepEqual(ranges('compose', '/m/compose.yaml', compose, 'DC041'), ['secret', 'postgres']);
    const mongo = 'services:\n  app:\n    image: ghcr.io/acme/app:1.0\n    healthcheck:\n      test: mongosh -u root -pMongoPw_1 --eval ping\n    command: ["sh", "-c", "mysql -uroot \'-pwordpass\' db"]\n';
    assert.deepEqual(ranges('compose', '/m/compose.yaml', mongo, 'DC040'), ['MongoPw_1', 'wordpass']);
  });

  it('--fix-dry-run masks a double-quoted value continued with `\\` on both of its lines (item 8)', () => {
    const dir = workspace({
      'compose.yaml': 'services:\n  app:\n    image: ghcr.io/acme/app:1.0.0\n    environment:\n      API_TOKEN: "Lk40dq_tokone\\\n        Lk40dq_toktwo"\n      B_TOKEN: Lk40_btok_value\n',
      '.gitignore': '.env\n',
    });
    const r = run(['check', '--fix-dry-run', '.'], dir);
    assert.match(r.stdout, /^ {7}API_TOKEN: "\*{8}\\$/m, r.stdout);
    assert.match(r.stdout, /^ {9}\*{8}"$/m, r.stdout);
    assert.deepEqual(leaked(['Lk40dq_tokone', 'Lk40dq_toktwo', 'Lk40_btok_value'], r.stdout, r.stderr), [], r.stdout);
  });

  it('masks a reported value spelled with YAML escapes in double quotes elsewhere (item 10)', () => {
    const values = new SecretValues(['Lk40_xA_hexesc', 'snipeit'], 4);
    assert.equal(values.mask('      - "t=Lk40_x\\u0041_hexesc"'), '      - "t=********"');
    assert.equal(values.mask('      - "t=Lk40_\\x78A_hexesc" and Lk40_xA_hexesc'), '      - "t=********" and ********');
    assert.equal(values.mask('  x: "a\\tsnipeit" "data/snipeit\\n"'), '  x: "a\\t********" "data/snipeit\\n"', 'a word only where it stands as a value');
    assert.equal(values.test('"Lk40\\x5fxA_hexesc"'), true);
    const dir = workspace({
      'compose.yaml': 'services:\n  app:\n    image: ghcr.io/acme/app:1.0.0\n    environment:\n      T1_TOKEN: "Lk40_x\\x41_hexesc"\n      MOVE_TOKEN: Lk40_movable_xyz\n    labels:\n      - "t=Lk40_x\\u0041_hexesc"\n',
      '.gitignore': '.env\n',
    });
    const r = run(['check', '--fix-dry-run', '.'], dir);
    assert.match(r.stdout, /^ {7}- "t=\*{8}"$/m, r.stdout);
    assert.match(r.stdout, /^ {7}T1_TOKEN: "\*{8}"$/m, r.stdout);
  });
});

// Review 56c, F2: DF015 and DF014 named a download by the last segment of its URL, which for a webhook or a capability
// URL is the credential itself (`https://hooks.slack.com/services/T…/B…/<secret>`, a share link's token, the file
// `curl -O`/`wget` name after it): every message, hover and report carried it. Such a segment is not named.
describe('review 56c: a URL segment that is a credential is never named as the file downloaded', () => {
  const W = {
    slack: 'Xk9vQm2LpR7tNw4ZyB8cDs3F',
    discord: 'Yq3mZ8kLp2Rt9VwX4nB7cD1fG6hJ0sA5eQ_uI-oPzMxNa8Kd',
    share: 'Hd3Wq7Ls2Pz6Xc9Mn4Bv1Rt5',
    curlO: 'Pm4Kx8Vn2Qr6Lt9Zw3Yb7Cd5',
    wget: 'Wv7Kp3Qm9Lx2Rt8Zn4Yb6Hc1',
  } as const;
  const files: Record<string, string> = {
    Dockerfile: [
      'FROM debian:bookworm-slim',
      `ADD https://hooks.slack.com/services/T0AB12CDE/B0FG34HIJ/${W.slack} /etc/hook`,
      `ADD https://discord.com/api/webhooks/123456789012345678/${W.discord} /etc/discord`,
      `ADD https://dl.example.com/share/${W.share}/ /opt/share`,
      'ADD https://nodejs.org/dist/v20.11.1/node-v20.11.1-linux-x64.tar.xz /opt/node.tar.xz',
      'RUN apt-get update && apt-get install -y --no-install-recommends curl wget && rm -rf /var/lib/apt/lists/*',
      `RUN curl -fsSLO https://dl.example.com/s/${W.curlO} && sh ${W.curlO}`,
      `RUN wget -q https://dl.example.com/s/${W.wget} && dpkg -i ${W.wget}`,
      'RUN curl -fsSLO https://dl.example.com/get/install-tool.sh && sh install-tool.sh',
      'USER 1000',
      '',
    ].join('\n'),
  };
  const run = (args: string[], cwd: string) => spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 256 << 20, env: isolatedEnv() });

  it('DF015 and DF014 report the downloads without naming such a segment; a file name is still named', () => {
    const dir = workspace(files);
    type Item = { code: string; message: string; range: { start: { line: number } } };
    const json = JSON.parse(run(['check', '--format', 'json', '.'], dir).stdout) as Item[];
    const at = (code: string, line: number) => json.find((f) => f.code === code && f.range.start.line + 1 === line)?.message ?? '';
    assert.match(at('DF015', 2), /^ADD downloads a file from hooks\.slack\.com without --checksum/);
    assert.match(at('DF015', 3), /^ADD downloads a file from discord\.com without --checksum/);
    assert.match(at('DF015', 4), /^ADD downloads a file from dl\.example\.com without --checksum/);
    assert.match(at('DF015', 5), /^ADD downloads node-v20\.11\.1-linux-x64\.tar\.xz from nodejs\.org/, 'a file name is still named');
    assert.match(at('DF014', 7), /^A program downloaded with curl to a file is run \(sh …\)/);
    assert.match(at('DF014', 8), /^A package downloaded with wget from dl\.example\.com to a file is installed with dpkg -i/);
    assert.match(at('DF014', 9), /^A program downloaded with curl to install-tool\.sh is run/, 'a file name is still named');
    for (const format of ['text', 'json', 'sarif', 'github']) {
      const r = run(['check', '--format', format, '.'], dir);
      const leaks = findLeaks(r.stdout + r.stderr, W);
      assert.deepEqual(leaks, [], `${format}: ${leaks.join(', ')}`);
    }
  });
});

// Review 56c, F1: a credential given as a URL's query parameter (MaxMind's `&license_key=`, GitLab's `?private_token=`, OAuth's
// `?access_token=`, a signed URL's `sig=`), a token written as a URL's user with no password (`https://<token>@github.com/…`,
// the form GitHub documents for a personal access token) and an npm registry's `:_authToken=` were neither reported nor
// masked by their form: `--fix-dry-run` printed them around a change, and JSON and SARIF carried a fix that repeats one
// (DF040's exec form of `CMD git clone https://<token>@…`).
describe('review 56c: URL query credentials, a token as a URL\'s user and npm\'s _authToken are masked by their form', () => {
  const run = (args: string[], cwd: string) => spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 256 << 20, env: isolatedEnv() });
  const T = {
    maxmind: 'Lk56MaxmindKey9x',
    gitlab: 'Lk56GlPrivTok7y',
    oauth: 'Lk56OauthAccess3z',
    sas: 'Lk56SasSig%2Bq0',
    user: 'Hd3Wq7Ls2Pz6Xc9Mn4Bv1Rt5',
    npm: '5f3c9a1e-8b2d-4e6f-a7c0-d1e2f3a4b5c6',
  } as const;

  it('the redaction masks them, and leaves public values as written', () => {
    const cases: [string, string][] = [
      [`RUN curl -o /g.tgz "https://download.maxmind.com/app/geoip_download?edition_id=GeoLite2-City&license_key=${T.maxmind}&suffix=tar.gz"`, 'RUN curl -o /g.tgz "https://download.maxmind.com/app/geoip_download?edition_id=GeoLite2-City&license_key=********&suffix=tar.gz"'],
      [`      GL: "https://gitlab.com/api/v4/projects/1/repository/files/a/raw?ref=main&private_token=${T.gitlab}"`, '      GL: "https://gitlab.com/api/v4/projects/1/repository/files/a/raw?ref=main&private_token=********"'],
      [`RUN curl -fsSL https://api.example.com/v1/data?access_token=${T.oauth} -o /d.json`, 'RUN curl -fsSL https://api.example.com/v1/data?access_token=******** -o /d.json'],
      [`      SAS: "https://acct.blob.core.windows.net/c/b.tgz?sv=2022-11-02&sr=b&sig=${T.sas}"`, '      SAS: "https://acct.blob.core.windows.net/c/b.tgz?sv=2022-11-02&sr=b&sig=********"'],
      [`RUN git clone https://${T.user}@github.com/acme/app.git /src`, 'RUN git clone https://********@github.com/acme/app.git /src'],
      [`ARG NPMRC=//registry.npmjs.org/:_authToken=${T.npm}`, 'ARG NPMRC=//registry.npmjs.org/:_authToken=********'],
    ];
    for (const [line, want] of cases) assert.equal(redactSecretsInLine(line), want);
    for (const kept of [
      'RUN curl -o /g.tgz "https://download.maxmind.com/app/geoip_download?edition_id=GeoLite2-City&license_key=${MAXMIND_KEY}&suffix=tar.gz"',
      '      PAGE_URL: https://example.com/?p=42&ref=home&token_type=bearer&response_type=token',
      'RUN git clone https://git@github.com/acme/app.git && git clone ssh://deploy@git.example.com/app.git',
      'RUN git clone https://${GITHUB_TOKEN}@github.com/acme/app.git',
      'RUN npm config set //registry.npmjs.org/:_authToken=${NPM_TOKEN}',
    ]) assert.equal(redactSecretsInLine(kept), kept);
  });

  it('--fix-dry-run masks them around a change; JSON and SARIF withhold a fix that repeats one', () => {
    const dir = workspace({
      Dockerfile: [
        'FROM debian:bookworm-slim',
        `ARG NPMRC=//registry.npmjs.org/:_authToken=${T.npm}`,
        'RUN apt-get update && apt-get install -y --no-install-recommends curl git && rm -rf /var/lib/apt/lists/*',
        `RUN curl -fsSL -o /tmp/geo.tgz "https://download.maxmind.com/app/geoip_download?edition_id=GeoLite2-City&license_key=${T.maxmind}&suffix=tar.gz"`,
        `RUN curl -fsSL -o /tmp/gl.json "https://gitlab.example.com/api/v4/projects/1/repository/files/a/raw?ref=main&private_token=${T.gitlab}"`,
        `RUN curl -fsSL "https://api.example.com/v1/data?access_token=${T.oauth}" -o /tmp/d.json`,
        'USER 1000',
        'HEALTHCHECK NONE',
        `CMD git clone https://${T.user}@github.com/acme/app.git /src`,
        '',
      ].join('\n'),
    });
    const dry = run(['check', '--fix-dry-run', '.'], dir);
    // (DF022 reports the query credentials since 7d52ee80: their whole word is masked where it found them.)
    assert.match(dry.stdout, /^\+ {4}&& curl -fsSL (?:"https:\/\/api\.example\.com\/v1\/data\?access_token=\*{8}"|\*{8}) -o \/tmp\/d\.json/m, `the merge is shown: ${dry.stdout}`);
    // (DF022 reports a random token as a URL's user since review 56c's L1 was fixed: its whole word is masked where it found it.)
    assert.match(dry.stdout, /^-CMD git clone (?:https:\/\/\*{8}@github\.com\/acme\/app\.git|\*{8}) \/src$/m, 'the token as a URL\'s user is masked');
    assert.deepEqual(findLeaks(dry.stdout + dry.stderr, T), [], dry.stdout);
    type Item = { code: string; fix: { title: string; changes: unknown; withheld?: boolean } | null };
    const json = JSON.parse(run(['check', '--format', 'json', '.'], dir).stdout) as Item[];
    assert.equal(json.find((f) => f.code === 'DF040')?.fix?.withheld, true, 'the exec form repeats the token');
    for (const format of ['json', 'sarif']) {
      const r = run(['check', '--format', format, '.'], dir);
      assert.deepEqual(findLeaks(r.stdout + r.stderr, T), [], format);
    }
  });
});

describe('review 56c, L4: the dry run masks a token pasted as a list item and an htpasswd hash in its context lines', () => {
  const T = { pasted: 'Zq12PastedRandomKeyAbcdef0123', salt: 'Zq12Salt', hash: 'Zq12HashValue0123' } as const;

  it('the redaction masks them, and leaves names and other list items as written', () => {
    assert.equal(redactSecretsInLine(`      - ${T.pasted}`), '      - ********');
    assert.equal(redactSecretsInLine(`      - "${T.pasted}"`), '      - "********"');
    assert.equal(redactSecretsInLine(`      - "traefik.http.middlewares.auth.basicauth.users=admin:$$apr1$$${T.salt}$$${T.hash}"`), '      - "traefik.http.middlewares.auth.basicauth.users=admin:********"');
    assert.equal(redactSecretsInLine(`  traefik.http.middlewares.a.basicauth.users: "admin:$2y$05$${T.hash},bob:{SHA}${T.salt}="`), '  traefik.http.middlewares.a.basicauth.users: "admin:********,bob:********"');
    for (const kept of ['      - NODE_ENV', '      - DEBUG=1', '      - ./data:/var/lib/app', '      - "8080:80"', '      - postgres_data_volume_2024', '      - traefik.http.routers.app.rule=Host(`example.com`)', '      - PRICE=$$5']) assert.equal(redactSecretsInLine(kept), kept);
  });

  it('--fix-dry-run shows them masked around a change', () => {
    const dir = workspace({
      'compose.yaml': ['services:', '  app:', '    image: ghcr.io/acme/app:1.0.0', '    environment:', `      - ${T.pasted}`, '      - DB_PASSWORD=Zq12PwListItem', '    labels:', `      - "traefik.http.middlewares.auth.basicauth.users=admin:$$apr1$$${T.salt}$$${T.hash}"`, ''].join('\n'),
      '.gitignore': '.env\n',
    });
    const dry = spawnSync(process.execPath, [CLI, 'check', '--fix-dry-run', '.'], { cwd: dir, encoding: 'utf8', env: isolatedEnv() });
    assert.match(dry.stdout, /^ {7}- \*{8}$/m, dry.stdout);
    assert.match(dry.stdout, /basicauth\.users=admin:\*{8}"$/m, dry.stdout);
    assert.deepEqual(findLeaks(dry.stdout + dry.stderr, T), [], dry.stdout);
  });
});

describe('the .env.example template DR002 writes', () => {
  it('keeps only values that cannot be secrets, so a copy still starts the stack (a user:password is no image or address: review 17, probe dc-01; review 18, probes 05-06)', () => {
    const kept: [string, string][] = [['COMPOSE_PROJECT_NAME', 'shop'], ['REDIS_HOST', 'redis'], ['REDIS_ADDR', 'redis:6379'], ['PYTHONPATH', '/app/pythonpath'], ['SENTRY_IMAGE', 'getsentry/sentry:nightly'], ['SNUBA_IMAGE', 'ghcr.io/getsentry/snuba:25.1.0'], ['DEBUG', 'true'], ['PORT', '8080'], ['SMTP_SERVER', 'mail.example.com:587'], ['APP_IMG', 'nginx:stable-alpine'], ['ZOOKEEPER_CONNECT', 'zookeeper:2181']];
    for (const [name, value] of kept) assert.equal(templateValue(name, value), value, name);
    const blanked: [string, string][] = [['POSTGRES_PASSWORD', 'local'], ['API_TOKEN', 'abc'], ['SLACK_WEBHOOK', 'https://hooks.slack.com/services/T0/B0/xyz'], ['DATABASE_URL', 'postgres://u:p@db/x'], ['CLIENT_ID', 'abc123def456'], ['SOME_ID', '8f14e45fceea167a5a36dedd4bea2543'], ['IMG', 'repo/app:8f14e45fceea167a5a36'], ['NAME', 'hello world'], ['MULTI', 'line one\nline two'], ['INITIAL_ADMIN_PW', 'FooBar'], ['RABBITMQ_ERLANG_COOKIE', 'secret-erlang-cookie'], ['AUTH', 'admin:AdminPw321'], ['LOGIN', 'admin:LoginPw42'], ['BASIC', 'admin:12345'], ['REGISTRY_IMAGE_CREDS', 'ci:Tr0ub4dorX'], ['IMAGE_PULL_AUTH', 'deployer:Kx9vQm2Lp'], ['PROXY_AUTH', 'squid:31337'], ['SMTP_SERVER_LOGIN', 'mailer:20481'], ['CACHE', 'memcached:11211']];
    for (const [name, value] of blanked) assert.equal(templateValue(name, value, false), '', name);
    // A variable the compose file uses as `image:` keeps its reference, whatever its name (review 18, probe 06).
    assert.equal(templateValue('APP_REF', 'ghcr.io/acme/app:1.4', true), 'ghcr.io/acme/app:1.4');
    assert.equal(templateValue('APP_REF', 'ghcr.io/acme/app:1.4', false), '');
    const pinned = 'ghcr.io/acme/app:1.4.2@sha256:' + 'ab12'.repeat(16);
    assert.equal(templateValue('APP_REF', pinned, true), pinned, 'pinned by digest (review 20, probe 04)');
    for (const [name, value] of [['APP_REF', 'ghcr.io/acme/app'], ['WORKER_TAG', '1.4.2'], ['GRAPH_REF', 'neo4j:5.20'], ['AUTHELIA_IMAGE', 'authelia/authelia:4.38']]) assert.equal(templateValue(name, value, true), value, name);
    // A login word is a word of the name, not part of one (AUTHELIA_IMAGE is an image; review 19, probe 06).
    assert.equal(templateValue('AUTHELIA_IMAGE', 'authelia/authelia:4.38', false), 'authelia/authelia:4.38');
    for (const [name, value] of blanked) assert.equal(templateValue(name, value), '', name);
  });

  it('leaves keys, salts, nonces, PINs, codes, phrases, seeds, JWTs and one-time passwords empty, and random-looking words; keeps harmless settings (review 39)', () => {
    const blanked: [string, string][] = [['SESSION_KEY', 'ZqXwVuTsRqPoNmLkJiHgFe'], ['COOKIE_KEY', 'supersecretcookie'], ['COOKIE_SALT', 'pepper-salt-mint-leaf'], ['WORDPRESS_NONCE_KEY', 'saltyWordPressKey'], ['WORDPRESS_LOGGED_IN_SALT', 'myloggedinsalt'], ['REDIS_AUTH', 'TroubadorHorseStapleE'], ['ADMIN_PIN', '4839'], ['PASSCODE', '8812'], ['ACCESS_CODE', 'SesameAccessCodeE'], ['UNLOCK_PHRASE', 'the-eagle-has-landed'], ['AUTH_SALT', 'pepper.salt.mint'], ['WEBHOOK_KEY', 'whkeylettersonly'], ['JWT', 'eyJhbGciOiJIUzI.eyJzdWIiOiJhZG1pbiJ.SflKxwRJSMeKKF'], ['TOTP', 'JBSWYHDPEHPKXPXP'], ['OTP_SEED', 'KRUGKIDROVUWG'], ['APPKEY', 'letters'], ['ADMINPASSCODE', '1234'], ['RANDOM_LOOKING', 'ZqXwVuTsRqPoNmLkJiHgFe'], ['GREETING', 'camelCaseWord'], ['BANNER', 'Welcome\nSHOP']];
    for (const [name, value] of blanked) assert.equal(templateValue(name, value), '', name);
    const kept: [string, string][] = [['APP_NAME', 'shop'], ['PORT', '8080'], ['TZ', 'UTC'], ['NODE_ENV', 'production'], ['LOG_LEVEL', 'info'], ['REDIS_HOST', 'redis'], ['DEBUG', 'false'], ['COOKIE_SECURE', 'true'], ['SESSION_LIFETIME', '120'], ['SESSION_DRIVER', 'redis'], ['JWT_ISSUER', 'shop'], ['LANGUAGE_CODE', 'en-us'], ['COUNTRY_CODE', 'DE'], ['TIMEZONE', 'Europe'], ['SESSION_ENCRYPT', 'false']];
    for (const [name, value] of kept) assert.equal(templateValue(name, value), value, name);
  });

  it('a quoted value over several lines is one variable: no line of a PEM key reaches the template, the dry run, JSON or SARIF (review 39)', () => {
    const body = ['MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDEUgoJW1dDENoE', 'pHYYZkRd0h1qvG/aWd1BrgZtwVehGehWNGaRzBCU+JGtG1ObGVBNJqjmIg8xh/xc', 'sVwAE44AHSS87JRJ05G3QR0='];
    const env = ['APP_NAME=shop', 'JWT_PRIVATE_KEY="-----BEGIN PRIVATE KEY-----', ...body, '-----END PRIVATE KEY-----"', 'SESSION_KEY=ZqXwVuTsRqPoNmLkJiHgFe', 'ADMIN_PIN=48291375', ''].join('\n');
    const dir = workspace({ 'compose.yaml': 'services:\n  app:\n    image: node:20-alpine\n    env_file: .env\n', '.env': env, '.gitignore': '.env\n' });
    const planted = ['MIIEvQIBADANBgkq', 'sVwAE44AHSS87JRJ05G3QR0', 'pHYYZkRd0h1qvG', 'ZqXwVuTsRqPoNmLkJiHgFe', '48291375'];
    const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', env: isolatedEnv() });
    for (const args of [['check', '--fix-dry-run', '.'], ['check', '--format', 'json', '.'], ['check', '--format', 'sarif', '.']]) {
      const r = run(args);
      for (const p of planted) assert.ok(!(r.stdout + r.stderr).includes(p), `${args.join(' ')} shows ${p.slice(0, 8)}…`);
    }
    run(['check', '--fix', '.']);
    assert.equal(fs.readFileSync(path.join(dir, '.env.example'), 'utf8'), 'APP_NAME=shop\nJWT_PRIVATE_KEY=\nSESSION_KEY=\nADMIN_PIN=\n');
  });

  it('copies a value only from the allowlist, never one a compose file hands to a credential, one equal to a value left empty, or one under a password, pre-shared key, recovery or unlock name (review 40a, items 3-4)', () => {
    const none = { secretFed: new Set<string>(), images: new Set<string>(), names: new Set<string>() };
    const env = 'DBROOT=shopadmin\nDB_USER=postgres\nDB_PASSWORD=postgres\nDB_NAME=orders\nADMIN_SECRET=${DB_NAME}\nPORT=8080\nLDAP_BINDPW=letmein\nPSK=sesame\nWG_PSK=tunnel\nSTRIPE_SK=stripe\nRECOVERY=phrase\nUNLOCK=open\nCLIENT=qkzjvwpmtrlbnhgxdf\nACCOUNT=1234567890123456789012\n';
    const t = (facts = none) => Object.fromEntries(templateEntries(env, facts).map((e) => [e.key, e.value]));
    assert.deepEqual(t(), { DBROOT: 'shopadmin', DB_USER: '', DB_PASSWORD: '', DB_NAME: '', ADMIN_SECRET: '', PORT: '8080', LDAP_BINDPW: '', PSK: '', WG_PSK: '', STRIPE_SK: '', RECOVERY: '', UNLOCK: '', CLIENT: '', ACCOUNT: '' });
    assert.equal(t({ ...none, secretFed: new Set(['DBROOT']) }).DBROOT, '', 'MYSQL_ROOT_PASSWORD=${DBROOT}');
    assert.equal(t({ ...none, secretFed: new Set(['PORT']) }).PORT, '');
  });

  it('a line without `=` (a pasted token) or with a token for a name reaches neither the template nor the dry run, JSON or SARIF (review 40a, item 6)', () => {
    const env = ['FOO=bar', '# my openai key', 'sk-proj-Lk40abcDEF123ghiJKL456', 'AKIALK40ABCDEFGHIJKL', 'PRIVATE_KEY=-----BEGIN RSA PRIVATE KEY-----', 'MIIEowIBAAKCAQEAlk40keyline2Ab', 'MIIEowIBAAKCAQEAlk40keyline3==', '-----END RSA PRIVATE KEY-----', ''].join('\n');
    const dir = workspace({ 'compose.yaml': 'services:\n  app:\n    image: ghcr.io/acme/app:1.0.0\n    environment:\n      X: ${FOO}\n', '.env': env, '.gitignore': '.env\n' });
    const planted = ['Lk40abcDEF123', 'AKIALK40ABCD', 'MIIEowIBAAKCAQEA'];
    const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', env: isolatedEnv() });
    for (const args of [['check', '--fix-dry-run', '.'], ['check', '--format', 'json', '.'], ['check', '--format', 'sarif', '.']]) {
      const r = run(args);
      for (const p of planted) assert.ok(!(r.stdout + r.stderr).includes(p), `${args.join(' ')} shows ${p.slice(0, 8)}…`);
    }
    run(['check', '--fix', '.']);
    assert.equal(fs.readFileSync(path.join(dir, '.env.example'), 'utf8'), 'FOO=bar\nPRIVATE_KEY=\n');
  });
});

/**
 * Secrets recognised by their value, whatever name they are under (a known token format, a URL's password) or under a generic
 * `*_KEY` name that the value makes a credential's: no output shows them either, whichever rule's text quotes them (DF015's
 * message quoted an ADD's URL with a token in its path; the dry run printed `OPENAI_KEY=…` on a RUN that DF039 merged).
 */
describe('value-only secrets never reach the output (a token, a URL password or an issued key under a harmless name)', () => {
  /** A GitHub token (`ghp_` and 36 letters and digits) tagged to tell the plants apart. */
  const gh = (tag: string) => `ghp_${(tag + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9').slice(0, 36)}`;
  const VALUE_SECRETS = {
    addPath: gh('Vq8AddPath'),
    composeFoo: gh('Vq8ComposeFoo'),
    composeStripe: 'sk_live_Vq8ComposeStripe0123456789',
    composeConn: 'Vq8ComposeConnPw',
    composeHook: gh('Vq8ComposeCmd'),
    dfEnv: gh('Vq8DfEnvFoo'),
    dfArg: 'sk_live_Vq8DfArgStripe0123456789',
    dfConn: 'Vq8DfConnPw77',
    dfRunKey: 'Vq8Lx2Rt6Yw9Kp3Zm5Nb7Hc4',
    dfRunUrl: gh('Vq8DfRunUrl'),
    composeKey: 'Vq8Hd3Wq7Ls2Pz6Xc9Mn4Bv1',
  } as const;
  const V = VALUE_SECRETS;
  const VALUE_FILES: Record<string, string> = {
    'compose.yaml': `services:
  app:
    image: ghcr.io/acme/app:1.0.0
    build:
      context: ./api
    environment:
      FOO: ${V.composeFoo}
      X: ${V.composeStripe}
      NOTE: "postgres://app:${V.composeConn}@db/app"
      OPENAI_KEY: ${V.composeKey}
      MOVE_TOKEN: Lk45movable_tok9
    command: ["app", "--upstream", "https://example.com/hooks/${V.composeHook}"]
`,
    'api/Dockerfile': `FROM node:24
ENV FOO=${V.dfEnv}
ARG X=${V.dfArg}
ENV DB=postgres://app:${V.dfConn}@db/app
ADD https://example.com/${V.addPath}/c.tgz /c.tgz
RUN OPENAI_KEY=${V.dfRunKey} node setup.js
RUN npm ci
RUN curl -fsSL https://example.com/x/${V.dfRunUrl}/a.sh -o /a.sh
RUN apt-get update
RUN apt-get install -y curl
`,
  };
  const check = (what: string, text: string) => {
    const leaks = findLeaks(text, VALUE_SECRETS);
    assert.deepEqual(leaks, [], `${what} contains planted secret(s) ${leaks.join(', ')}: ${excerpt(text, leaks.map((l) => VALUE_SECRETS[l as keyof typeof VALUE_SECRETS]))}`);
  };
  const run = (args: string[], cwd: string) => spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 256 << 20, env: isolatedEnv() });

  it('every plant is in the files, and the engine masks them in any text', () => {
    const all = Object.values(VALUE_FILES).join('\n');
    for (const [name, value] of Object.entries(VALUE_SECRETS)) assert.ok(all.includes(value), name);
    assert.equal(maskSecretValues(`ADD downloads https://example.com/${V.addPath}/c.tgz`), 'ADD downloads https://example.com/********/c.tgz');
    assert.equal(maskSecretValues(`see smtp://mail:${V.composeConn}@mail.example.com and \${A}://u:\${PW}@h`), 'see smtp://mail:********@mail.example.com and ${A}://u:${PW}@h');
    assert.equal(maskSecretValues(`RUN OPENAI_KEY=${V.dfRunKey} node`), 'RUN OPENAI_KEY=******** node');
    // Mailgun's legacy private key (`key-` and 32 hex digits) under any name, not its public `pubkey-…` (sec item 3).
    assert.equal(maskSecretValues('MG=key-3b1e8f0a9c2d47e6b5a0f9d8c7e6b5a4 x'), 'MG=******** x');
    assert.equal(maskSecretValues('PUB=pubkey-3b1e8f0a9c2d47e6b5a0f9d8c7e6b5a4'), 'PUB=pubkey-3b1e8f0a9c2d47e6b5a0f9d8c7e6b5a4');
    // Not a word under a generic name, a checksum, a public key's name, an interpolation.
    for (const kept of ['PRIMARY_KEY=customer_identifier_x', 'GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D', 'CACHE_KEY=Vq8Lx2Rt6Yw9Kp3Zm5Nb7Hc4', 'OPENAI_KEY=${OPENAI_KEY}', 'postgres://app:${PW}@db', 'postgres://app:<password>@db']) assert.equal(maskSecretValues(kept), kept);
    assert.equal(redactSecretsInLine(`      OPENAI_KEY: ${V.composeKey}`), '      OPENAI_KEY: ********');
    assert.equal(redactSecretsInLine(`ENV OPENAI_KEY ${V.composeKey}`), 'ENV OPENAI_KEY ********');
  });

  for (const format of ['text', 'json', 'sarif', 'github']) {
    it(`CLI --format ${format}: stdout and stderr`, () => {
      const dir = workspace(VALUE_FILES);
      const r = run(['check', '--format', format, '--fail-on', 'info', '.'], dir);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stdout, /DF015/, 'the rule whose message quotes the URL reports it');
      check(`${format} report`, r.stdout);
      check(`${format} stderr`, r.stderr);
    });
  }

  it('CLI --fix-dry-run and --fix', () => {
    const dir = workspace(VALUE_FILES);
    const dry = run(['check', '--fix-dry-run', '.'], dir);
    // (DF022 reports the assignment since sec item 2: its whole word is masked where DF022 found it.)
    assert.match(dry.stdout, /^\+RUN (?:OPENAI_KEY=)?\*{8} node setup\.js \\$/m, 'the merged RUN is shown, its key masked');
    check('--fix-dry-run stdout', dry.stdout);
    check('--fix-dry-run stderr', dry.stderr);
    const fix = run(['check', '--fix', '--format', 'json', '.'], dir);
    check('--fix stdout', fix.stdout);
    check('--fix stderr', fix.stderr);
  });

  it('language server: diagnostics, hovers, code action titles, log messages and stderr', { timeout: 60_000 }, async () => {
    const dir = workspace(VALUE_FILES);
    const client = new TestClient();
    try {
      await client.initialize([dir]);
      const composeUri = URI.file(path.join(dir, 'compose.yaml')).toString();
      const dockerUri = URI.file(path.join(dir, 'api/Dockerfile')).toString();
      await client.until('scan of both files', () => client.latest(composeUri) && client.latest(dockerUri));
      for (const [rel, lang] of [['compose.yaml', 'dockercompose'], ['api/Dockerfile', 'dockerfile']] as const) client.open(path.join(dir, rel), VALUE_FILES[rel], lang);
      const seen: { what: string; text: string }[] = [];
      for (const uri of [composeUri, dockerUri]) {
        const diags = await client.diagnostics(uri, 1);
        assert.ok(diags.length > 0);
        for (const d of diags) {
          const hover = await client.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: d.range.start });
          seen.push({ what: `hover ${d.code}`, text: JSON.stringify(hover) });
          for (const a of (await client.codeActions(uri, [d])) as CodeAction[]) seen.push({ what: `code action of ${d.code}`, text: JSON.stringify({ title: a.title, command: a.command }) });
        }
        for (const a of (await client.codeActions(uri, [], ['source.fixAll.docker-guardrails'])) as CodeAction[]) seen.push({ what: 'fix-all title', text: a.title });
      }
      assert.ok(JSON.stringify(client.published).includes('DF015'));
      seen.push({ what: 'published diagnostics', text: JSON.stringify(client.published) });
      seen.push({ what: 'window/logMessage', text: client.logs.join('\n') });
      seen.push({ what: 'server stderr', text: client.stderr.join('') });
      for (const s of seen) check(s.what, s.text);
    } finally {
      await client.shutdown();
    }
  });
});
