/**
 * The extension in a real VS Code: activation, diagnostics from the workspace scan and from open
 * editors, quick fixes applied through VS Code's own code-action API (one that edits four files),
 * the ignore actions, the offline docs links, cross-file findings, fix-all on save, files changed on
 * disk by another program, and the Problems panel.
 *
 * The workspace is a temporary COPY of examples/ made by the runner. Most edits stay unsaved and are
 * reverted; the tests that save (the multi-file fix, fix-all on save) write the originals back and
 * delete what they created, and the last test checks that the files on disk are unchanged.
 * Everything asynchronous is awaited by polling with a deadline, never by a fixed sleep.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DOCUMENT_SELECTOR } from '../../../client/src/selector';
import { NAME_GLOBS } from '../../../rules/engine/file-names';
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

/**
 * Polls vscode.executeCodeActionProvider on `range` until an action titled `title` is offered; the first `resolve` actions
 * resolved (codeAction/resolve), as VS Code does before it applies one.
 */
async function codeAction(uri: vscode.Uri, label: string, range: vscode.Range, kind: vscode.CodeActionKind, title: string, resolve?: number): Promise<vscode.CodeAction> {
  let titles: string[] = [];
  return waitFor(
    `a code action "${title}" (${kind.value}) from vscode.executeCodeActionProvider on ${label} at ${range.start.line + 1}:${range.start.character + 1}`,
    async () => {
      const got = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range, kind.value, ...(resolve === undefined ? [] : [resolve]))) ?? [];
      titles = got.map((a) => a.title);
      return got.find((a) => a.title === title);
    },
    { timeout: 15_000, state: () => `offered: ${titles.map((t) => JSON.stringify(t)).join(', ') || 'nothing'}` },
  );
}

/** Whether `uri` exists on disk (through VS Code's file system API). */
async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

function readDisk(uri: vscode.Uri): string {
  return fs.readFileSync(uri.fsPath, 'utf8');
}

/** `text` with `edits` (ranges in `text`, none overlapping) applied, the way VS Code would. */
function applyTextEdits(text: string, edits: readonly vscode.TextEdit[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const offset = (p: vscode.Position) => Math.min(text.length, (lineStarts[p.line] ?? text.length) + p.character);
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  for (const e of sorted) text = text.slice(0, offset(e.range.start)) + e.newText + text.slice(offset(e.range.end));
  return text;
}

/** Closes the text editor tabs showing `uris`. */
async function closeTabsOf(uris: vscode.Uri[]): Promise<void> {
  const wanted = new Set(uris.map((u) => u.toString()));
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputText && wanted.has(t.input.uri.toString()));
  if (tabs.length) await vscode.window.tabGroups.close(tabs);
}

/** Reverts the unsaved changes of `uri` (shows it, then File: Revert) and waits until it is clean. */
async function revert(uri: vscode.Uri, label: string): Promise<void> {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (!doc || !doc.isDirty) return;
  await vscode.window.showTextDocument(doc, { preview: false });
  await vscode.commands.executeCommand('workbench.action.files.revert');
  await waitFor(`${label} to be reverted (not dirty)`, () => !doc.isDirty, { timeout: 10_000 });
}

/** Our diagnostics of a compose file with `code` for service `service` (the message names it). */
function forService(uri: vscode.Uri, code: string, service: string): vscode.Diagnostic[] {
  return ours(uri).filter((d) => codeOf(d) === code && d.message.includes(`'${service}'`));
}

// ---- the suite -------------------------------------------------------------------------------------

describe('Docker Guardrails in a real VS Code', function () {
  let root: vscode.Uri;
  let apiDockerfile: vscode.Uri;
  let workerDockerfile: vscode.Uri;
  let compose: vscode.Uri;
  let dotenv: vscode.Uri;
  /** Files the fixes create (.gitignore, .env.example) or a test writes: absent at the start and at the end. */
  let created: vscode.Uri[];
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
    dotenv = vscode.Uri.joinPath(root, '.env');
    created = ['.gitignore', '.env.example', '.vscode', 'web', 'stack', 'pg', 'sec', 'sec2', 'names'].map((p) => vscode.Uri.joinPath(root, p));
    for (const uri of created) assert.ok(!fs.existsSync(uri.fsPath), `${uri.fsPath} exists in the workspace copy: the tests that create it expect it absent`);
    for (const uri of [apiDockerfile, workerDockerfile, compose, dotenv]) {
      assert.ok(fs.existsSync(uri.fsPath), `missing ${uri.fsPath} in the workspace copy`);
      diskBefore.set(uri.fsPath, fs.readFileSync(uri.fsPath, 'utf8'));
    }

    // Activation comes from the workspace (a workspaceContains: glob of package.json matches api/Dockerfile), not from the suite.
    await waitFor(`${EXTENSION_ID} to activate on its own (workspaceContains: api/Dockerfile)`, () => ext.isActive, {
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
    // USER 1000 may stop the process at run time (low ports, root-owned paths): a quick fix, not a safe one.
    assert.ok(!action.isPreferred, 'a fix that is not safe is not marked preferred');
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

  // ---- after the screenshot: docs links, ignore comments, cross-file findings, fixes that save ----

  it('the docs link of a finding opens the rule page offline; "Show documentation for DC040" opens its preview', async function () {
    try {
      await show(apiDockerfile);
      const df010 = find(await waitForCodes(apiDockerfile, 'api/Dockerfile', ['DF010']), 'DF010');
      const target = docsLink(df010);
      assert.ok(target, 'DF010: code.target is not set');
      // Offline: the client rewrites the server's https link to the page the language server serves.
      assert.equal(target.scheme, DOCS_SCHEME, `DF010's docs link ${target.toString()} is not the offline page`);
      await vscode.commands.executeCommand('vscode.open', target);
      const opened = await waitFor(
        `an editor showing ${target.toString()} after vscode.open`,
        () => {
          const e = vscode.window.activeTextEditor;
          return e && e.document.uri.toString() === target.toString() ? e.document : undefined;
        },
        { timeout: 15_000, state: () => `active editor: ${vscode.window.activeTextEditor?.document.uri.toString() ?? 'none'}` },
      );
      await waitFor(`the text of ${target.toString()} to be DF010's page (# DF010 runs-as-root)`, () => opened.getText().startsWith('# DF010 runs-as-root\n'), {
        timeout: 10_000,
        state: () => JSON.stringify(opened.getText().slice(0, 80)),
      });

      // The menu entry of a finding runs dockerGuardrails.showRuleDocs, which opens a Markdown preview.
      await show(compose);
      const dc040 = find(await waitForCodes(compose, 'compose.yaml', ['DC040']), 'DC040');
      const action = await codeAction(compose, 'compose.yaml (DC040)', dc040.range, vscode.CodeActionKind.QuickFix, 'Show documentation for DC040');
      assert.equal(action.command?.command, 'dockerGuardrails.showRuleDocs', 'the action runs dockerGuardrails.showRuleDocs');
      assert.deepEqual(action.command?.arguments, ['DC040']);
      await vscode.commands.executeCommand('dockerGuardrails.showRuleDocs', 'DC040');
      const page = vscode.Uri.from({ scheme: DOCS_SCHEME, path: '/DC040.md' });
      const previewTab = () =>
        vscode.window.tabGroups.all
          .flatMap((g) => g.tabs)
          .find((t) => t.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(t.input.viewType) && t.label.includes('DC040'));
      await waitFor('a Markdown preview tab of DC040.md, and its text document docker-guardrails-docs:/DC040.md holding "# DC040 secret-inline"', () => {
        const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === page.toString());
        return !!previewTab() && !!doc && doc.getText().startsWith('# DC040 secret-inline\n');
      }, {
        timeout: 20_000,
        state: () =>
          `tabs: ${vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => `${t.label} (${t.input instanceof vscode.TabInputWebview ? t.input.viewType : t.input instanceof vscode.TabInputText ? t.input.uri.toString() : '?'})`).join(', ')}`,
      });
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  it('"Ignore DF001 for this line" inserts the comment above FROM, and DF001 disappears', async function () {
    const editor = await show(apiDockerfile);
    const doc = editor.document;
    try {
      const before = doc.getText();
      const df001 = find(await waitForCodes(apiDockerfile, 'api/Dockerfile', ['DF001', 'DF010']), 'DF001');
      const action = await codeAction(apiDockerfile, 'api/Dockerfile (DF001)', df001.range, vscode.CodeActionKind.QuickFix, 'Ignore DF001 for this line');
      assert.ok(action.edit, '"Ignore DF001 for this line" carries no WorkspaceEdit');
      assert.ok(await vscode.workspace.applyEdit(action.edit), 'workspace.applyEdit refused the edit');
      const eol = doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
      assert.equal(doc.getText(), `# docker-guardrails-ignore DF001${eol}${before}`, 'the ignore comment is the new first line, above FROM');
      await waitFor(
        'DF001 to disappear from api/Dockerfile after the ignore comment (DF010 staying, no DG001 "unused ignore")',
        () => {
          const codes = ours(apiDockerfile).map(codeOf);
          return !codes.includes('DF001') && codes.includes('DF010') && !codes.includes('DG001');
        },
        { state: () => describeDiagnostics(apiDockerfile) },
      );
    } finally {
      await revert(apiDockerfile, 'api/Dockerfile');
    }
    await waitForCodes(apiDockerfile, 'api/Dockerfile after revert', ['DF001', 'DF010']);
  });

  it("cross-file: USER 1000 typed into api/Dockerfile clears compose.yaml's DC011 for service 'api' (builds ./api)", async function () {
    await show(compose);
    await waitFor(`DC011 for services 'api' and 'worker' on compose.yaml`, () => forService(compose, 'DC011', 'api').length > 0 && forService(compose, 'DC011', 'worker').length > 0, {
      state: () => describeDiagnostics(compose),
    });
    const editor = await show(apiDockerfile);
    const doc = editor.document;
    try {
      const cmd = doc.getText().split(/\r?\n/).findIndex((l) => l.startsWith('CMD '));
      assert.ok(cmd > 0, 'api/Dockerfile has no CMD line');
      const eol = doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
      const edit = new vscode.WorkspaceEdit();
      edit.insert(apiDockerfile, new vscode.Position(cmd, 0), `USER 1000${eol}`);
      assert.ok(await vscode.workspace.applyEdit(edit), 'workspace.applyEdit refused the edit');
      assert.ok(doc.isDirty, 'the edit stays unsaved');
      await waitFor(
        "compose.yaml's DC011 for service 'api' to disappear after the unsaved USER 1000 in api/Dockerfile (compose.yaml not reopened; DC011 for 'worker' staying)",
        () => forService(compose, 'DC011', 'api').length === 0 && forService(compose, 'DC011', 'worker').length > 0,
        { state: () => describeDiagnostics(compose) },
      );
      await waitFor('DF010 to disappear from the edited api/Dockerfile', () => !ours(apiDockerfile).map(codeOf).includes('DF010'), { state: () => describeDiagnostics(apiDockerfile) });
    } finally {
      await revert(apiDockerfile, 'api/Dockerfile');
    }
    await waitFor("compose.yaml's DC011 for service 'api' to come back after reverting api/Dockerfile", () => forService(compose, 'DC011', 'api').length > 0, {
      state: () => describeDiagnostics(compose),
    });
  });

  it('"Move JWT_SECRET to .env" edits compose.yaml and .env and creates .gitignore and .env.example', async function () {
    const gitignore = vscode.Uri.joinPath(root, '.gitignore');
    const example = vscode.Uri.joinPath(root, '.env.example');
    const composeBefore = diskBefore.get(compose.fsPath)!;
    const dotenvBefore = diskBefore.get(dotenv.fsPath)!;
    const jwt = (ds: vscode.Diagnostic[]) => ds.filter((d) => codeOf(d) === 'DC040' && d.message.includes('JWT_SECRET'));
    await show(compose);
    try {
      const ds = await waitForCodes(compose, 'compose.yaml', ['DC040', 'DC040', 'DR001', 'DR002']);
      const dc040 = jwt(ds)[0];
      assert.ok(dc040, `no DC040 naming JWT_SECRET among ${describeDiagnostics(compose)}`);
      const action = await codeAction(compose, 'compose.yaml (DC040 JWT_SECRET)', dc040.range, vscode.CodeActionKind.QuickFix, 'Move JWT_SECRET to .env');
      // The .env exists and git does not ignore it yet: it may be committed, so the move is a quick fix, not preferred (not in fix-all).
      assert.ok(!action.isPreferred, 'a move into a .env that git does not ignore is not the preferred fix');
      assert.ok(action.edit, '"Move JWT_SECRET to .env" carries no WorkspaceEdit');
      const touched = action.edit.entries().map(([u]) => path.relative(root.fsPath, u.fsPath)).sort();
      assert.deepEqual([...new Set(touched)], ['.env', '.env.example', '.gitignore', 'compose.yaml'], 'the files the edit touches');
      assert.ok(await vscode.workspace.applyEdit(action.edit), 'workspace.applyEdit refused the edit');

      // In the editor (unsaved): every file changed as described.
      const docOf = (uri: vscode.Uri) => vscode.workspace.openTextDocument(uri);
      const composeDoc = await docOf(compose);
      assert.match(composeDoc.getText(), /^ {6}JWT_SECRET: \$\{JWT_SECRET\}$/m, 'compose.yaml: JWT_SECRET: ${JWT_SECRET}');
      assert.ok(!composeDoc.getText().includes('please-change-me'), 'compose.yaml still holds the secret');
      assert.equal((await docOf(dotenv)).getText(), `${dotenvBefore}JWT_SECRET=please-change-me-0123456789\n`, '.env: the old line, then JWT_SECRET=…');
      assert.match((await docOf(gitignore)).getText(), /^\.env$/m, '.gitignore ignores .env');
      assert.match((await docOf(example)).getText(), /^JWT_SECRET=$/m, '.env.example lists JWT_SECRET=');
      await waitFor(
        "the DC040 finding for JWT_SECRET to disappear from the edited compose.yaml (STRIPE_API_KEY's staying)",
        () => {
          const now = ours(compose);
          return jwt(now).length === 0 && now.some((d) => codeOf(d) === 'DC040' && d.message.includes('STRIPE_API_KEY'));
        },
        { state: () => describeDiagnostics(compose) },
      );

      // Saved: the files on disk, and the findings that depend on .gitignore and .env.example.
      for (const uri of [compose, dotenv, gitignore, example]) {
        const doc = await docOf(uri);
        assert.ok(await doc.save(), `saving ${path.relative(root.fsPath, uri.fsPath)} failed`);
        assert.equal(readDisk(uri), doc.getText(), `${path.relative(root.fsPath, uri.fsPath)} on disk after the save`);
      }
      await waitFor(
        'DR001 (.env not git-ignored) and DR002 (no .env.example) to disappear from compose.yaml once .gitignore and .env.example are saved',
        () => {
          const codes = ours(compose).map(codeOf);
          return !codes.includes('DR001') && !codes.includes('DR002') && codes.includes('DC010');
        },
        { state: () => describeDiagnostics(compose) },
      );
    } finally {
      // Back to the original workspace: unsaved changes dropped, originals written, created files deleted.
      for (const uri of [compose, dotenv, gitignore, example]) await revert(uri, path.relative(root.fsPath, uri.fsPath));
      await closeTabsOf([dotenv, gitignore, example]);
      await vscode.workspace.fs.writeFile(compose, Buffer.from(composeBefore));
      await vscode.workspace.fs.writeFile(dotenv, Buffer.from(dotenvBefore));
      for (const uri of [gitignore, example]) if (await exists(uri)) await vscode.workspace.fs.delete(uri);
    }
    const composeDoc = await vscode.workspace.openTextDocument(compose);
    await waitFor('the open compose.yaml to reload the original text from disk', () => composeDoc.getText() === composeBefore && !composeDoc.isDirty, { timeout: 15_000 });
    await waitForCodes(compose, 'compose.yaml after restoring the workspace (both DC040, DR001, DR002 back)', ['DC040', 'DC040', 'DR001', 'DR002']);
  });

  it('fix-all: source.fixAll.docker-guardrails through executeCodeActionProvider, and on save (editor.codeActionsOnSave)', async function () {
    const web = vscode.Uri.joinPath(root, 'web');
    const dockerfile = vscode.Uri.joinPath(web, 'Dockerfile');
    const original = 'FROM node:24\nADD server.js /app/\nCMD ["node", "/app/server.js"]\n';
    // Only safe fixes: ADD → COPY. DF010's USER 1000 is a quick fix only (it may stop the process at run time).
    const fixed = /^FROM node:24\nCOPY server\.js \/app\/\nCMD \["node", "\/app\/server\.js"\]\n$/;
    const editorConfig = () => vscode.workspace.getConfiguration('editor', root);
    const previous = editorConfig().inspect('codeActionsOnSave')?.workspaceValue;
    const onSave = { 'source.fixAll.docker-guardrails': 'explicit' };
    try {
      await vscode.workspace.fs.writeFile(dockerfile, Buffer.from(original));
      const editor = await show(dockerfile);
      const doc = editor.document;
      assert.equal(doc.languageId, 'dockerfile', 'web/Dockerfile language');
      await waitForCodes(dockerfile, 'web/Dockerfile (new)', ['DF010', 'DF015', 'DF044']);

      // The source action, as Source Action… and the on-save participant ask for it: its edit comes with codeAction/resolve,
      // which VS Code asks for before it applies the action (editor/contrib/codeAction's applyCodeAction), on save too.
      const all = await codeAction(dockerfile, 'web/Dockerfile', new vscode.Range(0, 0, doc.lineCount, 0), vscode.CodeActionKind.SourceFixAll.append('docker-guardrails'), 'Fix all Docker Guardrails findings', 10);
      assert.equal(all.kind?.value, 'source.fixAll.docker-guardrails');
      assert.ok(all.edit, 'the fix-all action carries no WorkspaceEdit');
      assert.deepEqual(all.edit.entries().map(([u]) => u.toString()), [dockerfile.toString()], 'the fix-all edit touches web/Dockerfile only');
      const byAction = applyTextEdits(original, all.edit.get(dockerfile));
      assert.match(byAction, fixed, 'the fix-all edit uses COPY (and adds no USER)');

      // On save: the workspace setting, then an explicit save.
      await editorConfig().update('codeActionsOnSave', onSave, vscode.ConfigurationTarget.Workspace);
      await waitFor('editor.codeActionsOnSave to read back as { "source.fixAll.docker-guardrails": "explicit" }', () => JSON.stringify(editorConfig().get('codeActionsOnSave')) === JSON.stringify(onSave), {
        timeout: 10_000,
        state: () => JSON.stringify(editorConfig().get('codeActionsOnSave')),
      });
      assert.ok(!doc.isDirty, 'web/Dockerfile is dirty before the save');
      // VS Code gives on-save participants a time budget and skips those that exceed it; on a loaded
      // machine the first save can miss it, so save again (as a user would) before judging.
      for (let attempt = 0; attempt < 3 && !fixed.test(readDisk(dockerfile)); attempt++) {
        await vscode.window.showTextDocument(doc);
        await vscode.commands.executeCommand('workbench.action.files.save');
        await waitFor('the save to apply the fixes', () => fixed.test(readDisk(dockerfile)), { timeout: 6_000, state: () => readDisk(dockerfile) }).catch(() => undefined);
      }
      await waitFor('web/Dockerfile on disk to hold the safe fix (COPY) after the save', () => fixed.test(readDisk(dockerfile)), {
        timeout: 15_000,
        state: () => `disk: ${JSON.stringify(readDisk(dockerfile))}, editor: ${JSON.stringify(doc.getText())} (dirty: ${doc.isDirty})`,
      });
      assert.equal(readDisk(dockerfile), byAction, 'the save applied what the fix-all action offers');
      assert.equal(doc.getText(), readDisk(dockerfile), 'the editor shows the saved text');
      assert.ok(!doc.isDirty, 'web/Dockerfile is dirty after the save');
      await waitFor(
        'DF015 to disappear from the saved web/Dockerfile (DF010 and DF044, which have no safe fix, staying)',
        () => {
          const codes = ours(dockerfile).map(codeOf);
          return !codes.includes('DF015') && codes.includes('DF010') && codes.includes('DF044');
        },
        { state: () => describeDiagnostics(dockerfile) },
      );
    } finally {
      await editorConfig().update('codeActionsOnSave', previous, vscode.ConfigurationTarget.Workspace);
      await revert(dockerfile, 'web/Dockerfile');
      await closeTabsOf([dockerfile]);
      if (await exists(web)) await vscode.workspace.fs.delete(web, { recursive: true });
      // The workspace setting left .vscode/settings.json behind (the copy had no .vscode/).
      const dotVscode = vscode.Uri.joinPath(root, '.vscode');
      if (previous === undefined && (await exists(dotVscode))) await vscode.workspace.fs.delete(dotVscode, { recursive: true });
    }
    assert.equal(JSON.stringify(editorConfig().inspect('codeActionsOnSave')?.workspaceValue), JSON.stringify(previous), 'editor.codeActionsOnSave restored');
  });

  it('include: a YAML file that a compose file includes is checked whatever its name, on disk and open; deleting its folder clears it', async function () {
    const stack = vscode.Uri.joinPath(root, 'stack');
    const database = vscode.Uri.joinPath(stack, 'db', 'database.yml');
    const stackCompose = vscode.Uri.joinPath(stack, 'compose.yaml');
    const enc = new TextEncoder();
    const write = async () => {
      await vscode.workspace.fs.writeFile(database, enc.encode('services:\n  db:\n    image: postgres:17.2\n    privileged: true\n'));
      await vscode.workspace.fs.writeFile(stackCompose, enc.encode('include:\n  - db/database.yml\nservices:\n  web:\n    image: nginx:1.27\n'));
    };
    try {
      // Written on disk, never opened: the file watcher (every *.yml/*.yaml) and the server's include lookup find it.
      await write();
      const ds = await waitForCodes(database, 'stack/db/database.yml (included, never opened)', ['DC010']);
      assert.equal(find(ds, 'DC010').range.start.line, 3, 'DC010 points at `privileged: true`');
      // VS Code reports a deleted folder as the folder alone: the findings of the files below it go too.
      await vscode.workspace.fs.delete(stack, { recursive: true });
      await waitFor('the included file in the deleted folder to lose its findings', () => ours(database).length === 0, { state: () => describeDiagnostics(database) });
      // Opened: VS Code calls it plain YAML; the client still hands it to the server, which knows it is included.
      // Written again and opened at once: the editor may open it before the watcher reports the files.
      await write();
      const editor = await show(database);
      assert.equal(editor.document.languageId, 'yaml');
      await waitForCodes(database, 'stack/db/database.yml (open)', ['DC010']);
    } finally {
      await closeTabsOf([database]);
      if (await exists(stack)) await vscode.workspace.fs.delete(stack, { recursive: true });
    }
  });

  it('an env_file of any name changed on disk (not in an editor) re-analyzes the compose file that reads it', async function () {
    const pg = vscode.Uri.joinPath(root, 'pg');
    const pgCompose = vscode.Uri.joinPath(pg, 'compose.yaml');
    const dbEnv = vscode.Uri.joinPath(pg, 'db.env');
    const codes = () => ours(pgCompose).map(codeOf);
    try {
      fs.mkdirSync(path.dirname(dbEnv.fsPath), { recursive: true });
      fs.writeFileSync(dbEnv.fsPath, 'POSTGRES_HOST_AUTH_METHOD=md5\n');
      fs.writeFileSync(pgCompose.fsPath, 'services:\n  db:\n    image: postgres:16.6-alpine\n    env_file:\n      - db.env\n');
      await waitForCodes(pgCompose, 'pg/compose.yaml (md5 in its env_file, never opened)', ['DC050']);
      // Written by another program: VS Code may report the new folder alone, and the server looks inside it.
      // (One level only: a change in a folder created in the same instant as its parent can escape VS Code's
      // own watcher, which would then miss it for the editor too.)
      // The client watches every file: a change to db.env reaches the server, which re-analyzes its readers.
      fs.writeFileSync(dbEnv.fsPath, 'POSTGRES_HOST_AUTH_METHOD=scram-sha-256\n');
      await waitFor('DC050 to go once the env_file says scram-sha-256', () => !codes().includes('DC050'), { state: () => describeDiagnostics(pgCompose) });
    } finally {
      if (await exists(pg)) await vscode.workspace.fs.delete(pg, { recursive: true });
    }
  });

  it('a quick fix that creates .env leaves it readable by its owner only (0600), as check --fix does (review 40a item 9)', async function () {
    if (process.platform === 'win32') this.skip();
    const sec = vscode.Uri.joinPath(root, 'sec');
    const secCompose = vscode.Uri.joinPath(sec, 'compose.yaml');
    const secEnv = vscode.Uri.joinPath(sec, '.env');
    const others = ['.gitignore', '.env.example'].map((n) => vscode.Uri.joinPath(sec, n));
    try {
      fs.mkdirSync(sec.fsPath, { recursive: true });
      fs.writeFileSync(secCompose.fsPath, 'services:\n  app:\n    image: ghcr.io/acme/app:1.0.0\n    environment:\n      API_TOKEN: Lk40_vscode_tok_9x\n');
      await show(secCompose);
      const ds = await waitForCodes(secCompose, 'sec/compose.yaml', ['DC040']);
      const action = await codeAction(secCompose, 'sec/compose.yaml (DC040 API_TOKEN)', find(ds, 'DC040').range, vscode.CodeActionKind.QuickFix, 'Move API_TOKEN to .env');
      assert.ok(action.edit, 'the move carries a WorkspaceEdit');
      assert.ok(action.command, 'the move carries the command that restricts the .env it creates');
      assert.deepEqual(action.command.arguments, [[secEnv.toString()]], 'the command lists the created .env, and only it');
      // As VS Code does when the action is picked: the edit, then the command.
      assert.ok(await vscode.workspace.applyEdit(action.edit), 'workspace.applyEdit refused the edit');
      await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
      assert.equal(fs.statSync(secEnv.fsPath).mode & 0o777, 0o600, 'the created .env is 0600 once the action ran');
      const envDoc = await vscode.workspace.openTextDocument(secEnv);
      assert.ok(await envDoc.save() || !envDoc.isDirty, 'saving .env failed');
      assert.equal(readDisk(secEnv), 'API_TOKEN=Lk40_vscode_tok_9x\n', '.env on disk after the save');
      assert.equal(fs.statSync(secEnv.fsPath).mode & 0o777, 0o600, 'the saved .env keeps 0600');
      // Not a secret file: created with the umask's mode.
      for (const uri of others) if (fs.existsSync(uri.fsPath)) assert.notEqual(fs.statSync(uri.fsPath).mode & 0o077, 0, `${path.basename(uri.fsPath)} is not restricted`);
    } finally {
      for (const uri of [secCompose, secEnv, ...others]) await revert(uri, path.relative(root.fsPath, uri.fsPath));
      await closeTabsOf([secCompose, secEnv, ...others]);
      if (await exists(sec)) await vscode.workspace.fs.delete(sec, { recursive: true });
    }
  });

  it('"Fix all DC040 in this file", resolved lazily, leaves the .env it creates readable by its owner only (review 41b, item 6)', async function () {
    if (process.platform === 'win32') this.skip();
    const sec = vscode.Uri.joinPath(root, 'sec2');
    const secCompose = vscode.Uri.joinPath(sec, 'compose.yaml');
    const secEnv = vscode.Uri.joinPath(sec, '.env');
    const others = ['.gitignore', '.env.example'].map((n) => vscode.Uri.joinPath(sec, n));
    try {
      fs.mkdirSync(sec.fsPath, { recursive: true });
      // The worker reads ${API_TOKEN}: "Move all 2 inline secrets…" leaves the app's API_TOKEN (review 45a, item 3), which
      // keeps "Fix all DC040 in this file" in the menu beside it (review 43b, item 9; a silenced secret no longer makes the
      // difference: no bulk fix moves it, cli44 item 1; nor a name an earlier secret takes with another value, 45a item 3).
      fs.writeFileSync(secCompose.fsPath, 'services:\n  app:\n    image: ghcr.io/acme/app:1.0.0\n    environment:\n      API_TOKEN: Lk41_vscode_tok_9x\n      JWT_SECRET: Lk41_vscode_jwt_9x\n  db:\n    image: postgres:17.2\n    environment:\n      POSTGRES_PASSWORD: Lk42_vscode_pgp_9x\n  worker:\n    image: ghcr.io/acme/app:1.0.0\n    environment:\n      OTHER: ${API_TOKEN}\n');
      await show(secCompose);
      const ds = await waitForCodes(secCompose, 'sec2/compose.yaml', ['DC040']);
      const range = find(ds, 'DC040').range;
      const title = 'Fix all DC040 in this file';
      // As the light bulb does when the action is picked: resolved (its edit filled in), then the edit, then the command.
      const action = await waitFor(`"${title}" resolved`, async () => {
        const got = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', secCompose, range, vscode.CodeActionKind.QuickFix.value, 50)) ?? [];
        return got.find((a) => a.title === title && a.edit);
      }, { timeout: 15_000 });
      assert.ok(action.command, 'the action carries the command that restricts the .env it creates');
      assert.ok(await vscode.workspace.applyEdit(action.edit!), 'workspace.applyEdit refused the edit');
      await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
      assert.equal(fs.statSync(secEnv.fsPath).mode & 0o777, 0o600, 'the created .env is 0600 once the action ran');
      // Every inline secret of the file that a move can take moved, in one edit (review 42c, item 5: one of them did).
      const composeText = vscode.workspace.textDocuments.find((d) => d.uri.toString() === secCompose.toString())!.getText();
      for (const key of ['API_TOKEN', 'JWT_SECRET', 'POSTGRES_PASSWORD']) assert.ok(composeText.includes(`${key}: \${${key}}`), `${key} moved: ${composeText}`);
      assert.ok(composeText.includes('OTHER: ${API_TOKEN}'), `the worker's reference stays: ${composeText}`);
      const envText = vscode.workspace.textDocuments.find((d) => d.uri.toString() === secEnv.toString())?.getText() ?? readDisk(secEnv);
      assert.equal(envText, 'API_TOKEN=Lk41_vscode_tok_9x\nJWT_SECRET=Lk41_vscode_jwt_9x\nPOSTGRES_PASSWORD=Lk42_vscode_pgp_9x\n', '.env holds the three secrets');
    } finally {
      for (const uri of [secCompose, secEnv, ...others]) await revert(uri, path.relative(root.fsPath, uri.fsPath));
      await closeTabsOf([secCompose, secEnv, ...others]);
      if (await exists(sec)) await vscode.workspace.fs.delete(sec, { recursive: true });
    }
  });

  it('files named like Dockerfile-dev, app.compose.yaml or my-compose.yml are sent to the server as they are typed, and the activation globs find them (review 42c, items 1-2)', async function () {
    const dir = vscode.Uri.joinPath(root, 'names');
    const files = {
      'Dockerfile-dev': 'FROM node:24-alpine\nUSER node\nCMD ["node", "server.js"]\n',
      'app.compose.yaml': 'services:\n  web:\n    image: nginx:1.27.3\n',
      'my-compose.yml': 'services:\n  web:\n    image: nginx:1.27.3\n',
    };
    const uris = Object.keys(files).map((n) => vscode.Uri.joinPath(dir, n));
    // The web workbench (code-server) saves edits after a second by default: the edit below must stay unsaved, so that
    // its finding can only come from the open document (a file the client does not send is analyzed once saved). And
    // VS Code guesses a language from the text of a file shown in an editor (`dockerfile` for Dockerfile-dev here), which
    // a user may turn off: the file must reach the server by its name.
    const settings: [section: string, key: string, value: unknown][] = [['files', 'autoSave', 'off'], ['workbench.editor', 'languageDetection', false]];
    const previous = settings.map(([section, key]) => vscode.workspace.getConfiguration(section).inspect(key)?.globalValue);
    try {
      for (const [section, key, value] of settings) {
        await vscode.workspace.getConfiguration(section).update(key, value, vscode.ConfigurationTarget.Global);
        await waitFor(`${section}.${key} to read back as ${String(value)}`, () => vscode.workspace.getConfiguration(section).get(key) === value, { timeout: 10_000 });
      }
      fs.mkdirSync(dir.fsPath, { recursive: true });
      for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir.fsPath, name), text);
      // The search that workspaceContains activation runs (VS Code's file search) finds each file with the globs of package.json.
      const pkg = JSON.parse(fs.readFileSync(path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'package.json'), 'utf8')) as { activationEvents: string[] };
      const globs = pkg.activationEvents.filter((e) => e.startsWith('workspaceContains:')).map((e) => e.slice('workspaceContains:'.length));
      assert.deepEqual(globs, [...NAME_GLOBS]);
      for (const uri of uris) {
        const found = await waitFor(`an activation glob to find ${path.basename(uri.fsPath)} (workspace.findFiles)`, async () => {
          for (const g of globs) if ((await vscode.workspace.findFiles(g, undefined, 100)).some((f) => f.toString() === uri.toString())) return g;
          return undefined;
        }, { timeout: 10_000 });
        assert.ok(found);
      }
      for (const uri of uris) {
        const doc = await vscode.workspace.openTextDocument(uri);
        assert.ok(vscode.languages.match(DOCUMENT_SELECTOR, doc) > 0, `${path.basename(uri.fsPath)} (language ${doc.languageId}) matches the client's document selector`);
      }
      // Typed, not saved: the finding comes from the open document's analysis.
      const editor = await show(uris[0]);
      assert.ok(await editor.edit((b) => b.insert(new vscode.Position(2, 0), 'USER root\n')), 'the edit was refused');
      const df010 = find(await waitForCodes(uris[0], 'names/Dockerfile-dev (unsaved USER root)', ['DF010']), 'DF010');
      assert.equal(df010.range.start.line, 2, 'reported on the typed line');
      assert.equal(readDisk(uris[0]), files['Dockerfile-dev'], 'the file on disk is unchanged');
    } finally {
      for (const uri of uris) await revert(uri, path.relative(root.fsPath, uri.fsPath));
      await closeTabsOf(uris);
      if (await exists(dir)) await vscode.workspace.fs.delete(dir, { recursive: true });
      for (const [i, [section, key]] of settings.entries()) await vscode.workspace.getConfiguration(section).update(key, previous[i], vscode.ConfigurationTarget.Global);
    }
  });

  it('the hover of a finding links the rule page bundled with the extension: its link runs "Show documentation" (review 42c, item 8)', async function () {
    try {
      await show(apiDockerfile);
      const df010 = find(await waitForCodes(apiDockerfile, 'api/Dockerfile', ['DF010']), 'DF010');
      const ourHover = await waitFor('our hover on DF010', async () => {
        const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', apiDockerfile, df010.range.start)) ?? [];
        for (const h of hovers) for (const c of h.contents) if (c instanceof vscode.MarkdownString && c.value.includes('DF010 runs-as-root')) return c;
        return undefined;
      }, { timeout: 15_000 });
      assert.ok(!ourHover.value.includes('github.com/docker-guardrails'), `the online link is replaced: ${ourHover.value}`);
      const link = /\[Documentation\]\(command:([\w.]+)\?([^)]+)\)/.exec(ourHover.value);
      assert.ok(link, `a command link: ${ourHover.value}`);
      assert.equal(link[1], 'dockerGuardrails.showRuleDocs');
      const args = JSON.parse(decodeURIComponent(link[2])) as unknown[];
      assert.deepEqual(args, ['DF010']);
      // What a click runs: the page's Markdown preview.
      await vscode.commands.executeCommand(link[1], ...args);
      const page = vscode.Uri.from({ scheme: DOCS_SCHEME, path: '/DF010.md' });
      await waitFor('a Markdown preview of DF010.md', () => {
        const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(t.input.viewType) && t.label.includes('DF010'));
        const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === page.toString());
        return !!tab && !!doc && doc.getText().startsWith('# DF010 runs-as-root\n');
      }, { timeout: 20_000 });
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  it('leaves the files on disk unchanged', async function () {
    await revertAndCloseAll();
    await waitFor('all editors to close', () => vscode.window.visibleTextEditors.length === 0, { timeout: 10_000, state: () => vscode.window.visibleTextEditors.map((e) => e.document.uri.toString()).join(', ') });
    for (const [p, text] of diskBefore) assert.equal(fs.readFileSync(p, 'utf8'), text, `${p} changed on disk`);
    for (const uri of created) assert.ok(!fs.existsSync(uri.fsPath), `${uri.fsPath} is left behind`);
  });
});
