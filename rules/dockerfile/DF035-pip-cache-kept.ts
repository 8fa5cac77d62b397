import { copySourceOnlyStages, resolveAt, userAt, type RunUser } from '../engine/df-instructions';
import { rootBase } from '../engine/stage-scope';
import { parentBuilds } from '../engine/image-uses';
import { officialImageName } from '../engine/image';
import type { Stage } from '../engine/dockerfile';
import { defineRule } from '../engine/rule';
import type { SimpleCommand } from '../engine/shell';
import type { DockerfileContext } from '../engine/dockerfile';
import { cleanedAfter, covers, envValueAt, exportedBeforeRun, insertAfterAction, insertAfterWord, mountsCacheOver, packageCommandsOfInStrings, removes, removesDir, type PackageCommand, type ParsedOption } from '../engine/packages';
import { runPackageCommandAt, runPackageCommands, runPackageCommandsOf } from '../engine/package-consumers';
import { pipConfigCache, type PipConfigCache, type PipEnv } from '../engine/pip-config';

interface Data {
  /** `pip`, `pip3`, `python3 -m pip`, as written. */
  tool: string;
  /** Offset of the tool word, to find the command again for the fix; -1 for one in an `eval`'s text not written one to one in the document (no fix). */
  toolOffset: number;
  /** The cache directory the command names with `--cache-dir`, for the message (null: pip's default, ~/.cache/pip). */
  cacheDir: string | null;
  /** The folder PIP_CACHE_DIR, a configuration file's `cache-dir` or XDG_CACHE_HOME puts the cache in (no `--cache-dir`), for the message. */
  envDir?: string;
  /**
   * The cache's folder is not known (a variable without a known value, the home of a user not known) and the RUN mounts a
   * cache, tmpfs or bind that may hold it, or a mount lies inside the folder: `--no-cache-dir` may turn that build cache off.
   */
  unsure?: true;
}

/** pip reads PIP_NO_CACHE_DIR with strtobool and, for backward compatibility, disables the cache for false values too. */
const STRTOBOOL = /^(?:y|yes|t|true|on|1|n|no|f|false|off|0)$/i;

function disablesCache(value: string | null | undefined): boolean {
  if (value === undefined || value === null) return false;
  const v = value.trim().replace(/^(["'])(.*)\1$/, '$2');
  // A value from a variable is unknown: assume the author meant to disable the cache.
  return STRTOBOOL.test(v) || v.includes('$');
}

/** `~/.cache/pip`, `/root/.cache/pip/*`, `$HOME/.cache`, `/home/app/.cache` … */
const PIP_CACHE_PATH = /(?:^|\/)\.cache(?:\/pip)?\/?(?:\*)?$/;

function cleansPipCache(cmd: SimpleCommand): boolean {
  return removes(cmd, (p) => PIP_CACHE_PATH.test(p));
}

/**
 * The last of pip's cache options on the command line: `--no-cache-dir` (pip, optparse, also accepts an
 * unambiguous prefix of a long option: `--no-cache`) or `--cache-dir DIR`. optparse applies options in
 * order and both set the same destination, so the last one wins (`--no-cache-dir --cache-dir /c` caches
 * in /c; review 43b, item 3); a command-line option also wins over PIP_NO_CACHE_DIR.
 */
function lastCacheOption(pc: PackageCommand): ParsedOption | undefined {
  let last: ParsedOption | undefined;
  for (const o of pc.options) if (o.long && (isNoCacheDir(o) || o.name === 'cache-dir')) last = o;
  return last;
}

const isNoCacheDir = (o: ParsedOption) => o.name.length >= 8 && 'no-cache-dir'.startsWith(o.name);

/** The pip cache directory the command names with `--cache-dir` (the last cache option), or null for the default one. */
function explicitCacheDir(pc: PackageCommand): string | null {
  const last = lastCacheOption(pc);
  return last && !isNoCacheDir(last) && last.value !== null ? last.value.replace(/^(["'])(.*)\1$/, '$2') : null;
}

/** Where pip keeps its cache for a command: a folder, `$HOME/.cache/pip` with HOME not known (the user's kind), or not known. */
type CacheLocation = { dir: string; fromEnv: boolean } | { homeOf: RunUser } | { unknown: true };

const unquote = (v: string) => v.trim().replace(/^(["'])(.*)\1$/, '$2');

/** Programs that run a command as another user (whose environment and home are theirs). */
const USER_SWITCHERS = new Set(['su', 'runuser', 'sudo', 'gosu', 'su-exec', 'setpriv', 'chpst', 's6-setuidgid', 'doas']);

/**
 * A variable's value in the environment the command runs in: a `NAME=…` prefix of it, an `export` that runs before it
 * (exportedBeforeRun), else ENV/ARG (envValueAt), with `$VAR` of ARG/ENV and `$HOME`/`~` expanded. undefined: not set;
 * null: set to a value not known (an ARG without default, an expansion of a shell variable).
 *
 * The RUN's shell expands a prefix's or an `export`'s `$HOME` (and `~`) to the home of the user it runs as. An ENV or
 * ARG value is expanded by the builder instead, from the Dockerfile's own ENV and ARG (Dockerfile reference, Environment
 * replacement): `ENV PIP_CACHE_DIR=$HOME/.pipc` is `/.pipc` on an image that sets no HOME (moby/moby#36112, #28971; the
 * base image's own ENV is not known here, so an undeclared HOME is a value not known: resolveAt), while a `~` stays as
 * written and pip expands it to the user's home (normalize_path: os.path.expanduser) (review57, F2).
 */
function variableFor(ctx: DockerfileContext, pc: PackageCommand, name: string, home: () => string | null): string | null | undefined {
  const line = pc.run.instruction.getRange().start.line;
  const shell = pc.assignments.get(name) ?? exportedBeforeRun(pc, name);
  const raw = shell ?? envValueAt(ctx, pc.run.stage, line, name);
  if (raw === undefined) return undefined;
  if (raw === null) return null;
  let v = unquote(raw);
  const h = (shell !== undefined ? /^(?:~|\$HOME|\$\{HOME\})(?=\/|$)/ : /^~(?=\/|$)/).exec(v);
  if (h) {
    const dir = home();
    if (dir === null) return null;
    v = dir + v.slice(h[0].length);
  }
  return resolveAt(ctx, v, line);
}

/**
 * The home of the user pip runs as: HOME as set for the command, else /root for root (runc sets HOME from the user's
 * /etc/passwd entry when the image does not set it); null when not known (a USER other than root, a user not known,
 * a command run through sudo, su or gosu, whose user and environment are theirs).
 */
function homeOf(ctx: DockerfileContext, pc: PackageCommand): string | null {
  const h = variableFor(ctx, pc, 'HOME', () => null);
  if (h !== undefined) return h !== null && h.startsWith('/') ? h.replace(/(.)\/+$/, '$1') : null;
  return pc.run.stage && userAt(ctx, pc.run.stage, pc.run.instruction) === 'root' ? '/root' : null;
}

/** Whether the command runs as another user than the RUN's: through sudo, or in the script of `su -c`, `runuser`, … */
function switchesUser(pc: PackageCommand): boolean {
  if (pc.viaSudo) return true;
  for (let script = pc.script; script.host; script = script.host.script) {
    const host = script.host.script.commands[script.host.index];
    if (host.programIndex >= 0 && USER_SWITCHERS.has(host.words[host.programIndex].value.replace(/^.*\//, ''))) return true;
  }
  return false;
}

/** The environment a pip command runs in (variableFor, homeOf), for pip-config.ts: no home when it runs as another user. */
function pipEnv(ctx: DockerfileContext, pc: PackageCommand): PipEnv {
  let home: string | null | undefined;
  const lazyHome = () => (home === undefined ? (home = switchesUser(pc) ? null : homeOf(ctx, pc)) : home);
  return { variable: (name) => variableFor(ctx, pc, name, lazyHome), home: lazyHome };
}

/**
 * Where pip keeps its cache when the command line names none (pip's caching docs: `~/.cache/pip`, respecting
 * XDG_CACHE_HOME; PIP_CACHE_DIR sets it, as any option's PIP_ variable, over the configuration files): PIP_CACHE_DIR,
 * else the `cache-dir` of pip's configuration files (`conf`, pipConfigCache), else `$XDG_CACHE_HOME/pip` (platformdirs: an
 * empty XDG_CACHE_HOME is not set), else `$HOME/.cache/pip`. A relative or unknown value is not known; so is any folder
 * when a configuration file pip may read cannot be read here.
 */
function cacheLocation(ctx: DockerfileContext, pc: PackageCommand, conf: PipConfigCache): CacheLocation {
  if (switchesUser(pc)) return { homeOf: 'unknown' };
  const user: RunUser = pc.run.stage ? userAt(ctx, pc.run.stage, pc.run.instruction) : 'unknown';
  let home: string | null | undefined;
  const lazyHome = () => (home === undefined ? (home = homeOf(ctx, pc)) : home);
  const absolute = (v: string | null, sub: string): CacheLocation => (v !== null && v.startsWith('/') ? { dir: (v.replace(/\/+$/, '') || '/') + sub, fromEnv: true } : { unknown: true });
  const pipDir = variableFor(ctx, pc, 'PIP_CACHE_DIR', lazyHome);
  if (pipDir !== undefined) return absolute(pipDir, '');
  if (conf) return 'dir' in conf ? { dir: conf.dir, fromEnv: true } : { unknown: true };
  const xdg = variableFor(ctx, pc, 'XDG_CACHE_HOME', lazyHome);
  if (xdg !== undefined && xdg !== '') return absolute(xdg, xdg === null || xdg.endsWith('/') ? 'pip' : '/pip');
  const h = lazyHome();
  if (h === null) return { homeOf: user };
  return { dir: `${h === '/' ? '' : h}/.cache/pip`, fromEnv: false };
}

/** `…/.cache` or `…/.cache/pip`: a cache mount over some user's pip cache. */
const HOME_CACHE_MOUNT = /\/\.cache(?:\/pip)?$/;

/** Whether pip's cache stays in the layer; `unsure` when the fix may turn a build cache off (see Data.unsure). */
function keptCache(ctx: DockerfileContext, pc: PackageCommand): { unsure: boolean; envDir?: string } | null {
  const last = lastCacheOption(pc);
  if (last && isNoCacheDir(last)) return null;
  const dir = explicitCacheDir(pc);
  if (dir !== null) {
    // `--cache-dir DIR`, given last: the cache is there, whatever PIP_NO_CACHE_DIR says; a cache mount over it, or its removal later in the RUN, keeps it out of the layer.
    if (dir.includes('$')) return null;
    if (mountsCacheOver(pc.run, (t) => covers(t, dir))) return null;
    const removesDirCache = (cmd: SimpleCommand) => removes(cmd, (p) => removesDir(p, dir));
    return cleanedAfter(pc.run, [pc.command], removesDirCache) ? null : { unsure: mountsCacheOver(pc.run, (t) => covers(dir, t)) };
  }
  if (disablesCache(pc.assignments.get('PIP_NO_CACHE_DIR')) || disablesCache(exportedBeforeRun(pc, 'PIP_NO_CACHE_DIR'))) return null;
  if (disablesCache(envValueAt(ctx, pc.run.stage, pc.run.instruction.getRange().start.line, 'PIP_NO_CACHE_DIR'))) return null;
  // A configuration file's `no-cache-dir` disables the cache whatever PIP_CACHE_DIR says (pip evaluates it last).
  const conf = pipConfigCache(ctx, pc, pipEnv(ctx, pc), (other) => pipEnv(ctx, other));
  if (conf && 'disabled' in conf) return null;
  const loc = cacheLocation(ctx, pc, conf);
  if ('dir' in loc) {
    // A cache, tmpfs or bind mount over the folder (`ENV PIP_CACHE_DIR=/cache/pip` + `--mount=type=cache,target=/cache/pip`).
    if (mountsCacheOver(pc.run, (t) => covers(t, loc.dir))) return null;
  } else if ('homeOf' in loc) {
    // The home is not known: a mount over `<some home>/.cache[/pip]` is taken as the user's, but not one in /root for a USER other than root.
    if (mountsCacheOver(pc.run, (t) => HOME_CACHE_MOUNT.test(t) && (loc.homeOf !== 'non-root' || !covers('/root', t)))) return null;
  }
  // A cleanup after an unconditional `exit` never runs, nor one after a top-level `return` in dash or ash
  // (reachedCommandsOf, runsInEveryShell), and one after `|| exit 0` may not (cleanedAfter).
  // In a RUN that defines a function or runs `eval`, in the order its shell runs it.
  let pcs: Map<SimpleCommand, PackageCommand> | undefined;
  const purges = (cmd: SimpleCommand) => {
    // `pip cache purge` in an `eval`'s text too (runPackageCommandsOf).
    pcs ??= new Map([...packageCommandsOfInStrings(ctx, pc.run), ...runPackageCommandsOf(ctx, pc.run, true).map((r) => r.pc)].map((o) => [o.command, o]));
    const o = pcs.get(cmd);
    return cleansPipCache(cmd) || ('dir' in loc && removes(cmd, (p) => removesDir(p, loc.dir))) || (!!o && o.family === 'pip' && o.action === 'cache' && o.operands.some((w) => w.value === 'purge' || w.value === 'remove'));
  };
  if (cleanedAfter(pc.run, [pc.command], purges)) return null;
  // Not sure the cache is outside every mount of the RUN: a mount inside the known folder, or any (but one in /root for a
  // USER other than root) when the folder is not known.
  const unsure = 'dir' in loc ? mountsCacheOver(pc.run, (t) => covers(loc.dir, t)) : mountsCacheOver(pc.run, (t) => !('homeOf' in loc && loc.homeOf === 'non-root' && covers('/root', t)));
  return { unsure, ...('dir' in loc && loc.fromEnv ? { envDir: loc.dir } : {}) };
}

/**
 * Releases whose own `python-pip` package predates pip 6.0, the first with `--no-cache-dir`
 * (Debian 8 jessie ships 1.5.6, Ubuntu 14.04 trusty 1.5.4, Ubuntu 14.10 to 15.10 1.5.6): an older pip
 * rejects the option. By codename anywhere in the tag, as the official images built on them name it
 * (`node:8-jessie`, `buildpack-deps:jessie`, `debian/eol:jessie`), or by a Debian or Ubuntu version.
 */
const OLD_PIP_CODENAME = /(?:^|-)(?:squeeze|wheezy|jessie|lucid|precise|trusty|utopic|vivid|wily)(?:-|$)/;

/**
 * The stage is built on a release whose packaged pip has no `--no-cache-dir`: its first FROM names one,
 * or names an image a compose service builds from a Dockerfile that is (`FROM acme/legacy-base:local`
 * and `image: acme/legacy-base:local` built `FROM debian:jessie`, or a `service:` build context: review
 * 40b), or whose Dockerfile cannot be read.
 */
function onOldDistroPip(ctx: DockerfileContext, stage: Stage | null, depth = 0): boolean {
  if (!stage) return false;
  if (onOldDistroPipHere(stage)) return true;
  if (depth >= 4) return false;
  const parents = parentBuilds(ctx, stage);
  return parents === 'unknown' || parents.some((p) => onOldDistroPip(p.dockerfile, p.stage, depth + 1));
}

function onOldDistroPipHere(stage: Stage): boolean {
  const base = rootBase(stage);
  if (base.kind !== 'image' || !base.ref.tag) return false;
  const tag = base.ref.tag;
  if (OLD_PIP_CODENAME.test(tag)) return true;
  const name = officialImageName(base.ref);
  if (name === 'debian') return /^[678](?:[.-]|$)/.test(tag);
  if (name === 'ubuntu') return /^1[0-5]\.(?:04|10)(?:[.-]|$)/.test(tag);
  return false;
}

export default defineRule<'dockerfile', Data>({
  code: 'DF035',
  name: 'pip-cache-kept',
  kind: 'dockerfile',
  severity: 'info',
  fixable: 'sometimes',
  docs: {
    summary: '`pip install` keeps its cache in the layer: no `--no-cache-dir`, or a `--cache-dir` given last.',
    what: 'Flags `pip install` — `pip`, `pip3`, `pip3.12`, `python -m pip`, `python3 -m pip`, also behind `sudo`/`env`, with packages or `-r requirements.txt` — without `--no-cache-dir` (before or after `install`; pip also accepts the abbreviation `--no-cache`). pip applies its options in order and `--no-cache-dir` and `--cache-dir DIR` set the same thing, so the last one wins: `--no-cache-dir --cache-dir /tmp/c` caches in /tmp/c and is flagged (the message names the folder), as is any `--cache-dir DIR` given last — unless a cache, tmpfs or bind mount covers DIR or the same RUN removes it later (a command-line option also wins over `PIP_NO_CACHE_DIR`). Silent when the cache is disabled another way: `PIP_NO_CACHE_DIR` set by ENV or ARG earlier in the stage (ENV also from a stage it builds on), by `export` earlier in the script or as a `PIP_NO_CACHE_DIR=1 pip …` prefix, also by an `export` in the text of an `eval` or a function\'s body that runs before the install (`eval "export PIP_NO_CACHE_DIR=1"; pip install …`: POSIX eval runs the text in this shell), as a prefix of the call of the function whose body installs (`PIP_NO_CACHE_DIR=1 inst`: POSIX 2.9.1, Simple Commands, the assignments affect the environment during the execution of the function; only that call, not a later one without it: `PIP_NO_CACHE_DIR=1 inst; inst` is reported, review 56a, F3), or exported before (or as a prefix of) the `eval` or the shell command whose text or script string installs (`export PIP_NO_CACHE_DIR=1 && sh -c \'pip install …\'`: an exported variable is in the environment of the commands the shell runs; also given by `env`, `env PIP_NO_CACHE_DIR=1 sh -c \'pip install …\'`, as POSIX env modifies the environment of the utility it invokes, review 56a, F4); read in order, in the RUN\'s script, the script around a shell command and the order a RUN with a function or `eval` runs in: an `unset PIP_NO_CACHE_DIR` (also `unset -v`, or among other names; not `unset -f`, which removes a function) after the `export` takes it away again for what follows (POSIX unset: without `-f` or `-v` the name "refers to a variable"), so `export PIP_NO_CACHE_DIR=1; unset PIP_NO_CACHE_DIR; pip install flask` is reported; an `export` or `unset` in a subshell environment counts only inside it, not after it ends (POSIX 2.12 Shell Execution Environment: "Changes made to the subshell environment shall not affect the shell environment"): in `( … )`, an element of a pipeline, a background job, the shell of a `sh -c \'…\'` string, so `( export PIP_NO_CACHE_DIR=1 ); pip install flask` is reported; and one in a function\'s body counts where the function is called, not where it is written (`f() { unset PIP_NO_CACHE_DIR; }; export PIP_NO_CACHE_DIR=1; f; sh -c \'pip install flask\'` is reported) (review 56a, g5), and a later `export` sets it again; a cache, tmpfs or bind mount over the folder where pip keeps its cache (BuildKit keeps a `type=cache` mount\'s content out of the layer, and what is written under a bind mount, read-only by default, is discarded after the RUN even with `rw`: Docker docs, Build cache optimization, "Use bind mounts"; review57); or removal later in the same RUN (`pip cache purge`, `rm -rf /root/.cache/pip`; not one in a background job that no later `wait` waits for, `pip cache purge &`, as DF030 reads a cleanup; not one before the `wait` that waits for an install in a background job, nor after one no `wait` waits for, `pip install flask & pip cache purge; wait`: the install may write its cache after it (waitpid); none at all after an install in such a job (`pip install flask & pip cache purge`): the job may still write its cache after the cleanup ran, or be cut short when the RUN\'s shell exits; not one after an unconditional top-level `exit`, `exec` with a program or `return`, which never runs or, for `return`, not in every shell; nor after an `exit`, `return` or `exec` with a program written between the install and it that may end the shell with success (`pip install flask || exit 0; pip cache purge`, `if [ -f /x ]; then exit 0; fi; …`, `[ -n "$SKIP" ] && exit; …`: on that path the RUN succeeds and the cleanup never runs, as DF030 reads its lists; POSIX exit: with no status the shell exits with that of the last command, which succeeded there), while one that surely fails (`exit 1`, a bare `exit` right after `||`) keeps the failure; also in the script of a `sh -c \'…\'` string or a command substitution, whose `exit` ends that shell before the cleanup written after it there). An install that never runs keeps no cache and is not flagged, as DF034 reads it: one after an unconditional top-level `exit` or `exec` with a program, or, under a shell known to be `sh`, dash or ash, a top-level `return`; and one in a function\'s body after a `return` that runs whenever the body gets to it (at the body\'s own top level, the first of its and-or list, not in a pipe or the background: `f() { return; pip install flask; }; f`; POSIX return: the shell stops "executing the current function"), while one after a `return` that may not run (`[ -f /x ] && return`, inside an `if`) still counts. `pipx`, `pipenv` and `uv pip` are other tools and not judged. Not in a builder stage whose layers reach no image: one that a later stage only copies from (`COPY --from=`, `RUN --mount=…,from=`), that no stage builds on (`FROM <stage>`) but other such stages (linkding\'s `build-deps`, built on only by `compile-icu`, which is only copied from) and that is not the last (as hadolint\'s DL3009 skips it); a stage nothing names may be built with `--target` and is judged; a name with a variable (`FROM build-${TARGETARCH} AS build`, `FROM runtime-$TARGETARCH`, `COPY --from=build-$TARGETARCH`) is read as the stage a global ARG default makes it, else the stages whose names its literal parts match (`build-amd64`, `build-arm64`), which are builder stages when every stage that may build on them is one (`build`, only copied from); a FROM that is nothing but a variable may build on any earlier stage; a `--from` with a variable fails with BuildKit since moby/buildkit#6153 ("variable expansion is not supported for --from", whose workaround is the FROM form above; Buildah and Podman expand it), and one that is nothing but a variable may name any stage, so none is skipped then. A RUN that defines a function (`name() { …; }`, bash\'s `function name { …; }`) or runs `eval` is read in the order its shell runs it: a function\'s body where the function is called, each time it is called, not where it is defined, and not at all when it is never called (bash\'s Shell Functions: the body "is executed whenever fname is specified as the name of a simple command"); the text of an `eval` whose words hold no expansion where the `eval` stands (POSIX eval: its arguments joined with spaces are read and run by the shell): a removal of the cache or `pip cache purge` in a function the RUN calls after the install counts, one in a function never called, after a `return` or `exit` in its function, or in an `eval` of text with an expansion does not, and an install in a function never called runs nothing. An install in the text of an `eval` (also `command eval`, `builtin eval`) counts where the `eval` runs it, as DF031, DF032 and DF037 read it (`RUN eval "pip install flask"`), and so does a removal of the cache or `pip cache purge` there; it is reported, and the flag inserted, where it is written when each of the `eval`\'s words is written as its value or as one quoted string, else on the `eval` with no fix. An install in the quoted script of a shell the RUN starts (`sh -c \'…\'`, `bash -c "…"`, `su -c \'…\'`: one single-quoted string, or a double-quoted one without `\\` or backticks; a string with escapes is not read) or in a here-document a shell reads as its script (`sh <<\'EOS\'` in a `RUN <<EOF` script) counts too, as DF030, DF031 and DF032 read it (POSIX sh: with `-c` the shell reads its commands from the string; POSIX 2.7.4, Here-Document: the here-document is the shell\'s standard input, from which it reads its commands), and so does a removal of the cache or `pip cache purge` later in that string or after the shell\'s command (not one in the body of a function the string defines); `--no-cache-dir` is inserted in the string. When what a call runs cannot be known (a function defined in `if`/`else`, in `{ }`, in a loop or more than once, then called; an `eval` of text with an expansion; a command named by a variable, in a RUN that defines functions), every install written in the bodies may run there and counts, as DF031 and DF032 read such a call (bash\'s Shell Functions: the body of the function called "is executed whenever fname is specified as the name of a simple command"), and a removal of the cache or `pip cache purge` counts only after that call, not in those bodies, where it may not be the body that runs. In a RUN read in the order its shell runs it, an `exit` (any status) or an `exec` of a program that surely runs in the text of an `eval` or in a function\'s `{ …; }` body ends the shell there (POSIX eval: the text "shall be read and executed by the shell"; POSIX exit: the shell exits; POSIX exec: the program replaces it): nothing after it runs, neither the rest of the body nor what follows the call or the `eval` (`eval "exit 0"; apt-get install -y curl`, `eval \'exec true\'; …`, `f() { exit 0; apt-get install -y wget; }; f`). Surely runs: at the top level of its text or body (not in an `if`, a loop, a `case`, a group or a `( … )` body, whose `exit` ends only its subshell), not behind `&&`/`||`, not in a pipe or the background, not after a `return` or an `exit` that may run, reached through calls and `eval`s that stand so; not `builtin exit`, which dash and BusyBox ash do not have. A name called before every definition of it in its text is written (and in no loop) calls none of them (bash manual, Shell Functions: a definition defines the function when it runs; dash says `inst: not found`): `apt-get update; inst; inst() { apt-get install curl; }` installs nothing through that call. Calls and `eval`s nested more than 8 deep are not followed in order (the reading stops there, as for a text it cannot know): what the deeper body or text writes, with the bodies it calls and the texts of the `eval`s it runs, counts as what may run, so an install there is reported (`eval eval eval eval eval eval eval eval eval apt-get install curl`) and a cleanup there does not count. So is what a RUN runs past its first 4,000 steps, as its shell runs it (a helper called thousands of times, or helpers calling helpers): the rest of the script and of each body being run, with the bodies and `eval` texts they name (each once), counts as what may run, so an install written there is reported and a cleanup written there does not count. An install in a command substitution (`x=$(apt-get install -y curl)`, `echo "$(apk add curl)"`, backquotes) counts as the RUN\'s own (POSIX 2.6.3 Command Substitution: the shell runs it "in a subshell environment" when it expands the command\'s words, so what it installs stays in the layer), where its command runs; so does a cleanup there, in a RUN read in document order (`apk add curl; x=$(rm -rf /var/cache/apk/*)`), as DF030 reads one; only one whose text is written one to one in the document (its word on one line; a backquoted one without `\\`), not one inside another or inside a `sh -c` string, so that a finding and an edit land on what is written. `--no-cache-dir` is inserted inside the substitution. Where pip keeps its cache (pip\'s Caching docs): the last `--cache-dir DIR` of the command line, else `PIP_CACHE_DIR`, else the `cache-dir` of pip\'s configuration files (see below), else `$XDG_CACHE_HOME/pip` (an empty XDG_CACHE_HOME counts as unset, as the XDG Base Directory spec says), else `~/.cache/pip`, `~` being the HOME of the user pip runs as. Each variable is read as the command sees it: a `NAME=… pip install` prefix, an `export` that runs before it in the RUN, or ENV/ARG of the stage (ENV also from a stage it builds on; an ARG\'s default; `$VAR` of ARG/ENV and `~` expanded). `$HOME` is expanded where it is written: by the RUN\'s shell in a prefix or an `export` (the home of the user the command runs as), by the builder in an ENV or ARG value, from the Dockerfile\'s own ENV and ARG only (Dockerfile reference, Environment replacement; moby/moby#36112), so `ENV PIP_CACHE_DIR=$HOME/.pipc` is `/.pipc` on an image that sets no HOME, and, since the base image\'s own ENV is not read here, a folder not known when the Dockerfile declares no HOME (review57); a `~` stays in an ENV value and pip expands it to that user\'s home (it normalizes the folder with os.path.expanduser). HOME is the one set so, else /root under root (runc sets HOME from the user\'s /etc/passwd entry when nothing sets it); the home of a USER other than root, of a user not known (a base image that is not official) or of a command run through `sudo`, `su -c`, `runuser`, `gosu`, … is not known. So `ENV PIP_CACHE_DIR=/cache/pip` with `RUN --mount=type=cache,target=/cache/pip pip install …`, `ENV XDG_CACHE_HOME=/cache` with a mount at /cache (or /cache/pip), `PIP_CACHE_DIR=/c pip install …` under a mount at /c are silent (review 55c, F4), and a mount at `/root/.cache/pip` is flagged when PIP_CACHE_DIR or XDG_CACHE_HOME puts the cache elsewhere, or under `USER app`, whose cache is in app\'s home. When the home is not known, a mount over `<dir>/.cache` or `<dir>/.cache/pip` is taken as the user\'s cache (not one in /root under a USER other than root). When the folder is not known — a variable whose value is not (an ARG without default, which is unset unless the build gives it, so the cache is in the layer by default; a shell variable), a relative folder, a configuration file pip may read that cannot be read here (below) — the install is flagged (without the mount the cache is in the layer wherever it is), with a quick fix only when the RUN has a cache, tmpfs or bind mount (see Fix). pip\'s configuration files are read as the Dockerfile writes them before the install (earlier in its RUN, earlier RUNs and COPYs of the stage and of the stages it builds on), as pip\'s Configuration docs and its loader (configuration.py, cli/parser.py) read them on Linux: the global files (`pip/pip.conf` in each folder of XDG_CONFIG_DIRS, default /etc/xdg, then /etc/pip.conf), the user files (`$HOME/.pip/pip.conf`, then `$XDG_CONFIG_HOME/pip/pip.conf`, default `$HOME/.config`; not under `--isolated` nor when PIP_CONFIG_FILE names a file), the site file `pip config --site set` writes, and the file PIP_CONFIG_FILE names (none when it is /dev/null; read last by pip 10 and later, first by the docs of some versions: an answer that depends on which is not known), each later file overriding the earlier ones key by key; in each, the `[global]` section, then `[install]` over it (`[DEFAULT]` keys count for a section that is there; `cache_dir` is `cache-dir`; empty values are skipped). What writes them: `pip config set|unset NAME VALUE` (`--global`: /etc/pip.conf; `--site`: the site file; else the user file of the user it runs as), `echo`/`printf` (`%s` only) redirected with `>`/`>>` or piped into `tee [-a]`, `cat` or `tee` of a here-document, `rm`, and `COPY`/`ADD` of a here-document or of a file of the build context (read there, in the folders DF015 reads sources from; `COPY pip.conf /etc/xdg/pip/` too). A file whose `no-cache-dir` has any boolean value — `false` too, which pip reads as disabling for backward compatibility — disables the cache whatever `cache-dir` or PIP_CACHE_DIR say (pip evaluates that callback option last), and the install is not flagged: `RUN pip config set global.no-cache-dir true`. A file\'s `cache-dir` (`~` expanded) is where the cache is: `RUN pip config set global.cache-dir /opt/pipcache` with `RUN --mount=type=cache,target=/opt/pipcache pip install …` is silent, and a mount elsewhere (at /root/.cache/pip) leaves the cache in the layer, flagged with a safe fix. Not known, so the cache\'s folder is not either: a file copied `--from` another stage or image, a file of the build context not found, a URL or glob source, a file written by another program (`cp`, `mv`, `sed -i`, `curl`, `pip config edit`…), a body or value with a variable (`pip config set global.cache-dir "$CACHE"`), an `echo` of a `\\n` without `-e` or `-E` (dash\'s echo reads escapes, bash\'s does not), a PIP_CONFIG_FILE the Dockerfile does not write (the file may be in the base image); and a file that sets the cache in a place pip may read without it being known: a `pip.conf` at a path with a variable, or any other `<folder>/pip.conf` (the base and site files are `sys.base_prefix/pip.conf` and `sys.prefix/pip.conf`, `$VIRTUAL_ENV` in a virtual environment, /usr/local in the official python image). A folder of the build context copied whole (`COPY rootfs/ /`, `COPY etc/ /etc/`) gives the files it holds (read in the context; a context not known makes them not known), but is not searched for a site or base file; files of the base image are not read.',
    why: 'pip keeps every downloaded archive and built wheel in `~/.cache/pip`. In an image that cache is dead weight — often hundreds of megabytes for scientific stacks — shipped with every pull and never read again. SECURITY-GUIDELINES.md §6 "Clean up – remove unnecessary packages". Note that pip treats any boolean value of PIP_NO_CACHE_DIR, even `false` or `0`, as "disable the cache" (a backward-compatibility quirk), so any such value is accepted here.',
    whySummary: 'pip\'s cache of downloaded archives and built wheels (`~/.cache/pip`, often hundreds of megabytes) is dead weight in the image, shipped with every pull and never read again.',
    bad: 'FROM python:3.13-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt',
    good: 'FROM python:3.13-slim\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt',
    fix: '"Add --no-cache-dir" inserts `--no-cache-dir` right after `install` (as a JSON string in exec-form RUN), or right after the `--cache-dir DIR` it has to come after. Safe: only the cache is skipped; what gets installed is the same. Not safe (a quick fix only) in a stage built on Debian 8 (jessie) or older or Ubuntu 15.10 (wily) or older — by a Debian or Ubuntu version, or by the codename in any image\'s tag (`node:8-jessie`, `buildpack-deps:trusty`): their `python-pip` package (1.5.x) predates pip 6.0, which added the option, and rejects it ("no such option"), so the fixed build would fail unless pip was upgraded first. The base is followed through compose too (review 40b): when the first `FROM` names an image that a compose service of the compose files around the Dockerfile builds (`FROM acme/legacy-base:local` and `image: acme/legacy-base:local`, compared by repository), or a build context the services building this Dockerfile give under that name (`additional_contexts: { base: "service:base" }`), the base of that service\'s Dockerfile (its target stage, or the final one) is judged the same way, up to four builds deep; not safe either when that Dockerfile cannot be read. Not safe either (a quick fix only) where the cache may be in a build cache the RUN mounts, which the flag would turn off (review 55c, F4): a `type=cache` or `tmpfs` mount lies inside the cache\'s folder (`ENV PIP_CACHE_DIR=/cache` with a mount at /cache/http-v2), or the folder is not known (see What it does: a variable without a known value, or a configuration file of pip\'s that cannot be read here, which may put the cache in the mount — a COPY of a file not found in the build context, `pip config set global.cache-dir "$CACHE"`) and the RUN mounts any cache, tmpfs or bind (under a USER other than root, any but one in /root). To cover every pip call of a stage at once, set `ENV PIP_NO_CACHE_DIR=1` instead.',
    guideline: '§6 Image Build Security — "Clean up – remove unnecessary packages"',
    equivalents: ['hadolint DL3042 (avoid use of cache directory with pip)', 'KICS "Pip install Keeping Cached Packages"', 'semgrep missing-pip-no-cache-dir'],
    references: [
      'https://github.com/hadolint/hadolint/wiki/DL3042',
      'https://pip.pypa.io/en/stable/topics/caching/',
      'https://pip.pypa.io/en/stable/topics/configuration/#environment-variables',
      'https://pip.pypa.io/en/stable/topics/configuration/#location',
      'https://pip.pypa.io/en/stable/cli/pip_config/',
      'https://github.com/pypa/pip/blob/main/src/pip/_internal/configuration.py',
      'https://github.com/pypa/pip/blob/main/src/pip/_internal/cli/parser.py',
      'https://docs.python.org/3/library/configparser.html#supported-ini-file-structure',
      'https://docs.docker.com/reference/dockerfile/#run---mounttypecache',
      'https://specifications.freedesktop.org/basedir-spec/latest/',
      'https://github.com/opencontainers/runc/blob/main/libcontainer/init_linux.go',
      'https://github.com/pypa/pip/blob/main/src/pip/_internal/cli/cmdoptions.py',
      'https://github.com/pypa/pip/pull/5884',
      'https://github.com/moby/buildkit/pull/6153',
      'https://docs.docker.com/reference/dockerfile/#environment-replacement',
      'https://github.com/moby/moby/issues/36112',
      'https://www.gnu.org/software/bash/manual/html_node/Shell-Functions.html',
      'https://pubs.opengroup.org/onlinepubs/009695299/utilities/eval.html',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/sh.html',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#tag_19_07_04',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#tag_19_09_01',
      'https://www.gnu.org/software/bash/manual/html_node/Lists.html',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#exit',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#exec',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#tag_19_06_03',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#unset',
    ],
  },
  check(ctx) {
    const out = [];
    const builders = copySourceOnlyStages(ctx, { stageCandidates: true });
    // What each RUN may run, as its shell runs it (runPackageCommands: a function's body where it is called, an `eval`'s
    // text), as DF031, DF032 and DF037 read it; one after an unconditional `exit`/`exec` (under /bin/sh a top-level
    // `return` too) never runs: it keeps nothing (as DF034).
    for (const { pc, placed, range } of runPackageCommands(ctx, true)) {
      if (pc.family !== 'pip' || pc.action !== 'install') continue;
      if (pc.run.stage && builders.has(pc.run.stage)) continue;
      const kept = keptCache(ctx, pc);
      if (!kept) continue;
      out.push({ range, data: { tool: pc.display, toolOffset: placed ? pc.toolWord.start : -1, cacheDir: explicitCacheDir(pc), ...(kept.envDir !== undefined ? { envDir: kept.envDir } : {}), ...(kept.unsure ? { unsure: true as const } : {}) } });
    }
    return out;
  },
  message(d) {
    if (d.cacheDir !== null) return `'${d.tool} install --cache-dir ${d.cacheDir}' keeps pip's download and wheel cache in ${d.cacheDir} in this layer; add --no-cache-dir after it, or mount a build cache there (RUN --mount=type=cache,target=${d.cacheDir}).`;
    if (d.envDir !== undefined) return `'${d.tool} install' without --no-cache-dir keeps pip's download and wheel cache (${d.envDir}) in this layer; add --no-cache-dir, or mount a build cache there (RUN --mount=type=cache,target=${d.envDir}).`;
    return `'${d.tool} install' without --no-cache-dir keeps pip's download and wheel cache (~/.cache/pip) in this layer; add --no-cache-dir or set ENV PIP_NO_CACHE_DIR=1.`;
  },
  fix(ctx, { data }) {
    const pc = data.toolOffset < 0 ? undefined : runPackageCommandAt(ctx, data.toolOffset);
    if (!pc) return undefined;
    // After a `--cache-dir DIR` that would otherwise win (optparse applies options in order): right after its value.
    const last = lastCacheOption(pc);
    const edit = last && !isNoCacheDir(last) ? insertAfterWord(ctx, pc, last.valueWord ?? last.word, '--no-cache-dir') : insertAfterAction(ctx, pc, '--no-cache-dir');
    if (!edit) return undefined;
    // On an old release the stage may run its distro's pip, which rejects the option (moby's jessie stages).
    // Where the cache may be in a build cache the RUN mounts, the flag would turn that cache off: a quick fix only.
    return { title: 'Add --no-cache-dir', safe: !data.unsure && !onOldDistroPip(ctx, pc.run.stage), changes: [{ kind: 'edit', path: ctx.path, edits: [edit] }] };
  },
});
