import type { Label } from 'dockerfile-ast';
import { defineRule } from '../engine/rule';
import { keywordCase } from '../engine/df-instructions';
import { stageChain } from '../engine/stage-scope';
import type { Range } from '../engine/types';

const AUTHORS = 'org.opencontainers.image.authors';

interface Data {
  /** The whole MAINTAINER instruction (keyword to end, continuations included). */
  range: Range;
  /** The LABEL to write instead, or null to delete the instruction (the stage already has the label, or MAINTAINER is empty). */
  replacement: string | null;
  /** Whole lines of the instruction, for the deletion. */
  lines: Range;
}

/** Quotes a value for a LABEL: double quotes, with `"`, `$` and the escape character escaped (LABEL expands variables; MAINTAINER did not). */
function labelValue(value: string, escapeChar: string): string {
  let v = value.trim();
  // Surrounding quotes were kept literally by MAINTAINER but are the author's quoting, not part of the name.
  if (v.length >= 2 && v[0] === '"' && v[v.length - 1] === '"' && !v.slice(1, -1).includes('"')) v = v.slice(1, -1);
  let out = '';
  for (const c of v) out += c === '"' || c === '$' || c === escapeChar ? escapeChar + c : c;
  return `"${out}"`;
}

export default defineRule<'dockerfile', Data>({
  code: 'DF045',
  name: 'maintainer-deprecated',
  kind: 'dockerfile',
  severity: 'warning',
  fixable: 'always',
  docs: {
    summary: 'The Dockerfile uses the deprecated `MAINTAINER` instruction.',
    what: 'Flags the `MAINTAINER` instruction, deprecated since Docker 1.13 in favour of the `org.opencontainers.image.authors` label.',
    why: 'Deprecated instructions are dropped from tooling over time and hide the author from the standard place scanners, registries and SBOM tools read (OCI annotations). No statement of SECURITY-GUIDELINES.md is about it: the rule is the established check hadolint DL4000 ("MAINTAINER is deprecated"), which Docker\'s build checks (MaintainerDeprecated), Checkov and Trivy have too.',
    bad: 'FROM debian:12-slim\nMAINTAINER Jane Doe <jane@example.com>',
    good: 'FROM debian:12-slim\nLABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"',
    fix: '"Use LABEL org.opencontainers.image.authors" replaces the instruction with the label, keeping its indentation and keyword case. The value is written in double quotes with `"`, `$` and the escape character escaped (LABEL expands variables, MAINTAINER did not); quotes that wrapped the whole MAINTAINER value are dropped. When the stage already sets that label, or MAINTAINER is empty, the instruction is deleted instead. Safe: MAINTAINER only set the image\'s Author field.',
    guideline: 'None in SECURITY-GUIDELINES.md: the established check hadolint DL4000 ("MAINTAINER is deprecated")',
    equivalents: ['hadolint DL4000 (MAINTAINER is deprecated)', 'Checkov CKV_DOCKER_6 (ensure that LABEL maintainer is used instead of MAINTAINER)', 'Trivy DS-0022 (deprecated MAINTAINER used)', 'BuildKit build check MaintainerDeprecated'],
    references: [
      'https://docs.docker.com/reference/build-checks/maintainer-deprecated/',
      'https://docs.docker.com/reference/dockerfile/#maintainer-deprecated',
      'https://github.com/opencontainers/image-spec/blob/main/annotations.md#pre-defined-annotation-keys',
      'https://docs.docker.com/reference/dockerfile/#label',
    ],
  },
  check(ctx) {
    // A file without MAINTAINER (nearly all) has nothing to report: no stage's instructions are walked.
    if (!ctx.hasInstruction('MAINTAINER')) return [];
    const out = [];
    for (const stage of ctx.stages) {
      // A stage that already labels its authors (or inherits the label from a stage it builds on);
      // read only for a stage that has a MAINTAINER (most have none, and LABELs are slow to read).
      let labelled: boolean | undefined;
      for (const ins of stage.instructions) {
        if (ins.getKeyword() !== 'MAINTAINER') continue;
        labelled ??= stageChain(stage).some((s) => s.instructions.some((i) => i.getKeyword() === 'LABEL' && (i as Label).getProperties().some((p) => p.getName() === AUTHORS)));
        const r = ins.getRange();
        const value = ins.getArgumentsContent()?.trim() ?? '';
        const keyword = ctx.text.slice(ctx.offsetAt(ins.getInstructionRange().start), ctx.offsetAt(ins.getInstructionRange().end));
        const replacement = labelled || value === '' ? null : `${keywordCase(keyword, 'LABEL')} ${AUTHORS}=${labelValue(value, ctx.escapeChar)}`;
        out.push({ range: r, data: { range: r, replacement, lines: ctx.lines.wholeLines(r.start.line, r.end.line) } });
      }
    }
    return out;
  },
  message(d) {
    return d.replacement === null
      ? 'MAINTAINER is deprecated; the stage already sets the org.opencontainers.image.authors label, so remove it.'
      : 'MAINTAINER is deprecated; set the author with LABEL org.opencontainers.image.authors instead.';
  },
  fix(ctx, { data }) {
    const edit = data.replacement === null ? { range: data.lines, newText: '' } : { range: data.range, newText: data.replacement };
    return { title: data.replacement === null ? 'Remove MAINTAINER' : `Use LABEL ${AUTHORS}`, safe: true, changes: [{ kind: 'edit', path: ctx.path, edits: [edit] }] };
  },
});
