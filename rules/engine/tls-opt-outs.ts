/**
 * Explicit opt-outs of TLS on a database connection, read from text a compose file writes (an
 * environment value, the words of a command). Only spellings documented by the drivers and servers
 * are read:
 * - PostgreSQL (libpq, and the drivers that take its parameters: pgjdbc, Npgsql, node-postgres,
 *   Prisma, Go's lib/pq and pgx): `sslmode=disable` in a `postgres://` / `postgresql://` URL (also
 *   `jdbc:postgresql://`, SQLAlchemy's `postgresql+psycopg2://`) or in a key/value connection string
 *   (`host=db sslmode=disable`, `Host=db;SSL Mode=Disable`), and the `PGSSLMODE` variable; the server's
 *   `-c ssl=off`. https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNECT-SSLMODE
 *   https://www.postgresql.org/docs/current/libpq-envars.html https://www.npgsql.org/doc/connection-string-parameters.html
 *   https://www.postgresql.org/docs/current/runtime-config-connection.html#GUC-SSL
 * - MySQL and MariaDB: Connector/J's `sslMode=DISABLED` and legacy `useSSL=false` in a `jdbc:mysql://` /
 *   `jdbc:mariadb://` / `mysql://` URL (MariaDB Connector/J's `sslMode=disable`), Connector/NET's
 *   `SslMode=None`/`Disabled`, and the command-line options `--ssl-mode=DISABLED`, `--ssl=0`,
 *   `--skip-ssl`, `--disable-ssl` of the client programs and of the server.
 *   https://dev.mysql.com/doc/connector-j/en/connector-j-connp-props-security.html
 *   https://dev.mysql.com/doc/refman/5.7/en/connection-options.html https://mariadb.com/docs/server/ref/mdb/cli/mariadb/ssl
 * - MongoDB: the connection string options `tls=false` / `ssl=false` in a `mongodb://` or
 *   `mongodb+srv://` URL (option names are case-insensitive).
 *   https://www.mongodb.com/docs/manual/reference/connection-string-options/
 * What is returned names the setting as written (a fixed set of spellings, never a password) and the
 * hosts the connection goes to, never the rest of the text.
 */
import * as path from 'node:path';

export type TlsProduct = 'PostgreSQL' | 'MySQL' | 'MariaDB' | 'MongoDB';

/**
 * Where a connection goes: a host name or address as written (`db`, `db.example.com`, `10.0.0.5`);
 * `variable` when it is built from a variable without a value here; `socket` for a Unix socket (no
 * network at all).
 */
export type HostRef = { kind: 'name'; name: string } | { kind: 'variable' } | { kind: 'socket' };

export interface TlsOptOut {
  product: TlsProduct;
  /** The setting that turns TLS off as written (`sslmode=disable`, `useSSL=false`, `--skip-ssl`): never a secret. */
  option: string;
  /** The hosts the connection names; empty when it names none (the driver's default, or a separate variable). */
  hosts: HostRef[];
}

/** `scheme://` of the connection URLs read here, with what they connect to. */
const URL_RE = /(?<![A-Za-z0-9+.-])(?:jdbc:)?(postgres(?:ql)?|mysql|mariadb|mongodb)((?:\+[A-Za-z0-9]+)?)(?::[A-Za-z]+)?:\/\/([^\s'"<>`]*)/gi;

function productOfScheme(scheme: string, suffix: string): TlsProduct | null {
  const s = scheme.toLowerCase();
  if (s === 'postgres' || s === 'postgresql') return 'PostgreSQL';
  if (s === 'mysql') return 'MySQL';
  if (s === 'mariadb') return 'MariaDB';
  if (s === 'mongodb') return suffix === '' || suffix.toLowerCase() === '+srv' ? 'MongoDB' : null;
  return null;
}

/** A host as written in a URL's authority or a `host=` value: the port and IPv6 brackets removed. */
function hostRef(raw: string): HostRef | null {
  const t = raw.trim();
  if (t === '') return null;
  if (t.includes('$')) return { kind: 'variable' };
  if (t.startsWith('/') || /^%2f/i.test(t) || t.startsWith('@')) return { kind: 'socket' };
  const v6 = /^\[([^\]]*)\](?::\d*)?$/.exec(t);
  if (v6) return { kind: 'name', name: v6[1].toLowerCase() };
  // A bare IPv6 address (libpq's host= takes one).
  if ((t.match(/:/g) ?? []).length > 1) return { kind: 'name', name: t.toLowerCase() };
  const name = t.replace(/:[^:]*$/, '');
  return name === '' ? null : { kind: 'name', name: name.toLowerCase() };
}

/** The hosts of a URL's authority (after the last `@`; several, comma-separated, for MongoDB and JDBC). */
function authorityHosts(authority: string): HostRef[] {
  const at = authority.lastIndexOf('@');
  const hostPart = at === -1 ? authority : authority.slice(at + 1);
  const out: HostRef[] = [];
  for (const h of hostPart.split(',')) {
    // JDBC's `address=(host=db)(port=3306)` form: the host is inside.
    const paren = /\(host=([^)]*)\)/i.exec(h);
    const ref = hostRef(paren ? paren[1] : h);
    if (ref) out.push(ref);
  }
  return out;
}

/** `key=value` pairs of a URL query (`&` or `;` separated), keys as written. */
function queryParams(query: string): [string, string][] {
  const out: [string, string][] = [];
  for (const part of query.split(/[&;]/)) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    let key = part.slice(0, eq);
    let value = part.slice(eq + 1);
    try {
      key = decodeURIComponent(key);
      value = decodeURIComponent(value);
    } catch {
      // keep as written
    }
    out.push([key.trim(), value.trim()]);
  }
  return out;
}

/** The opt-out among a connection's parameters, as written (`sslmode=disable`), for the product. */
function optOutParam(product: TlsProduct, params: readonly [string, string][]): string | null {
  for (const [key, value] of params) {
    const k = key.toLowerCase().replace(/[-_\s]/g, '');
    const v = value.toLowerCase();
    if (product === 'PostgreSQL' && k === 'sslmode' && v === 'disable') return `${key}=${value}`;
    if ((product === 'MySQL' || product === 'MariaDB') && ((k === 'sslmode' && (v === 'disabled' || v === 'disable')) || (k === 'usessl' && v === 'false'))) return `${key}=${value}`;
    if (product === 'MongoDB' && (k === 'tls' || k === 'ssl') && value === 'false') return `${key}=${value}`;
  }
  return null;
}

/** Keys of a key/value connection string that name the server (libpq's `host`/`hostaddr`, ADO.NET's `Server`, `Data Source`). */
const HOST_KEYS = new Set(['host', 'hostaddr', 'server', 'datasource', 'address', 'addr']);

/**
 * Opt-outs in a key/value connection string: libpq's `host=db sslmode=disable` (blank-separated, values
 * maybe in single quotes) and ADO.NET's `Host=db;SSL Mode=Disable` (`;`-separated, keys case-insensitive).
 */
function keyValueOptOuts(text: string): TlsOptOut[] {
  if (!/ssl\s*_?\s*mode/i.test(text)) return [];
  const semicolons = text.includes(';');
  const pairs: [string, string][] = [];
  if (semicolons) {
    for (const part of text.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0) pairs.push([part.slice(0, eq).trim(), part.slice(eq + 1).trim().replace(/^(["'])(.*)\1$/, '$2')]);
    }
  } else {
    const re = /(?:^|\s)([A-Za-z_]+)\s*=\s*(?:'((?:[^'\\]|\\.)*)'|(\S*))/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text))) pairs.push([m[1], m[2] ?? m[3] ?? '']);
  }
  let option: string | null = null;
  let product: TlsProduct = 'PostgreSQL';
  const hosts: HostRef[] = [];
  for (const [key, value] of pairs) {
    const k = key.toLowerCase().replace(/[\s_-]/g, '');
    const v = value.toLowerCase();
    if (k === 'sslmode' && v === 'disable') option = `${key}=${value}`;
    else if (k === 'sslmode' && semicolons && (v === 'disabled' || v === 'none')) {
      // Connector/NET and MySqlConnector: `SslMode=None` (deprecated) or `Disabled`.
      option = `${key}=${value}`;
      product = 'MySQL';
    } else if (HOST_KEYS.has(k)) {
      for (const h of value.split(',')) {
        const ref = hostRef(h);
        if (ref) hosts.push(ref);
      }
    }
  }
  return option ? [{ product, option, hosts }] : [];
}

/** Opt-outs written in a value: connection URLs first, then a key/value connection string in the rest. */
export function connectionStringOptOuts(text: string): TlsOptOut[] {
  if (!/ssl|tls/i.test(text)) return [];
  const out: TlsOptOut[] = [];
  let rest = '';
  let last = 0;
  URL_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = URL_RE.exec(text))) {
    rest += text.slice(last, m.index) + ' ';
    last = m.index + m[0].length;
    const product = productOfScheme(m[1], m[2]);
    if (!product) continue;
    const body = m[3].replace(/#.*$/, '');
    const q = body.indexOf('?');
    const beforeQuery = q === -1 ? body : body.slice(0, q);
    const slash = beforeQuery.indexOf('/');
    const authority = slash === -1 ? beforeQuery : beforeQuery.slice(0, slash);
    const params = q === -1 ? [] : queryParams(body.slice(q + 1));
    const option = optOutParam(product, params);
    if (!option) continue;
    // libpq's `?host=` overrides the authority (`postgres:///app?host=/var/run/postgresql`: a socket).
    const hostParam = product === 'PostgreSQL' ? params.find(([k]) => k.toLowerCase() === 'host') : undefined;
    // An `@` after the authority means a password with an unescaped `/`, `?` or `#` cut it short: what
    // reads as the host may be part of the password, so the host is not known (and never shown).
    const ambiguous = m[3].slice(authority.length).includes('@');
    const hosts = hostParam ? hostParam[1].split(',').map(hostRef).filter((h): h is HostRef => h !== null) : ambiguous ? [{ kind: 'variable' as const }] : authorityHosts(authority);
    out.push({ product, option, hosts });
  }
  rest += text.slice(last);
  out.push(...keyValueOptOuts(rest));
  return out;
}

/**
 * A variable that sets the TLS mode of a connection by itself: libpq's `PGSSLMODE`, or an application's
 * `…_SSLMODE` / `…_SSL_MODE` (Gitea's `GITEA__database__SSL_MODE`, `DB_SSLMODE`) set to libpq's
 * `disable` or MySQL's `DISABLED`. Returns the product and the prefix its host variable shares
 * (`PG` → `PGHOST`, `DB_` → `DB_HOST`), or null.
 */
export function sslModeVariable(name: string, value: string): { product: TlsProduct; option: string; prefix: string } | null {
  const m = /^(.*?)SSL_?MODE$/i.exec(name);
  // The prefix names a database (`PG`, `DB_`, `DATABASE_`, `POSTGRES_`, `MYSQL_`, Gitea's `…__database__`):
  // an LDAP's or a mail server's `…_SSL_MODE` is no database connection.
  if (!m || !DATABASE_PREFIX.test(m[1])) return null;
  const v = value.trim();
  const mysql = /MYSQL|MARIADB/i.test(m[1]);
  if (v.toLowerCase() === 'disable') return { product: mysql ? (/MARIADB/i.test(m[1]) ? 'MariaDB' : 'MySQL') : 'PostgreSQL', option: `${name}=${v}`, prefix: m[1] };
  if (v.toLowerCase() === 'disabled') return { product: /MARIADB/i.test(m[1]) ? 'MariaDB' : 'MySQL', option: `${name}=${v}`, prefix: m[1] };
  return null;
}

const DATABASE_PREFIX = /^PG$|(?:^|_)(?:PG|DB|DATABASE|POSTGRES|POSTGRESQL|PSQL|SQL|MYSQL|MARIADB)_*$/i;

/** The variables that may name the host beside a `…SSLMODE` variable with this prefix (`PGHOST`, `DB_HOST`). */
export function hostVariables(prefix: string): string[] {
  return ['HOST', 'HOSTNAME', 'HOST_NAME', 'ADDR', 'SERVER'].map((s) => prefix + (prefix === '' || prefix.endsWith('_') || /^pg$/i.test(prefix) ? s : `_${s}`));
}

/** One word of a command: the value as the program receives it (null when a variable has no value here), and as written. */
export interface Word {
  value: string | null;
  raw: string;
}

const MYSQL_CLIENTS = /^(?:mysql|mysqldump|mysqladmin|mysqlcheck|mysqlimport|mysqlshow|mysqlslap|mysqlpump|mariadb|mariadb-dump|mariadb-admin|mariadb-check|mariadb-import|mariadb-show|mariadb-slap)$/;
const MYSQL_SERVERS = /^(?:mysqld|mariadbd)$/;

/** MySQL's `--ssl=0` and its synonyms, `--skip-ssl`, `--disable-ssl` (also `--ssl-mode=DISABLED` when `client`). */
function mysqlOptOut(words: readonly Word[], i: number, client: boolean): { option: string; skip: number } | null {
  const w = words[i].value ?? '';
  if (/^--(?:skip|disable)[-_]ssl$/i.test(w)) return { option: w, skip: 0 };
  if (/^--ssl=(?:0|off|false)$/i.test(w)) return { option: w, skip: 0 };
  if (client) {
    if (/^--ssl[-_]mode=disabled$/i.test(w)) return { option: w, skip: 0 };
    if (/^--ssl[-_]mode$/i.test(w) && /^disabled$/i.test(words[i + 1]?.value ?? '')) return { option: `${w} ${words[i + 1].value}`, skip: 1 };
  }
  return null;
}

/** The host a MySQL client program is given (`-h db`, `-hdb`, `--host=db`, `--host db`); without one it connects to the local socket. */
function mysqlClientHost(words: readonly Word[]): HostRef[] {
  for (let i = 1; i < words.length; i++) {
    const w = words[i].value;
    const next = words[i + 1];
    let raw: string | null | undefined;
    if (w === null) continue;
    if (w === '-h' || w === '--host') raw = next ? (next.value ?? '$') : undefined;
    else if (w.startsWith('--host=')) raw = w.slice('--host='.length);
    else if (/^-h./.test(w)) raw = w.slice(2);
    else continue;
    if (raw === undefined || raw === null) return [{ kind: 'variable' }];
    const ref = hostRef(raw);
    return ref ? [ref] : [{ kind: 'variable' }];
  }
  return [{ kind: 'socket' }];
}

export interface CommandOptOut extends TlsOptOut {
  /** The server turns TLS off for every client (not a client's connection). */
  server: boolean;
  /** The index of the word that holds the setting. */
  word: number;
}

/**
 * Opt-outs in the words of one command: connection strings in any word; MySQL's and MariaDB's options
 * given to a client program (`mysql`, `mysqldump`, `mariadb-admin`, … with the host of `-h`) or to the
 * server (`mysqld`, `mariadbd`, or options given to a MySQL/MariaDB image's entrypoint: `server`
 * 'mysql'); PostgreSQL's `-c ssl=off` given to the server (`postgres`, or options given to a postgres
 * image's entrypoint: `server` 'postgres').
 */
export function commandOptOuts(words: readonly Word[], server: 'postgres' | 'mysql' | 'mariadb' | null): CommandOptOut[] {
  const out: CommandOptOut[] = [];
  words.forEach((w, i) => {
    for (const o of connectionStringOptOuts(w.value ?? w.raw)) out.push({ ...o, server: false, word: i });
  });
  const first = words[0]?.value ?? '';
  const program = path.posix.basename(first);
  const byOptions = first.startsWith('-');
  if (MYSQL_CLIENTS.test(program)) {
    const product: TlsProduct = program.startsWith('mariadb') ? 'MariaDB' : 'MySQL';
    for (let i = 1; i < words.length; i++) {
      const o = mysqlOptOut(words, i, true);
      if (!o) continue;
      out.push({ product, option: o.option, hosts: mysqlClientHost(words), server: false, word: i });
      break;
    }
  } else if (MYSQL_SERVERS.test(program) || ((server === 'mysql' || server === 'mariadb') && byOptions)) {
    const product: TlsProduct = program === 'mariadbd' || server === 'mariadb' ? 'MariaDB' : 'MySQL';
    for (let i = byOptions ? 0 : 1; i < words.length; i++) {
      const o = mysqlOptOut(words, i, false);
      if (o) {
        out.push({ product, option: o.option, hosts: [], server: true, word: i });
        break;
      }
    }
  } else if (program === 'postgres' || (server === 'postgres' && byOptions)) {
    for (let i = byOptions ? 0 : 1; i < words.length; i++) {
      const w = words[i].value ?? '';
      let setting: string | null = null;
      if (w === '-c') setting = words[i + 1]?.value ?? null;
      else if (w.startsWith('-c')) setting = w.slice(2);
      else if (w.startsWith('--')) setting = w.slice(2);
      if (setting === null) continue;
      const m = /^ssl\s*=\s*(off|false|no|0)$/i.exec(setting.trim());
      if (m) {
        out.push({ product: 'PostgreSQL', option: w === '-c' ? `-c ${setting.trim()}` : w, hosts: [], server: true, word: i });
        break;
      }
    }
  }
  return out;
}
