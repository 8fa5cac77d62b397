#!/usr/bin/env node
// Runs the real-VS-Code suite (out/test/vscode/index.js) in code-server, driven by headless Chromium.
//
//   node esbuild.mjs --tests && node test/vscode/run-code-server.mjs      (= npm run test:vscode)
//
// 1. Installs code-server 4.100.3 (= VS Code 1.100.3) into a cache outside the project, unless cached
//    (scripts/install-code-server.sh; needs apt for libkrb5-dev, ripgrep, chromium the first time).
// 2. Copies examples/ to a temporary folder and starts code-server on a free 127.0.0.1 port with a
//    fresh user-data-dir and extensions-dir.
// 3. Opens the copy in Chromium (playwright-core, /usr/bin/chromium) with the `payload` query
//    parameter that loads this extension from the checkout and runs the suite in the extension host.
// 4. Prints the suite's output (mocha's spec reporter) as it comes: the suite writes it to the
//    extension host's console, which the web workbench mixes into its own log (kept, and printed on
//    failure or with DG_VSCODE_VERBOSE=1), and to a file this runner tails. When the suite asks for
//    it, opens the Problems panel (Ctrl+Shift+M) and saves test-artifacts/problems-panel.png (and
//    workbench.png, the whole window); the workbench's logs go to test-artifacts/vscode-logs/.
// 5. Receives the exit code through window.codeAutomationExit, closes everything, prints
//    `vscode: N passed, N failed` and exits with the suite's exit code.
//
// Env: DG_VSCODE_TIMEOUT_MS (the run after the install, default 300000), DG_VSCODE_INSTALL_TIMEOUT_MS
//      (default 600000), DG_VSCODE_START_TIMEOUT_MS (until the suite's first output, default 90000),
//      DG_VSCODE_VERBOSE=1 (also print code-server's and the workbench's own logs),
//      DG_VSCODE_KEEP_TMP=1, CODE_SERVER_CACHE / SKIP_APT=1 (see scripts/install-code-server.sh),
//      CHROMIUM_PATH (default /usr/bin/chromium), DG_VSCODE_SUITE (another suite bundle in the project).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { format } from 'node:util';
import { ARTIFACTS, ROOT, SUITE, checkBuilt, log, makeTempWorkspace, printSummary, readResults, removeTemp, withTimeout } from './common.mjs';

const CODE_SERVER_VERSION = '4.100.3';
const RUN_TIMEOUT = Number(process.env.DG_VSCODE_TIMEOUT_MS ?? 300_000);
const START_TIMEOUT = Number(process.env.DG_VSCODE_START_TIMEOUT_MS ?? 90_000);
const INSTALL_TIMEOUT = Number(process.env.DG_VSCODE_INSTALL_TIMEOUT_MS ?? 600_000);
const VERBOSE = process.env.DG_VSCODE_VERBOSE === '1';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];

/** Everything that needs closing, for the normal end and for the overall timeout alike. */
const state = { server: undefined, serverExited: undefined, browser: undefined, page: undefined, temp: undefined, phase: 'starting' };
/** The suite's output as received. */
let suiteOutput = '';
/**
 * The workbench's console (its own log, and in extension-test mode the extension host's console too)
 * and code-server's output: printed on failure, or as they come with DG_VSCODE_VERBOSE=1.
 */
const workbenchLog = [];
const serverLog = [];

function phase(p) {
  state.phase = p;
  if (VERBOSE) log(p);
}

function tail(lines, n) {
  return lines.slice(-n).join('\n');
}

// ---- install --------------------------------------------------------------------------------------

async function install() {
  phase(`installing code-server ${CODE_SERVER_VERSION} (or finding it in the cache)`);
  const started = Date.now();
  const child = spawn('bash', [path.join(ROOT, 'scripts/install-code-server.sh'), CODE_SERVER_VERSION], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => process.stderr.write(d));
  const code = await withTimeout(
    new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (c, s) => resolve(c ?? s));
    }),
    INSTALL_TIMEOUT,
    'installing code-server (scripts/install-code-server.sh)',
  ).catch((e) => {
    child.kill('SIGKILL');
    throw e;
  });
  if (code !== 0) throw new Error(`scripts/install-code-server.sh failed (exit ${code}); see its output above`);
  const dir = out.trim().split('\n').pop();
  const entry = path.join(dir, 'node_modules/code-server/out/node/entry.js');
  if (!fs.existsSync(entry)) throw new Error(`code-server entry point missing after install: ${entry}`);
  log(`code-server ${CODE_SERVER_VERSION}: ${dir} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return entry;
}

// ---- code-server --------------------------------------------------------------------------------

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function httpStatus(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/** The environment with the XDG folders in the temporary folder: code-server and Chromium write state there, not in ~. */
function isolatedEnv(temp) {
  const env = { ...process.env };
  for (const [name, dir] of [
    ['XDG_CONFIG_HOME', 'config'],
    ['XDG_DATA_HOME', 'data'],
    ['XDG_CACHE_HOME', 'cache'],
    ['XDG_STATE_HOME', 'state'],
  ]) {
    env[name] = path.join(temp.tmp, 'xdg', dir);
    fs.mkdirSync(env[name], { recursive: true });
  }
  return env;
}

async function startCodeServer(entry, temp) {
  const userData = path.join(temp.tmp, 'user-data');
  const extensions = path.join(temp.tmp, 'extensions');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.mkdirSync(extensions);
  fs.writeFileSync(
    path.join(userData, 'User/settings.json'),
    JSON.stringify(
      {
        'security.workspace.trust.enabled': false,
        'workbench.startupEditor': 'none',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'git.enabled': false,
        'window.restoreWindows': 'none',
        // code-server saves edits after a delay by default (VS Code does not): the suite's edits stay unsaved, as in VS Code.
        'files.autoSave': 'off',
      },
      null,
      2,
    ),
  );
  const port = await freePort();
  phase(`starting code-server on 127.0.0.1:${port}`);
  const args = [entry, '--config', path.join(temp.tmp, 'code-server.yaml'), '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--user-data-dir', userData, '--extensions-dir', extensions, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', temp.workspace];
  const server = spawn(process.execPath, args, {
    cwd: temp.tmp,
    // The suite reads these in the extension host (a child of this server, with its environment).
    env: {
      ...isolatedEnv(temp),
      DG_VSCODE_HANDSHAKE: temp.handshake,
      DG_VSCODE_RESULTS: temp.results,
      DG_VSCODE_OUTPUT: temp.output,
      DG_VSCODE_COLOR: process.stdout.isTTY ? '1' : '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: the extension host and the language server end with it
  });
  state.server = server;
  state.serverExited = new Promise((resolve) => server.on('exit', (code, signal) => resolve({ code, signal })));
  for (const stream of [server.stdout, server.stderr]) {
    let buf = '';
    stream.on('data', (d) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const l of lines) {
        if (!l.trim()) continue;
        serverLog.push(l);
        if (VERBOSE) process.stdout.write(`[code-server] ${l}\n`);
      }
    });
  }

  phase(`waiting for code-server to answer on http://127.0.0.1:${port}/healthz`);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null || server.signalCode) throw new Error(`code-server exited (${server.exitCode ?? server.signalCode}) before answering:\n${tail(serverLog, 30)}`);
    if ((await httpStatus(`http://127.0.0.1:${port}/healthz`)) === 200) break;
    if (Date.now() > deadline) throw new Error(`code-server did not answer on 127.0.0.1:${port} within 60 s:\n${tail(serverLog, 30)}`);
    await sleep(200);
  }
  return port;
}

async function stopCodeServer() {
  const server = state.server;
  if (!server || server.exitCode !== null || server.signalCode) return;
  const kill = (sig) => {
    try {
      process.kill(-server.pid, sig); // the whole group: server, extension host, language server
    } catch {
      try {
        server.kill(sig);
      } catch {
        /* gone */
      }
    }
  };
  kill('SIGTERM');
  const exited = await withTimeout(state.serverExited, 5_000, 'code-server to exit').then(
    () => true,
    () => false,
  );
  if (!exited) {
    log('code-server did not exit on SIGTERM within 5 s: SIGKILL');
    kill('SIGKILL');
  }
}

// ---- the workbench ---------------------------------------------------------------------------------

/** The text of a console message, formatted like Node's console would (VS Code's logger styles its level with %c). */
async function consoleText(msg) {
  let parts;
  try {
    parts = await Promise.all(msg.args().map((a) => a.jsonValue().catch(() => '[unserializable]')));
  } catch {
    return msg.text();
  }
  if (parts.length === 0) return msg.text();
  // The workbench's console logger: console.log('%c INFO', 'color: …', message, ...args).
  if (typeof parts[0] === 'string' && /^%c\s*\S+$/.test(parts[0]) && parts.length >= 3) {
    return `${parts[0].slice(2).trim()} ${format(...parts.slice(2))}`;
  }
  return format(...parts);
}

/** The suite's output file (see test/vscode/suite/output.ts), printed as it grows. */
function tailOutput(file) {
  let offset = 0;
  let stopped = false;
  const pump = () => {
    let fd;
    try {
      fd = fs.openSync(file, 'r');
    } catch {
      return; // not written yet
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size > offset) {
        const buf = Buffer.alloc(size - offset);
        fs.readSync(fd, buf, 0, buf.length, offset);
        offset = size;
        const text = buf.toString('utf8');
        suiteOutput += text;
        process.stdout.write(text);
      }
    } finally {
      fs.closeSync(fd);
    }
  };
  const loop = (async () => {
    while (!stopped) {
      pump();
      await sleep(100);
    }
    pump();
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}

/** Runs a command through the command palette (F1), by its label. */
async function runCommand(page, label) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 5_000 });
  await input.fill(`>${label}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().waitFor({ state: 'visible', timeout: 5_000 });
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 5_000 });
}

const ROW_HEIGHT = 22; // the Problems panel's tree rows
const MAX_WINDOW_HEIGHT = 3000; // the tallest window for the Problems panel screenshot

/**
 * Opens the Problems panel with its keyboard shortcut (the command palette as a fallback), checks it
 * lists our findings and saves test-artifacts/problems-panel.png (the panel) and workbench.png.
 * `request` is what the suite saw: { files, markers, summary }.
 */
async function screenshotProblems(page, request) {
  const panel = page.locator('.markers-panel');
  await page.keyboard.press('Control+Shift+M');
  const shown = await panel.waitFor({ state: 'visible', timeout: 3_000 }).then(
    () => true,
    () => false,
  );
  if (!shown) {
    log('Ctrl+Shift+M did not show the Problems panel; using the command palette (View: Focus Problems)');
    await runCommand(page, 'View: Focus Problems');
    await panel.waitFor({ state: 'visible', timeout: 10_000 });
  }
  await panel.locator('.monaco-list-row', { hasText: 'docker-guardrails' }).first().waitFor({ state: 'visible', timeout: 10_000 });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'workbench.png'), timeout: 10_000 });

  // More rows than the panel shows: maximize it and make the window taller (up to a bound), so the
  // picture holds every finding.
  // (The badge counts every marker: another source may add a few to ours.)
  const badge = page.locator('.part.panel .composite-bar .badge-content').first();
  const badgeCount = async () => Number((await badge.innerText({ timeout: 1_000 }).catch(() => '')).replace(/\D/g, ''));
  const badgeNow = await badgeCount();
  const rows = (request.files ?? 0) + Math.max(request.markers ?? 0, Number.isFinite(badgeNow) ? badgeNow : 0) + 1;
  const listBox = () => panel.locator('.monaco-list').first().boundingBox();
  let box = await listBox();
  if (box && rows * ROW_HEIGHT > box.height) {
    const viewport = page.viewportSize();
    await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, Math.min(MAX_WINDOW_HEIGHT, rows * ROW_HEIGHT + 160)) });
    await runCommand(page, 'View: Toggle Maximized Panel');
    await panel.waitFor({ state: 'visible', timeout: 5_000 });
    box = await listBox();
  }
  const complete = !!box && rows * ROW_HEIGHT <= box.height + 2;

  // Wait until the panel shows what the suite saw: the number of findings on the Problems tab, and
  // (when every row fits) every rule code and file.
  const expected = complete ? [...(request.codes ?? []), 'compose.yaml', 'Dockerfile'] : ['docker-guardrails'];
  const deadline = Date.now() + 20_000;
  let text = '';
  let count = NaN;
  for (;;) {
    text = await panel.innerText().catch(() => '');
    count = await badgeCount();
    const missing = expected.filter((c) => !text.includes(c));
    if (missing.length === 0 && count >= request.markers) break;
    if (Date.now() > deadline) {
      throw new Error(
        `the Problems panel did not show what the suite saw within 20 s: Problems badge ${count} (suite: ${request.markers} findings)` +
          (missing.length ? `, not listed: ${missing.join(', ')}` : '') +
          `; the panel shows: ${JSON.stringify(text.slice(0, 300))}`,
      );
    }
    await sleep(200);
  }
  if (!complete) log(`the Problems panel shows part of the ${request.markers} findings (more rows than fit ${MAX_WINDOW_HEIGHT} px)`);
  const shot = path.join(ARTIFACTS, 'problems-panel.png');
  // The panel, cut below the last row when it has room to spare (a maximized panel).
  const part = await page.locator('.part.panel').boundingBox();
  const list = await panel.locator('.monaco-list').first().boundingBox();
  if (part && list) {
    const height = Math.min(part.height, list.y - part.y + rows * ROW_HEIGHT + 12);
    await page.screenshot({ path: shot, clip: { x: part.x, y: part.y, width: part.width, height }, timeout: 10_000 });
  } else {
    await page.locator('.part.panel').screenshot({ path: shot, timeout: 10_000 });
  }
  log(`screenshot: ${path.relative(ROOT, shot)} (${request.markers} findings in ${request.files} files; the whole window: test-artifacts/workbench.png)`);
}

let logsSaved = false;
function saveLogs(logs) {
  if (!Array.isArray(logs)) return;
  logsSaved = true;
  const dir = path.join(ARTIFACTS, 'vscode-logs');
  fs.rmSync(dir, { recursive: true, force: true });
  for (const { relativePath, contents } of logs) {
    if (typeof relativePath !== 'string' || relativePath.includes('..')) continue;
    const p = path.join(dir, relativePath);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, contents ?? '');
  }
}

async function runSuite(entry) {
  const temp = makeTempWorkspace('docker-guardrails-vscode-');
  state.temp = temp;
  const port = await startCodeServer(entry, temp);
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(ROOT)],
    ['extensionTestsPath', remote(SUITE)],
  ];
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(temp.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

  phase(`launching ${CHROMIUM} (headless)`);
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`);
  const { chromium } = await import('playwright-core');
  state.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, env: isolatedEnv(temp), timeout: 30_000 });
  const page = await state.browser.newPage({ viewport: { width: 1280, height: 860 } });
  state.page = page;

  let resolveExit;
  const exited = new Promise((resolve) => (resolveExit = resolve));
  await page.exposeFunction('codeAutomationExit', (code, logs) => {
    try {
      saveLogs(logs);
    } catch (e) {
      log(`could not save the workbench's logs: ${e.message}`);
    }
    resolveExit({ code: Number(code) });
  });
  page.on('console', (msg) => {
    void consoleText(msg).then((text) => {
      workbenchLog.push(`[workbench] ${text}`);
      if (VERBOSE) process.stdout.write(`[workbench] ${text}\n`);
    });
  });
  page.on('pageerror', (err) => workbenchLog.push(`[workbench pageerror] ${err.message}`));
  const crashed = new Promise((resolve) => page.on('crash', () => resolve({ error: 'the workbench page crashed' })));
  const serverGone = state.serverExited.then((r) => ({ error: `code-server exited (${r.code ?? r.signal}) during the run:\n${tail(serverLog, 30)}` }));

  phase('loading the workbench');
  log(`workspace: ${temp.workspace}`);
  const started = Date.now();
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });

  // The suite asks for the Problems panel screenshot while its extension host still runs.
  phase('running the suite');
  let screenshotDone = false;
  const screenshotLoop = (async () => {
    const request = path.join(temp.handshake, 'screenshot.request');
    const done = path.join(temp.handshake, 'screenshot.done');
    while (!screenshotDone) {
      if (fs.existsSync(request)) {
        let answer = 'ok';
        try {
          await screenshotProblems(page, JSON.parse(fs.readFileSync(request, 'utf8')));
        } catch (e) {
          answer = `screenshot failed: ${e.message.split('\n')[0]}`;
          log(answer);
        }
        fs.writeFileSync(done, answer);
        return answer === 'ok';
      }
      await sleep(100);
    }
    return false;
  })();

  // The suite's first output line comes from mocha's start: without it, the suite never ran.
  const neverStarted = (async () => {
    const deadline = started + START_TIMEOUT;
    while (!screenshotDone && !fs.existsSync(temp.output)) {
      if (Date.now() > deadline) {
        return {
          error:
            `the suite did not start within ${START_TIMEOUT / 1000} s of opening the workbench ` +
            '(extension host not started, extension or out/test/vscode/index.js failed to load?)',
        };
      }
      await sleep(250);
    }
    return new Promise(() => {}); // started (or over): never decides the race
  })();

  const stopTail = tailOutput(temp.output);
  let outcome;
  try {
    outcome = await Promise.race([exited, crashed, serverGone, neverStarted]);
  } finally {
    screenshotDone = true;
    await stopTail();
  }
  const shotOk = await screenshotLoop;
  log(`suite finished in ${((Date.now() - started) / 1000).toFixed(1)} s after page.goto`);
  if (outcome.error) throw new Error(outcome.error);
  const results = readResults(temp.results, suiteOutput);
  let code = outcome.code;
  if (code !== 0 && !results) {
    log(`the workbench ended the test run with exit code ${code} and the suite reported no results (it failed to load or to start?)`);
    printWorkbenchLog();
  }
  if (code === 0 && !shotOk) {
    log('the suite passed but never asked for (or did not get) the Problems panel screenshot');
    code = 1;
  }
  return { code, results };
}

/** The workbench's errors (where a suite that failed to load shows up) and its last messages. */
function printWorkbenchLog() {
  if (VERBOSE || workbenchLog.length === 0) return;
  const short = (l) => l.split('\n').slice(0, 4).join('\n');
  // (Harmless here: the extension gallery is unreachable, a few static resources 404.)
  const noise = /ENOTFOUND|ERR_NAME_NOT_RESOLVED|status of 404/;
  const errors = workbenchLog.filter((l) => /\bERR\b|error/i.test(l) && !noise.test(l));
  if (errors.length) process.stdout.write(`--- workbench errors ---\n${tail(errors.map(short), 10)}\n`);
  process.stdout.write(`--- last workbench console messages ---\n${tail(workbenchLog.filter((l) => !noise.test(l)).map(short), 10)}\n`);
}

// ---- main ----------------------------------------------------------------------------------------

async function cleanup() {
  const steps = [
    ['closing the page', () => state.page?.close()],
    ['closing Chromium', () => state.browser?.close()],
    ['stopping code-server', () => stopCodeServer()],
  ];
  for (const [what, fn] of steps) {
    try {
      await withTimeout(Promise.resolve(fn()), 10_000, what);
    } catch (e) {
      log(`${what}: ${e.message}`);
    }
  }
  // (A Chromium that did not close is killed by playwright-core's exit handler at process.exit.)
  if (state.temp) removeTemp(state.temp.tmp);
}

async function main() {
  const t0 = Date.now();
  let exitCode = 1;
  let results;
  try {
    checkBuilt();
    const entry = await install();
    const run = runSuite(entry);
    ({ code: exitCode, results } = await withTimeout(run, RUN_TIMEOUT, () => `the whole run (DG_VSCODE_TIMEOUT_MS=${RUN_TIMEOUT}), while ${state.phase}`));
  } catch (e) {
    exitCode = 1;
    results = state.temp ? readResults(state.temp.results, suiteOutput) : undefined;
    log(`FAILED: ${e.message}`);
    printWorkbenchLog();
    if (serverLog.length && !VERBOSE) process.stdout.write(`--- last code-server output ---\n${tail(serverLog, 25)}\n`);
  }
  await cleanup();
  if (exitCode !== 0 && logsSaved) log('the workbench\'s logs (extension host, server) are in test-artifacts/vscode-logs/');
  log(`exit code ${exitCode}, ${((Date.now() - t0) / 1000).toFixed(1)} s in all`);
  printSummary(results, exitCode);
  process.exit(exitCode);
}

await main();
