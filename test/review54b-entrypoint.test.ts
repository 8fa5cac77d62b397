/**
 * review54b (entry4): entrypoints and build contexts. An `entrypoint:` naming the image's own script with a `command:` that gives
 * no words is the no-command case (F5).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_CONFIG, fixFinding } from '../rules';
import { viewOf } from './helpers/fixtures';
import type { WorkspaceView } from '../rules/engine/types';
import { isExcluded, parseDockerignore } from '../rules/engine/dockerignore';

function findingsOf(code: string, files: Map<string, string>, target: string) {
  const analysis = analyze(allRules, target.endsWith('Dockerfile') ? 'dockerfile' : 'compose', target, files.get(target)!, viewOf(files), DEFAULT_CONFIG);
  return analysis.findings.filter((f) => f.code === code).map((f) => ({ message: f.message, fix: fixFinding(allRules, analysis.context, f) }));
}

describe('DC011: entrypoint: naming the image\'s entrypoint with an empty or null command: (F5)', () => {
  it('says no server starts and sets the default command, never a user:', () => {
    const service = (name: string, command: string) => `  ${name}:\n    image: postgres:16\n    entrypoint: ["docker-entrypoint.sh"]\n    command: ${command}\n`;
    const text = `services:\n${service('a', '[]')}${service('b', "''")}${service('c', 'null')}${service('d', '')}`;
    const found = findingsOf('DC011', new Map([['/w/compose.yaml', text]]), '/w/compose.yaml');
    const start = "has no user: and its entrypoint: runs the entrypoint of image 'postgres:16' while the service";
    const end = ': that script gets no arguments and starts no server; set command: ["postgres"] (the image\'s default command) or remove the entrypoint: (a user: would not start it).';
    const empty = `writes an empty command:, which overrides the image's default command to be empty${end}`;
    const nulled = `'s command: is null, which leaves the image's default command, and Compose drops that ("If entrypoint is non-null, Compose ignores any default command from the image")${end}`;
    assert.deepEqual(found.map((f) => f.message), [`Service 'a' ${start} ${empty}`, `Service 'b' ${start} ${empty}`, `Service 'c' ${start}${nulled}`, `Service 'd' ${start}${nulled}`]);
    const set = 'Set command: ["postgres"], the image\'s default command';
    assert.deepEqual(found.map((f) => f.fix?.title), [set, set, set, undefined]);
  });
});

/** A workspace of `files` (viewOf), with folders that cannot be listed, paths that are symbolic links, and a count of listings. */
function diskLike(files: Map<string, string>, opts: { unlistable?: string[]; links?: string[] } = {}) {
  const base = viewOf(files);
  const listed: string[] = [];
  const view: WorkspaceView = {
    ...base,
    listDir: (dir) => {
      listed.push(dir);
      return opts.unlistable?.includes(dir) ? undefined : base.listDir!(dir);
    },
    isSymbolicLink: (p) => opts.links?.includes(p) ?? false,
  };
  return { view, listed };
}

function df010(files: Map<string, string>, view: WorkspaceView): string[] {
  const analysis = analyze(allRules, 'dockerfile', '/w/Dockerfile', files.get('/w/Dockerfile')!, view, DEFAULT_CONFIG);
  return analysis.findings.filter((f) => f.code === 'DF010').map((f) => f.message);
}

const KEPT = 'relies on its entrypoint to step down';
const MAY_WRITE = "may write over the base image's entrypoint script docker-entrypoint.sh";

describe('DF010: a folder COPY over a step-down image (F1, F4, F6)', () => {
  const withData = (dockerfile: string, count: number) => {
    const files = new Map([['/w/Dockerfile', dockerfile], ['/w/.dockerignore', 'cache/tmp-*-1\ncache/tmp-*-2\n']]);
    for (let k = 0; k < count; k++) files.set(`/w/data/f${k}.sql`, 'SELECT 1;\n');
    return files;
  };

  it('does not look at the entries of a folder copied where no script it runs can be (F1)', () => {
    const files = withData('FROM postgres:16\nCOPY data /docker-entrypoint-initdb.d\n', 30);
    const { view, listed } = diskLike(files);
    const messages = df010(files, view);
    assert.equal(messages.length, 1);
    assert.ok(messages[0].includes(KEPT), messages[0]);
    assert.deepEqual(listed.filter((d) => d.startsWith('/w/data/')), []);
  });

  it('looks up only the script\'s name in a folder copied over its folder, not every entry (F1)', () => {
    const files = withData('FROM redis:7\nCOPY data /usr/local/bin\nCMD ["redis-server"]\n', 30);
    const { view, listed } = diskLike(files);
    const messages = df010(files, view);
    assert.ok(messages[0].includes(KEPT), messages[0]);
    assert.deepEqual(listed.filter((d) => d.startsWith('/w/data/')), []);
    // The script among them: read, and not stepping down.
    files.set('/w/data/docker-entrypoint.sh', '#!/bin/sh\nexec "$@"\n');
    assert.ok(df010(files, diskLike(files).view)[0].includes(MAY_WRITE));
  });

  it('takes a glob that matches more than MAX_CONTEXT_ENTRIES entries as writing anything there (F1)', () => {
    const names = Array.from({ length: 5001 }, (_, k) => `s${k}.sh`);
    const dockerfile = 'FROM redis:7\nCOPY *.sh /usr/local/bin/\nCMD ["redis-server"]\n';
    const view: WorkspaceView = {
      readText: (p) => (p === '/w/Dockerfile' ? dockerfile : p.startsWith('/w/s') ? 'echo\n' : undefined),
      exists: (p) => p === '/w' || p === '/w/Dockerfile' || p.startsWith('/w/s'),
      listDir: (dir) => (dir === '/w' ? ['Dockerfile', ...names] : undefined),
    };
    const messages = df010(new Map([['/w/Dockerfile', dockerfile]]), view);
    assert.ok(messages[0].includes(MAY_WRITE), messages[0]);
  });

  it('takes a folder that exists but cannot be listed as writing anything there, not as a file (F6)', () => {
    for (const src of ['bin', 'bin/']) {
      const files = new Map([['/w/Dockerfile', `FROM redis:7\nCOPY ${src} /usr/local/bin/\nCMD ["redis-server"]\n`], ['/w/bin/docker-entrypoint.sh', '#!/bin/sh\nexec "$@"\n']]);
      const messages = df010(files, diskLike(files, { unlistable: ['/w/bin'] }).view);
      assert.ok(messages[0].includes(MAY_WRITE), `${src}: ${messages[0]}`);
    }
  });

  it('does not read a folder source through a symbolic link (F4)', () => {
    const files = new Map([['/w/Dockerfile', 'FROM redis:7\nCOPY bin /usr/local/bin\nENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["redis-server"]\n'], ['/w/bin/docker-entrypoint.sh', '#!/bin/sh\nexec gosu redis "$@"\n']]);
    assert.ok(df010(files, diskLike(files).view)[0].includes(KEPT));
    const messages = df010(files, diskLike(files, { links: ['/w/bin'] }).view);
    assert.ok(messages[0].includes(MAY_WRITE), messages[0]);
  });
});

describe('.dockerignore: consecutive **/ (F7)', () => {
  it('compiles them as one, with the same matches', () => {
    const [p] = parseDockerignore('**/**/**/**/**/**/**/**/x.pem\n');
    assert.ok(p.re && !p.re.source.includes('(?:.*\\/)?(?:.*\\/)?') && !p.re.source.includes('(?:.*/)?(?:.*/)?'), p.re?.source);
    const deep = `${'a/'.repeat(40)}file.txt`;
    assert.deepEqual(['x.pem', 'a/x.pem', 'a/b/c/x.pem', 'x.pemz', deep].map((f) => isExcluded([p], f)), [true, true, true, false, false]);
  });
});

describe('DF010: ADD of a local tar archive over a step-down image (F3)', () => {
  it('takes an archive, by its name or its first bytes, as writing anything in the destination', () => {
    for (const [src, head] of [['overlay.tar.gz', undefined], ['rootfs', Uint8Array.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0])]] as const) {
      const files = new Map([['/w/Dockerfile', `FROM redis:7\nADD ${src} /\nCMD ["redis-server"]\n`], [`/w/${src}`, 'x']]);
      const view: WorkspaceView = { ...viewOf(files), readHead: (p) => (p === `/w/${src}` ? head : undefined) };
      const messages = df010(files, view);
      assert.ok(messages[0].includes("may write over the base image's entrypoint script"), `${src}: ${messages[0]}`);
    }
    // A file that is no archive: read by its name, the step-down kept.
    const files = new Map([['/w/Dockerfile', 'FROM redis:7\nADD notes.txt /\nCMD ["redis-server"]\n'], ['/w/notes.txt', 'x']]);
    assert.ok(df010(files, { ...viewOf(files), readHead: () => new TextEncoder().encode('x') })[0].includes(KEPT));
  });
});
