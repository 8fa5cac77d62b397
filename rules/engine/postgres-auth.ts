/**
 * How a Postgres service built on the official image's entrypoint (postgres, postgis/postgis,
 * pgvector/pgvector, timescale/timescaledb) authenticates network clients, as that entrypoint decides:
 * - `initdb` runs once, on an empty data directory, with `POSTGRES_INITDB_ARGS`; it stores the
 *   superuser's password hashed with `password_encryption` — `md5` by default before PostgreSQL 14,
 *   `scram-sha-256` from 14 on — and switches that setting to `scram-sha-256` itself when
 *   `--auth`/`--auth-host`/`--auth-local` asks for scram-sha-256 (PostgreSQL 10–13).
 * - It then appends `host all all all <method>` to pg_hba.conf, where the method is
 *   `POSTGRES_HOST_AUTH_METHOD` if set, else the server's `password_encryption`
 *   (`postgres -C password_encryption` with the command's `-c` options).
 * So on PostgreSQL ≥ 14 network connections already use SCRAM unless something asks for md5; before
 * 14 they use md5 unless `POSTGRES_INITDB_ARGS` asks for scram-sha-256.
 * Image, build, environment and command are read through `extends:` as Compose merges them.
 * https://github.com/docker-library/postgres/blob/master/docker-entrypoint.sh
 * https://github.com/docker-library/postgres/pull/897
 * https://www.postgresql.org/docs/current/auth-password.html
 * https://www.postgresql.org/docs/current/app-initdb.html
 */
import type { ComposeContext, Service } from './compose';
import { effectiveCommandsThrough, ExtendedEnv, imageThrough } from './compose-lookup';
import type { ServiceEnv, EnvLookup } from './env-files';
import { withoutOfficialNamespace, type ImageRef } from './image';
import { builtBaseLoose, dataStoreOfLoose, serviceImageLoose, storeImageLoose } from './service-image';
import type { MergedServiceView } from './override-merge';

const RELEASE_WORDS = /^(?:latest|alpine[\d.]*|bookworm|bullseye|buster|stretch|trixie)$/;

/**
 * Whether a tag of the official postgres image names no version and is one of the image's moving, versionless tags
 * (`latest`, `alpine`, `alpine3.22`, `trixie`, `bookworm`, … : docker-library/official-images `library/postgres`),
 * which follow the newest major. Another tag without a leading version (`alpine-14`, which the image does not
 * publish) tells no version.
 */
export function postgresVersionlessTag(tag: string): boolean {
  return RELEASE_WORDS.test(tag);
}

/**
 * The PostgreSQL major version of an image that uses the official entrypoint; `latest` for moving
 * tags (always ≥ 14 today); null when the image is not one of those or the version cannot be told.
 */
export function postgresMajor(ref: ImageRef): number | 'latest' | null {
  const repo = withoutOfficialNamespace(ref.repository);
  const tag = ref.tag;
  if (repo === 'postgres') {
    if (tag === null) return ref.digest ? null : 'latest';
    const m = /^(\d+)(?:\.(\d+))?(?:[.-]|$)/.exec(tag);
    // Before 10 the major version had two parts (9.6).
    if (m) return Number(m[1]) < 10 && m[2] !== undefined ? Number(`${m[1]}.${m[2]}`) : Number(m[1]);
    return RELEASE_WORDS.test(tag) ? 'latest' : null;
  }
  if (repo === 'postgis/postgis') {
    if (tag === null) return ref.digest ? null : 'latest';
    const m = /^(\d+)-/.exec(tag);
    if (m) return Number(m[1]);
    return RELEASE_WORDS.test(tag) ? 'latest' : null;
  }
  if (repo === 'pgvector/pgvector' || repo === 'timescale/timescaledb') {
    if (tag === null) return ref.digest ? null : 'latest';
    const m = /(?:^|-)pg(\d+)(?:[.-]|$)/.exec(tag);
    if (m) return Number(m[1]);
    return tag === 'latest' ? 'latest' : null;
  }
  return null;
}

/**
 * The first release of each PostgreSQL major whose official image requires a password (February
 * 2020: 12.2, 11.7, 10.12, 9.6.17, 9.5.21, 9.4.26; docker-library/official-images PR 7474). Before it
 * the entrypoint wrote `host all all all trust` when POSTGRES_PASSWORD was not set.
 */
const FIRST_REQUIRING_PASSWORD: Record<string, number> = { '12': 2, '11': 7, '10': 12, '9.6': 17, '9.5': 21, '9.4': 26 };

/**
 * Whether a `postgres` image tag names a build whose entrypoint trusts every connection when no
 * password is set: an exact release older than FIRST_REQUIRING_PASSWORD (`postgres:9.5.6-alpine`,
 * `11.5`), or any tag of a major that ended before the change (`9.3`, `8.4`). Moving tags of the
 * majors above (`9.6`, `12-alpine`) were rebuilt with the new entrypoint.
 */
export function trustsWithoutPassword(ref: ImageRef): boolean {
  if (withoutOfficialNamespace(ref.repository) !== 'postgres' || ref.tag === null) return false;
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-|$)/.exec(ref.tag);
  if (!m) return false;
  const major = Number(m[1]);
  if (major < 9 || (major === 9 && m[2] !== undefined && Number(m[2]) < 4)) return true;
  if (major >= 13) return false;
  // From 10 on a release is major.minor; before, major.minor.patch.
  const line = major >= 10 ? m[1] : m[2] === undefined ? null : `${m[1]}.${m[2]}`;
  const release = major >= 10 ? m[2] : m[3];
  if (line === null || release === undefined) return false;
  const first = FIRST_REQUIRING_PASSWORD[line];
  return first !== undefined && Number(release) < first;
}

/** Whether an image runs the official Postgres entrypoint (the variables below mean what it says). */
export function usesOfficialPostgresEntrypoint(ref: ImageRef): boolean {
  const repo = withoutOfficialNamespace(ref.repository);
  return repo === 'postgres' || repo === 'postgis/postgis' || repo === 'pgvector/pgvector' || repo === 'timescale/timescaledb';
}

export interface InitdbAuth {
  /** The method initdb writes for `host` lines (`--auth-host`, else `--auth`/`-A`), or null. */
  host: string | null;
  local: string | null;
  /** Token offsets (inside the value) of a `--auth=<m>`/`--auth-host=<m>` method, for an exact replacement. */
  hostMethodAt: [number, number] | null;
}

/** Reads `--auth`, `-A`, `--auth-host`, `--auth-local` from an initdb argument string (word-split as the entrypoint does). */
export function parseInitdbAuth(args: string): InitdbAuth {
  const words: { text: string; start: number }[] = [];
  const re = /\S+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(args))) words.push({ text: m[0], start: m.index });
  let all: string | null = null;
  let allAt: [number, number] | null = null;
  let host: string | null = null;
  let hostAt: [number, number] | null = null;
  let local: string | null = null;
  for (let i = 0; i < words.length; i++) {
    const w = words[i].text;
    const long = /^--(auth|auth-host|auth-local)(?:=(.*))?$/.exec(w);
    let name: string | null = null;
    let value: string | null = null;
    let at: [number, number] | null = null;
    if (long) {
      name = long[1];
      if (long[2] !== undefined) {
        value = long[2];
        const s = words[i].start + w.length - value.length;
        at = [s, s + value.length];
      } else if (i + 1 < words.length) value = words[++i].text;
    } else if (w === '-A' && i + 1 < words.length) {
      name = 'auth';
      value = words[++i].text;
    } else if (w.startsWith('-A') && w.length > 2) {
      name = 'auth';
      value = w.slice(2);
    }
    if (name === null || value === null) continue;
    value = value.toLowerCase();
    if (name === 'auth') {
      all = value;
      allAt = at;
    } else if (name === 'auth-host') {
      host = value;
      hostAt = at;
    } else local = value;
  }
  return { host: host ?? all, local: local ?? all, hostMethodAt: host !== null ? hostAt : allAt };
}

export type PostgresProblem =
  /** POSTGRES_HOST_AUTH_METHOD names another method than scram-sha-256. */
  | 'host-auth-method'
  /** The command sets `password_encryption` to md5. */
  | 'password-encryption'
  /** POSTGRES_INITDB_ARGS asks initdb for md5/password on host connections. */
  | 'initdb-auth'
  /** PostgreSQL < 14 with nothing asking for scram-sha-256: passwords are stored and checked as md5. */
  | 'md5-default';

export interface PostgresAuthFacts {
  image: ImageRef;
  /** The image came from the Dockerfile the service builds. */
  viaBuild: boolean;
  /** null: the version is unknown (only explicit settings are judged). */
  major: number | 'latest' | null;
  env: ServiceEnv;
  hostAuthMethod: EnvLookup;
  initdbArgs: EnvLookup;
  initdb: InitdbAuth | null;
  /** `password_encryption` set by the command (`-c password_encryption=…`), lower-cased, or null. */
  commandEncryption: string | null;
  problems: PostgresProblem[];
  /** The value of POSTGRES_HOST_AUTH_METHOD when it is a problem. */
  method: string | null;
}

function passwordEncryptionFromCommand(cmds: ReturnType<typeof effectiveCommandsThrough>): string | null | 'unknown' {
  if (cmds === undefined) return null;
  if (cmds === null) return 'unknown';
  let found: string | null = null;
  for (const run of cmds.runs) {
    const words = run.args.map((a) => a.value);
    for (let i = 0; i < words.length; i++) {
      const w = words[i];
      if (w === null) continue;
      let setting: string | null = null;
      if (w === '-c' && i + 1 < words.length) setting = words[i + 1];
      else if (w.startsWith('-c') && w.length > 2 && !w.startsWith('--')) setting = w.slice(2);
      else if (w.startsWith('--')) setting = w.slice(2);
      if (setting === null) continue;
      const m = /^password[_-]encryption=(.*)$/i.exec(setting);
      if (m) found = m[1].trim().toLowerCase();
    }
  }
  return found;
}

/**
 * The authentication facts of a Postgres service, or undefined when it is not one this reading applies to. With
 * `view` (the default override merged: mergedServiceView), the merged service's: read on the base's service with
 * the merged environment and command (review 44d leftovers).
 */
export function postgresAuthFacts(here: ComposeContext, hereService: Service, view?: MergedServiceView): PostgresAuthFacts | undefined {
  const { ctx, service } = view ? view.merge.base : { ctx: here, service: hereService };
  const store = dataStoreOfLoose(ctx, service);
  if (!store || store.kind !== 'postgres') return undefined;
  // An image that cannot be resolved (or a base that cannot be read).
  if (!serviceImageLoose(ctx, service) && imageThrough(ctx, service) !== undefined) return undefined;
  // The image that names the store: the `image:`, or the base of the Dockerfile it builds (also beside an `image:` that
  // names no store, `image: myorg/db:1`), that base read with the service's `build.args` (storeImageLoose, builtBaseLoose).
  const loose = storeImageLoose(ctx, service);
  const viaBuild = loose !== null && loose === builtBaseLoose(ctx, service);
  // A built base whose tag is not known (a build argument without a value) is not judged.
  if (viaBuild && !loose.tagKnown) return undefined;
  const image = loose?.ref ?? null;
  if (!image || !usesOfficialPostgresEntrypoint(image)) return undefined;
  const major = loose && !loose.tagKnown ? null : postgresMajor(image);
  // SCRAM-SHA-256 arrived in PostgreSQL 10: before it md5 is the strongest method there is, and initdb
  // refuses --auth=scram-sha-256 (DC004 reports these versions as end of life).
  if (typeof major === 'number' && major < 10) return undefined;
  const env = view ? view.env : new ExtendedEnv(ctx, service);
  if (trustsWithoutPassword(image)) {
    // Before February 2020 the entrypoint wrote `host all all all trust` when no password was set: no
    // password is checked at all, as md5 or otherwise (DC041 reports the missing password), and
    // POSTGRES_HOST_AUTH_METHOD did not exist yet (django-on-docker's postgres:10.5-alpine).
    const empty = (l: EnvLookup) => l.state === 'unset' || (l.state === 'set' && l.value === '');
    if (empty(env.get('POSTGRES_PASSWORD')) && empty(env.get('POSTGRES_PASSWORD_FILE'))) return undefined;
  }
  const hostAuthMethod = env.get('POSTGRES_HOST_AUTH_METHOD');
  const initdbArgs = env.get('POSTGRES_INITDB_ARGS');
  const commandEncryption = passwordEncryptionFromCommand(view ? view.commands.value : effectiveCommandsThrough(ctx, service));
  if (hostAuthMethod.state === 'unknown' || hostAuthMethod.state === 'unknown-value' || commandEncryption === 'unknown') return undefined;
  const initdb = initdbArgs.state === 'set' ? parseInitdbAuth(initdbArgs.value) : null;
  const initdbKnown = initdbArgs.state === 'set' || initdbArgs.state === 'unset';
  const problems: PostgresProblem[] = [];

  const method = hostAuthMethod.state === 'set' ? hostAuthMethod.value.trim().toLowerCase() : '';
  if (method !== '' && method !== 'scram-sha-256') problems.push('host-auth-method');
  if (commandEncryption !== null && commandEncryption !== 'scram-sha-256') problems.push('password-encryption');
  if (initdb && initdb.host !== null && (initdb.host === 'md5' || initdb.host === 'password')) problems.push('initdb-auth');
  // What initdb stores the superuser's password with.
  const initdbAsksScram = !!initdb && (initdb.host === 'scram-sha-256' || initdb.local === 'scram-sha-256');
  if (major !== null && major !== 'latest' && major < 14 && initdbKnown && !initdbAsksScram) problems.push('md5-default');
  if (major === null) {
    // Without a version only explicit settings can be judged.
    const explicit = problems.filter((p) => p !== 'md5-default');
    if (explicit.length === 0) return undefined;
  }
  return { image, viaBuild, major, env, hostAuthMethod, initdbArgs, initdb, commandEncryption, problems, method: method || null };
}
