import { basename } from 'node:path';
import { isScalar } from '../engine/yaml-guards';
import type { ComposeContext, Service } from '../engine/compose';
import { addToMapEdit, canAddToService, indentUnit } from '../engine/compose-insert';
import { builtDockerfileOf, effectiveCommandsThrough, ExtendedEnv, isOneShotJob, isPartialService, lookupKey, waitedForHealthy } from '../engine/compose-lookup';
import { interpolateWithDotenv } from '../engine/compose-values';
import { dataStoreOfImage, serviceImage, type DataStoreKind } from '../engine/datastores';
import type { Stage } from '../engine/dockerfile';
import type { ImageRef } from '../engine/image';
import { defineRule } from '../engine/rule';
import type { Fix, Range } from '../engine/types';
import { declaresHealthcheck } from '../engine/image-healthchecks';
import { defaultMerge, dropCause, dropText, mergedServiceGone, overrideAt, touchRange, type DefaultMerge, type DropCause } from '../engine/override-merge';
import { programArgs } from '../engine/service-command';

interface Data {
  service: Service;
  /** The image the container runs (the service's image, or the base of the Dockerfile it builds), or null. */
  image: ImageRef | null;
  /** `healthcheck:` is written but empty (no fix: the key is there). */
  empty: boolean;
  /** The service builds its image from a Dockerfile of the workspace (read: it has no HEALTHCHECK); else it pulls an image, whose own HEALTHCHECK is known only for the images listed in the engine. */
  built: boolean;
  /** The default override drops the default file's `healthcheck` (`!reset`, `!override`) and writes none: reported there, on the tag's key, without a fix. */
  dropped?: DropCause;
  /** The image the service runs is the one the default override writes (`image:`, `build:`), not this file's: its file name, for the message. */
  imageFrom?: string;
  /** The override also writes the service's `entrypoint`, `command`, `environment` or `env_file`, which a probe may depend on: no fix. */
  overrideRuns?: boolean;
}

/** What a service without a probe runs, and the file that sets it when that is the default override. */
type Runs = { image: ImageRef | null; built: boolean; imageFrom?: string };

/**
 * What a service of the default file without a healthcheck runs once the default override is merged, when the
 * override writes its `image:` or `build:` (Compose merge: `image` is a scalar, the override's replaces this
 * file's; a `build:` in either file makes the service built, `image:` then only names the result). Undefined when
 * the override writes neither (this file's service is judged as written); null when it is not a finding or cannot
 * be known (both files write `build:`, merged mapping by mapping: not followed).
 */
function unprobedMerged(merge: DefaultMerge): Runs | null | undefined {
  const image = overrideAt(merge, ['image']);
  const build = overrideAt(merge, ['build']);
  if (!image && !build) return undefined;
  const { base, over } = merge;
  const baseBuild = build?.drops ? undefined : lookupKey(base.ctx, base.service, 'build');
  if (baseBuild === 'unknown') return null;
  if (build?.value) {
    if (baseBuild) return null;
    // The override's build alone: judged on the Dockerfile it names (relative to the override's folder, the same as this file's).
    const judged = unprobed(over.ctx, over.service);
    return judged && !isOneShotJob(base.ctx, base.service) ? { ...judged, imageFrom: basename(over.ctx.path) } : null;
  }
  // Built by this file's `build:`: the override's `image:` only names the result.
  if (baseBuild) return unprobed(base.ctx, base.service);
  if (!image?.value) return image?.drops ? null : unprobed(base.ctx, base.service);
  const ref = serviceImage(over.ctx, over.service);
  if (ref && declaresHealthcheck(ref)) return null;
  if (isOneShotJob(base.ctx, base.service) || isOneShotJob(over.ctx, over.service)) return null;
  return { image: ref, built: false, imageFrom: basename(over.ctx.path) };
}

/** Keys of the override a probe for the image depends on (probeFor reads them in this file only). */
const PROBE_INPUTS = ['entrypoint', 'command', 'environment', 'env_file'];

/**
 * What a service without a healthcheck of its own runs, when that needs one: the image it runs (the
 * service's image, or the base of the Dockerfile it builds) and whether it builds it. Null when it is
 * not a finding: a build whose Dockerfile is not in the workspace or declares a HEALTHCHECK, an image
 * known to declare one, a one-shot job, an `extends:` that cannot be read.
 */
function unprobed(ctx: ComposeContext, service: Service): { image: ImageRef | null; built: boolean } | null {
  let image: ImageRef | null;
  const build = lookupKey(ctx, service, 'build');
  if (build === 'unknown') return null;
  if (build) {
    const built = builtDockerfileOf(ctx, service);
    if (!built) return null; // the Dockerfile is not in the workspace: it may declare a HEALTHCHECK
    const stage = runStage(built.dockerfile.stages, built.build.target);
    if (!stage || stageHasHealthcheck(stage)) return null;
    image = baseImageOf(stage);
  } else {
    image = serviceImage(ctx, service);
  }
  // The image, or the base the Dockerfile builds on, declares its own HEALTHCHECK (inherited).
  if (image && declaresHealthcheck(image)) return null;
  if (isOneShotJob(ctx, service)) return null;
  return { image, built: !!build };
}

/** The stage a service's container runs: `build.target`, else the last stage. */
function runStage(stages: Stage[], target: string | null): Stage | undefined {
  return target ? stages.find((s) => s.name === target.toLowerCase()) : stages[stages.length - 1];
}

/** Whether a stage (or a stage it is built FROM) has a HEALTHCHECK instruction (`HEALTHCHECK NONE` included: a decision). */
function stageHasHealthcheck(stage: Stage | undefined): boolean {
  for (let i = 0; i < 16 && stage; i++) {
    if (stage.instructions.some((ins) => ins.getKeyword() === 'HEALTHCHECK')) return true;
    stage = stage.base.kind === 'stage' ? stage.base.stage : undefined;
  }
  return false;
}

/** The external image a stage ends up on, following `FROM <earlier stage>`. */
function baseImageOf(stage: Stage | undefined): ImageRef | null {
  for (let i = 0; i < 16 && stage; i++) {
    if (stage.base.kind === 'image') return stage.base.ref;
    stage = stage.base.kind === 'stage' ? stage.base.stage : undefined;
  }
  return null;
}

/** The leading version numbers of a tag (`10.6.14-jammy` → [10, 6, 14]), or null for `latest`, `lts`, codenames. */
function tagVersion(tag: string | null): number[] | null {
  const m = tag ? /^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?=$|[-_])/.exec(tag) : null;
  if (!m) return null;
  return [m[1], m[2], m[3]].filter((x) => x !== undefined).map(Number);
}

/**
 * MariaDB images gained `healthcheck.sh` (and the `healthcheck@localhost` user it logs in with) with the
 * releases of June 2023; older patch tags, and the 10.7/10.8 lines that had ended by then, do not have it.
 */
const MARIADB_FIRST_WITH_HEALTHCHECK: Record<number, number> = { 4: 30, 5: 21, 6: 14, 9: 7, 10: 5, 11: 4 };

function mariadbHasHealthcheckScript(tag: string | null): boolean {
  const v = tagVersion(tag);
  if (!v) return true; // latest, lts, codenames: current builds
  const [major, minor, patch] = v;
  if (major > 11) return true;
  if (major === 11) return !(minor === 0 && patch !== undefined && patch < 2);
  if (major < 10) return false;
  if (minor === undefined || minor > 11) return true; // `10` is the newest 10.x line
  const first = MARIADB_FIRST_WITH_HEALTHCHECK[minor];
  if (first === undefined) return false; // 10.0–10.3, 10.7, 10.8
  return patch === undefined || patch >= first;
}

/** A word redis-server gets: as written (null when it is not written in this service) and its value (null when not known). */
interface RedisWord {
  raw: string | null;
  value: string | null;
}

/**
 * The words redis-server gets from the service, for the probe: null when they are not all known.
 * - `redis`: the image's entrypoint runs redis-server with the command's words when the first is an option or a
 *   `.conf` file, or names redis-server; any other program is not redis-server's command line. The command is read
 *   as the engine reads it (effectiveCommandsThrough: the string form split shell-like, its quotes removed, as
 *   Compose splits it, through `extends:`; `sh -c "…"` read as its script): a shell wrapper is read when its script
 *   is one command, `[[command] exec] redis-server …` (programArgs), and known once Compose interpolated it (`$$` is then the shell's `$`).
 * - `redis/redis-stack(-server)`: its entrypoint runs redis-stack-server with `${REDIS_ARGS}` unquoted (split on
 *   whitespace, quotes not removed, no expansion); a `command:` replaces that script or is not passed: not read.
 */
function redisServerWords(ctx: ComposeContext, service: Service, stack: boolean): { words: RedisWord[]; viaShell: boolean } | null {
  const effective = effectiveCommandsThrough(ctx, service);
  if (effective === null) return null;
  if (stack) {
    if (effective) return null;
    const ext = new ExtendedEnv(ctx, service);
    const env = ext.get('REDIS_ARGS');
    if (env.state === 'unset') return { words: [], viaShell: false };
    if (env.state === 'unknown') return null;
    const own = env.env && !env.file && !env.merged && !ext.inherited('REDIS_ARGS') ? env.env.value : null;
    if (own === null) return env.state === 'set' ? { words: env.value.split(/\s+/).filter((w) => w !== '').map((value) => ({ raw: null, value })), viaShell: false } : null;
    const words = own.split(/\s+/).filter((w) => w !== '').map((raw) => ({ raw, value: interpolateWithDotenv(ctx, raw).value }));
    // A value with whitespace splits into more words than are written.
    if (env.state === 'set' && env.value.split(/\s+/).filter((w) => w !== '').length !== words.length) return null;
    return { words, viaShell: false };
  }
  if (!effective) return { words: [], viaShell: false };
  if (effective.runs.length !== 1) return null;
  const run = effective.runs[0];
  let args = run.args;
  if (run.viaShell) {
    // The script as the shell reads it is known only once Compose interpolated it.
    if ((effective.command?.args ?? []).some((a) => a.value === null)) return null;
    // `exec redis-server …`, also `command exec redis-server …` (programArgs: the utility the command runs).
    args = programArgs(run);
    if (!args[0] || basename(args[0].raw) !== 'redis-server') return null;
  } else {
    const first = args[0]?.value;
    if (first === null) return null;
    if (first !== undefined && !first.startsWith('-') && !first.endsWith('.conf') && basename(first) !== 'redis-server') return null;
    // A known value with whitespace or quotes splits otherwise (Compose interpolates the string form before it splits it).
    if (effective.command?.form === 'string' && args.some((a) => a.raw.includes('$') && a.value !== null && /[\s'"\\]/.test(a.value))) return null;
  }
  return { words: args.map((a) => ({ raw: a.raw, value: a.value })), viaShell: run.viaShell };
}

/** redis-server options that change where or how redis-cli must connect or log in, or its settings from a file. */
const REDIS_UNKNOWN_SETTINGS = /^--(?:include|aclfile|user|port|bind|unixsocket|tls-port|rename-command|requirepass)\b/i;

/** The `test:` of the redis probe, or undefined when it cannot be certain. */
function redisProbe(ctx: ComposeContext, service: Service, stack: boolean): string | undefined {
  const read = redisServerWords(ctx, service, stack);
  if (!read) return undefined;
  const { words, viaShell } = read;
  const i = words.findIndex((w) => w.value === '--requirepass' || (viaShell && w.raw === '--requirepass'));
  for (let k = 0; k < words.length; k++) {
    if (k === i + 1 && i !== -1) continue;
    const v = words[k].value;
    // A word not known may be any setting; settings from a file (or a second password) are not known.
    if (v === null) return undefined;
    if (k !== i && (/\.conf$/.test(v) || REDIS_UNKNOWN_SETTINGS.test(v))) return undefined;
  }
  if (i === -1) return quoteTest(['CMD-SHELL', 'redis-cli ping | grep -q PONG']);
  const pass = words[i + 1];
  // A literal password is not copied into a second place (nor into a SARIF suggestion): move it to
  // .env first (DC040/DC052), then the probe refers to the variable.
  if (!pass || pass.raw === null || !pass.raw.includes('$')) return undefined;
  if (viaShell) {
    // The shell expands the container's variable: the probe's shell expands the same one (`$$` so Compose leaves it).
    const m = /^"?(\$(?:[A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*\}))"?$/.exec(pass.raw);
    if (!m || (pass.raw.startsWith('"') !== pass.raw.endsWith('"'))) return undefined;
    return quoteTest(['CMD-SHELL', `redis-cli -a "$${m[1]}" ping 2>/dev/null | grep -q PONG`]);
  }
  // Compose's variable, interpolated alike in the command and the probe; `$$` is a literal `$` redis-server gets
  // (no shell runs), which the probe's shell would expand.
  if (/['"`\\]/.test(pass.raw) || pass.raw.includes('$$') || (pass.value !== null && /[\s']/.test(pass.value))) return undefined;
  return quoteTest(['CMD-SHELL', `redis-cli -a '${pass.raw}' ping 2>/dev/null | grep -q PONG`]);
}

function quoteTest(words: string[]): string {
  return `[${words.map((w) => JSON.stringify(w)).join(', ')}]`;
}

/** The `test:` of a correct probe for a known image, or undefined. */
function probeFor(ctx: ComposeContext, service: Service, ref: ImageRef): string | undefined {
  const store = dataStoreOfImage(ref);
  if (!store) return undefined;
  // A replaced entrypoint (e.g. a script that writes the config and the password) makes the image's behaviour unknown.
  if (lookupKey(ctx, service, 'entrypoint')) return undefined;
  const repo = ref.registry === null ? ref.repository : `${ref.registry}/${ref.repository}`;
  const kind: DataStoreKind = store.kind;
  switch (kind) {
    case 'postgres':
      if (!['postgres', 'postgis/postgis', 'pgvector/pgvector', 'timescale/timescaledb'].includes(repo)) return undefined;
      // -h 127.0.0.1: the entrypoint's temporary init server listens on the socket only, so the probe fails until the real server is up.
      return quoteTest(['CMD-SHELL', 'pg_isready -h 127.0.0.1 -U "$${POSTGRES_USER:-postgres}" -d "$${POSTGRES_DB:-$${POSTGRES_USER:-postgres}}"']);
    case 'redis':
      if (!['redis', 'redis/redis-stack-server', 'redis/redis-stack'].includes(repo)) return undefined;
      return redisProbe(ctx, service, repo !== 'redis');
    case 'mysql':
      if (repo !== 'mysql') return undefined;
      // Exit status 0 whenever the server answers, even with "Access denied": no credentials needed.
      return quoteTest(['CMD', 'mysqladmin', 'ping', '-h', '127.0.0.1']);
    case 'mariadb':
      if (repo !== 'mariadb') return undefined;
      return mariadbHasHealthcheckScript(ref.tag) ? quoteTest(['CMD', 'healthcheck.sh', '--connect', '--innodb_initialized']) : quoteTest(['CMD', 'mysqladmin', 'ping', '-h', '127.0.0.1']);
    case 'mongo': {
      if (repo !== 'mongo') return undefined;
      const v = tagVersion(ref.tag);
      const shell = v && v[0] < 5 ? 'mongo' : 'mongosh'; // mongosh ships from 5.0; the legacy shell is gone in 6.0
      return quoteTest(['CMD', shell, '--quiet', '--eval', "db.adminCommand('ping')"]);
    }
    case 'rabbitmq':
      if (repo !== 'rabbitmq') return undefined;
      return quoteTest(['CMD', 'rabbitmq-diagnostics', '-q', 'ping']);
    case 'elasticsearch': {
      if (repo !== 'elasticsearch' && repo !== 'docker.elastic.co/elasticsearch/elasticsearch') return undefined;
      const security = new ExtendedEnv(ctx, service).get('xpack.security.enabled');
      if (security.state === 'unknown' || security.state === 'unknown-value') return undefined;
      const setting = security.state === 'set' ? security.value.trim().toLowerCase() : undefined;
      const v = tagVersion(ref.tag);
      const securityOn = setting !== undefined ? setting !== 'false' : !v || v[0] >= 8; // 8.x enables TLS and auth by default
      if (securityOn) return undefined;
      return quoteTest(['CMD-SHELL', 'curl -fsS http://localhost:9200/_cluster/health >/dev/null || exit 1']);
    }
    default:
      return undefined;
  }
}

export default defineRule<'compose', Data>({
  code: 'DC022',
  name: 'healthcheck-missing',
  kind: 'compose',
  severity: 'info',
  fixable: 'sometimes',
  docs: {
    summary: 'A service has no `healthcheck:`, and no HEALTHCHECK is known in its image or the Dockerfile it builds.',
    what: 'Flags a service that has no `healthcheck:` (in the service, a `<<` merge or `extends:`) and whose image declares none: for a service with `build:`, the Dockerfile it builds (its `target` stage, or the last) and the stages that stage is built from have no `HEALTHCHECK`. A build whose Dockerfile is not in the workspace is unknown and not flagged, nor are images known to declare their own HEALTHCHECK in the Dockerfile they are built from, used as the service\'s image or as the base of the Dockerfile it builds (inherited) (mysql/mysql-server, pihole/pihole, vaultwarden/server, itzg/minecraft-server, ghcr.io/open-webui/open-webui, louislam/uptime-kuma, syncthing/syncthing, jellyfin/jellyfin, gotify/server, matrixdotorg/synapse, esphome/esphome, outlinewiki/outline, ghcr.io/goauthentik/server, baserow/backend, axllent/mailpit, dragonflydb/dragonfly, cadvisor (gcr.io/cadvisor/cadvisor, google/cadvisor), gluetun (qmcgaw/gluetun, ghcr.io/qdm12/gluetun), plexinc/pms-docker, woodpeckerci/woodpecker-server and -agent, esphome also as ghcr.io/esphome/esphome, the official kong image; the Dockerfiles read are listed under references). Any tag of these counts, although early releases of some (esphome/esphome, outlinewiki/outline) were built without one. Images whose Dockerfile could not be checked are not on the list (jc21/nginx-proxy-manager: its current Dockerfile declares none; only an early one did). `healthcheck: {disable: true}`, `test: ["NONE"]` and `HEALTHCHECK NONE` are decisions, not findings. A service that another service of the project waits for with `depends_on: {<service>: {condition: service_healthy}}` is not reported either: Compose refuses to start the dependent unless the container has a health check (`container … has no healthcheck configured`: docker/compose `pkg/compose/convergence.go`, `isServiceHealthy` without the fall-back to "running"), and the service sets none (nor `disable: true`), so its image declares one — the project is this file and, with the default override, the other file of the pair; a dependency written `required: false` is not evidence (Compose only warns when it is not healthy), nor is `service_started`, nor a dependent in another project. One-shot services — those others wait for with `condition: service_completed_successfully`, those deployed never to be restarted (`deploy.restart_policy.condition: none`; a plain `restart: "no"` is the default and long-running services write it too), and those whose command is a shell script of setup tools only (no server, entrypoint or script of their own: `bash -c \'… bin/elasticsearch-certutil …\'`, `sh -c \'mc mb …\'`, `sh -c \'ollama pull …\'`; with the default override, `compose.override.yaml` beside `compose.yaml`, judged on the merged service: a service of either file may wait for it, and the override\'s `command:`/`entrypoint:` replace this file\'s whole, `!reset` removing them) — and services with no `image:`, `build:` or `extends:` (override-file fragments) are skipped. Reported on the service name. Through `extends:` (same file or another compose file of the workspace) the healthcheck, image, build (its Dockerfile relative to the file that writes it), command, entrypoint and environment come from the base service; the fix adds the probe to the service itself, chosen for what it inherits. A base file analyzed only because a default compose file\'s services extend it (`extends: {file: common-services.yml}`) is not judged for missing settings: the services that extend it are, on the merged result. With the override `docker compose up` merges by default (`compose.override.yaml` beside `compose.yaml`; Compose Specification, Merge), the service is judged as it runs: a `healthcheck:` the override writes is the service\'s (it clears the finding here), and one it resets or replaces with nothing (`!reset`, `!override`) drops this file\'s: the merged service is then reported there, on the key the tag is written on, judged on the image it runs (the override\'s `image:`/`build:` when it writes one). A service of this file without a healthcheck is judged on the image the merged service runs: the override\'s `image:` replaces this file\'s (an image known to declare a HEALTHCHECK there clears the finding, one that declares none there makes it; the message names the override), and the override\'s `build:` makes it built from the Dockerfile it names (not judged when both files write `build:`, merged key by key; `image: !reset` with no `build:` leaves a fragment, not judged); the fix then adds the probe for that image here, and none is offered when the override also writes `entrypoint`, `command`, `environment` or `env_file`, which a probe may depend on. Not so for a service another extends, a file another includes or extends, or a Swarm stack: there this file is judged as written.',
    why: 'Without a health check Docker only knows whether the process runs, not whether it answers: a hung or half-started service is reported "running", `depends_on: condition: service_healthy` cannot wait for it, and a restart policy or an orchestrator never replaces it — an outage nobody is told about, and the availability half of security. SECURITY-GUIDELINES.md Security Checklist (Development): "Health checks implemented"; §2 Container Runtime Security.',
    bad: 'services:\n  db:\n    image: postgres:17-alpine',
    good: 'services:\n  db:\n    image: postgres:17-alpine\n    healthcheck:\n      test: ["CMD-SHELL", "pg_isready -h 127.0.0.1 -U \\"$${POSTGRES_USER:-postgres}\\" -d \\"$${POSTGRES_DB:-$${POSTGRES_USER:-postgres}}\\""]\n      interval: 10s\n      timeout: 5s\n      retries: 5\n      start_period: 30s',
    fix: '"Add a healthcheck" is offered only for official images whose probe is known, and adds `healthcheck:` (test, `interval: 10s`, `timeout: 5s`, `retries: 5`, `start_period: 30s`) at the end of the service. postgres (and postgis/pgvector/timescaledb): `pg_isready -h 127.0.0.1` with the container\'s POSTGRES_USER/POSTGRES_DB (`$$` so the container\'s shell expands them; 127.0.0.1 so the temporary init server does not count as ready). redis: `redis-cli ping | grep -q PONG` (redis-cli exits 0 even on NOAUTH or LOADING), with `-a` and the password variable written after `--requirepass` when there is one (a literal password is not copied: move it to .env first). redis-server\'s command line is read as the container gets it: `command:` split as Compose splits it (shell-like, quotes removed; through `extends:`), when its first word is an option, a `.conf` file or `redis-server` (the image\'s entrypoint then runs redis-server with it); `sh -c "[exec] redis-server …"` (also `command exec redis-server …`: POSIX command runs the utility as written) when the script is that one command, known once Compose interpolated it (a `$$VAR` password is then the container\'s variable, which the probe\'s shell expands alike: `"$$VAR"`); for redis/redis-stack(-server), `REDIS_ARGS`, which its entrypoint splits on whitespace, and no `command:`. No fix when the settings come from a config file or change where or how redis-cli must connect or log in (`--include`, `--aclfile`, `--user`, `--port`, `--bind`, `--unixsocket`, `--tls-port`, `--rename-command`, the option and its value in one word), when a word\'s value is not known (a variable the `.env` does not set; a known value with spaces or quotes splits otherwise), for another program (a script, a shell running more than redis-server), or for a `$$` in a command no shell reads (redis-server gets a literal `$`, which the probe\'s shell would expand). mysql: `mysqladmin ping -h 127.0.0.1` (exit 0 whenever the server answers, even "Access denied"). mariadb: `healthcheck.sh --connect --innodb_initialized` (the images\' own script; it logs in as the healthcheck user created at initialization since June 2023 — a data directory created earlier needs `MARIADB_AUTO_UPGRADE=1` once), or `mysqladmin ping` for tags older than the script. mongo: `mongosh --quiet --eval "db.adminCommand(\'ping\')"` (the legacy `mongo` shell for tags before 5.0). rabbitmq: `rabbitmq-diagnostics -q ping`. elasticsearch: `curl` on `_cluster/health` only when security is off (7.x default, or `xpack.security.enabled=false`): 8.x serves TLS with authentication. No fix for other images (a guessed probe would mark a healthy service unhealthy), for a service that replaces the image\'s `entrypoint:` (its configuration, e.g. a password, is then unknown), when the service comes from an anchor/alias, or when `healthcheck:` is written but empty. No fix for a `healthcheck` the default override resets or replaces: the override may drop it on purpose (a development setup). Not applied by fix-all: review the probe and timings.',
    guideline: 'Security Checklist — "Health checks implemented"; §2 Container Runtime Security',
    equivalents: ['KICS "Healthcheck Not Set" (Docker Compose query 698ed579-b239-4f8f-a388-baa4bcb13ef8; it also flags `disable: true`, which this rule treats as a decision)', 'Checkov CKV_DOCKER_2 (HEALTHCHECK instruction in the Dockerfile)', 'Trivy DS-0026 "No HEALTHCHECK defined" (Dockerfile)'],
    references: [
      'https://docs.docker.com/reference/compose-file/services/#extends',
      'https://docs.docker.com/reference/compose-file/services/#healthcheck',
      'https://docs.docker.com/reference/compose-file/services/#depends_on (long syntax: `condition: service_healthy`, `required`)',
      'https://docs.docker.com/compose/how-tos/startup-order/ (`service_healthy`: a dependency "expected to be healthy, which is defined with healthcheck")',
      'https://github.com/docker/compose/blob/main/pkg/compose/convergence.go (waitDependencies, isServiceHealthy: "container %s has no healthcheck configured")',
      'https://docs.docker.com/reference/dockerfile/#healthcheck',
      'https://www.postgresql.org/docs/current/app-pg-isready.html',
      'https://dev.mysql.com/doc/refman/8.4/en/mysqladmin.html',
      'https://mariadb.com/kb/en/using-healthcheck-sh/',
      'https://www.rabbitmq.com/docs/monitoring#health-checks',
      'https://github.com/docker-library/docs/pull/2183 (mongosh replaces mongo in the mongo image from 6.0)',
      'https://github.com/redis/redis/issues/2270 (redis-cli exit status on error replies)',
      'https://github.com/docker-library/redis/blob/master/docker-entrypoint.sh (a first argument that is an option or a .conf file runs redis-server with the arguments; another program runs as given)',
      'https://github.com/redis-stack/redis-stack/blob/master/etc/scripts/entrypoint.sh (redis-stack-server run with ${REDIS_ARGS} unquoted)',
      'https://docs.kics.io/latest/queries/dockercompose-queries/698ed579-b239-4f8f-a388-baa4bcb13ef8/',
      'https://github.com/itzg/docker-minecraft-server/blob/HEAD/Dockerfile (itzg/minecraft-server: HEALTHCHECK --start-period=1m CMD /health.sh; mc-health in later versions)',
      'https://github.com/open-webui/open-webui/blob/HEAD/Dockerfile (ghcr.io/open-webui/open-webui: HEALTHCHECK CMD curl --silent --fail http://localhost:${PORT:-8080}/health …)',
      'https://github.com/louislam/uptime-kuma/blob/HEAD/docker/Dockerfile, docker/dockerfile and docker/dockerfile-alpine (louislam/uptime-kuma, 1.x Debian and Alpine and 2.x: HEALTHCHECK … CMD node extra/healthcheck.js / extra/healthcheck)',
      'https://github.com/syncthing/syncthing/blob/HEAD/Dockerfile (syncthing/syncthing: HEALTHCHECK --interval=1m --timeout=10s CMD …)',
      'https://github.com/jellyfin/jellyfin-packaging/blob/HEAD/docker/Dockerfile (jellyfin/jellyfin: HEALTHCHECK … CMD curl -Lk -fsS "${HEALTHCHECK_URL}", http://localhost:8096/health)',
      'https://github.com/gotify/server/blob/HEAD/docker/Dockerfile (gotify/server: HEALTHCHECK … CMD curl --fail http://localhost:$GOTIFY_SERVER_PORT/health)',
      'https://github.com/goauthentik/authentik/blob/HEAD/Dockerfile (ghcr.io/goauthentik/server: HEALTHCHECK --interval=30s … CMD [ "ak", "healthcheck" ], and USER 1000)',
      'https://github.com/Kong/docker-kong/blob/master/Dockerfile.apk (the official kong image: HEALTHCHECK … CMD kong-health)',
      'https://github.com/baserow/baserow/blob/HEAD/backend/Dockerfile (baserow/backend, production target: HEALTHCHECK --interval=60s CMD [… "backend-healthcheck"], and USER 9999)',
      'https://github.com/axllent/mailpit/blob/HEAD/Dockerfile (axllent/mailpit: HEALTHCHECK --interval=15s CMD /mailpit readyz)',
      'https://github.com/woodpecker-ci/woodpecker/tree/HEAD/docker (woodpecker-server and -agent: HEALTHCHECK CMD [… "ping"])',
      'https://github.com/google/cadvisor/blob/HEAD/deploy/Dockerfile (cadvisor: HEALTHCHECK … CMD curl -f http://localhost:8080/healthz)',
      'https://github.com/qdm12/gluetun/blob/HEAD/Dockerfile (gluetun: HEALTHCHECK … CMD /gluetun-entrypoint healthcheck)',
      'https://github.com/plexinc/pms-docker/blob/HEAD/Dockerfile (plexinc/pms-docker: HEALTHCHECK … CMD /healthcheck.sh)',
      'https://github.com/dragonflydb/dragonfly/blob/HEAD/tools/packaging/Dockerfile.ubuntu-prod (dragonflydb/dragonfly: HEALTHCHECK CMD /usr/local/bin/healthcheck.sh; USER dfly)',
      'https://github.com/element-hq/synapse/blob/HEAD/docker/Dockerfile ("Dockerfile to build the matrixdotorg/synapse docker images": HEALTHCHECK … CMD curl -fSs http://localhost:8008/health)',
      'https://github.com/esphome/esphome/blob/HEAD/docker/Dockerfile (esphome/esphome, the `docker` stage: HEALTHCHECK … CMD curl --fail http://localhost:6052/version; not in early versions)',
      'https://github.com/outline/outline/blob/HEAD/Dockerfile (outlinewiki/outline: HEALTHCHECK --interval=1m CMD wget -qO- "http://localhost:${PORT:-3000}/_health" …)',
      'https://github.com/php/frankenphp/blob/HEAD/Dockerfile (dunglas/frankenphp: HEALTHCHECK CMD curl -f http://localhost:2019/metrics || exit 1)',
      'https://github.com/immich-app/base-images/blob/HEAD/postgres/Dockerfile (ghcr.io/immich-app/postgres: HEALTHCHECK … CMD /usr/local/bin/healthcheck.sh; FROM pgvector/pgvector, entrypoint ends with exec docker-entrypoint.sh)',
      'https://github.com/paperless-ngx/paperless-ngx/blob/HEAD/Dockerfile (ghcr.io/paperless-ngx/paperless-ngx, paperlessngx/paperless-ngx: HEALTHCHECK … CMD [ "curl", "-fs", "-S", "--max-time", "2", "http://localhost:8000" ], added by PR #5199 in January 2024: counted from 2.4)',
      'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/command.html',
    ],
  },
  check(ctx) {
    const out: { range: Range; data: Data }[] = [];
    for (const service of ctx.services) {
      // The override Compose merges by default (compose.override.yaml) writes or drops `healthcheck`: what it
      // leaves is what runs, judged there (a healthcheck it adds clears the finding here).
      const merge = defaultMerge(ctx, service);
      if (mergedServiceGone(merge)) continue;
      const touch = merge && overrideAt(merge, ['healthcheck']);
      if (merge && touch) {
        if (!merge.inOverride) continue;
        if (touch.drops && !touch.value) {
          // The merged service has no healthcheck: judged on what it runs, the override's image or build when it
          // writes one (or replaces the whole service), else the default file's.
          const overRuns = !!merge.whole || !!ctx.serviceGet(service, 'image') || !!ctx.serviceGet(service, 'build');
          const level = overRuns ? merge.over : merge.base;
          if (overRuns && !ctx.serviceGet(service, 'image') && !ctx.serviceGet(service, 'build')) continue;
          const judged = unprobed(level.ctx, level.service);
          if (judged) out.push({ range: touchRange(ctx, touch, service), data: { service, ...judged, empty: false, dropped: dropCause(touch) } });
          continue;
        }
      }
      const found = lookupKey(ctx, service, 'healthcheck');
      if (found === 'unknown') continue;
      let empty = false;
      if (found) {
        const v = found.entry.value;
        if (v && !(isScalar(v) && v.value === null)) continue; // configured, disabled, or test: NONE — a decision
        empty = true;
      }
      if (isPartialService(ctx, service)) continue;
      // Another service of the project waits for it to be healthy: Compose refuses that unless the container has a
      // health check, and the service sets none, so its image declares one (review 47b, finding 6).
      if (waitedForHealthy(ctx, service)) continue;
      // The override's `image:`/`build:` decides what runs, and so whether it needs a probe (review item 1, ovr2).
      const mergedJudged = merge && !merge.inOverride ? unprobedMerged(merge) : undefined;
      const judged: Runs | null = mergedJudged === undefined ? unprobed(ctx, service) : mergedJudged;
      const overrideRuns = !!judged?.imageFrom && !!merge && PROBE_INPUTS.some((k) => overrideAt(merge, [k]) !== undefined);
      if (judged) out.push({ range: ctx.rangeOf(service.nameNode), data: { service, ...judged, empty, ...(overrideRuns ? { overrideRuns } : {}) } });
    }
    return out;
  },
  message(d) {
    const from = d.imageFrom ? `, set by ${d.imageFrom},` : '';
    const where = d.built ? `and the Dockerfile it builds${from} declares no HEALTHCHECK` : d.image ? `and image '${d.image.text}'${from} is not known to declare one` : 'and its image declares none that is known';
    if (d.dropped) return `Service '${d.service.name}' has no healthcheck once merged: ${dropText(d.dropped)} and sets none (${where.slice(4)}): Docker cannot tell a hung service from a working one, and dependents cannot wait for it to be ready.`;
    return `Service '${d.service.name}' has no healthcheck (${where}): Docker cannot tell a hung service from a working one, and dependents cannot wait for it to be ready.`;
  },
  fix(ctx, { data }): Fix | undefined {
    // What the override drops is left to the user: the override may relax it on purpose (a development setup).
    if (data.dropped || data.empty || data.overrideRuns || !data.image || !canAddToService(ctx, data.service)) return undefined;
    const test = probeFor(ctx, data.service, data.image);
    if (!test) return undefined;
    const edit = addToMapEdit(ctx, data.service.map, ['healthcheck:', `  test: ${test}`, '  interval: 10s', '  timeout: 5s', '  retries: 5', '  start_period: 30s'], indentUnit(ctx, data.service));
    if (!edit) return undefined;
    return { title: `Add a healthcheck (${data.image.repository})`, safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [edit] }] };
  },
});
