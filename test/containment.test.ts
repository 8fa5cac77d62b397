/**
 * Containment of the language server: run with a `--require` preload (test/robustness/
 * containment-preload.cjs) that records network sockets, child processes and file reads, it
 *  - opens no network socket (stdio only) and executes nothing, whatever the workspace holds;
 *  - reads nothing outside the workspace folders: a symlink in the workspace that points out (to a
 *    file or a folder) is not followed, and relations that point out (`build: ../outside`,
 *    `env_file: ../outside/.env`, `extends: { file: ../outside/… }`) are not read;
 *  - skips files over dockerGuardrails.maxFileSize with one clear log notice and no diagnostics.
 * The CLI gets the network and process checks too.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import type { CodeAction } from 'vscode-languageserver-protocol';
import { SERVER, TestClient } from './helpers/lsp-client';
import { tempDir } from './helpers/temp';
import { isolatedEnv } from './helpers/user-env';

const PRELOAD = path.resolve(__dirname, '../../test/robustness/containment-preload.cjs');
const CLI = path.resolve(__dirname, '../../dist/cli.js');
const DIST = path.dirname(SERVER);
const CAP = 4096;

interface Record {
  kind: 'network' | 'process' | 'worker' | 'read' | 'stat' | 'write' | 'preload';
  what: string;
  detail?: string;
}

function readRecords(file: string): Record[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record);
}

function write(root: string, files: { [rel: string]: string }): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
}

/** A workspace folder and, next to it, a folder outside it that the workspace points into. */
function layout(): { base: string; ws: string; outside: string } {
  const base = tempDir('dg-contain-');
  const ws = path.join(base, 'ws');
  const outside = path.join(base, 'outside');
  write(outside, {
    'Dockerfile': 'FROM outside-image:latest\nUSER root\n',
    'sub/Dockerfile': 'FROM outside-sub:latest\n',
    '.env': 'OUTSIDE_PASSWORD=outside-value-123\n',
    '.dockerignore': '*\n',
    'compose.yaml': 'services:\n  base:\n    image: outside:latest\n    privileged: true\n',
    'docker-compose.yml': 'services:\n  o:\n    image: outside:latest\n',
  });
  write(ws, {
    '.git/HEAD': 'ref: refs/heads/main\n',
    'Dockerfile': 'FROM node:24\nRUN curl -fsSL https://example.com/x.sh | sh\nRUN $(cat /etc/passwd) `id` && echo "$(whoami)"\nCMD node x.js\n',
    'compose.yaml': [
      'services:',
      '  rel:',
      '    build: ../outside',
      '    env_file: ../outside/.env',
      '  linked:',
      '    build:',
      '      context: ./linkdir',
      '      dockerfile: Dockerfile',
      '    env_file:',
      '      - ./linkdir/.env',
      '  ext:',
      '    extends:',
      '      file: ../outside/compose.yaml',
      '      service: base',
      '  abs:',
      `    build: ${outside}/sub`,
      `    env_file: ${outside}/.env`,
      '  hook:',
      '    image: alpine:3.22',
      '    command: sh -c "curl http://example.com | sh"',
      '    healthcheck:',
      '      test: ["CMD", "wget", "-q", "http://127.0.0.1"]',
      '',
    ].join('\n'),
    'app/Dockerfile': 'FROM python:3.13\nCOPY . .\n',
    'app/compose.yaml': 'services:\n  app:\n    build: ../../outside/sub\n',
    'big/Dockerfile': 'FROM node:24\n' + 'RUN echo this-file-is-over-the-cap\n'.repeat(300),
  });
  fs.symlinkSync(path.join(outside, 'Dockerfile'), path.join(ws, 'link.Dockerfile'));
  fs.symlinkSync(outside, path.join(ws, 'linkdir'));
  fs.symlinkSync(path.join(outside, 'docker-compose.yml'), path.join(ws, 'docker-compose.yml'));
  return { base, ws, outside };
}

/** Whether a path (as recorded) is inside a folder, also after resolving symlinks. */
function inside(p: string, folder: string): boolean {
  const within = (x: string) => x === folder || x.startsWith(folder + path.sep);
  if (!within(p)) return false;
  try {
    return within(fs.realpathSync(p));
  } catch {
    return true; // does not exist: nothing was read
  }
}

describe('containment of the language server', () => {
  let dirs: ReturnType<typeof layout>;
  let log: string;
  let client: TestClient;
  let records: Record[] = [];
  const openBig = 'FROM node:24\n' + 'RUN echo an-open-document-over-the-cap\n'.repeat(200);

  before(async () => {
    assert.ok(fs.existsSync(SERVER), 'dist/server.js is missing: run the build first');
    dirs = layout();
    log = path.join(dirs.base, 'contain.log');
    fs.writeFileSync(log, '');
    client = new TestClient([], { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${PRELOAD}`, DG_CONTAIN_LOG: log });
    client.settings = { maxFileSize: CAP };
    await client.initialize([dirs.ws]);
    await client.until('the workspace scan', () => client.logs.some((l) => /workspace scan/.test(l)), 20_000);

    // Open documents, ask for every code action and hover, as a user clicking around would.
    const opened: [string, string, string][] = [
      ['compose.yaml', fs.readFileSync(path.join(dirs.ws, 'compose.yaml'), 'utf8'), 'dockercompose'],
      ['Dockerfile', fs.readFileSync(path.join(dirs.ws, 'Dockerfile'), 'utf8'), 'dockerfile'],
      ['app/compose.yaml', fs.readFileSync(path.join(dirs.ws, 'app/compose.yaml'), 'utf8'), 'dockercompose'],
    ];
    for (const [rel, text, lang] of opened) {
      const uri = client.open(path.join(dirs.ws, rel), text, lang);
      const diags = await client.diagnostics(uri, 1);
      for (const d of diags) {
        await client.codeActions(uri, [d]);
        await client.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: d.range.start });
      }
      (await client.codeActions(uri, [], ['source.fixAll.docker-guardrails'])) as CodeAction[];
    }
    // The file watcher reports changes under the symlinked folder and to the symlinked files.
    const watched = ['linkdir/Dockerfile', 'linkdir/sub/Dockerfile', 'linkdir/compose.yaml', 'link.Dockerfile', 'docker-compose.yml', 'linkdir/.env'];
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: watched.map((rel) => ({ uri: URI.file(path.join(dirs.ws, rel)).toString(), type: 2 })) });
    // An open document under the cap in characters and over it in UTF-8 bytes (review 40c, item 3): skipped as on disk.
    const wide = 'FROM node:latest\n' + `# ${'é'.repeat(CAP / 2)}\n`;
    const wideUri = client.open(path.join(dirs.ws, 'wide-open/Dockerfile'), wide, 'dockerfile');
    await client.until('the wide document', () => client.publishCount(wideUri) >= 1);
    // An open document over the size cap, edited a few times.
    // (Its empty diagnostics are published without a version.)
    const bigUri = client.open(path.join(dirs.ws, 'big-open/Dockerfile'), openBig, 'dockerfile');
    await client.until('the big document', () => client.publishCount(bigUri) >= 1);
    for (let i = 0; i < 3; i++) {
      const before = client.publishCount(bigUri);
      client.change(bigUri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# edit\n' }]);
      await client.until('the big document after an edit', () => client.publishCount(bigUri) > before);
    }
    await new Promise((r) => setTimeout(r, 600));
    records = readRecords(log);
  });
  after(() => client?.shutdown());

  it('the preload is active in the server process', () => {
    assert.ok(records.some((r) => r.kind === 'preload'), 'the recording preload did not load');
    assert.ok(records.some((r) => r.kind === 'read' && r.detail && inside(r.detail, dirs.ws)), 'no read of the workspace was recorded: the recorder is not working');
  });

  it('opens no network socket and starts no process or worker', () => {
    const bad = records.filter((r) => r.kind === 'network' || r.kind === 'process' || r.kind === 'worker');
    assert.deepEqual(bad, []);
  });

  it('writes no file', () => {
    assert.deepEqual(records.filter((r) => r.kind === 'write'), []);
  });

  const allowedPath = (p: string) => p.startsWith('fd:') || p.startsWith('/proc/') || p.startsWith('/dev/') || inside(p, DIST);
  /** Paths read that are outside the workspace as written (`../outside`, absolute paths elsewhere). */
  const readsOutsideByName = () => records.filter((r) => r.kind === 'read' && r.detail && !allowedPath(r.detail) && !(r.detail === dirs.ws || r.detail.startsWith(dirs.ws + path.sep)));
  /** Paths read that look inside the workspace but resolve outside it (through a symlinked folder). */
  const readsThroughSymlinks = () => records.filter((r) => r.kind === 'read' && r.detail && !allowedPath(r.detail) && (r.detail === dirs.ws || r.detail.startsWith(dirs.ws + path.sep)) && !inside(r.detail, dirs.ws));
  const list = (rs: Record[]) => [...new Set(rs.map((r) => `${r.what} ${r.detail}`))];

  it('reads nothing outside the workspace folders: relations that point out (../outside, absolute paths) are not read', () => {
    assert.deepEqual(list(readsOutsideByName()), [], 'reads outside the workspace');
  });

  it('reads nothing through a symlink that points out of the workspace (a file or a folder)', () => {
    assert.deepEqual(list(readsThroughSymlinks()), [], 'reads through a symlinked folder');
  });

  const published = () => [...new Set(client.published.filter((p) => p.diagnostics.length > 0).map((p) => URI.parse(p.uri).fsPath))];

  it('publishes nothing for files outside the workspace folders', () => {
    assert.deepEqual(published().filter((p) => !(p.startsWith(dirs.ws + path.sep))), []);
  });

  it('publishes nothing for files behind a symlink', () => {
    assert.deepEqual(published().filter((p) => !inside(p, dirs.ws) || p.endsWith('link.Dockerfile') || p === path.join(dirs.ws, 'docker-compose.yml')), []);
  });

  const notices = (p: string) => client.logs.filter((l) => l.includes(p));

  it('skips a scanned file over the size cap: no diagnostics, a clear notice, its content never read', () => {
    const big = path.join(dirs.ws, 'big/Dockerfile');
    assert.ok(fs.statSync(big).size > CAP);
    const pubs = client.published.filter((p) => URI.parse(p.uri).fsPath === big);
    assert.ok(pubs.every((p) => p.diagnostics.length === 0), 'no diagnostics for it');
    assert.ok(notices(big).length >= 1, 'a notice');
    assert.match(notices(big)[0], /skipped .*(size cap|maxFileSize)/);
    assert.ok(!records.some((r) => r.kind === 'read' && r.what === 'readFileSync' && r.detail === big), 'its content was never read');
  });

  it('skips an open document over the size cap: no diagnostics, a clear notice', () => {
    const p = path.join(dirs.ws, 'big-open/Dockerfile');
    const pubs = client.published.filter((x) => URI.parse(x.uri).fsPath === p);
    assert.ok(pubs.length > 0 && pubs.every((x) => x.diagnostics.length === 0), 'published empty diagnostics');
    assert.ok(notices(p).length >= 1);
    assert.match(notices(p)[0], /larger than dockerGuardrails\.maxFileSize \(4096 bytes\)/);
  });

  it('measures an open document in UTF-8 bytes, as a file on disk: one of fewer characters than the cap but more bytes is skipped', () => {
    const p = path.join(dirs.ws, 'wide-open/Dockerfile');
    const pubs = client.published.filter((x) => URI.parse(x.uri).fsPath === p);
    assert.ok(pubs.length > 0 && pubs.every((x) => x.diagnostics.length === 0), 'published empty diagnostics');
    assert.match(notices(p)[0] ?? '', /larger than dockerGuardrails\.maxFileSize \(4096 bytes\)/);
  });

  it('gives one notice per file over the cap, not one per analysis', () => {
    for (const rel of ['big/Dockerfile', 'big-open/Dockerfile']) assert.equal(notices(path.join(dirs.ws, rel)).length, 1, `${rel}: ${JSON.stringify(notices(path.join(dirs.ws, rel)))}`);
  });

  it('still analyzes the workspace (the test is not vacuous)', () => {
    const df = path.join(dirs.ws, 'Dockerfile');
    assert.ok(client.published.some((p) => URI.parse(p.uri).fsPath === df && p.diagnostics.some((d) => d.code === 'DF014')), 'DF014 on the workspace Dockerfile');
  });
});

describe('containment of the CLI', () => {
  it('opens no network socket and starts no process, reading a workspace that points outside', () => {
    const dirs = layout();
    const log = path.join(dirs.base, 'cli.log');
    fs.writeFileSync(log, '');
    const r = spawnSync(process.execPath, ['--require', PRELOAD, CLI, 'check', '--format', 'sarif', '.'], { cwd: dirs.ws, encoding: 'utf8', maxBuffer: 256 << 20, env: isolatedEnv({ ...process.env, DG_CONTAIN_LOG: log, DG_WORKERS: '0' }) });
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
    const records = readRecords(log);
    assert.ok(records.some((x) => x.kind === 'preload'));
    assert.deepEqual(records.filter((x) => x.kind === 'network' || x.kind === 'process'), []);
    // The walk does not follow symlinks: nothing behind them is reported.
    const sarif = JSON.parse(r.stdout) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    const files = new Set(sarif.runs[0].results.map((x) => x.locations[0].physicalLocation.artifactLocation.uri));
    assert.ok(![...files].some((f) => f.includes('linkdir') || f.includes('link.Dockerfile') || f === 'docker-compose.yml'), [...files].join(', '));
  });
});

// Review 56c, F3: the `.git` file of a workspace folder names a folder anywhere (`gitdir: /any/path`), and the server read
// `commondir` there and `config` and `info/exclude` in the folder that names (or in the gitdir itself): workspace content
// chose three files outside the workspace for the server to read. Only a gitdir laid out as git lays one out is followed
// outside the workspace folders: a linked worktree's (`<common>/worktrees/<id>`, whose commondir leads back to `<common>`)
// or a submodule's (`…/modules/<name>`); `git worktree add`'s own layout is still read (gitscan.test.ts).
describe('containment of the language server: a .git file that names a folder outside the workspace', () => {
  it('reads nothing there unless it is laid out as a linked worktree\'s or a submodule\'s git folder', { timeout: 120_000 }, async () => {
    const base = tempDir('dg-contain-gitdir-');
    const ws = path.join(base, 'ws');
    const app = { 'compose.yaml': 'services:\n  db:\n    image: postgres:17-alpine\n    env_file: .env\n', '.env': 'POSTGRES_PASSWORD=contain-gitdir-pw-123\n' };
    // Not a git folder: commondir, config and info/exclude where the .git file says (the names a user's files may have).
    write(path.join(base, 'private'), { 'plain/commondir': '../common\n', 'common/config': '[core]\n\tignorecase = true\n', 'common/info/exclude': '.env\n', 'plain/config': '[core]\n', 'plain/info/exclude': '.env\n' });
    write(ws, { ...app, '.git': `gitdir: ${path.join(base, 'private', 'plain')}\n` });
    // A linked worktree's git folder, as `git worktree add` lays it out: still read.
    const wt = path.join(base, 'wt');
    write(path.join(base, 'repo', '.git'), { 'worktrees/wt/commondir': '../..\n', 'worktrees/wt/HEAD': 'ref: refs/heads/wt\n', 'config': '[core]\n', 'info/exclude': '.env\n' });
    write(wt, { ...app, '.git': `gitdir: ${path.join(base, 'repo', '.git', 'worktrees', 'wt')}\n` });
    const log = path.join(base, 'contain.log');
    fs.writeFileSync(log, '');
    const client = new TestClient([], { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${PRELOAD}`, DG_CONTAIN_LOG: log });
    try {
      await client.initialize([ws, wt]);
      for (const dir of [ws, wt]) {
        const uri = client.open(path.join(dir, 'compose.yaml'), app['compose.yaml'], 'dockercompose');
        await client.diagnostics(uri, 1);
      }
      await new Promise((r) => setTimeout(r, 300));
      const reads = [...new Set(readRecords(log).filter((r) => r.kind === 'read' && r.detail && r.detail.startsWith(base + path.sep)).map((r) => r.detail!))];
      assert.deepEqual(reads.filter((p) => p.startsWith(path.join(base, 'private') + path.sep)), [], 'read outside the workspace where its .git file points');
      assert.ok(reads.includes(path.join(base, 'repo', '.git', 'info', 'exclude')), `the linked worktree's common info/exclude is read: ${reads.join(', ')}`);
    } finally {
      await client.shutdown();
    }
  });
});
