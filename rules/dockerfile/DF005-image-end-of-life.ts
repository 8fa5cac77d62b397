import { defineRule } from '../engine/rule';
import { pulledImageVia, stageBaseImage } from '../engine/df-instructions';
import { analysisDate, eolMove, eolMoveTitle, eolStatus, judgeImage, type EolFinding } from '../engine/eol';
import { EOL_DOCS, EOL_FIX, EOL_WHAT_COMMON } from '../engine/eol-docs';
import type { Range } from '../engine/types';
import { buildOutsideCompose, composeBuilders, globalArgsRead } from '../engine/build-args';
import type { DockerfileContext, Stage } from '../engine/dockerfile';

interface Data extends EolFinding {
  /** The reference as written (after ARG resolution). */
  ref: string;
  /** The written tag, when the fix can replace it (literal FROM, no digest); else null. */
  tagRange: Range | null;
  viaArg: boolean;
  digest: boolean;
  /**
   * Every compose service building the Dockerfile passes one of these build args, which the FROM reads (DC004
   * judges what they select), and `outside` may build it without them; absent otherwise.
   */
  overriddenBy?: { args: string[]; outside: string };
}

/** What the compose files around a Dockerfile say of its builds, once per analysis (kept with the analysis' context). */
const buildersMemo = new WeakMap<DockerfileContext, ReturnType<typeof composeBuilders>>();
const outsideMemo = new WeakMap<DockerfileContext, string | undefined>();

/**
 * Whether every compose service that builds the Dockerfile passes a value for a global ARG the FROM reads
 * (review 43d, item 6): the names passed, or null when a service passes none, a build cannot be read, or none builds it.
 */
function overriddenByCompose(ctx: DockerfileContext, stage: Stage): string[] | null {
  const raw = stage.from.getImage();
  if (!raw) return null;
  const read = globalArgsRead(ctx, raw);
  if (read.size === 0) return null;
  let builders = buildersMemo.get(ctx);
  if (!builders) buildersMemo.set(ctx, (builders = composeBuilders(ctx)));
  if (builders === 'unknown' || builders.length === 0) return null;
  const names = new Set<string>();
  for (const b of builders) {
    if (b.args.unknown) return null;
    const passed = [...read].filter((n) => b.args.args.get(n)?.given);
    if (passed.length === 0) return null;
    for (const n of passed) names.add(n);
  }
  return [...names];
}

export default defineRule<'dockerfile', Data>({
  code: 'DF005',
  name: 'image-end-of-life',
  kind: 'dockerfile',
  severity: 'warning',
  fixable: 'sometimes',
  docs: {
    summary: 'A `FROM`, in any stage, uses an image on a release line, or built on a distribution, past its end of life.',
    what: `Flags a \`FROM\` (in any stage: a builder image compiles with an unsupported toolchain) whose image is past its end of life: an official image on a release line that has ended, or built on a distribution release that has ended (the one its tag's variant names: \`node:22-bullseye\`), and the other images covered below, each by what its name or tag says (Bitnami's and Microsoft's .NET images by the product's line, NVIDIA's CUDA and OpenGL images and ROCm's dev images by the OS their tag or name names, Red Hat's Universal Base Images by the RHEL release their repository names). A FROM that names a build context the compose services building the Dockerfile give (\`build.additional_contexts\`: the context stands for the image, or replaces the stage) is judged by that context: a \`docker-image://\` context's image, without a fix (the tag is written in the compose file); a folder is not judged. An image given through an \`ARG\` is judged by the ARG's default, as a build without \`--build-arg\` makes it; the values compose services pass in \`build.args\` are judged by DC004, on the service. A default is not reported when every compose service that builds the Dockerfile passes one of the global ARGs the FROM reads (a value written, \`NAME=…\` or \`NAME: …\`, also interpolated; \`- NAME\` alone passes the \`.env\`'s value when the \`.env\` sets NAME, else takes it from Compose's environment and may pass nothing), read in the compose files around it (the default files and their overrides in its folder and up to three above, what they include or extend) and in the other compose files of those folders (\`compose.prod.yaml\`, run with \`-f\`): no build the project defines uses it. Conservative: a Dockerfile can be built without compose, so the default is still reported, saying that compose overrides it, when a CI configuration or build file in its folder or a folder above it (up to the repository's root) builds images — a GitHub workflow, \`.gitlab-ci.yml\`, \`Jenkinsfile\`, a \`Makefile\` that runs \`docker build\`/\`buildx\`/bake, a bake or skaffold file; and when a service passes none of those ARGs or its build cannot be read. ${EOL_WHAT_COMMON}`,
    why: EOL_DOCS.why,
    bad: 'FROM node:16-alpine\nFROM python:3.7-slim',
    good: 'FROM node:22-alpine\nFROM python:3.11-slim',
    fix: EOL_FIX,
    guideline: EOL_DOCS.guideline,
    equivalents: EOL_DOCS.equivalents,
    references: EOL_DOCS.references,
  },
  check(ctx) {
    const today = analysisDate(ctx.options);
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
      // An ARG default that no compose build uses is not reported, unless something may build the Dockerfile without compose.
      let overriddenBy: Data['overriddenBy'];
      if (viaArg && !base.context) {
        const args = overriddenByCompose(ctx, stage);
        if (args) {
          if (!outsideMemo.has(ctx)) outsideMemo.set(ctx, buildOutsideCompose(ctx));
          const outside = outsideMemo.get(ctx);
          if (outside === undefined) continue;
          overriddenBy = { args, outside };
        }
      }
      const tagRange = viaArg || ref.digest || base.context ? null : (stage.from.getImageTagRange() ?? null);
      out.push({ range, data: Object.assign(judged, { ref: ref.text, tagRange, viaArg, digest: ref.digest !== null, ...(base.context ? { context: base.context } : {}), ...(overriddenBy ? { overriddenBy } : {}) }) });
    }
    return out;
  },
  message(d) {
    const o = d.overriddenBy;
    const via = o ? ` (from the ARG default, which every compose service building this Dockerfile overrides with the build arg${o.args.length > 1 ? 's' : ''} ${o.args.join(', ')}; ${o.outside} may build it without)` : pulledImageVia(d);
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
