/**
 * Package-manager knowledge shared by the Dockerfile rules DF030–DF039 and DF048: which shell
 * commands of a RUN are package-manager calls (apt-get/apt, apk, pip, yum/dnf/microdnf/tdnf,
 * zypper, npm, gem), their subcommand, options and operands; what cleans their caches; and the
 * layout-keeping edits the fixes share (insert an option, append a command to a RUN, join two
 * RUNs).
 *
 * Everything is computed from `ctx.runs()` (parsed once) and cached per context, so every rule
 * that asks pays for one linear pass over the file's commands.
 */
import type { Arg, Env, Instruction, Run } from 'dockerfile-ast';
import type { DockerfileContext, RunInstruction, RunScript, Stage } from './dockerfile';
import { baseName, isNonPosixShell, redirectionWidth, wordsWithoutRedirections, type Separator, type SimpleCommand, type Word } from './shell';
import { invocation } from './run-commands';
import { backgroundJobOf, backgroundUnwaited, runOrder, waitFor, type RunOrder } from './function-calls';
import { builtinWords, CLOSERS, functionBodyEnd, functionDefinitions, literalWord, OPENERS, POSITIONAL_ONLY, positionalUnset, shellUtility } from './script-structure';
import { callEnds, closerOf, compoundKeepsErrexit, constructsAt, environmentEndsBefore, finalTerminator, functionsTurningErrexitOff, leadWords, mayEndIndex, mayEndWithSuccess, mayTurnErrexitOff, neverRunAfterAnd, placeOf, reachedBy, runsInEveryShell, runsInSubshell, scriptEnds, TERMINATORS } from './script-reach';
import { commandsWithStrings, isSubstitution, pipedFromYesAt, stringScriptsOf, substitutionScriptsOf, substitutionSpans } from './script-strings';
import { buildsWindows, shellsOf, stageChain } from './stage-scope';
import { scriptCloses } from './shell-check';
import type { Range, TextEdit } from './types';

export type Tool = 'apt-get' | 'apt' | 'apk' | 'pip' | 'yum' | 'dnf' | 'microdnf' | 'tdnf' | 'zypper' | 'npm' | 'gem';
export type Family = 'apt' | 'apk' | 'pip' | 'rpm' | 'zypper' | 'npm' | 'gem';

/** One option as written: `-y` (name `y`), `--yes` (name `yes`), `-o X` (name `o`, value `X`). A cluster `-qy` gives one entry per letter. */
export interface ParsedOption {
  word: Word;
  name: string;
  long: boolean;
  value: string | null;
  /** The word that holds the value when it is not in the option's own word (`--cache-dir /tmp/c`). */
  valueWord?: Word;
}

/** A package-manager call found in a RUN. */
export interface PackageCommand {
  tool: Tool;
  family: Family;
  /** The tool as the user wrote it, for messages: `apt-get`, `pip3`, `python3 -m pip`. */
  display: string;
  run: RunInstruction;
  script: RunScript;
  command: SimpleCommand;
  /** Index of the command in `script.commands`. */
  commandIndex: number;
  /** The word naming the tool (for `python -m pip`, the `python` word). */
  toolWord: Word;
  /** The subcommand, normalized (`i` → `install` for npm/gem, `in` → `install` for zypper/dnf); '' when none. */
  action: string;
  actionWord: Word | null;
  /** Options anywhere after the tool (before or after the subcommand). */
  options: ParsedOption[];
  /** Words after the subcommand that are neither options, option values nor redirections. */
  operands: Word[];
  /** The operand list is not visible: the command runs under `xargs`. */
  viaXargs: boolean;
  /** The command runs under `sudo` (the stage's USER is not root): a command added beside it needs sudo too. */
  viaSudo: boolean;
  /** The command reads from a pipe whose first command is `yes`. */
  pipedFromYes: boolean;
  /** `NAME=value` assignments written before the tool (`DEBIAN_FRONTEND=noninteractive apt-get …`, `env X=1 pip …`). */
  assignments: Map<string, string>;
  /** The script is exec-form JSON (`RUN ["apt-get", …]`): edits must write JSON strings. */
  execForm: boolean;
  /**
   * The command is inside the script string of a shell the RUN starts (`bash -c 'apt-get install curl'`,
   * `su -c "…"`): listed only by packageCommandsInStrings / packageCommandsOfInStrings. Its words map to
   * the document exactly (the string is one quoted word with no escape, no continuation), so an edit of
   * plain text without quotes, `\`, `$` or backticks lands in the string as written.
   */
  inString: boolean;
}

// ---------------------------------------------------------------------------------------------
// Recognizing the tool

/** Wrappers that run the command given in their arguments, with the options of theirs that take a value. */
const WRAPPERS: Record<string, { valueShort: string; valueLong: string[] }> = {
  sudo: { valueShort: 'ugCDhprtUT', valueLong: ['user', 'group', 'close-from', 'chdir', 'host', 'prompt', 'role', 'type', 'other-user', 'command-timeout'] },
  env: { valueShort: 'uCS', valueLong: ['unset', 'chdir', 'split-string'] },
  xargs: { valueShort: 'adEILlnPs', valueLong: ['arg-file', 'delimiter', 'eof', 'replace', 'max-lines', 'max-args', 'max-procs', 'max-chars', 'process-slot-var'] },
  nice: { valueShort: 'n', valueLong: ['adjustment'] },
  nohup: { valueShort: '', valueLong: [] },
  exec: { valueShort: 'a', valueLong: [] },
  command: { valueShort: '', valueLong: [] },
  eatmydata: { valueShort: '', valueLong: [] },
  fakeroot: { valueShort: '', valueLong: [] },
  stdbuf: { valueShort: 'ioe', valueLong: ['input', 'output', 'error'] },
  // `timeout [-s SIG] [-k DUR] DURATION command`: the duration is skipped after the options (recognize).
  timeout: { valueShort: 'sk', valueLong: ['signal', 'kill-after'] },
};

interface ToolSpec {
  family: Family;
  /** Short options that take a value (`-o X`, `-oX`). */
  valueShort: string;
  /** Long options that take a value when written as `--name value` (`--name=value` always does). */
  valueLong: Set<string>;
}

const APT: ToolSpec = { family: 'apt', valueShort: 'octaP', valueLong: new Set(['option', 'config-file', 'target-release', 'default-release', 'host-architecture', 'build-profiles', 'solver']) };
const RPM: ToolSpec = {
  family: 'rpm',
  valueShort: 'cxdeR',
  valueLong: new Set(['setopt', 'enablerepo', 'disablerepo', 'installroot', 'releasever', 'config', 'exclude', 'repo', 'repoid', 'downloaddir', 'destdir', 'forcearch', 'color', 'rpmverbosity', 'advisory', 'advisories', 'cve', 'cves', 'bz', 'bzs', 'sec-severity', 'secseverity', 'repofrompath', 'debuglevel', 'errorlevel', 'comment', 'disableplugin', 'enableplugin']),
};
const TOOLS: Record<Tool, ToolSpec> = {
  'apt-get': APT,
  apt: APT,
  apk: { family: 'apk', valueShort: 'Xpt', valueLong: new Set(['repository', 'root', 'arch', 'cache-dir', 'keys-dir', 'repositories-file', 'virtual', 'timeout', 'cache-max-age', 'progress-fd', 'wait']) },
  pip: {
    family: 'pip',
    valueShort: 'rceiftbCd',
    valueLong: new Set([
      'requirement', 'constraint', 'editable', 'index-url', 'extra-index-url', 'find-links', 'target', 'prefix', 'root', 'src', 'upgrade-strategy',
      'platform', 'python-version', 'implementation', 'abi', 'global-option', 'install-option', 'config-settings', 'no-binary', 'only-binary',
      'progress-bar', 'trusted-host', 'log', 'log-file', 'proxy', 'retries', 'timeout', 'exists-action', 'cert', 'client-cert', 'cache-dir',
      'python', 'report', 'root-user-action', 'build', 'use-feature', 'use-deprecated', 'keyring-provider', 'group', 'dest', 'requirements',
    ]),
  },
  yum: RPM,
  dnf: RPM,
  microdnf: RPM,
  tdnf: RPM,
  zypper: { family: 'zypper', valueShort: 'RcDCrt', valueLong: new Set(['root', 'config', 'reposd-dir', 'cache-dir', 'raw-cache-dir', 'solv-cache-dir', 'pkg-cache-dir', 'userdata', 'installroot', 'repo', 'from', 'type']) },
  npm: { family: 'npm', valueShort: 'wC', valueLong: new Set(['prefix', 'registry', 'cache', 'loglevel', 'omit', 'include', 'only', 'workspace', 'install-strategy', 'userconfig', 'globalconfig', 'tag', 'also']) },
  gem: { family: 'gem', valueShort: 'vinsP', valueLong: new Set(['version', 'install-dir', 'bindir', 'source', 'platform', 'trust-policy', 'document', 'build-root', 'file', 'env-shebang-path']) },
};

/** The tool a program name denotes (`/usr/bin/apt-get` → `apt-get`, `pip3.12` → `pip`), or null. */
function toolOfProgram(name: string): Tool | null {
  switch (name) {
    case 'apt-get':
    case 'apt':
    case 'apk':
    case 'yum':
    case 'dnf':
    case 'microdnf':
    case 'tdnf':
    case 'zypper':
    case 'npm':
    case 'gem':
      return name;
    case 'dnf5':
    case 'dnf-3':
      return 'dnf';
    default:
      return /^pip(?:\d+(?:\.\d+)*)?$/.test(name) ? 'pip' : null;
  }
}

const PYTHON = /^(?:python|pypy)(?:\d+(?:\.\d+)*)?$|^py$/;
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

/** Skips a wrapper's own options from index `i` (the word after the wrapper's name); returns the index of the wrapped program. */
function skipWrapperOptions(words: Word[], i: number, spec: { valueShort: string; valueLong: string[] }, wrapper: string, assignments: Map<string, string>): number {
  while (i < words.length) {
    // A redirection is no option, nor the wrapped program (`sudo 2>/dev/null apt-get …`).
    const redirection = redirectionWidth(words, i);
    if (redirection > 0) {
      i += redirection;
      continue;
    }
    const v = words[i].value;
    if (v === '--') return i + 1;
    if (wrapper === 'env') {
      const m = ASSIGNMENT.exec(v);
      if (m) {
        assignments.set(m[1], m[2]);
        i++;
        continue;
      }
    }
    if (!v.startsWith('-') || v === '-') return i;
    if (v.startsWith('--')) {
      const name = v.slice(2);
      i += !name.includes('=') && spec.valueLong.includes(name) ? 2 : 1;
      continue;
    }
    // A short cluster: a value-taking letter consumes the rest, or the next word.
    let consumesNext = false;
    for (let k = 1; k < v.length; k++) {
      if (spec.valueShort.includes(v[k])) {
        consumesNext = k === v.length - 1;
        break;
      }
    }
    i += consumesNext ? 2 : 1;
  }
  return i;
}

/** Normalizes a subcommand of a tool. */
function normalizeAction(tool: Tool, action: string): string {
  const a = action.toLowerCase();
  switch (tool) {
    case 'npm':
      if (['i', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isnta', 'isntal', 'isntall', 'add'].includes(a)) return 'install';
      if (['clean-install', 'ic', 'install-clean', 'isntall-clean'].includes(a)) return 'ci';
      return a;
    case 'gem':
      return a === 'i' ? 'install' : a;
    case 'zypper':
      if (a === 'in') return 'install';
      if (a === 'cc') return 'clean';
      if (a === 'up') return 'update';
      if (a === 'dup') return 'dist-upgrade';
      if (a === 'rm') return 'remove';
      if (a === 'ref') return 'refresh';
      return a;
    case 'yum':
    case 'dnf':
    case 'microdnf':
    case 'tdnf':
      if (a === 'in' || a === 'install-n' || a === 'install-na' || a === 'install-nevra') return 'install';
      if (a === 'up') return 'upgrade';
      if (a === 'rei') return 'reinstall';
      if (a === 'dsync') return 'distro-sync';
      return a;
    default:
      return a;
  }
}

/** Parses the words of a command from the tool's word on. */
function parseToolCommand(tool: Tool, words: Word[], firstArg: number): Pick<PackageCommand, 'action' | 'actionWord' | 'options' | 'operands'> {
  const spec = TOOLS[tool];
  const options: ParsedOption[] = [];
  const operands: Word[] = [];
  let actionWord: Word | null = null;
  let action = '';
  let endOfOptions = false;
  for (let i = firstArg; i < words.length; i++) {
    const w = words[i];
    const v = w.value;
    // A redirection or heredoc marker, with its target when the operator stands alone (`> f`, `<< EOF`).
    const redirection = redirectionWidth(words, i);
    if (redirection > 0) {
      i += redirection - 1;
      continue;
    }
    if (!endOfOptions && v === '--') {
      // gem passes what follows `--` to the gem's extension build (`gem install pg -- --with-pg-include /usr/include/postgresql`): no gem names (review 45b, item 6).
      if (tool === 'gem') break;
      endOfOptions = true;
      continue;
    }
    if (!endOfOptions && v.startsWith('--') && v.length > 2) {
      const eq = v.indexOf('=');
      const name = eq === -1 ? v.slice(2) : v.slice(2, eq);
      let value: string | null = eq === -1 ? null : v.slice(eq + 1);
      let valueWord: Word | undefined;
      if (value === null && spec.valueLong.has(name) && i + 1 < words.length && redirectionWidth(words, i + 1) === 0) {
        valueWord = words[i + 1];
        value = valueWord.value;
        i++;
      }
      options.push({ word: w, name, long: true, value, ...(valueWord ? { valueWord } : {}) });
      continue;
    }
    if (!endOfOptions && v.startsWith('-') && v.length > 1 && !/^-\d/.test(v)) {
      for (let k = 1; k < v.length; k++) {
        const letter = v[k];
        if (spec.valueShort.includes(letter)) {
          let value: string | null = v.slice(k + 1).replace(/^=/, '');
          if (value === '') {
            value = i + 1 < words.length ? words[i + 1].value : null;
            if (value !== null) i++;
          }
          options.push({ word: w, name: letter, long: false, value });
          break;
        }
        if (letter === '=') {
          // `-q=2`: the value of the previous letter.
          const prev = options[options.length - 1];
          if (prev && prev.word === w) prev.value = v.slice(k + 1);
          break;
        }
        options.push({ word: w, name: letter, long: false, value: null });
      }
      continue;
    }
    if (actionWord === null) {
      actionWord = w;
      action = normalizeAction(tool, v);
      continue;
    }
    operands.push(w);
  }
  return { action, actionWord, options, operands };
}

/** Recognizes a package-manager call in a simple command, looking through wrappers (`sudo`, `xargs`, `env`, `python -m pip`). */
export function recognize(run: RunInstruction, script: RunScript, commandIndex: number): PackageCommand | null {
  const command = script.commands[commandIndex];
  const words = command.words;
  if (command.programIndex < 0) return null;
  // Most commands of a file are no package manager (`cd`, `curl`, `rm`…): decided from the program word alone, as the
  // reading below decides it when that word is no wrapper, no assignment and no Python, without its Map and passes.
  const first = words[command.programIndex] as Word | undefined;
  const firstName = first === undefined ? '' : baseName(first.value);
  if (first !== undefined && !Object.hasOwn(WRAPPERS, firstName) && toolOfProgram(firstName) === null && !PYTHON.test(firstName) && !ASSIGNMENT.test(first.value)) return null;
  const assignments = new Map<string, string>();
  for (let k = 0; k < command.programIndex; k++) {
    const m = ASSIGNMENT.exec(words[k].value);
    if (m) assignments.set(m[1], m[2]);
  }
  let i = command.programIndex;
  let viaXargs = false;
  let viaSudo = false;
  for (let depth = 0; depth < 4 && i < words.length; depth++) {
    const name = baseName(words[i].value);
    const wrapper = Object.hasOwn(WRAPPERS, name) ? WRAPPERS[name] : undefined; // not Object's own `constructor`…
    if (!wrapper) break;
    if (name === 'xargs') viaXargs = true;
    if (name === 'sudo') viaSudo = true;
    i = skipWrapperOptions(words, i + 1, wrapper, name, assignments);
    if (name === 'timeout') {
      while (i < words.length && redirectionWidth(words, i) > 0) i += redirectionWidth(words, i);
      i++; // the duration
    }
  }
  // Assignments after `sudo` (sudo VAR=x cmd).
  while (i < words.length && ASSIGNMENT.test(words[i].value)) {
    const m = ASSIGNMENT.exec(words[i].value)!;
    assignments.set(m[1], m[2]);
    i++;
  }
  if (i >= words.length) return null;
  const toolWord = words[i];
  const programName = baseName(toolWord.value);
  let tool = toolOfProgram(programName);
  let display = programName;
  let firstArg = i + 1;
  if (!tool && PYTHON.test(programName)) {
    // python [-u -B -I …] -m pip …
    let j = i + 1;
    while (j < words.length && words[j].value.startsWith('-') && words[j].value !== '-m' && !words[j].value.startsWith('-m')) {
      j += /^-[WX]$/.test(words[j].value) ? 2 : 1;
    }
    if (j < words.length) {
      const v = words[j].value;
      const mod = v === '-m' ? words[j + 1]?.value : v.startsWith('-m') ? v.slice(2) : undefined;
      if (mod === 'pip' || mod === 'pip3') {
        tool = 'pip';
        display = `${programName} -m pip`;
        firstArg = v === '-m' ? j + 2 : j + 1;
      }
    }
  }
  if (!tool) return null;
  const parsed = parseToolCommand(tool, words, firstArg);
  // Piped from `yes`, or a command of a shell script string whose shell reads `yes` (not piped from another command there).
  const pipedFromYes = pipedFromYesAt(script, commandIndex) || (script.fedByYes === true && command.prev !== '|');
  return {
    tool,
    family: TOOLS[tool].family,
    display,
    run,
    script,
    command,
    commandIndex,
    toolWord,
    ...parsed,
    viaXargs,
    viaSudo,
    pipedFromYes,
    assignments,
    execForm: script.json && !script.isShell,
    inString: script.inString === true,
  };
}

interface PackageIndex {
  all: PackageCommand[];
  byRun: Map<RunInstruction, PackageCommand[]>;
  /** The same with the commands inside shell script strings (PackageCommand.inString), in document order. */
  allInStrings: PackageCommand[];
  byRunInStrings: Map<RunInstruction, PackageCommand[]>;
  /** allInStrings by the offset of the tool word (the first at an offset), made when packageCommandAt is first asked. */
  byToolOffset?: Map<number, PackageCommand>;
}

// The per-analysis answers of this module are facts of the analysis' context (ctx.fact), not entries of module WeakMaps
// keyed by every context: each analysis paid a WeakMap.set per map, and the collector the weak entries.
const PACKAGE_INDEX = Symbol('packageIndex');

function index(ctx: DockerfileContext): PackageIndex {
  return ctx.fact(PACKAGE_INDEX, readIndex);
}

function readIndex(ctx: DockerfileContext): PackageIndex {
  const all: PackageCommand[] = [];
  const byRun = new Map<RunInstruction, PackageCommand[]>();
  const allInStrings: PackageCommand[] = [];
  const byRunInStrings = new Map<RunInstruction, PackageCommand[]>();
  for (const run of ctx.runs()) {
    const list: PackageCommand[] = [];
    // The script string each command starts (stringScriptsOf), by that command: most RUNs have none.
    const stringScripts = stringScriptsOf(run);
    let strings: Map<SimpleCommand, RunScript> | undefined;
    for (const s of stringScripts) if (s.host) (strings ??= new Map()).set(s.host.script.commands[s.host.index], s);
    // Those of the strings too, in document order; the same list as `list` when the RUN has no string.
    const withStrings: PackageCommand[] = strings ? [] : list;
    const read = (script: RunScript, top: boolean) => {
      for (let k = 0; k < script.commands.length; k++) {
        const pc = recognize(run, script, k);
        if (pc) {
          if (top) list.push(pc);
          if (withStrings !== list) withStrings.push(pc);
          continue;
        }
        const inner = strings?.get(script.commands[k]);
        if (inner) read(inner, false);
      }
    };
    for (const script of run.scripts) read(script, true);
    byRun.set(run, list);
    for (const pc of list) all.push(pc);
    byRunInStrings.set(run, withStrings);
    for (const pc of withStrings) allInStrings.push(pc);
  }
  return { all, byRun, allInStrings, byRunInStrings };
}

/** Every package-manager call of the file, in document order (parsed once per context). */
export function packageCommands(ctx: DockerfileContext): PackageCommand[] {
  return index(ctx).all;
}

/** The package-manager calls of one RUN. */
export function packageCommandsOf(ctx: DockerfileContext, run: RunInstruction): PackageCommand[] {
  return index(ctx).byRun.get(run) ?? [];
}

/** Every package-manager call of the file, those inside shell script strings (`bash -c '…'`) included. */
export function packageCommandsInStrings(ctx: DockerfileContext): PackageCommand[] {
  return index(ctx).allInStrings;
}

/** The package-manager calls of one RUN, those inside shell script strings included. */
export function packageCommandsOfInStrings(ctx: DockerfileContext, run: RunInstruction): PackageCommand[] {
  return index(ctx).byRunInStrings.get(run) ?? [];
}

/** The package-manager call whose tool word starts at a document offset (fixes find their command again from plain data). */
export function packageCommandAt(ctx: DockerfileContext, toolOffset: number): PackageCommand | undefined {
  // A lookup, not a search: DF013 asks for every pip call of its check (a file of thousands of `RUN pip install`).
  const idx = index(ctx);
  if (!idx.byToolOffset) {
    idx.byToolOffset = new Map();
    for (const pc of idx.allInStrings) if (!idx.byToolOffset.has(pc.toolWord.start)) idx.byToolOffset.set(pc.toolWord.start, pc);
  }
  return idx.byToolOffset.get(toolOffset);
}

/** The RUN (or ONBUILD RUN) whose instruction starts on a line; used by fixes to find their RUN again from plain data. */
export function runAtLine(ctx: DockerfileContext, line: number): RunInstruction | undefined {
  const runs = ctx.runs();
  let byLine = runsByLine.get(runs);
  if (!byLine) {
    byLine = new Map();
    for (const r of runs) {
      const l = r.instruction.getRange().start.line;
      if (!byLine.has(l)) byLine.set(l, r);
    }
    runsByLine.set(runs, byLine);
  }
  return byLine.get(line);
}

/** The RUNs of an analysis by the line they start on (asked once per fix: a lookup, not a search). */
const runsByLine = new WeakMap<readonly RunInstruction[], Map<number, RunInstruction>>();

/** The range a finding about a package-manager call points at: the tool through its subcommand (`apt-get install`). */
export function toolRange(ctx: DockerfileContext, pc: PackageCommand): Range {
  const end = pc.actionWord && pc.actionWord.end > pc.toolWord.start ? pc.actionWord.end : pc.toolWord.end;
  return ctx.rangeOfOffsets(pc.toolWord.start, end);
}

/**
 * Whether a package command runs through `sudo`: its own wrapper (PackageCommand.viaSudo), or that of a command that
 * starts the shell whose script string or here-document holds it (`sudo sh -c 'apt-get install …'`, `sudo bash <<'EOS'`,
 * `cat <<'EOS' | sudo sh`): that shell, and all it runs, is root's, while the RUN's own commands stay the USER's, so a
 * cleanup appended after the RUN's last command needs `sudo` too (review 56a, F2).
 */
export function runsWithSudo(pc: PackageCommand): boolean {
  if (pc.viaSudo) return true;
  for (let script: RunScript = pc.script; script.host; script = script.host.script) {
    const host = script.host.script.commands[script.host.index];
    const inv = invocation(host);
    if (inv?.wrappers.some((w) => baseName(host.words[w].value) === 'sudo')) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Questions about a command

export function hasOption(pc: PackageCommand, ...names: string[]): boolean {
  return pc.options.some((o) => names.includes(o.name));
}

/** Whether an apt command only simulates (`-s`, `--simulate`, `--dry-run`, …): nothing is installed or prompted. */
export function aptSimulates(pc: PackageCommand): boolean {
  return hasOption(pc, 's', 'simulate', 'just-print', 'dry-run', 'recon', 'no-act', 'print-uris');
}

/** apt subcommands that install or upgrade packages (they read the package lists). */
export const APT_INSTALLING = new Set(['install', 'reinstall', 'build-dep', 'satisfy', 'upgrade', 'dist-upgrade', 'full-upgrade', 'source', 'download']);

/** Whether apt runs with `-y` in effect: `-y`/`--yes`/`--assume-yes`, quiet level 2 (`-qq`, `-q=2`), `-o APT::Get::Assume-Yes=true`, or `yes |`. */
export function aptAssumesYes(pc: PackageCommand): boolean {
  let quiet = 0;
  for (const o of pc.options) {
    if (o.name === 'y' || o.name === 'yes' || o.name === 'assume-yes') {
      if (o.value === null || /^(?:1|true|yes|on)$/i.test(o.value)) return true;
    }
    if (o.name === 'q' || o.name === 'quiet') {
      if (o.value !== null && /^\d+$/.test(o.value)) quiet = Math.max(quiet, Number(o.value));
      else quiet++;
    }
    if ((o.name === 'o' || o.name === 'option') && o.value && /^APT::Get::Assume-Yes=(?:1|true|yes|on)$/i.test(o.value.trim())) return true;
  }
  return quiet >= 2 || pc.pipedFromYes;
}

/**
 * Whether an apt `install` names no package, so that apt installs nothing and asks nothing ("0 upgraded, 0 newly
 * installed"): no operand, or only the positional parameters (`"$@"`, `${1+"$@"}`: POSITIONAL_ONLY) where none is set
 * (positionalUnset: a RUN's own script, which Docker runs as `/bin/sh -c '…'` with nothing after it; `sh -c '…' sh`,
 * given no operand after `$0`'s name, POSIX sh), outside a function's body (whose positional parameters are its call's,
 * bash's Positional Parameters). Not under `xargs` (its operands come from its input), nor with `-f`/`--fix-broken` or
 * `-o APT::Get::Fix-Broken=…`, with which apt-get "can omit any packages" and installs what fixes broken dependencies
 * (apt-get(8), -f).
 */
export function aptInstallNamesNothing(pc: PackageCommand): boolean {
  if (pc.family !== 'apt' || pc.action !== 'install' || pc.viaXargs) return false;
  if (pc.options.some((o) => o.name === 'f' || o.name === 'fix-broken' || ((o.name === 'o' || o.name === 'option') && /fix-broken/i.test(o.value ?? '')))) return false;
  if (pc.operands.length === 0) return true;
  if (!pc.operands.every((w) => POSITIONAL_ONLY.test(w.raw)) || !positionalUnset(pc.script)) return false;
  const commands = pc.script.commands;
  return !functionDefinitions(commands).some((d) => {
    const end = functionBodyEnd(commands, d);
    return pc.commandIndex >= d.at && (end < 0 || pc.commandIndex <= end);
  });
}

/**
 * What an apt install's options say about recommended packages: `skip` (`--no-install-recommends`,
 * `--install-recommends=no`, `-o APT::Install-Recommends=false`), `install` (asked for explicitly:
 * `--install-recommends`, `-o APT::Install-Recommends=true`), or null when they say nothing. apt reads
 * its command line in order, so the last of them wins (`--no-install-recommends -y --install-recommends`
 * installs them: review 43b, item 3).
 */
export function aptRecommendsChoice(pc: PackageCommand): 'skip' | 'install' | null {
  let choice: 'skip' | 'install' | null = null;
  const no = /^(?:0|false|no|off)$/i;
  for (const o of pc.options) {
    if (o.name === 'no-install-recommends') choice = 'skip';
    else if (o.name === 'install-recommends') choice = o.value !== null && no.test(o.value) ? 'skip' : 'install';
    else if ((o.name === 'o' || o.name === 'option') && o.value) {
      const m = /^APT::Install-Recommends=(.*)$/i.exec(o.value.trim());
      if (m) choice = no.test(m[1].trim()) ? 'skip' : 'install';
    }
  }
  return choice;
}

export interface AptConfig {
  noRecommends: boolean;
  assumeYes: boolean;
}

const APT_CONFIG = Symbol('aptConfig');

/** Records the APT settings a text turns on (`APT::Install-Recommends "0";`, `APT::Get::Assume-Yes "true";`) at an offset of a stage. */
function addAptConfig(perStage: Map<Stage, { offset: number; noRecommends: boolean; assumeYes: boolean }[]>, stage: Stage, offset: number, text: string): void {
  if (!/APT::(?:Install-Recommends|Get::Assume-Yes)/i.test(text)) return;
  const noRecommends = /APT::Install-Recommends\W+(?:0|false|no|off)\b/i.test(text);
  const assumeYes = /APT::Get::Assume-Yes\W+(?:1|true|yes|on)\b/i.test(text);
  if (!noRecommends && !assumeYes) return;
  let list = perStage.get(stage);
  if (!list) perStage.set(stage, (list = []));
  list.push({ offset, noRecommends, assumeYes });
}

/** The APT settings written in each stage (aptConfigBefore), by stage, once per analysis. */
function readAptConfig(ctx: DockerfileContext): Map<Stage, { offset: number; noRecommends: boolean; assumeYes: boolean }[]> {
  const perStage = new Map<Stage, { offset: number; noRecommends: boolean; assumeYes: boolean }[]>();
  for (const run of ctx.runs()) {
    if (!run.stage) continue;
    for (const script of run.scripts) {
      for (const cmd of script.commands) {
        for (let k = 0; k < cmd.words.length; k++) {
          const w = cmd.words[k];
          // Only a word naming an `APT::…` setting can configure (addAptConfig): most words, tested without a regular expression.
          if (!w.value.includes('::')) continue;
          // `apt-get -o APT::Get::Assume-Yes=true install …`: an option of that one command, not configuration.
          if (/^(?:-o|--option)/.test(w.value) || /^(?:-o|--option)$/.test(cmd.words[k - 1]?.value ?? '')) continue;
          addAptConfig(perStage, run.stage, w.start, w.value);
        }
      }
    }
  }
  // `COPY <<EOF /etc/apt/apt.conf.d/99minimal`: configuration written by a heredoc.
  for (const stage of ctx.stages) {
    for (const ins of stage.instructions) {
      const kw = ins.getKeyword();
      if (kw !== 'COPY' && kw !== 'ADD') continue;
      const heredocs = typeof (ins as Run).getHeredocs === 'function' ? (ins as Run).getHeredocs() : [];
      if (heredocs.length === 0) continue;
      const firstBody = heredocs[0].getContentRange();
      const bodyStart = firstBody ? ctx.offsetAt(firstBody.start) : Infinity;
      const args = ins.getArguments().filter((a) => ctx.offsetAt(a.getRange().start) < bodyStart && !a.getValue().startsWith('<<'));
      const dest = args[args.length - 1]?.getValue() ?? '';
      if (!dest.startsWith('/etc/apt/')) continue;
      for (const h of heredocs) {
        const c = h.getContentRange();
        if (c) addAptConfig(perStage, stage, ctx.offsetAt(ins.getRange().start), ctx.text.slice(ctx.offsetAt(c.start), ctx.offsetAt(c.end)));
      }
    }
  }
  return perStage;
}

/**
 * APT configuration written by earlier RUNs of the stage (or of the stages it builds on), e.g.
 * `echo 'APT::Install-Recommends "0";' > /etc/apt/apt.conf.d/99norecommends`, or by a COPY heredoc to
 * /etc/apt/. An `-o APT::…` option configures only the command it is given to.
 */
export function aptConfigBefore(ctx: DockerfileContext, stage: Stage | null, offset: number): AptConfig {
  const out: AptConfig = { noRecommends: false, assumeYes: false };
  if (!stage) return out;
  const perStage = ctx.fact(APT_CONFIG, readAptConfig);
  let s: Stage | null = stage;
  let limit = offset;
  for (let depth = 0; s && depth < 64; depth++) {
    for (const e of perStage.get(s) ?? []) {
      if (e.offset >= limit) continue;
      out.noRecommends ||= e.noRecommends;
      out.assumeYes ||= e.assumeYes;
    }
    s = s.base.kind === 'stage' ? s.base.stage : null;
    limit = Number.MAX_SAFE_INTEGER;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// RUN flags and cache mounts

export interface RunFlag {
  name: string;
  value: string | null;
  text: string;
}

export function runFlags(run: RunInstruction): RunFlag[] {
  const ins = run.instruction as Run;
  if (typeof ins.getFlags !== 'function') return [];
  return ins.getFlags().map((f) => ({ name: f.getName().toLowerCase(), value: f.getValue(), text: f.toString() }));
}

/** The options of a `RUN --mount=` value (`type=cache,target=/root/.cache` → type, target), keys lower-cased. */
export function mountOptions(value: string): Map<string, string> {
  const opts = new Map<string, string>();
  for (const written of value.split(',')) {
    // A field may be quoted whole, as a CSV field (`"from=node:24"`); later fields of a name win, as in BuildKit.
    const part = written.trim().replace(/^(["'])(.*)\1$/, '$2');
    const eq = part.indexOf('=');
    // BuildKit expands each value as a shell word: `target="/var/lib/apt/lists"` is the path without quotes.
    opts.set((eq === -1 ? part : part.slice(0, eq)).trim().toLowerCase(), eq === -1 ? '' : part.slice(eq + 1).trim().replace(/^(["'])(.*)\1$/, '$2'));
  }
  return opts;
}

/**
 * Whether the RUN mounts a cache, a tmpfs or a bind mount over `path` (at the path or a parent of it): what a
 * command writes there stays out of the layer. A bind mount is read-only by default, and with `rw` its writes
 * "are discarded after the instruction is done" (Docker docs, Build cache optimization, "Use bind mounts"), so
 * a cache written or read under one keeps nothing in the image either (review57, p83: a read-only bind of
 * another stage's /var/cache/dnf with `dnf install -C`). `type` defaults to bind.
 */
export function mountsCacheOver(run: RunInstruction, test: (target: string) => boolean): boolean {
  for (const f of runFlags(run)) {
    if (f.name !== 'mount' || !f.value) continue;
    const opts = mountOptions(f.value);
    const type = opts.get('type') ?? 'bind';
    if (type !== 'cache' && type !== 'tmpfs' && type !== 'bind') continue;
    const target = (opts.get('target') ?? opts.get('dst') ?? opts.get('destination') ?? '').replace(/\/+$/, '');
    if (target && test(target)) return true;
  }
  return false;
}

/** `target` covers `path` when it is the path or one of its parents. */
export function covers(target: string, path: string): boolean {
  return path === target || path.startsWith(target + '/');
}

// ---------------------------------------------------------------------------------------------
// Commands of a RUN

/** Every simple command of a RUN's shell scripts, in document order. */
export function shellCommandsOf(run: RunInstruction): SimpleCommand[] {
  const out: SimpleCommand[] = [];
  for (const s of run.scripts) if (s.isShell) out.push(...s.commands);
  return out;
}

/** Whether the command is `rm` with an operand for which `test` holds. */
export function removes(cmd: SimpleCommand, test: (path: string) => boolean): boolean {
  // Through the wrappers installs are read through too (`sudo rm`, `timeout 5 rm`, `nice rm`, `env rm`:
  // review 38a, probes t02, t10), as the package commands themselves are.
  const inv = invocation(cmd);
  if (!inv || inv.name !== 'rm') return false;
  // A glob inside quotes is not expanded: `rm -f '/var/lib/apt/lists/*'` removes a file named `*`, not the lists (review 31, probe 11).
  return inv.args.some((w) => !w.value.startsWith('-') && !quotedGlob(w.raw) && test(w.value.replace(/^["']|["']$/g, '')));
}

/**
 * Whether a word as written has a `*`, `?` or `[` that the shell does not expand: inside quotes, or escaped
 * with a backslash (`rm -rf /var/lib/apt/lists/\\*`: review 32, probe 02). Parameter expansions are not globs
 * (`"${HOME:?}/.cache/pip"`: probe 01).
 */
function quotedGlob(raw: string): boolean {
  let quote: string | null = null;
  for (let k = 0; k < raw.length; k++) {
    const c = raw[k];
    if (c === '$' && raw[k + 1] === '{' && quote !== "'") {
      const close = raw.indexOf('}', k + 2);
      if (close === -1) return false;
      k = close;
      continue;
    }
    if (quote === null && c === '\\') {
      if (raw[k + 1] === '*' || raw[k + 1] === '?' || raw[k + 1] === '[') return true;
      k++;
      continue;
    }
    if (quote === null && (c === '"' || c === "'")) quote = c;
    else if (quote !== null && c === quote) quote = null;
    else if (quote !== null && (c === '*' || c === '?' || c === '[')) return true;
  }
  return false;
}

/** Whether removing `path` (possibly with a trailing `/*` glob) removes all of `dir`: the path is `dir` or one of its parents. */
export function removesDir(path: string, dir: string): boolean {
  const p = path.replace(/\/\*$/, '').replace(/\/+$/, '');
  return p !== '' && covers(p, dir);
}

/** Whether the command is `find <dir…>` that deletes what it finds (`-delete`, `-exec rm`). */
export function findDeletes(cmd: SimpleCommand, dir: string): boolean {
  const inv = invocation(cmd);
  if (!inv || inv.name !== 'find') return false;
  const args = inv.args.map((w) => w.value);
  return args.some((a) => !a.startsWith('-') && removesDir(a, dir)) && (args.includes('-delete') || args.some((a, k) => a === '-exec' && baseName(args[k + 1] ?? '') === 'rm'));
}

export const APT_LISTS = '/var/lib/apt/lists';

/** Whether a command removes apt's package lists: `rm -rf /var/lib/apt/lists/*` (or a parent), `find /var/lib/apt/lists … -delete`, `apt-get distclean`. */
export function cleansAptLists(cmd: SimpleCommand): boolean {
  // `rm -f /var/lib/apt/lists/*_*`: every list file is named `<host>_<path>_…` (Phoenix's release Dockerfile; review 30, probe df-04).
  if (removes(cmd, (p) => removesDir(p, APT_LISTS) || p === `${APT_LISTS}/*_*`) || findDeletes(cmd, APT_LISTS)) return true;
  const inv = invocation(cmd);
  // apt 2.7.8+: `apt-get distclean` also removes the lists.
  return !!inv && (inv.name === 'apt-get' || inv.name === 'apt') && inv.args.some((w) => w.value === 'distclean' || w.value === 'dist-clean');
}

/** apt options that take the next word as their value. */
export const APT_VALUE_OPTIONS = /^(?:-[A-Za-z]*[octaP]|--(?:option|config-file|target-release|default-release|host-architecture|build-profiles|solver))$/;

/**
 * The subcommand of an `apt-get`/`apt` command read from its words, for a command that has no PackageCommand (inside
 * `sh -c '…'` or the text of an `eval`, where the package index does not look); null for other programs.
 */
export function aptActionOf(name: string, args: readonly string[]): string | null {
  if (name !== 'apt-get' && name !== 'apt') return null;
  for (let i = 0; i < args.length; i++) {
    if (APT_VALUE_OPTIONS.test(args[i])) i++;
    else if (!args[i].startsWith('-')) return args[i].toLowerCase();
  }
  return '';
}

/**
 * The apt subcommand a command runs: its PackageCommand's (from `pcs`), or, for a command of an `eval`'s text
 * (which has none), the one its words name; null for another command.
 */
export function aptActionOfCommand(cmd: SimpleCommand, pcs: ReadonlyMap<SimpleCommand, PackageCommand>): string | null {
  const pc = pcs.get(cmd);
  if (pc) return pc.family === 'apt' ? pc.action : null;
  const inv = invocation(cmd);
  return inv ? aptActionOf(inv.name, inv.args.map((w) => w.value)) : null;
}

/** Whether a shell's command-line options turn on errexit (`-e`, `-eux`, `-o errexit`, `-euxo pipefail`; the last of `-e`/`+e` wins). */
function optionsHaveErrexit(options: readonly string[]): boolean {
  let on = false;
  for (let i = 0; i < options.length; i++) {
    const a = options[i];
    // `--rcfile FILE`, `-O NAME`: the next string is a value, not an option.
    if (a === '--rcfile' || a === '--init-file' || a === '-O' || a === '+O') i++;
    else if (/^[-+][A-Za-z]*o$/.test(a)) {
      // `-o NAME` (also the last letter of a cluster, `-euxo pipefail`): the cluster's other letters, then the name.
      if (/^[-+][A-Za-z]*e/.test(a)) on = a[0] === '-';
      if (options[i + 1] === 'errexit') on = a[0] === '-';
      i++;
    } else if (/^[-+][A-Za-z]*e[A-Za-z]*$/.test(a)) on = a[0] === '-';
  }
  return on;
}

/** Shells whose command-line options are read for errexit when a RUN starts one with a script string (`bash -euxc '…'`), or a SHELL names one. */
const POSIX_SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'ksh', 'zsh', 'mksh']);

/**
 * Whether the stage's SHELL in effect at a RUN turns errexit on (`SHELL ["/bin/bash", "-eo", "pipefail", "-c"]`,
 * `["/bin/sh", "-exc"]`, `["bash", "-o", "errexit", "-c"]`; inherited from the stage it builds on too): a POSIX shell
 * with `-e` among its options. Read once per stage. False for the default `/bin/sh -c`, a PowerShell or cmd SHELL, an
 * ONBUILD trigger (it runs in a child image's build) and a RUN before the first FROM.
 */
export function shellErrexitAt(ctx: DockerfileContext, run: RunInstruction): boolean {
  if (!run.stage || run.onbuild) return false;
  let known = shellErrexits.get(run.stage);
  if (!known) {
    known = new Map();
    for (const [ins, shell] of shellsOf(ctx, run.stage)) {
      if (shell && POSIX_SHELLS.has(baseName(shell[0] ?? '').toLowerCase()) && optionsHaveErrexit(shell.slice(1))) known.set(ins, true);
    }
    shellErrexits.set(run.stage, known);
  }
  return known.get(run.instruction) === true;
}

const shellErrexits = new WeakMap<Stage, Map<Instruction, boolean>>();

/**
 * Whether the stage's SHELL runs this script: the shell-form RUN line, and a heredoc that is the whole command (one
 * heredoc, no program on the line) and has no shebang — BuildKit passes its body to the SHELL ("just run the contents
 * in the shell"); with a shebang it writes the body to a file and runs that. Not an exec-form RUN, a script string
 * (`bash -c '…'`: its own shell) nor a heredoc fed to a program the line names (`RUN bash <<EOF`).
 */
function runBySHELL(run: RunInstruction, script: RunScript): boolean {
  if (script.json || script.inString) return false;
  if (!script.heredoc) return true;
  return script.runner === '' && run.scripts.length === 1 && !script.source.text.startsWith('#!');
}


/**
 * Whether a failure of the command at `k` of a script ends its RUN with an error, read from the operators around
 * it (review 47a, F2). The command is not a condition (`if`, `while`), not negated with `!` (nor its pipeline), not
 * before a `|` nor sent to the background, and its failure becomes the status of its and-or list — the list goes on
 * with `&&` (or `|`) — which then:
 * - is followed by `||` leading to `exit`, `exit N` (N ≠ 0) or `false` (`cmd || exit 1`, `cmd || { echo …; exit 1; }`);
 * - ends the script (`a && cmd && b`, or the last command, `;` after it or not);
 * - under errexit, when the command is the last of its and-or list (under `set -e` a failure before a `&&` does not
 *   end the shell: POSIX, `set -e`: "any command of an AND-OR list other than the last"), at the top level or in the
 *   body of an `if`, loop, `case` or `{ … }` that is itself in no such ignored place (not before `&&`/`||`, not in a
 *   pipe, not negated). Errexit is on when the shell that runs the script has `-e` among its options — the stage's
 *   SHELL (`SHELL ["/bin/bash", "-eo", "pipefail", "-c"]`, for the scripts it runs: shellErrexitAt, runBySHELL), the
 *   shell an exec-form RUN or a script string starts — or a `set -e` / `set -o errexit` surely ran before the command
 *   (constructsAt), and no `set +e` may have run since (nor anywhere in a loop around it, which may run it first);
 * - is the last list of an `if` body or a `{ … }` group (`if …; then …; cmd; fi`): the compound's status is then the
 *   failure, and the compound is judged the same way in its own list.
 * Anything else (a subshell, a function body, a `;` and more commands after it without errexit) answers false. For a
 * script string (`sh -c '…'`), the shell's command must end the RUN in its own script too; for a heredoc fed to a
 * program (`RUN bash <<EOF`), the command holding the marker must. One reading for DF032's `-y` and DF015's checksum.
 */
export function failureEndsRun(ctx: DockerfileContext, run: RunInstruction, script: RunScript, k: number): boolean {
  const commands = script.commands;
  if (k < 0 || k >= commands.length) return false;
  const at = constructsAt(commands, k, startsWithErrexit(ctx, run, script));
  if (!at) return false;
  const stack = at.stack;
  if (stack.some((f) => f.kind === 'subshell' || f.kind === 'function' || f.kind === 'if-cond' || f.kind === 'loop-head')) return false;
  let ends = false;
  for (let first = true; ; first = false) {
    const next = commands[k].next;
    if (next === '|' || next === '&' || next === '(' || next === ')') return false;
    // Walk the rest of the and-or list: `&&` and `|` keep the failure as the list's status.
    let j = k;
    while (commands[j].next === '&&' || (j > k && commands[j].next === '|')) {
      if (j + 1 >= commands.length) return false;
      j++;
    }
    const sep = commands[j].next;
    if (sep === '||') {
      // `exit` ends the shell from any body, but not from a compound in a pipe (a subshell).
      ends = exitsAfter(commands, j) && stack.every((f) => !runsInSubshell(commands, f));
      break;
    }
    // Under errexit the failure of the last command of its list ends the shell where it is, unless a compound around
    // it ignores errexit; in a loop, a `set +e` anywhere in its body may have run before (review 29 leftovers).
    if (first && at.errexit && j === k && stack.every((f) => compoundKeepsErrexit(commands, f) && (f.kind !== 'loop-body' || !turnsErrexitOff(commands, f.at, closerOf(commands, f))))) {
      ends = true;
      break;
    }
    if (sep === null || ((sep === ';' || sep === '\n') && j === commands.length - 1)) {
      ends = stack.length === 0;
      break;
    }
    if (sep !== ';' && sep !== '\n') return false;
    if (stack.length === 0) {
      ends = at.errexit && j === k;
      break;
    }
    // The last list of an `if` body or a `{ … }` group: the compound's status is the failure; judge the compound.
    const top = stack[stack.length - 1];
    if (top.kind !== 'if-body' && top.kind !== 'brace') return false;
    let closerAt = j + 1;
    // The `then` body's status is the `if`'s: its `elif` and `else` parts do not run (skip to the matching `fi`).
    const lead0 = (c: SimpleCommand | undefined) => (c && c.programIndex !== 0 ? c.words[0]?.value : undefined);
    if (top.kind === 'if-body' && (lead0(commands[closerAt]) === 'else' || lead0(commands[closerAt]) === 'elif')) {
      let depth = 0;
      for (; closerAt < commands.length; closerAt++) {
        const c = commands[closerAt];
        const lead = c.programIndex >= 0 ? c.words.slice(0, c.programIndex) : c.words;
        for (const w of lead) {
          if (OPENERS.has(w.value)) depth++;
          else if (CLOSERS.has(w.value)) depth--;
        }
        if (depth < 0) break;
      }
      if (closerAt >= commands.length) return false;
    }
    const closer = commands[closerAt];
    const word = lead0(closer);
    if (!((word === 'fi' && top.kind === 'if-body') || (word === '}' && top.kind === 'brace'))) return false;
    // Only `fi` / `}` and the operator after them (`fi && b`, `} || true`), not a command after the keyword.
    if (closer.words.length !== 1) return false;
    stack.pop();
    k = closerAt;
  }
  if (!ends) return false;
  if (script.host) {
    // A command substitution's failure is its command's status only where that command has no program and no other
    // substitution (`x=$(apt-get install curl)`: POSIX 2.9.1, "the exit status of the last command substitution
    // performed"); `echo "$(…)"` has echo's.
    const host = script.host.script.commands[script.host.index];
    if (isSubstitution(script) && (host.programIndex >= 0 || host.words.reduce((n, w) => n + substitutionSpans(w.raw).length, 0) !== 1)) return false;
    return failureEndsRun(ctx, run, script.host.script, script.host.index);
  }
  if (script.heredoc && script.runner) {
    const feeder = script.feeder;
    const line = feeder && run.scripts.find((s) => !s.heredoc && s.commands.includes(feeder));
    return !!line && failureEndsRun(ctx, run, line, line.commands.indexOf(feeder));
  }
  return true;
}

/**
 * Whether the shell that runs a script starts with errexit on: the options of an exec-form RUN's shell
 * (`["bash", "-ec", "…"]`), the stage's SHELL for the scripts it runs (shellErrexitAt, runBySHELL), the options of the
 * shell a script string is given to (`bash -euxc '…'`).
 */
function startsWithErrexit(ctx: DockerfileContext, run: RunInstruction, script: RunScript): boolean {
  let errexit = optionsHaveErrexit(script.jsonShell?.slice(1) ?? []) || (runBySHELL(run, script) && shellErrexitAt(ctx, run));
  if (script.host) {
    const hostCmd = script.host.script.commands[script.host.index];
    const program = hostCmd && hostCmd.programIndex >= 0 ? baseName(hostCmd.words[hostCmd.programIndex].value) : '';
    if (POSIX_SHELLS.has(program)) {
      const options: string[] = [];
      for (const w of hostCmd.words.slice(hostCmd.programIndex + 1)) {
        if (!/^[-+]/.test(w.value) && !(options.length > 0 && /^[-+][A-Za-z]*[oO]$/.test(options[options.length - 1]))) break;
        options.push(w.value);
      }
      errexit ||= optionsHaveErrexit(options);
    }
  }
  return errexit;
}

/**
 * Whether a failure of the script's last and-or list surely ends the shell before a command added after it on a new
 * line (or after `;`) could run, so that the command cannot turn a failing RUN into a passing one (the script's status
 * would become the added command's). It must be errexit, read as failureEndsRun reads it (startsWithErrexit, a
 * `set -e` that surely ran, withdrawn by anything mayTurnErrexitOff flags), on at the end of the script, at its top
 * level; and the last list must be one where errexit holds for every failure that can be its status: no `&&` in it
 * (`set -e` ignores a failure before `&&`, and the list's status is that failure: bash's set builtin, POSIX set -e),
 * not negated, not run in the background, and not ending with a compound command (`fi`, `done`, `}`, `)`), whose
 * status may be such an ignored failure. A reading that fails (unpaired keywords) answers false.
 */
export function failureStopsBeforeEnd(ctx: DockerfileContext, run: RunInstruction, script: RunScript): boolean {
  const commands = script.commands;
  if (commands.length === 0) return false;
  const last = commands[commands.length - 1];
  if (last.next !== null && last.next !== ';' && last.next !== '\n') return false;
  const at = constructsAt(commands, commands.length, startsWithErrexit(ctx, run, script));
  if (!at || !at.errexit || at.stack.length > 0) return false;
  for (let j = commands.length - 1; ; j--) {
    const c = commands[j];
    const lead = c.programIndex >= 0 ? c.words.slice(0, c.programIndex) : c.words;
    if (c.prev === '(' || c.next === ')' || lead.some((w) => w.value === '!' || OPENERS.has(w.value) || CLOSERS.has(w.value))) return false;
    if (j === 0) return true;
    const op = commands[j - 1].next;
    if (op === '&&') return false;
    if (op !== '||' && op !== '|') return true;
  }
}

/** Whether a command between `from` and `to` (a loop's body, -1: to the end) may turn errexit off (mayTurnErrexitOff). */
function turnsErrexitOff(commands: readonly SimpleCommand[], from: number, to: number): boolean {
  const end = to < 0 ? commands.length - 1 : to;
  const offFunctions = functionsTurningErrexitOff(commands);
  for (let i = from; i <= end; i++) {
    if (mayTurnErrexitOff(commands[i], offFunctions)) return true;
  }
  return false;
}

/**
 * Whether the `||` after command `j` leads to `exit`, `exit N` (N ≠ 0) or `false`, alone or in a group (`|| { echo …;
 * exit 1; }`), also as `command exit 1` (shellUtility); not `builtin exit 1`, which dash and ash do not run.
 */
function exitsAfter(commands: readonly SimpleCommand[], j: number): boolean {
  for (const then of commands.slice(j + 1, j + 5)) {
    const u = shellUtility(then);
    const prog = u && !u.viaBuiltin ? u.name : '';
    const arg = u?.args[0]?.value;
    // `exit` alone exits with the status of the command before it, the failure.
    if ((prog === 'exit' && arg !== '0') || prog === 'false') return true;
    if (then.next !== ';' && then.next !== '\n' && then.next !== '&&' && then.next !== null) break;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Commands that never run: after an unconditional exit

/**
 * Shells that end a script at a top-level `return` (scriptEnds), by program name: dash, BusyBox ash, and `sh` — the
 * shell of Docker's default `["/bin/sh", "-c"]` (Dockerfile reference, SHELL), dash or ash on most images and bash in
 * POSIX mode where /bin/sh is bash, which ends the script there too (status 2).
 */
const RETURN_ENDING_SHELLS = new Set(['sh', 'dash', 'ash']);

/**
 * Whether the shell that runs a script is known to end it at a top-level `return` (RETURN_ENDING_SHELLS): the stage's
 * SHELL for a script it runs (runBySHELL; with no SHELL in the stage or the stages it builds on, the default `/bin/sh
 * -c` of a Linux stage), the shell of an exec-form RUN (`["/bin/sh", "-c", "…"]`), the program a heredoc is fed to
 * (`RUN sh <<EOF`), the shell a command starts with a script string (`sh -c '…'`). False when it is bash (`SHELL
 * ["/bin/bash", "-c"]`, `bash -c '…'`: bash goes on after it) or not known (an ONBUILD trigger, a heredoc with a
 * shebang, a shell reached through a wrapper).
 */
function returnEndsScript(run: RunInstruction, script: RunScript): boolean {
  let program: string | null | undefined;
  if (script.inString) {
    const host = script.host ? script.host.script.commands[script.host.index] : undefined;
    program = host && host.programIndex >= 0 ? host.words[host.programIndex].value : null;
  } else if (script.json && !script.heredoc) {
    program = script.jsonShell?.[0] ?? null;
  } else if (script.heredoc && script.runner) {
    program = script.runner;
  } else if (runBySHELL(run, script)) {
    if (run.onbuild || !run.stage) return false;
    program = shellProgramAt(run.stage, run.instruction.getRange().start.line);
    if (program === undefined) program = buildsWindows(run.stage) ? null : 'sh';
  }
  return !!program && RETURN_ENDING_SHELLS.has(baseName(program).toLowerCase());
}

/**
 * Whether a command of a RUN may run in some shell: it does not stand after a command that ends its script in every
 * shell (terminatorIndex: `exit`, `exec prog`), and the command that starts its script does not either (the shell of
 * a script string, `sh -c '…'`; the command whose heredoc feeds a program, `RUN bash <<EOF`). What counts as work
 * done (an install that leaves files) reads this.
 */
export function mayRun(run: RunInstruction, cmd: SimpleCommand): boolean {
  return reachedBy(run, cmd, (script) => {
    const ends = scriptEnds(script);
    // No `exit`, `exec` or `return` that ends the script (most scripts: `may` is the first of either): its shell is not asked.
    if (ends.may < 0) return -1;
    return returnEndsScript(run, script) ? ends.ret : ends.sure;
  });
}

/**
 * Whether a command of a RUN runs in a background job that the RUN's shell may not wait for (review56a, h7–h11): the
 * and-or list it stands in, or a compound around it (`{ …; } &`, `( … ) &`, `if …; fi &`), ends with `&` in its
 * script, or the command that starts its shell or holds its substitution or feeds its here-document does, in the
 * script that holds it (`sh -c 'rm -rf /var/lib/apt/lists/*' &`, `x=$(rm …) &`, `sh <<'EOS' &`). When the RUN's
 * shell exits, the build step ends: a job still running may be cut short, so a cleanup there may leave the files in
 * the layer. A `wait` reached after the job in the same shell waits for it (POSIX wait: with no operand it "shall wait
 * until all process IDs known to the invoking shell have terminated"; `wait $!` names the last job started): one at
 * the top level of that script (not in a compound, not behind `&&`/`||`, not in a pipe or the background, reached in
 * every shell), with no operand, or `$!` when no other job was started between; the job not in a subshell, whose
 * jobs the script's `wait` does not know. A cleanup there does not count; an install there still does (mayRun).
 */
export function runsInBackground(run: RunInstruction, cmd: SimpleCommand): boolean {
  for (const at of placesAround(run, cmd)) if (backgroundUnwaited(at.script.commands, at.index, (c) => runsInEveryShell(run, c))) return true;
  return false;
}

/**
 * The places of a command in a RUN, innermost first (at most 6): its own script and index, then the command that starts
 * that script's shell or holds its substitution (`host`), or feeds it as a here-document (`feeder`), in the script that
 * holds that one, and so on out. What runsInBackground and doneAt walk.
 */
function* placesAround(run: RunInstruction, cmd: SimpleCommand): Generator<{ script: RunScript; index: number }> {
  let at = placeOf(run, cmd);
  for (let depth = 0; at && depth < 6; depth++) {
    yield at;
    const script: RunScript = at.script;
    if (script.host) at = { script: script.host.script, index: script.host.index };
    else if (script.heredoc && script.feeder) {
      const line = run.scripts.find((s) => !s.heredoc && s.commands.includes(script.feeder!));
      at = line ? { script: line, index: line.commands.indexOf(script.feeder) } : undefined;
    } else at = undefined;
  }
}

/**
 * Where a command of a RUN is surely done, for what it writes (waitpid): the command itself when it runs in the
 * foreground; when it runs in a background job (runsInBackground reads the same places: its script, the command that
 * starts its shell, holds its substitution or feeds its here-document), the `wait` that waits for that job (waitFor),
 * the last in the document of those of each place; undefined when a job it runs in is not waited for. A cleanup
 * before that `wait` may run before the command writes (`pip install flask & pip cache purge; wait`).
 */
export function doneAt(run: RunInstruction, cmd: SimpleCommand): SimpleCommand | undefined {
  let done = cmd;
  for (const at of placesAround(run, cmd)) {
    const commands = at.script.commands;
    const job = backgroundJobOf(commands, at.index);
    if (job < 0) continue;
    const w = waitFor(commands, job, (c) => runsInEveryShell(run, c));
    if (w < 0) return undefined;
    if (commands[w].start > done.start) done = commands[w];
  }
  return done;
}

/**
 * The commands of a RUN's shell scripts that run in every shell whenever it gets that far (runsInEveryShell), in
 * document order: what a cleanup check reads.
 */
export function reachedCommandsOf(run: RunInstruction): SimpleCommand[] {
  const all = shellCommandsOf(run);
  if (run.scripts.every((s) => mayEndIndex(s) < 0 && neverRunAfterAnd(s).size === 0)) return all;
  return all.filter((cmd) => runsInEveryShell(run, cmd));
}

/**
 * Whether the shell may end with success between an install and a later cleanup of the same script (mayEndWithSuccess:
 * `… || exit 0; rm …`, `if [ -f /x ]; then exit 0; fi; rm …`, `exec prog`): on that path the RUN succeeds with the
 * lists (or the cache) left, so the cleanup is not done (DF030; cleanedAfter). A function's body runs where it is
 * called, which runOrder reads (a call that may end the shell makes what follows uncertain): its own commands are not
 * read here. For commands of different scripts (heredocs), not read.
 */
export function successExitBetween(run: RunInstruction, install: SimpleCommand, cleanup: SimpleCommand): boolean {
  if (install === cleanup) return false;
  // The script of a shell the RUN starts (`sh -c 'apk add curl || exit 0; rm -rf /var/cache/apk/*'`) or of a command
  // substitution is read as the RUN's own is (placeOf): its `exit` ends that shell, with success, before its cleanup.
  const from = placeOf(run, install);
  const at = placeOf(run, cleanup);
  if (!from || !at || at.script !== from.script) return false;
  const script = from.script;
  const to = at.index;
  const bodies = functionDefinitions(script.commands).map((d) => [d.at, functionBodyEnd(script.commands, d)]);
  for (let k = from.index + 1; k < to; k++) {
    const body = bodies.find(([from, end]) => k >= from && (end < 0 || k <= end));
    if (body) {
      // A body that does not pair up: what follows cannot be told from it.
      if (body[1] < 0) return true;
      k = body[1];
      continue;
    }
    if (mayEndWithSuccess(script, k + 1, k)) return true;
  }
  return false;
}

/**
 * Whether a command for which `test` holds (a cleanup) surely runs after the last of `cmds` (installs of the RUN, in
 * document order) that may run, or none of them runs. For a RUN that defines a function or runs `eval` (runOrder: a
 * function's body runs where it is called, an `eval`'s readable text where the `eval` stands, a function only defined
 * runs nothing), in that order: in every shell (runsInEveryShell of the command of the RUN's script it runs through),
 * not after a `return` or `exit` in its function, not in a function called in a pipe or the background (an `eval` of
 * text with an expansion runs nothing known). For any other RUN, in document order (reachedCommandsOf). Either way not
 * when an `exit`, `return` or `exec prog` between them may end the shell with success (successExitBetween: `apk add x
 * || exit 0; rm -rf /var/cache/apk/*`, `if [ -f /x ]; then exit 0; fi; pip cache purge`): the RUN is then done with
 * the cache kept.
 */
export function cleanedAfter(run: RunInstruction, cmds: readonly SimpleCommand[], test: (cmd: SimpleCommand) => boolean): boolean {
  // An install in a background job its shell does not wait for (runsInBackground: `pip install flask & rm -rf
  // /root/.cache/pip`) may still write its cache after a cleanup in the foreground ran, and a cleanup in the same job
  // does not count (it may be cut short): no cleanup is sure to come after it (shell11, 4).
  // An install in a background job that a `wait` waits for is done only there (doneAt): a cleanup before that `wait`
  // may run before it writes its cache (`pip install flask & pip cache purge; wait`; waitpid).
  const waits: SimpleCommand[] = [];
  for (const c of cmds) {
    const done = doneAt(run, c);
    if (!done) return false;
    if (done !== c) waits.push(done);
  }
  const order = runOrder(run);
  if (!order.special) {
    const install = cmds[cmds.length - 1];
    const from = waits.reduce((a, w) => Math.max(a, w.start), install.start);
    return reachedCommandsWithStringsOf(run).some((cmd) => cmd.start > from && test(cmd) && !runsInBackground(run, cmd) && !successExitBetween(run, install, cmd));
  }
  const steps = order.steps;
  // A command of a script string (`sh -c '…'`) runs where the command of the RUN's script that starts its shell does.
  // (Since shell8, runOrder walks each string's script where its shell starts: a string command with steps of its own is
  // its own anchor, so that a cleanup before it in the same string does not count after it.)
  const index = stepIndex(steps);
  const anchors = new Set(cmds.map((c) => (index.byCmd.has(c) ? c : stringHostOf(run, c) ?? c)));
  let last = -1;
  for (const a of anchors) for (const k of index.byCmd.get(a) ?? []) if (k > last && mayRun(run, steps[k].reach)) last = k;
  // Run through no call that is known, an install counts where a call that is not known may run it (runPackageCommands:
  // every body written may run there), the last of them; no cleanup counts through such a call (it is no `command` step).
  if (last < 0) last = lastUnknownStep(run, steps);
  if (last < 0) return true;
  // A cleanup counts only after the `wait` that waits for a background install (doneAt), where the shell runs it: its
  // last step (a `wait` with no step known: none counts).
  let waited = last;
  for (const w of waits) {
    const ks = index.byCmd.get(w);
    if (!ks || ks.length === 0) return false;
    waited = Math.max(waited, ks[ks.length - 1]);
  }
  // A cleanup in a script string counts where the command that starts its shell runs, after the install (document order
  // within the string the install is in).
  const install = cmds[cmds.length - 1];
  const inStrings = stringScriptsOf(run).length > 0 ? reachedCommandsWithStringsOf(run).filter((cmd) => stringHostOf(run, cmd) !== undefined && test(cmd) && !runsInBackground(run, cmd)) : [];
  const cleans = (c: SimpleCommand, after = -1) => test(c) || inStrings.some((cmd) => cmd.start > after && stringHostOf(run, cmd) === c);
  if (waited === last && !index.byCmd.has(install) && steps[last].kind !== 'unknown' && cleans(steps[last].cmd, install.start)) return true;
  // The `command` steps that are not uncertain, after the install's (stepIndex: a search, not a walk of every step).
  const certain = index.certain;
  let lo = 0;
  for (let hi = certain.length; lo < hi; ) {
    const mid = (lo + hi) >> 1;
    if (certain[mid] <= waited) lo = mid + 1;
    else hi = mid;
  }
  for (let j = lo; j < certain.length; j++) {
    const s = steps[certain[j]];
    if (cleans(s.cmd) && runsInEveryShell(run, s.reach) && !runsInBackground(run, s.cmd) && !runsInBackground(run, s.reach) && !successExitBetween(run, steps[last].reach, s.reach)) return true;
  }
  return false;
}

const stepIndexOf = new WeakMap<readonly unknown[], { byCmd: Map<SimpleCommand, number[]>; certain: number[] }>();

/** A RUN's steps indexed once: each command's steps, and the `command` steps that are not uncertain (what may clean), in order. */
function stepIndex(steps: ReturnType<typeof runOrder>['steps']): { byCmd: Map<SimpleCommand, number[]>; certain: number[] } {
  let found = stepIndexOf.get(steps);
  if (!found) {
    found = { byCmd: new Map(), certain: [] };
    for (let k = 0; k < steps.length; k++) {
      const list = found.byCmd.get(steps[k].cmd);
      if (list) list.push(k);
      else found.byCmd.set(steps[k].cmd, [k]);
      if (steps[k].kind === 'command' && !steps[k].uncertain) found.certain.push(k);
    }
    stepIndexOf.set(steps, found);
  }
  return found;
}

const lastUnknownOf = new WeakMap<readonly unknown[], number>();

/** The index of the last `unknown` step of a RUN's order that may run (mayRun), -1 when none; read once per RUN. */
function lastUnknownStep(run: RunInstruction, steps: ReturnType<typeof runOrder>['steps']): number {
  let found = lastUnknownOf.get(steps);
  if (found === undefined) {
    found = -1;
    for (let k = steps.length - 1; k >= 0 && found < 0; k--) if (steps[k].kind === 'unknown' && mayRun(run, steps[k].reach)) found = k;
    lastUnknownOf.set(steps, found);
  }
  return found;
}

/** For a command of a script string a RUN's shell starts (stringScriptsOf), the command of the RUN's own script that starts it; undefined for any other. */
function stringHostOf(run: RunInstruction, cmd: SimpleCommand): SimpleCommand | undefined {
  let script = stringScriptsOf(run).find((s) => s.commands.includes(cmd));
  if (!script) return undefined;
  let host = cmd;
  while (script.host) {
    host = script.host.script.commands[script.host.index];
    script = script.host.script;
  }
  return host;
}

/**
 * The commands of a RUN that run in every shell whenever it gets that far (reachedCommandsOf), with those of the script
 * strings its shells start (`sh -c '…'`, a here-document a shell reads: stringScriptsOf) and of its command
 * substitutions (substitutionScriptsOf), in document order: where DF030, DF033 and cleanedAfter (DF034-DF036) read a
 * cleanup or what follows an update. Not those of a function's body a string defines, which runs only where it is
 * called, if ever (in a RUN read in document order no string defines one: runOrder reads those).
 */
export function reachedCommandsWithStringsOf(run: RunInstruction): SimpleCommand[] {
  const strings = stringScriptsOf(run);
  const subs = substitutionScriptsOf(run);
  if (strings.length === 0 && subs.length === 0) return reachedCommandsOf(run);
  const bodies = new Set<SimpleCommand>();
  for (const s of strings) {
    for (const def of functionDefinitions(s.commands)) {
      const end = functionBodyEnd(s.commands, def);
      for (let k = def.at; k <= (end < 0 ? s.commands.length - 1 : end); k++) bodies.add(s.commands[k]);
    }
  }
  const out: SimpleCommand[] = [];
  for (const s of run.scripts) if (s.isShell) for (const cmd of commandsWithStrings(run, s)) if (!bodies.has(cmd) && runsInEveryShell(run, cmd)) out.push(cmd);
  // And those of its command substitutions (substitutionScriptsOf), where they are written.
  if (subs.length === 0) return out;
  for (const s of subs) for (const cmd of s.commands) if (runsInEveryShell(run, cmd)) out.push(cmd);
  return out.sort((a, b) => a.start - b.start);
}

// `read`, `getopts`, `mapfile`/`readarray` and `let` assign variables too (review 35, probes s3-s5).
const STATEFUL = new Set(['cd', 'pushd', 'popd', 'export', 'unset', 'set', 'source', '.', 'exit', 'exec', 'alias', 'unalias', 'shopt', 'umask', 'trap', 'ulimit', 'declare', 'typeset', 'local', 'readonly', 'eval', 'return', 'hash', 'enable', 'builtin', 'read', 'getopts', 'mapfile', 'readarray', 'let']);

/** Whether a RUN changes shell state that a command joined after it would inherit (`cd`, `export`, `X=1`, `set`, `exit`, …). */
export function changesShellState(run: RunInstruction): boolean {
  for (const s of run.scripts) {
    for (const cmd of s.commands) {
      // `for ARCH in amd64 arm64; do …; done` leaves ARCH set to the last item (review 35, probe forloop).
      if (cmd.words[0]?.raw === 'for') return true;
      if (cmd.programIndex < 0) {
        if (cmd.words.some((w) => ASSIGNMENT.test(w.raw))) return true;
        continue;
      }
      if (STATEFUL.has(cmd.words[cmd.programIndex].value)) return true;
      // `: ${X:=1}` assigns X as it expands (review 34, probe e4), and so does `$((X=5))` (review 35).
      if (cmd.words.some((w) => /\$\{[A-Za-z_][A-Za-z0-9_]*:?=|\$\(\([^)]*\b[A-Za-z_][A-Za-z0-9_]*\s*(?:[-+*/%&|^]|<<|>>)?=(?!=)/.test(w.raw))) return true;
      // `command umask 0077`, `command . /etc/os-release`: `command` runs a builtin in the current shell
      // (POSIX command; review 33, probes p42, p43). `command -v`/`-V` only prints what a name is.
      // `command -- umask`, `command command cd` too (review 34, probes dfc39a, dfc39b).
      if (cmd.words[cmd.programIndex].value === 'command') {
        let j = cmd.programIndex + 1;
        let describes = false;
        for (; j < cmd.words.length && (/^-[pvV]+$/.test(cmd.words[j].value) || cmd.words[j].value === '--' || cmd.words[j].value === 'command'); j++) describes ||= /^-[pV]*[vV]/.test(cmd.words[j].value);
        if (!describes && j < cmd.words.length && STATEFUL.has(cmd.words[j].value)) return true;
      }
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// ENV / ARG visible to a RUN

/** An ENV or ARG a stage declares: its line, name, value, and whether it is an ENV (inherited by stages built on it). */
interface EnvEntry {
  line: number;
  name: string;
  value: string | null;
  env: boolean;
}

const ENV_ENTRIES = Symbol('stageEnvEntries');
const newEnvEntries = (): Map<Stage, EnvEntry[]> => new Map();

function stageEnvEntries(ctx: DockerfileContext, stage: Stage): EnvEntry[] {
  const perStage = ctx.fact(ENV_ENTRIES, newEnvEntries);
  let list = perStage.get(stage);
  if (list) return list;
  list = [];
  for (const ins of stage.instructions) {
    const kw = ins.getKeyword();
    const line = ins.getRange().start.line;
    if (kw === 'ENV') {
      for (const p of (ins as Env).getProperties()) list.push({ line, name: p.getName(), value: p.getValue(), env: true });
    } else if (kw === 'ARG') {
      const p = (ins as Arg).getProperty();
      if (!p) continue;
      const own = p.getValue();
      // `ARG NAME` inside a stage takes the global default.
      const value = own !== null ? own : (ctx.globalArgs.get(p.getName()) ?? null);
      list.push({ line, name: p.getName(), value, env: false });
    }
  }
  perStage.set(stage, list);
  return list;
}

/**
 * The value of an environment variable a RUN on `line` sees from ENV/ARG instructions of its stage
 * (ENV also from the stages it builds on); undefined when not set, null when declared without value.
 */
export function envValueAt(ctx: DockerfileContext, stage: Stage | null, line: number, name: string): string | null | undefined {
  let s: Stage | null = stage;
  let limit = line;
  let ownStage = true;
  for (let depth = 0; s && depth < 64; depth++) {
    const entries = stageEnvEntries(ctx, s);
    for (let k = entries.length - 1; k >= 0; k--) {
      const e = entries[k];
      if (e.line >= limit || e.name !== name) continue;
      // Only ENV is inherited from a parent stage; ARG is not.
      if (!ownStage && !e.env) continue;
      return e.value;
    }
    s = s.base.kind === 'stage' ? s.base.stage : null;
    limit = Number.MAX_SAFE_INTEGER;
    ownStage = false;
  }
  return undefined;
}

/** By stage: each name's first declaration line (ENV or ARG) and first ENV line (Infinity when none). */
const DECLARATIONS = Symbol('declarations');
const newDeclarations = (): Map<Stage, Map<string, { first: number; firstEnv: number }>> => new Map();

function declarations(ctx: DockerfileContext, stage: Stage): Map<string, { first: number; firstEnv: number }> {
  const perStage = ctx.fact(DECLARATIONS, newDeclarations);
  let index = perStage.get(stage);
  if (index) return index;
  index = new Map();
  for (const e of stageEnvEntries(ctx, stage)) {
    const d = index.get(e.name) ?? { first: Infinity, firstEnv: Infinity };
    d.first = Math.min(d.first, e.line);
    if (e.env) d.firstEnv = Math.min(d.firstEnv, e.line);
    index.set(e.name, d);
  }
  perStage.set(stage, index);
  return index;
}

/**
 * Whether a variable is declared for an instruction on `line` (envValueAt would give it a value or
 * null): an ENV or ARG earlier in its stage, or an ENV of a stage it builds on. A lookup per stage of
 * the chain, whatever the file's size.
 */
export function isDeclaredBefore(ctx: DockerfileContext, stage: Stage, line: number, name: string): boolean {
  let s: Stage | null = stage;
  for (let depth = 0; s && depth < 64; depth++) {
    const d = declarations(ctx, s).get(name);
    if (d && (depth === 0 ? d.first < line : d.firstEnv < Infinity)) return true;
    s = s.base.kind === 'stage' ? s.base.stage : null;
  }
  return false;
}

/** Whether an `export NAME=…` earlier in the same script sets a variable (returns its value). */
export function exportedBefore(pc: PackageCommand, name: string): string | undefined {
  return exportedIn(pc.script.commands, pc.commandIndex, name) ?? undefined;
}

/**
 * A variable's value as the commands before `upTo` of a script leave it, read in order: the last `export NAME=…` or
 * `unset NAME` (`unset -v NAME`; POSIX unset: "Each variable … specified by name shall be unset", and without `-f` or
 * `-v` a name is a variable's first) before it wins, so `export PIP_NO_CACHE_DIR=1; unset PIP_NO_CACHE_DIR; pip install
 * flask` runs pip without it (review 56a, g5); not one in a subshell environment that `upTo` is not in
 * (environmentEndsBefore: `( export X=1 ); pip install …`, whose export dies with the subshell). Null when an `unset`
 * came last, undefined when neither is written.
 */
function exportedIn(commands: readonly SimpleCommand[], upTo: number, name: string): string | null | undefined {
  let value: string | null | undefined;
  for (let k = 0; k < upTo; k++) {
    const cmd = commands[k];
    const v = setsVariable(cmd, name, false);
    const unsets = v === undefined && unsetsVariable(cmd, name);
    // One in a subshell that has ended (`( export X=1 ); …`, `export X=1 | cat`) changed that subshell only.
    if ((v !== undefined || unsets) && environmentEndsBefore(commands, k, upTo)) continue;
    if (v !== undefined) value = v;
    else if (unsets) value = null;
  }
  return value;
}

/** Whether a command is an `unset` of a variable (`unset NAME`, `unset -v NAME`; not `unset -f NAME`, which unsets a function). */
function unsetsVariable(cmd: SimpleCommand, name: string): boolean {
  if (cmd.programIndex < 0 || cmd.words[cmd.programIndex].value !== 'unset') return false;
  let variables = true;
  for (const w of wordsWithoutRedirections(cmd.words.slice(cmd.programIndex + 1))) {
    if (w.value === '--') continue;
    if (/^-[fv]+$/.test(w.value)) variables = !w.value.endsWith('f');
    else if (w.value === name) return variables;
  }
  return false;
}

/**
 * The value an `export NAME=…` command gives a variable, or, when `prefix`, a `NAME=…` prefix of the command or an
 * assignment `env` gives the program it runs (`env PIP_NO_CACHE_DIR=1 sh -c '…'`: env "shall … modify the environment"
 * of the utility it invokes, POSIX env; review 56a, F4).
 */
function setsVariable(cmd: SimpleCommand, name: string, prefix: boolean): string | undefined {
  if (cmd.programIndex < 0) return undefined;
  const words = prefix ? (invocation(cmd)?.assignments ?? cmd.words.slice(0, cmd.programIndex)) : cmd.words[cmd.programIndex].value === 'export' ? cmd.words.slice(cmd.programIndex + 1) : [];
  for (const w of words) {
    const m = ASSIGNMENT.exec(w.value);
    if (m && m[1] === name) return m[2];
  }
  return undefined;
}

/**
 * Whether a variable is set in the environment a package command runs in, as its shell runs the RUN (returns its value):
 * exportedBefore, or, for a command of an `eval`'s text or a shell's script string, an `export` before the `eval` or the
 * shell's command in the script around it, or a `NAME=…` prefix of that command (an exported variable is in the
 * environment of the shell it starts; POSIX 2.9.1: a prefix of a special built-in such as eval stays set); in a RUN
 * read in the order its shell runs it (runOrder), an `export` that runs before it, in an `eval`'s text or a function's
 * body too (POSIX eval runs the text in this shell), or a prefix of the call of the function whose body runs it (POSIX
 * 2.9.1: the assignments "affect the current execution environment during the execution of the function").
 */
export function exportedBeforeRun(pc: PackageCommand, name: string): string | undefined {
  const order = runOrder(pc.run);
  // A command that runOrder walks (a function's body runs where it is called, not where it is written) is read there.
  if (!order.special || !order.steps.some((st) => st.cmd === pc.command)) {
    const own = exportedIn(pc.script.commands, pc.commandIndex, name);
    if (own === null) return undefined;
    if (own !== undefined) return own;
  }
  let anchor = pc.command;
  const walked = (cmd: SimpleCommand) => order.special && order.steps.some((st) => st.cmd === cmd);
  for (let script = pc.script; script.host; script = script.host.script) {
    const { commands } = script.host.script;
    anchor = commands[script.host.index];
    // A shell command that runOrder walks is read there, in the order its shell runs (an `unset` in a function called
    // before it counts, one in a function never called does not); here only its own prefix.
    const v = setsVariable(anchor, name, true) ?? (walked(anchor) ? undefined : exportedIn(commands, script.host.index, name));
    // Unset there (`export X=1; unset X; sh -c 'pip install …'`): the shell it starts has none.
    if (v === null) return undefined;
    if (v !== undefined) return v;
  }
  if (!order.special) return undefined;
  const { steps } = order;
  // Every time the command runs (a body runs at each call of its function), not only the first: a prefix covers only
  // the call it is written on (`PIP_NO_CACHE_DIR=1 f; f` runs the second without it: review 56a, F3), while an `export`
  // stays for what follows it. One pass over the steps.
  const target = steps.some((st) => st.cmd === pc.command) ? pc.command : anchor;
  // The `export`s and `unset`s run so far, in order (value undefined for an unset).
  const changes: { cmd: SimpleCommand; value: string | undefined }[] = [];
  let found: string | undefined;
  let ran = false;
  const prefixed = new Map<SimpleCommand, string>();
  for (const st of steps) {
    if (st.cmd === target) {
      ran = true;
      const v = exportedAt(pc.run, changes, st) ?? prefixed.get(st.reach);
      if (v === undefined) return undefined;
      found ??= v;
    }
    // In order: a later `export` or `unset` changes what the commands after it see (exportedIn).
    const v = setsVariable(st.cmd, name, false);
    if (v !== undefined) changes.push({ cmd: st.cmd, value: v });
    else if (unsetsVariable(st.cmd, name)) changes.push({ cmd: st.cmd, value: undefined });
    if (st.kind === 'call') {
      const p = setsVariable(st.cmd, name, true);
      if (p !== undefined) prefixed.set(st.cmd, p);
    }
  }
  return ran ? found : undefined;
}

/**
 * The value the last of the `export`s and `unset`s run so far (exportedBeforeRun) gives a variable where a step runs,
 * leaving out one whose subshell has ended by then (environmentEndsBefore, read in the script that holds the change:
 * where the step, or the command of that script it runs through, stands there; a step in another script, after it),
 * and one made in the shell of a script string or a command substitution (`sh -c 'export X=1'`), a child process,
 * for a step outside that script.
 */
function exportedAt(run: RunInstruction, changes: readonly { cmd: SimpleCommand; value: string | undefined }[], step: RunOrder['steps'][number]): string | undefined {
  for (let i = changes.length - 1; i >= 0; i--) {
    const at = placeOf(run, changes[i].cmd);
    if (at) {
      const { commands } = at.script;
      let where = commands.indexOf(step.cmd);
      // A script string's or a command substitution's shell is a child process: what it exports stays in it.
      if (where < 0 && at.script.host) continue;
      if (where < 0) where = commands.indexOf(step.reach);
      if (where < 0) where = commands.length;
      if (environmentEndsBefore(commands, at.index, where)) continue;
    }
    return changes[i].value;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Edits shared by the fixes

/** Inserts an option right after the subcommand word (` --no-cache`, or `, "--no-cache"` in exec-form JSON). */
export function insertAfterAction(ctx: DockerfileContext, pc: PackageCommand, option: string): TextEdit | undefined {
  return pc.actionWord ? insertAfterWord(ctx, pc, pc.actionWord, option) : undefined;
}

/** Inserts an option right after a word of the command (as insertAfterAction does after the subcommand). */
export function insertAfterWord(ctx: DockerfileContext, pc: PackageCommand, anchor: Word, option: string): TextEdit | undefined {
  const at = ctx.lines.positionAt(anchor.end);
  if (pc.execForm) return { range: { start: at, end: at }, newText: `, ${JSON.stringify(option)}` };
  if (pc.script.json) {
    // Inside the string of ["sh", "-c", "…"]: plain text, but keep JSON valid.
    if (/["\\]/.test(option)) return undefined;
  }
  // Inside a quoted script string (`bash -c '…'`): plain text only.
  if (pc.inString && /['"\\$`\s]/.test(option)) return undefined;
  return { range: { start: at, end: at }, newText: ` ${option}` };
}

export interface ContinuationStyle {
  /** `leading`: the operator starts the continued line (`\` then `    && cmd`); `trailing`: it ends the line (`&& \` then `    cmd`). */
  placement: 'leading' | 'trailing';
  op: '&&' | ';';
  indent: string;
  /** Whether the instruction really continues with operators (false: only arguments are continued, the placement is a default). */
  evidence: boolean;
}

/** Reads how an instruction continues its lines. Null for a single-line instruction or one without operator continuations. */
export function continuationStyle(ctx: DockerfileContext, ins: Instruction): ContinuationStyle | null {
  const r = ins.getRange();
  if (r.start.line === r.end.line) return null;
  const esc = ctx.escapeChar;
  let leading = 0;
  let trailing = 0;
  let semicolons = 0;
  let leadIndent: string | null = null;
  let trailIndent: string | null = null;
  let anyIndent: string | null = null;
  for (let line = r.start.line; line < r.end.line; line++) {
    const text = ctx.lines.lineText(line).replace(/\s+$/, '');
    if (!text.endsWith(esc)) continue;
    const body = text.slice(0, -1).replace(/\s+$/, '');
    // The next line that is not a comment line.
    let next = line + 1;
    while (next <= r.end.line && /^\s*#/.test(ctx.lines.lineText(next))) next++;
    if (next > r.end.line) break;
    const nextText = ctx.lines.lineText(next);
    const indent = /^[ \t]*/.exec(nextText)![0];
    if (anyIndent === null && nextText.trim() !== '') anyIndent = indent;
    if (/(?:&&|\|\||;)$/.test(body)) {
      trailing++;
      if (body.endsWith(';')) semicolons++;
      if (trailIndent === null) trailIndent = indent;
    } else if (/^(?:&&|\|\||;)/.test(nextText.trimStart())) {
      leading++;
      if (nextText.trimStart().startsWith(';')) semicolons++;
      if (leadIndent === null) leadIndent = indent;
    }
  }
  if (leading === 0 && trailing === 0) return anyIndent !== null ? { placement: 'leading', op: '&&', indent: anyIndent, evidence: false } : null;
  const placement = leading > trailing ? 'leading' : 'trailing';
  const op = semicolons * 2 > leading + trailing ? ';' : '&&';
  return { placement, op, indent: (placement === 'leading' ? leadIndent : trailIndent) ?? anyIndent ?? '    ', evidence: true };
}

/** The text that joins two commands across a line break in a given style. */
export function joint(ctx: DockerfileContext, style: ContinuationStyle): string {
  const esc = ctx.escapeChar;
  const eol = ctx.lines.eol;
  return style.placement === 'leading' ? ` ${esc}${eol}${style.indent}${style.op} ` : `${style.op === ';' ? ';' : ' &&'} ${esc}${eol}${style.indent}`;
}

export const DEFAULT_STYLE: ContinuationStyle = { placement: 'leading', op: '&&', indent: '    ', evidence: false };

/**
 * The style for joining two RUNs: the first RUN's own operator continuations, else the second's,
 * else those of the first RUN of the file that has some, else the default (leading `&&`, four
 * spaces more than the RUN's own indentation).
 */
function joinStyle(ctx: DockerfileContext, first: RunInstruction, second: RunInstruction): ContinuationStyle {
  const a = continuationStyle(ctx, first.instruction);
  if (a?.evidence) return a;
  const b = continuationStyle(ctx, second.instruction);
  if (b?.evidence) return b;
  const fileStyle = fileContinuationStyle(ctx);
  if (fileStyle) return fileStyle;
  return { ...DEFAULT_STYLE, indent: ctx.lines.indentOf(first.instruction.getRange().start.line) + DEFAULT_STYLE.indent };
}

/** The operator continuations of the first RUN of the file that has some, read once per analysis (every join asks). */
function fileContinuationStyle(ctx: DockerfileContext): ContinuationStyle | null {
  const runs = ctx.runs();
  let found = fileStyles.get(runs);
  if (found === undefined) {
    found = null;
    for (const run of runs) {
      const s = continuationStyle(ctx, run.instruction);
      if (s?.evidence) {
        found = s;
        break;
      }
    }
    fileStyles.set(runs, found);
  }
  return found;
}

const fileStyles = new WeakMap<readonly RunInstruction[], ContinuationStyle | null>();

/** Where a shell-form script ends: the offset after its last character, and what ends it. Undefined when text cannot be appended exactly. */
/** The characters a POSIX shell reads as blanks or line breaks. */
const SHELL_BLANK = /[ \t\r\n\f\v]/;

export function scriptEnd(script: RunScript): { offset: number; endsWithSemicolon: boolean; semicolonOffset: number } | undefined {
  if (!script.isShell || script.json || script.commands.length === 0) return undefined;
  // Text appended to a script that leaves a quote, `$(`, `if`, `case` or loop open would land inside it.
  if (!scriptCloses(script.source, script.commands)) return undefined;
  const { text, offsets } = script.source;
  let k = text.length - 1;
  // Past the blanks the shell reads as such: not another white space character (U+2028 after a
  // `\`: it is the escaped character, and an append between the two split them: review 41a, F5).
  while (k >= 0 && SHELL_BLANK.test(text[k])) k--;
  if (k < 0) return undefined;
  const last = script.commands[script.commands.length - 1];
  // A comment after the last command (`cmd # note`) would swallow anything appended on its line.
  const lastEndIndex = indexOfOffset(offsets, last.end, text.length);
  const tail = text.slice(lastEndIndex, k + 1);
  if (tail.includes('#')) return undefined;
  if (last.next === '&' || last.next === '&&' || last.next === '||' || last.next === '|') {
    // Ends with a background `&` or a dangling operator.
    if (!/[)}]\s*$/.test(tail)) return undefined;
  }
  let semi = k;
  while (semi >= 0 && (text[semi] === ';' || /\s/.test(text[semi]))) semi--;
  const endsWithSemicolon = text[k] === ';';
  if (endsWithSemicolon && text[k - 1] === ';') return undefined; // `;;` of a case arm
  return { offset: offsets[k] + 1, endsWithSemicolon, semicolonOffset: offsets[semi + 1] ?? offsets[k] };
}

function indexOfOffset(offsets: ArrayLike<number>, offset: number, length: number): number {
  // Offsets grow with the index: binary search for the first index whose offset is >= offset.
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offsets[mid] < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The last script of a RUN that is read by a shell and can be appended to. */
export function lastShellScript(run: RunInstruction): RunScript | undefined {
  for (let k = run.scripts.length - 1; k >= 0; k--) {
    const s = run.scripts[k];
    if (s.isShell && (!s.json || s.heredoc)) return s;
  }
  return undefined;
}

/**
 * Appends a command at the end of a RUN, in the RUN's own style: inline ` && cmd` for a one-line
 * RUN, a continued line for a multi-line one (leading or trailing operators as the RUN uses them),
 * a new line inside a heredoc script. `safe` is false when the append may mask the exit status of the
 * script (a heredoc whose last failure does not surely end the shell: failureStopsBeforeEnd). A continued
 * line joins with `;` only where that holds, else with `&&`, which keeps any failure of the list before it.
 */
export function appendToRun(ctx: DockerfileContext, run: RunInstruction, commandText: string): { edit: TextEdit; safe: boolean } | undefined {
  const script = lastShellScript(run);
  if (!script) return undefined;
  // A function the RUN calls may end the shell with success (`f() { …; exit 0; }`, `exec prog`): a command appended
  // after the call may never run (runOrder). An EXIT trap's action runs after whatever is appended: the appended
  // command cannot be the last to run, and where the trap may clean, a second cleanup is no fix.
  const order = runOrder(run);
  if (order.callEndsShell || order.exitTrap) return undefined;
  // A script of the RUN that ends its shell before the end (`…; exit 0`): appended after it, the command would never
  // run. In the last script it goes before the terminator; elsewhere (a line that exits after feeding a heredoc,
  // a heredoc fed to a shell that exits) no append is exact. A script string's shell ends alone.
  if (run.scripts.some((s) => s !== script && !s.inString && mayEndIndex(s) >= 0)) return undefined;
  const ends = scriptEnds(script);
  if (ends.may >= 0) {
    // A top-level `return` first: dash and ash end the script there, bash goes on after it (scriptEnds), so one place
    // serves every shell only when it is the script's last command (bash then ends too, with status 2).
    // Under a shell known to end there (returnEndsScript: the default /bin/sh), it is a terminator like `exit`.
    if (ends.may !== ends.sure && ends.may !== script.commands.length - 1 && !(ends.may === ends.ret && returnEndsScript(run, script))) return undefined;
    // Another terminator before it that may end the shell with success (`if …; then exit 0; fi`): no place serves every path.
    if (mayEndWithSuccess(script, ends.may)) return undefined;
    return insertBeforeTerminator(ctx, run, script, ends.may, commandText);
  }
  // The last list ends with a terminator behind `&&` (`… && exit 0`, `… && { …; exit 0; }`): appended after it, the
  // command would never run; it goes before it. Any other terminator that may end the shell with success leaves a path
  // on which the appended command does not run: no fix (task append3).
  // Commands written after it behind `&&` never run (neverRunAfterAnd: `… && exit 0 && rm …`): the terminator still ends
  // the last list that runs, and the command goes before it (task shell5).
  let lastRun = script.commands.length - 1;
  const dead = neverRunAfterAnd(script);
  while (lastRun > 0 && dead.has(lastRun)) lastRun--;
  const final = finalTerminator(script.commands, lastRun, 0, lastRun < script.commands.length - 1);
  if (mayEndWithSuccess(script, final >= 0 ? final : script.commands.length)) return undefined;
  if (final >= 0) return insertBeforeFinalTerminator(ctx, run, script, final, commandText);
  const eol = ctx.lines.eol;
  const last = script.commands[script.commands.length - 1];
  if (script.heredoc) {
    const { text, offsets } = script.source;
    if (text.trim() === '' || !scriptCloses(script.source, script.commands)) return undefined;
    let k = text.length - 1;
    while (k >= 0 && SHELL_BLANK.test(text[k])) k--;
    if (k < 0) return undefined;
    // A last line that ends with an escaping backslash continues on the next line in the shell: a
    // command added after it would become arguments of the last command (`install git \` + `clean`).
    let backslashes = 0;
    while (k - backslashes >= 0 && text[k - backslashes] === '\\') backslashes++;
    if (backslashes % 2 === 1 && (k + 1 === text.length || text[k + 1] === '\n' || text[k + 1] === '\r')) return undefined;
    const endOffset = offsets[k] + 1;
    const endPos = ctx.lines.positionAt(endOffset);
    // Indent like the last non-empty body line (the line of the last command when its here-document ends the script:
    // the delimiter line's tabs are `<<-`'s, not the script's).
    const indent = ctx.lines.indentOf(last.hereDocs ? ctx.lines.positionAt(last.start).line : endPos.line);
    const newLine = { edit: { range: { start: endPos, end: endPos }, newText: `${eol}${indent}${commandText}` }, safe: true };
    if (failureStopsBeforeEnd(ctx, run, script)) return newLine;
    // Else the last list's failure may reach the end (`set -e` ignores one before `&&`): appended to that list with
    // `&&`, the command runs only when the list succeeded, and the script's status stays the list's otherwise.
    if (andAppendKeepsStatus(ctx, run, script, script.commands.length - 1) && /^[;\s]*$/.test(text.slice(indexOfOffset(offsets, last.end, text.length), k + 1).replace(/#[^\n]*$/, ''))) {
      const at = ctx.lines.positionAt(last.end);
      return { edit: { range: { start: at, end: at }, newText: ` && ${commandText}` }, safe: true };
    }
    return { ...newLine, safe: false };
  }
  const end = scriptEnd(script);
  if (!end) return undefined;
  const startLine = ctx.lines.positionAt(script.source.offsets[0]).line;
  const endLine = ctx.lines.positionAt(end.offset).line;
  const style = startLine === endLine ? null : continuationStyle(ctx, run.instruction);
  let at = end.offset;
  let newText: string;
  let ownCommand = false;
  if (!style) {
    if (end.endsWithSemicolon) {
      at = end.semicolonOffset;
    }
    newText = ` && ${commandText}`;
    if (startLine !== endLine) newText = joint(ctx, { ...DEFAULT_STYLE, indent: ctx.lines.indentOf(endLine) || DEFAULT_STYLE.indent }) + commandText;
  } else {
    const useSemicolon = style.op === ';' && failureStopsBeforeEnd(ctx, run, script);
    ownCommand = useSemicolon;
    const st: ContinuationStyle = { ...style, op: useSemicolon ? ';' : '&&' };
    if (end.endsWithSemicolon) {
      if (useSemicolon) {
        newText = ` ${ctx.escapeChar}${eol}${st.indent}${commandText}${st.placement === 'trailing' ? ';' : ''}`;
      } else {
        at = end.semicolonOffset;
        newText = joint(ctx, st) + commandText;
      }
    } else {
      newText = joint(ctx, st) + commandText;
    }
  }
  // The command line of a RUN with heredocs ends on the line of its marker: a continued line after it
  // would be read as the heredoc's body (an unterminated `<<EOF \` reads the rest of the file: the
  // append never removed its finding and fix-all repeated it: review 41a, F5).
  if (/[\r\n]/.test(newText) && hasHeredocs(run.instruction)) return undefined;
  const pos = ctx.lines.positionAt(at);
  // A `;` join adds a command of its own; a `&&` join puts the last list before `&&`, where errexit no longer acts
  // inside a compound, an `eval` or a function it ends with: exact there only when errexit cannot be on.
  return { edit: { range: { start: pos, end: pos }, newText }, safe: ownCommand || andAppendKeepsStatus(ctx, run, script, script.commands.length - 1) };
}

/**
 * Whether a command sets an action for bash's ERR trap (`trap 'exit 0' ERR`, or conditions from an expansion; also
 * through `builtin`/`command`). bash runs it when a command fails where errexit would act, errexit on or off, with the
 * same exceptions ("part of a command executed in a && or || list except the command following the final && or ||",
 * The Bourne Shell Builtins, trap): `cmd && rm …` no longer runs it when `cmd` fails, so a RUN whose ERR trap ended
 * the shell with `exit 0` after a failing last command (status 0) now ends with the failure (status 1). An ERR trap
 * that does not exit leaves errexit as it is (`set -e; trap 'true' ERR; false; echo after` prints nothing after the
 * trap, status 1). dash rejects the condition ("trap: ERR: bad trap") and BusyBox ash never runs it; read for every
 * shell. Not a reset (`trap - ERR`) nor an ignore (`trap '' ERR`).
 */
function setsErrTrap(c: SimpleCommand): boolean {
  if (c.programIndex < 0) return false;
  const { words, describes } = builtinWords(c);
  if (describes || !words[0] || !literalWord(words[0]) || words[0].value !== 'trap') return false;
  let rest = words.slice(1);
  if (rest[0]?.value === '-l' || rest[0]?.value === '-p') return false;
  if (rest[0]?.value === '--') rest = rest.slice(1);
  if (rest.length === 0) return false;
  if (rest.some((w) => !literalWord(w))) return true;
  if (rest[0].value === '-' || rest[0].value === '' || /^\d+$/.test(rest[0].value)) return false;
  return rest.slice(1).some((w) => /^(?:SIG)?ERR$/i.test(w.value));
}

/** Programs that run shell text in this shell (`eval`, `.`, `source`): under `&&` errexit is ignored inside them. */
const RUNS_TEXT_HERE = new Set(['eval', '.', 'source']);

/**
 * Whether ` && cmd` written right after command `j` of a script, which ends an and-or list at its top level, keeps
 * what the script did: the list's status is what it was whenever `cmd` does not run. Adding `&&` moves the list's
 * last element into a place where errexit is ignored (bash's The Set Builtin: "any command executed in a && or ||
 * list except the command following the final && or ||", and "If a compound command or shell function executes in a
 * context where -e is being ignored, none of the commands executed within the compound command or function body will
 * be affected"), so when errexit may be on, that element must be a simple command that runs no shell text in this
 * shell: not a compound (`fi`, `done`, `}`), not `eval`, `.`/`source` (also through `builtin`/`command`), a function the script
 * defines, a program named by an expansion, nor a command substitution. Never after a subshell's `)` (the text would
 * land inside it), a background `&`, a pipe, or a heredoc marker; nor in a script that sets an ERR trap (setsErrTrap:
 * the trap would no longer run for a failure of that element), also in an `eval`'s text or by an `eval` of text that is
 * not known.
 */
function andAppendKeepsStatus(ctx: DockerfileContext, run: RunInstruction, script: RunScript, j: number): boolean {
  const commands = script.commands;
  const c = commands[j];
  if (!c || (c.next !== null && c.next !== ';' && c.next !== '\n') || c.words.some((w) => /^\d*<</.test(w.raw))) return false;
  if (commands.some(setsErrTrap)) return false;
  // Nor one set in an `eval`'s text (runOrder reads it: `eval "trap 'exit 0' ERR"`), or by an `eval` of text not known;
  // not in a shell the RUN starts (Step.shell), whose traps are that shell's.
  if (runOrder(run).steps.some((s) => !s.shell && ((s.evalScript && setsErrTrap(s.cmd)) || (s.kind === 'unknown' && builtinWords(s.cmd).words[0]?.raw === 'eval')))) return false;
  if (!errexitMayBeOn(ctx, run, script)) return true;
  const lead = c.programIndex >= 0 ? c.words.slice(0, c.programIndex) : c.words;
  if (c.programIndex < 0 || lead.some((w) => OPENERS.has(w.value) || CLOSERS.has(w.value) || w.value === '!')) return false;
  const program = builtinNamed(c);
  if (!program || !literalWord(program) || RUNS_TEXT_HERE.has(program.value) || definedFunctions(commands).has(program.value)) return false;
  return !c.words.some((w) => w.raw.includes('$(') || w.raw.includes('`'));
}

/**
 * The word naming what a command runs, through `builtin` and `command [-p] [--]` (which run the builtin they name in
 * this shell, as mayTurnErrexitOff reads them); `command -v`/`-V` only describes, and answers its own word. Undefined
 * when nothing follows.
 */
function builtinNamed(c: SimpleCommand): Word | undefined {
  return builtinWords(c).words[0];
}

/**
 * Whether errexit may be on somewhere in a script: the shell that runs it starts with it (startsWithErrexit), or the
 * script runs `set`, `shopt`, `eval`, `.`/`source` (the file may `set -e`), `alias` or a program named by an
 * expansion (also through `builtin`/`command`), any of which may turn it on.
 */
function errexitMayBeOn(ctx: DockerfileContext, run: RunInstruction, script: RunScript): boolean {
  if (startsWithErrexit(ctx, run, script)) return true;
  return script.commands.some((c) => {
    if (c.programIndex < 0) return false;
    const program = builtinNamed(c);
    return !!program && (!literalWord(program) || /^(?:set|shopt|alias)$/.test(program.value) || RUNS_TEXT_HERE.has(program.value));
  });
}

/** The names of the functions a script defines (functionDefinitions, subshell bodies included). */
function definedFunctions(commands: readonly SimpleCommand[]): ReadonlySet<string> {
  return new Set(functionDefinitions(commands).map((d) => d.name));
}

/**
 * Inserts a command before the terminator at `t` of a RUN's last script (scriptEnds: `…; exit 0`, or a last `return`), where it
 * runs exactly when the shell would have reached the terminator. As a command of its own (`cmd; exit 0`) when the
 * terminator's status does not read `$?` (`exit N`, `exec prog`); before a bare `exit`/`return` (or one that reads
 * `$?`), which ends with the status of the list before it, the command is appended to that list with `&&`
 * (andAppendKeepsStatus), so a failure of the list is still what the shell ends with. Undefined when the terminator
 * is the first command or follows a background `&` or a subshell, or when that list cannot take `&&` exactly.
 */
function insertBeforeTerminator(ctx: DockerfileContext, run: RunInstruction, script: RunScript, t: number, commandText: string): { edit: TextEdit; safe: boolean } | undefined {
  const commands = script.commands;
  if (t === 0 || !scriptCloses(script.source, commands)) return undefined;
  const term = commands[t];
  const before = commands[t - 1];
  if (before.next !== ';' && before.next !== '\n') return undefined;
  let u = shellUtility(term);
  // A call of a function that ends the shell (scriptEnds: callEnds): its body's terminator, whose status may be that of
  // the list before the call (`f() { exit; }`).
  if (u && !TERMINATORS.has(u.name) && u.name !== 'return') u = callEnds(commands, t);
  if (!u) return undefined;
  const args = u.args;
  const readsStatus = (args.length === 0 && u.name !== 'exec') || args.some((w) => /\$\{?[#!]?\?/.test(w.raw));
  if (!readsStatus) {
    const at = ctx.lines.positionAt(term.start);
    return { edit: { range: { start: at, end: at }, newText: `${commandText}; ` }, safe: true };
  }
  if (!andAppendKeepsStatus(ctx, run, script, t - 1)) return undefined;
  const at = ctx.lines.positionAt(before.end);
  return { edit: { range: { start: at, end: at }, newText: ` && ${commandText}` }, safe: true };
}

// ---------------------------------------------------------------------------------------------
// Commands behind `&&` after a terminator (task append3)

/**
 * Inserts a command before the final terminator `t` of a RUN's last script (finalTerminator), where it runs exactly
 * when the shell would have reached the terminator: behind `&&` as one more element of that list (`… && rm … && exit
 * 0`: it runs when the list got that far, and the terminator then runs when it succeeded); as the first command of
 * its group (`{ rm …; exit 0; }`) when the terminator opens the group and does not read `$?`; after `;` or a newline
 * as insertBeforeTerminator puts it. Undefined otherwise.
 */
function insertBeforeFinalTerminator(ctx: DockerfileContext, run: RunInstruction, script: RunScript, t: number, commandText: string): { edit: TextEdit; safe: boolean } | undefined {
  const commands = script.commands;
  if (!scriptCloses(script.source, commands)) return undefined;
  const term = commands[t];
  const lead = leadWords(term);
  let braces = 0;
  while (lead[braces]?.value === '{') braces++;
  if (braces === 0) {
    if (t > 0 && commands[t - 1].next === '&&') {
      const at = ctx.lines.positionAt(term.start);
      return { edit: { range: { start: at, end: at }, newText: `${commandText} && ` }, safe: true };
    }
    return insertBeforeTerminator(ctx, run, script, t, commandText);
  }
  const u = shellUtility(term);
  if (!u || (u.args.length === 0 && u.name !== 'exec') || u.args.some((w) => /\$\{?[#!]?\?/.test(w.raw))) return undefined;
  const at = ctx.lines.positionAt(term.words[braces].start);
  return { edit: { range: { start: at, end: at }, newText: `${commandText}; ` }, safe: true };
}

/** Whether an instruction has heredoc markers (`RUN <<EOF`, `RUN cat <<EOF > f`), whether or not their bodies end. */
function hasHeredocs(ins: Instruction): boolean {
  const h = ins as unknown as Partial<Run>;
  return typeof h.getHeredocs === 'function' && h.getHeredocs().length > 0;
}

// ---------------------------------------------------------------------------------------------
// Joining RUN instructions (DF033, DF039)


/** The program a SHELL instruction names, without its folder (`SHELL ["C:\\…\\powershell.exe", …]` → `powershell.exe`); null for another instruction or an unreadable one. */
export function shellProgram(ins: Instruction): string | null {
  if (ins.getKeyword() !== 'SHELL') return null;
  const m = /^\s*\[\s*"([^"]*)"/.exec(ins.getArgumentsContent() ?? '');
  return m ? baseName(m[1]) : null;
}

/**
 * Whether the stage runs the RUN at `line` through a shell that is not POSIX: the last SHELL before it
 * (in the stage or a stage it builds on) names PowerShell or cmd, or, with no SHELL, the stage builds
 * on a Windows image, whose default shell is `cmd /S /C` (Dockerfile reference, SHELL). cmd reads `;`
 * as a separator of arguments, not of commands, so a POSIX join is wrong there.
 */
export function nonPosixShellAt(stage: Stage | null, line: number): boolean {
  if (!stage) return false;
  const program = shellProgramAt(stage, line);
  if (program !== undefined) return program !== null && isNonPosixShell(program);
  return buildsWindows(stage);
}

/**
 * The program of the last SHELL before `line` in the stage or a stage it builds on (null when that SHELL cannot be
 * read), undefined when there is none (the platform's default shell runs the shell form).
 */
function shellProgramAt(stage: Stage, line: number): string | null | undefined {
  const { inherited, own } = shellLinesOf(stage);
  let program: string | null | undefined = inherited;
  for (const s of own) {
    if (s.line >= line) break;
    program = s.program;
  }
  return program;
}

/** A stage's SHELL instructions (line, program), and the program the stages it builds on leave in effect; once per stage. */
function shellLinesOf(stage: Stage): { inherited: string | null | undefined; own: { line: number; program: string | null }[] } {
  let found = shellLines.get(stage);
  if (!found) {
    let inherited: string | null | undefined;
    const own: { line: number; program: string | null }[] = [];
    for (const s of stageChain(stage).reverse()) {
      for (const ins of s.instructions) {
        if (ins.getKeyword() !== 'SHELL') continue;
        if (s === stage) own.push({ line: ins.getRange().start.line, program: shellProgram(ins) });
        else inherited = shellProgram(ins);
      }
    }
    shellLines.set(stage, (found = { inherited, own }));
  }
  return found;
}

const shellLines = new WeakMap<Stage, { inherited: string | null | undefined; own: { line: number; program: string | null }[] }>();

/** Whether a RUN can take part in a join: shell form, no heredoc, not ONBUILD. */
export function joinable(run: RunInstruction): boolean {
  return !run.onbuild && run.scripts.length === 1 && !run.scripts[0].json && !run.scripts[0].heredoc && run.scripts[0].isShell;
}

export function flagKey(run: RunInstruction): string {
  return runFlags(run)
    .map((f) => f.text)
    .sort()
    .join(' ');
}

/** `# hadolint ignore=DL3008`, `# hadolint shell=bash`: a comment hadolint reads as applying to the next instruction. */
const HADOLINT_PRAGMA = /^\s*#\s*hadolint\s+(?:ignore|shell)\s*=/i;

/**
 * Edits that merge `second` into `first` when `second` follows it with only comments and blank
 * lines between: `RUN a` + `RUN b` → `RUN a \` / `    && b` (style from the RUNs). Comment lines
 * between stay as comment lines of the continued RUN; blank lines go.
 *
 * When `b`'s top-level list is more than one and-list (see isOneAndList) the join is
 * `a || exit; \` / `    b`: `a && b` would bind `a` to the first and-list of `b` only.
 */
export function joinAdjacentRuns(ctx: DockerfileContext, first: RunInstruction, second: RunInstruction): TextEdit[] | undefined {
  if (!joinable(first) || !joinable(second)) return undefined;
  if (!joinKeepsFirst(ctx, first)) return undefined;
  const end = scriptEnd(first.scripts[0]);
  if (!end || end.endsWithSemicolon) return undefined;
  const secondScript = second.scripts[0];
  if (secondScript.commands.length === 0) return undefined;
  const secondStart = secondScript.source.offsets[0];
  const st: ContinuationStyle = { ...joinStyle(ctx, first, second), op: '&&' };
  const eol = ctx.lines.eol;
  const firstEndLine = ctx.lines.positionAt(end.offset).line;
  const secondLine = second.instruction.getRange().start.line;
  const comments: string[] = [];
  for (let line = firstEndLine + 1; line < secondLine; line++) {
    const t = ctx.lines.lineText(line);
    // A hadolint pragma applies to the instruction below it: inside the merged RUN it would apply to nothing.
    if (HADOLINT_PRAGMA.test(t)) return undefined;
    if (/^\s*#/.test(t)) comments.push(t);
    else if (t.trim() !== '') return undefined; // something else between: not adjacent
  }
  const esc = ctx.escapeChar;
  let text: string;
  if (!isOneAndList(second)) text = ` || exit; ${esc}${eol}${comments.map((c) => c + eol).join('')}${st.indent}`;
  else if (comments.length === 0) text = joint(ctx, st);
  else if (st.placement === 'leading') text = ` ${esc}${eol}${comments.join(eol)}${eol}${st.indent}&& `;
  else text = ` && ${esc}${eol}${comments.join(eol)}${eol}${st.indent}`;
  return [{ range: ctx.rangeOfOffsets(end.offset, secondStart), newText: text }];
}

/**
 * Edits that move `first`'s script into `second` (deleting `first`'s lines) when instructions that
 * do not affect the script (ENV, ARG, LABEL, comments) stand between them.
 */
export function moveRunInto(ctx: DockerfileContext, first: RunInstruction, second: RunInstruction): TextEdit[] | undefined {
  if (!joinable(first) || !joinable(second)) return undefined;
  if (!joinKeepsFirst(ctx, first)) return undefined;
  const script = first.scripts[0];
  const end = scriptEnd(script);
  if (!end || end.endsWithSemicolon) return undefined;
  const start = script.source.offsets[0];
  const moved = ctx.text.slice(start, end.offset);
  const secondStart = second.scripts[0].source.offsets[0];
  const style = joinStyle(ctx, second, first);
  const r = first.instruction.getRange();
  // A hadolint pragma above the moved RUN would then apply to the instruction that follows it.
  if (r.start.line > 0 && HADOLINT_PRAGMA.test(ctx.lines.lineText(r.start.line - 1))) return undefined;
  const at = ctx.lines.positionAt(secondStart);
  // As in joinAdjacentRuns: `a && b` only when b is one and-list.
  const glue = isOneAndList(second) ? joint(ctx, { ...style, op: '&&' }) : ` || exit; ${ctx.escapeChar}${ctx.lines.eol}${style.indent}`;
  return [
    { range: ctx.lines.wholeLines(r.start.line, r.end.line), newText: '' },
    { range: { start: at, end: at }, newText: moved + glue },
  ];
}

/**
 * Whether `first`'s script can take `&& <second>` or `|| exit; <second>` after its last command and still do what it
 * did in its own RUN (task exit0): it has no unconditional `exit`/`exec`/`return` at its top level (mayEndIndex:
 * the second RUN's commands would never run, or not in every shell), and its last list can take an operator after it (andAppendKeepsStatus:
 * under errexit — a SHELL with `-e` — a compound command, `eval` or function call put before `&&`/`||` runs with
 * errexit ignored inside, so `{ false; true; }` that failed its RUN would pass).
 */
function joinKeepsFirst(ctx: DockerfileContext, first: RunInstruction): boolean {
  const script = first.scripts[0];
  if (finalTerminator(script.commands, script.commands.length - 1) >= 0 || mayEndWithSuccess(script, script.commands.length)) return false;
  return mayEndIndex(script) < 0 && andAppendKeepsStatus(ctx, first, script, script.commands.length - 1);
}

/** Operators that keep commands inside one and-list: `a && b` binds `a` to all of it. */
const AND_LIST: ReadonlySet<Separator> = new Set<Separator>([null, '&&', '|']);

/**
 * Whether a RUN's script is one and-list (`x`, `x && y | z`), read with the shell parser: then
 * `a && <script>` runs it only after `a` succeeded. Anything else (`;`, `||`, a background `&`, a
 * newline, parentheses, which hide the operator after them, or text after the last command other
 * than a comment) makes `a && <script>` bind `a` to the first and-list only: `a && set -eux; b` is
 * `(a && set -eux); b`, and a failing `a` no longer fails the build. Such a script is joined as
 * `a || exit; <script>` instead: a failing `a` ends the shell with its status, and the script stays
 * the top-level list it was in its own RUN (its `set -e` and anything later appended to it behave
 * as before; `a && { b; }` would not: `set -e` inside a group is ignored once `&& c` follows it).
 * Conservative: a `;` inside `if`/`for`/`{ }` counts too, which only chooses the other exact join.
 */
export function isOneAndList(run: RunInstruction): boolean {
  const { commands, source } = run.scripts[0];
  if (commands.length === 0) return false;
  for (const c of commands) if (!AND_LIST.has(c.prev) || !AND_LIST.has(c.next)) return false;
  const last = commands[commands.length - 1];
  let k = 0;
  while (k < source.text.length && source.offsets[k] < last.end) k++;
  const tail = source.text.slice(k).trim();
  return tail === '' || tail.startsWith('#');
}
