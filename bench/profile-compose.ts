/**
 * `npm run profile:compose` / `npm run profile:dockerfile`: where a warm analysis spends its time, phase
 * by phase, over the corpus's compose files (`--kind compose`, the default: bench.ts's "compose analysis
 * per file" row, taken apart) or its Dockerfiles (`--kind dockerfile`: the "Dockerfile analysis per
 * file" row). Not a test and not the benchmark: a tool for finding the overheads outside the rules and
 * the rules that cost most. Built like bench.ts (`node esbuild.mjs --production --bench` writes
 * out/bench/profile-compose.js).
 *
 *   node out/bench/profile-compose.js [--kind compose|dockerfile] [--corpus DIR] [--rounds 7] [--only analyze] [--json FILE]
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof out/bench/profile-compose.js --kind dockerfile --only analyze --rounds 40
 *
 * Each round runs every file through, in turn:
 *   floor     bench.ts's parse floor: yaml's parseDocument + LineCounter; for Dockerfiles dockerfile-ast's
 *             DockerfileParser.parse
 *   parse     the engine's own parse: parseAllDocuments with ComposeContext's options; for Dockerfiles
 *             parseDockerfile (dockerfile-memo.ts: the library's parse with the accessors memoised)
 *   context   createContext (the parse above, the line index, the services or stages, the analysis'
 *             workspace view)
 *   runs      for Dockerfiles, ctx.runs() (every RUN's shell reading, made on first use and shared), timed
 *             apart so that the first rule to ask for it does not carry it
 *   check     each enabled rule of the kind's `check` on that context, in runRules' order (summed per rule)
 *   message   each finding's `message(data)`, then maskSecretValues on it (timed apart: "mask")
 *   post      finishAnalysis (ignore comments, DG001, sorting)
 *   warm      each rule's `check` again on the same context, after every rule has run once (not part of the
 *             sum of parts): what a rule costs once the facts it shares with others (instruction arguments,
 *             the shell reading, a service's environment, memos on the context) are read. A rule's "check"
 *             minus its "warm" is the first use it paid for; the "checks" row minus the "warm" row is what
 *             reading those facts costs the whole analysis
 *   analyze   the real entry point, analyze(), as bench.ts calls it
 * A file's time in a phase is its fastest round (interference only adds time); a table row is the
 * sum over the files (ms) and the median over the files (µs). "context − parse" is what the context
 * adds to the parse; "analyze − parts" is what analyze() spends outside the timed parts (the loop,
 * the findings' records). With --only analyze the rounds run analyze() alone, for `--cpu-prof`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { LineCounter, parseAllDocuments, parseDocument } from 'yaml';
import { allRules, analyze, createContext, DEFAULT_CONFIG, type AnyContext, type Detection, type Finding } from '../rules';
import { finishAnalysis } from '../rules/engine/analyze';
import { parseDockerfile } from '../rules/engine/dockerfile-memo';
import { maskSecretValues } from '../rules/engine/secrets';
import { DiskWorkspace } from '../rules/node/files';
import type { Rule } from '../rules/engine/rule';

const ROOT = path.resolve(__dirname, '../..');
const argv = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = argv.indexOf(name);
  return i === -1 ? dflt : argv[i + 1];
};
const CORPUS = path.resolve(arg('--corpus', path.join(ROOT, '../shared/corpus')));
const ROUNDS = Number(arg('--rounds', '7'));
const ONLY = arg('--only', 'phases');
const JSON_OUT = arg('--json', '');
const KIND_ARG = arg('--kind', 'compose');
if (KIND_ARG !== 'compose' && KIND_ARG !== 'dockerfile') throw new Error(`--kind compose|dockerfile, not ${KIND_ARG}`);
const KIND: 'compose' | 'dockerfile' = KIND_ARG;

const dir = path.join(CORPUS, KIND === 'compose' ? 'compose' : 'dockerfiles');
const inputs = fs
  .readdirSync(dir)
  .sort()
  .map((f) => ({ path: path.join(dir, f), text: fs.readFileSync(path.join(dir, f), 'utf8') }));
const workspace = new DiskWorkspace();
const config = DEFAULT_CONFIG;
// The rules runRules runs on a file of the kind under the default config, in its order (by code).
const rules: Rule[] = allRules.filter((r) => (r.kind === KIND || r.kind === 'any') && !r.optIn).sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));

const now = () => process.hrtime.bigint();
const us = (t: bigint) => Number(now() - t) / 1000;

/** Per phase name, per file, the fastest round (µs). */
const best = new Map<string, Float64Array>();
function record(phase: string, file: number, t: number) {
  let a = best.get(phase);
  if (!a) best.set(phase, (a = new Float64Array(inputs.length).fill(Infinity)));
  if (t < a[file]) a[file] = t;
}

let sink = 0;

function phases(k: number, text: string, file: string) {
  let t = now();
  if (KIND === 'compose') sink += parseDocument(text, { lineCounter: new LineCounter() }).range[1];
  else sink += DockerfileParser.parse(text).getInstructions().length;
  record('floor', k, us(t));
  t = now();
  if (KIND === 'compose') sink += parseAllDocuments(text, { merge: true, uniqueKeys: false, prettyErrors: false }).length;
  else sink += parseDockerfile(text).getInstructions().length;
  record('parse', k, us(t));
  t = now();
  const context: AnyContext = createContext(KIND, file, text, workspace, config.options);
  record('context', k, us(t));
  if (context.kind === 'dockerfile') {
    // The shell reading of every RUN (ctx.runs(), made on first use), timed apart: else the first rule to ask pays it.
    t = now();
    sink += context.runs().length;
    record('runs', k, us(t));
  }
  const findings: Finding[] = [];
  const failures: { code: string; error: string }[] = [];
  let messageUs = 0;
  let maskUs = 0;
  for (const rule of rules) {
    t = now();
    let detections: Detection[];
    try {
      detections = (rule.check as (c: AnyContext) => Detection[]).call(rule, context);
    } catch (e) {
      failures.push({ code: rule.code, error: String(e) });
      continue;
    } finally {
      record(`check ${rule.code}`, k, us(t));
    }
    for (const d of detections) {
      t = now();
      const raw = (rule.message as (data: unknown) => string).call(rule, d.data);
      messageUs += us(t);
      t = now();
      const message = maskSecretValues(raw);
      maskUs += us(t);
      findings.push({ range: d.range, data: d.data, code: rule.code, name: rule.name, severity: d.severity ?? rule.severity, message, path: file, fixable: rule.fixable !== 'never' && typeof rule.fix === 'function' });
    }
  }
  for (const rule of rules) {
    t = now();
    try {
      sink += (rule.check as (c: AnyContext) => Detection[]).call(rule, context).length;
    } catch {
      // reported by the first pass
    }
    record(`warm ${rule.code}`, k, us(t));
  }
  record('message', k, messageUs);
  record('mask', k, maskUs);
  t = now();
  sink += finishAnalysis(allRules, context, config, findings, failures).findings.length;
  record('post', k, us(t));
}

function analyzeOnly(k: number, text: string, file: string) {
  const t = now();
  sink += analyze(allRules, KIND, file, text, workspace, config).findings.length;
  record('analyze', k, us(t));
}

for (let round = 0; round <= ROUNDS; round++) {
  inputs.forEach((input, k) => {
    if (ONLY !== 'analyze') phases(k, input.text, input.path);
    analyzeOnly(k, input.text, input.path);
  });
  if (round === 0) best.clear(); // the warm-up round
}

const total = (a: Float64Array) => a.reduce((x, y) => x + y, 0) / 1000;
const med = (a: Float64Array) => {
  const s = Float64Array.from(a).sort();
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const sumOf = (names: string[]) => {
  const out = new Float64Array(inputs.length);
  for (const n of names) {
    const a = best.get(n);
    if (a) for (let i = 0; i < out.length; i++) out[i] += a[i];
  }
  return out;
};
const diff = (a: Float64Array, b: Float64Array) => a.map((x, i) => x - b[i]);

const checks = [...best.keys()].filter((n) => n.startsWith('check '));
const rows: [string, Float64Array][] = [];
if (ONLY !== 'analyze') {
  const checkAll = sumOf(checks);
  const warmAll = sumOf(checks.map((n) => `warm ${n.slice(6)}`));
  const parts = sumOf(['context', 'runs', ...checks, 'message', 'mask', 'post']);
  rows.push(
    [KIND === 'compose' ? 'floor: parseDocument + LineCounter' : 'floor: DockerfileParser.parse', best.get('floor')!],
    [KIND === 'compose' ? 'parse: parseAllDocuments (engine options)' : 'parse: parseDockerfile (memoised accessors)', best.get('parse')!],
    ['context: createContext (parse included)', best.get('context')!],
    ['  context − parse', diff(best.get('context')!, best.get('parse')!)],
    ...(best.has('runs') ? [['runs: ctx.runs() (shell reading)', best.get('runs')!] as [string, Float64Array]] : []),
    ['checks: every rule', checkAll],
    ['  warm: every rule again (not in the sum)', warmAll],
    ['message: message(data)', best.get('message')!],
    ['mask: maskSecretValues', best.get('mask')!],
    ['post: finishAnalysis', best.get('post')!],
    ['sum of parts (context…post)', parts],
  );
  rows.push(['analyze() (bench.ts entry point)', best.get('analyze')!]);
  rows.push(['  analyze − parts', diff(best.get('analyze')!, parts)]);
} else rows.push(['analyze() (bench.ts entry point)', best.get('analyze')!]);

const floorTotal = best.get('floor') ? total(best.get('floor')!) : NaN;
console.log(`${inputs.length} ${KIND === 'compose' ? 'compose files' : 'Dockerfiles'}, ${ROUNDS} rounds after a warm-up; per file its fastest round (sink ${sink % 10})`);
console.log(`${'phase'.padEnd(44)} ${'total ms'.padStart(9)} ${'median µs'.padStart(10)} ${'× floor'.padStart(8)}`);
for (const [name, a] of rows) console.log(`${name.padEnd(44)} ${total(a).toFixed(1).padStart(9)} ${med(a).toFixed(1).padStart(10)} ${(total(a) / floorTotal).toFixed(2).padStart(8)}`);
if (ONLY !== 'analyze') {
  console.log('\nrules by total check time (top 25); warm: the same check run again on the same context');
  const perRule = checks
    .map((n) => [n.slice(6), total(best.get(n)!), med(best.get(n)!), total(best.get(`warm ${n.slice(6)}`)!), med(best.get(`warm ${n.slice(6)}`)!)] as const)
    .sort((a, b) => b[1] - a[1]);
  for (const [code, t, m, wt, wm] of perRule.slice(0, 25)) {
    console.log(`  ${code.padEnd(8)} ${t.toFixed(2).padStart(8)} ms ${m.toFixed(2).padStart(8)} µs median   warm ${wt.toFixed(2).padStart(7)} ms ${wm.toFixed(2).padStart(7)} µs`);
  }
  console.log(`  (${perRule.length} rules; the rest ${perRule.slice(25).reduce((x, r) => x + r[1], 0).toFixed(2)} ms)`);
}
if (JSON_OUT) fs.writeFileSync(JSON_OUT, JSON.stringify(Object.fromEntries([...best].map(([n, a]) => [n, { totalMs: total(a), medianUs: med(a) }])), null, 1));
