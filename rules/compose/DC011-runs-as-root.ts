import type { Node, Pair, Scalar, YAMLMap } from 'yaml';
import { isMergeKey, type ComposeContext, type Service } from '../engine/compose';
import { builtDockerfileOf, builtStage, extendedService, imageThrough, isAnalyzedBase, isExtendsOnlyBase, lookupKey, resolvedScalar, type Found } from '../engine/compose-lookup';
import { commandWords, serviceScalar } from '../engine/compose-values';
import { companionWrites } from '../engine/data-volumes';
import { basename } from 'node:path';
import { defaultMerge, dropCause, droppedByDefaultOverride, dropText, mergedServiceGone, mergedServiceView, overrideAt, touchRange, type DefaultMerge, type DropCause } from '../engine/override-merge';
import type { DockerfileContext, Stage } from '../engine/dockerfile';
import { isWindowsImage, type ImageRef } from '../engine/image';
import { dotnetAppUser, imageDefaultCommand, isRootUser, namesImageEntrypoint, nonRootUser, ownUserNot1000, stepDown, type StepDown } from '../engine/image-users';
import { chainVariants, containerCommand, rootBase, sameForEveryVariant } from '../engine/stage-scope';
import { baseEntrypointChange, describeEntrypointChange, entrypointRunsServer, entrypointStepsDown, imageEntrypointRerun, initProgram, shellRunsImageEntrypoint, shellStringCommand, type EntrypointChange, type StepDownReading } from '../engine/entrypoint-step-down';
import { isWindowsStage } from '../engine/windows-stage';
import { defineRule } from '../engine/rule';
import type { Fix, TextEdit } from '../engine/types';
import { appendToMapEdit, deletePairEdit, isPlainScalar } from '../engine/yaml-edit';
import { isMap, isScalar, isSeq } from '../engine/yaml-guards';

/** What the user is set to in the fix: uid and gid 1000 (SECURITY-GUIDELINES.md §2). */
const NON_ROOT_USER = '"1000:1000"';
/** On Microsoft's .NET 8+ images: their own non-root user (uid 1654, ENV APP_UID), where uid 1000 is no user. */
const DOTNET_USER = 'app';

/**
 * The image's own non-root user, known by name: the service user an official image's entrypoint steps down to (`redis`,
 * `postgres`; StepDown.user), or the non-root `USER` the final stage of the built Dockerfile sets (`USER app`). A fix that
 * sets uid 1000 there would not own the files the image gave that user (redis's /data, uid 999; a `useradd -r` system uid).
 */
interface OwnUser {
  name: string;
  /**
   * `image`: the non-root user an image runs as by its own USER (nonRootUser's table: grafana's 472, jenkins), the service's
   * image or the base of a built Dockerfile stage that sets no USER; only removing the root `user:` is offered for it (the
   * table's value is not always the image's USER as written: elasticsearch's `1000:0` is `1000` there).
   */
  from: 'step-down' | 'dockerfile' | 'image';
}

/** A user value as a YAML scalar for `user:`: plain when it is a name (`redis`, `app:app`), else double-quoted (`"1001"`). */
function userScalar(name: string): string {
  return /^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?$/.test(name) ? name : JSON.stringify(name);
}

/**
 * Whether the command the container runs makes a step-down entrypoint switch users, as DF010 reads the command given to it
 * (entrypointRunsServer: the server, or a command that runs that entrypoint again with it); null when unknown.
 */
function runsServer(words: string[] | null, sd: StepDown): boolean | null {
  if (words === null) return null;
  if (words.length === 0) return true; // the image's default command: the server
  return entrypointRunsServer(words, sd) ?? null;
}

/**
 * The arguments the image's own entrypoint gets when `entrypoint:` names it again (`["docker-entrypoint.sh"]`,
 * `/usr/local/bin/docker-entrypoint.sh postgres`), also through a known init in front of it (`["tini", "--",
 * "docker-entrypoint.sh"]`, read as DF010 reads it: initProgram; review51, finding 4), or through a `sh -c` string whose one
 * command names it (`["/bin/sh", "-c", "exec docker-entrypoint.sh \"$@\"", "--"]`, shellStringCommand): its further words, then
 * `command:` (an `entrypoint:` clears the image's CMD). Undefined when `entrypoint:` runs something else or cannot be read.
 */
function imageEntrypointArgs(entrypoint: string[] | null, command: string[] | null, sd: StepDown): string[] | undefined {
  if (entrypoint === null || command === null) return undefined;
  // A `sh -c` entrypoint runs its string's one command, read as DF010 reads the same ENTRYPOINT (`"$@"`: the words after `$0`,
  // then `command:`; review52, F4).
  const shell = shellStringCommand(entrypoint, () => command);
  if (shell === null) return undefined;
  const all = shell ?? [...entrypoint, ...command];
  const init = initProgram(all);
  if (init === null) return undefined;
  const at = init?.index ?? 0;
  if (at >= all.length || !namesImageEntrypoint(all[at], sd)) return undefined;
  return all.slice(at + 1);
}

type Data =
  /** `user: root` / `0` / `0:0` written in the compose file. */
  | {
      problem: 'root-user';
      service: string;
      user: string;
      map: YAMLMap | null;
      pair: Pair | null;
      dotnetApp?: true;
      /** The image's own non-root user when it is not uid 1000 (`mssql`, uid 10001): no fix, the message names it (review 47b, item 4). */
      imageUser?: string;
      /** The image's own user, known by name (a step-down image's service user, the built Dockerfile's non-root USER): the fix uses it. */
      ownUser?: OwnUser;
    }
  /** No `user:`, and the image (or the Dockerfile it builds) does not switch to a non-root user. */
  | {
      problem: 'image-root';
      service: string;
      source: 'image' | 'dockerfile';
      image: string;
      map: YAMLMap | null;
      /** The image steps down to its own user, but the service's `entrypoint:` or `command:` bypasses that. */
      bypass?: 'entrypoint' | 'command';
      /**
       * The file that writes that `entrypoint:`/`command:` when it is not the file reported: `compose.yaml`'s command under
       * the image its default override sets, or a base's through `extends:` (review 46 leftovers, item 4).
       */
      bypassIn?: string;
      /**
       * That `entrypoint:`/`command:` runs the image's own entrypoint script all the same, so it is not said to bypass it: with no
       * arguments (`no-command`: an `entrypoint:` naming it, and no `command:`; Compose drops the image's CMD, so no server starts),
       * or with a command that is not the server, which the script runs as root (review53b, findings 2 and 5).
       */
      rerun?: 'no-command' | 'other-command';
      /**
       * The stage judged, when `build.target` picks one that is not the Dockerfile's final stage (which DF010 judges): its name and
       * the 1-based line of its FROM, for the message (review53b, finding 6).
       */
      targetStage?: { name: string; line: number };
      /** With `no-command`: the image's default command, when it is known for its tag (imageDefaultCommand): the fix adds it as `command:`. */
      defaultCommand?: readonly string[];
      /**
       * With `no-command`: the `command:` written, which gives no words: null (`command:`, `command: null`: the image's default
       * command, which the `entrypoint:` drops) or empty (`[]`, `''`: overridden to be empty); `pair`, that `command:` when this
       * file writes it itself, where the fix sets the default command (review54b, F5).
       */
      emptyCommand?: { kind: 'null' | 'empty'; pair: Pair | null };
      /** A linuxserver.io image: its s6 init runs as root and starts the application as PUID/PGID (review 17, probe dc-03). */
      linuxserver?: true;
      /** The service runs one of Microsoft's .NET 8+ images (or builds on one), which define the non-root user `app`: the fix uses it. */
      dotnetApp?: true;
      /**
       * The built Dockerfile switches to root over a base image whose own non-root user is not uid 1000 (`USER root` on
       * `mssql/server:2022-latest`): that user, named by the message; no fix (uid 1000 does not own the image's files).
       */
      imageUser?: string;
      /** The service user the image (or the built Dockerfile's base image) steps down to, bypassed here: the fix sets it by name. */
      ownUser?: OwnUser;
      /**
       * Not bypassed but not known: the built Dockerfile may change its base image's own entrypoint script (a COPY over it, a
       * `RUN sed -i`, a folder an `ENV PATH` puts first): what does, for the message (entry2, item 4).
       */
      scriptChanged?: EntrypointChange;
      /**
       * Reported in the default override, which drops the user (`user: !reset null`, or the service replaced with `!override`
       * without one): how, and the default file's name when that file writes the `user:` dropped (review 45e, item 4b). No fix.
       */
      reset?: { cause: DropCause; baseFile: string | null };
    };

/**
 * What a service runs, for the readers below: the Dockerfile it builds with the stage it builds (builtStage), or its image's
 * reference; undefined when that cannot be known (a `build:` that cannot be read, a Dockerfile not in the workspace, no image).
 */
function whatRuns(ctx: ComposeContext, service: Service): { built: NonNullable<ReturnType<typeof builtDockerfileOf>>; stage: Stage | undefined } | { ref: ImageRef } | undefined {
  const buildFound = lookupKey(ctx, service, 'build');
  if (buildFound === 'unknown') return undefined;
  if (buildFound) {
    const built = builtDockerfileOf(ctx, service);
    return built ? { built, stage: builtStage(built) } : undefined;
  }
  const img = imageThrough(ctx, service);
  return img && img !== 'unknown' && img.ref ? { ref: img.ref } : undefined;
}

/**
 * Whether a service runs one of Microsoft's .NET 8+ images, which define the non-root user `app` (uid 1654 in
 * ENV APP_UID): its image, or the base of the Dockerfile stage it builds (through the stages that stage builds on).
 */
function runsDotnetImage(ctx: ComposeContext, service: Service): { dotnetApp?: true } {
  const runs = whatRuns(ctx, service);
  if (!runs) return {};
  if ('ref' in runs) return dotnetAppUser(runs.ref) ? { dotnetApp: true } : {};
  const base = runs.stage ? sameForEveryVariant(runs.built.dockerfile, runs.stage, rootBase) : undefined;
  return base?.kind === 'image' && dotnetAppUser(base.ref) ? { dotnetApp: true } : {};
}

/**
 * The own non-root user of the image a service runs, when it is not uid 1000 (ownUserNot1000): its image's, or, for a service
 * that builds, the base image's of the Dockerfile stage it builds when nothing there sets another user than root (a `USER
 * root` written over `mssql/server` leaves the base's files to `mssql`). A `user: "1000:1000"` there takes from the process the
 * files the image gave its own user (SQL Server's /var/opt/mssql, owned by uid 10001), so no fix offers it (review 47b, item 4).
 */
function imageOwnUser(ctx: ComposeContext, service: Service): { imageUser?: string } {
  const runs = whatRuns(ctx, service);
  if (!runs) return {};
  let user: string | undefined;
  if ('ref' in runs) user = ownUserNot1000(runs.ref);
  else {
    const { built, stage } = runs;
    const set = dockerfileUser(built.dockerfile, stage);
    if (!stage || set === null || ('user' in set && !isRootUser(set.user))) return {};
    const base = sameForEveryVariant(built.dockerfile, stage, rootBase);
    user = base?.kind === 'image' ? ownUserNot1000(base.ref) : undefined;
  }
  return user !== undefined ? { imageUser: user } : {};
}

/**
 * The own user of the image a service with a root `user:` runs, when it is known by name: for a service that builds, the
 * non-root `USER` the Dockerfile stage it builds ends with (also through the stages it builds on; not one written with a
 * variable), or, with no `USER` there, the service user of a base image whose entrypoint steps down (`FROM redis`); else the
 * step-down user of its image (`redis`, `postgres`). Replacing root with it, or removing the `user:` that overrides the
 * Dockerfile's `USER`, runs the service as the user the image's files belong to (uid 1000 may own none of them).
 */
function knownOwnUser(ctx: ComposeContext, service: Service): { ownUser?: OwnUser } {
  const runs = whatRuns(ctx, service);
  if (!runs) return {};
  if (!('ref' in runs)) {
    const set = dockerfileUser(runs.built.dockerfile, runs.stage);
    if (set === null) return {};
    if ('user' in set) {
      if (set.user !== '' && !set.user.includes('$') && !isRootUser(set.user)) return { ownUser: { name: set.user, from: 'dockerfile' } };
      // A root USER over an image whose entrypoint steps down: its service user by name (removing `user:` would leave the USER root).
      const sd = set.over?.base ? stepDown(set.over.base) : undefined;
      return sd ? { ownUser: { name: sd.user, from: 'step-down' } } : {};
    }
    return set.base ? imageUserOf(set.base) : {};
  }
  return imageUserOf(runs.ref);
}

/** An image's own user by the tables: the non-root user its USER sets (`image`), else the user its entrypoint steps down to. */
function imageUserOf(ref: ImageRef): { ownUser?: OwnUser } {
  const user = nonRootUser(ref);
  if (user !== undefined) return { ownUser: { name: user, from: 'image' } };
  const sd = stepDown(ref);
  return sd ? { ownUser: { name: sd.user, from: 'step-down' } } : {};
}

/**
 * What a root `user:`'s finding says of the image's own user (imageOwnUser, knownOwnUser): nothing when, in the default compose
 * file, the override Compose merges by default replaces the service, its image or its build (another image runs).
 */
function rootUserImageFacts(ctx: ComposeContext, service: Service): { imageUser?: string; ownUser?: OwnUser } {
  if (overrideReplacesImage(ctx, service)) return {};
  const held = imageHolder(ctx, service);
  return { ...imageOwnUser(held.ctx, held.service), ...knownOwnUser(held.ctx, held.service) };
}

/**
 * The service whose `image:`/`build:` the merged service runs: in the override Compose merges by default, when it writes
 * neither (nor replaces the service whole), the default file's service (mergedServiceView), as stepsDownFromRoot reads it; else
 * the service itself. A root `user:` written in `compose.override.yaml` over `compose.yaml`'s redis gets the image's own user
 * `redis` as in one file, not uid 1000 (review 49a, F3).
 */
function imageHolder(ctx: ComposeContext, service: Service): { ctx: ComposeContext; service: Service } {
  const view = mergedServiceView(ctx, service);
  return view?.merge.inOverride ? view.merge.base : { ctx, service };
}

/** In the default compose file: the override Compose merges by default replaces the service whole, its image or its build. */
function overrideReplacesImage(ctx: ComposeContext, service: Service): boolean {
  const merge = defaultMerge(ctx, service);
  return !!merge && !merge.inOverride && (!!merge.whole || !!overrideAt(merge, ['image'])?.value || !!overrideAt(merge, ['build'])?.value);
}

/**
 * Whether a service would still get a `user:` (of any value, or one that cannot be read) without its own `user:` line: from a
 * mapping merged with `<<` (own keys win, so the merged value takes over), from the service it `extends:`, or, in the override
 * Compose merges by default, from the default file's service (as DC010's inheritsPrivileged). Removing the line there would not
 * leave the image's USER in effect.
 */
function inheritsUser(ctx: ComposeContext, service: Service, map: YAMLMap): boolean {
  for (const pair of map.items) {
    if (!isMergeKey(pair.key)) continue;
    const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
    for (const src of sources) {
      const target = ctx.resolve(service.doc, src as Node | null);
      if (!target || !isMap(target) || ctx.get(service.doc, target, 'user', 1)) return true;
    }
  }
  const merge = defaultMerge(ctx, service);
  if (merge?.inOverride && !merge.whole && lookupKey(merge.base.ctx, merge.base.service, 'user') !== undefined) return true;
  const base = extendedService(ctx, service);
  if (base === undefined) return false;
  return base === 'unknown' || lookupKey(base.ctx, base.service, 'user') !== undefined;
}

/**
 * Whether a service runs a Windows image: its image is one (isWindowsImage), or the Dockerfile stage it
 * builds is (isWindowsStage, DF010's test). Windows has no uids: `user:` names an account (ContainerUser,
 * ContainerAdministrator), so such a service is not judged, as DF010 does not judge a Windows stage (review 44b, F4).
 */
function runsWindows(ctx: ComposeContext, service: Service): boolean {
  const runs = whatRuns(ctx, service);
  if (!runs) return false;
  if ('ref' in runs) return isWindowsImage(runs.ref);
  return runs.stage !== undefined && isWindowsStage(runs.built.dockerfile, runs.stage);
}

/**
 * linuxserver.io's images (lscr.io/linuxserver/*, and the same on ghcr.io and Docker Hub) whose s6
 * service drops to the PUID/PGID user. Not wireguard, fail2ban and swag: their services run `wg-quick up`
 * and `fail2ban-client … start` as root (swag, and letsencrypt, its former name, run the same fail2ban service: review 19, probe 14; review 20, probe 12) (their `root/etc/s6-overlay/s6-rc.d/svc-…/run` scripts; review 18, probe 14).
 */
function isLinuxserverImage(ref: ImageRef): boolean {
  return (ref.registry === null || ref.registry === 'lscr.io' || ref.registry === 'ghcr.io') && ref.repository.startsWith('linuxserver/') && !LSIO_ROOT_SERVICES.test(ref.repository);
}

const LSIO_ROOT_SERVICES = /^linuxserver\/(?:wireguard|fail2ban|swag|letsencrypt)$/;

/** What the base image gives a stage that sets no USER: the image (null for scratch), whether an ENTRYPOINT of the Dockerfile replaces its own, and the CMD. */
interface BaseReading {
  base: ImageRef | null;
  entrypoint: boolean;
  cmd: string[] | null;
}

/**
 * The last USER's value, with, for a literal root one (`USER root`, `USER 0`), the reading of the base image under it (`over`;
 * absent when the base is unknown): a root USER over an image whose entrypoint steps down starts the container as root as no USER
 * does. Else the base reading, or null when unknown.
 */
type DockerfileUser = { user: string; over?: BaseReading } | BaseReading | null;

/**
 * How the Dockerfile a service builds leaves the user: a USER value, the base image it inherits from, or unknown. A stage
 * built on a variable FROM (`FROM runtime-$TARGETARCH`) leaves it as every stage that FROM could name does, if they agree
 * (chainVariants; review 48b, item 2); unknown when they do not.
 */
function dockerfileUser(dockerfile: DockerfileContext, stage: Stage | undefined): DockerfileUser {
  return stage ? (sameForEveryVariant(dockerfile, stage, (s) => stageUser(dockerfile, s)) ?? null) : null;
}

function stageUser(dockerfile: DockerfileContext, stage: Stage | undefined): DockerfileUser {
  let entrypoint = false;
  let cmd: string[] | null | undefined;
  // The last USER when it is a literal root one: the walk goes on to the base image (earlier USERs no longer count).
  let rootUser: string | undefined;
  const found = (reading: BaseReading | null): DockerfileUser => (rootUser === undefined ? reading : reading ? { user: rootUser, over: reading } : { user: rootUser });
  for (let i = 0; i < 64 && stage; i++) {
    for (let k = stage.instructions.length - 1; k >= 0; k--) {
      const ins = stage.instructions[k];
      const kw = ins.getKeyword();
      if (kw === 'USER' && rootUser === undefined) {
        const v = ins.getArgumentsContent();
        if (v === null) return null;
        const user = v.trim();
        if (user.includes('$') || !isRootUser(user)) return { user };
        rootUser = user;
      }
      if (kw === 'ENTRYPOINT') entrypoint = true;
      // A shell-form CMD is `/bin/sh -c '…'` (or the stage's SHELL) to the base image's entrypoint, which then sees no server
      // (review 49a, F1: `CMD redis-server /etc/redis.conf` runs redis as root).
      if (kw === 'CMD' && cmd === undefined) cmd = containerCommand(dockerfile, stage, ins);
    }
    const base = stage.base;
    if (base.kind === 'stage') stage = base.stage;
    else if (base.kind === 'image') return found({ base: base.ref, entrypoint, cmd: cmd ?? [] });
    else if (base.kind === 'scratch') return found({ base: null, entrypoint, cmd: cmd ?? [] });
    else return found(null); // unknown base: its USER is unknown
  }
  return found(null);
}

/**
 * Why a service without `user:` runs as root, or null when it does not (or it is unknown). With `imageOf` (the
 * default override's service, which writes the image while neither file builds), that service's image runs the
 * merged entrypoint and command (review mrg6a, item 5).
 */
function rootByDefault(ctx: ComposeContext, service: Service, merge?: DefaultMerge, imageOf?: { ctx: ComposeContext; service: Service }): RootByDefault | null {
  const judged = defaultUser(ctx, service, merge, imageOf);
  return judged === 'step-down' ? null : judged;
}

/** Why a service without `user:` runs as root (rootByDefault). */
interface RootByDefault {
  source: 'image' | 'dockerfile';
  image: string;
  bypass?: 'entrypoint' | 'command';
  bypassFrom?: string;
  rerun?: 'no-command' | 'other-command';
  defaultCommand?: readonly string[];
  emptyCommand?: { kind: 'null' | 'empty'; pair: Pair | null; path: string };
  targetStage?: { name: string; line: number };
  linuxserver?: true;
  stepDownUser?: string;
  /** The built Dockerfile may change its base image's own entrypoint script: what does (the step-down is then not known). */
  scriptChanged?: EntrypointChange;
}

/**
 * rootByDefault's reading, telling apart the services it leaves alone because the entrypoint of their image (or of the
 * built Dockerfile's base image) starts as root and steps down to its own user before the server runs: `'step-down'`.
 */
function defaultUser(ctx: ComposeContext, service: Service, merge?: DefaultMerge, imageOf?: { ctx: ComposeContext; service: Service }): RootByDefault | 'step-down' | null {
  // Through `extends:` (same file or another compose file): image, build, entrypoint and command are
  // the nearest ones written in the chain; a base that cannot be read is unknown. With `merge` (the default
  // override merged over this service of the default file), an `entrypoint:`/`command:` the override writes
  // replaces this one whole, one it resets (`!reset`) is gone (Compose merge: shell commands are overridden).
  const keyOf = (key: 'entrypoint' | 'command') => {
    const touch = merge ? overrideAt(merge, [key]) : undefined;
    return touch ? touch.value : lookupKey(ctx, service, key);
  };
  const entrypointFound = keyOf('entrypoint');
  const commandFound = keyOf('command');
  const buildFound = imageOf ? undefined : lookupKey(ctx, service, 'build');
  if (entrypointFound === 'unknown' || commandFound === 'unknown' || buildFound === 'unknown') return null;
  const overridesEntrypoint = entrypointFound !== undefined;
  const commandEntry = commandFound?.entry;
  // A `command:` written that gives no words (null, `[]`, `''`): the image's entrypoint named again gets no arguments, as with none
  // written (Compose spec, command: null uses the image's default command, which a non-null entrypoint drops; `[]` or `''`
  // overrides it to be empty) (review54b, F5).
  const emptyCommand = (rerun: { rerun?: 'no-command' | 'other-command' }): Pick<RootByDefault, 'emptyCommand'> => {
    if (rerun.rerun !== 'no-command' || !commandFound || !commandEntry) return {};
    const value = commandEntry.value;
    const kind = !value || (isScalar(value) && value.value === null) ? 'null' : 'empty';
    return { emptyCommand: { kind, pair: commandEntry.own && !commandEntry.shared ? commandEntry.pair : null, path: commandFound.ctx.path } };
  };
  // The words of `command:` and `entrypoint:` (a shell reading of a string each) decide only under a build or over an image whose
  // entrypoint steps down: they are not read for the other images, which run as root (or not) whatever the service runs.
  if (buildFound) {
    const built = builtDockerfileOf(ctx, service);
    if (!built) return null; // not in the workspace (or remote): unknown
    const stage = builtStage(built);
    const result = dockerfileUser(built.dockerfile, stage);
    if (result === null) return null;
    // A `build.target` that is not the final stage: the message names it (review53b, finding 6).
    const target = stage && !stage.isFinal && stage.name ? { targetStage: { name: stage.name, line: stage.from.getRange().start.line + 1 } } : {};
    const command = foundWords(commandFound, []);
    const entrypoint = foundWords(entrypointFound, null);
    /**
     * What may change the base image's own entrypoint script in the built stage's chain (baseEntrypointChange): the first change
     * found in the variants of a variable FROM (chainVariants), null when none of them changes it, undefined with no stage.
     */
    const baseScriptChange = (): EntrypointChange | null | undefined => {
      if (!stage) return undefined;
      for (const variant of chainVariants(built.dockerfile, stage)) {
        const change = baseEntrypointChange(built.dockerfile, variant);
        if (change) return change;
      }
      return null;
    };
    /**
     * Over a base image whose entrypoint steps down: whether it still does (the service's or the Dockerfile's command, entrypoint).
     * `own`: the reading of the Dockerfile's own ENTRYPOINT, whose change of the base image's script the message names.
     */
    const overStepDown = (reading: BaseReading, own: StepDownReading): RootByDefault | 'step-down' | undefined => {
      const sd = reading.base ? stepDown(reading.base) : undefined;
      if (!sd) return undefined;
      // The compose `command:` replaces the Dockerfile's CMD; an ENTRYPOINT of its own replaces the step-down; a COPY, ADD or
      // RUN that may change the base image's script leaves it not known, reported as root — as DF010 reads the same
      // Dockerfile (baseEntrypointChange, stepdown5, item 1), with what changes it in the message (entry2, item 4).
      const kept = (!overridesEntrypoint && !reading.entrypoint && runsServer(commandEntry ? command : reading.cmd, sd) !== false) || (overridesEntrypoint && keepsStepDown(sd, entrypoint, command));
      const change = kept ? baseScriptChange() : own?.down === false ? own.changed : undefined;
      if (kept && change === null) return 'step-down';
      // Bypassed, or changed: the base image's service user still owns its data directory.
      return { source: 'dockerfile', image: built.build.dockerfile, stepDownUser: sd.user, ...(change ? { scriptChanged: change } : kept ? {} : serviceBypass(reading)), ...target };
    };
    /**
     * What bypasses the base image's step-down when it is the service's own: its `entrypoint:`, which replaces the Dockerfile's;
     * its `command:` under the base image's entrypoint (the Dockerfile writes no ENTRYPOINT: the command replaces its CMD), or under
     * a Dockerfile ENTRYPOINT that steps down with the Dockerfile's own CMD (as DF010 reads it) — the message then names the
     * service's key, not the Dockerfile (review51, finding 7). Nothing when the Dockerfile's ENTRYPOINT bypasses it by itself.
     */
    const serviceBypass = (reading: BaseReading): { bypass: 'entrypoint' | 'command'; bypassFrom?: string; rerun?: 'no-command' | 'other-command' } | Record<string, never> => {
      const sd = reading.base ? stepDown(reading.base) : undefined;
      const rerun = overridesEntrypoint && sd ? entrypointRerun(sd, true, entrypoint, command) : {};
      if (overridesEntrypoint) return { bypass: 'entrypoint', ...(entrypointFound ? { bypassFrom: entrypointFound.ctx.path } : {}), ...rerun, ...emptyCommand(rerun) };
      if (commandEntry === undefined || !commandFound) return {};
      const dockerfileKeeps = !reading.entrypoint || (!!stage && sameForEveryVariant(built.dockerfile, stage, (s) => entrypointStepsDown(built.dockerfile, s))?.down === true);
      return dockerfileKeeps ? { bypass: 'command', bypassFrom: commandFound.ctx.path, ...(sd && !reading.entrypoint ? entrypointRerun(sd, false, entrypoint, command) : {}) } : {};
    };
    // The Dockerfile's own ENTRYPOINT steps down to a non-root user — it calls gosu/su-exec itself, its entrypoint script read
    // from the build context does, or it names the base image's own entrypoint again — as DF010 reads it (entrypointStepsDown):
    // when the service does not replace the entrypoint (stepdown3, item 3). A `command:` of the service replaces the
    // Dockerfile's CMD and is given to that ENTRYPOINT, as for a pulled image (entry2, item 3); one that cannot be read
    // leaves it not known.
    const ownReading = (): StepDownReading => overridesEntrypoint || (commandEntry !== undefined && command === null) || !stage ? undefined : sameForEveryVariant(built.dockerfile, stage, (s) => entrypointStepsDown(built.dockerfile, s, commandEntry === undefined ? undefined : (command ?? [])));
    if ('user' in result) {
      if (result.user.includes('$') || !isRootUser(result.user)) return null;
      const own = ownReading();
      if (own?.down) return 'step-down';
      // `USER root` over an image whose entrypoint steps down (`FROM redis` … `USER root` for a RUN): those images set no USER, so
      // the container starts as root either way and the entrypoint decides on uid 0 — judged as without the USER, as DF010's
      // privilegeDrop reads the base image's step-down for an explicit root USER too.
      return (result.over && overStepDown(result.over, own)) ?? { source: 'dockerfile', image: built.build.dockerfile, ...target };
    }
    if (result.base && nonRootUser(result.base)) return null;
    const own = ownReading();
    if (own?.down) return 'step-down';
    return overStepDown(result, own) ?? { source: 'dockerfile', image: built.build.dockerfile, ...target };
  }
  const img = imageOf ? imageThrough(imageOf.ctx, imageOf.service) : imageThrough(ctx, service);
  if (!img || img === 'unknown' || !img.ref) return null; // no image, or unknown after interpolation
  if (nonRootUser(img.ref)) return null;
  const sd = stepDown(img.ref);
  if (sd) {
    const command = foundWords(commandFound, []);
    if (!overridesEntrypoint && runsServer(command, sd) !== false) return 'step-down';
    const entrypoint = foundWords(entrypointFound, null);
    if (overridesEntrypoint && keepsStepDown(sd, entrypoint, command)) return 'step-down';
    // The file that writes what bypasses the step-down (the message names it when it is not the file reported).
    const from = overridesEntrypoint ? entrypointFound : commandFound;
    const rerun = entrypointRerun(sd, overridesEntrypoint, entrypoint, command);
    const defaultCommand = rerun.rerun === 'no-command' ? imageDefaultCommand(img.ref) : undefined;
    return { source: 'image', image: img.ref.text, bypass: overridesEntrypoint ? 'entrypoint' : 'command', ...(from ? { bypassFrom: from.ctx.path } : {}), stepDownUser: sd.user, ...rerun, ...(defaultCommand ? { defaultCommand } : {}), ...emptyCommand(rerun) };
  }
  return { source: 'image', image: img.ref.text, ...(isLinuxserverImage(img.ref) ? { linuxserver: true as const } : {}) };
}

/** The words of a `command:` or `entrypoint:` found for a service (commandWords: null when they cannot be read), `absent` when none is. */
function foundWords(found: Found | undefined, absent: [] | null): string[] | null {
  return found ? commandWords(found.ctx, found.service.doc, found.entry) : absent;
}

/**
 * Whether an `entrypoint:` keeps the image's step-down: naming the image's own script, it keeps it when it runs the server (review
 * 36, probe p50); with no arguments (the `entrypoint:` clears the image's CMD), only where that script starts the server by itself
 * (cassandra, ClickHouse).
 */
function keepsStepDown(sd: StepDown, entrypoint: string[] | null, command: string[] | null): boolean {
  const args = imageEntrypointArgs(entrypoint, command, sd);
  // A `sh -c` string that runs the script but is not read (`A || exec docker-entrypoint.sh "$@"`): not known, never a finding.
  if (args === undefined) return entrypoint !== null && command !== null && shellStringCommand(entrypoint, () => command) === null && shellRunsImageEntrypoint(entrypoint, sd);
  return args.length === 0 ? !!sd.serverWithoutArgs : runsServer(args, sd) !== false;
}

/** The Dockerfile a service builds, for the messages: the stage its `build.target` picks, with its line, when that is not the final one. */
function builtText(d: { targetStage?: { name: string; line: number } }): string {
  return d.targetStage ? `stage '${d.targetStage.name}' (line ${d.targetStage.line}), the build.target of the Dockerfile it builds,` : 'the Dockerfile it builds';
}

/**
 * What a service's `entrypoint:`/`command:` that runs the image's own entrypoint script (rerun) does, for the messages: no server
 * without arguments, or another command run as root. From the data only.
 */
function rerunText(d: { bypass?: 'entrypoint' | 'command'; bypassIn?: string; rerun?: 'no-command' | 'other-command'; emptyCommand?: { kind: 'null' | 'empty' }; source: 'image' | 'dockerfile'; image: string; targetStage?: { name: string; line: number } }): string {
  const key = d.bypassIn ? `the ${d.bypass}: ${d.bypassIn} gives it` : `its ${d.bypass}:`;
  const whose = d.source === 'image' ? `image '${d.image}'` : `the base image of ${builtText(d)}`;
  const drops = `("If entrypoint is non-null, Compose ignores any default command from the image")`;
  if (d.rerun === 'no-command' && d.emptyCommand?.kind === 'empty') return `${key} runs the entrypoint of ${whose} while the service writes an empty command:, which overrides the image's default command to be empty: that script gets no arguments and starts no server`;
  if (d.rerun === 'no-command' && d.emptyCommand) return `${key} runs the entrypoint of ${whose} while the service's command: is null, which leaves the image's default command, and Compose drops that ${drops}: that script gets no arguments and starts no server`;
  if (d.rerun === 'no-command') return `${key} runs the entrypoint of ${whose} while the service writes no command:, so Compose drops the image's default command ${drops}: that script gets no arguments and starts no server`;
  return `${key} runs the entrypoint of ${whose} again, but with a command that is not its server, which that entrypoint runs as root (it steps down only for the server)`;
}

/**
 * How an `entrypoint:` or `command:` that does not keep an image's step-down still runs its own entrypoint script (so the message does
 * not say it bypasses it): an `entrypoint:` that names it (imageEntrypointArgs) with no arguments at all, no `command:` written or
 * one that gives no words (`no-command`: null, `[]`, `''`; review54b, F5), or with others; a `command:` under it that runs it again (imageEntrypointRerun) with something else than the
 * server (review53b, findings 2 and 5).
 */
function entrypointRerun(sd: StepDown, overridesEntrypoint: boolean, entrypoint: string[] | null, command: string[] | null): { rerun?: 'no-command' | 'other-command' } {
  if (overridesEntrypoint) {
    const args = imageEntrypointArgs(entrypoint, command, sd);
    // No words from `command:` either (none written, null, `[]`, `''`): a `command:` whose word a `sh -c` string takes as `$0` is not this.
    return args === undefined ? {} : { rerun: args.length === 0 && command?.length === 0 ? 'no-command' : 'other-command' };
  }
  return command !== null && command.length > 0 && imageEntrypointRerun(command, sd) !== undefined ? { rerun: 'other-command' } : {};
}

/**
 * The default merge when the override writes the image the merged service runs, neither file building and the service not
 * replaced whole: that image runs the default file's `entrypoint:`/`command:` unless the override writes or drops them
 * (rootByDefault's `imageOf`).
 */
function imageMergeOf(merge: DefaultMerge): DefaultMerge | undefined {
  return !merge.whole && overrideAt(merge, ['image'])?.value && !overrideAt(merge, ['build'])?.value && lookupKey(merge.base.ctx, merge.base.service, 'build') === undefined ? merge : undefined;
}

/**
 * Whether a service with a root `user:` (uid 0, whatever the group) runs as its image's own user all the same: without
 * `user:` the images whose entrypoint steps down (stepDown) start as root too (their Dockerfiles set no USER), and the
 * entrypoint decides on uid 0 alone (`[ "$(id -u)" = '0' ]` before gosu/su-exec), so a root `user:` changes nothing and the
 * service is judged as without one: on the merged service's image or build, `entrypoint:` and `command:`, as the finding
 * without `user:` judges them (rootByDefault). Not when the override Compose merges by default writes the build or replaces
 * the service whole (`!override`): what runs is not read here, and the root `user:` stays reported.
 */
function stepsDownFromRoot(ctx: ComposeContext, service: Service): boolean {
  const merge = defaultMerge(ctx, service);
  const view = mergedServiceView(ctx, service);
  if (merge && !view) {
    const imageMerge = imageMergeOf(merge);
    return !!imageMerge && defaultUser(imageMerge.base.ctx, imageMerge.base.service, imageMerge, imageMerge.over) === 'step-down';
  }
  const judged = view ? view.merge.base : { ctx, service };
  return defaultUser(judged.ctx, judged.service, view?.merge) === 'step-down';
}

export default defineRule<'compose', Data>({
  code: 'DC011',
  name: 'runs-as-root',
  kind: 'compose',
  severity: 'warning',
  fixable: 'sometimes',
  docs: {
    summary: 'A service runs as root: a root `user:`, or no `user:` with an image or built Dockerfile not known to drop root.',
    what:
      'Flags a service that runs as root. As a warning: `user: root`, `user: 0`, `user: "0:0"` or any `root:`/`0:` group form, also after interpolation (`${APP_USER:-root}`) and when it comes through a `<<` merge (reported on the merge key) — not over an image whose entrypoint steps down to its own user (below). As information: a service without `user:` whose image runs as root by default — or, for a service with `build:`, whose Dockerfile\'s final stage (or `build.target`) leaves the user as root (no `USER`, or `USER root`, also through the stages it builds on); that Dockerfile is read from the workspace, and when `build.target` picks a stage that is not the final one (which DF010 judges), the message names that stage and the line of its FROM, so that the USER goes where the service runs (review53b, finding 6). For a stage whose FROM names an earlier stage through a variable (`FROM runtime-$TARGETARCH`), the user is the one every stage it could name leaves (the automatic platform ARG\'s values, or a global ARG default); unknown when they differ. ' +
      'Not flagged: images known to run as a non-root user (official elasticsearch, kibana, logstash, memcached, haproxy ≥ 2.4, adminer, solr, sonarqube, kong, emqx, groovy; grafana, prom/*, bitnami/*, distroless `:nonroot`, Chainguard, nginx-unprivileged, pgadmin4, mailhog, selenium, n8n, node-red, apache/nifi and nifi-registry, confluentinc ≥ 6, jenkins, code-server, coder, micromamba, zabbix (uid 1997), prometheus-community exporters, nginx-prometheus-exporter, flaresolverr, Red Hat\'s PostgreSQL images (uid 26), apache/tika ≥ 2.6 (uid 35002), gotenberg, alpine-chrome, kafka-ui, dragonfly, curlimages/curl, umami, ocaml/opam, keycloak (quay.io and the older jboss/keycloak), authentik server, baserow/backend, gitea rootless, nexus3, browserless, superset, kubo, jupyter, trino, rocket.chat, apm-server, benthos, outline (`nodejs`, uid 1001), Wiki.js 2 and later (requarks/wiki, `node`), SFTPGo 2 and later (drakkan/sftpgo, uid 1000), SQL Server 2019 and later (`mcr.microsoft.com/mssql/server`, `mssql`, uid 10001; the 2017 images and the 2019 previews run as root or are not known) and Azure SQL Edge 1.0.7 and later (`mssql`), Microsoft\'s .NET `-chiseled` images and (8.0 on) `-distroless` ones, apache/airflow 2.0 and later (`airflow`, uid 50000: `USER ${AIRFLOW_UID}` with `ARG AIRFLOW_UID="50000"`), kestra/kestra (`USER kestra`), influxdb 1.11 and later 1.x (`USER influxdb`, uid 1500; not the -data/-meta tags; 1.8 and older run as root), ClickHouse\'s `-distroless` tags (`USER 101:101`)), and official images whose entrypoint only prepares the data directory as root and then steps down to the service\'s own user (gosu/su-exec) before starting it — postgres (and postgis, timescaledb, pgvector, tensorchord\'s pgvecto-rs and vchord-postgres, Immich\'s ghcr.io/immich-app/postgres), redis, valkey, mysql, percona, mariadb, mongo, rabbitmq, zookeeper, couchdb, neo4j, ghost, influxdb ≥ 2, eclipse-mosquitto (the broker itself changes to its `mosquitto` user), redmine (for `rails` or `rake`: `exec gosu redmine`; not `bundle exec`, which only tags built since August 2025 count), cassandra ≥ 2.1 (docker-library/cassandra\'s docker-entrypoint.sh: no arguments or a flag become `cassandra -f`, then, as root, `exec gosu cassandra`; since docker-library/cassandra#48, 2016) and ClickHouse\'s server image (`clickhouse/clickhouse-server`, the official `clickhouse`, the older `yandex/clickhouse-server` from 18.14: its /entrypoint.sh, as root, chowns the data directories to the clickhouse user and, with no arguments or a first one starting with `--`, runs `exec clickhouse su "$USER:$GROUP" clickhouse-server`, gosu in older tags; any other command runs as root) — as long as the service keeps the image\'s entrypoint (also by naming it again: `entrypoint: ["docker-entrypoint.sh"]` or `/usr/local/bin/docker-entrypoint.sh`, also behind a known init read as DF010 reads it, `entrypoint: ["tini", "--", "docker-entrypoint.sh"]` or `["dumb-init", "--"]` with the script first in `command:`, for the images whose ENTRYPOINT it is — postgres and the images built on it, redis, valkey, mysql, mariadb, mongo, rabbitmq, ghost, cassandra; `/entrypoint.sh` for ClickHouse, and for mysql 8.0, whose Dockerfiles link it to docker-entrypoint.sh "# backwards compat" (not 8.4 and later: review53b, finding 8) — with arguments; alone it gets none, as a non-null `entrypoint:` clears the image\'s CMD (Compose Specification, `entrypoint`: "Compose ignores any default command from the image"), which starts the server only for cassandra (`[ "$#" -eq 0 ]` becomes `cassandra -f`) and ClickHouse (`[[ $# -lt 1 ]]`); redis\'s, postgres\'s and the others\' then run `exec "$@"` with nothing, as root, and are flagged) and runs the server (the default command, a flag where the entrypoint accepts one, or the server\'s name); with another entrypoint or command (`sh -c "redis-server"`) there is no step-down and the service is flagged — unless it runs that entrypoint again with the server, read as DF010 reads the same ENTRYPOINT or CMD (rules/engine/entrypoint-step-down.ts): an `entrypoint:` whose `sh -c` string is one command that names the script (`["/bin/sh", "-c", "exec docker-entrypoint.sh \\"$@\\"", "--"]` with the server in `command:`: `"$@"` stands for the words after `$0`, here `--`; or `["/bin/sh", "-c", "exec docker-entrypoint.sh redis-server"]`), or a `command:` under the image\'s entrypoint that runs it again (`["sh", "-c", "exec docker-entrypoint.sh postgres -c max_connections=200"]`, `["docker-entrypoint.sh", "postgres"]`): the entrypoint runs a command that is not the server as it is, as root (`exec "$@"`), and the script it runs again steps down (POSIX sh: `sh -c command_string [command_name [argument…]]`, the command name being `$0`); the string may expand a variable in the server\'s arguments (`exec docker-entrypoint.sh valkey-server --requirepass $$REDIS_PASSWORD`, `max_connections=$${PG_MAX:-200}`: it cannot change the program) and run setup steps before that command, in the foreground, joined by `&&`, `;` or a newline (`chmod 600 /certs/server.key && exec docker-entrypoint.sh postgres -c ssl=on`), but none that may replace the shell (`exec`, `eval`, `.`), change the PATH or change the script it then runs (only `chmod`, `chown`, `chgrp` of it); a variable in the server\'s place, or a string that runs the script but is not read (`A || exec docker-entrypoint.sh postgres`, a command substitution), is not known and never a finding. An `entrypoint:` or `command:` that runs the image\'s own entrypoint script but keeps no step-down is not said to bypass it: given another command, the message says the script runs that command as root (the fix sets the image\'s user); named by an `entrypoint:` with no `command:`, the message says Compose drops the image\'s default command, so the script gets no arguments and starts no server, and the fix adds that command as `command:` where the official Dockerfile of the tag is known to write it (postgres: `["postgres"]`, mysql: `["mysqld"]`, every tag; redis 4.0 on: `["redis-server"]`, the published images\' default command in docker-library/repo-info; valkey: `["valkey-server"]`, valkey-io/valkey-container\'s Dockerfile.template; mongo: `["mongod"]`, not the Windows tags, which add `--bind_ip_all`; rabbitmq 3.6 on: `["rabbitmq-server"]`; mariadb: `["mysqld"]` from 10.0 to 10.5 (5.5 not read: no fix), `["mariadbd"]` in the 11 and later tags and the `10`, `10.6`…`10.11` tags (MariaDB/mariadb-docker update.sh renames the CMD from 10.6 on, so a 10.6.x patch tag built before that may say `mysqld`: no fix; nor for the `-ubi` tags, built from another Dockerfile), a major-only tag such as `rabbitmq:3` carrying its newest release; a digest without a tag may be any build: no fix) — no fix otherwise: a `user:` would not start the server (review53b, findings 2 and 5). A `command:` that gives no words is read the same (Compose Specification, `command`: null uses the image\'s default command, which the `entrypoint:` drops; `[]` or `\'\'` overrides it to be empty): the message says so, and the fix sets the value written (`command: []`, `\'\'`, `null`) to the default command; no fix for a `command:` with no value written, or one from another file (review54b, F5). A built Dockerfile\'s CMD in shell form (`CMD redis-server /etc/redis.conf`) is such another command: Docker runs it as `/bin/sh -c "redis-server /etc/redis.conf"` (the stage\'s SHELL, if one is set), so the entrypoint gets `/bin/sh`, not the server, and runs it as root (Dockerfile reference, CMD: "If you use the shell form of the CMD, then the <command> will execute in /bin/sh -c"); a compose `command:` string is not run by a shell but split into words (compose-go\'s loader, shellwords), so `command: redis-server /etc/redis.conf` runs the server. A built Dockerfile (no `ENTRYPOINT` of its own, or the service\'s `entrypoint:` naming that script again) keeps the base image\'s step-down only when it does not copy over or change the script (`COPY --from`, `RUN sed -i`, a folder of the PATH), as DF010 reads it: otherwise the service is reported, with the base image\'s user in the fix, and the message says what in the Dockerfile may change the script (the COPY, ADD or RUN and its line, and the `ENV PATH` line that puts its folder on the PATH), not that the Dockerfile bypasses the entrypoint. A Dockerfile stage that ends with a root `USER` (`USER root`, `USER 0`, written in it or in a stage it builds on, for a `RUN` that needs root) over such an image is judged as one without `USER`: these images set no `USER`, so the container starts as root either way and the entrypoint still steps down (DF010 reads the same Dockerfile so); its own `ENTRYPOINT` or a command that is not the server is reported, with the base image\'s user in the message and the fix (the message names the service\'s own `command:` or `entrypoint:` when that is what bypasses the step-down — an `entrypoint:`, a `command:` under the base image\'s entrypoint or under a Dockerfile ENTRYPOINT that steps down with the Dockerfile\'s own CMD —, and the Dockerfile otherwise) — unless that ENTRYPOINT steps down as DF010 reads it (the same function, rules/engine/entrypoint-step-down.ts): it calls gosu/su-exec to a non-root user itself, its entrypoint script copied from the build context does, or it names the base image\'s own entrypoint again (`ENTRYPOINT ["docker-entrypoint.sh"]` on redis) with the server as CMD, and the service writes no `entrypoint:`; a `command:` of the service replaces the Dockerfile\'s CMD and is given to that ENTRYPOINT (Compose file reference, `command`: it "overrides the default command declared by the container image, for example by Dockerfile\'s `CMD`"; the ENTRYPOINT stays), as for a pulled image: `command: ["redis-server", "--appendonly", "yes"]` keeps redis\'s step-down there, `command: ["sh", "-c", "redis-server"]` does not, and an entrypoint script that ends with `exec gosu app "$@"` steps down whatever the command (a shell-form ENTRYPOINT gets no command, as DF010 reads it; a `command:` that cannot be read leaves it not known, and the service stays reported). A root `user:` (`root`, `0`, `"0:0"`, `root:root`, uid 0 with any group) on such a service — its image, or the base image of the Dockerfile stage it builds when that stage sets no `USER` (or a root one) or `ENTRYPOINT` — is judged as no `user:` would be: these images set no `USER`, so they start as root either way, and their entrypoints decide on uid 0 alone (`if [ "$1" = \'redis-server\' -a "$(id -u)" = \'0\' ]`, then `chown` of the data directory and `exec gosu redis`; postgres, mysql, mariadb, mongo, rabbitmq, zookeeper, ghost the same, for the server\'s command; mosquitto\'s broker changes to its user itself when started as root). The server runs as the image\'s own user, so nothing is reported; the service is reported when its `command:`/`entrypoint:` (those of the service merged with the default override, its image when the override writes one) bypass the step-down, as without `user:`. The redundant `user: root` gets no finding of its own: the container runs exactly as without the line (the same uid, the same step-down), so removing it changes nothing but the text. (When the default override writes the service\'s `build:` or replaces it whole with `!override`, the root `user:` is still reported: what runs is not read there.) Any other image without `user:` is flagged: most images run as root unless told otherwise, and the extension cannot look inside an image it does not know. ' +
      'Windows images are not judged at all, root `user:` or none, as DF010 does not judge them: a service whose image is a Windows image (`mcr.microsoft.com/windows/…`, .NET Framework images, `windowsservercore`/`nanoserver` tags such as `mcr.microsoft.com/dotnet/aspnet:8.0-nanoserver-ltsc2022`, the other Windows bases DF010 lists) or that builds a Dockerfile stage DF010 reads as Windows — Windows has no uids: `user:` names an account (ContainerUser, ContainerAdministrator), and Nano Server images already run as ContainerUser. ' +
      'A linuxserver.io image (`lscr.io/linuxserver/*`) is reported with its own message: its s6 init runs as root and starts the application as the `PUID`/`PGID` user, so the application does not run as root but the init and its setup scripts do; some of these images can run as a non-root `user:` (https://docs.linuxserver.io/misc/non-root/). Not so wireguard, fail2ban and swag (which runs fail2ban too), whose services run as root: they get the plain message. ' +
      'Nor a service to which the compose file Compose merges by default (`compose.override.yaml` beside `compose.yaml`, or the base beside an override) gives a `user:`, a `build:` or an `image:` (its image replaces this file\'s and is the one that runs, unless this file builds: Compose then tags the build with it): the merged service is judged there — for an `image:`, that image running this file\'s `entrypoint:`/`command:` unless the override writes or drops them (a shell command here bypasses the step-down of the override\'s image). A `user:` that override writes replaces this file\'s, root or not: it is the one judged (there), and a `user: root` here is not reported. A `user: !reset null` in that override removes this file\'s `user:` (Compose merge, "Reset value": https://docs.docker.com/reference/compose-file/merge/): the service is judged as having none, and reported in that override, on its `user:` key (the file that decides; the message says the override drops the `user:` this file sets), without a fix (an edit to this file would be undone by the override). Whether an image\'s entrypoint steps down to its own user is judged on the merged service\'s `entrypoint:` and `command:` (the override\'s replace this file\'s whole, `!reset` removes them; Compose merge, "Shell commands"): a `sh -c …` command in the override over this file\'s `postgres` image runs as root, reported in the override on the service\'s name (its fix adds `user:` there, which the merge keeps; none when the override resets `user:`), and an override command that runs the server, or `command: !reset null`, clears a bypass written here. With a `user:` in this file, the service is judged here on that user. Unknown is never a finding: an image or `user:` whose variable is unknown, a build whose Dockerfile is not in the workspace, a base image given by an ARG without default, a base service (`extends:`) that cannot be read. Through `extends:` (same file, or `file:` in the workspace) the `user:`, image, build, entrypoint and command are the nearest ones written in the chain, as Compose merges them: a service that inherits its image and no `user:` is flagged on its name, and the fix adds `user:` to that service (a service without `user:` in a base file analyzed only because a default compose file\'s services extend it, `common-services.yml`, is judged on those services, not there); a root `user:` written in the base is reported there only (when the base is in a file that is not analyzed itself — not named like a compose file, not included and not extended from a default compose file such as `compose.yaml`, e.g. a `common-services.yml` that only `compose.dev.yaml` extends — it is reported on the extending service\'s name instead, without a fix).',
    why: 'A process that runs as root in the container is root on the host\'s kernel: any escape (a kernel bug, a mounted socket or host path, a dangerous capability) gives full control of the host, and every file it can reach through a volume is writable. SECURITY-GUIDELINES.md §2: "Run as Non-root User – All services run with uid: 1000"; checklist: "Non-root user in Dockerfile". `user: root` undoes the non-root default of images that have one and the step-down of the data stores\' entrypoints.',
    bad: 'services:\n  api:\n    image: node:24-alpine\n    command: ["node", "server.js"]\n  worker:\n    image: ghcr.io/acme/worker:2.0\n    user: root',
    good: 'services:\n  api:\n    image: node:24-alpine\n    user: "1000:1000"\n    command: ["node", "server.js"]\n  worker:\n    image: ghcr.io/acme/worker:2.0\n    user: "1000:1000"',
    fix: '"Run as user 1000:1000" replaces a root `user:` value, or adds `user: "1000:1000"` at the end of the service. A numeric uid needs no entry in the image\'s /etc/passwd. ' +
      'Where the image\'s own user is known, the fix uses it instead. (1) An official image whose entrypoint steps down to its service user (the list above: `redis`; `postgres`, also for postgis, timescaledb, pgvector and the other images built on it; `mysql` for mysql, mariadb and percona; `mongodb` for mongo; `rabbitmq`; `valkey`, `zookeeper`, `couchdb`, `neo4j`, `node` for ghost, `influxdb`, `mosquitto`, `cassandra`, `clickhouse`), under a root `user:`, or with the step-down bypassed by the service\'s `command:`/`entrypoint:` or by the ENTRYPOINT of a Dockerfile built on it: "Run as the image\'s own user \'redis\'" sets `user: redis`. Its data directory belongs to that user (redis\'s and valkey\'s /data, mongo\'s /data/db, mysql\'s /var/lib/mysql and rabbitmq\'s /var/lib/rabbitmq to uid 999; postgres\'s to uid 999 on Debian and 70 on Alpine), which uid 1000 could not write. A name is looked up in the image\'s own /etc/passwd when the container starts (docker run reference, USER: "Those users are accessible by name. When passing a numeric ID, the user does not have to exist in the container"; Compose\'s `user:` "overrides the user used to run the container process", the same setting), so the uid that differs between variants need not be known. Caveat: a host directory bind-mounted over the data directory keeps its host owner; if root owns it, the service user cannot write it (chown it on the host to that user\'s uid, 999 for redis, or use a named volume) — the entrypoint, no longer started as root, skips the `chown` it does before stepping down, which is one reason this fix is never safe. A root `user:` that keeps the step-down is not reported, so it gets no fix: this fix is offered only where the command or entrypoint bypasses the step-down. ' +
      '(2) A root `user:` over a service whose built Dockerfile stage ends with a non-root `USER` (`USER app` after `useradd -r app`, a system uid below 1000 that uid 1000 is not), or over an image that runs as its own non-root user by its `USER` (the list above: grafana\'s 472, SQL Server\'s mssql, outline, jenkins…; also the base image of a built stage that sets no `USER`, `FROM grafana/grafana`): "Remove user: root: the image runs as \'app\'" deletes the line, and the image\'s USER applies (Compose: "The default is set by the image (i.e. Dockerfile USER)"). Where the service would then inherit another `user:` (from a `<<` merge, from the service it `extends:`, or, in the override Compose merges by default, from the default compose file), the line stays: for a Dockerfile\'s USER the fix sets `user:` to its value instead ("Run as the image\'s own user \'app\'"); for an image\'s, the fix is the one below (uid 1000, or none when that user is not uid 1000), since the list\'s user is not always the image\'s USER as written (elasticsearch\'s `USER 1000:0`). Not when the override Compose merges by default writes the service\'s `image:` or `build:` (another image runs). A root `user:` written in that override over a service whose `image:`/`build:` only the default file writes is judged on that image (the merged service\'s), so it gets the same fix as in one file (`user: redis`, `user: app`). A USER written with a variable is not known (uid 1000 then). Not safe either: the line may be there because the service needs root (a root-owned bind mount, packages installed at start); test it. ' +
      'For a service that runs one of Microsoft\'s .NET 8+ Linux images (`mcr.microsoft.com/dotnet/aspnet`, `runtime`, `runtime-deps`, `sdk`, also from `dotnet/nightly/`: a tag of 8.0 or later, `latest` or none), or builds a Dockerfile whose stage is built on one, the fix is "Run as user app" (`user: app`) instead: those images run as root but define the non-root user `app` (uid 1654, in `ENV APP_UID`), where uid 1000 has no user, group or home (`$APP_UID` cannot be written in `user:`: Compose would interpolate it from its own environment, not the image\'s); the message says so. Not safe: the service may write to root-owned paths in the image or in its volumes (chown them to 1000, or mount a tmpfs), bind ports below 1024 under `network_mode: host`, or have an entrypoint that expects root; test it. Other than the removal in (2), not offered for a root `user:` over an image that runs as its own non-root user whose uid is not 1000, or not known to be (SQL Server 2019+\'s `mssql`, uid 10001; outline\'s `nodejs`, 1001; grafana\'s 472; uid 1000: jenkins, node-red, n8n, elasticsearch, SFTPGo, Wiki.js), nor for a service whose built Dockerfile switches to root over such a base image: uid 1000 would not own the files the image gave its user (SQL Server\'s /var/opt/mssql, outline\'s data directory); the message names that user (remove `user:` or set it to that user; in the Dockerfile, `USER` back to it after what needs root). Not offered when the `user:` value is interpolated, comes from an anchor or alias, or the service mapping is shared through an anchor or written as a flow mapping, or while the file has YAML syntax errors. For a service that builds its image, setting `USER` in the Dockerfile (DF010) is the better fix.',
    guideline: '§2 Container Runtime Security — "Run as Non-root User" (uid 1000); Security Checklist — "Non-root user in Dockerfile"',
    equivalents: ['compose-lint CL-0018 (user: root)', 'KICS "Missing User Instruction" (Dockerfile query: the same check for images built here)', 'CIS Docker Benchmark v1.6.0 4.1 "Ensure that a user for the container has been created"'],
    references: [
      'https://docs.docker.com/reference/dockerfile/#automatic-platform-args-in-the-global-scope',
      'https://docs.docker.com/reference/compose-file/services/#extends',
      'https://docs.docker.com/reference/compose-file/services/#user',
      'https://docs.docker.com/reference/compose-file/services/#command (overrides the default command declared by the container image, for example by Dockerfile\'s CMD; null: the image\'s default command is used; `[]` or `\'\'`: overridden to be empty)',
      'https://docs.docker.com/engine/containers/run/#user (a user is accessible by name; a numeric ID need not exist in the container)',
      'https://github.com/docker-library/postgres/blob/master/15/bookworm/Dockerfile (useradd --uid=999 postgres; 15/alpine3.20/Dockerfile: adduser -u 70 postgres)',
      'https://github.com/docker-library/repo-info/tree/master/repos/redis (groupadd -r -g 999 redis; useradd -r -g redis -u 999 redis)',
      'https://github.com/docker-library/mysql/blob/master/template/Dockerfile.oracle (useradd --system --uid 999 mysql)',
      'https://github.com/docker-library/mongo/blob/master/4.4/Dockerfile (useradd --uid 999 --system mongodb)',
      'https://github.com/docker-library/rabbitmq/blob/master/3.13/ubuntu/Dockerfile (useradd --uid 999 --system rabbitmq)',
      'https://github.com/valkey-io/valkey-container (8.0/alpine/Dockerfile: adduser -S -G valkey -u 999 valkey; chown valkey:valkey /data)',
      'https://docs.docker.com/reference/dockerfile/#user',
      'https://learn.microsoft.com/dotnet/core/compatibility/containers/8.0/app-user',
      'https://docs.docker.com/engine/security/#linux-kernel-capabilities',
      'https://github.com/docker-library/postgres/blob/master/docker-entrypoint.sh',
      'https://github.com/docker-library/redis/blob/master/docker-entrypoint.sh (if [ "$1" = \'redis-server\' -a "$(id -u)" = \'0\' ]: chown, then exec gosu redis)',
      'https://github.com/docker-library/mysql/blob/master/template/docker-entrypoint.sh (started as root, "Switching to dedicated user \'mysql\'": exec gosu mysql)',
      'https://github.com/docker-library/mongo/blob/master/docker-entrypoint.sh (mongo* commands with id -u 0: exec gosu mongodb)',
      'https://github.com/docker-library/rabbitmq/blob/master/docker-entrypoint.sh',
      'https://github.com/docker-library/cassandra/blob/master/docker-entrypoint.sh (cassandra with id -u 0: chown, then exec gosu cassandra; docker-library/cassandra#48)',
      'https://github.com/ClickHouse/ClickHouse/blob/master/docker/server/entrypoint.sh (no arguments or --…: exec clickhouse su "${USER}:${GROUP}" clickhouse-server; else exec "$@")',
      'https://docs.docker.com/reference/dockerfile/#cmd (shell form: the command executes in /bin/sh -c; SHELL: the shell form of RUN, CMD and ENTRYPOINT)',
      'https://docs.docker.com/reference/compose-file/services/#entrypoint (non-null entrypoint: Compose ignores any default command from the image)',
      'https://github.com/docker-library/repo-info/tree/master/repos/redis/remote (Entrypoint ["docker-entrypoint.sh"], Default Command ["redis-server"]: redis 4.0 to 8.x)',
      'https://github.com/valkey-io/valkey-container/blob/HEAD/Dockerfile.template (CMD ["valkey-server"])',
      'https://github.com/docker-library/mongo/blob/master/Dockerfile-linux.template (CMD ["mongod"]; 2.2/Dockerfile and 3.0/Dockerfile the same)',
      'https://github.com/docker-library/rabbitmq/blob/master/Dockerfile-ubuntu.template (CMD ["rabbitmq-server"]; Dockerfile-alpine.template and 3.6/debian/Dockerfile the same)',
      'https://github.com/MariaDB/mariadb-docker/blob/HEAD/update.sh (10.4, 10.5 keep CMD ["mysqld"]; every other version: sed -i -e \'/^CMD/s/mysqld/mariadbd/\'; 10.0/Dockerfile to 10.5/Dockerfile: CMD ["mysqld"], 10.6/Dockerfile and 10.11/Dockerfile: CMD ["mariadbd"])',
      'https://man7.org/linux/man-pages/man1/sh.1p.html (sh -c command_string [command_name [argument…]]: command_name is $0)',
      'https://github.com/compose-spec/compose-go/blob/main/loader/loader.go (transformShellCommand: a string command is split with shellwords.Parse)',
      'https://github.com/ClickHouse/ClickHouse/blob/master/docker/server/Dockerfile.distroless (USER 101:101)',
      'https://github.com/apache/airflow/blob/main/Dockerfile (ARG AIRFLOW_UID="50000", USER ${AIRFLOW_UID})',
      'https://github.com/kestra-io/kestra/blob/develop/Dockerfile (USER kestra)',
      'https://github.com/docker-library/redmine/blob/master/docker-entrypoint.sh (rails|rake: exec gosu redmine; bundle exec since docker-library/redmine#386)',
      'https://github.com/influxdata/influxdata-docker/blob/master/influxdb/1.12/Dockerfile (USER influxdb, uid 1500; official-images#17791 for 1.11.7)',
      'https://github.com/docker-library/repo-info/tree/master/repos/elasticsearch/remote',
      'https://github.com/docker-library/memcached/blob/master/1/debian/Dockerfile',
      'https://github.com/outline/outline/blob/main/Dockerfile (USER nodejs, uid 1001)',
      'https://github.com/requarks/wiki/blob/main/dev/build/Dockerfile (USER node)',
      'https://github.com/drakkan/sftpgo/blob/main/Dockerfile (USER 1000:1000; docker/README.md: the images run as uid and gid 1000)',
      'https://github.com/microsoft/mssql-docker/issues/549 (SQL Server 2019 containers run as the non-root user mssql by default)',
      'https://github.com/microsoft/mssql-docker/blob/master/linux/preview/examples/mssql-server-linux-non-root/Dockerfile-2019 (mssql, uid 10001)',
      'https://github.com/orbstack/orbstack/issues/1071 (Azure SQL Edge 1.0.7: "This container is running as user mssql")',
    ],
  },
  check(ctx) {
    const out = [];
    for (const service of ctx.services) {
      const serviceMap = ctx.isShared(service.map) ? null : service.map;
      // A `user:` the override Compose merges by default writes replaces this file's (its value is judged
      // there); in that override, a `user: !reset …` is no value.
      const merge = defaultMerge(ctx, service);
      if (mergedServiceGone(merge)) continue; // `!reset` on the service: it does not run
      const userTouch = merge && overrideAt(merge, ['user']);
      if (userTouch && !merge.inOverride && userTouch.value) continue;
      // The override drops the user (`user: !reset null`, a service it replaces with `!override`): that file decides, and
      // the finding is there, on the key that drops it (review 45e, item 4b).
      if (merge && userTouch?.drops && !merge.inOverride && !userTouch.value) continue;
      // The merged service's command and entrypoint (mergedServiceView): the file that writes the one that runs
      // decides whether an image's step-down to its own user happens (review 44d leftovers, item 2).
      const view = mergedServiceView(ctx, service);
      const commandsHere = !view || view.commands.fromOverride === view.merge.inOverride;
      // In the override, a `user: !reset …` is no value: the merged service has no user, judged here only when this
      // file's command decides (else in the default file, which sees its user dropped).
      const resetHere = !!userTouch && merge.inOverride && !userTouch.value;
      // `user: !reset null` in the override Compose merges by default: the user written here never takes effect.
      const userDropped = droppedByDefaultOverride(ctx, service, 'user');
      const userFound = userDropped || resetHere ? undefined : lookupKey(ctx, service, 'user');
      if (userFound === 'unknown') continue; // a base that cannot be read may set it
      // A `user:` inherited through `extends:` is judged where it is written (the base service), unless
      // the base is in a file that is not analyzed itself: then here, on the service name, without a fix.
      if (userFound && userFound.inherited) {
        if (isAnalyzedBase(ctx, userFound)) continue;
        const v = resolvedScalar(userFound.ctx, userFound.entry.value);
        if (v && v.trim() !== '' && isRootUser(v) && !runsWindows(ctx, service) && !stepsDownFromRoot(ctx, service)) {
          out.push({ range: ctx.rangeOf(service.nameNode), data: { problem: 'root-user' as const, service: service.name, user: v.trim(), map: null, pair: null, ...rootUserImageFacts(ctx, service) } });
        }
        continue;
      }
      if (userFound) {
        const user = serviceScalar(ctx, service, 'user');
        if (!user) continue; // empty or not a scalar: unknown
        const v = user.value.value;
        if (v === null || v.trim() === '' || !isRootUser(v) || runsWindows(ctx, service)) continue;
        // The image's entrypoint steps down from root to its own user as it would without `user:`.
        if (stepsDownFromRoot(ctx, service)) continue;
        const { entry } = user;
        const editable = entry.own && !entry.shared && user.value.literal && isPlainScalar(user.value.node);
        const held = imageHolder(ctx, service);
        out.push({
          range: entry.own ? ctx.rangeOfPair(entry.pair) : ctx.rangeOf(entry.reportNode),
          data: { problem: 'root-user' as const, service: service.name, user: v.trim(), map: editable ? serviceMap : null, pair: editable ? entry.pair : null, ...runsDotnetImage(held.ctx, held.service), ...rootUserImageFacts(ctx, service) },
        });
        continue;
      }
      // A base file analyzed only for its `extends:` users: a missing user is judged on the services that run it.
      if (isExtendsOnlyBase(ctx)) continue;
      // The override Compose merges by default sets the user or builds the image: judged with it, not here.
      if (!resetHere && !view?.merge.inOverride && companionWrites(ctx, service, ['user', 'build'])) continue;
      // The override replaces the image (its `image:` wins; not when this file builds, which then tags the build with
      // it): the image that runs is judged there, as written (review 45e, item 4a). With both `build:` and `image:`,
      // Compose pulls the name first and builds when it is not found (Compose Build Specification, "Using build and
      // image": https://docs.docker.com/reference/compose-file/build/#using-build-and-image); `pull_policy: build` always
      // builds. The Dockerfile is judged, as DC041, DC050 and DC060 judge it (review mrg6a, item 6).
      if (merge && !merge.inOverride && overrideAt(merge, ['image'])?.value && lookupKey(ctx, service, 'build') === undefined) continue;
      // Merged: judged on the default file's service (its image or build) with the merged command, in the file whose
      // command runs; from the override, not when the default file writes the user (judged there).
      if (!commandsHere && !resetHere) continue;
      if (view?.merge.inOverride && !resetHere && lookupKey(view.merge.base.ctx, view.merge.base.service, 'user') !== undefined) continue;
      const judged = view ? view.merge.base : { ctx, service };
      // In the override that writes the image (neither file building, not the whole service replaced): the merged
      // service runs the default file's `entrypoint:`/`command:` on this image, unless this file writes or drops them
      // (Compose merge: `image:` is replaced as a mapping's entry, `command:`/`entrypoint:` are kept unless overridden;
      // https://docs.docker.com/reference/compose-file/merge/) (review mrg6a, item 5).
      const imageMerge = !view && merge?.inOverride ? imageMergeOf(merge) : undefined;
      const root = imageMerge ? rootByDefault(imageMerge.base.ctx, imageMerge.base.service, imageMerge, imageMerge.over) : rootByDefault(judged.ctx, judged.service, view?.merge);
      if (!root || runsWindows(judged.ctx, judged.service)) continue;
      const reset = resetHere && merge ? { cause: dropCause(userTouch)!, baseFile: lookupKey(merge.base.ctx, merge.base.service, 'user') !== undefined ? basename(merge.base.ctx.path) : null } : undefined;
      out.push({
        range: resetHere && userTouch ? touchRange(ctx, userTouch, service) : ctx.rangeOf(service.nameNode),
        severity: 'info' as const,
        data: { problem: 'image-root' as const, service: service.name, source: root.source, image: root.image, map: userDropped || resetHere ? null : serviceMap, ...(root.bypass ? { bypass: root.bypass, ...(root.bypassFrom && root.bypassFrom !== ctx.path ? { bypassIn: basename(root.bypassFrom) } : {}), ...(root.rerun ? { rerun: root.rerun } : {}), ...(root.defaultCommand ? { defaultCommand: root.defaultCommand } : {}), ...(root.emptyCommand ? { emptyCommand: { kind: root.emptyCommand.kind, pair: root.emptyCommand.path === ctx.path ? root.emptyCommand.pair : null } } : {}) } : {}), ...(root.linuxserver ? { linuxserver: true as const } : {}), ...(root.stepDownUser ? { ownUser: { name: root.stepDownUser, from: 'step-down' as const } } : {}), ...(root.scriptChanged ? { scriptChanged: root.scriptChanged } : {}), ...(root.targetStage ? { targetStage: root.targetStage } : {}), ...runsDotnetImage(judged.ctx, judged.service), ...(root.source === 'dockerfile' ? imageOwnUser(judged.ctx, judged.service) : {}), ...(reset ? { reset } : {}) },
      });
    }
    return out;
  },
  message(d) {
    if (d.problem === 'image-root' && d.reset) {
      const { cause, baseFile } = d.reset;
      const dropped = `Service '${d.service}' has no user: once merged: ${dropText(cause)}${baseFile ? `, dropping the user: that ${baseFile} sets` : ''}`;
      if (d.linuxserver) return `${dropped}, and linuxserver.io image '${d.image}' starts its init as root (the application runs as the PUID/PGID user).`;
      if (d.bypass && d.rerun) return `${dropped}, and ${rerunText(d)}.`;
      if (d.bypass) return `${dropped}, and ${d.bypassIn ? `the ${d.bypass} ${d.bypassIn} gives it` : `its ${d.bypass}`} bypasses the entrypoint with which ${d.source === 'image' ? `image '${d.image}'` : `the base image of ${builtText(d)}`} steps down to a non-root user, so it runs as root.`;
      return d.source === 'image' ? `${dropped}, and image '${d.image}' is not known to switch to a non-root user, so it most likely runs as root.` : `${dropped}, and ${builtText(d)} leaves the user as root.`;
    }
    if (d.problem === 'root-user' && d.imageUser && !d.dotnetApp) return `Service '${d.service}' runs as user ${d.user} (root), while its image runs as its own non-root user ${d.imageUser}; remove the user: or set it to ${d.imageUser} (uid 1000 would not own the image's files).`;
    if (d.problem === 'root-user' && d.ownUser?.from === 'dockerfile') return `Service '${d.service}' runs as user ${d.user} (root), overriding the non-root USER ${d.ownUser.name} of the Dockerfile it builds; remove the user: or set it to ${d.ownUser.name}.`;
    if (d.problem === 'root-user' && d.ownUser?.from === 'image') return `Service '${d.service}' runs as user ${d.user} (root), overriding the non-root user ${d.ownUser.name} its image runs as; remove the user: to run as that user.`;
    if (d.problem === 'root-user' && d.ownUser) return `Service '${d.service}' runs as user ${d.user} (root); run it as the image's own user ${d.ownUser.name}, which owns its data directory (uid 1000 may not).`;
    if (d.problem === 'root-user') return `Service '${d.service}' runs as user ${d.user} (root); ${d.dotnetApp ? "run it as user app, the non-root user that .NET 8+ images define" : 'run it as a non-root user (uid 1000)'}.`;
    if (d.bypass && d.rerun === 'no-command') return `Service '${d.service}' has no user: and ${rerunText(d)}; ${d.defaultCommand ? `${d.emptyCommand ? 'set' : 'add'} command: ${JSON.stringify(d.defaultCommand)} (the image's default command)` : `${d.emptyCommand ? 'write' : 'add'} a command: that runs the server`} or remove the entrypoint: (a user: would not start it).`;
    if (d.bypass && d.rerun) return `Service '${d.service}' has no user: and ${rerunText(d)}; set user: ${d.ownUser ? d.ownUser.name : '"1000:1000"'}${d.source === 'image' && d.ownUser ? " (the image's own user, which owns its data directory)" : ''} or give it the server.`;
    if (d.bypass && d.source === 'dockerfile')
      return `Service '${d.service}' has no user: and ${d.bypassIn ? `the ${d.bypass} ${d.bypassIn} gives it` : `its own ${d.bypass}`} bypasses the entrypoint with which the base image of ${builtText(d)} steps down to ${d.ownUser ? `its own user ${d.ownUser.name}` : 'a non-root user'}, so it runs as root; set user: ${d.ownUser ? d.ownUser.name : '"1000:1000"'} here or ${d.bypass === 'command' ? 'give it a command that runs the server' : "keep the image's entrypoint"}.`;
    if (d.bypass) return `Service '${d.service}' has no user: and ${d.bypassIn ? `the ${d.bypass} ${d.bypassIn} gives it` : `its own ${d.bypass}`} bypasses the entrypoint with which image '${d.image}' steps down to a non-root user, so it runs as root; set user: ${d.ownUser ? `${d.ownUser.name} (the image's own user, which owns its data directory)` : '"1000:1000"'} or keep the image's entrypoint.`;
    if (d.linuxserver) {
      return `Service '${d.service}' has no user: and linuxserver.io image '${d.image}' starts its init as root, which runs the application as the PUID/PGID user but keeps root for itself and its setup scripts; where the image supports it (docs.linuxserver.io/misc/non-root), run it as user: "1000:1000".`;
    }
    if (d.dotnetApp) {
      return d.source === 'image'
        ? `Service '${d.service}' has no user: and .NET image '${d.image}' runs as root by default; set user: app, the non-root user that .NET 8+ images define.`
        : `Service '${d.service}' has no user: and ${builtText(d)} leaves the user as root; set USER $APP_UID there or user: app here (the non-root user that .NET 8+ images define).`;
    }
    if (d.imageUser) return `Service '${d.service}' has no user: and ${builtText(d)} switches to root over its base image's own non-root user ${d.imageUser}; switch back to that user there (USER ${d.imageUser}) after what needs root.`;
    if (d.ownUser && d.source === 'dockerfile' && d.scriptChanged) return `Service '${d.service}' has no user: and in ${builtText(d)} ${describeEntrypointChange(d.scriptChanged)}, so whether that entrypoint still steps down to its own user ${d.ownUser.name} is not known, and the service is taken to run as root; set USER ${d.ownUser.name} there or user: ${d.ownUser.name} here.`;
    if (d.ownUser && d.source === 'dockerfile') return `Service '${d.service}' has no user: and ${builtText(d)} bypasses the entrypoint with which its base image steps down to its own user ${d.ownUser.name}, so it runs as root; set USER ${d.ownUser.name} there or user: ${d.ownUser.name} here.`;
    return d.source === 'image'
      ? `Service '${d.service}' has no user: and image '${d.image}' is not known to switch to a non-root user, so it most likely runs as root; set user: "1000:1000".`
      : `Service '${d.service}' has no user: and ${builtText(d)} leaves the user as root; set a non-root USER there or user: "1000:1000" here.`;
  },
  fix(ctx, { data }): Fix | undefined {
    // A root `user:` over an image that runs as its own non-root user (the built Dockerfile's USER, or the USER of the image or
    // of the built stage's base image by the tables): removing the line lets that USER apply, unless the service would then
    // inherit another `user:` (a `<<` merge, `extends:`, the default compose file under its override).
    const own = data.ownUser;
    if (data.problem === 'root-user' && data.pair && data.map && (own?.from === 'dockerfile' || own?.from === 'image')) {
      const service = ctx.serviceWithMap(data.map);
      const removal = service && !inheritsUser(ctx, service, data.map) ? deletePairEdit(ctx, data.map, data.pair) : undefined;
      if (removal) return { title: `Remove user: ${data.user}: the image runs as '${own.name}'`, safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [removal] }] };
    }
    // An `entrypoint:` that gives the image's own entrypoint no arguments starts no server, whatever the user: the image's default
    // command back as `command:` when it is known for every tag, else nothing (review53b, finding 5).
    if (data.problem === 'image-root' && data.rerun === 'no-command') {
      if (!data.defaultCommand || !data.map || data.bypassIn) return undefined;
      // A `command:` written with no words: its value is set, when this file writes one (`command: []`, `''`, `null`); an empty
      // `command:` or one from elsewhere: no fix (review54b, F5).
      if (data.emptyCommand) {
        const value = data.emptyCommand.pair?.value as Node | null | undefined;
        if (!value?.range || value.range[1] <= value.range[0]) return undefined;
        const set = { range: ctx.lines.rangeOf(value.range[0], value.range[1]), newText: JSON.stringify(data.defaultCommand).replace(/,/g, ', ') };
        return { title: `Set command: ${JSON.stringify(data.defaultCommand)}, the image's default command`, safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [set] }] };
      }
      const added = appendToMapEdit(ctx, data.map, [`command: ${JSON.stringify(data.defaultCommand).replace(/,/g, ', ')}`]);
      return added ? { title: `Add command: ${JSON.stringify(data.defaultCommand)}, the image's default command`, safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [added] }] } : undefined;
    }
    // The image's own user is not uid 1000: uid 1000 would not own its files (review 47b, item 4).
    if (data.imageUser && !data.dotnetApp) return undefined;
    // The image's own user, known by name: set it (a name resolves in the image's own /etc/passwd). Not the tables' user of an
    // image's USER, which is not always that USER as written (elasticsearch's `1000:0`): uid 1000 or .NET's `app` then.
    const named = own?.from === 'image' ? undefined : own;
    const title = named ? `Run as the image's own user '${named.name}'` : `Run as user ${data.dotnetApp ? DOTNET_USER : '1000:1000'}`;
    let edit: TextEdit | undefined;
    if (data.problem === 'root-user') {
      if (!data.pair || !data.map) return undefined;
      const value = data.pair.value as Scalar;
      if (!value.range) return undefined;
      const newText = named ? userScalar(named.name) : data.dotnetApp ? DOTNET_USER : value.type === 'QUOTE_SINGLE' ? `'${NON_ROOT_USER.slice(1, -1)}'` : NON_ROOT_USER;
      edit = { range: ctx.lines.rangeOf(value.range[0], value.range[1]), newText };
    } else {
      if (!data.map) return undefined;
      edit = appendToMapEdit(ctx, data.map, [`user: ${named ? userScalar(named.name) : data.dotnetApp ? DOTNET_USER : NON_ROOT_USER}`]);
    }
    if (!edit) return undefined;
    return { title, safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [edit] }] };
  },
});
