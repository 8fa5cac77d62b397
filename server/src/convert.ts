/** Conversions between the engine's plain data and LSP types. */
import { URI } from 'vscode-uri';
import {
  CodeAction,
  CodeActionKind,
  DiagnosticSeverity,
  type Command,
  type CreateFile,
  type Diagnostic,
  type TextDocumentEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { docsUrl, isSensitivePath, type Finding, type Fix, type Severity } from '../../rules';

export const SOURCE = 'docker-guardrails';
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.docker-guardrails`;

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export interface DiagnosticData {
  /** Index of the finding in the analysis of `version`. */
  id: number;
  version: number;
}

export function toDiagnostic(f: Finding, id: number, version: number): Diagnostic {
  const data: DiagnosticData = { id, version };
  return {
    range: f.range,
    severity: SEVERITY[f.severity],
    source: SOURCE,
    code: f.code,
    codeDescription: { href: docsUrl(f.code) },
    message: f.message,
    data,
  };
}

export function pathToUri(p: string): string {
  return URI.file(p).toString();
}

/**
 * The path the engine analyzes a document under. A document that is not a file (`untitled:Untitled-1`,
 * a virtual file system's) gets a relative name, which has no folder (the engine's hasFolder): nothing
 * beside it is read, and no fix writes beside it.
 */
export function uriToPath(uri: string): string {
  const u = URI.parse(uri);
  return u.scheme === 'file' ? u.fsPath : u.path.replace(/^\/+/, '');
}

/**
 * A fix as a WorkspaceEdit. Edits of files open in the editor carry their version; file creations
 * use `documentChanges` with a CreateFile followed by the insertion of the content.
 */
export function toWorkspaceEdit(fix: Fix, versionOf: (uri: string) => number | null, uriOf: (p: string) => string = pathToUri): WorkspaceEdit {
  const documentChanges: (TextDocumentEdit | CreateFile)[] = [];
  // All edits of one file go into one TextDocumentEdit, so every range refers to the same text.
  const editsByUri = new Map<string, TextDocumentEdit>();
  for (const change of fix.changes) {
    const uri = uriOf(change.path);
    if (change.kind === 'create') {
      documentChanges.push({ kind: 'create', uri, options: { overwrite: false, ignoreIfExists: false } });
      documentChanges.push({ textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: change.content }] });
    } else {
      const existing = editsByUri.get(uri);
      if (existing) existing.edits.push(...change.edits);
      else {
        const edit: TextDocumentEdit = { textDocument: { uri, version: versionOf(uri) }, edits: [...change.edits] };
        editsByUri.set(uri, edit);
        documentChanges.push(edit);
      }
    }
  }
  return { documentChanges };
}

/**
 * The client's command that makes the secret files a fix created readable by their owner only (0600),
 * as `check --fix` creates them: a WorkspaceEdit's CreateFile cannot set a file's mode, so the editor
 * creates them with the umask's (0644 with the usual 022). Its argument is the list of the files' URIs.
 */
export const RESTRICT_CREATED_COMMAND = 'dockerGuardrails.restrictCreatedSecretFiles';

/**
 * The command to run after an edit (CodeAction.command runs once its edit is applied) that creates
 * secret files (isSensitivePath: `.env`, `db.env`, `secrets/*.txt`) on disk: undefined when it creates none.
 */
export function restrictCreatedCommand(edit: WorkspaceEdit): Command | undefined {
  const uris: string[] = [];
  for (const c of edit.documentChanges ?? []) {
    if (!('kind' in c) || c.kind !== 'create') continue;
    const u = URI.parse(c.uri);
    if (u.scheme === 'file' && isSensitivePath(u.fsPath) && !uris.includes(c.uri)) uris.push(c.uri);
  }
  return uris.length > 0 ? { title: 'Make the created secret files readable by their owner only', command: RESTRICT_CREATED_COMMAND, arguments: [uris] } : undefined;
}

/** A code action with its edit, and the command that restricts the secret files the edit creates (restrictCreatedCommand). */
export function withEdit(action: CodeAction, edit: WorkspaceEdit): CodeAction {
  action.edit = edit;
  const command = restrictCreatedCommand(edit);
  if (command) action.command = command;
  return action;
}

export function quickFix(fix: Fix, diagnostics: Diagnostic[], edit: WorkspaceEdit, preferred: boolean): CodeAction {
  const action = withEdit(CodeAction.create(fix.title, CodeActionKind.QuickFix), edit);
  action.diagnostics = diagnostics;
  action.isPreferred = preferred;
  return action;
}
