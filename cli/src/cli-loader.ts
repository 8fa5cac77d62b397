#!/usr/bin/env node
/**
 * dist/cli.js, the `docker-guardrails` command: loads the CLI's bundle (dist/cli-main.js, built
 * from cli.ts) with the code cache the build made for it, and runs it. Without a usable cache
 * (none was built, another Node, a rebuilt bundle) the bundle is compiled as usual: the cache only
 * saves time, never changes what runs. code-cache.ts says how and why.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CODE_CACHE, loadBundle, MAIN_BUNDLE, readCodeCache } from './code-cache';

// The bundle beside this file's real path (`node --preserve-symlinks-main` through a bin link keeps the link's).
let dir = __dirname;
try {
  dir = path.dirname(fs.realpathSync(__filename));
} catch {
  // keep __dirname
}
/**
 * The bundle's `main`, loaded in a function of its own: the run happens inside `main()`, and what loading
 * needed (the bundle's bytes, its text as read, the code cache: about 6 MB) must not stay reachable from
 * this frame while it does. Held by the top-level code, they were live until the process exited and
 * counted towards the heap V8 grows from what survives a collection (peak RSS over the corpus: see
 * v8-tuning.ts).
 */
function loadMain(): () => void {
  const file = path.join(dir, MAIN_BUNDLE);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    // Exit code 2 is the CLI's I/O error; 1 would read as findings.
    process.stderr.write(`docker-guardrails: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; dist/cli.js needs dist/${MAIN_BUNDLE} beside it (run the build)\n`);
    process.exit(2);
  }
  const { exports } = loadBundle(file, bytes.toString('utf8'), readCodeCache(path.join(dir, CODE_CACHE), bytes));
  return exports.main as () => void;
}
loadMain()();
