/** The CLI as CI runs it: `node dist/cli.js check …`, its formats and exit codes. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { applyTextEdits, type TextEdit } from '../rules';
import { SHORT_RUN_HEAP_FLAGS, SHORT_RUN_V8_FLAGS, tuneV8ForShortRun } from '../cli/src/v8-tuning';
import { cacheHeader, CODE_CACHE, loadBundle, MAIN_BUNDLE, readCodeCache } from '../cli/src/code-cache';
import { CLI, runCli } from './helpers/cli';
import { tempDir, tempFiles } from './helpers/temp';
import { isolatedEnv } from './helpers/user-env';

const SECRET = 'Zq9-very-secret-Value-77';

const run = runCli;
const project = (files: Record<string, string>): string => tempFiles('dg-cli-', files);

const FILES = {
  'api/Dockerfile': 'FROM node:24-alpine\nUSER 1000\nCMD ["node", "server.js"]\n',
  'compose.yaml': `services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD: ${SECRET}\n  x:\n    image: busybox:1.37\n    privileged: true\n`,
  'node_modules/dep/Dockerfile': 'FROM node\n',
  'vendor/Dockerfile': 'FROM node\n',
  '.gitignore': 'vendor/\n',
};

describe('CLI', () => {
  it('exits 1 when an error-level finding exists, and prints text findings with a summary', () => {
    const dir = project(FILES);
    const r = run(['check', '.'], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /compose\.yaml:8:5: error DC010 /);
    assert.match(r.stdout, /compose\.yaml:5:7: warning DC040 /);
    assert.match(r.stdout, /findings? \(1 error/);
    assert.ok(!r.stdout.includes('node_modules') && !r.stdout.includes('vendor'), 'skips node_modules and .gitignore-d paths');
    assert.ok(!r.stdout.includes(SECRET), 'never prints a secret');
  });

  it('checks a committed file that .gitignore matches: git ignores only untracked files (review 10, probe dc-05)', () => {
    const dir = project({
      '.gitignore': '*\n!.gitignore\n',
      'app/compose.yaml': 'services:\n  web:\n    image: nginx:1.30\n    privileged: true\n',
      'scratch/compose.yaml': 'services:\n  tmp:\n    image: busybox:1.37\n    privileged: true\n',
    });
    const git = (...args: string[]) => spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
    git('init', '-q');
    git('add', '-f', 'app/compose.yaml', '.gitignore');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'init');
    const r = run(['check', '.'], dir);
    assert.match(r.stdout, /app\/compose\.yaml:4:5: error DC010/, 'the tracked file is checked');
    assert.doesNotMatch(r.stdout, /scratch\/compose\.yaml/, 'an ignored, untracked file is still skipped');
    // Also when the walk starts in a subfolder of the repository (review 11, probe 02).
    assert.match(run(['check', 'app'], dir).stdout, /compose\.yaml:4:5: error DC010/);
    assert.match(run(['check', '.'], path.join(dir, 'app')).stdout, /compose\.yaml:4:5: error DC010/);
  });

  it('names the YAML files that look like compose files but are not named like one (not checked, as in the editor)', () => {
    const dir = project({
      'keycloak-mysql.yml': 'services:\n  mysql:\n    image: mysql:8.4\n    environment:\n      MYSQL_ROOT_PASSWORD: root\n',
      'jitsi/jibri.yml': 'services:\n    jibri:\n        build: ./jibri\n',
      '.gitlab-ci.yml': 'services:\n  - docker:dind\nbuild:\n  script: make\n',
      'ignored/stack.yml': 'services:\n  web:\n    image: nginx:1.30\n',
      '.gitignore': 'ignored/\n',
      'compose.yaml': 'include:\n  - db.yml\nservices:\n  web:\n    image: nginx:1.30\n',
      'db.yml': 'services:\n  db:\n    image: postgres:17\n',
      // A Swarm stack file is checked by name (review 24, probe dc-06: the walk skipped it).
      'swarm/docker-stack.yml': 'services:\n  agent:\n    image: portainer/agent:2.27.0\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n',
    });
    const r = run(['check', '.'], dir);
    assert.match(r.stderr, /^docker-guardrails: not checked: 2 YAML files with a top-level services: key but not named like a compose file: (?:jitsi\/jibri\.yml, keycloak-mysql\.yml|keycloak-mysql\.yml, jitsi\/jibri\.yml)\. Pass them as arguments/m);
    assert.ok(!r.stderr.includes('gitlab-ci') && !r.stderr.includes('ignored/stack.yml') && !r.stderr.includes('db.yml') && !r.stderr.includes('swarm/'), r.stderr);
    assert.match(r.stdout, /in 3 files/, 'compose.yaml, the db.yml it includes and the stack file are checked');
    assert.match(r.stdout, /^swarm\/docker-stack\.yml:\d+:\d+: error DC013 /m);
    assert.equal(r.code, 1, 'the stack file\'s error fails the run');
    const named = run(['check', 'keycloak-mysql.yml'], dir);
    assert.equal(named.stderr, '', 'a file named on the command line is checked, with no notice');
    assert.match(named.stdout, /DC041/);
  });

  it('exits 0 below --fail-on and 1 at or above it', () => {
    const dir = project({ 'Dockerfile': 'FROM node\nUSER 1000\n' });
    assert.equal(run(['check'], dir).code, 0, 'only warnings: below the default error threshold');
    assert.equal(run(['check', '--fail-on', 'warning'], dir).code, 1);
    assert.equal(run(['check', '--fail-on', 'info', 'Dockerfile'], dir).code, 1);
  });

  it('writes JSON with code, severity, message, file and 0-based range', () => {
    const dir = project(FILES);
    const r = run(['check', '--format', 'json'], dir);
    const out = JSON.parse(r.stdout) as { code: string; severity: string; message: string; file: string; range: { start: { line: number; character: number } } }[];
    const dc010 = out.find((f) => f.code === 'DC010');
    assert.ok(dc010);
    assert.equal(dc010.severity, 'error');
    assert.equal(dc010.file, 'compose.yaml');
    assert.deepEqual(dc010.range.start, { line: 7, character: 4 });
    assert.ok(!r.stdout.includes(SECRET));
  });


  it('gives each JSON finding its fix: the changes that apply, null when none, withheld when the fix writes a secret', () => {
    const dir = project({ ...FILES, 'api/Dockerfile': 'FROM node:24-alpine\nCMD ["node", "server.js"]\n' });
    const r = run(['check', '--format', 'json', '.'], dir);
    type Change = { kind: string; file: string; edits?: TextEdit[] };
    const out = JSON.parse(r.stdout) as { code: string; file: string; fix: { title: string; safe: boolean; changes: Change[] | null; withheld?: boolean } | null }[];
    // DF010 (no USER): an edit of the Dockerfile, by the path the report shows, that applies as it is.
    const df010 = out.find((f) => f.code === 'DF010');
    assert.ok(df010?.fix && df010.fix.changes);
    assert.equal(df010.fix.title, 'Run as USER 1000');
    assert.equal(typeof df010.fix.safe, 'boolean');
    assert.equal(df010.fix.changes.length, 1);
    assert.equal(df010.fix.changes[0].kind, 'edit');
    assert.equal(df010.fix.changes[0].file, path.join('api', 'Dockerfile'));
    const fixed = applyTextEdits(fs.readFileSync(path.join(dir, 'api/Dockerfile'), 'utf8'), df010.fix.changes[0].edits!);
    assert.equal(fixed, 'FROM node:24-alpine\nUSER 1000\nCMD ["node", "server.js"]\n');
    // DF044 (no HEALTHCHECK) for a program whose health it cannot know offers no fix.
    const df044 = out.find((f) => f.code === 'DF044');
    assert.ok(df044);
    assert.equal(df044.fix, null);
    // DC040 moves the password into .env: reported by title and safety, without its changes.
    const dc040 = out.find((f) => f.code === 'DC040');
    assert.deepEqual(dc040?.fix, { title: 'Move POSTGRES_PASSWORD to .env', safe: true, changes: null, withheld: true });
    assert.ok(!r.stdout.includes(SECRET));
  });
  // Review 41a, F3: what the dry run masks by its form (redact.ts) is a secret in a fix's text too, reported by no rule.
  it('JSON and SARIF withhold a fix that writes a Samba, keytool or htpasswd password, with DF022 off', () => {
    const values = ['Zq41cmdSmbPW', 'Zq41cmdStorePW', 'Zq41cmdHtPW'];
    for (const [i, cmd] of ['smbclient //srv/share -U user%Zq41cmdSmbPW -c ls', 'keytool -list -storepass Zq41cmdStorePW -keystore /k.jks', 'htpasswd -nbB admin Zq41cmdHtPW'].entries()) {
      const dir = project({ Dockerfile: `FROM alpine:3.22\nUSER 1000\nHEALTHCHECK NONE\nCMD ${cmd}\n`, '.docker-guardrails.yaml': 'rules:\n  DF022: off\n' });
      const r = run(['check', '--format', 'json', '.'], dir);
      const df040 = (JSON.parse(r.stdout) as { code: string; fix: { changes: unknown; withheld?: boolean } | null }[]).find((f) => f.code === 'DF040');
      assert.equal(df040?.fix?.withheld, true, cmd);
      assert.equal(df040?.fix?.changes, null, cmd);
      for (const format of ['json', 'sarif']) assert.ok(!run(['check', '--format', format, '.'], dir).stdout.includes(values[i]), `${format}: ${cmd}`);
    }
  });
  it('writes SARIF 2.1.0 with rules, help and regions', () => {
    const dir = project(FILES);
    const r = run(['check', '--format', 'sarif'], dir);
    const sarif = JSON.parse(r.stdout);
    assert.equal(sarif.version, '2.1.0');
    const run0 = sarif.runs[0];
    const ids = run0.tool.driver.rules.map((x: { id: string }) => x.id);
    assert.ok(ids.includes('DC010') && ids.includes('DF001'));
    for (const rule of run0.tool.driver.rules) assert.ok(rule.help.text.length > 0 && rule.helpUri.includes(rule.id));
    const res = run0.results.find((x: { ruleId: string }) => x.ruleId === 'DC010');
    assert.equal(res.level, 'error');
    assert.equal(run0.tool.driver.rules[res.ruleIndex].id, 'DC010');
    assert.deepEqual(res.locations[0].physicalLocation.region, { startLine: 8, startColumn: 5, endLine: 8, endColumn: 21 });
    assert.equal(res.locations[0].physicalLocation.artifactLocation.uri, 'compose.yaml');
    assert.ok(!r.stdout.includes(SECRET));
  });

  it('SARIF validates against the SARIF 2.1.0 schema (with suppressions and fixes)', () => {
    const schema = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../test/schemas/sarif-2.1.0.json'), 'utf8'));
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const dir = tempDir('dg-sarif-');
    fs.cpSync(path.resolve(__dirname, '../../examples'), dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'extra.Dockerfile'), '# docker-guardrails-ignore DF001 -- reason\nFROM node\nCMD ["node"]\n');
    const sarif = JSON.parse(run(['check', '--format', 'sarif', '--include-suppressed', '.'], dir).stdout);
    assert.ok(sarif.runs[0].results.some((r: { fixes?: unknown[] }) => r.fixes), 'has fixes');
    assert.ok(sarif.runs[0].results.some((r: { suppressions?: unknown[] }) => r.suppressions), 'has suppressions');
    // Each fix says whether it is safe (what --fix applies) or a quick fix to review (review 13's remark).
    const fixes = sarif.runs[0].results.flatMap((r: { fixes?: { properties?: { safe?: unknown } }[] }) => r.fixes ?? []);
    assert.ok(fixes.every((f: { properties?: { safe?: unknown } }) => typeof f.properties?.safe === 'boolean'), 'every fix has properties.safe');
    assert.ok(fixes.some((f: { properties?: { safe?: unknown } }) => f.properties?.safe === true) && fixes.some((f: { properties?: { safe?: unknown } }) => f.properties?.safe === false), 'safe and unsafe fixes');
    const ok = validate(sarif);
    assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
  });

  it('exits 2 on usage and I/O errors', () => {
    const dir = project({});
    assert.equal(run(['check', 'missing-dir'], dir).code, 2);
    assert.equal(run(['lint'], dir).code, 2);
    assert.equal(run(['check', '--format', 'xml'], dir).code, 2);
    assert.equal(run(['check', '--fail-on', 'never'], dir).code, 2);
    assert.equal(run(['check', '--bogus'], dir).code, 2);
  });

  it('--explain prints a rule\'s docs; unknown codes exit 2', () => {
    const dir = project({});
    const r = run(['--explain', 'dc040'], dir);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^# DC040 secret-inline/);
    assert.match(r.stdout, /## Why is this bad\?/);
    assert.equal(run(['--explain', 'XX999'], dir).code, 2);
  });

  it('--format github prints workflow annotations', () => {
    const dir = project(FILES);
    const r = run(['check', '--format', 'github'], dir);
    assert.match(r.stdout, /^::error file=compose\.yaml,line=8,col=5,endLine=8,endColumn=21,title=DC010 privileged::Service 'x' runs privileged/m);
    assert.ok(!r.stdout.includes(SECRET));
  });

  it('--format github ends with a notice of the counts when a kind has more annotations than GitHub shows per step (review 46b, finding 4)', () => {
    const services = (k: number) => `services:\n${Array.from({ length: k }, (_, i) => `  s${i}:\n    image: alpine:3.22\n    privileged: true\n`).join('')}`;
    const many = run(['check', '--format', 'github', '--min-severity', 'error'], project({ 'compose.yaml': services(11) })).stdout.trimEnd().split('\n');
    assert.equal(many.filter((l) => l.startsWith('::error ')).length, 11);
    assert.equal(many.at(-1), '::notice title=docker-guardrails::11 findings (11 errors, 0 warnings, 0 notices); GitHub shows at most 10 annotations of each kind per step, so some are not shown as annotations: all are in this log, and in the text or SARIF output (--format sarif).');
    const few = run(['check', '--format', 'github', '--min-severity', 'error'], project({ 'compose.yaml': services(10) })).stdout;
    assert.ok(!few.includes('::notice'), 'ten of a kind: all shown, no notice');
  });

  it('reads the nearest .docker-guardrails.yaml; --config points elsewhere; a broken one exits 2', () => {
    const dir = project({ 'app/Dockerfile': 'FROM node\nCMD ["node"]\n', '.docker-guardrails.yaml': 'rules:\n  DF001: off\n  DF010: error\n', 'strict.yaml': 'rules:\n  DF001: error\n' });
    let r = run(['check', '--format', 'json'], dir);
    let out = JSON.parse(r.stdout) as { code: string; severity: string }[];
    assert.ok(!out.some((f) => f.code === 'DF001'), 'DF001 turned off by the config file');
    assert.equal(out.find((f) => f.code === 'DF010')?.severity, 'error');
    assert.equal(r.code, 1);
    r = run(['check', '--format', 'json', '--config', 'strict.yaml'], dir);
    out = JSON.parse(r.stdout);
    assert.equal(out.find((f) => f.code === 'DF001')?.severity, 'error');
    fs.writeFileSync(path.join(dir, '.docker-guardrails.yaml'), 'rules:\n  DF010: disabled\n  DF999: off\n');
    r = run(['check'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\.docker-guardrails\.yaml:2:10: Severity of DF010 must be one of error, warning, info, hint, off/);
    assert.match(r.stderr, /\.docker-guardrails\.yaml:3:3: `DF999` is not a Docker Guardrails rule code/);
  });

  // Review 39, item 5: `--config .env` printed the env file's lines (its secrets) in the error.
  it('a config problem quotes a key only when it reads as one: the text of another file given as the config is not printed', () => {
    const dir = project({ Dockerfile: 'FROM alpine:3.22\nUSER 1000\n', '.env': 'DB_PASSWORD=EnvAsCfg_R8x\nAPI_TOKEN: other\n', 'bad.yaml': 'rules:\n  "DB_PASSWORD=RulesKey_R8y": off\n  DF999: off\nresourceLimits:\n  "x=LimitKey_R8z": 1\nsome key=TopKey_R8w: 1\nrules2: |extra HeaderText_R8v\n  a\n' });
    let r = run(['check', '--config', '.env', '.'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\.env:1:1: A key that is not a name \(its text is not shown\); known keys: rules,/);
    assert.ok(!r.stderr.includes('EnvAsCfg_R8x') && !r.stderr.includes('DB_PASSWORD'), r.stderr);
    r = run(['check', '--config', 'bad.yaml', '.'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad\.yaml:2:3: A key under `rules` that is not a rule code \(its text is not shown\)/);
    assert.match(r.stderr, /bad\.yaml:3:3: `DF999` is not a Docker Guardrails rule code/, 'a key that reads as one is still quoted');
    assert.match(r.stderr, /bad\.yaml:5:3: A key of `resourceLimits` \(its text is not shown\) is not valid/);
    assert.match(r.stderr, /Invalid YAML: Block scalar header includes extra characters\n/);
    for (const v of ['RulesKey_R8y', 'LimitKey_R8z', 'TopKey_R8w', 'HeaderText_R8v']) assert.ok(!r.stderr.includes(v), `${v}: ${r.stderr}`);
  });

  it('--fix applies every safe fix on a copy of examples/ and reports what remains; --fix-dry-run changes nothing', () => {
    const dir = tempDir('dg-fix-');
    fs.cpSync(path.resolve(__dirname, '../../examples'), dir, { recursive: true });
    // A project in a git repository, as examples/ is: in none, DR001 would not ignore its .env (review 48a, finding 2).
    fs.mkdirSync(path.join(dir, '.git'));
    const before = fs.readFileSync(path.join(dir, 'compose.yaml'), 'utf8');
    const dry = run(['check', '--fix-dry-run', '.'], dir);
    assert.match(dry.stdout, /^--- a\/compose\.yaml/m);
    assert.match(dry.stdout, /^\+ {6}JWT_SECRET: \$\{JWT_SECRET\}/m);
    assert.ok(!dry.stdout.includes('please-change-me-0123456789') && !dry.stdout.includes('sk_test_'), 'the diff never shows a secret');
    assert.match(dry.stdout, /contents not shown because they hold secret values/);
    assert.match(dry.stderr, /this diff previews the fixes but does not apply as a patch/, 'a masked diff says it is a preview (review 8, probe df-06)');
    assert.equal(fs.readFileSync(path.join(dir, 'compose.yaml'), 'utf8'), before, 'dry run wrote nothing');
    assert.ok(!fs.existsSync(path.join(dir, '.gitignore')));

    const r = run(['check', '--fix', '--format', 'json', '.'], dir);
    assert.match(r.stderr, /applied \d+ fix/);
    const compose = fs.readFileSync(path.join(dir, 'compose.yaml'), 'utf8');
    assert.match(compose, /JWT_SECRET: \$\{JWT_SECRET\}/);
    // Taking privileges away is a quick fix only (DC010): --fix leaves them for a person to review.
    assert.match(compose, /privileged: true/);
    assert.match(fs.readFileSync(path.join(dir, '.env'), 'utf8'), /^JWT_SECRET=please-change-me-0123456789$/m);
    assert.match(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8'), /^\.env$/m);
    // Running as uid 1000 may stop the process at run time (low ports, root-owned paths): a quick fix only.
    assert.doesNotMatch(fs.readFileSync(path.join(dir, 'api/Dockerfile'), 'utf8'), /^USER 1000$/m);
    const remaining = JSON.parse(r.stdout) as { code: string }[];
    // The Stripe key moves under a name of its own: the stripe CLI reads STRIPE_API_KEY from the shell, whose value would win over .env (review51a, finding 9).
    assert.deepEqual(remaining.filter((f) => f.code === 'DC040'), [], 'DC040 fixed');
    assert.match(compose, /- STRIPE_API_KEY=\$\{WORKER_STRIPE_API_KEY\}/);
    for (const code of ['DC010', 'DF010']) assert.ok(remaining.some((f) => f.code === code), `${code} remains`);
    // A second run finds nothing more to fix.
    const again = run(['check', '--fix-dry-run', '.'], dir);
    assert.equal(again.stdout, '');
  });

  it('--fix-dry-run with nothing masked prints a diff that applies, and no preview notice', () => {
    const dir = project({ 'Dockerfile': 'FROM python:3.13-slim\nRUN pip install flask==3.1.1\nUSER 1000\nHEALTHCHECK NONE\nCMD ["flask", "run"]\n' });
    const dry = run(['check', '--fix-dry-run', '.'], dir);
    assert.match(dry.stdout, /^\+RUN pip install --no-cache-dir flask==3\.1\.1$/m);
    assert.doesNotMatch(dry.stderr, /previews the fixes/);
  });

  it('--fix never writes through a symbolic link: a .env or .gitignore that is one is not taken for absent (review 37, probe p25)', { skip: process.platform === 'win32' }, () => {
    const compose = 'services:\n  api:\n    image: ghcr.io/acme/api:1.0.0\n    environment:\n      JWT_SECRET: jwt-s3cr3t-0123456789\n';
    const dir = project({ 'compose.yaml': compose, 'config/defaults.env': 'PORT=8080\n', '.gitignore': '.env\n' });
    fs.symlinkSync('config/defaults.env', path.join(dir, '.env'));
    const r = run(['check', '--fix', '.'], dir);
    assert.notEqual(r.code, 2, r.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'config/defaults.env'), 'utf8'), 'PORT=8080\n', 'the file the link points to is untouched');
    assert.equal(fs.readFileSync(path.join(dir, 'compose.yaml'), 'utf8'), compose, 'the secret stays where it is: no .env to move it to');
    assert.ok(fs.lstatSync(path.join(dir, '.env')).isSymbolicLink());
    assert.equal(run(['check', '--fix-dry-run', '.'], dir).stdout.includes('.env'), false, 'no diff creates .env');

    const outside = project({ 'shared.gitignore': 'node_modules/\n' });
    const other = project({ 'compose.yaml': compose });
    fs.symlinkSync(path.join(outside, 'shared.gitignore'), path.join(other, '.gitignore'));
    run(['check', '--fix', '.'], other);
    assert.equal(fs.readFileSync(path.join(outside, 'shared.gitignore'), 'utf8'), 'node_modules/\n', 'nothing outside the project is written');
  });

  it('--fix writes all of its files or none: when one cannot be written, the others are left as they were (review 37, probe p24)', () => {
    const compose = 'services:\n  api:\n    image: ghcr.io/acme/api:1.0.0\n    environment:\n      JWT_SECRET: jwt-s3cr3t-0123456789\n';
    // A compose file whose name leaves no room for the temporary file beside it (names are at most 255
    // bytes): its write fails after .env's has been prepared.
    const name = `docker-compose.${'x'.repeat(225)}.yml`;
    const dir = project({ [name]: compose });
    const r = run(['check', '--fix', '.'], dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /no file was changed/);
    assert.equal(fs.readFileSync(path.join(dir, name), 'utf8'), compose);
    assert.deepEqual(fs.readdirSync(dir), [name], 'no .env, .gitignore or temporary file is left');
  });

  it('--fix keeps the UTF-8 byte order mark of a file it edits, and writes none into a file it creates', () => {
    const dir = project({ 'compose.yaml': '\uFEFFservices:\r\n  api:\r\n    image: ghcr.io/acme/api:1.0.0\r\n    environment:\r\n      JWT_SECRET: jwt-s3cr3t-0123456789\r\n' });
    run(['check', '--fix', '.'], dir);
    const bytes = fs.readFileSync(path.join(dir, 'compose.yaml'));
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the BOM is kept');
    assert.match(bytes.toString('utf8'), /JWT_SECRET: \$\{JWT_SECRET\}\r\n/);
    assert.notEqual(fs.readFileSync(path.join(dir, '.env'))[0], 0xef, 'a new .env has no BOM');
  });

  // Review 39b, F1: new files were made 0666 whatever the umask.
  it('--fix creates files with the umask\'s mode, a .env owner-only; an edited file keeps its mode', { skip: process.platform === 'win32' }, () => {
    for (const [umask, plain] of [['077', 0o600], ['022', 0o644]] as const) {
      const dir = project({ 'compose.yaml': 'services:\n  api:\n    image: ghcr.io/acme/api:1.0.0\n    environment:\n      JWT_SECRET: jwt-s3cr3t-0123456789\n' });
      fs.chmodSync(path.join(dir, 'compose.yaml'), 0o640);
      const r = spawnSync('sh', ['-c', `umask ${umask} && exec "$0" "$@"`, process.execPath, CLI, 'check', '--fix', '.'], { cwd: dir, encoding: 'utf8' });
      assert.match(r.stderr, /applied \d+ fix/, r.stderr);
      const mode = (f: string) => fs.statSync(path.join(dir, f)).mode & 0o777;
      assert.equal(mode('.env'), 0o600, `umask ${umask}: .env holds the secret`);
      assert.equal(mode('.gitignore'), plain, `umask ${umask}: .gitignore`);
      assert.equal(mode('.env.example'), plain, `umask ${umask}: .env.example`);
      assert.equal(mode('compose.yaml'), 0o640, `umask ${umask}: the edited file keeps its mode`);
    }
  });

  it('--fix leaves a secret in place when another compose file beside the .env reads its name (the .env would change that file too)', () => {
    const dir = project({
      'compose.yaml': 'services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD: s3cr3t-Pa55word\n      JWT_SECRET: jwt-s3cr3t-0123456789\n',
      'docker-compose.s3.yml': 'services:\n  storage:\n    image: supabase/storage-api:v1.0.0\n    environment:\n      DATABASE_URL: postgres://storage:${POSTGRES_PASSWORD}@db/postgres\n',
    });
    run(['check', '--fix', '.'], dir);
    const compose = fs.readFileSync(path.join(dir, 'compose.yaml'), 'utf8');
    assert.match(compose, /POSTGRES_PASSWORD: s3cr3t-Pa55word/);
    assert.match(compose, /JWT_SECRET: \$\{JWT_SECRET\}/);
    assert.doesNotMatch(fs.readFileSync(path.join(dir, '.env'), 'utf8'), /POSTGRES_PASSWORD/);
  });

  it('SARIF lists suppressed findings with their reason when asked (--include-suppressed), and fixes as artifact changes', () => {
    const dir = project({ 'Dockerfile': '# docker-guardrails-ignore DF001 -- rebuilt nightly on purpose\nFROM node\nCMD ["node"]\n' });
    // By default a suppressed finding is not in the report: GitHub code scanning ignores `suppressions` and would open an alert (review 41a, F6).
    const plain = JSON.parse(run(['check', '--format', 'sarif'], dir).stdout);
    assert.deepEqual(plain.runs[0].results.filter((x: { ruleId: string }) => x.ruleId === 'DF001'), []);
    // Each rule carries GitHub's security-severity, from its default severity.
    const rules = plain.runs[0].tool.driver.rules as { id: string; properties: { 'security-severity'?: string } }[];
    assert.equal(rules.find((r) => r.id === 'DC010')?.properties['security-severity'], '8.0');
    assert.equal(rules.find((r) => r.id === 'DF001')?.properties['security-severity'], '5.0');
    assert.ok(rules.every((r) => /^\d+\.\d$/.test(r.properties['security-severity'] ?? '')));
    const sarif = JSON.parse(run(['check', '--format', 'sarif', '--include-suppressed'], dir).stdout);
    const results = sarif.runs[0].results as { ruleId: string; suppressions?: { kind: string; justification?: string }[]; fixes?: { description: { text: string }; artifactChanges: { artifactLocation: { uri: string }; replacements: unknown[] }[] }[] }[];
    const suppressed = results.find((x) => x.ruleId === 'DF001');
    assert.deepEqual(suppressed?.suppressions, [{ kind: 'inSource', justification: 'rebuilt nightly on purpose' }]);
    const df010 = results.find((x) => x.ruleId === 'DF010');
    assert.equal(df010?.fixes?.[0].description.text, 'Run as USER 1000');
    assert.equal(df010?.fixes?.[0].artifactChanges[0].artifactLocation.uri, 'Dockerfile');
  });

  it('a fix that serves several findings is written once: JSON gives the others sameAs, SARIF gives it with the first (review 41a, F2)', () => {
    const services = Array.from({ length: 30 }, (_, i) => `  s${i}:\n    image: ghcr.io/acme/s${i}:1.0.0\n`).join('');
    const dir = project({ 'compose.yaml': `services:\n${services}` });
    const json = JSON.parse(run(['check', '--format', 'json'], dir).stdout) as { code: string; fix: { title: string; safe: boolean; changes: unknown[] | null; sameAs?: number } | null }[];
    const dc032 = json.map((f, i) => ({ f, i })).filter(({ f }) => f.code === 'DC032');
    assert.equal(dc032.length, 30);
    const [first, ...rest] = dc032;
    assert.equal((first.f.fix?.changes?.[0] as { edits: unknown[] }).edits.length, 31, 'the one fix: a top-level networks: and one per service');
    for (const { f } of rest) assert.deepEqual(f.fix, { title: first.f.fix!.title, safe: first.f.fix!.safe, changes: null, sameAs: first.i });
    const sarif = JSON.parse(run(['check', '--format', 'sarif'], dir).stdout);
    const withFix = (sarif.runs[0].results as { ruleId: string; fixes?: unknown[] }[]).filter((r) => r.ruleId === 'DC032' && r.fixes);
    assert.equal(withFix.length, 1);
  });

  it('--fix reports a file as a later file\'s fix left it: a Dockerfile\'s DF020 fix edits the compose file analyzed before it (review 41a, item 6)', () => {
    const dir = project({
      'svc/Dockerfile': 'FROM alpine:3.22\nENV API_TOKEN=Zq41tokenABCdef\nUSER 1000\nCMD ["/app"]\n',
      'compose.yaml': 'services:\n  app:\n    build: ./svc\n    user: "1000:1000"\n  web:\n    image: nginx:1.30-alpine\n    privileged: true\n',
    });
    const fixed = JSON.parse(run(['check', '--fix', '--format', 'json', '.'], dir).stdout) as { code: string; file: string; range: { start: { line: number } } }[];
    assert.match(fs.readFileSync(path.join(dir, 'compose.yaml'), 'utf8'), /API_TOKEN: \$\{API_TOKEN\}/, 'the DF020 fix moved the value into the service');
    const after = JSON.parse(run(['check', '--format', 'json', '.'], dir).stdout) as typeof fixed;
    const key = (f: (typeof fixed)[number]) => `${f.file}:${f.code}@${f.range.start.line}`;
    assert.deepEqual(fixed.map(key), after.map(key), 'what --fix reports remains is what a check of the fixed files finds');
    assert.ok(after.some((f) => f.code === 'DC010' && f.range.start.line === 8));
  });

  it('refuses flags that would do nothing: --registry-lookups without a fix, --include-suppressed outside SARIF, --explain with a check', () => {
    const dir = project({ 'Dockerfile': 'FROM alpine:3.22\nUSER 1000\n' });
    for (const args of [['check', '--registry-lookups', '.'], ['check', '--include-suppressed', '.'], ['check', '--format', 'json', '--include-suppressed', '.'], ['check', '--explain', 'DF001', '.']]) {
      const r = run(args, dir);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, /--registry-lookups works with|--include-suppressed adds|--explain prints/, args.join(' '));
    }
  });

  it('follows compose include: (included YAML files are compose files, interpolated with the include env_file) and reports Compose v1 files', () => {
    const dir = project({
      'compose.yaml': 'include:\n  - path: db/database.yml\n    env_file: db/secrets.env\nservices:\n  api:\n    image: ghcr.io/acme/api:1.4.2\n',
      'db/database.yml': 'services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD: ${DB_PASSWORD}\n',
      'db/secrets.env': 'DB_PASSWORD=postgres\n',
      'legacy/docker-compose.yml': 'web:\n  image: nginx:1.27-alpine\n',
      'notes.yml': 'web:\n  image: nginx\n',
    });
    // In a git repository: in none, DR001 judges no env file (review 48a, finding 2).
    fs.mkdirSync(path.join(dir, '.git'));
    const r = run(['check', '--format', 'json', '.'], dir);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as { code: string; file: string; range: { start: { line: number } } }[];
    const at = (file: string) => out.filter((f) => f.file === file).map((f) => `${f.code}@${f.range.start.line}`);
    // The include's env_file is used by compose.yaml (DR001 at the entry); it interpolates db/database.yml (DC041 sees the default password).
    assert.ok(at('compose.yaml').includes('DR001@2'), at('compose.yaml').join());
    assert.ok(at('db/database.yml').includes('DC041@4'), at('db/database.yml').join());
    // One project, one default network: both files' services are judged together.
    assert.ok(at('compose.yaml').includes('DC032@4') && at('db/database.yml').includes('DC032@1'));
    assert.deepEqual(at('legacy/docker-compose.yml'), ['DG003@0']);
    assert.ok(!out.some((f) => f.file === 'notes.yml'), 'a YAML file nothing includes is not analyzed');
  });

  it('analyzes an extends: {file:} base as a compose file: its findings are where they are written, none repeated on the extending service', () => {
    // The Docker docs example (https://docs.docker.com/compose/how-tos/multiple-compose-files/extends/).
    const dir = project({
      'compose.yaml': 'services:\n  web:\n    build: .\n    extends:\n      file: common-services.yml\n      service: webapp\n    environment:\n      - DEBUG=1\n    cpu_shares: 5\n\n  important_web:\n    extends: web\n    cpu_shares: 10\n',
      'common-services.yml': `services:\n  webapp:\n    build: .\n    ports:\n      - "8000:8000"\n    volumes:\n      - "/data"\n    privileged: true\n    user: root\n    environment:\n      DB_PASSWORD: ${SECRET}\n`,
      'Dockerfile': 'FROM node:24-alpine\nUSER 1000\nCMD ["node", "server.js"]\n',
      'dev/compose.dev.yaml': 'services:\n  web:\n    extends:\n      file: fragments.yml\n      service: web\n',
      'dev/fragments.yml': 'services:\n  web:\n    image: nginx:1.27.5-alpine\n    user: root\n',
    });
    const r = run(['check', '--format', 'json', '.'], dir);
    const out = JSON.parse(r.stdout) as { code: string; file: string; range: { start: { line: number } } }[];
    const at = (file: string) => out.filter((f) => f.file === file).map((f) => `${f.code}@${f.range.start.line}`);
    const base = at('common-services.yml');
    for (const want of ['DC030@4', 'DC010@7', 'DC011@8', 'DC040@10']) assert.ok(base.includes(want), `${want} in ${base.join()}`);
    // Settings the base lacks are judged on the services that run it, not in the base.
    assert.ok(!base.some((k) => /^DC0(1[568]|2[0-3])@/.test(k)), base.join());
    const child = at('compose.yaml');
    assert.ok(!child.some((k) => /^DC0(10|11|30|40)@/.test(k)), child.join());
    assert.ok(child.includes('DC020@1') && child.includes('DC020@10'), child.join());
    // A base extended only from a file that is not a default compose file is not analyzed: reported on the service.
    assert.deepEqual(at('dev/fragments.yml'), []);
    assert.ok(at('dev/compose.dev.yaml').includes('DC011@1'), at('dev/compose.dev.yaml').join());
    assert.ok(!r.stdout.includes(SECRET));
  });

  it('DG_WORKERS=1 analyzes in a worker thread: same output as in this thread (the default); a run that fails early exits 2', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++) files[`svc${i}/Dockerfile`] = `FROM node:${i % 2 ? 'latest' : '24-alpine'}\nRUN curl -k https://example.com/x${i}\n`;
    for (let i = 0; i < 40; i++) files[`stack${i}/compose.yaml`] = `services:\n  s${i}:\n    image: redis\n    privileged: ${i % 3 === 0}\n    environment:\n      API_TOKEN: ${SECRET}\n`;
    const dir = project(files);
    const inWorker = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', '.'], { cwd: dir, encoding: 'utf8', env: isolatedEnv({ ...process.env, DG_WORKERS: '1' }) });
    const inThread = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', '.'], { cwd: dir, encoding: 'utf8', env: isolatedEnv({ ...process.env, DG_WORKERS: undefined }) });
    assert.equal(inWorker.status, 1, inWorker.stderr);
    assert.equal(inThread.status, 1, inThread.stderr);
    const found = JSON.parse(inWorker.stdout) as { code: string; file: string }[];
    assert.equal(new Set(found.map((f) => f.file)).size, 80, 'every file analyzed');
    assert.ok(found.some((f) => f.code === 'DC010') && found.some((f) => f.code === 'DF013'));
    assert.equal(inWorker.stdout, inThread.stdout);
    assert.ok(!inWorker.stdout.includes(SECRET));
    // SARIF carries fixes; the worker sends its results in several messages (32 files each).
    const sarifOf = (env: NodeJS.ProcessEnv) => spawnSync(process.execPath, [CLI, 'check', '--format', 'sarif', '.'], { cwd: dir, encoding: 'utf8', env: isolatedEnv({ ...process.env, ...env }), maxBuffer: 1 << 26 });
    const sarifInWorker = sarifOf({ DG_WORKERS: '1' });
    assert.equal(sarifInWorker.status, 1, sarifInWorker.stderr);
    assert.equal(new Set((JSON.parse(sarifInWorker.stdout) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] }).runs[0].results.map((r) => r.locations[0].physicalLocation.artifactLocation.uri)).size, 80);
    assert.equal(sarifInWorker.stdout, sarifOf({ DG_WORKERS: undefined }).stdout);
    assert.equal(sarifInWorker.stdout, sarifOf({ DG_WORKERS: '3' }).stdout);
    // The worker is started before the walk: a run that ends early must still end (not wait for it).
    fs.writeFileSync(path.join(dir, '.docker-guardrails.yaml'), 'rules:\n  DX999: error\n');
    const broken = spawnSync(process.execPath, [CLI, 'check', '.'], { cwd: dir, encoding: 'utf8', timeout: 20_000, env: isolatedEnv({ ...process.env, DG_WORKERS: '1' }) });
    assert.equal(broken.status, 2, broken.stderr);
    assert.match(broken.stderr, /invalid config file/);
  });

  it('a reader that closes the pipe early (| head) ends the run quietly, with its exit code', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 30; i++) files[`stack${i}/compose.yaml`] = `services:\n${Array.from({ length: 10 }, (_, k) => `  s${k}:\n    image: redis\n    privileged: true\n`).join('')}`;
    const dir = project(files);
    const child = spawn(process.execPath, [CLI, 'check', '--format', 'json', '.'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: isolatedEnv() });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Read a little, then go away, as `head -c 100` does.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    assert.equal(code, 1, stderr);
    assert.doesNotMatch(stderr, /EPIPE|Unhandled|at /);
  });

  it('exits 2 when the report cannot be written (a full disk), whatever it found (review 34)', { skip: !fs.existsSync('/dev/full') }, () => {
    const dir = project(FILES);
    const full = fs.openSync('/dev/full', 'w');
    try {
      const r = spawnSync(process.execPath, [CLI, 'check', '.'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', full, 'pipe'], env: isolatedEnv() });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /ENOSPC/);
    } finally {
      fs.closeSync(full);
    }
  });

  it('reads global ARG defaults that double in length without crashing: the other files keep their findings and SARIF is written (review 41a, F7)', () => {
    const chain = (n: number) => `ARG A0=xxxxxxxx\n${Array.from({ length: n - 1 }, (_, i) => `ARG A${i + 1}=\${A${i}}\${A${i}}\n`).join('')}FROM alpine:\${A${n - 1}}\nUSER 1000\n`;
    const dir = project({ 'a/Dockerfile': chain(27), 'b/compose.yaml': 'services:\n  web:\n    image: nginx:1.30\n    privileged: true\n' });
    const started = Date.now();
    const r = run(['check', '.'], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /b\/compose\.yaml:4:5: error DC010 /);
    assert.equal(r.stderr, '');
    const s = run(['check', '.', '--format', 'sarif', '--output', 'out.sarif'], dir);
    assert.equal(s.code, 1, s.stderr);
    assert.ok(JSON.parse(fs.readFileSync(path.join(dir, 'out.sarif'), 'utf8')).runs[0].results.some((x: { ruleId: string }) => x.ruleId === 'DC010'));
    assert.ok(Date.now() - started < 10_000, 'quickly');
  });

  it('does not crash on binary, empty or huge files', () => {
    const big = 'FROM alpine:3.22\n' + 'RUN echo hello && echo world\n'.repeat(100_000);
    const dir = project({ 'Dockerfile': '', 'bin/Dockerfile': 'FROM \u0000\u0001\u0002', 'big/Dockerfile': big, 'bad/compose.yaml': 'services: [\n  - {' });
    const r = run(['check', '--format', 'json'], dir);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    assert.ok(Array.isArray(JSON.parse(r.stdout)));
  });
});

describe('CLI V8 tuning for a short run', () => {
  const tune = (execArgv: string[]) => {
    const set: string[] = [];
    const applied = tuneV8ForShortRun(execArgv, (f) => set.push(f));
    assert.deepEqual(applied, set);
    return set;
  };
  it('sets every flag when node was given none of them', () => {
    const all = [...SHORT_RUN_V8_FLAGS, ...SHORT_RUN_HEAP_FLAGS];
    assert.deepEqual(tune([]), all);
    assert.deepEqual(tune(['--enable-source-maps', '--max-old-space-size=200']), all);
  });
  it('leaves a flag given to node alone, in either spelling and either sense', () => {
    assert.deepEqual(tune(['--interrupt_budget=67584']), ['--no-turbo-inlining', '--semi-space-growth-factor=1', '--heap-growing-percent=50']);
    assert.deepEqual(tune(['--turbo-inlining', '--semi_space_growth_factor=2']), ['--interrupt-budget=200000', '--heap-growing-percent=50']);
    assert.deepEqual(tune(['--no-turbo_inlining', '--interrupt-budget=1000', '--semi-space-growth-factor=4', '--heap_growing_percent=100']), []);
  });
  it('keeps the young generation at its initial size over a long run (it is never given back); node --semi-space-growth-factor=2 lets it grow', () => {
    const files: Record<string, string> = {};
    const service = (k: number) => `  s${k}:\n    image: redis\n    privileged: true\n    environment:\n      API_TOKEN: abcdefgh${k}\n    ports:\n      - "80${k}:80"\n`;
    for (let i = 0; i < 200; i++) {
      files[`s${i}/compose.yaml`] = `services:\n${Array.from({ length: 10 }, (_, k) => service(k)).join('')}`;
      files[`s${i}/Dockerfile`] = `FROM node:latest\nRUN curl -k https://example.com/${i} | sh\nENV SECRET_KEY=abc${i}\n`;
    }
    const dir = project(files);
    // Outside the analyzed folder: reports the young generation's size as the process ends.
    const preload = path.join(tempDir('dg-heap-'), 'young.js');
    fs.writeFileSync(preload, "process.on('exit', () => process.stderr.write('young ' + require('v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size + '\\n'));\n");
    const young = (nodeFlags: string[]) => {
      const r = spawnSync(process.execPath, [...nodeFlags, '--require', preload, CLI, 'check', '--format', 'sarif', '.'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26, env: isolatedEnv({ ...process.env, DG_WORKERS: undefined }) });
      assert.equal(r.status, 1, r.stderr);
      return Number(/young (\d+)/.exec(r.stderr)?.[1]) / (1 << 20);
    };
    const tuned = young([]);
    const grown = young(['--semi-space-growth-factor=2']);
    assert.ok(tuned <= 8, `young generation ${tuned} MB`);
    assert.ok(grown > 8, `this run is long enough for V8 to grow it: ${grown} MB`);
  });
});

describe('CLI code cache (dist/cli-main.cache)', () => {
  const DIST = path.dirname(CLI);
  const bundle = () => fs.readFileSync(path.join(DIST, MAIN_BUNDLE));
  /** dist/cli.js and dist/cli-main.js in a folder of their own, with `cache` as the code cache (none when undefined). */
  const install = (cache: Buffer | undefined): string => {
    const dir = tempDir('dg-cache-');
    for (const f of ['cli.js', MAIN_BUNDLE]) fs.copyFileSync(path.join(DIST, f), path.join(dir, f));
    if (cache) fs.writeFileSync(path.join(dir, CODE_CACHE), cache);
    return path.join(dir, 'cli.js');
  };
  const checkWith = (cli: string, cwd: string) => spawnSync(process.execPath, [cli, 'check', '--format', 'sarif', '.'], { cwd, encoding: 'utf8', maxBuffer: 1 << 26, env: isolatedEnv() });

  it('the build made a cache for this very bundle, and V8 loads the bundle from it', () => {
    const bytes = bundle();
    const cache = readCodeCache(path.join(DIST, CODE_CACHE), bytes);
    assert.ok(cache && cache.length > 100_000, 'dist/cli-main.cache is missing or does not match dist/cli-main.js: run the build');
    const loaded = loadBundle(path.join(DIST, MAIN_BUNDLE), bytes.toString('utf8'), cache);
    assert.ok(loaded.cacheUsed, 'V8 rejected the cache');
    assert.equal(typeof loaded.exports.main, 'function');
  });

  it('a cache for another build is not even given to V8: its header names the bundle by digest', () => {
    const bytes = bundle();
    const file = path.join(tempDir('dg-cache-'), CODE_CACHE);
    fs.copyFileSync(path.join(DIST, CODE_CACHE), file);
    const changed = Buffer.concat([bytes.subarray(0, bytes.length - 1), Buffer.from(' ')]);
    assert.equal(changed.length, bytes.length);
    assert.equal(readCodeCache(file, changed), undefined);
    assert.ok(readCodeCache(file, bytes));
  });

  it('without a cache, with a stale one or a damaged one, the CLI compiles its bundle and reports the same', () => {
    const dir = project(FILES);
    const expected = checkWith(CLI, dir);
    assert.equal(expected.status, 1, expected.stderr);
    const real = fs.readFileSync(path.join(DIST, CODE_CACHE));
    const payload = real.subarray(real.indexOf(0x0a) + 1);
    const headerFor = (cache: Buffer) => Buffer.from(cacheHeader(bundle(), cache), 'latin1');
    // One byte of the cache flipped, its header kept: V8 checks no checksum and could crash on it (review 34).
    const flipped = Buffer.from(payload);
    flipped[flipped.length >> 1] ^= 0x5a;
    const garbage = Buffer.alloc(4096, 0x5a);
    const caches: Record<string, Buffer | undefined> = {
      none: undefined,
      stale: Buffer.concat([Buffer.from(headerFor(payload).toString('latin1').replace(/[0-9a-f]{40}( [0-9a-f]{40}\n)$/, `${'0'.repeat(40)}$1`), 'latin1'), payload]),
      truncated: Buffer.concat([headerFor(payload), payload.subarray(0, payload.length >> 1)]),
      flipped: Buffer.concat([headerFor(payload), flipped]),
      // A header that matches a cache V8 does not take (not a code cache at all).
      garbage: Buffer.concat([headerFor(garbage), garbage]),
      empty: headerFor(Buffer.alloc(0)),
    };
    for (const [kind, cache] of Object.entries(caches)) {
      const r = checkWith(install(cache), dir);
      assert.equal(r.status, 1, `${kind}: ${r.stderr}`);
      assert.equal(r.stdout, expected.stdout, kind);
    }
    assert.equal(readCodeCache(path.join(DIST, CODE_CACHE), bundle())?.length, payload.length, 'the real cache is taken');
  });

  it('a cache that is no regular file is not read (a named pipe would block, /dev/zero never ends); a missing bundle exits 2', { skip: process.platform === 'win32' }, () => {
    const dir = project(FILES);
    const cli = install(undefined);
    const fifo = path.join(path.dirname(cli), CODE_CACHE);
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const r = spawnSync(process.execPath, [cli, 'check', '--format', 'sarif', '.'], { cwd: dir, encoding: 'utf8', timeout: 20_000, maxBuffer: 1 << 26, env: isolatedEnv() });
    assert.equal(r.status, 1, r.stderr);
    fs.rmSync(fifo);
    fs.symlinkSync('/dev/zero', fifo);
    assert.equal(spawnSync(process.execPath, [cli, '--version'], { encoding: 'utf8', timeout: 20_000, env: isolatedEnv() }).stdout.trim().length > 0, true);
    fs.rmSync(path.join(path.dirname(cli), MAIN_BUNDLE));
    const missing = spawnSync(process.execPath, [cli, '--version'], { encoding: 'utf8', timeout: 20_000, env: isolatedEnv() });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^docker-guardrails: cannot read .*cli-main\.js: ENOENT/);
  });

  it('while the run goes on, what loading needed (the bundle read as bytes, the code cache) is no longer held', () => {
    const dir = project(FILES);
    // Outside the analyzed folder: at the report's first write (main() is running), collects garbage (fully) and reports the
    // memory held in array buffers. expose_gc is set only then: a flag set before the load would make V8 reject the cache.
    const preload = path.join(tempDir('dg-load-'), 'held.js');
    fs.writeFileSync(
      preload,
      [
        "const write = process.stdout.write.bind(process.stdout);",
        'let done = false;',
        'process.stdout.write = (...args) => {',
        '  if (!done) {',
        '    done = true;',
        "    require('v8').setFlagsFromString('--expose-gc');",
        "    const gc = require('vm').runInNewContext('gc');",
        // Twice: array buffers are freed by a sweep that may still be running after the first collection.
        '    gc();',
        '    gc();',
        "    process.stderr.write('arrayBuffers ' + process.memoryUsage().arrayBuffers + '\\n');",
        '  }',
        '  return write(...args);',
        '};',
        '',
      ].join('\n'),
    );
    const r = spawnSync(process.execPath, ['--require', preload, CLI, 'check', '--format', 'json', '.'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26, env: isolatedEnv({ ...process.env, DG_WORKERS: undefined }) });
    assert.equal(r.status, 1, r.stderr);
    const held = Number(/arrayBuffers (\d+)/.exec(r.stderr)?.[1]);
    const cache = fs.statSync(path.join(DIST, CODE_CACHE)).size;
    assert.ok(cache > 100_000, 'dist/cli-main.cache is missing: run the build');
    // Held from the loader's frame, the bundle's bytes and the cache were both live for the whole run.
    assert.ok(held < cache / 2, `${held} bytes in array buffers during the run (the code cache is ${cache} bytes)`);
  });

  it('the cache names no build machine folder: a stack trace shows the bundle under a neutral name', () => {
    const text = fs.readFileSync(path.join(DIST, CODE_CACHE)).toString('latin1');
    assert.ok(!text.includes(path.resolve(DIST)), 'the build folder is in the cache');
    assert.ok(text.includes(path.join('docker-guardrails', 'dist', MAIN_BUNDLE)));
  });
});
