/**
 * What the CLI and the server say of files they leave out for a bound (review 45c, adversarial performance):
 * - item 5: the files an `include:` tree names past its bound on files (MAX_INCLUDED_FILES) are not analyzed; the CLI
 *   said they were YAML files "not named like a compose file" (a false reason: a file an include pulls in is a compose
 *   file whatever its name). It now names the include limit.
 * - item 8: a file read beside the file analyzed (a `.env`, an included file, a `.dockerignore`…) over the workspace's
 *   read cap (256 KiB) was taken as absent without a word, and the findings depending on it quietly disappeared. The
 *   CLI names it on standard error, the server in its log, once per file.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { runCli } from './helpers/cli';
import { TestClient } from './helpers/lsp-client';
import { tempFiles } from './helpers/temp';

/** A compose file interpolating VAR_0…VAR_19 and a `.env` defining them, of `lines` lines (25,000 lines: about 490 KB). */
function dotenvProject(lines: number): Record<string, string> {
  let compose = 'services:\n  app:\n    image: nginx:1.25\n    environment:\n';
  for (let i = 0; i < 20; i++) compose += `      V${i}: \${VAR_${i}}\n`;
  let env = '';
  for (let i = 0; i < lines; i++) env += `VAR_${i}=value${i}\n`;
  return { 'compose.yaml': compose, '.env': env, '.git/HEAD': 'ref: refs/heads/main\n' };
}

/** compose.yaml including inc/f0.yaml … inc/f(n-1).yaml, one service each (and `spare` more such files, not included). */
function includeProject(n: number, spare = 0): Record<string, string> {
  const files: Record<string, string> = {};
  let compose = 'include:\n';
  for (let i = 0; i < n + spare; i++) {
    if (i < n) compose += `  - inc/f${i}.yaml\n`;
    files[`inc/f${i}.yaml`] = `services:\n  s${i}:\n    image: nginx:1.25\n`;
  }
  files['compose.yaml'] = `${compose}services:\n  app:\n    image: nginx:1.25\n`;
  return files;
}

const NOTICE = /^docker-guardrails: notice: not read: \.env is over 256 KiB, the cap on a file read beside the file analyzed \(.*\): taken as absent, so findings that depend on it may be missing or wrong$/m;

describe('files left out for a bound are named (review 45c)', () => {
  it('the CLI names the files an include: tree names past its limit as such, not as misnamed YAML files (item 5)', () => {
    const files = includeProject(260);
    const dir = tempFiles('include-limit-', files);
    const r = runCli(['check', '.', '--format', 'json'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /not named like a compose file/);
    assert.match(r.stderr, /^docker-guardrails: not checked: 4 files that compose\.yaml includes past the limit of 256 files in one include tree: inc\/f256\.yaml, inc\/f257\.yaml, inc\/f258\.yaml, inc\/f259\.yaml\.$/m);
    const checked = new Set((JSON.parse(r.stdout) as { file: string }[]).map((f) => f.file));
    assert.ok(checked.has('inc/f255.yaml') && !checked.has('inc/f256.yaml'), [...checked].slice(0, 5).join(', '));
  });

  it('SARIF and the github format give the include-limit notice too, on the root compose file; JSON keeps its shape (review 46 leftovers, item 1)', () => {
    const dir = tempFiles('include-limit-sarif-', includeProject(260));
    const text = 'Not checked: 4 files that compose.yaml includes past the limit of 256 files in one include tree: inc/f256.yaml, inc/f257.yaml, inc/f258.yaml, inc/f259.yaml.';
    const r = runCli(['check', '.', '--format', 'sarif'], dir);
    assert.equal(r.code, 0, r.stderr);
    const sarif = JSON.parse(r.stdout);
    const notes = sarif.runs[0].invocations[0].toolExecutionNotifications as { level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
    assert.deepEqual(notes.map((n) => [n.level, n.locations[0].physicalLocation.artifactLocation.uri, n.message.text]), [['warning', 'compose.yaml', text]]);
    const schema = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../test/schemas/sarif-2.1.0.json'), 'utf8'));
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    assert.ok(validate(sarif), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    // github: a ::warning annotation on the root compose file (the findings' lines are unchanged).
    const g = runCli(['check', '.', '--format', 'github'], dir);
    const warnings = g.stdout.split('\n').filter((l) => l.startsWith('::warning file=compose.yaml,title='));
    assert.deepEqual(warnings, [`::warning file=compose.yaml,title=docker-guardrails::${text}`]);
    assert.match(g.stderr, /^docker-guardrails: not checked: 4 files that compose\.yaml includes past the limit/m);
    // JSON: still a bare array of findings.
    assert.ok(Array.isArray(JSON.parse(runCli(['check', '.', '--format', 'json'], dir).stdout)));
  });

  it('the github format gives a related file over the read cap as a ::warning annotation (review 46 leftovers, item 1)', () => {
    const large = tempFiles('related-large-github-', dotenvProject(25_000));
    const r = runCli(['check', '.', '--format', 'github'], large);
    assert.equal(r.code, 0, r.stderr);
    const warnings = r.stdout.split('\n').filter((l) => l.includes('title=docker-guardrails::'));
    assert.equal(warnings.length, 1, r.stdout);
    assert.match(warnings[0], /^::warning file=\.env,title=docker-guardrails::Not read: \.env is over 256 KiB, the cap on a file read beside the file analyzed \(.*\): taken as absent, so findings that depend on it may be missing or wrong\.$/);
    const small = tempFiles('related-small-github-', dotenvProject(12_500));
    assert.doesNotMatch(runCli(['check', '.', '--format', 'github'], small).stdout, /title=docker-guardrails::/);
  });

  it('the server logs the files an include: tree names past its limit, once per root and list (leftover item 1)', async () => {
    const files = includeProject(260, 1);
    const dir = tempFiles('include-limit-lsp-', files);
    const client = new TestClient();
    try {
      await client.initialize([dir]);
      const expected = `not analyzed: 4 files that ${path.join(dir, 'compose.yaml')} includes past the limit of 256 files in one include tree: ${[256, 257, 258, 259].map((i) => path.join(dir, `inc/f${i}.yaml`)).join(', ')}`;
      await client.until('the include-limit notice in the log', () => client.logs.some((l) => l.includes('includes past the limit')), 60_000);
      // An edit of the root that leaves its include: as it is logs nothing again.
      const uri = client.open(path.join(dir, 'compose.yaml'), files['compose.yaml'], 'dockercompose');
      await client.diagnostics(uri, 1, 60_000);
      const version = client.change(uri, [{ text: `${files['compose.yaml']}# edited\n` }]);
      await client.diagnostics(uri, version, 60_000);
      // One more included file: the notice names five, and is logged again.
      const more = client.change(uri, [{ text: files['compose.yaml'].replace('services:', '  - inc/f260.yaml\nservices:') }]);
      await client.diagnostics(uri, more, 60_000);
      await client.until('the second notice', () => client.logs.filter((l) => l.includes('includes past the limit')).length >= 2, 60_000);
      const logged = client.logs.filter((l) => l.includes('includes past the limit'));
      assert.deepEqual(logged.map((l) => l.replace(/^\[docker-guardrails\] /, '')), [expected, expected.replace('4 files', '5 files').replace(/(inc\/f259\.yaml)$/, `$1, ${path.join(dir, 'inc/f260.yaml')}`)]);
    } finally {
      await client.shutdown();
    }
  });

  it('the CLI names a related file over the read cap once, on standard error; one under it says nothing (item 8)', () => {
    const large = tempFiles('related-large-', { ...dotenvProject(25_000), Dockerfile: 'FROM nginx:1.25\nUSER nginx\n' });
    const r = runCli(['check', '.'], large);
    assert.match(r.stderr, NOTICE);
    assert.equal(r.stderr.split('\n').filter((l) => l.includes('not read: .env')).length, 1, r.stderr);
    // The finding that reads it is gone (DR002: a .env without a .env.example), as the notice says.
    assert.doesNotMatch(r.stdout, /DR002/);
    const small = tempFiles('related-small-', dotenvProject(12_500));
    const s = runCli(['check', '.'], small);
    assert.doesNotMatch(s.stderr, /not read/);
    assert.match(s.stdout, /DR002/);
  });

  it('SARIF gives a related file over the read cap as a tool notification; the JSON array is unchanged (leftover item 2)', () => {
    const large = tempFiles('related-large-sarif-', dotenvProject(25_000));
    const r = runCli(['check', '.', '--format', 'sarif'], large);
    assert.equal(r.code, 0, r.stderr);
    const sarif = JSON.parse(r.stdout);
    const invocation = sarif.runs[0].invocations[0];
    assert.equal(invocation.executionSuccessful, true);
    const notes = invocation.toolExecutionNotifications as { level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
    assert.deepEqual(notes.map((n) => [n.level, n.locations[0].physicalLocation.artifactLocation.uri]), [['warning', '.env']]);
    assert.match(notes[0].message.text, /^Not read: \.env is over 256 KiB, the cap on a file read beside the file analyzed \(.*\): taken as absent, so findings that depend on it may be missing or wrong\.$/);
    const schema = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../test/schemas/sarif-2.1.0.json'), 'utf8'));
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    assert.ok(validate(sarif), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    // JSON stays an array of findings (the notice is on standard error only).
    const json = runCli(['check', '.', '--format', 'json'], large);
    assert.ok(Array.isArray(JSON.parse(json.stdout)));
    assert.match(json.stderr, NOTICE);
    // Under the cap: no invocations, as before.
    const small = tempFiles('related-small-sarif-', dotenvProject(12_500));
    assert.equal(JSON.parse(runCli(['check', '.', '--format', 'sarif'], small).stdout).runs[0].invocations, undefined);
  });

  it('the server logs a related file over the read cap once (item 8)', async () => {
    const files = dotenvProject(25_000);
    const dir = tempFiles('related-large-lsp-', files);
    const client = new TestClient();
    try {
      await client.initialize([dir]);
      const uri = client.open(path.join(dir, 'compose.yaml'), files['compose.yaml'], 'dockercompose');
      await client.diagnostics(uri, 1, 60_000);
      const version = client.change(uri, [{ text: `${files['compose.yaml']}# edited\n` }]);
      await client.diagnostics(uri, version, 60_000);
      await client.until('the notice in the log', () => client.logs.some((l) => l.includes('not read:')));
      const logged = client.logs.filter((l) => l.includes('not read:'));
      assert.equal(logged.length, 1, logged.join('\n'));
      assert.ok(logged[0].includes(`${path.join(dir, '.env')} is over 256 KiB`), logged[0]);
    } finally {
      await client.shutdown();
    }
  });
});
