/**
 * Layer 2: the language server over the real protocol. Spawns `node dist/server.js --stdio`,
 * opens documents, reads published diagnostics, requests code actions and applies them.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { URI } from 'vscode-uri';
import { parseAllDocuments } from 'yaml';
import Ajv from 'ajv';
import type { WorkspaceEdit } from 'vscode-languageserver-protocol';
import { offlineDocsLinks } from '../client/src/docs-links';
import { allRules, applyTextEdits, DOCS_BASE_URL, docsUrl, ruleByCode, ruleWhyLine, severityCodes } from '../rules';
import { indexOf } from './helpers/git-index';
import { applyWorkspaceEdit, SERVER, TestClient } from './helpers/lsp-client';
import { tempFiles } from './helpers/temp';
import { isolatedEnv } from './helpers/user-env';

/** The project's root (the tests run from out/<dir>/). */
const ROOT = path.resolve(__dirname, '../..');

const DOCKERFILE = 'FROM node:24-alpine\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n';
const COMPOSE = 'services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD: "Tr0ub4dor&3-horse"\n  agent:\n    image: portainer/agent:2.21.0\n    privileged: true\n';

function tempWorkspace(files: Record<string, string>): string {
  const dir = tempFiles('dg-lsp-', files);
  // A repository root (its files may include .git/ entries already).
  fs.mkdirSync(path.join(dir, '.git'), { recursive: true });
  return dir;
}

/** Runs `test` against a fresh server whose workspace folder holds `files` (and `.git`), then shuts the server down. */
async function withServer(files: Record<string, string>, test: (client: TestClient, dir: string) => Promise<void>, settings?: Record<string, unknown>): Promise<void> {
  const dir = tempWorkspace(files);
  const client = new TestClient();
  try {
    if (settings) client.settings = settings;
    await client.initialize([dir]);
    await test(client, dir);
  } finally {
    await client.shutdown();
  }
}

/** The error code a request is answered with, or 'no error'. */
const codeOf = (p: Promise<unknown>) => p.then(() => 'no error', (e: { code?: number }) => e.code);

const apply = (text: string, edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]) => applyTextEdits(text, edits);

describe('language server over stdio', () => {
  before(() => assert.ok(fs.existsSync(SERVER), 'dist/server.js is missing: run the build first'));

  describe('an open Dockerfile', () => {
    let client: TestClient;
    let dir: string;
    before(async () => {
      dir = tempWorkspace({});
      client = new TestClient();
      await client.initialize([dir]);
    });
    after(() => client.shutdown());

    it('publishes diagnostics with source, code and docs link for the opened version', async () => {
      const uri = client.open(path.join(dir, 'Dockerfile'), DOCKERFILE, 'dockerfile');
      const diags = await client.diagnostics(uri, 1);
      const df010 = diags.find((d) => d.code === 'DF010');
      assert.ok(df010, `DF010 expected, got ${diags.map((d) => d.code).join(',')}`);
      assert.equal(df010.source, 'docker-guardrails');
      assert.match(df010.codeDescription?.href ?? '', /DF010/);
      assert.equal(df010.range.start.line, 0);
    });

    it('reanalyzes on every change and publishes for the new version', async () => {
      const uri = URI.file(path.join(dir, 'Dockerfile')).toString();
      // Type "USER root" before CMD, one character at a time: every version gets its own publish.
      const line = 'USER root\n';
      let version = 0;
      for (let i = 0; i < line.length; i++) version = client.change(uri, [{ range: { start: { line: 3, character: i }, end: { line: 3, character: i } }, text: line[i] }]);
      const diags = await client.diagnostics(uri, version);
      const df010 = diags.find((d) => d.code === 'DF010');
      assert.ok(df010);
      assert.equal(df010.range.start.line, 3, 'now reported on the USER root line');
      assert.match(String(df010.message), /USER root/);
    });

    it('offers the quick fix as a WorkspaceEdit that resolves the finding when applied', async () => {
      const uri = URI.file(path.join(dir, 'Dockerfile')).toString();
      const current = client.latest(uri)!;
      const df010 = current.diagnostics.filter((d) => d.code === 'DF010');
      const actions = await client.codeActions(uri, df010, ['quickfix']);
      const fix = actions.find((a) => a.kind === 'quickfix');
      assert.ok(fix?.edit, 'a quickfix with an edit');
      assert.equal(fix.title, 'Run as USER 1000');
      const text = 'FROM node:24-alpine\nWORKDIR /app\nCOPY . .\nUSER root\nCMD ["node", "server.js"]\n';
      const files = applyWorkspaceEdit(new Map([[uri, text]]), fix.edit, apply);
      const fixed = files.get(uri)!;
      assert.equal(fixed, 'FROM node:24-alpine\nWORKDIR /app\nCOPY . .\nUSER 1000\nCMD ["node", "server.js"]\n');
      const version = client.change(uri, [{ text: fixed }]);
      const diags = await client.diagnostics(uri, version);
      assert.deepEqual(diags.filter((d) => d.code === 'DF010'), []);
    });

    it('offers fix-all as source.fixAll.docker-guardrails', async () => {
      const text = 'FROM node\nADD server.js /app/\nCMD ["node", "/app/server.js"]\n';
      const uri = client.open(path.join(dir, 'api.Dockerfile'), text, 'dockerfile');
      const diags = await client.diagnostics(uri, 1);
      assert.deepEqual(diags.map((d) => d.code).sort().filter((c) => c === 'DF001' || c === 'DF010' || c === 'DF015'), ['DF001', 'DF010', 'DF015']);
      const actions = await client.codeActions(uri, [], ['source.fixAll.docker-guardrails']);
      const all = actions.find((a) => a.kind === 'source.fixAll.docker-guardrails');
      assert.ok(all?.edit);
      const fixed = applyWorkspaceEdit(new Map([[uri, text]]), all.edit, apply).get(uri)!;
      // Fix-all applies the safe fixes only: ADD → COPY; DF001's pin and DF010's USER 1000 are quick fixes.
      assert.equal(fixed, 'FROM node\nCOPY server.js /app/\nCMD ["node", "/app/server.js"]\n');
    });

    it('survives broken input and keeps answering', async () => {
      const uri = client.open(path.join(dir, 'compose.yaml'), 'services:\n  a: [\n    image: "unterminated\n\u0000\u0001 binary', 'dockercompose');
      await client.diagnostics(uri, 1);
      const half = client.open(path.join(dir, 'Dockerfile.half'), 'FROM\nRUN \\\n', 'dockerfile');
      await client.diagnostics(half, 1);
      assert.equal(client.proc.exitCode, null, 'server still running');
    });
  });

  describe('fix-all on files with many overlapping findings', () => {
    for (const [name, languageId, text] of [
      [
        'Dockerfile',
        'dockerfile',
        'FROM node\nMAINTAINER Jane Doe <jane@example.com>\nRUN apt-get update\nRUN apt-get install curl git && pip install flask && apk add bash\nRUN sudo npm install\nEXPOSE 22 8080\nCMD node server.js\n',
      ],
      [
        'compose.yaml',
        'dockercompose',
        'services:\n  web:\n    image: nginx\n    privileged: true\n    ports:\n      - "80:80"\n    environment:\n      API_TOKEN: tok_live_abcdefghijkl\n      DB_PASSWORD: hunter2hunter2\n    security_opt:\n      - seccomp:unconfined\n  db:\n    image: postgres:latest\n    network_mode: host\n',
      ],
    ] as const) {
      it(`${name}: repeated fix-all converges, the file still parses, and no safely fixable finding is left`, async () => {
        await withServer({}, async (client, dir) => {
          const uri = client.open(path.join(dir, name), text, languageId);
          let files = new Map<string, string>([[uri, text]]);
          let version = 1;
          let diags = await client.diagnostics(uri, version);
          const before = diags.length;
          let rounds = 0;
          for (; rounds < 10; rounds++) {
            const actions = await client.codeActions(uri, [], ['source.fixAll.docker-guardrails']);
            const all = actions.find((a) => a.kind === 'source.fixAll.docker-guardrails');
            if (!all?.edit) break;
            for (const f of fs.readdirSync(dir)) {
              const u = URI.file(path.join(dir, f)).toString();
              if (!files.has(u) && fs.statSync(path.join(dir, f)).isFile()) files.set(u, fs.readFileSync(path.join(dir, f), 'utf8'));
            }
            files = applyWorkspaceEdit(files, all.edit, apply);
            // Files the edit created or changed besides the open one (.env, .gitignore…) land on disk, as in an editor.
            const changes = [];
            for (const [u, t] of files) {
              if (u === uri) continue;
              fs.writeFileSync(URI.parse(u).fsPath, t);
              changes.push({ uri: u, type: 2 });
            }
            if (changes.length) await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes });
            files = new Map<string, string>([[uri, files.get(uri)!]]);
            version = client.change(uri, [{ text: files.get(uri)! }]);
            diags = await client.diagnostics(uri, version);
          }
          assert.ok(rounds >= 1 && rounds < 10, `fix-all converged (${rounds} rounds)`);
          const fixed = files.get(uri)!;
          if (languageId === 'dockercompose') assert.deepEqual(parseAllDocuments(fixed).flatMap((d) => d.errors.map((e) => e.message)), []);
          // Whatever remains has no safe fix: ask for each remaining finding's quick fixes.
          for (const d of diags) {
            const offered = await client.codeActions(uri, [d], ['quickfix']);
            const preferred = offered.filter((a) => a.isPreferred && a.title !== 'Fix all' && !a.title.startsWith('Fix all') && !a.title.startsWith('Ignore') && !a.title.startsWith('Show'));
            assert.deepEqual(preferred.map((a) => `${d.code}: ${a.title}`), [], 'a safe fix is still offered after fix-all');
          }
          assert.ok(diags.length < before, `fewer findings after fix-all (${before} -> ${diags.length})`);
        });
      });
    }
  });

  describe('code action menu, hover and docs', () => {
    it('offers fix, fix-all-of-code, ignore for line / file and docs; the ignore edits silence the finding', async () => {
      await withServer({}, async (client, dir) => {
        const text = '# syntax=docker/dockerfile:1\nFROM node AS a\nFROM python:latest\nCMD ["python"]\n';
        const uri = client.open(path.join(dir, 'Dockerfile'), text, 'dockerfile');
        const diags = await client.diagnostics(uri, 1);
        const df001 = diags.filter((d) => d.code === 'DF001');
        assert.equal(df001.length, 2);
        const actions = await client.codeActions(uri, [df001[1]], ['quickfix']);
        const titles = actions.map((a) => a.title);
        for (const t of ['Pin to python:3.14', 'Pin to python:3.13', 'Fix all DF001 in this file', 'Ignore DF001 for this line', 'Ignore DF001 for this file', 'Show documentation for DF001']) assert.ok(titles.includes(t), `missing "${t}" in ${titles.join(' | ')}`);
        const docs = actions.find((a) => a.title === 'Show documentation for DF001')!;
        assert.deepEqual(docs.command, { title: 'Show documentation for DF001', command: 'dockerGuardrails.showRuleDocs', arguments: ['DF001'] });

        const fixAll = actions.find((a) => a.title === 'Fix all DF001 in this file')!;
        assert.equal(applyWorkspaceEdit(new Map([[uri, text]]), fixAll.edit!, apply).get(uri), '# syntax=docker/dockerfile:1\nFROM node:26 AS a\nFROM python:3.14\nCMD ["python"]\n');

        const ignoreLine = applyWorkspaceEdit(new Map([[uri, text]]), actions.find((a) => a.title === 'Ignore DF001 for this line')!.edit!, apply).get(uri)!;
        assert.equal(ignoreLine, '# syntax=docker/dockerfile:1\nFROM node AS a\n# docker-guardrails-ignore DF001\nFROM python:latest\nCMD ["python"]\n');
        let v = client.change(uri, [{ text: ignoreLine }]);
        let after = await client.diagnostics(uri, v);
        assert.equal(after.filter((d) => d.code === 'DF001').length, 1, 'only the other FROM is still reported');

        const ignoreFile = applyWorkspaceEdit(new Map([[uri, text]]), actions.find((a) => a.title === 'Ignore DF001 for this file')!.edit!, apply).get(uri)!;
        assert.ok(ignoreFile.startsWith('# syntax=docker/dockerfile:1\n# docker-guardrails-ignore-file DF001\n'), 'after the parser directive');
        v = client.change(uri, [{ text: ignoreFile }]);
        after = await client.diagnostics(uri, v);
        assert.equal(after.filter((d) => d.code === 'DF001').length, 0);

        // A stale ignore is reported (DG001), with a fix that removes it.
        const stale = '# docker-guardrails-ignore-file DF001\nFROM node:24-alpine\nUSER 1000\n';
        v = client.change(uri, [{ text: stale }]);
        after = await client.diagnostics(uri, v);
        const dg = after.filter((d) => d.code === 'DG001');
        assert.equal(dg.length, 1);
        const remove = (await client.codeActions(uri, dg, ['quickfix'])).find((a) => a.title === 'Remove unused ignore comment');
        assert.equal(applyWorkspaceEdit(new Map([[uri, stale]]), remove!.edit!, apply).get(uri), 'FROM node:24-alpine\nUSER 1000\n');

        // Hover explains the finding; the docs request serves the bundled page.
        v = client.change(uri, [{ text }]);
        await client.diagnostics(uri, v);
        const hover = (await client.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 8 } })) as { contents: { value: string } } | null;
        assert.ok(hover && /DF001 image-tag-unpinned/.test(hover.contents.value) && /Quick fix: \*Pin to python:3\.14\*/.test(hover.contents.value), JSON.stringify(hover));
        const page = (await client.conn.sendRequest('dockerGuardrails/ruleDocs', { code: 'df010' })) as { markdown: string };
        assert.match(page.markdown, /^# DF010 runs-as-root/);
        assert.match(page.markdown, /## Why is this bad\?/);
      });
    });

    it('"Ignore CODE for this line" on a finding inside a YAML block scalar or a heredoc body writes the comment above its key / instruction: the command and the script stay as they were, and the finding is silenced (review 43b, items 1 and 2)', async () => {
      const compose = 'services:\n  cache:\n    image: redis:7.4-alpine\n    command: >\n      redis-server\n      --appendonly yes\n      --requirepass hunter2hunter2\n';
      const dockerfile = 'FROM python:3.12-slim\nRUN <<EOF\nset -e\napt-get update && apt-get install -y --no-install-recommends \\\n  curl && pip install \\\n  flask\nrm -rf /var/lib/apt/lists/*\nEOF\nUSER 1000\n';
      await withServer({ '.dockerignore': '**/.env\n**/*.pem\n**/*.key\n**/id_rsa*\n' }, async (client, dir) => {
        const cases = [
          // The title says what the comment covers (cli44 item 2).
          { name: 'compose.yaml', language: 'dockercompose', text: compose, code: 'DC040', line: 6, title: 'Ignore DC040 for this multi-line value', expected: compose.replace('    command: >\n', '    # docker-guardrails-ignore DC040\n    command: >\n') },
          { name: 'Dockerfile', language: 'dockerfile', text: dockerfile, code: 'DF035', line: 4, title: 'Ignore DF035 for this instruction and its heredoc', expected: dockerfile.replace('RUN <<EOF\n', '# docker-guardrails-ignore DF035\nRUN <<EOF\n') },
        ];
        for (const c of cases) {
          const uri = client.open(path.join(dir, c.name), c.text, c.language);
          const diag = (await client.diagnostics(uri, 1)).find((d) => d.code === c.code);
          assert.ok(diag && diag.range.start.line === c.line, `${c.code} on line ${c.line}`);
          const action = (await client.codeActions(uri, [diag], ['quickfix'])).find((a) => a.title === c.title);
          assert.ok(action?.edit, 'the line ignore is offered');
          const after = applyWorkspaceEdit(new Map([[uri, c.text]]), action.edit, apply).get(uri)!;
          assert.equal(after, c.expected);
          if (c.name === 'compose.yaml') {
            const [doc] = parseAllDocuments(after) as unknown as { toJS(): { services: { cache: { command: string } } } }[];
            assert.equal(doc.toJS().services.cache.command, 'redis-server --appendonly yes --requirepass hunter2hunter2\n');
          }
          const v = client.change(uri, [{ text: after }]);
          const again = await client.diagnostics(uri, v);
          assert.deepEqual(again.filter((d) => d.code === c.code || d.code === 'DG001').map((d) => d.code), [], 'silenced, and the comment is used');
        }
      });
    });

    it('"Fix all CODE in this file" only where it adds something: not on a finding without a fix, not for the code\'s only fixable finding, not beside a whole-file fix that is every finding\'s fix (DC032) (review 42c, item 8)', async () => {
      const compose = 'services:\n  web:\n    build: .\n    ports:\n      - "8080:80"\n  db:\n    image: postgres:17.2\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n  cache:\n    image: redis:7.4.1\n';
      for (const resolveEdits of [true, false]) {
        const dir = tempWorkspace({ 'compose.yaml': compose, Dockerfile: 'FROM node:24-alpine\nUSER node\nCMD ["node", "server.js"]\n' });
        const client = new TestClient();
        client.resolveEdits = resolveEdits;
        try {
          await client.initialize([dir]);
          const uri = client.open(path.join(dir, 'compose.yaml'), compose, 'dockercompose');
          const diags = await client.diagnostics(uri, 1);
          const titlesOn = async (code: string, service: string) => {
            const diag = diags.find((d) => d.code === code && String(d.message).includes(`'${service}'`));
            assert.ok(diag, `${code} on ${service}: ${diags.map((d) => `${d.code} ${d.message}`).join(' | ')}`);
            return (await client.codeActions(uri, [diag], ['quickfix'])).map((a) => a.title);
          };
          // DC022: web builds a Dockerfile (no fix), db and cache get a healthcheck each.
          assert.ok(!(await titlesOn('DC022', 'web')).includes('Fix all DC022 in this file'), 'not on a finding with no fix');
          assert.ok((await titlesOn('DC022', 'db')).includes('Fix all DC022 in this file'), 'db and cache have distinct fixes');
          // DC032: one fix, the same for every service.
          const dc032 = await titlesOn('DC032', 'db');
          assert.ok(dc032.includes('Attach every service to a named bridge network'));
          assert.ok(!dc032.includes('Fix all DC032 in this file'), dc032.join(' | '));
          // DC030: web is the only service that publishes a port.
          assert.ok(!(await titlesOn('DC030', 'web')).includes('Fix all DC030 in this file'), 'the code\'s only fixable finding');
          // DC016: every service, distinct fixes.
          assert.ok((await titlesOn('DC016', 'web')).includes('Fix all DC016 in this file'));
        } finally {
          await client.shutdown();
        }
      }
    });

    it('the hover says why in a sentence that stands alone, and its documentation link becomes the offline page in the editor (review 42c, item 8)', async () => {
      await withServer({}, async (client, dir) => {
        const text = 'FROM alpine:3.21\nADD https://example.com/install.sh /tmp/install.sh\nUSER 1000\n';
        const uri = client.open(path.join(dir, 'Dockerfile'), text, 'dockerfile');
        const df015 = (await client.diagnostics(uri, 1)).find((d) => d.code === 'DF015');
        assert.ok(df015, 'DF015');
        const hover = (await client.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: df015.range.start })) as { contents: { value: string } };
        const value = hover.contents.value;
        assert.ok(value.includes(ruleWhyLine(ruleByCode('DF015')!)), value);
        assert.doesNotMatch(value, /ADD does more than it says\.\n/);
        // The server links the online page (any LSP client); VS Code's client makes it the bundled page (client/src/docs-links.ts).
        assert.ok(value.includes(`[Documentation](${docsUrl('DF015')})`), value);
        const inEditor = offlineDocsLinks(value);
        assert.ok(inEditor.includes(`[Documentation](command:dockerGuardrails.showRuleDocs?${encodeURIComponent('["DF015"]')})`), inEditor);
        assert.ok(!inEditor.includes(DOCS_BASE_URL), inEditor);
      });
    });
  });

  describe('compose quick fix that creates .env', () => {
    it('moves the secret to .env, git-ignores it and lists it in .env.example, in one edit', async () => {
      await withServer({ 'compose.yaml': COMPOSE }, async (client, dir) => {
        const composePath = path.join(dir, 'compose.yaml');
        const uri = client.open(composePath, COMPOSE, 'dockercompose');
        const diags = await client.diagnostics(uri, 1);
        const dc040 = diags.filter((d) => d.code === 'DC040');
        assert.equal(dc040.length, 1);
        assert.ok(!String(dc040[0].message).includes('Tr0ub4dor'), 'the secret value never appears in a message');
        assert.ok(diags.some((d) => d.code === 'DC010'));
        const actions = await client.codeActions(uri, dc040, ['quickfix']);
        const move = actions.find((a) => a.title === 'Move POSTGRES_PASSWORD to .env');
        assert.ok(move?.edit?.documentChanges, 'uses documentChanges');
        const kinds = move.edit.documentChanges.map((c) => ('kind' in c ? `${c.kind}:${path.basename(URI.parse(c.kind === 'rename' ? c.newUri : c.uri).fsPath)}` : `edit:${path.basename(URI.parse(c.textDocument.uri).fsPath)}`));
        assert.deepEqual(kinds, ['edit:compose.yaml', 'create:.env', 'edit:.env', 'create:.gitignore', 'edit:.gitignore', 'create:.env.example', 'edit:.env.example']);
        const files = applyWorkspaceEdit(new Map([[uri, COMPOSE]]), move.edit, apply);
        const u = (name: string) => URI.file(path.join(dir, name)).toString();
        assert.match(files.get(uri)!, /POSTGRES_PASSWORD: "\$\{POSTGRES_PASSWORD\}"/);
        assert.equal(files.get(u('.env')), "POSTGRES_PASSWORD='Tr0ub4dor&3-horse'\n");
        assert.equal(files.get(u('.gitignore')), '.env\n');
        assert.equal(files.get(u('.env.example')), 'POSTGRES_PASSWORD=\n');
        // The client makes the created .env owner-only once the edit is applied (review 40a item 9): only the secret file.
        assert.deepEqual(move.command, { title: 'Make the created secret files readable by their owner only', command: 'dockerGuardrails.restrictCreatedSecretFiles', arguments: [[u('.env')]] });
        const other = actions.find((a) => a.title === 'Ignore DC040 for this line');
        assert.equal(other?.command, undefined, 'an action that creates no secret file runs no command');
      });
    });
  });

  describe('workspace-wide diagnostics', () => {
    it('publishes findings for files never opened, with progress, and follows the file watcher', async () => {
      const files = {
        'svc/Dockerfile': 'FROM python:latest\nCMD ["python"]\n',
        'deploy/docker-compose.yml': 'services:\n  x:\n    image: busybox:1.37\n    privileged: true\n',
        'node_modules/pkg/Dockerfile': 'FROM node\n',
        'ignored/Dockerfile': 'FROM node\n',
        '.gitignore': 'ignored/\n',
      };
      await withServer(files, async (client, dir) => {
        const svc = URI.file(path.join(dir, 'svc/Dockerfile')).toString();
        const compose = URI.file(path.join(dir, 'deploy/docker-compose.yml')).toString();
        const svcDiags = await client.diagnostics(svc);
        assert.deepEqual(svcDiags.map((d) => d.code).sort().filter((c) => c === 'DF001' || c === 'DF010'), ['DF001', 'DF010']);
        assert.ok((await client.diagnostics(compose)).some((d) => d.code === 'DC010'));
        await client.until('the scan to finish', () => client.logs.some((l) => /workspace scan: \d+ files/.test(l)));
        assert.ok(client.progress.length >= 2, 'work-done progress was reported');
        assert.ok(!client.published.some((p) => p.uri.includes('node_modules') || p.uri.includes('/ignored/')), 'node_modules and .gitignore-d folders are skipped');

        // Opening and closing the editor keeps the findings of a file that still exists.
        const opened = client.open(path.join(dir, 'svc/Dockerfile'), 'FROM python:latest\nCMD ["python"]\n', 'dockerfile');
        await client.diagnostics(opened, 1);
        const before = client.published.length;
        client.close(opened);
        await client.until('republish after close', () => client.published.length > before && client.latest(svc));
        assert.ok(client.latest(svc)!.diagnostics.some((d) => d.code === 'DF001'), 'closing did not wipe the findings');

        // A file created on disk is analyzed; a deleted one is cleared.
        const created = path.join(dir, 'worker', 'Containerfile');
        fs.mkdirSync(path.dirname(created));
        fs.writeFileSync(created, 'FROM alpine:3.22\nUSER root\n');
        const createdUri = URI.file(created).toString();
        await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: createdUri, type: 1 }] });
        assert.ok((await client.diagnostics(createdUri)).some((d) => d.code === 'DF010'));
        fs.unlinkSync(created);
        await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: createdUri, type: 3 }] });
        await client.until('cleared diagnostics for the deleted file', () => client.latest(createdUri)?.diagnostics.length === 0);

        // A deleted folder is reported as the folder alone (VS Code): the files below it are cleared.
        const inFolder = path.join(dir, 'jobs', 'nightly', 'Dockerfile');
        fs.mkdirSync(path.dirname(inFolder), { recursive: true });
        fs.writeFileSync(inFolder, 'FROM alpine:3.22\nUSER root\n');
        const inFolderUri = URI.file(inFolder).toString();
        await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: inFolderUri, type: 1 }] });
        assert.ok((await client.diagnostics(inFolderUri)).some((d) => d.code === 'DF010'));
        fs.rmSync(path.join(dir, 'jobs'), { recursive: true });
        await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: URI.file(path.join(dir, 'jobs')).toString(), type: 3 }] });
        await client.until('cleared diagnostics for a file in the deleted folder', () => client.latest(inFolderUri)?.diagnostics.length === 0);

        // A folder created with files in it may be reported as the folder alone too: the files in it are analyzed.
        fs.mkdirSync(path.dirname(inFolder), { recursive: true });
        fs.writeFileSync(inFolder, 'FROM alpine:3.22\nUSER root\n');
        const published = client.publishCount(inFolderUri);
        await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: URI.file(path.join(dir, 'jobs')).toString(), type: 1 }] });
        await client.until('findings for the file in the created folder', () => client.publishCount(inFolderUri) > published && client.latest(inFolderUri)!.diagnostics.some((d) => d.code === 'DF010'));
      });
    });
  });

  describe('a file analyzed from disk, never opened', () => {
    it('offers fixes and hovers for its published findings; none when the file changed since, which is published anew', async () => {
      const compose = 'services:\n  x:\n    image: busybox:1.37\n    privileged: true\n';
      const dockerfile = 'FROM python:latest\nCMD ["python"]\n';
      await withServer({ 'compose.yaml': compose, 'svc/Dockerfile': dockerfile }, async (client, dir) => {
        const uri = URI.file(path.join(dir, 'compose.yaml')).toString();
        const dc010 = (await client.diagnostics(uri)).filter((d) => d.code === 'DC010');
        assert.equal(dc010.length, 1);
        // The server keeps the findings of a file analyzed from disk, not its parse: it parses it again here.
        const titles = (await client.codeActions(uri, dc010, ['quickfix'])).map((a) => a.title);
        assert.ok(titles.some((t) => /privileged/.test(t) && !t.startsWith('Ignore') && !t.startsWith('Show')), `a fix for DC010 among ${titles.join(' | ')}`);
        const hover = (await client.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: dc010[0].range.start })) as { contents: { value: string }; range?: unknown } | null;
        assert.match(hover?.contents.value ?? '', /DC010/);
        // The range the hover is about: the finding's (review 40c, item 7).
        assert.deepEqual(hover?.range, dc010[0].range);

        // Changed on disk, no watcher event yet: the published findings are stale, and no fix is offered on them.
        const dfUri = URI.file(path.join(dir, 'svc/Dockerfile')).toString();
        const df001 = (await client.diagnostics(dfUri)).filter((d) => d.code === 'DF001');
        assert.equal(df001.length, 1);
        const published = client.publishCount(dfUri);
        fs.writeFileSync(path.join(dir, 'svc/Dockerfile'), `# syntax=docker/dockerfile:1\n${dockerfile}`);
        assert.deepEqual(await client.codeActions(dfUri, df001, ['quickfix']), []);
        await client.until('the Dockerfile published anew', () => client.publishCount(dfUri) > published);
        const fresh = client.latest(dfUri)!.diagnostics.filter((d) => d.code === 'DF001');
        assert.equal(fresh[0]?.range.start.line, 1);
        assert.ok((await client.codeActions(dfUri, fresh, ['quickfix'])).length > 0, 'fixes on the new findings');
      });
    });
  });

  describe('cross-file re-analysis', () => {
    it('a Dockerfile edit updates the compose file that builds it; a .gitignore change clears DR001', async () => {
      const compose = 'services:\n  api:\n    build: ./api\n    environment:\n      DB_URL: ${DB_URL}\n';
      const dockerfile = 'FROM node:24-alpine\nCMD ["node", "server.js"]\n';
      await withServer({ 'compose.yaml': compose, 'api/Dockerfile': dockerfile, '.env': 'DB_URL=postgres://db/app\n' }, async (client, dir) => {
        const composeUri = URI.file(path.join(dir, 'compose.yaml')).toString();
        const codes = () => (client.latest(composeUri)?.diagnostics ?? []).map((d) => d.code);
        await client.until('DC011 and DR001 on the unopened compose file', () => codes().includes('DC011') && codes().includes('DR001'));

        // Typing USER 1000 into the (open) Dockerfile clears DC011 on the service that builds it.
        const dfUri = client.open(path.join(dir, 'api/Dockerfile'), dockerfile, 'dockerfile');
        await client.diagnostics(dfUri, 1);
        client.change(dfUri, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'USER 1000\n' }]);
        await client.until('DC011 gone from compose.yaml', () => !codes().includes('DC011'));

        // Adding .env to .gitignore on disk (file watcher event) clears DR001.
        fs.writeFileSync(path.join(dir, '.gitignore'), '.env\n');
        await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: URI.file(path.join(dir, '.gitignore')).toString(), type: 1 }] });
        await client.until('DR001 gone from compose.yaml', () => !codes().includes('DR001'));
      });
    });
    it('an edit re-analyzes the files that read the changed one: the Dockerfile a compose edit concerns, the compose file that builds an edited Dockerfile, not its neighbour building something else (review 40c, item 1)', async () => {
      const dockerfile = 'FROM node:24-alpine\nUSER 1000\nEXPOSE 3000\nCMD ["node", "server.js"]\n';
      const builds = 'services:\n  api:\n    build: ./svc/api\n';
      const files = { 'compose.yaml': builds, 'svc/compose.yaml': 'services:\n  web:\n    image: nginx:1.27\n', 'svc/api/Dockerfile': dockerfile };
      await withServer(files, async (client, dir) => {
        const uriOf = (rel: string) => URI.file(path.join(dir, rel)).toString();
        const [builder, neighbour, df] = [uriOf('compose.yaml'), uriOf('svc/compose.yaml'), uriOf('svc/api/Dockerfile')];
        const dfCodes = () => (client.latest(df)?.diagnostics ?? []).map((d) => d.code);
        await client.until('the three files analyzed, DF044 on the Dockerfile', () => client.latest(builder) !== undefined && client.latest(neighbour) !== undefined && dfCodes().includes('DF044'));

        // The service that builds it gets a healthcheck (typed, unsaved): DF044 leaves the unopened Dockerfile.
        client.open(path.join(dir, 'compose.yaml'), builds, 'dockercompose');
        await client.diagnostics(builder, 1);
        client.change(builder, [{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: '    healthcheck:\n      test: ["CMD", "wget", "-q", "-O-", "http://localhost:3000/"]\n' }]);
        await client.until('DF044 gone from the Dockerfile', () => !dfCodes().includes('DF044'));

        // A keystroke in the Dockerfile re-analyzes the compose file that builds it, not the one beside it.
        client.open(path.join(dir, 'svc/api/Dockerfile'), dockerfile, 'dockerfile');
        await client.diagnostics(df, 1);
        const [builderBefore, neighbourBefore] = [client.publishCount(builder), client.publishCount(neighbour)];
        client.change(df, [{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: 'LABEL org.opencontainers.image.title=api\n' }]);
        await client.until('the compose file that builds it re-analyzed', () => client.publishCount(builder) > builderBefore);
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.equal(client.publishCount(neighbour), neighbourBefore, 'the compose file beside it, which builds something else, is not re-analyzed');
      });
    });
  });

  describe('a large workspace', () => {
    it('answers requests and publishes while the initial scan runs, not after it (review 41b, item 1)', async () => {
      const files: Record<string, string> = {};
      for (let i = 0; i < 400; i++) files[`svc${i}/Dockerfile`] = `FROM node:24-alpine\nRUN npm ci\nUSER 1000\nCMD ["node", "s${i}.js"]\n`;
      await withServer(files, async (client, dir) => {
        const uri = client.open(path.join(dir, 'svc0/Dockerfile'), files['svc0/Dockerfile'], 'dockerfile');
        // Once the scan analyzes (a file read from disk is published), a hover: answered before the scan's last file.
        await client.until('a scanned file published', () => client.published.some((p) => p.uri !== uri), 60_000);
        const hover = client.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 6 } }).then(() => client.logs.some((l) => /workspace scan: /.test(l)));
        const scanDoneAtAnswer = await hover;
        await client.until('the scan ends', () => client.logs.some((l) => /workspace scan: 40\d files/.test(l)), 60_000);
        assert.equal(scanDoneAtAnswer, false, 'the hover was answered during the scan');
      });
    });
  });

  describe('a change that other files depend on', () => {
    /** A root compose.yaml that `include:`s `n` files of one service each (on the default network: DC032 while the project has two services or more). */
    function includeProject(n: number): { files: Record<string, string>; root: string; bare: string } {
      const files: Record<string, string> = {};
      for (let i = 0; i < n; i++) files[`s${i}/compose.yaml`] = `services:\n  svc${i}:\n    image: ghcr.io/acme/s${i}:1.0.0\n`;
      const root = `include:\n${Array.from({ length: n }, (_, i) => `  - s${i}/compose.yaml\n`).join('')}`;
      return { files: { ...files, 'compose.yaml': root }, root, bare: 'services: {}\n' };
    }

    it("publishes a keystroke's own diagnostics before the dependants of the previous keystroke are all re-analyzed, and re-analyzes a dependant queued twice once (review 41b, item 2)", async () => {
      const n = 300;
      const { files, root, bare } = includeProject(n);
      await withServer(files, async (client, dir) => {
        const deps = Array.from({ length: n }, (_, i) => URI.file(path.join(dir, `s${i}/compose.yaml`)).toString());
        const hasDc032 = (uri: string) => (client.latest(uri)?.diagnostics ?? []).some((d) => d.code === 'DC032');
        await client.until('the included files analyzed, DC032 on each', () => deps.every(hasDc032), 120_000);
        const uri = client.open(path.join(dir, 'compose.yaml'), root, 'dockercompose');
        await client.diagnostics(uri, 1, 60_000);
        // The include goes: each file is a project of one service (no DC032). Once the first dependant is
        // re-published, the include comes back.
        const mark = client.published.length;
        client.change(uri, [{ text: bare }]);
        await client.until('a dependant re-published', () => client.published.slice(mark).some((p) => p.uri !== uri), 60_000);
        const v3 = client.change(uri, [{ text: root }]);
        await client.diagnostics(uri, v3, 60_000);
        const own = client.published.findIndex((p, i) => i >= mark && p.uri === uri && p.version === v3);
        await client.until('DC032 back on every included file', () => deps.every(hasDc032), 120_000);
        const clearedBefore = client.published.slice(mark, own).filter((p) => p.uri !== uri).length;
        assert.ok(clearedBefore < n, `the keystroke's own diagnostics waited for all ${n} dependants of the previous keystroke`);
        // The dependants not yet re-analyzed for the previous keystroke are re-analyzed once, for the latest.
        for (const dep of deps) assert.ok(client.published.slice(own).filter((p) => p.uri === dep).length <= 1, `${dep} re-published more than once`);
      });
    });

    it('does not re-publish the unchanged diagnostics of a dependant analyzed from disk (review 41b, item 3)', async () => {
      const { files, root } = includeProject(3);
      await withServer(files, async (client, dir) => {
        const deps = [0, 1, 2].map((i) => URI.file(path.join(dir, `s${i}/compose.yaml`)).toString());
        await client.until('the included files analyzed', () => deps.every((d) => client.latest(d) !== undefined), 30_000);
        await new Promise((resolve) => setTimeout(resolve, 300));
        const uri = client.open(path.join(dir, 'compose.yaml'), root, 'dockercompose');
        await client.diagnostics(uri, 1);
        const before = deps.map((d) => client.publishCount(d));
        // A service added to the root: the included files are analyzed again (the project changed), with the same findings.
        const v2 = client.change(uri, [{ range: { start: { line: 4, character: 0 }, end: { line: 4, character: 0 } }, text: 'services:\n  web:\n    image: nginx:1.27\n' }]);
        await client.diagnostics(uri, v2);
        await new Promise((resolve) => setTimeout(resolve, 500));
        assert.deepEqual(deps.map((d) => client.publishCount(d)), before, 'an unchanged dependant was published again');
      });
    });

    it('typing in a comment of a compose file does not re-analyze the files analyzed from disk that read it; an edit of a value does (review 41b, items 2 and 3)', async () => {
      const { files, root } = includeProject(2);
      const commented = root.replace('s0/compose.yaml\n', 's0/compose.yaml # the first\n');
      await withServer({ ...files, 'compose.yaml': commented }, async (client, dir) => {
        const dep = URI.file(path.join(dir, 's0/compose.yaml')).toString();
        await client.until('the included file analyzed', () => client.latest(dep) !== undefined, 30_000);
        const uri = client.open(path.join(dir, 'compose.yaml'), commented, 'dockercompose');
        await client.diagnostics(uri, 1);
        await new Promise((resolve) => setTimeout(resolve, 300));
        // The included file changes on disk unannounced: an analysis of it would publish DC010 (privileged).
        fs.appendFileSync(path.join(dir, 's0/compose.yaml'), '    privileged: true\n');
        const before = client.publishCount(dep);
        const v2 = client.change(uri, [{ range: { start: { line: 1, character: 30 }, end: { line: 1, character: 30 } }, text: ' one' }]);
        await client.diagnostics(uri, v2);
        await new Promise((resolve) => setTimeout(resolve, 500));
        assert.equal(client.publishCount(dep), before, 'the included file was analyzed again for a comment');
        // The control: a value of the root changes (a service added), the included file is analyzed again.
        client.change(uri, [{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: 'services:\n  web:\n    image: nginx:1.27\n' }]);
        await client.until('the included file analyzed again', () => client.publishCount(dep) > before, 30_000);
      });
    });
  });

  describe('the git index', () => {
    it('DR001 follows the repository index: a tracked env file is reported even when ignored, and git rm --cached clears it', async () => {
      const compose = 'services:\n  api:\n    image: ghcr.io/acme/api:1.0.0\n    env_file: backend.env\n';
      const files = { 'compose.yaml': compose, 'backend.env': 'SECRET_KEY=k3y-0123456789abcdef\n', '.gitignore': 'backend.env\n', '.git/HEAD': 'ref: refs/heads/main\n' };
      await withServer(files, async (client, dir) => {
        const composeUri = URI.file(path.join(dir, 'compose.yaml')).toString();
        const dr001 = () => (client.latest(composeUri)?.diagnostics ?? []).filter((d) => d.code === 'DR001');
        await client.until('compose.yaml analyzed', () => client.latest(composeUri) !== undefined);
        assert.deepEqual(dr001(), [], 'ignored and not tracked');
        const indexPath = path.join(dir, '.git', 'index');
        const indexUri = URI.file(indexPath).toString();
        // `git add -f backend.env`: the index lists it.
        fs.writeFileSync(indexPath, indexOf(['.gitignore', 'backend.env', 'compose.yaml']));
        await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: indexUri, type: 1 }] });
        await client.until('DR001: committed', () => dr001().some((d) => /is tracked by git/.test(String(d.message))));
        // `git rm --cached backend.env`.
        fs.writeFileSync(indexPath, indexOf(['.gitignore', 'compose.yaml']));
        await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: indexUri, type: 2 }] });
        await client.until('DR001 gone', () => dr001().length === 0);
      });
    });
  });

  describe('files read for another file', () => {
    it('a changed .env of the compose file that builds an open Dockerfile changes the Dockerfile\'s fix', async () => {
      const dockerfile = 'FROM alpine:3.20\nENV DB_PASSWORD=hunter2\nUSER 1000\nCMD ["app"]\n';
      await withServer({ 'compose.yaml': 'services:\n  app:\n    build: .\n', '.env': 'DB_PASSWORD=hunter2\n' }, async (client, dir) => {
        const uri = client.open(path.join(dir, 'Dockerfile'), dockerfile, 'dockerfile');
        const titles = async () => {
          const df020 = (client.latest(uri)?.diagnostics ?? []).filter((d) => d.code === 'DF020');
          assert.equal(df020.length, 1);
          return (await client.codeActions(uri, df020, ['quickfix'])).map((a) => a.title);
        };
        await client.diagnostics(uri, 1);
        // .env already gives the service this value: the ENV can move to the service.
        assert.ok((await titles()).includes('Move DB_PASSWORD to .env (service app)'));
        // .env now gives the service another value: moving the ENV would change what the container gets.
        const published = client.publishCount(uri);
        fs.writeFileSync(path.join(dir, '.env'), 'DB_PASSWORD=something-else\n');
        await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: URI.file(path.join(dir, '.env')).toString(), type: 2 }] });
        await client.until('the Dockerfile re-analyzed', () => client.publishCount(uri) > published);
        assert.ok(!(await titles()).includes('Move DB_PASSWORD to .env (service app)'));
      });
    });
  });

  describe('files of any name that findings depend on', () => {
    it('re-analyzes a compose file when its env_file changes on disk, and when that file\'s folder is deleted', async () => {
      const compose = 'services:\n  db:\n    image: postgres:16\n    env_file:\n      - config/db.env\n';
      await withServer({ 'compose.yaml': compose, 'config/db.env': 'POSTGRES_HOST_AUTH_METHOD=md5\n' }, async (client, dir) => {
        const composeUri = URI.file(path.join(dir, 'compose.yaml')).toString();
        const codes = () => (client.latest(composeUri)?.diagnostics ?? []).map((d) => d.code);
        await client.until('DC050 on the unopened compose file (md5 in its env_file)', () => codes().includes('DC050'));
        const envUri = URI.file(path.join(dir, 'config/db.env')).toString();
        fs.writeFileSync(path.join(dir, 'config/db.env'), 'POSTGRES_HOST_AUTH_METHOD=scram-sha-256\n');
        await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: envUri, type: 2 }] });
        await client.until('DC050 gone after the env_file changed', () => !codes().includes('DC050'));
        // In a large batch (a checkout), among unrelated files: the server indexes the readers once for the batch.
        fs.writeFileSync(path.join(dir, 'config/db.env'), 'POSTGRES_HOST_AUTH_METHOD=md5\n');
        const unrelated = Array.from({ length: 40 }, (_, i) => ({ uri: URI.file(path.join(dir, `build/out${i}.txt`)).toString(), type: 1 }));
        await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [...unrelated, { uri: envUri, type: 2 }] });
        await client.until('DC050 back', () => codes().includes('DC050'));
        // The folder is deleted (VS Code reports the folder alone): the env_file is gone with it.
        fs.rmSync(path.join(dir, 'config'), { recursive: true });
        await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: URI.file(path.join(dir, 'config')).toString(), type: 3 }] });
        await client.until('DC050 gone with the env_file', () => !codes().includes('DC050'));
      });
    });
  });

  describe('compose extends:', () => {
    it('re-analyzes a compose file when the file its services extend changes', async () => {
      const child = 'services:\n  db:\n    extends:\n      file: ./base/compose.yml\n      service: postgres\n';
      const base = 'services:\n  postgres:\n    image: postgres:17-alpine\n';
      await withServer({ 'compose.yaml': child, 'base/compose.yml': base }, async (client, dir) => {
        const childUri = URI.file(path.join(dir, 'compose.yaml')).toString();
        const codes = () => (client.latest(childUri)?.diagnostics ?? []).map((d) => d.code);
        // db inherits postgres and no volume: DC060 on the extending service.
        await client.until('DC060 on the extending service', () => codes().includes('DC060'));
        // A volume typed into the (open) base file is inherited: DC060 goes away from compose.yaml.
        const baseUri = client.open(path.join(dir, 'base/compose.yml'), base, 'dockercompose');
        await client.diagnostics(baseUri, 1);
        client.change(baseUri, [{ text: base + '    volumes:\n      - pg-data:/var/lib/postgresql/data\nvolumes:\n  pg-data:\n' }]);
        await client.until('DC060 gone from compose.yaml', () => !codes().includes('DC060'));
      });
    });

    it('analyzes a base YAML file of any name that compose.yaml extends; a change to a base on disk re-analyzes the files extending it', async () => {
      const child = 'services:\n  web:\n    extends:\n      file: common-services.yml\n      service: webapp\n';
      const base = 'services:\n  webapp:\n    image: nginx:1.27.5-alpine\n    privileged: true\n';
      const devChild = 'services:\n  web:\n    extends:\n      file: fragments.yml\n      service: web\n';
      const fragment = 'services:\n  web:\n    image: nginx:1.27.5-alpine\n    user: root\n';
      await withServer({ 'compose.yaml': child, 'common-services.yml': base, 'dev/compose.dev.yaml': devChild, 'dev/fragments.yml': fragment }, async (client, dir) => {
        const uri = (rel: string) => URI.file(path.join(dir, rel)).toString();
        const codes = (rel: string) => (client.latest(uri(rel))?.diagnostics ?? []).map((d) => d.code);
        // The base is analyzed (found by the workspace scan): privileged is reported there, not on web.
        await client.until('DC010 in common-services.yml', () => codes('common-services.yml').includes('DC010'));
        await client.until('DC011 on compose.yaml (nginx runs as root, no user: anywhere)', () => codes('compose.yaml').includes('DC011'));
        assert.ok(!codes('compose.yaml').includes('DC010'));
        // A base extended only from compose.dev.yaml is not analyzed: its root user is reported on the extending service.
        await client.until('DC011 on dev/compose.dev.yaml', () => codes('dev/compose.dev.yaml').includes('DC011'));
        assert.equal(client.latest(uri('dev/fragments.yml')), undefined);
        // Changed on disk (the watcher sends every YAML file): the extending file is re-analyzed.
        fs.writeFileSync(path.join(dir, 'dev/fragments.yml'), fragment.replace('user: root', 'user: "1000:1000"'));
        await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri('dev/fragments.yml'), type: 2 }] });
        await client.until('DC011 gone from dev/compose.dev.yaml', () => !codes('dev/compose.dev.yaml').includes('DC011'));
        fs.writeFileSync(path.join(dir, 'common-services.yml'), base.replace('privileged: true', 'user: root'));
        await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri('common-services.yml'), type: 2 }] });
        await client.until('DC011 in common-services.yml, DC010 gone', () => codes('common-services.yml').includes('DC011') && !codes('common-services.yml').includes('DC010'));
        // web ran nginx as root with no user: (DC011 on web); now it inherits the base's user: root, reported in the base only.
        await client.until('DC011 gone from compose.yaml', () => !codes('compose.yaml').includes('DC011'));
      });
    });
  });

  describe('the default override (compose.override.yaml)', () => {
    it('re-analyzes compose.yaml when the override changes, and the override when compose.yaml changes: each judges the merged service (review 42b, item 1)', async () => {
      const base = 'services:\n  web:\n    image: ghcr.io/acme/web:1.0.0\n    mem_limit: 256m\n    cpus: 0.5\n';
      const override = 'services:\n  web:\n    environment:\n      LOG_LEVEL: debug\n';
      await withServer({ 'compose.yaml': base, 'compose.override.yaml': override }, async (client, dir) => {
        const uri = (rel: string) => URI.file(path.join(dir, rel)).toString();
        const codes = (rel: string) => (client.latest(uri(rel))?.diagnostics ?? []).map((d) => d.code);
        await client.until('DC018 on compose.yaml (no read_only anywhere)', () => codes('compose.yaml').includes('DC018'));
        // read_only: true typed into the (open) override clears compose.yaml's DC018; its mem_limit: 0 is reported there.
        const opened = client.open(path.join(dir, 'compose.override.yaml'), override, 'dockercompose');
        await client.diagnostics(opened, 1);
        client.change(opened, [{ text: override + '    read_only: true\n    mem_limit: 0\n' }]);
        await client.until('DC018 gone from compose.yaml', () => !codes('compose.yaml').includes('DC018'));
        await client.until('DC020 on the override (mem_limit: 0)', () => codes('compose.override.yaml').includes('DC020'));
        // A memory limit written in compose.yaml's deploy block bounds the merged service: changed on disk, the override is analyzed again.
        fs.writeFileSync(path.join(dir, 'compose.yaml'), base + '    deploy:\n      resources:\n        limits:\n          memory: 512m\n');
        await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri('compose.yaml'), type: 2 }] });
        await client.until('DC020 gone from the override', () => !codes('compose.override.yaml').includes('DC020'));
      });
    });
  });

  describe('compose include:', () => {
    it('analyzes an included YAML file as compose, and re-analyzes the includer and the included file when either changes', async () => {
      const root = 'include:\n  - db/database.yml\nservices:\n  api:\n    image: ghcr.io/acme/api:1.4.2\n';
      const db = 'services:\n  db:\n    image: postgres:17-alpine\n';
      await withServer({ 'compose.yaml': root, 'db/database.yml': db, 'notes.yml': 'web:\n  image: nginx\n' }, async (client, dir) => {
        const rootUri = URI.file(path.join(dir, 'compose.yaml')).toString();
        const dbUri = URI.file(path.join(dir, 'db/database.yml')).toString();
        const codes = (uri: string) => (client.latest(uri)?.diagnostics ?? []).map((d) => d.code);
        // The scan finds db/database.yml through include: (its name is no compose name); the project has two services.
        await client.until('DC032 on both files of the project', () => codes(dbUri).includes('DC032') && codes(rootUri).includes('DC032'));
        await client.until('the scan to finish', () => client.logs.some((l) => /workspace scan: \d+ files/.test(l)));
        assert.ok(!client.published.some((p) => p.uri.endsWith('/notes.yml')), 'a YAML file nothing includes is not analyzed');

        // Editing the included file (opened as plain YAML) re-analyzes the file that includes it.
        const opened = client.open(path.join(dir, 'db/database.yml'), db, 'yaml');
        assert.ok((await client.diagnostics(opened, 1)).some((d) => d.code === 'DC032'));
        client.change(opened, [{ text: 'services: {}\n' }]);
        await client.until('DC032 gone from compose.yaml (api is alone now)', () => !codes(rootUri).includes('DC032'));

        // Removing the include from the root: the YAML file is no compose file any more.
        client.change(opened, [{ text: db }]);
        await client.until('DC032 back on compose.yaml', () => codes(rootUri).includes('DC032'));
        const rootOpen = client.open(path.join(dir, 'compose.yaml'), root, 'dockercompose');
        await client.diagnostics(rootOpen, 1);
        client.change(rootOpen, [{ text: 'services:\n  api:\n    image: ghcr.io/acme/api:1.4.2\n' }]);
        await client.until('db/database.yml cleared', () => client.latest(dbUri)?.diagnostics.length === 0);
      });
    });
  });

  describe('edits that arrive together', () => {
    it('are analyzed once, for the newest version: no intermediate version is published', async () => {
      await withServer({}, async (client, dir) => {
        await client.until('the scan to finish', () => client.logs.some((l) => /workspace scan: \d+ files/.test(l)));
        const uri = client.open(path.join(dir, 'Dockerfile'), 'FROM node:22-alpine\nUSER node\n', 'dockerfile');
        await client.diagnostics(uri, 1);
        // Ten keystrokes read at once (a client typing while the server was busy): "USER node" becomes "USER nodexxxxxxxxxx".
        const versions = client.changesAtOnce(uri, Array.from({ length: 10 }, (_, i) => [{ range: { start: { line: 1, character: 9 + i }, end: { line: 1, character: 9 + i } }, text: 'x' }]));
        const last = versions[versions.length - 1];
        await client.diagnostics(uri, last);
        // A round trip after the last publish: whatever the batch started is done.
        await client.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
        const published = client.published.filter((p) => p.uri === uri).map((p) => p.version);
        assert.deepEqual(published, [1, last], 'the first version, then only the last of the batch');
      });
    });
  });

  describe('a document closed and opened again at once (a language change)', () => {
    it('keeps the reopened version\'s findings: the disk analysis the close started is not published after them', async () => {
      await withServer({ 'compose.yaml': 'services:\n  web:\n    image: nginx:latest\n' }, async (client, dir) => {
        const file = path.join(dir, 'compose.yaml');
        const uri = URI.file(file).toString();
        await client.until('the scan to finish', () => client.logs.some((l) => /workspace scan: \d+ files/.test(l)));
        const buffer = 'services:\n  web:\n    image: nginx:1.27-alpine\n    privileged: true\n';
        client.open(file, buffer, 'yaml');
        await client.diagnostics(uri, 1);
        // VS Code on a change of language mode (yaml → dockercompose): didClose, then didOpen at once.
        client.close(uri);
        client.open(file, buffer, 'dockercompose');
        const from = client.published.length;
        await client.until('the reopened version published', () => client.published.slice(from).some((p) => p.uri === uri && p.version === 1));
        // A round trip: what the server did with the messages before it is done (the disk analysis
        // finishes in the same turn as the reopened one).
        const hover = (await client.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 6 } })) as { contents: { value: string } } | null;
        const after = client.published.slice(from).filter((p) => p.uri === uri);
        assert.deepEqual(after.map((p) => p.version), [1], 'one publish, for the open version (none from the disk)');
        const diags = after[0].diagnostics;
        assert.ok(diags.some((d) => d.code === 'DC010'), 'the buffer\'s findings (privileged: true)');
        assert.match(hover?.contents.value ?? '', /DC010/, 'hover answers for the open version');
        const actions = await client.codeActions(uri, diags.filter((d) => d.code === 'DC010'), ['quickfix']);
        assert.ok(actions.length > 0, 'code actions answer for the open version');
      });
    });
  });

  describe('fix-all runs the safe fixes in rounds, as check --fix does (review 36c, item 7)', () => {
    const compose = 'services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD: hunter2hunter2\n  app:\n    image: ghcr.io/acme/app:1.0.0\n    environment:\n      API_TOKEN: tok_live_abcdef123456\n  cache:\n    image: redis:8.0-alpine\n    command: redis-server --requirepass sup3rs3cretredis\n';
    it('three inline secrets, each of whose fixes creates .env, all move in one fix-all, to the files the CLI writes', async () => {
      const cliDir = tempWorkspace({ 'compose.yaml': compose });
      spawnSync(process.execPath, [path.join(path.dirname(SERVER), 'cli.js'), 'check', '.', '--fix'], { cwd: cliDir, encoding: 'utf8', env: isolatedEnv() });
      await withServer({ 'compose.yaml': compose }, async (client, dir) => {
        const uri = client.open(path.join(dir, 'compose.yaml'), compose, 'dockercompose');
        const diags = await client.diagnostics(uri, 1);
        assert.equal(diags.filter((d) => d.code === 'DC040').length, 3);
        // VS Code's editor.codeActionsOnSave asks for the parent kind.
        const all = (await client.codeActions(uri, [], ['source.fixAll'])).find((a) => a.kind === 'source.fixAll.docker-guardrails');
        assert.ok(all?.edit?.documentChanges);
        const creates = all.edit.documentChanges.filter((c) => 'kind' in c && c.kind === 'create').map((c) => (c as { uri: string }).uri);
        assert.equal(new Set(creates).size, creates.length, 'no file is created twice');
        assert.deepEqual(all.command?.arguments, [[URI.file(path.join(dir, '.env')).toString()]], 'fix-all makes the .env it creates owner-only (review 40a item 9)');
        assert.equal(all.command?.command, 'dockerGuardrails.restrictCreatedSecretFiles');
        const files = applyWorkspaceEdit(new Map([[uri, compose]]), all.edit, apply);
        for (const name of ['compose.yaml', '.env', '.env.example', '.gitignore']) {
          assert.equal(files.get(URI.file(path.join(dir, name)).toString()), fs.readFileSync(path.join(cliDir, name), 'utf8'), `${name} as check --fix writes it`);
        }
        const version = client.change(uri, [{ text: files.get(uri)! }]);
        for (const [u, t] of files) if (u !== uri) fs.writeFileSync(URI.parse(u).fsPath, t);
        await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [...files.keys()].filter((u) => u !== uri).map((u) => ({ uri: u, type: 1 })) });
        assert.deepEqual((await client.diagnostics(uri, version)).filter((d) => d.code === 'DC040'), []);
      });
    });
  });

  describe('a request read with the change before it', () => {
    it('fix-all answers for the newest text although its analysis was still scheduled (codeActionsOnSave right after typing; review 38b, probe p19)', async () => {
      await withServer({}, async (client, dir) => {
        const text = 'FROM node:22-alpine\nUSER 1000\nHEALTHCHECK CMD true\n';
        const uri = client.open(path.join(dir, 'Dockerfile'), text, 'dockerfile');
        await client.diagnostics(uri, 1);
        for (let i = 0; i < 5; i++) {
          const version = client.change(uri, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'MAINTAINER me\n' }]);
          const actions = await client.codeActions(uri, [], ['source.fixAll']);
          const all = actions.find((a) => a.kind === 'source.fixAll.docker-guardrails');
          assert.ok(all?.edit?.documentChanges, `round ${i}: fix-all offered`);
          const edit = all.edit.documentChanges[0] as { textDocument: { version: number | null } };
          assert.equal(edit.textDocument.version, version);
          await client.diagnostics(uri, version);
        }
      });
    });
  });

  describe('a workspace folder removed', () => {
    it('keeps analyzing the documents open in it, as for any other way out of scope (review 38b, probe p15)', async () => {
      const r1 = tempWorkspace({ 'Dockerfile': 'FROM node:latest\n' });
      const r2 = tempWorkspace({ 'Dockerfile': 'FROM node:latest\n' });
      const client = new TestClient();
      client.workspaceFolderEvents = true;
      try {
        await client.initialize([r1, r2]);
        // The scan has found the file before the folder goes (on a busy machine a removal that came first
        // found nothing of the folder's to re-analyze: no publish, and the wait below timed out).
        await client.until('the scan to finish', () => client.logs.find((l) => /workspace scan: \d+ files/.test(l)));
        const uri = client.open(path.join(r2, 'Dockerfile'), 'FROM node:latest\nMAINTAINER me\n', 'dockerfile');
        assert.ok((await client.diagnostics(uri, 1)).some((d) => d.code === 'DF045'));
        const before = client.publishCount(uri);
        await client.conn.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [{ uri: URI.file(r2).toString(), name: path.basename(r2) }] } });
        await client.until('a publish after the removal', () => client.publishCount(uri) > before);
        assert.ok(client.latest(uri)?.diagnostics.some((d) => d.code === 'DF045'), 'the open document keeps its findings');
        const other = URI.file(path.join(r1, 'Dockerfile')).toString();
        assert.ok((await client.diagnostics(other)).some((d) => d.code === 'DF001'), 'the other folder is still analyzed');
      } finally {
        await client.shutdown();
      }
    });
  });

  describe('nested workspace folders', () => {
    it('each file belongs to its innermost folder: that folder\'s globs, relative to it, and one analysis (review 41b, item 6)', async () => {
      const outer = tempWorkspace({ 'Dockerfile': 'FROM node:latest\n', 'sub/Dockerfile': 'FROM node:latest\n', 'sub/gen/Dockerfile': 'FROM node:latest\n' });
      const inner = path.join(outer, 'sub');
      const client = new TestClient();
      // As VS Code resolves a resource-scoped setting: from the innermost workspace folder holding the resource.
      client.settings = (scope) => (scope?.startsWith(URI.file(inner).toString() + '/') ? { exclude: ['gen/**'] } : {});
      try {
        await client.initialize([outer, inner]);
        const at = (rel: string) => URI.file(path.join(outer, rel)).toString();
        const scan = await client.until('the scan to finish', () => client.logs.find((l) => /workspace scan: \d+ files/.test(l)));
        assert.match(scan, /workspace scan: 2 files/, 'Dockerfile and sub/Dockerfile, each once (sub/gen/ is excluded by sub\'s setting)');
        assert.ok((await client.diagnostics(at('sub/Dockerfile'))).some((d) => d.code === 'DF001'));
        assert.ok((await client.diagnostics(at('Dockerfile'))).some((d) => d.code === 'DF001'));
        // A file created below the excluded folder stays out, as the scan leaves it out; one beside it is analyzed.
        fs.writeFileSync(path.join(inner, 'gen/Containerfile'), 'FROM node:latest\n');
        fs.mkdirSync(path.join(inner, 'api'));
        fs.writeFileSync(path.join(inner, 'api/Containerfile'), 'FROM node:latest\n');
        await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: at('sub/gen/Containerfile'), type: 1 }, { uri: at('sub/api/Containerfile'), type: 1 }] });
        assert.ok((await client.diagnostics(at('sub/api/Containerfile'))).some((d) => d.code === 'DF001'));
        await client.conn.sendRequest('textDocument/hover', { textDocument: { uri: at('Dockerfile') }, position: { line: 0, character: 0 } });
        for (const rel of ['sub/gen/Dockerfile', 'sub/gen/Containerfile']) assert.ok(!client.published.some((p) => p.uri === at(rel)), `${rel} is excluded by sub's setting: nothing published`);
      } finally {
        await client.shutdown();
      }
    });
  });

  describe('a file that appears in a folder an analysis listed', () => {
    it('re-analyzes it: DR003 names a secret file created in the build context (review 36c, item 6)', async () => {
      const files = { 'svc/Dockerfile': 'FROM node:22-alpine\nWORKDIR /app\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n', 'svc/.dockerignore': '**/.env\n**/*.pem\n**/*.key\n**/id_rsa*\n' };
      await withServer(files, async (client, dir) => {
        const uri = URI.file(path.join(dir, 'svc/Dockerfile')).toString();
        await client.until('the scan to finish', () => client.logs.some((l) => /workspace scan: \d+ files/.test(l)));
        assert.deepEqual((await client.diagnostics(uri)).filter((d) => d.code === 'DR003'), []);
        const before = client.publishCount(uri);
        fs.writeFileSync(path.join(dir, 'svc/.env.local'), 'API_KEY=abc\n');
        await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: URI.file(path.join(dir, 'svc/.env.local')).toString(), type: 1 }] });
        await client.until('DR003 on the Dockerfile', () => client.publishCount(uri) > before && client.latest(uri)?.diagnostics.some((d) => d.code === 'DR003'));
        fs.rmSync(path.join(dir, 'svc/.env.local'));
        const after = client.publishCount(uri);
        await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: URI.file(path.join(dir, 'svc/.env.local')).toString(), type: 3 }] });
        await client.until('DR003 gone again', () => client.publishCount(uri) > after && !client.latest(uri)?.diagnostics.some((d) => d.code === 'DR003'));
      });
    });
  });

  describe('read-only copies of a file', () => {
    it('the HEAD side of a diff (git: URI) is not analyzed and does not stand for the file (review 40c, item 2)', async () => {
      await withServer({ 'Dockerfile': DOCKERFILE }, async (client, dir) => {
        const file = path.join(dir, 'Dockerfile');
        const uri = client.open(file, DOCKERFILE, 'dockerfile');
        assert.ok((await client.diagnostics(uri, 1)).some((d) => d.code === 'DF010'));
        // VS Code's git extension: git:/path?{"path":…,"ref":"HEAD"}, with the file's path.
        const head = `git:${URI.file(file).path}?${encodeURIComponent(JSON.stringify({ path: file, ref: 'HEAD' }))}`;
        client.openUri(head, 'FROM node:latest\nMAINTAINER me\n', 'dockerfile');
        const before = client.publishCount(uri);
        client.change(uri, [{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: '# edited\n' }]);
        const after = await client.diagnostics(uri, 2);
        assert.ok(client.publishCount(uri) > before);
        assert.ok(!after.some((d) => d.code === 'DF045' || d.code === 'DF001'), 'the file is not read as the copy');
        await new Promise((r) => setTimeout(r, 200));
        assert.equal(client.publishCount(head), 0, 'nothing published for the copy');
      });
    });
  });

  describe('invalid params', () => {
    it('a code action or hover request without what it needs is answered with InvalidParams, and the server goes on (review 40c, item 7)', async () => {
      await withServer({ 'Dockerfile': DOCKERFILE }, async (client, dir) => {
        const uri = client.open(path.join(dir, 'Dockerfile'), DOCKERFILE, 'dockerfile');
        const diags = await client.diagnostics(uri, 1);
        const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
        assert.equal(await codeOf(client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range })), -32602, 'no context');
        assert.equal(await codeOf(client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: -1, character: 0 }, end: range.end }, context: { diagnostics: [] } })), -32602, 'a negative line');
        assert.equal(await codeOf(client.conn.sendRequest('textDocument/hover', { textDocument: { uri } })), -32602, 'no position');
        assert.ok((await client.codeActions(uri, diags, ['quickfix'])).length > 0, 'well-formed requests still answered');
      });
    });
  });

  describe('lazy edits (codeAction/resolve)', () => {
    it('"Fix all CODE in this file" comes without its edit to a client that resolves edits, and resolves to the edit the eager path gives (review 40c, item 1)', async () => {
      const compose = 'services:\n  a:\n    image: nginx:1.27\n    privileged: true\n  b:\n    image: nginx:1.27\n    privileged: true\n';
      const dir = tempWorkspace({ 'compose.yaml': compose });
      const actionsOf = async (resolve: boolean) => {
        const client = new TestClient();
        client.resolveEdits = resolve;
        try {
          await client.initialize([dir]);
          const uri = client.open(path.join(dir, 'compose.yaml'), compose, 'dockercompose');
          const diags = (await client.diagnostics(uri, 1)).filter((d) => d.code === 'DC010');
          assert.equal(diags.length, 2);
          const actions = await client.codeActions(uri, [diags[0]], ['quickfix']);
          const all = actions.find((a) => a.title === 'Fix all DC010 in this file');
          assert.ok(all, 'offered');
          if (!resolve) return all.edit;
          assert.equal(all.edit, undefined, 'no edit before it is resolved');
          const resolved = (await client.conn.sendRequest('codeAction/resolve', all)) as { edit?: unknown };
          // Once the document changed, the action resolves to the fixes of the code in the new version (test/lsp-lifecycle.test.ts).
          const version = client.change(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# x\n' }]);
          const stale = (await client.conn.sendRequest('codeAction/resolve', all)) as { edit?: WorkspaceEdit };
          const change = stale.edit?.documentChanges?.[0] as { textDocument: { version: number | null }; edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[] } | undefined;
          assert.equal(change?.textDocument.version, version, 'a stale action gets the edit of the current version');
          assert.equal(apply('# x\n' + compose, change.edits), '# x\n' + compose.replace(/ {4}privileged: true\n/g, ''));
          return resolved.edit;
        } finally {
          await client.shutdown();
        }
      };
      const eager = await actionsOf(false);
      assert.ok(eager, 'the eager path has an edit');
      assert.deepEqual(await actionsOf(true), eager);
    });

    describe('source.fixAll.docker-guardrails comes without its edit to a client that resolves edits (lazyall)', () => {
      const SECRETS = 'services:\n  web:\n    image: nginx:1.27.3\n    environment:\n      API_TOKEN: Lk47_tok_4f8a9b2c\n      DB_PASSWORD: Lk47_dbp_Qw7rTy2u\n  db:\n    image: postgres:17.2\n    environment:\n      POSTGRES_PASSWORD: Lk47_pgp_Xk9mQ2vL\n';
      // Several fixable findings (two ADD → COPY), and fixes that conflict (Remove sudo and DF039's RUN merge edit the same
      // lines: the rounds apply one, analyze again, apply the other; fix-rounds.test.ts).
      const SEVERAL = 'FROM node:24\nADD server.js /app/\nADD lib.js /app/\nCMD ["node", "/app/server.js"]\n';
      const CONFLICTING = 'FROM fedora:42\nWORKDIR /app\nRUN sudo cd /tmp && sudo make install\nRUN sudo umask 0077 && touch secret.txt\nUSER 1000\nHEALTHCHECK NONE\nCMD ["/app/run"]\n';
      const cases = [
        { name: 'compose.yaml', text: SECRETS, lang: 'dockercompose', secrets: ['Lk47_tok_4f8a9b2c', 'Lk47_dbp_Qw7rTy2u', 'Lk47_pgp_Xk9mQ2vL'] },
        { name: 'Dockerfile', text: SEVERAL, lang: 'dockerfile', secrets: [] },
        { name: 'Dockerfile', text: CONFLICTING, lang: 'dockerfile', secrets: [] },
      ];
      /** The fix-all of the file as a client gets it, and the files after its edit; `change`: a line inserted at the top before the resolve. */
      const fixAllOf = async (c: (typeof cases)[number], resolve: boolean, change?: string) => {
        const dir = tempWorkspace({ [c.name]: c.text });
        const client = new TestClient();
        client.resolveEdits = resolve;
        try {
          await client.initialize([dir]);
          const uri = client.open(path.join(dir, c.name), c.text, c.lang);
          await client.diagnostics(uri, 1);
          const actions = await client.codeActions(uri, [], ['source.fixAll']);
          assert.deepEqual(actions.map((a) => [a.title, a.kind]), [['Fix all Docker Guardrails findings', 'source.fixAll.docker-guardrails']]);
          const offered = actions[0];
          let text = c.text;
          if (resolve) {
            assert.equal(offered.edit, undefined, 'no edit before it is resolved');
            const json = JSON.stringify(offered);
            for (const secret of c.secrets) assert.ok(!json.includes(secret), 'no secret in the offered action');
            assert.equal(offered.command?.command, 'dockerGuardrails.restrictCreatedSecretFiles', 'the restrict command comes with the offer');
            if (change !== undefined) {
              text = change + c.text;
              const version = client.change(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: change }]);
              await client.diagnostics(uri, version);
            }
          } else assert.ok(offered.edit && offered.data === undefined, 'a client without resolveSupport gets the edit at once, as before');
          const resolved = await client.resolved(offered);
          assert.ok(resolved.edit, 'an edit');
          assert.equal(resolved.title, offered.title);
          const files = new Map([[uri, text]]);
          const out = applyWorkspaceEdit(files, resolved.edit, apply);
          const created = resolve ? await client.conn.sendRequest('dockerGuardrails/createdSecretFiles', offered.command?.arguments?.[0]) : undefined;
          // The edit's version and the URIs of the files beside the document, without the temporary folder.
          const plain = JSON.parse(JSON.stringify(resolved.edit).split(URI.file(dir).toString()).join('<dir>')) as unknown;
          return { out: new Map([...out].map(([u, t]) => [u.split(URI.file(dir).toString()).join('<dir>'), t])), edit: plain, created: (created as string[] | undefined)?.map((u) => u.split(URI.file(dir).toString()).join('<dir>')) };
        } finally {
          await client.shutdown();
        }
      };

      for (const c of cases) {
        it(`${c.name} ${JSON.stringify(c.text.slice(0, 40))}…: resolved, the edit the eager path gives; applied, the same files`, async () => {
          const eager = await fixAllOf(c, false);
          const lazy = await fixAllOf(c, true);
          assert.notEqual(eager.out.get(`<dir>/${c.name}`), c.text, 'the fix-all changes the file');
          assert.deepEqual(lazy.edit, eager.edit);
          assert.deepEqual(lazy.out, eager.out);
          // The command the offer carried names the .env the resolved edit created (0600 once it runs), nothing else.
          assert.deepEqual(lazy.created, c.secrets.length > 0 ? ['<dir>/.env'] : []);
        });
      }

      it('resolved after the document changed: the fix-all of the new text, at its version (as a request then would give)', async () => {
        for (const c of cases) {
          const lazy = await fixAllOf(c, true, '# changed\n');
          const text = lazy.out.get(`<dir>/${c.name}`)!;
          assert.ok(text.startsWith('# changed\n'), 'the new text, edited');
          // The eager fix-all of the new text gives the same files (the line above changes no fix).
          const eager = await fixAllOf({ ...c, text: '# changed\n' + c.text }, false);
          assert.deepEqual(lazy.out, eager.out);
          const versions = ((lazy.edit as WorkspaceEdit).documentChanges ?? []).flatMap((d) => ('textDocument' in d && d.textDocument.uri.endsWith(`/${c.name}`) ? [d.textDocument.version] : []));
          assert.deepEqual(versions, [2], 'the edit names the version it was computed for');
        }
      });

      it('a file with nothing a safe fix can do offers no fix-all, lazily or not', async () => {
        const text = 'FROM node:24\nCOPY server.js /app/\nCMD ["node", "/app/server.js"]\n';
        for (const resolve of [true, false]) {
          const dir = tempWorkspace({ Dockerfile: text });
          const client = new TestClient();
          client.resolveEdits = resolve;
          try {
            await client.initialize([dir]);
            const uri = client.open(path.join(dir, 'Dockerfile'), text, 'dockerfile');
            assert.ok((await client.diagnostics(uri, 1)).length > 0, 'findings (DF010: no USER; quick fix only)');
            assert.deepEqual(await client.codeActions(uri, [], ['source.fixAll']), []);
          } finally {
            await client.shutdown();
          }
        }
      });
    });

    it('a lazily resolved "Fix all DC040 in this file" that creates .env carries the command that restricts it, and the server names the file once resolved (review 41b, item 6)', async () => {
      // With a third secret whose variable another service reads, "Move all 2 inline secrets of this file to .env" leaves
      // it (review 45a, item 3) while it has a fix of its own: "Fix all DC040 in this file" is offered (beside a "Move all"
      // that does every fix of the code, it is not: review 43b, item 9). (A silenced secret no longer makes the difference:
      // no bulk fix moves it, cli44 item 1; nor does a name an earlier secret takes with another value, which both move,
      // under a name of its own: dc040x, item 1.)
      const compose = 'services:\n  app:\n    image: ghcr.io/acme/app:1.0.0\n    environment:\n      API_TOKEN: Lk41_tok_aaaa_9x\n      JWT_SECRET: Lk41_jwt_bbbb_9x\n      DB_PASSWORD: Lk41_dbp_cccc_9x\n  worker:\n    image: ghcr.io/acme/app:1.0.0\n    environment:\n      OTHER: ${API_TOKEN}\n';
      const dir = tempWorkspace({ 'compose.yaml': compose });
      const client = new TestClient();
      client.resolveEdits = true;
      try {
        await client.initialize([dir]);
        const uri = client.open(path.join(dir, 'compose.yaml'), compose, 'dockercompose');
        const diags = (await client.diagnostics(uri, 1)).filter((d) => d.code === 'DC040');
        assert.equal(diags.length, 3);
        const all = (await client.codeActions(uri, [diags[0]], ['quickfix'])).find((a) => a.title === 'Fix all DC040 in this file');
        assert.ok(all && !all.edit, 'offered without its edit');
        assert.equal(all.command?.command, 'dockerGuardrails.restrictCreatedSecretFiles');
        const arg = all.command?.arguments?.[0] as { fixAllOf?: string };
        assert.equal(typeof arg?.fixAllOf, 'string', 'the command names the action');
        assert.deepEqual(await client.conn.sendRequest('dockerGuardrails/createdSecretFiles', arg), [], 'nothing known before the resolve');
        const resolved = (await client.conn.sendRequest('codeAction/resolve', all)) as { edit?: { documentChanges?: { kind?: string; uri?: string }[] } };
        const envUri = URI.file(path.join(dir, '.env')).toString();
        assert.ok(resolved.edit?.documentChanges?.some((c) => c.kind === 'create' && c.uri === envUri), 'the edit creates .env');
        assert.deepEqual(await client.conn.sendRequest('dockerGuardrails/createdSecretFiles', arg), [envUri]);
      } finally {
        await client.shutdown();
      }
    });

    it('"Fix all DC040 in this file" moves every inline secret of the file, in rounds as source.fixAll and check --fix do: four distinct secrets, one .env of four lines (review 42c, item 5)', async () => {
      // The fourth secret, a SESSION_KEY that another service reads, makes "Fix all DC040 in this file" be offered beside
      // "Move all 3 inline secrets…": move-all leaves it (review 45a, item 3), the rounds move it (its own move, a quick
      // fix: source.fixAll, which takes safe fixes only, leaves it). (An API_TOKEN of another value no longer does:
      // move-all and the rounds both move it, under a name of its own: dc040x, item 1.)
      const compose = 'services:\n  web:\n    image: nginx:1.27.3\n    environment:\n      API_TOKEN: Lk42_tok_4f8a9b2c\n      DB_PASSWORD: Lk42_dbp_Qw7rTy2u\n  db:\n    image: postgres:17.2\n    environment:\n      POSTGRES_PASSWORD: Lk42_pgp_Xk9mQ2vL\n      SESSION_KEY: Lk42_ses_Hh3Jj4Kk\n  worker:\n    image: nginx:1.27.3\n    environment:\n      OTHER: ${SESSION_KEY}\n';
      for (const withEnv of [false, true]) {
        const dir = tempWorkspace({ 'compose.yaml': compose, ...(withEnv ? { '.env': 'TZ=UTC\n', '.gitignore': '.env\n', '.env.example': 'TZ=\n' } : {}) });
        const client = new TestClient();
        client.resolveEdits = true;
        try {
          await client.initialize([dir]);
          const uri = client.open(path.join(dir, 'compose.yaml'), compose, 'dockercompose');
          const diags = (await client.diagnostics(uri, 1)).filter((d) => d.code === 'DC040');
          assert.equal(diags.length, 4);
          const all = (await client.codeActions(uri, [diags[0]], ['quickfix'])).find((a) => a.title === 'Fix all DC040 in this file');
          assert.ok(all && !all.edit, 'offered, to be resolved');
          const resolved = (await client.conn.sendRequest('codeAction/resolve', all)) as { edit?: WorkspaceEdit };
          assert.ok(resolved.edit, 'resolved to an edit');
          const at = (name: string) => URI.file(path.join(dir, name)).toString();
          const files = new Map([[uri, compose]]);
          if (withEnv) for (const name of ['.env', '.gitignore', '.env.example']) files.set(at(name), fs.readFileSync(path.join(dir, name), 'utf8'));
          const out = applyWorkspaceEdit(files, resolved.edit, apply);
          const fixed = out.get(uri)!;
          for (const key of ['API_TOKEN', 'DB_PASSWORD', 'POSTGRES_PASSWORD', 'SESSION_KEY']) assert.match(fixed, new RegExp(`${key}: \\$\\{${key}\\}`), `${key} moved (withEnv ${withEnv})`);
          assert.doesNotMatch(fixed, /Lk42_/);
          const env = out.get(at('.env'))!;
          const safeLines = `${withEnv ? 'TZ=UTC\n' : ''}API_TOKEN=Lk42_tok_4f8a9b2c\nDB_PASSWORD=Lk42_dbp_Qw7rTy2u\nPOSTGRES_PASSWORD=Lk42_pgp_Xk9mQ2vL\n`;
          assert.equal(env, `${safeLines}SESSION_KEY=Lk42_ses_Hh3Jj4Kk\n`);
          assert.equal(out.get(at('.env.example')), `${withEnv ? 'TZ=\n' : ''}API_TOKEN=\nDB_PASSWORD=\nPOSTGRES_PASSWORD=\nSESSION_KEY=\n`);
          // The same rounds as the source fix-all, which takes only the safe fixes (only DC040's: the file has no other safe one).
          const source = await client.resolved((await client.codeActions(uri, [], ['source.fixAll.docker-guardrails']))[0]);
          assert.equal(applyWorkspaceEdit(files, source.edit!, apply).get(at('.env')), safeLines, 'the .env of source.fixAll, without the quick fix');
          if (!withEnv) {
            // The created .env is named for the restrict command (0600), once resolved.
            assert.deepEqual(await client.conn.sendRequest('dockerGuardrails/createdSecretFiles', all.command?.arguments?.[0]), [at('.env')]);
          } else assert.equal(all.command, undefined, 'nothing created: no restrict command');
        } finally {
          await client.shutdown();
        }
      }
    });

    /** A compose file with one password written in `n` services, and a service with a small fix (DC010, privileged). */
    const copies = (n: number, password = 'Lk99_same_pw_Qw7rTy2u') => {
      let text = 'services:\n  agent:\n    image: portainer/agent:2.21.0\n    privileged: true\n';
      for (let i = 0; i < n; i++) text += `  svc${i}:\n    image: postgres:17.2\n    environment:\n      POSTGRES_PASSWORD: ${password}\n`;
      return text;
    };
    const wholeFile = (text: string) => ({ start: { line: 0, character: 0 }, end: { line: text.split('\n').length, character: 0 } });

    it('a quick fix whose edit is large (one secret in 120 services, DC040 and DC041) comes without its edit to a client that resolves edits, with no secret in its data, and resolves to exactly the edit the eager path gives; small edits stay eager, and a client without resolveSupport gets every edit (review item: code actions too big)', async () => {
      for (const password of ['Lk99_same_pw_Qw7rTy2u', 'changeme']) {
        const compose = copies(120, password);
        const dir = tempWorkspace({ 'compose.yaml': compose });
        const envUri = URI.file(path.join(dir, '.env')).toString();
        const actionsOf = async (resolve: boolean) => {
          const client = new TestClient();
          client.resolveEdits = resolve;
          try {
            await client.initialize([dir]);
            const uri = client.open(path.join(dir, 'compose.yaml'), compose, 'dockercompose');
            const diags = await client.diagnostics(uri, 1);
            const out = new Map<string, WorkspaceEdit | undefined>();
            for (const code of ['DC040', 'DC041', 'DC010']) {
              const diag = diags.find((d) => d.code === code && !/'agent'/.test(String(d.message)) === (code !== 'DC010'));
              if (!diag) continue;
              for (const action of await client.codeActions(uri, [diag], ['quickfix'])) {
                if (/^(Ignore|Show documentation|Fix all)/.test(action.title)) continue;
                let edit = action.edit;
                const large = code !== 'DC010';
                if (resolve && large) {
                  assert.equal(edit, undefined, `${action.title}: no edit before it is resolved`);
                  assert.ok(action.data, `${action.title}: data to resolve it`);
                  assert.doesNotMatch(JSON.stringify(action), new RegExp(password), 'no secret in the unresolved action');
                  const arg = action.command?.arguments?.[0] as { fixAllOf?: string } | undefined;
                  if (/to \.env$/.test(action.title)) {
                    assert.equal(typeof arg?.fixAllOf, 'string', `${action.title}: the restrict command names the action`);
                    assert.deepEqual(await client.conn.sendRequest('dockerGuardrails/createdSecretFiles', arg), [], 'nothing known before the resolve');
                  }
                  const resolved = (await client.conn.sendRequest('codeAction/resolve', action)) as { edit?: WorkspaceEdit; title: string };
                  assert.equal(resolved.title, action.title);
                  edit = resolved.edit;
                  assert.ok(edit, `${action.title}: resolved to an edit`);
                  if (arg?.fixAllOf) assert.deepEqual(await client.conn.sendRequest('dockerGuardrails/createdSecretFiles', arg), [envUri], 'the .env the resolved edit creates');
                } else assert.ok(edit, `${action.title}: an edit in the response (resolve ${resolve})`);
                out.set(`${code} ${action.title}`, edit);
              }
            }
            return out;
          } finally {
            await client.shutdown();
          }
        };
        const eager = await actionsOf(false);
        assert.ok([...eager.keys()].some((k) => k.startsWith('DC010 ')), [...eager.keys()].join(' | '));
        // `changeme` is a template's placeholder: DC041's to replace (with its copies), not DC040's to move (review 47b, finding 3).
        assert.ok([...eager.keys()].some((k) => /^DC04[01] (?:Move .* and its 119 copies to \.env|Replace POSTGRES_PASSWORD and its 119 copies with a generated password in \.env)$/.test(k)), [...eager.keys()].join(' | '));
        if (password === 'changeme') assert.ok([...eager.keys()].some((k) => k.startsWith('DC041 ')), [...eager.keys()].join(' | '));
        // DC041's fix writes a password generated for each computation: the same edit but for it.
        const generated = (edits: Map<string, WorkspaceEdit | undefined>) => new Map([...edits].map(([k, e]) => [k, JSON.parse(JSON.stringify(e).replace(/=[A-Za-z0-9]{32}\\n/g, '=<generated>\\n')) as unknown]));
        assert.deepEqual(generated(await actionsOf(true)), generated(eager));
      }
    });

    it('a lazily offered quick fix resolved after the document changed: the same fix computed on the new text when its finding is still there, no edit when it is gone or the fix is another', async () => {
      const compose = copies(120);
      const dir = tempWorkspace({ 'compose.yaml': compose });
      const client = new TestClient();
      client.resolveEdits = true;
      try {
        await client.initialize([dir]);
        const uri = client.open(path.join(dir, 'compose.yaml'), compose, 'dockercompose');
        const diags = (await client.diagnostics(uri, 1)).filter((d) => d.code === 'DC040');
        const lazyMove = async (diag: (typeof diags)[number]) => {
          const move = (await client.codeActions(uri, [diag], ['quickfix'])).find((a) => /^Move POSTGRES_PASSWORD and its \d+ copies to \.env$/.test(a.title));
          assert.ok(move && !move.edit && move.data, 'offered without its edit');
          return move;
        };
        const resolve = async (action: object) => ((await client.conn.sendRequest('codeAction/resolve', action)) as { edit?: WorkspaceEdit }).edit;
        const offered = await lazyMove(diags[5]);
        const v1 = await resolve(offered);
        assert.ok(v1);
        // A comment line above: every line one down. The old action resolves to the new version's edit, as an action offered now does.
        const v2 = client.change(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# the stack\n' }]);
        const now = (await client.diagnostics(uri, v2)).filter((d) => d.code === 'DC040');
        const again = await resolve(offered);
        assert.ok(again, 'still there: resolved on the new text');
        assert.deepEqual(again, await resolve(await lazyMove(now[5])));
        assert.notDeepEqual(again, v1);
        const docEdit = again.documentChanges?.find((c) => 'textDocument' in c && c.textDocument.uri === uri) as { textDocument: { version: number | null } } | undefined;
        assert.equal(docEdit?.textDocument.version, v2, 'the edit is of the current version');
        // One copy less: the fix is now "… and its 118 copies", not the one offered.
        const lines = applyTextEdits(compose, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: '# the stack\n' }]).split('\n');
        const cut = lines.findIndex((l) => l === '  svc119:');
        const v3 = client.change(uri, [{ range: { start: { line: cut, character: 0 }, end: { line: cut + 4, character: 0 } }, text: '' }]);
        await client.diagnostics(uri, v3);
        assert.equal(await resolve(offered), undefined, 'another fix: no edit');
        // No secret left: the finding is gone.
        const v4 = client.change(uri, [{ text: 'services:\n  web:\n    image: nginx:1.27.3\n' }]);
        await client.diagnostics(uri, v4);
        assert.equal(await resolve(offered), undefined, 'gone: no edit');
      } finally {
        await client.shutdown();
      }
    });

    it('the code actions for a selection over every copy of one secret grow linearly with the copies: twice the copies, at most 2.5 times the response (a client that resolves edits)', async () => {
      const sizes: number[] = [];
      for (const n of [100, 200]) {
        const compose = copies(n);
        const dir = tempWorkspace({ 'compose.yaml': compose });
        const client = new TestClient();
        client.resolveEdits = true;
        try {
          await client.initialize([dir]);
          const uri = client.open(path.join(dir, 'compose.yaml'), compose, 'dockercompose');
          const diags = (await client.diagnostics(uri, 1)).filter((d) => d.code === 'DC040');
          assert.equal(diags.length, n);
          const actions = await client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: wholeFile(compose), context: { diagnostics: diags, only: ['quickfix'] } });
          sizes.push(JSON.stringify(actions).length);
        } finally {
          await client.shutdown();
        }
      }
      assert.ok(sizes[1] <= 2.5 * sizes[0], `${sizes[0]} → ${sizes[1]} bytes (${(sizes[1] / sizes[0]).toFixed(2)}×)`);
    });
  });

  describe('files beside the compose file that the fixes edit (review 43b, items 4, 5 and 9)', () => {
    const TWO = 'services:\n  web:\n    image: nginx:1.27.3\n    environment:\n      DB_PASSWORD: Lk43_dbp_Qw7rTy2u\n      API_TOKEN: Lk43_tok_4f8a9b2c\n';
    /** The files a WorkspaceEdit changes, as VS Code applies it (CreateFile of an existing file fails: the helper throws). */
    const docChangesOf = (edit: WorkspaceEdit | undefined) => (edit?.documentChanges ?? []).map((c) => ('kind' in c ? `${c.kind}:${path.basename(URI.parse(c.kind === 'rename' ? c.newUri : c.uri).fsPath)}` : `edit:${path.basename(URI.parse(c.textDocument.uri).fsPath)}@${c.textDocument.version}`));
    const onDisk = (dir: string, names: string[]) => new Map(names.filter((n) => fs.existsSync(path.join(dir, n))).map((n) => [URI.file(path.join(dir, n)).toString(), fs.readFileSync(path.join(dir, n), 'utf8')]));
    const eventually = async (what: string, pred: () => Promise<boolean>) => {
      for (let i = 0; i < 100; i++) {
        if (await pred()) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.fail(`timed out waiting for ${what}`);
    };
    const writeBack = (files: Map<string, string>, skip: string) => {
      for (const [u, text] of files) if (u !== skip) fs.writeFileSync(URI.parse(u).fsPath, text);
    };

    it('the next fix after one that created .env, .gitignore and .env.example edits them, although no watcher event said they exist (item 4)', async () => {
      await withServer({ 'compose.yaml': TWO }, async (client, dir) => {
        const uri = client.open(path.join(dir, 'compose.yaml'), TWO, 'dockercompose');
        const first = (await client.diagnostics(uri, 1)).filter((d) => d.code === 'DC040');
        assert.equal(first.length, 2);
        const move1 = (await client.codeActions(uri, [first[0]], ['quickfix'])).find((a) => a.title === 'Move DB_PASSWORD to .env');
        assert.deepEqual(docChangesOf(move1?.edit), ['edit:compose.yaml@1', 'create:.env', 'edit:.env@null', 'create:.gitignore', 'edit:.gitignore@null', 'create:.env.example', 'edit:.env.example@null']);
        // Applied as VS Code does: the files written on disk, the compose document changed; the watcher's events are late.
        const after1 = applyWorkspaceEdit(new Map([[uri, TWO]]), move1!.edit!, apply);
        writeBack(after1, uri);
        const v2 = client.change(uri, [{ text: after1.get(uri)! }]);
        const second = (await client.diagnostics(uri, v2)).filter((d) => d.code === 'DC040');
        assert.equal(second.length, 1);
        const move2 = (await client.codeActions(uri, second, ['quickfix'])).find((a) => a.title === 'Move API_TOKEN to .env');
        assert.deepEqual(docChangesOf(move2?.edit), ['edit:compose.yaml@2', 'edit:.env@null', 'edit:.env.example@null'], 'no CreateFile of a file that exists, which VS Code refuses');
        const files = new Map([[uri, after1.get(uri)!], ...onDisk(dir, ['.env', '.gitignore', '.env.example'])]);
        const after2 = applyWorkspaceEdit(files, move2!.edit!, apply);
        const at = (n: string) => URI.file(path.join(dir, n)).toString();
        assert.equal(after2.get(at('.env')), 'DB_PASSWORD=Lk43_dbp_Qw7rTy2u\nAPI_TOKEN=Lk43_tok_4f8a9b2c\n');
        assert.equal(after2.get(at('.env.example')), 'DB_PASSWORD=\nAPI_TOKEN=\n');
        assert.equal(after2.get(at('.gitignore')), '.env\n');
        // The source fix-all too.
        const all = await client.resolved((await client.codeActions(uri, [], ['source.fixAll.docker-guardrails']))[0]);
        assert.ok(all?.edit && !docChangesOf(all.edit).some((c) => c.startsWith('create:')), `source.fixAll: ${JSON.stringify(docChangesOf(all?.edit))}`);
      });
    });

    it('a compose file outside the workspace folders gets no fix that writes beside it: the server reads nothing there, so it cannot tell what exists (item 4)', async () => {
      const base = tempFiles('dg-lsp-out-', { 'ws/README.md': 'x\n', 'other/compose.yaml': TWO, 'other/.env': 'TZ=UTC\n', 'other/.gitignore': '.env\n' });
      const client = new TestClient();
      try {
        await client.initialize([path.join(base, 'ws')]);
        const uri = client.open(path.join(base, 'other', 'compose.yaml'), TWO, 'dockercompose');
        const diags = (await client.diagnostics(uri, 1)).filter((d) => d.code === 'DC040');
        assert.equal(diags.length, 2);
        const actions = [...(await client.codeActions(uri, diags, ['quickfix'])), ...(await client.codeActions(uri, [], ['source.fixAll.docker-guardrails']))];
        const beside = actions.filter((a) => (a.edit?.documentChanges ?? []).some((c) => ('kind' in c ? c.kind === 'rename' ? c.newUri : c.uri : c.textDocument.uri) !== uri));
        assert.deepEqual(beside.map((a) => a.title), []);
        assert.ok(actions.some((a) => /^Ignore DC040 for line \d+$/.test(a.title)), 'the actions on the document itself stay');
      } finally {
        await client.shutdown();
      }
    });

    it('an open .env (the client syncs it) is edited as the editor holds it, at its version; closed, as the disk holds it (item 5)', async () => {
      const compose = 'services:\n  web:\n    image: nginx:1.27.3\n    environment:\n      DB_PASSWORD: Lk43_dbp_Qw7rTy2u\n';
      await withServer({ 'compose.yaml': compose, '.env': 'TZ=UTC', '.gitignore': '.env\n', '.env.example': 'TZ=\n' }, async (client, dir) => {
        const envUri = client.open(path.join(dir, '.env'), 'TZ=Europe/Berlin\nLOG_LEVEL=debug\n', 'dotenv');
        const uri = client.open(path.join(dir, 'compose.yaml'), compose, 'dockercompose');
        const diags = (await client.diagnostics(uri, 1)).filter((d) => d.code === 'DC040');
        const envEdit = async () => {
          const move = (await client.codeActions(uri, diags, ['quickfix'])).find((a) => a.title === 'Move DB_PASSWORD to .env');
          const c = (move?.edit?.documentChanges ?? []).find((x): x is Extract<typeof x, { textDocument: unknown }> => 'textDocument' in x && x.textDocument.uri === envUri);
          return c;
        };
        const open = await envEdit();
        assert.equal(open?.textDocument.version, 1, 'the edit names the version of the buffer it was computed from');
        assert.equal(apply('TZ=Europe/Berlin\nLOG_LEVEL=debug\n', open!.edits as never), 'TZ=Europe/Berlin\nLOG_LEVEL=debug\nDB_PASSWORD=Lk43_dbp_Qw7rTy2u\n');
        const v2 = client.change(envUri, [{ text: 'A=1' }]);
        await eventually('the .env change', async () => (await envEdit())?.textDocument.version === v2);
        assert.equal(apply('A=1', (await envEdit())!.edits as never), 'A=1\nDB_PASSWORD=Lk43_dbp_Qw7rTy2u\n');
        client.close(envUri);
        await eventually('the .env closed', async () => (await envEdit())?.textDocument.version === null);
        assert.equal(apply('TZ=UTC', (await envEdit())!.edits as never), 'TZ=UTC\nDB_PASSWORD=Lk43_dbp_Qw7rTy2u\n', 'from the disk once closed');
        assert.equal(client.latest(envUri), undefined, 'nothing is published for the .env');
      });
    });

    it('a .env opened with unsaved text re-analyzes the compose file that reads it (item 5)', async () => {
      const compose = 'services:\n  db:\n    image: postgres:17.2\n    environment:\n      POSTGRES_PASSWORD: ${PGPASS}\n';
      await withServer({ 'compose.yaml': compose, '.env': 'PGPASS=Lk43_Qw7rTy2u_Xk9mQ2vL\n', '.gitignore': '.env\n' }, async (client, dir) => {
        const uri = client.open(path.join(dir, 'compose.yaml'), compose, 'dockercompose');
        assert.ok(!(await client.diagnostics(uri, 1)).some((d) => d.code === 'DC041'));
        client.open(path.join(dir, '.env'), 'PGPASS=postgres\n', 'dotenv');
        await client.until('DC041 from the open .env', () => client.latest(uri, 1)?.diagnostics.some((d) => d.code === 'DC041'));
      });
    });

    it('one menu entry for "move every inline secret": no "Fix all DC040 in this file" beside "Move all 2 inline secrets of this file to .env"; both when they differ (item 9)', async () => {
      // A silenced secret is moved by neither (cli44 item 1).
      const suppressed = TWO + '      # docker-guardrails-ignore DC040 -- a test value\n      CACHE_TOKEN: Lk43_ign_tok_9x\n';
      // An API_TOKEN of another value, which move-all and the rounds of "Fix all" both move under a name of its own,
      // WORKER_API_TOKEN (dc040x, item 1): the same effect, one entry (review 45a, item 3). A secret whose variable another
      // service reads is left by move-all and moved by "Fix all": both then.
      const clash = TWO + '  worker:\n    image: nginx:1.27.3\n    environment:\n      API_TOKEN: Lk44_other_tok_9x\n';
      const differ = TWO + '      JWT_SECRET: Lk45_jwt_Hh3Jj4Kk5\n  worker:\n    image: nginx:1.27.3\n    environment:\n      OTHER: ${API_TOKEN}\n';
      const moveAll2 = ['Move DB_PASSWORD to .env', 'Move all 2 inline secrets of this file to .env'];
      // "all" when it moves every finding (moveall): the clash's second API_TOKEN too (before: "Move 2 of the 3").
      const moves3 = ['Move DB_PASSWORD to .env', 'Move all 3 inline secrets of this file to .env'];
      const leaves = ['Move DB_PASSWORD to .env', "Move 2 of the 3 inline secrets of this file to .env (API_TOKEN left out: service 'worker' reads ${API_TOKEN} and would get it)", 'Fix all DC040 in this file'];
      for (const [text, want] of [[TWO, moveAll2], [suppressed, moveAll2], [clash, moves3], [differ, leaves]] as const) {
        await withServer({ 'compose.yaml': text }, async (client, dir) => {
          const uri = client.open(path.join(dir, 'compose.yaml'), text, 'dockercompose');
          const diags = (await client.diagnostics(uri, 1)).filter((d) => d.code === 'DC040');
          const titles = (await client.codeActions(uri, [diags[0]], ['quickfix'])).map((a) => a.title).filter((t) => /^(Move|Fix all)/.test(t));
          assert.deepEqual(titles, want);
        });
      }
    });
  });

  describe('the lifecycle (LSP 3.17, "Server lifecycle")', () => {
    it('answers requests before initialize with ServerNotInitialized, a second initialize and requests after shutdown with InvalidRequest, and drops notifications out of session', async () => {
      const dir = tempWorkspace({ 'Dockerfile': DOCKERFILE });
      const client = new TestClient();
      const uri = URI.file(path.join(dir, 'Dockerfile')).toString();
      const hover = () => client.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
      try {
        assert.equal(await codeOf(hover()), -32002, 'hover before initialize');
        // A notification before initialize is dropped: nothing is analyzed or published for it.
        await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: URI.file(path.join(dir, 'early.Dockerfile')).toString(), languageId: 'dockerfile', version: 1, text: DOCKERFILE } });
        await client.initialize([]);
        assert.equal(await codeOf(client.conn.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} })), -32600, 'a second initialize');
        const opened = client.open(path.join(dir, 'Dockerfile'), DOCKERFILE, 'dockerfile');
        assert.ok((await client.diagnostics(opened, 1)).some((d) => d.code === 'DF010'), 'a session in between works');
        assert.equal(await codeOf(hover()), 'no error', 'hover while running');
        assert.equal(client.publishCount(URI.file(path.join(dir, 'early.Dockerfile')).toString()), 0, 'the didOpen sent before initialize was dropped');
        assert.equal(await codeOf(client.conn.sendRequest('shutdown')), 'no error', 'shutdown');
        assert.equal(await codeOf(hover()), -32600, 'hover after shutdown');
        assert.equal(await codeOf(client.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } })), -32600, 'codeAction after shutdown');
        assert.equal(await codeOf(client.conn.sendRequest('shutdown')), -32600, 'a second shutdown');
        const before = client.publishCount(opened);
        client.change(opened, [{ text: 'FROM node:latest\n' }]);
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(client.publishCount(opened), before, 'a change after shutdown is not analyzed');
        const exited = new Promise<number | null>((resolve) => client.proc.once('exit', (code) => resolve(code)));
        void client.conn.sendNotification('exit');
        assert.equal(await exited, 0, 'exit after shutdown ends the process with 0');
      } finally {
        await client.shutdown();
      }
    });
  });

  describe('the client\'s capabilities', () => {
    it('a client that refuses dynamic registration does not bring the server down', async () => {
      const dir = tempWorkspace({ 'Dockerfile': DOCKERFILE });
      const client = new TestClient();
      client.refuseRegistration = true;
      try {
        await client.initialize([dir]);
        const uri = client.open(path.join(dir, 'Dockerfile'), DOCKERFILE, 'dockerfile');
        assert.ok((await client.diagnostics(uri, 1)).some((d) => d.code === 'DF010'));
        await client.until('the refusal logged', () => client.logs.some((l) => /settings changes not registered/.test(l)));
        assert.equal(client.proc.exitCode, null, 'server still running');
      } finally {
        await client.shutdown();
      }
    });

    it('a client without documentChanges gets edits in changes, and no fix that creates a file (LSP workspaceEdit capability)', async () => {
      const dir = tempWorkspace({ 'compose.yaml': COMPOSE });
      const client = new TestClient();
      client.workspaceEdit = {};
      try {
        await client.initialize([dir]);
        const uri = client.open(path.join(dir, 'compose.yaml'), COMPOSE, 'dockercompose');
        const diags = await client.diagnostics(uri, 1);
        const actions = await client.codeActions(uri, diags, ['quickfix']);
        assert.ok(actions.some((a) => a.edit), 'edits of the document itself are offered');
        for (const a of actions) {
          if (!a.edit) continue;
          assert.equal(a.edit.documentChanges, undefined, a.title);
          assert.deepEqual(Object.keys(a.edit.changes ?? {}), [uri], a.title);
        }
        assert.ok(!actions.some((a) => /to \.env/.test(a.title)), 'no fix that creates .env');
      } finally {
        await client.shutdown();
      }
    });
  });

  describe('a document that is not a file', () => {
    it('has no folder: no rule reports on its sibling files, no fix writes beside it (untitled:)', async () => {
      // The server's working directory and the workspace hold a .env: neither is the untitled document's.
      await withServer({ '.env': 'DB_PASSWORD=realsecret123\n', 'Dockerfile': 'FROM node:22-alpine\nUSER node\n' }, async (client, dir) => {
        const compose = 'services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      DB_PASSWORD: hunter2hunter2\n    env_file: .env\n';
        const uri = client.openUri('untitled:Untitled-1', compose, 'dockercompose');
        const diags = await client.diagnostics(uri, 1);
        const codes = diags.map((d) => d.code);
        assert.ok(codes.includes('DC040'), `DC040 expected, got ${codes.join(',')}`);
        assert.deepEqual(codes.filter((c) => c === 'DR001' || c === 'DR002'), [], 'no finding about a .env beside a document that has no folder');
        const touched = (actions: { edit?: { documentChanges?: unknown[]; changes?: Record<string, unknown> } }[]) =>
          actions.flatMap((a) => [...(a.edit?.documentChanges ?? []).map((c) => ((c as { uri?: string }).uri ?? (c as { textDocument: { uri: string } }).textDocument.uri)), ...Object.keys(a.edit?.changes ?? {})]);
        const quick = await client.codeActions(uri, diags.filter((d) => d.code === 'DC040'), ['quickfix']);
        assert.ok(quick.some((a) => /Ignore DC040/.test(a.title)), 'the fixes that edit the document itself are offered');
        assert.ok(!quick.some((a) => /Move DB_PASSWORD/.test(a.title)), `no fix that writes a .env: ${quick.map((a) => a.title).join(' | ')}`);
        const all = await client.codeActions(uri, [], ['source.fixAll.docker-guardrails']);
        assert.deepEqual([...new Set([...touched(quick), ...touched(all)])], [uri], 'every edit addresses the untitled document');

        const df = client.openUri('untitled:Untitled-2', 'FROM node:22-alpine\nWORKDIR /app\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n', 'dockerfile');
        const dfCodes = (await client.diagnostics(df, 1)).map((d) => d.code);
        assert.ok(!dfCodes.includes('DR003'), `no DR003 on a Dockerfile with no build context: ${dfCodes.join(',')}`);
        assert.ok(!fs.existsSync(path.join(dir, '.env.example')));
      });
    });

    it('a compose file of a virtual workspace (vscode-vfs:, language yaml, as the client now sends it) is analyzed, and no action writes beside it: quick fixes, a resolved "Fix all CODE", source.fixAll (review 42c, item 3)', async () => {
      const compose = 'services:\n  a:\n    image: nginx:1.27.3\n    privileged: true\n    environment:\n      API_TOKEN: Lk42_vfs_tok_9x\n  b:\n    image: nginx:1.27.3\n    privileged: true\n    environment:\n      JWT_SECRET: Lk42_vfs_jwt_9x\n';
      const client = new TestClient();
      client.resolveEdits = true;
      try {
        // A workspace folder on disk holds a compose.yaml by the same name: not the virtual document's.
        await client.initialize([tempWorkspace({ 'compose.yaml': compose })]);
        const uri = client.openUri('vscode-vfs://github/acme/shop/compose.yaml', compose, 'yaml');
        const diags = await client.diagnostics(uri, 1);
        assert.equal(diags.filter((d) => d.code === 'DC040').length, 2, diags.map((d) => d.code).join(','));
        const touched = (edit: WorkspaceEdit | undefined) => [...(edit?.documentChanges ?? []).map((c) => ('kind' in c ? `${c.kind} ${(c as { uri: string }).uri}` : c.textDocument.uri)), ...Object.keys(edit?.changes ?? {})];
        const uris = new Set<string>();
        let resolvedOne = false;
        for (const diag of diags) {
          for (const action of await client.codeActions(uri, [diag], ['quickfix'])) {
            const edit = action.edit ?? (action.data ? ((await client.conn.sendRequest('codeAction/resolve', action)) as { edit?: WorkspaceEdit }).edit : undefined);
            if (action.data && edit) resolvedOne = true;
            for (const u of touched(edit)) uris.add(u);
          }
        }
        assert.ok(resolvedOne, 'a lazily resolved "Fix all CODE" (DC010) was offered and resolved');
        for (const action of await client.codeActions(uri, [], ['source.fixAll.docker-guardrails'])) for (const u of touched((await client.resolved(action)).edit)) uris.add(u);
        assert.deepEqual([...uris], [uri], 'every edit addresses the document, none creates a file');
      } finally {
        await client.shutdown();
      }
    });
  });

  describe('the scan\'s scope for every event', () => {
    const DF = 'FROM node:latest\n';
    it('a watcher event for a file the scan skips (git-ignored folder, node_modules) analyzes nothing; a .gitignore change moves files in and out', async () => {
      await withServer({ '.gitignore': 'dist/\nignored/\n', 'Dockerfile': DF, 'app/Dockerfile': DF, 'dist/Dockerfile': DF, 'ignored/Dockerfile': DF }, async (client, dir) => {
        const at = (rel: string) => URI.file(path.join(dir, rel)).toString();
        await client.until('the scan to finish', () => client.logs.some((l) => /workspace scan: \d+ files/.test(l)));
        await client.diagnostics(at('app/Dockerfile'));
        const event = async (rel: string, type: number, text?: string) => {
          if (text !== undefined) {
            fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
            // Written whole at once (as editors save): the server handles the earlier events while this runs, and a
            // .gitignore read half-written (truncated, empty) would let it take dist/ for in scope for a moment.
            fs.writeFileSync(path.join(dir, rel + '.tmp-write'), text);
            fs.renameSync(path.join(dir, rel + '.tmp-write'), path.join(dir, rel));
          }
          await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: at(rel), type }] });
        };
        await event('dist/Dockerfile.gen', 1, DF);
        await event('dist/Dockerfile', 2, DF + 'USER root\n');
        await event('node_modules/pkg/Dockerfile', 1, DF);
        // .gitignore now ignores app/ and no longer ignores ignored/ (the CLI's walk agrees).
        await event('.gitignore', 2, 'dist/\napp/\n');
        await client.until('app/Dockerfile cleared', () => client.latest(at('app/Dockerfile'))?.diagnostics.length === 0);
        const found = await client.diagnostics(at('ignored/Dockerfile'));
        assert.ok(found.some((d) => d.code === 'DF001'), 'ignored/Dockerfile is analyzed once .gitignore no longer ignores it');
        await client.conn.sendRequest('textDocument/hover', { textDocument: { uri: at('Dockerfile') }, position: { line: 0, character: 0 } });
        for (const rel of ['dist/Dockerfile.gen', 'dist/Dockerfile', 'node_modules/pkg/Dockerfile']) assert.ok(!client.published.some((p) => p.uri === at(rel)), `${rel} is out of the scan's scope: nothing published`);
      });
    });

    it('a change of the include/exclude globs (settings, config file) moves files in and out without a restart', async () => {
      await withServer({ 'Dockerfile': DF, 'legacy/Dockerfile': DF, 'other/Dockerfile': DF }, async (client, dir) => {
        const at = (rel: string) => URI.file(path.join(dir, rel)).toString();
        await client.until('the scan to finish', () => client.logs.some((l) => /workspace scan: \d+ files/.test(l)));
        await client.diagnostics(at('other/Dockerfile'));
        assert.ok(!client.published.some((p) => p.uri === at('legacy/Dockerfile')), 'legacy/ is excluded');
        client.settings = { exclude: ['other/**'] };
        await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
        await client.until('other/Dockerfile cleared', () => client.latest(at('other/Dockerfile'))?.diagnostics.length === 0);
        assert.ok((await client.diagnostics(at('legacy/Dockerfile'))).length > 0, 'legacy/Dockerfile analyzed once no longer excluded');

        fs.writeFileSync(path.join(dir, '.docker-guardrails.yaml'), 'exclude:\n  - "legacy/**"\n');
        await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: at('.docker-guardrails.yaml'), type: 1 }] });
        await client.until('legacy/Dockerfile cleared', () => client.latest(at('legacy/Dockerfile'))?.diagnostics.length === 0);
        await client.until('other/Dockerfile analyzed again', () => (client.latest(at('other/Dockerfile'))?.diagnostics.length ?? 0) > 0);
      }, { exclude: ['legacy/**'] });
    });
  });

  describe('review 41b: watcher events and the scan\'s scope', () => {
    const BROKEN = 'rules:\n  DF999: error\n';
    const dg002 = (client: TestClient, uri: string) => (client.latest(uri)?.diagnostics ?? []).filter((d) => d.code === 'DG002').length;

    it('a config file\'s DG002 errors are cleared when its folder is deleted or renamed (the watcher reports the folder alone; item 4)', async () => {
      const files = { 'sub/Dockerfile': 'FROM ubuntu\n', 'sub/.docker-guardrails.yaml': BROKEN, 'sub2/Dockerfile': 'FROM ubuntu\n', 'sub2/.docker-guardrails.yaml': BROKEN };
      await withServer(files, async (client, dir) => {
        const at = (rel: string) => URI.file(path.join(dir, rel)).toString();
        await client.until('DG002 on both config files', () => dg002(client, at('sub/.docker-guardrails.yaml')) > 0 && dg002(client, at('sub2/.docker-guardrails.yaml')) > 0);
        fs.rmSync(path.join(dir, 'sub'), { recursive: true });
        await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: at('sub'), type: 3 }] });
        await client.until('sub/Dockerfile cleared', () => client.latest(at('sub/Dockerfile'))?.diagnostics.length === 0);
        await client.until('the deleted config file\'s DG002 cleared', () => dg002(client, at('sub/.docker-guardrails.yaml')) === 0);
        fs.renameSync(path.join(dir, 'sub2'), path.join(dir, 'renamed'));
        await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: at('sub2'), type: 3 }, { uri: at('renamed'), type: 1 }] });
        await client.until('the renamed config file reports its problems', () => dg002(client, at('renamed/.docker-guardrails.yaml')) > 0);
        await client.until('the config file renamed away is cleared', () => dg002(client, at('sub2/.docker-guardrails.yaml')) === 0);
        assert.equal(dg002(client, at('sub/.docker-guardrails.yaml')), 0);
      });
    });

    it('a config file\'s DG002 errors are cleared when its workspace folder is removed (item 4)', async () => {
      const a = tempWorkspace({ 'Dockerfile': 'FROM ubuntu\n' });
      const b = tempWorkspace({ 'Dockerfile': 'FROM ubuntu\n', '.docker-guardrails.yaml': BROKEN });
      const client = new TestClient();
      client.workspaceFolderEvents = true;
      try {
        await client.initialize([a, b]);
        const cfg = URI.file(path.join(b, '.docker-guardrails.yaml')).toString();
        await client.until('DG002 on B\'s config file', () => dg002(client, cfg) > 0);
        await client.conn.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [{ uri: URI.file(b).toString(), name: path.basename(b) }] } });
        await client.until('B/Dockerfile cleared', () => client.latest(URI.file(path.join(b, 'Dockerfile')).toString())?.diagnostics.length === 0);
        await client.until('B\'s config file cleared', () => dg002(client, cfg) === 0);
        assert.ok((await client.diagnostics(URI.file(path.join(a, 'Dockerfile')).toString())).length > 0, 'A is still analyzed');
      } finally {
        await client.shutdown();
      }
    });

    it('a git-ignored Dockerfile that git starts tracking (git add -f) is analyzed, and cleared on git rm --cached (item 7)', async () => {
      await withServer({ '.gitignore': 'gen/\n', 'Dockerfile': 'FROM ubuntu:24.04\nUSER 1000\n', 'gen/Dockerfile': 'FROM ubuntu\n' }, async (client, dir) => {
        const at = (rel: string) => URI.file(path.join(dir, rel)).toString();
        const indexPath = path.join(dir, '.git', 'index');
        fs.writeFileSync(indexPath, indexOf(['.gitignore', 'Dockerfile']));
        await client.until('the scan to finish', () => client.logs.some((l) => /workspace scan: \d+ files/.test(l)));
        await client.diagnostics(at('Dockerfile'));
        assert.equal(client.latest(at('gen/Dockerfile')), undefined, 'ignored and not tracked: not analyzed');
        // `git add -f gen/Dockerfile`: git rewrites the index, the watcher reports it (the CLI's walk finds the file too).
        fs.writeFileSync(indexPath, indexOf(['.gitignore', 'Dockerfile', 'gen/Dockerfile']));
        await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: at('.git/index'), type: 2 }] });
        await client.until('gen/Dockerfile analyzed once tracked', () => (client.latest(at('gen/Dockerfile'))?.diagnostics.length ?? 0) > 0);
        // `git rm --cached gen/Dockerfile`: ignored again.
        fs.writeFileSync(indexPath, indexOf(['.gitignore', 'Dockerfile']));
        await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: at('.git/index'), type: 2 }] });
        await client.until('gen/Dockerfile cleared once untracked', () => client.latest(at('gen/Dockerfile'))?.diagnostics.length === 0);
      });
    });

    it('a burst of 5,000 events for unrelated files, with a deleted folder among them, still clears the files below it (item 5)', async () => {
      await withServer({ 'Dockerfile': 'FROM ubuntu\n', 'svc/deep/Dockerfile': 'FROM ubuntu\n' }, async (client, dir) => {
        const at = (rel: string) => URI.file(path.join(dir, rel)).toString();
        const open = client.open(path.join(dir, 'Dockerfile'), 'FROM ubuntu\n', 'dockerfile');
        await client.diagnostics(open, 1);
        assert.ok((await client.diagnostics(at('svc/deep/Dockerfile'))).length > 0);
        fs.rmSync(path.join(dir, 'svc'), { recursive: true });
        const changes = Array.from({ length: 5000 }, (_, i) => ({ uri: at(`src/pkg${i % 50}/file${i}.js`), type: 2 }));
        changes.splice(2500, 0, { uri: at('svc'), type: 3 });
        await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes });
        const hover = await client.conn.sendRequest('textDocument/hover', { textDocument: { uri: open }, position: { line: 0, character: 1 } });
        assert.ok(hover, 'the hover is answered');
        await client.until('svc/deep/Dockerfile cleared with its folder', () => client.latest(at('svc/deep/Dockerfile'))?.diagnostics.length === 0);
      });
    });
  });

  describe('config file', () => {
    it('wins over settings for the keys it sets, reports its own problems, and re-analyzes when edited', async () => {
      await withServer({ '.docker-guardrails.yaml': 'rules:\n  DF001: off\n', 'svc/Dockerfile': 'FROM node\nCMD ["node"]\n' }, async (client, dir) => {
        const df = path.join(dir, 'svc/Dockerfile');
        const uri = client.open(df, 'FROM node\nCMD ["node"]\n', 'dockerfile');
        let diags = await client.diagnostics(uri, 1);
        assert.ok(!diags.some((d) => d.code === 'DF001'), 'the config file turns DF001 off although the settings say error');
        assert.equal(diags.find((d) => d.code === 'DF010')?.severity, 1, 'settings apply where the file says nothing');

        const cfgPath = path.join(dir, '.docker-guardrails.yaml');
        const cfgUri = client.open(cfgPath, 'rules:\n  DF001: nope\n  DF777: off\nbogus: 1\n', 'yaml');
        const problems = await client.until('DG002 on the config file', () => {
          const p = client.latest(cfgUri);
          return p && p.diagnostics.length === 3 ? p.diagnostics : undefined;
        });
        assert.ok(problems.every((d) => d.code === 'DG002' && d.source === 'docker-guardrails'));
        assert.deepEqual(problems.map((d) => d.range.start.line).sort(), [1, 2, 3]);
        // The valid part of a broken file still applies: nothing turns DF001 off any more, so settings rule.
        diags = await client.until('re-analysis after the config change', () => {
          const p = client.latest(uri);
          return p && p.diagnostics.some((d) => d.code === 'DF001') ? p.diagnostics : undefined;
        });
        assert.equal(diags.find((d) => d.code === 'DF001')?.severity, 1);

        client.change(cfgUri, [{ text: 'rules:\n  DF010: off\n' }]);
        await client.until('config problems cleared', () => client.latest(cfgUri)?.diagnostics.length === 0);
        await client.until('DF010 turned off', () => {
          const p = client.latest(uri);
          return p && !p.diagnostics.some((d) => d.code === 'DF010');
        });
      }, { rules: { DF001: 'error', DF010: 'error' } });
    });
  });

  describe('config file with a YAML syntax error', () => {
    it('keeps what parses (DF010 off, the exclude) and reports the error as DG002', async () => {
      const broken = 'rules:\n  DF003:  [off\n  DF010: off\nexclude:\n  - "legacy/**"\n';
      await withServer({ '.docker-guardrails.yaml': broken, 'Dockerfile': 'FROM node:latest\n', 'legacy/Dockerfile': 'FROM node:latest\n' }, async (client, dir) => {
        const at = (rel: string) => URI.file(path.join(dir, rel)).toString();
        const diags = await client.diagnostics(at('Dockerfile'));
        assert.ok(diags.some((d) => d.code === 'DF001'), 'analyzed');
        assert.ok(!diags.some((d) => d.code === 'DF010'), 'DF010: off, after the broken line, still applies');
        const problems = await client.diagnostics(at('.docker-guardrails.yaml'));
        assert.ok(problems.some((d) => d.code === 'DG002' && /Invalid YAML/.test(String(d.message))), 'the syntax error is reported');
        await client.until('the scan to finish', () => client.logs.some((l) => /workspace scan: \d+ files/.test(l)));
        assert.ok(!client.published.some((p) => p.uri === at('legacy/Dockerfile')), 'the exclude still applies');
        // Open in the editor and typed in: each publish names the version it was read from (review 38b, probe p21).
        const config = client.open(path.join(dir, '.docker-guardrails.yaml'), broken, 'yaml');
        const version = client.change(config, [{ text: `${broken}include: [\n` }]);
        await client.until('the config problems of that version', () => client.latest(config, version));
        assert.ok(client.latest(config, version)!.diagnostics.some((d) => d.code === 'DG002'));
      });
    });
  });

  describe('settings', () => {
    it('honours per-rule severity, off, and enable=false', async () => {
      await withServer({}, async (client, dir) => {
        const uri = client.open(path.join(dir, 'Dockerfile'), 'FROM node\nCMD ["node"]\n', 'dockerfile');
        const diags = await client.diagnostics(uri, 1);
        assert.ok(!diags.some((d) => d.code === 'DF001'), 'DF001 is off');
        assert.equal(diags.find((d) => d.code === 'DF010')?.severity, 1, 'DF010 raised to error');

        client.settings = { enable: false };
        await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
        await client.until('empty diagnostics after disabling', () => client.latest(uri)?.diagnostics.length === 0);
      }, { rules: { DF010: 'error', DF001: 'off' } });
    });

    it('a client that cannot be asked for settings pushes them with didChangeConfiguration, and they apply', async () => {
      const dir = tempWorkspace({});
      const client = new TestClient();
      client.configurationRequests = false;
      try {
        await client.initialize([dir]);
        const uri = client.open(path.join(dir, 'Dockerfile'), 'FROM node\nCMD ["node"]\n', 'dockerfile');
        assert.ok((await client.diagnostics(uri, 1)).some((d) => d.code === 'DF001'), 'the defaults before any push');
        await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: { dockerGuardrails: { rules: { DF001: 'off', DF010: 'error' } } } });
        await client.until('the pushed settings applied', () => {
          const diags = client.latest(uri)?.diagnostics ?? [];
          return !diags.some((d) => d.code === 'DF001') && diags.find((d) => d.code === 'DF010')?.severity === 1;
        });
        // A push without the section goes back to the defaults.
        await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: { other: {} } });
        await client.until('back to the defaults', () => (client.latest(uri)?.diagnostics ?? []).some((d) => d.code === 'DF001'));
      } finally {
        await client.shutdown();
      }
    });

    it('resource limits the config file would refuse are refused in settings too: the fixes write the defaults, and the log says which (once)', async () => {
      const compose = 'services:\n  api:\n    image: ghcr.io/acme/api:1.0.0\n';
      await withServer({ 'compose.yaml': compose }, async (client, dir) => {
        const uri = client.open(path.join(dir, 'compose.yaml'), compose, 'dockercompose');
        const dc020 = (await client.diagnostics(uri, 1)).filter((d) => d.code === 'DC020');
        assert.equal(dc020.length, 1);
        const fix = (await client.codeActions(uri, dc020, ['quickfix'])).find((a) => a.diagnostics?.some((d) => d.code === 'DC020') && a.edit);
        assert.ok(fix, 'a DC020 fix');
        const fixed = applyWorkspaceEdit(new Map([[uri, compose]]), fix.edit!, apply).get(uri)!;
        assert.match(fixed, /memory: 512m/);
        assert.match(fixed, /cpus: ['"]?0\.5/);
        assert.doesNotMatch(fixed, /lots|-1/);
        for (const key of ['memory', 'cpus']) assert.equal(client.logs.filter((l) => l.includes(`dockerGuardrails.resourceLimits.${key} is not valid`)).length, 1, key);
        assert.ok(!client.logs.some((l) => l.includes('resourceLimits.pids')), 'pids 64 is valid');
      }, { resourceLimits: { memory: 'lots', cpus: '-1', pids: 64 } });
    });

    it('rules entries that are not applied (an unknown code, a severity that is not one) get one log line each, as the config file reports them (review 42c, items 4 and 6); DG codes the server honours are applied', async () => {
      await withServer({}, async (client, dir) => {
        const uri = client.open(path.join(dir, 'Dockerfile'), 'FROM node:18\n# docker-guardrails-ignore DF003\nUSER 1000\n', 'dockerfile');
        const diags = await client.diagnostics(uri, 1);
        assert.equal(diags.find((d) => d.code === 'DF005')?.severity, 2, 'DF005 keeps its severity: "Error" is not a severity');
        assert.ok(!diags.some((d) => d.code === 'DG001'), 'DG001: off applies');
        const lines = (pattern: RegExp) => client.logs.filter((l) => pattern.test(l));
        assert.equal(lines(/dockerGuardrails\.rules\.DF005 is ignored: the severity must be one of error, warning, info, hint, off/).length, 1);
        assert.equal(lines(/dockerGuardrails\.rules\.DF999 is ignored: no Docker Guardrails rule has this code/).length, 1);
        assert.equal(lines(/dockerGuardrails\.rules\.DG002 is ignored: the severity of DG002 is not set by the rules setting/).length, 1);
        assert.equal(lines(/dockerGuardrails\.rules has a key that is not a rule code \(its text is not shown\)/).length, 1);
        assert.ok(!client.logs.some((l) => l.includes('Hunter2-Key') || l.includes('"Error"')), 'neither an odd key nor a value is shown');
        assert.ok(!client.logs.some((l) => /rules\.(DG001|DF001)/.test(l)), 'valid entries are not logged');
      }, { rules: { DF005: 'Error', DF999: 'error', DG002: 'off', 'PASSWORD=Hunter2-Key': 'off', DG001: 'off', DF001: 'warning' } });
    });

    it('package.json\'s dockerGuardrails.rules schema accepts exactly the codes the server applies, with a severity (review 42c, items 4 and 6)', () => {
      const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
      const schema = pkg.contributes.configuration.properties['dockerGuardrails.rules'];
      const validate = new Ajv({ strict: false }).compile(schema);
      assert.deepEqual(schema.propertyNames.enum, severityCodes(allRules));
      for (const code of ['DF010', 'DC040', 'DR003', 'DG001', 'DG003', 'DG004']) assert.ok(validate({ [code]: 'off' }), code);
      for (const bad of [{ DF999: 'error' }, { DG002: 'off' }, { df010: 'off' }, { DF010: 'Error' }, { DF044: 'warn' }]) assert.ok(!validate(bad), JSON.stringify(bad));
    });
  });
});
