/**
 * Dockerfile parser directives as BuildKit reads them (moby/buildkit
 * frontend/dockerfile/parser/directives.go, `DirectiveParser.ParseLine`, called by the parser on each
 * line with its leading whitespace trimmed, the byte-order mark of the first line removed):
 *
 * - directives are read from the first line on, and only there: the first line that is not a directive
 *   ends them (a blank line, a plain comment, an instruction);
 * - a directive line is `#`, optional whitespace, a name (`[a-zA-Z][a-zA-Z0-9]*`), optional whitespace,
 *   `=`, optional whitespace, a value that is not empty;
 * - only the known names `syntax`, `escape` and `check` (any case) are directives: a line that has the
 *   shape with another name (`# foo=bar`) is a comment, and it ends the directives — a `# escape=``
 *   after it is a comment too (the Dockerfile reference's `# unknowndirective=value` example);
 * - a name seen twice is an error (the build fails).
 *
 * dockerfile-ast reads any `# name=value` line at the top as a directive, so it takes the escape
 * character from a `# escape=`` that BuildKit ignores; the parse corrects that (dockerfile-memo.ts).
 */
const DIRECTIVE = /^([a-zA-Z][a-zA-Z0-9]*)[ \t\f\r]*=[ \t\f\r]*(.+?)[ \t\f\r]*$/;
const KNOWN = new Set(['syntax', 'escape', 'check']);
/** Go's unicode.IsSpace (JavaScript's `\s` also counts U+FEFF, which Go does not). */
const LEADING_SPACE = /^[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+/;

export interface BuildkitDirectives {
  /** How many lines from the top BuildKit reads as directives (a line a duplicate stops at is not counted). */
  lines: number;
  /** The escape character BuildKit parses the file with: `\` unless a directive it reads sets `` ` ``. */
  escape: string;
  /**
   * False when BuildKit refuses the directives: a name given twice ("only one … parser directive can be
   * used") or an escape that is neither `\` nor `` ` ``. Such a file does not build; no rule fixes it
   * (its lines may be split otherwise by other readers: fuzzing seed 1206003000, run 2388).
   */
  valid: boolean;
}

export function buildkitDirectives(text: string): BuildkitDirectives {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const seen = new Set<string>();
  let escape = '\\';
  let lines = 0;
  let valid = true;
  // Line by line from the top, up to the first line that is not a directive (most files: the first line),
  // rather than splitting the whole text into lines first.
  for (let start = 0; start <= body.length; ) {
    const newline = body.indexOf('\n', start);
    const raw = body.slice(start, newline === -1 ? body.length : newline);
    start = newline === -1 ? body.length + 1 : newline + 1;
    // Go's bytes.TrimLeftFunc(unicode.IsSpace); the scanner drops a line's final `\r`.
    const line = raw.replace(/\r$/, '').replace(LEADING_SPACE, '');
    if (!line.startsWith('#')) break;
    const m = DIRECTIVE.exec(line.slice(1).replace(LEADING_SPACE, ''));
    if (!m) break;
    const name = m[1].toLowerCase();
    if (!KNOWN.has(name)) break;
    if (seen.has(name)) {
      valid = false;
      break;
    }
    seen.add(name);
    // Any other value is an error in BuildKit (the build fails); it leaves the escape as it was here.
    if (name === 'escape') {
      if (m[2] === '`' || m[2] === '\\') escape = m[2];
      else valid = false;
    }
    lines++;
  }
  return { lines, escape, valid };
}
