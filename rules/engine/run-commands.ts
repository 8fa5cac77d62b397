/**
 * Reading the commands of RUN scripts (on top of shell.ts) and the minimal edits that remove part
 * of an instruction. Shared by the DF013–DF044 rules.
 */
import type { Instruction } from 'dockerfile-ast';
import type { DockerfileContext } from './dockerfile';
import { baseName, INVOCATION_SLOT, redirectionWidth, wordsWithoutRedirections, type MappedText, type SimpleCommand, type Word } from './shell';
import type { TextEdit } from './types';

/**
 * Commands that run the command written after them: the short options of theirs that take a value
 * (`-u root`, `-uroot`), the long ones that take the next word when written without `=` (`--max-args 1`),
 * and the short ones whose value is optional, so only ever attached (xargs `-i{}`, `-l2`, `-e.`).
 */
interface WrapperSpec {
  short: string;
  long?: readonly string[];
  optional?: string;
}

/**
 * By program name. A Map, not an object literal: readInvocation looks up the name of every command it reads (46,500
 * per pass over the corpus Dockerfiles), a string cut from the script, which an object's keyed read must first find
 * among the interned strings (that one line was 141 of the 529 ms of readInvocation's self time in a 40-round CPU
 * profile); a Map hashes it once and answers no name of Object.prototype (`constructor`).
 */
const WRAPPERS: ReadonlyMap<string, WrapperSpec> = new Map(Object.entries({
  sudo: { short: 'CDghpRrTUu' },
  doas: { short: 'Cu' },
  env: { short: 'CSu' },
  nice: { short: 'n' },
  nohup: { short: '' },
  time: { short: 'fo' },
  command: { short: '' },
  exec: { short: 'a' },
  stdbuf: { short: '' },
  ionice: { short: 'cnp' },
  chroot: { short: '' },
  // `eatmydata [--] command…` (libeatmydata: runs the command with fsync turned off; no options of its own).
  eatmydata: { short: '' },
  // `timeout [-s SIG] [-k DUR] DURATION command` (the duration is skipped below; review 16, probe 02).
  timeout: { short: 'sk' },
  // GNU findutils xargs: -a FILE, -d DELIM, -E EOF, -I REPLACE, -L LINES, -n ARGS, -P PROCS, -s CHARS; -e[EOF],
  // -i[REPLACE], -l[LINES] take an optional value, attached only; the command's operands come from its input
  // (Invocation.viaXargs). Review 36, probe p25.
  xargs: { short: 'adEILnPs', long: ['arg-file', 'delimiter', 'max-args', 'max-procs', 'max-chars', 'process-slot-var'], optional: 'eil' },
} satisfies Record<string, WrapperSpec>));

/**
 * How many words a wrapper's option word takes, itself included: 2 when its value is the next word
 * (`-u root`, `-0n 1`, `--max-args 1`), else 1 (`-E`, `-n1`, `-I{}`, `--max-args=1`, `-i`). Short options read
 * as getopt reads a cluster: the first that takes a value takes the rest of the word, if any.
 */
function wrapperOptionWidth(word: string, spec: WrapperSpec): number {
  if (word.startsWith('--')) return !word.includes('=') && (spec.long?.includes(word.slice(2)) ?? false) ? 2 : 1;
  for (let k = 1; k < word.length; k++) {
    const c = word[k];
    if (spec.optional?.includes(c)) return 1;
    if (spec.short.includes(c)) return k === word.length - 1 ? 2 : 1;
    if (!/[A-Za-z0-9]/.test(c)) return 1;
  }
  return 1;
}

/** A command after its wrappers (`sudo -E bash -` → `bash` with `-`). */
export interface Invocation {
  cmd: SimpleCommand;
  /** Index in cmd.words of the program. */
  index: number;
  /** The program without its directory. */
  name: string;
  /** The words after the program, redirections aside (`2>/dev/null`, `> f` with its target): find one in cmd.words with indexOf. */
  args: Word[];
  /** `NAME=value` words before the program (also those given to `env`). Read-only: a command without any shares one empty list. */
  assignments: readonly Word[];
  /** The program runs under `xargs`: its operands also come from xargs's input, and its input is not the command's. */
  viaXargs: boolean;
  /** Indices in cmd.words of the wrappers that start the program, outermost first (`timeout 5 sudo apt-get` → the indices of `timeout` and `sudo`). */
  wrappers: readonly number[];
}


/** Options of sh/bash that take the next word as their value. */
const SHELL_OPTION_VALUES = new Set(['-o', '+o', '-O', '+O', '--rcfile', '--init-file']);

/**
 * Where a shell started with these arguments takes its program from (POSIX sh: `sh -c command_string
 * [command_name [argument…]]`, `sh [-s] [argument…]`, `sh file [argument…]`, and "If no operands are
 * specified and the -c option is not specified, the -s option shall be assumed"; bash's long options):
 * the command string of `-c` (alone or in a cluster such as `-ec`; its index, when one is given), a
 * script file operand, or standard input (no operand, or `-s`, which makes the operands positional
 * parameters).
 */
export function shellProgramSource(args: readonly string[]): { from: 'string'; index?: number } | { from: 'file'; index: number } | { from: 'stdin' } {
  let sawC = false;
  let sawS = false;
  for (let k = 0; k < args.length; k++) {
    const a = args[k];
    if (SHELL_OPTION_VALUES.has(a)) {
      k++;
      continue;
    }
    // `--` ends the options, and so does `-` (bash(1): "An argument of -- is equivalent to -"; POSIX sh
    // ignores a `-` first operand): `sh -c - 'script'` runs `script`, `sh - file` runs file.
    if (a === '--' || a === '-') {
      if (sawC) return k + 1 < args.length ? { from: 'string', index: k + 1 } : { from: 'string' };
      return sawS || k === args.length - 1 ? { from: 'stdin' } : { from: 'file', index: k + 1 };
    }
    if (a.startsWith('--')) continue; // --login, --norc, --posix, --noprofile
    if (/^[-+][A-Za-z]+$/.test(a)) {
      if (a[0] === '-' && a.includes('c')) sawC = true;
      if (a[0] === '-' && a.includes('s')) sawS = true;
      // Each `o`/`O` of a cluster takes the next word as its option name (`bash -euxo pipefail -c '…'`, as `set -eo pipefail`).
      for (let i = 1; i < a.length; i++) if (a[i] === 'o' || a[i] === 'O') k++;
      continue;
    }
    if (sawC) return { from: 'string', index: k };
    return sawS ? { from: 'stdin' } : { from: 'file', index: k };
  }
  return sawC ? { from: 'string' } : { from: 'stdin' };
}

/** Where a command keeps its invocation once read (a property of its own, made with the command: cheaper than a WeakMap). */
const INVOCATION = INVOCATION_SLOT;

/**
 * The program a command runs, looking through sudo/env/nice/… wrappers. Null when it has none.
 * Computed once per command (several rules ask about the same commands); callers never modify it.
 */
export function invocation(cmd: SimpleCommand): Invocation | null {
  const holder = cmd as SimpleCommand & { [INVOCATION]?: Invocation };
  const found = holder[INVOCATION];
  // A plain property (Object.defineProperty, to keep it out of copies, cost 1-2 µs per command): a copy of the
  // command (`{ ...cmd, programIndex }`, read as another program) carries its original's, which is kept only for the
  // command it was read from. No answer (null: no program, or wrappers alone) is not kept: it is found again at once.
  if (found !== undefined && found.cmd === cmd) return found;
  const read = readInvocation(cmd);
  if (read !== null) holder[INVOCATION] = read;
  return read;
}

/** The wrappers of a command without any (shared: no array per command). */
const NO_WRAPPERS: number[] = [];

/**
 * The assignments of a command without any, shared: Invocation.assignments is read-only, so the compiler keeps every
 * caller from changing it. Not frozen: V8 reads a frozen array with for…of or a spread through an iterator it
 * allocates, while a plain one is read in place (94d5b3f1 made DF013 and DF022 read it by index for that reason).
 */
const NO_ASSIGNMENTS: readonly Word[] = [];

const ASSIGNMENT_WORD = /^[A-Za-z_][A-Za-z0-9_]*=/;

function readInvocation(cmd: SimpleCommand): Invocation | null {
  let i = cmd.programIndex;
  if (i < 0) return null;
  // Made only for a command that has assignments (most have none: NO_ASSIGNMENTS).
  let assignments: Word[] | undefined;
  for (let k = 0; k < i; k++) if (ASSIGNMENT_WORD.test(cmd.words[k].raw)) (assignments ??= []).push(cmd.words[k]);
  let viaXargs = false;
  let wrappers: number[] = NO_WRAPPERS;
  for (let depth = 0; depth < 4; depth++) {
    const name = baseName(cmd.words[i].value);
    const spec = WRAPPERS.get(name);
    if (spec === undefined) break;
    if (name === 'xargs') viaXargs = true;
    wrappers = wrappers === NO_WRAPPERS ? [i] : [...wrappers, i];
    let j = i + 1;
    while (j < cmd.words.length) {
      // A redirection is no option of the wrapper, nor the program it runs (`sudo >/dev/null apt-get …`).
      const redirection = redirectionWidth(cmd.words, j);
      if (redirection > 0) {
        j += redirection;
        continue;
      }
      const v = cmd.words[j].value;
      if (v === '--') {
        j++;
        break;
      }
      if (name === 'env' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(v)) {
        (assignments ??= []).push(cmd.words[j]);
        j++;
        continue;
      }
      if (!v.startsWith('-') || v === '-') break;
      j += wrapperOptionWidth(v, spec);
    }
    if (name === 'timeout') j = skipRedirections(cmd.words, j) + 1; // the duration
    j = skipRedirections(cmd.words, j);
    if (j >= cmd.words.length) return null;
    i = j;
  }
  return { cmd, index: i, name: baseName(cmd.words[i].value), args: wordsWithoutRedirections(cmd.words.slice(i + 1)), assignments: assignments ?? NO_ASSIGNMENTS, viaXargs, wrappers };
}

/** The index of the first word from `j` on that is no redirection (nor a lone operator's target). */
function skipRedirections(words: readonly Word[], j: number): number {
  let width: number;
  while (j < words.length && (width = redirectionWidth(words, j)) > 0) j += width;
  return j;
}

/**
 * Where a short option letter appears in a cluster such as `-fsSLk`: its index in the word, or -1.
 * Reading stops at the first letter that takes a value (the rest of the word is that value).
 */
export function shortOptionIndex(word: string, letter: string, valueLetters: string): number {
  if (!/^-[A-Za-z0-9]/.test(word) || word.startsWith('--')) return -1;
  for (let k = 1; k < word.length; k++) {
    const c = word[k];
    if (c === letter) return k;
    if (valueLetters.includes(c)) return -1;
    if (!/[A-Za-z0-9]/.test(c)) return -1;
  }
  return -1;
}

/** A command that checks a download: `sha256sum -c`, `shasum --check`, `gpg --verify`, `gpgv`, `cosign verify-blob`, `minisign -V`, `debsig-verify`, `rpm -K` told to require a signature. */
export function isVerification(inv: Invocation): boolean {
  // By name first: asked of every command of every RUN.
  const name = inv.name;
  if (/^(?:sha(?:1|224|256|384|512)sum|shasum|b2sum)$/.test(name)) return inv.args.some((w) => w.value === '--check' || /^-[A-Za-z]*c[A-Za-z]*$/.test(w.value));
  if (name === 'gpg' || name === 'gpg2') return hasArg(inv, '--verify');
  if (name === 'gpgv') return true;
  if (name === 'cosign') return /^verify/.test(inv.args[0]?.value ?? '');
  if (name === 'minisign') return hasArg(inv, '-V');
  // debsig-verify(1) checks a .deb's origin signature against a policy and keyring: dpkg itself checks none.
  if (name === 'debsig-verify') return true;
  // `rpm -K`/`rpmkeys --checksig` succeed on an unsigned package whose digests match (RPM's default `%_pkgverify_level
  // digest`): a check only when told to require a signature (checksDownload also takes its output checked for one).
  if (name === 'rpm' || name === 'rpmkeys') return isRpmChecksig(inv) && inv.args.some((w) => /\b_pkgverify_level\s+(?:signature|all)\b/.test(w.value));
  // Composer's documented installer check: php -r "if (hash_file('sha384', 'composer-setup.php') === '…') …".
  // A hash that is only printed (`echo hash_file(…)`) checks nothing: compared, or hash_equals (review 10, probe 07).
  if (name === 'php') return inv.args.some((w) => /\bhash_file\s*\([^)]*\)\s*[!=]==?|[!=]==?\s*hash_file\s*\(|\bhash_equals\s*\(/.test(w.value));
  return false;
}

/** `rpm -K`/`--checksig`/`rpmkeys -K`: checks a package's digests and signatures. */
function isRpmChecksig(inv: Invocation): boolean {
  return inv.args.some((w) => w.value === '--checksig' || /^-[v]*K[v]*$/.test(w.value));
}

/**
 * `rpm -K FILE | grep -q 'signatures OK'` (or the old `pgp … OK` form: Amazon Corretto's images grep `rsa sha1 (md5) pgp md5 OK`):
 * a signature check, since the line names a signature only when the package has one that verified.
 */
function rpmChecksigGrepped(commands: readonly SimpleCommand[], i: number): boolean {
  const inv = invocation(commands[i]);
  if (inv === null || (inv.name !== 'rpm' && inv.name !== 'rpmkeys') || !isRpmChecksig(inv) || commands[i].next !== '|') return false;
  const grep = commands[i + 1] ? invocation(commands[i + 1]) : null;
  return grep !== null && /^[ef]?grep$/.test(grep.name) && grep.args.some((w) => !w.value.startsWith('-') && /\b(?:pgp|signatures OK)\b/i.test(w.value) && !/NOT OK/i.test(w.value));
}

/** Whether an argument is `v` (a function, not a closure made for every command isVerification reads). */
function hasArg(inv: Invocation, v: string): boolean {
  return inv.args.some((w) => w.value === v);
}

/** curl's short options that take a value (a value ends a `-fsSL…` cluster). */
export const CURL_VALUE_LETTERS = 'AbcCdDeEFHKmoPQrtTuUwxXyYz';

/**
 * A curl word of grouped short options read as curl reads it: the first option that takes a value
 * (CURL_VALUE_LETTERS), with the rest of the word as its value when there is one (`-fsu` → `u`;
 * `-HX-Api-Key: k` → `H` and `X-Api-Key: k`); null for a long option, a word that is no option, or
 * switches only.
 */
export function curlShortOption(word: string): { option: string; attached: string | undefined } | null {
  if (!/^-[^-]/.test(word)) return null;
  for (let k = 1; k < word.length; k++) {
    if (CURL_VALUE_LETTERS.includes(word[k])) return { option: word[k], attached: word.length > k + 1 ? word.slice(k + 1) : undefined };
  }
  return null;
}

/** Per script (its command list): whether it checks a download. */
const checksDownloadMemo = new WeakMap<readonly SimpleCommand[], boolean>();

/**
 * Whether a script checks a download (isVerification): a checksum or signature check anywhere in it
 * makes up for an unverified fetch. Once per script: DF013 and DF014 both ask.
 */
export function checksDownload(commands: readonly SimpleCommand[]): boolean {
  let found = checksDownloadMemo.get(commands);
  if (found === undefined) {
    found = commands.some((c, i) => {
      const inv = invocation(c);
      return inv !== null && (isVerification(inv) || rpmChecksigGrepped(commands, i));
    });
    checksDownloadMemo.set(commands, found);
  }
  return found;
}

/** MySQL's and MariaDB's clients, which take the password attached to `-p` (`-psecret`; dev.mysql.com: `--password[=password], -p[password]`). */
export const MYSQL_CLIENTS: ReadonlySet<string> = new Set(['mysql', 'mysqladmin', 'mysqldump', 'mysqlimport', 'mysqlshow', 'mysqlcheck', 'mysqlpump', 'mariadb', 'mariadb-admin', 'mariadb-dump', 'mariadb-import', 'mariadb-show', 'mariadb-check']);

/** A value written without expansions: no `$` and no backquote. */
export function isLiteral(value: string): boolean {
  return !/[$`]/.test(value);
}

/** The commands of the pipeline that `commands[i]` belongs to, in order, as indices. */
export function pipelineOf(commands: readonly SimpleCommand[], i: number): number[] {
  // A pipe with nothing after it (`curl … |`, half typed) has no command there.
  if (i < 0 || i >= commands.length) return [];
  let first = i;
  while (first > 0 && commands[first].prev === '|' && commands[first - 1].next === '|') first--;
  const out = [first];
  for (let k = first; k + 1 < commands.length && commands[k].next === '|'; k++) out.push(k + 1);
  return out;
}

/** Whether a word is written in the document exactly as it reads (no quotes, escapes or continuations inside). */
export function isPlainWord(ctx: DockerfileContext, w: Word): boolean {
  return w.raw === w.value && ctx.text.slice(w.start, w.end) === w.raw;
}

export interface Span {
  start: number;
  end: number;
}

function gapIsBlank(ctx: DockerfileContext, from: number, to: number): boolean {
  // Blanks, line breaks, the escape character of continuations and JSON commas only; never a comment.
  const gap = ctx.text.slice(from, to);
  return !gap.includes('#') && gap.split('').every((c) => c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === ',' || c === ctx.escapeChar);
}

/**
 * Deletes `count` items, from index `i`, of a list of spans written in order (the words of a command,
 * the properties of an ENV, the sources of a COPY), keeping the layout of the rest:
 * - an item that follows another on its line goes with the blanks before it (`-y --force-yes \` → `-y \`);
 * - an item alone on its line (continuation lines) goes with its whole line;
 * - the first item goes with the blanks after it; the last one with the break and blanks before it.
 * Undefined when nothing else is in the list or a comment lies in the way.
 */
export function deleteListItemsEdit(ctx: DockerfileContext, items: readonly Span[], i: number, count = 1): TextEdit | undefined {
  const last = i + count - 1;
  if (i < 0 || last >= items.length || items.length <= count) return undefined;
  for (let k = i; k < last; k++) if (!gapIsBlank(ctx, items[k].end, items[k + 1].start)) return undefined;
  const text = ctx.text;
  const prev = i > 0 ? items[i - 1] : undefined;
  const next = last + 1 < items.length ? items[last + 1] : undefined;
  const gapBefore = prev ? text.slice(prev.end, items[i].start) : '';
  const gapAfter = next ? text.slice(items[last].end, next.start) : '';
  let from: number;
  let to: number;
  if (prev && !gapBefore.includes('\n')) {
    from = prev.end;
    to = items[last].end;
  } else if (next) {
    const lineStart = text.lastIndexOf('\n', items[i].start - 1) + 1;
    if (gapAfter.includes('\n') && /^[ \t]*$/.test(text.slice(lineStart, items[i].start))) {
      // Alone on its line(s): take the line, its continuation and its break.
      from = lineStart;
      to = items[last].end + gapAfter.indexOf('\n') + 1;
    } else {
      from = items[i].start;
      to = next.start;
    }
    if (!gapIsBlank(ctx, items[last].end, next.start)) return undefined;
  } else {
    from = prev!.end;
    to = items[last].end;
  }
  if (prev && from === prev.end && !gapIsBlank(ctx, prev.end, items[i].start)) return undefined;
  return { range: ctx.rangeOfOffsets(from, to), newText: '' };
}

/** Deletes the whole lines of an instruction (its heredoc bodies and continuation lines included). */
export function deleteInstructionEdit(ctx: DockerfileContext, ins: Instruction): TextEdit {
  const r = ins.getRange();
  return { range: ctx.lines.wholeLines(r.start.line, r.end.line), newText: '' };
}

/**
 * Deletes one command of a script joined by `&&`, `;` or line breaks (`export X=1 && make` → `make`).
 * Undefined when the command is part of a pipeline, a subshell or an `||`, or is the only command.
 */
export function deleteCommandEdit(ctx: DockerfileContext, commands: readonly SimpleCommand[], i: number): TextEdit | undefined {
  const c = commands[i];
  const joins = (s: SimpleCommand['next']) => s === '&&' || s === ';' || s === '\n';
  if (c.prev === '|' || c.next === '|' || c.prev === '(' || c.next === ')' || c.prev === '||' || c.next === '||') return undefined;
  const next = commands[i + 1];
  if (next && joins(c.next) && next.prev === c.next) {
    if (ctx.text.slice(c.end, next.start).includes('#')) return undefined;
    return { range: ctx.rangeOfOffsets(c.start, next.start), newText: '' };
  }
  const prev = commands[i - 1];
  if (prev && joins(c.prev) && prev.next === c.prev && c.next === null) {
    if (ctx.text.slice(prev.end, c.start).includes('#')) return undefined;
    return { range: ctx.rangeOfOffsets(prev.end, c.end), newText: '' };
  }
  return undefined;
}

export interface VariableUse {
  /** Document offsets of the expansion as written (`$NAME`, `${NAME}`, `${NAME:-x}`…). */
  start: number;
  end: number;
  /** A plain `$NAME`/`${NAME}` written contiguously: it can be replaced by another expansion exactly. */
  plain: boolean;
}

/**
 * The expansions of one variable in a shell script: `$NAME` and `${NAME…}` outside single quotes,
 * escapes and comments (which the shell does not expand). Other forms (`${NAME:-x}`, `${#NAME}`,
 * `${!NAME}`) are returned with `plain: false`.
 */
export function shellVariableUses(src: MappedText, name: string): VariableUse[] {
  const t = src.text;
  const o = src.offsets;
  const out: VariableUse[] = [];
  const idChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);
  let double = false;
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (!double && c === "'") {
      const close = t.indexOf("'", i + 1);
      i = close === -1 ? t.length : close;
      continue;
    }
    if (c === '"') {
      double = !double;
      continue;
    }
    if (!double && c === '#' && (i === 0 || /\s/.test(t[i - 1]))) {
      while (i < t.length && t[i] !== '\n') i++;
      continue;
    }
    if (c !== '$') continue;
    let end = -1;
    let plain = false;
    if (t.startsWith(name, i + 1) && !idChar(t[i + 1 + name.length])) {
      end = i + 1 + name.length;
      plain = true;
    } else if (t[i + 1] === '{') {
      const lead = t[i + 2] === '#' || t[i + 2] === '!' ? 1 : 0;
      const at = i + 2 + lead;
      if (t.startsWith(name, at) && !idChar(t[at + name.length])) {
        const close = t.indexOf('}', at);
        end = close === -1 ? t.length : close + 1;
        plain = lead === 0 && close === at + name.length;
      }
    }
    if (end === -1) continue;
    const start = o[i];
    const docEnd = o[end - 1] + 1;
    out.push({ start, end: docEnd, plain: plain && docEnd - start === end - i });
    i = end - 1;
  }
  return out;
}
