/**
 * A small, position-keeping reader of the POSIX shell subset that Dockerfile RUN lines use.
 *
 * It splits a script into simple commands on `&&`, `||`, `;`, `|`, `&`, newlines and
 * parentheses, respecting single quotes, double quotes, backslash escapes, `$(...)`, `${...}`
 * and backticks, and drops comments. Every word keeps the document offsets of its text so
 * rules can point at, and fixes can edit, exactly the characters the user wrote.
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
}

/** A piece of text to read as shell, with a map from each of its characters to a document offset. */
export interface MappedText {
  text: string;
  /** offsets[i] is the document offset of text[i]; offsets[text.length] is the end offset. */
  offsets: ArrayLike<number>;
}

/** Characters (ASCII) that a plain word may contain with no special meaning (1), and those that end a word (`WORD_END_CHAR`). */
const PLAIN_WORD_CHAR = new Uint8Array(128);
const WORD_END_CHAR = new Uint8Array(128);
for (let c = 0x21; c < 0x7f; c++) PLAIN_WORD_CHAR[c] = 1;
for (const c of ' \t\n\r;()|&\\\'"$`') PLAIN_WORD_CHAR[c.charCodeAt(0)] = 0;
for (const c of ' \t\n\r;()|') WORD_END_CHAR[c.charCodeAt(0)] = 1;

const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', 'for', 'in', '!', '{', '}', 'time', 'case', 'esac']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Split a mapped script into simple commands. Never throws; unbalanced quotes run to the end. */
export function parseShell(src: MappedText): SimpleCommand[] {
  const { text, offsets } = src;
  const n = text.length;
  const commands: SimpleCommand[] = [];
  let words: Word[] = [];
  let prev: Separator = null;
  // Open `case … in … esac` statements: reading an arm's pattern (`a|b)`, where `|` is no pipe) or its commands.
  const cases: ('pattern' | 'body')[] = [];

  const finish = (next: Separator) => {
    if (words.length > 0) {
      const programIndex = findProgram(words);
      commands.push({ words, programIndex, next, prev, start: words[0].start, end: words[words.length - 1].end });
    }
    words = [];
    prev = next;
  };

  let i = 0;
  while (i < n) {
    const c = text[i];
    if (cases.length > 0 && cases[cases.length - 1] === 'pattern' && words.length === 0) {
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === ';') {
        i++;
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
      finish(c);
      i++;
      continue;
    }
    // A word (redirections such as `>/dev/null` and `2>&1` are kept as words).
    const word = readWord(text, i);
    const end = Math.min(word.end, n);
    const raw = text.slice(i, end);
    words.push({ value: word.value, raw, start: offsets[i], end: offsets[end - 1] + 1 });
    i = word.end;
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
    break;
  }
  if (plainEnd === n || WORD_END_CHAR[text.charCodeAt(plainEnd)] === 1) return { value: text.slice(start, plainEnd), end: plainEnd };
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
    if (d === '|') break;
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
      const open = text[i + 1];
      const end = skipBalanced(text, i + 1, open, open === '(' ? ')' : '}');
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
    value += d;
    i++;
  }
  return { value, end: i };
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
      const end = skipBalanced(text, i + 1, '(', ')');
      value += text.slice(i, end);
      i = end;
      continue;
    }
    value += text[i];
    i++;
  }
  return { value, end: i };
}

function skipBalanced(text: string, openIndex: number, open: string, close: string): number {
  let depth = 0;
  let i = openIndex;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === "'" && open === '(') {
      const q = text.indexOf("'", i + 1);
      i = q === -1 ? text.length : q + 1;
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

function findProgram(words: Word[]): number {
  for (let i = 0; i < words.length; i++) {
    const w = words[i].raw;
    if (w === 'case') return -1; // `case WORD in`: no program
    if (KEYWORDS.has(w)) continue;
    if (ASSIGNMENT.test(w)) continue;
    return i;
  }
  return -1;
}

/** The program name of a command without its directory (`/usr/bin/apt-get` → `apt-get`), or ''. */
export function programName(cmd: SimpleCommand): string {
  if (cmd.programIndex < 0) return '';
  const v = cmd.words[cmd.programIndex].value;
  const slash = v.lastIndexOf('/');
  return slash === -1 ? v : v.slice(slash + 1);
}

/** The words after the program name. */
export function argumentsOf(cmd: SimpleCommand): Word[] {
  return cmd.programIndex < 0 ? [] : cmd.words.slice(cmd.programIndex + 1);
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
    const offsets = new Int32Array(end - start + 1);
    for (let k = 0; k <= end - start; k++) offsets[k] = start + k;
    return { text: doc.slice(start, end), offsets };
  }
  // Kept characters are copied in runs (slices of the document); each maps to its own offset.
  const parts: string[] = [];
  const offsets = new Int32Array(Math.max(0, end - start) + 1);
  let n = 0;
  let run = -1;
  const flush = (to: number) => {
    if (run === -1) return;
    parts.push(doc.slice(run, to));
    for (let k = run; k < to; k++) offsets[n++] = k;
    run = -1;
  };
  let i = start;
  let atLineStart = false;
  while (i < end) {
    const c = doc[i];
    if (atLineStart) {
      // Inside a continued instruction, whole comment lines and empty lines are dropped.
      let j = i;
      while (j < end && (doc[j] === ' ' || doc[j] === '\t')) j++;
      if (doc[j] === '#') {
        flush(i);
        while (j < end && doc[j] !== '\n') j++;
        i = j + 1;
        continue;
      }
      if (doc[j] === '\n' || (doc[j] === '\r' && doc[j + 1] === '\n')) {
        flush(i);
        i = doc[j] === '\r' ? j + 2 : j + 1;
        continue;
      }
      atLineStart = false;
    }
    if (c === escapeChar) {
      let j = i + 1;
      while (j < end && (doc[j] === ' ' || doc[j] === '\t')) j++;
      if (doc[j] === '\r' && doc[j + 1] === '\n') j++;
      if (doc[j] === '\n' || j >= end) {
        flush(i);
        i = j + 1;
        atLineStart = true;
        continue;
      }
      if (escapeChar !== '\\') {
        // With `# escape=``, a backtick escapes for the Dockerfile parser; backslashes are literal.
        flush(i);
        parts.push(doc[i + 1] ?? '');
        offsets[n++] = i + 1;
        i += 2;
        continue;
      }
    }
    if (run === -1) run = i;
    i++;
  }
  flush(Math.min(i, end));
  offsets[n++] = end;
  return { text: parts.join(''), offsets: offsets.subarray(0, n) };
}
