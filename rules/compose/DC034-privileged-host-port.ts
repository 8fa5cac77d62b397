import { describeMapping, firstReport, hostPorts, portsOf } from '../engine/compose-ports';
import { onHostNetwork } from '../engine/compose-lookup';
import { droppedByDefaultOverride } from '../engine/override-merge';
import { defineRule } from '../engine/rule';
import type { ComposeContext, Service } from '../engine/compose';
import type { ImageRef } from '../engine/image';
import { isReverseProxy, runsImage } from '../engine/service-image';

interface Data {
  service: string;
  /** The mapping as written (ports are not secrets). */
  mapping: string;
  /** The lowest host port published. */
  port: number;
}

/**
 * Images whose job is to answer on privileged ports (by the last part of the repository), and those
 * ports: the exception the rule itself names — mail servers on the mail ports, DNS servers on 53 (reverse
 * proxies and web servers on 80/443 are isReverseProxy's, which DC030 and DC033 share).
 */
const SERVES_PRIVILEGED: readonly [RegExp, ReadonlySet<number>][] = [
  [/^(?:docker-mailserver|mailserver|postfix|dovecot|exim4?|poste\.io|mailu-front|stalwart-mail|maddy)$/, new Set([25, 110, 143, 465, 587, 993, 995])],
  // Pi-hole's FTL engine alone (vimagick/ftldns) is its DNS and DHCP server (dnsmasq inside, docs.pi-hole.net/ftldns);
  // dnscrypt-proxy is the network's resolver, answering plain DNS on 53 and forwarding it encrypted (review 47b, finding 2).
  [/^(?:pihole|adguardhome|coredns|bind9|unbound|dnsmasq|powerdns|pdns-recursor|technitium-dnsserver|ftldns|pihole-ftl|dnscrypt-proxy)$/, new Set([53])],
  // A DNSCrypt server answers DNSCrypt on the protocol's standard port, 443 over UDP and TCP (jedisct1/dnscrypt-server's
  // README: `-p 443:443/udp -p 443:443/tcp`, "only accept connections via DNSCrypt on the standard port (443)").
  [/^dnscrypt-server$/, new Set([443])],
  // Clients find these servers by the protocol's port, which they cannot be told to change: DHCP
  // clients broadcast to 67, IPsec clients start IKE on 500, devices send SNMP traps to 162.
  [/^(?:pihole|dnsmasq|adguardhome|kea-dhcp4|isc-dhcp-server|dhcpd|ftldns|pihole-ftl)$/, new Set([67])],
  [/^(?:ipsec-vpn-server|strongswan|libreswan)$/, new Set([500])],
  [/^(?:zabbix-snmptraps|snmptrapd)$/, new Set([162])],
  // SSH tarpits exist to answer scanners on 22 (review 9).
  [/^(?:endlessh|endlessh-go)$/, new Set([22])],
];

/** Images whose name alone does not say what they serve (repository paths). */
const SERVES_PRIVILEGED_REPOSITORY: readonly [RegExp, ReadonlySet<number>][] = [
  // Mailu's front is its nginx-based mail and web proxy (the image was called mailu-front before).
  [/^mailu\/nginx$/, new Set([25, 80, 110, 143, 443, 465, 587, 993, 995])],
];

/** Whether an image is one whose job is to answer on this privileged port (reverse proxies aside: isReverseProxy). */
function imageServesOn(ref: ImageRef, port: number): boolean {
  const name = ref.repository.slice(ref.repository.lastIndexOf('/') + 1);
  if (SERVES_PRIVILEGED.some(([re, ports]) => re.test(name) && ports.has(port))) return true;
  return SERVES_PRIVILEGED_REPOSITORY.some(([re, ports]) => re.test(ref.repository) && ports.has(port));
}

/**
 * Whether the service runs an image whose job is to answer on this privileged port: its `image:`, or,
 * for a service with `build:`, the base image of the Dockerfile it builds (a `build: ./proxy` of
 * `FROM nginxproxy/nginx-proxy` is the reverse proxy; review 47b, finding 2). The reverse proxy on 80/443 is
 * isReverseProxy, the reading DC030 and DC033 share.
 */
function servesOn(ctx: ComposeContext, service: Service, port: number): boolean {
  if ((port === 80 || port === 443) && isReverseProxy(ctx, service)) return true;
  return runsImage(ctx, service, (ref) => imageServesOn(ref, port));
}

export default defineRule<'compose', Data>({
  code: 'DC034',
  name: 'privileged-host-port',
  kind: 'compose',
  severity: 'info',
  fixable: 'never',
  docs: {
    summary: 'A published host port is below 1024, and it is not the port the service\'s image exists to serve.',
    what: 'Reports a published host port below 1024 (`"80:8080"`, `"127.0.0.1:443:8443"`, a range that starts below 1024, or long syntax `published: 80`), with the port resolved from the `.env` beside the compose file (a `${VAR:-default}` default counts as written; an unknown port is not reported). Ephemeral host ports (`"80"`, long syntax without `published`) are not host ports below 1024 and are not reported. The container port does not matter here. Not reported: a single port that the service\'s image exists to answer on, by the last part of its repository name — 80/443 for reverse proxies and web servers (nginx, a stack\'s own `<name>-nginx` such as markoshust/magento-nginx, nginx-proxy, openresty, traefik, caddy, haproxy, envoy, httpd, kong…, and the SNI proxy sniproxy, which routes HTTP and TLS connections by the host name they ask for), the mail ports (25, 110, 143, 465, 587, 993, 995) for mail servers (docker-mailserver, postfix, dovecot…), 53 for DNS servers and DNS proxies (pihole, adguardhome, coredns, bind9…, Pi-hole\'s FTL engine alone as ftldns or pihole-ftl, dnscrypt-proxy), 443 for a DNSCrypt server (jedisct1/dnscrypt-server, which answers DNSCrypt over UDP and TCP on the protocol\'s standard port), and ports clients find a server by and cannot be told to change — 67 for DHCP servers (pihole, ftldns, dnsmasq, kea), 500 for IPsec VPN servers (hwdsl2/ipsec-vpn-server, strongswan), 162 for SNMP trap receivers (zabbix-snmptraps), 22 for SSH tarpits (endlessh, endlessh-go): the exception the message itself names. Mailu\'s front (`mailu/nginx`) counts as its mail server. The image is the service\'s `image:`, or, for a service with `build:`, also the base image of the Dockerfile it builds when that Dockerfile is in the workspace (the stage named by `build.target`, else the last stage, followed through `FROM <earlier stage>` to the image it starts from; a tag that is a build argument without a value still names the repository), as DC011, DC022 and DC031 read it (the reverse proxy is recognised as DC030 and DC033 recognise it): a `build: ./proxy` whose Dockerfile is `FROM nginxproxy/nginx-proxy:1.7-alpine` is the reverse proxy on 80/443, a build of `FROM node:22-alpine` publishing 80 is reported, and so is a build whose Dockerfile cannot be read. Not reported for a service on the host\'s network (`network_mode: host`, also merged with `<<` or through `extends:`; or a network of its `networks:` that the file defines as Docker\'s `host` network, `hostnet: { external: true, name: host }`, as DC012 reads it): Docker ignores its `ports:` and publishes nothing (DC012 reports the host network itself). A port of a service of the default compose file is not reported when the override file `docker compose` merges by default (`compose.override.yaml` beside `compose.yaml`, or a `docker-compose.override.yml` variant) writes `!reset` (`ports: !reset []`, `!reset null`) or `!override` on that service\'s `ports:`, on the service or on `services`: the merged service does not publish it (Compose Specification, Merge › "Reset value" and "Replace value"); ports the override writes itself are judged in the override file. Without a tag Compose appends the override\'s ports to the base\'s, so the base\'s ports are still published and reported. They are also still reported where they may be used without the override: a service that another service extends (Compose copies the ports before it merges), a file that another file includes or extends, a Swarm stack (`docker stack deploy` reads only the files it is given); and when the override cannot be read, does not parse, or uses another tag (a tag reached through an anchor, an alias or a `<<` merge, or written `!<!reset>`, is not read).',
    why: 'Ports below 1024 are privileged on the host: only root (or a process with CAP_NET_BIND_SERVICE) may bind them, so Docker binds them on the service\'s behalf and the port stands in for a system service — SSH (22), DNS (53), HTTP/HTTPS (80/443) — that clients and firewall policies trust by number. The CIS Docker Benchmark (v1.6.0 5.8, "Ensure privileged ports are not mapped within containers") asks to keep them for the few services that need them, typically the reverse proxy. SECURITY-GUIDELINES.md §3 Network Security: "No Port Exposure in Production – Use reverse proxy for external access". Info level: a reverse proxy on 80/443 is the expected exception.',
    bad: 'services:\n  admin:\n    image: ghcr.io/acme/admin:2.1.0\n    ports:\n      - "80:8080"',
    good: 'services:\n  admin:\n    image: ghcr.io/acme/admin:2.1.0\n    ports:\n      - "127.0.0.1:8080:8080"',
    fix: 'No automatic fix: which port clients should use is a decision. Publish a port at or above 1024 (or none, behind the reverse proxy); keep 80/443 for the proxy itself and disable this finding there.',
    guideline: '§3 Network Security — "No Port Exposure in Production"; CIS Docker Benchmark v1.6.0 5.8 (listed in the guidelines\' references)',
    equivalents: ['KICS "Privileged Ports Mapped In Container" (Docker Compose query bc2908f3-f73c-40a9-8793-c1b7d5544f79) is related, not the same: it also flags a container port below 1024 (`"8080:80"`, `"127.0.0.1:8080:80"`, long syntax `target: 80`), which this rule does not judge, and it reports nothing for a service that lists `NET_BIND_SERVICE` under `cap_drop`, which this rule still reports', 'CIS Docker Benchmark v1.6.0 5.8 "Ensure privileged ports are not mapped within containers"'],
    references: [
      'https://docs.docker.com/reference/compose-file/services/#ports',
      'https://docs.docker.com/reference/compose-file/merge/',
      'https://docs.docker.com/reference/compose-file/build/#target',
      'https://man.archlinux.org/man/sniproxy.8.en',
      'https://github.com/DNSCrypt/dnscrypt-proxy',
      'https://github.com/jedisct1/dnscrypt-server-docker',
      'https://docs.pi-hole.net/ftldns/',
      'https://docs.datadoghq.com/security/code_security/iac_security/iac_rules/dockercompose-privileged-ports-mapped-in-container/',
      'https://www.cisecurity.org/benchmark/docker',
      'https://man7.org/linux/man-pages/man7/capabilities.7.html',
    ],
  },
  check(ctx) {
    const out = [];
    const first = firstReport();
    for (const service of ctx.services) {
      const ports = portsOf(ctx, service);
      // On the host's network Docker publishes nothing: the container binds the host's ports itself
      // (its own ports, not these), which the image's user decides (review 36, probe p48).
      if (!ports || onHostNetwork(ctx, service)) continue;
      // The override Compose merges by default resets or replaces these ports (`!reset`, `!override`): not published (review 41c, item 1).
      if (droppedByDefaultOverride(ctx, service, 'ports')) continue;
      for (const m of ports.mappings) {
        const range = hostPorts(m);
        if (!range || range === 'unknown') continue;
        if (range.start >= 1024 || range.start < 1) continue;
        // The proxy on 80/443, the mail server on 25/587…: what the message itself says those ports are for.
        if (range.start === range.end && servesOn(ctx, service, range.start)) continue;
        if (!first(m, m.reportRange)) continue;
        out.push({ range: m.reportRange, data: { service: service.name, mapping: describeMapping(m), port: range.start } });
      }
    }
    return out;
  },
  message(d) {
    return `Service '${d.service}' publishes privileged host port ${d.port} ('${d.mapping}'); keep ports below 1024 for the services that must answer on them (reverse proxy, DNS, mail).`;
  },
});
