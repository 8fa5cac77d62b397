/**
 * Plain scalars that go-yaml v3 (which compose-go parses compose files with) resolves to a number,
 * boolean, null or timestamp are passed by Compose as Go prints them, not as written: `API_TOKEN:
 * 1_234_567_890_123` reaches the container as `1234567890123`. The `yaml` library this project parses with
 * (YAML 1.2 core schema) leaves `1_000`, `0b…`, `0x_…` and dates strings, so a fix that moved such a value
 * to `.env` as written changed it (review 42d, item 4).
 *
 * The kinds in the table are go-yaml v3.0.1's own answers (a plain, untagged yaml.Node decoded into an
 * `interface{}`, as compose-go decodes a file), the Go value printed by fmt.Sprint in the comment; the
 * predicate was also compared with go-yaml on some 600,000 generated texts (digits, signs, prefixes,
 * underscores, dots, exponents, dates and times) with no difference.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { allRules, analyze, DEFAULT_CONFIG, fixFinding, type FileSet } from '../rules';
import { ComposeContext } from '../rules/engine/compose';
import { goYamlPlainKind, type GoYamlKind } from '../rules/engine/go-yaml';
import { DEFAULT_OPTIONS } from '../rules/engine/types';
import { viewOf } from './helpers/fixtures';

const TABLE: [string, GoYamlKind][] = [
  ['hunter2', 'str'],
  ['pa$$w0rd', 'str'],
  ['tok_9fK2mQ7xV4nL8pW3', 'str'],
  ['123abc', 'str'],
  // YAML 1.1's booleans are strings in v3 (only a Go bool field reads them as booleans); 1.2's words are not.
  ['yes', 'str'],
  ['no', 'str'],
  ['on', 'str'],
  ['off', 'str'],
  ['y', 'str'],
  ['N', 'str'],
  ['True', 'bool'], // true
  ['tRUE', 'str'],
  ['~', 'null'],
  ['null', 'null'],
  ['', 'null'],
  ['.inf', 'float'], // +Inf
  ['-.Inf', 'float'], // -Inf
  ['.nan', 'float'], // NaN
  // Underscores are removed before the integer is read.
  ['1_000', 'int'], // 1000
  ['1_234_567_890_123', 'int'], // 1234567890123
  ['1_', 'int'], // 1
  ['1__0', 'int'], // 10
  ['_1', 'str'],
  // Go's base prefixes (either case), with underscores and signs.
  ['0b1011011101111011111', 'int'], // 375775
  ['0B101', 'int'], // 5
  ['0b1_01', 'int'], // 5
  ['0b-101', 'int'], // -5 (resolve.go reads what follows 0b with its own sign)
  ['0o+17', 'int'], // 15
  ['0o17', 'int'], // 15
  ['0O17', 'int'], // 15
  ['0o19', 'str'],
  ['0x_1F2E_3D4C', 'int'], // 523124044
  ['0X1F', 'int'], // 31
  ['+0x1F', 'int'], // 31
  ['-0b101', 'int'], // -5
  ['0x', 'str'],
  ['0b', 'str'],
  // YAML 1.1's octal; a leading zero with an 8 or 9 is a float.
  ['0123', 'int'], // 83
  ['0128', 'float'], // 128
  ['08', 'float'], // 8
  ['0_8', 'float'], // 8
  ['1_000.5', 'float'], // 1000.5
  ['.5_5', 'float'], // 0.55
  ['._5', 'str'],
  ['.5_', 'str'],
  ['1e5', 'float'], // 100000
  ['1e400', 'str'], // out of range: ParseFloat fails
  ['1.', 'float'], // 1
  ['+', 'str'],
  ['-', 'str'],
  // 64-bit bounds: ParseInt, then ParseUint, then a float for decimals; a hex beyond them stays a string.
  ['9223372036854775807', 'int'],
  ['18446744073709551615', 'int'],
  ['18446744073709551616', 'float'], // 1.8446744073709552e+19
  ['-9223372036854775809', 'float'], // -9.223372036854776e+18
  ['0x10000000000000000', 'str'],
  // Timestamps: a Go time.Time in v3 (v2 kept the text), printed `2024-01-02 00:00:00 +0000 UTC`.
  ['2024-01-02', 'timestamp'],
  ['2024-1-2', 'timestamp'],
  ['2024-02-30', 'str'],
  ['2024-13-01', 'str'],
  ['2024-01-02T03:04:05Z', 'timestamp'],
  ['2024-01-02t3:4:5.5+01:00', 'timestamp'],
  ['2024-01-02T03:04:05', 'str'],
  ['2024-01-02 03:04:05', 'timestamp'],
  ['2024-01-02  03:04:05', 'timestamp'],
  ['2024-01-02 03:04:05Z', 'str'],
  ['2024-01-02T24:00:00Z', 'str'],
  ['20240102', 'int'],
  ['12:30:45', 'str'], // YAML 1.1's sexagesimal numbers are not read
  ['1:2', 'str'],
];

describe('go-yaml v3 plain scalar resolution (review 42d, item 4)', () => {
  for (const [text, kind] of TABLE) {
    it(`${JSON.stringify(text)} → ${kind}`, () => {
      assert.equal(goYamlPlainKind(text), kind);
    });
  }
});

describe('an environment value that Compose does not read as written is not editable (review 42d, item 4)', () => {
  const editable = (value: string) => {
    const text = `services:\n  app:\n    image: ghcr.io/acme/app:1.0.0\n    environment:\n      API_TOKEN: ${value}\n`;
    const files: FileSet = new Map([['/w/compose.yaml', text]]);
    const ctx = new ComposeContext('/w/compose.yaml', text, viewOf(files), DEFAULT_OPTIONS);
    return ctx.environment(ctx.services[0])[0].editable;
  };

  it('go-yaml numbers and timestamps the YAML library leaves strings', () => {
    for (const v of ['1_234_567_890_123', '0b1011011101111011111', '0x_1F2E_3D4C', '0B101', '+0x1F', '0128', '1_000.5', '.5_5', '2024-01-02', '2024-01-02 03:04:05']) assert.equal(editable(v), false, v);
  });

  it('numbers both libraries type, as before', () => {
    for (const v of ['0x1F2E3D4C', '0123', '123456789012', 'true']) assert.equal(editable(v), false, v);
  });

  it('strings: plain, quoted (a quoted number is a string to both), YAML 1.1 booleans, `!!str`', () => {
    for (const v of ['tok_9fK2mQ7xV4nL8pW3', '"1_234_567_890_123"', "'0b1011'", 'yes', 'off', '!!str 1_000']) assert.equal(editable(v), true, v);
  });

  it('a tag other than !!str: go-yaml decodes !!binary and resolves !!int; Compose reads !override itself', () => {
    for (const v of ['!!binary dG9rX2FiYw==', '!override tok_9fK2mQ7xV4nL8pW3']) assert.equal(editable(v), false, v);
  });
});

describe('DC040 offers no move for a value Compose reads as a number (review 42d, item 4)', () => {
  const fixOf = (args: string) => {
    const text = `services:\n  app:\n    image: ghcr.io/acme/app:1.0.0\n${args}`;
    const files: FileSet = new Map([['/p/compose.yaml', text]]);
    const analysis = analyze(allRules, 'compose', '/p/compose.yaml', text, viewOf(files), DEFAULT_CONFIG);
    const f = analysis.findings.find((x) => x.code === 'DC040');
    assert.ok(f, 'DC040 reports it');
    return fixFinding(allRules, analysis.context, f);
  };

  it('in environment: and in build.args (where a number the YAML library types was moved as its source text)', () => {
    for (const v of ['1_234_567_890_123', '0x_1F2E_3D4C', '0b1011011101111011111']) {
      assert.equal(fixOf(`    environment:\n      API_TOKEN: ${v}\n`), undefined, `environment ${v}`);
      assert.equal(fixOf(`    build:\n      context: .\n      args:\n        NPM_TOKEN: ${v}\n`), undefined, `build.args ${v}`);
    }
    assert.equal(fixOf('    build:\n      context: .\n      args:\n        NPM_TOKEN: 0x1F2E3D4C5B6A\n'), undefined, 'a hex number in build.args');
    assert.equal(fixOf('    environment:\n      API_TOKEN: "1_234_567_890_123"\n')?.safe, true, 'quoted, it is text: moved');
    assert.equal(fixOf('    build:\n      context: .\n      args:\n        NPM_TOKEN: "0x_1F2E_3D4C"\n')?.title, 'Move NPM_TOKEN to .env as APP_NPM_TOKEN', 'quoted build argument: moved (under a name of its own: npm reads NPM_TOKEN from the shell)');
  });
});
