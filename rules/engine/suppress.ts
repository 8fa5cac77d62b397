/**
 * Inline suppression, the same in Dockerfiles and compose files (a public contract):
 *   # docker-guardrails-ignore DF001,DF015 -- reason     (own line, directly above the finding's line;
 *                                                         several such lines stack)
 *   # docker-guardrails-ignore-file DF010 -- reason      (anywhere in the file)
 * The reason is optional and kept (SARIF shows it as the suppression's justification); it belongs to the
 * codes of its own comment.
 *
 * Where no comment line can be written directly above a finding's line, a line comment above the line
 * that starts the construct covers it (suppressionLine): a line that continues a multi-line YAML scalar
 * (block `|`/`>`, quoted or plain: a `#` line there is text, or ends a plain scalar) is covered by the
 * comment above the line where the scalar starts (`command: >`, `- |`), and a line of a Dockerfile
 * heredoc (its body and terminator: BuildKit passes a heredoc's lines verbatim, comment lines included)
 * by the comment above the instruction. Those lines cannot have a comment of their own, so this is the
 * only way to silence a finding there; the covered findings are those of the comment's codes only.
 * Lines where a comment is possible (a Dockerfile instruction's continuation lines — BuildKit strips
 * comment lines there —, items of a YAML flow collection, further keys of a mapping) keep their own.
 * Between an ignore comment and its line may also stand the line pragmas of other linters that must be
 * directly above their line (LINE_PRAGMA: hadolint, yamllint, trivy, kics): the ignore action writes its
 * comment above them, not between them and their line (review 43b, item 6).
 */
import { visit } from 'yaml';
import { isScalar } from './yaml-guards';
import type { AnyContext } from './analyze';
import type { Range, TextEdit } from './types';

export interface IgnoreComment {
  scope: 'line' | 'file';
  /** 0-based line of the comment. */
  line: number;
  /** The line the comment applies to (scope 'line'), or -1. It also covers the lines anchored to it (suppressionLine). */
  target: number;
  codes: { code: string; range: Range }[];
  reason: string | null;
  range: Range;
}

const IGNORE = /^(\s*)#\s*docker-guardrails-ignore(-file)?(?=\s|$)(.*)$/;

/**
 * Comments of other linters that apply to the line directly below them: hadolint `# hadolint ignore=DL3008`
 * (hadolint's Pragma: line + 1), yamllint `# yamllint disable-line rule:…` ("on that line, or on the line
 * above"), trivy `#trivy:ignore:AVD-…`, KICS `# kics-scan ignore-line`. An ignore comment of ours above them
 * (stacked with them) still applies to their line.
 */
const LINE_PRAGMA = /^\s*#\s*(?:hadolint\s+ignore\s*=|yamllint\s+disable-line(?:\s|$)|trivy:ignore:|kics-scan\s+ignore-line(?:\s|$))/;

interface CommentLayout {
  /** Lines that are comments for the file's own grammar (not text inside a YAML scalar or a heredoc). */
  comments: Set<number>;
  /** A line above which no comment line can stand → the line whose comment covers it. */
  anchors: Map<number, number>;
  /** The last Dockerfile parser directive's line (a comment above a directive ends the directives), or -1. */
  lastDirective: number;
}

/** The last line anchored to each anchor line (the end of its multi-line scalar or heredoc instruction). */
function endsOf(anchors: Map<number, number>): Map<number, number> {
  const ends = new Map<number, number>();
  for (const [line, to] of anchors) if (line > (ends.get(to) ?? to)) ends.set(to, line);
  return ends;
}

/** What a line ignore comment covers: its target line, and the lines anchored to it (suppressionLine). */
export interface Coverage {
  /** A line of its own, a YAML scalar written over several lines, or a Dockerfile instruction with a heredoc. */
  construct: 'line' | 'scalar' | 'heredoc';
  /** 0-based first and last line covered. */
  from: number;
  to: number;
}

/** The lines a line ignore comment whose target is `target` covers (review 43, cli44 item 2: DG001 says which). */
export function coverageOf(ctx: AnyContext, target: number): Coverage {
  const layout = layoutOf(ctx);
  let ends = layoutEnds.get(layout);
  if (!ends) layoutEnds.set(layout, (ends = endsOf(layout.anchors)));
  const to = ends.get(target) ?? target;
  return { construct: to === target ? 'line' : ctx.kind === 'dockerfile' ? 'heredoc' : 'scalar', from: target, to };
}

const layoutEnds = new WeakMap<CommentLayout, Map<number, number>>();

/**
 * The title of the action behind ignoreLineEdit for a finding that starts on `line`: what the comment will
 * cover — "this line", or the multi-line value or heredoc instruction the line belongs to (the comment goes
 * above it and silences the code's findings anywhere in it).
 */
export function ignoreLineTitle(ctx: AnyContext, code: string, line: number): string {
  const { construct } = coverageOf(ctx, suppressionLine(ctx, line));
  return `Ignore ${code} for this ${construct === 'line' ? 'line' : construct === 'scalar' ? 'multi-line value' : 'instruction and its heredoc'}`;
}

/** Per analysis context (a context lives for one analysis of one text). */
const layouts = new WeakMap<AnyContext, CommentLayout>();

function layoutOf(ctx: AnyContext): CommentLayout {
  let known = layouts.get(ctx);
  if (!known) {
    known = ctx.kind === 'dockerfile' ? dockerfileLayout(ctx) : composeLayout(ctx);
    layouts.set(ctx, known);
  }
  return known;
}

function dockerfileLayout(ctx: Extract<AnyContext, { kind: 'dockerfile' }>): CommentLayout {
  // dockerfile-ast lists the comment lines of continued instructions (BuildKit strips them) and not the
  // lines of heredocs (BuildKit passes them on verbatim).
  const comments = new Set(ctx.ast.getComments().map((c) => c.getRange().start.line));
  const anchors = new Map<number, number>();
  for (const ins of ctx.ast.getInstructions()) {
    // RUN, COPY, ADD and ONBUILD read heredocs: the bodies start on the line after the first marker's line
    // (several markers on one line take their bodies in turn), and the instruction ends with the last terminator.
    const range = ins.getRange();
    if (range.end.line === range.start.line) continue;
    const withHeredocs = ins as unknown as { getHeredocs?: () => { getStartRange(): Range }[] };
    if (typeof withHeredocs.getHeredocs !== 'function') continue;
    const heredocs = withHeredocs.getHeredocs();
    if (heredocs.length === 0) continue;
    const first = Math.min(...heredocs.map((h) => h.getStartRange().start.line));
    for (let line = first + 1; line <= range.end.line; line++) anchors.set(line, range.start.line);
  }
  let lastDirective = -1;
  for (const d of ctx.ast.getDirectives()) lastDirective = Math.max(lastDirective, d.getRange().start.line);
  return { comments, anchors, lastDirective };
}

function composeLayout(ctx: Extract<AnyContext, { kind: 'compose' }>): CommentLayout {
  // Every scalar written over several lines: its lines after the first are text (block, quoted) or would be
  // ended by a comment line (plain), so they are anchored to the line where the scalar starts.
  const spans: [number, number][] = [];
  for (const doc of ctx.documents) {
    visit(doc, {
      Scalar(_k, node) {
        if (!isScalar(node) || !node.range) return;
        const start = node.range[0];
        let end = node.range[1];
        while (end > start && /\s/.test(ctx.text[end - 1])) end--;
        if (end <= start) return;
        const a = ctx.lines.positionAt(start).line;
        const b = ctx.lines.positionAt(end - 1).line;
        if (b > a) spans.push([a, b]);
      },
    });
  }
  spans.sort((x, y) => x[0] - y[0]);
  const anchors = new Map<number, number>();
  for (const [a, b] of spans) {
    // A scalar that starts on a line of another one (`"a⏎b", "c⏎d"` in a flow sequence) shares its anchor.
    const to = anchors.get(a) ?? a;
    for (let line = a + 1; line <= b; line++) if (!anchors.has(line)) anchors.set(line, to);
  }
  const comments = new Set<number>();
  for (let i = 0; i < ctx.lines.lineCount; i++) {
    if (!anchors.has(i) && /^\s*#/.test(ctx.lines.lineText(i))) comments.add(i);
  }
  return { comments, anchors, lastDirective: -1 };
}

/** The line whose ignore comment covers a finding that starts on `line`: the line itself, or the line that starts its multi-line scalar or heredoc instruction. */
export function suppressionLine(ctx: AnyContext, line: number): number {
  return layoutOf(ctx).anchors.get(line) ?? line;
}

/** The ignore comment that silences a finding of `code` starting on `line`, if any (the engine's suppression and the bulk fixes' test alike). */
export function coveringComment(ctx: AnyContext, comments: readonly IgnoreComment[], code: string, line: number): IgnoreComment | undefined {
  if (comments.length === 0) return undefined;
  const target = suppressionLine(ctx, line);
  return comments.find((c) => (c.scope === 'file' || c.target === target) && c.codes.some((x) => x.code === code));
}

/** The file's ignore comments, read once per analysis context (for fixes that ask about many findings). */
const commentsOf = new WeakMap<AnyContext, IgnoreComment[]>();

/**
 * Whether a finding of `code` that starts on `line` is silenced by an ignore comment: a fix that acts on
 * several findings at once (DC040's "Move all inline secrets", the copies a move takes along) leaves such a
 * finding alone, as fix-all does (review 43, cli44 item 1).
 */
export function isSuppressedAt(ctx: AnyContext, code: string, line: number): boolean {
  let comments = commentsOf.get(ctx);
  if (!comments) commentsOf.set(ctx, (comments = findIgnoreComments(ctx)));
  return coveringComment(ctx, comments, code, line) !== undefined;
}

export function findIgnoreComments(ctx: AnyContext): IgnoreComment[] {
  const out: IgnoreComment[] = [];
  if (!ctx.text.includes('docker-guardrails-ignore')) return out;
  const { comments } = layoutOf(ctx);
  const isIgnoreLine = new Set<number>();
  const parsed: { line: number; m: RegExpExecArray }[] = [];
  for (const line of [...comments].sort((a, b) => a - b)) {
    const text = ctx.lines.lineText(line);
    if (!text.includes('docker-guardrails-ignore')) continue;
    const m = IGNORE.exec(text);
    if (!m) continue;
    parsed.push({ line, m });
    if (!m[2]) isIgnoreLine.add(line);
  }
  const isPragma = (line: number) => comments.has(line) && LINE_PRAGMA.test(ctx.lines.lineText(line));
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
      while (isIgnoreLine.has(target) || isPragma(target)) target++;
    }
    out.push({ scope: m[2] ? 'file' : 'line', line, target, codes, reason, range: { start: { line, character: m[1].length }, end: { line, character: text.length } } });
  }
  return out;
}

/** The most blank or comment lines between a line ignore comment and the line it was evidently written for (DG001's move). */
const DETACHED_GAP = 3;

/**
 * The line a line ignore comment was evidently written for when it covers nothing (review 55c, UX): its target (the
 * line below it, past stacked ignores and pragmas) is blank or another comment, and the first line after the blank and
 * comment lines that follow, at most DETACHED_GAP of them, is a line of the file's own (not text of a multi-line YAML
 * value or of a heredoc). Undefined otherwise.
 */
export function detachedLine(ctx: AnyContext, comment: IgnoreComment): number | undefined {
  if (comment.scope !== 'line') return undefined;
  const layout = layoutOf(ctx);
  const gap = (line: number) => !layout.anchors.has(line) && (layout.comments.has(line) || ctx.lines.lineText(line).trim() === '');
  let line = comment.target;
  if (line >= ctx.lines.lineCount || !gap(line)) return undefined;
  while (line < ctx.lines.lineCount && gap(line)) line++;
  if (line >= ctx.lines.lineCount || line - comment.line - 1 > DETACHED_GAP || layout.anchors.has(line)) return undefined;
  return line;
}

/**
 * The edits that move a line ignore comment (its codes and reason as written) down onto `to`: the comment's line
 * deleted, the comment written with `to`'s indentation above `to` and above the line pragmas of other linters and the
 * ignore comments of ours that stand directly above it (as ignoreLineEdit places a new one).
 */
export function moveCommentEdits(ctx: AnyContext, line: number, to: number): TextEdit[] {
  const layout = layoutOf(ctx);
  let at = to;
  const stacked = (l: number) => {
    const text = ctx.lines.lineText(l);
    const m = IGNORE.exec(text);
    return layout.comments.has(l) && ((m !== null && !m[2]) || LINE_PRAGMA.test(text));
  };
  while (at - 1 > line && stacked(at - 1)) at--;
  const pos = { line: at, character: 0 };
  return [
    { range: ctx.lines.wholeLines(line, line), newText: '' },
    { range: { start: pos, end: pos }, newText: `${ctx.lines.indentOf(to)}${ctx.lines.lineText(line).trim()}${ctx.lines.eol}` },
  ];
}

/**
 * The edit behind "Ignore CODE for this line" for a finding that starts on `line`: a comment line where the
 * reader associates it with the finding and where a comment changes nothing the file means — directly above
 * the line, or above the line that starts its multi-line YAML scalar or its heredoc instruction
 * (suppressionLine; review 43b, items 1 and 2), and above the other linters' line pragmas and our ignore
 * comments that stand directly above that line (item 6) — or the code added to an ignore comment of ours
 * there that gives no reason: a reason written for other codes does not extend to this one, so the code then
 * gets a comment of its own (item 8). Undefined when no comment line can be written there (the line of a
 * Dockerfile parser directive: a comment above it would end the directives); only the file-level ignore is
 * offered then.
 */
export function ignoreLineEdit(ctx: AnyContext, code: string, line: number, existing: IgnoreComment[] = findIgnoreComments(ctx)): TextEdit | undefined {
  const layout = layoutOf(ctx);
  const target = suppressionLine(ctx, line);
  if (target <= layout.lastDirective) return undefined;
  const stacked = existing.filter((c) => c.scope === 'line' && c.target === target);
  const open = stacked.find((c) => c.reason === null);
  if (open) return addCodeEdit(ctx, open, code);
  const ours = new Set(stacked.map((c) => c.line));
  let at = target;
  while (at - 1 > layout.lastDirective && (ours.has(at - 1) || (layout.comments.has(at - 1) && LINE_PRAGMA.test(ctx.lines.lineText(at - 1))))) at--;
  const pos = { line: at, character: 0 };
  return { range: { start: pos, end: pos }, newText: `${ctx.lines.indentOf(target)}# docker-guardrails-ignore ${code}${ctx.lines.eol}` };
}

/**
 * The edit behind "Ignore CODE for this file": the code added to a file-wide comment that gives no reason
 * (as for the line, a reason stays with its own codes), else a file-wide comment at the top (after
 * Dockerfile parser directives).
 */
export function ignoreFileEdit(ctx: AnyContext, code: string, existing: IgnoreComment[] = findIgnoreComments(ctx)): TextEdit {
  const fileWide = existing.find((c) => c.scope === 'file' && c.reason === null);
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

/**
 * Rules whose findings depend on the analysis date: the end-of-life and image-variant catalogs are read as of
 * `--eol-date` / `eol.date` or today (eol.ts `analysisDate`), so CI with a fixed date and a developer on the real
 * date see different findings (review 55c, F1).
 */
const DATE_CODES = new Set(['DF003', 'DF005', 'DC003', 'DC004']);
/**
 * Rules whose findings depend on what git ignores and which env files exist in this checkout: the clone's
 * `.git/info/exclude`, the user's own `core.excludesFile`, a git-ignored `.env` that a clone does not have; DR003's
 * `.env.<name>` files and host keys found in the build context, which git ignores and a clone does not have (review56b, F2).
 */
const CHECKOUT_CODES = new Set(['DR001', 'DR002', 'DR003', 'DR004']);

/**
 * Why a finding of `code` on the lines `from`–`to` (the whole file when `from` is -1) may exist in another checkout
 * though there is none here, or undefined when nothing on those lines varies: the analysis date (DATE_CODES), what
 * git ignores (CHECKOUT_CODES), or a variable (`$`: a compose file's `${…}` that the git-ignored `.env` or the shell
 * sets, a Dockerfile ARG a build passes) or an `env_file:` on those lines. DG001 then reports the comment without a
 * safe fix: fix-all and `check --fix` in a fresh clone or CI must not delete a suppression in use where the
 * `.env` is (review 55c, F1).
 */
export function variesPerCheckout(ctx: AnyContext, code: string, from: number, to: number): 'date' | 'git' | 'env' | undefined {
  if (DATE_CODES.has(code)) return 'date';
  if (CHECKOUT_CODES.has(code)) return 'git';
  const text = from < 0 ? ctx.text : Array.from({ length: to - from + 1 }, (_, i) => ctx.lines.lineText(from + i)).join('\n');
  return text.includes('$') || (ctx.kind === 'compose' && /\benv_file\b/.test(text)) ? 'env' : undefined;
}
