// Shared by the two real-VS-Code runners (run-code-server.mjs, run-electron.mjs).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const EXAMPLES = path.join(ROOT, 'examples');
/** The bundled suite (DG_VSCODE_SUITE: another bundle, inside the project). */
export const SUITE = path.resolve(ROOT, process.env.DG_VSCODE_SUITE ?? 'out/test/vscode/index.js');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts');

export function log(message) {
  process.stdout.write(`[vscode-tests] ${message}\n`);
}

/** Fails early, with the command to run, when the bundles the suite needs are missing. */
export function checkBuilt() {
  for (const f of [path.join(ROOT, 'dist/extension.js'), path.join(ROOT, 'dist/server.js'), SUITE]) {
    if (!fs.existsSync(f)) throw new Error(`${path.relative(ROOT, f)} is missing: run \`node esbuild.mjs --tests\` first (or \`npm run test:vscode\`)`);
  }
}

/**
 * A temporary folder with a copy of examples/ as `workspace/examples` (the folder VS Code opens, a git repository's
 * root), so the suite can never modify the project's examples/.
 */
export function makeTempWorkspace(prefix) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const workspace = path.join(tmp, 'examples');
  fs.cpSync(EXAMPLES, workspace, { recursive: true });
  // The copy is the root of a git repository, as examples/ is inside the project's: the rules about what git would commit
  // (DR001, DR002, DR004) judge nothing outside a repository (review 48a, finding 2). An empty `.git` folder is enough
  // for the extension (nothing is tracked, no ignore file but the workspace's own).
  fs.mkdirSync(path.join(workspace, '.git'));
  const handshake = path.join(tmp, 'handshake');
  fs.mkdirSync(handshake);
  return { tmp, workspace, handshake, results: path.join(tmp, 'results.json'), output: path.join(tmp, 'output.log') };
}

export function removeTemp(tmp) {
  if (process.env.DG_VSCODE_KEEP_TMP === '1') {
    log(`kept ${tmp} (DG_VSCODE_KEEP_TMP=1)`);
    return;
  }
  try {
    fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  } catch (e) {
    log(`could not remove ${tmp}: ${e.message}`);
  }
}

/** The suite's results: from its results file, else from mocha's summary in its captured output. */
export function readResults(resultsFile, output = '') {
  try {
    return JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  } catch {
    /* fall back to the output */
  }
  // eslint-disable-next-line no-control-regex
  output = output.replace(/\x1b\[[0-9;]*m/g, '');
  const passing = /^\s*(\d+) passing/m.exec(output);
  if (!passing) return undefined;
  const failing = /^\s*(\d+) failing/m.exec(output);
  return { passed: Number(passing[1]), failed: failing ? Number(failing[1]) : 0 };
}

/**
 * The last line of every run, read by CI: `vscode: N passed, N failed`. A run that failed without
 * results from the suite (crash, timeout, no VS Code) counts as one failure.
 */
export function printSummary(results, exitCode) {
  const passed = results?.passed ?? 0;
  let failed = results?.failed ?? 0;
  if (exitCode !== 0 && failed === 0) failed = 1;
  process.stdout.write(`vscode: ${passed} passed, ${failed} failed\n`);
}

/** Rejects after `ms` with a message naming what was awaited (`what`: a string, or a function giving it then). */
export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${Math.round(ms / 1000)} s: ${typeof what === 'function' ? what() : what}`)), ms);
      timer.unref?.();
    }),
  ]).finally(() => clearTimeout(timer));
}
