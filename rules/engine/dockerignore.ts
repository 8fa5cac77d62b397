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

export function parseDockerignore(text: string): DockerignorePattern[] {
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

/** Whether a path (relative to the context root, `/`-separated) is left out of the build context. */
export function isExcluded(patterns: readonly DockerignorePattern[], relPath: string): boolean {
  const file = cleanPath(relPath);
  const parent = path.posix.dirname(file);
  const parentDirs = parent === '.' ? [] : parent.split('/');
  let matched = false;
  for (const p of patterns) {
    if (!p.re) continue;
    // As patternmatcher: an exclusion is only tried when not yet excluded, a negation only when excluded.
    if (p.negate !== matched) continue;
    let match = p.re.test(file);
    for (let i = 0; !match && i < parentDirs.length; i++) match = p.re.test(parentDirs.slice(0, i + 1).join('/'));
    if (match) matched = !p.negate;
  }
  return matched;
}

/** The ignore file that applies to a build: `<Dockerfile>.dockerignore` when it exists, else `<context>/.dockerignore`. */
export function dockerignoreFor(ws: WorkspaceView, dockerfilePath: string, contextDir: string): { path: string; text: string | undefined } {
  const specific = `${dockerfilePath}.dockerignore`;
  const specificText = ws.readText(specific);
  if (specificText !== undefined) return { path: specific, text: specificText };
  const p = path.join(contextDir, '.dockerignore');
  return { path: p, text: ws.readText(p) };
}
