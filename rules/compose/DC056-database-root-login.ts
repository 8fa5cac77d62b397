import type { Node } from 'yaml';
import { isMap, isSeq } from '../engine/yaml-guards';
import type { ComposeContext, EnvVar, Service } from '../engine/compose';
import { ExtendedEnv, resolvedScalar } from '../engine/compose-lookup';
import { dataStoreOf, serviceImage } from '../engine/datastores';
import type { EnvLookup } from '../engine/env-files';
import { projectComposeFiles } from '../engine/include';
import { interpolate } from '../engine/interpolate';
import { defaultMerge, keptByMerge, mergedServiceView } from '../engine/override-merge';
import { defineRule } from '../engine/rule';
import { hostVariables } from '../engine/tls-opt-outs';
import type { Range } from '../engine/types';

interface Data {
  /** The client service. */
  service: string;
  /** The environment variable that logs in as root (a connection URL or a user variable). */
  variable: string;
  /** The MySQL/MariaDB service it logs in to. */
  db: string;
  product: 'MySQL' | 'MariaDB';
  /** The prefix of the database image's own variables that create an application user (`MYSQL` or `MARIADB`). */
  vars: 'MYSQL' | 'MARIADB';
}

/** A MySQL or MariaDB service of the project, with the names its clients reach it by (lower case). */
interface Database {
  name: string;
  product: 'MySQL' | 'MariaDB';
  vars: 'MYSQL' | 'MARIADB';
  names: Set<string>;
  /** Its network aliases, each with the networks it is given on (an alias resolves only there). */
  aliases: Map<string, Set<string>>;
}

/** Other SQL servers a generic `DB_USER` may be meant for: with one of them in the project, a login with no host names no database. */
const OTHER_SQL = new Set(['postgres', 'mssql', 'cockroach', 'clickhouse']);

/**
 * The environment variables that name the user a client logs in to its database with: `DB_USER`, `DB_USERNAME`,
 * `DATABASE_USER`, `DATABASE_USERNAME`, `MYSQL_USER`, `MYSQL_USERNAME`, `MARIADB_USER`, `MARIADB_USERNAME`,
 * `DATASOURCE_USERNAME`, and each of them after an application's prefix (`WORDPRESS_DB_USER`, `YOURLS_DB_USER`,
 * `SPRING_DATASOURCE_USERNAME`, `APP_DATABASE_USERNAME`). Group 1 is the prefix the host variables share.
 */
const USER_VARIABLE = /^((?:[A-Za-z0-9]+_)*(?:DB|DATABASE|MYSQL|MARIADB|DATASOURCE))_USER(?:NAME)?$/i;

/** The schemes of a MySQL/MariaDB connection URL: `mysql://`, `mariadb://`, `mysql2://` (Ruby), `mysqlx://`, SQLAlchemy's `mysql+pymysql://`, JDBC's `jdbc:mysql://`. */
const URL_SCHEME = /^(?:jdbc:)?(?:mysql|mariadb|mysql2|mysqlx)(?:\+[a-z0-9]+)?:\/\//i;

/**
 * Client images whose job needs more than one database's rights, so the image's application user is no answer:
 * administration consoles (phpMyAdmin, Adminer: their users manage every database and account) and backup tools
 * (a dump of every database needs global SELECT, LOCK TABLES, SHOW VIEW, TRIGGER, EVENT: the mysqldump reference).
 */
const ADMIN_OR_BACKUP = /(?:^|\/)(?:phpmyadmin|adminer)$|backup|(?:^|[/-])(?:mysql|mariadb)-?dump/i;

/** A value as Compose passes it (interpolated with the `.env`), or as written when a variable has no value here. */
function valueOf(ctx: ComposeContext, written: string): string {
  const dotenv = ctx.dotenv()?.values;
  return interpolate(written, (n) => dotenv?.get(n)).value ?? written;
}

/** The MySQL and MariaDB services of the project (this file, the default compose files beside it, its `include:` project), and whether it runs another SQL server. */
function projectDatabases(ctx: ComposeContext): { databases: Database[]; otherSql: boolean } {
  return ctx.memo(ctx, 'DC056.databases', () => {
    const files = projectComposeFiles(ctx);
    const byName = new Map<string, Database>();
    let otherSql = false;
    for (const file of files) {
      for (const s of file.services) {
        const kind = dataStoreOf(file, s)?.kind;
        if (kind && OTHER_SQL.has(kind)) otherSql = true;
        if (kind !== 'mysql' && kind !== 'mariadb') continue;
        const known = byName.get(s.name);
        const db = known ?? { name: s.name, product: kind === 'mysql' ? 'MySQL' : 'MariaDB', vars: varsOf(file, s, kind), names: new Set([s.name.toLowerCase()]), aliases: new Map() };
        addNames(file, s, db);
        byName.set(s.name, db);
      }
    }
    return { databases: [...byName.values()], otherSql };
  });
}

/**
 * The variables that create an application user: the official `mariadb` image and Bitnami's read `MARIADB_*` (the
 * official one also `MYSQL_*`); the mysql image and the MariaDB images built on yobasystems/alpine-mariadb read `MYSQL_*`.
 */
function varsOf(ctx: ComposeContext, s: Service, kind: 'mysql' | 'mariadb'): 'MYSQL' | 'MARIADB' {
  if (kind === 'mysql') return 'MYSQL';
  const repo = serviceImage(ctx, s)?.repository ?? 'mariadb';
  return /(?:^|\/)(?:mariadb|mariadb-galera)$/.test(repo) ? 'MARIADB' : 'MYSQL';
}

/** A service's names on its networks: `container_name`, `hostname` and network aliases (its name is added by the caller). */
function addNames(ctx: ComposeContext, s: Service, db: Database): void {
  const add = (v: string | null | undefined) => {
    if (v) db.names.add(v.trim().toLowerCase());
  };
  for (const key of ['container_name', 'hostname']) add(resolvedScalar(ctx, ctx.serviceGet(s, key)?.value));
  const networks = ctx.resolve(s.doc, ctx.serviceGet(s, 'networks')?.value);
  if (!networks || !isMap(networks)) return;
  for (const pair of networks.items) {
    const network = resolvedScalar(ctx, pair.key as Node);
    const net = ctx.resolve(s.doc, pair.value as Node | null);
    if (!network || !net || !isMap(net)) continue;
    const aliases = ctx.resolve(s.doc, ctx.get(s.doc, net, 'aliases')?.value);
    if (!aliases || !isSeq(aliases)) continue;
    for (const a of aliases.items) {
      const alias = resolvedScalar(ctx, ctx.resolve(s.doc, a as Node))?.trim().toLowerCase();
      if (!alias) continue;
      const on = db.aliases.get(alias) ?? new Set<string>();
      on.add(network);
      db.aliases.set(alias, on);
    }
  }
}

/** The networks a service joins (`networks:` as a list or a mapping; the project's `default` without one). */
function networksOf(ctx: ComposeContext, s: Service): Set<string> {
  const node = ctx.resolve(s.doc, ctx.serviceGet(s, 'networks')?.value);
  const out = new Set<string>();
  if (node && isMap(node)) for (const pair of node.items) out.add(resolvedScalar(ctx, pair.key as Node) ?? '');
  else if (node && isSeq(node)) for (const item of node.items) out.add(resolvedScalar(ctx, ctx.resolve(s.doc, item as Node)) ?? '');
  else out.add('default');
  return out;
}

/** The aliases a client gives services with `links: [db:alias]`, alias to service name (lower case). */
function linkAliases(ctx: ComposeContext, service: Service): Map<string, string> {
  const out = new Map<string, string>();
  const links = ctx.resolve(service.doc, ctx.serviceGet(service, 'links')?.value);
  if (!links || !isSeq(links)) return out;
  for (const l of links.items) {
    const v = resolvedScalar(ctx, ctx.resolve(service.doc, l as Node));
    const colon = v ? v.indexOf(':') : -1;
    if (v && colon > 0) out.set(v.slice(colon + 1).trim().toLowerCase(), v.slice(0, colon).trim().toLowerCase());
  }
  return out;
}

/** Where a login goes: a host name (lower case, no port), not known (no host, or a variable without a value here), or nowhere to judge (a socket). */
type Host = { kind: 'name'; name: string } | { kind: 'unknown' } | { kind: 'none' };

/** A host variable's value (`db`, `db:3306`, `${DB_HOST}`, `/run/mysqld/mysqld.sock`). */
function hostOfValue(value: string): Host {
  const v = value.trim().toLowerCase();
  if (v === '' || v.includes('$')) return { kind: 'unknown' };
  if (v.startsWith('/') || v.includes(',')) return { kind: 'none' };
  return { kind: 'name', name: v.replace(/^\[(.*)\](?::\d*)?$/, '$1').replace(/^([^:]+):\d*$/, '$1') };
}

/** A MySQL/MariaDB connection URL, read with the URL class: its user and host; null when the value is no such URL. */
function parseUrl(value: string): { user: string; host: Host } | null {
  const v = value.trim();
  if (!URL_SCHEME.test(v)) return null;
  let url: URL;
  try {
    url = new URL(v.replace(/^jdbc:/i, ''));
  } catch {
    return null;
  }
  let user: string;
  try {
    user = decodeURIComponent(url.username) || (url.searchParams.get('user') ?? '');
  } catch {
    return null;
  }
  return { user, host: hostOfValue(url.hostname) };
}

/** The value a lookup gives, or undefined when the name is unset (null: set, but not known here). */
function lookupValue(l: EnvLookup): string | null | undefined {
  if (l.state === 'set') return l.value;
  if (l.state === 'unset') return undefined;
  return null;
}

export default defineRule<'compose', Data>({
  code: 'DC056',
  name: 'database-root-login',
  kind: 'compose',
  severity: 'info',
  fixable: 'never',
  docs: {
    summary: 'An application service logs in to the project\'s MySQL or MariaDB service as `root`.',
    what:
      'Flags a service that logs in to a MySQL or MariaDB service of the same project as `root`, read from its `environment:` (also through `<<` merges, with values interpolated from the `.env`): ' +
      '(a) a connection URL whose user is `root` — `mysql://root:…@db:3306/app`, `mariadb://`, `mysql2://`, `mysqlx://`, SQLAlchemy\'s `mysql+pymysql://`, JDBC\'s `jdbc:mysql://…?user=root` — read with the URL class, so a `${VAR}` for the password is fine; ' +
      'or (b) a user variable set to `root`: `DB_USER`, `DB_USERNAME`, `DATABASE_USER`, `DATABASE_USERNAME`, `MYSQL_USER`, `MYSQL_USERNAME`, `MARIADB_USER`, `MARIADB_USERNAME`, `DATASOURCE_USERNAME`, and each of them after a prefix (`WORDPRESS_DB_USER`, `YOURLS_DB_USER`, `SPRING_DATASOURCE_USERNAME`, `APP_DATABASE_USERNAME`). ' +
      'It is reported only when the login goes to a MySQL/MariaDB service of the project: the URL\'s host, or the host variable beside the user variable (same prefix: `DB_HOST`, `YOURLS_DB_HOST`, `…_HOSTNAME`, `…_HOST_NAME`, `…_ADDR`, `…_SERVER`, or `SPRING_DATASOURCE_URL`\'s host; a port after the name is ignored), is the service\'s name, `container_name`, `hostname`, a `links:` alias, or a network alias on a network the client joins (the project\'s `default` network when it lists none). The host variable is read from the merged environment (the service\'s `environment:` and `env_file:`, through `extends:`, and with the default override `compose.override.yaml` merged). When no host is known (none written, or a variable with no value here), it is reported only if the project runs exactly one MySQL/MariaDB service and no other SQL server (PostgreSQL, SQL Server, CockroachDB, ClickHouse). The project is this file, the default compose files beside it and its `include:` files. ' +
      'Not reported: the database services themselves (their `MYSQL_ROOT_PASSWORD` is the administrator\'s, and `MYSQL_USER` there creates the application user), administration consoles (phpMyAdmin, Adminer: managing every database and account is their job), backup images (an image name with `backup`, `mysqldump`, `mariadb-dump`: a dump of every database needs global rights that one database\'s user does not have), a login to a host that is no service of the project (a managed database, another machine), a Unix socket, and PostgreSQL: the official `postgres` image creates no second user — `POSTGRES_USER` "will create the specified user with superuser power" (the image\'s documentation), and no variable makes a limited one — so every compose file whose application uses the only account the image makes would be flagged, and the answer (a role made with `CREATE ROLE … LOGIN` and its grants in an init script) is not one variable away; DC041 and DC050 judge that account\'s password and authentication instead. ' +
      'An entry inherited through `extends:` is reported in the base that writes it; an entry of an `x-` anchor merged into several services is reported once. Prometheus\' mysqld-exporter is not exempt (its documentation creates an `exporter` user with PROCESS, REPLICATION CLIENT and SELECT), but its `DATA_SOURCE_NAME` (`user:password@(host:3306)/`) is no URL and is not read.',
    why:
      '`root` has every privilege on every database of the server: it can read and change all of them, create and drop accounts, grant rights, and with the FILE privilege read and write files the server can reach. An application that logs in as root hands all of that to whoever finds a flaw in it (an SQL injection, a leaked connection string, a compromised dependency): the damage is no longer limited to the application\'s own data. The official images create a separate application user for this (`MYSQL_USER`/`MYSQL_PASSWORD` with `MYSQL_DATABASE`; `MARIADB_USER`/`MARIADB_PASSWORD` with `MARIADB_DATABASE`), granted all rights on that one database only. SECURITY-GUIDELINES.md §4 Data Security: "Access Control – Limit database user permissions" (written under PostgreSQL, with a PostgreSQL example of a limited user; the same holds for MySQL and MariaDB, whose images make that user for you).',
    whySummary: 'root has every privilege on every database of the server, so a flaw in the application reaches all of them and the accounts too.',
    bad: 'services:\n  app:\n    image: ghcr.io/acme/app:1.4.2\n    environment:\n      DATABASE_URL: mysql://root:${MYSQL_ROOT_PASSWORD}@db:3306/app\n  db:\n    image: mariadb:11.8\n    environment:\n      MARIADB_ROOT_PASSWORD: ${MYSQL_ROOT_PASSWORD}\n      MARIADB_DATABASE: app',
    good: 'services:\n  app:\n    image: ghcr.io/acme/app:1.4.2\n    environment:\n      DATABASE_URL: mysql://app:${DB_PASSWORD}@db:3306/app\n  db:\n    image: mariadb:11.8\n    environment:\n      MARIADB_ROOT_PASSWORD: ${MYSQL_ROOT_PASSWORD}\n      MARIADB_DATABASE: app\n      MARIADB_USER: app\n      MARIADB_PASSWORD: ${DB_PASSWORD}',
    fix:
      'No fix: the change needs a new user with its own password and grants, which the compose file cannot make certain. Set the image\'s `MYSQL_USER`, `MYSQL_PASSWORD` and `MYSQL_DATABASE` (`MARIADB_*` for the mariadb image) on the database service, with the password from `.env` or a secret, and have the application connect as that user. The images create the user only when they initialize an empty data directory: with an existing volume, create it yourself (`CREATE USER \'app\'@\'%\' IDENTIFIED BY …; GRANT ALL ON app.* TO \'app\'@\'%\';`). An application that also migrates its schema needs no more than that grant on its own database.',
    guideline: '§4 Data Security — PostgreSQL: "Access Control – Limit database user permissions"; Access Control — Database Users ("Create limited privilege users", `CREATE USER app_user`)',
    equivalents: ['None found: KICS, Checkov, Trivy and compose-lint have no check of the account a Compose service logs in to its database with (their MySQL checks are of managed cloud databases).'],
    references: [
      'https://hub.docker.com/_/mysql',
      'https://hub.docker.com/_/mariadb',
      'https://hub.docker.com/_/postgres',
      'https://dev.mysql.com/doc/refman/8.4/en/privileges-provided.html',
      'https://dev.mysql.com/doc/refman/8.4/en/mysqldump.html',
      'https://github.com/prometheus/mysqld_exporter#required-grants',
      'https://docs.phpmyadmin.net/en/latest/setup.html#installing-using-docker',
      'https://docs.docker.com/reference/compose-file/services/#links',
      'https://docs.docker.com/reference/compose-file/services/#aliases',
      'https://docs.docker.com/reference/compose-file/merge/',
    ],
  },
  check(ctx) {
    const out: { range: Range; data: Data }[] = [];
    // The project's databases are read only once a service logs in as root: reading the other files of an `include:`
    // project (their services' images) for every file's analysis would make the project's analysis quadratic.
    let project: { databases: Database[]; otherSql: boolean } | undefined;
    const seen = new Set<string>();
    for (const service of ctx.services) {
      // The default override resets or replaces the whole service: gone, or the override's alone (judged there).
      const merge = defaultMerge(ctx, service);
      if (merge?.whole && !merge.inOverride) continue;
      const view = mergedServiceView(ctx, service);
      const judged = view ? view.merge.base : { ctx, service };
      if (dataStoreOf(judged.ctx, judged.service)) continue;
      const image = serviceImage(judged.ctx, judged.service);
      if (image && ADMIN_OR_BACKUP.test(image.repository)) continue;
      const envs = ctx.environment(service).filter((e) => keptByMerge(view, e.name));
      const named = new Map<string, EnvVar>();
      for (const e of envs) named.set(e.name, e);
      // The merged environment (both files of the default pair, `extends:`, `env_file:`) for the host beside a user.
      let merged: ExtendedEnv | undefined;
      const env = (n: string) => (merged ??= view ? view.env : new ExtendedEnv(ctx, service)).get(n);
      const aliases = linkAliases(ctx, service);
      const target = (host: Host): Database | undefined => {
        if (host.kind === 'none') return undefined;
        const { databases, otherSql } = (project ??= projectDatabases(ctx));
        if (host.kind === 'unknown') return databases.length === 1 && !otherSql ? databases[0] : undefined;
        const name = aliases.get(host.name) ?? host.name;
        const joined = networksOf(ctx, service);
        const aliasHere = (d: Database) => [...(d.aliases.get(host.name) ?? [])].some((n) => joined.has(n));
        return databases.find((d) => d.names.has(name) || d.names.has(host.name) || aliasHere(d));
      };
      for (const e of envs) {
        if (e.value === null || named.get(e.name) !== e) continue;
        let host: Host | undefined;
        // Most values take nothing from the `.env`: interpolated only when they read a variable.
        const url = parseUrl(e.value.includes('$') ? valueOf(ctx, e.value) : e.value);
        if (url) {
          if (url.user === 'root') host = url.host;
        } else {
          const m = USER_VARIABLE.exec(e.name);
          if (!m) continue;
          const dotenv = ctx.dotenv()?.values;
          if (interpolate(e.value, (n) => dotenv?.get(n)).value?.trim() !== 'root') continue;
          host = hostBeside(m[1], env);
        }
        if (!host) continue;
        const db = target(host);
        if (!db || db.name === service.name) continue;
        const key = `${e.range.start.line}:${e.range.start.character}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ range: e.range, data: { service: service.name, variable: e.name, db: db.name, product: db.product, vars: db.vars } });
      }
    }
    return out;
  },
  message(d) {
    return `Service '${d.service}' logs in to ${d.product} service '${d.db}' as root (${d.variable}): root has every privilege on every database and account of the server, so a flaw in the application reaches all of them; create an application user with the image's ${d.vars}_USER, ${d.vars}_PASSWORD and ${d.vars}_DATABASE (it gets rights on that database only) and connect as it.`;
  },
});

/** The host a user variable's login goes to: the host variable of its prefix (`DB_USER` → `DB_HOST`), or the host of the prefix's URL (`SPRING_DATASOURCE_URL`). */
function hostBeside(prefix: string, env: (name: string) => EnvLookup): Host {
  for (const n of hostVariables(prefix)) {
    const v = lookupValue(env(n));
    if (v === undefined) continue;
    return v === null ? { kind: 'unknown' } : hostOfValue(v);
  }
  for (const n of [`${prefix}_URL`, `${prefix}_URI`]) {
    const v = lookupValue(env(n));
    if (v === undefined) continue;
    if (v === null) return { kind: 'unknown' };
    const url = parseUrl(v);
    if (url) return url.host;
  }
  return { kind: 'unknown' };
}
