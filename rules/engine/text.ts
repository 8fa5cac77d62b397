import type { Position, Range } from './types';

/**
 * Offsets <-> positions for one document text. Built once per parsed document; lookups are
 * O(log lines). Lines end as the LSP defines it (and vscode-languageserver-textdocument, dockerfile-ast
 * and YAML split them): at "\r\n", "\n" or a lone "\r". An offset inside a "\r\n" maps to the end of
 * its line, as the LSP's text documents do.
 */
export class LineIndex {
  readonly lineStarts: number[];
  readonly eol: '\n' | '\r\n';

  constructor(readonly text: string) {
    const starts = [0];
    let crlf = 0;
    let lf = 0;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
      starts.push(i + 1);
      if (i > 0 && text.charCodeAt(i - 1) === 13) crlf++;
      else lf++;
    }
    // A carriage return not followed by a line feed (old Mac line endings) ends a line too.
    if (hasLoneCR(text)) {
      starts.length = 1;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
    this.eol = crlf > lf ? '\r\n' : '\n';
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    // Between the "\r" and the "\n" of a line break: the end of the line.
    const inCrlf = o > 0 && this.text.charCodeAt(o) === 10 && this.text.charCodeAt(o - 1) === 13;
    return { line: lo, character: o - this.lineStarts[lo] - (inCrlf ? 1 : 0) };
  }

  offsetAt(pos: Position): number {
    if (pos.line >= this.lineStarts.length) return this.text.length;
    if (pos.line < 0) return 0;
    const start = this.lineStarts[pos.line];
    const end = this.lineEndOffset(pos.line);
    return Math.max(start, Math.min(start + pos.character, end));
  }

  rangeOf(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  /** Offset of the end of a line's content (before its "\r\n", "\n" or "\r"). */
  lineEndOffset(line: number): number {
    if (line + 1 < this.lineStarts.length) {
      let end = this.lineStarts[line + 1] - 1;
      if (end > this.lineStarts[line] && this.text.charCodeAt(end) === 10 && this.text.charCodeAt(end - 1) === 13) end--;
      return end;
    }
    let end = this.text.length;
    if (end > this.lineStarts[line] && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  lineText(line: number): string {
    if (line < 0 || line >= this.lineStarts.length) return '';
    return this.text.slice(this.lineStarts[line], this.lineEndOffset(line));
  }

  /** The leading whitespace of a line. */
  indentOf(line: number): string {
    return /^[ \t]*/.exec(this.lineText(line))![0];
  }

  /** A range covering whole lines [first, last], including the last line's line break. */
  wholeLines(first: number, last: number): Range {
    const end: Position =
      last + 1 < this.lineStarts.length ? { line: last + 1, character: 0 } : { line: last, character: this.lineText(last).length };
    // When deleting the last line of a file without a trailing newline, take the preceding break.
    if (last + 1 >= this.lineStarts.length && first > 0) {
      return { start: { line: first - 1, character: this.lineText(first - 1).length }, end };
    }
    return { start: { line: first, character: 0 }, end };
  }
}

/** Whether a text has a carriage return that is not part of a "\r\n". */
function hasLoneCR(text: string): boolean {
  for (let i = text.indexOf('\r'); i !== -1; i = text.indexOf('\r', i + 1)) {
    if (text.charCodeAt(i + 1) !== 10) return true;
  }
  return false;
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

export function rangeContains(outer: Range, inner: Range): boolean {
  return comparePositions(outer.start, inner.start) <= 0 && comparePositions(inner.end, outer.end) <= 0;
}

export function rangesOverlap(a: Range, b: Range): boolean {
  return comparePositions(a.start, b.end) < 0 && comparePositions(b.start, a.end) < 0;
}
