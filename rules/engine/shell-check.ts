/**
 * Whether a shell script read by `parseShell` is complete: every quote, `$(…)`, `${…}`, backtick,
 * subshell and here-document it opens is closed, and its compound commands are balanced (`if`/`fi`,
 * `case`/`esac`, `do`/`done`, `{`/`}`). `parseShell` never fails (an unterminated quote runs to the
 * end of the text); fixes that append a command to a script ask this first, because text appended to
 * an unterminated script lands inside the open construct (a quote, a `$(`, an `if` without `fi`)
 * instead of after it.
 */
import { codeOperator, codeWord, newCodeLevel, type CodeLevel, type MappedText, type SimpleCommand } from './shell';

type Frame = 'code' | 'cmd' | 'dq' | 'brace' | 'bt';

/** An open construct; a `$(…)` (`cmd`) reads its code with a `CodeLevel`, which knows that a `case` pattern's `)` does not close it. */
interface Open {
  frame: Frame;
  depth: number;
  level?: CodeLevel;
}

/** The frame that a substitution found by `substitutionAt` opens. */
function opened(sub: { frame: Frame; depth: number }): Open {
  return sub.frame === 'cmd' ? { frame: 'cmd', depth: 0, level: newCodeLevel() } : { frame: sub.frame, depth: sub.depth };
}

/** Blanks and operator characters (ASCII): a word starts after one. */
const BREAK_CHAR = new Uint8Array(128);
for (const c of ' \t\n\r\f\v;&|()') BREAK_CHAR[c.charCodeAt(0)] = 1;

/** Whether `text[i]` starts a word (for `#` comments): at the start or after a blank or an operator. */
function atWordStart(text: string, i: number): boolean {
  return i === 0 || /[\s;&|()]/.test(text[i - 1]);
}

/** The substitution that starts at `i` (a backtick, `$(` or `${`): the frame it opens and the characters it takes. */
function substitutionAt(text: string, i: number): { frame: Frame; depth: number; width: number } | undefined {
  const c = text[i];
  if (c === '`') return { frame: 'bt', depth: 0, width: 1 };
  if (c !== '$') return undefined;
  if (text[i + 1] === '(') return { frame: 'cmd', depth: 1, width: 2 };
  if (text[i + 1] === '{') return { frame: 'brace', depth: 1, width: 2 };
  return undefined;
}

/** Reads a here-document operator at `i` (`<<WORD`, `<<-WORD`, `<<'WORD'`, `<<"WORD"`): its delimiter and where the operator ends. */
function heredocAt(text: string, i: number): { delimiter: string; strip: boolean; end: number } | undefined {
  if (text[i] !== '<' || text[i + 1] !== '<' || text[i + 2] === '<') return undefined;
  let j = i + 2;
  const strip = text[j] === '-';
  if (strip) j++;
  while (text[j] === ' ' || text[j] === '\t') j++;
  const m = /^(?:'([^'\n]*)'|"([^"\n]*)"|\\?([A-Za-z0-9_.-]+))/.exec(text.slice(j, j + 200));
  if (!m) return undefined;
  return { delimiter: m[1] ?? m[2] ?? m[3], strip, end: j + m[0].length };
}

/** Whether the characters of a script close everything they open (quotes, substitutions, subshells, here-documents). */
export function shellTextCloses(text: string): boolean {
  const stack: Open[] = [{ frame: 'code', depth: 0 }];
  const heredocs: { delimiter: string; strip: boolean }[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const top = stack[stack.length - 1];
    const c = text[i];
    if (c === '\\') {
      // An escaped character, or a line continuation (a backslash before LF or CRLF).
      i += text[i + 1] === '\r' && text[i + 2] === '\n' ? 3 : 2;
      continue;
    }
    if (top.frame === 'dq') {
      const sub = c === '"' ? undefined : substitutionAt(text, i);
      if (c === '"') stack.pop();
      else if (sub) {
        stack.push(opened(sub));
        i += sub.width - 1;
      }
      i++;
      continue;
    }
    if (top.frame === 'brace') {
      // Inside `${…}`: nested `${`, substitutions and quotes in the word, and the closing brace.
      if (c === '$' && text[i + 1] === '{') {
        top.depth++;
        i += 2;
        continue;
      }
      const sub = substitutionAt(text, i); // `${` was taken above
      if (c === '}' && --top.depth === 0) stack.pop();
      else if (c === '"') stack.push({ frame: 'dq', depth: 0 });
      else if (sub) {
        stack.push(opened(sub));
        i += sub.width - 1;
      } else if (c === "'" && stack[stack.length - 2]?.frame !== 'dq') {
        // Quotes outside double quotes (inside them a `'` is a plain character).
        const close = text.indexOf("'", i + 1);
        if (close === -1) return false;
        i = close;
      }
      i++;
      continue;
    }
    // Code: the script itself, inside `$(…)` or inside backticks.
    if (top.frame === 'bt' && c === '`') {
      stack.pop();
      i++;
      continue;
    }
    if (c === '#' && atWordStart(text, i)) {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    const level = top.level;
    if (level) {
      // Inside `$(…)`: reserved words and operators, for `case` (the `)` of a pattern) and the closing `)`.
      if (c === ';' || c === '|' || c === '(' || c === ')' || (c === '&' && text[i + 1] !== '>' && text[i - 1] !== '>' && text[i - 1] !== '<')) {
        const width = codeOperator(level, text, i);
        if (width < 0) stack.pop();
        i += Math.max(width, 1);
        continue;
      }
      if (c === '\n') codeOperator(level, text, i);
      else if (c !== ' ' && c !== '\t' && c !== '\r' && (i === 0 || BREAK_CHAR[text.charCodeAt(i - 1)] === 1)) {
        const skip = codeWord(level, text, i);
        if (skip > 0) {
          i += skip;
          continue;
        }
      }
    }
    if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close === -1) return false;
      i = close + 1;
      continue;
    }
    const sub = substitutionAt(text, i);
    if (c === '"') stack.push({ frame: 'dq', depth: 0 });
    else if (sub) {
      stack.push(opened(sub));
      i += sub.width - 1;
    } else if (c === '(') top.depth++;
    else if (c === ')') {
      // A `case` pattern's `)` has no `(`: never below zero at the top level.
      if (top.depth > 0) top.depth--;
    } else if (c === '<') {
      const h = heredocAt(text, i);
      if (h) {
        heredocs.push({ delimiter: h.delimiter, strip: h.strip });
        i = h.end;
        continue;
      }
    } else if (c === '\n' && heredocs.length > 0) {
      // The here-document bodies start on the next line, one after the other.
      let at = i + 1;
      for (const h of heredocs) {
        for (;;) {
          if (at >= n) return false;
          const eol = text.indexOf('\n', at);
          const lineEnd = eol === -1 ? n : eol;
          let line = text.slice(at, lineEnd).replace(/\r$/, '');
          if (h.strip) line = line.replace(/^\t+/, '');
          at = lineEnd + 1;
          if (line === h.delimiter) break;
        }
      }
      heredocs.length = 0;
      i = at;
      continue;
    }
    i++;
  }
  // A here-document operator on the last line is fine: its body is outside this text (a Dockerfile
  // here-document of the RUN, `RUN cat <<EOF > file`).
  return stack.length === 1 && stack[0].depth === 0;
}

const OPENS: Record<string, string> = { if: 'fi', case: 'esac', do: 'done', '{': '}' };
const CLOSES = new Set(Object.values(OPENS));

/** Whether the compound commands of a parsed script are balanced: each `if`, `case`, `do` and `{` is closed, in order. */
export function compoundsClose(commands: readonly SimpleCommand[]): boolean {
  const open: string[] = [];
  for (const cmd of commands) {
    // Reserved words count only where a command starts (before its program name).
    const lead = cmd.programIndex < 0 ? cmd.words.length : cmd.programIndex;
    for (let k = 0; k < lead; k++) {
      const w = cmd.words[k].raw;
      if (Object.hasOwn(OPENS, w)) open.push(OPENS[w]);
      else if (CLOSES.has(w) && open.pop() !== w) return false;
      if (w === 'case') break; // `case WORD in`: the subject is not a reserved word
    }
  }
  return open.length === 0;
}

/** Whether a script is complete (see the file comment): text appended after it runs after it. */
export function scriptCloses(source: MappedText, commands: readonly SimpleCommand[]): boolean {
  return shellTextCloses(source.text) && compoundsClose(commands);
}
