/**
 * Credentials written inside a value, whatever the variable's name: a connection string's password (a
 * URL's userinfo or query; a credential-named query parameter, a token as a URL's user), the DSN of Go's MySQL driver, libpq's keyword/value form, Neo4j's
 * `NEO4J_AUTH`), and a credential in a configuration that a variable carries whole (`key: value` lines,
 * a one-line JSON object, a Java system property, a JAAS config, an Azure Storage connection string's
 * `AccountKey=`, GitLab's Ruby settings). DC040 reads Compose `environment:` and `build.args` values with
 * them, DF020 Dockerfile ENV and ARG values: one reading for both. Values are never copied into messages.
 */
import { isCredentialName, isCredentialNameFor, isPathLike, isPlaceholderValue, isTemplatePlaceholder, urlPasswords, urlTokenUsers } from './secrets';
import { tokenKind } from './secret-tokens';

/** Names of settings about a password rather than a password (`MYSQL_ALLOW_EMPTY_PASSWORD`, `MYSQL_RANDOM_ROOT_PASSWORD`). */
export const SETTING_NAME =
  /(?:^|_)(?:NO|ALLOW_EMPTY|RANDOM|ONETIME|SKIP|GENERATE|REQUIRE|DISABLE|ENABLE)(?:_|$)|_(?:SCHEME|REALM|SERVICE|STRATEGY|PROVIDER|BACKEND|MODE|LEVEL|FORMAT|VERSION|SIZE|COUNT|INTERVAL|RETRIES|URL|URI|HOST|PORT|DAYS|HOURS|MINUTES|SECONDS)$/i;

/** A value that is obviously a template placeholder rather than a credential (`<password>`, `***`, `invalid`). */
export function isPlaceholderPassword(value: string): boolean {
  const v = value.trim();
  if (isPlaceholderValue(v)) return true;
  // Mostly x's: `sk-xxxxxxxx`, `xoxb-xxxxxxxxxxx-xxxxxxxx`.
  const alnum = v.replace(/[^A-Za-z0-9]/g, '');
  if (alnum.length >= 3 && (alnum.match(/x/gi)?.length ?? 0) / alnum.length >= 0.6) return true;
  // One character over and over: `YYYYYYYY` (the pair of `XXXX`), `00000000-0000-0000-0000-000000000000`.
  if (alnum.length >= 3 && /^(.)\1*$/i.test(alnum)) return true;
  // Quotes only (`${SECRET:-""}`: Compose keeps them, the value is two quote characters), or a key's bare prefix (`sk-`, `ghp_`).
  if (/^(?:""|'')$/.test(v) || /^(["']?)[a-z]{2,5}[-_]\1$/i.test(v)) return true;
  return /^(?:<[^>]*>|\[[^\]]*\]|\{[^}]*\}|\{\{[^}]*\}\}|\*+|x{3,}|\.\.\.|\u2026|%[sv]|%\([^)]*\)s|invalid|unset|undefined|disabled|placeholder|dummy|empty|none|null)$/i.test(v);
}

/** A credential given as a URL's query parameter: the URL's scheme, the parameter's name as written, the value's offsets in the text. */
export interface QueryCredential {
  scheme: string;
  name: string;
  start: number;
  end: number;
}

/**
 * The credentials given as query parameters of the URLs in a text: a password's name (`?password=`,
 * `jdbc:postgresql://db/app?user=app&password=x`; nocodb's `pg://db:5432?u=app&p=x&d=app`: `p` only beside `u`), or a
 * credential's (isCredentialNameFor, as DF020 and DC040 judge names: MaxMind's `&license_key=`, GitLab's
 * `?private_token=`, OAuth 2.0's `?access_token=` (RFC 6750, section 2.3), `?api_key=`; a generic `key`/`auth` only
 * with a value that looks issued). The values as written (the caller tells a literal from a reference); an empty one
 * is none. DC040 and DF020 read values with it (connectionPasswords), DF022 the words of a RUN (review 56c, L1).
 */
export function urlQueryCredentials(raw: string): QueryCredential[] {
  const out: QueryCredential[] = [];
  if (!raw.includes('?') || !raw.includes('://')) return out;
  const re = /\b([a-z][a-z0-9+.:-]*):\/\/[^\s?#"']*\?([^\s#"']*)/gi;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    const scheme = m[1].toLowerCase();
    const queryStart = m.index + m[0].length - m[2].length;
    const params: { name: string; start: number; end: number }[] = [];
    let at = queryStart;
    for (const part of m[2].split('&')) {
      const eq = part.indexOf('=');
      if (eq > 0) params.push({ name: part.slice(0, eq), start: at + eq + 1, end: at + part.length });
      at += part.length + 1;
    }
    const hasUser = params.some((q) => q.name.toLowerCase() === 'u');
    for (const q of params) {
      if (q.end <= q.start) continue;
      const lower = q.name.toLowerCase();
      if (QUERY_PASSWORD_NAME.test(lower) || (lower === 'p' && hasUser) || isCredentialNameFor(q.name, raw.slice(q.start, q.end))) out.push({ scheme, ...q });
    }
  }
  return out;
}

/** The names of a password as a URL's query parameter. */
const QUERY_PASSWORD_NAME = /^(?:password|passwd|pwd|pass)$/;

/**
 * `user:password@tcp(host)` in a value: the DSN of Go's MySQL driver (go-sql-driver/mysql,
 * `[user[:password]@][protocol[(address)]]/dbname`), with the password's offsets in `raw`.
 */
function goDsnPasswords(raw: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  if (!raw.includes('@') || !raw.includes('(')) return out;
  const re = /(?:^|[\s"'=])[^\s:@/()"'=]+:((?:\$\{[^}]*\}|[^\s@/()])*)@(?:tcp[46]?|udp|unix)\(/g;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    const start = m.index + m[0].indexOf(':') + 1;
    out.push({ start, end: start + m[1].length });
  }
  return out;
}

/**
 * `password=…` in a keyword/value connection string of libpq (`host=db user=app password=x
 * dbname=app`; also read by Go's pgx and lib/pq), with the password's offsets in `raw`: an unquoted
 * value or the text inside single quotes (`password='a b'`), in a string that has another libpq keyword.
 */
function libpqPasswords(raw: string): { start: number; end: number }[] {
  if (!raw.includes('password')) return [];
  if (!/(?:^|\s)(?:host|hostaddr|dbname|user|port|sslmode)\s*=/.test(raw)) return [];
  // libpq: "Spaces around the equal sign are optional. To write an empty value, or a value containing spaces, surround it
  // with single quotes […]. Single quotes and backslashes within a value must be escaped with a backslash" (the value as
  // written between the quotes, escapes included: the text the program reads stays the same when it is moved).
  const m = /(?:^|\s)password\s*=\s*(?:'((?:[^'\\]|\\.)*)'|([^\s'"\\]+))(?=\s|$)/.exec(raw);
  if (!m) return [];
  const value = m[1] ?? m[2];
  const start = m.index + m[0].length - value.length - (m[1] !== undefined ? 1 : 0);
  return [{ start, end: start + value.length }];
}

/**
 * The password of Neo4j's `NEO4J_AUTH=<user>/<password>` (the neo4j image's way to set the initial
 * password: https://hub.docker.com/_/neo4j; `none` turns authentication off and holds no secret).
 */
function neo4jAuthPassword(name: string, raw: string): { start: number; end: number } | undefined {
  // Asked of every variable: the name's length first, then a copy in upper case. Upper-casing never makes a text
  // shorter, and a shorter one longer only where `ß` or a ligature becomes `SS`, `FF`…, which this name does not hold.
  if (name.length !== 10 || name.toUpperCase() !== 'NEO4J_AUTH') return undefined;
  const slash = raw.indexOf('/');
  if (slash <= 0 || slash === raw.length - 1 || /\s/.test(raw)) return undefined;
  return { start: slash + 1, end: raw.length };
}

/**
 * A credential written into a configuration that a variable carries whole, one `key: value` or
 * `key=value` per line (Kestra's `KESTRA_CONFIGURATION: |` with `password: k3str4`): the first line
 * whose key names a credential (`password`, `spring.datasource.password`) with a literal value (not a
 * `${…}`, a placeholder or a path).
 */
export function embeddedCredential(text: string): CarriedCredentials | null {
  const settings: [string, string][] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(?:-\s+)?([A-Za-z_][\w.-]*)\s*[:=]\s*(["']?)([^\s"'#]+)\2\s*(?:#.*)?$/.exec(line);
    if (m) settings.push([m[1], m[3]]);
  }
  return carriedCredentials(settings);
}

/**
 * Ruby settings of the form `name['key'] = 'value'` (also `name['a']['b'] = "value"`), one per line or
 * separated by `;`, as GitLab's Omnibus image reads them from `GITLAB_OMNIBUS_CONFIG`
 * (`gitlab_rails['initial_root_password'] = '…'`, `gitlab_rails['smtp_password'] = "…"`): the last bracketed key
 * with a quoted Ruby string. Not a value that is code (`ENV['DB_PASSWORD']`, `File.read(…)`), nor a double-quoted
 * string that interpolates (`"#{…}"`), nor one written with escapes (review 43c, item 7).
 */
export function rubySettings(text: string): [string, string][] {
  if (!text.includes('[') || !text.includes('=')) return [];
  const out: [string, string][] = [];
  const re = /(?:^|[\s;])[a-z_][a-z0-9_]*((?:\[(['"])[A-Za-z0-9_.-]+\2\])+)[ \t]*=[ \t]*(?:'([^'\\\n]*)'|"([^"\\\n]*)")(?=[ \t]*(?:;|#|$))/gm;
  for (const m of text.matchAll(re)) {
    const keys = [...m[1].matchAll(/\[(['"])([^'"]+)\1\]/g)];
    const value = m[3] ?? m[4];
    if (m[4] !== undefined && m[4].includes('#{')) continue;
    out.push([keys[keys.length - 1][2], value]);
  }
  return out;
}

/** Two readings of one configuration: the first credential found is reported, all are masked. */
export function mergeCarried(a: CarriedCredentials | null, b: CarriedCredentials | null): CarriedCredentials | null {
  if (!a || !b) return a ?? b;
  const others = [...a.others, b.value, ...b.others].filter((v, i, all) => v !== a.value && all.indexOf(v) === i);
  return { key: a.key, value: a.value, others };
}

/** The credentials of a carried configuration: the first is reported, the others are kept for output that must mask them (Rule.secrets). */
export interface CarriedCredentials {
  key: string;
  value: string;
  others: string[];
}

/**
 * The settings of a carried configuration that hold a credential: a key that names one (isCredentialKey:
 * not a setting about one, such as `password_reset_url`) with a literal value (not a `${…}`, a setting
 * word, a placeholder, a path or a URL).
 */
export function carriedCredentials(settings: Iterable<[string, string]>): CarriedCredentials | null {
  let found: CarriedCredentials | null = null;
  for (const [key, value] of settings) {
    if (!isCredentialKey(key) || NOT_A_CREDENTIAL_VALUE.test(value)) continue;
    // A path names where the secret is; a base64 key that starts with `/` is the key (isPathLike).
    if (value.includes('$') || isPlaceholderPassword(value) || isPathLike(value) || /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) continue;
    if (found) found.others.push(value);
    else found = { key, value, others: [] };
  }
  return found;
}

/**
 * The same in a configuration written on one line: a Kafka JAAS config (`… username="admin"
 * password="admin-secret";`), a Java system property (`-Dspring.datasource.password=…`), a JSON
 * object (`{"spring.datasource.password":"…"}`) or one `key=value` (review 6, probe dc-06).
 */
function oneLineCredential(text: string): CarriedCredentials | null {
  // Most values name no credential at all: one cheap test before the scan.
  if (!/pass|pwd|secret|token|key|credential/i.test(text) || !/[:=]/.test(text)) return null;
  const pairs: [string, string][] = [];
  const re = /(?<=^|[\s;,{(])(?:-D)?(["']?)([A-Za-z_][\w.-]*)\1\s*[:=]\s*(?:"([^"\s$]+)"|'([^'\s$]+)'|([^\s"';,}$]+))/g;
  // Interpolations are not configuration (`${API_KEY:-invalid}` is not `API_KEY: -invalid`), nor values:
  // replaced by `$`, which no key or value takes.
  const code = text.replace(/\$\{[^}]*\}?/g, (x) => '$'.repeat(x.length));
  // A configuration, not a hint (`password=see-the-wiki`): two settings or more, a JSON object, a
  // system property, or a dotted key.
  const settings = code.match(/[A-Za-z_][\w.-]*["']?\s*[:=]/g)?.length ?? 0;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    if (settings < 2 && !code.trimStart().startsWith('{') && !m[0].includes('-D') && !m[2].includes('.')) continue;
    pairs.push([m[2], m[3] ?? m[4] ?? m[5]]);
  }
  return carriedCredentials(pairs);
}

/**
 * Whether a key of a carried configuration names a credential: its last dotted part ends with a
 * credential word (`spring.datasource.password`, `keyStorePassword`, JAAS `password`), and is not a
 * setting about one (`keycloak.profile.feature.token_exchange`, `password_encryption`,
 * `quarkus.datasource.password.source`, `secret_rotation`: review 7, probe 08).
 */
function isCredentialKey(key: string): boolean {
  const name = key.slice(key.lastIndexOf('.') + 1).replace(/-/g, '_');
  // Azure Storage's `AccountKey=` (a connection string's Shared Key: review 43c, item 4), as Service Bus's `SharedAccessKey=`.
  if (!/(?:password|passwd|passphrase|pwd|secret|token|api_?key|private_?key|access_?key|account_?key|credentials?)$/i.test(name)) return false;
  return isCredentialName(name) && !SETTING_NAME.test(name) && !/_(?:ENCODER|FIELD|STRENGTH|ENDPOINT)$/i.test(name);
}

/** Values a configuration gives a credential key that are no credential: a stand-in (`redacted`) or a setting word. */
const NOT_A_CREDENTIAL_VALUE = /^(?:redacted|hidden|masked|secret|password|token|enabled|disabled|required|optional|file|vault|env|none|null)$/i;

/** A password inside a connection string of a value, with its offsets in the value and the form that holds it. */
export interface ConnectionPassword {
  start: number;
  end: number;
  /**
   * `url`: `scheme://user:password@`; `query`: a credential as a URL's query parameter (`?password=`, `&license_key=`);
   * `user`: a token as a URL's user with no password (`https://<token>@github.com/`); `go-dsn`: `user:password@tcp(…)`;
   * `libpq`: `password=` beside other keywords; `neo4j`: `NEO4J_AUTH=user/password`.
   */
  form: 'url' | 'query' | 'user' | 'go-dsn' | 'libpq' | 'neo4j';
  /** For `query`: the parameter's name as written (`license_key`), which messages may show. */
  parameter?: string;
}

/**
 * The passwords of the connection strings in a variable's value, in the order DC040 has always read
 * them (Neo4j's `NEO4J_AUTH`, a URL's userinfo, its query, Go's MySQL DSN, libpq's keyword/value form),
 * then a token written as a URL's user (urlTokenUsers).
 * The passwords are as written: the caller tells a literal from a reference in its own file's syntax.
 */
export function connectionPasswords(name: string, raw: string): ConnectionPassword[] {
  const neo4j = neo4jAuthPassword(name, raw);
  // Each reader needs one of these in the value (most values have none: no list is built).
  if (neo4j === undefined && !raw.includes('@') && !raw.includes('?') && !raw.includes('password')) return [];
  const tag = (form: ConnectionPassword['form']) => (p: { start: number; end: number }): ConnectionPassword => ({ start: p.start, end: p.end, form });
  return [
    ...(neo4j ? [tag('neo4j')(neo4j)] : []),
    ...urlPasswords(raw).map(tag('url')),
    ...urlQueryCredentials(raw).map((q): ConnectionPassword => ({ start: q.start, end: q.end, form: 'query', parameter: q.name })),
    ...goDsnPasswords(raw).map(tag('go-dsn')),
    ...libpqPasswords(raw).map(tag('libpq')),
    ...urlTokenUsers(raw).map(tag('user')),
  ];
}

/**
 * A credential in a configuration that a variable carries whole: `key: value`/`key=value` lines when
 * the value has several lines, else one line's settings (oneLineCredential), and GitLab's Ruby settings
 * either way (`GITLAB_OMNIBUS_CONFIG`, review 43c, item 7).
 */
export function carriedConfigCredential(raw: string): CarriedCredentials | null {
  return mergeCarried(raw.includes('\n') ? embeddedCredential(raw) : oneLineCredential(raw), carriedCredentials(rubySettings(raw)));
}

/**
 * Whether a variable written literally (an env file's `NAME=value`) holds a credential, by its name or by its value, as DF020
 * and DC040 read one: a credential's name, or a generic `*_KEY`/`*_AUTH` name whose value looks issued (isCredentialNameFor),
 * with a value that is no placeholder and no reference; a value of a known token format under any name (tokenKind: `ghp_…`,
 * `sk_live_…`); a connection string with a literal password (connectionPasswords: not a `${…}`, a placeholder or a
 * template's stand-in); or a configuration carried whole with a credential in it (carriedConfigCredential). DR001 and
 * DR002 judge env files with it (whether, never which: no value leaves).
 */
export function holdsCredential(name: string, value: string): boolean {
  if (value === '') return false;
  if (isCredentialNameFor(name, value) && !isPlaceholderValue(value) && !value.includes('$')) return true;
  if (value.includes('`')) return false;
  if (!value.includes('$') && tokenKind(value) !== undefined) return true;
  for (const p of connectionPasswords(name, value)) {
    const pw = value.slice(p.start, p.end);
    if (pw !== '' && !pw.includes('$') && !isPlaceholderPassword(pw) && !isTemplatePlaceholder(pw)) return true;
  }
  return carriedConfigCredential(value) !== null;
}
