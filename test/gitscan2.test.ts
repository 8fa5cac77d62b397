/**
 * The fixes that write a `.gitignore` line decide from the committed `.gitignore` files alone whether the file is
 * already ignored (session 30, gitscan2 item 2): a `.env` that only the user's core.excludesFile or the clone's
 * `.git/info/exclude` ignores is committed by a teammate's `git add .`, so DC040's "Move … to .env" still writes `.env`
 * to `.gitignore` (SECURITY-GUIDELINES.md §5), in the CLI and in the editor.
 */
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { WorkspaceEdit } from 'vscode-languageserver-protocol';
import { CLI, runCli } from './helpers/cli';
import { TestClient } from './helpers/lsp-client';
import { tempFiles } from './helpers/temp';
import { gitIgnoreCase, isGitIgnored, isIgnoredByGitignore } from '../rules/engine/repo';
import { viewOf } from './helpers/fixtures';

const ENV_FILE_COMPOSE = 'services:\n  db:\n    image: postgres:17-alpine\n    env_file: .env\n';
const INLINE = 'services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD: gs2-Inline-Passw0rd-1\n';

/** git with no per-user state, in `cwd`. */
function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', HOME: cwd, XDG_CONFIG_HOME: '' } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

const clients: TestClient[] = [];

describe('a .env ignored only per clone or per user still gets its .gitignore line (DC040, DC042)', () => {
  after(async () => {
    for (const c of clients.splice(0)) await c.shutdown();
  });

  it('isIgnoredByGitignore reads the .gitignore files, not info/exclude nor the user\'s ignore file', () => {
    const files = new Map([
      ['/r/.git/info/exclude', '.env\n'],
      ['/r/compose.yaml', ''],
    ]);
    const v = viewOf(files);
    const ws = { ...v, exists: (p: string) => v.exists(p) || p === '/r/.git', gitExcludesFile: () => '/home/u/ignore' };
    assert.equal(isGitIgnored(ws, '/r/.env'), true);
    assert.equal(isIgnoredByGitignore(ws, '/r/.env'), false);
    files.delete('/r/.git/info/exclude');
    files.set('/home/u/ignore', 'secrets/\n');
    assert.equal(isGitIgnored(ws, '/r/secrets/db.txt'), true);
    assert.equal(isIgnoredByGitignore(ws, '/r/secrets/db.txt'), false);
    files.set('/r/.gitignore', 'secrets/\n');
    assert.equal(isIgnoredByGitignore(ws, '/r/secrets/db.txt'), true);
  });

  it('check --fix with .env in the user\'s ~/.config/git/ignore, or in .git/info/exclude: .gitignore gets .env', () => {
    for (const where of ['home', 'exclude'] as const) {
      const top = tempFiles('dg-gs2-', { 'r/compose.yaml': INLINE, 'home/.config/git/ignore': where === 'home' ? '.env\n' : '' });
      const r = path.join(top, 'r');
      git(r, 'init', '-q');
      if (where === 'exclude') fs.appendFileSync(path.join(r, '.git', 'info', 'exclude'), '.env\n');
      const env: NodeJS.ProcessEnv = { ...process.env, HOME: path.join(top, 'home') };
      delete env.XDG_CONFIG_HOME;
      delete env.GIT_CONFIG_GLOBAL;
      // git in that environment does ignore .env: this clone, this user.
      const status = spawnSync('git', ['check-ignore', '-q', '.env'], { cwd: r, env: { ...env, GIT_CONFIG_NOSYSTEM: '1' } });
      assert.equal(status.status, 0, `${where}: git ignores .env here`);
      const fix = spawnSync(process.execPath, [CLI, 'check', '--fix', '.'], { cwd: r, encoding: 'utf8', env });
      assert.ok(fix.status === 0 || fix.status === 1, fix.stderr);
      assert.equal(fs.readFileSync(path.join(r, 'compose.yaml'), 'utf8').includes('${POSTGRES_PASSWORD}'), true, `${where}: moved`);
      assert.equal(fs.readFileSync(path.join(r, '.env'), 'utf8'), 'POSTGRES_PASSWORD=gs2-Inline-Passw0rd-1\n', where);
      assert.equal(fs.existsSync(path.join(r, '.gitignore')) ? fs.readFileSync(path.join(r, '.gitignore'), 'utf8') : '(none)', '.env\n', `${where}: the committed .gitignore ignores .env`);
      // A teammate's clone (no info/exclude, no such ignore file) ignores it too.
      assert.equal(git(r, '-c', 'core.excludesFile=/dev/null', 'status', '--porcelain', '--ignored', '--untracked-files=all').includes('!! .env'), true, where);
    }
  });

  it('the editor\'s "Move POSTGRES_PASSWORD to .env" writes .gitignore when only .git/info/exclude ignores .env', async () => {
    const r = tempFiles('dg-gs2-lsp-', { 'compose.yaml': INLINE });
    git(r, 'init', '-q');
    fs.appendFileSync(path.join(r, '.git', 'info', 'exclude'), '.env\n');
    const client = new TestClient();
    clients.push(client);
    await client.initialize([r]);
    const uri = client.open(path.join(r, 'compose.yaml'), INLINE, 'dockercompose');
    const ds = (await client.diagnostics(uri, 1)).filter((d) => d.code === 'DC040');
    assert.equal(ds.length, 1);
    const actions = await client.codeActions(uri, ds, ['quickfix']);
    const move = actions.find((a) => /^Move POSTGRES_PASSWORD to \.env/.test(a.title));
    assert.ok(move, actions.map((a) => a.title).join('\n'));
    const resolved = await client.resolved(move);
    const edit = resolved.edit as WorkspaceEdit;
    const touched = (edit.documentChanges ?? []).map((c) => ('textDocument' in c ? c.textDocument.uri : 'uri' in c ? c.uri : '')).map((u) => path.basename(decodeURIComponent(u)));
    assert.ok(touched.includes('.gitignore'), touched.join(', '));
  });

  it('the editor\'s "Pass POSTGRES_PASSWORD as a secret file" (DC042) writes secrets/ to .gitignore when only .git/info/exclude ignores it', async () => {
    const r = tempFiles('dg-gs2-dc042-', { 'compose.yaml': INLINE });
    git(r, 'init', '-q');
    fs.appendFileSync(path.join(r, '.git', 'info', 'exclude'), 'secrets/\n');
    const client = new TestClient();
    clients.push(client);
    await client.initialize([r]);
    const uri = client.open(path.join(r, 'compose.yaml'), INLINE, 'dockercompose');
    const ds = (await client.diagnostics(uri, 1)).filter((d) => d.code === 'DC042');
    assert.equal(ds.length, 1);
    const actions = await client.codeActions(uri, ds, ['quickfix']);
    const pass = actions.find((a) => /^Pass POSTGRES_PASSWORD as a secret file/.test(a.title));
    assert.ok(pass, actions.map((a) => a.title).join('\n'));
    const edit = (await client.resolved(pass)).edit as WorkspaceEdit;
    const touched = (edit.documentChanges ?? []).map((c) => ('textDocument' in c ? c.textDocument.uri : 'uri' in c ? c.uri : '')).map((u) => path.basename(decodeURIComponent(u)));
    assert.ok(touched.includes('.gitignore'), touched.join(', '));
  });

  it('check --fix of an existing unignored .env (DR001) with .env in info/exclude only: no finding, nothing written (detection is this clone\'s view)', () => {
    const r = tempFiles('dg-gs2-dr001-', { 'compose.yaml': 'services:\n  db:\n    image: postgres:17-alpine\n    env_file: .env\n', '.env': 'POSTGRES_PASSWORD=x-gs2-pw-123\n' });
    git(r, 'init', '-q');
    fs.appendFileSync(path.join(r, '.git', 'info', 'exclude'), '.env\n');
    const out = runCli(['check', '--fix', '.'], r);
    assert.doesNotMatch(out.stdout, /DR001/);
    assert.equal(fs.existsSync(path.join(r, '.gitignore')), false);
  });
});

describe('core.ignorecase of a linked worktree is read from its common folder (gitscan2 item 3)', () => {
  after(async () => {
    for (const c of clients.splice(0)) await c.shutdown();
  });

  /** A repository `main` with core.ignorecase = true and a commit, and its linked worktree `wt` holding a project whose .gitignore says `.ENV`. */
  function worktree(): { top: string; wt: string } {
    const top = tempFiles('dg-gs2-wt-', { 'main/README': 'x\n' });
    const main = path.join(top, 'main');
    git(main, 'init', '-q');
    git(main, 'config', 'core.ignorecase', 'true');
    git(main, 'add', 'README');
    git(main, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'x');
    const wt = path.join(top, 'wt');
    git(main, 'worktree', 'add', '-q', wt);
    fs.writeFileSync(path.join(wt, '.gitignore'), '.ENV\n');
    fs.writeFileSync(path.join(wt, 'compose.yaml'), ENV_FILE_COMPOSE);
    fs.writeFileSync(path.join(wt, '.env'), 'POSTGRES_PASSWORD=gs2-wt-password-1\n');
    return { top, wt };
  }

  it('git ignores .env there; the CLI and the editor (restricted, folder = the worktree) report no DR001', async () => {
    const { wt } = worktree();
    assert.equal(fs.statSync(path.join(wt, '.git')).isFile(), true);
    assert.match(git(wt, 'status', '--porcelain', '--ignored', '--untracked-files=all'), /^!! \.env$/m);
    assert.doesNotMatch(runCli(['check', '.'], wt).stdout, /DR001/);
    const client = new TestClient();
    clients.push(client);
    await client.initialize([wt], { workspaceTrusted: false });
    const uri = client.open(path.join(wt, 'compose.yaml'), ENV_FILE_COMPOSE, 'dockercompose');
    const ds = await client.diagnostics(uri, 1);
    assert.deepEqual(ds.filter((d) => d.code === 'DR001').map((d) => d.message), []);
    // With core.ignorecase false in the main repository, git and both report it.
    git(path.join(path.dirname(wt), 'main'), 'config', 'core.ignorecase', 'false');
    assert.match(git(wt, 'status', '--porcelain', '--untracked-files=all'), /^\?\? \.env$/m);
    assert.match(runCli(['check', '.'], wt).stdout, /DR001/);
  });

  it('gitIgnoreCase follows the gitfile and its commondir', () => {
    const files = new Map([
      ['/w/.git', 'gitdir: /r/.git/worktrees/w\n'],
      ['/r/.git/worktrees/w/commondir', '../..\n'],
      ['/r/.git/config', '[core]\n\tignorecase = true\n'],
      ['/s/.git', 'gitdir: ../r/.git/modules/s\n'],
      ['/r/.git/modules/s/config', '[core]\n\tignorecase\n'],
    ]);
    const ws = viewOf(files);
    assert.equal(gitIgnoreCase(ws, '/w'), true);
    assert.equal(gitIgnoreCase(ws, '/s'), true);
    assert.equal(gitIgnoreCase(ws, '/r'), true);
    files.set('/r/.git/config', '[core]\n\tignorecase = false\n');
    assert.equal(gitIgnoreCase(ws, '/w'), false);
  });
});

describe('the walk that chooses files matches .gitignore patterns with the repository\'s core.ignorecase (gitscan2 item 4)', () => {
  after(async () => {
    for (const c of clients.splice(0)) await c.shutdown();
  });

  const DOCKERFILE = 'FROM ubuntu\nRUN apt-get update\n';
  const scans = (client: TestClient) => client.logs.filter((l) => /workspace scan: \d+ files/.test(l)).length;

  function cliFiles(dir: string, target = '.'): string[] {
    const r = runCli(['check', target, '--format', 'json'], dir);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    return [...new Set((JSON.parse(r.stdout) as { file: string }[]).map((f) => path.relative(dir, path.resolve(dir, f.file))))].sort();
  }

  async function serverFiles(dir: string, expectedCount: number): Promise<string[]> {
    const client = new TestClient();
    clients.push(client);
    await client.initialize([dir], { workspaceTrusted: false });
    await client.until('scan', () => scans(client) >= 1);
    const files = () => {
      const latest = new Map<string, number>();
      for (const p of client.published) latest.set(p.uri, p.diagnostics.length);
      return [...latest].filter(([, n]) => n > 0).map(([uri]) => path.relative(dir, new URL(uri).pathname)).sort();
    };
    await client.until('the scan published its files', () => files().length >= expectedCount);
    return files();
  }

  it('GENERATED/ does not ignore generated/ on Linux (core.ignorecase unset): git, check and the workspace scan take generated/Dockerfile; with core.ignorecase true none does', async () => {
    const top = tempFiles('dg-gs2-case-', { 'r/.gitignore': 'GENERATED/\n', 'r/Dockerfile': DOCKERFILE, 'r/generated/Dockerfile': DOCKERFILE, 'r/app/.gitignore': 'OUT.Dockerfile\n', 'r/app/out.Dockerfile': DOCKERFILE, 'r/sub/Sub.Dockerfile': DOCKERFILE });
    fs.appendFileSync(path.join(top, 'r', '.gitignore'), 'SUB.dockerfile\n');
    const r = path.join(top, 'r');
    git(r, 'init', '-q');
    const both = ['Dockerfile', path.join('app', 'out.Dockerfile'), path.join('generated', 'Dockerfile'), path.join('sub', 'Sub.Dockerfile')];
    assert.match(git(r, 'status', '--porcelain', '--untracked-files=all'), /^\?\? generated\/Dockerfile$/m);
    assert.deepEqual(cliFiles(r), both);
    // A walk that starts below the root applies the root's .gitignore (ignoreFrom) with the same case rule.
    assert.deepEqual(cliFiles(r, 'sub'), [path.join('sub', 'Sub.Dockerfile')]);
    assert.deepEqual(await serverFiles(r, 4), both);
    git(r, 'config', 'core.ignorecase', 'true');
    assert.doesNotMatch(git(r, 'status', '--porcelain', '--untracked-files=all'), /generated|out\.Dockerfile|Sub\.Dockerfile/);
    assert.deepEqual(cliFiles(r), ['Dockerfile']);
    assert.deepEqual(cliFiles(r, 'sub'), []);
    assert.deepEqual(await serverFiles(r, 1), ['Dockerfile']);
  });
});
