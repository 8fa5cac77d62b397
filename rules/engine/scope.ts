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
import { braceExpand, Minimatch } from 'minimatch';

/** The longest pattern minimatch reads (its assertValidPattern throws "pattern is too long" past it). */
export const MAX_GLOB_LENGTH = 64 * 1024;

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
  // A pattern minimatch refuses (too long: globProblem says so) is skipped as a blank one is, not thrown out of the walk.
  if (g === '' || g.length > MAX_GLOB_LENGTH) p = null;
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

/** The POSIX classes minimatch reads inside `[…]` (brace-expressions.js), each skipped as one unit when looking for the `]`. */
const POSIX_CLASSES = ['[:alnum:]', '[:alpha:]', '[:ascii:]', '[:blank:]', '[:cntrl:]', '[:digit:]', '[:graph:]', '[:lower:]', '[:print:]', '[:punct:]', '[:space:]', '[:upper:]', '[:word:]', '[:xdigit:]'];

/**
 * Where the character class opened by the `[` at `pos` of a path segment ends (the index after its `]`), or -1 when no
 * `]` closes it in the segment: minimatch's parseClass (brace-expressions.js) then reads the `[` as a literal character.
 * As there: a `!` or `^` right after the `[` negates, a `]` before any member is a member, `\` escapes, and a POSIX
 * class (`[:alpha:]`) is one member.
 */
function classEnd(seg: string, pos: number): number {
  let sawStart = false;
  let escaping = false;
  for (let i = pos + 1; i < seg.length; ) {
    const c = seg[i];
    if ((c === '!' || c === '^') && i === pos + 1) {
      i++;
      continue;
    }
    if (c === ']' && sawStart && !escaping) return i + 1;
    sawStart = true;
    if (c === '\\' && !escaping) {
      escaping = true;
      i++;
      continue;
    }
    if (c === '[' && !escaping) {
      const cls = POSIX_CLASSES.find((x) => seg.startsWith(x, i));
      if (cls) {
        i += cls.length;
        continue;
      }
    }
    escaping = false;
    i++;
  }
  return -1;
}

/** Whether the text after a `{` that brace expansion left holds a `,` or `..` (a list was meant) and no `}`. */
function unclosedList(rest: string): boolean {
  return !/(?:^|[^\\])\}/.test(rest) && /(?:,|\.\.)/.test(rest);
}

/** Whether a brace-expanded pattern has a part minimatch compiled to its "matches nothing" expression (`$.`: a class with no member left). */
function matchesNothing(pattern: string): boolean {
  return new Minimatch(pattern, { dot: true }).set.some((row) => row.some((part) => part instanceof RegExp && /(?:^|[^\\])\$\./.test(part.source)));
}

/**
 * Whether a glob has a `\` written as a Windows path separator (minimatch's README, "Windows": back-slashes are always
 * escapes, "so just always use / in patterns"): one before a letter, a digit or `_` (`services\api`), where an escape
 * would change nothing, or after `**` or before `**` (`**\*.yml`, `src\**`). An escape of a glob character
 * (`\[`, `\#`, `\*`), of `.` or `-` (`*\.yml`, as in a regular expression: minimatch reads it as `*.yml`), an escaped
 * `\\` and a trailing `\` are not (review 46a, item 8).
 */
function windowsSeparator(g: string): boolean {
  for (let i = 0; i < g.length; i++) {
    if (g[i] !== '\\') continue;
    const next = g[i + 1];
    if (next === undefined) return false;
    if (next === '\\') {
      i++;
      continue;
    }
    if (/\w/.test(next) || g.startsWith('**', i + 1) || (i >= 2 && g.slice(i - 2, i) === '**')) return true;
    i++;
  }
  return false;
}

/**
 * What keeps a glob of the config file or of the settings (`include`, `exclude`, `productionGlobs`) from matching what
 * its author meant, as minimatch reads it (review item: an invalid glob had no effect and no warning), or undefined. A
 * sentence to follow the glob's name (`This \`exclude\` glob …`, `dockerGuardrails.exclude[0] …`); the glob itself is
 * not quoted. minimatch throws on none of these but the first: it reads an unclosed `[`, `{` or `@(` as literal
 * characters (as bash does), so `a/[b` matches only a folder `a` holding a file named `[b`; a class with no member
 * left (`[z-a]`: minimatch drops a range written backwards) makes the whole pattern match nothing; a pattern starting
 * with `#` (after the `!` of an exception, in `include`/`exclude`) is a comment; a `\` is an escape, never a path
 * separator (a Windows path `services\api\Dockerfile`: windowsSeparator). These are not reported: a lone `{`,
 * `}` or `]`, or a `{x}` without `,` (literal characters, as in bash, and legal in a file name), a trailing `\`.
 * `exception`: a leading `!` is an exception (include/exclude), taken off before the rest is read.
 */
export function globProblem(raw: string, exception: boolean): string | undefined {
  let g = raw.trim();
  if (g === '') return undefined;
  if (g.length > MAX_GLOB_LENGTH) return `is longer than the ${MAX_GLOB_LENGTH.toLocaleString('en-US')} characters minimatch reads: it is not applied.`;
  if (exception && g.startsWith('!')) g = g.slice(1).trim();
  if (g.includes('\\') && windowsSeparator(g)) {
    return 'has a `\\` between names, which minimatch reads as an escape of the next character, not as a path separator (a Windows path such as `services\\api\\Dockerfile` matches only a file named `servicesapiDockerfile`). Write `/` between folders, on Windows too.';
  }
  // Most globs have no class, list or comment: nothing to read (a config of 10 MiB of plain globs parses no slower).
  if (!/[[{(#]/.test(g)) return undefined;
  if (g.startsWith('#')) return 'starts with `#`, which minimatch reads as a comment: it matches no path. Write `\\#` for a name that starts with `#`.';
  for (const expanded of braceExpand(g)) {
    let ranged = false;
    let offset = 0;
    for (const seg of expanded.split('/')) {
      const from = offset;
      offset += seg.length + 1;
      let depth = 0;
      for (let i = 0; i < seg.length; i++) {
        const c = seg[i];
        if (c === '\\') i++;
        else if (c === '[') {
          const end = classEnd(seg, i);
          if (end < 0) return 'has a `[` that no `]` closes in the same path segment: minimatch reads it as a literal `[` (it matches only a name with a `[` in it), not as a character class. Close the class, or write `\\[` for a literal `[`.';
          // Only a range or a POSIX class can leave a class with no member (minimatch drops a range written backwards).
          if (/[-:]/.test(seg.slice(i + 1, end - 1))) ranged = true;
          i = end - 1;
        } else if (c === '{' && unclosedList(expanded.slice(from + i + 1))) return 'has a `{` list that no `}` closes: minimatch reads `{` and `,` as literal characters and expands no alternative. Close the list with `}`.';
        else if (c === '(' && i > 0 && '!?+*@'.includes(seg[i - 1])) depth++;
        else if (c === ')' && depth > 0) depth--;
      }
      if (depth > 0) return 'has a pattern list (`@(`, `+(`, `*(`, `?(` or `!(`) that no `)` closes in the same path segment: minimatch reads it as literal characters. Close it with `)`.';
    }
    if (ranged && matchesNothing(expanded)) return 'has a character class with no character in it (a range written backwards, such as `[z-a]`, is dropped): minimatch makes the whole pattern match no path. Write the range low to high.';
  }
  return undefined;
}
