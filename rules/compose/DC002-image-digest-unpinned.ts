import { defineRule } from '../engine/rule';
import { imageFromUnanalyzedBase } from '../engine/compose-lookup';
import { serviceImageOf } from '../engine/compose-values';
import { parseImageRef } from '../engine/image';

interface Data {
  service: string;
  /** The reference as Compose reads it (after interpolation). */
  image: string;
  /** File offset where the reference is written literally in the service (else null: no fix). */
  refOffset: number | null;
  /** A tag is written. */
  tagged: boolean;
}

export default defineRule<'compose', Data>({
  code: 'DC002',
  name: 'image-digest-unpinned',
  kind: 'compose',
  severity: 'info',
  optIn: true,
  fixable: 'sometimes',
  docs: {
    summary: 'A service\'s `image:` is not pinned by an `@sha256:` digest.',
    what: 'Off unless enabled. Flags a service whose `image:` is not pinned by digest (`name:tag@sha256:…`). The value is read after interpolation with the `.env` beside the compose file; a reference whose variable is unknown is not a finding. Services that also have `build:` are skipped (the image is built locally). An `image:` inherited through a `<<` merge is reported on the merge key. An `image:` inherited through `extends:` is reported once, where it is written (the base service) (or, when the base is in a file that is not analyzed itself — not named like a compose file, not included and not extended from a default compose file such as `compose.yaml`, e.g. a `common-services.yml` that only `compose.dev.yaml` extends — on the extending service\'s name, without a fix).',
    why: 'A tag is a pointer the publisher (or whoever takes over their registry account) can move: `postgres:17-alpine` today is not the same bytes as next month, and a compromised push reaches every host on its next pull. A digest names exactly one image, so what was reviewed and scanned is what runs. SECURITY-GUIDELINES.md §6 ("Use specific versions") and "Supply Chain Security" ("Pin versions"); a digest is the strictest form. It is opt-in because digests must then be updated deliberately (Renovate or Dependabot can do it), or the pinned images stop receiving security fixes (§1 "Regular Updates").',
    bad: 'services:\n  db:\n    image: postgres:17-alpine',
    good: 'services:\n  db:\n    image: postgres:17-alpine@sha256:<digest from `docker buildx imagetools inspect postgres:17-alpine`>',
    fix: 'With registry lookups on (`dockerGuardrails.registry.lookups` or `check --fix --registry-lookups`; never in untrusted workspaces), "Pin to digest" looks up the digest the tag points to in the image\'s registry and writes `image: postgres:17-alpine@sha256:…`, keeping the tag for readers. For a multi-platform image it is the digest of the index (OCI image index / Docker manifest list), so the pin works on every platform. Safe (the content the tag names today; applied by `check --fix --registry-lookups` when the rule is enabled). Offered only for a reference written literally with a tag in the service (not through `${…}`, not from an anchor or alias, not untagged). Without lookups: run `docker buildx imagetools inspect <image>` and append `@sha256:…` yourself; let Renovate or Dependabot keep it current.',
    guideline: '§6 Image Build Security — "Use specific versions"; Supply Chain Security — "Pin versions"',
    equivalents: ['compose-lint CL-0019 (image not pinned to digest)'],
    references: ['https://docs.docker.com/reference/compose-file/services/#image', 'https://docs.docker.com/reference/compose-file/services/#extends', 'https://docs.docker.com/reference/cli/docker/image/pull/#pull-an-image-by-digest-immutable-identifier', 'https://docs.docker.com/reference/cli/docker/buildx/imagetools/inspect/'],
  },
  check(ctx) {
    const out = [];
    for (const service of ctx.services) {
      const img = serviceImageOf(ctx, service) ?? imageFromUnanalyzedBase(ctx, service);
      if (!img || img.built || !img.ref || img.ref.digest) continue;
      out.push({ range: img.reportRange, data: { service: service.name, image: img.ref.text, refOffset: img.refOffset, tagged: img.ref.tag !== null } });
    }
    return out;
  },
  async asyncFixes(ctx, { data }, { registry }) {
    if (data.refOffset === null || !data.tagged) return [];
    if (ctx.text.slice(data.refOffset, data.refOffset + data.image.length) !== data.image) return [];
    const ref = parseImageRef(data.image);
    if (!ref || ref.digest) return [];
    const digest = await registry.resolveDigest(ref);
    if (!digest) return [];
    const at = ctx.lines.positionAt(data.refOffset + data.image.length);
    return [{ title: `Pin to digest ${digest.slice(0, 19)}…`, safe: true, changes: [{ kind: 'edit', path: ctx.path, edits: [{ range: { start: at, end: at }, newText: `@${digest}` }] }] }];
  },
  message(d) {
    return `Image '${d.image}' of service '${d.service}' is not pinned by digest: the registry can serve other bytes under the same tag.`;
  },
});
