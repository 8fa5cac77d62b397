/**
 * A small LSP client for protocol tests: spawns `node dist/server.js --stdio` and speaks JSON-RPC
 * with it, recording published diagnostics and answering the server's requests
 * (workspace/configuration, window/workDoneProgress/create, client/registerCapability).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { isolatedEnv } from './user-env';
import { createProtocolConnection, ResponseError, StreamMessageReader, StreamMessageWriter, type ProtocolConnection } from 'vscode-languageserver-protocol/node';
import type { CodeAction, Diagnostic, PublishDiagnosticsParams, WorkspaceEdit, TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol';

export const SERVER = path.resolve(__dirname, '../../dist/server.js');

export interface Published {
  uri: string;
  version?: number;
  diagnostics: Diagnostic[];
  at: number;
}

export class TestClient {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly conn: ProtocolConnection;
  readonly published: Published[] = [];
  readonly logs: string[] = [];
  /** What the server showed the user: window/showMessage, and window/showMessageRequest (answered with no action chosen). */
  readonly shown: string[] = [];
  readonly stderr: string[] = [];
  readonly progress: unknown[] = [];
  /** The `dockerGuardrails` settings the client answers workspace/configuration with: one object for every scope, or per scope (the item's scopeUri, e.g. a file's). */
  settings: Record<string, unknown> | ((scopeUri: string | undefined) => Record<string, unknown>) = {};
  private waiters: (() => void)[] = [];
  private versions = new Map<string, number>();

  /** Answer the server's client/registerCapability with an error (a client that refuses dynamic registration). */
  refuseRegistration = false;
  /** The client's `workspace.workspaceEdit` capability sent by initialize (default: documentChanges and create). */
  workspaceEdit: Record<string, unknown> = { documentChanges: true, resourceOperations: ['create'] };
  /** Whether initialize says the client sends workspace/didChangeWorkspaceFolders (LSP workspace.workspaceFolders). */
  workspaceFolderEvents = false;
  /** Whether initialize says the client resolves code actions' edits lazily (textDocument.codeAction.resolveSupport). */
  resolveEdits = false;
  /** Whether the client answers `workspace/configuration` (else it pushes settings with didChangeConfiguration). */
  configurationRequests = true;

  /** `env`: the server's environment, less the user's git state unless it sets its own (isolatedEnv). `uid`: run the server as this user (and group of the same number), e.g. so that a test run as root meets a folder it cannot read. */
  constructor(extraArgs: string[] = [], env: NodeJS.ProcessEnv = process.env, uid?: number) {
    this.proc = spawn(process.execPath, [SERVER, '--stdio', ...extraArgs], { stdio: 'pipe', env: isolatedEnv(env), ...(uid === undefined ? {} : { uid, gid: uid }) });
    this.proc.stderr.on('data', (d: Buffer) => this.stderr.push(d.toString()));
    this.conn = createProtocolConnection(new StreamMessageReader(this.proc.stdout), new StreamMessageWriter(this.proc.stdin));
    this.conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.published.push({ ...p, at: Date.now() });
      this.wake();
    });
    this.conn.onNotification('window/logMessage', (p: { message: string }) => {
      this.logs.push(p.message);
      this.wake();
    });
    this.conn.onNotification('window/showMessage', (p: { message: string }) => {
      this.shown.push(p.message);
      this.wake();
    });
    this.conn.onNotification('$/progress', (p: unknown) => {
      this.progress.push(p);
      this.wake();
    });
    this.conn.onRequest('workspace/configuration', (p: { items: { scopeUri?: string; section?: string }[] }) => p.items.map((item) => (typeof this.settings === 'function' ? this.settings(item.scopeUri) : this.settings)));
    this.conn.onRequest('window/showMessageRequest', (p: { message: string }) => {
      this.shown.push(p.message);
      this.wake();
      return null;
    });
    this.conn.onRequest('window/workDoneProgress/create', () => null);
    this.conn.onRequest('client/registerCapability', () => (this.refuseRegistration ? new ResponseError(-32601, 'registration not supported') : null));
    this.conn.listen();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  async initialize(folders: string[] = [], initializationOptions?: unknown): Promise<void> {
    await this.conn.sendRequest('initialize', {
      processId: process.pid,
      initializationOptions,
      rootUri: folders[0] ? URI.file(folders[0]).toString() : null,
      workspaceFolders: folders.map((f) => ({ uri: URI.file(f).toString(), name: path.basename(f) })),
      capabilities: {
        workspace: { configuration: this.configurationRequests, workspaceEdit: this.workspaceEdit, didChangeWatchedFiles: { dynamicRegistration: true }, ...(this.workspaceFolderEvents ? { workspaceFolders: true } : {}) },
        window: { workDoneProgress: true },
        textDocument: { publishDiagnostics: { versionSupport: true, codeDescriptionSupport: true, dataSupport: true }, codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } }, ...(this.resolveEdits ? { resolveSupport: { properties: ['edit'] }, dataSupport: true } : {}) } },
      },
    });
    await this.conn.sendNotification('initialized', {});
  }

  open(filePath: string, text: string, languageId = ''): string {
    return this.openUri(URI.file(filePath).toString(), text, languageId);
  }

  /** Opens a document by URI (any scheme: `untitled:Untitled-1`); returns the URI. */
  openUri(uri: string, text: string, languageId = ''): string {
    this.versions.set(uri, 1);
    void this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return uri;
  }

  /** Sends a change; returns the new version. */
  change(uri: string, changes: TextDocumentContentChangeEvent[]): number {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    void this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  /**
   * Sends one didChange per change, all in one write to the server's stdin (the server reads them as
   * one chunk, as it does keystrokes that queued up while it was busy); returns the versions sent.
   */
  changesAtOnce(uri: string, changes: TextDocumentContentChangeEvent[][]): number[] {
    const versions: number[] = [];
    let bytes = '';
    for (const contentChanges of changes) {
      const version = (this.versions.get(uri) ?? 1) + 1;
      this.versions.set(uri, version);
      versions.push(version);
      const body = JSON.stringify({ jsonrpc: '2.0', method: 'textDocument/didChange', params: { textDocument: { uri, version }, contentChanges } });
      bytes += `Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`;
    }
    this.proc.stdin.write(bytes);
    return versions;
  }

  close(uri: string): void {
    void this.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** Waits until `pred` holds, re-checking whenever the server sends something. */
  async until<T>(what: string, pred: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = pred();
      if (v) return v;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; stderr: ${this.stderr.join('').slice(-2000)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The latest diagnostics published for a URI (optionally for a given version). */
  latest(uri: string, version?: number): Published | undefined {
    for (let i = this.published.length - 1; i >= 0; i--) {
      const p = this.published[i];
      if (p.uri === uri && (version === undefined || p.version === version)) return p;
    }
    return undefined;
  }

  /** How many times diagnostics were published for a URI so far. */
  publishCount(uri: string): number {
    let n = 0;
    for (const p of this.published) if (p.uri === uri) n++;
    return n;
  }

  diagnostics(uri: string, version?: number, timeoutMs?: number): Promise<Diagnostic[]> {
    return this.until(`diagnostics for ${uri}${version !== undefined ? ` v${version}` : ''}`, () => this.latest(uri, version)?.diagnostics, timeoutMs);
  }

  codeActions(uri: string, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
    const range = diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    return this.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics, only } }) as Promise<CodeAction[]>;
  }

  /** The action as a client applies it: resolved (codeAction/resolve) when it came without its edit and with data to resolve it by. */
  async resolved(action: CodeAction): Promise<CodeAction>;
  async resolved(action: CodeAction | undefined): Promise<CodeAction | undefined>;
  async resolved(action: CodeAction | undefined): Promise<CodeAction | undefined> {
    if (!action || action.edit || action.data === undefined) return action;
    return (await this.conn.sendRequest('codeAction/resolve', action)) as CodeAction;
  }

  async shutdown(): Promise<void> {
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      void this.conn.sendNotification('exit');
    } catch {
      /* already gone */
    }
    await new Promise<void>((resolve) => {
      if (this.proc.exitCode !== null) return resolve();
      const t = setTimeout(() => {
        this.proc.kill('SIGKILL');
        resolve();
      }, 2000);
      this.proc.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
    });
    this.conn.dispose();
  }
}

/**
 * Applies a WorkspaceEdit to in-memory files (uri → text), the way an editor does: CreateFile then
 * edits; every TextDocumentEdit's ranges refer to the text before that edit.
 */
export function applyWorkspaceEdit(files: Map<string, string>, edit: WorkspaceEdit, apply: (text: string, edits: { range: Diagnostic['range']; newText: string }[]) => string): Map<string, string> {
  const out = new Map(files);
  for (const change of edit.documentChanges ?? []) {
    if ('kind' in change) {
      if (change.kind !== 'create') throw new Error(`unexpected resource operation ${change.kind}`);
      if (out.has(change.uri)) throw new Error(`CreateFile of existing ${change.uri}`);
      out.set(change.uri, '');
      continue;
    }
    const text = out.get(change.textDocument.uri);
    if (text === undefined) throw new Error(`edit of unknown document ${change.textDocument.uri}`);
    out.set(change.textDocument.uri, apply(text, change.edits as { range: Diagnostic['range']; newText: string }[]));
  }
  if (edit.changes) for (const [uri, edits] of Object.entries(edit.changes)) out.set(uri, apply(out.get(uri) ?? '', edits));
  return out;
}
