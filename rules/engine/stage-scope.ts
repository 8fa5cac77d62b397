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

/** A stage and the earlier stages it builds on (`FROM <stage>`), nearest first. */
export function stageChain(stage: Stage): Stage[] {
  const out: Stage[] = [];
  let s: Stage | undefined = stage;
  while (s && out.length < 64 && !out.includes(s)) {
    out.push(s);
    s = s.base.kind === 'stage' ? s.base.stage : undefined;
  }
  return out;
}

/** Whether `stage` is `ancestor` or builds on it through `FROM <stage>`. */
export function buildsOn(stage: Stage, ancestor: Stage): boolean {
  return stageChain(stage).includes(ancestor);
}

/**
 * Whether a stage builds a Windows image: the image at the root of its chain is one (isWindowsImage),
 * or that stage's FROM asks for a Windows platform (`FROM --platform=windows/amd64 …`).
 */
export function buildsWindows(stage: Stage): boolean {
  const chain = stageChain(stage);
  const root = chain[chain.length - 1];
  const platform = root.from.getPlatformFlag()?.getValue() ?? '';
  if (/^windows(?:\/|$)/i.test(platform)) return true;
  return root.base.kind === 'image' && isWindowsImage(root.base.ref);
}

/** The image at the root of a stage chain (the base of its oldest stage). */
export function rootBase(stage: Stage): Stage['base'] {
  const chain = stageChain(stage);
  return chain[chain.length - 1].base;
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
 * The stages before index `before` that a name holding variables could be (`build-$TARGETARCH` → the stages
 * `build-amd64`, `build-arm64`): its literal parts must match the stage's name. Empty for a name that is
 * nothing but a variable, or that holds none.
 */
export function stagesNameCouldBe(ctx: DockerfileContext, raw: string, before: number): Stage[] {
  if (!raw.includes('$') || /^\$(?:\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*)$/.test(raw)) return [];
  const pattern = new RegExp(`^${raw.toLowerCase().split(/\$(?:\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*)/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return ctx.stages.filter((s) => s.index < before && s.name !== null && pattern.test(s.name));
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
      for (const ins of s.instructions) if (ins.getKeyword() === 'ENV') this.apply(ins);
    }
  }

  apply(ins: Instruction): void {
    const kw = ins.getKeyword();
    if (kw !== 'ENV' && kw !== 'ARG') return;
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
    if (this.vars.has(name)) return this.vars.get(name)!;
    return this.scratch ? '' : null;
  }

  /**
   * The text after substitution, or null when a variable it needs is unknown, or when the substitution
   * would make it longer than MAX_EXPANDED_LENGTH (never built: `ENV A1=${A0}${A0}`… doubles it).
   */
  resolve(text: string): string | null {
    this.lastFallbacks = [];
    if (!text.includes('$')) return text;
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
