import { defineRule } from '../engine/rule';
import { imageFromUnanalyzedBase } from '../engine/compose-lookup';
import { CATALOG_CHECKED, minimalVariantTag } from '../engine/catalog';
import { analysisDate } from '../engine/eol';
import { serviceImageOf } from '../engine/compose-values';
import type { ImageRef } from '../engine/image';
import type { TextEdit } from '../engine/types';

interface Data {
  service: string;
  /** The reference as Compose reads it (after interpolation). */
  image: string;
  ref: ImageRef;
  /** The minimal variant's tag (`20-alpine`, `3.13-slim`): of the supported line DC004 moves to when `eolLine` is set. */
  minimalTag: string;
  /** The end-of-life line the image is on, which DC004 reports (review 41c, item 6). */
  eolLine?: string;
  /** File offset where the reference starts, when it is written literally in the service and has no digest (else null: no fix). */
  refOffset: number | null;
}

export default defineRule<'compose', Data>({
  code: 'DC003',
  name: 'image-not-minimal',
  kind: 'compose',
  severity: 'info',
  fixable: 'sometimes',
  docs: {
    summary: 'A service uses the full variant of an official image that has a minimal one (alpine or slim) in the catalog.',
    what: `Flags a service whose \`image:\` is an official image with a known minimal variant (alpine or slim, from the bundled catalog checked ${CATALOG_CHECKED}) that is not used: \`node:24\` → \`node:24-alpine\`, \`python:3.13\` → \`python:3.13-slim\`, \`postgres\` → \`postgres:18-alpine\` (no tag: the minimal variant of the newest supported line, see DC001). Only plain version tags (and \`latest\` or no tag) are judged: a tag that names a distribution or variant (\`python:3.13-bookworm\`, \`node:24-bullseye\`) is a deliberate choice and is left alone, as are images without a minimal variant (mysql, mongo, ubuntu) and images that are always minimal (alpine, busybox). A tag on a line past its end of life (DC004) is judged by the supported line DC004 moves to, and not reported when DC004 knows none: that line's minimal variant would be end-of-life too. The value is read after interpolation with the \`.env\` beside the compose file; an unknown value is not a finding. Services that also have \`build:\` are skipped. A reference pinned by digest alone (\`python@sha256:…\`, no tag) is not judged: the digest cannot be read offline, so neither the variant nor the version is known (review 48b); a tag with a digest is judged by its tag. An \`image:\` inherited through \`extends:\` is reported once, where it is written (the base service) (or, when the base is in a file that is not analyzed itself — not named like a compose file, not included and not extended from a default compose file such as \`compose.yaml\`, e.g. a \`common-services.yml\` that only \`compose.dev.yaml\` extends — on the extending service's name, without a fix).`,
    why: 'A full Debian-based image carries compilers, shells, package tools and hundreds of libraries the service never calls; each is attack surface and a source of scanner findings to triage. The alpine or slim variant of the same release runs the same software with a fraction of the packages. SECURITY-GUIDELINES.md §1: "Use Alpine Linux — Minimal base image reduces attack surface".',
    bad: 'services:\n  db:\n    image: postgres:17\n  api:\n    image: node:24',
    good: 'services:\n  db:\n    image: postgres:17-alpine\n  api:\n    image: node:24-alpine',
    fix: '"Use <image>:<minimal tag>" rewrites the tag to the minimal variant of the same release line (or, without a tag or with `latest`, to the minimal variant of the newest supported line, the one `latest` follows: `postgres` → `postgres:18-alpine`), keeping quotes and comments. A tag on a line past its end of life (which DC004 reports) gets the minimal variant of the supported line DC004 moves to, never of the EOL line (`postgres:14` → `postgres:15-alpine` once 14 is past its end of life: a major upgrade, which for a data store means migrating the data — `pg_upgrade` or a dump and restore). Offered only when the reference is written literally in the service (not through `${…}`, not from an anchor or alias) and is not pinned by digest (the digest would no longer match). Not offered while the file has YAML syntax errors. Not safe: alpine uses musl instead of glibc and slim lacks build tools, so native modules, locale data or tools the service shells out to may be missing; test the service (and any volume data written by the old image, e.g. database collation) before relying on it. Without a tag or with `latest`, the newest line the bundled EOL data knows may be older than what `latest` runs on the day you apply it (a release after the data was checked): a data store that already initialized its volume with a newer major will not start on an older one, so check which major the data was written with first.',
    guideline: '§1 Image Security — "Use Alpine Linux"',
    equivalents: ['Docker Scout `docker scout recommendations` (suggests smaller base image tags)', 'Snyk Container base image recommendations (alternative, smaller base images)'],
    references: ['https://docs.docker.com/reference/compose-file/services/#extends', 'https://docs.docker.com/reference/compose-file/services/#image', 'https://hub.docker.com/_/node#image-variants', 'https://docs.docker.com/reference/cli/docker/scout/recommendations/'],
  },
  check(ctx) {
    const out = [];
    const today = analysisDate(ctx.options);
    for (const service of ctx.services) {
      const img = serviceImageOf(ctx, service) ?? imageFromUnanalyzedBase(ctx, service);
      if (!img || img.built || !img.ref) continue;
      // A digest with no tag: variant and version cannot be read offline (review 48b, finding 4); a tag with a digest is judged by its tag.
      if (img.ref.digest && !img.ref.tag) continue;
      const variant = minimalVariantTag(img.ref, today);
      if (!variant) continue;
      out.push({
        range: img.reportRange,
        data: { service: service.name, image: img.ref.text, ref: img.ref, minimalTag: variant.tag, ...(variant.eolLine ? { eolLine: variant.eolLine } : {}), refOffset: img.ref.digest ? null : img.refOffset },
      });
    }
    return out;
  },
  message(d) {
    if (d.eolLine) return `Image '${d.image}' of service '${d.service}' has a minimal variant on a supported line (${d.eolLine} is past its end of life), '${d.ref.repository}:${d.minimalTag}', with far fewer packages.`;
    return `Image '${d.image}' of service '${d.service}' has a minimal variant, '${d.ref.repository}:${d.minimalTag}', with far fewer packages.`;
  },
  fix(ctx, { data }) {
    if (data.refOffset === null) return undefined;
    const ref = data.ref;
    let edit: TextEdit;
    if (ref.tag !== null) {
      const start = data.refOffset + ref.tagStart;
      edit = { range: ctx.lines.rangeOf(start, start + ref.tag.length), newText: data.minimalTag };
    } else {
      const at = ctx.lines.positionAt(data.refOffset + ref.repositoryEnd);
      edit = { range: { start: at, end: at }, newText: `:${data.minimalTag}` };
    }
    return { title: `Use ${ref.repository}:${data.minimalTag}`, safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [edit] }] };
  },
});
