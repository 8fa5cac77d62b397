/**
 * End-of-life release lines of official images (DF005/DC004), from the bundled catalog
 * `rules/data/eol-catalog.json`: which line a tag belongs to, whether that line is past its end of
 * life on the analysis date, and the oldest line still supported to move to.
 *
 * Conservative by design: a tag that matches no line of the catalog (`python:3`, `node:lts`, `latest`,
 * a date-stamped or unknown variant that does not start with a version) is never reported, and a line
 * whose end is not announced (`eol: null`) is supported.
 */
import catalogData from '../data/eol-catalog.json';
import type { ImageRef } from './image';
import { officialImageName } from './image';
import type { RuleOptions } from './types';

export interface EolLine {
  /** The release line as the image tags it: `16`, `3.8`, `1.20`, `20.04`. */
  line: string;
  /** Tags that name the same, frozen line: codenames (`gallium`, `buster`) or a major whose last line it is (`python:2`). */
  aliases?: string[];
  /** The end-of-life date (YYYY-MM-DD), or null when no end is announced (supported). */
  eol: string | null;
  /**
   * When the line was first released (YYYY-MM-DD), where the source gives it: a move never targets a line
   * released after the analysis date (a past `--eol-date`: review 43d, left alone).
   */
  released?: string;
  /** The project's own release or support page the date was checked on. */
  source: string;
  /** When the date was checked (YYYY-MM-DD). */
  checked: string;
  /** The date ends this image's builds of the line, not the release itself (maintained in other images: `openjdk:11`). */
  buildsOnly?: boolean;
  note?: string;
}

export interface EolImage {
  /** What messages call the image when its catalog name is a registry path (`.NET` for `mcr.microsoft.com/dotnet`). */
  product?: string;
  /** Tag suffixes (`-alpine`, `-slim`) the fix keeps; a tag with another suffix gets no fix. */
  variants: string[];
  /** Why no fix is offered for this image at all (e.g. a deprecated image). */
  noFix?: string;
  /**
   * The image itself is deprecated: every tag is reported, a tag that names no line of the catalog
   * (`openjdk:27-ea`) as a tag of the deprecated image, from `since` (the last day supported builds were published).
   */
  deprecated?: { since: string; source: string };
  note?: string;
  /** Sorted by version, ascending. */
  lines: EolLine[];
}

/** A distribution that is no official image but that other images are built on and name (`rhel`: nvidia/cuda's `-ubi8` tags). */
export interface EolDistribution {
  /** How messages name it: `Red Hat Enterprise Linux`. */
  name: string;
  note?: string;
  /** Sorted by version, ascending. */
  lines: EolLine[];
}

interface EolCatalog {
  checked: string;
  images: Record<string, EolImage>;
  distributions: Record<string, EolDistribution>;
}

const catalog = catalogData as unknown as EolCatalog;

/** The date the bundled EOL catalog was last checked. */
export const EOL_CATALOG_CHECKED = catalog.checked;

export function eolImages(): Readonly<Record<string, EolImage>> {
  return catalog.images;
}

/** The catalog's distributions that are no official image (judged only through the images that name them). */
export function eolDistributions(): Readonly<Record<string, EolDistribution>> {
  return catalog.distributions;
}

// ---- "today" -----------------------------------------------------------------------------------

const realClock = (): Date => new Date();
let clock: () => Date = realClock;

/**
 * Fixes the date EOL is judged on (tests: fixtures must not change meaning as time passes).
 * `undefined` restores the real clock.
 */
export function setEolClockForTests(date: Date | string | undefined): void {
  clock = date === undefined ? realClock : () => new Date(date);
}

const DAY_MS = 86_400_000;
/** The real clock's day, kept until the day ends (formatting a date costs about a microsecond per file). */
let todayCache: { day: string; start: number; end: number } | undefined;

/** Today's date as YYYY-MM-DD (UTC): the analysis date when the options fix none (analysisDate). */
export function eolToday(): string {
  if (clock !== realClock) return clock().toISOString().slice(0, 10);
  const now = Date.now();
  if (todayCache && now >= todayCache.start && now < todayCache.end) return todayCache.day;
  const start = Math.floor(now / DAY_MS) * DAY_MS;
  todayCache = { day: new Date(now).toISOString().slice(0, 10), start, end: start + DAY_MS };
  return todayCache.day;
}

/**
 * The analysis date of an analysis as YYYY-MM-DD: the date its options fix (`--eol-date`,
 * `dockerGuardrails.eol.date`), else today's UTC date (or the tests' clock: setEolClockForTests).
 */
export function analysisDate(options: Pick<RuleOptions, 'eolDate'>): string {
  return options.eolDate ?? eolToday();
}

/** Whether a text is a date as an analysis date is written: YYYY-MM-DD, and a day of the calendar (not 2026-02-30). */
export function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const t = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === text;
}

// ---- versions ------------------------------------------------------------------------------------

const partsMemo = new Map<string, readonly number[]>();

/** Numeric components of a line (`3.10` → [3, 10]). Memoized: the catalog's lines are read for every image. */
export function lineParts(line: string): readonly number[] {
  let parts = partsMemo.get(line);
  if (!parts) {
    parts = line.split('.').map((p) => Number(p));
    if (partsMemo.size >= 4096) partsMemo.clear();
    partsMemo.set(line, parts);
  }
  return parts;
}

/** Compares two lines numerically (`3.9` < `3.10`, `9.6` < `10`). */
export function compareLines(a: string, b: string): number {
  const x = lineParts(a);
  const y = lineParts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? -1) - (y[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

export interface TagLine {
  image: string;
  entry: EolImage;
  line: EolLine;
  /** The written text that names the line: the version (`16.20.2`) or alias (`gallium`). */
  versionText: string;
  /** Extra version text after the numbers (`u382-b05`, `_8`), kept out of the suffix. */
  build: string;
  /** What follows the version in the tag (`-alpine3.18`, `-slim`, or ''). */
  suffix: string;
  /** The tag names the line by an alias (codename) rather than by number. */
  byAlias: boolean;
}

/**
 * Repositories of other registries that share one catalog entry (Microsoft's .NET images), and where
 * a repository that gets no newer lines moved to: the `dotnet/core/*` names stopped at .NET 3.1
 * (dotnet/dotnet-docker#2375), so a tag there cannot simply change.
 */
const REGISTRY_ENTRIES: Readonly<Record<string, { entry: string; movedTo?: string }>> = Object.fromEntries([
  ...['sdk', 'aspnet', 'runtime', 'runtime-deps'].map((r) => [`mcr.microsoft.com/dotnet/${r}`, { entry: 'mcr.microsoft.com/dotnet' }]),
  ...['sdk', 'aspnet', 'runtime', 'runtime-deps'].map((r) => [`mcr.microsoft.com/dotnet/core/${r}`, { entry: 'mcr.microsoft.com/dotnet', movedTo: `mcr.microsoft.com/dotnet/${r}` }]),
  // Elastic's own registry publishes the same products as the official images (https://www.docker.elastic.co/).
  ...['elasticsearch', 'kibana', 'logstash'].map((p) => [`docker.elastic.co/${p}/${p}`, { entry: p }]),
]);

/**
 * Bitnami's packagings of the catalog's products (`bitnami/postgresql:14.10.0-debian-11-r3`): the same
 * release lines under Bitnami's names. On 2025-08-28 Bitnami stopped building its versioned Debian images
 * and moved them to `bitnamilegacy/*`, where they "will receive no further updates or support"
 * (bitnami/containers#83267); `docker.io/bitnami` keeps only a few `latest` images.
 */
const BITNAMI_PRODUCTS: Readonly<Record<string, string>> = {
  postgresql: 'postgres', mysql: 'mysql', mariadb: 'mariadb', redis: 'redis', mongodb: 'mongo', rabbitmq: 'rabbitmq',
  elasticsearch: 'elasticsearch', kibana: 'kibana', logstash: 'logstash', node: 'node', python: 'python', 'php-fpm': 'php',
  ruby: 'ruby', golang: 'golang', nginx: 'nginx', tomcat: 'tomcat',
};

/** The day Bitnami's catalog change took effect, and where it is announced. */
export const BITNAMI_LEGACY = { since: '2025-08-28', source: 'https://github.com/bitnami/containers/issues/83267' };

/** A Bitnami image (`bitnami/<name>` or `bitnamilegacy/<name>` on Docker Hub): its namespace and name, else undefined. */
function bitnamiOf(ref: ImageRef): { legacy: boolean; name: string } | undefined {
  if (ref.registry !== null) return undefined;
  const m = /^(bitnami|bitnamilegacy)\/([a-z0-9][a-z0-9._-]*)$/.exec(ref.repository);
  return m ? { legacy: m[1] === 'bitnamilegacy', name: m[2] } : undefined;
}

function registryEntryOf(ref: ImageRef): { entry: string; movedTo?: string } | undefined {
  if (ref.registry === null) return undefined;
  const key = `${ref.registry.toLowerCase()}/${ref.repository}`;
  return Object.prototype.hasOwnProperty.call(REGISTRY_ENTRIES, key) ? REGISTRY_ENTRIES[key] : undefined;
}

/** The catalog name of an image: the official image's name, the entry its registry path shares, or the product a Bitnami image packages; null when none. */
function catalogNameOf(ref: ImageRef): string | null {
  const official = officialImageName(ref) ?? registryEntryOf(ref)?.entry;
  if (official !== undefined) return official;
  const bitnami = bitnamiOf(ref);
  return bitnami && Object.prototype.hasOwnProperty.call(BITNAMI_PRODUCTS, bitnami.name) ? BITNAMI_PRODUCTS[bitnami.name] : null;
}

/** The catalog entry of an image (official, or on a registry the catalog knows), or undefined. */
export function eolEntry(ref: ImageRef): EolImage | undefined {
  const name = catalogNameOf(ref);
  if (name === null) return undefined;
  return Object.prototype.hasOwnProperty.call(catalog.images, name) ? catalog.images[name] : undefined;
}

/**
 * The release line a tag belongs to, or undefined when the catalog does not know it. The tag must
 * start with the line's version (more components may follow: `16.20.2`) or with an alias, followed
 * by nothing or by `-suffix`.
 */
export function lineOfTag(image: string, tag: string): TagLine | undefined {
  const entry = Object.prototype.hasOwnProperty.call(catalog.images, image) ? catalog.images[image] : undefined;
  if (!entry) return undefined;
  const m = /^(\d+(?:\.\d+)*)((?:u\d+(?:-b\d+)?)|(?:_\d+))?(.*)$/.exec(tag);
  if (m) {
    const [, version, build = '', suffix] = m;
    if (suffix !== '' && !suffix.startsWith('-')) return undefined;
    const parts = lineParts(version);
    let found: EolLine | undefined;
    for (const l of entry.lines) {
      const lp = lineParts(l.line);
      if (lp.length <= parts.length && lp.every((p, i) => p === parts[i])) {
        // The longest matching line wins (`9.6` over a hypothetical `9`).
        if (!found || lp.length > lineParts(found.line).length) found = l;
      }
    }
    if (!found) {
      // A bare major that names a frozen line (`python:2` → 2.7).
      found = entry.lines.find((l) => l.aliases?.includes(version));
      if (!found) return undefined;
      return { image, entry, line: found, versionText: version, build, suffix, byAlias: true };
    }
    return { image, entry, line: found, versionText: version, build, suffix, byAlias: false };
  }
  // An alias with a version in it (`centos7`, also `centos7.9.2009` and `centos7-…`).
  for (const l of entry.lines) {
    const alias = l.aliases?.find((a) => /\d/.test(a) && (tag === a || tag.startsWith(`${a}.`) || tag.startsWith(`${a}-`)));
    if (alias) {
      const rest = tag.slice(alias.length);
      return { image, entry, line: l, versionText: alias, build: '', suffix: rest.startsWith('-') ? rest : rest.replace(/^\.[\d.]+/, ''), byAlias: true };
    }
  }
  const w = /^([a-z]+)(.*)$/.exec(tag);
  if (!w) return undefined;
  const [, word, suffix] = w;
  if (suffix !== '' && !suffix.startsWith('-')) return undefined;
  const found = entry.lines.find((l) => l.aliases?.includes(word));
  return found ? { image, entry, line: found, versionText: word, build: '', suffix, byAlias: true } : undefined;
}

/** Whether a line is past its end of life on `today` (YYYY-MM-DD): the day after its EOL date. */
export function isPastEol(line: EolLine, today: string): boolean {
  return line.eol !== null && line.eol < today;
}

/** Whether a line is supported on `today`. */
export function isSupported(line: EolLine, today: string): boolean {
  return !isPastEol(line, today);
}

/** Whether a line had been released by `today`, as far as the catalog knows (no release date: yes). */
export function isReleased(line: EolLine, today: string): boolean {
  return line.released === undefined || line.released <= today;
}

/**
 * The oldest line of the image that is newer than `current` and still supported on `today`: the
 * smallest upgrade that leaves end of life. Undefined when the catalog knows none.
 */
export function oldestSupportedAfter(image: string, current: string, today: string): EolLine | undefined {
  const entry = Object.prototype.hasOwnProperty.call(catalog.images, image) ? catalog.images[image] : undefined;
  if (!entry) return undefined;
  const newer = entry.lines.filter((l) => compareLines(l.line, current) > 0 && isSupported(l, today) && isReleased(l, today));
  newer.sort((a, b) => compareLines(a.line, b.line));
  return newer[0];
}

/**
 * The newest line of the image that is supported on `today`: the one an unversioned tag (`latest`,
 * `alpine`) named when the data was checked. Undefined when the catalog knows none.
 */
export function newestSupported(image: string, today: string): EolLine | undefined {
  const entry = Object.prototype.hasOwnProperty.call(catalog.images, image) ? catalog.images[image] : undefined;
  let newest: EolLine | undefined;
  for (const l of entry?.lines ?? []) if (isSupported(l, today) && isReleased(l, today) && (!newest || compareLines(l.line, newest.line) > 0)) newest = l;
  return newest;
}

export interface EolFinding {
  /** The official image whose line it is (`node`, also for `arm64v8/node`), or the product of a registry's image (`.NET`). */
  image: string;
  /** The repository as the reference names it (`arm64v8/node`): what a move keeps. */
  repository: string;
  tag: string;
  line: string;
  eol: string;
  source: string;
  /** The tag to move to, or null when no fix is possible (and why in `noFix`). */
  target: string | null;
  targetLine: string | null;
  noFix: string | null;
  /** The date ends this image's builds of the line, not the release (EolLine.buildsOnly). */
  buildsOnly: boolean;
  /** What to do instead, when the whole image is given up (EolImage.noFix, e.g. the deprecated openjdk image); else null. */
  advice: string | null;
  /**
   * What has ended: the image's release line (`line`), the distribution release the tag's variant is built on
   * (`os`: `node:22-bullseye`, `python:3.12-alpine3.20`; then `line`, `eol` and `source` are the distribution's),
   * the whole image (`image`: a tag of a deprecated image that names no line; `eol` is the deprecation date),
   * or the repository (`repository`: Bitnami's `bitnamilegacy/*`, frozen since `eol`; `lineEnded` names the product's line when it has ended too).
   */
  ended: 'line' | 'os' | 'image' | 'repository';
  /** The distribution release named in the tag's variant when it has ended (with the line, or alone); else null. */
  os: EolOs | null;
  /** The image's release line when the distribution ended first or alone and the line has ended too (else null): `{ line, eol }`. */
  lineEnded: { line: string; eol: string } | null;
  /** When the target's line ends, if that is within six months of the analysis date (YYYY-MM-DD); else null. */
  targetEol: string | null;
  /** The newest supported line's tag, offered as a second move when the target ends within six months; else null. */
  newest: string | null;
}

/** A distribution release named in a tag's variant (`-bullseye`, `-alpine3.20`, `-focal`), or in the tag or name of an image built on it (`nvidia/cuda:…-centos7`). */
export interface EolOs {
  /** How messages name it: `Debian 11 (bullseye)`, `Alpine 3.20`. */
  name: string;
  /** What the variant is called without the release (`Debian`, `Alpine`, `Ubuntu`). */
  family: string;
  line: string;
  eol: string;
  source: string;
  /** Where the reference names it, when that is not an official image's variant: `the tag's -centos7 part`, `the image name's dev-centos-7 part`. */
  namedBy?: string;
}

/** How an EOL finding's line is described after "Image 'x:y' ": its release, or only this image's builds of it, and the advice for a given-up image. */
export function eolStatus(d: EolFinding): string {
  if (d.ended === 'repository') {
    const also = d.lineEnded ? ` (${d.image} ${d.lineEnded.line} itself ended on ${d.lineEnded.eol})` : '';
    return `is in Bitnami's legacy repository, which gets no updates since ${d.eol}: Bitnami moved its versioned images there and stopped building them${also}. ${d.advice ? `${d.advice[0].toUpperCase()}${d.advice.slice(1)}.` : ''}`.trimEnd();
  }
  if (d.ended === 'image') {
    const status = `is a tag of the ${d.image} image, which publishes only early-access builds after ${d.eol}: none is supported for production or gets security fixes.`;
    return d.advice ? `${status} ${d.advice[0].toUpperCase()}${d.advice.slice(1)}.` : status;
  }
  if (d.ended === 'os' && d.os) {
    const also = d.lineEnded ? ` (${d.image} ${d.lineEnded.line} ended too, on ${d.lineEnded.eol})` : '';
    const status = `is built on ${d.os.name}${d.os.namedBy ? ` (${d.os.namedBy})` : ''}, which reached end of life on ${d.os.eol} and gets no more security fixes${also}.`;
    return d.advice ? `${status} ${d.advice[0].toUpperCase()}${d.advice.slice(1)}.` : status;
  }
  const base = d.buildsOnly
    ? `is on the ${d.image} image's ${d.line} builds, which ended on ${d.eol}: it gets no more security fixes (${d.image} ${d.line} itself is maintained in other images).`
    : `is on ${d.image} ${d.line}, which reached end of life on ${d.eol} and gets no more security fixes.`;
  const status = d.os ? `${base.slice(0, -1)}; its ${d.os.name} base ended too, on ${d.os.eol}.` : base;
  return d.advice ? `${status} ${d.advice[0].toUpperCase()}${d.advice.slice(1)}.` : status;
}

/** How long before its end a target line is called out in the message, and the newest line offered as well (review 43d, item 5). */
const SOON_DAYS = 183;

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** Whether a line ending on `eol` ends within six months of `today`. */
export function endsSoon(eol: string | null, today: string): boolean {
  return eol !== null && daysBetween(today, eol) <= SOON_DAYS;
}

/** The sentence that says where to move (after the status), or '' when there is no move. Short: the target, and its end when that is soon. */
export function eolMove(d: EolFinding): string {
  if (!d.target) return '';
  const until = d.targetEol !== null ? `, supported until ${d.targetEol}` : '';
  const newest = d.newest ? `, or to ${d.repository}:${d.newest}, the newest` : '';
  if (d.ended === 'os' && d.os && !d.lineEnded) {
    const lineUntil = d.targetEol !== null && d.targetLine !== null ? `; ${d.image} ${d.targetLine} is supported until ${d.targetEol}` : '';
    return ` Move to ${d.repository}:${d.target} (the image's current ${d.os.family}${lineUntil})${newest}.`;
  }
  return ` Move to ${d.repository}:${d.target}, the oldest supported line${until}${newest}.`;
}

/** The title of the move's quick fix. */
export function eolMoveTitle(d: EolFinding): string {
  return d.ended === 'os' && d.os && !d.lineEnded ? `Move to ${d.repository}:${d.target} (current ${d.os.family})` : `Move to ${d.repository}:${d.target} (oldest supported line)`;
}

/** The images whose own lines are distributions: their tags are judged as lines, not as variants. */
const DISTRIBUTIONS: Readonly<Record<string, string>> = { debian: 'Debian', ubuntu: 'Ubuntu', alpine: 'Alpine' };

/**
 * The distribution release a tag's variant names: a Debian or Ubuntu codename (`bullseye`, `focal`) or an
 * Alpine release pin (`alpine3.20`) as one dash-separated part of the tag. Undefined when none does.
 */
function osOfParts(parts: readonly string[]): { index: number; span: number; os: EolOs; line: EolLine } | undefined {
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    // `alpine3.21`, and Temurin's `alpine-3.21` (two parts).
    const alpine = /^alpine(\d+\.\d+)$/.exec(part) ?? (part === 'alpine' && /^\d+\.\d+$/.test(parts[i + 1] ?? '') ? [part, parts[i + 1]] : null);
    if (alpine) {
      const line = catalog.images.alpine.lines.find((l) => l.line === alpine[1]);
      const span = part === 'alpine' ? 2 : 1;
      if (line && line.eol !== null) return { index: i, span, line, os: { name: `Alpine ${line.line}`, family: 'Alpine', line: line.line, eol: line.eol, source: line.source } };
      continue;
    }
    // Bitnami's `debian-11` (two parts).
    if (part === 'debian' && /^\d+$/.test(parts[i + 1] ?? '')) {
      const line = catalog.images.debian.lines.find((l) => l.line === parts[i + 1]);
      const codename = line?.aliases?.find((a) => /^[a-z]/.test(a));
      if (line && line.eol !== null) return { index: i, span: 2, line, os: { name: `Debian ${line.line}${codename ? ` (${codename})` : ''}`, family: 'Debian', line: line.line, eol: line.eol, source: line.source } };
      continue;
    }
    for (const distro of ['debian', 'ubuntu']) {
      const line = catalog.images[distro].lines.find((l) => l.aliases?.includes(part));
      if (line && line.eol !== null) return { index: i, span: 1, line, os: { name: `${DISTRIBUTIONS[distro]} ${line.line} (${part})`, family: DISTRIBUTIONS[distro], line: line.line, eol: line.eol, source: line.source } };
    }
  }
  return undefined;
}

/** A variant suffix as the fix keeps it: an Alpine release pin (`-alpine3.18`) becomes `-alpine`. */
function normalizeSuffix(suffix: string): string {
  return suffix.replace(/-alpine\d+(?:\.\d+)*(?=$|-)/, '-alpine');
}

/**
 * Judges an image reference: undefined when it is not an EOL line of the catalog on `today`, else
 * the line, its EOL date and source, and the tag to move to (the oldest supported newer line, same
 * variant and naming style: `node:16-alpine` → `22-alpine`, `debian:buster-slim` → `bookworm-slim`).
 */
export function judgeImage(ref: ImageRef, today: string): EolFinding | undefined {
  // The same few images are asked about in every file: the answer is remembered per day and reference text,
  // and a finding is handed out as a copy (callers get an object of their own, which they extend in place).
  if (ref.tag === null && !osInRepository(ref)) return undefined;
  const byText = judgedOn(today);
  // The reference's text decides its registry, repository and tag (parseImageRef reads them from it), which decide the answer.
  let judged = byText.get(ref.text);
  if (judged === undefined) {
    if (byText.size >= 4096) byText.clear();
    byText.set(ref.text, (judged = computeJudgeImage(ref, today) ?? null));
  }
  return judged === null ? undefined : { ...judged };
}

/**
 * Per day, then per reference text (see judgeImage): its finding, null when it is not EOL. Keyed by a string made of
 * the day, registry, repository and tag, each call built and hashed that string, most of a call's time.
 */
const judgedByDay = new Map<string, Map<string, EolFinding | null>>();

function judgedOn(today: string): Map<string, EolFinding | null> {
  let byText = judgedByDay.get(today);
  if (!byText) {
    if (judgedByDay.size >= 8) judgedByDay.clear();
    judgedByDay.set(today, (byText = new Map()));
  }
  return byText;
}

function computeJudgeImage(ref: ImageRef, today: string): EolFinding | undefined {
  // Red Hat's UBI repositories are judged by the release their path names, whatever the tag (`ubi7` could otherwise pass for an official image's name).
  if (ref.tag === null || ubiMajorOf(ref) !== undefined) return judgeNamedOs(ref, today);
  const bitnami = bitnamiOf(ref);
  if (bitnami?.legacy) return judgeBitnamiLegacy(ref, ref.tag, today);
  const official = catalogNameOf(ref);
  if (official === null) return judgeNamedOs(ref, today);
  const entry = Object.prototype.hasOwnProperty.call(catalog.images, official) ? catalog.images[official] : undefined;
  if (!entry) return bitnami ? undefined : judgeOsOnly(ref, official, ref.tag, today);
  const found = lineOfTag(official, ref.tag);
  // An image of another registry is named with it (`mcr.microsoft.com/dotnet/aspnet`, a mirror's
  // `public.ecr.aws/docker/library/alpine`: review 10, probe df-06); a move keeps it, as it keeps the repository.
  const repository = ref.registry !== null ? `${ref.registry}/${ref.repository}` : ref.repository;
  const image = entry.product ?? official;
  // A Bitnami image of the product: judged by the product's lines, without a move (Bitnami no longer publishes versioned tags there).
  // Before the change (an earlier analysis date: a past run reproduced), it is not told as past (review 44b, F3).
  const bitnamiMoved = today > BITNAMI_LEGACY.since;
  const noFix = bitnami ? (bitnamiMoved ? BITNAMI_NO_FIX : BITNAMI_NO_FIX_BEFORE) : entry.noFix;
  const advice = bitnami ? (bitnamiMoved ? BITNAMI_ADVICE : BITNAMI_ADVICE_BEFORE) : entry.noFix ?? null;
  const base = { image, repository, tag: ref.tag, target: null, targetLine: null, noFix: noFix ?? null, buildsOnly: false, advice, os: null, lineEnded: null, targetEol: null, newest: null };
  if (!found) {
    // A deprecated image: a tag that names no line is still one of its tags (review 43d, item 4: openjdk:27-ea).
    if (entry.deprecated) return { ...base, line: ref.tag, eol: entry.deprecated.since, source: entry.deprecated.source, ended: 'image' };
  }
  const linePast = found !== undefined && isPastEol(found.line, today);
  // The distribution in the variant (review 43d, item 2): `node:22-bullseye` is Debian 11 whatever node 22's support.
  const parts = found ? found.suffix.split('-').slice(1) : ref.tag.split('-').slice(1);
  const osFound = Object.prototype.hasOwnProperty.call(DISTRIBUTIONS, official) || entry.deprecated ? undefined : osOfParts(parts);
  const osPast = osFound !== undefined && isPastEol(osFound.line, today);
  if (!linePast && !osPast) return undefined;
  // The earlier end is the one reported; the other is named too.
  const osFirst = osPast && (!linePast || osFound!.os.eol < found!.line.eol!);
  const os = osPast ? osFound!.os : null;
  // Built only for findings (most references are not, and those answers are remembered by judgeImage).
  const judged = (target: string | null, targetLine: string | null, noFix: string | null, targetEol: string | null = null, newest: string | null = null): EolFinding =>
    osFirst
      ? { ...base, line: os!.line, eol: os!.eol, source: os!.source, ended: 'os', os, lineEnded: linePast ? { line: found!.line.line, eol: found!.line.eol! } : null, target, targetLine, noFix, targetEol, newest }
      : { ...base, line: found!.line.line, eol: found!.line.eol!, source: found!.line.source, ended: 'line', os, buildsOnly: found!.line.buildsOnly === true, target, targetLine, noFix, targetEol, newest };
  const none = (why: string): EolFinding => judged(null, null, why);
  if (noFix) return none(noFix);
  // The variant the move keeps: without the ended distribution's part (its current release is the image's default, or `-alpine`).
  let suffix = found ? found.suffix : parts.length > 0 ? `-${parts.join('-')}` : '';
  if (osPast) {
    const { index, span } = osFound!;
    const kept = parts.map((p, i) => (i === index ? (osFound!.os.family === 'Alpine' ? 'alpine' : '') : i > index && i < index + span ? '' : p)).filter((p) => p !== '');
    suffix = kept.length > 0 ? `-${kept.join('-')}` : '';
  }
  suffix = normalizeSuffix(suffix);
  if (!linePast) {
    // Only the distribution has ended: the same line on the image's current distribution.
    const version = found ? `${found.versionText}${found.build}` : ref.tag.split('-')[0];
    if (version === '' || !entry.variants.includes(suffix)) return none(`the variant '${suffix || 'default'}' is not known to exist for this image`);
    const soon = found && endsSoon(found.line.eol, today) ? found.line.eol : null;
    const newer = soon !== null ? newestSupported(official, today) : undefined;
    const newest = newer && found && compareLines(newer.line, found.line.line) > 0 ? `${newer.line}${suffix}` : null;
    return judged(`${version}${suffix}`, found ? found.line.line : null, null, soon, newest);
  }
  const next = oldestSupportedAfter(official, found!.line.line, today);
  if (!next) return none('the catalog knows no supported newer line');
  const movedTo = registryEntryOf(ref)?.movedTo;
  if (movedTo) {
    const why = `${repository} gets no tags after its last line; newer lines are published as ${movedTo}`;
    return { ...none(why), advice: `newer lines are published as ${movedTo} (for example ${movedTo}:${next.line})` };
  }
  if (!entry.variants.includes(suffix)) return none(`the variant '${found!.suffix}' is not known to exist for newer lines`);
  const byCodename = found!.byAlias && found!.versionText !== found!.line.line && /^[a-z]/.test(found!.versionText);
  // Keep the naming style: a codename tag moves to the target's codename when it has one.
  const nameOf = (l: EolLine): string => (byCodename ? l.aliases?.find((a) => /^[a-z]/.test(a)) : undefined) ?? l.line;
  const soon = endsSoon(next.eol, today) ? next.eol : null;
  const newer = soon !== null ? newestSupported(official, today) : undefined;
  const newest = newer && compareLines(newer.line, next.line) > 0 ? `${nameOf(newer)}${suffix}` : null;
  return judged(`${nameOf(next)}${suffix}`, next.line, null, soon, newest);
}

const BITNAMI_NO_FIX = `Bitnami no longer publishes versioned tags of its images on Docker Hub (moved to bitnamilegacy, without updates, from ${BITNAMI_LEGACY.since})`;
const BITNAMI_ADVICE = `Bitnami stopped publishing versioned bitnami/* tags on ${BITNAMI_LEGACY.since} (they moved to bitnamilegacy/*, without updates): move to a maintained image of a supported line`;
/** The same before BITNAMI_LEGACY.since, when Bitnami still published versioned tags: no word of the change yet. */
const BITNAMI_NO_FIX_BEFORE = "the catalog does not know Bitnami's tags of newer lines";
const BITNAMI_ADVICE_BEFORE = 'move to a Bitnami image of a supported line';

/**
 * A `bitnamilegacy/*` image: frozen whatever its product (review 43d, item 9; bitnami/containers#83267:
 * "This legacy catalog will receive no further updates or support"). Reported from the day after the move;
 * no fix: the maintained packagings differ (the product's official image has other paths and settings,
 * Bitnami Secure Images are a subscription or `latest`-only development images), so no target is certain.
 */
function judgeBitnamiLegacy(ref: ImageRef, tag: string, today: string): EolFinding | undefined {
  if (today <= BITNAMI_LEGACY.since) return undefined;
  const name = bitnamiOf(ref)!.name;
  const product = Object.prototype.hasOwnProperty.call(BITNAMI_PRODUCTS, name) ? BITNAMI_PRODUCTS[name] : undefined;
  const entry = product !== undefined ? catalog.images[product] : undefined;
  const found = product !== undefined && entry ? lineOfTag(product, tag) : undefined;
  return {
    image: entry?.product ?? product ?? name, repository: ref.repository, tag, line: tag, eol: BITNAMI_LEGACY.since, source: BITNAMI_LEGACY.source,
    target: null, targetLine: null, noFix: 'no maintained image with the same layout is certain', buildsOnly: false,
    advice: 'move to a maintained image (the product\'s official image, minding its other data paths and settings, or Bitnami Secure Images)',
    ended: 'repository', os: null, targetEol: null, newest: null,
    lineEnded: found && isPastEol(found.line, today) ? { line: found.line.line, eol: found.line.eol! } : null,
  };
}

/**
 * An official image the catalog has no lines for (`haproxy:2.8-alpine3.19`, `buildpack-deps:22-bullseye`):
 * only the distribution release its tag's variant names is judged (review 43d, item 2, which covered the
 * catalog's images; the same judgement for every official image). No fix: the catalog does not know which variants the image publishes.
 */
function judgeOsOnly(ref: ImageRef, official: string, tag: string, today: string): EolFinding | undefined {
  if (Object.prototype.hasOwnProperty.call(DISTRIBUTIONS, official) || registryEntryOf(ref)) return undefined;
  const osFound = osOfParts(tag.split('-').slice(1));
  if (!osFound || !isPastEol(osFound.line, today)) return undefined;
  const repository = ref.registry !== null ? `${ref.registry}/${ref.repository}` : ref.repository;
  const os = osFound.os;
  return {
    image: official, repository, tag, line: os.line, eol: os.eol, source: os.source, target: null, targetLine: null,
    noFix: 'the catalog does not know which variants this image publishes', buildsOnly: false, advice: null,
    ended: 'os', os, lineEnded: null, targetEol: null, newest: null,
  };
}

// ---- images that name the distribution they are built on (review 48b, finding 6) ---------------

/**
 * A distribution release as NVIDIA's CUDA tags (`ubuntu18.04`, `centos7`, `ubi8`) and ROCm's dev image names
 * (`ubuntu-20.04`, `centos-7`) write it, judged by the catalog's lines: Ubuntu and CentOS Linux as their
 * official images date them, RHEL (UBI) from the catalog's distributions. Undefined for a release the catalog
 * does not date (`rockylinux8`, `oraclelinux9`, `amzn2023`, `cm2`, `almalinux-8`, an unknown Ubuntu).
 */
function namedOs(family: string, version: string): { os: EolOs; line: EolLine } | undefined {
  if (family === 'ubuntu') {
    const line = catalog.images.ubuntu.lines.find((l) => l.line === version);
    return line && line.eol !== null ? { line, os: { name: `Ubuntu ${line.line}`, family: 'Ubuntu', line: line.line, eol: line.eol, source: line.source } } : undefined;
  }
  if (family === 'centos') {
    const line = catalog.images.centos.lines.find((l) => l.line === version);
    return line && line.eol !== null ? { line, os: { name: `CentOS Linux ${line.line}`, family: 'CentOS', line: line.line, eol: line.eol, source: line.source } } : undefined;
  }
  if (family === 'ubi') {
    const rhel = catalog.distributions.rhel;
    const line = rhel.lines.find((l) => l.line === version);
    return line && line.eol !== null ? { line, os: { name: `${rhel.name} ${line.line}`, family: 'UBI', line: line.line, eol: line.eol, source: line.source } } : undefined;
  }
  return undefined;
}

/**
 * NVIDIA's CUDA images, on Docker Hub and NGC: their tags end with the distribution they are built on,
 * `<CUDA version>-[cudnn…-]<base|runtime|devel>-<os>` (`11.3.1-devel-centos7`, `12.4.1-runtime-ubi8`,
 * `12.8.1-devel-ubuntu22.04`; gitlab.com/nvidia/container-images/cuda, doc/supported-tags.md). The CUDA + OpenGL
 * images (`nvidia/cudagl:11.4.0-devel-ubuntu20.04`, one branch per OS: ubuntu16.04 to 20.04, centos7, centos8;
 * gitlab.com/nvidia/container-images/cudagl) and the OpenGL (libglvnd) images they extend
 * (`nvidia/opengl:<libglvnd version>-<runtime|devel>-<os>`, `base-<os>`; gitlab.com/nvidia/container-images/opengl,
 * README) are tagged the same way, on both registries (the CUDA README's notice on the `latest` tag of "CUDA, CUDAGL,
 * and OPENGL images … on NGC and Docker Hub").
 */
const NVIDIA_OS_TAGGED = new Set(['nvidia/cuda', 'nvidia/cudagl', 'nvidia/opengl']);

function isCudaImage(ref: ImageRef): boolean {
  if (!NVIDIA_OS_TAGGED.has(ref.repository)) return false;
  const registry = ref.registry?.toLowerCase() ?? null;
  return registry === null || registry === 'docker.io' || registry === 'index.docker.io' || registry === 'nvcr.io';
}

/** Red Hat's registries, where the UBI repositories are `ubi<major>`, `ubi<major>-minimal` (`-init`, `-micro`) and `ubi<major>/<image>`. */
const RED_HAT_REGISTRIES = new Set(['registry.access.redhat.com', 'registry.redhat.io']);
const UBI_ON_RED_HAT = /^ubi(\d+)(?:-(?:minimal|init|micro)|\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)?$/;
/** Red Hat's namespace on Docker Hub: `redhat/ubi9`, `redhat/ubi9-minimal`. */
const UBI_ON_DOCKER_HUB = /^redhat\/ubi(\d+)(?:-(?:minimal|init|micro))?$/;
/**
 * Unqualified names that Podman and Buildah resolve to Red Hat's registry by their short-name aliases
 * (containers/shortnames, shortnames.conf: `ubi8` and `ubi8/ubi-minimal` are registry.access.redhat.com's);
 * Docker looks `ubi8` up as an official image, which does not exist, so the name builds only on UBI.
 */
const UBI_SHORT_NAME = /^ubi(\d+)(?:-(?:minimal|init|micro)|\/ubi(?:-(?:minimal|init|micro))?)?$/;

/**
 * The RHEL major release a Red Hat Universal Base Image's repository path names (`registry.access.redhat.com/ubi7/ubi`,
 * `ubi8/nodejs-18`, `registry.redhat.io/ubi9-minimal`, `redhat/ubi8`), and where; undefined for any other image.
 * The tag is not read: the path names the release (UBI is a subset of a RHEL major release, updated by its errata per the RHEL life cycle: access.redhat.com/support/policy/updates/ubi).
 */
function ubiMajorOf(ref: ImageRef): { major: string; part: string } | undefined {
  const registry = ref.registry?.toLowerCase() ?? null;
  const m = registry === null ? UBI_ON_DOCKER_HUB.exec(ref.repository) ?? UBI_SHORT_NAME.exec(ref.repository) : RED_HAT_REGISTRIES.has(registry) ? UBI_ON_RED_HAT.exec(ref.repository) : null;
  if (!m) return undefined;
  const path = ref.repository.startsWith('redhat/') ? ref.repository.slice('redhat/'.length) : ref.repository;
  return { major: m[1], part: path.split('/')[0] };
}

/** ROCm's dev images (`rocm/dev-centos-7`, `rocm/dev-ubuntu-22.04`) name the distribution they are built on: each is built `FROM <distro>:<version>` (ROCm/ROCm-docker, dev/Dockerfile-<distro>-<version>). */
const ROCM_DEV = /^rocm\/dev-([a-z]+)-(\d+(?:\.\d+)?)$/;

function osInRepository(ref: ImageRef): boolean {
  return (ref.registry === null && ROCM_DEV.test(ref.repository)) || ubiMajorOf(ref) !== undefined;
}

/** The ended distribution a third-party image's tag or name says it is built on, or undefined. No fix: which tags exist is not known offline. */
function judgeNamedOs(ref: ImageRef, today: string): EolFinding | undefined {
  let named: { os: EolOs; line: EolLine } | undefined;
  let namedBy: string;
  let advice: string;
  const rocm = ref.registry === null ? ROCM_DEV.exec(ref.repository) : null;
  const ubi = rocm ? undefined : ubiMajorOf(ref);
  if (ubi) {
    // Only the RHEL release: a runtime image's Application Stream (`ubi8/nodejs-18`) has a life cycle of its own, not in the catalog.
    named = namedOs('ubi', ubi.major);
    namedBy = `the repository's ${ubi.part} part`;
    const next = named ? catalog.distributions.rhel.lines.find((l) => compareLines(l.line, ubi.major) > 0 && isSupported(l, today) && isReleased(l, today)) : undefined;
    advice = next ? `move to a UBI ${next.line} image (ubi${next.line}/…)` : 'move to a UBI image of a supported release';
  } else if (rocm) {
    named = namedOs(rocm[1], rocm[2]);
    namedBy = `the image name's dev-${rocm[1]}-${rocm[2]} part`;
    advice = 'move to a rocm/dev-* image of a supported OS';
  } else if (ref.tag !== null && isCudaImage(ref)) {
    // The last part of the tag (NVIDIA's scheme puts the OS last): `ubuntu20.04`, `centos7`, `ubi8`.
    const last = ref.tag.slice(ref.tag.lastIndexOf('-') + 1);
    const m = ref.tag.includes('-') ? /^(ubuntu|centos|ubi)(\d+(?:\.\d+)?)$/.exec(last) : null;
    if (!m) return undefined;
    named = namedOs(m[1], m[2]);
    namedBy = `the tag's -${last} part`;
    advice = 'move to a tag on a supported OS';
  } else {
    return undefined;
  }
  if (!named || !isPastEol(named.line, today)) return undefined;
  const repository = ref.registry !== null ? `${ref.registry}/${ref.repository}` : ref.repository;
  const os: EolOs = { ...named.os, namedBy };
  return {
    image: ref.repository, repository, tag: ref.tag ?? '', line: os.line, eol: os.eol, source: os.source, target: null, targetLine: null,
    noFix: ubi ? 'which images of a newer UBI release replace this one is not known offline' : 'which tags of this image exist on a supported OS is not known offline', buildsOnly: false, advice,
    ended: 'os', os, lineEnded: null, targetEol: null, newest: null,
  };
}
