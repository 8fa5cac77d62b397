import { defineRule } from '../engine/rule';
import { moveCommentEdits } from '../engine/suppress';
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
  /**
   * `unused`: why the code's finding may exist in another checkout though there is none here (suppress.ts
   * `variesPerCheckout`): the analysis date, what git ignores there, or a variable or env file the lines read.
   * The fix is then a quick fix only (review 55c, F1).
   */
  varies?: 'date' | 'git' | 'env';
  /** The whole comment goes and another of its codes `varies`: the fix is a quick fix only. */
  othersVary?: true;
  /**
   * `unused`, a line comment all of whose codes are unused, written above a blank or comment line: the line (0-based)
   * below those lines (at most 3 of them) where a finding of the code is, which the comment was evidently written for
   * (suppress.ts `detachedLine`). A quick fix moves the comment there; removing it is then a quick fix too (review 55c, UX).
   */
  moveTo?: number;
  /**
   * The whole comment goes and another of its codes has `moveTo`: that code and its line (0-based). Removing the comment
   * would delete the suppression meant for that finding too, so the removal is a quick fix only (review57, F1).
   */
  othersMove?: { code: string; line: number };
}

/** What the message says instead of "remove it" when the finding may exist elsewhere. */
function variesText(d: IgnoreUnusedData): string {
  if (d.varies === 'date') return `in this checkout, but ${d.code} depends on the analysis date (--eol-date, eol.date): check before removing it`;
  if (d.varies === 'git') return `in this checkout, but ${d.code} depends on what git ignores and which env files exist in each checkout: check before removing it`;
  return `in this checkout, but ${d.scope === 'file' ? 'the file reads' : 'these lines read'} a variable or env file whose value may differ in another checkout (a git-ignored .env): check before removing it`;
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
    what: 'Flags a `# docker-guardrails-ignore` or `# docker-guardrails-ignore-file` comment (or one code in it) that suppresses nothing: the finding it was written for is gone, the code names no rule, or a rule of the other file kind (a Dockerfile rule — `DF…`, `DR003` — in a compose file; a compose file rule — `DC…`, `DR001`, `DR002`, `DR004`, `DG003`, `DG004` — in a Dockerfile: it never runs there, so it can suppress nothing), or the comment names no code at all. A line comment covers the line below it (past the ignore comments and other linters\' line pragmas stacked with it) and, when that line starts a YAML value written over several lines (`command: >`, `- |`, a multi-line quoted or plain value) or a Dockerfile instruction with a heredoc (`RUN <<EOF` … `EOF`), the whole value or instruction: the message says which lines it looked at. A line comment written above a blank line or another comment (not an ignore comment or another linter\'s line pragma, which stack with it) covers that line, so nothing: when the first line below those blank and comment lines (at most 3 of them) is where a finding of its code starts (or the line whose comment covers it), the comment was evidently written for that finding and the message says so (review 55c). A comment whose finding may exist in another checkout (a git-ignored `.env`, the analysis date, what git ignores: see Fix) is still reported, its message says why it may be in use elsewhere, and its fix is never safe.',
    why: 'Stale ignores pile up and then hide the next real finding on that line. A suppression is a reviewed decision ("not here, and here is why"); when its reason is gone, the comment should go too.',
    bad: '# docker-guardrails-ignore DF001 -- pinned by Renovate\nFROM node:24-alpine',
    good: 'FROM node:24-alpine',
    exampleLang: 'dockerfile',
    fix: '"Remove unused ignore comment" deletes the comment line when none of its codes is used; "Remove CODE from the ignore comment" removes just the unused code from the list. Safe (it only removes a comment) unless the finding the code was written for may exist in another checkout though there is none here; then the message says so and the fix is a quick fix only, never applied by fix-all or `check --fix`: the code is a rule whose findings depend on the analysis date (DF003, DF005, DC003, DC004: `--eol-date`, `eol.date`, which the README recommends fixing in CI) or on what git ignores and which env files exist in the checkout (DR001, DR002, DR004: a clone\'s `.git/info/exclude`, the user\'s own `core.excludesFile`; DR003, which reports the `.env.<name>` files and SSH host keys it finds in the build context — git-ignored files a fresh clone or CI does not have), or the lines the comment covers (the whole file for `-ignore-file`) read a variable (`$`: a compose file\'s `${PG_VERSION}` set by the `.env` that DR001 has git ignore, so CI and fresh clones do not have it and a teammate\'s differs — Compose substitutes an unset variable with an empty string, https://docs.docker.com/reference/compose-file/interpolation/ —, a Dockerfile ARG a build passes) or name an `env_file:`. Removing the whole comment is a quick fix when any of its unused codes is such a code. For a comment evidently written for the finding just below the blank or comment lines under it (see What it does; all its codes unused), "Move the ignore comment directly above line N" moves it there, codes and reason as written, with that line\'s indentation, above the ignore comments and other linters\' line pragmas standing directly above it (hadolint\'s, yamllint\'s, trivy\'s and KICS\'s must stay directly above their line), as "Ignore CODE for this line" places a new one; a quick fix only, since it changes what the comment silences. Removing the comment is then a quick fix too, also from the finding of another of its codes that has no finding below (`# docker-guardrails-ignore DF001,DF045 -- …` above a blank line and a DF001 finding: DF045\'s message says DF001 may be meant for it; review57): fix-all and `check --fix` must not delete a suppression, and its reason, meant for a finding that is there.',
    guideline: 'Tooling hygiene (supports every guideline section by keeping suppressions honest)',
    equivalents: ['ESLint --report-unused-disable-directives', 'ruff RUF100 (unused-noqa)'],
    references: ['https://eslint.org/docs/latest/use/command-line-interface#--report-unused-disable-directives', 'https://docs.astral.sh/ruff/rules/unused-noqa/', 'https://docs.docker.com/reference/compose-file/interpolation/'],
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
    if (d.moveTo !== undefined && d.scope === 'line') return `The ignore of ${d.code} suppresses nothing on the next line, which is blank or a comment; the ${d.code} finding on line ${d.moveTo + 1}, below it, may be the one it was written for: move the comment down, directly above that line, or remove it.`;
    const tail = d.varies ? ` ${variesText(d)}.` : d.othersMove ? `; ${d.othersMove.code} in the same comment may be meant for the ${d.othersMove.code} finding on line ${d.othersMove.line + 1}, below it: move the comment down, or remove ${d.code} from it.` : '; remove it.';
    return d.scope === 'file' ? `The file-wide ignore of ${d.code} suppresses nothing in this file${d.varies ? ',' : ''}${tail}` : `The ignore of ${d.code} suppresses nothing ${d.covers ? coveredText(d.covers) : 'on the next line'}${d.varies ? ',' : ''}${tail}`;
  },
  fix(ctx, { data }) {
    if (data.wholeComment) {
      // Not safe when the comment may be meant for the finding just below (moveTo, or another code's: othersMove): fix-all would delete it and its reason.
      return { title: 'Remove unused ignore comment', safe: !data.varies && !data.othersVary && data.moveTo === undefined && !data.othersMove, changes: [{ kind: 'edit', path: ctx.path, edits: [{ range: ctx.lines.wholeLines(data.line, data.line), newText: '' }] }] };
    }
    // Rewrite the code list without the unused code, keeping the rest of the line.
    const lineText = ctx.lines.lineText(data.line);
    const m = /^(\s*#\s*docker-guardrails-ignore(?:-file)?)(\s+)([^-]*?)(\s*(?:--.*)?)$/.exec(lineText);
    if (!m) return undefined;
    const start = m[1].length + m[2].length;
    const end = start + m[3].length;
    return {
      title: `Remove ${data.code} from the ignore comment`,
      safe: !data.varies,
      changes: [{ kind: 'edit', path: ctx.path, edits: [{ range: { start: { line: data.line, character: start }, end: { line: data.line, character: end } }, newText: data.remaining.join(',') }] }],
    };
  },
  moreFixes(ctx, { data }) {
    if (data.moveTo === undefined) return [];
    // Moving changes what the comment silences: a quick fix only, never applied by fix-all.
    return [{ title: `Move the ignore comment directly above line ${data.moveTo + 1} (its ${data.code} finding)`, safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: moveCommentEdits(ctx, data.line, data.moveTo) }] }];
  },
});