/**
 * The CLI as a CI tool (review 43a): files that are not UTF-8 under --fix (and the server's edits to them), UTF-16
 * compose files, SARIF within GitHub code scanning's limits, the summary line, `--format github` paths, read-only files.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import type { WorkspaceEdit } from 'vscode-languageserver-protocol';
import { allRules } from '../rules';
import { runCli } from './helpers/cli';
import { TestClient } from './helpers/lsp-client';
import { tempDir, tempFiles } from './helpers/temp';

const run = runCli;
/** GitHub code scanning's limit on a rule's fullDescription.text ("SARIF support for code scanning"). */
const SARIF_DESCRIPTION_MAX = 1024;
const posix = process.platform !== 'win32';

/** A folder with these files, as bytes (a string is written as UTF-8). */
function project(files: Record<string, string | Buffer>): string {
  const dir = tempDir('dg-cli43-');
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

const latin1 = (s: string) => Buffer.from(s, 'latin1');
const COMPOSE_SECRET = 'services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_PASSWORD: Qw3rtyPlantedX9\n';

describe('--fix and files that are not UTF-8 (review 43a, item 1)', () => {
  it('leaves a Latin-1 Dockerfile byte for byte as it is, says why, and still fixes a UTF-8 one beside it', () => {
    const bad = latin1('# Auteur: Ren\u00e9 M\u00fcller\nFROM node:22-alpine\nRUN echo "\u00a9 ACME" > /etc/motd\nUSER 1000\nCMD node s.js\n');
    const good = '# Auteur: Ren\u00e9\nFROM node:22-alpine\nUSER 1000\nCMD node s.js\n';
    const dir = project({ 'latin/Dockerfile': bad, 'utf8/Dockerfile': good });
    const dry = run(['check', '.', '--fix-dry-run'], dir);
    assert.doesNotMatch(dry.stdout, /latin\/Dockerfile/, 'no diff for the Latin-1 file');
    assert.match(dry.stdout, /^\+CMD \["node", "s\.js"\]$/m, 'the UTF-8 file is fixed');
    const r = run(['check', '.', '--fix'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /not fixed: latin\/Dockerfile is not valid UTF-8 .*--fix writes only files it reads exactly/);
    assert.deepEqual(fs.readFileSync(path.join(dir, 'latin/Dockerfile')), bad, 'not a byte changed');
    assert.equal(fs.readFileSync(path.join(dir, 'utf8/Dockerfile'), 'utf8'), good.replace('CMD node s.js', 'CMD ["node", "s.js"]'));
    assert.match(r.stdout, /latin\/Dockerfile:5:1: warning DF040 /, 'its finding remains');
    assert.match(r.stderr, /applied 1 fix in 1 file/);
  });

  it('does not move a secret into a Latin-1 .env (the other password in it stayed, rewritten): neither file changes', () => {
    const env = latin1('SMTP_PASSWORD=p\u00e4ss\u00dfwort99\n');
    const dir = project({ 'compose.yaml': COMPOSE_SECRET, '.gitignore': '.env\n', '.env': env });
    const r = run(['check', '.', '--fix'], dir);
    assert.match(r.stderr, /not fixed: \.env is not valid UTF-8/);
    assert.deepEqual(fs.readFileSync(path.join(dir, '.env')), env);
    assert.equal(fs.readFileSync(path.join(dir, 'compose.yaml'), 'utf8'), COMPOSE_SECRET, 'the secret stays where it is, not half-moved');
    assert.match(r.stdout, /warning DC040 /);
    assert.doesNotMatch(r.stdout + r.stderr, /Qw3rtyPlantedX9|p\u00e4ss/);
    // The same .env in UTF-8 takes the secret, its other line untouched.
    const utf8 = project({ 'compose.yaml': COMPOSE_SECRET, '.gitignore': '.env\n', '.env': 'SMTP_PASSWORD=p\u00e4ss\u00dfwort99\n' });
    run(['check', '.', '--fix'], utf8);
    assert.equal(fs.readFileSync(path.join(utf8, '.env'), 'utf8'), 'SMTP_PASSWORD=p\u00e4ss\u00dfwort99\nPOSTGRES_PASSWORD=Qw3rtyPlantedX9\n');
  });

  it('the server offers no edit to a .env that is not open and not UTF-8 on disk; to a UTF-8 one it does', async () => {
    for (const encoding of ['latin1', 'utf8'] as const) {
      const dir = tempFiles('dg-cli43-lsp-', { 'compose.yaml': COMPOSE_SECRET, '.gitignore': '.env\n' });
      fs.writeFileSync(path.join(dir, '.env'), Buffer.from('SMTP_PASSWORD=p\u00e4ss\u00dfwort99\n', encoding));
      const client = new TestClient();
      try {
        await client.initialize([dir]);
        const uri = client.open(path.join(dir, 'compose.yaml'), COMPOSE_SECRET, 'dockercompose');
        const diags = (await client.diagnostics(uri, 1)).filter((d) => d.code === 'DC040');
        assert.equal(diags.length, 1, encoding);
        const envUri = URI.file(path.join(dir, '.env')).toString();
        const edits = (e?: WorkspaceEdit) => [...(e?.documentChanges ?? []).map((c) => ('textDocument' in c ? c.textDocument.uri : 'uri' in c ? c.uri : '')), ...Object.keys(e?.changes ?? {})];
        const quick = await client.codeActions(uri, diags, ['quickfix']);
        const all = await client.codeActions(uri, [], ['source.fixAll.docker-guardrails']);
        const touching = [...quick, ...all].filter((a) => edits(a.edit).includes(envUri));
        if (encoding === 'latin1') assert.deepEqual(touching.map((a) => a.title), [], 'no action edits the Latin-1 .env');
        else assert.ok(touching.length >= 2, 'the quick fix and the fix-all edit the UTF-8 .env');
      } finally {
        await client.shutdown();
      }
    }
  });
});

describe('UTF-16 files (review 43a, item 2)', () => {
  const compose = 'services:\n  web:\n    image: nginx\n    privileged: true\n';
  const utf16 = (s: string, be: boolean) => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
    return be ? Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(s, 'utf16le').swap16()]) : le;
  };
  for (const be of [false, true]) {
    it(`a UTF-16${be ? 'BE' : 'LE'} compose file or Dockerfile (with its byte order mark) is analyzed, not skipped as binary; --fix writes it back as UTF-16 (cli44 item 4)`, () => {
      const bytes = utf16(compose, be);
      const dockerfile = utf16('FROM node:22-alpine\nUSER 1000\nCMD node s.js\n', be);
      const dir = project({ 'compose.yaml': bytes, Dockerfile: dockerfile });
      const r = run(['check', '.', '--fail-on', 'error'], dir);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout, /^compose\.yaml:4:5: error DC010 /m);
      assert.match(r.stdout, /^Dockerfile:3:1: warning DF040 /m);
      assert.doesNotMatch(r.stdout + r.stderr, /binary/);
      const fixed = run(['check', '.', '--fix'], dir);
      assert.doesNotMatch(fixed.stderr, /not fixed/);
      assert.deepEqual(fs.readFileSync(path.join(dir, 'compose.yaml')), bytes, 'no safe fix for it');
      assert.deepEqual(fs.readFileSync(path.join(dir, 'Dockerfile')), utf16('FROM node:22-alpine\nUSER 1000\nCMD ["node", "s.js"]\n', be));
    });
  }
  it('a file of NUL bytes is still binary', () => {
    const dir = project({ Dockerfile: Buffer.from([0xff, 0xfe, 0, 0, 0x41, 0]) });
    assert.match(run(['check', '.'], dir).stdout, /Dockerfile: skipped \(binary file\)/);
  });
});

describe('SARIF within GitHub code scanning\'s limits (review 43a, items 5 and 6)', () => {
  it('warns past 25,000 results per run and names the --min-severity that fits; --min-severity leaves the rest out of report and exit code', () => {
    // 3,200 services of 8 findings or more each: over 25,000 results, fewer than 25,000 warnings and errors.
    const services = Array.from({ length: 3200 }, (_, i) => `  s${i}:\n    image: nginx\n`).join('');
    const dir = project({ 'compose.yaml': `services:\n${services}` });
    const r = run(['check', '.', '--format', 'sarif', '--output', 'out.sarif'], dir);
    const results = (JSON.parse(fs.readFileSync(path.join(dir, 'out.sarif'), 'utf8')) as { runs: { results: { level: string }[] }[] }).runs[0].results;
    assert.ok(results.length > 25_000, String(results.length));
    assert.match(r.stderr, /the SARIF report has \d+ results, more than the 25,000 per run GitHub code scanning accepts: upload-sarif will reject it; --min-severity warning leaves \d+/);
    const w = run(['check', '.', '--format', 'sarif', '--output', 'out.sarif', '--min-severity', 'warning', '--fail-on', 'info'], dir);
    assert.doesNotMatch(w.stderr, /25,000/);
    const kept = (JSON.parse(fs.readFileSync(path.join(dir, 'out.sarif'), 'utf8')) as { runs: { results: { level: string }[] }[] }).runs[0].results;
    assert.ok(kept.length > 0 && kept.length <= 25_000 && kept.every((x) => x.level !== 'note'), String(kept.length));
    assert.equal(w.code, 1, 'warnings fail --fail-on info');
    // Only info findings, left out: no finding, exit 0 even with --fail-on info.
    const info = project({ Dockerfile: 'FROM node:22-alpine@sha256:' + 'a'.repeat(64) + '\nUSER 1000\nCMD ["node", "s.js"]\n' });
    assert.match(run(['check', '.'], info).stdout, / info DF044 /);
    const quiet = run(['check', '.', '--min-severity', 'warning', '--fail-on', 'info'], info);
    assert.equal(quiet.code, 0, quiet.stdout);
    assert.match(quiet.stdout, /^No findings in 1 file\.$/m);
    const bad = run(['check', '.', '--min-severity', 'low'], info);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--min-severity must be error, warning, info or hint \(got 'low'\)/);
  });

  it('every rule\'s fullDescription is at most 1,024 characters, cut at a sentence, the whole text in its help', () => {
    const dir = project({ Dockerfile: 'FROM alpine:3.20\n' });
    run(['check', '.', '--format', 'sarif', '--output', 'out.sarif'], dir);
    const rules = (JSON.parse(fs.readFileSync(path.join(dir, 'out.sarif'), 'utf8')) as { runs: { tool: { driver: { rules: { id: string; fullDescription: { text: string }; help: { markdown: string } }[] } } }[] }).runs[0].tool.driver.rules;
    assert.equal(rules.length, allRules.length);
    let cut = 0;
    for (const r of rules) {
      const what = allRules.find((x) => x.code === r.id)!.docs.what;
      assert.ok(r.fullDescription.text.length <= SARIF_DESCRIPTION_MAX, `${r.id}: ${r.fullDescription.text.length}`);
      assert.ok(r.help.markdown.includes(what), `${r.id}: the help has the whole text`);
      if (what.length <= SARIF_DESCRIPTION_MAX) assert.equal(r.fullDescription.text, what, r.id);
      else {
        cut++;
        // At a sentence's end; a first sentence longer than the limit at a word.
        assert.match(r.fullDescription.text, /(?:[.!?]["')`]?|\S…) \(More in the rule's help\.\)$/, r.id);
      }
      // No code span left open (review 44c, item 7: DF031's text was cut inside one).
      assert.equal((r.fullDescription.text.match(/`/g) ?? []).length % 2, 0, `${r.id}: ${r.fullDescription.text.slice(-120)}`);
    }
    assert.ok(cut > 0, 'some rules have a longer text');
  });
});

describe('the text summary and --format github paths (review 43a, items 7 and 8)', () => {
  it('counts the files analyzed, and those that were not apart', () => {
    const dir = project({ 'a/Dockerfile': 'FROM alpine:3.20\n', 'b/Dockerfile': Buffer.from([0x46, 0, 0x52]), 'c/Dockerfile': Buffer.from([1, 0]) });
    const r = run(['check', '.'], dir);
    assert.match(r.stdout, /^\d+ findings? \(.*\) in 1 file; 2 files not analyzed\.$/m, r.stdout);
    const one = run(['check', 'b/Dockerfile'], dir);
    assert.match(one.stdout, /^No findings in 0 files; 1 file not analyzed\.$/m);
    const clean = project({ 'x/Dockerfile': Buffer.from([0]), 'compose.yaml': 'name: empty\nservices: {}\n' });
    assert.match(run(['check', '.'], clean).stdout, /^No findings in 1 file; 1 file not analyzed\.$/m);
  });

  it('writes CR and LF of a path as %0D and %0A in file=, as GitHub reads a property back', { skip: !posix }, () => {
    const dir = project({ 'nl\ndir/Dockerfile': 'FROM alpine:3.20\n', 'cr\rdir/Dockerfile': 'FROM alpine:3.20\n', 'we,ird:dir%41/Dockerfile': 'FROM alpine:3.20\n' });
    const out = run(['check', '.', '--format', 'github'], dir).stdout;
    assert.match(out, /file=nl%0Adir\/Dockerfile,line=1,/);
    assert.match(out, /file=cr%0Ddir\/Dockerfile,line=1,/);
    assert.match(out, /file=we%2Cird%3Adir%2541\/Dockerfile,line=1,/);
    assert.doesNotMatch(out, /\\u000[ad]/);
  });
});

describe('--fix and read-only files (review 43a, item 10)', () => {
  it('refuses a file with no write permission bit (0444) whoever runs it, root too, and writes nothing', { skip: !posix }, () => {
    const text = 'FROM node:22-alpine\nUSER 1000\nCMD node s.js\n';
    const dir = project({ Dockerfile: text, 'other/Dockerfile': text });
    fs.chmodSync(path.join(dir, 'Dockerfile'), 0o444);
    const r = run(['check', '.', '--fix'], dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /will not write .*Dockerfile: it is read-only \(mode 0444: no write permission for anyone\); no file was changed/);
    assert.equal(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), text);
    assert.equal(fs.readFileSync(path.join(dir, 'other/Dockerfile'), 'utf8'), text, 'all or none');
    // Writable by its owner only (0644): fixed.
    fs.chmodSync(path.join(dir, 'Dockerfile'), 0o644);
    assert.equal(run(['check', '.', '--fix'], dir).code, 0);
    assert.match(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), /CMD \["node", "s\.js"\]/);
  });
});
