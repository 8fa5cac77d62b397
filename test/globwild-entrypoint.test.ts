/**
 * globwild (leftovers of globslash2): glob COPY/ADD shapes that still cost every entry times every line of a large
 * .dockerignore, or a read of every file per line, when DF010 asked for the entrypoint script. Ignore lines that start with a
 * wildcard (`*.tmp-7`) have no literal first folder to be indexed by. Counted work of the whole analysis (every rule, as the
 * CLI and the server run it), as test/globslash2-entrypoint.test.ts counts it, not time; and the answers of the shapes.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_CONFIG } from '../rules';
import { indexedView } from './helpers/indexed-view';

const AS_ROOT = 'so the container runs as root';
const STEPS_DOWN = 'relies on its entrypoint to step down with su-exec';
const SCRIPT = '#!/bin/sh\nexec su-exec app "$@"\n';
const FILES = 1000;
const LINES = 2000;

/** `/w/Dockerfile` with `copy` as its second line, the script and FILES others under scripts/, and `ignore` as .dockerignore. */
function large(copy: string, ignore: string): Map<string, string> {
  const files = new Map<string, string>([
    ['/w/Dockerfile', `FROM alpine:3.20\n${copy}\nENTRYPOINT ["/usr/local/bin/start.sh"]\n`],
    ['/w/.dockerignore', ignore],
    ['/w/scripts/start.sh', SCRIPT],
  ]);
  for (let k = 0; k < FILES; k++) files.set(`/w/scripts/task${k}.sh`, '#!/bin/sh\n');
  return files;
}

/**
 * The tests of the ignore patterns whose expression `counted` accepts in one whole analysis, counted through
 * RegExp.prototype.exec, which `test` calls when it is replaced (ECMAScript, RegExpExec); and the findings.
 */
function work(files: Map<string, string>, counted: (source: string) => boolean): { tests: number; findings: string[] } {
  const exec = RegExp.prototype.exec;
  let tests = 0;
  RegExp.prototype.exec = function (this: RegExp, s: string) {
    if (counted(this.source)) tests++;
    return exec.call(this, s);
  };
  try {
    const out = analyze(allRules, 'dockerfile', '/w/Dockerfile', files.get('/w/Dockerfile')!, indexedView(files), DEFAULT_CONFIG);
    return { tests, findings: out.findings.map((f) => `${f.code} ${f.severity} ${f.message}`) };
  } finally {
    RegExp.prototype.exec = exec;
  }
}

function df010(out: readonly string[]): string {
  const all = out.filter((f) => f.startsWith('DF010 '));
  assert.equal(all.length, 1, all.join('\n'));
  return all[0];
}

const tmp = (s: string) => s.includes('\\.tmp-');

describe('ignore lines that start with a wildcard are tried only on names that end as they do (globwild, item 1)', () => {
  // Lines with no literal first folder (or, `scripts/*.tmp-N`, all of one first folder), and `scripts/task*` last, so that one
  // entry is sent and counting to two goes through every entry (globslash2, shape 2).
  const shapes: [string, (i: number) => string][] = [
    ['`*.tmp-N`', (i) => `*.tmp-${i}`],
    ['`**/*.tmp-N`', (i) => `**/*.tmp-${i}`],
    ['`scripts/*.tmp-N` (one first folder)', (i) => `scripts/*.tmp-${i}`],
    ['`!*.tmp-N` lines', (i) => `!*.tmp-${i}`],
  ];
  for (const [name, line] of shapes) {
    it(`${name}: COPY scripts/*.sh /usr/local/bin does not test every entry against every line`, (t) => {
      const ignore = `${Array.from({ length: LINES }, (_, i) => `${line(i)}\n`).join('')}scripts/task*\n`;
      const out = work(large('COPY scripts/*.sh /usr/local/bin', ignore), tmp);
      t.diagnostic(`*.tmp tests: ${out.tests} (${FILES} files, ${LINES} lines)`);
      // One match left: copied to /usr/local/bin itself, the script is not known there (as before).
      assert.ok(df010(out.findings).includes(AS_ROOT), out.findings.join('\n'));
      // No name ends in `.tmp-N`: none of these lines is tried (entries × lines would be 2,002,000 tests).
      assert.ok(out.tests < (FILES * LINES) / 100, `${out.tests}`);
    });
  }

  it('a line keyed by how it ends still decides for the names that end so, after and before other lines', () => {
    // `*.sh` (keyed by `.sh`) leaves every script out, `!start.s?` (not keyed: it ends in a wildcard) takes start.sh back.
    const back = work(large('COPY scripts/*.sh /usr/local/bin/', 'scripts/*.sh\n*.tmp-1\n!scripts/start.s?\n'), () => false);
    assert.ok(df010(back.findings).includes(STEPS_DOWN), back.findings.join('\n'));
    const out = work(large('COPY scripts/*.sh /usr/local/bin/', '!scripts/start.s?\n**/*.sh\n'), () => false);
    assert.ok(df010(out.findings).includes(AS_ROOT), out.findings.join('\n'));
  });
});

describe('the script path with a trailing slash as the glob destination (globwild, item 2)', () => {
  // Lines whose end says nothing (`*.tmp-N*`): the index cannot leave them out, only not matching the files at all can.
  const unkeyed = Array.from({ length: LINES }, (_, i) => `*.tmp-${i}*\n`).join('');

  it('`COPY scripts/*.sh /usr/local/bin/start.sh/`: only folders and archives are matched against the ignore file', (t) => {
    const out = work(large('COPY scripts/*.sh /usr/local/bin/start.sh/', unkeyed), tmp);
    t.diagnostic(`*.tmp tests: ${out.tests} (${FILES} files, ${LINES} lines)`);
    // A folder: every script lands in /usr/local/bin/start.sh/, none at the path itself.
    assert.ok(df010(out.findings).includes(AS_ROOT), out.findings.join('\n'));
    assert.ok(out.tests < (FILES * LINES) / 100, `${out.tests}`);
  });

  const cases: [string, string, readonly [string, string][], string][] = [
    ['one match is copied into the folder, not to the path', 'COPY scripts/start.s* /usr/local/bin/start.sh/', [], AS_ROOT],
    ['a matched folder lands its files at the path', 'COPY scripts/d* /usr/local/bin/start.sh/', [['/w/scripts/d/x', 'x']], AS_ROOT],
    ['an archive ADD unpacks writes at the path', 'ADD scripts/* /usr/local/bin/start.sh/', [['/w/scripts/a.tar.gz', 'x']], AS_ROOT],
    ['the files copied into /usr/local/bin/ (control)', 'COPY scripts/*.sh /usr/local/bin/', [], STEPS_DOWN],
  ];
  for (const [name, copy, extra, expected] of cases) {
    it(name, () => {
      const files = large(copy, 'ignored-dir-1/**\n');
      for (const [p, text] of extra) files.set(p, text);
      const out = work(files, () => false).findings;
      assert.ok(df010(out).includes(expected), `${copy}: ${df010(out)}`);
    });
  }
});

describe('an ADD glob reads the first bytes of each file it matches once per analysis, not once per line (globwild, item 3)', () => {
  const ADDS = 20;

  /** The whole analysis over `files`, with the heads read (WorkspaceView.readHead) counted; and the findings. */
  function heads(files: Map<string, string>): { reads: number; findings: string[] } {
    let reads = 0;
    const view = {
      ...indexedView(files),
      readHead: (p: string, max: number) => {
        reads++;
        const text = files.get(p);
        return text === undefined ? undefined : Buffer.from(text, 'utf8').subarray(0, max);
      },
    };
    const out = analyze(allRules, 'dockerfile', '/w/Dockerfile', files.get('/w/Dockerfile')!, view, DEFAULT_CONFIG);
    return { reads, findings: out.findings.map((f) => `${f.code} ${f.severity} ${f.message}`) };
  }

  it(`${ADDS} lines \`ADD scripts/*.sh /usr/local/bin/\`: each matched file's head is read once`, (t) => {
    const adds = Array.from({ length: ADDS }, () => 'ADD scripts/*.sh /usr/local/bin/').join('\n');
    const files = large(adds, '');
    // The repository's root: /w is the one folder the context may be (contextCandidates), so a file is read once.
    files.set('/w/.git/HEAD', 'ref: refs/heads/main\n');
    const out = heads(files);
    t.diagnostic(`heads read: ${out.reads} (${FILES + 1} files, ${ADDS} ADD lines)`);
    // Not archives: the script is copied to /usr/local/bin/start.sh by the last ADD and steps down.
    assert.ok(df010(out.findings).includes(STEPS_DOWN), out.findings.join('\n'));
    assert.ok(out.reads <= FILES + 1 + ADDS, `${out.reads}`);
  });

  it('an archive a later ADD line matches still writes over the script copied before it', () => {
    const files = large('ADD scripts/*.sh /usr/local/bin/\nADD scripts/* /usr/local/bin/', '');
    files.set('/w/scripts/payload', `${'\0'.repeat(257)}ustar\0${'\0'.repeat(250)}`);
    assert.ok(df010(heads(files).findings).includes(AS_ROOT));
  });
});

describe('isExcluded tries only the lines that may match the path or a folder above it (globwild, leftover)', () => {
  it('DF021 over `COPY certs/*.pem /certs/`, every key left out by the first line, does not try every later line on each', (t) => {
    const files = new Map<string, string>([
      ['/w/Dockerfile', 'FROM alpine:3.20\nCOPY certs/*.pem /certs/\nUSER 1000\n'],
      ['/w/.dockerignore', `certs/*\n${Array.from({ length: LINES }, (_, i) => `*.tmp-${i}\n`).join('')}`],
    ]);
    for (let k = 0; k < FILES; k++) files.set(`/w/certs/key${k}.pem`, 'x\n');
    const out = work(files, tmp);
    t.diagnostic(`*.tmp tests: ${out.tests} (${FILES} files, ${LINES} lines)`);
    // Every key is left out of the context: the COPY puts none in the image.
    assert.deepEqual(out.findings.filter((f) => f.startsWith('DF021 ')), []);
    assert.ok(out.tests < (FILES * LINES) / 100, `${out.tests}`);
  });
});
