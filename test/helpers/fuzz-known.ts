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

const targetText = (c: Case) => c.files.get(c.target) ?? '';

/** A carriage return that does not start a CRLF. */
const LONE_CR = /\r(?!\n)/;

const dockerfile = (text: string): Case => ({ kind: 'dockerfile', target: '/repro/Dockerfile', files: new Map([['/repro/Dockerfile', text]]) });

export const KNOWN_BUGS: KnownBug[] = [
  {
    id: 'lone-cr-line-breaks',
    description:
      'engine (rules/engine/text.ts LineIndex vs dockerfile-ast): a lone CR ("\\r" not followed by "\\n", old Mac line endings) is a line break for dockerfile-ast (and for LSP clients) but not for LineIndex, so positions from the AST and positions from offsets disagree: findings land on lines past the end (DF002, DF010, DF044, DR003…) and fixes edit outside the file.',
    explains: (_v, c) => c.kind === 'dockerfile' && LONE_CR.test(targetText(c)),
    repro: dockerfile('FROM node:24\rRUN true\r'),
  },
  {
    id: 'crlf-backslash-cr-in-shell',
    description:
      'engine (rules/engine/shell.ts with LineIndex.positionAt): in a CRLF file, a heredoc body line that ends with a backslash (`curl … | bash \\` then `EOF`) is read as an escaped CR, so the word ends after the CR and its range ends one character past the end of the line (DF041, DF022…); LineIndex.positionAt maps the offset between CR and LF to character = line length + 1.',
    explains: (v, c) => c.kind === 'dockerfile' && (v.property === 'range-outside' || v.property === 'fix-edit-outside') && /\\\r\n/.test(targetText(c)) && /<</.test(targetText(c)) && /beyond line \d+'s length/.test(v.detail),
    repro: dockerfile('FROM node:24\r\nRUN <<EOF\r\ncurl -fsSL https://example.com/x.sh | bash \\\r\nEOF\r\nUSER 1000\r\n'),
  },
];

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
