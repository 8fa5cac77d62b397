/**
 * The extension in a real VS Code: activation, diagnostics from the workspace scan and from open
 * editors, a quick fix applied through VS Code's own code-action API, and the Problems panel.
 *
 * The workspace is a temporary COPY of examples/ made by the runner; the suite still never saves a
 * document (edits are reverted) and checks at the end that the files on disk are unchanged.
 * Everything asynchronous is awaited by polling with a deadline, never by a fixed sleep.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { say } from './output';

const EXTENSION_ID = 'docker-guardrails.docker-guardrails';
const SOURCE = 'docker-guardrails';
/** The client's scheme for the rule pages bundled with the extension (client/src/extension.ts). */
const DOCS_SCHEME = 'docker-guardrails-docs';
/** Deadline for anything the language server computes (the first one includes its start). */
const DIAGNOSTICS_TIMEOUT = 30_000;

// ---- helpers -------------------------------------------------------------------------------------

/** Polls `probe` until it returns something other than undefined/false, or fails naming `what`. */
async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, options: { timeout?: number; state?: () => string } = {}): Promise<T> {
  const timeout = options.timeout ?? DIAGNOSTICS_TIMEOUT;
  const deadline = Date.now() + timeout;
  let interval = 25;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= deadline) {
      const state = options.state ? `; last state: ${options.state()}` : '';
      const err = lastError ? `; last error: ${(lastError as Error).message ?? String(lastError)}` : '';
      throw new Error(`Timed out after ${timeout / 1000} s waiting for ${what}${state}${err}`);
    }
    await new Promise((r) => setTimeout(r, interval));
    interval = Math.min(interval * 2, 250);
  }
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' && d.code !== null ? String(d.code.value) : String(d.code);
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

function describeDiagnostics(uri: vscode.Uri): string {
  const all = vscode.languages.getDiagnostics(uri);
  if (all.length === 0) return '(no diagnostics)';
  return all.map((d) => `${d.source ?? '?'}:${codeOf(d)}@${d.range.start.line + 1}:${d.range.start.character + 1}`).join(', ');
}

/** Waits until our diagnostics for `uri` include every code of `codes` (with multiplicity) and satisfy `extra`. */
async function waitForCodes(uri: vscode.Uri, label: string, codes: string[], extra?: (ds: vscode.Diagnostic[]) => boolean): Promise<vscode.Diagnostic[]> {
  return waitFor(
    `${codes.join(' + ')} from ${SOURCE} on ${label}`,
    () => {
      const ds = ours(uri);
      const have = ds.map(codeOf);
      for (const c of new Set(codes)) if (have.filter((h) => h === c).length < codes.filter((x) => x === c).length) return undefined;
      if (extra && !extra(ds)) return undefined;
      return ds;
    },
    { state: () => describeDiagnostics(uri) },
  );
}

function find(ds: vscode.Diagnostic[], code: string): vscode.Diagnostic {
  const d = ds.find((x) => codeOf(x) === code);
  assert.ok(d, `no ${code} among ${ds.map(codeOf).join(', ')}`);
  return d;
}

/** The docs link of a diagnostic: LSP's codeDescription.href, which VS Code exposes as `code.target`. */
function docsLink(d: vscode.Diagnostic): vscode.Uri | undefined {
  return typeof d.code === 'object' && d.code !== null ? d.code.target : undefined;
}

function assertOurs(d: vscode.Diagnostic, code: string): void {
  assert.equal(d.source, SOURCE, `${code}: source`);
  assert.equal(codeOf(d), code);
  const href = docsLink(d);
  assert.ok(href, `${code}: codeDescription.href (code.target) is not set`);
  // The server sends an https link; the client swaps it for its offline page (docker-guardrails-docs:).
  assert.ok(href.scheme === DOCS_SCHEME || href.scheme === 'https', `${code}: docs link ${href.toString()}`);
  assert.ok(href.path.endsWith(`${code}.md`), `${code}: docs link ${href.toString()} does not name the rule`);
  assert.ok(d.message.length > 10, `${code}: message ${JSON.stringify(d.message)}`);
}

function isOpen(uri: vscode.Uri): boolean {
  return vscode.workspace.textDocuments.some((doc) => doc.uri.toString() === uri.toString());
}

async function show(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(doc, { preview: false });
}

/** Reverts every dirty document (without saving) and closes all editors. */
async function revertAndCloseAll(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments) {
    if (!doc.isDirty || doc.uri.scheme !== 'file') continue;
    await vscode.window.showTextDocument(doc, { preview: false });
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

// ---- the suite -------------------------------------------------------------------------------------

describe('Docker Guardrails in a real VS Code', function () {
  let root: vscode.Uri;
  let apiDockerfile: vscode.Uri;
  let workerDockerfile: vscode.Uri;
  let compose: vscode.Uri;
  /** The files on disk at the start, to check nothing was saved. */
  const diskBefore = new Map<string, string>();

  before(async function () {
    this.timeout(60_000);
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1, `expected one workspace folder (the runner's copy of examples/), got ${folders.map((f) => f.uri.toString()).join(', ') || 'none'}`);
    root = folders[0].uri;
    assert.equal(root.scheme, 'file', `workspace folder ${root.toString()}`);
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded (extensionDevelopmentPath wrong?)`);
    // The suite edits documents: it must never run on the project's own examples/.
    const projectExamples = fs.realpathSync(path.join(ext.extensionPath, 'examples'));
    assert.notEqual(fs.realpathSync(root.fsPath), projectExamples, 'the workspace is the project\'s examples/ itself: the runner must open a copy');

    apiDockerfile = vscode.Uri.joinPath(root, 'api', 'Dockerfile');
    workerDockerfile = vscode.Uri.joinPath(root, 'worker', 'Dockerfile');
    compose = vscode.Uri.joinPath(root, 'compose.yaml');
    for (const uri of [apiDockerfile, workerDockerfile, compose]) {
      assert.ok(fs.existsSync(uri.fsPath), `missing ${uri.fsPath} in the workspace copy`);
      diskBefore.set(uri.fsPath, fs.readFileSync(uri.fsPath, 'utf8'));
    }

    // Activation comes from the workspace (workspaceContains:**/Dockerfile), not from the suite.
    await waitFor(`${EXTENSION_ID} to activate on its own (workspaceContains:**/Dockerfile)`, () => ext.isActive, {
      timeout: 30_000,
      state: () => `isActive=${ext.isActive}`,
    });
  });

  after(async function () {
    this.timeout(30_000);
    await revertAndCloseAll();
  });

  it('scans the workspace: findings for worker/Dockerfile, a file that was never opened', async function () {
    assert.ok(!isOpen(workerDockerfile), 'worker/Dockerfile is already open: this test must run before anything opens it');
    const ds = await waitForCodes(workerDockerfile, 'worker/Dockerfile (never opened)', ['DF001', 'DF010']);
    assertOurs(find(ds, 'DF001'), 'DF001');
    assertOurs(find(ds, 'DF010'), 'DF010');
    assert.equal(find(ds, 'DF010').range.start.line, 8, 'DF010 points at `USER root` (line 9)');
    assert.ok(!isOpen(workerDockerfile), 'getting diagnostics opened worker/Dockerfile');
  });

  it('reports DF010 and DF001 on api/Dockerfile, with source and docs link', async function () {
    await show(apiDockerfile);
    const ds = await waitForCodes(apiDockerfile, 'api/Dockerfile', ['DF010', 'DF001']);
    const df010 = find(ds, 'DF010');
    const df001 = find(ds, 'DF001');
    assertOurs(df010, 'DF010');
    assertOurs(df001, 'DF001');
    assert.equal(df010.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(df001.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(df001.range.start.line, 0);
    assert.equal(df001.range.start.character, 5, 'DF001 points at the image `node:latest`');
    assert.match(df001.message, /node:latest/);

    // The docs link opens the rule's page (offline: served by the language server).
    const link = docsLink(df010)!;
    if (link.scheme === DOCS_SCHEME) {
      const page = await vscode.workspace.openTextDocument(link);
      assert.match(page.getText(), /^# DF010\b/, `the page behind ${link.toString()} starts with ${JSON.stringify(page.getText().slice(0, 60))}`);
    }
  });

  it('reports DC010 (privileged) and DC040 (inline secrets) on compose.yaml', async function () {
    await show(compose);
    const ds = await waitForCodes(compose, 'compose.yaml', ['DC010', 'DC040', 'DC040']);
    const dc010 = find(ds, 'DC010');
    assertOurs(dc010, 'DC010');
    assert.equal(dc010.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(dc010.range.start.line, 18, 'DC010 points at `privileged: true` (line 19)');
    const secrets = ds.filter((d) => codeOf(d) === 'DC040');
    for (const d of secrets) assertOurs(d, 'DC040');
    assert.deepEqual(secrets.map((d) => d.range.start.line + 1).sort((a, b) => a - b), [11, 22], 'DC040 on JWT_SECRET (line 11) and STRIPE_API_KEY (line 22)');
  });

  it('applies the quick fix "Run as USER 1000" on api/Dockerfile: USER 1000 inserted, DF010 gone', async function () {
    const editor = await show(apiDockerfile);
    const doc = editor.document;
    const before = doc.getText();
    const df010 = find(await waitForCodes(apiDockerfile, 'api/Dockerfile', ['DF010']), 'DF010');

    const actions = await waitFor(
      'a "Run as USER 1000" quick fix from vscode.executeCodeActionProvider on the DF010 range',
      async () => {
        const got = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', apiDockerfile, df010.range, vscode.CodeActionKind.QuickFix.value);
        return got?.some((a) => a.title === 'Run as USER 1000') ? got : undefined;
      },
      { timeout: 15_000 },
    );
    const action = actions.find((a) => a.title === 'Run as USER 1000')!;
    assert.ok(action.kind && vscode.CodeActionKind.QuickFix.contains(action.kind), `kind ${action.kind?.value}`);
    assert.ok(action.isPreferred, 'the safe fix is the preferred one');
    // (vscode.executeCodeActionProvider does not convert the actions' `diagnostics` back: not checked.)
    assert.ok(action.edit, 'the quick fix carries a WorkspaceEdit');
    assert.ok(await vscode.workspace.applyEdit(action.edit), 'workspace.applyEdit refused the edit');

    const eol = doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
    const expected = before.replace(`${eol}CMD npm start`, `${eol}USER 1000${eol}CMD npm start`);
    assert.notEqual(expected, before, 'api/Dockerfile no longer ends with `CMD npm start`');
    assert.equal(doc.getText(), expected, 'USER 1000 is inserted before the CMD');
    assert.ok(doc.isDirty, 'the edit stays unsaved');

    await waitFor(
      'DF010 to disappear from api/Dockerfile after the fix (DF001 staying)',
      () => {
        const ds = ours(apiDockerfile).map(codeOf);
        return !ds.includes('DF010') && ds.includes('DF001');
      },
      { state: () => describeDiagnostics(apiDockerfile) },
    );
    assert.equal(fs.readFileSync(apiDockerfile.fsPath, 'utf8'), diskBefore.get(apiDockerfile.fsPath), 'the file on disk changed');
  });

  it('reverting the unsaved fix brings DF010 back', async function () {
    const editor = await show(apiDockerfile);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await waitFor('api/Dockerfile to be reverted (not dirty)', () => !editor.document.isDirty, { timeout: 10_000 });
    assert.equal(editor.document.getText(), diskBefore.get(apiDockerfile.fsPath));
    await waitForCodes(apiDockerfile, 'api/Dockerfile after revert', ['DF010', 'DF001']);
  });

  it('the Problems panel holds the findings of all three files', async function () {
    // The editor the screenshot shows (squiggles), then everything our server reported.
    await show(apiDockerfile);
    // At least these (rules added later may find more in the examples).
    const expected: [vscode.Uri, string[]][] = [
      [apiDockerfile, ['DF001', 'DF010']],
      [workerDockerfile, ['DF001', 'DF010']],
      [compose, ['DC010', 'DC040', 'DC040']],
    ];
    const withOurs = () =>
      vscode.languages
        .getDiagnostics()
        .map(([uri, ds]) => [uri, ds.filter((d) => d.source === SOURCE).map(codeOf).sort()] as const)
        .filter(([, codes]) => codes.length > 0);
    const summary = () =>
      withOurs()
        .map(([uri, codes]) => `${path.relative(root.fsPath, uri.fsPath)}: ${codes.join(' ')}`)
        .sort()
        .join('; ') || '(none)';
    const all = await waitFor(
      'our diagnostics on api/Dockerfile, worker/Dockerfile and compose.yaml all at once',
      () => {
        const now = withOurs();
        const ok = expected.every(([uri, codes]) => {
          const have = now.find(([u]) => u.toString() === uri.toString())?.[1] ?? [];
          return codes.every((c) => have.filter((h) => h === c).length >= codes.filter((x) => x === c).length);
        });
        return ok ? now : undefined;
      },
      { state: summary },
    );

    // The code-server runner screenshots the Problems panel while the extension host still runs
    // (when the suite ends, the workbench stops it and its diagnostics disappear).
    const handshake = process.env.DG_VSCODE_HANDSHAKE;
    if (!handshake) return;
    this.timeout(90_000);
    const request = path.join(handshake, 'screenshot.request');
    const done = path.join(handshake, 'screenshot.done');
    const markers = all.reduce((n, [, codes]) => n + codes.length, 0);
    const codes = [...new Set(all.flatMap(([, c]) => c))].sort();
    fs.writeFileSync(request, JSON.stringify({ files: all.length, markers, codes, summary: summary() }));
    say('    (waiting for the runner to screenshot the Problems panel)');
    const answer = await waitFor(`the runner's screenshot of the Problems panel (${done})`, () => (fs.existsSync(done) ? fs.readFileSync(done, 'utf8') : undefined), {
      timeout: 75_000,
    });
    if (answer.trim() !== 'ok') throw new Error(`the runner could not take the screenshot: ${answer}`);
  });

  it('leaves the files on disk unchanged', async function () {
    await revertAndCloseAll();
    await waitFor('all editors to close', () => vscode.window.visibleTextEditors.length === 0, { timeout: 10_000, state: () => vscode.window.visibleTextEditors.map((e) => e.document.uri.toString()).join(', ') });
    for (const [p, text] of diskBefore) assert.equal(fs.readFileSync(p, 'utf8'), text, `${p} changed on disk`);
  });
});
