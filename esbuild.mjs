// Builds the three bundles (client, server, CLI) and, with --tests, the test files.
//   node esbuild.mjs [--production] [--watch] [--tests]
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');
// --test-out=DIR builds the tests elsewhere (parallel work on one checkout must not share out/).
const testOut = (process.argv.find((a) => a.startsWith('--test-out=')) ?? '--test-out=out/test').slice('--test-out='.length);

/**
 * yaml's Parser tests `process.env.LOG_TOKENS` (the library's token-logging debug switch) for every
 * token it reads, and each environment lookup calls into the C++ runtime: about a fifth of a compose
 * file's parse time. The bundles fold the test to false (the switch only ever printed tokens). All
 * bundles get it, the benchmark's parse floor included, so every measurement compares like with like.
 */
const yamlWithoutTokenLog = {
  name: 'yaml-without-token-log',
  setup(build) {
    build.onLoad({ filter: /[\\/]yaml[\\/]dist[\\/]parse[\\/]parser\.js$/ }, async (args) => {
      const text = await fs.promises.readFile(args.path, 'utf8');
      const contents = text.replace('if (node_process.env.LOG_TOKENS)', 'if (false)');
      if (contents === text) throw new Error(`${args.path}: the LOG_TOKENS test was not found; check yaml's parser and update esbuild.mjs`);
      return { contents, loader: 'js' };
    });
  },
};

/**
 * vscode-languageserver-types as CommonJS (its `main`, a UMD build) rather than its ES module build.
 * dockerfile-ast and the LSP libraries `require()` it; bundled from the ES module build, each of them
 * gets a namespace object whose every export is a getter (esbuild's CommonJS interop), and
 * dockerfile-ast reads `Range.create`, `Position.create`… through one for every argument of every
 * instruction it splits (1 % of a warm analysis; more in the CLI, which tells V8 not to inline the
 * getter). From the CommonJS build they read a plain property. One copy of the library either way.
 */
const lspTypesAsCommonJs = {
  name: 'lsp-types-as-commonjs',
  setup(build) {
    const main = createRequire(import.meta.url).resolve('vscode-languageserver-types');
    build.onResolve({ filter: /^vscode-languageserver-types$/ }, () => ({ path: main }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  // dockerfile-ast and the LSP libraries ship UMD builds; prefer their module entry points.
  mainFields: ['module', 'main'],
  define: { __VERSION__: JSON.stringify(JSON.parse(fs.readFileSync('package.json', 'utf8')).version) },
  plugins: [yamlWithoutTokenLog, lspTypesAsCommonJs],
};

const testsOnly = process.argv.includes('--tests-only');
const bench = process.argv.includes('--bench');

const bundles = testsOnly ? [] : [
  { ...common, entryPoints: { extension: 'client/src/extension.ts' }, outdir: 'dist', external: ['vscode'] },
  // dist/cli.js is a small loader (cli/src/cli-loader.ts) that runs the CLI's bundle, dist/cli-main.js,
  // with the V8 code cache made below.
  { ...common, entryPoints: { server: 'server/src/server.ts', 'cli-main': 'cli/src/cli.ts', cli: 'cli/src/cli-loader.ts' }, outdir: 'dist' },
];

function testEntries() {
  const out = {};
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name === 'fixtures' || e.name === 'vscode') continue;
        walk(p);
      } else if (e.name.endsWith('.test.ts')) out[p.slice('test/'.length, -3)] = p;
    }
  };
  walk('test');
  return out;
}

if (tests || testsOnly) {
  bundles.push({ ...common, sourcemap: 'inline', minify: false, entryPoints: testEntries(), outdir: testOut });
  // The real-VS-Code suite runs inside the extension host, where `vscode` is provided.
  bundles.push({ ...common, sourcemap: false, minify: false, entryPoints: { 'gen-docs': 'scripts/gen-docs.ts' }, outdir: 'out/scripts' });
  if (fs.existsSync('test/vscode/suite/index.ts')) {
    bundles.push({ ...common, sourcemap: 'inline', minify: false, entryPoints: { 'vscode/index': 'test/vscode/suite/index.ts' }, outdir: testOut, external: ['vscode'], logOverride: { 'require-resolve-not-external': 'silent' } });
  }
}

if (bench) {
  // Peers are loaded from node_modules at run time, as their users would run them.
  bundles.push({ ...common, sourcemap: false, minify: false, entryPoints: { bench: 'bench/bench.ts', 'bare-pass': 'bench/bare-pass.ts', 'profile-compose': 'bench/profile-compose.ts' }, outdir: 'out/bench', external: ['dockerfile-utils', 'dclint'] });
}

const CODE_CACHE = 'dist/cli-main.cache';

/** Every file under a folder. */
function filesUnder(dir) {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath ?? e.path, e.name));
}

/**
 * Makes dist/cli-main.cache (cli/src/code-cache.ts): runs the CLI over the test fixtures in a
 * process of its own and saves the bytecode it compiled. The fixtures' compose files are mostly not
 * named like compose files, so they are passed one by one. Without the fixtures (a copy of dist
 * built elsewhere) there is no cache, and the CLI compiles its bundle as it loads.
 */
async function makeCliCodeCache() {
  const fixtures = 'test/fixtures';
  if (!fs.existsSync(fixtures)) return;
  const trainer = 'out/scripts/cli-code-cache.js';
  await esbuild.build({ ...common, sourcemap: false, minify: false, entryPoints: ['scripts/cli-code-cache.ts'], outfile: trainer });
  const yamlFiles = filesUnder(fixtures).filter((f) => /\.ya?ml$/i.test(f));
  const { execFileSync } = await import('node:child_process');
  // V8's default flags in the trainer: V8 rejects a cache made under other flags.
  try {
    execFileSync(process.execPath, [trainer, 'dist', fixtures, ...yamlFiles], { stdio: ['ignore', 'inherit', 'inherit'] });
  } catch (e) {
    throw new Error(`${trainer} failed (exit code ${e.status ?? e.signal}): no ${CODE_CACHE}`);
  }
}

if (watch) {
  // A rebuilt bundle makes the cache stale (the loader would ignore it): none while watching.
  if (!testsOnly) fs.rmSync(CODE_CACHE, { force: true });
  for (const b of bundles) (await esbuild.context(b)).watch();
  console.log('esbuild: watching…');
} else {
  if (!testsOnly) fs.rmSync(CODE_CACHE, { force: true });
  await Promise.all(bundles.map((b) => esbuild.build(b)));
  if (!testsOnly) await makeCliCodeCache();
}
