/**
 * The quick-fix menu of one finding on a large file, counted rather than timed (like fix-work.test.ts): a compose file
 * with one password in N services has N DC040 findings whose fixes each rewrite every copy, and the menu of one of
 * them counts and compares the fixes of all of them ("Fix all DC040 in this file", "Move all N inline secrets").
 * The server runs with NODE_V8_COVERAGE (V8's precise coverage: every function call and block of the bundle, written
 * when it exits), once answering one code-action request and once answering it and then K more for the same finding:
 * the difference is the work of K requests on an analysis already made, which is what the editor asks as the cursor
 * moves. Those compute no rule fix again (the fixes are kept per analysis: fixOf in server/src/server.ts), and twice the
 * services cost about twice the work (the menu still walks the findings of the code once per request). Before, each
 * request computed the fix of every finding of the code, each rewriting every copy: K × (N + 1) calls of DC040's fix.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TestClient } from './helpers/lsp-client';
import { tempDir, tempFiles } from './helpers/temp';

interface Coverage {
  result: { url: string; functions: { functionName: string; ranges: { startOffset: number; endOffset: number; count: number }[] }[] }[];
}

const K = 4;

function compose(n: number): string {
  let s = 'services:\n';
  for (let i = 0; i < n; i++) s += `  svc${i}:\n    image: postgres:17.2\n    environment:\n      POSTGRES_PASSWORD: Lk99_same_pw_Qw7rTy2u\n`;
  return s;
}

interface Work {
  /** Calls and blocks of the server's bundle. */
  js: number;
  /** Calls of DC040's fix (moveFix), and of the function that makes a fix's list of edits of every copy (moveCopies's build). */
  moveFix: number;
  editLists: number;
  /** Calls of serviceVolumes (a service's volumes, read for DC060's fix) and of the server's fitsDocument (which stats the files a fix touches). */
  serviceVolumes: number;
  fitsDocument: number;
  /** Calls of fixInRounds (a fix-all's edit: every chosen fix, applied in rounds, each round analyzed again). */
  fixInRounds: number;
  titles: string[];
}

/**
 * The server's coverage after opening the file and answering `requests` code-action requests for its first DC040
 * finding, then `source.fixAll` over the file when `fixAll` (resolved), then `offers` more `source.fixAll` requests
 * (not resolved: the Source Action menu, opened and closed).
 */
async function serverWork(n: number, requests: number, fixAll = false, offers = 0): Promise<Work> {
  const text = compose(n);
  const dir = tempFiles('menu-work-', { 'compose.yaml': text, '.git/HEAD': 'ref: refs/heads/main\n' });
  const coverageDir = tempDir('menu-work-cov-');
  const client = new TestClient([], { ...process.env, NODE_V8_COVERAGE: coverageDir });
  client.resolveEdits = true;
  let titles: string[] = [];
  try {
    await client.initialize([dir]);
    const uri = client.open(path.join(dir, 'compose.yaml'), text, 'dockercompose');
    const diags = await client.diagnostics(uri, 1, 60_000);
    const diag = diags.find((d) => d.code === 'DC040');
    assert.ok(diag, 'a DC040 finding');
    for (let i = 0; i < requests; i++) {
      const actions = await client.codeActions(uri, [diag], ['quickfix']);
      const now = actions.map((a) => a.title);
      if (i > 0) assert.deepEqual(now, titles, 'every request offers the same actions');
      titles = now;
    }
    if (fixAll) {
      const all = await client.codeActions(uri, diags, ['source.fixAll']);
      assert.equal(all.length, 1, 'fix-all offered');
      assert.ok((await client.resolved(all[0])).edit, 'fix-all has an edit');
    }
    for (let i = 0; i < offers; i++) {
      const all = await client.codeActions(uri, diags, ['source.fixAll']);
      assert.deepEqual(all.map((a) => a.title), ['Fix all Docker Guardrails findings'], 'fix-all offered');
    }
  } finally {
    await client.shutdown();
  }
  const files = fs.readdirSync(coverageDir).filter((f) => f.endsWith('.json'));
  assert.ok(files.length > 0, 'the server wrote its coverage');
  const work: Work = { js: 0, moveFix: 0, editLists: 0, serviceVolumes: 0, fitsDocument: 0, fixInRounds: 0, titles };
  for (const f of files) {
    const cov = JSON.parse(fs.readFileSync(path.join(coverageDir, f), 'utf8')) as Coverage;
    for (const script of cov.result) {
      if (!script.url.endsWith('/dist/server.js')) continue;
      const moveCopies = script.functions.find((fn) => fn.functionName === 'moveCopies')?.ranges[0];
      assert.ok(moveCopies, 'moveCopies in the bundle');
      for (const fn of script.functions) {
        for (const r of fn.ranges) work.js += r.count;
        const at = fn.ranges[0];
        if (fn.functionName === 'moveFix') work.moveFix += at?.count ?? 0;
        if (fn.functionName === 'serviceVolumes') work.serviceVolumes += at?.count ?? 0;
        if (fn.functionName === 'fitsDocument') work.fitsDocument += at?.count ?? 0;
        if (fn.functionName === 'fixInRounds') work.fixInRounds += at?.count ?? 0;
        if (fn.functionName === 'build' && at && at.startOffset > moveCopies.startOffset && at.endOffset < moveCopies.endOffset) work.editLists += at.count;
      }
    }
  }
  return work;
}

const minus = (a: Work, b: Work) => ({ js: a.js - b.js, moveFix: a.moveFix - b.moveFix, editLists: a.editLists - b.editLists });

describe('the quick-fix menu of one finding on a large file (work counted, not timed)', () => {
  it(`one request for one finding's actions makes no list of edits of every copy but its own and one other; ${K} more compute no fix again; twice the services cost at most ~2.5× the work`, async (t) => {
    const first: Record<number, ReturnType<typeof minus>> = {};
    const extra: Record<number, ReturnType<typeof minus>> = {};
    for (const n of [150, 300]) {
      const none = await serverWork(n, 0);
      const once = await serverWork(n, 1);
      const more = await serverWork(n, 1 + K);
      assert.deepEqual(more.titles, once.titles);
      assert.ok(once.titles.some((t) => t === 'Fix all DC040 in this file' || /^Move all \d+ inline secrets/.test(t)), `the menu has the entries that count the fixes: ${once.titles.join(' | ')}`);
      first[n] = minus(once, none);
      extra[n] = minus(more, once);
      // The finding's own fix (its weight: is its edit large?) and the one fixesMoreThan compares it with.
      assert.ok(first[n].editLists <= 2, `one request at N = ${n} made ${first[n].editLists} lists of the copies' edits (before: one per finding, each of N edits)`);
      assert.ok(extra[n].moveFix <= K, `${K} more requests at N = ${n} computed DC040's fix ${extra[n].moveFix} times (at most one per request; before: one per finding per request)`);
    }
    for (const [what, w] of [['the first request', first], [`${K} more requests`, extra]] as const) {
      const ratio = w[300].js / w[150].js;
      t.diagnostic(`${what}: ${w[150].js} → ${w[300].js} calls and blocks (×${ratio.toFixed(2)}); lists of every copy's edits ${w[150].editLists} → ${w[300].editLists}; DC040 fixes ${w[150].moveFix} → ${w[300].moveFix}`);
      assert.ok(ratio <= 2.5, `${what}: ${w[150].js} calls and blocks at N = 150, ${w[300].js} at N = 300 (×${ratio.toFixed(2)})`);
    }
  });

  it('source.fixAll on such a file: twice the services cost at most ~2.5× the work; DC060 reads the services\' volumes once per analysis, the server stats the files the fixes touch once per set', async (t) => {
    const work: Record<number, { js: number; serviceVolumes: number; fitsDocument: number }> = {};
    for (const n of [150, 300]) {
      const all = await serverWork(n, 0, true);
      const none = await serverWork(n, 0);
      work[n] = { js: all.js - none.js, serviceVolumes: all.serviceVolumes - none.serviceVolumes, fitsDocument: all.fitsDocument - none.fitsDocument };
      t.diagnostic(`fix-all at N = ${n}: ${work[n].js} calls and blocks, serviceVolumes ${work[n].serviceVolumes}, fitsDocument ${work[n].fitsDocument}`);
      // Each analysis of the rounds reads each service's volumes a few times (its rules), not once per finding's fix.
      assert.ok(work[n].serviceVolumes <= 10 * n, `fix-all at N = ${n} read a service's volumes ${work[n].serviceVolumes} times (before: once per service for each DC060 fix)`);
      assert.ok(work[n].fitsDocument <= 20, `fix-all at N = ${n} asked fitsDocument ${work[n].fitsDocument} times (before: once per fix)`);
    }
    const ratio = work[300].js / work[150].js;
    t.diagnostic(`fix-all: ${work[150].js} → ${work[300].js} calls and blocks (×${ratio.toFixed(2)})`);
    assert.ok(ratio <= 2.5, `fix-all: ${work[150].js} calls and blocks at N = 150, ${work[300].js} at N = 300 (×${ratio.toFixed(2)})`);
  });

  it(`source.fixAll offered to a client that resolves edits (the Source Action menu, a save) computes no edit: ${K} offers apply no fix in rounds and compute DC040's fix at most once each; twice the services cost at most ~2.5× the work`, async (t) => {
    const work: Record<number, { js: number; moveFix: number; fixInRounds: number }> = {};
    for (const n of [150, 300]) {
      const offered = await serverWork(n, 0, false, K);
      const none = await serverWork(n, 0);
      work[n] = { js: offered.js - none.js, moveFix: offered.moveFix - none.moveFix, fixInRounds: offered.fixInRounds - none.fixInRounds };
      t.diagnostic(`${K} fix-all offers at N = ${n}: ${work[n].js} calls and blocks, fixInRounds ${work[n].fixInRounds}, DC040 fixes ${work[n].moveFix}`);
      // Before (the edit computed for every request): K fixInRounds, each computing DC040's fix of every finding (K × N).
      assert.equal(work[n].fixInRounds, 0, `${K} offers at N = ${n} ran fixInRounds ${work[n].fixInRounds} times`);
      assert.ok(work[n].moveFix <= K, `${K} offers at N = ${n} computed DC040's fix ${work[n].moveFix} times`);
    }
    const ratio = work[300].js / work[150].js;
    t.diagnostic(`fix-all offers: ${work[150].js} → ${work[300].js} calls and blocks (×${ratio.toFixed(2)})`);
    assert.ok(ratio <= 2.5, `fix-all offers: ${work[150].js} calls and blocks at N = 150, ${work[300].js} at N = 300 (×${ratio.toFixed(2)})`);
  });
});
