import * as path from 'node:path';
import type { ComposeContext, Service } from '../engine/compose';
import { effectiveCommandsThrough, ExtendedEnv, extendsChain, judgedWhereWritten, lookupKey, serverEntryRange } from '../engine/compose-lookup';
import { isUnder, normalizeHostPath, serviceVolumes } from '../engine/compose-volumes';
import { companionWrites } from '../engine/data-volumes';
import type { EnvLookup } from '../engine/env-files';
import { withoutOfficialNamespace } from '../engine/image';
import { defaultMerge, mergedCommandRange, mergedCommands, mergedEnv, mergedServiceView, overrideAt, touchRange, type DefaultMerge, type MergedServiceView, type OverrideTouch } from '../engine/override-merge';
import { defineRule } from '../engine/rule';
import type { CommandArg } from '../engine/service-command';
import { dataStoreOfLoose, serviceImageLoose } from '../engine/service-image';
import type { Range } from '../engine/types';

type Product = 'MongoDB' | 'Elasticsearch' | 'OpenSearch' | 'Cassandra' | 'ScyllaDB';

/**
 * Why the server asks no one for credentials: the official MongoDB image given no root user (so its
 * entrypoint does not add `--auth`), Bitnami's MongoDB given no password (`ALLOW_EMPTY_PASSWORD=yes`, or
 * none at all), or a search engine's security switched off by a setting.
 */
type Cause = 'no-root-user' | 'allow-empty' | 'no-password' | 'setting' | 'allow-all-authenticator' | 'transitional-authenticator';

interface Data {
  service: string;
  product: Product;
  cause: Cause;
  /**
   * The setting that turns security off, as written (`xpack.security.enabled=false`): a fixed spelling, never a secret.
   * For Cassandra, `CASSANDRA_AUTHENTICATOR` when the service sets that variable, which the official image does not read.
   */
  setting: string | null;
  /** ScyllaDB: the command writes --authenticator AllowAllAuthenticator as the last --authenticator (the one the entrypoint keeps). */
  written?: true;
  /**
   * The finding is caused by the default override and reported there (review mrg6a, item 3): it drops the
   * credentials the default file gives (`tag` on `key`), or its `image:` replaces the default file's. File names only.
   */
  override?: { file: string; base: string } & ({ how: 'drops'; tag: 'reset' | 'override'; key: string | null } | { how: 'image' });
}

type Tri = 'yes' | 'no' | 'unknown';

interface Facts {
  product: Product;
  /** Whether clients must authenticate. */
  auth: Tri;
  cause: Cause;
  setting: string | null;
  /** The environment entry that says it, when one does (reported there). */
  lookup?: EnvLookup;
  /** The command-line argument that says it, when one does (reported there). */
  arg?: CommandArg;
  /** ScyllaDB: `arg` is the last --authenticator written (Data.written). */
  written?: true;
  /** The environment names the answer is read from (a service that `extends:` another and sets none of them inherits the answer). */
  names: readonly string[];
  env: ExtendedEnv;
}

const MONGO_OFFICIAL = new Set(['mongo', 'mongodb/mongodb-community-server']);
const BITNAMI_MONGO = /^bitnami(?:legacy|secure)?\/mongodb$/;
const ELASTICSEARCH = new Set(['elasticsearch', 'elasticsearch/elasticsearch']);
const OPENSEARCH = new Set(['opensearchproject/opensearch']);

/** Where an environment lookup is reported: its entry, the `<<` key or base it comes through, or the env_file entry. */
function lookupRange(ctx: ComposeContext, l: EnvLookup): Range | null {
  if (l.state !== 'set' && l.state !== 'unknown-value') return null;
  return l.env ? l.env.range : (l.merged ?? (l.file ? ctx.rangeOf(l.file.node) : null));
}

/**
 * Whether a variable gives a value: 'yes' for a non-empty one; 'unknown' when it cannot be known (an
 * unresolved variable, a name passed through from the shell, an env_file that cannot be read; an empty
 * value read from an env_file, where a name alone takes the shell's value); 'no' when unset or empty.
 */
function given(l: EnvLookup): Tri {
  if (l.state === 'unset') return 'no';
  if (l.state !== 'set') return 'unknown';
  if (l.value.trim() !== '') return 'yes';
  return l.file ? 'unknown' : 'no';
}

/** Whether `NAME` or `NAME_FILE` gives a value (the images read either, `_FILE` from a file such as a Docker secret). */
function givenOrFile(env: ExtendedEnv, name: string): Tri {
  const a = given(env.get(name));
  const b = given(env.get(`${name}_FILE`));
  return a === 'yes' || b === 'yes' ? 'yes' : a === 'unknown' || b === 'unknown' ? 'unknown' : 'no';
}

function any(states: readonly Tri[]): Tri {
  return states.includes('yes') ? 'yes' : states.includes('unknown') ? 'unknown' : 'no';
}

const LOOPBACK_BIND = /^(?:localhost|127(?:\.\d{1,3}){3}|::1)$/;

/**
 * The words of the command the service gives the image's entrypoint (its own or through `extends:`):
 * undefined when it gives none (the image's default command), null when what runs cannot be read — a
 * replaced entrypoint, several runs or a shell script, a first word from a variable.
 */
function serverCommandWords(cmds: Commands): CommandArg[] | null | undefined {
  if (cmds === null || cmds?.entrypoint) return null;
  if (!cmds) return undefined;
  if (cmds.runs.length !== 1 || cmds.runs[0].viaShell) return null;
  const words = cmds.runs[0].args;
  const first = words[0]?.value;
  return first === null || first === undefined ? null : words;
}

/**
 * The official MongoDB image (and MongoDB's own mongodb-community-server, built the same way): its
 * entrypoint starts `mongod` with `--auth` when MONGO_INITDB_ROOT_USERNAME and MONGO_INITDB_ROOT_PASSWORD
 * (or their `_FILE` forms) are both given, and without it otherwise; it refuses to start with only one.
 * `--auth`, `--keyFile` ("keyFile implies security.authorization") or `--clusterAuthMode` on the command
 * line turn it on anyway; a `--config` file may, and is not read. A command that runs something else
 * than `mongod` (through a shell, `mongos`), a replaced entrypoint, or a `--bind_ip` on the loopback
 * address only (no other container reaches it) make the answer unknown.
 * https://github.com/docker-library/mongo/blob/master/docker-entrypoint.sh
 */
function officialMongoFacts(cmds: Commands, env: ExtendedEnv): Facts {
  const names = ['MONGO_INITDB_ROOT_USERNAME', 'MONGO_INITDB_ROOT_USERNAME_FILE', 'MONGO_INITDB_ROOT_PASSWORD', 'MONGO_INITDB_ROOT_PASSWORD_FILE'];
  const facts: Facts = { product: 'MongoDB', auth: 'unknown', cause: 'no-root-user', setting: null, names, env };
  const words = serverCommandWords(cmds);
  if (words === null) return facts;
  let args: CommandArg[] = [];
  if (words) {
    const first = words[0].value!;
    if (first.startsWith('-')) args = words;
    else if (path.posix.basename(first) === 'mongod') args = words.slice(1);
    else return facts;
  }
  let bindIp: string | null | undefined;
  let bindAll = false;
  for (let i = 0; i < args.length; i++) {
    const v = args[i].value;
    if (v === null) {
      // A whole word from a variable may be any option.
      if (args[i].raw.trim().startsWith('$')) return facts;
      continue;
    }
    if (/^--(?:auth|keyFile|clusterAuthMode)(?:=|$)/.test(v)) {
      facts.auth = 'yes';
      return facts;
    }
    if (/^--config(?:=|$)|^-f$/.test(v)) return facts;
    if (v === '--bind_ip_all') bindAll = true;
    else if (v === '--bind_ip') bindIp = args[i + 1]?.value ?? null;
    else if (v.startsWith('--bind_ip=')) bindIp = v.slice('--bind_ip='.length);
  }
  // Bound to the loopback address only: no other container or host reaches it.
  if (!bindAll && bindIp !== undefined) {
    if (bindIp === null || bindIp.split(',').every((a) => LOOPBACK_BIND.test(a.trim()))) return facts;
  }
  const user = givenOrFile(env, 'MONGO_INITDB_ROOT_USERNAME');
  const password = givenOrFile(env, 'MONGO_INITDB_ROOT_PASSWORD');
  if (user === 'yes' && password === 'yes') facts.auth = 'yes';
  // With one of them only, the entrypoint exits with an error: no server runs.
  else if (user === 'no' && password === 'no') facts.auth = 'no';
  return facts;
}

/**
 * Bitnami's MongoDB: its setup enables `security.authorization` when MONGODB_ROOT_PASSWORD, MONGODB_PASSWORD
 * or MONGODB_INITIAL_PRIMARY_ROOT_PASSWORD (or `_FILE` forms, or MONGODB_PRIMARY_ROOT_PASSWORD) is given;
 * with none of them the server runs without authentication (`ALLOW_EMPTY_PASSWORD=yes` says so, and is
 * what a user with a password but no root password needs). A replica-set key implies authentication; a
 * mounted configuration (`/bitnami/mongodb/conf`, `/opt/bitnami/mongodb/conf`, MONGODB_MOUNTED_CONF_DIR),
 * MONGODB_EXTRA_FLAGS that cannot be read, or a command or entrypoint of its own make it unknown.
 * https://github.com/bitnami/containers/blob/main/bitnami/mongodb/README.md
 */
function bitnamiMongoFacts(cmds: Commands, mounts: readonly { ctx: ComposeContext; service: Service }[], env: ExtendedEnv): Facts {
  const passwords = ['MONGODB_ROOT_PASSWORD', 'MONGODB_PASSWORD', 'MONGODB_INITIAL_PRIMARY_ROOT_PASSWORD', 'MONGODB_PRIMARY_ROOT_PASSWORD', 'MONGODB_REPLICA_SET_KEY'];
  const names = [...passwords.flatMap((n) => [n, `${n}_FILE`]), 'ALLOW_EMPTY_PASSWORD', 'MONGODB_EXTRA_FLAGS', 'MONGODB_MOUNTED_CONF_DIR'];
  const facts: Facts = { product: 'MongoDB', auth: 'unknown', cause: 'no-password', setting: null, names, env };
  if (cmds !== undefined) return facts;
  for (const m of mounts.flatMap((l) => serviceVolumes(l.ctx, l.service))) {
    const target = m.target?.value;
    if (target === null || target === undefined) return facts;
    const t = path.posix.normalize(target.trim()).replace(/\/+$/, '');
    if (/^\/(?:bitnami|opt\/bitnami)\/mongodb\/conf(?:\/|$)/.test(t)) return facts;
  }
  if (env.get('MONGODB_MOUNTED_CONF_DIR').state !== 'unset') return facts;
  const extra = env.get('MONGODB_EXTRA_FLAGS');
  if (extra.state === 'unknown' || extra.state === 'unknown-value') return facts;
  if (extra.state === 'set' && /(?:^|\s)--(?:auth|keyFile|clusterAuthMode|config)(?:[=\s]|$)/.test(extra.value)) return facts;
  const auth = any(passwords.map((n) => givenOrFile(env, n)));
  if (auth !== 'no') {
    facts.auth = auth;
    return facts;
  }
  facts.auth = 'no';
  const allow = env.get('ALLOW_EMPTY_PASSWORD');
  if (allow.state === 'set' && /^(?:yes|true|1)$/i.test(allow.value.trim())) {
    facts.cause = 'allow-empty';
    facts.lookup = allow;
  }
  return facts;
}

/** `-E name=value` / `-Ename=value` settings among a search engine's arguments, with the argument that holds each. */
function commandSettings(args: readonly CommandArg[]): Map<string, { value: string | null; arg: CommandArg }> {
  const out = new Map<string, { value: string | null; arg: CommandArg }>();
  for (let i = 0; i < args.length; i++) {
    const v = args[i].value;
    let setting: string | null | undefined;
    let arg = args[i];
    if (v === '-E') {
      arg = args[i + 1] ?? args[i];
      setting = args[i + 1]?.value;
      i++;
    } else if (v?.startsWith('-E')) setting = v.slice(2);
    else continue;
    if (setting === undefined) continue;
    if (setting === null) {
      out.set('?', { value: null, arg });
      continue;
    }
    const eq = setting.indexOf('=');
    if (eq > 0) out.set(setting.slice(0, eq).trim(), { value: setting.slice(eq + 1).trim(), arg });
  }
  return out;
}

/**
 * Elasticsearch and OpenSearch images (Elastic's and Docker Hub's `elasticsearch`, `opensearchproject/opensearch`)
 * with security turned off by a setting: `xpack.security.enabled=false`, or OpenSearch's
 * `plugins.security.disabled=true` and DISABLE_SECURITY_PLUGIN=true, given as an environment variable
 * (the entrypoints pass `a.b=c` variables to the server as `-Ea.b=c` settings) or as `-E` on the command
 * line. Only an explicit setting is read: Elasticsearch before 8.0 leaves security off by default, which
 * the file does not say, and a configuration file (`elasticsearch.yml`) is not read.
 * https://github.com/elastic/elasticsearch/blob/main/distribution/docker/src/docker/bin/docker-entrypoint.sh
 * https://github.com/opensearch-project/opensearch-build/blob/main/docker/release/config/opensearch/opensearch-docker-entrypoint-2.x.sh
 * https://docs.opensearch.org/2.11/security/configuration/disable
 */
function searchFacts(cmds: Commands, env: ExtendedEnv, product: 'Elasticsearch' | 'OpenSearch'): Facts {
  const key = product === 'Elasticsearch' ? 'xpack.security.enabled' : 'plugins.security.disabled';
  const off = product === 'Elasticsearch' ? 'false' : 'true';
  const names = product === 'Elasticsearch' ? [key] : [key, 'DISABLE_SECURITY_PLUGIN'];
  const facts: Facts = { product, auth: 'unknown', cause: 'setting', setting: null, names, env };
  const words = serverCommandWords(cmds);
  if (words === null) return facts;
  // Whether the entrypoint turns `a.b=c` variables into settings (it does when it starts the server itself).
  let envApplies = true;
  let args: CommandArg[] = [];
  if (words) {
    const first = words[0].value!;
    if (product === 'Elasticsearch') {
      if (first === 'eswrapper') args = words.slice(1);
      else if (path.posix.basename(first) === 'elasticsearch') {
        // `elasticsearch -E …` runs the server directly: whether the variables still apply depends on the version.
        envApplies = false;
        args = words.slice(1);
      } else return facts;
    } else if (first.startsWith('-')) args = words;
    else if (first === 'opensearch') args = words.slice(1);
    else return facts;
  }
  const fromCommand = commandSettings(args);
  if (fromCommand.has('?')) return facts;
  const written = fromCommand.get(key);
  if (written) {
    if (written.value === off) {
      facts.auth = 'no';
      facts.setting = `-E${key}=${written.value}`;
      facts.arg = written.arg;
    } else facts.auth = 'yes';
    return facts;
  }
  if (!envApplies) return facts;
  const lookups: [string, EnvLookup][] = names.map((n) => [n, env.get(n)]);
  for (const [name, l] of lookups) {
    if (l.state === 'unknown' || l.state === 'unknown-value') return facts;
    const switchOff = name === 'DISABLE_SECURITY_PLUGIN' ? 'true' : off;
    if (l.state === 'set' && l.value.trim() === switchOff) {
      facts.auth = 'no';
      facts.setting = `${name}=${l.value.trim()}`;
      facts.lookup = l;
      return facts;
    }
  }
  // Security on by the image's default or by a setting: not this rule's to judge further.
  facts.auth = 'yes';
  return facts;
}

/** Where the official cassandra image keeps its configuration: CASSANDRA_CONF (/etc/cassandra) and CASSANDRA_HOME (/opt/cassandra, whose conf links to it). */
const CASSANDRA_CONFIG_DIRS = ['/etc/cassandra', '/opt/cassandra'];

/**
 * The official Apache Cassandra image (`cassandra`): its cassandra.yaml keeps Cassandra's default `authenticator:
 * AllowAllAuthenticator`, which checks no credentials (CIS Apache Cassandra 3.11, 2.1; the Cassandra and DataStax docs:
 * `authenticator: PasswordAuthenticator` turns authentication on), and its entrypoint writes only the seeds, addresses,
 * cluster name, snitch, tokens, `start_rpc`, dc and rack from CASSANDRA_* variables (docker-library/cassandra's
 * docker-entrypoint.sh): no variable turns authentication on, CASSANDRA_AUTHENTICATOR included. So a service of that
 * image accepts every CQL client unless something the file does not show changes cassandra.yaml: a mount at or above
 * /etc/cassandra or /opt/cassandra (or one whose target cannot be read), `configs:`, a command other than the image's
 * `cassandra -f`, a replaced entrypoint, `-Dcassandra.config` in JVM_OPTS or JVM_EXTRA_OPTS, CASSANDRA_CONF,
 * CASSANDRA_CONFIG or CASSANDRA_HOME (another configuration), or CASSANDRA_RPC_ADDRESS on the loopback address only (no
 * other container reaches it): then unknown.
 * https://github.com/docker-library/cassandra/blob/master/docker-entrypoint.sh
 */
function cassandraFacts(cmds: Commands, levels: readonly { ctx: ComposeContext; service: Service }[], levelsUnknown: boolean, env: ExtendedEnv): Facts {
  const names = ['JVM_OPTS', 'JVM_EXTRA_OPTS', 'CASSANDRA_CONF', 'CASSANDRA_CONFIG', 'CASSANDRA_HOME', 'CASSANDRA_RPC_ADDRESS', 'CASSANDRA_AUTHENTICATOR'];
  const facts: Facts = { product: 'Cassandra', auth: 'unknown', cause: 'allow-all-authenticator', setting: null, names, env };
  if (levelsUnknown) return facts;
  const words = serverCommandWords(cmds);
  if (words === null) return facts;
  if (words) {
    const args = words[0].value === 'cassandra' ? words.slice(1) : words;
    if (!args.every((a) => a.value === '-f')) return facts;
  }
  if (configMayBeReplaced(levels, CASSANDRA_CONFIG_DIRS)) return facts;
  for (const name of ['CASSANDRA_CONF', 'CASSANDRA_CONFIG', 'CASSANDRA_HOME']) if (env.get(name).state !== 'unset') return facts;
  for (const name of ['JVM_OPTS', 'JVM_EXTRA_OPTS']) {
    const l = env.get(name);
    if (l.state === 'unknown' || l.state === 'unknown-value' || (l.state === 'set' && l.value.includes('-Dcassandra.config'))) return facts;
  }
  const rpc = env.get('CASSANDRA_RPC_ADDRESS');
  if (rpc.state === 'unknown' || rpc.state === 'unknown-value' || (rpc.state === 'set' && LOOPBACK_BIND.test(rpc.value.trim()))) return facts;
  facts.auth = 'no';
  if (env.get('CASSANDRA_AUTHENTICATOR').state !== 'unset') facts.setting = 'CASSANDRA_AUTHENTICATOR';
  return facts;
}

/**
 * Whether the service (at any level of its extends: chain) may bring a configuration of its own: `configs:`, or a
 * mount at or above one of `dirs` (or one whose target cannot be read).
 */
function configMayBeReplaced(levels: readonly { ctx: ComposeContext; service: Service }[], dirs: readonly string[]): boolean {
  for (const { ctx, service } of levels) {
    if (ctx.serviceGet(service, 'configs') !== undefined) return true;
    for (const m of serviceVolumes(ctx, service)) {
      const raw = m.target?.value;
      const target = raw === null || raw === undefined ? null : normalizeHostPath(raw.trim());
      if (target === null || dirs.some((d) => isUnder(target, d) || isUnder(d, target))) return true;
    }
  }
  return false;
}

/**
 * Where the scylladb/scylla image keeps what sets ScyllaDB's options: /etc/scylla (scylla.yaml), /etc/scylla.d (the
 * files the server's start script reads, docker.conf among them), the start scripts' /etc/default and /etc/sysconfig
 * files, and /opt/scylladb (the scripts themselves).
 */
const SCYLLA_CONFIG_PATHS = ['/etc/scylla', '/etc/scylla.d', '/etc/default/scylla-server', '/etc/sysconfig/scylla-server', '/opt/scylladb'];

/** ScyllaDB's built-in authenticator that asks no one for credentials, in both spellings scylla.yaml accepts. */
const SCYLLA_ALLOW_ALL = /^(?:org\.apache\.cassandra\.auth\.)?AllowAllAuthenticator$/;
/**
 * ScyllaDB's authenticator for moving to authentication without downtime: it checks the credentials a client gives and
 * still lets clients connect without any ("allowing clients to work with or without Authentication at the same time":
 * ScyllaDB, Enable and Disable Authentication Without Downtime).
 */
const SCYLLA_TRANSITIONAL = /^com\.scylladb\.auth\.TransitionalAuthenticator$/;
const SCYLLA_ALLOW_ALL_AUTHORIZER = /^(?:org\.apache\.cassandra\.auth\.)?AllowAllAuthorizer$/;

/**
 * The option a command-line word names and its value (`--name value` or `--name=value`) when the word is an option:
 * `name` is what is written before `=`; `value` undefined when the next word is not read as its value.
 */
function optionAt(words: readonly CommandArg[], i: number): { name: string; value: string | null | undefined; arg: CommandArg } | undefined {
  const w = words[i].value;
  if (w === null || !w.startsWith('--')) return undefined;
  const eq = w.indexOf('=');
  if (eq >= 0) return { name: w.slice(0, eq), value: w.slice(eq + 1), arg: words[i] };
  const next = words[i + 1];
  return { name: w, value: next === undefined ? undefined : next.value, arg: words[i] };
}

/** Whether `name` is `full` or a prefix of it at least `min` characters long (Python's argparse takes unambiguous prefixes). */
function namesOption(name: string, full: string, min: number): boolean {
  return name.length >= min && full.startsWith(name);
}

/**
 * ScyllaDB's image (`scylladb/scylla`): scylla.yaml leaves `authenticator` at ScyllaDB's default, AllowAllAuthenticator,
 * which performs no credentials checks (the image's Docker Hub description; ScyllaDB "Enable Authentication":
 * `authenticator: PasswordAuthenticator` in /etc/scylla/scylla.yaml turns it on). The image's entrypoint,
 * docker-entrypoint.py, reads only command-line options, no environment variable: `--authenticator` and `--authorizer`
 * (commandlineparser.py, argparse's parse_known_args) are passed to the server, as are the options it does not know
 * (scyllasetup.py writes both into /etc/scylla.d/docker.conf). So a service of that image accepts every CQL client
 * unless its command passes `--authenticator` with another class (`PasswordAuthenticator`: not reported; the last one
 * written counts, as argparse's `store` keeps the last value of a repeated option), or
 * something may change scylla.yaml or the options (then unknown): a mount at or above SCYLLA_CONFIG_PATHS (or one whose
 * target cannot be read), `configs:`, a replaced entrypoint, a command that is not options (its first word not an
 * option), a value from an unknown variable, `--options-file` or `--update-scylla-yaml`, SCYLLA_CONF or SCYLLA_HOME
 * (another configuration folder), `--authorizer` with another class than AllowAllAuthorizer, and `--rpc-address` on
 * the loopback address only (or `--listen-address` there without `--rpc-address`, which then takes its value): no
 * other container reaches it.
 * https://github.com/scylladb/scylladb/blob/master/dist/docker/commandlineparser.py
 */
function scyllaFacts(cmds: Commands, levels: readonly { ctx: ComposeContext; service: Service }[], levelsUnknown: boolean, env: ExtendedEnv): Facts {
  const names = ['SCYLLA_CONF', 'SCYLLA_HOME'];
  const facts: Facts = { product: 'ScyllaDB', auth: 'unknown', cause: 'allow-all-authenticator', setting: null, names, env };
  if (levelsUnknown) return facts;
  const words = serverCommandWords(cmds);
  if (words === null) return facts;
  let rpc: string | null | undefined;
  let listen: string | null | undefined;
  // The last --authenticator written (null: its value is not known), undefined when none is.
  let authenticator: { value: string; arg: CommandArg } | null | undefined;
  if (words) {
    if (!words[0].value!.startsWith('-')) return facts;
    for (let i = 0; i < words.length; i++) {
      if (words[i].value === null) return facts;
      const o = optionAt(words, i);
      if (!o) continue;
      if (o.name === '--options-file' || namesOption(o.name, '--update-scylla-yaml', 4)) return facts;
      // `--auth` (or a shorter prefix) names both --authenticator and --authorizer: argparse stops with "ambiguous
      // option" and the server never starts, so there is nothing to judge.
      if (namesOption(o.name, '--auth', 3)) return facts;
      if (namesOption(o.name, '--authenticator', 7)) {
        // argparse's `store` keeps the last value of a repeated option: each --authenticator replaces the one before
        // (review51 finding 3: `--authenticator PasswordAuthenticator --authenticator AllowAllAuthenticator` runs AllowAll).
        if (o.value === undefined) return facts;
        authenticator = o.value === null ? null : { value: o.value.trim(), arg: o.arg };
      } else if (namesOption(o.name, '--authorizer', 7)) {
        if (o.value === null || o.value === undefined || !SCYLLA_ALLOW_ALL_AUTHORIZER.test(o.value.trim())) return facts;
      } else if (o.name === '--rpc-address') rpc = o.value;
      else if (o.name === '--listen-address') listen = o.value;
    }
  }
  if (authenticator === null) return facts;
  if (authenticator) {
    const transitional = SCYLLA_TRANSITIONAL.test(authenticator.value);
    if (!transitional && !SCYLLA_ALLOW_ALL.test(authenticator.value)) {
      facts.auth = 'yes';
      return facts;
    }
    facts.cause = transitional ? 'transitional-authenticator' : 'allow-all-authenticator';
    // Written out, AllowAllAuthenticator (or TransitionalAuthenticator) is where the finding is reported.
    facts.arg = authenticator.arg;
    if (!transitional) facts.written = true;
  }
  const cql = rpc !== undefined ? rpc : listen;
  if (cql === null || (cql !== undefined && LOOPBACK_BIND.test(cql.trim()))) return facts;
  if (configMayBeReplaced(levels, SCYLLA_CONFIG_PATHS)) return facts;
  for (const name of names) if (env.get(name).state !== 'unset') return facts;
  facts.auth = 'no';
  return facts;
}

/** The `entrypoint:`/`command:` the service runs (effectiveCommandsThrough's shape). */
type Commands = ReturnType<typeof effectiveCommandsThrough>;

/**
 * What the rule knows of a service, or undefined when it runs none of the data stores the rule judges. With the
 * default override (mergedServiceView), the merged service's: read on the base's service with the merged command
 * and environment, and the mounts of both files (review 44d, F3).
 */
function authFacts(ctx: ComposeContext, service: Service, view: MergedServiceView | undefined, imageOf?: { ctx: ComposeContext; service: Service }): Facts | undefined {
  // The image is the base's (mergedServiceView), or the override's when it writes one (overImageView).
  const { ctx: c, service: s } = imageOf ?? (view ? view.merge.base : { ctx, service });
  const store = dataStoreOfLoose(c, s);
  if (!store || (store.kind !== 'mongo' && store.kind !== 'elasticsearch' && store.kind !== 'cassandra' && store.kind !== 'scylla')) return undefined;
  // A built image: its Dockerfile may set the variables, the command or the entrypoint.
  const image = serviceImageLoose(c, s)?.ref;
  if (!image) return undefined;
  const repo = withoutOfficialNamespace(image.repository);
  const env = view ? view.env : new ExtendedEnv(c, s);
  const cmds = view ? view.commands.value : effectiveCommandsThrough(c, s);
  if (MONGO_OFFICIAL.has(repo)) return officialMongoFacts(cmds, env);
  if (BITNAMI_MONGO.test(repo)) return bitnamiMongoFacts(cmds, view ? [view.merge.base, view.merge.over] : [{ ctx, service }], env);
  if (ELASTICSEARCH.has(repo)) return searchFacts(cmds, env, 'Elasticsearch');
  if (OPENSEARCH.has(repo)) return searchFacts(cmds, env, 'OpenSearch');
  if (repo === 'cassandra') {
    // The mounts of the service and of the services it extends (sequences Compose combines), or of both files of the default pair.
    const own = extendsChain(c, s);
    const levels = view ? [...extendsChain(view.merge.base.ctx, view.merge.base.service).chain, view.merge.over] : own.chain;
    const unknown = view ? extendsChain(view.merge.base.ctx, view.merge.base.service).unknown : own.unknown;
    return cassandraFacts(cmds, levels, unknown, env);
  }
  if (repo === 'scylladb/scylla') {
    const own = extendsChain(c, s);
    const levels = view ? [...extendsChain(view.merge.base.ctx, view.merge.base.service).chain, view.merge.over] : own.chain;
    const unknown = view ? extendsChain(view.merge.base.ctx, view.merge.base.service).unknown : own.unknown;
    return scyllaFacts(cmds, levels, unknown, env);
  }
  return undefined;
}

/**
 * The merged service when the default override writes its `image:` (and neither file builds): the override's image
 * runs with the merged command and environment (Compose merge: a scalar such as `image:` is replaced, `environment:`
 * merged by key, https://docs.docker.com/reference/compose-file/merge/#mapping). mergedServiceView leaves this case
 * out (the rules that judge each file as written); this rule judges it in the override, where the image is written.
 */
function overImageView(merge: DefaultMerge): MergedServiceView | undefined {
  if (merge.whole || !overrideAt(merge, ['image'])?.value) return undefined;
  const build = overrideAt(merge, ['build']);
  if (build?.value || (!build?.drops && lookupKey(merge.base.ctx, merge.base.service, 'build') !== undefined)) return undefined;
  return { merge, commands: mergedCommands(merge), env: mergedEnv(merge) };
}

/**
 * The override's drop that takes away credentials the default file's service gives (review mrg6a, item 3): one of
 * the names the answer is read from, set in the base (its `environment:` or an env file), that the override drops
 * (`NAME: !reset null`, `environment: !reset`/`!override`, or for a value from the base's env files `env_file:
 * !reset`/`!override`: Compose merge, Reset value / Replace value, https://docs.docker.com/reference/compose-file/merge/#reset-value).
 */
function droppedCredentials(view: MergedServiceView, facts: Facts): OverrideTouch | undefined {
  const baseEnv = new ExtendedEnv(view.merge.base.ctx, view.merge.base.service);
  const files = overrideAt(view.merge, ['env_file']);
  for (const n of facts.names) {
    const l = baseEnv.get(n);
    if (l.state === 'unset') continue;
    const env = overrideAt(view.merge, ['environment', n]);
    if (env?.drops) return env;
    if ((l.state === 'set' || l.state === 'unknown-value') && !l.env && l.file && files?.drops) return files;
  }
  return undefined;
}

/**
 * Whether the service itself writes something the answer is read from (its image or build, command or
 * entrypoint, env_file, or one of the names): a service that `extends:` another and writes none of them
 * has the answer of its base, reported there — unless a base is in a file that is not analyzed itself.
 */
function ownCause(ctx: ComposeContext, service: Service, facts: Facts): boolean {
  return judgedWhereWritten(ctx, service, ['image', 'build', 'command', 'entrypoint', 'env_file'], facts.names, facts.env);
}

/** What the finding says about the service, from its data. */
function mainMessage(d: Data): string {
  const risk = RISK[d.product];
  switch (d.cause) {
    case 'no-root-user':
      return `Service '${d.service}' runs MongoDB without authentication: with no MONGO_INITDB_ROOT_USERNAME and MONGO_INITDB_ROOT_PASSWORD the image does not start mongod with --auth, so ${risk}.`;
    case 'allow-empty':
      return `Service '${d.service}' sets ALLOW_EMPTY_PASSWORD=yes and no password: MongoDB runs without authentication, so ${risk}.`;
    case 'no-password':
      return `Service '${d.service}' gives Bitnami's MongoDB no password (MONGODB_ROOT_PASSWORD): it then runs without authentication, so ${risk}.`;
    case 'allow-all-authenticator':
      if (d.product === 'ScyllaDB' && d.written)
        return `Service '${d.service}' runs ScyllaDB without authentication: the last --authenticator its command passes, the one the image's entrypoint keeps, is AllowAllAuthenticator, which checks no credentials, so ${risk}.`;
      if (d.product === 'ScyllaDB')
        return `Service '${d.service}' runs ScyllaDB without authentication: the scylladb/scylla image keeps ScyllaDB's default authenticator, AllowAllAuthenticator, and its command passes no --authenticator PasswordAuthenticator, so ${risk}.`;
      return `Service '${d.service}' runs Cassandra without authentication: the official image keeps cassandra.yaml's authenticator: AllowAllAuthenticator${d.setting ? ` (its entrypoint does not read ${d.setting})` : ''} and no setting here changes it, so ${risk}.`;
    case 'transitional-authenticator':
      return `Service '${d.service}' runs ScyllaDB with --authenticator com.scylladb.auth.TransitionalAuthenticator, which still lets clients connect without credentials (it is meant for moving to PasswordAuthenticator), so ${risk}.`;
    default:
      return `Service '${d.service}' turns ${d.product} security off with ${d.setting}: no user or password is asked for, so ${risk}.`;
  }
}

/** Which file of the default pair causes the finding, when it is the override reported here (review mrg6a, item 3). */
function overrideNote(d: Data): string {
  const o = d.override;
  if (!o) return '';
  if (o.how === 'image') return ` The image is the one ${o.file} sets, which replaces the image: of ${o.base} when Compose merges the two.`;
  const what = o.key === null ? 'the whole service' : o.key;
  return ` ${o.file} ${o.tag === 'reset' ? 'resets' : 'replaces'} ${what} (!${o.tag}), dropping the credentials that ${o.base} sets.`;
}

const RISK: Record<Product, string> = {
  MongoDB: 'any container on its network, or anyone reaching a published port, can read, change and delete every database',
  Elasticsearch: 'any container on its network, or anyone reaching a published port, can read, change and delete every index',
  OpenSearch: 'any container on its network, or anyone reaching a published port, can read, change and delete every index',
  Cassandra: 'any container on its network, or anyone reaching a published port, can read, change and drop every keyspace',
  ScyllaDB: 'any container on its network, or anyone reaching a published port, can read, change and drop every keyspace',
};

export default defineRule<'compose', Data>({
  code: 'DC051',
  name: 'data-store-without-authentication',
  kind: 'compose',
  severity: 'warning',
  fixable: 'never',
  docs: {
    summary: 'A MongoDB, Cassandra or ScyllaDB service accepts unauthenticated clients, or Elasticsearch/OpenSearch security is off.',
    what:
      'Flags a MongoDB, Cassandra or ScyllaDB service that accepts clients without authentication, and an Elasticsearch or OpenSearch service whose security is explicitly turned off. MongoDB: the official `mongo` image (and MongoDB\'s `mongodb/mongodb-community-server`, which takes the same variables) started with no `MONGO_INITDB_ROOT_USERNAME` and `MONGO_INITDB_ROOT_PASSWORD` (nor their `_FILE` forms): its entrypoint adds `--auth` only when both are given; Bitnami\'s `bitnami/mongodb` with none of `MONGODB_ROOT_PASSWORD`, `MONGODB_PASSWORD`, `MONGODB_INITIAL_PRIMARY_ROOT_PASSWORD` (`ALLOW_EMPTY_PASSWORD=yes` is where it is reported when set). Elasticsearch and OpenSearch (Elastic\'s and Docker Hub\'s `elasticsearch`, `opensearchproject/opensearch`): `xpack.security.enabled=false`, `plugins.security.disabled=true` or `DISABLE_SECURITY_PLUGIN=true`, as an environment variable or a `-E` setting on the command line. Cassandra: the official `cassandra` image, whose cassandra.yaml keeps Cassandra\'s default `authenticator: AllowAllAuthenticator`, which asks no one for credentials (CIS Apache Cassandra 3.11 benchmark, 2.1; `authenticator: PasswordAuthenticator` turns authentication on), and whose entrypoint sets only the addresses, seeds, cluster name, snitch, tokens, `start_rpc`, dc and rack from `CASSANDRA_*` variables (docker-library/cassandra\'s docker-entrypoint.sh): no variable turns authentication on — `CASSANDRA_AUTHENTICATOR`, which other images read, is ignored, and the message says so when it is set. Reported unless the file shows something that may change cassandra.yaml. Bitnami\'s `bitnami/cassandra` uses `PasswordAuthenticator` by default (its README: `CASSANDRA_USER`/`CASSANDRA_PASSWORD`, default `cassandra`) and is not reported. ScyllaDB: the `scylladb/scylla` image, whose scylla.yaml leaves `authenticator` at ScyllaDB\'s default, `AllowAllAuthenticator`, which "performs no credentials checks" (the image\'s Docker Hub description, option `--authenticator`; ScyllaDB "Enable Authentication": `authenticator: PasswordAuthenticator` in /etc/scylla/scylla.yaml turns it on), and whose entrypoint (docker-entrypoint.py) takes its settings as command-line options, `--authenticator` among them, not from environment variables: reported unless the service\'s `command:` passes `--authenticator` (or `--authenticator=`, or an unambiguous prefix such as `--authent`) with another class such as `PasswordAuthenticator` — the last one written counts, as the entrypoint\'s argparse keeps the last value of a repeated option (its `store` action), so `--authenticator PasswordAuthenticator --authenticator AllowAllAuthenticator` is reported (an explicit `--authenticator AllowAllAuthenticator` is where it is reported, as is `com.scylladb.auth.TransitionalAuthenticator`, which checks the credentials a client gives and still lets clients connect without any: ScyllaDB, "Enable and Disable Authentication Without Downtime"). ' +
      'Not reported (not known): `--auth`, `--keyFile` or `--clusterAuthMode` on mongod\'s command line (authentication on), a `--config` file (not read), a command that runs something else than `mongod` (through a shell, `mongos`) or a replaced `entrypoint:`, `mongod --bind_ip` on the loopback address only (no other container reaches it), a variable that may hold a value (an unresolved `${…}`, a name passed through from the shell, an `env_file:` that cannot be read or that names the variable alone), a mounted Bitnami configuration or `MONGODB_EXTRA_FLAGS` with `--auth`; for Elasticsearch a command other than the image\'s `eswrapper` (an `elasticsearch …` started directly is judged by its own `-E` settings only: whether the variables still reach it depends on the version), for OpenSearch one other than `opensearch` or options; a built image (its Dockerfile may set the variables), and other images of these products; for Cassandra a mount at or above `/etc/cassandra` or `/opt/cassandra` (a cassandra.yaml of its own; also one whose target cannot be read, or one in the other file of the default pair when the two are not merged), `configs:`, a command other than the image\'s `cassandra -f` or a replaced `entrypoint:`, `-Dcassandra.config` in `JVM_OPTS`/`JVM_EXTRA_OPTS`, `CASSANDRA_CONF`, `CASSANDRA_CONFIG` or `CASSANDRA_HOME` (another configuration), `CASSANDRA_RPC_ADDRESS` on the loopback address only (no other container reaches it), and a built image; for ScyllaDB a mount at or above `/etc/scylla`, `/etc/scylla.d`, `/etc/default/scylla-server`, `/etc/sysconfig/scylla-server` or `/opt/scylladb` (a scylla.yaml, start options or scripts of its own; also one whose target cannot be read, or one in the other file of the default pair when the two are not merged), `configs:`, a replaced `entrypoint:`, a command whose first word is not an option, a command-line value from an unknown variable, `--options-file` or `--update-scylla-yaml` (another configuration), `--auth` or a shorter prefix of it (it names both `--authenticator` and `--authorizer`: the entrypoint\'s argparse stops with "ambiguous option" and no server runs), `SCYLLA_CONF` or `SCYLLA_HOME`, `--authorizer` with another class than `AllowAllAuthorizer`, `--rpc-address` on the loopback address only (or `--listen-address` there with no `--rpc-address`, which then takes its value: no other container reaches it), a built image, and ScyllaDB\'s other images (`scylladb/scylla-enterprise`, `scylladb/scylla-nightly`). Only one of the two root variables makes the official image refuse to start: no finding. Elasticsearch before 8.0 leaves security off by default and a mounted `elasticsearch.yml` may turn it off: neither is written in the compose file, so neither is reported. ' +
      'Values are read where Compose reads them: `environment:` (also through `<<` merges, interpolated with the `.env`), readable `env_file:` files, and through `extends:` (same file or another compose file of the workspace) merged as Compose merges them; a service that writes none of the settings itself is reported where they are written, in its base (on its own name when the base is in a file that is not analyzed). With the override `docker compose up` merges by default (`compose.override.yaml` beside `compose.yaml`, or `docker-compose.override.yml` beside `docker-compose.yml`; Compose merge, https://docs.docker.com/reference/compose-file/merge/) the merged service is judged, from either file: the override\'s `command:` or `entrypoint:` replaces this file\'s whole (`!reset` removes it), its `environment:` is merged by key (`NAME: !reset null` and `environment: !reset`/`!override` drop this file\'s entries), and the mounts of both files count. The finding is reported in the file that writes the deciding setting (or, in the override, on the key whose `!reset`/`!override` drops this file\'s root user or password, `env_file:` when it drops the env files that set them; the message then names both files), else in the file whose command runs (the override when it writes or drops `command:`/`entrypoint:`). A service the override resets or replaces whole is judged in the override only. When the override writes the service\'s `image:` (and neither file builds), that image is judged with the merged command and environment, in the override: on the deciding entry when the override writes it, else on its `image:`, the message saying the image is the override\'s. Where the two files are not merged as one service (the override writes its `build:`, a service another extends, a file another includes or extends, a Swarm stack), not reported when the other default file writes the service\'s `environment:`, `env_file:`, `command:`, `entrypoint:`, `image:` or `build:`: the merged service may differ. The finding is a warning whether or not a port is published, as DC052\'s for Redis: every container on the service\'s networks reaches it, and DC031 reports a published port on its own.',
    why:
      'A MongoDB, Cassandra, ScyllaDB, Elasticsearch or OpenSearch server without authentication gives every client that reaches it full control: read every document or index, change it, drop it. Such servers are among the most scanned and ransomed on the internet (automated campaigns wipe the data and leave a ransom note), and on a compose network every other container — a compromised web application included — reaches them by name. SECURITY-GUIDELINES.md §4 Data Security: "Strong Passwords – Always change default credentials" and "Access Control – Limit database user permissions" (without authentication every client is the superuser), and for Redis "Password Protection – Requires authentication", which holds for any data store.',
    bad: 'services:\n  mongo:\n    image: mongo:8.0\n    volumes:\n      - mongo-data:/data/db\nvolumes:\n  mongo-data:',
    good: 'services:\n  mongo:\n    image: mongo:8.0\n    environment:\n      MONGO_INITDB_ROOT_USERNAME: admin\n      MONGO_INITDB_ROOT_PASSWORD_FILE: /run/secrets/mongo_root_password\n    secrets:\n      - mongo_root_password\n    volumes:\n      - mongo-data:/data/db\nsecrets:\n  mongo_root_password:\n    file: ./secrets/mongo_root_password.txt\nvolumes:\n  mongo-data:',
    fix:
      'No fix. Adding credentials breaks every client that connects without them (the application\'s `mongodb://mongo:27017/app`, mongo-express, Kibana, Logstash, a search client), which must be given a user and password in the same change; the official MongoDB image applies `MONGO_INITDB_ROOT_*` only when it initializes an empty data directory (with an existing volume it starts with `--auth` and no user: create one first with `db.createUser()` through the localhost exception); Cassandra needs a cassandra.yaml with `authenticator: PasswordAuthenticator` (mounted at `/etc/cassandra/cassandra.yaml`, or a Dockerfile that edits it), after which the default superuser is `cassandra`/`cassandra` until you change it (and, on a cluster, a higher replication for the `system_auth` keyspace); ScyllaDB\'s image takes `--authenticator PasswordAuthenticator` (and `--authorizer CassandraAuthorizer` for permissions) in the service\'s `command:`, with the same default `cassandra`/`cassandra` superuser to replace; and Elasticsearch 8 with security on also needs a password for the `elastic` user (`ELASTIC_PASSWORD`) and, beyond a single node, TLS between the nodes. Set `MONGO_INITDB_ROOT_USERNAME` and `MONGO_INITDB_ROOT_PASSWORD` (from a secret, `_FILE`) or Bitnami\'s `MONGODB_ROOT_PASSWORD`, remove `xpack.security.enabled=false` / `DISABLE_SECURITY_PLUGIN=true` (OpenSearch 2.12 and later then need `OPENSEARCH_INITIAL_ADMIN_PASSWORD`), and update the clients\' connection settings.',
    guideline: '§4 Data Security — "Strong Passwords – Always change default credentials", "Access Control – Limit database user permissions"; Redis "Password Protection – Requires authentication"',
    equivalents: [
      'No compose linter checks this (KICS, Checkov, Trivy and compose-lint have no query for MongoDB or Elasticsearch authentication in Compose files)',
      'Elastic AutoOps "Elasticsearch security disabled" on a running cluster; KICS/Datadog "Fine-grained access control disabled for OpenSearch/Elasticsearch" for the managed service (Terraform)',
      'CIS Apache Cassandra 3.11 benchmark 2.1 "Ensure that authentication is enabled for Cassandra databases", on a node\'s cassandra.yaml',
      'ScyllaDB "Enable Authentication" procedure (`authenticator: PasswordAuthenticator` in scylla.yaml) on a node',
    ],
    references: [
      'https://hub.docker.com/_/mongo',
      'https://github.com/docker-library/docs/blob/master/mongo/content.md',
      'https://github.com/docker-library/mongo/blob/master/docker-entrypoint.sh',
      'https://www.mongodb.com/docs/manual/reference/program/mongod/#std-option-mongod.--auth',
      'https://www.mongodb.com/docs/manual/reference/configuration-options/#mongodb-setting-security.keyFile',
      'https://github.com/bitnami/containers/blob/main/bitnami/mongodb/README.md',
      'https://github.com/bitnami/containers/blob/main/bitnami/mongodb/8.0/debian-12/rootfs/opt/bitnami/scripts/libmongodb.sh',
      'https://www.elastic.co/guide/en/elasticsearch/reference/current/security-settings.html',
      'https://www.elastic.co/guide/en/elasticsearch/reference/current/docker.html',
      'https://docs.opensearch.org/2.11/security/configuration/disable',
      'https://hub.docker.com/_/cassandra',
      'https://github.com/docker-library/cassandra/blob/master/docker-entrypoint.sh',
      'https://cassandra.apache.org/doc/latest/cassandra/managing/operating/security.html#authentication',
      'https://www.tenable.com/audits/items/CIS_Apache_Cassandra_3.11_v1.0.0_L2_OS_Unix.audit:b9860d05f8c056748c9a336860e43af2',
      'https://docs.datastax.com/en/cassandra-oss/3.x/cassandra/configuration/secureConfigNativeAuth.html',
      'https://github.com/bitnami/containers/blob/main/bitnami/cassandra/README.md',
      'https://hub.docker.com/r/scylladb/scylla',
      'https://github.com/scylladb/scylladb/blob/master/dist/docker/commandlineparser.py',
      'https://github.com/scylladb/scylladb/blob/master/dist/docker/scyllasetup.py',
      'https://docs.scylladb.com/manual/stable/operating-scylla/security/authentication.html',
      'https://docs.scylladb.com/manual/stable/operating-scylla/security/runtime-authentication.html',
      'https://docs.scylladb.com/manual/stable/operating-scylla/procedures/tips/best-practices-scylla-on-docker.html',
      'https://github.com/opensearch-project/opensearch-build/blob/main/docker/release/config/opensearch/opensearch-docker-entrypoint-2.x.sh',
      'https://docs.docker.com/reference/compose-file/services/#extends',
    ],
  },
  check(ctx) {
    const out: { range: Range; data: Data }[] = [];
    for (const service of ctx.services) {
      // With the default override, the merged service (its command and environment as `docker compose up` merges
      // them), reported in the file whose value decides (review 44d, F3).
      const view = mergedServiceView(ctx, service);
      const merge = view ? view.merge : defaultMerge(ctx, service);
      // The override resets or replaces the whole service: gone, or the override's alone (judged there).
      if (!view && merge?.whole && !merge.inOverride) continue;
      // The override writes the image: the merged service is judged in the override, on its image (or on the entry there that decides).
      const imageView = !view && merge ? overImageView(merge) : undefined;
      if (imageView) {
        if (!imageView.merge.inOverride) continue;
        const facts = authFacts(ctx, service, imageView, imageView.merge.over);
        if (!facts || facts.auth !== 'no') continue;
        const image = ctx.serviceGet(service, 'image')!;
        let range: Range | null = null;
        if (facts.lookup && imageView.env.fromOverride(facts.lookup)) range = lookupRange(ctx, facts.lookup);
        else if (facts.arg && overrideAt(imageView.merge, ['command'])?.value) range = ctx.lines.rangeOf(facts.arg.start, facts.arg.end);
        out.push({ range: range ?? ctx.rangeOfPair(image.pair), data: { service: service.name, product: facts.product, cause: facts.cause, setting: facts.setting, ...(facts.written ? { written: true as const } : {}), override: { file: path.basename(ctx.path), base: path.basename(imageView.merge.base.ctx.path), how: 'image' } } });
        continue;
      }
      const facts = authFacts(ctx, service, view);
      if (!facts || facts.auth !== 'no') continue;
      // Not merged as one service (the override writes the image): the override may give it credentials or a command.
      // For Cassandra and ScyllaDB also its mounts and configs there, which may replace cassandra.yaml or scylla.yaml.
      const companionKeys = ['environment', 'env_file', 'command', 'entrypoint', 'image', 'build', ...(facts.product === 'Cassandra' || facts.product === 'ScyllaDB' ? ['volumes', 'configs'] : [])];
      if (!view && !merge?.whole && companionWrites(ctx, service, companionKeys)) continue;
      const inOverride = !!view?.merge.inOverride;
      // A setting the base writes that the override drops (`NAME: !reset null`, `environment: !override`) decides.
      let dropped: OverrideTouch | undefined;
      if (view && !facts.lookup && !facts.arg) dropped = droppedCredentials(view, facts);
      // The file that writes the deciding entry (or drops it), else the one whose command runs.
      const decider = dropped ? true : facts.lookup ? !!view && view.env.fromOverride(facts.lookup) : !!view?.commands.fromOverride;
      if (decider !== inOverride) continue;
      // Through `extends:`, settings that are all inherited are reported where they are written (the base).
      if (!inOverride && !ownCause(ctx, service, facts)) continue;
      let range: Range | null = null;
      if (dropped) range = touchRange(ctx, dropped, service);
      else if (facts.lookup) range = lookupRange(ctx, facts.lookup);
      // In the override, the argument is its own when it writes `command:` (else the base's, which it keeps).
      else if (facts.arg && (!inOverride || overrideAt(view!.merge, ['command'])?.value)) range = ctx.lines.rangeOf(facts.arg.start, facts.arg.end);
      range ??= view && inOverride ? mergedCommandRange(view.merge) : serverEntryRange(ctx, service);
      const override = dropped?.drops ? { file: path.basename(ctx.path), base: path.basename(view!.merge.base.ctx.path), how: 'drops' as const, tag: dropped.drops.tag, key: dropped.drops.key } : undefined;
      out.push({ range: range ?? ctx.rangeOf(service.nameNode), data: { service: service.name, product: facts.product, cause: facts.cause, setting: facts.setting, ...(facts.written ? { written: true as const } : {}), ...(override ? { override } : {}) } });
    }
    return out;
  },
  message(d) {
    return mainMessage(d) + overrideNote(d);
  },
});
