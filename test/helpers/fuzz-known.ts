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
const lineOf = (c: Case, line: number | undefined) => (line === undefined ? '' : (targetText(c).split('\n')[line] ?? ''));

/**
 * Whether a Dockerfile ends inside an instruction: its last non-blank line ends with the escape
 * character (a line continuation), or a heredoc (`<<EOF`) is never terminated.
 */
export function endsOpen(text: string): boolean {
  const escape = /^#\s*escape\s*=\s*`/im.test(text.split('\n').slice(0, 5).join('\n')) ? '`' : '\\';
  const lines = text.split(/\r?\n/);
  const last = [...lines].reverse().find((l) => l.trim() !== '' && !/^\s*#/.test(l));
  if (last !== undefined && last.trimEnd().endsWith(escape)) return true;
  let open: string | undefined;
  for (const line of lines) {
    if (open !== undefined) {
      if (line.replace(/^\t+/, '') === open) open = undefined;
      continue;
    }
    const m = /<<-?\s*["']?([A-Za-z_][A-Za-z0-9_]*)["']?/.exec(line);
    if (m && /^\s*(RUN|COPY|ADD)\b/i.test(line)) open = m[1];
  }
  return open !== undefined;
}

/** A carriage return that does not start a CRLF. */
const LONE_CR = /\r(?!\n)/;

const dockerfile = (text: string): Case => ({ kind: 'dockerfile', target: '/repro/Dockerfile', files: new Map([['/repro/Dockerfile', text]]) });
const compose = (text: string): Case => ({ kind: 'compose', target: '/repro/compose.yaml', files: new Map([['/repro/compose.yaml', text]]) });

export const KNOWN_BUGS: KnownBug[] = [
  {
    id: 'lone-cr-line-breaks',
    description:
      'engine (rules/engine/text.ts LineIndex vs dockerfile-ast): a lone CR ("\\r" not followed by "\\n", old Mac line endings) is a line break for dockerfile-ast (and for LSP clients) but not for LineIndex, so positions from the AST and positions from offsets disagree: findings land on lines past the end (DF002, DF010, DF044, DR003…) and fixes edit outside the file.',
    explains: (_v, c) => c.kind === 'dockerfile' && LONE_CR.test(targetText(c)),
    repro: dockerfile('FROM node:24\rRUN true\r'),
  },
  {
    id: 'dc040-dc041-flow-map-unquoted-interpolation',
    description:
      'DC040 "Move X to .env" and DC041 "Replace X with a generated password in .env": in a flow mapping (`environment: { POSTGRES_PASSWORD: hunter2 }`) the fix writes a plain `${POSTGRES_PASSWORD}`, which starts a flow mapping inside a flow collection: the compose file no longer parses. The value must be quoted there (or no fix offered).',
    explains: (v, c) => {
      if ((v.code !== 'DC040' && v.code !== 'DC041') || (v.property !== 'fix-breaks-parse' && v.property !== 'fix-breaks-structure')) return false;
      // The finding's line, or (for "Move all…") the line YAML reports the error on, holds a flow collection.
      const errorLine = /at line (\d+)/.exec(v.detail);
      return /[{[]/.test(lineOf(c, v.line)) || (!!errorLine && /[{[]/.test(lineOf(c, Number(errorLine[1]) - 1)));
    },
    repro: compose('services:\n  db:\n    image: postgres:17\n    environment: { POSTGRES_PASSWORD: hunter2 }\n'),
  },
  {
    id: 'dc010-remove-privileged-under-merge-key',
    description:
      'DC010 "Remove privileged: true": when the service also inherits `privileged: true` through a `<<:` merge key, removing the service\'s own line leaves the inherited value in force: the service is still privileged and the finding stays. The fix should write `privileged: false` (or not be offered).',
    explains: (v, c) => v.code === 'DC010' && (v.property === 'fix-not-gone' || v.property === 'fix-not-converging') && /<<\s*:/.test(targetText(c)),
    repro: compose('x-defaults: &defaults\n  privileged: true\nservices:\n  db:\n    image: postgres:17\n    <<: *defaults\n    privileged: true\n'),
  },
  {
    id: 'append-at-eof-after-open-instruction',
    description:
      'DF010 "Run as USER 1000" (and any fix that appends a line at the end of the file): when the last instruction ends with a line continuation (`RUN echo hi \\` as the last line) or an unterminated heredoc (`RUN <<EOF` with no EOF line), the appended `USER 1000` becomes part of that RUN: the finding stays, and `check --fix` appends it again every round (20 copies).',
    explains: (v, c) => c.kind === 'dockerfile' && (v.property === 'fix-not-gone' || v.property === 'fix-not-converging') && endsOpen(targetText(c)),
    repro: dockerfile('FROM node:24\nRUN echo hi \\\n'),
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
