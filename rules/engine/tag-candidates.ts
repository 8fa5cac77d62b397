/**
 * Which registry tags to offer when pinning a moving tag (DF001/DC001 with registry lookups): plain
 * release versions only (digits and dots, an optional `v`), never pre-releases (`-rc1`, `beta`), dated
 * or variant tags.
 * - With a release line to stay on (the catalog's supported line, e.g. `24` for node): the newest full
 *   version of that line (`24.11.1`) and the newest `line.minor` tag (`24.11`) when it exists.
 * - Without one (images the catalog does not know): the newest release version among the tags.
 */

const RELEASE = /^(v?)(\d+(?:\.\d+){0,3})$/;

function parts(v: string): number[] {
  return v.split('.').map(Number);
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

/** Up to two tags to pin to, newest and most precise first. */
export function tagCandidates(tags: readonly string[], line: string | null): string[] {
  const releases = tags
    .map((t) => ({ tag: t, m: RELEASE.exec(t) }))
    .filter((x): x is { tag: string; m: RegExpExecArray } => x.m !== null)
    .map((x) => ({ tag: x.tag, v: parts(x.m[2]) }));
  if (line !== null) {
    const lp = parts(line);
    const inLine = releases.filter((r) => r.v.length > lp.length && lp.every((p, i) => r.v[i] === p) && !r.tag.startsWith('v'));
    const full = inLine.filter((r) => r.v.length === Math.max(...inLine.map((x) => x.v.length)));
    const out: string[] = [];
    const newestFull = full.sort((a, b) => compare(b.v, a.v))[0];
    if (newestFull) out.push(newestFull.tag);
    const minors = inLine.filter((r) => r.v.length === lp.length + 1).sort((a, b) => compare(b.v, a.v));
    if (minors[0] && !out.includes(minors[0].tag)) out.push(minors[0].tag);
    return out;
  }
  // No line: the newest full release (the most components among the newest versions).
  const sorted = releases.filter((r) => r.v.length >= 2).sort((a, b) => compare(b.v, a.v) || b.v.length - a.v.length);
  return sorted[0] ? [sorted[0].tag] : [];
}
