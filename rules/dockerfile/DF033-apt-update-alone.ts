import { defineRule } from '../engine/rule';
import { APT_INSTALLING, aptActionOf, aptActionOfCommand, changesShellState, cleansAptLists, mayRun, reachedCommandsWithStringsOf, shellCommandsOf, flagKey, joinAdjacentRuns, moveRunInto, nonPosixShellAt, packageCommandsOf, packageCommandsOfInStrings, runAtLine, toolRange, type PackageCommand } from '../engine/packages';
import { invocation, shellProgramSource } from '../engine/run-commands';
import { baseName, identityOffsets, parseShell, redirectionWidth, type SimpleCommand } from '../engine/shell';
import type { Instruction } from 'dockerfile-ast';
import type { DockerfileContext, RunInstruction } from '../engine/dockerfile';
import { mayRunPackageManager, SHELL_PROGRAMS, substitutedCommands } from '../engine/package-consumers';
import { runOrder, type RunOrder } from '../engine/function-calls';
import { runsInEveryShell } from '../engine/script-reach';
import { stringScriptsOf } from '../engine/script-strings';
import { propertiesOf } from '../engine/stage-scope';
import type { Range, TextEdit } from '../engine/types';

interface Data {
  /** `apt-get` or `apt`, as written. */
  tool: string;
  /** First line of the RUN, to find it again for the fix. */
  runLine: number;
}

/** Instructions that may stand between the update and the install without changing what the update does. */
const TRANSPARENT = new Set(['ENV', 'ARG', 'LABEL']);

function installsWithApt(pc: PackageCommand): boolean {
  return pc.family === 'apt' && APT_INSTALLING.has(pc.action);
}

/**
 * Whether a command runs what the RUN does not show, which may install: a script it sources (`. ./install.sh`,
 * `source setup.sh`), a script file it runs (`./install-deps.sh`, `sudo /tmp/setup.bash`, `bash install.sh`), a
 * program named by an expansion (`$INSTALLER curl`, `` `which apt-get` install … ``), a shell that reads its script
 * from standard input (no operand, or `-s`: shellProgramSource) fed by a pipe or a file (`curl … | sh`, `| sh -s --
 * --with-deps`, `sh < /tmp/install.sh`; POSIX sh: with no operand and no `-c`, `-s` is assumed and the commands are
 * read from standard input), or a shell's `-c` string that does any of these (`sh -c ./install.sh`, `sh -c ". file"`,
 * `bash -c "$(curl …)"`, whose text comes from an expansion). The update is then not said to run "without an install".
 * `run`: the RUN the command belongs to; `depth`: how deep in `-c` strings.
 */
function mayInstallUnseen(run: RunInstruction, cmd: SimpleCommand, depth = 0): boolean {
  const inv = invocation(cmd);
  if (!inv) return false;
  const raw = cmd.words[inv.index].raw;
  if (raw.includes('$') || raw.includes('`')) return true;
  if (inv.name === '.' || inv.name === 'source' || /\.(?:sh|bash)$/.test(inv.name)) return true;
  // BusyBox's shell applets (`busybox sh …`, `busybox ash -s -- --yes`): the applet, then the shell's arguments.
  const args = inv.name === 'busybox' && SHELL_PROGRAMS.has(baseName(inv.args[0]?.value ?? '')) ? inv.args.slice(1) : inv.args;
  if (args === inv.args && !SHELL_PROGRAMS.has(inv.name)) return false;
  // `bash [options] FILE`, `-c STRING` or standard input (shellProgramSource).
  const source = shellProgramSource(args.map((w) => w.value));
  if (source.from === 'file') return true;
  if (source.from === 'stdin') return readsUnseenInput(run, cmd, depth);
  // The `-c` string, read as a script (its words as the shell gets them): what it runs is judged the same way.
  const word = source.index === undefined ? undefined : args[source.index];
  if (!word || depth >= 4) return !!word;
  const inner = parseShell({ text: word.value, offsets: identityOffsets(word.value.length + 1) });
  return inner.some((c) => mayInstallUnseen(run, c, depth + 1));
}

/**
 * Whether a shell that reads its script from standard input gets one the RUN does not show there: through a pipe
 * (`curl … | sh`), or from a file (`sh < /tmp/install.sh`) other than /dev/null. Not a heredoc (`bash <<EOF`, `cat
 * <<EOF | sh`), which the RUN shows and which is read as a script of its own, nor no input at all (a RUN's standard
 * input is empty). A shell's here-document inside a script (`bash <<EOS`) is shown when it is read as a script of its
 * own (stringScriptsOf), and then what that script runs is judged the same way; one that is not read (an unquoted
 * body with a `\` or a backquote, a here-document inside another) is not shown (review54a F4).
 */
function readsUnseenInput(run: RunInstruction, cmd: SimpleCommand, depth: number): boolean {
  if (run.scripts.some((s) => s.heredoc && (s.feeder === cmd || s.pipedInto?.includes(cmd)))) return false;
  if (cmd.prev === '|') return true;
  if (cmd.hereDocs?.some((d) => d.fd === 0)) {
    const script = stringScriptsOf(run).find((s) => s.host !== undefined && s.host.script.commands[s.host.index] === cmd);
    return !script || depth >= 4 || script.commands.some((c) => mayInstallUnseen(run, c, depth + 1));
  }
  for (let k = 0; k < cmd.words.length; k++) {
    const width = redirectionWidth(cmd.words, k);
    if (width === 0) continue;
    const m = /^0?<(?![<&>])(.*)$/.exec(cmd.words[k].raw);
    if (m && (width === 2 ? cmd.words[k + 1].value : m[1]) !== '/dev/null') return true;
    k += width - 1;
  }
  return false;
}

/**
 * Whether the command substitutions of a command (substitutedCommands: `x=$(apt-get install -y curl)`, `echo "$(…)"`)
 * install with apt, read the lists with aptitude or run what the RUN does not show (mayInstallUnseen): they run when
 * the command is expanded (POSIX 2.6.3 Command Substitution).
 */
function substitutionMayInstall(run: RunInstruction, cmd: SimpleCommand): boolean {
  return substitutedCommands(cmd).some((c) => {
    const inv = invocation(c);
    const action = inv ? aptActionOf(inv.name, inv.args.map((w) => w.value)) : null;
    return (action !== null && APT_INSTALLING.has(action)) || aptitudeReadsLists(c) || mayInstallUnseen(run, c);
  });
}

/** aptitude's actions that read the package lists. */
const APTITUDE_READING = new Set(['install', 'reinstall', 'build-dep', 'build-depends', 'safe-upgrade', 'full-upgrade', 'upgrade', 'dist-upgrade', 'download', 'source']);
/** aptitude's short options that take a value (`-o Opt=v`, `-t release`, `-F fmt`, `-w width`, `-S file`, `-O order`). */
const APTITUDE_VALUE_OPTIONS = new Set(['-o', '-t', '-F', '-w', '-S', '-O', '--target-release', '--display-format', '--width', '--sort']);

/** Whether a command is `aptitude [options] install …` (or another action that reads the lists), also through wrappers. */
function aptitudeReadsLists(cmd: SimpleCommand): boolean {
  const inv = invocation(cmd);
  if (!inv || inv.name !== 'aptitude') return false;
  for (let k = 0; k < inv.args.length; k++) {
    const v = inv.args[k].value;
    if (APTITUDE_VALUE_OPTIONS.has(v)) k++;
    else if (!v.startsWith('-')) return APTITUDE_READING.has(v);
  }
  return false;
}

/**
 * Variables that apt (its methods, gpgv, the hooks of `apt-get update`) and the download tools beside it
 * read without the RUN naming them: the proxies (`http_proxy`, `HTTPS_PROXY`, `no_proxy`, …), APT's,
 * debconf's and Debian's own (`APT_CONFIG`, `DEBIAN_FRONTEND`, `DEBCONF_*`), where programs and
 * libraries are found (`PATH`, `LD_*`), temporary files, home and keys (`TMPDIR`, `HOME`, `GNUPGHOME`),
 * and certificates (`SSL_CERT_*`, `CURL_CA_BUNDLE`, `REQUESTS_CA_BUNDLE`).
 */
const READ_IMPLICITLY = /^(?:(?:http|https|ftp|all|no)_proxy|APT_\w+|DEBIAN_\w+|DEBCONF_\w+|PATH|LD_\w+|TMPDIR|HOME|GNUPGHOME|SSL_CERT_\w+|CURL_CA_BUNDLE|REQUESTS_CA_BUNDLE)$/i;

/** Whether a text holds a name as a whole word (`$SUITE`, `${SUITE:-x}`, `env | grep SUITE`), not inside a longer name. */
function namesVariable(text: string, name: string): boolean {
  const ident = /[A-Za-z0-9_]/;
  for (let k = text.indexOf(name); k !== -1; k = text.indexOf(name, k + 1)) {
    if (!ident.test(text[k - 1] ?? ' ') && !ident.test(text[k + name.length] ?? ' ')) return true;
  }
  return false;
}

/**
 * Whether an ENV or ARG standing between the update's RUN and the install's may change what the update
 * does once it moves below it: it sets a variable the update's RUN names (`${SUITE}-backports` under
 * `ARG SUITE=trixie`), one that apt reads implicitly (READ_IMPLICITLY), or any variable when the RUN
 * runs a program whose commands the Dockerfile does not show (a script, which may read it). An ARG
 * without a value counts too: a `--build-arg` sets it from there on.
 */
function changesTheUpdate(ctx: DockerfileContext, ins: Instruction, run: RunInstruction): boolean {
  const names = propertiesOf(ins).map((p) => p.getName());
  if (names.length === 0) return false;
  const text = run.scripts.map((s) => s.source.text).join('\n');
  if (names.some((n) => READ_IMPLICITLY.test(n) || namesVariable(text, n))) return true;
  const apt = new Set(packageCommandsOf(ctx, run).map((pc) => pc.command));
  return shellCommandsOf(run).some((cmd) => !apt.has(cmd) && mayRunPackageManager(run, cmd));
}

/**
 * The next RUN of the stage when only ENV/ARG/LABEL stand before it (no ENV or ARG that changes what
 * the update does: changesTheUpdate), with whether it follows directly.
 */
function nextRun(ctx: DockerfileContext, run: RunInstruction): { next: RunInstruction; adjacent: boolean } | undefined {
  const stage = run.stage;
  if (!stage || run.onbuild) return undefined;
  const at = stage.instructions.indexOf(run.instruction);
  if (at === -1) return undefined;
  for (let k = at + 1; k < stage.instructions.length; k++) {
    const ins = stage.instructions[k];
    const kw = ins.getKeyword();
    if (kw === 'RUN') {
      const next = runAtLine(ctx, ins.getRange().start.line);
      return next ? { next, adjacent: k === at + 1 } : undefined;
    }
    if (!TRANSPARENT.has(kw) || changesTheUpdate(ctx, ins, run)) return undefined;
  }
  return undefined;
}

/**
 * The lone update of a RUN that defines a function or runs `eval` (runOrder: a function's body runs where it is
 * called, an `eval`'s text where the `eval` stands): an update whose last run is followed by no install, aptitude
 * read or removal of the lists that runs in every shell (a command of a script string counts where its shell is
 * started), and by nothing unknown that may run (an `eval` of text with an expansion, a recursive call, a script the
 * RUN does not show: mayInstallUnseen; it may install). An update in a function that is never called never runs. Its
 * range: the update, or the `eval` whose text holds it.
 */
function loneUpdateInOrder(ctx: DockerfileContext, run: RunInstruction, order: RunOrder): { range: Range; data: Data } | undefined {
  const pcs = new Map<SimpleCommand, PackageCommand>();
  for (const pc of packageCommandsOfInStrings(ctx, run)) pcs.set(pc.command, pc);
  // The commands of the RUN's scripts that start a shell whose script string installs.
  const hosts = new Set<SimpleCommand>();
  for (const p of packageCommandsOfInStrings(ctx, run)) {
    if (!p.inString || !installsWithApt(p) || !runsInEveryShell(run, p.command)) continue;
    let s = p.script;
    while (s.host?.script.inString) s = s.host.script;
    if (s.host) hosts.add(s.host.script.commands[s.host.index]);
  }
  // The scripts of shells the RUN starts (Step.shell) are read where they run: an update there counts (`sh -c 'apt-get
  // update'`: task shell10 item 4), and what follows it there; an install in a string counts through its host too (`hosts`).
  const steps = order.steps;
  // A step of a shell's script runs in every shell when the command that starts it does and it does in its script.
  const everyShell = (s: RunOrder['steps'][number]) => runsInEveryShell(run, s.reach) && (!s.shell || runsInEveryShell(run, s.cmd));
  let lone: number | undefined;
  for (let k = 0; k < steps.length; k++) {
    const step = steps[k];
    if (step.kind !== 'command' || aptActionOfCommand(step.cmd, pcs) !== 'update' || !mayRun(run, step.reach) || (step.shell && !mayRun(run, step.cmd))) continue;
    // Only its last run: the same update may run again after the install (a function called twice).
    if (steps.slice(k + 1).some((s) => s.cmd === step.cmd)) continue;
    const rest = steps.slice(k + 1);
    // Something unknown that may run (an `eval` of text with an expansion, a recursive call), or a script the RUN does
    // not show (mayInstallUnseen), may install.
    if (rest.some((s) => (s.kind === 'unknown' || (s.kind === 'command' && mayInstallUnseen(run, s.cmd))) && mayRun(run, s.reach))) continue;
    const follows = rest.some((s) => {
      if (s.kind !== 'command' || !everyShell(s)) return false;
      const action = aptActionOfCommand(s.cmd, pcs);
      return (action !== null && APT_INSTALLING.has(action)) || hosts.has(s.cmd) || aptitudeReadsLists(s.cmd) || cleansAptLists(s.cmd) || substitutionMayInstall(run, s.cmd);
    });
    if (follows) continue;
    lone = k;
    break;
  }
  if (lone === undefined) return undefined;
  const step = steps[lone];
  const pc = pcs.get(step.cmd);
  const runLine = run.instruction.getRange().start.line;
  if (pc) return { range: toolRange(ctx, pc), data: { tool: pc.display, runLine } };
  const inv = invocation(step.cmd);
  const at = step.evalOf ?? step.reach;
  return { range: ctx.rangeOfOffsets(at.start, at.end), data: { tool: inv?.name ?? 'apt-get', runLine } };
}

function mergeEdits(ctx: DockerfileContext, run: RunInstruction): TextEdit[] | undefined {
  // A function it calls may end the shell first (`exit 0`): the joined commands would not run.
  if (runOrder(run).callEndsShell) return undefined;
  const found = nextRun(ctx, run);
  if (!found) return undefined;
  const { next, adjacent } = found;
  if (!packageCommandsOf(ctx, next).some(installsWithApt)) return undefined;
  if (flagKey(run) !== flagKey(next) || changesShellState(run) || nonPosixShellAt(run.stage, next.instruction.getRange().start.line)) return undefined;
  return adjacent ? joinAdjacentRuns(ctx, run, next) : moveRunInto(ctx, run, next);
}

export default defineRule<'dockerfile', Data>({
  code: 'DF033',
  name: 'apt-update-alone',
  kind: 'dockerfile',
  severity: 'warning',
  fixable: 'sometimes',
  docs: {
    summary: 'A RUN runs `apt-get update` with no install (or other apt command that reads the lists) after it in that RUN.',
    what: 'Flags `apt-get update` / `apt update` in a RUN (any stage, any RUN form, ONBUILD included) where no apt command that reads the package lists (`install`, `reinstall`, `build-dep`, `satisfy`, `upgrade`, `dist-upgrade`, `full-upgrade`, `source`, `download`) follows it in the same RUN (one after an unconditional `exit`, `exec` with a program or `return` at the script\'s top level, or at the end of a `{ …; }` group there, never runs — or, after a `return`, not in every shell: bash goes on — and does not count, nor does a removal of the lists there). Such a command is seen through wrappers (`sudo`, `env`, `nice -n 10`, `eatmydata`, `timeout [options] DURATION`), inside the quoted script of a shell the RUN starts (`sh -c \'apt-get install …\'`, `bash -euxc "…"`, `bash -euxo pipefail -c \'…\'`, `su -c \'…\'`, `su -lc \'…\'`), and aptitude\'s `install`, `reinstall`, `build-dep`, `safe-upgrade`, `full-upgrade`, `download` and `source` read the lists too. An update inside such a string, or in a here-document a shell reads (`RUN sh -c \'apt-get update\'`), is judged the same way, as DF030 reads strings: its lists stay in this layer too; what follows it in its string and in the RUN counts, and a removal of the lists in a string counts as one in the RUN\'s script does; one after the string\'s unconditional `exit` never runs. So is one inside a command substitution of a later command (`out="$(apt-get install -y curl)"`, `echo "$(…)"`, backquotes, nested ones; not text in single quotes, nor `$((…))`), which runs when that command is expanded (POSIX 2.6.3 Command Substitution: "The shell shall expand the command substitution by executing command in a subshell environment"; bash\'s Command Substitution). An update followed in the same RUN by a script the RUN does not show (`. ./install.sh`, `source setup.sh`, `./install-deps.sh`, `sudo bash install.sh`) or by a program named by an expansion (`$INSTALLER curl`) is not reported, nor one followed by a shell that reads its script from standard input (no operand, or `-s`: POSIX sh reads "from a command line string, the standard input, or a specified file", and "If no operands are specified and the -c option is not specified, the -s option shall be assumed") fed by a pipe or a file (`curl -fsSL https://get.docker.com | sh`, `… | sh -s -- --with-deps`, `sh < /tmp/install.sh`, also BusyBox\'s shell applets: `… | busybox sh`, `… | busybox ash -s -- --yes`; not a heredoc the RUN shows, nor `< /dev/null`; a shell\'s here-document inside a script is shown when it is read as a script of its own, and is not when its delimiter is unquoted and its body holds a `\\` or a backquote, which the outer shell rewrites — POSIX 2.7.4: "the <backslash> in the input behaves as the <backslash> inside double-quotes" —, or when it stands inside another such here-document), or by a shell whose `-c` string does any of these or is itself an expansion (`sh -c ./install.sh`, `sh -c ". /tmp/install.sh"`, `bash -c "$(curl -fsSL …)"`): what runs there may install, and the rule does not say \'without an install\' of what it cannot see. A RUN that updates and installs — also across `;`, `||`, newlines or inside one heredoc script — is fine, and so is an update whose lists the same RUN removes again (useless, but it leaves nothing behind). A RUN that defines a function (`name() { …; }`, bash\'s `function name { …; }`) or runs `eval` is read in the order its shell runs it: a function\'s body where the function is called, each time it is called, not where it is defined, and not at all when it is never called (bash\'s Shell Functions: the body "is executed whenever fname is specified as the name of a simple command"); the text of an `eval` whose words hold no expansion where the `eval` stands (POSIX eval: its arguments joined with spaces are read and run by the shell), also behind `command eval` and `builtin eval` (POSIX command and bash\'s builtin run the builtin they name); an `eval` of text with an expansion (`eval "apt-get install -y $PKGS"`), a recursive call or a command named by a variable in such a RUN may install, so an update before it is not reported, and an update in a function that is never called never runs. In a RUN read in the order its shell runs it, an `exit` (any status) or an `exec` of a program that surely runs in the text of an `eval` or in a function\'s `{ …; }` body ends the shell there (POSIX eval: the text "shall be read and executed by the shell"; POSIX exit: the shell exits; POSIX exec: the program replaces it): nothing after it runs, neither the rest of the body nor what follows the call or the `eval` (`eval "exit 0"; apt-get install -y curl`, `eval \'exec true\'; …`, `f() { exit 0; apt-get install -y wget; }; f`). Surely runs: at the top level of its text or body (not in an `if`, a loop, a `case`, a group or a `( … )` body, whose `exit` ends only its subshell), not behind `&&`/`||`, not in a pipe or the background, not after a `return` or an `exit` that may run, reached through calls and `eval`s that stand so; not `builtin exit`, which dash and BusyBox ash do not have. A name called before every definition of it in its text is written (and in no loop) calls none of them (bash manual, Shell Functions: a definition defines the function when it runs; dash says `inst: not found`): `apt-get update; inst; inst() { apt-get install curl; }` installs nothing through that call. Calls and `eval`s nested more than 8 deep are not followed in order (the reading stops there, as for a text it cannot know): what the deeper body or text writes, with the bodies it calls and the texts of the `eval`s it runs, counts as what may run, so an install there is reported (`eval eval eval eval eval eval eval eval eval apt-get install curl`) and a cleanup there does not count. So is what a RUN runs past its first 4,000 steps, as its shell runs it (a helper called thousands of times, or helpers calling helpers): the rest of the script and of each body being run, with the bodies and `eval` texts they name (each once), counts as what may run, so an install written there is reported and a cleanup written there does not count.',
    why: 'Docker caches each RUN as a layer. An update in its own RUN is cached once and reused by every later build, so a later `apt-get install` in another RUN installs from a package index that can be months old — missing security updates or failing when the old versions leave the mirror — and the lists stay in the image as their own layer. SECURITY-GUIDELINES.md §1 "Regular Updates" and §6 "Minimize layers": update and install in one RUN.',
    whySummary: 'An `apt-get update` in a RUN of its own is cached as a layer and reused by later builds, so an install in a later RUN reads a package index that can be months old: missing security updates, or failing once the old versions leave the mirror.',
    bad: 'FROM debian:trixie-slim\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends curl',
    good: 'FROM debian:trixie-slim\nRUN apt-get update \\\n    && apt-get install -y --no-install-recommends curl',
    fix: '"Merge apt-get update into the next RUN" joins the update\'s RUN with the next RUN of the same stage — `RUN apt-get update` + `RUN apt-get install …` → `RUN apt-get update \\` / `    && apt-get install …` in the continuation style and indentation the RUNs already use; comment lines between are kept, but not a `# hadolint ignore=…` pragma (it applies to the instruction below it): with one between them, or above a RUN that would move, no fix is offered. When the install RUN is more than one and-list at its top level (`set -eux; apt-get install …; rm …`), `apt-get update && set -eux; …` would let a failed update through, so it becomes `RUN apt-get update || exit; \\` / `    set -eux; …` (the shell ends with the update\'s status when it fails; the rest runs as it did in its own RUN). When ENV, ARG or LABEL instructions stand between them, the update\'s RUN moves down to the install instead. Offered only when that is exact: the next RUN installs with apt, no other instruction stands between (WORKDIR, USER, SHELL, COPY, ADD… change what the update sees), no ENV or ARG between sets a variable the update\'s RUN names (`${SUITE}-backports` under `ARG SUITE=trixie`: moved below it, the update would read the new value) or one that apt and the tools beside it read without being named (`http_proxy`, `HTTPS_PROXY`, `no_proxy` and the other proxies in either case, `APT_*`, `DEBIAN_*` such as `DEBIAN_FRONTEND`, `DEBCONF_*`, `PATH`, `LD_*`, `TMPDIR`, `HOME`, `GNUPGHOME`, `SSL_CERT_*`, `CURL_CA_BUNDLE`, `REQUESTS_CA_BUNDLE`; an ARG without a value counts, since `--build-arg` sets it), nor any variable when the update\'s RUN runs a script or program whose commands the Dockerfile does not show (as DF030 reads them), both are shell-form without heredocs, their --mount/--network flags are the same, the update\'s RUN does not change shell state (cd, export, set, …) and does not end with a comment, and its shell text terminates (no open quote, `$(`, `if`, `case` or loop). Not offered either when the update\'s RUN has an unconditional `exit`, `exec` with a program or `return` at its top level (the joined commands would never run), or ends its last list with one behind `&&` (`… && exit 0`, `… && { …; exit 0; }`), or has any other that may end the shell with success (`… || exit 0`, `if …; then exit 0; fi`: on that path the joined commands would not run, where in their own RUN they did), or when errexit may be on in it (a SHELL with `-e`, a `set`) and its last command is a compound command, `eval`, `.`/`source` or a call of a function it defines: before `&&` or `||` errexit is ignored inside them (bash\'s The Set Builtin), so under `SHELL ["/bin/bash", "-e", "-c"]` `RUN { false; true; }` fails its build and `{ false; true; } && b` does not. Not offered either when a function the update\'s RUN calls, or the text of an `eval` it runs, may end the shell with success (`exit`, `exit 0`, `exec prog`): the joined commands might never run. Safe.',
    guideline: '§1 Image Security — "Regular Updates"; §6 Image Build Security — "Minimize layers"',
    equivalents: ['Trivy DS-0017 (\'RUN <package-manager> update\' instruction alone)', 'KICS "Update Instruction Alone"', 'hadolint has no direct equivalent (DL3009 covers the lists)'],
    references: [
      'https://docs.docker.com/build/building/best-practices/#apt-get',
      'https://github.com/aquasecurity/trivy-checks/blob/main/checks/docker/update_instruction_alone.rego',
      'https://docs.kics.io/latest/queries/dockerfile-queries/9bae49be-0aa3-4de5-bab2-4c3a069e40cd',
      'https://www.gnu.org/software/bash/manual/html_node/The-Set-Builtin.html',
      'https://www.gnu.org/software/bash/manual/html_node/Shell-Functions.html',
      'https://pubs.opengroup.org/onlinepubs/009695299/utilities/eval.html',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/sh.html',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/command.html',
      'https://www.gnu.org/software/bash/manual/html_node/Bash-Builtins.html',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#tag_19_06_03',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#tag_19_07_04',
      'https://www.gnu.org/software/bash/manual/html_node/Command-Substitution.html',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#exit',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#exec',
    ],
  },
  check(ctx) {
    const out = [];
    for (const run of ctx.runs()) {
      // A RUN that defines a function or runs `eval` is read in the order its shell runs it.
      const order = runOrder(run);
      if (order.special) {
        const found = loneUpdateInOrder(ctx, run, order);
        if (found) out.push(found);
        continue;
      }
      // With those of the script strings and here-documents its shells read (`sh -c 'apt-get update'`: its lists stay in
      // this layer as well), in document order, as DF030 reads them (task shell10 item 4).
      const pcs = packageCommandsOfInStrings(ctx, run);
      for (let k = 0; k < pcs.length; k++) {
        const pc = pcs[k];
        if (pc.family !== 'apt' || pc.action !== 'update' || !mayRun(run, pc.command)) continue;
        // What follows an unconditional `exit`/`exec` never runs, and what follows a top-level `return` does not in dash or
        // ash: an install or cleanup there does not count (runsInEveryShell, reachedCommandsWithStringsOf). Also through a
        // shell's script string (`bash -c 'apt-get install …'`) or aptitude (review 36, probes p54, p13).
        if (pcs.some((p) => p.command.start > pc.command.start && installsWithApt(p) && runsInEveryShell(run, p.command))) continue;
        const after = reachedCommandsWithStringsOf(run).filter((cmd) => cmd.start > pc.command.start);
        if (after.some((cmd) => aptitudeReadsLists(cmd))) continue;
        // A script the RUN does not show, or a program named by an expansion, may install: not said to run without one.
        if (after.some((cmd) => mayInstallUnseen(run, cmd))) continue;
        // An install in a command substitution runs with its command (`x=$(apt-get install -y curl)`: substitutedCommands).
        if (after.some((cmd) => substitutionMayInstall(run, cmd))) continue;
        // Lists removed later in the same RUN leave nothing behind: the update is merely useless.
        if (after.some((cmd) => cleansAptLists(cmd))) continue;
        out.push({ range: toolRange(ctx, pc), data: { tool: pc.display, runLine: run.instruction.getRange().start.line } });
        break;
      }
    }
    return out;
  },
  message(d) {
    return `'${d.tool} update' runs in a RUN without an install: its package lists are cached as their own layer and go stale for later installs; update and install in the same RUN.`;
  },
  fix(ctx, { data }) {
    const run = runAtLine(ctx, data.runLine);
    if (!run) return undefined;
    const edits = mergeEdits(ctx, run);
    if (!edits) return undefined;
    return { title: `Merge ${data.tool} update into the next RUN`, safe: true, changes: [{ kind: 'edit', path: ctx.path, edits }] };
  },
});
