/**
 * Where a data store keeps its data inside the container, and whether that directory is mounted from
 * a named volume or a bind mount (DC060). The data directory depends on the image, not only on the
 * kind of store: Bitnami images keep it under `/bitnami/<store>`, OpenSearch under
 * `/usr/share/opensearch/data`, and the official postgres image moved it in 18 (`PGDATA` became
 * `/var/lib/postgresql/18/docker`, the image's volume `/var/lib/postgresql`).
 * https://hub.docker.com/_/postgres ("PGDATA", "Where to Store Data")
 * https://docs.docker.com/reference/compose-file/services/#volumes
 */
import * as path from 'node:path';
import { type Document, type Node } from 'yaml';
import { isSeq } from './yaml-guards';
import type { ComposeContext, Service } from './compose';
import { scalarString } from './compose';
import { builtDockerfileOf, effectiveCommandsThrough, ExtendedEnv } from './compose-lookup';
import { propertiesOf } from './stage-scope';
import { withoutOfficialNamespace, type ImageRef } from './image';
import { builtBaseLoose, dataStoreOfLoose, storeImageLoose, type LooseImage } from './service-image';
import { isUnder, localDriverOpt, normalizeHostPath, serviceVolumes, type VolumeMount } from './compose-volumes';
import { interpolateWithDotenv, resolveScalar } from './compose-values';
import type { EnvLookup } from './env-files';
import { defaultComposePair, parsedCompose } from './relations';
import { redisFacts } from './redis-config';
import { dataStoreOfImage, type DataStoreKind } from './datastores';
import { analysisDate, newestSupported } from './eol';
import { composeTag, type MergedCommands } from './override-merge';
import { postgresVersionlessTag } from './postgres-auth';

export interface DataDir {
  kind: DataStoreKind;
  /** The directory the data is written to (absolute, normalized). */
  dir: string;
  /** Where the fix mounts the volume (the image's volume path, or `dir`). */
  mountTarget: string;
  /** The data directory came from the service's own settings (PGDATA, --datadir, --dbpath). */
  configured: boolean;
  /**
   * The VOLUME the image's Dockerfile declares for its data (official images): Docker mounts an anonymous volume
   * there unless a mount is written at it, also inside a named volume mounted at a parent, so only a mount at it
   * or under it holds data written under it (review 29, probe dc-01: postgres:16 with a volume at /var/lib/postgresql).
   */
  imageVolume?: string;
  /**
   * Other mount targets that hold the data: for a postgres image whose tag is a variable without a value, the major
   * is unknown, and a mount at either layout's place counts (`/var/lib/postgresql/data` before 18, `/var/lib/postgresql`
   * from 18; review 30, probe dc-01).
   */
  alsoHeldBy?: string[];
}


/** Vendor images with their own layout (first match wins); null: the layout is not known (no finding). */
const VENDOR_DIRS: [RegExp, string | null][] = [
  [/^bitnami(?:legacy|secure)?\/postgresql(?:-repmgr)?$/, '/bitnami/postgresql'],
  [/^bitnami(?:legacy|secure)?\/mysql$/, '/bitnami/mysql'],
  [/^bitnami(?:legacy|secure)?\/mariadb(?:-galera)?$/, '/bitnami/mariadb'],
  [/^bitnami(?:legacy|secure)?\/mongodb$/, '/bitnami/mongodb'],
  [/^bitnami(?:legacy|secure)?\/redis$/, '/bitnami/redis/data'],
  [/^bitnami(?:legacy|secure)?\/valkey$/, '/bitnami/valkey/data'],
  [/^bitnami(?:legacy|secure)?\/rabbitmq$/, '/bitnami/rabbitmq/mnesia'],
  [/^bitnami(?:legacy|secure)?\/elasticsearch$/, '/bitnami/elasticsearch/data'],
  [/^bitnami(?:legacy|secure)?\/opensearch$/, '/bitnami/opensearch/data'],
  [/^bitnami(?:legacy|secure)?\//, null],
  [/(?:^|\/)opensearch$/, '/usr/share/opensearch/data'],
  // timescaledb-ha keeps PGDATA under /home/postgres/pgdata; Percona and Oracle's mysql-server as mysql.
  [/timescaledb-ha$/, '/home/postgres/pgdata'],
];

const DEFAULT_DIRS: Record<DataStoreKind, string | null> = {
  postgres: '/var/lib/postgresql/data',
  mysql: '/var/lib/mysql',
  mariadb: '/var/lib/mysql',
  mongo: '/data/db',
  redis: '/data',
  dragonfly: '/data',
  elasticsearch: '/usr/share/elasticsearch/data',
  rabbitmq: '/var/lib/rabbitmq',
  memcached: null,
  mssql: '/var/opt/mssql/data',
  clickhouse: '/var/lib/clickhouse',
  cockroach: '/cockroach/cockroach-data',
  cassandra: '/var/lib/cassandra',
  scylla: '/var/lib/scylla',
};

/**
 * The image a service runs: its `image:` (also with an unresolved tag), or the base of the Dockerfile it builds (also
 * when that base's tag is a build argument without a value). Its `tag` is null when the tag is not known: read the
 * version only through looseImageOf.
 */
export function imageOf(ctx: ComposeContext, service: Service): ImageRef | null {
  return looseImageOf(ctx, service)?.ref ?? null;
}

/**
 * imageOf with whether its tag is known (a variable without a value in `image:` or in the built base's `FROM`, or a
 * build argument without a known value): the image that names the store (storeImageLoose), so that a service with
 * `image: myorg/db:1` and `build:` is judged by the base it builds.
 */
function looseImageOf(ctx: ComposeContext, service: Service): LooseImage | null {
  return storeImageLoose(ctx, service);
}

/** The base image of the Dockerfile a service builds (its `target` stage, or the last), or null. */
export function builtBaseOf(ctx: ComposeContext, service: Service): ImageRef | null {
  // As the build names it, with the service's `build.args` over the ARG defaults; a tag that is not known is no base here.
  const base = builtBaseLoose(ctx, service);
  return base?.tagKnown ? base.ref : null;
}

/** The major version in a tag (`16-alpine` → 16), or null. */
function majorOf(tag: string | null): number | null {
  const m = tag ? /^(\d+)/.exec(tag) : null;
  return m ? Number(m[1]) : null;
}

/**
 * The PostgreSQL major of the official image's tag; for no tag or one of the image's versionless tags (`latest`,
 * `alpine`, `alpine3.22`, `trixie`: postgresVersionlessTag) the newest line that is supported on the analysis date `today` in the EOL data, which those tags
 * follow (18 since September 2025).
 */
function postgresMajorOf(ref: ImageRef | null, today: string): number | null {
  // The family's images name the major as `pg<N>` in the tag (`pgvector/pgvector:pg18`, `0.8.0-pg17`,
  // `timescale/timescaledb:2.17.2-pg17`, tensorchord's `pg17-v0.4.3`: review 31, probe 01).
  const pg = ref?.tag ? /(?:^|[-_.])pg(\d{2})(?=$|[-_.])/i.exec(ref.tag) : null;
  if (pg) return Number(pg[1]);
  // By the repository without the official namespace (`mirror.gcr.io/library/postgres`: review 32, probe 04).
  const repo = ref ? withoutOfficialNamespace(ref.repository) : '';
  if (ref && repo !== 'postgres' && repo !== 'postgis/postgis') return null;
  const major = majorOf(ref?.tag ?? null);
  if (major !== null || !ref || repo !== 'postgres') return major;
  // Only the image's own versionless tags follow the newest line: another tag without a version (`alpine-14`, which
  // does not exist; the author meant `14-alpine`) tells no version (review 47b, finding 7).
  if (ref.tag !== null && !postgresVersionlessTag(ref.tag)) return null;
  return majorOf(newestSupported('postgres', today)?.line ?? null);
}

/** The value of `--name=value` or `--name value` in a service's command, or undefined when absent, null when unknown. */
function optionValue(ctx: ComposeContext, service: Service, name: string, merged?: MergedCommands): string | null | undefined {
  const cmds = merged ? merged.value : effectiveCommandsThrough(ctx, service);
  if (cmds === null) return null;
  if (!cmds) return undefined;
  for (const run of cmds.runs) {
    for (let i = 0; i < run.args.length; i++) {
      const v = run.args[i].value;
      if (v === null) continue;
      if (v === name) return run.args[i + 1]?.value ?? null;
      if (v.startsWith(name + '=')) return v.slice(name.length + 1);
    }
  }
  return undefined;
}

/**
 * What the default override file (`compose.override.yaml`, merged by `docker compose up`) sets for a
 * service of the default file that decides where its data goes: the image it runs (the override's
 * `image:` replaces the base's) and `PGDATA` (its `environment:` is merged over the base's).
 */
export interface MergedInputs {
  image?: LooseImage;
  pgdata?: EnvLookup;
  /** The `entrypoint:`/`command:` once merged (the override's replace the base's: review 44d, item 3). */
  commands?: MergedCommands;
}

/**
 * The data directory of a data-store service, or undefined when the service is not a data store this
 * rule knows the layout of (or its data directory cannot be known: a variable, an unknown vendor image).
 * `merged`: what the default override sets for the service (review 43d, item 8), judged instead of the file's own.
 */
export function dataDirOf(ctx: ComposeContext, service: Service, merged?: MergedInputs): DataDir | undefined {
  const store = merged?.image ? dataStoreOfImage(merged.image.ref) : dataStoreOfLoose(ctx, service);
  if (!store) return undefined;
  const image = merged?.image ?? looseImageOf(ctx, service);
  const ref = image?.ref ?? null;
  const repo = ref ? withoutOfficialNamespace(ref.repository) : '';
  let dir: string | null | undefined;
  for (const [re, d] of VENDOR_DIRS) {
    if (re.test(repo)) {
      dir = d;
      break;
    }
  }
  const vendor = dir !== undefined;
  if (dir === undefined) dir = DEFAULT_DIRS[store.kind];
  if (!dir) return undefined;
  let mountTarget = dir;
  let configured = false;
  let alsoHeldBy: string[] | undefined;
  let pgMajor: number | null = null;
  if (!vendor) {
    if (store.kind === 'postgres') {
      // A tag that is a variable without a value, or a family image whose tag names no major: the layout is not known.
      // Also a built base's (`FROM postgres:${PG_VERSION}`): the store is known by its repository, its major is not.
      const tagUnknown = image?.tagKnown === false;
      const major = tagUnknown ? null : postgresMajorOf(ref, analysisDate(ctx.options));
      if (major === null) alsoHeldBy = ['/var/lib/postgresql'];
      pgMajor = major;
      // postgres 18+: PGDATA /var/lib/postgresql/18/docker under the image's volume /var/lib/postgresql.
      // A volume at the pre-18 /var/lib/postgresql/data does not hold it: an empty one is left unused
      // while the data goes to the anonymous volume (one with old data makes the server refuse to start).
      if (major !== null && major >= 18) {
        dir = `/var/lib/postgresql/${major}/docker`;
        mountTarget = '/var/lib/postgresql';
      }
      const pgdata = merged?.pgdata ?? new ExtendedEnv(ctx, service).get('PGDATA');
      if (pgdata.state === 'unknown' || pgdata.state === 'unknown-value') return undefined;
      if (pgdata.state === 'set') {
        const p = normalizeHostPath(pgdata.value.trim());
        if (!p) return undefined;
        dir = p;
        mountTarget = p;
        configured = true;
      }
    } else if (store.kind === 'mssql') {
      // Microsoft's guide mounts the whole /var/opt/mssql (databases, logs, secrets); MSSQL_DATA_DIR moves the databases.
      mountTarget = '/var/opt/mssql';
      if (new ExtendedEnv(ctx, service).get('MSSQL_DATA_DIR').state !== 'unset') return undefined;
    } else if (store.kind === 'scylla') {
      // ScyllaDB takes every scylla.yaml option on its command line: `--workdir` (the root of data, commit log and hints),
      // `--data-file-directories` and `--commitlog-directory` put the data elsewhere (ScyllaDB "Configuration Parameters").
      if (['--workdir', '--data-file-directories', '--commitlog-directory'].some((o) => optionValue(ctx, service, o, merged?.commands) !== undefined)) return undefined;
    } else if (store.kind === 'cockroach') {
      // `--store=path=…` puts the store elsewhere, `--store=type=mem,…` in memory: not this rule's to judge.
      if (optionValue(ctx, service, '--store', merged?.commands) !== undefined || optionValue(ctx, service, '-s', merged?.commands) !== undefined) return undefined;
    } else if (store.kind === 'redis' || store.kind === 'dragonfly') {
      // `--dir` (Redis: also `dir` in its config file) moves the RDB/AOF files or Dragonfly's snapshots.
      let moved: string | null | undefined;
      if (store.kind === 'redis') moved = redisFacts(ctx, service, merged?.commands)?.dir;
      else {
        const opt = optionValue(ctx, service, '--dir', merged?.commands);
        moved = opt === undefined ? undefined : opt === null || opt.trim() === '' ? null : path.posix.resolve(dir, opt.trim());
      }
      if (moved === null) return undefined;
      if (moved !== undefined) {
        const p = normalizeHostPath(moved);
        if (!p) return undefined;
        dir = p;
        mountTarget = p;
        configured = true;
      }
    } else if (store.kind === 'mysql' || store.kind === 'mariadb' || store.kind === 'mongo') {
      const opt = optionValue(ctx, service, store.kind === 'mongo' ? '--dbpath' : '--datadir', merged?.commands);
      if (opt === null) return undefined;
      if (opt !== undefined) {
        const p = normalizeHostPath(opt.trim());
        if (!p) return undefined;
        dir = p;
        mountTarget = p;
        configured = true;
      }
    }
  }
  // An image built on an official one keeps its VOLUME (a child cannot drop it: moby/moby#3465), but a Dockerfile
  // that moves the data (`ENV PGDATA`) is not judged by it (review 31, probe 03; review 32, probe 03).
  const imageVolume = vendor || builtMovesData(ctx, service) ? undefined : declaredVolume(store.kind, repo, pgMajor, alsoHeldBy !== undefined);
  return { kind: store.kind, dir, mountTarget, configured, ...(imageVolume ? { imageVolume } : {}), ...(alsoHeldBy && !configured ? { alsoHeldBy } : {}) };
}

/** Whether the service builds an image whose Dockerfile sets where the data goes (`ENV PGDATA`), or whose Dockerfile cannot be read. */
function builtMovesData(ctx: ComposeContext, service: Service): boolean {
  if (ctx.serviceGet(service, 'build') === undefined) return false;
  const built = builtDockerfileOf(ctx, service);
  if (!built) return true;
  return built.dockerfile.stages.some((st) => st.instructions.some((i) => i.getKeyword() === 'ENV' && propertiesOf(i).some((p) => p.getName() === 'PGDATA')));
}

/**
 * The VOLUME of the data directory that the official images declare in their Dockerfiles (docker-library:
 * postgres `/var/lib/postgresql/data`, 18+ `/var/lib/postgresql`; mysql and mariadb `/var/lib/mysql`; mongo
 * `/data/db`; redis and valkey `/data`; rabbitmq `/var/lib/rabbitmq`; cassandra `/var/lib/cassandra`; and ScyllaDB's
 * `/var/lib/scylla`), for images built on them too (postgis,
 * pgvector…); undefined for other images, whose declared volumes are not known.
 */
function declaredVolume(kind: DataStoreKind, repo: string, pgMajor: number | null, layoutUnknown: boolean): string | undefined {
  const official = DECLARED_VOLUMES[kind];
  if (!official || !official.repos.test(repo)) return undefined;
  // postgres 18+ declares `/var/lib/postgresql`, before `/var/lib/postgresql/data`; with the major unknown, the
  // parent of both: a mount above it holds neither layout's data (review 31, probes 02 and 04).
  if (kind === 'postgres' && (layoutUnknown || (pgMajor !== null && pgMajor >= 18))) return '/var/lib/postgresql';
  return official.volume;
}

const DECLARED_VOLUMES: Partial<Record<DataStoreKind, { repos: RegExp; volume: string }>> = {
  postgres: { repos: /^(?:postgres|postgis\/postgis|pgvector\/pgvector|timescale\/timescaledb|tensorchord\/pgvecto-rs|tensorchord\/vchord-postgres)$/, volume: '/var/lib/postgresql/data' },
  mysql: { repos: /^(?:mysql|percona)$/, volume: '/var/lib/mysql' },
  mariadb: { repos: /^mariadb$/, volume: '/var/lib/mysql' },
  mongo: { repos: /^mongo$/, volume: '/data/db' },
  redis: { repos: /^(?:redis|valkey\/valkey)$/, volume: '/data' },
  rabbitmq: { repos: /^rabbitmq$/, volume: '/var/lib/rabbitmq' },
  // docker-library/cassandra: `VOLUME /var/lib/cassandra`; scylladb/scylladb's dist/docker: `--volume "/var/lib/scylla"`.
  cassandra: { repos: /^cassandra$/, volume: '/var/lib/cassandra' },
  scylla: { repos: /^scylladb\/scylla(?:-enterprise)?$/, volume: '/var/lib/scylla' },
};

export interface DataMountState {
  /** A named volume or bind mount holds the data directory. */
  persisted: boolean;
  /** Some mount cannot be read (a variable without value, an unknown type): nothing is known. */
  unknown: boolean;
  /** Mounts at exactly the mount target that do not persist (anonymous volume, tmpfs). */
  shadowing: VolumeMount[];
  /** A `tmpfs:` entry is mounted on the data directory (or the mount target). */
  tmpfs: boolean;
  /** Targets of named volumes / bind mounts elsewhere that look meant for the data (`/var/lib/redis`, `/var/lib/postgresql/data` on 18+). */
  elsewhere: string[];
  /** A named volume or bind mount at a parent of the data that the image's own VOLUME shadows (DataDir.imageVolume). */
  shadowedParent?: string;
  /** A named volume on the data directory whose top-level definition makes it a tmpfs (`driver_opts: { type: tmpfs }`): counted in `tmpfs`. */
  tmpfsVolume?: string;
  /** The path of the file whose definition of tmpfsVolume makes it a tmpfs (with the default override, either file). */
  tmpfsVolumeFile?: string;
}

/**
 * Whether a named volume's top-level definition (in the service's document, merged with the other file's of the
 * default pair: localDriverOpt) makes it a tmpfs: the local driver
 * (the default) with `driver_opts: { type: tmpfs }`, which it mounts like `mount -t tmpfs` ("docker volume create
 * --driver local --opt type=tmpfs --opt device=tmpfs", docker volume create reference). The local driver mounts it
 * when a container uses it and unmounts it when the last one stops: its files live in memory only as long as that.
 */
export function tmpfsBackedVolume(ctx: ComposeContext, doc: Document.Parsed, name: string): boolean {
  return tmpfsDefinitionFile(ctx, doc, name) !== undefined;
}

/** The path of the file whose definition of the named volume gives it `type: tmpfs` (the merged project's: either file of the default pair), or undefined when it is no tmpfs. */
export function tmpfsDefinitionFile(ctx: ComposeContext, doc: Document.Parsed, name: string): string | undefined {
  const type = localDriverOpt(ctx, doc, name, 'type');
  return type && resolveScalar(type.ctx, type.doc, type.node)?.value?.trim() === 'tmpfs' ? type.ctx.path : undefined;
}

/** Paths that look meant to hold a store's data (a volume there, but not at the image's data directory). */
const LIKELY_DATA_PATH = /^\/(?:var\/lib\/(?:redis|postgres(?:ql)?|mysql|mongo(?:db)?|rabbitmq|elasticsearch|valkey|cassandra|scylla)|data|bitnami)(?:\/|$)/;

/** Whether a mount target covers a directory (the directory itself or one of its parents). */
function covers(target: string, dir: string): boolean {
  return isUnder(dir, target);
}

/** How a service's mounts hold its data directory. */
export function dataMountState(ctx: ComposeContext, service: Service, data: DataDir, merged?: { mounts: VolumeMount[]; tmpfs: boolean }): DataMountState {
  const state: DataMountState = { persisted: false, unknown: false, shadowing: [], tmpfs: false, elsewhere: [] };
  // `merged`: the mounts (and whether the `tmpfs:`) of this file's service that take effect once the default override is merged.
  const tmpfs = merged && !merged.tmpfs ? [] : tmpfsTargets(ctx, service);
  if (tmpfs === null) state.unknown = true;
  else state.tmpfs = tmpfs.some((t) => t === data.dir || t === data.mountTarget || covers(t, data.dir));
  for (const m of merged ? merged.mounts : serviceVolumes(ctx, service)) {
    const t = m.target?.value;
    if (t === null || t === undefined) {
      state.unknown = true;
      continue;
    }
    const target = normalizeHostPath(t.trim());
    if (!target) {
      state.unknown = true;
      continue;
    }
    // Under the image's own VOLUME, only a mount at it or below it holds the data (Docker mounts an anonymous volume there otherwise).
    const shadowedByImageVolume = data.imageVolume !== undefined && isUnder(data.dir, data.imageVolume) && !isUnder(target, data.imageVolume);
    const holds = ((covers(target, data.dir) || target === data.mountTarget) && !shadowedByImageVolume) || (data.alsoHeldBy?.includes(target) ?? false);
    if (shadowedByImageVolume && !holds && covers(target, data.dir) && (m.type === 'bind' || m.type === 'volume') && m.source?.value) state.shadowedParent ??= target;
    const relevant = holds || isUnder(target, data.dir);
    if (!relevant) {
      if ((m.type === 'bind' || m.type === 'volume') && m.source?.value && LIKELY_DATA_PATH.test(target)) state.elsewhere.push(target);
      continue;
    }
    if (m.type === 'unknown') {
      state.unknown = true;
      continue;
    }
    const named = m.type === 'volume' && m.source !== null && (m.source.value ?? '').trim() !== '';
    if (m.type === 'volume' && m.source !== null && m.source.value === null) {
      state.unknown = true;
      continue;
    }
    if ((named || m.type === 'bind' || m.type === 'cluster' || m.type === 'npipe') && holds) {
      // A named volume defined as a tmpfs holds the data in memory, like a `tmpfs:` mount (review 43d, item 7).
      const name = named ? m.source!.value!.trim() : '';
      const tmpfsFile = named ? tmpfsDefinitionFile(ctx, service.doc, name) : undefined;
      if (tmpfsFile !== undefined) {
        state.tmpfs = true;
        if (state.tmpfsVolume === undefined) {
          state.tmpfsVolume = name;
          state.tmpfsVolumeFile = tmpfsFile;
        }
        continue;
      }
      state.persisted = true;
      continue;
    }
    if (target === data.mountTarget || target === data.dir) state.shadowing.push(m);
  }
  return state;
}

/** The targets of a service's `tmpfs:` (string or list form), or null when one cannot be read. */
export function tmpfsTargets(ctx: ComposeContext, service: Service): string[] | null {
  const entry = ctx.serviceGet(service, 'tmpfs');
  if (!entry || !entry.value) return [];
  const nodes = isSeq(entry.value) ? entry.value.items : [entry.value];
  const out: string[] = [];
  for (const n of nodes) {
    const raw = scalarString(ctx.resolve(service.doc, n as Node));
    if (raw === null) return null;
    const value = interpolateWithDotenv(ctx, raw).value;
    if (value === null) return null;
    const p = normalizeHostPath(value.split(':')[0].trim());
    if (!p) return null;
    out.push(p);
  }
  return out;
}

/** Whether a Redis-family service keeps no dataset: configured as a pure cache (no persistence asked for), or running Sentinel. */
export function keepsNoDataset(ctx: ComposeContext, service: Service, merged?: MergedCommands): boolean {
  const facts = redisFacts(ctx, service, merged);
  return !!facts && (facts.cache || facts.sentinel);
}


/**
 * The same service in the compose files that may add to this file's services when Compose merges
 * them (the override file beside a base file, or the base file beside an override/variant): what
 * they write for it (volumes, a command) is not visible here.
 */
export function companionServices(ctx: ComposeContext, service: Service): { ctx: ComposeContext; service: Service }[] {
  // Only the pair Compose merges without `-f`: the first default file and the first override that
  // exist. A `compose.prod.yaml` or a legacy `docker-compose.yml` beside `compose.yaml` is not merged
  // with it (review 7, probe 09).
  const { main, override } = ctx.memo(ctx, 'default-compose-pair', () => defaultComposePair(ctx.workspace, ctx.dir));
  const p = ctx.path === main ? override : ctx.path === override ? main : undefined;
  if (p === undefined) return [];
  const other = parsedCompose(ctx.workspace, p, ctx.options);
  const s = other?.servicesNamed(service.name)[0];
  return other && s ? [{ ctx: other, service: s }] : [];
}

/**
 * Whether a companion compose file (companionServices) writes one of `keys` for the same service:
 * `docker compose up` merges it, so `build:` there makes the service built (its `image:` here names
 * what Compose tags: api-platform's compose.yaml and compose.override.yaml, review 6 probe dc-04) and
 * `user:` there sets its user.
 */
export function companionWrites(ctx: ComposeContext, service: Service, keys: readonly string[]): boolean {
  // `user: !reset null` removes the key from the merged service: it writes nothing (Compose merge: "Reset value").
  return companionServices(ctx, service).some((c) =>
    keys.some((k) => {
      const entry = c.ctx.serviceGet(c.service, k);
      return entry !== undefined && composeTag(c.ctx, entry.pair) !== 'reset';
    }),
  );
}

/** The raw `image:` text of a service (for messages), or null. */
export function writtenImage(ctx: ComposeContext, service: Service): string | null {
  return scalarString(ctx.serviceGet(service, 'image')?.value);
}
