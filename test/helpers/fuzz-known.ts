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

/**
 * Whether a Dockerfile ends inside an instruction: its last line that is not blank and not a comment
 * ends with the escape character (a line continuation), and comment lines follow it.
 */
export function endsInContinuationThenComments(text: string): boolean {
  const escape = /^#\s*escape\s*=\s*`/im.test(text.split('\n').slice(0, 5).join('\n')) ? '`' : '\\';
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  let i = lines.length - 1;
  if (i < 0 || !/^\s*#/.test(lines[i])) return false;
  while (i >= 0 && /^\s*#/.test(lines[i])) i--;
  return i >= 0 && lines[i].trimEnd().endsWith(escape);
}

/** Whether a Dockerfile's instructions (comment lines aside) look like broken shell: more `$(` than `)`, `case` than `esac`, `if` than `fi`, `do` than `done`, or an odd number of quotes. */
export function shellUnbalanced(text: string): boolean {
  const code = text
    .split(/\r?\n/)
    .filter((l) => !/^\s*#/.test(l))
    .join('\n');
  const count = (re: RegExp) => (code.match(re) ?? []).length;
  const open = (a: RegExp, b: RegExp) => count(a) > count(b);
  return open(/\$\(/g, /\)/g) || count(/(?<!\\)"/g) % 2 === 1 || count(/(?<!\\)'/g) % 2 === 1 || open(/\bcase\b/g, /\besac\b/g) || open(/\bif\b/g, /\bfi\b/g) || open(/\bdo\b/g, /\bdone\b/g);
}

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
  {
    id: 'df010-append-after-continuation-and-comment',
    description:
      'DF010 "Run as USER 1000" (after 1d6edbf, which withholds the fix when the file ends in a continuation): when the last instruction ends with a line continuation followed only by comment lines (`RUN set -eux; \\` / `# a comment` at the end of the file), the appended `USER 1000` still becomes part of that RUN: the finding stays, and `check --fix` appends it again every round.',
    explains: (v, c) => c.kind === 'dockerfile' && (v.property === 'fix-not-gone' || v.property === 'fix-not-converging') && endsInContinuationThenComments(targetText(c)),
    repro: dockerfile('FROM debian:12\nRUN set -eux; \\\n\tmkdir -p /x; \\\n# a comment\n'),
  },
  {
    id: 'fix-appended-inside-broken-shell',
    description:
      'DF030 "Remove the apt lists in the same RUN" (and other fixes that append ` && …` to a RUN): when the RUN\'s shell text is broken (an unterminated `$(`, quote, `case`, `if` or loop), the appended command lands inside it and the finding stays. Low severity: such a RUN fails to build anyway; the fix could be withheld when the shell text does not parse.',
    explains: (v, c) => c.kind === 'dockerfile' && (v.property === 'fix-not-gone' || v.property === 'fix-not-converging') && shellUnbalanced(targetText(c)),
    repro: dockerfile('FROM debian:12\nRUN apt-get update && apt-get install -y curl && make -j$(nproc\nUSER 1000\n'),
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
