/**
 * DC040's names for passwords given to a server option (`--requirepass`, `--masterauth`, `REDIS_ARGS`) and to a command
 * line's connection string (`--db-url postgres://…`) do not depend on the order of the moves (review51a, finding 2): two
 * Redis services with their own `--requirepass`, the second's also in an app's REDIS_URL, were offered three safe moves
 * (the second as QUEUE_REDIS_PASSWORD with its copy), but once `.env` held the first as REDIS_PASSWORD the second was
 * named QUEUE_PASSWORD, no longer took its copy, and was no longer safe: `check --fix` and `source.fixAll` left two
 * secrets inline. Proved through the built CLI's `check --fix` and the server's `source.fixAll`.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import type { WorkspaceEdit } from 'vscode-languageserver-protocol';
import { allRules, analyze, applyTextEdits, DEFAULT_CONFIG, fixFinding } from '../rules';
import { runCli } from './helpers/cli';
import { applyWorkspaceEdit, TestClient } from './helpers/lsp-client';
import { viewOf } from './helpers/fixtures';
import { tempDir } from './helpers/temp';

/** Two Redis services with their own password (string and list form); the second's is also in the app's REDIS_URL. */
const REDIS = [
  'services:',
  '  cache:',
  '    image: redis:7.4',
  '    command: redis-server --requirepass CacheOnePwXX',
  '  queue:',
  '    image: redis:7.4',
  '    command: ["redis-server", "--requirepass", "QueueTwoPwYY"]',
  '  app:',
  '    image: myorg/app:1',
  '    environment:',
  '      REDIS_URL: redis://:QueueTwoPwYY@queue:6379/0',
  '',
].join('\n');

const REDIS_FIXED = REDIS.replace('--requirepass CacheOnePwXX', '--requirepass ${REDIS_PASSWORD}').replace('"QueueTwoPwYY"', '"${QUEUE_REDIS_PASSWORD}"').replace(':QueueTwoPwYY@', ':${QUEUE_REDIS_PASSWORD}@');
const REDIS_ENV = 'REDIS_PASSWORD=CacheOnePwXX\nQUEUE_REDIS_PASSWORD=QueueTwoPwYY\n';

/** The same with connection strings given to programs as `--db-url`: two values, the second also in the web's DB_URL. */
const DB_URL = [
  'services:',
  '  api:',
  '    image: myorg/api:1',
  '    command: ["api", "--db-url", "postgres://u:FirstPwAA11@db/x"]',
  '  worker:',
  '    image: myorg/worker:1',
  '    command: ["worker", "--db-url", "postgres://u:SecondPwBB22@db/x"]',
  '  web:',
  '    image: myorg/web:1',
  '    environment:',
  '      DB_URL: postgres://u:SecondPwBB22@db/x',
  '',
].join('\n');

/** A folder (a repository root: `.git`) whose .gitignore ignores .env, with these files. */
function project(files: Record<string, string>): string {
  const dir = tempDir('dg-dc040rp-');
  fs.mkdirSync(path.join(dir, '.git'));
  fs.writeFileSync(path.join(dir, '.gitignore'), '.env\n');
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

/** Each DC040 finding's fix: its title and whether it is safe, with this `.env` beside the file (or none) and a .gitignore that ignores it. */
function fixes(text: string, env?: string): [number, string | undefined, boolean | undefined][] {
  const files = new Map([['/p/compose.yaml', text], ['/p/.gitignore', '.env\n'], ...(env === undefined ? [] : [['/p/.env', env] as [string, string]])]);
  const analysis = analyze(allRules, 'compose', '/p/compose.yaml', text, viewOf(files), DEFAULT_CONFIG);
  return analysis.findings
    .filter((f) => f.code === 'DC040')
    .map((f) => {
      const fix = fixFinding(allRules, analysis.context, f);
      return [f.range.start.line, fix?.title, fix?.safe];
    });
}

describe('DC040: the names of server-option and command-line passwords are the same whichever move goes first (review51a, finding 2)', () => {
  it('--requirepass: the second value and its copy keep QUEUE_REDIS_PASSWORD once .env holds the first', () => {
    const second = 'Move the --requirepass password and its copy to .env as QUEUE_REDIS_PASSWORD';
    const url = 'Move the password of REDIS_URL and its copy to .env as QUEUE_REDIS_PASSWORD';
    assert.deepEqual(fixes(REDIS), [
      [3, 'Move the --requirepass password to .env', true],
      [6, second, true],
      [10, url, true],
    ]);
    // The first moved (its line rewritten, .env holding it): the second's names and safety are unchanged.
    const firstMoved = REDIS.replace('--requirepass CacheOnePwXX', '--requirepass ${REDIS_PASSWORD}');
    assert.deepEqual(fixes(firstMoved, 'REDIS_PASSWORD=CacheOnePwXX\n'), [
      [6, second, true],
      [10, url, true],
    ]);
    // The second moved first: the first keeps REDIS_PASSWORD.
    const secondMoved = REDIS.replace('"QueueTwoPwYY"', '"${QUEUE_REDIS_PASSWORD}"').replace(':QueueTwoPwYY@', ':${QUEUE_REDIS_PASSWORD}@');
    assert.deepEqual(fixes(secondMoved, 'QUEUE_REDIS_PASSWORD=QueueTwoPwYY\n'), [[3, 'Move the --requirepass password to .env', true]]);
  });

  it('--requirepass in REDIS_ARGS and on a command line: the same names before and after a move', () => {
    const text = 'services:\n  cache:\n    image: redis:7.4\n    command: redis-server --requirepass CacheOnePwXX\n  stack:\n    image: redis/redis-stack-server:7.4.0-v2\n    environment:\n      REDIS_ARGS: "--requirepass St4ckTwoPwZZ --save 900 1"\n';
    const before = fixes(text);
    assert.deepEqual(before, [
      [3, 'Move the --requirepass password to .env', true],
      [7, 'Move the password in REDIS_ARGS to .env as STACK_REDIS_PASSWORD', true],
    ]);
    assert.deepEqual(fixes(text.replace('--requirepass CacheOnePwXX', '--requirepass ${REDIS_PASSWORD}'), 'REDIS_PASSWORD=CacheOnePwXX\n'), [before[1]]);
  });

  it('a command line\'s connection string: the second value and its copy keep WORKER_DB_PASSWORD once .env holds the first', () => {
    const second = 'Move the --db-url password and its copy to .env as WORKER_DB_PASSWORD';
    assert.deepEqual(fixes(DB_URL), [
      [3, 'Move the --db-url password to .env', true],
      [6, second, true],
      [10, 'Move the password of DB_URL and its copy to .env as WORKER_DB_PASSWORD', true],
    ]);
    assert.deepEqual(fixes(DB_URL.replace(':FirstPwAA11@', ':${DB_PASSWORD}@'), 'DB_PASSWORD=FirstPwAA11\n').map(([, title]) => title), [second, 'Move the password of DB_URL and its copy to .env as WORKER_DB_PASSWORD']);
  });

  it('check --fix moves every value, in as many rounds as it takes', () => {
    const dir = project({ 'compose.yaml': REDIS });
    const r = runCli(['check', 'compose.yaml', '--fix'], dir);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    assert.match(r.stderr, /applied 2 fixes/);
    assert.equal(fs.readFileSync(path.join(dir, 'compose.yaml'), 'utf8'), REDIS_FIXED);
    assert.equal(fs.readFileSync(path.join(dir, '.env'), 'utf8'), REDIS_ENV);
    const again = runCli(['check', 'compose.yaml', '--format', 'json'], dir);
    assert.deepEqual((JSON.parse(again.stdout) as { code: string }[]).filter((f) => f.code === 'DC040'), []);
    // The connection strings given to programs: the same.
    const urls = project({ 'compose.yaml': DB_URL });
    runCli(['check', 'compose.yaml', '--fix'], urls);
    assert.equal(fs.readFileSync(path.join(urls, 'compose.yaml'), 'utf8'), DB_URL.replace(':FirstPwAA11@', ':${DB_PASSWORD}@').replaceAll(':SecondPwBB22@', ':${WORKER_DB_PASSWORD}@'));
    assert.equal(fs.readFileSync(path.join(urls, '.env'), 'utf8'), 'DB_PASSWORD=FirstPwAA11\nWORKER_DB_PASSWORD=SecondPwBB22\n');
  });

  it('over the LSP: source.fixAll moves every value, as "Move all 3" does', async () => {
    const dir = project({ 'compose.yaml': REDIS });
    const client = new TestClient();
    try {
      await client.initialize([dir]);
      const uri = client.open(path.join(dir, 'compose.yaml'), REDIS, 'dockercompose');
      const envUri = URI.file(path.join(dir, '.env')).toString();
      const diags = (await client.diagnostics(uri, 1)).filter((d) => d.code === 'DC040');
      assert.equal(diags.length, 3);
      const apply = (text: string, edits: Parameters<typeof applyTextEdits>[1]) => applyTextEdits(text, edits);
      const moveAll = (await client.codeActions(uri, [diags[0]], ['quickfix'])).find((a) => a.title.startsWith('Move all'));
      assert.equal(moveAll?.title, 'Move all 3 inline secrets of this file to .env');
      const fixAll = (await client.codeActions(uri, [], ['source.fixAll.docker-guardrails']))[0];
      assert.ok(fixAll?.edit, 'source.fixAll offered with an edit');
      for (const edit of [fixAll.edit, moveAll.edit]) {
        const out = applyWorkspaceEdit(new Map([[uri, REDIS]]), edit as WorkspaceEdit, apply);
        assert.equal(out.get(uri), REDIS_FIXED);
        assert.equal(out.get(envUri), REDIS_ENV);
      }
    } finally {
      await client.shutdown();
    }
  });
});
