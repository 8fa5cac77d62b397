/**
 * A service's image when only its tag is unknown: `valkey/valkey:${VALKEY_VERSION}` with no value for
 * the variable still names the repository, which is enough to know what runs (a data store's kind),
 * though not its version. Falls back to nothing when the repository part itself uses a variable.
 * The image is also read through `extends:`.
 */
import type { ComposeContext, Service } from './compose';
import { imageThrough } from './compose-lookup';
import { dataStoreOf, dataStoreOfImage, serviceImage, type DataStoreInfo } from './datastores';
import { parseImageRef, type ImageRef } from './image';

export interface LooseImage {
  ref: ImageRef;
  /** The tag/digest is known (false: it uses a variable without a value; `ref.tag` is then null). */
  tagKnown: boolean;
}

export function serviceImageLoose(ctx: ComposeContext, service: Service): LooseImage | null {
  const exact = serviceImage(ctx, service);
  if (exact) return { ref: exact, tagKnown: true };
  const image = imageThrough(ctx, service);
  if (!image || image === 'unknown') return null;
  return tagVariableImage(image.raw);
}

/** An `image:` text and its value after interpolation (null: a variable without a value) as a LooseImage, or null. */
export function looseImageOfText(raw: string, value: string | null): LooseImage | null {
  if (value === null) return tagVariableImage(raw);
  const ref = parseImageRef(value);
  return ref ? { ref, tagKnown: true } : null;
}

/** The image named by a written text whose tag or digest uses a variable without a value, or null. */
function tagVariableImage(raw: string): LooseImage | null {
  const dollar = raw.indexOf('$');
  if (dollar === -1) return null;
  const head = raw.slice(0, dollar);
  // The variable must be inside the tag (after the last `:` that follows the last `/`) or the digest.
  const slash = head.lastIndexOf('/');
  const cut = Math.max(head.lastIndexOf(':'), head.lastIndexOf('@'));
  if (cut <= slash) return null;
  const ref = parseImageRef(head.slice(0, cut));
  return ref ? { ref, tagKnown: false } : null;
}

/** The data store a service runs, also when its image tag is an unresolved variable. */
export function dataStoreOfLoose(ctx: ComposeContext, service: Service): DataStoreInfo | undefined {
  return ctx.memo(service.map, 'dataStoreLoose', () => computeDataStoreOfLoose(ctx, service));
}

function computeDataStoreOfLoose(ctx: ComposeContext, service: Service): DataStoreInfo | undefined {
  const known = dataStoreOf(ctx, service);
  if (known) return known;
  const loose = serviceImageLoose(ctx, service);
  return loose ? dataStoreOfImage(loose.ref) : undefined;
}

/**
 * Reverse proxies and web servers, by the last part of the repository name (`nginxproxy/nginx-proxy`,
 * `traefik`, `redash/nginx`; Nginx Proxy Manager's forks spell it `nginxproxymanager`, `npmplus`:
 * review 6, probe dc-09), also a stack's own web server named after it (`markoshust/magento-nginx`,
 * review 8), Caddy builds with plugins (`caddy-cloudflare`, `caddy-reverse-proxy-cloudflare`, `caddy-crowdsec-bouncer`: reviews 9, 10;
 * not `nginx-<x>`, which names tools such as nginx-prometheus-exporter, nor a tool named
 * after a proxy, `goaccess-for-nginxproxymanager`: review 9).
 */
const REVERSE_PROXY = /^(?:nginx(?:-unprivileged|[-_]?proxy(?:[-_]?manager)?)?|(?:[a-z0-9]+[-_])+nginx|npmplus|openresty|traefik|caddy(?:[-_][a-z0-9]+)*|haproxy|envoy|httpd|apache2?|kong|varnish|swag|letsencrypt-nginx-proxy-companion)$/;

/** The last part of a service's image repository (`nginx` for `redash/nginx:1.0`), or null when unknown. */
export function imageBaseName(ctx: ComposeContext, service: Service): string | null {
  const ref = serviceImageLoose(ctx, service)?.ref;
  return ref ? ref.repository.slice(ref.repository.lastIndexOf('/') + 1) : null;
}

/** Whether a service runs a reverse proxy or web server image: the one that should publish 80/443. */
export function isReverseProxy(ctx: ComposeContext, service: Service): boolean {
  const name = imageBaseName(ctx, service);
  return name !== null && REVERSE_PROXY.test(name);
}

/** Whether an image is a reverse proxy or web server, by the last part of its repository (as isReverseProxy). */
export function isReverseProxyImage(ref: ImageRef): boolean {
  return REVERSE_PROXY.test(ref.repository.slice(ref.repository.lastIndexOf('/') + 1));
}

