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

/** A line of a `.env` that names a key alone (`POSTGRES_PASSWORD`: Compose takes its value from the shell). */
const BARE_KEY = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][\w.-]*)[ \t]*$/;
/** Whether some line looks like a key named alone (most files have none: no second reading for them). */
const BARE_KEY_ANYWHERE = /^[ \t]*(?:export[ \t]+)?[A-Za-z_][\w.-]*[ \t]*$/m;

/** One statement of a `.env` file (a variable defined or named alone), with its place in the text. */
export interface DotenvStatement {
  key: string;
  /** The 0-based line the statement starts on (its key's). */
  line: number;
  /** The value as written: the offset of its first character (its opening quote) and past its last (its closing quote); both at the line's end for a key named alone. */
  valueStart: number;
  valueEnd: number;
  /** The quote around the value, if any. */
  quote: '"' | "'" | '`' | null;
  /** A quoted value with line breaks in it (a PEM key in quotes). */
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
 * The statements of a `.env` (or `env_file:`) file in order, as Compose's parser (compose-go's dotenv)
 * finds them. A value in double or single quotes runs to the closing quote that no odd number of
 * backslashes escapes, over line breaks too: the lines of a PEM key in quotes are part of its value,
 * not variables (review 39); an unterminated quote runs to the end of the file (Compose rejects such a
 * file: none of its lines is taken for a variable). A value in backquotes (the dotenv package's) ends
 * on its line. An unquoted value runs to the end of its line and is cut at a `#` after a blank
 * (`VAR=VAL# not a comment` keeps its `#`; the dotenv package cuts at any `#`). Comments, blank lines
 * and lines that define nothing are skipped, and a byte order mark. A line ends at `\n`, `\r\n` or a lone `\r`.
 * https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/#env-file
 */
export function dotenvStatements(text: string): DotenvStatement[] {
  const out: DotenvStatement[] = [];
  // Past a UTF-8 byte order mark (compose-go's parser skips it).
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 0;
  while (pos < text.length) {
    const eol = lineEnd(text, pos);
    const lineText = text.slice(pos, eol);
    // Where the statement's last line ends (past the closing quote of a multi-line value).
    let stop = eol;
    const bare = BARE_KEY.exec(lineText);
    const m = bare ? null : DOTENV_LINE.exec(lineText);
    if (bare) out.push({ key: bare[1], line, valueStart: eol, valueEnd: eol, quote: null, multiline: false, bare: true, value: '' });
    else if (m) {
      const valueStart = eol - m[2].length;
      const q = m[2][0];
      const close = q === '"' || q === "'" ? closingQuote(text, valueStart + 1, q, text.length) : q === '`' ? closingQuote(text, valueStart + 1, q, eol) : -1;
      if ((q === '"' || q === "'") || close !== -1) {
        const quote = q as '"' | "'" | '`';
        const valueEnd = close === -1 ? text.length : close + 1;
        const inner = text.slice(valueStart + 1, close === -1 ? text.length : close);
        const multiline = valueEnd > eol;
        let value = multiline ? inner.replace(/\r\n?/g, '\n') : inner;
        if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
        out.push({ key: m[1], line, valueStart, valueEnd, quote, multiline, bare: false, value });
        if (multiline) {
          stop = lineEnd(text, valueEnd);
          line += lineBreaks(text.slice(pos, stop));
        }
      } else {
        const cut = /[ \t]#/.exec(m[2]);
        const raw = (cut ? m[2].slice(0, cut.index) : m[2]).trimEnd();
        out.push({ key: m[1], line, valueStart, valueEnd: valueStart + raw.length, quote: null, multiline: false, bare: false, value: raw.trim() });
      }
    }
    pos = text[stop] === '\r' && text[stop + 1] === '\n' ? stop + 2 : stop + 1;
    line++;
  }
  return out;
}

/** The offset of the first line break at or after `from`, or the text's length. */
function lineEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i;
  }
  return text.length;
}

function lineBreaks(text: string): number {
  return text.match(/\r\n?|\n/g)?.length ?? 0;
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
 * others are unset, as in the compose file's own interpolation. `vars` holds the values composeDotenv read
 * (quotes removed); a value that needs a variable whose value cannot be known is null.
 */
export function dotenvValues(text: string, vars: ReadonlyMap<string, string>, before?: ReadonlyMap<string, string | null>): Map<string, string | null> {
  const out = interpolatedValues(text, vars, before);
  // Keys named alone take their value from the shell: unknown here.
  if (BARE_KEY_ANYWHERE.test(text)) for (const s of dotenvStatements(text)) if (s.bare && vars.get(s.key) === '') out.set(s.key, null);
  return out;
}

function interpolatedValues(text: string, vars: ReadonlyMap<string, string>, before?: ReadonlyMap<string, string | null>): Map<string, string | null> {
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
      const at = lastLine.get(name);
      return at !== undefined && at.line < def.line ? known.get(name) : at === undefined ? before?.get(name) : undefined;
    };
    // In a double-quoted value `\$` is a literal `$` (compose-go reads it as `$$`; review 34, probes p06, p07).
    known.set(key, interpolate(def.double ? raw.replace(/\\\$/g, '$$$$') : raw, above).value);
  }
  for (const [k, v] of known) out.set(k, v);
  return out;
}
