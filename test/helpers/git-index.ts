/**
 * Git indexes built byte by byte (git's index format: https://git-scm.com/docs/index-format), so the
 * tests that need one run without git.
 */
/**
 * An index of `paths` (sorted as git sorts them) in format version 2, 3 (the first entry with extended
 * flags: skip-worktree, or `extended` — 0x2000 is intent-to-add, `git add -N`) or 4 (prefix-compressed names).
 */
export function indexOf(paths: string[], version: 2 | 3 | 4 = 2, extended = 0x4000): Uint8Array {
  const parts: number[] = [...Buffer.from('DIRC'), 0, 0, 0, version, ...u32(paths.length)];
  let previous = '';
  paths.forEach((p, i) => {
    const name = Buffer.from(p);
    const withExtended = version === 3 && i === 0;
    const entry: number[] = new Array(40).fill(0).concat(new Array(20).fill(0xab));
    entry.push(...u16((withExtended ? 0x4000 : 0) | Math.min(name.length, 0xfff)));
    if (withExtended) entry.push(...u16(extended));
    if (version === 4) {
      let common = 0;
      while (common < previous.length && common < p.length && previous[common] === p[common]) common++;
      entry.push(previous.length - common, ...Buffer.from(p.slice(common)), 0);
    } else {
      entry.push(...name);
      const length = entry.length;
      const padded = (length + 8) & ~7;
      for (let k = length; k < padded; k++) entry.push(0);
    }
    parts.push(...entry);
    previous = p;
  });
  return Uint8Array.from(parts);
}
function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}
function u16(n: number): number[] {
  return [(n >>> 8) & 0xff, n & 0xff];
}

