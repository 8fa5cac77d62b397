/**
 * Whether an edit of a YAML text changed only the inside of one comment: what other files read of a
 * compose file (its parse: keys, values, their lines and columns) is then the same before and after.
 * The language server uses it to leave the files that depend on a compose file alone while a comment
 * of it is typed (review 41b, items 2 and 3).
 */
import { Lexer } from 'yaml';

/** The lexer's markers that stand for no character of the source (yaml's CST: DOCUMENT, FLOW_END, SCALAR). */
const MARKERS = new Set(['\x02', '\x18', '\x1f']);
const SCALAR = '\x1f';

/**
 * True when `before` and `after` differ only within one comment (`#` to the end of its line) that both
 * texts have at the same place: the `#` and everything before it are unchanged, no line break is added
 * or removed, and in both texts the changed characters lie in that comment (not in a quoted or block
 * scalar, where `#` is text). False when unsure.
 */
export function onlyCommentChanged(before: string, after: string): boolean {
  if (before === after) return true;
  let start = 0;
  const shorter = Math.min(before.length, after.length);
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let end = 0;
  while (end < shorter - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++;
  const removed = before.slice(start, before.length - end);
  const added = after.slice(start, after.length - end);
  if (/[\r\n]/.test(removed) || /[\r\n]/.test(added)) return false;
  // A `#` before the change on its line, else no comment holds it (most edits end here, unlexed).
  const lineStart = Math.max(before.lastIndexOf('\n', start - 1), before.lastIndexOf('\r', start - 1)) + 1;
  const hash = before.lastIndexOf('#', start - 1);
  if (hash < lineStart) return false;
  return inOneComment(before, start, before.length - end) && inOneComment(after, start, after.length - end);
}

/** Whether the characters [from, to) of a YAML text lie in one comment that starts before `from`. */
function inOneComment(text: string, from: number, to: number): boolean {
  let offset = 0;
  let previous = '';
  for (const lexeme of new Lexer().lex(text)) {
    if (MARKERS.has(lexeme)) {
      previous = lexeme;
      continue;
    }
    const next = offset + lexeme.length;
    if (next > from || (next === from && from === to)) {
      // The lexeme holding the first changed character (or, for an insertion, the one it ends).
      return lexeme.startsWith('#') && previous !== SCALAR && offset < from && to <= next;
    }
    offset = next;
    previous = lexeme;
  }
  return false;
}
