import * as path from 'node:path';
import type { Env, Instruction } from 'dockerfile-ast';
import { defineRule } from '../engine/rule';
import type { DockerfileContext, Stage } from '../engine/dockerfile';
import { officialImageName } from '../engine/image';
import { buildsWindows, everyVariantGives, rootBase, shellsOf, stageChain } from '../engine/stage-scope';
import type { Detection, Range } from '../engine/types';
import { outputRedirectTarget, SHELL_BUILTINS, type SimpleCommand } from '../engine/shell';
import { scriptCloses } from '../engine/shell-check';
import { shellUtility } from '../engine/script-structure';

interface Data {
  instruction: 'CMD' | 'ENTRYPOINT';
  /** The arguments start with `[` but are not a JSON array of strings, so Docker runs them through a shell. */
  brokenJson: boolean;
  /** The exec-form arguments when the command uses no shell feature, else null (no fix). */
  argv: string[] | null;
  /** The arguments as written (what the fix replaces). */
  argsRange: Range;
  /** Why the conversion may change what runs (the fix is then not safe), or null. */
  risk: Risk | null;
  /**
   * The shell the shell form runs under: the default of the stage's platform, `/bin/sh -c`, or `cmd /S /C`
   * on a Windows base (the Dockerfile reference, SHELL). A SHELL instruction in effect is not flagged at all.
   */
  shell: string[];
  /** The exec-form ENTRYPOINT is an init that signals the whole process group (groupSignallingInit): the program gets SIGTERM all the same. */
  init?: string;
}

/** The names the ENV instructions of the final stage and the stages it builds on set (an init's switches). */
function envNames(final: Stage): Set<string> {
  const names = new Set<string>();
  for (const stage of stageChain(final)) {
    for (const ins of stage.instructions) {
      if (ins.getKeyword() !== 'ENV') continue;
      for (const p of (ins as Env).getProperties()) names.add(p.getName());
    }
  }
  return names;
}

/**
 * What the exec form may change besides the signals:
 * - `feeds-entrypoint`: a CMD that an ENTRYPOINT of this Dockerfile receives gets the arguments instead of `/bin/sh -c "…"`;
 * - `base-entrypoint`: the same for the ENTRYPOINT of a base image this rule does not know (the official
 *   redis and postgres entrypoints step down to their own user only when the first argument is the server);
 * - `entrypoint-arguments`: a shell-form ENTRYPOINT ignores CMD and `docker run` arguments, the exec form gets them;
 * - `script`: the program may be a script of the build without a `#!` line, which the shell runs but the
 *   kernel cannot exec ("exec format error").
 */
type Risk = 'feeds-entrypoint' | 'base-entrypoint' | 'entrypoint-arguments' | 'script';

/**
 * Official images that set no ENTRYPOINT, or one that runs a command given to it unchanged (node's
 * docker-entrypoint.sh and php's docker-php-entrypoint only put `node`/`php` in front of an option or
 * of something that is not a command, then `exec "$@"`): a CMD reaches them the same in either form.
 * https://github.com/nodejs/docker-node/blob/main/docker-entrypoint.sh,
 * https://github.com/docker-library/php/blob/master/docker-php-entrypoint
 */
const PASS_THROUGH_OFFICIAL = new Set(['alpine', 'debian', 'ubuntu', 'busybox', 'fedora', 'rockylinux', 'almalinux', 'python', 'golang', 'rust', 'ruby', 'amazoncorretto', 'node', 'php']);

/** Whether the images the final stage builds on (through its stages) run a CMD as given. */
function baseRunsCmdAsGiven(final: Stage): boolean {
  const base = rootBase(final);
  if (base.kind === 'scratch') return true;
  if (base.kind !== 'image') return false;
  const ref = base.ref;
  if (ref.registry === 'mcr.microsoft.com') return /^dotnet\/(?:runtime|runtime-deps|aspnet|sdk)$/.test(ref.repository);
  const official = officialImageName(ref);
  return official !== null && PASS_THROUGH_OFFICIAL.has(official);
}

/**
 * Whether a program may be a script this build provides, without a `#!` line for all the rule knows:
 * named by a path (`./start.sh`, `/entrypoint.sh`), ending in `.sh`, with the name of a file the
 * Dockerfile copies (`COPY start /usr/local/bin/`, `COPY run.sh /usr/local/bin/start`), or of a file a
 * RUN names by path (`printf … > /usr/local/bin/start`).
 */
function mayBeScript(ctx: DockerfileContext, program: string): boolean {
  if (program.includes('/') || program.endsWith('.sh')) return true;
  for (const stage of ctx.stages) {
    for (const ins of stage.instructions) {
      const kw = ins.getKeyword();
      if (kw !== 'COPY' && kw !== 'ADD') continue;
      for (const a of ins.getArguments()) {
        const v = a.getValue();
        if (!v.startsWith('--') && path.posix.basename(v.replace(/\/+$/, '')) === program) return true;
      }
    }
  }
  // A file a RUN writes or handles by path (`printf '…' > /usr/local/bin/hello && chmod +x /usr/local/bin/hello`:
  // review 6, probe df-02): it may be a script the build writes, without a `#!` line.
  for (const run of ctx.runs()) {
    for (const script of run.scripts) {
      for (const cmd of script.commands) {
        for (let k = 0; k < cmd.words.length; k++) {
          // A redirection's target, also by a relative name (`cd /usr/local/bin && printf … > hello`: review 7, probe 01).
          const redirected = outputRedirectTarget(cmd.words, k);
          const target = redirected ?? cmd.words[k].value;
          if ((redirected !== null || target.includes('/')) && path.posix.basename(target.replace(/\/+$/, '')) === program) return true;
        }
      }
    }
  }
  return false;
}


function argumentsText(ctx: DockerfileContext, ins: Instruction): { text: string; range: Range } | undefined {
  const r = ins.getArgumentsRange();
  if (!r) return undefined;
  return { text: ctx.text.slice(ctx.offsetAt(r.start), ctx.offsetAt(r.end)), range: r };
}

/** Whether the arguments are a valid JSON array of strings (exec form). */
function isExecForm(ctx: DockerfileContext, text: string): boolean {
  return execFormArgv(ctx, text) !== null;
}

/** A line continuation with either escape character (the only two a Dockerfile may set), compiled once. */
const BACKSLASH_CONTINUATION = /\\[ \t]*\r?\n/g;
const BACKTICK_CONTINUATION = /`[ \t]*\r?\n/g;

/** The exec-form arguments (a valid JSON array of strings), or null. */
function execFormArgv(ctx: DockerfileContext, text: string): string[] | null {
  if (!text.trimStart().startsWith('[')) return null;
  const logical = text.replace(ctx.escapeChar === '`' ? BACKTICK_CONTINUATION : BACKSLASH_CONTINUATION, '');
  try {
    const v: unknown = JSON.parse(logical);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : null;
  } catch {
    return null;
  }
}

/**
 * The init an exec-form ENTRYPOINT runs when it passes docker stop's SIGTERM to the whole process group of
 * its child, so a program the child shell starts gets it too: dumb-init, unless `-c`/`--single-child`
 * ("signals are only proxied to the direct child", dumb-init(1)) or DUMB_INIT_SETSID set (no process
 * group of its own); tini with `-g` ("send signals to the child's process group", tini's usage). Null otherwise.
 */
function groupSignallingInit(ctx: DockerfileContext, entrypoint: Instruction | undefined, env: ReadonlySet<string>): string | null {
  if (!entrypoint) return null;
  const args = argumentsText(ctx, entrypoint);
  const argv = args && execFormArgv(ctx, args.text);
  if (!argv || argv.length === 0) return null;
  const name = path.posix.basename(argv[0]);
  const options: string[] = [];
  // Options that take the next word (dumb-init's `-r 15:3`, tini's `-p SIGKILL`, `-e 143`).
  const withValue = name === 'dumb-init' ? /^(?:-r|--rewrite)$/ : /^-[pe]$/;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--' || !a.startsWith('-')) break;
    options.push(a);
    if (withValue.test(a)) i++;
  }
  if (name === 'dumb-init') return options.some((o) => o === '--single-child' || /^-[^-]*c/.test(o)) || env.has('DUMB_INIT_SETSID') ? null : name;
  if (name === 'tini' || name === 'tini-static') return options.some((o) => /^-[^-]*g/.test(o)) || env.has('TINI_KILL_PROCESS_GROUP') ? name : null;
  return null;
}

/**
 * The exec-form argv of a shell-form command that uses no shell feature, else null. The script must be
 * that one simple command and nothing else: no control operator before or after it (`node x &` runs
 * node in the background and the shell exits, so the container stops; `node x |`, `node x &&`,
 * `;node x`, `node x ;;`, `node x )` are syntax errors the shell refuses) and no quote or parenthesis
 * left open (`node "x`, `node x' y`, `(node x`): the shell would not run `node x` at all.
 */
function execArgv(ctx: DockerfileContext, ins: Instruction): string[] | null {
  const scripts = ctx.scriptsOf(ins);
  if (scripts.length !== 1 || scripts[0].heredoc) return null;
  const { commands: cmds, source } = scripts[0];
  if (cmds.length !== 1 || cmds[0].programIndex !== 0) return null;
  if (cmds[0].prev !== null || cmds[0].next !== null || !scriptCloses(source, cmds)) return null;
  // Only blanks around the command's words: a stray operator the reader makes no command of (`&`, `;`, `)`) is none.
  for (let k = 0; k < source.text.length; k++) {
    if (source.offsets[k] >= cmds[0].start && source.offsets[k] < cmds[0].end) continue;
    if (!/\s/.test(source.text[k])) return null;
  }
  // With `# escape=``, a backtick that does not end its line is no escape to BuildKit: shell-form text
  // reaches /bin/sh as written, where it is command substitution (review 38a, probes c01, c05, c06, c11).
  if (ctx.escapeChar === '`') {
    const r = ins.getRange();
    if (/`(?![ \t]*(?:\r?\n|$))/.test(ctx.text.slice(ctx.offsetAt(r.start), ctx.offsetAt(r.end)))) return null;
  }
  const words = cmds[0].words;
  // Shell builtins and keywords are not programs an exec form can start (SHELL_BUILTINS). `exec` alone or with
  // options (`exec -a name prog`) is read here; `exec prog …` is not flagged at all.
  if (SHELL_BUILTINS.has(words[0].value)) return null;
  // dash's built-in echo (the /bin/sh of Debian and Ubuntu) takes only -n: `echo -e x` prints `-e x` there, the
  // exec form's /bin/echo prints `x` (review 39c, item 1.5). An echo with -e or -E is not rewritten.
  if (words[0].value === 'echo' && words.slice(1).some((w) => /^-n*[eE][neE]*$/.test(w.value))) return null;
  for (const w of words) {
    // Expansions, globs, redirections, comments, brace and tilde expansion, escapes.
    if (/[$`*?[\]<>|&;(){}#\\]/.test(w.raw) || w.raw.startsWith('~') || w.value === '') return null;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w.raw) && w === words[0]) return null;
  }
  return words.map((w) => w.value);
}

/** A redirection word (`>/dev/null`, `2>&1`, `<in`), and one that is only the operator, whose target is the next word (`2> log`). */
const REDIRECTION = /^(?:\d+|&)?(?:<>|>>|>&|<&|>\||<<-?|<|>)/;

/**
 * Whether a shell-form script ends by replacing the shell with its program: the last command of its
 * top-level list is `exec prog …`, reached on the success path (after `&&`, `;` or a newline, or
 * alone), and nothing follows it. POSIX `exec` with a command replaces the shell without creating a
 * new process, so the program becomes PID 1 and gets docker stop's SIGTERM. Not this case (the shell
 * stays PID 1 or the program may not be what runs): `exec prog || fallback`, `a || exec prog`,
 * `a | exec prog`, `exec prog &`, an `exec` inside a subshell, `{ … }`, `if`/`while`/`case` (the
 * command after it is then `)`, `}`, `fi`, `done` or `esac`), `a; exec b; c`, and `exec` with only
 * redirections (`exec 2>&1`, which runs nothing) or with options (`exec -a name`: bash only; dash's
 * exec takes none).
 */
function endsWithExec(ctx: DockerfileContext, ins: Instruction): boolean {
  const scripts = ctx.scriptsOf(ins);
  if (scripts.length !== 1 || scripts[0].heredoc || !scripts[0].isShell || scripts[0].json) return false;
  const { commands, source } = scripts[0];
  const last = commands[commands.length - 1];
  if (!last || last.programIndex < 0) return false;
  if (last.prev !== null && last.prev !== '&&' && last.prev !== ';' && last.prev !== '\n') return false;
  if (last.next !== null && last.next !== ';' && last.next !== '\n') return false;
  // Only blanks, `;` and a comment after it: no `)`, `}`, `&` that the parser does not make a command of.
  let k = 0;
  while (k < source.text.length && source.offsets[k] < last.end) k++;
  if (!/^(?:[\s;]|#[^\n]*)*$/.test(source.text.slice(k))) return false;
  return execsProgram(last);
}

/**
 * Whether a shell-form script starts by replacing the shell with its program: its first command is
 * `exec prog …` (`CMD exec node server.js`, also `exec prog … && more`, which never runs), not in a
 * pipeline or in the background (`exec prog | tee log`, `exec prog &` run it in a subshell).
 */
function startsWithExec(ctx: DockerfileContext, ins: Instruction): boolean {
  const scripts = ctx.scriptsOf(ins);
  if (scripts.length !== 1 || scripts[0].heredoc || !scripts[0].isShell || scripts[0].json) return false;
  const first = scripts[0].commands[0];
  if (!first || first.programIndex < 0 || first.prev !== null || first.next === '|' || first.next === '&') return false;
  return execsProgram(first);
}

/**
 * Whether a command is `exec prog …`: `exec` is the program, preceded only by assignments, and a
 * program follows (after redirections), not an option (`exec -a name`: bash only) or nothing. Also
 * `command exec prog` (shellUtility: POSIX command runs the utility as written, "the same as omitting
 * command"), not bash's `builtin exec`, which /bin/sh (dash, BusyBox ash) fails with status 127.
 */
function execsProgram(cmd: SimpleCommand): boolean {
  // `exec` is the program, preceded only by assignments (`FOO=1 exec prog`), not by keywords (`then exec`, `! exec`).
  const words = cmd.words;
  const u = shellUtility(cmd);
  if (!u || u.name !== 'exec' || u.viaBuiltin) return false;
  if (words.slice(0, cmd.programIndex).some((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w.raw))) return false;
  if (words[cmd.programIndex].value !== 'exec') return u.args.length > 0 && !u.args[0].raw.startsWith('-');
  for (let i = cmd.programIndex + 1; i < words.length; i++) {
    const m = REDIRECTION.exec(words[i].raw);
    if (m) {
      if (m[0].length === words[i].raw.length) i++; // `2> file`: the target is the next word
      continue;
    }
    return !words[i].raw.startsWith('-');
  }
  return false;
}

/** The shell-form CMD and ENTRYPOINT in effect in the final stage (or in one copy of it: chainVariants). */
function judgeFinal(ctx: DockerfileContext, final: Stage): Detection<Data>[] {
  const effective: Partial<Record<'CMD' | 'ENTRYPOINT', Instruction>> = {};
  // Nearest stage first. A stage that sets ENTRYPOINT resets the CMD it inherits from its base (the
  // Dockerfile reference, ENTRYPOINT: "If CMD is defined from the base image, setting ENTRYPOINT will
  // reset CMD to an empty value"); a CMD of that stage itself, before or after it, stays.
  let cmdReset = false;
  for (const stage of stageChain(final)) {
    for (let i = stage.instructions.length - 1; i >= 0; i--) {
      const kw = stage.instructions[i].getKeyword();
      if (kw === 'ENTRYPOINT' && !effective.ENTRYPOINT) effective.ENTRYPOINT = stage.instructions[i];
      if (kw === 'CMD' && !effective.CMD && !cmdReset) effective.CMD = stage.instructions[i];
    }
    if (effective.ENTRYPOINT) cmdReset = true;
  }
  const out: Detection<Data>[] = [];
  for (const kw of ['ENTRYPOINT', 'CMD'] as const) {
    const ins = effective[kw];
    if (!ins) continue;
    const args = argumentsText(ctx, ins);
    if (!args || args.text.trim() === '') continue;
    if (isExecForm(ctx, args.text)) continue;
    // The stage of the chain that holds it (a copy's stages hold the same instructions).
    const owner = stageChain(final).find((s) => s.instructions.includes(ins))!;
    if (shellsOf(ctx, owner).get(ins)) continue; // an explicit SHELL: the shell is intended
    const brokenJson = args.text.trimStart().startsWith('[');
    // A Windows base runs the shell form under `cmd /S /C` (the Dockerfile reference, SHELL).
    const windows = buildsWindows(owner);
    // `CMD exec node server.js`: the shell replaces itself with the program, which then gets the signals.
    if (!brokenJson && startsWithExec(ctx, ins)) continue;
    // `CMD cp … && chown … && exec php-fpm`: the same, after commands that need the shell.
    if (!brokenJson && endsWithExec(ctx, ins)) continue;
    // cmd reads a command line by its own rules (`%VAR%`, `^`, no single quotes): the words a POSIX shell
    // would split are not known to be the program's arguments, so no exec form is offered there.
    const argv = brokenJson || windows ? null : execArgv(ctx, ins);
    // A CMD that an init passes to `/bin/sh -c` and whose process group gets docker stop's SIGTERM: the program gets it.
    const init = kw === 'CMD' && !windows ? groupSignallingInit(ctx, effective.ENTRYPOINT, envNames(final)) : null;
    let risk: Risk | null = null;
    if (argv) {
      if (mayBeScript(ctx, argv[0])) risk = 'script';
      else if (kw === 'ENTRYPOINT') risk = 'entrypoint-arguments';
      else if (effective.ENTRYPOINT) risk = 'feeds-entrypoint';
      else if (!baseRunsCmdAsGiven(final)) risk = 'base-entrypoint';
    }
    out.push({
      range: ins.getRange(),
      data: { instruction: kw, brokenJson, argv, argsRange: args.range, risk, shell: windows ? ['cmd', '/S', '/C'] : ['/bin/sh', '-c'], ...(init ? { init } : {}) },
      ...(init ? { severity: 'info' as const } : {}),
    });
  }
  return out;
}

export default defineRule<'dockerfile', Data>({
  code: 'DF040',
  name: 'cmd-shell-form',
  kind: 'dockerfile',
  severity: 'warning',
  fixable: 'sometimes',
  docs: {
    summary: 'The CMD or ENTRYPOINT of the final image is written in shell form.',
    what: 'Flags the CMD and ENTRYPOINT that take effect in the final image (the last of each in the final stage, or inherited from the stage it builds on — with a final FROM that names a stage through a variable, `FROM runtime-$TARGETARCH`, from each stage it could name (the automatic platform ARG\'s values or a global ARG default), a CMD in effect on one platform being reported there, and one of the final stage itself only when every such stage gives it alike; a CMD inherited from a base is not, when a nearer stage sets ENTRYPOINT, which resets it) when they are written in shell form (`CMD node server.js`), including a JSON array Docker cannot parse (`CMD [\'node\', \'server.js\']`, which silently becomes shell form). Builder stages are not judged: their CMD never runs. Not flagged when a SHELL instruction is in effect: choosing a shell explicitly says the shell is wanted (as BuildKit\'s check does). Not flagged either when the shell replaces itself with the program: the command starts with `exec` and a program (`CMD exec node server.js`; not in a pipeline or the background, `exec node x | tee log`, `exec node x &`, which run it in a subshell), or the last command of its top-level list is `exec prog …`, reached after `&&` or `;` (`CMD cp -r /src/. /dst && chown -R www-data /dst && exec php-fpm`) — POSIX `exec` with a command replaces the shell without creating a new process, so the program is PID 1 and gets the signals; also written `command exec prog` (`command -- exec prog`), which POSIX command runs as the same `exec` ("the same as omitting command" for a utility that is not a function), not bash\'s `builtin exec prog`, which `/bin/sh` (dash, BusyBox ash: no `builtin`) fails with status 127 and goes on. Still flagged when that `exec` may not be what runs last or is not the shell itself: after `||` or in a pipeline (`a || exec prog`, `a && exec prog || fallback`, `a | exec prog`), backgrounded, inside a subshell, `{ … }`, `if` or loop, followed by more commands (`a; exec b; c`), with options (`exec -a name`, bash only) or with only redirections (`exec 2>&1`, which runs nothing). A shell-form CMD is reported as information only when the final image\'s exec-form ENTRYPOINT is an init that passes docker stop\'s SIGTERM to the whole process group of its child — dumb-init (not with `-c`/`--single-child`, "signals are only proxied to the direct child", nor with `DUMB_INIT_SETSID` set), or tini with `-g` (or `TINI_KILL_PROCESS_GROUP` set): the program the shell starts gets the signal too (`ENTRYPOINT ["dumb-init", "--"]` with `CMD node server.js`), and the message says so; the exec form still leaves the shell out.',
    why: 'In shell form the container\'s PID 1 is `/bin/sh -c`, not your program (or, under an init ENTRYPOINT such as tini, the init\'s child is the shell): `docker stop` sends SIGTERM to the shell (an init passes it on to the shell only, unless it signals the whole process group, see What), which does not forward it, so the application gets no chance to shut down cleanly and is killed after the timeout (open connections dropped, writes lost). Some shells replace themselves with the last command of a simple `-c` script (then the program does get the signal), but which shell the image has, and whether the script stays that simple, is not something the Dockerfile guarantees; the exec form does. A shell-form CMD is also passed as `/bin/sh -c …` arguments to an ENTRYPOINT, and needs a shell in the image (distroless images have none). On a Windows base image the shell form runs under `cmd /S /C` instead (the Dockerfile reference, SHELL: the default shell on Windows), and the message says so: the container\'s main process is then cmd, with the program as its child, where the exec form runs the program itself. SECURITY-GUIDELINES.md §2 Container Runtime Security and the checklist\'s "Error handling implemented": the process must receive the signals the runtime sends.',
    bad: 'FROM node:24-slim\nCMD node server.js --port 8080',
    good: 'FROM node:24-slim\nCMD ["node", "server.js", "--port", "8080"]',
    fix: '"Use exec form" rewrites the arguments as a JSON array (`CMD ["node", "server.js", "--port", "8080"]`), on one line. Not offered on a Windows base image (or `FROM --platform=windows/…`): cmd splits a command line by its own rules (`%VAR%`, `^`, no single quotes), so the words a POSIX shell would read are not known to be the program\'s arguments. Offered only when the command is one plain program with arguments and nothing else: no variables, globs, pipes, redirections, `&&`/`;`, subshells, assignments, shell builtins or escapes (with `# escape=``, no backtick that does not end its line: BuildKit passes it to the shell, which reads command substitution), and no control operator at all before or after it — a background `&` (`CMD node server.js &` runs node in the background and the shell exits, so the container stops; the exec form would run node) or a shell syntax error that makes the shell run nothing (an unclosed quote or parenthesis, `node x |`, `node x &&`, `;node x`, `node x ;;`, `node x )`). The builtins refused are those with no executable of the same meaning: the POSIX special built-ins (`:`, `.`, `break`, `continue`, `eval`, `exec` alone or with options, `exit`, `export`, `readonly`, `return`, `set`, `shift`, `times`, `trap`, `unset`), the regular built-ins that act on the shell (`alias`, `bg`, `cd`, `command`, `fc`, `fg`, `getopts`, `hash`, `jobs`, `read`, `type`, `ulimit`, `umask`, `unalias`, `wait`), bash\'s own (`source`, `local`, `declare`, `shopt`…) and reserved words; `true`, `echo`, `test`, `kill`… are executables too (not `echo -e`/`-E`: dash\'s built-in echo, Debian\'s and Ubuntu\'s /bin/sh, takes no such option and prints it, where /bin/echo reads it). Quotes are resolved as the shell would. Safe (applied by fix-all and `check --fix`) only when the exec form runs the same program with the same arguments; otherwise it stays a quick fix to review: for an ENTRYPOINT (a shell-form ENTRYPOINT ignores CMD and `docker run`/compose `command:` arguments, the exec form receives them: `ENTRYPOINT gunicorn app:app` with `CMD ["--bind", "0.0.0.0:9000"]` would start listening on every interface); for a CMD that an ENTRYPOINT of the Dockerfile receives, or that the base image\'s ENTRYPOINT receives when the base is not one known to run a command as given (scratch; the official alpine, debian, ubuntu, busybox, fedora, rockylinux, almalinux, python, golang, rust, ruby, amazoncorretto, node and php images; Microsoft\'s .NET images) — the entrypoint then gets the program instead of `/bin/sh -c "…"`, and the official redis and postgres entrypoints, for instance, step down to their own user only when the first argument is the server; and for a program that may be a script of the build (a path, a `.sh` name, a file the Dockerfile copies, or a file a RUN names by its path, as `printf … > /usr/local/bin/start` writes one, or redirects to by any name, `cd /usr/local/bin && printf … > start`): the shell runs a script without a `#!` line, the kernel cannot exec it ("exec format error"). When the command needs a shell, end it with `exec` (`CMD ["sh", "-c", "exec node server.js"]`, or in shell form `CMD ./migrate && exec node server.js`) or use an entrypoint script that ends with `exec "$@"`.',
    guideline: '§2 Container Runtime Security; Security Checklist — "Error handling implemented" (graceful shutdown on SIGTERM)',
    equivalents: ['hadolint DL3025 (use arguments JSON notation for CMD and ENTRYPOINT arguments)', 'BuildKit build check JSONArgsRecommended', 'KICS "Not Using JSON In CMD And ENTRYPOINT Arguments"', 'Trivy: no equivalent'],
    references: [
      'https://docs.docker.com/reference/build-checks/json-args-recommended/',
      'https://docs.docker.com/reference/dockerfile/#shell-and-exec-form',
      'https://docs.docker.com/reference/dockerfile/#understand-how-cmd-and-entrypoint-interact',
      'https://github.com/hadolint/hadolint/wiki/DL3025',
      'https://man7.org/linux/man-pages/man1/exec.1p.html',
      'https://manpages.ubuntu.com/manpages/noble/man1/dumb-init.1.html',
      'https://github.com/krallin/tini#process-group-killing',
      'https://docs.docker.com/reference/dockerfile/#automatic-platform-args-in-the-global-scope',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/command.html',
    ],
  },
  check(ctx) {
    const final = ctx.finalStage;
    if (!final) return [];
    // `FROM runtime-$TARGETARCH`: judged on each stage it could name (the CMD and ENTRYPOINT it inherits, its SHELL, its base).
    return everyVariantGives(ctx, final, (s) => judgeFinal(ctx, s));
  },
  message(d) {
    const shell = d.shell.join(' ');
    // Windows has no SIGTERM: docker stop sends a console shutdown event there; what holds is that cmd, not the program, is the main process.
    if (/^cmd(?:\.exe)?$/i.test(d.shell[0] ?? '')) {
      if (d.brokenJson) return `${d.instruction} looks like exec form but is not a valid JSON array (use double quotes), so Docker runs it as a command line through ${shell}, the default shell of this Windows image, instead of running the program itself.`;
      return `${d.instruction} uses shell form: it runs under ${shell}, the default shell of this Windows image, so the container's main process is cmd with the program as its child; use the JSON exec form to run the program itself.`;
    }
    if (d.init) return `${d.instruction} ${d.brokenJson ? 'looks like exec form but is not a valid JSON array (use double quotes), so' : 'uses shell form:'} the ENTRYPOINT's ${d.init} runs it under ${shell}; ${d.init} passes docker stop's SIGTERM to the whole process group, so the program gets it, but the exec form runs it without the shell in between.`;
    if (d.brokenJson) return `${d.instruction} looks like exec form but is not a valid JSON array (use double quotes), so Docker runs it through ${shell} and the process will not receive SIGTERM.`;
    return `${d.instruction} uses shell form: it runs under ${shell}, which gets docker stop's SIGTERM and does not pass it on (unless the shell happens to replace itself with the command); use the JSON exec form.`;
  },
  fix(ctx, { data }) {
    if (!data.argv) return undefined;
    const json = `[${data.argv.map((a) => JSON.stringify(a)).join(', ')}]`;
    // The title names the program only: its arguments may carry a secret (`-p…`, `--token …`) that the editor's menu would show (review 39a, item 3).
    const title = `Use exec form: ${data.instruction} [${JSON.stringify(data.argv[0])}${data.argv.length > 1 ? ', …' : ''}]`;
    return { title, safe: data.risk === null, changes: [{ kind: 'edit', path: ctx.path, edits: [{ range: data.argsRange, newText: json }] }] };
  },
});
