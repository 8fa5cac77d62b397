/**
 * dockerfile-ast computes most instruction accessors on every call (`getArguments()`,
 * `getArgumentsRange()`, `getHeredocs()`… re-read and re-split the instruction's text each time),
 * and many rules ask the same instruction the same questions. A parsed Dockerfile never changes, so
 * once the parse is finished each instruction's zero-argument `get…` accessors are replaced, on the
 * instance only, by versions that compute once. Outside our own parse the library behaves as written
 * (the parser itself calls these accessors while it is still building the objects).
 *
 * During our parse (`parseDockerfile`) the parser itself splits each instruction's arguments five to
 * eight times (every constructor asks for them, flags ask again, and the parser builds each
 * instruction twice to look for heredocs); `getRawArguments` is memoized per instruction for the time
 * of that parse only (wrappers installed once, active only during our parse), and each call still gets
 * a fresh array, as from the library.
 */
import { DockerfileParser, Instruction, type Argument, type Dockerfile } from 'dockerfile-ast';
import { Parser } from 'dockerfile-ast/lib/parser';
import { buildkitDirectives } from './directives';

const FROZEN = Symbol('docker-guardrails.frozen');
const CACHE = Symbol('docker-guardrails.accessor-cache');
const KEYWORD = Symbol('docker-guardrails.keyword');
/** `getRange() { return this.range; }` (as written, or minified). */
const TRIVIAL_GETTER = /^[\w$]+\(\)\s*\{\s*return this\.[\w$]+;?\s*\}$/;
/** Per class: a prototype whose accessors compute once per instance, inserted above the class's own. */
const memoProtos = new Map<object, object>();

type Cached = { [CACHE]?: unknown[] };

/**
 * An accessor's cached value is kept in a slot of an array per instance (the slot of its name, the same
 * for every class, numbered in the order names are first asked for, so that the arrays stay as short as
 * the accessors rules read), UNSET until computed: a Map per instance, keyed by the accessor's name, cost
 * a lookup by string and a Map's allocations for every instruction.
 */
const UNSET: unknown = Symbol('docker-guardrails.unset');
const slots = new Map<string, number>();
function slotOf(name: string): number {
  let s = slots.get(name);
  if (s === undefined) slots.set(name, (s = slots.size));
  return s;
}
const RAW_ARGUMENTS_SLOT = slotOf('getRawArguments');
const ARGUMENTS_SLOT = slotOf('getArguments');

/**
 * How a frozen accessor computes its one value: the library's method, except where the library's code changes
 * what another accessor hands it, or reads another accessor half-way (dockerfile-ast computes each afresh, a
 * frozen accessor hands out its one value):
 * - ModifiableInstruction.getArguments (FROM, RUN, COPY, ADD, HEALTHCHECK…) `shift()`s one argument per flag off
 *   getRawArguments' array: with flags, it is given a copy of that array, which keeps the flags;
 * - getExpandedArguments writes the expanded arguments into getArguments' array: it is given a copy;
 * - ModifiableInstruction.getFlags reads getArguments while it builds the flags, and that getArguments sees no flags
 *   yet: it is not kept (the parse builds the flags of the JSON-form instructions; those of FROM and HEALTHCHECK are
 *   built on first use, after it).
 * Each is tested in test/hot-paths.test.ts against an instruction of the library's own parse.
 */
function computeOf(name: string, original: (this: unknown) => unknown): (this: Cached) => unknown {
  if (name === 'getArguments' && original !== Instruction.prototype.getArguments) {
    return function argumentsOfCopy(this: Cached) {
      // The parse's raw arguments (freezeInstruction seeds them), else the library's.
      const cache = this[CACHE];
      const seeded = cache !== undefined && RAW_ARGUMENTS_SLOT < cache.length ? cache[RAW_ARGUMENTS_SLOT] : UNSET;
      return withCopy(this, RAW_ARGUMENTS_SLOT, seeded !== UNSET ? (seeded as unknown[]) : (this as unknown as { getRawArguments(): Argument[] }).getRawArguments(), original);
    };
  }
  if (name === 'getExpandedArguments') {
    return function expandedOfCopy(this: Cached) {
      return withCopy(this, ARGUMENTS_SLOT, (this as Instruction).getArguments(), original);
    };
  }
  if (name === 'getFlags') {
    return function flagsForgettingArguments(this: Cached) {
      const cache = this[CACHE];
      const known = cache !== undefined && ARGUMENTS_SLOT < cache.length && cache[ARGUMENTS_SLOT] !== UNSET;
      const value = original.call(this);
      const after = this[CACHE];
      if (!known && after !== undefined && ARGUMENTS_SLOT < after.length) after[ARGUMENTS_SLOT] = UNSET;
      return value;
    };
  }
  return original;
}

/** `original` on an instruction whose accessor cached in `slot` gives it a copy of `kept`, that accessor's value. */
function withCopy(ins: Cached, slot: number, kept: unknown[], original: (this: unknown) => unknown): unknown {
  // The accessor just asked for its value: the cache holds its slot.
  const cache = ins[CACHE]!;
  cache[slot] = kept.slice();
  try {
    return original.call(ins);
  } finally {
    cache[slot] = kept;
  }
}

/** A fresh cache of `length` slots, all UNSET (it grows when a later slot is asked). */
function newCache(length: number): unknown[] {
  const cache = new Array<unknown>(length);
  for (let k = 0; k < length; k++) cache[k] = UNSET;
  return cache;
}

/** The zero-argument `get…` methods along an object's prototype chain. */
function accessors(proto: object): string[] {
  const seen = new Set<string>();
  for (let p: object | null = proto; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const name of Object.getOwnPropertyNames(p)) {
      if (!name.startsWith('get') || seen.has(name)) continue;
      const v = (p as Record<string, unknown>)[name];
      if (typeof v === 'function' && v.length === 0) seen.add(name);
    }
  }
  return [...seen];
}

function memoProtoOf(proto: object): object {
  let memo = memoProtos.get(proto);
  if (memo) return memo;
  memo = Object.create(proto) as object;
  // Marks the instructions that have it as their prototype as frozen (no field of their own to add).
  (memo as Record<symbol, unknown>)[FROZEN] = true;
  for (const name of accessors(proto)) {
    const original = (proto as Record<string, (this: unknown) => unknown>)[name];
    // Accessors that return a field as it is cost nothing: they are left as they are.
    if (TRIVIAL_GETTER.test(Function.prototype.toString.call(original))) continue;
    if (name === 'getKeyword') {
      // Asked for every instruction by nearly every rule: kept in a field of its own.
      (memo as Record<string, unknown>)[name] = function getKeyword(this: { [KEYWORD]?: unknown }) {
        const k = this[KEYWORD];
        return k !== undefined ? k : (this[KEYWORD] = original.call(this));
      };
      continue;
    }
    const compute = computeOf(name, original);
    let slot = -1;
    (memo as Record<string, unknown>)[name] = function once(this: Cached) {
      if (slot < 0) slot = slotOf(name);
      let cache = this[CACHE];
      if (cache === undefined) {
        cache = newCache(slot + 1);
        this[CACHE] = cache;
      } else if (slot < cache.length) {
        const hit = cache[slot];
        if (hit !== UNSET) return hit;
      } else {
        while (cache.length <= slot) cache.push(UNSET);
      }
      const value = compute.call(this);
      cache[slot] = value;
      return value;
    };
  }
  memoProtos.set(proto, memo);
  return memo;
}

/** Marks an instruction of a finished parse: from now on each accessor is computed once. */
export function freezeInstruction(ins: object): void {
  const target = ins as Record<string | symbol, unknown> & Cached;
  // Set on the memo prototypes (memoProtoOf): a frozen instruction inherits it.
  if (target[FROZEN] === true) return;
  // The parse's own array: it handed out only copies of it (getRawArguments below), and a frozen accessor hands out its one value.
  const seeded = parseMemo.get(ins);
  let cache: unknown[] | undefined;
  if (seeded) (cache = newCache(RAW_ARGUMENTS_SLOT + 1))[RAW_ARGUMENTS_SLOT] = seeded;
  // Every frozen instruction gets its cache property here, the cache made or not (undefined until an accessor is
  // asked): adding the property later, in `once`, on an instruction whose prototype was replaced, was a store that
  // changes the object's shape at a site that meets every instruction class, which V8 does in its runtime (that one
  // line was 227 of the 1,027 ms of once's self time in a 40-round CPU profile of analyze() over the corpus).
  target[CACHE] = cache;
  target[KEYWORD] = (ins as { getKeyword(): string }).getKeyword();
  Object.setPrototypeOf(ins, memoProtoOf(Object.getPrototypeOf(ins) as object));
}

/** Raw arguments computed during our parse, per instruction (seeds the accessor cache). */
let parseMemo = new WeakMap<object, Argument[]>();

/** What one of our parses remembers; null outside our parse (the library then runs as written). */
interface ParseState {
  memo: WeakMap<object, Argument[]>;
  last: { instruction: string; start: number; instructionEnd: number; end: number; built: unknown } | undefined;
}
let active: ParseState | null = null;
let installed = false;

/**
 * Installs, once, the two wrappers our parse uses: `getRawArguments` memoized per instruction (the
 * parser builds an instruction once: a memo by the text it reads, for a second instance of the same
 * text, never found one in the corpus once createInstruction below reuses the instruction), and `createInstruction` reusing the instruction it has just built. Outside our
 * parse (`active` null) each wrapper calls the library's own method. Installed once rather than
 * swapped in and out around every parse: changing a prototype invalidates V8's inline caches and
 * optimized code that depend on it, which made every later parse (ours and the library's) slower.
 */
function install(): void {
  if (installed) return;
  installed = true;
  const proto = Instruction.prototype as unknown as { getRawArguments: (this: object) => Argument[] };
  const original = proto.getRawArguments;
  proto.getRawArguments = function getRawArguments(this: object) {
    const state = active;
    if (state === null) return original.call(this);
    let args = state.memo.get(this);
    if (!args) state.memo.set(this, (args = original.call(this)));
    return args.slice();
  };
  // The parser builds each instruction that has arguments twice (once to look for heredocs, then
  // to keep): the same arguments give the same instruction, built once.
  const parserProto = Parser.prototype as unknown as { createInstruction: (this: unknown, dockerfile: unknown, instruction: string, start: number, instructionEnd: number, end: number) => unknown };
  const originalCreate = parserProto.createInstruction;
  parserProto.createInstruction = function createInstruction(dockerfile, instruction, start, instructionEnd, end) {
    const state = active;
    if (state === null) return originalCreate.call(this, dockerfile, instruction, start, instructionEnd, end);
    const last = state.last;
    if (last && last.start === start && last.instructionEnd === instructionEnd && last.end === end && last.instruction === instruction) return last.built;
    const built = originalCreate.call(this, dockerfile, instruction, start, instructionEnd, end);
    state.last = { instruction, start, instructionEnd, end, built };
    return built;
  };
  // dockerfile-ast reads every `# name=value` line at the top as a parser directive; BuildKit stops at
  // the first line that is not a known one (`# foo=bar`), and reads what follows as comments — a
  // `# escape=`` after it included. Our parse keeps only the directives BuildKit reads (the parser
  // then starts after them, the others become comments), so the escape character is BuildKit's.
  // Where the library does not have this method, DockerfileContext.escapeAsBuildkit says so.
  type Directives = (this: unknown, document: unknown, buffer: string) => { getRange(): { start: { line: number } } }[];
  const withDirectives = Parser.prototype as unknown as { getParserDirectives?: Directives };
  const originalDirectives = withDirectives.getParserDirectives;
  if (typeof originalDirectives === 'function') {
    withDirectives.getParserDirectives = function getParserDirectives(document, buffer) {
      const found = originalDirectives.call(this, document, buffer);
      if (active === null || typeof buffer !== 'string') return found;
      const { lines } = buildkitDirectives(buffer);
      let kept = 0;
      while (kept < found.length && found[kept].getRange().start.line === kept && kept < lines) kept++;
      return kept === found.length ? found : found.slice(0, kept);
    };
  }
}

/** Parses a Dockerfile with `getRawArguments` memoized for the parse (the result is the library's). */
export function parseDockerfile(text: string): Dockerfile {
  install();
  const state: ParseState = { memo: new WeakMap(), last: undefined };
  const outer = active;
  active = state;
  try {
    return DockerfileParser.parse(text);
  } finally {
    active = outer;
    parseMemo = state.memo;
  }
}
