/**
 * The language server under load: 1,000 edits in 10 seconds from the client, on a Dockerfile and a
 * compose file at once. The diagnostics of the last version arrive (and equal those of the same
 * text opened fresh), and no stale version is ever published after a newer one.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic, TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol';
import { LineIndex } from '../rules';
import { SERVER, TestClient, type Published } from './helpers/lsp-client';
import { tempDir } from './helpers/temp';

/** A small deterministic PRNG (mulberry32), so a failing run can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DOCKERFILE = 'FROM node:24\nRUN apt-get update && apt-get install -y curl\nUSER root\nEXPOSE 22\nCMD node server.js\n';
const COMPOSE = 'services:\n  db:\n    image: postgres\n    privileged: true\n    environment:\n      POSTGRES_PASSWORD: hunter2hunter2\n    ports:\n      - "5432:5432"\n';

const SNIPPETS = ['\nRUN echo hi', 'USER 1000\n', ' \\\n  && true', 'latest', '\n    privileged: true', '\n  web:\n    image: nginx', ':', '"', '#', '\n', 'x', '  ', '${A}', '\t'];

/** One random edit of a text: an insert, a delete, a replace of a range, or (rarely) the whole text. */
function randomEdit(text: string, rnd: () => number): { change: TextDocumentContentChangeEvent; next: string } {
  const lines = new LineIndex(text);
  const pick = rnd();
  if (pick < 0.02) {
    const next = text.split('\n').reverse().join('\n');
    return { change: { text: next }, next };
  }
  const a = Math.floor(rnd() * (text.length + 1));
  const len = pick < 0.5 ? 0 : Math.min(text.length - a, Math.floor(rnd() * 12));
  const insert = pick < 0.85 ? SNIPPETS[Math.floor(rnd() * SNIPPETS.length)] : '';
  // Keep the text from shrinking to nothing or growing without bound.
  const ins = text.length > 4000 ? '' : insert;
  const del = text.length < 40 ? 0 : len;
  const next = text.slice(0, a) + ins + text.slice(a + del);
  return { change: { range: lines.rangeOf(a, a + del), text: ins }, next };
}

/** Throws when a URI's published versions ever go backwards (in arrival order) or the last is not `last`. */
export function assertVersionsForward(published: Published[], uri: string, last: number): void {
  const seen = published.filter((p) => p.uri === uri && p.version !== undefined);
  for (let k = 1; k < seen.length; k++) assert.ok(seen[k].version! >= seen[k - 1].version!, `${uri}: version ${seen[k].version} published after ${seen[k - 1].version}`);
  assert.equal(seen.at(-1)?.version, last, `${uri}: the last publish is for the last version`);
  // Nothing at all (not even a version-less publish) comes after the last version's diagnostics.
  assert.equal(published.filter((p) => p.uri === uri).at(-1)?.version, last, `${uri}: something was published after the last version`);
}

const key = (d: Diagnostic) => `${d.code}@${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.message}`;

describe('the version check itself', () => {
  const p = (version: number | undefined): Published => ({ uri: 'u', version, diagnostics: [], at: 0 });
  it('accepts versions that only go forward', () => assertVersionsForward([p(1), p(3), p(3), p(7)], 'u', 7));
  it('rejects a stale version after a newer one, a wrong last version, or a late version-less publish', () => {
    assert.throws(() => assertVersionsForward([p(1), p(5), p(4), p(7)], 'u', 7), /version 4 published after 5/);
    assert.throws(() => assertVersionsForward([p(1), p(5)], 'u', 7), /last publish/);
    assert.throws(() => assertVersionsForward([p(1), p(7), p(undefined)], 'u', 7), /after the last version/);
  });
});

describe('language server under load', () => {
  let client: TestClient;
  let dir: string;
  before(async () => {
    assert.ok(fs.existsSync(SERVER), 'dist/server.js is missing: run the build first');
    dir = tempDir('dg-load-');
    client = new TestClient();
    await client.initialize([dir]);
  });
  after(() => client.shutdown());

  it('1,000 edits in 10 s: the last version is published, versions never go backwards', { timeout: 60_000 }, async () => {
    const rnd = prng(Number(process.env.DG_LOAD_SEED ?? 1128));
    const docs = [
      { uri: client.open(path.join(dir, 'Dockerfile'), DOCKERFILE, 'dockerfile'), text: DOCKERFILE, version: 1, name: 'Dockerfile' },
      { uri: client.open(path.join(dir, 'compose.yaml'), COMPOSE, 'dockercompose'), text: COMPOSE, version: 1, name: 'compose.yaml' },
    ];
    for (const d of docs) await client.diagnostics(d.uri, 1);

    const EDITS = 1000;
    const DURATION = 10_000;
    const t0 = Date.now();
    for (let i = 0; i < EDITS; i++) {
      const d = docs[rnd() < 0.5 ? 0 : 1];
      const { change, next } = randomEdit(d.text, rnd);
      d.text = next;
      d.version = client.change(d.uri, [change]);
      // Typing comes in bursts: wait only after some edits, keeping 100 edits a second on average.
      if (rnd() < 0.4 || i === EDITS - 1) {
        const wait = t0 + ((i + 1) * DURATION) / EDITS - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    }
    const sent = Date.now() - t0;
    assert.ok(sent <= DURATION + 2000, `sending took ${sent} ms`);

    // The last version of each document is published…
    const last = await Promise.all(docs.map((d) => client.diagnostics(d.uri, d.version, 15_000)));
    // …and no version was published after a newer one (per URI, in arrival order).
    // Wait a little: a stale analysis still in flight would publish after the last one.
    await new Promise((r) => setTimeout(r, 500));
    for (const d of docs) assertVersionsForward(client.published, d.uri, d.version);
    // The server's text is the client's text: the final diagnostics equal those of the final text opened fresh.
    for (const [k, d] of docs.entries()) {
      const fresh = client.open(path.join(dir, `fresh-${k}`, d.name), d.text, k === 0 ? 'dockerfile' : 'dockercompose');
      const want = await client.diagnostics(fresh, 1);
      assert.deepEqual(last[k].map(key).sort(), want.map(key).sort(), `${d.name}: diagnostics after 500 incremental edits differ from a fresh analysis of the same text`);
    }
    assert.equal(client.proc.exitCode, null, 'server still running');
    const publishes = client.published.filter((p) => docs.some((d) => d.uri === p.uri)).length;
    // Bursts are analyzed once: far fewer publishes than edits is fine; at least the last of each.
    assert.ok(publishes >= 2, `${publishes} publishes`);
    assert.deepEqual(client.logs.filter((l) => /failed/.test(l)), [], 'no analysis or rule failure was logged');
  });
});
