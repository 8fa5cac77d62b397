import { copySourceOnlyStages } from '../engine/df-instructions';
import { defineRule } from '../engine/rule';
import { aptConfigBefore, aptInstallNamesNothing, aptRecommendsChoice, aptSimulates, insertAfterAction } from '../engine/packages';
import { runPackageCommandAt, runPackageCommands } from '../engine/package-consumers';

interface Data {
  /** `apt-get` or `apt`, as written. */
  tool: string;
  /** Offset of the tool word, to find the command again for the fix; -1 for one in an `eval`'s text not written one to one in the document (no fix). */
  toolOffset: number;
}

export default defineRule<'dockerfile', Data>({
  code: 'DF031',
  name: 'apt-recommends-installed',
  kind: 'dockerfile',
  severity: 'info',
  fixable: 'sometimes',
  docs: {
    summary: '`apt-get install` or `apt install` runs without `--no-install-recommends`.',
    what: 'Flags `apt-get install` / `apt install` (in any stage but a builder stage whose layers reach no image is skipped: one that a later stage only copies from (`COPY --from=`, `RUN --mount=…,from=`), that no stage builds on (`FROM <stage>`) but other such stages (linkding\'s `build-deps`, built on only by `compile-icu`, which is only copied from) and that is not the last (as hadolint\'s DL3009 skips it); a stage nothing names may be built with `--target` and is judged; a name with a variable (`FROM build-${TARGETARCH} AS build`, `FROM runtime-$TARGETARCH`, `COPY --from=build-$TARGETARCH`) is read as the stage a global ARG default makes it, else the stages whose names its literal parts match (`build-amd64`, `build-arm64`), which are builder stages when every stage that may build on them is one (`build`, only copied from); a FROM that is nothing but a variable may build on any earlier stage; a `--from` with a variable fails with BuildKit since moby/buildkit#6153 ("variable expansion is not supported for --from", whose workaround is the FROM form above; Buildah and Podman expand it), and one that is nothing but a variable may name any stage, so none is skipped then; any RUN form, ONBUILD included; also behind `sudo`, `env`, `timeout`, `xargs`, `eatmydata` or a `VAR=value` prefix, and inside the quoted script of a shell the RUN starts, `sh -c \'apt-get install curl\'`, `bash -c "…"`, `bash -euxo pipefail -c \'…\'`, `su -c \'…\'`, `su -lc \'…\'`, when the string is one single-quoted string, or a double-quoted one without `\\` or backticks, on one line; a string with escapes is not read; also in the here-document a shell reads as its script (`bash <<\'EOS\'`, `cat <<\'EOS\' | sh` in a `RUN <<EOF` script), not in one given to any other command (`cat > /usr/local/bin/setup.sh <<\'EOS\'`), which is that command\'s input (POSIX Shell Command Language 2.7.4, Here-Document)) without `--no-install-recommends`. Equivalent settings are recognized: `--install-recommends=no`, `-o APT::Install-Recommends=false` (or `0`), and an `APT::Install-Recommends "0"` / `"false"` configuration written by an earlier RUN of the stage or of a stage it builds on. Nor is an install that asks for recommended packages explicitly (`--install-recommends`, `-o APT::Install-Recommends=true`, given after any `--no-install-recommends`: apt reads its options in order, the last one wins): a choice made on purpose, which the flag added before it would not change. Simulations (`-s`) are not flagged. Nor is an `install` that names no package (`apt-get install`, `apt-get install "$@"` in a RUN\'s own script or in `sh -c \'apt-get install "$@"\' sh`, where no positional parameter is set; not in a function\'s body, whose are its call\'s, nor after `set --`; a string whose shell is given operands after `$0`\'s name reads them in place of `"$@"`, `"$1"`…, as DF030 reads strings: `sh -c \'apt-get install "$@"\' sh curl` installs curl): apt installs nothing and asks nothing; with `-f`/`--fix-broken` it is flagged, since apt-get then "can omit any packages" and installs what fixes broken dependencies (apt-get(8)). An install that never runs is not flagged, as DF030 and DF033–DF036 read it: one written after an unconditional top-level `exit` or `exec` with a program (`exec "$@"` in a RUN\'s own script runs none: Docker runs it as `/bin/sh -c \'…\'` with no argument after it, so `"$@"` expands to nothing, bash\'s Special Parameters; nor does `exec "$@"` (or `exec ${1+"$@"}`) in the body of a function called with no argument, whose positional parameters are the call\'s (bash\'s Positional Parameters: they "are temporarily replaced when a shell function is executed"), nor in `sh -c \'…\' sh`, given no operand after `$0`\'s name (POSIX sh), while after `set -- …` (POSIX set) or in a body called with arguments it runs them and ends the shell; `RUN exit 0; apt-get install -y curl`; also behind `&&` after one, in a `{ …; }` group that surely runs, through `command exit`; POSIX exit: the shell exits; POSIX exec: the program replaces the shell), or, under a shell known to be `sh`, dash or ash, a top-level `return`, and one in a function called or an `eval` run there, or after a call of a function whose body surely ends the shell (`f() { exit 0; }; f; apt-get install …`, as DF030 reads it). A RUN that defines a function (`name() { …; }`, bash\'s `function name { …; }`) or runs `eval` is read in the order its shell runs it, as DF030 and DF033–DF036 read it: an install in a function\'s body counts where the function is called — once, however many times it is called (the fix edits the body) — and not at all when the function is never called (bash\'s Shell Functions: the body "is executed whenever fname is specified as the name of a simple command"); an install in the text of an `eval` whose words hold no expansion counts where the `eval` runs it (POSIX eval: its arguments, joined with spaces, are read and run by the shell), also behind `command eval` and `builtin eval` (POSIX command and bash\'s builtin run the builtin they name), and is reported and edited where it is written when each of the `eval`\'s words is written as its value or as one quoted string, else reported on the `eval` with no fix; when what runs cannot be known there (an `eval` of text with an expansion, a command named by a variable, a recursive call, a call of a function whose definition may not have run yet: one in `if`, a loop or a subshell, or one written after a call in a loop, which may come back to it), every install written in the RUN counts. An install in a body that an `eval` or an EXIT trap calls (`eval inst`, `trap inst EXIT`) is reported once, on the body. In a RUN read in the order its shell runs it, an `exit` (any status) or an `exec` of a program that surely runs in the text of an `eval` or in a function\'s `{ …; }` body ends the shell there (POSIX eval: the text "shall be read and executed by the shell"; POSIX exit: the shell exits; POSIX exec: the program replaces it): nothing after it runs, neither the rest of the body nor what follows the call or the `eval` (`eval "exit 0"; apt-get install -y curl`, `eval \'exec true\'; …`, `f() { exit 0; apt-get install -y wget; }; f`). Surely runs: at the top level of its text or body (not in an `if`, a loop, a `case`, a group or a `( … )` body, whose `exit` ends only its subshell), not behind `&&`/`||`, not in a pipe or the background, not after a `return` or an `exit` that may run, reached through calls and `eval`s that stand so; not `builtin exit`, which dash and BusyBox ash do not have. A name called before every definition of it in its text is written (and in no loop) calls none of them (bash manual, Shell Functions: a definition defines the function when it runs; dash says `inst: not found`): `apt-get update; inst; inst() { apt-get install curl; }` installs nothing through that call. Calls and `eval`s nested more than 8 deep are not followed in order (the reading stops there, as for a text it cannot know): what the deeper body or text writes, with the bodies it calls and the texts of the `eval`s it runs, counts as what may run, so an install there is reported (`eval eval eval eval eval eval eval eval eval apt-get install curl`) and a cleanup there does not count. So is what a RUN runs past its first 4,000 steps, as its shell runs it (a helper called thousands of times, or helpers calling helpers): the rest of the script and of each body being run, with the bodies and `eval` texts they name (each once), counts as what may run, so an install written there is reported and a cleanup written there does not count. An install in a command substitution (`x=$(apt-get install -y curl)`, `echo "$(apk add curl)"`, backquotes) counts as the RUN\'s own (POSIX 2.6.3 Command Substitution: the shell runs it "in a subshell environment" when it expands the command\'s words, so what it installs stays in the layer), where its command runs; only one whose text is written one to one in the document (its word on one line; a backquoted one without `\\`), not one inside another or inside a `sh -c` string, so that a finding and an edit land on what is written. The option is inserted inside the substitution.',
    why: 'By default apt also installs every package the requested ones merely recommend: documentation tools, daemons, extra libraries. Each one is more code in the image that can carry vulnerabilities and more bytes to pull, for nothing the container runs. SECURITY-GUIDELINES.md §6 "Clean up – remove unnecessary packages" and §1 (a minimal image reduces the attack surface).',
    whySummary: 'The packages apt installs only because they are recommended (documentation tools, daemons, extra libraries) are more code in the image that can carry vulnerabilities and more bytes to pull, for nothing the container runs.',
    bad: 'FROM debian:12-slim\nRUN apt-get update && apt-get install -y curl \\\n    && rm -rf /var/lib/apt/lists/*',
    good: 'FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl \\\n    && rm -rf /var/lib/apt/lists/*',
    fix: '"Add --no-install-recommends" inserts the flag right after `install` (as a JSON string `"--no-install-recommends"` in exec-form RUN; inside a shell\'s script string, in the string). Offered as a single quick fix, not applied by fix-all: a build that relied on a recommended package (for example `ca-certificates` pulled in by `curl`) needs that package added explicitly.',
    guideline: '§6 Image Build Security — "Clean up – remove unnecessary packages"; §1 Image Security (minimal attack surface)',
    equivalents: ['hadolint DL3015 (avoid additional packages by specifying --no-install-recommends)', 'Trivy DS-0029 (\'apt-get\' missing \'--no-install-recommends\')', 'KICS "APT-GET Not Avoiding Additional Packages"'],
    references: [
      'https://docs.docker.com/build/building/best-practices/#apt-get',
      'https://github.com/hadolint/hadolint/wiki/DL3015',
      'https://manpages.debian.org/stable/apt/apt-get.8.en.html',
      'https://github.com/aquasecurity/trivy-checks/blob/main/checks/docker/apt_get_missing_no_install_recommends.rego',
      'https://github.com/moby/buildkit/pull/6153',
      'https://www.gnu.org/software/bash/manual/html_node/Shell-Functions.html',
      'https://pubs.opengroup.org/onlinepubs/009695299/utilities/eval.html',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#tag_19_07_04',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/command.html',
      'https://www.gnu.org/software/bash/manual/html_node/Bash-Builtins.html',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#exit',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#exec',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#tag_19_06_03',
      'https://www.gnu.org/software/bash/manual/html_node/Positional-Parameters.html',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/sh.html',
    ],
  },
  check(ctx) {
    const out = [];
    const builders = copySourceOnlyStages(ctx, { stageCandidates: true });
    // What each RUN may run, as its shell runs it (runPackageCommands: a function's body where it is called, an `eval`'s text).
    for (const { pc, placed, at, range } of runPackageCommands(ctx, true)) {
      if (pc.family !== 'apt' || pc.action !== 'install' || aptSimulates(pc) || aptInstallNamesNothing(pc)) continue;
      // Recommends skipped, or asked for on purpose (`--install-recommends`): a choice is made either way, and adding the flag before an explicit one would change nothing.
      if (aptRecommendsChoice(pc) !== null) continue;
      if (pc.run.stage && builders.has(pc.run.stage)) continue;
      if (aptConfigBefore(ctx, pc.run.stage, at).noRecommends) continue;
      out.push({ range, data: { tool: pc.display, toolOffset: placed ? pc.toolWord.start : -1 } });
    }
    return out;
  },
  message(d) {
    return `'${d.tool} install' without --no-install-recommends also installs every recommended package; add --no-install-recommends.`;
  },
  fix(ctx, { data }) {
    const pc = data.toolOffset < 0 ? undefined : runPackageCommandAt(ctx, data.toolOffset);
    if (!pc) return undefined;
    const edit = insertAfterAction(ctx, pc, '--no-install-recommends');
    if (!edit) return undefined;
    return { title: 'Add --no-install-recommends', safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [edit] }] };
  },
});
