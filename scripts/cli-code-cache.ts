/**
 * Makes dist/cli-main.cache, the V8 code cache dist/cli.js loads the CLI's bundle with
 * (cli/src/code-cache.ts says why). The build runs it in a process of its own, with V8's default
 * flags as the loader has them when it compiles:
 *   node out/scripts/cli-code-cache.js DIST_DIR PATH…
 * It loads the bundle without a cache, runs the CLI over the PATHs (the test fixtures: every rule's
 * code and its fixes) with a SARIF report it discards, then saves the bytecode of every function
 * compiled so far. Functions it did not run are compiled as usual when a run needs them. Prints
 * one line saying what it wrote.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CODE_CACHE, loadBundle, MAIN_BUNDLE, TRAINING_NAME, writeCodeCache } from '../cli/src/code-cache';

type Run = (argv: string[], io: { write: (s: string) => void; writeErr: (s: string) => void }) => number | Promise<number>;

async function main(): Promise<void> {
  const [dist, ...paths] = process.argv.slice(2);
  if (!dist || paths.length === 0) throw new Error('usage: cli-code-cache DIST_DIR PATH…');
  const file = path.join(dist, MAIN_BUNDLE);
  const bytes = fs.readFileSync(file);
  const { exports, script } = loadBundle(file, bytes.toString('utf8'), undefined, TRAINING_NAME);
  const run = exports.run as Run;
  const discard = { write: () => undefined, writeErr: () => undefined };
  // SARIF: the report that also computes every finding's fixes.
  await run(['check', '--format', 'sarif', ...paths], discard);
  const cache = script.createCachedData();
  writeCodeCache(path.join(dist, CODE_CACHE), bytes, cache);
  process.stdout.write(`${path.join(dist, CODE_CACHE)}: ${(cache.length / 1024).toFixed(0)} KB of bytecode for ${MAIN_BUNDLE}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`cli-code-cache: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
