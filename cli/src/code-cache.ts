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
 * not enough to tell one build from another, and V8 checks no checksum of the cache's own bytes, so
 * the cache file begins with a header naming the bundle's SHA-1 digest, Node's version, the
 * architecture and the cache's own SHA-1; a cache whose header does not match, or that is not a
 * regular file of a sane size, is not given to V8 at all. V8's flags are part of its check: the cache is made with V8's default
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

const sha1 = (bytes: Buffer) => crypto.createHash('sha1').update(bytes).digest('hex');

/**
 * The first line of a code cache file: the bundle's digest, Node's version and the architecture, then
 * the digest of the cache itself. V8 checks no checksum of a code cache in release builds, and a
 * damaged one can crash the process or change what the rules find (review 34: a flipped byte gave a
 * SIGSEGV, or a report without some fixes): a cache whose bytes are not those written is not used.
 */
export function cacheHeader(bundle: Buffer, cache: Buffer): string {
  return `docker-guardrails code cache v2 ${process.version} ${process.arch} ${sha1(bundle)} ${sha1(cache)}\n`;
}

/** A code cache is a few MB: anything far larger is not one (and is not read into memory). */
const MAX_CACHE_BYTES = 64 << 20;

/** The cache in `file` when it is a regular file whose header matches the bundle's bytes and its own, else undefined. */
export function readCodeCache(file: string, bundle: Buffer): Buffer | undefined {
  let data: Buffer;
  try {
    // Not a FIFO (reading would block), a device (/dev/zero never ends) or a folder.
    const stat = fs.statSync(file);
    if (!stat.isFile() || stat.size > MAX_CACHE_BYTES) return undefined;
    data = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  const newline = data.indexOf(0x0a);
  if (newline <= 0 || newline > 512) return undefined;
  const cache = data.subarray(newline + 1);
  if (cache.length === 0 || data.subarray(0, newline + 1).toString('latin1') !== cacheHeader(bundle, cache)) return undefined;
  return cache;
}

/** Writes a code cache for the bundle whose bytes are `bundle` to `file`. */
export function writeCodeCache(file: string, bundle: Buffer, cache: Buffer): void {
  fs.writeFileSync(file, Buffer.concat([Buffer.from(cacheHeader(bundle, cache), 'latin1'), cache]));
}

/**
 * The name the bundle is compiled under when the build makes its cache. V8 keeps the name a cached
 * script was compiled with (stack traces and profiles show it, not the installed path), so the build
 * machine's folders must not be in it (review 34).
 */
export const TRAINING_NAME = path.join('docker-guardrails', 'dist', MAIN_BUNDLE);

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
export function loadBundle(bundle: string, source: string, cachedData?: Buffer, scriptName?: string): LoadedBundle {
  const file = path.resolve(bundle);
  // A shebang is not JavaScript inside the function wrapper; a comment of the same length keeps
  // every position (and the source map) as it is.
  const body = source.startsWith('#!') ? `//${source.slice(2)}` : source;
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${body}\n})`, {
    filename: scriptName ?? file,
    cachedData,
  });
  const module = { exports: {} as Record<string, unknown>, id: file, filename: file, loaded: false };
  const wrapper = script.runInThisContext() as (e: unknown, r: NodeJS.Require, m: unknown, f: string, d: string) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  module.loaded = true;
  return { exports: module.exports, script, cacheUsed: cachedData !== undefined && !script.cachedDataRejected };
}
