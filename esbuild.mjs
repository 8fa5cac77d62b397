// Builds the three bundles (client, server, CLI) and, with --tests, the test files.
//   node esbuild.mjs [--production] [--watch] [--tests]
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

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
  plugins: [yamlWithoutTokenLog],
};

const testsOnly = process.argv.includes('--tests-only');
const bench = process.argv.includes('--bench');

const bundles = testsOnly ? [] : [
  { ...common, entryPoints: { extension: 'client/src/extension.ts' }, outdir: 'dist', external: ['vscode'] },
  { ...common, entryPoints: { server: 'server/src/server.ts', cli: 'cli/src/cli.ts' }, outdir: 'dist' },
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
  bundles.push({ ...common, sourcemap: false, minify: false, entryPoints: { bench: 'bench/bench.ts', 'bare-pass': 'bench/bare-pass.ts' }, outdir: 'out/bench', external: ['dockerfile-utils', 'dclint'] });
}

if (watch) {
  for (const b of bundles) (await esbuild.context(b)).watch();
  console.log('esbuild: watching…');
} else {
  await Promise.all(bundles.map((b) => esbuild.build(b)));
}
