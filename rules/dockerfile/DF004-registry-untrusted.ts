import { defineRule } from '../engine/rule';
import { imagePath, pulledImageLabel, pulledImages, pulledImageVia, registryAllows, type PulledImage } from '../engine/df-instructions';

interface Data {
  image: string;
  /** `registry/path` with Docker Hub spelled out (`docker.io/library/node`). */
  path: string;
  source: PulledImage['source'];
  viaArg: boolean;
  /** The `docker-image://` build context compose gives for the written name. */
  context?: string;
  /** The allow-list at detection time (for the message). */
  allowed: string[];
}

export default defineRule<'dockerfile', Data>({
  code: 'DF004',
  name: 'registry-untrusted',
  kind: 'dockerfile',
  severity: 'warning',
  fixable: 'never',
  docs: {
    summary: 'An image the build pulls comes from a registry outside the `trustedRegistries` allow-list.',
    what: 'Flags images pulled from a registry outside the allow-list in the `trustedRegistries` option: `FROM` bases of every stage and external images in `COPY --from=` and in `RUN --mount=…,from=`. Inactive while the list is empty. An entry is a registry host (`docker.io` for Docker Hub, `ghcr.io`, `registry.example.com:5000`), a host with a path prefix (`docker.io/library` allows only official images, `ghcr.io/acme` only that organisation) or a wildcard host (`*.corp.example`); `*` alone allows every registry (as in hadolint\'s `trustedRegistries`), which turns the rule off. Images without a registry are Docker Hub (`docker.io`); `scratch` and earlier stages are not images; an ARG without a default is unknown and never flagged, and one with a default is judged by it, as a build without `--build-arg` makes it (the values compose services pass in `build.args` are not read here: only DF005 and DC004 read them, for end of life).',
    why: 'Every image the build pulls runs code in the build and ships files in the image. A registry the organisation has not vetted (a typo-squatted namespace, an abandoned account, a registry without signing or scanning) is a supply-chain entry point. SECURITY-GUIDELINES.md §1 asks for scanned images and "Supply Chain Security" for verified sources; the "Docker Registry" section pushes to a private registry the team controls — pulling from the same trusted places is the other half.',
    bad: '# trustedRegistries: ["docker.io", "registry.example.com"]\nFROM quay.io/someone/tool:1.2',
    good: '# trustedRegistries: ["docker.io", "registry.example.com"]\nFROM registry.example.com/mirror/tool:1.2',
    fix: 'No fix: whether to mirror the image into a trusted registry or to add the registry to `trustedRegistries` is a decision for the team.',
    guideline: '§1 Image Security; Dependency Security — "Supply Chain Security" ("Use verified packages"); Docker Registry',
    equivalents: ['hadolint DL3026 (use only an allowed registry in the FROM image; `trustedRegistries` in .hadolint.yaml)', 'Datadog IaC "Use only allowed registry in FROM"'],
    references: [
      'https://github.com/hadolint/hadolint/wiki/DL3026',
      'https://docs.docker.com/reference/dockerfile/#from',
      'https://docs.docker.com/reference/cli/docker/image/tag/',
    ],
  },
  check(ctx) {
    const allowed = ctx.options.trustedRegistries.filter((e) => e.trim() !== '');
    if (allowed.length === 0) return [];
    const out = [];
    for (const img of pulledImages(ctx)) {
      if (allowed.some((e) => registryAllows(e, img.ref))) continue;
      out.push({ range: ctx.rangeOfOffsets(img.start, img.end), data: { image: img.ref.text, path: imagePath(img.ref), source: img.source, viaArg: img.viaArg, ...(img.context ? { context: img.context } : {}), allowed } });
    }
    return out;
  },
  message(d) {
    const via = pulledImageVia(d);
    const list = d.allowed.length > 4 ? `${d.allowed.slice(0, 4).join(', ')}…` : d.allowed.join(', ');
    return `${pulledImageLabel(d.source)} '${d.image}'${via} is pulled from ${d.path}, which no trusted registry allows (${list}).`;
  },
});
