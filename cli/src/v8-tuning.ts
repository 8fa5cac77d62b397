import * as v8 from 'node:v8';

/**
 * V8's tiering for a run that is over in about a second. V8's defaults suit programs that run for
 * minutes: a function is optimized as soon as it is warm, with its callees inlined into it, and
 * optimized again each time input takes a path it had not seen. A CLI run is a few hundred files,
 * every rule's code is cold, and V8 then spends more CPU compiling than the run spends analyzing:
 * over the 853 Dockerfiles of the benchmark corpus, 2.4 s of optimizing compiles on background
 * threads against about 1.1 s of analysis (`--trace-opt`; `perf` per thread), which on a small CI
 * machine takes the cores the analysis needs. Optimizing later (a larger interrupt budget, once a
 * function's feedback has settled) and without inlining cuts those compiles to about a third and
 * the run's wall time by about a fifth, for the corpus and for a run three times its size (see
 * bench/results). JIT heuristics only: results are the same.
 *
 * V8 flags are process-wide, so the analysis workers have them too. They are set once, before any
 * worker starts, and only when the CLI is the program: cli.ts calls this from its entry point, and
 * tests that load the engine keep V8's defaults. A flag given to `node` itself wins, so
 * `node --interrupt-budget=67584 --turbo-inlining dist/cli.js check …` runs with V8's defaults, to compare.
 */
export const SHORT_RUN_V8_FLAGS = ['--no-turbo-inlining', '--interrupt-budget=200000'];

/**
 * V8's heap sizing for the same short run. V8 grows the young generation (two semi-spaces) up to
 * 16 MB each as allocation goes on, and a one-shot process never gives that memory back: running
 * over the whole benchmark corpus in one thread, the young generation alone held 32 MB at the end
 * (`v8.getHeapSpaceStatistics()`; 0.3 MB of it in use), the peak RSS was 174 MB. Keeping the young
 * generation at its initial size (a growth factor of 1) makes scavenges more frequent and cheaper,
 * and the peak 128 MB (SARIF report) for about the same wall time. This is the one heap limit that
 * can still be set once V8 runs: its size limits are fixed when the heap is set up, but the growth
 * factor is read each time it would grow (a flag given to `node` wins here too, e.g.
 * `node --semi-space-growth-factor=2 dist/cli.js …`).
 *
 * The old generation likewise: after each full collection V8 lets it grow to a multiple of what
 * survived before the next one, a multiple it picks from the collector's speed, up to 4 for a small
 * heap. Loading the bundle with its code cache (code-cache.ts) puts its bytecode in the old
 * generation at once, and V8's pick then let the heap run to a peak RSS of 156 MB over the corpus
 * (SARIF report; 141 MB without the cache). A fixed factor of 2 (`--heap-growing-percent=100`, also
 * read at each collection) gave 139 MB with the cache, for the same wall time over the compose
 * files and the Dockerfiles (9 alternating runs each) and about 2% more over the whole corpus.
 *
 * A factor of 1.5 (`--heap-growing-percent=50`) now. What survives a full collection grows through
 * the run (each file's findings, and in SARIF and JSON their fixes, are kept for the report: 17 MB
 * live after the first full collection, 35 MB after the last, `--trace-gc`), so the limit a factor
 * of 2 sets from it grew to 70 MB of heap, and where that limit fell depended on whether the last
 * full collection came before or after the largest files: the text report peaked at 118 or at
 * 144 MB from one run to the next. With 1.5 (and the loader no longer holding its 6 MB: cli-loader.ts),
 * over the corpus in 10 runs each: text report 105.6-109.8 MB, SARIF 122.6-130.0 MB, for 10 full
 * collections instead of 6 (the young generation's scavenges, most of the GC's time, do not change:
 * 403 and 668); CPU time within the noise of a loaded host for the text report, about 6% more for SARIF.
 */
export const SHORT_RUN_HEAP_FLAGS = ['--semi-space-growth-factor=1', '--heap-growing-percent=50'];

/** A V8 flag's name, whatever its sense, spelling or value: `--no-turbo_inlining` → `--turbo-inlining`. */
export function v8FlagName(flag: string): string {
  return flag.replace(/_/g, '-').replace(/^--no-/, '--').split('=')[0];
}

/** Sets the flags of SHORT_RUN_V8_FLAGS and SHORT_RUN_HEAP_FLAGS that `node` was not given; returns those it set. */
export function tuneV8ForShortRun(execArgv: readonly string[] = process.execArgv, set: (flag: string) => void = v8.setFlagsFromString): string[] {
  const given = new Set(execArgv.map(v8FlagName));
  const applied = [...SHORT_RUN_V8_FLAGS, ...SHORT_RUN_HEAP_FLAGS].filter((flag) => !given.has(v8FlagName(flag)));
  for (const flag of applied) set(flag);
  return applied;
}
