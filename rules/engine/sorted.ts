/** Binary search over sorted lists (spans, offsets, scalars by start). */

/** How many leading elements of a list satisfy a test that holds for a prefix of it (binary search). */
export function countBefore<T>(list: ArrayLike<T>, test: (x: T) => boolean): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (test(list[mid])) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
