import { defineRule } from '../engine/rule';
import { catalogEntry, CATALOG_CHECKED, pinTags } from '../engine/catalog';
import { pulledImageLabel, pulledImages, pulledImageVia, type PulledImage } from '../engine/df-instructions';
import { analysisDate, EOL_CATALOG_CHECKED } from '../engine/eol';
import { isUnpinned, unpinnedProblem, type ImageRef } from '../engine/image';
import { tagCandidates } from '../engine/tag-candidates';
import type { Fix, Range } from '../engine/types';

interface Data {
  image: string;
  /** `none` when no tag is written, `latest` otherwise. */
  problem: 'none' | 'latest' | 'channel' | 'variant';
  ref: ImageRef;
  /** Where the reference is written; null when it came from ARG defaults or a build context, or is not written as it reads (no fix then). */
  imageRange: Range | null;
  /** Range of the written tag (for `:latest`), else null. */
  tagRange: Range | null;
  /** Where the image is written: a FROM, a `COPY --from=`, or a `RUN --mount=…,from=`. */
  source: PulledImage['source'];
  /** The reference text came (partly) from ARG defaults. */
  viaArg: boolean;
  /** The `docker-image://` build context compose gives for the written name: the image judged. */
  context?: string;
}

/**
 * Images published only under moving tags: Google's distroless images (`latest`, `nonroot`, `debug`,
 * `debug-nonroot`, per the distroless README) and Chainguard's free images (`latest`, `latest-dev`).
 */
function publishesNoVersionTags(ref: ImageRef): boolean {
  return (ref.registry === 'gcr.io' && ref.repository.startsWith('distroless/')) || (ref.registry === 'cgr.dev' && ref.repository.startsWith('chainguard/'));
}

export default defineRule<'dockerfile', Data>({
  code: 'DF001',
  name: 'image-tag-unpinned',
  kind: 'dockerfile',
  severity: 'warning',
  fixable: 'sometimes',
  docs: {
    summary: 'A `FROM` image has no tag, uses `latest`, or a tag that moves as `latest` does (a channel, a bare variant).',
    what: 'Flags a `FROM` whose image has no tag, uses `latest`, or uses, on an official image, a tag made only of variant words (`alpine`, `alpine3.21`, `slim-bookworm`, `fpm-alpine`, `apache`, `management`, `dind`: the variant of whatever `latest` is, which moves as `latest` does; not the release names of distributions such as `debian:bookworm`, NeuroDebian or Traefik; no fix, as for channels), or uses a tag that names a release channel and no version (`stable`, `edge`, `lts`, `main`, `master`, `nightly`, `develop`, `mainline`, `rc`, Fedora\'s `rawhide`, Debian\'s `sid`, `experimental` and `oldstable`, `lts-alpine`, `latest-release`, `amd64-latest`…: it moves as `latest` does; `v1.77.1-stable`, `2022-latest` and `4-chrome-stable` name a release or a release line and are not reported). A channel tag gets no fix: which release `lts` or `stable` names today is not in the bundled data, and it is not the newest line. The same goes for an image a later instruction pulls: `COPY --from=composer` (a name that is no earlier stage is an image to BuildKit, `composer:latest` here) and `RUN --mount=type=bind,from=node,…`, quoted values and mount flags continued over lines included. A name that every compose service building the Dockerfile gives as a build context (`build.additional_contexts`, looked up as BuildKit normalizes names: `php:latest` and `docker.io/library/php` are `php`), also for a FROM, is that context: a folder is not judged, and a `docker-image://` context is the image judged (reported on the name, without a fix: the pin belongs in the compose file). `scratch`, earlier build stages and images pinned by digest are fine. An image given through an `ARG` is judged by the ARG\'s default, as a build without `--build-arg` makes it (the values compose services pass in `build.args` are not read here: only DF005 and DC004 read them, for end of life); an ARG without a default is unknown and never flagged.',
    why: '`latest` moves: the same Dockerfile builds a different base next week (another OS release, another runtime major), so builds are not reproducible and a review of the file says nothing about what ships. SECURITY-GUIDELINES.md §6 asks for specific versions instead of `latest`.',
    bad: 'FROM node\nFROM python:latest',
    good: 'FROM node:24\nFROM python:3.13',
    fix: `"Pin to <image>:<tag>" rewrites the reference to a release line (such as \`node:26\`), not a patch version, so it keeps receiving the line's updates while the line is supported. The first pin offered is the newest line that is supported on the analysis date (today, unless \`--eol-date\` or \`dockerGuardrails.eol.date\` gives one: see DF005) and released by then where the data records a release day (few lines have one: with a past date, a line released after it may be named) in the bundled EOL data (checked ${EOL_CATALOG_CHECKED}): the line \`latest\` named when the data was checked (\`alpine\` → \`alpine:3.24\`). When the bundled catalog of official images (checked ${CATALOG_CHECKED}) recommends another line, such as an LTS (\`node:24\`, \`eclipse-temurin:21\`), that is offered too; for images the EOL data does not know (\`httpd\`, \`traefik\`), only the catalog's line: its support is checked only when the catalog is refreshed (the date above), not on the analysis date, and it may be older than what \`latest\` runs by then (\`nextcloud\`, \`rabbitmq\` and \`wordpress\` release several lines a year). A catalog line that has reached its end of life since it was checked is replaced by the oldest supported line after it, so the fix never pins what DF005/DC004 report. Offered only for official images the catalog knows and only when the reference is written literally in the FROM line or the \`--from\`/\`from=\` value (not through ARGs). Never applied by fix-all: the bundled data cannot know what \`latest\` is on the day you apply it (a release after the data was checked, such as a new Alpine or Python line, would make the pin an older version than the image you build today, with older packages and libraries), and a line older than \`latest\` is a downgrade; an image that keeps data on disk (PostgreSQL, MySQL, MariaDB, MongoDB, Redis…) cannot even start on a data directory a newer major wrote. Check the tag against what you run (\`docker image inspect\`) before applying it. With registry lookups on (\`dockerGuardrails.registry.lookups\`, trusted workspaces only), the quick-fix menu also offers the newest exact versions of the catalog's line found in the registry's tag list (\`node:24.11.1\` and \`node:24.11\`; for images the catalog does not know, the newest release tag such as \`grafana/grafana:12.3.0\`; plain versions only, never pre-releases); those are not safe either (an exact version stops receiving patches until you bump it).`,
    guideline: '§6 Image Build Security — "Use specific versions"; §1 Image Security',
    equivalents: ['hadolint DL3006 (always tag the version of an image explicitly)', 'hadolint DL3007 (using latest is prone to errors)', 'Checkov CKV_DOCKER_7', 'Trivy DS-0001 (:latest tag used)'],
    references: ['https://docs.docker.com/reference/dockerfile/#from', 'https://docs.docker.com/build/building/best-practices/#from'],
  },
  check(ctx) {
    const out = [];
    // Every image the build pulls: FROM bases, and `COPY --from=composer` or `RUN --mount=type=bind,from=node,…`
    // (a name that is no earlier stage is an image to BuildKit, and without a tag it is `latest`).
    for (const img of pulledImages(ctx)) {
      if (!isUnpinned(img.ref)) continue;
      const range = ctx.rangeOfOffsets(img.start, img.end);
      // The reference as written in the Dockerfile, where a pin can go; not one that comes from an ARG or from compose's build context.
      const written = img.exact && !img.viaArg && !img.context;
      let tagRange: Range | null = null;
      if (written && img.source === 'from') tagRange = img.stage.from.getImageTagRange() ?? null;
      else if (written && img.ref.tag !== null && ctx.text.slice(img.end - img.ref.tag.length - 1, img.end) === `:${img.ref.tag}`) tagRange = ctx.rangeOfOffsets(img.end - img.ref.tag.length, img.end);
      out.push({ range, data: { image: img.ref.text, problem: unpinnedProblem(img.ref), ref: img.ref, imageRange: written ? range : null, tagRange, source: img.source, viaArg: img.viaArg, ...(img.context ? { context: img.context } : {}) } });
    }
    return out;
  },
  message(d) {
    const via = pulledImageVia(d);
    const image = `${pulledImageLabel(d.source)} '${d.image}'`;
    // Distroless and Chainguard's free images publish no version tags (latest, nonroot, debug…): only a digest pins them.
    const pin = publishesNoVersionTags(d.ref) ? 'this image publishes no version tags, so pin it by digest (@sha256:…)' : 'pin a version';
    if (d.problem === 'channel') return `${image}${via} uses the moving '${d.ref.tag}' tag, which names a release channel, not a release; ${pin}.`;
    if (d.problem === 'variant') return `${image}${via} uses the moving '${d.ref.tag}' tag, a variant of whatever 'latest' is that day, not a release; ${pin}.`;
    return d.problem === 'none'
      ? `${image}${via} has no tag, so it ${d.source === 'from' ? 'builds from' : 'takes files from'} whatever 'latest' is that day; ${pin}.`
      : `${image}${via} uses the moving 'latest' tag; ${pin}.`;
  },
  fix(ctx, { data }) {
    // A channel tag has no line to pin to without knowing which release it names today (`lts`, `stable` are not the newest line).
    if (!data.imageRange || data.problem === 'channel' || data.problem === 'variant') return undefined;
    const [tag] = pinTags(data.ref, analysisDate(ctx.options));
    return tag === undefined ? undefined : pinTo(ctx.path, data, tag, `Pin to ${data.ref.repository}:${tag}`, false);
  },
  moreFixes(ctx, { data }) {
    if (!data.imageRange || data.problem === 'channel' || data.problem === 'variant') return [];
    return pinTags(data.ref, analysisDate(ctx.options)).slice(1).map((tag) => pinTo(ctx.path, data, tag, `Pin to ${data.ref.repository}:${tag}`, false));
  },
  async asyncFixes(ctx, { data }, { registry }) {
    if (!data.imageRange || data.problem === 'channel' || data.problem === 'variant') return [];
    const tags = await registry.listTags(data.ref);
    if (!tags) return [];
    const line = catalogEntry(data.ref, analysisDate(ctx.options))?.tag ?? null;
    return tagCandidates(tags, line).map((tag) => pinTo(ctx.path, data, tag, `Pin to ${data.ref.repository}:${tag} (${line ? `newest ${line}.x` : 'newest release'} in the registry)`, false));
  },
});

function pinTo(path: string, data: Data, tag: string, title: string, safe: boolean): Fix {
  const at = data.imageRange!;
  const edits = data.tagRange ? [{ range: data.tagRange, newText: tag }] : [{ range: { start: at.end, end: at.end }, newText: `:${tag}` }];
  return { title, safe, changes: [{ kind: 'edit', path, edits }] };
}
