import type { Instruction, JSONInstruction, Onbuild } from 'dockerfile-ast';
import { defineRule } from '../engine/rule';
import type { DockerfileContext, Stage } from '../engine/dockerfile';
import { argWords, officialImageRunsAsNonRoot, unquote } from '../engine/df-instructions';
import { containerCommand, everyVariantGives, rootBase, stageChain, VariableScope } from '../engine/stage-scope';
import { isWindowsStage } from '../engine/windows-stage';
import { dotnetAppUser, isRootUser, nonRootUser, ownUserNot1000, stepDown, userKnownForImage } from '../engine/image-users';
import { officialImageName } from '../engine/image';
import { buildTargetName, servicesBuilding } from '../engine/relations';
import { invocation } from '../engine/run-commands';
import { argumentsOf, outputRedirectTarget, parseShell, programName } from '../engine/shell';
import type { Detection, Fix, Position, Range } from '../engine/types';
import { contextCandidates, contextRelative, type Contexts } from '../engine/build-context';
import * as path from 'node:path';

/** Where `USER 1000` goes: before a line (`insertBefore`), or at the end of one. */
interface InsertPoint {
  insertLine: number;
  insertBefore: boolean;
  indent: string;
}

type Data =
  | ({
      problem: 'no-user';
      /** The image installs a privilege-dropping tool (gosu, su-exec…) and has an ENTRYPOINT, or its CMD calls one: it starts as root on purpose. */
      dropTool: string | null;
      /** Which instruction steps down: the ENTRYPOINT (the tool is installed or named), or the CMD when there is no ENTRYPOINT. */
      dropIn?: 'ENTRYPOINT' | 'CMD';
      /** The root user the final stage inherits from a stage it builds on (`USER root` written there), if any. */
      inheritedRoot?: string;
      /** The 1-based line of that inherited USER (set when the image steps down: the message names it). */
      userLine?: number;
      /** That USER names a variable whose ARG default is root (`USER $UID` with `ARG UID=0`). */
      viaArg?: boolean;
      /** The variable whose `:-`/`-` fallback made it root, nothing giving it a value (`USER ${UID:-0}`). */
      fallback?: string;
      /** The base image, when it is not an official image: its own USER is not known (the message says "most likely"). */
      unknownBase?: string;
      /** The base is one of Microsoft's .NET 8+ images, which define the non-root user `app` (uid in ENV APP_UID): the fix uses it. */
      dotnetApp?: true;
      /** With inheritedRoot: the base image's own non-root user, not uid 1000 (baseUserOf). */
      baseUser?: string;
    } & InsertPoint)
  | {
      problem: 'root-user';
      user: string;
      userRange: Range;
      /** RUN instructions follow the root USER in the stage (they need root): `USER 1000` goes after the last of them instead of replacing it. */
      insert: InsertPoint | null;
      /** As for 'no-user': the entrypoint (or CMD) steps down with this tool, so the root USER is on purpose (info, no fix). */
      dropTool?: string;
      dropIn?: 'ENTRYPOINT' | 'CMD';
      /** The 1-based line of the root USER (set with dropTool). */
      userLine?: number;
      /** The USER names a variable whose ARG default is root (`USER $UID` with `ARG UID=0`): no fix (the default is what to change). */
      viaArg?: boolean;
      /** The variable whose `:-`/`-` fallback made it root, nothing giving it a value (`USER ${UID:-0}`). */
      fallback?: string;
      /** As for 'no-user': a .NET 8+ base, whose `app` user the fix uses. */
      dotnetApp?: true;
      /** The base image's own non-root user, not uid 1000 (baseUserOf): no fix, the message names it. */
      baseUser?: string;
    };

/**
 * The base image of a stage's chain when its default user is not known: not an official image (root unless the
 * catalogue says otherwise) nor one the catalogue knows for some tags (`cm2network/steamcmd:root`, `grafana/loki:1.4`: review 28, probe 12).
 */
function unknownBaseOf(stage: Stage): { unknownBase?: string } {
  const base = rootBase(stage);
  if (base.kind !== 'image' || officialImageName(base.ref) !== null || userKnownForImage(base.ref)) return {};
  return { unknownBase: base.ref.text };
}

/** Whether the base of a stage's chain is a .NET 8+ image with the non-root user `app` (`ENV APP_UID=1654`). */
function dotnetAppOf(stage: Stage): { dotnetApp?: true } {
  const base = rootBase(stage);
  return base.kind === 'image' && dotnetAppUser(base.ref) ? { dotnetApp: true } : {};
}

/**
 * The own non-root user of the stage chain's base image when it is not uid 1000 (`USER root` written over `mssql/server`, whose
 * `mssql` is uid 10001): `USER 1000` would not own the files the image gave its user, so no fix sets it (review 47b, item 4).
 */
function baseUserOf(stage: Stage): { baseUser?: string } {
  const base = rootBase(stage);
  const user = base.kind === 'image' ? ownUserNot1000(base.ref) : undefined;
  return user !== undefined ? { baseUser: user } : {};
}

/** The user the fix sets: `$APP_UID` on a .NET 8+ base (its `app` user, uid 1654: 1000 is no user there), else uid 1000. */
function fixUser(data: Data): string {
  return data.dotnetApp ? '$APP_UID' : '1000';
}

/**
 * A USER's value with the stage's build-time variables substituted as a build without --build-arg
 * sees them (ARG and global ARG defaults, ENV; `${UID:-0}` is 0 when nothing gives UID a value), or
 * null when one is unknown; with the first variable whose fallback was taken that way.
 */
function userThroughArgs(ctx: DockerfileContext, stage: Stage, user: Instruction, value: string): { value: string | null; fallback?: string } {
  const holder = stageChain(stage).find((s) => s.instructions.includes(user));
  if (!holder) return { value: null };
  const scope = new VariableScope(ctx, holder, { unsetFallback: true });
  for (const ins of holder.instructions) {
    if (ins === user) break;
    scope.apply(ins);
  }
  const resolved = scope.resolve(value);
  return { value: resolved, ...(scope.lastFallbacks.length > 0 ? { fallback: scope.lastFallbacks[0] } : {}) };
}

/** The last USER instruction that applies to a stage: its own, else the parent stage's (a stage inherits its base stage's USER). */
function effectiveUser(stage: Stage, depth = 0): Instruction | null | 'non-root-base' {
  for (let i = stage.instructions.length - 1; i >= 0; i--) {
    if (stage.instructions[i].getKeyword() === 'USER') return stage.instructions[i];
  }
  if (stage.base.kind === 'stage' && depth < 64) return effectiveUser(stage.base.stage, depth + 1);
  // Images known to run as a non-root user (their Dockerfiles end with one: the table DC011 uses, and
  // the official images of the engine's list: sonarqube, solr…).
  if (stage.base.kind === 'image' && (nonRootUser(stage.base.ref) !== undefined || officialImageRunsAsNonRoot(stage.base.ref))) return 'non-root-base';
  if (stage.base.kind === 'unknown') return 'non-root-base'; // unknown base: its USER is unknown, so no finding.
  return null;
}

/** Tools official images use to start as root, prepare volumes, then run the server as its own user. */
const DROP_TOOLS = /\b(gosu|su-exec|setpriv|s6-setuidgid|chroot --userspec|runuser)\b/;

function textOf(ctx: DockerfileContext, ins: Instruction): string {
  const r = ins.getRange();
  return ctx.text.slice(ctx.offsetAt(r.start), ctx.offsetAt(r.end));
}

/** Options of runuser that take a value (the user is then the first other operand, or `-u USER`). */
const RUNUSER_VALUE_OPTIONS = new Set(['-g', '-G', '-c', '-s', '-w', '--group', '--supp-group', '--command', '--shell', '--whitelist-environment']);

/** A call of a privilege-dropping tool: the tool, the user it switches to as written (null: none), and whether that is a step-down. */
interface DropCall {
  tool: string;
  user: string | null;
  /**
   * Whether it switches to a non-root user: a user is named and is not root or uid 0 (`gosu root`, `su-exec 0:0`,
   * `gosu 0`, `runuser -u root` are not); a user through a variable (`gosu "$APP_USER"`, `su-exec ${PUID}:${PGID}`)
   * is not known to be root, and counts (review 45b, item 7).
   */
  down: boolean;
}

/**
 * A privilege-dropping tool the words call directly (`["gosu", "app", "server"]`, `exec su-exec 1000:1000 …`),
 * with the user it switches to: the value written (`app`, `0:0`, `$APP_USER`), or null when it names none
 * (`["gosu"]` only prints its usage; `setpriv` without `--reuid` keeps the user), and whether that is a
 * step-down. Undefined when no word calls one (an entrypoint script, `sh -c "…"`: the tool may be called there).
 * The one reading of a tool's words: the Dockerfile's ENTRYPOINT/CMD and the commands of an entrypoint script both use it.
 */
function directDrop(words: readonly string[]): DropCall | undefined {
  const call = dropTarget(words);
  return call && { ...call, down: call.user !== null && (call.user.includes('$') || !isRootUser(call.user)) };
}

function dropTarget(words: readonly string[]): { tool: string; user: string | null } | undefined {
  for (let k = 0; k < words.length; k++) {
    const tool = words[k].slice(words[k].lastIndexOf('/') + 1);
    const rest = words.slice(k + 1);
    const valueOf = (names: string[]) => {
      for (let j = 0; j < rest.length; j++) {
        for (const n of names) {
          if (rest[j] === n) return rest[j + 1] ?? null;
          if (n.startsWith('--') && rest[j].startsWith(`${n}=`)) return rest[j].slice(n.length + 1);
        }
      }
      return null;
    };
    switch (tool) {
      case 'gosu':
      case 'su-exec':
      case 's6-setuidgid':
        return { tool, user: rest[0] ?? null };
      case 'setpriv':
        return { tool, user: valueOf(['--reuid', '--ruid', '--euid']) };
      case 'chroot':
        if (!rest.some((w) => w === '--userspec' || w.startsWith('--userspec='))) continue;
        return { tool: 'chroot --userspec', user: valueOf(['--userspec']) };
      case 'runuser': {
        let user = valueOf(['-u', '--user']);
        for (let j = 0; user === null && j < rest.length; j++) {
          if (RUNUSER_VALUE_OPTIONS.has(rest[j])) j++;
          else if (rest[j] === '--') break;
          else if (!rest[j].startsWith('-')) user = rest[j];
        }
        return { tool, user };
      }
    }
  }
  return undefined;
}

/**
 * The step-down of an ENTRYPOINT or CMD that calls the tool itself: only a switch to a non-root user
 * counts (review 45b, item 7: `gosu root …`, `su-exec 0:0 …` and `["gosu"]` run as root). `extra`: the
 * words an exec-form CMD appends to an exec-form ENTRYPOINT. Undefined when it calls no tool.
 */
function directStepDown(ctx: DockerfileContext, ins: Instruction, extra: Instruction | undefined, where: 'ENTRYPOINT' | 'CMD'): { tool: string; in: 'ENTRYPOINT' | 'CMD' } | null | undefined {
  const json = (i: Instruction) => typeof (i as JSONInstruction).getJSONStrings === 'function' && (i as JSONInstruction).getJSONStrings().length > 0;
  const words = argWords(ctx, ins).filter((w) => !w.heredoc).map((w) => w.value);
  if (extra && json(ins) && json(extra)) words.push(...argWords(ctx, extra).map((w) => w.value));
  const call = directDrop(words);
  if (!call) return undefined;
  return call.down ? { tool: call.tool, in: where } : null;
}

/**
 * How the image steps down from root by itself: with an ENTRYPOINT, a call of a privilege-dropping tool to a
 * non-root user in it or in the entrypoint script read from the build context, else (the script cannot be read)
 * a tool the Dockerfile installs or names; without one, the CMD (then what
 * runs) calling such a tool, or a base image whose own entrypoint steps down when it runs its server
 * (the official data stores). The stage's own ENTRYPOINT/CMD count, and those it inherits from the stages it builds on.
 */
function privilegeDrop(ctx: DockerfileContext, stage: Stage): { tool: string; in: 'ENTRYPOINT' | 'CMD' } | null {
  const chain = stageChain(stage);
  const lastOf = (keyword: string) => {
    for (const s of chain) {
      for (let i = s.instructions.length - 1; i >= 0; i--) if (s.instructions[i].getKeyword() === keyword) return s.instructions[i];
    }
    return undefined;
  };
  const entrypoint = lastOf('ENTRYPOINT');
  // No ENTRYPOINT: the last CMD (the stage's own, else the one it inherits) is the process that runs.
  const cmd = lastOf('CMD');
  if (entrypoint) {
    // An ENTRYPOINT that calls the tool itself says to which user (an exec-form CMD may give its arguments).
    const direct = directStepDown(ctx, entrypoint, cmd, 'ENTRYPOINT');
    if (direct !== undefined) return direct;
    // An entrypoint script COPY'd from the build context that can be read says whether it calls the tool (review item 4).
    // Only a script whose long-running process runs as a non-root user counts (`exec gosu root "$@"` does not).
    const script = entrypointScriptDrop(ctx, stage, chain, entrypoint, cmd);
    if (script !== undefined) return script?.down ? { tool: script.tool, in: 'ENTRYPOINT' } : null;
    for (const s of chain) {
      for (const ins of s.instructions) {
        const kw = ins.getKeyword();
        if (kw !== 'RUN' && kw !== 'COPY' && kw !== 'ADD' && kw !== 'ENTRYPOINT' && kw !== 'CMD') continue;
        const m = DROP_TOOLS.exec(textOf(ctx, ins));
        if (m) return { tool: m[1], in: 'ENTRYPOINT' };
      }
    }
    return null;
  }
  if (cmd) {
    const direct = directStepDown(ctx, cmd, undefined, 'CMD');
    if (direct !== undefined) return direct;
  }
  const m = cmd ? DROP_TOOLS.exec(textOf(ctx, cmd)) : null;
  if (m) return { tool: m[1], in: 'CMD' };
  // The base image's ENTRYPOINT applies: the official data stores' steps down to the service's user
  // when the container runs the server (its default command, or the server named in a CMD), as DC011
  // reads them (image-users.ts; `FROM rabbitmq:4.1-alpine` + a plugin, `FROM postgis/postgis`).
  const base = rootBase(stage);
  const step = base.kind === 'image' ? stepDown(base.ref) : undefined;
  if (base.kind === 'image' && step) {
    // A shell-form CMD runs as `/bin/sh -c '…'`: the entrypoint gets `/bin/sh`, not the server, and does not step down (review 49a, F1).
    const words = cmd ? commandIn(ctx, chain, cmd) : [];
    if (words !== null && (words.length === 0 || step.server(words))) return { tool: step.tool ?? (/alpine/.test(base.ref.tag ?? '') ? 'su-exec' : 'gosu'), in: 'ENTRYPOINT' };
  }
  return null;
}

/** The command a CMD or ENTRYPOINT of the chain gives the container (containerCommand, read in the stage that holds it). */
function commandIn(ctx: DockerfileContext, chain: readonly Stage[], ins: Instruction): string[] | null {
  const owner = chain.find((s) => s.instructions.includes(ins));
  return owner ? containerCommand(ctx, owner, ins) : null;
}

/** Programs that start the entrypoint script they are given (`tini -- /entrypoint.sh`, `sh /entrypoint.sh`). */
const INIT_WRAPPERS = new Set(['tini', 'tini-static', 'dumb-init', 'catatonit']);
const SCRIPT_SHELLS = new Set(['sh', 'bash', 'ash', 'dash']);
/** The folders of the default PATH, where a script named without a folder (`docker-entrypoint.sh`) is found. */
const PATH_DIRS = new Set(['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']);

/** The script an ENTRYPOINT runs (`["/docker-entrypoint.sh"]`, `["tini", "--", "entrypoint.sh"]`, `sh /entrypoint.sh`), as written; undefined for a `-c` string or a variable. */
function entrypointScriptPath(words: readonly string[]): string | undefined {
  let k = 0;
  const base = (w: string | undefined) => (w === undefined ? '' : w.slice(w.lastIndexOf('/') + 1));
  if (INIT_WRAPPERS.has(base(words[k]))) {
    k++;
    while (k < words.length && words[k].startsWith('-') && words[k] !== '--') k++;
    if (words[k] === '--') k++;
  }
  if (SCRIPT_SHELLS.has(base(words[k]))) {
    k++;
    while (k < words.length && /^[-+][a-z]+$/i.test(words[k]) && words[k] !== '-c') k++;
    if (words[k] === '-c') return undefined;
  }
  const w = words[k];
  return w === undefined || w.includes('$') || !/\.(?:sh|bash)$|entrypoint|start|run|init/i.test(base(w)) ? undefined : w;
}

/** What writes a path of the image, in build order: a copy from the build context (`source`), or something whose content is not read here. */
interface Write {
  /** The path written; with `tree`, anything at or under it may be written (`COPY --from=builder /out/ /usr/local/bin/`). */
  target: string;
  tree: boolean;
  /** The file's path in the build context, or undefined when its content cannot be read (COPY --from, a heredoc, a URL, a variable or glob). */
  source: string | undefined;
}

/** The writes of the chain's COPY/ADD instructions and RUNs, in build order, and the last WORKDIR (null when not known). */
interface ImageWrites {
  steps: ({ kind: 'copy'; write: Write } | { kind: 'run'; ins: Instruction })[];
  workdir: string | null;
}

function imageWrites(ctx: DockerfileContext, chain: readonly Stage[]): ImageWrites {
  let workdir: string | null = '/';
  const steps: ImageWrites['steps'] = [];
  for (const s of [...chain].reverse()) {
    for (const ins of s.instructions) {
      const kw = ins.getKeyword();
      if (kw === 'WORKDIR') {
        const arg = ins.getArguments()[0]?.getValue();
        workdir = arg === undefined || arg.includes('$') || workdir === null ? null : path.posix.resolve(workdir, arg);
        continue;
      }
      if (kw === 'RUN') {
        steps.push({ kind: 'run', ins });
        continue;
      }
      if (kw !== 'COPY' && kw !== 'ADD') continue;
      const fromStage = ((ins as JSONInstruction & { getFlags?: () => { getName(): string }[] }).getFlags?.() ?? []).some((f) => f.getName() === 'from');
      const all = argWords(ctx, ins);
      const heredoc = all.some((w) => w.heredoc);
      const ops = all.filter((w) => !w.heredoc && !w.value.startsWith('--')).map((w) => w.value);
      if (ops.length === 0) continue;
      const dest = ops[ops.length - 1];
      const sources = ops.slice(0, -1);
      // A destination that cannot be placed may be any path: what the script is after it is not known (review 46a, item 3).
      if (dest.includes('$') || (!dest.startsWith('/') && workdir === null)) {
        steps.push({ kind: 'copy', write: { target: '/', tree: true, source: undefined } });
        continue;
      }
      const destAbs = path.posix.resolve(workdir ?? '/', dest);
      // Another stage's files, a heredoc's text: not read; they may land at the destination or under it (review 46a, item 3).
      if (fromStage || heredoc) {
        steps.push({ kind: 'copy', write: { target: destAbs, tree: true, source: undefined } });
        if (fromStage || sources.length === 0) continue;
      }
      const destIsDir = dest.endsWith('/') || sources.length + (heredoc ? 1 : 0) > 1;
      for (const src of sources) {
        const unreadable = /[$*?[]|^[a-z][a-z0-9+.-]*:\/\//i.test(src);
        const rel = contextRelative(src);
        // A folder of the context (`.`, `docker/`) lands its files under the destination: not followed here.
        if (rel === '' || rel.endsWith('/')) {
          steps.push({ kind: 'copy', write: { target: destAbs, tree: true, source: undefined } });
          continue;
        }
        const target = destIsDir ? path.posix.join(destAbs, path.posix.basename(rel)) : destAbs;
        steps.push({ kind: 'copy', write: { target, tree: unreadable && destIsDir, source: unreadable ? undefined : rel } });
      }
    }
  }
  return { steps, workdir };
}

/** Where a script path written in the ENTRYPOINT or a script is: absolute, relative to the last WORKDIR, or (a bare name) undefined for the PATH; null when not known. */
function scriptLocation(written: string, workdir: string | null): string | null | undefined {
  if (!written.includes('/')) return undefined;
  if (written.startsWith('/')) return path.posix.normalize(written);
  return workdir === null ? null : path.posix.resolve(workdir, written);
}

/**
 * The build-context file the image holds at a path (`wanted`; undefined: a bare `name` looked up in the PATH folders) when
 * the build is done: the last write there must be a copy from the context, and no later RUN may touch it (review 46a, item 3).
 * Undefined when not known, or when nothing copies it.
 */
function lastContextCopy(ctx: DockerfileContext, writes: ImageWrites, wanted: string | undefined, name: string): { at: string; source: string } | undefined {
  let found: { at: string; source: string | undefined } | undefined;
  const hits = (w: Write): boolean => {
    if (wanted !== undefined) return w.target === wanted || (w.tree && (w.target === '/' || wanted.startsWith(`${w.target}/`)));
    if (!w.tree) return path.posix.basename(w.target) === name && PATH_DIRS.has(path.posix.dirname(w.target));
    return [...PATH_DIRS].some((d) => d === w.target || d.startsWith(`${w.target === '/' ? '' : w.target}/`));
  };
  for (const step of writes.steps) {
    if (step.kind === 'copy') {
      if (hits(step.write)) found = { at: step.write.tree ? (wanted ?? name) : step.write.target, source: step.write.tree ? undefined : step.write.source };
    } else if (found?.source !== undefined && runTouches(ctx, step.ins, found.at)) found = { at: found.at, source: undefined };
  }
  return found?.source === undefined ? undefined : { at: found.at, source: found.source };
}

/** Commands that read a file or change only its mode or owner (`RUN chmod +x /entrypoint.sh`): they leave its text as copied. */
const LEAVES_TEXT = new Set(['chmod', 'chown', 'chgrp', 'ls', 'stat', 'test', '[', 'cat', 'head', 'tail', 'file', 'sha256sum', 'sha1sum', 'md5sum', 'mkdir', 'echo', 'printf', 'grep', 'wc', 'dos2unix', 'true']);
/** Commands that write files into a folder they are given (`cp /tmp/x.sh /usr/local/bin/`). */
const WRITES_INTO = new Set(['cp', 'mv', 'install', 'ln', 'rsync', 'tar', 'unzip', 'curl', 'wget', 'git', 'find', 'xargs']);

/**
 * Whether a RUN may write or replace the file at `at` (`sed -i … /entrypoint.sh`, `> /entrypoint.sh`, `cp`, `mv`,
 * `curl -o`): a redirection to it, or a command other than those that leave its text naming it (or its folder, for
 * commands that copy into one). A script that is not shell is read by name only.
 */
function runTouches(ctx: DockerfileContext, ins: Instruction, at: string): boolean {
  const base = path.posix.basename(at);
  const dir = path.posix.dirname(at);
  const names = (v: string) => v === at || path.posix.basename(v) === base || v.endsWith(`/${base}`);
  const run = ctx.runOf(ins);
  if (!run) return textOf(ctx, ins).includes(base);
  for (const script of run.scripts) {
    if (!script.isShell) {
      if (script.source.text.includes(base)) return true;
      continue;
    }
    for (const cmd of script.commands) {
      for (let k = 0; k < cmd.words.length; k++) {
        const target = outputRedirectTarget(cmd.words, k, true);
        if (target !== null && !target.startsWith('&') && (names(target) || target.includes('$'))) return true;
      }
      const inv = invocation(cmd);
      const program = inv?.name ?? programName(cmd);
      if (LEAVES_TEXT.has(program)) continue;
      for (const w of inv ? inv.args : argumentsOf(cmd)) {
        const v = w.value.replace(/^-[a-zA-Z]+=?|^--[a-z-]+=/, (m) => (m.endsWith('=') ? '' : m));
        if (names(v) || names(w.value)) return true;
        if (WRITES_INTO.has(program) && (w.value.replace(/\/+$/, '') || '/') === dir) return true;
      }
    }
  }
  return false;
}

/** Programs that step down to another user, as DROP_TOOLS names them (`chroot --userspec` through its option). */
const DROP_PROGRAMS = new Set(['gosu', 'su-exec', 'setpriv', 's6-setuidgid', 'runuser']);

/** How deep sourced or run scripts are followed (`. lib.sh` that sources another). */
const MAX_SCRIPT_DEPTH = 4;

/**
 * What an entrypoint script's reading found: the call that decides what the long-running process runs as (`down`: a
 * switch to a non-root user; `exec`: it is an `exec`'d call, which replaces the shell), none (null: no tool is called),
 * or not known (undefined).
 */
type ScriptVerdict = { tool: string; down: boolean; exec: boolean } | null | undefined;

function sameVerdict(a: ScriptVerdict, b: ScriptVerdict): boolean {
  return a === b || (!!a && !!b && a.tool === b.tool && a.down === b.down && a.exec === b.exec);
}

/**
 * Whether the ENTRYPOINT's script, COPY'd (or ADD'ed) from the build context by the stage or a stage it builds on,
 * calls a privilege-dropping tool: the tool's name, null when the script is read and calls none, undefined when it is
 * not known — no such copy (a script of the base image, one a RUN writes or changes, `COPY --from`, a heredoc, a later
 * write to its path), a source or destination through a variable or glob, a build context that cannot be known, or a
 * file not found or unreadable in it. Read as DF021 reads a copied file (`..` clamped at the context root): in each
 * context of the compose services that build the Dockerfile (each must say the same), else in the Dockerfile's folder
 * or the first folder above it that has the file. The script is parsed as shell (rules/engine/shell.ts): comments and
 * quoted text do not count; a script it sources (`. lib.sh`, `source lib.sh`) or runs that the image copies from the
 * context is read the same way (not readable: not known); `exec docker-entrypoint.sh "$@"` on an official data store
 * whose own entrypoint steps down keeps that step-down when the command is the server (review 46a, item 4).
 */
function entrypointScriptDrop(ctx: DockerfileContext, stage: Stage, chain: readonly Stage[], entrypoint: Instruction, cmd: Instruction | undefined): ScriptVerdict {
  const written = entrypointScriptPath(argWords(ctx, entrypoint).filter((w) => !w.heredoc).map((w) => w.value));
  if (written === undefined) return undefined;
  const writes = imageWrites(ctx, chain);
  // The build contexts are looked up once a copy of the script is found (most images copy none): not known, nothing is read.
  let contexts: Contexts | undefined;
  // The container's command, `"$@"` of the entrypoint: a shell-form CMD is `/bin/sh -c '…'` (containerCommand).
  const cmdWords = cmd ? commandIn(ctx, chain, cmd) : [];
  const base = rootBase(stage);
  const step = base.kind === 'image' ? stepDown(base.ref) : undefined;
  const baseEntrypoint = step?.entrypoint;
  const seen = new Set<string>();

  /** The verdict on the script at a path written in the image (a bare name: on the PATH). */
  const scriptAt = (writtenPath: string, depth: number): ScriptVerdict => {
    const wanted = scriptLocation(writtenPath, writes.workdir);
    if (wanted === null) return undefined;
    const copy = lastContextCopy(ctx, writes, wanted, writtenPath);
    if (!copy || seen.has(copy.at) || depth > MAX_SCRIPT_DEPTH) return undefined;
    contexts ??= contextCandidates(ctx);
    if (contexts.unknown) return undefined;
    const dirs = contexts.dirs;
    const every = contexts.every;
    seen.add(copy.at);
    const verdicts: (ScriptVerdict | 'absent')[] = dirs.map((dir) => {
      const file = path.join(dir, copy.source);
      if (!ctx.workspace.exists(file)) return 'absent';
      const text = ctx.workspace.readText(file);
      return text === undefined ? undefined : scriptVerdict(text, depth);
    });
    seen.delete(copy.at);
    if (every) {
      if (verdicts.length === 0 || verdicts.some((v) => v === 'absent' || v === undefined)) return undefined;
      const first = verdicts[0] as ScriptVerdict;
      return verdicts.every((v) => sameVerdict(v as ScriptVerdict, first)) ? first : undefined;
    }
    // The first context that has the file (none: not known).
    return verdicts.find((v): v is ScriptVerdict => v !== 'absent');
  };

  /**
   * The verdict on a script's text, from the privilege-dropping calls it makes — its own, and those of a script it
   * sources or runs (as one call at that point), each judged by directDrop — in the order written: the `exec`'d ones
   * (the shell becomes that process: the long-running one), else the last one, decide; it steps down when one of them
   * switches to a non-root user. Null when it calls none.
   */
  const scriptVerdict = (text: string, depth: number): ScriptVerdict => {
    const commands = parseShell({ text, offsets: identityOffsets(text.length) });
    let unknown = false;
    const calls: { tool: string; down: boolean; exec: boolean }[] = [];
    for (const c of commands) {
      const inv = invocation(c);
      const program = inv?.name ?? programName(c);
      const execd = inv !== null && inv.wrappers.some((k) => baseNameOf(c.words[k].value) === 'exec');
      // The tool's own words (`gosu app "$@"`, `chroot --userspec=app / …`), read as the Dockerfile's ENTRYPOINT is.
      const chroot = [...(inv?.wrappers ?? []), c.programIndex].find((k) => k >= 0 && baseNameOf(c.words[k].value) === 'chroot' && c.words.slice(k + 1).some((w) => w.value.startsWith('--userspec')));
      const toolAt = DROP_PROGRAMS.has(program) ? (inv ? inv.index : c.programIndex) : chroot;
      const call = toolAt === undefined || toolAt < 0 ? undefined : directDrop(c.words.slice(toolAt).map((w) => w.value));
      if (call) {
        calls.push({ tool: call.tool, down: call.down, exec: execd });
        continue;
      }
      const args = inv ? inv.args : argumentsOf(c);
      let other: string | undefined;
      if (program === '.' || program === 'source') other = args[0]?.value;
      else if (inv && c.programIndex >= 0 && !SCRIPT_SHELLS.has(program)) other = c.words[inv.index].value; // the program as written (its path)
      else if (SCRIPT_SHELLS.has(program)) other = args.find((w) => !w.value.startsWith('-'))?.value;
      // `sh -c '…'`: its string is read as the script's own commands.
      const dashC = SCRIPT_SHELLS.has(program) ? args.findIndex((w) => /^-[a-z]*c[a-z]*$/i.test(w.value)) : -1;
      if (dashC >= 0) {
        const v = args[dashC + 1] === undefined ? undefined : scriptVerdict(args[dashC + 1].value, depth + 1);
        if (v) calls.push({ ...v, exec: execd });
        if (v === undefined) unknown = true;
        continue;
      }
      if (other === undefined || other.includes('$')) continue;
      // The base image's own entrypoint, run with the container's command: its step-down holds when that is the server.
      if (baseEntrypoint !== undefined && step && (other === baseEntrypoint || path.posix.basename(other) === path.posix.basename(baseEntrypoint))) {
        const own = lastContextCopy(ctx, writes, scriptLocation(other, writes.workdir) ?? undefined, other);
        // Its arguments, `"$@"` standing for the container's command (the exec-form CMD's words).
        const words = args.flatMap((w) => (w.value === '$@' ? (cmdWords ?? []) : [w.value]));
        if (own === undefined && cmdWords !== null && !words.some((w) => w.includes('$')) && (words.length === 0 ? !!step.serverWithoutArgs : step.server(words))) {
          calls.push({ tool: step.tool ?? (base.kind === 'image' && /alpine/.test(base.ref.tag ?? '') ? 'su-exec' : 'gosu'), down: true, exec: execd });
          continue;
        }
      }
      // A script the image copies from the context: read it too (`. /usr/local/bin/common.sh`, `exec /app/start.sh`).
      const isCopied = program === '.' || program === 'source' || SCRIPT_SHELLS.has(program) || /\.(?:sh|bash)$/.test(other);
      if (!isCopied) continue;
      const v = scriptAt(other, depth + 1);
      // A sourced script's `exec` replaces this shell; a script run with `exec` is the long-running process.
      if (v) calls.push({ ...v, exec: execd || ((program === '.' || program === 'source') && v.exec) });
      // Sourced or run, and not readable: what it does is not known.
      if (v === undefined) unknown = true;
    }
    const execs = calls.filter((k) => k.exec);
    const deciding = execs.length > 0 ? execs : calls.slice(-1);
    const down = deciding.find((k) => k.down);
    if (down) return { tool: down.tool, down: true, exec: execs.length > 0 };
    // No call, or only switches to root (`exec gosu root "$@"`): unless a script it sources or runs could not be read.
    if (unknown) return undefined;
    return deciding.length === 0 ? null : { tool: deciding[deciding.length - 1].tool, down: false, exec: execs.length > 0 };
  };

  return scriptAt(written, 0);
}

function baseNameOf(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** Offsets for a text read on its own (a script file): each character maps to itself. */
function identityOffsets(n: number): Uint32Array {
  const out = new Uint32Array(n + 1);
  for (let i = 0; i <= n; i++) out[i] = i;
  return out;
}

function lastRunOf(stage: Stage): Instruction | undefined {
  for (let i = stage.instructions.length - 1; i >= 0; i--) {
    if (stage.instructions[i].getKeyword() === 'RUN') return stage.instructions[i];
  }
  return undefined;
}

/** Right after an instruction (after its last line: continuations and heredoc bodies included). */
function after(ctx: DockerfileContext, ins: Instruction): InsertPoint {
  return { insertLine: ins.getRange().end.line, insertBefore: false, indent: ctx.lines.indentOf(ins.getRange().start.line) };
}

/**
 * Where `USER 1000` goes in a stage with no USER of its own: before its first CMD/ENTRYPOINT, unless a
 * RUN comes after that (USER applies to the RUNs that follow it: they would lose root), then after
 * the stage's last RUN; in a stage with neither, after its last instruction.
 */
function insertionPoint(ctx: DockerfileContext, stage: Stage): InsertPoint {
  const cmd = stage.instructions.find((i) => i.getKeyword() === 'CMD' || i.getKeyword() === 'ENTRYPOINT');
  const lastRun = lastRunOf(stage);
  if (cmd) {
    const line = cmd.getRange().start.line;
    if (lastRun && lastRun.getRange().start.line > line) return after(ctx, lastRun);
    return { insertLine: line, insertBefore: true, indent: ctx.lines.indentOf(line) };
  }
  return after(ctx, stage.instructions[stage.instructions.length - 1] ?? stage.from);
}

/** "Run as USER <user>": the root USER replaced, or a USER line inserted (see the rule's fix docs). */
function runAsFix(ctx: DockerfileContext, data: Data, user: string): Fix | undefined {
  // An entrypoint (or CMD) that steps down with gosu/su-exec needs root to start (it chowns volumes first).
  if (data.dropTool) return undefined;
  // Root through an ARG default: the default is what to change, and builds may pass another value.
  if (data.viaArg) return undefined;
  // ONBUILD RUN triggers run in the image built FROM this one, as this image's USER: after the fix as uid
  // 1000, where their apt-get or npm ci would fail (review 33, probe p13).
  if (ctx.finalStage?.instructions.some((i) => i.getKeyword() === 'ONBUILD' && (i as Onbuild).getTriggerInstruction()?.getKeyword() === 'RUN')) return undefined;
  if (data.problem === 'root-user' && !data.insert) {
    return { title: `Run as USER ${user}`, safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [{ range: data.userRange, newText: user }] }] };
  }
  const point: InsertPoint = data.problem === 'root-user' ? data.insert! : data;
  const eol = ctx.lines.eol;
  let at: Position;
  let newText: string;
  if (point.insertBefore) {
    at = { line: point.insertLine, character: 0 };
    newText = `${point.indent}USER ${user}${eol}`;
  } else {
    const last = ctx.lines.lineText(point.insertLine);
    // A file whose last instruction is still open (a trailing continuation, or a heredoc without its
    // closing line) would swallow the appended line: no fix there. Blank and comment lines do not
    // end a continuation (the Dockerfile parser skips them), so the last line that is neither counts.
    let code = point.insertLine;
    while (code > 0 && /^\s*(?:#|$)/.test(ctx.lines.lineText(code))) code--;
    // A heredoc of any instruction that has them (RUN, and COPY/ADD `<<EOF dest`: fuzz seed 1206120001 run 8446,
    // laradock's production Dockerfile cut inside a `COPY <<'EOF'` body).
    if (ctx.lines.lineText(code).trimEnd().endsWith(ctx.escapeChar) || ctx.finalStage?.instructions.some((i) => hasOpenHeredoc(i))) return undefined;
    at = { line: point.insertLine, character: last.length };
    newText = `${eol}${point.indent}USER ${user}`;
  }
  // Not safe: what the process needs at run time (low ports, root-owned paths) is not in the Dockerfile.
  return { title: `Run as USER ${user}`, safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [{ range: { start: at, end: at }, newText }] }] };
}

/** Whether an instruction has a heredoc without its closing line (it reads to the end of the file). */
function hasOpenHeredoc(ins: Instruction): boolean {
  const h = ins as unknown as { getHeredocs?: () => { getDelimiterRange(): unknown }[] };
  return typeof h.getHeredocs === 'function' && h.getHeredocs().some((d) => !d.getDelimiterRange());
}

/** Options of useradd/adduser (shadow, Debian, BusyBox) that take a value. */
const USER_OPTION_WITH_VALUE = new Set(['-b', '-c', '-d', '-e', '-f', '-g', '-G', '-k', '-K', '-p', '-s', '-u', '-R', '-P', '-Z', '-h', '--base-dir', '--comment', '--home-dir', '--home', '--expiredate', '--inactive', '--gid', '--groups', '--skel', '--key', '--password', '--shell', '--uid', '--root', '--prefix', '--selinux-user', '--ingroup', '--gecos', '--firstuid', '--lastuid', '--conf']);

/**
 * The user the final stage (or a stage it builds on) creates with `useradd`/`adduser`, the last one
 * written: its first operand, when it is a plain name. Null when none (or only through variables).
 */
function createdUser(ctx: DockerfileContext, stage: Stage): string | null {
  const chain = new Set(stageChain(stage));
  let found: string | null = null;
  for (const run of ctx.runs()) {
    if (run.onbuild || !run.stage || !chain.has(run.stage)) continue;
    for (const script of run.scripts) {
      if (!script.isShell) continue;
      for (const cmd of script.commands) {
        const inv = invocation(cmd);
        if (!inv || (inv.name !== 'useradd' && inv.name !== 'adduser')) continue;
        for (let i = 0; i < inv.args.length; i++) {
          const w = inv.args[i].value;
          if (w.startsWith('-')) {
            if (USER_OPTION_WITH_VALUE.has(w)) i++;
            continue;
          }
          if (/^[a-z_][a-z0-9_-]{0,31}$/i.test(w) && w !== 'root') found = w;
          break;
        }
      }
    }
  }
  return found;
}

/** Instructions that say an image is run as a container (or that decide its user). */
const RUN_SIGNS = new Set(['CMD', 'ENTRYPOINT', 'EXPOSE', 'HEALTHCHECK', 'USER']);

/** Whether the final stage (or a copy of it built on one stage its variable FROM could name: chainVariants) runs as root. */
function judgeFinal(ctx: DockerfileContext, stage: Stage): Detection<Data>[] {
  // A `FROM scratch` artifact (docker/cli's `binary` stage, built with `--output`): nothing says a
  // container runs it — no CMD, ENTRYPOINT, EXPOSE, HEALTHCHECK or USER, and no compose service builds it.
  if (rootBase(stage).kind === 'scratch' && !stageChain(stage).some((s) => s.instructions.some((i) => RUN_SIGNS.has(i.getKeyword()))) && !servicesBuilding(ctx.workspace, ctx.path, ctx.options).some((b) => {
      // `target: ${BUILD_TARGET:-runtime}` is read as Compose reads it; an unknown value may be this stage (review 12, probe 11).
      const target = buildTargetName(b);
      return target === undefined || target === null || target === stage.name;
    })) return [];
  // Windows images have no uids (USER names an account such as ContainerUser): not judged.
  if (isWindowsStage(ctx, stage)) return [];
  const user = effectiveUser(stage);
  if (user === 'non-root-base') return [];
  if (user === null) {
    const r = stage.from.getRange();
    const drop = privilegeDrop(ctx, stage);
    return [
      {
        range: { start: r.start, end: { line: r.start.line, character: ctx.lines.lineText(r.start.line).length } },
        data: { problem: 'no-user' as const, ...insertionPoint(ctx, stage), dropTool: drop?.tool ?? null, ...(drop ? { dropIn: drop.in } : {}), ...unknownBaseOf(stage), ...dotnetAppOf(stage) },
        // The entrypoint (or the CMD) steps down to an unprivileged user itself: worth a look, not a warning.
        ...(drop ? { severity: 'info' as const } : {}),
      },
    ];
  }
  const args = user.getArgumentsContent();
  if (args === null) return [];
  const value = args.trim();
  // A variable counts by its ARG default (`ARG UID=0` … `USER $UID`), as a build without --build-arg runs it; unknown otherwise.
  const viaArg = value.includes('$');
  const through = viaArg ? userThroughArgs(ctx, stage, user, value) : { value };
  const effective = through.value;
  // BuildKit reads USER as a shell word: `USER "$USER_ID:$USER_ID"` (qdrant) is unquoted first.
  if (effective === null || !isRootUser(unquote(effective))) return [];
  const fallback = through.fallback !== undefined ? { fallback: through.fallback } : {};
  const argsRange = user.getArgumentsRange()!;
  // An explicit root USER with an entrypoint (or CMD) that steps down by itself: root on purpose, as
  // without USER (the step-down tool needs root: su-exec calls setgroups(), which fails for uid 1000).
  const drop = privilegeDrop(ctx, stage);
  const userLine = user.getRange().start.line;
  // A USER inherited from a builder stage is reported where it is written only if that stage is the final one.
  if (!stage.instructions.includes(user)) {
    const r = stage.from.getRange();
    return [
      {
        range: { start: r.start, end: { line: r.start.line, character: ctx.lines.lineText(r.start.line).length } },
        data: { problem: 'no-user' as const, ...insertionPoint(ctx, stage), dropTool: drop?.tool ?? null, inheritedRoot: value, ...(viaArg ? { viaArg } : {}), ...fallback, ...(drop ? { dropIn: drop.in, userLine: userLine + 1 } : {}), ...dotnetAppOf(stage), ...baseUserOf(stage) },
        ...(drop ? { severity: 'info' as const } : {}),
      },
    ];
  }
  if (drop) {
    return [{ range: user.getRange(), data: { problem: 'root-user' as const, user: value, userRange: argsRange, insert: null, dropTool: drop.tool, dropIn: drop.in, userLine: userLine + 1, ...(viaArg ? { viaArg } : {}), ...fallback }, severity: 'info' as const }];
  }
  // RUNs after the root USER need it (apt-get, writes to /etc): keep it, and step down after the last of them.
  const lastRun = lastRunOf(stage);
  const insert = lastRun && lastRun.getRange().start.line > userLine ? after(ctx, lastRun) : null;
  return [{ range: user.getRange(), data: { problem: 'root-user' as const, user: value, userRange: argsRange, insert, ...(viaArg ? { viaArg } : {}), ...fallback, ...dotnetAppOf(stage), ...baseUserOf(stage) } }];
}

export default defineRule<'dockerfile', Data>({
  code: 'DF010',
  name: 'runs-as-root',
  kind: 'dockerfile',
  severity: 'warning',
  fixable: 'always',
  docs: {
    summary: 'The final image runs as root: no USER, or a USER that is root.',
    what: 'Flags a Dockerfile whose final stage runs as root: it has no `USER` instruction (and does not inherit one from an earlier stage it builds on), or its last `USER` is `root` or uid 0 (`0`, also written `00` or `0000:0`, which runc reads as 0) — also through a variable, judged by its default as a build without `--build-arg` runs it (the values compose services pass in `build.args` are not read here) (`ARG UID=0` … `USER $UID:$GID`: open-webui, qdrant, opa), and by the fallback of `${UID:-0}` or `${UID-0}` (also `${UID:-root}`) when nothing in the Dockerfile gives the variable a value — not declared, or declared by an ARG without a default (here or as a global ARG): such a build expands it to the fallback (the Dockerfile reference, "Environment replacement"; an ENV of that name in the base image is not known, and taken as absent: the message says the container "most likely" runs as root, since such an ENV, as `APP_UID` in Microsoft\'s .NET 8+ images, would be used instead); a variable with no known value and no fallback (`USER $UID` after `ARG UID`) is not judged. Builder stages are not judged: only the final stage becomes the image that runs; nor is a final stage built on `scratch` that nothing says is run: no CMD, ENTRYPOINT, EXPOSE, HEALTHCHECK or USER, and no compose service of the workspace builds it (a service that builds another `target:` does not count) (an artifact exported with `docker build --output`, such as docker/cli\'s `binary` stage). A base image that is unknown (an ARG without default) or known to run as non-root (the images DC011 knows to run as a non-root user — distroless `:nonroot`, Chainguard, Bitnami, grafana, prom/*, mailhog, selenium, keycloak, jenkins/jenkins, SQL Server 2019 and later (`mcr.microsoft.com/mssql/server`, which runs as `mssql`), Microsoft\'s .NET `-chiseled` images and (8.0 on) `-distroless` ones (they end with `USER $APP_UID`) and others listed in DC011\'s docs — and the official images whose own Dockerfiles end with a non-root USER: sonarqube, solr, emqx, groovy, elasticsearch, kibana, logstash, odoo, neo4j, jenkins, couchbase, jetty, open-liberty, websphere-liberty, rocket.chat — also when the tag comes from an ARG default, `FROM solr:${SOLR_VERSION}`) is not flagged for a missing USER. Windows images are not judged at all: a base of Windows Server Core, Nano Server or Windows (`mcr.microsoft.com/windows/…`, .NET Framework images, the HostProcess containers base image `mcr.microsoft.com/oss/kubernetes/windows-host-process-containers-base-image`, the old `microsoft/windowsservercore` and the bare `windowsservercore` of the Dockerfile reference\'s SHELL example, `windowsservercore`/`nanoserver` tags such as `python:3.13-windowsservercore-ltsc2022`), or a stage whose SHELL is Windows PowerShell or cmd, or that writes a drive path (`C:\\`) in a Dockerfile with the Windows escape character (`` # escape=` ``, as on the multi-OS PowerShell image) — Windows has no uids, USER there names an account (ContainerUser, ContainerAdministrator). An image that steps down from root by itself is reported as info, not warning, since it starts as root on purpose: one with an ENTRYPOINT that installs or calls a privilege-dropping tool (gosu, su-exec, setpriv, s6-setuidgid, runuser — the pattern of the official postgres, redis and mysql images) — when the ENTRYPOINT runs a script (directly, through tini, dumb-init or catatonit, or `sh script`) that the stage or a stage it builds on COPYs or ADDs from the build context, and the script can be read there (in each context of the compose services that build the Dockerfile, which must agree, else in the Dockerfile\'s folder or the first folder above it that has the file), the script decides, whatever the Dockerfile installs, with the same judgement as an ENTRYPOINT that calls the tool itself (below): its calls of such a tool are read in the order written, and what the long-running process runs as is decided by the calls run with `exec` (the shell becomes that process: POSIX `exec`; gosu itself execs its command), or, when none is, by the last call; info when one of those switches to a non-root user (a user through a variable, `gosu "$APP_USER"`, `su-exec ${PUID}:${PGID}`, is not known to be root and counts), the warning and its fix when the script calls none, or when those only switch to root or to no user (`exec gosu root "$@"`, `exec su-exec 0:0 "$@"`, `exec gosu 0 "$@"`, `exec runuser -u root -- "$@"`, `setpriv` without `--reuid`, `chroot --userspec=0:0`): the message then claims no step-down. An init step as root before it (`gosu root chown -R app /data` then `exec gosu app "$@"`) does not change the verdict, nor does an init step as another user before an `exec su-exec 0:0 "$@"`; a command that calls no tool is not read as a call (`if [ "$1" = server ]; then exec gosu app "$@"; fi; exec "$@"` steps down). The script is read as shell, so a tool named only in a comment or a quoted string is not a call; a script it sources (`. /usr/local/bin/lib.sh`, `source …`) or runs (`sh other.sh`, `exec /app/start.sh`) that the image also copies from the context is read the same way, its verdict taken as one call at that point (an `exec` in a sourced script replaces the entrypoint\'s shell; one that cannot be read makes the script unreadable unless a call read steps down); and a wrapper that runs the official entrypoint of a data store named below (`exec docker-entrypoint.sh "$@"` on `postgres`) keeps that entrypoint\'s step-down when the container runs the server. A source is looked up inside the build context, `..` cleaned at its root as BuildKit does (`COPY ../x` copies `<context>/x`): nothing outside the context is read. The script is the one the image holds when the build is done: a later COPY or ADD that may write its path (a heredoc, a `COPY --from` another stage, a folder, a variable destination) or a later RUN that may change it (`sed -i`, a `>` redirection, `cp`, `mv`, `curl -o`; `chmod` and `chown` do not count) makes it unreadable. A script that cannot be read (one of the base image, one a RUN writes or changes, a `COPY --from` another stage or a heredoc, a path or source through a variable or glob, a file not in the build context or unreadable, a build context that cannot be known) is taken as stepping down when the Dockerfile installs or names the tool, as the tool is usually installed for it —, or, when there is no ENTRYPOINT, one whose CMD calls such a tool (`CMD gosu app server`); when the ENTRYPOINT (with the words of an exec-form CMD after it) or the CMD calls the tool itself, it counts only if it switches to a non-root user — `gosu root …`, `su-exec 0:0 …`, `["gosu"]` with no user, `setpriv` without `--reuid`, `runuser -u root` keep the warning, and the message names the tool called (a user from a variable is taken as a step-down), or one built on an official data store whose own entrypoint steps down to its service user when it runs the server — postgres (and postgis, timescaledb, pgvector), redis, valkey, mysql, percona, mariadb, mongo, rabbitmq, zookeeper, couchdb, neo4j, cassandra, ClickHouse\'s server image (`clickhouse/clickhouse-server`, whose entrypoint runs `clickhouse su` to its clickhouse user for no command or a `--` flag), the images DC011 lists — keeping that entrypoint and its default command or the server in an exec-form CMD (`FROM rabbitmq:4.1-alpine` + `RUN rabbitmq-plugins enable …`); a shell-form CMD (`CMD redis-server /etc/redis.conf`) runs as `/bin/sh -c "…"` (or the stage\'s SHELL; Dockerfile reference, CMD), so that entrypoint gets `/bin/sh`, does not step down, and the warning stays. A wrapper script that runs that entrypoint with no arguments (no CMD: the Dockerfile\'s ENTRYPOINT resets the base image\'s) keeps the step-down only for cassandra and ClickHouse, whose scripts start the server when given none. This holds whether the final stage has no USER or says `USER root`/`USER 0` explicitly (its own, reported on that line, or inherited from the stage it builds on): n8n\'s `USER root` + `RUN apk add su-exec` + an entrypoint that ends with `exec su-exec node n8n` is the same pattern. A final stage whose FROM names an earlier stage through a variable — `FROM runtime-$TARGETARCH`, the multi-platform pattern — is judged on each stage it could name: the stages whose names its literal parts match with the automatic platform ARG\'s values (architectures such as amd64 and arm64 for TARGETARCH, so not `runtime-rocm`) — also in `runtime-${TARGETARCH:-amd64}`: BuildKit always sets the automatic platform ARGs, so the fallback is never used and does not make it `runtime-amd64` alone —, or the stage a global ARG default names; it is reported only when every one of them runs as root the same way, and the fix is the same USER line in the final stage itself. An ARG without default that is no platform ARG may name any image: not judged.',
    why: 'A process running as root inside the container is root on the host\'s kernel: any escape (a kernel bug, a mounted socket, a writable host path) gives full control of the host. SECURITY-GUIDELINES.md §2: "Run as Non-root User – all services run with uid: 1000"; checklist: "Non-root user in Dockerfile".',
    bad: 'FROM node:24-alpine\nCOPY . /app\nCMD ["node", "/app/server.js"]',
    good: 'FROM node:24-alpine\nCOPY . /app\nUSER 1000\nCMD ["node", "/app/server.js"]',
    fix: 'Not offered when the final stage switches to root over a base image that runs as its own non-root user whose uid is not 1000, or not known to be (SQL Server 2019+\'s `mssql`, uid 10001; grafana\'s 472): `USER 1000` would not own the files the image gave that user (/var/opt/mssql); the message names the user to switch back to after what needs root. Not offered when the root user comes from an ARG default or a `${UID:-0}` fallback (change the default; builds may pass another value), or when the image steps down with gosu/su-exec in its ENTRYPOINT or CMD (it needs root to prepare volumes first, and the tool itself needs root: su-exec run as uid 1000 fails with `setgroups: Operation not permitted`), with no USER or with an explicit root USER. Otherwise "Run as USER 1000" inserts `USER 1000` before the final stage\'s first CMD/ENTRYPOINT, unless a RUN comes after that point (USER applies to the RUN, CMD and ENTRYPOINT instructions that follow it, so those RUNs would lose root: the line then goes right after the stage\'s last RUN; COPY/ADD are not affected by USER); in a stage with neither, after its last instruction. A root `USER` line is replaced with `USER 1000` only when no RUN follows it in the stage; when RUNs follow it they need root (apt-get, writes to /etc), so it stays and `USER 1000` is added after the last RUN. Not offered when the file ends inside its last instruction (a line continuation, even when only comment or blank lines follow it, or a heredoc without its closing line): the appended line would become part of it. A numeric uid needs no user entry in /etc/passwd. On a base of Microsoft\'s .NET 8+ Linux images (`mcr.microsoft.com/dotnet/aspnet`, `runtime`, `runtime-deps`, `sdk`, also from `dotnet/nightly/`: a tag of 8.0 or later, `latest` or none), which run as root but define the non-root user `app` with its uid in `ENV APP_UID=1654`, the fix is "Run as USER $APP_UID" instead, the line Microsoft\'s .NET 8 container images announcement gives (the build expands it from the base image\'s ENV to 1654, a numeric uid, which Kubernetes\' `runAsNonRoot` needs; `USER 1000` would be a uid with no user, group or home there), and the message says so. Not offered when the final stage declares `ONBUILD RUN` triggers: they run in the build of an image FROM this one, as this image\'s USER, where an `apt-get install` would fail as uid 1000. No build step of this Dockerfile loses root, but the fix is a quick fix only, never applied by fix-all or `check --fix`: whether the process can run as uid 1000 depends on what it does at run time, which the Dockerfile does not show — binding a port below 1024, writing to paths root created (a WORKDIR, a VOLUME, /var/cache/nginx), an entrypoint script that steps down with su-exec or chowns a volume, a user the image created with another uid. In a review of 58 application Dockerfiles, 5 of the 28 insertions stopped the container from starting (n8n, pixelfed, saleor, PostHog, meilisearch). Check those, or use the image\'s own user: when the final stage (or a stage it builds on) creates one with `useradd`/`adduser` (the last one written, named plainly), "Run as USER <name>" is offered too, the same edit with that name — `useradd -r` gives a system uid below 1000, so `USER 1000` would not be that user (saleor, PostHog). Also a quick fix only.',
    guideline: '§2 Container Runtime Security — "Run as Non-root User"; Security Checklist — "Non-root user in Dockerfile"',
    equivalents: ['hadolint DL3002 (last USER should not be root)', 'Trivy DS-0002 (image user should not be root)', 'Checkov CKV_DOCKER_3 / CKV_DOCKER_8', 'KICS "Last User Is \'root\'" (67fd0c4a-68cf-46d7-8c41-bc9fba7e40ae: a stage whose last USER is root) and "Missing User Instruction" (no USER at all)'],
    references: ['https://docs.docker.com/reference/dockerfile/#user', 'https://docs.docker.com/reference/dockerfile/#cmd', 'https://docs.docker.com/build/building/best-practices/#user', 'https://learn.microsoft.com/dotnet/core/compatibility/containers/8.0/app-user', 'https://github.com/dotnet/dotnet-docker/discussions/4995', 'https://github.com/tianon/gosu#readme', 'https://github.com/docker-library/cassandra/blob/master/docker-entrypoint.sh', 'https://github.com/ClickHouse/ClickHouse/blob/master/docker/server/entrypoint.sh', 'https://man7.org/linux/man-pages/man1/exec.1p.html', 'https://github.com/microsoft/mssql-docker/issues/549', 'https://docs.docker.com/reference/dockerfile/#automatic-platform-args-in-the-global-scope', 'https://docs.docker.com/build/building/multi-platform/'],
  },
  check(ctx) {
    const stage = ctx.finalStage;
    if (!stage || (stage.base.kind === 'scratch' && stage.instructions.length === 0)) return [];
    // `FROM runtime-$TARGETARCH`: judged on each stage it could name, reported when every one runs as root the same way (review 48b, item 2).
    return everyVariantGives(ctx, stage, (s) => judgeFinal(ctx, s));
  },
  message(d) {
    // `USER ${UID:-0}` with nothing giving UID a value: its fallback is what a build without --build-arg uses.
    // The base image's ENV is not known: it is the one thing that could still give the variable a value.
    const byArg = d.fallback !== undefined ? ` (root unless ${d.fallback} has a value, which nothing in the Dockerfile gives it; only an ENV of the base image could)` : d.viaArg ? ', which its ARG or ENV value makes root' : '';
    const runs = d.fallback !== undefined ? 'most likely runs' : 'runs';
    const remedy = d.fallback !== undefined ? 'make the fallback a non-root uid (1000)' : 'give the variable a non-root uid (1000)';
    // Microsoft's .NET 8+ images define the user `app` (ENV APP_UID=1654); uid 1000 is no user there.
    const addUser = d.dotnetApp ? "add USER $APP_UID (the non-root user 'app' that .NET 8+ images define)" : 'add a non-root USER (uid 1000)';
    if (d.dropTool && (d.problem === 'root-user' || d.inheritedRoot)) {
      const set = d.problem === 'root-user' ? `switches to USER ${d.user}${byArg} on line ${d.userLine}` : `inherits USER ${d.inheritedRoot}${byArg} (line ${d.userLine}) from the stage it builds on`;
      const steps = d.dropIn === 'CMD' ? `its CMD steps down with ${d.dropTool}` : `it relies on its entrypoint to step down with ${d.dropTool}`;
      return `The final stage ${set}, so the container starts as root, and ${steps}; check that the long-running process does, or set a non-root USER.`;
    }
    if (d.problem === 'no-user' && d.dropTool) {
      return d.dropIn === 'CMD'
        ? `The final stage has no USER: the container starts as root and its CMD steps down with ${d.dropTool}; check that the long-running process does, or set a non-root USER.`
        : `The final stage has no USER: the container starts as root and relies on its entrypoint to step down with ${d.dropTool}; check that the long-running process does, or set a non-root USER.`;
    }
    // The base image runs as its own user, not uid 1000: that user is the one to go back to (review 47b, item 4).
    const back = d.baseUser && !d.dotnetApp && !d.viaArg ? `switch back to the base image's own non-root user ${d.baseUser} (USER ${d.baseUser}) after what needs root` : undefined;
    if (d.problem === 'no-user' && d.inheritedRoot && back) return `The final stage has no USER of its own and inherits USER ${d.inheritedRoot}${byArg} from the stage it builds on, so the container ${runs} as root; ${back}.`;
    if (d.problem === 'root-user' && back) return `The final stage switches to USER ${d.user}${byArg}, so the container ${runs} as root; ${back}.`;
    if (d.problem === 'no-user' && d.inheritedRoot) return `The final stage has no USER of its own and inherits USER ${d.inheritedRoot}${byArg} from the stage it builds on, so the container ${runs} as root; ${d.viaArg ? remedy : addUser}.`;
    // An image the catalogue does not know may set its own USER (review 27, probe df-01): say what is known.
    if (d.problem === 'no-user' && d.unknownBase) return `The final stage has no USER and its base image '${d.unknownBase}' is not known to set a non-root one, so the container most likely runs as root; add a non-root USER (uid 1000), or check the base image's user.`;
    return d.problem === 'no-user'
      ? `The final stage has no USER, so the container runs as root; ${addUser}.`
      : `The final stage switches to USER ${d.user}${byArg}, so the container ${runs} as root; ${d.viaArg ? remedy : d.dotnetApp ? "use USER $APP_UID (the non-root user 'app' that .NET 8+ images define)" : 'use a non-root user (uid 1000)'}.`;
  },
  fix(ctx, { data }) {
    if (data.baseUser && !data.dotnetApp) return undefined; // uid 1000 would not own the base image's files
    return runAsFix(ctx, data, fixUser(data));
  },
  moreFixes(ctx, { data }) {
    // The image's own user, when the Dockerfile creates one (`useradd -r app` gets a system uid, not 1000).
    const stage = ctx.finalStage;
    const name = stage ? createdUser(ctx, stage) : null;
    const fix = name ? runAsFix(ctx, data, name) : undefined;
    return fix ? [fix] : [];
  },
});
