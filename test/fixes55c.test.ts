/**
 * Wrong safe fixes found by review 55c (fixes55c): DG001 deleted suppressions in use in another checkout (F1).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CodeAction, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { allRules, analyze, applyTextEdits, DEFAULT_CONFIG, fixFinding } from '../rules';
import { viewOf } from './helpers/fixtures';
import { runCli } from './helpers/cli';
import { applyWorkspaceEdit, TestClient } from './helpers/lsp-client';
import { tempRepository } from './helpers/temp';

/** A folder with these files and a `.git` folder (a repository root). */
function project(files: Record<string, string>): string {
  return tempRepository('dg-fixes55c-', files);
}

const read = (dir: string, name: string) => fs.readFileSync(path.join(dir, name), 'utf8');

interface JsonFinding {
  code: string;
  message: string;
  range: { start: { line: number } };
  fix?: { title: string; safe: boolean };
}
const findings = (dir: string, args: string[] = []): JsonFinding[] => JSON.parse(runCli(['check', '.', '--format', 'json', ...args], dir).stdout) as JsonFinding[];

/** Suppressions whose findings exist only with the developer's git-ignored .env (review 55c, F1). */
const ENV_COMPOSE = `services:
  db:
    # docker-guardrails-ignore DC004 -- staying on PG 12 until the migration in Q1
    image: postgres:\${PG_VERSION}
    environment:
      # docker-guardrails-ignore DC041 -- local dev password
      POSTGRES_PASSWORD: \${DB_PASS}
`;
/** A DC004 suppression that is used on the real date, not with a fixed `--eol-date` before Node 20's end of life. */
const EOL_COMPOSE = 'services:\n  api:\n    # docker-guardrails-ignore DC004 -- Node 20 until the ESM migration lands\n    image: node:20-alpine\n';
/** Unused whatever the checkout: no variable, no date-dependent or git-dependent rule. */
const PLAIN_COMPOSE = 'services:\n  web:\n    # docker-guardrails-ignore DC010 -- was privileged once\n    image: nginx:1.27.3\n';

describe('DG001 never deletes a suppression whose finding may exist in another checkout (review 55c, F1)', () => {
  it('check --fix in a clone without the git-ignored .env leaves the comments; the message says why', () => {
    const dir = project({ 'compose.yaml': ENV_COMPOSE, '.gitignore': '.env\n' });
    const dg = findings(dir).filter((f) => f.code === 'DG001');
    assert.deepEqual(dg.map((f) => [f.range.start.line, f.fix?.safe]), [[2, false], [5, false]]);
    assert.match(dg[0].message, /DC004 depends on the analysis date/);
    assert.match(dg[1].message, /read a variable or env file whose value may differ in another checkout/);
    runCli(['check', '.', '--fix'], dir);
    assert.equal(read(dir, 'compose.yaml'), ENV_COMPOSE);
  });

  it('check --eol-date … --fix keeps a DC004 suppression; a comment with a date-dependent code is not removed whole', () => {
    const mixed = EOL_COMPOSE.replace('ignore DC004 --', 'ignore DC004, DC010 --');
    const dir = project({ 'a/compose.yaml': EOL_COMPOSE, 'b/compose.yaml': mixed });
    const dg = findings(dir, ['--eol-date', '2026-01-01']).filter((f) => f.code === 'DG001');
    assert.equal(dg.length, 3);
    assert.ok(dg.every((f) => f.fix?.safe === false), JSON.stringify(dg));
    runCli(['check', '.', '--eol-date', '2026-01-01', '--fix'], dir);
    assert.equal(read(dir, 'a/compose.yaml'), EOL_COMPOSE);
    assert.equal(read(dir, 'b/compose.yaml'), mixed);
  });

  it('a DR001 suppression above env_file: (a user\'s own core.excludesFile may ignore .env) is kept', () => {
    const compose = 'services:\n  app:\n    image: nginx:1.27.3\n    # docker-guardrails-ignore DR001 -- CI writes it\n    env_file: .env\n';
    const dir = project({ 'compose.yaml': compose, '.env': 'A=1\n', '.gitignore': '.env\n' });
    const dg = findings(dir).filter((f) => f.code === 'DG001');
    assert.deepEqual(dg.map((f) => f.fix?.safe), [false]);
    runCli(['check', '.', '--fix'], dir);
    assert.equal(read(dir, 'compose.yaml'), compose);
  });

  it('control: an ignore that is unused in every checkout is still removed by check --fix', () => {
    const dir = project({ 'compose.yaml': PLAIN_COMPOSE });
    assert.deepEqual(findings(dir).filter((f) => f.code === 'DG001').map((f) => f.fix?.safe), [true]);
    runCli(['check', '.', '--fix'], dir);
    assert.equal(read(dir, 'compose.yaml'), 'services:\n  web:\n    image: nginx:1.27.3\n');
  });

  it('over the LSP: source.fixAll (on save) with a teammate\'s other .env deletes nothing; the quick fix stays, not preferred', async () => {
    const dir = project({ 'compose.yaml': ENV_COMPOSE, '.gitignore': '.env\n', '.env': 'PG_VERSION=16\nDB_PASS=Zq8kW2pLr9xTb4Vn7Hs\n', 'plain/compose.yaml': PLAIN_COMPOSE });
    const client = new TestClient();
    try {
      await client.initialize([dir]);
      const apply = (text: string, edits: Parameters<typeof applyTextEdits>[1]) => applyTextEdits(text, edits);
      const uri = client.open(path.join(dir, 'compose.yaml'), ENV_COMPOSE, 'dockercompose');
      const diags = (await client.diagnostics(uri, 1)).filter((d) => d.code === 'DG001');
      assert.deepEqual(diags.map((d) => d.range.start.line), [2, 5]);
      const all = (await client.codeActions(uri, [], ['source.fixAll.docker-guardrails'])) as CodeAction[];
      for (const a of all) assert.equal(applyWorkspaceEdit(new Map([[uri, ENV_COMPOSE]]), a.edit as WorkspaceEdit, apply).get(uri), ENV_COMPOSE);
      const quick = (await client.codeActions(uri, [diags[0]], ['quickfix'])).find((a) => a.title === 'Remove unused ignore comment');
      assert.ok(quick, 'offered as a quick fix');
      assert.notEqual(quick.isPreferred, true);
      // Control: the plain unused ignore is removed by source.fixAll.
      const plain = client.open(path.join(dir, 'plain/compose.yaml'), PLAIN_COMPOSE, 'dockercompose');
      assert.equal((await client.diagnostics(plain, 1)).filter((d) => d.code === 'DG001').length, 1);
      const fixAll = ((await client.codeActions(plain, [], ['source.fixAll.docker-guardrails'])) as CodeAction[])[0];
      assert.equal(applyWorkspaceEdit(new Map([[plain, PLAIN_COMPOSE]]), fixAll?.edit as WorkspaceEdit, apply).get(plain), 'services:\n  web:\n    image: nginx:1.27.3\n');
    } finally {
      await client.shutdown();
    }
  });
});

/** A Dockerfile with an ENV secret that DF020 offers to move to .env (review 55c, F2). */
const SECRET_DOCKERFILE = 'FROM node:22-alpine\nWORKDIR /app\nCOPY --chown=node:node package.json server.js ./\nENV SESSION_SECRET=Kq7zP2mX9vLw4Rt8\nUSER node\nCMD ["node", "server.js"]\n';

describe('DF020: the move to .env is a quick fix for a service that builds and names a registry image (review 55c, F2)', () => {
  const df020 = (image: string) => {
    const dir = project({ Dockerfile: SECRET_DOCKERFILE, 'compose.yaml': `services:\n  api:\n    build: .\n    image: ${image}\n`, '.gitignore': '.env\n' });
    return { dir, fix: findings(dir).find((f) => f.code === 'DF020')?.fix };
  };

  for (const image of ['ghcr.io/acme/api:${TAG:-latest}', 'acme/api:1.4', 'localhost:5000/api', '${IMAGE}']) {
    it(`image: ${image} is pushed by docker compose push: not safe, the title says why, check --fix moves nothing`, () => {
      const { dir, fix } = df020(image);
      assert.equal(fix?.safe, false, JSON.stringify(fix));
      assert.match(fix.title, /^Move SESSION_SECRET to \.env \(service api; (service api names the registry image .*, which docker compose push publishes without SESSION_SECRET|the image of service api cannot be read and may be pushed)\)$/);
      assert.doesNotMatch(fix.title, /Kq7zP2mX9vLw4Rt8/);
      runCli(['check', '.', '--fix'], dir);
      assert.equal(read(dir, 'Dockerfile'), SECRET_DOCKERFILE);
      assert.ok(!fs.existsSync(path.join(dir, '.env')));
    });
  }

  it('control: a local image name (api:dev), which push sends nowhere, keeps the safe move', () => {
    const { dir, fix } = df020('api:dev');
    assert.deepEqual([fix?.title, fix?.safe], ['Move SESSION_SECRET to .env (service api)', true]);
    runCli(['check', '.', '--fix'], dir);
    assert.doesNotMatch(read(dir, 'Dockerfile'), /SESSION_SECRET/);
  });
});

describe('DR003 reads every sibling Dockerfile the walk analyzes, by its own name predicate (review 55c, F3)', () => {
  const MAIN = 'FROM alpine:3.21\nCOPY . /src\nCMD ["ls", "/src"]\n';
  const TOOLS = 'FROM alpine:3.21\nWORKDIR /src\nCOPY . .\nRUN apk add --no-cache git && git describe --always > VERSION\n';
  const dr003 = (files: Record<string, string>) => {
    const dir = project({ Dockerfile: MAIN, ...files });
    return { dir, fix: findings(dir).find((f) => f.code === 'DR003' && f.range.start.line === 1 && (f as unknown as { file: string }).file === 'Dockerfile')?.fix };
  };

  for (const name of ['Dockerfile-tools', 'tools-Dockerfile', 'tools_Dockerfile', 'api.Dockerfile.prod', 'DOCKERFILE-tools']) {
    it(`a sibling ${name} that runs git makes adding .git to the shared .dockerignore not safe; check --fix leaves it`, () => {
      const { dir, fix } = dr003({ [name]: TOOLS });
      assert.equal(fix?.safe, false, JSON.stringify(fix));
      runCli(['check', 'Dockerfile', '--fix'], dir);
      assert.ok(!fs.existsSync(path.join(dir, '.dockerignore')), 'no .dockerignore written');
    });
  }

  it('controls: the sibling has its own <Dockerfile>.dockerignore, or runs no git: safe', () => {
    assert.equal(dr003({ 'Dockerfile-tools': TOOLS, 'Dockerfile-tools.dockerignore': 'node_modules\n' }).fix?.safe, true);
    assert.equal(dr003({ 'Dockerfile-tools': 'FROM alpine:3.21\nCOPY . /src\n' }).fix?.safe, true);
  });
});

describe('DF011: "Remove sudo" is not safe after a umask in the script (review 55c, F5)', () => {
  const sudoFix = (run: string) => {
    const text = `FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends sudo && rm -rf /var/lib/apt/lists/*\n${run}\nCMD ["bash"]\n`;
    const a = analyze(allRules, 'dockerfile', '/w/Dockerfile', text, viewOf(new Map([['/w/Dockerfile', text]])), DEFAULT_CONFIG);
    const f = a.findings.find((x) => x.code === 'DF011' && x.range.start.line === 2);
    return f && fixFinding(allRules, a.context, f);
  };

  for (const run of ['RUN umask 0002 && sudo mkdir -p /srv/shared', 'RUN builtin umask 000; sudo mkdir -p /srv/shared', 'RUN shared() { umask 0002; }; shared && sudo mkdir -p /srv/shared', "RUN eval 'umask 0002' && sudo mkdir -p /srv/shared"]) {
    it(`${run}: offered, not safe`, () => {
      const fix = sudoFix(run);
      assert.deepEqual([fix?.title, fix?.safe], ['Remove sudo', false]);
    });
  }

  it('control: no umask before sudo (one after it does not matter) keeps the safe fix', () => {
    assert.deepEqual([sudoFix('RUN sudo mkdir -p /srv/shared && umask 0002')?.title, sudoFix('RUN sudo mkdir -p /srv/shared && umask 0002')?.safe], ['Remove sudo', true]);
  });
});

describe('DF030: removing the lists is not safe before a later `find … -exec` that may run apt (review 55c, F6)', () => {
  const listsFix = (later: string) => {
    const text = `FROM debian:12-slim\nCOPY debs/ /tmp/debs/\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n${later}\nUSER 1000\n`;
    const a = analyze(allRules, 'dockerfile', '/w/Dockerfile', text, viewOf(new Map([['/w/Dockerfile', text]])), DEFAULT_CONFIG);
    const f = a.findings.find((x) => x.code === 'DF030' && x.range.start.line === 2);
    return f && fixFinding(allRules, a.context, f);
  };
  for (const later of [
    "RUN find /tmp/debs -name '*.deb' -exec apt-get install -y {} +",
    "RUN find / -maxdepth 0 -execdir sh -c 'apt-get install -y wget' \\;",
    'RUN find /tmp/debs -name "*.deb" -ok /usr/local/bin/setup {} \\;',
  ]) {
    it(`${later}: offered, not safe`, () => {
      const fix = listsFix(later);
      assert.equal(fix?.safe, false);
    });
  }
  it('a find that runs only tools known to install nothing (-exec rm, -delete) keeps the fix safe', () => {
    assert.equal(listsFix("RUN find /tmp/debs -name '*.tmp' -exec rm -f {} + && find /var/log -type f -delete")?.safe, true);
  });
});
