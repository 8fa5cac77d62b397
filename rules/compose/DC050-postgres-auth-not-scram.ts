import { type Node } from 'yaml';
import { isMap, isScalar, isSeq } from '../engine/yaml-guards';
import { scalarString, type ComposeContext, type Service } from '../engine/compose';
import { appendToSeqEdit, ensureMapPathEdit, indentUnit } from '../engine/compose-insert';
import type { EnvLookup } from '../engine/env-files';
import { ExtendedEnv, extendsChain, isAnalyzedBase, lookupKey } from '../engine/compose-lookup';
import { envFileRefs, parseEnvFile } from '../engine/env-files';
import { projectFiles } from '../engine/include';
import { defaultComposePair, parsedCompose } from '../engine/relations';
import { defaultMerge, mergedCommandRange, mergedServiceView, overrideAt, touchRange, type MergedServiceView, type OverrideTouch } from '../engine/override-merge';
import { postgresAuthFacts, type InitdbAuth, type PostgresAuthFacts, type PostgresProblem } from '../engine/postgres-auth';
import { defineRule } from '../engine/rule';
import { reportsTrust } from './DC041-weak-or-default-password';
import { dataStoreOfImage } from '../engine/datastores';
import { builtBaseOf, imageOf } from '../engine/data-volumes';
import type { Fix, Range, TextEdit } from '../engine/types';
import { ofService, placeOf, type Place } from '../engine/written-in';

/**
 * What the fix asks initdb for: SCRAM for TCP connections (initdb then also sets password_encryption to
 * scram-sha-256). Not `--auth=`, which sets the socket method too: `docker compose exec db psql` and
 * backup jobs over the socket would then need a password.
 */
const SCRAM_ARG = '--auth-host=scram-sha-256';

interface Data {
  service: Service;
  /** Every reason found; the finding is reported at the first. */
  problems: PostgresProblem[];
  major: number | 'latest' | null;
  /** POSTGRES_HOST_AUTH_METHOD's value when it is a problem (not a secret). */
  method: string | null;
  /** `password_encryption` set by the command, when it is a problem. */
  encryption: string | null;
  hostAuthMethod: EnvLookup;
  initdbArgs: EnvLookup;
  initdb: InitdbAuth | null;
  /** A healthcheck that runs psql (a TCP connection from inside the container needs a password once initdb uses --auth-host). */
  psqlHealthcheck: boolean;
  /**
   * Whether the fix may edit each variable in the analyzed file: always without the default override; with it, a value
   * only in the file that writes it, and POSTGRES_INITDB_ARGS added only in the default file when the override neither
   * sets nor drops it.
   */
  editable: { hostAuthMethod: boolean; initdbArgs: boolean };
  /**
   * The variable the finding is on is written outside the service's own mapping or used by several services (an
   * anchor merged with `<<: *pg`): where, and who uses it. One finding there, not one per service.
   */
  place?: Place;
}

/** Which file of the default pair decides a problem of the merged service (`override`), and the override's drop that does, if any. */
type Deciders = Record<PostgresProblem, { override: boolean; drop?: OverrideTouch }>;

/**
 * Where each problem of the merged service is decided: the file that writes the variable's entry (or env file) it
 * is read from; `password_encryption` in the command, the file whose command runs (the override when it writes or
 * drops `command:`/`entrypoint:`); an old version without scram in POSTGRES_INITDB_ARGS, the file that writes those
 * arguments, else the override when it drops the base's (`POSTGRES_INITDB_ARGS: !reset null`, `environment:
 * !reset`/`!override`), else the default file, whose `image:` or `build:` it is (the view exists only when the
 * override writes neither).
 */
function problemDeciders(view: MergedServiceView, facts: PostgresAuthFacts): Deciders {
  const written = (l: EnvLookup) => l.state === 'set' || l.state === 'unknown-value';
  const byEnv = (l: EnvLookup) => ({ override: written(l) && view.env.fromOverride(l) });
  let md5: Deciders['md5-default'] = { override: false };
  if (written(facts.initdbArgs)) md5 = byEnv(facts.initdbArgs);
  else {
    const baseSets = new ExtendedEnv(view.merge.base.ctx, view.merge.base.service).get('POSTGRES_INITDB_ARGS').state !== 'unset';
    const touch = baseSets ? overrideAt(view.merge, ['environment', 'POSTGRES_INITDB_ARGS']) : undefined;
    if (touch?.drops) md5 = { override: true, drop: touch };
  }
  return {
    'host-auth-method': byEnv(facts.hostAuthMethod),
    'initdb-auth': byEnv(facts.initdbArgs),
    'password-encryption': { override: view.commands.fromOverride },
    'md5-default': md5,
  };
}

function versionText(major: number | 'latest' | null): string {
  return typeof major === 'number' ? `PostgreSQL ${major}` : 'PostgreSQL';
}

/** Whether text written in the service itself (not inherited through `extends:`) is part of a problem's cause. */
function ownCause(ctx: ComposeContext, service: Service, facts: PostgresAuthFacts, problem: PostgresProblem): boolean {
  // A base in a file that is not analyzed itself is judged here.
  const ownEnv = (name: string) => {
    const source = facts.env instanceof ExtendedEnv ? facts.env.sourceOf(name) : undefined;
    return !source || !isAnalyzedBase(ctx, source);
  };
  const own = (key: string) => {
    const found = lookupKey(ctx, service, key);
    return !!found && found !== 'unknown' && (!found.inherited || !isAnalyzedBase(ctx, found));
  };
  switch (problem) {
    case 'host-auth-method':
      return ownEnv('POSTGRES_HOST_AUTH_METHOD');
    case 'initdb-auth':
      return ownEnv('POSTGRES_INITDB_ARGS');
    case 'password-encryption':
      return own('command') || own('entrypoint');
    case 'md5-default':
      return own(facts.viaBuild ? 'build' : 'image') || (facts.initdbArgs.state === 'set' && ownEnv('POSTGRES_INITDB_ARGS'));
  }
}

function healthcheckRunsPsql(ctx: Parameters<typeof postgresAuthFacts>[0], service: Service): boolean {
  // Also a healthcheck inherited through `extends:` (read in the file that writes it).
  const found = lookupKey(ctx, service, 'healthcheck');
  if (!found || found === 'unknown') return found === 'unknown';
  const { ctx: at, service: owner } = found;
  const hc = found.entry;
  if (!hc.value || !isMap(hc.value)) return false;
  const test = at.get(owner.doc, hc.value, 'test')?.value;
  const words: string[] = [];
  if (test && isScalar(test)) words.push(scalarString(test) ?? '');
  else if (test && isSeq(test)) for (const i of test.items) words.push(scalarString(at.resolve(owner.doc, i as Node)) ?? '');
  return words.some((w) => /\bpsql\b/.test(w));
}

/** Whether another service of the file runs a PostgreSQL image before 10 (its psql/pg_dump cannot answer SCRAM). */
function hasPreScramPostgresClient(ctx: ComposeContext, server: Service): boolean {
  return ctx.services.some((s) => {
    if (s === server) return false;
    // Its image, and the base of the Dockerfile it builds, which is what runs when both are written
    // (a backup job `FROM postgres:9.6`: review 11 probe 13, review 12 probe 04).
    return [imageOf(ctx, s), builtBaseOf(ctx, s)].some((ref) => {
      const major = postgresMajor(ref);
      return major !== undefined && major < 10;
    });
  });
}

/** The major version of a PostgreSQL image (`postgres:9.6.24-alpine` → 9); undefined for other images or tags. */
function postgresMajor(ref: ReturnType<typeof imageOf>): number | undefined {
  if (!ref || dataStoreOfImage(ref)?.kind !== 'postgres') return undefined;
  const m = /^(\d+)(?:[.-]|$)/.exec(ref.tag ?? '');
  return m ? Number(m[1]) : undefined;
}

/** A regular expression for a host name written in a value: alone, or in a URL, `host:port`, `-h host`, `host=…`. */
function hostPattern(names: readonly string[]): RegExp {
  const alternatives = names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  return new RegExp(`(?:^|[@/=,;:\\s('"])(?:${alternatives})(?::\\d+)?(?=$|[/?,;\\s)'"])`);
}

/** The names other containers reach the server by: its service name, `container_name`, `hostname` and network aliases. */
function hostNamesOf(ctx: ComposeContext, server: Service): string[] {
  const names = [server.name];
  for (const key of ['container_name', 'hostname']) {
    const v = scalarString(ctx.serviceGet(server, key)?.value);
    if (v) names.push(v);
  }
  const networks = ctx.serviceGet(server, 'networks')?.value;
  if (networks && isMap(networks)) {
    for (const pair of networks.items) {
      const net = ctx.resolve(server.doc, pair.value as Node | null);
      const aliases = net && isMap(net) ? ctx.get(server.doc, net, 'aliases')?.value : undefined;
      if (aliases && isSeq(aliases)) for (const a of aliases.items) {
        const alias = scalarString(ctx.resolve(server.doc, a as Node));
        if (alias) names.push(alias);
      }
    }
  }
  return names;
}

/** Every string a node holds (a scalar, or the scalars of a sequence or mapping, aliases followed once). */
function stringsOf(ctx: ComposeContext, service: Service, node: Node | null | undefined, out: string[] = []): string[] {
  const n = ctx.resolve(service.doc, node);
  if (!n) return out;
  if (isScalar(n)) {
    const v = scalarString(n);
    if (v !== null) out.push(v);
  } else if (isSeq(n)) for (const i of n.items) stringsOf(ctx, service, i as Node, out);
  else if (isMap(n)) for (const p of n.items) stringsOf(ctx, service, p.value as Node | null, out);
  return out;
}

/** The services names a service's `depends_on:`, `links:` (`db` or `db:alias`) and `network_mode`/`pid`/`ipc: service:…` name. */
function servicesNamedBy(ctx: ComposeContext, s: Service): string[] {
  const out: string[] = [];
  const dep = ctx.resolve(s.doc, ctx.serviceGet(s, 'depends_on')?.value);
  if (dep && isMap(dep)) for (const p of dep.items) out.push(isScalar(p.key) ? String(p.key.value) : '');
  else out.push(...stringsOf(ctx, s, dep));
  for (const link of stringsOf(ctx, s, ctx.serviceGet(s, 'links')?.value)) out.push(link.split(':')[0]);
  for (const key of ['network_mode', 'pid', 'ipc']) {
    const v = scalarString(ctx.serviceGet(s, key)?.value);
    if (v?.startsWith('service:')) out.push(v.slice('service:'.length));
  }
  return out;
}

/**
 * Whether a service of the project may connect to the server: it depends on it, links to it or shares its
 * network namespace (`network_mode: service:db`, where it connects to `localhost`: the 127.0.0.1 lines
 * initdb writes need the password after the fix), or names one of its host names (service name,
 * `container_name`, `hostname`, network alias) in its environment (`environment:` and `env_file:` files,
 * through `extends:` too), `command:` or `entrypoint:` (`DB_HOST: db`, `postgresql://…@db:5432/…`). An
 * env_file or base that cannot be read may hold such a value, so it counts too.
 */
function mayConnect(ctx: ComposeContext, s: Service, serverName: string, host: RegExp): boolean {
  // PostgreSQL's own tools from 10 on answer SCRAM (a pg_dump job on postgres:16).
  if ((postgresMajor(imageOf(ctx, s)) ?? 0) >= 10) return false;
  if (servicesNamedBy(ctx, s).includes(serverName)) return true;
  const { chain, unknown } = extendsChain(ctx, s);
  if (unknown) return true;
  for (const level of chain) {
    const values: string[] = [];
    for (const e of level.ctx.environment(level.service)) if (e.value !== null) values.push(e.value);
    for (const key of ['command', 'entrypoint']) stringsOf(level.ctx, level.service, level.ctx.serviceGet(level.service, key)?.value, values);
    for (const ref of envFileRefs(level.ctx, level.service)) {
      const text = ref.path ? level.ctx.workspace.readText(ref.path) : undefined;
      if (text === undefined) {
        if (ref.required || !ref.path) return true;
        continue;
      }
      values.push(...parseEnvFile(text).values());
    }
    if (values.some((v) => host.test(v))) return true;
  }
  return false;
}

/**
 * Whether another service of the project connects to the server (mayConnect): in this file, in the
 * file Compose merges with it by default (the override beside `compose.yaml`, or the base beside an
 * override) and in the files of its `include:` project. Its driver may predate SCRAM (Go's lib/pq
 * before 1.1, JDBC before 42.2, node-postgres before 8: a 2018 postgres_exporter, review 24 probe
 * dc-03; review 36 probes p35-p46), and the versions of an application's drivers cannot be read from
 * the compose file.
 */
function hasNetworkClient(ctx: ComposeContext, server: Service): boolean {
  const host = hostPattern(hostNamesOf(ctx, server));
  const files: ComposeContext[] = [ctx];
  const { main, override } = defaultComposePair(ctx.workspace, ctx.dir);
  const pair = ctx.path === main ? override : ctx.path === override ? main : undefined;
  const other = pair === undefined ? undefined : parsedCompose(ctx.workspace, pair, ctx.options);
  if (other) files.push(other);
  files.push(...projectFiles(ctx));
  return files.some((file) => file.services.some((s) => (file === ctx ? s !== server : s.name !== server.name) && mayConnect(file, s, server.name, host)));
}

export default defineRule<'compose', Data>({
  code: 'DC050',
  name: 'postgres-auth-not-scram',
  kind: 'compose',
  severity: 'info',
  fixable: 'sometimes',
  docs: {
    summary: 'A Postgres service\'s network clients will not authenticate with scram-sha-256 (another method, md5 passwords).',
    what:
      'Flags a Postgres service that runs the official image\'s entrypoint (`postgres`, `postgis/postgis`, `pgvector/pgvector`, `timescale/timescaledb`, by `image:` or as the base of the Dockerfile it builds — also beside an `image:` that names no store, `image: myorg/db:1`, which names what the build makes, and with the FROM read with the `build.args` the service passes over the ARG defaults; a base whose tag is not known then, an arg without a known value, is not judged) whose network clients will not authenticate with scram-sha-256: ' +
      '`POSTGRES_HOST_AUTH_METHOD` set to another method (`md5`, `password`, or `trust` where DC041 does not report it); `password_encryption=md5` in the command; `POSTGRES_INITDB_ARGS` asking for `--auth-host=md5`/`--auth=md5`; or PostgreSQL older than 14 (whose default `password_encryption` is md5) with no `--auth=scram-sha-256` / `--auth-host=scram-sha-256` (or `--auth-local=scram-sha-256`) in `POSTGRES_INITDB_ARGS`. ' +
      '`POSTGRES_HOST_AUTH_METHOD=trust` asks for no password at all: DC041 reports it, as an error, where it reads it (the service\'s own `environment:`, written or read from `.env`), and this rule then reports nothing for that service (how passwords are hashed does not matter while none is asked for); a `trust` that DC041 does not read (from an `env_file:`, or a base service in another file) is reported here. ' +
      'The variables a `<<` merge key brings into `environment:` are read as Compose reads them (YAML merge keys: the keys written in the mapping win, then the merged maps in order): a `POSTGRES_HOST_AUTH_METHOD` or `POSTGRES_INITDB_ARGS` written in an anchor that services merge (`x-pg: &pg`, `<<: *pg`) is reported once, where it is written, and the message names it and the services that use it (`POSTGRES_HOST_AUTH_METHOD=md5 in x-pg (used by services \'db\' and \'replica\')`); it is not fixed there (the anchor is shared). ' +
      'PostgreSQL before 10 (9.6 and older) is not judged: SCRAM-SHA-256 arrived in 10, so md5 is the strongest method those versions have and initdb rejects `--auth=scram-sha-256`; upgrading is the remedy, and DC004 reports them as end of life. ' +
      'On PostgreSQL 14 and later nothing needs to be added: initdb stores passwords as SCRAM and the entrypoint writes `host all all all scram-sha-256` (it takes the method from `password_encryption`), so `--auth=scram-sha-256` there only also requires a password for connections from inside the container, and is not asked for. ' +
      'Values are read from `environment:` (map or list), from readable `env_file:` files and through `.env` interpolation; an unknown version, an unreadable env_file or an unresolvable value is not a finding. Other images (Bitnami, Supabase, TimescaleDB-HA) configure authentication their own way and are not judged. Through `extends:` (same file or another compose file of the workspace) the image, build, environment and command are merged as Compose merges them (environment key by key, the local value winning; env_file lists appended, the local files last; then, as in any service, `environment:` beats `env_file:`, so a value in the base\'s environment beats the same name in the local env_file; a base in another file is interpolated with this project\'s `.env`, as Compose loads it): a service that inherits `--auth=scram-sha-256` in `POSTGRES_INITDB_ARGS` is not flagged, and a problem whose cause is all inherited is reported once, where it is written (the base) (when the base is in a file that is not analyzed itself — not named like a compose file, not included and not extended from a default compose file such as `compose.yaml`, e.g. a `common-services.yml` that only `compose.dev.yaml` extends — it is reported on the extending service\'s name instead, without a fix). The fix only edits the service\'s own text: none is offered when the setting to change is written in the base. ' +
      'With the override `docker compose up` merges by default (`compose.override.yaml` beside `compose.yaml`, or `docker-compose.override.yml` beside `docker-compose.yml`; Compose merge, https://docs.docker.com/reference/compose-file/merge/) the merged service is judged, from either file: the override\'s `environment:` is merged by key (its entries win; `NAME: !reset null` and `environment: !reset`/`!override` drop this file\'s; `env_file:` lists are appended, and an `environment:` entry of either file beats any env file) and its `command:` or `entrypoint:` replaces this file\'s whole (`!reset` removes it). Each problem is reported in the file that decides it: the one that writes the variable (or the env file) it is read from, the one whose command runs for `password_encryption`, and for an old version without scram the one that writes `POSTGRES_INITDB_ARGS`, else the override when it drops this file\'s, else the file that writes the image. The fix edits only a value written in the reported file, and adds `POSTGRES_INITDB_ARGS` only to the default file, when the override neither sets nor drops it. A service the override resets or replaces whole is judged in the override only; one whose `image:` or `build:` the override writes is judged as written in each file.',
    why:
      'md5 authentication stores `md5(password || username)`: a leaked hash (a backup, pg_authid read through an injection) is enough to log in as that user, and the hash is cheap to brute-force; `password` sends the password in clear text and `trust` asks for none. SCRAM-SHA-256 stores a salted, iterated verifier and never sends the password or a replayable hash. SECURITY-GUIDELINES.md "Encryption — Data at Rest": `POSTGRES_INITDB_ARGS: "--auth=scram-sha-256"`; §4 Data Security — PostgreSQL "Strong Passwords".',
    bad: 'services:\n  db:\n    image: postgres:13-alpine\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}',
    good: 'services:\n  db:\n    image: postgres:13-alpine\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n      POSTGRES_INITDB_ARGS: --auth-host=scram-sha-256',
    fix:
      '"Use scram-sha-256" adds `POSTGRES_INITDB_ARGS: --auth-host=scram-sha-256` to the service\'s `environment:` (a `- POSTGRES_INITDB_ARGS=--auth-host=scram-sha-256` item in the list form; creating `environment:` when the service has none), appends ` --auth-host=scram-sha-256` to an existing `POSTGRES_INITDB_ARGS` value, replaces an `md5`/`password` method written in `--auth=`/`--auth-host=`, and replaces `POSTGRES_HOST_AUTH_METHOD: md5` (or `password`) with `scram-sha-256` — only the edits the finding needs (switching the method on a version that is not known to be ≥ 14 also adds the initdb argument, so the stored hashes match). ' +
      'It takes effect when the database is initialized (an empty data volume): an existing database keeps its pg_hba.conf and md5 hashes, so re-set the passwords after `ALTER SYSTEM SET password_encryption = \'scram-sha-256\'` and edit pg_hba.conf. It asks for `--auth-host`, not `--auth`: initdb then stores passwords as SCRAM (it sets `password_encryption = scram-sha-256` when either method is SCRAM) and requires SCRAM from TCP clients, while connections over the container\'s Unix socket keep the image\'s `trust`, so `docker compose exec db psql` and `pg_dump` backup jobs work as before (`--auth=scram-sha-256`, which the guidelines show, would make them ask for a password). TCP connections from inside the container (the `127.0.0.1` lines initdb writes, trusted before) do need the password: the fix is not applied by fix-all when a healthcheck runs `psql` (use `pg_isready`, or give it PGPASSWORD), nor when another service of the file runs a PostgreSQL image before 10, as its `image:` or as the base of the Dockerfile it builds (a `pg_dump` job on `postgres:9.6`): libpq before 10 cannot answer SCRAM ("SCRAM authentication requires libpq version 10 or above"), nor when another service of the project may connect to it — in this file, in the file Compose merges with it by default (`compose.override.yaml` beside `compose.yaml`, or the base beside an override) or in the files of its `include:` project: it depends on it, links to it, shares its network namespace (`network_mode: service:db`, connecting to `localhost`), or names one of its host names (service name, `container_name`, `hostname`, network alias) in its environment (`environment:`, `env_file:` files, through `extends:` too), `command:` or `entrypoint:` (`DB_HOST: db`, `postgresql://…@db:5432/…`); an env_file that cannot be read counts as one: its driver may predate SCRAM (Go\'s lib/pq before 1.1, JDBC before 42.2, node-postgres before 8, as in a 2018 postgres_exporter), which the compose file does not tell. ' +
      'Not reported for an image released before February 2020 (`postgres:10.5`) that is given no password: its entrypoint trusts every connection then, so no password is checked at all (DC041 reports the missing password). Not offered for `trust` (clients would need a password first), for `password_encryption` in the command, for values in an env_file, anchor, alias or `<<` merge, or values built from `${…}`.',
    guideline: 'Encryption — Data at Rest (`POSTGRES_INITDB_ARGS: "--auth=scram-sha-256"`); §4 Data Security — PostgreSQL',
    equivalents: ['No compose linter checks this (KICS, Checkov, Trivy and compose-lint have no query for POSTGRES_INITDB_ARGS / POSTGRES_HOST_AUTH_METHOD); pgdoctor and pglinter check `password_encryption = md5` on a running server'],
    references: [
      'https://docs.docker.com/reference/compose-file/services/#extends',
      'https://docs.docker.com/reference/compose-file/fragments/',
      'https://yaml.org/type/merge.html',
      'https://hub.docker.com/_/postgres',
      'https://github.com/docker-library/postgres/blob/master/docker-entrypoint.sh',
      'https://github.com/docker-library/postgres/pull/897',
      'https://github.com/docker-library/docs/pull/2149',
      'https://www.postgresql.org/docs/release/10.0/',
      'https://www.postgresql.org/about/news/postgresql-14-released-2318/',
      'https://www.postgresql.org/docs/current/auth-password.html',
      'https://www.postgresql.org/docs/current/runtime-config-connection.html#GUC-PASSWORD-ENCRYPTION',
      'https://www.postgresql.org/docs/current/app-initdb.html',
    ],
  },
  check(ctx) {
    const out: { range: Range; data: Data }[] = [];
    // A POSTGRES_HOST_AUTH_METHOD or POSTGRES_INITDB_ARGS written in an anchor that services merge (`<<: *pg`): one finding
    // where it is written, naming who uses it (as DC040 and DC041 do), by problem and position.
    const atEntry = new Map<string, { finding: { range: Range; data: Data }; users: Set<string> }>();
    for (const service of ctx.services) {
      // With the default override, the merged service (its environment and command as `docker compose up` merges
      // them), each problem reported in the file whose value decides it (review 44d leftovers, as DC051-DC053).
      const view = mergedServiceView(ctx, service);
      const merge = view ? view.merge : defaultMerge(ctx, service);
      // The override resets or replaces the whole service: gone, or the override's alone (judged there).
      if (!view && merge?.whole && !merge.inOverride) continue;
      const facts = postgresAuthFacts(ctx, service, view);
      if (!facts) continue;
      // `trust` where DC041 reads it is DC041's (an error there: no password at all); with it, how passwords
      // are hashed does not matter to network clients, so nothing is reported here (review 41c, item 8).
      if (facts.method === 'trust' && reportsTrust(ctx, service)) continue;
      const inOverride = !!view?.merge.inOverride;
      const decided = view ? problemDeciders(view, facts) : undefined;
      if (decided) facts.problems = facts.problems.filter((p) => decided[p].override === inOverride);
      // Through `extends:`, a problem whose cause is all inherited is reported where it is written (the base).
      if (!inOverride && ctx.serviceGet(service, 'extends')) facts.problems = facts.problems.filter((p) => ownCause(ctx, service, facts, p));
      if (facts.problems.length === 0) continue;
      const primary = facts.problems[0];
      let range: Range | null = null;
      const envRange = (l: EnvLookup): Range | null => (l.state === 'set' || l.state === 'unknown-value' ? (l.env ? l.env.range : l.merged ? l.merged : l.file ? ctx.rangeOf(l.file.node) : null) : null);
      const drop = decided?.[primary].drop;
      if (drop) range = touchRange(ctx, drop, service);
      else if (primary === 'host-auth-method') range = envRange(facts.hostAuthMethod);
      else if (primary === 'initdb-auth') range = envRange(facts.initdbArgs);
      else if (primary === 'password-encryption') {
        if (inOverride) range = mergedCommandRange(view!.merge);
        else {
          const entry = ctx.serviceGet(service, 'command') ?? ctx.serviceGet(service, 'entrypoint');
          if (entry) range = entry.own ? ctx.rangeOfPair(entry.pair) : ctx.rangeOf(entry.reportNode);
        }
      } else if (facts.initdbArgs.state === 'set' && !(facts.env instanceof ExtendedEnv && facts.env.inherited('POSTGRES_INITDB_ARGS'))) {
        // The arguments are written but do not ask for scram-sha-256: that is where it goes.
        range = envRange(facts.initdbArgs);
      } else {
        const entry = facts.viaBuild ? ctx.serviceGet(service, 'build') : ctx.serviceGet(service, 'image');
        if (entry) range = entry.own ? ctx.rangeOfPair(entry.pair) : ctx.rangeOf(entry.reportNode);
      }
      // With the override merged, a value is edited only in the file that writes it, and POSTGRES_INITDB_ARGS is
      // added only where the other file neither sets nor drops it (never an edit the other file undoes).
      const writtenHere = (l: EnvLookup) => !view || ((l.state === 'set' || l.state === 'unknown-value') && view.env.fromOverride(l) === inOverride);
      const initdbAddable = !view || (facts.initdbArgs.state === 'unset' && !inOverride && !overrideAt(view.merge, ['environment', 'POSTGRES_INITDB_ARGS'])?.drops);
      const editable = { hostAuthMethod: writtenHere(facts.hostAuthMethod), initdbArgs: facts.initdbArgs.state === 'unset' ? initdbAddable : writtenHere(facts.initdbArgs) };
      const onEntry = primary === 'host-auth-method' ? facts.hostAuthMethod : primary === 'initdb-auth' ? facts.initdbArgs : null;
      const entryKey = range && !drop && onEntry && (onEntry.state === 'set' || onEntry.state === 'unknown-value') && onEntry.env && onEntry.env.range === range && writtenHere(onEntry) ? `${primary}:${range.start.line}:${range.start.character}` : null;
      const seen = entryKey ? atEntry.get(entryKey) : undefined;
      if (seen) {
        seen.users.add(service.name);
        continue;
      }
      out.push({
        range: range ?? ctx.rangeOf(service.nameNode),
        data: {
          service,
          problems: facts.problems,
          major: facts.major,
          method: facts.method,
          encryption: facts.commandEncryption,
          hostAuthMethod: facts.hostAuthMethod,
          initdbArgs: facts.initdbArgs,
          initdb: facts.initdb,
          psqlHealthcheck: healthcheckRunsPsql(ctx, service),
          editable,
        },
      });
      if (entryKey) atEntry.set(entryKey, { finding: out[out.length - 1], users: new Set([service.name]) });
    }
    for (const { finding, users } of atEntry.values()) {
      const place = placeOf(ctx, finding.range, finding.data.service.name, users);
      if (place.users) finding.data.place = place;
    }
    return out;
  },
  message(d) {
    const name = d.service.name;
    if (d.place && d.problems[0] === 'host-auth-method') {
      const where = `POSTGRES_HOST_AUTH_METHOD=${d.method} ${ofService(name, d.place)}`;
      return d.method === 'trust'
        ? `${where}: network clients connect without any password, not with scram-sha-256.`
        : `${where}: network clients authenticate with ${d.method}, not scram-sha-256.`;
    }
    if (d.place && d.problems[0] === 'initdb-auth') return `POSTGRES_INITDB_ARGS ${ofService(name, d.place)} asks initdb for ${d.initdb?.host} authentication: use --auth-host=scram-sha-256.`;
    switch (d.problems[0]) {
      case 'host-auth-method':
        return d.method === 'trust'
          ? `Service '${name}' sets POSTGRES_HOST_AUTH_METHOD=trust: network clients connect without any password, not with scram-sha-256.`
          : `Service '${name}' sets POSTGRES_HOST_AUTH_METHOD=${d.method}: network clients authenticate with ${d.method}, not scram-sha-256.`;
      case 'password-encryption':
        return `Service '${name}' sets password_encryption=${d.encryption} in its command: passwords are stored as md5 hashes and the entrypoint configures md5 authentication instead of scram-sha-256.`;
      case 'initdb-auth':
        return `Service '${name}' asks initdb for ${d.initdb?.host} authentication in POSTGRES_INITDB_ARGS: use --auth-host=scram-sha-256.`;
      default:
        return `Service '${name}' runs ${versionText(d.major)}, whose default password_encryption is md5: passwords are stored and checked as md5 unless POSTGRES_INITDB_ARGS sets --auth-host=scram-sha-256.`;
    }
  },
  fix(ctx, { data }): Fix | undefined {
    const edits: TextEdit[] = [];
    if (data.problems.includes('password-encryption')) return undefined;
    if (data.problems.includes('host-auth-method')) {
      if (data.method !== 'md5' && data.method !== 'password') return undefined;
      const l = data.hostAuthMethod;
      if (!data.editable.hostAuthMethod) return undefined;
      if (l.state !== 'set' || !l.env || !l.env.editable || !l.env.valueRange || l.env.value === null || l.env.value.includes('$')) return undefined;
      edits.push({ range: l.env.valueRange, newText: 'scram-sha-256' });
    }
    // Switching pg_hba to scram-sha-256 on a version that may store md5 hashes (< 14) needs initdb to store SCRAM too.
    const initdbAsksScram = !!data.initdb && (data.initdb.host === 'scram-sha-256' || data.initdb.local === 'scram-sha-256');
    const hostSwitchNeedsInitdb = data.problems.includes('host-auth-method') && !(data.major === 'latest' || (typeof data.major === 'number' && data.major >= 14)) && !initdbAsksScram;
    if (data.problems.includes('md5-default') || data.problems.includes('initdb-auth') || hostSwitchNeedsInitdb) {
      const l = data.initdbArgs;
      if (!data.editable.initdbArgs) return undefined;
      if (l.state === 'set') {
        const env = l.env;
        if (!env || !env.editable || !env.valueOffsets || env.value === null || env.value.includes('$') || !data.initdb) return undefined;
        const weak = data.initdb.host === 'md5' || data.initdb.host === 'password';
        if (weak) {
          if (!data.initdb.hostMethodAt) return undefined;
          const [s, e] = data.initdb.hostMethodAt;
          edits.push({ range: ctx.lines.rangeOf(env.valueOffsets[0] + s, env.valueOffsets[0] + e), newText: 'scram-sha-256' });
        } else {
          const at = ctx.lines.positionAt(env.valueOffsets[1]);
          edits.push({ range: { start: at, end: at }, newText: env.value.trim() === '' ? SCRAM_ARG : ` ${SCRAM_ARG}` });
        }
      } else if (l.state === 'unset') {
        const service = data.service;
        const entry = ctx.serviceGet(service, 'environment');
        let edit: TextEdit | undefined;
        if (entry && entry.value && isSeq(entry.value)) {
          if (!entry.own || entry.shared || ctx.isShared(entry.value)) return undefined;
          edit = appendToSeqEdit(ctx, entry.value, `POSTGRES_INITDB_ARGS=${SCRAM_ARG}`);
        } else {
          if (ctx.isShared(service.map)) return undefined;
          edit = ensureMapPathEdit(ctx, service.doc, service.map, ['environment'], [['POSTGRES_INITDB_ARGS', SCRAM_ARG]], indentUnit(ctx, service));
        }
        if (!edit) return undefined;
        edits.push(edit);
      } else return undefined;
    }
    if (edits.length === 0) return undefined;
    const initdbChange = data.problems.includes('md5-default') || data.problems.includes('initdb-auth') || hostSwitchNeedsInitdb;
    // Another service of the file runs PostgreSQL 9.x tools (a pg_dump job on postgres:9.6): libpq before 10 cannot do SCRAM (review 10, probe dc-08);
    // or connects to it with a driver of unknown age (review 24, probe dc-03).
    const safe = !(initdbChange && (data.psqlHealthcheck || hasPreScramPostgresClient(ctx, data.service) || hasNetworkClient(ctx, data.service)));
    return { title: 'Use scram-sha-256 authentication', safe, changes: [{ kind: 'edit', path: ctx.path, edits }] };
  },
});
