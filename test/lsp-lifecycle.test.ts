/**
 * Layer 2: the language server's life-cycle over the real protocol (workspace folders added and removed, .gitignore
 * changes, hover and lazily resolved fix-alls across edits, closing and renaming files).
 */
import { before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { CancellationTokenSource, ResponseError, type CodeAction, type Diagnostic, type TextEdit } from 'vscode-languageserver-protocol';
import { applyTextEdits } from '../rules';
import { SERVER, TestClient } from './helpers/lsp-client';
import { tempFiles } from './helpers/temp';

function tempWorkspace(files: Record<string, string>): string {
  const dir = tempFiles('dg-life-', files);
  fs.mkdirSync(path.join(dir, '.git'), { recursive: true });
  return dir;
}

const at = (dir: string, rel: string) => URI.file(path.join(dir, rel)).toString();
const folder = (dir: string) => ({ uri: URI.file(dir).toString(), name: path.basename(dir) });
const codes = (d: Diagnostic[] | undefined) => (d ?? []).map((x) => String(x.code)).sort();
const scanned = (client: TestClient, n = 1) => client.until(`scan ${n}`, () => client.logs.filter((l) => /workspace scan: \d+ files/.test(l)).length >= n);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function session(folders: string[], test: (client: TestClient) => Promise<void>, setup?: (client: TestClient) => void): Promise<void> {
  const client = new TestClient();
  client.workspaceFolderEvents = true;
  setup?.(client);
  try {
    await client.initialize(folders);
    await test(client);
  } finally {
    await client.shutdown();
  }
}

describe('language server life-cycle', () => {
  before(() => assert.ok(fs.existsSync(SERVER), 'dist/server.js is missing: run the build first'));

  describe('workspace folders added and removed', () => {
    it('a folder added is scanned (added twice: no harm), and its files are cleared when it is removed', async () => {
      const a = tempWorkspace({ 'Dockerfile': 'FROM ubuntu\n' });
      const b = tempWorkspace({ 'Dockerfile': 'FROM ubuntu\n', 'compose.yaml': 'services:\n  app:\n    image: x\n    privileged: true\n' });
      await session([a], async (client) => {
        await scanned(client);
        assert.equal(client.latest(at(b, 'Dockerfile')), undefined);
        await client.conn.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [folder(b)], removed: [] } });
        await client.until('b analyzed', () => (client.latest(at(b, 'compose.yaml'))?.diagnostics.length ?? 0) > 0 && (client.latest(at(b, 'Dockerfile'))?.diagnostics.length ?? 0) > 0);
        const scans = client.logs.filter((l) => /workspace scan: \d+ files/.test(l)).length;
        await client.conn.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [folder(b)], removed: [] } });
        await scanned(client, scans + 1);
        await client.conn.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [folder(b)] } });
        await client.until('b cleared', () => client.latest(at(b, 'compose.yaml'))?.diagnostics.length === 0 && client.latest(at(b, 'Dockerfile'))?.diagnostics.length === 0);
      });
    });

    it('a nested folder added: its files, open ones too, stop reading the outer folder\'s config file (findConfigPath stops at the innermost folder)', async () => {
      const outer = tempWorkspace({ '.docker-guardrails.yaml': 'rules:\n  DF001: off\n', 'sub/Dockerfile': 'FROM ubuntu\n', 'sub/other/Dockerfile': 'FROM ubuntu\n' });
      const inner = path.join(outer, 'sub');
      await session([outer], async (client) => {
        await scanned(client);
        const uri = client.open(path.join(inner, 'Dockerfile'), 'FROM ubuntu\n', 'dockerfile');
        assert.ok(!codes(await client.diagnostics(uri, 1)).includes('DF001'), 'the outer config turns DF001 off');
        assert.ok(!codes(await client.diagnostics(at(inner, 'other/Dockerfile'))).includes('DF001'));
        await client.conn.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [folder(inner)], removed: [] } });
        await client.until('the disk file takes the inner folder (no config)', () => codes(client.latest(at(inner, 'other/Dockerfile'))?.diagnostics).includes('DF001'));
        await client.until('the open file takes the inner folder (no config)', () => codes(client.latest(uri)?.diagnostics).includes('DF001'), 5000);
      });
    });

    it('a nested folder added: its files, open ones too, take that folder\'s settings (asked again)', async () => {
      const outer = tempWorkspace({ 'sub/Dockerfile': 'FROM ubuntu\n', 'sub/other/Dockerfile': 'FROM ubuntu\n' });
      const inner = path.join(outer, 'sub');
      let innerIsFolder = false;
      // As VS Code resolves a resource's settings: from its innermost folder (the inner folder's settings turn DF001 off).
      const innerScope = URI.file(inner).toString() + '/';
      await session([outer], async (client) => {
        await scanned(client);
        const uri = client.open(path.join(inner, 'Dockerfile'), 'FROM ubuntu\n', 'dockerfile');
        assert.ok(codes(await client.diagnostics(uri, 1)).includes('DF001'));
        assert.ok(codes(await client.diagnostics(at(inner, 'other/Dockerfile'))).includes('DF001'));
        innerIsFolder = true;
        await client.conn.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [folder(inner)], removed: [] } });
        await client.until('the disk file takes the inner folder\'s settings', () => !codes(client.latest(at(inner, 'other/Dockerfile'))?.diagnostics).includes('DF001'));
        await client.until('the open file takes the inner folder\'s settings', () => !codes(client.latest(uri)?.diagnostics).includes('DF001'), 5000);
      }, (client) => {
        client.settings = (scope) => (innerIsFolder && scope?.startsWith(innerScope) ? { rules: { DF001: 'off' } } : {});
      });
    });

    it('a folder removed whose compose file included a YAML file of another folder: that file is no longer a compose file, its findings are cleared', async () => {
      const root = tempFiles('dg-life-', { 'a/extra.yaml': 'services:\n  agent:\n    image: portainer/agent:2.21.0\n    privileged: true\n', 'b/compose.yaml': 'include:\n  - ../a/extra.yaml\nservices:\n  web:\n    image: nginx:1.27.3\n' });
      const a = path.join(root, 'a');
      const b = path.join(root, 'b');
      await session([a, b], async (client) => {
        await scanned(client);
        const extra = at(a, 'extra.yaml');
        await client.until('extra.yaml analyzed as an included compose file', () => codes(client.latest(extra)?.diagnostics).includes('DC010'));
        await client.conn.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [folder(b)] } });
        await scanned(client, 2);
        await client.until('extra.yaml cleared: nothing includes it now', () => client.latest(extra)?.diagnostics.length === 0, 3000);
      });
    });

    it('removing the outer of two nested folders keeps the inner one\'s files as they were; the outer config file\'s problems are cleared', async () => {
      const outer = tempWorkspace({ '.docker-guardrails.yaml': 'rules:\n  DF001: off\n  NOPE1: error\n', 'Dockerfile': 'FROM ubuntu\n', 'sub/Dockerfile': 'FROM ubuntu\n' });
      const inner = path.join(outer, 'sub');
      await session([outer, inner], async (client) => {
        await scanned(client);
        assert.ok(codes(await client.diagnostics(at(inner, 'Dockerfile'))).includes('DF001'));
        assert.ok(!codes(await client.diagnostics(at(outer, 'Dockerfile'))).includes('DF001'));
        await client.until('DG002', () => codes(client.latest(at(outer, '.docker-guardrails.yaml'))?.diagnostics).includes('DG002'));
        const innerCount = client.publishCount(at(inner, 'Dockerfile'));
        await client.conn.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [folder(outer)] } });
        await client.until('outer cleared', () => client.latest(at(outer, 'Dockerfile'))?.diagnostics.length === 0);
        await client.until('outer config cleared', () => client.latest(at(outer, '.docker-guardrails.yaml'))?.diagnostics.length === 0);
        await scanned(client, 2);
        await sleep(300);
        assert.ok(codes(client.latest(at(inner, 'Dockerfile'))?.diagnostics).includes('DF001'));
        assert.equal(client.publishCount(at(inner, 'Dockerfile')), innerCount, 'not published again: nothing changed');
      });
    });
  });

  describe('hover', () => {
    it('answers about the document as it is now: not a finding of an older version whose analysis is still running (its settings asked for)', async () => {
      const dir = tempWorkspace({});
      await session([dir], async (client) => {
        const uri = client.open(path.join(dir, 'Dockerfile'), 'FROM ubuntu:24.04\nUSER 1000\nMAINTAINER me\n', 'dockerfile');
        assert.ok(codes(await client.diagnostics(uri, 1)).includes('DF045'));
        // The settings change: the next analysis asks for the document's settings, and the client takes its time to answer.
        let delay = 0;
        client.conn.onRequest('workspace/configuration', async (p: { items: unknown[] }) => {
          await sleep(delay);
          return p.items.map(() => ({}));
        });
        delay = 1500;
        await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
        const version = client.change(uri, [{ range: { start: { line: 2, character: 0 }, end: { line: 3, character: 0 } }, text: '' }]);
        await sleep(300);
        const where = { line: 2, character: 3 };
        const hover = (await client.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: where })) as { contents: { value: string } } | null;
        assert.equal(hover, null, `no finding is on line 3 of version ${version} (it has two lines): ${JSON.stringify(hover)}`);
        assert.ok(!codes(await client.diagnostics(uri, version)).includes('DF045'));
        // And one at a finding of the new version, asked while its analysis runs (the settings asked again), waits for it.
        await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
        const v3 = client.change(uri, [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, text: 'MAINTAINER you\n' }]);
        await sleep(300);
        const again = (await client.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: where })) as { contents: { value: string } } | null;
        assert.match(again?.contents.value ?? '', /DF045/);
        assert.ok(codes(await client.diagnostics(uri, v3)).includes('DF045'));
      });
    });
  });

  describe('a client that does not answer workspace/configuration (review 46a, item 1)', { timeout: 20_000 }, () => {
    const never = (client: TestClient) => client.conn.onRequest('workspace/configuration', () => new Promise<never>(() => {}));
    const timed = async <T>(work: Promise<T>): Promise<{ value: T; ms: number }> => {
      const t0 = Date.now();
      const value = await work;
      return { value, ms: Date.now() - t0 };
    };

    it('hover and code actions are answered in bounded time; the analysis goes on with the defaults and says so', async () => {
      const dir = tempWorkspace({});
      await session([dir], async (client) => {
        const uri = client.open(path.join(dir, 'Dockerfile'), 'FROM ubuntu:latest\nRUN echo hi\n', 'dockerfile');
        await sleep(200);
        // Asked while the analysis waits for the settings: answered (with what is stored: nothing) within the request's bound.
        const hover = await timed(client.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 6 } }));
        assert.equal(hover.value, null);
        assert.ok(hover.ms < 2900, `hover answered in ${hover.ms} ms`);
        const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 18 } };
        const actions = await timed(client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [] } }));
        assert.ok(Array.isArray(actions.value) && actions.ms < 2900, `code actions answered in ${actions.ms} ms: ${JSON.stringify(actions.value)}`);
        // The settings request times out: the document is analyzed with the defaults, and the log says why.
        const diags = await client.diagnostics(uri, 1, 8000);
        assert.ok(codes(diags).includes('DF001'), JSON.stringify(diags));
        assert.ok(client.logs.some((l) => /did not answer workspace\/configuration/.test(l)), client.logs.join('\n'));
        const after = (await client.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 6 } })) as { contents: { value: string } } | null;
        assert.match(after?.contents.value ?? '', /DF001/);
      }, never);
    });

    it('a hover cancelled while it waits is answered with RequestCancelled at once', async () => {
      const dir = tempWorkspace({});
      await session([dir], async (client) => {
        const uri = client.open(path.join(dir, 'Dockerfile'), 'FROM ubuntu:latest\n', 'dockerfile');
        await sleep(200);
        const source = new CancellationTokenSource();
        const t0 = Date.now();
        const answered = client.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 6 } }, source.token).then(
          (value) => ({ value, error: undefined as unknown }),
          (error: unknown) => ({ value: undefined, error }),
        );
        await sleep(100);
        source.cancel();
        const { value, error } = await answered;
        assert.ok(error instanceof ResponseError && error.code === -32800, `RequestCancelled, not ${JSON.stringify(value ?? error)}`);
        assert.ok(Date.now() - t0 < 1500, `answered ${Date.now() - t0} ms after it was sent`);
      }, never);
    });

    it('an answer that comes after the timeout still applies: the document is analyzed again with it', async () => {
      const dir = tempWorkspace({});
      await session([dir], async (client) => {
        const uri = client.open(path.join(dir, 'Dockerfile'), 'FROM ubuntu:latest\n', 'dockerfile');
        assert.ok(codes(await client.diagnostics(uri, 1, 8000)).includes('DF001'), 'analyzed with the defaults once the request timed out');
        await client.until('analyzed again with the late settings', () => client.latest(uri) && !codes(client.latest(uri)?.diagnostics).includes('DF001'), 8000);
      }, (client) => {
        client.conn.onRequest('workspace/configuration', async (p: { items: unknown[] }) => {
          await sleep(4500);
          return p.items.map(() => ({ rules: { DF001: 'off' } }));
        });
      });
    });
  });

  describe('"Fix all CODE in this file" resolved lazily', () => {
    it('after the document changed between the request and the resolve: the fixes of the code in the current version; no edit once none is left', async () => {
      const dir = tempWorkspace({});
      const text = 'FROM node:24-alpine\nADD a.js /app/\nADD b.js /app/\nUSER 1000\n';
      await session([dir], async (client) => {
        const uri = client.open(path.join(dir, 'Dockerfile'), text, 'dockerfile');
        const df015 = (await client.diagnostics(uri, 1)).filter((d) => d.code === 'DF015');
        assert.equal(df015.length, 2);
        const offered = (await client.codeActions(uri, [df015[0]], ['quickfix'])).find((a) => a.title === 'Fix all DF015 in this file');
        assert.ok(offered && !offered.edit, 'offered without its edit');
        // A line is typed above before the pick: the findings move down a line, and a third ADD is added.
        const changed = '# build\nFROM node:24-alpine\nADD a.js /app/\nADD b.js /app/\nADD c.js /app/\nUSER 1000\n';
        const version = client.change(uri, [{ text: changed }]);
        const resolved = (await client.conn.sendRequest('codeAction/resolve', offered)) as CodeAction;
        const edits = resolved.edit?.documentChanges as { textDocument: { uri: string; version: number | null }; edits: TextEdit[] }[] | undefined;
        assert.ok(edits && edits.length === 1, `an edit of the current version: ${JSON.stringify(resolved)}`);
        assert.equal(edits[0].textDocument.version, version);
        const fixed = applyTextEdits(changed, edits[0].edits);
        assert.equal(fixed, '# build\nFROM node:24-alpine\nCOPY a.js /app/\nCOPY b.js /app/\nCOPY c.js /app/\nUSER 1000\n');
        // None of the code left: nothing to do.
        const v3 = client.change(uri, [{ text: fixed }]);
        await client.diagnostics(uri, v3);
        assert.equal(((await client.conn.sendRequest('codeAction/resolve', offered)) as CodeAction).edit, undefined);
      }, (client) => {
        client.resolveEdits = true;
      });
    });
  });

  describe('what git ignores, changed while running', () => {
    const COMPOSE = 'services:\n  app:\n    image: ghcr.io/acme/app:1.0.0\n    env_file: .env\n';
    const dr001 = (client: TestClient, uri: string) => codes(client.latest(uri)?.diagnostics).includes('DR001');
    const watched = (client: TestClient, uri: string, type: 1 | 2 | 3) => client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri, type }] });

    it('a .gitignore open with unsaved edits decides DR001 of a compose file analyzed from disk; closed without saving, the disk\'s text does again', async () => {
      const dir = tempWorkspace({ 'compose.yaml': COMPOSE, '.env': 'TZ=UTC\n', '.gitignore': 'node_modules/\n' });
      await session([dir], async (client) => {
        const compose = at(dir, 'compose.yaml');
        await client.until('DR001', () => dr001(client, compose));
        const gi = client.open(path.join(dir, '.gitignore'), 'node_modules/\n', 'ignore');
        client.change(gi, [{ text: 'node_modules/\n.env\n' }]);
        await client.until('DR001 gone with the unsaved .gitignore', () => !dr001(client, compose) && client.latest(compose));
        client.close(gi);
        await client.until('DR001 back once closed without saving', () => dr001(client, compose));
      });
    });

    it('a .gitignore created, changed and deleted on disk (in the compose file\'s folder and above it) and .git/info/exclude re-evaluate DR001', async () => {
      const dir = tempWorkspace({ 'sub/compose.yaml': COMPOSE, 'sub/.env': 'TZ=UTC\n' });
      await session([dir], async (client) => {
        const compose = at(dir, 'sub/compose.yaml');
        await client.until('DR001', () => dr001(client, compose));
        fs.writeFileSync(path.join(dir, 'sub/.gitignore'), '.env\n');
        await watched(client, at(dir, 'sub/.gitignore'), 1);
        await client.until('DR001 gone (sub/.gitignore created)', () => !dr001(client, compose));
        fs.writeFileSync(path.join(dir, 'sub/.gitignore'), 'other\n');
        await watched(client, at(dir, 'sub/.gitignore'), 2);
        await client.until('DR001 back (changed)', () => dr001(client, compose));
        fs.writeFileSync(path.join(dir, '.gitignore'), '.env\n');
        await watched(client, at(dir, '.gitignore'), 1);
        await client.until('DR001 gone (root .gitignore created)', () => !dr001(client, compose));
        fs.rmSync(path.join(dir, '.gitignore'));
        await watched(client, at(dir, '.gitignore'), 3);
        await client.until('DR001 back (deleted)', () => dr001(client, compose));
        fs.mkdirSync(path.join(dir, '.git/info'), { recursive: true });
        fs.writeFileSync(path.join(dir, '.git/info/exclude'), '.env\n');
        await watched(client, at(dir, '.git/info/exclude'), 1);
        await client.until('DR001 gone (.git/info/exclude)', () => !dr001(client, compose));
      });
    });

    it('the workspace scan\'s scope follows a .gitignore created and deleted on disk', async () => {
      const dir = tempWorkspace({ 'Dockerfile': 'FROM ubuntu:24.04\nUSER 1000\n', 'gen/Dockerfile': 'FROM ubuntu\n' });
      await session([dir], async (client) => {
        const gen = at(dir, 'gen/Dockerfile');
        await client.until('gen analyzed', () => (client.latest(gen)?.diagnostics.length ?? 0) > 0);
        fs.writeFileSync(path.join(dir, '.gitignore'), 'gen/\n');
        await watched(client, at(dir, '.gitignore'), 1);
        await client.until('gen cleared', () => client.latest(gen)?.diagnostics.length === 0);
        fs.rmSync(path.join(dir, '.gitignore'));
        await watched(client, at(dir, '.gitignore'), 3);
        await client.until('gen back', () => (client.latest(gen)?.diagnostics.length ?? 0) > 0);
      });
    });
  });

  describe('closing, renaming, shutting down', () => {
    it('a workspace file closed with unsaved edits gets its findings on disk back', async () => {
      const dir = tempWorkspace({ 'Dockerfile': 'FROM ubuntu\n' });
      await session([dir], async (client) => {
        const uri = at(dir, 'Dockerfile');
        await client.until('disk', () => codes(client.latest(uri)?.diagnostics).includes('DF001'));
        client.open(path.join(dir, 'Dockerfile'), 'FROM ubuntu\n', 'dockerfile');
        const v = client.change(uri, [{ text: 'FROM ubuntu:24.04\nUSER 1000\n' }]);
        assert.ok(!codes(await client.diagnostics(uri, v)).includes('DF001'));
        client.close(uri);
        await client.until('disk findings back', () => codes(client.latest(uri)?.diagnostics).includes('DF001') && client.latest(uri)?.version === undefined);
      });
    });

    it('a file renamed on disk (watcher: delete + create), and an open one renamed in the editor: the old name cleared, the new one analyzed', async () => {
      const dir = tempWorkspace({ 'Dockerfile': 'FROM ubuntu\n', 'b/Dockerfile': 'FROM debian\n' });
      await session([dir], async (client) => {
        const uri = at(dir, 'Dockerfile');
        await client.until('disk', () => codes(client.latest(uri)?.diagnostics).includes('DF001'));
        fs.renameSync(path.join(dir, 'Dockerfile'), path.join(dir, 'api.Dockerfile'));
        await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri, type: 3 }, { uri: at(dir, 'api.Dockerfile'), type: 1 }] });
        await client.until('renamed', () => client.latest(uri)?.diagnostics.length === 0 && codes(client.latest(at(dir, 'api.Dockerfile'))?.diagnostics).includes('DF001'));
        // Open, renamed in the editor: didClose, the move on disk, didOpen, the watcher's events.
        const b = at(dir, 'b/Dockerfile');
        client.open(path.join(dir, 'b/Dockerfile'), 'FROM debian\n', 'dockerfile');
        await client.diagnostics(b, 1);
        client.close(b);
        fs.renameSync(path.join(dir, 'b/Dockerfile'), path.join(dir, 'b/web.Dockerfile'));
        const nb = client.open(path.join(dir, 'b/web.Dockerfile'), 'FROM debian\n', 'dockerfile');
        await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: b, type: 3 }, { uri: nb, type: 1 }] });
        await client.diagnostics(nb, 1);
        await sleep(500);
        assert.equal(client.latest(b)?.diagnostics.length, 0);
        assert.ok(codes(client.latest(nb)?.diagnostics).includes('DF001'));
      });
    });

    it('shutdown while the workspace scan runs: the scan stops, nothing is published after the shutdown answer, exit ends the process with 0', async () => {
      const files: Record<string, string> = {};
      for (let i = 0; i < 400; i++) files[`d${i}/Dockerfile`] = 'FROM ubuntu\nRUN apt-get update && apt-get install -y curl\n';
      const dir = tempWorkspace(files);
      const client = new TestClient();
      await client.initialize([dir]);
      await client.until('some published', () => client.published.length > 5);
      await client.conn.sendRequest('shutdown');
      const n = client.published.length;
      await sleep(1500);
      const after = client.published.length - n;
      void client.conn.sendNotification('exit');
      const code = await new Promise((r) => { if (client.proc.exitCode !== null) r(client.proc.exitCode); else client.proc.once('exit', (c) => r(c)); });
      client.conn.dispose();
      assert.equal(code, 0);
      assert.equal(after, 0, `${after} published after shutdown`);
    });
  });
});
