/**
 * How the CLI and the shared walker (rules/node/files.ts, also the language server's workspace scan) meet the
 * file system: special files where a regular one is expected, folders and files the user cannot read, read-only
 * files under --fix, symbolic links named on the command line, the dry run's paths, parent .gitignore files
 * (review 41a).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findFiles, walkFinds } from '../rules/node/files';
import { URI } from 'vscode-uri';
import { CLI } from './helpers/cli';
import { TestClient } from './helpers/lsp-client';
import { tempFiles } from './helpers/temp';
import { isolatedEnv } from './helpers/user-env';

/** In a child process (DG_IO_CHILD): walk as asked and print what was found, so that a walk that blocks is a timeout, not a hung test run. */
function childWalk(): void {
  const { root, file } = JSON.parse(process.env.DG_IO_CHILD!) as { root: string; file: string };
  const found = findFiles(root).map((f) => path.relative(root, f.path));
  process.stdout.write(JSON.stringify({ found, finds: walkFinds(root, file) }));
}

/** Runs the built CLI with a timeout (a walk that blocks is killed, status null). */
function cli(args: string[], cwd: string, options: { uid?: number; timeout?: number } = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: options.timeout ?? 20_000, uid: options.uid, gid: options.uid, maxBuffer: 64 << 20, env: isolatedEnv() });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const posix = process.platform !== 'win32';

/**
 * Who runs the CLI where a permission must stop it: root reads and writes everything, so as root the CLI runs as
 * `nobody` (uid 65534); as another user, as that user (a mode of 000 stops its owner too).
 */
const asUser = process.getuid?.() === 0 ? 65534 : undefined;

/** A project that `asUser` can read: the temporary folder is made owner-only. */
function sharedProject(files: Record<string, string>): string {
  const dir = tempFiles('dg-io-', files);
  if (asUser !== undefined) spawnSync('chmod', ['-R', 'a+rwX', dir]);
  return dir;
}

if (process.env.DG_IO_CHILD) childWalk();
else
  describe('CLI and walker meet the file system (review 41a)', () => {
    it('a .git/index that is a FIFO or a link to /dev/zero, or a .gitignore that is a FIFO, does not block the walk (F10)', { skip: !posix }, () => {
      for (const variant of ['fifo', 'zero'] as const) {
        const dir = tempFiles('dg-io-index-', { '.gitignore': 'gen/\n', Dockerfile: 'FROM node:latest\nUSER 1000\n', 'gen/Dockerfile': 'FROM node:latest\n' });
        fs.mkdirSync(path.join(dir, '.git'));
        if (variant === 'fifo') spawnSync('mkfifo', [path.join(dir, '.git', 'index')]);
        else fs.symlinkSync('/dev/zero', path.join(dir, '.git', 'index'));
        const r = cli(['check', '.', '--fail-on', 'warning'], dir);
        assert.equal(r.code, 1, `${variant}: the run ends (null: killed after 20 s) ${r.stderr}`);
        assert.match(r.stdout, /^Dockerfile:1:6: warning DF001 /m, variant);
        assert.doesNotMatch(r.stdout, /gen\//, `${variant}: the ignored folder is still skipped`);
      }
      // A config file found beside the files is no regular file: an error (exit 2), not a run that blocks.
      const conf = tempFiles('dg-io-config-', { Dockerfile: 'FROM node:latest\n' });
      spawnSync('mkfifo', [path.join(conf, '.docker-guardrails.yaml')]);
      const rc = cli(['check', '.'], conf);
      assert.equal(rc.code, 2, rc.stderr);
      assert.match(rc.stderr, /cannot read config .*\.docker-guardrails\.yaml: not a regular file/);
      // The language server's reads: its scan (findFiles) and its scope test for a watched file (walkFinds) read each .gitignore.
      const dir = tempFiles('dg-io-ignore-', { '.gitignore': 'gen/\n', 'app/Dockerfile': 'FROM node:latest\n', 'gen/Dockerfile': 'FROM node:latest\n' });
      spawnSync('mkfifo', [path.join(dir, 'app', '.gitignore')]);
      const child = spawnSync(process.execPath, [__filename], { env: { ...process.env, DG_IO_CHILD: JSON.stringify({ root: dir, file: path.join(dir, 'app', 'Dockerfile') }) }, encoding: 'utf8', timeout: 20_000 });
      assert.equal(child.status, 0, `the walk ends (null: killed after 20 s) ${child.stderr}`);
      assert.deepEqual(JSON.parse(child.stdout), { found: [path.join('app', 'Dockerfile')], finds: true });
    });
    it('an unreadable folder or .gitignore met by the walk is an I/O error: named on stderr with the reason, exit 2, no report that passes for clean (F1)', { skip: !posix }, () => {
      const dir = sharedProject({ 'proj/svc/compose.yaml': 'services:\n  web:\n    image: nginx:1.27\n    privileged: true\n', 'proj/Dockerfile': 'FROM alpine:3.22\nUSER 1000\n' });
      fs.chmodSync(path.join(dir, 'proj', 'svc'), 0o000);
      try {
        for (const format of ['text', 'sarif']) {
          const r = cli(['check', 'proj', '--format', format], dir, { uid: asUser });
          assert.equal(r.code, 2, `${format}: ${r.stderr}`);
          assert.match(r.stderr, /^docker-guardrails: cannot read the folder proj\/svc: permission denied \(EACCES\)$/m, format);
          assert.match(r.stderr, /nothing was checked/, format);
          assert.equal(r.stdout, '', `${format}: no report`);
        }
        // A file named inside it: permission denied, not "no such file or directory" (F9.1).
        const named = cli(['check', 'proj/svc/compose.yaml'], dir, { uid: asUser });
        assert.equal(named.code, 2);
        assert.equal(named.stderr, 'docker-guardrails: proj/svc/compose.yaml: permission denied (EACCES)\n');
      } finally {
        fs.chmodSync(path.join(dir, 'proj', 'svc'), 0o755);
      }
      const ignore = sharedProject({ '.gitignore': 'gen/\n', 'gen/Dockerfile': 'FROM node\n', Dockerfile: 'FROM alpine:3.22\nUSER 1000\n' });
      fs.chmodSync(path.join(ignore, '.gitignore'), 0o000);
      const r = cli(['check', '.'], ignore, { uid: asUser });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^docker-guardrails: cannot read \.gitignore: permission denied \(EACCES\)$/m);
    });

    it('says why a file cannot be read in plain words, names a typed path as typed, and a link loop as one (F9.1)', { skip: !posix }, () => {
      const dir = sharedProject({ 'a/b/c/.keep': '', 'fifo/Dockerfile.keep': '', 'walk/Dockerfile': 'FROM alpine:3.22\nUSER 1000\n', 'locked/Dockerfile': 'FROM alpine:3.22\n' });
      const cwd = path.join(dir, 'a', 'b', 'c');
      const dev = cli(['check', '/dev/null'], cwd);
      assert.equal(dev.code, 2);
      assert.equal(dev.stderr, 'docker-guardrails: cannot read /dev/null: not a regular file (a device)\n');
      spawnSync('mkfifo', [path.join(dir, 'fifo', 'Dockerfile')]);
      const fifo = cli(['check', 'fifo/Dockerfile'], dir);
      assert.equal(fifo.stderr, 'docker-guardrails: cannot read fifo/Dockerfile: not a regular file (a named pipe)\n');
      fs.symlinkSync('loop', path.join(dir, 'loop'));
      const loop = cli(['check', 'loop'], dir);
      assert.equal(loop.code, 2);
      assert.match(loop.stderr, /^docker-guardrails: loop is a symbolic link that leads back to itself \(too many levels of symbolic links\); symbolic links are not followed\n$/);
      // A FIFO named Dockerfile met by a walk: not read (it would block), named as not checked, in SARIF too; the exit code stands.
      const walked = cli(['check', 'fifo', 'walk'], dir);
      assert.equal(walked.code, 0, walked.stderr);
      assert.equal(walked.stderr, 'docker-guardrails: not checked: fifo/Dockerfile (not a regular file: a named pipe)\n');
      assert.match(walked.stdout, /^fifo\/Dockerfile: skipped \(not a regular file: a named pipe\)$/m);
      const sarif = JSON.parse(cli(['check', 'fifo', '--format', 'sarif'], dir).stdout);
      assert.equal(sarif.runs[0].invocations[0].toolExecutionNotifications[0].message.text, 'Not analyzed: not a regular file: a named pipe.');
      // A file the walk finds but cannot read.
      fs.chmodSync(path.join(dir, 'locked', 'Dockerfile'), 0o000);
      const locked = cli(['check', 'locked'], dir, { uid: asUser });
      assert.equal(locked.code, 2);
      assert.equal(locked.stderr, 'docker-guardrails: cannot read locked/Dockerfile: permission denied (EACCES)\n');
    });
    it('the language server\'s scan logs an unreadable folder once, with the reason, and analyzes the rest (F1)', { skip: !posix }, async () => {
      const dir = sharedProject({ 'svc/compose.yaml': 'services:\n  web:\n    image: nginx:1.27\n    privileged: true\n', 'api/Dockerfile': 'FROM node:latest\n' });
      fs.chmodSync(path.join(dir, 'svc'), 0o000);
      const client = new TestClient([], process.env, asUser);
      try {
        await client.initialize([dir]);
        await client.until('the scan to finish', () => client.logs.some((l) => /workspace scan: \d+ files/.test(l)));
        assert.deepEqual(
          client.logs.filter((l) => l.includes('cannot read')),
          [`[docker-guardrails] workspace scan: cannot read the folder ${path.join(dir, 'svc')}: permission denied (EACCES); the files in it are not analyzed`],
        );
        assert.ok((await client.diagnostics(URI.file(path.join(dir, 'api', 'Dockerfile')).toString())).some((d) => d.code === 'DF001'), 'the rest is analyzed');
      } finally {
        await client.shutdown();
        fs.chmodSync(path.join(dir, 'svc'), 0o755);
      }
    });
    it('--fix refuses, before writing anything, a file the user may not write or one with other hard links; as root it keeps a file\'s owner (F8)', { skip: !posix }, () => {
      const FIXABLE = 'FROM alpine:3.22\nRUN apk add curl\nUSER 1000\n';
      const dir = sharedProject({ 'ro/Dockerfile': FIXABLE, 'ro/compose.yaml': 'services:\n  web:\n    image: nginx:1.27\n    read_only: false\n', 'linked/Dockerfile': FIXABLE, 'owned/Dockerfile': FIXABLE });
      const ro = path.join(dir, 'ro', 'Dockerfile');
      fs.chmodSync(ro, 0o444);
      fs.chmodSync(path.join(dir, 'ro'), 0o777);
      const listing = () => fs.readdirSync(path.join(dir, 'ro')).sort();
      const before = listing();
      const r = cli(['check', 'ro', '--fix'], dir, { uid: asUser });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /will not write .*ro\/Dockerfile: it is read-only for this user \(permission denied \(EACCES\)\); no file was changed/);
      assert.equal(fs.readFileSync(ro, 'utf8'), FIXABLE);
      assert.equal(fs.statSync(ro).uid, process.getuid!(), 'the file was not replaced');
      assert.deepEqual(listing(), before, 'no temporary file is left, the compose file is not written either');
      // A second name of the file would keep the old text: refused, both names unchanged.
      const linked = path.join(dir, 'linked', 'Dockerfile');
      fs.linkSync(linked, path.join(dir, 'other-name'));
      const l = cli(['check', 'linked', '--fix'], dir);
      assert.equal(l.code, 2, l.stderr);
      assert.match(l.stderr, /will not write .*linked\/Dockerfile: it has 2 hard links, and its other names would keep the old text; no file was changed/);
      assert.equal(fs.readFileSync(linked, 'utf8'), FIXABLE);
      assert.equal(fs.statSync(linked).ino, fs.statSync(path.join(dir, 'other-name')).ino);
      // Root fixing a user's file: the file stays the user's.
      if (process.getuid?.() === 0) {
        const owned = path.join(dir, 'owned', 'Dockerfile');
        fs.chownSync(owned, 65534, 65534);
        fs.chmodSync(owned, 0o640);
        const o = cli(['check', 'owned', '--fix'], dir);
        assert.equal(o.code, 0, o.stderr);
        assert.match(fs.readFileSync(owned, 'utf8'), /apk add --no-cache curl/);
        const st = fs.statSync(owned);
        assert.deepEqual([st.uid, st.gid, st.mode & 0o7777], [65534, 65534, 0o640]);
      }
    });
    it('a symbolic link to a folder named on the command line is refused, as one to a file is: nothing outside is read, --fix writes nothing through it (F9.2)', { skip: !posix }, () => {
      const FIXABLE = 'FROM alpine:3.22\nRUN apk add curl\nUSER 1000\n';
      const elsewhere = sharedProject({ Dockerfile: FIXABLE });
      const dir = sharedProject({ 'real/Dockerfile': FIXABLE });
      fs.symlinkSync(elsewhere, path.join(dir, 'outside'));
      fs.symlinkSync('real', path.join(dir, 'link'));
      for (const args of [['outside'], ['outside', '--fix'], ['real', 'link'], ['link/']]) {
        const r = cli(['check', ...args], dir);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, /^docker-guardrails: (?:outside|link\/?) is a symbolic link to a folder; symbolic links are not followed \(name the folder it points to\)\n$/, args.join(' '));
        assert.equal(r.stdout, '', args.join(' '));
      }
      assert.equal(fs.readFileSync(path.join(elsewhere, 'Dockerfile'), 'utf8'), FIXABLE, 'nothing written through the link');
      assert.match(cli(['check', 'real', '--fail-on', 'info'], dir).stdout, /DF030|DF0\d\d/, 'the folder itself is checked');
    });
    it('--fix-dry-run of a path outside the current folder writes paths that git apply and patch -p1 accept, relative to a folder it names (F9.3)', () => {
      const FIXABLE = 'FROM alpine:3.22\nRUN apk add curl\nUSER 1000\n';
      const dir = tempFiles('dg-io-dry-', { 'proj one/Dockerfile': FIXABLE, 'proj one/sub/Dockerfile': FIXABLE, 'cwd/.keep': '' });
      const r = cli(['check', '../proj one', '--fix-dry-run'], path.join(dir, 'cwd'));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^--- a\/Dockerfile\n\+\+\+ b\/Dockerfile$/m);
      assert.match(r.stdout, /^--- a\/sub\/Dockerfile$/m);
      const base = path.join(dir, 'proj one');
      assert.equal(r.stderr, `docker-guardrails: the diff's paths are relative to ${base} (a changed file is outside the current folder): apply it there (cd '${base}' && git apply, or patch -p1)\n`);
      fs.writeFileSync(path.join(dir, 'fix.diff'), r.stdout);
      const git = spawnSync('git', ['apply', path.join(dir, 'fix.diff')], { cwd: base, encoding: 'utf8' });
      assert.equal(git.status, 0, git.stderr);
      assert.match(fs.readFileSync(path.join(base, 'sub', 'Dockerfile'), 'utf8'), /apk add --no-cache curl/);
      // Inside the current folder: paths from it, no notice (as before).
      const inside = cli(['check', '.', '--fix-dry-run'], path.join(dir, 'proj one'));
      assert.equal(inside.stderr, '');
      assert.equal(inside.stdout, '');
    });
    it('a walk of a repository\'s subfolder applies the .gitignore files from the repository\'s root down, as git does (F9.4)', () => {
      const dir = tempFiles('dg-io-parent-', {
        '.gitignore': 'generated/\n',
        'sub/.gitignore': 'scratch/\n',
        'sub/Dockerfile': 'FROM node:latest\nUSER 1000\n',
        'sub/generated/Dockerfile': 'FROM node:latest\n',
        'sub/deeper/scratch/Dockerfile': 'FROM node:latest\n',
      });
      fs.mkdirSync(path.join(dir, '.git'));
      const files = (args: string[], cwd: string) => [...new Set((JSON.parse(cli([...args, '--format', 'json'], cwd).stdout) as { file: string }[]).map((f) => f.file))];
      assert.deepEqual(files(['check', '.'], dir), ['sub/Dockerfile'], 'from the root');
      assert.deepEqual(files(['check', 'sub'], dir), ['sub/Dockerfile'], 'from a subfolder: the same files');
      assert.deepEqual(files(['check', '.'], path.join(dir, 'sub')), ['Dockerfile']);
      assert.deepEqual(files(['check', 'deeper'], path.join(dir, 'sub')), [], 'the .gitignore of every folder between');
      assert.deepEqual(files(['check', 'sub/generated'], dir), ['sub/generated/Dockerfile'], 'a folder named on the command line is walked whatever ignores it');
      // Without a repository, no folder above the walk is read for .gitignore files (as before).
      fs.rmdirSync(path.join(dir, '.git'));
      assert.deepEqual(files(['check', 'sub'], dir), ['sub/Dockerfile', 'sub/generated/Dockerfile']);
    });
  });
