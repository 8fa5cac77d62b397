import { Session } from 'node:inspector/promises';

/**
 * V8's precise coverage (every function call and block) of this test process, for the suites that count work rather than
 * time it. One session for the whole process, started at its first use and never stopped: when precise coverage is
 * stopped, V8 drops the counters of every function compiled so far and does not give them back when it is started again,
 * so a test that started its own coverage after another test's counted only the code no earlier test had run (wcaudit:
 * rule-work.test.ts's DF030 test with a function counted 63,727 → 74,765 calls and blocks after the other tests, whatever
 * the code did, and 719,621 → 1,472,412 alone).
 */
let shared: Promise<Session> | undefined;

function session(): Promise<Session> {
  shared ??= (async () => {
    const s = new Session();
    s.connect();
    await s.post('Profiler.enable');
    await s.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
    return s;
  })();
  return shared;
}

export interface Counted<T> {
  value: T;
  /** Function calls and block executions of this bundle while `run` ran. */
  js: number;
  /** Calls of the functions whose name `select` accepts, added up. */
  calls: number;
}

/**
 * Runs `run` and counts the JavaScript of this test bundle (the file `bundle`, its __filename) it executed. Code run for the
 * first time is compiled while counted: run the same kind of work once before the run whose count a test compares.
 */
export async function counted<T>(bundle: string, run: () => T | Promise<T>, select: (functionName: string) => boolean = () => false): Promise<Counted<T>> {
  const s = await session();
  await s.post('Profiler.takePreciseCoverage'); // resets the counters
  const value = await run();
  const { result } = await s.post('Profiler.takePreciseCoverage');
  const file = bundle.split(/[\\/]/).pop()!;
  let js = 0;
  let calls = 0;
  for (const script of result) {
    if (!script.url.includes(file)) continue;
    for (const fn of script.functions) {
      for (const r of fn.ranges) js += r.count;
      if (select(fn.functionName)) calls += fn.ranges[0].count;
    }
  }
  return { value, js, calls };
}
