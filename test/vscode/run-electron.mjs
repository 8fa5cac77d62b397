#!/usr/bin/env node
// Runs the real-VS-Code suite (out/test/vscode/index.js) in desktop VS Code via @vscode/test-electron,
// for machines that can download VS Code (or have one: VSCODE_EXECUTABLE=/path/to/code).
//
//   node esbuild.mjs --tests && node test/vscode/run-electron.mjs      (= npm run test:vscode:electron)
//
// The workspace is a temporary copy of examples/. Where VS Code cannot be downloaded (no route to
// update.code.visualstudio.com) this fails within about a minute with a message saying so; use
// `npm run test:vscode` (code-server) there.
//
// Env: VSCODE_EXECUTABLE (skip the download), VSCODE_VERSION (default 'stable'),
//      DG_VSCODE_TIMEOUT_MS (whole run, default 300000), DG_VSCODE_DOWNLOAD_TIMEOUT_MS (default 60000),
//      DG_VSCODE_KEEP_TMP=1.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, SUITE, checkBuilt, log, makeTempWorkspace, printSummary, readResults, removeTemp, withTimeout } from './common.mjs';

const RUN_TIMEOUT = Number(process.env.DG_VSCODE_TIMEOUT_MS ?? 300_000);
const DOWNLOAD_TIMEOUT = Number(process.env.DG_VSCODE_DOWNLOAD_TIMEOUT_MS ?? 60_000);

async function main() {
  const t0 = Date.now();
  let exitCode = 1;
  let results;
  let temp;
  let phase = 'starting';
  try {
    checkBuilt();
    const { downloadAndUnzipVSCode, runTests } = await import('@vscode/test-electron');
    let vscodeExecutablePath = process.env.VSCODE_EXECUTABLE;
    if (vscodeExecutablePath) {
      if (!fs.existsSync(vscodeExecutablePath)) throw new Error(`VSCODE_EXECUTABLE=${vscodeExecutablePath} does not exist`);
    } else {
      // Downloaded separately (and bounded) so that an unreachable download fails here, clearly.
      phase = 'downloading VS Code';
      const version = process.env.VSCODE_VERSION ?? 'stable';
      log(`downloading VS Code ${version} into .vscode-test/ (unless cached)…`);
      try {
        vscodeExecutablePath = await withTimeout(
          downloadAndUnzipVSCode({ version, cachePath: path.join(ROOT, '.vscode-test'), timeout: 15_000 }),
          DOWNLOAD_TIMEOUT,
          'downloading VS Code (DG_VSCODE_DOWNLOAD_TIMEOUT_MS)',
        );
      } catch (e) {
        throw new Error(
          `could not download VS Code: ${e.message}\n` +
            '  This machine cannot reach update.code.visualstudio.com. Run the suite in code-server instead:\n' +
            '    npm run test:vscode\n' +
            '  or point VSCODE_EXECUTABLE at an installed VS Code binary.',
        );
      }
    }

    temp = makeTempWorkspace('docker-guardrails-vscode-electron-');
    log(`workspace: ${temp.workspace}`);
    phase = 'running the suite';
    exitCode = await withTimeout(
      runTests({
        vscodeExecutablePath,
        extensionDevelopmentPath: ROOT,
        extensionTestsPath: SUITE,
        extensionTestsEnv: { DG_VSCODE_RESULTS: temp.results },
        launchArgs: [
          temp.workspace,
          '--disable-extensions',
          '--disable-workspace-trust',
          '--skip-welcome',
          '--skip-release-notes',
          `--user-data-dir=${path.join(temp.tmp, 'user-data')}`,
          `--extensions-dir=${path.join(temp.tmp, 'extensions')}`,
        ],
      }),
      RUN_TIMEOUT,
      `the suite run in VS Code (DG_VSCODE_TIMEOUT_MS=${RUN_TIMEOUT})`,
    );
    results = readResults(temp.results);
  } catch (e) {
    exitCode = 1;
    results = temp ? readResults(temp.results) : undefined;
    log(`FAILED while ${phase}: ${e.message}`);
  }
  if (temp) removeTemp(temp.tmp);
  log(`exit code ${exitCode}, ${((Date.now() - t0) / 1000).toFixed(1)} s in all`);
  printSummary(results, exitCode);
  // Pending sockets of a failed download must not keep the process alive.
  process.exit(exitCode);
}

await main();
