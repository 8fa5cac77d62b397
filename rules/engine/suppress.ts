/**
 * Inline suppression, the same in Dockerfiles and compose files (a public contract):
 *   # docker-guardrails-ignore DF001,DF015 -- reason     (own line, directly above the finding's line;
 *                                                         several such lines stack)
 *   # docker-guardrails-ignore-file DF010 -- reason      (anywhere in the file)
 * The reason is optional and kept (SARIF shows it as the suppression's justification).
 */
import { visit } from 'yaml';
import { isScalar } from './yaml-guards';
import type { AnyContext } from './analyze';
import type { Range, TextEdit } from './types';

export interface IgnoreComment {
  scope: 'line' | 'file';
  /** 0-based line of the comment. */
  line: number;
  /** The line the comment applies to (scope 'line'), or -1. */
  target: number;
  codes: { code: string; range: Range }[];
  reason: string | null;
  range: Range;
}

const IGNORE = /^(\s*)#\s*docker-guardrails-ignore(-file)?(?=\s|$)(.*)$/;

/** Lines that are comments for the file's own grammar (not text inside a YAML block scalar or a heredoc). */
function commentLines(ctx: AnyContext): number[] {
  if (ctx.kind === 'dockerfile') return ctx.ast.getComments().map((c) => c.getRange().start.line);
  const lines: number[] = [];
  const excluded: [number, number][] = [];
  for (const doc of ctx.documents) {
    visit(doc, {
      Scalar(_k, node) {
        if (isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED' || node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && node.range) {
          const a = ctx.lines.positionAt(node.range[0]).line;
          const b = ctx.lines.positionAt(node.range[1]).line;
          if (b > a) excluded.push([a + 1, b]);
        }
      },
    });
  }
  const inScalar = (line: number) => excluded.some(([a, b]) => line >= a && line <= b);
  for (let i = 0; i < ctx.lines.lineCount; i++) {
    const t = ctx.lines.lineText(i);
    if (/^\s*#/.test(t) && !inScalar(i)) lines.push(i);
  }
  return lines;
}

export function findIgnoreComments(ctx: AnyContext): IgnoreComment[] {
  const out: IgnoreComment[] = [];
  if (!ctx.text.includes('docker-guardrails-ignore')) return out;
  const lines = commentLines(ctx);
  const isIgnoreLine = new Set<number>();
  const parsed: { line: number; m: RegExpExecArray }[] = [];
  for (const line of lines) {
    const text = ctx.lines.lineText(line);
    if (!text.includes('docker-guardrails-ignore')) continue;
    const m = IGNORE.exec(text);
    if (!m) continue;
    parsed.push({ line, m });
    if (!m[2]) isIgnoreLine.add(line);
  }
  for (const { line, m } of parsed) {
    const text = ctx.lines.lineText(line);
    const rest = m[3];
    const sep = rest.indexOf('--');
    const codesPart = sep === -1 ? rest : rest.slice(0, sep);
    const reason = sep === -1 ? null : rest.slice(sep + 2).trim() || null;
    const restStart = text.length - rest.length;
    const codes: IgnoreComment['codes'] = [];
    const re = /[A-Za-z]{2}\d{3}/g;
    for (let c = re.exec(codesPart); c; c = re.exec(codesPart)) {
      const start = restStart + c.index;
      codes.push({ code: c[0].toUpperCase(), range: { start: { line, character: start }, end: { line, character: start + c[0].length } } });
    }
    let target = -1;
    if (!m[2]) {
      target = line + 1;
      while (isIgnoreLine.has(target)) target++;
    }
    out.push({ scope: m[2] ? 'file' : 'line', line, target, codes, reason, range: { start: { line, character: m[1].length }, end: { line, character: text.length } } });
  }
  return out;
}

/** The edit behind "Ignore CODE for this line": a comment above the line, or the code added to one already there. */
export function ignoreLineEdit(ctx: AnyContext, code: string, line: number, existing: IgnoreComment[] = findIgnoreComments(ctx)): TextEdit {
  const above = existing.find((c) => c.scope === 'line' && c.target === line);
  if (above) return addCodeEdit(ctx, above, code);
  const indent = ctx.lines.indentOf(line);
  const at = { line, character: 0 };
  return { range: { start: at, end: at }, newText: `${indent}# docker-guardrails-ignore ${code}${ctx.lines.eol}` };
}

/** The edit behind "Ignore CODE for this file": a file-wide comment at the top (after Dockerfile parser directives). */
export function ignoreFileEdit(ctx: AnyContext, code: string, existing: IgnoreComment[] = findIgnoreComments(ctx)): TextEdit {
  const fileWide = existing.find((c) => c.scope === 'file');
  if (fileWide) return addCodeEdit(ctx, fileWide, code);
  let line = 0;
  if (ctx.kind === 'dockerfile') {
    for (const d of ctx.ast.getDirectives()) line = Math.max(line, d.getRange().start.line + 1);
  }
  const at = { line, character: 0 };
  if (line >= ctx.lines.lineCount) {
    const end = { line: ctx.lines.lineCount - 1, character: ctx.lines.lineText(ctx.lines.lineCount - 1).length };
    return { range: { start: end, end }, newText: `${ctx.lines.eol}# docker-guardrails-ignore-file ${code}${ctx.lines.eol}` };
  }
  return { range: { start: at, end: at }, newText: `# docker-guardrails-ignore-file ${code}${ctx.lines.eol}` };
}

function addCodeEdit(ctx: AnyContext, comment: IgnoreComment, code: string): TextEdit {
  const last = comment.codes[comment.codes.length - 1];
  if (!last) {
    const text = ctx.lines.lineText(comment.line);
    const m = /docker-guardrails-ignore(?:-file)?/.exec(text)!;
    const at = { line: comment.line, character: m.index + m[0].length };
    return { range: { start: at, end: at }, newText: ` ${code}` };
  }
  return { range: { start: last.range.end, end: last.range.end }, newText: `,${code}` };
}
