/**
 * What is in effect at a point of a Dockerfile stage: the stages it builds on, its ARG/ENV
 * variables (for the build-time substitution Docker does in WORKDIR, ENV, …) and its SHELL.
 * Shared by the DF013–DF044 rules. Everything here walks the parsed instructions once per call;
 * nothing re-parses the text.
 */
import type { Instruction, JSONInstruction, Property } from 'dockerfile-ast';
import type { DockerfileContext, Stage } from './dockerfile';
import { isWindowsImage } from './image';
import { baseName } from './shell';
import { MAX_EXPANDED_LENGTH } from './expansion';
import type { Detection } from './types';

/** The most stages a chain holds (stageChain). */
const MAX_CHAIN = 64;

/** A stage and the earlier stages it builds on (`FROM <stage>`), nearest first. */
export function stageChain(stage: Stage): Stage[] {
  const out: Stage[] = [];
  let s: Stage | undefined = stage;
  while (s && out.length < MAX_CHAIN && !out.includes(s)) {
    out.push(s);
    s = s.base.kind === 'stage' ? s.base.stage : undefined;
  }
  return out;
}

/**
 * The stage after `s` in its chain (the stage it builds on), or undefined: for the walks that read a chain one stage at
 * a time instead of making stageChain's array (rootBase and buildsWindows ask it of every RUN's stage, buildsOn of pairs
 * of stages). A stage's base stage is always an earlier one (buildStages looks the name up among the stages before it;
 * chainVariants' copies build on copies of earlier stages), so such a walk never meets a stage twice, and it reads
 * stageChain's stages when it stops where stageChain does, after MAX_CHAIN of them.
 */
function nextInChain(s: Stage): Stage | undefined {
  return s.base.kind === 'stage' ? s.base.stage : undefined;
}

/** The oldest stage of a stage's chain: stageChain's last, without the array (nextInChain). */
function chainRoot(stage: Stage): Stage {
  let s = stage;
  for (let n = 1; n < MAX_CHAIN; n++) {
    const next = nextInChain(s);
    if (next === undefined) break;
    s = next;
  }
  return s;
}

/** Whether `stage` is `ancestor` or builds on it through `FROM <stage>`. */
export function buildsOn(stage: Stage, ancestor: Stage): boolean {
  for (let s: Stage | undefined = stage, n = 0; s !== undefined && n < MAX_CHAIN; s = nextInChain(s), n++) if (s === ancestor) return true;
  return false;
}

/**
 * Whether a stage builds a Windows image: the image at the root of its chain is one (isWindowsImage),
 * or that stage's FROM asks for a Windows platform (`FROM --platform=windows/amd64 …`).
 */
export function buildsWindows(stage: Stage): boolean {
  const root = chainRoot(stage);
  const platform = root.from.getPlatformFlag()?.getValue() ?? '';
  if (/^windows(?:\/|$)/i.test(platform)) return true;
  return root.base.kind === 'image' && isWindowsImage(root.base.ref);
}

/** The image at the root of a stage chain (the base of its oldest stage). */
export function rootBase(stage: Stage): Stage['base'] {
  return chainRoot(stage).base;
}

/**
 * The earlier stages a `FROM` whose name comes from an unresolved ARG could name (`FROM alpine-$TARGETARCH`
 * → the stages `alpine-amd64`, `alpine-arm64`): its literal parts must match the stage's name. Empty
 * for a `FROM` that is nothing but a variable (`FROM ${IMAGE}` names an image) or has none.
 */
export function stagesItCouldName(ctx: DockerfileContext, stage: Stage): Stage[] {
  return stagesNameCouldBe(ctx, stage.from.getImage() ?? '', stage.index);
}

/**
 * The values BuildKit gives its automatic platform ARGs (the Dockerfile reference, "Automatic platform ARGs in the
 * global scope": TARGETARCH/BUILDARCH are Go architecture names, TARGETOS/BUILDOS Go OS names, the variants `v7`,
 * `v8`, … or empty, the platforms `os/arch[/variant]`), as regular-expression alternatives. A FROM can use them
 * without declaring them; a `runtime-$TARGETARCH` names only the stages whose part there is such a value (ollama's
 * `runtime-amd64` and `runtime-arm64`, not its `runtime-rocm`).
 */
const GO_ARCH = '386|amd64|amd64p32|arm|armbe|arm64|arm64be|loong64|mips|mipsle|mips64|mips64le|mips64p32|mips64p32le|ppc|ppc64|ppc64le|riscv|riscv64|s390|s390x|sparc|sparc64|wasm|wasm32';
const GO_OS = 'aix|android|darwin|dragonfly|freebsd|hurd|illumos|ios|js|linux|nacl|netbsd|openbsd|plan9|solaris|wasi|wasip1|windows|zos';
const VARIANT = '|v[0-9]+(?:\\.[0-9]+)?';
/** A platform holds a `/`, which no stage name does (BuildKit's stage names are `[a-z][a-z0-9-_.]*`). */
const PLATFORM = '[^/]*/[^/]*(?:/[^/]*)?';
const PLATFORM_ARGS = new Map<string, string>([
  ['TARGETARCH', GO_ARCH],
  ['BUILDARCH', GO_ARCH],
  ['TARGETOS', GO_OS],
  ['BUILDOS', GO_OS],
  ['TARGETVARIANT', VARIANT],
  ['BUILDVARIANT', VARIANT],
  ['TARGETPLATFORM', PLATFORM],
  ['BUILDPLATFORM', PLATFORM],
]);

/** `$X`, `${X}`, `${X:-w}`, `${X-w}`, `${X:+w}`, `${X+w}`, or another `${…}` form, which is not read (group 5 undefined). */
const VARIABLE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*)|\{[^}]*\})/g;

/**
 * The stages before index `before` that a name holding variables could be (`build-$TARGETARCH` → the stages
 * `build-amd64`, `build-arm64`): its literal parts must match the stage's name. A variable in it stands for its
 * global ARG default when it has one, for the values BuildKit gives an automatic platform ARG that no global ARG
 * gives a default (PLATFORM_ARGS) — which BuildKit always sets, so a `${TARGETARCH:-amd64}` default does not narrow
 * them and `${TARGETARCH:+x}` is x —, and for anything otherwise — or, with `known`, the name then names no stage
 * for certain (an ARG without default takes whatever --build-arg gives it, an image as well as a stage). Empty for
 * a name that is nothing but a variable other than a platform ARG (`FROM ${IMAGE}` names an image), or that holds none.
 */
export function stagesNameCouldBe(ctx: DockerfileContext, raw: string, before: number, options: { known?: boolean } = {}): Stage[] {
  if (!raw.includes('$')) return [];
  const matches = [...raw.matchAll(VARIABLE)];
  if (matches.length === 1 && matches[0][0] === raw) {
    const name = matches[0][1] ?? matches[0][4];
    if (name === undefined || !platformArg(ctx, name)) return [];
  }
  let source = '';
  let last = 0;
  for (const m of matches) {
    source += escapeRegExp(raw.slice(last, m.index).toLowerCase());
    last = m.index + m[0].length;
    const name = m[1] ?? m[4];
    const platform = name === undefined ? undefined : platformArg(ctx, name);
    // An ARG declared without default is whatever --build-arg gives it, whatever its `${X:-word}` says.
    const value = name === undefined || ctx.globalArgs.get(name) === null ? null : ctx.resolveGlobal(m[0]);
    if (platform !== undefined) source += platformPattern(name!, platform, m[2], m[3] ?? '');
    else if (value !== null) source += escapeRegExp(value.toLowerCase());
    else if (options.known) return [];
    else source += '.*';
  }
  source += escapeRegExp(raw.slice(last).toLowerCase());
  const pattern = new RegExp(`^${source}$`);
  return ctx.stages.filter((s) => s.index < before && s.name !== null && pattern.test(s.name));
}

/**
 * What an automatic platform ARG (always set; a variant may be empty) expands to as a pattern: its values
 * plainly or with `-`/`:-` (a `:-` word only replaces an empty variant), the word with `+`, and with `:+`
 * the word, or nothing for an empty variant.
 */
function platformPattern(name: string, values: string, op: string | undefined, word: string): string {
  const mayBeEmpty = name.endsWith('VARIANT');
  const w = escapeRegExp(word.toLowerCase());
  if (op === '+') return w;
  if (op === ':+') return mayBeEmpty ? `(?:${w}|)` : w;
  if (op === ':-' && mayBeEmpty) return `(?:${values.replace(/^\|/, '')}|${w})`;
  return `(?:${values})`;
}

/** The values of an automatic platform ARG that no global ARG gives a default, as alternatives; else undefined. */
function platformArg(ctx: DockerfileContext, name: string): string | undefined {
  const values = PLATFORM_ARGS.get(name);
  return values !== undefined && (ctx.globalArgs.get(name) ?? null) === null ? values : undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The most copies of a stage chain judged for the stages variable FROMs in it could name (chainVariants). */
const MAX_VARIANTS = 16;

const variantMemo = new WeakMap<Stage, Stage[]>();

/**
 * A stage as it is built for each stage a variable FROM of its chain could name: when the chain's root has
 * `FROM runtime-$TARGETARCH`, one copy of the chain per candidate (`runtime-amd64`, `runtime-arm64`), its root
 * built on that candidate (and on a candidate's own candidates, at most MAX_VARIANTS copies). The variables must
 * be automatic platform ARGs or have global ARG defaults (stagesNameCouldBe with `known`): an ARG without
 * default may name any image. Each copy is the stage with `variantOf` set to the stage it
 * copies. `[stage]` when the chain's root base is known, or is unknown with no candidate stage (`FROM ${BASE}`
 * names an image). Rules that judge the final stage read each copy and report only what every copy gives
 * (everyVariantGives); the base that builds is one of them, depending on the platform.
 */
export function chainVariants(ctx: DockerfileContext, stage: Stage): Stage[] {
  let out = variantMemo.get(stage);
  if (!out) variantMemo.set(stage, (out = computeVariants(ctx, stage, 0)));
  return out;
}

function computeVariants(ctx: DockerfileContext, stage: Stage, depth: number): Stage[] {
  const chain = stageChain(stage);
  const root = chain[chain.length - 1];
  if (root.base.kind !== 'unknown' || depth > 4) return [stage];
  const candidates = stagesNameCouldBe(ctx, root.from.getImage() ?? '', root.index, { known: true });
  if (candidates.length === 0) return [stage];
  const bases = candidates.flatMap((c) => computeVariants(ctx, c, depth + 1));
  if (bases.length > MAX_VARIANTS) return [stage];
  return bases.map((base) => {
    let copy: Stage = { ...root, base: { kind: 'stage', stage: base }, variantOf: root };
    for (let i = chain.length - 2; i >= 0; i--) copy = { ...chain[i], base: { kind: 'stage', stage: copy }, variantOf: chain[i] };
    return copy;
  });
}

/**
 * What a rule finds on a stage whose chain starts at a variable FROM (chainVariants): each detection that every copy
 * holding the stage it lies in gives alike (the same range, data and severity). A detection in the stage itself (or in
 * a stage of its own chain) must come from every copy — none when they disagree (one candidate sets a non-root USER,
 * one's base is unknown) —; one in a stage the FROM could name (an `EXPOSE 22` of `runtime-amd64`) is kept when the
 * copies built on that stage give it, as that stage is the image on their platforms. A stage with a known base is
 * judged as it is.
 */
export function everyVariantGives<D>(ctx: DockerfileContext, stage: Stage, judge: (s: Stage) => Detection<D>[]): Detection<D>[] {
  const variants = chainVariants(ctx, stage);
  if (variants.length === 1) return judge(variants[0]);
  const judged = variants.map((v) => ({ stages: new Set(stageChain(v).map((s) => s.variantOf ?? s)), found: judge(v).map((d) => ({ d, key: keyOf(d) })) }));
  const out: Detection<D>[] = [];
  const seen = new Set<string>();
  for (const { found } of judged) {
    for (const f of found) {
      if (f.key === null || seen.has(f.key)) continue;
      seen.add(f.key);
      const at = stageAtLine(ctx, f.d.range.start.line);
      const owners = judged.filter((j) => at === undefined || j.stages.has(at));
      if (owners.every((o) => o.found.some((x) => x.key === f.key))) out.push(f.d);
    }
  }
  return out;
}

/** The stage a line of the file lies in (the last whose FROM starts at or before it); undefined before the first FROM. */
function stageAtLine(ctx: DockerfileContext, line: number): Stage | undefined {
  let at: Stage | undefined;
  for (const s of ctx.stages) {
    if (s.from.getRange().start.line > line) break;
    at = s;
  }
  return at;
}

/**
 * The stages whose instructions reach the image a stage builds: its chain, and for a chain rooted at a variable FROM
 * (chainVariants) the chain of every stage that FROM could name — each is the image on some platform. Originals,
 * never the copies.
 */
export function imageStages(ctx: DockerfileContext, stage: Stage): Set<Stage> {
  const out = new Set<Stage>();
  // Each copy's chain in order (stageChain's stages, nearest first, without its array: nextInChain).
  for (const v of chainVariants(ctx, stage)) {
    for (let s: Stage | undefined = v, n = 0; s !== undefined && n < MAX_CHAIN; s = nextInChain(s), n++) out.add(s.variantOf ?? s);
  }
  return out;
}

/** The same answer for every stage a variable FROM of the chain could name (chainVariants), or undefined when they differ. */
export function sameForEveryVariant<T>(ctx: DockerfileContext, stage: Stage, read: (s: Stage) => T): T | undefined {
  const variants = chainVariants(ctx, stage);
  if (variants.length === 1) return read(variants[0]);
  const answers = variants.map(read);
  const key = keyOf(answers[0]);
  return key !== null && answers.every((a) => keyOf(a) === key) ? answers[0] : undefined;
}

/** A value as JSON, to compare what two candidates give; null when it cannot be written (a cycle). */
function keyOf(value: unknown): string | null {
  try {
    return JSON.stringify(value) ?? 'undefined';
  } catch {
    return null;
  }
}

/** The name=value properties of an ENV, ARG or LABEL instruction (empty for others). */
export function propertiesOf(ins: Instruction): Property[] {
  const p = ins as unknown as { getProperties?: () => Property[] };
  return typeof p.getProperties === 'function' ? p.getProperties() : [];
}

/**
 * The SHELL in effect for each instruction of a stage (inherited from the stages it builds on),
 * as the list of its JSON strings; null where the default shell (`/bin/sh -c`) is used.
 */
export function shellsOf(ctx: DockerfileContext, stage: Stage): Map<Instruction, string[] | null> {
  // Once per stage of a parse (a stage belongs to one parse, whose text decides it): rules ask it for
  // every RUN, which made a file of thousands of RUNs quadratic (review 37, probe p09).
  let out = shellMaps.get(stage);
  if (!out) shellMaps.set(stage, (out = computeShells(ctx, stage)));
  return out;
}

const shellMaps = new WeakMap<Stage, Map<Instruction, string[] | null>>();

function computeShells(ctx: DockerfileContext, stage: Stage): Map<Instruction, string[] | null> {
  let shell: string[] | null = null;
  const chain = stageChain(stage).reverse();
  const out = new Map<Instruction, string[] | null>();
  for (const s of chain) {
    for (const ins of s.instructions) {
      if (s === stage) out.set(ins, shell);
      if (ins.getKeyword() === 'SHELL') {
        const strings = (ins as JSONInstruction).getJSONStrings();
        if (strings.length > 0) shell = strings.map((j) => ctx.jsonStringValue(j));
      }
    }
  }
  return out;
}

/** The shell that runs the shell form of RUN, CMD and ENTRYPOINT on Linux when no SHELL is set (Dockerfile reference, SHELL). */
export const DEFAULT_SHELL: readonly string[] = ['/bin/sh', '-c'];

/**
 * The command a CMD or ENTRYPOINT gives the container, as the process's words: the exec form's strings, or, for the shell form
 * (`CMD redis-server /etc/redis.conf`), the SHELL in effect at the instruction (`/bin/sh -c` by default) with the text as its last
 * word (Dockerfile reference, CMD: "If you use the shell form of the CMD, then the <command> will execute in /bin/sh -c"; SHELL:
 * it affects the shell form of RUN, CMD and ENTRYPOINT). So an entrypoint the base image keeps gets `$1 = /bin/sh`, not the
 * program the text names. `stage` is the stage that holds the instruction. Null when it cannot be read (no arguments, an exec
 * form that is no JSON array of strings). One reader for DC011 and DF010.
 */
export function containerCommand(ctx: DockerfileContext, stage: Stage, ins: Instruction): string[] | null {
  const text = ins.getArgumentsContent()?.trim() ?? '';
  if (text === '') return null;
  if (text.startsWith('[')) {
    const strings = typeof (ins as JSONInstruction).getJSONStrings === 'function' ? (ins as JSONInstruction).getJSONStrings() : [];
    if (strings.length > 0) return strings.map((j) => ctx.jsonStringValue(j));
    try {
      const parsed = JSON.parse(text) as unknown;
      return Array.isArray(parsed) && parsed.every((w) => typeof w === 'string') ? (parsed as string[]) : null;
    } catch {
      return null;
    }
  }
  return [...(shellsOf(ctx, stage).get(ins) ?? DEFAULT_SHELL), text];
}

/** Whether a SHELL's arguments turn pipefail on (`-o pipefail`, `-eo pipefail`, `-euxo pipefail`). */
export function shellHasPipefail(shell: readonly string[]): boolean {
  for (let i = 1; i + 1 < shell.length; i++) {
    if (/^-[a-z]*o$/i.test(shell[i]) && shell[i + 1] === 'pipefail') return true;
  }
  return false;
}

/** The program name of a SHELL (`/bin/bash` → `bash`). */
export function shellProgram(shell: readonly string[]): string {
  return baseName(shell[0] ?? '').toLowerCase();
}

/** Whether the last global ARG of this name (before the first FROM) is declared without a value (`ARG UID`). */
function globalArgWithoutValue(ctx: DockerfileContext, name: string): boolean {
  let without = false;
  for (const arg of ctx.ast.getInitialARGs()) {
    const p = arg.getProperty();
    if (p && p.getName() === name) without = p.getValue() === null;
  }
  return without;
}

/** Known: the value; null: declared without a value we can know (unknown). */
type VarValue = string | null;

/**
 * The build-time variables of a stage, walked forward: `apply` each instruction in order, and
 * `resolve` a text (`$X`, `${X}`, `${X:-d}`, `${X-d}`, `${X:+a}`, `${X+a}`) with what is declared so far.
 * A variable that is not declared may come from the base image's ENV: it is unknown, except on
 * `FROM scratch` (where it is empty).
 */
export class VariableScope {
  private readonly vars = new Map<string, VarValue>();
  private readonly fromEnv = new Set<string>();
  /** Variables an ARG declares without a value, with no global default either: unset in a build without --build-arg. */
  private readonly unset = new Set<string>();
  private readonly scratch: boolean;
  /** The variables the last `resolve` took the `:-`/`-` fallback of because they are unset (with `unsetFallback`). */
  lastFallbacks: string[] = [];
  /**
   * The ENV and ARG instructions given to `apply` (and the inherited ENVs), read only when a value is asked for
   * (`lookup`, or `resolve` of a text with a `$`), in the order they were given: reading one reads its properties
   * (dockerfile-ast's getProperties), the first of which is most of what a scope costs, and most scopes are never asked.
   */
  private readonly pending: Instruction[] = [];
  private applied = 0;
  private flushing = false;

  constructor(
    private readonly ctx: DockerfileContext,
    readonly stage: Stage,
    /**
     * Judge `${X:-word}` and `${X-word}` by their word when X is not declared, or declared by an ARG without a
     * value or global default: what a build without --build-arg expands them to (the Dockerfile reference,
     * "Environment replacement"), taking the base image to set no such ENV. Without it they are unknown.
     */
    private readonly options: { unsetFallback?: boolean } = {},
  ) {
    const chain = stageChain(stage);
    this.scratch = chain[chain.length - 1].base.kind === 'scratch';
    // ENV of the stages this one builds on is inherited; their ARGs are not.
    for (const s of chain.slice(1).reverse()) {
      for (const ins of s.instructions) if (ins.getKeyword() === 'ENV') this.pending.push(ins);
    }
  }

  apply(ins: Instruction): void {
    const kw = ins.getKeyword();
    if (kw === 'ENV' || kw === 'ARG') this.pending.push(ins);
  }

  /** Applies what `apply` was given and not yet read, in order (a value read meanwhile sees those before it, as when applied at once). */
  private flush(): void {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.applied < this.pending.length) this.applyNow(this.pending[this.applied++]);
    } finally {
      this.flushing = false;
    }
  }

  private applyNow(ins: Instruction): void {
    const kw = ins.getKeyword();
    for (const p of propertiesOf(ins)) {
      const name = p.getName();
      const raw = p.getValue();
      if (kw === 'ENV') {
        this.vars.set(name, raw === null ? null : this.resolve(raw));
        this.fromEnv.add(name);
        this.unset.delete(name);
      } else if (!this.fromEnv.has(name)) {
        // An ENV of the same name wins over an ARG. `ARG X` takes the global default, if any.
        // It leaves a value an earlier ARG gave X as it was (BuildKit sets nothing for it): X is unset only if it was.
        const wasUnset = this.unset.has(name) || !this.vars.has(name);
        this.unset.delete(name);
        if (raw !== null) this.vars.set(name, this.resolve(raw));
        else {
          const g = this.ctx.globalArgs.get(name);
          this.vars.set(name, g === undefined || g === null ? null : this.ctx.resolveGlobal(g));
          if (wasUnset && (g === undefined || (g === null && globalArgWithoutValue(this.ctx, name)))) this.unset.add(name);
        }
      }
    }
  }

  /** The value of a variable: a string, or null when unknown (declared without a known value, or not declared on an image that may set it). */
  lookup(name: string): string | null {
    this.flush();
    if (this.vars.has(name)) return this.vars.get(name)!;
    return this.scratch ? '' : null;
  }

  /**
   * The text after substitution, or null when a variable it needs is unknown, or when the substitution
   * would make it longer than MAX_EXPANDED_LENGTH (never built: `ENV A1=${A0}${A0}`… doubles it).
   */
  resolve(text: string): string | null {
    if (!text.includes('$')) {
      this.lastFallbacks = [];
      return text;
    }
    // Before the fallbacks are reset: reading a pending ENV resolves its value, which sets them.
    this.flush();
    this.lastFallbacks = [];
    let unknown = false;
    // The length of the result so far: the text, then each substitution's growth.
    let length = text.length;
    const out = text.replace(/\\\$|\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (m: string, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
      if (m === '\\$') return '$';
      if (unknown) return '';
      const name = braced ?? bare!;
      const v = this.lookup(name);
      if (v === null) {
        // `${X:-0}` where nothing gives X a value: its fallback (review 42a, item 3). A bare `$X` stays unknown.
        if (this.options.unsetFallback && (op === ':-' || op === '-') && (this.unset.has(name) || !this.vars.has(name))) {
          this.lastFallbacks.push(name);
          const r = word ?? '';
          length += r.length - m.length;
          return r;
        }
        unknown = true;
        return '';
      }
      const set = this.vars.has(name);
      const r = op === ':-' ? (v === '' ? (word ?? '') : v) : op === '-' ? (set ? v : (word ?? '')) : op === ':+' ? (v !== '' ? (word ?? '') : '') : op === '+' ? (set ? (word ?? '') : '') : v;
      length += r.length - m.length;
      if (length > MAX_EXPANDED_LENGTH && r.length > m.length) {
        unknown = true;
        return '';
      }
      return r;
    });
    if (/\$\{/.test(out)) return null; // a form we do not read (`${X#p}`, `${X/a/b}`): unknown
    return unknown ? null : out;
  }
}
