/**
 * How go-yaml v3 (gopkg.in/yaml.v3, which compose-go loads compose files with) resolves an untagged
 * plain scalar: its `resolve()` in resolve.go, read with Go's strconv and time rules. Compose passes a
 * map value that is not a string as Go prints it (compose-go types.mappingValue: `fmt.Sprint`), so
 * `API_TOKEN: 1_234` reaches the container as `1234`, `0b101` as `5`, `2024-01-02` as
 * `2024-01-02 00:00:00 +0000 UTC`: the text as written is not the value. The `yaml` library this
 * project parses with follows the YAML 1.2 core schema, which leaves those forms strings.
 *
 * What go-yaml v3 resolves, by the first character (its resolveTable):
 * - the fixed words, whatever the first character: `true True TRUE false False FALSE` (bool), `~ null
 *   Null NULL` and the empty text (null), `.nan .NaN .NAN`, `.inf .Inf .INF`, `+.inf`…, `-.inf`… (float).
 *   YAML 1.1's `yes`/`no`/`on`/`off`/`y`/`n` are not among them: they stay strings (decode.go reads them as
 *   booleans only into a Go `bool` field, and compose-go decodes into `interface{}`);
 * - `.` first: a float when Go's `strconv.ParseFloat` reads the text (`.5`, `.5e3`, `.5_5`: underscores
 *   between digits);
 * - a digit, `+` or `-` first: a timestamp (`2006-1-2`, also with a time: `2006-1-2T15:4:5Z`,
 *   `2006-1-2 15:4:5.999`; decoded into `interface{}` as a Go `time.Time` in v3), else, with every `_`
 *   removed, an integer when `strconv.ParseInt(…, 0, 64)` or `ParseUint(…, 0, 64)` reads it (decimal;
 *   `0x`/`0X` hex, `0o`/`0O` and a leading `0` octal, `0b`/`0B` binary; a sign before any of them),
 *   a float when it matches `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$` and is finite,
 *   an integer again for `0b`/`0o` followed by a signed number (`0b-101`: resolve.go parses the rest
 *   with its own sign);
 * - anything else: a string.
 */

export type GoYamlKind = 'str' | 'null' | 'bool' | 'int' | 'float' | 'timestamp';

const WORDS = new Map<string, GoYamlKind>([
  ...['true', 'True', 'TRUE', 'false', 'False', 'FALSE'].map((w) => [w, 'bool'] as const),
  ...['', '~', 'null', 'Null', 'NULL'].map((w) => [w, 'null'] as const),
  ...['.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF'].map((w) => [w, 'float'] as const),
]);

const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

/** go-yaml's yamlStyleFloat (resolve.go). */
const YAML_STYLE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;

/** What go-yaml v3 resolves an untagged plain scalar's text to (see the module comment). */
export function goYamlPlainKind(text: string): GoYamlKind {
  const word = WORDS.get(text);
  if (word) return word;
  const c = text[0];
  if (c === '.') return goParseFloatDecimal(text) ? 'float' : 'str';
  if (!/[0-9+-]/.test(c)) return 'str';
  if (/[0-9]/.test(c) && goTimestamp(text)) return 'timestamp';
  const plain = text.replace(/_/g, '');
  if (goParseInt(plain, 0, true) || goParseInt(plain, 0, false)) return 'int';
  if (YAML_STYLE_FLOAT.test(plain) && Number.isFinite(Number(plain))) return 'float';
  // resolve.go's own `0b`/`0o` branches: ParseInt of what follows the prefix, which may bring a sign of its own.
  if (plain.startsWith('0b') && goParseInt(plain.slice(2), 2, true)) return 'int';
  if (plain.startsWith('0o') && goParseInt(plain.slice(2), 8, true)) return 'int';
  return 'str';
}

/**
 * Whether Go's `strconv.ParseInt(s, base, 64)` (signed) or `ParseUint(s, base, 64)` reads `s` without
 * an error. Base 0 takes the prefix: `0x`/`0X` hex, `0o`/`0O` octal, `0b`/`0B` binary, `0` octal, else
 * decimal. ParseUint takes no sign. `s` has no underscores here (resolve.go removes them first).
 */
function goParseInt(s: string, base: 0 | 2 | 8, signed: boolean): boolean {
  let rest = s;
  let negative = false;
  if (signed && (rest[0] === '+' || rest[0] === '-')) {
    negative = rest[0] === '-';
    rest = rest.slice(1);
  }
  if (rest === '') return false;
  let radix: number = base;
  if (base === 0) {
    radix = 10;
    if (rest[0] === '0') {
      const p = rest[1]?.toLowerCase();
      if (rest.length >= 3 && (p === 'b' || p === 'o' || p === 'x')) {
        radix = p === 'b' ? 2 : p === 'o' ? 8 : 16;
        rest = rest.slice(2);
      } else {
        radix = 8;
        rest = rest.slice(1);
      }
    }
  }
  const digit = radix === 2 ? /^[01]*$/ : radix === 8 ? /^[0-7]*$/ : radix === 10 ? /^[0-9]*$/ : /^[0-9a-fA-F]*$/;
  if (!digit.test(rest)) return false;
  // `0` alone (octal with no digit after the prefix) is 0; an explicit base needs a digit.
  if (rest === '' && !(base === 0 && radix === 8)) return false;
  let n = 0n;
  const r = BigInt(radix);
  for (const ch of rest) n = n * r + BigInt(parseInt(ch, 16));
  if (!signed) return n <= UINT64_MAX;
  return negative ? n <= INT64_MAX + 1n : n <= INT64_MAX;
}

/**
 * Whether Go's `strconv.ParseFloat(s, 64)` reads a text that starts with `.` (only a decimal form can):
 * digits with single underscores between them (strconv's underscoreOK), an optional exponent, and a
 * finite value (an overflow is ErrRange).
 */
function goParseFloatDecimal(s: string): boolean {
  if (!/^\.[0-9](?:_?[0-9])*(?:[eE][-+]?[0-9](?:_?[0-9])*)?$/.test(s)) return false;
  return Number.isFinite(Number(s.replace(/_/g, '')));
}

/** The days of a month in the proleptic Gregorian calendar, as Go's time package counts them. */
function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * go-yaml's parseTimestamp: the text starts with four digits and `-`, and Go's `time.Parse` reads it
 * with one of `2006-1-2T15:4:5.999999999Z07:00`, `2006-1-2t15:4:5.999999999Z07:00`,
 * `2006-1-2 15:4:5.999999999` or `2006-1-2` (month and day of one or two digits, in range; hour 0-23,
 * minute and second 0-59 of one or two digits; an optional fraction after `.` or `,`; the zone `Z` or
 * `±hh:mm`, whose range newer Go releases check and older ones do not: any two digits count here; the
 * layout's space matches one space or more).
 */
function goTimestamp(s: string): boolean {
  const m = /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:([Tt]| +)([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[.,][0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$/.exec(s);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(month, year)) return false;
  if (m[4] === undefined) return true;
  if (Number(m[5]) > 23 || Number(m[6]) > 59 || Number(m[7]) > 59) return false;
  // The `T`/`t` layouts end with a zone; the space layout has none.
  return m[4].startsWith(' ') ? m[8] === undefined : m[8] !== undefined;
}
