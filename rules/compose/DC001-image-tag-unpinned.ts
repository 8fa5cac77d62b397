import { defineRule } from '../engine/rule';
import { imageFromUnanalyzedBase } from '../engine/compose-lookup';
import { catalogEntry, CATALOG_CHECKED, pinTags } from '../engine/catalog';
import { analysisDate, EOL_CATALOG_CHECKED } from '../engine/eol';
import { serviceImageOf } from '../engine/compose-values';
import { companionWrites } from '../engine/data-volumes';
import { isUnpinned, unpinnedProblem, type ImageRef } from '../engine/image';
import type { ComposeContext } from '../engine/compose';
import { tagCandidates } from '../engine/tag-candidates';
import type { Fix, TextEdit } from '../engine/types';

interface Data {
  service: string;
  /** The reference as Compose reads it (after interpolation). */
  image: string;
  /** `none` when no tag is written, `latest` otherwise. */
  problem: 'none' | 'latest' | 'channel' | 'variant';
  /** The value came (partly) from `${…}` interpolation. */
  interpolated: boolean;
  ref: ImageRef;
  /** File offset where the reference starts, when it is written literally in the service (else null: no fix). */
  refOffset: number | null;
}

export default defineRule<'compose', Data>({
  code: 'DC001',
  name: 'image-tag-unpinned',
  kind: 'compose',
  severity: 'warning',
  fixable: 'sometimes',
  docs: {
    summary: 'A service\'s `image:` has no tag, uses `latest`, or a tag that moves as `latest` does (a channel, a bare variant).',
    what: 'Flags a service whose `image:` has no tag, uses `latest`, or uses, on an official image, a tag made only of variant words (`alpine`, `alpine3.21`, `slim-bookworm`, `fpm-alpine`, `apache`, `management`, `dind`: the variant of whatever `latest` is, which moves as `latest` does; not the release names of distributions such as `debian:bookworm`, NeuroDebian or Traefik; no fix, as for channels), or uses a tag that names a release channel and no version (`stable`, `edge`, `lts`, `main`, `master`, `nightly`, `develop`, `mainline`, `rc`, Fedora\'s `rawhide`, Debian\'s `sid`, `experimental` and `oldstable`, `lts-alpine`, `latest-release`, `amd64-latest`…: it moves as `latest` does; `v1.77.1-stable`, `2022-latest` and `4-chrome-stable` name a release or a release line and are not reported). A channel tag gets no fix: which release `lts` or `stable` names today is not in the bundled data, and it is not the newest line. The value is read after interpolation with the `.env` beside the compose file: `${TAG:-latest}` counts as `latest` (a default is what ships), and a reference whose variable is unknown is not a finding. Images pinned by digest are fine. Services that also have `build:` are skipped, also when it is written for the same service in the compose file Compose merges by default (`compose.override.yaml` beside `compose.yaml`, or the base beside an override): there `image:` names what Compose builds and tags, not an image pulled from a registry. An `image:` inherited through a `<<` merge is reported on the merge key; one inherited through `extends:` is reported once, where it is written (the base service) (or, when the base is in a file that is not analyzed itself — not named like a compose file, not included and not extended from a default compose file such as `compose.yaml`, e.g. a `common-services.yml` that only `compose.dev.yaml` extends — on the extending service\'s name, without a fix).',
    why: '`latest` moves: the same compose file starts a different image next week (another major version, another base OS), so deployments are not reproducible, a rollback does not roll back, and a review of the file says nothing about what runs. SECURITY-GUIDELINES.md §6 asks for specific versions instead of `latest`, and §1 for regularly updated images — which is a deliberate change of the tag, not a silent one.',
    bad: 'services:\n  web:\n    image: nginx\n  cache:\n    image: redis:latest',
    good: 'services:\n  web:\n    image: nginx:1.28-alpine\n  cache:\n    image: redis:8.0-alpine',
    fix: `"Pin to <image>:<tag>" writes a release line (such as \`nginx:1.31\`), not a patch version, so it keeps receiving the line's updates while the line is supported. It replaces \`latest\` or adds the tag after the repository, keeping quotes and comments. The first pin offered is the newest line that is supported on the analysis date (today, unless \`--eol-date\` or \`dockerGuardrails.eol.date\` gives one: see DF005) and released by then where the data records a release day (few lines have one: with a past date, a line released after it may be named) in the bundled EOL data (checked ${EOL_CATALOG_CHECKED}): the line \`latest\` named when the data was checked. When the bundled catalog of official images (checked ${CATALOG_CHECKED}) recommends another line, such as an LTS or stable branch (\`node:24\`, \`nginx:1.30\`), that is offered too; for images the EOL data does not know (\`traefik\`, \`httpd\`), only the catalog's line: its support is checked only when the catalog is refreshed (the date above), not on the analysis date, and it may be older than what \`latest\` runs by then (\`nextcloud\`, \`rabbitmq\` and \`wordpress\` release several lines a year). A catalog line that has reached its end of life since it was checked is replaced by the oldest supported line after it, so the fix never pins what DF005/DC004 report. Offered only for official images the catalog knows and only when the reference is written literally in the service (not through \`\${…}\`, not inherited from an anchor or alias). Not offered while the file has YAML syntax errors. Never applied by fix-all: the bundled data cannot know what \`latest\` is on the day you apply it (a release after the data was checked would make the pin an older version than the one the service runs today), a line older than \`latest\` is a downgrade, and a server that keeps data on disk (PostgreSQL, MySQL, MariaDB, MongoDB, Redis…) cannot start on a data directory a newer major wrote. Check the tag against what runs (\`docker compose images\`) before applying it. With registry lookups on (\`dockerGuardrails.registry.lookups\`, trusted workspaces only), the quick-fix menu also offers the newest exact versions of the catalog's line found in the registry's tag list (\`nginx:1.30.4\`, \`nginx:1.30\`; for images the catalog does not know, the newest release tag); not safe either (an exact version stops receiving patches until you bump it).`,
    guideline: '§6 Image Build Security — "Use specific versions"; §1 Image Security — "Regular Updates"',
    equivalents: ['dclint service-image-require-explicit-tag', 'compose-lint CL-0004 (image not pinned to version)'],
    references: ['https://docs.docker.com/reference/compose-file/services/#extends', 'https://docs.docker.com/reference/compose-file/services/#image', 'https://docs.docker.com/reference/compose-file/interpolation/', 'https://docs.docker.com/build/building/best-practices/#pin-base-image-versions'],
  },
  check(ctx) {
    const out = [];
    for (const service of ctx.services) {
      const img = serviceImageOf(ctx, service) ?? imageFromUnanalyzedBase(ctx, service);
      if (!img || img.built || !img.ref || !isUnpinned(img.ref)) continue;
      // Built once Compose merges the override beside this file (or the base beside an override).
      if (companionWrites(ctx, service, ['build'])) continue;
      out.push({
        range: img.reportRange,
        data: {
          service: service.name,
          image: img.ref.text,
          problem: unpinnedProblem(img.ref),
          interpolated: !img.value.literal,
          ref: img.ref,
          refOffset: img.refOffset,
        },
      });
    }
    return out;
  },
  message(d) {
    const via = d.interpolated ? ' (after interpolation)' : '';
    if (d.problem === 'channel') return `Image '${d.image}'${via} of service '${d.service}' uses the moving '${d.ref.tag}' tag, which names a release channel, not a release; pin a version.`;
    if (d.problem === 'variant') return `Image '${d.image}'${via} of service '${d.service}' uses the moving '${d.ref.tag}' tag, a variant of whatever 'latest' is that day, not a release; pin a version.`;
    return d.problem === 'none'
      ? `Image '${d.image}'${via} of service '${d.service}' has no tag, so it runs whatever 'latest' is that day; pin a version.`
      : `Image '${d.image}'${via} of service '${d.service}' uses the moving 'latest' tag; pin a version.`;
  },
  fix(ctx, { data }) {
    // A channel tag has no line to pin to without knowing which release it names today (`lts`, `stable` are not the newest line).
    if (data.refOffset === null || data.problem === 'channel' || data.problem === 'variant') return undefined;
    const [tag] = pinTags(data.ref, analysisDate(ctx.options));
    return tag === undefined ? undefined : pinTo(ctx, data, tag, `Pin to ${data.ref.repository}:${tag}`, false);
  },
  moreFixes(ctx, { data }) {
    if (data.refOffset === null || data.problem === 'channel' || data.problem === 'variant') return [];
    return pinTags(data.ref, analysisDate(ctx.options)).slice(1).map((tag) => pinTo(ctx, data, tag, `Pin to ${data.ref.repository}:${tag}`, false));
  },
  async asyncFixes(ctx, { data }, { registry }) {
    if (data.refOffset === null || data.problem === 'channel' || data.problem === 'variant') return [];
    const tags = await registry.listTags(data.ref);
    if (!tags) return [];
    const line = catalogEntry(data.ref, analysisDate(ctx.options))?.tag ?? null;
    return tagCandidates(tags, line).map((tag) => pinTo(ctx, data, tag, `Pin to ${data.ref.repository}:${tag} (${line ? `newest ${line}.x` : 'newest release'} in the registry)`, false));
  },
});

function pinTo(ctx: ComposeContext, data: Data, tag: string, title: string, safe: boolean): Fix {
  const ref = data.ref;
  let edit: TextEdit;
  if (ref.tag !== null) {
    const start = data.refOffset! + ref.tagStart;
    edit = { range: ctx.lines.rangeOf(start, start + ref.tag.length), newText: tag };
  } else {
    const at = ctx.lines.positionAt(data.refOffset! + ref.repositoryEnd);
    edit = { range: { start: at, end: at }, newText: `:${tag}` };
  }
  return { title, safe, changes: [{ kind: 'edit', path: ctx.path, edits: [edit] }] };
}
