/**
 * The script of `RUN ["sh", "-c", "…"]` is read from a JSON string: an escape (`\"`, `\u0026`) is one
 * character of the script written as several in the file. Findings point at the words as written,
 * and fixes that insert into the string insert between whole escapes (the fixture harness applies
 * them: DF034's fires-json-escapes).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_CONFIG } from '../rules';
import { decodeJsonString } from '../rules/engine/dockerfile';
import { viewOf } from './helpers/fixtures';

describe('JSON-form sh -c scripts', () => {
  it('map each character of a string to where it is written', () => {
    const raw = String.raw`"a\"b\u0026c\\d"`;
    const m = decodeJsonString(raw, 10)!;
    assert.equal(m.text, 'a"b&c\\d');
    assert.deepEqual(Array.from(m.offsets), [11, 12, 14, 15, 21, 22, 24, 25]);
    assert.equal(decodeJsonString('"a \\\n b"', 0), null);
    assert.equal(decodeJsonString('"unterminated', 0), null);
  });

  it('report words at their columns after escapes', () => {
    const line = String.raw`RUN ["/bin/sh", "-c", "echo \"start\" \u0026\u0026 curl -k https://x.example/s.sh -o /s.sh && sudo chmod 777 /opt"]`;
    const text = `FROM debian:12-slim\n${line}\nUSER 1000\n`;
    const path = '/j/Dockerfile';
    const findings = analyze(allRules, 'dockerfile', path, text, viewOf(new Map([[path, text]])), DEFAULT_CONFIG).findings;
    const at = (code: string) => findings.find((f) => f.code === code)?.range.start;
    assert.deepEqual(at('DF013'), { line: 1, character: line.indexOf('-k') });
    assert.deepEqual(at('DF011'), { line: 1, character: line.indexOf('sudo') });
    assert.deepEqual(at('DF016'), { line: 1, character: line.indexOf('chmod') });
  });
});
