/**
 * composeFilesAround remembers, across analyses, the folders around which no compose file was found (relations.ts
 * foldersWithout), for as long as the disk view can vouch for it (DiskWorkspace.readStamp). Every way a compose file
 * can appear must still be seen: an editor's document that is not on the disk, a file the watcher reports, other
 * workspace folders; and each analysis must record the same paths as read (the server re-analyzes a Dockerfile when
 * one of them changes).
 */
import { before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { allRules, analyze, DEFAULT_CONFIG } from '../rules';
import { analysisWorkspace, composeFilesAround, filesRead } from '../rules/engine/relations';
import { DiskWorkspace } from '../rules/node/files';
import { SERVER, TestClient } from './helpers/lsp-client';
import { tempFiles } from './helpers/temp';

const DOCKERFILE = 'FROM node:22-alpine\nUSER node\nEXPOSE 3000\nCMD ["node", "server.js"]\n';
const HEALTHY = 'services:\n  api:\n    build: .\n    healthcheck:\n      test: ["CMD", "true"]\n';

/** One analysis' composeFilesAround of `dir`: the compose files found and the paths the analysis recorded as read. */
function around(ws: DiskWorkspace, dir: string): { files: string[]; read: string[] } {
  const view = analysisWorkspace(ws);
  const files = composeFilesAround(view, [dir]).map((c) => c.path);
  return { files, read: [...filesRead({ workspace: view })] };
}

describe('composeFilesAround across analyses (no compose file around a Dockerfile)', () => {
  it('records the same reads each time, and sees a compose file an editor opens, one the watcher reports, and other roots', () => {
    const top = tempFiles('dg-around-', { 'app/api/Dockerfile': DOCKERFILE });
    const dir = path.join(top, 'app', 'api');
    const open = new Map<string, string>();
    let roots = [path.join(top, 'app')];
    const ws = new DiskWorkspace((p) => open.get(p), undefined, () => roots);
    const first = around(ws, dir);
    assert.deepEqual(first.files, []);
    assert.ok(first.read.includes(path.join(dir, 'compose.yaml')) && first.read.includes(path.join(top, 'docker-compose.override.yaml')), 'every default name, here and above, is read');
    assert.deepEqual(around(ws, dir), first, 'the same answer and the same reads from what was remembered');

    // A document opened in the editor, not on the disk (no watcher event): found, and forgotten once closed.
    const inEditor = path.join(dir, 'compose.yaml');
    open.set(inEditor, HEALTHY);
    assert.deepEqual(around(ws, dir).files, [inEditor]);
    open.delete(inEditor);
    assert.deepEqual(around(ws, dir), first);

    // Written on the disk in a folder above: found once the watcher's event reaches the view.
    const onDisk = path.join(top, 'app', 'docker-compose.yml');
    fs.writeFileSync(onDisk, HEALTHY);
    ws.invalidatePaths([onDisk]);
    assert.deepEqual(around(ws, dir).files, [onDisk]);
    fs.unlinkSync(onDisk);
    ws.invalidate(onDisk);
    assert.deepEqual(around(ws, dir), first);

    // Outside the workspace folder: not read; inside once the folders change (a new list, or the same list changed in place).
    const outside = path.join(top, 'compose.yaml');
    fs.writeFileSync(outside, HEALTHY);
    assert.deepEqual(around(ws, dir).files, []);
    roots = [top];
    assert.deepEqual(around(ws, dir).files, [outside]);
    roots = [path.join(top, 'app')];
    assert.deepEqual(around(ws, dir).files, []);
    roots.push(top);
    assert.deepEqual(around(ws, dir).files, [outside]);
  });

  it('DF044 follows a compose file with a healthcheck opened and closed in the editor, and created and deleted on the disk', () => {
    const top = tempFiles('dg-around-', { 'api/Dockerfile': DOCKERFILE });
    const dockerfile = path.join(top, 'api', 'Dockerfile');
    const compose = path.join(top, 'api', 'compose.yaml');
    const open = new Map<string, string>();
    const ws = new DiskWorkspace((p) => open.get(p), undefined, () => [top]);
    const df044 = () => analyze(allRules, 'dockerfile', dockerfile, DOCKERFILE, ws, DEFAULT_CONFIG).findings.some((f) => f.code === 'DF044');
    assert.equal(df044(), true, 'no compose file: no healthcheck anywhere');
    assert.equal(df044(), true);
    open.set(compose, HEALTHY);
    assert.equal(df044(), false, 'the open document gives the service a healthcheck');
    open.delete(compose);
    assert.equal(df044(), true, 'closed without saving');
    fs.writeFileSync(compose, HEALTHY);
    ws.invalidatePaths([compose]);
    assert.equal(df044(), false, 'created on the disk');
    fs.unlinkSync(compose);
    ws.invalidatePaths([compose]);
    assert.equal(df044(), true, 'deleted on the disk');
  });
});

describe('language server: a compose file created and deleted beside an open Dockerfile', () => {
  before(() => assert.ok(fs.existsSync(SERVER), 'dist/server.js is missing: run the build first'));

  it('DF044 goes when the compose file that gives a healthcheck is opened (not on the disk) or written, and comes back when it is closed or deleted', async () => {
    const dir = tempFiles('dg-around-lsp-', { 'api/Dockerfile': DOCKERFILE });
    fs.mkdirSync(path.join(dir, '.git'), { recursive: true });
    const client = new TestClient();
    try {
      await client.initialize([dir]);
      const df = client.open(path.join(dir, 'api', 'Dockerfile'), DOCKERFILE, 'dockerfile');
      const has044 = () => (client.latest(df)?.diagnostics ?? []).some((d) => d.code === 'DF044');
      await client.until('DF044 with no compose file around', () => client.latest(df) !== undefined && has044());
      let version = 1;
      const retype = () => client.change(df, [{ text: DOCKERFILE.replace('3000', String(3000 + ++version)) }]);

      // An editor's new compose.yaml, never saved: the Dockerfile analyzed again (typing in it) reads it.
      const composePath = path.join(dir, 'api', 'compose.yaml');
      const compose = client.open(composePath, HEALTHY, 'dockercompose');
      await client.diagnostics(compose, 1);
      retype();
      await client.until('DF044 gone (open compose.yaml gives a healthcheck)', () => !has044());
      client.close(compose);
      retype();
      await client.until('DF044 back (compose.yaml closed without saving)', () => has044());

      // Written on the disk (the watcher's event): the Dockerfile read that path, so it is analyzed again.
      fs.writeFileSync(composePath, HEALTHY);
      await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: URI.file(composePath).toString(), type: 1 }] });
      await client.until('DF044 gone (compose.yaml created on the disk)', () => !has044());
      fs.unlinkSync(composePath);
      await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: URI.file(composePath).toString(), type: 3 }] });
      await client.until('DF044 back (compose.yaml deleted)', () => has044());
    } finally {
      await client.shutdown();
    }
  });
});
