import { defineRule } from '../engine/rule';
import { baseName, programName, SHELL_BUILTINS, wordsWithoutRedirections, type SimpleCommand, type Word } from '../engine/shell';
import { invocation } from '../engine/run-commands';
import { closingCommand, functionBodyEnd, functionDefinitions } from '../engine/script-structure';
import { userAt, type RunUser } from '../engine/df-instructions';
import { stageChain } from '../engine/stage-scope';
import type { RunInstruction, RunScript } from '../engine/dockerfile';
import { outermostScript, stringScriptsOf } from '../engine/script-strings';
import type { Range } from '../engine/types';

interface Data {
  /** Who the RUN runs as where `sudo` is used. */
  user: RunUser;
  onbuild: boolean;
  /** What follows `sudo`: a program (`sudo apt-get`), an option (`sudo -u app …`), or nothing. */
  next: 'program' | 'option' | 'none';
  /** `sudo` and the blanks after it, when removing them is exact; else null. */
  removeRange: Range | null;
  /** The user `-u`/`--user` names (`sudo -u app …` runs the step as that user), else null. */
  asUser: string | null;
  /**
   * Whether the command may read an environment that sudo resets and removing it would pass on: an
   * assignment before `sudo` (`FOO=1 sudo make`), or an ENV or ARG of the stage (or a stage it builds
   * on) before the RUN. sudoers' env_reset and secure_path drop them: without sudo, `PIP_INDEX_URL` or
   * a venv's PATH would apply.
   */
  environmentPassesOn: boolean;
  /**
   * The command sudo runs, when without sudo the shell itself would run it and do something else: a
   * shell builtin or reserved word (`sudo cd /tmp`, `sudo umask 0077`, `sudo exec …`), `echo` with an
   * option or a backslash that sh's own echo reads otherwise, or a function the script defines. Else null.
   */
  inShell: string | null;
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * Whether a command before `cmd` in its script exports variables to the commands after it: `export FOO=1`,
 * `declare -x`/`typeset -x`, `set -a` / `set -o allexport`, or `.`/`source` of a file (which may do any of these).
 * sudo drops them (env_reset); without sudo they reach the command (`export PIP_INDEX_URL=… && sudo pip install …`).
 * Also a `umask` (or an `eval`, which may run one): sudo runs the command with the union of the caller's umask and
 * its own, 0022 by default (sudoers(5), `umask`), so after `umask 0002` the files it creates get other modes
 * without sudo (review 55c, F5). A function the script defines is read in its commands, in text order. When `cmd` is
 * in a function's body or a loop's, a command written after it may run before it (`mk() { sudo mkdir …; }; umask 0002;
 * mk`, the next round of `for …; do sudo …; umask 0002; done`): the whole script is read (review56b, F3).
 */
function exportsBefore(commands: readonly SimpleCommand[], cmd: SimpleCommand): boolean {
  const whole = mayRunAfterLaterCommands(commands, commands.indexOf(cmd));
  for (const c of commands) {
    if (c === cmd && !whole) return false;
    if (c.programIndex < 0) continue;
    let name = baseName(c.words[c.programIndex].value);
    let args = c.words.slice(c.programIndex + 1).map((w) => w.value);
    // `builtin umask 0002`, `command export X=1`: the builtin they name.
    while ((name === 'builtin' || name === 'command') && args.length > 0 && !args[0].startsWith('-')) [name, ...args] = args;
    if (name === 'export' || name === 'source' || name === '.' || name === 'umask' || name === 'eval') return true;
    if ((name === 'declare' || name === 'typeset') && args.some((a) => /^-[A-Za-z]*x/.test(a))) return true;
    if (name === 'set' && args.some((a, i) => /^-[A-Za-z]*a/.test(a) || (a === '-o' && args[i + 1] === 'allexport'))) return true;
  }
  return false;
}

/** The loops whose body runs again after the commands written below it in the body. */
const LOOPS: ReadonlySet<string> = new Set(['while', 'until', 'for', 'select']);

/**
 * Whether the command at index `at` is in a function's body (the function may be called after commands written below
 * the definition) or in a loop's body (its next round comes after the commands below it in the body), or in one whose
 * end cannot be told (functionBodyEnd, closingCommand: -1).
 */
function mayRunAfterLaterCommands(commands: readonly SimpleCommand[], at: number): boolean {
  if (at < 0) return false;
  for (const def of functionDefinitions(commands)) {
    if (at < def.at) continue;
    const end = functionBodyEnd(commands, def);
    if (end < 0 || at <= end) return true;
  }
  for (let k = 0; k <= at; k++) {
    const c = commands[k];
    const lead = c.programIndex >= 0 ? c.programIndex : c.words.length;
    for (let w = 0; w < lead; w++) {
      if (!LOOPS.has(c.words[w].value)) continue;
      const end = closingCommand(commands, k, w);
      if (end < 0 || at <= end) return true;
    }
  }
  return false;
}

/** Whether an ENV or ARG of the RUN's stage, or of a stage it builds on, comes before it. */
function setsEnvironmentBefore(run: RunInstruction): boolean {
  if (!run.stage) return true;
  for (const stage of stageChain(run.stage)) {
    for (const ins of stage.instructions) {
      if (ins === run.instruction) break;
      const kw = ins.getKeyword();
      if (kw === 'ENV' || kw === 'ARG') return true;
    }
  }
  return false;
}

/**
 * The command a `sudo` without options runs (the word after it, past sudo's `NAME=value` words) when,
 * without sudo, the shell would run something else in its place (Data.inShell); null otherwise, and
 * '' when sudo names no command at all (`sudo X=1`: without sudo, an assignment to the shell).
 *
 * sudo always runs a separate program: `sudo cd /tmp` runs a `cd` executable (Fedora's `/usr/bin/cd`, a
 * script `builtin cd "$@"` that changes only its own directory) or fails where there is none (Debian:
 * "sudo: cd: command not found"); it never changes the RUN's shell. Without sudo the builtin runs in
 * the shell: `cd /tmp && make install` then runs make in /tmp, `umask 0077` applies to the files
 * created after it, `exec prog` replaces the shell so nothing after it runs. The same for a function
 * the script defines (`f() { …; }; sudo f`: sudo cannot run it), and for `echo` with `-e`/`-E` or a
 * backslash, which dash's built-in echo (Debian's and Ubuntu's /bin/sh) reads otherwise than /bin/echo.
 */
function runsOtherwiseInShell(script: RunScript, afterSudo: readonly Word[]): string | null {
  const command = afterSudo.find((w) => !ASSIGNMENT.test(w.raw));
  if (!command) return '';
  const name = command.value;
  if (SHELL_BUILTINS.has(name)) return name;
  if (name === 'echo' && afterSudo.slice(afterSudo.indexOf(command) + 1).some((w) => /^-n*[eE][neE]*$/.test(w.value) || w.value.includes('\\'))) return name;
  return definesFunction(script, name) ? name : null;
}

/** Whether a script defines a shell function of this name (`name() { …; }`, `function name { …; }`). */
function definesFunction(script: RunScript, name: string): boolean {
  return script.commands.some((c) => c.programIndex >= 0 && ((c.next === '(' && c.words[c.programIndex].value === name) || (c.words[c.programIndex].value === 'function' && c.words[c.programIndex + 1]?.value === name)));
}

/** Wrappers that may run what they start as another user (`sudo -u app sh -c '…'`, `chroot --userspec=app / sh -c '…'`). */
const SWITCHES_USER = new Set(['sudo', 'doas', 'chroot']);

/**
 * Whether a script string runs as the user of its RUN: its shell is started by the RUN's script itself or
 * through wrappers that keep the user (`timeout 60 sh -c '…'`, `env X=1 bash -c '…'`), not by `su app -c '…'`,
 * `sudo -u app sh -c '…'`, `doas`, `chroot`.
 */
function runsAsItsRun(script: RunScript): boolean {
  for (let s = script; s.host; s = s.host.script) {
    const cmd = s.host.script.commands[s.host.index];
    const inv = invocation(cmd);
    if (!inv || inv.name === 'su' || inv.wrappers.some((i) => SWITCHES_USER.has(baseName(cmd.words[i].value)))) return false;
  }
  return true;
}

/**
 * Where a command runs sudo: as its program, or behind the wrappers that start it (`timeout 300 sudo apt-get …`,
 * `env X=1 sudo make`, `xargs sudo rm`, `nice sudo …`); -1 when it does not.
 */
function sudoIndex(cmd: SimpleCommand): number {
  if (programName(cmd) === 'sudo') return cmd.programIndex;
  const inv = invocation(cmd);
  if (!inv) return -1;
  for (const i of inv.wrappers) if (baseName(cmd.words[i].value) === 'sudo') return i;
  return -1;
}

/** The user a sudo command line switches to (`-u app`, `-uapp`, `--user=app`, `--user app`), or null. */
function sudoUser(words: readonly string[]): string | null {
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (!w.startsWith('-') || w === '--') return null; // the command starts
    if (w === '-u' || w === '--user') return words[i + 1] ?? null;
    if (w.startsWith('--user=')) return w.slice('--user='.length) || null;
    if (/^-[A-Za-z]*u./.test(w)) return w.slice(w.indexOf('u') + 1);
    if (/^-[A-Za-z]*u$/.test(w)) return words[i + 1] ?? null;
  }
  return null;
}

export default defineRule<'dockerfile', Data>({
  code: 'DF011',
  name: 'sudo-in-run',
  kind: 'dockerfile',
  severity: 'warning',
  fixable: 'sometimes',
  docs: {
    summary: 'A RUN uses `sudo` as a command.',
    what: 'Flags `sudo` used as a command in a RUN instruction of any stage: shell form, exec (JSON) form, heredoc scripts and ONBUILD RUN triggers; also started by another wrapper (`timeout 300 sudo …`, `nice -n 10 sudo …`, `env X=1 sudo …`, `xargs sudo …`); also inside the quoted script of a shell the RUN starts (`sh -c "sudo mkdir /data"`, `bash -euxo pipefail -c "…"`, `su app -c \'…\'`, also through wrappers) when the string is one single-quoted string, or a double-quoted one without `\\` or backticks, on one line, and reads its arguments only as whole words (`"$@"`, `"$1"`: the operands its shell is given after `$0`\'s name, POSIX sh -c, read in their place; not `$#`, `"$*"`, `pkg-$1`, nor after `shift` or `set --`): a string with escapes is not read, and a quoted string given to another program (`echo \'…\'`, `grep \'…\'`) is data, and a string inside such a string is not read. Installing the sudo package (`apt-get install sudo`) or mentioning the word elsewhere is not flagged.',
    why: 'Build steps already run as the USER in effect, root unless you changed it, so `sudo` is either a no-op or a sign that the Dockerfile switched to a non-root user and then climbs back to root with a tool that has its own policy files, environment resetting and TTY behaviour (sudo strips ENV variables and may ask for a password). It also leaves the sudo binary and a sudoers grant in the image, which hands any process running as that user a way back to root. SECURITY-GUIDELINES.md §2 "Run as Non-root User": do the root work before `USER`, then drop privileges for good.',
    bad: 'FROM debian:trixie-slim\nRUN sudo apt-get update && sudo apt-get install -y --no-install-recommends curl',
    good: 'FROM debian:trixie-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nUSER 1000',
    fix: '"Remove sudo" deletes the word `sudo` (and the blank after it) when the RUN is known to run as root — an explicit `USER root`/`USER 0` before it, or no USER at all on `scratch` or an official image that runs as root — and `sudo` is directly followed by the command. Not offered after a non-root USER (removing sudo would make the step fail: move it before the USER, or switch to `USER root` for it), when the user is unknown (another base image, an ONBUILD trigger), when sudo has options (`-u app` runs as another user, `-E`/`-H` change the environment), in exec-form RUN, or when the command continues on the next line. Not offered either when, without sudo, the shell would run something else than the program sudo runs: a shell builtin or reserved word with no executable of the same meaning (`cd`, `umask`, `exec`, `export`, `set`, `unset`, `ulimit`, `read`, `source`, `.`, `eval`, `trap`, `wait`, `pushd`, `command`, … — the list of DF040\'s fix), a function the script defines, `echo` with `-e`/`-E` or a backslash (dash\'s built-in echo, Debian\'s and Ubuntu\'s /bin/sh, reads them otherwise than /bin/echo), or no command at all (`sudo X=1`). sudo always starts a separate program: `sudo cd /tmp` runs a `cd` executable (on Fedora a script that changes only its own directory) or fails where there is none (Debian: "sudo: cd: command not found"), and never changes the RUN\'s shell; without sudo the builtin acts on the shell, so `sudo cd /tmp && make install` would run make in /tmp instead of the WORKDIR, `sudo umask 0077 && touch f` would create f with mode 0600, and `sudo exec …` would replace the shell and end the script. The finding stays: decide what the step needs, then drop sudo by hand. As root, sudo in front of a program only resets the environment (sudoers\' env_reset and secure_path), so the fix is safe when nothing in that environment would change what runs: not safe (a quick fix to review) when an assignment comes before `sudo` (`FOO=1 sudo make install`, `env FOO=1 sudo make install`, or an earlier `export FOO=1`, `set -a`, `declare -x`, `eval` or `.`/`source` in the script: FOO would reach make), or an earlier `umask` in the script (sudo runs the command with the union of the caller\'s umask and its own, 0022 unless sudoers sets another — sudoers(5), `umask`, https://www.sudo.ws/docs/man/sudoers.man/ —, so after `umask 0002` a `sudo mkdir` makes a folder without group write, and the same `mkdir` without sudo one with it) — for a `sudo` in a function\'s body or a loop\'s, such a command anywhere in the script, since one written after it may run first (`mk() { sudo mkdir -p "$1"; }; umask 0002; mk /srv/shared`, the next round of `for d in …; do sudo mkdir -p "$d"; umask 0002; done`) — or an ENV or ARG of the stage, or of a stage it builds on, comes before the RUN (`ENV PIP_INDEX_URL=…` or a venv\'s `ENV PATH=…` would apply to the command once sudo no longer resets them). Inside the script string of a shell (`sh -c \'sudo make install\'`) the removal is offered only when that shell runs as the RUN does — started by the RUN\'s script itself or through wrappers that keep the user (`timeout`, `env`, `nice`), not by `su app -c`, `sudo -u app` or `doas` (who runs the string is then unknown, and nothing is offered) — and is never safe: the string\'s shell gets whatever the outer script gives it (`FOO=1 sh -c \'sudo make\'`, an earlier `export`), which sudo resets and the command would see without it.',
    guideline: '§2 Container Runtime Security — "Run as Non-root User"; Security Checklist — "Non-root user in Dockerfile"',
    equivalents: ['hadolint DL3004 (do not use sudo)', 'Trivy DS-0010 (RUN using sudo)', 'Checkov CKV2_DOCKER_1 (ensure that sudo isn\'t used)', 'KICS "Run Using Sudo"'],
    references: ['https://github.com/hadolint/hadolint/wiki/DL3004', 'https://docs.docker.com/reference/dockerfile/#user', 'https://docs.docker.com/build/building/best-practices/#user', 'https://www.sudo.ws/docs/man/sudoers.man/'],
  },
  check(ctx) {
    const out = [];
    for (const run of ctx.runs()) {
      // The RUN's scripts and the quoted scripts of the shells they start (`sh -c 'sudo …'`).
      for (const script of [...run.scripts, ...stringScriptsOf(run)]) {
        for (const cmd of script.commands) {
          const at = sudoIndex(cmd);
          if (at < 0) continue;
          const word = cmd.words[at];
          // What sudo is given, redirections aside: `sudo 2>/dev/null -u root apt-get …` has options (removing sudo would run `-u`).
          const after = wordsWithoutRedirections(cmd.words.slice(at + 1));
          const nextWord = after[0];
          const next: Data['next'] = !nextWord ? 'none' : nextWord.value.startsWith('-') ? 'option' : 'program';
          const user: RunUser = run.onbuild || !run.stage || !runsAsItsRun(script) ? 'unknown' : userAt(ctx, run.stage, run.instruction);
          let removeRange: Range | null = null;
          if (user === 'root' && next === 'program' && !outermostScript(script).json && nextWord) {
            // Up to the word after sudo: a redirection there stays, and applies to the command (`>/dev/null apt-get …`).
            const following = cmd.words[at + 1];
            const between = ctx.text.slice(word.end, following.start);
            if (/^[ \t]+$/.test(between) && ctx.text.slice(word.start, word.end) === 'sudo') removeRange = ctx.rangeOfOffsets(word.start, following.start);
          }
          const asUser = next === 'option' ? sudoUser(after.map((w) => w.value)) : null;
          // An assignment before sudo (`FOO=1 sudo …`, `env FOO=1 sudo …`) reaches the command once sudo is gone; wrappers that only start it (`timeout 300 sudo …`) pass nothing on.
          // In a script string, whatever the outer script gives its shell (`FOO=1 sh -c 'sudo make'`, an earlier `export FOO=1`) does.
          const environmentPassesOn = script.inString === true || cmd.words.slice(0, at).some((w) => ASSIGNMENT.test(w.raw)) || exportsBefore(script.commands, cmd) || setsEnvironmentBefore(run);
          const inShell = next === 'program' ? runsOtherwiseInShell(script, after) : null;
          out.push({ range: ctx.rangeOfOffsets(word.start, word.end), data: { user, onbuild: run.onbuild, next, removeRange, asUser, environmentPassesOn, inShell } });
        }
      }
    }
    return out;
  },
  message(d) {
    if (d.user === 'non-root') return 'sudo in RUN climbs back to root after a non-root USER; do this step before USER (or under USER root) and keep sudo out of the image.';
    // `sudo -u app` drops privileges for the step: removing it would run the step as root.
    if (d.asUser !== null && !/^(?:root|0|#0)$/.test(d.asUser)) return `sudo -u ${d.asUser} in RUN runs this step as ${d.asUser}; use USER ${d.asUser} for it (or setpriv/gosu) and keep sudo and its sudoers grant out of the image.`;
    if (d.user === 'root' && d.next === 'option') return 'sudo in RUN as root only changes the environment (its options); run the command without sudo, setting what it needs with ENV or export.';
    // `sudo cd /tmp`: sudo runs a separate program, without it the shell runs its own builtin (no fix).
    if (d.user === 'root' && d.inShell) return `sudo in RUN is redundant (the step already runs as root), but removing it changes the step: sudo runs ${d.inShell} as a separate program (or fails where there is none), while without sudo the shell runs its own ${d.inShell}; decide which the step needs, then drop sudo.`;
    if (d.user === 'root') return 'sudo in RUN is redundant: the step already runs as root. Remove it.';
    return 'sudo in RUN: build steps run as the USER in effect; run root steps before switching USER instead of using sudo.';
  },
  fix(ctx, { data }) {
    // Without sudo the shell would run a builtin, a function or its own echo instead of a program: not the same step.
    if (!data.removeRange || data.inShell !== null) return undefined;
    return { title: 'Remove sudo', safe: !data.environmentPassesOn, changes: [{ kind: 'edit', path: ctx.path, edits: [{ range: data.removeRange, newText: '' }] }] };
  },
});
