import { defineRule } from '../engine/rule';
import { stageBaseImage, stageBaseIsContext } from '../engine/df-instructions';
import { catalogEntry, isMinimalTag, minimalVariantTag, CATALOG_CHECKED } from '../engine/catalog';
import { analysisDate } from '../engine/eol';
import { officialImageName, type ImageRef } from '../engine/image';
import { everyVariantGives, stageChain } from '../engine/stage-scope';
import { programName } from '../engine/shell';
import { packageCommands } from '../engine/packages';
import type { DockerfileContext, Stage } from '../engine/dockerfile';
import type { Detection, Position, Range } from '../engine/types';

interface Data {
  image: string;
  /** How the final stage reaches the image: written in its FROM, through an ARG default, or through earlier stages. */
  via: 'direct' | 'arg' | 'stage' | 'context';
  /** The `docker-image://` build context compose gives, when `via` is `context`. */
  context?: string;
  /** The stage the final stage builds on, when `via` is `stage`. */
  throughStage: string | null;
  /** The catalog's minimal tag of the same line (of the supported line DF005 moves to, when `eolLine` is set), or null. */
  minimalTag: string | null;
  /** The end-of-life line the image is on, which DF005 reports: the minimal tag is then of the line DF005 moves to. */
  eolLine?: string;
  /** Where the fix writes: the tag as written, or (no tag) the end of the image name. Null: no fix. */
  tagRange: Range | null;
  insertAt: Position | null;
  /** Tools the final stage runs that the minimal variant does not ship and the file does not install (`curl`, `wget`, `git`). */
  missing: string[];
  /** The minimal variant is Alpine and the final stage installs with apt-get (or apt, aptitude): Debian package names, which apk does not know. */
  debianPackages?: boolean;
}

/** Tools full distributions ship that minimal variants lack: BusyBox gives Alpine a `wget`, not `curl` or `git`; `-slim` has none. */
const TOOLS = ['curl', 'wget', 'git'] as const;
/** Each tool named in a CMD, ENTRYPOINT or HEALTHCHECK's text, as a word or a path's last part (compiled once, not per instruction). */
const TOOL_MENTIONS = TOOLS.map((t) => ({ tool: t, pattern: new RegExp(`(?:^|[\\s"'\\[/])${t}(?=$|[\\s"',\\]])`) }));

/**
 * Official images whose minimal variants install some of TOOLS themselves: php's Alpine images add
 * curl as a runtime dependency (`apk add --no-cache ca-certificates curl openssl tar xz` in
 * docker-library/php's alpine Dockerfiles; review 24, probe df-01).
 */
const SHIPPED_BY_MINIMAL: Record<string, readonly string[]> = { php: ['curl'] };

/**
 * The tools of TOOLS that the final stage (and the stages it builds on) runs — as a RUN command or in a
 * HEALTHCHECK, CMD or ENTRYPOINT — and that no package install of the file adds, which the minimal
 * variant `tag` would not have.
 */
function missingTools(ctx: DockerfileContext, chain: readonly Stage[], repository: string, tag: string): string[] {
  const ships = Object.hasOwn(SHIPPED_BY_MINIMAL, repository) ? SHIPPED_BY_MINIMAL[repository] : [];
  const lacks = (/alpine/.test(tag) ? ['curl', 'git'] : ['curl', 'wget', 'git']).filter((t) => !ships.includes(t));
  const used = new Set<string>();
  const inChain = new Set<Stage>(chain);
  for (const run of ctx.runs()) {
    if (!run.stage || !inChain.has(run.stage)) continue;
    for (const script of run.scripts) for (const cmd of script.commands) if ((TOOLS as readonly string[]).includes(programName(cmd))) used.add(programName(cmd));
  }
  for (const stage of chain) {
    for (const ins of stage.instructions) {
      const kw = ins.getKeyword();
      if (kw !== 'HEALTHCHECK' && kw !== 'CMD' && kw !== 'ENTRYPOINT') continue;
      const r = ins.getRange();
      const text = ctx.text.slice(ctx.offsetAt(r.start), ctx.offsetAt(r.end));
      for (const { tool, pattern } of TOOL_MENTIONS) if (pattern.test(text)) used.add(tool);
    }
  }
  // Installed by the file's own package manager calls (`apt-get install curl`, `apk add curl=8.5.0-r0`).
  const installed = new Set<string>();
  for (const pc of packageCommands(ctx)) {
    if (pc.family === 'pip' || pc.family === 'npm' || pc.family === 'gem' || (pc.action !== 'install' && pc.action !== 'add')) continue;
    for (const w of pc.operands) installed.add(w.value.replace(/[=<>~].*$/, ''));
  }
  return TOOLS.filter((t) => used.has(t) && lacks.includes(t) && !installed.has(t));
}

/** Whether a RUN of the stages runs Debian's package tools (apt-get, apt, aptitude: the package index's apt family). */
function installsDebianPackages(ctx: DockerfileContext, chain: readonly Stage[]): boolean {
  return packageCommands(ctx).some((pc) => pc.family === 'apt' && !!pc.run.stage && chain.includes(pc.run.stage));
}

/** General-purpose distributions: a minimal base (alpine, a -slim variant, distroless) exists for what they run. */
const DISTROS = new Set(['ubuntu', 'debian', 'centos', 'fedora', 'amazonlinux', 'oraclelinux', 'rockylinux', 'almalinux', 'archlinux', 'buildpack-deps', 'clearlinux', 'mageia', 'photon']);
/** Official runtime images outside the catalog that publish -alpine or -slim variants. */
const HAS_MINIMAL_VARIANT = new Set(['openjdk', 'rust', 'perl', 'elixir', 'erlang', 'amazoncorretto', 'pypy', 'julia']);

/** Repositories and registries whose images are minimal in every tag. */
const MINIMAL_REPOSITORY = /(?:^|[/-])(?:alpine|distroless|busybox|wolfi(?:-base)?|minideb|chiseled|nanoserver|scratch)(?:$|[/-])|(?:^|[/-])(?:micro|minimal)$|(?:^|\/)ubi\d*-(?:micro|minimal)(?:$|\/)/;
const MINIMAL_REGISTRY = /^(?:cgr\.dev|dhi\.io|gcr\.io\/distroless|docker\.io\/chainguard)(?:\/|$)/;

/**
 * Official images whose default (and version-only) tags are already alpine- or scratch-based on Linux:
 * `caddy:2.11` shares its manifest with `2.11-alpine` (library/caddy: "Tags: 2.11-alpine … SharedTags:
 * 2.11, 2, latest"), and docker, registry, bash, eclipse-mosquitto and nats are built on alpine or scratch.
 */
const ALPINE_BY_DEFAULT = new Set(['caddy', 'docker', 'registry', 'bash', 'eclipse-mosquitto', 'nats', 'traefik', 'busybox', 'alpine', 'hello-world']);

/**
 * Microsoft's .NET images (also under the old `dotnet/core/*` names): their version-only and `latest`
 * tags are the Debian slim images (`8.0` is `8.0-bookworm-slim`, `3.1` was `3.1-buster-slim`: the tag
 * tables of dotnet/dotnet-docker's READMEs; review 18, probe 13).
 */
const DOTNET_REPOSITORY = /^dotnet\/(?:core\/)?(?:runtime|aspnet|runtime-deps|sdk)$/;

function isMinimal(ref: ImageRef, today: string): boolean {
  if ((ref.registry ?? '').toLowerCase() === 'mcr.microsoft.com' && DOTNET_REPOSITORY.test(ref.repository) && (ref.tag === null || ref.tag === 'latest' || /^\d+(?:\.\d+)*$/.test(ref.tag))) return true;
  const official = officialImageName(ref);
  if (official !== null && ALPINE_BY_DEFAULT.has(official) && !/(?:^|-)windowsservercore/.test(ref.tag ?? '')) return true;
  if (ref.tag && (isMinimalTag(ref.tag) || /(?:^|[-.])(?:chiseled|nanoserver)(?:$|[-.\d])/.test(ref.tag))) return true;
  if (MINIMAL_REPOSITORY.test(ref.repository)) return true;
  const path = `${ref.registry ?? 'docker.io'}/${ref.repository}`;
  if (MINIMAL_REGISTRY.test(path)) return true;
  const entry = catalogEntry(ref, today);
  return !!entry && entry.alwaysMinimal;
}

/** Flavours published only on a full distribution: php's Apache variants (mod_php needs Debian's apache2), Windows Server Core. */
function flavourWithoutMinimal(ref: ImageRef): boolean {
  const tag = ref.tag ?? '';
  if (/(?:^|-)windowsservercore(?:$|-)/.test(tag)) return true;
  return officialImageName(ref) === 'php' && /(?:^|-)apache(?:$|-)/.test(tag);
}

/** Whether the rule knows a minimal alternative to this image; other images (private bases, apps without variants) are not judged. */
function judged(ref: ImageRef, today: string): boolean {
  if (flavourWithoutMinimal(ref)) return false;
  const official = officialImageName(ref);
  if (official !== null) {
    const entry = catalogEntry(ref, today);
    if (entry) return entry.minimal !== null || DISTROS.has(official);
    return DISTROS.has(official) || HAS_MINIMAL_VARIANT.has(official);
  }
  const registry = (ref.registry ?? '').toLowerCase();
  if (registry === 'mcr.microsoft.com') return DOTNET_REPOSITORY.test(ref.repository);
  if (registry === 'registry.access.redhat.com') return /^ubi\d+(?:\/ubi)?$/.test(ref.repository);
  // Fedora from its own registry and from quay.io, as fedora from Docker Hub (review 13, probe df-07); fedora-minimal is minimal.
  if (registry === 'registry.fedoraproject.org') return ref.repository === 'fedora';
  if (registry === 'quay.io') return ref.repository === 'fedora/fedora';
  if (ref.registry === null) return /^redhat\/ubi\d+$/.test(ref.repository);
  return false;
}

/**
 * The stage the final stage builds on, as the message names it: its name (or index), or, for a FROM that names
 * it through a variable, the FROM as written (`runtime-$TARGETARCH`), the same for every stage it could name.
 */
function throughStageOf(stage: Stage): string | null {
  if (stage.base.kind !== 'stage') return null;
  if (stage.variantOf) return stage.from.getImage() ?? null;
  return stage.base.stage.name ?? String(stage.base.stage.index);
}

/** The full-distribution image the final stage (or a copy of it built on one stage its variable FROM could name: chainVariants) runs on. */
function judgeFinal(ctx: DockerfileContext, stage: Stage): Detection<Data>[] {
  const chain = stageChain(stage);
  const root = chain[chain.length - 1];
  if (root.base.kind !== 'image') return [];
  // A compose build context stands for the image named, or replaces a stage of the chain: a folder is
  // not judged (review 19, probe 04), a `docker-image://` context is, without a fix (review 20, probe 01).
  if (chain.slice(0, -1).some((s) => stageBaseIsContext(ctx, s))) return [];
  const base = stageBaseImage(ctx, root);
  if (!base) return [];
  const ref = base.ref;
  // A digest with no tag (`python@sha256:…`) names an image whose variant and version cannot be read offline:
  // it may be slim already (review 48b, finding 4). A tag with a digest is judged by its tag.
  if (ref.digest && !ref.tag) return [];
  const today = analysisDate(ctx.options);
  if (isMinimal(ref, today) || !judged(ref, today)) return [];
  const via: Data['via'] = root !== stage ? 'stage' : base.context ? 'context' : root.base.viaArg ? 'arg' : 'direct';
  const variant = minimalVariantTag(ref, today);
  const minimal = variant?.tag ?? null;
  let tagRange: Range | null = null;
  let insertAt: Position | null = null;
  if (via === 'direct' && minimal && !ref.digest) {
    tagRange = stage.from.getImageTagRange();
    if (!tagRange) insertAt = stage.from.getImageNameRange()?.end ?? null;
  }
  const r = stage.from.getImageRange() ?? stage.from.getRange();
  const missing = minimal ? missingTools(ctx, chain, officialImageName(ref) ?? '', minimal) : [];
  const debianPackages = !!minimal && /alpine/.test(minimal) && installsDebianPackages(ctx, chain);
  return [{ range: r, data: { image: ref.text, via, ...(base.context ? { context: base.context } : {}), throughStage: throughStageOf(stage), minimalTag: minimal, ...(variant?.eolLine ? { eolLine: variant.eolLine } : {}), tagRange, insertAt, missing, ...(debianPackages ? { debianPackages } : {}) } }];
}

export default defineRule<'dockerfile', Data>({
  code: 'DF003',
  name: 'base-image-not-minimal',
  kind: 'dockerfile',
  severity: 'info',
  fixable: 'sometimes',
  docs: {
    summary: 'The final stage is built on a full distribution image where a minimal one (alpine, slim, distroless…) exists.',
    what: 'Flags a final stage whose base image is a full distribution where a minimal one exists: not alpine, `-slim`, distroless, `scratch`, Chainguard/Wolfi, UBI micro/minimal, Ubuntu chiseled or another `-minimal` image. Only the final stage is judged (builder stages may carry compilers); a final stage built on an earlier stage is judged by that stage\'s base. Judged are official images whose catalog line has a minimal variant, general-purpose distributions (ubuntu, debian, fedora — also from registry.fedoraproject.org and quay.io/fedora —…), official runtimes known to publish -alpine/-slim variants, .NET (also under the old `mcr.microsoft.com/dotnet/core/*` names; their version-only and `latest` tags are the Debian slim images, so only a full-distribution tag such as `-noble` is flagged) and full UBI images; other images (private bases, apps without a minimal variant such as mysql, flavours only built on Debian such as `php:*-apache`) are unknown and not flagged, and so is an ARG without a default (one with a default is judged by it, as a build without `--build-arg` makes it (the values compose services pass in `build.args` are not read here: only DF005 and DC004 read them, for end of life)), or a base that a folder given as a compose build context (`build.additional_contexts`) stands for; a `docker-image://` context is judged by its image, without a fix. A final stage whose FROM names an earlier stage through a variable (`FROM runtime-$TARGETARCH`) is judged on each stage it could name (the automatic platform ARG\'s values — also in `${TARGETARCH:-amd64}`, since BuildKit always sets these ARGs and the fallback is never used —, or a global ARG default), and reported only when all of them run on the same full-distribution image. A reference pinned by digest alone (`python@sha256:…`, no tag) is not judged: the digest cannot be read offline, so neither the variant (it may be slim already) nor the version is known (review 48b); a tag with a digest (`python:3.13@sha256:…`) is judged by its tag.',
    why: 'Every package in the runtime image is attack surface and scanner noise: shells, package managers, compilers and libraries the application never calls still carry CVEs and give an attacker tools after a break-in. SECURITY-GUIDELINES.md §1: "Use Alpine Linux – Minimal base image reduces attack surface"; §6: "Clean up – Remove unnecessary packages".',
    bad: 'FROM node:24\nCOPY . /app\nCMD ["node", "/app/server.js"]',
    good: 'FROM node:24-alpine\nCOPY . /app\nCMD ["node", "/app/server.js"]',
    fix: `"Use <image>:<minimal tag>" rewrites the final stage's tag to the minimal variant of the same release line from the bundled catalog (checked ${CATALOG_CHECKED}): \`node:24\` → \`node:24-alpine\`, \`python:3.13\` → \`python:3.13-slim\`; an untagged or \`latest\` image gets the minimal variant of the newest supported line in the bundled EOL data, the one \`latest\` follows (\`nginx\` → \`nginx:1.31-alpine\`). A tag on a line past its end of life (which DF005 reports) gets the minimal variant of the supported line DF005 moves to, never of the EOL line: \`golang:1.24\` → \`golang:1.26-alpine\` once 1.24 and 1.25 are past their end of life, \`node:16\` → \`node:22-alpine\` (a move to another release line: check the upgrade notes too); no fix when DF005 knows no supported line to move to. Offered only when the image is written in the final FROM itself (not through an ARG or an earlier stage), is not pinned by digest, and its tag is a plain version. Not safe for fix-all: alpine uses musl instead of glibc and slim variants drop build tools, so native modules or packages installed later may need changes — build and test after applying it. The message names the tools the final stage runs (in a RUN, HEALTHCHECK, CMD or ENTRYPOINT) that the minimal variant does not ship and no package install of the file adds: \`curl\` and \`git\` on alpine (BusyBox provides \`wget\`; php's Alpine images add \`curl\`), \`curl\`, \`wget\` and \`git\` on \`-slim\`; and, when the variant is Alpine and the stage installs with \`apt-get\` (or \`apt\`, \`aptitude\`), that those packages need their Alpine (apk) names.`,
    guideline: '§1 Image Security — "Use Alpine Linux"; §6 Image Build Security — "Clean up"',
    equivalents: ['no hadolint, Checkov or Trivy check (Docker Scout and `docker scout recommendations` suggest smaller base images)', 'pipeguard D05 (large base image instead of slim/alpine)'],
    references: [
      'https://docs.docker.com/build/building/best-practices/#choose-the-right-base-image',
      'https://docs.docker.com/build/building/multi-stage/',
      'https://hub.docker.com/_/node',
      'https://github.com/GoogleContainerTools/distroless',
      'https://github.com/docker-library/official-images/blob/master/library/caddy',
      'https://docs.docker.com/reference/dockerfile/#automatic-platform-args-in-the-global-scope',
      'https://docs.docker.com/build/building/multi-platform/',
    ],
  },
  check(ctx) {
    const stage = ctx.finalStage;
    if (!stage) return [];
    // `FROM runtime-$TARGETARCH`: judged on each stage it could name, reported when every one runs on the same image (review 48b, item 2).
    return everyVariantGives(ctx, stage, (s) => judgeFinal(ctx, s));
  },
  message(d) {
    const via = d.via === 'arg' ? ' (from the ARG default)' : d.via === 'stage' ? ` (through stage '${d.throughStage}')` : d.via === 'context' ? ` (the build context ${d.context} that compose gives it)` : '';
    const name = d.image.replace(/[:@].*$/, '');
    const lacks = d.missing.length === 0 ? '' : ` (it has no ${d.missing.join(' or ')}, which this file runs: install ${d.missing.length === 1 ? 'it' : 'them'} there)`;
    // Alpine has no apt-get: the packages the file installs need their apk names (review 6, probe df-07).
    const apt = d.debianPackages ? ' (it has no apt-get: the packages this file installs with it need their Alpine apk names)' : '';
    // An end-of-life line (DF005): the minimal variant of the supported line DF005 moves to, never of the EOL line (review 41c, item 6).
    const variant = d.eolLine ? `the minimal variant of a supported line (${d.eolLine} is past its end of life), ${name}:${d.minimalTag}` : `its minimal variant ${name}:${d.minimalTag}`;
    const hint = d.minimalTag ? `use ${variant}${lacks}${apt}` : 'use an alpine, -slim or distroless base';
    return `The final image runs on '${d.image}'${via}, a full distribution with packages the application does not need; ${hint}.`;
  },
  fix(ctx, { data }) {
    if (!data.minimalTag || (!data.tagRange && !data.insertAt)) return undefined;
    const name = data.image.replace(/[:@].*$/, '');
    const edit = data.tagRange ? { range: data.tagRange, newText: data.minimalTag } : { range: { start: data.insertAt!, end: data.insertAt! }, newText: `:${data.minimalTag}` };
    return { title: `Use ${name}:${data.minimalTag}`, safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [edit] }] };
  },
});
