/**
 * RunReads: the CLI reads each compose file once although the walk (to follow `include:`) and the
 * analysis both need it; every answer must be the one a fresh readForAnalysis gives under its cap.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DiskWorkspace, readForAnalysis, RunReads } from '../rules/node/files';
import { tempDir } from './helpers/temp';

function tmp(files: Record<string, string | Buffer>): string {
  const dir = tempDir('dg-reads-');
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

describe('RunReads', () => {
  it('hands a remembered read over once, then reads the disk again', () => {
    const dir = tmp({ 'compose.yaml': 'services: {}\n' });
    const file = path.join(dir, 'compose.yaml');
    const reads = new RunReads();
    assert.deepEqual(reads.read(file), { ok: true, text: 'services: {}\n' });
    fs.writeFileSync(file, 'services:\n  web: {}\n');
    // Remembered: the walk's read is the analysis's (the disk is not read again).
    assert.deepEqual(reads.take(file), { ok: true, text: 'services: {}\n' });
    // Taken: forgotten, so the next answer is the disk's.
    assert.deepEqual(reads.take(file), { ok: true, text: 'services:\n  web: {}\n' });
    assert.deepEqual(reads.take(file), readForAnalysis(file));
  });

  it('answers under each caller its own cap, as readForAnalysis would', () => {
    const text = `services:\n${'  # filler\n'.repeat(100)}`; // 1,110 bytes
    const dir = tmp({ 'compose.yaml': text, 'bom.yaml': `\ufeff${text}`, 'bin.yaml': Buffer.from([0x61, 0, 0x62]) });
    const file = path.join(dir, 'compose.yaml');
    const size = fs.statSync(file).size;
    const reads = new RunReads();
    // Read under a large cap, asked under a smaller one: too large, as a fresh read says.
    assert.equal(reads.read(file, 10_000).ok, true);
    assert.deepEqual(reads.take(file, size - 1), { ok: false, reason: 'too-large' });
    assert.deepEqual(readForAnalysis(file, size - 1), { ok: false, reason: 'too-large' });
    // Refused under a small cap, asked under a larger one: read.
    assert.deepEqual(reads.read(file, 100), { ok: false, reason: 'too-large' });
    assert.deepEqual(reads.take(file, size), { ok: true, text });
    // The cap is on the file's bytes, a byte-order mark included (the text has it stripped).
    const bom = path.join(dir, 'bom.yaml');
    assert.equal(reads.read(bom, 10_000).ok, true);
    assert.deepEqual(reads.take(bom, size + 1), readForAnalysis(bom, size + 1));
    assert.deepEqual(reads.take(bom, size + 1), { ok: false, reason: 'too-large' });
    // Binary and missing files answer the same way each time.
    const bin = path.join(dir, 'bin.yaml');
    assert.deepEqual(reads.read(bin), { ok: false, reason: 'binary' });
    assert.deepEqual(reads.take(bin), { ok: false, reason: 'binary' });
    assert.deepEqual(reads.read(path.join(dir, 'none.yaml')), { ok: false, reason: 'missing' });
    assert.deepEqual(reads.take(path.join(dir, 'none.yaml')), { ok: false, reason: 'missing' });
  });

  it('reads for a DiskWorkspace given to it, under the workspace cap', () => {
    const dir = tmp({ 'compose.yaml': 'services: {}\n', 'big.yaml': `a: ${'x'.repeat(300)}\n` });
    const reads = new RunReads();
    const ws = new DiskWorkspace(undefined, 100, undefined, reads.read);
    assert.equal(ws.readText(path.join(dir, 'compose.yaml')), 'services: {}\n');
    assert.equal(ws.readText(path.join(dir, 'big.yaml')), undefined);
    fs.writeFileSync(path.join(dir, 'compose.yaml'), 'changed: true\n');
    assert.deepEqual(reads.take(path.join(dir, 'compose.yaml')), { ok: true, text: 'services: {}\n' });
    // Too large for the workspace, not for the analysis: read again under the larger cap.
    assert.deepEqual(reads.take(path.join(dir, 'big.yaml')), { ok: true, text: `a: ${'x'.repeat(300)}\n` });
  });
});

describe('DiskWorkspace: exists, isSymbolicLink and listDir from one lstat per path', () => {
  it('lists a folder and a link to one (followed, as readdir does), nothing else; a missing path or one under a file is not there', () => {
    const dir = tmp({ 'Dockerfile': 'FROM alpine\n' });
    fs.mkdirSync(path.join(dir, 'app'));
    fs.writeFileSync(path.join(dir, 'app', 'main.go'), 'package main\n');
    fs.symlinkSync(path.join(dir, 'app'), path.join(dir, 'linked-app'));
    fs.symlinkSync(path.join(dir, 'Dockerfile'), path.join(dir, 'linked-file'));
    fs.symlinkSync(path.join(dir, 'nothing'), path.join(dir, 'dangling'));
    const at = (p: string) => path.join(dir, p);
    const ws = new DiskWorkspace();
    const answers = (p: string) => ({ exists: ws.exists(at(p)), link: ws.isSymbolicLink(at(p)), names: ws.listDir(at(p)) });
    assert.deepEqual(answers('app'), { exists: true, link: false, names: ['main.go'] });
    assert.deepEqual(answers('linked-app'), { exists: true, link: true, names: ['main.go'] });
    assert.deepEqual(answers('Dockerfile'), { exists: true, link: false, names: undefined });
    assert.deepEqual(answers('linked-file'), { exists: true, link: true, names: undefined });
    assert.deepEqual(answers('dangling'), { exists: true, link: true, names: undefined });
    assert.deepEqual(answers('missing'), { exists: false, link: false, names: undefined });
    assert.deepEqual(answers('Dockerfile/x'), { exists: false, link: false, names: undefined });
    assert.deepEqual(readForAnalysis(at('missing')), { ok: false, reason: 'missing' });
    assert.deepEqual(readForAnalysis(at('Dockerfile/x')), { ok: false, reason: 'missing' });
    // Remembered until the file watcher's event: a folder made where nothing was is then listed.
    fs.mkdirSync(at('missing'));
    fs.writeFileSync(path.join(at('missing'), 'a'), '');
    assert.equal(ws.listDir(at('missing')), undefined);
    ws.invalidate(at('missing'));
    assert.deepEqual(answers('missing'), { exists: true, link: false, names: ['a'] });
  });
});

describe('DiskWorkspace.readHead', () => {
  it('remembers a file head (and a missing file) until the path is invalidated', () => {
    const dir = tmp({ 'app.tar.gz': Buffer.from([0x1f, 0x8b, 0x08, 0x00]) });
    const file = path.join(dir, 'app.tar.gz');
    const missing = path.join(dir, 'later.tar.gz');
    const ws = new DiskWorkspace();
    assert.deepEqual([...(ws.readHead(file, 512) ?? [])], [0x1f, 0x8b, 0x08, 0x00]);
    assert.equal(ws.readHead(missing, 512), undefined);
    fs.writeFileSync(file, 'plain text');
    fs.writeFileSync(missing, 'now here');
    // Cached: the disk is not read again on the next analysis (every keystroke in the editor).
    assert.deepEqual([...(ws.readHead(file, 2) ?? [])], [0x1f, 0x8b]);
    assert.equal(ws.readHead(missing, 512), undefined);
    // A larger head than was read is read afresh.
    assert.equal(Buffer.from(ws.readHead(file, 1024) ?? []).toString(), 'plain text');
    // The file watcher's events forget the paths.
    ws.invalidate(missing);
    assert.equal(Buffer.from(ws.readHead(missing, 512) ?? []).toString(), 'now here');
    fs.writeFileSync(file, 'changed');
    ws.invalidate(dir);
    assert.equal(Buffer.from(ws.readHead(file, 512) ?? []).toString(), 'changed');
  });
});

describe('DiskWorkspace.invalidate', () => {
  /** How many cache keys `run` iterates over (Map#keys, which invalidate's scans for the paths below a path use). */
  function keysScanned(run: () => void): number {
    const keys = Map.prototype.keys;
    let n = 0;
    Map.prototype.keys = function (this: Map<unknown, unknown>) {
      const it = keys.call(this);
      return {
        next: () => {
          const r = it.next();
          if (!r.done) n++;
          return r;
        },
        [Symbol.iterator]() {
          return this;
        },
      } as MapIterator<unknown>;
    };
    try {
      run();
    } finally {
      Map.prototype.keys = keys;
    }
    return n;
  }

  it('a burst of events for paths nothing below was read costs no scan of the caches (review 41b, item 5)', () => {
    const dir = tmp({ 'Dockerfile': 'FROM alpine:3.20\n' });
    fs.mkdirSync(path.join(dir, 'svc', 'deep'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'svc', 'deep', '.env'), 'A=1\n');
    const ws = new DiskWorkspace(undefined, 256 * 1024, () => [dir]);
    // A workspace's worth of cached answers: files read, candidates looked for and missing, listings.
    for (let i = 0; i < 500; i++) ws.exists(path.join(dir, `pkg${i}`, 'compose.yaml'));
    assert.equal(ws.readText(path.join(dir, 'svc', 'deep', '.env')), 'A=1\n');
    assert.deepEqual(ws.listDir(path.join(dir, 'svc')), ['deep']);
    // 5,000 Changed events for files nobody read (a checkout, a build writing dist/): exact forgetting only.
    const events = Array.from({ length: 5000 }, (_, i) => path.join(dir, 'src', `pkg${i % 50}`, `file${i}.js`));
    assert.equal(keysScanned(() => { for (const p of events) ws.invalidate(p); }), 0, 'one event at a time');
    assert.equal(keysScanned(() => ws.invalidatePaths(events)), 0, 'as one batch');
    // The cached answers stay.
    fs.writeFileSync(path.join(dir, 'svc', 'deep', '.env'), 'A=2\n');
    assert.equal(ws.readText(path.join(dir, 'svc', 'deep', '.env')), 'A=1\n');
    // A batch that holds folders with cached paths below them: one pass over the caches, not one per event.
    const cached = keysScanned(() => ws.invalidatePaths([]));
    assert.equal(cached, 0);
    const scanned = keysScanned(() => ws.invalidatePaths([...events, path.join(dir, 'pkg1'), path.join(dir, 'pkg2'), path.join(dir, 'svc')]));
    // About 1,500 keys are cached (answers, allowed(), the symlink walk's components): one pass, where one scan per
    // event and cache went over them some 30,000 times.
    assert.ok(scanned > 0 && scanned < 2000, `one pass over the caches (${scanned} keys)`);
  });

  it('a deleted or renamed folder still forgets everything below it, at any depth, alone or in a batch', () => {
    const dir = tmp({ 'Dockerfile': 'FROM alpine:3.20\n' });
    fs.mkdirSync(path.join(dir, 'a', 'b', 'c'), { recursive: true });
    const env = path.join(dir, 'a', 'b', 'c', '.env');
    fs.writeFileSync(env, 'A=1\n');
    const ws = new DiskWorkspace(undefined, 256 * 1024, () => [dir]);
    assert.equal(ws.readText(env), 'A=1\n');
    assert.equal(ws.exists(path.join(dir, 'a', 'b', 'other.env')), false);
    fs.writeFileSync(env, 'A=2\n');
    fs.writeFileSync(path.join(dir, 'a', 'b', 'other.env'), 'B=1\n');
    // `a` itself was never read: only paths two and three levels below it.
    ws.invalidate(path.join(dir, 'a'));
    assert.equal(ws.readText(env), 'A=2\n');
    assert.equal(ws.exists(path.join(dir, 'a', 'b', 'other.env')), true);
    fs.writeFileSync(env, 'A=3\n');
    ws.invalidatePaths([path.join(dir, 'x.js'), path.join(dir, 'a', 'b') + path.sep, path.join(dir, 'y.js')]);
    assert.equal(ws.readText(env), 'A=3\n');
    fs.writeFileSync(env, 'A=4\n');
    ws.invalidate(dir);
    assert.equal(ws.readText(env), 'A=4\n');
  });

  it('reads a folder that the workspace folders come to hold, whether the list is new or the same list changed in place', () => {
    const dir = tmp({ 'compose.yaml': 'services: {}\n' });
    fs.mkdirSync(path.join(dir, 'app'));
    const file = path.join(dir, 'compose.yaml');
    let roots = [path.join(dir, 'app')];
    const ws = new DiskWorkspace(undefined, 256 * 1024, () => roots);
    assert.equal(ws.readText(file), undefined, 'outside the workspace folder');
    roots = [path.join(dir, 'app'), dir];
    assert.equal(ws.readText(file), 'services: {}\n', 'a new list of folders');
    roots = [path.join(dir, 'app')];
    assert.equal(ws.readText(file), undefined);
    roots.push(dir);
    assert.equal(ws.readText(file), 'services: {}\n', 'the same list, a folder added to it');
    roots.pop();
    assert.equal(ws.exists(file), false, 'and taken out of it');
  });
});
