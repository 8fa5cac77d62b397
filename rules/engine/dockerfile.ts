import { type Dockerfile, type From, type Heredoc, type Instruction, type Run, type JSONInstruction, type Onbuild } from 'dockerfile-ast';
import { LineIndex } from './text';
import { MAX_EXPANDED_LENGTH } from './expansion';
import { freezeInstruction, parseDockerfile } from './dockerfile-memo';
import { buildkitDirectives } from './directives';
import { parseImageRef, type ImageRef } from './image';
import { baseName, INVOCATION_SLOT, logicalText, offsetTable, parseShell, withoutLeadingTabs, wordsWithoutRedirections, type MappedText, type SimpleCommand } from './shell';
import { invocation, shellProgramSource } from './run-commands';
import type { Range, RuleOptions, WorkspaceView } from './types';

export interface Stage {
  index: number;
  from: From;
  /** `AS name`, lower-cased, or null. */
  name: string | null;
  /** Instructions of the stage after its FROM, in order. */
  instructions: Instruction[];
  isFinal: boolean;
  /** The base as written after ARG resolution. */
  base: BaseImage;
  /**
   * Set on a copy of a stage judged as if a variable FROM of its chain named one of the stages it could name
   * (`FROM runtime-$TARGETARCH` built on `runtime-amd64`; chainVariants in stage-scope.ts): the stage it copies.
   */
  variantOf?: Stage;
}

/**
 * The ARGs BuildKit sets by itself in the global scope (the Dockerfile reference, "Automatic platform ARGs in the
 * global scope"): a FROM can use them without declaring them, and `docker build` sets them too (BuildKit is its
 * builder), so a `${TARGETARCH:-amd64}` default is never what a FROM gets. The variants may be empty.
 */
export const AUTOMATIC_PLATFORM_ARGS: ReadonlySet<string> = new Set(['TARGETPLATFORM', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT', 'BUILDPLATFORM', 'BUILDOS', 'BUILDARCH', 'BUILDVARIANT']);

export type BaseImage =
  | { kind: 'scratch' }
  | { kind: 'stage'; stage: Stage }
  | { kind: 'image'; ref: ImageRef; /** Whether the reference text came (partly) from ARG defaults. */ viaArg: boolean }
  /** Could not be resolved (an ARG with no default, or an invalid reference). */
  | { kind: 'unknown' };

/** One shell script run by a RUN instruction (the instruction itself, or one of its heredocs). */
export interface RunScript {
  instruction: Instruction;
  /** Whether the text is read by a shell (false for JSON-form RUN without a shell, and for heredocs fed to other programs). */
  isShell: boolean;
  source: MappedText;
  commands: SimpleCommand[];
  /** JSON (exec) form. */
  json: boolean;
  /** The script comes from a heredoc body. */
  heredoc: boolean;
  /**
   * For the script string of an exec-form RUN that starts a shell (`["/bin/bash", "-o", "pipefail", "-c", "…"]`):
   * the JSON strings before it, the shell and its options (`["/bin/bash", "-o", "pipefail", "-c"]`).
   */
  jsonShell?: string[];
  /** The script is the quoted script string of a shell a RUN command starts (`bash -c '…'`; see stringScriptsOf in script-strings.ts). */
  inString?: boolean;
  /** For a script string: the script it is written in, and the index there of the command that starts its shell. */
  host?: { script: RunScript; index: number };
  /** For a script string: its shell is in a pipeline that starts with `yes` (`yes | sh -c '…'`), so its commands read yes. */
  fedByYes?: boolean;
  /** For a script string: its shell is given no operand after the string and `$0`'s name (`sh -c '…' sh`), so `"$@"` is empty. */
  noArguments?: true;
  /**
   * For a heredoc body: the program its RUN line feeds it to (`bash` for `RUN bash <<EOF`, `set -eu; bash
   * <<EOF`, `cat <<EOF | bash`, `/usr/bin/env bash <<EOF`), or '' when the line names none and the body
   * runs as a script (its shebang, else the SHELL).
   */
  runner?: string;
  /** For a heredoc body: the command of the RUN line that holds its marker (`cat <<EOF > /etc/sudoers.d/app`), when found. */
  feeder?: SimpleCommand;
  /** For a heredoc body: the commands its marker's command pipes into (`| sudo tee /etc/sudoers.d/app`), in order. */
  pipedInto?: SimpleCommand[];
}

export interface RunInstruction {
  instruction: Instruction;
  stage: Stage | null;
  /** Set when the RUN is an ONBUILD trigger. */
  onbuild: boolean;
  scripts: RunScript[];
}

/** Shells, by program name (any folder: `/bin/sh`, `/usr/bin/bash`), whose exec-form `-c` string is a script. */
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'mksh']);

/** Shells by program name: a heredoc fed to one is a shell script. */
const SHELL_NAMES = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'mksh', 'busybox']);

/**
 * The program each heredoc marker of a RUN line (`<<EOF`, in order) feeds its body to: the program of
 * the command that holds the marker, through `env` (`/usr/bin/env bash <<EOF`), or, for `cat <<EOF | bash`,
 * the program it pipes into. '' for a command that is only the marker. By program name, without its folder.
 */
function heredocRunners(commands: readonly SimpleCommand[]): { runner: string; feeder: SimpleCommand; pipedInto: SimpleCommand[]; readsProgram: boolean }[] {
  const out: { runner: string; feeder: SimpleCommand; pipedInto: SimpleCommand[]; readsProgram: boolean }[] = [];
  commands.forEach((cmd, i) => {
    const markers = cmd.words.filter((w) => /^<<-?[^<]/.test(w.raw)).length;
    if (markers === 0) return;
    const { runner, pipedInto, readsProgram } = hereDocRunner(commands, i);
    for (let m = 0; m < markers; m++) out.push({ runner, feeder: cmd, pipedInto, readsProgram });
  });
  return out;
}

/**
 * The program the command at `i` feeds its here-documents to (heredocRunners), the command that runs it (`runnerCmd`:
 * the command itself, or for `cat <<EOF | bash` the command it pipes into), and whether that program, when it is a
 * shell, reads its script from them (readsProgram).
 */
export function hereDocRunner(commands: readonly SimpleCommand[], i: number): { runner: string; runnerCmd: SimpleCommand; pipedInto: SimpleCommand[]; readsProgram: boolean } {
  const cmd = commands[i];
  let program = programOf(cmd);
  let runnerCmd = cmd;
  // Through the whole pipe of cat and tee (`cat <<EOF | tee log | bash`: review 22, probe 07).
  const pipedInto: SimpleCommand[] = [];
  for (let j = i; commands[j]?.next === '|' && commands[j + 1]; j++) pipedInto.push(commands[j + 1]);
  for (let k = 0; (program === 'cat' || program === 'tee') && k < pipedInto.length; k++) {
    program = programOf(pipedInto[k]);
    runnerCmd = pipedInto[k];
  }
  const readsProgram = !SHELL_NAMES.has(program) || shellReadsStdin(runnerCmd);
  return { runner: program, runnerCmd, pipedInto, readsProgram };
}

/** Whether a program name (without its folder) is a shell that reads a here-document fed to it as its script (SHELL_NAMES). */
export function isHereDocShell(program: string): boolean {
  return SHELL_NAMES.has(program);
}

/**
 * Whether a shell command reads its program from standard input (shellProgramSource): `bash`,
 * `sh -eux`, `sh -s -- a b`. `sh -c 'cat > /s.sh' <<EOF` hands the body to `cat`: it is data, not a
 * script (review 36, probe p33 c20).
 */
function shellReadsStdin(cmd: SimpleCommand): boolean {
  const words = wordsWithoutRedirections(cmd.words);
  const programIndex = words.findIndex((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w.raw));
  if (programIndex < 0) return true;
  const inv = invocation({ ...cmd, words, programIndex });
  if (!inv) return true;
  let args = inv.args.map((w) => w.value);
  // `busybox sh …`: the applet, then its arguments.
  if (inv.name === 'busybox' && args.length > 0 && SHELL_NAMES.has(baseName(args[0]))) args = args.slice(1);
  return shellProgramSource(args).from === 'stdin';
}

/**
 * The program a command runs, through the wrappers RUN commands are read through (`env -u HOME bash`,
 * `sudo -E bash`, `timeout 300 bash`, `VAR=x bash`: review 21, probes 01-02), heredoc markers and
 * redirections aside; '' when it names none.
 */
function programOf(cmd: SimpleCommand): string {
  const words = wordsWithoutRedirections(cmd.words);
  const programIndex = words.findIndex((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w.raw));
  if (programIndex < 0) return '';
  const inv = invocation({ ...cmd, words, programIndex });
  // A heredoc fed to `xargs sh` is xargs's input (its arguments), not the shell's.
  return baseName(inv === null ? words[programIndex].value : inv.viaXargs ? 'xargs' : inv.name);
}

/** A Dockerfile parsed once, with the views that rules share. */
export class DockerfileContext {
  readonly kind = 'dockerfile' as const;
  readonly lines: LineIndex;
  readonly ast: Dockerfile;
  readonly escapeChar: string;
  /**
   * Whether the escape character the parse used is the one BuildKit builds the file with (directives.ts).
   * Our parse keeps only the directives BuildKit reads (dockerfile-memo.ts), so this is false only if the
   * library read the directives in some other way, or BuildKit refuses them (a directive given twice, an
   * escape other than `\` or `` ` ``): the file's instructions may then be split where BuildKit does not
   * split them, or it does not build at all, and no rule fixes it (fixesAllowed).
   */
  readonly escapeAsBuildkit: boolean;
  readonly stages: Stage[];
  /** ARG defaults declared before the first FROM (null: declared without default). */
  readonly globalArgs: Map<string, string | null>;
  private runCache: RunInstruction[] | undefined;
  /** The keywords of the file's instructions (ONBUILD triggers aside), gathered while the stages are built. */
  private readonly keywords = new Set<string>();

  constructor(
    readonly path: string,
    readonly text: string,
    readonly workspace: WorkspaceView,
    readonly options: RuleOptions,
    /** For `reading`: the parse this reads again. */
    private readonly parsed?: DockerfileContext,
  ) {
    if (parsed) {
      this.lines = parsed.lines;
      this.ast = parsed.ast;
      this.escapeChar = parsed.escapeChar;
      this.escapeAsBuildkit = parsed.escapeAsBuildkit;
      this.globalArgs = parsed.globalArgs;
      this.stages = parsed.stages;
      this.keywords = parsed.keywords;
      return;
    }
    this.lines = new LineIndex(text);
    this.ast = parseDockerfile(text);
    this.escapeChar = this.ast.getEscapeCharacter();
    const directives = buildkitDirectives(text);
    this.escapeAsBuildkit = directives.valid && this.escapeChar === directives.escape;
    this.globalArgs = new Map();
    for (const arg of this.ast.getInitialARGs()) {
      const prop = arg.getProperty();
      if (!prop) continue;
      // BuildKit expands a global ARG's default with the global ARGs declared before it
      // (`ARG BASE=python:${PY_VERSION}-slim`); one it cannot expand here is unknown.
      const value = prop.getValue();
      this.globalArgs.set(prop.getName(), value !== null && value.includes('$') ? this.resolveGlobal(value) : value);
    }
    this.stages = this.buildStages();
  }

  /**
   * An answer the rules of this analysis share (pulledImages, copySourceOnlyStages… in df-instructions.ts), under a key
   * its module owns, computed by `compute` on first use (it never gives undefined). Kept on the context, not in a
   * WeakMap keyed by it: adding each analysis' entry to such a map cost more than some of the answers (WeakMap.set was
   * 63 ms for pulledImages and 81 ms for copySourceOnlyStages of the 44.8 s analyze() spent in a 40-round CPU profile of
   * the corpus). Per context, so per analysis: a `reading` of the parse has its own, as it has its own workspace.
   */
  fact<T>(key: symbol, compute: (ctx: DockerfileContext) => T): T {
    let facts = this.facts;
    if (facts === undefined) this.facts = facts = new Map();
    let value = facts.get(key) as T | undefined;
    if (value === undefined) facts.set(key, (value = compute(this)));
    return value;
  }

  private facts: Map<symbol, unknown> | undefined;

  /** This parse read in another analysis, with that analysis' workspace and options (see ComposeContext.reading). */
  reading(workspace: WorkspaceView, options: RuleOptions): DockerfileContext {
    return new DockerfileContext(this.path, this.text, workspace, options, this.parsed ?? this);
  }

  /**
   * Whether an instruction of the file has this keyword (upper case; ONBUILD triggers aside): a rule that reads only
   * an instruction most files lack (MAINTAINER) asks before walking every stage's instructions.
   */
  hasInstruction(keyword: string): boolean {
    return this.keywords.has(keyword);
  }

  get finalStage(): Stage | undefined {
    return this.stages[this.stages.length - 1];
  }

  /**
   * Resolves `$VAR`, `${VAR}`, `${VAR:-d}`, `${VAR-d}` with the global ARG defaults; null when a variable
   * is unknown, or when the result would be longer than MAX_EXPANDED_LENGTH (never built). An automatic
   * platform ARG that no global ARG gives a default (AUTOMATIC_PLATFORM_ARGS) is set by BuildKit to a value
   * not known here: `${TARGETARCH:-amd64}` is unknown (not amd64), `${TARGETARCH:+x}` and `${TARGETARCH+x}` are x.
   */
  resolveGlobal(value: string): string | null {
    let unknown = false;
    // The length of the result so far: the text, then each substitution's growth.
    let length = value.length;
    const out = value.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (m: string, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
      if (unknown) return '';
      const name = braced ?? bare!;
      const v = this.globalArgs.get(name);
      if ((v === undefined || v === null) && AUTOMATIC_PLATFORM_ARGS.has(name)) {
        // Always set (a variant may be empty): only `+` (set) and, for a value never empty, `:+` are known.
        if (op === '+' || (op === ':+' && !name.endsWith('VARIANT'))) {
          length += (word ?? '').length - m.length;
          return word ?? '';
        }
        unknown = true;
        return '';
      }
      const set = v !== undefined && v !== null;
      const empty = !set || v === '';
      let r: string;
      if (op === ':-' || op === '-') r = (op === ':-' ? empty : !set) ? (word ?? '') : v!;
      else if (op === ':+' || op === '+') r = (op === ':+' ? !empty : set) ? (word ?? '') : '';
      else if (!set) {
        unknown = true;
        return '';
      } else r = v!;
      length += r.length - m.length;
      if (length > MAX_EXPANDED_LENGTH && r.length > m.length) {
        unknown = true;
        return '';
      }
      return r;
    });
    return unknown ? null : out;
  }

  rangeOfOffsets(start: number, end: number): Range {
    return this.lines.rangeOf(start, end);
  }

  offsetAt(pos: Range['start']): number {
    return this.lines.offsetAt(pos);
  }

  /** Every RUN instruction (including ONBUILD RUN triggers) with its shell commands, parsed once. */
  runs(): RunInstruction[] {
    if (this.parsed) return this.parsed.runs();
    if (this.runCache) return this.runCache;
    const out: RunInstruction[] = [];
    // A RUN before the first FROM belongs to no stage: the file does not build (DF051), but its commands
    // (a credential, a TLS opt-out) are still committed, so the rules that read RUN commands judge them.
    for (const ins of this.ast.getInstructions()) {
      if (ins.getKeyword() === 'FROM') break;
      if (ins.getKeyword() === 'RUN') {
        freezeInstruction(ins);
        out.push({ instruction: ins, stage: null, onbuild: false, scripts: this.scriptsOf(ins as Run) });
      }
    }
    for (const stage of this.stages) {
      for (const ins of stage.instructions) {
        const kw = ins.getKeyword();
        if (kw === 'RUN') out.push({ instruction: ins, stage, onbuild: false, scripts: this.scriptsOf(ins as Run) });
        else if (kw === 'ONBUILD') {
          const trigger = (ins as Onbuild).getTriggerInstruction();
          if (trigger) freezeInstruction(trigger);
          if (trigger && trigger.getKeyword() === 'RUN') {
            out.push({ instruction: trigger, stage, onbuild: true, scripts: this.scriptsOf(trigger as Run) });
          }
        }
      }
    }
    this.runCache = out;
    return out;
  }

  /** The entry of runs() for a RUN instruction (or an ONBUILD RUN trigger); undefined for any other instruction. */
  runOf(ins: Instruction): RunInstruction | undefined {
    if (this.parsed) return this.parsed.runOf(ins);
    if (!this.runIndex) {
      this.runIndex = new Map();
      for (const run of this.runs()) this.runIndex.set(run.instruction, run);
    }
    return this.runIndex.get(ins);
  }

  private runIndex: Map<Instruction, RunInstruction> | undefined;

  /** The shell scripts of a RUN-like instruction (RUN; also usable for shell-form CMD/ENTRYPOINT). */
  scriptsOf(ins: Instruction): RunScript[] {
    // Several rules read the same CMD, ENTRYPOINT or HEALTHCHECK (DF022, DF040, DF044…): read once.
    let known = this.scriptsCache.get(ins);
    if (!known) {
      known = this.readScripts(ins);
      this.scriptsCache.set(ins, known);
    }
    return known;
  }

  private readonly scriptsCache = new Map<Instruction, RunScript[]>();

  private readScripts(ins: Instruction): RunScript[] {
    // The arguments start after the keyword and its blanks (read from the text: the library's
    // getArgumentsRange() re-splits the whole instruction).
    const insEnd = this.offsetAt(ins.getRange().end);
    let argsStart = this.offsetAt(ins.getInstructionRange().end);
    while (argsStart < insEnd && (this.text[argsStart] === ' ' || this.text[argsStart] === '\t')) argsStart++;
    if (argsStart >= insEnd) return [];
    // RUN takes `--mount=…` flags; CMD and ENTRYPOINT have none (`CMD --serve` is the command).
    const kw = ins.getKeyword();
    const firstNonFlag = kw === 'CMD' || kw === 'ENTRYPOINT' ? argsStart : this.skipFlags(argsStart, insEnd);
    if (this.text[firstNonFlag] === '[') {
      const json = this.jsonScript(ins);
      if (json) return [json];
    }
    const heredocs = typeof (ins as Run).getHeredocs === 'function' && this.text.slice(firstNonFlag, insEnd).includes('<<') ? (ins as Run).getHeredocs() : [];
    if (heredocs.length === 0) {
      const source = logicalText(this.text, firstNonFlag, insEnd, this.escapeChar);
      return [{ instruction: ins, isShell: true, source, commands: parseShell(source), json: false, heredoc: false }];
    }
    // The command line is the first line (up to the end of that physical line, with continuations).
    const firstHeredocStart = this.offsetAt(heredocs[0].getStartRange().start);
    const lineEnd = this.lines.lineEndOffset(this.lines.positionAt(firstHeredocStart).line);
    const cmdSource = logicalText(this.text, firstNonFlag, lineEnd, this.escapeChar);
    const cmdCommands = parseShell(cmdSource);
    const scripts: RunScript[] = [];
    // Markers like `<<EOF` are words of the command line; remove them to see whether a program is named.
    const named = cmdCommands.flatMap((c) => wordsWithoutRedirections(c.words));
    if (named.length > 0) {
      scripts.push({ instruction: ins, isShell: true, source: cmdSource, commands: cmdCommands.filter((c) => c.words.some((w) => !w.raw.startsWith('<<'))), json: false, heredoc: false });
    }
    const runners = heredocRunners(cmdCommands);
    heredocs.forEach((h, k) => {
      const content = h.getContentRange();
      if (!content) return;
      const s = this.offsetAt(content.start);
      const e = h.getDelimiterRange() ? this.offsetAt(content.end) : this.heredocBodyEnd(h, content);
      const offsets = offsetTable(e - s + 1);
      for (let k = 0; k <= e - s; k++) offsets[k] = s + k;
      const written: MappedText = { text: this.text.slice(s, e), offsets };
      // The program fed the body, by the command that holds its marker (review 20, probes 08-09); with
      // no marker found, the first program the line names, as before.
      const found = runners[k];
      const runner = found?.runner ?? (named.length === 0 ? '' : baseName(named[0].value));
      const bodyIsShell = runner === '' || (SHELL_NAMES.has(runner) && found?.readsProgram !== false);
      // `<<-`: the shell reads the body without its lines' leading tabs (BuildKit's dispatchRun chomps a `RUN <<-EOF` body
      // before the shell runs it; for `RUN bash <<-EOF` the shell strips them), so a here-document inside it ends at a
      // tab-indented delimiter line (review54a F2).
      const source = bodyIsShell && /^\d*<<-/.test(this.text.slice(this.offsetAt(h.getStartRange().start), s)) ? withoutLeadingTabs(written) : written;
      scripts.push({ instruction: ins, isShell: bodyIsShell, source, commands: bodyIsShell ? parseShell(source) : [], json: false, heredoc: true, runner, ...(found ? { feeder: found.feeder, pipedInto: found.pipedInto } : {}) });
    });
    return scripts;
  }

  /**
   * Where a heredoc body ends when dockerfile-ast found no terminator line. It reads a body line that
   * ends with the escape character as continued on the next line, as in an instruction, so it misses
   * the terminator after such a line and counts it in the body. BuildKit reads heredoc bodies line by
   * line, without continuations: a last line that is the terminator (its leading tabs stripped for
   * `<<-`) ends the body, which then ends with the line before it. Any other body (a heredoc that runs
   * to the end of the file) is kept as dockerfile-ast reads it.
   * https://docs.docker.com/reference/dockerfile/#here-documents
   */
  private heredocBodyEnd(h: Heredoc, content: Range): number {
    const end = this.offsetAt(content.end);
    const lastLine = content.end.line;
    if (lastLine <= content.start.line) return end;
    const chomp = this.text.startsWith('<<-', this.offsetAt(h.getStartRange().start));
    const last = this.lines.lineText(lastLine);
    if ((chomp ? last.replace(/^\t+/, '') : last) !== h.getName() || this.lines.lineEndOffset(lastLine) !== end) return end;
    return this.lines.lineEndOffset(lastLine - 1);
  }

  private skipFlags(start: number, end: number): number {
    // RUN --mount=... --network=... command: skip leading `--flag[=value]` words.
    let i = start;
    const blank = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
    for (;;) {
      while (i < end && blank(this.text[i])) i++;
      if (this.text.startsWith('--', i)) {
        while (i < end && !blank(this.text[i])) i++;
        continue;
      }
      // A continuation between flags.
      if (this.text[i] === this.escapeChar && /^[ \t]*\r?\n/.test(this.text.slice(i + 1, i + 4))) {
        i++;
        continue;
      }
      return i;
    }
  }

  private jsonScript(ins: Instruction): RunScript | null {
    const strings = typeof (ins as JSONInstruction).getJSONStrings === 'function' ? (ins as JSONInstruction).getJSONStrings() : [];
    if (strings.length === 0) return null;
    const values = strings.map((s) => this.jsonStringValue(s));
    const prog = values[0];
    // ["sh", "-c", "script"], also with the shell's options before or after -c (`["/bin/bash", "-o", "pipefail",
    // "-c", "…"]`, `["sh", "-e", "-c", "…"]`, `["bash", "--noprofile", "--norc", "-c", "…"]`, `["bash", "-xec", "…"]`):
    // the script is the first operand after the options, as sh(1) and bash(1) read them (shellProgramSource:
    // `-o NAME`, `+o NAME`, `-O NAME` and `--rcfile FILE` take the next string; review 42a, item 2).
    const program = SHELLS.has(baseName(prog)) ? shellProgramSource(values.slice(1)) : null;
    if (program?.from === 'string' && program.index !== undefined) {
      const at = program.index + 1;
      // The script string is shell, each of its characters mapped to where it is written (an escape
      // such as \" or \u0026 is one character written as several).
      const r = strings[at].getRange();
      const s = this.offsetAt(r.start);
      const e = this.offsetAt(r.end);
      const mapped: MappedText = decodeJsonString(this.text.slice(s, e), s) ?? { text: values[at], offsets: clampOffsets(values[at].length, s + 1, e - 1) };
      return { instruction: ins, isShell: true, source: mapped, commands: parseShell(mapped), json: true, heredoc: false, jsonShell: values.slice(0, at) };
    }
    // Exec form: one command whose words are the JSON strings.
    const words = strings.map((s, k) => {
      const r = s.getRange();
      return { value: values[k], raw: values[k], start: this.offsetAt(r.start), end: this.offsetAt(r.end) };
    });
    const text = values.join(' ');
    const source: MappedText = { text, offsets: clampOffsets(text.length, words[0].start, words[words.length - 1].end) };
    return {
      instruction: ins,
      isShell: false,
      source,
      commands: [{ words, programIndex: 0, next: null, prev: null, start: words[0].start, end: words[words.length - 1].end, [INVOCATION_SLOT]: undefined }],
      json: true,
      heredoc: false,
    };
  }

  /**
   * The value of a JSON string as written in the document. (dockerfile-ast's getJSONValue drops the
   * blanks inside the string: `["sh", "-c", "a && b"]` would read as `a&&b`.)
   */
  jsonStringValue(s: ReturnType<JSONInstruction['getJSONStrings']>[number]): string {
    const r = s.getRange();
    const raw = this.text.slice(this.offsetAt(r.start), this.offsetAt(r.end));
    try {
      const v: unknown = JSON.parse(raw);
      if (typeof v === 'string') return v;
    } catch {
      // A string broken by a line continuation: fall back to the library's reading.
    }
    return s.getJSONValue();
  }

  private buildStages(): Stage[] {
    const stages: Stage[] = [];
    let current: Stage | null = null;
    for (const ins of this.ast.getInstructions()) {
      freezeInstruction(ins);
      const keyword = ins.getKeyword();
      this.keywords.add(keyword);
      if (keyword === 'FROM') {
        const from = ins as From;
        const name = from.getBuildStage();
        current = { index: stages.length, from, name: name ? name.toLowerCase() : null, instructions: [], isFinal: false, base: { kind: 'unknown' } };
        current.base = this.resolveBase(from, stages);
        stages.push(current);
      } else if (current) {
        current.instructions.push(ins);
      }
    }
    if (stages.length > 0) stages[stages.length - 1].isFinal = true;
    return stages;
  }

  private resolveBase(from: From, earlier: Stage[]): BaseImage {
    const raw = from.getImage();
    if (!raw) return { kind: 'unknown' };
    const viaArg = raw.includes('$');
    const resolved = viaArg ? this.resolveGlobal(raw) : raw;
    if (resolved === null || resolved === '') return { kind: 'unknown' };
    const lower = resolved.toLowerCase();
    if (lower === 'scratch') return { kind: 'scratch' };
    const stage = earlier.find((s) => s.name === lower);
    if (stage) return { kind: 'stage', stage };
    const ref = parseImageRef(resolved);
    if (!ref) return { kind: 'unknown' };
    return { kind: 'image', ref, viaArg };
  }
}

/**
 * A JSON string literal (with its quotes) as the text it stands for, each character with the document
 * offset where it is written: an escape (`\"`, `\\`, `\u0026`) maps to its backslash, so an edit at a
 * mapped offset falls between whole escapes. Null when the literal is not valid JSON (a string broken
 * by a line continuation).
 */
export function decodeJsonString(raw: string, start: number): MappedText | null {
  if (raw.length < 2 || raw[0] !== '"' || raw[raw.length - 1] !== '"') return null;
  let decoded: unknown;
  try {
    decoded = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof decoded !== 'string') return null;
  const offsets = offsetTable(decoded.length + 1);
  let k = 0;
  for (let i = 1; i < raw.length - 1; k++) {
    offsets[k] = start + i;
    i += raw[i] !== '\\' ? 1 : raw[i + 1] === 'u' ? 6 : 2;
  }
  offsets[k] = start + raw.length - 1;
  return k === decoded.length ? { text: decoded, offsets } : null;
}

function clampOffsets(length: number, start: number, end: number): Int32Array {
  const offsets = offsetTable(length + 1);
  for (let k = 0; k <= length; k++) offsets[k] = Math.min(start + k, end);
  return offsets;
}

/** The stage an instruction belongs to. */
export function stageOf(ctx: DockerfileContext, line: number): Stage | undefined {
  let found: Stage | undefined;
  for (const s of ctx.stages) {
    if (s.from.getRange().start.line <= line) found = s;
    else break;
  }
  return found;
}
