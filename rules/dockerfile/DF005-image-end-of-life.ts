import { defineRule } from '../engine/rule';
import { pulledImageVia, stageBaseImage } from '../engine/df-instructions';
import { eolMove, eolMoveTitle, eolStatus, eolToday, judgeImage, type EolFinding } from '../engine/eol';
import { EOL_DOCS, EOL_FIX, EOL_WHAT_COMMON } from '../engine/eol-docs';
import type { Range } from '../engine/types';

interface Data extends EolFinding {
  /** The reference as written (after ARG resolution). */
  ref: string;
  /** The written tag, when the fix can replace it (literal FROM, no digest); else null. */
  tagRange: Range | null;
  viaArg: boolean;
  digest: boolean;
}

export default defineRule<'dockerfile', Data>({
  code: 'DF005',
  name: 'image-end-of-life',
  kind: 'dockerfile',
  severity: 'warning',
  fixable: 'sometimes',
  docs: {
    what: `Flags a \`FROM\` (in any stage: a builder image compiles with an unsupported toolchain) whose official image is on a release line past its end of life. A FROM that names a build context the compose services building the Dockerfile give (\`build.additional_contexts\`: the context stands for the image, or replaces the stage) is judged by that context: a \`docker-image://\` context's image, without a fix (the tag is written in the compose file); a folder is not judged. An image given through an \`ARG\` is judged by the ARG's default. ${EOL_WHAT_COMMON}`,
    why: EOL_DOCS.why,
    bad: 'FROM node:16-alpine\nFROM python:3.7-slim',
    good: 'FROM node:22-alpine\nFROM python:3.11-slim',
    fix: EOL_FIX,
    guideline: EOL_DOCS.guideline,
    equivalents: EOL_DOCS.equivalents,
    references: EOL_DOCS.references,
  },
  check(ctx) {
    const today = eolToday();
    const out = [];
    for (const stage of ctx.stages) {
      if (stage.base.kind !== 'image') continue;
      // A compose build context stands for the image named, or replaces the stage: a folder is not
      // judged (review 19, probe 04), a `docker-image://` context is, without a fix (review 20, probe 01).
      const base = stageBaseImage(ctx, stage);
      if (!base) continue;
      const ref = base.ref;
      const judged = judgeImage(ref, today);
      if (!judged) continue;
      const range = stage.from.getImageRange();
      if (!range) continue;
      const viaArg = stage.base.viaArg;
      const tagRange = viaArg || ref.digest || base.context ? null : (stage.from.getImageTagRange() ?? null);
      out.push({ range, data: Object.assign(judged, { ref: ref.text, tagRange, viaArg, digest: ref.digest !== null, ...(base.context ? { context: base.context } : {}) }) });
    }
    return out;
  },
  message(d) {
    const via = pulledImageVia(d);
    return `Image '${d.ref}'${via} ${eolStatus(d)}${eolMove(d)}`;
  },
  fix(ctx, { data }) {
    if (!data.target || !data.tagRange || data.digest) return undefined;
    return {
      title: eolMoveTitle(data),
      safe: false,
      changes: [{ kind: 'edit', path: ctx.path, edits: [{ range: data.tagRange, newText: data.target }] }],
    };
  },
  // The newest supported line too, when the oldest ends within six months (review 43d, item 5).
  moreFixes(ctx, { data }) {
    if (!data.target || !data.newest || !data.tagRange || data.digest) return [];
    return [{ title: `Move to ${data.repository}:${data.newest} (newest supported line)`, safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [{ range: data.tagRange, newText: data.newest }] }] }];
  },
});
