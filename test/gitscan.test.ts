/**
 * What git ignores, the same in the server and the CLI (session 30, gitscan): a `.git` file that is no gitfile makes no
 * repository; a linked worktree's `info/exclude` is read from the repository's common folder (`commondir`); the
 * workspace scan chooses files as `check` does; the user's core.excludesFile is read by the CLI, never by the server.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from './helpers/cli';
import { SERVER, TestClient } from './helpers/lsp-client';
import { tempFiles } from './helpers/temp';
import { gitCommonDir, gitConfigValue, gitFileTarget, isGitIgnored, repositoryRoot } from '../rules/engine/repo';
import { viewOf } from './helpers/fixtures';
import { COMPOSE_WITH_ENV_AND_SECRET_FILE } from './helpers/secret-files-compose';
import { isolatedEnv } from './helpers/user-env';

const COMPOSE = COMPOSE_WITH_ENV_AND_SECRET_FILE;
const APP = { 'compose.yaml': COMPOSE, '.env': 'POSTGRES_PASSWORD=gs-db-password-123\n', 'secrets/db_password.txt': 'gs-db-password-123\n' };
const IGNORES = '.env\nsecrets/\n';

/** git with no per-user state (no global config, no core.excludesFile), in `cwd`. */
function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'core.excludesFile=/dev/null', '-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** What `check` in the folder reports of DR001/DR002/DR004: code and message. */
function cliFindings(dir: string, env?: NodeJS.ProcessEnv): string[] {
  const r = env ? runCliEnv(['check', '.', '--format', 'json'], dir, env) : runCli(['check', '.', '--format', 'json'], dir);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  return (JSON.parse(r.stdout) as { code: string; message: string }[])
    .filter((f) => /^DR00[124]$/.test(f.code))
    .map((f) => `${f.code} ${f.message}`)
    .sort();
}

function runCliEnv(args: string[], cwd: string, env: NodeJS.ProcessEnv): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.resolve(__dirname, '../../dist/cli.js'), ...args], { cwd, encoding: 'utf8', env: isolatedEnv(env), maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const clients: TestClient[] = [];

/** The DR001/DR002/DR004 findings of `dir/compose.yaml`, opened in a (restricted) server whose workspace folder is `dir`. */
async function editorFindings(dir: string, env?: NodeJS.ProcessEnv): Promise<string[]> {
  const client = new TestClient([], env);
  clients.push(client);
  await client.initialize([dir], { workspaceTrusted: false });
  const uri = client.open(path.join(dir, 'compose.yaml'), COMPOSE, 'dockercompose');
  const ds = await client.diagnostics(uri, 1);
  return ds.filter((d) => /^DR00[124]$/.test(String(d.code))).map((d) => `${String(d.code)} ${d.message}`).sort();
}

describe('a .git file that is no gitfile makes no repository (git: "invalid gitfile format")', () => {
  before(() => assert.ok(fs.existsSync(SERVER), 'dist/server.js is missing: run the build first'));
  after(async () => {
    for (const c of clients.splice(0)) await c.shutdown();
  });

  it('gitFileTarget reads a gitfile as git does: `gitdir: ` first, then a path', () => {
    assert.equal(gitFileTarget('gitdir: ../.git/worktrees/a\n', '/w/a'), '/w/.git/worktrees/a');
    assert.equal(gitFileTarget('gitdir: /r/.git/modules/s\r\n', '/w'), '/r/.git/modules/s');
    for (const bad of ['', '\n', 'garbage\n', 'gitdir:/r/.git\n', ' gitdir: /r/.git\n', 'GITDIR: /r/.git\n', 'gitdir: \n', 'x\ngitdir: /r/.git\n']) {
      assert.equal(gitFileTarget(bad, '/w'), undefined, JSON.stringify(bad));
    }
  });

  it('repositoryRoot passes over a malformed .git file: none, or the repository above, whose work tree holds the folder', () => {
    const ws = (files: Record<string, string>, folders: string[] = []) => {
      const v = viewOf(new Map(Object.entries(files)));
      return { ...v, exists: (p: string) => v.exists(p) || folders.includes(p) };
    };
    assert.equal(repositoryRoot(ws({ '/w/a/.git': '', '/w/a/compose.yaml': '' }), '/w/a'), null);
    assert.equal(repositoryRoot(ws({ '/w/a/.git': 'garbage\n' }), '/w/a'), null);
    assert.equal(repositoryRoot(ws({ '/w/a/.git': 'garbage\n' }, ['/w/.git']), '/w/a'), '/w');
    assert.equal(repositoryRoot(ws({ '/w/a/.git': 'gitdir: /r/.git/worktrees/a\n' }, ['/w/.git']), '/w/a'), '/w/a');
    assert.equal(repositoryRoot(ws({}, ['/w/a/.git']), '/w/a'), '/w/a');
  });

  for (const text of ['', 'garbage\n']) {
    it(`a folder whose .git file holds ${JSON.stringify(text)}: the CLI and the editor judge nothing (DR001, DR002, DR004)`, async () => {
      const dir = tempFiles('dg-gitscan-', { ...APP, '.git': text });
      for (let d = path.dirname(dir); d !== path.dirname(d); d = path.dirname(d)) assert.ok(!fs.existsSync(path.join(d, '.git')), `${d}/.git exists: the test needs a temporary folder in no repository`);
      assert.deepEqual(cliFindings(dir), []);
      assert.deepEqual(await editorFindings(dir), []);
      // The same folder with a gitfile is a repository's: both report.
      fs.writeFileSync(path.join(dir, '.git'), `gitdir: ${path.join(dir, 'elsewhere')}\n`);
      const both = cliFindings(dir);
      assert.deepEqual(both.map((f) => f.slice(0, 5)), ['DR001', 'DR002', 'DR004']);
      assert.deepEqual(await editorFindings(dir), both);
    });
  }

  it('a malformed .git file above the workspace folder: the editor, as the CLI, takes the folder for no repository', async () => {
    const top = tempFiles('dg-gitscan-', { 'r/.git': 'garbage\n', ...Object.fromEntries(Object.entries(APP).map(([rel, text]) => [`r/app/${rel}`, text])) });
    const app = path.join(top, 'r', 'app');
    assert.deepEqual(cliFindings(app), []);
    assert.deepEqual(await editorFindings(app), []);
  });
});

describe("a linked worktree: git reads info/exclude from the repository's common folder (commondir), and so do the CLI and the editor", () => {
  after(async () => {
    for (const c of clients.splice(0)) await c.shutdown();
  });

  it('gitCommonDir and isGitIgnored follow the .git file and the commondir it leads to', () => {
    const files = new Map([
      ['/wt/.git', 'gitdir: /repo/.git/worktrees/wt\n'],
      ['/repo/.git/worktrees/wt/commondir', '../..\n'],
      ['/repo/.git/info/exclude', '.env\n'],
      ['/repo/.git/worktrees/wt/info/exclude', 'other.env\n'],
      ['/wt/compose.yaml', ''],
    ]);
    const ws = viewOf(files);
    assert.equal(gitCommonDir(ws, '/wt'), '/repo/.git');
    assert.equal(isGitIgnored(ws, '/wt/.env'), true);
    assert.equal(isGitIgnored(ws, '/wt/other.env'), false, "the worktree's own git folder's info/exclude is not git's");
    // A submodule's git folder has no commondir: info/exclude is its own.
    const sub = viewOf(new Map([['/w/sub/.git', 'gitdir: ../.git/modules/sub\n'], ['/w/.git/modules/sub/info/exclude', '.env\n']]));
    assert.equal(gitCommonDir(sub, '/w/sub'), '/w/.git/modules/sub');
    assert.equal(isGitIgnored(sub, '/w/sub/.env'), true);
  });

  /** A repository `repo` with a linked worktree `wt` holding the project's files (untracked). */
  function worktree(): { repo: string; wt: string } {
    const top = tempFiles('dg-gitscan-', { 'repo/README': 'r\n' });
    const repo = path.join(top, 'repo');
    git(repo, 'init', '-q');
    git(repo, 'add', 'README');
    git(repo, 'commit', '-q', '-m', 'init');
    git(repo, 'worktree', 'add', '-q', '../wt');
    const wt = path.join(top, 'wt');
    for (const [rel, text] of Object.entries(APP)) {
      fs.mkdirSync(path.dirname(path.join(wt, rel)), { recursive: true });
      fs.writeFileSync(path.join(wt, rel), text);
    }
    fs.writeFileSync(path.join(wt, '.env.example'), 'POSTGRES_PASSWORD=\n');
    return { repo, wt };
  }

  it("the common folder's info/exclude ignores the .env and the secret's file: git, the CLI and the editor agree (nothing to report)", async () => {
    const { repo, wt } = worktree();
    fs.writeFileSync(path.join(repo, '.git', 'info', 'exclude'), IGNORES);
    assert.equal(git(wt, 'status', '--porcelain', '--untracked-files=all'), '?? .env.example\n?? compose.yaml\n');
    assert.deepEqual(cliFindings(wt), []);
    assert.deepEqual(await editorFindings(wt), []);
  });

  it("the worktree's own git folder's info/exclude is not read by git: all three say the files would be committed", async () => {
    const { repo, wt } = worktree();
    const own = path.join(repo, '.git', 'worktrees', 'wt', 'info');
    fs.mkdirSync(own, { recursive: true });
    fs.writeFileSync(path.join(own, 'exclude'), IGNORES);
    assert.match(git(wt, 'status', '--porcelain', '--untracked-files=all'), /^\?\? \.env$/m);
    const cli = cliFindings(wt);
    assert.deepEqual(cli.map((f) => f.slice(0, 5)), ['DR001', 'DR004']);
    assert.deepEqual(await editorFindings(wt), cli);
  });
});

describe("the workspace scan chooses files as `check` in the workspace folder does: the .gitignore files from the repository's root down", () => {
  after(async () => {
    for (const c of clients.splice(0)) await c.shutdown();
  });

  const DOCKERFILE = 'FROM ubuntu\nRUN apt-get update\n';
  const scans = (client: TestClient) => client.logs.filter((l) => /workspace scan: \d+ files/.test(l)).length;

  /** The files the CLI reports findings in, relative to `dir`. */
  function cliFiles(dir: string): string[] {
    const r = runCli(['check', '.', '--format', 'json'], dir);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    return [...new Set((JSON.parse(r.stdout) as { file: string }[]).map((f) => path.relative(dir, path.resolve(dir, f.file))))].sort();
  }

  /** The files the server published findings for, relative to `dir`. */
  function serverFiles(client: TestClient, dir: string): string[] {
    const latest = new Map<string, number>();
    for (const p of client.published) latest.set(p.uri, p.diagnostics.length);
    return [...latest].filter(([, n]) => n > 0).map(([uri]) => path.relative(dir, new URL(uri).pathname)).sort();
  }

  it("a folder the root's .gitignore ignores is not scanned, a file git tracks there is; a file created there later is not analyzed", async () => {
    const top = tempFiles('dg-gitscan-', {
      'r/.gitignore': 'generated/\n',
      'r/app/Dockerfile': DOCKERFILE,
      'r/app/generated/Dockerfile': DOCKERFILE,
      'r/app/generated/kept/Dockerfile': DOCKERFILE,
    });
    const repo = path.join(top, 'r');
    const app = path.join(repo, 'app');
    git(repo, 'init', '-q');
    git(repo, 'add', '-f', 'app/generated/kept/Dockerfile');
    const expected = ['Dockerfile', path.join('generated', 'kept', 'Dockerfile')];
    assert.deepEqual(cliFiles(app), expected);
    const client = new TestClient();
    clients.push(client);
    await client.initialize([app], { workspaceTrusted: false });
    await client.until('scan', () => scans(client) >= 1);
    await client.until('the scan published its files', () => serverFiles(client, app).length >= 2);
    assert.deepEqual(serverFiles(client, app), expected);
    // A watcher's events: one for a file the walk finds, one for a file under the ignored folder.
    for (const rel of ['other/Dockerfile', 'generated/new/Dockerfile']) {
      fs.mkdirSync(path.dirname(path.join(app, rel)), { recursive: true });
      fs.writeFileSync(path.join(app, rel), DOCKERFILE);
    }
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', {
      changes: ['generated/new/Dockerfile', 'other/Dockerfile'].map((rel) => ({ uri: `file://${path.join(app, rel)}`, type: 1 })),
    });
    await client.until('other/Dockerfile analyzed', () => serverFiles(client, app).includes(path.join('other', 'Dockerfile')));
    assert.deepEqual(serverFiles(client, app), [...expected, path.join('other', 'Dockerfile')].sort());
    assert.deepEqual(cliFiles(app), [...expected, path.join('other', 'Dockerfile')].sort());
  });
});

describe("the user's own ignore file (core.excludesFile): the CLI reads it, as git does for the user; the server never does", () => {
  after(async () => {
    for (const c of clients.splice(0)) await c.shutdown();
  });

  it('gitConfigValue reads a value as git-config does', () => {
    const text = '[core]\n\tignorecase = true\n[core "x"]\n\texcludesFile = /no\n[Core]\n  ExcludesFile = "~/a b" ; comment\n[user]\n\texcludesFile = /no\n';
    assert.equal(gitConfigValue(text, 'core', 'excludesFile'), '~/a b');
    assert.equal(gitConfigValue('[core]\nexcludesfile = /x/y # c\n', 'core', 'excludesFile'), '/x/y');
    assert.equal(gitConfigValue('[core]\nexcludesfile = "a\\"b\\\\c"\n', 'core', 'excludesFile'), 'a"b\\c');
    assert.equal(gitConfigValue('[core]\nexcludesfile\n', 'core', 'excludesFile'), undefined);
    assert.equal(gitConfigValue('[core "sub"]\nexcludesfile = /x\n', 'core', 'excludesFile'), undefined);
  });

  it("isGitIgnored counts the view's user ignore file below info/exclude, relative to the root; a view without one reads none", () => {
    const files = new Map([['/home/u/ignore', '.env\n/app/db.env\n'], ['/r/.gitignore', '!keep.env\n'], ['/r/app/compose.yaml', '']]);
    const plain = viewOf(files, '/r');
    const user = { ...plain, gitExcludesFile: () => '/home/u/ignore' };
    assert.equal(isGitIgnored(plain, '/r/app/.env'), false);
    assert.equal(isGitIgnored(user, '/r/app/.env'), true);
    assert.equal(isGitIgnored(user, '/r/app/db.env'), true);
    assert.equal(isGitIgnored(user, '/r/db.env'), false);
    // The user's file has the lowest precedence: the repository's .gitignore re-includes.
    files.set('/home/u/ignore', '*.env\n');
    assert.equal(isGitIgnored(user, '/r/app/keep.env'), false);
    assert.equal(isGitIgnored(user, '/r/app/other.env'), true);
  });

  /** A repository `r` holding the project, and a home folder; the environment of a user with that home. */
  function userLayout(home: Record<string, string>, xdg: boolean): { r: string; env: NodeJS.ProcessEnv; top: string } {
    const top = tempFiles('dg-gitscan-', { ...Object.fromEntries(Object.entries(home).map(([rel, text]) => [`home/${rel}`, text])), ...Object.fromEntries(Object.entries(APP).map(([rel, text]) => [`r/${rel}`, text])), 'r/.env.example': 'POSTGRES_PASSWORD=\n' });
    const r = path.join(top, 'r');
    fs.mkdirSync(path.join(top, 'home'), { recursive: true });
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: path.join(top, 'home'), XDG_CONFIG_HOME: xdg ? path.join(top, 'home', 'xdg') : '' };
    delete env.GIT_CONFIG_GLOBAL;
    return { r, env, top };
  }

  function gitStatus(cwd: string, env: NodeJS.ProcessEnv): string {
    const r = spawnSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd, encoding: 'utf8', env: { ...env, GIT_CONFIG_NOSYSTEM: '1' } });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  }

  for (const [name, home, xdg] of [
    ['$XDG_CONFIG_HOME/git/ignore', { 'xdg/git/ignore': IGNORES }, true],
    ['~/.config/git/ignore (XDG_CONFIG_HOME empty)', { '.config/git/ignore': IGNORES }, false],
    ['the file ~/.gitconfig names (core.excludesFile = ~/…)', { '.gitconfig': '[core]\n\texcludesFile = ~/my-ignores\n', 'my-ignores': IGNORES }, false],
  ] as const) {
    it(`${name}: git and the CLI take .env and secrets/ for ignored; the editor, which reads nothing of the user's, reports them`, async () => {
      const { r, env } = userLayout(home, xdg);
      spawnSync('git', ['init', '-q'], { cwd: r, env });
      assert.equal(gitStatus(r, env), '?? .env.example\n?? compose.yaml\n');
      assert.deepEqual(cliFindings(r, env), []);
      const editor = await editorFindings(r, env);
      assert.deepEqual(editor.map((f) => f.slice(0, 5)), ['DR001', 'DR004']);
      // Without the user's file, the CLI reports what the editor reports.
      const bare = { ...env, HOME: path.join(r, 'nohome'), XDG_CONFIG_HOME: '' };
      assert.match(gitStatus(r, bare), /^\?\? \.env$/m);
      assert.deepEqual(cliFindings(r, bare), editor);
    });
  }

  it("the repository's own core.excludesFile wins over the user's", () => {
    const { r, env } = userLayout({ 'xdg/git/ignore': IGNORES }, true);
    spawnSync('git', ['init', '-q'], { cwd: r, env });
    fs.appendFileSync(path.join(r, '.git', 'config'), '[core]\n\texcludesFile = local-ignores\n');
    fs.writeFileSync(path.join(r, 'local-ignores'), 'secrets/\n');
    assert.match(gitStatus(r, env), /^\?\? \.env$/m);
    assert.deepEqual(cliFindings(r, env).map((f) => f.slice(0, 5)), ['DR001']);
  });
});
