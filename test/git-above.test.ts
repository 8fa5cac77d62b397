/**
 * Follow-ups of review 48a, finding 2 (commit 810d8bc1): the editor and the CLI agree on DR001/DR004 when VS Code is
 * opened on a subfolder of a repository. The server reads, above its workspace folder, what git and the CLI read for a
 * file there: the `.gitignore` of the repository's root and of each folder down to the workspace folder, the root's
 * `.git/info/exclude`, `.git/config` (core.ignorecase) and `.git/index` (is the file tracked?), in a restricted
 * workspace too, and reads them again when they change; not a `.gitignore` above the repository's root. And in no
 * repository DC040's "is .env already ignored" question is answered from the compose file's folder down, not by a
 * stray `.gitignore` in a folder above it.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from './helpers/cli';
import { SERVER, TestClient } from './helpers/lsp-client';
import { tempFiles } from './helpers/temp';
import { isGitIgnored } from '../rules/engine/repo';
import { viewOf } from './helpers/fixtures';
import { COMPOSE_WITH_ENV_AND_SECRET_FILE } from './helpers/secret-files-compose';

/** An env file with a secret and a secret's file: DR001 and DR004 unless git ignores them. */
const COMPOSE = COMPOSE_WITH_ENV_AND_SECRET_FILE;
const APP = { 'compose.yaml': COMPOSE, '.env': 'POSTGRES_PASSWORD=ga-db-password-123\n', 'secrets/db_password.txt': 'ga-db-password-123\n' };
const IGNORES = '.env\nsecrets/\n';

/** A temporary folder with `files`, the project's files under `app` (the folder checked and opened), and `.git` folders at `gits`. */
function layout(files: Record<string, string>, app = 'r/app', gits: string[] = ['r']): { top: string; app: string } {
  const top = tempFiles('dg-gitabove-', { ...files, ...Object.fromEntries(Object.entries(APP).map(([rel, text]) => [`${app}/${rel}`, text])) });
  for (const g of gits) fs.mkdirSync(path.join(top, g, '.git'), { recursive: true });
  return { top, app: path.join(top, app) };
}

/** What `check` in the folder reports of DR001/DR004: code and message. */
function cliFindings(dir: string): string[] {
  const r = runCli(['check', '.', '--format', 'json'], dir);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  return (JSON.parse(r.stdout) as { code: string; message: string }[])
    .filter((f) => /^DR00[14]$/.test(f.code))
    .map((f) => `${f.code} ${f.message}`)
    .sort();
}

const clients: TestClient[] = [];

/** The server, with `folder` as its only workspace folder (trusted or not). */
async function server(folder: string, trusted: boolean): Promise<TestClient> {
  const client = new TestClient();
  clients.push(client);
  await client.initialize([folder], { workspaceTrusted: trusted });
  return client;
}

function serverFindings(client: TestClient, uri: string, version: number): Promise<string[]> {
  return client.diagnostics(uri, version).then((ds) => ds.filter((d) => /^DR00[14]$/.test(String(d.code))).map((d) => `${String(d.code)} ${d.message}`).sort());
}

/** The DR001/DR004 findings of `dir/compose.yaml`, opened in a server whose workspace folder is `dir`. */
async function editorFindings(dir: string, trusted = false): Promise<string[]> {
  const client = await server(dir, trusted);
  const uri = client.open(path.join(dir, 'compose.yaml'), COMPOSE, 'dockercompose');
  return serverFindings(client, uri, 1);
}

function git(cwd: string, ...args: string[]): void {
  const r = spawnSync('git', ['-c', 'core.excludesFile=/dev/null', ...args], { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

describe('a workspace folder below the repository root: the editor reads the ignore files and index git reads above it, as the CLI does', () => {
  before(() => assert.ok(fs.existsSync(SERVER), 'dist/server.js is missing: run the build first'));
  after(async () => {
    for (const c of clients) await c.shutdown();
  });

  for (const trusted of [false, true]) {
    it(`the root's .gitignore ignores both: the CLI and the editor report nothing (${trusted ? 'trusted' : 'restricted'} workspace)`, async () => {
      const { app } = layout({ 'r/.gitignore': IGNORES });
      assert.deepEqual(cliFindings(app), []);
      assert.deepEqual(await editorFindings(app, trusted), []);
    });
  }

  it("a .gitignore between the root and the workspace folder counts, and so does the root's .git/info/exclude", async () => {
    const mid = layout({ 'r/mid/.gitignore': IGNORES }, 'r/mid/app');
    assert.deepEqual(cliFindings(mid.app), []);
    assert.deepEqual(await editorFindings(mid.app), []);
    const exclude = layout({ 'r/.git/info/exclude': IGNORES });
    assert.deepEqual(cliFindings(exclude.app), []);
    assert.deepEqual(await editorFindings(exclude.app), []);
  });

  it("the root's .git/config decides the case: .ENV ignores .env only with core.ignorecase", async () => {
    const upper = '.ENV\nSECRETS/\n';
    const sensitive = layout({ 'r/.gitignore': upper });
    const both = cliFindings(sensitive.app);
    assert.deepEqual(both.map((f) => f.slice(0, 5)), ['DR001', 'DR004']);
    assert.deepEqual(await editorFindings(sensitive.app), both);
    const insensitive = layout({ 'r/.gitignore': upper, 'r/.git/config': '[core]\n\tignorecase = true\n' });
    assert.deepEqual(cliFindings(insensitive.app), []);
    assert.deepEqual(await editorFindings(insensitive.app), []);
  });

  it("the root's index says the ignored .env is tracked: both report it as tracked", async () => {
    const { top, app } = layout({ 'r/.gitignore': IGNORES }, 'r/app', []);
    git(path.join(top, 'r'), 'init', '-q');
    git(path.join(top, 'r'), 'add', '-f', 'app/.env');
    const cli = cliFindings(app);
    assert.equal(cli.length, 1, cli.join('\n'));
    assert.match(cli[0], /^DR001 '\.env' .* is tracked by git/);
    assert.deepEqual(await editorFindings(app), cli);
  });

  it("a change of the root's .gitignore is seen at the file's next analysis (no watcher covers it)", async () => {
    const { top, app } = layout({ 'r/.gitignore': IGNORES });
    const client = await server(app, false);
    const uri = client.open(path.join(app, 'compose.yaml'), COMPOSE, 'dockercompose');
    assert.deepEqual(await serverFindings(client, uri, 1), []);
    fs.writeFileSync(path.join(top, 'r', '.gitignore'), 'node_modules/\n');
    const v2 = client.change(uri, [{ text: `${COMPOSE}# edited\n` }]);
    const now = await serverFindings(client, uri, v2);
    assert.deepEqual(now.map((f) => f.slice(0, 5)), ['DR001', 'DR004']);
    assert.deepEqual(now, cliFindings(app));
    fs.writeFileSync(path.join(top, 'r', '.gitignore'), IGNORES);
    const v3 = client.change(uri, [{ text: COMPOSE }]);
    assert.deepEqual(await serverFindings(client, uri, v3), []);
  });

  it("a .gitignore above the repository's root is not git's: neither reads it, both report", async () => {
    const { app } = layout({ '.gitignore': IGNORES });
    const cli = cliFindings(app);
    assert.deepEqual(cli.map((f) => f.slice(0, 5)), ['DR001', 'DR004']);
    assert.deepEqual(await editorFindings(app), cli);
  });
});

describe("in no repository, whether .env is ignored is read from the compose file's folder down (DC040's move)", () => {
  it('a .gitignore in a folder above the project does not decide: check --fix still ignores the moved .env beside it', () => {
    const compose = 'services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD: "ga-Pa55word!x"\n';
    const top = tempFiles('dg-gitabove-', { '.gitignore': '.env\n', 'proj/compose.yaml': compose });
    for (let d = top; d !== path.dirname(d); d = path.dirname(d)) assert.ok(!fs.existsSync(path.join(d, '.git')), `${d}/.git exists: the test needs a temporary folder in no repository`);
    const dir = path.join(top, 'proj');
    runCli(['check', '.', '--fix'], dir);
    assert.equal(fs.readFileSync(path.join(dir, 'compose.yaml'), 'utf8'), compose.replace('"ga-Pa55word!x"', '"${POSTGRES_PASSWORD}"'));
    assert.equal(fs.readFileSync(path.join(dir, '.env'), 'utf8'), "POSTGRES_PASSWORD='ga-Pa55word!x'\n");
    assert.equal(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8'), '.env\n');
  });

  it("isGitIgnored: the ignore files from the compose file's folder down, else the file's own folder; in a repository, from its root", () => {
    const files = new Map([
      ['/h/.gitignore', '.env\n'],
      ['/h/p/.gitignore', 'db/.env\n'],
      ['/h/p/db/.env', 'X=1\n'],
      ['/h/p/.env', 'X=1\n'],
    ]);
    const none = viewOf(files);
    assert.equal(isGitIgnored(none, '/h/p/db/.env', '/h/p'), true, "the compose file's .gitignore counts for a file below it");
    assert.equal(isGitIgnored(none, '/h/p/db/.env', '/h/p/db'), false, 'not above the folder given');
    assert.equal(isGitIgnored(none, '/h/p/db/.env'), false, 'by default, the own folder only');
    assert.equal(isGitIgnored(none, '/h/p/.env', '/h/p'), false, "the home folder's .gitignore does not decide");
    assert.equal(isGitIgnored(none, '/h/p/.env', '/h/p/db'), false, 'a file outside the folder given: its own folder only');
    assert.equal(isGitIgnored(viewOf(files, '/h'), '/h/p/.env', '/h/p'), true, "in the repository /h, its root's .gitignore");
  });
});
