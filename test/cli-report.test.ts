/** The CLI's arguments, notices and report formats around the edges (review 37): what CI sees. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runCli } from './helpers/cli';
import { tempFiles } from './helpers/temp';

const run = runCli;
const project = (files: Record<string, string>): string => tempFiles('dg-cli-report-', files);

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

describe('CLI --fix-dry-run and byte order marks', () => {
  it('shows a file\'s byte order mark on line 1 of both sides, so that the diff applies and gives what --fix writes (review 37, item 8)', () => {
    for (const eol of ['\n', '\r\n']) {
      const text = '\uFEFF' + ['FROM python:3.13-slim', 'RUN pip install flask==3.1.1', 'USER 1000', 'HEALTHCHECK NONE', 'CMD ["flask", "run"]', ''].join(eol);
      const dir = project({ 'Dockerfile': text });
      const fixed = project({ 'Dockerfile': text });
      const dry = run(['check', '.', '--fix-dry-run'], dir);
      assert.equal(dry.code, 0, dry.stderr);
      const diff = dry.stdout;
      assert.match(diff, /^ \uFEFFFROM python/m);
      const applied = spawnSync('git', ['apply', '-'], { cwd: dir, input: diff, encoding: 'utf8' });
      assert.equal(applied.status, 0, applied.stderr);
      run(['check', '.', '--fix'], fixed);
      assert.deepEqual(fs.readFileSync(path.join(dir, 'Dockerfile')), fs.readFileSync(path.join(fixed, 'Dockerfile')), JSON.stringify(eol));
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

describe('CLI skipped files', () => {
  it('names a file over the size cap or binary on standard error in every format, and in SARIF as a tool notification (review 37, item 3)', () => {
    const dir = project({
      'big/Dockerfile': 'FROM alpine:3.22\n' + 'RUN echo hello\n'.repeat(200),
      'big/.docker-guardrails.yaml': 'maxFileSize: 1024\n',
      'bin/Dockerfile': 'FROM \u0000\u0001\u0002',
    });
    for (const format of ['text', 'json', 'sarif', 'github']) {
      const r = run(['check', '.', '--format', format], dir);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /not checked: big\/Dockerfile \(file is over the size cap; maxFileSize/, format);
      assert.match(r.stderr, /not checked: bin\/Dockerfile \(binary file\)/, format);
    }
    assert.match(run(['check', '.'], dir).stdout, /^big\/Dockerfile: skipped \(file is over the size cap\)$/m, 'the text report still lists them');
    const sarif = JSON.parse(run(['check', '.', '--format', 'sarif'], dir).stdout);
    const notes = sarif.runs[0].invocations[0].toolExecutionNotifications;
    assert.deepEqual(
      notes.map((n: { level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => [n.level, n.message.text, n.locations[0].physicalLocation.artifactLocation.uri]),
      [
        ['warning', 'Not analyzed: file is over the size cap.', 'big/Dockerfile'],
        ['warning', 'Not analyzed: binary file.', 'bin/Dockerfile'],
      ],
    );
    assert.equal(sarif.runs[0].invocations[0].executionSuccessful, true);
    const schema = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../test/schemas/sarif-2.1.0.json'), 'utf8'));
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    assert.ok(validate(sarif), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    // Without a skipped file, the SARIF has no invocations (as before).
    const clean = project({ 'Dockerfile': 'FROM alpine:3.22\n' });
    assert.equal(JSON.parse(run(['check', '.', '--format', 'sarif'], clean).stdout).runs[0].invocations, undefined);
  });
});

describe('CLI SARIF locations', () => {
  /** RFC 3986 path characters: unreserved, percent-encoded, sub-delimiters, `:` and `@`, and `/` between segments. */
  const PATH = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})*$/;

  it('gives every file a valid URI reference that resolves to it: each segment percent-encoded; a file outside the current folder as a file: URI (review 37, item 4)', { skip: process.platform === 'win32' }, () => {
    const names = ['#hash', 'q?x', 'ab:c', 'a,b:c', 'pct%2Cx', 'with space', 'ünï©ode', 'at@x+y=z', 'plain'];
    const files: Record<string, string> = {};
    for (const n of names) files[`${n}/Dockerfile`] = 'FROM node\nCMD ["node"]\n';
    files['sub/.keep'] = '';
    const dir = project(files);
    const uris = (cwd: string, ...args: string[]) => {
      const sarif = JSON.parse(run(['check', '--format', 'sarif', ...args], cwd).stdout);
      return [...new Set(sarif.runs[0].results.flatMap((r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => r.locations.map((l) => l.physicalLocation.artifactLocation.uri)))] as string[];
    };
    const found = uris(dir, '.');
    assert.equal(found.length, names.length);
    for (const uri of found) {
      assert.match(uri, PATH, uri);
      assert.doesNotMatch(uri.split('/')[0], /:/, `${uri}: no colon in the first segment (it would read as a scheme)`);
      const file = fileURLToPath(new URL(uri, pathToFileURL(`${dir}/`)));
      assert.ok(fs.existsSync(file) && path.basename(file) === 'Dockerfile', `${uri} resolves to ${file}`);
    }
    // Ordinary paths as before.
    assert.ok(found.includes('plain/Dockerfile') && found.includes('with%20space/Dockerfile') && found.includes('at@x+y=z/Dockerfile') && found.includes('pct%252Cx/Dockerfile'), found.join(' '));
    assert.ok(found.includes('%23hash/Dockerfile') && found.includes('q%3Fx/Dockerfile') && found.includes('ab%3Ac/Dockerfile') && found.includes('a,b%3Ac/Dockerfile'), found.join(' '));
    // Run from a subfolder: `../plain/Dockerfile` would resolve against nothing a consumer knows.
    const outside = uris(path.join(dir, 'sub'), '../ab:c', '../plain');
    assert.deepEqual(outside.sort(), [`${pathToFileURL(dir).href}/ab%3Ac/Dockerfile`, `${pathToFileURL(dir).href}/plain/Dockerfile`]);
    for (const uri of outside) assert.ok(fs.existsSync(fileURLToPath(uri)), uri);
  });
});

describe('CLI named files', () => {
  it('analyzes a file named on the command line that the config excludes (or does not include): the globs scope the walk, as .gitignore does (review 37, item 5)', () => {
    const df = 'FROM node:24-alpine\nUSER 1000\nCMD ["node"]\n';
    const dir = project({
      '.docker-guardrails.yaml': 'exclude: ["vendor/**"]\n',
      'app/Dockerfile': df,
      'vendor/x/Dockerfile': 'FROM node:24-alpine\nCMD ["node"]\n',
      'only/.docker-guardrails.yaml': 'include: ["keep/**"]\n',
      'only/other/Dockerfile': 'FROM node:24-alpine\nCMD ["node"]\n',
    });
    const json = (...args: string[]) => JSON.parse(run(['check', '--format', 'json', '--fail-on', 'info', ...args], dir).stdout) as { file: string }[];
    assert.ok(!json('.').some((f) => f.file.startsWith('vendor') || f.file.startsWith('only')), 'the walk skips what the config excludes');
    assert.ok(json('vendor/x/Dockerfile').some((f) => f.file === 'vendor/x/Dockerfile'), 'a named excluded file is analyzed');
    assert.ok(json('.', 'vendor/x/Dockerfile').some((f) => f.file === 'vendor/x/Dockerfile'), 'also when a walk of its folder came first');
    assert.ok(json('only/other/Dockerfile').some((f) => f.file === 'only/other/Dockerfile'), 'a named file outside include is analyzed');
    assert.match(run(['check', 'vendor/x/Dockerfile'], dir).stdout, /in 1 file\./);
  });
});

describe('CLI symbolic links', () => {
  it('does not follow a symlinked Dockerfile, and says so: a notice per link when walking, a clear error for a named one (review 37, item 6)', { skip: process.platform === 'win32' }, () => {
    const dir = project({ 'ok/real.txt': 'FROM node:24-alpine\nCMD ["node"]\n', 'ignored/real.txt': 'FROM node\n', '.gitignore': 'ignored/\n' });
    fs.symlinkSync('real.txt', path.join(dir, 'ok/Dockerfile'));
    fs.symlinkSync('/nonexistent/x', path.join(dir, 'ok/compose.yaml'));
    fs.symlinkSync('real.txt', path.join(dir, 'ok/notes.md'));
    fs.symlinkSync('real.txt', path.join(dir, 'ignored/Dockerfile'));
    for (const format of ['text', 'json']) {
      const r = run(['check', '.', '--format', format], dir);
      assert.equal(r.code, 0, r.stderr);
      const notices = r.stderr.split('\n').filter((l) => l.includes('symbolic link'));
      assert.deepEqual(notices.sort(), [
        'docker-guardrails: not checked: ok/Dockerfile is a symbolic link; symbolic links are not followed',
        'docker-guardrails: not checked: ok/compose.yaml is a symbolic link; symbolic links are not followed',
      ], 'once per link named like a Dockerfile or compose file, none for an ignored one or another name');
    }
    const named = run(['check', 'ok/Dockerfile'], dir);
    assert.equal(named.code, 2);
    assert.match(named.stderr, /ok\/Dockerfile is a symbolic link; symbolic links are not followed/);
    assert.doesNotMatch(named.stderr, /not-a-file/);
    const dangling = run(['check', 'ok/compose.yaml'], dir);
    assert.equal(dangling.code, 2);
    assert.match(dangling.stderr, /ok\/compose\.yaml is a symbolic link \(to nothing that exists\); symbolic links are not followed/);
  });
});

describe('CLI arguments and what it prints (review 41a, item 11)', () => {
  it('a file named on the command line that is neither YAML nor a Dockerfile is named on stderr and not analyzed; a Dockerfile of any name is', () => {
    const dir = project({ 'README.md': '# App\n\n```dockerfile\nADD . /app\n```\n', 'package.json': '{ "name": "app" }\n', 'app.docker': '# syntax=docker/dockerfile:1\nARG BASE=node \\\n  TAG=latest\nFROM node:latest\n' });
    const r = run(['check', 'README.md', 'package.json', 'app.docker', '--format', 'json'], dir);
    const files = new Set((JSON.parse(r.stdout) as { file: string }[]).map((f) => f.file));
    assert.deepEqual([...files], ['app.docker']);
    assert.match(r.stderr, /not checked: README\.md, package\.json: named on the command line but neither YAML nor a Dockerfile/);
  });

  it('an empty path is a usage error (an unset variable), and a file named with a trailing slash is no folder', () => {
    const dir = project({ 'Dockerfile': 'FROM alpine:3.22\nUSER 1000\n' });
    const empty = run(['check', ''], dir);
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /an empty path/);
    const slash = run(['check', 'Dockerfile/'], dir);
    assert.equal(slash.code, 2);
    assert.match(slash.stderr, /Dockerfile\/: not a directory/);
  });

  it('control characters of the file (a quoted service name) reach the text and github reports escaped, never as a forged log line', () => {
    const dir = project({ 'compose.yaml': 'services:\n  "web\\e[31mRED\\nfake.yaml:1:1: error XX000 forged":\n    image: nginx:1.30-alpine\n    privileged: true\n' });
    for (const format of ['text', 'github']) {
      const out = run(['check', '--format', format], dir).stdout;
      assert.ok(!out.includes('\u001b'), `${format}: no raw ESC`);
      assert.ok(!out.split('\n').some((l) => l.startsWith('fake.yaml')), `${format}: no forged line`);
      assert.match(out, /\\u001b\[31mRED/, format);
    }
  });
});
