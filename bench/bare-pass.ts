/**
 * A process that only reads and parses (or, for the peer, validates) a list of files, one after the
 * other: the whole-process floor the CLI is compared with. It pays what the CLI pays for being a
 * fresh process (Node start-up, loading a bundle, a cold JIT) and nothing else.
 *
 *   node out/bench/bare-pass.js dockerfile-ast|yaml|dockerfile-utils LIST
 *     LIST   a file with one path per line
 */
import * as fs from 'node:fs';
import { DockerfileParser } from 'dockerfile-ast';
import { LineCounter, parseDocument } from 'yaml';

const [mode, list] = process.argv.slice(2);
const paths = fs.readFileSync(list, 'utf8').split('\n').filter((p) => p.length > 0);
let op: (text: string) => unknown;
if (mode === 'dockerfile-ast') op = (t) => DockerfileParser.parse(t);
else if (mode === 'yaml') op = (t) => parseDocument(t, { lineCounter: new LineCounter() });
else if (mode === 'dockerfile-utils') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { validate } = require('dockerfile-utils') as { validate(text: string): unknown[] };
  op = (t) => validate(t);
} else {
  console.error(`bare-pass: unknown mode ${mode}`);
  process.exit(2);
}
let n = 0;
for (const p of paths) {
  op(fs.readFileSync(p, 'utf8'));
  n++;
}
console.log(`${n} files`);
