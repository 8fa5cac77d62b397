/**
 * Layer 2: code actions over a selection (lspux2), over the real protocol (dist/server.js --stdio).
 * 1. A selection over 2,000 copies of one inline secret: one action per distinct edit, each with every diagnostic it
 *    fixes (the dedup is one map look-up per fix; how long it takes is measured apart, never asserted here).
 * 2. "Ignore CODE for line N" for each line of the code in the selection, at most IGNORE_LINES_PER_CODE.
 * 3. "Fix all CODE in this file" carries the request's diagnostics of that code.
 * 4. A further fix offered on many findings ("Move 70 of the 140 inline secrets") carries only those it fixes (moveall);
 *    one name with two values is moved whole, the second value under a name of its own (dc040x).
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

  describe('"Ignore CODE for line N" over a selection (item 2)', () => {
    const COMPOSE = ['services:', '  web:', '    image: nginx:1.27.3', '    privileged: true', '  api:', '    image: nginx:1.27.3', '    privileged: true', '  db:', '    image: nginx:1.27.3', '    privileged: true', ''].join('\n');

    it('one per line of the code in the selection, each with its diagnostic, applied one after the other', async () => {
      const uri = client.open(path.join(dir, 'ignore', 'compose.yaml'), COMPOSE, 'dockercompose');
      const diags = await client.diagnostics(uri, 1);
      const dc010 = diags.filter((d) => d.code === 'DC010');
      assert.deepEqual(dc010.map((d) => d.range.start.line), [3, 6, 9]);
      const actions = await request(client, uri, lines(0, 10), diags, ['quickfix']);
      const ignores = actions.filter((a) => a.title.startsWith('Ignore DC010 for'));
      assert.deepEqual(
        ignores.map((a) => [a.title, a.diagnostics]),
        [
          ['Ignore DC010 for line 4', [dc010[0]]],
          ['Ignore DC010 for line 7', [dc010[1]]],
          ['Ignore DC010 for line 10', [dc010[2]]],
          ['Ignore DC010 for this file', dc010],
        ],
      );
      // Applied as VS Code applies them: one, then the same entry of the menu asked again at the new version.
      let text = applyWorkspaceEdit(new Map([[uri, COMPOSE]]), ignores[0].edit!, apply).get(uri)!;
      const v2 = client.change(uri, [{ text }]);
      const diags2 = await client.diagnostics(uri, v2);
      assert.deepEqual(diags2.filter((d) => d.code === 'DC010').map((d) => d.range.start.line), [7, 10]);
      const again = (await request(client, uri, lines(0, 11), diags2, ['quickfix'])).filter((a) => /^Ignore DC010 for line/.test(a.title));
      assert.deepEqual(again.map((a) => a.title), ['Ignore DC010 for line 8', 'Ignore DC010 for line 11']);
      text = applyWorkspaceEdit(new Map([[uri, text]]), again[1].edit!, apply).get(uri)!;
      assert.equal(text, ['services:', '  web:', '    image: nginx:1.27.3', '    # docker-guardrails-ignore DC010', '    privileged: true', '  api:', '    image: nginx:1.27.3', '    privileged: true', '  db:', '    image: nginx:1.27.3', '    # docker-guardrails-ignore DC010', '    privileged: true', ''].join('\n'));
      const v3 = client.change(uri, [{ text }]);
      const diags3 = await client.diagnostics(uri, v3);
      assert.deepEqual(diags3.filter((d) => d.code === 'DC010').map((d) => d.range.start.line), [7], 'the two comments silence their lines only');
      assert.deepEqual(diags3.filter((d) => d.code === 'DG001'), [], 'no unused ignore comment');
      // Both edits of the first menu applied to the first text at once (they are insertions on different lines): the same file.
      const both = applyTextEdits(COMPOSE, [ignores[0], ignores[2]].flatMap((a) => (a.edit!.documentChanges![0] as { edits: { range: Range; newText: string }[] }).edits));
      assert.equal(both, text);
    });

    it('at most 10 lines per code, the first in the selection; the file entry carries every diagnostic', async () => {
      let text = 'services:\n';
      for (let i = 0; i < 12; i++) text += `  s${i}:\n    image: nginx:1.27.3\n    privileged: true\n`;
      const uri = client.open(path.join(dir, 'ignore12', 'compose.yaml'), text, 'dockercompose');
      const dc010 = (await client.diagnostics(uri, 1)).filter((d) => d.code === 'DC010');
      assert.equal(dc010.length, 12);
      const actions = await request(client, uri, lines(0, 37), [...dc010].reverse(), ['quickfix']);
      const ignores = actions.filter((a) => a.title.startsWith('Ignore DC010 for'));
      assert.deepEqual(
        ignores.map((a) => a.title),
        [...Array.from({ length: 10 }, (_, i) => `Ignore DC010 for line ${3 * i + 4}`), 'Ignore DC010 for this file'],
      );
      assert.equal(ignores[10].diagnostics?.length, 12);
    });

    it('a Dockerfile: one comment above each instruction, both applied at once still analyzed clean of the code; "this line" for one', async () => {
      const DOCKERFILE = ['FROM node:22.11.0', 'ADD https://example.com/a.tgz /a.tgz', 'RUN echo a', 'ADD https://example.com/b.tgz /b.tgz', 'USER node', 'CMD ["node", "app.js"]', ''].join('\n');
      const uri = client.open(path.join(dir, 'ignoredf', 'Dockerfile'), DOCKERFILE, 'dockerfile');
      const diags = await client.diagnostics(uri, 1);
      const df015 = diags.filter((d) => d.code === 'DF015');
      assert.deepEqual(df015.map((d) => d.range.start.line), [1, 3]);
      const actions = await request(client, uri, lines(0, 6), diags, ['quickfix']);
      const numbered = actions.filter((a) => a.title.startsWith('Ignore DF015 for line'));
      assert.deepEqual(numbered.map((a) => a.title), ['Ignore DF015 for line 2', 'Ignore DF015 for line 4']);
      const both = applyTextEdits(DOCKERFILE, numbered.flatMap((a) => (a.edit!.documentChanges![0] as { edits: { range: Range; newText: string }[] }).edits));
      assert.equal(both, ['FROM node:22.11.0', '# docker-guardrails-ignore DF015', 'ADD https://example.com/a.tgz /a.tgz', 'RUN echo a', '# docker-guardrails-ignore DF015', 'ADD https://example.com/b.tgz /b.tgz', 'USER node', 'CMD ["node", "app.js"]', ''].join('\n'));
      const v2 = client.change(uri, [{ text: both }]);
      const after2 = await client.diagnostics(uri, v2);
      assert.deepEqual(after2.filter((d) => d.code === 'DF015' || d.code === 'DG001'), []);
      client.change(uri, [{ text: DOCKERFILE }]);
      const v3 = await client.diagnostics(uri, v2 + 1);
      const one = v3.find((d) => d.code === 'DF015')!;
      const single = await request(client, uri, one.range, [one], ['quickfix']);
      assert.deepEqual(single.filter((a) => a.title.startsWith('Ignore DF015')).map((a) => a.title), ['Ignore DF015 for this line', 'Ignore DF015 for this file']);
    });
  });

  it('"Fix all CODE in this file" carries the request\'s diagnostics of that code (item 3)', async () => {
    const COMPOSE = ['services:', '  web:', '    image: nginx:1.27.3', '  api:', '    image: nginx:1.27.3', '  db:', '    image: nginx:1.27.3', ''].join('\n');
    for (const resolveEdits of [false, true]) {
      const c = new TestClient();
      c.resolveEdits = resolveEdits;
      try {
        const where = tempFiles('dg-lspux2-fixall-', {});
        fs.mkdirSync(path.join(where, '.git'));
        await c.initialize([where]);
        const uri = c.open(path.join(where, 'compose.yaml'), COMPOSE, 'dockercompose');
        const diags = await c.diagnostics(uri, 1);
        const pids = diags.filter((d) => d.code === 'DC021');
        assert.equal(pids.length, 3);
        const all = (await request(c, uri, lines(0, 7), diags, ['quickfix'])).find((a) => a.title === 'Fix all DC021 in this file');
        assert.deepEqual(all?.diagnostics, pids, `resolveEdits ${resolveEdits}`);
        // The cursor on one of them: that one.
        const one = (await request(c, uri, pids[1].range, [pids[1]], ['quickfix'])).find((a) => a.title === 'Fix all DC021 in this file');
        assert.deepEqual(one?.diagnostics, [pids[1]], `resolveEdits ${resolveEdits}`);
      } finally {
        await c.shutdown();
      }
    }
  });

  it('"Move N inline secrets" that leaves a secret another service reads: offered on, and carrying, only the findings its edit removes; "all" only when it moves every one (item 4, moveall)', async () => {
    let text = 'services:\n';
    for (let i = 0; i < 140; i++) text += `  svc${i}:\n    image: postgres:17.2\n    environment:\n      ${i < 70 ? 'POSTGRES_PASSWORD: Lk99_same_pw_Qw7rTy2u' : 'API_TOKEN: Zz88_other_tk_Pq1xCv3b'}\n`;
    text += '  reader:\n    image: nginx:1.27.3\n    environment:\n      OTHER: ${API_TOKEN}\n';
    const uri = client.open(path.join(dir, 'leftout', 'compose.yaml'), text, 'dockercompose');
    const diags = (await client.diagnostics(uri, 1)).filter((d) => d.code === 'DC040');
    assert.equal(diags.length, 140);
    const many = (await request(client, uri, lines(0, 565), diags, ['quickfix'])).filter((a) => /^Move (all )?\d+ /.test(a.title));
    assert.deepEqual(
      many.map((a) => [a.title, a.diagnostics?.length]),
      [["Move 70 of the 140 inline secrets of this file to .env (API_TOKEN left out: service 'reader' reads ${API_TOKEN} and would get it)", 70]],
    );
    const carried = new Set(many[0].diagnostics!.map((d) => d.range.start.line));
    // The POSTGRES_PASSWORD's 70 (svc0..svc69: its line 4 + 4i).
    assert.deepEqual([...carried].sort((a, b) => a - b), Array.from({ length: 70 }, (_, i) => 4 + 4 * i));
    // A finding it leaves: no "Move N" that would leave it; its own move moves its value's 70.
    const other = diags[100];
    const titles = (await request(client, uri, other.range, [other], ['quickfix'])).map((a) => a.title);
    assert.ok(!titles.some((t) => /^Move (all )?\d+ /.test(t)), titles.join(' | '));
    assert.ok(titles.includes("Move API_TOKEN and its 69 copies to .env (service 'reader' reads ${API_TOKEN} and would get it)"), titles.join(' | '));
    const fixed = applyWorkspaceEdit(new Map([[uri, text]]), many[0].edit!, apply).get(uri)!;
    assert.equal(fixed.split('POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}').length - 1, 70);
    // Re-analysed: exactly the diagnostics it carried are gone.
    const version = client.change(uri, [{ text: fixed }]);
    const after = (await client.diagnostics(uri, version)).filter((d) => d.code === 'DC040');
    assert.deepEqual(
      after.map((d) => d.range.start.line),
      diags.map((d) => d.range.start.line).filter((l) => !carried.has(l)),
    );
  });

  it('"Move all 140 inline secrets", one name with two values: the second value under a name of its own, every finding carried and removed (dc040x, item 1)', async () => {
    let text = 'services:\n';
    for (let i = 0; i < 140; i++) text += `  svc${i}:\n    image: postgres:17.2\n    environment:\n      POSTGRES_PASSWORD: ${i < 70 ? 'Lk99_same_pw_Qw7rTy2u' : 'Zz88_other_pw_Pq1xCv3b'}\n`;
    const uri = client.open(path.join(dir, 'twovalues', 'compose.yaml'), text, 'dockercompose');
    const diags = (await client.diagnostics(uri, 1)).filter((d) => d.code === 'DC040');
    assert.equal(diags.length, 140);
    const many = (await request(client, uri, lines(0, 561), diags, ['quickfix'])).filter((a) => /^Move (all )?\d+ /.test(a.title));
    // Before, "Move 70 of the 140": .env holds one value per name, and the second value had no name of its own.
    assert.deepEqual(
      many.map((a) => [a.title, a.diagnostics?.length]),
      [['Move all 140 inline secrets of this file to .env', 140]],
    );
    // A finding of the other value: its own move names the name it goes under.
    const titles = (await request(client, uri, diags[100].range, [diags[100]], ['quickfix'])).map((a) => a.title);
    assert.ok(titles.includes('Move POSTGRES_PASSWORD and its 69 copies to .env as SVC70_POSTGRES_PASSWORD'), titles.join(' | '));
    const fixed = applyWorkspaceEdit(new Map([[uri, text]]), many[0].edit!, apply).get(uri)!;
    assert.equal(fixed.split('POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n').length - 1, 70);
    assert.equal(fixed.split('POSTGRES_PASSWORD: ${SVC70_POSTGRES_PASSWORD}\n').length - 1, 70);
    const version = client.change(uri, [{ text: fixed }]);
    assert.deepEqual((await client.diagnostics(uri, version)).filter((d) => d.code === 'DC040'), []);
  });
});
