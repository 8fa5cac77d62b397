/**
 * Which compose services are data stores, recognized by image (official and common vendor images)
 * or, for services with `build:`, by the base image of the Dockerfile they build.
 */
import type { ComposeContext, Service } from './compose';
import { scalarString } from './compose';
import { parseImageRef, type ImageRef } from './image';
import { interpolate } from './interpolate';
import { builtDockerfile } from './relations';

export type DataStoreKind = 'postgres' | 'redis' | 'mysql' | 'mariadb' | 'mongo' | 'elasticsearch' | 'memcached' | 'rabbitmq';

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
};

/** Repository name patterns (last path component, or the full path for vendor images). */
const PATTERNS: [RegExp, DataStoreKind][] = [
  [/^(?:.*\/)?(?:postgres|postgresql|postgis\/postgis|timescale\/timescaledb(?:-ha)?|pgvector\/pgvector|supabase\/postgres)$/, 'postgres'],
  [/^(?:.*\/)?(?:redis|redis-stack-server|redis-stack|valkey|keydb|eqalpha\/keydb)$/, 'redis'],
  [/^(?:.*\/)?(?:mysql|mysql-server|percona-server|percona)$/, 'mysql'],
  [/^(?:.*\/)?mariadb$/, 'mariadb'],
  [/^(?:.*\/)?(?:mongo|mongodb|mongodb-community-server)$/, 'mongo'],
  [/^(?:.*\/)?(?:elasticsearch|opensearch)$/, 'elasticsearch'],
  [/^(?:.*\/)?memcached$/, 'memcached'],
  [/^(?:.*\/)?rabbitmq$/, 'rabbitmq'],
];

export function dataStoreOfImage(ref: ImageRef): DataStoreInfo | undefined {
  for (const [re, kind] of PATTERNS) if (re.test(ref.repository)) return DATA_STORES[kind];
  return undefined;
}

/** The image of a service after interpolation with the compose file's `.env` (null when unknown). */
export function serviceImage(ctx: ComposeContext, service: Service): ImageRef | null {
  const raw = scalarString(ctx.serviceGet(service, 'image')?.value);
  if (raw === null) return null;
  const env = ctx.dotenv()?.vars;
  const value = interpolate(raw, (n) => env?.get(n)).value;
  return value === null ? null : parseImageRef(value);
}

/** The data store a service runs, by its image or by the base image of the Dockerfile it builds. */
export function dataStoreOf(ctx: ComposeContext, service: Service): DataStoreInfo | undefined {
  const ref = serviceImage(ctx, service);
  if (ref) return dataStoreOfImage(ref);
  const built = builtDockerfile(ctx, service);
  if (!built) return undefined;
  const stages = built.dockerfile.stages;
  let stage = built.build.target ? stages.find((s) => s.name === built.build.target!.toLowerCase()) : stages[stages.length - 1];
  for (let i = 0; i < 16 && stage && stage.base.kind === 'stage'; i++) stage = stage.base.stage;
  return stage && stage.base.kind === 'image' ? dataStoreOfImage(stage.base.ref) : undefined;
}
