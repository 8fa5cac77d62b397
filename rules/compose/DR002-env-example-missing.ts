import * as path from 'node:path';
import { envFileUses, exampleCandidates, isDotenvName, isTemplateEnvName, repositoryRootOf } from '../engine/env-files';
import { applyTextEdits } from '../engine/edits';
import { gitTracking, hasFolder, isGitIgnored } from '../engine/repo';
import { defineRule } from '../engine/rule';
import type { FileChange, Fix, Range, WorkspaceView } from '../engine/types';
import { appendLineEdit } from '../engine/yaml-edit';
import { gitignoreEscape, holdsSecrets } from './DR001-env-not-gitignored';
import { isCredentialName } from '../engine/secrets';
import { isScalar, type ComposeContext } from '../engine/compose';
import { composeDotenv, dotenvStatements, dotenvValues } from '../engine/interpolate';
import { includesOf } from '../engine/include';
import { parsedCompose } from '../engine/relations';
import { isMap, isSeq } from '../engine/yaml-guards';
import type { Node } from 'yaml';

interface Data {
  path: string;
  display: string;
  /** The variable names of the env file, in order (names only, never values). */
  keys: string[];
  eol: '\n' | '\r\n';
  /** Git would ignore the template beside it, and no `.gitignore` line in its folder can re-include it (an ignored folder). */
  templateFolderIgnored?: true;
  /**
   * A template that exists beside it but that git ignores and does not track, so it can never be committed
   * (`.env*` in `.gitignore`; review 46b, finding 3): its name. The fix re-includes it in `.gitignore`.
   */
  ignoredTemplate?: string;
}

/**
 * Whether a template file counts: it exists and can be committed — git does not ignore it, or already
 * tracks it (a tracked file stays in every commit), or the index cannot be read whole (benefit of the doubt).
 */
function committableTemplate(ws: WorkspaceView, p: string): boolean {
  if (!ws.exists(p)) return false;
  if (!isGitIgnored(ws, p)) return true;
  const tracking = gitTracking(ws, p);
  if (tracking === 'tracked' || tracking === 'unknown') return true;
  // No index to read: a template in an ignored folder, which no `.gitignore` line can re-include, is taken as added
  // with `git add -f`, as the finding that creates it asks; one that a line could re-include does not count.
  return tracking === undefined && templateUnignore(ws, p)?.change === null;
}

function isUnder(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * The value a template keeps for a variable, judged by its name and value alone (templateEntries adds
 * what the compose file and the rest of the env file say). Conservative by construction, as the fix is
 * applied by fix-all and writes a file meant for commit (review 40a): a value is copied only when the
 * name is not a credential's (isCredentialName, mayHoldSecret) and the value has a shape from an
 * allowlist of harmless settings (harmlessValue); anything else — and a value over several lines — is
 * left empty. Under a name that may hold a secret only a boolean is kept (`COOKIE_SECURE=true`).
 * `usedAsImage`: a service's `image:` interpolates the variable, which keeps an image reference or a
 * part of one made of plain words, versions and a digest (`ghcr.io/acme/app`, `1.4.2`, `neo4j:5.20`,
 * `…@sha256:…`; review 19 probe 06, review 20 probe 04). `composeNames`: the compose file's service,
 * volume and network names, which are host names and plain words there.
 */
export function templateValue(name: string, value: string, usedAsImage = false, composeNames: ReadonlySet<string> = NO_NAMES): string {
  if (value === '' || /[\r\n]/.test(value) || isCredentialName(name)) return '';
  if (usedAsImage) return imagePart(value) ? value : '';
  if (mayHoldSecret(name)) return BOOLEAN_RE.test(value) ? value : '';
  return harmlessValue(name, value, composeNames) ? value : '';
}

const NO_NAMES: ReadonlySet<string> = new Set();

/**
 * Whether a variable's name says it may hold a secret, beyond isCredentialName (review 39: templates
 * copied `SESSION_KEY`, `COOKIE_SALT`, WordPress' `NONCE_KEY`/`LOGGED_IN_SALT`, `REDIS_AUTH`,
 * `ADMIN_PIN=4839`, `PASSCODE`, `ACCESS_CODE`, `UNLOCK_PHRASE`, `WEBHOOK_KEY`, `JWT`, `TOTP`, `OTP_SEED`;
 * review 40a: `LDAP_BINDPW`, `PSK`, `WG_PSK`, `STRIPE_SK`, `RECOVERY`, `UNLOCK`, `LICENSE`, `TUNNEL`,
 * `ACCESS`, `ENC`, `WEBHOOK`): a word of a key, salt, nonce, login, PIN or code, pass phrase, seed,
 * one-time password, token, session, cookie, signature, certificate, password (`PW`, `PWD`, `PASSWD`),
 * pre-shared or secret key (`PSK`, `SK`), recovery or unlock code, licence, tunnel, webhook or private
 * material in it (not a country's, language's or status's CODE), or a name that ends in KEY, PW, PWD
 * or PSK or holds PASS glued to other words (`APPKEY`, `LDAP_BINDPW`, `ADMINPASSCODE`). Stricter than
 * isCredentialName, which other rules share (what they report): a template only loses a value it did
 * not need. Not a name that ends in a setting about such a thing (`SESSION_LIFETIME`, `COOKIE_SECURE`,
 * `JWT_ISSUER`, `AUTH_PROVIDER`, `SESSION_DRIVER`) — except a webhook's (`SLACK_WEBHOOK_URL` is the
 * secret).
 */
export function mayHoldSecret(name: string): boolean {
  if (ALWAYS_SECRET_WORD.test(name)) return true;
  if (SETTING_SUFFIX.test(name)) return false;
  return SECRET_WORD.test(name) || LAST_SECRET_WORD.test(name) || /KEY$|PASS|[^_.-](?:PW|PWD|PSK)$/i.test(name);
}

const ALWAYS_SECRET_WORD = /(?:^|[_.-])WEBHOOKS?(?:[_.-]|$)/i;
const SECRET_WORD =
  /(?:^|[_.-])(?:KEYS?|SALTS?|NONCES?|PEPPER|AUTH|PINS?|(?<!(?:COUNTRY|LANG|LANGUAGE|LOCALE|CURRENCY|REGION|ZIP|POSTAL|AREA|EXIT|STATUS|ERROR|RESPONSE|HTTP|ISO|SOURCE)[_.-])CODES?|PASSCODE|PASSKEY|PHRASE|PASSPHRASE|SEEDS?|JWT|JWS|JWE|OTP|TOTP|HOTP|MFA|2FA|COOKIES?|SESSIONS?|SIGN|SIGNING|SIGNATURE|SIG|CERTS?|CERTIFICATES?|PRIVATE|PRIV|CREDS?|CREDENTIALS?|HMAC|HASH|CIPHER|CRYPT|ENCRYPT|ENCRYPTION|ENC|IV|BEARER|LOGIN|BASIC|USERPASS|DSN|PW|PWD|PASSWD|PSK|SK)(?:[_.-]|$)/i;
/** Words that name a secret as the name's last word (`RECOVERY`, `CF_TUNNEL`, `LICENSE`), not as its first (`ACCESS_LOG`). */
const LAST_SECRET_WORD = /(?:^|[_.-])(?:RECOVERY|UNLOCK|LICEN[CS]E|TUNNEL|ACCESS|ENC)$/i;
/** A setting about a secret rather than the secret (`SESSION_LIFETIME`, `COOKIE_SAMESITE`, `AUTH_PROVIDER`, `PRIVATE_KEY_PATH`). */
const SETTING_SUFFIX =
  /[_.-](?:TIMEOUT|TTL|LIFETIME|EXPIRY|EXPIRE|EXPIRES|EXPIRATION|EXPIRES_IN|MAX_AGE|AGE|SECONDS|SECS|MINUTES|MINS|HOURS|DAYS|LENGTH|SIZE|LIMIT|COUNT|ROUNDS|ENABLED|DISABLED|REQUIRED|SECURE|HTTPONLY|HTTP_ONLY|SAMESITE|SAME_SITE|DOMAIN|PATH|DIR|FILE|NAME|DRIVER|STORE|BACKEND|ENGINE|TYPE|MODE|METHOD|ALGORITHM|ALG|ISSUER|AUDIENCE|HEADER|PREFIX|HOST|HOSTNAME|PORT|URL|URI|ENDPOINT|PROVIDER|LEVEL|FORMAT|VERSION|STRATEGY)$/i;
const BOOLEAN_RE = /^(?:true|false|yes|no|on|off|0|1)$/i;

/** A protocol's name (`https`, `smtp`, `tcp`): words without a vowel. */
const PROTOCOL = /^(?:https?|smtps?|tcp|udp|tls|ssl|starttls|grpc|mqtts?|wss?|s?ftp|sftp|ldaps?|nfs|dns|http2|h2c?|imaps?|pop3s?)$/;
const LOG_LEVEL = /^(?:trace|debug|info|notice|warn|warning|error|err|fatal|crit|critical|alert|emerg|panic|verbose|silly|silent|quiet|off|all|none)$/i;
const ENVIRONMENT = /^(?:production|development|staging|stage|test|testing|local|dev|prod|qa|ci|preview|sandbox|demo)$/i;
const TIME_ZONE = /^(?:UTC|GMT|Etc\/(?:UTC|GMT(?:[+-]\d{1,2})?)|(?:Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific)\/[A-Z][A-Za-z_-]{1,30}(?:\/[A-Z][A-Za-z_-]{1,30})?)$/;
const LOCALE = /^(?:[a-z]{2,3}(?:[_-][A-Za-z]{2})?(?:\.(?:UTF-8|utf-8|UTF8|utf8))?|C\.UTF-8|C\.utf8|POSIX)$/;
/** A duration or a size: `30s`, `1h30m`, `512m`, `1g`, `10MB`. */
const DURATION_OR_SIZE = /^(?:\d{1,6}(?:\.\d{1,3})?(?:ns|us|ms|s|sec|secs|m|min|mins|h|d|w|y|b|k|kb|kib|mb|mib|g|gb|gib|t|tb|tib)|(?:\d{1,4}(?:h|m|s|ms))+)$/i;
/** `${NAME}` alone: a reference to another variable, which the template keeps as a reference. */
const REFERENCE = /^\$(?:\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)$/;
/** A variable whose name ends in a host and port (`REDIS_ADDR`, `SMTP_SERVER`, `KAFKA_BROKERS`, `ZOOKEEPER_CONNECT`, `LISTEN`). */
const ADDRESS_NAME = /(?:^|_)(?:HOST|HOSTNAME|ADDR|ADDRESS|SERVERS?|ENDPOINT|LISTEN|BIND|BROKERS?|NODES?|PEERS?|UPSTREAM|BACKEND|PROXY|CONNECT)$/i;
/** A variable whose name ends in an image (`SENTRY_IMAGE`, `APP_IMG`). */
const IMAGE_NAME = /(?:^|_)(?:IMAGE|IMG)$/i;
/** A word of a login in a name that is not a credential's to isCredentialName (`PROXY_AUTH`, `REGISTRY_CREDS`, `SMTP_LOGIN`, `USERPASS`). */
const LOGIN_WORD = /(?:^|_)(?:AUTH|CREDS?|CREDENTIALS?|LOGIN|USERPASS|USER_PASS|BASIC)(?:_|$)/i;

/**
 * Whether a value has a shape from the allowlist of harmless settings: a boolean (`true`, `off`, `0`,
 * `1`), a small integer (a port, a count: at most 65535) or decimal (`0.5`), a duration or size
 * (`30s`, `512m`, `1g`), a log level, an environment's name (`production`, `dev`), a time zone (`UTC`,
 * `Europe/Paris`), a locale (`en_US.UTF-8`), an IPv4 address, a host name (with a dot and a top-level
 * domain, `localhost`, or a service of the compose file) with a port, a URL of such a host without
 * user information, query or fragment whose path is plain words, an absolute path of plain words, a
 * reference to another variable (`${APP_NAME}`), an image reference where the name ends in IMAGE/IMG,
 * or a plain word: lower case letters that can be pronounced (a vowel, no run of more than four
 * consonants, at most 12 letters a part; `shop`, `postgres`, `mastodon_production`, not
 * `qkzjvwpmtrlbnhgxdf`), a capitalized one (`Laravel`), a name of the compose file, or at most three
 * letters (`db`, `DE`). A word and a port (`redis:6379`) only where the name ends in an address word and
 * has no login word in it, since `user:password` has that shape (`AUTH=admin:…`; review 17 probe dc-01,
 * review 18 probe 05).
 */
export function harmlessValue(name: string, value: string, composeNames: ReadonlySet<string> = NO_NAMES): boolean {
  if (value.length > 200) return false;
  if (BOOLEAN_RE.test(value) || smallInteger(value) || /^(?:0|[1-9]\d{0,2})\.\d{1,3}$/.test(value)) return true;
  if (DURATION_OR_SIZE.test(value) || LOG_LEVEL.test(value) || ENVIRONMENT.test(value) || TIME_ZONE.test(value) || LOCALE.test(value)) return true;
  if (REFERENCE.test(value) || composeNames.has(value) || plainWord(value)) return true;
  if (/^\/[\w./-]*$/.test(value)) return value.split('/').every((seg) => seg === '' || seg === '.' || seg === '..' || plainWords(seg));
  const hostPort = /^([^:/@?#\s]+)(?::(\d{1,5}))?$/.exec(value);
  if (hostPort && (hostPort[2] === undefined || smallInteger(hostPort[2]))) {
    if (hostName(hostPort[1], composeNames)) return true;
    if (hostPort[2] !== undefined && ADDRESS_NAME.test(name) && !LOGIN_WORD.test(name) && plainWords(hostPort[1])) return true;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return harmlessUrl(value, composeNames);
  if (IMAGE_NAME.test(name) && !LOGIN_WORD.test(name)) return imagePart(value) && imageReference(value);
  return false;
}

function smallInteger(v: string): boolean {
  return /^(?:0|[1-9]\d{0,4})$/.test(v) && Number(v) <= 65535;
}

/** A lower case word that can be pronounced (`shop`, `postgres`, `myapp`), at most 12 letters, optionally two digits after it (`redis7`); any word of up to three letters (`db`). */
function pronounceable(word: string): boolean {
  const m = /^([a-z]+)(\d{0,2})$/.exec(word);
  if (!m) return false;
  const letters = m[1];
  if (letters.length <= 3) return true;
  if (letters.length > 12 || !/[aeiouy]/.test(letters)) return false;
  if (/[^aeiouy]{5,}/.test(letters)) return false;
  return (letters.match(/[aeiouy]/g) ?? []).length / letters.length >= 0.2;
}

/** A plain word: pronounceable parts joined by `_` or `-` (`mastodon_production`, `my-app`), at most four; a capitalized word (`Laravel`, `Europe`); up to three letters in any case (`DE`, `USD`). */
function plainWord(value: string): boolean {
  if (/^[A-Za-z]{1,3}$/.test(value)) return true;
  if (/^[A-Z][a-z]{1,11}$/.test(value)) return pronounceable(value.toLowerCase());
  const parts = value.split(/[_-]/);
  return parts.length <= 4 && parts.some((p) => !/^\d+$/.test(p)) && parts.every((p) => pronounceable(p) || PROTOCOL.test(p) || (/^\d{1,2}$/.test(p) && parts.length > 1));
}

/** Plain words joined by `.`, `_` or `-`, or small numbers (a segment of a path, a host label, an image's name or tag). */
function plainWords(value: string): boolean {
  const parts = value.split(/[._-]/);
  return parts.length <= 8 && parts.every((p) => p !== '' && (smallInteger(p) || pronounceable(p) || /^[A-Z][a-z]{1,11}$/.test(p) && pronounceable(p.toLowerCase()) || /^v\d{1,3}$/.test(p)));
}

/** A host name: an IPv4 address, `localhost`, a name of the compose file, or lower case labels with a dot and a top-level domain that is a word (`mail.example.com`, `db.internal`). */
function hostName(host: string, composeNames: ReadonlySet<string>): boolean {
  if (host === 'localhost' || composeNames.has(host)) return true;
  const ip = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (ip) return ip.slice(1).every((o) => Number(o) <= 255);
  if (host.length > 253 || !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/.test(host)) return false;
  const tld = host.slice(host.lastIndexOf('.') + 1);
  return /^[a-z]{2,3}$/.test(tld) || pronounceable(tld);
}

/** A URL with a harmless host (hostName), no user information, query or fragment, and a path of plain words (`http://localhost`, `https://api.example.com/v1`, `redis://redis:6379/0`). */
function harmlessUrl(value: string, composeNames: ReadonlySet<string>): boolean {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#@\s]+?)(?::(\d{1,5}))?(\/[^?#@\s]*)?$/i.exec(value);
  if (!m || (m[2] !== undefined && !smallInteger(m[2]))) return false;
  if (!hostName(m[1], composeNames)) return false;
  return (m[3] ?? '').split('/').every((seg) => seg === '' || plainWords(seg));
}

/** An image reference, or a part of one, made of plain words, versions and a digest (`getsentry/snuba:25.1.0`, `nginx:stable-alpine`, `neo4j:5.20`, `1.4.2`, `…@sha256:<hex>`); not a random-looking tag (`8f14e45fceea…`). */
function imagePart(value: string): boolean {
  if (!/^[A-Za-z0-9][\w./:@-]{0,199}$/.test(value)) return false;
  const at = value.indexOf('@');
  if (at !== -1 && !/^sha256:[0-9a-f]{64}$/.test(value.slice(at + 1))) return false;
  const ref = at === -1 ? value : value.slice(0, at);
  if (ref === '') return false;
  return ref.split(/[/:]/).every((seg) => seg !== '' && (hostName(seg, NO_NAMES) || seg.split(/[._-]/).every((p) => p !== '' && (/^\d{1,8}$/.test(p) || alnumWord(p)))));
}

/** A whole image reference (`name:tag`, `registry/name`), not only a tag. */
function imageReference(value: string): boolean {
  return /^[a-z0-9]/.test(value) && /[/:]/.test(value);
}

/** A word with at most three digits in it (`neo4j`, `jc21`, `k8s`, `alpine3`), its letters pronounceable. */
function alnumWord(p: string): boolean {
  if (/^[a-z]+$/.test(p)) return pronounceable(p);
  if (/^[A-Za-z]+$/.test(p)) return /^[A-Z]?[a-z]+$/.test(p) && pronounceable(p.toLowerCase());
  if (!/^[a-z0-9]+$/.test(p)) return false;
  const digits = p.replace(/[a-z]/g, '');
  const letters = p.replace(/\d/g, '');
  return digits.length <= 3 && letters.length <= 12 && (letters.length <= 3 || pronounceable(letters));
}

/**
 * Whether a statement's key reads like a token rather than a variable's name — a line of a pasted key
 * or certificate that happens to hold a `=` (`MIIEowIBAAKCAQEA…=`), a token with `=` after it: a part
 * (between `_`, `.`, `-`) of 16 characters or more that is not all upper or all lower case letters, or
 * of more than 32. The template writes no line for it: its name would be the secret (review 40a, item 6).
 */
export function tokenLikeName(key: string): boolean {
  return key.split(/[_.\-[\]]/).some((p) => p.length > 32 || (p.length >= 16 && !/^(?:[A-Z]+|[a-z]+)$/.test(p)));
}

/** What a compose file tells the template: the variables it passes into a credential, those its `image:` interpolates, and its names. */
export interface ComposeFacts {
  /** Variables a compose file passes into a credential-named key or option, or into a connection string (`MYSQL_ROOT_PASSWORD: ${DBROOT}`, `postgres://app:${PW}@${DB_HOST}/app`). */
  secretFed: ReadonlySet<string>;
  /** Variables a service's `image:` interpolates (`image: ${APP_REF}`). */
  images: ReadonlySet<string>;
  /** Service, volume and network names. */
  names: ReadonlySet<string>;
}

/**
 * The template of an env file: one line per variable it defines (its last value), in the order of
 * their first definition. A key named alone (`KEY`, `sk-proj-…`, `AKIA…`: a pasted token is one) and a
 * token-like key (tokenLikeName) get no line. A value is copied only when templateValue keeps it, no
 * compose file passes the variable into a credential (`MYSQL_ROOT_PASSWORD: ${DBROOT}`), and it
 * equals no value the template leaves empty, nor is named in one (`DB_USER` with the password's value,
 * `PW=${DB_USER}`; review 40a, items 3 and 4). Everything else is `NAME=`.
 */
export function templateEntries(text: string, facts: ComposeFacts): { key: string; value: string }[] {
  const values = new Map<string, string>();
  for (const s of dotenvStatements(text)) if (!s.bare && !tokenLikeName(s.key)) values.set(s.key, s.multiline ? '\n' : s.value);
  const interpolated = dotenvValues(text, composeDotenv(text));
  const kept = new Map<string, string>();
  for (const [k, v] of values) {
    const t = facts.secretFed.has(k) ? '' : templateValue(k, v, facts.images.has(k), facts.names);
    if (t !== '') kept.set(k, t);
  }
  // A value equal to one left empty (or named in one) is left empty too, until nothing changes.
  for (let changed = true; changed; ) {
    changed = false;
    const hidden = new Set<string>();
    const named = new Set<string>();
    for (const [k, v] of values) {
      if (kept.has(k) || v === '') continue;
      hidden.add(v);
      const i = interpolated.get(k);
      if (i) hidden.add(i);
      for (const m of v.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) named.add(m[1]);
    }
    for (const [k, v] of kept) {
      if (hidden.has(v) || hidden.has(values.get(k)!) || named.has(k)) {
        kept.delete(k);
        changed = true;
      }
    }
  }
  return [...values.keys()].map((key) => ({ key, value: kept.get(key) ?? '' }));
}

/** The names of the variables a template of `text` lists (templateEntries). */
export function templateKeys(text: string): string[] {
  return [...new Set(dotenvStatements(text).filter((s) => !s.bare && !tokenLikeName(s.key)).map((s) => s.key))];
}

/** A mapping key, option or assignment that names a credential (`MYSQL_ROOT_PASSWORD`, `--requirepass`, `password=`). */
function credentialKey(key: string): boolean {
  return isCredentialName(key) || mayHoldSecret(key) || /pass(?:w|phrase|$|[_.-])|requirepass|masterauth|secret|token|basicauth|credential|private|api_?key/i.test(key);
}

/** Each variable a string interpolates (nested defaults too), with the offsets of its `$` and past its use (`$$` is a literal `$`). */
function* variableUses(s: string): Generator<{ name: string; start: number; end: number }> {
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '$') continue;
    if (s[i + 1] === '$') {
      i++;
      continue;
    }
    const m = /^\{?([A-Za-z_][A-Za-z0-9_]*)/.exec(s.slice(i + 1, i + 130));
    if (!m) continue;
    // Past the closing brace of `${NAME…}` (a default may nest braces), else past the name.
    let end = i + 1 + m[0].length;
    if (m[0].startsWith('{')) for (let depth = 1; end < s.length && depth > 0; end++) depth += s[end] === '{' ? 1 : s[end] === '}' ? -1 : 0;
    yield { name: m[1], start: i, end };
  }
}

/**
 * Whether a use of a variable in a string hands it to a credential: after a credential-named
 * assignment or option (`MYSQL_ROOT_PASSWORD=${X}`, `--password ${X}`, `-p${X}`, `Password=${X};`),
 * or in a URL's user information (`postgres://app:${X}@db`, `https://${X}@github.com`). `before` ends
 * where the use starts (with the previous item of a list before it: `["--requirepass", "${X}"]`).
 */
function feedsCredential(text: string, after: string): boolean {
  // The default of a use is handed where the use is (`PW=${A:-${B}}`).
  const before = text.replace(/(?:\$\{[A-Za-z_][A-Za-z0-9_]*:?[-+?=])+$/, '');
  const assigned = /([\p{L}\p{N}_.-]+)["']?\s*[=:]\s*["']?$/u.exec(before);
  if (assigned && credentialKey(assigned[1])) return true;
  const option = /(?:^|\s)--?([A-Za-z][\w-]*)(?:=|\s+)["']?$/.exec(before);
  if (option && credentialKey(option[1])) return true;
  if (/(?:^|\s)-p$/.test(before)) return true;
  // User information: up to an `@` before the host's end.
  if (/^[^\s/@]*@/.test(after) && !/@[^\s/]*$/.test(before)) {
    const scheme = before.lastIndexOf('://');
    if (scheme === -1 || !/[/\s]/.test(before.slice(scheme + 3))) return true;
  }
  return false;
}

/** A connection string: a URL with user information (`postgres://app:${PW}@db/app`), or key=value pairs with a password (`Server=db;Password=${PW}`). */
const CONNECTION_STRING = /:\/\/[^\s/]*@|(?:^|[;\s?&])(?:password|passwd|pwd|pass)\s*=/i;
const RESOURCE_SECTIONS = new Set(['services', 'volumes', 'networks', 'configs', 'secrets']);

/** The compose facts of one parsed compose file (ComposeFacts). */
function composeFacts(ctx: ComposeContext): ComposeFacts {
  return ctx.memo(ctx, 'DR002.composeFacts', () => {
    const secretFed = new Set<string>();
    const names = new Set<string>();
    for (const service of ctx.services) names.add(service.name);
    for (const doc of ctx.documents) {
      const root = ctx.resolve(doc, doc.contents as Node | null);
      if (!root || !isMap(root)) continue;
      for (const top of ['volumes', 'networks']) {
        const m = ctx.resolve(doc, ctx.get(doc, root, top)?.value as Node | null);
        if (m && isMap(m)) for (const item of m.items) if (isScalar(item.key)) names.add(String(item.key.value));
      }
      // `secrets: { db_pw: { environment: DB_PW } }`: the variable is the secret.
      const secrets = ctx.resolve(doc, ctx.get(doc, root, 'secrets')?.value as Node | null);
      if (secrets && isMap(secrets))
        for (const item of secrets.items) {
          const def = ctx.resolve(doc, item.value as Node | null);
          const env = def && isMap(def) ? ctx.get(doc, def, 'environment')?.value : undefined;
          if (isScalar(env) && typeof env.value === 'string') secretFed.add(env.value);
        }
      const onPath = new Set<Node>();
      const walk = (node: Node | null, credential: boolean, previous: string): void => {
        const n = ctx.resolve(doc, node);
        if (!n || onPath.has(n)) return;
        if (isScalar(n)) {
          if (typeof n.value !== 'string' || !n.value.includes('$')) return;
          const s = n.value;
          // A connection string (a URL with user information, a DSN with a password) hands every part it interpolates to a login.
          const connection = credential || CONNECTION_STRING.test(s);
          for (const use of variableUses(s)) if (connection || feedsCredential(previous + s.slice(0, use.start), s.slice(use.end))) secretFed.add(use.name);
          return;
        }
        onPath.add(n);
        if (isMap(n)) {
          for (const item of n.items) {
            const key = isScalar(item.key) ? String(item.key.value) : '';
            // A service's, volume's or network's name says nothing of what its values are (a service `auth`).
            const named = n === root && RESOURCE_SECTIONS.has(key) ? ctx.resolve(doc, item.value as Node | null) : null;
            if (named && isMap(named)) {
              onPath.add(named);
              for (const resource of named.items) walk(resource.value as Node | null, false, '');
              onPath.delete(named);
            } else walk(item.value as Node | null, credential || credentialKey(key), '');
          }
        } else if (isSeq(n)) {
          let prev = '';
          for (const item of n.items) {
            walk(item as Node | null, credential, prev);
            const r = ctx.resolve(doc, item as Node | null);
            prev = r && isScalar(r) && typeof r.value === 'string' ? `${r.value} ` : '';
          }
        }
        onPath.delete(n);
      };
      walk(root, false, '');
    }
    return { secretFed, images: imageVariables(ctx), names };
  });
}

/**
 * Whether git would ignore the template `examplePath` (a `.gitignore` of `*` with `!` exceptions ignores
 * every new file; review 39), and then the change that re-includes it: a `!/<name>` line appended to the
 * `.gitignore` of its folder (created when there is none), checked with git's rules. Null when no line
 * there can: git does not re-include a file whose folder is ignored (`secrets/`).
 */
function templateUnignore(ws: WorkspaceView, examplePath: string): { change: FileChange | null } | undefined {
  if (!isGitIgnored(ws, examplePath)) return undefined;
  const gitignorePath = path.join(path.dirname(examplePath), '.gitignore');
  const text = ws.readText(gitignorePath);
  if (text === undefined && ws.exists(gitignorePath)) return { change: null }; // there, but unreadable
  // Anchored to this folder; the escapes of a leading `#`/`!` are not needed after the `/`.
  const line = `!/${gitignoreEscape(path.basename(examplePath)).replace(/^\\([#!])/, '$1')}`;
  const edit = text === undefined ? undefined : appendLineEdit(text, line, text.includes('\r\n') ? '\r\n' : '\n');
  const next = text === undefined ? `${line}\n` : applyTextEdits(text, [edit!]);
  const view: WorkspaceView = {
    readText: (p) => (p === gitignorePath ? next : ws.readText(p)),
    exists: (p) => p === gitignorePath || ws.exists(p),
  };
  if (isGitIgnored(view, examplePath)) return { change: null };
  return { change: text === undefined ? { kind: 'create', path: gitignorePath, content: next } : { kind: 'edit', path: gitignorePath, edits: [edit!] } };
}

/** The variables a compose file uses in a service's `image:` (`image: ${APP_REF}`). */
function imageVariables(ctx: ComposeContext): Set<string> {
  const out = new Set<string>();
  for (const service of ctx.services) {
    const image = ctx.serviceGet(service, 'image')?.value;
    if (!isScalar(image) || typeof image.value !== 'string' || !image.value.includes('$')) continue;
    // `${NAME}`, `$NAME`, `${NAME:-default}`: the name.
    for (const m of image.value.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) out.add(m[1]);
  }
  return out;
}

/**
 * The compose facts for an env file's template: those of the compose file, and of the files an
 * `include:` item whose `env_file:` names it pulls in (which that file interpolates).
 */
function factsFor(ctx: ComposeContext, envPath: string): ComposeFacts {
  const own = composeFacts(ctx);
  const others = includesOf(ctx, ctx.projectDir)
    .filter((e) => e.envFiles.includes(envPath))
    .flatMap((e) => e.files.map((f) => parsedCompose(ctx.workspace, f, ctx.options)))
    .filter((c): c is ComposeContext => c !== undefined)
    .map(composeFacts);
  if (others.length === 0) return own;
  const union = (pick: (f: ComposeFacts) => ReadonlySet<string>) => new Set([own, ...others].flatMap((f) => [...pick(f)]));
  return { secretFed: union((f) => f.secretFed), images: union((f) => f.images), names: union((f) => f.names) };
}

export default defineRule<'compose', Data>({
  code: 'DR002',
  name: 'env-example-missing',
  kind: 'compose',
  severity: 'info',
  fixable: 'always',
  docs: {
    summary: 'An env file that a compose file uses has no committed template (`.env.example`…) beside it.',
    what:
      'Flags an env file that a compose file uses (an `env_file:` entry of a service or of a top-level `include:` item, or the `.env` that interpolates the compose file when it feeds a `${…}`) and that exists with at least one variable defined (`NAME=…`), when no committed template sits beside it: `<name>.example` (also `.sample`, `.template`, `.dist`, `.tmpl`, `.default(s)`, `.model`, `-example`, `example.env`, `env.example`, `<stem>.example.env`, …). ' +
      'Reported in the compose file at the `env_file:` entry, else at the first `${…}` that the `.env` feeds. A file with another name than `.env`/`.env.<stage>` that is committed and holds no credentials is configuration, not a secrets file, and needs no template (a credential by its name or by its value, as DR001 and DF020/DC040 read one: `DB_PASSWORD=…`, or a `ghp_…` token, an `sk_live_…` key or a connection string with its password under any name). Templates themselves and files outside the repository are not judged, and nothing is judged when the compose file is in no git repository (no `.git` in its folder or any folder above it, as DR001 and DR004 read it): the template is what a clone gets in place of the git-ignored env file, and with no repository nothing is committed or cloned — a project shared as a folder or an archive carries its env file — so nothing is reported and no template or `.gitignore` line is written (`git init` turns the rule on). A template counts only if it can be committed: one that git ignores (`.env*` or `.env.*` in `.gitignore` ignore `.env.example` too) and does not track is never committed, so the env file is reported all the same and the message names the ignored template (in a folder that git ignores, where no `.gitignore` line can re-include it, the message says to add it with `git add -f`; the editor, when it cannot read git\'s index, takes such a template as added).',
    why:
      'The real env file is (and must be) git-ignored, so without a template nobody who clones the project knows which variables to set: they copy values around in chat, or commit the real file to "fix" it. SECURITY-GUIDELINES.md §5 Secrets Management: "✅ CORRECT: `git add .env.example`".',
    bad: '.env            (git-ignored, POSTGRES_PASSWORD=…)\ncompose.yaml    (POSTGRES_PASSWORD: ${POSTGRES_PASSWORD})',
    good: '.env            (git-ignored, POSTGRES_PASSWORD=…)\n.env.example    (committed: POSTGRES_PASSWORD=)\ncompose.yaml    (POSTGRES_PASSWORD: ${POSTGRES_PASSWORD})',
    exampleLang: 'text',
    fix:
      '"Create .env.example" creates `<env file>.example` beside the env file with one line per variable, in the file\'s order and with its line endings — the file read as Compose reads it (compose-go\'s dotenv: blanks around the key and after `=` include `\\v`, `\\f`, `\\r`, NEL and the no-break space, only a line feed ends a line; a value in quotes may run over several lines — a PEM key — and is one variable, its lines are none). ' +
      'A line without `=` (a key named alone, or a pasted token: `sk-proj-…`, `AKIA…`) gets no line, nor a key that reads like a token (a part of 16 characters or more in mixed case or with digits: an unquoted key line that holds a `=`), since its name would be the secret. ' +
      'The template is conservative by construction, as fix-all applies it and it is meant for commit: a value is copied only when (a) the name is not a credential\'s (`*_PASSWORD`, `*_TOKEN`, `*_SECRET`, `API_KEY`, …) and has no word of a key, salt, nonce, login, PIN or code, pass phrase, seed, one-time password, session, cookie, signature, certificate, password (`PW`, `PWD`, `PASSWD`), pre-shared or secret key (`PSK`, `SK`), webhook or private material in it, does not end in `RECOVERY`, `UNLOCK`, `LICENSE`, `TUNNEL`, `ACCESS` or `ENC`, nor in KEY, PW, PWD or PSK, nor holds PASS (`SESSION_KEY`, `ADMIN_PIN`, `LDAP_BINDPW`, `WG_PSK`, `STRIPE_SK`, `APPKEY`; a country\'s, language\'s or status\'s `*_CODE` is none; a name that ends in a setting about it keeps a harmless value: `SESSION_LIFETIME`, `COOKIE_SECURE`, and under the others a boolean is kept); ' +
      '(b) no compose file the rule reads (the file, and what an `include:` whose `env_file:` names the env file pulls in) hands the variable to a credential: a credential-named key or option (`MYSQL_ROOT_PASSWORD=${DBROOT}`, `API_TOKEN: ${APITOK}`, `--requirepass ${PW}`, `-p${PW}`), a connection string (`postgres://app:${PW}@${DB_HOST}/app`, `Server=db;Password=${PW}`) or a top-level secret (`secrets: { x: { environment: VAR } }`); ' +
      '(c) the value equals no value the template leaves empty and none of those names the variable (`DB_USER=postgres` beside `DB_PASSWORD=postgres`); and (d) the value has a shape from an allowlist: a boolean (`true`, `off`, `0`, `1`), an integer up to 65535 (a port, a count) or a short decimal, a duration or size (`30s`, `512m`, `1g`), a log level, an environment\'s name (`production`, `staging`, `dev`), a time zone (`UTC`, `Europe/Paris`), a locale (`en_US.UTF-8`), an IPv4 address, a host name (with a dot and a top-level domain, `localhost`, or a service, volume or network of the compose file) with a port, a URL of such a host without user information, query or fragment whose path is plain words (`http://localhost`, `redis://cache:6379/0`), an absolute path of plain words, a reference to another variable (`${APP_NAME}`), an image reference of plain words and versions where the name ends in IMAGE/IMG or a service\'s `image:` interpolates the variable (`image: ${APP_REF}`, a tag, a digest), or a plain word — lower case parts of at most 12 letters that can be pronounced (a vowel, no more than four consonants in a row: `shop`, `postgres`, `mastodon_production`, not `qkzjvwpmtrlbnhgxdf`), a capitalized word (`Laravel`), a protocol (`https`) or up to three letters (`db`) — and a word with a port (`redis:6379`) only where the name ends in an address word without a login word (`user:password` has that shape). ' +
      'Everything else is `NAME=`: a random-looking or long value, a large number, an e-mail address, a URL with a token in its user information, query or path, a value over several lines, a comment (comments can hold secrets too). When git would ignore the new template (a `.gitignore` of `*` with `!` exceptions), the fix also appends `!/<name>.example` to the `.gitignore` of its folder (creating it), checked with git\'s rules; where no line can re-include it (its folder is ignored: `secrets/`), the message says to add it with `git add -f`. Safe: it only adds a file (and that exception); commit it, and fill in harmless defaults it left empty by hand. When the template exists but git ignores it, the fix is instead "Re-include <name> in .gitignore", which appends `!/<name>` to the `.gitignore` of its folder (creating it), checked with git\'s rules; a quick fix only, not applied by fix-all, since it makes committable a file that may hold real values: read it first.',
    guideline: '§5 Secrets Management — "git add .env.example"',
    equivalents: ['dotenv-linter checks the syntax of env files, and dotenv-safe / envalid check at run time that the variables of .env.example are set; no compose linter checks for the template'],
    references: [
      'https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/#env-file',
      'https://docs.docker.com/reference/compose-file/services/#env_file',
      'https://github.com/motdotla/dotenv#should-i-commit-my-env-file',
      'https://12factor.net/config',
    ],
  },
  check(ctx) {
    if (!hasFolder(ctx.path)) return [];
    const out: { range: Range; data: Data }[] = [];
    for (const use of envFileUses(ctx)) {
      if (use.text === undefined) continue;
      // In no git repository nothing is committed, so nothing is missing from a commit; and the fix's re-include line would
      // be a `.gitignore` line on DR002's behalf there, which DR001/DR004 do not write either (review 48a, finding 2).
      // Looked for once a used env file exists (most compose files use none): the walk up to the root is most of the check.
      const root = repositoryRootOf(ctx);
      if (root === null) return [];
      const base = path.basename(use.path);
      if (isTemplateEnvName(base)) continue;
      if (!isUnder(use.path, root)) continue;
      const keys = templateKeys(use.text);
      if (keys.length === 0) continue;
      if (!isDotenvName(base) && !holdsSecrets(use.text) && !isGitIgnored(ctx.workspace, use.path)) continue;
      const dir = path.dirname(use.path);
      const candidates = exampleCandidates(base).map((c) => path.join(dir, c));
      if (candidates.some((c) => committableTemplate(ctx.workspace, c))) continue;
      // A template that git ignores never reaches the repository: it does not count, and the finding names it.
      const ignored = candidates.find((c) => ctx.workspace.exists(c));
      const display = path.relative(ctx.dir, use.path).split(path.sep).join('/');
      const folderIgnored = templateUnignore(ctx.workspace, ignored ?? `${use.path}.example`)?.change === null;
      out.push({ range: use.range, data: { path: use.path, display, keys, eol: use.text.includes('\r\n') ? '\r\n' : '\n', ...(folderIgnored ? { templateFolderIgnored: true as const } : {}), ...(ignored ? { ignoredTemplate: path.basename(ignored) } : {}) } });
    }
    return out;
  },
  message(d) {
    const ignored = d.templateFolderIgnored ? ` Git ignores its folder: add the template with git add -f.` : '';
    if (d.ignoredTemplate) {
      return `'${d.display}' has a template, ${d.ignoredTemplate}, but git ignores it (.gitignore), so it can never be committed: ${d.templateFolderIgnored ? 'add it with git add -f' : `re-include it in .gitignore (!/${d.ignoredTemplate})`} once it holds no secret values.`;
    }
    return `'${d.display}' has no ${path.basename(d.path)}.example: commit a template that lists its ${d.keys.length} variable${d.keys.length === 1 ? '' : 's'} without their secret values, so others know what to set.${ignored}`;
  },
  fix(ctx, { data }): Fix | undefined {
    if (data.ignoredTemplate) {
      // Re-include the template that is there. Not safe: it makes a file committable that may hold real values.
      const unignore = templateUnignore(ctx.workspace, path.join(path.dirname(data.path), data.ignoredTemplate))?.change;
      if (!unignore) return undefined;
      return { title: `Re-include ${data.ignoredTemplate} in ${path.relative(ctx.dir, unignore.path).split(path.sep).join('/')}`, safe: false, changes: [unignore] };
    }
    if (data.keys.length === 0) return undefined;
    const text = ctx.workspace.readText(data.path);
    if (text === undefined) return undefined;
    const entries = templateEntries(text, factsFor(ctx, data.path));
    if (entries.length === 0) return undefined;
    const examplePath = `${data.path}.example`;
    const unignore = templateUnignore(ctx.workspace, examplePath)?.change;
    return {
      title: `Create ${path.basename(examplePath)}${unignore ? ` (and re-include it in ${path.relative(ctx.dir, unignore.path).split(path.sep).join('/')})` : ''}`,
      safe: true,
      changes: [{ kind: 'create', path: examplePath, content: entries.map((e) => `${e.key}=${e.value}${data.eol}`).join('') }, ...(unignore ? [unignore] : [])],
    };
  },
});
