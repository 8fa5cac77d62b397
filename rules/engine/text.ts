import type { Position, Range } from './types';

/**
 * Offsets <-> positions for one document text. Built once per parsed document; lookups are
 * O(log lines). Lines end at "\n" (a preceding "\r" belongs to the line ending).
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
    return { line: lo, character: o - this.lineStarts[lo] };
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

  /** Offset of the end of a line's content (before its "\r\n" or "\n"). */
  lineEndOffset(line: number): number {
    if (line + 1 < this.lineStarts.length) {
      let end = this.lineStarts[line + 1] - 1;
      if (end > this.lineStarts[line] && this.text.charCodeAt(end - 1) === 13) end--;
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

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

export function rangeContains(outer: Range, inner: Range): boolean {
  return comparePositions(outer.start, inner.start) <= 0 && comparePositions(inner.end, outer.end) <= 0;
}

export function rangesOverlap(a: Range, b: Range): boolean {
  return comparePositions(a.start, b.end) < 0 && comparePositions(b.start, a.end) < 0;
}
