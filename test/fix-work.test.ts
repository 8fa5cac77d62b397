/**
 * The fixes of a file stay linear in the file (issue #6, "100,000-line files": analysis never exceeds a time
 * bound per file), counted rather than timed so that a busy machine cannot fail it: the fixes (and further
 * fixes) of every finding of the fuzzer's huge compose file — one password in every service, each finding's
 * fix moving all of its copies — are computed at two sizes, and the work done is counted twice:
 * - the JavaScript executed, as V8's precise coverage counts it (every function call and block, engine and
 *   rules alike: a loop over the services or the copies in each fix shows up however it is written);
 * - the characters of the document the built-in string and regular-expression searches read (a fix that
 *   scans the whole text, `readsVariable` in each secret's fix, does not show up in the first count).
 * Twice the services must cost about twice the work, not four times. What each fix is made of grows with
 * the copies (a fix that rewrites n copies has n edits: arrays the engine copies natively, not counted here),
 * so this measures everything but that. Now both are ×2.0 from 2,000 to 4,000 lines; before the answers shared per
 * analysis and per secret (moveCopies, dotenvReadersElsewhere's readersBesides, copiesLeft's textCopies…) both
 * were ×4.0 (20 million calls and blocks at 2,000 lines, 43 million characters searched).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Session } from 'node:inspector/promises';
import { allRules, analyze, fixFinding, moreFixesFor } from '../rules';
import { hugeCompose } from './helpers/fuzz-mutate';
import { viewOf } from './helpers/fixtures';

interface Work {
  /** Function calls and block executions of this bundle (precise coverage). */
  js: number;
  /** Characters of the document read by indexOf/includes/lastIndexOf/split and regular-expression matching. */
  scanned: number;
  fixes: number;
}

/** Counts the characters of `doc` that the built-in searches read while `run` runs. */
function countingScans(doc: string, run: () => void): number {
  let scanned = 0;
  const isDoc = (s: unknown): boolean => typeof s === 'string' && s.length === doc.length && s === doc;
  const proto = String.prototype;
  const saved = { indexOf: proto.indexOf, includes: proto.includes, lastIndexOf: proto.lastIndexOf, split: proto.split, exec: RegExp.prototype.exec };
  proto.indexOf = function (this: string, search: string, position?: number) {
    const at = saved.indexOf.call(this, search, position);
    if (isDoc(this)) scanned += (at === -1 ? doc.length : at + String(search).length) - Math.max(0, Math.min(doc.length, position ?? 0));
    return at;
  } as typeof proto.indexOf;
  proto.includes = function (this: string, search: string, position?: number) {
    if (isDoc(this)) {
      const at = saved.indexOf.call(this, search, position);
      scanned += (at === -1 ? doc.length : at + String(search).length) - Math.max(0, Math.min(doc.length, position ?? 0));
    }
    return saved.includes.call(this, search, position);
  } as typeof proto.includes;
  proto.lastIndexOf = function (this: string, ...args: [string, number?]) {
    if (isDoc(this)) scanned += doc.length;
    return saved.lastIndexOf.apply(this, args);
  } as typeof proto.lastIndexOf;
  proto.split = function (this: string, ...args: unknown[]) {
    if (isDoc(this)) scanned += doc.length;
    return (saved.split as (...a: unknown[]) => string[]).apply(this, args);
  } as typeof proto.split;
  // Every regular-expression method (test, match, replace, split, search) reads through exec once it is not V8's own.
  RegExp.prototype.exec = function (this: RegExp, s: string) {
    const from = this.global || this.sticky ? this.lastIndex : 0;
    const m = saved.exec.call(this, s);
    if (isDoc(s)) scanned += (m ? m.index + m[0].length : doc.length) - Math.min(from, doc.length);
    return m;
  };
  try {
    run();
  } finally {
    Object.assign(proto, { indexOf: saved.indexOf, includes: saved.includes, lastIndexOf: saved.lastIndexOf, split: saved.split });
    RegExp.prototype.exec = saved.exec;
  }
  return scanned;
}

/** The work of computing every finding's fixes (the CLI's json and sarif, a code action over the whole file) for the huge compose file of `lines` lines. */
async function workOf(session: Session, lines: number): Promise<Work> {
  const text = hugeCompose(lines);
  const target = '/h/compose.yaml';
  const analysis = analyze(allRules, 'compose', target, text, viewOf(new Map([[target, text]])));
  let fixes = 0;
  const all = () => {
    for (const f of analysis.findings) {
      if (fixFinding(allRules, analysis.context, f)) fixes++;
      fixes += moreFixesFor(allRules, analysis.context, f).length;
    }
  };
  await session.post('Profiler.takePreciseCoverage'); // resets the counters
  const scanned = countingScans(text, all);
  const { result } = await session.post('Profiler.takePreciseCoverage');
  let js = 0;
  for (const script of result) {
    if (!script.url.includes(__filename.split(/[\\/]/).pop()!)) continue;
    for (const fn of script.functions) for (const r of fn.ranges) js += r.count;
  }
  return { js, scanned, fixes };
}

describe('fix work on large files', () => {
  it('grows linearly with the services of a compose file with one password in each (copies of one secret)', async (t) => {
    const session = new Session();
    session.connect();
    try {
      await session.post('Profiler.enable');
      await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
      await workOf(session, 1000); // compiles what the runs use, so that both sizes count the same kind of work
      const small = await workOf(session, 2000);
      const large = await workOf(session, 4000);
      await session.post('Profiler.stopPreciseCoverage');
      assert.ok(small.fixes > 1000 && large.fixes > 2 * small.fixes - 50, `fixes: ${small.fixes}, ${large.fixes}`);
      const js = large.js / small.js;
      const scanned = large.scanned / small.scanned;
      const report = `JavaScript ${small.js} → ${large.js} (×${js.toFixed(2)}), document characters searched ${small.scanned} → ${large.scanned} (×${scanned.toFixed(2)})`;
      t.diagnostic(report);
      assert.ok(js < 2.5, `quadratic work in the fixes: ${report}`);
      assert.ok(scanned < 2.5, `quadratic searches of the document in the fixes: ${report}`);
    } finally {
      session.disconnect();
    }
  });
});
