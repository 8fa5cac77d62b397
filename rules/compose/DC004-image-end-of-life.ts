import { defineRule } from '../engine/rule';
import { imageFromUnanalyzedBase } from '../engine/compose-lookup';
import { serviceImageOf } from '../engine/compose-values';
import { eolMove, eolMoveTitle, eolStatus, eolToday, judgeImage, type EolFinding } from '../engine/eol';
import { EOL_DOCS, EOL_FIX, EOL_WHAT_COMMON } from '../engine/eol-docs';

interface Data extends EolFinding {
  service: string;
  /** The reference as Compose reads it (after interpolation). */
  ref: string;
  /** The value came (partly) from `${…}` interpolation. */
  interpolated: boolean;
  /** File offset of the written tag, when the fix can replace it; else null. */
  tagOffset: number | null;
}

export default defineRule<'compose', Data>({
  code: 'DC004',
  name: 'image-end-of-life',
  kind: 'compose',
  severity: 'warning',
  fixable: 'sometimes',
  docs: {
    what: `Flags a service whose \`image:\` is an official image on a release line past its end of life. The value is read after interpolation with the \`.env\` beside the compose file (\`\${PG_TAG:-12}\` counts as 12); services that also have \`build:\` are skipped (the image is built, not pulled; DF005 judges its Dockerfile). An \`image:\` inherited through \`extends:\` is reported once, where it is written (the base service) (or, when the base is in a file that is not analyzed itself — not named like a compose file, not included and not extended from a default compose file such as \`compose.yaml\`, e.g. a \`common-services.yml\` that only \`compose.dev.yaml\` extends — on the extending service's name, without a fix). ${EOL_WHAT_COMMON}`,
    why: EOL_DOCS.why,
    bad: 'services:\n  db:\n    image: postgres:12-alpine\n  cache:\n    image: redis:6.0',
    good: 'services:\n  db:\n    image: postgres:15-alpine\n  cache:\n    image: redis:7.4',
    fix: `${EOL_FIX} Not offered while the file has YAML syntax errors, or for an image inherited from an anchor or alias.`,
    guideline: EOL_DOCS.guideline,
    equivalents: EOL_DOCS.equivalents,
    references: EOL_DOCS.references,
  },
  check(ctx) {
    const today = eolToday();
    const out = [];
    for (const service of ctx.services) {
      const img = serviceImageOf(ctx, service) ?? imageFromUnanalyzedBase(ctx, service);
      if (!img || img.built || !img.ref) continue;
      const judged = judgeImage(img.ref, today);
      if (!judged) continue;
      const tagOffset = img.refOffset !== null && img.ref.tag !== null && img.ref.digest === null ? img.refOffset + img.ref.tagStart : null;
      // judgeImage returns a fresh object: extended in place (a `{ ...judged, more }` literal is slow to build in V8, as DF005 notes).
      out.push({ range: img.reportRange, data: Object.assign(judged, { service: service.name, ref: img.ref.text, interpolated: !img.value.literal, tagOffset }) });
    }
    return out;
  },
  message(d) {
    const via = d.interpolated ? ' (after interpolation)' : '';
    return `Image '${d.ref}'${via} of service '${d.service}' ${eolStatus(d)}${eolMove(d)}`;
  },
  fix(ctx, { data }) {
    if (!data.target || data.tagOffset === null) return undefined;
    const range = ctx.lines.rangeOf(data.tagOffset, data.tagOffset + data.tag.length);
    return {
      title: eolMoveTitle(data),
      safe: false,
      changes: [{ kind: 'edit', path: ctx.path, edits: [{ range, newText: data.target }] }],
    };
  },
  // The newest supported line too, when the oldest ends within six months (review 43d, item 5).
  moreFixes(ctx, { data }) {
    if (!data.target || !data.newest || data.tagOffset === null) return [];
    const range = ctx.lines.rangeOf(data.tagOffset, data.tagOffset + data.tag.length);
    return [{ title: `Move to ${data.repository}:${data.newest} (newest supported line)`, safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [{ range, newText: data.newest }] }] }];
  },
});
