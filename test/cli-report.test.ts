/** The CLI's arguments, notices and report formats around the edges (review 37): what CI sees. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from './helpers/temp';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

function run(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function project(files: Record<string, string>): string {
  const dir = tempDir('dg-cli-report-');
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

describe('CLI --fix-dry-run', () => {
  it('exits by the findings of the files as they are, as a plain check does: the dry run changes nothing (review 37, item 1)', () => {
    // DR001 (an error): the .env is not ignored; the safe fix would add it to .gitignore.
    const dir = project({ 'compose.yaml': 'services:\n  web:\n    image: nginx:1.31-alpine\n    env_file: .env\n', '.env': 'API_TOKEN=abcdefghijkl0123\n' });
    spawnSync('git', ['init', '-q'], { cwd: dir });
    const plain = run(['check', '.'], dir);
    assert.match(plain.stdout, /error DR001/);
    assert.equal(plain.code, 1);
    const dry = run(['check', '.', '--fix-dry-run'], dir);
    assert.match(dry.stdout, /^\+\.env$/m, 'the diff adds .env to .gitignore');
    assert.equal(dry.code, 1, 'nothing changed on disk: the error is still there');
    assert.ok(!fs.existsSync(path.join(dir, '.gitignore')));
    assert.equal(run(['check', '.', '--fix-dry-run', '--fail-on', 'warning'], dir).code, 1);
  });

  it('writes its diff to --output FILE; any --format but text is a usage error, not ignored (review 37, item 2)', () => {
    const dir = project({ 'Dockerfile': 'FROM python:3.13-slim\nRUN pip install flask==3.1.1\nUSER 1000\nHEALTHCHECK NONE\nCMD ["flask", "run"]\n' });
    const r = run(['check', '.', '--fix-dry-run', '--output', 'dry.diff'], dir);
    assert.equal(r.stdout, '', 'nothing on stdout');
    assert.match(fs.readFileSync(path.join(dir, 'dry.diff'), 'utf8'), /^\+RUN pip install --no-cache-dir flask==3\.1\.1$/m);
    assert.equal(run(['check', '.', '--fix-dry-run', '--format', 'text'], dir).code, 0);
    for (const format of ['json', 'sarif', 'github']) {
      const bad = run(['check', '.', '--fix-dry-run', '--format', format, '--output', `dry.${format}`], dir);
      assert.equal(bad.code, 2, format);
      assert.match(bad.stderr, new RegExp(`--fix-dry-run prints a unified diff and takes no --format ${format}`));
      assert.equal(bad.stdout, '');
      assert.ok(!fs.existsSync(path.join(dir, `dry.${format}`)));
    }
  });
});

describe('CLI --output', () => {
  it('--output - is standard output; ./- is a file named - (review 37, item 7)', () => {
    const dir = project({ 'Dockerfile': 'FROM node\nCMD ["node"]\n' });
    const r = run(['check', '.', '--format', 'json', '--output', '-'], dir);
    assert.ok(JSON.parse(r.stdout).some((f: { code: string }) => f.code === 'DF001'), 'the report is on stdout');
    assert.ok(!fs.existsSync(path.join(dir, '-')), 'no file named -');
    const f = run(['check', '.', '--format', 'json', '--output', './-'], dir);
    assert.equal(f.stdout, '');
    assert.ok(JSON.parse(fs.readFileSync(path.join(dir, '-'), 'utf8')).length > 0);
  });
});
