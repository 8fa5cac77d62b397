/** The CLI as CI runs it: `node dist/cli.js check …`, its formats and exit codes. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const SECRET = 'Zq9-very-secret-Value-77';

function run(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-cli-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

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

  it('exits 2 on usage and I/O errors', () => {
    const dir = project({});
    assert.equal(run(['check', 'missing-dir'], dir).code, 2);
    assert.equal(run(['lint'], dir).code, 2);
    assert.equal(run(['check', '--format', 'xml'], dir).code, 2);
    assert.equal(run(['check', '--fail-on', 'never'], dir).code, 2);
    assert.equal(run(['check', '--bogus'], dir).code, 2);
  });

  it('does not crash on binary, empty or huge files', () => {
    const big = 'FROM alpine:3.22\n' + 'RUN echo hello && echo world\n'.repeat(100_000);
    const dir = project({ 'Dockerfile': '', 'bin/Dockerfile': 'FROM \u0000\u0001\u0002', 'big/Dockerfile': big, 'bad/compose.yaml': 'services: [\n  - {' });
    const r = run(['check', '--format', 'json'], dir);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    assert.ok(Array.isArray(JSON.parse(r.stdout)));
  });
});
