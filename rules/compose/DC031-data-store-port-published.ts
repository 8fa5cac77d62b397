import type { Node } from 'yaml';
import type { ComposeContext, Service } from '../engine/compose';
import { isSwarmStack, lookupKey, onHostNetwork, resolvedScalar } from '../engine/compose-lookup';
import { describeMapping, firstReport, hostIpKind, portsOf, removeMappingEdit, type PortMapping } from '../engine/compose-ports';
import { hostNetworkEntries } from '../engine/host-network';
import type { DataStoreInfo, DataStoreKind } from '../engine/datastores';
import { companionServices } from '../engine/data-volumes';
import { droppedByDefaultOverride } from '../engine/override-merge';
import { defineRule } from '../engine/rule';
import { dataStoreOfLoose } from '../engine/service-image';

/**
 * Where a service's network namespace is, as far as reaching a data store goes: on the project's
 * compose networks (`network`: it reaches the store by name), the host's (`host`: it reaches published
 * ports, 127.0.0.1 included), Docker's default bridge (`bridge`: published ports through the host's
 * addresses, not 127.0.0.1), none (`none`), or not known (`unknown`: a container outside the project,
 * a variable without a value, an `extends:` that cannot be read).
 */
type NetworkPlace = 'network' | 'host' | 'bridge' | 'none' | 'unknown';

/** A service of the file that is not on a compose network and can reach a data store only through a published port. */
interface OutsideClient {
  /** The service itself (a data store is not its own client). */
  of: Service;
  service: string;
  /** Its `network_mode:` after interpolation (e.g. `host`, `service:vpn`), for the message. */
  mode: string;
  /** Instead, its network of `networks:` that the file defines as Docker's `host` network (`hostnet: { external: true, name: host }`). */
  network?: string;
  place: 'host' | 'bridge' | 'unknown';
}

function networkModeOf(ctx: ComposeContext, service: Service): string | null | undefined {
  const found = lookupKey(ctx, service, 'network_mode');
  if (found === 'unknown') return null;
  if (!found) return undefined;
  const value = resolvedScalar(found.ctx, found.ctx.resolve(found.service.doc, found.entry.value as Node | null));
  return value === undefined || value === null ? null : value.trim();
}

/** Where a service's network namespace is; `service:x` and `container:<container_name of x>` follow x (Compose Specification, services › network_mode). */
function networkPlace(ctx: ComposeContext, service: Service, seen = new Set<string>()): NetworkPlace {
  if (seen.has(service.name) || seen.size > 8) return 'unknown';
  seen.add(service.name);
  const mode = networkModeOf(ctx, service);
  if (mode === undefined) return hostNetworkEntries(ctx, service).length > 0 ? 'host' : 'network';
  if (mode === null) return 'unknown';
  if (mode === 'host' || mode === 'bridge' || mode === 'none') return mode;
  const m = /^(service|container):(.+)$/.exec(mode);
  if (!m) return 'unknown';
  const target = servicesByName(ctx)[m[1] as 'service' | 'container'].get(m[2]);
  return target ? networkPlace(ctx, target, seen) : 'unknown';
}

/** The file's services by name and by `container_name` (first wins), built once per file. */
function servicesByName(ctx: ComposeContext): { service: Map<string, Service>; container: Map<string, Service> } {
  return ctx.memo(ctx, 'DC031.servicesByName', () => {
    const service = new Map<string, Service>();
    const container = new Map<string, Service>();
    for (const s of ctx.services) {
      if (!service.has(s.name)) service.set(s.name, s);
      const name = resolvedScalar(ctx, ctx.serviceGet(s, 'container_name')?.value);
      if (name && !container.has(name)) container.set(name, s);
    }
    return { service, container };
  });
}

/** The services of the file that can reach a data store only through a published port (found once per file: each store asks). */
function outsideClients(ctx: ComposeContext): OutsideClient[] {
  return ctx.memo(ctx, 'DC031.outsideClients', () => {
    const out: OutsideClient[] = [];
    for (const s of ctx.services) {
      const place = networkPlace(ctx, s);
      if (place === 'network' || place === 'none') continue;
      const mode = networkModeOf(ctx, s);
      const network = mode === undefined ? hostNetworkEntries(ctx, s)[0]?.network : undefined;
      out.push({ of: s, service: s.name, mode: mode ?? 'unknown', place, ...(network !== undefined ? { network } : {}) });
    }
    return out;
  });
}

interface Data {
  service: string;
  store: DataStoreKind;
  /** The mapping as written (ports are not secrets). */
  mapping: string;
  /** Bound to the loopback interface only. */
  loopback: boolean;
  /** A Swarm stack file: a host IP is ignored, the port is published on every interface of every node. */
  swarm?: boolean;
  /** It is the service's only mapping: the fix removes the whole `ports:` key. */
  only: boolean;
  port: PortMapping;
  /** A service of the file that is not on a compose network (e.g. `network_mode: host`): it may connect through this port, so no removal fix. */
  client: OutsideClient | null;
}

const LABEL: Record<DataStoreKind, string> = {
  postgres: 'PostgreSQL',
  redis: 'Redis',
  dragonfly: 'Dragonfly',
  mysql: 'MySQL',
  mariadb: 'MariaDB',
  mongo: 'MongoDB',
  elasticsearch: 'Elasticsearch',
  memcached: 'Memcached',
  rabbitmq: 'RabbitMQ',
  mssql: 'SQL Server',
  clickhouse: 'ClickHouse',
  cockroach: 'CockroachDB',
  cassandra: 'Cassandra',
  scylla: 'ScyllaDB',
};

/**
 * The data store a service of the default override file runs when only the file it is merged over
 * names the image (eShopOnContainers' `sql.data`: the image in docker-compose.yml, the port in
 * docker-compose.override.yml; review 8, probe dc-01). A service that names its own image or build is judged by it.
 */
function mergedStore(ctx: ComposeContext, service: Service): DataStoreInfo | undefined {
  if (ctx.serviceGet(service, 'image') !== undefined || ctx.serviceGet(service, 'build') !== undefined) return undefined;
  for (const c of companionServices(ctx, service)) {
    const store = dataStoreOfLoose(c.ctx, c.service);
    if (store) return store;
  }
  return undefined;
}

export default defineRule<'compose', Data>({
  code: 'DC031',
  name: 'data-store-port-published',
  kind: 'compose',
  severity: 'warning',
  fixable: 'sometimes',
  docs: {
    summary: 'A data store service (PostgreSQL, MySQL, MongoDB, Redis…) publishes a port on the host.',
    what: 'Flags every published port (`ports:`, short or long syntax, with or without a host IP) of a data store service: PostgreSQL, MySQL, MariaDB, MongoDB, Redis, Elasticsearch/OpenSearch, Memcached, RabbitMQ, SQL Server (and Azure SQL Edge), ClickHouse, Dragonfly (Redis-compatible), CockroachDB (whose `--insecure` mode accepts any client as any user without a password), Cassandra and ScyllaDB (`cassandra`, `scylladb/scylla`: both accept any CQL client on 9042 without credentials by default, `authenticator: AllowAllAuthenticator` — CIS Apache Cassandra 3.11 2.1, ScyllaDB \'Enable Authentication\' —, and also listen for other nodes on 7000/7001 and for JMX on 7199), recognized by image (official and common vendor images, and images built on the official postgres image: PostGIS, TimescaleDB, pgvector, pgvecto-rs, VectorChord, Citus, ParadeDB; the image name resolved from `.env`, also when its tag is a variable without a value: `postgres:${PG_VERSION}`) or, for a service with `build:`, by the base image of the Dockerfile it builds, also beside an `image:` that names no store (`image: myorg/db:1` names what the build makes; one that names a store is judged by it: with no `pull_policy` Compose pulls it before it builds — Compose Build Specification, "Using build and image"), the FROM read with the `build.args` the service passes over the ARG defaults (also when its tag is a build argument without a value, as in docker-elk\'s `FROM docker.elastic.co/elasticsearch/elasticsearch:${ELASTIC_VERSION:?}`); the same reading as DC060 and the other data-store rules. `expose:` is not publishing and is not reported; nor are the ports of a data store that is itself on the host\'s network (`network_mode: host`, or Docker\'s `host` network named in `networks:`): Docker ignores its `ports:` — it listens on the host\'s interfaces itself, which DC012 reports. Findings through a `<<` merge are reported on the merge key, through an alias on the alias. The image or build may be inherited through `extends:` (same file or another compose file of the workspace): a port published by a service that extends a data store is reported; ports inherited from the base are reported where they are written. Services of the same file that are not on a compose network are taken into account, because they reach the store only through a published port: a service with `network_mode: host` (the Compose Specification, services › network_mode: it shares the host\'s network stack and is attached to no compose network) or with a network of its `networks:` that the file defines as Docker\'s `host` network (`hostnet: { external: true, name: host }`, as DC012 reads it), `network_mode: bridge` (Docker\'s default bridge), `service:x` / `container:x` when x is such a service (they share x\'s namespace; when x is on the compose network they reach the store by name like x), or a `container:` outside the file, a value with an unknown variable or an `extends:` that cannot be read (not known). When a service of the file uses the host\'s network, a mapping bound to the loopback interface (`127.0.0.1:6379:6379`) is not reported (for every data store of the file: which port the client uses is not known): it is the one way that client reaches the store, reachable from the host only — the intended design, not an exposure to fix (putting the store on the host network too would be worse). Its other mappings, and every mapping when the outside client is on another network, are reported with a message that names the client instead of claiming that services reach the store by name. A mapping bound to the loopback interface is reported as information rather than a warning: only local users and processes reach it (it is what DC030\'s fix binds ports to) — except in a Swarm stack file, where `docker stack deploy` ignores the host IP and the routing mesh publishes the port on every interface of every node (moby/moby#32299): a warning there. A service of the default override file (`docker-compose.override.yml`, `compose.override.yaml`: `docker compose up` merges it over the default file) that names no `image:` or `build:` of its own is judged by the image of the same service in the default file (eShopOnContainers publishes its SQL Server port from the override). A port of a service of the default compose file is not reported when the override file `docker compose` merges by default (`compose.override.yaml` beside `compose.yaml`, or a `docker-compose.override.yml` variant) writes `!reset` (`ports: !reset []`, `!reset null`) or `!override` on that service\'s `ports:`, on the service or on `services`: the merged service does not publish it (Compose Specification, Merge › "Reset value" and "Replace value"); ports the override writes itself are judged in the override file. Without a tag Compose appends the override\'s ports to the base\'s, so the base\'s ports are still published and reported. They are also still reported where they may be used without the override: a service that another service extends (Compose copies the ports before it merges), a file that another file includes or extends, a Swarm stack (`docker stack deploy` reads only the files it is given); and when the override cannot be read, does not parse, or uses another tag (a tag reached through an anchor, an alias or a `<<` merge, or written `!<!reset>`, is not read).',
    why: 'The other services of the project reach a data store over the compose network by its service name (`db:5432`); publishing its port only adds a way in from outside — from every network of the host without a host IP (Docker\'s rules bypass host firewalls), and from every local user and process even on 127.0.0.1. (A service with `network_mode: host` is the exception: it reaches the store through a port bound to 127.0.0.1, which every local user and process can reach too — the accepted cost of that design, not reported.) Exposed databases, Redis and Elasticsearch instances are among the most scanned and ransomed services on the internet. SECURITY-GUIDELINES.md §4 Data Security (Redis): "No Public Exposure – Only accessible from internal network".',
    bad: 'services:\n  db:\n    image: postgres:17-alpine\n    ports:\n      - "5432:5432"',
    good: 'services:\n  db:\n    image: postgres:17-alpine\n    # no ports: the app reaches it as db:5432; for a local client use\n    # `docker compose exec db psql -U app`',
    fix: '"Remove the published port" deletes the mapping\'s line(s) — or the whole `ports:` key when it is the only mapping — keeping everything else. Not offered when the mapping is inherited through a `<<` merge, comes through an alias or sits inside an anchor (fix it at the anchor), for a flow sequence with several items, or when `ports:` is the service\'s only key. Not offered either when a service of the file is not on a compose network (`network_mode: host`, `bridge`, a container outside the file, …): it may connect through that port, and removing it would cut it off — bind the port to 127.0.0.1 instead when that client uses the host\'s network. Not applied by fix-all: a tool on the host that connects to the port stops working; if you need one, bind the port to 127.0.0.1 in a `compose.override.yaml` that stays on your machine. No finding, and so no fix, for a port that the default override resets or replaces: removing it would change nothing.',
    guideline: '§4 Data Security — "No Public Exposure – Only accessible from internal network"; §3 "No Port Exposure in Production"',
    equivalents: ['No direct equivalent (no other tool knows which services are data stores); closest: KICS "Container Traffic Not Bound To Host Interface", compose-lint CL-0005 and dclint no-unbound-port-interfaces, which check the binding only'],
    references: [
      'https://docs.docker.com/reference/compose-file/services/#extends',
      'https://docs.docker.com/reference/compose-file/build/#using-build-and-image',
      'https://docs.docker.com/reference/compose-file/services/#ports',
      'https://docs.docker.com/reference/compose-file/merge/',
      'https://docs.docker.com/compose/how-tos/networking/',
      'https://docs.docker.com/reference/compose-file/services/#network_mode',
      'https://docs.docker.com/engine/network/drivers/host/',
      'https://docs.docker.com/engine/network/packet-filtering-firewalls/',
      'https://redis.io/docs/latest/operate/oss_and_stack/management/security/',
      'https://www.cockroachlabs.com/docs/stable/cockroach-start-single-node',
      'https://docs.datastax.com/en/cassandra-oss/3.x/cassandra/configuration/secureConfigNativeAuth.html',
      'https://www.tenable.com/audits/items/CIS_Apache_Cassandra_3.11_v1.0.0_L2_OS_Unix.audit:b9860d05f8c056748c9a336860e43af2',
      'https://docs.scylladb.com/manual/stable/operating-scylla/security/authentication.html',
    ],
  },
  check(ctx) {
    const out = [];
    const first = firstReport();
    for (const service of ctx.services) {
      const ports = portsOf(ctx, service);
      if (!ports || ports.mappings.length === 0) continue;
      // The override Compose merges by default resets or replaces these ports (`!reset`, `!override`):
      // they are not published, and removing them here would change nothing (review 41c, item 1).
      if (droppedByDefaultOverride(ctx, service, 'ports')) continue;
      // Also an image whose tag, or a build whose base's tag, is a variable without a value (docker-elk:
      // `FROM docker.elastic.co/elasticsearch/elasticsearch:${ELASTIC_VERSION:?}`): the repository names the store (review 48a, finding 4).
      const store = (dataStoreOfLoose(ctx, service) ?? mergedStore(ctx, service))?.kind;
      if (!store) continue;
      // On the host's network Docker ignores `ports:` (the store listens on the host's interfaces itself): DC012 reports that.
      if (onHostNetwork(ctx, service)) continue;
      // Another service than the store itself (the search stops at the first).
      const client = (place?: OutsideClient['place']) => outsideClients(ctx).find((c) => c.of !== service && (place === undefined || c.place === place));
      const hostClient = client('host');
      // A client on Docker's default bridge reaches published ports through the host's addresses, never its 127.0.0.1.
      const loopbackClient = hostClient ?? client('unknown');
      const anyClient = hostClient ?? client();
      // `docker stack deploy` ignores a host IP: the routing mesh publishes the port on every interface of
      // every node (moby/moby#32299, as DC030 says), so 127.0.0.1 keeps no one out (review 33, probe p12).
      const swarm = isSwarmStack(ctx);
      for (const m of ports.mappings) {
        if (m.unknown) continue;
        const loopback = hostIpKind(m) === 'loopback' && !swarm;
        // A port on 127.0.0.1 is how a host-network client of the project reaches the store: the intended design.
        if (loopback && hostClient) continue;
        if (!first(m, m.reportRange)) continue;
        out.push({
          range: m.reportRange,
          // On 127.0.0.1 only local users and processes reach it (DC030's fix binds ports there): information, not a warning.
          ...(loopback ? { severity: 'info' as const } : {}),
          data: { service: service.name, store, mapping: describeMapping(m), loopback, only: ports.seq.items.length === 1, port: m, client: (loopback ? loopbackClient : anyClient) ?? null, ...(swarm ? { swarm } : {}) },
        });
      }
    }
    return out;
  },
  message(d) {
    if (d.client) {
      const how = d.client.network !== undefined ? `its network '${d.client.network}' is Docker's host network` : `network_mode: ${d.client.mode}`;
      const who = d.client.place === 'unknown'
        ? `service '${d.client.service}' (${how}) may not be on the compose network and may reach it through a published port`
        : `service '${d.client.service}' (${how}) is not on the compose network and can reach it only through a published port`;
      if (d.client.place === 'host') return `${LABEL[d.store]} service '${d.service}' publishes port '${d.mapping}' outside the compose network; ${who} — bind it to 127.0.0.1, which is enough for a client on the host's network.`;
      if (d.loopback) return `${LABEL[d.store]} service '${d.service}' publishes port '${d.mapping}' to every local user and process of the host; ${who} — keep the mapping only if that service needs it.`;
      return `${LABEL[d.store]} service '${d.service}' publishes port '${d.mapping}' outside the compose network; ${who} — keep the mapping only if that service needs it, bound to the narrowest address it can use.`;
    }
    if (d.loopback) return `${LABEL[d.store]} service '${d.service}' publishes port '${d.mapping}' to every local user and process of the host; services reach it by name over the compose network — remove the mapping (use \`docker compose exec\` for a local client).`;
    if (d.swarm) return `${LABEL[d.store]} service '${d.service}' publishes port '${d.mapping}' on every interface of every node (in a Swarm stack the routing mesh ignores a host IP); services reach it by name over the stack's network — remove the mapping.`;
    return `${LABEL[d.store]} service '${d.service}' publishes port '${d.mapping}' outside the compose network; services reach it by name over the compose network — remove the mapping, or bind it to 127.0.0.1 if a client on the host needs it.`;
  },
  fix(ctx, { data }) {
    // A client outside the compose network may connect through this port: removing it would cut that client off.
    if (data.client) return undefined;
    const edit = removeMappingEdit(ctx, data.port);
    if (!edit) return undefined;
    const title = data.port.seq.items.length === 1 ? `Remove 'ports:' from service '${data.service}'` : `Remove the published port '${data.mapping}'`;
    return { title, safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [edit] }] };
  },
});
