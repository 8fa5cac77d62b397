/**
 * What a Redis-family service (Redis, Valkey, KeyDB; official, Bitnami and Redis Stack images) is
 * configured with: whether clients must authenticate, whether AOF persistence is on, and whether the
 * instance is configured as a pure cache. Read from, in Redis' own order of precedence:
 * - the server's command-line options (`command:` / `entrypoint:`, string or list form, also inside
 *   `sh -c "…"`): `--requirepass`, `--appendonly`, `--save`, `--maxmemory-policy`, `--aclfile`, `--user`;
 * - a config file given as the first argument (`redis-server /usr/local/etc/redis/redis.conf`) when it is
 *   bind-mounted from the workspace (`requirepass`, `appendonly`, `aclfile`, `user`, …);
 * - the image's own environment variables: Bitnami's `REDIS_PASSWORD` / `VALKEY_PASSWORD` (+ `_FILE`),
 *   `ALLOW_EMPTY_PASSWORD`, `REDIS_AOF_ENABLED` / `VALKEY_AOF_ENABLED` (default yes), and Redis Stack's
 *   `REDIS_ARGS`.
 * Anything that cannot be read (an unmounted config file, a custom entrypoint script, an unreadable
 * env_file, a built image's own CMD) makes the answer `unknown`, never a finding.
 * https://redis.io/docs/latest/operate/oss_and_stack/management/config/
 * https://hub.docker.com/_/redis
 */
import * as path from 'node:path';
import type { ComposeContext, Service } from './compose';
import { scalarString } from './compose';
import { effectiveCommandsThrough, ExtendedEnv, judgedWhereWritten, lookupKey } from './compose-lookup';
import type { ServiceEnv, EnvLookup } from './env-files';
import { withoutOfficialNamespace, type ImageRef } from './image';
import { bindMounts, hostPathOf } from './mounts';
import { dataStoreOfLoose, serviceImageLoose } from './service-image';
import { commandValue, programArgs, type CommandArg, type CommandValue } from './service-command';
import { defaultMerge, mergedServiceView, type MergedCommands, type MergedServiceView } from './override-merge';

export type { MergedCommands } from './override-merge';

export type RedisFamily = 'official' | 'bitnami' | 'stack' | 'other';

export type Tri = 'yes' | 'no' | 'unknown';

export interface RedisFacts {
  family: RedisFamily;
  /** The server program of the image (`redis-server`, `valkey-server`, `keydb-server`). */
  server: string;
  image: ImageRef | null;
  /** Whether clients must authenticate (requirepass, ACL users, Bitnami password). */
  auth: Tri;
  /** Whether AOF persistence is on. */
  aof: Tri;
  /** `--requirepass` is written on the command line (possibly empty). */
  requirepassWritten: boolean;
  /** `--appendonly` is written on the command line. */
  appendonlyWritten: boolean;
  /** The values of `--requirepass` / `--masterauth` written on the server's command line (not those of REDIS_ARGS). */
  passwordArgs: { option: 'requirepass' | 'masterauth'; arg: CommandArg; viaShell: boolean }[];
  /** `--appendonly no` written in the command: the argument `no` (for an exact replacement), when it is written plainly. */
  aofOffArg: CommandArg | null;
  /** Configured as a cache: `save ""` or an `allkeys-*` eviction policy, and AOF not asked for. */
  cache: boolean;
  /**
   * Runs Redis Sentinel (`redis-sentinel sentinel.conf`, `redis-server sentinel.conf --sentinel`), which
   * monitors other servers and keeps no dataset: its state is written back into its config file.
   * https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/
   */
  sentinel: boolean;
  /**
   * The directory the server writes its RDB and AOF files to when `dir` is set (`--dir /path` or `dir`
   * in the config file), absolute (a relative one resolves against the working directory): undefined
   * when it is not set (the image's working directory, /data), null when it cannot be known.
   */
  dir: string | null | undefined;
  /** The `command:` of the service (undefined when not set). */
  command: CommandValue | undefined;
  entrypoint: CommandValue | undefined;
  /** The server's options come straight from `command:` (not through a shell or a custom entrypoint): options can be appended to it. */
  commandIsServerArgs: boolean;
  /** Neither `command:` nor `entrypoint:` is set and the image's default command is the plain server: a command can be created. */
  defaultCommand: boolean;
  env: ServiceEnv;
  /** Bitnami: the `ALLOW_EMPTY_PASSWORD=yes` entry. */
  allowEmptyPassword: EnvLookup | null;
  /** Bitnami: the `*_AOF_ENABLED=no` entry. */
  aofDisabledEnv: EnvLookup | null;
}


function familyOf(ref: ImageRef | null): { family: RedisFamily; server: string } {
  if (!ref) return { family: 'other', server: 'redis-server' };
  const repo = withoutOfficialNamespace(ref.repository);
  const valkey = /valkey/.test(repo);
  const keydb = /keydb/.test(repo);
  const server = valkey ? 'valkey-server' : keydb ? 'keydb-server' : 'redis-server';
  if (/^bitnami(?:legacy|secure)?\//.test(repo)) return { family: 'bitnami', server };
  if (/^redis\/redis-stack(?:-server)?$/.test(repo)) return { family: 'stack', server: 'redis-stack-server' };
  if (repo === 'redis' || repo === 'valkey/valkey' || repo === 'valkey' || repo === 'eqalpha/keydb' || repo === 'keydb') return { family: 'official', server };
  return { family: 'other', server };
}

const SERVERS = /^(?:redis-server|valkey-server|keydb-server|redis-stack-server)$/;
const SENTINELS = /^(?:redis|valkey|keydb)-sentinel$/;

/** Options of a server command line: `--name value…` groups (and `--name=value`), plus the leading config file. */
export interface ServerOptions {
  configFile: CommandArg | null;
  options: Map<string, { name: CommandArg; values: CommandArg[] }>;
}

export function parseServerArgs(args: readonly CommandArg[]): ServerOptions {
  const options = new Map<string, { name: CommandArg; values: CommandArg[] }>();
  let configFile: CommandArg | null = null;
  let current: { name: CommandArg; values: CommandArg[] } | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const v = a.value ?? a.raw;
    if (v.startsWith('--') && v.length > 2 && /\s/.test(v.trim())) {
      // One list item holding `--name value` (Redis joins its arguments into config lines, so this works).
      const [head, ...rest] = v.trim().split(/\s+/);
      current = { name: a, values: rest.map((w) => ({ value: a.value === null ? null : w, raw: w, start: a.start, end: a.end, exact: false })) };
      options.set(head.slice(2).toLowerCase(), current);
      continue;
    }
    if (v.startsWith('--') && v.length > 2) {
      const eq = v.indexOf('=');
      const name = (eq === -1 ? v.slice(2) : v.slice(2, eq)).toLowerCase();
      current = { name: a, values: [] };
      if (eq !== -1) current.values.push({ ...a, value: a.value === null ? null : v.slice(eq + 1), exact: false });
      options.set(name, current);
      continue;
    }
    if (current) current.values.push(a);
    else if (i === 0 && configFile === null) configFile = a;
  }
  return { configFile, options };
}

/** Directives of a redis.conf text (last one wins), or null when it includes other files we do not follow. */
export function parseRedisConf(text: string): Map<string, string[]> | null {
  const out = new Map<string, string[]>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const words = splitConfWords(line);
    if (words.length === 0) continue;
    const name = words[0].toLowerCase();
    if (name === 'include') return null;
    out.set(name, words.slice(1));
  }
  return out;
}

function splitConfWords(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? m[3]));
  return out;
}

function isYes(v: string | null | undefined): boolean | null {
  if (v === null || v === undefined) return null;
  if (/^yes$/i.test(v)) return true;
  if (/^no$/i.test(v)) return false;
  return null;
}

/** The facts for a Redis-family service, or undefined when the service is not one. */
export function redisFacts(ctx: ComposeContext, service: Service, merged?: MergedCommands): RedisFacts | undefined {
  // `merged`: the commands the service runs once another file's are merged over its own (DC060 with the default override).
  if (merged) return ctx.memo(merged, 'redisFacts', () => computeRedisFacts(ctx, service, { commands: merged }));
  // Once per service and analysis: DC022, DC040, DC041, DC052 and DC053 ask; callers do not change it.
  return ctx.memo(service.map, 'redisFacts', () => computeRedisFacts(ctx, service));
}

/**
 * The facts of the service `docker compose up` runs when the default override is merged over the default file
 * (mergedServiceView: its merged `entrypoint:`/`command:` and environment, read on the base's service), with
 * the view; the facts of the service as written, without a view, where there is no such merge. Undefined when
 * the service is not a Redis-family one, or when the override drops or replaces the whole service and this is the
 * default file (the service is gone, or it is the override's alone: judged there) (review 44d, F3).
 */
export function redisFactsAsRun(ctx: ComposeContext, service: Service): { facts: RedisFacts; view?: MergedServiceView } | undefined {
  const view = mergedServiceView(ctx, service);
  if (!view) {
    const m = defaultMerge(ctx, service);
    if (m?.whole && !m.inOverride) return undefined;
    const facts = redisFacts(ctx, service);
    return facts ? { facts } : undefined;
  }
  const { ctx: bctx, service: bservice } = view.merge.base;
  const facts = ctx.memo(view, 'redisFacts', () => computeRedisFacts(bctx, bservice, { commands: view.commands, env: view.env }));
  return facts ? { facts, view } : undefined;
}

/**
 * Whether a finding on merged facts belongs to the analyzed file: the file that writes the deciding environment
 * entry (`lookup`), else the one whose `command:`/`entrypoint:` runs (the override when it writes or drops
 * either). Always true without a view.
 */
export function decidedHere(view: MergedServiceView | undefined, lookup?: EnvLookup | null): boolean {
  if (!view) return true;
  const inOverride = view.merge.inOverride;
  if (lookup && (lookup.state === 'set' || lookup.state === 'unknown-value')) return view.env.fromOverride(lookup) === inOverride;
  return view.commands.fromOverride === inOverride;
}

/** Whether a command value of the facts is the one written in this service of the analyzed file (an edit to it lands here). */
export function ownCommand(ctx: ComposeContext, service: Service, command: CommandValue | undefined): command is CommandValue {
  return !!command && commandValue(ctx, service, command.key)?.node === command.node;
}

function computeRedisFacts(ctx: ComposeContext, service: Service, merged?: { commands: MergedCommands; env?: ServiceEnv }): RedisFacts | undefined {
  const store = dataStoreOfLoose(ctx, service);
  if (!store || store.kind !== 'redis') return undefined;
  const image = serviceImageLoose(ctx, service)?.ref ?? null;
  const built = !image && !!lookupKey(ctx, service, 'build');
  const { family, server } = familyOf(image);
  const env = merged?.env ?? new ExtendedEnv(ctx, service);
  const cmds = merged ? merged.commands.value : effectiveCommandsThrough(ctx, service);
  const facts: RedisFacts = {
    family,
    server,
    image,
    auth: 'unknown',
    aof: 'unknown',
    requirepassWritten: false,
    appendonlyWritten: false,
    passwordArgs: [],
    aofOffArg: null,
    cache: false,
    sentinel: false,
    dir: undefined,
    command: cmds ? cmds.command : undefined,
    entrypoint: cmds ? cmds.entrypoint : undefined,
    commandIsServerArgs: false,
    defaultCommand: false,
    env,
    allowEmptyPassword: null,
    aofDisabledEnv: null,
  };
  if (cmds === null) return facts;

  // The server's command-line arguments, when they can be known.
  let serverArgs: CommandArg[] | null = null;
  let viaShell = false;
  let sentinelSeen = false;
  if (cmds === undefined) {
    if (family === 'official' && !built) {
      serverArgs = [];
      facts.defaultCommand = true;
    } else if (family === 'bitnami' || family === 'stack') serverArgs = [];
  } else {
    for (const run of cmds.runs) {
      // `exec redis-server …` at the end of a `sh -c` script runs the server in the shell's place (review 14,
      // probe 11); `gosu redis redis-server …` / `su-exec redis …` run it as another user (review 15, probe 09).
      let args = run.args;
      const word = (k: number) => args[k]?.value ?? args[k]?.raw;
      if (run.viaShell) args = programArgs(run);
      if (args.length > 2 && /^(?:gosu|su-exec)$/.test(path.posix.basename(word(0) ?? ''))) args = args.slice(2);
      else if (/^(?:setpriv|runuser)$/.test(path.posix.basename(word(0) ?? ''))) {
        // `setpriv --reuid=redis … redis-server …`, `runuser -u redis -- redis-server …` (review 16, probe 11).
        let k = 1;
        for (; k < args.length && (word(k) ?? '').startsWith('-'); k++) {
          if (word(k) === '--') {
            k++;
            break;
          }
          if (/^-[ugG]$|^--(?:user|group|supp-groups?)$/.test(word(k) ?? '')) k++;
        }
        args = args.slice(k);
      }
      const first = args[0];
      const v = first?.value ?? first?.raw ?? '';
      // Sentinel mode: its options are Sentinel's, and it keeps no dataset. A data server the same script
      // starts as well (`redis-sentinel … --daemonize yes && exec redis-server …`) is still judged (review 18, probe 07).
      if (SENTINELS.test(path.posix.basename(v)) || ((SERVERS.test(path.posix.basename(v)) || (!run.viaShell && !cmds.entrypoint && (v.startsWith('-') || v.endsWith('.conf')))) && args.some((a) => (a.value ?? a.raw) === '--sentinel'))) {
        sentinelSeen = true;
        continue;
      }
      if (SERVERS.test(path.posix.basename(v))) {
        serverArgs = args.slice(1);
        viaShell = run.viaShell;
        facts.commandIsServerArgs = !run.viaShell && !cmds.entrypoint && cmds.command !== undefined && cmds.command.args[0] === first;
        break;
      }
      // The official entrypoint runs the server when the first argument is an option or a .conf file.
      if (!run.viaShell && !cmds.entrypoint && (family === 'official' || family === 'other') && (v.startsWith('-') || v.endsWith('.conf'))) {
        serverArgs = run.args;
        facts.commandIsServerArgs = cmds.command !== undefined;
        break;
      }
      // Bitnami's run script passes extra arguments to the server.
      if (!run.viaShell && family === 'bitnami' && /\/opt\/bitnami\/scripts\/(?:redis|valkey)\/run\.sh$/.test(v)) {
        serverArgs = run.args.slice(1);
        break;
      }
    }
  }
  if (serverArgs === null) {
    facts.sentinel = sentinelSeen;
    return facts;
  }

  const opts = parseServerArgs(serverArgs);
  for (const option of ['requirepass', 'masterauth'] as const) {
    const arg = opts.options.get(option)?.values[0];
    if (arg) facts.passwordArgs.push({ option, arg, viaShell });
  }
  // Redis Stack reads extra server options from REDIS_ARGS.
  let stackOpts: ServerOptions | null = null;
  if (family === 'stack') {
    const r = env.get('REDIS_ARGS');
    // With an unknown variable inside, the written words still tell which options are given.
    const text = r.state === 'set' ? r.value : r.state === 'unknown-value' ? r.env?.value : undefined;
    if (r.state === 'unknown' || (r.state === 'unknown-value' && text == null)) return facts;
    if (text != null) stackOpts = parseServerArgs(text.split(/\s+/).filter(Boolean).map((w) => ({ value: r.state === 'set' || !w.includes('$') ? w : null, raw: w, start: 0, end: 0, exact: false })));
  }
  const opt = (name: string) => opts.options.get(name) ?? stackOpts?.options.get(name);

  // The working directory as written (`dir` and a relative config file resolve against it).
  const writtenWorkdir = scalarString(ctx.serviceGet(service, 'working_dir')?.value);
  // The config file, when one is given and can be read from the workspace.
  let conf: Map<string, string[]> | null | 'none' = 'none';
  if (opts.configFile) {
    const p = opts.configFile.value;
    if (p === null || p === '-') conf = null;
    else {
      const containerPath = path.posix.resolve(writtenWorkdir ?? '/data', p);
      const host = hostPathOf(bindMounts(ctx, service), containerPath);
      const text = host ? ctx.workspace.readText(host) : undefined;
      conf = text === undefined ? null : parseRedisConf(text);
    }
  }
  const confGet = (name: string): string[] | undefined | null => (conf === 'none' ? undefined : conf === null ? null : conf.get(name));

  // Where the data goes: `dir` (redis.conf: "The working directory. The DB will be written inside
  // this directory"; relative to the server's working directory). A config file that cannot be read
  // may set it.
  // The working directory, when it is known: an interpolated or relative one is not (review 16, probe 10).
  const workdir = (): string | null => (writtenWorkdir === null ? '/data' : writtenWorkdir.startsWith('/') && !writtenWorkdir.includes('$') ? writtenWorkdir : null);
  const dirOpt = opt('dir');
  if (dirOpt) {
    const v = dirOpt.values[0]?.value;
    const base = workdir();
    facts.dir = v === null || v === undefined || v === '' || (base === null && !v.startsWith('/')) ? null : path.posix.resolve(base ?? '/', v);
  } else {
    const fromConf = confGet('dir');
    if (fromConf === null) facts.dir = null;
    else if (fromConf !== undefined) {
      const base = workdir();
      facts.dir = !fromConf[0] || (base === null && !fromConf[0].startsWith('/')) ? null : path.posix.resolve(base ?? '/', fromConf[0]);
    } else if ((family === 'official' || family === 'other') && writtenWorkdir !== null) {
      // Redis's default `dir` is `./`, the working directory: the image's /data, or the service's `working_dir:` (review 15,
      // probe 10). Not for Redis Stack, whose entrypoint passes --dir /data itself, nor Bitnami (review 16, probe 09).
      facts.dir = workdir();
    }
  }

  // Authentication.
  const requirepass = opt('requirepass');
  facts.requirepassWritten = !!requirepass;
  const acl = opt('aclfile') ?? opt('user');
  if (requirepass) {
    const v = requirepass.values[0];
    facts.auth = !v ? 'no' : v.value === null ? 'unknown' : v.value === '' ? 'no' : 'yes';
  } else if (acl) facts.auth = 'unknown';
  else {
    const fromConf = confGet('requirepass');
    const aclConf = confGet('aclfile') ?? confGet('user');
    if (fromConf === null) facts.auth = 'unknown';
    else if (fromConf !== undefined) facts.auth = fromConf[0] ? 'yes' : 'no';
    else if (aclConf) facts.auth = 'unknown';
    else if (family === 'bitnami') facts.auth = bitnamiAuth(env, server, facts);
    else facts.auth = 'no';
  }

  // AOF.
  const appendonly = opt('appendonly');
  facts.appendonlyWritten = !!appendonly;
  if (appendonly) {
    const v = appendonly.values[0];
    const yes = isYes(v?.value);
    facts.aof = yes === null ? 'unknown' : yes ? 'yes' : 'no';
    if (yes === false && v && v.exact && opts.options.get('appendonly') === appendonly) facts.aofOffArg = v;
  } else {
    const fromConf = confGet('appendonly');
    if (fromConf === null) facts.aof = 'unknown';
    else if (fromConf !== undefined) {
      const yes = isYes(fromConf[0]);
      facts.aof = yes === null ? 'unknown' : yes ? 'yes' : 'no';
    } else if (family === 'bitnami') {
      const prefix = server.startsWith('valkey') ? 'VALKEY' : 'REDIS';
      const e = env.get(`${prefix}_AOF_ENABLED`);
      if (e.state === 'unknown' || e.state === 'unknown-value') facts.aof = 'unknown';
      else if (e.state === 'set' && /^(?:no|false|0)$/i.test(e.value.trim())) {
        facts.aof = 'no';
        facts.aofDisabledEnv = e;
      } else facts.aof = 'yes'; // Bitnami enables AOF by default
    } else facts.aof = 'no';
  }

  // A cache by configuration: no RDB snapshots (`save ""`) or an allkeys-* eviction policy.
  const save = opt('save');
  const saveOff = save ? save.values.length === 1 && save.values[0].value === '' : (confGet('save') ?? undefined)?.[0] === '';
  const policy = opt('maxmemory-policy')?.values[0]?.value ?? (confGet('maxmemory-policy') ?? undefined)?.[0];
  facts.cache = saveOff || (!!policy && /^allkeys-/i.test(policy));
  return facts;
}

/** The environment names the facts are read from. */
const FACT_ENV = ['REDIS_ARGS', 'REDIS_PASSWORD', 'REDIS_PASSWORD_FILE', 'VALKEY_PASSWORD', 'VALKEY_PASSWORD_FILE', 'ALLOW_EMPTY_PASSWORD', 'REDIS_AOF_ENABLED', 'VALKEY_AOF_ENABLED'];

/**
 * Whether the service itself writes something the facts are read from: its image or build, command or
 * entrypoint, or one of the environment names above. A service that `extends:` another and writes none
 * of them has all its settings from the base, where a finding about them is reported — unless a base is
 * in a file that is not analyzed itself (see isAnalyzedBase).
 */
export function redisOwnCause(ctx: ComposeContext, service: Service, facts: RedisFacts): boolean {
  return judgedWhereWritten(ctx, service, ['image', 'build', 'command', 'entrypoint'], FACT_ENV, facts.env);
}

function bitnamiAuth(env: ServiceEnv, server: string, facts: RedisFacts): Tri {
  const prefix = server.startsWith('valkey') ? 'VALKEY' : 'REDIS';
  for (const name of [`${prefix}_PASSWORD`, `${prefix}_PASSWORD_FILE`]) {
    const v = env.get(name);
    if (v.state === 'unknown' || v.state === 'unknown-value') return 'unknown';
    if (v.state === 'set' && v.value !== '') return 'yes';
  }
  const allow = env.get('ALLOW_EMPTY_PASSWORD');
  if (allow.state === 'set' && /^(?:yes|true|1)$/i.test(allow.value.trim())) {
    facts.allowEmptyPassword = allow;
    return 'no';
  }
  // Without a password and without ALLOW_EMPTY_PASSWORD=yes the Bitnami container refuses to start.
  return 'unknown';
}

/**
 * The `--requirepass` / `--masterauth` values of the server's command line that the service writes
 * in its own `command:` or `entrypoint:` (one it inherits through `extends:` is the base's), with the
 * command that holds each and whether it can be edited exactly there (written plainly, not inside a
 * `sh -c` script, in a command that is the service's own).
 */
export function ownPasswordArgs(ctx: ComposeContext, service: Service, facts: RedisFacts): { option: 'requirepass' | 'masterauth'; arg: CommandArg; exact: boolean }[] {
  if (facts.passwordArgs.length === 0) return [];
  // Once per service and analysis (DC040 and DC041 ask): the service's own commands are read again here.
  return ctx.memo(service.map, 'ownPasswordArgs', () => {
    const own = (['command', 'entrypoint'] as const).map((k) => commandValue(ctx, service, k)).filter((c) => !!c);
    const out: { option: 'requirepass' | 'masterauth'; arg: CommandArg; exact: boolean }[] = [];
    for (const { option, arg, viaShell } of facts.passwordArgs) {
      // Inside a command written in this service (not one inherited from another file or service): the offsets are this file's.
      const holder = own.find((c) => c.node.range && arg.start >= c.node.range[0] && arg.end <= c.node.range[1]);
      if (holder) out.push({ option, arg, exact: arg.exact && !viaShell && holder.editable });
    }
    return out;
  });
}

/** The variables through which Redis images take extra server options: Redis Stack's, and Bitnami's. */
const SERVER_ARGS_VARS = /^(?:REDIS_ARGS|REDIS_EXTRA_FLAGS|VALKEY_EXTRA_FLAGS)$/;

/**
 * The word after `--requirepass` / `--masterauth` in the written value of such a variable
 * (`REDIS_ARGS: "--requirepass ${REDIS_PASSWORD} --save 60 1"`), with its offsets in that value: a
 * word without quotes or escapes (an interpolation is part of it); null when there is none.
 */
export function serverArgsPasswordWord(name: string, written: string): { option: 'requirepass' | 'masterauth'; word: string; start: number; end: number } | null {
  if (!SERVER_ARGS_VARS.test(name) || !written.includes('--')) return null;
  const m = /(?:^|\s)--(requirepass|masterauth)(?:\s+|=)((?:\$\{[^}\s]*\}|[^\s'"\\])+)(?=\s|$)/.exec(written);
  if (!m) return null;
  const start = m.index + m[0].length - m[2].length;
  return { option: m[1] as 'requirepass' | 'masterauth', word: m[2], start, end: start + m[2].length };
}
