import type { Service } from '../engine/compose';
import { addToMapEdit, canAddToService, indentUnit } from '../engine/compose-insert';
import { serverEntryRange } from '../engine/compose-lookup';
import type { EnvVar } from '../engine/compose';
import { decidedHere, ownCommand, redisFactsAsRun, redisOwnCause } from '../engine/redis-config';
import { mergedCommandRange } from '../engine/override-merge';
import { defineRule } from '../engine/rule';
import { appendCommandArgsEdit, flowCommandText, type CommandArg, type CommandValue } from '../engine/service-command';
import type { Fix, Range, TextEdit } from '../engine/types';
import { ofService, placeOf, type Place } from '../engine/written-in';

interface Data {
  service: Service;
  server: string;
  /** AOF is turned off explicitly (`--appendonly no`, `appendonly no` in the config, `REDIS_AOF_ENABLED=no`). */
  explicit: boolean;
  plan:
    | { kind: 'replace-arg'; arg: CommandArg }
    | { kind: 'replace-env'; env: EnvVar }
    | { kind: 'append'; command: CommandValue }
    | { kind: 'create' }
    | null;
  /** REDIS_AOF_ENABLED written in an anchor several services merge (`<<: *redis`): where, and who uses it (one finding there). */
  place?: Place;
}

/** The quick fix's title: what to do first on a server that already holds data. */
const AOF_FIX_TITLE = 'Enable AOF persistence (a server that holds data: run CONFIG SET appendonly yes on it first)';

export default defineRule<'compose', Data>({
  code: 'DC053',
  name: 'redis-no-aof',
  kind: 'compose',
  severity: 'info',
  fixable: 'sometimes',
  docs: {
    summary: 'A Redis-family service that is not configured as a cache runs with its append-only file (AOF) off.',
    what:
      'Flags a Redis-family service (Redis, Valkey, KeyDB, Redis Stack, Bitnami; by `image:` or as the base of a built image) whose append-only file is off: no `--appendonly yes` on the server\'s command line (string or list form, also inside `sh -c "…"`) nor `appendonly yes` in a config file that is bind-mounted from the workspace, or an explicit `--appendonly no` / `appendonly no` / Bitnami `REDIS_AOF_ENABLED=no`. Redis and Valkey start with AOF off; Bitnami images turn it on by default. ' +
      'A service configured as a cache — `--save ""` (no snapshots) or an `allkeys-*` eviction policy — is not flagged: losing its data on restart is the design. A config file outside the workspace, a custom entrypoint or a built image without `command:` make the service unknown, not a finding. Through `extends:` (same file or another compose file of the workspace) the image, command, entrypoint and environment are read as Compose merges them: an inherited `--appendonly yes` counts. A service that writes none of them itself is not reported: the base is, where they are written (when the base is in a file that is not analyzed itself — not named like a compose file, not included and not extended from a default compose file such as `compose.yaml`, e.g. a `common-services.yml` that only `compose.dev.yaml` extends — it is reported on the extending service\'s name instead). No fix edits an inherited command; an own `command:` is created only when none is inherited. With the override `docker compose up` merges by default (`compose.override.yaml` beside `compose.yaml`, or `docker-compose.override.yml` beside `docker-compose.yml`; Compose merge, https://docs.docker.com/reference/compose-file/merge/) the merged service is judged, from either file: the override\'s `command:` or `entrypoint:` replaces this file\'s whole (`!reset` removes it: the image\'s default command runs), and its `environment:` is merged by key (`NAME: !reset null` and `environment: !reset`/`!override` drop this file\'s entries). The finding is reported in the file that writes the deciding `REDIS_AOF_ENABLED`/`VALKEY_AOF_ENABLED` entry, else in the file whose command runs (the override when it writes or drops `command:`/`entrypoint:`), and the fix edits that file\'s own command only — no command is created in a file whose `command:` the other file replaces or resets. A service the override resets or replaces whole (`!reset`/`!override` on the service) is judged in the override only; one whose `image:` or `build:` the override writes is judged as written in each file. A `REDIS_AOF_ENABLED=no` written in an anchor that several services merge into `environment:` (`x-redis: &redis`, `<<: *redis`; YAML merge keys, https://yaml.org/type/merge.html, as Compose reads them) is reported once, where it is written, with no fix (the anchor is shared), and the message names the services that use it (`in x-redis (used by services \'cache\' and \'sessions\')`).',
    why:
      'Without AOF, Redis keeps data only in memory plus periodic RDB snapshots (by default after 1 hour/1 change, 5 minutes/100 changes or 1 minute/10 000 changes): a crash, an OOM kill, or a stop that outlasts Docker\'s stop timeout (SIGKILL) loses every write since the last snapshot — sessions, queues, rate-limit counters. A plain `docker compose stop` or `down` does not: on SIGTERM Redis saves a final snapshot when save points are configured (https://redis.io/docs/latest/operate/oss_and_stack/reference/signals/). With `appendonly yes` every write is logged and fsynced once per second. SECURITY-GUIDELINES.md §4 Data Security — Redis: "AOF Persistence – Durability enabled".',
    bad: 'services:\n  cache:\n    image: redis:8.0-alpine\n    volumes:\n      - redis-data:/data',
    good: 'services:\n  cache:\n    image: redis:8.0-alpine\n    command: ["redis-server", "--appendonly", "yes"]\n    volumes:\n      - redis-data:/data',
    fix:
      '"Enable AOF persistence" changes an explicit `--appendonly no` (or Bitnami `REDIS_AOF_ENABLED: no`) to `yes`, appends `--appendonly yes` to the service\'s `command:` (string form: at its end; list form: new items quoted like the others) — the command line overrides a config file — or creates `command: ["redis-server", "--appendonly", "yes"]` when the service has neither `command:` nor `entrypoint:`. ' +
      'A quick fix only, never applied by fix-all: a Redis that already holds data and is restarted with AOF turned on loads only the (new, empty) append-only file and starts with an empty dataset, then overwrites its RDB snapshot. redis.conf: "changing this value in a config file of an existing database and restarting the server can lead to data loss. A conversion needs to be done by setting it via CONFIG command on a live server first" (https://github.com/redis/redis/pull/12506, reproduced in https://github.com/redis/redis/issues/12484). Changing `command:` makes Compose re-create the container, which is that restart; the official image keeps `/data` in a volume, so the old snapshot is there. The fix\'s title says so: on a server that holds data, run `redis-cli CONFIG SET appendonly yes` and wait for the rewrite to finish before re-creating the container. Not offered for Redis Stack (use `REDIS_ARGS`), for a command that runs through a shell or custom entrypoint, for an `appendonly no` in a config file with no `command:` to override it, or for a command from an anchor, alias or `<<` merge.',
    guideline: '§4 Data Security — Redis: "AOF Persistence – Durability enabled"',
    equivalents: ['No compose linter checks this (KICS, Checkov, Trivy and compose-lint have no Redis-persistence query for Compose)'],
    references: [
      'https://docs.docker.com/reference/compose-file/services/#extends',
      'https://redis.io/docs/latest/operate/oss_and_stack/management/persistence/',
      'https://redis.io/docs/latest/operate/oss_and_stack/reference/signals/',
      'https://github.com/redis/redis/issues/12484',
      'https://redis.io/docs/latest/operate/oss_and_stack/management/config/',
      'https://hub.docker.com/_/redis',
      'https://github.com/bitnami/containers/tree/main/bitnami/redis#enabling-aof-persistence',
    ],
  },
  check(ctx) {
    const out: { range: Range; data: Data }[] = [];
    const atEntry = new Map<string, { finding: { range: Range; data: Data }; users: Set<string> }>();
    for (const service of ctx.services) {
      // With the default override, the merged service (its command and environment as `docker compose up` merges
      // them), reported in the file whose value decides (review 44d, F3).
      const run = redisFactsAsRun(ctx, service);
      if (!run) continue;
      const { facts, view } = run;
      if (facts.aof !== 'no' || facts.cache) continue;
      const envOff = facts.aofDisabledEnv;
      if (!decidedHere(view, envOff)) continue;
      // Through `extends:`, settings that are all inherited are reported where they are written (the base).
      if (!view?.merge.inOverride && !redisOwnCause(ctx, service, facts)) continue;
      let range: Range | null = null;
      let plan: Data['plan'] = null;
      if (envOff && envOff.state === 'set') {
        range = envOff.env ? envOff.env.range : (envOff.merged ?? (envOff.file ? ctx.rangeOf(envOff.file.node) : null));
        if (envOff.env && envOff.env.editable && envOff.env.valueRange && envOff.env.value !== null && !envOff.env.value.includes('$')) plan = { kind: 'replace-env', env: envOff.env };
      }
      if (!range) range = view?.merge.inOverride ? mergedCommandRange(view.merge) : serverEntryRange(ctx, service);
      // Only a command written here is edited; one is created only where none is written (nor dropped).
      const own = ownCommand(ctx, service, facts.command);
      if (!plan && facts.family !== 'stack') {
        if (facts.aofOffArg && facts.command?.editable && facts.commandIsServerArgs && own) plan = { kind: 'replace-arg', arg: facts.aofOffArg };
        else if (!facts.appendonlyWritten && facts.commandIsServerArgs && facts.command?.editable && own) plan = { kind: 'append', command: facts.command };
        else if (!facts.appendonlyWritten && facts.defaultCommand && canAddToService(ctx, service) && !ctx.serviceGet(service, 'command') && !ctx.serviceGet(service, 'entrypoint')) plan = { kind: 'create' };
      }
      // A REDIS_AOF_ENABLED=no written in an anchor that services merge, with no fix: one finding where it is written.
      const entryKey = !plan && range && envOff && envOff.state === 'set' && envOff.env && envOff.env.range === range && !view ? `${range.start.line}:${range.start.character}` : null;
      const seen = entryKey ? atEntry.get(entryKey) : undefined;
      if (seen) {
        seen.users.add(service.name);
        continue;
      }
      out.push({ range: range ?? ctx.rangeOf(service.nameNode), data: { service, server: facts.server, explicit: facts.appendonlyWritten || !!envOff, plan } });
      if (entryKey) atEntry.set(entryKey, { finding: out[out.length - 1], users: new Set([service.name]) });
    }
    for (const { finding, users } of atEntry.values()) {
      const place = placeOf(ctx, finding.range, finding.data.service.name, users);
      if (place.users) finding.data.place = place;
    }
    return out;
  },
  message(d) {
    const what = d.explicit ? 'turns AOF persistence off' : 'runs without AOF persistence (no --appendonly yes)';
    if (d.place) return `REDIS_AOF_ENABLED ${ofService(d.service.name, d.place)} turns AOF persistence off: writes since the last RDB snapshot are lost if Redis crashes or is killed (an OOM kill, or a stop that outlasts its timeout).`;
    return `Service '${d.service.name}' ${what}: writes since the last RDB snapshot are lost if Redis crashes or is killed (an OOM kill, or a stop that outlasts its timeout).`;
  },
  fix(ctx, { data }): Fix | undefined {
    const plan = data.plan;
    if (!plan) return undefined;
    let edit: TextEdit | undefined;
    if (plan.kind === 'replace-arg') edit = { range: ctx.lines.rangeOf(plan.arg.start, plan.arg.end), newText: 'yes' };
    else if (plan.kind === 'replace-env') edit = { range: plan.env.valueRange!, newText: 'yes' };
    else if (plan.kind === 'append') edit = appendCommandArgsEdit(ctx, plan.command, ['--appendonly', 'yes']);
    else edit = addToMapEdit(ctx, data.service.map, [`command: ${flowCommandText([data.server, '--appendonly', 'yes'])}`], indentUnit(ctx, data.service));
    if (!edit) return undefined;
    // Not safe: a server that holds data and restarts with AOF on starts empty (see the docs' fix).
    return { title: AOF_FIX_TITLE, safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [edit] }] };
  },
});
