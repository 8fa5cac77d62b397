/**
 * A small client for the OCI distribution / Docker Registry HTTP API v2, used only when the user
 * opted in to registry lookups (`dockerGuardrails.registry.lookups`, `--registry-lookups`):
 * - `resolveDigest(ref)`: the digest a tag points to (HEAD, then GET, `/v2/<name>/manifests/<tag>`),
 *   from the `Docker-Content-Digest` header (or the sha256 of the body). For a multi-platform image the
 *   registry answers with the index (OCI image index / Docker manifest list) and its digest is kept:
 *   `image:tag@sha256:<index digest>` pulls the right platform everywhere, as `docker buildx imagetools
 *   inspect` shows it.
 * - `listTags(ref)`: `/v2/<name>/tags/list` (following `Link: <…>; rel="next"` pages, capped).
 * Authentication: anonymous bearer tokens (`WWW-Authenticate: Bearer realm=…,service=…,scope=…` →
 * GET the realm → retry with the token), and the user's credentials from the Docker config
 * (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`, `auths[host].auth` = base64 `user:pass`)
 * sent as Basic auth to the registry or to its token realm. Credentials are never logged, cached or
 * written anywhere; credential helpers (`credsStore`, `credHelpers`) are not run.
 * Docker Hub names: `node` is `library/node` on `registry-1.docker.io`.
 * Results are cached in memory and in a small JSON file with an expiry (default
 * `${XDG_CACHE_HOME:-~/.cache}/docker-guardrails/registry.json`). Every request times out quickly
 * (3 s by default) and every failure is soft: the answer is `undefined`, a host that cannot be reached
 * is not asked again for a minute, and `onNotice` is called once with a plain explanation.
 * https://distribution.github.io/distribution/spec/api/
 * https://distribution.github.io/distribution/spec/auth/token/
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import type * as http from 'node:http';
import type * as https from 'node:https';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ImageRef } from './image';

export const DOCKER_HUB_HOST = 'registry-1.docker.io';

/** Media types asked for, most capable first. */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

const DIGEST = /^sha256:[0-9a-f]{64}$/;

export interface RegistryClientOptions {
  /** The on-disk cache file; null: memory only. Default: the user's cache directory (see `defaultCacheFile`). */
  cacheFile?: string | null;
  /** Per-request timeout (ms). Default 3000. */
  timeoutMs?: number;
  /** How long a digest or tag list stays fresh (ms). Default one hour. */
  ttlMs?: number;
  /** The Docker config file with credentials. Default `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`. */
  dockerConfig?: string | null;
  /** Hosts reached over plain HTTP. Default: localhost, 127.0.0.1 and [::1] (as Docker treats them). */
  plainHttpHosts?: string[];
  /** Called once per client when lookups fail for a reason the user should know (offline, timeout, auth). */
  onNotice?: (message: string) => void;
  /** The clock (tests). */
  now?: () => number;
}

/** Where a registry lives and what the repository is called there. */
export interface RegistryTarget {
  host: string;
  name: string;
}

/** The registry host and repository name of a reference (Docker Hub: `registry-1.docker.io`, `library/` for official images). */
export function registryTarget(ref: ImageRef): RegistryTarget {
  if (ref.registry === null) return { host: DOCKER_HUB_HOST, name: ref.repository.includes('/') ? ref.repository : `library/${ref.repository}` };
  return { host: ref.registry, name: ref.repository };
}

/** `${XDG_CACHE_HOME:-~/.cache}/docker-guardrails/registry.json` (macOS `~/Library/Caches`, Windows `%LOCALAPPDATA%`); `DOCKER_GUARDRAILS_CACHE_DIR` overrides the folder. */
export function defaultCacheFile(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.DOCKER_GUARDRAILS_CACHE_DIR;
  if (override) return path.join(override, 'registry.json');
  let base: string;
  if (process.platform === 'win32') base = env.LOCALAPPDATA ?? path.join(os.homedir(), 'AppData', 'Local');
  else if (process.platform === 'darwin') base = path.join(os.homedir(), 'Library', 'Caches');
  else base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(base, 'docker-guardrails', 'registry.json');
}

export function defaultDockerConfig(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker'), 'config.json');
}

interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

interface CacheEntry {
  value: unknown;
  expires: number;
}

/**
 * node:http or node:https, loaded when the first request is sent rather than with this module: lookups are opt-in, and
 * loading both (with the tls and net modules they load) cost every CLI run and every server start about 3 ms of CPU.
 * Not `import()`: the CLI's bundle runs as a vm.Script (code-cache.ts), which has no dynamic import.
 */
function httpModule(protocol: string): typeof http | typeof https {
  const load = createRequire(__filename);
  return protocol === 'http:' ? (load('node:http') as typeof http) : (load('node:https') as typeof https);
}

/** A failure that says something about reaching the registry (shown once), not about the image. */
class Unreachable extends Error {}

/** `Bearer realm="…",service="…",scope="…"` → its parameters. */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } | undefined {
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  let p: RegExpExecArray | null;
  while ((p = re.exec(m[2])) !== null) params[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3];
  return { scheme: m[1].toLowerCase(), params };
}

export class RegistryClient {
  private readonly timeoutMs: number;
  private readonly ttlMs: number;
  private readonly cacheFile: string | null;
  private readonly dockerConfigPath: string | null;
  private readonly plainHttp: Set<string>;
  private readonly now: () => number;
  private readonly onNotice?: (message: string) => void;
  private memory = new Map<string, CacheEntry>();
  private diskLoaded = false;
  private tokens = new Map<string, { token: string; expires: number }>();
  private offlineUntil = new Map<string, number>();
  private noticed = false;
  private inflight = new Map<string, Promise<unknown>>();

  constructor(options: RegistryClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.ttlMs = options.ttlMs ?? 60 * 60 * 1000;
    this.cacheFile = options.cacheFile === undefined ? defaultCacheFile() : options.cacheFile;
    this.dockerConfigPath = options.dockerConfig === undefined ? defaultDockerConfig() : options.dockerConfig;
    this.plainHttp = new Set(options.plainHttpHosts ?? ['localhost', '127.0.0.1', '[::1]']);
    this.now = options.now ?? Date.now;
    this.onNotice = options.onNotice;
  }

  /** The digest `image:tag` points to (the index digest for multi-platform images), or undefined. */
  resolveDigest(ref: ImageRef): Promise<string | undefined> {
    if (ref.digest) return Promise.resolve(ref.digest);
    const tag = ref.tag ?? 'latest';
    const t = registryTarget(ref);
    return this.cached(`digest ${t.host}/${t.name}:${tag}`, async () => {
      const url = `/v2/${t.name}/manifests/${encodeURIComponent(tag)}`;
      const scope = `repository:${t.name}:pull`;
      let res = await this.request(t.host, 'HEAD', url, { Accept: MANIFEST_ACCEPT }, scope);
      let digest = res.status === 200 ? headerOf(res, 'docker-content-digest') : undefined;
      if (res.status === 200 && !(digest && DIGEST.test(digest))) {
        // Some registries omit the header on HEAD: the digest of the body is the manifest's digest.
        res = await this.request(t.host, 'GET', url, { Accept: MANIFEST_ACCEPT }, scope);
        const header = headerOf(res, 'docker-content-digest');
        digest = res.status === 200 ? (header && DIGEST.test(header) ? header : `sha256:${crypto.createHash('sha256').update(res.body).digest('hex')}`) : undefined;
      }
      if (res.status === 401 || res.status === 403) this.notice(`Docker Guardrails: ${t.host} refused the lookup of ${t.name} (HTTP ${res.status}); add credentials with \`docker login ${t.host === DOCKER_HUB_HOST ? '' : t.host}\`.`.replace('  ', ' '));
      return digest && DIGEST.test(digest) ? digest : undefined;
    }) as Promise<string | undefined>;
  }

  /** Every tag of the repository (at most `max`), or undefined. */
  listTags(ref: ImageRef, max = 10000): Promise<string[] | undefined> {
    const t = registryTarget(ref);
    return this.cached(`tags ${t.host}/${t.name}`, async () => {
      const scope = `repository:${t.name}:pull`;
      const tags: string[] = [];
      let next: string | undefined = `/v2/${t.name}/tags/list?n=1000`;
      for (let page = 0; next && page < 20 && tags.length < max; page++) {
        const res = await this.request(t.host, 'GET', next, { Accept: 'application/json' }, scope);
        if (res.status !== 200) {
          if (res.status === 401 || res.status === 403) this.notice(`Docker Guardrails: ${t.host} refused to list the tags of ${t.name} (HTTP ${res.status}).`);
          return tags.length > 0 ? tags : undefined;
        }
        const parsed = JSON.parse(res.body.toString('utf8')) as { tags?: unknown };
        if (Array.isArray(parsed.tags)) for (const x of parsed.tags) if (typeof x === 'string') tags.push(x);
        next = nextLink(headerOf(res, 'link'));
      }
      return tags.slice(0, max);
    }) as Promise<string[] | undefined>;
  }

  // ---- cache ---------------------------------------------------------------------------------

  private async cached(key: string, compute: () => Promise<unknown>): Promise<unknown> {
    this.loadDisk();
    const hit = this.memory.get(key);
    if (hit && hit.expires > this.now()) return hit.value;
    const running = this.inflight.get(key);
    if (running) return running;
    const p = (async () => {
      try {
        const value = await compute();
        if (value !== undefined) {
          this.memory.set(key, { value, expires: this.now() + this.ttlMs });
          this.saveDisk();
        }
        return value;
      } catch (e) {
        if (e instanceof Unreachable) this.notice(e.message);
        return undefined;
      } finally {
        this.inflight.delete(key);
      }
    })();
    this.inflight.set(key, p);
    return p;
  }

  private loadDisk(): void {
    if (this.diskLoaded) return;
    this.diskLoaded = true;
    if (!this.cacheFile) return;
    try {
      const parsed = JSON.parse(fs.readFileSync(this.cacheFile, 'utf8')) as { version?: number; entries?: Record<string, CacheEntry> };
      if (parsed.version !== 1 || !parsed.entries) return;
      const now = this.now();
      for (const [k, v] of Object.entries(parsed.entries)) {
        if (v && typeof v.expires === 'number' && v.expires > now && !this.memory.has(k)) this.memory.set(k, v);
      }
    } catch {
      // No cache yet, or an unreadable one: start empty.
    }
  }

  private saveDisk(): void {
    if (!this.cacheFile) return;
    const now = this.now();
    const entries: Record<string, CacheEntry> = {};
    // Keep the file small: fresh entries only, the most recent 500.
    const fresh = [...this.memory].filter(([, v]) => v.expires > now).slice(-500);
    for (const [k, v] of fresh) entries[k] = v;
    try {
      fs.mkdirSync(path.dirname(this.cacheFile), { recursive: true });
      const tmp = `${this.cacheFile}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify({ version: 1, entries }), { mode: 0o600 });
      fs.renameSync(tmp, this.cacheFile);
    } catch {
      // A read-only home or a full disk: the memory cache still works.
    }
  }

  private notice(message: string): void {
    if (this.noticed) return;
    this.noticed = true;
    try {
      this.onNotice?.(message);
    } catch {
      // The notice is best effort.
    }
  }

  // ---- HTTP and auth -------------------------------------------------------------------------

  /** Basic credentials for a host from the Docker config (never logged). */
  private credentials(host: string): string | undefined {
    if (!this.dockerConfigPath) return undefined;
    let config: { auths?: Record<string, { auth?: string }> };
    try {
      config = JSON.parse(fs.readFileSync(this.dockerConfigPath, 'utf8')) as typeof config;
    } catch {
      return undefined;
    }
    const auths = config.auths ?? {};
    const keys = host === DOCKER_HUB_HOST ? ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'] : [host, `https://${host}`, `http://${host}`, `https://${host}/v1/`, `https://${host}/v2/`];
    for (const k of keys) {
      const auth = auths[k]?.auth;
      if (typeof auth === 'string' && auth.length > 0) {
        const decoded = Buffer.from(auth, 'base64').toString('utf8');
        if (decoded.includes(':')) return auth;
      }
    }
    return undefined;
  }

  private async request(host: string, method: string, pathAndQuery: string, headers: Record<string, string>, scope: string): Promise<Response> {
    const until = this.offlineUntil.get(host);
    if (until !== undefined && until > this.now()) throw new Unreachable(`Docker Guardrails: ${host} could not be reached; registry lookups are skipped for now.`);
    const base = `${this.plainHttp.has(host) || this.plainHttp.has(hostName(host)) ? 'http' : 'https'}://${host}`;
    const tokenKey = `${host} ${scope}`;
    const token = this.tokens.get(tokenKey);
    const auth: Record<string, string> = {};
    if (token && token.expires > this.now()) auth.Authorization = `Bearer ${token.token}`;
    let res = await this.send(host, method, base + pathAndQuery, { ...headers, ...auth });
    if (res.status !== 401) return res;
    const challenge = parseChallenge(headerOf(res, 'www-authenticate') ?? '');
    if (!challenge) return res;
    const creds = this.credentials(host);
    if (challenge.scheme === 'basic') {
      if (!creds) return res;
      return this.send(host, method, base + pathAndQuery, { ...headers, Authorization: `Basic ${creds}` });
    }
    if (challenge.scheme !== 'bearer' || !challenge.params.realm) return res;
    const fresh = await this.fetchToken(host, challenge.params, scope, creds);
    if (!fresh) return res;
    this.tokens.set(tokenKey, fresh);
    res = await this.send(host, method, base + pathAndQuery, { ...headers, Authorization: `Bearer ${fresh.token}` });
    return res;
  }

  private async fetchToken(host: string, params: Record<string, string>, scope: string, creds: string | undefined): Promise<{ token: string; expires: number } | undefined> {
    let realm: URL;
    try {
      realm = new URL(params.realm);
    } catch {
      return undefined;
    }
    if (realm.protocol !== 'https:' && realm.protocol !== 'http:') return undefined;
    if (params.service) realm.searchParams.set('service', params.service);
    realm.searchParams.set('scope', params.scope || scope);
    // Credentials go to the token service only over HTTPS, or to the registry's own host.
    const sameHost = realm.host === host || realm.hostname === hostName(host) || `[${realm.hostname}]` === hostName(host);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (creds && (realm.protocol === 'https:' || sameHost)) headers.Authorization = `Basic ${creds}`;
    const res = await this.send(realm.host, 'GET', realm.toString(), headers);
    if (res.status !== 200) {
      if (res.status === 401 || res.status === 403) this.notice(`Docker Guardrails: the token service of ${host} refused the lookup (HTTP ${res.status}); add credentials with \`docker login ${host === DOCKER_HUB_HOST ? '' : host}\`.`.replace('  ', ' '));
      return undefined;
    }
    try {
      const body = JSON.parse(res.body.toString('utf8')) as { token?: string; access_token?: string; expires_in?: number };
      const token = body.token ?? body.access_token;
      if (typeof token !== 'string' || token.length === 0) return undefined;
      const seconds = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60;
      return { token, expires: this.now() + Math.max(seconds - 10, 10) * 1000 };
    } catch {
      return undefined;
    }
  }

  private send(host: string, method: string, url: string, headers: Record<string, string>): Promise<Response> {
    return new Promise((resolve, reject) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch (e) {
        reject(e);
        return;
      }
      const lib = httpModule(target.protocol);
      const req = lib.request(target, { method, headers: { 'User-Agent': 'docker-guardrails', ...headers }, timeout: this.timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          // Manifests and tag lists are small; anything huge is not what was asked for.
          if (size > 8 * 1024 * 1024) req.destroy(new Error('response too large'));
          else chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      const timer = setTimeout(() => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })), this.timeoutMs);
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      req.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        this.offlineUntil.set(host, this.now() + 60_000);
        const why = e.code === 'ETIMEDOUT' ? `did not answer within ${this.timeoutMs} ms` : e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN' ? 'could not be resolved (no network?)' : e.code === 'ECONNREFUSED' ? 'refused the connection' : `could not be reached (${e.code ?? e.message})`;
        reject(new Unreachable(`Docker Guardrails: registry lookups are on, but ${host} ${why}; working offline (findings are unchanged, only the registry quick fixes are missing).`));
      });
      req.on('close', () => clearTimeout(timer));
      req.end();
    });
  }
}

/** A host without its port (`127.0.0.1:5000` → `127.0.0.1`, `[::1]:5000` → `[::1]`). */
function hostName(host: string): string {
  return host.replace(/:\d+$/, '');
}

function headerOf(res: Response, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The next page of a paginated list: `Link: </v2/…?last=x&n=100>; rel="next"`. */
function nextLink(link: string | undefined): string | undefined {
  if (!link) return undefined;
  const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(link);
  if (!m) return undefined;
  return m[1].startsWith('/') ? m[1] : undefined;
}
