import catalogData from '../data/image-catalog.json';
import { EOL_CATALOG_CHECKED, isSupported, judgeImage, lineOfTag, newestSupported, oldestSupportedAfter } from './eol';
import type { ImageRef } from './image';
import { officialImageName } from './image';

export interface CatalogEntry {
  /** A supported release-line tag to pin to. */
  tag: string;
  /** The minimal variant tag of that line, or null when the image has none. */
  minimal: string | null;
  /** Where the release line was checked. */
  source: string;
  /** Appended to a version tag to get its minimal variant (`-alpine`, `-slim`), or null when the image has none. */
  minimalSuffix: string | null;
  /** The image is minimal in every tag (alpine, busybox…). */
  alwaysMinimal: boolean;
}

interface CatalogFile {
  checked: string;
  images: Record<string, CatalogEntry>;
}

const catalog = catalogData as CatalogFile;

/** The date the bundled catalog was last checked (shown in fix titles' docs). */
export const CATALOG_CHECKED = catalog.checked;

/**
 * The catalog entry for an official image, or undefined. Its pins are on a supported release line on
 * the analysis date `today` (YYYY-MM-DD: analysisDate): a pinned line that has reached its end of life since the catalog was checked
 * (eol-catalog.json) is replaced by the oldest supported line after it, with the same variant suffix,
 * so a fix never pins what DF005/DC004 report; undefined when the EOL data knows no supported line.
 */
export function catalogEntry(ref: ImageRef, today: string): CatalogEntry | undefined {
  const name = officialImageName(ref);
  if (name === null) return undefined;
  const entry = Object.prototype.hasOwnProperty.call(catalog.images, name) ? catalog.images[name] : undefined;
  return entry && supportedOn(name, entry, today);
}

/** By image: the entry as of a day (one day is asked for at a time). */
const supportedMemo = new Map<string, { day: string; entry: CatalogEntry | undefined }>();

function supportedOn(image: string, entry: CatalogEntry, day: string): CatalogEntry | undefined {
  const hit = supportedMemo.get(image);
  if (hit && hit.day === day) return hit.entry;
  const pinned = lineOfTag(image, entry.tag);
  let result: CatalogEntry | undefined = entry;
  if (pinned && !isSupported(pinned.line, day)) {
    const next = oldestSupportedAfter(image, pinned.line.line, day);
    const minimal = entry.minimal === null ? undefined : lineOfTag(image, entry.minimal);
    result = next && (entry.minimal === null || minimal) ? { ...entry, tag: `${next.line}${pinned.suffix}`, minimal: minimal ? `${next.line}${minimal.suffix}` : null } : undefined;
  }
  supportedMemo.set(image, { day, entry: result });
  return result;
}

/**
 * The pins DF001/DC001 offer for an untagged or `latest` official image, first the one that keeps the
 * image closest to what `latest` names: the newest release line the EOL data (eol-catalog.json) knows
 * and that is supported on the analysis date `today`, with the catalog tag's variant suffix (`alpine` → `3.24`, `node` → `26`),
 * then the catalog's own line when it is another one (`node:24`, the LTS line). Only the catalog's line
 * when the EOL data does not know the image (`httpd:2.4`); empty when the catalog does not know it.
 * The newest line is the one `latest` named when the data was checked; a release after that is not
 * known, which is why these pins are never applied by fix-all.
 */
export function pinTags(ref: ImageRef, today: string): string[] {
  const entry = catalogEntry(ref, today);
  const name = officialImageName(ref);
  if (!entry || name === null) return [];
  const newest = newestSupported(name, today)?.line;
  const pinned = lineOfTag(name, entry.tag);
  if (newest === undefined || !pinned || pinned.line.line === newest) return [entry.tag];
  return [`${newest}${pinned.suffix}`, entry.tag];
}

export function catalogImages(): Readonly<Record<string, CatalogEntry>> {
  return catalog.images;
}

/** Tag words that mark a minimal variant. */
const MINIMAL_WORDS = /(?:^|[-.])(?:alpine|slim|distroless|minimal|micro|wolfi|busybox|scratch)(?:$|[-.\d])/;

/** Whether a tag names a minimal variant (`22-alpine`, `3.13-slim-bookworm`, `bookworm-slim`). */
export function isMinimalTag(tag: string): boolean {
  return MINIMAL_WORDS.test(tag);
}

/** A minimal variant to move to: its tag, and the end-of-life line the reference is on when the variant is of another line. */
export interface MinimalVariant {
  tag: string;
  /**
   * The release line of the written tag when DF005/DC004 report it (past its end of life in the bundled EOL data): the
   * variant is then the minimal one of the line they move to (`golang:1.24` → `1.26-alpine`), never of the EOL line.
   */
  eolLine?: string;
}

/**
 * The minimal variant of an official image's tag (`node:20` → `20-alpine`, `python:3.12-bookworm` is
 * left alone as its suffix is a distribution), or undefined when the catalog does not know one.
 * A missing or `latest` tag maps to the minimal variant of the newest supported line (see pinTags).
 * A tag on a line past its end of life maps to the minimal variant of the supported line DF005/DC004
 * move to (judgeImage's target), or to nothing when they know none: a fix never pins what they report
 * (review 41c, item 6). Judged on the analysis date `today` (YYYY-MM-DD).
 */
export function minimalVariantTag(ref: ImageRef, today: string): MinimalVariant | undefined {
  const entry = catalogEntry(ref, today);
  if (!entry || entry.alwaysMinimal || !entry.minimalSuffix) return undefined;
  // Without a version: the minimal variant of the line `latest` follows (`postgres` → `18-alpine`, not the catalog's 17).
  if (ref.tag === null || ref.tag === 'latest') return { tag: `${pinTags(ref, today)[0] ?? entry.tag}${entry.minimalSuffix}` };
  if (isMinimalTag(ref.tag)) return undefined;
  // Only plain version tags (optionally with a known non-distribution variant such as -fpm, -jdk, -management).
  if (!/^\d+(?:\.\d+){0,2}(?:-(?:fpm|cli|jdk|jre|management|zts))?$/.test(ref.tag)) return undefined;
  const eol = judgeImage(ref, today);
  if (eol) return eol.target === null ? undefined : { tag: `${eol.target}${entry.minimalSuffix}`, eolLine: eol.line };
  return { tag: `${ref.tag}${entry.minimalSuffix}` };
}

/** How many months after the bundled image data was checked an analysis date makes it stale (staleDataNotice). */
export const STALE_DATA_MONTHS = 6;

/** A YYYY-MM-DD date `months` months later, on the same day or the month's last (`2026-08-31` + 6 → `2027-02-28`). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}

/**
 * The notice the CLI and the server give when the analysis date `date` (YYYY-MM-DD) is more than
 * STALE_DATA_MONTHS months after the bundled image data (the EOL catalog, the pins' catalog: the older of the
 * two) was checked; undefined otherwise. Past that, lines that ended or were released since are not known: DF005/DC004
 * miss them and the pins of DF001/DC001/DF003/DC003 may name an older line (review 43d, item 10).
 */
export function staleDataNotice(date: string): string | undefined {
  const checked = EOL_CATALOG_CHECKED < CATALOG_CHECKED ? EOL_CATALOG_CHECKED : CATALOG_CHECKED;
  if (date <= addMonths(checked, STALE_DATA_MONTHS)) return undefined;
  return `the bundled image data (end-of-life dates and release lines) was checked on ${checked}, more than ${STALE_DATA_MONTHS} months before the analysis date ${date}: a line that ended or was released since is not known, so DF005/DC004 do not report it and DF001/DC001/DF003/DC003 may pin an older line. Update Docker Guardrails for current data.`;
}
