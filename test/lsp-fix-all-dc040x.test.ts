/**
 * Layer 2: "Fix all CODE in this file" over the real protocol (dist/server.js --stdio), dc040x:
 * 1. A name with two inline values: the rounds of fix-all move both (the second under a name of its own), so the action
 *    resolves the second value's finding too.
 * 2. The action carries exactly the diagnostics its edit resolves: not one of a finding without a fix.
 * 3. It is decided from every finding of the code in the request and the document, not from the request's first: offered
 *    when that first finding has no fix (a credential given as a flag, reported without one) and later ones do.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CodeAction, Diagnostic, Range, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { URI } from 'vscode-uri';
import { applyTextEdits } from '../rules';
import { applyWorkspaceEdit, SERVER, TestClient } from './helpers/lsp-client';
import { tempFiles } from './helpers/temp';

const apply = (text: string, edits: { range: Range; newText: string }[]) => applyTextEdits(text, edits);

function request(client: TestClient, uri: string, range: Range, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
  return client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics, only: ['quickfix'] } }) as Promise<CodeAction[]>;
}

// The first DC040 finding (line 3) is a credential given as a flag: reported without a fix. DB_PASSWORD holds two values
// (lines 6 and 11); JWT_SECRET, which the worker reads, makes "Move N inline secrets" leave one, so "Fix all DC040 in this
// file" is offered beside it.
const COMPOSE = [
  'services:',
  '  api:',
  '    image: ghcr.io/acme/api:1.0.0',
  '    command: ["serve", "--stripe-key", "sk_live_51HqLyjWDarjtT1zdp7dcXYZ"]',
  '    environment:',
  '      JWT_SECRET: Lk51_jwt_Hh3Jj4Kk5',
  '      DB_PASSWORD: Lk51_first_Qw7rTy2u',
  '  worker:',
  '    image: ghcr.io/acme/api:1.0.0',
  '    environment:',
  '      OTHER: ${JWT_SECRET}',
  '      DB_PASSWORD: Lk51_second_Xk9mQ2vL',
  '',
].join('\n');

// The same with the flag last: the request's first finding has a fix, and the last, which has none, is not carried.
const FLAG_LAST = COMPOSE.replace('    command: ["serve", "--stripe-key", "sk_live_51HqLyjWDarjtT1zdp7dcXYZ"]\n', '') + '    command: ["serve", "--stripe-key", "sk_live_51HqLyjWDarjtT1zdp7dcXYZ"]\n';

describe('"Fix all DC040 in this file" (dc040x)', () => {
  assert.ok(fs.existsSync(SERVER), 'dist/server.js is missing: run the build first');

  for (const resolveEdits of [false, true]) {
    it(`is offered when the request's first finding has no fix, carries exactly the diagnostics its edit resolves, and moves a second value of a name (resolveEdits ${resolveEdits})`, async () => {
      const dir = tempFiles('dg-dc040x-', { 'compose.yaml': COMPOSE, '.gitignore': '.env\n' });
      fs.mkdirSync(path.join(dir, '.git'));
      const client = new TestClient();
      client.resolveEdits = resolveEdits;
      try {
        await client.initialize([dir]);
        const uri = client.open(path.join(dir, 'compose.yaml'), COMPOSE, 'dockercompose');
        const diags = (await client.diagnostics(uri, 1)).filter((d) => d.code === 'DC040');
        assert.deepEqual(
          diags.map((d) => d.range.start.line),
          [3, 5, 6, 11],
        );
        const fixAllOf = async (asked: Diagnostic[]) => {
          const range = { start: asked[0].range.start, end: asked[asked.length - 1].range.end };
          const action = (await request(client, uri, range, asked)).find((a) => a.title === 'Fix all DC040 in this file');
          if (!action || action.edit || !resolveEdits) return action;
          return { ...action, edit: ((await client.conn.sendRequest('codeAction/resolve', action)) as { edit?: WorkspaceEdit }).edit };
        };
        // Over all four: offered though the first has no fix; it carries the three that have one.
        const all = await fixAllOf(diags);
        assert.ok(all, 'offered from every finding of the code, not from the first');
        assert.deepEqual(
          all.diagnostics?.map((d) => d.range.start.line),
          [5, 6, 11],
        );
        // On the flag alone: not offered, as on any finding without a fix (review 42c, item 8).
        assert.equal(await fixAllOf([diags[0]]), undefined);
        // On the second value of DB_PASSWORD: its diagnostic, which the edit resolves.
        const onSecond = await fixAllOf([diags[3]]);
        assert.deepEqual(
          onSecond?.diagnostics?.map((d) => d.range.start.line),
          [11],
        );
        // The flag last (another file): carried are the three with a fix, not the flag's (before: every diagnostic asked).
        const late = client.open(path.join(dir, 'late', 'compose.yaml'), FLAG_LAST, 'dockercompose');
        const lateDiags = (await client.diagnostics(late, 1)).filter((d) => d.code === 'DC040');
        assert.deepEqual(
          lateDiags.map((d) => d.range.start.line),
          [4, 5, 10, 11],
        );
        const lateAll = (await request(client, late, { start: lateDiags[0].range.start, end: lateDiags[3].range.end }, lateDiags)).find((a) => a.title === 'Fix all DC040 in this file');
        assert.deepEqual(
          lateAll?.diagnostics?.map((d) => d.range.start.line),
          [4, 5, 10],
        );
        const envUri = URI.file(path.join(dir, '.env')).toString();
        const fixed = applyWorkspaceEdit(new Map([[uri, COMPOSE]]), all.edit!, apply);
        const text = fixed.get(uri)!;
        assert.match(text, /DB_PASSWORD: \$\{DB_PASSWORD\}\n {2}worker:/);
        assert.match(text, /DB_PASSWORD: \$\{WORKER_DB_PASSWORD\}\n$/);
        assert.equal(fixed.get(envUri), 'JWT_SECRET=Lk51_jwt_Hh3Jj4Kk5\nDB_PASSWORD=Lk51_first_Qw7rTy2u\nWORKER_DB_PASSWORD=Lk51_second_Xk9mQ2vL\n');
        // Analyzed again: exactly the diagnostics it carried are gone.
        fs.writeFileSync(path.join(dir, '.env'), fixed.get(envUri)!);
        const version = client.change(uri, [{ text }]);
        const after = (await client.diagnostics(uri, version)).filter((d) => d.code === 'DC040');
        const carried = new Set(all.diagnostics!.map((d) => d.range.start.line));
        assert.deepEqual(
          after.map((d) => d.range.start.line),
          diags.map((d) => d.range.start.line).filter((l) => !carried.has(l)),
        );
      } finally {
        await client.shutdown();
      }
    });
  }
});
