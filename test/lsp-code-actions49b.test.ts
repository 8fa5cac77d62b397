/**
 * Layer 2: the quick-fix menu as VS Code asks for it (review 49b), over the real protocol (dist/server.js --stdio).
 * F1: right after an edit, the diagnostics VS Code sends are the previous publish's (its markers, moved by its own
 * tracking): the menu is the current version's, for the findings of their code at the requested range.
 * F2: a selection over several findings: one action per distinct edit, every title told apart.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { CodeAction, Diagnostic, Range, TextDocumentEdit } from 'vscode-languageserver-protocol';
import { applyTextEdits } from '../rules';
import { applyWorkspaceEdit, SERVER, TestClient } from './helpers/lsp-client';
import { tempFiles } from './helpers/temp';

const apply = (text: string, edits: { range: Range; newText: string }[]) => applyTextEdits(text, edits);

/** The request VS Code sends: the range (a cursor or a selection) and the diagnostics it holds there. */
function request(client: TestClient, uri: string, range: Range, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
  return client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics, only } }) as Promise<CodeAction[]>;
}

const versionsOf = (a: CodeAction | undefined) => (a?.edit?.documentChanges ?? []).map((c) => ('textDocument' in c ? (c as TextDocumentEdit).textDocument.version : 'create'));
const moved = (d: Diagnostic, lines: number): Diagnostic => ({ ...d, range: { start: { line: d.range.start.line + lines, character: d.range.start.character }, end: { line: d.range.end.line + lines, character: d.range.end.character } } });

describe('code actions as VS Code asks for them (review 49b)', () => {
  let client: TestClient;
  let dir: string;
  before(async () => {
    assert.ok(fs.existsSync(SERVER), 'dist/server.js is missing: run the build first');
    dir = tempFiles('dg-lsp49b-', {});
    fs.mkdirSync(path.join(dir, '.git'));
    client = new TestClient();
    await client.initialize([dir]);
  });
  after(() => client.shutdown());

  describe('F1: the diagnostics of the previous version, sent right after an edit', () => {
    const COMPOSE = '# the stack\nservices:\n  agent:\n    image: portainer/agent:2.21.0\n    privileged: true\n';

    it('offer the fix, the Ignore entries and the docs of the current version, with edits for the current version', async () => {
      const uri = client.open(path.join(dir, 'f1', 'compose.yaml'), COMPOSE, 'dockercompose');
      const v1 = (await client.diagnostics(uri, 1)).find((d) => d.code === 'DC010')!;
      assert.ok(v1, 'DC010 on privileged: true');
      const fresh = (await request(client, uri, v1.range, [v1])).map((a) => a.title);
      assert.ok(fresh.includes('Remove privileged: true'), fresh.join(' | '));

      // A character typed in the comment: VS Code still holds the v1 diagnostic and sends it.
      let text = '# the stackx\nservices:\n  agent:\n    image: portainer/agent:2.21.0\n    privileged: true\n';
      const v2 = client.change(uri, [{ range: { start: { line: 0, character: 11 }, end: { line: 0, character: 11 } }, text: 'x' }]);
      const typed = await request(client, uri, v1.range, [v1]);
      assert.deepEqual(
        typed.map((a) => a.title),
        fresh,
      );
      const fix = typed.find((a) => a.title === 'Remove privileged: true');
      assert.deepEqual(versionsOf(fix), [v2], 'the edit names the current version');
      assert.deepEqual(fix?.diagnostics, [v1], 'attached to the diagnostic the client shows');
      assert.equal(applyWorkspaceEdit(new Map([[uri, text]]), fix!.edit!, apply).get(uri), '# the stackx\nservices:\n  agent:\n    image: portainer/agent:2.21.0\n');

      // A line inserted above: VS Code moves its marker a line down; the edit is made at the current version's positions.
      const v3 = client.change(uri, [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, text: '  # note\n' }]);
      text = '# the stackx\nservices:\n  # note\n  agent:\n    image: portainer/agent:2.21.0\n    privileged: true\n';
      const marker = moved(v1, 1);
      const below = await request(client, uri, marker.range, [marker]);
      const fix3 = below.find((a) => a.title === 'Remove privileged: true');
      assert.deepEqual(versionsOf(fix3), [v3]);
      assert.equal(applyWorkspaceEdit(new Map([[uri, text]]), fix3!.edit!, apply).get(uri), '# the stackx\nservices:\n  # note\n  agent:\n    image: portainer/agent:2.21.0\n');
      const ignore = below.find((a) => a.title === 'Ignore DC010 for this line');
      assert.deepEqual(versionsOf(ignore), [v3]);
      assert.equal(applyWorkspaceEdit(new Map([[uri, text]]), ignore!.edit!, apply).get(uri), '# the stackx\nservices:\n  # note\n  agent:\n    image: portainer/agent:2.21.0\n    # docker-guardrails-ignore DC010\n    privileged: true\n');
      assert.ok(below.some((a) => a.title === 'Show documentation for DC010'));
    });

    it('offer nothing for a finding that is not at the requested range in the current version (removed, or elsewhere)', async () => {
      const uri = client.open(path.join(dir, 'f1b', 'compose.yaml'), COMPOSE, 'dockercompose');
      const v1 = (await client.diagnostics(uri, 1)).find((d) => d.code === 'DC010')!;
      // privileged: true removed: the client's marker is still there until the publish.
      client.change(uri, [{ range: { start: { line: 4, character: 0 }, end: { line: 5, character: 0 } }, text: '' }]);
      assert.deepEqual(await request(client, uri, v1.range, [v1]), []);
      // Back, two lines further down (a service in front): the old marker's range is not on it.
      client.change(uri, [{ text: '# the stack\nservices:\n  agent:\n    image: portainer/agent:2.21.0\n\n\n    privileged: true\n' }]);
      assert.deepEqual(await request(client, uri, v1.range, [v1]), []);
      // A diagnostic of another code at the range does not bring DC010's menu.
      const other: Diagnostic = { ...v1, code: 'DC016' };
      assert.deepEqual((await request(client, uri, moved(v1, 2).range, [other])).filter((a) => /DC010|privileged/.test(a.title)), []);
    });
  });

  describe('F2: a selection over several findings', () => {
    const COMPOSE = ['services:', '  web:', '    image: nginx:1.27.3', '  api:', '    image: nginx:1.27.3', '  db:', '    image: nginx:1.27.3', ''].join('\n');
    const whole: Range = { start: { line: 0, character: 0 }, end: { line: 7, character: 0 } };

    it('one action per edit, with every diagnostic it fixes, and titles that say which service', async () => {
      const uri = client.open(path.join(dir, 'f2', 'compose.yaml'), COMPOSE, 'dockercompose');
      const diags = await client.diagnostics(uri, 1);
      const pids = diags.filter((d) => d.code === 'DC021');
      assert.equal(pids.length, 3, diags.map((d) => d.code).join(','));
      const actions = await request(client, uri, whole, diags, ['quickfix']);
      const titles = actions.map((a) => a.title);
      const repeated = titles.filter((t, i) => titles.indexOf(t) !== i);
      assert.deepEqual(repeated, [], 'no title shown twice');
      // Per-service fixes: told apart by service, each editing its own service.
      for (const name of ['web', 'api', 'db']) {
        const a = actions.find((x) => x.title === `Add pids_limit: 200 (service '${name}')`);
        assert.ok(a, `pids_limit for ${name} among ${titles.join(' | ')}`);
        const fixed = applyWorkspaceEdit(new Map([[uri, COMPOSE]]), a.edit!, apply).get(uri)!;
        const service = (parseAllDocuments(fixed)[0].toJS() as { services: Record<string, Record<string, unknown>> }).services;
        assert.deepEqual(Object.keys(service).filter((s) => service[s].pids_limit === 200), [name]);
      }
      // DC032's one edit for every service: once, with every DC032 diagnostic.
      const dc032 = diags.filter((d) => d.code === 'DC032');
      assert.ok(dc032.length >= 2, `DC032 on several services: ${dc032.length}`);
      const attach = actions.filter((a) => a.title.startsWith('Attach every service to a named bridge network'));
      assert.equal(attach.length, 1, attach.map((a) => a.title).join(' | '));
      assert.equal(attach[0].title, 'Attach every service to a named bridge network');
      assert.deepEqual(attach[0].diagnostics, dc032);
    });

    it('the fixes of every copy of a secret, each listing its own copy first, are one action; resolved lazily under a title that says which (the second value of a name: the name it goes under, dc040x)', async () => {
      let text = 'services:\n';
      for (let i = 0; i < 140; i++) text += `  svc${i}:\n    image: postgres:17.2\n    environment:\n      POSTGRES_PASSWORD: ${i < 70 ? 'Lk99_same_pw_Qw7rTy2u' : 'Zz88_other_pw_Pq1xCv3b'}\n`;
      const lazy = new TestClient();
      lazy.resolveEdits = true;
      try {
        const where = tempFiles('dg-lsp49b-lazy-', { 'compose.yaml': text });
        fs.mkdirSync(path.join(where, '.git'));
        await lazy.initialize([where]);
        const uri = lazy.open(path.join(where, 'compose.yaml'), text, 'dockercompose');
        const diags = (await lazy.diagnostics(uri, 1)).filter((d) => d.code === 'DC040');
        assert.equal(diags.length, 140);
        const actions = await request(lazy, uri, { start: { line: 0, character: 0 }, end: { line: 561, character: 0 } }, diags, ['quickfix']);
        const moves = actions.filter((a) => a.title.startsWith('Move POSTGRES_PASSWORD and its 69 copies to .env'));
        assert.deepEqual(
          moves.map((a) => [a.title, a.diagnostics?.length, a.edit === undefined]),
          [
            // Before dc040x both were "Move POSTGRES_PASSWORD and its 69 copies to .env", told apart by their service.
            ['Move POSTGRES_PASSWORD and its 69 copies to .env', 70, true],
            ['Move POSTGRES_PASSWORD and its 69 copies to .env as SVC70_POSTGRES_PASSWORD', 70, true],
          ],
        );
        for (const [i, move] of moves.entries()) {
          const resolved = await lazy.resolved(move);
          assert.ok(resolved.edit, `the edit of ${move.title}`);
          const fixed = applyWorkspaceEdit(new Map([[uri, text]]), resolved.edit, apply).get(uri)!;
          const services = (parseAllDocuments(fixed)[0].toJS() as { services: Record<string, { environment: Record<string, string> }> }).services;
          const moved = Object.keys(services).filter((s) => services[s].environment.POSTGRES_PASSWORD === (i === 0 ? '${POSTGRES_PASSWORD}' : '${SVC70_POSTGRES_PASSWORD}'));
          assert.equal(moved.length, 70);
          assert.ok(moved.includes(i === 0 ? 'svc0' : 'svc70'));
        }
      } finally {
        await lazy.shutdown();
      }
    });

    it('the menu of one finding (the cursor on one line) keeps the rule\'s titles', async () => {
      const uri = client.open(path.join(dir, 'f2b', 'compose.yaml'), COMPOSE, 'dockercompose');
      const diags = await client.diagnostics(uri, 1);
      const pids = diags.find((d) => d.code === 'DC021' && d.range.start.line === 3)!;
      const here = diags.filter((d) => d.range.start.line === 3);
      const one = await request(client, uri, { start: { line: 3, character: 3 }, end: { line: 3, character: 3 } }, here, ['quickfix']);
      const titles = one.map((a) => a.title);
      assert.ok(titles.includes('Add pids_limit: 200'), titles.join(' | '));
      assert.ok(titles.every((t) => !t.includes("(service '")), titles.join(' | '));
      assert.deepEqual(one.find((a) => a.title === 'Add pids_limit: 200')?.diagnostics, [pids]);
    });
  });
});
