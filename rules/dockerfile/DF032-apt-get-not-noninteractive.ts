import { defineRule } from '../engine/rule';
import { aptAssumesYes, aptConfigBefore, aptSimulates, failureEndsRun, hasOption, insertAfterAction, type PackageCommand } from '../engine/packages';
import { runPackageCommandAt, runPackageCommands } from '../engine/package-consumers';

interface Data {
  /** `apt-get` or `apt`, as written. */
  tool: string;
  /** The prompting subcommand (`install`, `upgrade`, `remove`, …). */
  action: string;
  /** Offset of the tool word, to find the command again for the fix; -1 for one in an `eval`'s text not written one to one in the document (no fix). */
  toolOffset: number;
  /** Whether apt's abort ends the RUN with an error (failureEndsRun): else the RUN may go on without the change. */
  endsRun: boolean;
}

/** apt subcommands that ask for confirmation before changing packages. */
const PROMPTING = new Set(['install', 'reinstall', 'build-dep', 'satisfy', 'upgrade', 'dist-upgrade', 'full-upgrade', 'remove', 'purge', 'autoremove', 'autopurge']);

/**
 * What answering yes makes apt do where its abort used to be tolerated (`|| true`, `;` without `set -e`, `if !`):
 * the title of the quick fix says it (review 47a, F2).
 */
function whatYesDoes(pc: PackageCommand): string {
  if (['remove', 'purge', 'autoremove', 'autopurge'].includes(pc.action) || hasOption(pc, 'auto-remove', 'autoremove')) return 'apt will now remove the packages';
  if (pc.action === 'upgrade') return 'apt will now upgrade the packages';
  if (pc.action === 'dist-upgrade' || pc.action === 'full-upgrade') return 'apt will now upgrade the packages, and may remove some';
  return 'apt will now install or remove the other packages it asked about';
}

export default defineRule<'dockerfile', Data>({
  code: 'DF032',
  name: 'apt-get-not-noninteractive',
  kind: 'dockerfile',
  severity: 'warning',
  fixable: 'sometimes',
  docs: {
    summary: 'An apt command that asks for confirmation (`install`, `upgrade`, `remove`…) runs with nothing to answer it.',
    what: 'Flags `apt-get install` / `apt install`, and the other apt subcommands that ask before changing packages (`reinstall`, `build-dep`, `satisfy`, `upgrade`, `dist-upgrade`, `full-upgrade`, `remove`, `purge`, `autoremove`), when nothing answers apt\'s confirmation prompt — in any stage, any RUN form, ONBUILD included, also behind `sudo`, `env`, `timeout`, `xargs`, `eatmydata` or a `DEBIAN_FRONTEND=noninteractive` prefix, and inside the quoted script of a shell the RUN starts (`sh -c \'apt-get install curl\'`, `bash -euxc "…"`, `bash -euxo pipefail -c \'…\'`, `su -c \'…\'`, `su -lc \'…\'`) when the string is one single-quoted string, or a double-quoted one without `\\` or backticks, on one line (a string with escapes is not read); also in the here-document a shell reads as its script (`bash <<\'EOS\'`, `cat <<\'EOS\' | sh` in a `RUN <<EOF` script), not in one given to any other command (`cat > /usr/local/bin/setup.sh <<\'EOS\'`), which is that command\'s input (POSIX Shell Command Language 2.7.4, Here-Document). Recognized answers: `-y`, `--yes`, `--assume-yes`, a cluster containing `y` (`-qy`), quiet level 2 (`-qq`, `-q -q`, `-q=2`, which implies `-y`), `-o APT::Get::Assume-Yes=true`, a pipe from `yes`, and an `APT::Get::Assume-Yes "true"` configuration written by an earlier RUN of the stage. `DEBIAN_FRONTEND=noninteractive` silences debconf questions only, not apt\'s own prompt, so it does not count. Simulations (`-s`) are not flagged. An install that never runs is not flagged, as DF030 and DF033–DF036 read it: one written after an unconditional top-level `exit` or `exec` with a program (`exec "$@"` in a RUN\'s own script runs none: Docker runs it as `/bin/sh -c \'…\'` with no argument after it, so `"$@"` expands to nothing, bash\'s Special Parameters; nor does `exec "$@"` (or `exec ${1+"$@"}`) in the body of a function called with no argument, whose positional parameters are the call\'s (bash\'s Positional Parameters: they "are temporarily replaced when a shell function is executed"), nor in `sh -c \'…\' sh`, given no operand after `$0`\'s name (POSIX sh), while after `set -- …` (POSIX set) or in a body called with arguments it runs them and ends the shell; `RUN exit 0; apt-get install -y curl`; also behind `&&` after one, in a `{ …; }` group that surely runs, through `command exit`; POSIX exit: the shell exits; POSIX exec: the program replaces the shell), or, under a shell known to be `sh`, dash or ash, a top-level `return`, and one in a function called or an `eval` run there, or after a call of a function whose body surely ends the shell (`f() { exit 0; }; f; apt-get install …`, as DF030 reads it). A RUN that defines a function (`name() { …; }`, bash\'s `function name { …; }`) or runs `eval` is read in the order its shell runs it, as DF030 and DF033–DF036 read it: an install in a function\'s body counts where the function is called — once, however many times it is called (the fix edits the body) — and not at all when the function is never called (bash\'s Shell Functions: the body "is executed whenever fname is specified as the name of a simple command"); an install in the text of an `eval` whose words hold no expansion counts where the `eval` runs it (POSIX eval: its arguments, joined with spaces, are read and run by the shell), also behind `command eval` and `builtin eval` (POSIX command and bash\'s builtin run the builtin they name), and is reported and edited where it is written when each of the `eval`\'s words is written as its value or as one quoted string, else reported on the `eval` with no fix; when what runs cannot be known there (an `eval` of text with an expansion, a command named by a variable, a recursive call, a call of a function whose definition may not have run yet: one in `if`, a loop or a subshell, or one written after a call in a loop, which may come back to it), every install written in the RUN counts. An install in a body that an `eval` or an EXIT trap calls (`eval inst`, `trap inst EXIT`) is reported once, on the body. In a RUN read in the order its shell runs it, an `exit` (any status) or an `exec` of a program that surely runs in the text of an `eval` or in a function\'s `{ …; }` body ends the shell there (POSIX eval: the text "shall be read and executed by the shell"; POSIX exit: the shell exits; POSIX exec: the program replaces it): nothing after it runs, neither the rest of the body nor what follows the call or the `eval` (`eval "exit 0"; apt-get install -y curl`, `eval \'exec true\'; …`, `f() { exit 0; apt-get install -y wget; }; f`). Surely runs: at the top level of its text or body (not in an `if`, a loop, a `case`, a group or a `( … )` body, whose `exit` ends only its subshell), not behind `&&`/`||`, not in a pipe or the background, not after a `return` or an `exit` that may run, reached through calls and `eval`s that stand so; not `builtin exit`, which dash and BusyBox ash do not have. A name called before every definition of it in its text is written (and in no loop) calls none of them (bash manual, Shell Functions: a definition defines the function when it runs; dash says `inst: not found`): `apt-get update; inst; inst() { apt-get install curl; }` installs nothing through that call. Calls and `eval`s nested more than 8 deep are not followed in order (the reading stops there, as for a text it cannot know): what the deeper body or text writes, with the bodies it calls and the texts of the `eval`s it runs, counts as what may run, so an install there is reported (`eval eval eval eval eval eval eval eval eval apt-get install curl`) and a cleanup there does not count. So is what a RUN runs past its first 4,000 steps, as its shell runs it (a helper called thousands of times, or helpers calling helpers): the rest of the script and of each body being run, with the bodies and `eval` texts they name (each once), counts as what may run, so an install written there is reported and a cleanup written there does not count. An install in a command substitution (`x=$(apt-get install -y curl)`, `echo "$(apk add curl)"`, backquotes) counts as the RUN\'s own (POSIX 2.6.3 Command Substitution: the shell runs it "in a subshell environment" when it expands the command\'s words, so what it installs stays in the layer), where its command runs; only one whose text is written one to one in the document (its word on one line; a backquoted one without `\\`), not one inside another or inside a `sh -c` string, so that a finding and an edit land on what is written. `-y` is inserted inside the substitution; it is safe only where the substitution\'s failure is its command\'s status — a command with no program and no other substitution (`x=$(apt-get install curl)`: POSIX 2.9.1, "the command shall complete with the exit status of the last command substitution performed") that the other conditions above let end the RUN; behind a program (`echo "$(apt-get install curl)"`, whose status is echo\'s) it is a quick fix.',
    why: 'Without `-y`, apt asks "Do you want to continue? [Y/n]" whenever it installs more than the named packages. A build has no terminal: apt reads end-of-file, answers no and aborts, so the build fails depending on what the package index pulls in that day. Builds that behave the same every time are part of SECURITY-GUIDELINES.md §6 (Image Build Security, "Use specific versions").',
    bad: 'FROM debian:12-slim\nRUN apt-get update && apt-get install --no-install-recommends curl',
    good: 'FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl',
    fix: '"Add -y" inserts `-y` right after the subcommand (as a JSON string `"-y"` in exec-form RUN; inside a shell\'s script string, in the string, where the characters are those of the document). Safe only where apt\'s abort failed the build, so that -y turns a failing build into one that does what it says: apt\'s failure becomes the status of its and-or list (`&&` and pipes after it), and that list ends the script (`apt-get update && apt-get install curl && rm -rf …`, or the last command), is followed by `|| exit 1` (or `|| false`; `exit` ends the shell from the body of an `if`, loop or group too, not from a group in a pipe, which is a subshell), or, under errexit, has apt as its last command (`set -eux; apt-get install curl; …`). Under errexit a failure before a `&&` does not end the shell, nor one where bash ignores errexit: an `if`/`while` condition, a command negated with `!` (or its pipeline), a pipe, a subshell, a function body, or the body of a compound command (`if`, loop, `case`, `{ … }`) that is itself before `&&`/`||`, in a pipe or negated ("If a compound command or shell function executes in a context where -e is being ignored, none of the commands executed within the compound command or function body will be affected by the -e setting", bash\'s set builtin); in the body of an `if`, loop, `case` or group in no such place errexit holds (`set -e; for p in curl wget; do apt-get remove "$p"; echo removed; done`). Errexit is on when the shell that runs the script has `-e` among its options: the stage\'s SHELL (`SHELL ["/bin/bash", "-eo", "pipefail", "-c"]`, `["/bin/sh", "-exc"]`, `-o errexit`; the last of `-e` and `+e` wins; inherited from the stage it builds on; the SHELL "affects all subsequent instructions", Dockerfile reference) for the scripts it runs — the shell-form RUN line, and a heredoc that is the whole command and has no shebang (BuildKit passes its body to the SHELL, and writes one with a shebang to a file it runs) —, not for an exec-form RUN, a script string or a heredoc fed to a shell the line names, nor an ONBUILD trigger (it runs in the child image\'s build); the shell an exec-form RUN or a script string starts (`["bash", "-ec", "…"]`, `bash -euxc \'…\'`). It is also on after a `set -e` or `set -o errexit` that surely ran before apt: at the top level or in the body apt stands in, first in its and-or list (not `[ -n "$STRICT" ] && set -e`), not in a condition, pipe or background job (a `set -e` inside an `if`, loop or `case` that has closed may not have run; one in a subshell or function body does not reach apt; `set -- -e` sets `$1`); and nothing that may turn errexit off may have run since (in a loop, anywhere in its body, which runs again before apt on the next round): `set +e` or `set +o errexit`, and what may do so where the reader cannot see it — any `eval` (its arguments run as a new command, POSIX eval), `source` or `.` of a file, `shopt -u -o errexit` or `-uo` (`shopt -o` takes the names of `set -o`; no option of shopt\'s own is errexit, bash\'s The Shopt Builtin), `builtin set +e` and `command set +e` (they run the builtin in this shell), a `set` or a command name given by an expansion (`set $FLAGS`, `$SET +e`), a trap that may run meanwhile (`trap \'set +e\' DEBUG`; an EXIT trap, a reset or an ignore do not), an alias definition (sh expands aliases in a script), and a call of a function the script defines whose body may do any of these (whatever order they are defined in); `exec 2>&1`, `command -v set`, `shopt -s extglob`, another shell (`bash -c \'set +e\'`) or a program run by path (`"$HOME"/bin/prepare`) leave it on. In the text of an `eval` apt\'s failure is judged in that text as at the end of a script (no errexit is read there), and, when it is the text\'s status, as the `eval`\'s where the `eval` stands (`apt-get update && eval \'apt-get install curl\' && rm -rf …`: safe); in a function\'s body it is not read as ending the RUN (a quick fix). As the last list of an `if` branch or a `{ … }` group apt\'s failure becomes the compound\'s status, judged the same way (`if [ … ]; then apt-get install curl; fi`). Read with the shell reader; a command inside a script string or a heredoc fed to a shell also needs that shell\'s command to end the RUN. Elsewhere — `apt-get remove curl || true`, `apt-get autoremove; …` without errexit, `if ! apt-get purge …`, a loop without errexit, a pipe, a subshell — apt may have printed "Do you want to continue? [Y/n] Abort.", changed nothing and let the RUN go on, and -y would be a new decision to change packages: the message says so ("… aborts without changing any package, and the RUN may go on past the failure; add -y if the change is wanted.") and the fix is a quick fix whose title says what apt will do — "Add -y: apt will now remove the packages (its abort may have let the RUN go on)" for `remove`, `purge`, `autoremove` and `--auto-remove` (which can take libraries the image still needs along), "…upgrade the packages" for `upgrade` (and "…, and may remove some" for `dist-upgrade`/`full-upgrade`), "…install or remove the other packages it asked about" for `install` and the rest (apt asks only when it would install more than named or remove something).',
    guideline: '§6 Image Build Security (reproducible, non-interactive builds)',
    equivalents: ['hadolint DL3014 (use the -y switch to avoid manual input)', 'Trivy DS-0021 (\'apt-get\' missing \'-y\' to avoid manual input)', 'KICS "APT-GET Missing Flags To Avoid Manual Input"'],
    references: [
      'https://manpages.debian.org/stable/apt/apt-get.8.en.html',
      'https://www.gnu.org/software/bash/manual/html_node/The-Set-Builtin.html',
      'https://www.gnu.org/software/bash/manual/html_node/The-Shopt-Builtin.html',
      'https://www.gnu.org/software/bash/manual/html_node/Bourne-Shell-Builtins.html',
      'https://www.gnu.org/software/bash/manual/html_node/Bash-Builtins.html',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#set',
      'https://docs.docker.com/reference/dockerfile/#shell',
      'https://docs.docker.com/reference/dockerfile/#here-documents',
      'https://github.com/hadolint/hadolint/wiki/DL3014',
      'https://docs.docker.com/build/building/best-practices/#apt-get',
      'https://github.com/aquasecurity/trivy-checks/blob/main/checks/docker/apt_get_missing_yes_flag_to_avoid_manual_input.rego',
      'https://www.gnu.org/software/bash/manual/html_node/Shell-Functions.html',
      'https://pubs.opengroup.org/onlinepubs/009695299/utilities/eval.html',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#tag_19_07_04',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/command.html',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#exit',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#exec',
      'https://www.gnu.org/software/bash/manual/html_node/Positional-Parameters.html',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/sh.html',
      'https://www.gnu.org/software/bash/manual/html_node/Special-Parameters.html',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#tag_19_06_03',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#tag_19_09_01',
    ],
  },
  check(ctx) {
    const out = [];
    // What each RUN may run, as its shell runs it (runPackageCommands: a function's body where it is called, an `eval`'s text).
    for (const { pc, placed, at, range } of runPackageCommands(ctx, true)) {
      if (pc.family !== 'apt' || !PROMPTING.has(pc.action) || aptSimulates(pc) || aptAssumesYes(pc)) continue;
      if (aptConfigBefore(ctx, pc.run.stage, at).assumeYes) continue;
      out.push({ range, data: { tool: pc.display, action: pc.action, toolOffset: placed ? pc.toolWord.start : -1, endsRun: failureEndsRun(ctx, pc.run, pc.script, pc.commandIndex) } });
    }
    return out;
  },
  message(d) {
    if (d.endsRun) return `'${d.tool} ${d.action}' without -y waits for a confirmation a build cannot give and aborts; add -y.`;
    // The abort is tolerated (`|| true`, `;` without set -e, a loop…): the build may go on with nothing changed (review 47a, F2 leftovers).
    return `'${d.tool} ${d.action}' without -y waits for a confirmation a build cannot give and aborts without changing any package, and the RUN may go on past the failure; add -y if the change is wanted.`;
  },
  fix(ctx, { data }) {
    const pc = data.toolOffset < 0 ? undefined : runPackageCommandAt(ctx, data.toolOffset);
    if (!pc) return undefined;
    const edit = insertAfterAction(ctx, pc, '-y');
    if (!edit) return undefined;
    const changes = [{ kind: 'edit' as const, path: ctx.path, edits: [edit] }];
    // Safe only when the abort failed the build: then -y turns a failing build into one that does what it says.
    // Where the script went on after the abort, -y is a new decision to change packages (review 47a, F2).
    if (data.endsRun) return { title: 'Add -y', safe: true, changes };
    return { title: `Add -y: ${whatYesDoes(pc)} (its abort may have let the RUN go on)`, safe: false, changes };
  },
});
