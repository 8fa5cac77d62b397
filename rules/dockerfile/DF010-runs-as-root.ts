import type { Instruction, Onbuild } from 'dockerfile-ast';
import { defineRule } from '../engine/rule';
import type { DockerfileContext, Stage } from '../engine/dockerfile';
import { officialImageRunsAsNonRoot, unquote } from '../engine/df-instructions';
import { everyVariantGives, rootBase, stageChain, VariableScope } from '../engine/stage-scope';
import { isWindowsStage } from '../engine/windows-stage';
import { dotnetAppUser, isRootUser, nonRootUser, ownUserNot1000, stepDown, userKnownForImage } from '../engine/image-users';
import { officialImageName } from '../engine/image';
import { buildTargetName, COMPOSE_NAMES_READ_BY_DEFAULT, defaultComposePair, servicesBuilding, type BuildingService } from '../engine/relations';
import { defaultMerge, overrideAt } from '../engine/override-merge';
import { includersOfContext } from '../engine/include';
import { composeFileNames } from '../engine/image-uses';
import { scalarString } from '../engine/compose';
import * as path from 'node:path';
import { invocation } from '../engine/run-commands';
import type { Detection, Fix, Position, Range } from '../engine/types';
import { describeEntrypointChange, privilegeDrop, type EntrypointChange, type PrivilegeDrop } from '../engine/entrypoint-step-down';

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
      /** The user the base image's entrypoint steps down to, which this image does not reach (stepDownUserOf): the fix sets it. */
      ownUser?: string;
      /** Why it is not reached: the Dockerfile may change that entrypoint script (privilegeDrop); the message says what does. */
      scriptChanged?: EntrypointChange;
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
      /** As for 'no-user': the base image's step-down user, not reached (stepDownUserOf): the fix sets it. */
      ownUser?: string;
      /** As for 'no-user': the Dockerfile may change the base image's entrypoint script. */
      scriptChanged?: EntrypointChange;
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

/**
 * The service user the entrypoint of the stage chain's base image steps down to (`FROM redis` → `redis`; image-users.ts,
 * StepDown.user, the table DC011 reads), for a final stage that does not reach that step-down (another command, a shell-form
 * CMD, another ENTRYPOINT): that user owns the image's data directory, which uid 1000 may not (redis's /data, uid 999), so the
 * fix sets it by name, as DC011's does (stepdown3, item 2).
 */
function stepDownUserOf(stage: Stage): { ownUser?: string } {
  const base = rootBase(stage);
  const user = base.kind === 'image' ? stepDown(base.ref)?.user : undefined;
  return user !== undefined ? { ownUser: user } : {};
}

/**
 * The user the fix sets: the base image's step-down user (stepDownUserOf), `$APP_UID` on a .NET 8+ base (its `app` user,
 * uid 1654: 1000 is no user there), else uid 1000.
 */
function fixUser(data: Data): string {
  return data.ownUser ?? (data.dotnetApp ? '$APP_UID' : '1000');
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

/**
 * privilegeDrop's reading, split: the step-down (null: none), and, when there is none because the Dockerfile may change the base
 * image's own entrypoint script, what changes it.
 */
function dropOf(ctx: DockerfileContext, stage: Stage): { drop: PrivilegeDrop | null; changed: { scriptChanged?: EntrypointChange } } {
  const read = privilegeDrop(ctx, stage);
  if (read && 'changed' in read) return { drop: null, changed: { scriptChanged: read.changed } };
  return { drop: read, changed: {} };
}

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
    const { drop, changed } = dropOf(ctx, stage);
    return [
      {
        range: { start: r.start, end: { line: r.start.line, character: ctx.lines.lineText(r.start.line).length } },
        data: { problem: 'no-user' as const, ...insertionPoint(ctx, stage), dropTool: drop?.tool ?? null, ...(drop ? { dropIn: drop.in } : { ...stepDownUserOf(stage), ...changed }), ...unknownBaseOf(stage), ...dotnetAppOf(stage) },
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
  const { drop, changed } = dropOf(ctx, stage);
  const userLine = user.getRange().start.line;
  // A USER inherited from a builder stage is reported where it is written only if that stage is the final one.
  if (!stage.instructions.includes(user)) {
    const r = stage.from.getRange();
    return [
      {
        range: { start: r.start, end: { line: r.start.line, character: ctx.lines.lineText(r.start.line).length } },
        data: { problem: 'no-user' as const, ...insertionPoint(ctx, stage), dropTool: drop?.tool ?? null, inheritedRoot: value, ...(viaArg ? { viaArg } : {}), ...fallback, ...(drop ? { dropIn: drop.in, userLine: userLine + 1 } : { ...stepDownUserOf(stage), ...changed }), ...dotnetAppOf(stage), ...baseUserOf(stage) },
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
  return [{ range: user.getRange(), data: { problem: 'root-user' as const, user: value, userRange: argsRange, insert, ...(viaArg ? { viaArg } : {}), ...fallback, ...dotnetAppOf(stage), ...baseUserOf(stage), ...stepDownUserOf(stage), ...changed } }];
}

/**
 * A compose service beside the Dockerfile whose `build.target` is another stage than the final one DF010 judges: it runs that stage,
 * so a USER added to the final stage does not reach it (DC011 judges the service on that stage and names it: review53b, finding 6).
 */
interface OtherTarget {
  service: string;
  /** The compose file, relative to the Dockerfile's folder. */
  file: string;
  stage: string;
  /** The 1-based line of that stage's FROM. */
  line: number;
}

/** DF010's data with the services that build another stage (otherTargets), for the message. */
type Noted = Data & { otherTargets?: OtherTarget[]; moreTargets?: number };

/**
 * The compose services that build this Dockerfile with a `build.target` naming one of its stages that is not the final one (at
 * most three, the others counted), read once per analysis and only when DF010 reports something (entry3, item 2): servicesBuilding
 * reads the compose files around the Dockerfile through the shared parses (relations.ts). A target whose value is not known
 * (`${TARGET}` with no value) or that names no stage is not counted.
 */
function otherTargetsOf(ctx: DockerfileContext): { otherTargets?: OtherTarget[]; moreTargets?: number } {
  const targets: OtherTarget[] = [];
  let more = 0;
  for (const building of servicesBuilding(ctx.workspace, ctx.path, ctx.options)) {
    const b = loadedTarget(building);
    const name = b && buildTargetName(b);
    if (!b || !name) continue;
    const stage = ctx.stages.find((s) => s.name === name);
    // A target stage that already sets a non-root USER needs none, and DC011 does not report the service there (review55b, F7).
    if (!stage || stage.isFinal || !targetRunsAsRoot(stage)) continue;
    if (targets.length >= 3) more++;
    else targets.push({ service: b.service.name, file: path.relative(path.dirname(ctx.path), b.compose.path).split(path.sep).join('/'), stage: name, line: stage.from.getRange().start.line + 1 });
  }
  return targets.length === 0 ? {} : { otherTargets: targets, ...(more > 0 ? { moreTargets: more } : {}) };
}

/**
 * A building service with the `build.target` Compose builds for it (review55b, F3): none for a file `docker compose up` does not
 * load (a leftover docker-compose.yml beside compose.yaml: "If both files exist, Compose prefers the canonical compose.yaml";
 * unless another file includes it); for a service of compose.yaml that the default override merges over (defaultMerge), the
 * override's target when it writes one (named in the override), none when it drops it (`!reset`/`!override` on the target, the
 * build or the service); a service of the override merged into compose.yaml's is read there. Undefined when not counted.
 */
function loadedTarget(b: BuildingService): BuildingService | undefined {
  const compose = b.compose;
  if (COMPOSE_NAMES_READ_BY_DEFAULT.includes(path.basename(compose.path))) {
    const pair = defaultComposePair(compose.workspace, compose.dir);
    if (compose.path !== pair.main && compose.path !== pair.override && includersOfContext(compose)?.length === 0 && !composeFileNames(compose)?.includes(compose.path)) return undefined;
  }
  const m = defaultMerge(compose, b.service);
  if (!m) return b;
  if (m.inOverride) return m.whole ? b : undefined;
  if (m.whole) return undefined;
  const touch = overrideAt(m, ['build', 'target']);
  if (!touch) return b;
  const target = touch.value ? scalarString(touch.value.entry.value) : null;
  return target === null ? undefined : { compose: m.over.ctx, service: m.over.service, build: { ...b.build, target } };
}

/** Whether a build.target stage runs as root as far as DF010 reads it: no USER through the stages it builds on (a root base), or a root one. */
function targetRunsAsRoot(stage: Stage): boolean {
  const user = effectiveUser(stage);
  if (user === null) return true;
  if (user === 'non-root-base') return false;
  const value = user.getArgumentsContent()?.trim();
  return value !== undefined && !value.includes('$') && isRootUser(value);
}

/** The findings with the services that build another stage (otherTargetsOf), asked only when there is a finding. */
function withOtherTargets(ctx: DockerfileContext, found: Detection<Data>[]): Detection<Noted>[] {
  if (found.length === 0) return found;
  // A compose service that builds another stage runs that one, not the final stage judged here: said (entry3, item 2).
  const note = otherTargetsOf(ctx);
  return note.otherTargets ? found.map((f) => ({ ...f, data: { ...f.data, ...note } })) : found;
}

/** The message's note on the services that build another stage (otherTargets), from the data only. */
function otherTargetsText(d: Noted): string {
  const list = (d.otherTargets ?? []).map((t) => `'${t.service}' (${t.file}) builds stage '${t.stage}' (line ${t.line})`);
  const all = (d.moreTargets ?? 0) > 0 ? `${list.join('; ')}; and ${d.moreTargets} more` : list.join('; ');
  return `Compose service ${all} as its build.target, not this final stage: a USER here does not reach ${list.length + (d.moreTargets ?? 0) > 1 ? 'them' : 'it'}; set it in that stage too (DC011 reports the service there).`;
}

export default defineRule<'dockerfile', Noted>({
  code: 'DF010',
  name: 'runs-as-root',
  kind: 'dockerfile',
  severity: 'warning',
  fixable: 'always',
  docs: {
    summary: 'The final image runs as root: no USER, or a USER that is root.',
    what: 'Flags a Dockerfile whose final stage runs as root: it has no `USER` instruction (and does not inherit one from an earlier stage it builds on), or its last `USER` is `root` or uid 0 (`0`, also written `00` or `0000:0`, which runc reads as 0) — also through a variable, judged by its default as a build without `--build-arg` runs it (the values compose services pass in `build.args` are not read here) (`ARG UID=0` … `USER $UID:$GID`: open-webui, qdrant, opa), and by the fallback of `${UID:-0}` or `${UID-0}` (also `${UID:-root}`) when nothing in the Dockerfile gives the variable a value — not declared, or declared by an ARG without a default (here or as a global ARG): such a build expands it to the fallback (the Dockerfile reference, "Environment replacement"; an ENV of that name in the base image is not known, and taken as absent: the message says the container "most likely" runs as root, since such an ENV, as `APP_UID` in Microsoft\'s .NET 8+ images, would be used instead); a variable with no known value and no fallback (`USER $UID` after `ARG UID`) is not judged. Builder stages are not judged: only the final stage becomes the image that runs; nor is a final stage built on `scratch` that nothing says is run: no CMD, ENTRYPOINT, EXPOSE, HEALTHCHECK or USER, and no compose service of the workspace builds it (a service that builds another `target:` does not count) (an artifact exported with `docker build --output`, such as docker/cli\'s `binary` stage). When a compose service around the Dockerfile (the files servicesBuilding reads: the default compose files and overrides in its folder and up to three above) builds a stage that is not the final one (`build.target: builder`, also `${TARGET:-builder}` as Compose interpolates it), the message of a finding here names the service, its compose file and that stage with the line of its FROM (three named, the others counted): the service runs that stage, so a USER added to the final stage does not reach it; DC011 judges the service on that stage and names it (review53b, finding 6; entry3, item 2). The target is the one `docker compose up` builds: read from the files it loads (a leftover `docker-compose.yml` beside `compose.yaml` is not: "If both files exist, Compose prefers the canonical compose.yaml" — unless the `.env` beside it names it in `COMPOSE_FILE`, which Compose then loads: https://docs.docker.com/compose/how-tos/environment-variables/envvars/), with `compose.override.yaml` merged over `compose.yaml` (its `build.target` replaces the base\'s and is named in the override; `!reset`/`!override` on the target, the build or the service drop the base\'s: Compose Specification, Merge), and a target stage that already runs as a non-root user (a USER of its own or of a stage it builds on, or a base image known to) is not named: it needs no USER and DC011 does not report it (review55b, F3, F7). That stage is not judged here: DC011 reports the service that runs it, and a stage that no service targets is a builder stage. A base image that is unknown (an ARG without default) or known to run as non-root (the images DC011 knows to run as a non-root user — distroless `:nonroot`, Chainguard, Bitnami, grafana, prom/*, mailhog, selenium, keycloak, jenkins/jenkins, SQL Server 2019 and later (`mcr.microsoft.com/mssql/server`, which runs as `mssql`), Microsoft\'s .NET `-chiseled` images and (8.0 on) `-distroless` ones (they end with `USER $APP_UID`) and others listed in DC011\'s docs — and the official images whose own Dockerfiles end with a non-root USER: sonarqube, solr, emqx, groovy, elasticsearch, kibana, logstash, odoo, neo4j, jenkins, couchbase, jetty, open-liberty, websphere-liberty, rocket.chat — also when the tag comes from an ARG default, `FROM solr:${SOLR_VERSION}`) is not flagged for a missing USER. Windows images are not judged at all: a base of Windows Server Core, Nano Server or Windows (`mcr.microsoft.com/windows/…`, .NET Framework images, the HostProcess containers base image `mcr.microsoft.com/oss/kubernetes/windows-host-process-containers-base-image`, the old `microsoft/windowsservercore` and the bare `windowsservercore` of the Dockerfile reference\'s SHELL example, `windowsservercore`/`nanoserver` tags such as `python:3.13-windowsservercore-ltsc2022`), or a stage whose SHELL is Windows PowerShell or cmd, or that writes a drive path (`C:\\`) in a Dockerfile with the Windows escape character (`` # escape=` ``, as on the multi-OS PowerShell image) — Windows has no uids, USER there names an account (ContainerUser, ContainerAdministrator). An image that steps down from root by itself is reported as info, not warning, since it starts as root on purpose: one with an ENTRYPOINT that installs or calls a privilege-dropping tool (gosu, su-exec, setpriv, s6-setuidgid, runuser — the pattern of the official postgres, redis and mysql images) — when the ENTRYPOINT runs a script (directly, through tini, dumb-init or catatonit, or `sh script`) that the stage or a stage it builds on COPYs or ADDs from the build context, and the script can be read there (in each context of the compose services that build the Dockerfile, which must agree, else in the Dockerfile\'s folder or the first folder above it that has the file), the script decides, whatever the Dockerfile installs, with the same judgement as an ENTRYPOINT that calls the tool itself (below): its calls of such a tool are read in the order written, and what the long-running process runs as is decided by the calls run with `exec` (the shell becomes that process: POSIX `exec`; gosu itself execs its command), or, when none is, by the last call; info when one of those switches to a non-root user (a user through a variable, `gosu "$APP_USER"`, `su-exec ${PUID}:${PGID}`, is not known to be root and counts), the warning and its fix when the script calls none, or when those only switch to root or to no user (`exec gosu root "$@"`, `exec su-exec 0:0 "$@"`, `exec gosu 0 "$@"`, `exec runuser -u root -- "$@"`, `setpriv` without `--reuid`, `chroot --userspec=0:0`): the message then claims no step-down. An init step as root before it (`gosu root chown -R app /data` then `exec gosu app "$@"`) does not change the verdict, nor does an init step as another user before an `exec su-exec 0:0 "$@"`; a command that calls no tool is not read as a call (`if [ "$1" = server ]; then exec gosu app "$@"; fi; exec "$@"` steps down). The script is read as shell, so a tool named only in a comment or a quoted string is not a call; a script it sources (`. /usr/local/bin/lib.sh`, `source …`) or runs (`sh other.sh`, `exec /app/start.sh`) that the image also copies from the context is read the same way, its verdict taken as one call at that point (an `exec` in a sourced script replaces the entrypoint\'s shell; one that cannot be read makes the script unreadable unless a call read steps down); and a wrapper that runs the official entrypoint of a data store named below (`exec docker-entrypoint.sh "$@"` on `postgres`) keeps that entrypoint\'s step-down when the container runs the server (its `"$@"` is the ENTRYPOINT\'s own words after the wrapper, then, for an exec-form ENTRYPOINT, the CMD that applies; a shell-form ENTRYPOINT gives only the words of its string), unless the Dockerfile copies over or changes that script without a copy from the context (`COPY --from`, `RUN sed -i`, a folder of the PATH: as for the kept entrypoint below): the wrapper then runs a script that is not known, and the warning stays. A source is looked up inside the build context, `..` cleaned at its root as BuildKit does (`COPY ../x` copies `<context>/x`): nothing outside the context is read. The script is the one the image holds when the build is done: a later COPY or ADD that may write its path (a heredoc, a `COPY --from` another stage, a folder, a variable destination) or a later RUN that may change it (`sed -i`, a `>` redirection, `cp`, `mv`, `curl -o`; `chmod` and `chown` do not count) makes it unreadable. A script that cannot be read (one of the base image, one a RUN writes or changes, a `COPY --from` another stage or a heredoc, a path or source through a variable, a file not in the build context or unreadable, a build context that cannot be known) is taken as stepping down when the Dockerfile installs or names the tool, as the tool is usually installed for it —, or, when there is no ENTRYPOINT, one whose CMD calls such a tool (`CMD gosu app server`); when the ENTRYPOINT (with the words of an exec-form CMD after it: the CMD that applies, as BuildKit builds the chain of stages — an ENTRYPOINT resets the CMD its stage inherits, from the base image or from the stage it builds on, unless a CMD of its own stage comes before it; Dockerfile reference, "Understand how CMD and ENTRYPOINT interact": "If CMD is defined from the base image, setting ENTRYPOINT will reset CMD to an empty value"; so `FROM base` + `ENTRYPOINT ["su-exec"]` gives su-exec no user even when the stage `base` has `CMD ["app", "server"]`) or the CMD calls the tool itself, it counts only if it switches to a non-root user — `gosu root …`, `su-exec 0:0 …`, `["gosu"]` with no user, `setpriv` without `--reuid`, `runuser -u root` keep the warning, and the message names the tool called (a user from a variable is taken as a step-down), or one built on an official data store whose own entrypoint steps down to its service user when it runs the server — postgres (and postgis, timescaledb, pgvector), redis, valkey, mysql, percona, mariadb, mongo, rabbitmq, zookeeper, couchdb, neo4j, cassandra, ClickHouse\'s server image (`clickhouse/clickhouse-server`, whose entrypoint runs `clickhouse su` to its clickhouse user for no command or a `--` flag), the images DC011 lists — keeping that entrypoint and its default command or the server in an exec-form CMD (`FROM rabbitmq:4.1-alpine` + `RUN rabbitmq-plugins enable …`), or naming that entrypoint again in an exec-form ENTRYPOINT as its official Dockerfile does (`ENTRYPOINT ["docker-entrypoint.sh"]`, also by its /usr/local/bin path; ClickHouse\'s `/entrypoint.sh`; mysql 8.0\'s `/entrypoint.sh`, which its Dockerfiles link to docker-entrypoint.sh "# backwards compat" (not 8.4 and later); also behind a known init that forks and execs it with the words that follow — `["tini", "--", "docker-entrypoint.sh"]`, `["/usr/bin/dumb-init", "--", "docker-entrypoint.sh"]`, `["catatonit", "-g", "--", …]`, or `["tini", "--"]` with the script and the server as CMD — read through the options each documents: tini\'s `-s -g -v -w -p SIGNAL -e EXIT_CODE`, dumb-init\'s `-c`/`--single-child`, `-v`/`--verbose`, `-r`/`--rewrite s:r`, catatonit\'s `-g`; an option it does not document, one that makes it exit (`-h`, `-l`, `--version`), catatonit\'s pause mode `-P`, or, for tini and catatonit, whose getopt permutes its arguments, a word after the program that starts with `-` with no `--` before it (tini\'s README: "tini: invalid option", add the `--`) leave what runs not known) or in a shell-form one whose string is one plain command (`ENTRYPOINT docker-entrypoint.sh redis-server`, also after `exec`: it runs as `/bin/sh -c "…"` — or a POSIX SHELL of the stage —, so PID 1 is the shell, which is DF040\'s concern, but the shell runs the script with the words of its string, and the script still steps down; the shell form gets none of the CMD\'s words: Dockerfile reference, ENTRYPOINT, "The shell form of ENTRYPOINT prevents any CMD command line arguments from being used"; a string with an operator, a redirection, a variable or a substitution is not read; the exec form of the same, `["/bin/sh", "-c", "docker-entrypoint.sh redis-server"]`, is read as that shell form, and a word `"$@"` in its string stands for the words the shell is given after its `$0` — the first word after the string, then the CMD\'s — as POSIX sh sets them (`sh -c command_string [command_name [argument…]]`), so `["sh", "-c", "exec docker-entrypoint.sh \\"$@\\"", "--"]` with `CMD ["redis-server"]` runs the server, and without the `"--"` the CMD\'s first word is `$0` and the script gets no arguments) when nothing in the Dockerfile copies over or changes that script (this holds for the kept entrypoint too: a COPY or ADD whose destination is or may hold its path, `COPY --from` included — a COPY or ADD glob source (`COPY *.sh /usr/local/bin/`) is matched against the files of the build context as the Dockerfile reference says (COPY: Go\'s filepath.Match rules), only those the build sends: an entry the ignore file that applies (`<Dockerfile>.dockerignore`, else the context\'s `.dockerignore`, read as DF021 reads it) leaves out is not matched — "Files which match the patterns in a .dockerignore file are not present in the context of the image when it is built" (Docker build checks, CopyIgnoredFile) —, nor a folder it leaves out unless a `!` line may take something in it back; a file it matches is taken as copied under its own name — over the base image\'s script when it has that name, "may write over" it as `COPY .` does, and read when the ENTRYPOINT names it —, a folder it matches lands its files in the destination, followed down by name to the path asked as a plain folder source is (below): `COPY rootfs* /` writes `/usr/local/bin/docker-entrypoint.sh` only from `rootfs/usr/local/bin/docker-entrypoint.sh` when the build sends it, and two matches that may write the script (a file and a folder, two folders) leave it not known, as which is copied last is not read (for a path asked in the destination, the ignore file is matched against the entries of that name and the folders that hold one alone, not every entry — also for a destination written without a trailing slash, a folder when the glob matches more than one entry, which the first two entries sent tell; review55b, F2; globslash), and a glob that cannot be matched (a build context that cannot be known or listed, an ignore file there that cannot be read, a wildcard in a folder\'s name) may write any file there, as does a source whose name comes from a variable (`COPY $SCRIPT /usr/local/bin/`); one that matches no file of that name leaves the script as it is; a plain source that is a folder of the build context, with or without a trailing slash (`COPY bin /usr/local/bin`, `COPY scripts/ /usr/local/bin/`), lands its contents in the destination (Dockerfile reference, COPY: "If <src> is a directory, the entire contents of the directory are copied"), read from the context as a glob\'s folder is (the files the build sends, listed in each folder the context may be; looked up only for a path the check asks, such as the script\'s, so that `COPY data /docker-entrypoint-initdb.d` is never listed, and followed down by name, one folder at a time: `COPY rootfs/ /` writes `/usr/local/bin/docker-entrypoint.sh` only when the build sends `rootfs/usr/local/bin/docker-entrypoint.sh`, a folder on the way that is a symbolic link may hold anything; review55b, F4), and may write anything there when the context cannot be known or listed — a folder that is there but cannot be listed included —, when the source or a folder on its way is a symbolic link (Docker sends a link as a link and resolves a source\'s links inside the context, never the host folder they point to — moby/buildkit#2131: "There is no way to escape outside the root of build context"; #6905: a link that points outside the context is not followed and the build fails —: its target is not read), and, for a glob, past 5,000 entries matched (review54b, F1, F4, F6); an `ADD` of a local tar archive, known by its name (`.tar`, `.tar.gz`, `.tgz`, `.tar.bz2`, `.tar.xz`…) or its first bytes (gzip, bzip2, xz, zstd, `ustar`, or a first block that reads as a tar header, so an old v7 tar without `ustar` named `payload`, as DF015 reads them), may write anything in its destination (`ADD rootfs.tar.gz /`; Dockerfile reference, ADD, "Adding local tar archives": a local tar archive in a recognized compression format is unpacked as a directory; review54b, F3), and so does each local archive a wildcard source of an `ADD` matches (`ADD *.tar.gz /`: BuildKit tries to unpack every match, as it does a named one; review55b, F1); an `ADD --unpack=false` adds the archive whole, as a file, and an `ADD --unpack=true` (or `--unpack`) of a URL may write anything in its destination, as does an `ADD` of a Git repository (`https://…/repo.git`, `git@host:repo.git`, `git://`, `ssh://`: "The repository is cloned to the specified destination in the image") (Dockerfile reference, ADD --unpack: "Local tar archives are unpacked by default, whereas remote tar archives (where src is a URL) are downloaded without unpacking"; "Adding files from a Git repository"); a `COPY --parents` source keeps its folders below the destination (Dockerfile reference, COPY --parents: "The --parents flag preserves parent directories for src entries"; after a `./` in it only the folders after that), so a file lands at its path there and a glob or folder may write anything below it (review55b, F5) —, a RUN that may write it — `sed -i`, `cp`, `mv`, `install`, `ln -sf`, `tee`, a `>` redirection —, or, for the bare name, such a write of a file of that name into a folder of the PATH, the default one or one an `ENV PATH` of the Dockerfile adds, as the exec form\'s executable is looked up in the container\'s PATH, which ENV sets (Dockerfile reference, ENTRYPOINT; ENV: "The environment variables set using ENV will persist when a container is run from the resulting image"): then the script that runs is not known, and the warning stays whatever tool the Dockerfile names), with the server as its further words or in the CMD (only a CMD of the stage that writes the ENTRYPOINT or of a later one: an ENTRYPOINT resets the CMD it inherits, so with none the script gets no arguments and starts no server, except cassandra\'s and ClickHouse\'s); a shell-form CMD (`CMD redis-server /etc/redis.conf`) runs as `/bin/sh -c "…"` (or the stage\'s SHELL; Dockerfile reference, CMD), so that entrypoint gets `/bin/sh`, does not step down, and the warning stays. A command given to that entrypoint (the CMD, or the words after the script) that is not the server but runs the script again with it keeps the step-down: `CMD ["sh", "-c", "exec docker-entrypoint.sh postgres -c max_connections=200"]` (its string read as the exec-form `sh -c` ENTRYPOINT above is), `CMD ["docker-entrypoint.sh", "postgres"]`, also through a known init — the entrypoint runs a command that is not the server as it is, as root (`exec "$@"`, docker-library\'s docker-entrypoint.sh), and the script it runs again steps down; the string may expand a variable in the server\'s arguments (`postgres -c max_connections=${PG_MAX:-200}`) and run setup steps before, in the foreground, joined by `&&`, `;` or a newline (`chmod 600 /certs/server.key && exec docker-entrypoint.sh postgres -c ssl=on`), none that may replace the shell, change the PATH or change that script; a variable in the server\'s place, or a string that runs the script but is not read, is not known, and read as relying on the step-down (information, no fix) (review53b, finding 2); DC011 reads a service\'s `command:` and `entrypoint:` with the same function. A wrapper script that runs that entrypoint with no arguments (no CMD: the Dockerfile\'s ENTRYPOINT resets the base image\'s) keeps the step-down only for cassandra and ClickHouse, whose scripts start the server when given none. This holds whether the final stage has no USER or says `USER root`/`USER 0` explicitly (its own, reported on that line, or inherited from the stage it builds on): n8n\'s `USER root` + `RUN apk add su-exec` + an entrypoint that ends with `exec su-exec node n8n` is the same pattern. A final stage whose FROM names an earlier stage through a variable — `FROM runtime-$TARGETARCH`, the multi-platform pattern — is judged on each stage it could name: the stages whose names its literal parts match with the automatic platform ARG\'s values (architectures such as amd64 and arm64 for TARGETARCH, so not `runtime-rocm`) — also in `runtime-${TARGETARCH:-amd64}`: BuildKit always sets the automatic platform ARGs, so the fallback is never used and does not make it `runtime-amd64` alone —, or the stage a global ARG default names; it is reported only when every one of them runs as root the same way, and the fix is the same USER line in the final stage itself. An ARG without default that is no platform ARG may name any image: not judged.',
    why: 'A process running as root inside the container is root on the host\'s kernel: any escape (a kernel bug, a mounted socket, a writable host path) gives full control of the host. SECURITY-GUIDELINES.md §2: "Run as Non-root User – all services run with uid: 1000"; checklist: "Non-root user in Dockerfile".',
    bad: 'FROM node:24-alpine\nCOPY . /app\nCMD ["node", "/app/server.js"]',
    good: 'FROM node:24-alpine\nCOPY . /app\nUSER 1000\nCMD ["node", "/app/server.js"]',
    fix: 'Not offered when the final stage switches to root over a base image that runs as its own non-root user whose uid is not 1000, or not known to be (SQL Server 2019+\'s `mssql`, uid 10001; grafana\'s 472): `USER 1000` would not own the files the image gave that user (/var/opt/mssql); the message names the user to switch back to after what needs root. Not offered when the root user comes from an ARG default or a `${UID:-0}` fallback (change the default; builds may pass another value), or when the image steps down with gosu/su-exec in its ENTRYPOINT or CMD (it needs root to prepare volumes first, and the tool itself needs root: su-exec run as uid 1000 fails with `setgroups: Operation not permitted`), with no USER or with an explicit root USER. Over one of the data stores named above whose step-down the image does not reach (another command, a shell-form CMD, another ENTRYPOINT), the fix is "Run as USER <its service user>" (`redis`, `postgres`, `mysql`…, the user its entrypoint steps down to, from the table DC011 uses): that user owns the image\'s data directory, which uid 1000 may not (redis\'s /data belongs to uid 999); the message names it, and, when the step-down is not known because the Dockerfile may change that entrypoint script, says what does — the COPY, ADD or RUN and its line, and the `ENV PATH` line that puts its folder on the PATH —, not that the image bypasses it (the stages a variable FROM could name may do so on different lines: then the finding is reported as before, without naming one). Otherwise "Run as USER 1000" inserts `USER 1000` before the final stage\'s first CMD/ENTRYPOINT, unless a RUN comes after that point (USER applies to the RUN, CMD and ENTRYPOINT instructions that follow it, so those RUNs would lose root: the line then goes right after the stage\'s last RUN; COPY/ADD are not affected by USER); in a stage with neither, after its last instruction. A root `USER` line is replaced with `USER 1000` only when no RUN follows it in the stage; when RUNs follow it they need root (apt-get, writes to /etc), so it stays and `USER 1000` is added after the last RUN. Not offered when the file ends inside its last instruction (a line continuation, even when only comment or blank lines follow it, or a heredoc without its closing line): the appended line would become part of it. A numeric uid needs no user entry in /etc/passwd. On a base of Microsoft\'s .NET 8+ Linux images (`mcr.microsoft.com/dotnet/aspnet`, `runtime`, `runtime-deps`, `sdk`, also from `dotnet/nightly/`: a tag of 8.0 or later, `latest` or none), which run as root but define the non-root user `app` with its uid in `ENV APP_UID=1654`, the fix is "Run as USER $APP_UID" instead, the line Microsoft\'s .NET 8 container images announcement gives (the build expands it from the base image\'s ENV to 1654, a numeric uid, which Kubernetes\' `runAsNonRoot` needs; `USER 1000` would be a uid with no user, group or home there), and the message says so. Not offered when the final stage declares `ONBUILD RUN` triggers: they run in the build of an image FROM this one, as this image\'s USER, where an `apt-get install` would fail as uid 1000. No build step of this Dockerfile loses root, but the fix is a quick fix only, never applied by fix-all or `check --fix`: whether the process can run as uid 1000 depends on what it does at run time, which the Dockerfile does not show — binding a port below 1024, writing to paths root created (a WORKDIR, a VOLUME, /var/cache/nginx), an entrypoint script that steps down with su-exec or chowns a volume, a user the image created with another uid. In a review of 58 application Dockerfiles, 5 of the 28 insertions stopped the container from starting (n8n, pixelfed, saleor, PostHog, meilisearch). Check those, or use the image\'s own user: when the final stage (or a stage it builds on) creates one with `useradd`/`adduser` (the last one written, named plainly), "Run as USER <name>" is offered too, the same edit with that name — `useradd -r` gives a system uid below 1000, so `USER 1000` would not be that user (saleor, PostHog). Also a quick fix only.',
    guideline: '§2 Container Runtime Security — "Run as Non-root User"; Security Checklist — "Non-root user in Dockerfile"',
    equivalents: ['hadolint DL3002 (last USER should not be root)', 'Trivy DS-0002 (image user should not be root)', 'Checkov CKV_DOCKER_3 / CKV_DOCKER_8', 'KICS "Last User Is \'root\'" (67fd0c4a-68cf-46d7-8c41-bc9fba7e40ae: a stage whose last USER is root) and "Missing User Instruction" (no USER at all)'],
    references: ['https://docs.docker.com/reference/dockerfile/#user', 'https://docs.docker.com/reference/compose-file/merge/', 'https://docs.docker.com/compose/intro/compose-application-model/', 'https://docs.docker.com/reference/dockerfile/#cmd', 'https://docs.docker.com/reference/dockerfile/#entrypoint', 'https://docs.docker.com/reference/dockerfile/#copy', 'https://docs.docker.com/reference/dockerfile/#add---unpack', 'https://docs.docker.com/reference/dockerfile/#adding-files-from-a-git-repository', 'https://docs.docker.com/reference/dockerfile/#copy---parents', 'https://pkg.go.dev/path/filepath#Match', 'https://docs.docker.com/reference/build-checks/copy-ignored-file/', 'https://docs.docker.com/build/concepts/context/#dockerignore-files', 'https://docs.docker.com/reference/dockerfile/#understand-how-cmd-and-entrypoint-interact', 'https://docs.docker.com/reference/dockerfile/#env', 'https://docs.docker.com/build/building/best-practices/#user', 'https://learn.microsoft.com/dotnet/core/compatibility/containers/8.0/app-user', 'https://github.com/dotnet/dotnet-docker/discussions/4995', 'https://github.com/tianon/gosu#readme', 'https://github.com/krallin/tini#using-tini', 'https://github.com/Yelp/dumb-init#usage', 'https://github.com/openSUSE/catatonit', 'https://github.com/docker-library/cassandra/blob/master/docker-entrypoint.sh', 'https://github.com/ClickHouse/ClickHouse/blob/master/docker/server/entrypoint.sh', 'https://man7.org/linux/man-pages/man1/exec.1p.html', 'https://man7.org/linux/man-pages/man1/sh.1p.html', 'https://github.com/microsoft/mssql-docker/issues/549', 'https://docs.docker.com/reference/dockerfile/#automatic-platform-args-in-the-global-scope', 'https://docs.docker.com/build/building/multi-platform/'],
  },
  check(ctx) {
    const stage = ctx.finalStage;
    if (!stage || (stage.base.kind === 'scratch' && stage.instructions.length === 0)) return [];
    // `FROM runtime-$TARGETARCH`: judged on each stage it could name, reported when every one runs as root the same way (review 48b, item 2).
    let changed = false;
    const found = everyVariantGives(ctx, stage, (s) => {
      const detections = judgeFinal(ctx, s);
      if (detections.some((d) => d.data.scriptChanged !== undefined)) changed = true;
      return detections;
    });
    if (found.length > 0 || !changed) return withOtherTargets(ctx, found);
    // Stages that run as root the same way but change the base image's entrypoint script at different lines: reported as
    // before, without naming what changes it (its line is not the same in every stage the FROM could name).
    return withOtherTargets(ctx, everyVariantGives(ctx, stage, (s) => judgeFinal(ctx, s).map((d) => ('scriptChanged' in d.data ? { ...d, data: { ...d.data, scriptChanged: undefined } } : d))));
  },
  message: function dfMessage(d: Noted): string {
    if (d.otherTargets) return `${dfMessage({ ...d, otherTargets: undefined, moreTargets: undefined })} ${otherTargetsText(d)}`;
    // `USER ${UID:-0}` with nothing giving UID a value: its fallback is what a build without --build-arg uses.
    // The base image's ENV is not known: it is the one thing that could still give the variable a value.
    const byArg = d.fallback !== undefined ? ` (root unless ${d.fallback} has a value, which nothing in the Dockerfile gives it; only an ENV of the base image could)` : d.viaArg ? ', which its ARG or ENV value makes root' : '';
    const runs = d.fallback !== undefined ? 'most likely runs' : 'runs';
    const remedy = d.fallback !== undefined ? 'make the fallback a non-root uid (1000)' : 'give the variable a non-root uid (1000)';
    // The base image's entrypoint steps down to its service user, which this image does not reach: that user owns its data.
    // When the Dockerfile may change that entrypoint script, the message says what does, not that the image bypasses it.
    const own = d.ownUser === undefined ? undefined : d.scriptChanged ? `USER ${d.ownUser} (the base image's service user, which owns its data; uid 1000 may not)` : `USER ${d.ownUser} (the user the base image's entrypoint steps down to only when it runs the server, which owns its data; uid 1000 may not)`;
    const cause = d.scriptChanged ? `: ${describeEntrypointChange(d.scriptChanged)}, so whether it still steps down${d.ownUser !== undefined ? ` to ${d.ownUser}` : ''} is not known` : '';
    // Microsoft's .NET 8+ images define the user `app` (ENV APP_UID=1654); uid 1000 is no user there.
    const addUser = own ? `add ${own}` : d.dotnetApp ? "add USER $APP_UID (the non-root user 'app' that .NET 8+ images define)" : 'add a non-root USER (uid 1000)';
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
    if (d.problem === 'no-user' && d.inheritedRoot) return `The final stage has no USER of its own and inherits USER ${d.inheritedRoot}${byArg} from the stage it builds on, so the container ${runs} as root${cause}; ${d.viaArg ? remedy : addUser}.`;
    // An image the catalogue does not know may set its own USER (review 27, probe df-01): say what is known.
    if (d.problem === 'no-user' && d.unknownBase) return `The final stage has no USER and its base image '${d.unknownBase}' is not known to set a non-root one, so the container most likely runs as root; add a non-root USER (uid 1000), or check the base image's user.`;
    return d.problem === 'no-user'
      ? `The final stage has no USER, so the container runs as root${cause}; ${addUser}.`
      : `The final stage switches to USER ${d.user}${byArg}, so the container ${runs} as root${cause}; ${d.viaArg ? remedy : own ? `use ${own}` : d.dotnetApp ? "use USER $APP_UID (the non-root user 'app' that .NET 8+ images define)" : 'use a non-root user (uid 1000)'}.`;
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
