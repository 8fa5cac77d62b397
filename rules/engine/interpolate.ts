/**
 * Compose variable interpolation, as the Compose Specification defines it:
 * `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`, `${VAR?err}`,
 * `${VAR:+alt}`, `${VAR+alt}`, and `$$` for a literal `$`. Defaults may nest interpolations.
 * https://docs.docker.com/reference/compose-file/interpolation/
 */

export interface Interpolated {
  /** The value after interpolation, or null when a variable it needs is unknown. */
  value: string | null;
  /** Whether the text has any interpolation at all (beyond `$$`). */
  hasVariables: boolean;
  /** Names of the variables referenced. */
  variables: string[];
  /** Whether every literal part came from the text itself or from defaults (no environment value was used). */
  usedDefaultsOnly: boolean;
}

/** A variable's value: a string when known, null when it is set to a value that cannot be known, undefined when unset. */
type Lookup = (name: string) => string | null | undefined;

/**
 * Interpolates `text`. `env` gives variable values (e.g. from the `.env` file); undefined means unset,
 * null set to a value that cannot be known (which only `${VAR+alt}` does not need).
 */
export function interpolate(text: string, env: Lookup = () => undefined, depth = 0): Interpolated {
  const variables: string[] = [];
  let unknown = false;
  let usedEnv = false;
  let hasVariables = false;
  // Most values have no `$`: the text is its own value (copying it a character at a time cost more
  // than the rest of the analysis of a large file's values, all in garbage).
  if (!text.includes('$')) return { value: text, hasVariables: false, variables, usedDefaultsOnly: true };
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '$') {
      // The literal run up to the next `$`, copied at once.
      const dollar = text.indexOf('$', i);
      const end = dollar === -1 ? text.length : dollar;
      out += text.slice(i, end);
      i = end;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      const close = matchingBrace(text, i + 1);
      if (close === -1) {
        out += text.slice(i);
        break;
      }
      const body = text.slice(i + 2, close);
      i = close + 1;
      hasVariables = true;
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/.exec(body);
      if (!m) {
        unknown = true;
        continue;
      }
      const [, name, op, word = ''] = m;
      variables.push(name);
      const v = env(name);
      if (v === null && op !== '+') {
        unknown = true;
        continue;
      }
      const set = v !== undefined;
      const empty = !set || v === '';
      if (set) usedEnv = true;
      const resolveWord = (): string | null => {
        if (depth > 8) return null;
        const inner = interpolate(word, env, depth + 1);
        variables.push(...inner.variables);
        if (!inner.usedDefaultsOnly) usedEnv = true;
        return inner.value;
      };
      if (op === ':-' || op === '-') {
        const useDefault = op === ':-' ? empty : !set;
        if (useDefault) {
          const w = resolveWord();
          if (w === null) unknown = true;
          else out += w;
        } else out += v!;
      } else if (op === ':+' || op === '+') {
        const useAlt = op === ':+' ? !empty : set;
        if (useAlt) {
          const w = resolveWord();
          if (w === null) unknown = true;
          else out += w;
        }
      } else if (op === ':?' || op === '?') {
        const fail = op === ':?' ? empty : !set;
        if (fail) unknown = true;
        else out += v!;
      } else if (set) out += v!;
      else unknown = true;
      continue;
    }
    NAME_AT.lastIndex = i + 1;
    const m = NAME_AT.exec(text);
    if (m) {
      hasVariables = true;
      variables.push(m[0]);
      const v = env(m[0]);
      if (v === undefined || v === null) unknown = true;
      else {
        usedEnv = true;
        out += v;
      }
      i += 1 + m[0].length;
      continue;
    }
    out += '$';
    i++;
  }
  return { value: unknown ? null : out, hasVariables, variables, usedDefaultsOnly: !usedEnv };
}

/** A variable name starting exactly at lastIndex (sticky: no copy of the rest of the text to match at its start). */
const NAME_AT = /[A-Za-z_][A-Za-z0-9_]*/y;

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/**
 * Splits `text` on `sep` where it stands outside `${…}` (nested braces counted, `$$` is a literal `$`):
 * the [start, end) offsets of each part. `keep(i, start)` may keep a separator at `i` inside the part
 * that began at `start` (a Windows drive letter's `:`).
 */
export function splitOutsideInterpolation(text: string, sep: string, keep?: (i: number, start: number) => boolean): [number, number][] {
  const parts: [number, number][] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '$' && text[i + 1] === '$') {
      i++;
      continue;
    }
    if (c === '$' && text[i + 1] === '{') {
      depth++;
      i++;
      continue;
    }
    if (c === '{' && depth > 0) depth++;
    else if (c === '}' && depth > 0) depth--;
    else if (c === sep && depth === 0 && !keep?.(i, start)) {
      parts.push([start, i]);
      start = i + 1;
    }
  }
  parts.push([start, text.length]);
  return parts;
}

/** A definition line of a `.env` file (dotenv's syntax, and compose-go's `KEY : value`): the key, then the value as written. */
const DOTENV_LINE = /^[ \t]*(?:export[ \t]+)?([\w.-]+)(?:[ \t]*=[ \t]*|[ \t]*:[ \t]+)(.*)$/;

/**
 * A `.env` (or `env_file:`) file's values as Compose's parser (compose-go's dotenv) reads them, from
 * the values the dotenv package parsed: an unquoted value runs to ` #` — a `#` without a space before
 * it is part of the value (`VAR=VAL# not a comment`, the Compose documentation's env-file syntax;
 * dotenv cuts at any `#`) — and `KEY : value` defines KEY (review 34, probes p01, m02).
 */
export function composeDotenv(text: string, parsed: Record<string, string>): Map<string, string> {
  const vars = new Map(Object.entries(parsed));
  if (!text.includes('#') && !/^[ \t]*(?:export[ \t]+)?[\w.-]+[ \t]+:/m.test(text) && !BARE_KEY_ANYWHERE.test(text)) return vars;
  for (const line of text.split(/\r?\n/)) {
    const bare = BARE_KEY.exec(line);
    // `KEY` alone takes KEY from the shell's environment: declared here, with no value written (its value: dotenvValues).
    if (bare) {
      if (!vars.has(bare[1])) vars.set(bare[1], '');
      continue;
    }
    const m = DOTENV_LINE.exec(line);
    if (!m || /^['"`]/.test(m[2])) continue;
    const cut = m[2].indexOf(' #');
    vars.set(m[1], (cut === -1 ? m[2] : m[2].slice(0, cut)).trim());
  }
  return vars;
}

/** A line of a `.env` that names a key alone (`POSTGRES_PASSWORD`: Compose takes its value from the shell). */
const BARE_KEY = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][\w.-]*)[ \t]*$/;
const BARE_KEY_ANYWHERE = /^[ \t]*(?:export[ \t]+)?[A-Za-z_][\w.-]*[ \t]*$/m;

/**
 * The values of a `.env` file as Compose uses them: unquoted and double-quoted values are interpolated
 * (`PG_PW=${PW}` is PW's value), single-quoted ones are literal (the Compose documentation's env-file
 * syntax: https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/#env-file).
 * A value reads the variables defined on the lines above it (`before`: those of files read earlier);
 * others are unset, as in the compose file's own interpolation. `vars` holds the values dotenv parsed
 * (quotes removed); a value that needs a variable whose value cannot be known is null.
 */
export function dotenvValues(text: string, vars: ReadonlyMap<string, string>, before?: ReadonlyMap<string, string | null>): Map<string, string | null> {
  const out = interpolatedValues(text, vars, before);
  // Keys named alone take their value from the shell: unknown here.
  if (BARE_KEY_ANYWHERE.test(text)) {
    for (const line of text.split(/\r?\n/)) {
      const key = BARE_KEY.exec(line)?.[1];
      if (key && vars.get(key) === '') out.set(key, null);
    }
  }
  return out;
}

function interpolatedValues(text: string, vars: ReadonlyMap<string, string>, before?: ReadonlyMap<string, string | null>): Map<string, string | null> {
  const out = new Map<string, string | null>();
  // Most .env files use no `$`: their values are dotenv's.
  if (![...vars.values()].some((v) => v.includes('$'))) {
    if (before) for (const [k, v] of before) out.set(k, v);
    for (const [k, v] of vars) out.set(k, v);
    return out;
  }
  // The line of each key's last definition, and whether its value is single-quoted.
  const lastLine = new Map<string, { line: number; literal: boolean; double: boolean }>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = DOTENV_LINE.exec(lines[i]);
    if (m && vars.has(m[1])) lastLine.set(m[1], { line: i, literal: m[2].startsWith("'"), double: m[2].startsWith('"') });
  }
  const order = [...vars.keys()].sort((a, b) => (lastLine.get(a)?.line ?? 0) - (lastLine.get(b)?.line ?? 0));
  const known = new Map<string, string | null>(before ?? []);
  for (const key of order) {
    const raw = vars.get(key)!;
    const def = lastLine.get(key);
    if (!raw.includes('$') || !def || def.literal) {
      known.set(key, raw);
      continue;
    }
    const above = (name: string) => {
      const at = lastLine.get(name);
      return at !== undefined && at.line < def.line ? known.get(name) : at === undefined ? before?.get(name) : undefined;
    };
    // In a double-quoted value `\$` is a literal `$` (compose-go reads it as `$$`; review 34, probes p06, p07).
    known.set(key, interpolate(def.double ? raw.replace(/\\\$/g, '$$$$') : raw, above).value);
  }
  for (const [k, v] of known) out.set(k, v);
  return out;
}
