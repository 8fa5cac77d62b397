/**
 * Bugs the fuzzers found that belong to other people's code (rules, or engine behaviour that is not a
 * crash), each with a minimal reproduction and a narrow predicate for the violations it explains.
 * The fuzz test keeps running the reproductions as `todo` tests (they report, they do not fail the
 * suite) and does not fail on violations a known bug explains. When a bug is fixed, its reproduction
 * passes: remove the entry. `DG_FUZZ_STRICT=1` ignores this list (every violation fails).
 */
import type { Case, Violation } from './fuzz-props';

export interface KnownBug {
  id: string;
  /** Who owns the code, what happens. */
  description: string;
  /** Whether this bug explains a violation found on a case. */
  explains(v: Violation, c: Case): boolean;
  /** The minimal input that shows it. */
  repro: Case;
}

// None open. The bugs fixed so far are regular tests now: test/fuzz-regressions.test.ts.
export const KNOWN_BUGS: KnownBug[] = [];

/** Splits violations into those a known bug explains and the new ones. */
export function splitKnown(vs: Violation[], c: Case): { known: { bug: string; v: Violation }[]; fresh: Violation[] } {
  if (process.env.DG_FUZZ_STRICT === '1') return { known: [], fresh: vs };
  const known: { bug: string; v: Violation }[] = [];
  const fresh: Violation[] = [];
  for (const v of vs) {
    const bug = KNOWN_BUGS.find((b) => b.explains(v, c));
    if (bug) known.push({ bug: bug.id, v });
    else fresh.push(v);
  }
  return { known, fresh };
}
