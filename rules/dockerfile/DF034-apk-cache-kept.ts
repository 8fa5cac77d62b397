import { copySourceOnlyStages } from '../engine/df-instructions';
import { defineRule } from '../engine/rule';
import type { SimpleCommand } from '../engine/shell';
import { cleanedAfter, covers, hasOption, insertAfterAction, mayRun, mountsCacheOver, packageCommandsOf, removes, removesDir, shellCommandsOf, type PackageCommand } from '../engine/packages';
import { deleteCommandEdit } from '../engine/run-commands';
import { builtOnElsewhere, indexVerdict, mayRunPackageManager, runPackageCommandAt, runPackageCommands, runsAfter, startCommands, startsUnseenScript, type IndexUse } from '../engine/package-consumers';
import { invocation } from '../engine/run-commands';
import type { DockerfileContext, RunInstruction } from '../engine/dockerfile';
import type { Fix } from '../engine/types';

interface Data {
  /** Offset of the `apk` word, to find the command again for the fix; -1 for one in an `eval`'s text not written one to one in the document (no fix). */
  toolOffset: number;
  /** The command is in the text of an `eval` or a shell's script string (runPackageCommands): an `apk update` there is not removed. */
  inEval?: true;
  /** `--update`/`-U` is written: the index is fetched into the cache. */
  updates: boolean;
  /** An `apk update` (it writes the index into the cache), not an `apk add`. */
  update?: boolean;
  /** The cache may be in a build cache the RUN mounts (see cacheKept): `--no-cache` may turn it off, a quick fix only. */
  unsure?: true;
}

const CACHE = '/var/cache/apk';

function cleansCache(cmd: SimpleCommand): boolean {
  if (removes(cmd, (p) => removesDir(p, CACHE))) return true;
  if (cmd.programIndex < 0) return false;
  const words = cmd.words.slice(cmd.programIndex).map((w) => w.value);
  return words[0].replace(/^.*\//, '') === 'apk' && words.includes('cache') && (words.includes('clean') || words.includes('purge'));
}

/** The folder `--cache-dir DIR` (apk(8): a temporary override of the cache directory) names; null when none, undefined when not known. */
function cacheDirOption(pc: PackageCommand): string | null | undefined {
  const o = [...pc.options].reverse().find((x) => x.long && x.name === 'cache-dir');
  if (!o) return null;
  const v = (o.value ?? '').replace(/^(["'])(.*)\1$/, '$2');
  // Relative to `--root`/`-p` (apk(8)), or a value not known.
  if (!v.startsWith('/') || v.includes('$') || hasOption(pc, 'root', 'p')) return undefined;
  return v.replace(/(.)\/+$/, '$1');
}

/**
 * Whether apk's cache stays in the layer (null: it does not); `unsure` when the RUN mounts a build cache that may hold it.
 * apk keeps its cache (the index, and the packages when caching is enabled) in `--cache-dir DIR` when given, else in
 * /etc/apk/cache when it exists (apk-cache(5): a symlink to a local folder, which may point anywhere: an earlier RUN or
 * the base image may have made it), else /var/cache/apk.
 */
function cacheKept(pc: PackageCommand): { unsure: boolean } | null {
  if (pc.action === 'add' && hasOption(pc, 'no-cache')) return null;
  // `--no-network` downloads nothing (a virtual package over what is already installed): no cache to keep.
  if (hasOption(pc, 'no-network')) return null;
  const dir = cacheDirOption(pc);
  if (typeof dir === 'string') {
    // `apk add --cache-dir /cache/apk` under a cache mount at /cache/apk (review 55c, F4).
    if (mountsCacheOver(pc.run, (t) => covers(t, dir))) return null;
    if (cleanedAfter(pc.run, [pc.command], (cmd) => cleansCache(cmd) || removes(cmd, (p) => removesDir(p, dir)))) return null;
    return { unsure: mountsCacheOver(pc.run, (t) => covers(dir, t)) };
  }
  if (dir === null && mountsCacheOver(pc.run, (t) => covers(t, CACHE) || covers(t, '/etc/apk/cache'))) return null;
  // `apk add … && rm -rf /var/cache/apk/*` later in the same RUN leaves nothing in the layer (one after an `exit` never runs,
  // one after `|| exit 0` may not: cleanedAfter). In a RUN that defines a function or runs `eval`, in the order its shell runs it.
  if (cleanedAfter(pc.run, [pc.command], cleansCache)) return null;
  // Where /etc/apk/cache may point into a cache mount of the RUN, or the folder is not known: `--no-cache` may turn it off.
  return { unsure: mountsCacheOver(pc.run, () => true) };
}

/** Whether an apk command fetches the index itself and keeps none: `apk add --no-cache`. */
function fetchesOwnIndex(pc: PackageCommand): boolean {
  return pc.action === 'add' && hasOption(pc, 'no-cache', 'U', 'update', 'update-cache');
}

/** apk's global and `add` options that take the next word as their value. */
const APK_VALUE_OPTIONS = new Set(['-X', '--repository', '-p', '--root', '--arch', '--cache-dir', '--keys-dir', '--repositories-file', '--cache-max-age', '--timeout', '-t', '--virtual']);

/**
 * How one command stands to the index in /var/cache/apk (see indexVerdict): `apk update` and
 * `apk add --update` (without `--no-cache`) fetch a fresh one; `apk add --no-cache`, `apk del` and
 * apk without a subcommand neither read nor leave it; any other apk command (`apk add`, `apk upgrade`,
 * `apk search`, …) reads it. Read from the package reader where it sees the command, else from the
 * words (`sh -c 'apk add jq'`, a CMD).
 */
function indexUse(cmd: SimpleCommand, pcs: ReadonlyMap<SimpleCommand, PackageCommand>): IndexUse {
  const pc = pcs.get(cmd);
  let action: string;
  let noCache: boolean;
  let update: boolean;
  if (pc) {
    if (pc.family !== 'apk') return 'skip';
    action = pc.action;
    noCache = hasOption(pc, 'no-cache');
    update = hasOption(pc, 'U', 'update', 'update-cache');
  } else {
    const inv = invocation(cmd);
    if (!inv || inv.name !== 'apk') return null;
    const args = inv.args.map((w) => w.value);
    action = '';
    for (let k = 0; k < args.length; k++) {
      if (APK_VALUE_OPTIONS.has(args[k])) k++;
      else if (!args[k].startsWith('-')) {
        action = args[k];
        break;
      }
    }
    noCache = args.includes('--no-cache');
    update = args.some((a) => a === '--update' || a === '--update-cache' || /^-[a-zA-Z]*U[a-zA-Z]*$/.test(a));
  }
  if (action === 'update') return 'updates';
  if (action === 'add' && noCache) return 'skip';
  if (action === 'add' && update) return 'updates';
  if (action === 'del' || action === '') return 'skip';
  return 'needs';
}

/** A RUN that runs a script or program given by path (`sh /tmp/x.sh`, `./install`, `. /opt/env.sh`), also inside a quoted script. */
const RUNS_A_SCRIPT = /(?:^|[\s;&|(])(?:(?:sh|bash|ash|dash|\.|source)\s+(?:-\w+\s+)*[^\s-][^\s]*|\.{0,2}\/[\w./-]+)(?=\s|$|[;&|)])/m;

/** How many apk commands a text holds, counted in the text (apk where the package reader does not see it: review 11, probe 10). */
function apkMentions(text: string): number {
  return (text.match(/(?:^|[\s;&|('"`])apk\s/g) ?? []).length;
}

/** Whether a later RUN may read the index an earlier layer left in /var/cache/apk. */
function runMayReadIndex(ctx: DockerfileContext, r: RunInstruction): boolean {
  // A cache, tmpfs or bind mount over /var/cache/apk hides the layer's index from the RUN.
  if (mountsCacheOver(r, (t) => covers(t, CACHE))) return false;
  const text = ctx.text.slice(ctx.offsetAt(r.instruction.getRange().start), ctx.offsetAt(r.instruction.getRange().end));
  const pcs = packageCommandsOf(ctx, r);
  // apk the package reader does not see: not judged.
  if (apkMentions(text) !== pcs.filter((o) => o.family === 'apk').length) return true;
  // A script the Dockerfile does not show may run apk (`RUN sh /tmp/install-tools.sh`: review 12, probe 06).
  if (RUNS_A_SCRIPT.test(text)) return true;
  const byCommand = new Map(pcs.map((o) => [o.command, o] as const));
  // What follows an unconditional `exit`/`exec` never runs (mayRun); what follows a `return` may, in bash.
  const commands = r.scripts.filter((s) => s.isShell || s.json).flatMap((s) => s.commands).filter((cmd) => mayRun(r, cmd));
  return indexVerdict(commands, (cmd) => indexUse(cmd, byCommand), (cmd) => mayRunPackageManager(r, cmd)) === 'needs';
}

/**
 * Whether a step after `pc` may need the index it leaves in /var/cache/apk: a later command of its RUN,
 * a later RUN of its stage or a RUN (ONBUILD triggers included) of a stage built on it, or a command a
 * container of those stages starts (CMD, ENTRYPOINT, HEALTHCHECK) — one that installs with apk (`apk
 * add` without `--no-cache` or `--update`, `apk upgrade`, …) before fetching an index of its own, or that
 * runs a script or program whose commands the Dockerfile does not show, or another Dockerfile that compose
 * builds on this image (builtOnElsewhere). Both fixes that take the index
 * away ask this: "Remove apk update" and "Add --no-cache" on `apk add --update`.
 */
function indexNeededAfter(ctx: DockerfileContext, pc: PackageCommand): boolean {
  const run = pc.run;
  const byCommand = new Map(packageCommandsOf(ctx, run).map((o) => [o.command, o] as const));
  // What follows an unconditional `exit`/`exec` never runs (mayRun); what follows a `return` may, in bash.
  const rest = shellCommandsOf(run).filter((cmd) => cmd.start > pc.command.start && mayRun(run, cmd));
  if (indexVerdict(rest, (cmd) => indexUse(cmd, byCommand), (cmd) => mayRunPackageManager(run, cmd)) === 'needs') return true;
  if (runsAfter(ctx, run).some((r) => runMayReadIndex(ctx, r))) return true;
  const none = new Map<SimpleCommand, PackageCommand>();
  if (run.stage !== null && startCommands(ctx, run.stage).some((commands) => indexVerdict(commands, (cmd) => indexUse(cmd, none), startsUnseenScript) === 'needs')) return true;
  // Another Dockerfile built on this image through compose (review 40b): its steps are not read here.
  return builtOnElsewhere(ctx, run.stage);
}

/**
 * "Remove apk update": deletes the command from its `&&` chain. Safe only when every later apk command
 * of the script is an `apk add` that fetches the index itself (`--no-cache`, `--update`): another
 * (`apk add` without it, `apk upgrade`) needs the index `apk update` wrote, which an Alpine image does
 * not ship; and when no later step needs it (indexNeededAfter).
 */
function dropUpdateFix(ctx: DockerfileContext, pc: PackageCommand): Fix | undefined {
  const script = pc.script;
  if (script.json || script.heredoc || pc.command.words.slice(0, pc.command.programIndex).some((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w.raw))) return undefined;
  const edit = deleteCommandEdit(ctx, script.commands, pc.commandIndex);
  if (!edit) return undefined;
  const after = packageCommandsOf(ctx, pc.run).filter((o) => o.family === 'apk' && o.command.start > pc.command.start);
  // apk where the package reader does not see it (`sh -c 'apk add jq'`): counted in the text (review 11, probe 10).
  const runEnd = ctx.offsetAt(pc.run.instruction.getRange().end);
  const seenHere = apkMentions(ctx.text.slice(pc.command.end, runEnd)) === after.length;
  // What follows an unconditional `exit`/`exec` never runs (mayRun; under /bin/sh a top-level `return` too): it needs no index.
  const later = after.filter((o) => mayRun(pc.run, o.command));
  // A later RUN that relied on the index this one left (`RUN apk upgrade`, `RUN apk add jq`: review 11, probe 11),
  // also in the stages built on this one and in ONBUILD triggers (review 12, probe 07), or a CMD that installs.
  const safe = later.length > 0 && later.every(fetchesOwnIndex) && seenHere && !indexNeededAfter(ctx, pc);
  return { title: 'Remove apk update', safe, changes: [{ kind: 'edit', path: ctx.path, edits: [edit] }] };
}

export default defineRule<'dockerfile', Data>({
  code: 'DF034',
  name: 'apk-cache-kept',
  kind: 'dockerfile',
  severity: 'info',
  fixable: 'sometimes',
  docs: {
    summary: '`apk add` without `--no-cache`, or `apk update`, leaves apk\'s cache in the layer.',
    what: 'Flags `apk add` (any stage but a builder stage whose layers reach no image is skipped: one that a later stage only copies from (`COPY --from=`, `RUN --mount=…,from=`), that no stage builds on (`FROM <stage>`) but other such stages (linkding\'s `build-deps`, built on only by `compile-icu`, which is only copied from) and that is not the last (as hadolint\'s DL3009 skips it); a stage nothing names may be built with `--target` and is judged; a name with a variable (`FROM build-${TARGETARCH} AS build`, `FROM runtime-$TARGETARCH`, `COPY --from=build-$TARGETARCH`) is read as the stage a global ARG default makes it, else the stages whose names its literal parts match (`build-amd64`, `build-arm64`), which are builder stages when every stage that may build on them is one (`build`, only copied from); a FROM that is nothing but a variable may build on any earlier stage; a `--from` with a variable fails with BuildKit since moby/buildkit#6153 ("variable expansion is not supported for --from", whose workaround is the FROM form above; Buildah and Podman expand it), and one that is nothing but a variable may name any stage, so none is skipped then; any RUN form, ONBUILD included; `--no-cache` may stand before or after `add`) without `--no-cache`. Silent for `apk add --no-network` (nothing is downloaded, e.g. the `.rundeps` virtual package of the official images) and when the same RUN removes the cache after it (`rm -rf /var/cache/apk/*`, `apk cache clean`/`purge`; not in a background job that no later `wait` waits for, `rm -rf /var/cache/apk/* &`, as DF030 reads a cleanup; not before the `wait` that waits for an install in a background job, nor after one no `wait` waits for, `apk add curl & rm -rf /var/cache/apk/*; wait`: the install may write after it (waitpid); none at all after an install in such a job (`apk add curl & rm -rf /var/cache/apk/*`): the job may still write its cache after the cleanup ran, or be cut short when the RUN\'s shell exits; not after an unconditional top-level `exit`, `exec` with a program or `return`, where it never runs, or for `return` not in every shell; nor after an `exit`, `return` or `exec` with a program written between the install and it that may end the shell with success (`apk add curl || exit 0; rm -rf /var/cache/apk/*`, `if [ -f /x ]; then exit 0; fi; …`, `[ -n "$SKIP" ] && exit; …`: on that path the RUN succeeds and the cleanup never runs, as DF030 reads its lists; POSIX exit: with no status the shell exits with that of the last command, which succeeded there), while one that surely fails (`exit 1`, a bare `exit` right after `||`) keeps the failure; also in the script of a `sh -c \'…\'` string or a command substitution, whose `exit` ends that shell before the cleanup written after it there) or mounts a cache, tmpfs or bind over `/var/cache/apk` (or `/etc/apk/cache`), since then nothing stays in the layer (BuildKit keeps a `type=cache` mount\'s content out of the layer, and what is written under a bind mount, read-only by default, is discarded after the RUN even with `rw`: Docker docs, Build cache optimization, "Use bind mounts"; review57); with `--cache-dir DIR` (apk(8): it overrides the cache directory, relative to `--root`), where the cache is DIR: a mount over DIR or its removal later in the RUN silences it, and a mount over /var/cache/apk does not (review 55c, F4); nor for an apk command that never runs (after an unconditional top-level `exit` or `exec` with a program, or under `/bin/sh` a top-level `return`, where dash and BusyBox ash end the script). Also flags `apk update` itself, unless the same RUN removes the cache after it or mounts one over it: it writes the index into `/var/cache/apk` whatever the `apk add --no-cache` after it does (crowdsec, opengist; hadolint DL3019 discussion). A RUN that defines a function (`name() { …; }`, bash\'s `function name { …; }`) or runs `eval` is read in the order its shell runs it: a function\'s body where the function is called, each time it is called, not where it is defined, and not at all when it is never called (bash\'s Shell Functions: the body "is executed whenever fname is specified as the name of a simple command"); the text of an `eval` whose words hold no expansion where the `eval` stands (POSIX eval: its arguments joined with spaces are read and run by the shell): a removal of the cache in a function the RUN calls after the `apk` command counts, one in a function never called, after a `return` or `exit` in its function, or in an `eval` of text with an expansion does not, and an `apk` command in a function never called runs nothing. An `apk` command in the text of an `eval` (also `command eval`, `builtin eval`) counts where the `eval` runs it, as DF031, DF032 and DF037 read it (`RUN eval \'apk add curl\'`), and so does a removal of the cache there (`apk add curl; eval \'rm -rf /var/cache/apk/*\'`); it is reported, and `--no-cache` inserted, where it is written when each of the `eval`\'s words is written as its value or as one quoted string, else on the `eval` with no fix; an `apk update` there is reported with no fix (no command is deleted from an `eval`\'s text). A here-document given to a command other than a shell (`cat > /usr/local/bin/docker-entrypoint.sh <<\'EOS\'` in a `RUN <<EOF` script) is that command\'s input, not commands (POSIX Shell Command Language 2.7.4, Here-Document): an `exec "$@"` written there does not end the RUN before its cleanup. An `apk` command in the quoted script of a shell the RUN starts (`sh -c \'…\'`, `bash -c "…"`, `su -c \'…\'`: one single-quoted string, or a double-quoted one without `\\` or backticks; a string with escapes is not read) or in a here-document a shell reads as its script (`sh <<\'EOS\'` in a `RUN <<EOF` script) counts too, as DF030, DF031 and DF032 read it (POSIX sh: with `-c` the shell reads its commands from the string; POSIX 2.7.4, Here-Document: the here-document is the shell\'s standard input, from which it reads its commands), and so does a removal of the cache later in that string or after the shell\'s command (not one in the body of a function the string defines); `--no-cache` is inserted in the string. When what a call runs cannot be known (a function defined in `if`/`else`, in `{ }`, in a loop or more than once, then called; an `eval` of text with an expansion; a command named by a variable, in a RUN that defines functions), every `apk` command written in the bodies may run there and counts, as DF031 and DF032 read such a call (bash\'s Shell Functions: the body of the function called "is executed whenever fname is specified as the name of a simple command"), and a removal of the cache counts only after that call, not in those bodies, where it may not be the body that runs. In a RUN read in the order its shell runs it, an `exit` (any status) or an `exec` of a program that surely runs in the text of an `eval` or in a function\'s `{ …; }` body ends the shell there (POSIX eval: the text "shall be read and executed by the shell"; POSIX exit: the shell exits; POSIX exec: the program replaces it): nothing after it runs, neither the rest of the body nor what follows the call or the `eval` (`eval "exit 0"; apt-get install -y curl`, `eval \'exec true\'; …`, `f() { exit 0; apt-get install -y wget; }; f`). Surely runs: at the top level of its text or body (not in an `if`, a loop, a `case`, a group or a `( … )` body, whose `exit` ends only its subshell), not behind `&&`/`||`, not in a pipe or the background, not after a `return` or an `exit` that may run, reached through calls and `eval`s that stand so; not `builtin exit`, which dash and BusyBox ash do not have. A name called before every definition of it in its text is written (and in no loop) calls none of them (bash manual, Shell Functions: a definition defines the function when it runs; dash says `inst: not found`): `apt-get update; inst; inst() { apt-get install curl; }` installs nothing through that call. Calls and `eval`s nested more than 8 deep are not followed in order (the reading stops there, as for a text it cannot know): what the deeper body or text writes, with the bodies it calls and the texts of the `eval`s it runs, counts as what may run, so an install there is reported (`eval eval eval eval eval eval eval eval eval apt-get install curl`) and a cleanup there does not count. So is what a RUN runs past its first 4,000 steps, as its shell runs it (a helper called thousands of times, or helpers calling helpers): the rest of the script and of each body being run, with the bodies and `eval` texts they name (each once), counts as what may run, so an install written there is reported and a cleanup written there does not count. An install in a command substitution (`x=$(apt-get install -y curl)`, `echo "$(apk add curl)"`, backquotes) counts as the RUN\'s own (POSIX 2.6.3 Command Substitution: the shell runs it "in a subshell environment" when it expands the command\'s words, so what it installs stays in the layer), where its command runs; so does a cleanup there, in a RUN read in document order (`apk add curl; x=$(rm -rf /var/cache/apk/*)`), as DF030 reads one; only one whose text is written one to one in the document (its word on one line; a backquoted one without `\\`), not one inside another or inside a `sh -c` string, so that a finding and an edit land on what is written. `--no-cache` is inserted inside the substitution.',
    why: 'Without `--no-cache`, apk keeps the downloaded package index (and, with `--update`/`-U`, the refreshed index) in `/var/cache/apk` in the image layer: megabytes that the running container never uses. `--no-cache` fetches the index to a temporary place and removes it, replacing the old `apk update … && rm -rf /var/cache/apk/*` dance. SECURITY-GUIDELINES.md §6 "Clean up – remove unnecessary packages" and §1 "Use Alpine Linux" (keep the minimal base minimal).',
    bad: 'FROM alpine:3.22\nRUN apk add curl',
    good: 'FROM alpine:3.22\nRUN apk add --no-cache curl',
    fix: '"Add --no-cache" inserts `--no-cache` right after `add` (as a JSON string in exec-form RUN). An existing `--update`/`-U` stays (it is redundant with `--no-cache` but harmless). Safe, unless the `apk add` has `--update`/`-U`/`--update-cache` and a later step may need the index it keeps in `/var/cache/apk` (with `--no-cache` there is none, and a later plain `apk add` fails with "unable to select packages"); then a quick fix only. Not safe either where the cache may be in a build cache the RUN mounts, which `--no-cache` would turn off (review 55c, F4): with `--cache-dir DIR`, a cache, tmpfs or bind mount inside DIR; without it, any cache, tmpfs or bind mount of the RUN, since /etc/apk/cache may be a symlink into it (apk-cache(5): apk then keeps its cache where the symlink points; the symlink, made by an earlier RUN or the base image, is not followed here, so such an install is flagged). An `apk update` before it in the same RUN keeps its own index whatever this `apk add` does (apk leaves the cache alone under `--no-cache`). For `apk update`, "Remove apk update" deletes it from its `&&` chain: safe when every later apk command of the RUN that may run (not one after an unconditional top-level `exit` or `exec` with a program) fetches the index itself (`apk add --no-cache` or `--update`), no apk runs where it cannot be read (`sh -c \'apk add …\'` is read, and so is a command substitution, `x=$(apk add jq)`, which runs as the shell expands the command\'s words, POSIX 2.6.3; other places are counted in the text), and no later step needs the index; otherwise a quick fix only, since an Alpine image ships no index and those commands need the one `apk update` fetched. Both fixes ask the same question of the later steps: the later commands of the RUN (not those after an unconditional top-level `exit` or `exec` with a program, which never run; those after a `return` count, bash goes on, unless the shell is known to be `sh` — Docker\'s default `["/bin/sh", "-c"]` (Dockerfile reference, SHELL), BusyBox ash on Alpine — dash or ash, which end the script there), the later RUNs of the stage and every RUN (ONBUILD triggers included) of a stage built on it (`FROM <this stage>`, directly or through others, or a `FROM name-$ARG` that could name it), read in order until an index of their own (`apk update`, `apk add --update`): a step needs the index when an apk command other than `apk add --no-cache` and `apk del` comes first (`apk add jq`, `apk upgrade`), or a command whose effect cannot be seen — a script or program given by path, a shell or interpreter running a file, `make`, a program named by a variable, or any program not known to leave apk alone (`install-extras.sh` from the PATH; known: the same list as DF030\'s). A RUN with a cache, tmpfs or bind mount over `/var/cache/apk` does not read the layer\'s index. Then the commands a container of the stage or of a stage built on it starts: every CMD, ENTRYPOINT and HEALTHCHECK CMD, read the same way (`sh -c \'apk add $EXTRA_PACKAGES && exec crond -f\'`), where a script the Dockerfile does not show counts as in DF030 (`/docker-entrypoint.sh`, `start.sh`) and the application itself does not. Last, another Dockerfile that compose builds on this image (`FROM acme/alpine-base:local` where a service builds `image: acme/alpine-base:local`, or `additional_contexts: { base: "service:<name>" }`), or one that cannot be known, makes the fix not safe, as in DF030\'s (4): its steps are not read here (review 40b).',
    guideline: '§6 Image Build Security — "Clean up – remove unnecessary packages"; §1 Image Security — "Use Alpine Linux"',
    equivalents: ['hadolint DL3019 (use the --no-cache switch)', 'Trivy DS-0025 (\'apk add\' is missing \'--no-cache\')', 'KICS "Apk Add Using Local Cache Path"'],
    references: [
      'https://man.archlinux.org/man/apk.8.en',
      'https://man.archlinux.org/man/apk-cache.5.en',
      'https://docs.docker.com/reference/dockerfile/#run---mounttypecache',
      'https://github.com/hadolint/hadolint/wiki/DL3019',
      'https://github.com/gliderlabs/docker-alpine/blob/master/docs/usage.md#disabling-cache',
      'https://wiki.alpinelinux.org/wiki/Alpine_Package_Keeper',
      'https://github.com/aquasecurity/trivy-checks/blob/main/checks/docker/missing_apk_no_cache.rego',
      'https://docs.kics.io/latest/queries/dockerfile-queries/ae9c56a6-3ed1-4ac0-9b54-31267f51151d',
      'https://github.com/moby/buildkit/pull/6153',
      'https://docs.docker.com/reference/dockerfile/#shell',
      'https://www.gnu.org/software/bash/manual/html_node/Shell-Functions.html',
      'https://pubs.opengroup.org/onlinepubs/009695299/utilities/eval.html',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#tag_19_07_04',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/sh.html',
      'https://www.gnu.org/software/bash/manual/html_node/Lists.html',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#exit',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#exec',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#tag_19_06_03',
    ],
  },
  check(ctx) {
    const out = [];
    const builders = copySourceOnlyStages(ctx, { stageCandidates: true });
    // What each RUN may run, as its shell runs it (runPackageCommands: a function's body where it is called, an `eval`'s
    // text), as DF031, DF032 and DF037 read it; one after an unconditional `exit`/`exec` (under /bin/sh a top-level
    // `return` too) never runs: it keeps nothing.
    for (const { pc, placed, range } of runPackageCommands(ctx, true)) {
      if (pc.family !== 'apk' || (pc.action !== 'add' && pc.action !== 'update')) continue;
      if (pc.run.stage && builders.has(pc.run.stage)) continue;
      const kept = cacheKept(pc);
      if (!kept) continue;
      const where = { toolOffset: placed ? pc.toolWord.start : -1, ...(pc.script.host ? { inEval: true as const } : {}), ...(kept.unsure ? { unsure: true as const } : {}) };
      // `apk update` writes the index into the cache whatever the `apk add` after it says (review 10, probe df-08).
      if (pc.action === 'update') out.push({ range, data: { ...where, updates: true, update: true } });
      else out.push({ range, data: { ...where, updates: hasOption(pc, 'U', 'update', 'update-cache') } });
    }
    return out;
  },
  message(d) {
    if (d.update) return "'apk update' writes the package index to /var/cache/apk in this layer; drop it and use 'apk add --no-cache', which fetches the index without keeping it.";
    return d.updates
      ? "'apk add --update' without --no-cache keeps the refreshed package index in /var/cache/apk in this layer; use --no-cache instead."
      : "'apk add' without --no-cache keeps the package index in /var/cache/apk in this layer; add --no-cache.";
  },
  fix(ctx, { data }) {
    const pc = data.toolOffset < 0 ? undefined : runPackageCommandAt(ctx, data.toolOffset);
    if (!pc) return undefined;
    // Deleting a command from an `eval`'s text is not certain: no fix there.
    if (data.update) return data.inEval ? undefined : dropUpdateFix(ctx, pc);
    const edit = insertAfterAction(ctx, pc, '--no-cache');
    if (!edit) return undefined;
    // `--update` keeps the index it fetched in /var/cache/apk, where a later `apk add` finds it; with
    // `--no-cache` there is none (review 39c). An `apk update` before it keeps its own index either way.
    // In an `eval`'s text written one to one in the document, the word lands where the shell reads it (as DF032's -y).
    // Where the cache may be in a build cache the RUN mounts, `--no-cache` would turn that cache off (review 55c, F4).
    const safe = !data.unsure && !(data.updates && indexNeededAfter(ctx, pc));
    return { title: 'Add --no-cache', safe, changes: [{ kind: 'edit', path: ctx.path, edits: [edit] }] };
  },
});
