/**
 * Registry lookups against a REAL registry (Debian's docker-registry, the CNCF distribution registry),
 * started here on 127.0.0.1 with temporary storage and seeded through its own API: digests of a
 * single-platform manifest and of a multi-platform index, tag lists, the disk cache and its expiry,
 * fail-soft timeouts, Basic auth from the Docker config (htpasswd), the anonymous bearer token flow,
 * the rules' "Pin to digest" / newest-tag fixes, `check --fix --registry-lookups`, and the language
 * server's code actions (trusted vs restricted workspace). Nothing reaches the internet.
 * Without the binary the suite is skipped with a message — except under CI=true, where it fails.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { allRules, analyze, applyFix, asyncFixesFor, DEFAULT_CONFIG, type EngineConfig, type FileSet } from '../rules';
import { parseImageRef } from '../rules/engine/image';
import { RegistryClient, registryTarget, parseChallenge, DOCKER_HUB_HOST } from '../rules/engine/registry-client';
import { tagCandidates } from '../rules/engine/tag-candidates';
import { htpasswdFile, registryUnavailable, seed, startRegistry, startTokenServer, type RunningRegistry, type Seeded, type TokenServer } from './helpers/real-registry';
import { SERVER, TestClient } from './helpers/lsp-client';
import { isolatedEnv } from './helpers/user-env';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

const missing = registryUnavailable();
const skip = missing && process.env.CI !== 'true' ? `registry tests skipped: ${missing}` : false;

const ws = { readText: () => undefined, exists: () => false };
const ref = (s: string) => parseImageRef(s)!;

describe('registry client: pure parts', () => {
  it('maps Docker Hub names (library/ prefix, registry-1.docker.io) and other registries', () => {
    assert.deepEqual(registryTarget(ref('node:22')), { host: DOCKER_HUB_HOST, name: 'library/node' });
    assert.deepEqual(registryTarget(ref('docker.io/library/node:22')), { host: DOCKER_HUB_HOST, name: 'library/node' });
    assert.deepEqual(registryTarget(ref('grafana/grafana:12.0.0')), { host: DOCKER_HUB_HOST, name: 'grafana/grafana' });
    assert.deepEqual(registryTarget(ref('ghcr.io/acme/app:1')), { host: 'ghcr.io', name: 'acme/app' });
    assert.deepEqual(registryTarget(ref('127.0.0.1:5000/library/alpine:3.20')), { host: '127.0.0.1:5000', name: 'library/alpine' });
  });

  it('parses WWW-Authenticate challenges', () => {
    assert.deepEqual(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/node:pull"'), {
      scheme: 'bearer',
      params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/node:pull' },
    });
    assert.equal(parseChallenge('Basic realm="x"')?.scheme, 'basic');
  });

  it('picks tag candidates: newest full version of the line, and its newest minor; never pre-releases', () => {
    const tags = ['24', '24.10', '24.11', '24.11.0', '24.11.1', '24.9.0', '24.12.0-rc.1', '25.0.0', '24-alpine', '24.11.1-alpine', 'latest', 'v24.11.2'];
    assert.deepEqual(tagCandidates(tags, '24'), ['24.11.1', '24.11']);
    assert.deepEqual(tagCandidates(tags, '3.13'), []);
    assert.deepEqual(tagCandidates(['1.2.3', '1.10.0', '1.10', 'v2.0.0-beta', 'latest', 'main'], null), ['1.10.0']);
    assert.deepEqual(tagCandidates(['latest', 'main', 'edge'], null), []);
  });

  it('fails soft and quickly when the registry does not answer, with one notice', async () => {
    // A server that accepts connections and never answers.
    const sockets: net.Socket[] = [];
    const hang = net.createServer((s) => sockets.push(s));
    const port = await new Promise<number>((resolve) => hang.listen(0, '127.0.0.1', () => resolve((hang.address() as net.AddressInfo).port)));
    const notices: string[] = [];
    const client = new RegistryClient({ cacheFile: null, dockerConfig: null, timeoutMs: 300, onNotice: (m) => notices.push(m) });
    const t0 = Date.now();
    assert.equal(await client.resolveDigest(ref(`127.0.0.1:${port}/library/alpine:3.20`)), undefined);
    assert.ok(Date.now() - t0 < 2000, 'the lookup timed out quickly');
    const t1 = Date.now();
    assert.equal(await client.listTags(ref(`127.0.0.1:${port}/library/alpine:3.20`)), undefined);
    assert.ok(Date.now() - t1 < 100, 'an unreachable host is not asked again right away');
    assert.equal(notices.length, 1);
    assert.match(notices[0], /did not answer within 300 ms; working offline/);
    for (const s of sockets) s.destroy();
    await new Promise((r) => hang.close(r));
  });

  it('fails soft when nothing listens', async () => {
    const notices: string[] = [];
    const client = new RegistryClient({ cacheFile: null, dockerConfig: null, timeoutMs: 500, onNotice: (m) => notices.push(m) });
    assert.equal(await client.resolveDigest(ref('127.0.0.1:9/library/alpine:3.20')), undefined);
    assert.equal(notices.length, 1);
    assert.match(notices[0], /refused the connection/);
  });
});

describe('registry lookups against a real registry', { skip }, () => {
  let tmp: string;
  let storage: string;
  let open: RunningRegistry;
  let basic: RunningRegistry;
  let bearer: RunningRegistry;
  let tokens: TokenServer;
  let seeded: Seeded;
  const client = (extra: ConstructorParameters<typeof RegistryClient>[0] = {}) => new RegistryClient({ cacheFile: null, dockerConfig: null, timeoutMs: 3000, ...extra });

  before(async () => {
    if (missing) throw new Error(`CI=true and ${missing}: .ci/run installs docker-registry`);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-registry-'));
    storage = path.join(tmp, 'storage');
    fs.mkdirSync(storage);
    open = await startRegistry(storage);
    seeded = await seed(open.host, 'library/alpine');
    // The same storage behind auth: Basic (htpasswd) and Bearer (token server).
    basic = await startRegistry(storage, { kind: 'htpasswd', file: htpasswdFile(tmp, 'dg-user', 'dg-pass') });
    tokens = await startTokenServer(tmp);
    bearer = await startRegistry(storage, { kind: 'token', realm: tokens.realm, service: tokens.service, issuer: tokens.issuer, certFile: tokens.certFile });
  });

  after(async () => {
    await Promise.all([open?.stop(), basic?.stop(), bearer?.stop(), tokens?.stop()]);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('resolves a single-platform tag to its manifest digest', async () => {
    assert.equal(await client().resolveDigest(ref(`${open.host}/library/alpine:3.20`)), seeded.manifest);
  });

  it('resolves a multi-platform tag to the digest of the index, not of a platform manifest', async () => {
    const digest = await client().resolveDigest(ref(`${open.host}/library/alpine:multi`));
    assert.equal(digest, seeded.index);
    assert.notEqual(digest, seeded.manifest);
  });

  it('answers undefined for an unknown tag or repository, without a notice', async () => {
    const notices: string[] = [];
    const c = client({ onNotice: (m) => notices.push(m) });
    assert.equal(await c.resolveDigest(ref(`${open.host}/library/alpine:9.99`)), undefined);
    assert.equal(await c.listTags(ref(`${open.host}/library/nothing:1`)), undefined);
    assert.deepEqual(notices, []);
  });

  it('lists tags', async () => {
    const tags = await client().listTags(ref(`${open.host}/library/alpine:latest`));
    assert.deepEqual([...(tags ?? [])].sort(), ['3.19.1', '3.20', '3.20.3', '3.21.0-rc1', 'latest', 'multi']);
  });

  it('caches answers on disk with an expiry, and works from the cache while the registry is away', async () => {
    const cacheFile = path.join(tmp, 'cache', 'registry.json');
    let now = Date.parse('2026-11-28T12:00:00Z');
    const first = client({ cacheFile, now: () => now, ttlMs: 60_000 });
    assert.equal(await first.resolveDigest(ref(`${open.host}/library/alpine:3.20`)), seeded.manifest);
    const stored = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { version: number; entries: Record<string, { value: string; expires: number }> };
    assert.equal(stored.version, 1);
    assert.equal(stored.entries[`digest ${open.host}/library/alpine:3.20`].value, seeded.manifest);
    assert.ok(!JSON.stringify(stored).includes('dg-pass'));
    // A new client (a restarted editor) answers from the disk cache for a host that is not there.
    const moved = JSON.parse(fs.readFileSync(cacheFile, 'utf8').split(open.host).join('127.0.0.1:9')) as unknown;
    fs.writeFileSync(cacheFile, JSON.stringify(moved));
    const notices: string[] = [];
    const second = client({ cacheFile, now: () => now, ttlMs: 60_000, onNotice: (m) => notices.push(m) });
    assert.equal(await second.resolveDigest(ref('127.0.0.1:9/library/alpine:3.20')), seeded.manifest);
    assert.equal(notices.length, 0);
    // Past the expiry the entry is not used: the (absent) registry is asked, fails soft, one notice.
    now += 61_000;
    const third = client({ cacheFile, now: () => now, ttlMs: 60_000, onNotice: (m) => notices.push(m) });
    assert.equal(await third.resolveDigest(ref('127.0.0.1:9/library/alpine:3.20')), undefined);
    assert.equal(notices.length, 1);
  });

  it('uses Basic credentials from the Docker config (htpasswd registry), never without them', async () => {
    const notices: string[] = [];
    assert.equal(await client({ onNotice: (m) => notices.push(m) }).resolveDigest(ref(`${basic.host}/library/alpine:3.20`)), undefined);
    assert.equal(notices.length, 1);
    assert.match(notices[0], /refused the lookup .*HTTP 401.*docker login/);
    const dockerConfig = path.join(tmp, 'docker-basic.json');
    fs.writeFileSync(dockerConfig, JSON.stringify({ auths: { [basic.host]: { auth: Buffer.from('dg-user:dg-pass').toString('base64') } } }));
    assert.equal(await client({ dockerConfig }).resolveDigest(ref(`${basic.host}/library/alpine:3.20`)), seeded.manifest);
    assert.deepEqual((await client({ dockerConfig }).listTags(ref(`${basic.host}/library/alpine:3.20`)))?.includes('3.20.3'), true);
    fs.writeFileSync(dockerConfig, JSON.stringify({ auths: { [basic.host]: { auth: Buffer.from('dg-user:wrong').toString('base64') } } }));
    assert.equal(await client({ dockerConfig }).resolveDigest(ref(`${basic.host}/library/alpine:3.20`)), undefined);
  });

  it('follows the anonymous bearer token flow (WWW-Authenticate → token service → retry)', async () => {
    const before = tokens.requests.length;
    const c = client();
    assert.equal(await c.resolveDigest(ref(`${bearer.host}/library/alpine:multi`)), seeded.index);
    assert.ok((await c.listTags(ref(`${bearer.host}/library/alpine:3.20`)))?.includes('latest'));
    const asked = tokens.requests.slice(before);
    assert.ok(asked.length >= 1);
    assert.equal(asked[0].scope, 'repository:library/alpine:pull');
    assert.equal(asked[0].service, tokens.service);
    assert.equal(asked[0].basic, null, 'anonymous: no credentials sent');
    // The token is reused for the same scope.
    assert.equal(asked.length, 1);
  });

  it('sends Docker config credentials to the token service of the same host only', async () => {
    const dockerConfig = path.join(tmp, 'docker-bearer.json');
    fs.writeFileSync(dockerConfig, JSON.stringify({ auths: { [bearer.host]: { auth: Buffer.from('dg-user:dg-pass').toString('base64') } } }));
    const before = tokens.requests.length;
    assert.equal(await client({ dockerConfig }).resolveDigest(ref(`${bearer.host}/library/alpine:3.20`)), seeded.manifest);
    // The realm is plain HTTP on another port of 127.0.0.1: same host name, so credentials may go.
    assert.equal(tokens.requests[before].basic, Buffer.from('dg-user:dg-pass').toString('base64'));
  });

  it('DF002 "Pin to digest" inserts the digest after the tag; the finding is gone afterwards', async () => {
    const config: EngineConfig = { ...DEFAULT_CONFIG, rules: { DF002: 'info' } };
    const text = `FROM ${open.host}/library/alpine:multi AS base\nFROM ${open.host}/library/alpine\nRUN true\n`;
    const a = analyze(allRules, 'dockerfile', '/w/Dockerfile', text, ws, config);
    const findings = a.findings.filter((f) => f.code === 'DF002');
    assert.equal(findings.length, 2);
    const services = { registry: client() };
    const fixes = await asyncFixesFor(allRules, a.context, findings[0], services);
    assert.equal(fixes.length, 1);
    assert.equal(fixes[0].safe, true);
    assert.match(fixes[0].title, /^Pin to digest sha256:/);
    assert.deepEqual(await asyncFixesFor(allRules, a.context, findings[1], services), [], 'untagged: pin a tag first');
    const files = applyFix(new Map([['/w/Dockerfile', text]]) as FileSet, fixes[0]);
    const fixed = files.get('/w/Dockerfile')!;
    assert.equal(fixed.split('\n')[0], `FROM ${open.host}/library/alpine:multi@${seeded.index} AS base`);
    const again = analyze(allRules, 'dockerfile', '/w/Dockerfile', fixed, ws, config);
    assert.equal(again.findings.filter((f) => f.code === 'DF002').length, 1);
  });

  it('DC002 "Pin to digest" keeps quotes and the tag; DC001 offers the newest release tag of the registry', async () => {
    const config: EngineConfig = { ...DEFAULT_CONFIG, rules: { DC002: 'info' } };
    const text = `services:\n  app:\n    image: "${open.host}/library/alpine:3.20"\n  edge:\n    image: ${open.host}/library/alpine:latest\n`;
    const a = analyze(allRules, 'compose', '/w/compose.yaml', text, ws, config);
    const services = { registry: client() };
    const dc002 = a.findings.find((f) => f.code === 'DC002' && f.range.start.line === 2)!;
    const [pin] = await asyncFixesFor(allRules, a.context, dc002, services);
    const fixed = applyFix(new Map([['/w/compose.yaml', text]]) as FileSet, pin).get('/w/compose.yaml')!;
    assert.equal(fixed.split('\n')[2], `    image: "${open.host}/library/alpine:3.20@${seeded.manifest}"`);
    const dc001 = a.findings.find((f) => f.code === 'DC001')!;
    const tagFixes = await asyncFixesFor(allRules, a.context, dc001, services);
    assert.deepEqual(tagFixes.map((f) => f.title), [`Pin to library/alpine:3.20.3 (newest release in the registry)`]);
    assert.equal(tagFixes[0].safe, false);
    const pinned = applyFix(new Map([['/w/compose.yaml', text]]) as FileSet, tagFixes[0]).get('/w/compose.yaml')!;
    assert.equal(pinned.split('\n')[4], `    image: ${open.host}/library/alpine:3.20.3`);
  });

  it('check --fix --registry-lookups pins digests of enabled DF002/DC002 findings (and changes nothing without the flag)', { skip: fs.existsSync(CLI) ? false : 'dist/cli.js not built (node esbuild.mjs)' }, () => {
    const dir = path.join(tmp, 'cli');
    fs.mkdirSync(dir, { recursive: true });
    const dockerfile = path.join(dir, 'Dockerfile');
    fs.writeFileSync(dockerfile, `FROM ${open.host}/library/alpine:3.20\nUSER 1000\nHEALTHCHECK CMD true\n`);
    fs.writeFileSync(path.join(dir, '.docker-guardrails.yaml'), 'rules:\n  DF002: info\n');
    const env = { ...process.env, DOCKER_GUARDRAILS_CACHE_DIR: path.join(tmp, 'cli-cache'), DOCKER_CONFIG: path.join(tmp, 'no-docker-config') };
    const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, 'check', dir, ...args], { encoding: 'utf8', env: isolatedEnv(env) });
    cli('--fix');
    assert.equal(fs.readFileSync(dockerfile, 'utf8').split('\n')[0], `FROM ${open.host}/library/alpine:3.20`);
    const dry = cli('--fix-dry-run', '--registry-lookups');
    assert.match(dry.stdout, new RegExp(`\\+FROM ${open.host}/library/alpine:3\\.20@${seeded.manifest}`));
    const r = cli('--fix', '--registry-lookups');
    assert.equal(fs.readFileSync(dockerfile, 'utf8').split('\n')[0], `FROM ${open.host}/library/alpine:3.20@${seeded.manifest}`, r.stderr);
    assert.match(r.stderr, /applied 1 fix/);
    assert.ok(fs.existsSync(path.join(tmp, 'cli-cache', 'registry.json')), 'the CLI used the configured cache folder');
  });

  it('the language server offers registry fixes only when lookups are on and the workspace is trusted', { skip: fs.existsSync(SERVER) ? false : 'dist/server.js not built (node esbuild.mjs)' }, async () => {
    const dir = path.join(tmp, 'lsp');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'Dockerfile');
    const text = `FROM ${open.host}/library/alpine:3.20\n`;
    fs.writeFileSync(file, text);
    const env = { ...process.env, DOCKER_GUARDRAILS_CACHE_DIR: path.join(tmp, 'lsp-cache'), DOCKER_CONFIG: path.join(tmp, 'no-docker-config') };
    const titles = async (trusted: boolean | undefined, lookups: boolean, notify?: boolean): Promise<string[]> => {
      const c = new TestClient([], env);
      try {
        c.settings = { rules: { DF002: 'info' }, registry: { lookups } };
        await c.initialize([dir], trusted === undefined ? undefined : { workspaceTrusted: trusted });
        if (notify) void c.conn.sendNotification('dockerGuardrails/workspaceTrust', { trusted: true });
        const uri = c.open(file, text, 'dockerfile');
        const diags = (await c.diagnostics(uri, 1)).filter((d) => d.code === 'DF002');
        assert.equal(diags.length, 1);
        return (await c.codeActions(uri, diags)).map((a) => a.title);
      } finally {
        await c.shutdown();
      }
    };
    const pin = `Pin to digest ${seeded.manifest.slice(0, 19)}…`;
    assert.ok((await titles(true, true)).includes(pin), 'trusted + lookups on');
    assert.ok(!(await titles(false, true)).includes(pin), 'restricted workspace: no lookups');
    assert.ok(!(await titles(undefined, true)).includes(pin), 'trust unknown: treated as restricted');
    assert.ok(!(await titles(true, false)).includes(pin), 'lookups off (the default)');
    assert.ok((await titles(false, true, true)).includes(pin), 'trust granted later by notification');
    assert.ok(fs.existsSync(path.join(tmp, 'lsp-cache', 'registry.json')));
  });
});
