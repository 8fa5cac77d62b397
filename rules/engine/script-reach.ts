/**
 * Which commands of a RUN's scripts run: where a script's shell ends (`exit`, `exec prog`, a top-level `return`, a call
 * of a function whose body ends it), the commands behind `&&` after such a terminator that never run, the compound
 * commands open around a command and whether errexit holds there. The package rules (packages.ts) and the reading of
 * the order of a RUN's commands (function-calls.ts) ask these.
 */
import type { RunInstruction, RunScript } from './dockerfile';
import { wordsWithoutRedirections, type Separator, type SimpleCommand, type Word } from './shell';
import { stringScriptsOf, substitutionScriptsOf } from './script-strings';
import { builtinWords, closingCommand, execOfNothing, functionBodyEnd, functionDefinitions, literalWord, POSITIONAL_ONLY, positionalUnset, shellUtility, type FunctionDefinition } from './script-structure';

/**
 * What a `set` command's arguments do to errexit: true (`set -e`, `set -eux`, `set -o errexit`, `set -euo pipefail`),
 * false (`set +e`, `set +o errexit`), undefined when they leave it alone. Options end at `--` or the first operand
 * (`set -- -e` sets the positional parameters).
 */
function setErrexit(args: readonly string[]): boolean | undefined {
  let out: boolean | undefined;
  for (let j = 0; j < args.length; j++) {
    const a = args[j];
    if (a === '--' || a === '-' || !/^[-+]/.test(a)) break;
    if (/^[-+][A-Za-z]*e[A-Za-z]*$/.test(a)) out = a[0] === '-';
    if (/^[-+][A-Za-z]*o$/.test(a)) {
      if (args[j + 1] === 'errexit') out = a[0] === '-';
      j++;
    }
  }
  return out;
}

/**
 * Whether a command may turn errexit off in the shell that runs it, or does something to the shell's options that is
 * not read here (review 49a, F2/F4): `set +e` / `set +o errexit`, a `set` whose options come from an expansion
 * (`set $FLAGS`); `shopt -u -o errexit` (`-uo`; `shopt -o` takes the `set -o` names, bash's The Shopt Builtin; no
 * option of shopt's own is errexit) or with a name from an expansion; any `eval` (its string is read as a new
 * command), `source` / `.` (the file may `set +e`); `builtin` and `command` in front of any of them (bash's builtin,
 * POSIX command: they run the builtin in this shell; `command -v` only describes it); a trap that may run in this
 * shell while the script goes on (not only EXIT, not a reset `trap - …` or ignore `trap '' …`); an alias definition
 * (sh expands aliases in a script); a call of a function the script defines whose body may do any of these
 * (`offFunctions`, functionsTurningErrexitOff); and a command whose name comes from an expansion (`$CMD +e`), unless
 * it holds a `/` of its own (a path: a program, no builtin). A program the shell starts (`bash -c 'set +e'`, a script
 * run by path) cannot change this shell's options, and `exec 2>&1` only redirects.
 */
export function mayTurnErrexitOff(c: SimpleCommand, offFunctions: ReadonlySet<string>): boolean {
  if (c.programIndex < 0) return false;
  // `builtin set +e`, `command set +e`, `command -p set +e`: the builtin they name runs in this shell.
  const { words, describes } = builtinWords(c);
  if (describes) return false;
  const name = words[0];
  if (!name) return false;
  if (!literalWord(name)) return !name.raw.replace(/\$\{[^}]*\}|\$\([^)]*\)|`[^`]*`/g, '').includes('/');
  const args = words.slice(1);
  switch (name.value) {
    case 'set':
      return setErrexit(args.map((w) => w.value)) === false || !setOptionsLiteral(args);
    case 'shopt': {
      let k = 0;
      let flags = '';
      for (; k < args.length && args[k].value !== '--' && /^-/.test(args[k].value); k++) {
        if (!literalWord(args[k])) return true;
        flags += args[k].value.slice(1);
      }
      if (args[k] && !literalWord(args[k]) && !/^-/.test(args[k].value)) return true;
      if (args[k]?.value === '--') k++;
      return flags.includes('o') && flags.includes('u') && args.slice(k).some((w) => !literalWord(w) || w.value === 'errexit');
    }
    case 'eval':
      return args.length > 0;
    case 'source':
    case '.':
      return true;
    case 'trap':
      return trapMayRun(args);
    case 'alias':
      return args.some((w) => !literalWord(w) || w.value.includes('='));
  }
  return offFunctions.has(name.value);
}

/** Whether a `set`'s option words (up to `--`, `-` or the first operand, `-o`/`+o` names included) are all literal. */
function setOptionsLiteral(args: readonly Word[]): boolean {
  for (let j = 0; j < args.length; j++) {
    if (!literalWord(args[j])) return false;
    const a = args[j].value;
    if (a === '--' || a === '-' || !/^[-+]/.test(a)) return true;
    if (/^[-+][A-Za-z]*o$/.test(a)) {
      if (args[j + 1] && !literalWord(args[j + 1])) return false;
      j++;
    }
  }
  return true;
}

/**
 * Whether a `trap` sets an action that may run in this shell while the script goes on: an action for a condition other
 * than EXIT (`DEBUG`, `ERR`, `RETURN`, a signal), or one given through an expansion. Not `trap`, `trap -l`/`-p`, a
 * reset (`trap - INT`, or an unsigned integer first: POSIX trap) nor an ignore (`trap '' INT`).
 */
function trapMayRun(args: readonly Word[]): boolean {
  let k = 0;
  if (args[0]?.value === '-l' || args[0]?.value === '-p') return false;
  if (args[0]?.value === '--') k++;
  const rest = args.slice(k);
  if (rest.length === 0) return false;
  if (rest.some((w) => !literalWord(w))) return true;
  if (rest[0].value === '-' || rest[0].value === '' || /^\d+$/.test(rest[0].value)) return false;
  return rest.slice(1).some((w) => !/^(?:(?:SIG)?EXIT|0)$/i.test(w.value));
}

/**
 * The functions a script defines (functionDefinitions: `name() { …; }`, `function name { …; }`, any compound body but
 * a subshell, whose settings stay in it) whose body may turn errexit off (mayTurnErrexitOff, calls of such functions included, whatever
 * order they are defined in): a call of one may turn it off where it is called. Memoised per script.
 */
export function functionsTurningErrexitOff(commands: readonly SimpleCommand[]): ReadonlySet<string> {
  let known = offFunctionsOf.get(commands);
  if (known) return known;
  const defs = functionDefinitions(commands).filter((d) => !d.subshell).map(({ name, at }) => {
    const to = closerOf(commands, { kind: 'function', at, word: 0, before: false, off: false, conditional: false });
    return { name, from: at, to: to < 0 ? commands.length - 1 : to };
  });
  const off = new Set<string>();
  for (let changed = defs.length > 0; changed; ) {
    changed = false;
    for (const d of defs) {
      if (off.has(d.name)) continue;
      for (let k = d.from; k <= d.to; k++) {
        if (mayTurnErrexitOff(commands[k], off)) {
          off.add(d.name);
          changed = true;
          break;
        }
      }
    }
  }
  known = off;
  offFunctionsOf.set(commands, known);
  return known;
}

const offFunctionsOf = new WeakMap<readonly SimpleCommand[], ReadonlySet<string>>();

/** What a compound command's keyword does to the stack of open constructs (the parser keeps keywords as words before the program). */
type Construct = 'if-cond' | 'if-body' | 'loop-head' | 'loop-body' | 'case' | 'brace' | 'subshell' | 'function';

interface Frame {
  kind: Construct;
  /** The command whose lead words open the construct, and the index there of the opening keyword (or -1 for a subshell). */
  at: number;
  word: number;
  /** Whether errexit was surely on where the construct opened, and whether anything inside may have turned it off. */
  before: boolean;
  off: boolean;
  /** A `{ … }` behind `&&`/`||`: it may not run. */
  conditional: boolean;
}

/**
 * The open compound commands around command `k` (outermost first), read from the keywords of the commands before it
 * and its own (`then`, `else`, `{` open the body it stands in), and whether errexit is surely on there: turned on by
 * `initial` (the options of the shell that runs the script) or by a `set -e` / `set -o errexit` that surely ran in
 * this shell before `k` — at the top level or in a body `k` stands in (`if …; then set -e; cmd; fi`), the first
 * command of its and-or list, not in a condition, pipe or background job; a `set -e` inside an `if`, loop or `case`
 * that has closed may not have run, and one in a subshell or function body does not reach `k`. Any `set +e` before
 * `k` that may have run turns it off. Null when the keywords do not pair up, or `k` itself is a condition or negated
 * (`if …`, `while …`, `! cmd`, `! a | cmd`).
 */
export function constructsAt(commands: readonly SimpleCommand[], k: number, initial: boolean): { stack: Frame[]; errexit: boolean } | null {
  const stack: Frame[] = [];
  let on = initial;
  const offFunctions = functionsTurningErrexitOff(commands);
  /** Errexit may have been turned off here: every open construct up to the nearest subshell sees it (a function's `set +e` holds after a call). */
  const turnOff = () => {
    on = false;
    for (let f = stack.length - 1; f >= 0; f--) {
      stack[f].off = true;
      if (stack[f].kind === 'subshell') break;
    }
  };
  /** Close the innermost construct, which must be of this kind; `next` is the operator after its closing keyword. */
  const close = (kind: Construct, next: Separator): boolean => {
    const f = stack.pop()!;
    if (f.kind !== kind && !(kind === 'brace' && f.kind === 'function')) return false;
    // A subshell's settings stay inside it. A construct that may not have run (an `if`, a loop, a `case`, a function
    // body, a `{ … }` behind `&&`/`||` or in a pipe, which runs in a subshell) leaves errexit on only if it was on
    // before and nothing inside may have turned it off; a `{ … }` that surely ran leaves it as it is.
    if (f.kind === 'subshell') on = f.before;
    else if (f.kind !== 'brace' || f.conditional || next === '|' || next === '&') {
      if (f.off) turnOff();
      else on = f.before;
    }
    return true;
  };
  // `! a | cmd`: the `!` negates the whole pipeline.
  let p = k;
  while (p > 0 && p < commands.length && commands[p - 1].next === '|') p--;
  const pipeLead = p >= commands.length ? [] : commands[p].programIndex >= 0 ? commands[p].words.slice(0, commands[p].programIndex) : commands[p].words;
  if (p < k && pipeLead.some((w) => w.value === '!')) return null;
  // `k` past the last command: the end of the script, after everything in it ran (appendToRun).
  for (let i = 0; i <= k && i < commands.length; i++) {
    const c = commands[i];
    const op = i > 0 ? commands[i - 1].next : null;
    const afterList = op === '&&' || op === '||';
    // `name() { …; }`: a function body runs when called, not here.
    const functionBody = i > 0 && commands[i - 1].next === '(' && c.prev !== '(';
    if (c.prev === '(' && !functionBody) stack.push({ kind: 'subshell', at: i, word: -1, before: on, off: false, conditional: afterList });
    const lead = c.programIndex >= 0 ? c.words.slice(0, c.programIndex) : c.words;
    for (let w = 0; w < lead.length; w++) {
      const top = stack[stack.length - 1];
      const open = (kind: Construct) => stack.push({ kind, at: i, word: w, before: on, off: false, conditional: w === 0 && (afterList || op === '|') });
      switch (lead[w].value) {
        case 'if': open('if-cond'); break;
        case 'elif': if (top?.kind !== 'if-body') return null; top.kind = 'if-cond'; break;
        case 'then': if (top?.kind !== 'if-cond') return null; top.kind = 'if-body'; break;
        case 'else': if (top?.kind !== 'if-body') return null; break;
        case 'fi': if (top?.kind !== 'if-body' || !close('if-body', c.next)) return null; break;
        case 'while': case 'until': case 'for': case 'select': open('loop-head'); break;
        case 'do': if (top?.kind !== 'loop-head') return null; top.kind = 'loop-body'; break;
        case 'done': if (top?.kind !== 'loop-body' || !close('loop-body', c.next)) return null; break;
        case 'case': open('case'); break;
        case 'esac': if (top?.kind !== 'case' || !close('case', c.next)) return null; break;
        case '{': open(functionBody && w === 0 ? 'function' : 'brace'); break;
        case '}': if ((top?.kind !== 'brace' && top?.kind !== 'function') || !close('brace', c.next)) return null; break;
        case '!': case 'time': if (i === k) return null; break;
      }
      // A branch after `else`/`elif` runs instead of the one before: what that one set does not hold in it.
      if ((lead[w].value === 'else' || lead[w].value === 'elif') && stack.length > 0) on = stack[stack.length - 1].before && !stack[stack.length - 1].off;
    }
    if (i === k) break;
    if (c.next === ')') {
      if (stack[stack.length - 1]?.kind !== 'subshell' || !close('subshell', null)) return null;
    }
    // `set +e`, and anything else that may turn errexit off or does what is not read here (`eval`, `source`, a call of a
    // function whose body may: mayTurnErrexitOff).
    if (mayTurnErrexitOff(c, offFunctions)) turnOff();
    else if (c.programIndex >= 0 && c.words[c.programIndex].value === 'set') {
      const set = setErrexit(c.words.slice(c.programIndex + 1).map((w) => w.value));
      if (set === true) {
        const top = stack[stack.length - 1];
        const inCondition = top?.kind === 'if-cond' || top?.kind === 'loop-head';
        const piped = c.next === '|' || c.next === '&' || op === '|';
        if (!afterList && !inCondition && !piped && !functionBody) on = true;
      }
    }
  }
  return { stack, errexit: on };
}

/**
 * The command that closes the compound a frame opened (closingCommand: its `fi`, `done`, `esac` or `}`, with nothing but
 * redirections or other closing keywords after the keyword); -1 otherwise, and for a subshell.
 */
export function closerOf(commands: readonly SimpleCommand[], frame: Frame): number {
  return frame.word < 0 ? -1 : closingCommand(commands, frame.at, frame.word);
}

/**
 * Whether a compound command runs where errexit holds for what it runs: not negated (`! { …; }`), not in a pipe or the
 * background (a subshell), not followed by `&&` or `||` (bash, set -e: "If a compound command … executes in a context
 * where -e is being ignored, none of the commands executed within [it] will be affected by the -e setting"). A compound
 * after `&&`/`||` is the last of its list, where errexit holds.
 */
export function compoundKeepsErrexit(commands: readonly SimpleCommand[], frame: Frame): boolean {
  if (runsInSubshell(commands, frame)) return false;
  const next = commands[closerOf(commands, frame)].next;
  if (next === '&&' || next === '||') return false;
  return !commands[frame.at].words.slice(0, frame.word).some((w) => w.value === '!');
}

/** Whether a compound runs in a subshell of its own, a part of a pipe or a background job (`{ …; } | tee log`), or its end is not found. */
export function runsInSubshell(commands: readonly SimpleCommand[], frame: Frame): boolean {
  const closer = closerOf(commands, frame);
  if (closer < 0) return true;
  const next = commands[closer].next;
  return next === '|' || next === '&' || (frame.word === 0 && frame.at > 0 && commands[frame.at - 1].next === '|');
}

/** Programs that end the shell that runs them, wherever they stand at its top level (exec: when given a program). */
export const TERMINATORS = new Set(['exit', 'exec']);

/** Where a script's shell ends (scriptEnds). */
interface ScriptEnds {
  sure: number;
  may: number;
  /** The first `sure` or top-level `return`: where a shell that ends a script at a `return` (returnEndsScript) ends it. */
  ret: number;
}

/**
 * Where a script's shell ends, at its top level (memoised per script): `sure`, the index of the first command that
 * ends it in every shell when reached — `exit`, or `exec` with a program (`exec 2>&1` only redirects); `may`, the first
 * that may end it in some shell and not in another (or the first `sure`, whichever comes first) — `builtin exit` or
 * `builtin exec prog`, which end bash (bash's Bash Builtin Commands, builtin) while dash and BusyBox ash, which have no
 * `builtin`, fail it with status 127 and go on, and `return`, which
 * POSIX leaves unspecified outside a function or dot script (return(1p): "If the shell is not currently executing a
 * function or dot script, the results are unspecified"): dash and BusyBox ash end the script with its status, bash in
 * POSIX mode (as `sh`) ends it with status 2, bash otherwise (`SHELL ["/bin/bash", "-c"]`, `bash -c '…'`) prints
 * "return: can only `return' from a function or sourced script", fails with status 2 and goes on (return.def:
 * "failure if the shell is not executing a function or script"); `ret`, the first `sure` or `return`. -1 when there is
 * none. A terminator counts when written literally as the utility the command runs (shellUtility: also through POSIX
 * `command`, which ends the shell as the built-in it runs does), as the first command of its and-or list (not after `&&`/`||`), not in a pipe or
 * the background (a subshell there), not inside an `if`, loop, `case`, subshell or function body (constructsAt: not
 * negated either); inside a `{ … }` group only when every group around it surely runs in this shell (not behind
 * `&&`/`||`, not in a pipe or the background: runsInSubshell): `{ echo done; exit 0; }` ends the shell, `( …; exit 0 )`
 * only its subshell. A call of a function of the script whose body surely ends the shell (callEnds: `f() { exit 0; }; f`)
 * stands where it is for that body's terminator, read the same way.
 */
export function scriptEnds(script: RunScript): ScriptEnds {
  const commands = script.commands;
  let found = scriptEndsOf.get(commands);
  if (found) return found;
  found = { sure: -1, may: -1, ret: -1 };
  for (let k = 0; k < commands.length && found.sure < 0; k++) {
    const c = commands[k];
    let u = shellUtility(c);
    if (!u) continue;
    const called = !TERMINATORS.has(u.name) && u.name !== 'return';
    if (called) {
      // A call of a function whose body surely ends the shell (`f() { exit 0; }; f`: callEnds) ends it as its `exit` does.
      u = callEnds(commands, k);
      if (!u) continue;
    }
    const program = u.name;
    const op = k > 0 ? commands[k - 1].next : null;
    if (op === '&&' || op === '||' || op === '|' || op === '(' || c.prev === '(' || c.next === '|' || c.next === '&' || c.next === ')') continue;
    // `exec "$@"` in a function's body runs the call's arguments (none for `f` alone: bash's Positional Parameters, they
    // "are temporarily replaced when a shell function is executed"); in a RUN's own script nothing (execRunsProgram).
    if (program === 'exec' && !execRunsProgram(u.args, called ? callGivesNoArguments(c, script) : positionalUnset(script))) continue;
    // bash's `builtin return` outside a function fails and goes on, as `return` does there; dash and ash have no `builtin`.
    if (program === 'return' && u.viaBuiltin) continue;
    const at = constructsAt(commands, k, false);
    if (!at || at.stack.some((f) => f.kind !== 'brace' || f.conditional || runsInSubshell(commands, f))) continue;
    if (found.may < 0) found.may = k;
    if (program === 'return') {
      if (found.ret < 0) found.ret = k;
    } else if (!u.viaBuiltin) {
      found.sure = k;
      if (found.ret < 0) found.ret = k;
    }
  }
  scriptEndsOf.set(commands, found);
  return found;
}

const scriptEndsOf = new WeakMap<readonly SimpleCommand[], ScriptEnds>();

/** Whether a call of a function gives its body no positional parameter: no argument, or only `"$@"` where none is set. */
function callGivesNoArguments(call: SimpleCommand, script: RunScript): boolean {
  const args = wordsWithoutRedirections(call.words.slice(call.programIndex + 1));
  return args.every((w) => POSITIONAL_ONLY.test(w.raw)) && (args.length === 0 || positionalUnset(script));
}

/**
 * For command `k` of a script that calls a function the script defines (its program written as the name, not through
 * `command`, which runs no function: POSIX command), the terminator that surely ends the shell in that function's body
 * (shellUtility's reading of it), when: the name is defined once, at the top level (not in a compound, not behind
 * `&&`/`||`), before the call; the body is a `{ …; }` group (a `( … )` body runs in a subshell: its `exit` ends that);
 * and the body's first terminator standing at its own top level — `exit`, or `exec` with a program, as scriptEnds reads
 * one at the script's (not after `&&`/`||`, not in a pipe, the background, a subshell, an `if`, loop or `case`; in a
 * `{ … }` only where it surely runs) — comes with no `return` before it in the body (which may leave the function
 * first). A function's body "is executed whenever fname is specified as the name of a simple command" (bash's Shell
 * Functions), and `exit` there ends the shell, not the function (POSIX exit). Undefined otherwise.
 */
export function callEnds(commands: readonly SimpleCommand[], k: number): ReturnType<typeof shellUtility> {
  const c = commands[k];
  if (c.programIndex < 0) return undefined;
  const name = c.words[c.programIndex];
  if (/[$`]/.test(name.raw)) return undefined;
  const ending = bodyEnding(commands, name.value);
  return ending && ending.end < k ? ending.terminator : undefined;
}

/** What the body of a function a script defines ends the shell with (callEnds), and where the body ends. */
interface BodyEnding {
  end: number;
  terminator: NonNullable<ReturnType<typeof shellUtility>>;
}

/**
 * Per script, the functions it defines by name (functionDefinitions) and, once asked, what each one's body surely ends
 * the shell with (null: nothing, or not known). Read once per script and name, not per call: scriptEnds asks callEnds
 * for every command, and a script with thousands of functions would otherwise read each body again at every call.
 */
const bodyEndingsOf = new WeakMap<readonly SimpleCommand[], { defs: Map<string, FunctionDefinition[]>; endings: Map<string, BodyEnding | null> }>();

/** callEnds' reading of the body of the function named `name` (see there), null when it does not surely end the shell. */
function bodyEnding(commands: readonly SimpleCommand[], name: string): BodyEnding | null {
  let memo = bodyEndingsOf.get(commands);
  if (!memo) {
    const defs = new Map<string, FunctionDefinition[]>();
    for (const d of functionDefinitions(commands)) {
      const same = defs.get(d.name);
      if (same) same.push(d);
      else defs.set(d.name, [d]);
    }
    memo = { defs, endings: new Map() };
    bodyEndingsOf.set(commands, memo);
  }
  let ending = memo.endings.get(name);
  if (ending === undefined) {
    ending = readBodyEnding(commands, memo.defs.get(name));
    memo.endings.set(name, ending);
  }
  return ending;
}

function readBodyEnding(commands: readonly SimpleCommand[], same: readonly FunctionDefinition[] | undefined): BodyEnding | null {
  if (!same || same.length !== 1 || same[0].subshell) return null;
  const def = same[0];
  const end = functionBodyEnd(commands, def);
  if (end < 0) return null;
  let terminator: BodyEnding['terminator'] | undefined;
  for (let j = def.at; j <= end && !terminator; j++) {
    const b = commands[j];
    const u = shellUtility(b);
    if (!u) continue;
    if (u.name === 'return') return null;
    if (!TERMINATORS.has(u.name) || (u.name === 'exec' && !execRunsProgram(u.args))) continue;
    const op = j > def.at ? commands[j - 1].next : null;
    if (op === '&&' || op === '||' || op === '|' || op === '(' || b.prev === '(' || b.next === '|' || b.next === '&' || b.next === ')') continue;
    const at = constructsAt(commands, j, false);
    if (!at || at.stack[0]?.kind !== 'function' || at.stack.slice(1).some((f) => f.kind !== 'brace' || f.conditional || runsInSubshell(commands, f))) continue;
    terminator = u;
  }
  if (!terminator) return null;
  // Defined where it surely runs before the call: at the top level, not behind `&&`/`||` or in a pipe.
  const head = def.at - 1;
  const headOp = head > 0 ? commands[head - 1].next : null;
  if (headOp === '&&' || headOp === '||' || headOp === '|' || commands[head].prev === '(') return null;
  const around = constructsAt(commands, head, false);
  if (!around || around.stack.length > 0) return null;
  return { end, terminator };
}

/** The index of the first command of a script that surely ends its shell when reached (scriptEnds: `exit`, `exec prog`); commands after it never run. -1 when there is none. */
export function terminatorIndex(script: RunScript): number {
  return scriptEnds(script).sure;
}

/** The index of the first command of a script that may end its shell when reached (scriptEnds: `exit`, `exec prog`, a top-level `return`); commands after it may not run. -1 when there is none. */
export function mayEndIndex(script: RunScript): number {
  return scriptEnds(script).may;
}

/**
 * Whether an `exec` given these arguments (shellUtility's) names a program to run (`exec nginx`, `exec -a name prog`),
 * not only redirections (`exec 2>&1`: POSIX exec, "If exec is specified without command or arguments … any
 * redirections shall take effect in the current shell environment", and the shell goes on). `exec "$@"` (`$*`, `$1`…)
 * runs no program where no positional parameter is set (`positionalUnset`): a RUN's own script, which Docker runs as
 * `/bin/sh -c '…'` with no argument after it, so `"$@"` expands to nothing (bash manual, Special Parameters). Anywhere
 * else (a function's body, a `sh -c '…' sh prog` string, `eval` text) it is read as running the arguments it is given.
 */
function execRunsProgram(args: readonly Word[], positionalUnset = false): boolean {
  let k = 0;
  for (; k < args.length && /^-/.test(args[k].value) && args[k].value !== '--'; k++) if (args[k].value === '-a') k++;
  if (args[k]?.value === '--') k++;
  if (k >= args.length) return false;
  return !execOfNothing(args, positionalUnset);
}

/**
 * Whether a command of a RUN runs in every shell whenever its shell gets that far: as mayRun, and not after a
 * top-level `return` either (mayEndIndex: dash and ash end the script there, bash goes on). What counts as a cleanup
 * or a consumer that surely runs reads this: a cleanup that may not run may clean nothing.
 */
export function runsInEveryShell(run: RunInstruction, cmd: SimpleCommand): boolean {
  return reachedBy(run, cmd, mayEndIndex);
}

export function reachedBy(run: RunInstruction, cmd: SimpleCommand, ends: (script: RunScript) => number): boolean {
  const at = placeOf(run, cmd);
  return !at || scriptCommandReached(run, at.script, at.index, ends, 0);
}

const placesOf = new WeakMap<RunInstruction, Map<SimpleCommand, { script: RunScript; index: number }>>();

/**
 * The script of a RUN that holds a command, and its index there: the RUN's scripts, the scripts of the shells it starts
 * (stringScriptsOf) and of its command substitutions (substitutionScriptsOf). Indexed once per RUN: mayRun and
 * runsInEveryShell ask it of every command.
 */
export function placeOf(run: RunInstruction, cmd: SimpleCommand): { script: RunScript; index: number } | undefined {
  let places = placesOf.get(run);
  if (!places) {
    places = new Map();
    for (const scripts of [run.scripts, stringScriptsOf(run), substitutionScriptsOf(run)])
      for (const script of scripts) script.commands.forEach((c, index) => places!.has(c) || places!.set(c, { script, index }));
    placesOf.set(run, places);
  }
  return places.get(cmd);
}

function scriptCommandReached(run: RunInstruction, script: RunScript, k: number, ends: (script: RunScript) => number, depth: number): boolean {
  const t = ends(script);
  if (t >= 0 && k > t) return false;
  if (neverRunAfterAnd(script).has(k)) return false;
  if (depth > 4) return true;
  if (script.host) return scriptCommandReached(run, script.host.script, script.host.index, ends, depth + 1);
  if (script.heredoc && script.feeder) {
    const line = run.scripts.find((s) => !s.heredoc && s.commands.includes(script.feeder!));
    if (line) return scriptCommandReached(run, line, line.commands.indexOf(script.feeder), ends, depth + 1);
  }
  return true;
}

/**
 * Whether a command is `exit`, `return` or `exec` with a program, written literally as the utility it runs (shellUtility:
 * also `command exit 0`, `builtin exec prog`).
 */
function isTerminatorCommand(c: SimpleCommand, positionalUnset = false): boolean {
  const u = shellUtility(c);
  if (!u) return false;
  return u.name === 'exit' || u.name === 'return' || (u.name === 'exec' && execRunsProgram(u.args, positionalUnset));
}

/** The words before a command's program (assignments, keywords), or all of them when it has none. */
export function leadWords(c: SimpleCommand): readonly Word[] {
  return c.programIndex >= 0 ? c.words.slice(0, c.programIndex) : c.words;
}

/**
 * The terminator that ends the last and-or list of the commands up to `j` at one level (the script's top level, or
 * the body of a `{ … }` group), so that whatever the shell reaches after that list never runs: `…; exit 0`, `… &&
 * exit 0`, `… && exec prog`, `… && return` (outside a function a `return` ends the script in dash and ash and fails
 * with status 2 in bash: never a success), or a `{ …; }` group that is itself the last element and ends that way
 * (`… && { echo done; exit 0; }`). After `&&` the list gets that far only when what came before succeeded (bash's
 * Lists of Commands: "command2 is executed if, and only if, command1 returns an exit status of zero"), and then it
 * ends the shell. Not one behind `||` (the list succeeds without it), in a pipe, the background or a subshell, negated,
 * or inside an `if`, loop, `case` or function body. -1 when there is none. `anyNext`: whatever operator follows `j`
 * (neverRunAfterAnd asks about a group followed by `&&`).
 */
export function finalTerminator(commands: readonly SimpleCommand[], j: number, depth = 0, anyNext = false): number {
  const c = commands[j];
  if (!c || depth > 8 || (!anyNext && c.next !== null && c.next !== ';' && c.next !== '\n')) return -1;
  const lead = leadWords(c);
  if (c.programIndex >= 0) {
    if (c.prev === '(' || !isTerminatorCommand(c) || lead.some((w) => w.value !== '{' && KEYWORD_WORDS.has(w.value))) return -1;
    // A command opening a group (`{ exit 0; }`) is the first of the group's list; else the operator before it counts.
    const op = j > 0 ? commands[j - 1].next : null;
    if (!lead.some((w) => w.value === '{') && (op === '||' || op === '|' || op === '&' || op === '(' || op === ')')) return -1;
    return j;
  }
  // A group's closing `}` alone: the group ends with a terminator when its body does.
  if (c.words.length !== 1 || c.words[0].value !== '}' || j === 0) return -1;
  const at = constructsAt(commands, j - 1, false);
  const frame = at?.stack[at.stack.length - 1];
  if (!frame || frame.kind !== 'brace' || closerOf(commands, frame) !== j) return -1;
  const opener = commands[frame.at];
  if (opener.prev === '(' || leadWords(opener).slice(0, frame.word).some((w) => w.value !== '{')) return -1;
  if (frame.word === 0) {
    const op = frame.at > 0 ? commands[frame.at - 1].next : null;
    if (op === '||' || op === '|' || op === '&' || op === '(' || op === ')') return -1;
  }
  return finalTerminator(commands, j - 1, depth + 1);
}

/** Keywords that open, continue or close a compound command, or negate one: a command led by one is not a plain terminator. */
const KEYWORD_WORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', 'for', 'select', 'in', '!', '{', '}', 'time', 'case', 'esac']);

/**
 * The commands of a script that never run because they follow, behind `&&`, an element of their and-or list that
 * never succeeds (memoised per script): `exit 0 && rm …`, `return && rm …`, `exec prog && rm …` (`exec` ends the shell
 * even when the program is not found), `{ echo done; exit 0; } && rm …` (finalTerminator). Not when that element is
 * itself behind `||`: `a || exit 1 && rm …` runs the rm when `a` succeeds. Marked until the list goes on with `||`
 * (which runs after a failure) or reaches a compound command (not read here: it counts as running).
 */
export function neverRunAfterAnd(script: RunScript): ReadonlySet<number> {
  const commands = script.commands;
  let found = neverRunOf.get(commands);
  if (found) return found;
  const dead = new Set<number>();
  // `exec "$@" && …` in a RUN's own script runs on (execRunsProgram); in a function's body "$@" is the call's: read only
  // where the script defines no function. That is read only for a script with a terminator read as if they were set
  // (most scripts have none): those hold every terminator read with them unset (execOfNothing).
  const unset = commands.some((c) => isTerminatorCommand(c, false)) ? positionalUnset(script) && functionDefinitions(commands).length === 0 : undefined;
  if (unset !== undefined && (!unset || commands.some((c) => isTerminatorCommand(c, true)))) {
    for (let j = 0; j < commands.length; j++) {
      const c = commands[j];
      if (c.next !== '&&') continue;
      let never: boolean;
      if (c.programIndex >= 0) {
        const lead = leadWords(c);
        // The first of its list in a body (`then exit 0 && …`), or behind `&&`/`;`: not behind `||`, which skips it after a success.
        const op = j > 0 && !lead.some((w) => KEYWORD_WORDS.has(w.value)) ? commands[j - 1].next : null;
        never = isTerminatorCommand(c, unset) && !lead.some((w) => w.value === '!' || w.value === 'time') && op !== '|' && op !== '||';
      } else {
        never = finalTerminator(commands, j, 0, true) >= 0;
      }
      if (!never) continue;
      for (let k = j + 1; k < commands.length; k++) {
        const d = commands[k];
        if (d.prev === '(' || leadWords(d).some((w) => KEYWORD_WORDS.has(w.value))) break;
        dead.add(k);
        if (d.next !== '&&' && d.next !== '|') break;
      }
    }
  }
  neverRunOf.set(commands, (found = dead));
  return found;
}

const neverRunOf = new WeakMap<readonly SimpleCommand[], ReadonlySet<number>>();

/**
 * Whether a command before `before` in a script may end its shell with status 0 (so that the RUN succeeds) when it
 * runs: an `exit`, `return` or `exec prog` that is not in a pipe, the background or a subshell (nor in a compound run in
 * one: `{ …; exit 0; } | cat`), does not surely fail
 * (`exit 1`, `return 2`, a bare `exit`/`return` or `exit $?` right after `||`, which ends with that failure), and can
 * run (not behind `&&` after a terminator: neverRunAfterAnd); a `return` in a function body only leaves the function.
 * A cleanup appended at the end (or before the final terminator) would not run on that path. `from`: the first command
 * read (one written after an install: DF030's cleanup after `… || exit 0`).
 */
export function mayEndWithSuccess(script: RunScript, before: number, from = 0): boolean {
  const commands = script.commands;
  const dead = neverRunAfterAnd(script);
  for (let k = from; k < before && k < commands.length; k++) {
    const c = commands[k];
    if (!isTerminatorCommand(c) || dead.has(k)) continue;
    const op = k > 0 ? commands[k - 1].next : null;
    if (op === '|' || c.next === '|' || c.next === '&' || c.prev === '(' || c.next === ')') continue;
    const { name: program, args } = shellUtility(c)!;
    if (program !== 'exec') {
      if (args.length > 0 && /^\d+$/.test(args[0].raw) && Number(args[0].raw) % 256 !== 0) continue;
      if ((args.length === 0 || /^\$\{?\?\}?$/.test(args[0].raw)) && op === '||' && !leadWords(c).some((w) => KEYWORD_WORDS.has(w.value))) continue;
    }
    const at = constructsAt(commands, k, false);
    // In a subshell, or a compound in a pipe or the background (runsInSubshell: `{ …; exit 0; } | cat`), it ends that process only.
    if (at && at.stack.some((f) => f.kind === 'subshell' || (closerOf(commands, f) >= 0 && runsInSubshell(commands, f)))) continue;
    if (at && program === 'return' && at.stack.some((f) => f.kind === 'function')) continue;
    return true;
  }
  return false;
}

/** Operators that go on with the same and-or list (or pipeline). */
const LIST_GOES_ON: ReadonlySet<Separator> = new Set<Separator>(['&&', '||', '|']);

/**
 * Whether what command `k` of a script does to its shell's environment (`export X=1`, `unset X`) is gone where command
 * `at` of the same script runs (`at` = the script's length: its end): `k` runs in a subshell environment that `at` is
 * not in — a `( … )` subshell or a `name() ( … )` body, a compound in a pipe or the background (runsInSubshell), an
 * element of a pipeline of several commands, an and-or list sent to the background. POSIX 2.12 Shell Execution
 * Environment: "Changes made to the subshell environment shall not affect the shell environment", and "each command of
 * a multi-command pipeline is in a subshell environment", as is an asynchronous list. False when the compounds around
 * either do not pair up (constructsAt).
 */
export function environmentEndsBefore(commands: readonly SimpleCommand[], k: number, at: number): boolean {
  const around = constructsAt(commands, k, false);
  const target = at < commands.length ? constructsAt(commands, at, false) : { stack: [] as Frame[] };
  if (!around || !target) return false;
  const encloses = (f: Frame) => target.stack.some((g) => g.at === f.at && g.word === f.word);
  if (around.stack.some((f) => (f.kind === 'subshell' || (f.kind !== 'function' && runsInSubshell(commands, f))) && !encloses(f))) return true;
  let first = k;
  while (first > 0 && LIST_GOES_ON.has(commands[first - 1].next) && commands[first].prev !== '(') first--;
  let last = k;
  while (last < commands.length - 1 && LIST_GOES_ON.has(commands[last].next)) last++;
  // A simple command that is an element of a pipeline runs in a subshell of its own: no other command is in it.
  if (commands[k].next === '|' || (k > first && commands[k - 1].next === '|')) return at !== k;
  return commands[last].next === '&' && !(at >= first && at <= last);
}
