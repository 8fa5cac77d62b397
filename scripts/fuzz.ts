/**
 * Property-based and mutation fuzzing of the rule engine (see test/helpers/fuzz-props.ts for the
 * properties): random text, generated Dockerfiles and compose files, mutated corpus files.
 *   npm run fuzz [-- --runs 100000] [--seed N] [--suite NAME] [--path P] [--workers N]
 * Runs are shared between the suites by weight and between worker threads (one seed per worker:
 * seed + worker index). Prints the number of cases and every counterexample with the seed and path
 * to replay it (`--suite NAME --seed S --path P --workers 1`). Exit code 1 on a counterexample.
 */
import * as os from 'node:os';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { collectSuite, runSuite, suites, type CollectResult, type SuiteResult } from '../test/helpers/fuzz-suites';

interface Job {
  suite: string;
  runs: number;
  seed: number;
  path?: string;
}

if (!isMainThread) {
  const jobs = workerData as Job[];
  const all = suites();
  for (const job of jobs) {
    const s = all.find((x) => x.name === job.suite)!;
    parentPort!.postMessage(job.path !== undefined ? runSuite(s, job.runs, job.seed, job.path) : collectSuite(s, job.runs, job.seed));
  }
} else {
  void main();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '100000' },
      seed: { type: 'string' },
      suite: { type: 'string' },
      path: { type: 'string' },
      workers: { type: 'string' },
    },
  });
  const runs = Number(values.runs);
  const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31;
  const workers = Math.max(1, Number(values.workers ?? (values.path ? 1 : Math.max(1, os.availableParallelism?.() ?? os.cpus().length))));
  const available = suites();
  const chosen = available.filter((s) => !values.suite || s.name === values.suite);
  if (chosen.length === 0) {
    console.error(`fuzz: no suite named ${values.suite} (${available.map((s) => s.name).join(', ')})`);
    process.exit(2);
  }
  const weight = chosen.reduce((a, s) => a + s.weight, 0);
  // Every worker gets a slice of every suite, each with its own seed.
  const plans: Job[][] = Array.from({ length: workers }, () => []);
  for (const s of chosen) {
    const total = Math.ceil((runs * s.weight) / weight);
    for (let w = 0; w < workers; w++) {
      const share = Math.floor(total / workers) + (w < total % workers ? 1 : 0);
      if (share > 0) plans[w].push({ suite: s.name, runs: share, seed: seed + w, path: values.path });
    }
  }
  console.log(`fuzz: ${runs} cases over ${chosen.map((s) => s.name).join(', ')}; seed ${seed}; ${workers} worker(s)`);
  const t0 = Date.now();
  const results: SuiteResult[] = [];
  const collected: CollectResult[] = [];
  await Promise.all(
    plans.map(
      (jobs) =>
        new Promise<void>((resolve, reject) => {
          const w = new Worker(__filename, { workerData: jobs });
          w.on('message', (r: SuiteResult | CollectResult) => {
            if ('problems' in r) {
              collected.push(r);
              const n = Object.keys(r.problems).length;
              console.log(`  ${r.suite} seed ${r.seed}: ${r.runs} cases in ${(r.ms / 1000).toFixed(1)} s${n > 0 ? ` — ${n} kind(s) of counterexample` : ''}`);
            } else {
              results.push(r);
              console.log(`  ${r.suite} seed ${r.seed}: ${r.runs} cases in ${(r.ms / 1000).toFixed(1)} s${r.failed ? ' — COUNTEREXAMPLE' : ''}`);
            }
          });
          w.on('error', reject);
          w.on('exit', () => resolve());
        }),
    ),
  );
  const total = results.reduce((a, r) => a + r.runs, 0) + collected.reduce((a, r) => a + r.runs, 0);
  let counterexamples = 0;
  // Replay mode: fast-check's shrunk counterexample.
  for (const r of results.filter((x) => x.failed)) {
    counterexamples++;
    console.log(`\n=== counterexample in ${r.suite} (seed ${r.seed}, shrunk path ${r.path})`);
    console.log(`replay: npm run fuzz -- --suite ${r.suite} --seed ${r.seed} --path ${r.path}`);
    console.log(r.report);
  }
  // Collect mode: one example (the smallest) per kind of problem and suite.
  const merged = new Map<string, { suite: string; seed: number; count: number; index: number; size: number; report: string }>();
  for (const r of collected) {
    for (const [sig, p] of Object.entries(r.problems)) {
      const key = `${r.suite}: ${sig}`;
      const prev = merged.get(key);
      if (!prev || p.size < prev.size) merged.set(key, { suite: r.suite, seed: r.seed, ...p, count: p.count + (prev?.count ?? 0) });
      else prev.count += p.count;
    }
  }
  for (const [key, p] of [...merged].sort(([a], [b]) => a.localeCompare(b))) {
    counterexamples++;
    console.log(`\n=== ${key} — ${p.count} case(s); smallest: seed ${p.seed}, run ${p.index}`);
    console.log(`replay and shrink: npm run fuzz -- --suite ${p.suite} --seed ${p.seed} --path ${p.index}`);
    console.log(p.report);
  }
  const known = new Map<string, number>();
  for (const r of collected) for (const [id, n] of Object.entries(r.knownHits)) known.set(id, (known.get(id) ?? 0) + n);
  if (known.size > 0) console.log(`\nknown bugs (test/helpers/fuzz-known.ts), cases they explain: ${[...known].map(([id, n]) => `${id} ${n}`).join(', ')}`);
  console.log(`\nfuzz: ${total} cases in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${counterexamples} counterexample(s)`);
  process.exitCode = counterexamples > 0 ? 1 : 0;
}
