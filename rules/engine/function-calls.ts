/**
 * The order in which a RUN's shell runs its commands when the script defines functions or runs `eval`: a function's
 * body runs where the function is called (each time it is called), not where it is defined, and the commands of an
 * `eval` whose text can be read run where the `eval` stands. The package rules (DF030, DF033) read a RUN through this
 * reading when it defines a function or runs `eval`, so that `install_pkgs() { apt-get install …; }; apt-get update &&
 * install_pkgs` installs after its update, a cleanup in a function that is never called cleans nothing, and an `eval`
 * of text that is not known (`eval "apt-get install $PKGS"`) may do anything.
 */
import type { RunInstruction, RunScript } from './dockerfile';
import { identityOffsets, offsetTable, parseShell, wordsWithoutRedirections, type MappedText, type Separator, type SimpleCommand, type Word } from './shell';
import { pipedFromYesAt, stringScriptsOf, substitutionScriptsOf } from './script-strings';
import { builtinWords, CLOSERS, execOfNothing, functionBodyEnd, functionDefinitions, literalWord, mayRunUtility, OPENERS, POSITIONAL_ONLY, positionalUnset, setsPositional, shellUtility, type FunctionDefinition } from './script-structure';
import { mayEndWithSuccess, runsInEveryShell } from './script-reach';

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
   * For a command of the script that a shell the RUN starts reads (stringScriptsOf: `sh -c '…'`, `bash <<'EOS'`): that
   * script (walkShell). Its steps follow the command that starts the shell; they run in that shell, a child process
   * with its own functions, whose `exit` ends it alone.
   */
  shell?: RunScript;
  /**
   * The step may not run although its call does: it follows, in its function, a `return`, `exit` or `exec`, or a call
   * that may end the shell (endsShell) came before it; or its call runs in a pipe or the background, beside what
   * follows.
   */
  uncertain: boolean;
}

export interface RunOrder {
  /** The commands of the RUN's scripts (in document order), each expanded in the order its shell runs it (with the script of a shell it starts: walkShell); none when not `special`. */
  steps: Step[];
  /**
   * Whether a script of the RUN, or one a shell it starts reads (stringScriptsOf), defines a function
   * (functionDefinitions), runs `eval` or sets an EXIT trap (exitTrapOf): only then may the order differ from the
   * document's, and only then are the steps listed.
   */
  special: boolean;
  /** Whether a called function may end the shell with success (endsShell): a command appended at the end of the RUN may not run. */
  callEndsShell: boolean;
  /**
   * Whether a script of the RUN sets an action for its EXIT trap (exitTrapOf) that runs after a command appended at the
   * end of the RUN and may undo it or do its work already: an action not surely read (walkExitTrap), or one that runs
   * anything but a few utilities that install nothing and leave nothing (TRAP_HARMLESS).
   */
  exitTrap: boolean;
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
  // Most RUNs define no function, run no `eval` and set no EXIT trap: their order is the document's, and no step is listed.
  // So do the scripts of the shells it starts (walkShell): `sh -c 'tidy() { …; }; …; tidy'` cleans where it calls tidy.
  const orderly = (s: RunScript) => s.isShell && (s.commands.some(isEval) || functionDefinitions(s.commands).length > 0 || s.commands.some((c) => exitTrapOf(c) !== undefined));
  const special = run.scripts.some(orderly) || stringScriptsOf(run).some(orderly) || substitutionScriptsOf(run).some(orderly);
  const steps: Step[] = [];
  let callEndsShell = false;
  let exitTrap = false;
  for (const script of special ? run.scripts : []) {
    if (!script.isShell) {
      for (const cmd of script.commands) steps.push({ cmd, kind: 'command', reach: cmd, uncertain: false });
      continue;
    }
    const state: WalkState = { run, steps, endedShell: false, halted: false, evals: new Map(), execs: new Map(), shells: shellsOf(run) };
    const scope = scopeOf(script);
    const start = steps.length;
    walk(state, scope, 0, script.commands.length - 1, { stack: [], depth: 0, sure: true, noArgs: positionalUnset(script) });
    // The EXIT trap's action runs when the shell exits, also through an `exit` that ended the walk (POSIX trap).
    state.halted = false;
    const from = steps.length;
    if (walkExitTrap(state, scope, start)) exitTrap ||= steps.slice(from).some((s) => s.uncertain || s.kind === 'unknown' || (s.kind === 'command' && !TRAP_HARMLESS.has(shellUtility(s.cmd)?.name ?? '')));
    callEndsShell ||= state.endedShell;
  }
  found = { steps, special, callEndsShell, exitTrap };
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
  /** While its text is walked, the index of the command it runs; once walked, its length: a definition before it has run. */
  pos: number;
  /** openAt, once read. */
  open?: Int32Array;
  /** indexDefinitions, once read: each name's definition (-1 when it is defined more than once) and each body's first command's. */
  named?: Map<string, number>;
  bodyAt?: Map<number, number>;
}

/** Indexes a scope's definitions by name and by body, once: bodyOf and walk look them up at every command. */
function indexDefinitions(scope: Scope): { named: Map<string, number>; bodyAt: Map<number, number> } {
  if (scope.named && scope.bodyAt) return { named: scope.named, bodyAt: scope.bodyAt };
  const named = new Map<string, number>();
  const bodyAt = new Map<number, number>();
  scope.defs.forEach((d, k) => {
    named.set(d.name, named.has(d.name) ? -1 : k);
    if (!bodyAt.has(d.at)) bodyAt.set(d.at, k);
  });
  scope.named = named;
  scope.bodyAt = bodyAt;
  return { named, bodyAt };
}

function scopeOf(script: RunScript, parent?: Scope): Scope {
  const commands = script.commands;
  const defs = functionDefinitions(commands);
  return { script, commands, defs, ends: defs.map((d) => functionBodyEnd(commands, d)), ...(parent ? { parent } : {}), pos: -1 };
}

/** A function's body being walked: its scope, first command and the index of the command it runs now. */
interface Frame {
  scope: Scope;
  from: number;
  pos: number;
}

interface WalkState {
  run: RunInstruction;
  steps: Step[];
  endedShell: boolean;
  /**
   * An `exit` (any status), or `exec` of a program, in a function's body or an `eval`'s text surely ran (sureEnd): the
   * shell ended there, and nothing after it runs (POSIX exit: "The exit utility shall cause the shell to exit from its
   * current execution environment"; POSIX exec: the program replaces the shell). No step follows it.
   */
  halted: boolean;
  /** The scope of each `eval`'s text, read once: a function that runs an `eval` and is called twice runs the same commands twice. */
  evals: Map<SimpleCommand, Scope>;
  /** Each `exec` walked, and whether it ran a program there at least once (`exec "$@"` in a body called with no argument runs none). */
  execs: Map<SimpleCommand, boolean>;
  /** Set once the walk passed MAX_STEPS: what listBodies listed since. */
  cut?: Listed;
  /** The scripts that the shells the RUN's commands start read, and those of their command substitutions (shellsOf), by the command that starts each; none when there is none. */
  shells?: ReadonlyMap<SimpleCommand, readonly RunScript[]>;
}

/**
 * The scripts of the shells a RUN's commands start (stringScriptsOf) and of the command substitutions in their words
 * (substitutionScriptsOf: a subshell, POSIX 2.6.3), by the command that starts each (their host); undefined when there is none.
 */
function shellsOf(run: RunInstruction): Map<SimpleCommand, RunScript[]> | undefined {
  let out: Map<SimpleCommand, RunScript[]> | undefined;
  for (const s of [...stringScriptsOf(run), ...substitutionScriptsOf(run)]) {
    if (!s.host) continue;
    const host = s.host.script.commands[s.host.index];
    const list = (out ??= new Map()).get(host);
    if (list) list.push(s);
    else out.set(host, [s]);
  }
  return out;
}

/** The separator after command `j` as it stands: after a `)` that closes a subshell, the operator written after the `)`. */
function closedBy(commands: readonly SimpleCommand[], j: number): Separator {
  return commands[j].next === ')' ? commands[j + 1]?.prev ?? null : commands[j].next;
}

/**
 * Whether command `k` of a script is in a background job of that script that no later `wait` of it waits for
 * (runsInBackground in packages.ts): the and-or list it stands in, or a compound around it, ends with `&`. `reached`
 * tells whether a `wait` surely runs whenever the script gets that far.
 */
export function backgroundUnwaited(commands: readonly SimpleCommand[], k: number, reached: (c: SimpleCommand) => boolean = () => true): boolean {
  const job = backgroundJobOf(commands, k);
  return job >= 0 && !waitedFor(commands, job, reached);
}

/**
 * The background job of a script that command `k` is in (backgroundUnwaited): the index of the command whose `&`
 * ends the and-or list it stands in, or a compound around it; -1 when it runs in the foreground of that script.
 */
export function backgroundJobOf(commands: readonly SimpleCommand[], k: number): number {
  // Walk on from `k`: `depth` counts the constructs opened since; the list `k` stands in (or, once that ended, the one
  // of the construct around it) ends in the background when an `&` closes it at depth 0.
  const { after, lowest } = nestingOf(commands);
  let depth = 0;
  let open = true;
  let job = -1;
  for (let j = k; j < commands.length && job < 0; j++) {
    const c = commands[j];
    if (j > k) {
      if (c.prev === '(') depth++;
      const lead = c.programIndex >= 0 ? c.words.slice(0, c.programIndex) : c.words;
      for (const w of lead) {
        if (OPENERS.has(w.value)) depth++;
        else if (CLOSERS.has(w.value) && --depth < 0) {
          // The construct around `k` closed here: it is an element of the list around it.
          depth = 0;
          open = true;
        }
      }
    }
    let sep = c.next;
    if (sep === ')') {
      sep = closedBy(commands, j);
      if (--depth < 0) {
        depth = 0;
        open = true;
      }
    }
    if (!open || depth > 0) {
      // The list ended and no later command closes a construct around this point: nothing can reopen it (linear, not
      // a walk to the end of the script for every command: rule-work, shells and substitutions).
      if (!open && depth === 0 && j + 1 < commands.length && lowest[j + 1] >= after[j]) break;
      continue;
    }
    if (sep === '&') job = j;
    else if (sep !== '&&' && sep !== '||' && sep !== '|') open = false;
    if (!open && j + 1 < commands.length && lowest[j + 1] >= after[j]) break;
  }
  return job;
}

const nestings = new WeakMap<readonly SimpleCommand[], { after: Int32Array; lowest: Int32Array }>();

/**
 * The nesting of a script's commands as backgroundUnwaited counts it, from the script's start: `after[j]`, the depth
 * once command j is read (its `(`, the openers and closers before its program, a `)` after it), and `lowest[j]`, the
 * lowest depth reached while reading commands j and on. A walk at depth 0 after command j is never taken back below
 * it (no construct around it closes later) when `lowest[j + 1] >= after[j]`.
 */
function nestingOf(commands: readonly SimpleCommand[]): { after: Int32Array; lowest: Int32Array } {
  let known = nestings.get(commands);
  if (known) return known;
  const n = commands.length;
  const after = new Int32Array(n);
  const least = new Int32Array(n);
  let depth = 0;
  for (let j = 0; j < n; j++) {
    const c = commands[j];
    if (c.prev === '(') depth++;
    let min = depth;
    const lead = c.programIndex >= 0 ? c.words.slice(0, c.programIndex) : c.words;
    for (const w of lead) {
      if (OPENERS.has(w.value)) depth++;
      else if (CLOSERS.has(w.value)) min = Math.min(min, --depth);
    }
    if (c.next === ')') min = Math.min(min, --depth);
    after[j] = depth;
    least[j] = min;
  }
  const lowest = new Int32Array(n);
  for (let j = n - 1; j >= 0; j--) lowest[j] = j + 1 < n ? Math.min(least[j], lowest[j + 1]) : least[j];
  known = { after, lowest };
  nestings.set(commands, known);
  return known;
}

/**
 * Whether a `wait` after the job that command `job` ends (with `&`) waits for it (runsInBackground); waitFor tells
 * which `wait` that is.
 */
function waitedFor(commands: readonly SimpleCommand[], job: number, reached: (c: SimpleCommand) => boolean): boolean {
  return waitFor(commands, job, reached) >= 0;
}

/** `NAME=$!` (or `NAME="$!"`): the name a command that only assigns keeps the last job's pid in, or undefined. */
function pidNameOf(c: SimpleCommand | undefined): string | undefined {
  if (!c || c.programIndex !== -1) return undefined;
  for (const w of c.words) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(?:\$!|"\$!")$/.exec(w.raw);
    if (m) return m[1];
  }
  return undefined;
}

/**
 * Whether the first operand of `wait` names the job (POSIX wait: with pid operands it waits for the processes they
 * name, a pid being `$!` or a job ID; the first is waited for whatever the others name, where 4.4BSD's wait gave up
 * on a pid it did not know):
 * `$!` when no other job was started since; `$NAME`, `"$NAME"`, `${NAME}` when `NAME=$!` is the command right after
 * the job and nothing since wrote NAME (`pid`); `%1` when the job is the first of the script; `%%`, `%+` (the current
 * job) when no other job was started since. An option (`wait -n`, which dash rejects: "Illegal option -n") waits for
 * nothing known.
 */
function namesJob(arg: string, pid: string | undefined, laterJob: boolean, firstJob: boolean): boolean {
  if (/^(?:\$!|"\$!")$/.test(arg) || arg === '%%' || arg === '%+') return !laterJob;
  if (arg === '%1') return firstJob;
  const m = /^"?\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)\})"?$/.exec(arg);
  return !!m && (arg.startsWith('"') === arg.endsWith('"')) && pid !== undefined && (m[1] ?? m[2]) === pid;
}

/** Whether a command writes, reads into or unsets variable `name` (`name=…`, `read name`, `unset name`, `for name`): conservatively, any word that is the name or assigns it. */
function touchesName(c: SimpleCommand, name: string): boolean {
  return c.words.some((w) => w.value === name || w.raw.startsWith(`${name}=`) || w.raw.startsWith(`${name}+=`));
}

/**
 * Whether a command may start a job or write a variable that cannot be seen where it stands: a call of a function the
 * script defines, an `eval`, a `.`/`source` (also behind `command`/`builtin`), or a command named by an expansion.
 */
function opaqueCommand(c: SimpleCommand, functions: ReadonlySet<string>): boolean {
  if (c.programIndex < 0) return false;
  let i = c.programIndex;
  while ((c.words[i]?.value === 'command' || c.words[i]?.value === 'builtin') && i + 1 < c.words.length) i++;
  const name = c.words[i];
  return /[$`]/.test(name.raw) || functions.has(name.value) || name.value === 'eval' || name.value === '.' || name.value === 'source';
}

/**
 * The index of the first `wait` after the job that command `job` ends (with `&`) that surely waits for it, or -1: at
 * the top level of the script (not in a compound, not behind `&&`/`||` but after a `{ …; } &&` group whose last
 * command is in the background (its status is 0), not in a pipe or the background, reached), with no operand (POSIX:
 * "wait until all process IDs known to the invoking shell have terminated") or a first one that names the job (namesJob); the
 * job not in a subshell, whose jobs the script's `wait` does not know.
 */
export function waitFor(commands: readonly SimpleCommand[], job: number, reached: (c: SimpleCommand) => boolean): number {
  let depth = 0;
  let subshells = 0;
  // Another job started after this one and before the `wait`: `$!` names that one.
  let laterJob = false;
  let firstJob = true;
  // The name `NAME=$!` right after the job keeps its pid in, while nothing writes it again.
  let pid: string | undefined;
  // A call of a function, an `eval`, a `.` may start a job or write that name (opaqueCommand).
  let functions: Set<string> | undefined;
  for (let j = 0; j < commands.length; j++) {
    const c = commands[j];
    if (c.prev === '(') subshells++;
    const lead = c.programIndex >= 0 ? c.words.slice(0, c.programIndex) : c.words;
    for (const w of lead) {
      if (OPENERS.has(w.value)) depth++;
      else if (CLOSERS.has(w.value)) depth--;
    }
    if (j === job + 1) pid = pidNameOf(c);
    else if (j > job + 1 && pid !== undefined && touchesName(c, pid)) pid = undefined;
    if (j > job && depth === 0 && subshells === 0 && c.programIndex === 0 && c.words[0].value === 'wait') {
      const op = j > 0 ? closedBy(commands, j - 1) : null;
      const args = c.words.slice(1).map((w) => w.raw);
      const names = args.length === 0 || namesJob(args[0], pid, laterJob, firstJob);
      // `{ rm -rf … & } && wait`: a group whose last command is in the background ends with status 0 (POSIX: "The
      // exit status of an asynchronous list shall be zero"), so the `wait` after `&&` runs.
      const prevGroup = commands[j - 1];
      const afterAnd = op === '&&' && prevGroup.programIndex === -1 && prevGroup.prev === '&' && prevGroup.next === '&&' && prevGroup.words.length > 0 && prevGroup.words.every((w) => w.value === '}');
      if (names && (afterAnd || (op !== '&&' && op !== '||' && op !== '|')) && c.next !== '|' && c.next !== '&' && reached(c)) return j;
    }
    if (j < job && closedBy(commands, j) === '&') firstJob = false;
    if (j > job && closedBy(commands, j) === '&') laterJob = true;
    if (c.programIndex >= 0 && c.words[c.programIndex].value !== 'wait' && opaqueCommand(c, (functions ??= new Set(functionDefinitions(commands).map((d) => d.name))))) {
      if (j < job) firstJob = false;
      else if (j > job) {
        laterJob = true;
        pid = undefined;
      }
    }
    if (c.next === ')') subshells--;
    // The job's `&` in a subshell: the script's own `wait` does not know it.
    if (j === job && subshells > 0) return -1;
  }
  return -1;
}

/** The scripts of the shells a command starts, and of the command substitutions in its words (shellsOf), where it runs (walkShell). */
function walkShells(state: WalkState, commands: readonly SimpleCommand[], i: number, reach: SimpleCommand, uncertain: boolean, depth: number): void {
  const cmd = commands[i];
  const shells = state.shells?.get(cmd);
  // Started in the background, it may still run when the RUN ends, unless a `wait` waits for it (backgroundUnwaited).
  if (shells) for (const s of shells) walkShell(state, s, reach, uncertain || (cmd.next === '&' && backgroundUnwaited(commands, i)), depth);
}

/**
 * Adds the steps of the script a shell reads (`sh -c '…'`, `bash <<'EOS'`: stringScriptsOf) where the command that
 * starts that shell runs (`reach`: what it runs through, as its own step's). The script is walked as a RUN's is: its
 * functions run where it calls them, an `eval`'s text where the `eval` stands, its EXIT trap after its last command;
 * but it runs in a shell of its own, another process (POSIX sh reads its command_string, or its standard input, as a
 * script), so its `exit` or `exec` ends that shell alone (POSIX exit: "exit from its current execution environment"),
 * and the RUN's shell goes on; its functions are its own. Its steps may not run (`uncertain`) when the command that starts it may not, or runs in the background
 * (`&`): the RUN may end before it does.
 */
function walkShell(state: WalkState, script: RunScript, reach: SimpleCommand, uncertain: boolean, depth: number): void {
  const inner: WalkState = { run: state.run, steps: state.steps, endedShell: false, halted: false, evals: new Map(), execs: new Map() };
  const scope = scopeOf(script);
  const start = state.steps.length;
  walk(inner, scope, 0, script.commands.length - 1, { stack: [], depth, reach, sure: true, noArgs: positionalUnset(script), shellTop: true });
  // Its EXIT trap runs when that shell exits, also through an `exit` (POSIX trap).
  inner.halted = false;
  walkExitTrap(inner, scope, start);
  for (let k = start; k < state.steps.length; k++) {
    const s = state.steps[k];
    s.shell = script;
    s.reach = reach;
    if (uncertain) s.uncertain = true;
  }
}

interface Context {
  /** The names of the functions being expanded (a call of one of them is recursive). */
  stack: string[];
  depth: number;
  reach?: SimpleCommand;
  evalOf?: SimpleCommand;
  uncertain?: boolean;
  /** The steps are the EXIT trap's action, run when the shell ends (bodyOf). */
  atExit?: boolean;
  /** The functions' bodies being walked, outermost first (bodyOf). */
  frames?: readonly Frame[];
  /**
   * No positional parameter is set where the text runs (`"$@"` is empty): a RUN's own script (positionalUnset), the body
   * of a call given no argument (bash's Positional Parameters: they "are temporarily replaced when a shell function is
   * executed"), an `eval`'s text where none is set.
   */
  noArgs?: boolean;
  /**
   * Every call and `eval` through which the text runs surely runs once the command of the RUN's script it runs through
   * (`reach`) does: each stands at the top level of its text or `{ …; }` body (sequencedAt), not in a pipe or the
   * background, and nothing before it in its body may have left it (`return`, `exit`) or ended the shell.
   */
  sure?: boolean;
  /**
   * The text is the script of a shell the RUN starts (walkShell), walked from its top level: its own `exit`s are read there
   * as a RUN's own script's are (shellTopUncertain), not as a body's.
   */
  shellTop?: boolean;
}

/** The arguments of an `eval` with arguments (written literally, also as `builtin eval` or `command eval`), or undefined for any other command. */
function evalArgs(c: SimpleCommand): readonly Word[] | undefined {
  if (c.programIndex < 0 || !mayRunUtility(c, 'eval')) return undefined;
  const { words, describes } = builtinWords(c);
  return !describes && words.length > 1 && words[0].raw === 'eval' ? words.slice(1) : undefined;
}

/** Whether a command is `eval` with arguments (written literally as the program). */
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

/**
 * The body a name calls in a scope (the nearest scope that defines it): unknown when defined more than once there, its
 * body does not pair up, or its definition may not have run yet (definedBefore). `atExit`: the call is made by the
 * EXIT trap, when the shell ends.
 */
function bodyOf(scope: Scope, name: string, atExit = false, frames?: readonly Frame[]): { scope: Scope; from: number; to: number } | 'unknown' | undefined {
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    const k = s.defs.length > 0 ? indexDefinitions(s).named.get(name) : undefined;
    if (k === undefined) continue;
    // Every definition of it in this text is written after the command the text runs now: none has run, and the name
    // calls no function of this text (dash: `inst: not found`), as the name of one that is not defined anywhere.
    if (notYetDefined(s, name, k)) continue;
    // -1: defined more than once.
    if (k < 0 || s.ends[k] < 0 || !definedBefore(s, k, atExit, frames)) return 'unknown';
    return { scope: s, from: s.defs[k].at, to: s.ends[k] };
  }
  return undefined;
}

/**
 * Whether no definition of `name` in a scope can have run before the command the scope runs now (its `pos`): each is
 * written after that command, and no loop (`while`, `until`, `for`, `select`) open at it, in this text or around the
 * `eval` that runs it (the scopes around it, at their own `pos`), may run it again after a definition.
 */
function notYetDefined(scope: Scope, name: string, k: number): boolean {
  const pos = scope.pos;
  if (pos < 0 || pos >= scope.commands.length) return false;
  // `k`: its only definition (indexDefinitions), -1 when it is defined more than once.
  if (k >= 0 ? scope.defs[k].at - 1 <= pos : scope.defs.some((d) => d.name === name && d.at - 1 <= pos)) return false;
  for (let s: Scope | undefined = scope; s; s = s.parent) if (s.pos < 0 || s.pos >= s.commands.length || loopOpenAt(s.commands, s.pos)) return false;
  return true;
}

const LOOPS: ReadonlySet<string> = new Set(['while', 'until', 'for', 'select']);

/** Whether a loop is open at command `at` (its own leading keywords counted: `while f; do`). */
function loopOpenAt(commands: readonly SimpleCommand[], at: number): boolean {
  const open: string[] = [];
  for (let j = 0; j <= at; j++) {
    const c = commands[j];
    if (c.prev === '(') open.push('(');
    const leadEnd = c.programIndex >= 0 ? c.programIndex : c.words.length;
    for (let w = 0; w < leadEnd; w++) {
      const v = c.words[w].value;
      if (OPENERS.has(v)) open.push(v);
      else if (CLOSERS.has(v)) open.pop();
    }
    if (j < at && c.next === ')') open.pop();
  }
  return open.some((v) => LOOPS.has(v));
}

/** How many compound commands and subshells are open at each command of a scope (its own leading keywords counted), read once. */
function openAt(scope: Scope): Int32Array {
  if (scope.open) return scope.open;
  const open = (scope.open = new Int32Array(scope.commands.length));
  let depth = 0;
  for (let j = 0; j < scope.commands.length; j++) {
    const c = scope.commands[j];
    if (c.prev === '(') depth++;
    const lead = c.programIndex >= 0 ? c.words.slice(0, c.programIndex) : c.words;
    for (const w of lead) depth += OPENERS.has(w.value) ? 1 : CLOSERS.has(w.value) ? -1 : 0;
    open[j] = depth;
    if (c.next === ')') depth--;
  }
  return open;
}

/**
 * Whether the definition `k` of a scope surely ran before the command the scope runs now (its `pos`): a definition is a
 * command that defines the function when it runs (bash manual, Shell Functions: it "defines a shell function named
 * fname", whose body "is executed whenever fname is specified as the name of a simple command"; before that the name
 * runs nothing of it: dash says `f: not found`). So only one written before that command, at the top level of its text
 * or of a function's body being run (`frames`: before the command that body runs now), not in a compound command or a
 * subshell, not behind `&&`/`||` and not in a pipe or the background (a subshell's definition is lost). `atExit` (the EXIT trap's call, when the shell ends): also not after
 * a command that may end the shell first (`exit`, `exec`, `return`, `.`/`source`), wherever it stands.
 */
function definedBefore(s: Scope, k: number, atExit: boolean, frames?: readonly Frame[]): boolean {
  const { commands } = s;
  const d = s.defs[k].at - 1;
  const end = s.ends[k];
  const after = [commands[end].next, commands[end + 1]?.prev];
  if (after.includes('|') || after.includes('&')) return false;
  const open = openAt(s);
  const sequenced = commands[d].prev === null || commands[d].prev === ';' || commands[d].prev === '\n' || commands[d].prev === '&';
  // One at the top level of a function's body being run (one level inside the `{` or `(` that opens it), before the
  // command that body runs now (`main() { tidy() { …; }; …; tidy; }; main`): its body's first command (after the `)` of
  // `main()`) or sequenced after another.
  const bodyLevel = (f: Frame) => (f.from > 0 ? open[f.from - 1] - (commands[f.from - 1].next === ')' ? 1 : 0) : 0) + 1;
  if (frames?.some((f) => f.scope === s && f.from <= d && d < f.pos && open[d] === bodyLevel(f) && (sequenced || d === f.from))) return true;
  if (d >= s.pos || !sequenced || open[d] !== 0) return false;
  if (atExit)
    for (let j = 0; j < d; j++) {
      const name = shellUtility(commands[j])?.name;
      if (name === 'exit' || name === 'exec' || name === 'return' || name === '.' || name === 'source') return false;
    }
  return true;
}

/**
 * Whether command `i` of a scope runs whenever the text or function body walked from `from` (`text`: a whole text)
 * gets to it: it stands at that text's or body's own top level (not in an `if`, a loop, a `case`, a `{ …; }` group or
 * a subshell: openAt), is the first of its and-or list (not after `&&`/`||`) and not in a pipe or the background.
 */
function sequencedAt(scope: Scope, from: number, text: boolean, i: number): boolean {
  const { commands } = scope;
  const c = commands[i];
  if (c.next === '|' || c.next === '&' || c.prev === '|') return false;
  const op = i > from ? commands[i - 1].next : null;
  if (op !== null && op !== ';' && op !== '\n' && op !== '&') return false;
  const open = openAt(scope);
  const level = text ? 0 : (from > 0 ? open[from - 1] - (commands[from - 1].next === ')' ? 1 : 0) : 0) + 1;
  return open[i] === level;
}

/**
 * Whether a command may end the shell with success where it runs: `exit` with no status or a status that is not a
 * literal non-zero number (`exit 0`, `exit`, `exit $rc`), or `exec` with a program; also through `command`/`builtin`
 * (shellUtility). An `exit 1` fails the build anyway.
 */
function endsShell(c: SimpleCommand, noArgs = false): boolean {
  const u = shellUtility(c);
  if (!u) return false;
  const args = u.args;
  if (u.name === 'exit') return !(args.length > 0 && /^[0-9]+$/.test(args[0].raw) && Number(args[0].raw) % 256 !== 0);
  return u.name === 'exec' && args.some((w) => !w.value.startsWith('-')) && !execOfNothing(u.args, noArgs);
}

/**
 * What a command does to the shell's EXIT trap, when it is `trap` (also through `builtin`/`command`) with EXIT among
 * its conditions: `action`, the action's word (undefined for a reset, `trap - EXIT` or `trap 0`, and for an ignore,
 * `trap '' EXIT`); `exact`, whether the condition is written `EXIT` or `0` as POSIX names it and every condition is
 * literal. A condition from an expansion may be EXIT. Undefined for any other command.
 */
function exitTrapOf(c: SimpleCommand): { action?: Word; exact: boolean } | undefined {
  if (c.programIndex < 0 || !mayRunUtility(c, 'trap')) return undefined;
  const { words, describes } = builtinWords(c);
  if (describes || !words[0] || !literalWord(words[0]) || words[0].value !== 'trap') return undefined;
  let rest = words.slice(1);
  if (rest[0]?.value === '--') rest = rest.slice(1);
  if (rest.length === 0 || rest[0].value === '-l' || rest[0].value === '-p') return undefined;
  // POSIX trap: "If the first operand is an unsigned decimal integer, the shell shall treat all operands as
  // conditions, and shall reset each condition to the default value."
  // bash's trap: "If ACTION is absent (and a single SIGNAL_SPEC is supplied) or `-', each specified signal is reset";
  // dash and BusyBox ash do the same with `trap EXIT`.
  const resets = rest[0].value === '-' || /^\d+$/.test(rest[0].value) || rest.length === 1;
  const conditions = /^\d+$/.test(rest[0].value) || rest.length === 1 ? rest : rest.slice(1);
  const exit = conditions.filter((w) => !literalWord(w) || w.value === '0' || /^(?:SIG)?EXIT$/i.test(w.value));
  if (exit.length === 0) return undefined;
  const exact = conditions.every(literalWord) && exit.some((w) => w.value === 'EXIT' || w.value === '0');
  return resets || rest[0].value === '' ? { exact } : { action: rest[0], exact };
}

/** Utilities an EXIT trap's action may run after a command appended at the end of a RUN, which neither install nor clean what it cleans. */
const TRAP_HARMLESS: ReadonlySet<string> = new Set(['echo', 'printf', ':', 'true', 'false', 'date', 'sleep', 'pwd']);

/**
 * Adds to the steps the action of a script's EXIT trap, which the shell runs when it exits (POSIX trap: "If condition
 * is EXIT or 0, the action shall be executed on exit from the shell"; bash's trap: "If a sigspec is 0 or EXIT, action
 * is executed when the shell exits"), after its last command: its text read as an `eval`'s is (a function it names
 * is called there), with the `trap` command as what it runs through. Sure (not `uncertain`) only when the script has
 * one such `trap`, written exactly (`EXIT` or `0`) and literally, at its top level (not in a function body, compound
 * command or subshell, not after `&&`/`||`, not in a pipe or the background), and the script runs no `exec` of a
 * program (it replaces the shell: the trap never runs) and calls no function that may end the shell (endsShell).
 * An action with an expansion (read when the trap runs), or a second `trap` of EXIT, is unknown. Answers whether the
 * script sets an action.
 */
function walkExitTrap(state: WalkState, scope: Scope, start: number): boolean {
  const { commands } = scope;
  const traps: { k: number; trap: { action?: Word; exact: boolean } }[] = [];
  for (let k = 0; k < commands.length; k++) {
    const trap = exitTrapOf(commands[k]);
    if (trap) traps.push({ k, trap });
  }
  const set = traps.filter((t) => t.trap.action !== undefined);
  if (set.length === 0) return false;
  const { k, trap } = set[0];
  const cmd = commands[k];
  // A `trap` of EXIT in the text of an `eval` the script runs (`eval 'trap - EXIT'`: POSIX eval runs it in this shell)
  // is a second one too.
  const inEval = [...state.evals.values()].some((e) => e.commands.some((c) => exitTrapOf(c) !== undefined));
  if (traps.length > 1 || inEval || /[$`]/.test(trap.action!.raw)) {
    state.steps.push({ cmd, kind: 'unknown', reach: cmd, uncertain: true });
    return true;
  }
  const op = k > 0 ? commands[k - 1].next : null;
  const open = openAt(scope)[k];
  // Not an `exec` of the positional parameters that was walked and never ran a program there (`run() { exec "$@"; }; run`).
  const execs = commands.some((c) => {
    const u = shellUtility(c);
    return u?.name === 'exec' && u.args.some((w) => !w.value.startsWith('-')) && state.execs.get(c) !== false;
  });
  // After the `trap`, a step whose commands are not known (an `eval` of text with an expansion, a command named by an
  // expansion, `.`/`source` of a file) may reset the trap or replace the shell.
  const walked = state.steps.slice(start);
  const at = walked.findIndex((s) => s.cmd === cmd);
  const unseen = walked.slice(at + 1).some((s) => {
    // What a shell the script starts runs (walkShell) sets no trap of this one.
    if (s.shell) return false;
    if (s.kind === 'unknown') return true;
    if (s.kind !== 'command' || s.cmd.programIndex < 0) return false;
    const name = shellUtility(s.cmd)?.name;
    return name === undefined || name === '.' || name === 'source';
  });
  const sure = trap.exact && open === 0 && (op === null || op === ';' || op === '\n') && cmd.next !== '|' && cmd.next !== '&' && !execs && !state.endedShell && !unseen;
  state.steps.push({ cmd, kind: 'call', reach: cmd, uncertain: !sure });
  // The action is read as an `eval` of it would be (evalScript: its text keeps its place in the document when it can).
  const inner = scopeOf(evalScript(state.run, scope.script, k, [trap.action!]), scope);
  walk(state, inner, 0, inner.commands.length - 1, { stack: [], depth: 1, reach: cmd, evalOf: cmd, uncertain: !sure, atExit: true });
  return true;
}

/** Characters of `eval` texts that listBodies reads for one cut, at most (`eval eval eval … x` reads a text per word). */
const MAX_LISTED_TEXT = 1 << 16;

/** What listBodies has listed for a RUN past MAX_STEPS (WalkState.cut): each body and `eval` text once, and how much eval text. */
interface Listed {
  seen: Set<SimpleCommand>;
  evals: Set<SimpleCommand>;
  text: number;
}

/**
 * For a call or an `eval` nested deeper than MAX_DEPTH (an `unknown` step): the commands written in its body (or text)
 * and in the bodies they name and the texts of the `eval`s they run (with no expansion), each once, as commands that may
 * run (`uncertain`) in no known order, so that an install there still counts (and a cleanup, which may not run, does
 * not). One that may end the shell makes what follows uncertain too. `evalOf`: the outermost `eval` the commands run
 * through, if any (the cut `eval` itself for one that is cut at the RUN's own text).
 */
function listBodies(state: WalkState, first: { scope: Scope; from: number; to: number }, reach: SimpleCommand, evalOf: SimpleCommand | undefined, cut?: Listed): void {
  const queue = [first];
  // Past MAX_STEPS (`cut`): the bodies and texts already listed for the RUN are not listed again, and the cap is not asked.
  const seen = cut?.seen ?? new Set<SimpleCommand>();
  seen.add(first.scope.commands[first.from]);
  const evals = cut?.evals ?? new Set<SimpleCommand>();
  let text = cut?.text ?? 0;
  while (queue.length > 0) {
    const { scope, from, to } = queue.pop()!;
    // A command of an `eval`'s text runs through the outermost `eval` (Step.evalOf).
    let through = evalOf;
    for (let t = scope.script; !evalOf && t.host; t = t.host.script) through = t.host.script.commands[t.host.index];
    for (let i = from; i <= to; i++) {
      if (!cut && state.steps.length >= MAX_STEPS) return;
      const cmd = scope.commands[i];
      state.steps.push({ cmd, kind: 'command', reach, uncertain: true, ...(through ? { evalOf: through, evalScript: scope.script } : {}) });
      if (endsShell(cmd)) state.endedShell = true;
      const program = cmd.programIndex >= 0 ? cmd.words[cmd.programIndex] : undefined;
      if (!program || /[$`]/.test(program.raw)) continue;
      const args = evalArgs(cmd);
      if (args) {
        if (args.some((w) => /[$`]/.test(w.raw)) || evals.has(cmd) || (text += args.reduce((n, w) => n + w.value.length + 1, 0)) > MAX_LISTED_TEXT) continue;
        if (cut) cut.text = text;
        evals.add(cmd);
        let inner = state.evals.get(cmd);
        if (!inner) state.evals.set(cmd, (inner = scopeOf(evalScript(state.run, scope.script, i, args), scope)));
        if (inner.commands.length > 0) queue.push({ scope: inner, from: 0, to: inner.commands.length - 1 });
        continue;
      }
      const body = bodyOf(scope, program.value);
      if (body && body !== 'unknown' && !seen.has(body.scope.commands[body.from])) {
        seen.add(body.scope.commands[body.from]);
        queue.push(body);
      }
    }
  }
}

function walk(state: WalkState, scope: Scope, from: number, to: number, ctx: Context): void {
  const { commands } = scope;
  const definesFunctions = (s: Scope | undefined): boolean => !!s && (s.defs.length > 0 || definesFunctions(s.parent));
  let returned = false;
  // `"$@"` is empty here until a `set -- …` of this text or body sets the positional parameters (setsPositional).
  let noArgs = !!ctx.noArgs;
  // The walk of a whole text (not of a function's body, which never starts at 0): it moves the text's position.
  const text = from === 0 && to === commands.length - 1;
  const frame: Frame | undefined = text ? undefined : { scope, from, pos: from };
  const frames = frame ? [...(ctx.frames ?? []), frame] : ctx.frames;
  // A `( … )` body runs in a subshell: its `exit` ends that subshell only.
  const subshell = !text && scope.defs.length > 0 && !!scope.defs[indexDefinitions(scope).bodyAt.get(from) ?? -1]?.subshell;
  const shellTop = !!ctx.shellTop && text;
  for (let i = from; i <= to; i++) {
    if (state.halted) return;
    if (frame) frame.pos = i;
    else scope.pos = i;
    // A definition runs nothing: skip its name and its body.
    const def = i + 1 <= to && scope.defs.length > 0 ? (indexDefinitions(scope).bodyAt.get(i + 1) ?? -1) : -1;
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
    // At the top level of a shell's script (`sh -c '…'`), what a RUN's own script does not run in every shell is not
    // sure here either (runsInEveryShell: after a top-level `return` that ends a `sh` script, behind `&&` after `exit`).
    const uncertain = !!ctx.uncertain || returned || state.endedShell || (shellTop && !runsInEveryShell(state.run, cmd));
    const base = { cmd, reach, uncertain, ...(ctx.evalOf ? { evalOf: ctx.evalOf, evalScript: scope.script } : {}) };
    if (state.steps.length >= MAX_STEPS) {
      state.steps.push({ ...base, kind: 'unknown' });
      // Past the cap the order is not followed, but what the rest of this text or body writes (and the bodies and `eval`
      // texts it names, each once per RUN) may run (`uncertain`), as for a call nested too deep (listBodies): an install
      // there still counts, a cleanup does not. Each frame being walked lists its own rest as the walk unwinds.
      state.cut ??= { seen: new Set(), evals: new Set(), text: 0 };
      if (ctx.reach) listBodies(state, { scope, from: i, to }, ctx.reach, ctx.evalOf, state.cut);
      else for (let k = i; k <= to; k++) listBodies(state, { scope, from: k, to: k }, commands[k], ctx.evalOf, state.cut);
      return;
    }
    const program = cmd.programIndex >= 0 ? cmd.words[cmd.programIndex] : undefined;
    const literal = !!program && !/[$`]/.test(program.raw);
    // A call in a pipe or the background runs beside what follows it.
    const beside = cmd.next === '|' || cmd.next === '&' || cmd.prev === '|';
    const args = program && literal ? evalArgs(cmd) : undefined;
    // The call or `eval` surely runs its body or text whenever its own text gets here (Context.sure).
    const sure = !!ctx.sure && !uncertain && !beside && !subshell && sequencedAt(scope, from, text, i);
    if (args) {
      if (args.some((w) => /[$`]/.test(w.raw)) || ctx.depth >= MAX_DEPTH) {
        state.steps.push({ ...base, kind: 'unknown' });
        // Nested too deep, its text is still written (`eval eval … apt-get install curl`): what it holds may run.
        if (ctx.depth >= MAX_DEPTH && !args.some((w) => /[$`]/.test(w.raw))) {
          let inner = state.evals.get(cmd);
          if (!inner) state.evals.set(cmd, (inner = scopeOf(evalScript(state.run, scope.script, i, args), scope)));
          if (inner.commands.length > 0) listBodies(state, { scope: inner, from: 0, to: inner.commands.length - 1 }, reach, ctx.evalOf ?? cmd);
        }
        continue;
      }
      state.steps.push({ ...base, kind: 'call' });
      // eval joins its arguments with spaces and runs the result in this shell (POSIX eval); so do `builtin eval` and
      // `command eval` (bash's builtin, POSIX command: they run the builtin).
      let inner = state.evals.get(cmd);
      if (!inner) state.evals.set(cmd, (inner = scopeOf(evalScript(state.run, scope.script, i, args), scope)));
      walk(state, inner, 0, inner.commands.length - 1, { stack: ctx.stack, depth: ctx.depth + 1, reach, evalOf: ctx.evalOf ?? cmd, uncertain: uncertain || beside, ...(ctx.atExit ? { atExit: true } : {}), ...(frames ? { frames } : {}), ...(sure ? { sure } : {}), noArgs });
    } else if (program && literal) {
      const body = bodyOf(scope, program.value, ctx.atExit, frames);
      if (body === undefined) {
        state.steps.push({ ...base, kind: 'command' });
        walkShells(state, scope.commands, i, reach, uncertain, ctx.depth + 1);
      } else if (body === 'unknown' || ctx.stack.includes(program.value)) state.steps.push({ ...base, kind: 'unknown' });
      else if (ctx.depth >= MAX_DEPTH) {
        state.steps.push({ ...base, kind: 'unknown' });
        listBodies(state, body, reach, ctx.evalOf);
      } else {
        state.steps.push({ ...base, kind: 'call' });
        // The body's positional parameters are the call's arguments (none: `"$@"` is empty there).
        const callArgs = wordsWithoutRedirections(cmd.words.slice(cmd.programIndex + 1));
        const bodyNoArgs = callArgs.every((w) => POSITIONAL_ONLY.test(w.raw)) && (callArgs.length === 0 || noArgs);
        walk(state, body.scope, body.from, body.to, { stack: [...ctx.stack, program.value], depth: ctx.depth + 1, reach, ...(ctx.evalOf ? { evalOf: ctx.evalOf } : {}), uncertain: uncertain || beside, ...(ctx.atExit ? { atExit: true } : {}), ...(frames ? { frames } : {}), ...(sure ? { sure } : {}), noArgs: bodyNoArgs });
      }
    } else {
      state.steps.push({ ...base, kind: program && !literal && definesFunctions(scope) ? 'unknown' : 'command' });
      // `x=$(apt-get install -y curl)`: an assignment's command substitution.
      if (!program) walkShells(state, scope.commands, i, reach, uncertain, ctx.depth + 1);
    }
    // In a function body (or an eval's text), what follows a `return` or `exit` may not run; after an `exit` or `exec`
    // that may end the shell with success, nothing may.
    if (program && literal && noArgs && setsPositional(cmd)) noArgs = false;
    if (program && literal && mayRunUtility(cmd, 'exec')) {
      const u = shellUtility(cmd);
      if (u?.name === 'exec') state.execs.set(cmd, state.execs.get(cmd) === true || !execOfNothing(u.args, noArgs));
    }
    if (ctx.reach && program && literal) {
      const u = shellUtility(cmd);
      const name = u?.name;
      // `exec "$@"` with no positional parameter runs nothing and returns (execOfNothing).
      if (shellTop) {
        // At a shell script's top level an `exit` that ends it with a failure (`apt-get update || exit 1`, `exit 2` in an
        // `if`) leaves what follows running whenever the shell gets there, as in a RUN's own script (task shell10 item 1):
        // only one that may end it with success (mayEndWithSuccess: `|| exit 0`, `&& return 0`) makes it uncertain.
        if (mayEndWithSuccess(scope.script, i + 1, i) && !(name === 'exec' && execOfNothing(u!.args, noArgs))) returned = true;
      } else {
        if (name === 'return' || name === 'exit' || (name === 'exec' && !execOfNothing(u!.args, noArgs))) returned = true;
        if (endsShell(cmd, noArgs)) state.endedShell = true;
        // A `return` that runs whenever its function's body gets to it (at the body's own top level, the first of its
        // and-or list, not in a pipe or the background: sequencedAt) leaves the function there: the rest of the body
        // never runs (POSIX return: it "shall cause the shell to stop executing the current function or dot script").
        if (name === 'return' && !text && sequencedAt(scope, from, false, i)) break;
      }
      // One that surely runs ends the shell (`f() { exit 0; apt-get install wget; }; f`, `eval 'exit 0'; …`): nothing
      // after it runs. Not `builtin exit`, which dash and BusyBox ash do not have (shellUtility).
      if (sure && !u!.viaBuiltin && (name === 'exit' || (name === 'exec' && endsShell(cmd, noArgs)))) state.halted = true;
    }
  }
  if (text) scope.pos = commands.length;
}
