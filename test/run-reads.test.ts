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
