/**
 * The ways a file may spell a secret value: Compose's and a Dockerfile's escapes of `$`, YAML's quoting,
 * and YAML's escapes in double-quoted strings. Shared by the output that masks secrets (the CLI's
 * `--fix-dry-run`, cli/src/secret-values.ts) and the rule that looks for copies of a secret left in a
 * file (DC040's copiesLeft): both must know a value however it is written (review 42d, item 1).
 */

/** The words of a value with spaces that count as spellings of it (folded over lines), from this length on. */
export const FOLDED_WORD_MIN = 6;

/**
 * The ways a file may write a value: as it is, with `$` escaped as Compose (`$$`) or a Dockerfile
 * (`\$`) writes it, `'` doubled in single-quoted YAML, escaped as in double quotes, and, for a value
 * with spaces, its words of six characters or more (YAML folds a value over lines: review 7, probe 04).
 * The CLI masks a value in these spellings where it prints a file (cli/src/secret-values.ts), and DC040
 * looks for copies of a secret in them (copiesLeft: a copy written `pa$$w0rd` is one of `pa$w0rd`).
 */
export function spellingsOf(value: string): Set<string> {
  const base = new Set([value, value.replace(/'/g, "''"), JSON.stringify(value).slice(1, -1)]);
  if (/\s/.test(value)) for (const part of value.split(/\s+/)) if (part.length >= FOLDED_WORD_MIN) base.add(part);
  const out = new Set<string>();
  for (const w of base) {
    out.add(w);
    if (w.includes('$')) {
      out.add(w.replace(/\$/g, '$$$$'));
      out.add(w.replace(/\$/g, '\\$'));
    }
  }
  return out;
}

/** YAML's escapes in double quotes (https://yaml.org/spec/1.2.2/#57-escaped-characters) that stand for one character. */
const YAML_ESCAPES: Record<string, string> = { '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\x85', _: '\xa0', L: '\u2028', P: '\u2029' };

/**
 * The spans of a line that hold a value, found in its double-quoted strings with escapes read as YAML
 * reads them (`\x41`, `\u0042`, `\U0001F600`, `\t`…): `find` is given a string's decoded text and
 * returns spans of it, mapped back here to the characters as written. A string left open at the end of
 * the line (continued on the next) is read to the end of the line.
 */
export function escapedSpans(line: string, find: (decoded: string) => [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (let q = line.indexOf('"'); q !== -1 && q < line.length; q = line.indexOf('"', q + 1)) {
    let decoded = '';
    // For each decoded character: where its spelling starts and ends in the line.
    const from: number[] = [];
    const to: number[] = [];
    let escaped = false;
    let k = q + 1;
    for (; k < line.length && line[k] !== '"'; ) {
      let ch: string;
      let len = 1;
      if (line[k] === '\\' && k + 1 < line.length) {
        const e = line[k + 1];
        const hex = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
        const digits = hex ? line.slice(k + 2, k + 2 + hex) : '';
        if (hex && new RegExp(`^[0-9A-Fa-f]{${hex}}$`).test(digits)) {
          const cp = parseInt(digits, 16);
          ch = cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
          len = 2 + hex;
        } else if (e in YAML_ESCAPES) {
          ch = YAML_ESCAPES[e];
          len = 2;
        } else ch = line[k];
        if (len > 1) escaped = true;
      } else ch = line[k];
      for (const unit of ch) {
        for (let u = 0; u < unit.length; u++) {
          decoded += unit[u];
          from.push(k);
          to.push(k + len);
        }
      }
      k += len;
    }
    if (escaped) {
      for (const [a, b] of find(decoded)) if (b > a) out.push([from[a], to[b - 1]]);
    }
    q = k;
  }
  return out;
}
