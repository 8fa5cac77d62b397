import type { Node } from 'yaml';
import { isMap, isScalar, isSeq } from '../engine/yaml-guards';
import type { ComposeContext, EnvVar, Service } from '../engine/compose';
import { isSwarmStack, onHostNetwork, resolvedScalar } from '../engine/compose-lookup';
import { describeMapping, hostIpKind, portsOf } from '../engine/compose-ports';
import { projectComposeFiles } from '../engine/include';
import { interpolate } from '../engine/interpolate';
import { argsWrittenHere, droppedByDefaultOverride, keptByMerge, mergedServiceView } from '../engine/override-merge';
import { defineRule } from '../engine/rule';
import { effectiveCommands } from '../engine/service-command';
import { dataStoreOfLoose } from '../engine/service-image';
import { commandOptOuts, connectionStringOptOuts, hostVariables, sslModeVariable, type HostRef, type TlsOptOut, type TlsProduct } from '../engine/tls-opt-outs';
import type { Range } from '../engine/types';

/**
 * Where a client's connection goes, as far as the file tells: to a service of the project (over a
 * compose network of this host), to the Docker host itself (`host.docker.internal`), somewhere not
 * known (a variable, a name that is no service of the project, no host written), or outside (a domain
 * name or an address that is no service of the project).
 */
type Reach = 'project' | 'host' | 'unknown' | 'outside';

interface Data {
  service: string;
  product: TlsProduct;
  /** The setting as written (`sslmode=disable`, `useSSL=false`, `--skip-ssl`, `-c ssl=off`): a fixed spelling, never a secret. */
  option: string;
  /** The environment variable that holds it; null for a command. */
  via: string | null;
  side: 'client' | 'server';
  /** Client: where the connection goes. */
  reach: Reach;
  /** Client: the host the message names (a validated host name or address), or null. */
  host: string | null;
  /** Server: a port mapping it publishes beyond the loopback interface, as written (ports are not secrets), or null. */
  published: string | null;
}

/** A host name or address that may be shown (letters, digits, dots, dashes, underscores, colons of IPv6). */
const SHOWABLE_HOST = /^[a-z0-9._:-]{1,253}$/;

const LOOPBACK = /^(?:localhost|localhost\.localdomain|ip6-localhost|127(?:\.\d{1,3}){3}|::1|0:0:0:0:0:0:0:1|::ffff:127\.0\.0\.1)$/;
/** Docker's names for the machine that runs the containers (Docker Desktop, and `extra_hosts: name:host-gateway`). */
const DOCKER_HOST = /^(?:host\.docker\.internal|gateway\.docker\.internal|host-gateway|docker\.for\.(?:mac|win)\.localhost)$/;

/**
 * The names by which containers of the project reach one another: service names, `container_name`,
 * `hostname`, network aliases, static addresses (`ipv4_address`, `ipv6_address`) and `links` aliases
 * — of this file, of the default compose files beside it (the base and override Compose merges, or the
 * base of a `-f` override), and of the files of its `include:` project. Lower case.
 */
function projectHostNames(ctx: ComposeContext): Set<string> {
  return ctx.memo(ctx, 'DC055.projectHosts', () => {
    const names = new Set<string>();
    const files = projectComposeFiles(ctx);
    for (const file of files) for (const s of file.services) addServiceNames(file, s, names);
    return names;
  });
}

function addServiceNames(ctx: ComposeContext, s: Service, names: Set<string>): void {
  const add = (v: string | null | undefined) => {
    if (v) names.add(v.trim().toLowerCase());
  };
  add(s.name);
  for (const key of ['container_name', 'hostname']) add(resolvedScalar(ctx, ctx.serviceGet(s, key)?.value));
  const networks = ctx.resolve(s.doc, ctx.serviceGet(s, 'networks')?.value);
  if (networks && isMap(networks)) {
    for (const pair of networks.items) {
      const net = ctx.resolve(s.doc, pair.value as Node | null);
      if (!net || !isMap(net)) continue;
      for (const key of ['ipv4_address', 'ipv6_address']) add(resolvedScalar(ctx, ctx.get(s.doc, net, key)?.value));
      const aliases = ctx.resolve(s.doc, ctx.get(s.doc, net, 'aliases')?.value);
      if (aliases && isSeq(aliases)) for (const a of aliases.items) add(resolvedScalar(ctx, ctx.resolve(s.doc, a as Node)));
    }
  }
  const links = ctx.resolve(s.doc, ctx.serviceGet(s, 'links')?.value);
  if (links && isSeq(links)) {
    for (const l of links.items) {
      // `db:database` adds the alias; the service part names a service, counted already.
      const v = resolvedScalar(ctx, ctx.resolve(s.doc, l as Node));
      const colon = v ? v.indexOf(':') : -1;
      if (v && colon !== -1) add(v.slice(colon + 1));
    }
  }
}

/** A service's `extra_hosts:` (list `name:ip` / `name=ip`, or a mapping), lower-case names to addresses. */
function extraHosts(ctx: ComposeContext, service: Service): Map<string, string> {
  const out = new Map<string, string>();
  const node = ctx.resolve(service.doc, ctx.serviceGet(service, 'extra_hosts')?.value);
  if (node && isSeq(node)) {
    for (const item of node.items) {
      const v = resolvedScalar(ctx, ctx.resolve(service.doc, item as Node));
      const m = v ? /^([^=:\s]+)[=:](.+)$/.exec(v.trim()) : null;
      if (m) out.set(m[1].toLowerCase(), m[2].trim().replace(/^\[(.*)\]$/, '$1').toLowerCase());
    }
  } else if (node && isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : null;
      const v = resolvedScalar(ctx, ctx.resolve(service.doc, pair.value as Node | null));
      if (key && v) out.set(key.toLowerCase(), v.trim().replace(/^\[(.*)\]$/, '$1').toLowerCase());
    }
  }
  return out;
}

const RANK: Record<Reach | 'local', number> = { local: 0, project: 1, host: 2, unknown: 3, outside: 4 };

/** Where one host is, for a client service. */
function reachOf(ctx: ComposeContext, service: Service, ref: HostRef): Reach | 'local' {
  if (ref.kind === 'socket') return 'local';
  if (ref.kind === 'variable') return 'unknown';
  let name = ref.name;
  const mapped = extraHosts(ctx, service).get(name);
  if (mapped !== undefined) name = mapped;
  if (LOOPBACK.test(name)) return 'local';
  if (DOCKER_HOST.test(name)) return 'host';
  if (projectHostNames(ctx).has(name) || projectHostNames(ctx).has(ref.name)) return 'project';
  // A single-label name that is no service here: a container of another project on a shared network, or
  // a name resolved by other means; a domain name or an address is taken to be another machine.
  if (!name.includes('.') && !name.includes(':')) return 'unknown';
  return 'outside';
}

/** The reach of a connection to any of these hosts (the farthest), and the host to name; null when all are local (a socket, loopback). */
function classify(ctx: ComposeContext, service: Service, hosts: readonly HostRef[]): { reach: Reach; host: string | null } | null {
  if (hosts.length === 0) return { reach: 'unknown', host: null };
  let best: { reach: Reach | 'local'; host: string | null } = { reach: 'local', host: null };
  for (const h of hosts) {
    const reach = reachOf(ctx, service, h);
    if (RANK[reach] > RANK[best.reach]) best = { reach, host: h.kind === 'name' && SHOWABLE_HOST.test(h.name) ? h.name : null };
  }
  return best.reach === 'local' ? null : { reach: best.reach, host: best.host };
}

/** A value as Compose passes it (interpolated with the `.env`), or as written when a variable has no value here. */
function valueOf(ctx: ComposeContext, written: string): string {
  const dotenv = ctx.dotenv()?.values;
  return interpolate(written, (n) => dotenv?.get(n)).value ?? written;
}

/** A mapping the server publishes beyond the loopback interface, as written (not one the default override resets). */
function publishedPort(ctx: ComposeContext, service: Service): string | null {
  if (onHostNetwork(ctx, service) || droppedByDefaultOverride(ctx, service, 'ports')) return null;
  const ports = portsOf(ctx, service);
  if (!ports) return null;
  const swarm = isSwarmStack(ctx);
  for (const m of ports.mappings) {
    if (m.unknown) continue;
    // In a Swarm stack the routing mesh ignores the host IP (as DC031 says).
    if (hostIpKind(m) === 'loopback' && !swarm) continue;
    return describeMapping(m);
  }
  return null;
}

/** The server a service runs, as far as its command's options go: the entrypoint of a postgres, MySQL or MariaDB image. */
function serverKind(ctx: ComposeContext, service: Service): 'postgres' | 'mysql' | 'mariadb' | null {
  const kind = dataStoreOfLoose(ctx, service)?.kind;
  return kind === 'postgres' || kind === 'mysql' || kind === 'mariadb' ? kind : null;
}

const BETTER: Record<TlsProduct, string> = {
  PostgreSQL: 'sslmode=verify-full',
  MySQL: 'sslMode=VERIFY_IDENTITY (--ssl-mode=VERIFY_IDENTITY)',
  MariaDB: 'sslMode=verify-full (--ssl-verify-server-cert)',
  MongoDB: 'tls=true',
};

export default defineRule<'compose', Data>({
  code: 'DC055',
  name: 'database-tls-disabled',
  kind: 'compose',
  severity: 'info',
  fixable: 'never',
  docs: {
    summary: 'A database connection or server in the compose file turns TLS off (`sslmode=disable`, `useSSL=false`…).',
    what:
      'Flags an explicit opt-out of TLS on a database connection written in the compose file (`sslmode=disable`, `PGSSLMODE=disable`, `useSSL=false`, `sslMode=DISABLED`, `tls=false`, `--skip-ssl`, a server\'s `-c ssl=off`): a warning when the connection leaves the project or the server publishes a port, information when the traffic stays on this host. ' +
      'It reads a service\'s `environment:` (also through `<<` merges) and its own `command:`/`entrypoint:` (also inside `sh -c "…"`) for: libpq\'s `sslmode=disable` in a `postgres://`/`postgresql://` URL (also `jdbc:postgresql://` and SQLAlchemy\'s `postgresql+psycopg2://`) or in a key/value connection string (`host=db sslmode=disable`, Npgsql\'s `Host=db;SSL Mode=Disable`), `PGSSLMODE=disable` and an application\'s database variable set to `disable` (`DB_SSLMODE`, Gitea\'s `GITEA__database__SSL_MODE`); MySQL/MariaDB Connector/J\'s `sslMode=DISABLED` or `useSSL=false` in a `jdbc:mysql://`, `jdbc:mariadb://` or `mysql://` URL, Connector/NET\'s `SslMode=None`/`Disabled`, and `--ssl-mode=DISABLED`, `--ssl=0`, `--skip-ssl`, `--disable-ssl` given to a client program (`mysql`, `mysqldump`, `mysqladmin`, `mariadb`, …); MongoDB\'s `tls=false`/`ssl=false` in a `mongodb://` or `mongodb+srv://` URL; and the servers\' own switches: `-c ssl=off` given to PostgreSQL and `--skip-ssl`/`--ssl=0` given to MySQL or MariaDB (`mysqld`, `mariadbd`, or options after the image\'s entrypoint). ' +
      'Severity follows where the unencrypted traffic goes. A warning when a client\'s connection leaves the project: its host is a domain name or an address that is no service of the project (`db.example.com`, `10.0.0.5`, a managed database), or when a server that turns TLS off publishes a port beyond 127.0.0.1 (clients outside the compose network then connect in clear text). Information when the connection stays on this machine: the host is a service of the project (its name, `container_name`, `hostname`, a network alias, a static address or a `links` alias — in this file, the default compose files beside it, or its `include:` project), the Docker host (`host.docker.internal`, an `extra_hosts:` entry mapped to `host-gateway`), or not known (a variable without a value here, a single-label name that is no service here — a container on a shared external network —, a `PGSSLMODE` whose host is set elsewhere), and for a server that publishes no port. ' +
      'Not reported: a connection to the loopback address (`localhost`, `127.0.0.1`) or a Unix socket (libpq ignores `sslmode` there; a MySQL client given no `-h` uses the socket), a `PGSSLMODE` or `…_SSLMODE` in a PostgreSQL/MySQL service\'s own environment with no host variable beside it (it serves that container\'s own tools, which use the socket), `healthcheck:` commands (they run inside the container, against the server itself), `labels:`, `configs:` and `x-` fields, comments, and `env_file:` files (not written in the compose file). A value is read as Compose passes it (interpolated with the `.env`; as written when a variable has no value here). A value inherited through `extends:` is reported where it is written, in the base. With the override `docker compose up` merges by default (`compose.override.yaml` beside `compose.yaml`, or `docker-compose.override.yml` beside `docker-compose.yml`; Compose merge, https://docs.docker.com/reference/compose-file/merge/) the merged service is read, from either file, and an opt-out is reported in the file that writes it: the default file\'s image tells which server runs the override\'s `command:`; the override\'s `environment:` entry replaces this file\'s of the same name (`NAME: !reset null` and `environment: !reset`/`!override` drop this file\'s), so a replaced or dropped opt-out is not reported, and a host variable of either file counts; the override\'s `command:` or `entrypoint:` replaces this file\'s whole (`!reset` removes it), and the ports of both files count for a server. A service the override resets or replaces whole, or whose `image:` or `build:` it writes, is read as written in each file. ' +
      'Traffic between two services of one project on a single host crosses only the host\'s own bridge network, which no other machine sees: most compose files turn TLS off there because the official `postgres` image has no certificate (its `ssl` is off), and Go\'s lib/pq refuses to connect without TLS unless told `sslmode=disable`. That is why the common case is information, not a warning. It still matters when a service may run elsewhere: in a Swarm stack the overlay network crosses machines and Docker encrypts it only when the network sets `driver_opts: {encrypted: ""}`, and a compromised container on the same bridge can intercept it by ARP spoofing with the `NET_RAW` capability Docker grants by default.',
    why:
      'Without TLS the login (the password itself with PostgreSQL\'s `password` method; otherwise a challenge exchange an eavesdropper can attack offline) and every query and result cross the network readable, and nothing proves the client talks to the real server: anyone on the path (another tenant of a cloud network, a compromised router, a container with `NET_RAW` that spoofs ARP on the same bridge) can read and alter them. An explicit `sslmode=disable`, `useSSL=false` or `tls=false` removes even the opportunistic encryption the drivers would otherwise try (libpq\'s and Connector/J\'s defaults prefer TLS when the server offers it). SECURITY-GUIDELINES.md §4 Data Security — PostgreSQL: "Encrypted Connections – Use SSL/TLS for connections"; Encryption — "Data in Transit".',
    bad: 'services:\n  api:\n    image: ghcr.io/acme/api:1.0\n    environment:\n      DATABASE_URL: postgres://app:${DB_PASSWORD}@db.example.com:5432/app?sslmode=disable',
    good: 'services:\n  api:\n    image: ghcr.io/acme/api:1.0\n    environment:\n      DATABASE_URL: postgres://app:${DB_PASSWORD}@db.example.com:5432/app?sslmode=verify-full',
    fix:
      'No fix: turning TLS on at the client fails unless the server offers it — the official `postgres` and `mongo` images start without a certificate and with TLS off —, and a client that should verify the server (`sslmode=verify-full`, `sslMode=VERIFY_IDENTITY`, `tls=true` with a CA) needs the CA certificate mounted too. Give the server a certificate (PostgreSQL: `-c ssl=on -c ssl_cert_file=… -c ssl_key_file=…`; MySQL 8 creates a self-signed one by itself), then replace the opt-out with `sslmode=verify-full` (libpq), `sslMode=VERIFY_IDENTITY` (Connector/J), `--ssl-mode=VERIFY_IDENTITY` (MySQL clients) or `tls=true` (MongoDB). For a connection between services of one host that you accept unencrypted, lower or silence the rule for the file.',
    guideline: '§4 Data Security — PostgreSQL: "Encrypted Connections – Use SSL/TLS for connections"; Encryption — Data in Transit',
    equivalents: [
      'No compose linter checks this (KICS, Checkov, Trivy and compose-lint have no query for connection strings in Compose files)',
      'Trivy/tfsec azure-database-enable-ssl-enforcement and Checkov\'s "Enforce SSL connection" checks for Azure Database for PostgreSQL/MySQL are the managed-service equivalents (the server side)',
    ],
    references: [
      'https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNECT-SSLMODE',
      'https://www.postgresql.org/docs/current/libpq-ssl.html',
      'https://www.postgresql.org/docs/current/libpq-envars.html',
      'https://www.postgresql.org/docs/current/runtime-config-connection.html#GUC-SSL',
      'https://www.npgsql.org/doc/connection-string-parameters.html',
      'https://dev.mysql.com/doc/connector-j/en/connector-j-connp-props-security.html',
      'https://dev.mysql.com/doc/refman/5.7/en/connection-options.html',
      'https://mariadb.com/docs/server/ref/mdb/cli/mariadb/ssl',
      'https://dev.mysql.com/doc/dev/connector-net/8.0/api/data_api/MySql.Data.MySqlClient.MySqlSslMode.html',
      'https://www.mongodb.com/docs/manual/reference/connection-string-options/',
      'https://docs.docker.com/engine/network/drivers/overlay/',
      'https://docs.docker.com/reference/compose-file/services/#extra_hosts',
    ],
  },
  check(ctx) {
    const out: { range: Range; data: Data; severity?: 'warning' }[] = [];
    const seen = new Set<string>();
    const push = (range: Range, data: Data) => {
      const key = `${range.start.line}:${range.start.character}:${data.option}`;
      if (seen.has(key)) return;
      seen.add(key);
      const warn = data.side === 'client' ? data.reach === 'outside' : data.published !== null;
      out.push({ range, data, ...(warn ? { severity: 'warning' as const } : {}) });
    };
    const client = (range: Range, service: Service, o: TlsOptOut, via: string | null) => {
      const where = classify(ctx, service, o.hosts);
      if (where) push(range, { service: service.name, product: o.product, option: o.option, via, side: 'client', reach: where.reach, host: where.host, published: null });
    };
    for (const service of ctx.services) {
      // With the default override, the merged service: the base's image says which server runs, this file's entries
      // count only where the merge keeps them, and the command that runs is the merged one (review 44d leftovers).
      const view = mergedServiceView(ctx, service);
      const base = view ? view.merge.base : { ctx, service };
      const other = view ? (view.merge.inOverride ? view.merge.base : view.merge.over) : undefined;
      const server = serverKind(base.ctx, base.service);
      const envs = ctx.environment(service);
      // Each name's first entry (the one judged), made when a value is read at all (most services have none to read).
      let named: Map<string, EnvVar> | undefined;
      // A host variable the other file's `environment:` writes (the merged environment's entry), as written there.
      const hostValue = (n: string): { value: string | null } | undefined => {
        const own = named?.get(n);
        if (own && keptByMerge(view, own.name)) return { value: own.value === null ? null : valueOf(ctx, own.value) };
        if (!view || !other) return undefined;
        const l = view.env.get(n);
        if ((l.state !== 'set' && l.state !== 'unknown-value') || !l.env || view.env.fromOverride(l) === view.merge.inOverride) return undefined;
        return { value: l.state === 'set' ? valueOf(other.ctx, l.value) : null };
      };
      for (const env of envs) {
        if (env.value === null) continue;
        // Most values name no TLS setting and take nothing from the `.env`: not interpolated.
        if (!env.value.includes('$') && !/ssl|tls/i.test(env.value) && !/SSL_?MODE$/i.test(env.name)) continue;
        if (!named) {
          named = new Map();
          for (const e of envs) if (!named.has(e.name)) named.set(e.name, e);
        }
        if (named.get(env.name) !== env) continue;
        // An entry of the default file that the override replaces or drops never reaches the container.
        if (!keptByMerge(view, env.name)) continue;
        const value = valueOf(ctx, env.value);
        const variable = sslModeVariable(env.name, value);
        if (variable) {
          const hostVar = hostVariables(variable.prefix).map((n) => hostValue(n)).find((e) => e !== undefined);
          // In the server's own container, with no host beside it, it serves that container's tools (over the socket).
          if (!hostVar && server) continue;
          const hosts: HostRef[] = [];
          if (hostVar) {
            const h = hostVar.value;
            if (h === null || h.includes('$')) hosts.push({ kind: 'variable' });
            else for (const part of h.split(',')) {
              const t = part.trim().toLowerCase();
              if (t.startsWith('/')) hosts.push({ kind: 'socket' });
              else if (t !== '') hosts.push({ kind: 'name', name: /^\[/.test(t) ? t.replace(/^\[([^\]]*)\].*$/, '$1') : (t.match(/:/g) ?? []).length > 1 ? t : t.replace(/:\d*$/, '') });
            }
          }
          client(env.range, service, { product: variable.product, option: variable.option, hosts }, env.name);
          continue;
        }
        for (const o of connectionStringOptOuts(value)) client(env.range, service, o, env.name);
      }
      const cmds = view ? view.commands.value : effectiveCommands(ctx, service);
      if (!cmds) continue;
      // With the override merged, the entrypoint and command may come from different files: an argument is reported in the file that writes it.
      const own = view ? argsWrittenHere(ctx, service, cmds) : undefined;
      for (const run of cmds.runs) {
        // Options after the image's own entrypoint go to the server (`command: ["-c", "ssl=off"]`); a replaced entrypoint runs something else.
        const kind = !cmds.entrypoint && !run.viaShell ? server : null;
        for (const o of commandOptOuts(run.args, kind)) {
          const arg = run.args[o.word];
          if (own && !own(arg, run.viaShell)) continue;
          const range = ctx.lines.rangeOf(arg.start, arg.end);
          // The merged service publishes the ports of both files (a sequence is appended).
          const published = o.server ? (publishedPort(ctx, service) ?? (other ? publishedPort(other.ctx, other.service) : null)) : null;
          if (o.server) push(range, { service: service.name, product: o.product, option: o.option, via: null, side: 'server', reach: 'unknown', host: null, published });
          else client(range, service, o, null);
        }
      }
    }
    return out;
  },
  message(d) {
    // A variable that is the setting itself (`PGSSLMODE=disable`) is not named twice.
    const where = d.via ? (d.option.startsWith(`${d.via}=`) ? '' : ` (${d.via})`) : ' (in its command)';
    if (d.side === 'server') {
      if (d.published) return `${d.product} service '${d.service}' turns TLS off for every client with ${d.option} and publishes port '${d.published}': clients that connect through it from outside the compose network send the login and every query unencrypted; give the server a certificate and leave TLS on.`;
      return `${d.product} service '${d.service}' turns TLS off for every client with ${d.option}: no client can encrypt its connection; it publishes no port, so only clients on its compose networks reach it — give the server a certificate and leave TLS on if they may run on other hosts.`;
    }
    const fix = `use ${BETTER[d.product]} with a server that offers TLS`;
    switch (d.reach) {
      case 'outside':
        return `Service '${d.service}' connects to ${d.product} at '${d.host ?? 'a host outside the project'}' with ${d.option}${where}: that host is no service of this project, so the login and every query cross the network unencrypted; ${fix}.`;
      case 'project':
        return `Service '${d.service}' connects to ${d.product}${d.host ? ` service '${d.host}'` : ''} with ${d.option}${where}: unencrypted, though it stays on the compose network of this host; ${fix} if the services may run on different hosts.`;
      case 'host':
        return `Service '${d.service}' connects to ${d.product} on the Docker host${d.host ? ` ('${d.host}')` : ''} with ${d.option}${where}: unencrypted, though it does not leave this machine; ${fix} if the database moves elsewhere.`;
      default:
        return d.host
          ? `Service '${d.service}' connects to ${d.product} at '${d.host}' with ${d.option}${where}: '${d.host}' is no service of this project (a container on a shared network, or a name resolved elsewhere); if it is on another machine, the login and every query cross the network unencrypted — ${fix}.`
          : `Service '${d.service}' turns TLS off for its ${d.product} connection with ${d.option}${where}: the host is not written here; if it is on another machine, the login and every query cross the network unencrypted — ${fix}.`;
    }
  },
});
