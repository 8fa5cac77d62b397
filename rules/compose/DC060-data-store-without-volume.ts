import { type Node, type YAMLMap } from 'yaml';
import { isMap, isScalar, isSeq } from '../engine/yaml-guards';
import { defineRule } from '../engine/rule';
import type { ComposeContext, Service } from '../engine/compose';
import { addToMapEdit, appendToSeqEdit, canAddToService, indentUnit, parsedCleanly } from '../engine/compose-insert';
import { extendsChain, isExtendsOnlyBase, isOneShotJob } from '../engine/compose-lookup';
import { droppedByDefaultOverride } from '../engine/override-merge';
import { companionWrites, dataDirOf, dataMountState, keepsNoDataset, type DataDir, type DataMountState } from '../engine/data-volumes';
import { serviceVolumes } from '../engine/compose-volumes';
import { scalarContentSpan } from '../engine/compose';
import { comparePositions } from '../engine/text';
import type { DataStoreKind } from '../engine/datastores';
import type { Fix, TextEdit } from '../engine/types';
import { commandValue } from '../engine/service-command';

interface Data {
  service: string;
  kind: DataStoreKind;
  /** The directory the store writes its data to. */
  dir: string;
  /** Where the fix mounts the named volume. */
  mountTarget: string;
  /** What holds the directory now: nothing (the image's anonymous volume or the container layer), or a tmpfs / anonymous volume written in the file. */
  now: 'container' | 'anonymous' | 'tmpfs';
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
};

/**
 * Dragonfly writes a snapshot to /data on shutdown and loads it on start unless `--dbfilename` is
 * empty (dragonflydb.io/docs/managing-dragonfly/backups): with `--dbfilename=` it keeps nothing on disk.
 */
function dragonflyWithoutSnapshots(ctx: ComposeContext, service: Service): boolean {
  const args = [commandValue(ctx, service, 'entrypoint'), commandValue(ctx, service, 'command')].flatMap((c) => c?.args ?? []).map((a) => a.value);
  return args.some((a, i) => a === '--dbfilename=' || a === '--dbfilename=""' || (a === '--dbfilename' && args[i + 1] === ''));
}

/** Keys of a service that make its mounts partly invisible here. */
const OPAQUE_KEYS = ['volumes_from'];

/**
 * How the mounts of a service and of the services it `extends:` hold the data directory: `volumes:`
 * and `tmpfs:` are sequences, which Compose combines through `extends:`, so a mount written in a base
 * counts. Unknown when a base cannot be read or uses `volumes_from:`.
 */
function chainMountState(ctx: ComposeContext, service: Service, data: DataDir): DataMountState {
  const { chain, unknown } = extendsChain(ctx, service);
  const state = dataMountState(ctx, service, data);
  if (unknown) state.unknown = true;
  for (const level of chain.slice(1)) {
    if (level.ctx.serviceGet(level.service, 'volumes_from')) state.unknown = true;
    const base = dataMountState(level.ctx, level.service, data);
    state.persisted ||= base.persisted;
    state.unknown ||= base.unknown;
    state.tmpfs ||= base.tmpfs;
    state.shadowing.push(...base.shadowing);
    state.elsewhere.push(...base.elsewhere.filter((e) => !state.elsewhere.includes(e)));
    state.shadowedParent ??= base.shadowedParent;
  }
  return state;
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
    what: 'Flags a data store service — PostgreSQL (and PostGIS, TimescaleDB, pgvector, pgvecto-rs, VectorChord, Citus, ParadeDB), MySQL, MariaDB, MongoDB, Redis/Valkey/KeyDB, Elasticsearch/OpenSearch, RabbitMQ, SQL Server (and Azure SQL Edge), ClickHouse, CockroachDB; by image, or by the base of the Dockerfile it builds — whose data directory is not mounted from a named volume or a bind mount. The data directory is the image\'s: `/var/lib/postgresql/data` (postgres 18+, including `postgres` and `postgres:latest`, which are 18 today: `/var/lib/postgresql`, which holds `<major>/docker`; a volume at the pre-18 `/var/lib/postgresql/data` does not count, and the server refuses to start with it), `/var/lib/mysql`, `/data/db`, `/data`, `/usr/share/elasticsearch/data`, `/usr/share/opensearch/data`, `/var/lib/rabbitmq`, `/var/opt/mssql/data` (the fix mounts the whole `/var/opt/mssql`, as Microsoft\'s guide does; not judged when `MSSQL_DATA_DIR` moves it), `/var/lib/clickhouse`, `/cockroach/cockroach-data` (not judged when `--store` puts it elsewhere or in memory), `/bitnami/<store>` for Bitnami images — or the one the service sets (`PGDATA`, `--datadir`, `--dbpath`, and for Redis/Valkey/KeyDB and Dragonfly `--dir`, or Redis\'s `dir` in a config file it mounts from the workspace, relative to the working directory — `/data`, or the service\'s `working_dir:`, which is also where Redis writes without `dir` —, also when the server is started with `exec`, `gosu` or `su-exec` at the end of a `sh -c` script; a `--dir` whose value is a variable without a value, or a Redis config file the workspace does not hold, leaves the directory unknown: not judged); a mount of that directory or of a parent counts (for a postgres image whose tag is a variable without a value, a mount at either layout\'s place, `/var/lib/postgresql/data` or `/var/lib/postgresql`, counts, and no fix is offered: the layout depends on the major) — but not a parent of the VOLUME that the official images declare at their data directory (postgres `/var/lib/postgresql/data`, 18+ `/var/lib/postgresql`; mysql, percona and mariadb `/var/lib/mysql`; mongo `/data/db`; redis and valkey `/data`; rabbitmq `/var/lib/rabbitmq`; also in images built on them, which cannot drop it, unless their Dockerfile moves the data with `ENV PGDATA`): Docker mounts an anonymous volume there, inside the parent\'s mount, and the data goes into it (a volume at `/var/lib/postgresql` for `postgres:16`). Not reported: Redis configured as a pure cache (`--save ""` or an `allkeys-*` eviction policy, no AOF), Redis Sentinel (`redis-sentinel sentinel.conf`, `redis-server sentinel.conf --sentinel`: it keeps no dataset, its state goes into its config file), Dragonfly with snapshots off (an empty `--dbfilename=`; otherwise it snapshots to /data on shutdown, reported as info like Redis), services with `volumes_from:` (also in a base service) or a base (`extends:`) that cannot be read, services whose mounts use a variable without a value, images whose layout is unknown (other Bitnami images), and services that a companion compose file (`compose.override.yaml`, or the base file beside an override) gives volumes (a `volumes: !reset []` there gives none: it removes the volumes written here — Compose merge, "Reset value", https://docs.docker.com/reference/compose-file/merge/ — so the service is judged without them, and no fix is offered: a volume added here would be removed too). Through `extends:` (same file or another compose file of the workspace) the image, `PGDATA` and command are inherited and `volumes:`/`tmpfs:` are combined with the base\'s, as Compose combines sequences: a volume mounted in the base counts; a service that still has none is reported on its name, and the fix adds the volume to that service (never to the base). A base file analyzed only because a default compose file\'s services extend it (`common-services.yml`) is not reported: the services that extend it are. Nor is a one-shot job that runs a data store\'s image to set something up or copy data out and exits: a service another service waits for with `condition: service_completed_successfully` (SigNoz\'s `init-clickhouse`), or one deployed with `restart_policy: {condition: none}`, or one whose command is a shell script that only runs setup tools (shell built-ins, file tools, `curl`, the stores\' clients such as `psql` and `redis-cli`, Elasticsearch\'s `bin/elasticsearch-certutil`, MinIO\'s `mc`, Ollama\'s client commands such as `ollama pull`) and never the server: Elastic\'s certificate `setup` service runs `bash -c \'… bin/elasticsearch-certutil …\'` with the Elasticsearch image.',
    why: 'Without a named volume or bind mount the data lives in the container\'s writable layer or in an anonymous volume: `docker compose down` followed by `up` starts with an empty database (the new container gets a new anonymous volume; only `up` re-creating a running service carries its anonymous volumes over, unless `--renew-anon-volumes`, and data in the writable layer is lost even then), and `docker compose down -v` or `docker volume prune` deletes it with nothing to restore. SECURITY-GUIDELINES.md §4 asks for regular backups of PostgreSQL and for Redis AOF persistence — both need the data on a volume that outlives the container. A tmpfs on the data directory is reported too: it is memory, gone at every restart.',
    bad: 'services:\n  db:\n    image: postgres:17\n    environment:\n      POSTGRES_PASSWORD_FILE: /run/secrets/db_password',
    good: 'services:\n  db:\n    image: postgres:17\n    volumes:\n      - db-data:/var/lib/postgresql/data\n\nvolumes:\n  db-data:',
    fix: '"Store <service> data in the named volume <service>-data" adds `- <service>-data:<data directory>` to the service\'s `volumes:` (creating the key as needed, in the file\'s indentation; an anonymous volume on the data directory is replaced by the named one) and declares the volume under the top-level `volumes:` (created at the end of the file when missing). Not applied by fix-all: data already written to the container or its anonymous volume is not moved — dump it first (`pg_dump`, `mysqldump`, `mongodump`) and restore it after the change. Not offered when the service or the top-level `volumes:` cannot be edited in place (anchors, aliases, merges, flow style, YAML errors) or when a tmpfs is mounted on the directory. On PostgreSQL 18 and later with the service\'s volume at `/var/lib/postgresql/data`, the fix is "Mount <volume> at /var/lib/postgresql": it moves that mount instead of adding one (not applied by fix-all either: data an older major wrote in that volume needs `pg_upgrade` first).',
    guideline: '§4 Data Security — PostgreSQL "Regular Backups", Redis "AOF Persistence"',
    equivalents: ['no equivalent in hadolint, dclint, Checkov or Trivy; Docker\'s own docs ("Persist the DB") and each image\'s "Where to store data" section'],
    references: [
      'https://github.com/moltis-org/moltis/pull/1122 (a VOLUME declared on a nested path is not covered by a parent bind mount: the runtime attaches an anonymous volume there)',
      'https://docs.docker.com/reference/compose-file/services/#extends',
      'https://docs.docker.com/get-started/workshop/05_persisting_data/',
      'https://docs.docker.com/reference/compose-file/volumes/',
      'https://hub.docker.com/_/postgres',
      'https://hub.docker.com/_/mysql',
      'https://hub.docker.com/_/redis',
      'https://learn.microsoft.com/sql/linux/sql-server-linux-docker-container-configure',
      'https://hub.docker.com/r/clickhouse/clickhouse-server/',
      'https://www.cockroachlabs.com/docs/stable/start-a-local-cluster-in-docker-linux',
    ],
  },
  check(ctx) {
    // A base file analyzed only for its `extends:` users: a missing volume is judged on the services that run it.
    if (isExtendsOnlyBase(ctx)) return [];
    const out = [];
    for (const service of ctx.services) {
      if (OPAQUE_KEYS.some((k) => ctx.serviceGet(service, k))) continue;
      // A job that runs a data store's image to set something up or copy data out, then exits.
      if (isOneShotJob(ctx, service)) continue;
      const data = dataDirOf(ctx, service);
      if (!data) continue;
      if (data.kind === 'redis' && keepsNoDataset(ctx, service)) continue;
      if (data.kind === 'dragonfly' && dragonflyWithoutSnapshots(ctx, service)) continue;
      const state = chainMountState(ctx, service, data);
      // `volumes: !reset []` in the override Compose merges by default removes the volumes written here (Compose merge, "Reset value").
      const volumesDropped = droppedByDefaultOverride(ctx, service, 'volumes');
      if ((state.persisted && !volumesDropped) || state.unknown) continue;
      if (hasVolumesInCompanions(ctx, service)) continue;
      const now = state.tmpfs || state.shadowing.some((m) => m.type === 'tmpfs') ? 'tmpfs' : state.shadowing.length > 0 ? 'anonymous' : 'container';
      // Redis is often only a cache or a lock server; said so only when persistence is off (`--save ""`), so it is reported one level lower.
      const severity = data.kind === 'redis' || data.kind === 'dragonfly' ? ('info' as const) : undefined;
      out.push({ range: ctx.rangeOf(service.nameNode), data: { service: service.name, kind: data.kind, dir: data.dir, mountTarget: data.mountTarget, now, elsewhere: state.elsewhere, ...(data.configured ? { configured: true } : {}), ...(data.alsoHeldBy ? { layoutUnknown: true } : {}), ...(state.shadowedParent && data.imageVolume ? { shadowed: { parent: state.shadowedParent, imageVolume: data.alsoHeldBy ? '/var/lib/postgresql/data (before PostgreSQL 18) or /var/lib/postgresql (from 18)' : data.imageVolume } } : {}) } as Data, severity });
    }
    return out;
  },
  message(d) {
    const where = d.now === 'tmpfs' ? 'is a tmpfs (memory)' : d.now === 'anonymous' ? 'is an anonymous volume' : 'is not mounted from a volume';
    if (pg18WrongTarget(d)) {
      return `PostgreSQL service '${d.service}' runs PostgreSQL 18 or later, which keeps its data in ${d.dir}: the volume at the pre-18 path ${PRE18_DATA} does not hold it, and the server refuses to start with a volume there. Mount it at /var/lib/postgresql.`;
    }
    const writer = d.configured ? "the service's own settings put" : 'this image writes';
    // A volume at a parent the image's own VOLUME shadows: say how the data misses it (review 31, probe 05).
    const elsewhere = d.shadowed ? d.elsewhere.filter((e) => e !== d.shadowed!.parent) : d.elsewhere;
    const shadow = d.shadowed ? ` (the volume at ${d.shadowed.parent} does not hold it: the image declares its own volume at ${d.shadowed.imageVolume}, and Docker mounts an anonymous volume there, over the one at ${d.shadowed.parent})` : '';
    const other = shadow + (elsewhere.length > 0 ? ` (the volume at ${elsewhere.join(', ')} is not where ${writer} its data)` : '');
    const cache = d.kind === 'redis' ? ' If it is only a cache, say so with --save "".' : d.kind === 'dragonfly' ? ' If it is only a cache, say so with --dbfilename= (no snapshot).' : '';
    const loss = d.now === 'tmpfs' ? 'every restart of the container loses it' : "'docker compose down' then 'up' starts it empty, and 'docker compose down -v' or 'docker volume prune' deletes it";
    return `${KIND_NAMES[d.kind]} service '${d.service}' keeps its data in ${d.dir}, which ${where}${other}: ${loss}. Mount a named volume or a bind mount there.${cache}`;
  },
  fix(ctx, { range, data }): Fix | undefined {
    // postgres:${PG_VERSION} without a value: mounting at the pre-18 path makes an 18 server refuse to start, and the reverse loses data.
    if (data.now === 'tmpfs' || data.layoutUnknown) return undefined;
    const service = ctx.servicesNamed(data.service).find((s) => comparePositions(ctx.rangeOf(s.nameNode).start, range.start) === 0);
    if (!service || !parsedCleanly(service) || ctx.isShared(service.map) || service.map.flow) return undefined;
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
    const taken = new Set<string>();
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
      serviceEdit = addToMapEdit(ctx, service.map, ['volumes:', `  - ${item}`], unit);
    }
    if (!serviceEdit) return undefined;

    const topEdit = top ? addToMapEdit(ctx, top.value as YAMLMap, [`${name}:`], unit) : addToMapEdit(ctx, root as YAMLMap, ['volumes:', `  ${name}:`], unit);
    if (!topEdit) return undefined;
    // Two insertions at the same point (the service is the file's last entry): one edit, service first.
    const sameInsert = comparePositions(serviceEdit.range.start, serviceEdit.range.end) === 0 && comparePositions(topEdit.range.start, topEdit.range.end) === 0 && comparePositions(serviceEdit.range.start, topEdit.range.start) === 0;
    const edits = sameInsert ? [{ range: serviceEdit.range, newText: serviceEdit.newText + topEdit.newText }] : [serviceEdit, topEdit];
    return {
      title: `Store ${data.service} data in the named volume ${name}`,
      safe: false,
      changes: [{ kind: 'edit', path: ctx.path, edits }],
    };
  },
});
