/**
 * A real registry for tests: Debian's `docker-registry` (the CNCF distribution registry) started on
 * 127.0.0.1 with a temporary config and storage, seeded through its own HTTP API (blob uploads, an
 * OCI image manifest, an OCI image index). Optionally with htpasswd (Basic) auth or token (Bearer)
 * auth backed by a small token server in this process. Nothing here reaches the internet.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';

/** Why the registry tests cannot run here, or undefined when they can. */
export function registryUnavailable(): string | undefined {
  if (!fs.existsSync(REGISTRY_BINARY)) return `${REGISTRY_BINARY} is missing (apt-get install -y docker-registry)`;
  return undefined;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export function httpRequest(url: string, method: string, headers: Record<string, string> = {}, body?: Buffer): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { ...headers, ...(body ? { 'Content-Length': String(body.length) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

export function sha256(b: Buffer | string): string {
  return `sha256:${crypto.createHash('sha256').update(b).digest('hex')}`;
}

export interface RunningRegistry {
  host: string;
  port: number;
  stop(): Promise<void>;
  log(): string;
}

export type RegistryAuth =
  | { kind: 'none' }
  | { kind: 'htpasswd'; file: string }
  | { kind: 'token'; realm: string; service: string; issuer: string; certFile: string };

/** Starts the registry on a free port with the given storage folder and auth; resolves when /v2/ answers. */
export async function startRegistry(storage: string, auth: RegistryAuth = { kind: 'none' }): Promise<RunningRegistry> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-registry-conf-'));
  const lines = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${storage}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '  secret: docker-guardrails-test-secret',
  ];
  if (auth.kind === 'htpasswd') lines.push('auth:', '  htpasswd:', '    realm: test-realm', `    path: ${auth.file}`);
  if (auth.kind === 'token') lines.push('auth:', '  token:', `    realm: ${auth.realm}`, `    service: ${auth.service}`, `    issuer: ${auth.issuer}`, `    rootcertbundle: ${auth.certFile}`);
  const config = path.join(dir, 'config.yml');
  fs.writeFileSync(config, lines.join('\n') + '\n');
  const proc: ChildProcess = spawn(REGISTRY_BINARY, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`docker-registry exited (${proc.exitCode}): ${output}`);
    try {
      const r = await httpRequest(`http://127.0.0.1:${port}/v2/`, 'GET');
      if (r.status === 200 || r.status === 401) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`docker-registry did not start: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    host: `127.0.0.1:${port}`,
    port,
    log: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        proc.kill('SIGTERM');
        setTimeout(() => proc.kill('SIGKILL'), 3000).unref();
      }),
  };
}

async function uploadBlob(base: string, name: string, blob: Buffer): Promise<string> {
  const digest = sha256(blob);
  const start = await httpRequest(`${base}/v2/${name}/blobs/uploads/`, 'POST');
  if (start.status !== 202) throw new Error(`upload start: ${start.status} ${start.body.toString()}`);
  const location = String(start.headers.location);
  const url = new URL(location, base);
  url.searchParams.set('digest', digest);
  const put = await httpRequest(url.toString(), 'PUT', { 'Content-Type': 'application/octet-stream' }, blob);
  if (put.status !== 201) throw new Error(`upload: ${put.status} ${put.body.toString()}`);
  return digest;
}

async function putManifest(base: string, name: string, ref: string, mediaType: string, body: Buffer): Promise<string> {
  const r = await httpRequest(`${base}/v2/${name}/manifests/${ref}`, 'PUT', { 'Content-Type': mediaType }, body);
  if (r.status !== 201) throw new Error(`manifest ${ref}: ${r.status} ${r.body.toString()}`);
  return sha256(body);
}

export interface Seeded {
  /** Digest of the single-platform OCI image manifest (tags `3.20`, `3.20.3`, `3.19.1`, `3.21.0-rc1`, `latest`). */
  manifest: string;
  /** Digest of the OCI image index pointing at it (tag `multi`). */
  index: string;
}

/** Seeds `name` with a tiny image through the registry's own API. */
export async function seed(host: string, name: string): Promise<Seeded> {
  const base = `http://${host}`;
  const layer = zlib.gzipSync(Buffer.alloc(1024));
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256(Buffer.alloc(1024))] }, config: {} }));
  const layerDigest = await uploadBlob(base, name, layer);
  const configDigest = await uploadBlob(base, name, config);
  const manifestType = 'application/vnd.oci.image.manifest.v1+json';
  const manifestBody = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: manifestType,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.length }],
    }),
  );
  let manifest = '';
  for (const tag of ['3.20', '3.20.3', '3.19.1', '3.21.0-rc1', 'latest']) manifest = await putManifest(base, name, tag, manifestType, manifestBody);
  const indexType = 'application/vnd.oci.image.index.v1+json';
  const indexBody = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: indexType, manifests: [{ mediaType: manifestType, digest: manifest, size: manifestBody.length, platform: { architecture: 'amd64', os: 'linux' } }] }));
  const index = await putManifest(base, name, 'multi', indexType, indexBody);
  return { manifest, index };
}

/** A bcrypt htpasswd file for user:password (the `htpasswd` tool from apache2-utils). */
export function htpasswdFile(dir: string, user: string, password: string): string {
  const file = path.join(dir, 'htpasswd');
  const r = spawnSync('htpasswd', ['-Bbn', user, password], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`htpasswd failed: ${r.stderr || r.error?.message} (apt-get install -y apache2-utils)`);
  fs.writeFileSync(file, r.stdout);
  return file;
}

export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  certFile: string;
  /** Requests the token server received (scope, service, whether Basic credentials were sent). */
  requests: { scope: string | null; service: string | null; basic: string | null }[];
  stop(): Promise<void>;
}

function b64url(b: Buffer | string): string {
  return Buffer.from(b).toString('base64url');
}

/**
 * A token server as the distribution token spec describes: GET ?service=&scope= → `{ token }`, a JWT
 * (RS256) whose `x5c` header holds a self-signed certificate the registry trusts (`rootcertbundle`).
 */
export async function startTokenServer(dir: string): Promise<TokenServer> {
  const keyFile = path.join(dir, 'token.key');
  const certFile = path.join(dir, 'token.crt');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=docker-guardrails-test-token'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr || r.error?.message}`);
  const key = crypto.createPrivateKey(fs.readFileSync(keyFile));
  const der = new crypto.X509Certificate(fs.readFileSync(certFile)).raw.toString('base64');
  const service = 'dg-test-registry';
  const issuer = 'dg-test-issuer';
  const requests: TokenServer['requests'] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const scope = url.searchParams.get('scope');
    requests.push({ scope, service: url.searchParams.get('service'), basic: req.headers.authorization?.startsWith('Basic ') ? req.headers.authorization.slice(6) : null });
    const access = scope
      ? [{ type: 'repository', name: scope.split(':')[1], actions: (scope.split(':')[2] ?? '').split(',').filter((a) => a === 'pull') }]
      : [];
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', x5c: [der] }));
    const claims = b64url(JSON.stringify({ iss: issuer, sub: '', aud: service, exp: now + 300, nbf: now - 30, iat: now, jti: crypto.randomUUID(), access }));
    const signature = crypto.sign('sha256', Buffer.from(`${header}.${claims}`), key);
    const token = `${header}.${claims}.${b64url(signature)}`;
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ token, expires_in: 300 }));
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
  return { realm: `http://127.0.0.1:${port}/token`, service, issuer, certFile, requests, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}
