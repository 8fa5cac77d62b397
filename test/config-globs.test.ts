/**
 * A glob of the config file or the settings that minimatch reads otherwise than it looks (an unclosed `[`, an open
 * `{a,b` list, a class with no member, a `#` comment, one too long) is said: DG002 on its entry (the CLI exits 2, as on
 * every DG002), a line in the editor's output channel for the settings. One reader (globProblem) for both.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { allRules, analyze, DEFAULT_OPTIONS, globProblem, inGlobScope, parseConfig } from '../rules';
import { normalizeSettings } from '../server/src/settings';
import { viewOf } from './helpers/fixtures';
import { runCli } from './helpers/cli';
import { TestClient } from './helpers/lsp-client';
import { tempDir } from './helpers/temp';

const CODES = new Set(allRules.map((r) => r.code));
const DF = 'FROM node:22\n';

function project(files: Record<string, string>): string {
  const dir = tempDir('dg-cfg-globs-');
  fs.mkdirSync(path.join(dir, '.git'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

describe('globs minimatch reads otherwise than they look', () => {
  it('reported: an unclosed [, an open {a,b or @(a|b list, a class with no member, a # comment, one too long', () => {
    for (const g of ['[', 'a/[b', '**/[', '[!]', '[]', 'x/[a/b]', '{a,b', '{a/b,c', '@(a|b', '+(x', '[z-a]', 'a/[b-a]x', '#vendor', '!#vendor', 'a'.repeat(70000)]) assert.ok(globProblem(g, true), g);
    // Literal characters as in bash, or valid: not reported.
    for (const g of ['{', 'a{b', '}', 'a}b', ']', '[]]', '[[]', 'x{y}', '{a,b}/**', 'a\\', '\\#x', '\\[', 'vendor/**', '!vendor/keep/**', '*[._-]prod[._-]*', '[[:alpha:]]*', '*(1).txt', '{{cookiecutter.name}}/**', '']) assert.equal(globProblem(g, true), undefined, g);
    // A leading ! of productionGlobs is minimatch's negation, not an exception taken off first.
    assert.equal(globProblem('!#x', false), undefined);
  });

  it('reported: a `\\` written as a Windows path separator, which minimatch reads as an escape (review 46a, item 8)', () => {
    for (const g of ['services\\api\\Dockerfile', '!services\\api\\Dockerfile', '**\\*.yml', 'src\\**', 'deploy\\compose.prod.yaml', '[\\w]*']) {
      assert.match(globProblem(g, true) ?? '', /has a `\\` between names, which minimatch reads as an escape .* Write `\/` between folders/, g);
    }
    // Escapes that change how minimatch reads the glob, or change nothing as a regular expression's would (`*\.yml` is `*.yml`), and an escaped `\`.
    for (const g of ['\\#x', '\\[x\\]', 'file\\*.txt', '*\\.yml', 'a\\-b', 'a\\\\b', 'x\\']) assert.equal(globProblem(g, true), undefined, g);
    // As read: it matches no file of that path, only a name without the backslashes.
    assert.equal(inGlobScope('services/api/Dockerfile', undefined, ['services\\api\\Dockerfile']), true);
    const dir = project({ '.docker-guardrails.yaml': 'exclude:\n  - services\\api\\Dockerfile\n', 'services/api/Dockerfile': DF });
    const r = runCli(['check', '.'], dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /\.docker-guardrails\.yaml:2:5: This `exclude` glob has a `\\` between names/);
    const warned: string[] = [];
    normalizeSettings({ exclude: ['services\\api\\Dockerfile'] }, (m) => warned.push(m));
    assert.deepEqual(warned.map((m) => m.slice(0, 50)), ['dockerGuardrails.exclude[0] has a `\\` between name']);
  });

  it('minimatch reads an unclosed [ literally (a name with [ in it), and a glob too long is skipped, not thrown', () => {
    assert.equal(inGlobScope('a/[b', undefined, ['a/[b']), false);
    assert.equal(inGlobScope('a/b', undefined, ['a/[b']), true);
    assert.equal(inGlobScope('Dockerfile', undefined, ['a'.repeat(70000)]), true);
    const compose = 'services:\n  web:\n    image: example/web:1\n    ports: ["80:80"]\n';
    const r = analyze(allRules, 'compose', '/p/compose.prod.yaml', compose, viewOf(new Map([['/p/compose.prod.yaml', compose]])), { rules: {}, options: { ...DEFAULT_OPTIONS, productionGlobs: ['a'.repeat(70000), '*.prod.*'], eolDate: null } });
    assert.equal(r.findings.filter((f) => f.code === 'DC033').length, 1);
    assert.ok(!r.findings.some((f) => /failed|threw/i.test(f.message)), r.findings.map((f) => f.message).join('\n'));
  });

  it('config file: DG002 on each such entry of include, exclude and productionGlobs; the glob is not quoted; others still apply', () => {
    const text = 'exclude:\n  - "vendor/[x"\n  - "{"\ninclude: ["a/[b", "**"]\nproductionGlobs: ["[z-a].yaml", "{prod,production"]\ntrustedRegistries: ["[odd"]\n';
    const loaded = parseConfig('/p/.docker-guardrails.yaml', text, CODES);
    assert.deepEqual(
      loaded.problems.map((p) => [p.range.start.line, p.range.start.character, p.message.slice(0, 40)]),
      [
        [1, 4, 'This `exclude` glob has a `[` that no `]'],
        [3, 10, 'This `include` glob has a `[` that no `]'],
        [4, 18, 'This `productionGlobs` glob has a charac'],
        [4, 32, 'This `productionGlobs` glob has a `{` li'],
      ],
    );
    for (const p of loaded.problems) assert.doesNotMatch(p.message, /vendor|a\/\[b|z-a\]\.yaml|prod,/);
    assert.deepEqual(loaded.config.exclude, ['vendor/[x', '{']);
  });

  it('CLI: exit 2 with the entry\'s line on standard error, as for any DG002', () => {
    const dir = project({ '.docker-guardrails.yaml': 'exclude:\n  - "vendor/[x"\n', 'Dockerfile': DF });
    const r = runCli(['check', '.'], dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /\.docker-guardrails\.yaml:2:5: This `exclude` glob has a `\[` that no `\]` closes/);
    const long = project({ '.docker-guardrails.yaml': `exclude: ["${'a'.repeat(70000)}"]\n`, 'Dockerfile': DF });
    const l = runCli(['check', '.'], long);
    assert.equal(l.code, 2, l.stderr);
    assert.match(l.stderr, /\.docker-guardrails\.yaml:1:11: This `exclude` glob is longer than the 65,536 characters minimatch reads/);
    assert.ok(l.stderr.length < 2000);
  });

  it('settings: a line for each such entry of include, exclude and productionGlobs, none for the valid ones', () => {
    const warned: string[] = [];
    const s = normalizeSettings({ exclude: ['ok/**', '['], include: ['{a,b'], productionGlobs: ['{', '[b-a]'], trustedRegistries: ['['] }, (m) => warned.push(m));
    assert.deepEqual(warned.map((m) => m.slice(0, 50)), [
      'dockerGuardrails.productionGlobs[1] has a characte',
      'dockerGuardrails.include[0] has a `{` list that no',
      'dockerGuardrails.exclude[1] has a `[` that no `]` ',
    ]);
    assert.deepEqual(s.exclude, ['ok/**', '[']);
    const none: string[] = [];
    normalizeSettings({}, (m) => none.push(m));
    assert.deepEqual(none, []);
  });

  it('editor: DG002 on the entry of the config file', async () => {
    const dir = project({ '.docker-guardrails.yaml': 'exclude:\n  - "vendor/[x"\n', 'Dockerfile': DF });
    const client = new TestClient();
    try {
      await client.initialize([dir]);
      const at = URI.file(path.join(dir, '.docker-guardrails.yaml')).toString();
      await client.until('DG002 on the config', () => (client.latest(at)?.diagnostics ?? []).some((d) => d.code === 'DG002'));
      const d = client.latest(at)!.diagnostics.filter((x) => x.code === 'DG002');
      assert.equal(d.length, 1);
      assert.equal(d[0].range.start.line, 1);
      assert.match(String(d[0].message), /This `exclude` glob has a `\[` that no `\]` closes/);
    } finally {
      await client.shutdown();
    }
  });
});
