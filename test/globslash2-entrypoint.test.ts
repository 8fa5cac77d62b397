/**
 * globslash2 (leftovers of globslash, 52045988): two glob COPY shapes still matched every entry against every line of a large
 * .dockerignore when DF010 asked for the entrypoint script: the script's own path as the destination
 * (`COPY scripts/*.sh /usr/local/bin/start.sh`), and the bare-folder destination when the ignore file leaves one entry
 * (`scripts/task*`), so that counting to two went through every entry. Counted work of the whole analysis (every rule, as the
 * CLI and the server run it), as test/globslash-entrypoint.test.ts counts it, not time; and the answers of the shapes.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_CONFIG } from '../rules';
import { indexedView } from './helpers/indexed-view';

const STEPS_DOWN = 'relies on its entrypoint to step down with su-exec';
const AS_ROOT = 'so the container runs as root';
const SCRIPT = '#!/bin/sh\nexec su-exec app "$@"\n';
const FILES = 1000;
const LINES = 2000;


/** `/w/Dockerfile` with `copy` as its second line, the script and FILES others under scripts/, and `ignore` as .dockerignore. */
function large(copy: string, ignore: string, extra: readonly [string, string][] = []): Map<string, string> {
  const files = new Map<string, string>([
    ['/w/Dockerfile', `FROM alpine:3.20\n${copy}\nENTRYPOINT ["/usr/local/bin/start.sh"]\n`],
    ['/w/.dockerignore', ignore],
    ['/w/scripts/start.sh', SCRIPT],
    ...extra,
  ]);
  for (let k = 0; k < FILES; k++) files.set(`/w/scripts/task${k}.sh`, '#!/bin/sh\n');
  return files;
}

/**
 * The tries of the ignore patterns `counted` accepts in one whole analysis, and the findings: the tests of their expressions
 * (`counted` given the expression's source), counted through RegExp.prototype.exec, which `test` calls when it is replaced
 * (ECMAScript, RegExpExec), and, when `literal` is given, the checks of their literal beginnings (`counted` given that
 * beginning), counted through String.prototype.startsWith: matchEntry and isExcluded check a pattern's literal beginning
 * before its expression, so a pattern tried on an entry it cannot match costs a check and no test (wcaudit: with the pattern
 * index dropped, every entry tried against every `ignored-dir-N/**` line, the tests stayed 0).
 */
function work(files: Map<string, string>, counted: (source: string) => boolean, literal = false): { tests: number; findings: string[] } {
  // No first run to warm up: what an analysis learns of the view is kept for the next one on it (the second run of
  // globslash-entrypoint.test.ts's work() counts 0 tests for either form).
  const run = () => analyze(allRules, 'dockerfile', '/w/Dockerfile', files.get('/w/Dockerfile')!, indexedView(files), DEFAULT_CONFIG);
  const exec = RegExp.prototype.exec;
  const startsWith = String.prototype.startsWith;
  let tests = 0;
  RegExp.prototype.exec = function (this: RegExp, s: string) {
    if (counted(this.source)) tests++;
    return exec.call(this, s);
  };
  if (literal) {
    String.prototype.startsWith = function (this: string, search: string, position?: number) {
      if (typeof search === 'string' && counted(search)) tests++;
      return startsWith.call(this, search, position);
    };
  }
  try {
    const findings = run().findings.map((f) => `${f.code} ${f.severity} ${f.message}`);
    return { tests, findings };
  } finally {
    RegExp.prototype.exec = exec;
    String.prototype.startsWith = startsWith;
  }
}

function df010(out: readonly string[]): string {
  const all = out.filter((f) => f.startsWith('DF010 '));
  assert.equal(all.length, 1, all.join('\n'));
  return all[0];
}

describe('an entry is matched only against the ignore lines that may match it (globslash2, shape 2)', () => {
  const dirs = Array.from({ length: LINES }, (_, i) => `ignored-dir-${i}/**\n`).join('');

  it('one entry left by `scripts/task*`: counting the sent entries does not test every entry against every line', (t) => {
    // The expressions (`^ignored-dir-N\/`) and the literal beginnings (`ignored-dir-N/`) of the lines (no startsWith nor
    // regular expression here: the counters call this).
    const excluded = work(large('COPY scripts/*.sh /usr/local/bin', `${dirs}scripts/task*\n`), (s) => s.indexOf('ignored-dir-') === (s[0] === '^' ? 1 : 0), true);
    t.diagnostic(`ignored-dir tries (tests and literal checks): ${excluded.tests} (${FILES} files, ${LINES} lines)`);
    // One match left: copied to /usr/local/bin itself, the script is not known there (as before).
    assert.ok(df010(excluded.findings).includes(AS_ROOT), excluded.findings.join('\n'));
    // Lines of other first folders are not tried on scripts/…: entries × lines would be 2,000,000 tries.
    assert.ok(excluded.tests < (FILES * LINES) / 100, `${excluded.tests}`);
  });
});

describe('the script path as the glob destination (globslash2, shape 1)', () => {
  // Lines that may match any entry (no literal first folder), so that only not matching the files at all makes it cheap.
  const loose = Array.from({ length: LINES }, (_, i) => `*.tmp-${i}\n`).join('');
  const tmp = (s: string) => s.includes('\\.tmp-');

  it('with two or more matches sent, only folders and archives are matched against the ignore file', (t) => {
    const destabs = work(large('COPY scripts/*.sh /usr/local/bin/start.sh', loose), tmp);
    t.diagnostic(`*.tmp tests: ${destabs.tests} (${FILES} files, ${LINES} lines)`);
    // Several matches: /usr/local/bin/start.sh is a folder, the script is not copied to that path.
    assert.ok(df010(destabs.findings).includes(AS_ROOT), destabs.findings.join('\n'));
    assert.ok(destabs.tests < (FILES * LINES) / 100, `${destabs.tests}`);
  });

  const cases: [string, string, string, readonly [string, string][], string][] = [
    ['one match is copied to the path itself', 'COPY scripts/start.s* /usr/local/bin/start.sh', '', [], STEPS_DOWN],
    ['one match left by the ignore file', 'COPY scripts/*.sh /usr/local/bin/start.sh', 'scripts/task*\n', [], STEPS_DOWN],
    ['several matches, one a folder holding nothing of the name', 'COPY scripts/* /usr/local/bin/start.sh', '', [['/w/scripts/d/q', 'x']], AS_ROOT],
    ['several matches, an archive ADD unpacks', 'ADD scripts/* /usr/local/bin/start.sh', '', [['/w/scripts/a.tar.gz', 'x']], AS_ROOT],
  ];
  for (const [name, copy, ignore, extra, expected] of cases) {
    it(name, () => {
      const out = work(large(copy, `ignored-dir-1/**\n${ignore}`, extra), () => false).findings;
      assert.ok(df010(out).includes(expected), `${copy}: ${df010(out)}`);
    });
  }
});
