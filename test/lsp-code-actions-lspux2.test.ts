/**
 * Layer 2: code actions over a selection (lspux2), over the real protocol (dist/server.js --stdio).
 * 1. A selection over 2,000 copies of one inline secret: one action per distinct edit, each with every diagnostic it
 *    fixes (the dedup is one map look-up per fix; how long it takes is measured apart, never asserted here).
 * 2. "Ignore CODE for line N" for each line of the code in the selection, at most IGNORE_LINES_PER_CODE.
 * 3. "Fix all CODE in this file" carries the request's diagnostics of that code.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CodeAction, Diagnostic, Range } from 'vscode-languageserver-protocol';
import { applyTextEdits } from '../rules';
import { applyWorkspaceEdit, SERVER, TestClient } from './helpers/lsp-client';
import { tempFiles } from './helpers/temp';

const apply = (text: string, edits: { range: Range; newText: string }[]) => applyTextEdits(text, edits);

function request(client: TestClient, uri: string, range: Range, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
  return client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics, only } }) as Promise<CodeAction[]>;
}

const lines = (from: number, to: number): Range => ({ start: { line: from, character: 0 }, end: { line: to, character: 0 } });

describe('code actions over a selection (lspux2)', () => {
  let client: TestClient;
  let dir: string;
  before(async () => {
    assert.ok(fs.existsSync(SERVER), 'dist/server.js is missing: run the build first');
    dir = tempFiles('dg-lspux2-', {});
    fs.mkdirSync(path.join(dir, '.git'));
    client = new TestClient();
    await client.initialize([dir]);
  });
  after(() => client.shutdown());

  it('2,000 copies of one inline secret: one move of the copies and one "Move all", each with the 2,000 diagnostics', async () => {
    const n = 2000;
    let text = 'services:\n';
    for (let i = 0; i < n; i++) text += `  s${i}:\n    image: postgres:17.2\n    environment: [DB_PASSWORD=hunter2-xyz-123]\n`;
    const uri = client.open(path.join(dir, 'many', 'compose.yaml'), text, 'dockercompose');
    const diags = (await client.diagnostics(uri, 1)).filter((d) => d.code === 'DC040');
    assert.equal(diags.length, n);
    const actions = await request(client, uri, lines(0, 3 * n + 1), diags, ['quickfix']);
    const fixes = actions.filter((a) => a.title.startsWith('Move '));
    assert.deepEqual(
      fixes.map((a) => [a.title, a.diagnostics?.length]),
      [
        [`Move DB_PASSWORD and its ${n - 1} copies to .env`, n],
        [`Move all ${n} inline secrets of this file to .env`, n],
      ],
    );
    for (const fix of fixes) {
      assert.equal(new Set(fix.diagnostics).size, n, `${fix.title}: each diagnostic once`);
      const fixed = applyWorkspaceEdit(new Map([[uri, text]]), fix.edit!, apply).get(uri)!;
      assert.equal(fixed.split("['DB_PASSWORD=${DB_PASSWORD}']").length - 1, n, fix.title);
      assert.ok(!fixed.includes('hunter2'), fix.title);
    }
  });
});
