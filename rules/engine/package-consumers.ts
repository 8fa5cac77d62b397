/**
 * Who may read the package index a RUN leaves in its layer (the apt lists, apk's index in
 * /var/cache/apk): the later RUNs of its stage, every RUN of the stages built on it (ONBUILD triggers
 * included), the commands a container of those stages starts (CMD, ENTRYPOINT, HEALTHCHECK), and the
 * Dockerfiles that compose builds on its image (builtOnElsewhere). A fix that removes the index is safe
 * only when none of them may need it (DF030, DF034).
 */
import type { Healthcheck, Instruction } from 'dockerfile-ast';
import type { DockerfileContext, RunInstruction, Stage } from './dockerfile';
import { baseName, identityOffsets, logicalText, parseShell, type SimpleCommand, type Word } from './shell';
import { stringScriptsOf, substitutionScriptsOf, substitutionSpans } from './script-strings';
import { invocation, shellProgramSource } from './run-commands';
import { stagesItCouldName } from './stage-scope';
import { imageUses } from './image-uses';
import { runOrder } from './function-calls';
import { mayRun, packageCommandAt, packageCommandsOf, packageCommandsOfInStrings, recognize, toolRange, type PackageCommand } from './packages';
import type { Range } from './types';

/**
 * Programs known not to run a package manager, nor a script the Dockerfile does not show: shell
 * builtins, file and text tools, archivers, downloaders, user and system setup, compilers, and the
 * package managers and build tools of other ecosystems (whatever their subcommand). Anything else — a
 * script (`./build.sh`, `/tmp/install-nginx`, `install-extras.sh` from the PATH), `make`, an
 * interpreter given a script, an unknown program — may run `apt-get install` or `apk add`. apt and apk
 * are listed: a rule reads its own package manager's commands before it asks this.
 */
const INSTALL_FREE = new Set([
  // shell builtins
  ':', 'true', 'false', 'echo', 'printf', 'cd', 'pwd', 'pushd', 'popd', 'set', 'export', 'unset', 'test', '[', '[[', 'exit', 'return', 'shift', 'read', 'wait', 'umask', 'ulimit', 'local', 'declare', 'typeset', 'readonly', 'trap', 'type', 'hash', 'alias', 'unalias', 'shopt', 'break', 'continue',
  // files and text
  'mkdir', 'rmdir', 'rm', 'cp', 'mv', 'ln', 'chmod', 'chown', 'chgrp', 'touch', 'cat', 'tee', 'head', 'tail', 'sort', 'uniq', 'cut', 'tr', 'wc', 'ls', 'stat', 'du', 'df', 'basename', 'dirname', 'readlink', 'realpath', 'install', 'mktemp', 'dd', 'mkfifo', 'mknod', 'sleep', 'date', 'id', 'whoami', 'uname', 'sync', 'yes', 'seq', 'nproc', 'getent', 'which', 'file', 'sed', 'awk', 'gawk', 'mawk', 'grep', 'egrep', 'fgrep', 'find', 'diff', 'cmp', 'patch', 'envsubst', 'jq', 'yq',
  'md5sum', 'sha1sum', 'sha256sum', 'sha512sum', 'base64', 'tar', 'gzip', 'gunzip', 'zcat', 'bzip2', 'bunzip2', 'xz', 'unxz', 'zstd', 'unzip', 'zip', '7z',
  // downloads, keys, certificates
  'curl', 'wget', 'git', 'gpg', 'gpgv', 'gpgconf', 'openssl', 'ssh-keygen', 'ssh-keyscan', 'update-ca-certificates',
  // users, locales, fonts, libraries, services, alternatives; dpkg and the apt tools that do not install
  'useradd', 'userdel', 'usermod', 'groupadd', 'groupdel', 'groupmod', 'adduser', 'addgroup', 'deluser', 'delgroup', 'passwd', 'chpasswd', 'chsh', 'setcap', 'ldconfig', 'ldd', 'locale-gen', 'localedef', 'update-locale', 'update-alternatives', 'fc-cache', 'service', 'update-rc.d', 'a2enmod', 'a2dismod', 'a2ensite', 'a2dissite', 'a2enconf', 'a2disconf',
  'dpkg', 'dpkg-query', 'dpkg-divert', 'dpkg-reconfigure', 'debconf-set-selections', 'apt-key', 'apt-mark', 'apt-config', 'add-apt-repository',
  // compilers and build systems with declarative inputs
  'gcc', 'g++', 'cc', 'c++', 'clang', 'clang++', 'ld', 'strip', 'cmake', 'ninja', 'meson', 'autoreconf', 'rustc', 'javac',
  // package managers and build tools of other ecosystems
  'apk', 'yum', 'dnf', 'microdnf', 'tdnf', 'zypper', 'rpm', 'npm', 'npx', 'yarn', 'pnpm', 'corepack', 'bun', 'go', 'cargo', 'rustup', 'pip', 'pip3', 'pipx', 'poetry', 'uv', 'pipenv', 'conda', 'mamba', 'micromamba', 'bundle', 'bundler', 'gem', 'rails', 'composer', 'pecl', 'docker-php-ext-install', 'docker-php-ext-configure', 'docker-php-ext-enable', 'docker-php-source', 'mvn', 'mvnw', 'gradle', 'gradlew', 'dotnet',
]);

/** Directories of system programs: `/usr/bin/curl` is `curl`, while `./curl` or `/tmp/curl` is a script of the build. */
const SYSTEM_BIN = /^\/(?:usr\/(?:local\/)?)?s?bin\/[^/]+$/;
/** Shells a command may start (`sh -c '…'`, `bash FILE`). */
export const SHELL_PROGRAMS: ReadonlySet<string> = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh']);
const PYTHON = /^(?:python|pypy)(?:\d+(?:\.\d+)*)?$/;

/** The script of `sh -c '…'` / `bash -ec "…"`, or undefined. */
export function shellString(name: string, args: readonly string[]): string | undefined {
  if (!SHELL_PROGRAMS.has(name)) return undefined;
  const c = args.findIndex((a) => /^-[a-z]*c[a-z]*$/.test(a));
  return c === -1 ? undefined : args[c + 1];
}

/**
 * Whether a command of a RUN that is neither a package command nor `sh -c` may install packages: a
 * program the Dockerfile does not show (a script, `make`, an interpreter given a file, an unknown
 * program). `run` is the RUN it belongs to (a shell fed a heredoc of the RUN runs that heredoc, which
 * is read on its own).
 */
export function mayRunPackageManager(run: RunInstruction, cmd: SimpleCommand): boolean {
  if (cmd.programIndex < 0) return false;
  const first = cmd.words[0].value;
  // `for x in …` (the parser reads the loop variable as the program); a redirection alone (`done < f`).
  if (first === 'for' || first === 'select' || /^\d*[<>]/.test(cmd.words[cmd.programIndex].raw)) return false;
  const inv = invocation(cmd);
  if (!inv) return false;
  const written = cmd.words[inv.index].value;
  if (/[$`]/.test(written)) return true;
  const name = inv.name;
  const args = inv.args.map((w) => w.value);
  if (written.includes('/') && !SYSTEM_BIN.test(written) && name !== 'gradlew' && name !== 'mvnw') return true;
  // `find … -exec prog … ;` (and `-execdir`, `-ok`, `-okdir`) runs prog for each file it finds (POSIX find): judged by
  // the programs it runs, not as a file tool (`find /tmp/debs -name '*.deb' -exec apt-get install -y {} +`; review 55c, F6).
  if (name === 'find' && findExecsMayRun(args)) return true;
  if (INSTALL_FREE.has(name)) return false;
  // `. /etc/os-release`: data, not a script.
  if ((name === '.' || name === 'source') && args[0] === '/etc/os-release') return false;
  // `php -m`, `php -v`: listing, not a script.
  if (name === 'php') return !(args.length > 0 && args.every((a) => ['-m', '-v', '-i', '--version', '--ini'].includes(a)));
  if (PYTHON.test(name)) {
    const m = args.indexOf('-m');
    return !(m !== -1 && ['pip', 'venv', 'ensurepip', 'compileall'].includes(args[m + 1]));
  }
  // `bash <<EOF` reads the heredoc, which is judged as a script of its own; `curl … | sh` or `sh x.sh` is not seen.
  if (SHELL_PROGRAMS.has(name)) return !(args.every((a) => a.startsWith('<<') || /^-[a-z]+$/.test(a)) && readsItsHereDoc(run, cmd));
  return true;
}

/**
 * Whether the here-document a shell command reads as its script is read on its own: a body of the RUN's own
 * (`RUN bash <<EOF`, a script of the RUN), or one inside a script (`bash <<'EOS'` in a `RUN <<EOF` script) that
 * stringScriptsOf reads, whose commands the caller reads after the shell's (withShellScripts). Another one inside a
 * script (an unquoted delimiter and a `\` in the body) is not seen: that shell may install (review 56a, F1).
 */
function readsItsHereDoc(run: RunInstruction, cmd: SimpleCommand): boolean {
  if (run.scripts.some((s) => !s.heredoc && s.commands.includes(cmd))) return run.scripts.some((s) => s.heredoc && s.isShell);
  return stringScriptsOf(run).some((s) => s.host !== undefined && s.host.script.commands[s.host.index] === cmd);
}

/**
 * `commands` (of `run`'s scripts, in order) with, right after each command that starts a shell, the commands of the
 * script that shell reads from a string or a here-document (stringScriptsOf: `sh -c '…'`, `bash <<'EOS'` and `cat
 * <<'EOS' | sh` in a `RUN <<EOF` script), where that shell runs them: what a later step runs there counts as its own
 * (review 56a, F1). A script string is also read by indexVerdict through its host; reading it twice changes nothing.
 */
export function withShellScripts(run: RunInstruction, commands: readonly SimpleCommand[]): readonly SimpleCommand[] {
  const strings = stringScriptsOf(run);
  if (strings.length === 0) return commands;
  const byHost = new Map<SimpleCommand, SimpleCommand[]>();
  for (const s of strings) {
    if (!s.host) continue;
    const host = s.host.script.commands[s.host.index];
    const list = byHost.get(host);
    if (list) list.push(...s.commands);
    else byHost.set(host, [...s.commands]);
  }
  const out: SimpleCommand[] = [];
  for (const cmd of commands) out.push(cmd, ...(byHost.get(cmd) ?? []));
  return out;
}

/** `find`'s actions that run a program (POSIX find: `-exec`, `-ok`; GNU and BSD find: `-execdir`, `-okdir`). */
const FIND_EXEC = new Set(['-exec', '-execdir', '-ok', '-okdir']);

/**
 * Whether a program a `find` action runs may install packages: apt or apk themselves (the rules read only the commands
 * a shell runs, not those `find` runs), a shell (`-exec sh -c '…' {} \\;`, whose script is not read here), or any
 * program that is not a plain name of one known to install nothing (INSTALL_FREE).
 */
function findExecsMayRun(args: readonly string[]): boolean {
  for (let k = 0; k < args.length; k++) {
    if (!FIND_EXEC.has(args[k])) continue;
    const program = args[k + 1] ?? '';
    if (/[$`]/.test(program) || (program.includes('/') && !SYSTEM_BIN.test(program))) return true;
    const name = baseName(program);
    if (name === 'apt-get' || name === 'apt' || name === 'apk' || SHELL_PROGRAMS.has(name) || !INSTALL_FREE.has(name)) return true;
  }
  return false;
}

/**
 * Whether a command a container starts runs a script whose content the Dockerfile does not show, which
 * may install packages as it starts (an entrypoint that adds `$EXTRA_PACKAGES`): a shell given a file
 * (`sh /start.sh`), `.`/`source` of a file, a program given by a path outside the system directories
 * (`/docker-entrypoint.sh`, `./run`), a program named by a variable, or a shell script (`*.sh`, `*.bash`)
 * named anywhere in the command (`docker-entrypoint.sh` from the PATH, `tini -- /entrypoint.sh`). The
 * application itself (`python3 -m app`, `node server.js`, `nginx -g …`) is not counted: unlike a build
 * step, it does not install system packages.
 */
export function startsUnseenScript(cmd: SimpleCommand): boolean {
  if (cmd.programIndex < 0) return false;
  if (cmd.words.slice(cmd.programIndex).some((w) => /\.(?:sh|bash)$/.test(w.value))) return true;
  const inv = invocation(cmd);
  if (!inv) return false;
  const written = cmd.words[inv.index].value;
  // `exec "$@"` runs the CMD, which is judged on its own.
  if (written === '$@' || written === '$*') return false;
  if (/[$`]/.test(written)) return true;
  if (written.includes('/') && !SYSTEM_BIN.test(written)) return true;
  const args = inv.args.map((w) => w.value);
  // An init or a step-down tool runs the command after it (`tini -- /opt/app/start`, `gosu app /run`).
  const skip = INITS.has(inv.name) ? args.findIndex((a) => !a.startsWith('-')) : STEP_DOWN.has(inv.name) ? 1 : -1;
  if (skip >= 0 && skip < args.length) return startsUnseenScript({ ...cmd, programIndex: cmd.words.indexOf(inv.args[skip]) });
  if ((inv.name === '.' || inv.name === 'source') && args.length > 0) return true;
  return SHELL_PROGRAMS.has(inv.name) && shellProgramSource(args).from === 'file';
}

/** Inits that run the command after their options (`tini -s -- cmd`, `dumb-init cmd`). */
const INITS = new Set(['tini', 'tini-static', 'dumb-init', 'catatonit']);
/** Tools that run a command as a user: `gosu USER cmd`, `su-exec USER cmd`. */
const STEP_DOWN = new Set(['gosu', 'su-exec']);

/** How one command stands to the index: 'updates' fetches a fresh one (what follows reads that), 'needs' reads the one left, 'skip' neither, null when it is not the package manager's. */
export type IndexUse = 'updates' | 'needs' | 'skip' | null;

/**
 * Reads commands in order: 'updates' when one fetches a fresh index before anything needs the one
 * left, 'needs' when one that reads it (judged by `use`, else a program `unknown` says may install)
 * comes first, undefined when neither. The script of `sh -c '…'` is read too, and the commands of a command's
 * substitutions before it (`out=$(apt-get install -y git)`).
 */
export function indexVerdict(commands: readonly SimpleCommand[], use: (cmd: SimpleCommand) => IndexUse, unknown: (cmd: SimpleCommand) => boolean, depth = 0, substitutions = true): 'updates' | 'needs' | undefined {
  for (const cmd of commands) {
    // The commands of its command substitutions run first, when the shell expands its words (POSIX 2.6.3): `out=$(apt-get
    // install -y git)` installs from the index as the command itself would (review 56a, F1). substitutedCommands lists the
    // nested ones too.
    if (substitutions) {
      const inner = substitutedCommands(cmd);
      if (inner.length > 0) {
        const verdict = indexVerdict(inner, use, unknown, depth, false);
        if (verdict) return verdict;
      }
    }
    const u = use(cmd);
    if (u === 'updates' || u === 'needs') return u;
    if (u === 'skip') continue;
    const inv = invocation(cmd);
    const inner = inv ? shellString(inv.name, inv.args.map((w) => w.value)) : undefined;
    if (inner !== undefined && depth < 3) {
      const offsets = Array.from({ length: inner.length + 1 }, (_, k) => k);
      const verdict = indexVerdict(parseShell({ text: inner, offsets }), use, unknown, depth + 1);
      if (verdict) return verdict;
      continue;
    }
    if (unknown(cmd)) return 'needs';
  }
  return undefined;
}

/** The stages that build on `stage` (`FROM stage`, directly or through other stages), `stage` excluded; a `FROM` whose name comes from an unresolved ARG counts when it could name one of them. */
export function stagesBuildingOn(ctx: DockerfileContext, stage: Stage): Stage[] {
  const found = [stage];
  for (const s of ctx.stages) {
    if (s.index <= stage.index) continue;
    if (s.base.kind === 'stage' && found.includes(s.base.stage)) found.push(s);
    // `FROM base-$TARGETOS` may name a stage; `FROM ${IMAGE}` (nothing but a variable) names an image.
    else if (s.base.kind === 'unknown' && stagesItCouldName(ctx, s).some((c) => found.includes(c))) found.push(s);
  }
  return found.slice(1);
}

/**
 * Whether another Dockerfile may be built on the image that holds `stage`, as the compose files around
 * it tell (image-uses.ts: `FROM acme/base:local` where a service builds `image: acme/base:local`, or
 * `additional_contexts: { base: "service:base" }`), or whether that cannot be known: that Dockerfile's
 * steps start from this image's filesystem, index included, and are not read here (review 40b).
 */
export function builtOnElsewhere(ctx: DockerfileContext, stage: Stage | null): boolean {
  if (!stage) return false;
  const uses = imageUses(ctx, stage);
  return uses.builtOn.length > 0 || uses.unknown;
}

/** The RUNs that start from the filesystem `run` leaves: the later RUNs of its stage and every RUN (ONBUILD triggers included) of the stages built on it. */
export function runsAfter(ctx: DockerfileContext, run: RunInstruction): RunInstruction[] {
  const stage = run.stage;
  if (!stage) return [];
  const after = ctx.offsetAt(run.instruction.getRange().end);
  const derived = new Set(stagesBuildingOn(ctx, stage));
  return ctx.runs().filter((r) => r !== run && r.stage !== null && ((r.stage === stage && ctx.offsetAt(r.instruction.getRange().start) >= after) || derived.has(r.stage)));
}

/**
 * The commands a container of `stage` or of a stage built on it starts: every CMD, ENTRYPOINT and
 * HEALTHCHECK CMD of those stages (shell form, exec form, the script of `["sh", "-c", "…"]`), each as
 * its list of commands. They run after the whole build, wherever they stand in the stage.
 */
export function startCommands(ctx: DockerfileContext, stage: Stage): SimpleCommand[][] {
  const out: SimpleCommand[][] = [];
  for (const s of [stage, ...stagesBuildingOn(ctx, stage)]) {
    for (const ins of s.instructions) {
      const kw = ins.getKeyword();
      if (kw === 'CMD' || kw === 'ENTRYPOINT') {
        for (const script of ctx.scriptsOf(ins)) if (script.commands.length > 0) out.push(script.commands);
      } else if (kw === 'HEALTHCHECK') {
        const commands = healthcheckCommands(ctx, ins);
        if (commands.length > 0) out.push(commands);
      }
    }
  }
  return out;
}

/** The commands of `HEALTHCHECK [options] CMD …` (none for `HEALTHCHECK NONE`). */
function healthcheckCommands(ctx: DockerfileContext, ins: Instruction): SimpleCommand[] {
  const sub = (ins as Healthcheck).getSubcommand?.();
  if (!sub || sub.getValue().toUpperCase() !== 'CMD') return [];
  const start = ctx.offsetAt(sub.getRange().end);
  const end = ctx.offsetAt(ins.getRange().end);
  const text = ctx.text.slice(start, end).trim();
  if (text.startsWith('[')) {
    let values: unknown;
    try {
      values = JSON.parse(text);
    } catch {
      values = undefined;
    }
    if (Array.isArray(values) && values.length > 0 && values.every((v) => typeof v === 'string')) {
      const strings = values as string[];
      const inner = shellString(strings[0].replace(/^.*\//, ''), strings.slice(1));
      if (inner !== undefined) return parseShell({ text: inner, offsets: Array.from({ length: inner.length + 1 }, () => start) });
      const words: Word[] = strings.map((v) => ({ value: v, raw: v, start, end }));
      return [{ words, programIndex: 0, next: null, prev: null, start, end }];
    }
  }
  return parseShell(logicalText(ctx.text, start, end, ctx.escapeChar));
}

/**
 * A package command a RUN may run, as its shell runs it (runPackageCommands): `at` is where it is written in the
 * document, its tool word's offset (`placed`), or, for a command of an `eval`'s text whose characters have no place
 * there, the start of that `eval`; `range` is what a finding about it points at (toolRange, or the whole `eval`).
 */
export interface RunPackageCommand {
  pc: PackageCommand;
  placed: boolean;
  at: number;
  range: Range;
  /** Counted only because a call or `eval` whose commands are not known may run it (no known call runs it). */
  unknown?: true;
}

/** runPackageCommands' reading of a file, once per analysis (a fact of its context): `top` and `strings` as it returns them, `evals` for runPackageCommandAt, and the per-RUN lists runPackageCommandsOf makes when first asked. */
interface RunCommands {
  top: RunPackageCommand[];
  strings: RunPackageCommand[];
  evals: Map<number, PackageCommand>;
  byRun?: Map<RunInstruction, RunPackageCommand[]>;
  byRunStrings?: Map<RunInstruction, RunPackageCommand[]>;
}

const RUN_COMMANDS = Symbol('runPackageCommands');

/** The file's RunCommands: kept on the analysis' context (ctx.fact), not in a module WeakMap keyed by every context. */
function runCommandsOf(ctx: DockerfileContext): RunCommands {
  return ctx.fact(RUN_COMMANDS, readRunCommands);
}

/**
 * The package commands the RUNs of a file may run, in document order, read as DF030 and DF033–DF036 read a RUN
 * (runOrder) so that the package rules agree on what a RUN installs: in a RUN that defines a function or runs `eval`,
 * a command of a function's body counts when the function is called (once, however many times it is: one edit of the
 * body serves every call), not when it is only defined ("executed whenever fname is specified as the name of a simple
 * command", bash's Shell Functions), and the commands of an `eval`'s readable text count where the `eval` runs them
 * (POSIX eval), also through `builtin eval` and `command eval`. When what runs is not known there (an `eval` of text
 * with an expansion, a command named by an expansion, a recursive call, a body that does not pair up), any body may
 * run: each command written counts. `strings`: with those of the script strings of shells the RUN starts (`sh -c
 * '…'`, packageCommandsOfInStrings), which count when the shell's command does.
 */
export function runPackageCommands(ctx: DockerfileContext, strings: boolean): RunPackageCommand[] {
  const memo = runCommandsOf(ctx);
  return strings ? memo.strings : memo.top;
}

function readRunCommands(ctx: DockerfileContext): RunCommands {
  const memo: RunCommands = { top: [], strings: [], evals: new Map() };
  for (const run of ctx.runs()) {
    const order = runOrder(run);
    const placed = (pc: PackageCommand): RunPackageCommand => ({ pc, placed: true, at: pc.toolWord.start, range: toolRange(ctx, pc) });
    const byOffset = (a: RunPackageCommand, b: RunPackageCommand) => a.at - b.at;
    // Those of its command substitutions (substitutionPackageCommands) count as its own, where they are written.
    const subs = substitutionPackageCommands(run);
    for (const pc of subs) memo.evals.set(pc.toolWord.start, pc);
    // What follows an unconditional `exit`/`exec` never runs (mayRun), as DF030, DF033, DF034 and DF036 read it.
    if (!order.special) {
      const own = (list: PackageCommand[]) => (subs.length === 0 ? list : [...list, ...subs].sort((a, b) => a.toolWord.start - b.toolWord.start));
      for (const pc of own(packageCommandsOf(ctx, run))) if (mayRun(run, pc.command)) memo.top.push(placed(pc));
      for (const pc of own(packageCommandsOfInStrings(ctx, run))) if (mayRun(run, pc.command)) memo.strings.push(placed(pc));
      continue;
    }
    // What a shell the RUN starts runs (Step.shell) calls none of the RUN's functions; its commands count by their host (`runs`).
    const anyBody = order.steps.some((s) => s.kind === 'unknown' && !s.shell && mayRun(run, s.reach));
    const ran = new Set(order.steps.filter((s) => s.kind === 'command' && mayRun(run, s.reach)).map((s) => s.cmd));
    // A command of a script string counts when the command that starts its shell does.
    const known = (pc: PackageCommand) => {
      let script = pc.script;
      let cmd = pc.command;
      while (script.host) {
        cmd = script.host.script.commands[script.host.index];
        script = script.host.script;
      }
      return ran.has(cmd);
    };
    const runs = (pc: PackageCommand) => (anyBody && mayRun(run, pc.command)) || known(pc);
    const placedRun = (pc: PackageCommand): RunPackageCommand => (known(pc) ? placed(pc) : { ...placed(pc), unknown: true });
    const fromEvals: RunPackageCommand[] = [];
    const seen = new Set<SimpleCommand>();
    for (const step of order.steps) {
      // A command of a function's body the `eval` (or EXIT trap) calls is written in the script: it counts there (`ran`).
      if (step.kind !== 'command' || step.shell || !step.evalScript?.host || !step.evalOf || seen.has(step.cmd) || !mayRun(run, step.reach)) continue;
      seen.add(step.cmd);
      const pc = recognize(run, step.evalScript, step.evalScript.commands.indexOf(step.cmd));
      if (!pc) continue;
      if (step.evalScript.inString) {
        fromEvals.push(placed(pc));
        memo.evals.set(pc.toolWord.start, pc);
      } else fromEvals.push({ pc, placed: false, at: step.evalOf.start, range: ctx.rangeOfOffsets(step.evalOf.start, step.evalOf.end) });
    }
    const fromSubs = subs.filter(runs).map(placedRun);
    memo.top.push(...[...packageCommandsOf(ctx, run).filter(runs).map(placedRun), ...fromEvals, ...fromSubs].sort(byOffset));
    memo.strings.push(...[...packageCommandsOfInStrings(ctx, run).filter(runs).map(placedRun), ...fromEvals, ...fromSubs].sort(byOffset));
  }
  return memo;
}

const substitutionsMemo = new WeakMap<RunInstruction, PackageCommand[]>();

/**
 * The package commands in the command substitutions of a RUN's shell scripts (substitutionScriptsOf: `x=$(apt-get
 * install -y curl)`, `echo "$(apk add curl)"`, backquotes), in document order: the subshell that runs one installs in
 * the layer as the RUN's own command does (POSIX 2.6.3). Their words are the document's (a fix edits them in place).
 */
export function substitutionPackageCommands(run: RunInstruction): PackageCommand[] {
  let found = substitutionsMemo.get(run);
  if (found) return found;
  found = [];
  for (const script of substitutionScriptsOf(run)) {
    for (let k = 0; k < script.commands.length; k++) {
      const pc = recognize(run, script, k);
      if (pc) found.push(pc);
    }
  }
  substitutionsMemo.set(run, found);
  return found;
}

/** The package commands one RUN may run, as its shell runs it (runPackageCommands, with script strings when `strings`), in document order. */
export function runPackageCommandsOf(ctx: DockerfileContext, run: RunInstruction, strings = false): RunPackageCommand[] {
  const memo = runCommandsOf(ctx);
  const all = strings ? memo.strings : memo.top;
  let byRun = strings ? memo.byRunStrings : memo.byRun;
  if (!byRun) {
    byRun = new Map();
    for (const r of all) {
      const list = byRun.get(r.pc.run);
      if (list) list.push(r);
      else byRun.set(r.pc.run, [r]);
    }
    if (strings) memo.byRunStrings = byRun;
    else memo.byRun = byRun;
  }
  return byRun.get(run) ?? [];
}

/** The package command whose tool word starts at a document offset (packageCommandAt), one in an `eval`'s text written in the document included: a fix finds its command again from plain data. */
export function runPackageCommandAt(ctx: DockerfileContext, toolOffset: number): PackageCommand | undefined {
  return packageCommandAt(ctx, toolOffset) ?? runCommandsOf(ctx).evals.get(toolOffset);
}

/**
 * The commands that the command substitutions in a command's words run — `x=$(apt-get install -y curl)`, `echo "$(…)"`,
 * backquotes — nested ones included, up to a few levels (POSIX 2.6.3 Command Substitution: "The shell shall expand the
 * command substitution by executing command in a subshell environment"): they run when the command is expanded, before it runs. Not inside
 * single quotes, nor `$((…))` (arithmetic), nor a substitution left open. Their offsets are their text's own.
 */
export function substitutedCommands(cmd: SimpleCommand, depth = 0): SimpleCommand[] {
  const out: SimpleCommand[] = [];
  if (depth > 3) return out;
  for (const w of cmd.words) {
    for (const { from, to } of substitutionSpans(w.raw)) {
      const inner = w.raw.slice(from, to);
      for (const d of parseShell({ text: inner, offsets: identityOffsets(inner.length + 1) })) out.push(d, ...substitutedCommands(d, depth + 1));
    }
  }
  return out;
}
