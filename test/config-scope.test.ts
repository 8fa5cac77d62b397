/**
 * Review 45d (configuration): the include/exclude globs read as a .dockerignore (item 1), `include: []` (item 2), one
 * base for a config file's globs in the CLI and the editor (item 3) — the engine's reader, the CLI and the server.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { allRules, analyze, DEFAULT_OPTIONS, inGlobScope, parseConfig } from '../rules';
import { viewOf } from './helpers/fixtures';
import { runCli } from './helpers/cli';
import { TestClient } from './helpers/lsp-client';
import { tempDir, tempRepository } from './helpers/temp';

/** A folder with these files and a `.git` folder (a repository root). */
function project(files: Record<string, string>): string {
  return tempRepository('dg-cfg45-', files);
}

const DF = 'FROM node:22\n';
const COMPOSE = 'services:\n  web:\n    image: nginx:1.27\n    privileged: true\n';
/** The files the CLI reported findings in (text format). */
const reported = (stdout: string) => [...new Set(stdout.split('\n').map((l) => /^([^:\s]+):\d+:\d+: /.exec(l)?.[1]).filter((x): x is string => !!x))].sort();

/** The files the server published findings for, after its workspace scan, relative to `dir`. */
async function editorFiles(dir: string, settings: Record<string, unknown> = {}): Promise<string[]> {
  const client = new TestClient();
  try {
    client.settings = settings;
    await client.initialize([dir]);
    await client.until('the scan to finish', () => client.logs.some((l) => /workspace scan: \d+ files/.test(l)));
    // Every file the scan analyzes is published; let the queue drain.
    await new Promise((r) => setTimeout(r, 600));
    const files = new Set<string>();
    for (const p of client.published) if (p.diagnostics.length > 0) files.add(path.relative(dir, URI.parse(p.uri).fsPath).split(path.sep).join('/'));
    return [...files].sort();
  } finally {
    await client.shutdown();
  }
}

describe('include/exclude read as a .dockerignore (review 45d, item 1)', () => {
  it('the last matching pattern decides; `!` re-includes; ./, / and a folder name', () => {
    const ex = ['vendor/**', '!vendor/keep/**'];
    assert.equal(inGlobScope('compose.yaml', undefined, ex), true);
    assert.equal(inGlobScope('vendor/x/Dockerfile', undefined, ex), false);
    assert.equal(inGlobScope('vendor/keep/Dockerfile', undefined, ex), true);
    // Order counts: a later exclusion wins over an earlier exception.
    assert.equal(inGlobScope('vendor/keep/Dockerfile', undefined, ['!vendor/keep/**', 'vendor/**']), false);
    for (const g of ['./vendor/**', 'vendor', 'vendor/', '/vendor', './vendor/']) {
      assert.equal(inGlobScope('vendor/x/Dockerfile', undefined, [g]), false, g);
      assert.equal(inGlobScope('vendored/Dockerfile', undefined, [g]), true, g);
      assert.equal(inGlobScope('Dockerfile', undefined, [g]), true, g);
    }
    // dot: true — a dotted folder is matched as any other.
    assert.equal(inGlobScope('.devcontainer/Dockerfile', undefined, ['*/Dockerfile']), false);
    // include: empty or unset = every file; `!` leaves out of the include.
    assert.equal(inGlobScope('a/Dockerfile', [], undefined), true);
    assert.equal(inGlobScope('a/Dockerfile', ['a'], undefined), true);
    assert.equal(inGlobScope('b/Dockerfile', ['a'], undefined), false);
    assert.equal(inGlobScope('a/old/Dockerfile', ['a/**', '!a/old'], undefined), false);
  });

  it('CLI: exclude ["vendor/**", "!vendor/keep/**"] checks compose.yaml and vendor/keep, not vendor/x', () => {
    const dir = project({ '.docker-guardrails.yaml': 'exclude: ["vendor/**", "!vendor/keep/**"]\n', 'compose.yaml': COMPOSE, 'vendor/x/Dockerfile': DF, 'vendor/keep/Dockerfile': DF });
    const r = runCli(['check', '.'], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(reported(r.stdout), ['compose.yaml', 'vendor/keep/Dockerfile']);
    fs.writeFileSync(path.join(dir, '.docker-guardrails.yaml'), 'exclude: ["./vendor/keep/**", "vendor/x"]\n');
    assert.deepEqual(reported(runCli(['check', '.'], dir).stdout), ['compose.yaml']);
  });

  it('editor: the same globs leave the same files', async () => {
    const dir = project({ '.docker-guardrails.yaml': 'exclude: ["vendor/**", "!vendor/keep/**"]\n', 'compose.yaml': COMPOSE, 'vendor/x/Dockerfile': DF, 'vendor/keep/Dockerfile': DF });
    assert.deepEqual(await editorFiles(dir), ['compose.yaml', 'vendor/keep/Dockerfile']);
  });

  it('`.`, `./` and `/` name the base folder: they cover every file, as a folder pattern does (review 45e, item 1)', () => {
    for (const g of ['.', './', '/', ' ./ ', './.']) {
      assert.equal(inGlobScope('Dockerfile', [g], undefined), true, g);
      assert.equal(inGlobScope('sub/deep/Dockerfile', [g], undefined), true, g);
      assert.equal(inGlobScope('sub/Dockerfile', [g, '!sub'], undefined), false, g);
      assert.equal(inGlobScope('Dockerfile', undefined, [g]), false, g);
      assert.equal(inGlobScope('sub/keep/Dockerfile', undefined, [g, '!sub/keep']), true, g);
    }
    // A blank pattern is skipped (a blank .dockerignore line): an include of blanks only restricts nothing.
    assert.equal(inGlobScope('sub/Dockerfile', ['', '  '], undefined), true);
  });

  it('CLI: include ["."] / ["./"] / ["/"] checks every file (review 45e, item 1)', () => {
    for (const g of ['.', './', '/']) {
      const dir = project({ '.docker-guardrails.yaml': `include: ["${g}"]\n`, 'compose.yaml': COMPOSE, 'sub/Dockerfile': DF });
      const r = runCli(['check', '.'], dir);
      assert.equal(r.code, 1, g + ': ' + r.stdout + r.stderr);
      assert.deepEqual(reported(r.stdout), ['compose.yaml', 'sub/Dockerfile'], g);
    }
  });

  it('editor: include ["."] in the config file and in the settings scans every file (review 45e, item 1)', async () => {
    const dir = project({ '.docker-guardrails.yaml': 'include: ["./"]\n', 'compose.yaml': COMPOSE, 'sub/Dockerfile': DF });
    assert.deepEqual(await editorFiles(dir), ['compose.yaml', 'sub/Dockerfile']);
    fs.rmSync(path.join(dir, '.docker-guardrails.yaml'));
    assert.deepEqual(await editorFiles(dir, { include: ['.'] }), ['compose.yaml', 'sub/Dockerfile']);
  });

  it('editor: the settings are read alike (exclude ["vendor", "!vendor/keep"])', async () => {
    const dir = project({ 'compose.yaml': COMPOSE, 'vendor/x/Dockerfile': DF, 'vendor/keep/Dockerfile': DF });
    assert.deepEqual(await editorFiles(dir, { exclude: ['vendor', '!vendor/keep'] }), ['compose.yaml', 'vendor/keep/Dockerfile']);
  });
});

describe('include: [] and a walk left empty by the globs (review 45d, item 2)', () => {
  it('CLI: include: [] in the config file restricts nothing', () => {
    const dir = project({ '.docker-guardrails.yaml': 'include: []\n', 'compose.yaml': COMPOSE });
    const r = runCli(['check', '.'], dir);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.deepEqual(reported(r.stdout), ['compose.yaml']);
  });

  it('CLI: globs that leave out every file the walk found say so on standard error', () => {
    const dir = project({ '.docker-guardrails.yaml': 'include: ["deploy/**"]\n', 'compose.yaml': COMPOSE, 'Dockerfile': DF });
    const r = runCli(['check', '.'], dir);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /nothing was checked: the include\/exclude globs of the config file leave out all 2 files the walk found/);
    // Not when some file is left to check.
    fs.mkdirSync(path.join(dir, 'deploy'));
    fs.writeFileSync(path.join(dir, 'deploy/Dockerfile'), DF);
    assert.doesNotMatch(runCli(['check', '.'], dir).stderr, /nothing was checked/);
  });
});

describe('one base for a config file\'s globs (review 45d, item 3)', () => {
  it('CLI: a subfolder config\'s globs are relative to its folder; --config FILE\'s to the current folder', () => {
    const dir = project({ 'sub/.docker-guardrails.yaml': 'exclude: ["vendor/**"]\n', 'sub/vendor/Dockerfile': DF, 'sub/Dockerfile': DF, '.github/dg.yaml': 'exclude: ["vendor/**"]\n', 'vendor/Dockerfile': DF, 'Dockerfile': DF });
    assert.deepEqual(reported(runCli(['check', '.'], dir).stdout), ['Dockerfile', 'sub/Dockerfile', 'vendor/Dockerfile']);
    assert.deepEqual(reported(runCli(['check', '.', '--config', '.github/dg.yaml'], dir).stdout), ['Dockerfile', 'sub/Dockerfile', 'sub/vendor/Dockerfile']);
  });

  it('editor: a subfolder config\'s globs are relative to its folder, the settings\' to the workspace folder', async () => {
    const dir = project({ 'sub/.docker-guardrails.yaml': 'exclude: ["vendor/**"]\n', 'sub/vendor/Dockerfile': DF, 'sub/Dockerfile': DF, 'vendor/Dockerfile': DF, 'Dockerfile': DF, 'other/vendor/Dockerfile': DF });
    assert.deepEqual(await editorFiles(dir), ['Dockerfile', 'other/vendor/Dockerfile', 'sub/Dockerfile', 'vendor/Dockerfile']);
    assert.deepEqual(await editorFiles(dir, { exclude: ['vendor/**'] }), ['Dockerfile', 'other/vendor/Dockerfile', 'sub/Dockerfile']);
  });
});

describe('the config search stops at the repository root; the CLI names the config it applied (review 45d, item 4)', () => {
  it('CLI: a config above the repository root is not read; the one applied is named on stderr (text only)', () => {
    const outer = project({ '.docker-guardrails.yaml': 'rules:\n  DF010: off\n' });
    const repo = path.join(outer, 'a', 'proj');
    fs.mkdirSync(path.join(repo, '.git'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'Dockerfile'), DF);
    const r = runCli(['check', '.'], repo);
    assert.match(r.stdout, /DF010/, 'the config outside the repository does not apply');
    assert.doesNotMatch(r.stderr, /config:/);
    // Inside the repository it applies, and is named.
    fs.writeFileSync(path.join(repo, '.docker-guardrails.yaml'), 'rules:\n  DF010: off\n');
    const inside = runCli(['check', '.'], repo);
    assert.doesNotMatch(inside.stdout, /DF010/);
    assert.match(inside.stderr, /^docker-guardrails: config: \.docker-guardrails\.yaml$/m);
    // A `.git` file (a worktree, a submodule) marks a root too.
    fs.rmSync(path.join(repo, '.docker-guardrails.yaml'));
    fs.rmSync(path.join(repo, '.git'), { recursive: true });
    fs.writeFileSync(path.join(repo, '.git'), 'gitdir: /elsewhere\n');
    assert.match(runCli(['check', '.'], repo).stdout, /DF010/);
    // JSON is unchanged: nothing on stderr.
    fs.writeFileSync(path.join(repo, '.docker-guardrails.yaml'), 'rules:\n  DF010: off\n');
    assert.doesNotMatch(runCli(['check', '.', '--format', 'json'], repo).stderr, /config:/);
  });
});

describe('a symbolic link named .docker-guardrails.yaml is not followed (review 45d, item 5)', () => {
  const linked = () => {
    const dir = project({ 'shared/dg.yaml': 'rules:\n  DF010: off\n', 'proj/Dockerfile': DF, '.docker-guardrails.yaml': 'rules:\n  DF003: off\n' });
    fs.symlinkSync('../shared/dg.yaml', path.join(dir, 'proj/.docker-guardrails.yaml'));
    return dir;
  };

  it('CLI: says so on stderr and applies the defaults (not the link\'s target, nor the config above)', () => {
    const dir = linked();
    const r = runCli(['check', '.'], path.join(dir, 'proj'));
    assert.match(r.stdout, /DF010/);
    assert.match(r.stdout, /DF003/);
    assert.match(r.stderr, /not read: \.docker-guardrails\.yaml is a symbolic link; symbolic links are not followed/);
    assert.doesNotMatch(r.stderr, /config: /);
  });

  it('editor: logs it once and applies the settings (not the link\'s target, nor the config above)', async () => {
    const dir = linked();
    const client = new TestClient();
    try {
      await client.initialize([dir]);
      const uri = URI.file(path.join(dir, 'proj/Dockerfile')).toString();
      await client.until('proj/Dockerfile analyzed', () => (client.latest(uri)?.diagnostics.length ?? 0) > 0);
      const codes = client.latest(uri)!.diagnostics.map((d) => d.code);
      assert.ok(codes.includes('DF010') && codes.includes('DF003'), codes.join(' '));
      assert.equal(client.logs.filter((l) => /not read: .*proj\/\.docker-guardrails\.yaml is a symbolic link/.test(l)).length, 1, client.logs.join('\n'));
    } finally {
      await client.shutdown();
    }
  });
});

const PORTS = 'services:\n  api:\n    image: ghcr.io/acme/api:1.4.2\n    ports: ["127.0.0.1:8080:8080"]\n';

describe('productionGlobs with a / are matched from the config file\'s or workspace folder (review 45d, item 6)', () => {
  const dc033 = (file: string, options: Record<string, unknown>) =>
    analyze(allRules, 'compose', file, PORTS, viewOf(new Map([[file, PORTS]])), { rules: {}, options: { ...DEFAULT_OPTIONS, ...options, eolDate: null } }).findings.filter((f) => f.code === 'DC033').length;

  it('engine: a folder above the base does not count', () => {
    assert.equal(dc033('/work/deploy/deploy/compose.yaml', { productionGlobs: ['**/deploy/**'], productionGlobsBase: '/work/deploy/deploy' }), 0);
    assert.equal(dc033('/work/deploy/deploy/deploy/compose.yaml', { productionGlobs: ['**/deploy/**'], productionGlobsBase: '/work/deploy/deploy' }), 1);
    assert.equal(dc033('/src/x/deploy/a.yaml', { productionGlobs: ['deploy/*.yaml'], productionGlobsBase: '/src/x' }), 1);
    assert.equal(dc033('/src/x/sub/deploy/a.yaml', { productionGlobs: ['deploy/*.yaml'], productionGlobsBase: '/src/x' }), 0);
    assert.equal(dc033('/src/x/deploy/a.yaml', { productionGlobs: ['./deploy/*.yaml'], productionGlobsBase: '/src/x' }), 1);
  });

  it('CLI: a repository checked out under .../deploy/deploy/ gets no DC033 on its root compose.yaml', () => {
    const outer = tempDir('dg-cfg45-');
    const dir = path.join(outer, 'deploy', 'deploy');
    fs.mkdirSync(path.join(dir, '.git'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.docker-guardrails.yaml'), 'productionGlobs: ["**/deploy/**"]\n');
    fs.writeFileSync(path.join(dir, 'compose.yaml'), PORTS);
    fs.mkdirSync(path.join(dir, 'deploy'));
    fs.writeFileSync(path.join(dir, 'deploy/compose.yaml'), PORTS);
    const r = runCli(['check', '.', '--format', 'json'], dir);
    const found = (JSON.parse(r.stdout) as { file: string; code: string }[]).filter((f) => f.code === 'DC033').map((f) => f.file);
    assert.deepEqual(found, ['deploy/compose.yaml']);
  });

  it('editor: the setting is matched from the workspace folder, a config file\'s from its folder', async () => {
    const outer = tempDir('dg-cfg45-');
    const dir = path.join(outer, 'deploy');
    fs.mkdirSync(path.join(dir, '.git'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'sub/deploy'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'compose.yaml'), PORTS);
    fs.writeFileSync(path.join(dir, 'sub/.docker-guardrails.yaml'), 'productionGlobs: ["deploy/*.yaml"]\n');
    fs.writeFileSync(path.join(dir, 'sub/compose.yaml'), PORTS);
    fs.writeFileSync(path.join(dir, 'sub/deploy/compose.yaml'), PORTS);
    const client = new TestClient();
    try {
      client.settings = { productionGlobs: ['**/deploy/**'] };
      await client.initialize([dir]);
      const at = (rel: string) => URI.file(path.join(dir, rel)).toString();
      for (const rel of ['compose.yaml', 'sub/compose.yaml', 'sub/deploy/compose.yaml']) await client.until(`${rel} analyzed`, () => (client.latest(at(rel))?.diagnostics.length ?? 0) > 0);
      const has = (rel: string) => client.latest(at(rel))!.diagnostics.some((d) => d.code === 'DC033');
      assert.deepEqual([has('compose.yaml'), has('sub/compose.yaml'), has('sub/deploy/compose.yaml')], [false, false, true]);
    } finally {
      await client.shutdown();
    }
  });
});

describe('the default productionGlobs take prod/production as a word of the name (review 45d, item 7)', () => {
  const fires = (name: string) => analyze(allRules, 'compose', `/p/${name}`, PORTS, viewOf(new Map([[`/p/${name}`, PORTS]]))).findings.some((f) => f.code === 'DC033');
  for (const name of ['docker-compose.prod.yml', 'docker-compose-prod.yml', 'docker-compose_prod.yml', 'compose.production.yaml', 'prod.compose.yaml', 'production.yml', 'docker-compose.prod.override.yml', 'Docker-Compose.PROD.yml']) {
    it(`${name} is a production file`, () => assert.equal(fires(name), true));
  }
  for (const name of ['docker-compose.producer.yml', 'docker-compose.products.yml', 'compose.reproducible.yaml', 'compose.yaml', 'docker-compose.reprod-tools.yml']) {
    it(`${name} is not`, () => assert.equal(fires(name), false));
  }
});

describe('config file: keys with every entry commented out, and DG002 under rules (review 45d, items 9 and 11)', () => {
  it('rules:, exclude:, include: and productionGlobs: holding nothing (null) are empty, not errors', () => {
    const loaded = parseConfig('/p/.docker-guardrails.yaml', 'rules:\n#  DF010: off\nexclude:\n#  - vendor/**\ninclude:\ntrustedRegistries:\nresourceLimits:\n', new Set(allRules.map((r) => r.code)));
    assert.deepEqual(loaded.problems, []);
    assert.deepEqual(loaded.config, { rules: {}, exclude: [], include: [], trustedRegistries: [], resourceLimits: {} });
    const dir = project({ '.docker-guardrails.yaml': 'rules:\n#  DF010: off\nexclude:\n#  - vendor/**\n', 'Dockerfile': DF });
    const r = runCli(['check', '.'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /DF010/);
  });

  it('rules: { DG002: off } is reported (CLI exit 2, DG002 in the editor), as the setting is', () => {
    const loaded = parseConfig('/p/.docker-guardrails.yaml', 'rules:\n  DG002: off\n  DF010: off\n', new Set(allRules.map((r) => r.code)));
    assert.equal(loaded.problems.length, 1);
    assert.match(loaded.problems[0].message, /The severity of DG002 is not set in `rules`/);
    assert.equal(loaded.problems[0].range.start.line, 1);
    assert.deepEqual(loaded.config.rules, { DF010: 'off' });
    const dir = project({ '.docker-guardrails.yaml': 'rules:\n  dg002: off\n', 'Dockerfile': DF });
    const r = runCli(['check', '.'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\.docker-guardrails\.yaml:2:3: The severity of DG002 is not set/);
  });
});

describe('the editor says when it cannot use a config file (review 45d, item 8)', () => {
  it('binary: DG002 on the file and a log line; a folder: a log line; over 256 KiB: read and applied', async () => {
    const dir = project({ 'bin/Dockerfile': DF, 'dirc/Dockerfile': DF, 'big/Dockerfile': DF });
    fs.writeFileSync(path.join(dir, 'bin/.docker-guardrails.yaml'), Buffer.from('rules:\n  DF010: off\n\0'));
    fs.mkdirSync(path.join(dir, 'dirc/.docker-guardrails.yaml'));
    fs.writeFileSync(path.join(dir, 'big/.docker-guardrails.yaml'), `rules:\n  DF010: off\n${'# a long comment line of the config file, kept for the record\n'.repeat(5000)}`);
    const client = new TestClient();
    try {
      await client.initialize([dir]);
      const at = (rel: string) => URI.file(path.join(dir, rel)).toString();
      for (const rel of ['bin/Dockerfile', 'dirc/Dockerfile', 'big/Dockerfile']) await client.until(`${rel} analyzed`, () => (client.latest(at(rel))?.diagnostics.length ?? 0) > 0);
      const codes = (rel: string) => client.latest(at(rel))!.diagnostics.map((d) => d.code);
      assert.ok(codes('bin/Dockerfile').includes('DF010'));
      assert.ok(codes('dirc/Dockerfile').includes('DF010'));
      assert.ok(!codes('big/Dockerfile').includes('DF010'), 'a config over 256 KiB is read, as the CLI reads it');
      await client.until('DG002 on the binary config', () => (client.latest(at('bin/.docker-guardrails.yaml'))?.diagnostics ?? []).some((d) => d.code === 'DG002' && /binary/.test(String(d.message))));
      assert.equal(client.logs.filter((l) => /cannot read the config file .*bin\/\.docker-guardrails\.yaml: a binary file/.test(l)).length, 1, client.logs.join('\n'));
      assert.equal(client.logs.filter((l) => /cannot read the config file .*dirc\/\.docker-guardrails\.yaml: not a regular file/.test(l)).length, 1, client.logs.join('\n'));
    } finally {
      await client.shutdown();
    }
  });
});

describe('--fix with --min-severity applies only the fixes of the findings reported (review 45d, item 10)', () => {
  it('a warning\'s fix (DF045 MAINTAINER) is not applied with --min-severity error, and is without it', () => {
    const text = 'FROM node:22\nMAINTAINER me\nRUN echo hi\n';
    const dir = project({ Dockerfile: text });
    const r = runCli(['check', '.', '--fix', '--min-severity', 'error'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), text);
    assert.equal(runCli(['check', '.', '--fix-dry-run', '--min-severity', 'error'], dir).stdout, '');
    runCli(['check', '.', '--fix', '--min-severity', 'warning'], dir);
    assert.doesNotMatch(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), /MAINTAINER/);
  });
});

describe('.docker-guardrails.yml beside .docker-guardrails.yaml (review 45d, item 13)', () => {
  const files = { '.docker-guardrails.yaml': 'rules:\n  DF003: off\n', '.docker-guardrails.yml': 'rules:\n  DF010: off\n', 'Dockerfile': DF };

  it('CLI: the .yaml applies, and a notice names the ignored .yml', () => {
    const dir = project(files);
    const r = runCli(['check', '.'], dir);
    assert.match(r.stdout, /DF010/);
    assert.doesNotMatch(r.stdout, /DF003/);
    assert.match(r.stderr, /notice: \.docker-guardrails\.yml is ignored: \.docker-guardrails\.yaml in the same folder applies/);
  });

  it('editor: DG002 on the ignored .yml, cleared when the .yaml is deleted', async () => {
    const dir = project(files);
    const client = new TestClient();
    try {
      await client.initialize([dir]);
      const at = (rel: string) => URI.file(path.join(dir, rel)).toString();
      const shadowed = () => (client.latest(at('.docker-guardrails.yml'))?.diagnostics ?? []).some((d) => d.code === 'DG002' && /This file is ignored/.test(String(d.message)));
      await client.until('DG002 on the .yml', shadowed);
      fs.rmSync(path.join(dir, '.docker-guardrails.yaml'));
      await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: at('.docker-guardrails.yaml'), type: 3 }] });
      await client.until('the .yml no longer said to be ignored', () => !shadowed());
    } finally {
      await client.shutdown();
    }
  });
});
