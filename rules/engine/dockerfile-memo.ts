/**
 * dockerfile-ast computes most instruction accessors on every call (`getArguments()`,
 * `getArgumentsRange()`, `getHeredocs()`… re-read and re-split the instruction's text each time),
 * and many rules ask the same instruction the same questions. A parsed Dockerfile never changes, so
 * once the parse is finished each instruction's zero-argument `get…` accessors are replaced, on the
 * instance only, by versions that compute once. The library's prototypes are left alone (the parser
 * itself calls these accessors while it is still building the objects).
 */

const FROZEN = Symbol('docker-guardrails.frozen');
const methodsOf = new Map<object, string[]>();

/** The zero-argument `get…` methods along an object's prototype chain (computed once per class). */
function accessors(proto: object): string[] {
  let names = methodsOf.get(proto);
  if (names) return names;
  const seen = new Set<string>();
  for (let p: object | null = proto; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const name of Object.getOwnPropertyNames(p)) {
      if (!name.startsWith('get') || seen.has(name)) continue;
      const v = (p as Record<string, unknown>)[name];
      if (typeof v === 'function' && v.length === 0) seen.add(name);
    }
  }
  names = [...seen];
  methodsOf.set(proto, names);
  return names;
}

/** Marks an instruction of a finished parse: from now on each accessor is computed once. */
export function freezeInstruction(ins: object): void {
  const target = ins as Record<string | symbol, unknown>;
  if (target[FROZEN]) return;
  target[FROZEN] = true;
  for (const name of accessors(Object.getPrototypeOf(ins) as object)) {
    const original = target[name] as (this: unknown) => unknown;
    target[name] = function once(this: Record<string, unknown>) {
      const value = original.call(this);
      this[name] = () => value;
      return value;
    };
  }
}
