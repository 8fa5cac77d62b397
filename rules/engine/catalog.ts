import catalogData from '../data/image-catalog.json';
import type { ImageRef } from './image';
import { isOfficialImage } from './image';

export interface CatalogEntry {
  /** A supported release-line tag to pin to. */
  tag: string;
  /** The minimal variant tag of that line, or null when the image has none. */
  minimal: string | null;
  /** Where the release line was checked. */
  source: string;
}

interface CatalogFile {
  checked: string;
  images: Record<string, CatalogEntry>;
}

const catalog = catalogData as CatalogFile;

/** The date the bundled catalog was last checked (shown in fix titles' docs). */
export const CATALOG_CHECKED = catalog.checked;

/** The catalog entry for an official image, or undefined. */
export function catalogEntry(ref: ImageRef): CatalogEntry | undefined {
  if (!isOfficialImage(ref)) return undefined;
  return Object.prototype.hasOwnProperty.call(catalog.images, ref.repository) ? catalog.images[ref.repository] : undefined;
}

export function catalogImages(): Readonly<Record<string, CatalogEntry>> {
  return catalog.images;
}
