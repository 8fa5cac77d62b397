/**
 * A small, position-keeping reader of the POSIX shell subset that Dockerfile RUN lines use.
 *
 * It splits a script into simple commands on `&&`, `||`, `;`, `|`, `&`, newlines and
 * parentheses, respecting single quotes, double quotes, backslash escapes, `$(...)` (read as code,
 * so that a `case` pattern's `)` inside it does not close it), `${...}` and backticks, and drops
 * comments. Every word keeps the document offsets of its text so rules can point at, and fixes can
 * edit, exactly the characters the user wrote.
 *
 * (Libraries such as shell-quote parse the same grammar but discard positions, which every
 * fix here needs.)
 */

export type Separator = '&&' | '||' | ';' | '|' | '&' | '\n' | '(' | ')' | null;

export interface Word {
  /** The word with quotes removed and escapes resolved. */
  value: string;
  /** The word as written (logical text, continuations removed). */
  raw: string;
  /** Document offsets of the word as written. */
  start: number;
  end: number;
}

export interface SimpleCommand {
  /** All words, including leading `VAR=value` assignments and control keywords. */
  words: Word[];
  /** Index in `words` of the program name (after assignments and keywords like `then`). -1 when none. */
  programIndex: number;
  /** The operator that ends this command (what follows it). */
  next: Separator;
  /** The operator before this command. */
  prev: Separator;
  /** Document offsets covering the command's words. */
  start: number;
  end: number;
  /**
   * The here-documents the command's `<<` / `<<-` redirections read, in order (parseShell): their bodies are the
   * command's input, not commands of the script. Absent when it has none.
   */
  hereDocs?: HereDoc[];
  /** Where invocation() (run-commands.ts) keeps what it read of the command; undefined until then. */
  [INVOCATION_SLOT]?: unknown;
}

/**
 * A here-document of a command (POSIX XCU 2.7.4 Here-Document: the lines after the operator's line, up to a line that
 * is only the delimiter, are the command's input). `body` is its text (delimiter line aside) with the document offsets
 * of its characters; `bodyEnd` is where its text ends, the delimiter line included (the script's end when it has none).
 */
export interface HereDoc {
  /** The delimiter, quotes removed (`<<'EOS'` → `EOS`). */
  delimiter: string;
  /** Whether a part of the delimiter word is quoted: the body is then not expanded. */
  quoted: boolean;
  /** `<<-`: leading tabs are stripped from the body's lines and the delimiter line. */
  stripTabs: boolean;
  /** The file descriptor it is given on: its IO number (`3<<EOS`), else 0, standard input. */
  fd: number;
  body: MappedText;
  /** Whether a delimiter line ends the body (else it runs to the end of the script). */
  terminated: boolean;
  /** Document offset after the delimiter line (or the script's end). */
  bodyEnd: number;
}

/**
 * The slot of a command where invocation() keeps its reading. The shell reader makes every command with it (undefined):
 * a property added later would give the commands read so far another shape than the others, and every rule's reading
 * of a command's words would then meet two shapes.
 */
export const INVOCATION_SLOT: unique symbol = Symbol('docker-guardrails.invocation');

/** A piece of text to read as shell, with a map from each of its characters to a document offset. */
export interface MappedText {
  text: string;
  /** offsets[i] is the document offset of text[i]; offsets[text.length] is the end offset. */
  offsets: ArrayLike<number>;
}

/** How many offsets one shared block holds (offsetTable). */
const OFFSET_BLOCK = 8192;
let offsetBlock = new Int32Array(OFFSET_BLOCK);
let offsetBlockUsed = 0;

/**
 * A zero-filled table of `length` offsets for a MappedText, cut from a shared block: `new Int32Array(n)`
 * gives every table an ArrayBuffer of its own, kept outside the heap beyond 64 bytes, and making and
 * collecting those cost more than the reading that fills them (a RUN's shell reading makes one per
 * script). A block's slots are handed out once, never again; it lives as long as any table cut from it.
 * A long table (over a quarter of a block) gets an array of its own.
 */
export function offsetTable(length: number): Int32Array {
  if (length > OFFSET_BLOCK / 4) return new Int32Array(length);
  if (offsetBlockUsed + length > OFFSET_BLOCK) {
    offsetBlock = new Int32Array(OFFSET_BLOCK);
    offsetBlockUsed = 0;
  }
  const table = offsetBlock.subarray(offsetBlockUsed, offsetBlockUsed + length);
  offsetBlockUsed += length;
  return table;
}

/** Characters (ASCII) that a plain word may contain with no special meaning (1), and those that end a word (`WORD_END_CHAR`). */
const PLAIN_WORD_CHAR = new Uint8Array(128);
const WORD_END_CHAR = new Uint8Array(128);
for (let c = 0x21; c < 0x7f; c++) PLAIN_WORD_CHAR[c] = 1;
for (const c of ' \t\n\r;()|&\\\'"$`<>') PLAIN_WORD_CHAR[c.charCodeAt(0)] = 0;
for (const c of ' \t\n\r;()|') WORD_END_CHAR[c.charCodeAt(0)] = 1;

const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', 'for', 'in', '!', '{', '}', 'time', 'case', 'esac']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
/** A function's name as `function NAME` writes it: a plain word, no quoting or expansion. */
const FUNCTION_NAME = /^[^\s'"\\$`=<>|&;(){}]+$/;

/** Offsets for a text read on its own (a script file, a value already interpolated): each character maps to itself. */
export function identityOffsets(n: number): Uint32Array {
  const out = new Uint32Array(n + 1);
  for (let i = 0; i <= n; i++) out[i] = i;
  return out;
}

/** Split a mapped script into simple commands. Never throws; unbalanced quotes run to the end. */
export function parseShell(src: MappedText): SimpleCommand[] {
  const { text, offsets } = src;
  const n = text.length;
  const commands: SimpleCommand[] = [];
  let words: Word[] = [];
  let prev: Separator = null;
  // Open `case … in … esac` statements: reading an arm's pattern (`a|b)`, where `|` is no pipe) or its commands.
  const cases: ('pattern' | 'body')[] = [];
  // Here-document operators read since the last line break (their bodies start on the next line), and one whose
  // delimiter is the next word (`<< EOS`).
  let hereDocs: PendingHereDoc[] | undefined;
  let delimiterNext: PendingHereDoc | undefined;
  // Inside bash's arithmetic command `(( … ))` (also `for (( … ))`, `if (( … ))`): the parentheses open since its `((`.
  // A `<<` there is a shift (`(( x = 1 << 2 ))`, `(( x <<= 1 ))`), not a here-document (bash manual, Shell Arithmetic).
  let arithmetic = 0;

  const finish = (next: Separator) => {
    if (words.length > 0) {
      const programIndex = findProgram(words);
      commands.push({ words, programIndex, next, prev, start: words[0].start, end: words[words.length - 1].end, [INVOCATION_SLOT]: undefined });
    }
    words = [];
    prev = next;
  };

  /**
   * bash's and ash's `function name { …; }` (no `()`; dash rejects it) is read as `function name() { …; }`, the same
   * definition: the head ends before the `{` as if `()` stood there (next `(`, the body's prev `)`), as it does in
   * `name() { …; }`, so the body's commands are commands of their own. Also with the `{` on the next line.
   */
  const keywordFunctionBody = () => {
    if (words.length >= 2 && findProgram(words) === words.length - 2 && words[words.length - 2].raw === 'function' && FUNCTION_NAME.test(words[words.length - 1].raw)) {
      finish('(');
      prev = ')';
      return;
    }
    const head = commands[commands.length - 1];
    if (words.length === 0 && prev === '\n' && head?.next === '\n' && head.words.length >= 2 && head.programIndex === head.words.length - 2 && head.words[head.programIndex].raw === 'function' && FUNCTION_NAME.test(head.words[head.words.length - 1].raw)) head.next = '(';
  };

  let i = 0;
  while (i < n) {
    const c = text[i];
    if (cases.length > 0 && cases[cases.length - 1] === 'pattern' && words.length === 0) {
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === ';') {
        i++;
        if (c === '\n' && hereDocs) i = skipHereDocBodies(src, i, hereDocs, commands);
        if (c === '\n') hereDocs = undefined;
        continue;
      }
      if (c === '#') {
        i = lineEnd(text, i);
        continue;
      }
      if (!(text.startsWith('esac', i) && !/[^\s;&|)]/.test(text[i + 4] ?? ' '))) {
        // An arm's pattern, up to its unquoted `)`: no commands in it.
        i = casePatternEnd(text, i) + 1;
        cases[cases.length - 1] = 'body';
        prev = ')';
        continue;
      }
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '\n') {
      finish('\n');
      i++;
      if (hereDocs) {
        // The bodies are the lines that follow, one after the other: input, not commands.
        i = skipHereDocBodies(src, i, hereDocs, commands);
        hereDocs = undefined;
        delimiterNext = undefined;
      }
      continue;
    }
    if (c === '#') {
      i = lineEnd(text, i);
      continue;
    }
    if (c === '&' && text[i + 1] === '&') {
      finish('&&');
      i += 2;
      continue;
    }
    if (c === '|' && text[i + 1] === '|') {
      finish('||');
      i += 2;
      continue;
    }
    if (c === ';') {
      // `;;` (and `;&`, `;;&`) ends a case arm: a pattern comes next.
      finish(';');
      if (text[i + 1] === ';' || text[i + 1] === '&') {
        i += text[i + 1] === ';' && text[i + 2] === '&' ? 3 : 2;
        if (cases.length > 0) cases[cases.length - 1] = 'pattern';
      } else i++;
      continue;
    }
    if (c === '|') {
      finish('|');
      i += text[i + 1] === '&' ? 2 : 1;
      continue;
    }
    if (c === '&' && text[i + 1] !== '>') {
      finish('&');
      i++;
      continue;
    }
    if (c === '(' || c === ')') {
      if (arithmetic > 0) arithmetic += c === '(' ? 1 : -1;
      else if (c === '(' && text[i + 1] === '(' && words.every((w) => KEYWORDS.has(w.raw))) arithmetic = 1;
      finish(c);
      i++;
      continue;
    }
    // A word (redirections such as `>/dev/null` and `2>&1` are kept as words).
    const word = readWord(text, i);
    const end = Math.min(word.end, n);
    // A word's value is its text with characters taken out (quotes, escapes), never added or changed: one as
    // long as the text is the text (most words, plain ones), and the same string serves as both.
    const raw = word.value.length === end - i ? word.value : text.slice(i, end);
    if (raw === '{') keywordFunctionBody();
    words.push({ value: word.value, raw, start: offsets[i], end: offsets[end - 1] + 1 });
    i = word.end;
    if (delimiterNext) {
      delimiterNext.delimiter = word.value;
      delimiterNext.quoted = /['"\\]/.test(raw);
      delimiterNext = undefined;
    } else if (arithmetic === 0 && (raw.charCodeAt(0) === LESS || (raw.charCodeAt(0) >= 0x30 && raw.charCodeAt(0) <= 0x39))) {
      const op = HERE_DOC_OPERATOR.exec(raw);
      if (op) {
        const pending: PendingHereDoc = { words, delimiter: word.value.slice(op[0].length), quoted: /['"\\]/.test(raw), stripTabs: op[2] === '-', fd: op[1] === '' ? 0 : Number(op[1]) };
        (hereDocs ??= []).push(pending);
        if (raw.length === op[0].length) delimiterNext = pending;
      }
    }
    if (raw !== 'in' && raw !== 'esac') continue;
    const lead = (k: number) => words.slice(0, k).every((x) => KEYWORDS.has(x.raw));
    if (raw === 'in' && words.length >= 3 && words[words.length - 3].raw === 'case' && lead(words.length - 3)) {
      finish(';');
      cases.push('pattern');
    } else if (raw === 'esac' && cases.length > 0 && lead(words.length - 1)) cases.pop();
  }
  finish(null);
  return commands;
}

/** A here-document operator at the start of a word (`<<`, `<<-`, with an IO number: `0<<`), not bash's `<<<`. */
const HERE_DOC_OPERATOR = /^(\d*)<<(?!<)(-?)/;

/** A here-document operator parseShell has read and whose body it has not: the words of its command, and its delimiter. */
interface PendingHereDoc {
  words: Word[];
  delimiter: string;
  quoted: boolean;
  stripTabs: boolean;
  fd: number;
}

/**
 * Skips the bodies of the here-documents whose operators the line before `i` holds, one after the other (POSIX XCU
 * 2.7.4: each body starts after the line break that ends the operator's line and ends with a line that is only its
 * delimiter, leading tabs stripped for `<<-`; a line's `\r` before its line break is read as part of the break), and
 * gives each to its command (SimpleCommand.hereDocs). Returns the index after the last body.
 */
function skipHereDocBodies(src: MappedText, i: number, pending: readonly PendingHereDoc[], commands: readonly SimpleCommand[]): number {
  const { text, offsets } = src;
  const n = text.length;
  for (const p of pending) {
    const start = i;
    let bodyEnd = n;
    let terminated = false;
    while (i < n) {
      const nl = text.indexOf('\n', i);
      const lineEnd = nl === -1 ? n : nl;
      let a = i;
      if (p.stripTabs) while (a < lineEnd && text.charCodeAt(a) === TAB) a++;
      let b = lineEnd;
      if (b > a && text.charCodeAt(b - 1) === RETURN) b--;
      const next = nl === -1 ? n : nl + 1;
      if (b - a === p.delimiter.length && text.startsWith(p.delimiter, a)) {
        bodyEnd = i;
        terminated = true;
        i = next;
        break;
      }
      i = next;
    }
    if (!terminated) bodyEnd = n;
    const table = offsetTable(bodyEnd - start + 1);
    for (let k = 0; k <= bodyEnd - start; k++) table[k] = offsets[start + k];
    let cmd: SimpleCommand | undefined;
    for (let k = commands.length - 1; k >= 0 && !cmd; k--) if (commands[k].words === p.words) cmd = commands[k];
    if (!cmd) continue;
    (cmd.hereDocs ??= []).push({ delimiter: p.delimiter, quoted: p.quoted, stripTabs: p.stripTabs, fd: p.fd, body: { text: text.slice(start, bodyEnd), offsets: table }, terminated, bodyEnd: offsets[i] });
  }
  return i;
}

/**
 * The text a `<<-` here-document gives its reader: the leading tabs of every line removed (POSIX XCU 2.7.4; BuildKit's
 * ChompHeredocContent for a Dockerfile `<<-` heredoc), each kept character still mapped to its document offset.
 */
export function withoutLeadingTabs(src: MappedText): MappedText {
  const { text, offsets } = src;
  const n = text.length;
  const parts: string[] = [];
  const table = offsetTable(n + 1);
  let m = 0;
  let i = 0;
  while (i < n) {
    while (i < n && text.charCodeAt(i) === TAB) i++;
    const nl = text.indexOf('\n', i);
    const end = nl === -1 ? n : nl + 1;
    parts.push(text.slice(i, end));
    for (let k = i; k < end; k++) table[m++] = offsets[k];
    i = end;
  }
  table[m] = offsets[n];
  return { text: parts.join(''), offsets: table.subarray(0, m + 1) };
}

// The parser is split into small functions on purpose. V8 optimizes a function once it is warm and
// compiles it again whenever input takes a path it had not seen. As one function, the parser was
// compiled 5-6 times in one CLI run over the 853 Dockerfiles of the benchmark corpus, at 50-100 ms
// each (600 ms of compiling for a parse that takes about 130 ms); split, a new path recompiles the
// part it is in: 240 ms in all with V8's defaults, 90 ms with the CLI's flags (cli/src/v8-tuning.ts).

/** The index of the line break that ends the line at `i` (or the text's end). */
function lineEnd(text: string, i: number): number {
  const nl = text.indexOf('\n', i);
  return nl === -1 ? text.length : nl;
}

/** The index of the unquoted `)` that ends a case arm's pattern starting at `i` (or the text's end). */
function casePatternEnd(text: string, i: number): number {
  const n = text.length;
  let j = text[i] === '(' ? i + 1 : i;
  while (j < n && text[j] !== ')') {
    if (text[j] === '\\') j += 2;
    else if (text[j] === "'" || text[j] === '"') {
      const close = text.indexOf(text[j], j + 1);
      j = close === -1 ? n : close + 1;
    } else j++;
  }
  return j;
}

/**
 * Whether an unquoted `>` or `<` at `i` ends the word that started at `start`: a redirection operator
 * needs no blank before it (`curl -o- URL>/tmp/x` is the word `URL` and the redirection `>/tmp/x`;
 * `2>/dev/null>/tmp/x` is two redirections), unless the word so far is an IO number (`2>&1`) or an
 * operator still being written (`>>f`, `<<EOF`, `&>f`).
 */
function redirectionEndsWord(text: string, start: number, i: number): boolean {
  return i > start && redirectionSoFarEnd(text, start, i) !== i;
}

const LESS = 0x3c;
const GREATER = 0x3e;
const AMPERSAND = 0x26;
const BAR = 0x7c;
const DASH = 0x2d;

/**
 * Where the redirection operator being written from `start` stops (reading no further than `limit`):
 * after an IO number (digits) or bash's `&`, and the `<` and `>` characters that follow (`2>`, `>>`,
 * `<<`, `&>`, `<>`). It stops short of `limit` when the text there is no operator so far. The word
 * reader (redirectionEndsWord) and redirectionWidth share it, so that a word read as a redirection is
 * one that findProgram skips. By character code: no string is made.
 */
function redirectionSoFarEnd(text: string, start: number, limit: number): number {
  let j = start;
  if (j < limit && text.charCodeAt(j) === AMPERSAND) j++;
  else while (j < limit && text.charCodeAt(j) >= 0x30 && text.charCodeAt(j) <= 0x39) j++;
  while (j < limit && (text.charCodeAt(j) === LESS || text.charCodeAt(j) === GREATER)) j++;
  return j;
}

/**
 * How many words the redirection at `words[k]` takes (POSIX XCU 2.7 Redirection; bash's `&>`, `&>>`
 * and `<<<`): 1 when the word holds its target (`>/dev/null`, `2>&1`, `<<EOF`, `<<-'EOF'`), 2 when the
 * operator stands alone and its target is the next word (`> f`, `2>& 1`, `<<< "$x"`, `<< EOF`), and 0
 * when the word is no redirection. Read as written: a quoted `'>'` is an argument. An operator is an
 * optional IO number or `&`, then `<`, `>`, `>>`, `<>`, `<<`, `<<<`, with `&` (`>&`, `<&`), `|` (`>|`)
 * or `-` (`<<-`) after it.
 */
export function redirectionWidth(words: readonly Word[], k: number): number {
  const raw = words[k].raw;
  const c = raw.charCodeAt(0);
  // Most words start with a letter, `-`, `/`, `$` or a quote: one test, and no redirection.
  if (c !== LESS && c !== GREATER && c !== AMPERSAND && !(c >= 0x30 && c <= 0x39)) return 0;
  let j = redirectionSoFarEnd(raw, 0, raw.length);
  const last = raw.charCodeAt(j - 1);
  if (last !== LESS && last !== GREATER) return 0; // `2`, `&`: no operator
  const d = raw.charCodeAt(j);
  if (d === AMPERSAND || (d === BAR && last === GREATER) || (d === DASH && last === LESS && raw.charCodeAt(j - 2) === LESS && raw.charCodeAt(j - 3) !== LESS)) j++;
  return j < raw.length || k + 1 >= words.length ? 1 : 2;
}

/** `>|` (POSIX's clobbering redirection): a `|` right after `>` or `2>` belongs to the operator, it is no pipe. */
function clobberBar(text: string, start: number, i: number): boolean {
  return text[i] === '|' && i > start && /^\d*>$/.test(text.slice(start, i));
}

/** A word that starts at `start`: its value (quotes removed, escapes resolved) and the index after it (may pass the text's end). */
function readWord(text: string, start: number): { value: string; end: number } {
  const n = text.length;
  // Most words are plain text up to a blank or an operator: their value is their text.
  let plainEnd = start;
  while (plainEnd < n) {
    const d = text.charCodeAt(plainEnd);
    if (d > 0x7e || PLAIN_WORD_CHAR[d] === 1) {
      plainEnd++;
      continue;
    }
    if (d === 0x24 /* $ */ && text[plainEnd + 1] !== '(' && text[plainEnd + 1] !== '{') {
      plainEnd++;
      continue;
    }
    // `>` and `<` are not plain (the common path stays one table read): an operator here ends the word, unless it is still being written.
    if (d === 0x3e /* > */ || d === 0x3c /* < */) {
      if (redirectionEndsWord(text, start, plainEnd)) return { value: text.slice(start, plainEnd), end: plainEnd };
      plainEnd++;
      continue;
    }
    break;
  }
  if (plainEnd === n || (WORD_END_CHAR[text.charCodeAt(plainEnd)] === 1 && !clobberBar(text, start, plainEnd))) return { value: text.slice(start, plainEnd), end: plainEnd };
  return readQuotedWord(text, start);
}

/** A word with quotes, escapes, substitutions or `&` redirections: see readWord. */
function readQuotedWord(text: string, start: number): { value: string; end: number } {
  const n = text.length;
  let value = '';
  let i = start;
  while (i < n) {
    const d = text[i];
    if (d === ' ' || d === '\t' || d === '\n' || d === '\r' || d === ';' || d === '(' || d === ')') break;
    if (d === '|' && !clobberBar(text, start, i)) break;
    if ((d === '>' || d === '<') && redirectionEndsWord(text, start, i)) break;
    if (d === '&') {
      // `&>`, `>&`, `2>&1` belong to the word; a lone `&` or `&&` ends it.
      const prevChar = i > start ? text[i - 1] : '';
      if (prevChar !== '>' && prevChar !== '<' && text[i + 1] !== '>') break;
    }
    if (d === '\\') {
      // A backslash before a CRLF escapes the whole line break, as before an LF (a line continuation).
      const crlf = text[i + 1] === '\r' && text[i + 2] === '\n';
      if (i + 1 < n) value += crlf ? '\n' : text[i + 1];
      i += crlf ? 3 : 2;
      continue;
    }
    if (d === "'") {
      const close = text.indexOf("'", i + 1);
      const stop = close === -1 ? n : close;
      value += text.slice(i + 1, stop);
      i = stop + 1;
      continue;
    }
    if (d === '"') {
      const quoted = readDoubleQuoted(text, i + 1);
      value += quoted.value;
      i = quoted.end + 1;
      continue;
    }
    if (d === '$' && (text[i + 1] === '(' || text[i + 1] === '{')) {
      const end = text[i + 1] === '(' ? commandSubstitutionEnd(text, i + 1) : skipBalanced(text, i + 1, '{', '}');
      value += text.slice(i, end);
      i = end;
      continue;
    }
    if (d === '`') {
      const close = text.indexOf('`', i + 1);
      const stop = close === -1 ? n : close + 1;
      value += text.slice(i, stop);
      i = stop;
      continue;
    }
    // A plain character (none of the above), and the plain ones after it: their value is their text, copied in one piece.
    const from = i;
    i++;
    while (i < n && isPlainWordChar(text.charCodeAt(i))) i++;
    value += text.slice(from, i);
  }
  return { value, end: i };
}

/** A character that means nothing special in an unquoted word (PLAIN_WORD_CHAR, or not ASCII), as readWord reads them. */
function isPlainWordChar(d: number): boolean {
  return d > 0x7e || PLAIN_WORD_CHAR[d] === 1;
}

/** The value of a double-quoted string whose text starts at `i`, and the index of its closing quote (or the text's end). */
function readDoubleQuoted(text: string, i: number): { value: string; end: number } {
  const n = text.length;
  let value = '';
  while (i < n && text[i] !== '"') {
    if (text[i] === '\\' && i + 1 < n && '"\\$`\n'.includes(text[i + 1])) {
      value += text[i + 1];
      i += 2;
      continue;
    }
    if (text[i] === '$' && text[i + 1] === '(') {
      const end = commandSubstitutionEnd(text, i + 1);
      value += text.slice(i, end);
      i = end;
      continue;
    }
    // The characters up to the next `"`, `\` or `$`, which mean nothing here: copied in one piece.
    const from = i;
    i++;
    while (i < n && text.charCodeAt(i) !== 0x22 /* " */ && text.charCodeAt(i) !== 0x5c /* \ */ && text.charCodeAt(i) !== 0x24 /* $ */) i++;
    value += text.slice(from, i);
  }
  return { value, end: i };
}

/** The index after the `close` that balances the `open` at `openIndex` (or the text's end), for `${…}`. */
function skipBalanced(text: string, openIndex: number, open: string, close: string): number {
  let depth = 0;
  let i = openIndex;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === open) depth++;
    else if (c === close) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return text.length;
}

/** Where a `case` statement is: before its subject word, before `in`, in an arm's pattern, or in an arm's commands. */
type CaseStep = 'subject' | 'in' | 'pattern' | 'body';

/**
 * The reading state of one level of shell code (the inside of a `$(…)`), enough to tell which `)`
 * closes it: an arm's pattern ends at an unmatched `)` (`x86_64) echo amd64 ;;`), which closes
 * nothing (POSIX XCU 2.6.3 Command Substitution and 2.9.4 Case Conditional Construct). Fed one word
 * start (`codeWord`) or operator (`codeOperator`) at a time.
 */
export interface CodeLevel {
  /** Open `(` subshells at this level. */
  parens: number;
  /** Whether the next word starts a command (where `case` and `esac` are reserved words). */
  commandStart: boolean;
  /** The open `case` statements, innermost last. */
  cases: CaseStep[];
}

export function newCodeLevel(): CodeLevel {
  return { parens: 0, commandStart: true, cases: [] };
}

/** Reserved words after which a command starts (`then case …`, `{ case …`). */
const COMMAND_PREFIXES = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', 'time']);
/** Characters (ASCII) that end a reserved word. */
const RESERVED_END_CHAR = new Uint8Array(128);
for (const c of ' \t\n\r;&|()<>') RESERVED_END_CHAR[c.charCodeAt(0)] = 1;

/** The reserved word candidate at `i`: lowercase letters, `!` or `{` up to a blank or an operator, or ''. */
function bareWordAt(text: string, i: number): string {
  let j = i;
  while (j < text.length && j - i < 6) {
    const d = text.charCodeAt(j);
    if ((d >= 0x61 && d <= 0x7a) || d === 0x21 || d === 0x7b) j++;
    else break;
  }
  if (j === i || (j < text.length && RESERVED_END_CHAR[text.charCodeAt(j)] !== 1)) return '';
  return text.slice(i, j);
}

/**
 * At the start of a word at `i`: updates `level` for the word, and returns its length when it is a
 * reserved word that the caller can skip (`case`, `in`, `esac`, `then`…), else 0 (read the word).
 */
export function codeWord(level: CodeLevel, text: string, i: number): number {
  const cases = level.cases;
  const step = cases.length > 0 ? cases[cases.length - 1] : undefined;
  if (step === undefined && !level.commandStart) return 0; // an argument
  const word = bareWordAt(text, i);
  if (step === 'pattern') {
    // An arm's pattern, or the `esac` where the next pattern would be.
    if (word !== 'esac') return 0;
    cases.pop();
    level.commandStart = false;
    return 4;
  }
  if (step === 'subject') {
    cases[cases.length - 1] = 'in';
    return 0;
  }
  if (step === 'in' && word === 'in') {
    cases[cases.length - 1] = 'pattern';
    return 2;
  }
  if (!level.commandStart) return 0;
  if (word === 'case') {
    cases.push('subject');
    level.commandStart = false;
    return 4;
  }
  if (word === 'esac' && step === 'body') {
    cases.pop();
    level.commandStart = false;
    return 4;
  }
  if (COMMAND_PREFIXES.has(word)) return word.length;
  level.commandStart = false;
  return 0;
}

/**
 * At an operator character at `i` (`;`, `&`, `|`, `(`, `)` or a line break): updates `level` and
 * returns the operator's width, or -1 for the `)` that closes the level.
 */
export function codeOperator(level: CodeLevel, text: string, i: number): number {
  const c = text[i];
  const cases = level.cases;
  const inPattern = cases.length > 0 && cases[cases.length - 1] === 'pattern';
  if (c === ')') {
    if (inPattern) cases[cases.length - 1] = 'body';
    else if (level.parens > 0) level.parens--;
    else return -1;
    level.commandStart = true;
    return 1;
  }
  if (inPattern) return 1; // `(` before a pattern, `|` between patterns, blank lines
  level.commandStart = true;
  if (c === '(') {
    level.parens++;
    return 1;
  }
  if (c === ';' && (text[i + 1] === ';' || text[i + 1] === '&')) {
    // `;;`, `;&` or `;;&` ends an arm: a pattern comes next.
    if (cases.length > 0) cases[cases.length - 1] = 'pattern';
    return text[i + 1] === ';' && text[i + 2] === '&' ? 3 : 2;
  }
  return c === '&' || c === '|' ? (text[i + 1] === c ? 2 : 1) : 1;
}

/** The index after the closing backtick of the command substitution opened at `i` (or the text's end). */
export function backquoteEnd(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length && text[j] !== '`') j += text[j] === '\\' ? 2 : 1;
  return Math.min(j + 1, text.length);
}

/**
 * The index after the `)` that closes the command substitution whose `(` is at `openIndex` (or the
 * text's end). Reads the inside as code: quotes, nested substitutions, comments, subshells and
 * `case` statements, whose patterns end with a `)` that does not close the substitution
 * (`$(case $(uname -m) in x86_64) echo amd64 ;; esac)`). One pass, with an explicit stack of levels.
 */
export function commandSubstitutionEnd(text: string, openIndex: number): number {
  const n = text.length;
  // A code level (inside `$(…)`), or a double-quoted string inside one.
  const stack: (CodeLevel | 'dq')[] = [newCodeLevel()];
  // Whether the last character read at the top code level was part of a word.
  let inWord = false;
  let i = openIndex + 1;
  while (i < n) {
    const top = stack[stack.length - 1];
    const c = text[i];
    if (c === '\\') {
      inWord = true;
      i += 2;
      continue;
    }
    if (top === 'dq') {
      if (c === '"') {
        stack.pop();
        i++;
      } else {
        const next = expansionEnd(text, i, stack);
        if (next === -1) i++;
        else {
          if (stack[stack.length - 1] !== 'dq') inWord = false;
          i = next;
        }
      }
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      inWord = false;
      i++;
      continue;
    }
    if (c === '&' && (text[i + 1] === '>' || text[i - 1] === '>' || text[i - 1] === '<')) {
      // `&>`, `>&`, `2>&1`: a redirection, part of a word.
    } else if (c === '\n' || c === ';' || c === '&' || c === '|' || c === '(' || c === ')') {
      inWord = false;
      const width = codeOperator(top, text, i);
      if (width > 0) {
        i += width;
        continue;
      }
      stack.pop();
      if (stack.length === 0) return i + 1;
      inWord = true; // back in the word (or string) that holds the substitution
      i++;
      continue;
    } else if (!inWord) {
      if (c === '#') {
        i = lineEnd(text, i);
        continue;
      }
      inWord = true;
      const skip = codeWord(top, text, i);
      if (skip > 0) {
        i += skip;
        continue;
      }
      // The plain characters of the word.
      let j = i;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d > 0x7e || PLAIN_WORD_CHAR[d] === 1) j++;
        else break;
      }
      if (j > i) {
        i = j;
        continue;
      }
    }
    if (c === "'") {
      const q = text.indexOf("'", i + 1);
      i = q === -1 ? n : q + 1;
    } else if (c === '"') {
      stack.push('dq');
      i++;
    } else {
      const next = expansionEnd(text, i, stack);
      if (next === -1) i++;
      else {
        if (stack[stack.length - 1] !== top) inWord = false;
        i = next;
      }
    }
  }
  return n;
}

/**
 * At an expansion inside `$(…)` (code or a double-quoted string in it): `$(` opens a code level on
 * `stack` and returns the index after it; `${…}` and a backquoted command are skipped whole. -1 when
 * `i` is not at one.
 */
function expansionEnd(text: string, i: number, stack: (CodeLevel | 'dq')[]): number {
  if (text[i] === '$' && text[i + 1] === '(') {
    stack.push(newCodeLevel());
    return i + 2;
  }
  if (text[i] === '$' && text[i + 1] === '{') return skipBalanced(text, i + 1, '{', '}');
  if (text[i] === '`') return backquoteEnd(text, i);
  return -1;
}

function findProgram(words: Word[]): number {
  for (let i = 0; i < words.length; i++) {
    const w = words[i].raw;
    if (w === 'case') return -1; // `case WORD in`: no program
    if (KEYWORDS.has(w)) continue;
    if (ASSIGNMENT.test(w)) continue;
    // Redirections may come before the command name (POSIX XCU 2.9.1: the words recognized as
    // assignments or redirections are set aside; the first other word is the command name).
    const redirection = redirectionWidth(words, i);
    if (redirection > 0) {
      i += redirection - 1;
      continue;
    }
    return i;
  }
  return -1;
}

/**
 * Shell builtins and reserved words that have no executable of the same meaning: a separate program of
 * that name either does not exist (Debian and Ubuntu ship no `/usr/bin/cd`) or cannot do what the
 * builtin does to the shell that runs it (Fedora's `/usr/bin/cd` is a script `builtin cd "$@"`, which
 * changes only its own directory). The POSIX special built-ins (`:`, `.`, `break`, `continue`, `eval`,
 * `exec`, `exit`, `export`, `readonly`, `return`, `set`, `shift`, `times`, `trap`, `unset`), the POSIX
 * regular built-ins that act on the shell itself (`alias`, `bg`, `cd`, `command`, `fc`, `fg`, `getopts`,
 * `hash`, `jobs`, `read`, `type`, `ulimit`, `umask`, `unalias`, `wait`), bash's and ksh's own builtins,
 * and reserved words. Builtins that are also executables of the same meaning everywhere (`true`,
 * `false`, `echo`, `printf`, `test`, `[`, `kill`, `pwd`, `sleep`) are not in it. DF040 (no exec form of
 * them) and DF011 (no `sudo` to remove in front of them) read it.
 */
export const SHELL_BUILTINS: ReadonlySet<string> = new Set([
  ':', '.', 'break', 'continue', 'eval', 'exec', 'exit', 'export', 'readonly', 'return', 'set', 'shift', 'times', 'trap', 'unset',
  'alias', 'bg', 'cd', 'command', 'fc', 'fg', 'getopts', 'hash', 'jobs', 'read', 'type', 'ulimit', 'umask', 'unalias', 'wait',
  'source', 'local', 'declare', 'typeset', 'let', 'builtin', 'shopt', 'enable', 'disown', 'suspend', 'logout', 'dirs', 'pushd', 'popd',
  'mapfile', 'readarray', 'caller', 'compgen', 'complete', 'compopt', 'history', 'bind', 'help', 'coproc', 'select', 'whence', 'print', 'autoload',
  'if', 'then', 'else', 'elif', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac', 'in', 'function', 'time', '{', '}', '(', ')', '!', '[[', ']]',
]);

/** A path's last component, from a Linux or a Windows path (`/usr/bin/curl` → `curl`, `C:\\…\\powershell.exe` → `powershell.exe`). */
export function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

/** PowerShell, Windows' (`powershell`) or 7 (`pwsh`), by its program name (`.exe` or not). */
export function isPowerShell(program: string): boolean {
  return /^(?:powershell|pwsh)(?:\.exe)?$/i.test(program);
}

/** A shell that is not POSIX — PowerShell or cmd — by its program name: `set -o`, `;` and `&&` do not mean there what they mean in sh. */
export function isNonPosixShell(program: string): boolean {
  return isPowerShell(program) || /^cmd(?:\.exe)?$/i.test(program);
}

/**
 * The file a word redirects output to (`> f`, `>>f`, `2> f`, `>| f`; redirections are kept as words),
 * reading the next word when the operator stands alone; null when the word redirects no output. A
 * duplication or close (`>&2`, `>&-`, `>& 2`) gives its `&…` target. With `bash`, also bash's `&> f`
 * and `&>> f` (standard output and error; under dash `&` ends the command instead: review 16, probe 13).
 */
export function outputRedirectTarget(words: readonly Word[], k: number, bash = false): string | null {
  // A redirection as written (redirectionWidth): a quoted `'>>'` is an argument (`echo … '>>' /etc/sudoers` writes no file).
  if (redirectionWidth(words, k) === 0) return null;
  const m = (bash ? /^(?:\d*|&)>>?\|?(.*)$/ : /^\d*>>?\|?(.*)$/).exec(words[k].value);
  if (!m) return null;
  if (m[1] === '&') return `&${words[k + 1]?.value ?? ''}`;
  return m[1] || (words[k + 1]?.value ?? '');
}

/**
 * The words of a command that are no redirections (redirectionWidth): its assignments, program and
 * arguments, without `<<EOF`, `2>&1`, `>/dev/null` or `> f` (operator and target). The same array when
 * the command has none.
 */
export function wordsWithoutRedirections(words: Word[]): Word[] {
  let out: Word[] | undefined;
  for (let k = 0; k < words.length; k++) {
    const width = redirectionWidth(words, k);
    if (width === 0) {
      out?.push(words[k]);
      continue;
    }
    out ??= words.slice(0, k);
    k += width - 1;
  }
  return out ?? words;
}

/** The program name of a command without its directory (`/usr/bin/apt-get` → `apt-get`), or ''. */
export function programName(cmd: SimpleCommand): string {
  return cmd.programIndex < 0 ? '' : baseName(cmd.words[cmd.programIndex].value);
}

/** The words after the program name, redirections aside (`chmod 2>/dev/null 777 /x` → `777`, `/x`). */
export function argumentsOf(cmd: SimpleCommand): Word[] {
  return cmd.programIndex < 0 ? [] : wordsWithoutRedirections(cmd.words.slice(cmd.programIndex + 1));
}

/**
 * Builds the logical text of a Dockerfile instruction's arguments: line continuations
 * (escape character, optional blanks, newline) are removed, and so are comment lines inside a
 * continued instruction, as the Dockerfile parser does. Offsets map back into the document.
 */
export function logicalText(doc: string, start: number, end: number, escapeChar: string): MappedText {
  // Most RUN arguments are one line without an escape character: the text maps one to one.
  const esc = escapeChar.charCodeAt(0);
  let simple = true;
  for (let i = start; i < end; i++) {
    const c = doc.charCodeAt(i);
    if (c === 10 || c === esc) {
      simple = false;
      break;
    }
  }
  if (simple) {
    const offsets = offsetTable(end - start + 1);
    for (let k = 0; k <= end - start; k++) offsets[k] = start + k;
    return { text: doc.slice(start, end), offsets };
  }
  // Kept characters are copied in runs (slices of the document); each maps to its own offset.
  // (Read by character code: comparing one-character strings cost a tenth of the shared RUN reading.)
  const parts: string[] = [];
  const offsets = offsetTable(Math.max(0, end - start) + 1);
  let n = 0;
  let run = -1;
  let i = start;
  let atLineStart = false;
  while (i < end) {
    if (atLineStart) {
      // Inside a continued instruction, whole comment lines and empty lines are dropped.
      let j = i;
      let d = doc.charCodeAt(j);
      while (j < end && (d === SPACE || d === TAB)) d = doc.charCodeAt(++j);
      if (d === HASH) {
        n = flushRun(doc, parts, offsets, n, run, i);
        run = -1;
        while (j < end && doc.charCodeAt(j) !== NEWLINE) j++;
        i = j + 1;
        continue;
      }
      if (d === NEWLINE || (d === RETURN && doc.charCodeAt(j + 1) === NEWLINE)) {
        n = flushRun(doc, parts, offsets, n, run, i);
        run = -1;
        i = d === RETURN ? j + 2 : j + 1;
        continue;
      }
      atLineStart = false;
    }
    // The characters up to the next escape character are kept as written: one run, read in a tight loop.
    if (run === -1 && doc.charCodeAt(i) !== esc) run = i;
    while (i < end && doc.charCodeAt(i) !== esc) i++;
    if (i >= end) break;
    let j = i + 1;
    while (j < end && (doc.charCodeAt(j) === SPACE || doc.charCodeAt(j) === TAB)) j++;
    if (doc.charCodeAt(j) === RETURN && doc.charCodeAt(j + 1) === NEWLINE) j++;
    if (doc.charCodeAt(j) === NEWLINE || j >= end) {
      n = flushRun(doc, parts, offsets, n, run, i);
      run = -1;
      i = j + 1;
      atLineStart = true;
      continue;
    }
    if (esc !== BACKSLASH) {
      // With `# escape=``, a backtick escapes for the Dockerfile parser; backslashes are literal.
      n = flushRun(doc, parts, offsets, n, run, i);
      run = -1;
      parts.push(doc[i + 1] ?? '');
      offsets[n++] = i + 1;
      i += 2;
      continue;
    }
    // A backslash that continues no line is kept, as written.
    if (run === -1) run = i;
    i++;
  }
  n = flushRun(doc, parts, offsets, n, run, Math.min(i, end));
  offsets[n++] = end;
  return { text: parts.join(''), offsets: offsets.subarray(0, n) };
}

const SPACE = 0x20;
const TAB = 0x09;
const NEWLINE = 0x0a;
const RETURN = 0x0d;
const HASH = 0x23;
const BACKSLASH = 0x5c;

/** logicalText's kept run `run`…`to` (none when run is -1): its text and offsets; returns the new offset count. */
function flushRun(doc: string, parts: string[], offsets: Int32Array, n: number, run: number, to: number): number {
  if (run === -1) return n;
  parts.push(doc.slice(run, to));
  for (let k = run; k < to; k++) offsets[n++] = k;
  return n;
}

/**
 * Text that points /bin/sh at another shell (`ln -sf /bin/bash /bin/sh`, `cp /bin/bash /bin/sh`,
 * `dpkg-reconfigure dash`, `update-alternatives … /bin/sh`): later RUNs run under that shell, but a
 * script already running under the old /bin/sh does not change shell.
 */
const REPLACES_BIN_SH = /\b(?:ln|cp|mv)\b[^\n;&|]*\b(?:bash|zsh|ksh|mksh|ash|busybox)\b[^\n;&|]*\s["']?\/(?:usr\/)?bin\/sh\b|dpkg-reconfigure\b[^\n;&|]*\bdash\b|update-alternatives\b[^\n]*\/bin\/sh\b/;

export function replacesBinSh(text: string): boolean {
  return REPLACES_BIN_SH.test(text);
}
