import * as path from 'node:path';
import { isMap, type Node } from 'yaml';
import type { ComposeContext, EnvVar, Service } from '../engine/compose';
import { effectiveCommandsThrough, ExtendedEnv, extendsChain, lookupKey, resolvedScalar } from '../engine/compose-lookup';
import { seqItems } from '../engine/compose-values';
import { isUnder, serviceVolumes, type VolumeMount } from '../engine/compose-volumes';
import { mergedVolumes } from '../engine/override-mounts';
import { envFileRefs, variableReferences, type EnvFileRef, type EnvLookup } from '../engine/env-files';
import { composeDotenv, dotenvStatements, dotenvValues, interpolate } from '../engine/interpolate';
import { defineRule } from '../engine/rule';
import { dataStoreOf, serviceImage } from '../engine/datastores';
import { trustsWithoutPassword } from '../engine/postgres-auth';
import { generateSecret } from '../engine/secret-gen';
import { LineIndex, rangesOverlap } from '../engine/text';
import { isCredentialName, isPlaceholderValue, isTemplatePlaceholder } from '../engine/secrets';
import type { FileChange, Fix, Range, TextEdit } from '../engine/types';
import { ownPasswordArgs, redisFactsAsRun, serverArgsPasswordWord } from '../engine/redis-config';
import { argsWrittenHere, defaultMerge, keptByMerge, mergedCommands, mergedEnv, mergedEnvFileRefs, mergedServiceView, overrideAt, type MergedServiceView } from '../engine/override-merge';
import { ofService, placeOf, type Place } from '../engine/written-in';
import { buildAlwaysRuns } from '../engine/build-or-pull';
import { replaceInScalarEdit } from '../engine/compose-insert';
import { appendLineEdit } from '../engine/yaml-edit';
import { effectiveCommands } from '../engine/service-command';
import { dotenvCompanions, dotenvHolder, dotenvLabel, dotenvLoadedByOtherServices, dotenvReadersElsewhere, dotenvTarget, envFileIntoImageNote, findInlineSecrets, literalDefaults, literalValue, mayHoldSecrets, moveCopies, type InlineSecret } from './DC040-secret-inline';

/** The password variables of the images this rule knows, with the user they belong to. */
interface PasswordVar {
  product: string;
  /** The variable that names the user, or null. */
  userVar: string | null;
  /** The user when `userVar` is not set (null: none / unknown). */
  defaultUser: string | null;
}

// A map, not an object: every variable of every service is looked up, and a keyed read of an object with names it
// lacks was most of this rule's own time (and an object also answers `constructor` and `toString` from its prototype).
const PASSWORD_VARS: ReadonlyMap<string, PasswordVar> = new Map(Object.entries({
  POSTGRES_PASSWORD: { product: 'PostgreSQL', userVar: 'POSTGRES_USER', defaultUser: 'postgres' },
  POSTGRESQL_PASSWORD: { product: 'PostgreSQL', userVar: 'POSTGRESQL_USERNAME', defaultUser: 'postgres' },
  MYSQL_ROOT_PASSWORD: { product: 'MySQL', userVar: null, defaultUser: 'root' },
  MYSQL_PASSWORD: { product: 'MySQL', userVar: 'MYSQL_USER', defaultUser: null },
  MARIADB_ROOT_PASSWORD: { product: 'MariaDB', userVar: null, defaultUser: 'root' },
  MARIADB_PASSWORD: { product: 'MariaDB', userVar: 'MARIADB_USER', defaultUser: null },
  MONGO_INITDB_ROOT_PASSWORD: { product: 'MongoDB', userVar: 'MONGO_INITDB_ROOT_USERNAME', defaultUser: null },
  MONGODB_ROOT_PASSWORD: { product: 'MongoDB', userVar: 'MONGODB_ROOT_USER', defaultUser: 'root' },
  RABBITMQ_DEFAULT_PASS: { product: 'RabbitMQ', userVar: 'RABBITMQ_DEFAULT_USER', defaultUser: 'guest' },
  RABBITMQ_PASSWORD: { product: 'RabbitMQ', userVar: 'RABBITMQ_USERNAME', defaultUser: 'user' },
  REDIS_PASSWORD: { product: 'Redis', userVar: null, defaultUser: null },
  GF_SECURITY_ADMIN_PASSWORD: { product: 'Grafana', userVar: 'GF_SECURITY_ADMIN_USER', defaultUser: 'admin' },
  MINIO_ROOT_PASSWORD: { product: 'MinIO', userVar: 'MINIO_ROOT_USER', defaultUser: 'minioadmin' },
  MINIO_SECRET_KEY: { product: 'MinIO', userVar: 'MINIO_ACCESS_KEY', defaultUser: 'minioadmin' },
}));

/** Defaults of the images and of their documentation's examples. */
const DEFAULTS = new Set(['postgres', 'postgresql', 'password', 'root', 'admin', 'changeme', 'change-me', 'change_me', 'secret', 'example', 'guest', 'minioadmin', 'mysql', 'mariadb', 'mongo', 'mongodb', 'rabbitmq', 'redis', 'grafana', 'minio', 'mysecretpassword', 'my-secret-pw', 'my_secret_pw', 'secretpassword', 'changeit', 'default', 'pass', 'passwd', 'test', 'user', 'bitnami']);

/** Words that say nothing secret around a default or common one (`dev-password`, piggymetrics, review 8). */
// `random-secret` (kafka-manager's README example of APPLICATION_SECRET: review 27, probe dc-07).
const FILLER_WORDS = new Set(['dev', 'development', 'local', 'test', 'demo', 'prod', 'production', 'staging', 'stage', 'my', 'app', 'db', 'default', 'super', 'very', 'strong', 'secure', 'sample', 'new', 'the', 'and', 'random']);

/** Common passwords (leaked-password lists' top entries), lower case. */
const COMMON = new Set([
  '123456', '1234567', '12345678', '123456789', '1234567890', '12345', '1234', '111111', '000000', '123123', '654321', '666666', '121212',
  'qwerty', 'qwerty123', 'qwertyuiop', 'asdfgh', 'asdfghjkl', 'zxcvbnm', 'abc123', 'abcdef', 'abcd1234', 'iloveyou', 'letmein', 'welcome', 'monkey', 'dragon',
  'football', 'baseball', 'master', 'shadow', 'sunshine', 'princess', 'superman', 'trustno1', 'starwars', 'login', 'hello', 'freedom', 'whatever', 'access',
  'p@ssw0rd', 'p@ssword', 'passw0rd', 'pa55word', 'pa$$word', 'password1', 'password12', 'password123', 'password1234', 'mypassword', 'mypass', 'yourpassword', 'secret123', 'supersecret',
  'topsecret', 'dbpassword', 'db_password', 'dbpass', 'db_pass', 'database', 'docker', 'toor', 'administrator', 'sa', 'demo', 'sample', 'temp', 'testing', 'test123',
  'admin123', 'admin1234', 'adminadmin', 'root123', 'rootroot', 'pass123', 'pass1234', 'changeme123', 'changemeplease', 'strongpassword', 'strong_password', 'secure_password', 'securepassword',
  // Microsoft's SQL Server samples (eShopOnContainers' `Pass@word`, the docs' `yourStrong(!)Password`).
  'pass@word', 'pass@word1', 'pass@w0rd', 'yourstrong(!)password', 'yourstrongpassword', 'yourstrong@passw0rd', 'yourstrong!passw0rd',
  'mysecret', 'mysecretkey', 'secretkey', 'secret_key', 'supersecretkey', 'postgres123', 'postgrespassword', 'postgres_password', 'mysqlpassword', 'mysql_password', 'rootpassword', 'root_password', 'rootpass', 'redispassword', 'redis_password',
]);

export type WeakReason = 'default' | 'common' | 'same-as-user' | 'short' | 'placeholder' | 'repeated';

/**
 * Why a password is weak, or null when it is not. Never returns or logs the value. An empty value is
 * not judged here: the images refuse to initialize with an empty password unless `*_ALLOW_EMPTY_*` or
 * `trust` is set (reported on their own), so an empty value is a template placeholder to fill in.
 */
export function weakReason(value: string, user: string | null): WeakReason | null {
  if (value === '') return null;
  const v = value.toLowerCase();
  if (DEFAULTS.has(v)) return 'default';
  if (isTemplatePlaceholder(value)) return 'placeholder';
  if (COMMON.has(v)) return 'common';
  // A default or common word with digits or punctuation around it (`postgres123`, `Admin!`).
  const core = v.replace(/^[^a-z]+|[^a-z]+$/g, '');
  if (core !== v && core.length > 0 && (DEFAULTS.has(core) || COMMON.has(core))) return 'common';
  // Nothing but default, common and filler words (`dev-password`, `my_app_secret`, `super-secret-password`).
  // Digits and punctuation around it or between the words count as filler too (`dev-password-123`, `Dev.Password!`, `my_secret_password_2024`).
  const words = v.replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '').split(/[-_. ]+/);
  if (words.length > 1 && words.every((w) => DEFAULTS.has(w) || COMMON.has(w) || FILLER_WORDS.has(w) || /^\d+$/.test(w)) && words.some((w) => DEFAULTS.has(w) || COMMON.has(w))) return 'common';
  if (user !== null && user !== '' && v === user.toLowerCase()) return 'same-as-user';
  if ([...value].length < 12) return 'short';
  if (/^(.)\1*$/.test(value)) return 'repeated';
  return null;
}

/**
 * A variable that holds a secret the deployment sets for itself, whatever the image: a password
 * (`CLICKHOUSE_PASSWORD`, `DB_PASS`), an application's secret or key (`SECRET_KEY`, `NEXTAUTH_SECRET`,
 * `JWT_SECRET`, `ENCRYPTION_KEY`, `APP_KEY`, Rails' `*_KEY_BASE` and `*_KEY_DERIVATION_SALT` as GitLab names them). Not one a provider issues (`*_TOKEN`, `*_API_KEY`,
 * `*_ACCESS_KEY`, `*_CLIENT_SECRET`, `*_PRIVATE_KEY`): a stand-in there does not work at all, so it
 * is no weak secret.
 */
// A password may be written as one word with what it is for (Pi-hole v5's WEBPASSWORD, ADMINPASSWORD: review 27, probe dc-02).
const OWN_SECRET = /(?:PASSWORD|PASSWD)$|(?:^|_)(?:PASS|PWD|SECRET|SECRET_KEY|SECRET_KEY_BASE|KEY_BASE|KEY_DERIVATION_SALT|ENCRYPTION_KEY|ENC_KEY|MASTER_KEY|SIGNING_KEY|HMAC_KEY|JWT_KEY|APP_KEY|SESSION_KEY|COOKIE_KEY)$/i;
// Mail passwords also as one word (`SMTPPASSWORD`, `MAILPASSWORD`: review 28, probe 07).
const ISSUED = /(?:^|_)(?:TOKEN|API_?KEY|API_?SECRET|ACCESS_?KEY|ACCESS_?KEY_?ID|CLIENT_?SECRET|PRIVATE_?KEY|APP_?SECRET|CONSUMER_?SECRET|WEBHOOK_?SECRET|SMTP|IMAP|POP3?|MAIL|EMAIL|RTSP)(?:_|$)|(?:^|_)(?:SMTP|IMAP|POP3?|MAIL|EMAIL)PASS/i;

/** Whether a variable outside PASSWORD_VARS holds a secret the deployment chooses (see OWN_SECRET). */
export function isOwnSecretName(name: string): boolean {
  // Asked of every environment variable of every service; the answer depends only on the name.
  let known = ownSecretNames.get(name);
  if (known === undefined) {
    known = OWN_SECRET.test(name) && !ISSUED.test(name) && isCredentialName(name);
    if (ownSecretNames.size >= 4096) ownSecretNames.clear();
    ownSecretNames.set(name, known);
  }
  return known;
}

const ownSecretNames = new Map<string, boolean>();

/**
 * Why a secret the deployment chooses (not a known image's password) is weak, or null: a default or
 * common value, a template's placeholder, the value of its user variable, or one character repeated
 * (`000…000`). Length alone is not judged: what is long enough depends on what reads it.
 */
export function ownSecretWeakReason(value: string, user: string | null): WeakReason | null {
  // A switch (`MYSQL_RANDOM_ROOT_PASSWORD: "yes"`, `VNC_NO_PASSWORD: 1`) is no secret.
  if (isPlaceholderValue(value) || /^[01]$/.test(value.trim())) return null;
  const reason = weakReason(value, user);
  if (reason === 'short') return [...value].length >= 2 && /^(.)\1*$/.test(value) ? 'repeated' : null;
  return reason;
}

/** The user variable beside a password variable (`CLICKHOUSE_PASSWORD` → `CLICKHOUSE_USER`), when the environment has one. */
function userVariableOf(name: string, named: Map<string, EnvVar>): EnvVar | undefined {
  const m = /^(.*?)_?(?:PASSWORD|PASSWD|PASS|PWD)$/i.exec(name);
  if (!m || m[1] === '') return undefined;
  for (const suffix of ['_USER', '_USERNAME', '_USR', '_LOGIN']) {
    const found = named.get(m[1] + suffix);
    if (found) return found;
  }
  return undefined;
}

type Problem =
  | { kind: 'weak'; reason: WeakReason }
  /** `MYSQL_ALLOW_EMPTY_PASSWORD` / `MARIADB_ALLOW_EMPTY_ROOT_PASSWORD` set (any non-empty value counts). */
  | { kind: 'allow-empty'; falsyLooking: boolean; /** A root password is set, from a variable that may be empty. */ rootMayBeEmpty?: boolean }
  /** `POSTGRES_HOST_AUTH_METHOD=trust`. */
  | { kind: 'trust' }
  /** CockroachDB started with `--insecure`. */
  | { kind: 'insecure' }
  /** A `postgres` image from before February 2020 with no password set: its entrypoint trusts every connection. */
  | { kind: 'old-trust'; image: string }
  /** A Grafana image run with no admin password (grafanaDefaultProblems): its admin is `admin` / `admin`; `empty`, the variable set empty. */
  | { kind: 'grafana-default'; image: string; empty?: string };

/** Where the value was written. */
type Origin =
  /** A literal in the compose file. */
  | { kind: 'inline' }
  /** The literal default of `${VAR:-default}` (`.env` does not set VAR). */
  | { kind: 'default'; variable: string }
  /** A variable set in the `.env` beside the compose file. */
  | { kind: 'dotenv'; variable: string | null };

interface Data {
  service: string;
  /** Where the value is written and who uses it, when not only `service` (an anchor in `x-common`: review 42f, item 2). */
  sharing?: Place;
  name: string;
  product: string;
  problem: Problem;
  origin: Origin;
  /** The `.env` file name shown in messages (relative to the compose file). */
  dotenvFile: string;
  /** The environment entry; null for a password on a server's command line (`--requirepass`). */
  env: EnvVar | null;
  /** Where a weak password written in the file is (never one from `.env` or a default): masked wherever output prints the file (Rule.secretRanges, review 40a item 5). */
  valueRange?: Range;
  /**
   * On a data store's password: the env-file variables through which its client services get their
   * copy of it (`DB_PASSWORD: ${APP_DB_PASSWORD}` beside `POSTGRES_PASSWORD`, judged a copy and not
   * reported), the services that read each, and whether the copy is of this password only (not also of
   * another store's, or of another password of the same store, with the same value). Never the value.
   */
  clientCopies?: ClientCopy[];
}

/** A client's copy of a data store's password held by an env-file variable (Data.clientCopies). */
interface ClientCopy {
  variable: string;
  services: string[];
  only: boolean;
}

/** The variables that give MySQL's or MariaDB's root a password (or a random one). */
const ROOT_PASSWORD_VARS = ['MYSQL_ROOT_PASSWORD', 'MYSQL_ROOT_PASSWORD_FILE', 'MARIADB_ROOT_PASSWORD', 'MARIADB_ROOT_PASSWORD_FILE', 'MARIADB_ROOT_PASSWORD_HASH', 'MYSQL_RANDOM_ROOT_PASSWORD', 'MARIADB_RANDOM_ROOT_PASSWORD'];

/**
 * What the service gives root (among `vars`, written in the service or inherited through `extends:`):
 * 'not-empty' when one of them is known not to be empty — a `_FILE`, hash or random-password switch whose
 * value is not empty, or a password that resolves to a non-empty value (inline, `.env`, a default) or is
 * written `${VAR:?…}` —; 'empty' when every one that is set is known to be empty; else 'unknown'.
 */
function rootPasswordState(ctx: ComposeContext, named: ReadonlyMap<string, EnvVar>, inherited: (name: string) => EnvLookup | undefined, vars: readonly string[]): 'not-empty' | 'empty' | 'unknown' {
  let unknown = false;
  for (const n of vars) {
    const env = named.get(n);
    if (env) {
      if (env.value === null) {
        unknown = true;
        continue;
      }
      if (/^M(?:YSQL|ARIADB)_ROOT_PASSWORD$/.test(n) && /^"?\$\{[A-Za-z_][A-Za-z0-9_]*:\?[^}]*\}"?$/.test(env.value.trim())) return 'not-empty';
      const r = resolve(ctx, env);
      if (r === null) unknown = true;
      else if (r.value.trim() !== '') return 'not-empty';
      continue;
    }
    const base = inherited(n);
    if (!base || base.state === 'unset') continue;
    if (base.state === 'set') {
      if (base.value.trim() !== '') return 'not-empty';
    } else unknown = true;
  }
  return unknown ? 'unknown' : 'empty';
}

/** A value as Compose reads it, and where it was written; null when unknown. */
function resolve(ctx: ComposeContext, env: EnvVar): { value: string; origin: Origin } | null {
  return env.value === null ? null : resolveWritten(ctx, env.value);
}

/** A value written in the compose file (before interpolation) as Compose reads it, and where it comes from; null when unknown. */
function resolveWritten(ctx: ComposeContext, written: string): { value: string; origin: Origin } | null {
  const lit = literalValue(written);
  if (lit !== null) return { value: lit, origin: { kind: 'inline' } };
  const vars = ctx.dotenv()?.values;
  const r = interpolate(written, (n) => vars?.get(n));
  if (r.value === null) return null;
  const single = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(?::?[-?])[^}]*)?\}|([A-Za-z_][A-Za-z0-9_]*))$/.exec(written);
  const variable = single ? (single[1] ?? single[2]) : null;
  if (r.usedDefaultsOnly) {
    const d = literalDefaults(written);
    return { value: r.value, origin: { kind: 'default', variable: d.length === 1 ? d[0].name : (variable ?? '') } };
  }
  return { value: r.value, origin: { kind: 'dotenv', variable } };
}

/**
 * Whether the service's user (`POSTGRES_USER: ${DB_PASSWORD}`) is read from the variable the fix would
 * set in `.env`: the generated password would become the user name too, and the finding would stay
 * (or turn into "the same as its user name"), however often the fix is applied.
 */
function userReads(ctx: ComposeContext, data: { service: string; name: string }, variable: string): boolean {
  const userVar = PASSWORD_VARS.get(data.name)?.userVar;
  const service = ctx.servicesNamed(data.service)[0];
  if (!userVar || !service) return false;
  const user = byName(ctx.environment(service)).get(userVar);
  return user?.value !== null && user?.value !== undefined && variableReferences(user.value).some((r) => r.name === variable);
}

function byName(envs: EnvVar[]): Map<string, EnvVar> {
  const m = new Map<string, EnvVar>();
  for (const e of envs) m.set(e.name, e);
  return m;
}

const FALSY = /^(?:no|false|0|off|n)$/i;

/**
 * A variable the other file of the default pair gives the merged service (its `environment:` entry or env file, as
 * MergedEnv reads it): the user beside a password, a root password beside MySQL's ALLOW_EMPTY switch.
 */
function otherFileEnv(view: MergedServiceView | undefined, name: string): EnvLookup | undefined {
  if (!view) return undefined;
  const l = view.env.get(name);
  if (l.state !== 'set' && l.state !== 'unknown-value') return undefined;
  return view.env.fromOverride(l) !== view.merge.inOverride ? l : undefined;
}

/** A weak password found: `value` is kept to tell a client's copy from the data store's, never shown. */
interface Weak {
  product: string;
  problem: Problem;
  origin: Origin;
  value?: string;
  /** Where the value is written in the file, when it is written there as it is (origin 'inline'). */
  place?: Range;
}

function check(ctx: ComposeContext, service: Service): (Weak & { env: EnvVar })[] {
  // With the default override merged (mergedServiceView), an entry of the default file that the override replaces or
  // drops never reaches the container: not judged (review 44d leftovers, item 3).
  const view = mergedServiceView(ctx, service);
  // Without a merged view every entry is kept (keptByMerge): the entries themselves, not a copy (read only here).
  const envs = view ? ctx.environment(service).filter((e) => keptByMerge(view, e.name)) : ctx.environment(service);
  const named = byName(envs);
  // Through `extends:` the environment is merged with the base's: a user or root password set there counts.
  const extended = ctx.serviceGet(service, 'extends') ? new ExtendedEnv(ctx, service) : null;
  const inherited = (name: string) => (named.has(name) ? undefined : (otherFileEnv(view, name) ?? extended?.get(name)));
  const out: (Weak & { env: EnvVar })[] = [];
  // A MariaDB image takes the MYSQL_* spellings too: name the product by the image when it is a data store.
  const storeKind = dataStoreOf(view ? view.merge.base.ctx : ctx, view ? view.merge.base.service : service)?.kind;
  for (const env of envs) {
    const spec = PASSWORD_VARS.get(env.name);
    if (spec) {
      if (named.get(env.name) !== env) continue; // a later entry wins
      const r = resolve(ctx, env);
      if (!r) continue;
      let user: string | null = spec.defaultUser;
      if (spec.userVar) {
        const u = named.get(spec.userVar);
        const base = inherited(spec.userVar);
        if (u) user = resolve(ctx, u)?.value ?? null;
        else if (base && base.state !== 'unset') user = base.state === 'set' ? base.value : null;
      }
      const reason = weakReason(r.value, user);
      const product = spec.product === 'MySQL' && storeKind === 'mariadb' ? 'MariaDB' : spec.product;
      if (reason) out.push({ env, product, problem: { kind: 'weak', reason }, origin: r.origin, value: r.value, ...inlinePlace(ctx, env, r.origin) });
      continue;
    }
    if (env.name === 'MYSQL_ALLOW_EMPTY_PASSWORD' || env.name === 'MARIADB_ALLOW_EMPTY_ROOT_PASSWORD' || env.name === 'MARIADB_ALLOW_EMPTY_PASSWORD') {
      const r = resolve(ctx, env);
      if (!r || r.value.trim() === '') continue;
      const falsy = FALSY.test(r.value.trim());
      // The variables the image's entrypoint reads for root: the mysql image only MYSQL_*, MariaDB's both spellings (review 28, probe 04).
      const rootVars = storeKind === 'mariadb' || env.name.startsWith('MARIADB') ? ROOT_PASSWORD_VARS : ROOT_PASSWORD_VARS.filter((n) => n.startsWith('MYSQL'));
      // Only the entrypoint's test for an empty string matters; with a root password set, nothing is empty.
      const rootWritten = rootVars.some((n) => named.get(n)?.value || (inherited(n) ?? { state: 'unset' }).state !== 'unset');
      if (falsy && rootWritten) continue;
      // A root password known not to be empty (a value, one read from `.env`, or a `${VAR:?…}` that Compose refuses
      // to leave empty: Laravel Sail's pair) is what root gets; the switch then changes nothing (review 27, probe dc-03).
      const root = rootWritten ? rootPasswordState(ctx, named, inherited, rootVars) : 'empty';
      if (root === 'not-empty') continue;
      out.push({ env, product: env.name.startsWith('MARIADB') ? 'MariaDB' : 'MySQL', problem: { kind: 'allow-empty', falsyLooking: falsy, ...(root === 'unknown' ? { rootMayBeEmpty: true } : {}) }, origin: r.origin });
      continue;
    }
    if (env.name === 'POSTGRES_HOST_AUTH_METHOD') {
      const r = trustSetting(ctx, env);
      if (r) out.push({ env, product: 'PostgreSQL', problem: { kind: 'trust' }, origin: r.origin });
      continue;
    }
    if (isOwnSecretName(env.name)) {
      if (named.get(env.name) !== env) continue;
      const r = resolve(ctx, env);
      if (!r) continue;
      const userVar = userVariableOf(env.name, named);
      const user = userVar ? (resolve(ctx, userVar)?.value ?? null) : null;
      const reason = ownSecretWeakReason(r.value, user);
      if (reason) out.push({ env, product: '', problem: { kind: 'weak', reason }, origin: r.origin, value: r.value, ...inlinePlace(ctx, env, r.origin) });
    }
  }
  return out;
}

/** Where a `POSTGRES_HOST_AUTH_METHOD` entry that is `trust` (written, or read from `.env`) gets its value; null when it is not `trust` or unknown. */
function trustSetting(ctx: ComposeContext, env: EnvVar): { origin: Origin } | null {
  const r = resolve(ctx, env);
  return r && r.value.trim().toLowerCase() === 'trust' ? { origin: r.origin } : null;
}

/**
 * Whether this rule reports `POSTGRES_HOST_AUTH_METHOD: trust` on the service: its own `environment:`
 * (with `<<` merges) sets it, written or read from `.env`. `trust` is this rule's — no password at
 * all — and DC050, which judges the other methods, leaves it here (review 41c, item 8); it still
 * reports a `trust` this rule does not read (from an `env_file:`, or a base service in another file).
 */
export function reportsTrust(ctx: ComposeContext, service: Service): boolean {
  return ctx.environment(service).some((e) => e.name === 'POSTGRES_HOST_AUTH_METHOD' && trustSetting(ctx, e) !== null);
}

/**
 * Weak passwords of a Redis-family server given as options: on its command line (`--requirepass`,
 * `--masterauth`) in the service's own `command:`/`entrypoint:`, or in the images' variables of
 * server options (`REDIS_ARGS`, `REDIS_EXTRA_FLAGS`). Reported with no environment entry: the fix
 * may only replace a value in `.env`.
 */
function commandPasswordProblems(ctx: ComposeContext, service: Service): (Weak & { range: Range; name: string })[] {
  // With the default override merged, the merged service's facts (its image from the default file, the merged command
  // and environment); a password is judged in the file that writes it.
  const run = redisFactsAsRun(ctx, service);
  if (!run) return [];
  const { facts, view } = run;
  const out: (Weak & { range: Range; name: string })[] = [];
  const product = facts.server.startsWith('valkey') ? 'Valkey' : facts.server.startsWith('keydb') ? 'KeyDB' : 'Redis';
  // `at`: the offset where `written` is in the file, when it is written there as it is.
  const judge = (written: string, range: Range, name: string, at: number | undefined) => {
    const r = resolveWritten(ctx, written);
    // An empty password is DC052's (no authentication).
    if (!r || r.value === '') return;
    const reason = weakReason(r.value, null);
    const place = r.origin.kind === 'inline' && at !== undefined && ctx.text.startsWith(written, at) ? { place: ctx.lines.rangeOf(at, at + written.length) } : {};
    if (reason) out.push({ range, name, product, problem: { kind: 'weak', reason }, origin: r.origin, value: r.value, ...place });
  };
  if (!view) for (const { option, arg } of ownPasswordArgs(ctx, service, facts)) judge(arg.raw, ctx.lines.rangeOf(arg.start, arg.end), `--${option}`, arg.exact ? arg.start : undefined);
  else {
    const here = argsWrittenHere(ctx, service, facts);
    for (const { option, arg, viaShell } of facts.passwordArgs) if (here(arg, viaShell)) judge(arg.raw, ctx.lines.rangeOf(arg.start, arg.end), `--${option}`, arg.exact && !viaShell ? arg.start : undefined);
  }
  // The images' variables of server options (`REDIS_ARGS: "--requirepass …"`).
  for (const env of ctx.environment(service)) {
    if (!keptByMerge(view, env.name)) continue;
    const w = env.value === null ? null : serverArgsPasswordWord(env.name, env.value);
    if (w) judge(w.word, env.range, `--${w.option} in ${env.name}`, env.valueOffsets ? env.valueOffsets[0] + w.start : undefined);
  }
  return out;
}

/** Where a weak value written in the environment entry itself is (not one from `.env` or a default). */
function inlinePlace(ctx: ComposeContext, env: EnvVar, origin: Origin): { place?: Range } {
  if (origin.kind !== 'inline') return {};
  if (env.valueRange) return { place: env.valueRange };
  return env.valueSource ? { place: ctx.lines.rangeOf(env.valueSource[0], env.valueSource[1]) } : {};
}

/**
 * CockroachDB started with `--insecure` (`start-single-node --insecure`, on the service's own
 * `command:` or `entrypoint:`): it authenticates no one — any client that can connect logs in as any
 * user, root included, without a password — and encrypts nothing (cockroach start's reference).
 */
function insecureModeProblems(ctx: ComposeContext, service: Service): (Weak & { range: Range; name: string })[] {
  // With the default override merged: the default file's image, the merged command, the flag reported where written.
  const view = mergedServiceView(ctx, service);
  const judged = view ? view.merge.base : { ctx, service };
  if (dataStoreOf(judged.ctx, judged.service)?.kind !== 'cockroach') return [];
  const cmds = view ? view.commands.value : effectiveCommands(ctx, service);
  if (!cmds) return [];
  const here = view ? argsWrittenHere(ctx, service, cmds) : undefined;
  for (const run of cmds.runs) {
    for (const arg of run.args) {
      if (here && !here(arg, run.viaShell)) continue;
      if (arg.value === '--insecure' || arg.value === '--insecure=true') return [{ range: ctx.lines.rangeOf(arg.start, arg.end), name: '--insecure', product: 'CockroachDB', problem: { kind: 'insecure' }, origin: { kind: 'inline' } }];
    }
  }
  return [];
}

/** Whether every env file is read and sets none of `names` (false when one cannot be read or resolved). */
function envFilesSetNone(ctx: ComposeContext, refs: readonly EnvFileRef[], names: readonly string[]): boolean {
  for (const ref of refs) {
    if (ref.path === null) return false;
    const text = ctx.workspace.readText(ref.path);
    if (text === undefined) {
      if (ref.required) return false; // Compose refuses to start without it: the finding would be beside the point
      continue;
    }
    const values = dotenvValues(text, composeDotenv(text));
    // An empty value is no password: the old entrypoint trusts everyone then too (review 12, probe 05).
    // One from the shell (`POSTGRES_PASSWORD` alone) or another variable may be set.
    if (names.some((n) => { const v = values.get(n); return v === null || (v ?? '') !== ''; })) return false;
  }
  return true;
}

/**
 * A `postgres` image whose entrypoint predates the password requirement (trustsWithoutPassword) run
 * with no POSTGRES_PASSWORD, POSTGRES_PASSWORD_FILE or POSTGRES_HOST_AUTH_METHOD: it writes `host all
 * all all trust`. Only the service's own image and environment are read (not through `extends:`), and
 * not when it replaces the entrypoint.
 */
const OLD_TRUST_VARS = ['POSTGRES_PASSWORD', 'POSTGRES_PASSWORD_FILE', 'POSTGRES_HOST_AUTH_METHOD'];

function oldTrustProblems(ctx: ComposeContext, service: Service): (Weak & { range: Range; name: string })[] {
  const entry = ctx.serviceGet(service, 'image');
  if (!entry?.value || ctx.serviceGet(service, 'extends') || ctx.serviceGet(service, 'entrypoint')) return [];
  // A service that builds (here, or in the default file when the default override writes this image): "If pull_policy
  // is missing … Compose attempts to pull the image first and then builds from source if the image isn't found"
  // (Compose Build Specification, Using build and image, https://docs.docker.com/reference/compose-file/build/#using-build-and-image).
  // An official postgres name can always be pulled: the pulled image runs, and is judged here as DC004 judges it; with
  // `pull_policy: build` the build always runs and the name only tags it: not judged (review 46a, item 5).
  if (buildAlwaysRuns(ctx, service)) return [];
  const merge = defaultMerge(ctx, service);
  // In the default file, an image the override replaces (its `image:`, neither file building) does not run: judged there.
  if (merge && !merge.inOverride && !merge.whole && overrideAt(merge, ['image'])?.value && !overrideAt(merge, ['build'])?.value && lookupKey(ctx, service, 'build') === undefined) return [];
  // With the default override merged: not when it sets a password or the method (its environment or env files), or
  // writes an entrypoint. In the override that writes the image (neither file building), the merged service too: its
  // image runs with the environment and entrypoint of both files (Compose merge, https://docs.docker.com/reference/compose-file/merge/).
  const view = mergedServiceView(ctx, service) ?? (merge?.inOverride && !merge.whole && !overrideAt(merge, ['build'])?.value ? { merge, commands: mergedCommands(merge), env: mergedEnv(merge) } : undefined);
  if (view && (view.commands.value === null || view.commands.value?.entrypoint || OLD_TRUST_VARS.some((n) => { const l = view.env.get(n); return l.state === 'unknown' || l.state === 'unknown-value' || (l.state === 'set' && l.value !== '') || view.env.fromOverride(l) || !!overrideAt(view.merge, ['environment', n])?.drops; }))) return [];
  // An `env_file:` may set the password (Compose passes its variables to the container): unless every
  // one is read and sets none of them, not this finding (review 10, probe dc-01; review 11, probe 16).
  // With the default override, the merged service's env files (mergedEnvFileRefs): the override's
  // `env_file: !reset`/`!override` drops this file's, and its own list adds to them.
  const files = view ? mergedEnvFileRefs(view) : envFileRefs(ctx, service);
  if (files.length > 0 && !envFilesSetNone(ctx, files, OLD_TRUST_VARS)) return [];
  const ref = serviceImage(ctx, service);
  if (!ref || !trustsWithoutPassword(ref)) return [];
  const named = byName(ctx.environment(service));
  for (const name of ['POSTGRES_PASSWORD', 'POSTGRES_PASSWORD_FILE', 'POSTGRES_HOST_AUTH_METHOD']) {
    const env = named.get(name);
    if (!env) continue;
    const r = resolve(ctx, env);
    // Set to something, or unknown: not this finding.
    if (r === null || r.value !== '') return [];
  }
  return [{ range: ctx.rangeOf(entry.value as Node), name: 'image', product: 'PostgreSQL', problem: { kind: 'old-trust', image: ref.text }, origin: { kind: 'inline' } }];
}

/**
 * Grafana's images on Docker Hub (`docker.io/`, `index.docker.io/` and `registry-1.docker.io/` name the same
 * repositories: parseImageRef): Grafana Labs' `grafana/grafana`, `grafana/grafana-oss` and
 * `grafana/grafana-enterprise` (Configure a Grafana Docker image, "Supported Docker image variants"), and Bitnami's.
 */
const GRAFANA_IMAGES = /^(?:grafana\/grafana(?:-oss|-enterprise)?|bitnami\/grafana)$/;

/**
 * The settings that may give Grafana's built-in admin another password than `admin`, or leave no password login for
 * it, each as the environment may set it: `GF_<SECTION>_<KEY>` (Grafana's environment overrides, applied only when not
 * empty: pkg/setting/setting.go applyEnvVariableOverrides, `len(envValue) > 0`), its `__FILE` form (the official image's
 * run.sh reads the file into the variable when the `__FILE` one is not empty), Bitnami's `_FILE` form
 * (grafana-env.sh) and Bitnami's `GRAFANA_CFG_<SECTION>_<KEY>`, which libgrafana.sh writes into grafana.ini.
 * - `password`: `[security] admin_password`, "The password of the default Grafana Admin. Set once on first-run.
 *   Default is `admin`" (Configure Grafana, [security]);
 * - `config`: another config file or home directory (`GF_PATHS_CONFIG`, `GF_PATHS_HOME`), whose files may set it;
 * - `switch`: true, the admin is not created (`[security] disable_initial_admin_creation`), or no Grafana password is
 *   accepted (`[auth] disable_login`: no Grafana password client at all, pkg/services/authn/authnimpl/registration.go),
 *   or the login form is turned off (`[auth] disable_login_form`: an OAuth or proxy-only setup; the form's client is not
 *   registered — Basic authentication on the HTTP API still accepts the password unless `[auth.basic] enabled = false`,
 *   which this rule does not require).
 */
const GRAFANA_SETTINGS: { key: string; kind: 'password' | 'config' | 'switch' | 'form' | 'basic' }[] = [
  { key: 'SECURITY_ADMIN_PASSWORD', kind: 'password' },
  { key: 'PATHS_CONFIG', kind: 'config' },
  { key: 'PATHS_HOME', kind: 'config' },
  { key: 'SECURITY_DISABLE_INITIAL_ADMIN_CREATION', kind: 'switch' },
  { key: 'AUTH_DISABLE_LOGIN', kind: 'switch' },
  { key: 'AUTH_DISABLE_LOGIN_FORM', kind: 'form' },
  { key: 'AUTH_BASIC_ENABLED', kind: 'basic' },
];

/** What go-ini's `MustBool` reads as true (the values Grafana's boolean settings take as true). */
const GO_INI_TRUE = /^(?:1|t|true|y|yes|on)$/i;
/** What go-ini's `MustBool` reads as false. */
const GO_INI_FALSE = /^(?:0|f|false|n|no|off)$/i;

/**
 * Where Grafana's configuration is read in the images: the official image's `/etc/grafana` (GF_PATHS_CONFIG,
 * `/etc/grafana/grafana.ini`) and its home's `conf/` (`/usr/share/grafana/conf/defaults.ini`), Bitnami's
 * `/opt/bitnami/grafana/conf` (and `/bitnami/grafana/conf`, its older persisted copy). A mount over one of them, inside
 * one, or over a directory above one may bring a grafana.ini that sets `admin_password`; not one inside the
 * provisioning directories (data sources, dashboards: no user's password).
 */
const GRAFANA_CONFIG_DIRS = ['/etc/grafana', '/usr/share/grafana/conf', '/opt/bitnami/grafana/conf', '/bitnami/grafana/conf'];

function grafanaConfigPath(target: string): boolean {
  const t = path.posix.normalize(target.trim()).replace(/\/+$/, '') || '/';
  if (!t.startsWith('/')) return true; // a relative target: unknown, may be anywhere
  return GRAFANA_CONFIG_DIRS.some((dir) => (isUnder(t, dir) && !isUnder(t, `${dir}/provisioning`)) || isUnder(dir, t));
}

/** Whether a service (one level of its `extends:` chain, as written in its file) mounts or may mount something over Grafana's configuration: a volume or a config. */
function mountsGrafanaConfig(ctx: ComposeContext, service: Service, volumes: readonly VolumeMount[]): boolean {
  for (const m of volumes) if (!m.target || m.target.value === null || grafanaConfigPath(m.target.value)) return true;
  const configs = seqItems(ctx, service.doc, ctx.serviceGet(service, 'configs'));
  if (ctx.serviceGet(service, 'configs')?.value && !configs) return true;
  for (const item of configs?.items ?? []) {
    // Short syntax: the config is mounted at `/<name>`; long syntax: at `target:`, else `/<source>` (Compose Specification, services › configs).
    const node = isMap(item.node) ? (ctx.get(service.doc, item.node, 'target')?.value ?? ctx.get(service.doc, item.node, 'source')?.value) : item.node;
    const name = resolvedScalar(ctx, node as Node | null | undefined);
    if (name === null || name === undefined || grafanaConfigPath(name.startsWith('/') ? name : `/${name}`)) return true;
  }
  return false;
}

/**
 * A Grafana service (its own `image:` one of GRAFANA_IMAGES) that runs with the built-in admin account `admin` /
 * `admin`: nothing in its merged environment — `environment:` and `env_file:` of the service, of the services it
 * extends, and of the default override — sets the admin password (GRAFANA_SETTINGS, or sets it empty, which Grafana
 * ignores), another config file or home, or a switch that leaves no password login for it; and nothing may: no env file
 * that cannot be read, no value Compose cannot resolve, no mount or config over Grafana's configuration
 * (GRAFANA_CONFIG_DIRS), no `command:` or `entrypoint:` (`cfg:default.security.admin_password=…` on Grafana's command
 * line, or another start), and not an image built with `pull_policy: build` (its Dockerfile may set ENV).
 */
function grafanaDefaultProblems(ctx: ComposeContext, service: Service): (Weak & { range: Range; name: string })[] {
  const entry = ctx.serviceGet(service, 'image');
  if (!entry?.value) return [];
  const ref = serviceImage(ctx, service);
  if (!ref || ref.registry !== null || !GRAFANA_IMAGES.test(ref.repository)) return [];
  // With `build:` and no `pull_policy`, Compose pulls the name first (oldTrustProblems): Grafana's images can always be pulled.
  if (buildAlwaysRuns(ctx, service)) return [];
  const merge = defaultMerge(ctx, service);
  // In the default file, an image the override replaces does not run: judged there (as oldTrustProblems).
  if (merge && !merge.inOverride && !merge.whole && overrideAt(merge, ['image'])?.value && !overrideAt(merge, ['build'])?.value && lookupKey(ctx, service, 'build') === undefined) return [];
  const view = mergedServiceView(ctx, service) ?? (merge?.inOverride && !merge.whole && !overrideAt(merge, ['build'])?.value ? { merge, commands: mergedCommands(merge), env: mergedEnv(merge) } : undefined);
  const judged = view ? view.merge.base : { ctx, service };
  const cmds = view ? view.commands.value : effectiveCommandsThrough(ctx, service);
  if (cmds === null || cmds?.entrypoint || cmds?.command) return [];
  const { chain, unknown } = extendsChain(judged.ctx, judged.service);
  if (unknown) return [];
  // The merged service's mounts (both files of the default pair), and those the services it extends write.
  if (mountsGrafanaConfig(ctx, service, view ? mergedVolumes(ctx, service) : serviceVolumes(ctx, service))) return [];
  if (view && view.merge.over.service !== service && mountsGrafanaConfig(view.merge.over.ctx, view.merge.over.service, [])) return [];
  if (view && view.merge.base.service !== service && mountsGrafanaConfig(view.merge.base.ctx, view.merge.base.service, [])) return [];
  for (const level of chain.slice(1)) if (mountsGrafanaConfig(level.ctx, level.service, serviceVolumes(level.ctx, level.service))) return [];
  const env = view ? view.env : new ExtendedEnv(ctx, service);
  let empty: string | undefined;
  let formOff = false;
  let basicOff = false;
  for (const { key, kind } of GRAFANA_SETTINGS) {
    for (const name of [`GF_${key}`, `GF_${key}__FILE`, `GF_${key}_FILE`, `GRAFANA_CFG_${key}`]) {
      const l = env.get(name);
      if (l.state === 'unset') continue;
      // The form or Basic authentication may be off: an unreadable env file, a value Compose cannot resolve, a file's content, Bitnami's grafana.ini line.
      const off = l.state !== 'set' || name.startsWith('GRAFANA_CFG_') || !name.endsWith(key) || (kind === 'basic' ? GO_INI_FALSE : GO_INI_TRUE).test(l.value.trim());
      if (kind === 'form' || kind === 'basic') {
        if (off && (l.state !== 'set' || l.value !== '')) { // an empty value is ignored (Grafana, the images' `__FILE`/`_FILE`)
          if (kind === 'form') formOff = true;
          else basicOff = true;
        }
        continue;
      }
      if (l.state !== 'set') return []; // may be set: an unreadable env file, a value Compose cannot resolve
      // Bitnami writes a GRAFANA_CFG_ value into grafana.ini as it is; another file's path may hold anything.
      if (name.startsWith('GRAFANA_CFG_') || kind === 'config') return [];
      // Empty, Grafana and both images' entrypoints ignore it (an empty `__FILE`/`_FILE` names no file).
      if (l.value === '') {
        if (name === `GF_${key}` && kind === 'password') empty = name;
        continue;
      }
      if (kind === 'password' || !name.endsWith(key) || GO_INI_TRUE.test(l.value.trim())) return [];
    }
  }
  // With the login form off, the password is still accepted by the HTTP API's Basic authentication unless that is off too.
  if (formOff && basicOff) return [];
  return [{ range: ctx.rangeOf(entry.value as Node), name: 'image', product: 'Grafana', problem: { kind: 'grafana-default', image: ref.text, ...(empty ? { empty } : {}) }, origin: { kind: 'inline' } }];
}

/**
 * The offsets of NAME's value (its quotes included) in a `.env` text, where Compose reads it: its last
 * definition (dotenvStatements). Undefined when there is none, or when the value runs over several
 * lines (no exact edit).
 */
export function dotenvValueOffsets(text: string, name: string): [number, number] | undefined {
  const last = dotenvStatements(text).filter((s) => s.key === name && !s.bare).pop();
  return last && !last.multiline ? [last.valueStart, last.valueEnd] : undefined;
}

/**
 * Changes that make the env file Compose reads for this compose file hold `NAME=value`: the value is
 * replaced in the file whose value wins (dotenvHolder), else the line is appended to (or creates) the
 * file fixes write (dotenvTarget: `.env` beside the file, or what an `include:` names); with
 * `companions`, also ignore that file in git and list NAME in its `.example`. `path` is that file;
 * undefined when it is unclear, or, with `companions`, when no `.gitignore` line would ignore it.
 */
function setDotenvChanges(ctx: ComposeContext, name: string, value: string, companions = true): { changes: FileChange[]; path: string } | undefined {
  const holder = dotenvHolder(ctx, name);
  const changes: FileChange[] = [];
  let envPath: string;
  // The generated password goes only where a secret may be kept: not into a template (`.env.example`) nor a file git tracks (review 40).
  if (holder && !mayHoldSecrets(ctx, holder.path)) return undefined;
  if (holder) {
    const at = dotenvValueOffsets(holder.text, name);
    if (!at) return undefined;
    const index = new LineIndex(holder.text);
    envPath = holder.path;
    changes.push({ kind: 'edit', path: envPath, edits: [{ range: index.rangeOf(at[0], at[1]), newText: value }] });
  } else {
    const target = dotenvTarget(ctx);
    if (!target || !mayHoldSecrets(ctx, target.path)) return undefined;
    envPath = target.path;
    if (target.text !== undefined) changes.push({ kind: 'edit', path: envPath, edits: [appendLineEdit(target.text, `${name}=${value}`)] });
    else changes.push({ kind: 'create', path: envPath, content: `${name}=${value}\n` });
  }
  if (!companions) return { changes, path: envPath };
  // No .gitignore line would make git ignore the env file (review 42d, item 3): no password is written there.
  const more = dotenvCompanions(ctx, [name], envPath);
  return more ? { changes: [...changes, ...more], path: envPath } : undefined;
}

/**
 * The copies of a weak password in the compose file that the fix rewrites with it, found as DC040's fix
 * finds them (moveCopies: the inline secrets with the same value under the same `.env` name, such as
 * the password in a client's `ME_CONFIG_MONGODB_URL` to the database), each rewritten to `${variable}`
 * so that they follow the generated password; and the inline secrets with the value that stay (DC040's
 * copiesLeft: one DC040 keeps under another name, `ME_CONFIG_MONGODB_ADMINPASSWORD`, or one it cannot
 * rewrite, a healthcheck's `mysqladmin -p…`), which the title names: what reads them would no longer
 * authenticate. The value elsewhere in the text (a label, a comment) is not named: a weak value is
 * most often also a user, database or service name (`postgres`, `openmeetings`). `ownEdits` and `ownMoved`
 * hold the fix's own edit of the file (none when the value is replaced in `.env` only); `edits` are those and the copies'.
 */
function weakCopies(ctx: ComposeContext, value: string, variable: string, ownEdits: TextEdit[], ownMoved: [number, number][]): { edits: TextEdit[]; rewritten: number; left: { name: string; line: number }[] } {
  const moves = moveCopies(ctx, value, variable, ownEdits, ownMoved);
  const rewritten = moves.count;
  const left: { name: string; line: number }[] = [];
  for (const c of moves.left()) {
    if (c.kind !== 'secret') continue;
    const at = c.secret.valueRange?.start ?? findingRanges(ctx).get(c.secret)?.start;
    left.push({ name: c.secret.source === 'configs' ? `config ${c.secret.name}` : c.secret.name, line: at ? at.line + 1 : 0 });
  }
  return { edits: moves.edits, rewritten, left };
}

/** The range of each inline secret's finding (findInlineSecrets), by its data, once per analysis. */
function findingRanges(ctx: ComposeContext): ReadonlyMap<InlineSecret, Range> {
  return ctx.memo(ctx, 'dc041FindingRanges', () => {
    const m = new Map<InlineSecret, Range>();
    // The first finding with the data, as a search of the list would find it.
    for (const f of findInlineSecrets(ctx)) if (!m.has(f.data)) m.set(f.data, f.range);
    return m;
  });
}

/**
 * The clients' copies of the password held by other env-file variables (Data.clientCopies: `DB_PASSWORD:
 * ${APP_DB_PASSWORD}` in the app, `APP_DB_PASSWORD=postgres` in `.env`), which would keep the old
 * password and lock the client out (review 42d, item 2). A copy is given the new password in the same
 * edit (its value replaced in the env file the fix writes, `set`) when it is clearly the same secret: a
 * copy of this password only, with the old value written as it is (not taken from another variable), in
 * that env file, and read by nothing but those clients — not elsewhere in the compose file (another
 * service, a secret made from it, a bare `- APP_DB_PASSWORD`), not by another compose file beside the
 * env file, a file the services extend or an env_file (DC040's dotenvReadersElsewhere), and the env file
 * not loaded whole by another service. Any other copy with the old value is named in the title ("…
 * (APP_DB_PASSWORD in .env keeps the old value: update it)"); one taken from the replaced variable
 * (`APP_DB_PASSWORD=${POSTGRES_PASSWORD}`) follows it and is neither.
 */
function clientEnvCopies(ctx: ComposeContext, data: Data, variable: string, weak: string, password: string, set: { changes: FileChange[]; path: string }): { rewritten: string[]; left: { name: string; file: string }[] } {
  const out: { rewritten: string[]; left: { name: string; file: string }[] } = { rewritten: [], left: [] };
  const dotenv = ctx.dotenv();
  for (const copy of data.clientCopies ?? []) {
    const w = copy.variable;
    if (w === variable || dotenv?.values.get(w) !== weak) continue;
    const raw = dotenv.vars.get(w);
    // Taken from the variable the fix replaces: it follows the new password.
    if (raw !== weak && raw !== undefined && variableReferences(raw).some((r) => r.name === variable)) continue;
    const holder = dotenvHolder(ctx, w);
    if (!holder) continue;
    const file = dotenvLabel(ctx, holder.path);
    const rewrite = copy.only && raw === weak && holder.path === set.path && holder.path === dotenvTarget(ctx)?.path && onlyClientsRead(ctx, w, copy.services, data.service);
    const at = rewrite ? dotenvValueOffsets(holder.text, w) : undefined;
    const change = set.changes.find((c) => c.kind === 'edit' && c.path === holder.path);
    const edit = at ? { range: new LineIndex(holder.text).rangeOf(at[0], at[1]), newText: password } : undefined;
    if (edit && change?.kind === 'edit' && !change.edits.some((e) => rangesOverlap(e.range, edit.range))) {
      change.edits.push(edit);
      out.rewritten.push(w);
    } else out.left.push({ name: w, file });
  }
  return out;
}

/**
 * Whether an env-file variable is read by nothing but the client services (and the store) in the compose
 * file: its `${…}` only inside those services, and nothing else in the project reads it or loads the env
 * file whole (see clientEnvCopies).
 */
function onlyClientsRead(ctx: ComposeContext, name: string, clients: readonly string[], store: string): boolean {
  const spans: [number, number][] = [];
  for (const client of new Set(clients)) {
    for (const s of ctx.servicesNamed(client)) {
      const r = s.map.range;
      if (!r) return false;
      spans.push([r[0], r[2]]);
    }
  }
  const readers = dotenvReadersElsewhere(ctx, [name], spans, true);
  return readers !== null && readers.length === 0 && !dotenvLoadedByOtherServices(ctx, [...clients, store]);
}

/** How a fix title names the env-file variables given the new password too (`, also as APP_DB_PASSWORD`). */
function alsoText(names: readonly string[]): string {
  if (names.length === 0) return '';
  return `, also as ${names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`}`;
}

/** How a fix title names the copies it rewrites (` and its copy`, ` and its 2 copies`). */
function copiesText(n: number): string {
  return n === 0 ? '' : n === 1 ? ' and its copy' : ` and its ${n} copies`;
}

/**
 * How a fix title says which copies keep the old value: the first one's name and where it is (its line
 * in the compose file, or the env file that holds it), and how many more. Never the value, nor a
 * service's name (it may be the value: `postgres`, which output masks).
 */
function leftText(left: readonly ({ name: string; line: number } | { name: string; file: string })[]): string {
  if (left.length === 0) return '';
  const first = left[0];
  const where = 'file' in first ? `${first.name} in ${first.file}` : first.line > 0 ? `${first.name} on line ${first.line}` : first.name;
  const n = left.length - 1;
  return n === 0 ? ` (${where} keeps the old value: update it)` : ` (${where} and ${n} more keep the old value: update them)`;
}

/** How each reason reads: of a known image's password, and of another image's secret (an application's key is no "password"). */
const REASON_TEXT: Record<WeakReason, { password: string; secret: string }> = {
  default: { password: 'a well-known default password', secret: 'a well-known default value' },
  common: { password: 'a common, easily guessed password', secret: 'a common, easily guessed value' },
  'same-as-user': { password: 'the same as its user name', secret: 'the same as its user name' },
  short: { password: 'shorter than 12 characters', secret: 'shorter than 12 characters' },
  placeholder: { password: "a template's placeholder, which the image takes as the password as written", secret: "a template's placeholder, which the application takes as written" },
  repeated: { password: 'one character repeated', secret: 'one character repeated' },
};

/** How a variable outside PASSWORD_VARS is named in messages. */
function ownSecretNoun(name: string): 'password' | 'secret' {
  return /(?:PASSWORD|PASSWD|PASS|PWD)$/i.test(name) ? 'password' : 'secret';
}

/**
 * A variable named for the data store a client connects to (its copy of the store's password): a store,
 * a driver or a data source in the name (`DB_PASS`, `PAPERLESS_DBPASS`, `SONAR_JDBC_PASSWORD`,
 * `SPRING_DATASOURCE_PASSWORD`, `PGPASSWORD`, `PDNS_gmysql_password`, phpMyAdmin's `PMA_PASSWORD`), or a
 * bare `PASSWORD` (Odoo's image passes it to the database). Not IBM MQ's `MQ_ADMIN_PASSWORD`, the broker's own
 * (review 25, probes 15-16).
 */
const STORE_CLIENT_NAME = /(?:^|_)(?:DB|DBPASS(?:WORD)?|DATABASE|DATASOURCE|JDBC|SQL|PG|PGPASS(?:WORD)?|POSTGRES?(?:QL)?|G?MYSQL|GPGSQL|MARIADB|MONGO(?:DB)?|REDIS|VALKEY|KEYDB|RABBITMQ|AMQP|CACHE|PMA)(?:_|$)|^(?:PASSWORD|PASS|PASSWD)$/i;

/**
 * Names where a reported `environment:` entry is written and the services that use it, when it is written
 * outside a service (an anchor in `x-common` that services merge with `<<: *common`) or more than one
 * service uses it: the services whose environment, merged as this rule reads it, holds the entry (review 42f, item 2).
 */
function withSharing<T extends { range: Range; data: Data }>(ctx: ComposeContext, out: T[]): T[] {
  if (!out.some((f) => f.data.env)) return out;
  // The lines the reported entries start on: an entry starting on another line is no reported entry, and needs no key.
  const lines = new Set<number>();
  for (const f of out) if (f.data.env) lines.add(f.data.env.range.start.line);
  // Each entry's users, by where it starts: one pass over the services (an anchored entry is in many).
  const users = new Map<string, Set<string>>();
  for (const s of ctx.services) {
    for (const e of ctx.environment(s)) {
      if (!lines.has(e.range.start.line)) continue;
      const key = `${e.range.start.line}:${e.range.start.character}`;
      const set = users.get(key);
      if (set) set.add(s.name);
      else users.set(key, new Set([s.name]));
    }
  }
  for (const f of out) {
    const at = f.data.env?.range.start;
    if (!at) continue;
    const sharing = placeOf(ctx, f.range, f.data.service, users.get(`${at.line}:${at.character}`) ?? new Set());
    if (sharing.users) f.data.sharing = sharing;
  }
  return out;
}

export default defineRule<'compose', Data>({
  code: 'DC041',
  name: 'weak-or-default-password',
  kind: 'compose',
  severity: 'error',
  fixable: 'sometimes',
  docs: {
    summary: 'A data store, Grafana or MinIO password is weak (a default, placeholder, common or short…) or not required.',
    what: 'Flags the password of a PostgreSQL, MySQL, MariaDB, MongoDB, RabbitMQ, Redis, Grafana or MinIO service (`POSTGRES_PASSWORD`, `MYSQL_ROOT_PASSWORD`, `MYSQL_PASSWORD`, `MARIADB_ROOT_PASSWORD`, `MARIADB_PASSWORD`, `MONGO_INITDB_ROOT_PASSWORD`, `RABBITMQ_DEFAULT_PASS`, `REDIS_PASSWORD`, `GF_SECURITY_ADMIN_PASSWORD`, `MINIO_ROOT_PASSWORD`, `MINIO_SECRET_KEY` and the Bitnami spellings) in `environment:` when it is a known default (`postgres`, `password`, `root`, `admin`, `changeme`, `secret`, `example`, `guest`, `minioadmin`, the images\' documentation examples…), a template\'s placeholder left in place (`<password>`, `{{db_password}}`, `your_password_here`, `your-secret-key-base-hex-64`, `change-this-password`, descriptive text such as `long-and-random-alphanumeric-string` or `random-string` (sameersbn/docker-gitlab\'s documented stand-ins; DC040 does not ask to move such a value to `.env`: it is not a secret), `!ChangeThisMercureHubJWTSecretKey!`, or a value that says it is not a secret, `notsecretkey`, `insecure-dev-key`, `django-insecure-…`: the image takes it as written), a common password (also with digits or punctuation around it: `postgres123`, or with only filler words around it: `dev-password`, `my_app_secret`; Microsoft\'s SQL Server samples `Pass@word` and `yourStrong(!)Password` count as common), the same as its user (`POSTGRES_USER`, `MYSQL_USER`, …, or the image\'s default user), or shorter than 12 characters. The value is read where Compose reads it: written inline, as the default of `${VAR:-default}` when `.env` does not set VAR, or from the `.env` beside the compose file, as Compose reads it (unquoted and double-quoted values interpolated from the lines above: `PG_PW=${PW}` is PW\'s value; single-quoted ones literal) — the finding is on the compose line that uses it, and the message names `.env`. A value Compose cannot resolve (no `.env`, a shell variable) is not reported, nor is an empty value (the images refuse to initialize with it: it is a placeholder to fill in). Also flags `MYSQL_ALLOW_EMPTY_PASSWORD` / `MARIADB_ALLOW_EMPTY_ROOT_PASSWORD` set (the entrypoints test for a non-empty string, so even `no` enables it when no root password is set) — not when the service gives root a password that cannot be empty (a value, one read from `.env`, or `${VAR:?…}`, as Laravel Sail writes it: the switch then changes nothing; from a variable that may be unset, the message says root has no password whenever that value is empty), and `POSTGRES_HOST_AUTH_METHOD: trust` (no password at all: reported here, as an error; DC050, which judges how passwords are checked — `md5`, `password` rather than SCRAM —, does not report it again where this rule reads it). Messages never contain the value. Also flags a weak password on a Redis, Valkey or KeyDB server\'s command line (`--requirepass`, `--masterauth`, in the service\'s own `command:` or `entrypoint:`, or in Redis Stack\'s `REDIS_ARGS` and Bitnami\'s `REDIS_EXTRA_FLAGS`/`VALKEY_EXTRA_FLAGS`), inline or interpolated from `.env`. A client service given the same weak password as a data store of the file (to connect with it: the store\'s own variable, or one named for a store, `DB_PASS`, `WORDPRESS_DB_PASSWORD`, `REDIS_PASSWORD`) is not reported again: the finding is on the data store; another password that happens to share the value (Airflow\'s web admin `_AIRFLOW_WWW_USER_PASSWORD`) is judged on its own. A MariaDB image\'s `MYSQL_*` password is named MariaDB\'s — the official `mariadb`, and images built on it or on MariaDB itself (`bitnami/mariadb`, `bitnami/mariadb-galera`, `linuxserver/mariadb`, `yobasystems/alpine-mariadb` and Nginx Proxy Manager\'s `jc21/mariadb-aria`, built on it), which count as data stores for the client copies below too. Variables passed through `env_file:` are not read. Through `extends:` the environment is merged with the base service\'s key by key: a user or root password set in the base counts, and a value written in the base is reported there. Any other image\'s password or secret that the deployment chooses for itself is judged too — a variable named like a password (`SA_PASSWORD`, `DB_PASS`, `ADMIN_PASSWORD`, `CLICKHOUSE_PASSWORD`) or an application\'s own secret or key (`SECRET_KEY`, `NEXTAUTH_SECRET`, `DRONE_RPC_SECRET`, `HASURA_GRAPHQL_ADMIN_SECRET`, `ENCRYPTION_KEY`, `MEILI_MASTER_KEY`, `APP_KEY`, GitLab\'s `*_KEY_BASE` and `*_KEY_DERIVATION_SALT`) — when it is a known default, a common value, a placeholder, the value of its user variable (`CLICKHOUSE_USER` beside `CLICKHOUSE_PASSWORD`), or one character repeated (`000…000`, `xxxxxx`, even `111`), but not for its length (what is long enough depends on the application). Credentials a provider issues are not judged (`*_TOKEN`, `*_API_KEY`, `*_ACCESS_KEY`, `*_CLIENT_SECRET`, `*_PRIVATE_KEY`, SMTP, IMAP and mail passwords): a stand-in there is rejected by the provider, it weakens nothing. Nor are switches (`MYSQL_RANDOM_ROOT_PASSWORD: "yes"`, `VNC_NO_PASSWORD: 1`), or a client\'s copy of a data store\'s password reported on the data store. Also flags a CockroachDB server started with `--insecure` in the service\'s own `command:` or `entrypoint:` (`start-single-node --insecure`): it authenticates no one and encrypts nothing. And a `postgres` image from before February 2020 — an exact release older than 12.2, 11.7, 10.12, 9.6.17, 9.5.21 or 9.4.26 (`postgres:9.5.6-alpine`), or any 9.3 and older — run with no `POSTGRES_PASSWORD`, `POSTGRES_PASSWORD_FILE` or `POSTGRES_HOST_AUTH_METHOD`: its entrypoint writes `host all all all trust` (docker-library/official-images PR 7474 made later images refuse to start instead); reported on the service\'s own `image:`, not through `extends:`, with a replaced entrypoint, or when the service has an `env_file:` that may set the password (one that cannot be read, or that sets `POSTGRES_PASSWORD`, `POSTGRES_PASSWORD_FILE` or `POSTGRES_HOST_AUTH_METHOD`). A value written in an anchor that several services use (`x-common: &common` merged with `<<: *common`) is reported once, where it is written, and the message names where and who uses it, the reported service first: `PostgreSQL password POSTGRES_PASSWORD in x-common (used by services \'db\' and \'web\')`. With the override `docker compose up` merges by default (`compose.override.yaml` beside `compose.yaml`, or `docker-compose.override.yml` beside `docker-compose.yml`; Compose merge, https://docs.docker.com/reference/compose-file/merge/) the merged service is read, from either file, and a value is reported in the file that writes it: an `environment:` entry of this file that the override replaces (the same name in its `environment:`) or drops (`NAME: !reset null`, `environment: !reset`/`!override`) is not judged, and a `NAME: !reset null` in the override is no value; the user beside a password and the root password beside `MYSQL_ALLOW_EMPTY_PASSWORD` are read from the other file too; the default file\'s image says which server runs the override\'s `command:` (a Redis `--requirepass`, CockroachDB\'s `--insecure`), whose `command:`/`entrypoint:` replaces this file\'s whole; an old `postgres` image is not reported when the override sets a password or the method, or writes an `entrypoint:`, an `image:` the override writes replaces this file\'s and is judged there, with the environment and `entrypoint:` of both files — also on a service this file builds: with both `build:` and `image:` and no `pull_policy`, Compose pulls the name first and builds only when it cannot be pulled (Compose Build Specification, Using build and image), and an official `postgres` name can always be pulled, so the pulled image runs (as DC004 judges it); with `pull_policy: build` (in either file, or beside `build:` in one) the build always runs and the name only tags it: not judged, and the env files read are the merged service\'s (the override\'s `env_file:` is appended to this file\'s; its `env_file: !reset` drops this file\'s, `env_file: !override` replaces them). A service the override resets or replaces whole (`!reset`/`!override` on the service) is judged in the override only. Also flags a Grafana service (`grafana/grafana`, `grafana/grafana-oss`, `grafana/grafana-enterprise` or `bitnami/grafana` from Docker Hub, also written `docker.io/…`) that sets no admin password, on its own `image:`: Grafana then creates its admin account as `admin` with password `admin` on first run (`[security] admin_password`: "Set once on first-run. Default is `admin`"), and the change the first sign-in asks for can be skipped (the change-password form\'s Skip button). The service\'s merged environment is read — `environment:` and `env_file:`, through `extends:` and with the default override. Not reported when it sets `GF_SECURITY_ADMIN_PASSWORD` (to anything but an empty value: Grafana applies an environment override only when it is not empty, so an empty one is reported, and the message says so), `GF_SECURITY_ADMIN_PASSWORD__FILE` (the official image\'s entrypoint reads the file into the variable), Bitnami\'s `GF_SECURITY_ADMIN_PASSWORD_FILE` or `GRAFANA_CFG_SECURITY_ADMIN_PASSWORD`, or another config file or home directory (`GF_PATHS_CONFIG`, `GF_PATHS_HOME`: its files may set `admin_password`); when one of these may be set (an env file that cannot be read, a value Compose cannot resolve, a variable passed through from the shell); when a volume or config is mounted over Grafana\'s configuration (`/etc/grafana`, `/etc/grafana/grafana.ini`, `/usr/share/grafana/conf`, Bitnami\'s `/opt/bitnami/grafana/conf`, or a directory above them; not the `provisioning` directories): the mounted grafana.ini may set `admin_password`, and it is not read; when the service has a `command:` or `entrypoint:` (Grafana\'s command line takes `cfg:default.security.admin_password=…`) or always builds its image (`pull_policy: build`: its Dockerfile may set the variable; with `build:` and no `pull_policy` the Grafana image, which can always be pulled, is what runs); and when no password sign-in is left for that admin: `GF_AUTH_DISABLE_LOGIN` or `GF_SECURITY_DISABLE_INITIAL_ADMIN_CREATION` true (as Grafana reads a boolean: `true`, `1`, `yes`, `on`…), or both the login form and Basic authentication off (`GF_AUTH_DISABLE_LOGIN_FORM` true and `GF_AUTH_BASIC_ENABLED` false). The login form off alone is still reported: Grafana still accepts the password through Basic authentication on its HTTP API (`curl -u admin:admin …/api/…`) unless `[auth.basic] enabled = false` (pkg/services/authn/authnimpl/registration.go registers the Basic client apart from the form). Anonymous access (`GF_AUTH_ANONYMOUS_ENABLED`), OAuth, LDAP or an auth proxy with the login form left on do not count: the admin still signs in with `admin`. Another registry\'s copy of the images is not recognized. An error, as the other missing passwords this rule reports (`trust`, an old `postgres` image, `--insecure`): anyone who reaches the port signs in as Grafana\'s server admin, who manages every data source and its credentials.',
    why: 'Default and guessable database credentials are the first thing scanners and ransomware bots try — an exposed PostgreSQL with `postgres`/`postgres` or a MongoDB with `root`/`example` is taken over within hours. SECURITY-GUIDELINES.md §4 Data Security (PostgreSQL): "Strong Passwords – Always change default credentials"; pre-deployment checklist: "Database passwords changed".',
    bad: 'services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_USER: app\n      POSTGRES_PASSWORD: postgres',
    good: 'services:\n  db:\n    image: postgres:17-alpine\n    environment:\n      POSTGRES_USER: app\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n# .env (git-ignored): POSTGRES_PASSWORD=<32 random letters and digits>',
    fix: '"Replace POSTGRES_PASSWORD with a generated password in .env" writes a new 32-character random password (letters and digits, from node:crypto) into the `.env` beside the compose file: it replaces the value `.env` holds, or — for an inline value — first moves it there (the compose value becomes `${POSTGRES_PASSWORD}`, `.env` is created if needed, `.gitignore` ignores `.env`, `.env.example` lists the name); for a default, `${VAR:-weak}` becomes `${VAR}` and `.env` gets VAR. The copies of the password that DC040\'s fix would move with it (the same value under the same `.env` name: the password in a client\'s connection string to the database, `ME_CONFIG_MONGODB_URL: mongodb://root:…@mongo:27017/` beside `MONGO_INITDB_ROOT_PASSWORD`, or in a `${VAR:-weak}` of another service) become the same `${VAR}` in the same edit, also when the value is replaced in `.env` ("Replace MONGO_INITDB_ROOT_PASSWORD and its copy with a generated password in .env"), so those clients log in with the new password. Another inline secret of the file with the old value that the fix does not rewrite — a client\'s own variable (the Docker Hub example\'s `ME_CONFIG_MONGODB_ADMINPASSWORD`), a copy in an anchor or in a healthcheck\'s `mysqladmin -p…` — is named in the title with its line, never with the value ("… (ME_CONFIG_MONGODB_ADMINPASSWORD on line 18 keeps the old value: update it)"): update it by hand, or the service that reads it no longer logs in (the value elsewhere in the text, a label or a comment, is not named: a weak value is most often also a user, database or service name). A client\'s copy held by another variable of the env file — one this rule does not report because it is the client\'s copy of the store\'s password, `DB_PASSWORD: ${APP_DB_PASSWORD}` in the app with `APP_DB_PASSWORD=postgres` in `.env` — is given the same new password in the same edit ("Replace POSTGRES_PASSWORD in .env with a generated password, also as APP_DB_PASSWORD") when it is clearly the same secret: a copy of this password only (not of another password with the same value, such as MySQL\'s root and user passwords), with the old value written as it is in the env file the fix writes, and read by nothing but the clients — not by another service or elsewhere in the compose file (a bare `- APP_DB_PASSWORD`, a secret made from it), another compose file beside the env file, a file the services extend or an `env_file:`, and the env file not loaded whole by another service (`env_file: .env`). Otherwise it is named in the title ("… (APP_DB_PASSWORD in .env keeps the old value: update it)"); one taken from the replaced variable (`APP_DB_PASSWORD=${POSTGRES_PASSWORD}`) follows it. For a file another compose file `include:`s, the env file is the one Compose takes the value from: the including project\'s `.env` when it defines the variable (its value wins over the include\'s env files: compose-go `loader/include.go`, `ApplyInclude`, `environment.Clone().Merge(envFromFile)`; for a nested include, the env files of the includes above come next), else the include\'s `env_file:` that holds the value, the last one for a new value, or the `.env` of its `project_directory` (as DC040); the message names that file. Not offered when the env file to write cannot be ignored in git (a `.gitignore` line is written escaped, as DR001\'s fix writes it, and checked: a name with a line break), when the env file to write is a template (`.env.example`, `.env.sample`…) or one git tracks (the generated password would be committed), when the value is inside an anchor or alias, is built from several variables, sits in a multi-line `.env` value, is taken in `.env` from another variable (`PG_PW=${PW}`: the variables that share PW would disagree), when the service\'s user is read from the same variable (`POSTGRES_USER: ${DB_PASSWORD}`: the new password would become the user name too), or for `*_ALLOW_EMPTY_*`, `trust` and CockroachDB\'s `--insecure` (set a password, or certificates, instead). For a server\'s `--requirepass`, offered only when the value comes from `.env` (`--requirepass ${REDIS_PASSWORD}`): move an inline one there first with DC040\'s fix. No fix for another image\'s password or secret: its format (hex, a length) and the services that must share it are not known. Never applied by fix-all: the images apply the password only when they initialize an empty data directory, so with an existing volume change it in the database as well (`ALTER USER … PASSWORD …`), and update clients that have the old password written elsewhere (another file, an `env_file:`). No fix for a Grafana service that sets no admin password: Grafana applies the password only when it creates its database, so with an existing data volume a generated one would not be the admin\'s (which the first sign-in may have changed), and writing `GF_SECURITY_ADMIN_PASSWORD: ${GRAFANA_ADMIN_PASSWORD:?…}` changes what the deployment needs before it starts: set it yourself, from `.env` or with `GF_SECURITY_ADMIN_PASSWORD__FILE` and a secret.',
    guideline: '§4 Data Security — PostgreSQL: "Strong Passwords – Always change default credentials"; checklist "Database passwords changed"',
    equivalents: ['KICS "Passwords And Secrets - Generic Password" (partly: finds literal passwords, not weak ones)', 'compose-lint CL-0020 (partly: literal credentials)', 'Checkov CKV_SECRET_* (partly)'],
    references: [
      'https://docs.docker.com/reference/compose-file/services/#extends',
      'https://hub.docker.com/_/postgres',
      'https://hub.docker.com/_/mysql',
      'https://hub.docker.com/_/mariadb',
      'https://hub.docker.com/_/mongo',
      'https://hub.docker.com/_/rabbitmq',
      'https://grafana.com/docs/grafana/latest/setup-grafana/configure-grafana/#admin_password',
      'https://grafana.com/docs/grafana/latest/setup-grafana/configure-grafana/#disable_initial_admin_creation',
      'https://grafana.com/docs/grafana/latest/setup-grafana/configure-docker/#configure-grafana-with-docker-secrets',
      'https://grafana.com/docs/grafana/latest/setup-grafana/sign-in-to-grafana/',
      'https://grafana.com/docs/grafana/latest/setup-grafana/configure-security/configure-authentication/grafana/',
      'https://github.com/grafana/grafana/blob/main/pkg/services/authn/authnimpl/registration.go',
      'https://github.com/bitnami/containers/tree/main/bitnami/grafana',
      'https://min.io/docs/minio/linux/reference/minio-server/settings/root-credentials.html',
      'https://docs.docker.com/reference/compose-file/interpolation/',
      'https://pages.nist.gov/800-63-4/sp800-63b.html',
      'https://www.cockroachlabs.com/docs/stable/cockroach-start-single-node',
      'https://github.com/docker-library/official-images/pull/7474',
    ],
  },
  check(ctx) {
    const out = [];
    const seen = new Set<string>();
    // A value several services share (an `x-` anchor merged into the database and its clients) is
    // reported once, for the data store it configures when one of them is.
    const stores = new Set(ctx.services.filter((s) => dataStoreOf(ctx, s)));
    // The weak passwords reported on data stores: a client given the same password to connect with
    // (supabase's studio with POSTGRES_PASSWORD) is not reported again.
    const onStores = new Set<string>();
    // The values reported on data stores, whatever the product: a client's own variable (`DB_PASS`) holding one is its copy.
    const storeValues = new Set<string>();
    // MySQL and MariaDB clients take the same variables.
    const keyOf = (f: Weak) => `${f.product === 'MariaDB' ? 'MySQL' : f.product}\u0000${f.value ?? ''}`;
    // The passwords reported on data stores, and the clients' copies of them read from an env file (`${APP_DB_PASSWORD}`):
    // tied together after the loop, for the fix to give the copies the new password too (review 42d, item 2).
    const storeFindings: { data: Data; key: string; value: string }[] = [];
    const envCopies: { variable: string; service: string; key: string | null; value: string }[] = [];
    const noteCopy = (service: Service, f: Weak) => {
      if (f.origin.kind === 'dotenv' && f.origin.variable && f.value !== undefined) envCopies.push({ variable: f.origin.variable, service: service.name, key: f.product ? keyOf(f) : null, value: f.value });
    };
    const noteStore = (service: Service, f: Weak, data: Data) => {
      if (stores.has(service) && f.product && f.value !== undefined) storeFindings.push({ data, key: keyOf(f), value: f.value });
    };
    const judged = (service: Service, f: Weak, name: string): boolean => {
      const key = keyOf(f);
      if (stores.has(service) && f.product) {
        if (f.value !== undefined) {
          onStores.add(key);
          storeValues.add(f.value);
        }
        return false;
      }
      if (f.value === undefined) return false;
      // A copy is a variable the client connects to a store with (`DB_PASS`, `WORDPRESS_DB_PASSWORD`,
      // `GITEA__database__PASSWD`), not another system's password that shares the value: Airflow's
      // web admin `_AIRFLOW_WWW_USER_PASSWORD: airflow` beside `POSTGRES_PASSWORD: airflow` (review 24, probe dc-08).
      return f.product ? onStores.has(key) : storeValues.has(f.value) && STORE_CLIENT_NAME.test(name);
    };
    for (const service of [...stores, ...ctx.services.filter((s) => !stores.has(s))]) {
      // The default override resets or replaces the whole service: gone, or the override's alone (judged there).
      const merge = defaultMerge(ctx, service);
      if (merge?.whole && !merge.inOverride) continue;
      for (const f of check(ctx, service)) {
        const key = `${f.env.range.start.line}:${f.env.range.start.character}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (judged(service, f, f.env.name)) {
          noteCopy(service, f);
          continue;
        }
        // The env file the value comes from (for an included file, maybe not the `.env` beside it).
        const holder = f.origin.kind === 'dotenv' && f.origin.variable ? dotenvHolder(ctx, f.origin.variable) : undefined;
        const dotenvFile = holder ? dotenvLabel(ctx, holder.path) : '.env';
        const data: Data = { service: service.name, name: f.env.name, product: f.product, problem: f.problem, origin: f.origin, dotenvFile, env: f.env, ...(f.place ? { valueRange: f.place } : {}) };
        noteStore(service, f, data);
        out.push({ range: f.env.range, data });
      }
      for (const f of oldTrustProblems(ctx, service)) {
        out.push({ range: f.range, data: { service: service.name, name: f.name, product: f.product, problem: f.problem, origin: f.origin, dotenvFile: '.env', env: null } });
      }
      for (const f of grafanaDefaultProblems(ctx, service)) {
        out.push({ range: f.range, data: { service: service.name, name: f.name, product: f.product, problem: f.problem, origin: f.origin, dotenvFile: '.env', env: null } });
      }
      for (const f of insecureModeProblems(ctx, service)) {
        out.push({ range: f.range, data: { service: service.name, name: f.name, product: f.product, problem: f.problem, origin: f.origin, dotenvFile: '.env', env: null } });
      }
      for (const f of commandPasswordProblems(ctx, service)) {
        if (judged(service, f, f.name)) continue;
        const holder = f.origin.kind === 'dotenv' && f.origin.variable ? dotenvHolder(ctx, f.origin.variable) : undefined;
        const data: Data = { service: service.name, name: f.name, product: f.product, problem: f.problem, origin: f.origin, dotenvFile: holder ? dotenvLabel(ctx, holder.path) : '.env', env: null, ...(f.place ? { valueRange: f.place } : {}) };
        noteStore(service, f, data);
        out.push({ range: f.range, data });
      }
    }
    for (const copy of envCopies) {
      // The store passwords it is a copy of, as judged: of the product's password (its key), or any store's with the value.
      const of = storeFindings.filter((st) => (copy.key !== null ? st.key === copy.key : st.value === copy.value));
      // One password, also when several findings read it from the same variable (two services of one database).
      const passwords = new Set(of.map((st) => (st.data.origin.kind === 'dotenv' && st.data.origin.variable ? st.data.origin.variable : st)));
      for (const { data } of of) {
        const copies = (data.clientCopies ??= []);
        const known = copies.find((c) => c.variable === copy.variable);
        if (!known) copies.push({ variable: copy.variable, services: [copy.service], only: passwords.size === 1 });
        else {
          if (!known.services.includes(copy.service)) known.services.push(copy.service);
          known.only &&= passwords.size === 1;
        }
      }
    }
    return withSharing(ctx, out);
  },
  secretRanges(d) {
    return d.valueRange ? [d.valueRange] : [];
  },
  message(d) {
    const from = d.origin.kind === 'dotenv' ? ` (value from ${d.dotenvFile}${d.origin.variable && d.origin.variable !== d.name ? `, ${d.origin.variable}` : ''})` : d.origin.kind === 'default' ? ' (the default of the interpolation)' : '';
    if (d.problem.kind === 'old-trust') return `PostgreSQL service '${d.service}' runs '${d.problem.image}', whose entrypoint predates February 2020 and, with no POSTGRES_PASSWORD set, trusts every connection: anyone who can connect logs in as any user without a password; set POSTGRES_PASSWORD and move to a current image (an existing data directory keeps its trust rule in pg_hba.conf until it is changed there).`;
    if (d.problem.kind === 'grafana-default') {
      const none = d.problem.empty ? `sets ${d.problem.empty} empty (Grafana ignores an empty value)` : 'sets no admin password (no GF_SECURITY_ADMIN_PASSWORD or GF_SECURITY_ADMIN_PASSWORD__FILE)';
      return `Grafana service '${d.service}' ${none}, so it runs '${d.problem.image}' with the built-in admin account 'admin' and password 'admin' (the change asked for at first login can be skipped): set GF_SECURITY_ADMIN_PASSWORD from .env (GF_SECURITY_ADMIN_PASSWORD: \${GRAFANA_ADMIN_PASSWORD}) or GF_SECURITY_ADMIN_PASSWORD__FILE with a secret, before the first start (Grafana sets it only once, when it creates its database).`;
    }
    if (d.problem.kind === 'insecure') return `CockroachDB service '${d.service}' runs with --insecure: any client that can connect logs in as any user, root included, without a password, and nothing is encrypted; start it with --certs-dir and a password for root.`;
    const of = ofService(d.service, d.sharing);
    if (d.problem.kind === 'trust') return `POSTGRES_HOST_AUTH_METHOD ${of} is 'trust'${from}: anyone who can connect logs in as any user without a password.`;
    if (d.problem.kind === 'allow-empty') {
      const note = d.problem.falsyLooking
        ? ' (the image treats any non-empty value as yes, and no root password is set)'
        : d.problem.rootMayBeEmpty
          ? ' whenever the root password it is given is empty (here it comes from a variable that may be unset)'
          : '';
      return `${d.name} ${of}${from} lets ${d.product} root log in without a password${note}.`;
    }
    if (!d.product) {
      const noun = ownSecretNoun(d.name);
      return `${noun === 'password' ? 'Password' : 'Secret'} ${d.name} ${of} is ${REASON_TEXT[d.problem.reason].secret}${from}; use a long random ${noun === 'password' ? 'password' : 'value'} (the same in every service that shares it).`;
    }
    return `${d.product} password ${d.name} ${of} is ${REASON_TEXT[d.problem.reason].password}${from}; use a long random password.`;
  },
  fix(ctx, { data }): Fix | undefined {
    if (data.problem.kind !== 'weak') return undefined;
    // Another image's secret: its format (hex, a length) and the services that must share it are not known.
    if (!data.product) return undefined;
    const env = data.env;
    const origin = data.origin;
    if (origin.kind === 'dotenv') {
      if (!origin.variable || userReads(ctx, data, origin.variable)) return undefined;
      // `PG_PW=${PW}` in .env: the value is PW's, which other variables may share (`APP_PW=${PW}` for the
      // client); replacing this line would split them (review 34, probe e02).
      const dotenv = ctx.dotenv();
      if (dotenv && dotenv.vars.get(origin.variable) !== dotenv.values.get(origin.variable)) return undefined;
      const weak = dotenv?.values.get(origin.variable);
      if (weak === undefined || weak === null) return undefined;
      const password = generateSecret(origin.variable);
      const set = setDotenvChanges(ctx, origin.variable, password, false);
      if (!set) return undefined;
      // Copies of the value written in the compose file now read the variable (`postgres://app:${PG_PW}@db/app`).
      const copies = weakCopies(ctx, weak, origin.variable, [], []);
      const clients = clientEnvCopies(ctx, data, origin.variable, weak, password, set);
      const own: FileChange[] = copies.edits.length > 0 ? [{ kind: 'edit', path: ctx.path, edits: copies.edits }] : [];
      return { title: `Replace ${origin.variable} in ${dotenvLabel(ctx, set.path)}${copiesText(copies.rewritten)} with a generated password${alsoText(clients.rewritten)}${leftText([...copies.left, ...clients.left])}${envFileIntoImageNote(ctx, set.path)}`, safe: false, changes: [...own, ...set.changes] };
    }
    if (!env || !env.editable || !env.valueOffsets || env.value === null) return undefined;
    let variable: string;
    let weak: string | null;
    let span: [number, number];
    if (origin.kind === 'inline') {
      variable = data.name;
      weak = literalValue(env.value);
      span = [env.valueOffsets[0], env.valueOffsets[1]];
    } else {
      const d = literalDefaults(env.value);
      if (d.length !== 1 || !origin.variable) return undefined;
      variable = d[0].name;
      weak = d[0].value;
      span = [env.valueOffsets[0] + d[0].start, env.valueOffsets[0] + d[0].end];
    }
    const edit = replaceInScalarEdit(ctx, span[0], span[1], `\${${variable}}`);
    if (!edit || weak === null || userReads(ctx, data, variable)) return undefined;
    const password = generateSecret(variable);
    const set = setDotenvChanges(ctx, variable, password);
    if (!set) return undefined;
    // The copies of the weak password in the file read the variable too, as DC040's fix rewrites them (review 41c, item 3).
    const copies = weakCopies(ctx, weak, variable, [edit], [span]);
    const clients = clientEnvCopies(ctx, data, variable, weak, password, set);
    return { title: `Replace ${data.name}${copiesText(copies.rewritten)} with a generated password in ${dotenvLabel(ctx, set.path)}${alsoText(clients.rewritten)}${leftText([...copies.left, ...clients.left])}${envFileIntoImageNote(ctx, set.path)}`, safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: copies.edits }, ...set.changes] };
  },
});
