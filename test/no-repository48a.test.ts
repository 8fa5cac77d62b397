/**
 * Review 48a, finding 2: DR001/DR004 said "the next `git add` commits it" and `check --fix` wrote a `.gitignore` in a
 * folder that is in no git repository. With no `.git` (folder, or the `.git` file of a linked worktree or submodule) in
 * the compose file's folder or above it, they report nothing and no fix writes a `.gitignore` on their behalf; DC040's
 * move to `.env` still ignores the `.env` it creates (its docs say why). The CLI and the language server agree, the
 * server also when its workspace folder is a subfolder of a repository (it looks for the `.git` above, reads nothing
 * there) and in a restricted (untrusted) workspace.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from './helpers/cli';
import { SERVER, TestClient } from './helpers/lsp-client';
import { tempDir, tempFiles } from './helpers/temp';
import { COMPOSE_WITH_ENV_AND_SECRET_FILE } from './helpers/secret-files-compose';

/** An env file with a secret and a secret's file, both not ignored: DR001 and DR004 in a repository. */
const COMPOSE = COMPOSE_WITH_ENV_AND_SECRET_FILE;
const FILES = { 'compose.yaml': COMPOSE, '.env': 'POSTGRES_PASSWORD=nr48a-db-password-123\n', 'secrets/db_password.txt': 'nr48a-db-password-123\n' };

type Git = 'none' | 'folder' | 'file';

/** A project folder under the system's temporary folder (in no repository), with a `.git` folder or file or none. */
function project(git: Git, files: Record<string, string> = FILES): string {
  const dir = tempFiles('dg-norepo48a-', files);
  if (git === 'folder') fs.mkdirSync(path.join(dir, '.git'));
  // A linked worktree's `.git` file, naming its folder in the main repository's `.git` (with no index yet: nothing is
  // tracked, so the fixes are safe; one whose index cannot be read is a repository too, with quick fixes only).
  if (git === 'file') {
    const gitDir = path.join(tempDir('dg-norepo48a-main-'), '.git', 'worktrees', 'app');
    fs.mkdirSync(gitDir, { recursive: true });
    fs.writeFileSync(path.join(dir, '.git'), `gitdir: ${gitDir}\n`);
  }
  return dir;
}

function codes(dir: string, args: string[] = []): string[] {
  const r = runCli(['check', '.', '--format', 'json', ...args], dir);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  return (JSON.parse(r.stdout) as { code: string }[]).map((f) => f.code).filter((c) => /^DR00[14]$/.test(c)).sort();
}

describe('DR001/DR004 in no git repository (review 48a, finding 2): the CLI', () => {
  before(() => {
    // The system's temporary folder must itself be in no repository, or every case below is in one.
    const probe = project('none', {});
    for (let d = probe; d !== path.dirname(d); d = path.dirname(d)) assert.ok(!fs.existsSync(path.join(d, '.git')), `${d}/.git exists: the tests need a temporary folder in no repository`);
  });

  it('reports nothing, and check --fix writes no .gitignore, in a folder with no .git above it', () => {
    const dir = project('none');
    assert.deepEqual(codes(dir), []);
    const dry = runCli(['check', '.', '--fix-dry-run'], dir);
    assert.doesNotMatch(dry.stdout, /gitignore/, dry.stdout);
    runCli(['check', '.', '--fix'], dir);
    assert.equal(fs.existsSync(path.join(dir, '.gitignore')), false, 'check --fix created a .gitignore outside a repository');
  });

  for (const git of ['folder', 'file'] as const) {
    it(`reports both, and check --fix ignores both files, in a repository whose .git is a ${git}`, () => {
      const dir = project(git);
      assert.deepEqual(codes(dir), ['DR001', 'DR004']);
      runCli(['check', '.', '--fix'], dir);
      assert.equal(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8'), '.env\n/secrets/db_password.txt\n');
      assert.deepEqual(codes(dir), []);
    });
  }

  it('reports both for a project in a subfolder of a repository (the .git above it), checked from the subfolder', () => {
    const top = project('folder', {});
    const dir = path.join(top, 'app');
    for (const [rel, text] of Object.entries(FILES)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    assert.deepEqual(codes(dir), ['DR001', 'DR004']);
  });

  it("DC040's move to .env still ignores the .env it creates in no repository (its documented choice), and DR001 stays silent", () => {
    const compose = 'services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD: "nr48a-Pa55word!"\n';
    const dir = project('none', { 'compose.yaml': compose });
    runCli(['check', '.', '--fix'], dir);
    assert.equal(fs.readFileSync(path.join(dir, 'compose.yaml'), 'utf8'), compose.replace('"nr48a-Pa55word!"', '"${POSTGRES_PASSWORD}"'));
    assert.equal(fs.readFileSync(path.join(dir, '.env'), 'utf8'), "POSTGRES_PASSWORD='nr48a-Pa55word!'\n");
    assert.equal(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8'), '.env\n');
    assert.deepEqual(codes(dir), []);
  });
});

describe('DR001/DR004 in no git repository (review 48a, finding 2): the language server agrees with the CLI', () => {
  before(() => assert.ok(fs.existsSync(SERVER), 'dist/server.js is missing: run the build first'));
  const clients: TestClient[] = [];
  after(async () => {
    for (const c of clients) await c.shutdown();
  });

  /** The DR001/DR004 codes the server publishes for `dir/compose.yaml`, with `folder` as the workspace folder. */
  async function serverCodes(folder: string, dir: string, trusted: boolean): Promise<string[]> {
    const client = new TestClient();
    clients.push(client);
    await client.initialize([folder], { workspaceTrusted: trusted });
    const uri = client.open(path.join(dir, 'compose.yaml'), COMPOSE, 'dockercompose');
    const diagnostics = await client.diagnostics(uri, 1);
    return diagnostics.map((d) => String(d.code)).filter((c) => /^DR00[14]$/.test(c)).sort();
  }

  for (const trusted of [false, true]) {
    const workspace = trusted ? 'a trusted workspace' : 'a restricted (untrusted) workspace';

    it(`reports nothing in a folder with no .git above it (${workspace})`, async () => {
      const dir = project('none');
      assert.deepEqual(await serverCodes(dir, dir, trusted), []);
    });

    it(`reports both when the folder's .git is a file, as a linked worktree's (${workspace})`, async () => {
      const dir = project('file');
      assert.deepEqual(await serverCodes(dir, dir, trusted), ['DR001', 'DR004']);
    });

    it(`reports both when the workspace folder is a subfolder of a repository: the .git above it counts (${workspace})`, async () => {
      const top = project('folder', {});
      const dir = path.join(top, 'app');
      for (const [rel, text] of Object.entries(FILES)) {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), text);
      }
      assert.deepEqual(await serverCodes(dir, dir, trusted), ['DR001', 'DR004']);
    });
  }
});
