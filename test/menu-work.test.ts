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
  result: { url: string; functions: { functionName: string; ranges: { count: number }[] }[] }[];
}

const K = 4;

function compose(n: number): string {
  let s = 'services:\n';
  for (let i = 0; i < n; i++) s += `  svc${i}:\n    image: postgres:17.2\n    environment:\n      POSTGRES_PASSWORD: Lk99_same_pw_Qw7rTy2u\n`;
  return s;
}

/** The server's coverage after `requests` code-action requests for the first DC040 finding: blocks and calls of the bundle, and calls of DC040's fix (moveFix). */
async function serverWork(n: number, requests: number): Promise<{ js: number; moveFix: number; titles: string[] }> {
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
  } finally {
    await client.shutdown();
  }
  const files = fs.readdirSync(coverageDir).filter((f) => f.endsWith('.json'));
  assert.ok(files.length > 0, 'the server wrote its coverage');
  let js = 0;
  let moveFix = 0;
  for (const f of files) {
    const cov = JSON.parse(fs.readFileSync(path.join(coverageDir, f), 'utf8')) as Coverage;
    for (const script of cov.result) {
      if (!script.url.endsWith('/dist/server.js')) continue;
      for (const fn of script.functions) {
        for (const r of fn.ranges) js += r.count;
        if (fn.functionName === 'moveFix') moveFix += fn.ranges[0]?.count ?? 0;
      }
    }
  }
  return { js, moveFix, titles };
}

describe('the quick-fix menu of one finding on a large file (work counted, not timed)', () => {
  it(`${K} more requests for one finding's actions compute no fix again, and twice the services cost at most ~2.5× their work`, async () => {
    const extra: Record<number, { js: number; moveFix: number }> = {};
    for (const n of [150, 300]) {
      const once = await serverWork(n, 1);
      const more = await serverWork(n, 1 + K);
      assert.deepEqual(more.titles, once.titles);
      assert.ok(once.titles.some((t) => t === 'Fix all DC040 in this file' || /^Move all \d+ inline secrets/.test(t)), `the menu has the entries that count the fixes: ${once.titles.join(' | ')}`);
      extra[n] = { js: more.js - once.js, moveFix: more.moveFix - once.moveFix };
      assert.ok(extra[n].moveFix <= K, `${K} more requests at N = ${n} computed DC040's fix ${extra[n].moveFix} times (at most one per request; before: one per finding per request)`);
    }
    const ratio = extra[300].js / extra[150].js;
    assert.ok(ratio <= 2.5, `${K} requests: ${extra[150].js} calls and blocks at N = 150, ${extra[300].js} at N = 300 (×${ratio.toFixed(2)})`);
  });
});
