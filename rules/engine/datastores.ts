/**
 * Which compose services are data stores, recognized by image (official and common vendor images)
 * or, for services with `build:`, by the base image of the Dockerfile they build. The image and the
 * build are also read through `extends:` (same file or another compose file of the workspace): a
 * service that extends a postgres service runs postgres. dataStoreOf reads exact images only; dataStoreOfLoose
 * (service-image.ts) also an image, or a built base, whose tag is a variable without a value: the store is known by its
 * repository, its version is not.
 * https://docs.docker.com/reference/compose-file/services/#extends
 */
import type { ComposeContext, Service } from './compose';
import { imageThrough } from './compose-lookup';
import { builtBaseLoose } from './service-image';
import type { ImageRef } from './image';

export type DataStoreKind = 'postgres' | 'redis' | 'mysql' | 'mariadb' | 'mongo' | 'elasticsearch' | 'memcached' | 'rabbitmq' | 'mssql' | 'clickhouse' | 'cockroach' | 'dragonfly' | 'cassandra' | 'scylla';

export interface DataStoreInfo {
  kind: DataStoreKind;
  /** Default port inside the container. */
  port: number;
  /** The data directory inside the container (for volume checks). */
  dataDir: string | null;
}

export const DATA_STORES: Record<DataStoreKind, DataStoreInfo> = {
  postgres: { kind: 'postgres', port: 5432, dataDir: '/var/lib/postgresql/data' },
  redis: { kind: 'redis', port: 6379, dataDir: '/data' },
  mysql: { kind: 'mysql', port: 3306, dataDir: '/var/lib/mysql' },
  mariadb: { kind: 'mariadb', port: 3306, dataDir: '/var/lib/mysql' },
  mongo: { kind: 'mongo', port: 27017, dataDir: '/data/db' },
  elasticsearch: { kind: 'elasticsearch', port: 9200, dataDir: '/usr/share/elasticsearch/data' },
  memcached: { kind: 'memcached', port: 11211, dataDir: null },
  rabbitmq: { kind: 'rabbitmq', port: 5672, dataDir: '/var/lib/rabbitmq' },
  // Microsoft's SQL Server Linux containers keep databases under /var/opt/mssql (learn.microsoft.com, "Configure and customize SQL Server Linux containers": persist your data).
  mssql: { kind: 'mssql', port: 1433, dataDir: '/var/opt/mssql/data' },
  // clickhouse/clickhouse-server: native protocol 9000, HTTP 8123; data in /var/lib/clickhouse (the image's Docker Hub guide).
  clickhouse: { kind: 'clickhouse', port: 9000, dataDir: '/var/lib/clickhouse' },
  // cockroachdb/cockroach: SQL 26257, DB Console 8080; the store is /cockroach/cockroach-data unless --store says otherwise.
  cockroach: { kind: 'cockroach', port: 26257, dataDir: '/cockroach/cockroach-data' },
  // dragonflydb/dragonfly: Redis protocol on 6379, no password unless --requirepass; snapshots in /data (the image's WORKDIR and VOLUME).
  dragonfly: { kind: 'dragonfly', port: 6379, dataDir: '/data' },
  // Apache Cassandra (the official `cassandra`): CQL on 9042, data, commit log, hints and saved caches under /var/lib/cassandra,
  // the image's VOLUME (docker-library/cassandra's Dockerfile).
  cassandra: { kind: 'cassandra', port: 9042, dataDir: '/var/lib/cassandra' },
  // ScyllaDB (`scylladb/scylla`): CQL on 9042, data under /var/lib/scylla, the image's VOLUME (scylladb/scylladb
  // dist/docker: `bconfig --volume "/var/lib/scylla"`; ScyllaDB "Best Practices for Running ScyllaDB on Docker").
  scylla: { kind: 'scylla', port: 9042, dataDir: '/var/lib/scylla' },
};

/** Repository name patterns (last path component, or the full path for vendor images). */
const PATTERNS: [RegExp, DataStoreKind][] = [
  [/^(?:.*\/)?(?:postgres|postgresql|postgis\/postgis|timescale\/timescaledb(?:-ha)?|pgvector\/pgvector|supabase\/postgres|tensorchord\/pgvecto-rs|tensorchord\/vchord-postgres|ankane\/pgvector|citusdata\/citus|paradedb\/paradedb)$/, 'postgres'],
  [/^(?:.*\/)?(?:redis|redis-stack-server|redis-stack|valkey|keydb|eqalpha\/keydb)$/, 'redis'],
  [/^(?:.*\/)?dragonflydb\/dragonfly$/, 'dragonfly'],
  [/^(?:.*\/)?(?:mysql|mysql-server|percona-server|percona)$/, 'mysql'],
  // MariaDB also in images built on it: jc21/mariadb-aria (Nginx Proxy Manager's documented database) is built FROM
  // yobasystems/alpine-mariadb and reads its MYSQL_* variables; Bitnami's Galera cluster image reads MARIADB_* (review 43c, item 8).
  [/^(?:.*\/)?(?:mariadb|jc21\/mariadb-aria|yobasystems\/alpine-mariadb|mariadb-galera)$/, 'mariadb'],
  [/^(?:.*\/)?(?:mongo|mongodb|mongodb-community-server)$/, 'mongo'],
  [/^(?:.*\/)?(?:elasticsearch|opensearch)$/, 'elasticsearch'],
  [/^(?:.*\/)?memcached$/, 'memcached'],
  [/^(?:.*\/)?rabbitmq$/, 'rabbitmq'],
  // mcr.microsoft.com/mssql/server, mcr.microsoft.com/mssql/rhel/server, the old microsoft/mssql-server-linux, Azure SQL Edge.
  [/^(?:.*\/)?(?:mssql\/server|mssql\/rhel\/server|mssql-server-linux|azure-sql-edge)$/, 'mssql'],
  [/^(?:.*\/)?(?:clickhouse-server|clickhouse)$/, 'clickhouse'],
  [/^(?:.*\/)?cockroach$/, 'cockroach'],
  // By the last part of the repository (`cassandra`, `bitnami/cassandra`), as DC031 read them (review 48a, finding 4);
  // not `cassandra-web`, `cassandra-exporter` and other clients of it.
  [/^(?:.*\/)?cassandra$/, 'cassandra'],
  [/^(?:(?:.*\/)?scylla|scylladb\/scylla-enterprise)$/, 'scylla'],
];

export function dataStoreOfImage(ref: ImageRef): DataStoreInfo | undefined {
  // By repository, remembered: several rules ask of every service's image, and each answer was a
  // match against every pattern (each backtracking over the path).
  const known = storeByRepository.get(ref.repository);
  if (known !== undefined) return known ?? undefined;
  let found: DataStoreInfo | null = null;
  for (const [re, kind] of PATTERNS) {
    if (re.test(ref.repository)) {
      found = DATA_STORES[kind];
      break;
    }
  }
  if (storeByRepository.size >= 4096) storeByRepository.clear();
  storeByRepository.set(ref.repository, found);
  return found ?? undefined;
}

const storeByRepository = new Map<string, DataStoreInfo | null>();

/**
 * Whether an image is a data store that keeps data on disk: moving it to another major version may
 * leave it unable to read what a newer one wrote (PostgreSQL, MySQL, MariaDB and MongoDB refuse a
 * data directory from a newer major; Redis an RDB file of a newer format).
 */
export function keepsDataOnDisk(ref: ImageRef): boolean {
  return !!dataStoreOfImage(ref)?.dataDir;
}

/** The image of a service (also inherited through `extends:`) after interpolation (through `extends:` from another file, with the `.env` of the project that extends it; null when unknown). */
export function serviceImage(ctx: ComposeContext, service: Service): ImageRef | null {
  const image = imageThrough(ctx, service);
  return image && image !== 'unknown' ? image.ref : null;
}

/** The data store a service runs, by its image or by the base image of the Dockerfile it builds. */
export function dataStoreOf(ctx: ComposeContext, service: Service): DataStoreInfo | undefined {
  // Asked by about ten rules of every service (each an image match against every pattern): once per analysis.
  return ctx.memo(service.map, 'dataStore', () => computeDataStoreOf(ctx, service));
}

function computeDataStoreOf(ctx: ComposeContext, service: Service): DataStoreInfo | undefined {
  // An `image:` that names a store is what runs (with no `pull_policy` Compose pulls it before it builds); one that names
  // none may name what `build:` makes (`image: myorg/db:1` beside `build: ./db`): the Dockerfile's base then says.
  const ref = serviceImage(ctx, service);
  const fromImage = ref ? dataStoreOfImage(ref) : undefined;
  if (fromImage) return fromImage;
  // The base as the build names it: with the `build.args` the service passes over the ARG defaults (builtBaseLoose);
  // an exact one only (a tag not known is dataStoreOfLoose's).
  const base = builtBaseLoose(ctx, service);
  return base?.tagKnown ? dataStoreOfImage(base.ref) : undefined;
}
