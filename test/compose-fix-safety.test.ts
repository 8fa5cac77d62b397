/**
 * Fix safety of compose rules whose fixes take away something a service may need: `safe: false` keeps
 * them out of fix-all and `check --fix` (they stay quick fixes). The fixture tests apply every fix
 * whatever its flag, so the flag is asserted here, on the rules' own fixtures.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, applyFix, DEFAULT_CONFIG, fixFinding, ruleByCode, type FileSet } from '../rules';
import type { ComposeContext } from '../rules/engine/compose';
import { analyzeCase, loadCases, viewOf } from './helpers/fixtures';

/** Every fix a rule offers on its fixtures: [case, title, safe]. */
function offeredFixes(code: string): { name: string; title: string; safe: boolean }[] {
  const out: { name: string; title: string; safe: boolean }[] = [];
  for (const c of loadCases(code)) {
    const analysis = analyzeCase(c);
    for (const f of analysis.findings.filter((x) => x.code === code)) {
      const fix = fixFinding(allRules, analysis.context, f);
      if (fix) out.push({ name: c.name, title: fix.title, safe: fix.safe });
    }
  }
  return out;
}

describe('compose fixes that take something away are not safe', () => {
  it('DC010: "Remove privileged: true" and "Set privileged: false" are quick fixes only (docker:dind, iptables, VPN and NFS containers need privileged)', () => {
    const fixes = offeredFixes('DC010');
    assert.ok(fixes.some((f) => f.title === 'Remove privileged: true'), 'the removal is still offered');
    assert.ok(fixes.some((f) => f.title.startsWith('Set privileged: false')), 'the override is still offered');
    assert.deepEqual(fixes.filter((f) => f.safe), [], 'a DC010 fix is marked safe');
  });

  it('DC012: removing a host namespace is a quick fix only (node-exporter and the Zabbix agent need pid: host)', () => {
    const fixes = offeredFixes('DC012');
    assert.ok(fixes.some((f) => f.title === 'Remove pid: host'), 'the removal is still offered');
    assert.deepEqual(fixes.filter((f) => f.safe), [], 'a DC012 fix is marked safe');
  });

  it('DC017: removing a security profile (seccomp, apparmor, label) is a quick fix only', () => {
    const fixes = offeredFixes('DC017');
    for (const text of ['seccomp:unconfined', 'apparmor:unconfined', 'label:disable']) assert.ok(fixes.some((f) => f.title === `Remove ${text}`), `"Remove ${text}" is still offered`);
    assert.deepEqual(fixes.filter((f) => f.safe), [], 'a DC017 fix is marked safe');
  });

  it('DC031: removing a published port of a data store is a quick fix only', () => {
    const fixes = offeredFixes('DC031');
    assert.ok(fixes.length > 0);
    assert.deepEqual(fixes.filter((f) => f.safe), [], 'a DC031 fix is marked safe');
  });

  it('DC053: enabling AOF is a quick fix only, whose title says to convert a live server first (a restart with AOF on loads only the empty AOF)', () => {
    const fixes = offeredFixes('DC053');
    assert.ok(fixes.length >= 3, 'the fix is still offered');
    assert.ok(fixes.every((f) => /CONFIG SET appendonly yes/.test(f.title)), 'the title tells how to keep the data');
    assert.deepEqual(fixes.filter((f) => f.safe), [], 'a DC053 fix is marked safe');
  });
});

describe('a fix that writes a variable to .env is safe only when nothing else reads that variable', () => {
  const dc040 = ruleByCode('DC040')!;
  const db = 'services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD: s3cr3t-Pa55word\n      JWT_SECRET: jwt-s3cr3t-0123456789\n';
  /** [title, safe] of the DC040 fixes offered on /p/compose.yaml among `files` (single fixes, then move-all). */
  function dc040Fixes(files: Record<string, string>): [string, boolean][] {
    const set: FileSet = new Map(Object.entries(files));
    const analysis = analyze(allRules, 'compose', '/p/compose.yaml', set.get('/p/compose.yaml')!, viewOf(set), DEFAULT_CONFIG);
    const findings = analysis.findings.filter((f) => f.code === 'DC040');
    // A finding without a fix (a credential in a carried configuration) offers none.
    const fixes = findings.map((f) => fixFinding(allRules, analysis.context, f)).filter((f) => f !== undefined);
    const all = dc040.moreFixes!(analysis.context as ComposeContext, findings[0])[0];
    return [...fixes, ...(all ? [all] : [])].map((f) => [f.title, f.safe]);
  }

  it('DC040: moving the default of an interpolation is a quick fix only (a project started with --env-file does not read .env: DefectDojo)', () => {
    const text = 'services:\n  app:\n    image: ghcr.io/acme/app:2.0.0\n    environment:\n      DD_SECRET_KEY: ${DD_SECRET_KEY:-hhZCp-7c1e-40aa-b3f2}\n      JWT_SECRET: jwt-s3cr3t-0123456789\n';
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': text }), [
      ['Move the default of DD_SECRET_KEY to .env', false],
      ['Move JWT_SECRET to .env', true],
      ['Move all 2 inline secrets of this file to .env', false],
    ]);
  });

  it('DC040: the same for names a tool reads by prefix or that CI jobs export (TF_TOKEN_<host>, DOCKER_PASSWORD, CODECOV_TOKEN, STRIPE_SECRET_KEY: review 6, probe dc-01)', () => {
    // Moved under a name of its own that no shell exports, the container's variable unchanged (review51a, finding 9).
    for (const name of ['TF_TOKEN_app_terraform_io', 'DOCKER_PASSWORD', 'CODECOV_TOKEN', 'STRIPE_SECRET_KEY', 'TWILIO_AUTH_TOKEN', 'AWS_SECRET_KEY']) {
      const text = `services:\n  ci:\n    image: ghcr.io/acme/ci:1.0.0\n    environment:\n      ${name}: pr0ject-Val-0123456789abcdef\n`;
      assert.deepEqual(dc040Fixes({ '/p/compose.yaml': text }), [[`Move ${name} to .env as CI_${name}`, true]], name);
    }
    // When every name of its own is one too (service `aws`: `AWS_AWS_SECRET_KEY`, `AWS_SECRET_KEY_2`… under AWS_'s prefix), the title says it.
    const aws = 'services:\n  aws:\n    image: ghcr.io/acme/ci:1.0.0\n    environment:\n      AWS_SECRET_KEY: pr0ject-Val-0123456789abcdef\n';
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': aws }), [['Move AWS_SECRET_KEY to .env (AWS_SECRET_KEY exported in the shell would win over .env)', false]]);
  });

  it('DC040: safe alone; not safe when another compose file beside the .env reads the name (Compose reads that .env for it too)', () => {
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': db, '/p/docker-compose.s3.yml': 'services:\n  s3:\n    image: minio/minio:RELEASE.2025-01-01T00-00-00Z\n    environment:\n      MINIO_REGION: ${REGION:-eu}\n' }), [
      ['Move POSTGRES_PASSWORD to .env', true],
      ['Move JWT_SECRET to .env', true],
      ['Move all 2 inline secrets of this file to .env', true],
    ]);
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': db, '/p/docker-compose.s3.yml': 'services:\n  storage:\n    image: supabase/storage-api:v1.0.0\n    environment:\n      DATABASE_URL: postgres://storage:${POSTGRES_PASSWORD}@db/postgres\n' }), [
      ['Move POSTGRES_PASSWORD to .env', false],
      ['Move JWT_SECRET to .env', true],
      ['Move all 2 inline secrets of this file to .env', false],
    ]);
  });

  it('DC040: the copies of a secret move together (the password in DATABASE_URL to the same database); a copy that stays makes the move not safe', () => {
    const app = `${db}  app:\n    image: ghcr.io/acme/app:1.0.0\n    environment:\n      DATABASE_URL: postgres://app:s3cr3t-Pa55word@db/app\n`;
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': app }), [
      ['Move POSTGRES_PASSWORD and its copy to .env', true],
      ['Move JWT_SECRET to .env', true],
      ['Move the password of DATABASE_URL and its copy to .env', true],
      ['Move all 3 inline secrets of this file to .env', true],
    ]);
    // redis-cli -a in a healthcheck repeats --requirepass: after the move, changing .env would make the healthcheck fail.
    const redis = 'services:\n  cache:\n    image: redis:7-alpine\n    command: ["redis-server", "--requirepass", "s3cr3tRedisPassw0rd"]\n    healthcheck:\n      test: ["CMD", "redis-cli", "-a", "s3cr3tRedisPassw0rd", "ping"]\n';
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': redis }), [['Move the --requirepass password to .env', false]]);
  });

  it('DC040: not safe when the value stays elsewhere in the file (the password in an app configuration block: Kestra)', () => {
    const kestra = `${db}  kestra:\n    image: kestra/kestra:v0.23.0\n    environment:\n      KESTRA_CONFIGURATION: |\n        datasources:\n          postgres:\n            password: s3cr3t-Pa55word\n`;
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': kestra }).map(([, safe]) => safe), [false, true, false]);
    // Review 39a #6: a value of MIN_COPY_LENGTH characters or more is a copy wherever it stands, also inside a longer word.
    const longer = `${db}  kestra:\n    image: kestra/kestra:v0.23.0\n    environment:\n      NOTE: s3cr3t-Pa55word2 is another value\n`;
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': longer }).map(([, safe]) => safe), [false, true, false], 'a longer word that contains a long value holds a copy');
    const short = 'services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD: pgpass99\n      JWT_SECRET: jwt-s3cr3t-0123456789\n';
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': `${short}      NOTE: see pgpass99x\n` }).map(([, safe]) => safe), [true, true, true], 'a short value inside a longer word is not a copy');
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': `${short}    healthcheck:\n      test: mysqladmin ping -uroot -ppgpass99\n` }).map(([, safe]) => safe), [false, true, false], 'a short value attached to a one-letter option is one');
  });

  it('DC040: a copy without a separator before it stays a copy: mongosh -p<password> in a healthcheck, a label, an x- field (review 39a #6)', () => {
    const mongo = 'services:\n  mongo:\n    image: mongo:8.0\n    environment:\n      MONGO_INITDB_ROOT_PASSWORD: MongoPw_R6c_long\n';
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': mongo }), [['Move MONGO_INITDB_ROOT_PASSWORD to .env', true]]);
    const healthcheck = `${mongo}    healthcheck:\n      test: mongosh -u root -pMongoPw_R6c_long --eval 'db.runCommand("ping")'\n`;
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': healthcheck }), [['Move MONGO_INITDB_ROOT_PASSWORD to .env', false]]);
    const label = `${mongo}    labels:\n      backup.auth: root:MongoPw_R6c_long@mongo\n`;
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': label }), [['Move MONGO_INITDB_ROOT_PASSWORD to .env', false]]);
    const xField = `x-note: pwMongoPw_R6c_long\n${mongo}`;
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': xField }), [['Move MONGO_INITDB_ROOT_PASSWORD to .env', false]]);
  });

  it('DC040: not safe when a service extends a file in another folder that reads the name, loads the .env through an env_file of that file, or loads an env file whose path is interpolated (review 39b F2, F3)', () => {
    const app = 'services:\n  app:\n    image: ghcr.io/acme/app:1.0.0\n    environment:\n      API_TOKEN: tok_live_abcdef123\n  plugin:\n    extends:\n      file: common/base.yml\n      service: base\n';
    const base = (extra: string) => `services:\n  base:\n    image: ghcr.io/other/plugin:2.0.0\n${extra}`;
    const env = { '/p/.env': 'TZ=UTC\n', '/p/.gitignore': '.env\n' };
    assert.deepEqual(dc040Fixes({ ...env, '/p/compose.yaml': app, '/p/common/base.yml': base('    environment:\n      TZ: ${TZ}\n') }), [['Move API_TOKEN to .env', true]]);
    assert.deepEqual(dc040Fixes({ ...env, '/p/compose.yaml': app, '/p/common/base.yml': base('    environment:\n      UPSTREAM_TOKEN: ${API_TOKEN:-none}\n') }), [['Move API_TOKEN to .env', false]], 'the base reads ${API_TOKEN}');
    assert.deepEqual(dc040Fixes({ ...env, '/p/compose.yaml': app, '/p/common/base.yml': base('    environment:\n      - API_TOKEN\n') }), [['Move API_TOKEN to .env', false]], 'the base passes API_TOKEN through');
    assert.deepEqual(dc040Fixes({ ...env, '/p/compose.yaml': app, '/p/common/base.yml': base('    env_file: ../.env\n') }), [["Move API_TOKEN to .env (service 'plugin' loads .env as env_file and would get it)", false]], 'env_file: ../.env, from the base\'s folder');
    assert.deepEqual(dc040Fixes({ ...env, '/p/compose.yaml': app, '/p/common/base.yml': base('    env_file: .env\n'), '/p/common/.env': 'X=1\n' }), [['Move API_TOKEN to .env', true]], 'env_file: .env of the base\'s own folder is another file');
    assert.deepEqual(dc040Fixes({ ...env, '/p/compose.yaml': app, '/p/common/base.yml': base('    env_file: "${PWD}/.env"\n') }), [["Move API_TOKEN to .env (service 'plugin' loads ${PWD}/.env as env_file and may get it)", false]], 'an env_file path that cannot be resolved');
    assert.deepEqual(dc040Fixes({ ...env, '/p/compose.yaml': app }), [['Move API_TOKEN to .env', false]], 'an extends: that cannot be read');
    const own = 'services:\n  app:\n    image: ghcr.io/acme/app:1.0.0\n    environment:\n      API_TOKEN: tok_live_abcdef123\n  plugin:\n    image: ghcr.io/other/plugin:2.0.0\n    env_file: "${PWD}/.env"\n';
    assert.deepEqual(dc040Fixes({ ...env, '/p/compose.yaml': own }), [["Move API_TOKEN to .env (service 'plugin' loads ${PWD}/.env as env_file and may get it)", false]], 'in the same file');
  });

  it('DC040: not safe when a secret or config is made from the variable, or a compose file beside the .env passes it through or loads the .env (review 39: names read without ${…})', () => {
    const app = 'services:\n  app:\n    image: ghcr.io/acme/app:1.0.0\n    environment:\n      API_TOKEN: tok_live_abcdef123\n';
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': app }), [['Move API_TOKEN to .env', true]]);
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': `${app}secrets:\n  tok:\n    environment: API_TOKEN\n` }), [['Move API_TOKEN to .env (a top-level secret or config reads ${API_TOKEN} and would get it)', false]], 'secrets.*.environment');
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': `${app}configs:\n  tok:\n    environment: "API_TOKEN"\n` }), [['Move API_TOKEN to .env (a top-level secret or config reads ${API_TOKEN} and would get it)', false]], 'configs.*.environment');
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': `${app}secrets:\n  tok:\n    environment: OTHER_TOKEN\n` }), [['Move API_TOKEN to .env', true]], 'another name');
    const worker = (extra: string) => ({ '/p/compose.yaml': app, '/p/compose.worker.yaml': `services:\n  w:\n    image: ghcr.io/acme/w:1.0.0\n${extra}` });
    assert.deepEqual(dc040Fixes(worker('    environment:\n      - API_TOKEN\n')), [['Move API_TOKEN to .env', false]], 'a sibling passes it through');
    assert.deepEqual(dc040Fixes(worker('    env_file: .env\n')), [['Move API_TOKEN to .env', false]], 'a sibling loads the .env');
    assert.deepEqual(dc040Fixes(worker('    env_file: w.env\n    environment:\n      - OTHER\n')), [['Move API_TOKEN to .env', true]], 'a sibling that does neither');
  });

  it('DC040: a credential that tools and CI jobs read from the shell moves under a name of its own (an exported GITHUB_TOKEN wins over .env: review probe pj-03; review51a, finding 9)', () => {
    const releaser = 'services:\n  releaser:\n    image: ghcr.io/acme/releaser:1.0.0\n    environment:\n      GITHUB_TOKEN: ghp_R3leaseB0tT0kenAbCdEfGhIjKlMnOpQrSt\n      RELEASE_SIGNING_KEY: k3y-0123456789abcdef\n';
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': releaser }), [
      ['Move GITHUB_TOKEN to .env as RELEASER_GITHUB_TOKEN', true],
      ['Move RELEASE_SIGNING_KEY to .env', true],
      ['Move all 2 inline secrets of this file to .env', true],
    ]);
    // The database clients' own variables (libpq's PGPASSWORD, the mysql client's MYSQL_PWD, redis-cli's REDISCLI_AUTH), also in list form.
    const clients = 'services:\n  tools:\n    image: ghcr.io/acme/tools:1.0.0\n    environment:\n      - PGPASSWORD=Pg-Cl1ent-Pw-0123\n      - MYSQL_PWD=My-Cl1ent-Pw-4567\n      - "REDISCLI_AUTH=Rc-Cl1ent-Pw-89ab"\n';
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': clients }), [
      ['Move PGPASSWORD to .env as TOOLS_PGPASSWORD', true],
      ['Move MYSQL_PWD to .env as TOOLS_MYSQL_PWD', true],
      ['Move REDISCLI_AUTH to .env as TOOLS_REDISCLI_AUTH', true],
      ['Move all 3 inline secrets of this file to .env', true],
    ]);
    // A default reads the user's variable (`${PGPASSWORD:-…}`): it keeps its name, and its move is never safe.
    const fallback = 'services:\n  tools:\n    image: ghcr.io/acme/tools:1.0.0\n    environment:\n      PGPASSWORD: ${PGPASSWORD:-Pg-Cl1ent-Pw-0123}\n';
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': fallback }), [['Move the default of PGPASSWORD to .env', false]]);
  });

  it('DC040: a template placeholder is not moved by fix-all (netmaker installs with sed -i s/REPLACE_MASTER_KEY/…/ on the compose file: review 8, probe dc-04)', () => {
    // Under a credential's own name it is no DC040 finding at all: DC041 reports it as used as written (review 47b, finding 3).
    const netmaker = 'services:\n  netmaker:\n    image: gravitl/netmaker:v0.14.5\n    environment:\n      MASTER_KEY: "REPLACE_MASTER_KEY"\n      SERVER_SIGNING_KEY: k3y-0123456789abcdef\n';
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': netmaker }), [['Move SERVER_SIGNING_KEY to .env', true]]);
    // The tokens install scripts substitute (review 9, probe 08): no DC040 finding either.
    for (const token of ['__POSTGRES_PASSWORD__', '%DB_PASS%', '@DB_SECRET@', 'TO_BE_REPLACED']) {
      const text = `services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD: "${token}"\n`;
      assert.deepEqual(dc040Fixes({ '/p/compose.yaml': text }), [], token);
    }
    // In a connection string the placeholder is still reported, and its move stays a quick fix.
    const url = 'services:\n  app:\n    image: ghcr.io/acme/app:1.0.0\n    environment:\n      DATABASE_URL: postgres://app:REPLACE_ME@db/app\n';
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': url }).map(([, safe]) => safe), [false]);
  });

  it('DC040: a Swarm stack file moves secrets only as a quick fix (docker stack deploy does not read .env: review 9, probe dc-01)', () => {
    const agent = '    image: datadog/agent:7.60.1\n    environment:\n      DD_APM_TOKEN: 853acafbe34d1c1512fc01a41b78015e\n';
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': `networks:\n  datadog:\n    driver: overlay\nservices:\n  agent:\n${agent}` }), [['Move DD_APM_TOKEN to .env', false]], 'overlay network');
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': `services:\n  agent:\n${agent}    deploy:\n      mode: global\n` }), [['Move DD_APM_TOKEN to .env', false]], 'global mode');
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': `services:\n  agent:\n${agent}    deploy:\n      placement:\n        constraints: [node.role == manager]\n` }), [['Move DD_APM_TOKEN to .env', false]], 'placement');
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': `services:\n  agent:\n${agent}    deploy:\n      resources:\n        limits: {memory: 512M}\n` }), [['Move DD_APM_TOKEN to .env', true]], 'resource limits alone are Compose too');
    // Review 10 (probe 04): settings only Swarm acts on, and a file named for `docker stack deploy`.
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': `services:\n  agent:\n${agent}    deploy:\n      update_config: {parallelism: 1}\n` }), [['Move DD_APM_TOKEN to .env', false]], 'update_config');
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': `services:\n  agent:\n${agent}    deploy:\n      labels: [traefik.enable=true]\n` }), [['Move DD_APM_TOKEN to .env', false]], 'deploy.labels');
    const stackFile = `services:\n  agent:\n${agent}`;
    const set: FileSet = new Map([['/p/docker-stack.yml', stackFile]]);
    const analysis = analyze(allRules, 'compose', '/p/docker-stack.yml', stackFile, viewOf(set), DEFAULT_CONFIG);
    const f = analysis.findings.find((x) => x.code === 'DC040')!;
    assert.equal(fixFinding(allRules, analysis.context, f)?.safe, false, 'docker-stack.yml');
    assert.match(f.message, /this is a Swarm stack, whose deploy reads no \.env: pass it as a Docker secret/, 'the message says where it goes (probe 05)');
    // Review 11 (probe 18): an external secret exists only in a swarm; a compose file named *-stack.yml is not a stack by its name.
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': `services:\n  agent:\n${agent}secrets:\n  api:\n    external: true\n` }), [['Move DD_APM_TOKEN to .env', false]], 'external secret');
    const elk = new Map([['/p/docker-compose.elk-stack.yml', stackFile]]);
    const elkAnalysis = analyze(allRules, 'compose', '/p/docker-compose.elk-stack.yml', stackFile, viewOf(elk), DEFAULT_CONFIG);
    assert.equal(fixFinding(allRules, elkAnalysis.context, elkAnalysis.findings.find((x) => x.code === 'DC040')!)?.safe, true, 'docker-compose.elk-stack.yml');
  });

  it('DC040 (review 5): no move of a number (YAML resolves it: 0x1F2E3D4C is 523124044) or of a value ending in a backslash (no .env spelling); not safe when another service passes the name through or its env_file reads it, across include:, or when a copy follows a YAML escape', () => {
    const titles = (text: string, extra: Record<string, string> = {}) => dc040Fixes({ '/p/compose.yaml': text, ...extra });
    const number = 'services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD: 0x1F2E3D4C\n      JWT_SECRET: jwt-s3cr3t-0123456789\n';
    assert.deepEqual(titles(number).map(([t]) => t), ['Move JWT_SECRET to .env'], 'the number is reported, not moved');
    const backslash = 'services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD: Xq7vR2kLp9\\\n      JWT_SECRET: jwt-s3cr3t-0123456789\n';
    assert.deepEqual(titles(backslash).map(([t]) => t), ['Move JWT_SECRET to .env']);
    const passthrough = `${db}  pgadmin:\n    image: dpage/pgadmin4:9.0\n    environment:\n      - POSTGRES_PASSWORD\n`;
    // "Move all" leaves POSTGRES_PASSWORD out (pgadmin passes it through: review 47a, F4), and with one secret left is not offered.
    assert.deepEqual(titles(passthrough).map(([, safe]) => safe), [false, true]);
    const envFileReads = `${db}  app:\n    image: ghcr.io/acme/app:1.0.0\n    env_file: app.env\n`;
    assert.deepEqual(titles(envFileReads, { '/p/app.env': 'DB_PW=${POSTGRES_PASSWORD:-none}\n' }).map(([, safe]) => safe), [false, true, false]);
    assert.deepEqual(titles(envFileReads, { '/p/app.env': 'POSTGRES_PASSWORD\n' }).map(([, safe]) => safe), [false, true, false]);
    const including = `include:\n  - sub/compose.yaml\n${db}`;
    assert.deepEqual(titles(including, { '/p/sub/compose.yaml': 'services:\n  x:\n    image: alpine:3.22\n' }).map(([, safe]) => safe), [false, false, false]);
    const escaped = `${db}  web:\n    image: nginx:1.30-alpine\n    labels:\n      note: "rotated\\ns3cr3t-Pa55word"\n`;
    assert.deepEqual(titles(escaped).map(([, safe]) => safe), [false, true, false]);
  });

  it('DC040: two stores that share a value keep their own names (Dify: Redis and Postgres both default to difyai123456)', () => {
    const files = { '/p/compose.yaml': 'services:\n  db:\n    image: postgres:16-alpine\n    environment:\n      POSTGRES_PASSWORD: difyai123456\n  redis:\n    image: redis:6-alpine\n    command: redis-server --requirepass difyai123456\n' };
    const set: FileSet = new Map(Object.entries(files));
    const analysis = analyze(allRules, 'compose', '/p/compose.yaml', set.get('/p/compose.yaml')!, viewOf(set), DEFAULT_CONFIG);
    const fixes = analysis.findings.filter((f) => f.code === 'DC040').map((f) => fixFinding(allRules, analysis.context, f)!);
    const edits = fixes.map((f) => (f.changes[0].kind === 'edit' ? f.changes[0].edits.map((e) => e.newText) : []));
    assert.deepEqual(edits, [['${POSTGRES_PASSWORD}'], ['${REDIS_PASSWORD}']]);
  });

  it('DC040: not safe when the same file reads the name elsewhere (it would get the value where it was unset); safe when .env already holds that value', () => {
    const reads = `${db}  app:\n    image: ghcr.io/acme/app:1.0.0\n    environment:\n      DATABASE_URL: postgres://app:\${POSTGRES_PASSWORD}@db/app\n`;
    // "Move all" leaves POSTGRES_PASSWORD, which app reads (review 45a, item 3): one secret to move, so it is not offered.
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': reads }).map(([, safe]) => safe), [false, true]);
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': reads, '/p/.env': 'POSTGRES_PASSWORD=s3cr3t-Pa55word\n', '/p/.gitignore': '.env\n' }).map(([, safe]) => safe), [true, true, true]);
  });

  it('DC040: not safe when the .env it writes exists and git does not ignore it (it may be committed, and ignoring it now would not untrack it)', () => {
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': db, '/p/.env': 'COMPOSE_PROJECT_NAME=app\n' }).map(([, safe]) => safe), [false, false, false]);
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': db, '/p/.env': 'COMPOSE_PROJECT_NAME=app\n', '/p/.gitignore': '.env\n' }).map(([, safe]) => safe), [true, true, true]);
    assert.deepEqual(dc040Fixes({ '/p/compose.yaml': db }).map(([, safe]) => safe), [true, true, true], 'a .env the fix creates is ignored by the same fix');
  });

  it('DC040: not safe when another service loads that .env as its env_file (the secret would reach its containers too); safe when only the same service does', () => {
    const web = `${db}  web:\n    image: ghcr.io/acme/web:1.0.0\n    env_file: .env\n`;
    const files = { '/p/.env': 'WEB_CONCURRENCY=2\n', '/p/.gitignore': '.env\n' };
    assert.deepEqual(dc040Fixes({ ...files, '/p/compose.yaml': web }).map(([, safe]) => safe), [false, false, false]);
    const own = db.replace('    environment:\n', '    env_file: [.env]\n    environment:\n');
    assert.deepEqual(dc040Fixes({ ...files, '/p/compose.yaml': own }).map(([, safe]) => safe), [true, true, true]);
    const other = `${db}  web:\n    image: ghcr.io/acme/web:1.0.0\n    env_file: web.env\n`;
    assert.deepEqual(dc040Fixes({ ...files, '/p/web.env': 'X=1\n', '/p/compose.yaml': other }).map(([, safe]) => safe), [true, true, true]);
  });

  it('DF020: moving an ENV secret to .env is not safe when a compose file beside that .env already reads the name', () => {
    const files: FileSet = new Map([
      ['/d/Dockerfile', 'FROM node:24-alpine\nENV API_TOKEN=tok_live_abcdef123456\nCMD ["node", "server.js"]\n'],
      ['/d/compose.yaml', 'services:\n  api:\n    build: .\n'],
    ]);
    const safeOf = (set: FileSet) => {
      const analysis = analyze(allRules, 'dockerfile', '/d/Dockerfile', set.get('/d/Dockerfile')!, viewOf(set), DEFAULT_CONFIG);
      const f = analysis.findings.find((x) => x.code === 'DF020')!;
      const fix = fixFinding(allRules, analysis.context, f)!;
      assert.match(fix.title, /^Move API_TOKEN to \.env/);
      return fix.safe;
    };
    assert.equal(safeOf(files), true);
    assert.equal(safeOf(new Map([...files, ['/d/compose.worker.yaml', 'services:\n  worker:\n    image: ghcr.io/acme/worker:1.0.0\n    environment:\n      TOKEN: ${API_TOKEN}\n']])), false);
  });
});

describe('DC041: the generated password reaches the copies DC040 finds (review 41c, item 3)', () => {
  /** The Docker Hub mongo example: mongo-express has the password in ME_CONFIG_MONGODB_ADMINPASSWORD and in its URL. */
  const mongo =
    'services:\n  mongo:\n    image: mongo\n    restart: always\n    environment:\n      MONGO_INITDB_ROOT_USERNAME: root\n      MONGO_INITDB_ROOT_PASSWORD: example\n\n' +
    '  mongo-express:\n    image: mongo-express\n    restart: always\n    ports:\n      - 8081:8081\n    environment:\n      ME_CONFIG_MONGODB_ADMINUSERNAME: root\n' +
    '      ME_CONFIG_MONGODB_ADMINPASSWORD: example\n      ME_CONFIG_MONGODB_URL: mongodb://root:example@mongo:27017/\n      ME_CONFIG_BASICAUTH: false\n';
  function dc041Fix(text: string) {
    const set: FileSet = new Map([['/p/compose.yaml', text]]);
    const analysis = analyze(allRules, 'compose', '/p/compose.yaml', text, viewOf(set), DEFAULT_CONFIG);
    const findings = analysis.findings.filter((f) => f.code === 'DC041');
    assert.equal(findings.length, 1, 'DC041 reports the database, not its client again');
    return fixFinding(allRules, analysis.context, findings[0])!;
  }

  it('rewrites the URL to ${MONGO_INITDB_ROOT_PASSWORD} as DC040 does, and the title names the copy it cannot rewrite (never the value); still not safe', () => {
    const fix = dc041Fix(mongo);
    assert.equal(fix.title, 'Replace MONGO_INITDB_ROOT_PASSWORD and its copy with a generated password in .env (ME_CONFIG_MONGODB_ADMINPASSWORD on line 16 keeps the old value: update it)');
    assert.equal(fix.safe, false);
    const compose = fix.changes.find((c) => c.kind === 'edit' && c.path === '/p/compose.yaml');
    assert.ok(compose && compose.kind === 'edit');
    assert.deepEqual(
      compose.edits.map((e) => [e.range.start.line, e.newText]),
      [
        [6, '${MONGO_INITDB_ROOT_PASSWORD}'],
        [16, '${MONGO_INITDB_ROOT_PASSWORD}'],
      ],
    );
    assert.doesNotMatch(fix.title, /example/);
  });

  it('with the URL only, nothing keeps the old value', () => {
    const fix = dc041Fix(mongo.replace('      ME_CONFIG_MONGODB_ADMINPASSWORD: example\n', ''));
    assert.equal(fix.title, 'Replace MONGO_INITDB_ROOT_PASSWORD and its copy with a generated password in .env');
  });
});

describe('review 42d: moving secrets to .env', () => {
  /** The DC040 fixes of /p/compose.yaml among `files`: [title, safe] (single fixes, then move-all). */
  function dc040(files: Record<string, string>, target = '/p/compose.yaml'): [string, boolean][] {
    const set: FileSet = new Map(Object.entries(files));
    const analysis = analyze(allRules, 'compose', target, set.get(target)!, viewOf(set), DEFAULT_CONFIG);
    const findings = analysis.findings.filter((f) => f.code === 'DC040');
    const fixes = findings.map((f) => fixFinding(allRules, analysis.context, f)).filter((f) => f !== undefined);
    const all = findings.length > 0 ? ruleByCode('DC040')!.moreFixes!(analysis.context as ComposeContext, findings[0])[0] : undefined;
    return [...fixes, ...(all ? [all] : [])].map((f) => [f.title, f.safe]);
  }

  it('item 1: a copy written with $$ for each $ (Compose reads pa$$w0rd as pa$w0rd) keeps the move a quick fix, as a copy written plainly does', () => {
    const db = (password: string, copy: string) =>
      `services:\n  db:\n    image: postgres:17.2-alpine\n    environment:\n      POSTGRES_PASSWORD: ${password}\n    healthcheck:\n      test: ["CMD-SHELL", "psql postgresql://postgres:${copy}@localhost/postgres -c 'select 1'"]\n`;
    assert.deepEqual(dc040({ '/p/compose.yaml': db('pa-w0rd-Xk9Lm', 'pa-w0rd-Xk9Lm') }), [['Move POSTGRES_PASSWORD to .env', false]], 'the control, without $');
    assert.deepEqual(dc040({ '/p/compose.yaml': db('pa$$w0rd-Xk9Lm', 'pa$$w0rd-Xk9Lm') }), [['Move POSTGRES_PASSWORD to .env', false]], 'the copy written with $$');
    assert.deepEqual(dc040({ '/p/compose.yaml': db('pa$$w0rd-Xk9Lm', 'other-Xk9Lm-pw') }), [['Move POSTGRES_PASSWORD to .env', true]], 'no copy: safe');
    // A short value ($$ spelling of 9 characters) as a word of its own, and the spellings the dry run masks: \$, YAML's escapes in double quotes.
    const short = 'services:\n  db:\n    image: postgres:17.2-alpine\n    environment:\n      POSTGRES_PASSWORD: pw$$Xk9q\n';
    assert.deepEqual(dc040({ '/p/compose.yaml': short }), [['Move POSTGRES_PASSWORD to .env', true]]);
    assert.deepEqual(dc040({ '/p/compose.yaml': `${short}    healthcheck:\n      test: pg_isready -p pw$$Xk9q\n` }), [['Move POSTGRES_PASSWORD to .env', false]], '$$, a word of its own');
    assert.deepEqual(dc040({ '/p/compose.yaml': `${short}    labels:\n      note: echo pw\\$Xk9q\n` }), [['Move POSTGRES_PASSWORD to .env', false]], '\\$, as a Dockerfile or a shell escapes it');
    assert.deepEqual(dc040({ '/p/compose.yaml': `${short}    labels:\n      note: "pw\\x24Xk9q"\n` }), [['Move POSTGRES_PASSWORD to .env', false]], 'YAML \\x24 in double quotes');
    assert.deepEqual(dc040({ '/p/compose.yaml': `${short}    labels:\n      note: "rotated\\tpw\\u0024Xk9q"\n` }), [['Move POSTGRES_PASSWORD to .env', false]], 'YAML \\u0024 after an escape');
    assert.deepEqual(dc040({ '/p/compose.yaml': `${short}    labels:\n      note: "pw\\x24Xk9qz"\n` }), [['Move POSTGRES_PASSWORD to .env', true]], 'a short value inside a longer word is no copy, decoded too');
  });

  it('item 1: move-all is not safe either while a $$ copy stays', () => {
    const text = 'services:\n  db:\n    image: postgres:17.2-alpine\n    environment:\n      POSTGRES_PASSWORD: pa$$w0rd-Xk9Lm\n      JWT_SECRET: jwt-s3cr3t-0123456789\n    labels:\n      backup: "pa$$w0rd-Xk9Lm"\n';
    assert.deepEqual(dc040({ '/p/compose.yaml': text }), [
      ['Move POSTGRES_PASSWORD to .env', false],
      ['Move JWT_SECRET to .env', true],
      ['Move all 2 inline secrets of this file to .env', false],
    ]);
  });

  it('item 3: the .gitignore line is escaped as DR001 writes it, and the file is ignored by it; a name no line can ignore gets no fix', () => {
    const included = (name: string) => ({
      '/p/compose.yaml': `include:\n  - path: db/compose.yaml\n    env_file: ${JSON.stringify(`db/${name}`)}\n`,
      '/p/db/compose.yaml': 'services:\n  app:\n    image: ghcr.io/acme/app:1.0.0\n    environment:\n      API_TOKEN: tok_9fK2mQ7xV4nL8pW3\n',
      [`/p/db/${name}`]: 'LOG=info\n',
    });
    const gitignoreOf = (name: string) => {
      const set: FileSet = new Map(Object.entries(included(name)));
      const analysis = analyze(allRules, 'compose', '/p/db/compose.yaml', set.get('/p/db/compose.yaml')!, viewOf(set), DEFAULT_CONFIG);
      const fix = fixFinding(allRules, analysis.context, analysis.findings.find((f) => f.code === 'DC040')!);
      if (!fix) return undefined;
      const change = fix.changes.find((c) => c.path === '/p/db/.gitignore');
      assert.ok(change && change.kind === 'create', name);
      return change.content;
    };
    // Anchored to the .gitignore's folder (review 47a, F3): after the `/`, a `#` or `!` needs no escape.
    const lines: [string, string][] = [
      ['#prod.env', '/#prod.env\n'],
      ['!prod.env', '/!prod.env\n'],
      ['[x].env', '/\\[x\\].env\n'],
      ['*.env', '/\\*.env\n'],
      ['a?.env', '/a\\?.env\n'],
      ['prod.env ', '/prod.env\\ \n'],
      ['back\\slash.env', '/back\\\\slash.env\n'],
      ['prod.env', '/prod.env\n'],
      ['.env', '.env\n'],
    ];
    for (const [name, line] of lines) assert.equal(gitignoreOf(name), line, name);
    // A line break in the name: no .gitignore line matches it (git reads two patterns), so nothing is written there.
    assert.equal(gitignoreOf('a\nb.env'), undefined, 'a line break');
    assert.equal(gitignoreOf('prod.env\r'), undefined, 'a trailing CR (git drops it from the line)');
    // DC041's generated password for an inline value goes through the same companion edit.
    const set: FileSet = new Map([
      ['/p/compose.yaml', 'include:\n  - path: db/compose.yaml\n    env_file: "db/a\\nb.env"\n'],
      ['/p/db/compose.yaml', 'services:\n  db:\n    image: postgres:17.2-alpine\n    environment:\n      POSTGRES_PASSWORD: postgres\n'],
      ['/p/db/a\nb.env', 'LOG=info\n'],
    ]);
    const analysis = analyze(allRules, 'compose', '/p/db/compose.yaml', set.get('/p/db/compose.yaml')!, viewOf(set), DEFAULT_CONFIG);
    assert.equal(fixFinding(allRules, analysis.context, analysis.findings.find((f) => f.code === 'DC041')!), undefined, 'DC041 writes no password there');
  });

  /** The DC041 fix of the only DC041 finding: title and the new text of .env. */
  function dc041(files: Record<string, string>): { title: string; dotenv: string | undefined } {
    const set: FileSet = new Map(Object.entries(files));
    const analysis = analyze(allRules, 'compose', '/p/compose.yaml', set.get('/p/compose.yaml')!, viewOf(set), DEFAULT_CONFIG);
    const findings = analysis.findings.filter((f) => f.code === 'DC041');
    assert.equal(findings.length, 1, findings.map((f) => f.message).join('\n'));
    const fix = fixFinding(allRules, analysis.context, findings[0])!;
    assert.equal(fix.safe, false);
    const after = applyFix(set, fix);
    return { title: fix.title, dotenv: after.get('/p/.env') };
  }
  const store = 'services:\n  db:\n    image: postgres:17.2-alpine\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n';
  const app = '  app:\n    image: ghcr.io/acme/app:1.0.0\n    environment:\n      DB_PASSWORD: ${APP_DB_PASSWORD}\n      DATABASE_URL: postgres://postgres:${APP_DB_PASSWORD}@db:5432/postgres\n';
  const env = { '/p/.env': 'POSTGRES_PASSWORD=postgres\nAPP_DB_PASSWORD=postgres\n', '/p/.gitignore': '.env\n' };
  const pw = 'generated-postgres-password-secret';

  it('item 2: a client copy in another .env variable gets the same new password in the same edit, and the title says so', () => {
    assert.deepEqual(dc041({ ...env, '/p/compose.yaml': store + app }), {
      title: 'Replace POSTGRES_PASSWORD in .env with a generated password, also as APP_DB_PASSWORD',
      dotenv: `POSTGRES_PASSWORD=${pw}\nAPP_DB_PASSWORD=${pw}\n`,
    });
    // Inline on the store: moved to .env with the new password, the client's variable too.
    assert.deepEqual(dc041({ '/p/.env': 'APP_DB_PASSWORD=postgres\n', '/p/.gitignore': '.env\n', '/p/compose.yaml': store.replace('${POSTGRES_PASSWORD}', 'postgres') + app }), {
      title: 'Replace POSTGRES_PASSWORD with a generated password in .env, also as APP_DB_PASSWORD',
      dotenv: `APP_DB_PASSWORD=${pw}\nPOSTGRES_PASSWORD=${pw}\n`,
    });
  });

  it('item 2: a copy that something else reads too, or that is a copy of two passwords, is named in the title and kept', () => {
    const kept = (title: string) => ({ title, dotenv: `POSTGRES_PASSWORD=${pw}\nAPP_DB_PASSWORD=postgres\n` });
    const named = 'Replace POSTGRES_PASSWORD in .env with a generated password (APP_DB_PASSWORD in .env keeps the old value: update it)';
    const worker = '  worker:\n    image: ghcr.io/acme/worker:1.0.0\n    environment:\n      LEGACY_TOKEN: ${APP_DB_PASSWORD}\n';
    assert.deepEqual(dc041({ ...env, '/p/compose.yaml': store + app + worker }), kept(named), 'another service reads it');
    assert.deepEqual(dc041({ ...env, '/p/compose.yaml': `${store}${app}x-note: \${APP_DB_PASSWORD}\n` }), kept(named), 'read outside the services');
    assert.deepEqual(dc041({ ...env, '/p/compose.yaml': store + app, '/p/compose.tools.yaml': `services:\n${worker}` }), kept(named), 'a compose file beside the .env reads it');
    assert.deepEqual(dc041({ ...env, '/p/compose.yaml': `${store + app}  tools:\n    image: ghcr.io/acme/tools:1.0.0\n    env_file: .env\n` }), kept(named), 'another service loads the .env whole');
    assert.deepEqual(dc041({ ...env, '/p/compose.yaml': `${store + app}secrets:\n  db:\n    environment: APP_DB_PASSWORD\n` }), kept(named), 'a secret is made from it');
    // A copy taken from another variable in .env (`APP_DB_PASSWORD=${PW}`): rewriting it would split it from PW.
    assert.deepEqual(dc041({ '/p/.env': 'PW=postgres\nPOSTGRES_PASSWORD=postgres\nAPP_DB_PASSWORD=${PW}\n', '/p/.gitignore': '.env\n', '/p/compose.yaml': store + app }), {
      title: named,
      dotenv: `PW=postgres\nPOSTGRES_PASSWORD=${pw}\nAPP_DB_PASSWORD=\${PW}\n`,
    });
  });

  it('item 2: a copy taken from the replaced variable follows it: neither rewritten nor named', () => {
    assert.deepEqual(dc041({ '/p/.env': 'POSTGRES_PASSWORD=postgres\nAPP_DB_PASSWORD=${POSTGRES_PASSWORD}\n', '/p/.gitignore': '.env\n', '/p/compose.yaml': store + app }), {
      title: 'Replace POSTGRES_PASSWORD in .env with a generated password',
      dotenv: `POSTGRES_PASSWORD=${pw}\nAPP_DB_PASSWORD=\${POSTGRES_PASSWORD}\n`,
    });
  });

  it('item 2: a copy of two passwords of the store with the same value (root and the app user) is named, not rewritten, on both', () => {
    const mysql = 'services:\n  db:\n    image: mysql:8.4\n    environment:\n      MYSQL_ROOT_PASSWORD: ${MYSQL_ROOT_PASSWORD}\n      MYSQL_USER: wp\n      MYSQL_PASSWORD: ${MYSQL_PASSWORD}\n  wordpress:\n    image: wordpress:6.8\n    environment:\n      WORDPRESS_DB_PASSWORD: ${WP_DB_PASSWORD}\n';
    const files = { '/p/.env': 'MYSQL_ROOT_PASSWORD=secret\nMYSQL_PASSWORD=secret\nWP_DB_PASSWORD=secret\n', '/p/.gitignore': '.env\n', '/p/compose.yaml': mysql };
    const set: FileSet = new Map(Object.entries(files));
    const analysis = analyze(allRules, 'compose', '/p/compose.yaml', mysql, viewOf(set), DEFAULT_CONFIG);
    const titles = analysis.findings.filter((f) => f.code === 'DC041').map((f) => fixFinding(allRules, analysis.context, f)!.title);
    assert.deepEqual(titles, [
      'Replace MYSQL_ROOT_PASSWORD in .env with a generated password (WP_DB_PASSWORD in .env keeps the old value: update it)',
      'Replace MYSQL_PASSWORD in .env with a generated password (WP_DB_PASSWORD in .env keeps the old value: update it)',
    ]);
  });
});

describe('DC050: scram-sha-256 is not safe while the file runs PostgreSQL 9 tools (review 10, probe dc-08)', () => {
  const flag = (text: string) => {
    const set: FileSet = new Map([['/p/compose.yaml', text]]);
    const analysis = analyze(allRules, 'compose', '/p/compose.yaml', text, viewOf(set), DEFAULT_CONFIG);
    const f = analysis.findings.find((x) => x.code === 'DC050');
    assert.ok(f, 'DC050 fires');
    return fixFinding(allRules, analysis.context, f)?.safe;
  };
  const db = 'services:\n  db:\n    image: postgres:12.22\n    environment:\n      POSTGRES_PASSWORD: ${DB_PASSWORD}\n    volumes:\n      - pgdata:/var/lib/postgresql/data\n';
  it('a pg_dump job on postgres:9.6 cannot answer SCRAM: quick fix only', () => {
    assert.equal(flag(`${db}  backup:\n    image: postgres:9.6.24-alpine\n    entrypoint: ["sh", "-c", "pg_dump -h db -U postgres postgres > /backup/dump.sql"]\nvolumes:\n  pgdata:\n`), false);
  });
  it('also when the job builds FROM postgres:9.6 (review 11, probe 13)', () => {
    const text = `${db}  backup:\n    build: ./backup\n    entrypoint: ["sh", "-c", "pg_dump -h db -U postgres postgres > /backup/dump.sql"]\nvolumes:\n  pgdata:\n`;
    const set: FileSet = new Map([['/p/compose.yaml', text], ['/p/backup/Dockerfile', 'FROM postgres:9.6.24-alpine\nCOPY backup.sh /backup.sh\n']]);
    const analysis = analyze(allRules, 'compose', '/p/compose.yaml', text, viewOf(set), DEFAULT_CONFIG);
    const f = analysis.findings.find((x) => x.code === 'DC050')!;
    assert.equal(fixFinding(allRules, analysis.context, f)?.safe, false);
  });
  it('also when the job writes both image: and build: (the Dockerfile runs: review 12, probe 04)', () => {
    const text = `${db}  backup:\n    image: ghcr.io/acme/pg-backup:1.0.0\n    build: ./backup\nvolumes:\n  pgdata:\n`;
    const set: FileSet = new Map([['/p/compose.yaml', text], ['/p/backup/Dockerfile', 'FROM postgres:9.6.24-alpine\n']]);
    const analysis = analyze(allRules, 'compose', '/p/compose.yaml', text, viewOf(set), DEFAULT_CONFIG);
    assert.equal(fixFinding(allRules, analysis.context, analysis.findings.find((x) => x.code === 'DC050')!)?.safe, false);
  });
  it('nor while another service connects to it: its driver may predate SCRAM (review 24, probe dc-03)', () => {
    // A 2018 postgres_exporter (Go's lib/pq before 1.1) connecting by its DATA_SOURCE_NAME.
    assert.equal(flag(`${db}  exporter:\n    image: wrouesnel/postgres_exporter:v0.4.7\n    environment:\n      DATA_SOURCE_NAME: postgresql://postgres:\${DB_PASSWORD}@db:5432/postgres?sslmode=disable\nvolumes:\n  pgdata:\n`), false);
    assert.equal(flag(`${db}  app:\n    image: ghcr.io/acme/app:1.0\n    environment:\n      DB_HOST: db\nvolumes:\n  pgdata:\n`), false);
    assert.equal(flag(`${db}  app:\n    image: ghcr.io/acme/app:1.0\n    depends_on:\n      - db\nvolumes:\n  pgdata:\n`), false);
    // PostgreSQL's own tools from 10 on answer SCRAM.
    assert.equal(flag(`${db}  backup:\n    image: postgres:16.6-alpine\n    environment:\n      PGHOST: db\nvolumes:\n  pgdata:\n`), true);
  });
  it('nor when the client links to it, shares its network, or names it elsewhere (review 36, probes p35-p42)', () => {
    const v = 'volumes:\n  pgdata:\n';
    const app = '  app:\n    image: ghcr.io/acme/app:1.0\n';
    // A sidecar in its network namespace connects to localhost: initdb's 127.0.0.1 lines were trusted before.
    assert.equal(flag(`${db}  exporter:\n    image: quay.io/prometheuscommunity/postgres-exporter:v0.15.0\n    network_mode: "service:db"\n    environment:\n      DATA_SOURCE_NAME: postgresql://postgres@localhost:5432/postgres\n${v}`), false);
    assert.equal(flag(`${db}${app}    links:\n      - db:database\n${v}`), false);
    assert.equal(flag(`${db}${app}    command: ["./wait-for", "db:5432", "--", "./app"]\n${v}`), false);
    assert.equal(flag(`${db}    container_name: my-postgres\n${app}    environment:\n      DATABASE_URL: postgres://app:\${P}@my-postgres:5432/app\n${v}`), false);
    assert.equal(flag(`${db}    networks:\n      back:\n        aliases: [postgres.internal]\n${app}    environment:\n      DB_HOST: postgres.internal\n${v}networks:\n  back:\n`), false);
    // An env_file that cannot be read may hold the URL.
    assert.equal(flag(`${db}${app}    env_file: app.env\n${v}`), false);
  });
  it('nor when the client is in an env_file, the override file or the including file (review 36, probes p39, p45, p46)', () => {
    const safeIn = (files: FileSet, file: string) => {
      const analysis = analyze(allRules, 'compose', file, files.get(file)!, viewOf(files), DEFAULT_CONFIG);
      const f = analysis.findings.find((x) => x.code === 'DC050');
      assert.ok(f, `DC050 fires in ${file}`);
      return fixFinding(allRules, analysis.context, f)?.safe;
    };
    const app = 'services:\n  app:\n    image: ghcr.io/acme/app:1.0\n';
    assert.equal(safeIn(new Map([['/p/compose.yaml', `${db}  app:\n    image: ghcr.io/acme/app:1.0\n    env_file: app.env\nvolumes:\n  pgdata:\n`], ['/p/app.env', 'DATABASE_URL=postgres://app:x@db:5432/app\n']]), '/p/compose.yaml'), false);
    assert.equal(safeIn(new Map([['/p/compose.yaml', `${db}  app:\n    image: ghcr.io/acme/app:1.0\n    env_file: app.env\nvolumes:\n  pgdata:\n`], ['/p/app.env', 'LOG_LEVEL=debug\n']]), '/p/compose.yaml'), true);
    assert.equal(safeIn(new Map([['/p/compose.yaml', `${db}volumes:\n  pgdata:\n`], ['/p/compose.override.yaml', `${app}    environment:\n      DB_HOST: db\n`]]), '/p/compose.yaml'), false);
    assert.equal(safeIn(new Map([['/p/compose.yaml', `${db}volumes:\n  pgdata:\n`], ['/p/compose.override.yaml', 'services:\n  db:\n    environment:\n      TZ: UTC\n']]), '/p/compose.yaml'), true);
    assert.equal(safeIn(new Map([['/p/compose.yaml', `include:\n  - db.compose.yaml\n${app}    environment:\n      DB_HOST: db\n`], ['/p/db.compose.yaml', `${db}volumes:\n  pgdata:\n`]]), '/p/db.compose.yaml'), false);
  });
  it('with no such client the fix stays safe', () => {
    assert.equal(flag(`${db}  backup:\n    image: postgres:16.6-alpine\n    entrypoint: ["sh", "-c", "pg_dump -h db -U postgres postgres > /backup/dump.sql"]\nvolumes:\n  pgdata:\n`), true);
  });
});
