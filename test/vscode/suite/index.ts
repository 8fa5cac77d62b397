/**
 * Entry point of the real-VS-Code suite (layer 3): VS Code's extension host calls `run()` with the
 * real `vscode` API, after the runner (test/vscode/run-code-server.mjs or run-electron.mjs) opened a
 * temporary copy of examples/ as the workspace.
 *
 * esbuild bundles this file, the test files and mocha into out/test/vscode/index.js, so the test
 * files are not on disk next to it for `mocha.addFile()`: they are added the way `addFile` +
 * `loadFiles` would add them (mocha's pre-require / require / post-require events around loading
 * the module), which registers their describe/it on this Mocha instance.
 *
 * Output: mocha's spec reporter, through `say` (the extension host's console, and the file named by
 * DG_VSCODE_OUTPUT). When DG_VSCODE_RESULTS names a file, the counts are written there as JSON
 * ({ passed, failed, pending, failures, durationMs }) for the runner's `vscode: N passed, N failed`.
 */
import * as fs from 'node:fs';
import Mocha from 'mocha';
import { say } from './output';

/** The test files, in order. Each entry loads (and thereby registers) one file. */
const TEST_FILES: [name: string, load: () => unknown][] = [
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  ['extension.test.ts', () => require('./extension.test')],
];

export interface SuiteResults {
  passed: number;
  failed: number;
  pending: number;
  failures: { title: string; error: string }[];
  durationMs: number;
}

export function run(): Promise<void> {
  Mocha.reporters.Base.consoleLog = say;
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: process.env.DG_VSCODE_COLOR === '1',
    // Each test polls with its own (shorter) deadlines and names what it waited for.
    timeout: 90_000,
    slow: 10_000,
  });
  for (const [name, load] of TEST_FILES) {
    mocha.suite.emit('pre-require', globalThis, name, mocha);
    mocha.suite.emit('require', load(), name, mocha);
    mocha.suite.emit('post-require', globalThis, name, mocha);
  }

  return new Promise<void>((resolve, reject) => {
    const started = Date.now();
    const failures: SuiteResults['failures'] = [];
    let runner: Mocha.Runner;
    try {
      runner = mocha.run((failed) => {
        const stats = runner.stats;
        const results: SuiteResults = {
          passed: stats?.passes ?? 0,
          failed,
          pending: stats?.pending ?? 0,
          failures,
          durationMs: Date.now() - started,
        };
        if (process.env.DG_VSCODE_RESULTS) {
          try {
            fs.writeFileSync(process.env.DG_VSCODE_RESULTS, JSON.stringify(results));
          } catch (e) {
            console.error(`could not write ${process.env.DG_VSCODE_RESULTS}: ${(e as Error).message}`);
          }
        }
        if (failed > 0) reject(new Error(`${failed} of ${results.passed + failed} tests failed.`));
        else resolve();
      });
      runner.on('fail', (test, err: Error) => failures.push({ title: test.fullTitle(), error: String(err?.message ?? err).split('\n')[0] }));
    } catch (e) {
      console.error(e);
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}
