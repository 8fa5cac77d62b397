/**
 * The Docker Guardrails extension: a thin client that starts the language server (dist/server.js)
 * over IPC and tells it about Dockerfiles, compose files and the files their findings depend on.
 * It imports nothing from the rule engine but the file names it recognizes (selector.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { commands, EventEmitter, Hover, languages, MarkdownString, Uri, window, workspace, type ExtensionContext, type TextDocument, type TextDocumentContentProvider, type WorkspaceFolder } from 'vscode';
import { DidChangeWatchedFilesNotification, FileChangeType, LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { offlineDocsLinks, SHOW_DOCS_COMMAND } from './docs-links';
import { DOCUMENT_SELECTOR } from './selector';

let client: LanguageClient | undefined;

/**
 * Files watched on disk: every file. Besides the analyzed files, findings depend on files of any name
 * (an `env_file:`, a mounted `redis.conf`, a secret's file, a `<name>.dockerignore`; the server
 * re-analyzes the files whose analysis read the one that changed), and a deleted folder is reported
 * as the folder alone, which no file pattern matches (microsoft/vscode#90746). VS Code's
 * `files.watcherExclude` still applies.
 */
const WATCHED = '**/*';

export async function activate(context: ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    synchronize: {
      fileEvents: [
        workspace.createFileSystemWatcher(WATCHED),
      ],
    },
    diagnosticCollectionName: 'docker-guardrails',
    // Registry lookups (opt-in) are never made in a restricted (untrusted) workspace: the server is told.
    initializationOptions: { workspaceTrusted: workspace.isTrusted },
    middleware: {
      // The server links each code to the online docs page; in the editor the link opens the page
      // bundled with the extension instead, so it works offline (and in restricted networks).
      handleDiagnostics(uri, diagnostics, next) {
        for (const d of diagnostics) {
          const code = typeof d.code === 'object' ? d.code.value : d.code;
          if (d.source === 'docker-guardrails' && typeof code === 'string') d.code = { value: code, target: docsUri(code) };
        }
        next(uri, diagnostics);
      },
      // The hover's "Documentation" link likewise runs "Show documentation for CODE" (review 42c, item 8).
      async provideHover(document, position, token, next) {
        const hover = await next(document, position, token);
        if (!hover) return hover;
        let changed = false;
        const contents = hover.contents.map((c) => {
          if (!(c instanceof MarkdownString)) return c;
          const value = offlineDocsLinks(c.value);
          if (value === c.value) return c;
          changed = true;
          const md = new MarkdownString(value, c.supportThemeIcons);
          md.supportHtml = c.supportHtml;
          md.isTrusted = { enabledCommands: [SHOW_DOCS_COMMAND] };
          return md;
        });
        return changed ? new Hover(contents, hover.range) : hover;
      },
    },
  };
  client = new LanguageClient('dockerGuardrails', 'Docker Guardrails', serverOptions, clientOptions);
  context.subscriptions.push(registerDocs());
  context.subscriptions.push(
    commands.registerCommand(RESTRICT_CREATED_COMMAND, async (arg?: unknown) => {
      // "Fix all CODE in this file" is resolved lazily: its command names the action, and the server says which
      // secret files the resolved edit created (review 41b, item 6).
      const fixAllOf = arg && typeof arg === 'object' && !Array.isArray(arg) ? (arg as { fixAllOf?: unknown }).fixAllOf : undefined;
      const uris = typeof fixAllOf === 'string' ? await client?.sendRequest<string[]>('dockerGuardrails/createdSecretFiles', { fixAllOf }).catch(() => []) : arg;
      return restrictCreatedFiles(uris);
    }),
  );
  await client.start();
  context.subscriptions.push(workspace.onDidSaveTextDocument(announceSave));
  context.subscriptions.push(workspace.onDidGrantWorkspaceTrust(() => void client?.sendNotification('dockerGuardrails/workspaceTrust', { trusted: true })));
}

/**
 * Tells the server that a file saved in the editor changed on disk, as its file watcher does. The
 * watcher's event can come while the file is still being written, or be merged with the event of
 * its creation (a quick fix's CreateFile writes an empty file first): the server then kept the
 * content it read too early (a `.env.example` saved by "Move … to .env" still read as empty). This
 * fires once the save is done. Documents the server analyzes are synchronized on their own.
 */
function announceSave(doc: TextDocument): void {
  if (!client || doc.uri.scheme !== 'file' || languages.match(DOCUMENT_SELECTOR, doc) > 0) return;
  void client.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: client.code2ProtocolConverter.asUri(doc.uri), type: FileChangeType.Changed }] });
}

/**
 * The command the server attaches to a code action whose edit creates secret files (`.env`, `db.env`,
 * `secrets/*.txt`): VS Code runs it once the edit is applied. A WorkspaceEdit's CreateFile cannot set a
 * file's mode, so the editor creates them with the umask's (0644 with the usual 022), readable by every
 * user of the machine; `check --fix` creates them 0600 (review 40a item 9).
 */
export const RESTRICT_CREATED_COMMAND = 'dockerGuardrails.restrictCreatedSecretFiles';

/**
 * Makes the listed files readable and writable by their owner only (0600): each only if it is a
 * `file:` URI inside a workspace folder (its folder resolved, symbolic links and all), exists, and is
 * a regular file, not a symbolic link (opened with O_NOFOLLOW, the mode set on what was opened).
 * Returns the paths it changed. Anything else in the arguments is ignored.
 */
export function restrictCreatedFiles(uris: unknown, folders: readonly WorkspaceFolder[] = workspace.workspaceFolders ?? []): string[] {
  const done: string[] = [];
  if (!Array.isArray(uris)) return done;
  for (const u of uris) {
    if (typeof u !== 'string') continue;
    let uri: Uri;
    try {
      uri = Uri.parse(u, true);
    } catch {
      continue;
    }
    if (uri.scheme !== 'file') continue;
    const p = uri.fsPath;
    if (!folders.some((f) => f.uri.scheme === 'file' && isInside(p, f.uri.fsPath))) continue;
    let fd: number | undefined;
    try {
      fd = fs.openSync(p, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
      if (!fs.fstatSync(fd).isFile()) continue;
      fs.fchmodSync(fd, 0o600);
      done.push(p);
    } catch {
      // Gone, a symbolic link (ELOOP), not readable: left as it is.
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }
  return done;
}

/** Whether a file is inside a folder, both with their symbolic links resolved (the file's folder must exist). */
function isInside(file: string, folder: string): boolean {
  try {
    const dir = fs.realpathSync(path.dirname(file));
    const root = fs.realpathSync(folder);
    const rel = path.relative(root, path.join(dir, path.basename(file)));
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  } catch {
    return false;
  }
}

/** Scheme of the read-only rule documentation pages (served by the language server, works offline). */
export const DOCS_SCHEME = 'docker-guardrails-docs';

/** The bundled documentation page of a rule (served by the language server). */
export function docsUri(code: string): Uri {
  return Uri.from({ scheme: DOCS_SCHEME, path: `/${code}.md` });
}

/** "Show documentation for CODE": the rule's page, bundled in the server, in a Markdown preview. */
function registerDocs(): { dispose(): void } {
  const changed = new EventEmitter<Uri>();
  const provider: TextDocumentContentProvider = {
    onDidChange: changed.event,
    async provideTextDocumentContent(uri: Uri): Promise<string> {
      const code = uri.path.replace(/^\//, '').replace(/\.md$/, '');
      const result = await client?.sendRequest<{ code: string; markdown: string } | null>('dockerGuardrails/ruleDocs', { code });
      return result?.markdown ?? `# ${code}\n\nNo Docker Guardrails rule has this code.`;
    },
  };
  const registrations = [
    workspace.registerTextDocumentContentProvider(DOCS_SCHEME, provider),
    commands.registerCommand(SHOW_DOCS_COMMAND, async (code?: unknown) => {
      let picked = typeof code === 'string' ? code : undefined;
      if (!picked) picked = await window.showInputBox({ prompt: 'Rule code (e.g. DF010)', validateInput: (v) => (/^[A-Za-z]{2}\d{3}$/.test(v.trim()) ? undefined : 'A code such as DF010 or DC040') });
      if (!picked) return;
      await commands.executeCommand('markdown.showPreview', docsUri(picked.trim().toUpperCase()));
    }),
    changed,
  ];
  return { dispose: () => registrations.forEach((r) => r.dispose()) };
}

export async function deactivate(): Promise<void> {
  if (client) await client.stop();
  client = undefined;
}
