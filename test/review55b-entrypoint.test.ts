/**
 * review55b (entry5): what a COPY or ADD writes over a step-down image's entrypoint script (DF010, DC011): a glob into a PATH
 * folder over a large .dockerignore (F2, counted work), ADD of a glob matching a local archive (F1).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_CONFIG, ruleByCode } from '../rules';
import { viewOf } from './helpers/fixtures';
import type { WorkspaceView } from '../rules/engine/types';
import { indexedView } from './helpers/indexed-view';
import { counted } from './helpers/coverage';

const KEPT = 'relies on its entrypoint to step down';
const MAY_WRITE = "may write over the base image's entrypoint script docker-entrypoint.sh";

function df010(files: Map<string, string>, view: WorkspaceView = viewOf(files)): string[] {
  const analysis = analyze(allRules, 'dockerfile', '/w/Dockerfile', files.get('/w/Dockerfile')!, view, DEFAULT_CONFIG);
  return analysis.findings.filter((f) => f.code === 'DF010').map((f) => f.message);
}


describe('DF010: a glob COPY into a PATH folder over a large .dockerignore (F2)', () => {
  const FILES = 1000;
  const LINES = 2000;
  const workspace = (second: string, extra: [string, string][] = []) => {
    const files = new Map<string, string>([['/w/Dockerfile', `FROM postgres:16\n${second}\n`]]);
    files.set('/w/.dockerignore', Array.from({ length: LINES }, (_, i) => `**/gen${i}/**/*.tmp\n`).join(''));
    for (let k = 0; k < FILES; k++) files.set(`/w/scripts/task${k}.sh`, '#!/bin/sh\n');
    for (const [p, t] of extra) files.set(p, t);
    return files;
  };

  async function work(files: Map<string, string>): Promise<{ js: number; messages: string[] }> {
    const view = indexedView(files);
    const run = () => analyze([ruleByCode('DF010')!], 'dockerfile', '/w/Dockerfile', files.get('/w/Dockerfile')!, view, DEFAULT_CONFIG);
    run(); // compiles what the run uses
    // The process's one coverage session (test/helpers/coverage.ts): one started and stopped per call lost, in the second
    // call, the counts of the code the first had run.
    const { value, js } = await counted(__filename, () => run().findings.map((f) => f.message));
    return { js, messages: value };
  }

  it('matches the ignore file against the entries that may write the script, not every entry (entries × lines)', async (t) => {
    const folder = await work(workspace('COPY scripts/ /usr/local/bin/'));
    const glob = await work(workspace('COPY scripts/*.sh /usr/local/bin/'));
    const report = `folder ${folder.js}, glob ${glob.js} (${FILES} files, ${LINES} lines)`;
    t.diagnostic(report);
    assert.ok(folder.messages[0].includes(KEPT), folder.messages[0]);
    assert.ok(glob.messages[0].includes(KEPT), glob.messages[0]);
    // Both O(entries + lines); entries × lines would be 2,000,000 tests and more.
    assert.ok(glob.js < 3 * folder.js + FILES * 20, report);
    assert.ok(glob.js < (FILES * LINES) / 20, report);
  });

  it('still reads a script of that name among the matches, and leaves out one the ignore file excludes', () => {
    const script: [string, string] = ['/w/scripts/docker-entrypoint.sh', '#!/bin/sh\nexec "$@"\n'];
    const files = workspace('COPY scripts/*.sh /usr/local/bin/', [script]);
    assert.ok(df010(files, indexedView(files))[0].includes(MAY_WRITE));
    files.set('/w/.dockerignore', `${files.get('/w/.dockerignore')}scripts/docker-entrypoint.sh\n`);
    assert.ok(df010(files, indexedView(files))[0].includes(KEPT));
    // A folder the glob matches lands its files in the destination: one holding the script may write it.
    const nested = workspace('COPY scripts/* /usr/local/bin/', [['/w/scripts/sub/docker-entrypoint.sh', script[1]]]);
    assert.ok(df010(nested, indexedView(nested))[0].includes(MAY_WRITE));
    const other = workspace('COPY scripts/* /usr/local/bin/', [['/w/scripts/sub/other.sh', script[1]]]);
    assert.ok(df010(other, indexedView(other))[0].includes(KEPT));
  });
});

describe('DF010: ADD of a glob that matches a local tar archive (F1)', () => {
  it('takes each archive it matches as unpacked into the destination', () => {
    for (const line of ['ADD overlay*.tar.gz /', 'ADD *.tar.gz /', 'ADD ["overlay.tar.g[z]", "/"]', 'ADD *.tar.gz /usr/local/bin/']) {
      const files = new Map([['/w/Dockerfile', `FROM redis:7\n${line}\nCMD ["redis-server"]\n`], ['/w/overlay.tar.gz', 'x']]);
      const messages = df010(files);
      assert.ok(messages[0].includes(MAY_WRITE), `${line}: ${messages[0]}`);
    }
    // COPY does not unpack: the archive is one file, named overlay.tar.gz.
    const files = new Map([['/w/Dockerfile', 'FROM redis:7\nCOPY *.tar.gz /\nCMD ["redis-server"]\n'], ['/w/overlay.tar.gz', 'x']]);
    assert.ok(df010(files)[0].includes(KEPT));
  });

  it('reads it for a compose service that builds the Dockerfile (DC011)', () => {
    const files = new Map([
      ['/w/Dockerfile', 'FROM redis:7.4\nADD *.tar.gz /\n'],
      ['/w/overlay.tar.gz', 'x'],
      ['/w/compose.yaml', 'services:\n  cache:\n    build: .\n'],
    ]);
    const analysis = analyze(allRules, 'compose', '/w/compose.yaml', files.get('/w/compose.yaml')!, viewOf(files), DEFAULT_CONFIG);
    const dc011 = analysis.findings.filter((f) => f.code === 'DC011').map((f) => f.message);
    assert.equal(dc011.length, 1);
    assert.ok(dc011[0].includes('the ADD on line 2 may write over'), dc011[0]);
  });
});

describe('DF010: ADD and COPY forms that write a tree into the destination (F5)', () => {
  const at = (line: string, extra: [string, string][] = []) => {
    const files = new Map<string, string>([['/w/Dockerfile', `# syntax=docker/dockerfile:1.7-labs\nFROM redis:7\n${line}\nCMD ["redis-server"]\n`], ...extra]);
    return df010(files)[0];
  };
  const plain: [string, string] = ['/w/usr/local/bin/docker-entrypoint.sh', '#!/bin/sh\nexec "$@"\n'];

  it('reads a remote archive ADD unpacks, a Git repository and a --parents source as writing below the destination', () => {
    for (const line of [
      'ADD --unpack=true https://example.com/redis-overlay.tar.gz /',
      'ADD --unpack https://example.com/redis-overlay.tar.gz /usr/local/',
      'ADD --unpack=$UNPACK https://example.com/redis-overlay.tar.gz /',
      'ADD https://github.com/example/redis-overlay.git /',
      'ADD https://github.com/example/redis-overlay.git#v1.0:bin /usr/local/bin/',
      'ADD git@github.com:example/redis-overlay.git /usr/local/bin/',
      'COPY --parents usr/local/bin/docker-entrypoint.sh /',
      'COPY --parents ./usr/local/bin/docker-entrypoint.sh /',
      'COPY --parents rootfs/./usr/local/bin/docker-entrypoint.sh /',
      'COPY --parents usr/local/bin/*.sh /',
    ]) {
      const message = at(line, [plain, ['/w/rootfs/usr/local/bin/docker-entrypoint.sh', plain[1]]]);
      assert.ok(message.includes(MAY_WRITE), `${line}: ${message}`);
    }
  });

  it('keeps the step-down for a remote archive added whole, a local one with --unpack=false, and --parents elsewhere', () => {
    for (const line of [
      'ADD https://example.com/redis-overlay.tar.gz /',
      'ADD --unpack=false overlay.tar.gz /',
      'ADD --unpack=false *.tar.gz /',
      'COPY --parents=false usr/local/bin/docker-entrypoint.sh /opt/',
      'COPY --parents usr/local/bin/docker-entrypoint.sh /opt/',
      'COPY usr/local/bin/docker-entrypoint.sh /',
    ]) {
      const message = at(line, [plain, ['/w/overlay.tar.gz', 'x']]);
      assert.ok(message.includes(KEPT), `${line}: ${message}`);
    }
  });
});

describe('DF010: a folder COPY over / is followed down to the script by name (F4)', () => {
  const rootfs = (entries: [string, string][], ignore?: string, links: string[] = []) => {
    const files = new Map<string, string>([['/w/Dockerfile', 'FROM redis:7.4\nCOPY rootfs/ /\n'], ...entries.map(([p, t]): [string, string] => [`/w/rootfs/${p}`, t])]);
    if (ignore !== undefined) files.set('/w/.dockerignore', ignore);
    return df010(files, { ...viewOf(files), isSymbolicLink: (p) => links.includes(p) })[0];
  };
  const script = '#!/bin/sh\nexec "$@"\n';

  it('keeps the step-down when the tree holds no script at that path, or the ignore file leaves it out', () => {
    for (const m of [
      rootfs([['usr/local/etc/redis/redis.conf', 'bind 0.0.0.0\n'], ['etc/sysctl.d/redis.conf', 'vm.overcommit_memory = 1\n']]),
      rootfs([['usr/local/bin/healthcheck.sh', script]]),
      rootfs([['usr/local/bin/docker-entrypoint.sh', script]], 'rootfs/usr/local/bin/docker-entrypoint.sh\n'),
      rootfs([['usr/local/bin/docker-entrypoint.sh', script]], 'rootfs/usr\n'),
    ]) assert.ok(m.includes(KEPT), m);
  });

  it('reads the script the tree holds, and takes a folder on the way that is a link as writing anything', () => {
    assert.ok(rootfs([['usr/local/bin/docker-entrypoint.sh', script]]).includes(MAY_WRITE));
    assert.ok(rootfs([['usr/local/bin/docker-entrypoint.sh', script]], 'rootfs/usr\n!rootfs/usr/local/bin/docker-entrypoint.sh\n').includes(MAY_WRITE));
    assert.ok(rootfs([['usr/local/lib/x.conf', 'x\n']], undefined, ['/w/rootfs/usr/local']).includes(MAY_WRITE));
  });
});
