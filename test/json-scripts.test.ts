/**
 * The script of `RUN ["sh", "-c", "…"]` is read from a JSON string: an escape (`\"`, `\u0026`) is one
 * character of the script written as several in the file. Findings point at the words as written,
 * and fixes that insert into the string insert between whole escapes (the fixture harness applies
 * them: DF034's fires-json-escapes).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_CONFIG } from '../rules';
import { decodeJsonString, type DockerfileContext } from '../rules/engine/dockerfile';
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

describe('JSON-form shell scripts with the shell\'s options (review 42a, item 2)', () => {
  /** The script read from a one-RUN Dockerfile: the -c string, or null when the RUN is read as a program with arguments. */
  function scriptOf(json: string): string | null {
    const text = `FROM debian:12-slim\nRUN ${json}\n`;
    const path = '/j/Dockerfile';
    const ctx = analyze(allRules, 'dockerfile', path, text, viewOf(new Map([[path, text]])), DEFAULT_CONFIG).context as DockerfileContext;
    const [script] = ctx.runs()[0].scripts;
    return script.isShell ? script.source.text : null;
  }

  it('take the string after the options as sh(1) and bash(1) read them', () => {
    const cases: [string, string | null][] = [
      ['["bash", "-c", "S"]', 'S'],
      ['["/bin/bash", "-o", "pipefail", "-c", "S"]', 'S'],
      ['["sh", "-e", "-c", "S"]', 'S'],
      ['["bash", "--noprofile", "--norc", "-c", "S"]', 'S'],
      ['["bash", "-xec", "S"]', 'S'],
      ['["bash", "-euxo", "pipefail", "-c", "S"]', 'S'],
      ['["bash", "+o", "history", "-O", "extglob", "-c", "S"]', 'S'],
      ['["bash", "-c", "-e", "S"]', 'S'],
      ['["bash", "-c", "--", "S"]', 'S'],
      ['["sh", "-c", "-", "S"]', 'S'],
      ['["/usr/bin/bash", "-c", "S"]', 'S'],
      ['["bash", "-s", "-c", "S"]', 'S'],
      // Not the option's value (--rcfile takes the next string), nor a script file's arguments.
      ['["bash", "--rcfile", "x", "-c", "S"]', 'S'],
      ['["bash", "script.sh", "-c", "S"]', null],
      ['["sh", "-o", "-c", "S"]', null],
      ['["bash", "-c"]', null],
      ['["python3", "-c", "S"]', null],
    ];
    for (const [json, want] of cases) assert.equal(scriptOf(json), want, json);
  });

  it('every RUN rule reads the script, as without options; pipefail among the options counts', () => {
    const lines = [
      'FROM debian:12-slim',
      'RUN ["/bin/bash", "-o", "pipefail", "-c", "apt-get update && apt-get install curl && curl -k https://x.example/i.sh | sh"]',
      'RUN ["bash", "-c", "apt-get update && apt-get install curl && curl -k https://x.example/i.sh | sh"]',
      'RUN ["/bin/sh", "-e", "-c", "sudo chmod 777 /data"]',
      'USER 1000',
      'HEALTHCHECK NONE',
      'CMD ["x"]',
    ];
    const text = lines.join('\n') + '\n';
    const path = '/j/Dockerfile';
    const findings = analyze(allRules, 'dockerfile', path, text, viewOf(new Map([[path, text]])), DEFAULT_CONFIG).findings;
    const codesAt = (line: number) => findings.filter((f) => f.range.start.line === line).map((f) => f.code).sort();
    assert.deepEqual(codesAt(1), ['DF013', 'DF014', 'DF030', 'DF031', 'DF032']);
    assert.deepEqual(codesAt(2), ['DF013', 'DF014', 'DF030', 'DF031', 'DF032', 'DF041']);
    assert.deepEqual(codesAt(3), ['DF011', 'DF016']);
  });
});
