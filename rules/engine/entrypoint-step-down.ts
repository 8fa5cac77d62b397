/**
 * How a Dockerfile's image steps down from root by itself: an ENTRYPOINT or CMD that calls a privilege-dropping tool
 * (gosu, su-exec…), an entrypoint script copied from the build context that calls one (read as shell), or a base image
 * whose own entrypoint steps down (image-users.ts, STEP_DOWN_IMAGES). DF010 judges a Dockerfile's final stage with it,
 * DC011 the stage a compose service builds: one reading for both.
 */
import type { Instruction, JSONInstruction } from 'dockerfile-ast';
import type { DockerfileContext, Stage } from './dockerfile';
import { argWords, flagNamed } from './df-instructions';
import { containerCommand, propertiesOf, rootBase, stageChain } from './stage-scope';
import { isRootUser, namesImageEntrypoint, stepDown, type StepDown } from './image-users';
import { invocation, shellProgramSource } from './run-commands';
import { builtinWords } from './script-structure';
import { argumentsOf, identityOffsets, outputRedirectTarget, parseShell, programName, type SimpleCommand } from './shell';
import { contextCandidates, contextRelative, type Contexts } from './build-context';
import { dockerignoreFor, globRegExp, isExcluded, matchEntry, MAX_CONTEXT_ENTRIES, mayReincludeBelow, parseDockerignore, type DockerignorePattern, type EntryMatch } from './dockerignore';
import { isArchiveHead } from './archive-head';
import * as path from 'node:path';

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

/** The value of the first of `names` among the words (`--reuid app`, `--reuid=app`), or null. */
function optionValue(rest: readonly string[], names: readonly string[]): string | null {
  for (let j = 0; j < rest.length; j++) {
    for (const n of names) {
      if (rest[j] === n) return rest[j + 1] ?? null;
      if (n.startsWith('--') && rest[j].startsWith(`${n}=`)) return rest[j].slice(n.length + 1);
    }
  }
  return null;
}

function dropTarget(words: readonly string[]): { tool: string; user: string | null } | undefined {
  for (let k = 0; k < words.length; k++) {
    const tool = baseNameOf(words[k]);
    // Only the tools below are read: the words after another program are not looked at (no copy of them per word).
    if (!DROP_PROGRAMS.has(tool) && tool !== 'chroot') continue;
    const rest = words.slice(k + 1);
    const valueOf = (names: readonly string[]) => optionValue(rest, names);
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
function directStepDown(ctx: DockerfileContext, ins: Instruction, extra: Command, where: 'ENTRYPOINT' | 'CMD'): { tool: string; in: 'ENTRYPOINT' | 'CMD' } | null | undefined {
  const words = argWords(ctx, ins).filter((w) => !w.heredoc).map((w) => w.value);
  if (extra !== undefined && isExecForm(ins)) {
    if (isWords(extra)) words.push(...extra);
    else if (isExecForm(extra)) words.push(...argWords(ctx, extra).map((w) => w.value));
  }
  const call = directDrop(words);
  if (!call) return undefined;
  return call.down ? { tool: call.tool, in: where } : null;
}

/**
 * What in a stage chain may change the base image's own step-down entrypoint script (imageEntrypointChanged), for the messages
 * of DF010 and DC011: the script as named (`docker-entrypoint.sh`, `/entrypoint.sh`), the COPY, ADD or RUN that may write or
 * change it (its keyword and 1-based line), and, when that write lands in a folder an `ENV PATH` of the chain puts on the PATH
 * (or one that cannot be placed), the 1-based line of that ENV.
 */
export interface EntrypointChange {
  script: string;
  keyword: string;
  line: number;
  pathLine?: number;
}

/**
 * What an EntrypointChange is, in words, for a message: `the RUN on line 5 may change the base image's entrypoint script
 * docker-entrypoint.sh`, `the COPY on line 7 may write over …`, or, through an `ENV PATH`, `the COPY on line 7 may put a
 * docker-entrypoint.sh of its own in a folder that the ENV PATH on line 6 puts on the PATH, where the base image's entrypoint is
 * looked up`. From the data only.
 */
export function describeEntrypointChange(c: EntrypointChange): string {
  if (c.pathLine !== undefined) return `the ${c.keyword} on line ${c.line} may put a ${path.posix.basename(c.script)} of its own in a folder that the ENV PATH on line ${c.pathLine} puts on the PATH, where the base image's entrypoint script ${c.script} is looked up`;
  return c.keyword === 'RUN' ? `the RUN on line ${c.line} may change the base image's entrypoint script ${c.script}` : `the ${c.keyword} on line ${c.line} may write over the base image's entrypoint script ${c.script}`;
}

/**
 * What is known of the user of the long-running process: it steps down to a non-root user with `tool`; it does not (`changed`:
 * because the Dockerfile may change the base image's own entrypoint script, which would otherwise step down); undefined when
 * not known.
 */
export type StepDownReading = { down: true; tool: string } | { down: false; changed?: EntrypointChange } | undefined;

const NO_STEP_DOWN: StepDownReading = { down: false };

/** Whether a CMD or ENTRYPOINT is written in exec form (`["gosu", "app"]`). */
function isExecForm(ins: Instruction): boolean {
  return typeof (ins as JSONInstruction).getJSONStrings === 'function' && (ins as JSONInstruction).getJSONStrings().length > 0;
}

/**
 * The command an ENTRYPOINT is given: the CMD that applies (lastEntrypointAndCmd), or the words of a compose service's
 * `command:`, which replaces the image's CMD while its ENTRYPOINT stays (Compose file reference, services, `command`: "overrides the
 * default command declared by the container image, for example by Dockerfile's CMD"), given to an exec-form ENTRYPOINT as its
 * arguments; undefined: none.
 */
type Command = Instruction | readonly string[] | undefined;

function isWords(command: Command): command is readonly string[] {
  return Array.isArray(command);
}

/** The words a Command gives the ENTRYPOINT (a shell-form CMD is `/bin/sh -c '…'`: containerCommand); null when not known. */
function commandWordsOf(ctx: DockerfileContext, chain: readonly Stage[], command: Command): string[] | null {
  if (command === undefined) return [];
  return isWords(command) ? [...command] : commandIn(ctx, chain, command);
}

/**
 * The ENTRYPOINT and the CMD the image of a stage chain ends with, written in the chain (the stage's own, else those it inherits
 * from the stages it builds on), read as BuildKit builds them: an ENTRYPOINT resets the CMD the stage inherits — from its base
 * image or from the stage it builds on — unless a CMD of its own stage comes before it (Dockerfile reference, "Understand how CMD
 * and ENTRYPOINT interact": "If CMD is defined from the base image, setting ENTRYPOINT will reset CMD to an empty value. In this
 * scenario, CMD must be defined in the current image to have a value."; BuildKit's dispatchEntrypoint clears it when the stage
 * has set no CMD). So with an ENTRYPOINT, `cmd` undefined is an empty CMD, the base image's too; without one, the base image's
 * own CMD (and ENTRYPOINT) may still apply.
 */
function lastEntrypointAndCmd(chain: readonly Stage[]): { entrypoint: Instruction | undefined; cmd: Instruction | undefined } {
  let entrypoint: Instruction | undefined;
  let cmd: Instruction | undefined;
  for (let k = chain.length - 1; k >= 0; k--) {
    let cmdSet = false;
    for (const ins of chain[k].instructions) {
      const kw = ins.getKeyword();
      if (kw === 'CMD') {
        cmd = ins;
        cmdSet = true;
      } else if (kw === 'ENTRYPOINT') {
        entrypoint = ins;
        if (!cmdSet) cmd = undefined;
      }
    }
  }
  return { entrypoint, cmd };
}

/**
 * What an ENTRYPOINT of the Dockerfile is known to do about the user, from what can be read with certainty: an ENTRYPOINT
 * that calls a privilege-dropping tool itself (an exec-form CMD may give its arguments), the entrypoint script copied from
 * the build context (entrypointScriptDrop), or the base image's own entrypoint named again (baseEntrypointKept). The tool
 * when the long-running process steps down to a non-root user, null when it does not, undefined when none of those can say.
 */
function entrypointReading(ctx: DockerfileContext, stage: Stage, chain: readonly Stage[], entrypoint: Instruction, cmd: Command): StepDownReading {
  const direct = directStepDown(ctx, entrypoint, cmd, 'ENTRYPOINT');
  if (direct !== undefined) return direct ? { down: true, tool: direct.tool } : NO_STEP_DOWN;
  // An entrypoint script COPY'd from the build context that can be read says whether it calls the tool (review item 4).
  // Only a script whose long-running process runs as a non-root user counts (`exec gosu root "$@"` does not).
  const script = entrypointScriptDrop(ctx, stage, chain, entrypoint, cmd);
  if (script !== undefined) return script?.down ? { down: true, tool: script.tool } : script?.changed ? { down: false, changed: script.changed } : NO_STEP_DOWN;
  return baseEntrypointKept(ctx, stage, chain, entrypoint, cmd);
}

/**
 * With an ENTRYPOINT in the chain: whether the long-running process is known to step down to a non-root user by what the
 * Dockerfile's ENTRYPOINT itself, its entrypoint script read from the build context or the base image's own entrypoint named
 * again does (entrypointReading): true, false, or undefined when the chain has no ENTRYPOINT or none of those can say (a
 * script that cannot be read). Not the guess privilegeDrop makes from a tool the Dockerfile installs. DC011 reads the
 * Dockerfile a compose service builds with it (stepdown3, item 3), with the service's `command:` as `command` when it writes one:
 * it replaces the CMD, and the Dockerfile's ENTRYPOINT gets it (entry2, item 3).
 */
export function entrypointStepsDown(ctx: DockerfileContext, stage: Stage, command?: readonly string[]): StepDownReading {
  const chain = stageChain(stage);
  const { entrypoint, cmd } = lastEntrypointAndCmd(chain);
  if (!entrypoint) return undefined;
  return entrypointReading(ctx, stage, chain, entrypoint, command ?? cmd);
}

/**
 * An exec-form ENTRYPOINT that names the base image's own entrypoint again, as its official Dockerfile does
 * (`ENTRYPOINT ["docker-entrypoint.sh"]` on redis or postgres, namesImageEntrypoint), when nothing in the Dockerfile writes
 * or changes that script: it is the base image's, and steps down as it does when the container runs the server — its
 * further words, then the CMD that applies (lastEntrypointAndCmd: the ENTRYPOINT resets the CMD the stage that writes it
 * inherits, from the base image or the stages before it), must be the server, or, with no arguments at all, the script must start it by itself (cassandra, ClickHouse:
 * StepDown.serverWithoutArgs). The tool, null when it does not step down, undefined when the ENTRYPOINT is not that
 * script or what the container runs is not known (stepdown3, item 1).
 */
function baseEntrypointKept(ctx: DockerfileContext, stage: Stage, chain: readonly Stage[], entrypoint: Instruction, cmd: Command): StepDownReading {
  const base = rootBase(stage);
  const step = base.kind === 'image' ? stepDown(base.ref) : undefined;
  if (base.kind !== 'image' || !step?.entrypoint) return undefined;
  // A shell-form ENTRYPOINT (`ENTRYPOINT docker-entrypoint.sh redis-server`) runs as `/bin/sh -c "…"`: the shell runs the script
  // with the arguments written there, and the script still steps down (PID 1 is the shell, which DF040 is about); the CMD is
  // not given to it (shellFormCommand). Read only when its string is one plain command.
  const shell = shellFormCommand(ctx, chain, entrypoint, cmd);
  if (shell === null) return undefined;
  const words = shell ?? argWords(ctx, entrypoint).map((w) => w.value);
  // The CMD that applies (lastEntrypointAndCmd: none when the ENTRYPOINT reset the one inherited); none for a shell form.
  const cmdWords = shell ? [] : commandWordsOf(ctx, chain, cmd);
  // A known init in front (`["tini", "--", "docker-entrypoint.sh"]`, `dumb-init --`) starts the program after its own options
  // with the words that follow (initProgram; review51, finding 4); the program may be the CMD's first word (`["tini", "--"]`).
  const all = [...words, ...(cmdWords ?? [])];
  const init = initProgram(all);
  if (init === null) return undefined;
  const at = init?.index ?? 0;
  if (at >= (cmdWords === null ? words.length : all.length) || !namesImageEntrypoint(all[at], step)) return undefined;
  // A COPY, ADD or RUN that may write the script's path (or, for a bare name, a folder of the PATH): not the base image's, and
  // what it does is not known — reported as root (review 50a, finding 2), not guessed from a tool the Dockerfile names.
  const changed = imageEntrypointChanged(ctx, chain, all[at]);
  if (changed) return { down: false, changed };
  if (cmdWords === null) return undefined;
  // Not known (a variable in the server's place): not read as "does not step down" (review53b, finding 2).
  const server = entrypointRunsServer(all.slice(at + 1), step);
  return server !== false ? { down: true, tool: step.tool ?? (/alpine/.test(base.ref.tag ?? '') ? 'su-exec' : 'gosu') } : NO_STEP_DOWN;
}

/**
 * Whether an image's own step-down entrypoint script (StepDown.entrypoint), run with `args`, ends with the server running as the
 * image's user: `args` are the server (StepDown.server; none: only a script that starts it with none, serverWithoutArgs), or
 * another command, which the script runs as it is, as root (`exec "$@"`), that runs that script again with the server — through a
 * known init (initProgram) or a `sh -c` string (shellStringCommand): `["sh", "-c", "exec docker-entrypoint.sh postgres"]`,
 * `["docker-entrypoint.sh", "postgres"]` —, which then steps down. DF010 and DC011 read the command given to that script with it
 * (review52, F4). Undefined when not known: a variable in the server's place (`sh -c "exec docker-entrypoint.sh $SERVER"`), or a
 * `sh -c` string that runs the script again but is not read (imageEntrypointRerun) — never read as "does not step down", and
 * never said to bypass the entrypoint it runs (review53b, finding 2).
 */
export function entrypointRunsServer(args: readonly string[], step: StepDown, depth = 0): boolean | undefined {
  if (args.length === 0) return !!step.serverWithoutArgs;
  // A shell string's words keep a parameter expansion as written (oneCommandWords): in the server's place, what runs is not known.
  if (args[0].includes('$')) return undefined;
  if (step.server([...args])) return true;
  if (depth >= MAX_SCRIPT_DEPTH) return false;
  const again = imageEntrypointRerun(args, step);
  return again === null ? undefined : again !== undefined && entrypointRunsServer(again, step, depth + 1);
}

/**
 * The arguments with which a command runs an image's own entrypoint script again (`["docker-entrypoint.sh", "bash"]`, through a known
 * init, or the one command — or the last of a list — of a `sh -c` string: `["sh", "-c", "chmod 600 /k && exec docker-entrypoint.sh
 * postgres"]`, shellStringCommand); undefined when it does not run it; null when it is a `sh -c` string that is not read but one of
 * whose commands runs that script (`A || exec docker-entrypoint.sh postgres`): what runs is not known, and the entrypoint is not
 * bypassed. DC011 tells such a command from one that bypasses the entrypoint with it (review53b, finding 2).
 */
export function imageEntrypointRerun(args: readonly string[], step: StepDown): string[] | null | undefined {
  const shell = shellStringCommand(args, () => []);
  if (shell === null) return shellRunsImageEntrypoint(args, step) ? null : undefined;
  const words = shell ?? args;
  const init = initProgram(words);
  if (init === null) return undefined;
  const at = init?.index ?? 0;
  return at < words.length && namesImageEntrypoint(words[at], step) ? words.slice(at + 1) : undefined;
}

/** Whether words that start a POSIX shell with a `-c` string run the image's own entrypoint script in one of its commands (read or not). */
export function shellRunsImageEntrypoint(words: readonly string[], step: StepDown): boolean {
  if (words.length === 0 || !SCRIPT_SHELLS.has(baseNameOf(words[0]))) return false;
  const source = shellProgramSource(words.slice(1));
  if (source.from !== 'string' || source.index === undefined) return false;
  const text = words[1 + source.index];
  return parseShell({ text, offsets: identityOffsets(text.length) }).some((c) => {
    const inv = invocation(c);
    return inv !== null && namesImageEntrypoint(c.words[inv.index].value, step);
  });
}

/**
 * What in the chain may change what the base image's own entrypoint script runs (`written` as an ENTRYPOINT names it: a bare
 * name, found through the PATH, or its absolute path): a COPY or ADD whose destination is or may hold that path (`COPY --from`,
 * a folder, a variable), a RUN that may write it (`sed -i`, `cp`, `mv`, `install`, `ln -sf`, `tee`, a redirection: runTouches),
 * or, for a bare name, such a write of that name into a folder of the PATH — the default folders or one an `ENV PATH` of the
 * chain adds (the exec form's executable is looked up in the container's PATH, which ENV sets; Dockerfile reference,
 * ENTRYPOINT and ENV). A folder of an `ENV PATH` that cannot be placed (`$APP_HOME/bin`, a relative one) may be where any
 * write lands: changed, unless the chain writes only single files of other names (review 50a, finding 2).
 */
function imageEntrypointChanged(ctx: DockerfileContext, chain: readonly Stage[], written: string): EntrypointChange | undefined {
  const writes = imageWrites(ctx, chain);
  const bare = !written.includes('/');
  const name = path.posix.basename(written);
  const at = bare ? `/usr/local/bin/${written}` : path.posix.normalize(written);
  const folders = bare ? pathFolders(chain) : null;
  // The paths asked of a folder's or glob's entries (writesAt): all of them when a folder of the PATH cannot be placed.
  const paths = !bare ? [at] : folders!.unknownLine !== undefined ? undefined : [...[...PATH_DIRS].map((d) => `${d}/${name}`), ...folders!.dirs.map((d) => path.posix.join(d.dir, name))];
  for (const step of writes.steps) {
    const change = { script: written, keyword: step.ins.getKeyword(), line: step.ins.getRange().start.line + 1 };
    if (step.kind === 'run') {
      if (runTouches(ctx, step.ins, at)) return change;
      continue;
    }
    for (const write of writesAt(step.write, paths)) {
      if (!bare) {
        if (writeHits(write, at, name)) return change;
        continue;
      }
      if (writeHits(write, undefined, name)) return change;
      if (folders!.unknownLine !== undefined && (write.tree || path.posix.basename(write.target) === name)) return { ...change, pathLine: folders!.unknownLine };
      const folder = folders!.dirs.find((d) => writeHits(write, path.posix.join(d.dir, name), name));
      if (folder) return { ...change, pathLine: folder.line };
    }
  }
  return undefined;
}

/**
 * What in the stage's chain may change the base image's own step-down entrypoint script (StepDown.entrypoint): a COPY, ADD or
 * RUN that may change what it runs (imageEntrypointChanged); undefined when none does, or the base image names no such script.
 * The one check for every reader that trusts the base image's step-down without an ENTRYPOINT of the Dockerfile: privilegeDrop
 * (DF010) and DC011 over a service that builds the Dockerfile (stepdown5, item 1); what it returns is what their messages name
 * (entry2, item 4).
 */
export function baseEntrypointChange(ctx: DockerfileContext, stage: Stage): EntrypointChange | undefined {
  const base = rootBase(stage);
  const step = base.kind === 'image' ? stepDown(base.ref) : undefined;
  return step?.entrypoint === undefined ? undefined : imageEntrypointChanged(ctx, stageChain(stage), step.entrypoint);
}

/**
 * The folders the chain's `ENV PATH` instructions add to the PATH (`$PATH` itself left out), each with the 1-based line of its
 * ENV, and the line of the first one that adds a folder that cannot be placed.
 */
function pathFolders(chain: readonly Stage[]): { dirs: { dir: string; line: number }[]; unknownLine: number | undefined } {
  const dirs: { dir: string; line: number }[] = [];
  let unknownLine: number | undefined;
  for (const s of [...chain].reverse()) {
    for (const ins of s.instructions) {
      if (ins.getKeyword() !== 'ENV') continue;
      const line = ins.getRange().start.line + 1;
      for (const p of propertiesOf(ins)) {
        if (p.getName() !== 'PATH') continue;
        const value = p.getValue();
        if (value === null) continue;
        for (const part of value.split(':')) {
          if (part === '$PATH' || part === '${PATH}') continue;
          if (part.includes('$') || !part.startsWith('/')) unknownLine ??= line;
          else dirs.push({ dir: path.posix.normalize(part).replace(/(.)\/+$/, '$1'), line });
        }
      }
    }
  }
  return { dirs, unknownLine };
}

/** How the image steps down from root by itself: the tool, and whether the ENTRYPOINT or the CMD calls it (privilegeDrop). */
export interface PrivilegeDrop {
  tool: string;
  in: 'ENTRYPOINT' | 'CMD';
}

/**
 * How the image steps down from root by itself: with an ENTRYPOINT, a call of a privilege-dropping tool to a
 * non-root user in it or in the entrypoint script read from the build context, else (the script cannot be read)
 * a tool the Dockerfile installs or names; without one, the CMD (then what
 * runs) calling such a tool, or a base image whose own entrypoint steps down when it runs its server
 * (the official data stores). The stage's own ENTRYPOINT/CMD count, and those it inherits from the stages it builds on.
 */
export function privilegeDrop(ctx: DockerfileContext, stage: Stage): PrivilegeDrop | { changed: EntrypointChange } | null {
  const chain = stageChain(stage);
  const { entrypoint, cmd } = lastEntrypointAndCmd(chain);
  if (entrypoint) {
    const read = entrypointReading(ctx, stage, chain, entrypoint, cmd);
    if (read !== undefined) return read.down ? { tool: read.tool, in: 'ENTRYPOINT' } : read.changed ? { changed: read.changed } : null;
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
    if (words !== null && (words.length === 0 || entrypointRunsServer(words, step) !== false)) {
      // Not when the Dockerfile may change the script that entrypoint runs (baseEntrypointChange): reported as root, with what changes it.
      const changed = baseEntrypointChange(ctx, stage);
      return changed ? { changed } : { tool: step.tool ?? (/alpine/.test(base.ref.tag ?? '') ? 'su-exec' : 'gosu'), in: 'ENTRYPOINT' };
    }
  }
  return null;
}

/** The command a CMD or ENTRYPOINT of the chain gives the container (containerCommand, read in the stage that holds it). */
function commandIn(ctx: DockerfileContext, chain: readonly Stage[], ins: Instruction): string[] | null {
  const owner = chain.find((s) => s.instructions.includes(ins));
  return owner ? containerCommand(ctx, owner, ins) : null;
}

/**
 * The command a shell-form ENTRYPOINT runs (`ENTRYPOINT docker-entrypoint.sh redis-server`, `ENTRYPOINT exec /entrypoint.sh`):
 * the words of its string, an `exec` before them left out, when the stage's shell is a POSIX one started with `-c` (the default
 * `/bin/sh -c`, or a SHELL such as `["/bin/bash", "-c"]`) and the string is one plain command — no operator, redirection,
 * assignment, variable or substitution; null when it is not. The shell form gets none of the CMD's words nor `docker run`'s
 * arguments (Dockerfile reference, ENTRYPOINT: "The shell form of ENTRYPOINT prevents any CMD command line arguments from being
 * used"): what it runs is what the string says.
 * An exec-form ENTRYPOINT that starts a POSIX shell with `-c` (`["/bin/sh", "-c", "docker-entrypoint.sh redis-server"]`) is what
 * the shell form runs, and is read the same way (review51, finding 6), except that it is given words: those after its string, then
 * the CMD's, of which the first is `$0` and the others the positional parameters (POSIX sh: `sh -c command_string [command_name
 * [argument…]]`). A word `"$@"` of the string (`exec docker-entrypoint.sh "$@"`, with `"--"` as `$0`) stands for those parameters
 * — none for the shell form —; any other variable or substitution is not read. Undefined for an exec-form ENTRYPOINT that does not
 * start a shell with a `-c` string; when it does, null also when the CMD's words are needed and not known.
 */
function shellFormCommand(ctx: DockerfileContext, chain: readonly Stage[], entrypoint: Instruction, cmd: Command): string[] | null | undefined {
  if ((entrypoint as JSONInstruction).getJSONStrings?.().length) return shellStringCommand(argWords(ctx, entrypoint).map((w) => w.value), () => commandWordsOf(ctx, chain, cmd));
  const run = commandIn(ctx, chain, entrypoint);
  if (run === null || run.length < 2) return null;
  const shell = run.slice(0, -1);
  const source = shellProgramSource(shell.slice(1));
  if (!SCRIPT_SHELLS.has(baseNameOf(shell[0])) || source.from !== 'string' || source.index !== undefined) return null;
  return oneCommandWords(run[run.length - 1], () => []);
}

/**
 * The command that exec-form words starting a POSIX shell with a `-c` string run (`["/bin/sh", "-c", "exec docker-entrypoint.sh
 * \"$@\"", "--"]`, an ENTRYPOINT or a compose `entrypoint:`/`command:`), as shellFormCommand reads them: the words of the
 * string's one plain command, `"$@"` standing for the words after the string, then `more` (the command the words are given: a
 * CMD, a compose `command:`), less the first, which is `$0`. Undefined when the words do not start a shell with a `-c` string;
 * null when its command is not read, or `more` is needed and not known (null). The one reading of such a wrapper for DF010
 * and DC011 (review52, F4).
 */
export function shellStringCommand(words: readonly string[], more: () => readonly string[] | null): string[] | null | undefined {
  if (words.length === 0 || !SCRIPT_SHELLS.has(baseNameOf(words[0]))) return undefined;
  const source = shellProgramSource(words.slice(1));
  if (source.from !== 'string') return undefined;
  if (source.index === undefined) return null;
  const after = words.slice(2 + source.index);
  return oneCommandWords(words[1 + source.index], () => {
    const given = more();
    return given === null ? null : [...after, ...given].slice(1);
  });
}

/**
 * The words of a shell string's command (shellFormCommand), `"$@"` read as `positional` gives it; null when not read. The string is one
 * plain command, or a list whose last command is it and whose others run before it, in the foreground, joined by `&&`, `;` or a newline
 * (`chmod 600 /certs/server.key && exec docker-entrypoint.sh postgres`: a setup step; with `&&`, the shell exits when it fails) — not
 * `||`, `|` or `&`, a compound command, an `exec`, `eval` or `.` before it (which may replace the shell) or anything naming PATH (which
 * may change the program found). A word after the program may expand a parameter (`--requirepass $REDIS_PASSWORD`,
 * `max_connections=${PG_MAX:-200}`): it cannot change the program, and is kept as written, its `$` included, so that a reader of the
 * server's place sees it is not known (entrypointRunsServer); not a command substitution (review53b, finding 2).
 */
function oneCommandWords(text: string, positional: () => string[] | null): string[] | null {
  if (/`|\$\(/.test(text)) return null;
  const commands = parseShell({ text, offsets: identityOffsets(text.length) });
  if (commands.length === 0) return null;
  const c = commands[commands.length - 1];
  if (c.next !== null && c.next !== '\n') return null;
  if (!commands.slice(0, -1).every(runsBefore)) return null;
  const inv = invocation(c);
  // Wrappers: `exec`, after the `command` words the utility is named through (`command exec docker-entrypoint.sh "$@"`:
  // builtinWords, shellUtility; POSIX command: "the same as omitting command"), not bash's `builtin` (dash and BusyBox
  // ash fail it with status 127).
  const through = inv ? builtinWords(c) : undefined;
  const utility = !through || through.viaBuiltin || through.describes ? -1 : c.words.indexOf(through.words[0]);
  if (!inv || utility < 0 || inv.assignments.length > 0 || !inv.wrappers.every((k) => (k < utility ? c.words[k].value === 'command' : baseNameOf(c.words[k].value) === 'exec'))) return null;
  // Every word after the program is an argument: no redirection, no option of a wrapper (`exec -a name`).
  if (inv.args.length !== c.words.length - inv.index - 1 || inv.index !== inv.wrappers.length) return null;
  // A command before it that names its program may change that file (`sed -i … docker-entrypoint.sh`); only its mode or owner
  // (`chmod +x`) leaves what it runs as it is.
  const name = baseNameOf(c.words[inv.index].value);
  if (commands.slice(0, -1).some((b) => b.words.some((w) => w.value.includes(name)) && (!MODE_ONLY.has(programName(b)) || b.words.some((w) => w.raw.includes('>'))))) return null;
  const out: string[] = [];
  for (const [k, w] of c.words.slice(inv.index).entries()) {
    if (!w.raw.includes('$')) out.push(w.value);
    // `"$@"` as a word of its own, not the program; `x"$@"` or `"$@"x` is not read.
    else if (w.raw === '"$@"' && k > 0) {
      const params = positional();
      if (params === null) return null;
      out.push(...params);
    } else if (k === 0 || /\$[@*]|\$\{[@*#]/.test(w.raw)) return null;
    else out.push(w.raw);
  }
  return out;
}

/** Separators after which the next command runs once this one has ended (oneCommandWords). */
const SEQUENCE = new Set<string | null>(['&&', ';', '\n']);
/** Programs that change only a file's mode or owner (oneCommandWords). */
const MODE_ONLY = new Set(['chmod', 'chown', 'chgrp']);
/** Programs that may replace the shell or change what a later command runs (oneCommandWords). */
const REPLACES_SHELL = new Set(['exec', 'eval', '.', 'source', 'alias']);

/** A command of a shell string's list that runs, in the foreground, before its last one, which it cannot change (oneCommandWords). */
function runsBefore(c: SimpleCommand): boolean {
  if (!SEQUENCE.has(c.next) || (c.prev !== null && !SEQUENCE.has(c.prev)) || c.programIndex < 0) return false;
  // Only assignments before the program: no reserved word (`if`, `{`, `while`…) of a compound command.
  if (c.words.slice(0, c.programIndex).some((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w.raw))) return false;
  const inv = invocation(c);
  return inv !== null && ![...inv.wrappers, inv.index].some((k) => REPLACES_SHELL.has(baseNameOf(c.words[k].value))) && !c.words.some((w) => w.raw.includes('PATH'));
}

/**
 * The options of the inits that start the program they are given (`tini -- /entrypoint.sh`), as each documents them: the
 * letters of the options without a value (`flags`) and of those with one (`values`, in the same word or the next), the long
 * options, and whether its getopt permutes its arguments (GNU getopt without a leading `+`): then an option-like word after the
 * program is read as the init's own unless `--` ends them (tini's README: "If you see an error message that looks like tini:
 * invalid option -- 'c', then you need to add the --"). Options that print and exit (-h, -l, -V, --version) and catatonit's
 * pause mode (-P, no program runs) are left out: what runs is then not known.
 * tini: `-s -p SIGNAL -v -w -g -e EXIT_CODE` (src/tini.c, OPT_STRING "p:hvwgle:s"); dumb-init: `-c/--single-child`,
 * `-r/--rewrite s:r`, `-v/--verbose` (dumb-init.c, "+hvVcr:"); catatonit: `-g` (catatonit.c, "ghLPV").
 */
const INITS: Record<string, { flags: string; values: string; long: Record<string, 'flag' | 'value'>; permutes: boolean }> = {
  tini: { flags: 'svwg', values: 'pe', long: {}, permutes: true },
  'tini-static': { flags: 'svwg', values: 'pe', long: {}, permutes: true },
  'dumb-init': { flags: 'cv', values: 'r', long: { 'single-child': 'flag', verbose: 'flag', rewrite: 'value' }, permutes: false },
  catatonit: { flags: 'g', values: '', long: {}, permutes: true },
};

/**
 * A known init in front of a program (`["tini", "--", "docker-entrypoint.sh"]`, `/usr/bin/dumb-init -c --`, `catatonit -g --`),
 * read through its own options (INITS) to the program it forks and execs with the words that follow: `index`, that program's
 * place in `words` (an ENTRYPOINT's words, then the command it is given). Undefined when `words[0]` is not such an init; null
 * when what it runs is not known: an option it does not document (or one that exits, or pause mode), no program, or, for an
 * init whose getopt permutes, an option-like word after the program with no `--` before it. The one reading of an init for
 * DF010 and DC011 (review51, finding 4).
 */
export function initProgram(words: readonly string[]): { index: number } | null | undefined {
  const spec = words.length > 0 ? INITS[baseNameOf(words[0])] : undefined;
  if (!spec) return undefined;
  let k = 1;
  let ended = false;
  while (k < words.length) {
    const w = words[k];
    if (w === '--') {
      k++;
      ended = true;
      break;
    }
    if (!w.startsWith('-') || w === '-') break;
    if (w.startsWith('--')) {
      const eq = w.indexOf('=');
      const name = w.slice(2, eq < 0 ? undefined : eq);
      const kind = Object.hasOwn(spec.long, name) ? spec.long[name] : undefined;
      if (kind === 'flag' && eq < 0) k++;
      else if (kind === 'value') k += eq < 0 ? 2 : 1;
      else return null;
      continue;
    }
    // A cluster of short options (`-sg`, `-vvv`); one with a value ends it, the value the rest of the word or the next word.
    let next = k + 1;
    for (let j = 1; j < w.length; j++) {
      if (spec.flags.includes(w[j])) continue;
      if (!spec.values.includes(w[j])) return null;
      if (j === w.length - 1) next = k + 2;
      break;
    }
    k = next;
  }
  if (k >= words.length) return null;
  if (spec.permutes && !ended && words.slice(k + 1).some((w) => w.startsWith('-') && w !== '-')) return null;
  return { index: k };
}
const SCRIPT_SHELLS = new Set(['sh', 'bash', 'ash', 'dash']);
/** The folders of the default PATH, where a script named without a folder (`docker-entrypoint.sh`) is found. */
const PATH_DIRS = new Set(['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']);

/** The script an ENTRYPOINT runs (`["/docker-entrypoint.sh"]`, `["tini", "--", "entrypoint.sh"]`, `sh /entrypoint.sh`), as written; undefined for a `-c` string or a variable. */
function entrypointScriptPath(words: readonly string[]): { path: string; index: number } | undefined {
  const init = initProgram(words);
  if (init === null) return undefined;
  let k = init?.index ?? 0;
  const base = (w: string | undefined) => (w === undefined ? '' : w.slice(w.lastIndexOf('/') + 1));
  if (SCRIPT_SHELLS.has(base(words[k]))) {
    k++;
    while (k < words.length && /^[-+][a-z]+$/i.test(words[k]) && words[k] !== '-c') k++;
    if (words[k] === '-c') return undefined;
  }
  const w = words[k];
  return w === undefined || w.includes('$') || !/\.(?:sh|bash)$|entrypoint|start|run|init/i.test(base(w)) ? undefined : { path: w, index: k };
}

/** What writes a path of the image, in build order: a copy from the build context (`source`), or something whose content is not read here. */
interface Write {
  /** The path written; with `tree`, anything at or under it may be written (`COPY --from=builder /out/ /usr/local/bin/`). */
  target: string;
  tree: boolean;
  /** The file's path in the build context, or undefined when its content cannot be read (COPY --from, a heredoc, a URL, a variable or glob). */
  source: string | undefined;
  /**
   * A folder or glob source of the context: its entries, each a write at or under `target` (a tree there), looked at only when a
   * path asked is there (writesAt): those that may land at `at` (all of them without it); undefined when not known, anything may
   * land there. A folder COPY whose destination holds no path asked (`COPY data /docker-entrypoint-initdb.d`) is never listed
   * (review54b, F1).
   */
  expand?: (at?: string) => Write[] | undefined;
}

/** The writes of the chain's COPY/ADD instructions and RUNs, in build order, and the last WORKDIR (null when not known). */
interface ImageWrites {
  steps: ({ kind: 'copy'; write: Write; ins: Instruction } | { kind: 'run'; ins: Instruction })[];
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
        steps.push({ kind: 'copy', write: { target: '/', tree: true, source: undefined }, ins });
        continue;
      }
      const destAbs = path.posix.resolve(workdir ?? '/', dest);
      // Another stage's files, a heredoc's text: not read; they may land at the destination or under it (review 46a, item 3).
      if (fromStage || heredoc) {
        steps.push({ kind: 'copy', write: { target: destAbs, tree: true, source: undefined }, ins });
        if (fromStage || sources.length === 0) continue;
      }
      const destIsDir = dest.endsWith('/') || sources.length + (heredoc ? 1 : 0) > 1;
      // `ADD --unpack=true <url>` unpacks a remote archive, `--unpack=false` leaves a local one whole (Dockerfile reference, ADD
      // --unpack); `--parents` keeps a source's folders under the destination (COPY --parents) (review55b, F5).
      const unpack = kw === 'ADD' ? boolFlag(ins, 'unpack') : false;
      const parents = boolFlag(ins, 'parents');
      for (const src of sources) {
        const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(src);
        const rel = contextRelative(src);
        // A Git repository's files land in the destination (Dockerfile reference, ADD, "Adding files from a Git repository");
        // a remote archive ADD may unpack there; a source whose folders are kept may write anywhere below it (unless read below).
        const remoteTree = kw === 'ADD' && (gitSource(src) || (url && (unpack === true || unpack === null)));
        if (remoteTree || parents === null || (parents && (url || src.includes('$') || /[*?[]/.test(src)))) {
          steps.push({ kind: 'copy', write: { target: destAbs, tree: true, source: undefined }, ins });
          continue;
        }
        // A glob (`COPY *.sh /usr/local/bin/`): what it matches in the build context (review51, finding 8).
        if (!url && !src.includes('$') && /[*?[]/.test(src)) {
          // Not known (no context to list, a glob in a folder's name, a pattern not read, too many entries): it may write anything there.
          // ADD unpacks each local archive a wildcard matches, as it does a named one (review55b, F1).
          const unpacked = (m: { rel: string; dir: boolean }) => kw === 'ADD' && unpack !== false && !m.dir && localArchive(ctx, m.rel);
          // The destination is a folder when written so or when the glob matches more than one entry (then each file lands in it
          // under its own name); one match is copied to the destination itself.
          const toWrites = (matched: { rel: string; dir: boolean }[] | undefined, intoDir = destIsDir || (matched !== undefined && matched.length > 1)): Write[] | undefined => {
            if (matched === undefined) return undefined;
            // A folder it matches lands its files in the destination, as `COPY docker/ …` does.
            return matched.map((m) => (m.dir || unpacked(m) ? { target: destAbs, tree: true, source: undefined } : { target: intoDir ? path.posix.join(destAbs, path.posix.basename(m.rel)) : destAbs, tree: false, source: m.rel }));
          };
          // For a path asked below the destination, a folder it matches is followed down by name, as a plain folder source is
          // (folderWritesAt), unless it is a symbolic link (not read); two matches that may write the path leave what it holds
          // not known: which is copied last is not read here (globslash).
          const writesBelow = (matched: { rel: string; dir: boolean }[] | undefined, at: string, intoDir?: boolean): Write[] | undefined => {
            const writes: Write[] = [];
            for (const [i, w] of (toWrites(matched, intoDir) ?? []).entries()) {
              const m = matched![i];
              const sub = m.dir && !linkedInContext(ctx, m.rel) ? folderWritesAt(ctx, m.rel, destAbs, at) : [w];
              if (sub === undefined) return undefined;
              writes.push(...sub);
            }
            if (matched === undefined || writes.filter((w) => writeHits(w, at, '')).length > 1) return undefined;
            return writes;
          };
          const all = once(() => toWrites(globMatches(ctx, rel)));
          // For a path asked in a destination folder, only the matches that may land there: a file of its name, an archive ADD
          // unpacks, a folder that holds an entry of its name; the ignore file is applied to those alone (review55b, F2). Without
          // a trailing slash the destination is a folder only past one match: whether there are two is told by the first two
          // entries sent, not by applying the ignore file to every entry (globslash); with fewer, that listing is all of them.
          // At the destination itself (`COPY scripts/*.sh /usr/local/bin/start.sh`), two or more entries sent make it a folder,
          // as a trailing slash does (`/usr/local/bin/start.sh/`): a file lands in it under its own name, below the path; only a
          // folder or an archive ADD unpacks writes there, and the ignore file is applied to those alone (globslash2, globwild).
          const expand = (at?: string): Write[] | undefined => {
            if (at === undefined) return all();
            if (!destIsDir) {
              const first = globMatches(ctx, rel, undefined, 2);
              if (first === undefined || first.length < 2) return at === destAbs ? toWrites(first) : writesBelow(first, at);
            }
            if (at === destAbs) return toWrites(globMatches(ctx, rel, (m, _child, dir) => dir || unpacked({ rel: m, dir })), true);
            const name = (destAbs === '/' ? at.slice(1) : at.slice(destAbs.length + 1)).split('/')[0];
            const ws = ctx.workspace;
            return writesBelow(globMatches(ctx, rel, (m, child, dir) => (dir ? ws.isSymbolicLink?.(child) === true || ws.listDir?.(child)?.includes(name) === true : path.posix.basename(m) === name || unpacked({ rel: m, dir }))), at, true);
          };
          steps.push({ kind: 'copy', write: { target: destAbs, tree: true, source: undefined, expand }, ins });
          continue;
        }
        const unreadable = url || src.includes('$');
        // A folder of the context (`.`, `docker/`, or `bin` when the context's bin is one) lands its files in the destination
        // (folderEntries, as a glob's folder does), looked up only for a path asked there (review54b, F1); one that cannot be
        // listed, or reached through a symbolic link, may write anything there (review53b, finding 1; review54b, F4 and F6).
        const kind = unreadable ? null : folderKind(ctx, rel);
        if (kind === undefined || (kind === null && (rel === '' || rel.endsWith('/')))) {
          steps.push({ kind: 'copy', write: { target: destAbs, tree: true, source: undefined }, ins });
          continue;
        }
        if (kind === 'folder' && parents) {
          steps.push({ kind: 'copy', write: { target: destAbs, tree: true, source: undefined }, ins });
          continue;
        }
        if (kind === 'folder') {
          const toWrite = (m: { rel: string; dir: boolean }): Write => {
            const target = path.posix.join(destAbs, path.posix.basename(m.rel));
            return m.dir ? { target, tree: true, source: undefined } : { target, tree: false, source: m.rel };
          };
          const all = once(() => folderEntries(ctx, rel)?.map(toWrite));
          // The path asked is followed down by name, one folder at a time (`COPY rootfs/ /` writes /usr/local/bin/x only from
          // rootfs/usr/local/bin/x), to a file, an entry not sent, or a folder reached through a link (not read) (review55b, F4).
          const expand = (at?: string): Write[] | undefined => (at === undefined ? all() : folderWritesAt(ctx, rel, destAbs, at));
          steps.push({ kind: 'copy', write: { target: destAbs, tree: true, source: undefined, expand }, ins });
          continue;
        }
        // ADD unpacks a local tar archive into the destination (Dockerfile reference, ADD, "Adding local tar archives"): its
        // members may write anything there (`ADD rootfs.tar.gz /`; review54b, F3).
        if (kw === 'ADD' && unpack !== false && !unreadable && localArchive(ctx, rel)) {
          steps.push({ kind: 'copy', write: { target: destAbs, tree: true, source: undefined }, ins });
          continue;
        }
        // A name that comes from a variable (`COPY $SCRIPT /usr/local/bin/`) may be any file or folder of the context: it may
        // write anything in the destination, as a glob that cannot be matched does.
        const name = path.posix.basename(rel);
        // With --parents the file lands at its path below the destination, from the `./` in it when there is one (`a/./b/f`: `b/f`).
        const kept = parents && !unreadable ? contextRelative(`/${src.replace(/\\/g, '/')}`.split('/./').pop()!) : undefined;
        const target = kept ? path.posix.join(destAbs, kept) : destIsDir && !name.includes('$') ? path.posix.join(destAbs, name) : destAbs;
        steps.push({ kind: 'copy', write: { target, tree: unreadable && destIsDir, source: unreadable ? undefined : rel }, ins });
      }
    }
  }
  return { steps, workdir };
}

/**
 * A boolean flag of a COPY or ADD (`--unpack`, `--unpack=true`, `--parents=false`): undefined when absent, null when its value
 * is not known (a variable, another word).
 */
function boolFlag(ins: Instruction, name: string): boolean | null | undefined {
  const flag = flagNamed(ins, name);
  if (!flag) return undefined;
  const value = flag.getValue();
  if (value === null) return true;
  return /^(?:true|1)$/i.test(value) ? true : /^(?:false|0)$/i.test(value) ? false : null;
}

/**
 * Whether an ADD source is a Git repository, as BuildKit's Git reference reads one: an scp-like `git@host:path`, a `git://` or
 * `ssh://` URL, or an HTTP(S) URL whose path ends in `.git` (a `#ref:subdir` fragment after it).
 */
function gitSource(src: string): boolean {
  return /^[\w.-]+@[\w.-]+:(?!\/\/)/.test(src) || /^(?:git|ssh|git\+ssh):\/\//i.test(src) || /^https?:\/\/[^#?]+\.git\/?(?:[#?].*)?$/i.test(src);
}

/**
 * What a COPY or ADD glob source (`*.sh`, `scripts/entry?.sh`, `[de]*`) matches in the build context, each a context-relative
 * path and whether it is a folder (whose files then land in the destination): the entries of its folder whose names match its
 * last part as Go's filepath.Match reads it: globRegExp, the reading DF021 gives COPY sources (`*`, `?`, `[…]`, `[^…]`, `\\` escapes; Dockerfile reference, COPY: "Each <src> may
 * contain wildcards and matching will be done using Go's filepath.Match rules"), in every folder the context may be
 * (contextCandidates: those of the compose services that build the Dockerfile, else the guesses, all of them taken, so that
 * nothing they may hold is missed), leaving out what the ignore file of that context excludes (contextIgnore; a folder it
 * excludes unless a `!` line may take something in it back). Undefined when not known: a context that cannot be known or
 * listed, an ignore file that cannot be read, a wildcard in a folder's name, a pattern that cannot be read, a folder reached
 * through a symbolic link, more than MAX_CONTEXT_ENTRIES entries matched. With `keep`, only the entries it accepts; with
 * `enough`, the first that many entries sent (sentEntries), or all of them when there are fewer.
 */
function globMatches(ctx: DockerfileContext, rel: string, keep?: KeepEntry, enough?: number): { rel: string; dir: boolean }[] | undefined {
  const folder = path.posix.dirname(rel);
  if (/[*?[\\]/.test(folder) || rel.endsWith('/')) return undefined;
  const pattern = globRegExp(path.posix.basename(rel));
  if (!pattern || !ctx.workspace.listDir) return undefined;
  const contexts = contextCandidates(ctx);
  if (contexts.unknown || contexts.dirs.length === 0) return undefined;
  const found = new Map<string, boolean>();
  const prefix = folder === '.' ? '' : `${folder}/`;
  for (const dir of contexts.dirs) {
    const listed = sentEntries(ctx, dir, folder === '.' ? '' : folder, prefix, pattern, found, keep, enough);
    if (listed === undefined || (!listed && contexts.every)) return undefined;
  }
  return [...found].map(([m, dir]) => ({ rel: m, dir }));
}

/**
 * The entries of `folder` in the context folder `dir` that the context sends (globMatches, folderEntries), those whose name
 * `pattern` matches when given, added to `found` (context-relative path, `prefix` + name → whether it is a folder; an entry
 * that is a symbolic link is taken as a folder: what it holds is not read): false when `folder` cannot be listed there,
 * undefined when not known: the context's ignore file cannot be read, `folder` is reached through a symbolic link, or more
 * than MAX_CONTEXT_ENTRIES entries are looked at. The folder of each entry is told by one listing of it; the ignore file is
 * matched against the folder once and against each entry's own name (matchEntry), as DR003's walk does (review54b, F1), and
 * only against the entries `keep` accepts, when given (review55b, F2), until `found` holds `enough` entries (the entries after
 * are still counted against MAX_CONTEXT_ENTRIES: globslash).
 */
function sentEntries(ctx: DockerfileContext, dir: string, folder: string, prefix: string, pattern: RegExp | undefined, found: Map<string, boolean>, keep?: KeepEntry, enough = Infinity): boolean | undefined {
  if (throughLink(ctx, dir, folder)) return undefined;
  const at = path.join(dir, folder);
  const names = ctx.workspace.listDir?.(at);
  if (names === undefined) return false;
  // Only what the context sends: an entry the ignore file leaves out is not matched (review52, F3).
  const ignore = contextIgnore(ctx, dir);
  if (ignore === undefined) return undefined;
  const parent = folderMatch(ignore, folder);
  let seen = 0;
  for (const name of names) {
    if (pattern && !pattern.test(name)) continue;
    if (++seen > MAX_CONTEXT_ENTRIES) return undefined;
    if (found.size >= enough) continue;
    const m = prefix + name;
    const child = path.join(at, name);
    const isDir = ctx.workspace.isSymbolicLink?.(child) === true || ctx.workspace.listDir?.(child) !== undefined;
    if (keep && !keep(m, child, isDir)) continue;
    // A folder left out may still send what a `!` line takes back: its files may land in the destination.
    if (matchEntry(ignore, m, parent).excluded && !(isDir && mayReincludeBelow(ignore, m))) continue;
    found.set(m, (found.get(m) ?? false) || isDir);
  }
  return true;
}

/** Which entries a listing keeps before the ignore file is applied (sentEntries): by context-relative path, path on disk and whether it is a folder. */
type KeepEntry = (rel: string, child: string, dir: boolean) => boolean;

/** matchEntry's answer for a context folder (`a/b`: `a`, then `b` in it), passed to the entries of that folder; none for the root. */
function folderMatch(ignore: readonly DockerignorePattern[], folder: string): EntryMatch | undefined {
  let match: EntryMatch | undefined;
  let rel = '';
  for (const part of folder.split('/')) {
    if (part === '' || part === '.') continue;
    rel = rel === '' ? part : `${rel}/${part}`;
    match = matchEntry(ignore, rel, match);
  }
  return match;
}

/** Whether `folder` of the context folder `dir`, or a folder on the way to it, is a symbolic link: Docker sends it as a link, whose target is not read here (review54b, F4). */
function throughLink(ctx: DockerfileContext, dir: string, folder: string): boolean {
  if (!ctx.workspace.isSymbolicLink) return false;
  let at = dir;
  for (const part of folder.split('/')) {
    if (part === '' || part === '.') continue;
    at = path.join(at, part);
    if (ctx.workspace.isSymbolicLink(at)) return true;
  }
  return false;
}

/**
 * Whether a plain COPY or ADD source (no wildcard, no variable, no URL) is a folder of the build context, whose entries land in
 * the destination (Dockerfile reference, COPY: "If <src> is a directory, the entire contents of the directory are copied,
 * including filesystem metadata. The directory itself isn't copied, only its contents"), whether or not it is written with a
 * trailing slash (`COPY bin /usr/local/bin` as `COPY bin/ …`), in any folder the context may be: 'folder'; null when it is a
 * folder in none of them (a file, or not there: read by its name); undefined when not known: no context to list, an ignore file
 * that cannot be read where it is a folder, a path through a symbolic link (review54b, F4), or a path that is there but neither
 * lists as a folder nor reads as a file (a folder that cannot be listed; review54b, F6) (review53b, finding 1).
 */
function folderKind(ctx: DockerfileContext, rel: string): 'folder' | null | undefined {
  const ws = ctx.workspace;
  if (!ws.listDir) return undefined;
  const contexts = contextCandidates(ctx);
  if (contexts.unknown || contexts.dirs.length === 0) return undefined;
  const folder = rel.replace(/\/+$/, '');
  let isFolder = false;
  for (const dir of contexts.dirs) {
    if (throughLink(ctx, dir, folder)) return undefined;
    const at = path.join(dir, folder);
    if (ws.listDir(at) !== undefined) {
      if (contextIgnore(ctx, dir) === undefined) return undefined;
      isFolder = true;
    } else if (ws.exists(at) && ws.readHead?.(at, 1) === undefined && ws.readText(at) === undefined) return undefined;
  }
  return isFolder ? 'folder' : null;
}

/**
 * The entry `name` of a plain folder source `rel` that the context sends (folderKind: a folder), looked up without listing what
 * else it holds: in every folder the context may be that has it, as sentEntries reads an entry. Null when none sends it;
 * undefined when not known (an ignore file that cannot be read; a symbolic link is a folder whose content is not read).
 */
function folderEntry(ctx: DockerfileContext, rel: string, name: string): { rel: string; dir: boolean } | null | undefined {
  const ws = ctx.workspace;
  const folder = rel.replace(/\/+$/, '');
  const m = folder === '' ? name : `${folder}/${name}`;
  let found: boolean | undefined;
  for (const dir of contextCandidates(ctx).dirs) {
    const at = path.join(dir, folder);
    if (!ws.listDir?.(at)?.includes(name)) continue;
    const ignore = contextIgnore(ctx, dir);
    if (ignore === undefined) return undefined;
    const child = path.join(at, name);
    const isDir = ws.isSymbolicLink?.(child) === true || ws.listDir(child) !== undefined;
    if (isExcluded(ignore, m) && !(isDir && mayReincludeBelow(ignore, m))) continue;
    found = (found ?? false) || isDir;
  }
  return found === undefined ? null : { rel: m, dir: found };
}

/**
 * What a folder source `rel` of the context (a plain one, or one a glob matches) copied to `destAbs` writes at `at`, a path at
 * or below it: followed down by name, one folder at a time (`COPY rootfs/ /` writes /usr/local/bin/x only from
 * rootfs/usr/local/bin/x), to a file, an entry not sent (nothing), or a folder reached through a link (not read: a tree there)
 * (review55b, F4); undefined when not known (folderEntry).
 */
function folderWritesAt(ctx: DockerfileContext, rel: string, destAbs: string, at: string): Write[] | undefined {
  const names = (destAbs === '/' ? at.slice(1) : at.slice(destAbs.length + 1)).split('/');
  let folder = rel;
  let target = destAbs;
  for (const [i, name] of names.entries()) {
    const entry = folderEntry(ctx, folder, name);
    if (entry === undefined) return undefined;
    if (entry === null) return [];
    target = path.posix.join(target, name);
    if (!entry.dir) return [{ target, tree: false, source: entry.rel }];
    if (i === names.length - 1 || linkedInContext(ctx, entry.rel)) return [{ target, tree: true, source: undefined }];
    folder = entry.rel;
  }
  return [];
}

/** Whether a context path is a symbolic link in a folder the context may be: what it holds is not read (review54b, F4). */
function linkedInContext(ctx: DockerfileContext, rel: string): boolean {
  return contextCandidates(ctx).dirs.some((dir) => ctx.workspace.isSymbolicLink?.(path.join(dir, rel)) === true);
}

/**
 * All the entries of a plain folder source `rel` (folderKind: a folder) that the context sends, each a context-relative path and
 * whether it is a folder, in every folder the context may be (sentEntries); undefined when not known.
 */
function folderEntries(ctx: DockerfileContext, rel: string): { rel: string; dir: boolean }[] | undefined {
  const folder = rel.replace(/\/+$/, '');
  const found = new Map<string, boolean>();
  const prefix = folder === '' ? '' : `${folder}/`;
  for (const dir of contextCandidates(ctx).dirs) if (sentEntries(ctx, dir, folder, prefix, undefined, found) === undefined) return undefined;
  return [...found].map(([m, dir]) => ({ rel: m, dir }));
}

/**
 * Whether an ADD source of the context may be a tar archive ADD unpacks: named as one (`.tar`, `.tar.gz`, `.tgz`, `.tar.bz2`,
 * `.tbz2`, `.tar.xz`, `.txz`, `.tar.zst`), or a file whose first bytes are an archive's (isArchiveHead, DF015's reading) in a
 * folder the context may be (review54b, F3).
 */
function localArchive(ctx: DockerfileContext, rel: string): boolean {
  if (/\.(?:tar|tgz|tbz2?|txz|tzst|tar\.(?:gz|bz2|xz|zst|zstd))$/i.test(rel)) return true;
  // Once per analysis: each ADD glob into a folder asked asks of every file it matches, once per line (globwild).
  const known = ctx.fact(ARCHIVES, () => new Map<string, boolean>());
  let archive = known.get(rel);
  if (archive === undefined) {
    const contexts = contextCandidates(ctx);
    archive = !contexts.unknown && contexts.dirs.some((dir) => {
      const head = ctx.workspace.readHead?.(path.join(dir, rel), 512);
      return head !== undefined && isArchiveHead(head);
    });
    known.set(rel, archive);
  }
  return archive;
}

/** localArchive's answers by context-relative path, a fact of the analysis' context (its workspace and build contexts). */
const ARCHIVES = Symbol('localArchive');

/** A function that computes once, when first called. */
function once<T>(compute: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value;
  };
}

/**
 * The writes of a step that may land at one of `paths`, or at any path without them: a folder's or glob's entries
 * (Write.expand), looked at only when its destination holds a path asked; the step's write itself otherwise, or when what they
 * are is not known (it may write anything there) (review54b, F1).
 */
function writesAt(w: Write, paths: readonly string[] | undefined): Write[] {
  if (!w.expand) return [w];
  const asked = paths === undefined ? [undefined] : paths.filter((p) => writeHits(w, p, ''));
  if (asked.length === 0) return [w];
  const out: Write[] = [];
  for (const p of asked) {
    const sub = w.expand(p);
    if (sub === undefined) return [{ target: w.target, tree: true, source: undefined }];
    out.push(...sub);
  }
  return out;
}

/**
 * The patterns of the ignore file that applies to a build of the Dockerfile from the context `dir` (dockerignoreFor:
 * `<Dockerfile>.dockerignore`, else the context's `.dockerignore`; read as DF021 reads it): none when there is none, undefined
 * when it exists and cannot be read (what the context holds is then not known). Docker: "Files which match the patterns in a
 * .dockerignore file are not present in the context of the image when it is built" (build checks, CopyIgnoredFile).
 */
function contextIgnore(ctx: DockerfileContext, dir: string): readonly DockerignorePattern[] | undefined {
  const ignore = dockerignoreFor(ctx.workspace, ctx.path, dir);
  if (ignore.text !== undefined) return parseDockerignore(ignore.text);
  return ctx.workspace.exists(ignore.path) ? undefined : [];
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
  const paths = wanted === undefined ? [...PATH_DIRS].map((d) => `${d}/${name}`) : [wanted];
  for (const step of writes.steps) {
    if (step.kind === 'copy') {
      for (const w of writesAt(step.write, paths)) if (writeHits(w, wanted, name)) found = { at: w.tree ? (wanted ?? name) : w.target, source: w.tree ? undefined : w.source };
    } else if (found?.source !== undefined && runTouches(ctx, step.ins, found.at)) found = { at: found.at, source: undefined };
  }
  return found?.source === undefined ? undefined : { at: found.at, source: found.source };
}

/**
 * Whether a write lands at `wanted` (or, with `wanted` undefined, at the bare `name` in a folder of the PATH): a write of that
 * path, or of a tree at or above it (`COPY --from=busybox /bin/sh /usr/local/bin/docker-entrypoint.sh` is a tree at the path).
 */
function writeHits(w: Write, wanted: string | undefined, name: string): boolean {
  if (wanted === undefined) return [...PATH_DIRS].some((d) => writeHits(w, `${d}/${name}`, name));
  return w.target === wanted || (w.tree && (w.target === '/' || wanted.startsWith(`${w.target}/`)));
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
type ScriptVerdict = ScriptCall | null | undefined;

/** A call that decides a script's verdict; `changed`: the base image's own entrypoint it runs may be changed by the Dockerfile. */
interface ScriptCall {
  tool: string;
  down: boolean;
  exec: boolean;
  changed?: EntrypointChange;
}

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
function entrypointScriptDrop(ctx: DockerfileContext, stage: Stage, chain: readonly Stage[], entrypoint: Instruction, cmd: Command): ScriptVerdict {
  // A shell-form ENTRYPOINT, or an exec-form `sh -c` one, is read as the command its string runs (shellFormCommand), when
  // that is one plain command.
  const shell = shellFormCommand(ctx, chain, entrypoint, cmd);
  const entrypointWords = shell ?? argWords(ctx, entrypoint).filter((w) => !w.heredoc).map((w) => w.value);
  const found = entrypointScriptPath(entrypointWords);
  if (found === undefined) return undefined;
  const written = found.path;
  const writes = imageWrites(ctx, chain);
  // The build contexts are looked up once a copy of the script is found (most images copy none): not known, nothing is read.
  let contexts: Contexts | undefined;
  // `"$@"` of the entrypoint script: the ENTRYPOINT's words after it, then, for the exec form, the container's command (the
  // CMD that applies; a shell-form CMD is `/bin/sh -c '…'`: containerCommand). A shell-form ENTRYPOINT gets no CMD; one whose
  // string is not one plain command gives arguments that are not known (null).
  const afterScript = entrypointWords.slice(found.index + 1);
  const cmdWords: string[] | null = shell === null ? null : shell !== undefined ? afterScript : (() => {
    const words = commandWordsOf(ctx, chain, cmd);
    return words === null ? null : [...afterScript, ...words];
  })();
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
    const calls: ScriptCall[] = [];
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
        // Not copied from the context but still changed (`COPY --from`, `RUN sed -i`, a folder the PATH looks in first:
        // imageEntrypointChanged): not the base image's, and what it does is not known — reported as root, as the
        // ENTRYPOINT naming it again is (stepdown5, item 2), not guessed from a tool the Dockerfile names.
        const changed = own === undefined ? imageEntrypointChanged(ctx, chain, other) : undefined;
        if (changed) {
          calls.push({ tool: path.posix.basename(other), down: false, exec: execd, changed });
          continue;
        }
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
    const last = deciding[deciding.length - 1];
    return last === undefined ? null : { tool: last.tool, down: false, exec: execs.length > 0, ...(last.changed ? { changed: last.changed } : {}) };
  };

  return scriptAt(written, 0);
}

function baseNameOf(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

