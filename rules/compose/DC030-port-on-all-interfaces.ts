import { isMap } from '../engine/yaml-guards';
import { bindToLoopbackEdit, describeMapping, firstReport, hostIpKind, portsOf, type PortMapping } from '../engine/compose-ports';
import { defineRule } from '../engine/rule';
import { isSwarmStack, onHostNetwork } from '../engine/compose-lookup';
import { droppedByDefaultOverride, mayBeExtended } from '../engine/override-merge';
import { isPublicServerPort, isReverseProxy } from '../engine/service-image';

interface Data {
  service: string;
  /** The mapping as written (ports are not secrets). */
  mapping: string;
  /** The host IP was written as a wildcard (`0.0.0.0`, `::`) rather than left out. */
  wildcard: boolean;
  /** The parsed mapping, for the fix. */
  port: PortMapping;
  /** The file is a Swarm stack: the host IP is ignored there. */
  stack?: boolean;
  /** In a stack, published with `mode: host`: on the node that runs the task, not through the routing mesh. */
  hostMode?: boolean;
}

/**
 * The host's own web port published to the same port of the container, 80 to 80 or 443 to 443 (TCP, or UDP for
 * HTTP/3), exactly: the public entry point. A high host port (`8080:80`) is how a proxy is run for local work.
 */
function isWebEntryPort(m: PortMapping): boolean {
  const target = m.target?.value?.trim();
  return (target === '80' || target === '443') && m.published?.value?.trim() === target;
}

/** A port or range as written (`25`, `49160-49200`), or null. */
function portSpan(text: string | null | undefined): [number, number] | null {
  const r = /^(\d+)(?:-(\d+))?$/.exec(text?.trim() ?? '');
  if (!r) return null;
  const start = Number(r[1]);
  return [start, r[2] === undefined ? start : Number(r[2])];
}

/**
 * The container port (or range) and protocol of a mapping that publishes it on the same host port (`"25:25"`,
 * `"49160-49200:49160-49200/udp"`), where other machines look for the protocol: a different host port (`"2525:25"`) is
 * how a server is run for local work. Null otherwise.
 */
function publishedAsItself(m: PortMapping): { protocol: 'tcp' | 'udp'; start: number; end: number } | null {
  const target = portSpan(m.target?.value);
  const published = portSpan(m.published?.value);
  if (!target || !published || target[0] !== published[0] || target[1] !== published[1]) return null;
  const protocol = (m.protocol?.value ?? 'tcp').trim().toLowerCase();
  if (protocol !== 'tcp' && protocol !== 'udp') return null;
  return { protocol, start: target[0], end: target[1] };
}

export default defineRule<'compose', Data>({
  code: 'DC030',
  name: 'port-on-all-interfaces',
  kind: 'compose',
  severity: 'warning',
  fixable: 'sometimes',
  docs: {
    summary: 'A published port listens on every interface of the host: no host IP, or a wildcard one (`0.0.0.0`, `::`).',
    what: 'Flags a published port (`ports:`, short or long syntax) that listens on every interface of the host: no host IP (`"8080:80"`, `"80"`, `- target: 80` without `host_ip`), or a wildcard host IP (`0.0.0.0`, `::`, `[::]`). Values are resolved from the `.env` beside the compose file (a `${VAR:-default}` default counts as written); a mapping whose host part comes from a variable that may hold an address (`"${BIND}:80"` with BIND unknown) is not reported — a variable named like a port (`${WEB_PORT}:80`) is taken to hold a port. Findings through a `<<` merge are reported on the merge key, through an alias on the alias. Not reported for the public entry point of a reverse proxy or web server: the host\'s port 80 or 443 published to the same port of a service that runs one, `"80:80"`, `"443:443/udp"` — outside traffic is meant to enter there (§3: "Use reverse proxy for external access"). The service runs one when its image is one, by the last part of its repository name (nginx, nginx-proxy, openresty, traefik, caddy, haproxy, envoy, httpd, kong…, and the SNI proxy sniproxy, which routes HTTP and TLS connections by the host name they ask for), or, for a service with `build:`, when the base image of the Dockerfile it builds is one (the stage named by `build.target`, else the last stage, followed through `FROM <earlier stage>`; the Dockerfile must be in the workspace): a `build: ./proxy` of `FROM nginxproxy/nginx-proxy:1.7` is the proxy, a build of `FROM node:22-alpine` is not — the reading DC033 and DC034 share. This holds in a Swarm stack too, and not for a service that another service extends (in this file, or as the `extends:` base of another compose file): the service that extends it may run another image with these ports. Its other mappings are reported: a dashboard or admin API (Traefik\'s `8080`), or a high host port (`"8080:80"`), which is how a proxy or web server is run for local work. Not reported either: the ports a server exists to be reached on from other machines, published on the same host port — a mail server\'s SMTP 25, submission 465 and 587, POP3 110 and 995, IMAP 143 and 993 and ManageSieve 4190 over TCP (docker-mailserver, mailcow\'s postfix and dovecot images, Mailu\'s front `mailu/nginx`, Stalwart `stalwartlabs/mail-server` or `stalwartlabs/stalwart`, poste.io; docker-mailserver\'s "Understanding the Ports": port 25 receives email from anyone who sends you some, the others serve your users\' mail clients), a TURN/STUN server\'s 3478 and 5349 over TCP and UDP and its relay ports over UDP inside 49152-65535 (coturn; its README publishes `49152-65535:49152-65535/udp`, RFC 5766 §6.2, or a narrower `--min-port`/`--max-port` range), a VPN server\'s WireGuard 51820/udp (linuxserver/wireguard, wg-easy), IPsec 500 and 4500/udp (hwdsl2/ipsec-vpn-server) or OpenVPN 1194 (kylemanna/openvpn). Bound to 127.0.0.1 these would stop the service (no inbound mail). They are silent rather than an info without the fix: like the proxy\'s entry point there is nothing to change, and DC034 does not report them on their privileged ports either. The server is recognised by its image, or the base image of the Dockerfile a `build:` service builds, as the reverse proxy is, and not for a service that another extends; its other ports (Stalwart\'s web admin on 8080, wg-easy\'s UI on 51821) and a different host port (`"2525:25"`, how a server is run for local work) are reported. An image named only `postfix` is not taken for a mail server: such images are mostly outbound relays for the stack\'s applications (boky/postfix: "geared towards emails that need to be sent from your applications", used as `-p 1587:587` on localhost), which other machines must not reach. DC033 still reports these servers in a production file: it leaves only the reverse proxy\'s ports out. A DNS server on 53 (pihole, coredns, dnscrypt-proxy…) is reported, although DC034 lets it answer on its low port: a DNS resolver listening on every interface of a machine on the internet is an open resolver, abused for DNS amplification (CISA TA13-088A): bind it to the address of the network it serves (`"192.168.1.2:53:53/udp"`). Not reported for a service on the host\'s network (`network_mode: host`, also merged with `<<` or through `extends:`; or a network of its `networks:` that the file defines as Docker\'s `host` network, `hostnet: { external: true, name: host }`, as DC012 reads it — compose-go refuses `network_mode:` beside `networks:`): Docker ignores its `ports:` (the host network driver\'s documentation), and DC012 reports the host network itself. In a Swarm stack (a file `docker stack deploy` runs: see DC040\'s detection) every published port is reported but a reverse proxy\'s public entry point and a server\'s own ports (above), with no fix: the deploy ignores a host IP ("ignoring IP-address … service will listen on \'0.0.0.0\'", moby/moby#32299) and the routing mesh listens on every interface of every node (a port published with `mode: host` bypasses the mesh and listens on every interface of each node that runs a task: the message says so). A port of a service of the default compose file is not reported when the override file `docker compose` merges by default (`compose.override.yaml` beside `compose.yaml`, or a `docker-compose.override.yml` variant) writes `!reset` (`ports: !reset []`, `!reset null`) or `!override` on that service\'s `ports:`, on the service or on `services`: the merged service does not publish it (Compose Specification, Merge › "Reset value" and "Replace value"); ports the override writes itself are judged in the override file. Without a tag Compose appends the override\'s ports to the base\'s, so the base\'s ports are still published and reported. They are also still reported where they may be used without the override: a service that another service extends (Compose copies the ports before it merges), a file that another file includes or extends, a Swarm stack (`docker stack deploy` reads only the files it is given); and when the override cannot be read, does not parse, or uses another tag (a tag reached through an anchor, an alias or a `<<` merge, or written `!<!reset>`, is not read).',
    why: 'Docker publishes a port by writing its own iptables/nftables rules, ahead of host firewalls such as ufw and firewalld, so a port without a host IP is reachable from every network the machine is on — including the internet on a cloud VM — whatever the firewall says. SECURITY-GUIDELINES.md §3 Network Security: "Custom Bridge Network – Services isolated from external networks" and "No Port Exposure in Production – Use reverse proxy for external access". Bind ports that only you need (admin UIs, debuggers, databases) to 127.0.0.1.',
    bad: 'services:\n  web:\n    image: nginx:1.28-alpine\n    ports:\n      - "8080:80"\n      - target: 443\n        published: 8443',
    good: 'services:\n  web:\n    image: nginx:1.28-alpine\n    ports:\n      - "127.0.0.1:8080:80"\n      - target: 443\n        published: 8443\n        host_ip: 127.0.0.1',
    fix: '"Bind to 127.0.0.1" prefixes the short syntax with `127.0.0.1:` (`127.0.0.1::` before a lone container port, which keeps the ephemeral host port; a bare number becomes a quoted string), replaces a written wildcard (`0.0.0.0` → `127.0.0.1`, `::`/`[::]` → `::1`/`[::1]`), or adds `host_ip: 127.0.0.1` to a long-syntax block mapping — keeping quotes, comments and indentation. Not offered when the mapping is inherited through a `<<` merge, comes through an alias or sits inside an anchor (the edit would change every service that uses it: fix it at the anchor), when the host IP comes from a variable, when the host port comes from a variable not named like a port (`"${SENTRY_BIND}:80"` resolves to a port in this `.env`, but such a variable may hold `IP:PORT`, and the prefix would then give `127.0.0.1:IP:PORT:80`; `${WEB_PORT}` is taken to hold a port), or for a flow mapping. The fix is not applied by fix-all: the port stops being reachable from other machines, which is the point but must be a decision — for a public web service, put a reverse proxy in front instead. No finding, and so no fix, for a mail, TURN or VPN server\'s own ports (above): binding them to 127.0.0.1 would stop the service. No finding, and so no fix, for a port that the default override resets or replaces: the edit would not take effect (bind the port in the override instead, where its own ports are judged).',
    guideline: '§3 Network Security — "Custom Bridge Network – Services isolated from external networks", "No Port Exposure in Production"',
    equivalents: ['KICS "Container Traffic Not Bound To Host Interface" (451d79dc-0588-476a-ad03-3c7f0320abb3)', 'dclint no-unbound-port-interfaces', 'compose-lint CL-0005'],
    references: [
      'https://docs.docker.com/reference/compose-file/services/#ports',
      'https://docs.docker.com/reference/compose-file/merge/',
      'https://docs.docker.com/engine/network/packet-filtering-firewalls/',
      'https://docs.docker.com/engine/network/#published-ports',
      'https://github.com/zavoloklom/docker-compose-linter/blob/main/docs/rules/no-unbound-port-interfaces-rule.md',
      'https://pypi.org/project/compose-lint/',
      'https://docs.docker.com/reference/compose-file/interpolation/',
      'https://docs.docker.com/reference/compose-file/build/#target',
      'https://man.archlinux.org/man/sniproxy.8.en',
      'https://www.cisa.gov/uscert/ncas/alerts/TA13-088A',
      'https://docker-mailserver.github.io/docker-mailserver/latest/config/security/understanding-the-ports/',
      'https://stalw.art/docs/install/platform/docker',
      'https://github.com/coturn/coturn/blob/master/docker/coturn/README.md',
      'https://www.rfc-editor.org/rfc/rfc5766#section-6.2',
      'https://github.com/linuxserver/docker-wireguard',
      'https://github.com/wg-easy/wg-easy',
      'https://github.com/hwdsl2/docker-ipsec-vpn-server',
      'https://github.com/kylemanna/docker-openvpn',
      'https://github.com/bokysan/docker-postfix',
    ],
  },
  check(ctx) {
    const out = [];
    const first = firstReport();
    // docker stack deploy ignores a host IP ("ignoring IP-address … service will listen on '0.0.0.0'",
    // moby/moby#32299): in a Swarm stack every published port is on every node's interfaces (review 10, dc-07).
    // Asked only of a file with a mapping that a host IP would otherwise keep from this finding.
    let stackKnown: boolean | undefined;
    const isStack = () => (stackKnown ??= isSwarmStack(ctx));
    for (const service of ctx.services) {
      const ports = portsOf(ctx, service);
      if (!ports) continue;
      // With the host's network Docker ignores `ports:` (no NAT rule is written; DC012 reports the host network itself).
      // Read after interpolation, as DC012 reads it (`${NET_MODE:-host}`: review 10, probe 09).
      // Through `extends:` too (review 36, probe p48).
      if (onHostNetwork(ctx, service)) continue;
      // The override Compose merges by default resets or replaces these ports (`!reset`, `!override`):
      // they are not published, and an edit here would change nothing (review 41c, item 1).
      if (droppedByDefaultOverride(ctx, service, 'ports')) continue;
      // A reverse proxy's HTTP(S) ports are where outside traffic is meant to enter (§3: "Use reverse proxy for
      // external access"; review 26: Traefik's 80 and 443 were told to bind to 127.0.0.1). Its other ports are
      // reported: a dashboard, an admin API. The proxy by its image or the base of the Dockerfile it builds, as DC033 and
      // DC034 read it (dc030). Not a DNS server on 53: on every interface it is an open resolver (CISA TA13-088A).
      // Not for a service that another extends: that one may run another image with these ports (review 27, probe 04).
      // Asked only of a web entry port: the build's Dockerfile is read when it can matter.
      let proxyKnown: boolean | undefined;
      const isProxy = () => (proxyKnown ??= isReverseProxy(ctx, service) && !mayBeExtended(ctx, service));
      for (const m of ports.mappings) {
        if (hostIpKind(m) !== 'all' && !isStack()) continue;
        if (isWebEntryPort(m) && isProxy()) continue;
        // A mail server's SMTP/IMAP ports, a TURN server's, a VPN server's: other machines must reach them, and the
        // loopback fix would stop the service (review 48a, finding 1: "Bind to 127.0.0.1" on docker-mailserver's 25).
        // Its other ports (an admin or web UI) are reported. Not for a service that another extends, as above.
        const served = publishedAsItself(m);
        if (served && isPublicServerPort(ctx, service, served.protocol, served.start, served.end) && !mayBeExtended(ctx, service)) continue;
        const hostIpPair = m.pairs.host_ip;
        const range = m.editable && m.syntax === 'long' && hostIpPair && isMap(m.node) ? ctx.rangeOfPair(hostIpPair) : m.reportRange;
        if (!first(m, range)) continue;
        out.push({ range, data: { service: service.name, mapping: describeMapping(m), wildcard: m.hostIpState === 'written', port: m, ...(isStack() ? { stack: true, ...(m.mode?.value?.trim() === 'host' ? { hostMode: true } : {}) } : {}) } });
      }
    }
    return out;
  },
  message(d) {
    // `mode: host` bypasses the routing mesh: the port is opened on the node that runs each task (review 24, probe dc-04).
    if (d.stack && d.hostMode) return `Port '${d.mapping}' of service '${d.service}' is published in host mode by a Swarm stack, where docker stack deploy ignores any host IP: it listens on every interface of each node that runs a task of the service; publish only what must be public, and reach the rest over an overlay network.`;
    if (d.stack) return `Port '${d.mapping}' of service '${d.service}' is published by a Swarm stack, where docker stack deploy ignores any host IP and the routing mesh listens on every interface of every node; publish only what must be public, and reach the rest over an overlay network.`;
    const how = d.wildcard ? 'binds it to every host interface' : 'has no host IP, so it listens on every host interface';
    return `Port '${d.mapping}' of service '${d.service}' ${how}; Docker's rules bypass host firewalls. Bind it to 127.0.0.1 unless other machines must reach it.`;
  },
  fix(ctx, { data }) {
    // Binding to 127.0.0.1 changes nothing in a stack.
    if (data.stack) return undefined;
    const r = bindToLoopbackEdit(ctx, data.port);
    if (!r) return undefined;
    return { title: `Bind port '${data.mapping}' to ${r.address}`, safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [r.edit] }] };
  },
});
