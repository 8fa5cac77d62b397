import * as path from 'node:path';
import { type Node, type YAMLMap } from 'yaml';
import { isMap, isScalar, isSeq } from '../engine/yaml-guards';
import { defineRule } from '../engine/rule';
import type { ComposeContext, Service } from '../engine/compose';
import { addToMapEdit, appendToSeqEdit, canAddToService, indentUnit, parsedCleanly } from '../engine/compose-insert';
import { builtDockerfileOf, ExtendedEnv, extendsChain, isExtendsOnlyBase, isOneShotJob, lookupKey, onHostNetwork, resolvedScalar } from '../engine/compose-lookup';
import { composeTag, defaultMerge, droppedByDefaultOverride, mergedCommands, mergedEnv, mergedServiceGone, overrideAt, type DefaultMerge } from '../engine/override-merge';
import { effectiveVolumes } from '../engine/override-mounts';
import { defaultPairPartner } from '../engine/override-top-level';
import { companionWrites, dataDirOf, dataMountState, keepsNoDataset, type DataDir, type DataMountState, type MergedInputs } from '../engine/data-volumes';
import { normalizeHostPath, serviceVolumes, type VolumeMount } from '../engine/compose-volumes';
import { scalarContentSpan, scalarString } from '../engine/compose';
import { interpolateWithDotenv } from '../engine/compose-values';
import { looseImageOfText } from '../engine/service-image';
import { propertiesOf } from '../engine/stage-scope';
import { comparePositions } from '../engine/text';
import type { DataStoreKind } from '../engine/datastores';
import type { Fix, TextEdit } from '../engine/types';
import { commandValue } from '../engine/service-command';
import type { MergedCommands } from '../engine/override-merge';

interface Data {
  service: string;
  kind: DataStoreKind;
  /** The directory the store writes its data to. */
  dir: string;
  /** Where the fix mounts the named volume. */
  mountTarget: string;
  /**
   * What holds the directory now: nothing (the image's anonymous volume or the container layer), or a tmpfs / anonymous
   * volume written in the file; `persisted`: a named volume or bind mount (a RabbitMQ finding about its node name only).
   */
  now: 'container' | 'anonymous' | 'tmpfs' | 'persisted';
  /** The named volume on the directory whose top-level definition makes it a tmpfs (`driver_opts: { type: tmpfs }`). */
  tmpfsVolume?: string;
  /** The file whose definition of tmpfsVolume makes it a tmpfs, when it is not the file reported (the other file of the default pair: review 44d, item 5). */
  tmpfsFile?: string;
  /** RabbitMQ whose node name, and so its database directory `mnesia/rabbit@<hostname>`, follows the container's random hostname. */
  randomNodeName?: boolean;
  /** The default override file whose environment drops the `RABBITMQ_NODENAME` (with a host part) this file sets: it makes the name random. */
  nodeNameDroppedBy?: string;
  /** The image the default override file sets for the service, which decides where the data goes: its text and the file's name. */
  overrideImage?: { image: string; file: string };
  /** Named volumes or bind mounts of the service at other paths near the data (a likely wrong path, e.g. `/var/lib/redis` for the official redis image). */
  elsewhere: string[];
  /** The directory is the one the service's own settings name (`PGDATA`, `--datadir`, `--dir`…), not the image's. */
  configured?: boolean;
  /** The image's tag is a variable without a value, and where its data goes depends on it (postgres before and from 18): no fix. */
  layoutUnknown?: boolean;
  /** A volume at a parent of the data that the image's own VOLUME shadows, and that VOLUME. */
  shadowed?: { parent: string; imageVolume: string };
}

const KIND_NAMES: Record<DataStoreKind, string> = {
  postgres: 'PostgreSQL',
  mysql: 'MySQL',
  mariadb: 'MariaDB',
  mongo: 'MongoDB',
  redis: 'Redis',
  dragonfly: 'Dragonfly',
  elasticsearch: 'Elasticsearch/OpenSearch',
  rabbitmq: 'RabbitMQ',
  memcached: 'Memcached',
  mssql: 'SQL Server',
  clickhouse: 'ClickHouse',
  cockroach: 'CockroachDB',
  cassandra: 'Cassandra',
  scylla: 'ScyllaDB',
};

/**
 * Dragonfly writes a snapshot to /data on shutdown and loads it on start unless `--dbfilename` is
 * empty (dragonflydb.io/docs/managing-dragonfly/backups): with `--dbfilename=` it keeps nothing on disk.
 */
function dragonflyWithoutSnapshots(ctx: ComposeContext, service: Service, merged?: MergedCommands): boolean {
  const cmds = merged ? [merged.value?.entrypoint, merged.value?.command] : [commandValue(ctx, service, 'entrypoint'), commandValue(ctx, service, 'command')];
  const args = cmds.flatMap((c) => c?.args ?? []).map((a) => a.value);
  return args.some((a, i) => a === '--dbfilename=' || a === '--dbfilename=""' || (a === '--dbfilename' && args[i + 1] === ''));
}

/**
 * Whether the service takes another's mounts with `volumes_from:`, which makes its mounts partly invisible here:
 * with the default override merged, a list either file writes (appended: Compose merge, "Sequence"), less what the
 * override drops (`!reset`, `!override`; in the override, a `!reset` list is no list) (review item 3, ovr2).
 */
function takesVolumesFrom(ctx: ComposeContext, service: Service): boolean {
  const merge = defaultMerge(ctx, service);
  if (!merge) return ctx.serviceGet(service, 'volumes_from') !== undefined;
  const touch = overrideAt(merge, ['volumes_from']);
  return !!touch?.value || (!touch?.drops && merge.base.ctx.serviceGet(merge.base.service, 'volumes_from') !== undefined);
}

/**
 * How the mounts of a service and of the services it `extends:` hold the data directory: `volumes:`
 * and `tmpfs:` are sequences, which Compose combines through `extends:`, so a mount written in a base
 * counts. Unknown when a base cannot be read or uses `volumes_from:`.
 */
function chainMountState(ctx: ComposeContext, service: Service, data: DataDir, merged?: { mounts: VolumeMount[]; tmpfs: boolean; dropped: boolean }): DataMountState {
  const { chain, unknown } = extendsChain(ctx, service);
  const state = dataMountState(ctx, service, data, merged);
  if (unknown) state.unknown = true;
  // The override drops the service's `volumes` (`!reset`, `!override`): what it inherits through `extends:` goes too.
  for (const level of merged?.dropped ? [] : chain.slice(1)) {
    if (level.ctx.serviceGet(level.service, 'volumes_from')) state.unknown = true;
    const base = dataMountState(level.ctx, level.service, data);
    state.persisted ||= base.persisted;
    state.unknown ||= base.unknown;
    state.tmpfs ||= base.tmpfs;
    if (state.tmpfsVolume === undefined && base.tmpfsVolume !== undefined) {
      state.tmpfsVolume = base.tmpfsVolume;
      state.tmpfsVolumeFile = base.tmpfsVolumeFile;
    }
    state.shadowing.push(...base.shadowing);
    state.elsewhere.push(...base.elsewhere.filter((e) => !state.elsewhere.includes(e)));
    state.shadowedParent ??= base.shadowedParent;
  }
  return state;
}

/** Two mount states joined: the merged service's, from the default file's service and the override's. */
function joinStates(a: DataMountState, b: DataMountState): DataMountState {
  return {
    persisted: a.persisted || b.persisted,
    unknown: a.unknown || b.unknown,
    tmpfs: a.tmpfs || b.tmpfs,
    shadowing: [...a.shadowing, ...b.shadowing],
    elsewhere: [...a.elsewhere, ...b.elsewhere.filter((e) => !a.elsewhere.includes(e))],
    ...(a.shadowedParent ?? b.shadowedParent ? { shadowedParent: a.shadowedParent ?? b.shadowedParent } : {}),
    ...(a.tmpfsVolume !== undefined ? { tmpfsVolume: a.tmpfsVolume, tmpfsVolumeFile: a.tmpfsVolumeFile } : b.tmpfsVolume !== undefined ? { tmpfsVolume: b.tmpfsVolume, tmpfsVolumeFile: b.tmpfsVolumeFile } : {}),
  };
}

/**
 * Which file of the default pair decides where the merged service keeps its data, and so where the one finding about
 * it is reported (review item 5, ovr2): the override when it writes the service's `image:` (its image replaces the
 * default file's; not when the service builds), its `build:`, or replaces the whole service (`!override`); else the
 * default file. 'unknown' when both files write `build:` (merged key by key: not followed).
 */
function decidingFile(merge: DefaultMerge): 'base' | 'over' | 'unknown' {
  if (merge.whole) return 'over';
  const build = overrideAt(merge, ['build']);
  const baseBuild = !build?.drops && lookupKey(merge.base.ctx, merge.base.service, 'build') !== undefined;
  if (build?.value) return baseBuild ? 'unknown' : 'over';
  if (baseBuild) return 'base';
  return overrideAt(merge, ['image'])?.value ? 'over' : 'base';
}

/**
 * How the merged service's mounts hold the data directory: the default file's service (its mounts and `tmpfs:` less
 * what the override drops or replaces by container path: effectiveVolumes; with what it inherits through `extends:`)
 * joined with the override's (not when the override replaces the whole service).
 */
function mergedMountState(merge: DefaultMerge, data: DataDir): DataMountState {
  const { base, over } = merge;
  const tmpfs = overrideAt(merge, ['tmpfs']);
  const overState = dataMountState(over.ctx, over.service, data, { mounts: effectiveVolumes(over.ctx, over.service), tmpfs: !!tmpfs?.value });
  if (merge.whole) return overState;
  const dropped = !!overrideAt(merge, ['volumes'])?.drops;
  const baseState = chainMountState(base.ctx, base.service, data, { mounts: effectiveVolumes(base.ctx, base.service), tmpfs: !tmpfs?.drops, dropped });
  return joinStates(baseState, overState);
}

/** A companion file (the default override…) gives the service volumes; `volumes: !reset []` there removes them (companionWrites). */
function hasVolumesInCompanions(ctx: ComposeContext, service: Service): boolean {
  return companionWrites(ctx, service, ['volumes']);
}

/** A volume name for the service that no top-level volume uses yet. */
function volumeName(service: string, taken: Set<string>): string {
  const base = `${service.replace(/[^a-zA-Z0-9_.-]/g, '-').replace(/^[^a-zA-Z0-9]+/, '') || 'data'}-data`;
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  return name;
}

/**
 * What the default override file (`compose.override.yaml` beside `compose.yaml`, merged by `docker compose up`)
 * sets for a service of the default file that moves its data: the image (its `image:` replaces this file's; not
 * when the service builds: the image is then what its Dockerfile builds), `PGDATA` (through MergedEnv) and the command
 * (mergedCommands). Undefined when it sets none (or the service is not merged: defaultMerge); 'unknown' when its
 * image cannot be read.
 */
function fromDefaultOverride(ctx: ComposeContext, service: Service): { inputs: MergedInputs; image?: string; file: string } | 'unknown' | undefined {
  const merge = defaultMerge(ctx, service);
  if (!merge || merge.inOverride || merge.whole) return undefined;
  if (overrideAt(merge, ['build'])?.value) return undefined;
  const { ctx: over } = merge.over;
  const inputs: MergedInputs = {};
  let image: string | undefined;
  const written = overrideAt(merge, ['image'])?.value;
  if (written && lookupKey(ctx, service, 'build') === undefined) {
    const raw = scalarString(written.entry.value);
    const loose = raw === null ? null : looseImageOfText(raw, interpolateWithDotenv(over, raw).value);
    if (!loose || raw === null) return 'unknown';
    inputs.image = loose;
    image = raw;
  }
  // PGDATA as the merged service gets it (override-merge's MergedEnv: the override's `environment:` entry, else the
  // base's unless the override drops it, else the env files, the override's first): `environment:` beats `env_file:`
  // whichever file writes them (review 44d leftovers). Read here only when the override writes or drops it, or drops
  // the env files that may set it (`env_file: !reset`/`!override`: the base's files are gone, its `environment:` stays).
  const env = mergedEnv(merge);
  const pgdata = env.get('PGDATA');
  if (env.fromOverride(pgdata) || overrideAt(merge, ['environment', 'PGDATA'])?.drops || overrideAt(merge, ['env_file'])?.drops) inputs.pgdata = pgdata;
  // The merged entrypoint/command (override-merge's one view), when the override writes or drops either.
  const commands = mergedCommands(merge);
  if (commands.fromOverride) inputs.commands = commands;
  if (!inputs.image && !inputs.pgdata && !inputs.commands) return undefined;
  return { inputs, ...(image !== undefined ? { image } : {}), file: path.basename(over.path) };
}

/**
 * Whether a RabbitMQ service's node name is stable across re-created containers. RabbitMQ names its node
 * `rabbit@<hostname>` and keeps its database in `mnesia/<node name>` under /var/lib/rabbitmq; Compose gives every
 * new container a random hostname (its id: compose's getCreateConfigs passes only `hostname:`, and `container_name:`
 * does not set it), so a re-created container starts as a new, empty node beside the old one's directory (the
 * official image's docs: "specify -h/--hostname explicitly … so that we don't get a random hostname and can keep
 * track of our data"). Stable: `hostname:`, `RABBITMQ_NODENAME` with a host part (`rabbit@mq`; without one RabbitMQ
 * appends the hostname), the host's network or UTS namespace (the host's name), Bitnami's images (their
 * `RABBITMQ_NODE_NAME` defaults to `rabbit@localhost`). Unknown (not reported): a value that is a variable without
 * a value, a network shared with another container (its hostname), `RABBITMQ_MNESIA_DIR` (the directory no longer
 * carries the name), a mounted /etc/rabbitmq or rabbitmq-env.conf (may set NODENAME), a Dockerfile that sets those
 * or cannot be read, settings the companion compose file writes. With the default override merged over this
 * service (`merge`), the environment is the merged service's (MergedEnv: the override's `environment:` entries win
 * key by key, `RABBITMQ_NODENAME: !reset null` or `environment: !reset`/`!override` drops this file's, and its env
 * files are read, `env_file: !reset` dropping this file's; Compose merge, https://docs.docker.com/reference/compose-file/merge/)
 * rather than unknown (review mrg6a, item 2); the override's other settings named above still make it unknown.
 */
function rabbitNodeName(ctx: ComposeContext, service: Service, data: DataDir, merge?: DefaultMerge): 'stable' | 'random' | 'unknown' | 'dropped' {
  if (data.dir.startsWith('/bitnami/')) return 'stable';
  const companionKeys = ['hostname', 'network_mode', 'uts', 'image', 'build', ...(merge ? [] : ['environment', 'env_file'])];
  if (companionWrites(ctx, service, companionKeys)) return 'unknown';
  for (const key of ['hostname', 'network_mode', 'uts']) {
    const found = lookupKey(ctx, service, key);
    if (found === 'unknown') return 'unknown';
    if (!found) continue;
    const node = found.ctx.resolve(found.service.doc, found.entry.value as Node | null);
    // An empty value sets nothing (`hostname:`: Docker picks the container id).
    if (!node || (isScalar(node) && (node.value === null || node.value === undefined))) continue;
    const value = resolvedScalar(found.ctx, node);
    if (value === undefined || value === null) return 'unknown';
    const v = value.trim();
    if (key === 'hostname' && v !== '') return 'stable';
    if (key === 'uts' && v === 'host') return 'stable';
    if (key === 'network_mode' && /^(?:service|container):/.test(v)) return 'unknown';
  }
  if (onHostNetwork(ctx, service)) return 'stable';
  const env = merge ? mergedEnv(merge) : new ExtendedEnv(ctx, service);
  const nodename = env.get('RABBITMQ_NODENAME');
  if (nodename.state === 'unknown' || nodename.state === 'unknown-value') return 'unknown';
  if (nodename.state === 'set' && nodename.value.includes('@')) return 'stable';
  if (env.get('RABBITMQ_MNESIA_DIR').state !== 'unset') return 'unknown';
  const { chain, unknown } = extendsChain(ctx, service);
  if (unknown) return 'unknown';
  for (const level of chain) {
    for (const m of serviceVolumes(level.ctx, level.service)) {
      const t = m.target?.value;
      const target = t === null || t === undefined ? null : normalizeHostPath(t.trim());
      if (target === null || target === '/etc/rabbitmq' || target === '/etc' || target.endsWith('/rabbitmq-env.conf')) return 'unknown';
    }
  }
  if (lookupKey(ctx, service, 'build') !== undefined) {
    const built = builtDockerfileOf(ctx, service);
    if (!built) return 'unknown';
    const sets = built.dockerfile.stages.some((st) =>
      st.instructions.some((i) => {
        const k = i.getKeyword();
        if (k === 'ENV') return propertiesOf(i).some((p) => ['RABBITMQ_NODENAME', 'RABBITMQ_MNESIA_DIR'].includes(p.getName()));
        const dest = (i.getArguments().at(-1)?.getValue() ?? '').replace(/^[["']+|["'\]]+$/g, '');
        return (k === 'COPY' || k === 'ADD') && (/^\/etc\/rabbitmq\/?$/.test(dest) || dest.endsWith('rabbitmq-env.conf'));
      }),
    );
    if (sets) return 'unknown';
  }
  // This file names the node, and the override's environment drops it (`RABBITMQ_NODENAME: !reset null`, `environment:
  // !reset`/`!override` without it): the message says the override made the name random (review 46 leftovers, item 4).
  if (merge) {
    const own = new ExtendedEnv(ctx, service).get('RABBITMQ_NODENAME');
    if (own.state === 'set' && own.value.includes('@')) return 'dropped';
  }
  return 'random';
}

/** A hostname for a RabbitMQ service's node name: its name as a DNS label (letters, digits, hyphens), never a word YAML reads as another type. */
function hostnameFor(service: string): string {
  const label = service.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return /^[a-z]/.test(label) && !/^(?:y|n|yes|no|on|off|true|false|null)$/.test(label) ? label : `rabbitmq${label ? '-' + label : ''}`.slice(0, 63);
}

/** Insertions at the same point (the service is the file's last entry, its `volumes:` its last key) as one edit, in the given order. */
function joinInsertions(edits: TextEdit[]): TextEdit[] {
  const out: TextEdit[] = [];
  for (const e of edits) {
    const empty = comparePositions(e.range.start, e.range.end) === 0;
    const same = empty && out.find((o) => comparePositions(o.range.start, o.range.end) === 0 && comparePositions(o.range.start, e.range.start) === 0);
    if (same) same.newText += e.newText;
    else out.push({ range: e.range, newText: e.newText });
  }
  return out;
}

const PRE18_DATA = '/var/lib/postgresql/data';

/** PostgreSQL 18 or later (PGDATA /var/lib/postgresql/<major>/docker) with a volume at the pre-18 data path. */
function pg18WrongTarget(d: Data): boolean {
  return d.kind === 'postgres' && /^\/var\/lib\/postgresql\/\d+\/docker$/.test(d.dir) && d.elsewhere.includes(PRE18_DATA);
}

/** The service's own short-syntax mount `source:/var/lib/postgresql/data[:mode]`, retargeted to `/var/lib/postgresql`. */
function retargetPg18(ctx: ComposeContext, service: Service): { edit: TextEdit; source: string } | undefined {
  for (const m of serviceVolumes(ctx, service)) {
    if (m.syntax !== 'short' || !m.source || !m.target || m.target.raw.replace(/\/+$/, '') !== PRE18_DATA) continue;
    if (!m.editable || !m.target.offsets) return undefined;
    return { edit: { range: ctx.lines.rangeOf(m.target.offsets[0], m.target.offsets[1]), newText: '/var/lib/postgresql' }, source: m.source.raw };
  }
  return undefined;
}

export default defineRule<'compose', Data>({
  code: 'DC060',
  name: 'data-store-without-volume',
  kind: 'compose',
  severity: 'warning',
  fixable: 'sometimes',
  docs: {
    summary: 'A data store service\'s data directory is not mounted from a named volume or a bind mount.',
    what: 'Flags a data store service — PostgreSQL (and PostGIS, TimescaleDB, pgvector, pgvecto-rs, VectorChord, Citus, ParadeDB), MySQL, MariaDB, MongoDB, Redis/Valkey/KeyDB, Elasticsearch/OpenSearch, RabbitMQ, SQL Server (and Azure SQL Edge), ClickHouse, CockroachDB, Cassandra, ScyllaDB; by image, or by the base of the Dockerfile it builds (also beside an `image:` that names no store, `image: myorg/db:1`, which names what the build makes; the FROM is read with the `build.args` the service passes, map or list form, interpolated with the `.env`, over the ARG\'s default: `ARG PG_MAJOR=17` / `FROM postgres:${PG_MAJOR}` built with `args: { PG_MAJOR: "18" }` keeps its data as postgres 18 does, and an arg whose value is not known — a variable without a value, a name alone, which Compose takes from its own environment — leaves the major unknown rather than the default; also when the base\'s tag is a build argument without a value, as in docker-elk\'s `FROM docker.elastic.co/elasticsearch/elasticsearch:${ELASTIC_VERSION:?}`: the repository names the store, not its version, so a postgres base of that kind is judged as one whose major is unknown) — whose data directory is not mounted from a named volume or a bind mount. The data directory is the image\'s: `/var/lib/postgresql/data` (postgres 18+, including `postgres` and `postgres:latest`, which are 18 today: `/var/lib/postgresql`, which holds `<major>/docker`; a volume at the pre-18 `/var/lib/postgresql/data` does not count, and the server refuses to start with it), `/var/lib/mysql`, `/data/db`, `/data`, `/usr/share/elasticsearch/data`, `/usr/share/opensearch/data`, `/var/lib/rabbitmq`, `/var/opt/mssql/data` (the fix mounts the whole `/var/opt/mssql`, as Microsoft\'s guide does; not judged when `MSSQL_DATA_DIR` moves it), `/var/lib/clickhouse`, `/cockroach/cockroach-data` (not judged when `--store` puts it elsewhere or in memory), `/var/lib/cassandra`, `/var/lib/scylla` (not judged when `--workdir`, `--data-file-directories` or `--commitlog-directory` moves it), `/bitnami/<store>` for Bitnami images — or the one the service sets (`PGDATA`, `--datadir`, `--dbpath`, and for Redis/Valkey/KeyDB and Dragonfly `--dir`, or Redis\'s `dir` in a config file it mounts from the workspace, relative to the working directory — `/data`, or the service\'s `working_dir:`, which is also where Redis writes without `dir` —, also when the server is started with `exec`, `gosu` or `su-exec` at the end of a `sh -c` script; a `--dir` whose value is a variable without a value, or a Redis config file the workspace does not hold, leaves the directory unknown: not judged); a mount of that directory or of a parent counts — but not a named volume whose top-level definition makes it a tmpfs (the local driver, the default, with `driver_opts: { type: tmpfs }`; with the override `docker compose up` merges by default, the merged project\'s definition: either file of the pair may define the volume, the override\'s options merged over this file\'s, `!reset`/`!override` honoured): it is reported like a `tmpfs:` mount, naming the volume, and the file whose definition makes it a tmpfs when that is the other file of the pair (for a postgres image whose tag is a variable without a value, or names no version and is not one of the image\'s versionless tags — `latest`, `alpine`, `alpine3.N`, `trixie`, `bookworm`…, which follow the newest major; `postgres:alpine-14`, which the image does not publish, tells no version —, a mount at either layout\'s place, `/var/lib/postgresql/data` or `/var/lib/postgresql`, counts, and no fix is offered: the layout depends on the major) — but not a parent of the VOLUME that the official images declare at their data directory (postgres `/var/lib/postgresql/data`, 18+ `/var/lib/postgresql`; mysql, percona and mariadb `/var/lib/mysql`; mongo `/data/db`; redis and valkey `/data`; rabbitmq `/var/lib/rabbitmq`; cassandra `/var/lib/cassandra`; scylladb/scylla `/var/lib/scylla`; also in images built on them, which cannot drop it, unless their Dockerfile moves the data with `ENV PGDATA`): Docker mounts an anonymous volume there, inside the parent\'s mount, and the data goes into it (a volume at `/var/lib/postgresql` for `postgres:16`). Not reported: Redis configured as a pure cache (`--save ""` or an `allkeys-*` eviction policy, no AOF), Redis Sentinel (`redis-sentinel sentinel.conf`, `redis-server sentinel.conf --sentinel`: it keeps no dataset, its state goes into its config file), Dragonfly with snapshots off (an empty `--dbfilename=`; otherwise it snapshots to /data on shutdown, reported as info like Redis), services with `volumes_from:` (also in a base service, or written in the other file of the default pair — the override `docker compose up` merges by default, or the default file beside it —, unless the override resets or replaces it: `volumes_from: !reset []`) or a base (`extends:`) that cannot be read, services whose mounts use a variable without a value, images whose layout is unknown (other Bitnami images), and services that a companion compose file gives volumes where the two are not merged as below (a service another extends, a file another includes or extends, a Swarm stack). With the override `docker compose up` merges by default (`compose.override.yaml` beside `compose.yaml`; Compose merge, https://docs.docker.com/reference/compose-file/merge/), the merged service is judged once: with the mounts and `tmpfs:` both files give it (volumes merged by container path; `volumes: !reset []` removes this file\'s, and no fix is offered for a list it drops), not at all when the override resets the whole service, and reported in the file whose value decides where the data goes — the override when it writes the service\'s `image:` (not when the service builds), its `build:` or replaces the whole service (`!override`), else the default file (not judged when both write `build:`). The fix edits the file where the service\'s mounts are written: the list that takes effect (the override\'s, else the default file\'s), or, with none, the file reported; the volume name avoids the names either file declares or mounts (also for a service written in one file only: the two files are one project, whose top-level `volumes:` are merged by name), and no mount is added to the default file at a container path the override mounts something else at. RabbitMQ also needs a fixed node name: it keeps its database in `/var/lib/rabbitmq/mnesia/rabbit@<hostname>`, and Compose gives every new container a random hostname (its id; `container_name:` does not set the hostname), so a RabbitMQ service with its volume is still reported when nothing fixes the name — `hostname:`, `RABBITMQ_NODENAME` with a host part (`rabbit@mq`; without one RabbitMQ appends the hostname), the host\'s network or `uts: host` (the host\'s name), or a Bitnami image (`rabbit@localhost` by default); not judged when the name cannot be known (a variable without a value, `network_mode: service:…`/`container:…`, `RABBITMQ_MNESIA_DIR`, a mounted `/etc/rabbitmq` or `rabbitmq-env.conf`, a Dockerfile that sets them or cannot be read, a companion file that writes `hostname`, `network_mode`, `uts`, `image` or `build`, or `environment`/`env_file` when its merge is not followed); with the default override merged, `RABBITMQ_NODENAME` is read from the merged environment (the override\'s entry wins, its `RABBITMQ_NODENAME: !reset null` or `environment: !reset`/`!override` drops this file\'s). When the default override file (`compose.override.yaml` beside `compose.yaml`, merged by `docker compose up`) sets the service\'s `image:` (not when the service builds) or `PGDATA`, the data directory is judged with them, as for `extends:`: postgres 16 in `compose.yaml` and `postgres:18` in the override with the volume at `/var/lib/postgresql/data` is reported once, in the override (its image decides), and the fix moves the mount in `compose.yaml`, where it is written; and so is the reverse. A `PGDATA` the override sets with this file\'s image is judged here, where that image is written. The merged environment and command are what is read, as `docker compose config` shows them: a `PGDATA` the override drops (`PGDATA: !reset null`, or `environment: !reset`/`!override` without it) is unset (what this file\'s `env_file:` sets still counts), an `environment:` entry beats an `env_file:` whichever file writes them (this file\'s `PGDATA:` entry wins over one in the override\'s `env_file:`, as Compose merges them), and the override\'s `command:` or `entrypoint:` replaces this file\'s whole — a `--dbpath`/`--datadir`/`--dir` it leaves out no longer moves the data, and Redis is judged by the override\'s command (AOF turned on there is reported, `--save ""` there is a cache). Through `extends:` (same file or another compose file of the workspace) the image, `PGDATA` and command are inherited and `volumes:`/`tmpfs:` are combined with the base\'s, as Compose combines sequences: a volume mounted in the base counts; a service that still has none is reported on its name, and the fix adds the volume to that service (never to the base). A base file analyzed only because a default compose file\'s services extend it (`common-services.yml`) is not reported: the services that extend it are. Nor is a one-shot job that runs a data store\'s image to set something up or copy data out and exits: a service another service waits for with `condition: service_completed_successfully` (SigNoz\'s `init-clickhouse`), or one deployed with `restart_policy: {condition: none}`, or one whose command is a shell script that only runs setup tools (shell built-ins, file tools, `curl`, the stores\' clients such as `psql` and `redis-cli`, Elasticsearch\'s `bin/elasticsearch-certutil`, MinIO\'s `mc`, Ollama\'s client commands such as `ollama pull`) and never the server: Elastic\'s certificate `setup` service runs `bash -c \'… bin/elasticsearch-certutil …\'` with the Elasticsearch image (with the default override, judged on the merged service: a service of either file may wait for it, and the restart policy and command are the merged ones — the override\'s `command:`/`entrypoint:` replace this file\'s whole, `!reset` removes them).',
    why: 'Without a named volume or bind mount the data lives in the container\'s writable layer or in an anonymous volume: `docker compose down` followed by `up` starts with an empty database (the new container gets a new anonymous volume; only `up` re-creating a running service carries its anonymous volumes over, unless `--renew-anon-volumes`, and data in the writable layer is lost even then), and `docker compose down -v` or `docker volume prune` deletes it with nothing to restore. SECURITY-GUIDELINES.md §4 asks for regular backups of PostgreSQL and for Redis AOF persistence — both need the data on a volume that outlives the container. A tmpfs on the data directory is reported too: it is memory, gone at every restart — also a named volume defined with `driver_opts: { type: tmpfs }`, which the local driver mounts when a container starts using it and unmounts when the last one stops (moby volume/local). RabbitMQ without a fixed node name loses its state on every re-create even with a volume: the official image\'s docs ask to "specify -h/--hostname explicitly for each daemon so that we don\'t get a random hostname and can keep track of our data"; the new node starts empty beside the old one\'s directory in the same volume.',
    bad: 'services:\n  db:\n    image: postgres:17\n    environment:\n      POSTGRES_PASSWORD_FILE: /run/secrets/db_password',
    good: 'services:\n  db:\n    image: postgres:17\n    volumes:\n      - db-data:/var/lib/postgresql/data\n\nvolumes:\n  db-data:',
    fix: '"Store <service> data in the named volume <service>-data" adds `- <service>-data:<data directory>` to the service\'s `volumes:` (creating the key as needed, in the file\'s indentation; an anonymous volume on the data directory is replaced by the named one) and declares the volume under the top-level `volumes:` (created at the end of the file when missing); when that name is taken — declared or mounted in the file, or in the other file of the default pair, which Compose merges into one project — it is `<service>-data-2` (then `-3`…). Not applied by fix-all: data already written to the container or its anonymous volume is not moved — dump it first (`pg_dump`, `mysqldump`, `mongodump`) and restore it after the change. Not offered when the service or the top-level `volumes:` cannot be edited in place (anchors, aliases, merges, flow style, YAML errors) or when a tmpfs is mounted on the directory (also a named volume defined as a tmpfs: drop `type: tmpfs` from its definition, or mount another volume). For RabbitMQ without a fixed node name the fix also adds `hostname: <service>` (as a DNS label); with the volume already there, "Set hostname: <service> on <service>" adds only that. Not applied by fix-all either: a running broker\'s current state is in the volume under its old, random node name, which the new name does not find — no worse than the next re-create without the fix, which also starts empty, but it happens at the next `up`: export the definitions first (`rabbitmqctl export_definitions`) and drain the queues, or set `hostname:` to the container\'s current hostname (`docker compose exec <service> hostname`) to keep the state it has. On PostgreSQL 18 and later with the service\'s volume at `/var/lib/postgresql/data`, the fix is "Mount <volume> at /var/lib/postgresql": it moves that mount instead of adding one (not applied by fix-all either: data an older major wrote in that volume needs `pg_upgrade` first).',
    guideline: '§4 Data Security — PostgreSQL "Regular Backups", Redis "AOF Persistence"',
    equivalents: ['no equivalent in hadolint, dclint, Checkov or Trivy; Docker\'s own docs ("Persist the DB") and each image\'s "Where to store data" section'],
    references: [
      'https://github.com/moltis-org/moltis/pull/1122 (a VOLUME declared on a nested path is not covered by a parent bind mount: the runtime attaches an anonymous volume there)',
      'https://docs.docker.com/reference/compose-file/services/#extends',
      'https://docs.docker.com/reference/compose-file/build/#args',
      'https://docs.docker.com/reference/compose-file/build/#using-build-and-image',
      'https://docs.docker.com/reference/dockerfile/#understand-how-arg-and-from-interact',
      'https://docs.docker.com/get-started/workshop/05_persisting_data/',
      'https://docs.docker.com/reference/compose-file/volumes/',
      'https://hub.docker.com/_/postgres',
      'https://github.com/docker-library/official-images/blob/master/library/postgres (the tags the postgres image publishes: `<major>-alpine`, `alpine`, `alpine3.N`, `trixie`, `latest`…; no `alpine-<major>`)',
      'https://hub.docker.com/_/mysql',
      'https://hub.docker.com/_/redis',
      'https://hub.docker.com/_/rabbitmq ("Running the daemon": the node name defaults to the hostname, the database dir is mnesia/rabbit@<hostname>)',
      'https://github.com/docker/compose/issues/8475 (the container hostname is the container id, not container_name)',
      'https://docs.docker.com/reference/cli/docker/volume/create/ (local driver, --opt type=tmpfs)',
      'https://docs.docker.com/reference/compose-file/merge/',
      'https://learn.microsoft.com/sql/linux/sql-server-linux-docker-container-configure',
      'https://hub.docker.com/r/clickhouse/clickhouse-server/',
      'https://www.cockroachlabs.com/docs/stable/start-a-local-cluster-in-docker-linux',
      'https://github.com/docker-library/cassandra/blob/master/5.0/Dockerfile (`VOLUME /var/lib/cassandra`)',
      'https://docs.scylladb.com/manual/stable/operating-scylla/procedures/tips/best-practices-scylla-on-docker.html (the data volume at /var/lib/scylla; the image declares it: scylladb/scylladb dist/docker, `--volume "/var/lib/scylla"`)',
      'https://docs.scylladb.com/manual/stable/reference/configuration-parameters.html (workdir, data_file_directories, commitlog_directory; also command-line options)',
      'https://github.com/deviantony/docker-elk (elasticsearch/Dockerfile: `FROM docker.elastic.co/elasticsearch/elasticsearch:${ELASTIC_VERSION:?}`)',
    ],
  },
  check(ctx) {
    // A base file analyzed only for its `extends:` users: a missing volume is judged on the services that run it.
    if (isExtendsOnlyBase(ctx)) return [];
    const out = [];
    for (const service of ctx.services) {
      if (takesVolumesFrom(ctx, service)) continue;
      // With the default override merged (compose.override.yaml), the merged service is judged once, with the mounts
      // both files give it, and reported in the file whose `image:`/`build:` decides where its data goes (review item 5, ovr2).
      const merge = defaultMerge(ctx, service);
      if (mergedServiceGone(merge)) continue;
      const decides = merge ? decidingFile(merge) : undefined;
      if (merge && (decides === 'unknown' || (decides === 'over') !== merge.inOverride)) continue;
      // Seen from the default file the pair is not merged (a service another extends, a file another includes): judged there as written.
      if (merge?.inOverride && !defaultMerge(merge.base.ctx, merge.base.service)) continue;
      // The service whose settings (image, command, environment) are read: the override's when it builds or replaces the whole service.
      const judged = merge ? (decides === 'over' && (merge.whole || overrideAt(merge, ['build'])?.value) ? merge.over : merge.base) : { ctx, service };
      // A job that runs a data store's image to set something up or copy data out, then exits.
      if (isOneShotJob(judged.ctx, judged.service)) continue;
      // The image (and PGDATA) the default override sets is what runs (review 43d, item 8).
      const merged = !merge || judged === merge.base ? fromDefaultOverride(judged.ctx, judged.service) : undefined;
      if (merged === 'unknown') continue;
      const data = dataDirOf(judged.ctx, judged.service, merged?.inputs);
      if (!data) continue;
      if (data.kind === 'redis' && keepsNoDataset(judged.ctx, judged.service, merged?.inputs.commands)) continue;
      if (data.kind === 'dragonfly' && dragonflyWithoutSnapshots(judged.ctx, judged.service, merged?.inputs.commands)) continue;
      const state = merge ? mergedMountState(merge, data) : chainMountState(ctx, service, data);
      if (state.unknown) continue;
      const persisted = state.persisted;
      if (!merge && !persisted && hasVolumesInCompanions(ctx, service)) continue;
      const now = persisted ? 'persisted' : state.tmpfs || state.shadowing.some((m) => m.type === 'tmpfs') ? 'tmpfs' : state.shadowing.length > 0 ? 'anonymous' : 'container';
      // RabbitMQ's database directory carries its node name, the container's random hostname by default (review 43d, item 1).
      const nodeName = data.kind === 'rabbitmq' && now !== 'tmpfs' ? rabbitNodeName(judged.ctx, judged.service, data, merge && judged === merge.base && !merge.whole ? merge : undefined) : 'stable';
      const randomNodeName = nodeName === 'random' || nodeName === 'dropped';
      const droppedBy = nodeName === 'dropped' && merge && !merge.inOverride ? path.basename(merge.over.ctx.path) : undefined;
      if (persisted && !randomNodeName) continue;
      // Redis is often only a cache or a lock server; said so only when persistence is off (`--save ""`), so it is reported one level lower.
      const severity = data.kind === 'redis' || data.kind === 'dragonfly' ? ('info' as const) : undefined;
      out.push({ range: ctx.rangeOf(service.nameNode), data: { service: service.name, kind: data.kind, dir: data.dir, mountTarget: data.mountTarget, now, elsewhere: persisted ? [] : state.elsewhere, ...(data.configured ? { configured: true } : {}), ...(data.alsoHeldBy ? { layoutUnknown: true } : {}), ...(!persisted && state.shadowedParent && data.imageVolume ? { shadowed: { parent: state.shadowedParent, imageVolume: data.alsoHeldBy ? '/var/lib/postgresql/data (before PostgreSQL 18) or /var/lib/postgresql (from 18)' : data.imageVolume } } : {}), ...(state.tmpfsVolume && now === 'tmpfs' ? { tmpfsVolume: state.tmpfsVolume, ...(state.tmpfsVolumeFile !== undefined && state.tmpfsVolumeFile !== ctx.path ? { tmpfsFile: path.basename(state.tmpfsVolumeFile) } : {}) } : {}), ...(randomNodeName ? { randomNodeName: true, ...(droppedBy ? { nodeNameDroppedBy: droppedBy } : {}) } : {}), ...(merged?.image !== undefined && !merge?.inOverride && decides !== 'over' ? { overrideImage: { image: merged.image, file: merged.file } } : {}) } as Data, severity });
    }
    return out;
  },
  message(d) {
    const where = d.tmpfsVolume ? `is the named volume ${d.tmpfsVolume}, whose top-level definition${d.tmpfsFile ? ` in ${d.tmpfsFile}` : ''} makes it a tmpfs (driver_opts type: tmpfs), in memory` : d.now === 'tmpfs' ? 'is a tmpfs (memory)' : d.now === 'anonymous' ? 'is an anonymous volume' : 'is not mounted from a volume';
    // The image comes from the override `docker compose up` merges: say so, the file analyzed shows another (review 43d, item 8).
    const image = d.overrideImage ? ` (image ${d.overrideImage.image}, set by ${d.overrideImage.file})` : '';
    if (pg18WrongTarget(d)) {
      return `PostgreSQL service '${d.service}'${image} runs PostgreSQL 18 or later, which keeps its data in ${d.dir}: the volume at the pre-18 path ${PRE18_DATA} does not hold it, and the server refuses to start with a volume there. Mount it at /var/lib/postgresql.`;
    }
    const node = "RabbitMQ names its database directory (mnesia/rabbit@<hostname>) after the container's hostname, which Compose picks at random for every new container";
    // The override drops the node name this file sets: say so, this file shows one (review 46 leftovers, item 4).
    const dropped = d.nodeNameDroppedBy ? ` (${d.nodeNameDroppedBy} drops the RABBITMQ_NODENAME set here)` : '';
    if (d.now === 'persisted') {
      return `RabbitMQ service '${d.service}' keeps its data in a volume at ${d.dir}, but without a fixed node name${dropped}: ${node}, so after the container is re-created ('docker compose down' then 'up', a new image or setting) the broker starts as a new node with an empty database beside the old one — users, virtual hosts, durable queues and persistent messages seem gone. Set hostname: (or RABBITMQ_NODENAME=rabbit@<name>).`;
    }
    const writer = d.configured ? "the service's own settings put" : 'this image writes';
    // A volume at a parent the image's own VOLUME shadows: say how the data misses it (review 31, probe 05).
    const elsewhere = d.shadowed ? d.elsewhere.filter((e) => e !== d.shadowed!.parent) : d.elsewhere;
    const shadow = d.shadowed ? ` (the volume at ${d.shadowed.parent} does not hold it: the image declares its own volume at ${d.shadowed.imageVolume}, and Docker mounts an anonymous volume there, over the one at ${d.shadowed.parent})` : '';
    const other = shadow + (elsewhere.length > 0 ? ` (the volume at ${elsewhere.join(', ')} is not where ${writer} its data)` : '');
    const cache = d.kind === 'redis' ? ' If it is only a cache, say so with --save "".' : d.kind === 'dragonfly' ? ' If it is only a cache, say so with --dbfilename= (no snapshot).' : '';
    const loss = d.now === 'tmpfs' ? 'every restart of the container loses it' : "'docker compose down' then 'up' starts it empty, and 'docker compose down -v' or 'docker volume prune' deletes it";
    const remedy = d.tmpfsVolume ? ` Drop type: tmpfs from the definition of ${d.tmpfsVolume}${d.tmpfsFile ? ` in ${d.tmpfsFile}` : ''}, or mount another named volume or a bind mount there.` : d.randomNodeName ? ` Mount a named volume or a bind mount there, and set hostname: (or RABBITMQ_NODENAME=rabbit@<name>${dropped}): ${node}, so a volume alone still starts empty after a re-create.` : ' Mount a named volume or a bind mount there.';
    return `${KIND_NAMES[d.kind]} service '${d.service}'${image} keeps its data in ${d.dir}, which ${where}${other}: ${loss}.${remedy}${cache}`;
  },
  fix(ctx, { range, data }): Fix | undefined {
    // postgres:${PG_VERSION} without a value: mounting at the pre-18 path makes an 18 server refuse to start, and the reverse loses data.
    if (data.now === 'tmpfs' || data.layoutUnknown) return undefined;
    const service = ctx.servicesNamed(data.service).find((s) => comparePositions(ctx.rangeOf(s.nameNode).start, range.start) === 0);
    if (!service) return undefined;
    const merge = defaultMerge(ctx, service);
    // A service written in one file only: the other file of the default pair is still the same project, whose
    // volume names it shares (review 44d, item 1).
    if (!merge) return volumeFix(ctx, service, data, projectVolumeNames(ctx, defaultPairPartner(ctx)?.other));
    // With the default override merged, the edit goes where the service's mounts are written (review item 5, ovr2):
    // the pre-18 mount where it is written; a new mount beside the list that takes effect (the override's, else the
    // default file's), or, with none, in the file reported (whose image decides where the data goes).
    const { base, over } = merge;
    const volumes = overrideAt(merge, ['volumes']);
    const baseWrites = !volumes?.drops && !merge.whole && base.ctx.serviceGet(base.service, 'volumes') !== undefined;
    let target = volumes?.value ? over : baseWrites ? base : merge.inOverride ? over : base;
    if (pg18WrongTarget(data)) {
      const written = effectiveVolumes(over.ctx, over.service).some((m) => m.target?.raw.replace(/\/+$/, '') === PRE18_DATA);
      target = written ? over : base;
    }
    // A list under `!reset` is no list: an entry added to it would not be mounted.
    const entry = target.ctx.serviceGet(target.service, 'volumes');
    if (entry && composeTag(target.ctx, entry.pair) === 'reset') return undefined;
    if (target === base) {
      if (merge.whole || volumes?.drops) return undefined;
      // An override mount at the same container path replaces the one added here (Compose merges volumes by target).
      if (effectiveVolumes(over.ctx, over.service).some((m) => [data.mountTarget, data.dir].includes(normalizeHostPath(m.target?.value?.trim() ?? '') ?? ''))) return undefined;
    }
    const other = target === base ? over.ctx : base.ctx;
    return volumeFix(target.ctx, target.service, data, projectVolumeNames(target.ctx, other));
  },
});

/**
 * The volume names a new volume must avoid: those the edited file and the other file of the default pair (merged as
 * one project: their top-level `volumes:` are merged by name) declare under their top-level `volumes:` or mount in a
 * service (a name mounted but declared in neither file is still that project's volume once declared).
 */
function projectVolumeNames(ctx: ComposeContext, other: ComposeContext | undefined): ReadonlySet<string> {
  // Once per analysis (and other file): every finding's fix asks, and reading it walks every service's volumes (a file
  // of thousands of data stores: fix-all's every fix read the whole file).
  return ctx.memo(other ?? ctx, other ? 'dc060ProjectVolumeNamesWithOther' : 'dc060ProjectVolumeNames', () => computeProjectVolumeNames(ctx, other));
}

function computeProjectVolumeNames(ctx: ComposeContext, other: ComposeContext | undefined): Set<string> {
  const out = new Set<string>();
  for (const file of other ? [ctx, other] : [ctx]) {
    for (const doc of file.documents) {
      const root = doc.contents;
      const top = root && isMap(root) ? file.get(doc, root, 'volumes')?.value : undefined;
      if (top && isMap(top)) for (const p of top.items) if (isScalar(p.key)) out.add(String(p.key.value));
    }
    for (const s of file.services) {
      for (const m of serviceVolumes(file, s)) {
        const source = m.type === 'volume' ? m.source?.value?.trim() : undefined;
        if (source) out.add(source);
      }
    }
  }
  return out;
}

/** The fix, editing `service` in `ctx` (the analyzed file, or the other file of the default pair); `otherNames`: volume names the project declares or uses (projectVolumeNames). */
function volumeFix(ctx: ComposeContext, service: Service, data: Data, otherNames: ReadonlySet<string>): Fix | undefined {
    if (!parsedCleanly(service) || ctx.isShared(service.map) || service.map.flow) return undefined;
    const hostname = data.randomNodeName ? hostnameFor(data.service) : undefined;
    // An empty `hostname:` written here: a second key would be a duplicate (Compose refuses the file), and its value is the user's to choose.
    if (hostname && ctx.serviceGet(service, 'hostname')) return undefined;
    // RabbitMQ with its volume but no fixed node name: give it one (not by fix-all: a running broker's current data is under its old, random name).
    if (data.now === 'persisted') {
      if (!hostname || !canAddToService(ctx, service)) return undefined;
      const edit = addToMapEdit(ctx, service.map, [`hostname: ${hostname}`], indentUnit(ctx, service));
      return edit && { title: `Set hostname: ${hostname} on ${data.service} (a fixed RabbitMQ node name)`, safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [edit] }] };
    }
    // A volume added here would be dropped by the override's `volumes: !reset`: the mount belongs there.
    if (droppedByDefaultOverride(ctx, service, 'volumes')) return undefined;
    // PostgreSQL 18+ with its volume at the pre-18 path: move that mount (another one at /var/lib/postgresql would leave it there, and the server refuses to start with it).
    if (pg18WrongTarget(data)) {
      const retarget = retargetPg18(ctx, service);
      return retarget && { title: `Mount ${retarget.source} at /var/lib/postgresql (PostgreSQL 18 and later; data an older major wrote there needs pg_upgrade first)`, safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [retarget.edit] }] };
    }
    const doc = service.doc;
    const root = doc.contents;
    if (!root || !isMap(root) || (root as YAMLMap).flow) return undefined;
    const unit = indentUnit(ctx, service);

    // Top-level volumes: names already declared, and where the new one goes.
    const top = ctx.get(doc, root as YAMLMap, 'volumes');
    const taken = new Set<string>(otherNames);
    if (top) {
      if (!top.own || top.shared || !top.value || !isMap(top.value) || top.value.flow || top.value.items.length === 0) return undefined;
      for (const p of top.value.items) if (isScalar(p.key)) taken.add(String(p.key.value));
    }
    const name = volumeName(service.name, taken);
    const item = `${name}:${data.mountTarget}`;


    // The service's mount: replace an anonymous volume on the directory, else add an item or the key.
    let serviceEdit: TextEdit | undefined;
    const entry = ctx.serviceGet(service, 'volumes');
    if (entry) {
      if (!entry.own || entry.shared || !entry.value || !isSeq(entry.value)) return undefined;
      const seq = entry.value;
      const anon = seq.items.find((n) => {
        const node = n as Node;
        if (!isScalar(node) || ctx.isShared(node)) return false;
        const v = String(node.value ?? '').trim().replace(/\/+$/, '');
        return v === data.mountTarget || v === data.dir;
      }) as Node | undefined;
      if (anon && isScalar(anon)) {
        const span = scalarContentSpan(ctx.text, anon);
        if (!span) return undefined;
        serviceEdit = { range: ctx.lines.rangeOf(span[0], span[1]), newText: item };
      } else {
        // A long-syntax anonymous volume on the same target would clash with a new mount.
        const clash = seq.items.some((n) => isMap(n as Node) && ['target'].some((k) => String((n as YAMLMap).get(k) ?? '').replace(/\/+$/, '') === data.mountTarget));
        if (clash) return undefined;
        serviceEdit = appendToSeqEdit(ctx, seq, item);
      }
    } else {
      if (!canAddToService(ctx, service)) return undefined;
      serviceEdit = addToMapEdit(ctx, service.map, [...(hostname ? [`hostname: ${hostname}`] : []), 'volumes:', `  - ${item}`], unit);
    }
    if (!serviceEdit) return undefined;
    // RabbitMQ: a volume alone still starts empty after a re-create; a fixed hostname keeps its node name.
    let hostEdit: TextEdit | undefined;
    if (hostname && entry) {
      if (!canAddToService(ctx, service)) return undefined;
      hostEdit = addToMapEdit(ctx, service.map, [`hostname: ${hostname}`], unit);
      if (!hostEdit) return undefined;
    }

    const topEdit = top ? addToMapEdit(ctx, top.value as YAMLMap, [`${name}:`], unit) : addToMapEdit(ctx, root as YAMLMap, ['volumes:', `  ${name}:`], unit);
    if (!topEdit) return undefined;
    return {
      title: `Store ${data.service} data in the named volume ${name}${hostname ? `, with hostname: ${hostname} (a fixed RabbitMQ node name)` : ''}`,
      safe: false,
      changes: [{ kind: 'edit', path: ctx.path, edits: joinInsertions([serviceEdit, ...(hostEdit ? [hostEdit] : []), topEdit]) }],
    };
}
