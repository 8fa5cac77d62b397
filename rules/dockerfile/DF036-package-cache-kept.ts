import { copySourceOnlyStages } from '../engine/df-instructions';
import { defineRule } from '../engine/rule';
import type { SimpleCommand } from '../engine/shell';
import type { DockerfileContext, RunInstruction } from '../engine/dockerfile';
import { collectFileWrites, treeText, writesBefore } from '../engine/file-writes';
import { rootBase } from '../engine/stage-scope';
import { appendToRun, cleanedAfter, covers, mountsCacheOver, packageCommandsOfInStrings, removes, removesDir, runAtLine, runsInBackground, runsWithSudo, type PackageCommand } from '../engine/packages';
import { runPackageCommandsOf } from '../engine/package-consumers';
import { stringScriptsOf } from '../engine/script-strings';

interface Data {
  /** The installing tool as written (`yum`, `dnf`, `microdnf`, `tdnf`, `zypper`). */
  tool: string;
  family: 'rpm' | 'zypper';
  /** The clean command the fix appends (`dnf clean all`, `zypper clean --all`). */
  clean: string;
  /** First line of the RUN, to find it again for the fix. */
  runLine: number;
  /**
   * An install counted is in a shell's script string (`sh -c '…'`, `su -c '…'`, whose shell may run as another user) or
   * runs only through a call not known (whose bodies may end the shell first): the append is a quick fix only.
   */
  unsure?: true;
  /** An install names its own cache folder (`--setopt=cachedir=DIR`, `zypper --cache-dir DIR`): the clean appended would clean the default one, so no fix. */
  ownCacheDir?: true;
}

const RPM_CACHES = ['/var/cache/yum', '/var/cache/dnf', '/var/cache/libdnf5', '/var/cache/tdnf'];
/** dnf5 (Fedora 41 and later) keeps root's cache in /var/cache/libdnf5 only (dnf5-caching(7)): removing /var/cache/dnf or /var/cache/yum leaves it. */
const DNF5_CACHES = ['/var/cache/libdnf5'];

/**
 * Whether the RUN's dnf is dnf5: written as `dnf5`, or on a Fedora base from release 41 on (or a moving
 * tag, which names a release past 41), where `dnf` and `yum` are dnf5 (review 34, probe h7).
 */
function runsDnf5(run: RunInstruction, tool: string): boolean {
  if (tool === 'dnf5') return true;
  if (!run.stage || (tool !== 'dnf' && tool !== 'yum')) return false;
  const base = rootBase(run.stage);
  if (base.kind !== 'image' || !/(?:^|\/)fedora$/.test(base.ref.repository)) return false;
  const tag = base.ref.tag ?? 'latest';
  const release = /^(\d+)/.exec(tag);
  return release ? Number(release[1]) >= 41 : /^(?:latest|rawhide)$/.test(tag);
}
const ZYPP_CACHE = '/var/cache/zypp';

function installs(pc: PackageCommand): boolean {
  if (pc.family === 'rpm') {
    if (['install', 'reinstall', 'groupinstall', 'localinstall'].includes(pc.action)) return true;
    // `dnf group install …`, `dnf module install …`
    return ['group', 'groups', 'module'].includes(pc.action) && pc.operands[0]?.value === 'install';
  }
  return pc.family === 'zypper' && (pc.action === 'install' || pc.action === 'source-install' || pc.action === 'si');
}

/**
 * The cache folder an install names for itself (review 55c, F4): dnf's and yum's `--setopt=cachedir=DIR` (dnf.conf(5)
 * cachedir), zypper's global `--cache-dir DIR`/`-C DIR` (the root of its caches); null when none, '' when not known
 * (a relative folder, a variable, or zypper's `--pkg-cache-dir`, `--raw-cache-dir`, `--solv-cache-dir`).
 */
function ownCacheDir(pc: PackageCommand): string | null {
  let dir: string | null = null;
  for (const o of pc.options) {
    const v = (o.value ?? '').replace(/^(["'])(.*)\1$/, '$2');
    if (pc.family === 'rpm' && o.long && o.name === 'setopt' && /^cachedir=/.test(v)) dir = v.slice('cachedir='.length);
    else if (pc.family === 'zypper' && ((o.long && o.name === 'cache-dir') || (!o.long && o.name === 'C'))) dir = v;
    else if (pc.family === 'zypper' && o.long && /^(?:pkg|raw|solv)-cache-dir$/.test(o.name)) return '';
  }
  return dir === null ? null : dir.startsWith('/') && !dir.includes('$') ? dir.replace(/(.)\/+$/, '$1') : '';
}

/**
 * Whether the installs' cache is surely cleaned after the last of them (`ins`) in the document (cleanedAfter: after the
 * last that runs, for a RUN that defines a function or runs `eval`; not past an `exit` that may end the shell with success).
 */
function cleaned(run: RunInstruction, pcs: PackageCommand[], family: 'rpm' | 'zypper', ins: readonly SimpleCommand[], dnf5: boolean): boolean {
  const dirs = family === 'rpm' ? (dnf5 ? DNF5_CACHES : RPM_CACHES) : [ZYPP_CACHE];
  // In a RUN that defines a function or runs `eval`, in the order its shell runs it (cleanedAfter).
  let byCommand: Map<SimpleCommand, PackageCommand> | undefined;
  return cleanedAfter(run, ins, (cmd) => {
    byCommand ??= new Map(pcs.map((pc) => [pc.command, pc]));
    const pc = byCommand.get(cmd);
    if (pc) return pc.family === family && pc.action === 'clean' && (family === 'zypper' || pc.operands.some((w) => w.value === 'all'));
    return removes(cmd, (p) => dirs.some((d) => removesDir(p, d)));
  });
}

/** dnf's and yum's main configuration files (dnf.conf(5); yum.conf(5)), where `cachedir` or dnf5's `system_cachedir` moves the cache. */
const RPM_CONFIG = /^\/etc\/(?:dnf\/dnf\.conf|yum\.conf)$/;
const RPM_CONFIG_WRITES = Symbol('DF036.rpmConfigWrites');

/**
 * Whether the configuration dnf or yum reads may have moved its cache before `offset` of the RUN's stage (file-writes.ts):
 * an earlier RUN, COPY or ADD of the stage, or of a stage it builds on, writes /etc/dnf/dnf.conf or /etc/yum.conf with a
 * `cachedir` (dnf 4, yum: dnf.conf(5)) or `system_cachedir` (dnf5, root's cache: dnf5-caching(7)) setting, or with a
 * content not known here (a file of the build context not found, `sed -i`, …).
 */
function configMayMoveCache(ctx: DockerfileContext, run: RunInstruction, offset: number): boolean {
  if (!run.stage) return false;
  const perStage = ctx.fact(RPM_CONFIG_WRITES, (c) => collectFileWrites(c, (p) => RPM_CONFIG.test(p), '.conf'));
  const moves = (text: string | null | undefined) => text === null || (text !== undefined && /cachedir/i.test(text));
  return writesBefore(perStage, run.stage, offset).some((w) => {
    if (w.path === null) return false;
    const c = w.change;
    if (c.kind === 'text') return moves(c.text);
    // A folder copied whole (`COPY etc/ /etc/`): the configuration files it holds.
    return c.kind === 'tree' && ['/etc/dnf/dnf.conf', '/etc/yum.conf'].some((f) => f.startsWith(w.path!) && moves(treeText(ctx, c, f.slice(w.path!.length))));
  });
}

export default defineRule<'dockerfile', Data>({
  code: 'DF036',
  name: 'package-cache-kept',
  kind: 'dockerfile',
  severity: 'info',
  fixable: 'sometimes',
  docs: {
    summary: 'A yum, dnf, microdnf, tdnf or zypper install keeps its package cache in the layer: no `clean` after it in the RUN.',
    what: 'Flags a RUN (any stage but a builder stage whose layers reach no image is skipped: one that a later stage only copies from (`COPY --from=`, `RUN --mount=…,from=`), that no stage builds on (`FROM <stage>`) but other such stages (linkding\'s `build-deps`, built on only by `compile-icu`, which is only copied from) and that is not the last (as hadolint\'s DL3009 skips it); a stage nothing names may be built with `--target` and is judged; a name with a variable (`FROM build-${TARGETARCH} AS build`, `FROM runtime-$TARGETARCH`, `COPY --from=build-$TARGETARCH`) is read as the stage a global ARG default makes it, else the stages whose names its literal parts match (`build-amd64`, `build-arm64`), which are builder stages when every stage that may build on them is one (`build`, only copied from); a FROM that is nothing but a variable may build on any earlier stage; a `--from` with a variable fails with BuildKit since moby/buildkit#6153 ("variable expansion is not supported for --from", whose workaround is the FROM form above; Buildah and Podman expand it), and one that is nothing but a variable may name any stage, so none is skipped then; any RUN form, ONBUILD included) that installs with yum, dnf (dnf5), microdnf or tdnf (`install`, `reinstall`, `groupinstall`, `localinstall`, `group install`, `module install`) without a later `yum|dnf|microdnf|tdnf clean all` in the same RUN, or with zypper (`install`/`in`, `source-install`) without a later `zypper clean`/`zypper cc`. Removing the cache directory (`rm -rf /var/cache/yum`, `/var/cache/dnf`, `/var/cache/libdnf5`, `/var/cache/zypp`) or mounting a cache/tmpfs over it also counts (a clean or removal in a background job that no later `wait` waits for, `dnf clean all &`, does not, as DF030 reads a cleanup; nor one before the `wait` that waits for an install in a background job, `dnf install -y curl & dnf clean all; wait`: the install may write its cache after it (waitpid); an install, clean or removal after an unconditional top-level `exit` or `exec` with a program does not: it never runs, nor does one behind `&&` after an `exit`, `return`, `exec` with a program or a `{ …; }` group ending with one (`dnf install -y curl && exit 0 && dnf clean all`); nor does a clean or removal after a top-level `return`, where dash and ash end the script and bash goes on, though an install there counts unless the shell is known to be `sh`, dash or ash; nor after an `exit`, `return` or `exec` with a program written between the install and it that may end the shell with success (`dnf install -y curl || exit 0; dnf clean all`, `if [ -f /x ]; then exit 0; fi; …`, `[ -n "$SKIP" ] && exit; …`: on that path the RUN succeeds and the clean never runs, as DF030 reads its lists; POSIX exit: with no status the shell exits with that of the last command, which succeeded there), while one that surely fails (`exit 1`, a bare `exit` right after `||`) keeps the failure; also in the script of a `sh -c \'…\'` string or a command substitution, whose `exit` ends that shell before the cleanup written after it there; no fix is offered then, since a clean appended at the end would be skipped on that path too) — for dnf5 (`dnf5`, or `dnf`/`yum` on Fedora 41 and later) only `/var/cache/libdnf5`, where dnf5 keeps root\'s cache (dnf5-caching(7)). Any tool of the yum/dnf family may clean for another (on dnf-based systems `yum` is dnf). A RUN that defines a function (`name() { …; }`, bash\'s `function name { …; }`) or runs `eval` is read in the order its shell runs it: a function\'s body where the function is called, each time it is called, not where it is defined, and not at all when it is never called (bash\'s Shell Functions: the body "is executed whenever fname is specified as the name of a simple command"); the text of an `eval` whose words hold no expansion where the `eval` stands (POSIX eval: its arguments joined with spaces are read and run by the shell): a clean in a function the RUN calls after the last install that runs counts, one in a function never called, after a `return` or `exit` in its function, or in an `eval` of text with an expansion does not, and an install in a function never called runs nothing. An install in the text of an `eval` (also `command eval`, `builtin eval`) counts where the `eval` runs it, as DF031, DF032 and DF037 read it (`RUN eval \'dnf install -y curl\'`: the clean is appended to the RUN), and so does a clean there (`dnf install -y curl; eval \'dnf clean all\'`). An install in the quoted script of a shell the RUN starts (`sh -c \'…\'`, `bash -c "…"`, `su -c \'…\'`: one single-quoted string, or a double-quoted one without `\\` or backticks; a string with escapes is not read) or in a here-document a shell reads as its script (`sh <<\'EOS\'` in a `RUN <<EOF` script) counts too, as DF030, DF031 and DF032 read it (POSIX sh: with `-c` the shell reads its commands from the string; POSIX 2.7.4, Here-Document: the here-document is the shell\'s standard input, from which it reads its commands), and so does a clean later in that string or after the shell\'s command (not one in the body of a function the string defines); the clean is appended to the RUN as a quick fix only (the string\'s shell may run as another user: `su -c`). When what a call runs cannot be known (a function defined in `if`/`else`, in `{ }`, in a loop or more than once, then called; an `eval` of text with an expansion; a command named by a variable, in a RUN that defines functions), every install written in the bodies may run there and counts, as DF031 and DF032 read such a call (bash\'s Shell Functions: the body of the function called "is executed whenever fname is specified as the name of a simple command"), and a clean counts only after that call, not in those bodies, where it may not be the body that runs. In a RUN read in the order its shell runs it, an `exit` (any status) or an `exec` of a program that surely runs in the text of an `eval` or in a function\'s `{ …; }` body ends the shell there (POSIX eval: the text "shall be read and executed by the shell"; POSIX exit: the shell exits; POSIX exec: the program replaces it): nothing after it runs, neither the rest of the body nor what follows the call or the `eval` (`eval "exit 0"; apt-get install -y curl`, `eval \'exec true\'; …`, `f() { exit 0; apt-get install -y wget; }; f`). Surely runs: at the top level of its text or body (not in an `if`, a loop, a `case`, a group or a `( … )` body, whose `exit` ends only its subshell), not behind `&&`/`||`, not in a pipe or the background, not after a `return` or an `exit` that may run, reached through calls and `eval`s that stand so; not `builtin exit`, which dash and BusyBox ash do not have. A name called before every definition of it in its text is written (and in no loop) calls none of them (bash manual, Shell Functions: a definition defines the function when it runs; dash says `inst: not found`): `apt-get update; inst; inst() { apt-get install curl; }` installs nothing through that call. Calls and `eval`s nested more than 8 deep are not followed in order (the reading stops there, as for a text it cannot know): what the deeper body or text writes, with the bodies it calls and the texts of the `eval`s it runs, counts as what may run, so an install there is reported (`eval eval eval eval eval eval eval eval eval apt-get install curl`) and a cleanup there does not count. So is what a RUN runs past its first 4,000 steps, as its shell runs it (a helper called thousands of times, or helpers calling helpers): the rest of the script and of each body being run, with the bodies and `eval` texts they name (each once), counts as what may run, so an install written there is reported and a cleanup written there does not count. An install in a command substitution (`x=$(apt-get install -y curl)`, `echo "$(apk add curl)"`, backquotes) counts as the RUN\'s own (POSIX 2.6.3 Command Substitution: the shell runs it "in a subshell environment" when it expands the command\'s words, so what it installs stays in the layer), where its command runs; so does a cleanup there, in a RUN read in document order (`apk add curl; x=$(rm -rf /var/cache/apk/*)`), as DF030 reads one; only one whose text is written one to one in the document (its word on one line; a backquoted one without `\\`), not one inside another or inside a `sh -c` string, so that a finding and an edit land on what is written. An install that names its own cache folder — dnf\'s and yum\'s `--setopt=cachedir=DIR` (dnf.conf(5): cachedir), zypper\'s global `--cache-dir DIR`/`-C DIR` (zypper(8): the root of its caches) — keeps its cache there: a cache, tmpfs or bind mount over DIR leaves nothing in the layer and is silent (BuildKit keeps a `type=cache` mount\'s content out of the layer, and what is written under a bind mount, read-only by default, is discarded after the RUN even with `rw`: Docker docs, Build cache optimization, "Use bind mounts"; review57), one over the default folder does not cover it (review 55c, F4); a clean later in the RUN still counts whatever options it has (not checked against DIR).',
    why: 'These package managers keep repository metadata (and often downloaded RPMs) under /var/cache: easily a hundred megabytes left in the layer, shipped with every pull, used by nothing at run time. A clean in a later RUN cannot shrink the earlier layer. SECURITY-GUIDELINES.md §6 "Clean up – remove unnecessary packages" and "Minimize layers".',
    bad: 'FROM rockylinux/rockylinux:10-minimal\nRUN microdnf install -y shadow-utils',
    good: 'FROM rockylinux/rockylinux:10-minimal\nRUN microdnf install -y shadow-utils && microdnf clean all',
    fix: '"Append <tool> clean all" adds `yum clean all`, `dnf clean all`, `microdnf clean all` or `tdnf clean all` (the tool that installed) — or `zypper clean --all` —, with `sudo` before it when the install runs with `sudo`, itself or through the shell that runs its script string (`sudo sh -c \'dnf install -y …\'`; review 56a, F2) (as a non-root USER the tool would clean only that user\'s cache; a quick fix only then, since the image\'s sudoers rules may not allow it), at the end of the RUN in the RUN\'s own style (` && …` on one line, a continued line with the RUN\'s operator placement and indentation, a new line inside a heredoc script). A quick fix only, too, when an install it counts is in a shell\'s script string (`sh -c \'…\'`, `su -c \'…\'`, whose shell may run as another user) or runs only through a call whose commands are not known (one of its bodies may end the shell before the clean). Not offered for exec-form RUN, when the RUN ends with a comment, or when its shell text does not terminate (an open quote, `$(`, `if`, `case` or loop), or when a heredoc body\'s last line ends with a backslash (the shell would continue it onto the appended line), or when the RUN line that holds a heredoc marker is continued over several lines (a continued line appended after the marker\'s line would be read as the heredoc\'s body, the whole rest of the file when the heredoc has no terminator). A RUN that ends its shell early (`…; exit 0`) gets the command before the terminator: as a command of its own (`…; dnf clean all; exit 0`) when the terminator\'s status does not read `$?` (`exit N`, `exec prog`), else (a bare `exit` or `return`, `exit $?`) appended to the list before it with `&&`, so that a failure of that list is still what the shell ends with; the terminator may end a `{ …; }` group (`{ echo done; exit 0; }`: the command goes before the `exit`, inside the group); one that ends the last list behind `&&` (`… && exit 0`, `… && return`, `… && exec prog`, `… && { echo done; exit 0; }`) gets it before the terminator, as one more element of that list (`… && dnf clean all && exit 0`; inside the group as above): after it the list would reach the command only if the terminator returned with success, which it never does (bash\'s Lists of Commands: the command after `&&` runs "if, and only if," the one before returns zero); not offered when another `exit`, `return` or `exec` with a program may end the shell with success before that place (`if …; then exit 0; fi`, `… || exit 0`, a loop whose body returns: on that path the command would not run), while one that surely fails (`exit 1`, a bare `exit` right after `||`) does not stop it (`… || exit 1 && dnf clean all`); a top-level `return`, where bash goes on and other shells end, gets it only when it is the last command; not offered when another script of the RUN ends its shell early, or when commands follow such a `return`. Under a shell known to be `sh` — Docker\'s default `["/bin/sh", "-c"]` for shell form (Dockerfile reference, SHELL) when no SHELL of the stage or the stages it builds on names another shell, an exec-form `/bin/sh -c`, `sh <<EOF`, `sh -c \'…\'` — or dash or ash, such a `return` ends the script like `exit`: an install after it does not count either, and the fix may go before it wherever it stands. Where `&&` is appended to the last list (a one-line RUN, a continued line, and a heredoc whose last failure may reach the end, see below: `apt-get update && apt-get install -y curl && dnf clean all` on that line, which runs only when the list succeeded and otherwise leaves the script\'s status the list\'s, safe), it is a quick fix only when errexit may be on and that list ends with a compound command, `eval`, `.`/`source` or a call of a function the script defines (`name() { … }`, `name() ( … )`, bash\'s `function name { … }`): before `&&` errexit is ignored inside them (bash\'s The Set Builtin), so `set -e; if …; then false; echo; fi && dnf clean all` would pass a build that failed; and whenever the script sets an ERR trap (`trap \'exit 0\' ERR`: bash runs it for a failing command that ends its list, not for one before `&&`, so a failing install the trap ended with status 0 would fail the build). An append goes after the last character the shell reads, so a line that ends with a backslash followed by another white space character (U+2028) keeps the two together. A `;`-continued RUN gets `;` only where a failure of its last list surely ends the shell (below), else `&&`, which keeps any failure of the list before it. Safe; inside a heredoc it is a single quick fix only unless a failure of the last line surely ends the shell before the new last line runs (else the RUN\'s status becomes the clean\'s, and a failing build passes): errexit on at the end of the script (the stage\'s SHELL with `-e`, or a `set -e` that surely ran, and no `set +e`, `eval`, `source` or other command that may turn it off after it, as DF032\'s fix reads it) and a last list with no `&&` (bash ignores a failure of "any command executed in a && or || list except the command following the final && or ||", bash\'s The Set Builtin), not negated and not a compound command. No fix where an install names its own cache folder (`--setopt=cachedir=DIR`, `zypper -C DIR`): the clean appended, without that option, would clean the default folder. A quick fix only where an install runs in a background job the shell does not wait for (`dnf install -y curl & …`): the clean appended at the end may run before the job writes its cache (no cleanup after such an install counts, for the same reason, in DF034, DF035 and DF036). A quick fix only where the RUN mounts a build cache inside a cache folder (`--mount=type=cache,target=/var/cache/dnf/packages`): the clean would empty it on every build (review 55c, F4); and where the RUN mounts any cache, tmpfs or bind and an earlier RUN, COPY or ADD of the stage (or of a stage it builds on) writes /etc/dnf/dnf.conf or /etc/yum.conf (also by copying a folder of the build context whole, `COPY etc/ /etc/`) with a `cachedir` setting (dnf 4 and yum: dnf.conf(5); dnf5 moves root\'s cache with `system_cachedir`, which the same test finds: dnf5-caching(7)) or with a content not known here (a file of the build context not found, `sed -i`, a COPY `--from`): the cache may then be in that mount (`RUN echo \'cachedir=/dnfcache\' >> /etc/dnf/dnf.conf` and `RUN --mount=type=cache,target=/dnfcache dnf install -y curl`). The configured folder itself is not read: such an install is still reported, and a mount over that folder is not taken as covering the cache.',
    guideline: '§6 Image Build Security — "Clean up – remove unnecessary packages", "Minimize layers"',
    equivalents: ['hadolint DL3032 (yum clean all missing)', 'hadolint DL3040 (dnf clean all missing, also microdnf)', 'hadolint DL3036 (zypper clean missing)', 'Trivy DS-0015 / DS-0019 / DS-0020 / DS-0027 (yum / dnf / zypper / microdnf clean missing)', 'KICS "Yum Clean All Missing", "Missing Dnf Clean All", "Missing Zypper Clean"'],
    references: [
      'https://dnf.readthedocs.io/en/latest/conf_ref.html',
      'https://man.archlinux.org/man/dnf5-caching.7.en',
      'https://en.opensuse.org/SDB:Zypper_manual_(plain)#Global_Options',
      'https://docs.docker.com/reference/dockerfile/#run---mounttypecache',
      'https://www.gnu.org/software/bash/manual/html_node/Lists.html',
      'https://github.com/hadolint/hadolint/wiki/DL3032',
      'https://github.com/hadolint/hadolint/wiki/DL3040',
      'https://github.com/hadolint/hadolint/wiki/DL3036',
      'https://dnf.readthedocs.io/en/latest/command_ref.html#clean-command',
      'https://man.archlinux.org/man/dnf5-clean.8.en',
      'https://en.opensuse.org/SDB:Zypper_manual_(plain)',
      'https://github.com/moby/buildkit/pull/6153',
      'https://www.gnu.org/software/bash/manual/html_node/The-Set-Builtin.html',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#set',
      'https://man7.org/linux/man-pages/man1/return.1p.html',
      'https://www.gnu.org/software/bash/manual/html_node/Bourne-Shell-Builtins.html',
      'https://docs.docker.com/reference/dockerfile/#shell',
      'https://www.gnu.org/software/bash/manual/html_node/Shell-Functions.html',
      'https://pubs.opengroup.org/onlinepubs/009695299/utilities/eval.html',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/sh.html',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#tag_19_07_04',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#exit',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#exec',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#tag_19_06_03',
    ],
  },
  check(ctx) {
    const out = [];
    const builders = copySourceOnlyStages(ctx, { stageCandidates: true });
    for (const run of ctx.runs()) {
      if (run.stage && builders.has(run.stage)) continue;
      // What the RUN may run, as its shell runs it (runPackageCommandsOf: a function's body where it is called, an `eval`'s
      // text), as DF031, DF032 and DF037 read it: an install after an unconditional `exit` never runs (mayRun).
      const runs = runPackageCommandsOf(ctx, run, true);
      // A clean in an `eval`'s text is read too; it counts only where it runs in every shell, not after a top-level
      // `return` either (cleanedAfter, runsInEveryShell).
      const pcs = runs.length > 0 ? [...packageCommandsOfInStrings(ctx, run), ...runs.filter((r) => r.pc.script.host).map((r) => r.pc)] : [];
      for (const family of ['rpm', 'zypper'] as const) {
        const found = runs.filter((r) => r.pc.family === family && installs(r.pc));
        const ins = found.map((r) => r.pc);
        if (ins.length === 0) continue;
        const last = ins[ins.length - 1];
        const dnf5 = family === 'rpm' && runsDnf5(run, last.display);
        const defaults = family === 'rpm' ? (dnf5 ? DNF5_CACHES : RPM_CACHES) : [ZYPP_CACHE];
        // Where each install keeps its cache: its own folder, else the default ones (review 55c, F4).
        const dirsOf = (pc: PackageCommand) => {
          const own = ownCacheDir(pc);
          return own === null ? defaults : own === '' ? [] : [own];
        };
        // A cache, tmpfs or bind mount over where every install keeps its cache leaves nothing in the layer.
        if (ins.every((pc) => dirsOf(pc).length > 0 && mountsCacheOver(run, (t) => dirsOf(pc).some((d) => covers(t, d))))) continue;
        if (cleaned(run, pcs, family, ins.map((pc) => pc.command), dnf5)) continue;
        const ownDir = ins.some((pc) => ownCacheDir(pc) !== null);
        // A build cache mounted inside a cache folder (`target=/var/cache/dnf/packages`): the clean appended would empty it on every build.
        const mountInside = mountsCacheOver(run, (t) => ins.some((pc) => dirsOf(pc).some((d) => covers(d, t))));
        // Installed with sudo (a non-root USER): the clean needs sudo too, or it cleans only the user's own cache (review 33, probe p04).
        const clean = `${runsWithSudo(last) ? 'sudo ' : ''}${family === 'rpm' ? `${last.display} clean all` : 'zypper clean --all'}`;
        // A configuration that may have moved the cache into a build cache the RUN mounts: the clean would empty it.
        const configMoved = mountsCacheOver(run, () => true) && configMayMoveCache(ctx, run, last.command.start);
        // An install in a background job not waited for (runsInBackground) may still write after the clean appended at the end.
        const unsure = mountInside || configMoved || found.some((r) => r.unknown || runsInBackground(run, r.pc.command) || stringScriptsOf(run).some((s) => s.commands.includes(r.pc.command)));
        out.push({ range: found[0].range, data: { tool: last.display, family, clean, runLine: run.instruction.getRange().start.line, ...(unsure ? { unsure: true as const } : {}), ...(ownDir ? { ownCacheDir: true as const } : {}) } });
      }
    }
    return out;
  },
  message(d) {
    const where = d.family === 'rpm' ? 'repository metadata and packages under /var/cache' : 'repository metadata and packages under /var/cache/zypp';
    return `'${d.tool} install' without '${d.family === 'rpm' ? `${d.tool} clean all` : 'zypper clean'}' in the same RUN keeps the ${where} in this layer; append '${d.clean}'.`;
  },
  fix(ctx, { data }) {
    // The clean appended would clean the default folder, not the one the install names.
    if (data.ownCacheDir) return undefined;
    const run = runAtLine(ctx, data.runLine);
    if (!run) return undefined;
    const appended = appendToRun(ctx, run, data.clean);
    if (!appended) return undefined;
    // With sudo, a quick fix only: the image's sudoers rules may allow the install and not the clean (review 34).
    return { title: `Append ${data.clean}`, safe: appended.safe && !data.clean.startsWith('sudo ') && !data.unsure, changes: [{ kind: 'edit', path: ctx.path, edits: [appended.edit] }] };
  },
});
