/**
 * `.dockerignore` matching as BuildKit does it (moby/patternmatcher): lines starting with `#` are
 * comments; each pattern is trimmed, cleaned like a path (`./a/` → `a`, a leading `/` dropped) and
 * matched as patternmatcher compiles it (compileIgnore) against the whole path relative to the context root — `*`
 * and `?` never cross `/`, `**` matches any number of directories, a leading `**` without a wildcard after it is a
 * suffix match (`**.pem`), a class negates with `^` only and a POSIX class in it (`[[:alpha:]]`) is Go's ASCII class — and a
 * pattern that matches a parent directory excludes
 * everything under it. `!` re-includes; the last matching line wins.
 * Unlike .gitignore, `foo` matches only `./foo`, not `sub/foo`.
 * Which file applies: `<Dockerfile>.dockerignore` beside the Dockerfile takes precedence over
 * `.dockerignore` at the root of the build context.
 * https://docs.docker.com/build/concepts/context/#dockerignore-files
 * https://github.com/moby/patternmatcher
 */
import * as path from 'node:path';
import type { WorkspaceView } from './types';

export interface DockerignorePattern {
  /** The cleaned pattern (without `!`). */
  pattern: string;
  /** A `!` line: matching paths are re-included. */
  negate: boolean;
  /** How patternmatcher matches it; undefined for a pattern it cannot read (`re` null). */
  kind?: IgnoreMatchKind;
  re: RegExp | null;
}

function cleanPath(p: string): string {
  const cleaned = path.posix.normalize(p);
  let out = cleaned === '.' ? '.' : cleaned.replace(/\/+$/, '');
  if (out.length > 1 && out.startsWith('/')) out = out.slice(1);
  return out === '' ? '.' : out;
}

/**
 * Whether a pattern is well formed as Go's filepath.Match reads it (patternmatcher.New runs filepath.Match on every
 * pattern and fails on an error): a `\` escapes the next character and may not end the pattern; a `[` opens a class,
 * `'[' [ '^' ] { character-range } ']'`, of at least one range, each `c` or `lo-hi`, where `c` is not `-` or `]` unless
 * escaped, and the class is closed. https://pkg.go.dev/path/filepath#Match
 */
function wellFormed(chars: readonly string[]): boolean {
  const esc = (k: number): number => {
    // The index after the class character at k, or -1 (Go's getEsc).
    if (k >= chars.length || chars[k] === '-' || chars[k] === ']') return -1;
    if (chars[k] === '\\') k++;
    return k + 1 < chars.length ? k + 1 : -1;
  };
  for (let k = 0; k < chars.length; k++) {
    if (chars[k] === '\\') {
      if (++k >= chars.length) return false;
    } else if (chars[k] === '[') {
      k++;
      if (chars[k] === '^') k++;
      for (let ranges = 0; !(chars[k] === ']' && ranges > 0); ranges++) {
        k = esc(k);
        if (k !== -1 && chars[k] === '-') k = esc(k + 1);
        if (k === -1) return false;
      }
    }
  }
  return true;
}

/** How patternmatcher matches a pattern (its matchType): the path is the pattern, starts with it, ends with it, or matches its regular expression. */
export type IgnoreMatchKind = 'exact' | 'prefix' | 'suffix' | 'regexp';

/** Characters patternmatcher escapes in its regular expression (shouldEscape): special there, plain in filepath.Match. */
const GO_ESCAPED = new Set(['.', '+', '(', ')', '|', '{', '}', '$']);

/**
 * A `.dockerignore` pattern (cleaned) compiled as moby/patternmatcher compiles it (patternmatcher.go, `compile` and
 * `match`; the tables of patternmatcher_test.go are test/dockerignore-matcher.test.ts): a pattern without wildcards is
 * an exact match; one ending in `**` with no wildcard before it a prefix match (`dir/**`: what starts with `dir/`); one
 * starting with `**` whose rest has no wildcard a SUFFIX match (`**.pem`: every path ending in `.pem`, at any depth;
 * a `**` and `/.env` after it: `.env` or a path ending in `/.env`); anything else the regular expression patternmatcher
 * writes: `*` and `?` any characters but `/` (any number, one), `**` any folders (anything at the end), an escape and
 * `[`, `]` copied as they are — so a class negates with `^` only (`[!i]` is `!` or `i`, as in Go's regexp and
 * filepath.Match). Null for a pattern that filepath.Match
 * rejects (BuildKit fails the build on it) or whose expression does not compile (patternmatcher: ErrBadPattern).
 * https://github.com/moby/patternmatcher/blob/main/patternmatcher.go
 */
function compileIgnore(pattern: string): { kind: IgnoreMatchKind; re: RegExp } | null {
  const chars = [...pattern];
  if (!wellFormed(chars)) return null;
  let kind: IgnoreMatchKind = 'exact';
  let re = '';
  // `token` counts what the scan read, a `**` (and its `/`) once: patternmatcher's `i`.
  for (let k = 0, token = 0; k < chars.length; token++) {
    const c = chars[k++];
    if (c === '*' && chars[k] === '*') {
      k++;
      if (chars[k] === '/') k++;
      if (k < chars.length) {
        // Consecutive `**/` mean one (any folders, or none): written once, as JavaScript's engine backtracks over each copy
        // where Go's RE2 does not (`**/**/**/**/**/**/**/**/x.pem` took 30 s over a deep path; review54b, F7).
        if (!re.endsWith('(?:.*/)?')) re += '(?:.*/)?';
        kind = 'regexp';
      } else if (kind === 'exact') kind = 'prefix';
      else {
        re += '.*';
        kind = 'regexp';
      }
      if (token === 0) kind = 'suffix';
    } else if (c === '*' || c === '?') {
      re += c === '*' ? '[^/]*' : '[^/]';
      kind = 'regexp';
    } else if (GO_ESCAPED.has(c)) re += `\\${c}`;
    else if (c === '\\') {
      const escaped = goRegexpEscape(chars[k++]);
      if (escaped === null) return null;
      re += escaped;
      kind = 'regexp';
    } else if (c === '[' || c === ']') {
      re += c;
      kind = 'regexp';
    } else re += c;
  }
  const literal = (text: string): string => text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
  let source: string;
  if (kind === 'exact') source = `^${literal(pattern)}$`;
  else if (kind === 'prefix') source = `^${literal(pattern.slice(0, -2))}`;
  else if (kind === 'suffix') {
    // `**/foo` also matches `foo` itself; `**` alone (suffix '') matches every path.
    const suffix = pattern.slice(2);
    source = suffix.startsWith('/') ? `(?:^|/)${literal(suffix.slice(1))}$` : suffix === '' ? '' : `${literal(suffix)}$`;
  } else {
    const js = goClassesToJs(re);
    if (js === null) return null;
    source = `^${js}$`;
  }
  try {
    return { kind, re: new RegExp(source) };
  } catch {
    return null;
  }
}

/**
 * Go's ASCII classes (regexp/syntax, "ASCII character classes"; the posixGroup table of perl_groups.go), as code point ranges:
 * `[[:alpha:]]` is `[A-Za-z]`; `[:^alpha:]` the others. https://pkg.go.dev/regexp/syntax
 */
const POSIX_CLASSES: Record<string, readonly (readonly [number, number])[]> = {
  alnum: [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]],
  alpha: [[0x41, 0x5a], [0x61, 0x7a]],
  ascii: [[0x00, 0x7f]],
  blank: [[0x09, 0x09], [0x20, 0x20]],
  cntrl: [[0x00, 0x1f], [0x7f, 0x7f]],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [[0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]],
  space: [[0x09, 0x0d], [0x20, 0x20]],
  upper: [[0x41, 0x5a]],
  word: [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]],
  xdigit: [[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]],
};

/** A POSIX class (or its complement, `[:^name:]`) as the ranges of a JavaScript class, in `\uXXXX` escapes. */
function posixRanges(ranges: readonly (readonly [number, number])[], negated: boolean): string {
  const hex = (n: number): string => `\\u${n.toString(16).padStart(4, '0')}`;
  let list = ranges;
  if (negated) {
    const out: [number, number][] = [];
    let next = 0;
    for (const [lo, hi] of ranges) {
      if (lo > next) out.push([next, lo - 1]);
      next = hi + 1;
    }
    if (next <= 0xffff) out.push([next, 0xffff]);
    list = out;
  }
  return list.map(([lo, hi]) => (lo === hi ? hex(lo) : `${hex(lo)}-${hex(hi)}`)).join('');
}

/**
 * The expression patternmatcher writes (Go's syntax) as a JavaScript one: the same but for a POSIX class inside a bracket
 * expression (`[[:alpha:]]`, `[[:^digit:]_]`), which Go's regexp reads as the ASCII class and JavaScript as the characters
 * `[`, `:`, `a`… then a `]`. As Go's parser (regexp/syntax parse.go, parseClass and parseNamedClass): where a class item
 * starts with `[:`, the name runs to the next `:]`; a name that is not a class is an error (ErrInvalidCharRange), as is a
 * class that is not closed (ErrMissingBracket): null, the pattern is not read (patternmatcher fails on it). Elsewhere `[` in
 * a class is itself in both syntaxes; an escape is one character after `\` (goRegexpEscape kept no other); a `-` or `]`
 * read as a character (Go reads `]` so first in a class, `-` outside a range) is written escaped, as JavaScript may read
 * either otherwise.
 */
function goClassesToJs(re: string): string | null {
  if (!re.includes('[')) return re;
  let out = '';
  for (let k = 0; k < re.length; ) {
    const c = re[k];
    if (c === '\\') {
      out += re.slice(k, k + 2);
      k += 2;
    } else if (c !== '[') {
      out += c;
      k++;
    } else {
      out += '[';
      k++;
      if (re[k] === '^') {
        out += '^';
        k++;
      }
      // A class item: a POSIX class, or a character (escaped or not) and, with `-` and another after it, a range.
      const classChar = (): boolean => {
        if (k >= re.length) return false;
        const len = re[k] === '\\' ? 2 : 1;
        out += re[k] === '-' || re[k] === ']' ? `\\${re[k]}` : re.slice(k, k + len);
        k += len;
        return true;
      };
      for (let first = true; first || re[k] !== ']'; first = false) {
        if (k >= re.length) return null;
        if (re[k] === '[' && re[k + 1] === ':' && k + 2 < re.length) {
          const end = re.indexOf(':]', k + 2);
          if (end !== -1) {
            const name = re.slice(k + 2, end);
            const negated = name.startsWith('^');
            const key = negated ? name.slice(1) : name;
            if (!Object.hasOwn(POSIX_CLASSES, key)) return null;
            out += posixRanges(POSIX_CLASSES[key], negated);
            k = end + 2;
            continue;
          }
        }
        if (!classChar()) return null;
        if (re[k] === '-' && k + 1 < re.length && re[k + 1] !== ']') {
          out += '-';
          k++;
          if (!classChar()) return null;
        }
      }
      out += ']';
      k++;
    }
  }
  return out;
}

/**
 * `\c` of a pattern in patternmatcher's expression, where Go's regexp reads it: a punctuation character is itself; the
 * class escapes and control characters both syntaxes share (`\d`, `\s`, `\w`, `\t` …) are kept; null for the others,
 * which Go's regexp rejects or reads in its own way (`\p{L}`, `\Q…\E`, `\z`).
 */
function goRegexpEscape(c: string): string | null {
  if (/^[!-/:-@[-`{-~ ]$/.test(c)) return `\\${c}`;
  return /^[dDsSwWfnrtv]$/.test(c) ? `\\${c}` : null;
}

/**
 * A COPY/ADD source glob (the last part of a source: `*.sh`, `entry?.sh`, `[de]*`) as a regular expression, read as Go's
 * filepath.Match reads it (Dockerfile reference, COPY: "matching will be done using Go's filepath.Match rules"): `*`
 * (however many) any run of characters but `/`, `?` one of them, `\` escapes the next character, and a class
 * `[…]` negates with `^` only (`[!_]` is `!` or `_`); a range whose ends are out of order matches nothing. Null for a
 * malformed pattern (BuildKit: "syntax error in pattern"). Not the `.dockerignore` reading (no `**`): compileIgnore.
 * https://pkg.go.dev/path/filepath#Match
 */
export function globRegExp(pattern: string): RegExp | null {
  const chars = [...pattern];
  if (!wellFormed(chars)) return null;
  const classChar = (c: string): string => (/[\\\]^[-]/.test(c) ? `\\${c}` : c);
  let re = '^';
  for (let k = 0; k < chars.length; k++) {
    const c = chars[k];
    if (c === '*') {
      if (!re.endsWith('[^/]*')) re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '\\') re += escapeRe(chars[++k]);
    else if (c === '[') {
      let body = '';
      if (chars[++k] === '^') {
        body = '^';
        k++;
      }
      // wellFormed saw the ranges and the closing `]`.
      for (let ranges = 0; !(chars[k] === ']' && ranges > 0); ranges++) {
        const lo = chars[k] === '\\' ? chars[++k] : chars[k];
        k++;
        let hi = lo;
        if (chars[k] === '-') {
          hi = chars[++k] === '\\' ? chars[++k] : chars[k];
          k++;
        }
        if ((lo.codePointAt(0) ?? 0) <= (hi.codePointAt(0) ?? 0)) body += hi === lo ? classChar(lo) : `${classChar(lo)}-${classChar(hi)}`;
      }
      re += `[${body}]`;
    } else re += escapeRe(c);
  }
  try {
    return new RegExp(`${re}$`);
  } catch {
    return null;
  }
}

function escapeRe(c: string): string {
  return /[.*?+^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

/**
 * The patterns of an ignore file's text, compiled once per text (the patterns depend on the text alone and are never
 * changed): DR003 and DF021 ask on every analysis of every Dockerfile whose context the file belongs to.
 */
export function parseDockerignore(text: string): readonly DockerignorePattern[] {
  const hit = parsed.get(text);
  if (hit) return hit;
  const made = computeParse(text);
  if (parsed.size >= MAX_PARSED) parsed.delete(parsed.keys().next().value as string);
  parsed.set(text, made);
  return made;
}

const parsed = new Map<string, readonly DockerignorePattern[]>();
const MAX_PARSED = 64;

function computeParse(text: string): DockerignorePattern[] {
  const out: DockerignorePattern[] = [];
  for (const raw of text.split(/\r?\n/)) {
    if (raw.startsWith('#')) continue;
    let p = raw.trim();
    if (p === '') continue;
    const negate = p.startsWith('!');
    if (negate) p = p.slice(1).trim();
    if (p === '') continue;
    const cleaned = cleanPath(p);
    const compiled = compileIgnore(cleaned);
    out.push({ pattern: cleaned, negate, ...(compiled ? { kind: compiled.kind } : {}), re: compiled?.re ?? null });
  }
  return out;
}

/**
 * Whether a path (relative to the context root, `/`-separated) is left out of the build context. As patternmatcher,
 * a pattern matches the path or one of its parent folders, an exclusion is only tried when the path is not yet
 * excluded and a negation only when it is: so the last pattern that matches decides (an exclusion when it excludes,
 * a `!` when it re-includes), and the patterns are tried from the last, stopping at the first that matches.
 */
export function isExcluded(patterns: readonly DockerignorePattern[], relPath: string): boolean {
  const file = cleanPath(relPath);
  const index = patternIndex(patterns);
  const parents: string[] = [];
  for (let at = file.indexOf('/'); at !== -1; at = file.indexOf('/', at + 1)) parents.push(file.slice(0, at));
  // Only the patterns that may match the path or a folder above it (patternIndex): those of its first folder and the loose
  // ones, whose end may end the name of the path or of one of those folders (globwild).
  const candidates = new Set<number>();
  const slash = file.indexOf('/');
  const buckets = [index.bySegment.get(slash === -1 ? file : file.slice(0, slash)), index.loose];
  for (const p of [...parents, file]) for (const bucket of buckets) if (bucket) bucketLines(bucket, p.slice(p.lastIndexOf('/') + 1), (i) => candidates.add(i));
  for (const i of [...candidates].sort((a, b) => b - a)) {
    const p = patterns[i];
    // A pattern matches only paths that start with its literal beginning; a parent folder is the beginning of the path.
    if (!file.startsWith(index.literal[i])) continue;
    let match = p.re!.test(file);
    for (let k = 0; !match && k < parents.length; k++) match = p.re!.test(parents[k]);
    if (match) return !p.negate;
  }
  return false;
}

/** Calls `line` with each line of `bucket` that may match a path whose last part is `name`: those keyed by an end of it, and those whose end says nothing. */
function bucketLines(bucket: Bucket, name: string, line: (i: number) => void): void {
  for (const i of bucket.anyEnd) line(i);
  for (const n of bucket.endLengths) {
    if (n > name.length) break;
    for (const i of bucket.byEnd.get(name.slice(name.length - n)) ?? []) line(i);
  }
}

/**
 * isExcluded for the entries of a walk of the context: `parent`, the answer of the entry's folder (undefined at the
 * root), holds which patterns match that folder or a folder above it, so each entry is matched once against each
 * pattern rather than with each of its parent folders again. `hits` is what to pass for the entries of this one
 * (when it is a folder). Only the patterns that may match the entry are tested (patternIndex: those of its first folder
 * and those whose first folder has a wildcard, globslash2; of these, those whose end may end the entry's name, globwild),
 * so an entry costs what may match it, not every line. The order they are tested in does not matter: the last that
 * matches decides.
 */
export function matchEntry(patterns: readonly DockerignorePattern[], relPath: string, parent?: EntryMatch): EntryMatch {
  const file = cleanPath(relPath);
  const index = patternIndex(patterns);
  const hits = parent ? parent.hits.slice() : new Uint8Array(patterns.length);
  let last = parent ? parent.last : -1;
  const slash = file.indexOf('/');
  const name = file.slice(file.lastIndexOf('/') + 1);
  const test = (i: number): void => {
    if (hits[i] === 1 || !file.startsWith(index.literal[i]) || !patterns[i].re!.test(file)) return;
    hits[i] = 1;
    if (i > last) last = i;
  };
  const segment = index.bySegment.get(slash === -1 ? file : file.slice(0, slash));
  if (segment) bucketLines(segment, name, test);
  bucketLines(index.loose, name, test);
  // The last pattern that matches decides, as isExcluded.
  return { excluded: last !== -1 && !patterns[last].negate, hits, last };
}

export interface EntryMatch {
  excluded: boolean;
  /** Per pattern, 1 when it matches the entry or a folder above it. */
  hits: Uint8Array;
  /** The last pattern that matches the entry or a folder above it; -1 when none does. */
  last: number;
}

/**
 * The patterns of an ignore file grouped by what they may match, made once per list (a WeakMap on the list, which
 * parseDockerignore keeps per text): every path a pattern matches starts with its literal beginning (`literal`,
 * literalStart), and ends with its literal end (literalEnd). A pattern whose first folder is literal (`ignored-dir-1/**`,
 * `scripts/task*`) or that is exact (`node_modules`) may only match paths in that first folder: `bySegment`, by it; the
 * others (`*.pem`, `**.key`, `scripts*`): `loose`, tried on every path. In each, by the last part of its literal end (after
 * its last `/`; the whole end when it has none): a path it matches has a name (last part) that ends so (`*.tmp-7`: names
 * ending in `.tmp-7`). Patterns that cannot be read are in neither.
 */
interface PatternIndex {
  literal: string[];
  bySegment: Map<string, Bucket>;
  loose: Bucket;
}

/** Patterns by how the name of a path they match ends (`byEnd`, with the lengths of its keys, shortest first), and those whose end says nothing (`anyEnd`: `*`, `dir/**`, `*.[ch]`). */
interface Bucket {
  byEnd: Map<string, number[]>;
  endLengths: number[];
  anyEnd: number[];
}

const indexes = new WeakMap<readonly DockerignorePattern[], PatternIndex>();

function patternIndex(patterns: readonly DockerignorePattern[]): PatternIndex {
  const hit = indexes.get(patterns);
  if (hit) return hit;
  const bucket = (): Bucket => ({ byEnd: new Map(), endLengths: [], anyEnd: [] });
  const made: PatternIndex = { literal: [], bySegment: new Map(), loose: bucket() };
  for (const [i, p] of patterns.entries()) {
    const literal = literalStart(p);
    made.literal.push(literal);
    if (!p.re) continue;
    const slash = literal.indexOf('/');
    const segment = slash !== -1 ? literal.slice(0, slash) : p.kind === 'exact' ? literal : undefined;
    let into = made.loose;
    if (segment !== undefined) {
      into = made.bySegment.get(segment) ?? bucket();
      made.bySegment.set(segment, into);
    }
    const end = literalEnd(p);
    const key = end.slice(end.lastIndexOf('/') + 1);
    if (key === '') into.anyEnd.push(i);
    else {
      const list = into.byEnd.get(key);
      if (list) list.push(i);
      else {
        into.byEnd.set(key, [i]);
        if (!into.endLengths.includes(key.length)) into.endLengths.push(key.length);
      }
    }
  }
  for (const b of [made.loose, ...made.bySegment.values()]) b.endLengths.sort((a, c) => a - c);
  indexes.set(patterns, made);
  return made;
}

/**
 * Whether a `!` pattern may re-include the folder `relPath`, a folder above it or something below it: false when
 * each negation's literal beginning (up to its first wildcard) leads elsewhere (`!README.md` for `node_modules`).
 * A folder excluded where none may is excluded with everything in it: a walk need not look inside.
 */
export function mayReincludeBelow(patterns: readonly DockerignorePattern[], relPath: string): boolean {
  const dir = `${cleanPath(relPath)}/`;
  for (const p of patterns) {
    if (!p.negate || !p.re) continue;
    const literal = literalStart(p);
    if (literal.startsWith(dir) || dir.startsWith(literal)) return true;
  }
  return false;
}

/**
 * The beginning of a pattern that every path it matches starts with: an exact pattern is the path itself, a prefix one
 * (`dir/**`) its text before the `**` (patternmatcher compares the strings); otherwise the text before the first wildcard,
 * escape or `^` ('' for a suffix pattern, which starts with `**`). In an expression a `^` is copied as it is, where Go reads
 * it as the start of the text (shouldEscape escapes only `.+()|{}$`), so `^x*` (`^^x[^/]*$`) matches `xyz`: what follows a
 * `^` is not where a match starts.
 */
function literalStart(p: DockerignorePattern): string {
  if (p.kind === 'exact') return p.pattern;
  if (p.kind === 'prefix') return p.pattern.slice(0, -2);
  const at = p.pattern.search(/[*?[\\^]/);
  return at === -1 ? p.pattern : p.pattern.slice(0, at);
}

/**
 * The end of a pattern that every path it matches ends with: an exact pattern is the path itself; a prefix one (`dir/**`)
 * says nothing (''); a suffix one (`**.pem`, `**` and `/.env`) is its text after the `**`, without the `/` (patternmatcher:
 * the path ends with it, or is it without the `/`); otherwise the text after the last wildcard, escape, `[`, `]` or `^`,
 * and after the character an escape takes (`\d` is a digit there), which compileIgnore writes as itself before the closing
 * `$` (`*.tmp-7`: `.tmp-7`; `*.[ch]`, `dir/*`: '').
 */
function literalEnd(p: DockerignorePattern): string {
  if (p.kind === 'exact') return p.pattern;
  if (p.kind === 'prefix') return '';
  if (p.kind === 'suffix') return p.pattern.slice(2).replace(/^\//, '');
  // After an escape, the character escaped too (`\d` is a digit in Go's expression).
  const escape = p.pattern.lastIndexOf('\\');
  const at = Math.max(...[...'*?[]^'].map((c) => p.pattern.lastIndexOf(c) + 1), escape === -1 ? 0 : escape + 2);
  return p.pattern.slice(at);
}

/** The ignore file that applies to a build: `<Dockerfile>.dockerignore` when it exists, else `<context>/.dockerignore`. */
export function dockerignoreFor(ws: WorkspaceView, dockerfilePath: string, contextDir: string): { path: string; text: string | undefined } {
  const specific = `${dockerfilePath}.dockerignore`;
  const specificText = ws.readText(specific);
  if (specificText !== undefined) return { path: specific, text: specificText };
  const p = path.join(contextDir, '.dockerignore');
  return { path: p, text: ws.readText(p) };
}

/** How many entries of a build context a walk or a folder's listing looks at, at most; past that what it holds is not known (DR003, entrypoint-step-down.ts). */
export const MAX_CONTEXT_ENTRIES = 5000;
