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
import { CLI } from './helpers/cli';
import { tempFiles } from './helpers/temp';

/** In a child process (DG_IO_CHILD): walk as asked and print what was found, so that a walk that blocks is a timeout, not a hung test run. */
function childWalk(): void {
  const { root, file } = JSON.parse(process.env.DG_IO_CHILD!) as { root: string; file: string };
  const found = findFiles(root).map((f) => path.relative(root, f.path));
  process.stdout.write(JSON.stringify({ found, finds: walkFinds(root, file) }));
}

/** Runs the built CLI with a timeout (a walk that blocks is killed, status null). */
function cli(args: string[], cwd: string, options: { uid?: number; timeout?: number } = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: options.timeout ?? 20_000, uid: options.uid, gid: options.uid, maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const posix = process.platform !== 'win32';

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
  });
