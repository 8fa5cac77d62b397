import { describeMapping, firstReport, hostIpKind, portsOf, removeMappingEdit, type PortMapping } from '../engine/compose-ports';
import { dataStoreOf, type DataStoreKind } from '../engine/datastores';
import { defineRule } from '../engine/rule';

interface Data {
  service: string;
  store: DataStoreKind;
  /** The mapping as written (ports are not secrets). */
  mapping: string;
  /** Bound to the loopback interface only. */
  loopback: boolean;
  /** It is the service's only mapping: the fix removes the whole `ports:` key. */
  only: boolean;
  port: PortMapping;
}

const LABEL: Record<DataStoreKind, string> = {
  postgres: 'PostgreSQL',
  redis: 'Redis',
  mysql: 'MySQL',
  mariadb: 'MariaDB',
  mongo: 'MongoDB',
  elasticsearch: 'Elasticsearch',
  memcached: 'Memcached',
  rabbitmq: 'RabbitMQ',
};

export default defineRule<'compose', Data>({
  code: 'DC031',
  name: 'data-store-port-published',
  kind: 'compose',
  severity: 'warning',
  fixable: 'sometimes',
  docs: {
    what: 'Flags every published port (`ports:`, short or long syntax, with or without a host IP) of a data store service: PostgreSQL, MySQL, MariaDB, MongoDB, Redis, Elasticsearch/OpenSearch, Memcached and RabbitMQ, recognized by image (official and common vendor images, the image name resolved from `.env`) or, for a service with `build:`, by the base image of the Dockerfile it builds. `expose:` is not publishing and is not reported. Findings through a `<<` merge are reported on the merge key, through an alias on the alias. The image or build may be inherited through `extends:` (same file or another compose file of the workspace): a port published by a service that extends a data store is reported; ports inherited from the base are reported where they are written.',
    why: 'The other services of the project reach a data store over the compose network by its service name (`db:5432`); publishing its port only adds a way in from outside — from every network of the host without a host IP (Docker\'s rules bypass host firewalls), and from every local user and process even on 127.0.0.1. Exposed databases, Redis and Elasticsearch instances are among the most scanned and ransomed services on the internet. SECURITY-GUIDELINES.md §4 Data Security (Redis): "No Public Exposure – Only accessible from internal network".',
    bad: 'services:\n  db:\n    image: postgres:17-alpine\n    ports:\n      - "5432:5432"',
    good: 'services:\n  db:\n    image: postgres:17-alpine\n    # no ports: the app reaches it as db:5432; for a local client use\n    # `docker compose exec db psql -U app`',
    fix: '"Remove the published port" deletes the mapping\'s line(s) — or the whole `ports:` key when it is the only mapping — keeping everything else. Not offered when the mapping is inherited through a `<<` merge, comes through an alias or sits inside an anchor (fix it at the anchor), for a flow sequence with several items, or when `ports:` is the service\'s only key. Not applied by fix-all: a tool on the host that connects to the port stops working; if you need one, bind the port to 127.0.0.1 in a `compose.override.yaml` that stays on your machine.',
    guideline: '§4 Data Security — "No Public Exposure – Only accessible from internal network"; §3 "No Port Exposure in Production"',
    equivalents: ['No direct equivalent (no other tool knows which services are data stores); closest: KICS "Container Traffic Not Bound To Host Interface", compose-lint CL-0005 and dclint no-unbound-port-interfaces, which check the binding only'],
    references: [
      'https://docs.docker.com/reference/compose-file/services/#extends',
      'https://docs.docker.com/reference/compose-file/services/#ports',
      'https://docs.docker.com/compose/how-tos/networking/',
      'https://docs.docker.com/engine/network/packet-filtering-firewalls/',
      'https://redis.io/docs/latest/operate/oss_and_stack/management/security/',
    ],
  },
  check(ctx) {
    const out = [];
    const first = firstReport();
    for (const service of ctx.services) {
      const ports = portsOf(ctx, service);
      if (!ports || ports.mappings.length === 0) continue;
      const store = dataStoreOf(ctx, service);
      if (!store) continue;
      for (const m of ports.mappings) {
        if (m.unknown) continue;
        if (!first(m, m.reportRange)) continue;
        out.push({
          range: m.reportRange,
          data: { service: service.name, store: store.kind, mapping: describeMapping(m), loopback: hostIpKind(m) === 'loopback', only: ports.seq.items.length === 1, port: m },
        });
      }
    }
    return out;
  },
  message(d) {
    if (d.loopback) return `${LABEL[d.store]} service '${d.service}' publishes port '${d.mapping}' to every local user and process of the host; services reach it by name over the compose network — remove the mapping (use \`docker compose exec\` for a local client).`;
    return `${LABEL[d.store]} service '${d.service}' publishes port '${d.mapping}' outside the compose network; services reach it by name over the compose network — remove the mapping, or bind it to 127.0.0.1 if a client on the host needs it.`;
  },
  fix(ctx, { data }) {
    const edit = removeMappingEdit(ctx, data.port);
    if (!edit) return undefined;
    const title = data.port.seq.items.length === 1 ? `Remove 'ports:' from service '${data.service}'` : `Remove the published port '${data.mapping}'`;
    return { title, safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [edit] }] };
  },
});
