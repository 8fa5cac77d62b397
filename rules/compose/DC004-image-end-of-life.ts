import * as path from 'node:path';
import { defineRule } from '../engine/rule';
import type { ComposeContext, Service } from '../engine/compose';
import { imageFromUnanalyzedBase } from '../engine/compose-lookup';
import { serviceImageOf } from '../engine/compose-values';
import { buildAlwaysRuns } from '../engine/build-or-pull';
import { buildArgsOf, fromWithArgs, mergedBuiltDockerfile, type PassedArg } from '../engine/build-args';
import { analysisDate, eolMove, eolMoveTitle, eolStatus, judgeImage, type EolFinding } from '../engine/eol';
import { EOL_DOCS, EOL_FIX, EOL_WHAT_COMMON } from '../engine/eol-docs';
import { parseImageRef } from '../engine/image';
import { additionalContextsOf, namedContextKey } from '../engine/relations';
import type { Range } from '../engine/types';

interface Data extends EolFinding {
  service: string;
  /** The reference as Compose reads it (after interpolation), or as the build's FROM names it. */
  ref: string;
  /** The value came (partly) from `${…}` interpolation. */
  interpolated: boolean;
  /** File offset of the written tag, when the fix can replace it; else null. */
  tagOffset: number | null;
  /** The base image of a build, selected by a build arg the service passes: the FROM as written, the Dockerfile, the arg. */
  viaBuildArg?: {
    from: string;
    /** The Dockerfile's path relative to the compose file's folder. */
    dockerfile: string;
    arg: string;
    /** The arg's value that moves the FROM to the target, and where the value is written; null when no edit is exact. */
    newValue: string | null;
    /** The new value as written in the file (quoted when a plain YAML scalar would read it as a number). */
    newText: string | null;
    valueOffsets: [number, number] | null;
  };
}

/**
 * The value of `arg` that makes the FROM name `targetText` for this build: the text around the arg's value
 * in the image is kept (`node:${NODE_VERSION}-alpine` with 16 → 22), checked by resolving the FROM again.
 */
function valueForTarget(dockerfile: Parameters<typeof fromWithArgs>[0], raw: string, args: ReadonlyMap<string, PassedArg>, arg: PassedArg, resolved: string, targetText: string): string | null {
  const v = arg.value;
  if (v === null || v === '') return null;
  for (let i = resolved.indexOf(v); i !== -1; i = resolved.indexOf(v, i + 1)) {
    const pre = resolved.slice(0, i);
    const post = resolved.slice(i + v.length);
    if (!targetText.startsWith(pre) || !targetText.endsWith(post) || targetText.length < pre.length + post.length) continue;
    const candidate = targetText.slice(pre.length, targetText.length - post.length);
    if (candidate === '' || /[\s$"'#]/.test(candidate)) continue;
    const again = new Map(args);
    again.set(arg.name, { ...arg, value: candidate });
    if (fromWithArgs(dockerfile, raw, again).text === targetText) return candidate;
  }
  return null;
}

/** EOL base images that the build args of a service select in the Dockerfile it builds (review 43d, item 6). */
function buildArgFindings(ctx: ComposeContext, service: Service, today: string): { range: Range; data: Data }[] {
  const { args, unknown } = buildArgsOf(ctx, service);
  // Args that cannot all be read (a base that cannot be followed, a `!reset`/`!override` of the default override): not judged.
  if (args.size === 0 || unknown) return [];
  const built = mergedBuiltDockerfile(ctx, service);
  if (!built) return [];
  const dockerfile = built.dockerfile;
  const contexts = additionalContextsOf(ctx, service);
  const out: { range: Range; data: Data }[] = [];
  const seen = new Set<string>();
  for (const stage of dockerfile.stages) {
    const raw = stage.from.getImage();
    if (!raw || !raw.includes('$')) continue;
    const r = fromWithArgs(dockerfile, raw, args);
    if (r.text === null || r.used.length === 0) continue;
    // Reported where the arg is written: in this service (a base service, or the default override, reports its own).
    const here = r.used.find((a) => a.ctx === ctx && a.service.map === service.map);
    if (!here) continue;
    const name = r.text.trim().toLowerCase();
    // An earlier stage, scratch, or a build context the service gives under the name (or the stage's): not an image pulled.
    if (name === 'scratch' || dockerfile.stages.some((s) => s.index < stage.index && s.name === name)) continue;
    if (contexts.has(namedContextKey(name)) || (stage.name !== null && contexts.has(namedContextKey(stage.name)))) continue;
    const ref = parseImageRef(r.text);
    if (!ref) continue;
    const judged = judgeImage(ref, today);
    if (!judged) continue;
    const key = `${here.name}\u0000${ref.text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    let newValue: string | null = null;
    if (judged.target && ref.digest === null && here.literal && here.entry.editable && here.entry.valueOffsets) {
      newValue = valueForTarget(dockerfile, raw, args, here, r.text, `${r.text.slice(0, r.text.length - ref.tag!.length)}${judged.target}`);
    }
    // A plain YAML value that would read as a number or boolean (`3.10` is the float 3.1 to Compose) is written quoted.
    const plain = here.entry.form === 'map' && here.entry.valueOffsets !== null && !/["']/.test(ctx.text[here.entry.valueOffsets[0] - 1] ?? '');
    const newText = newValue !== null && plain && /^(?:[-+.\d_eE]+|true|false|yes|no|on|off|null|~|y|n)$/i.test(newValue) ? JSON.stringify(newValue) : newValue;
    const rel = path.relative(ctx.dir, dockerfile.path).split(path.sep).join('/');
    const data: Data = Object.assign(judged, {
      service: service.name,
      ref: ref.text,
      interpolated: !here.literal,
      tagOffset: null,
      viaBuildArg: { from: raw, dockerfile: rel, arg: here.name, newValue, newText, valueOffsets: newValue === null ? null : here.entry.valueOffsets },
    });
    out.push({ range: here.entry.range, data });
  }
  return out;
}

export default defineRule<'compose', Data>({
  code: 'DC004',
  name: 'image-end-of-life',
  kind: 'compose',
  severity: 'warning',
  fixable: 'sometimes',
  docs: {
    summary: 'A service\'s image, or the base its build args select, is on a release line or distribution past its end of life.',
    what: `Flags a service whose \`image:\` is past its end of life: an official image on a release line that has ended, or built on a distribution release that has ended, and the other images covered below, each by what its name or tag says (Bitnami's and Microsoft's .NET images by the product's line, NVIDIA's CUDA and OpenGL images and ROCm's dev images by the OS their tag or name names, Red Hat's Universal Base Images by the RHEL release their repository names). The value is read after interpolation with the \`.env\` beside the compose file (\`\${PG_TAG:-12}\` counts as 12); a service that also has \`build:\` builds its image (DF005 judges its Dockerfile), but an \`image:\` the default override (\`compose.override.yaml\`) writes on a service the default file builds is judged here, in the override: with no \`pull_policy\` Compose pulls that name first and builds only when it cannot be pulled (Compose Build Specification, Using build and image), and an official image can be pulled, so it is the image that runs (DC041 judges it the same way) — not with \`pull_policy: build\` in either file, which always builds, but the base image its \`build.args\` select is judged here: a FROM of the Dockerfile it builds that reads a global ARG the service passes (\`ARG NODE_VERSION=22\` / \`FROM node:\${NODE_VERSION}-alpine\` with \`args: { NODE_VERSION: "16" }\` builds node:16-alpine), in any stage, reported on the arg as written in the service (map or list form, interpolated with the \`.env\`; through \`extends:\` and the default override the arg that wins is reported where it is written). An arg written without a value (\`- NODE_VERSION\`, \`NODE_VERSION:\`) is passed with the \`.env\`'s value when the \`.env\` sets it (Compose resolves build args from the project's environment, which holds the \`.env\`: docker/compose \`pkg/compose/build.go\`, toBuildOptions) and judged with it, without a fix; args a \`<<\` merge key brings into \`args:\` are passed too (the service's own keys win). A FROM that also reads an arg written without a value that the \`.env\` does not set (Compose's environment may pass any value, or none) or a value that is not known, args that cannot all be read (a base that cannot be followed, a \`!reset\`/\`!override\` of the default override on \`build\` or \`args\`), a FROM that names an earlier stage or a build context the service gives (\`additional_contexts\`), and an ARG declared after the first FROM (a FROM does not see it) are not judged. An \`image:\` inherited through \`extends:\` is reported once, where it is written (the base service) (or, when the base is in a file that is not analyzed itself — not named like a compose file, not included and not extended from a default compose file such as \`compose.yaml\`, e.g. a \`common-services.yml\` that only \`compose.dev.yaml\` extends — on the extending service's name, without a fix). ${EOL_WHAT_COMMON}`,
    why: EOL_DOCS.why,
    bad: 'services:\n  db:\n    image: postgres:12-alpine\n  cache:\n    image: redis:6.0',
    good: 'services:\n  db:\n    image: postgres:15-alpine\n  cache:\n    image: redis:7.4',
    fix: `${EOL_FIX} Not offered while the file has YAML syntax errors, or for an image inherited from an anchor or alias. For a base image selected by a build arg, "Set build arg <NAME> to <value>" edits the arg's value in the compose file (\`NODE_VERSION: "16"\` → \`"22"\`), keeping the rest of the FROM; it is offered only when the value is written literally (not interpolated, not from an anchor) and the FROM, resolved again with the new value, names the target; never applied by fix-all (a major upgrade).`,
    guideline: EOL_DOCS.guideline,
    equivalents: EOL_DOCS.equivalents,
    references: [
      ...EOL_DOCS.references,
      'https://docs.docker.com/reference/compose-file/build/#args',
      'https://github.com/docker/compose/blob/main/pkg/compose/build.go (toBuildOptions: an arg without a value is resolved from the project environment, `.env` included; one it does not hold is not passed)',
      'https://github.com/moby/buildkit/blob/master/frontend/dockerfile/dockerfile2llb/convert.go (a build arg passed, even empty, replaces the default of a global ARG)',
    ],
  },
  check(ctx) {
    const today = analysisDate(ctx.options);
    const out = [];
    // A finding is reported on an arg this file writes: without one no build is read.
    const hasArgs = ctx.text.includes('args');
    for (const service of ctx.services) {
      const img = serviceImageOf(ctx, service) ?? imageFromUnanalyzedBase(ctx, service);
      // A service that builds: the base images its build args select (most builds pass none).
      if (hasArgs && (!img || img.built)) out.push(...buildArgFindings(ctx, service, today));
      if (!img || img.built || !img.ref) continue;
      // An image the default override writes on a service the default file builds runs when it is pulled (Compose
      // pulls the name first, Compose Build Specification, Using build and image), as DC041 reads it; not with
      // `pull_policy: build`, which always builds and only tags the build with the name (review 46a, item 5).
      if (buildAlwaysRuns(ctx, service)) continue;
      const judged = judgeImage(img.ref, today);
      if (!judged) continue;
      const tagOffset = img.refOffset !== null && img.ref.tag !== null && img.ref.digest === null ? img.refOffset + img.ref.tagStart : null;
      // judgeImage returns a fresh object: extended in place (a `{ ...judged, more }` literal is slow to build in V8, as DF005 notes).
      out.push({ range: img.reportRange, data: Object.assign(judged, { service: service.name, ref: img.ref.text, interpolated: !img.value.literal, tagOffset }) });
    }
    return out;
  },
  message(d) {
    if (d.viaBuildArg) {
      const b = d.viaBuildArg;
      const move = d.target ? ` Move to ${d.repository}:${d.target}, the oldest supported line${b.newValue !== null ? ` (${b.arg}: ${b.newValue})` : ''}.` : '';
      return `Service '${d.service}' builds ${b.dockerfile}, whose FROM ${b.from} names '${d.ref}' with the build arg ${b.arg}${d.interpolated ? ' (after interpolation)' : ''}: it ${eolStatus(d)}${move}`;
    }
    const via = d.interpolated ? ' (after interpolation)' : '';
    return `Image '${d.ref}'${via} of service '${d.service}' ${eolStatus(d)}${eolMove(d)}`;
  },
  fix(ctx, { data }) {
    const b = data.viaBuildArg;
    if (b) {
      if (!data.target || b.newText === null || b.valueOffsets === null) return undefined;
      return {
        title: `Set build arg ${b.arg} to ${b.newValue} (${data.repository}:${data.target}, oldest supported line)`,
        safe: false,
        changes: [{ kind: 'edit', path: ctx.path, edits: [{ range: ctx.lines.rangeOf(b.valueOffsets[0], b.valueOffsets[1]), newText: b.newText }] }],
      };
    }
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
