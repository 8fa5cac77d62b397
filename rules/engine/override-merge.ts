/**
 * What the override file `docker compose` merges by default (`compose.override.yaml` beside
 * `compose.yaml`, or a `docker-compose.override.yml` variant: defaultComposePair) removes from a service
 * of the default file before it merges: the `!reset` and `!override` YAML tags of the Compose
 * Specification (Merge › "Reset value" and "Replace value",
 * https://docs.docker.com/reference/compose-file/merge/). Without a tag a sequence such as `ports:` is
 * appended to the base's, so the base's entries stay; `!reset` (whatever value it is given, `[]` or
 * `null`) removes the attribute, `!override` replaces it with the override's value. compose-go's
 * ResetProcessor (loader/reset.go) records the path of every node tagged `!reset` or `!override` and
 * deletes those paths from the model merged so far before it merges the override (loader/loader.go).
 */
import { type Node, type Pair } from 'yaml';
import { isAlias, isMap, isScalar } from './yaml-guards';
import type { ComposeContext, Service } from './compose';
import { commandThrough, effectiveCommandsThrough, ExtendedEnv, extendedService, isSwarmStack, lookupPath, type ExtendsLevel, type Found, type Lookup } from './compose-lookup';
import { envFileRefs, ServiceEnv, type EnvFileRef, type EnvLookup } from './env-files';
import { commandRuns, commandValue, type CommandArg, type CommandValue } from './service-command';
import { includersOfContext, isExtendedBase } from './include';
import { defaultComposePair, parsedCompose } from './relations';
import type { Range } from './types';

/** The Compose tag written on a pair's value (`!reset`, `!override`), or undefined (no tag, another tag, an alias). */
export function composeTag(ctx: ComposeContext, pair: Pair): 'reset' | 'override' | undefined {
  const key = pair.key as Node | null;
  const value = pair.value as Node | null;
  // A tag reached through an alias or a `<<` merge is not read: compose-go maps such paths its own way.
  if (!key?.range || !value?.range || isAlias(value)) return undefined;
  const tag = value.tag;
  if (tag !== '!reset' && tag !== '!override') return undefined;
  // The yaml library also reads `!<!reset>` as `!reset`; compose-go compares the tag as written.
  const written = ctx.text.slice(key.range[1], value.range[0]);
  return new RegExp(`(?:^|[\\s:])${tag}(?!\\S)`).test(written) ? (tag === '!reset' ? 'reset' : 'override') : undefined;
}

/**
 * Whether another service may run with this service's settings through `extends:`: one of this file
 * extends it (or extends what cannot be read), or the file is the `extends:` base of another compose file
 * (isExtendedBase).
 */
export function mayBeExtended(ctx: ComposeContext, service: Service): boolean {
  // Once per file: the names its services extend within it (null: one extends what cannot be read), and whether another file extends it.
  const { names, base } = ctx.memo(ctx, 'extended-in-file', () => {
    const found = new Set<string>();
    let unknown = false;
    for (const s of ctx.services) {
      const b = extendedService(ctx, s);
      if (b === 'unknown') unknown = true;
      else if (b !== undefined && b.ctx.path === ctx.path) found.add(b.service.name);
    }
    return { names: unknown ? null : found, base: isExtendedBase(ctx.workspace, ctx.path, ctx.options) };
  });
  return base || names === null || names.has(service.name);
}

/**
 * Whether a service of the default compose file loses this file's `key` (e.g. `ports`) when Compose
 * merges the default override over it: the override writes `!reset` or `!override` on the key, the
 * service or `services`. The value written here then never takes effect, and an edit to it would not
 * either. Kept false (judged as written) wherever the value may still be used: a service that another
 * extends (compose-go resolves `extends:` within each file before it merges the override, so the copy
 * keeps it), a file that another includes (an `include:` reads the listed files only, not their
 * override: loader/include.go) or another file extends, and a Swarm stack (`docker stack deploy` reads
 * the files named with `-c` only).
 *
 * The same question as `overrideAt(defaultMerge(…), [key]).drops`, read from the same pairing
 * (defaultPairing): one source of truth. It differs from defaultMerge in one case only, on purpose: an
 * override service that `extends:` another. defaultMerge leaves such a pair out (what the override's
 * service writes is known only once its `extends:` is resolved within the override, which is not
 * followed), but the tags it writes are its own and still drop the base's value (compose-go's
 * ResetProcessor deletes the tagged paths from the base before the merge, whatever the override's
 * service extends), so the rules that ask only whether the base's value is dropped keep that answer.
 */
export function droppedByDefaultOverride(ctx: ComposeContext, service: Service, key: string): boolean {
  const pairing = defaultPairing(ctx, service);
  return !!pairing && !pairing.inOverride && overrideAt(pairing, [key])?.drops !== undefined;
}

/**
 * A service of the default compose file and the same service in the default override, merged as
 * `docker compose up` merges them without `-f` (Compose Specification, Merge:
 * https://docs.docker.com/reference/compose-file/merge/; compose-go's override.Merge). The rules that
 * judge a service's settings read it through this, from either file: what runs is the merged service.
 */
export interface DefaultMerge {
  /** The service in the default compose file (`compose.yaml`). */
  base: ExtendsLevel;
  /** The same service in the default override (`compose.override.yaml`). */
  over: ExtendsLevel;
  /** The analyzed file is the override (else it is the base). */
  inOverride: boolean;
  /**
   * A `!reset` or `!override` tag the override writes on the service or on `services`: the base's
   * service is dropped whole. `reset` (or the service left out of an `!override`n `services`): the
   * merged service does not exist; `override`: it is the override's service alone.
   */
  whole?: { tag: 'reset' | 'override'; pair: Pair };
}

/** The `services` pair and the service's pair in a compose file (the first document that names the service), each as written. */
function servicePairs(ctx: ComposeContext, name: string): { services?: Pair; service?: Pair } {
  let services: Pair | undefined;
  for (const doc of ctx.documents) {
    const root = doc.contents;
    if (!root || !isMap(root)) continue;
    for (const top of root.items) {
      if (!isScalar(top.key) || top.key.value !== 'services') continue;
      services ??= top;
      const map = top.value as Node | null;
      if (!map || !isMap(map)) continue;
      for (const s of map.items) if (isScalar(s.key) && String(s.key.value) === name) return { services: top, service: s };
    }
  }
  return { services };
}

/** The tag on the service or on `services` (the outer one first) in the override, and the pair it is written on. */
function wholeTag(over: ComposeContext, name: string): { tag: 'reset' | 'override'; pair: Pair } | undefined {
  const { services, service } = servicePairs(over, name);
  for (const pair of [services, service]) {
    const tag = pair ? composeTag(over, pair) : undefined;
    if (pair && tag) return { tag, pair };
  }
  return undefined;
}

/**
 * The service merged from the default pair, seen from the analyzed file: from the default compose
 * file where the override is merged over this service (the conditions of droppedByDefaultOverride: not
 * a service another extends, not a file another includes or extends, not a Swarm stack), or from the
 * default override for a service the default file defines. Undefined when neither applies, when the
 * other file does not parse cleanly (Compose refuses it), or when the override's service `extends:`
 * another (compose-go resolves it within the override before the merge: not followed here).
 */
export function defaultMerge(ctx: ComposeContext, service: Service): DefaultMerge | undefined {
  const pairing = defaultPairing(ctx, service);
  return pairing && !pairing.overExtends ? pairing : undefined;
}

/**
 * The other file of the default pair when this file is one of the two (compose.yaml and its override beside it) and
 * the other parses without errors, and whether this file is the override: what the service pairing (defaultMerge)
 * and override-top-level.ts's defaultPairPartner both start from.
 */
export function defaultPairFile(ctx: ComposeContext): { other: ComposeContext; inOverride: boolean } | undefined {
  return ctx.memoWith(ctx, 'default-pair-file', undefined, computeDefaultPairFile);
}

function computeDefaultPairFile(ctx: ComposeContext): { other: ComposeContext; inOverride: boolean } | undefined {
  const { main, override } = ctx.memo(ctx, 'default-compose-pair', () => defaultComposePair(ctx.workspace, ctx.dir));
  if (main === undefined || override === undefined || (ctx.path !== main && ctx.path !== override)) return undefined;
  const inOverride = ctx.path === override;
  const other = parsedCompose(ctx.workspace, inOverride ? main : override, ctx.options);
  if (!other || other.documents.some((d) => d.errors.length > 0)) return undefined;
  return { other, inOverride };
}

/**
 * The pairing of a service with its counterpart in the other file of the default pair (the conditions
 * of defaultMerge), also when the override's service `extends:` another (`overExtends`): what
 * defaultMerge and droppedByDefaultOverride both read, once per service name and analysis.
 */
function defaultPairing(ctx: ComposeContext, service: Service): (DefaultMerge & { overExtends: boolean }) | undefined {
  // Most files are neither file of a default pair: none of their services pairs, and the question (asked dozens of
  // times per service) is answered from the file's memo alone.
  if (!defaultPairFile(ctx)) return undefined;
  // Per service name: services that are aliases of one another (`b: *a`) share a mapping but not a name.
  return ctx.memoWith(service.nameNode, 'default-merge', service, computeDefaultPairing);
}

function computeDefaultPairing(ctx: ComposeContext, service: Service): (DefaultMerge & { overExtends: boolean }) | undefined {
  const pair = defaultPairFile(ctx);
  if (!pair) return undefined;
  if (!pair.inOverride) {
    const over = pair.other;
    const whole = wholeTag(over, service.name);
    const overService = over.servicesNamed(service.name)[0];
    if (!overService && !whole) return undefined;
    if (isSwarmStack(ctx) || mayBeExtended(ctx, service)) return undefined;
    const includers = includersOfContext(ctx);
    if (includers === null || includers.length > 0) return undefined;
    if (!overService) return { base: { ctx, service }, over: { ctx: over, service }, inOverride: false, whole: { tag: 'reset', pair: whole!.pair }, overExtends: false };
    const overExtends = over.serviceGet(overService, 'extends') !== undefined;
    return { base: { ctx, service }, over: { ctx: over, service: overService }, inOverride: false, ...(whole ? { whole } : {}), overExtends };
  }
  const base = pair.other;
  const baseService = base.servicesNamed(service.name)[0];
  if (!baseService || ctx.serviceGet(service, 'extends')) return undefined;
  const whole = wholeTag(ctx, service.name);
  return { base: { ctx: base, service: baseService }, over: { ctx, service }, inOverride: true, ...(whole ? { whole } : {}), overExtends: false };
}

/** Whether the merged service does not exist: the override resets it (or all services) with `!reset`. */
export function mergedServiceGone(m: DefaultMerge | undefined): boolean {
  return m?.whole?.tag === 'reset';
}

/** What the default override does to one setting (a key path) of a merged service. */
export interface OverrideTouch {
  /**
   * The base's value is dropped before the merge: a `!reset` or `!override` tag on the key, on a mapping
   * above it within the service (`deploy: !reset {}`), on the service or on `services`.
   */
  drops?: { tag: 'reset' | 'override'; pair: Pair; key: string | null };
  /** The override's own value (not empty, not under `!reset`): it replaces a scalar, is appended to a sequence, merged into a mapping. */
  value?: Found;
}

/**
 * What the override writes or drops at `keys` of a merged service; undefined when it leaves the setting
 * alone (the base's value, or its absence, is what runs). An empty value without a tag (`read_only:`)
 * keeps the base's (compose-go's mergeYaml). Tags are read on the override's own pairs (composeTag: not
 * through an alias; a pair merged with `<<` is read as a value).
 */
export function overrideAt(m: DefaultMerge, keys: readonly string[]): OverrideTouch | undefined {
  const { ctx, service } = m.over;
  let drops: OverrideTouch['drops'];
  if (m.whole) {
    drops = { tag: m.whole.tag, pair: m.whole.pair, key: null };
    if (m.whole.tag === 'reset') return { drops };
  }
  let map = service.map;
  for (let i = 0; i < keys.length; i++) {
    const entry = ctx.get(service.doc, map, keys[i]);
    if (!entry) break;
    const tag = entry.own ? composeTag(ctx, entry.pair) : undefined;
    if (tag && !drops) drops = { tag, pair: entry.pair, key: keys.slice(0, i + 1).join('.') };
    if (tag === 'reset' || entry.value === null) break;
    if (i === keys.length - 1) return { ...(drops ? { drops } : {}), value: { entry, ctx, service, inherited: false } };
    if (!isMap(entry.value)) break;
    map = entry.value;
  }
  return drops ? { drops } : undefined;
}

/**
 * A key path of the merged service read as one value (a scalar: the override's replaces the base's):
 * the override's value when it writes one, nothing when it drops the base's, else the base's lookup
 * (through `<<` and `extends:`). `touch` is set when the override decides.
 */
export function mergedValue(m: DefaultMerge, keys: readonly string[]): { found: Lookup; touch?: OverrideTouch } {
  const touch = overrideAt(m, keys);
  if (touch) return { found: touch.value, touch };
  return { found: lookupPath(m.base.ctx, m.base.service, keys) };
}

/**
 * Where a finding about what the override does to a setting is reported in the override: the value's
 * pair (a scalar) or key (a collection) as written, or the key the dropping tag is written on.
 */
export function touchRange(ctx: ComposeContext, touch: OverrideTouch, service: Service, wholePair = false): Range {
  if (touch.value) {
    const { entry } = touch.value;
    if (!entry.own) return ctx.rangeOf(entry.reportNode);
    return wholePair ? ctx.rangeOfPair(entry.pair) : ctx.rangeOf(entry.pair.key as Node);
  }
  const key = touch.drops?.pair.key as Node | null | undefined;
  return key?.range ? ctx.rangeOf(key) : ctx.rangeOf(service.nameNode);
}

/** How the override drops a setting, for a message: "this override resets security_opt (!reset)". */
export interface DropCause {
  tag: 'reset' | 'override';
  /** The key the tag is written on (`deploy.resources`), or null for the service itself or `services`. */
  key: string | null;
}

export function dropCause(touch: OverrideTouch | undefined): DropCause | undefined {
  return touch?.drops ? { tag: touch.drops.tag, key: touch.drops.key } : undefined;
}

/** The words for a DropCause: "this override resets read_only (!reset)", "this override replaces the whole service (!override)". */
export function dropText(cause: DropCause): string {
  const verb = cause.tag === 'reset' ? 'resets' : 'replaces';
  return `this override ${verb} ${cause.key === null ? 'the whole service' : cause.key} (!${cause.tag})`;
}

/** The `entrypoint:`/`command:` a service runs when they are not its own as written (effectiveCommandsThrough's shape). */
export interface MergedCommands {
  value: ReturnType<typeof effectiveCommandsThrough>;
  /** The default override writes or drops `entrypoint:` or `command:`: its file decides what runs. */
  fromOverride: boolean;
}

/**
 * The merged service's `entrypoint:` and `command:`: each is replaced whole by the override's when the
 * override writes it (Compose Specification, Merge › Exceptions › Shell commands: "the value is overridden by
 * the latest Compose file, and not appended"; compose-go's merge replaces a non-nil Command/Entrypoint),
 * `!reset` (or a dropped service) removes it; the other is the base's (through `extends:`). An override that
 * touches neither leaves the base's, as effectiveCommandsThrough reads them (`fromOverride` false). Once per
 * merged service and analysis (review 44d, item 3; the one view every rule reads: review 44d, F3).
 */
export function mergedCommands(m: DefaultMerge): MergedCommands {
  const here = m.inOverride ? m.over.ctx : m.base.ctx;
  return here.memo(m.base.service.map, 'merged-commands', () => {
    const touches = { entrypoint: overrideAt(m, ['entrypoint']), command: overrideAt(m, ['command']) };
    if (!touches.entrypoint && !touches.command) return { value: effectiveCommandsThrough(m.base.ctx, m.base.service), fromOverride: false };
    const part = (key: 'entrypoint' | 'command'): CommandValue | null | undefined | 'unknown' => {
      const touch = touches[key];
      if (!touch) return commandThrough(m.base.ctx, m.base.service, key);
      return touch.value ? commandValue(touch.value.ctx, touch.value.service, key) : undefined;
    };
    const entrypoint = part('entrypoint');
    const command = part('command');
    return { value: entrypoint === 'unknown' || command === 'unknown' ? null : commandRuns(entrypoint, command), fromOverride: true };
  });
}

/** Where a finding about the merged command stands in the override: the key the override writes or drops (`command:` first). */
export function mergedCommandRange(m: DefaultMerge): Range {
  const touch = overrideAt(m, ['command']) ?? overrideAt(m, ['entrypoint']);
  return touchRange(m.over.ctx, touch ?? {}, m.over.service, true);
}

/**
 * The merged service's environment as the container gets it (Compose Specification, Merge: `environment:` is a
 * mapping merged by key, the override's value winning; `env_file:` lists are appended; compose-go's
 * ResetProcessor deletes `!reset`/`!override` paths before the merge): the override's `environment:` entry
 * (not one it resets), else the base's (unless the override drops it: `NAME: !reset null`,
 * `environment: !reset`/`!override`), else the env files: the override's (none under `env_file: !reset`), then the
 * base's (its own and those inherited through `extends:`), which `env_file: !reset`/`!override` drops (compose-go's
 * ResetProcessor deletes the base's list before the merge; under `!override` only the override's listed files
 * remain), while the base's `environment:` entries stay. Read on the base service (through `extends:`), so `written()` and the facts read with
 * it stay the base's; `fromOverride` tells which file a lookup's entry is written in. The base's `environment:`
 * entries inherited through its `extends:` count as its own (read before any env file) and are dropped with them; its
 * inherited env files come after its own (mrg6b, item 5).
 */
export interface MergedEnv extends ExtendedEnv {
  /** Whether a lookup this environment returned is written in the override (its entry or env file is the override's). */
  fromOverride(lookup: EnvLookup): boolean;
}

// Made on first use: ExtendedEnv's module is still loading when this one is first imported (an import cycle through analyze.ts).
let mergedEnvClass: (new (m: DefaultMerge) => MergedEnv) | undefined;

export function mergedEnv(m: DefaultMerge): MergedEnv {
  mergedEnvClass ??= class extends ExtendedEnv implements MergedEnv {
    private readonly over: ServiceEnv;
    private readonly overLookups = new WeakSet<object>();
    /** The base's env files (its own and those inherited through `extends:`) are dropped: `env_file: !reset`/`!override`. */
    private readonly baseFilesDropped: boolean;
    /** The override's env files count: not under `!reset` (compose-go's ResetProcessor removes the tagged node), but under `!override` (they replace the base's). */
    private readonly overFilesKept: boolean;

    constructor(private readonly m: DefaultMerge) {
      // Without the base's env files the base is read for its `environment:` entries only (through `extends:` too).
      super(m.base.ctx, m.base.service, { files: !overrideAt(m, ['env_file'])?.drops });
      this.over = new ServiceEnv(m.over.ctx, m.over.service);
      const drops = overrideAt(m, ['env_file'])?.drops;
      this.baseFilesDropped = !!drops;
      this.overFilesKept = drops?.tag !== 'reset';
    }

    fromOverride(lookup: EnvLookup): boolean {
      return this.overLookups.has(lookup);
    }

    override get(name: string): EnvLookup {
      const touch = overrideAt(this.m, ['environment', name]);
      const keyReset = touch?.drops?.tag === 'reset' && touch.drops.key === `environment.${name}`;
      if (!keyReset) {
        const own = this.over.fromEnvironment(name);
        if (own.state !== 'unset') return this.mark(own);
      }
      // The base's `environment:`, its own entries and those it inherits through `extends:`: compose-go resolves
      // `extends:` within the base's file before it merges the override, so they are one mapping, which the override's
      // entries are merged into by key and its tags drop (Compose Specification, Merge; services › extends: "environment"
      // is merged, the extending service's entries winning). Any `environment:` entry beats every env_file ("Set using just
      // the environment attribute" above "Use of the env_file attribute":
      // https://docs.docker.com/compose/how-tos/environment-variables/envvars-precedence/), so an inherited entry is read
      // before the override's env files (mrg6b, item 5).
      if (!touch?.drops) {
        const baseEnv = this.located(this.findInEnvironment(name));
        if (baseEnv.state !== 'unset') return baseEnv;
      }
      // The env files: the override's, appended after the base's (so they win), or with `env_file: !override […]` the
      // only ones; then the base's own, then those it inherits (each extending service's list appended after its base's).
      const overFile: EnvLookup = this.overFilesKept ? this.over.fromFiles(name) : { state: 'unset' };
      if (overFile.state !== 'unset' || this.baseFilesDropped) return this.mark(overFile);
      return this.located(this.findInFiles(name));
    }

    private mark(lookup: EnvLookup): EnvLookup {
      if (lookup.state === 'set' || lookup.state === 'unknown-value') this.overLookups.add(lookup);
      return lookup;
    }
  };
  return new mergedEnvClass(m);
}

/**
 * One merged view of a service of the default pair (defaultMerge), from either file: its `entrypoint:`/`command:`
 * (mergedCommands) and its environment (MergedEnv), read on the base's service. Undefined without a default
 * merge, when the override drops or replaces the whole service (`whole`: the service is gone, or it is the
 * override's alone, read as written there), or when the override writes `image:` or `build:` (what runs is
 * then the override's image: judged as written in each file, as before).
 */
export interface MergedServiceView {
  merge: DefaultMerge;
  commands: MergedCommands;
  env: MergedEnv;
}

export function mergedServiceView(ctx: ComposeContext, service: Service): MergedServiceView | undefined {
  const m = defaultMerge(ctx, service);
  if (!m || m.whole) return undefined;
  if (overrideAt(m, ['image'])?.value || overrideAt(m, ['build'])?.value) return undefined;
  return ctx.memo(m.base.service.map, 'merged-service-view', () => ({ merge: m, commands: mergedCommands(m), env: mergedEnv(m) }));
}

/**
 * The merged service's `env_file:` list, in the order Compose reads it (a later file wins): the base's own (not
 * through `extends:`), then the override's. A sequence is merged by appending the override's values (Compose
 * Specification, Merge › Sequence, https://docs.docker.com/reference/compose-file/merge/#sequence);
 * `env_file: !reset` drops the base's list and adds none, `env_file: !override […]` replaces it with the
 * override's (Merge › Reset value / Replace value; compose-go's ResetProcessor). The same reading as MergedEnv's.
 */
export function mergedEnvFileRefs(view: MergedServiceView): EnvFileRef[] {
  const drops = overrideAt(view.merge, ['env_file'])?.drops;
  const { base, over } = view.merge;
  return [...(drops ? [] : envFileRefs(base.ctx, base.service)), ...(drops?.tag === 'reset' ? [] : envFileRefs(over.ctx, over.service))];
}

/**
 * Whether an `environment:` entry of the analyzed file reaches the merged service: always without a merge; in the
 * override, unless it is a `NAME: !reset null` (a drop, not a value: the yaml library reads the tagged `null` as the
 * string "null"); in the default file, not when the override writes the same name in its `environment:` or drops it
 * (`NAME: !reset null`, `environment: !reset`/`!override`).
 */
export function keptByMerge(view: MergedServiceView | undefined, name: string): boolean {
  if (!view) return true;
  const touch = overrideAt(view.merge, ['environment', name]);
  if (view.merge.inOverride) return !(touch?.drops?.tag === 'reset' && touch.drops.key === `environment.${name}`);
  if (touch?.drops) return false;
  const l = view.env.get(name);
  return !((l.state === 'set' || l.state === 'unknown-value') && view.env.fromOverride(l));
}

/**
 * For the merged command (mergedCommands), whether an argument is written in the analyzed file: it is one of the
 * arguments of this file's own `entrypoint:`/`command:` that runs (or, through `sh -c`, inside one), and not of the
 * other file's.
 */
export function argsWrittenHere(ctx: ComposeContext, service: Service, cmds: { entrypoint: CommandValue | undefined; command: CommandValue | undefined }): (arg: CommandArg, viaShell: boolean) => boolean {
  const values = [cmds.entrypoint, cmds.command].filter((v): v is CommandValue => v !== undefined);
  const mine = values.filter((v) => commandValue(ctx, service, v.key) === v);
  const theirs = values.filter((v) => !mine.includes(v));
  const holds = (vs: CommandValue[], arg: CommandArg, viaShell: boolean) => vs.some((v) => v.args.includes(arg) || (viaShell && v.args.some((a) => a.start <= arg.start && arg.end <= a.end)));
  return (arg, viaShell) => holds(mine, arg, viaShell) && !holds(theirs, arg, viaShell);
}
