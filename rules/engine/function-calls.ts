/**
 * The order in which a RUN's shell runs its commands when the script defines functions or runs `eval`: a function's
 * body runs where the function is called (each time it is called), not where it is defined, and the commands of an
 * `eval` whose text can be read run where the `eval` stands. The package rules (DF030, DF033) read a RUN through this
 * reading when it defines a function or runs `eval`, so that `install_pkgs() { apt-get install …; }; apt-get update &&
 * install_pkgs` installs after its update, a cleanup in a function that is never called cleans nothing, and an `eval`
 * of text that is not known (`eval "apt-get install $PKGS"`) may do anything.
 */
import type { RunInstruction, RunScript } from './dockerfile';
import { identityOffsets, offsetTable, parseShell, redirectionWidth, wordsWithoutRedirections, type MappedText, type SimpleCommand, type Word } from './shell';
import { pipedFromYesAt } from './script-strings';

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
 * One command as the shell runs it:
 * - `command`: a command the script shows;
 * - `call`: a call of a function the script defines, or an `eval` of text that is read: the steps of its body (or
 *   text) follow it;
 * - `unknown`: what runs is not known — an `eval` of text with an expansion (`eval "apt-get install $PKGS"`), a call
 *   whose function is defined more than once or whose body does not pair up, a recursive call, a call nested too deep,
 *   or (in a script that defines functions) a command whose name comes from an expansion (`$step`), which may call one.
 */
export interface Step {
  cmd: SimpleCommand;
  kind: 'command' | 'call' | 'unknown';
  /** The command of the RUN's own script through which this one runs: the step's command at the top level, else the outermost call (or `eval`). */
  reach: SimpleCommand;
  /** For a command of an `eval`'s text: the `eval` command of the RUN's script the text belongs to (the outermost, for an `eval` in an `eval`'s text). */
  evalOf?: SimpleCommand;
  /**
   * For a command of an `eval`'s text: that text read as a script (evalScript), whose `host` is the script and index of
   * the `eval` that runs it. Its words have the document's offsets when `inString` (the text is written one to one in
   * the `eval`'s words), else offsets into the text alone (no place in the document).
   */
  evalScript?: RunScript;
  /**
   * The step may not run although its call does: it follows, in its function, a `return`, `exit` or `exec`, or a call
   * that may end the shell (endsShell) came before it; or its call runs in a pipe or the background, beside what
   * follows.
   */
  uncertain: boolean;
}

export interface RunOrder {
  /** The commands of the RUN's scripts (in document order), each expanded in the order its shell runs it; none when not `special`. */
  steps: Step[];
  /**
   * Whether a script of the RUN defines a function (functionDefinitions) or runs `eval`: only then may the order differ
   * from the document's, and only then are the steps listed.
   */
  special: boolean;
  /** Whether a called function may end the shell with success (endsShell): a command appended at the end of the RUN may not run. */
  callEndsShell: boolean;
}

/** Calls followed inside calls, at most; deeper ones are unknown. */
const MAX_DEPTH = 8;
/** Steps per RUN, at most: a function called many times by functions called many times is not expanded further (unknown). */
const MAX_STEPS = 4000;

const orders = new WeakMap<RunInstruction, RunOrder>();

/** The commands of a RUN in the order its shell runs them (see Step), memoised per RUN. */
export function runOrder(run: RunInstruction): RunOrder {
  let found = orders.get(run);
  if (found) return found;
  // Most RUNs define no function and run no `eval`: their order is the document's, and no step is listed.
  const special = run.scripts.some((s) => s.isShell && (s.commands.some(isEval) || functionDefinitions(s.commands).length > 0));
  const steps: Step[] = [];
  let callEndsShell = false;
  for (const script of special ? run.scripts : []) {
    if (!script.isShell) {
      for (const cmd of script.commands) steps.push({ cmd, kind: 'command', reach: cmd, uncertain: false });
      continue;
    }
    const state: WalkState = { run, steps, endedShell: false, evals: new Map() };
    walk(state, scopeOf(script), 0, script.commands.length - 1, { stack: [], depth: 0 });
    callEndsShell ||= state.endedShell;
  }
  found = { steps, special, callEndsShell };
  orders.set(run, found);
  return found;
}

/** The functions of one text (a script, or an `eval`'s text), with their bodies' ends, and the scope around it. */
interface Scope {
  script: RunScript;
  commands: readonly SimpleCommand[];
  defs: FunctionDefinition[];
  ends: number[];
  parent?: Scope;
}

function scopeOf(script: RunScript, parent?: Scope): Scope {
  const commands = script.commands;
  const defs = functionDefinitions(commands);
  return { script, commands, defs, ends: defs.map((d) => functionBodyEnd(commands, d)), ...(parent ? { parent } : {}) };
}

interface WalkState {
  run: RunInstruction;
  steps: Step[];
  endedShell: boolean;
  /** The scope of each `eval`'s text, read once: a function that runs an `eval` and is called twice runs the same commands twice. */
  evals: Map<SimpleCommand, Scope>;
}

interface Context {
  /** The names of the functions being expanded (a call of one of them is recursive). */
  stack: string[];
  depth: number;
  reach?: SimpleCommand;
  evalOf?: SimpleCommand;
  uncertain?: boolean;
}

/**
 * A command's words (redirections left out) from the one naming what it runs, through `builtin` and `command [-p] [--]`
 * (bash's builtin runs the builtin it names; POSIX command runs a builtin as such, without function lookup); for
 * `command -v`/`-V` (`describes`: it only says what a name is), from that `command` word.
 */
export function builtinWords(c: SimpleCommand): { words: readonly Word[]; describes: boolean } {
  let words = wordsWithoutRedirections(c.words.slice(c.programIndex));
  while (words.length > 0 && literalWord(words[0]) && (words[0].value === 'builtin' || words[0].value === 'command')) {
    let k = 1;
    if (words[0].value === 'command') {
      for (; k < words.length && /^-[pvV]+$/.test(words[k].value); k++) if (/[vV]/.test(words[k].value)) return { words, describes: true };
    }
    if (words[k]?.value === '--') k++;
    words = words.slice(k);
  }
  return { words, describes: false };
}

/** Whether a word is the same text whatever the shell's state: no parameter expansion, command substitution or backquote. */
function literalWord(w: Word): boolean {
  return !w.raw.includes('$') && !w.raw.includes('`');
}

/** The arguments of an `eval` with arguments (written literally, also as `builtin eval` or `command eval`), or undefined for any other command. */
function evalArgs(c: SimpleCommand): readonly Word[] | undefined {
  if (c.programIndex < 0) return undefined;
  const { words, describes } = builtinWords(c);
  return !describes && words.length > 1 && words[0].raw === 'eval' ? words.slice(1) : undefined;
}

function isEval(c: SimpleCommand): boolean {
  return evalArgs(c) !== undefined;
}

/**
 * The text an `eval` runs, read as a script: its arguments joined with spaces (POSIX eval). When each argument is
 * written as its value (no quote, escape or line continuation), or as one single- or double-quoted string holding it
 * (a double-quoted one without `\`), the text's characters keep their place in the document (`inString`: an edit there
 * lands in the `eval`'s words as written); otherwise its offsets are the text's own. Its `host` is the `eval`.
 */
function evalScript(run: RunInstruction, host: RunScript, index: number, args: readonly Word[]): RunScript {
  const text = args.map((w) => w.value).join(' ');
  let offsets: Int32Array | undefined = offsetTable(text.length + 1);
  let n = 0;
  for (const w of args) {
    const quoted = w.raw.length >= 2 && (w.raw[0] === "'" || w.raw[0] === '"') && w.raw[w.raw.length - 1] === w.raw[0] && w.raw.slice(1, -1) === w.value && !(w.raw[0] === '"' && w.value.includes('\\'));
    if (w.end - w.start !== w.raw.length || (!quoted && w.raw !== w.value)) {
      offsets = undefined;
      break;
    }
    const from = w.start + (quoted ? 1 : 0);
    for (let k = 0; k < w.value.length; k++) offsets[n++] = from + k;
    // The space joining it to the next argument (and the text's end) stands where its value ends.
    offsets[n++] = from + w.value.length;
  }
  const source: MappedText = { text, offsets: offsets ?? identityOffsets(text.length) };
  return {
    instruction: run.instruction,
    isShell: true,
    source,
    commands: parseShell(source),
    json: host.json,
    heredoc: false,
    ...(offsets ? { inString: true } : {}),
    host: { script: host, index },
    // Its commands read the `eval`'s standard input: `yes | eval '…'` answers them.
    ...(pipedFromYesAt(host, index) ? { fedByYes: true } : {}),
  };
}

/** The body a name calls in a scope (the nearest scope that defines it): unknown when defined more than once there or its body does not pair up. */
function bodyOf(scope: Scope, name: string): { scope: Scope; from: number; to: number } | 'unknown' | undefined {
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    const k = s.defs.findIndex((d) => d.name === name);
    if (k < 0) continue;
    if (s.defs.some((d, j) => j !== k && d.name === name) || s.ends[k] < 0) return 'unknown';
    return { scope: s, from: s.defs[k].at, to: s.ends[k] };
  }
  return undefined;
}

/**
 * Whether a command may end the shell with success where it runs: `exit` with no status or a status that is not a
 * literal non-zero number (`exit 0`, `exit`, `exit $rc`), or `exec` with a program. An `exit 1` fails the build anyway.
 */
function endsShell(c: SimpleCommand): boolean {
  if (c.programIndex < 0) return false;
  const program = c.words[c.programIndex].raw;
  const args = wordsWithoutRedirections(c.words.slice(c.programIndex + 1));
  if (program === 'exit') return !(args.length > 0 && /^[0-9]+$/.test(args[0].raw) && Number(args[0].raw) % 256 !== 0);
  return program === 'exec' && args.some((w) => !w.value.startsWith('-'));
}

function walk(state: WalkState, scope: Scope, from: number, to: number, ctx: Context): void {
  const { commands } = scope;
  const definesFunctions = (s: Scope | undefined): boolean => !!s && (s.defs.length > 0 || definesFunctions(s.parent));
  let returned = false;
  for (let i = from; i <= to; i++) {
    // A definition runs nothing: skip its name and its body.
    const def = i + 1 <= to ? scope.defs.findIndex((d) => d.at === i + 1) : -1;
    const cmd = commands[i];
    if (def >= 0) {
      if (scope.ends[def] >= 0) {
        i = Math.min(scope.ends[def], to);
        continue;
      }
      // A body whose end is not found: what follows cannot be told from it.
      state.steps.push({ cmd, kind: 'unknown', reach: ctx.reach ?? cmd, uncertain: true, ...(ctx.evalOf ? { evalOf: ctx.evalOf, evalScript: scope.script } : {}) });
      return;
    }
    const reach = ctx.reach ?? cmd;
    const uncertain = !!ctx.uncertain || returned || state.endedShell;
    const base = { cmd, reach, uncertain, ...(ctx.evalOf ? { evalOf: ctx.evalOf, evalScript: scope.script } : {}) };
    if (state.steps.length >= MAX_STEPS) {
      state.steps.push({ ...base, kind: 'unknown' });
      return;
    }
    const program = cmd.programIndex >= 0 ? cmd.words[cmd.programIndex] : undefined;
    const literal = !!program && !/[$`]/.test(program.raw);
    // A call in a pipe or the background runs beside what follows it.
    const beside = cmd.next === '|' || cmd.next === '&' || cmd.prev === '|';
    const args = program && literal ? evalArgs(cmd) : undefined;
    if (args) {
      if (args.some((w) => /[$`]/.test(w.raw)) || ctx.depth >= MAX_DEPTH) {
        state.steps.push({ ...base, kind: 'unknown' });
        continue;
      }
      state.steps.push({ ...base, kind: 'call' });
      // eval joins its arguments with spaces and runs the result in this shell (POSIX eval); so do `builtin eval` and
      // `command eval` (bash's builtin, POSIX command: they run the builtin).
      let inner = state.evals.get(cmd);
      if (!inner) state.evals.set(cmd, (inner = scopeOf(evalScript(state.run, scope.script, i, args), scope)));
      walk(state, inner, 0, inner.commands.length - 1, { stack: ctx.stack, depth: ctx.depth + 1, reach, evalOf: ctx.evalOf ?? cmd, uncertain: uncertain || beside });
    } else if (program && literal) {
      const body = bodyOf(scope, program.value);
      if (body === undefined) state.steps.push({ ...base, kind: 'command' });
      else if (body === 'unknown' || ctx.stack.includes(program.value) || ctx.depth >= MAX_DEPTH) state.steps.push({ ...base, kind: 'unknown' });
      else {
        state.steps.push({ ...base, kind: 'call' });
        walk(state, body.scope, body.from, body.to, { stack: [...ctx.stack, program.value], depth: ctx.depth + 1, reach, ...(ctx.evalOf ? { evalOf: ctx.evalOf } : {}), uncertain: uncertain || beside });
      }
    } else state.steps.push({ ...base, kind: program && !literal && definesFunctions(scope) ? 'unknown' : 'command' });
    // In a function body (or an eval's text), what follows a `return` or `exit` may not run; after an `exit` or `exec`
    // that may end the shell with success, nothing may.
    if (ctx.reach && program && literal) {
      if (program.raw === 'return' || program.raw === 'exit' || program.raw === 'exec') returned = true;
      if (endsShell(cmd)) state.endedShell = true;
    }
  }
}
