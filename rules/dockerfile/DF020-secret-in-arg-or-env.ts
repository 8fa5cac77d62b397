import * as path from 'node:path';
import type { Instruction, Onbuild, Property } from 'dockerfile-ast';
import { defineRule } from '../engine/rule';
import { isMap, isSeq, type ComposeContext, type Service } from '../engine/compose';
import type { DockerfileContext, RunInstruction, Stage } from '../engine/dockerfile';
import { servicesBuilding, type BuildingService } from '../engine/relations';
import { extendsChain } from '../engine/compose-lookup';
import { ServiceEnv } from '../engine/env-files';
import { composeFileNotRead, imageUses, pushedImage } from '../engine/image-uses';
import { deleteInstructionEdit, deleteListItemsEdit, shellVariableUses } from '../engine/run-commands';
import { authSwitch, CREDENTIAL_NAME_PIECE, isAccessKeyIdOfPair, isCredentialNameFor, isPathLike, isPlaceholderValue, isPublicKey, isTemplatePlaceholder } from '../engine/secrets';
import { carriedConfigCredential, connectionPasswords, isPlaceholderPassword, type ConnectionPassword } from '../engine/embedded-secrets';
import { TOKEN_PREFIX, tokenKind } from '../engine/secret-tokens';
import { buildsOn, imageStages, propertiesOf } from '../engine/stage-scope';
import { mayHoldPropertyText, resolveAt } from '../engine/df-instructions';
import { isDeclaredBefore } from '../engine/packages';
import { appendToMapEdit } from '../engine/yaml-edit';
import type { Detection, FileChange, Fix, Range, TextEdit } from '../engine/types';
import { dotenvMayBeCommitted, dotenvReadersElsewhere, moveToDotenvChanges } from '../compose/DC040-secret-inline';

interface Data {
  kind: 'ARG' | 'ENV';
  name: string;
  /** The ARG or ENV is an ONBUILD trigger: stored in this image's configuration, run by every image built on it. */
  onbuild?: true;
  /** The kind of known credential the value holds (`GitHub token`…), or null. */
  token: string | null;
  /** An ENV that ends up in the final image (final stage, or a stage it builds on). */
  inImage: boolean;
  /** An ARG declared before the first FROM. */
  global: boolean;
  /** For a global ARG: whether a FROM line reads it or a stage declares it again (only then can its value reach a build step). */
  globalRead?: boolean;
  /** The value when it is written literally (for the fix only; never in a message), else null. */
  literal: string | null;
  /**
   * The value is a connection string with a literal password, under any name: `scheme://user:password@host`
   * (review 13, probe df-05), a URL's `?password=`, Go's MySQL DSN, libpq's `password=`, `NEO4J_AUTH`'s
   * `user/password` — read as DC040 reads them (connectionPasswords). The password is for masking only.
   */
  connection?: { form: ConnectionPassword['form']; password: string; parameter?: string };
  /**
   * The value is a configuration carried whole with a literal credential in it (`{"db":{"password":…}}`,
   * `-Dspring.datasource.password=…`, an Azure Storage connection string's `AccountKey=`), read as DC040
   * reads one (carriedConfigCredential): the setting's key (a name, shown) and the credentials (masked only).
   */
  carried?: { key: string; values: string[] };
  /**
   * The value's range as written, when the finding is about the whole value and nothing in it is a
   * reference (`\$` escapes are literal text): masked wherever output prints the file (Rule.secretRanges).
   */
  valueRange?: Range;
  /** Where the instruction is: index of its stage (-1 for global ARGs, -2 for an ENV before the first FROM, which gets no fix) and of the instruction in it, and of the property. */
  stage: number;
  instruction: number;
  property: number;
}

/** A fill-me-in marker rather than a value: one character repeated (`0000-0000-…`, `XXXXXXXX`, `********`). */
function isStandIn(value: string): boolean {
  const v = value.replace(/[-_.\s]/g, '');
  return v.length > 0 && /^(.)\1*$/.test(v);
}

/**
 * The literal password of a connection string in the value (`postgres://app:pw@db/app`, `host=db password=pw`,
 * `app:pw@tcp(db)/app`, `jdbc:…?password=pw`, `NEO4J_AUTH=neo4j/pw`: connectionPasswords, DC040's reading), or null.
 */
function connectionPassword(name: string, raw: string | null): Data['connection'] | null {
  // Only the password must be literal: a variable elsewhere in the value (`…@mq:5672/$VHOST`) leaves it in the image (review 14, probe 10).
  if (raw === null || raw.includes('`')) return null;
  for (const p of connectionPasswords(name, raw)) {
    const pw = raw.slice(p.start, p.end);
    if (pw !== '' && !pw.includes('$') && !isPlaceholderPassword(pw) && !isStandIn(pw) && !isTemplatePlaceholder(pw)) return { form: p.form, password: pw, ...(p.parameter !== undefined ? { parameter: p.parameter } : {}) };
  }
  return null;
}

/** A literal credential in a configuration the value carries whole (carriedConfigCredential, DC040's reading), or null. */
function carriedCredential(raw: string | null): Data['carried'] | null {
  // A reference anywhere is left alone by the reader's values (`$` is no value character there); a backtick is not Dockerfile text to judge.
  if (raw === null || raw.includes('`')) return null;
  const found = carriedConfigCredential(raw);
  return found ? { key: found.key, values: [found.value, ...found.others] } : null;
}

/**
 * The range of a property's value as written, when no part of it is a reference: every `$` (and
 * backtick) escaped with the escape character (`Esc\$aped`, whose value getValue gives as `Esc$aped`,
 * so literalOf does not take it for literal text). Undefined for `ENV X=$Y`, `${Y:-default}` or no value.
 */
function literalValueRange(ctx: DockerfileContext, p: Property): Range | undefined {
  const range = p.getValueRange();
  if (!range) return undefined;
  const written = ctx.text.slice(ctx.offsetAt(range.start), ctx.offsetAt(range.end));
  return /[$`]/.test(written.replace(ctx.escapeChar === '`' ? BACKTICK_ESCAPED : BACKSLASH_ESCAPED, '')) ? undefined : range;
}

/** A character escaped with either escape character (the only two a Dockerfile may set), compiled once. */
const BACKSLASH_ESCAPED = /\\[\s\S]/g;
const BACKTICK_ESCAPED = /`[\s\S]/g;

/**
 * What a property check reports needs in the property's name or value (without case: a looser test): a credential's
 * name (isCredentialNameFor, CREDENTIAL_NAME_PIECE), a known token's prefix (tokenKind, TOKEN_PREFIX), what
 * connectionPasswords reads (`@`, `?`, `password=`, NEO4J_AUTH) or a carried configuration's credential key
 * (carriedConfigCredential: its keys are credential names; a value of several lines needs the escape character,
 * which mayHoldPropertyText answers for).
 */
const MAY_REPORT = new RegExp(`${CREDENTIAL_NAME_PIECE.source}|[@?]|${TOKEN_PREFIX.source}`, 'i');

function literalOf(raw: string | null): string | null {
  if (raw === null || /[$`]/.test(raw) || isPlaceholderValue(raw) || isStandIn(raw)) return null;
  return raw;
}

/** A value that is one `$NAME`/`${NAME}`/`${NAME:-default}` reference and nothing else (optionally in double quotes; review 20, probe 05). */
const ONLY_REFERENCE = /^"?(?:\$[A-Za-z_][A-Za-z0-9_]*|\$\{[A-Za-z_][A-Za-z0-9_]*(?::?[-+][^}]*)?\})"?$/;

/** Build arguments Docker predefines: usable without an ARG instruction, so never taken as undeclared. */
const PREDEFINED_ARGS = new Set(['HTTP_PROXY', 'HTTPS_PROXY', 'FTP_PROXY', 'NO_PROXY', 'ALL_PROXY'].flatMap((n) => [n, n.toLowerCase()]));

/**
 * Whether an ENV value is only references (`$X`, `${X}`, optionally in double quotes) to variables
 * that nothing declared before the instruction: no ARG earlier in the stage (a global ARG counts only
 * when the stage declares it again), no ENV earlier in the stage or in a stage it builds on. Per the
 * Dockerfile reference such a reference expands to the empty string, unless the base image's ENV
 * sets the variable — and then its value is already in this image's config, inherited from the base,
 * so this ENV adds nothing that `docker inspect` did not show before. Either way it stores no secret
 * of its own. Any other form (literal text, `${X:-default}`, `${X:+alt}`) is not judged here.
 */
function onlyUndeclaredReferences(ctx: DockerfileContext, stage: Stage, line: number, raw: string): boolean {
  const value = /^"(.*)"$/s.exec(raw)?.[1] ?? raw;
  if (!/^(?:\$[A-Za-z_][A-Za-z0-9_]*|\$\{[A-Za-z_][A-Za-z0-9_]*\})+$/.test(value)) return false;
  for (const m of value.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
    if (PREDEFINED_ARGS.has(m[1]) || isDeclaredBefore(ctx, stage, line, m[1])) return false;
  }
  return true;
}

/** What a value holds inside it, by kind and never by value: `a connection string with a literal password`, `a configuration with a literal AccountKey`. */
function embeddedKind(d: Data): string {
  if (d.carried) return `a configuration with a literal ${d.carried.key}`;
  if (d.connection?.form === 'user') return 'a URL with a literal token as its user';
  // A URL's query parameter named for a credential other than a password (`&license_key=`, `?access_token=`: review 56c, L1).
  const parameter = d.connection?.form === 'query' ? d.connection.parameter : undefined;
  if (parameter !== undefined && !/^(?:password|passwd|pwd|pass|p)$/i.test(parameter)) return `a URL with a literal credential (${parameter})`;
  return d.connection?.form === 'neo4j' ? 'a literal Neo4j initial password (user/password)' : 'a connection string with a literal password';
}

function instructionOf(ctx: DockerfileContext, d: Data): Instruction | undefined {
  return d.stage === -1 ? ctx.ast.getInitialARGs()[d.instruction] : ctx.stages[d.stage]?.instructions[d.instruction];
}

/** A variable's name as `mentions` reads it from the text: letters, digits and `_`. */
const PLAIN_NAME = /^[A-Za-z0-9_]+$/;

/**
 * What the fixes ask of the instructions, gathered once per analysis (review 45c, item 3: a new regular expression
 * for every finding and later instruction made the fixes O(findings × instructions)): the names each instruction
 * mentions, the last instruction of each stage that mentions each name and the last RUN/ONBUILD of each stage, the
 * stages that see each stage's ENVs, and each RUN's parsed scripts.
 */
interface FixIndex {
  names: Map<Instruction, Set<string>>;
  lastMention: Map<Stage, Map<string, number>>;
  lastRun: Map<Stage, number>;
  seeing: Map<Stage, Stage[]>;
  runOf?: Map<Instruction, RunInstruction>;
}

const fixIndexes = new WeakMap<DockerfileContext, FixIndex>();

function fixIndex(ctx: DockerfileContext): FixIndex {
  let index = fixIndexes.get(ctx);
  if (!index) fixIndexes.set(ctx, (index = { names: new Map(), lastMention: new Map(), lastRun: new Map(), seeing: new Map() }));
  return index;
}

/** The names an instruction's text mentions as `$NAME` / `${NAME…}` in any form (`${#NAME}`, `$!NAME`…). */
function namesMentioned(ctx: DockerfileContext, ins: Instruction): Set<string> {
  const { names } = fixIndex(ctx);
  let set = names.get(ins);
  if (!set) {
    const r = ins.getRange();
    const text = ctx.text.slice(ctx.offsetAt(r.start), ctx.offsetAt(r.end));
    set = new Set();
    for (const m of text.matchAll(/\$\{?[#!]?([A-Za-z0-9_]+)/g)) set.add(m[1]);
    names.set(ins, set);
  }
  return set;
}

/** Whether an instruction's text mentions `$NAME` / `${NAME…}` in any form. */
function mentions(ctx: DockerfileContext, ins: Instruction, name: string): boolean {
  if (PLAIN_NAME.test(name)) return namesMentioned(ctx, ins).has(name);
  const r = ins.getRange();
  const text = ctx.text.slice(ctx.offsetAt(r.start), ctx.offsetAt(r.end));
  return new RegExp(`\\$\\{?[#!]?${name}(?![A-Za-z0-9_])`).test(text);
}

/** The index in `stage.instructions` of the last instruction that mentions `name` (-1 if none). */
function lastMentionIn(ctx: DockerfileContext, stage: Stage, name: string): number {
  const index = fixIndex(ctx);
  let last = index.lastMention.get(stage);
  if (!last) {
    last = new Map();
    for (const [k, ins] of stage.instructions.entries()) for (const n of namesMentioned(ctx, ins)) last.set(n, k);
    index.lastMention.set(stage, last);
  }
  return last.get(name) ?? -1;
}

/** The index in `stage.instructions` of its last RUN or ONBUILD (-1 if none). */
function lastRunIn(ctx: DockerfileContext, stage: Stage): number {
  const index = fixIndex(ctx);
  let last = index.lastRun.get(stage);
  if (last === undefined) {
    last = -1;
    for (const [k, ins] of stage.instructions.entries()) if (ins.getKeyword() === 'RUN' || ins.getKeyword() === 'ONBUILD') last = k;
    index.lastRun.set(stage, last);
  }
  return last;
}

/** The RUN instruction (with its scripts) of an instruction. */
function runOf(ctx: DockerfileContext, ins: Instruction): RunInstruction | undefined {
  const index = fixIndex(ctx);
  if (!index.runOf) {
    index.runOf = new Map();
    for (const r of ctx.runs()) if (!index.runOf.has(r.instruction)) index.runOf.set(r.instruction, r);
  }
  return index.runOf.get(ins);
}

function removePropertyEdit(ctx: DockerfileContext, ins: Instruction, index: number): TextEdit | undefined {
  const props = propertiesOf(ins);
  if (props.length === 1) return deleteInstructionEdit(ctx, ins);
  const spans = props.map((p) => ({ start: ctx.offsetAt(p.getRange().start), end: ctx.offsetAt(p.getRange().end) }));
  return deleteListItemsEdit(ctx, spans, index);
}

/** Adds `NAME: ${NAME}` to a service's environment (either form, or a new `environment:`). */
function provideEnvEdit(compose: ComposeContext, service: Service, name: string): TextEdit | undefined | null {
  const entry = compose.serviceGet(service, 'environment');
  if (!entry) {
    if (compose.isShared(service.map)) return undefined;
    return appendToMapEdit(compose, service.map, ['environment:', `  ${name}: \${${name}}`]);
  }
  if (entry.shared || !entry.value) return undefined;
  if (compose.environment(service).some((e) => e.name === name)) return null; // already provided
  if (isMap(entry.value)) {
    if (entry.value.items.length === 0) return undefined;
    return appendToMapEdit(compose, entry.value, [`${name}: \${${name}}`]);
  }
  if (isSeq(entry.value) && !entry.value.flow && entry.value.items.length > 0) {
    const last = entry.value.items[entry.value.items.length - 1] as { range?: [number, number, number] };
    if (!last.range) return undefined;
    const line = compose.lines.positionAt(last.range[0]).line;
    const lineText = compose.lines.lineText(line);
    const m = /^([ ]*-[ ]+)/.exec(lineText);
    if (!m) return undefined;
    const endLine = compose.lines.positionAt(Math.max(last.range[0], last.range[1] - 1)).line;
    const at = { line: endLine, character: compose.lines.lineText(endLine).length };
    return { range: { start: at, end: at }, newText: `${compose.lines.eol}${m[1]}${name}=\${${name}}` };
  }
  return undefined;
}

/** The compose services that build this Dockerfile into an image that holds `stage` (its target, or the final stage, builds on it). */
function servicesRunningStage(ctx: DockerfileContext, stage: Stage): BuildingService[] {
  return servicesBuilding(ctx.workspace, ctx.path, ctx.options).filter((b) => {
    const target = b.build.target ? ctx.stages.find((s) => s.name === b.build.target!.toLowerCase()) : ctx.finalStage;
    return !!target && buildsOn(target, stage);
  });
}

/** `${NAME}`, `$NAME`, `${NAME:-default}`, `${NAME?err}`…: a value Compose reads from the variable of the same name (the `.env` the fix writes). */
function readsVariable(raw: string, name: string): boolean {
  return raw === `$${name}` || new RegExp(`^\\$\\{${name}(?::?[-?][^}]*)?\\}$`).test(raw);
}

/**
 * How a building service gives the container the variable itself, in Compose's order: `environment:`
 * (its own, merged with `<<`, or inherited through `extends:`) beats every `env_file:`
 * (https://docs.docker.com/compose/how-tos/environment-variables/envvars-precedence/).
 * 'reads' when its `environment:` reads the variable of that name (`NAME: ${NAME}`, or `NAME` passed
 * through), which the fix's `.env` then sets; 'sets' when its `environment:` gives another value or an
 * env file sets the name; 'maybe' when an env file (or a base service) that could set it cannot be read;
 * 'none' otherwise.
 */
function ownValueOf(b: BuildingService, name: string): 'reads' | 'sets' | 'maybe' | 'none' {
  const { chain, unknown } = extendsChain(b.compose, b.service);
  const levels = chain.map((l) => new ServiceEnv(l.ctx, l.service));
  for (const env of levels) {
    const found = env.fromEnvironment(name);
    if (found.state === 'unset') continue;
    if (found.state !== 'unknown' && found.env && (found.env.value === null || readsVariable(found.env.value, name))) return 'reads';
    return 'sets';
  }
  if (unknown) return 'maybe';
  let maybe = false;
  for (const env of levels) {
    const found = env.fromFiles(name);
    if (found.state === 'set' || found.state === 'unknown-value') return 'sets';
    if (found.state === 'unknown') maybe = true;
  }
  return maybe ? 'maybe' : 'none';
}

/** The compose changes that hand an ENV removed from the image to the services that build it, through .env. */
function composeChanges(ctx: DockerfileContext, stage: Stage, name: string, value: string): { changes: FileChange[]; services: string[]; readElsewhere: boolean } | undefined {
  const building = servicesRunningStage(ctx, stage);
  const changes: FileChange[] = [];
  const services: string[] = [];
  let readElsewhere = false;
  const byCompose = new Map<string, typeof building>();
  for (const b of building) byCompose.set(b.compose.path, [...(byCompose.get(b.compose.path) ?? []), b]);
  for (const [composePath, list] of byCompose) {
    const compose = list[0].compose;
    const edits: TextEdit[] = [];
    for (const b of list) {
      const edit = provideEnvEdit(compose, b.service, name);
      if (edit === undefined) return undefined;
      if (edit) edits.push(edit);
      services.push(b.service.name);
    }
    const dotenv = moveToDotenvChanges(compose, name, value);
    if (!dotenv) return undefined;
    // Another reader of the variable (in the compose file, or a compose file sharing its .env) would change.
    const readers = dotenvReadersElsewhere(compose, [name], []);
    // A .env that git does not ignore may be committed: the secret would move into another committed file.
    if (readers === null || readers.length > 0 || dotenvMayBeCommitted(compose)) readElsewhere = true;
    if (edits.length > 0) changes.push({ kind: 'edit', path: composePath, edits });
    changes.push(...dotenv);
  }
  return { changes, services, readElsewhere };
}

/** The stages whose RUNs see an ENV of `stage` (the stage and those built on it). */
function stagesSeeing(ctx: DockerfileContext, stage: Stage): Stage[] {
  const { seeing } = fixIndex(ctx);
  let stages = seeing.get(stage);
  if (!stages) seeing.set(stage, (stages = ctx.stages.filter((s) => buildsOn(s, stage))));
  return stages;
}

function envFix(ctx: DockerfileContext, d: Data, ins: Instruction): Fix | undefined {
  const stage = ctx.stages[d.stage];
  if (d.literal === null || !stage) return undefined;
  // A later instruction that reads the variable would change: no fix.
  let laterRun = false;
  for (const s of stagesSeeing(ctx, stage)) {
    const after = s === stage ? d.instruction : -1;
    if (PLAIN_NAME.test(d.name)) {
      if (lastMentionIn(ctx, s, d.name) > after) return undefined;
    } else {
      for (const [k, other] of s.instructions.entries()) if (k > after && mentions(ctx, other, d.name)) return undefined;
    }
    if (lastRunIn(ctx, s) > after) laterRun = true;
  }
  const removal = removePropertyEdit(ctx, ins, d.property);
  if (!removal) return undefined;
  const dockerfileChange: FileChange = { kind: 'edit', path: ctx.path, edits: [removal] };
  if (!d.inImage) return { title: `Remove ${d.name} from the Dockerfile`, safe: false, changes: [dockerfileChange] };
  const building = servicesRunningStage(ctx, stage);
  const own = building.map((b) => ownValueOf(b, d.name));
  // A service that sets the name itself runs with its own value, not the image's: writing the image's
  // (often a development default) into .env would override an env_file's value (`environment:` wins),
  // and would leave DC040 no room to move a value written in the compose file (review 40b, r1, p23).
  const setting = building.filter((_, k) => own[k] === 'sets').map((b) => b.service.name);
  if (setting.length > 0) return { title: `Remove ${d.name} from the image (service ${setting.join(', ')} sets it)`, safe: false, changes: [dockerfileChange] };
  const provided = composeChanges(ctx, stage, d.name, d.literal);
  if (!provided) return undefined;
  if (provided.services.length === 0) return { title: `Remove ${d.name} from the image`, safe: false, changes: [dockerfileChange] };
  // Others that get the image: a service that runs it without building it, a Dockerfile built on it (review 40b).
  const uses = laterRun || provided.readElsewhere ? undefined : imageUses(ctx, stage);
  // A building service that names a registry image: `docker compose push` publishes it, and wherever it runs outside this project it loses the variable (review 55c, F2).
  const pushed = building.map((b) => ({ name: b.service.name, image: pushedImage(b) })).find((p) => p.image !== undefined);
  // A compose file docker compose may load with it (COMPOSE_FILE, `-f compose.prod.yaml`) is not read: it may build or push the image without the variable (review57, F3).
  const unread = pushed ? undefined : building.map((b) => ({ b, file: composeFileNotRead(b, ctx.path) })).find((u) => u.file !== undefined);
  const why = pushed
    ? `; ${pushed.image === 'unknown' ? `the image of service ${pushed.name} cannot be read and may be pushed` : `service ${pushed.name} names the registry image ${pushed.image}, which docker compose push publishes without ${d.name}`}`
    : unread
      ? `; ${path.relative(unread.b.compose.dir, unread.file!)} may also build, run or push this image and is not read`
      : '';
  return {
    title: `Move ${d.name} to .env (service ${provided.services.join(', ')}${why})`,
    // The running service gets the same value; a RUN after it might have read it at build time, and
    // another reader of the variable in the compose project would now get it too; an env file that
    // cannot be read may set it (then the moved value would win over it).
    safe: uses !== undefined && !pushed && !unread && !own.includes('maybe') && uses.runs.length === 0 && uses.builtOn.length === 0 && !uses.unknown,
    changes: [dockerfileChange, ...provided.changes],
  };
}

/** Whether a global ARG is read: by a FROM line, or by a stage that declares it again (the only ways a global ARG reaches a build). */
function globalArgRead(ctx: DockerfileContext, name: string): boolean {
  return ctx.stages.some((s) => mentions(ctx, s.from, name) || s.instructions.some((i) => i.getKeyword() === 'ARG' && propertiesOf(i).some((p) => p.getName() === name)));
}

function argFix(ctx: DockerfileContext, d: Data, ins: Instruction): Fix | undefined {
  const removal = removePropertyEdit(ctx, ins, d.property);
  if (!removal) return undefined;
  if (d.global) {
    if (globalArgRead(ctx, d.name)) return undefined;
    return { title: `Remove the unused ARG ${d.name}`, safe: true, changes: [{ kind: 'edit', path: ctx.path, edits: [removal] }] };
  }
  const stage = ctx.stages[d.stage];
  if (!stage) return undefined;
  const edits: TextEdit[] = [removal];
  const id = d.name;
  const replacement = `$(cat /run/secrets/${id})`;
  for (const other of stage.instructions.slice(d.instruction + 1)) {
    const kw = other.getKeyword();
    if (kw !== 'RUN') {
      if (mentions(ctx, other, d.name)) return undefined;
      if (kw === 'ARG' && propertiesOf(other).some((p) => p.getName() === d.name)) return undefined;
      continue;
    }
    // Every RUN in the ARG's scope sees it in its environment: each must use it explicitly (and only
    // in forms that can be rewritten), so that no program of the RUN reads it unseen.
    const run = runOf(ctx, other);
    if (!run) return undefined;
    const uses = run.scripts.flatMap((s) => {
      if (s.json || !s.isShell) return mentions(ctx, other, d.name) ? [{ start: 0, end: 0, plain: false }] : [];
      return shellVariableUses(s.source, d.name);
    });
    if (uses.length === 0 || uses.some((u) => !u.plain)) return undefined;
    const keywordEnd = other.getInstructionRange().end;
    edits.push({ range: { start: keywordEnd, end: keywordEnd }, newText: ` --mount=type=secret,id=${id}` });
    for (const u of uses) edits.push({ range: ctx.rangeOfOffsets(u.start, u.end), newText: replacement });
  }
  if (edits.length === 1) return undefined; // not used by any RUN here: a program may read it from the environment unseen
  return {
    title: `Pass ${d.name} as a build secret`,
    // The build command changes: `docker build --secret id=NAME,env=NAME` instead of `--build-arg`.
    safe: false,
    changes: [{ kind: 'edit', path: ctx.path, edits }],
  };
}

export default defineRule<'dockerfile', Data>({
  code: 'DF020',
  name: 'secret-in-arg-or-env',
  kind: 'dockerfile',
  severity: 'warning',
  fixable: 'sometimes',
  docs: {
    summary: 'An ARG or ENV carries a credential: a credential-named value, a known token, a connection string\'s password.',
    what: 'Flags ARG and ENV instructions that carry a credential: a credential-shaped name (`*PASSWORD*`, `*SECRET*`, `*TOKEN*`, `*API_KEY*`, `*PRIVATE_KEY*`, `*ACCESS_KEY*`, `*MASTER_KEY*`, `*ENCRYPTION_KEY*`, `*SIGNING_KEY*`, `*LICENSE_KEY*`, `*SERVICE_ROLE_KEY*`, `APP_KEY`, `SESSION_KEY`, `COOKIE_KEY`, `*CREDENTIALS*`, Azure Storage\'s `*ACCOUNT_KEY*` and `AZURE_STORAGE_KEY`, a Redis password under `REDIS_AUTH`, `REDISCLI_AUTH` or `MASTERAUTH` (not another `*_AUTH` by its name alone, nor a switch such as `REDIS_AUTH=yes`), a personal access token (`PAT`, or after a forge\'s name: `GH_PAT`, `GITLAB_PAT`, `ADO_PAT`; not `*_PAT` for a pattern such as `EXCLUDE_PAT`)…, and a generic `*_KEY` or `*_AUTH` name (`OPENAI_KEY`, `SENDGRID_KEY`, `SMTP_AUTH`, `BASIC_AUTH`, `key`, `auth`) when its literal value looks like an issued credential — a known token format, or a random string of 16 characters or more of a key\'s alphabet (letters, digits, `_-+/=.`, no blank) that mixes upper case, lower case and digits, changes between them at least every third character and uses ten different characters or more; hex strings (a GPG fingerprint such as the python image\'s `ENV GPG_KEY 0D96DF4D…`, a checksum, a UUID) and words (`PRIMARY_KEY=id`, `SMTP_AUTH=login`) do not count, nor names of data or public material whatever their value (`PRIMARY_KEY`, `SORT_KEY`, `PARTITION_KEY`, `CACHE_KEY`, `ROUTING_KEY`…, `*_PUBLIC_KEY`, `GPG_KEY`, `PGP_KEY`, Web Push\'s `VAPID_KEY`, reCAPTCHA\'s `SITE_KEY`, Stripe\'s `PUBLISHABLE_KEY`, Supabase\'s `ANON_KEY`), nor `NEO4J_AUTH` (read as `user/password` below) —, but not settings about one such as `*_FILE`, `*_PATH`, `*_USER`, nor the identifier half of a key pair, as DC040 reads them (`*_ACCESS_KEY_ID`, `*_KEY_ID`, Tencent Cloud\'s `*_SECRET_ID` but not Vault\'s AppRole `VAULT_SECRET_ID`, MinIO\'s `MINIO_ACCESS_KEY`, and a `*_ACCESS_KEY` whose `*_SECRET_KEY` the same stage or the global ARGs also name: a real `AKIA…` id is still reported by its format), nor a value that is a file\'s path (`GOOGLE_APPLICATION_CREDENTIALS=/var/secrets/google/key.json`, `JWT_PRIVATE_KEY=/run/secrets/jwt.pem`, `$HOME/keys/app.key`: a path with a folder or a file extension, path characters only), nor keys and tokens under a prefix that front-end build tools compile into browser code — `VITE_`, `NEXT_PUBLIC_`, `REACT_APP_`, `NUXT_PUBLIC_`, `EXPO_PUBLIC_`, `GATSBY_`, `PUBLIC_` — which are public by design and which a secret mount could not keep out of the shipped code; a `*SECRET*` or `*PASSWORD*` there is still reported), or a value shaped like a known token (AWS access key id, GitHub, GitLab, Slack or npm token, Stripe live key, SendGrid `SG.…`, Mailchimp `…-us12` or Mailgun `key-…` API key (Mailgun\'s legacy private key: `key-` and 32 hex digits; not its public `pubkey-…`), PEM private key) — an error whatever the name —, or a connection string with a literal password (`postgres://app:<password>@db/app`, under any name such as `DATABASE_URL`; not when the password is a `${…}` reference or a placeholder; the URL is read as a URL parser reads its authority (WHATWG URL Standard, RFC 3986 §3.2): it ends at the first `/`, `?` or `#`, its last `@` ends the userinfo, and the userinfo\'s first `:` ends the user, so the user may be a mail address (`smtps://alerts@example.com:<password>@smtp.example.com`), the password may hold `@` or `:` (`app:p@ss@db` is the password `p@ss`; `svc:pw@host:443@8443` is `pw@host:443`, on host 8443), and a bracketed IPv6 host (`@[::1]:6379`) changes nothing; an empty password (`redis://:@cache`) is none; a password with an unencoded `?` or `#` (`postgres://app:pa#ss@db/app`) runs to the first `@` after it, as libpq reads a URL\'s userinfo (up to the first `@` or `/`: fe-connect.c, conninfo_uri_parse_options; a WHATWG parser would cut the URL there, but the password is written in the file either way), not when the `?` or `#` follows a port (`http://localhost:8080?email=ops@example.com`)), or another connection string with a literal password, read with DC040\'s own readers (its clause (3), the same functions): the DSN of Go\'s MySQL driver (`app:<password>@tcp(db:3306)/app`), libpq\'s keyword/value form (`host=db user=app password=<password>`, also single-quoted, `password=\'a b c\'`, or with spaces around `=`, beside another libpq keyword), a URL\'s query parameter (`jdbc:postgresql://db/app?user=app&password=<password>`, nocodb\'s `?u=app&p=<password>`, or one named for a credential as DF022 reads a RUN\'s URLs: MaxMind\'s `&license_key=`, OAuth 2.0\'s `?access_token=` (RFC 6750, section 2.3), a generic `key` only with a value that looks issued; the message names the parameter), a random token written as a URL\'s user with no password (`https://<token>@github.com/…`: 16 characters or more mixing upper case, lower case and digits, or 40 hexadecimal digits; not `git@` or `deploy@`; one of a known format is reported by its kind), Neo4j\'s initial password after the slash of `NEO4J_AUTH=neo4j/<password>` (`none` holds none); or a credential in a configuration that the variable carries whole, on one line (a JSON object, `{"spring.datasource.password":"<password>"}`, a Java system property, `-Dspring.datasource.password=<password>`, a Kafka JAAS config, `… password="<password>";`, an Azure Storage connection string\'s `AccountKey=` or a Service Bus one\'s `SharedAccessKey=`, two settings or more or a dotted key) or one `key: value`/`key=value` per line, and GitLab\'s Ruby settings (`gitlab_rails[\'initial_root_password\'] = \'<password>\'`); not settings about a credential (`password_min_length`, `-Dpassword.min.length=12`, `token_exchange=enabled`), stand-ins (`redacted`), paths and URLs. In both, a password that is a reference (`password=${PG_PASS}`) or a placeholder (`<password>`, `%s`, mostly x\'s, one character repeated, `dummy`) is not reported. The message names the variable and the kind (`holds a connection string with a literal password`, `holds a configuration with a literal AccountKey`: the setting\'s name), never the value; the fix is the one any ENV or ARG with a literal value gets (below): the whole variable moves, the value is not rewritten. Scope, decided per instruction: an ARG is judged in every stage (its value is recorded in that stage\'s history, build cache and provenance, whatever stage it is in; a global ARG only when it has a default); an ENV is judged in the final stage and in the stages it builds on (it persists in the image config; with a final FROM that names a stage through a variable, `FROM runtime-$TARGETARCH`, each stage it could name — the automatic platform ARG\'s values or a global ARG default — and the stages that one builds on, since it is the image on that platform), and in other builder stages only when its value is written literally (the secret is then in the Dockerfile itself). Empty or placeholder values (`""`, `true`, `none`) and fill-me-in markers made of one repeated character (`00000000-0000-…`, `XXXXXXXX`) are not credentials; a default such as `password` or `admin` is (SECURITY-GUIDELINES.md §4: "Always change default credentials"). An ENV whose value is only references (`${NAME}`, `$NAME`, optionally double-quoted) to variables nothing declares before it — no ARG earlier in the stage (a global ARG only once the stage declares it again with `ARG NAME`), no earlier ENV in the stage or in a stage it builds on, not a predefined proxy argument — is not reported: the Dockerfile reference ("Environment replacement") expands it to the empty string, and `--build-arg` cannot set it without an ARG. The base image\'s ENV is not known to the engine; if the base does set the variable, its value is already in this image\'s config (ENV is inherited), so the line stores nothing that was not there before — the secret, if any, is the base image\'s finding. Values with literal text or with `${NAME:-default}`/`${NAME:+alt}` forms are still judged as before. An OpenSSH or PEM public key is not a secret, under any name: an ARG whose default is one, and an ENV whose value resolves to one through such an ARG (`ARG SSH_KEY="ssh-ed25519 AAAA…"` then `ENV SSH_KEY=$SSH_KEY`), are not reported. ONBUILD ARG and ENV triggers are judged too when they write the value out (`ONBUILD ENV API_TOKEN=…`: the trigger, with its value, is kept in the image\'s configuration); they get no fix. An ENV before the first FROM (a file Docker refuses, DF051) is in no stage: its literal value is judged all the same, since it is committed with the Dockerfile, and it gets no fix. The message names the variable, never its value.',
    why: 'ENV values are part of the image: anyone who can pull it reads them with `docker inspect`, and every container (and every process in it) inherits them. ARG values are written into the image history (`docker history`) and into max-mode provenance attestations, and a default value is committed with the Dockerfile. SECURITY-GUIDELINES.md §5: "DO NOT commit secrets to version control" and "Use environment variables or secrets management"; checklist: "All secrets configured externally".',
    bad: 'FROM node:24-alpine\nARG NPM_TOKEN\nRUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc\nENV API_KEY=sk_live_4f9a…',
    good: 'FROM node:24-alpine\nRUN --mount=type=secret,id=NPM_TOKEN echo "//registry.npmjs.org/:_authToken=$(cat /run/secrets/NPM_TOKEN)" > .npmrc && npm ci && rm .npmrc\n# API_KEY comes from the service\'s environment (compose: API_KEY: ${API_KEY}, value in the git-ignored .env)',
    fix: 'ENV with a literal value: "Move NAME to .env" removes it from the Dockerfile and, for each compose service in the workspace that builds this Dockerfile (a stage that includes it), adds `NAME: ${NAME}` to the service\'s `environment:` and puts the value in the git-ignored `.env` (the same mechanics as DC040: `.gitignore` and `.env.example` are updated). Safe when no RUN after the ENV could have read it at build time and nothing else in the compose project reads the variable (the compose file elsewhere, or another compose file beside the `.env`: writing it there would change what they interpolate, see DC040) and the `.env` is new or git-ignored (an existing `.env` git does not ignore may be committed), and nothing else gets the image (review 40b): not safe when a service runs the image without building it (in the compose files read around the Dockerfile, or another `compose.*.yaml`/`docker-compose*.yml` beside the compose file that builds it, such as a `compose.prod.yaml` that runs `ghcr.io/acme/api:${TAG}`; names compared by repository, whatever the tag and registry host, a variable without a value standing for any text), when another Dockerfile is built on it (its `FROM` names the image, also through `build.args` or ARG defaults, or its service gives it as `additional_contexts: { base: "service:<name>" }`), when either cannot be known (a folder that cannot be listed, an `extends:` or a build whose Dockerfile cannot be read), or when an `env_file:` of a building service (its own, merged with `<<` or inherited through `extends:`) cannot be read — all of them would lose the variable or get another value; nor when a building service names a registry image as its `image:` (a registry host or a Docker Hub namespace, `build: .` with `image: ghcr.io/acme/api:${TAG}` or `acme/api`; a variable whose value is not known may be one; in the compose file itself or, merged as `docker compose` merges the default pair, in the `compose.override.yaml` beside it — which may name the image of a service compose.yaml builds, or build a service compose.yaml names the image of —; review56b, F1): that is the image `docker compose push` publishes (https://docs.docker.com/reference/cli/docker/compose/push/), and wherever it runs outside this project (another host, Kubernetes, `docker run`) it would start without the variable, so the title says so ("Move NAME to .env (service api; service api names the registry image ghcr.io/acme/api:${TAG}, which docker compose push publishes without NAME)") and the move is a quick fix only (a local name such as `api:dev` is not pushed anywhere). The image of the default override\'s service counts when that service `extends:` another too (compose-go resolves `extends:` within each file before it merges the override). Not safe either when `docker compose` may load a compose file that is not read here with the file of a building service (review57): one the `.env` beside it names in `COMPOSE_FILE` other than the default files (Compose reads its pre-defined variables from that `.env`, https://docs.docker.com/compose/how-tos/environment-variables/envvars/), or another file named as a compose file in its folder, read only with `-f` (`compose.prod.yaml`), that builds the Dockerfile or defines a service of the same name (`docker compose -f compose.yaml -f compose.prod.yaml` merges services by name): that file may build, run or push the image without the variable, and the title names it ("… compose.prod.yaml may also build, run or push this image and is not read"). When a building service already sets the name itself — in its `environment:` with a value other than `${NAME}` (`NAME: ${NAME:-…}` and a bare `NAME` read the `.env`), or in an env file that sets it — it runs with that value, not the image\'s (`environment:` also beats `env_file:`, so adding `NAME: ${NAME}` would override the env file\'s value): the fix is then "Remove NAME from the image (service … sets it)", a quick fix only, which writes nothing to `.env` (the Dockerfile\'s value, often a development default, would be read by no service there, and DC040 could then not move a value written in the compose file to `.env`). Without a compose service it is offered as the unsafe "Remove NAME from the image" (provide it at run time yourself). ARG: "Pass NAME as a build secret" deletes the ARG, adds `--mount=type=secret,id=NAME` to every RUN in its scope and rewrites their `$NAME`/`${NAME}` to `$(cat /run/secrets/NAME)`; offered only when every RUN after the ARG in the stage uses it explicitly in those plain forms (a RUN that does not mention it might still read it from the environment), no other instruction uses it, and no ONBUILD or JSON-form RUN mentions it. Not safe: build it with `docker build --secret id=NAME,env=NAME` (or compose `build.secrets`) instead of `--build-arg`; any default value is dropped. A global ARG that nothing reads is simply removed. No fix for values built from other variables, for properties a comment separates, when `.env` already holds another value for the name, when the compose file is an included one whose including project defines the name (Compose would take that project\'s value: as DC040), or when the env file is a template or a file git tracks (as DC040).',
    guideline: '§5 Secrets Management — "DO NOT commit secrets to version control", "Use environment variables or secrets management"; checklist "Secrets not in version control", "All secrets configured externally"',
    equivalents: ['BuildKit build check SecretsUsedInArgOrEnv — the reference for names: it reports an ARG or ENV whose name holds `apikey`, `auth`, `credential(s)`, `key`, `password`, `pword`, `passwd`, `secret` or `token` between `_` or the name\'s ends (not `public`), whatever its value, so also `GPG_KEY`, `SORT_KEY` or `REDIS_AUTH=yes`; DF020 takes the same words but judges a generic `*_KEY`/`*_AUTH` name by its value (above), skips empty, placeholder and path values, and also reads known token formats and connection strings under any name', 'Trivy DS-0031 (secrets passed via build-args or envs)', 'hadolint DL3064 (potentially sensitive data in ARG or ENV; recent hadolint releases)', 'Checkov CKV_SECRET_* (secret values in files)'],
    references: [
      'https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/',
      'https://docs.docker.com/build/building/secrets/',
      'https://docs.docker.com/reference/dockerfile/#arg',
      'https://www.rfc-editor.org/rfc/rfc6750#section-2.3',
      'https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-KEYWORD-VALUE',
      'https://docs.docker.com/reference/dockerfile/#run---mounttypesecret',
      'https://github.com/aquasecurity/trivy-checks/blob/main/checks/docker/leaked_secrets.rego',
      'https://github.com/hadolint/hadolint/blob/master/src/Hadolint/Rule/DL3064.hs',
      'https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/about-authentication-to-github#githubs-token-formats',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids',
      'https://docs.docker.com/reference/dockerfile/#automatic-platform-args-in-the-global-scope',
      'https://docs.docker.com/reference/cli/docker/compose/push/',
    ],
  },
  check(ctx) {
    const out: Detection<Data>[] = [];
    // The stages in the image: the final stage's chain, and with `FROM runtime-$TARGETARCH` the chain of each stage it could name.
    // Made when an ENV or ARG passes consider's pre-check (most files have none that does).
    let finalChain: Set<Stage> | undefined;
    const inImage = (stage: Stage) => (finalChain ??= ctx.finalStage ? imageStages(ctx, ctx.finalStage) : new Set<Stage>()).has(stage);
    // The ARG and ENV names of each stage (-1: the global ARGs), to tell the id half of a key pair (review 43c, item 3).
    // Made when a name asks (isAccessKeyIdOfPair reads only `…ACCESS_KEY` names): most files have none.
    const namesOf = (instructions: readonly Instruction[]) => new Set(instructions.filter((i) => i.getKeyword() === 'ARG' || i.getKeyword() === 'ENV').flatMap((i) => propertiesOf(i).map((p) => p.getName())));
    let globalNames: Set<string> | undefined;
    const globalHas = (n: string) => (globalNames ??= namesOf(ctx.ast.getInitialARGs())).has(n);
    const stageNames: (Set<string> | undefined)[] = [];
    // An ENV before the first FROM (stage -2) is in no stage: the file does not build (DF051), but its value is committed.
    const preFrom: Instruction[] = [];
    for (const ins of ctx.ast.getInstructions()) {
      if (ins.getKeyword() === 'FROM') break;
      if (ins.getKeyword() === 'ENV') preFrom.push(ins);
    }
    let preFromNames: Set<string> | undefined;
    const namesHas = (stage: number, n: string) => {
      if (stage === -1) return globalHas(n);
      const names = stage >= 0 && stage < ctx.stages.length ? (stageNames[stage] ??= namesOf(ctx.stages[stage].instructions)) : (preFromNames ??= namesOf(preFrom));
      return names.has(n) || globalHas(n);
    };
    const consider = (ins: Instruction, stage: number, index: number, global: boolean, onbuild = false) => {
      // Most ENV/ARGs hold nothing MAY_REPORT finds in their text: their properties are then not read (an ONBUILD trigger's always are).
      if (!onbuild && !mayHoldPropertyText(ctx, ins, MAY_REPORT)) return;
      const stageOf = stage === -1 ? undefined : ctx.stages[stage];
      // The global ARGs (-1) and the ENVs before the first FROM (-2) are in no stage of the image.
      const inImageStage = stageOf !== undefined && inImage(stageOf);
      const kind = ins.getKeyword() as 'ARG' | 'ENV';
      propertiesOf(ins).forEach((p, k) => {
        const name = p.getName();
        const raw = p.getValue();
        const literal = literalOf(raw);
        const token = raw !== null && !/[$`]/.test(raw) ? (tokenKind(raw) ?? null) : null;
        let report = token !== null;
        // `AWS_ACCESS_KEY` beside `AWS_SECRET_KEY` is the key's id; `REDIS_AUTH=yes` a switch (review 43c, items 3 and 4).
        const idHalf = isAccessKeyIdOfPair(name, (n) => namesHas(stage, n));
        // A generic `*_KEY`/`*_AUTH` name counts when its literal value looks like an issued credential (review 45b, item 1).
        if (!report && isCredentialNameFor(name, literal) && !(raw !== null && isPathLike(raw)) && !idHalf && !(raw !== null && authSwitch(name, raw))) {
          // An ARG whose default is a public key names the key's public half (review 15, probe 05).
          if (kind === 'ARG') report = (!global || literal !== null) && !(raw !== null && isPublicKey(raw));
          else {
            report = raw !== null && !isPlaceholderValue(raw) && !isStandIn(raw) && (inImageStage || literal !== null);
            if (report && raw !== null && literal === null && stageOf && onlyUndeclaredReferences(ctx, stageOf, ins.getRange().start.line, raw)) report = false;
            // `ENV SSH_KEY=$SSH_KEY` after an ARG whose default is a public key holds that public key, as the ARG does (review 16, probe 08).
            // Only an ENV that is the reference alone: literal text beside it is judged as written (review 19, probe 10).
            if (report && raw !== null && literal === null && ONLY_REFERENCE.test(raw) && isPublicKey(resolveAt(ctx, raw, ins.getRange().start.line) ?? '')) report = false;
          }
        }
        // A connection string with its password, under any name (DATABASE_URL), or a configuration carried whole with a
        // credential in it (SPRING_APPLICATION_JSON, an Azure Storage connection string): the credential is in the image or
        // the history all the same (DC040's clause (3), df020cs).
        const connection = report ? null : connectionPassword(name, raw);
        const carried = report || connection !== null ? null : carriedCredential(raw);
        if (connection !== null || carried !== null) report = kind === 'ARG' ? !global || literal !== null : inImageStage || literal !== null;
        if (!report) return;
        // A trigger holds the secret only when it is written in it (`ONBUILD ENV TOKEN=$TOKEN` reads the child's build).
        if (onbuild && literal === null && token === null && connection === null && carried === null) return;
        const valueRange = connection === null && carried === null ? literalValueRange(ctx, p) : undefined;
        out.push({
          range: p.getRange(),
          data: { kind, name, ...(onbuild ? { onbuild: true as const } : {}), token, inImage: kind === 'ENV' && inImageStage, global, ...(global ? { globalRead: globalArgRead(ctx, name) } : {}), literal: literal ?? (token !== null ? raw : null), ...(connection !== null ? { connection } : {}), ...(carried !== null ? { carried } : {}), ...(valueRange ? { valueRange } : {}), stage, instruction: index, property: k },
          severity: token !== null ? 'error' : undefined,
        });
      });
    };
    ctx.ast.getInitialARGs().forEach((ins, i) => consider(ins, -1, i, true));
    preFrom.forEach((ins, i) => consider(ins, -2, i, false));
    ctx.stages.forEach((stage, s) => {
      stage.instructions.forEach((ins, i) => {
        const kw = ins.getKeyword();
        if (kw === 'ARG' || kw === 'ENV') consider(ins, s, i, false);
        else if (kw === 'ONBUILD') {
          // `ONBUILD ENV API_TOKEN=…`: docker inspect shows the trigger, with its value, in this image's configuration (review 40a).
          const trigger = (ins as Onbuild).getTriggerInstruction();
          const tk = trigger?.getKeyword();
          if (trigger && (tk === 'ARG' || tk === 'ENV')) consider(trigger, s, i, false, true);
        }
      });
    });
    return out;
  },
  secrets(d) {
    return [...(d.literal === null ? [] : [d.literal]), ...(d.connection ? [d.connection.password] : []), ...(d.carried?.values ?? [])];
  },
  secretRanges(d) {
    return d.valueRange ? [d.valueRange] : [];
  },
  message(d) {
    if (d.onbuild) return `ONBUILD ${d.kind} ${d.name} writes ${d.token ? `a literal ${d.token}` : d.connection || d.carried ? embeddedKind(d) : 'a secret'} into a trigger that this image keeps in its configuration (docker inspect shows it) and that every image built on it runs; pass it at run time, or as a build secret, instead.`;
    if (d.token) {
      return `${d.kind} ${d.name} holds a literal ${d.token}: it is committed with the Dockerfile and recorded in the image; revoke it, and pass it ${d.kind === 'ENV' ? 'at run time' : 'as a build secret'} instead.`;
    }
    // Nothing reads it: the value is in the Dockerfile only, not in any build (review 6, probe df-08).
    if (d.kind === 'ARG' && d.global && d.globalRead === false) return `ARG ${d.name} writes a secret into the Dockerfile as its default, and no stage reads it; remove it.`;
    if (d.connection || d.carried) {
      const where = d.kind === 'ARG' ? 'is recorded in the image history and build metadata' : d.inImage ? 'is stored in the image, where anyone who can pull it reads it with docker inspect' : 'is written into the Dockerfile and the build cache of this stage';
      const what = d.carried ? 'the configuration' : d.connection?.form === 'neo4j' ? 'it' : 'the connection string';
      const instead = d.kind === 'ENV' && d.inImage ? `provide ${what} at run time (compose environment from .env, or a secret)` : 'use a secret mount (RUN --mount=type=secret) instead';
      return `${d.kind} ${d.name} holds ${embeddedKind(d)}, which ${where}; ${instead}.`;
    }
    if (d.kind === 'ARG') {
      return `ARG ${d.name} passes a secret as a build argument: its value is recorded in the image history and build metadata; use a secret mount (RUN --mount=type=secret) instead.`;
    }
    if (d.stage === -2) return `ENV ${d.name} writes a secret into the Dockerfile, before its first FROM; remove it, and provide it at run time (compose environment from .env, or a secret).`;
    if (d.inImage) return `ENV ${d.name} stores a secret in the image: anyone who can pull it reads it with docker inspect; provide it at run time (compose environment from .env, or a secret).`;
    return `ENV ${d.name} writes a secret into the Dockerfile and the build cache of this stage; use a secret mount (RUN --mount=type=secret) instead.`;
  },
  fix(ctx, { data }) {
    // A trigger is part of another instruction: no edit is exact for it here.
    if (data.onbuild) return undefined;
    const ins = instructionOf(ctx, data);
    if (!ins) return undefined;
    return data.kind === 'ENV' ? envFix(ctx, data, ins) : argFix(ctx, data, ins);
  },
});
