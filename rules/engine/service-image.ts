/**
 * A service's image when only its tag is unknown: `valkey/valkey:${VALKEY_VERSION}` with no value for
 * the variable still names the repository, which is enough to know what runs (a data store's kind),
 * though not its version. Falls back to nothing when the repository part itself uses a variable.
 * The image is also read through `extends:`.
 */
import type { ComposeContext, Service } from './compose';
import { builtDockerfileOf, builtStage, imageThrough } from './compose-lookup';
import { dataStoreOf, dataStoreOfImage, serviceImage, type DataStoreInfo } from './datastores';
import { parseImageRef, type ImageRef } from './image';
import { stageChain } from './stage-scope';
import { buildArgsOf, fromWithArgs, globalArgsRead } from './build-args';

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

/**
 * The data store a service runs, also when its image's tag is an unresolved variable, or the tag of the base of the
 * Dockerfile it builds is (docker-elk: `FROM docker.elastic.co/elasticsearch/elasticsearch:${ELASTIC_VERSION:?}`,
 * review 48a, finding 4): the repository names the store. Which store it is, not which version: a rule that needs the
 * version reads the tag itself and knows it may be unknown (LooseImage.tagKnown, builtBaseLoose).
 */
export function dataStoreOfLoose(ctx: ComposeContext, service: Service): DataStoreInfo | undefined {
  return ctx.memo(service.map, 'dataStoreLoose', () => computeDataStoreOfLoose(ctx, service));
}

function computeDataStoreOfLoose(ctx: ComposeContext, service: Service): DataStoreInfo | undefined {
  const known = dataStoreOf(ctx, service);
  if (known) return known;
  // An `image:` that names no store may name what a `build:` makes (`image: myorg/db:1` beside `build: ./db`): the base
  // of the Dockerfile it builds says what runs (storeImageLoose).
  const loose = serviceImageLoose(ctx, service);
  const fromImage = loose ? dataStoreOfImage(loose.ref) : undefined;
  if (fromImage) return fromImage;
  const base = builtBaseImage(ctx, service);
  return base ? dataStoreOfImage(base) : undefined;
}

/**
 * The image whose name says which data store a service runs, with whether its tag is known: its `image:` when that names
 * a store (with no `pull_policy` Compose pulls that name before it builds: Compose Build Specification, "Using build and
 * image"), else the base of the Dockerfile it builds when that names one (an `image:` beside `build:` names the built
 * result, `image: myorg/db:1`), else whichever of the two there is. The one reading of the data-store rules that need the
 * image's layout or version (DC060), so that it agrees with dataStoreOfLoose on which image that is.
 */
export function storeImageLoose(ctx: ComposeContext, service: Service): LooseImage | null {
  const image = serviceImageLoose(ctx, service);
  if (image && dataStoreOfImage(image.ref)) return image;
  const base = builtBaseLoose(ctx, service);
  if (base && dataStoreOfImage(base.ref)) return base;
  return image ?? base;
}

/**
 * Reverse proxies and web servers, by the last part of the repository name (`nginxproxy/nginx-proxy`,
 * `traefik`, `redash/nginx`; Nginx Proxy Manager's forks spell it `nginxproxymanager`, `npmplus`:
 * review 6, probe dc-09), also a stack's own web server named after it (`markoshust/magento-nginx`,
 * review 8), Caddy builds with plugins (`caddy-cloudflare`, `caddy-reverse-proxy-cloudflare`, `caddy-crowdsec-bouncer`: reviews 9, 10;
 * not `nginx-<x>`, which names tools such as nginx-prometheus-exporter, nor a tool named
 * after a proxy, `goaccess-for-nginxproxymanager`: review 9), and the SNI proxy sniproxy, which routes HTTP and
 * TLS connections by the host name they ask for (sniproxy(8); review 47b, finding 2).
 */
const REVERSE_PROXY = /^(?:nginx(?:-unprivileged|[-_]?proxy(?:[-_]?manager)?)?|(?:[a-z0-9]+[-_])+nginx|npmplus|openresty|traefik|caddy(?:[-_][a-z0-9]+)*|haproxy|envoy|httpd|apache2?|kong|varnish|swag|letsencrypt-nginx-proxy-companion|sniproxy)$/;

/**
 * The image a `build:` service's container runs on: the base at the root of the stage it builds
 * (`build.target`, else the last stage, through `FROM <earlier stage>`), read from the Dockerfile of the
 * workspace as DC011, DC022 and DC031 read it. Null without `build:`, when the Dockerfile is not in the
 * workspace, or when that base is `scratch` or unknown (a base whose tag alone is a variable without a value
 * still names its repository).
 */
export function builtBaseImage(ctx: ComposeContext, service: Service): ImageRef | null {
  return builtBaseLoose(ctx, service)?.ref ?? null;
}

/**
 * builtBaseImage with whether its tag is known: false when the base's tag is a variable without a value (`FROM
 * postgres:${PG_VERSION}` with no default; `ref.tag` is then null, which must not be read as "no tag, so latest").
 * A FROM that reads a global ARG the service passes in `build.args` (map or list form, interpolated with the `.env`;
 * through `extends:` and the default override, as Compose merges them: buildArgsOf) names the image with the value
 * passed, not the ARG's default: `ARG PG_MAJOR=15` / `FROM postgres:${PG_MAJOR}` built with `args: { PG_MAJOR: "17" }`
 * runs postgres:17 (the Dockerfile reference, "Understand how ARG and FROM interact"; Compose Build Specification,
 * args). An arg written without a value passes the `.env`'s value of its name when the `.env` sets one. A value that is
 * not known (a variable without a value, an arg written without one that the `.env` does not set, which Compose takes
 * from its own environment, `args` that cannot be read) leaves the tag unknown; one on a FROM that names an earlier stage
 * leaves the base unknown (null).
 */
export function builtBaseLoose(ctx: ComposeContext, service: Service): LooseImage | null {
  return ctx.memo(service.map, 'builtBaseImage', () => {
    const built = builtDockerfileOf(ctx, service);
    if (!built) return null;
    const stage = builtStage(built);
    if (!stage) return null;
    const chain = stageChain(stage);
    const passed = buildArgsOf(ctx, service);
    const dockerfile = built.dockerfile;
    /** The global ARGs a FROM reads that the build may pass a value for (all of them when the args cannot be read). */
    const overridden = (raw: string | null) => {
      if (!raw || !raw.includes('$')) return [];
      return [...globalArgsRead(dockerfile, raw)].filter((n) => passed.unknown || passed.args.has(n));
    };
    for (const s of chain.slice(0, -1)) if (overridden(s.from.getImage()).length > 0) return null;
    const root = chain[chain.length - 1];
    const raw = root.from.getImage();
    const read = overridden(raw);
    if (raw && read.length > 0) {
      const known = !passed.unknown && read.every((n) => passed.args.get(n)!.given);
      const text = known ? fromWithArgs(dockerfile, raw, passed.args).text : null;
      if (text === null) return looseImageOfText(raw, null);
      const lower = text.toLowerCase();
      if (lower === 'scratch' || dockerfile.stages.some((st) => st.index < root.index && st.name === lower)) return null;
      const ref = parseImageRef(text);
      return ref ? { ref, tagKnown: true } : null;
    }
    const base = root.base;
    if (base.kind === 'image') return { ref: base.ref, tagKnown: true };
    // `FROM nginx:${NGINX_VERSION}` with no value for the variable still names the repository (as an `image:` does).
    return base.kind === 'unknown' && raw ? looseImageOfText(raw, null) : null;
  });
}

/**
 * Whether the service runs an image this predicate accepts: its `image:` (also when only the tag is an unknown
 * variable), or, for a service with `build:`, the base image of the Dockerfile it builds (builtBaseImage).
 */
export function runsImage(ctx: ComposeContext, service: Service, test: (ref: ImageRef) => boolean): boolean {
  const image = serviceImageLoose(ctx, service)?.ref;
  if (image && test(image)) return true;
  const base = builtBaseImage(ctx, service);
  return base !== null && test(base);
}

/** Whether an image is a reverse proxy or web server, by the last part of its repository. */
export function isReverseProxyImage(ref: ImageRef): boolean {
  return REVERSE_PROXY.test(ref.repository.slice(ref.repository.lastIndexOf('/') + 1));
}

/**
 * Whether a service runs a reverse proxy or web server, the one that should publish 80/443: its `image:`, or the base
 * image of the Dockerfile it builds (a `build: ./proxy` of `FROM nginxproxy/nginx-proxy`: review 47b). The one reading
 * DC030, DC033 and DC034 share, so they agree on which service is the proxy.
 */
export function isReverseProxy(ctx: ComposeContext, service: Service): boolean {
  return ctx.memo(service.map, 'isReverseProxy', () => runsImage(ctx, service, isReverseProxyImage));
}

/** A port range, both ends included. */
type PortSpan = readonly [number, number];

/**
 * Servers whose job is to be reached from other machines on their protocol's ports, and those ports: binding them to
 * 127.0.0.1 stops the service (DC030; review 48a, finding 1). By repository, narrowly: a full mail server, not an image
 * named `postfix` that is an outbound relay for the stack's applications (boky/postfix's README: "geared towards emails
 * that need to be sent from your applications", run as `-p 1587:587` and used on localhost).
 * - Mail: the ports docker-mailserver's "Understanding the Ports" lists (25 transfer, 465/587 submission, 110/995 POP3,
 *   143/993 IMAP) and ManageSieve 4190 (mailcow's dovecot, Stalwart's Docker page). docker-mailserver, mailcow's postfix
 *   and dovecot, Mailu's front (`mailu/nginx`), Stalwart (`stalwartlabs/mail-server`, now `stalwartlabs/stalwart`),
 *   poste.io.
 * - TURN/STUN: coturn on 3478 and 5349 (TCP and UDP) and its UDP relay ports, which coturn/coturn's README publishes as
 *   `49152-65535:49152-65535/udp` (RFC 5766 §6.2; `--min-port`/`--max-port` narrow it): a relay range inside 49152-65535.
 * - VPN servers: WireGuard on 51820/udp (linuxserver/wireguard, wg-easy), IPsec on 500 and 4500/udp
 *   (hwdsl2/ipsec-vpn-server), OpenVPN on 1194 (kylemanna/openvpn).
 * Not DNS servers on 53: a resolver on every interface is an open resolver (CISA TA13-088A).
 */
const PUBLIC_SERVERS: readonly { image: (ref: ImageRef, name: string) => boolean; tcp: readonly PortSpan[]; udp: readonly PortSpan[] }[] = [
  {
    image: (ref, name) => name === 'docker-mailserver' || name === 'poste.io' || /^(?:mailcow\/(?:postfix|dovecot)|mailu\/nginx|stalwartlabs\/(?:mail-server|stalwart))$/.test(ref.repository),
    tcp: [[25, 25], [110, 110], [143, 143], [465, 465], [587, 587], [993, 993], [995, 995], [4190, 4190]],
    udp: [],
  },
  { image: (_ref, name) => name === 'coturn', tcp: [[3478, 3478], [5349, 5349]], udp: [[3478, 3478], [5349, 5349], [49152, 65535]] },
  { image: (_ref, name) => name === 'wireguard' || name === 'wg-easy', tcp: [], udp: [[51820, 51820]] },
  { image: (_ref, name) => name === 'ipsec-vpn-server', tcp: [], udp: [[500, 500], [4500, 4500]] },
  { image: (ref) => ref.repository === 'kylemanna/openvpn', tcp: [[1194, 1194]], udp: [[1194, 1194]] },
];

/** Whether an image is a server whose job is to be reached from other machines on these ports (all of them). */
export function isPublicServerImagePort(ref: ImageRef, protocol: 'tcp' | 'udp', start: number, end: number): boolean {
  const name = ref.repository.slice(ref.repository.lastIndexOf('/') + 1);
  return PUBLIC_SERVERS.some((s) => s.image(ref, name) && s[protocol].some(([lo, hi]) => lo <= start && end <= hi));
}

/**
 * Whether a service runs a server whose job is to be reached from other machines on these container ports (a mail
 * server on 25, a TURN server on 3478, a VPN server on 51820/udp): its `image:`, or the base image of the Dockerfile it
 * builds, as isReverseProxy reads it.
 */
export function isPublicServerPort(ctx: ComposeContext, service: Service, protocol: 'tcp' | 'udp', start: number, end: number): boolean {
  return runsImage(ctx, service, (ref) => isPublicServerImagePort(ref, protocol, start, end));
}
