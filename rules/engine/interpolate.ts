/**
 * Compose variable interpolation, as the Compose Specification defines it:
 * `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`, `${VAR?err}`,
 * `${VAR:+alt}`, `${VAR+alt}`, and `$$` for a literal `$`. Defaults may nest interpolations.
 * https://docs.docker.com/reference/compose-file/interpolation/
 */
import { MAX_EXPANDED_LENGTH } from './expansion';

export interface Interpolated {
  /** The value after interpolation, or null when a variable it needs is unknown. */
  value: string | null;
  /** Whether the text has any interpolation at all (beyond `$$`). */
  hasVariables: boolean;
  /** Names of the variables referenced (a text without any shares one empty list: never changed). */
  variables: readonly string[];
  /** Whether every literal part came from the text itself or from defaults (no environment value was used). */
  usedDefaultsOnly: boolean;
}

/** The variables of a text that names none (most texts: interpolate's answer without a `$`), one list for all: frozen, never changed. */
const NO_VARIABLES: readonly string[] = Object.freeze([]);

/** A variable's value: a string when known, null when it is set to a value that cannot be known, undefined when unset. */
type Lookup = (name: string) => string | null | undefined;

/**
 * Interpolates `text`. `env` gives variable values (e.g. from the `.env` file); undefined means unset,
 * null set to a value that cannot be known (which only `${VAR+alt}` does not need). A value that would
 * be longer than MAX_EXPANDED_LENGTH is unknown (null), never built: `.env` values interpolate the ones
 * above them, so `A1=${A0}${A0}`… doubles a value on each line (review 41a, F7).
 */
export function interpolate(text: string, env: Lookup = () => undefined, depth = 0): Interpolated {
  // Most values have no `$`: the text is its own value (copying it a character at a time cost more
  // than the rest of the analysis of a large file's values, all in garbage), and it names no variable.
  if (!text.includes('$')) return { value: text, hasVariables: false, variables: NO_VARIABLES, usedDefaultsOnly: true };
  const variables: string[] = [];
  let unknown = false;
  let usedEnv = false;
  let hasVariables = false;
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
    if (out.length > MAX_EXPANDED_LENGTH && out.length > i) {
      // Too long to build: unknown, the rest read on for its variables only.
      unknown = true;
      out = '';
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
  if (out.length > MAX_EXPANDED_LENGTH && out.length > text.length) unknown = true;
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

/**
 * compose-go's isSpace: the blanks its dotenv parser skips around a key and after `=` — not only a
 * space and a tab but `\v`, `\f`, `\r`, U+0085 (NEL) and U+00A0 (no-break space) too (review 40a, item 7).
 */
const DOTENV_BLANK = /[\t\v\f\r \u0085\u00a0]/;
/** Go's unicode.IsSpace (what compose-go skips before a statement, line breaks included, and trims off the end of an unquoted value). */
const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
/** A character of a key to compose-go: a letter or a number (Unicode's), `_`, `.`, `-`, `[`, `]`. */
const DOTENV_KEY_CHAR = /[\p{L}\p{N}_.\-[\]]/u;
/** compose-go's `^export\s+` (Go's `\s`: tab, line feed, form feed, carriage return, space). */
const EXPORT_PREFIX = /^export[\t\n\f\r ]/;

/** One statement of a `.env` file (a variable defined or named alone), with its place in the text. */
export interface DotenvStatement {
  key: string;
  /** The 0-based line the statement starts on (its key's), counting `\n`, `\r\n` and a lone `\r` as the editor does. */
  line: number;
  /** The value as written: the offset of its first character (its opening quote) and past its last (its closing quote); both at the line's end for a key named alone. */
  valueStart: number;
  valueEnd: number;
  /** The quote around the value, if any. */
  quote: '"' | "'" | '`' | null;
  /** A value with a line break in it: a quoted value over several lines (a PEM key in quotes), or an unquoted one with a lone `\r` (no line break to Compose). */
  multiline: boolean;
  /** A key named alone (`KEY`): Compose takes its value from the shell. */
  bare: boolean;
  /**
   * The value, before interpolation: quotes removed, an unquoted value cut at a `#` after a blank and
   * trimmed, `\n`/`\r` of a double-quoted value expanded (as the dotenv package does), line breaks as `\n`.
   */
  value: string;
}

/**
 * The statements of a `.env` (or `env_file:`) file in order, as Compose's parser (compose-go's dotenv,
 * dotenv/parser.go) finds them. Only `\n` ends a line to it: a statement starts after any white space
 * (Go's unicode.IsSpace); `export` and blanks before the key are skipped, and blanks between the key
 * and `=` (or `:`, `KEY: value`) and after it — compose-go's isSpace: space, tab, `\v`, `\f`, `\r`,
 * NEL and no-break space (review 40a, item 7), so `KEY=<no-break space>"…` opens a quoted value. A
 * value in double or single quotes runs to the closing quote that no odd number of backslashes
 * escapes, over line breaks too: the lines of a PEM key in quotes are part of its value, not
 * variables (review 39), and what follows the closing quote on its line is read as the next statement
 * (compose-go's); an unterminated quote runs to the end of the file (Compose rejects such a file:
 * none of its lines is taken for a variable). A value in backquotes (the dotenv package's) ends on
 * its line. An unquoted value runs to the line feed (a lone `\r` is part of it), is cut at a `#`
 * after a blank (`VAR=VAL# not a comment` keeps its `#`) and trimmed. A key is letters, numbers,
 * `_`, `.`, `-`, `[`, `]`; one followed by the line's end is named alone (`KEY`). Where compose-go
 * would reject the file (another character in a key, a blank inside it, an empty key) the statement
 * is skipped — its value still read as compose-go would, so a quoted one hides its lines — and the
 * rest read on. Comments (`#` where a statement would start, to the line feed) and a byte order
 * mark are skipped.
 * https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/#env-file
 */
export function dotenvStatements(text: string): DotenvStatement[] {
  const out: DotenvStatement[] = [];
  const n = text.length;
  // Past a UTF-8 byte order mark (compose-go's parser skips it).
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  // The editor's line of `pos`, counted as the scan moves on.
  let line = 0;
  let counted = 0;
  const lineOf = (at: number): number => {
    for (; counted < at; counted++) {
      const c = text.charCodeAt(counted);
      if (c === 10 || (c === 13 && text.charCodeAt(counted + 1) !== 10)) line++;
    }
    return line;
  };
  const feed = (from: number): number => {
    const i = text.indexOf('\n', from);
    return i === -1 ? n : i;
  };
  while (pos < n) {
    // The statement's start: past white space and comments.
    if (GO_SPACE.test(text[pos])) {
      pos++;
      continue;
    }
    if (text[pos] === '#') {
      pos = feed(pos);
      continue;
    }
    const start = pos;
    let k = pos;
    if (EXPORT_PREFIX.test(text.slice(k, k + 7))) {
      k += 6;
      while (k < n && DOTENV_BLANK.test(text[k])) k++;
    }
    const keyStart = k;
    // The key: to `=`, `:` or the line feed, blanks skipped; another character is an error to compose-go.
    let sep = -1;
    let invalid = false;
    for (; k < n; k++) {
      const c = text[k];
      if (c === '=' || c === ':' || c === '\n') {
        sep = k;
        break;
      }
      if (DOTENV_BLANK.test(c)) continue;
      if (!DOTENV_KEY_CHAR.test(c)) {
        invalid = true;
        break;
      }
    }
    if (invalid) {
      // compose-go rejects the file; the next line is read on.
      pos = feed(k) + 1;
      continue;
    }
    const rawKey = text.slice(keyStart, sep === -1 ? n : sep);
    const key = trimGoSpaceEnd(rawKey);
    const named = key !== '' && !DOTENV_BLANK.test(key);
    if (sep === -1 || text[sep] === '\n') {
      // A key named alone (at the end of the file too).
      const end = sep === -1 ? n : sep;
      if (named) out.push({ key, line: lineOf(start), valueStart: end, valueEnd: end, quote: null, multiline: false, bare: true, value: '' });
      pos = end + 1;
      continue;
    }
    let v = sep + 1;
    while (v < n && DOTENV_BLANK.test(text[v])) v++;
    const q = text[v];
    const close = q === '"' || q === "'" ? closingQuote(text, v + 1, q, n) : q === '`' ? closingQuote(text, v + 1, q, feed(v)) : -1;
    if (q === '"' || q === "'" || close !== -1) {
      const quote = q as '"' | "'" | '`';
      const valueEnd = close === -1 ? n : close + 1;
      const inner = text.slice(v + 1, close === -1 ? n : close);
      const multiline = /[\r\n]/.test(inner);
      let value = multiline ? inner.replace(/\r\n?/g, '\n') : inner;
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
      if (named) out.push({ key, line: lineOf(start), valueStart: v, valueEnd, quote, multiline, bare: false, value });
      // What follows the closing quote is read as the next statement (compose-go's).
      pos = valueEnd;
      continue;
    }
    const end = feed(v);
    const written = text.slice(v, end);
    const cut = /[ \t]#/.exec(written);
    const raw = trimGoSpaceEnd(cut ? written.slice(0, cut.index) : written);
    if (named) out.push({ key, line: lineOf(start), valueStart: v, valueEnd: v + raw.length, quote: null, multiline: /\r/.test(raw), bare: false, value: raw });
    pos = end + 1;
  }
  return out;
}

/** `s` without the white space (Go's unicode.IsSpace) at its end. */
function trimGoSpaceEnd(s: string): string {
  let end = s.length;
  while (end > 0 && GO_SPACE.test(s[end - 1])) end--;
  return s.slice(0, end);
}

/** The offset of the quote `q` that closes a value from `from` on (not escaped by an odd number of backslashes), or -1 before `limit`. */
function closingQuote(text: string, from: number, q: string, limit: number): number {
  for (let i = text.indexOf(q, from); i !== -1 && i < limit; i = text.indexOf(q, i + 1)) {
    let backslashes = 0;
    while (text[i - 1 - backslashes] === '\\' && i - 1 - backslashes >= from) backslashes++;
    if (backslashes % 2 === 0) return i;
  }
  return -1;
}

/**
 * A `.env` (or `env_file:`) file's variables as Compose's parser (compose-go's dotenv) reads them
 * (dotenvStatements): the last definition of a key wins; a key named alone (`KEY`) is declared with no
 * value written (its value comes from the shell: dotenvValues); `KEY : value` defines KEY too (review
 * 34, probes p01, m02). In the order of the statements.
 */
export function composeDotenv(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const s of dotenvStatements(text)) {
    if (!s.bare) vars.set(s.key, s.value);
    else if (!vars.has(s.key)) vars.set(s.key, '');
  }
  return vars;
}

/**
 * The values of a `.env` file as Compose uses them: unquoted and double-quoted values are interpolated
 * (`PG_PW=${PW}` is PW's value), single-quoted ones are literal (the Compose documentation's env-file
 * syntax: https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/#env-file).
 * A value reads the variables defined on the lines above it (`before`: those of files read earlier);
 * others are unset, as in the compose file's own interpolation. `outer` (an included file's env files:
 * the including project's variables) is read first, before the lines above: compose-go parses an
 * include's env files with `dotenv.GetEnvFromFile(environment, …)`, whose lookup asks that environment
 * first (loader/include.go, dotenv/env.go). `vars` holds the values composeDotenv read (quotes
 * removed); a value that needs a variable whose value cannot be known is null.
 */
export function dotenvValues(text: string, vars: ReadonlyMap<string, string>, before?: ReadonlyMap<string, string | null>, outer?: ReadonlyMap<string, string | null>): Map<string, string | null> {
  const out = interpolatedValues(text, vars, before, outer);
  // Keys named alone take their value from the shell: unknown here.
  for (const s of dotenvStatements(text)) if (s.bare && vars.get(s.key) === '') out.set(s.key, null);
  return out;
}

function interpolatedValues(
  text: string,
  vars: ReadonlyMap<string, string>,
  before?: ReadonlyMap<string, string | null>,
  outer?: ReadonlyMap<string, string | null>,
): Map<string, string | null> {
  const out = new Map<string, string | null>();
  // Most .env files use no `$`: their values are as read.
  if (![...vars.values()].some((v) => v.includes('$'))) {
    if (before) for (const [k, v] of before) out.set(k, v);
    for (const [k, v] of vars) out.set(k, v);
    return out;
  }
  // The line of each key's last definition, and whether its value is single-quoted.
  const lastLine = new Map<string, { line: number; literal: boolean; double: boolean }>();
  for (const s of dotenvStatements(text)) if (!s.bare && vars.has(s.key)) lastLine.set(s.key, { line: s.line, literal: s.quote === "'", double: s.quote === '"' });
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
      if (outer?.has(name)) return outer.get(name);
      const at = lastLine.get(name);
      return at !== undefined && at.line < def.line ? known.get(name) : at === undefined ? before?.get(name) : undefined;
    };
    // In a double-quoted value `\$` is a literal `$` (compose-go reads it as `$$`; review 34, probes p06, p07).
    known.set(key, interpolate(def.double ? raw.replace(/\\\$/g, '$$$$') : raw, above).value);
  }
  for (const [k, v] of known) out.set(k, v);
  return out;
}
