/**
 * `npm run bench`: measures Docker Guardrails against the parse floor and the peers on the shared
 * corpus, and writes bench/results/latest.{md,json}. Not a test: it prints pass/fail per target.
 *
 *   node out/bench/bench.js [--corpus DIR] [--runs 3] [--quick]
 *     --quick   skip the slow peer CLIs (dclint takes about a minute over the compose corpus)
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { LineCounter, parseDocument } from 'yaml';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';
import { allRules, analyze, DEFAULT_CONFIG, fileKindOf, type FileKind } from '../rules';
import { DiskWorkspace } from '../rules/node/files';

const ROOT = path.resolve(__dirname, '../..');
const argv = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = argv.indexOf(name);
  return i === -1 ? dflt : argv[i + 1];
};
const CORPUS = path.resolve(arg('--corpus', path.join(ROOT, '../shared/corpus')));
const RUNS = Number(arg('--runs', '3'));
const QUICK = argv.includes('--quick');
const DCLINT_BIN = path.join(ROOT, 'node_modules/dclint/bin/dclint.cjs');

interface Input {
  path: string;
  kind: FileKind;
  text: string;
  lines: number;
}

function load(dir: string, kind: FileKind): Input[] {
  return fs
    .readdirSync(dir)
    .sort()
    .map((f) => {
      const p = path.join(dir, f);
      const text = fs.readFileSync(p, 'utf8');
      return { path: p, kind, text, lines: text.split('\n').length };
    });
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

interface PassStats {
  total: number;
  median: number;
  p99: number;
}

/** One timed pass over the inputs: µs per file, in input order; the whole pass in ms. */
function pass(inputs: Input[], fn: (i: Input) => void): { times: number[]; total: number } {
  const times: number[] = [];
  const t0 = process.hrtime.bigint();
  for (const input of inputs) {
    const t = process.hrtime.bigint();
    fn(input);
    times.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  return { times, total: Number(process.hrtime.bigint() - t0) / 1e6 };
}

/**
 * Runs a pass RUNS times after a warm-up. Each file's time is the median of its RUNS times (a
 * garbage-collection pause or a neighbour's burst lands on one file in one pass; taking each file's
 * median keeps the p99 about files, not about pauses — the whole-pass total, which includes every
 * pause, is reported as the median of the passes).
 */
function measure(inputs: Input[], fn: (i: Input) => void): PassStats {
  pass(inputs, fn);
  const runs = Array.from({ length: RUNS }, () => pass(inputs, fn));
  const perFile = inputs.map((_, i) => median(runs.map((r) => r.times[i]))).sort((a, b) => a - b);
  return { total: median(runs.map((r) => r.total)), median: quantile(perFile, 0.5), p99: quantile(perFile, 0.99) };
}

const parseDockerfile = (i: Input) => void DockerfileParser.parse(i.text);
const parseYaml = (i: Input) => void parseDocument(i.text, { lineCounter: new LineCounter() });
const workspace = new DiskWorkspace();
const ours = (i: Input) => void analyze(allRules, i.kind, i.path, i.text, workspace, DEFAULT_CONFIG);

// ---- CLI whole-process runs ------------------------------------------------------------------

const PROBE = path.join(os.tmpdir(), `dg-bench-probe-${process.pid}.js`);
fs.writeFileSync(PROBE, `process.on('exit', () => { try { require('fs').writeFileSync(process.env.DG_BENCH_RSS_OUT, String(process.resourceUsage().maxRSS)); } catch {} });\n`);

interface CliRun {
  wallMs: number;
  peakRssMb: number;
  exitCode: number | null;
}

function cliRun(args: string[], cwd = ROOT): CliRun {
  const out = path.join(os.tmpdir(), `dg-bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', PROBE, ...args], { cwd, env: { ...process.env, DG_BENCH_RSS_OUT: out }, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const wallMs = Number(process.hrtime.bigint() - t) / 1e6;
  let rssKb = NaN;
  try {
    rssKb = Number(fs.readFileSync(out, 'utf8'));
    fs.unlinkSync(out);
  } catch {
    /* the process did not finish normally */
  }
  return { wallMs, peakRssMb: rssKb / 1024, exitCode: r.status };
}

function medianRun(n: number, make: () => CliRun): CliRun {
  const runs = Array.from({ length: n }, make);
  return { wallMs: median(runs.map((r) => r.wallMs)), peakRssMb: median(runs.map((r) => r.peakRssMb)), exitCode: runs[0].exitCode };
}

// ---- As you type, over LSP --------------------------------------------------------------------

interface TypingStats {
  medianMs: number;
  p95Ms: number;
  maxMs: number;
}

async function typing(file: Input, edits: number, memoryEdits = 0): Promise<{ typing: TypingStats; rssBeforeMb?: number; rssAfterMb?: number }> {
  const proc = spawn(process.execPath, [path.join(ROOT, 'dist/server.js'), '--stdio'], { stdio: 'pipe' });
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  const waiting = new Map<number, (t: bigint) => void>();
  conn.onNotification('textDocument/publishDiagnostics', (p: { version?: number }) => {
    if (p.version !== undefined) waiting.get(p.version)?.(process.hrtime.bigint());
  });
  conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({})));
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('window/workDoneProgress/create', () => null);
  proc.stderr.on('data', (d: Buffer) => process.stderr.write(d));
  conn.listen();
  if (process.env.DG_BENCH_DEBUG) console.error("typing: initialize", file.path);
  await conn.sendRequest("initialize", { processId: process.pid, rootUri: null, workspaceFolders: [], capabilities: { workspace: { configuration: true } } });
  await conn.sendNotification('initialized', {});
  const uri = URI.file(path.join(os.tmpdir(), file.kind === 'dockerfile' ? 'bench/Dockerfile' : 'bench/compose.yaml')).toString();
  let version = 1;
  const published = (v: number) => new Promise<bigint>((resolve) => waiting.set(v, resolve));
  let p = published(1);
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: file.kind === 'dockerfile' ? 'dockerfile' : 'dockercompose', version, text: file.text } });
  await p;
  if (process.env.DG_BENCH_DEBUG) console.error('typing: opened');
  const lines = file.text.split('\n');
  // Type at the end of a line in the middle of the file: insert a character, then delete it.
  const line = Math.floor(lines.length / 2);
  const col = lines[line].replace(/\r$/, '').length;
  const edit = (k: number) => (k % 2 === 0 ? { range: { start: { line, character: col }, end: { line, character: col } }, text: ' ' } : { range: { start: { line, character: col }, end: { line, character: col + 1 } }, text: '' });
  const times: number[] = [];
  for (let k = 0; k < edits; k++) {
    version++;
    p = published(version);
    const t = process.hrtime.bigint();
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [edit(k)] });
    const at = await p;
    waiting.delete(version);
    times.push(Number(at - t) / 1e6);
    if (process.env.DG_BENCH_DEBUG && k % 50 === 0) console.error('typing: edit', k);
  }
  const rss = () => {
    const status = fs.readFileSync(`/proc/${proc.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
  };
  let rssBeforeMb: number | undefined;
  let rssAfterMb: number | undefined;
  if (memoryEdits > 0) {
    rssBeforeMb = rss();
    for (let k = 0; k < memoryEdits; k++) {
      version++;
      const last = k === memoryEdits - 1;
      if (last) p = published(version);
      await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [edit(k)] });
      // Let the server keep up now and then, as a typist would.
      if (k % 50 === 49) await new Promise((r) => setTimeout(r, 5));
    }
    await p;
    await new Promise((r) => setTimeout(r, 200));
    rssAfterMb = rss();
  }
  proc.kill();
  conn.dispose();
  times.sort((a, b) => a - b);
  return { typing: { medianMs: quantile(times, 0.5), p95Ms: quantile(times, 0.95), maxMs: times[times.length - 1] }, rssBeforeMb, rssAfterMb };
}

// ---- main ---------------------------------------------------------------------------------------

interface Target {
  name: string;
  measured: string;
  goal: string;
  pass: boolean;
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(ROOT, 'dist/server.js'))) throw new Error('run `npm run build` first');
  const dockerfiles = load(path.join(CORPUS, 'dockerfiles'), 'dockerfile');
  const composes = load(path.join(CORPUS, 'compose'), 'compose');
  const largeDir = path.join(CORPUS, 'large');
  const stress = fs
    .readdirSync(largeDir)
    .filter((f) => /\.(?:Dockerfile|ya?ml)$/.test(f))
    .map((f) => {
      const p = path.join(largeDir, f);
      const text = fs.readFileSync(p, 'utf8');
      return { path: p, kind: (fileKindOf(f) ?? 'compose') as FileKind, text, lines: text.split('\n').length };
    });
  console.log(`corpus: ${dockerfiles.length} Dockerfiles, ${composes.length} compose files, ${stress.length} stress files; ${RUNS} runs`);

  const floorDf = measure(dockerfiles, parseDockerfile);
  const floorYaml = measure(composes, parseYaml);
  const oursDf = measure(dockerfiles, ours);
  const oursYaml = measure(composes, ours);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { validate } = require('dockerfile-utils') as { validate(text: string): unknown[] };
  const peerDf = measure(dockerfiles, (i) => void validate(i.text));

  const stressRows = stress.map((s) => {
    const floor = measure([s], s.kind === 'dockerfile' ? parseDockerfile : parseYaml);
    const mine = measure([s], ours);
    return { file: path.basename(s.path), lines: s.lines, floorMs: floor.total, oursMs: mine.total, ratio: mine.total / floor.total };
  });

  console.log('as you type (LSP)…');
  const typicalDf = [...dockerfiles].sort((a, b) => a.lines - b.lines)[Math.floor(dockerfiles.length / 2)];
  const typicalCompose = [...composes].sort((a, b) => a.lines - b.lines)[Math.floor(composes.length / 2)];
  const bigDf = stress.find((s) => s.kind === 'dockerfile' && s.lines > 4000)!;
  const bigCompose = stress.find((s) => s.kind === 'compose' && s.lines > 4000)!;
  const typeTypicalDf = await typing(typicalDf, 200, 10_000);
  const typeTypicalCompose = await typing(typicalCompose, 200);
  const typeBigDf = await typing(bigDf, 200);
  const typeBigCompose = await typing(bigCompose, 200);

  console.log('CLI whole-process runs…');
  const nodeStart = medianRun(RUNS, () => cliRun(['-e', '0']));
  const cliCompose = medianRun(RUNS, () => cliRun([path.join(ROOT, 'dist/cli.js'), 'check', path.join(CORPUS, 'compose')]));
  const cliDf = medianRun(RUNS, () => cliRun([path.join(ROOT, 'dist/cli.js'), 'check', path.join(CORPUS, 'dockerfiles')]));
  const cliAll = medianRun(RUNS, () => cliRun([path.join(ROOT, 'dist/cli.js'), 'check', CORPUS]));
  let dclint: CliRun | undefined;
  let dockerfileUtilsCli: { perFileMs: number; projectedMs: number; sample: number } | undefined;
  if (!QUICK) {
    console.log('peer CLIs (dclint over the compose corpus takes about a minute)…');
    // dclint's directory search only finds files named like compose files: pass every file.
    dclint = cliRun([DCLINT_BIN, ...composes.map((c) => c.path)]);
    if (!Number.isFinite(dclint.peakRssMb) && dclint.exitCode === null) dclint = undefined;
    // dockerfile-utils' CLI lints one file per process: time a sample and project to the corpus.
    const sample = dockerfiles.filter((_, k) => k % 17 === 0);
    const t = process.hrtime.bigint();
    for (const s of sample) spawnSync(process.execPath, [path.join(ROOT, 'node_modules/dockerfile-utils/bin/dockerfile-utils'), 'lint', s.path], { stdio: 'ignore' });
    const perFileMs = Number(process.hrtime.bigint() - t) / 1e6 / sample.length;
    dockerfileUtilsCli = { perFileMs, projectedMs: perFileMs * dockerfiles.length, sample: sample.length };
  }

  const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  const us = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
  const targets: Target[] = [
    { name: 'Dockerfile analysis per file, median', measured: `${us(oursDf.median)} µs (${(oursDf.median / floorDf.median).toFixed(2)}× floor)`, goal: '≤ 1 ms and ≤ 1.5× parse', pass: oursDf.median <= 1000 && oursDf.median <= 1.5 * floorDf.median },
    { name: 'Dockerfile analysis per file, p99', measured: `${us(oursDf.p99)} µs (${(oursDf.p99 / floorDf.p99).toFixed(2)}× floor p99)`, goal: '≤ 1.5× parse p99', pass: oursDf.p99 <= 1.5 * floorDf.p99 },
    { name: 'Compose analysis per file, median', measured: `${us(oursYaml.median)} µs (${(oursYaml.median / floorYaml.median).toFixed(2)}× floor)`, goal: '≤ 1 ms and ≤ 1.5× parse', pass: oursYaml.median <= 1000 && oursYaml.median <= 1.5 * floorYaml.median },
    { name: 'Compose analysis per file, p99', measured: `${us(oursYaml.p99)} µs (${(oursYaml.p99 / floorYaml.p99).toFixed(2)}× floor p99)`, goal: '≤ 1.5× parse p99', pass: oursYaml.p99 <= 1.5 * floorYaml.p99 },
    ...stressRows.map((r) => ({ name: `stress file ${r.file} (${r.lines} lines)`, measured: `${ms(r.oursMs)} ms (${r.ratio.toFixed(2)}× its parse)`, goal: '≤ 1.5× its parse', pass: r.ratio <= 1.5 })),
    { name: 'as you type, typical Dockerfile: didChange → diagnostics, median', measured: `${ms(typeTypicalDf.typing.medianMs)} ms`, goal: '≤ 5 ms', pass: typeTypicalDf.typing.medianMs <= 5 },
    { name: 'as you type, typical compose file: median', measured: `${ms(typeTypicalCompose.typing.medianMs)} ms`, goal: '≤ 5 ms', pass: typeTypicalCompose.typing.medianMs <= 5 },
    {
      name: 'server memory after 10,000 edits',
      measured: `${ms(typeTypicalDf.rssBeforeMb!)} → ${ms(typeTypicalDf.rssAfterMb!)} MB`,
      goal: 'growth ≤ 50 MB',
      pass: typeTypicalDf.rssAfterMb! - typeTypicalDf.rssBeforeMb! <= 50,
    },
    { name: 'CLI over the 644 compose files (whole process)', measured: `${ms(cliCompose.wallMs)} ms`, goal: '≤ 450 ms', pass: cliCompose.wallMs <= 450 },
    {
      name: 'CLI over the 853 Dockerfiles (whole process)',
      measured: `${ms(cliDf.wallMs)} ms (floor ${ms(floorDf.total)} ms + Node start ${ms(nodeStart.wallMs)} ms)`,
      goal: '≤ 1.5× parse floor + Node start-up',
      pass: cliDf.wallMs <= 1.5 * floorDf.total + nodeStart.wallMs,
    },
    { name: 'CLI vs dockerfile-utils on the 853 Dockerfiles', measured: `${ms(cliDf.wallMs)} ms vs ${ms(peerDf.total)} ms in-process validate alone`, goal: 'faster than dockerfile-utils', pass: cliDf.wallMs < peerDf.total + nodeStart.wallMs },
    { name: 'CLI peak RSS, whole corpus', measured: `${ms(cliAll.peakRssMb)} MB`, goal: '≤ 150 MB', pass: cliAll.peakRssMb <= 150 },
  ];

  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
  const date = new Date().toISOString();
  const md = [
    `# Benchmark results`,
    '',
    `${date} — ${machine}. Corpus: ${dockerfiles.length} Dockerfiles, ${composes.length} compose files, ${stress.length} stress files. In process, each file's time is the median of its ${RUNS} runs after a warm-up (median and p99 are over the files; a whole pass is the median of ${RUNS}); whole-process figures are medians of ${RUNS} runs.`,
    '',
    '## Targets',
    '',
    '| Target | Measured | Goal | |',
    '|---|---|---|---|',
    ...targets.map((t) => `| ${t.name} | ${t.measured} | ${t.goal} | ${t.pass ? 'pass' : '**FAIL**'} |`),
    '',
    '## Per file, in process',
    '',
    '| What | Files | Whole pass | Median | p99 |',
    '|---|---|---|---|---|',
    `| \`dockerfile-ast\` parse (floor) | ${dockerfiles.length} | ${ms(floorDf.total)} ms | ${us(floorDf.median)} µs | ${us(floorDf.p99)} µs |`,
    `| Docker Guardrails, all rules (Dockerfiles) | ${dockerfiles.length} | ${ms(oursDf.total)} ms | ${us(oursDf.median)} µs | ${us(oursDf.p99)} µs |`,
    `| \`dockerfile-utils\` validate (peer) | ${dockerfiles.length} | ${ms(peerDf.total)} ms | ${us(peerDf.median)} µs | ${us(peerDf.p99)} µs |`,
    `| \`yaml\` parseDocument + LineCounter (floor) | ${composes.length} | ${ms(floorYaml.total)} ms | ${us(floorYaml.median)} µs | ${us(floorYaml.p99)} µs |`,
    `| Docker Guardrails, all rules (compose) | ${composes.length} | ${ms(oursYaml.total)} ms | ${us(oursYaml.median)} µs | ${us(oursYaml.p99)} µs |`,
    '',
    '## Stress files',
    '',
    '| File | Lines | Parse | Docker Guardrails | Ratio |',
    '|---|---|---|---|---|',
    ...stressRows.map((r) => `| ${r.file} | ${r.lines} | ${ms(r.floorMs)} ms | ${ms(r.oursMs)} ms | ${r.ratio.toFixed(2)}× |`),
    '',
    '## As you type (LSP, 200 edits each: didChange → publishDiagnostics of that version)',
    '',
    '| File | Lines | Median | p95 | Max |',
    '|---|---|---|---|---|',
    `| typical Dockerfile (${path.basename(typicalDf.path)}) | ${typicalDf.lines} | ${ms(typeTypicalDf.typing.medianMs)} ms | ${ms(typeTypicalDf.typing.p95Ms)} ms | ${ms(typeTypicalDf.typing.maxMs)} ms |`,
    `| typical compose file (${path.basename(typicalCompose.path)}) | ${typicalCompose.lines} | ${ms(typeTypicalCompose.typing.medianMs)} ms | ${ms(typeTypicalCompose.typing.p95Ms)} ms | ${ms(typeTypicalCompose.typing.maxMs)} ms |`,
    `| ${path.basename(bigDf.path)} | ${bigDf.lines} | ${ms(typeBigDf.typing.medianMs)} ms | ${ms(typeBigDf.typing.p95Ms)} ms | ${ms(typeBigDf.typing.maxMs)} ms |`,
    `| ${path.basename(bigCompose.path)} | ${bigCompose.lines} | ${ms(typeBigCompose.typing.medianMs)} ms | ${ms(typeBigCompose.typing.p95Ms)} ms | ${ms(typeBigCompose.typing.maxMs)} ms |`,
    '',
    `Server RSS before / after 10,000 more edits of the typical Dockerfile: ${ms(typeTypicalDf.rssBeforeMb!)} MB / ${ms(typeTypicalDf.rssAfterMb!)} MB.`,
    '',
    '## Command line, whole process',
    '',
    '| Run | Files | Wall | Files/s | Peak RSS |',
    '|---|---|---|---|---|',
    `| \`node -e 0\` (Node start-up) | – | ${ms(nodeStart.wallMs)} ms | – | ${ms(nodeStart.peakRssMb)} MB |`,
    `| docker-guardrails check compose/ | ${composes.length} | ${ms(cliCompose.wallMs)} ms | ${((composes.length / cliCompose.wallMs) * 1000).toFixed(0)} | ${ms(cliCompose.peakRssMb)} MB |`,
    `| docker-guardrails check dockerfiles/ | ${dockerfiles.length} | ${ms(cliDf.wallMs)} ms | ${((dockerfiles.length / cliDf.wallMs) * 1000).toFixed(0)} | ${ms(cliDf.peakRssMb)} MB |`,
    `| docker-guardrails check (whole corpus) | ${dockerfiles.length + composes.length + stress.length} | ${ms(cliAll.wallMs)} ms | ${(((dockerfiles.length + composes.length + stress.length) / cliAll.wallMs) * 1000).toFixed(0)} | ${ms(cliAll.peakRssMb)} MB |`,
    ...(dclint ? [`| dclint compose/* (peer, 1 run) | ${composes.length} | ${ms(dclint.wallMs)} ms | ${((composes.length / dclint.wallMs) * 1000).toFixed(0)} | ${ms(dclint.peakRssMb)} MB |`] : []),
    ...(dockerfileUtilsCli
      ? [`| dockerfile-utils lint, one process per file (peer; ${dockerfileUtilsCli.sample}-file sample projected) | ${dockerfiles.length} | ${ms(dockerfileUtilsCli.projectedMs)} ms | ${((1000 / dockerfileUtilsCli.perFileMs)).toFixed(0)} | – |`]
      : []),
    '',
    ...(dclint ? [`CLI-to-CLI: dclint / docker-guardrails on the compose corpus = ${(dclint.wallMs / cliCompose.wallMs).toFixed(1)}×.`] : []),
    ...(dockerfileUtilsCli ? [`CLI-to-CLI: dockerfile-utils / docker-guardrails on the Dockerfile corpus = ${(dockerfileUtilsCli.projectedMs / cliDf.wallMs).toFixed(1)}× (its CLI takes one file per process).`] : []),
    '',
  ].join('\n');

  const json = { date, machine, node: process.version, runs: RUNS, corpus: { dockerfiles: dockerfiles.length, compose: composes.length, stress: stress.length }, floorDf, floorYaml, oursDf, oursYaml, peerDf, stress: stressRows, typing: { typicalDf: typeTypicalDf, typicalCompose: typeTypicalCompose, bigDf: typeBigDf, bigCompose: typeBigCompose }, cli: { nodeStart, compose: cliCompose, dockerfiles: cliDf, all: cliAll, dclint, dockerfileUtilsCli }, targets };
  const outDir = path.join(ROOT, 'bench/results');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'latest.md'), md);
  fs.writeFileSync(path.join(outDir, 'latest.json'), JSON.stringify(json, null, 2) + '\n');
  fs.unlinkSync(PROBE);
  // The README shows the targets table of the latest run (between its bench markers).
  const readmePath = path.join(ROOT, 'README.md');
  const readme = fs.readFileSync(readmePath, 'utf8');
  const a = readme.indexOf('<!-- bench:start -->');
  const b = readme.indexOf('<!-- bench:end -->');
  if (a !== -1 && b > a) {
    const table = [
      `Measured ${date.slice(0, 10)} on ${machine} ([full results](bench/results/latest.md)):`,
      '',
      '| Target | Measured | Goal | |',
      '|---|---|---|---|',
      ...targets.map((t) => `| ${t.name} | ${t.measured} | ${t.goal} | ${t.pass ? 'pass' : '**FAIL**'} |`),
    ].join('\n');
    fs.writeFileSync(readmePath, readme.slice(0, a) + '<!-- bench:start -->\n' + table + '\n' + readme.slice(b));
  }
  console.log(md);
  const failed = targets.filter((t) => !t.pass);
  console.log(failed.length ? `${failed.length} target(s) missed: ${failed.map((t) => t.name).join('; ')}` : 'all targets met');
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
