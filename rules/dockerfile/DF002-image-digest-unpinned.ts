import { defineRule } from '../engine/rule';
import { pulledImageLabel, pulledImages, pulledImageVia, type PulledImage } from '../engine/df-instructions';
import { parseImageRef } from '../engine/image';

interface Data {
  image: string;
  /** A tag is written (else neither tag nor digest). */
  tagged: boolean;
  source: PulledImage['source'];
  viaArg: boolean;
  /** The `docker-image://` build context compose gives for the written name. */
  context?: string;
}

export default defineRule<'dockerfile', Data>({
  code: 'DF002',
  name: 'image-digest-unpinned',
  kind: 'dockerfile',
  severity: 'info',
  optIn: true,
  fixable: 'sometimes',
  docs: {
    summary: 'An image the build pulls (`FROM`, `COPY --from=`, `RUN --mount=…,from=`) is not pinned by digest.',
    what: 'Flags every image the build pulls without an `@sha256:` digest: `FROM` bases of every stage (builder stages are pulled too) and external images in `COPY --from=` and in `RUN --mount=…,from=`. `scratch` and earlier stages are not images. An image given through an `ARG` is judged by the ARG\'s default, as a build without `--build-arg` makes it (the values compose services pass in `build.args` are not read here: only DF005 and DC004 read them, for end of life); an ARG without a default is unknown and never flagged. Off unless enabled (`"DF002": "info"`), as Docker Scout\'s supply-chain checks are: digest pinning needs a process that updates the digests.',
    why: 'A tag is a movable pointer: whoever can push to the repository (the publisher, or anyone who compromised the account or the registry) can point `node:24-alpine` at different content, and the next build silently ships it. A digest names the content itself, so the build gets exactly the image that was reviewed and scanned. SECURITY-GUIDELINES.md §6 asks for specific versions and §1 for scanned images; a digest is the only version a registry cannot change under you.',
    bad: 'FROM node:24-alpine',
    good: 'FROM node:24-alpine@sha256:<digest of the index you reviewed>',
    fix: 'With registry lookups on (`dockerGuardrails.registry.lookups` or `check --fix --registry-lookups`; never in untrusted workspaces), "Pin to digest" looks up the digest the tag points to in the image\'s registry and writes `FROM node:24-alpine@sha256:…`, keeping the tag for readers. For a multi-platform image it is the digest of the index (OCI image index / Docker manifest list), as `docker buildx imagetools inspect` shows it, so the pin works on every platform. Safe (the same content the tag names today; applied by `check --fix --registry-lookups` when the rule is enabled) — let Dependabot or Renovate update the digest. Offered only for a reference written literally with a tag (not through an ARG, not untagged: pin a tag first, DF001). Without lookups there is no fix: run `docker buildx imagetools inspect node:24-alpine` (the "Digest" line) and add `@sha256:…` yourself.',
    guideline: '§6 Image Build Security — "Use specific versions"; §1 Image Security — "Vulnerability Scanning" (scan what you pin)',
    equivalents: ['Docker Scout (the Docker docs pair digest pinning with Scout\'s "Up-to-Date Base Images" policy, which tells when a pinned digest falls behind)', 'dockerfile-sec core-007 (use image tag instead of SHA256 hash)', 'no hadolint, Checkov or Trivy check'],
    references: [
      'https://docs.docker.com/build/building/best-practices/#pin-base-image-versions',
      'https://docs.docker.com/reference/dockerfile/#from',
      'https://docs.docker.com/reference/cli/docker/buildx/imagetools/inspect/',
    ],
  },
  check(ctx) {
    const out = [];
    for (const img of pulledImages(ctx)) {
      if (img.ref.digest) continue;
      out.push({ range: ctx.rangeOfOffsets(img.start, img.end), data: { image: img.ref.text, tagged: img.ref.tag !== null, source: img.source, viaArg: img.viaArg, ...(img.context ? { context: img.context } : {}) } });
    }
    return out;
  },
  async asyncFixes(ctx, { range, data }, { registry }) {
    if (data.viaArg || !data.tagged) return [];
    const start = ctx.offsetAt(range.start);
    const end = ctx.offsetAt(range.end);
    if (ctx.text.slice(start, end) !== data.image) return [];
    const ref = parseImageRef(data.image);
    if (!ref || ref.digest) return [];
    const digest = await registry.resolveDigest(ref);
    if (!digest) return [];
    return [{ title: `Pin to digest ${digest.slice(0, 19)}…`, safe: true, changes: [{ kind: 'edit', path: ctx.path, edits: [{ range: { start: range.end, end: range.end }, newText: `@${digest}` }] }] }];
  },
  message(d) {
    const via = pulledImageVia(d);
    const where = pulledImageLabel(d.source);
    return d.tagged
      ? `${where} '${d.image}'${via} is pinned by tag only; a tag can be moved to other content. Add its @sha256: digest.`
      : `${where} '${d.image}'${via} has neither a tag nor a digest, so any push changes what is built. Pin it with a tag and its @sha256: digest.`;
  },
});
