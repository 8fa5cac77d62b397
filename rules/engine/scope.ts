/**
 * The `include`/`exclude` globs of the config file and of the settings, read as Docker reads a `.dockerignore`
 * (https://docs.docker.com/build/concepts/context/#dockerignore-files, "Negating matches": "the last line of the
 * .dockerignore that matches a particular file determines whether it's included or excluded"; moby's
 * patternmatcher): the patterns are read in order and the last one that matches a path decides; a pattern
 * written `!glob` is an exception (it re-includes what an earlier pattern excluded, or in `include` leaves out
 * what an earlier one took in); a leading `./` or `/` and a trailing `/` are dropped; and a pattern that matches a
 * folder covers everything below it (`vendor`, `vendor/` and `vendor/**` all exclude `vendor/x/Dockerfile`).
 * Each glob is a minimatch glob with `dot: true` (`*` and `?` stop at `/`, `**` spans folders, a name starting
 * with `.` is matched like any other); case counts. Paths are relative to the globs' base, `/`-separated.
 * One reader for the CLI's walk, the editor's workspace scan and the settings (review 45d, item 1).
 */
import { Minimatch } from 'minimatch';

interface Pattern {
  negated: boolean;
  /** null: the pattern names the globs' base folder itself (`.`, `./`, `/`), which covers every path below it. */
  matcher: Minimatch | null;
}

const compiled = new Map<string, Pattern | null>();

/**
 * A pattern as read: `!` taken off, `./` and `/` in front and `/` at the end dropped; null for a blank pattern (skipped,
 * as a blank line of a .dockerignore is). A pattern left empty or `.` by that normalisation (`.`, `./`, `/`) names the
 * base folder itself and, as any folder pattern, covers everything below it (review 45e, item 1: it was dropped while
 * the list still counted as set, so `include: ["."]` checked nothing).
 */
function compile(raw: string): Pattern | null {
  let p = compiled.get(raw);
  if (p !== undefined) return p;
  let g = raw.trim();
  if (g === '') p = null;
  else {
    const negated = g.startsWith('!');
    if (negated) g = g.slice(1).trim();
    p = { negated, matcher: baseRelative(g) };
  }
  if (compiled.size >= 256) compiled.clear();
  compiled.set(raw, p);
  return p;
}

/** The matcher of a glob with `./`, `/` in front and `/` at the end dropped; null when it names the base folder itself. */
function baseRelative(glob: string): Minimatch | null {
  let g = glob;
  for (;;) {
    if (g.startsWith('./')) g = g.slice(2);
    else if (g.startsWith('/')) g = g.slice(1);
    else break;
  }
  while (g.endsWith('/')) g = g.slice(0, -1);
  return g === '' || g === '.' ? null : new Minimatch(g, { dot: true });
}

/** Whether a pattern matches the path or one of the folders it is in. */
function matches(pattern: Pattern, rel: string): boolean {
  const m = pattern.matcher;
  if (!m || m.match(rel)) return true;
  for (let i = rel.indexOf('/'); i > 0; i = rel.indexOf('/', i + 1)) if (m.match(rel.slice(0, i))) return true;
  return false;
}

/** The decision of the last pattern of `list` that matches `rel`: true (it matches, not negated), false (a `!` pattern), or undefined (none matches). */
function lastMatch(list: readonly string[], rel: string): boolean | undefined {
  for (let i = list.length - 1; i >= 0; i--) {
    const p = compile(list[i]);
    if (p && matches(p, rel)) return !p.negated;
  }
  return undefined;
}

/**
 * Whether a path (relative to the globs' base, `/`-separated) is in the scope the globs set: `include` empty (or
 * not set, or only blank patterns) takes every file, else the file must be taken by `include`'s last matching pattern; then `exclude`'s last
 * matching pattern, when it is not a `!` exception, leaves it out.
 */
export function inGlobScope(rel: string, include: readonly string[] | undefined, exclude: readonly string[] | undefined): boolean {
  if (include && include.some((g) => compile(g) !== null) && lastMatch(include, rel) !== true) return false;
  return !(exclude && lastMatch(exclude, rel) === true);
}
