/**
 * Leftovers of reviews 43a/43b (cli44): bulk fixes leave silenced findings alone (item 1), DG001 says what an
 * ignore comment covers (item 2), `--format github` escapes its messages (item 3), `--fix` writes UTF-16 files
 * back in their encoding (item 4), and SARIF over GitHub's gzip size limit is warned about (item 5).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { URI } from 'vscode-uri';
import type { WorkspaceEdit } from 'vscode-languageserver-protocol';
import { allRules, analyze, applyTextEdits, ignoreLineTitle } from '../rules';
import { CLI, runCli } from './helpers/cli';
import { applyWorkspaceEdit, TestClient } from './helpers/lsp-client';
import { viewOf } from './helpers/fixtures';
import { tempDir } from './helpers/temp';
import { isolatedEnv } from './helpers/user-env';

const run = runCli;

/** A folder with these files, as bytes (a string is written as UTF-8), and a `.git` folder (a repository root). */
function project(files: Record<string, string | Buffer>): string {
  const dir = tempDir('dg-cli44-');
  fs.mkdirSync(path.join(dir, '.git'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

const read = (dir: string, name: string) => (fs.existsSync(path.join(dir, name)) ? fs.readFileSync(path.join(dir, name), 'utf8') : undefined);

/** Three inline secrets, the last silenced by an ignore comment on the line above it. */
const SILENCED = 'services:\n  web:\n    image: nginx:1.27.3\n    environment:\n      API_TOKEN: Lk44_tok_4f8a9b2c\n      DB_PASSWORD: Lk44_dbp_Qw7rTy2u\n      # docker-guardrails-ignore DC040 -- a test value\n      CACHE_TOKEN: Lk44_ign_tok_9xQ\n';
/** A database password and its copy in the app's URL, the copy silenced. */
const SILENCED_COPY = 'services:\n  db:\n    image: postgres:17.2\n    environment:\n      POSTGRES_PASSWORD: Lk44_pgp_Xk9mQ2vL\n  app:\n    image: ghcr.io/acme/app:1.0.0\n    environment:\n      # docker-guardrails-ignore DC040\n      DATABASE_URL: postgres://app:Lk44_pgp_Xk9mQ2vL@db:5432/app\n';
/** Three pip installs, the second silenced (not consecutive RUNs, which DF039 would merge). */
const DOCKERFILE = 'FROM python:3.12-slim\nRUN pip install flask\nWORKDIR /app\n# docker-guardrails-ignore DF035\nRUN pip install gunicorn\nWORKDIR /srv\nRUN pip install requests\nUSER 1000\n';

describe('bulk fixes leave a silenced finding alone (cli44 item 1)', () => {
  it('check --fix: neither moves a silenced inline secret nor one silenced as the copy of another', () => {
    const dir = project({ 'a/compose.yaml': SILENCED, 'b/compose.yaml': SILENCED_COPY, 'c/Dockerfile': DOCKERFILE });
    const r = run(['check', '.', '--fix'], dir);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const a = read(dir, 'a/compose.yaml')!;
    assert.match(a, /API_TOKEN: \$\{API_TOKEN\}/);
    assert.match(a, /DB_PASSWORD: \$\{DB_PASSWORD\}/);
    assert.match(a, /CACHE_TOKEN: Lk44_ign_tok_9xQ\n/, 'the silenced secret stays');
    assert.doesNotMatch(read(dir, 'a/.env')!, /CACHE_TOKEN/);
    // The unsilenced password would leave its silenced copy behind: not safe, so --fix does not move it.
    assert.equal(read(dir, 'b/compose.yaml'), SILENCED_COPY);
    assert.equal(read(dir, 'b/.env'), undefined);
    assert.equal(read(dir, 'c/Dockerfile'), DOCKERFILE.replace('pip install flask', 'pip install --no-cache-dir flask').replace('pip install requests', 'pip install --no-cache-dir requests'));
  });

  it('check --fix with the rule off in the config file moves nothing', () => {
    const compose = SILENCED.replace('      # docker-guardrails-ignore DC040 -- a test value\n', '');
    const dir = project({ 'compose.yaml': compose, '.docker-guardrails.yaml': 'rules:\n  DC040: off\n' });
    run(['check', '.', '--fix'], dir);
    assert.equal(read(dir, 'compose.yaml'), compose);
    assert.equal(read(dir, '.env'), undefined);
  });

  it('over the LSP: "Move all N", source.fixAll and "Fix all CODE in this file" skip it, and the count says what moves', async () => {
    const dir = project({ 'compose.yaml': SILENCED, 'copy/compose.yaml': SILENCED_COPY, 'Dockerfile': DOCKERFILE });
    const client = new TestClient();
    try {
      await client.initialize([dir]);
      const apply = (text: string, edits: Parameters<typeof applyTextEdits>[1]) => applyTextEdits(text, edits);
      const at = (name: string) => URI.file(path.join(dir, name)).toString();
      // Compose: two findings (the third is silenced); "Move all 2", which does every fix of the code.
      const uri = client.open(path.join(dir, 'compose.yaml'), SILENCED, 'dockercompose');
      const diags = (await client.diagnostics(uri, 1)).filter((d) => d.code === 'DC040');
      assert.equal(diags.length, 2);
      const actions = await client.codeActions(uri, [diags[0]], ['quickfix']);
      const titles = actions.map((a) => a.title);
      const moveAll = actions.find((a) => a.title.startsWith('Move all'));
      assert.equal(moveAll?.title, 'Move all 2 inline secrets of this file to .env', titles.join(' | '));
      assert.ok(!titles.includes('Fix all DC040 in this file'), 'beside a move-all that does every fix, not offered');
      for (const edit of [moveAll.edit, (await client.codeActions(uri, [], ['source.fixAll.docker-guardrails']))[0]?.edit]) {
        const out = applyWorkspaceEdit(new Map([[uri, SILENCED]]), edit as WorkspaceEdit, apply);
        assert.match(out.get(uri)!, /CACHE_TOKEN: Lk44_ign_tok_9xQ\n/);
        assert.equal(out.get(at('.env')), 'API_TOKEN=Lk44_tok_4f8a9b2c\nDB_PASSWORD=Lk44_dbp_Qw7rTy2u\n');
      }
      // The silenced copy stays: the move is "Move POSTGRES_PASSWORD to .env", not safe, so fix-all leaves it.
      const copyUri = client.open(path.join(dir, 'copy/compose.yaml'), SILENCED_COPY, 'dockercompose');
      const copyDiags = (await client.diagnostics(copyUri, 1)).filter((d) => d.code === 'DC040');
      assert.equal(copyDiags.length, 1);
      const own = (await client.codeActions(copyUri, copyDiags, ['quickfix'])).find((a) => a.title.startsWith('Move '));
      assert.equal(own?.title, 'Move POSTGRES_PASSWORD to .env');
      assert.notEqual(own.isPreferred, true, 'not safe');
      const copyOut = applyWorkspaceEdit(new Map([[copyUri, SILENCED_COPY]]), own.edit!, apply);
      assert.match(copyOut.get(copyUri)!, /DATABASE_URL: postgres:\/\/app:Lk44_pgp_Xk9mQ2vL@db/);
      assert.deepEqual(await client.codeActions(copyUri, [], ['source.fixAll.docker-guardrails']), []);
      // Dockerfile: source.fixAll and "Fix all DF035 in this file" fix the two findings, not the silenced one.
      const df = client.open(path.join(dir, 'Dockerfile'), DOCKERFILE, 'dockerfile');
      const dfDiags = (await client.diagnostics(df, 1)).filter((d) => d.code === 'DF035');
      assert.equal(dfDiags.length, 2);
      const want = DOCKERFILE.replace('pip install flask', 'pip install --no-cache-dir flask').replace('pip install requests', 'pip install --no-cache-dir requests');
      const fixAllCode = (await client.codeActions(df, [dfDiags[0]], ['quickfix'])).find((a) => a.title === 'Fix all DF035 in this file');
      const source = (await client.codeActions(df, [], ['source.fixAll.docker-guardrails']))[0];
      for (const edit of [fixAllCode?.edit, source?.edit]) assert.equal(applyWorkspaceEdit(new Map([[df, DOCKERFILE]]), edit as WorkspaceEdit, apply).get(df), want);
    } finally {
      await client.shutdown();
    }
  });
});

describe('DG001 and the line ignore action say what a line comment covers (cli44 item 2)', () => {
  const analyzed = (kind: 'dockerfile' | 'compose', text: string) => {
    const p = kind === 'dockerfile' ? '/ws/Dockerfile' : '/ws/compose.yaml';
    return analyze(allRules, kind, p, text, viewOf(new Map([[p, text]]), '/ws'));
  };
  const dg001 = (kind: 'dockerfile' | 'compose', text: string) => analyzed(kind, text).findings.filter((f) => f.code === 'DG001').map((f) => f.message);

  it('the next line; a line below stacked comments; a multi-line YAML value; an instruction with its heredoc', () => {
    assert.deepEqual(dg001('dockerfile', 'FROM python:3.12-slim\n# docker-guardrails-ignore DF035\nUSER 1000\n'), ['The ignore of DF035 suppresses nothing on the next line; remove it.']);
    assert.deepEqual(dg001('dockerfile', 'FROM python:3.12-slim\n# docker-guardrails-ignore DF035\n# hadolint ignore=DL3013\nUSER 1000\n'), ['The ignore of DF035 suppresses nothing on line 4, the line below the comments stacked with it; remove it.']);
    const compose = 'services:\n  cache:\n    image: redis:7.4-alpine\n    # docker-guardrails-ignore DC040\n    command: >\n      redis-server\n      --appendonly yes\n';
    assert.deepEqual(dg001('compose', compose), ['The ignore of DC040 suppresses nothing in the multi-line value it stands above (lines 5–7); remove it.']);
    const heredoc = 'FROM python:3.12-slim\n# docker-guardrails-ignore DF035\nRUN <<EOF\nset -e\necho hi\nEOF\nUSER 1000\n';
    assert.deepEqual(dg001('dockerfile', heredoc), ['The ignore of DF035 suppresses nothing in the instruction it stands above and its heredoc (lines 3–6); remove it.']);
    assert.deepEqual(dg001('dockerfile', '# docker-guardrails-ignore-file DF035\nFROM python:3.12-slim\nUSER 1000\n'), ['The file-wide ignore of DF035 suppresses nothing in this file; remove it.']);
  });

  it('"Ignore CODE for this …" names the line, the multi-line value or the instruction with its heredoc', () => {
    const compose = analyzed('compose', 'services:\n  cache:\n    image: redis:7.4-alpine\n    command: >\n      redis-server\n      --requirepass hunter2hunter2\n').context;
    assert.equal(ignoreLineTitle(compose, 'DC040', 5), 'Ignore DC040 for this multi-line value');
    assert.equal(ignoreLineTitle(compose, 'DC040', 2), 'Ignore DC040 for this line');
    const df = analyzed('dockerfile', 'FROM python:3.12-slim\nRUN <<EOF\npip install flask\nEOF\nUSER 1000\n').context;
    assert.equal(ignoreLineTitle(df, 'DF035', 2), 'Ignore DF035 for this instruction and its heredoc');
    assert.equal(ignoreLineTitle(df, 'DF035', 0), 'Ignore DF035 for this line');
  });
});

describe('--format github escapes a message as workflow command data (cli44 item 3)', () => {
  it('CR, LF and % in a message as %0D, %0A and %25, other control characters printable; the path as a property', () => {
    // A quoted service name with `%`, CR, LF and ESC: the messages name the service.
    const dir = project({ 'a,b:c%/compose.yaml': 'services:\n  "we%b\\r\\nx\\u001b":\n    image: nginx:1.27.3\n    privileged: true\n' });
    const r = run(['check', '.', '--format', 'github'], dir);
    const lines = r.stdout.split('\n').filter((l) => l.includes('DC011'));
    assert.equal(lines.length, 1, r.stdout);
    assert.ok(lines[0].startsWith('::notice file=a%2Cb%3Ac%25/compose.yaml,line=2,'), lines[0]);
    assert.match(lines[0], /::Service 'we%25b%0D%0Ax\\u001b' has no user: /);
    assert.doesNotMatch(r.stdout, /\\u000[ad]|\r|\u001b/, 'no raw or \\u-escaped line break, no raw ESC');
  });
});

describe('UTF-16 files under --fix, and the files beside them (cli44 item 4)', () => {
  const utf16 = (s: string, be: boolean) => (be ? Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(s, 'utf16le').swap16()]) : Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]));
  const COMPOSE = 'services:\n  db:\n    image: postgres:17.2\n    environment:\n      POSTGRES_PASSWORD: Lk44_pgp_Xk9mQ2vL\n';
  for (const be of [false, true]) {
    it(`writes a UTF-16${be ? 'BE' : 'LE'} Dockerfile, compose file and .env back in their encoding, with their byte order mark`, () => {
      const env = utf16('# caf\u00e9 \u2603\r\nTZ=UTC\r\n', be);
      const dir = project({ Dockerfile: utf16('# \u00e9t\u00e9\r\nFROM node:22-alpine\r\nUSER 1000\r\nCMD node s.js\r\n', be), 'compose.yaml': utf16(COMPOSE, be), '.env': env, '.gitignore': '.env\n' });
      const r = run(['check', '.', '--fix'], dir);
      assert.doesNotMatch(r.stderr, /not fixed/, r.stderr);
      assert.deepEqual(fs.readFileSync(path.join(dir, 'Dockerfile')), utf16('# \u00e9t\u00e9\r\nFROM node:22-alpine\r\nUSER 1000\r\nCMD ["node", "s.js"]\r\n', be));
      assert.deepEqual(fs.readFileSync(path.join(dir, 'compose.yaml')), utf16(COMPOSE.replace('Lk44_pgp_Xk9mQ2vL', '${POSTGRES_PASSWORD}'), be));
      const written = fs.readFileSync(path.join(dir, '.env'));
      assert.deepEqual(written.subarray(0, env.length), env, 'the lines no fix touches keep their bytes');
      assert.match(new TextDecoder(be ? 'utf-16be' : 'utf-16le').decode(written.subarray(2)), /^# caf\u00e9 \u2603\r\nTZ=UTC\r\nPOSTGRES_PASSWORD=Lk44_pgp_Xk9mQ2vL\r?\n$/);
      // A second run changes nothing.
      const again = run(['check', '.', '--fix'], dir);
      assert.doesNotMatch(again.stderr, /applied/);
    });
  }

  it('a UTF-16 file that is not read exactly (an odd last byte) is still refused', () => {
    const bad = Buffer.concat([utf16('FROM node:22-alpine\nUSER 1000\nCMD node s.js\n', false), Buffer.from([0x41])]);
    const dir = project({ Dockerfile: bad });
    const r = run(['check', '.', '--fix'], dir);
    assert.match(r.stderr, /not fixed: Dockerfile is not valid UTF-8/);
    assert.deepEqual(fs.readFileSync(path.join(dir, 'Dockerfile')), bad);
  });

  it('reads a UTF-16 config file as the files it configures', () => {
    const dir = project({ Dockerfile: 'FROM node:22-alpine\nUSER 1000\nCMD node s.js\n', '.docker-guardrails.yaml': utf16('rules:\n  DF040: off\n', false) });
    const r = run(['check', '.'], dir);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.doesNotMatch(r.stdout, /DF040/);
  });

  it('a UTF-16 .gitignore ignores nothing, as git reads it (bytes): DR001 reports the .env it names', () => {
    const compose = 'services:\n  web:\n    image: nginx:1.27.3\n    env_file: .env\n';
    const dir = project({ 'compose.yaml': compose, '.env': 'A=1\n', '.gitignore': utf16('.env\n', false) });
    assert.match(run(['check', '.'], dir).stdout, /DR001/);
    // No fix appends to it (the line would ignore nothing either): --fix leaves it, and DR001 stays, run after run.
    const gitignore = utf16('node_modules\n', false);
    fs.writeFileSync(path.join(dir, '.gitignore'), gitignore);
    for (let i = 0; i < 2; i++) {
      const r = run(['check', '.', '--fix'], dir);
      assert.match(r.stdout, /DR001/);
      assert.deepEqual(fs.readFileSync(path.join(dir, '.gitignore')), gitignore);
    }
    fs.writeFileSync(path.join(dir, '.gitignore'), '.env\n');
    assert.doesNotMatch(run(['check', '.'], dir).stdout, /DR001/);
  });
});

describe('SARIF over GitHub code scanning\'s gzip size limit (cli44 item 5)', () => {
  /** The CLI with GitHub's 10 MB limit lowered (DG_SARIF_GZIP_LIMIT): a report that large is some 300 MB. */
  const runLimited = (args: string[], cwd: string, limit: number) => {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 256 << 20, env: isolatedEnv({ ...process.env, DG_SARIF_GZIP_LIMIT: String(limit) }) });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const services = Array.from({ length: 300 }, (_, i) => `  s${i}:\n    image: nginx\n`).join('');

  for (const output of [false, true]) {
    it(`warns on stderr when the report written${output ? ' to --output' : ''} is over the limit gzip-compressed, with its size as zlib gives it`, () => {
      const dir = project({ 'compose.yaml': `services:\n${services}` });
      const args = ['check', '.', '--format', 'sarif', ...(output ? ['--output', 'out.sarif'] : [])];
      const under = runLimited(args, dir, 10_000_000);
      assert.doesNotMatch(under.stderr, /gzip-compressed/);
      const sarif = output ? fs.readFileSync(path.join(dir, 'out.sarif')) : Buffer.from(under.stdout);
      const gz = zlib.gzipSync(sarif).length;
      const over = runLimited(args, dir, Math.floor(gz / 2));
      const m = /the SARIF report is about ([\d,]+) bytes \([\d.]+ MB\) gzip-compressed, more than the [\d,]+ bytes \([\d.]+ MB\) GitHub code scanning accepts: upload-sarif will reject it/.exec(over.stderr);
      assert.ok(m, over.stderr);
      const measured = Number(m[1].replace(/,/g, ''));
      assert.ok(Math.abs(measured - gz) <= gz * 0.01 + 64, `measured ${measured}, zlib ${gz}`);
      assert.equal(over.code, under.code, 'the exit code does not change');
    });
  }
});
