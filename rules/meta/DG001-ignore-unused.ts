import { defineRule } from '../engine/rule';
import type { Range } from '../engine/types';

export interface IgnoreUnusedData {
  /** The ignore comment's line and range. */
  line: number;
  commentRange: Range;
  /** The code that suppresses nothing, and its range in the comment. */
  code: string;
  codeRange: Range;
  /** Why it is unused. */
  problem: 'unused' | 'unknown-code' | 'other-kind' | 'no-codes';
  /** `other-kind`: the kind of file the code's rule checks (never the analyzed file's kind). */
  ruleKind?: 'dockerfile' | 'compose';
  scope: 'line' | 'file';
  /** Whether every code of the comment is unused (the whole line can go). */
  wholeComment: boolean;
  /** The codes of the comment that stay when this one is removed. */
  remaining: string[];
  /**
   * For a line comment, what it covers: the line below it (past the ignore comments and other linters' line
   * pragmas stacked with it), and with it the rest of a multi-line YAML value or of an instruction's heredoc
   * that starts there (0-based lines).
   */
  covers?: { construct: 'line' | 'scalar' | 'heredoc'; from: number; to: number; stacked: boolean };
}

/** Where a line ignore comment looks for its findings, as the message says it. */
function coveredText(c: NonNullable<IgnoreUnusedData['covers']>): string {
  if (c.construct === 'scalar') return `in the multi-line value it stands above (lines ${c.from + 1}–${c.to + 1})`;
  if (c.construct === 'heredoc') return `in the instruction it stands above and its heredoc (lines ${c.from + 1}–${c.to + 1})`;
  return c.stacked ? `on line ${c.from + 1}, the line below the comments stacked with it` : 'on the next line';
}

/**
 * Detections of this rule are computed by the engine after every other rule ran (it needs their
 * results): see `applySuppressions` in rules/engine/analyze.ts. Its `check` is therefore empty.
 */
export default defineRule<'any', IgnoreUnusedData>({
  code: 'DG001',
  name: 'ignore-unused',
  kind: 'any',
  severity: 'info',
  fixable: 'always',
  docs: {
    summary: 'A `docker-guardrails-ignore` comment, or a code in it, suppresses nothing.',
    what: 'Flags a `# docker-guardrails-ignore` or `# docker-guardrails-ignore-file` comment (or one code in it) that suppresses nothing: the finding it was written for is gone, the code names no rule, or a rule of the other file kind (a Dockerfile rule — `DF…`, `DR003` — in a compose file; a compose file rule — `DC…`, `DR001`, `DR002`, `DR004`, `DG003`, `DG004` — in a Dockerfile: it never runs there, so it can suppress nothing), or the comment names no code at all. A line comment covers the line below it (past the ignore comments and other linters\' line pragmas stacked with it) and, when that line starts a YAML value written over several lines (`command: >`, `- |`, a multi-line quoted or plain value) or a Dockerfile instruction with a heredoc (`RUN <<EOF` … `EOF`), the whole value or instruction: the message says which lines it looked at.',
    why: 'Stale ignores pile up and then hide the next real finding on that line. A suppression is a reviewed decision ("not here, and here is why"); when its reason is gone, the comment should go too.',
    bad: '# docker-guardrails-ignore DF001 -- pinned by Renovate\nFROM node:24-alpine',
    good: 'FROM node:24-alpine',
    exampleLang: 'dockerfile',
    fix: '"Remove unused ignore comment" deletes the comment line when none of its codes is used; "Remove CODE from the ignore comment" removes just the unused code from the list. Safe: it only removes a comment.',
    guideline: 'Tooling hygiene (supports every guideline section by keeping suppressions honest)',
    equivalents: ['ESLint --report-unused-disable-directives', 'ruff RUF100 (unused-noqa)'],
    references: ['https://eslint.org/docs/latest/use/command-line-interface#--report-unused-disable-directives', 'https://docs.astral.sh/ruff/rules/unused-noqa/'],
  },
  check() {
    return [];
  },
  message(d) {
    if (d.problem === 'no-codes') return 'This docker-guardrails-ignore comment names no rule code, so it suppresses nothing; name the codes (e.g. DF001,DC040).';
    if (d.problem === 'unknown-code') return `${d.code} in this ignore comment is not a Docker Guardrails rule.`;
    if (d.problem === 'other-kind') {
      return d.ruleKind === 'dockerfile'
        ? `${d.code} in this ignore comment is a Dockerfile rule, which never runs on a compose file, so it suppresses nothing here; remove it.`
        : `${d.code} in this ignore comment is a compose file rule, which never runs on a Dockerfile, so it suppresses nothing here; remove it.`;
    }
    return d.scope === 'file' ? `The file-wide ignore of ${d.code} suppresses nothing in this file; remove it.` : `The ignore of ${d.code} suppresses nothing ${d.covers ? coveredText(d.covers) : 'on the next line'}; remove it.`;
  },
  fix(ctx, { data }) {
    if (data.wholeComment) {
      return { title: 'Remove unused ignore comment', safe: true, changes: [{ kind: 'edit', path: ctx.path, edits: [{ range: ctx.lines.wholeLines(data.line, data.line), newText: '' }] }] };
    }
    // Rewrite the code list without the unused code, keeping the rest of the line.
    const lineText = ctx.lines.lineText(data.line);
    const m = /^(\s*#\s*docker-guardrails-ignore(?:-file)?)(\s+)([^-]*?)(\s*(?:--.*)?)$/.exec(lineText);
    if (!m) return undefined;
    const start = m[1].length + m[2].length;
    const end = start + m[3].length;
    return {
      title: `Remove ${data.code} from the ignore comment`,
      safe: true,
      changes: [{ kind: 'edit', path: ctx.path, edits: [{ range: { start: { line: data.line, character: start }, end: { line: data.line, character: end } }, newText: data.remaining.join(',') }] }],
    };
  },
});
