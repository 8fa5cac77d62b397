import type { DockerfileContext, RunInstruction } from '../engine/dockerfile';
import { APT_INSTALLING, APT_LISTS, APT_VALUE_OPTIONS, appendToRun, aptActionOf, aptActionOfCommand, aptSimulates, cleansAptLists, covers, doneAt, lastShellScript, mayRun, mountsCacheOver, packageCommandsOf, packageCommandsOfInStrings, reachedCommandsWithStringsOf, runAtLine, runsInBackground, runsWithSudo, successExitBetween, toolRange, type PackageCommand } from '../engine/packages';
import { copySourceOnlyStages } from '../engine/df-instructions';
import { builtOnElsewhere, indexVerdict, mayRunPackageManager, runsAfter, shellString, startCommands, startsUnseenScript, substitutionPackageCommands, withShellScripts, type IndexUse } from '../engine/package-consumers';
import { defineRule } from '../engine/rule';
import { invocation } from '../engine/run-commands';
import { baseName, parseShell, type SimpleCommand } from '../engine/shell';
import { runOrder, type RunOrder } from '../engine/function-calls';
import { functionBodyEnd, functionDefinitions } from '../engine/script-structure';
import { runsInEveryShell } from '../engine/script-reach';
import type { Range, TextEdit } from '../engine/types';

interface Data {
  /** `apt-get` or `apt`, as written. */
  tool: string;
  /** The installing subcommand (`install`, `upgrade`, …). */
  action: string;
  /** First line of the RUN (or ONBUILD RUN trigger), to find it again for the fix. */
  runLine: number;
  /** The command that removes the lists: `rm -rf /var/lib/apt/lists/*`, with `sudo` when the install runs with it. */
  cleanup: string;
}

const CLEANUP = 'rm -rf /var/lib/apt/lists/*';

/** `apt`/`apt-get` subcommands that answer from the lists, as apt-cache does (`apt show nginx` fails with "No packages found" without them: review 9 probe 04). */
// `apt-get remove|purge NAME` resolves the name through the lists: one not installed is "not installed, so not
// removed" with them and "Unable to locate package" (exit 100) without (Docker's "uninstall old versions" step:
// review 26, probe df-01). `autoremove` reads only what is installed.
const APT_READING = new Set(['show', 'showsrc', 'policy', 'list', 'search', 'depends', 'rdepends', 'madison', 'changelog', 'remove', 'purge']);

/**
 * How one command stands to the apt lists (see indexVerdict): `apt-get update` fetches them; an install,
 * `apt-cache` or another subcommand that reads them needs them; other apt subcommands and other
 * package managers neither; null for any other command.
 */
function listsUse(cmd: SimpleCommand, pcs: ReadonlyMap<SimpleCommand, PackageCommand>): IndexUse {
  const pc = pcs.get(cmd);
  const inv = pc ? null : invocation(cmd);
  const args = inv ? inv.args.map((w) => w.value) : [];
  const action = pc ? (pc.family === 'apt' ? pc.action : null) : inv ? aptActionOf(inv.name, args) : null;
  if (action === 'update') return 'updates';
  // `apt-cache policy|madison|show|search …` answers from the lists: without them it finds nothing.
  if (inv?.name === 'apt-cache') return args.every((a) => /^(?:-h|--help|-v|--version)$/.test(a)) ? 'skip' : 'needs';
  // … also inside a command substitution (`V="$(apt-cache madison nginx | …)"`), which is one word here.
  if (cmd.words.some((w) => /(?:\$\(|`)[^`]*\bapt-cache\s+(?!-(?:h|-help|v|-version)\b)[\w-]/.test(w.raw))) return 'needs';
  if (action !== null && (APT_INSTALLING.has(action) || APT_READING.has(action))) return 'needs';
  if (action !== null || pc) return 'skip'; // another apt subcommand, or another package manager
  return null;
}

/**
 * Whether a RUN may need the apt lists that an earlier layer left: it runs `apt-get install` (or
 * another subcommand that reads the lists) before any `apt-get update` of its own, or, before such an
 * update, runs something whose commands the Dockerfile does not show (a script, `make`).
 * A RUN with a cache, tmpfs or bind mount over the lists does not read the layer's lists.
 */
function mayNeedLists(ctx: DockerfileContext, run: RunInstruction): boolean {
  if (mountsCacheOver(run, (t) => covers(t, APT_LISTS))) return false;
  const pcs = new Map<SimpleCommand, PackageCommand>();
  for (const pc of packageCommandsOf(ctx, run)) pcs.set(pc.command, pc);
  // Heredoc bodies fed to another program are data (that program is judged on the command line). What follows an
  // unconditional `exit`/`exec` never runs (mayRun); what follows a `return` may, in bash.
  // A RUN that defines a function or runs `eval`, in the order its shell runs it (runOrder): a body where its function is
  // called (the call itself is read through it), none where it is only defined; what is not known may install.
  const order = runOrder(run);
  const commands = order.special
    ? order.steps.filter((s) => s.kind !== 'call' && mayRun(run, s.reach)).map((s) => s.cmd)
    : withShellScripts(run, run.scripts.filter((s) => s.isShell || s.json).flatMap((s) => s.commands).filter((cmd) => mayRun(run, cmd)));
  return indexVerdict(commands, (cmd) => listsUse(cmd, pcs), (cmd) => mayRunPackageManager(run, cmd)) === 'needs';
}

/**
 * Whether a step after `run` may break without the lists it leaves: a later RUN of the same stage or
 * any RUN (ONBUILD triggers included) of a stage that builds on it that may install without updating
 * first, or a command a container of those stages starts (CMD, ENTRYPOINT, HEALTHCHECK) that installs
 * (`sh -c 'apt-get install … $EXTRA_PACKAGES && exec …'`) or runs a script the Dockerfile does not show,
 * or another Dockerfile that compose builds on this image (builtOnElsewhere).
 */
function laterStepNeedingLists(ctx: DockerfileContext, run: RunInstruction): boolean {
  if (runsAfter(ctx, run).some((r) => mayNeedLists(ctx, r))) return true;
  const none = new Map<SimpleCommand, PackageCommand>();
  if (run.stage !== null && startCommands(ctx, run.stage).some((commands) => indexVerdict(commands, (cmd) => listsUse(cmd, none), startsUnseenScript) === 'needs')) return true;
  // Another Dockerfile built on this image through compose (review 40b): its steps are not read here.
  return builtOnElsewhere(ctx, run.stage);
}

/** apt subcommands that fail without the lists when they name a package that is not installed (`upgrade` and its kin only find nothing to do). */
const APT_FAILS_WITHOUT_LISTS = new Set(['install', 'reinstall', 'build-dep', 'satisfy', 'source', 'download']);

/** Shell keywords that open a compound command whose body may not run (`if`, loops, `case`), and those that close one. */
const OPENS = new Set(['if', 'while', 'until', 'for', 'case']);
const CLOSES = new Set(['fi', 'done', 'esac']);

/**
 * The packages an apt command that fails without the lists names, as written: none for another command,
 * a simulation, `xargs`, or an operand that is a variable (`$EXTRA_PACKAGES` may be empty), a command
 * substitution or a path (`./app.deb` needs the lists only for dependencies that may be installed).
 */
function namedPackages(cmd: SimpleCommand, pcs: ReadonlyMap<SimpleCommand, PackageCommand>): string[] {
  const pc = pcs.get(cmd);
  let action: string | null;
  let operands: string[];
  let raw: string[];
  if (pc) {
    if (pc.family !== 'apt' || pc.viaXargs || aptSimulates(pc)) return [];
    action = pc.action;
    operands = pc.operands.map((w) => w.value);
    raw = pc.operands.map((w) => w.raw);
  } else {
    // Inside `sh -c '…'` (no PackageCommand there): the words after the subcommand that are not options.
    const inv = invocation(cmd);
    if (!inv) return [];
    const args = inv.args.map((w) => w.value);
    action = aptActionOf(inv.name, args);
    if (action === null) return [];
    const at = args.findIndex((a, i) => a.toLowerCase() === action && !args[i].startsWith('-'));
    const rest = inv.args.slice(at + 1);
    if (rest.some((w) => /^-(?:s|-simulate|-just-print|-dry-run|-recon|-no-act|-print-uris)$/.test(w.value))) return [];
    const words = rest.filter((w, i) => !w.value.startsWith('-') && !(i > 0 && APT_VALUE_OPTIONS.test(rest[i - 1].value)));
    operands = words.map((w) => w.value);
    raw = words.map((w) => w.raw);
  }
  if (!APT_FAILS_WITHOUT_LISTS.has(action)) return [];
  if (raw.some((r) => /[$`]/.test(r)) || operands.some((o) => o.includes('/'))) return [];
  return operands;
}

/**
 * Whether `commands`, read in order, certainly run an apt install that names a package (not one this
 * RUN installs) before any `apt-get update` and before any command whose effect cannot be seen: 'proven';
 * 'stop' when an update or an unseen command comes first; undefined when none of these (an install that
 * may not run, inside `if`, a loop, `case` or after `||`, or that names no package, is read past).
 */
function provenNeed(commands: readonly SimpleCommand[], pcs: ReadonlyMap<SimpleCommand, PackageCommand>, unknown: (cmd: SimpleCommand) => boolean, installed: ReadonlySet<string>, depth = 0): 'proven' | 'stop' | undefined {
  let nesting = 0;
  for (const cmd of commands) {
    const lead = cmd.programIndex < 0 ? cmd.words : cmd.words.slice(0, cmd.programIndex);
    for (const w of lead) {
      if (OPENS.has(w.raw)) nesting++;
      else if (CLOSES.has(w.raw)) nesting = Math.max(0, nesting - 1);
    }
    const conditional = nesting > 0 || cmd.prev === '||';
    const u = listsUse(cmd, pcs);
    if (u === 'updates') return 'stop';
    if (u === 'needs') {
      // One that may not run or may name nothing new changes no lists: read on.
      if (!conditional && namedPackages(cmd, pcs).some((n) => !installed.has(n.replace(/[=:].*$/, '')))) return 'proven';
      continue;
    }
    if (u === 'skip') continue;
    const inv = invocation(cmd);
    const inner = inv ? shellString(inv.name, inv.args.map((w) => w.value)) : undefined;
    if (inner !== undefined && depth < 3) {
      const offsets = Array.from({ length: inner.length + 1 }, (_, k) => k);
      const verdict = provenNeed(parseShell({ text: inner, offsets }), pcs, unknown, installed, depth + 1);
      if (verdict === 'proven' && conditional) return 'stop';
      if (verdict) return verdict;
      continue;
    }
    if (unknown(cmd)) return 'stop';
  }
  return undefined;
}

/**
 * Whether a later step certainly fails without the lists `run` leaves (review 48b, finding 1): a later
 * RUN of the same stage, or a RUN of a stage built on it by name (`FROM <this stage>`, directly or
 * through other such stages; not a `FROM name-$ARG` that may name it, nor an ONBUILD trigger, which
 * runs in another build), that installs a named package before any update of its own (provenNeed).
 * Removing the lists then breaks the build: the fix is not offered at all.
 */
function laterStepProvenToNeedLists(ctx: DockerfileContext, run: RunInstruction): boolean {
  const stage = run.stage;
  if (!stage) return false;
  const chain = [stage];
  for (const s of ctx.stages) if (s.index > stage.index && s.base.kind === 'stage' && chain.includes(s.base.stage)) chain.push(s);
  const after = ctx.offsetAt(run.instruction.getRange().end);
  const installed = new Set<string>();
  for (const pc of packageCommandsOf(ctx, run)) if (pc.family === 'apt') for (const w of pc.operands) installed.add(w.value.replace(/[=:].*$/, ''));
  for (const r of ctx.runs()) {
    if (r === run || r.onbuild || r.stage === null || !chain.includes(r.stage)) continue;
    if (r.stage === stage && ctx.offsetAt(r.instruction.getRange().start) < after) continue;
    if (mountsCacheOver(r, (t) => covers(t, APT_LISTS))) continue;
    const pcs = new Map<SimpleCommand, PackageCommand>();
    for (const pc of packageCommandsOf(ctx, r)) pcs.set(pc.command, pc);
    const order = runOrder(r);
    if (order.special) {
      // In the order its shell runs it (runOrder): a function only defined proves nothing, and a call or an `eval` is
      // read as a command whose effect cannot be seen (a proof stops there).
      const verdict = provenNeed(order.steps.filter((s) => !s.evalOf && !s.uncertain && s.reach === s.cmd && runsInEveryShell(r, s.cmd)).map((s) => s.cmd), pcs, (cmd) => mayRunPackageManager(r, cmd), installed);
      if (verdict) return verdict === 'proven';
      continue;
    }
    for (const script of r.scripts.filter((s) => s.isShell || s.json)) {
      // A proof reads only what runs in every shell (runsInEveryShell): not after an `exit`, nor after a `return`
      // where the shell may end.
      const verdict = provenNeed(script.commands.filter((cmd) => runsInEveryShell(r, cmd)), pcs, (cmd) => mayRunPackageManager(r, cmd), installed);
      // An update or an unseen step may fetch the lists again for what follows: no proof past it.
      if (verdict) return verdict === 'proven';
    }
  }
  return false;
}

/**
 * The removal of a cleanup written where it never runs, behind `&&` after a terminator at the end of the RUN's last
 * script (`… && exit 0 && rm -rf /var/lib/apt/lists/*`: neverRunAfterAnd, mayRun), when the fix puts a cleanup before
 * that terminator: it is then moved rather than written twice. Only the script's last command, written on one line,
 * with nothing but blanks, `&&` and a line continuation between it and the command before it, and whose words are
 * exactly the cleanup put before the terminator (`cleanup`): one that also removes other paths (`rm -rf
 * /var/lib/apt/lists/* /tmp/*`) is the user's and stays where it is.
 */
function deadCleanupRemoval(ctx: DockerfileContext, run: RunInstruction, cleanup: string): TextEdit | undefined {
  const script = lastShellScript(run);
  if (!script || script.commands.length < 2) return undefined;
  const last = script.commands[script.commands.length - 1];
  const prev = script.commands[script.commands.length - 2];
  if (prev.next !== '&&' || !cleansAptLists(last) || mayRun(run, last) || last.words.map((w) => w.raw).join(' ') !== cleanup) return undefined;
  const esc = ctx.escapeChar === '`' ? '`' : '\\\\';
  const joint = new RegExp(`^[ \\t]*(?:${esc}\\r?\\n[ \\t]*)?&&[ \\t]*(?:${esc}\\r?\\n[ \\t]*)?$`);
  if (!joint.test(ctx.text.slice(prev.end, last.start)) || /[\r\n]/.test(ctx.text.slice(last.start, last.end))) return undefined;
  return { range: { start: ctx.lines.positionAt(prev.end), end: ctx.lines.positionAt(last.end) }, newText: '' };
}

/** Whether a command installs with apt (an installing subcommand but `source`/`download`, not simulated): its PackageCommand, or its words in an `eval`'s text. */
function installsListed(cmd: SimpleCommand, pcs: ReadonlyMap<SimpleCommand, PackageCommand>): boolean {
  const action = aptActionOfCommand(cmd, pcs);
  if (action === null || !APT_INSTALLING.has(action) || action === 'source' || action === 'download') return false;
  const pc = pcs.get(cmd);
  if (pc) return !aptSimulates(pc);
  return !(invocation(cmd)?.args ?? []).some((w) => /^-(?:s|-simulate|-just-print|-dry-run|-recon|-no-act|-print-uris)$/.test(w.value));
}

/**
 * For each name a function of the RUN's own scripts is defined with, the first apt install (installsListed) written in
 * the body of a definition of that name that may run (mayRun): what a call of that name that runOrder cannot follow may
 * run (a function defined in an `if`, a loop or twice, a recursive call).
 */
function bodyInstalls(run: RunInstruction, pcs: ReadonlyMap<SimpleCommand, PackageCommand>): Map<string, PackageCommand> {
  const out = new Map<string, PackageCommand>();
  for (const script of run.scripts) {
    if (!script.isShell) continue;
    const commands = script.commands;
    for (const def of functionDefinitions(commands)) {
      if (out.has(def.name)) continue;
      const end = functionBodyEnd(commands, def);
      for (let k = def.at; k <= (end < 0 ? commands.length - 1 : end); k++) {
        const pc = pcs.get(commands[k]);
        if (pc && installsListed(commands[k], pcs) && mayRun(run, commands[k])) {
          out.set(def.name, pc);
          break;
        }
      }
    }
  }
  return out;
}

/**
 * The install whose lists a RUN that defines a function or runs `eval` leaves (runOrder: a function's body runs
 * where it is called, each time, an `eval`'s readable text where the `eval` stands, a function never called runs
 * nothing): read in that order, an update that may run, an install after it, and no removal of the lists after the
 * last install that surely runs (runsInEveryShell, not after a `return` or `exit` in its function, not in a function
 * called in a pipe or the background; an `eval` of text with an expansion cleans nothing known). Reported on the first
 * install after the last such removal before it (the `eval` whose text holds it, for one there).
 */
function leakInOrder(ctx: DockerfileContext, run: RunInstruction, order: RunOrder): { range: Range; data: Data } | undefined {
  const pcs = new Map<SimpleCommand, PackageCommand>();
  for (const pc of [...packageCommandsOfInStrings(ctx, run), ...substitutionPackageCommands(run)]) pcs.set(pc.command, pc);
  const steps = order.steps;
  const update = steps.findIndex((s) => s.kind === 'command' && aptActionOfCommand(s.cmd, pcs) === 'update' && mayRun(run, s.reach));
  if (update < 0) return undefined;
  // A call that runOrder cannot follow (of a function defined in an `if`, a loop or twice: an `unknown` step) may run the
  // body of any definition of its name: an apt install written there counts where the call runs (task shell10 item 5).
  const byName = bodyInstalls(run, pcs);
  const calledInstall = (s: RunOrder['steps'][number]): PackageCommand | undefined => {
    if (s.kind !== 'unknown' || s.shell || byName.size === 0 || s.cmd.programIndex < 0) return undefined;
    const name = s.cmd.words[s.cmd.programIndex];
    return /[$`]/.test(name.raw) ? undefined : byName.get(name.value);
  };
  const installs: number[] = [];
  for (let k = update + 1; k < steps.length; k++) {
    const s = steps[k];
    if (((s.kind === 'command' && installsListed(s.cmd, pcs)) || calledInstall(s)) && mayRun(run, s.reach)) installs.push(k);
  }
  if (installs.length === 0) return undefined;
  const cleans = (k: number) => steps[k].kind === 'command' && !steps[k].uncertain && runsInEveryShell(run, steps[k].reach) && cleansAptLists(steps[k].cmd) && !runsInBackground(run, steps[k].cmd) && !runsInBackground(run, steps[k].reach);
  const last = installs[installs.length - 1];
  // Not a cleanup before the `wait` that waits for an update or install in a background job, nor any after one not
  // waited for (doneAt; waitpid): its last step, where the shell runs it.
  let done = last;
  for (const k of [update, ...installs]) {
    for (const c of new Set([steps[k].cmd, steps[k].reach])) {
      const w = doneAt(run, c);
      const ks = w === undefined ? undefined : w === c ? [k] : byCmdSteps(steps, w);
      done = ks && ks.length > 0 ? Math.max(done, ks[ks.length - 1]) : steps.length;
      if (done === steps.length) break;
    }
  }
  let lastCleanup = -1;
  for (let k = 0; k < steps.length; k++) {
    if (!cleans(k)) continue;
    // A cleanup after an `exit` that may end the shell with success (`… || exit 0; rm …`) may not run.
    if (k > done && !successExitBetween(run, steps[last].reach, steps[k].reach)) return undefined;
    if (k > last) continue;
    lastCleanup = k;
  }
  const leaking = steps[installs.find((k) => k > lastCleanup) ?? last];
  const lastStep = steps[last];
  const lastPc = calledInstall(lastStep) ?? pcs.get(lastStep.cmd);
  const lastInv = invocation(lastStep.cmd);
  const sudo = lastPc ? runsWithSudo(lastPc) : !!lastInv && lastInv.wrappers.some((w) => baseName(lastStep.cmd.words[w].value) === 'sudo');
  const cleanup = sudo ? `sudo ${CLEANUP}` : CLEANUP;
  const runLine = run.instruction.getRange().start.line;
  const pc = calledInstall(leaking) ?? pcs.get(leaking.cmd);
  if (pc) return { range: toolRange(ctx, pc), data: { tool: pc.display, action: pc.action, runLine, cleanup } };
  const inv = invocation(leaking.cmd);
  const at = leaking.evalOf ?? leaking.reach;
  return { range: ctx.rangeOfOffsets(at.start, at.end), data: { tool: inv?.name ?? 'apt-get', action: aptActionOfCommand(leaking.cmd, pcs) ?? 'install', runLine, cleanup } };
}

/** The steps of a RUN's order that run command `cmd`, in order. */
function byCmdSteps(steps: RunOrder['steps'], cmd: SimpleCommand): number[] {
  const out: number[] = [];
  for (let k = 0; k < steps.length; k++) if (steps[k].cmd === cmd) out.push(k);
  return out;
}

/**
 * The document offset after which a removal of the lists counts for the updates and installs `cmds` of a RUN read in
 * document order: the last of them, or the `wait` that waits for one in a background job (doneAt), the last of those;
 * none (Infinity) when one runs in a background job not waited for, which may write the lists after any removal.
 */
function listsDoneAt(run: RunInstruction, cmds: readonly SimpleCommand[]): number {
  let from = -1;
  for (const c of cmds) {
    const w = doneAt(run, c);
    if (!w) return Infinity;
    from = Math.max(from, w.start, c.start);
  }
  return from;
}

/**
 * Whether an apt install of a RUN may run in a background job its shell does not wait for (runsInBackground): written
 * there, or in a function's body that a call in the background runs (runOrder).
 */
function installsInBackground(ctx: DockerfileContext, run: RunInstruction): boolean {
  const pcs = new Map<SimpleCommand, PackageCommand>();
  for (const pc of [...packageCommandsOfInStrings(ctx, run), ...substitutionPackageCommands(run)]) pcs.set(pc.command, pc);
  const order = runOrder(run);
  // So may an `apt-get update` there, which may write the lists after the appended cleanup (waitpid).
  const writes = (cmd: SimpleCommand) => installsListed(cmd, pcs) || aptActionOfCommand(cmd, pcs) === 'update';
  if (order.special) return order.steps.some((s) => s.kind === 'command' && writes(s.cmd) && (runsInBackground(run, s.cmd) || runsInBackground(run, s.reach)));
  return [...pcs.keys()].some((cmd) => writes(cmd) && runsInBackground(run, cmd));
}

export default defineRule<'dockerfile', Data>({
  code: 'DF030',
  name: 'apt-lists-not-removed',
  kind: 'dockerfile',
  severity: 'info',
  fixable: 'sometimes',
  docs: {
    summary: 'A RUN downloads apt\'s package lists and installs, but does not remove `/var/lib/apt/lists` in the same RUN.',
    what: 'Flags a RUN (in any stage but a builder stage whose layers reach no image is skipped: one that a later stage only copies from (`COPY --from=`, `RUN --mount=…,from=`), that no stage builds on (`FROM <stage>`) but other such stages (linkding\'s `build-deps`, built on only by `compile-icu`, which is only copied from) and that is not the last (as hadolint\'s DL3009 skips it); a stage nothing names may be built with `--target` and is judged; a name with a variable (`FROM build-${TARGETARCH} AS build`, `FROM runtime-$TARGETARCH`, `COPY --from=build-$TARGETARCH`) is read as the stage a global ARG default makes it, else the stages whose names its literal parts match (`build-amd64`, `build-arm64`), which are builder stages when every stage that may build on them is one (`build`, only copied from); a FROM that is nothing but a variable may build on any earlier stage; a `--from` with a variable fails with BuildKit since moby/buildkit#6153 ("variable expansion is not supported for --from", whose workaround is the FROM form above; Buildah and Podman expand it), and one that is nothing but a variable may name any stage, so none is skipped then; ONBUILD RUN included) that downloads the package lists (`apt-get update` / `apt update`) and then installs with `apt-get`/`apt` (`install`, `reinstall`, `build-dep`, `satisfy`, `upgrade`, `dist-upgrade`, `full-upgrade`) but does not remove `/var/lib/apt/lists` after the last install in the same RUN (`rm -rf /var/lib/apt/lists/*`, `rm -rf /var/lib/apt/lists`, `rm -f /var/lib/apt/lists/*_*` — every list file\'s name has a `_` —, a parent directory, `find /var/lib/apt/lists … -delete`, or `apt-get distclean`; also behind `sudo`, `env`, `nice` or `timeout`, as installs are read). Silent when the RUN mounts a cache, tmpfs or bind over the lists (`--mount=type=cache,target=/var/lib/apt/lists`; a bind mount too, whose writes are discarded after the RUN even with `rw`: Docker docs, Build cache optimization, "Use bind mounts" or `/var/lib/apt`), and for `apt-get install -s` (simulation). Cleanup in a later command of the same RUN (or a later line of the same heredoc script) counts — not one after an unconditional `exit` or `exec` with a program at the script\'s top level (also through POSIX `command`, which takes only a special built-in\'s special properties away — "In every other respect … the effect of command … shall be the same as omitting command" — so `command exit 0` ends the shell and `command exec prog` replaces it; bash\'s `builtin exit 0` ends bash, but dash and BusyBox ash have no `builtin`, fail it with status 127 and go on, so a cleanup after it may not run, and the fix goes before it only when it ends the script; not behind `&&`/`||`, in a pipe, an `if`, loop, subshell or function body; at the end of a `{ …; }` group that surely runs it counts: `{ echo done; exit 0; }`), which never runs, nor an install there; nor one behind `&&` after such a terminator or a group that ends with one, wherever it stands (`… && exit 0 && rm -rf /var/lib/apt/lists/*`, `… && return && …`, `… && exec prog && …`, `… && { echo done; exit 0; } && …`: `&&` runs it only after a success the terminator never returns), though behind `|| exit 1 &&` it counts (it runs after a successful install); nor one written after the install behind an `exit`, `return` or `exec prog` that may end the shell with success where it stands, at the top level or in a group, an `if`, loop or `case` body — behind `||` (`apt-get install -y curl || exit 0; rm -rf /var/lib/apt/lists/*`), in a branch (`if [ -f /x ]; then exit 0; fi; rm …`), an `exit` with no status or one from an expansion —: on that path the RUN ends with success and the lists stay in its layer (no fix is offered then: the cleanup appended at the end would not run on that path either); the same inside the script of a `sh -c \'…\'` string or a command substitution (`sh -c \'apt-get install -y curl || exit 0; rm -rf /var/lib/apt/lists/*\'`), whose `exit` ends that shell only: a cleanup appended after the RUN runs after it, so the fix is offered there; not one that surely fails (`|| exit 1`, `exit 2`, a bare `exit` right after `||`, which keeps the failure), one in a subshell, a pipe or the background (it ends that process only), nor a `return` in a function body (it leaves the function); nor one after such a `return`, which POSIX leaves unspecified outside a function or dot script (dash, BusyBox ash and bash as `sh` end the script there, bash otherwise fails it with status 2 and goes on), though an install there counts in bash (`SHELL ["/bin/bash", "-c"]`, `bash -c \'…\'`; under `/bin/sh`, the default, it ends the script like `exit`, see the fix); cleanup in a later RUN does not, because the earlier layer keeps the files. Nor does a cleanup in a background job, in any reading of the RUN (review 56a, h7–h11): one whose and-or list, or a compound around it, ends with `&` (`rm -rf /var/lib/apt/lists/* &`, `{ rm …; } & echo started`, `( rm … ) &`), or whose shell, command substitution or here-document is started so (`sh -c \'rm …\' &`, `x=$(rm …) &`, `sh <<\'EOS\' &`): when the RUN\'s shell exits the build step ends, and a job still running may be cut short with the lists in the layer. It counts when a `wait` reached later in the same shell waits for it (POSIX wait: with no operand it "shall wait until all process IDs known to the invoking shell have terminated"; `wait $!` waits for the last job started): a `wait` at the top level of that script (not in a compound, not behind `&&`/`||` but after a `{ …; } &&` group whose last command is in the background, whose status is 0: `{ rm … & } && wait`; not in a pipe or the background), with no operand, or whose first operand names the job (with pid operands POSIX wait waits for the processes they name): `$!` when no other job was started in between, a variable set to `$!` right after the job and not written since (`rm … & pid=$!; wait "$pid"`, `$pid`, `${pid}`), `%1` when the job is the script\'s first, `%%` or `%+` when it is the last started; not `wait -n`, which dash (Debian\'s `/bin/sh`) rejects ("Illegal option -n") and so waits for nothing, nor a variable set otherwise (`wait "$other"`); a call of a function the script defines, an `eval` or a `.`/`source` in between (before the job, for `%1`) may start another job or set the variable, so none of these counts then; not for a job in a subshell (`(rm … &); wait`), since "the known process IDs are applicable only for invocations of wait in the current shell execution environment". DF034, DF035 and DF036 read a cleanup the same way. Likewise an update or install in a background job is done only at the `wait` that waits for it (waitpid): a cleanup counts only after that `wait` (`apt-get update && apt-get install -y curl & rm -rf /var/lib/apt/lists/*; wait` is reported: the removal may run before the update writes the lists), and none counts after one no `wait` waits for (`apt-get update & apt-get install -y curl; rm -rf /var/lib/apt/lists/*`); DF034, DF035 and DF036 read an install there the same way (`pip install flask & pip cache purge; wait`). Reported on the first install after the last cleanup of the RUN (the install whose lists are left behind, not one that a cleanup later in the RUN already covers). A RUN that only installs, from lists an earlier RUN downloaded, is not flagged: removing the lists there would not shrink the earlier layer and would break later RUNs that install from them — DF033 reports the lone `apt-get update` instead. A RUN that defines a function (`name() { …; }`, bash\'s `function name { …; }`) or runs `eval` is read in the order its shell runs it: a function\'s body where the function is called, each time it is called, not where it is defined, and not at all when it is never called (bash\'s Shell Functions: the body "is executed whenever fname is specified as the name of a simple command"); a name calls a body only when its definition surely ran before the call — written before it, at the top level of the script or of the function body that calls it (not in `if`, a loop, `{ …; }` or a subshell), not behind `&&`/`||`, not in a pipe or the background — since the definition is a command that "defines a shell function" when it runs (`cleanup; cleanup() { …; }` runs no body: dash says `cleanup: not found` and goes on); any other call is not known: no cleanup counts through it, and an install written in a body is counted by DF031, DF032 and DF037, and by this rule where a call of that body\'s name that is not known runs after the update (`if …; then inst() { apt-get install -y curl; }; fi; apt-get update; inst`: reported on that install, the cleanup appended after the call); past eight nested calls a call is not followed either, and the commands written in its body and in the bodies those name count as commands that may run (an install counts, a cleanup does not); the text of an `eval` whose words hold no expansion where the `eval` stands (POSIX eval: its arguments joined with spaces are read and run by the shell), also behind `command eval` and `builtin eval` (POSIX command and bash\'s builtin run the builtin they name); a call of a function whose body surely ends the shell — an `exit`, or `exec` with a program, at the body\'s top level (not behind `&&`/`||`, not in an `if`, loop, `case` or subshell, no `return` before it), the body a `{ …; }` group, the function defined once at the top level before the call — ends it where the call stands when the call is unconditional at the top level, as that `exit` would (POSIX exit ends the shell, not the function), so nothing written after it runs (`f() { exit 0; }; f; apt-get update && apt-get install …` is not flagged), while one through `command` (`command f`: POSIX command runs no function), behind `&&`/`||` or into a body whose `exit` may not run is read as before: `install_pkgs() { apt-get install …; }; apt-get update && install_pkgs` is flagged (on the install in the body; an install in an `eval`\'s text is flagged on the `eval`), a removal of the lists in a function never called, after a `return` or `exit` in its function, in a function called in a pipe or the background, or in an `eval` of text with an expansion (`eval "rm -rf $LISTS"`) does not count, and later RUNs are read the same way for the fix. The action of an EXIT trap (`trap cleanup EXIT`, `trap \'rm -rf /var/lib/apt/lists/*\' 0`) is read the same way, after the script\'s last command: the shell runs it when it exits (POSIX trap: "If condition is EXIT or 0, the action shall be executed on exit from the shell"), so a cleanup there counts when the `trap` is the script\'s only EXIT trap (a reset counts as one: `trap - EXIT`, `trap 0`, and `trap EXIT` with one operand — bash\'s trap: "If ACTION is absent (and a single SIGNAL_SPEC is supplied) or `-\', each specified signal is reset", as dash and BusyBox ash do —, also in the text of an `eval` it runs: `eval \'trap - EXIT\'`), stands unconditionally at its top level, names EXIT or 0 literally, nothing after it runs what cannot be seen (an `eval` of text with an expansion, a command named by an expansion, `.`/`source` of a file: each may reset the trap or replace the shell), and the script runs no `exec` of a program (the new program runs without the trap) nor calls a function that may end the shell; a function the action names counts only when its definition surely ran before the shell ends (as above, and after no `exit`, `exec`, `return` or `.`/`source` that may end it first: `trap cleanup EXIT; …; exit 0; cleanup() { …; }` runs no cleanup). A trap set otherwise, or whose text holds an expansion, may clean nothing: reported, with no fix. `exit` in lower case (`trap … exit`) is read as EXIT for a reset, but its action is not counted: dash, bash and BusyBox ash accept it, yet POSIX only allows a shell to "ignore case in signal names as an extension", so the cleanup rests on the shell; write `EXIT`. The quoted script of a shell the RUN starts (`sh -c \'…\'`, `bash -c "…"`, `su -c \'…\'`: one quoted string on one line, as DF031 and DF032 read it) — with the operands its shell is given after `$0`\'s name as its positional parameters (`sh -c \'apt-get install -y "$@"\' sh curl` installs curl: POSIX sh, `sh -c command_string [command_name [argument...]]` sets `$1`, `$2`… from them; bash\'s -c the same), where it uses them only as whole words (`"$@"`, `"$1"`, `${1+"$@"}`; unquoted only for an operand with no blank or pattern character) and neither `shift`s nor `set --`s them nor defines a function; a string that reads them another way (`"$*"`, `$#`, `pkg-$1`) is not read — and the here-document a shell reads as its script (`bash <<\'EOS\'`, `cat <<\'EOS\' | sh` inside a `RUN <<EOF` script; an unquoted delimiter only when the body has no `\\` or backtick) are read where they stand, also in a RUN that defines a function or runs `eval` (review54a F3: `log() { echo "$*"; }; log start; apt-get update; sh -c "apt-get install -y curl"` is flagged, and `sh -c "rm -rf /var/lib/apt/lists/*"` or a `bash <<\'EOS\'` that removes the lists counts as the cleanup there), where the command that starts the shell runs (a string in a function\'s body runs where the function is called): an update, install or cleanup there counts, and an `exit` there ends that shell only (POSIX sh reads its commands from standard input when given no operand and no `-c`; POSIX exit ends "the current execution environment", that shell). The string or here-document is read as the RUN\'s script is, in the order that shell runs it: the body of a function it defines runs where it calls that function, and not at all when it never does (`sh -c \'tidy() { rm -rf /var/lib/apt/lists/*; }\'` cleans nothing; `sh -c \'inst() { apt-get install -y curl; }; apt-get update; inst\'` installs after its update); its functions are its own, and a cleanup there after an `exit` or `return` that may end that shell with success (`|| exit 0`, `[ -f /x ] && return 0`, a top-level `return`, which ends a `sh` script; an `exit` in a function\'s body or an `eval`\'s text that may run), or in a shell started in the background (`sh -c \'…\' &`), does not count; one after an `exit` at the string\'s top level that ends it with a failure (`apt-get update || exit 1`, `if …; then exit 2; fi`) does, as in the RUN\'s own script. A here-document given to any other command (`cat > /usr/local/bin/docker-entrypoint.sh <<\'EOS\'`, `tee /usr/local/bin/healthcheck <<-EOS`) is that command\'s input, not commands (POSIX Shell Command Language 2.7.4, Here-Document: the lines after the operator\'s line up to a line that is only the delimiter, leading tabs stripped for `<<-`): an `exec "$@"` or `exit 0` written there ends nothing, and an install written there is not one. In a RUN read in the order its shell runs it, an `exit` (any status) or an `exec` of a program that surely runs in the text of an `eval` or in a function\'s `{ …; }` body ends the shell there (POSIX eval: the text "shall be read and executed by the shell"; POSIX exit: the shell exits; POSIX exec: the program replaces it): nothing after it runs, neither the rest of the body nor what follows the call or the `eval` (`eval "exit 0"; apt-get install -y curl`, `eval \'exec true\'; …`, `f() { exit 0; apt-get install -y wget; }; f`). Surely runs: at the top level of its text or body (not in an `if`, a loop, a `case`, a group or a `( … )` body, whose `exit` ends only its subshell), not behind `&&`/`||`, not in a pipe or the background, not after a `return` or an `exit` that may run, reached through calls and `eval`s that stand so; not `builtin exit`, which dash and BusyBox ash do not have. A name called before every definition of it in its text is written (and in no loop) calls none of them (bash manual, Shell Functions: a definition defines the function when it runs; dash says `inst: not found`): `apt-get update; inst; inst() { apt-get install curl; }` installs nothing through that call. Calls and `eval`s nested more than 8 deep are not followed in order (the reading stops there, as for a text it cannot know): what the deeper body or text writes, with the bodies it calls and the texts of the `eval`s it runs, counts as what may run, so an install there is reported (`eval eval eval eval eval eval eval eval eval apt-get install curl`) and a cleanup there does not count. So is what a RUN runs past its first 4,000 steps, as its shell runs it (a helper called thousands of times, or helpers calling helpers): the rest of the script and of each body being run, with the bodies and `eval` texts they name (each once), counts as what may run, so an install written there is reported and a cleanup written there does not count. An install in a command substitution (`x=$(apt-get install -y curl)`, `echo "$(apk add curl)"`, backquotes) counts as the RUN\'s own (POSIX 2.6.3 Command Substitution: the shell runs it "in a subshell environment" when it expands the command\'s words, so what it installs stays in the layer), where its command runs; only one whose text is written one to one in the document (its word on one line; a backquoted one without `\\`), not one inside another or inside a `sh -c` string, so that a finding and an edit land on what is written. A cleanup there counts too; an `exit` there ends only that subshell (POSIX exit), so a cleanup after it in the substitution does not. The fix appends the cleanup at the end of the RUN as for any install: `x=$(apt-get install …) && rm -rf /var/lib/apt/lists/*` runs it after a successful assignment, whose status is the substitution\'s, as `apt-get install … && rm …` does.',
    why: 'The lists downloaded by `apt-get update` are tens of megabytes of package metadata that nothing in the running container needs. Left in the layer they bloat every pull and keep a stale snapshot of the package index in the image. SECURITY-GUIDELINES.md §6 "Clean up – remove unnecessary packages" and "Minimize layers": clean up in the same RUN, since a later RUN cannot shrink an earlier layer. The Debian/Ubuntu images\' docker-clean hook removes downloaded .deb files but not the lists.',
    bad: 'FROM debian:trixie-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl',
    good: 'FROM debian:trixie-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl \\\n    && rm -rf /var/lib/apt/lists/*',
    fix: '"Remove the apt lists in the same RUN" appends `rm -rf /var/lib/apt/lists/*` (`sudo rm -rf …` when the install runs with `sudo`, itself or through the shell whose script string or here-document holds it: `sudo sh -c \'apt-get install …\'`, `sudo bash <<\'EOS\'`, review 56a, F2: the RUN is then a non-root USER\'s, who cannot delete root\'s lists; a quick fix only then, since the image\'s sudoers rules may allow apt-get and not rm) at the end of the RUN, in the RUN\'s style: ` && …` on a one-line RUN, a continued line with the operator where the RUN puts it (leading `&&`, trailing `&&`, or `;` where the RUN uses it and a failure of its last list surely ends the shell, see (1); else `&&`, which keeps any failure of the list before it) and the RUN\'s indentation on a multi-line RUN, a new last line inside a heredoc script (after the delimiter line of a here-document it ends with, never inside the text a here-document writes); after the closing quote of a script string that holds the install (`sh -c \'apt-get update && apt-get install -y curl\' && rm -rf /var/lib/apt/lists/*`, which runs once that shell has ended, with its status). Not offered when an update or install of the RUN runs in a background job that no `wait` waits for (`apt-get update && apt-get install -y curl & echo started`, read as the cleanup is, above; waitpid): the job may write the lists after any cleanup appended, so none counts after it (it was a quick fix before). Not offered for exec-form (JSON) RUN, when the RUN ends with a comment or a background `&`, or when its shell text does not terminate (an open quote, `$(`, `if`, `case` or loop: the appended command would land inside it), or when a heredoc body\'s last line ends with a backslash (the shell would continue it onto the appended line), or when the RUN line that holds a heredoc marker is continued over several lines (a continued line appended after the marker\'s line would be read as the heredoc\'s body, the whole rest of the file when the heredoc has no terminator). Not offered either, not even as a quick fix, when a later step is certain to fail without the lists: a later RUN of this stage, or a RUN of a stage built on it by name (`FROM <this stage>`, directly or through other such stages), whose commands, read in order, reach an `apt-get`/`apt` `install`, `reinstall`, `build-dep`, `satisfy`, `source` or `download` (also inside `sh -c \'…\'`) before any `apt-get update` of its own and before any command whose effect cannot be seen (see (2)), outside `if`, loops, `case` and `||`, and naming a package this RUN does not install, as a word with no variable and no path (`apt install -y fonts-open-sans` after `RUN apt-get update && apt-get install -y locales`: "Unable to locate package", review 48b). Removing the lists then breaks the build; the lists belong in the RUN that installs last (merge the RUNs, DF039, or give the later RUN its own `apt-get update`, DF033\'s advice). Where the later install is only possible — it may not run, names a variable (`$EXTRA_PACKAGES` may be empty) or a `.deb` path, comes after a script, runs in an ONBUILD trigger or a stage a `FROM name-$ARG` may name — the fix stays a quick fix, as (2) says. A RUN that ends its shell early (`…; exit 0`, or `…; fail` calling `fail() { echo failed; exit 1; }`, whose body surely ends it) gets the command before the terminator (before the call): as a command of its own (`…; rm -rf /var/lib/apt/lists/*; exit 0`) when the terminator\'s status does not read `$?` (`exit N`, `exec prog`), else (a bare `exit` or `return`, `exit $?`) appended to the list before it with `&&`, so that a failure of that list is still what the shell ends with; the terminator may end a `{ …; }` group (`{ echo done; exit 0; }`: the command goes before the `exit`, inside the group); one that ends the last list behind `&&` (`… && exit 0`, `… && return`, `… && exec prog`, `… && { echo done; exit 0; }`) gets it before the terminator, as one more element of that list (`… && rm -rf /var/lib/apt/lists/* && exit 0`; inside the group as above): after it the list would reach the command only if the terminator returned with success, which it never does (bash\'s Lists of Commands: the command after `&&` runs "if, and only if," the one before returns zero); the same when the RUN already writes a cleanup after that terminator, where it never runs (`… && exit 0 && rm -rf /var/lib/apt/lists/*`, reported): the fix puts one before the terminator and removes the one that never ran when it is the script\'s last command, on one line, behind `&&`, and its words are exactly that cleanup (`… && rm -rf /var/lib/apt/lists/* && exit 0`); else that one is left where it is (`… && exit 0 && rm -rf /var/lib/apt/lists/* && echo done`, or `… && exit 0 && rm -rf /var/lib/apt/lists/* /tmp/*`, whose other paths are the user\'s: it never runs either way); not offered when another `exit`, `return` or `exec` with a program may end the shell with success before that place (`if …; then exit 0; fi`, `… || exit 0`, a loop whose body returns: on that path the command would not run), while one that surely fails (`exit 1`, a bare `exit` right after `||`) does not stop it (`… || exit 1 && rm -rf /var/lib/apt/lists/*`); a top-level `return`, where bash goes on and other shells end, gets it only when it is the last command; not offered when another script of the RUN ends its shell early, or when commands follow such a `return`. Under a shell known to be `sh` — Docker\'s default `["/bin/sh", "-c"]` for shell form (Dockerfile reference, SHELL) when no SHELL of the stage or the stages it builds on names another shell, an exec-form `/bin/sh -c`, `sh <<EOF`, `sh -c \'…\'` — or dash or ash, such a `return` ends the script like `exit`: an install after it does not count either, and the fix may go before it wherever it stands. Where `&&` is appended to the last list (a one-line RUN, a continued line, and a heredoc whose last failure may reach the end, see below: `apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*` on that line, which runs only when the list succeeded and otherwise leaves the script\'s status the list\'s, safe), it is a quick fix only when errexit may be on and that list ends with a compound command, `eval`, `.`/`source` or a call of a function the script defines (`name() { … }`, `name() ( … )`, bash\'s `function name { … }`): before `&&` errexit is ignored inside them (bash\'s The Set Builtin), so `set -e; if …; then false; echo; fi && rm -rf /var/lib/apt/lists/*` would pass a build that failed; and whenever the script sets an ERR trap, also in the text of an `eval` or possibly by an `eval` of text that is not known (`trap \'exit 0\' ERR`, `eval "trap \'exit 0\' ERR"`, `eval "$ON_ERROR"`; bash\'s `-E`, errtrace, only lets functions inherit the trap, so `SHELL ["/bin/bash", "-E", "-c"]` changes nothing here: bash runs it for a failing command that ends its list, not for one before `&&`, so a failing install the trap ended with status 0 would fail the build). An append goes after the last character the shell reads, so a line that ends with a backslash followed by another white space character (U+2028) keeps the two together. Safe (applied by fix-all and `check --fix`) unless one of these holds; then it is offered as a single quick fix only. (1) In a heredoc, a new last line (used where errexit surely ends the shell on the last line\'s failure; else `&&` on that line, above) runs whenever the shell reaches it, and the RUN\'s status becomes the cleanup\'s: it would hide a failing last command unless errexit surely ends the shell first. So it is safe only when errexit is on at the end of the script — the stage\'s SHELL has `-e` (for a heredoc that is the whole command, without a shebang) or a `set -e` / `set -o errexit` surely ran, and nothing that may turn it off ran after it (`set +e`, `eval`, `source`, … as DF032\'s fix lists them: `set -e` … `set +e` / `false` would pass a failing build with the cleanup appended) — and the last list is one whose failure errexit acts on: no `&&` in it (bash ignores a failure of "any command executed in a && or || list except the command following the final && or ||", bash\'s The Set Builtin; POSIX set -e: `set -e` / `apt-get update && apt-get install -y curl` as the last line goes on to the cleanup when the update fails), not negated with `!`, not a compound command (`if … fi`, a loop, `{ … }`, a subshell), whose status may be such an ignored failure. (2) A later RUN may install from the lists this RUN leaves: a stage that builds on this one (`FROM <this stage>`, directly or through other stages; a later `FROM name-$ARG` whose literal part could name it counts too) starts from its filesystem, and so do the later RUNs of the same stage, so without the lists their `apt-get install` fails with "Unable to locate package". Checked in every later RUN of this stage and every RUN (ONBUILD triggers included) of those stages, reading its commands in order until its own `apt-get update` (not those after an unconditional top-level `exit`, which never run; for a proof in the paragraph above, not those after a `return` that may end the shell either): not safe when first comes an `apt-get`/`apt` `install`, `reinstall`, `build-dep`, `satisfy`, `source`, `download` or upgrade (also inside `sh -c \'…\'`, in a command substitution, `out=$(apt-get install -y git)` or backquotes, which the shell runs as it expands the command\'s words, POSIX 2.6.3, and in a here-document a shell reads as its script, `bash <<\'EOS\'` or `cat <<\'EOS\' | sh` in a `RUN <<EOF` script, where one it cannot read, an unquoted delimiter with a `\\` in the body, counts as a command whose effect cannot be seen; review 56a, F1), or a command whose effect cannot be seen — a script or program given by path (`./build.sh`, `/tmp/install-nginx`, `bin/setup`), `make`, a shell or interpreter running a file, piped input or inline code (`curl … | sh`, `python x.py`, `php -r`), a program named by a variable, `find` with an action that runs such a program, apt or a shell (`find /tmp/debs -name \'*.deb\' -exec apt-get install -y {} +`, `-execdir sh -c \'…\'`; POSIX find: `-exec` and `-ok` run the utility named for each file found; review 55c, F6), or any program not known to leave apt alone. Known: shell builtins, file and text tools, archivers, `curl`/`wget`/`git`/`gpg`, user, locale and certificate setup, `dpkg` and the apt tools that do not read the lists (`apt-mark`, `add-apt-repository`); `apt-cache` reads them (`apt-cache madison nginx` finds no version without them), so it counts as a reader, and so do `apt show`, `policy`, `list`, `search`, `depends`, `rdepends` and `apt-get changelog`, and `apt-get remove`/`purge` of packages by name (a name that is not installed is "not installed, so not removed" with the lists and "Unable to locate package", a failed build, without them: Docker\'s documented "uninstall old versions" step; `autoremove` reads only what is installed), compilers and `cmake`/`ninja`/`meson`, and the package managers and build tools of other ecosystems whatever their subcommand (`npm ci`, `yarn build`, `go build`, `cargo`, `pip install`, `bundle`, `composer`, `mvn`, `gradle`, `docker-php-ext-install`). A RUN with a cache, tmpfs or bind mount over `/var/lib/apt/lists` does not read the layer\'s lists and is not counted. (3) A container of this stage or of a stage built on it may install as it starts: every CMD, ENTRYPOINT and HEALTHCHECK CMD of those stages (shell form, exec form, the script of `["sh", "-c", "…"]`) is read the same way, in order until its own `apt-get update`; not safe when it installs or reads the lists (`sh -c \'apt-get install -y $EXTRA_PACKAGES && exec …\'`) or runs a script the Dockerfile does not show: a shell given a file, `.`/`source`, a program given by a path outside the system directories (`/docker-entrypoint.sh`, `./run`), a program named by a variable, or a `*.sh` named anywhere in the command (`docker-entrypoint.sh`, `tini -- /entrypoint.sh`; through `tini`, `dumb-init`, `gosu` and `su-exec`). The application itself (`python3 -m app`, `nginx -g …`, `exec "$@"`) is not counted. (4) Another Dockerfile may be built on this image through compose (review 40b): a compose service builds this Dockerfile into an image that holds the stage (its `build.target`, or the final stage), and a service of the compose files read around it (or another `compose.*.yaml` beside the one that builds it) builds a Dockerfile whose `FROM` names that image (`image: acme/base:local` and `FROM acme/base:local`, also through `build.args` or ARG defaults; compared by repository, whatever the tag and registry host, a variable without a value standing for any text) or gives it as `additional_contexts: { base: "service:<name>" }`, or this cannot be known (a build whose Dockerfile cannot be read, an unreadable `extends:`, a folder that cannot be listed): that Dockerfile\'s steps are not read here, so the fix is not safe. A service that only runs the image does not count (nothing installs at build time there; its start commands are this Dockerfile\'s, judged in (3)). When in doubt the fix is not safe: the check cannot see installs in images built FROM this image outside the compose files. Not offered either when a function the RUN calls, or the text of an `eval` it runs, may end the shell with success (`exit`, `exit 0`, `exec prog`): the appended command might never run. Nor when the RUN sets an EXIT trap whose action may not be read as above or runs more than `echo`, `printf`, `:`, `true`, `false`, `date`, `sleep` or `pwd`: it runs after the appended command, and may clean already or undo the cleanup.',
    guideline: '§6 Image Build Security — "Clean up – remove unnecessary packages", "Minimize layers"',
    equivalents: ['hadolint DL3009 (delete the apt-get lists after installing something)', 'KICS "Apt Get Install Lists Were Not Deleted" (df746b39-6564-4fed-bf85-e9c44382303c)'],
    references: [
      'https://www.gnu.org/software/bash/manual/html_node/Lists.html',
      'https://docs.docker.com/build/building/best-practices/#apt-get',
      'https://github.com/hadolint/hadolint/wiki/DL3009',
      'https://docs.kics.io/latest/queries/dockerfile-queries/df746b39-6564-4fed-bf85-e9c44382303c',
      'https://docs.docker.com/build/cache/optimize/#use-cache-mounts',
      'https://docs.docker.com/build/building/multi-stage/#use-a-previous-stage-as-a-new-stage',
      'https://github.com/moby/buildkit/pull/6153',
      'https://www.gnu.org/software/bash/manual/html_node/The-Set-Builtin.html',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#set',
      'https://man7.org/linux/man-pages/man1/return.1p.html',
      'https://www.gnu.org/software/bash/manual/html_node/Bourne-Shell-Builtins.html',
      'https://docs.docker.com/reference/dockerfile/#shell',
      'https://www.gnu.org/software/bash/manual/html_node/Shell-Functions.html',
      'https://pubs.opengroup.org/onlinepubs/009695299/utilities/eval.html',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/command.html',
      'https://www.gnu.org/software/bash/manual/html_node/Bash-Builtins.html',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#trap',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#tag_19_07_04',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/sh.html',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#exit',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#exec',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#tag_19_06_03',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/wait.html',
    ],
  },
  check(ctx) {
    const out = [];
    const builders = copySourceOnlyStages(ctx, { stageCandidates: true });
    for (const run of ctx.runs()) {
      if (run.stage && builders.has(run.stage)) continue;
      // A RUN that defines a function or runs `eval` (or whose shells' scripts do) is read in the order its shell runs
      // it, the scripts of the shells it starts where they run (runOrder, review54a F3).
      const order = runOrder(run);
      if (order.special) {
        const found = mountsCacheOver(run, (t) => covers(t, APT_LISTS)) ? undefined : leakInOrder(ctx, run, order);
        if (found) out.push(found);
        continue;
      }
      // The quoted script of a shell the RUN starts (`sh -c '…'`) and the here-document a shell reads (`bash <<'EOS'`)
      // are read too, in document order (stringScriptsOf), as DF031 and DF032 read them.
      // So are those of its command substitutions (`x=$(apt-get install -y curl)`: substitutionPackageCommands).
      const subs = substitutionPackageCommands(run);
      const pcs = subs.length === 0 ? packageCommandsOfInStrings(ctx, run) : [...packageCommandsOfInStrings(ctx, run), ...subs].sort((a, b) => a.command.start - b.command.start);
      // Only a RUN that downloads the lists itself is judged: a RUN that installs from lists an
      // earlier layer fetched cannot shrink that layer, and removing them there would break later
      // RUNs that install from the same lists (the orphan update is DF033's finding).
      // What follows an unconditional `exit`/`exec` never runs: no update, install or cleanup there (mayRun); what follows
      // a top-level `return` may, in bash: an install there counts, a cleanup does not (reachedCommandsOf).
      const update = pcs.find((pc) => pc.family === 'apt' && pc.action === 'update' && mayRun(run, pc.command));
      if (!update) continue;
      const installs = pcs.filter((pc) => pc.family === 'apt' && pc.command.start > update.command.start && APT_INSTALLING.has(pc.action) && pc.action !== 'source' && pc.action !== 'download' && !aptSimulates(pc) && mayRun(run, pc.command));
      if (installs.length === 0) continue;
      if (mountsCacheOver(run, (t) => covers(t, APT_LISTS))) continue;
      const last = installs[installs.length - 1];
      // The cleanups that count: reached, removing the lists, not in a background job the shell may not wait for (asked of
      // the cleanups alone: a long RUN has one or two among its 50-100 commands).
      const cleanups = reachedCommandsWithStringsOf(run).filter((cmd) => cleansAptLists(cmd) && !runsInBackground(run, cmd));
      // Not one that a success exit may skip (`… || exit 0; rm …`, `if …; then exit 0; fi; rm …`): the RUN may end with the lists.
      // Nor one before the `wait` that waits for an update or install in a background job, or after one not waited for
      // (doneAt: `apt-get update & apt-get install -y curl; rm -rf /var/lib/apt/lists/*`): the update may write the lists
      // after it (waitpid).
      const from = listsDoneAt(run, [...pcs.filter((pc) => pc.family === 'apt' && pc.action === 'update' && pc.command.start < last.command.start && mayRun(run, pc.command)).map((pc) => pc.command), ...installs.map((pc) => pc.command)]);
      if (cleanups.some((cmd) => cmd.start > from && !successExitBetween(run, last.command, cmd))) continue;
      // Reported on the first install after the last cleanup: an install that an `rm -rf
      // /var/lib/apt/lists/*` later in the RUN cleans up is not the one that leaves the lists.
      let lastCleanup = -1;
      for (const cmd of cleanups) if (cmd.start < last.command.start) lastCleanup = cmd.start;
      const leaking = installs.find((pc) => pc.command.start > lastCleanup) ?? last;
      // An install run with sudo runs as a user that cannot delete root's lists: the cleanup needs sudo too (review 33, probe p03).
      const cleanup = runsWithSudo(last) ? `sudo ${CLEANUP}` : CLEANUP;
      out.push({ range: toolRange(ctx, leaking), data: { tool: leaking.display, action: leaking.action, runLine: run.instruction.getRange().start.line, cleanup } });
    }
    return out;
  },
  message(d) {
    return `'${d.tool} ${d.action}' leaves the apt package lists (/var/lib/apt/lists) in this layer; remove them at the end of the same RUN (${d.cleanup}).`;
  },
  fix(ctx, { data }) {
    const run = runAtLine(ctx, data.runLine);
    if (!run) return undefined;
    // A later step that certainly installs from these lists would fail: never offered, not even as a quick fix.
    if (laterStepProvenToNeedLists(ctx, run)) return undefined;
    const appended = appendToRun(ctx, run, data.cleanup);
    if (!appended) return undefined;
    // A cleanup the user wrote after the terminator (`… && exit 0 && rm …`) never ran: the one put before it replaces it.
    const removal = deadCleanupRemoval(ctx, run, data.cleanup);
    const edits = removal && ctx.offsetAt(removal.range.start) >= ctx.offsetAt(appended.edit.range.end) ? [appended.edit, removal] : [appended.edit];
    // Stages that build on this one start from its filesystem: one that installs without its own
    // `apt-get update` (or runs a script that may) would fail with "Unable to locate package".
    // With sudo, a quick fix only: the image's sudoers rules may allow apt-get and not rm (review 34, probe sudo30).
    // An update or install in a background job not waited for (`apt-get install -y curl &`, `sh -c 'apt-get install …' &`)
    // may still be running when the appended cleanup runs, and write the lists after it: no cleanup after it counts
    // (doneAt), so none appended can be right (waitpid; it was a quick fix before).
    if (installsInBackground(ctx, run)) return undefined;
    const safe = appended.safe && !laterStepNeedingLists(ctx, run) && !data.cleanup.startsWith('sudo ');
    return { title: 'Remove the apt lists in the same RUN', safe, changes: [{ kind: 'edit', path: ctx.path, edits }] };
  },
});
