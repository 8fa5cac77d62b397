/**
 * Layer 2, over the real protocol: what the server holds of one document's analysis while ANOTHER open document it read
 * changes or is closed without saving (review 44a). A code action of the Dockerfile that edits the open compose file must
 * be computed from the compose text of the version its edit names; closing a document whose buffer other files' findings
 * were computed from must have those files analyzed again from the disk.
 */
import { before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { parse } from 'yaml';
import type { CodeAction, Diagnostic, TextDocumentEdit } from 'vscode-languageserver-protocol';
import { applyTextEdits } from '../rules';
import { SERVER, TestClient } from './helpers/lsp-client';
import { tempFiles } from './helpers/temp';

async function withServer(files: Record<string, string>, test: (client: TestClient, dir: string) => Promise<void>): Promise<void> {
  const dir = tempFiles('dg-lsp-cross-', files);
  fs.mkdirSync(path.join(dir, '.git'), { recursive: true });
  const client = new TestClient();
  client.resolveEdits = true;
  try {
    await client.initialize([dir]);
    await test(client, dir);
  } finally {
    await client.shutdown();
  }
}

const uriOf = (p: string) => URI.file(p).toString();

/** The edit of `uri` in a code action's WorkspaceEdit (resolved first when it comes without one). */
async function editOf(client: TestClient, action: CodeAction | undefined, uri: string): Promise<TextDocumentEdit | undefined> {
  assert.ok(action, 'the action is offered');
  const resolved = action.edit || !action.data ? action : ((await client.conn.sendRequest('codeAction/resolve', action)) as CodeAction);
  return resolved.edit?.documentChanges?.find((c): c is TextDocumentEdit => 'textDocument' in c && c.textDocument.uri === uri);
}

describe('language server: fixes and findings across open documents (review 44a)', () => {
  before(() => assert.ok(fs.existsSync(SERVER), 'dist/server.js is missing: run the build first'));

  const COMPOSE = 'services:\n  app:\n    build: .\n    environment:\n      TZ: UTC\n';
  // A service added above `app`: every line of `app` moves down three lines.
  const EDITED = '# top\nservices:\n  web:\n    image: nginx:1.27\n  app:\n    build: .\n    environment:\n      TZ: UTC\n';
  const DOCKERFILE = 'FROM node:22-alpine\nENV API_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789\nUSER node\nCMD ["node", "server.js"]\n';
  const FILES = { 'compose.yaml': COMPOSE, Dockerfile: DOCKERFILE, '.gitignore': '.env\n' };

  /** Opens both documents and waits for the Dockerfile's DF020 (whose fix moves the value to the compose service). */
  async function openBoth(client: TestClient, dir: string): Promise<{ compose: string; dockerfile: string; df020: Diagnostic }> {
    const compose = client.open(path.join(dir, 'compose.yaml'), COMPOSE, 'dockercompose');
    const dockerfile = client.open(path.join(dir, 'Dockerfile'), DOCKERFILE, 'dockerfile');
    await client.diagnostics(compose, 1);
    const df020 = (await client.diagnostics(dockerfile, 1)).find((d) => d.code === 'DF020');
    assert.ok(df020, 'DF020 on the Dockerfile');
    return { compose, dockerfile, df020 };
  }

  /** The compose text after the edit: it names the version it was computed from, and the service gets the variable. */
  function assertLands(edit: TextDocumentEdit | undefined, text: string, version: number | null): void {
    assert.ok(edit, 'the fix edits compose.yaml');
    assert.equal(edit.textDocument.version, version, 'the edit names the compose document version it is for');
    const lines = text.split('\n').length;
    for (const e of edit.edits) assert.ok(e.range.end.line < lines, `an edit at line ${e.range.end.line} of a text of ${lines} lines`);
    const fixed = applyTextEdits(text, edit.edits as { range: Diagnostic['range']; newText: string }[]);
    const doc = parse(fixed) as { services: Record<string, { build?: string; environment?: Record<string, string> }> };
    assert.equal(doc.services.app.build, '.', fixed);
    assert.deepEqual(doc.services.app.environment, { TZ: 'UTC', API_TOKEN: '${API_TOKEN}' }, fixed);
    assert.equal(fixed, text.replace('      TZ: UTC\n', '      TZ: UTC\n      API_TOKEN: ${API_TOKEN}\n'));
  }

  it("the Dockerfile's quick fix asked right after an unsaved edit of the compose file edits the compose file's new text", async () => {
    await withServer(FILES, async (client, dir) => {
      const { compose, dockerfile, df020 } = await openBoth(client, dir);
      // Asked at once: the Dockerfile's re-analysis for the compose change waits its debounce.
      const version = client.change(compose, [{ text: EDITED }]);
      const actions = await client.codeActions(dockerfile, [df020], ['quickfix']);
      assertLands(await editOf(client, actions.find((a) => /^Move API_TOKEN to \.env/.test(a.title)), compose), EDITED, version);
    });
  });

  it('source.fixAll of the Dockerfile asked right after an unsaved edit of the compose file edits its new text', async () => {
    await withServer(FILES, async (client, dir) => {
      const { compose, dockerfile } = await openBoth(client, dir);
      const version = client.change(compose, [{ text: EDITED }]);
      const actions = await client.codeActions(dockerfile, [], ['source.fixAll.docker-guardrails']);
      assertLands(await editOf(client, actions.find((a) => a.kind === 'source.fixAll.docker-guardrails'), compose), EDITED, version);
    });
  });

  it("the Dockerfile's quick fix asked right after the edited compose file was closed without saving edits the disk's text", async () => {
    await withServer(FILES, async (client, dir) => {
      const { compose, dockerfile, df020 } = await openBoth(client, dir);
      const version = client.change(compose, [{ text: EDITED }]);
      // The Dockerfile is analyzed again with the edited compose text (a new publication of it, after the change).
      const seen = client.publishCount(dockerfile);
      await client.until('the Dockerfile analyzed again', () => client.publishCount(dockerfile) > seen);
      const actions0 = await client.codeActions(dockerfile, [df020], ['quickfix']);
      assertLands(await editOf(client, actions0.find((a) => /^Move API_TOKEN to \.env/.test(a.title)), compose), EDITED, version);
      // "Don't Save": the disk's text applies again, and the edit addresses the closed file (no version).
      client.close(compose);
      const actions = await client.codeActions(dockerfile, [df020], ['quickfix']);
      assertLands(await editOf(client, actions.find((a) => /^Move API_TOKEN to \.env/.test(a.title)), compose), COMPOSE, null);
    });
  });

  describe('closing a document without saving has the files that read it analyzed again (review 44a, item 1)', () => {
    const PROJECT = {
      'compose.yaml': 'include:\n  - db/database.yml\nservices:\n  web:\n    build:\n      context: ./web\n      args:\n        NODE_VERSION: "16"\n    user: "1000"\n  app:\n    extends:\n      file: common.yml\n      service: base\n',
      'db/database.yml': 'services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD: postgres\n',
      'common.yml': 'services:\n  base:\n    image: nginx:1.27-alpine\n',
      'web/Dockerfile': 'ARG NODE_VERSION=22\nFROM node:${NODE_VERSION}-alpine\nUSER node\nCMD ["node", "server.js"]\n',
    };
    const has = (client: TestClient, uri: string, code: string, line?: number) => !!client.latest(uri)?.diagnostics.some((d) => d.code === code && (line === undefined || d.range.start.line === line));

    it('DC004 on a build arg comes back when the Dockerfile that used the arg is closed without saving', async () => {
      await withServer(PROJECT, async (client, dir) => {
        const compose = uriOf(path.join(dir, 'compose.yaml'));
        await client.until('DC004 on the build arg (workspace scan)', () => has(client, compose, 'DC004', 7));
        const dockerfile = client.open(path.join(dir, 'web/Dockerfile'), PROJECT['web/Dockerfile'], 'dockerfile');
        client.change(dockerfile, [{ text: 'FROM node:22-alpine\nUSER node\nCMD ["node", "server.js"]\n' }]);
        await client.until('DC004 gone while the Dockerfile does not use the arg', () => !has(client, compose, 'DC004'));
        client.close(dockerfile);
        await client.until('DC004 back after the close (the disk Dockerfile uses the arg)', () => has(client, compose, 'DC004', 7));
      });
    });

    it('DC011 comes back when the extends base given a user: is closed without saving', async () => {
      await withServer(PROJECT, async (client, dir) => {
        const compose = uriOf(path.join(dir, 'compose.yaml'));
        await client.until('DC011 on app (workspace scan)', () => has(client, compose, 'DC011', 9));
        const base = client.open(path.join(dir, 'common.yml'), PROJECT['common.yml'], 'yaml');
        client.change(base, [{ text: 'services:\n  base:\n    image: nginx:1.27-alpine\n    user: "101"\n' }]);
        await client.until('DC011 gone while the base sets a user', () => !has(client, compose, 'DC011'));
        client.close(base);
        await client.until('DC011 back after the close', () => has(client, compose, 'DC011', 9));
      });
    });

    it("an open included file gets its findings back when the compose file whose include: was removed is closed without saving", async () => {
      await withServer(PROJECT, async (client, dir) => {
        const db = client.open(path.join(dir, 'db/database.yml'), PROJECT['db/database.yml'], 'yaml');
        const compose = client.open(path.join(dir, 'compose.yaml'), PROJECT['compose.yaml'], 'dockercompose');
        await client.until('DC041 on the included file', () => has(client, db, 'DC041'));
        client.change(compose, [{ text: PROJECT['compose.yaml'].replace('include:\n  - db/database.yml\n', '') }]);
        await client.until('the included file cleared while the buffer includes it no more', () => client.latest(db)?.diagnostics.length === 0);
        client.close(compose);
        await client.until('DC041 back on the included file after the close', () => has(client, db, 'DC041'));
      });
    });
  });

});
