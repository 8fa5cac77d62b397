/**
 * Loading the CLI's bundle with a V8 code cache.
 *
 * A CLI run is over in well under a second, and a fresh process spends a good part of that
 * compiling: the 1.7 MB bundle is parsed when it loads, and each function is compiled to bytecode
 * the first time it runs, hundreds of rule functions among them. V8 can save that bytecode (a code
 * cache) and load it in a later process instead of compiling again. Node 22 does this for modules
 * by itself (module.enableCompileCache); on Node 20 a script compiled with `vm.Script` can be given
 * a cache (`cachedData`), which is what this module does.
 *
 * The build makes the cache (scripts/cli-code-cache.ts): it loads dist/cli-main.js without one,
 * runs it over the test fixtures so that the rules' functions are compiled, and saves the bytecode
 * of everything compiled so far (`script.createCachedData()`) to dist/cli-main.cache. dist/cli.js
 * (cli-loader.ts) then loads the bundle with it.
 *
 * A cache is only ever a shortcut. V8 checks its own version, the V8 flags and the source's length,
 * and rejects a cache that does not match (the script is then compiled as usual). The length is
 * not enough to tell one build from another, so the cache file begins with a header naming the
 * bundle's SHA-1 digest, Node's version and the architecture; a cache whose header does not match
 * is not given to V8 at all. V8's flags are part of its check: the cache is made with V8's default
 * flags and the loader compiles before the CLI sets its own (v8-tuning.ts).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';

/** The CLI's bundle (cli.ts), beside dist/cli.js. */
export const MAIN_BUNDLE = 'cli-main.js';
/** Its code cache, made by the build. */
export const CODE_CACHE = 'cli-main.cache';

/** The first line of a code cache file for the bundle whose bytes are `bundle`, in this Node on this architecture. */
export function cacheHeader(bundle: Buffer): string {
  const digest = crypto.createHash('sha1').update(bundle).digest('hex');
  return `docker-guardrails code cache v1 ${process.version} ${process.arch} ${digest}\n`;
}

/** The cache in `file` when its header matches the bundle's bytes, else undefined (missing, unreadable or stale). */
export function readCodeCache(file: string, bundle: Buffer): Buffer | undefined {
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  const header = Buffer.from(cacheHeader(bundle), 'latin1');
  if (data.length <= header.length || !data.subarray(0, header.length).equals(header)) return undefined;
  return data.subarray(header.length);
}

/** Writes a code cache for the bundle whose bytes are `bundle` to `file`. */
export function writeCodeCache(file: string, bundle: Buffer, cache: Buffer): void {
  fs.writeFileSync(file, Buffer.concat([Buffer.from(cacheHeader(bundle), 'latin1'), cache]));
}

export interface LoadedBundle {
  /** The bundle's exports (cli.ts's). */
  exports: Record<string, unknown>;
  /** The compiled script, to make a cache from. */
  script: vm.Script;
  /** True when a cache was given and V8 used it. */
  cacheUsed: boolean;
}

/**
 * Loads a CommonJS bundle as Node would (the same wrapper, `require` resolving from its folder),
 * compiled with `cachedData` when given. The bundle's `require.main` is the program that loaded it,
 * so its own "run when I am the program" test stays false: the caller runs it.
 */
export function loadBundle(bundle: string, source: string, cachedData?: Buffer): LoadedBundle {
  const file = path.resolve(bundle);
  // A shebang is not JavaScript inside the function wrapper; a comment of the same length keeps
  // every position (and the source map) as it is.
  const body = source.startsWith('#!') ? `//${source.slice(2)}` : source;
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${body}\n})`, {
    filename: file,
    cachedData,
  });
  const module = { exports: {} as Record<string, unknown>, id: file, filename: file, loaded: false };
  const wrapper = script.runInThisContext() as (e: unknown, r: NodeJS.Require, m: unknown, f: string, d: string) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  module.loaded = true;
  return { exports: module.exports, script, cacheUsed: cachedData !== undefined && !script.cachedDataRejected };
}
