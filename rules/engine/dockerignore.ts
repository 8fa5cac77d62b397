/**
 * `.dockerignore` matching as BuildKit does it (moby/patternmatcher): lines starting with `#` are
 * comments; each pattern is trimmed, cleaned like a path (`./a/` → `a`, a leading `/` dropped) and
 * matched with Go's filepath.Match rules against the whole path relative to the context root — `*`
 * and `?` never cross `/`, `**` matches any number of directories — and a pattern that matches a
 * parent directory excludes everything under it. `!` re-includes; the last matching line wins.
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
  re: RegExp | null;
}

function cleanPath(p: string): string {
  const cleaned = path.posix.normalize(p);
  let out = cleaned === '.' ? '.' : cleaned.replace(/\/+$/, '');
  if (out.length > 1 && out.startsWith('/')) out = out.slice(1);
  return out === '' ? '.' : out;
}

/** Go filepath.Match (+ `**`) → a regular expression over `/`-separated paths. Null for a malformed pattern. */
function compile(pattern: string): RegExp | null {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') i++;
        re += i + 1 >= pattern.length ? '.*' : '(?:.*/)?';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '\\') {
      i++;
      if (i >= pattern.length) return null;
      re += escapeRe(pattern[i]);
    } else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close === -1) return null;
      let body = pattern.slice(i + 1, close);
      const neg = body.startsWith('^') || body.startsWith('!');
      if (neg) body = body.slice(1);
      re += `[${neg ? '^' : ''}${body.replace(/\\/g, '\\\\').replace(/\//g, '')}]`;
      i = close;
    } else re += escapeRe(c);
  }
  re += '$';
  try {
    return new RegExp(re);
  } catch {
    return null;
  }
}

/**
 * A COPY/ADD source glob or a `.dockerignore` pattern as a regular expression over `/`-separated paths:
 * BuildKit matches both with Go's filepath.Match (`*` and `?` never cross `/`, and match a leading dot).
 * Null for a malformed pattern.
 */
export function globRegExp(pattern: string): RegExp | null {
  return compile(pattern);
}

function escapeRe(c: string): string {
  return /[.+^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
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
    out.push({ pattern: cleaned, negate, re: compile(cleaned) });
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
  const parents: string[] = [];
  for (let at = file.indexOf('/'); at !== -1; at = file.indexOf('/', at + 1)) parents.push(file.slice(0, at));
  for (let i = patterns.length - 1; i >= 0; i--) {
    const p = patterns[i];
    if (!p.re) continue;
    let match = p.re.test(file);
    for (let k = 0; !match && k < parents.length; k++) match = p.re.test(parents[k]);
    if (match) return !p.negate;
  }
  return false;
}

/**
 * isExcluded for the entries of a walk of the context: `parent`, the answer of the entry's folder (undefined at the
 * root), holds which patterns match that folder or a folder above it, so each entry is matched once against each
 * pattern rather than with each of its parent folders again. `hits` is what to pass for the entries of this one
 * (when it is a folder).
 */
export function matchEntry(patterns: readonly DockerignorePattern[], relPath: string, parent?: EntryMatch): EntryMatch {
  const file = cleanPath(relPath);
  const hits = new Uint8Array(patterns.length);
  let excluded: boolean | undefined;
  for (let i = patterns.length - 1; i >= 0; i--) {
    const p = patterns[i];
    const hit = p.re !== null && (parent?.hits[i] === 1 || p.re.test(file));
    if (!hit) continue;
    hits[i] = 1;
    excluded ??= !p.negate;
  }
  return { excluded: excluded ?? false, hits };
}

export interface EntryMatch {
  excluded: boolean;
  /** Per pattern, 1 when it matches the entry or a folder above it. */
  hits: Uint8Array;
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
    const literal = literalStart(p.pattern);
    if (literal.startsWith(dir) || dir.startsWith(literal)) return true;
  }
  return false;
}

/** The beginning of a pattern before its first wildcard or escape: every path it matches starts so. */
function literalStart(pattern: string): string {
  const at = pattern.search(/[*?[\\]/);
  return at === -1 ? pattern : pattern.slice(0, at);
}

/** The ignore file that applies to a build: `<Dockerfile>.dockerignore` when it exists, else `<context>/.dockerignore`. */
export function dockerignoreFor(ws: WorkspaceView, dockerfilePath: string, contextDir: string): { path: string; text: string | undefined } {
  const specific = `${dockerfilePath}.dockerignore`;
  const specificText = ws.readText(specific);
  if (specificText !== undefined) return { path: specific, text: specificText };
  const p = path.join(contextDir, '.dockerignore');
  return { path: p, text: ws.readText(p) };
}
