import { defineRule } from '../engine/rule';
import { aptSimulates, envValueAt, exportedBefore, hasOption, type PackageCommand } from '../engine/packages';
import { runPackageCommands } from '../engine/package-consumers';
import type { DockerfileContext } from '../engine/dockerfile';
import type { Word } from '../engine/shell';

interface Data {
  /** The tool and subcommand as written (`apt-get install`, `pip3 install`). */
  command: string;
  family: 'apt' | 'apk' | 'pip' | 'npm' | 'gem';
  /** The unpinned package names (at most the first few). */
  packages: string[];
  /** How many are unpinned in total. */
  count: number;
}

/** An operand whose value is not visible (`$PKGS`, `$(cat pkgs)`, a glob): never judged. */
function unknown(w: Word): boolean {
  return /[$`*?[]/.test(w.value) || w.value === '';
}

const PIP_VERSION = /===|==|>=|<=|~=|!=|[<>]|@/;

/**
 * A pip VCS requirement (`git+https://host/org/repo.git@v1.2#egg=name`, `name @ git+ssh://git@host/repo`):
 * what follows `vcs+scheme://`, up to a `#` fragment. Its ref is an `@` in the path (after the host, whose
 * `user@` is no ref).
 */
const PIP_VCS = /^(?:[A-Za-z0-9][A-Za-z0-9._-]*(?:\[[^\]]*\])?\s*@\s*)?(?:git|hg|svn|bzr)\+[a-z-]+:\/\/([^#]*)/i;

function pipVcsPinned(url: string): boolean {
  const slash = url.indexOf('/');
  return slash >= 0 && url.slice(slash).includes('@');
}

function pinned(family: Data['family'], value: string): boolean {
  switch (family) {
    case 'apt':
      // pkg=version, pkg/release, a .deb file or path.
      return value.includes('=') || value.includes('/') || value.endsWith('.deb');
    case 'apk':
      return /[=~<>]/.test(value) || value.endsWith('.apk') || value.includes('/');
    case 'pip': {
      // A VCS URL without `@<ref>` installs the default branch as it is on build day (review 45b, item 5).
      const vcs = PIP_VCS.exec(value);
      if (vcs) return pipVcsPinned(vcs[1]);
      return PIP_VERSION.test(value) || value === '.' || value.includes('/') || /\.(?:whl|tar\.gz|tgz|zip|tar\.bz2)$/.test(value) || /^[a-z+]+:\/\//.test(value);
    }
    case 'npm': {
      if (/^(?:git(?:\+[a-z]+)?:\/\/|github:|[\w-]+\/[\w.-]+#)/.test(value)) return value.includes('#');
      if (/\.(?:tgz|tar|tar\.gz)$/.test(value) || /^(?:\.{0,2}\/|~\/|file:)/.test(value) || /^https?:\/\//.test(value)) return true;
      const name = value.startsWith('@') ? value.slice(value.indexOf('/') + 1) : value;
      return name.includes('@');
    }
    case 'gem':
      return value.includes(':');
  }
}

/**
 * Whether a pip install reads a constraints file: `-c`/`--constraint FILE`, or PIP_CONSTRAINT set as a
 * prefix, by `export` earlier in the script, or by ENV/ARG earlier in the stage (one declared without a
 * value may be given with --build-arg). The versions are pinned there, out of sight (review 45b, item 4).
 */
function pipConstrained(ctx: DockerfileContext, pc: PackageCommand): boolean {
  if (hasOption(pc, 'c', 'constraint')) return true;
  const set = (v: string | null | undefined) => v === null || (v !== undefined && v !== '');
  return set(pc.assignments.get('PIP_CONSTRAINT')) || set(exportedBefore(pc, 'PIP_CONSTRAINT')) || set(envValueAt(ctx, pc.run.stage, pc.run.instruction.getRange().start.line, 'PIP_CONSTRAINT'));
}

function unpinnedOperands(ctx: DockerfileContext, pc: PackageCommand): string[] | null {
  const family = pc.family;
  let operands = pc.operands;
  switch (family) {
    case 'apt':
      if (pc.action !== 'install' || aptSimulates(pc)) return null;
      break;
    case 'apk':
      if (pc.action !== 'add') return null;
      break;
    case 'pip':
      if (pc.action !== 'install' || pipConstrained(ctx, pc)) return null;
      break;
    case 'npm':
      if (pc.action !== 'install' || operands.length === 0) return null;
      break;
    case 'gem':
      if (pc.action !== 'install' || hasOption(pc, 'v', 'version')) return null;
      break;
    default:
      return null;
  }
  operands = operands.filter((w) => !unknown(w) && !w.value.startsWith('-'));
  return operands.filter((w) => !pinned(family, w.value)).map((w) => w.value);
}

export default defineRule<'dockerfile', Data>({
  code: 'DF037',
  name: 'packages-unpinned',
  kind: 'dockerfile',
  severity: 'info',
  optIn: true,
  fixable: 'never',
  docs: {
    summary: 'A package install (apt, apk, pip, npm, gem) names packages without a version.',
    what: 'Off unless enabled. Flags package installs that name packages without a version: `apt-get`/`apt install pkg` (pin with `pkg=1.2-3`), `apk add pkg` (`pkg=1.2-r0` or `pkg~1.2`), `pip install pkg` (`pkg==1.2`, any PEP 440 specifier), `npm install pkg` (`pkg@1.2.3`), `gem install pkg` (`pkg:1.2` or `-v 1.2`). Files, paths, URLs, VCS references with a ref (`git+https://…/repo.git@v1.2`), `-r requirements.txt`, `-e` editable installs and operands whose value is not visible (`$PKGS`, `$(cat list)`, `xargs`) are not judged; a pip VCS reference without `@<ref>` (`git+https://…/repo.git#egg=name`, `git+ssh://git@host/repo.git`, `name @ git+https://…`) installs the default branch as it is on build day and is reported. The names beside `-r requirements.txt` are judged (hadolint skips the whole command). Not judged at all: a `pip install` with a constraints file (`-c`/`--constraint FILE`, or `PIP_CONSTRAINT` set by ENV/ARG, `export` or a prefix), which pins the versions out of sight, and for gem what follows `--` (build flags for the gem\'s extension: `gem install pg:1.5.9 -- --with-pg-include /usr/include/postgresql`). One finding per command, listing the unpinned names. An install that never runs is not flagged, as DF030 and DF033–DF036 read it: one written after an unconditional top-level `exit` or `exec` with a program (`exec "$@"` in a RUN\'s own script runs none: Docker runs it as `/bin/sh -c \'…\'` with no argument after it, so `"$@"` expands to nothing, bash\'s Special Parameters; nor does `exec "$@"` (or `exec ${1+"$@"}`) in the body of a function called with no argument, whose positional parameters are the call\'s (bash\'s Positional Parameters: they "are temporarily replaced when a shell function is executed"), nor in `sh -c \'…\' sh`, given no operand after `$0`\'s name (POSIX sh), while after `set -- …` (POSIX set) or in a body called with arguments it runs them and ends the shell; `RUN exit 0; apt-get install -y curl`; also behind `&&` after one, in a `{ …; }` group that surely runs, through `command exit`; POSIX exit: the shell exits; POSIX exec: the program replaces the shell), or, under a shell known to be `sh`, dash or ash, a top-level `return`, and one in a function called or an `eval` run there, or after a call of a function whose body surely ends the shell (`f() { exit 0; }; f; apt-get install …`, as DF030 reads it). A RUN that defines a function (`name() { …; }`, bash\'s `function name { …; }`) or runs `eval` is read in the order its shell runs it, as DF030 and DF033–DF036 read it: an install in a function\'s body counts where the function is called — once, however many times it is called — and not at all when the function is never called (bash\'s Shell Functions: the body "is executed whenever fname is specified as the name of a simple command"); an install in the text of an `eval` whose words hold no expansion counts where the `eval` runs it (POSIX eval: its arguments, joined with spaces, are read and run by the shell), also behind `command eval` and `builtin eval` (POSIX command and bash\'s builtin run the builtin they name), and is reported where it is written when each of the `eval`\'s words is written as its value or as one quoted string, else on the `eval`; when what runs cannot be known there (an `eval` of text with an expansion, a command named by a variable, a recursive call, a call of a function whose definition may not have run yet: one in `if`, a loop or a subshell, or one written after a call in a loop, which may come back to it), every install written in the RUN counts. An install in a body that an `eval` or an EXIT trap calls (`eval inst`, `trap inst EXIT`) is reported once, on the body. In a RUN read in the order its shell runs it, an `exit` (any status) or an `exec` of a program that surely runs in the text of an `eval` or in a function\'s `{ …; }` body ends the shell there (POSIX eval: the text "shall be read and executed by the shell"; POSIX exit: the shell exits; POSIX exec: the program replaces it): nothing after it runs, neither the rest of the body nor what follows the call or the `eval` (`eval "exit 0"; apt-get install -y curl`, `eval \'exec true\'; …`, `f() { exit 0; apt-get install -y wget; }; f`). Surely runs: at the top level of its text or body (not in an `if`, a loop, a `case`, a group or a `( … )` body, whose `exit` ends only its subshell), not behind `&&`/`||`, not in a pipe or the background, not after a `return` or an `exit` that may run, reached through calls and `eval`s that stand so; not `builtin exit`, which dash and BusyBox ash do not have. A name called before every definition of it in its text is written (and in no loop) calls none of them (bash manual, Shell Functions: a definition defines the function when it runs; dash says `inst: not found`): `apt-get update; inst; inst() { apt-get install curl; }` installs nothing through that call. Calls and `eval`s nested more than 8 deep are not followed in order (the reading stops there, as for a text it cannot know): what the deeper body or text writes, with the bodies it calls and the texts of the `eval`s it runs, counts as what may run, so an install there is reported (`eval eval eval eval eval eval eval eval eval apt-get install curl`) and a cleanup there does not count. So is what a RUN runs past its first 4,000 steps, as its shell runs it (a helper called thousands of times, or helpers calling helpers): the rest of the script and of each body being run, with the bodies and `eval` texts they name (each once), counts as what may run, so an install written there is reported and a cleanup written there does not count. An install in a command substitution (`x=$(apt-get install -y curl)`, `echo "$(apk add curl)"`, backquotes) counts as the RUN\'s own (POSIX 2.6.3 Command Substitution: the shell runs it "in a subshell environment" when it expands the command\'s words, so what it installs stays in the layer), where its command runs; only one whose text is written one to one in the document (its word on one line; a backquoted one without `\\`), not one inside another or inside a `sh -c` string, so that a finding and an edit land on what is written.',
    why: 'An unpinned package installs whatever version the index serves on build day, so two builds of the same Dockerfile can ship different code, and a compromised or broken new release flows straight into the image. SECURITY-GUIDELINES.md §6 "Use specific versions" and "Supply Chain Security – Pin versions". Pinning OS packages also has costs (pinned versions disappear from Debian/Alpine mirrors when superseded), which is why this rule is opt-in.',
    bad: 'FROM python:3.13-slim\nRUN pip install --no-cache-dir flask requests\nRUN npm install -g pnpm',
    good: 'FROM python:3.13-slim\nRUN pip install --no-cache-dir flask==3.1.1 requests==2.32.4\nRUN npm install -g pnpm@10.12.1',
    fix: 'No automatic fix: the right version is a decision (and for OS packages depends on the base image release). Pin each listed package, or install from a lock/requirements file.',
    guideline: '§6 Image Build Security — "Use specific versions"; Dependency Security — "Pin versions"',
    equivalents: ['hadolint DL3008 (apt-get)', 'hadolint DL3018 (apk)', 'hadolint DL3013 (pip)', 'hadolint DL3016 (npm)', 'hadolint DL3028 (gem)', 'KICS "Apt Get Install Pin Version Not Defined", "Unpinned Package Version in Apk Add", "Unpinned Package Version in Pip Install", "NPM Install Command Without Pinned Version", "Gem Install Without Version"'],
    references: [
      'https://github.com/hadolint/hadolint/wiki/DL3008',
      'https://github.com/hadolint/hadolint/wiki/DL3018',
      'https://github.com/hadolint/hadolint/wiki/DL3013',
      'https://github.com/hadolint/hadolint/wiki/DL3016',
      'https://github.com/hadolint/hadolint/wiki/DL3028',
      'https://docs.docker.com/build/building/best-practices/#apt-get',
      'https://pip.pypa.io/en/stable/topics/repeatable-installs/',
      'https://www.gnu.org/software/bash/manual/html_node/Shell-Functions.html',
      'https://pubs.opengroup.org/onlinepubs/009695299/utilities/eval.html',
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
    // What each RUN may run, as its shell runs it (runPackageCommands: a function's body where it is called, an `eval`'s text).
    for (const { pc, range } of runPackageCommands(ctx, false)) {
      if (pc.family !== 'apt' && pc.family !== 'apk' && pc.family !== 'pip' && pc.family !== 'npm' && pc.family !== 'gem') continue;
      const names = unpinnedOperands(ctx, pc);
      if (!names || names.length === 0) continue;
      out.push({
        range,
        data: { command: `${pc.display} ${pc.actionWord?.value ?? ''}`.trim(), family: pc.family, packages: names.slice(0, 5), count: names.length },
      });
    }
    return out;
  },
  message(d) {
    const how: Record<Data['family'], string> = { apt: 'name=version', apk: 'name=version', pip: 'name==version', npm: 'name@version', gem: 'name:version' };
    const more = d.count > d.packages.length ? ` and ${d.count - d.packages.length} more` : '';
    // A VCS URL is pinned with a ref, not a version (review 45b, item 5).
    const vcs = d.family === 'pip' && d.packages.some((p) => PIP_VCS.test(p)) ? ', or url@<tag or commit> for a VCS URL' : '';
    return `'${d.command}' installs ${d.count === 1 ? 'a package' : `${d.count} packages`} without a version (${d.packages.join(', ')}${more}); pin ${d.count === 1 ? 'it' : 'them'} (${how[d.family]}${vcs}).`;
  },
});
