/**
 * Image references as Docker reads them: `[registry[:port]/]path[:tag][@digest]`
 * (distribution/reference grammar). Shared by the Dockerfile (FROM) and Compose (`image:`) rules.
 */

export interface ImageRef {
  /** The text the reference was parsed from (after variable resolution). */
  text: string;
  /** Registry host, or null for Docker Hub. */
  registry: string | null;
  /** Repository path without registry, e.g. `library/node` is reported as `node`. */
  repository: string;
  tag: string | null;
  digest: string | null;
  /** Offsets inside `text`. */
  tagStart: number;
  /** Where the repository ends (a tag or digest would be inserted here). */
  repositoryEnd: number;
}

const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;

export function parseImageRef(text: string): ImageRef | null {
  const t = text.trim();
  if (t === '' || /\s/.test(t)) return null;
  let rest = t;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return null;
  }
  let registry: string | null = null;
  const slash = rest.indexOf('/');
  let pathStart = 0;
  if (slash !== -1) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost' || /[A-Z]/.test(first)) {
      registry = first;
      pathStart = slash + 1;
    }
  }
  const path = rest.slice(pathStart);
  let tag: string | null = null;
  let repoPath = path;
  const colon = path.lastIndexOf(':');
  if (colon !== -1 && !path.slice(colon).includes('/')) {
    tag = path.slice(colon + 1);
    repoPath = path.slice(0, colon);
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) return null;
  }
  if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(repoPath)) return null;
  if (registry === 'docker.io' || registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = null;
  let repository = repoPath;
  if (registry === null && repository.startsWith('library/')) repository = repository.slice('library/'.length);
  const repositoryEnd = pathStart + repoPath.length;
  return { text: t, registry, repository, tag, digest, tagStart: tag === null ? -1 : pathStart + colon + 1, repositoryEnd };
}

/**
 * Docker Hub's per-architecture copies of the official images: `arm64v8/node` is the `node` image
 * built for arm64, with the same tags (docker-library/official-images, "Architectures other than
 * amd64?": amd64, arm32v5, arm32v6, arm32v7, arm64v8, i386, mips64le, ppc64le, riscv64, s390x, and
 * `winamd64` for windows-amd64). `library/` is the official images' own namespace, which a mirror
 * keeps (`mirror.gcr.io/library/postgres`).
 */
const OFFICIAL_NAMESPACE = /^(?:library|amd64|arm32v[5-7]|arm64v8|i386|mips64le|ppc64le|riscv64|s390x|winamd64)\//;

/**
 * A repository path without its official-image namespace: `arm64v8/redis` and `library/redis` → `redis`. A path without a `/`
 * (`node`, most references) has no namespace to take off: returned as it is, without running the pattern (every rule that
 * judges an image asks officialImageName, several times per image).
 */
export function withoutOfficialNamespace(repository: string): string {
  return repository.includes('/') ? repository.replace(OFFICIAL_NAMESPACE, '') : repository;
}

/**
 * Registries that serve the official images under their own path: Google's Docker Hub mirror
 * (`mirror.gcr.io/library/node`) and the Docker Official Images on Amazon ECR Public
 * (`public.ecr.aws/docker/library/node`).
 */
const OFFICIAL_MIRRORS: Readonly<Record<string, RegExp>> = { 'mirror.gcr.io': /^library\//, 'public.ecr.aws': /^docker\/library\// };

/**
 * The official Docker Hub image a reference names, or null: `node`, `library/node`,
 * `docker.io/library/node`, the per-architecture `arm64v8/node` and the mirrors' copies
 * (`mirror.gcr.io/library/node`, `public.ecr.aws/docker/library/node`) are all `node`.
 */
export function officialImageName(ref: ImageRef): string | null {
  let repository = ref.repository;
  if (ref.registry !== null) {
    const registry = ref.registry.toLowerCase();
    const mirror = Object.hasOwn(OFFICIAL_MIRRORS, registry) ? OFFICIAL_MIRRORS[registry] : undefined;
    if (!mirror || !mirror.test(repository)) return null;
    repository = repository.replace(mirror, '');
  }
  const name = withoutOfficialNamespace(repository);
  return name.includes('/') ? null : name;
}

/** Words that name a release channel, not a release: a tag made of them moves with the channel. */
// Fedora's `rawhide`, Debian's `sid` and a pre-release channel `rc` (`python:rc-slim`) move too (review 33, probe p33);
// so do Debian's other rolling suite names, `oldstable`, `oldoldstable` and `experimental` (the debian
// image's docs: "The rolling tags (debian:stable, debian:testing, etc) use the rolling suite names").
const CHANNEL_WORDS = new Set(['latest', 'stable', 'oldstable', 'oldoldstable', 'edge', 'lts', 'main', 'master', 'nightly', 'develop', 'devel', 'dev', 'current', 'mainline', 'beta', 'alpha', 'canary', 'rolling', 'release', 'unstable', 'testing', 'experimental', 'preview', 'insiders', 'snapshot', 'rawhide', 'sid', 'rc']);

/**
 * A tag that names a release channel and no version (`stable`, `edge`, `main`, `nightly`, `lts-alpine`,
 * `latest-release`, `amd64-latest`): it moves as `latest` does. A tag with a version part is not one
 * (`v1.77.1-stable`, `2022-latest`, `1-chrome-stable`, `3-slim`): it names a release or a release line.
 */
export function channelTag(tag: string | null): boolean {
  if (tag === null || tag === 'latest') return false;
  const parts = tag.toLowerCase().split(/[-_]/);
  // A commit hash (`main-abc1234`, `develop-deadbee`) pins a build like a version (review 11, probe 05).
  return parts.some((p) => CHANNEL_WORDS.has(p)) && !parts.some((p) => /^v?\d/.test(p) || /^(?=[a-f]*\d)[0-9a-f]{7,40}$/.test(p));
}

/** Words of the tags that name a variant of an official image, not a release (`alpine`, `slim`, `bookworm`, `fpm`, `management`…). */
const VARIANT_WORDS = new Set([
  'alpine', 'slim', 'bookworm', 'bullseye', 'buster', 'stretch', 'trixie', 'jammy', 'noble', 'focal', 'bionic',
  'jdk', 'jre', 'fpm', 'apache', 'cli', 'zts', 'management', 'musl', 'glibc', 'uclibc', 'onbuild', 'perl', 'otp',
  'windowsservercore', 'nanoserver', 'ltsc2022', 'ltsc2025', 'full', 'minimal',
  // The docker image's Docker-in-Docker variants (`docker:dind`, `docker:dind-rootless`; review 33, probe p33).
  'dind', 'rootless',
]);
/** Official images whose word-only tags are releases (distribution codenames, Traefik's cheese names), not variants. */
const RELEASE_NAME_IMAGES = new Set(['debian', 'ubuntu', 'alpine', 'centos', 'fedora', 'traefik', 'amazonlinux', 'oraclelinux', 'rockylinux', 'almalinux', 'archlinux', 'clearlinux', 'photon', 'mageia', 'buildpack-deps', 'neurodebian']);

/**
 * A tag of an official image made only of variant words (`nginx:alpine`, `python:slim-bookworm`,
 * `php:fpm-alpine`, `rabbitmq:management`): the variant of whatever `latest` is, so it moves as
 * `latest` does (the official images' tag tables list `alpine` among the shared tags of the newest
 * release only). Not for images whose word-only tags name releases (`debian:bookworm`).
 */
export function variantOnlyTag(ref: ImageRef): boolean {
  if (!ref.tag || ref.digest) return false;
  const official = officialImageName(ref);
  if (official === null || RELEASE_NAME_IMAGES.has(official)) return false;
  // `alpine3.21` is the variant's own version, not the image's (`golang:alpine3.21`: review 21, probe 09).
  return ref.tag.toLowerCase().split(/[-_]/).every((p) => VARIANT_WORDS.has(p) || /^alpine\d+(?:\.\d+)*$/.test(p));
}

/** Whether a tag is unpinned in the sense of DF001/DC001: no tag (and no digest), `latest`, a channel tag (channelTag) or a variant-only tag (variantOnlyTag). */
export function isUnpinned(ref: ImageRef): boolean {
  if (ref.digest) return false;
  return ref.tag === null || ref.tag === 'latest' || channelTag(ref.tag) || variantOnlyTag(ref);
}

/** What an unpinned reference lacks: a tag, or a version (`latest`), or it names a channel (`stable`) or only a variant (`alpine`). */
export function unpinnedProblem(ref: ImageRef): 'none' | 'latest' | 'channel' | 'variant' {
  return ref.tag === null ? 'none' : ref.tag === 'latest' ? 'latest' : channelTag(ref.tag) ? 'channel' : 'variant';
}

/** Windows base images: Server Core, Nano Server and Windows on mcr.microsoft.com, .NET Framework images, the HostProcess containers base image (windows_exporter, review 9). */
const WINDOWS_REPOSITORY = /^(?:windows(?:\/[\w.-]+)*|dotnet\/framework\/[\w.-]+|oss\/kubernetes\/windows-host-process-containers-base-image)$/;
/**
 * Their old Docker Hub names (`microsoft/windowsservercore`), and the bare names the Dockerfile
 * reference's SHELL example builds on (`FROM windowsservercore`, a local tag of it).
 */
const WINDOWS_HUB_REPOSITORY = /^(?:microsoft\/)?(?:windowsservercore|nanoserver|dotnet-framework|iis)$/;
/** Windows variants of other images (`python:3.13-windowsservercore-ltsc2022`, `golang:1.26-nanoserver-ltsc2022`, `dotnet/sdk:8.0-nanoserver-1809`). */
const WINDOWS_TAG = /(?:^|[-.])(?:windowsservercore|nanoserver)(?:$|[-.])/;

/** Whether an image is a Windows image (its RUN lines go through `cmd /S /C` unless a SHELL says otherwise; it has no uids). */
export function isWindowsImage(ref: ImageRef): boolean {
  const registry = ref.registry?.toLowerCase() ?? null;
  // Docker Hub's Windows copies of the official images (`winamd64/python`).
  if (registry === null && ref.repository.startsWith('winamd64/')) return true;
  if (registry === 'mcr.microsoft.com' && WINDOWS_REPOSITORY.test(ref.repository)) return true;
  if (registry === null && WINDOWS_HUB_REPOSITORY.test(ref.repository)) return true;
  return ref.tag !== null && WINDOWS_TAG.test(ref.tag.toLowerCase());
}
