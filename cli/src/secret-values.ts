/**
 * The secret values the rules report (Rule.secrets) and where they are written (Rule.secretRanges),
 * for output that prints a file's lines or a fix's text: `--fix-dry-run`'s diff masks them, and JSON
 * and SARIF withhold a fix that writes one (review 39, items 1-3).
 *
 * A value that does not read as a word is masked wherever it occurs, inside other text too (`-pS3cretPw`,
 * `bob:S3cretPw|sh`, `S3cretPw&&echo ok`, `https://hooks.example.com/XKQZJVWPMT/8472916350`): a
 * separator before or after it is not needed (masksAnywhere, review 40a item 5):
 * - six characters or more with two kinds of character (lower case, upper case, digits, others:
 *   `hunter2`, `Xk9vQm`), a common password too when it has a digit or a symbol (`Welcome2024!`,
 *   `Password123`: no key or image is named like that);
 * - eight characters or more of one kind that is not lower case letters (`8472916350`, `XKQZJVWPMT`);
 * - twelve characters or more of lower case letters (`correcthorsebattery`).
 * Any other value only where it stands as a value of its own, between separators: a shorter one, an
 * image's well-known default (`root`, `postgres`), a common password of letters only (`secret`,
 * `docker`, `Password`), or a lower case word under twelve letters (`snipeit`, `nextcloud`): such words
 * name other things in the same files (`image: postgres:16`, `data/snipeit/snipeit.env`), and masking
 * them there would garble the diff, show where the value is, and withhold fixes that write no secret.
 * Where a rule says where it found a value (Rule.secretRanges: every value a rule reports on a command
 * line, `-ppassword` given to mysql), that place is masked whatever the value.
 */
import type { Range } from '../../rules/engine/types';
import type { LineIndex } from '../../rules/engine/text';
import { weakReason } from '../../rules/compose/DC041-weak-or-default-password';
import { escapedSpans, spellingsOf } from '../../rules/engine/secret-spellings';

export const MASK = '********';

/** Values at least this long may be masked wherever they occur (unless they read as words: see masksAnywhere). */
export const MASK_ANYWHERE_MIN = 6;

/** A value of one kind of character other than lower case letters (`8472916350`, `XKQZJVWPMT`) this long or longer reads as no word. */
const ONE_KIND_MIN = 8;

/** A value of lower case letters this long or longer is no word that names something else. */
const LOWER_WORD_MIN = 12;

/** Whether a secret value is masked wherever it occurs, or only where it stands as a value (see the module comment). */
export function masksAnywhere(value: string): boolean {
  if (value.length < MASK_ANYWHERE_MIN || /^\**$/.test(value)) return false;
  // A word of lower case letters: an image's, a service's, a folder's name as likely as the password.
  if (/^[a-z]+$/.test(value)) return value.length >= LOWER_WORD_MIN;
  const weak = weakReason(value, null);
  // An image's default (`postgres`, `Passw0rd` for some images) or a common password: only with a digit or a symbol (`Welcome2024!`, `Password123`).
  if ((weak === 'default' || weak === 'common') && !/[^A-Za-z]/.test(value)) return false;
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(value)).length;
  return kinds >= 2 || value.length >= ONE_KIND_MIN;
}

/** A value where it stands as a value of its own: after a separator (or a `\n`-style escape), before one. */
function asValue(v: string, flags: string): RegExp {
  return new RegExp(`(?<=^|[\\s:="'\\-,([{]|\\\\[nrt0abefv])${v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=$|[\\s"'}#,@\\]);])`, flags);
}

/** Secret values to find in a text, or mask in it (see the module comment for where). */
export class SecretValues {
  /** Longest first: a value that contains another is masked whole. */
  private readonly anywhere: string[];
  private readonly standalone: RegExp[];

  /** `minLength`: shorter values are not looked for at all (a one-letter value would be everywhere). */
  constructor(values: Iterable<string>, minLength: number, keep: (v: string) => boolean = () => true) {
    const anywhere = new Set<string>();
    const standalone = new Set<string>();
    for (const value of values) {
      if (value.length < minLength || !keep(value)) continue;
      for (const w of spellingsOf(value)) {
        if (w.length < minLength) continue;
        if (masksAnywhere(w)) anywhere.add(w);
        else standalone.add(w);
      }
    }
    this.anywhere = [...anywhere].sort((a, b) => b.length - a.length);
    this.standalone = [...standalone].sort((a, b) => b.length - a.length).map((v) => asValue(v, 'gm'));
  }

  get size(): number {
    return this.anywhere.length + this.standalone.length;
  }

  /** Whether the text holds one of the values (anywhere, or as a value: see the module comment), also as YAML's escapes in double quotes spell it. */
  test(text: string): boolean {
    return this.holds(text) || (text.includes('\\') && escapedSpans(text, (decoded) => this.spansIn(decoded)).length > 0);
  }

  /** The text with every such value replaced by MASK. */
  mask(text: string): string {
    // A value spelled with YAML's escapes in a double-quoted string (`"t=Lk40_x\x41_hexesc"` for `Lk40_xA_hexesc`: review 40a item 10).
    let out = text.includes('\\') && text.includes('"') ? text.split('\n').map((line) => maskSpans(line, escapedSpans(line, (decoded) => this.spansIn(decoded)))).join('\n') : text;
    for (const v of this.anywhere) if (out.includes(v)) out = out.split(v).join(MASK);
    for (const re of this.standalone) out = out.replace(re, MASK);
    return out;
  }

  private holds(text: string): boolean {
    if (this.anywhere.some((v) => text.includes(v))) return true;
    return this.standalone.some((re) => {
      re.lastIndex = 0;
      return re.test(text);
    });
  }

  /** Where the values are in a text (as mask finds them). */
  private spansIn(text: string): [number, number][] {
    if (!this.holds(text)) return [];
    const out: [number, number][] = [];
    for (const v of this.anywhere) for (let i = text.indexOf(v); i !== -1; i = text.indexOf(v, i + v.length)) out.push([i, i + v.length]);
    for (const re of this.standalone) {
      re.lastIndex = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        out.push([m.index, m.index + m[0].length]);
        if (m[0].length === 0) re.lastIndex++;
      }
    }
    return out;
  }
}

/** Where secret values are written in one version of a file: per line (0-based), the character spans. */
export interface SecretPlaces {
  /** The text the spans are of (they apply to no other). */
  text: string;
  lines: Map<number, [number, number][]>;
  /** The text of each span, as written (`Esc\$aped`, `"quoted"`, one line's part of a continued value). */
  written: string[];
}

/**
 * Each line's part of a range: a value continued (`\` at a line's end) or folded over lines is masked
 * on every line it takes (review 39, item 2). On a line after the first the indentation is not part of
 * it, on a line before the last the trailing line continuation (`\` or a backtick) is not.
 */
export function linePartsOf(lines: LineIndex, range: Range): { line: number; start: number; end: number }[] {
  const out: { line: number; start: number; end: number }[] = [];
  for (let l = range.start.line; l <= range.end.line && l < lines.lineCount; l++) {
    const text = lines.lineText(l);
    let from = l === range.start.line ? Math.min(range.start.character, text.length) : 0;
    let to = l === range.end.line ? Math.min(range.end.character, text.length) : text.length;
    if (l > range.start.line) while (from < to && /\s/.test(text[from])) from++;
    if (l < range.end.line) {
      while (to > from && /\s/.test(text[to - 1])) to--;
      if (to > from && (text[to - 1] === '\\' || text[to - 1] === '`')) to--;
    }
    if (to > from) out.push({ line: l, start: from, end: to });
  }
  return out;
}

/** The places of the given ranges in a text. */
export function placesOf(lines: LineIndex, ranges: readonly Range[]): SecretPlaces {
  const places: SecretPlaces = { text: lines.text, lines: new Map(), written: [] };
  for (const range of ranges) {
    for (const part of linePartsOf(lines, range)) {
      const spans = places.lines.get(part.line) ?? [];
      spans.push([part.start, part.end]);
      places.lines.set(part.line, spans);
      places.written.push(lines.lineText(part.line).slice(part.start, part.end));
    }
  }
  return places;
}

/** A line with the given character spans replaced by MASK (overlapping spans merged). */
export function maskSpans(line: string, spans: readonly [number, number][] | undefined): string {
  if (!spans || spans.length === 0) return line;
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = merged[merged.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  let out = '';
  let at = 0;
  for (const [s, e] of merged) {
    if (s >= line.length) break;
    out += line.slice(at, s) + MASK;
    at = Math.min(e, line.length);
  }
  return out + line.slice(at);
}

/**
 * A unified diff with each content line passed through `mask`, told the line's number (0-based) in the
 * old file (context and removed lines) and in the new file (context and added lines).
 */
export function mapDiffLines(patch: string, mask: (line: string, oldLine: number | undefined, newLine: number | undefined) => string): string {
  let oldAt = -1;
  let newAt = -1;
  return patch
    .split('\n')
    .map((l) => {
      const hunk = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(l);
      if (hunk) {
        oldAt = Number(hunk[1]) - 1;
        newAt = Number(hunk[2]) - 1;
        return l;
      }
      // Before the first hunk: the file names (`--- a/…`, `+++ b/…`).
      if (oldAt < 0 && newAt < 0) return l;
      const mark = l[0];
      if (mark === ' ') return ` ${mask(l.slice(1), oldAt++, newAt++)}`;
      if (mark === '-') return `-${mask(l.slice(1), oldAt++, undefined)}`;
      if (mark === '+') return `+${mask(l.slice(1), undefined, newAt++)}`;
      return l;
    })
    .join('\n');
}
