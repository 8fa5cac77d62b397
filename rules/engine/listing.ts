/**
 * Answers read from a folder's listing alone (the compose files among its names, its YAML files, its start scripts),
 * kept with the listing itself. A workspace view that remembers a folder's listing (DiskWorkspace, until a change in
 * that folder makes it list the folder again) hands out the same array for it, so the analyses of the files of one
 * folder share one answer instead of each going over every name again: over a folder of 800 Dockerfiles, every
 * analysis asked fileKindOf of the 800 names. A new listing is a new array, and gets its own answer: the answer is
 * valid exactly as long as the listing it was read from. A view that lists a folder afresh each time (an in-memory
 * view) shares nothing, and answers as before.
 *
 * `read` must depend on the names alone (a module-level function: it is also the key), and neither it nor its caller
 * may change the array (listings are shared by every reader of the view).
 */
const byListing = new WeakMap<readonly string[], Map<(names: readonly string[]) => unknown, unknown>>();

export function listingFact<T>(names: readonly string[], read: (names: readonly string[]) => T): T {
  let facts = byListing.get(names);
  if (!facts) byListing.set(names, (facts = new Map()));
  if (facts.has(read)) return facts.get(read) as T;
  const value = read(names);
  facts.set(read, value);
  return value;
}
