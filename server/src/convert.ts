/** Conversions between the engine's plain data and LSP types. */
import { URI } from 'vscode-uri';
import {
  CodeAction,
  CodeActionKind,
  DiagnosticSeverity,
  type CreateFile,
  type Diagnostic,
  type TextDocumentEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { docsUrl, type Finding, type Fix, type Severity } from '../../rules';

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

export function quickFix(fix: Fix, diagnostics: Diagnostic[], edit: WorkspaceEdit, preferred: boolean): CodeAction {
  const action = CodeAction.create(fix.title, edit, CodeActionKind.QuickFix);
  action.diagnostics = diagnostics;
  action.isPreferred = preferred;
  return action;
}
