/**
 * Regressions of the bugs the fuzzers found (they were `KNOWN_BUGS` in helpers/fuzz-known.ts): each
 * former reproduction, and variants of it, must now pass every fuzz property (no range outside the
 * document, every fix parses, keeps the structure, removes its finding and converges). Also the
 * pieces behind the fixes: LineIndex splits lines as the LSP does (same positions as
 * vscode-languageserver-textdocument), and the shell check that withholds appends to unterminated
 * scripts.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LineIndex } from '../rules';
import { parseShell } from '../rules/engine/shell';
import { appendLineEdit } from '../rules/engine/yaml-edit';
import { shellTextCloses } from '../rules/engine/shell-check';
import { checkCase, describeCase, formatViolations, type Case } from './helpers/fuzz-props';

const dockerfile = (text: string): Case => ({ kind: 'dockerfile', target: '/repro/Dockerfile', files: new Map([['/repro/Dockerfile', text]]) });
const compose = (text: string, dotenv?: string): Case => ({ kind: 'compose', target: '/repro/compose.yaml', files: new Map([['/repro/compose.yaml', text], ...(dotenv === undefined ? [] : ([['/repro/.env', dotenv]] as [string, string][]))]) });

const CASES: [string, Case][] = [
  ['lone CR line endings (Dockerfile)', dockerfile('FROM node:24\rRUN true\r')],
  ['a pipe with nothing after it, half typed (DF014 threw: review 40c)', dockerfile('FROM alpine:3.22\nRUN curl -fsSL https://x.example.com/i.sh |\nUSER 1000\n')],
  ['lone CR line endings, more instructions', dockerfile('FROM node:24\rRUN apt-get update && apt-get install -y curl\rEXPOSE 22\rCMD ["node"]\r')],
  ['mixed LF, CRLF and lone CR', dockerfile('FROM node:24\nRUN true\r\nRUN apt-get update && apt-get install -y curl\rCMD ["node"]\n')],
  ['lone CR line endings (compose)', compose('services:\r  db:\r    image: postgres:17\r    privileged: true\r')],
  ['CRLF heredoc line ending with a backslash', dockerfile('FROM node:24\r\nRUN <<EOF\r\ncurl -fsSL https://example.com/x.sh | bash \\\r\nEOF\r\nUSER 1000\r\n')],
  ['heredoc body line ending with the escape character (backtick)', dockerfile('# escape=`\nFROM node\nRUN <<EOF\nzypper install -y curl\n`echo hi`\nEOF\nFROM node')],
  ['heredoc body line ending with the escape character, CRLF', dockerfile('# escape=`\r\nFROM node\r\nRUN <<EOF\r\nzypper install -y curl\r\n`echo hi`\r\nEOF\r\nFROM node\r\n')],
  ['heredoc body ending with a backslash continuation', dockerfile('FROM opensuse/leap:15.6\nRUN <<EOF\nset -e\nzypper -n install git \\\nEOF\nUSER 1000\n')],
  ['<<- heredoc body line ending with a backslash, then a blank line', dockerfile('FROM debian:12\nRUN <<-EOF\n\tapt-get update && apt-get install -y curl \\\n\n\tEOF\nUSER 1000\n')],
  ['DF010 after a COPY heredoc without its closing line (fuzz seed 1206120001, run 8446: laradock production cut in a COPY <<EOF body)', dockerfile('FROM laradock/php-fpm:latest-8.3\r\nCOPY <<\'EOF\' /usr/local/etc/php/conf.d/zz-laradock-prod.ini\r\nexpose_php = Off\r')],
  ['DF010 after an ADD heredoc without its closing line', dockerfile('FROM debian:12\nADD <<EOF /etc/motd\nhello\n')],
  ['DF010 after a continuation and comment lines', dockerfile('FROM debian:12\nRUN set -eux; \\\n\tmkdir -p /x; \\\n# a comment\n')],
  ['DF010 after a continuation, comments and blank lines', dockerfile('FROM debian:12\nRUN set -eux; \\\n# a comment\n\n   # another\n\n')],
  ['append to a RUN with an open $(', dockerfile('FROM debian:12\nRUN apt-get update && apt-get install -y curl && make -j$(nproc\nUSER 1000\n')],
  ['append to a RUN with an open quote', dockerfile('FROM debian:12\nRUN apt-get update && apt-get install -y curl && echo "x\nUSER 1000\n')],
  ['append to a RUN with an open if', dockerfile('FROM debian:12\nRUN if true; then apt-get update && apt-get install -y curl; fi; if true; then echo\nUSER 1000\n')],
  ['CRLF lines and a last line ended by a lone CR (compose)', compose('version: "3.8"\r\nservices:\r\n  hass:\r\n    image: easypi/hass-arm\r')],
  ['DC040/DC041 in a flow mapping', compose('services:\n  db:\n    image: postgres:17\n    environment: { POSTGRES_PASSWORD: hunter2 }\n')],
  ['DC040 in a flow sequence', compose('services:\n  db:\n    image: postgres:17\n    environment: [POSTGRES_PASSWORD=hunter2hunter2, API_TOKEN=tok_live_abcdef123]\n')],
  ['DC010 own privileged over a merged one', compose('x-defaults: &defaults\n  privileged: true\nservices:\n  db:\n    image: postgres:17\n    <<: *defaults\n    privileged: true\n')],
  ['DC040: a key broken over two lines is not a variable name (no move to .env)', compose('services:\n  db:\n    image: postgres:17\n    environment:\n      POSTGRES_USER: app\n      RUN $($(echo))\n      POSTGRES_PASSWORD: semaphore\n      API_TOKEN: tok_live_abcdef123456\n')],
  ['DC042 quoted key', compose('services:\n  db:\n    image: postgres:17\n    environment:\n      "POSTGRES_PASSWORD": s3cretvalue\n')],
  ['DC042 single-quoted key', compose("services:\n  db:\n    image: postgres:17\n    environment:\n      'POSTGRES_PASSWORD': s3cretvalue\n")],
  ['insert after an empty value with a comment', compose('services:\n  db:\n    image: postgres:17\n    environment:\n      POSTGRES_INITDB_ARGS:  # note\n  web:\n    image: nginx:1.27\n')],
  // Strict npm run fuzz at 8e61d89, seed 1023032719 (the only counterexample in 100,000 cases): DC041's fix set
  // DB_PASSWORD in .env, which the user is read from too; the next round's fix could never make them differ.
  ['DC041 with the user read from the password variable (default)', compose('services:\n  db:\n    environment:\n      POSTGRES_USER: ${DB_PASSWORD}\n      POSTGRES_PASSWORD: ${DB_PASSWORD-default}', 'A=1\r\nB=2\r\n')],
  ['DC041 with the user read from the password variable (.env)', compose('services:\n  db:\n    image: postgres:17\n    environment:\n      POSTGRES_USER: ${DB_PASSWORD}\n      POSTGRES_PASSWORD: ${DB_PASSWORD}\n', 'DB_PASSWORD=Zq8vLk2pWx9nRt4mYb7c\n')],
  // npm run fuzz -- --seed 1133570419 (the only counterexample in 100,000 cases): a lone CR is a line
  // break for the editor but part of the key for the YAML parser; DG003's move under services: broke it.
  ['DG003 with a lone CR before the first key', compose('\rservices:\n    image: ')],
  ['DG003 with a lone CR inside a legacy service', compose('web:\r  image: nginx:1.27\ndb:\n  image: postgres:17\n')],
  // npm run fuzz -- --runs 100000 --seed 1206003000 (3 counterexamples, all this): a directive given twice, then
  // `# escape=``; BuildKit refuses the file, our parse and the library read its escape differently, and
  // DF036/DF039/DF034's fixes were written for one reading. No fix is offered for such a file now.
  ['a directive given twice, then escape=`', dockerfile('# syntax=docker/dockerfile:1\n# syntax=docker/dockerfile:1\n# escape=`\nFROM node\nRUN docker login -u me -p s3cretpass registry.example.com && microdnf install -y shadow-utils \\\n\t&& set -o pipefail')],
  ['a check directive given twice, then escape=`, CRLF', dockerfile('# check=skip=all\r\n# check=skip=all\r\n# escape=`\r\nFROM alpine:3.22\r\nRUN apk update \\\r\n\t&& apk add curl\r\nRUN echo one\r\nRUN echo two\r\n')],
  ['insert after an empty sequence item with a comment', compose('services:\n  db:\n    image: postgres:17\n    command:\n      - postgres\n      -   # note\n  web:\n    image: nginx:1.27\n    security_opt: [no-new-privileges:true]\n')],
  // review 41a, F5: DF030's safe fix inserted into what the parser reads as an unterminated heredoc's
  // body, so its finding stayed and fix-all applied it 20 times per run (the fix does not converge).
  ['DF030 after an unterminated heredoc marker on a continued line', dockerfile('FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y \\\n\t<<EOFnmap \\\n\t--no-install-recommends\nUSER 1000\n')],
  ['DF030 after a continuation backslash followed by U+2028', dockerfile('FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n    curl \\\u2028\nUSER 1000\n')],
  // Names every JavaScript object has, where rules look a table up by what the file says: the tables of wrappers
  // (run-commands.ts, packages.ts) and DC042's images answered `constructor` with Object's own, and 16 rules threw.
  ['programs and stages named as Object.prototype members', dockerfile('FROM constructor AS __proto__\nRUN constructor a b && toString x && hasOwnProperty -y && valueOf install constructor\nRUN __proto__ install -y curl && constructor apt-get install -y vim\nUSER constructor\nCMD ["constructor"]\n')],
  ['services, images and keys named as Object.prototype members', compose('services:\n  constructor:\n    image: constructor\n    cap_add: [constructor, __proto__, toString]\n    volumes:\n      - /constructor:/x\n      - constructor:/var/lib/postgresql/data\n    environment:\n      constructor: toString\n      __proto__: x\n    command: ["constructor", "--toString"]\n    user: constructor\n  __proto__:\n    image: __proto__:hasOwnProperty\n    ports: ["constructor:80"]\nvolumes:\n  constructor: {}\n')],
  ['DF030 on a one-line RUN ending with a backslash and U+2028', dockerfile('FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl \\\u2028\n    && echo done\nUSER 1000\n')],
];

describe('fuzz regressions: former known bugs pass every property', () => {
  for (const [name, c] of CASES) {
    it(name, () => {
      const r = checkCase(c, { timeBoundMs: 1000 });
      assert.equal(r.violations.length, 0, `${formatViolations(r.violations)}\n${describeCase(c)}`);
    });
  }
});

describe('LineIndex splits lines as the LSP does', () => {
  const texts = ['', 'a', 'a\n', 'a\r\nb\r\n', 'a\rb\r', 'a\r\rb', 'a\n\rb\r\n\nc', '\r\n\r', 'x\\\r\ny', 'end\r'];
  for (const text of texts) {
    it(JSON.stringify(text), () => {
      const lines = new LineIndex(text);
      const doc = TextDocument.create('file:///x', 'plaintext', 1, text);
      assert.equal(lines.lineCount, doc.lineCount);
      for (let o = 0; o <= text.length; o++) {
        assert.deepEqual(lines.positionAt(o), doc.positionAt(o), `positionAt(${o})`);
        const pos = doc.positionAt(o);
        assert.equal(lines.offsetAt(pos), doc.offsetAt(pos), `offsetAt(${JSON.stringify(pos)})`);
      }
      for (let l = 0; l < lines.lineCount; l++) {
        const start = doc.offsetAt({ line: l, character: 0 });
        const end = doc.offsetAt({ line: l, character: Number.MAX_SAFE_INTEGER });
        assert.equal(lines.lineText(l), text.slice(start, end), `lineText(${l})`);
      }
    });
  }
});

describe('shell check: scripts that leave something open', () => {
  const closes = [
    'apt-get update && apt-get install -y curl',
    'make -j"$(nproc)" && echo "${A:-$(echo "}")}" \'q\'',
    'case "$x" in a) echo a ;; (b) echo b ;; esac',
    'x=$((1 + (2 * 3))) && echo `date`',
    'cat <<EOF > /f\nit\'s "open" $(\nEOF\necho done',
    'cat <<-\'END\'\n\tit\'s\n\tEND\ntrue',
    'cat <<EOF > /etc/x',
    'echo a # it\'s a comment with "quotes" and $(',
    'echo "a\\"b" \\\' \\(',
  ];
  const open = ['make -j$(nproc', 'echo "x', "echo 'x", 'echo `date', 'echo ${A', '( cd /x && make', 'cat <<EOF\nbody\n', 'echo "$(echo ")"'];
  for (const text of closes) it(`closes: ${JSON.stringify(text)}`, () => assert.equal(shellTextCloses(text), true));
  for (const text of open) it(`open: ${JSON.stringify(text)}`, () => assert.equal(shellTextCloses(text), false));
});

describe('shell reader: a backslash before CRLF is a line continuation, as before LF', () => {
  const mapped = (text: string) => ({ text, offsets: Array.from({ length: text.length + 1 }, (_, k) => k) });
  for (const lf of ['curl -fsSL https://example.com/x.sh | bash \\\n', 'apt-get install -y \\\n  curl && echo "a b" \\\nc']) {
    it(JSON.stringify(lf), () => {
      const crlf = lf.replace(/\n/g, '\r\n');
      const words = (text: string) => parseShell(mapped(text)).map((c) => c.words.map((w) => w.value));
      assert.deepEqual(words(crlf), words(lf));
      const lines = new LineIndex(crlf);
      for (const cmd of parseShell(mapped(crlf))) {
        for (const w of cmd.words) {
          const end = lines.positionAt(w.end);
          assert.ok(end.character <= lines.lineText(end.line).length, `${JSON.stringify(w.raw)} ends past its line`);
        }
      }
      assert.equal(shellTextCloses(crlf), shellTextCloses(lf));
    });
  }
});

describe('appending a line to a companion file (.gitignore, .env) counts lines as the editor does', () => {
  for (const text of ['', 'a', 'a\n', 'a\r\nb', 'a\r\nb\r\n', 'a\rb', 'a\rb\r']) {
    it(JSON.stringify(text), () => {
      const edit = appendLineEdit(text, '.env');
      const doc = TextDocument.create('file:///x', 'plaintext', 1, text);
      const after = TextDocument.applyEdits(doc, [edit]);
      assert.ok(after.startsWith(text), 'the text before stays as it was');
      // The file's own line ending (review 43b, item 7): CRLF where it has one.
      const eol = text.includes('\r\n') ? '\r\n' : '\n';
      assert.equal(after.slice(text.length), `${/[^\r\n]$/.test(text) ? eol : ''}.env${eol}`);
    });
  }
});
