/**
 * The shell reader's word values (quotes removed, escapes resolved) for words that mix plain characters with quotes,
 * escapes, substitutions and redirection characters: readQuotedWord and readDoubleQuoted copy the plain characters
 * between those in one piece, and must stop at every character that means something.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseShell } from '../rules/engine/shell';

const mapped = (text: string) => ({ text, offsets: Array.from({ length: text.length + 1 }, (_, k) => k) });
/** Each command's words as [value, raw]. */
const words = (text: string) => parseShell(mapped(text)).map((c) => c.words.map((w) => [w.value, w.raw]));

describe('shell reader: word values', () => {
  it('plain runs around quotes and escapes', () => {
    assert.deepEqual(words(`echo ab"c d"ef'g h'ij\\ kl`), [[['echo', 'echo'], ['abc defg hij kl', `ab"c d"ef'g h'ij\\ kl`]]]);
  });
  it('a `$` without ( or { is plain; `$(…)` and `${…}` are kept as written', () => {
    assert.deepEqual(words(`x="a"$HOME/b$(id -u)c\${V:-d}e`), [[['x=a$HOME/b$(id -u)c${V:-d}e', `x="a"$HOME/b$(id -u)c\${V:-d}e`]]]);
  });
  it('non-ASCII and control characters inside a quoted word', () => {
    assert.deepEqual(words(`echo "é"ü\u00a0ß'x'\u000bz`), [[['echo', 'echo'], ['éü\u00a0ßx\u000bz', `"é"ü\u00a0ß'x'\u000bz`]]]);
  });
  it('a quoted word ends at a blank, an operator or a redirection', () => {
    assert.deepEqual(words(`a"b"c;d'e'f|g"h"i>out&&j\\ k)`), [[['abc', 'a"b"c']], [['def', "d'e'f"]], [['ghi', 'g"h"i'], ['>out', '>out']], [['j k', 'j\\ k']]]);
    assert.deepEqual(words(`cmd a"b"2>&1 c'd'&`), [[['cmd', 'cmd'], ['ab2', 'a"b"2'], ['>&1', '>&1'], ['cd', "c'd'"]]]);
  });
  it('inside double quotes: escapes of " \\ $ ` and the line break only, `$(…)` as written', () => {
    assert.deepEqual(words(`echo "a\\"b\\\\c\\$d\\e$(x "y")f$g\`h\`"`), [[['echo', 'echo'], ['a"b\\c$d\\e$(x "y")f$g`h`', `"a\\"b\\\\c\\$d\\e$(x "y")f$g\`h\`"`]]]);
  });
  it('a backquoted part is kept as written', () => {
    assert.deepEqual(words("v=a`uname -m`b'c'"), [[['v=a`uname -m`bc', "v=a`uname -m`b'c'"]]]);
  });
});
