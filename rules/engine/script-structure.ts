/**
 * What the commands of a parsed script are, read from their words alone: the functions the script defines and where
 * their bodies end, the command that closes a compound, the utility a command runs (through `builtin`/`command`), and
 * the positional parameters (`"$@"`) an `exec` may run. The readings of which commands run (script-reach.ts) and in
 * which order (function-calls.ts) stand on these.
 */
import type { RunScript } from './dockerfile';
import { redirectionWidth, wordsWithoutRedirections, type SimpleCommand, type Word } from './shell';

/** A function a script defines: its name, the index of its body's first command and whether that body is a subshell (`name() ( … )`). */
export interface FunctionDefinition {
  name: string;
  at: number;
  subshell: boolean;
}

/**
 * The functions a script defines: `name() …`, `function name() …` and bash's and ash's `function name { …; }` (the
 * parser reads it as `function name() { …; }`; dash rejects it as a syntax error, so its script fails there), each
 * name with the index of its body's first command and whether that body is a subshell (`name() ( … )`). The name is
 * the last word before the `(`: `diff <(ls a) <(ls b)` defines nothing.
 */
export function functionDefinitions(commands: readonly SimpleCommand[]): FunctionDefinition[] {
  const defs: FunctionDefinition[] = [];
  for (let i = 1; i < commands.length; i++) {
    const d = commands[i - 1];
    if (d.next !== '(' || d.programIndex < 0) continue;
    const keyword = d.words[d.programIndex].value === 'function';
    if (d.words.length !== d.programIndex + (keyword ? 2 : 1)) continue;
    defs.push({ name: d.words[d.words.length - 1].value, at: i, subshell: commands[i].prev === '(' });
  }
  return defs;
}

/** The keywords that open and close compound commands (the parser keeps them as words before the program). */
export const OPENERS: ReadonlySet<string> = new Set(['if', 'while', 'until', 'for', 'select', 'case', '{']);

export const CLOSERS: ReadonlySet<string> = new Set(['fi', 'done', 'esac', '}']);

/**
 * The index of the command that closes the compound which word `word` of command `at` opens (its `fi`, `done`, `esac`
 * or `}`), when nothing but redirections (`done > log`) or other closing keywords (`fi }`) follow the keyword in that
 * command; -1 otherwise, and when the words from there leave no compound open (nothing to close).
 */
export function closingCommand(commands: readonly SimpleCommand[], at: number, word: number): number {
  let depth = 0;
  for (let i = at; i < commands.length; i++) {
    const words = commands[i].words;
    const leadEnd = commands[i].programIndex >= 0 ? commands[i].programIndex : words.length;
    for (let w = i === at ? word : 0; w < leadEnd; w++) {
      if (OPENERS.has(words[w].value)) depth++;
      else if (CLOSERS.has(words[w].value) && --depth === 0) {
        // Only redirections (`} > log`) or other closers may follow the keyword that ends the compound.
        for (let r = w + 1; r < words.length; ) {
          if (CLOSERS.has(words[r].value)) r++;
          else {
            const width = redirectionWidth(words, r);
            if (width === 0) return -1;
            r += width;
          }
        }
        return i;
      }
    }
    if (depth <= 0) return -1;
  }
  return -1;
}

/**
 * The index of the last command of a function's body (its `}`, `fi`, `done`, `esac`: closingCommand, or the command
 * before a subshell body's `)`), -1 when the keywords or parentheses do not pair up.
 */
export function functionBodyEnd(commands: readonly SimpleCommand[], def: FunctionDefinition): number {
  if (!def.subshell) return closingCommand(commands, def.at, 0);
  let depth = 0;
  for (let i = def.at; i < commands.length; i++) {
    const c = commands[i];
    if (c.prev === '(') depth++;
    if (c.next === ')' && --depth === 0) return i;
  }
  return -1;
}

/**
 * A command's words (redirections left out) from the one naming what it runs, through `builtin` and `command [-p] [--]`
 * (bash's builtin runs the builtin it names; POSIX command runs a builtin as such, without function lookup); for
 * `command -v`/`-V` (`describes`: it only says what a name is), from that `command` word. `viaBuiltin`: a `builtin`
 * word was passed over.
 */
export function builtinWords(c: SimpleCommand): BuiltinWords {
  let found = builtinWordsOf.get(c);
  if (found === undefined) builtinWordsOf.set(c, (found = readBuiltinWords(c)));
  return found;
}

/** What builtinWords reads of a command. */
interface BuiltinWords {
  words: readonly Word[];
  describes: boolean;
  viaBuiltin: boolean;
}

/**
 * builtinWords' reading of each command, read once: the readers of what ends a shell ask it of every command of every
 * script (scriptEnds, neverRunAfterAnd's terminators, the traps, shellUtility), each read cost two or three arrays. A
 * command is never changed once parsed; a copy of one (`{ ...cmd, programIndex }`) is another key. Callers never modify
 * what it returns.
 */
const builtinWordsOf = new WeakMap<SimpleCommand, BuiltinWords>();

function readBuiltinWords(c: SimpleCommand): BuiltinWords {
  let words = wordsWithoutRedirections(c.words.slice(c.programIndex));
  let viaBuiltin = false;
  while (words.length > 0 && literalWord(words[0]) && (words[0].value === 'builtin' || words[0].value === 'command')) {
    let k = 1;
    if (words[0].value === 'command') {
      for (; k < words.length && /^-[pvV]+$/.test(words[k].value); k++) if (/[vV]/.test(words[k].value)) return { words, describes: true, viaBuiltin };
    } else viaBuiltin = true;
    if (words[k]?.value === '--') k++;
    words = words.slice(k);
  }
  return { words, describes: false, viaBuiltin };
}

/**
 * Whether a command may run the utility `name` (builtinWords' first word): its program is written `name`, `command` or
 * `builtin` (builtinWords looks past nothing else). A cheap test before builtinWords, for the questions asked of every
 * command of every RUN.
 */
export function mayRunUtility(c: SimpleCommand, name: string): boolean {
  const program = c.words[c.programIndex].value;
  return program === name || program === 'command' || program === 'builtin';
}

/** Whether a word is the same text whatever the shell's state: no parameter expansion, command substitution or backquote. */
export function literalWord(w: Word): boolean {
  return !w.raw.includes('$') && !w.raw.includes('`');
}

/**
 * The utility a simple command runs, written literally (no expansion in its name): its program, or the one that
 * `command [-p] [--]` or bash's `builtin` run (builtinWords), with its arguments (redirections left out). `command`
 * changes nothing of what a special built-in does but its special properties (POSIX command: "In every other respect,
 * if command_name is not the name of a function, the effect of command (with no options) shall be the same as
 * omitting command"), so `command exit 0` ends the shell and `command exec prog` replaces it, in dash and BusyBox ash
 * too. `viaBuiltin`: named through `builtin`, which bash (and zsh, ksh) has and dash and BusyBox ash do not (there
 * `builtin exit 0` fails with status 127 and the shell goes on). For `command -v`/`-V` (which only describes), the
 * utility is `command`. Undefined when the command has no program or its name holds an expansion. Every reading of
 * what ends a shell (`exit`, `exec`, `return`) asks this.
 */
export function shellUtility(c: SimpleCommand): ShellUtility | undefined {
  if (c.programIndex < 0) return undefined;
  let found = utilityOf.get(c);
  if (found === undefined) {
    const { words, viaBuiltin } = builtinWords(c);
    found = words.length === 0 || !literalWord(words[0]) ? null : { name: words[0].value, args: words.slice(1), viaBuiltin };
    utilityOf.set(c, found);
  }
  return found ?? undefined;
}

/** The utility a command runs (shellUtility). */
interface ShellUtility {
  name: string;
  args: readonly Word[];
  viaBuiltin: boolean;
}

/**
 * shellUtility's answer for each command that has a program (null: none written literally), read once, as builtinWords'
 * (builtinWordsOf: the same readers ask it of every command). Callers never modify what it returns.
 */
const utilityOf = new WeakMap<SimpleCommand, ShellUtility | null>();

/**
 * Whether an `exec`'s program (its first word after the options) is only the positional parameters (`"$@"`, `$1`,
 * `${1+"$@"}`: POSITIONAL_ONLY) where none is set (`noArgs`): it runs no program, only applies its redirections, and the
 * shell goes on (POSIX exec: "If exec is specified without command or arguments … the shell shall continue").
 */
export function execOfNothing(args: readonly Word[], noArgs: boolean): boolean {
  if (!noArgs) return false;
  let k = 0;
  for (; k < args.length && /^-/.test(args[k].value) && args[k].value !== '--'; k++) if (args[k].value === '-a') k++;
  if (args[k]?.value === '--') k++;
  return k < args.length && POSITIONAL_ONLY.test(args[k].raw);
}

/**
 * A word that is only the positional parameters, quoted or not: `"$@"`, `$*`, `"${1}"`, `$9`, and `${1+"$@"}` /
 * `${1:+"$@"}` (the old idiom for `"$@"`: the parameters when `$1` is set, else nothing; POSIX 2.6.2 Parameter Expansion).
 */
export const POSITIONAL_ONLY = /^(?:("?)\$(?:\{[@*1-9]\}|[@*1-9])\1|\$\{[1-9]:?\+("?)\$(?:[@*]|\{[@*]\})\2\})$/;

/** Whether a command sets the positional parameters (`set -- a b`, `set a b`; POSIX set): after it `"$@"` may run a program. */
export function setsPositional(c: SimpleCommand): boolean {
  const u = shellUtility(c);
  if (!u || u.name !== 'set') return false;
  for (let k = 0; k < u.args.length; k++) {
    const v = u.args[k].value;
    if (v === '--') return k + 1 < u.args.length;
    if (v === '-o' || v === '+o') k++;
    else if (!/^[-+]/.test(v)) return true;
  }
  return false;
}

/**
 * Whether a script runs with no positional parameter set (execOfNothing): a RUN's own script (`/bin/sh -c '…'` alone) or
 * a heredoc fed to a shell with no operand (`RUN <<EOF`, `RUN bash -eux <<EOF`), or a script string whose shell is given
 * none after the string and `$0`'s name (`sh -c '…' sh`: POSIX sh, the operands after command_name are the positional
 * parameters); not `eval` text, which has those of where it runs, nor `bash -s a b <<EOF`; nor a script that sets them
 * (`set -- …`: setsPositional).
 */
export function positionalUnset(script: RunScript): boolean {
  if (script.host && !script.noArguments) return false;
  if (script.commands.some(setsPositional)) return false;
  const feeder = script.feeder;
  return !!script.host || !feeder || feeder.programIndex < 0 || feeder.words.slice(feeder.programIndex + 1).every((w) => w.value.startsWith('-'));
}
