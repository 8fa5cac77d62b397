/**
 * The `.dockerignore` matcher against the tables of moby/patternmatcher's tests (patternmatcher_test.go: TestMatches,
 * the filepath.Match table TestMatch runs, TestCompile's match types and expressions), the matcher BuildKit uses
 * (review53b, finding 7: `**.sh` is a suffix match there, `[!i]` a class of `!` and `i`). And COPY source globs
 * (globRegExp) as Go's filepath.Match reads them: no `**`, a class negates with `^` only.
 * https://github.com/moby/patternmatcher/blob/main/patternmatcher_test.go
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_CONFIG } from '../rules';
import { globRegExp, isExcluded, matchEntry, parseDockerignore, type DockerignorePattern } from '../rules/engine/dockerignore';
import { viewOf } from './helpers/fixtures';

/** exact: the pattern matches the path itself; inexact: only a folder above it; fail: neither. */
type Pass = 'exact' | 'inexact' | 'fail';

/** TestMatches' `tests` (the non-Windows ones included). */
const MATCHES: readonly [string, string, Pass][] = [
  ['**', 'file', 'exact'],
  ['**', 'file/', 'exact'],
  ['**/', 'file', 'exact'],
  ['**/', 'file/', 'exact'],
  ['**', '/', 'exact'],
  ['**/', '/', 'exact'],
  ['**', 'dir/file', 'exact'],
  ['**/', 'dir/file', 'exact'],
  ['**', 'dir/file/', 'exact'],
  ['**/', 'dir/file/', 'exact'],
  ['**/**', 'dir/file', 'exact'],
  ['**/**', 'dir/file/', 'exact'],
  ['dir/**', 'dir/file', 'exact'],
  ['dir/**', 'dir/file/', 'exact'],
  ['dir/**', 'dir/dir2/file', 'exact'],
  ['dir/**', 'dir/dir2/file/', 'exact'],
  ['**/dir', 'dir', 'exact'],
  ['**/dir', 'dir/file', 'inexact'],
  ['**/dir2/*', 'dir/dir2/file', 'exact'],
  ['**/dir2/*', 'dir/dir2/file/', 'inexact'],
  ['**/dir2/**', 'dir/dir2/dir3/file', 'exact'],
  ['**/dir2/**', 'dir/dir2/dir3/file/', 'exact'],
  ['**file', 'file', 'exact'],
  ['**file', 'dir/file', 'exact'],
  ['**/file', 'dir/file', 'exact'],
  ['**file', 'dir/dir/file', 'exact'],
  ['**/file', 'dir/dir/file', 'exact'],
  ['**/file*', 'dir/dir/file', 'exact'],
  ['**/file*', 'dir/dir/file.txt', 'exact'],
  ['**/file*txt', 'dir/dir/file.txt', 'exact'],
  ['**/file*.txt', 'dir/dir/file.txt', 'exact'],
  ['**/file*.txt*', 'dir/dir/file.txt', 'exact'],
  ['**/**/*.txt', 'dir/dir/file.txt', 'exact'],
  ['**/**/*.txt2', 'dir/dir/file.txt', 'fail'],
  ['**/*.txt', 'file.txt', 'exact'],
  ['**/**/*.txt', 'file.txt', 'exact'],
  ['a**/*.txt', 'a/file.txt', 'exact'],
  ['a**/*.txt', 'a/dir/file.txt', 'exact'],
  ['a**/*.txt', 'a/dir/dir/file.txt', 'exact'],
  ['a/*.txt', 'a/dir/file.txt', 'fail'],
  ['a/*.txt', 'a/file.txt', 'exact'],
  ['a/*.txt**', 'a/file.txt', 'exact'],
  ['a[b-d]e', 'ae', 'fail'],
  ['a[b-d]e', 'ace', 'exact'],
  ['a[b-d]e', 'aae', 'fail'],
  ['a[^b-d]e', 'aze', 'exact'],
  ['.*', '.foo', 'exact'],
  ['.*', 'foo', 'fail'],
  ['abc.def', 'abcdef', 'fail'],
  ['abc.def', 'abc.def', 'exact'],
  ['abc.def', 'abcZdef', 'fail'],
  ['abc?def', 'abcZdef', 'exact'],
  ['abc?def', 'abcdef', 'fail'],
  ['**/foo/bar', 'foo/bar', 'exact'],
  ['**/foo/bar', 'dir/foo/bar', 'exact'],
  ['**/foo/bar', 'dir/dir2/foo/bar', 'exact'],
  ['abc/**', 'abc', 'fail'],
  ['abc/**', 'abc/def', 'exact'],
  ['abc/**', 'abc/def/ghi', 'exact'],
  ['**/.foo', '.foo', 'exact'],
  ['**/.foo', 'bar.foo', 'fail'],
  ['a(b)c/def', 'a(b)c/def', 'exact'],
  ['a(b)c/def', 'a(b)c/xyz', 'fail'],
  ['a.|)$(}+{bc', 'a.|)$(}+{bc', 'exact'],
  ['dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', 'exact'],
  ['dist/*.whl', 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', 'exact'],
  ['a\\\\', 'a\\', 'exact'],
  ['a\\*b', 'a*b', 'exact'],
];

/** TestMatches' `multiPatternTests`. */
const MULTI: readonly [string[], string, boolean][] = [
  [['**', '!util/docker/web'], 'util/docker/web/foo', false],
  [['**', '!util/docker/web', 'util/docker/web/foo'], 'util/docker/web/foo', true],
  [['**', '!dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl'], 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', false],
  [['**', '!dist/*.whl'], 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', false],
];

/** The filepath.Match table TestMatch runs through patternmatcher (Matches): [pattern, path, match, bad pattern]. */
const FILEPATH_MATCH: readonly [string, string, boolean, boolean?][] = [
  ['abc', 'abc', true],
  ['*', 'abc', true],
  ['*c', 'abc', true],
  ['a*', 'a', true],
  ['a*', 'abc', true],
  ['a*', 'ab/c', true],
  ['a*/b', 'abc/b', true],
  ['a*/b', 'a/c/b', false],
  ['a*b*c*d*e*/f', 'axbxcxdxe/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/fff', false],
  ['a*b?c*x', 'abxbbxdbxebxczzx', true],
  ['a*b?c*x', 'abxbbxdbxebxczzy', false],
  ['ab[c]', 'abc', true],
  ['ab[b-d]', 'abc', true],
  ['ab[e-g]', 'abc', false],
  ['ab[^c]', 'abc', false],
  ['ab[^b-d]', 'abc', false],
  ['ab[^e-g]', 'abc', true],
  ['a\\*b', 'a*b', true],
  ['a\\*b', 'ab', false],
  ['a?b', 'a☺b', true],
  ['a[^a]b', 'a☺b', true],
  ['a???b', 'a☺b', false],
  ['a[^a][^a][^a]b', 'a☺b', false],
  ['[a-ζ]*', 'α', true],
  ['*[a-ζ]', 'A', false],
  ['a?b', 'a/b', false],
  ['a*b', 'a/b', false],
  ['[\\]a]', ']', true],
  ['[\\-]', '-', true],
  ['[x\\-]', 'x', true],
  ['[x\\-]', '-', true],
  ['[x\\-]', 'z', false],
  ['[\\-x]', 'x', true],
  ['[\\-x]', '-', true],
  ['[\\-x]', 'a', false],
  ['[]a]', ']', false, true],
  ['[-]', '-', false, true],
  ['[x-]', 'x', false, true],
  ['[x-]', '-', false, true],
  ['[x-]', 'z', false, true],
  ['[-x]', 'x', false, true],
  ['[-x]', '-', false, true],
  ['[-x]', 'a', false, true],
  ['\\', 'a', false, true],
  ['[a-b-c]', 'a', false, true],
  ['[', 'a', false, true],
  ['[^', 'a', false, true],
  ['[^bc', 'a', false, true],
  ['a[', 'a', false, true],
  ['a[', 'ab', false, true],
  ['*x', 'xxx', true],
];

/** TestCompile's table (the `/` separator): the match type, and for a regexp the expression patternmatcher writes. */
const COMPILE: readonly [string, 'exact' | 'prefix' | 'suffix' | 'regexp', string?][] = [
  ['*', 'regexp', '^[^/]*$'],
  ['file*', 'regexp', '^file[^/]*$'],
  ['*file', 'regexp', '^[^/]*file$'],
  ['a*/b', 'regexp', '^a[^/]*/b$'],
  ['**', 'suffix'],
  ['**/**', 'regexp', '^(.*/)?.*$'],
  ['dir/**', 'prefix'],
  ['**/dir', 'suffix'],
  ['**/dir2/*', 'regexp', '^(.*/)?dir2/[^/]*$'],
  ['**/dir2/**', 'regexp', '^(.*/)?dir2/.*$'],
  ['**file', 'suffix'],
  ['**/file*txt', 'regexp', '^(.*/)?file[^/]*txt$'],
  ['**/**/*.txt', 'regexp', '^(.*/)?(.*/)?[^/]*\\.txt$'],
  ['a[b-d]e', 'regexp', '^a[b-d]e$'],
  ['.*', 'regexp', '^\\.[^/]*$'],
  ['abc.def', 'exact'],
  ['abc?def', 'regexp', '^abc[^/]def$'],
  ['**/foo/bar', 'suffix'],
  ['a(b)c/def', 'exact'],
  ['a.|)$(}+{bc', 'exact'],
  ['dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', 'exact'],
];

function one(pattern: string): DockerignorePattern {
  const patterns = parseDockerignore(`${pattern}\n`);
  assert.equal(patterns.length, 1, pattern);
  return patterns[0];
}

describe('.dockerignore patterns match as moby/patternmatcher matches them', () => {
  it("TestMatches: the path itself (MatchesExact) and the path or a folder above it (MatchesOrParentMatches, matchEntry's walk)", () => {
    for (const [pattern, text, pass] of MATCHES) {
      const p = one(pattern);
      assert.ok(p.re, pattern);
      assert.equal(p.re.test(text), pass === 'exact', `exact: ${pattern} ${text}`);
      assert.equal(isExcluded([p], text), pass !== 'fail', `or a parent: ${pattern} ${text}`);
      // The walk: each folder above the path first, each passing its answer on.
      const parts = text.split('/').filter((s) => s !== '');
      let parent;
      for (let k = 1; k < parts.length; k++) parent = matchEntry([p], parts.slice(0, k).join('/'), parent);
      assert.equal(matchEntry([p], text, parent).excluded, pass !== 'fail', `walk: ${pattern} ${text}`);
    }
  });

  it('TestMatches: several patterns, the last that matches deciding', () => {
    for (const [patterns, text, pass] of MULTI) assert.equal(isExcluded(parseDockerignore(patterns.join('\n')), text), pass, patterns.join(' '));
  });

  it("TestMatch (Go's filepath.Match table): a pattern filepath.Match rejects is not read", () => {
    for (const [pattern, text, match, bad] of FILEPATH_MATCH) {
      const p = one(pattern);
      assert.equal(p.re === null, bad === true, `bad: ${pattern}`);
      assert.equal(isExcluded([p], text), match, `${pattern} ${text}`);
    }
  });

  it('TestCompile: the match type, and the expression of a regexp match', () => {
    for (const [pattern, kind, expression] of COMPILE) {
      const p = one(pattern);
      assert.equal(p.kind, kind, pattern);
      // The same expression, with JavaScript's non-capturing group and its `\/` for a `/`; consecutive `(.*/)?` written once
      // (the same matches, without the backtracking: review54b, F7).
      if (expression !== undefined) assert.equal(p.re?.source.replace(/\\\//g, '/'), expression.replace(/(?:\(\.\*\/\)\?)+/g, '(?:.*/)?'), pattern);
    }
  });

  it('a leading `**` without a wildcard after it is a suffix match: `**.sh` leaves out every path ending in .sh (review53b, finding 7)', () => {
    const patterns = parseDockerignore('**.sh\n**.pem\n');
    for (const f of ['docker-entrypoint.sh', 'bin/init.sh', '.sh', 'certs/server.pem', 'server.pem']) assert.equal(isExcluded(patterns, f), true, f);
    for (const f of ['docker-entrypoint.shx', 'README.md']) assert.equal(isExcluded(patterns, f), false, f);
  });

  it('a class negates with `^` only: `[!i]*.sh` leaves out names starting with `!` or `i` (review53b, finding 7)', () => {
    const patterns = parseDockerignore('[!i]*.sh\n');
    assert.equal(isExcluded(patterns, 'init.sh'), true);
    assert.equal(isExcluded(patterns, '!x.sh'), true);
    assert.equal(isExcluded(patterns, 'docker-entrypoint.sh'), false);
    const negated = parseDockerignore('[^i]*.sh\n');
    assert.equal(isExcluded(negated, 'init.sh'), false);
    assert.equal(isExcluded(negated, 'docker-entrypoint.sh'), true);
  });
});

/**
 * The answer of every line tried, with no index: as patternmatcher's MatchesOrParentMatches, a line matches the path or a
 * folder above it, and the last line that matches decides (an exclusion excludes, a `!` line re-includes).
 */
function everyLine(patterns: readonly DockerignorePattern[], path: string): boolean {
  const parts = path.split('/');
  let excluded = false;
  for (const p of patterns) {
    if (p.re && parts.some((_, k) => p.re!.test(parts.slice(0, k + 1).join('/')))) excluded = !p.negate;
  }
  return excluded;
}

/** isExcluded, and matchEntry's walk (each folder above the path first, passing its answer on), for one path. */
function indexed(patterns: readonly DockerignorePattern[], path: string): { isExcluded: boolean; walk: boolean } {
  const parts = path.split('/');
  let parent;
  for (let k = 1; k < parts.length; k++) parent = matchEntry(patterns, parts.slice(0, k).join('/'), parent);
  return { isExcluded: isExcluded(patterns, path), walk: matchEntry(patterns, path, parent).excluded };
}

describe('the pattern index (which lines an entry is matched against) gives the answers of every line tried', () => {
  // Lines keyed by their literal first folder, by how their last part ends, and neither; `!` lines among them.
  const POOL = [
    '*.x', '**/*.x', '**.x', '**/b.x', '*/b.x', 'dir/*.x', 'dir/**', 'dir/sub', 'd?r/*.x', '*', '?', '**', 'a?c', '[a-z]*.x',
    '[a-z]', '\\*.x', '*\\*', 'a\\*', '*.[ch]', 'x.x', 'a*', '^x*', '*^x', '^x', 'dir/^x*', '**/sub/*', 'sub', '*.x*', 'b.x/**',
    '*.tmp-1', '*.tmp-12', '*.TMP-1', '*.x/c', 'a\\d', '*\\dx', '*\\.x', 'a/**/b.x', '**^x', 'dir/*/c.h',
  ];
  const PATHS = [
    'a.x', 'b.x', 'b.x/c', 'dir', 'dir/a.x', 'dir/b.x', 'dir/sub', 'dir/sub/b.x', 'dir/sub/c.h', 'd1r/q.x', '*.x', 'a*', 'a',
    'abc', 'x', 'xyz', '^x', 'x.x', 'c.h', 'c.c', 'dir/xq', 'q/sub/z', 'f.tmp-1', 'f.tmp-12', 'f.tmp-112', 'dir/f.tmp-1', 'a.xy', 'a1',
    'ad', 'q5x', 'qdx', 'a/b.x', 'a/q/b.x', 'q^x', 'dir/sub/c.h/z',
  ];

  it('on lists of lines drawn from kinds keyed in different ways, `!` lines and their order included', () => {
    // A fixed pseudo-random sequence (a linear congruential generator), so a failure can be repeated.
    let seed = 12345;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let round = 0; round < 1500; round++) {
      const lines = Array.from({ length: 1 + next(6) }, () => `${next(3) === 0 ? '!' : ''}${POOL[next(POOL.length)]}`);
      const patterns = parseDockerignore(lines.join('\n'));
      for (const path of PATHS) {
        const expected = everyLine(patterns, path);
        assert.deepEqual(indexed(patterns, path), { isExcluded: expected, walk: expected }, `${lines.join(' | ')} on ${path}`);
      }
    }
  });

  it('a `^` is copied into the expression, where Go reads it as the start of the text: `^x*` leaves out `xyz`', () => {
    // patternmatcher escapes only `.+()|{}$` (shouldEscape): `^x*` is `^^x[^/]*$`, which matches `xyz` and not `^xyz`.
    for (const [lines, path, excluded] of [
      ['^x*', 'xyz', true],
      ['^x*', '^xyz', false],
      ['^x*\n!^x*', 'xyz', false],
      ['*^x', 'x', true],
      ['^x/*', 'x/a', true],
      ['^x', 'x', false],
      ['^x', '^x', true],
      ['a^x*', 'ax', false],
    ] as const) {
      const patterns = parseDockerignore(lines);
      assert.equal(everyLine(patterns, path), excluded, `${lines} on ${path} (every line)`);
      assert.deepEqual(indexed(patterns, path), { isExcluded: excluded, walk: excluded }, `${lines} on ${path}`);
    }
  });

  it('a line keyed by how its last part ends still matches through a folder above the path: `*.x` leaves out `b.x/c`', () => {
    for (const [lines, path, excluded] of [
      ['*.x', 'b.x/c', true],
      ['**/*.x', 'dir/sub.x/c', true],
      ['*.x\n!b.x/c', 'b.x/c', false],
      ['!*.x\n**', 'b.x/c', true],
      ['**\n!*.x', 'b.x/c', false],
      ['**\n!*.x\nb.x/*', 'b.x/c', true],
      ['*.tmp-1', 'f.tmp-12', false],
      ['*.tmp-12', 'f.tmp-12', true],
      ['*2', 'f.tmp-12', true],
      ['\\*.x', '*.x', true],
      ['\\*.x', 'a.x', false],
      ['*.[ch]', 'c.h', true],
      ['*.[ch]', 'c.x', false],
      ['?', 'a', true],
      ['a\\d', 'a1', true],
      ['a\\d', 'ad', false],
      ['*\\dx', 'q5x', true],
      ['[a-z]', 'dir/sub', false],
    ] as const) {
      const patterns = parseDockerignore(lines);
      assert.equal(everyLine(patterns, path), excluded, `${lines} on ${path} (every line)`);
      assert.deepEqual(indexed(patterns, path), { isExcluded: excluded, walk: excluded }, `${lines} on ${path}`);
    }
  });
});

describe("COPY source globs as Go's filepath.Match reads them", () => {
  it("the filepath.Match table, on one part of a path", () => {
    for (const [pattern, text, match, bad] of FILEPATH_MATCH) {
      // A COPY glob is matched against the names in one folder (no `/`).
      if (text.includes('/') || pattern.includes('/')) continue;
      const re = globRegExp(pattern);
      assert.equal(re === null, bad === true, `bad: ${pattern}`);
      assert.equal(re?.test(text) ?? false, match, `${pattern} ${text}`);
    }
  });

  it('`[!_]` is a class of `!` and `_`, `**` two stars in one name, a range out of order matches nothing', () => {
    const bang = globRegExp('[!_]*.sh')!;
    assert.equal(bang.test('docker-entrypoint.sh'), false);
    assert.equal(bang.test('_x.sh'), true);
    assert.equal(bang.test('!x.sh'), true);
    assert.equal(globRegExp('[^_]*.sh')!.test('docker-entrypoint.sh'), true);
    assert.equal(globRegExp('**.sh')!.test('docker-entrypoint.sh'), true);
    assert.equal(globRegExp('[z-a]x')!.test('mx'), false);
    assert.equal(globRegExp('[^z-a]x')!.test('mx'), true);
  });
});

describe('DF010 reads what a glob COPY takes with these matchers (review53b, finding 7)', () => {
  /** DF010's messages on postgres with a COPY of `source`, the context holding init.sh and docker-entrypoint.sh, and this ignore file. */
  function df010(source: string, ignore: string | undefined): string[] {
    const text = `FROM postgres:16\nCOPY ${source} /usr/local/bin/\n`;
    const files = new Map([
      ['/w/Dockerfile', text],
      ['/w/init.sh', '#!/bin/sh\necho init\n'],
      ['/w/docker-entrypoint.sh', '#!/bin/sh\nexec "$@"\n'],
    ]);
    if (ignore !== undefined) files.set('/w/.dockerignore', ignore);
    return analyze(allRules, 'dockerfile', '/w/Dockerfile', text, viewOf(files, '/w'), DEFAULT_CONFIG).findings.filter((f) => f.code === 'DF010').map((f) => f.message);
  }
  const writesOver = /may write over the base image's entrypoint script docker-entrypoint\.sh/;

  it('`**.sh` in the ignore file leaves docker-entrypoint.sh out of the context: the COPY does not write over it', () => {
    const messages = df010('*.sh', '**.sh\n');
    assert.equal(messages.length, 1);
    assert.doesNotMatch(messages[0], writesOver);
  });

  it('`[!i]*.sh` in the ignore file leaves out init.sh only: docker-entrypoint.sh is sent and may be written over', () => {
    assert.match(df010('*.sh', '[!i]*.sh\n').join('\n'), writesOver);
    assert.doesNotMatch(df010('*.sh', '[^i]*.sh\n').join('\n'), writesOver);
  });

  it('`COPY [!d]*.sh` takes docker-entrypoint.sh (a class of `!` and `d`), `COPY [^d]*.sh` does not', () => {
    assert.match(df010('[!d]*.sh', undefined).join('\n'), writesOver);
    assert.doesNotMatch(df010('[^d]*.sh', undefined).join('\n'), writesOver);
  });
});
